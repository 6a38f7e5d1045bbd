//! The store: every runtime object of one embedding, plus the embedder's data.

use crate::engine::Engine;
use crate::func::HostFunc;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::any::Any;
use wisp_exec::{ExecStore, Stack};

/// Owns instances and their functions, tables, memories and globals, and a value of the
/// embedder's type `T` that host functions can reach through their [`crate::Caller`].
pub struct Store<T> {
    pub(crate) inner: ExecStore,
    pub(crate) hosts: Vec<HostFunc<T>>,
    pub(crate) stack: Stack,
    pub(crate) engine: Engine,
    /// Fuel left; `None` when the engine does not meter.
    pub(crate) fuel: Option<u64>,
    /// Host values behind `externref`s, indexed by their address.
    pub(crate) externs: Vec<Box<dyn Any>>,
    /// The RAM instances may take, if the embedder set a budget.
    pub(crate) budget: Option<crate::budget::RamBudget>,
    data: T,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Self {
        Store {
            inner: ExecStore::new(),
            hosts: Vec::new(),
            stack: Stack::new(engine.config.stack),
            engine: engine.clone(),
            fuel: engine.config.fuel.then_some(0),
            externs: Vec::new(),
            budget: None,
            data,
        }
    }
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    pub fn data(&self) -> &T {
        &self.data
    }
    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }
    pub fn into_data(self) -> T {
        self.data
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
        provide: impl FnMut(&wisp_types::MemoryType) -> Option<wisp_store::MemoryBackend> + 'static,
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
        self.budget = Some(crate::budget::RamBudget {
            limit: bytes,
            used,
            stacks_charged,
        });
    }
    /// RAM the store's instances take by its budget, and the budget.
    pub fn ram_budget(&self) -> Option<(u64, u64)> {
        self.budget.map(|b| (b.used, b.limit))
    }
    /// Fuel left, if the engine meters it.
    pub fn get_fuel(&self) -> Option<u64> {
        self.fuel
    }
}
