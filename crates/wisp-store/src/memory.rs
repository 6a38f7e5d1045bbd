//! Memory instances and their backends.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances>
//!
//! The backend is chosen when a memory is created and never changes. The executor asks
//! a contiguous backend (a heap vector, or a buffer the host lent) for its base pointer
//! and length once and keeps them in registers, so a load or store costs no call. A
//! paged backend has no such slice: the executor sees a length of zero, so every access
//! takes its out-of-bounds path, which hands it to [`PagedMemory`] instead of trapping.

use crate::limits::ResourceLimiter;
#[cfg(feature = "paged")]
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use wisp_types::MemoryType;

/// Linear memory that does not live in one slice of RAM: pages kept on a block device
/// with a few cached in RAM, for boards whose RAM cannot hold the program's memory.
///
/// Addresses are guest addresses (`u64` so that memory64 fits); the memory instance
/// checks them against [`size`](Self::size) before calling `read` or `write`.
///
/// Where the target has threads it must be `Send`, as the store holding it may move.
pub trait PagedMemory: wisp_types::sync::MaybeSend {
    /// The current size in bytes.
    fn size(&self) -> u64;
    /// Grows to `new_size` bytes; the new bytes read as zero.
    fn grow(&mut self, new_size: u64) -> Result<(), GrowError>;
    /// Fills `buf` from `addr..addr + buf.len()`. An error is a device failure.
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError>;
    /// Stores `buf` at `addr..addr + buf.len()`. An error is a device failure.
    fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), AccessError>;
    /// Fills `buf` as [`read`](Self::read) does, without changing the memory (its cache
    /// included): how the host reads through a shared borrow of the store. A device that
    /// cannot keeps the default, [`AccessError::Exclusive`].
    fn read_shared(&self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        let _ = (addr, buf);
        Err(AccessError::Exclusive)
    }
    /// The heap bytes the memory holds whatever its size (a cache, its bookkeeping): what
    /// a store's RAM budget charges for it, since its pages live on the device.
    fn ram_bytes(&self) -> usize {
        0
    }
}

/// Where the bytes of a linear memory live.
pub enum MemoryBackend {
    /// A heap vector, grown in place (the default).
    Vec(Vec<u8>),
    /// A buffer the host lent for the memory's whole life (`len` bytes of it are in use),
    /// so that no allocator is needed and the size is known at link time.
    Host { buf: &'static mut [u8], len: usize },
    /// Paged storage behind a trait object; every access is a call (the `paged`
    /// feature: a build without it has no paged paths in its memory operations).
    #[cfg(feature = "paged")]
    Paged(Box<dyn PagedMemory>),
    /// Pages from the kernel that cost nothing until touched (Linux, the `mmap` feature):
    /// the default on such hosts, so an untouched 4 GiB memory takes no RAM.
    #[cfg(all(feature = "mmap", target_os = "linux"))]
    Mapped(crate::mapped::Mapping),
}

impl MemoryBackend {
    /// What the memory costs the heap whatever its size, if that is fixed: nothing for a
    /// lent buffer, the cache for paged storage; `None` for backends whose bytes are heap
    /// (or mapped) memory that grows with the memory.
    pub fn fixed_ram(&self) -> Option<usize> {
        match self {
            MemoryBackend::Host { .. } => Some(0),
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => Some(p.ram_bytes()),
            _ => None,
        }
    }

    /// A host-lent buffer, none of it in use yet.
    pub fn host(buf: &'static mut [u8]) -> Self {
        MemoryBackend::Host { buf, len: 0 }
    }

    /// What a memory gets when nobody chose: pages mapped on demand where the host has
    /// them, a heap vector elsewhere.
    pub fn default_for_host() -> Self {
        #[cfg(all(feature = "mmap", target_os = "linux"))]
        return MemoryBackend::Mapped(crate::mapped::Mapping::empty());
        #[cfg(not(all(feature = "mmap", target_os = "linux")))]
        MemoryBackend::Vec(Vec::new())
    }
}

impl fmt::Debug for MemoryBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemoryBackend::Vec(v) => write!(f, "Vec({} bytes)", v.len()),
            MemoryBackend::Host { buf, len } => write!(f, "Host({len} of {} bytes)", buf.len()),
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => write!(f, "Paged({} bytes)", p.size()),
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            MemoryBackend::Mapped(m) => write!(f, "{m:?}"),
        }
    }
}

/// Why `memory.grow` failed. All mean -1 to the program; the embedder may want to know.
/// More reasons may come, so a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrowError {
    /// Past the type's maximum or the embedder's limit.
    Limit,
    /// The allocator refused.
    OutOfMemory,
    /// A host-lent buffer or a paged device is full: it holds `capacity` bytes.
    Capacity { capacity: u64 },
}

