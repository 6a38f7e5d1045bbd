//! Engine and configuration.

#[cfg(feature = "compile")]
use wisp_exec::TranslateConfig;
use wisp_exec::{Limits, StackLimits};
#[cfg(feature = "compile")]
use wisp_validate::Features;

/// Settings shared by every module and store of an [`Engine`].
#[derive(Debug, Clone, Default)]
pub struct Config {
    #[cfg(feature = "compile")]
    pub(crate) features: Features,
    pub(crate) fuel: bool,
    /// Take a coredump when Wasm traps.
    #[cfg(feature = "coredump")]
    pub(crate) coredump: bool,
    /// Check the engine's epoch against each store's deadline.
    #[cfg(target_has_atomic = "ptr")]
    pub(crate) epoch: bool,
    pub(crate) eager: bool,
    #[cfg(feature = "compile")]
    pub(crate) plain_code: bool,
    /// Translate without the map from code to module offsets.
    #[cfg(feature = "compile")]
    pub(crate) no_offsets: bool,
    pub(crate) stack: StackLimits,
    /// Calls into Wasm under way at once in a store; `None` for
    /// [`DEFAULT_NESTED_CALLS`].
    pub(crate) nested_calls: Option<u32>,
    pub(crate) limits: Limits,
    /// The byte budget of each store's heap; `None` for the default.
    #[cfg(any(feature = "gc", feature = "exceptions"))]
    pub(crate) gc_heap: Option<usize>,
    /// Collect before every allocation.
    #[cfg(any(feature = "gc", feature = "exceptions"))]
    pub(crate) gc_zeal: u32,
}

impl Config {
    /// The defaults: every supported proposal, no fuel, lazy translation.
    pub fn new() -> Self {
        Self::default()
    }
    /// The WebAssembly proposals modules may use; anything else makes them invalid.
    #[cfg(feature = "compile")]
    pub fn features(&mut self, features: Features) -> &mut Self {
        self.features = features;
        self
    }
    #[cfg(feature = "compile")]
    /// The proposals modules may use.
    pub fn get_features(&self) -> Features {
        self.features
    }
    /// Meter execution with fuel (see [`crate::Store::set_fuel`]). Off, it costs nothing.
    pub fn consume_fuel(&mut self, on: bool) -> &mut Self {
        self.fuel = on;
        self
    }
    /// Stop Wasm that runs past its store's epoch deadline with an "interrupt" trap
    /// (see [`Engine::increment_epoch`] and [`crate::Store::set_epoch_deadline`]): the
    /// way to stop a runaway program by time rather than by fuel. Code is translated
    /// with the fuel checks then, and the loop returns to the host every
    /// [`EPOCH_SLICE`] units of fuel to look at the epoch: a cost like fuel's, none
    /// when off. Targets without atomic compare-and-swap do not have it.
    #[cfg(target_has_atomic = "ptr")]
    pub fn epoch_interruption(&mut self, on: bool) -> &mut Self {
        self.epoch = on;
        self
    }
    /// Take a Wasm coredump when a call traps ([`crate::Error::coredump`]): the frames
    /// with their code offsets and parameters, the memories' bytes and the globals, in
    /// the tool-conventions format that `wasm-tools` and wasmgdb read
    /// ([`crate::CoreDump::serialize`]). Off by default: a dump copies every memory.
    /// Needs the `coredump` feature.
    #[cfg(feature = "coredump")]
    pub fn coredump_on_trap(&mut self, on: bool) -> &mut Self {
        self.coredump = on;
        self
    }
    /// Translate every function when the module is compiled instead of on first call.
    pub fn eager_translation(&mut self, on: bool) -> &mut Self {
        self.eager = on;
        self
    }
    /// Translate without the accumulator and fused forms of instructions: slower, but
    /// the code (and an image of it, `Module::to_image`) runs on an executor built
    /// without wisp's `accumulator` and `fused` features, the smallest one.
    #[cfg(feature = "compile")]
    pub fn plain_code(&mut self, on: bool) -> &mut Self {
        self.plain_code = on;
        self
    }
    /// Keep, for each translated function, where its code came from in the module (on
    /// by default): backtraces then give each frame's byte offset
    /// ([`crate::FrameInfo::module_offset`]), as coredumps do. It costs about three bytes
    /// of RAM per Wasm instruction of each function that runs; a device short of RAM
    /// turns it off. Images never carry it.
    #[cfg(feature = "compile")]
    pub fn code_offsets(&mut self, on: bool) -> &mut Self {
        self.no_offsets = !on;
        self
    }
    /// The most bytes each store's heap of exceptions, structs and arrays may hold
    /// (contents and bookkeeping, as [`crate::Store::heap_bytes`] counts them); the
    /// default is 1 GiB (all of memory below 32 bits). An allocation that does not fit
    /// after a collection traps with "out of memory"; the host is never at risk.
    #[cfg(any(feature = "gc", feature = "exceptions"))]
    pub fn gc_heap_limit(&mut self, bytes: usize) -> &mut Self {
        self.gc_heap = Some(bytes);
        self
    }
    /// Collect garbage before every `period`-th allocation of an exception, struct or
    /// array (1: before each), besides when it is due; 0, the default, for only when
    /// due. Slow: for tests, since an object that nothing is seen to hold is freed
    /// soon, so a reference the embedder let go of too early fails at a next use.
    #[cfg(any(feature = "gc", feature = "exceptions"))]
    pub fn gc_zeal(&mut self, period: u32) -> &mut Self {
        self.gc_zeal = period;
        self
    }
    /// The deepest call nesting before "call stack exhausted".
    pub fn max_call_depth(&mut self, frames: usize) -> &mut Self {
        self.stack.max_frames = frames;
        self
    }
    /// How many calls into Wasm may be under way at once in a store: a host function
    /// that calls Wasm makes one more, and a call beyond these traps with "call stack
    /// exhausted". Each nesting takes the host thread's stack (Wasm calls themselves do
    /// not: see [`Config::max_call_depth`]), so that a guest whose host function calls it
    /// back cannot overflow it. [`DEFAULT_NESTED_CALLS`] unless set.
    pub fn max_nested_calls(&mut self, calls: u32) -> &mut Self {
        self.nested_calls = Some(calls);
        self
    }
    /// The value-stack size, in 8-byte cells, before "call stack exhausted".
    pub fn max_stack_values(&mut self, cells: usize) -> &mut Self {
        self.stack.max_values = cells;
        self
    }
    /// The most pages any linear memory may grow to.
    pub fn max_memory_pages(&mut self, pages: u64) -> &mut Self {
        self.limits.max_memory_pages = pages;
        self
    }
    /// The most elements any table may grow to.
    pub fn max_table_elements(&mut self, n: u64) -> &mut Self {
        self.limits.max_table_elements = n;
        self
    }
    #[cfg(feature = "compile")]
    pub(crate) fn translate_config(&self) -> TranslateConfig {
        TranslateConfig {
            fuel: self.fuel || self.epoch_on(),
            accumulator: !self.plain_code,
            fused: !self.plain_code,
            offsets: !self.no_offsets,
        }
    }
}

