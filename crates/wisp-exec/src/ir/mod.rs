//! Wisp's internal instruction set.
//!
//! A function body is translated once into a flat `[Op]`. Operands are *slots*: cells of
//! the function's frame, addressed relative to the frame base. The frame holds the
//! parameters, then the declared locals, then one slot per operand-stack height, so an
//! instruction names where its inputs are and where its result goes, and most
//! `local.get`s and constants cost no instruction at all. Branch targets are instruction
//! indices while the translator works and byte offsets from the branch in finished code
//! (the type parameter of [`Op`]: [`InstrIdx`], then [`Offset`]).
//!
//! Every variant fits in 16 bytes (a test checks it); the few instructions that need
//! more operands take them from a following [`Op::Arg`], which is never executed.
//!
//! **The accumulator.** Besides its slot, an instruction that computes one scalar leaves
//! its result in the accumulator, a register of the dispatch loop ([`Op::acc_result`]). The
//! instruction right after it, when it reads that result, does so through its
//! accumulator form (`I32AddAcc`, `I32LoadAcc`, `BrI32LtUAcc`, …; [`Op::acc_form`]): the
//! value then goes register to register instead of through a store and a load of the
//! same cell, which cost about five cycles on the chain of dependent instructions that
//! makes up most hot loops. The slot is written too, so later readers are unaffected.
//!
//! **The operator table.** Every instruction is one row of the table in `build/` (its
//! typed operands, the body that runs it, and attributes such as its accumulator forms);
//! the enum, its codec, its attributes below, the dispatch glue and the translator's
//! mapping are generated from it by `build.rs`. The grammar is in `docs/ARCHITECTURE.md`.

pub mod canonical;
pub mod field;
mod operand;

pub use operand::{
    CastTarget, DataIdx, DefinedFuncIdx, ElemIdx, FuncIdx, GlobalIdx, Imm32, Imm64, ImmPair,
    InstrIdx, Lane, MaskPair, MemIdx, MemOffset, Offset, Operand, ShiftedSlot, Slot, SlotPair,
    SteppedSlot, TableIdx, TagIdx, Target, TypeIdx,
};

include!(concat!(env!("OUT_DIR"), "/ops.rs"));

/// What [`Op::movable`] says of an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movable {
    /// Arithmetic that cannot trap.
    Pure,
    /// Arithmetic that may trap, or a load.
    Traps,
}

/// The most operands an instruction has.
pub const MAX_OPERANDS: usize = 3;

/// How many operands the instruction of discriminant `tag` has; `None` past the last.
pub fn operand_count(tag: u16) -> Option<usize> {
    let byte = *OPERAND_COUNT_BITS.get(tag as usize / 4)?;
    ((tag as usize) < OP_COUNT).then_some((byte >> (2 * (tag % 4))) as usize & 3)
}

/// Finishes translated code: branch targets become byte offsets from the branch.
pub fn finish(ops: alloc::vec::Vec<Op<InstrIdx>>) -> alloc::boxed::Box<[Op]> {
    finish_skipping(ops, 0)
}

/// [`finish`] without the first `skip` instructions, which no branch may target.
pub(crate) fn finish_skipping(
    ops: alloc::vec::Vec<Op<InstrIdx>>,
    skip: usize,
) -> alloc::boxed::Box<[Op]> {
    let mut done: alloc::boxed::Box<[Op]> = ops
        .into_iter()
        .enumerate()
        .skip(skip)
        .map(|(i, op)| crate::exec::with_target(op, |t| Offset::between(i, t)))
        .collect();
    cache_table_targets(&mut done);
    done
}

/// The instructions of a `br_table` (`BrTable`, `BrTableAcc`, `BrTableLoad8U`) at `i`
/// and its entries, the `len + 1` after it: `Some(i + len + 2)`, where they end.
fn table_end(ops: &[Op], i: usize) -> Option<usize> {
    let len = match ops[i] {
        Op::BrTable { len, .. } | Op::BrTableAcc { len } | Op::BrTableLoad8U { len, .. } => len,
        _ => return None,
    };
    Some((i + 2).saturating_add(len as usize).min(ops.len()))
}

