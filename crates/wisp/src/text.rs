//! The text format, with the `wat` feature: a module written as text becomes binary
//! before it is decoded. Spec: <https://webassembly.github.io/spec/core/text/index.html>

use crate::error::{CompileErrorKind, Error};
use alloc::vec::Vec;

/// The binary form of `bytes` when they are text; `None` when they are binary already
/// or damaged binary: empty, or starting with a NUL byte, as the binary format's magic
/// number does and no text does (so that a bad header gets the binary decoder's error).
/// A syntax error names `path` when there is one, with the line and column.
pub(crate) fn to_binary(
    bytes: &[u8],
    path: Option<&std::path::Path>,
) -> Result<Option<Vec<u8>>, Error> {
    if bytes.first().is_none_or(|&b| b == 0) {
        return Ok(None);
    }
    wat::Parser::new()
        .parse_bytes(path, bytes)
        .map(|b| Some(b.into_owned()))
        .map_err(|e| Error::Compile {
            message: alloc::format!("{e}"),
            offset: 0,
            kind: CompileErrorKind::Invalid,
        })
}
