//! Functions: host functions made from C callbacks, and calls into Wasm.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Function
//! Instances"). A callback receives its arguments and fills its results; it cannot reach
//! the store that calls it (wasm.h gives it none), so it cannot call back into it.

use crate::engine::{remember, wasm_store_t, with_store, Access, StoreData, StoreRef};
use crate::externals::{wasm_extern_t, wasm_func_t};
use crate::trap::wasm_trap_t;
use crate::types::{kind_of, wasm_functype_t};
use crate::val::{wasm_val_t, wasm_val_vec_t};
use crate::vec::WasmVec;
use alloc::boxed::Box;
use alloc::format;
use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::ffi::c_void;
use wisp::{Error, Extern, Func, FuncType, Store, Val};

/// `wasm_func_callback_t`.
pub type wasm_func_callback_t =
    extern "C" fn(args: &wasm_val_vec_t, results: &mut wasm_val_vec_t) -> Option<Box<wasm_trap_t>>;

/// `wasm_func_callback_with_env_t`.
pub type wasm_func_callback_with_env_t = extern "C" fn(
    env: *mut c_void,
    args: &wasm_val_vec_t,
    results: &mut wasm_val_vec_t,
) -> Option<Box<wasm_trap_t>>;

/// What a callback closes over: C's callback, its environment and finalizer, and the
/// store (weakly: the store owns the function) for the references it passes.
struct Callback {
    call: CallbackKind,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
    store: Weak<crate::engine::StoreCell>,
}

enum CallbackKind {
    Plain(wasm_func_callback_t),
    WithEnv(wasm_func_callback_with_env_t),
}

// SAFETY: Wisp asks host functions to be `Send + Sync` so that a store can move between
// threads. A C API store is an `Rc` and never leaves the thread that made it, so neither
// does this callback, its environment pointer or the weak store handle.
unsafe impl Send for Callback {}
// SAFETY: as for `Send`: only the store's own thread ever calls it.
unsafe impl Sync for Callback {}

impl Drop for Callback {
    fn drop(&mut self) {
        if let Some(f) = self.finalizer {
            f(self.env);
        }
    }
}

