//! Rewrites of a function's finished code, each over the whole of it, in the order
//! `translate_as` runs them.

use super::Op;
use crate::ir::{Imm32, ImmPair, InstrIdx, MaskPair, ShiftedSlot, Slot, SlotPair, SteppedSlot};
use crate::Catch;
use alloc::vec::Vec;

/// Rewrites unconditional jumps whose target makes them redundant. (With fuel on, a
/// block's first instruction is `ConsumeFuel`, so no charged instruction is skipped.)
/// - A jump to a return is the return itself: the `br` out of an `if` arm into the
///   function's end costs nothing then.
/// - A jump back to a loop's exit test, when the exit is just after the jump, becomes
///   the opposite test jumping into the body: one instruction per iteration less.
pub(super) fn thread_jumps(ops: &mut [Op]) {
    for i in 0..ops.len() {
        let Op::Br { target } = ops[i] else { continue };
        let Some(&at_target) = ops.get(target.0 as usize) else {
            continue;
        };
        if let Op::Return {} | Op::ReturnCopy { .. } = at_target {
            ops[i] = at_target;
            continue;
        }
        let exits_here = at_target.target().is_some_and(|t| t.0 as usize == i + 1);
        if exits_here && !matches!(at_target, Op::Br { .. }) {
            if let Some(mut rotated) = at_target.negate_branch() {
                if let Some(t) = rotated.target_mut() {
                    *t = InstrIdx(target.0 + 1);
                }
                ops[i] = rotated;
            }
        }
    }
}

/// A `Copy` followed by a `Br` becomes a `CopyBr` that does both. The `Br` stays, for
/// branches that jump to it directly. A `Copy` followed by the return of what it wrote
/// (an `if` arm's value, then the function's end) returns its source instead: the
/// frame goes with the return, so nothing reads the copy; an `i32.add` followed by the
/// return of its result is one `ReturnI32Add`. A `Copy` followed by a test of
/// what it wrote (a loop's latch) becomes a `BrI32LtUCopy` or `BrI32NeCopy`, which skips
/// the test when it does not jump; the test stays for branches to it. Two copies are
/// one `CopyPair`, and a copy before a `CopyBr` a `CopyPairBr`; a `Br` to either of
/// those is a copy of it.
pub(super) fn fuse_copy_br(ops: &mut [Op]) {
    for i in 1..ops.len() {
        match (ops[i - 1], ops[i]) {
            (Op::Copy { dst, src }, Op::Br { target }) => {
                ops[i - 1] = Op::CopyBr { dst, src, target };
            }
            (Op::Copy { dst, src }, Op::ReturnCopy { src: returned }) if returned == dst => {
                ops[i - 1] = Op::ReturnCopy { src };
            }
            (Op::I32Add { dst, lhs, rhs }, Op::ReturnCopy { src: returned }) if returned == dst => {
                ops[i - 1] = Op::ReturnI32Add { lhs, rhs };
            }
            (Op::Copy { dst, src }, Op::BrI32LtU { lhs, rhs, target }) if lhs == dst => {
                if let Some(moved) = SlotPair::new(dst, src) {
                    ops[i - 1] = Op::BrI32LtUCopy { moved, rhs, target };
                }
            }
            (Op::Copy { dst, src }, Op::BrI32Ne { lhs, rhs, target }) if lhs == dst => {
                if let Some(moved) = SlotPair::new(dst, src) {
                    ops[i - 1] = Op::BrI32NeCopy { moved, rhs, target };
                }
            }
            _ => {}
        }
    }
    // Then two copies in a row (values moved at a block's end, a loop's carried values),
    // where the first loop left both: the second stays, skipped or for branches to it.
    for i in 1..ops.len() {
        let (Op::Copy { dst: d1, src: s1 }, second) = (ops[i - 1], ops[i]) else {
            continue;
        };
        let fused = match second {
            Op::Copy { dst: d2, src: s2 } => SlotPair::new(d1, d2)
                .zip(SlotPair::new(s1, s2))
                .map(|(dsts, srcs)| Op::CopyPair { dsts, srcs }),
            Op::CopyBr {
                dst: d2,
                src: s2,
                target,
            } => SlotPair::new(d1, d2)
                .zip(SlotPair::new(s1, s2))
                .map(|(dsts, srcs)| Op::CopyPairBr { dsts, srcs, target }),
            _ => None,
        };
        if let Some(fused) = fused {
            ops[i - 1] = fused;
        }
    }
    // A jump to copies and a jump (a loop's latch reached from an `if` arm) is those
    // copies and that jump, one dispatch less.
    for i in 0..ops.len() {
        let Op::Br { target } = ops[i] else { continue };
        if let Some(&(Op::CopyBr { .. } | Op::CopyPairBr { .. })) = ops.get(target.0 as usize) {
            ops[i] = ops[target.0 as usize];
        }
    }
}

