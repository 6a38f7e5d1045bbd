//! The `wasi_snapshot_preview1` functions.
//! Spec: <https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>
//!
//! Each function returns its errno to the program; only `proc_exit` ends the call with an
//! error ([`wisp::Error::Exit`]). Memory comes from the calling instance's `memory` export.

mod args;
mod fd;
mod file;
mod io;
mod path;
mod poll;
mod proc;

use crate::mem::GuestMemory;
use crate::{Errno, WasiCtx};
use alloc::vec::Vec;
use wisp::{Caller, Error, Extern, Linker, Memory};

/// The import module name.
pub const MODULE: &str = "wasi_snapshot_preview1";

/// How a host function finds the WASI context in the store's data.
pub type GetCtx<T> = fn(&mut T) -> &mut WasiCtx;

/// Defines all 45 preview1 functions in `linker`; fails if it defines one of their
/// names already (unless it allows shadowing).
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: GetCtx<T>,
) -> Result<(), wisp::Error> {
    args::define(linker, get)?;
    proc::define(linker, get)?;
    fd::define(linker, get)?;
    io::define(linker, get)?;
    file::define(linker, get)?;
    path::define(linker, get)?;
    poll::define(linker, get)?;
    Ok(())
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

/// What a call works on: the program's memory and its WASI context, both in the store,
/// so each is borrowed in turn.
struct Env<'a, 'c, T> {
    caller: &'a mut Caller<'c, T>,
    memory: Memory,
    get: GetCtx<T>,
}

impl<'a, 'c, T> Env<'a, 'c, T> {
    fn new(caller: &'a mut Caller<'c, T>, get: GetCtx<T>) -> Result<Self, Errno> {
        let memory = memory(caller)?;
        Ok(Env {
            caller,
            memory,
            get,
        })
    }
    fn ctx(&mut self) -> &mut WasiCtx {
        (self.get)(self.caller.data_mut())
    }
    /// The program's memory, whatever its backend.
    fn mem(&mut self) -> GuestMemory<'_, T> {
        GuestMemory::new(self.memory, self.caller.store())
    }
    /// A copy of guest bytes (a path, say), so the context can be used while holding it.
    fn bytes(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        self.mem().read(ptr, len)
    }
    fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        self.mem().write(ptr, bytes)
    }
    fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.mem().write_u32(ptr, v)
    }
}
