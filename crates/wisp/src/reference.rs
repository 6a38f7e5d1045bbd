//! References: host values that Wasm code can hold but not inspect (`externref`), and
//! internal ones (`anyref`).
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values> (`ref.extern`)

#[cfg(feature = "gc")]
use crate::aggregate::{ArrayRef, StructRef};
use crate::context::{AsContext, AsContextMut};
use crate::handle::Stored;
#[cfg(feature = "gc")]
use crate::store::Store;
#[cfg(feature = "gc")]
use crate::val::Owner;
use crate::val::Val;
#[cfg(feature = "gc")]
use crate::Error;
use alloc::boxed::Box;
use core::any::Any;
use wisp_types::{cells, AnyAddr, ExternAddr};

/// A non-null `externref`: a host value owned by a store, passed to and from Wasm as
/// `Val::ExternRef(Some(..))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternRef(pub(crate) Stored<ExternAddr>, pub(crate) u32);

impl ExternRef {
    #[cfg(feature = "gc")]
    /// The reference `cell` of `owner`'s store; an object made external is rooted as
    /// an [`AnyRef`] is.
    pub(crate) fn from_cell(owner: Owner<'_>, cell: ExternAddr) -> ExternRef {
        let any = AnyRef::new(owner, AnyAddr(cells::any_convert_extern(cell.0)));
        ExternRef(Stored::new(owner.id, cell), any.1)
    }

    #[cfg(feature = "gc")]
    /// Its cell, if it belongs to `owner`'s store and, for an object made external, is
    /// still the object it named.
    pub(crate) fn check(&self, owner: Owner<'_>) -> Result<ExternAddr, Error> {
        let cell = self.0.check(owner.id)?;
        AnyRef::convert_extern(*self).check(owner)?;
        Ok(cell)
    }

    /// Moves `value` into the store and returns a reference to it.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        value: impl Any + wisp_types::sync::MaybeSendSync,
    ) -> ExternRef {
        let store = store.as_context_mut().0;
        store.externs.push(Box::new(value));
        let addr = ExternAddr::host(store.externs.len() as u32 - 1);
        ExternRef(Stored::new(store.id, addr), 0)
    }

    /// The host value, if this reference belongs to `store` and is a host value (not
    /// an internal reference that Wasm made external with `extern.convert_any`).
    pub fn data<'a, T: 'a>(
        &self,
        store: impl Into<crate::StoreContext<'a, T>>,
    ) -> Option<&'a dyn Any> {
        let store = store.into().0;
        let addr = self.0.check(store.id).ok()?.host_addr()?;
        store
            .externs
            .get(addr as usize)
            .map(|b| -> &dyn Any { &**b })
    }

    /// The internal reference `any` as an external one, as `extern.convert_any` makes it.
    pub fn convert_any(any: AnyRef) -> ExternRef {
        let cell = cells::extern_convert_any(any.0.index.0);
        ExternRef(Stored::new(any.0.store, ExternAddr(cell)), any.1)
    }

    /// The reference as a value.
    pub fn to_val(self) -> Val {
        Val::ExternRef(Some(self))
    }

    /// The reference in a value, if it is a non-null `externref`.
    pub fn from_val(v: Val) -> Option<ExternRef> {
        match v {
            Val::ExternRef(r) => r,
            _ => None,
        }
    }
}

/// A non-null internal reference (`anyref`, the GC proposal's hierarchy), tagged with
/// its store: an `i31`, a struct or an array, or a host reference made internal.
///
/// A struct or array that reaches the host (a call's result, a global's or a table's
/// value, an object the host made) is *rooted*: the store's collector keeps it alive
/// until the host lets go of it, with [`AnyRef::unroot`], [`Store::release_roots`] or
/// at the end of a [`Store::scope`]. After that a collection may free it, and the
/// reference then fails to be used (it never reaches another object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyRef(pub(crate) Stored<AnyAddr>, pub(crate) u32);

impl AnyRef {
    #[cfg(feature = "gc")]
    /// The reference `cell` of `owner`'s store, rooted if it is a heap object.
    pub(crate) fn new(owner: Owner<'_>, cell: AnyAddr) -> AnyRef {
        let generation = match heap_slot(cell.0) {
            Some(a) => {
                owner.heap.root(a);
                // A value just read from Wasm is live; `MAX` would fail every check.
                owner.heap.generation(a).unwrap_or(u32::MAX)
            }
            None => 0,
        };
        AnyRef(Stored::new(owner.id, cell), generation)
    }

