//! The binary format: decoding a module into Wisp's own representation.
//!
//! Spec: <https://webassembly.github.io/spec/core/binary/modules.html>
//!
//! Decoding is driven one [`wasmparser::Payload`] at a time by [`ModuleBuilder`], so the
//! caller can feed the same payloads to the validator in a single pass over the bytes.
//! Function bodies are not decoded here: only their byte ranges are kept, for lazy
//! translation.
#![forbid(unsafe_code)]
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
pub use convert::{block_type, heap_type, ref_type, val_type};
pub use module::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemMode, ElementSegment, Export, ExportKind,
    GlobalDef, Import, ImportDesc, Module, TableDef,
};
#[cfg(feature = "decode")]
pub use wasmparser;

use alloc::string::String;
use core::fmt;

/// What kind of failure a [`ParseError`] reports, for callers that handle some kinds
/// differently (for example, telling a bad module from one Wisp cannot run).
///
/// More kinds may be added (WebAssembly 3.0 brings new ways for a module to be refused),
/// so a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not a module the specification accepts: malformed (decoding failed)
    /// or invalid (validation failed, including a feature switched off in `Features`).
    Invalid,
    /// A valid module that uses something Wisp does not implement (exception tags,
    /// 64-bit tables, multiple memories, …).
    Unsupported,
    /// An implementation limit or a resource was exceeded: the heap cannot hold the
    /// translated code, a frame or an operand stack is too large, too many locals.
    Limit,
    /// A pre-translated image was refused (damaged, for another build, or the function
    /// was not translated ahead of time).
    Image,
    /// Something the earlier stages guarantee did not hold: a bug in Wisp.
    Internal,
}

/// A decoding error with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    /// What went wrong, in words.
    pub message: String,
    /// Byte offset in the module (or image) where it went wrong.
    pub offset: usize,
    /// The kind of failure.
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// An error of kind [`ParseErrorKind::Invalid`].
    pub fn new(message: impl Into<String>, offset: usize) -> Self {
        Self::with_kind(ParseErrorKind::Invalid, message, offset)
    }

    /// An error of the given kind.
    pub fn with_kind(kind: ParseErrorKind, message: impl Into<String>, offset: usize) -> Self {
        ParseError {
            message: message.into(),
            offset,
            kind,
        }
    }
}

#[cfg(feature = "decode")]
impl From<wasmparser::BinaryReaderError> for ParseError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        ParseError::new(String::from(e.message()), e.offset() as usize)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {:#x})", self.message, self.offset)
    }
}

impl core::error::Error for ParseError {}
