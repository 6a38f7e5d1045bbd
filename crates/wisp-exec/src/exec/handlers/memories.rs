//! The general family of memory instructions: any memory, 32- or 64-bit addresses
//! (`build/rows_memories.rs`). The bodies read their operands and the static offset's
//! `Arg`, and leave the work to `exec::memories`, out of line.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>

use super::{check, trap, Cx, Flow, Hot};
use crate::exec::memories;
use crate::ir::{MemIdx, Slot};
use crate::ExecStore;
use wisp_types::TrapCode;

/// The static offset in the `Arg` after the instruction, stepping past it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn offset(h: &mut Hot) -> Option<u64> {
    // SAFETY: the handler contract.
    let (lo, hi) = unsafe { h.arg() }?;
    Some(lo as u64 | (hi as u64) << 32)
}

/// The address operand and the static offset, or the trap of a damaged image.
macro_rules! address {
    ($h:expr, $cx:expr, $addr:expr) => {{
        // SAFETY: the handler contract.
        let Some(offset) = (unsafe { offset($h) }) else {
            return trap($h, $cx, TrapCode::Unreachable);
        };
        // SAFETY: `addr` is a slot of the running frame.
        (unsafe { $h.get($addr) }, offset)
    }};
}

/// A load of `W` bytes from memory `mem`, converted to a cell by `conv`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    memory: MemIdx,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    let at = address!(h, cx, addr);
    match memories::read::<W>(cx, memory.0, at) {
        Ok(b) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.set(dst, conv(b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// A store of the low `W` bytes of `value` to memory `mem`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    memory: MemIdx,
) -> Flow {
    let at = address!(h, cx, addr);
    // SAFETY: `value` is a slot of the running frame.
    let v = unsafe { h.get(value) };
    let r = memories::write::<W>(cx, memory.0, at, v as u128);
    check(h, cx, r)
}

/// The 16 bytes at `at` of memory `mem`, as two reads of 8: a load has no effect to
/// undo when the second half is out of bounds, and eight bytes come back in registers.
#[cfg(feature = "simd")]
#[inline(always)]
fn read16(cx: &mut Cx<'_>, mem: u32, (addr, offset): (u64, u64)) -> Result<u128, TrapCode> {
    let lo = memories::read::<8>(cx, mem, (addr, offset))?;
    let high = offset.checked_add(8).ok_or(TrapCode::MemoryOutOfBounds)?;
    let hi = memories::read::<8>(cx, mem, (addr, high))?;
    Ok(u64::from_le_bytes(lo) as u128 | (u64::from_le_bytes(hi) as u128) << 64)
}

/// A SIMD load of `W` bytes from memory `mem`, made a vector by `f`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "simd")]
#[inline(always)]
pub(in crate::exec) unsafe fn v_load<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    memory: MemIdx,
    f: impl Fn([u8; W]) -> u128,
) -> Flow {
    let at = address!(h, cx, addr);
    // The one 16-byte load, `v128.load`, is its bytes as they are: they are not handed
    // to `f` as an array, which some profiles pass through memory the handler owns (and
    // then the handler calls the next one instead of jumping to it).
    let r = if W == 16 {
        read16(cx, memory.0, at)
    } else {
        memories::read::<W>(cx, memory.0, at).map(f)
    };
    match r {
        Ok(v) => {
            // SAFETY: `dst` spans two slots of the running frame.
            unsafe { h.set128(dst, v) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// One lane loaded into a vector from memory `mem`; after the offset's `Arg` comes
/// `Arg { a: vector, b: lane }`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "simd")]
#[inline(always)]
pub(in crate::exec) unsafe fn v_load_lane<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    memory: MemIdx,
) -> Flow {
    let at = address!(h, cx, addr);
    // SAFETY: the handler contract.
    let Some((vector, lane)) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    match memories::read::<W>(cx, memory.0, at) {
        Ok(b) => {
            // SAFETY: the vector operand is a slot of the running frame.
            let v = unsafe { h.get128(Slot(vector)) };
            // SAFETY: `dst` spans two slots of the running frame.
            unsafe { h.set128(dst, crate::exec::simd::replace_bytes(v, lane, b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// One lane of a vector stored to memory `mem`; after the offset's `Arg` comes
/// `Arg { a: lane, .. }`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "simd")]
#[inline(always)]
pub(in crate::exec) unsafe fn v_store_lane<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    memory: MemIdx,
) -> Flow {
    let at = address!(h, cx, addr);
    // SAFETY: the handler contract.
    let Some((lane, _)) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: `value` spans two slots of the running frame.
    let v = unsafe { h.get128(value) };
    // The lane is below `16 / W` (validation): its bytes shifted to the bottom.
    let bits = v >> ((lane as usize % (16 / W)) * W * 8);
    let r = memories::write::<W>(cx, memory.0, at, bits);
    check(h, cx, r)
}

/// `v128.store` to memory `mem`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "simd")]
#[inline(always)]
pub(in crate::exec) unsafe fn v128_store(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    memory: MemIdx,
) -> Flow {
    let at = address!(h, cx, addr);
    // SAFETY: `value` spans two slots of the running frame.
    let v = unsafe { h.get128(value) };
    let r = memories::write::<16>(cx, memory.0, at, v);
    check(h, cx, r)
}

/// `memory.size` of memory `mem`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_size(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    memory: MemIdx,
) -> Flow {
    match memories::size(cx.store, cx.regs.instance, memory.0) {
        Ok(v) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.set(dst, v) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// `memory.grow` of memory `mem`; memory 0's registers are reloaded, as its base may
/// have moved.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_grow(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    delta: Slot,
    memory: MemIdx,
) -> Flow {
    // SAFETY: `delta` is a slot of the running frame.
    let d = unsafe { h.get(delta) };
    match memories::grow(cx.store, cx.regs.instance, memory.0, d) {
        Ok(v) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.set(dst, v) };
            h.mem = cx.reload_mem0();
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// A bulk instruction's `Arg` (the memories or the segment it names) and its three
/// operands, handed to `f` in `exec::memories`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn bulk(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    (a, b, c): (Slot, Slot, Slot),
    f: impl FnOnce(&mut ExecStore, u32, (u32, u32), (u64, u64, u64)) -> Result<(), TrapCode>,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(arg) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands are slots of the running frame.
    let (x, y) = unsafe { h.get2(a, b) };
    // SAFETY: as above.
    let z = unsafe { h.get(c) };
    let r = f(cx.store, cx.regs.instance, arg, (x, y, z));
    check(h, cx, r)
}

/// `memory.fill` of the memory in the `Arg` after it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_fill(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    value: Slot,
    len: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe {
        bulk(h, cx, (dst, value, len), |s, i, (mem, _), ops| {
            memories::memory_fill(s, (i, mem), ops)
        })
    }
}

/// `memory.copy` between the memories in the `Arg` after it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_copy(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    len: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe { bulk(h, cx, (dst, src, len), memories::memory_copy) }
}

/// `memory.init` of the segment and memory in the `Arg` after it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_init(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    len: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe { bulk(h, cx, (dst, src, len), memories::memory_init) }
}