/// The discriminant of the instruction `target` reaches from instruction `from`, if it is
/// in the code.
fn tag_at(ops: &[Op], from: usize, target: Offset) -> Option<u32> {
    let to = target.from_instr(from).0 as usize;
    ops.get(to).map(|op| u32::from(crate::exec::op_tag(op)))
}

/// Makes each entry of a `br_table` that jumps (`Br`) a `BrTableTarget`, which holds the
/// discriminant of the instruction it jumps to: the table then dispatches that
/// instruction with one dependent load fewer (the last step of finishing code, once
/// nothing changes the instructions any more). Every `BrTableTarget` already in the code
/// (an image's) has its discriminant computed anew: the dispatch trusts it.
pub fn cache_table_targets(ops: &mut [Op]) {
    let mut i = 0;
    while i < ops.len() {
        let end = table_end(ops, i).unwrap_or(i + 1);
        for j in i..end {
            if let Op::Br { target } | Op::BrTableTarget { target, .. } = ops[j] {
                let in_table = j > i || matches!(ops[j], Op::BrTableTarget { .. });
                ops[j] = match tag_at(ops, j, target) {
                    Some(tag) if in_table => Op::BrTableTarget { target, tag },
                    _ => Op::Br { target },
                };
            }
        }
        i = end;
    }
}

/// Whether every `BrTableTarget` in code that is not ours to change (an image's, in
/// place) holds the discriminant of the instruction it jumps to.
pub fn table_targets_cached(ops: &[Op]) -> bool {
    ops.iter().enumerate().all(|(j, op)| match *op {
        Op::BrTableTarget { target, tag } => tag_at(ops, j, target) == Some(tag),
        _ => true,
    })
}

/// Finished code with its branch targets as instruction indices again, for images,
/// tools and tests that show where branches land.
pub fn unfinish(ops: &[Op]) -> alloc::vec::Vec<Op<InstrIdx>> {
    ops.iter()
        .enumerate()
        .map(|(i, &op)| crate::exec::with_target(op, |t| t.from_instr(i)))
        .collect()
}

/// Prints a function's code, one instruction a line with its index, branch targets as
/// instruction indices.
pub fn disassemble(ops: &[Op], out: &mut impl core::fmt::Write) -> core::fmt::Result {
    for (i, op) in unfinish(ops).iter().enumerate() {
        writeln!(out, "{i:5}  {op}")?;
    }
    Ok(())
}

const OP_BYTES: i64 = core::mem::size_of::<Op>() as i64;

#[cfg(test)]
mod tests {
    #[test]
    fn op_is_sixteen_bytes() {
        assert!(core::mem::size_of::<super::Op>() <= 16);
    }

    #[test]
    fn templates_are_in_discriminant_order_and_operands_round_trip() {
        use super::{Op, TEMPLATES};
        assert!(TEMPLATES.len() > 700);
        assert_eq!(super::operand_count(TEMPLATES.len() as u16), None);
        for (i, t) in TEMPLATES.iter().enumerate() {
            assert_eq!(crate::op_tag(t) as usize, i, "{t:?}");
            let (_, n) = t.operands();
            let v: alloc::vec::Vec<u64> = (0..n as u64).map(|k| 1000 + k).collect();
            assert_eq!(super::operand_count(i as u16), Some(n));
            let op = t.with_operands(&v).unwrap();
            assert_eq!(
                crate::exec::op_with_operands(i as u16, &v),
                Some(op),
                "{op:?}"
            );
            assert_eq!(op.operands().0[..n], v[..], "{op:?}");
            assert_eq!(crate::op_tag(&op), crate::op_tag(t));
            if n > 0 {
                assert_eq!(t.with_operands(&v[..n - 1]), None, "too few");
                assert_eq!(
                    crate::exec::op_with_operands::<super::Offset>(i as u16, &v[..n - 1]),
                    None
                );
            }
        }
        let c: Op = Op::Const64 {
            dst: super::Slot(3),
            value: super::Imm64(u64::MAX),
        };
        assert_eq!(c.operands(), ([3, u64::MAX, 0], 2));
        let tag = crate::op_tag(&c);
        assert_eq!(crate::exec::op_with_operands(tag, &[3, u64::MAX]), Some(c));
        assert_eq!(
            crate::exec::op_with_operands::<super::Offset>(TEMPLATES.len() as u16, &[]),
            None
        );
        let too_big = Op::<super::Offset>::Const32 {
            dst: super::Slot(0),
            value: super::Imm32(0),
        }
        .with_operands(&[1, 1 << 40]);
        assert_eq!(too_big, None, "an operand that does not fit is refused");
        let tag = crate::op_tag(&Op::<super::Offset>::Const32 {
            dst: super::Slot(0),
            value: super::Imm32(0),
        });
        assert_eq!(
            crate::exec::op_with_operands::<super::Offset>(tag, &[1, 1 << 40]),
            None
        );
    }

