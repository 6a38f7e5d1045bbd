//! Instances and the external values they export: tables, memories and globals.

use crate::error::Error;
use crate::func::Func;
use crate::store::Store;
use crate::typed::{TypedFunc, WasmParams, WasmResults};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use wisp_store::{ExternVal, GlobalInst, InstanceAddr, MemInst, MemoryBackend, TableInst};
use wisp_types::{ExternType, GlobalType, MemoryType, Mutability, RawVal, TableType, Val};

/// An external value: what an instance exports and a module imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl Extern {
    pub(crate) fn from_val(v: ExternVal) -> Self {
        match v {
            ExternVal::Func(a) => Extern::Func(Func(a)),
            ExternVal::Table(a) => Extern::Table(Table(a)),
            ExternVal::Memory(a) => Extern::Memory(Memory(a)),
            ExternVal::Global(a) => Extern::Global(Global(a)),
        }
    }
    pub(crate) fn to_val(self) -> ExternVal {
        match self {
            Extern::Func(f) => ExternVal::Func(f.0),
            Extern::Table(t) => ExternVal::Table(t.0),
            Extern::Memory(m) => ExternVal::Memory(m.0),
            Extern::Global(g) => ExternVal::Global(g.0),
        }
    }
    pub fn ty<T>(&self, store: &Store<T>) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)),
            Extern::Table(t) => ExternType::Table(t.ty(store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)),
            Extern::Global(g) => ExternType::Global(g.ty(store)),
        }
    }
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self {
            Some(f)
        } else {
            None
        }
    }
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self {
            Some(m)
        } else {
            None
        }
    }
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self {
            Some(g)
        } else {
            None
        }
    }
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self {
            Some(t)
        } else {
            None
        }
    }
}

/// An instantiated module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance(pub(crate) InstanceAddr);

impl Instance {
    pub fn get_export<T>(&self, store: &Store<T>, name: &str) -> Option<Extern> {
        store.inner.instances[self.0 .0 as usize]
            .export(name)
            .map(Extern::from_val)
    }
    pub fn exports<T>(&self, store: &Store<T>) -> Vec<(String, Extern)> {
        store.inner.instances[self.0 .0 as usize]
            .exports
            .iter()
            .map(|e| (e.name.clone(), Extern::from_val(e.value)))
            .collect()
    }
    pub fn get_func<T>(&self, store: &Store<T>, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }
    pub fn get_memory<T>(&self, store: &Store<T>, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }
    pub fn get_global<T>(&self, store: &Store<T>, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }
    pub fn get_table<T>(&self, store: &Store<T>, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }
    /// An exported function with a static signature, checked here once.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        store: &Store<impl Sized>,
        name: &str,
    ) -> Result<TypedFunc<P, R>, Error> {
        let f = self
            .get_func(store, name)
            .ok_or_else(|| Error::Usage(format!("no exported function named `{name}`")))?;
        TypedFunc::new(store, f)
    }
}

/// A global variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Global(pub(crate) u32);

impl Global {
    pub fn new<T>(store: &mut Store<T>, ty: GlobalType, value: Val) -> Result<Global, Error> {
        if value.ty() != ty.content {
            return Err(Error::Usage("global value does not match its type".into()));
        }
        let mut cells = [RawVal(0); 2];
        value.write_cells(&mut cells);
        Ok(Global(store.inner.alloc_global(GlobalInst {
            ty,
            value: cells[0],
            hi: cells[1],
        })))
    }
    pub fn ty<T>(&self, store: &Store<T>) -> GlobalType {
        store.inner.globals[self.0 as usize].ty
    }
    pub fn get<T>(&self, store: &Store<T>) -> Val {
        let g = &store.inner.globals[self.0 as usize];
        Val::read_cells(&[g.value, g.hi], g.ty.content)
    }
    pub fn set<T>(&self, store: &mut Store<T>, value: Val) -> Result<(), Error> {
        let g = &mut store.inner.globals[self.0 as usize];
        if g.ty.mutability != Mutability::Var || value.ty() != g.ty.content {
            return Err(Error::Usage(
                "global is immutable or of another type".into(),
            ));
        }
        let mut cells = [RawVal(0); 2];
        value.write_cells(&mut cells);
        (g.value, g.hi) = (cells[0], cells[1]);
        Ok(())
    }
}

