//! Reading and writing guest memory: every access is bounds-checked, and a bad pointer is
//! `EFAULT` for the program, never a panic for the host.
//!
//! A memory is one slice of RAM (a heap vector, or a buffer the host lent) or paged from
//! a device, which has no slice at all (`Memory::data` is empty). Every access goes
//! through [`GuestMemory`], which uses the slice when there is one and copies through
//! `Memory::read` and `Memory::write`, which work on every backend, when there is not.

use crate::Errno;
use alloc::vec;
use alloc::vec::Vec;
use wisp::{Memory, Store};

/// A program's linear memory, borrowed from its store for one access or a few.
pub(crate) struct GuestMemory<'a, T> {
    memory: Memory,
    store: &'a mut Store<T>,
}

/// `ptr..ptr + len` as a range of a slice, if it fits in `mem_len` bytes.
fn range(mem_len: usize, ptr: u32, len: u32) -> Result<core::ops::Range<usize>, Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
    if end > mem_len {
        return Err(Errno::Fault);
    }
    Ok(start..end)
}

impl<'a, T> GuestMemory<'a, T> {
    pub(crate) fn new(memory: Memory, store: &'a mut Store<T>) -> Self {
        GuestMemory { memory, store }
    }

    /// The memory's bytes when they are one slice; `None` for a paged memory. An empty
    /// contiguous memory also gives `None`, and the copying path then faults as it must.
    fn slice_mut(&mut self) -> Option<&mut [u8]> {
        let data = self.memory.data_mut(&mut *self.store);
        (!data.is_empty()).then_some(data)
    }

    /// `EFAULT` unless `ptr..ptr + len` lies in memory. Checked before the host allocates
    /// or does anything for a length that the program chose.
    pub(crate) fn check(&mut self, ptr: u32, len: u32) -> Result<(), Errno> {
        if let Some(data) = self.slice_mut() {
            return range(data.len(), ptr, len).map(|_| ());
        }
        // Reading nothing at the end address checks that the end is within the memory,
        // and so the whole range, without copying a byte.
        let end = u64::from(ptr) + u64::from(len);
        self.memory
            .read_exclusive(&mut *self.store, end, &mut [])
            .map_err(|_| Errno::Fault)
    }

    /// Fills `buf` from `ptr`.
    pub(crate) fn read_into(&mut self, ptr: u32, buf: &mut [u8]) -> Result<(), Errno> {
        let len = u32::try_from(buf.len()).map_err(|_| Errno::Fault)?;
        if let Some(data) = self.slice_mut() {
            buf.copy_from_slice(&data[range(data.len(), ptr, len)?]);
            return Ok(());
        }
        self.memory
            .read_exclusive(&mut *self.store, u64::from(ptr), buf)
            .map_err(|_| Errno::Fault)
    }

    /// A copy of `len` bytes at `ptr` (a path, say), so the context can be used while
    /// holding it.
    pub(crate) fn read(&mut self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        self.check(ptr, len)?;
        let mut buf = vec![0u8; len as usize];
        self.read_into(ptr, &mut buf)?;
        Ok(buf)
    }

    /// Stores `bytes` at `ptr`.
    pub(crate) fn write(&mut self, ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
        let len = u32::try_from(bytes.len()).map_err(|_| Errno::Fault)?;
        if let Some(data) = self.slice_mut() {
            let r = range(data.len(), ptr, len)?;
            data[r].copy_from_slice(bytes);
            return Ok(());
        }
        self.memory
            .write(&mut *self.store, u64::from(ptr), bytes)
            .map_err(|_| Errno::Fault)
    }

    pub(crate) fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    pub(crate) fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The `(ptr, len)` pairs of an iovec array.
    pub(crate) fn iovecs(&mut self, iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
        let bytes = self.read(iovs, count.checked_mul(8).ok_or(Errno::Overflow)?)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| {
                (
                    u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                )
            })
            .collect())
    }
}
