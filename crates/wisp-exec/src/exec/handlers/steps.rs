//! A loop counter's step, or its copy, fused with the exit test after it
//! (`BrIfNezStep`, `BrI32NeStep`, `BrI32LtUCopy`, …; `translate::passes`): the
//! instruction takes the step's place, and the test stays in the code after it,
//! skipped when the instruction does not jump.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>

// The step forms come with the accumulator forms (they are made where a test gets its
// accumulator form); a build without those has only the copy forms.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{Cx, Flow, Hot};
use crate::ir::{Imm32, Offset, Slot, SlotPair, SteppedSlot};

/// Steps `counter` in place (an `i32` add), leaving the new value in it and the
/// accumulator, and returns it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn step(h: &mut Hot, counter: SteppedSlot) -> u64 {
    // SAFETY: the counter is a slot of the running frame.
    let v = crate::exec::numeric::i32_add(unsafe { h.get(counter.slot()) }, counter.step());
    // SAFETY: as above.
    unsafe { h.out(counter.slot(), v) };
    v
}

/// Jumps to `target` if `taken`; otherwise goes on past the instruction after this one,
/// the exit test this one took over from a step (`passes::fused_step`).
///
/// # Safety
/// The handler contract, with the instruction after this one a branch that nothing
/// jumps to and that has an instruction after it.
#[inline(always)]
unsafe fn br_or_skip(h: &mut Hot, taken: bool, target: Offset) -> Flow {
    if taken {
        // SAFETY: see the function's contract.
        unsafe { h.jump(target) };
    } else {
        // SAFETY: the replaced test is followed by the code it fell through to.
        h.ip = unsafe { h.ip.add(1) };
    }
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_step_nez(
    h: &mut Hot,
    _: &mut Cx<'_>,
    counter: SteppedSlot,
    target: Offset,
) -> Flow {
    // SAFETY: the handler contract.
    let v = unsafe { step(h, counter) };
    // SAFETY: as above.
    unsafe { br_or_skip(h, v as u32 != 0, target) }
}

/// Steps `counter`, then jumps if comparison `f` of it and `rhs` holds.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_step_cmp(
    h: &mut Hot,
    _: &mut Cx<'_>,
    counter: SteppedSlot,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `rhs` is a slot of the running frame, read before the step writes the
    // counter (they may be the same slot).
    let b = unsafe { h.get(rhs) };
    // SAFETY: the handler contract.
    let v = unsafe { step(h, counter) };
    // SAFETY: as above.
    unsafe { br_or_skip(h, f(v, b) != 0, target) }
}

/// Steps `counter`, then jumps if comparison `f` of it and `imm` holds.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_step_cmp_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    counter: SteppedSlot,
    imm: Imm32,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the handler contract.
    let v = unsafe { step(h, counter) };
    // SAFETY: as above.
    unsafe { br_or_skip(h, f(v, imm.cell()) != 0, target) }
}

/// Adds `counter`'s second slot to its first, in place, then jumps if comparison `f` of
/// the sum and `rhs` holds (`j += i; br_if (j < n)`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_add_cmp(
    h: &mut Hot,
    _: &mut Cx<'_>,
    counter: SlotPair,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the slots are slots of the running frame; all are read before the sum is
    // written (any of them may be the same slot).
    let (a, step) = unsafe { h.get2(counter.first(), counter.second()) };
    // SAFETY: as above.
    let b = unsafe { h.get(rhs) };
    let v = crate::exec::numeric::i32_add(a, step);
    // SAFETY: as above.
    unsafe { h.out(counter.first(), v) };
    // SAFETY: the handler contract.
    unsafe { br_or_skip(h, f(v, b) != 0, target) }
}

/// Copies `moved`'s second slot into its first, then jumps if comparison `f` of the value
/// and `rhs` holds (`i = next; br_if (i < n)`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_copy_cmp(
    h: &mut Hot,
    _: &mut Cx<'_>,
    moved: SlotPair,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the slots are slots of the running frame.
    let v = unsafe { h.get(moved.second()) };
    // SAFETY: as above.
    unsafe { h.out(moved.first(), v) };
    // SAFETY: as above; read after the copy, which `rhs` may be.
    let b = unsafe { h.get(rhs) };
    // SAFETY: the handler contract.
    unsafe { br_or_skip(h, f(v, b) != 0, target) }
}
