//! Errors of every stage, and traps with their backtrace.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use core::fmt;
use wisp_types::TrapCode;

pub use wisp_parse::ParseErrorKind as CompileErrorKind;

/// One active function when a trap happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FrameInfo {
    /// The function's index in its module.
    pub func_index: u32,
    /// Its name from the module's name section.
    pub name: Option<String>,
    /// The byte offset, in the module, of the instruction it was running (for a caller,
    /// its call), when translation kept offsets ([`crate::Config::code_offsets`]).
    pub module_offset: Option<usize>,
    /// The same offset from the start of the function's body.
    pub func_offset: Option<usize>,
}

/// A WebAssembly trap. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#results>
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    /// Why it trapped.
    pub code: TrapCode,
    /// Innermost function first.
    pub backtrace: Vec<FrameInfo>,
    /// What the program's instances held, when [`crate::Config::coredump_on_trap`] asked
    /// for it.
    pub coredump: Option<Box<crate::CoreDump>>,
}

impl Trap {
    /// A trap of `code` with no backtrace (a host function returns one to trap).
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            backtrace: Vec::new(),
            coredump: None,
        }
    }
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
        write!(f, "\n  {i:>3}: ")?;
        if let Some(at) = fr.module_offset {
            write!(f, "{at:#8x} - ")?;
        }
        match &fr.name {
            Some(n) => write!(f, "{n} (func {})", fr.func_index)?,
            None => write!(f, "<func {}>", fr.func_index)?,
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
/// As with wasmtime's error (an `anyhow::Error`), any error type converts into it with
/// `?`: in a host function, `std::fs::read(path)?` fails the call with the I/O error,
/// which the embedder gets back from the Wasm call and can [downcast](Error::downcast_ref).
/// For that reason `Error` does not itself implement [`core::error::Error`] (a blanket
/// conversion would then include `Error` into itself); it converts into
/// `Box<dyn core::error::Error + Send + Sync>`, so `?` works in a function that returns
/// one.
///
/// More variants may be added, so a `match` on it needs a wildcard arm.
#[derive(Debug)]
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
    Exception(Box<crate::Exception>),
    /// A host function failed, or the embedder's own error passed through `?`.
    Host(HostError),
    /// A host function ended the program with this exit status (WASI's `proc_exit`).
    /// Not a failure: the caller decides what the status means.
    Exit(i32),
    /// The API was used wrongly (argument count or types, missing export…).
    Usage(String),
}

/// An error of the embedder's: what a host function returned, and where in Wasm it was
/// called from.
pub struct HostError {
    error: Box<dyn core::error::Error + Send + Sync>,
    backtrace: Vec<FrameInfo>,
}

impl HostError {
    /// The embedder's error, to inspect or downcast.
    pub fn error(&self) -> &(dyn core::error::Error + Send + Sync + 'static) {
        &*self.error
    }
    /// The Wasm functions active when the host function failed, innermost first;
    /// empty if it did not fail inside a call.
    pub fn backtrace(&self) -> &[FrameInfo] {
        &self.backtrace
    }
}

impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)?;
        write_backtrace(f, &self.backtrace)
    }
}

/// A message as an error: what [`Error::msg`] wraps.
struct Message<M>(M);

impl<M: fmt::Display> fmt::Display for Message<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The message as it is, not escaped: `str`'s `Debug` would bring Unicode tables into
/// a device's flash.
impl<M: fmt::Display> fmt::Debug for Message<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<M: fmt::Display> core::error::Error for Message<M> {}

