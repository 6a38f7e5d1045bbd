//! The store: every runtime object of one embedding, plus the embedder's data.

use crate::engine::Engine;
use crate::func::HostFunc;
use crate::handle::StoreId;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use wisp_exec::{ExecStore, Stack};
use wisp_store::{ResourceLimiter, StoreLimitsBuilder};
use wisp_types::FuncAddr;

/// A host value behind an `externref`: it moves with its store.
#[cfg(target_has_atomic = "ptr")]
pub(crate) type HostValue = Box<dyn Any + Send + Sync>;
/// A host value behind an `externref`.
#[cfg(not(target_has_atomic = "ptr"))]
pub(crate) type HostValue = Box<dyn Any>;

/// Owns instances and their functions, tables, memories and globals, and a value of the
/// embedder's type `T` that host functions can reach through their [`crate::Caller`].
///
/// Every handle ([`crate::Func`], [`crate::Memory`], [`crate::Instance`], a reference in
/// a [`crate::Val`], …) belongs to the store that made it. Using it with another store is
/// an error from methods that return a `Result`, and a panic from those that cannot fail
/// (as in wasmtime); it never reaches the other store's objects.
///
/// A store starts with [`crate::StoreLimits`] that cap its tables' elements, together, at the
/// engine's per-table cap ([`crate::Config::max_table_elements`]), and count instances,
/// tables and memories; [`Store::limiter`] replaces them.
pub struct Store<T> {
    pub(crate) id: StoreId,
    pub(crate) inner: ExecStore,
    pub(crate) hosts: Vec<HostFunc<T>>,
    /// How a host call is served, installed with the first host function: a program
    /// that defines none does not link host calls.
    pub(crate) call_host: Option<crate::func::CallHost<T>>,
    /// The functions made in this store for a linker's host definitions, by the address
    /// of the definition's closure (which `hosts` keeps alive, so it is never reused).
    pub(crate) linked_hosts: crate::sorted::SortedMap<usize, FuncAddr>,
    pub(crate) stack: Stack,
    /// Calls into Wasm under way (more than one when a host function called Wasm).
    pub(crate) nesting: u32,
    pub(crate) engine: Engine,
    /// Fuel left; `None` when the engine does not meter.
    pub(crate) fuel: Option<u64>,
    /// The epoch at which Wasm stops (see `set_epoch_deadline`).
    #[cfg(target_has_atomic = "ptr")]
    pub(crate) epoch_deadline: u64,
    /// Host values behind `externref`s, indexed by their address.
    pub(crate) externs: Vec<HostValue>,
    /// The RAM instances may take, if the embedder set a budget.
    pub(crate) budget: Option<crate::budget::RamBudget<T>>,
    /// The stacks are in a buffer the application lent ([`Store::lend_stacks`]), not on
    /// the heap: the budget does not charge them.
    pub(crate) stacks_lent: bool,
    pub(crate) data: T,
}

