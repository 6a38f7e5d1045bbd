//! In-memory pipes: a program's stdin from bytes the host has, its stdout or stderr into
//! a buffer the host reads afterwards (tests, or a host that serves the output itself).

use crate::{Errno, Stream};
use alloc::vec::Vec;
use std::sync::{Arc, Mutex, MutexGuard};

/// An output stream into memory. Clones share the buffer: give one to the builder
/// ([`crate::WasiCtxBuilder::stdout`]) and read [`contents`](Self::contents) from another.
#[derive(Debug, Clone, Default)]
pub struct MemoryOutputPipe {
    buf: Arc<Mutex<Vec<u8>>>,
    capacity: Option<usize>,
}

impl MemoryOutputPipe {
    /// A pipe that takes everything written.
    pub fn new() -> Self {
        Self::default()
    }
    /// A pipe that holds at most `capacity` bytes: a write past it fails with `ENOSPC`
    /// (a program cannot fill the host's memory through its output).
    pub fn with_capacity(capacity: usize) -> Self {
        MemoryOutputPipe {
            buf: Arc::default(),
            capacity: Some(capacity),
        }
    }
    /// What the program wrote so far.
    pub fn contents(&self) -> Vec<u8> {
        lock(&self.buf).clone()
    }
    /// Takes what the program wrote so far, leaving the pipe empty.
    pub fn take(&self) -> Vec<u8> {
        core::mem::take(&mut *lock(&self.buf))
    }
}

impl Stream for MemoryOutputPipe {
    fn write(&mut self, bytes: &[u8]) -> Result<usize, Errno> {
        let mut buf = lock(&self.buf);
        let room = self
            .capacity
            .map_or(usize::MAX, |c| c.saturating_sub(buf.len()));
        if room == 0 && !bytes.is_empty() {
            return Err(Errno::Nospc);
        }
        let n = bytes.len().min(room);
        buf.try_reserve(n).map_err(|_| Errno::Nomem)?;
        buf.extend_from_slice(&bytes[..n]);
        Ok(n)
    }
    fn writable(&self) -> bool {
        true
    }
}

/// An input stream from bytes in memory: the program reads them, then end of file.
#[derive(Debug, Clone, Default)]
pub struct MemoryInputPipe {
    buf: Arc<Mutex<(Vec<u8>, usize)>>,
}

impl MemoryInputPipe {
    /// A pipe the program reads `bytes` from.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        MemoryInputPipe {
            buf: Arc::new(Mutex::new((bytes.into(), 0))),
        }
    }
}

impl Stream for MemoryInputPipe {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, Errno> {
        let mut guard = lock(&self.buf);
        let (bytes, at) = &mut *guard;
        let n = out.len().min(bytes.len() - *at);
        out[..n].copy_from_slice(&bytes[*at..*at + n]);
        *at += n;
        Ok(n)
    }
    fn readable(&self) -> bool {
        true
    }
}

/// The buffer, even if a thread panicked while holding it (the bytes are still bytes).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
