//! Errors of every stage, and traps with their backtrace.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use wisp_types::TrapCode;

pub use wisp_parse::ParseErrorKind as CompileErrorKind;

/// One active function when a trap happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// The function's index in its module.
    pub func_index: u32,
    /// Its name from the module's name section.
    pub name: Option<String>,
}

/// A WebAssembly trap. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#results>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    /// Innermost function first.
    pub backtrace: Vec<FrameInfo>,
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasm trap: {}", self.code)?;
        write_backtrace(f, &self.backtrace)
    }
}

/// Writes a trap's or an exception's backtrace on the lines after its message.
pub(crate) fn write_backtrace(f: &mut fmt::Formatter<'_>, backtrace: &[FrameInfo]) -> fmt::Result {
    if backtrace.is_empty() {
        return Ok(());
    }
    f.write_str("\nwasm backtrace:")?;
    // Deep recursion leaves a trace as deep as the call stack: show its top.
    const SHOWN: usize = 20;
    for (i, fr) in backtrace.iter().enumerate().take(SHOWN) {
        match &fr.name {
            Some(n) => write!(f, "\n  {i:>3}: {n} (func {})", fr.func_index)?,
            None => write!(f, "\n  {i:>3}: <func {}>", fr.func_index)?,
        }
    }
    if backtrace.len() > SHOWN {
        write!(f, "\n  ... {} more frames", backtrace.len() - SHOWN)?;
    }
    Ok(())
}

impl core::error::Error for Trap {}

/// Everything that can go wrong between bytes and results.
///
/// More variants may be added, so a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The module (or image) could not be compiled: malformed, invalid, or beyond what
    /// Wisp supports.
    Compile {
        /// What went wrong, in words.
        message: String,
        /// Byte offset in the module (or image) where it went wrong; 0 when unknown.
        offset: usize,
        /// The kind of failure, for callers that treat some differently.
        kind: CompileErrorKind,
    },
    /// An import could not be resolved ("unknown import") or has the wrong type
    /// ("incompatible import type").
    Link(String),
    /// Instantiation failed before running any code (e.g. a memory too large).
    Instantiate(String),
    /// Execution trapped.
    Trap(Trap),
    /// A WebAssembly exception left Wasm uncaught. A host function returns one to throw
    /// it into its Wasm caller. Boxed: every `Result` of the API carries an `Error`, and
    /// on a device each byte of it is stack in every frame that holds one.
    Exception(alloc::boxed::Box<crate::Exception>),
    /// A host function failed.
    Host(String),
    /// A host function ended the program with this exit status (WASI's `proc_exit`).
    /// Not a failure: the caller decides what the status means.
    Exit(i32),
    /// The API was used wrongly (argument count or types, missing export…).
    Usage(String),
}

impl Error {
    /// The trap code, if this is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match self {
            Error::Trap(t) => Some(t.code),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile {
                message, offset, ..
            } => write!(f, "{message} (at offset {offset:#x})"),
            Error::Link(m) | Error::Instantiate(m) | Error::Host(m) | Error::Usage(m) => {
                f.write_str(m)
            }
            Error::Trap(t) => write!(f, "{t}"),
            Error::Exception(e) => write!(f, "{e}"),
            Error::Exit(code) => write!(f, "program exited with status {code}"),
        }
    }
}

/// A trap is shown as the error itself, so its source is the trap's (none); the other
/// variants hold only text.
impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Trap(t) => core::error::Error::source(t),
            _ => None,
        }
    }
}

impl From<wisp_parse::ParseError> for Error {
    fn from(e: wisp_parse::ParseError) -> Self {
        Error::Compile {
            message: e.message,
            offset: e.offset,
            kind: e.kind,
        }
    }
}
