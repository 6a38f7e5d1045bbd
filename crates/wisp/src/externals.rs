//! Instances and the external values they export: tables, memories and globals.
//!
//! Every handle here carries its store's id (see [`crate::Store`]): a method that returns
//! a `Result` answers a handle from another store with an error, the others panic.

use crate::context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
use crate::error::Error;
use crate::exception::Tag;
use crate::func::Func;
use crate::handle::{StoreId, Stored};
use crate::store::Store;
use crate::typed::{TypedFunc, WasmParams, WasmResults};
use crate::val::Val;
use alloc::string::String;
use alloc::vec::Vec;
use wisp_store::{AccessError, ExternVal, GlobalInst, InstanceAddr, MemInst, MemoryBackend};
use wisp_types::{ExternType, GlobalType, MemoryType, Mutability, RawVal, TableType};

/// An external value: what an instance exports and a module imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A table.
    Table(Table),
    /// A linear memory.
    Memory(Memory),
    /// A global.
    Global(Global),
    /// An exception tag.
    Tag(Tag),
}

impl Extern {
    pub(crate) fn from_val(v: ExternVal, store: StoreId) -> Self {
        match v {
            ExternVal::Func(a) => Extern::Func(Func(Stored::new(store, a))),
            ExternVal::Table(a) => Extern::Table(Table(Stored::new(store, a))),
            ExternVal::Memory(a) => Extern::Memory(Memory(Stored::new(store, a))),
            ExternVal::Global(a) => Extern::Global(Global(Stored::new(store, a))),
            ExternVal::Tag(a) => Extern::Tag(Tag(Stored::new(store, a))),
        }
    }
    /// The executor's external value, if this one belongs to `store`.
    pub(crate) fn to_val(self, store: StoreId) -> Result<ExternVal, Error> {
        Ok(match self {
            Extern::Func(f) => ExternVal::Func(f.0.check(store)?),
            Extern::Table(t) => ExternVal::Table(t.0.check(store)?),
            Extern::Memory(m) => ExternVal::Memory(m.0.check(store)?),
            Extern::Global(g) => ExternVal::Global(g.0.check(store)?),
            Extern::Tag(t) => ExternVal::Tag(t.0.check(store)?),
        })
    }
    /// The value's type. Panics if it belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> ExternType {
        let store = store.as_context().0;
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
            Extern::Tag(t) => ExternType::Tag(t.ty(store)),
        }
    }
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    /// The tag, if this is one.
    pub fn into_tag(self) -> Option<Tag> {
        if let Extern::Tag(t) = self {
            Some(t)
        } else {
            None
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}
impl From<Tag> for Extern {
    fn from(t: Tag) -> Extern {
        Extern::Tag(t)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}

/// An instantiated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance(pub(crate) Stored<InstanceAddr>);

impl Instance {
    /// The export called `name`. Panics if the instance belongs to another store.
    pub fn get_export<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Extern> {
        let store = store.as_context().0;
        let addr = self.0.get(store.id);
        store.inner.instances[addr.0 as usize]
            .export(name)
            .map(|v| Extern::from_val(v, store.id))
    }
    /// Every export, in the module's order. Panics if the instance belongs to another
    /// store.
    pub fn exports<T>(&self, store: impl AsContext<Data = T>) -> Vec<(String, Extern)> {
        let store = store.as_context().0;
        let addr = self.0.get(store.id);
        store.inner.instances[addr.0 as usize]
            .exports
            .iter()
            .map(|e| (e.name.clone(), Extern::from_val(e.value, store.id)))
            .collect()
    }
    /// The exported function called `name`.
    pub fn get_func<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Func> {
        let store = store.as_context().0;
        self.get_export(store, name)?.into_func()
    }
    /// The exported memory called `name`.
    pub fn get_memory<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Memory> {
        let store = store.as_context().0;
        self.get_export(store, name)?.into_memory()
    }
    /// The exported global called `name`.
    pub fn get_global<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Global> {
        let store = store.as_context().0;
        self.get_export(store, name)?.into_global()
    }
    /// The exported table called `name`.
    pub fn get_table<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Table> {
        let store = store.as_context().0;
        self.get_export(store, name)?.into_table()
    }
    /// An exported tag.
    pub fn get_tag<T>(&self, store: impl AsContext<Data = T>, name: &str) -> Option<Tag> {
        let store = store.as_context().0;
        self.get_export(store, name)?.into_tag()
    }
    /// An exported function with a static signature, checked here once.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        store: impl AsContext,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        let store = store.as_context().0;
        self.0.check(store.id)?;
        let f = self
            .get_func(store, name)
            .ok_or_else(|| Error::Usage(message!("no exported function named `{name}`")))?;
        TypedFunc::new(store, f)
    }
}

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global(pub(crate) Stored<u32>);

impl Global {
    /// A new global of type `ty` holding `value`.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: GlobalType,
        value: Val,
    ) -> Result<Global, Error> {
        let store = store.as_context_mut().0;
        if !value.matches_ty(store, ty.content) {
            return Err(Error::Usage("global value does not match its type".into()));
        }
        let mut cells = [RawVal(0); 2];
        value.to_core(store.owner())?.write_cells(&mut cells);
        let addr = store.inner.alloc_global(GlobalInst {
            ty,
            value: cells[0],
            hi: cells[1],
        });
        Ok(Global(Stored::new(store.id, addr)))
    }
    /// The global's type. Panics if it belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> GlobalType {
        let store = store.as_context().0;
        store.inner.globals[self.0.get(store.id) as usize].ty
    }
    /// The global's value. Panics if it belongs to another store.
    pub fn get<T>(&self, store: impl AsContext<Data = T>) -> Val {
        let store = store.as_context().0;
        let g = &store.inner.globals[self.0.get(store.id) as usize];
        Val::from_core(
            wisp_types::Val::read_cells(&[g.value, g.hi], g.ty.content),
            store.owner(),
        )
    }
    /// Sets a mutable global to `value`, of the global's type.
    pub fn set<T>(&self, mut store: impl AsContextMut<Data = T>, value: Val) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let addr = self.0.check(store.id)?;
        let core = value.to_core(store.owner())?;
        let fits = value.matches_ty(store, store.inner.globals[addr as usize].ty.content);
        let g = &mut store.inner.globals[addr as usize];
        if g.ty.mutability != Mutability::Var || !fits {
            return Err(Error::Usage(
                "global is immutable or of another type".into(),
            ));
        }
        let mut cells = [RawVal(0); 2];
        core.write_cells(&mut cells);
        (g.value, g.hi) = (cells[0], cells[1]);
        Ok(())
    }
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table(pub(crate) Stored<u32>);