impl Callback {
    /// Runs the C callback: converts the arguments, gives it room for its results, and
    /// checks what it wrote against the function's type.
    fn run(
        &self,
        running: &mut Store<StoreData>,
        ty: &FuncType,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<(), Error> {
        let store = self
            .store
            .upgrade()
            .ok_or_else(|| Error::msg("the store of this host function is gone"))?;
        let args = params
            .iter()
            .map(|&v| {
                wasm_val_t::from_wisp(v, &store)
                    .ok_or_else(|| Error::msg("a v128 argument cannot be passed to a C callback"))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let mut args = WasmVec::from_vec(args);
        let mut out =
            WasmVec::from_vec((0..results.len()).map(|_| wasm_val_t::default()).collect());
        let trap = store.lend(running, || match self.call {
            CallbackKind::Plain(f) => f(&args, &mut out),
            CallbackKind::WithEnv(f) => f(self.env, &args, &mut out),
        });
        drop(args.take());
        let out = out.take();
        if let Some(trap) = trap {
            return Err(trap.into_error());
        }
        for (i, ((slot, v), want)) in results.iter_mut().zip(&out).zip(ty.results()).enumerate() {
            if v.kind != kind_of(*want) {
                return Err(Error::msg(format!(
                    "host callback result {i} has kind {}, its type says {}",
                    v.kind,
                    kind_of(*want)
                )));
            }
            *slot = v.to_wisp(&store).ok_or_else(|| {
                Error::msg(format!(
                    "host callback result {i} is another store's reference"
                ))
            })?;
        }
        if out.len() != results.len() {
            return Err(Error::msg("host callback changed the size of its results"));
        }
        Ok(())
    }
}

fn new_func(
    store: &wasm_store_t,
    ty: &wasm_functype_t,
    call: CallbackKind,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Box<wasm_func_t> {
    let ty = ty.c().ty.clone();
    let callback = Callback {
        call,
        env,
        finalizer,
        store: Rc::downgrade(&store.store),
    };
    let func_ty = ty.clone();
    let func = {
        store.store.access(|s| {
            Func::new(s, ty, move |mut caller, params, results| {
                callback.run(caller.store(), &func_ty, params, results)
            })
        })
    };
    Box::new(wasm_func_t {
        ext: wasm_extern_t {
            store: store.store.clone(),
            which: Extern::Func(func),
        },
    })
}

/// A host function of type `ty` running `callback`.
#[no_mangle]
pub extern "C" fn wasm_func_new(
    store: &wasm_store_t,
    ty: &wasm_functype_t,
    callback: wasm_func_callback_t,
) -> Box<wasm_func_t> {
    new_func(
        store,
        ty,
        CallbackKind::Plain(callback),
        core::ptr::null_mut(),
        None,
    )
}

/// A host function of type `ty` running `callback` with `env`; `finalizer`, if not
/// null, gets `env` when the store no longer needs it.
#[no_mangle]
pub extern "C" fn wasm_func_new_with_env(
    store: &wasm_store_t,
    ty: &wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<extern "C" fn(*mut c_void)>,
) -> Box<wasm_func_t> {
    new_func(store, ty, CallbackKind::WithEnv(callback), env, finalizer)
}

impl wasm_func_t {
    fn func(&self) -> Func {
        match self.ext.which {
            Extern::Func(f) => f,
            _ => crate::abort("a wasm_func_t that is not a function"),
        }
    }
    fn ty(&self) -> FuncType {
        self.ext.store.read(|s| self.func().ty(s))
    }
}

/// The function's type.
#[no_mangle]
pub extern "C" fn wasm_func_type(f: &wasm_func_t) -> Box<wasm_functype_t> {
    Box::new(wasm_functype_t::new(f.ty()))
}

/// How many parameters it takes.
#[no_mangle]
pub extern "C" fn wasm_func_param_arity(f: &wasm_func_t) -> usize {
    f.ty().params().len()
}

/// How many results it gives.
#[no_mangle]
pub extern "C" fn wasm_func_result_arity(f: &wasm_func_t) -> usize {
    f.ty().results().len()
}

/// Calls the function. `results` must hold as many values as it gives; they are
/// overwritten. Returns null, or the trap (and leaves `results` alone).
#[no_mangle]
pub extern "C" fn wasm_func_call(
    f: &wasm_func_t,
    args: Option<&wasm_val_vec_t>,
    results: Option<&mut wasm_val_vec_t>,
) -> Option<Box<wasm_trap_t>> {
    let store = &f.ext.store;
    let mut empty = WasmVec::empty();
    let results = results.unwrap_or(&mut empty);
    match call(
        store,
        f.func(),
        args.map_or(&[][..], |a| a.as_slice()),
        results.as_mut_slice(),
    ) {
        Ok(()) => None,
        Err(e) => {
            remember(store, &e);
            Some(wasm_trap_t::from_error(&e))
        }
    }
}

fn call(
    store: &StoreRef,
    func: Func,
    args: &[wasm_val_t],
    out: &mut [wasm_val_t],
) -> Result<(), Error> {
    let params = args
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.to_wisp(store).ok_or_else(|| {
                Error::msg(format!(
                    "argument {i} is of an unknown kind or another store"
                ))
            })
        })
        .collect::<Result<Vec<Val>, Error>>()?;
    let results = with_store(store, |s| {
        let n = func.ty(&*s).results().len();
        if n != out.len() {
            return Err(Error::msg(format!(
                "the function gives {n} results; room was made for {}",
                out.len()
            )));
        }
        let mut results = alloc::vec![Val::I32(0); n];
        func.call(s, &params, &mut results)?;
        Ok(results)
    })?;
    for (slot, v) in out.iter_mut().zip(results) {
        *slot = wasm_val_t::from_wisp(v, store)
            .ok_or_else(|| Error::msg("a v128 result cannot be returned to C"))?;
    }
    Ok(())
}