impl Error {
    /// A host error of the embedder's type (what `?` makes of `error`).
    pub fn new<E: core::error::Error + Send + Sync + 'static>(error: E) -> Error {
        Error::from_boxed(Box::new(error))
    }

    /// A host error that is only a message (wasmtime's `Error::msg`, anyhow's `anyhow!`).
    pub fn msg<M: fmt::Display + Send + Sync + 'static>(message: M) -> Error {
        Error::Host(HostError {
            error: Box::new(Message(message)),
            backtrace: Vec::new(),
        })
    }

    /// An error from a boxed one: a [`Trap`], an [`crate::Exception`] or a
    /// [`wisp_parse::ParseError`] becomes the variant for it, anything else a host error.
    pub fn from_boxed(error: Box<dyn core::error::Error + Send + Sync + 'static>) -> Error {
        let error = match error.downcast::<Trap>() {
            Ok(t) => return Error::Trap(*t),
            Err(e) => e,
        };
        let error = match error.downcast::<crate::Exception>() {
            Ok(e) => return Error::Exception(e),
            Err(e) => e,
        };
        let error = match error.downcast::<wisp_parse::ParseError>() {
            Ok(e) => return compile_error(*e),
            Err(e) => e,
        };
        Error::Host(HostError {
            error,
            backtrace: Vec::new(),
        })
    }

    /// The trap code, if this is a trap.
    pub fn trap_code(&self) -> Option<TrapCode> {
        match self {
            Error::Trap(t) => Some(t.code),
            _ => None,
        }
    }

    /// The error as an `E`, if it is one: a host error of the embedder's type, or the
    /// [`Trap`] (or its [`TrapCode`]) or [`crate::Exception`] of those variants.
    pub fn downcast_ref<E: core::error::Error + Send + Sync + 'static>(&self) -> Option<&E> {
        match self {
            Error::Host(h) => h.error.downcast_ref(),
            Error::Trap(t) => (t as &dyn Any)
                .downcast_ref()
                .or_else(|| (&t.code as &dyn Any).downcast_ref()),
            Error::Exception(e) => (&**e as &dyn Any).downcast_ref(),
            _ => None,
        }
    }

    /// Whether the error is an `E` (see [`Error::downcast_ref`]).
    pub fn is<E: core::error::Error + Send + Sync + 'static>(&self) -> bool {
        self.downcast_ref::<E>().is_some()
    }

    /// The embedder's error of type `E`, taken out; the error itself if it is not one.
    pub fn downcast<E: core::error::Error + Send + Sync + 'static>(self) -> Result<E, Error> {
        match self {
            Error::Host(h) => match h.error.downcast::<E>() {
                Ok(e) => Ok(*e),
                Err(error) => Err(Error::Host(HostError {
                    error,
                    backtrace: h.backtrace,
                })),
            },
            // ok: the `expect`s below cannot fail: `slot` is `Some` when it is looked at,
            // and taken only in the arm that returns.
            Error::Trap(t) => {
                let mut slot = Some(t);
                match (&mut slot as &mut dyn Any).downcast_mut::<Option<E>>() {
                    Some(e) => Ok(e.take().expect("just filled")),
                    None => Err(Error::Trap(slot.expect("not taken"))),
                }
            }
            Error::Exception(x) => {
                let mut slot = Some(*x);
                match (&mut slot as &mut dyn Any).downcast_mut::<Option<E>>() {
                    Some(e) => Ok(e.take().expect("just filled")),
                    None => Err(Error::Exception(Box::new(slot.expect("not taken")))),
                }
            }
            other => Err(other),
        }
    }

    /// The coredump of a trap, if the engine took one ([`crate::Config::coredump_on_trap`]).
    pub fn coredump(&self) -> Option<&crate::CoreDump> {
        match self {
            Error::Trap(t) => t.coredump.as_deref(),
            _ => None,
        }
    }

    /// The Wasm functions active where the error arose, innermost first: a trap's, an
    /// uncaught exception's, or a failing host function's callers. Empty for errors
    /// outside a call.
    pub fn backtrace(&self) -> &[FrameInfo] {
        match self {
            Error::Trap(t) => &t.backtrace,
            Error::Exception(e) => &e.backtrace,
            Error::Host(h) => &h.backtrace,
            _ => &[],
        }
    }

    /// Records where a host error arose, if it does not say yet.
    pub(crate) fn with_host_backtrace(mut self, frames: impl FnOnce() -> Vec<FrameInfo>) -> Self {
        if let Error::Host(h) = &mut self {
            if h.backtrace.is_empty() {
                h.backtrace = frames();
            }
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Compile {
                message, offset, ..
            } => write!(f, "{message} (at offset {offset:#x})"),
            Error::Link(m) | Error::Instantiate(m) | Error::Usage(m) => f.write_str(m),
            Error::Host(h) => write!(f, "{h}"),
            Error::Trap(t) => write!(f, "{t}"),
            Error::Exception(e) => write!(f, "{e}"),
            Error::Exit(code) => write!(f, "program exited with status {code}"),
        }
    }
}

/// Any standard error passes through `?` (see [`Error`]).
impl<E: core::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(error: E) -> Self {
        Error::from_boxed(Box::new(error))
    }
}

/// `Error` as a standard error: what `?` makes of it in a function that returns a
/// `Box<dyn Error>`. A host error becomes the embedder's error again, a trap or an
/// exception itself; the other variants keep their text.
impl From<Error> for Box<dyn core::error::Error + Send + Sync + 'static> {
    fn from(e: Error) -> Self {
        match e {
            Error::Host(h) => h.error,
            Error::Trap(t) => Box::new(t),
            Error::Exception(x) => x,
            other => Box::new(Other(other)),
        }
    }
}

impl From<Error> for Box<dyn core::error::Error + 'static> {
    fn from(e: Error) -> Self {
        let b: Box<dyn core::error::Error + Send + Sync + 'static> = e.into();
        b
    }
}

/// A variant of `Error` that has no error type of its own, as a standard error.
struct Other(Error);

impl fmt::Debug for Other {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Other {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::error::Error for Other {}

/// A decoding or validation error as the `Compile` variant.
fn compile_error(e: wisp_parse::ParseError) -> Error {
    Error::Compile {
        message: e.message,
        offset: e.offset,
        kind: e.kind,
    }
}
