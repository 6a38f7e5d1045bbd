//! Writing to stdout and stderr without panicking.
//!
//! `println!` panics when stdout is gone: `wisp … | head` would end in a panic message and
//! status 101. Here a closed pipe ends the command quietly, as `head` expects of the
//! writer, and any other write error (a full disk, `/dev/full`) is reported once on stderr
//! with status 1. Messages to stderr are best effort: failing to report an error must not
//! change the status that the error itself decided.

use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

/// Writes one line to stdout.
pub fn line(text: impl std::fmt::Display) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()
}

/// Writes text as it is (it ends its own lines) to stdout.
pub fn text(text: impl std::fmt::Display) -> io::Result<()> {
    let mut out = io::stdout().lock();
    write!(out, "{text}")?;
    out.flush()
}

/// Writes one line to stderr, ignoring failure.
pub fn error(text: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// The status after stdout failed with `e`.
pub fn write_failed(e: &io::Error) -> ExitCode {
    if e.kind() == ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    error(format_args!("error: cannot write to standard output: {e}"));
    ExitCode::FAILURE
}

/// Runs `print`, turning a write error into the right status.
pub fn finish(print: impl FnOnce() -> io::Result<()>, status: ExitCode) -> ExitCode {
    match print() {
        Ok(()) => status,
        Err(e) => write_failed(&e),
    }
}