impl fmt::Display for GrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowError::Limit => f.write_str("past the memory's maximum size"),
            GrowError::OutOfMemory => f.write_str("the allocator is out of memory"),
            GrowError::Capacity { capacity } => {
                write!(f, "the memory's backing store holds only {capacity} bytes")
            }
        }
    }
}

impl core::error::Error for GrowError {}

/// Why an access failed: out of bounds, or the paged device reported an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessError {
    /// Past the memory's end.
    OutOfBounds,
    /// The block device behind a paged memory failed.
    Device,
    /// The paged memory can be read only with the store borrowed exclusively.
    Exclusive,
}

/// The messages of the traps these become.
impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccessError::OutOfBounds => "out of bounds memory access",
            AccessError::Device => "memory device error",
            AccessError::Exclusive => {
                "this paged memory is read only through an exclusive borrow of its store"
            }
        })
    }
}

impl core::error::Error for AccessError {}

#[derive(Debug)]
pub struct MemInst {
    pub ty: MemoryType,
    backend: MemoryBackend,
    /// The embedder's cap on growth, in the memory's own pages, below the type's maximum.
    max_pages: u64,
}

impl MemInst {
    /// Allocates a zeroed memory of `ty.limits.min` pages, capped at `max_pages` of 64 KiB.
    /// Fails when the allocator refuses.
    pub fn new_vec(ty: MemoryType, max_pages: u64) -> Result<Self, GrowError> {
        Self::new(ty, max_pages, MemoryBackend::default_for_host())
    }

    /// A memory of `ty.limits.min` zeroed pages over `backend`, whose present contents
    /// are discarded. `max_pages` is the embedder's cap on its size in 64 KiB pages,
    /// whatever the memory's own page size.
    pub fn new(ty: MemoryType, max_pages: u64, backend: MemoryBackend) -> Result<Self, GrowError> {
        let max_pages = max_pages.saturating_mul(1 << 16) >> ty.page_size_log2;
        if ty.limits.min > max_pages {
            return Err(GrowError::Limit);
        }
        let mut m = MemInst {
            ty,
            backend,
            max_pages,
        };
        let bytes = m.bytes_for(ty.limits.min)?;
        match &mut m.backend {
            MemoryBackend::Vec(v) => v.clear(),
            MemoryBackend::Host { len, .. } => *len = 0,
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(_) => {}
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            MemoryBackend::Mapped(m) => *m = crate::mapped::Mapping::empty(),
        }
        m.resize(bytes)?;
        Ok(m)
    }

    fn bytes_for(&self, pages: u64) -> Result<u64, GrowError> {
        pages
            .checked_mul(self.ty.page_size())
            .filter(|&b| usize::try_from(b).is_ok() || self.is_paged())
            .ok_or(GrowError::Limit)
    }

    /// Whether the bytes live behind a [`PagedMemory`] rather than in one slice.
    pub fn is_paged(&self) -> bool {
        #[cfg(feature = "paged")]
        return matches!(self.backend, MemoryBackend::Paged(_));
        #[cfg(not(feature = "paged"))]
        false
    }

    /// The memory's bytes, when they are one slice in RAM; empty for a paged memory.
    pub fn data(&self) -> &[u8] {
        match &self.backend {
            MemoryBackend::Vec(v) => v,
            MemoryBackend::Host { buf, len } => &buf[..*len],
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(_) => &[],
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            MemoryBackend::Mapped(m) => m.as_slice(),
        }
    }

    /// The memory's bytes, when they are one slice in RAM; empty for a paged memory.
    pub fn data_mut(&mut self) -> &mut [u8] {
        match &mut self.backend {
            MemoryBackend::Vec(v) => v,
            MemoryBackend::Host { buf, len } => &mut buf[..*len],
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(_) => &mut [],
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            MemoryBackend::Mapped(m) => m.as_mut_slice(),
        }
    }

    /// Lowers the cap on growth to `pages` (never below the current size): a store's RAM
    /// budget leaves a memory only what it has left.
    pub fn cap_pages(&mut self, pages: u64) {
        self.max_pages = self.max_pages.min(pages.max(self.pages()));
    }

    /// The backend, for an embedder that wants to look at its paged device.
    pub fn backend(&self) -> &MemoryBackend {
        &self.backend
    }

    /// The current size in bytes, whatever the backend.
    pub fn size_bytes(&self) -> u64 {
        match &self.backend {
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => p.size(),
            _ => self.data().len() as u64,
        }
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.size_bytes() >> self.ty.page_size_log2
    }

