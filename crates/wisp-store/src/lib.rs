//! Runtime structures: the store and the instances it owns.
//!
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#store>
//!
//! The store owns every function, table, memory, global, element and data instance at a
//! stable address (an index into one vector per kind), and every module instance, which
//! maps a module's index spaces to those addresses. Execution state (stacks) lives
//! elsewhere, in `wisp-exec`, as the formal semantics separate them.
//!
//! The store is generic over `C`, the code of a Wasm function instance, so that this
//! crate does not depend on the executor's IR.
#![no_std]
extern crate alloc;

mod instances;
mod memory;
mod table;

pub use instances::{
    DataInst, ElemInst, ExportInst, ExternVal, FuncInst, FuncKind, GlobalInst, InstanceAddr,
    ModuleInst,
};
pub use memory::{AccessError, GrowError, MemInst, MemoryBackend, PagedMemory};
pub use table::TableInst;

use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::{FuncAddr, MemoryType};

/// Chooses the backend of each memory that a module defines, when it is instantiated:
/// `None` takes a heap vector.
pub type MemoryProvider = Box<dyn FnMut(&MemoryType) -> Option<MemoryBackend>>;

/// The store: all runtime objects of one embedding context.
pub struct Store<C> {
    pub funcs: Vec<FuncInst<C>>,
    pub tables: Vec<TableInst>,
    pub mems: Vec<MemInst>,
    pub globals: Vec<GlobalInst>,
    pub elems: Vec<ElemInst>,
    pub datas: Vec<DataInst>,
    pub instances: Vec<ModuleInst>,
    pub memory_provider: Option<MemoryProvider>,
}

impl<C> Default for Store<C> {
    fn default() -> Self {
        Store {
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            memory_provider: None,
        }
    }
}

impl<C> Store<C> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Allocates a function instance. Spec: `allocfunc`, `allochostfunc`.
    pub fn alloc_func(&mut self, f: FuncInst<C>) -> FuncAddr {
        self.funcs.push(f);
        FuncAddr(self.funcs.len() as u32 - 1)
    }
    pub fn alloc_table(&mut self, t: TableInst) -> u32 {
        self.tables.push(t);
        self.tables.len() as u32 - 1
    }
    /// A new memory of type `ty`, over the provider's backend if it offers one.
    pub fn new_memory(&mut self, ty: MemoryType, max_pages: u64) -> Result<MemInst, GrowError> {
        match self.memory_provider.as_mut().and_then(|p| p(&ty)) {
            Some(backend) => MemInst::new(ty, max_pages, backend),
            None => MemInst::new_vec(ty, max_pages),
        }
    }
    pub fn alloc_mem(&mut self, m: MemInst) -> u32 {
        self.mems.push(m);
        self.mems.len() as u32 - 1
    }
    pub fn alloc_global(&mut self, g: GlobalInst) -> u32 {
        self.globals.push(g);
        self.globals.len() as u32 - 1
    }
}
