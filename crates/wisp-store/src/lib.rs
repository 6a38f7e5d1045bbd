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
// `unsafe` only in the mmap backend (`mapped`), which allows it.
#![deny(unsafe_code)]
#![no_std]
extern crate alloc;
#[cfg(feature = "file")]
extern crate std;

mod cast;
#[cfg(feature = "file")]
pub mod file;
pub mod gc;
mod instances;
mod limits;
#[cfg(all(feature = "mmap", target_os = "linux"))]
#[allow(unsafe_code)]
mod mapped;
mod memory;
mod registry;
mod table;

#[cfg(feature = "file")]
pub use file::FileMemory;
pub use instances::{
    DataInst, ElemInst, ExportInst, ExternVal, FuncInst, FuncKind, GlobalInst, InstanceAddr,
    ModuleInst, TagInst,
};
pub use limits::{
    ResourceLimiter, StoreLimits, StoreLimitsBuilder, DEFAULT_INSTANCES, DEFAULT_MEMORIES,
    DEFAULT_TABLES,
};
pub use memory::{fill_bytes, AccessError, GrowError, MemInst, MemoryBackend, PagedMemory};
pub use registry::{heap_in_store, ref_in_store, val_in_store, BadType, TypeRegistry};
pub use table::{TableInst, MAX_TABLE_LEN};
/// What may cross threads (`Send` bounds that only targets with threads ask for).
pub use wisp_types::sync;

use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::{FuncAddr, FuncType, MemoryType, RawVal, TableType, TypeId};

/// Chooses the backend of each memory that a module defines, when it is instantiated:
/// `None` takes a heap vector.
#[cfg(target_has_atomic = "ptr")]
pub type MemoryProvider = Box<dyn FnMut(&MemoryType) -> Option<MemoryBackend> + Send>;
/// Chooses the backend of each memory that a module defines, when it is instantiated:
/// `None` takes a heap vector.
#[cfg(not(target_has_atomic = "ptr"))]
pub type MemoryProvider = Box<dyn FnMut(&MemoryType) -> Option<MemoryBackend>>;

/// The store: all runtime objects of one embedding context.
pub struct Store<C> {
    pub funcs: Vec<FuncInst<C>>,
    pub tables: Vec<TableInst>,
    pub mems: Vec<MemInst>,
    pub globals: Vec<GlobalInst>,
    pub elems: Vec<ElemInst>,
    pub datas: Vec<DataInst>,
    pub tags: Vec<TagInst>,
    /// The defined types of every module instantiated and host function made here.
    pub types: TypeRegistry,
    /// Exception instances, reclaimed by collections.
    pub heap: gc::Heap,
    pub instances: Vec<ModuleInst>,
    pub memory_provider: Option<MemoryProvider>,
    /// The store-wide limits, asked before every memory, table and instance is made or
    /// grown; `None` checks only the default counts.
    pub limiter: Option<Box<dyn ResourceLimiter>>,
}

/// Why a store refused to make an object. More reasons may come, so a `match` on it
/// needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitError {
    /// The store holds as many objects of this kind (`what`) as its limiter allows.
    Count { what: &'static str, limit: usize },
    /// The store's totals (memory bytes or table elements) would be exceeded.
    Total { what: &'static str },
    /// The memory could not be made; see the [`GrowError`].
    Memory(GrowError),
    /// The table's elements could not be allocated, or it is past the embedder's cap.
    Table,
}

impl core::fmt::Display for LimitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            LimitError::Count { what, limit } => {
                write!(f, "the store's limit of {limit} {what} is reached")
            }
            LimitError::Total { what } => write!(f, "the store's limit on {what} is reached"),
            LimitError::Memory(e) => write!(f, "{e}"),
            LimitError::Table => f.write_str("cannot allocate the table's elements"),
        }
    }
}

/// `Memory` is shown as its [`GrowError`], so it passes on that error's source (none).
impl core::error::Error for LimitError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            LimitError::Memory(e) => e.source(),
            _ => None,
        }
    }
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
            tags: Vec::new(),
            types: TypeRegistry::new(),
            heap: gc::Heap::new(),
            instances: Vec::new(),
            memory_provider: None,
            limiter: None,
        }
    }
}