impl Table {
    /// A new table of type `ty`, every element `init`, within the store's limits.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: TableType,
        init: Val,
    ) -> Result<Table, Error> {
        let store = store.as_context_mut().0;
        if !init.matches_ty(store, wisp_types::ValType::Ref(ty.element)) {
            return Err(Error::Usage("table element does not match its type".into()));
        }
        let init = init.to_core(store.owner())?.to_raw();
        let max = store.engine.config.limits.max_table_elements;
        let t = store
            .inner
            .new_table(ty, init, max)
            .map_err(|e| Error::Instantiate(message!("cannot allocate table: {e}")))?;
        let addr = store.inner.alloc_table(t);
        Ok(Table(Stored::new(store.id, addr)))
    }
    /// The table's type. Panics if it belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> TableType {
        let store = store.as_context().0;
        store.inner.tables[self.0.get(store.id) as usize].ty
    }
    /// Elements in the table. Panics if it belongs to another store.
    pub fn size<T>(&self, store: impl AsContext<Data = T>) -> u32 {
        let store = store.as_context().0;
        store.inner.tables[self.0.get(store.id) as usize].size()
    }
    /// Element `index`, if in bounds. Panics if the table belongs to another store.
    pub fn get<T>(&self, store: impl AsContext<Data = T>, index: u32) -> Option<Val> {
        let store = store.as_context().0;
        let t = &store.inner.tables[self.0.get(store.id) as usize];
        let cell: RawVal = *t.elements.get(index as usize)?;
        let v = wisp_types::Val::from_raw(cell, wisp_types::ValType::Ref(t.ty.element));
        Some(Val::from_core(v, store.owner()))
    }
    /// Sets element `index` to `value`, a reference of the table's type from this store.
    pub fn set<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        index: u32,
        value: Val,
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let addr = self.0.check(store.id)?;
        let raw = value.to_core(store.owner())?.to_raw();
        let element = wisp_types::ValType::Ref(store.inner.tables[addr as usize].ty.element);
        let fits = value.matches_ty(store, element);
        let t = &mut store.inner.tables[addr as usize];
        if !fits {
            return Err(Error::Usage("table element does not match its type".into()));
        }
        let slot = t
            .elements
            .get_mut(index as usize)
            .ok_or_else(|| Error::Usage("table index out of bounds".into()))?;
        *slot = raw;
        Ok(())
    }
    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        delta: u32,
        init: Val,
    ) -> Result<u32, Error> {
        let store = store.as_context_mut().0;
        let addr = self.0.check(store.id)?;
        let element = wisp_types::ValType::Ref(store.inner.tables[addr as usize].ty.element);
        if !init.matches_ty(store, element) {
            return Err(Error::Usage("table element does not match its type".into()));
        }
        let raw = init.to_core(store.owner())?.to_raw();
        store
            .inner
            .grow_table(addr, delta, raw)
            .ok_or_else(|| Error::Usage("table.grow failed".into()))
    }
}

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory(pub(crate) Stored<u32>);

