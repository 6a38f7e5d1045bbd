//! Backends over the host OS.

use crate::backend::{Clock, ClockId, Random, Stream};
use crate::Errno;
use std::io::{Read, Write};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The host process's stdin.
pub struct Stdin;
/// The host process's stdout.
pub struct Stdout;
/// The host process's stderr.
pub struct Stderr;

fn io(_: std::io::Error) -> Errno {
    Errno::Io
}

impl Stream for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        std::io::stdin().read(buf).map_err(io)
    }
    fn readable(&self) -> bool {
        true
    }
}

impl Stream for Stdout {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        let mut out = std::io::stdout();
        // Flushed per call: the program's output order must survive a trap or an exit.
        out.write_all(buf).and_then(|_| out.flush()).map_err(io)?;
        Ok(buf.len())
    }
    fn writable(&self) -> bool {
        true
    }
}

impl Stream for Stderr {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        std::io::stderr().write_all(buf).map_err(io)?;
        Ok(buf.len())
    }
    fn writable(&self) -> bool {
        true
    }
}

/// The system's realtime clock and a monotonic clock that starts with the context.
pub struct HostClock {
    start: Instant,
}

impl HostClock {
    /// The host's clocks, the monotonic one starting now.
    pub fn new() -> Self {
        HostClock {
            start: Instant::now(),
        }
    }
}

impl Default for HostClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for HostClock {
    fn now(&self, id: ClockId) -> Result<u64, Errno> {
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).map_err(|_| Errno::Overflow);
        match id {
            ClockId::Realtime => ns(SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|_| Errno::Inval)?),
            // Without a portable CPU-time source, CPU clocks run with the monotonic one.
            _ => ns(self.start.elapsed()),
        }
    }
    fn resolution(&self, _: ClockId) -> Result<u64, Errno> {
        Ok(1)
    }
    fn sleep(&self, ns: u64) {
        std::thread::sleep(std::time::Duration::from_nanos(ns));
    }
}

/// Randomness from the operating system (`/dev/urandom`), read in one go per call.
pub struct HostRandom {
    _private: (),
}

impl HostRandom {
    /// The host's randomness.
    pub fn new() -> Self {
        HostRandom { _private: () }
    }
}

impl Default for HostRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl Random for HostRandom {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .map_err(io)
    }
}