/// An instruction that reads the result of the one just before it takes it from the
/// accumulator, a machine register, instead of from its slot: the slot was written a
/// moment ago, and reading it back would wait for the store (about five cycles on x86)
/// on what is often the loop's critical path. Not where a branch lands, since the
/// accumulator then holds whatever ran last on the other path; nor after calls and
/// other instructions that do not set it (`Op::acc_result`).
///
/// With fused forms on (`temps`, the first slot of the operand stack), an instruction
/// that now reads the one before from the accumulator may take it over, in the same
/// walk: a test takes a counter's step ([`fused_step`]) or the byte it tests
/// ([`fused_byte_test`]), a sum the product it adds ([`fused_mul_add`],
/// [`fused_int_pair`]), a mask the shift before it.
pub(super) fn use_accumulator(ops: &mut [Op], landing: &[bool], temps: Option<Slot>) {
    for i in 1..ops.len() {
        if landing[i] {
            continue;
        }
        if temps.is_some() {
            if let Some(pair) = fused_load_pair(ops[i - 1], ops[i]) {
                ops[i - 1] = pair;
                continue;
            }
        }
        if let Some(op) = acc_form_after(&ops[i - 1], ops[i]) {
            {
                ops[i] = op;
                let fused = temps.and_then(|temps| {
                    let prev = ops[i - 1];
                    fused_step(prev, op)
                        .or_else(|| fused_mul_add(prev, op, temps))
                        .or_else(|| fused_int_pair(prev, op, temps))
                        .or_else(|| fused_byte_test(prev, op, temps))
                });
                if let Some(fused) = fused {
                    ops[i - 1] = fused;
                }
            }
        }
    }
}

/// `op` in the accumulator form that reads the result of `prev`, the instruction just
/// before it, if it has one. An `f64` result is in the float accumulator and nowhere
/// else, so a form that reads that one follows only an instruction that writes it,
/// and any other form only an instruction that does not (an `f64` reinterpreted as an
/// `i64` is read from its slot).
pub(super) fn acc_form_after(prev: &Op, op: Op) -> Option<Op> {
    let form = op.acc_form(prev.acc_result()?)?;
    (form.reads_float_acc() == prev.writes_float_acc()).then_some(form)
}

/// The instruction that does two 32-bit loads from one address slot, `first` and then
/// `second`, to go in the first one's place (`I32Load2`): if the first does not write the
/// address (the second reads it after), and both offsets, as `i32`s, fit in 16 signed
/// bits (`ImmPair` sign-extends them back to the same 32 bits). The second
/// stays, skipped; it cannot read the first's result from the accumulator, so nothing
/// else changes it.
fn fused_load_pair(first: Op, second: Op) -> Option<Op> {
    let (Op::I32Load {
        dst: d1,
        addr: a1,
        offset: o1,
    }
    | Op::F32Load {
        dst: d1,
        addr: a1,
        offset: o1,
    }) = first
    else {
        return None;
    };
    let (Op::I32Load {
        dst: d2,
        addr: a2,
        offset: o2,
    }
    | Op::F32Load {
        dst: d2,
        addr: a2,
        offset: o2,
    }) = second
    else {
        return None;
    };
    if a1 != a2 || d1 == a1 {
        return None;
    }
    Some(Op::I32Load2 {
        dsts: SlotPair::new(d1, d2)?,
        addr: a1,
        offsets: ImmPair::new(Imm32(o1.0), Imm32(o2.0))?,
    })
}

