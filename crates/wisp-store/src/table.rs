//! Table instances. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#table-instances>

use crate::limits::ResourceLimiter;
use alloc::vec::Vec;
use wisp_types::{RawVal, TableType};

/// The most entries a table holds, whatever its index type: one less than `u32::MAX`, so
/// that the executor may cut an `i64` index or length of a 64-bit table to `u32::MAX`
/// and still find it out of bounds.
pub const MAX_TABLE_LEN: u64 = u32::MAX as u64 - 1;

#[derive(Debug, Clone)]
pub struct TableInst {
    pub ty: TableType,
    /// Reference cells (`0` is null, see [`RawVal::as_ref_addr`]).
    pub elements: Vec<RawVal>,
    /// The embedder's cap on growth, below the type's maximum.
    pub max_len: u64,
}

impl TableInst {
    pub fn new(ty: TableType, init: RawVal, max_len: u64) -> Option<Self> {
        if ty.limits.min > MAX_TABLE_LEN {
            return None;
        }
        let n = usize::try_from(ty.limits.min).ok()?;
        let mut elements = Vec::new();
        elements.try_reserve_exact(n).ok()?;
        elements.resize(n, init);
        Some(TableInst {
            ty,
            elements,
            max_len,
        })
    }

    pub fn size(&self) -> u32 {
        self.elements.len() as u32
    }

    /// Grows by `delta` entries; returns the old size, or `None` (the spec's -1).
    /// Spec: <https://webassembly.github.io/spec/core/exec/modules.html#grow-table>
    pub fn grow(&mut self, delta: u32, init: RawVal) -> Option<u32> {
        self.grow_limited(delta, init, None)
    }

    /// [`grow`](Self::grow), asking `limiter` first.
    pub fn grow_limited(
        &mut self,
        delta: u32,
        init: RawVal,
        limiter: Option<&mut (dyn ResourceLimiter + 'static)>,
    ) -> Option<u32> {
        let old = self.elements.len() as u64;
        let new = old.checked_add(delta as u64)?;
        let max = self
            .ty
            .limits
            .max
            .unwrap_or(u32::MAX as u64)
            .min(self.max_len);
        if new > max || new > MAX_TABLE_LEN {
            return None;
        }
        if let Some(limiter) = limiter {
            if !limiter.table_growing(old, new, self.ty.limits.max) {
                return None;
            }
            if self.elements.try_reserve_exact(delta as usize).is_err() {
                limiter.table_grow_failed(old, new);
                return None;
            }
        } else {
            self.elements.try_reserve_exact(delta as usize).ok()?;
        }
        self.elements.resize(new as usize, init);
        self.ty.limits.min = new;
        Some(old as u32)
    }
}