    #[test]
    fn target_operand_names_the_target_of_every_branch() {
        use super::{target_operand, Offset, TEMPLATES};
        for (i, t) in TEMPLATES.iter().enumerate() {
            let (_, n) = t.operands();
            let v: alloc::vec::Vec<u64> = (0..n as u64).map(|k| 1000 + k).collect();
            let op = t.with_operands(&v).unwrap();
            match target_operand(i as u16) {
                Some(k) => assert_eq!(op.target(), Some(Offset(1000 + k as i32)), "{op:?}"),
                None => assert_eq!(op.target(), None, "{op:?}"),
            }
        }
    }

    #[test]
    fn finish_and_unfinish_are_inverse() {
        use super::{finish, unfinish, InstrIdx, Op, Slot};
        let ops = alloc::vec![
            Op::BrIfNez {
                cond: Slot(1),
                target: InstrIdx(2)
            },
            Op::Br {
                target: InstrIdx(0)
            },
            Op::Return {},
        ];
        let done = finish(ops.clone());
        assert_eq!(done[0].target(), Some(super::Offset(32)));
        assert_eq!(done[1].target(), Some(super::Offset(-16)));
        assert_eq!(unfinish(&done), ops);
    }

    #[test]
    fn table_entries_hold_their_targets_discriminants() {
        use super::{cache_table_targets, finish, table_targets_cached, InstrIdx, Op, Slot};
        use crate::exec::op_tag;
        let br = |t| Op::Br {
            target: InstrIdx(t),
        };
        let ops = alloc::vec![
            Op::BrTable {
                index: Slot(0),
                len: 2
            },
            br(4),
            Op::Return {},
            br(5),
            Op::Copy {
                dst: Slot(1),
                src: Slot(0)
            },
            br(0),
        ];
        let mut done = finish(ops);
        let tags: alloc::vec::Vec<_> = done
            .iter()
            .map(|op| match *op {
                Op::BrTableTarget { tag, .. } => Some(tag),
                _ => None,
            })
            .collect();
        // The table's jumps, not its other entries nor a jump outside it.
        let (copy, jump) = (op_tag(&done[4]) as u32, op_tag(&done[5]) as u32);
        assert_eq!(tags, [None, Some(copy), None, Some(jump), None, None]);
        assert_eq!(done[1].target(), Some(super::Offset(48)));
        assert!(table_targets_cached(&done));
        // A wrong one (a damaged image's) is told apart, and computed anew.
        done[3] = Op::BrTableTarget {
            target: super::Offset(-16),
            tag: jump,
        };
        assert!(!table_targets_cached(&done));
        cache_table_targets(&mut done);
        assert!(table_targets_cached(&done));
        assert_eq!(
            done[3],
            Op::BrTableTarget {
                target: super::Offset(-16),
                tag: op_tag(&done[2]) as u32
            }
        );
        // One that jumps out of the code is a plain jump again (the target check
        // refuses it).
        done[3] = Op::BrTableTarget {
            target: super::Offset(160),
            tag: 0,
        };
        assert!(!table_targets_cached(&done));
        cache_table_targets(&mut done);
        assert_eq!(
            done[3],
            Op::Br {
                target: super::Offset(160)
            }
        );
    }
}
