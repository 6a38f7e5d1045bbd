//! What an embedder plugs in: byte streams, a clock, randomness. A board without an OS
//! implements these over its UART, timer and RNG. Each is `Send` where the target has
//! threads (`MaybeSend`), so that a `WasiCtx` moves to another thread with its store.

use crate::Errno;
use wisp::MaybeSend;

/// A byte stream: stdin, stdout or stderr (or anything an embedder connects to them).
pub trait Stream: MaybeSend {
    /// Reads into `buf`; zero bytes means end of stream.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let _ = buf;
        Err(Errno::Badf)
    }
    /// Writes from `buf`, returning how much was written.
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        let _ = buf;
        Err(Errno::Badf)
    }
    /// Whether reads are allowed (false for an output stream).
    fn readable(&self) -> bool {
        false
    }
    /// Whether writes are allowed (false for an input stream).
    fn writable(&self) -> bool {
        false
    }
}

/// Preview1's clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockId {
    /// Wall-clock time since the Unix epoch.
    Realtime,
    /// Time that only moves forward, from an arbitrary start.
    Monotonic,
    /// CPU time of the process.
    ProcessCputime,
    /// CPU time of the thread.
    ThreadCputime,
}

impl ClockId {
    /// The clock of a preview1 clock id, if it is one.
    pub fn from_raw(id: u32) -> Option<Self> {
        Some(match id {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCputime,
            3 => ClockId::ThreadCputime,
            _ => return None,
        })
    }
}

/// Time in nanoseconds.
pub trait Clock: MaybeSend {
    /// Clock `id` now, in nanoseconds.
    fn now(&self, id: ClockId) -> Result<u64, Errno>;
    /// Clock `id`'s resolution, in nanoseconds.
    fn resolution(&self, id: ClockId) -> Result<u64, Errno>;
    /// Waits about `ns` nanoseconds (`poll_oneoff` on a clock). The default returns at
    /// once, as a clock that cannot wait must.
    fn sleep(&self, ns: u64) {
        let _ = ns;
    }
}

/// Randomness for `random_get`: the host supplies it (a hardware generator, the OS).
pub trait Random: MaybeSend {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno>;
}

/// A clock that reads zero: for embedders without one, and for reproducible runs.
pub(crate) struct ZeroClock;

impl Clock for ZeroClock {
    fn now(&self, _: ClockId) -> Result<u64, Errno> {
        Ok(0)
    }
    fn resolution(&self, _: ClockId) -> Result<u64, Errno> {
        Ok(1)
    }
}

/// Randomness that is not there: `random_get` fails rather than hand out predictable bytes.
pub(crate) struct NoRandom;

impl Random for NoRandom {
    fn fill(&mut self, _: &mut [u8]) -> Result<(), Errno> {
        Err(Errno::Nosys)
    }
}

/// A stream that is closed at both ends.
pub(crate) struct Closed;

impl Stream for Closed {}