impl<T> Store<T> {
    /// A new store for `engine`'s modules, holding `data`.
    pub fn new(engine: &Engine, data: T) -> Self {
        let mut inner = ExecStore::new();
        let limits = StoreLimitsBuilder::new()
            .table_elements(engine.config.limits.max_table_elements)
            .build();
        inner.limiter = Some(Box::new(limits));
        #[cfg(any(feature = "gc", feature = "exceptions"))]
        inner.heap.set_budget(
            engine
                .config
                .gc_heap
                .unwrap_or(wisp_store::gc::DEFAULT_BUDGET),
        );
        #[cfg(any(feature = "gc", feature = "exceptions"))]
        inner.heap.set_zeal(engine.config.gc_zeal);
        Store {
            id: StoreId::fresh(),
            inner,
            hosts: Vec::new(),
            call_host: None,
            linked_hosts: crate::sorted::SortedMap::new(),
            stack: Stack::new(engine.config.stack),
            nesting: 0,
            engine: engine.clone(),
            fuel: engine.config.fuel.then_some(0),
            #[cfg(target_has_atomic = "ptr")]
            epoch_deadline: u64::MAX,
            externs: Vec::new(),
            budget: None,
            stacks_lent: false,
            data,
        }
    }
    /// Puts the store's value and call stacks in `buf`, which the application gives up
    /// for the program's life (`wisp_embedded::static_buffer!`), so that they never
    /// allocate: with linear memory in lent buffers too and the heap a static buffer of
    /// its own, every byte Wisp uses is one the application set aside. They hold the
    /// engine's [`Config::max_stack_values`](crate::Config::max_stack_values) cells and
    /// [`max_call_depth`](crate::Config::max_call_depth) frames if `buf` is large enough
    /// (8 bytes a cell; a frame is 16 bytes on 32-bit targets, 24 on 64-bit; plus up to 7
    /// bytes of alignment), else as many as fit, in the same proportions: going deeper
    /// traps with "call stack exhausted". A store's RAM budget does not charge lent
    /// stacks. Calls made from inside host functions still get stacks of their own on
    /// the heap. Refused if `buf` cannot hold a cell and a frame.
    pub fn lend_stacks(&mut self, buf: &'static mut [u8]) -> Result<(), crate::Error> {
        let stack = Stack::lent(buf, self.engine.config.stack).ok_or_else(|| {
            crate::Error::Usage("the stack buffer cannot hold one cell and one frame".into())
        })?;
        self.stack = stack;
        self.stacks_lent = true;
        Ok(())
    }
    /// The engine the store was made for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    /// The embedder's data.
    pub fn data(&self) -> &T {
        &self.data
    }
    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }
    /// Drops the store and returns the embedder's data.
    pub fn into_data(self) -> T {
        self.data
    }
    /// What values' references are checked against.
    pub(crate) fn owner(&self) -> crate::val::Owner<'_> {
        crate::val::Owner {
            id: self.id,
            heap: &self.inner.heap,
        }
    }

    /// How many objects (exceptions, structs and arrays) the store's heap holds: what
    /// the last collection kept, and what was allocated since.
    pub fn heap_objects(&self) -> usize {
        self.inner.heap.len()
    }

    /// The bytes the store's heap holds (objects' contents and slots), counted as its
    /// budget ([`crate::Config::gc_heap_limit`]) counts them.
    pub fn heap_bytes(&self) -> usize {
        self.inner.heap.bytes()
    }

    /// What the store's heap holds and has done: live objects and bytes, the peak,
    /// the bytes allocated in all and the collections run.
    pub fn heap_stats(&self) -> wisp_store::gc::HeapStats {
        self.inner.heap.stats()
    }

    /// Frees now the heap objects that neither Wasm nor the host reaches. Collections
    /// also run by themselves as Wasm allocates; this is for a host between calls (it
    /// does nothing while a call is under way or paused).
    pub fn gc(&mut self) {
        wisp_exec::collect_garbage(&mut self.inner);
    }

    /// How many holds the host has on heap objects (see [`crate::AnyRef`]).
    pub fn roots(&self) -> usize {
        self.inner.heap.roots()
    }

    /// Lets go of every heap object the host holds: references it still has fail once
    /// a collection has freed their objects.
    pub fn release_roots(&mut self) {
        self.inner.heap.truncate_roots(0);
    }

    /// Runs `f`, then lets go of the heap objects the host came to hold during it
    /// (results of calls, objects it made): a host loop that calls Wasm for references
    /// keeps its holds bounded this way.
    pub fn scope<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let n = self.inner.heap.roots();
        let r = f(self);
        self.inner.heap.truncate_roots(n);
        r
    }

    /// Sets the fuel available to calls. Fails if the engine does not meter fuel.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), crate::Error> {
        match &mut self.fuel {
            Some(f) => {
                *f = fuel;
                Ok(())
            }
            None => Err(crate::Error::Usage(
                "fuel is not enabled in this engine's Config".into(),
            )),
        }
    }
    /// Chooses where each memory a module defines keeps its bytes: `provide` is asked at
    /// instantiation, memory by memory, and `None` takes a heap vector. This is how a
    /// device puts linear memory in a buffer it set aside or on a paged block device.
    pub fn set_memory_provider(
        &mut self,
        provide: impl FnMut(&wisp_types::MemoryType) -> Option<wisp_store::MemoryBackend>
            + wisp_types::sync::MaybeSend
            + 'static,
    ) {
        self.inner.memory_provider = Some(Box::new(provide));
    }
    /// Caps the RAM that this store's instances take, in bytes: their memories, tables,
    /// globals and segments, and the stacks at the engine's limits. Each instantiation
    /// adds up what the instance needs and is refused, with the sizes, when that does
    /// not fit what is left; memories grow only into what is left (`memory.grow` returns
    /// -1 past it). On a device whose heap is all its RAM, set it to the heap's size less
    /// a margin for code and bookkeeping, so that nothing runs out in the middle of a call.
    pub fn set_ram_budget(&mut self, bytes: u64) {
        let used = self.budget.map_or(0, |b| b.used);
        let stacks_charged = self.budget.is_some_and(|b| b.stacks_charged);
        self.budget = Some(crate::budget::RamBudget::new(bytes, used, stacks_charged));
    }
    /// RAM the store's instances take by its budget, and the budget.
    pub fn ram_budget(&self) -> Option<(u64, u64)> {
        self.budget.map(|b| (b.used, b.limit))
    }
    /// Replaces the store's limits on what its instances take together (see
    /// [`StoreLimitsBuilder`] and [`ResourceLimiter`]). What the store already holds is
    /// not counted by the new limiter, so set it before the first instantiation.
    pub fn limiter(&mut self, limiter: impl ResourceLimiter + 'static) {
        self.inner.limiter = Some(Box::new(limiter));
    }
    /// Stops Wasm running in this store, with an "interrupt" trap, once the engine's
    /// epoch has advanced `ticks_beyond_current` times from now (needs
    /// [`crate::Config::epoch_interruption`]). Until it is set there is no deadline.
    #[cfg(target_has_atomic = "ptr")]
    pub fn set_epoch_deadline(&mut self, ticks_beyond_current: u64) {
        self.epoch_deadline = self
            .engine
            .current_epoch()
            .saturating_add(ticks_beyond_current);
    }
    /// Whether the epoch deadline has passed.
    pub(crate) fn past_deadline(&self) -> bool {
        #[cfg(target_has_atomic = "ptr")]
        return self.engine.current_epoch() >= self.epoch_deadline;
        #[cfg(not(target_has_atomic = "ptr"))]
        false
    }
    /// Fuel left, if the engine meters it.
    pub fn get_fuel(&self) -> Option<u64> {
        self.fuel
    }
}
