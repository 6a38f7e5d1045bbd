//! Pairs fused into the first one's place, the second left in the code after it and
//! skipped (`translate::passes`): a loop counter's step, or its copy, with the exit test
//! after it (`BrIfNezStep`, `BrI32NeStep`, `BrI32LtUCopy`, …), which jumps or skips;
//! a product with the sum that reads it (`F64AccMulAdd`, `F64SubAccMul`, `I32MulImmAdd`),
//! a shift with the mask after it (`I32ShrUAndImm`); a byte load
//! with the test that reads it (`BrI32NeLoad8UIdx`, `BrIfNezLoad8U`, …). And two fused
//! with a call or a return, which need no skipping: an argument's step with the call
//! (`CallInternalStep`), a sum with its return (`ReturnI32Add`).
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>

// The step forms come with the accumulator forms (they are made where a test gets its
// accumulator form); a build without those has only the copy forms.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{trap, Cx, Flow, Hot};
use crate::ir::{
    DefinedFuncIdx, Imm32, ImmPair, MaskPair, MemOffset, Offset, ShiftedSlot, Slot, SlotPair,
    SteppedSlot,
};

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

/// Goes on past the instruction after this one, which this one took over.
///
/// # Safety
/// The instruction after this one is there and has an instruction after it.
#[inline(always)]
unsafe fn skip(h: &mut Hot) -> Flow {
    // SAFETY: see the function's contract.
    h.ip = unsafe { h.ip.add(1) };
    Flow::Next
}

/// `dsts.first = srcs.first`, then `dsts.second = srcs.second` (which may read the
/// first's result), then skips the second copy it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn copy_pair(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dsts: SlotPair,
    srcs: SlotPair,
) -> Flow {
    // SAFETY: the slots are the running frame's.
    let v = unsafe { h.get(srcs.first()) };
    // SAFETY: as above.
    unsafe { h.set(dsts.first(), v) };
    // SAFETY: as above; read after the first write, which it may depend on.
    let v = unsafe { h.get(srcs.second()) };
    // SAFETY: as above.
    unsafe { h.out(dsts.second(), v) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = add(mul(acc, rhs), addend)`, then skips the sum it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn acc_mul_add(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    rhs: Slot,
    addend: Slot,
    mul: impl Fn(u64, u64) -> u64,
    add: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (b, c) = unsafe { h.get2(rhs, addend) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add(mul(h.acc, b), c)) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = sub(lhs, mul(acc, rhs))`, then skips the difference it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn sub_acc_mul(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    mul: impl Fn(u64, u64) -> u64,
    sub: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, sub(a, mul(h.acc, b))) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = add(mul(src.first, imm), src.second)`, then skips the sum it took over; with
/// `and` for `mul`, `I32AndImmAdd`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn mul_imm_add(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: SlotPair,
    imm: Imm32,
    mul: impl Fn(u64, u64) -> u64,
    add: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, c) = unsafe { h.get2(src.first(), src.second()) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add(mul(a, imm.cell()), c)) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = add(mul(acc, imm), addend)`, then skips the sum it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn acc_mul_imm_add(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    addend: Slot,
    imm: Imm32,
    mul: impl Fn(u64, u64) -> u64,
    add: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `addend` is a slot of the running frame.
    let c = unsafe { h.get(addend) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add(mul(h.acc, imm.cell()), c)) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = then(first(src.first, src.second), imm)`, then skips the instruction it took
/// over (`I32XorMulImm`, `I32SubAndImm`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn pair_then_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: SlotPair,
    imm: Imm32,
    first: impl Fn(u64, u64) -> u64,
    then: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(src.first(), src.second()) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, then(first(a, b), imm.cell())) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = then(first(acc, rhs), imm)`, then skips the instruction it took over
/// (`I32AccXorMulImm`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn acc_then_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    rhs: Slot,
    imm: Imm32,
    first: impl Fn(u64, u64) -> u64,
    then: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `rhs` is a slot of the running frame.
    let b = unsafe { h.get(rhs) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, then(first(h.acc, b), imm.cell())) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// `dst = and(shift(src, amount), imm)`, then skips the `and` it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn shifted_and_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: ShiftedSlot,
    imm: Imm32,
    shift: impl Fn(u64, u64) -> u64,
    and: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the source is a slot of the running frame.
    let a = unsafe { h.get(src.slot()) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, and(shift(a, src.amount()), imm.cell())) };
    // SAFETY: the handler contract.
    unsafe { skip(h) }
}

/// Jumps if comparison `f` of `lhs & imms.first()` and `imms.second()` holds, else
/// skips the test it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_and_cmp_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    lhs: Slot,
    imms: ImmPair,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `lhs` is a slot of the running frame.
    let a = unsafe { h.get(lhs) };
    // SAFETY: the handler contract.
    unsafe { br_or_skip(h, f(a & imms.first(), imms.second()) != 0, target) }
}

