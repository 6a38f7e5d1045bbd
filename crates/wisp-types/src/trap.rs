//! Trap codes. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#results>
//!
//! The messages are the spec test suite's, so that `assert_trap` can compare them.

use core::fmt;

/// Why execution trapped.
///
/// More codes will come (WebAssembly 3.0's exceptions and GC add traps), so a `match` on
/// it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrapCode {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    IndirectCallToNull,
    BadSignature,
    IntegerOverflow,
    IntegerDivideByZero,
    BadConversionToInteger,
    StackOverflow,
    UninitializedElement,
    /// `call_indirect` with an index past the table's end.
    UndefinedElement,
    /// Fuel ran out; the call may be resumed with more fuel.
    OutOfFuel,
    /// A host function reported an error.
    HostError,
    /// The block device behind a paged memory failed.
    MemoryDevice,
    /// `throw_ref` of a null `exnref`.
    NullExnRef,
    /// `call_ref` or `return_call_ref` of a null function reference.
    NullFuncRef,
    /// `ref.as_non_null` of null.
    NullReference,
    /// `i31.get_s` or `i31.get_u` of null.
    NullI31Ref,
    /// `ref.cast` of a value not of the type.
    CastFailure,
    /// An object (an exception, a struct or an array) could not be allocated, even
    /// after a collection: the store's heap is full.
    OutOfMemory,
    /// `struct.get` or `struct.set` of null.
    NullStructRef,
    /// An `array.*` instruction on null.
    NullArrayRef,
    /// An array index or range past the array's end.
    ArrayOutOfBounds,
    /// The store's epoch deadline passed (`Store::set_epoch_deadline`).
    Interrupt,
}

impl TrapCode {
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::IndirectCallToNull => "uninitialized element",
            TrapCode::BadSignature => "indirect call type mismatch",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::BadConversionToInteger => "invalid conversion to integer",
            TrapCode::StackOverflow => "call stack exhausted",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::OutOfFuel => "all fuel consumed",
            TrapCode::HostError => "host function error",
            TrapCode::NullExnRef => "null exception reference",
            TrapCode::NullFuncRef => "null function reference",
            TrapCode::NullReference => "null reference",
            TrapCode::NullI31Ref => "null i31 reference",
            TrapCode::CastFailure => "cast failure",
            TrapCode::OutOfMemory => "out of memory",
            TrapCode::MemoryDevice => "memory device error",
            TrapCode::Interrupt => "interrupt",
            #[cfg(feature = "gc")]
            TrapCode::NullStructRef => "null structure reference",
            #[cfg(feature = "gc")]
            TrapCode::NullArrayRef => "null array reference",
            #[cfg(feature = "gc")]
            TrapCode::ArrayOutOfBounds => "out of bounds array access",
            // Never raised without GC.
            #[cfg(not(feature = "gc"))]
            TrapCode::NullStructRef | TrapCode::NullArrayRef | TrapCode::ArrayOutOfBounds => {
                "gc trap"
            }
        }
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for TrapCode {}
