//! Structs and arrays for the host: their types, making them, and reading and writing
//! their fields and elements, as Wasm code does with `struct.*` and `array.*`.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#aggregate-instances>

use crate::context::{AsContext, AsContextMut};
use crate::handle::Stored;
use crate::reference::AnyRef;
use crate::store::Store;
use crate::val::Val;
use crate::Error;
use alloc::vec::Vec;
use wisp_store::gc::{self, Layout, Object};
use wisp_types::{AnyAddr, CompositeType, FieldType, HeapType, RawVal, StorageType, TypeId};

/// A struct type, registered in a store (a final type in a recursive group of its
/// own). A struct type a module defines is equal to one made here if it is the same
/// type: the store keeps one id per type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructType(pub(crate) Stored<TypeId>);

/// An array type, registered in a store as [`StructType`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrayType(pub(crate) Stored<TypeId>);

/// Registers `ty`, whose references must name no module's type index.
fn register<T>(store: &mut Store<T>, ty: CompositeType) -> Result<Stored<TypeId>, Error> {
    let mut local = false;
    ty.for_each_ref(|r| local |= matches!(r.heap, HeapType::Def(..)));
    if local {
        return Err(Error::Usage(
            "a host type names a defined type by its id (HeapType::Id), not by a module's index"
                .into(),
        ));
    }
    let id = store.inner.types.register_composite(&ty);
    Ok(Stored::new(store.id, id))
}

impl StructType {
    /// The struct type with `fields`.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        fields: &[FieldType],
    ) -> Result<StructType, Error> {
        let store = store.as_context_mut().0;
        register(store, CompositeType::Struct(fields.into())).map(StructType)
    }

    /// Its fields, in store form.
    pub fn fields<T>(&self, store: impl AsContext<Data = T>) -> Result<Vec<FieldType>, Error> {
        let store = store.as_context().0;
        let id = self.0.check(store.id)?;
        struct_fields(store, id)
    }
}

impl ArrayType {
    /// The array type of elements of type `element`.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        element: FieldType,
    ) -> Result<ArrayType, Error> {
        let store = store.as_context_mut().0;
        register(store, CompositeType::Array(element)).map(ArrayType)
    }

    /// Its element type, in store form.
    pub fn element<T>(&self, store: impl AsContext<Data = T>) -> Result<FieldType, Error> {
        let store = store.as_context().0;
        let id = self.0.check(store.id)?;
        array_element(store, id)
    }
}

fn struct_fields<T>(store: &Store<T>, id: TypeId) -> Result<Vec<FieldType>, Error> {
    match store.inner.types.get(id).map(|t| t.composite) {
        Some(CompositeType::Struct(f)) => Ok(f.into_vec()),
        _ => Err(Error::Usage("not a struct type".into())),
    }
}

fn array_element<T>(store: &Store<T>, id: TypeId) -> Result<FieldType, Error> {
    match store.inner.types.get(id).map(|t| t.composite) {
        Some(CompositeType::Array(f)) => Ok(f),
        _ => Err(Error::Usage("not an array type".into())),
    }
}

/// The cells of `v`, checked to be a value of field type `f` of `store`.
fn field_cells<T>(store: &Store<T>, f: &FieldType, v: &Val) -> Result<[RawVal; 2], Error> {
    let ty = f.storage.unpacked();
    if !v.matches_ty(store, ty) {
        return Err(Error::Usage(message!(
            "the value is not of the field's type {ty}"
        )));
    }
    let mut c = [RawVal(0); 2];
    v.to_core(store.owner())?.write_cells(&mut c);
    Ok(c)
}

/// The value of a field of type `f` from its cells; a packed field is zero-extended.
fn field_value<T>(store: &Store<T>, f: &FieldType, c: [u64; 2]) -> Val {
    let v = match f.storage {
        StorageType::I8 => return Val::I32(c[0] as u8 as i32),
        StorageType::I16 => return Val::I32(c[0] as u16 as i32),
        StorageType::Val(t) => wisp_types::Val::read_cells(&[RawVal(c[0]), RawVal(c[1])], t),
    };
    Val::from_core(v, store.owner())
}

/// Makes room for an object of `bytes`, collecting first if the heap asks.
fn make_room<T>(store: &mut Store<T>, bytes: usize) -> Result<(), Error> {
    if store.inner.heap.wants_collection(bytes) {
        store.gc();
    }
    if store.inner.heap.fits(bytes) {
        Ok(())
    } else {
        Err(out_of_memory())
    }
}

