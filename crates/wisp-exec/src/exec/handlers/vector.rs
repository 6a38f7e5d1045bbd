//! 128-bit SIMD instructions: one body per shape, each taking its semantics function
//! from `exec::simd`. A `v128` takes two slots, low half first.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>

use super::memory::{read, write};
use super::{trap, Cx, Flow, Hot};
use crate::exec::simd;
use crate::ir::{Lane, MemOffset, Slot};
use wisp_types::TrapCode;

/// The operands of the `Arg` after the instruction, or a trap.
macro_rules! arg_or_trap {
    ($h:expr, $cx:expr) => {
        // SAFETY: the handler contract.
        match unsafe { $h.arg() } {
            Some(a) => a,
            None => return trap($h, $cx, TrapCode::Unreachable),
        }
    };
}

/// `v128.const`: the 128 bits are in the two `Arg`s that follow.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn v128_const(h: &mut Hot, cx: &mut Cx<'_>, dst: Slot) -> Flow {
    let (a, b) = arg_or_trap!(h, cx);
    let (c, d) = arg_or_trap!(h, cx);
    // SAFETY: `dst` spans two slots of the running frame.
    unsafe {
        h.set(dst, a as u64 | (b as u64) << 32);
        h.set(dst.plus(1), c as u64 | (d as u64) << 32);
    }
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn unary(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    f: impl Fn(u128) -> u128,
) -> Flow {
    // SAFETY: the operands are vectors in slots of the running frame.
    unsafe { h.set128(dst, f(h.get128(src))) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u128, u128) -> u128,
) -> Flow {
    // SAFETY: the operands are vectors in slots of the running frame.
    unsafe { h.set128(dst, f(h.get128(lhs), h.get128(rhs))) };
    Flow::Next
}

/// A vector shifted by a scalar.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn shift(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u128, u64) -> u128,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    unsafe { h.set128(dst, f(h.get128(lhs), h.get(rhs))) };
    Flow::Next
}

/// A vector to a scalar.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn test(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    f: impl Fn(u128) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    unsafe { h.set(dst, f(h.get128(src))) };
    Flow::Next
}

/// A scalar to a vector.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn splat(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    f: impl Fn(u64) -> u128,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    unsafe { h.set128(dst, f(h.get(src))) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn extract(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    lane: Lane,
    f: impl Fn(u128, u32) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    unsafe { h.set(dst, f(h.get128(src), lane.0)) };
    Flow::Next
}

/// The lane is in the `Arg` that follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn replace(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    value: Slot,
    f: impl Fn(u128, u64, u32) -> u128,
) -> Flow {
    let (lane, _) = arg_or_trap!(h, cx);
    // SAFETY: the operands are slots of the running frame.
    unsafe { h.set128(dst, f(h.get128(src), h.get(value), lane)) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    offset: MemOffset,
    f: impl Fn([u8; W]) -> u128,
) -> Flow {
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, h.get(addr), offset) } {
        Ok(b) => {
            // SAFETY: `dst` spans two slots of the running frame.
            unsafe { h.set128(dst, f(b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// One lane loaded into the vector; `Arg { a: vector, b: lane }` follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_lane<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    offset: MemOffset,
) -> Flow {
    let (vector, lane) = arg_or_trap!(h, cx);
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, h.get(addr), offset) } {
        Ok(b) => {
            // SAFETY: the operands are slots of the running frame.
            unsafe { h.set128(dst, simd::replace_bytes(h.get128(Slot(vector)), lane, b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// One lane stored; `Arg { a: lane, .. }` follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_lane<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    offset: MemOffset,
) -> Flow {
    let (lane, _) = arg_or_trap!(h, cx);
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { (h.get(addr), simd::lane_bytes::<W>(h.get128(value), lane)) };
    // SAFETY: the handler contract.
    unsafe { write(h, cx, a, offset, b) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn v128_store(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    offset: MemOffset,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, v) = unsafe { (h.get(addr), h.get128(value)) };
    // SAFETY: the handler contract.
    unsafe { write(h, cx, a, offset, v.to_le_bytes()) }
}

/// `Arg { a: mask, .. }` follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn bitselect(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
) -> Flow {
    let (mask, _) = arg_or_trap!(h, cx);
    // SAFETY: the operands are vectors in slots of the running frame.
    unsafe {
        let v = simd::v128_bitselect(h.get128(lhs), h.get128(rhs), h.get128(Slot(mask)));
        h.set128(dst, v);
    }
    Flow::Next
}

/// The 16 lane indices are in the two `Arg`s that follow.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn shuffle(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
) -> Flow {
    let (a, b) = arg_or_trap!(h, cx);
    let (c, d) = arg_or_trap!(h, cx);
    let lanes = a as u128 | (b as u128) << 32 | (c as u128) << 64 | (d as u128) << 96;
    // SAFETY: the operands are vectors in slots of the running frame.
    unsafe {
        h.set128(
            dst,
            simd::i8x16_shuffle(h.get128(lhs), h.get128(rhs), lanes),
        )
    };
    Flow::Next
}