impl Memory {
    /// A new memory of type `ty`, within the store's limits.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, ty: MemoryType) -> Result<Memory, Error> {
        let store = store.as_context_mut().0;
        Self::with_backend(store, ty, MemoryBackend::default_for_host())
    }
    /// A memory whose bytes live in `backend`: a buffer the host lent, or a paged device.
    pub fn with_backend<T>(
        mut store: impl AsContextMut<Data = T>,
        ty: MemoryType,
        backend: MemoryBackend,
    ) -> Result<Memory, Error> {
        let store = store.as_context_mut().0;
        let max = store.engine.config.limits.max_memory_pages;
        let m = store
            .inner
            .new_memory(ty, max, Some(backend))
            .map_err(|e| Error::Instantiate(message!("cannot allocate memory: {e}")))?;
        let addr = store.inner.alloc_mem(m);
        Ok(Memory(Stored::new(store.id, addr)))
    }
    fn inst<'a, T>(&self, store: &'a Store<T>) -> &'a MemInst {
        &store.inner.mems[self.0.get(store.id) as usize]
    }
    /// The memory's type. Panics if it belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> MemoryType {
        let store = store.as_context().0;
        self.inst(store).ty
    }
    /// Size in pages. Panics if the memory belongs to another store.
    pub fn size<T>(&self, store: impl AsContext<Data = T>) -> u64 {
        let store = store.as_context().0;
        self.inst(store).pages()
    }
    /// The bytes, when the memory is one slice in RAM (empty for a paged memory: use
    /// [`Memory::read`] and [`Memory::write`], which work on every backend). Panics if
    /// the memory belongs to another store.
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreContext<'a, T>>) -> &'a [u8] {
        self.inst(store.into().0).data()
    }
    /// The bytes, writable (see [`Memory::data`]).
    pub fn data_mut<'a, T: 'a>(&self, store: impl Into<StoreContextMut<'a, T>>) -> &'a mut [u8] {
        let store = store.into().0;
        store.inner.mems[self.0.get(store.id) as usize].data_mut()
    }
    /// The bytes, writable, and the embedder's data, both borrowed at once: a host
    /// function can fill guest memory from its own state without copying that first.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: impl Into<StoreContextMut<'a, T>>,
    ) -> (&'a mut [u8], &'a mut T) {
        let store = store.into().0;
        let mem = &mut store.inner.mems[self.0.get(store.id) as usize];
        (mem.data_mut(), &mut store.data)
    }
    /// Whether the bytes live on a paged device rather than in one slice.
    pub fn is_paged<T>(&self, store: impl AsContext<Data = T>) -> bool {
        let store = store.as_context().0;
        self.inst(store).is_paged()
    }
    /// Grows by `delta` pages within the store's limits; returns the old size in pages.
    pub fn grow<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        delta: u64,
    ) -> Result<u64, Error> {
        let store = store.as_context_mut().0;
        let addr = self.0.check(store.id)?;
        store
            .inner
            .grow_memory(addr, delta)
            .map_err(|e| Error::Usage(message!("memory.grow failed: {e}")))
    }
    /// Copies bytes out of memory at `offset`, whatever the memory's backend. A paged
    /// memory whose device cannot be read through a shared borrow of the store fails
    /// with [`AccessError::Exclusive`](wisp_store::AccessError::Exclusive) here; the
    /// loads of Wasm, [`Memory::read_exclusive`] and [`Memory::write`] always work.
    pub fn read<T>(
        &self,
        store: impl AsContext<Data = T>,
        offset: impl MemoryOffset,
        buf: &mut [u8],
    ) -> Result<(), Error> {
        let store = store.as_context().0;
        let (addr, offset) = self.place(store, offset)?;
        store.inner.mems[addr]
            .read_shared(offset, buf)
            .map_err(access_error)
    }
    /// [`Memory::read`] with the store borrowed exclusively, which every paged memory
    /// answers (a block device's cache may take the page in).
    pub fn read_exclusive<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        offset: impl MemoryOffset,
        buf: &mut [u8],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let (addr, offset) = self.place(store, offset)?;
        store.inner.mems[addr]
            .read(offset, buf)
            .map_err(access_error)
    }
    /// Copies bytes into memory at `offset`, whatever the memory's backend.
    pub fn write<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        offset: impl MemoryOffset,
        buf: &[u8],
    ) -> Result<(), Error> {
        let store = store.as_context_mut().0;
        let (addr, offset) = self.place(store, offset)?;
        store.inner.mems[addr]
            .write(offset, buf)
            .map_err(access_error)
    }
    /// The memory's index in `store` and `offset` as an address, or the error.
    fn place<T>(&self, store: &Store<T>, offset: impl MemoryOffset) -> Result<(usize, u64), Error> {
        let addr = self.0.check(store.id)? as usize;
        let offset = offset
            .to_u64()
            .ok_or_else(|| access_error(AccessError::OutOfBounds))?;
        Ok((addr, offset))
    }
}

/// An address in a linear memory as the host spells it: `usize` (as in wasmtime), `u64`
/// (a 64-bit memory on any host), or a guest pointer as Wasm passed it (`i32`/`u32`,
/// `i64`); a negative one is out of bounds.
pub trait MemoryOffset: Copy {
    /// The address, or `None` for one that cannot be in bounds.
    fn to_u64(self) -> Option<u64>;
}

macro_rules! memory_offset {
    ($($t:ty),*) => {$(
        impl MemoryOffset for $t {
            fn to_u64(self) -> Option<u64> {
                u64::try_from(self).ok()
            }
        }
    )*};
}
memory_offset!(usize, u64, u32, i32, i64);

fn access_error(e: AccessError) -> Error {
    Error::Usage(match e {
        AccessError::OutOfBounds => "out of bounds memory access".into(),
        AccessError::Device => "the memory's block device failed".into(),
        AccessError::Exclusive => alloc::string::ToString::to_string(&e),
    })
}
