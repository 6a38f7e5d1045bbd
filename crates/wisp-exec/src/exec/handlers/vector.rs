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
        h.set2(
            dst,
            a as u64 | (b as u64) << 32,
            c as u64 | (d as u64) << 32,
        )
    };
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
    let v = unsafe { h.get128(src) };
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set128(dst, f(v)) };
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
    let (a, b) = (unsafe { h.get128(lhs) }, unsafe { h.get128(rhs) });
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set128(dst, f(a, b)) };
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
    let (a, b) = (unsafe { h.get128(lhs) }, unsafe { h.get(rhs) });
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set128(dst, f(a, b)) };
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
    let v = unsafe { h.get128(src) };
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set(dst, f(v)) };
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
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set128(dst, f(v)) };
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
    let v = unsafe { h.get128(src) };
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set(dst, f(v, lane.0)) };
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
    let (v, x) = (unsafe { h.get128(src) }, unsafe { h.get(value) });
    // SAFETY: `dst` is a slot (two, for a vector) of the running frame.
    unsafe { h.set128(dst, f(v, x, lane)) };
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
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, a, offset) } {
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
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, a, offset) } {
        Ok(b) => {
            // SAFETY: the vector operand is a slot of the running frame.
            let v = unsafe { h.get128(Slot(vector)) };
            // SAFETY: `dst` spans two slots of the running frame.
            unsafe { h.set128(dst, simd::replace_bytes(v, lane, b)) };
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
    let (a, v) = (unsafe { h.get(addr) }, unsafe { h.get128(value) });
    let b = simd::lane_bytes::<W>(v, lane);
    // SAFETY: the handler contract.
    unsafe { write::<W, W>(h, cx, a, offset, b) }
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
    let (a, v) = (unsafe { h.get(addr) }, unsafe { h.get128(value) });
    // SAFETY: the handler contract.
    unsafe { write::<16, 16>(h, cx, a, offset, v.to_le_bytes()) }
}

/// Three vectors to one (`v128.bitselect`, relaxed SIMD's multiply-adds and dot
/// product with accumulator); `Arg { a: third, .. }` follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ternary(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u128, u128, u128) -> u128,
) -> Flow {
    let (third, _) = arg_or_trap!(h, cx);
    // SAFETY: the operands are vectors in slots of the running frame.
    let (a, b) = (unsafe { h.get128(lhs) }, unsafe { h.get128(rhs) });
    // SAFETY: as above.
    let c = unsafe { h.get128(Slot(third)) };
    // SAFETY: `dst` spans two slots of the running frame.
    unsafe { h.set128(dst, f(a, b, c)) };
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
    let (x, y) = (unsafe { h.get128(lhs) }, unsafe { h.get128(rhs) });
    // SAFETY: `dst` spans two slots of the running frame.
    unsafe { h.set128(dst, simd::i8x16_shuffle(x, y, lanes)) };
    Flow::Next
}
