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
    /// Fuel left, if the engine meters it.
    pub fn get_fuel(&self) -> Option<u64> {
        self.fuel
    }
}