/// The reference to the new object in heap slot `a`, rooted for the host.
fn rooted<T>(store: &Store<T>, a: u32) -> AnyRef {
    AnyRef::new(store.owner(), AnyAddr(a as u64 + 1))
}

fn heap_full(_: gc::HeapFull) -> Error {
    out_of_memory()
}

/// The trap of a full heap.
fn out_of_memory() -> Error {
    Error::Trap(crate::Trap::new(wisp_types::TrapCode::OutOfMemory))
}

/// A struct: a non-null reference to one, rooted as [`AnyRef`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructRef(pub(crate) AnyRef);

impl StructRef {
    /// A new struct of type `ty` with `fields`, as `struct.new` makes it. Fails with an
    /// out-of-memory trap when the store's heap is full even after a collection.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: &StructType,
        fields: &[Val],
    ) -> Result<StructRef, Error> {
        let store = store.as_context_mut().0;
        let id = ty.0.check(store.id)?;
        let types = struct_fields(store, id)?;
        if types.len() != fields.len() {
            return Err(Error::Usage(message!(
                "the struct type has {wanted} fields, {given} values were given",
                wanted = types.len(),
                given = fields.len()
            )));
        }
        let mut cells = Vec::new();
        for (f, v) in types.iter().zip(fields) {
            let c = field_cells(store, f, v)?;
            cells.extend_from_slice(&c[..f.storage.unpacked().cells()]);
        }
        store.inner.ensure_layout(id).map_err(heap_full)?;
        make_room(store, cells.len() * 8)?;
        let raw: Vec<u64> = cells.iter().map(|c| c.0).collect();
        let a = store.inner.heap.alloc_struct(id, &raw).map_err(heap_full)?;
        Ok(StructRef(rooted(store, a)))
    }

    /// Its type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> Result<StructType, Error> {
        let store = store.as_context().0;
        let a = self.0.object(store)?;
        let id = store.inner.heap.object(a).and_then(Object::type_id);
        id.map(|id| StructType(Stored::new(store.id, id)))
            .ok_or_else(|| Error::Usage("not a struct".into()))
    }

    /// Field `index`, as `struct.get` reads it (a packed field zero-extended).
    pub fn field<T>(&self, store: impl AsContext<Data = T>, index: usize) -> Result<Val, Error> {
        let store = store.as_context().0;
        let (f, cell) = self.field_at(store, index)?;
        let a = self.0.object(store)?;
        let fields = store.inner.heap.struct_fields(a).unwrap_or(&[]);
        let c = [0, 1].map(|i| fields.get(cell + i).copied().unwrap_or(0));
        Ok(field_value(store, &f, c))
    }

    /// Sets field `index`, as `struct.set` does; it must be mutable.
    pub fn set_field<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        index: usize,
        value: Val,
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let (f, cell) = self.field_at(store, index)?;
        if !f.mutable {
            return Err(Error::Usage(message!("field {index} is immutable")));
        }
        let c = field_cells(store, &f, &value)?;
        let a = self.0.object(store)?;
        if let Some(fields) = store.inner.heap.struct_fields_mut(a) {
            for (i, c) in c.iter().take(f.storage.unpacked().cells()).enumerate() {
                if let Some(x) = fields.get_mut(cell + i) {
                    *x = c.0;
                }
            }
        }
        Ok(())
    }

    /// The type and first cell of field `index`.
    fn field_at<T>(&self, store: &Store<T>, index: usize) -> Result<(FieldType, usize), Error> {
        let id = self.ty(store)?.0.index;
        let fields = struct_fields(store, id)?;
        let (cell, _) = gc::layout::field_cell(&fields, index as u32)
            .ok_or_else(|| Error::Usage(message!("the struct has no field {index}")))?;
        Ok((fields[index], cell as usize))
    }

    /// The struct as an `anyref`.
    pub fn to_anyref(self) -> AnyRef {
        self.0
    }

    /// The struct as a value.
    pub fn to_val(self) -> Val {
        Val::AnyRef(Some(self.0))
    }
}

/// An array: a non-null reference to one, rooted as [`AnyRef`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrayRef(pub(crate) AnyRef);

