//! Loads and stores that missed memory 0's slice in RAM.
//!
//! A paged memory shows the dispatch loop a length of zero, so each of its accesses
//! fails the loop's bounds check and arrives here, where it goes through the backend.
//! An access to a contiguous memory that arrives here is out of bounds. Without the
//! `paged-memory` feature these are plain traps, and the loop's code is what it was.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>

use super::Cx;
use wisp_types::TrapCode;

/// The `W` bytes at `addr + offset` of memory 0.
#[cfg(feature = "paged-memory")]
#[cold]
#[inline(never)]
pub(super) fn read<const W: usize>(
    cx: &mut Cx,
    addr: u64,
    offset: u32,
) -> Result<[u8; W], TrapCode> {
    let mut b = [0; W];
    mem0(cx)?
        .read(addr as u32 as u64 + offset as u64, &mut b)
        .map_err(crate::instantiate::access_trap)?;
    Ok(b)
}

/// Stores `bytes` at `addr + offset` of memory 0.
///
/// The bytes come by value, not as a slice of the handler's local: a handler whose
/// local has its address passed on would call the next handler instead of jumping to
/// it (`dispatch.rs`).
#[cfg(feature = "paged-memory")]
#[cold]
#[inline(never)]
pub(super) fn write<const W: usize>(
    cx: &mut Cx,
    addr: u64,
    offset: u32,
    bytes: [u8; W],
) -> Result<(), TrapCode> {
    mem0(cx)?
        .write(addr as u32 as u64 + offset as u64, &bytes)
        .map_err(crate::instantiate::access_trap)
}

/// The first `W` of `bytes` (`W <= N`: a narrow store of a wider value).
#[inline(always)]
pub(super) fn head<const N: usize, const W: usize>(bytes: [u8; N]) -> [u8; W] {
    core::array::from_fn(|i| bytes[i])
}

#[cfg(feature = "paged-memory")]
fn mem0<'a>(cx: &'a mut Cx) -> Result<&'a mut wisp_store::MemInst, TrapCode> {
    let a = cx
        .store
        .instances
        .get(cx.regs.instance as usize)
        .and_then(|i| i.mems.first().copied())
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    cx.store
        .mems
        .get_mut(a as usize)
        .ok_or(TrapCode::MemoryOutOfBounds)
}

#[cfg(not(feature = "paged-memory"))]
#[inline(always)]
pub(super) fn read<const W: usize>(_: &mut Cx, _: u64, _: u32) -> Result<[u8; W], TrapCode> {
    Err(TrapCode::MemoryOutOfBounds)
}

#[cfg(not(feature = "paged-memory"))]
#[inline(always)]
pub(super) fn write<const W: usize>(
    _: &mut Cx,
    _: u64,
    _: u32,
    _: [u8; W],
) -> Result<(), TrapCode> {
    Err(TrapCode::MemoryOutOfBounds)
}
