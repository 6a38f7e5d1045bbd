//! The structure of WebAssembly programs: types, values and trap codes.
//!
//! Spec: <https://webassembly.github.io/spec/core/syntax/types.html> and
//! <https://webassembly.github.io/spec/core/exec/runtime.html#values>.
//!
//! Everything here is plain data with no dependencies, so that every other layer (the
//! decoder, the store, the executor on a microcontroller) can share one vocabulary.
#![forbid(unsafe_code)]
#![no_std]
extern crate alloc;

pub mod cells;
mod composite;
pub mod leb128;
mod reftype;
pub mod sync;
mod trap;
mod types;
mod value;

pub use composite::{CompositeType, FieldType, StorageType, SubType};
pub use reftype::{DefKind, HeapType, RefType, TypeId};
pub use trap::TrapCode;
pub use types::{
    ExternType, FuncType, GlobalType, Limits, MemoryType, Mutability, TableType, ValType,
};
pub use value::{AnyAddr, ExnAddr, ExternAddr, FuncAddr, RawVal, Val, F32, F64};

/// Whether this build has typed references and garbage collection (the `gc` feature).
/// Without them every defined type is a final function type in a recursive group of its
/// own, and its references are abstract (`funcref`, `externref`), so the store's type
/// registry takes a shorter path that a device links instead of the general one.
pub const TYPED_REFS: bool = cfg!(feature = "gc");

/// Page size of linear memory (spec: 64 KiB).
pub const WASM_PAGE_SIZE: u64 = 65536;
