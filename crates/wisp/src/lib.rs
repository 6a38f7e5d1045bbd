//! Wisp: a WebAssembly interpreter that runs anywhere.
//!
//! The embedding API follows the shape that wasmtime and wasmi made familiar: an
//! [`Engine`] holds a [`Config`]; a [`Module`] is compiled for an engine; a [`Store`] owns
//! all runtime objects and the embedder's data `T`; a [`Linker`] resolves imports and
//! instantiates modules into [`Instance`]s, whose exported [`Func`]s are called with
//! [`Val`]s or through a [`TypedFunc`].
//!
//! ```
//! use wisp::{Engine, Linker, Module, Store};
//! let engine = Engine::default();
//! let wasm = [0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7,
//!             7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11];
//! let module = Module::new(&engine, &wasm).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
//! let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add").unwrap();
//! assert_eq!(add.call(&mut store, (2, 3)).unwrap(), 5);
//! ```
// `unsafe` only in the API that loads pre-translated images (`Module::from_image`),
// whose code is trusted: each such item allows it where it is.
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![no_std]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// An error message: formatted with its particulars under the `messages` feature;
/// without it, the format string itself, placeholders and all, which still says what
/// went wrong and costs no `core::fmt`. Name the particulars in the placeholders.
macro_rules! message {
    ($fmt:literal $($args:tt)*) => {{
        #[cfg(feature = "messages")]
        let text = alloc::format!($fmt $($args)*);
        // The particulars are still named (a closure never called), so that they count
        // as used; nothing of it is compiled in.
        #[cfg(not(feature = "messages"))]
        let text = {
            let _ = || alloc::format!($fmt $($args)*);
            $crate::template($fmt)
        };
        text
    }};
}

/// A message's template as the message (`message!` without the `messages` feature): one
/// call instead of an allocation and copy inlined at every error.
#[cfg(not(feature = "messages"))]
#[inline(never)]
pub(crate) fn template(text: &'static str) -> alloc::string::String {
    alloc::string::String::from(text)
}

#[cfg(feature = "gc")]
mod aggregate;
mod budget;
mod context;
#[cfg_attr(not(feature = "coredump"), allow(dead_code))]
mod coredump;
mod drive;
mod engine;
mod error;
mod exception;
mod externals;
mod func;
mod handle;
mod linker;
mod module;
mod reference;
mod resumable;
mod sorted;
mod store;
#[cfg(feature = "wat")]
mod text;
mod typed;
mod val;
mod wrap;

#[cfg(feature = "gc")]
pub use aggregate::{ArrayRef, ArrayType, StructRef, StructType};
pub use context::{AsContext, AsContextMut, StoreContext, StoreContextMut};
pub use coredump::CoreDump;
pub use engine::{Config, Engine, DEFAULT_NESTED_CALLS, EPOCH_SLICE};
pub use error::{CompileErrorKind, Error, FrameInfo, HostError, Trap};

/// A result whose error is Wisp's [`Error`] (wasmtime's `Result`): `wisp::Result<i32>` is
/// what a fallible host function returns.
pub type Result<T, E = Error> = core::result::Result<T, E>;
pub use exception::{Exception, ExnRef, Tag};
pub use externals::{Extern, Global, Instance, Memory, MemoryOffset, Table};
pub use func::{Caller, Func};
pub use linker::{InstancePre, Linker};
pub use module::{ExportType, ImportType, Module};
pub use reference::{AnyRef, ExternRef};
pub use resumable::{ResumableCall, ResumableInvocation, ResumableInvocationHostTrap};
pub use store::Store;
pub use typed::{TypedFunc, WasmParams, WasmResults, WasmTy};
pub use val::Val;
pub use wisp_exec::image::ByteSource;
/// Linear memory paged from a file, and what its cache did.
#[cfg(feature = "file-memory")]
pub use wisp_store::file::{self, FileMemory};
pub use wisp_store::gc::HeapStats;
pub use wisp_store::{
    AccessError, GrowError, MemoryBackend, PagedMemory, ResourceLimiter, StoreLimits,
    StoreLimitsBuilder,
};
/// A shared pointer: `Arc` where the target has atomics, `Rc` where it has not (for
/// state a host function or WASI stream shares with the embedder).
pub use wisp_types::sync::Shared;
/// `Send` (and `Sync`) bounds that only targets with atomics ask for.
pub use wisp_types::sync::{MaybeSend, MaybeSendSync};
pub use wisp_types::{
    DefKind, ExternType, FieldType, FuncType, GlobalType, HeapType, Limits, MemoryType, Mutability,
    RefType, StorageType, TableType, TrapCode, TypeId, ValType, F32, F64,
};
#[cfg(feature = "compile")]
pub use wisp_validate::Features;
pub use wrap::{HostResults, IntoFunc};

/// Where the target has threads, a compiled module is shared between them and a store
/// moves to another (`Store<T>` is `Send` when `T` is). Checked at compile time.
#[cfg(all(
    target_has_atomic = "ptr",
    any(feature = "sync", target_pointer_width = "64")
))]
const _: () = {
    const fn send_sync<X: Send + Sync>() {}
    const fn send<X: Send>() {}
    send_sync::<Engine>();
    send_sync::<Module>();
    send_sync::<Linker<()>>();
    send_sync::<InstancePre<()>>();
    send_sync::<Error>();
    send::<Store<()>>();
    send::<ResumableInvocation>();
    send::<ResumableInvocationHostTrap>();
};