/// `slots.0 = slots.1 & imms.mask`, then jumps if `f(slots.0, imms.value)` holds, else
/// skips the test it took over.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_and_mask(
    h: &mut Hot,
    _: &mut Cx<'_>,
    slots: SlotPair,
    imms: MaskPair,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: both slots are slots of the running frame.
    let v = unsafe { h.get(slots.second()) } & imms.mask();
    // SAFETY: as above.
    unsafe { h.set(slots.first(), v) };
    // SAFETY: the handler contract.
    unsafe { br_or_skip(h, f(v, imms.value()) != 0, target) }
}

/// The byte at `addr + offset` in memory 0, or the load's trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn byte(h: &mut Hot, cx: &mut Cx<'_>, addr: u64, offset: MemOffset) -> Result<u64, Flow> {
    // SAFETY: the handler contract.
    match unsafe { super::memory::read::<1>(h, cx, addr, offset) } {
        Ok([b]) => Ok(b as u64),
        Err(t) => Err(trap(h, cx, t)),
    }
}

/// The `i32` sum of `addr`'s two slots, as `I32Load8UIdx` computes its address.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn sum_address(h: &Hot, addr: SlotPair) -> u64 {
    // SAFETY: the slots are slots of the running frame.
    let (b, i) = unsafe { h.get2(addr.first(), addr.second()) };
    b.wrapping_add(i) as u32 as u64
}

/// Jumps if comparison `f` of the byte at the sum of `addr`'s slots and `rhs` holds.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_cmp_byte_idx(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: SlotPair,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the handler contract.
    let a = unsafe { sum_address(h, addr) };
    // SAFETY: the handler contract.
    let b = match unsafe { byte(h, cx, a, MemOffset(0)) } {
        Ok(b) => b,
        Err(flow) => return flow,
    };
    // SAFETY: `rhs` is a slot of the running frame.
    let r = unsafe { h.get(rhs) };
    // SAFETY: the handler contract.
    unsafe { br_or_skip(h, f(b, r) != 0, target) }
}

/// Jumps if the byte at the sum of `addr`'s slots is not zero (`nonzero`) or is zero.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_byte_idx(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: SlotPair,
    target: Offset,
    nonzero: bool,
) -> Flow {
    // SAFETY: the handler contract.
    let a = unsafe { sum_address(h, addr) };
    // SAFETY: the handler contract.
    match unsafe { byte(h, cx, a, MemOffset(0)) } {
        // SAFETY: the handler contract.
        Ok(b) => unsafe { br_or_skip(h, (b != 0) == nonzero, target) },
        Err(flow) => flow,
    }
}

/// Jumps if the byte at `addr + offset` is not zero (`nonzero`) or is zero.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and [`br_or_skip`]'s.
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_byte(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    offset: MemOffset,
    target: Offset,
    nonzero: bool,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    match unsafe { byte(h, cx, a, offset) } {
        // SAFETY: the handler contract.
        Ok(b) => unsafe { br_or_skip(h, (b != 0) == nonzero, target) },
        Err(flow) => flow,
    }
}

/// [`super::control::call_internal`] after writing the one argument, a step from another slot.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn call_internal_step(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: DefinedFuncIdx,
    base: Slot,
    arg: SteppedSlot,
) -> Flow {
    // SAFETY: `arg`'s slot is a slot of the running frame.
    let v = crate::exec::numeric::i32_add(unsafe { h.get(arg.slot()) }, arg.step());
    // SAFETY: `base` is a slot of the running frame.
    unsafe { h.set(base, v) };
    // SAFETY: the handler contract.
    unsafe { super::control::call_internal(h, cx, func, base) }
}

/// Returns `f` of `lhs` and `rhs` as the one result: an add and the `ReturnCopy` of
/// its result, fused (`translate::passes::fuse_copy_br`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_binary(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    lhs: Slot,
    rhs: Slot,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    // SAFETY: every frame has a slot 0 (a function with a result has at least one cell).
    unsafe { h.set(Slot(0), f(a, b)) };
    // SAFETY: the handler contract.
    unsafe { super::control::do_return(h, cx) }
}
