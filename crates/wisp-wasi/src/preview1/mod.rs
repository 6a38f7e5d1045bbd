//! The `wasi_snapshot_preview1` functions.
//! Spec: <https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>
//!
//! Each function returns its errno to the program; only `proc_exit` ends the call with an
//! error ([`wisp::Error::Exit`]). Memory comes from the calling instance's `memory` export.

mod args;
mod fd;
mod path;
mod poll;
mod proc;

use crate::{Errno, WasiCtx};
use wisp::{Caller, Error, Extern, Linker, Memory, Store};

/// The import module name.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// How a host function finds the WASI context in the store's data.
pub type GetCtx<T> = fn(&mut T) -> &mut WasiCtx;

/// Defines all 45 preview1 functions in `linker`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, store: &mut Store<T>, get: GetCtx<T>) {
    args::define(linker, store, get);
    proc::define(linker, store, get);
    fd::define(linker, store, get);
    path::define(linker, store, get);
    poll::define(linker, store, get);
}

/// The calling instance's memory; preview1 programs export it as `memory`.
fn memory<T>(caller: &Caller<'_, T>) -> Result<Memory, Errno> {
    caller
        .get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or(Errno::Inval)
}

/// The value a preview1 function returns to the program.
fn ret(r: Result<(), Errno>) -> Result<i32, Error> {
    Ok(r.err().unwrap_or(Errno::Success).raw())
}