    #[cfg(feature = "gc")]
    /// Its cell, if it belongs to `owner`'s store and, for a heap object, is still the
    /// object it named.
    pub(crate) fn check(&self, owner: Owner<'_>) -> Result<AnyAddr, Error> {
        let cell = self.0.check(owner.id)?;
        if let Some(a) = heap_slot(cell.0) {
            if owner.heap.generation(a) != Some(self.1) {
                return Err(Error::Usage(
                    "the object was freed: the host had let go of it and Wasm no longer reached it"
                        .into(),
                ));
            }
        }
        Ok(cell)
    }

    /// The heap slot of a struct or array, for the API's objects.
    #[cfg(feature = "gc")]
    pub(crate) fn object<T>(&self, store: &Store<T>) -> Result<u32, Error> {
        let cell = self.check(store.owner())?;
        heap_slot(cell.0)
            .ok_or_else(|| Error::Usage("the reference is not a struct or an array".into()))
    }

    /// The `i31` of the low 31 bits of `value`, as `ref.i31` makes it.
    pub fn from_i31<T>(store: impl AsContext<Data = T>, value: i32) -> AnyRef {
        let store = store.as_context().0;
        AnyRef(
            Stored::new(store.id, AnyAddr(cells::ref_i31(value as u32))),
            0,
        )
    }

    /// The value of an `i31`, sign-extended (`i31.get_s`); `None` for another kind of
    /// reference.
    pub fn as_i31(&self) -> Option<i32> {
        let cell = self.0.index.0;
        (cells::kind(cell) == cells::I31).then(|| cells::i31_get_s(cell))
    }

    /// The external reference `ext` as an internal one, as `any.convert_extern` makes it.
    pub fn convert_extern(ext: ExternRef) -> AnyRef {
        let cell = cells::any_convert_extern(ext.0.index.0);
        let generation = ext.1;
        AnyRef(Stored::new(ext.0.store, AnyAddr(cell)), generation)
    }

    #[cfg(feature = "gc")]
    /// Whether it is a struct of `store`; false if it belongs to another store or was
    /// freed.
    pub fn is_struct<T>(&self, store: impl AsContext<Data = T>) -> bool {
        let store = store.as_context().0;
        self.as_struct(store).is_some()
    }

    #[cfg(feature = "gc")]
    /// Whether it is an array of `store`.
    pub fn is_array<T>(&self, store: impl AsContext<Data = T>) -> bool {
        let store = store.as_context().0;
        self.as_array(store).is_some()
    }

    #[cfg(feature = "gc")]
    /// The struct it is, if it is one.
    pub fn as_struct<T>(&self, store: impl AsContext<Data = T>) -> Option<StructRef> {
        let store = store.as_context().0;
        let a = self.object(store).ok()?;
        store.inner.heap.struct_fields(a).map(|_| StructRef(*self))
    }

    #[cfg(feature = "gc")]
    /// The array it is, if it is one.
    pub fn as_array<T>(&self, store: impl AsContext<Data = T>) -> Option<ArrayRef> {
        let store = store.as_context().0;
        let a = self.object(store).ok()?;
        store.inner.heap.array(a).map(|_| ArrayRef(*self))
    }

    /// Lets go of the host's hold on a struct or array (see [`AnyRef`]); nothing for
    /// other references.
    #[cfg(feature = "gc")]
    pub fn unroot<T>(self, mut store: impl AsContextMut<Data = T>) {
        let store = store.as_context_mut().0;
        if let Ok(a) = self.object(store) {
            store.inner.heap.unroot(a);
        }
    }

    /// The reference as a value.
    pub fn to_val(self) -> Val {
        Val::AnyRef(Some(self))
    }
}

/// The heap slot a cell of the `any` hierarchy names, if it names a heap object.
#[cfg(feature = "gc")]
pub(crate) fn heap_slot(cell: u64) -> Option<u32> {
    (cells::kind(cell) == 0 && cell != 0).then(|| (cell - 1) as u32)
}
