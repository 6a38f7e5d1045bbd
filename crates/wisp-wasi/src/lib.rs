//! WASI preview1 for Wisp.
//!
//! Spec: <https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md>
//!
//! A [`WasiCtx`] holds what one program sees: its arguments and environment, its file
//! descriptors, and the backends behind them. [`add_to_linker`] defines the preview1
//! functions in a [`wisp::Linker`]; they reach the context through a function the embedder
//! gives, so the store's data can hold other things too. Nothing here uses `std` unless
//! the `std` feature supplies host backends.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![no_std]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod backend;
mod ctx;
mod errno;
/// Filesystems behind preopened directories: the traits, the sandbox's resolution,
/// and the host and in-memory backends.
pub mod fs;
mod mem;
#[cfg(feature = "std")]
mod pipe;
mod preview1;
/// Preview1 rights: what each descriptor lets the program do.
pub mod rights;
mod shared;
#[cfg(feature = "std")]
mod std_backend;

pub use backend::{Clock, ClockId, Random, Stream};
pub use ctx::{WasiCtx, WasiCtxBuilder};
pub use errno::Errno;
#[cfg(feature = "std")]
pub use fs::HostDir;
pub use fs::{Filesystem, MemFs};
#[cfg(feature = "std")]
pub use pipe::{MemoryInputPipe, MemoryOutputPipe};
pub use preview1::{add_to_linker, MODULE};
#[cfg(feature = "std")]
pub use std_backend::{HostClock, HostRandom, Stderr, Stdin, Stdout};

/// Where the target has threads, a WASI context moves to another thread with its store
/// (`Store<WasiCtx>` is `Send`). Checked at compile time.
#[cfg(target_has_atomic = "ptr")]
const _: () = {
    const fn send<T: Send>() {}
    send::<WasiCtx>();
    send::<MemFs>();
    send::<WasiCtxBuilder>();
};
