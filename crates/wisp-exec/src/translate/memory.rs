//! Memory instructions' translation: which family an access takes (memory 0 with 32-bit
//! addresses through the dispatch loop's registers, or the general one), loads and
//! stores with their fused address forms, and the SIMD lane accesses.
//! Spec: <https://webassembly.github.io/spec/core/syntax/instructions.html#memory-instructions>

use super::fuse::Sum;
use super::{Op, Operand, TResult, TranslateError, Translator};
use crate::ir::{Imm32, Lane, MemIdx, MemOffset, Slot};
use wisp_parse::wasmparser::{MemArg, MemArgTarget};

/// Which family of instructions a memory access takes.
#[derive(Clone, Copy)]
pub(super) enum Access {
    /// Memory 0 with 32-bit addresses, through the dispatch loop's registers.
    Fast(MemOffset),
    /// Any other memory, or a 64-bit one: the general family, the memory's index in the
    /// instruction and the 64-bit offset in the `Arg` after it.
    General(MemIdx, u64),
}

/// Makes a load from the sum of two slots (`dst, base, index`).
pub(super) type MakeIdx = fn(Slot, Slot, Slot) -> Op;
/// Makes a load or store at the sum of a slot and a constant (`dst, base, disp` or
/// `base, value, disp`).
pub(super) type MakeDisp = fn(Slot, Slot, Imm32) -> Op;
/// Makes a store of a constant (`addr, value, offset`).
pub(super) type MakeStoreImm = fn(Slot, Imm32, MemOffset) -> Op;