/// The instruction that does `product` and then `sum`, which reads it from the
/// accumulator, to go in the product's place (`F64AccMulAdd`, `F64SubAccMul`): if the
/// product went to an operand-stack temporary (at or above `temps`), only the sum reads
/// it, so it need not be written.
fn fused_mul_add(product: Op, sum: Op, temps: Slot) -> Option<Op> {
    let Op::F64MulAcc { dst: temp, rhs } = product else {
        return None;
    };
    if temp.0 < temps.0 {
        return None;
    }
    match sum {
        Op::F64AddAcc { dst, rhs: addend } => Some(Op::F64AccMulAdd { dst, rhs, addend }),
        Op::F64SubAccR { dst, lhs } => Some(Op::F64SubAccMul { dst, lhs, rhs }),
        _ => None,
    }
}

/// The instruction that does `first` and then `second`, which reads it from the
/// accumulator, to go in the first one's place (`I32MulImmAdd`, `I32AccMulImmAdd`,
/// `I32AndImmAdd`, `I32XorMulImm`, `I32AccXorMulImm`, `I32SubAndImm`, `I32ShrUAndImm`):
/// if the first result went to an operand-stack temporary (at or above `temps`), only
/// the second reads it; if to the slot the second writes, the second overwrites it.
/// Either way it need not be written. A masked test (`BrI32AndNeImm`, ...) is made the
/// same way; where the masked value is kept, or a constant needs 16 unsigned bits, the
/// form that also writes it (`BrI32AndNeMask`, ...).
fn fused_int_pair(first: Op, second: Op, temps: Slot) -> Option<Op> {
    let dead = |temp: Slot, dst: Slot| temp.0 >= temps.0 || temp == dst;
    match (first, second) {
        (Op::I32MulImm { dst: t, lhs, imm }, Op::I32AddAcc { dst, rhs })
            if dead(t, dst) && rhs != t =>
        {
            let src = SlotPair::new(lhs, rhs)?;
            Some(Op::I32MulImmAdd { dst, src, imm })
        }
        (Op::I32AndImm { dst: t, lhs, imm }, Op::I32AddAcc { dst, rhs })
            if dead(t, dst) && rhs != t =>
        {
            let src = SlotPair::new(lhs, rhs)?;
            Some(Op::I32AndImmAdd { dst, src, imm })
        }
        (Op::I32Xor { dst: t, lhs, rhs }, Op::I32MulImmAcc { dst, imm }) if dead(t, dst) => {
            let src = SlotPair::new(lhs, rhs)?;
            Some(Op::I32XorMulImm { dst, src, imm })
        }
        (Op::I32XorAcc { dst: t, rhs }, Op::I32MulImmAcc { dst, imm }) if dead(t, dst) => {
            Some(Op::I32AccXorMulImm { dst, rhs, imm })
        }
        (Op::I32Sub { dst: t, lhs, rhs }, Op::I32AndImmAcc { dst, imm }) if dead(t, dst) => {
            let src = SlotPair::new(lhs, rhs)?;
            Some(Op::I32SubAndImm { dst, src, imm })
        }
        (Op::I32MulImmAcc { dst: t, imm }, Op::I32AddAcc { dst, rhs })
            if dead(t, dst) && rhs != t =>
        {
            Some(Op::I32AccMulImmAdd {
                dst,
                addend: rhs,
                imm,
            })
        }
        (
            Op::I32AndImm {
                dst: t,
                lhs,
                imm: mask,
            },
            test,
        ) => {
            let (k, target) = match test {
                Op::BrI32NeImmAcc { imm, target }
                | Op::BrI32EqImmAcc { imm, target }
                | Op::BrI32GtUImmAcc { imm, target }
                | Op::BrI32LtUImmAcc { imm, target }
                | Op::BrI32GeUImmAcc { imm, target } => (imm, target),
                Op::BrIfNezAcc { target } | Op::BrIfEqzAcc { target } => (Imm32(0), target),
                _ => return None,
            };
            let dead = t.0 >= temps.0;
            if let (true, Some(imms)) = (dead, ImmPair::new(mask, k)) {
                match test {
                    Op::BrI32NeImmAcc { .. } => {
                        return Some(Op::BrI32AndNeImm { lhs, imms, target })
                    }
                    Op::BrI32EqImmAcc { .. } => {
                        return Some(Op::BrI32AndEqImm { lhs, imms, target })
                    }
                    Op::BrI32GtUImmAcc { .. } => {
                        return Some(Op::BrI32AndGtUImm { lhs, imms, target })
                    }
                    Op::BrI32LtUImmAcc { .. } => {
                        return Some(Op::BrI32AndLtUImm { lhs, imms, target })
                    }
                    _ => {}
                }
            }
            // The masked value kept, or constants of 16 unsigned bits.
            let (slots, imms) = (SlotPair::new(t, lhs)?, MaskPair::new(mask, k)?);
            Some(match test {
                Op::BrI32NeImmAcc { .. } | Op::BrIfNezAcc { .. } => Op::BrI32AndNeMask {
                    slots,
                    imms,
                    target,
                },
                Op::BrI32EqImmAcc { .. } | Op::BrIfEqzAcc { .. } => Op::BrI32AndEqMask {
                    slots,
                    imms,
                    target,
                },
                Op::BrI32GtUImmAcc { .. } => Op::BrI32AndGtUMask {
                    slots,
                    imms,
                    target,
                },
                Op::BrI32LtUImmAcc { .. } => Op::BrI32AndLtUMask {
                    slots,
                    imms,
                    target,
                },
                _ => Op::BrI32AndGeUMask {
                    slots,
                    imms,
                    target,
                },
            })
        }
        (
            Op::I32ShrUImm {
                dst: t,
                lhs,
                imm: amount,
            },
            Op::I32AndImmAcc { dst, imm },
        ) if dead(t, dst) => {
            let src = ShiftedSlot::new(lhs, amount.0 & 31)?;
            Some(Op::I32ShrUAndImm { dst, src, imm })
        }
        _ => None,
    }
}

