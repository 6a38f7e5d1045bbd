//! Numeric instructions: one body per shape, each taking the semantics function of the
//! instruction (`exec::numeric`) as an argument that inlining makes a direct call.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#numeric-instructions>
//!
//! Shapes: operands in slots; the right operand an immediate (`_imm`); the left operand
//! in the accumulator (`_acc`). `_trap` bodies take a function that may trap.
// The accumulator forms' bodies go unused in a build without them.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{trap, Cx, Flow, Hot};
use crate::ir::{Imm32, Slot};
#[cfg(feature = "fused")]
use crate::ir::{ImmPair, ShiftedSlot};
use wisp_types::TrapCode;

/// Writes `v` to `dst` and the accumulator, or traps.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn out_or_trap(h: &mut Hot, cx: &mut Cx<'_>, dst: Slot, v: Result<u64, TrapCode>) -> Flow {
    match v {
        Ok(v) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.out(dst, v) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// `dst = f(src)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn unary(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    f: impl Fn(u64) -> u64,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = f(unsafe { h.get(src) });
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `dst = f(acc)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn unary_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    f: impl Fn(u64) -> u64,
) -> Flow {
    let v = f(h.acc);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `dst = f(src)`, or a trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn unary_trap(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    f: impl Fn(u64) -> Result<u64, TrapCode>,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = f(unsafe { h.get(src) });
    // SAFETY: the handler contract.
    unsafe { out_or_trap(h, cx, dst, v) }
}

/// `dst = f(lhs, rhs)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, f(a, b)) };
    Flow::Next
}

/// `also += imms.first(); dst += imms.second()`, both `i32`, one after the other.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn add_imm2(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    also: Slot,
    imms: ImmPair,
) -> Flow {
    // SAFETY: `also` is a slot of the running frame.
    let a = crate::exec::numeric::i32_add(unsafe { h.get(also) }, imms.first());
    // SAFETY: as above.
    unsafe { h.set(also, a) };
    // SAFETY: `dst` is a slot of the running frame.
    let b = crate::exec::numeric::i32_add(unsafe { h.get(dst) }, imms.second());
    // SAFETY: as above.
    unsafe { h.out(dst, b) };
    Flow::Next
}

/// `dst = f(acc, rhs)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `rhs` is a slot of the running frame.
    let v = f(h.acc, unsafe { h.get(rhs) });
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `dst = f(lhs, acc)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_acc_rhs(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `lhs` is a slot of the running frame.
    let v = f(unsafe { h.get(lhs) }, h.acc);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `dst = f(lhs, imm)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    imm: Imm32,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `lhs` is a slot of the running frame.
    let v = f(unsafe { h.get(lhs) }, imm.cell());
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `dst = f(acc, imm)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_imm_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    imm: Imm32,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, f(h.acc, imm.cell())) };
    Flow::Next
}

/// `dst = f(lhs, rhs)`, or a trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_trap(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> Result<u64, TrapCode>,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    let v = f(a, b);
    // SAFETY: the handler contract.
    unsafe { out_or_trap(h, cx, dst, v) }
}

/// `dst = f(acc, rhs)`, or a trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_trap_acc(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> Result<u64, TrapCode>,
) -> Flow {
    // SAFETY: `rhs` is a slot of the running frame.
    let v = f(h.acc, unsafe { h.get(rhs) });
    // SAFETY: the handler contract.
    unsafe { out_or_trap(h, cx, dst, v) }
}

/// `dst = f(lhs, imm)`, or a trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_trap_imm(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    imm: Imm32,
    f: impl Fn(u64, u64) -> Result<u64, TrapCode>,
) -> Flow {
    // SAFETY: `lhs` is a slot of the running frame.
    let v = f(unsafe { h.get(lhs) }, imm.cell());
    // SAFETY: the handler contract.
    unsafe { out_or_trap(h, cx, dst, v) }
}

/// `dst = f(acc, imm)`, or a trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn binary_trap_imm_acc(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    imm: Imm32,
    f: impl Fn(u64, u64) -> Result<u64, TrapCode>,
) -> Flow {
    let v = f(h.acc, imm.cell());
    // SAFETY: the handler contract.
    unsafe { out_or_trap(h, cx, dst, v) }
}

/// `dst = f(lhs, shift(src, amount))`: a bitwise operation of a value and another one
/// shifted or rotated by a constant, as hash functions and random number generators mix
/// their state (`s ^ rotl(e, 21)`, `x ^ (x >> 17)`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn binary_shifted(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    src: ShiftedSlot,
    f: impl Fn(u64, u64) -> u64,
    shift: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, src.slot()) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, f(a, shift(b, src.amount()))) };
    Flow::Next
}

/// `dst = f(acc, shift(src, amount))`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn binary_shifted_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: ShiftedSlot,
    f: impl Fn(u64, u64) -> u64,
    shift: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `src`'s slot is a slot of the running frame.
    let b = unsafe { h.get(src.slot()) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, f(h.acc, shift(b, src.amount()))) };
    Flow::Next
}