impl<C> Store<C> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Function `f`'s type as registered (see [`TypeRegistry::func_shape`]): enough
    /// to move its arguments and results.
    pub fn func_shape(&self, f: FuncAddr) -> &FuncType {
        let id = self
            .funcs
            .get(f.0 as usize)
            .map_or(TypeId(u32::MAX), |f| f.type_id);
        self.types.func_shape(id)
    }

    /// Function `f`'s type, its references to defined types by their ids.
    pub fn func_type(&self, f: FuncAddr) -> FuncType {
        let id = self
            .funcs
            .get(f.0 as usize)
            .map_or(TypeId(u32::MAX), |f| f.type_id);
        self.types
            .func_type(id)
            .unwrap_or_else(|| FuncType::new([], []))
    }

    /// Tag `tag`'s type as registered: the parameters are its exceptions' values.
    pub fn tag_shape(&self, tag: u32) -> &FuncType {
        let id = self
            .tags
            .get(tag as usize)
            .map_or(TypeId(u32::MAX), |t| t.type_id);
        self.types.func_shape(id)
    }

    /// Tag `tag`'s type, its references to defined types by their ids.
    pub fn tag_type(&self, tag: u32) -> FuncType {
        let id = self
            .tags
            .get(tag as usize)
            .map_or(TypeId(u32::MAX), |t| t.type_id);
        self.types
            .func_type(id)
            .unwrap_or_else(|| FuncType::new([], []))
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

    /// Fails if the store already holds `have` objects of a kind whose limit the
    /// limiter gives through `limit` (`default` without a limiter).
    fn limit_count(
        &self,
        have: usize,
        what: &'static str,
        limit: fn(&dyn ResourceLimiter) -> usize,
        default: usize,
    ) -> Result<(), LimitError> {
        let limit = self.limiter.as_deref().map_or(default, limit);
        if have >= limit {
            return Err(LimitError::Count { what, limit });
        }
        Ok(())
    }

    /// Whether one more module instance fits the store's limits.
    pub fn check_new_instance(&self) -> Result<(), LimitError> {
        let n = self.instances.len();
        self.limit_count(n, "instances", |l| l.instances(), DEFAULT_INSTANCES)
    }

    /// A new table of type `ty` filled with `init`, if the store's limits allow it.
    pub fn new_table(
        &mut self,
        ty: TableType,
        init: RawVal,
        max_len: u64,
    ) -> Result<TableInst, LimitError> {
        self.limit_count(self.tables.len(), "tables", |l| l.tables(), DEFAULT_TABLES)?;
        if ty.limits.min > max_len {
            return Err(LimitError::Table);
        }
        if let Some(l) = self.limiter.as_deref_mut() {
            if !l.table_growing(0, ty.limits.min, ty.limits.max) {
                return Err(LimitError::Total {
                    what: "table elements",
                });
            }
        }
        TableInst::new(ty, init, max_len).ok_or_else(|| {
            if let Some(l) = self.limiter.as_deref_mut() {
                l.table_grow_failed(0, ty.limits.min);
            }
            LimitError::Table
        })
    }

    /// A new memory of type `ty`, if the store's limits allow it, over `backend`, or else
    /// the provider's backend if it offers one, or else the host's default.
    pub fn new_memory(
        &mut self,
        ty: MemoryType,
        max_pages: u64,
        backend: Option<MemoryBackend>,
    ) -> Result<MemInst, LimitError> {
        self.limit_count(
            self.mems.len(),
            "memories",
            |l| l.memories(),
            DEFAULT_MEMORIES,
        )?;
        let bytes = ty.limits.min.saturating_mul(ty.page_size());
        let max = ty.limits.max.map(|p| p.saturating_mul(ty.page_size()));
        if let Some(l) = self.limiter.as_deref_mut() {
            if !l.memory_growing(0, bytes, max) {
                return Err(LimitError::Total {
                    what: "memory size",
                });
            }
        }
        let backend = backend.or_else(|| self.memory_provider.as_mut().and_then(|p| p(&ty)));
        let made = match backend {
            Some(backend) => MemInst::new(ty, max_pages, backend),
            None => MemInst::new_vec(ty, max_pages),
        };
        made.map_err(|e| {
            if let Some(l) = self.limiter.as_deref_mut() {
                l.memory_grow_failed(0, bytes);
            }
            LimitError::Memory(e)
        })
    }

    /// `memory.grow` on the memory at `addr`, within the store's limits.
    pub fn grow_memory(&mut self, addr: u32, delta: u64) -> Result<u64, GrowError> {
        let limiter = self.limiter.as_deref_mut();
        self.mems[addr as usize].grow_limited(delta, limiter)
    }

    /// `table.grow` on the table at `addr`, within the store's limits.
    pub fn grow_table(&mut self, addr: u32, delta: u32, init: RawVal) -> Option<u32> {
        let limiter = self.limiter.as_deref_mut();
        self.tables[addr as usize].grow_limited(delta, init, limiter)
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