/// The instruction that does `step` and then `test`, to go in the step's place: a counter
/// stepped in place by a constant or a slot (`i = i + k`, `i = i - k`, `j = j + i`)
/// just before an exit test that takes it from the accumulator (`BrI32NeStep`,
/// `BrI32LtUAdd`, …), one dispatch per iteration less. The test stays where it was, as
/// nothing jumps to it (it reads the accumulator), and the step-branch skips it when it
/// does not jump. Counters (and the slots they are stepped by) beyond the first 65 536
/// slots and steps beyond 16 bits keep the two instructions.
fn fused_step(step: Op, test: Op) -> Option<Op> {
    let by_slot = |dst: Slot, lhs: Slot, rhs: Slot| match () {
        () if dst == lhs => SlotPair::new(dst, rhs),
        () if dst == rhs => SlotPair::new(dst, lhs),
        () => None,
    };
    match step {
        Op::I32Add { dst, lhs, rhs } => {
            let counter = by_slot(dst, lhs, rhs)?;
            Some(match test {
                Op::BrI32NeAcc { rhs, target } => Op::BrI32NeAdd {
                    counter,
                    rhs,
                    target,
                },
                Op::BrI32LtUAcc { rhs, target } => Op::BrI32LtUAdd {
                    counter,
                    rhs,
                    target,
                },
                Op::BrI32GtUAcc { rhs, target } => Op::BrI32GtUAdd {
                    counter,
                    rhs,
                    target,
                },
                _ => return None,
            })
        }
        Op::I32AddImm { dst, lhs, imm } if dst == lhs => by_imm(SteppedSlot::new(dst, imm)?, test),
        Op::I32SubImm { dst, lhs, imm } if dst == lhs => {
            by_imm(SteppedSlot::new(dst, Imm32(imm.0.wrapping_neg()))?, test)
        }
        _ => None,
    }
}