impl Translator<'_> {
    /// Whether memory `mem` takes the fast family: memory 0 with 32-bit addresses.
    pub(super) fn is_fast_memory(&self, mem: u32) -> bool {
        mem == 0 && self.module.memories.first().is_some_and(|m| !m.memory64)
    }

    /// The family a memory access takes, and where its memory and offset go.
    pub(super) fn access(&self, m: &MemArg) -> Result<Access, TranslateError> {
        let MemArgTarget::Memory(mem) = m.target else {
            return Err(TranslateError::ArrayMemoryAccess);
        };
        Ok(match u32::try_from(m.offset) {
            Ok(offset) if self.is_fast_memory(mem) => Access::Fast(MemOffset(offset)),
            _ => Access::General(MemIdx(mem), m.offset),
        })
    }

    /// The `Arg` with a general access's 64-bit offset.
    pub(super) fn emit_offset(&mut self, offset: u64) {
        self.emit(Op::Arg {
            a: offset as u32,
            b: (offset >> 32) as u32,
        });
    }

    /// A load from `memarg`; when the address was just computed by an `i32.add` for this
    /// use alone and the offset is 0, the add and the load become one instruction: `idx`
    /// for a sum of two slots, `disp` for a slot and a constant. Memories other than a
    /// 32-bit memory 0 take the `general` form.
    #[inline(never)]
    pub(super) fn load(
        &mut self,
        memarg: &MemArg,
        plain: fn(Slot, Slot, MemOffset) -> Op,
        (idx, disp): (MakeIdx, MakeDisp),
        general: fn(Slot, Slot, MemIdx) -> Op,
    ) -> TResult {
        let offset = match self.access(memarg)? {
            Access::Fast(offset) => offset,
            Access::General(mem, offset) => {
                self.unary(|dst, addr| general(dst, addr, mem))?;
                self.emit_offset(offset);
                return Ok(());
            }
        };
        // `i32.add` then the load: one instruction, same slot.
        match self.fusable_add(0).filter(|_| offset.0 == 0) {
            Some((at, Sum::Slots(base, index))) => {
                let dst = self.slot(self.stack.len() - 1);
                self.replace_last(at, idx(dst, base, index));
                Ok(())
            }
            Some((at, Sum::Imm(base, imm))) => {
                let dst = self.slot(self.stack.len() - 1);
                self.replace_last(at, disp(dst, base, imm));
                Ok(())
            }
            None => self.unary(|dst, addr| plain(dst, addr, offset)),
        }
    }

    /// A store of `width` bytes. A constant value is stored from the instruction itself
    /// (`imm`) when the bytes it writes are those of its 32-bit sign extension. When the
    /// address was just computed by an `i32.add` of a constant for this use alone, the
    /// value is a local and the offset 0, the add and the store become one `disp`.
    #[inline(never)]
    pub(super) fn store(
        &mut self,
        memarg: &MemArg,
        width: u32,
        plain: fn(Slot, Slot, MemOffset) -> Op,
        (imm, disp): (MakeStoreImm, MakeDisp),
        general: fn(Slot, Slot, MemIdx) -> Op,
    ) -> TResult {
        let offset = match self.access(memarg)? {
            Access::Fast(offset) => offset,
            Access::General(mem, offset) => {
                let (_, value) = self.pop_read()?;
                let (_, addr) = self.pop_read()?;
                self.emit(general(addr, value, mem));
                self.emit_offset(offset);
                return Ok(());
            }
        };
        if let (Some((at, Sum::Imm(base, d))), Some(&Operand::Local(value))) = (
            self.fusable_add(1).filter(|_| offset.0 == 0),
            self.stack.last(),
        ) {
            self.pop()?;
            self.pop()?;
            self.replace_last(at, disp(base, value, d));
            return Ok(());
        }
        let constant = match self.stack.last() {
            Some(&Operand::Const(c))
                if self.fused() && (width <= 4 || c as u32 as i32 as i64 as u64 == c) =>
            {
                Some(Imm32(c as u32))
            }
            _ => None,
        };
        if let Some(value) = constant {
            self.pop()?;
            let (_, addr) = self.pop_read()?;
            self.emit(imm(addr, value, offset));
        } else {
            let (_, value) = self.pop_read()?;
            let (_, addr) = self.pop_read()?;
            self.emit(plain(addr, value, offset));
        }
        Ok(())
    }

    /// A lane extraction.
    #[inline(never)]
    pub(super) fn extract(&mut self, lane: u8, make: fn(Slot, Slot, Lane) -> Op) -> TResult {
        self.unary(|dst, src| make(dst, src, Lane(lane as u32)))
    }

    /// A lane replacement; the lane follows in an `Arg`.
    #[inline(never)]
    pub(super) fn replace(&mut self, lane: u8, make: fn(Slot, Slot, Slot) -> Op) -> TResult {
        let (_, value) = self.pop_read()?;
        let (pos, src) = self.pop_read()?;
        let dst = self.slot(pos);
        self.emit(make(dst, src, value));
        self.emit(Op::Arg {
            a: lane as u32,
            b: 0,
        });
        self.push(Operand::Temp);
        Ok(())
    }

    /// A SIMD load.
    #[inline(never)]
    pub(super) fn v_load(
        &mut self,
        memarg: &MemArg,
        make: fn(Slot, Slot, MemOffset) -> Op,
        general: fn(Slot, Slot, MemIdx) -> Op,
    ) -> TResult {
        match self.access(memarg)? {
            Access::Fast(offset) => self.unary(|dst, addr| make(dst, addr, offset)),
            Access::General(mem, offset) => {
                self.unary(|dst, addr| general(dst, addr, mem))?;
                self.emit_offset(offset);
                Ok(())
            }
        }
    }

    /// A SIMD load of one lane; the vector and the lane follow in an `Arg`.
    #[inline(never)]
    pub(super) fn v_load_lane(
        &mut self,
        memarg: &MemArg,
        lane: u8,
        make: fn(Slot, Slot, MemOffset) -> Op,
        general: fn(Slot, Slot, MemIdx) -> Op,
    ) -> TResult {
        let access = self.access(memarg)?;
        let (_, vector) = self.pop_read()?;
        let (pos, addr) = self.pop_read()?;
        let dst = self.slot(pos);
        match access {
            Access::Fast(offset) => {
                self.emit(make(dst, addr, offset));
            }
            Access::General(mem, offset) => {
                self.emit(general(dst, addr, mem));
                self.emit_offset(offset);
            }
        }
        self.emit(Op::Arg {
            a: vector.0,
            b: lane as u32,
        });
        self.push(Operand::Temp);
        Ok(())
    }

    /// A SIMD store of one lane; the lane follows in an `Arg`.
    #[inline(never)]
    pub(super) fn v_store_lane(
        &mut self,
        memarg: &MemArg,
        lane: u8,
        make: fn(Slot, Slot, MemOffset) -> Op,
        general: fn(Slot, Slot, MemIdx) -> Op,
    ) -> TResult {
        let access = self.access(memarg)?;
        let (_, value) = self.pop_read()?;
        let (_, addr) = self.pop_read()?;
        match access {
            Access::Fast(offset) => {
                self.emit(make(addr, value, offset));
            }
            Access::General(mem, offset) => {
                self.emit(general(addr, value, mem));
                self.emit_offset(offset);
            }
        }
        self.emit(Op::Arg {
            a: lane as u32,
            b: 0,
        });
        Ok(())
    }
}
