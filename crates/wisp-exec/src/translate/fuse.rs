//! Fused forms the translator makes by looking back at the instruction it just emitted:
//! a shift feeding an `i32.add` (`I32AddShl*`) or an `xor` (`I32XorRotlImm`, …), an
//! `i32.add` feeding a memory access (the `…Idx` and `…Disp` forms, through
//! [`Translator::fusable_add`]), a shadow-stack pointer's step (`GlobalOwnAddImm`,
//! `GlobalSetOwnAddImm`), two locals stepped in place (`I32AddImm2`). Each saves one
//! dispatch where the profiles of real programs showed the pair
//! (`benches/README.md`). The post-passes over finished code are in `passes.rs`.

use super::{Op, Operand, TranslateError, Translator};
use crate::ir::{GlobalIdx, Imm32, ImmPair, ShiftedSlot, Slot};

/// What an `i32.add` just before a memory access adds.
#[derive(Clone, Copy)]
pub(super) enum Sum {
    /// Two slots.
    Slots(Slot, Slot),
    /// A slot and a constant.
    Imm(Slot, Imm32),
}

impl Translator<'_> {
    /// `i32.add` whose right operand was just computed, for this use alone, by a shift
    /// left by 2 or 3: one `I32AddShl*`. Returns false (and does nothing) otherwise.
    pub(super) fn visit_add_shl(&mut self) -> Result<bool, TranslateError> {
        let Some(idx) = self.fusable.filter(|_| self.fused()) else {
            return Ok(false);
        };
        let Some(top) = self.stack.len().checked_sub(1) else {
            return Ok(false);
        };
        if self.stack[top] != Operand::Temp || idx + 1 != self.ops.len() {
            return Ok(false);
        }
        let (index, shift) = match self.ops[idx] {
            Op::I32ShlImm { dst, lhs, imm }
                if dst == self.slot(top) && (imm.0 == 2 || imm.0 == 3) =>
            {
                (lhs, imm)
            }
            _ => return Ok(false),
        };
        // The shift is the last instruction, so its operand still holds its value.
        self.ops.pop();
        self.pop()?;
        let (pos, base) = self.pop_read()?;
        let dst = self.slot(pos);
        self.push_result(if shift.0 == 2 {
            Op::I32AddShl2 { dst, base, index }
        } else {
            Op::I32AddShl3 { dst, base, index }
        });
        Ok(true)
    }

    /// If the value `depth` below the top of the stack was computed by the last
    /// instruction, an `i32.add`, for this use alone: the instruction's index and what it
    /// adds.
    pub(super) fn fusable_add(&self, depth: usize) -> Option<(usize, Sum)> {
        let idx = self.fusable.filter(|_| self.fused())?;
        let at = self.stack.len().checked_sub(1 + depth)?;
        if self.stack[at] != Operand::Temp || idx + 1 != self.ops.len() {
            return None;
        }
        match self.ops[idx] {
            Op::I32Add { dst, lhs, rhs } if dst == self.slot(at) => {
                Some((idx, Sum::Slots(lhs, rhs)))
            }
            Op::I32AddImm { dst, lhs, imm } if dst == self.slot(at) => {
                Some((idx, Sum::Imm(lhs, imm)))
            }
            _ => None,
        }
    }

    /// Puts `op` in place of instruction `at`, the last one, which it takes over: a trap
    /// in it is then reported at the Wasm instruction being translated.
    pub(super) fn replace_last(&mut self, at: usize, op: Op) {
        self.ops[at] = op;
        if let Some(map) = &mut self.offsets {
            map.record(at as u32, self.offset as u32);
        }
    }

    /// `global.set` of an own `i32` global to a step from a value (fused forms only):
    /// - the global's own value plus a constant, also kept in a local
    ///   (`global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 16)))`,
    ///   a frame's entry) becomes one `GlobalOwnAddImm`;
    /// - a slot plus a constant just computed for it (`global.set $sp (i32.add
    ///   (local.get $fp) (i32.const 16))`, the exit) becomes one `GlobalSetOwnAddImm`.
    ///
    /// Returns whether it did; the instructions it folds cannot trap, so the offsets
    /// they leave behind name nothing that can fail.
    pub(super) fn fuse_global_step(&mut self, index: GlobalIdx) -> Result<bool, TranslateError> {
        let Some(own) = self.own_global(index).filter(|_| self.fused()) else {
            return Ok(false);
        };
        let (Some(&top), Some(last)) = (self.stack.last(), self.ops.len().checked_sub(1)) else {
            return Ok(false);
        };
        let step = |op: &Op| match *op {
            Op::I32AddImm { dst, lhs, imm } => Some((dst, lhs, imm)),
            Op::I32SubImm { dst, lhs, imm } => Some((dst, lhs, Imm32(imm.0.wrapping_neg()))),
            _ => None,
        };
        let Some((dst, lhs, imm)) = step(&self.ops[last]).filter(|_| last >= self.block_pc) else {
            return Ok(false);
        };
        let top_slot = self.slot(self.stack.len() - 1);
        match top {
            Operand::Temp if self.fusable == Some(last) && dst == top_slot => {
                self.pop()?;
                self.replace_last(
                    last,
                    Op::GlobalSetOwnAddImm {
                        src: lhs,
                        index: own,
                        imm,
                    },
                );
                self.fusable = None;
                Ok(true)
            }
            Operand::Local(local) if local == dst && last > self.block_pc => {
                let get = self.ops[last - 1];
                if get
                    != (Op::GlobalGetOwn {
                        dst: lhs,
                        index: own,
                    })
                    || lhs == local
                {
                    return Ok(false);
                }
                self.pop()?;
                self.ops.pop();
                self.replace_last(
                    last - 1,
                    Op::GlobalOwnAddImm {
                        dst: local,
                        index: own,
                        imm,
                    },
                );
                self.fusable = None;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Instruction `at`, the last, just became a step of a local in place
    /// (`l = l + k`, `l = l - k`): if the one before it stepped another local in place, in the same
    /// basic block, and both steps fit in 16 bits, the two become one `I32AddImm2`.
    /// Neither can trap, so the offset left behind for the second names nothing.
    pub(super) fn pair_steps(&mut self, at: usize) {
        let in_place = |op: &Op| match *op {
            Op::I32AddImm { dst, lhs, imm } if dst == lhs => Some((dst, imm)),
            Op::I32SubImm { dst, lhs, imm } if dst == lhs => {
                Some((dst, Imm32(imm.0.wrapping_neg())))
            }
            _ => None,
        };
        if !self.fused() || at == 0 || at <= self.block_pc || at + 1 != self.ops.len() {
            return;
        }
        let (Some((first, a)), Some((dst, b))) =
            (in_place(&self.ops[at - 1]), in_place(&self.ops[at]))
        else {
            return;
        };
        let Some(imms) = ImmPair::new(a, b) else {
            return;
        };
        self.ops.pop();
        self.ops[at - 1] = Op::I32AddImm2 {
            dst,
            also: first,
            imms,
        };
    }

    /// An `xor` one of whose operands the last instruction just computed, for this use
    /// alone, by shifting or rotating a slot by a constant (`rotl(e, 21)`, `x >> 17`):
    /// one `I32XorRotlImm` (or `…ShrUImm`, `…ShlImm`, and the `I64` ones) of the other
    /// operand and the shift's source. The shifted value may be either operand, as
    /// `xor` commutes: on top (`a ^ rotl(e, 21)`) or below a local read after it
    /// (`rotl(v1, 13) ^ v0`, SipHash). Returns false (and does nothing) otherwise.
    pub(super) fn visit_xor_shifted(&mut self) -> Result<bool, TranslateError> {
        let Some(idx) = self.fusable.filter(|_| self.fused()) else {
            return Ok(false);
        };
        let n = self.stack.len();
        if n < 2 || idx + 1 != self.ops.len() {
            return Ok(false);
        }
        // Where the shift's result is: the top, or just below a local on top.
        let at = match (self.stack[n - 2], self.stack[n - 1]) {
            (_, Operand::Temp) => n - 1,
            (Operand::Temp, Operand::Local(_)) => n - 2,
            _ => return Ok(false),
        };
        let slot = self.slot(at);
        type Make = fn(Slot, Slot, ShiftedSlot) -> Op;
        // Wasm shifts by the amount modulo the width, so the amount fits in 6 bits.
        let (src, make): (Option<ShiftedSlot>, Make) = match self.ops[idx] {
            Op::I32RotlImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 32), |dst, lhs, src| {
                    Op::I32XorRotlImm { dst, lhs, src }
                })
            }
            Op::I32ShrUImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 32), |dst, lhs, src| {
                    Op::I32XorShrUImm { dst, lhs, src }
                })
            }
            Op::I32ShlImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 32), |dst, lhs, src| {
                    Op::I32XorShlImm { dst, lhs, src }
                })
            }
            Op::I64RotlImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 64), |dst, lhs, src| {
                    Op::I64XorRotlImm { dst, lhs, src }
                })
            }
            Op::I64ShrUImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 64), |dst, lhs, src| {
                    Op::I64XorShrUImm { dst, lhs, src }
                })
            }
            Op::I64ShlImm { dst, lhs, imm } if dst == slot => {
                (ShiftedSlot::new(lhs, imm.0 % 64), |dst, lhs, src| {
                    Op::I64XorShlImm { dst, lhs, src }
                })
            }
            _ => return Ok(false),
        };
        let Some(src) = src else {
            return Ok(false);
        };
        // The shift is the last instruction, so its source still holds the value it
        // shifted, whatever slot the shift wrote.
        self.ops.pop();
        let (_, rhs) = self.pop_read()?;
        let (pos, lhs) = self.pop_read()?;
        let other = if at == n - 1 { lhs } else { rhs };
        let dst = self.slot(pos);
        self.push_result(make(dst, other, src));
        Ok(true)
    }
}