/// The step-and-branch instruction for a counter stepped by a constant and `test`.
fn by_imm(counter: SteppedSlot, test: Op) -> Option<Op> {
    Some(match test {
        Op::BrIfNezAcc { target } => Op::BrIfNezStep { counter, target },
        Op::BrI32NeAcc { rhs, target } => Op::BrI32NeStep {
            counter,
            rhs,
            target,
        },
        Op::BrI32LtUAcc { rhs, target } => Op::BrI32LtUStep {
            counter,
            rhs,
            target,
        },
        Op::BrI32GtUAcc { rhs, target } => Op::BrI32GtUStep {
            counter,
            rhs,
            target,
        },
        Op::BrI32NeImmAcc { imm, target } => Op::BrI32NeImmStep {
            counter,
            imm,
            target,
        },
        _ => return None,
    })
}

/// The instruction that loads a byte and tests it (`BrI32NeLoad8UIdx`, `BrIfNezLoad8U`,
/// …), to go in the load's place, if the load went to an operand-stack temporary (at or
/// above `temps`) that only the test reads. It traps as the load, at the load's place.
fn fused_byte_test(load: Op, test: Op, temps: Slot) -> Option<Op> {
    match load {
        Op::I32Load8UIdx { dst, base, index } if dst.0 >= temps.0 => {
            let addr = SlotPair::new(base, index)?;
            Some(match test {
                Op::BrI32NeAcc { rhs, target } => Op::BrI32NeLoad8UIdx { addr, rhs, target },
                Op::BrIfNezAcc { target } => Op::BrIfNezLoad8UIdx { addr, target },
                Op::BrIfEqzAcc { target } => Op::BrIfEqzLoad8UIdx { addr, target },
                _ => return None,
            })
        }
        Op::I32Load8U { dst, addr, offset } if dst.0 >= temps.0 => Some(match test {
            Op::BrIfNezAcc { target } => Op::BrIfNezLoad8U {
                addr,
                offset,
                target,
            },
            Op::BrIfEqzAcc { target } => Op::BrIfEqzLoad8U {
                addr,
                offset,
                target,
            },
            _ => return None,
        }),
        _ => None,
    }
}

/// For each instruction (and the end): whether control can arrive there other than from
/// the instruction before it: the entry, a branch target, an exception handler.
pub(super) fn landings(ops: &[Op], handlers: &[Catch]) -> Vec<bool> {
    let mut landing = alloc::vec![false; ops.len() + 1];
    landing[0] = true;
    for op in ops.iter() {
        if let Some(t) = op.target() {
            landing[t.0 as usize] = true;
        }
    }
    for c in handlers.iter().filter(|c| c.kind & Catch::DELEGATE == 0) {
        if let Some(l) = landing.get_mut(c.target as usize) {
            *l = true;
        }
    }
    landing
}

/// Makes pairs (`Op::paired`, one handler for two instructions, `build/rows_pairs.rs`):
/// each instruction with the one that runs after it, tried in the order it most
/// likely does: the next one, its branch target, the one after the next (where it
/// skips a test it took over). Whichever runs, the pair's handler checks at run time
/// that it is the second it names, so a pair never changes what the code does; but a
/// second must keep its discriminant for the check to find it, so an instruction
/// that is some pair's second is never made a first, nor the other way round.
pub(super) fn pair_up(ops: &mut [Op]) {
    let n = ops.len();
    let mut first = alloc::vec![false; n];
    let mut second = alloc::vec![false; n];
    for i in 0..n {
        if second[i] || !ops[i].begins_pair() {
            continue;
        }
        let target = ops[i].target().map(|t| t.0 as usize);
        for j in [Some(i + 1), target, Some(i + 2)].into_iter().flatten() {
            if j >= n || j == i || first[j] {
                continue;
            }
            if let Some(pair) = ops[i].paired(&ops[j]) {
                ops[i] = pair;
                (first[i], second[j]) = (true, true);
                break;
            }
        }
    }
}