    fn check(&self, addr: u64, len: usize) -> Result<(), AccessError> {
        match addr.checked_add(len as u64) {
            Some(end) if end <= self.size_bytes() => Ok(()),
            _ => Err(AccessError::OutOfBounds),
        }
    }

    /// Copies `addr..addr + buf.len()` into `buf`, whatever the backend.
    pub fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        self.check(addr, buf.len())?;
        match &mut self.backend {
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => p.read(addr, buf),
            _ => {
                let a = addr as usize;
                buf.copy_from_slice(&self.data()[a..a + buf.len()]);
                Ok(())
            }
        }
    }

    /// [`read`](Self::read) through a shared borrow: a paged memory answers it only if
    /// its device can ([`PagedMemory::read_shared`]).
    pub fn read_shared(&self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        self.check(addr, buf.len())?;
        match &self.backend {
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => p.read_shared(addr, buf),
            _ => {
                let a = addr as usize;
                buf.copy_from_slice(&self.data()[a..a + buf.len()]);
                Ok(())
            }
        }
    }

    /// Copies `buf` to `addr..addr + buf.len()`, whatever the backend.
    pub fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), AccessError> {
        self.check(addr, buf.len())?;
        match &mut self.backend {
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => p.write(addr, buf),
            _ => {
                let a = addr as usize;
                self.data_mut()[a..a + buf.len()].copy_from_slice(buf);
                Ok(())
            }
        }
    }

    /// Grows by `delta` pages and returns the old size in pages.
    /// Spec: <https://webassembly.github.io/spec/core/exec/modules.html#grow-mem>
    pub fn grow(&mut self, delta: u64) -> Result<u64, GrowError> {
        self.grow_limited(delta, None)
    }

    /// [`grow`](Self::grow), asking `limiter` first: the store's totals come before any
    /// allocation.
    pub fn grow_limited(
        &mut self,
        delta: u64,
        limiter: Option<&mut (dyn ResourceLimiter + 'static)>,
    ) -> Result<u64, GrowError> {
        let old = self.pages();
        let new = old.checked_add(delta).ok_or(GrowError::Limit)?;
        let max = self
            .ty
            .limits
            .max
            .unwrap_or(u64::MAX)
            .min(self.ty.max_pages())
            .min(self.max_pages);
        if new > max {
            return Err(GrowError::Limit);
        }
        let bytes = self.bytes_for(new)?;
        let current = self.size_bytes();
        if let Some(limiter) = limiter {
            let maximum = self.max_bytes();
            if !limiter.memory_growing(current, bytes, maximum) {
                return Err(GrowError::Limit);
            }
            if let Err(e) = self.resize(bytes) {
                limiter.memory_grow_failed(current, bytes);
                return Err(e);
            }
        } else {
            self.resize(bytes)?;
        }
        self.ty.limits.min = new;
        Ok(old)
    }

    /// The type's maximum in bytes, if it has one.
    pub fn max_bytes(&self) -> Option<u64> {
        let pages = self.ty.limits.max?;
        pages.checked_mul(self.ty.page_size())
    }

    /// Grows the backend to `bytes`; the new bytes are zero.
    fn resize(&mut self, bytes: u64) -> Result<(), GrowError> {
        match &mut self.backend {
            MemoryBackend::Vec(v) => {
                let bytes = bytes as usize;
                v.try_reserve_exact(bytes - v.len())
                    .map_err(|_| GrowError::OutOfMemory)?;
                v.resize(bytes, 0);
            }
            MemoryBackend::Host { buf, len } => {
                let bytes = bytes as usize;
                if bytes > buf.len() {
                    return Err(GrowError::Capacity {
                        capacity: buf.len() as u64,
                    });
                }
                fill_bytes(&mut buf[*len..bytes], 0);
                *len = bytes;
            }
            #[cfg(feature = "paged")]
            MemoryBackend::Paged(p) => {
                if bytes > p.size() {
                    p.grow(bytes)?;
                }
            }
            #[cfg(all(feature = "mmap", target_os = "linux"))]
            MemoryBackend::Mapped(m) => {
                if !m.grow_to(bytes as usize) {
                    return Err(GrowError::OutOfMemory);
                }
            }
        }
        Ok(())
    }
}

/// `bytes.fill(value)`, out of line: `memory.fill` and the zeroing of a grown memory then
/// both call `memset`, where a constant zero would call `memclr` too (on a device, each is
/// a routine of its own).
#[inline(never)]
pub fn fill_bytes(bytes: &mut [u8], value: u8) {
    bytes.fill(value);
}