/// How much fuel a run gets between two looks at the epoch, with epoch interruption
/// on: a look costs an atomic load, so a slice is a few hundred microseconds of Wasm.
pub const EPOCH_SLICE: u64 = 100_000;

/// How many calls into Wasm may be under way at once in a store unless
/// [`Config::max_nested_calls`] says otherwise: a few kilobytes of the host thread's stack
/// each, well within a 2 MiB thread even in a debug build.
pub const DEFAULT_NESTED_CALLS: u32 = 100;

impl Config {
    /// Whether epoch interruption is on.
    pub(crate) fn epoch_on(&self) -> bool {
        #[cfg(target_has_atomic = "ptr")]
        return self.epoch;
        #[cfg(not(target_has_atomic = "ptr"))]
        false
    }
}

/// The engine's epoch: a counter that the embedder advances (a timer thread, an
/// interrupt handler) and that stores compare with their deadlines.
#[cfg(target_has_atomic = "64")]
#[derive(Debug, Default)]
pub(crate) struct Epoch(core::sync::atomic::AtomicU64);
#[cfg(target_has_atomic = "64")]
impl Epoch {
    pub(crate) fn get(&self) -> u64 {
        self.0.load(core::sync::atomic::Ordering::Relaxed)
    }
    fn increment(&self) {
        self.0.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    }
}

/// The engine's epoch, 32 bits wide where 64-bit atomics are missing (Cortex-M4): at a
/// tick a millisecond it lasts 49 days, and it stops there rather than wrapping.
#[cfg(all(not(target_has_atomic = "64"), target_has_atomic = "32"))]
#[derive(Debug, Default)]
pub(crate) struct Epoch(core::sync::atomic::AtomicU32);
#[cfg(all(not(target_has_atomic = "64"), target_has_atomic = "32"))]
impl Epoch {
    pub(crate) fn get(&self) -> u64 {
        u64::from(self.0.load(core::sync::atomic::Ordering::Relaxed))
    }
    fn increment(&self) {
        use core::sync::atomic::Ordering::Relaxed;
        let _ = self.0.fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
    }
}

/// Compiles modules and configures stores. Cheap to clone; the clones share the epoch.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub(crate) config: Config,
    #[cfg(target_has_atomic = "ptr")]
    pub(crate) epoch: wisp_types::sync::Shared<Epoch>,
}

impl Engine {
    /// An engine with these settings.
    pub fn new(config: &Config) -> Self {
        Engine {
            config: config.clone(),
            #[cfg(target_has_atomic = "ptr")]
            epoch: Default::default(),
        }
    }
    /// Advances the epoch by one: a store whose deadline this reaches stops its Wasm
    /// with an "interrupt" trap at its next look (see [`Config::epoch_interruption`]).
    /// Cheap, and callable from any thread.
    #[cfg(target_has_atomic = "ptr")]
    pub fn increment_epoch(&self) {
        self.epoch.increment();
    }
    /// The epoch now.
    #[cfg(target_has_atomic = "ptr")]
    pub fn current_epoch(&self) -> u64 {
        self.epoch.get()
    }
    /// The settings the engine was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }
}
