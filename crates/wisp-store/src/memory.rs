//! Memory instances and their backends.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances>
//!
//! The backend is chosen when a memory is created and never changes. The executor asks
//! a contiguous backend for its base pointer and length once and keeps them in
//! registers, so a load or store costs no call. Non-contiguous backends (paged memory
//! over a block device) will make the translator emit dedicated instructions instead.

use alloc::vec::Vec;
use wisp_types::MemoryType;

/// Where the bytes of a linear memory live.
#[derive(Debug)]
pub enum MemoryBackend {
    /// A heap vector, grown in place (the default).
    Vec(Vec<u8>),
}

/// Why `memory.grow` failed. Both mean -1 to the program; the embedder may want to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowError {
    /// Past the type's maximum or the embedder's limit.
    Limit,
    /// The allocator refused.
    OutOfMemory,
}

#[derive(Debug)]
pub struct MemInst {
    pub ty: MemoryType,
    backend: MemoryBackend,
    /// The embedder's cap on growth, in pages, below the type's maximum.
    max_pages: u64,
}

impl MemInst {
    /// Allocates a zeroed memory of `ty.limits.min` pages. Fails when the allocator refuses.
    pub fn new_vec(ty: MemoryType, max_pages: u64) -> Result<Self, GrowError> {
        let bytes = ty
            .limits
            .min
            .checked_mul(ty.page_size())
            .and_then(|b| usize::try_from(b).ok())
            .ok_or(GrowError::Limit)?;
        if ty.limits.min > max_pages {
            return Err(GrowError::Limit);
        }
        let mut v = Vec::new();
        v.try_reserve_exact(bytes)
            .map_err(|_| GrowError::OutOfMemory)?;
        v.resize(bytes, 0);
        Ok(MemInst {
            ty,
            backend: MemoryBackend::Vec(v),
            max_pages,
        })
    }

    pub fn data(&self) -> &[u8] {
        match &self.backend {
            MemoryBackend::Vec(v) => v,
        }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        match &mut self.backend {
            MemoryBackend::Vec(v) => v,
        }
    }

    /// Current size in pages.
    pub fn pages(&self) -> u64 {
        self.data().len() as u64 >> self.ty.page_size_log2
    }

    /// Grows by `delta` pages and returns the old size in pages.
    /// Spec: <https://webassembly.github.io/spec/core/exec/modules.html#grow-mem>
    pub fn grow(&mut self, delta: u64) -> Result<u64, GrowError> {
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
        let new_bytes =
            usize::try_from(new << self.ty.page_size_log2).map_err(|_| GrowError::Limit)?;
        match &mut self.backend {
            MemoryBackend::Vec(v) => {
                v.try_reserve_exact(new_bytes - v.len())
                    .map_err(|_| GrowError::OutOfMemory)?;
                v.resize(new_bytes, 0);
            }
        }
        self.ty.limits.min = new;
        Ok(old)
    }
}
