//! The wide-arithmetic instructions: 128-bit results as two cells, the low half in `dst`
//! and the high half in the cell after it (the rows in `build/rows_wide.rs` say why).
//! Spec: <https://github.com/WebAssembly/wide-arithmetic/blob/main/proposals/wide-arithmetic/Overview.md>

use super::{trap, Cx, Flow, Hot};
use crate::ir::Slot;
use wisp_types::TrapCode;

/// Writes a 128-bit result: `lo` to `dst`, `hi` to the cell after it.
///
/// # Safety
/// `dst` and the cell after it are slots of the running frame (the translator reserves
/// both: the next stack height's slot, or the upper cell of `dst`'s own in a wide
/// function).
#[inline(always)]
unsafe fn out2(h: &mut Hot, dst: Slot, (lo, hi): (u64, u64)) {
    // SAFETY: see the function's contract.
    unsafe { h.set2(dst, lo, hi) };
}

/// `dst, dst + 1 = f(lhs_lo, lhs_hi, rhs_lo, rhs_hi)`; `Arg { a: rhs_lo, b: rhs_hi }`
/// follows. Every operand is read before either result is written.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn four_to_two(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    lhs_lo: Slot,
    lhs_hi: Slot,
    f: impl Fn(u64, u64, u64, u64) -> (u64, u64),
) -> Flow {
    // SAFETY: the handler contract.
    let Some((rhs_lo, rhs_hi)) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands, the `Arg`'s too, are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs_lo, lhs_hi) };
    // SAFETY: as above.
    let (c, d) = unsafe { h.get2(Slot(rhs_lo), Slot(rhs_hi)) };
    let v = f(a, b, c, d);
    // SAFETY: the handler contract.
    unsafe { out2(h, dst, v) };
    Flow::Next
}

/// `dst, dst + 1 = f(lhs, rhs)`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn two_to_two(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> (u64, u64),
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    let v = f(a, b);
    // SAFETY: the handler contract.
    unsafe { out2(h, dst, v) };
    Flow::Next
}
