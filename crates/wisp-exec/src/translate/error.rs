//! Why a function body could not be translated.

use core::fmt;
use wisp_parse::{ParseError, ParseErrorKind};

/// A translation failure. The translator sees only validated code, so most of these are
/// Wisp's limits (unsupported operators, memory) or bugs; a few wrap a decoding error.
///
/// It carries no offset: [`TranslateError::at`] attaches the byte offset of the
/// instruction (or of the body) where it happened, making the [`ParseError`] that
/// translation returns.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TranslateError {
    /// An instruction popped more values than the operand stack held.
    StackUnderflow,
    /// An `end` or `else` with no block open.
    ControlUnderflow,
    /// An index with nothing behind it: a local, label, function or type.
    Unknown(&'static str),
    /// More locals than slot arithmetic allows.
    TooManyLocals,
    /// An operator Wisp does not translate.
    UnsupportedOperator,
    /// A memory instruction on a GC array's bytes rather than on a linear memory.
    ArrayMemoryAccess,
    /// The heap cannot hold the function's code.
    CodeOutOfMemory,
    /// The heap cannot hold a `br_table`'s labels.
    BranchTableOutOfMemory,
    /// The function's frame needs more cells than fit 32 bits.
    FrameTooLarge {
        /// The cells it needs.
        cells: u64,
    },
    /// The operators end before the function's last `end`.
    BodyEndsEarly,
    /// The function touches a `v128`: it must be translated again with two cells per
    /// operand-stack height. Internal: [`super::translate`] retries and never returns it.
    NeedWide,
    /// The function's legacy `catch` clauses need this many cells kept for `rethrow`,
    /// reserved after the locals: it must be translated again with them. Internal, like
    /// `NeedWide`.
    NeedKept(u32),
    /// A part of the body (its locals, a block type, a table's labels) failed to decode.
    Decode(ParseError),
}

impl TranslateError {
    /// The kind of failure, for the [`ParseError`] it becomes.
    pub fn kind(&self) -> ParseErrorKind {
        match self {
            TranslateError::UnsupportedOperator | TranslateError::ArrayMemoryAccess => {
                ParseErrorKind::Unsupported
            }
            TranslateError::TooManyLocals
            | TranslateError::CodeOutOfMemory
            | TranslateError::BranchTableOutOfMemory
            | TranslateError::FrameTooLarge { .. } => ParseErrorKind::Limit,
            TranslateError::BodyEndsEarly => ParseErrorKind::Invalid,
            TranslateError::StackUnderflow
            | TranslateError::ControlUnderflow
            | TranslateError::Unknown(_)
            | TranslateError::NeedWide
            | TranslateError::NeedKept(_) => ParseErrorKind::Internal,
            TranslateError::Decode(e) => e.kind,
        }
    }

    /// The error as reported, found at byte `offset` of the module. A wrapped decoding
    /// error keeps its own offset, which is more precise.
    pub fn at(self, offset: usize) -> ParseError {
        match self {
            TranslateError::Decode(e) => e,
            other => ParseError::with_kind(other.kind(), alloc::format!("{other}"), offset),
        }
    }
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TranslateError::StackUnderflow => f.write_str("operand stack underflow"),
            TranslateError::ControlUnderflow => f.write_str("control stack underflow"),
            TranslateError::Unknown(what) => write!(f, "unknown {what}"),
            TranslateError::TooManyLocals => f.write_str("too many locals"),
            TranslateError::UnsupportedOperator => f.write_str("unsupported operator"),
            TranslateError::ArrayMemoryAccess => {
                f.write_str("memory instructions on arrays are not supported")
            }
            TranslateError::CodeOutOfMemory => {
                f.write_str("out of memory: the function's code does not fit the heap")
            }
            TranslateError::BranchTableOutOfMemory => {
                f.write_str("out of memory: the branch table does not fit the heap")
            }
            TranslateError::FrameTooLarge { cells } => write!(f, "frame too large: {cells}"),
            TranslateError::BodyEndsEarly => f.write_str("function body ends early"),
            TranslateError::NeedWide => f.write_str("internal: function needs wide slots"),
            TranslateError::NeedKept(n) => write!(f, "internal: function needs {n} kept cells"),
            TranslateError::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for TranslateError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            TranslateError::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ParseError> for TranslateError {
    fn from(e: ParseError) -> Self {
        TranslateError::Decode(e)
    }
}

impl From<wisp_parse::wasmparser::BinaryReaderError> for TranslateError {
    fn from(e: wisp_parse::wasmparser::BinaryReaderError) -> Self {
        TranslateError::Decode(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use core::error::Error as _;

    #[test]
    fn errors_keep_their_message_kind_and_offset() {
        let e = TranslateError::ArrayMemoryAccess.at(0x42);
        assert_eq!(e.message, "memory instructions on arrays are not supported");
        assert_eq!(e.offset, 0x42);
        assert_eq!(e.kind, ParseErrorKind::Unsupported);
        let e = TranslateError::FrameTooLarge { cells: 1 << 33 }.at(7);
        assert_eq!(e.to_string(), "frame too large: 8589934592 (at offset 0x7)");
        assert_eq!(e.kind, ParseErrorKind::Limit);
        assert_eq!(
            TranslateError::StackUnderflow.at(1).kind,
            ParseErrorKind::Internal
        );
    }

    #[test]
    fn a_wrapped_decoding_error_is_the_source_and_keeps_its_offset() {
        let inner = ParseError::with_kind(ParseErrorKind::Unsupported, "no", 9);
        let e = TranslateError::from(inner.clone());
        assert_eq!(e.kind(), ParseErrorKind::Unsupported);
        assert_eq!(e.source().map(|s| s.to_string()), Some(inner.to_string()));
        assert!(TranslateError::NeedWide.source().is_none());
        assert_eq!(e.at(100), inner);
    }
}