/// A table of references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table(pub(crate) u32);

impl Table {
    pub fn new<T>(store: &mut Store<T>, ty: TableType, init: Val) -> Result<Table, Error> {
        let max = store.engine.config.limits.max_table_elements;
        let t = TableInst::new(ty, init.to_raw(), max)
            .ok_or_else(|| Error::Instantiate("cannot allocate table".into()))?;
        Ok(Table(store.inner.alloc_table(t)))
    }
    pub fn ty<T>(&self, store: &Store<T>) -> TableType {
        store.inner.tables[self.0 as usize].ty
    }
    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        store.inner.tables[self.0 as usize].size()
    }
    pub fn get<T>(&self, store: &Store<T>, index: u32) -> Option<Val> {
        let t = &store.inner.tables[self.0 as usize];
        let cell: RawVal = *t.elements.get(index as usize)?;
        Some(Val::from_raw(cell, wisp_types::ValType::Ref(t.ty.element)))
    }
}

/// A linear memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory(pub(crate) u32);

impl Memory {
    pub fn new<T>(store: &mut Store<T>, ty: MemoryType) -> Result<Memory, Error> {
        Self::with_backend(store, ty, MemoryBackend::Vec(Vec::new()))
    }
    /// A memory whose bytes live in `backend`: a buffer the host lent, or a paged device.
    pub fn with_backend<T>(
        store: &mut Store<T>,
        ty: MemoryType,
        backend: MemoryBackend,
    ) -> Result<Memory, Error> {
        let max = store.engine.config.limits.max_memory_pages;
        let m = MemInst::new(ty, max, backend)
            .map_err(|e| Error::Instantiate(format!("cannot allocate memory: {e}")))?;
        Ok(Memory(store.inner.alloc_mem(m)))
    }
    pub fn ty<T>(&self, store: &Store<T>) -> MemoryType {
        store.inner.mems[self.0 as usize].ty
    }
    /// Size in pages.
    pub fn size<T>(&self, store: &Store<T>) -> u64 {
        store.inner.mems[self.0 as usize].pages()
    }
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        store.inner.mems[self.0 as usize].data()
    }
    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        store.inner.mems[self.0 as usize].data_mut()
    }
    /// Grows by `delta` pages; returns the old size in pages.
    pub fn grow<T>(&self, store: &mut Store<T>, delta: u64) -> Result<u64, Error> {
        store.inner.mems[self.0 as usize]
            .grow(delta)
            .map_err(|e| Error::Usage(format!("memory.grow failed: {e:?}")))
    }
    /// Copies bytes out of memory at `offset`, whatever the memory's backend.
    pub fn read<T>(&self, store: &mut Store<T>, offset: u64, buf: &mut [u8]) -> Result<(), Error> {
        store.inner.mems[self.0 as usize]
            .read(offset, buf)
            .map_err(access_error)
    }
    /// Copies bytes into memory at `offset`, whatever the memory's backend.
    pub fn write<T>(&self, store: &mut Store<T>, offset: u64, buf: &[u8]) -> Result<(), Error> {
        store.inner.mems[self.0 as usize]
            .write(offset, buf)
            .map_err(access_error)
    }
}

fn access_error(e: wisp_store::AccessError) -> Error {
    Error::Usage(match e {
        wisp_store::AccessError::OutOfBounds => "out of bounds memory access".into(),
        wisp_store::AccessError::Device => "the memory's block device failed".into(),
    })
}
