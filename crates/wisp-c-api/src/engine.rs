//! Configuration, engines and stores.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Runtime
//! Environment"). Every object made in a store holds the store, so C freeing the store
//! first leaves nothing dangling: the store goes when its last object does.

use crate::vec::WasmVec;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, RefCell};
use wisp::{Config, Engine, Store};

/// `wasm_config_t`.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// A configuration with Wisp's defaults.
#[no_mangle]
pub extern "C" fn wasm_config_new() -> Box<wasm_config_t> {
    Box::new(wasm_config_t {
        config: Config::new(),
    })
}

/// Frees a configuration.
#[no_mangle]
pub extern "C" fn wasm_config_delete(_: Option<Box<wasm_config_t>>) {}

/// Counts fuel (`wisp_store_set_fuel`): a call traps when it runs out.
#[no_mangle]
pub extern "C" fn wisp_config_consume_fuel(c: &mut wasm_config_t, on: bool) {
    c.config.consume_fuel(on);
}

/// The most frames a call may nest (deeper recursion traps).
#[no_mangle]
pub extern "C" fn wisp_config_max_call_depth(c: &mut wasm_config_t, frames: usize) {
    c.config.max_call_depth(frames);
}

/// `wasm_engine_t`: compiled code is shared by the stores of one engine.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// An engine with the default configuration.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> Box<wasm_engine_t> {
    Box::new(wasm_engine_t {
        engine: Engine::new(&Config::new()),
    })
}

/// An engine with `config`, which it takes over.
#[no_mangle]
pub extern "C" fn wasm_engine_new_with_config(config: Box<wasm_config_t>) -> Box<wasm_engine_t> {
    Box::new(wasm_engine_t {
        engine: Engine::new(&config.config),
    })
}

/// Frees an engine (its modules and stores keep what they need of it).
#[no_mangle]
pub extern "C" fn wasm_engine_delete(_: Option<Box<wasm_engine_t>>) {}

/// What a C store keeps besides Wisp's store: its WASI context and the last error.
#[derive(Default)]
pub(crate) struct StoreData {
    pub(crate) wasi: Option<wisp_wasi::WasiCtx>,
    pub(crate) last_error: Option<String>,
}

/// A store, shared by everything made in it.
///
/// wasm.h lets a host callback use any object of the store that is running it: read a
/// memory, call another function. While Wisp runs a call, the store is lent to the call
/// (`cell` is borrowed), and a callback runs with Wisp's `&mut Store` in its `Caller`;
/// `active` holds that borrow, taken from the `Caller`, for the callback's duration, so
/// that what the callback does reaches the store through the call's own borrow.
pub(crate) struct StoreCell {
    cell: RefCell<Store<StoreData>>,
    active: Cell<*mut Store<StoreData>>,
}

/// A store shared by everything made in it.
pub(crate) type StoreRef = Rc<StoreCell>;

/// `wasm_store_t`.
pub struct wasm_store_t {
    pub(crate) store: StoreRef,
}

/// A store in `engine`.
#[no_mangle]
pub extern "C" fn wasm_store_new(engine: &wasm_engine_t) -> Box<wasm_store_t> {
    let store = Store::new(&engine.engine, StoreData::default());
    Box::new(wasm_store_t {
        store: Rc::new(StoreCell {
            cell: RefCell::new(store),
            active: Cell::new(core::ptr::null_mut()),
        }),
    })
}

/// Frees the handle; the store itself lives while objects made in it do.
#[no_mangle]
pub extern "C" fn wasm_store_delete(_: Option<Box<wasm_store_t>>) {}

/// Using a store, from C or from inside a host callback.
pub(crate) trait Access {
    /// Runs `f` on the store: borrowed from its cell, or, inside a host callback, through
    /// the running call's borrow (see [`StoreCell`]).
    fn access<R>(&self, f: impl FnOnce(&mut Store<StoreData>) -> R) -> R;
    /// As `access`, to read.
    fn read<R>(&self, f: impl FnOnce(&Store<StoreData>) -> R) -> R {
        self.access(|s| f(s))
    }
    /// Runs a host callback with `caller`'s store as the active one.
    fn lend<R>(&self, store: &mut Store<StoreData>, f: impl FnOnce() -> R) -> R;
}

impl Access for StoreRef {
    fn access<R>(&self, f: impl FnOnce(&mut Store<StoreData>) -> R) -> R {
        if let Ok(mut s) = self.cell.try_borrow_mut() {
            return f(&mut s);
        }
        let active = self.active.get();
        if active.is_null() {
            // Borrowed and no callback running: only a call on this thread borrows the
            // cell, and it returns to C only through callbacks, which set `active`.
            crate::abort("a store was used while it runs a call, outside its callbacks");
        }
        // SAFETY: `active` is the `&mut Store` of the `Caller` of the host callback that
        // is running now (`lend`), turned into a pointer for its duration. The callback's
        // caller does not touch its store until the callback returns, and `f` ends before
        // anything else here runs, so this is the only live use of that borrow.
        f(unsafe { &mut *active })
    }

    fn lend<R>(&self, store: &mut Store<StoreData>, f: impl FnOnce() -> R) -> R {
        let outer = self.active.replace(store as *mut Store<StoreData>);
        let r = f();
        self.active.set(outer);
        r
    }
}

/// Runs `f` on the store (see [`Access::access`]).
pub(crate) fn with_store<R>(
    store: &StoreRef,
    f: impl FnOnce(&mut Store<StoreData>) -> Result<R, wisp::Error>,
) -> Result<R, wisp::Error> {
    store.access(f)
}

/// Remembers `error` as the store's last error, for `wisp_store_last_error`.
pub(crate) fn remember(store: &StoreRef, error: &wisp::Error) {
    let text = alloc::format!("{error}");
    store.access(|s| s.data_mut().last_error = Some(text));
}

/// Gives the message of the last failure of a call on this store that returns no
/// trap (`wasm_module_new`, `wasm_global_new`, ...), NUL-terminated, or an empty vector.
#[no_mangle]
pub extern "C" fn wisp_store_last_error(
    store: &wasm_store_t,
    out: &mut core::mem::MaybeUninit<WasmVec<u8>>,
) {
    let text = store.store.read(|s| s.data().last_error.clone());
    out.write(text.map_or(WasmVec::empty(), |t| WasmVec::message(&t)));
}

/// Sets the fuel a store's calls may use (the engine must count fuel,
/// `wisp_config_consume_fuel`). False if it does not.
#[no_mangle]
pub extern "C" fn wisp_store_set_fuel(store: &wasm_store_t, fuel: u64) -> bool {
    with_store(&store.store, |s| s.set_fuel(fuel)).is_ok()
}

/// The fuel left, in `*fuel`; false if the engine does not count fuel.
#[no_mangle]
pub extern "C" fn wisp_store_get_fuel(store: &wasm_store_t, fuel: &mut u64) -> bool {
    match store.store.read(|s| s.get_fuel()) {
        Some(f) => {
            *fuel = f;
            true
        }
        None => false,
    }
}
