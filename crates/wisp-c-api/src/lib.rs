//! The standard WebAssembly C API (`wasm.h`) over Wisp, and WASI configuration in the
//! spelling of wasmtime's `wasi.h`.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h>. The
//! headers are in `include/`: `wasm.h` (the standard part implemented here), `wasi.h`
//! and `wisp.h` (Wisp's additions: fuel, the last error, exit status, frame names).
//! Build `libwisp_c.a` with `cargo build --release -p wisp-c-api`; for C firmware,
//! `--no-default-features --features embedded-runtime --target thumbv7em-none-eabihf`.
//!
//! Ownership follows wasm.h: `own` results are the caller's to `_delete`, arguments
//! marked `own` are taken over. Every object made in a store keeps that store alive, so
//! the order in which C frees them does not matter.
//!
//! `unsafe` here is the foreign-function boundary itself: reading C's vectors and
//! strings and converting between the pointer types wasm.h treats as one object. C
//! pointers arrive as Rust references, valid by wasm.h's contract.
#![no_std]
#![allow(non_camel_case_types)]
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod engine;
mod externals;
mod func;
mod module;
#[cfg(feature = "embedded-runtime")]
mod runtime;
mod trap;
mod types;
mod val;
mod vec;
mod wasi;

pub use engine::*;
pub use externals::*;
pub use func::*;
pub use module::*;
pub use trap::*;
pub use types::*;
pub use val::*;
pub use vec::*;
pub use wasi::*;

/// Stops the process over a misuse of the API that Rust cannot express safely (an object
/// of the wrong kind behind a pointer, a store used inside its own callback).
pub(crate) fn abort(why: &str) -> ! {
    #[cfg(feature = "std")]
    {
        std::eprintln!("wisp C API: {why}");
        std::process::abort()
    }
    #[cfg(not(feature = "std"))]
    {
        panic!("wisp C API: {why}")
    }
}