impl ArrayRef {
    /// A new array of type `ty` of `len` elements, each `elem`, as `array.new` makes
    /// it.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: &ArrayType,
        elem: &Val,
        len: u32,
    ) -> Result<ArrayRef, Error> {
        let store = store.as_context_mut().0;
        let (id, f, size) = Self::shape(store, ty)?;
        let c = field_cells(store, &f, elem)?;
        let v = c[0].0 as u128 | (c[1].0 as u128) << 64;
        make_room(store, (len as usize).saturating_mul(size as usize))?;
        let a = store
            .inner
            .heap
            .alloc_array(id, size, len, |b| {
                for e in b.chunks_exact_mut(size as usize) {
                    gc::write_element(e, v);
                }
            })
            .map_err(heap_full)?;
        Ok(ArrayRef(rooted(store, a)))
    }

    /// A new array of type `ty` with `elems`, as `array.new_fixed` makes it.
    pub fn new_fixed<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: &ArrayType,
        elems: &[Val],
    ) -> Result<ArrayRef, Error> {
        let store = store.as_context_mut().0;
        let (id, f, size) = Self::shape(store, ty)?;
        let mut vals = Vec::new();
        for e in elems {
            let c = field_cells(store, &f, e)?;
            vals.push(c[0].0 as u128 | (c[1].0 as u128) << 64);
        }
        let len =
            u32::try_from(elems.len()).map_err(|_| Error::Usage("too many elements".into()))?;
        make_room(store, elems.len().saturating_mul(size as usize))?;
        let a = store
            .inner
            .heap
            .alloc_array(id, size, len, |b| {
                for (e, v) in b.chunks_exact_mut(size as usize).zip(&vals) {
                    gc::write_element(e, *v);
                }
            })
            .map_err(heap_full)?;
        Ok(ArrayRef(rooted(store, a)))
    }

    /// The id, element type and element size of array type `ty`.
    fn shape<T>(store: &mut Store<T>, ty: &ArrayType) -> Result<(TypeId, FieldType, u8), Error> {
        let id = ty.0.check(store.id)?;
        let f = array_element(store, id)?;
        store.inner.ensure_layout(id).map_err(heap_full)?;
        match store.inner.heap.layout(id) {
            Some(Layout::Array { size, .. }) => Ok((id, f, *size)),
            _ => Err(Error::Usage("not an array type".into())),
        }
    }

    /// Its type.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> Result<ArrayType, Error> {
        let store = store.as_context().0;
        let a = self.0.object(store)?;
        let id = store.inner.heap.object(a).and_then(Object::type_id);
        id.map(|id| ArrayType(Stored::new(store.id, id)))
            .ok_or_else(|| Error::Usage("not an array".into()))
    }

    /// Its number of elements (`array.len`).
    pub fn len<T>(&self, store: impl AsContext<Data = T>) -> Result<u32, Error> {
        let store = store.as_context().0;
        let a = self.0.object(store)?;
        store
            .inner
            .heap
            .array_len(a)
            .ok_or_else(|| Error::Usage("not an array".into()))
    }

    /// Element `index`, as `array.get` reads it (a packed element zero-extended).
    pub fn get<T>(&self, store: impl AsContext<Data = T>, index: u32) -> Result<Val, Error> {
        let store = store.as_context().0;
        let f = self.ty(store)?.element(store)?;
        let a = self.0.object(store)?;
        let (v, _) = store
            .inner
            .heap
            .array_get(a, index)
            .map_err(|_| Error::Usage(message!("index {index} is out of bounds")))?;
        Ok(field_value(store, &f, [v as u64, (v >> 64) as u64]))
    }

    /// Sets element `index`, as `array.set` does; the elements must be mutable.
    pub fn set<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        index: u32,
        value: Val,
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let f = self.ty(&*store)?.element(&*store)?;
        if !f.mutable {
            return Err(Error::Usage("the array's elements are immutable".into()));
        }
        let c = field_cells(store, &f, &value)?;
        let a = self.0.object(store)?;
        store
            .inner
            .heap
            .array_set(a, index, c[0].0 as u128 | (c[1].0 as u128) << 64)
            .map_err(|_| Error::Usage(message!("index {index} is out of bounds")))
    }

    /// The array as an `anyref`.
    pub fn to_anyref(self) -> AnyRef {
        self.0
    }

    /// The array as a value.
    pub fn to_val(self) -> Val {
        Val::AnyRef(Some(self.0))
    }
}
