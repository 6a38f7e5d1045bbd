//! The binary format: decoding a module into Wisp's own representation.
//!
//! Spec: <https://webassembly.github.io/spec/core/binary/modules.html>
//!
//! Decoding is driven one [`wasmparser::Payload`] at a time by [`ModuleBuilder`], so the
//! caller can feed the same payloads to the validator in a single pass over the bytes.
//! Function bodies are not decoded here: only their byte ranges are kept, for lazy
//! translation.
#![no_std]
extern crate alloc;

#[cfg(feature = "decode")]
mod builder;
#[cfg(feature = "decode")]
mod convert;
mod module;

#[cfg(feature = "decode")]
pub use builder::ModuleBuilder;
#[cfg(feature = "decode")]
pub use convert::{block_type, ref_type, val_type};
pub use module::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemMode, ElementSegment, Export, ExportKind,
    GlobalDef, Import, ImportDesc, Module, TableDef,
};
#[cfg(feature = "decode")]
pub use wasmparser;

use alloc::string::String;
use core::fmt;

/// A decoding error with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl ParseError {
    pub fn new(message: impl Into<String>, offset: usize) -> Self {
        ParseError {
            message: message.into(),
            offset,
        }
    }
}

#[cfg(feature = "decode")]
impl From<wasmparser::BinaryReaderError> for ParseError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        ParseError {
            message: String::from(e.message()),
            offset: e.offset() as usize,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {:#x})", self.message, self.offset)
    }
}
