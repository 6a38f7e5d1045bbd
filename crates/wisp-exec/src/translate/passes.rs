//! Rewrites of a function's finished code, each over the whole of it, in the order
//! `translate_as` runs them.

use super::Op;
use crate::ir::InstrIdx;
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
/// branches that jump to it directly.
pub(super) fn fuse_copy_br(ops: &mut [Op]) {
    for i in 1..ops.len() {
        if let (Op::Copy { dst, src }, Op::Br { target }) = (ops[i - 1], ops[i]) {
            ops[i - 1] = Op::CopyBr { dst, src, target };
        }
    }
}

/// An instruction that reads the result of the one just before it takes it from the
/// accumulator, a machine register, instead of from its slot: the slot was written a
/// moment ago, and reading it back would wait for the store (about five cycles on x86)
/// on what is often the loop's critical path. Not where a branch lands, since the
/// accumulator then holds whatever ran last on the other path; nor after calls and
/// other instructions that do not set it (`Op::acc_result`).
pub(super) fn use_accumulator(ops: &mut [Op], landing: &[bool]) {
    for i in 1..ops.len() {
        if landing[i] {
            continue;
        }
        if let Some(x) = ops[i - 1].acc_result() {
            if let Some(op) = ops[i].acc_form(x) {
                ops[i] = op;
            }
        }
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
