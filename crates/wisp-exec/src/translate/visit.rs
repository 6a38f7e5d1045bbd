//! The operator-by-operator translation, dispatched from wasmparser's `Operator`.
//! Spec: <https://webassembly.github.io/spec/core/syntax/instructions.html>

use super::memory::Access;
use super::Op;
use super::{Operand, TResult, TranslateError, Translator};
use crate::ir::{DataIdx, ElemIdx, FuncIdx, GlobalIdx, Imm32, MemIdx, Slot, TableIdx};
use alloc::vec::Vec;
use wisp_parse::wasmparser::Operator;
use wisp_types::ValType;

/// The error type of the generated code.
type Error = TranslateError;

include!(concat!(env!("OUT_DIR"), "/translate.rs"));

impl Translator<'_> {
    // Inlined into its one caller: out of line it would add its frame to the deepest
    // path of translation, which on a device is stack.
    #[inline(always)]
    pub(super) fn visit(&mut self, op: Operator<'_>) -> TResult {
        if !self.reachable {
            // Skip dead code, but keep track of the blocks it opens and closes.
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
                | Operator::Try { .. } => {
                    self.dead_depth += 1;
                    return Ok(());
                }
                Operator::Else if self.dead_depth == 0 => return self.visit_else(),
                Operator::End if self.dead_depth == 0 => return self.visit_end(),
                #[cfg(feature = "exceptions")]
                Operator::Catch { tag_index } if self.dead_depth == 0 => {
                    return self.visit_catch(Some(tag_index))
                }
                #[cfg(feature = "exceptions")]
                Operator::CatchAll if self.dead_depth == 0 => return self.visit_catch(None),
                #[cfg(feature = "exceptions")]
                Operator::Delegate { relative_depth } if self.dead_depth == 0 => {
                    return self.visit_delegate(relative_depth)
                }
                Operator::End | Operator::Delegate { .. } => {
                    self.dead_depth -= 1;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
        if !self.wide && self.needs_wide(&op) {
            return Err(TranslateError::NeedWide);
        }
        self.charge_fuel();
        #[cfg(feature = "gc")]
        if let Some(r) = self.visit_aggregate(&op) {
            return r;
        }
        if matches!(op, Operator::I32Add) && self.visit_add_shl()? {
            return Ok(());
        }
        if matches!(op, Operator::I32Xor | Operator::I64Xor) && self.visit_xor_shifted()? {
            return Ok(());
        }
        if self.visit_family(&op)? {
            return Ok(());
        }
        #[cfg(feature = "simd")]
        if self.visit_relaxed(&op)? {
            return Ok(());
        }
        match op {
            Operator::Nop => {}
            Operator::Unreachable => self.visit_unreachable()?,
            Operator::Block { blockty } => self.visit_block(blockty)?,
            Operator::Loop { blockty } => self.visit_loop(blockty)?,
            Operator::If { blockty } => self.visit_if(blockty)?,
            Operator::Else => self.visit_else()?,
            Operator::End => self.visit_end()?,
            Operator::Br { relative_depth } => self.visit_br(relative_depth)?,
            Operator::BrIf { relative_depth } => self.visit_br_if(relative_depth)?,
            Operator::BrTable { targets } => {
                let default = targets.default();
                // Fallible: a table of thousands of entries may not fit a device's heap.
                let mut list = Vec::new();
                list.try_reserve_exact(targets.len() as usize)
                    .map_err(|_| TranslateError::BranchTableOutOfMemory)?;
                for t in targets.targets() {
                    list.push(t?);
                }
                self.visit_br_table(list, default)?
            }
            Operator::Return => self.visit_return()?,
            #[cfg(feature = "exceptions")]
            Operator::Throw { tag_index } => self.visit_throw(tag_index)?,
            #[cfg(feature = "exceptions")]
            Operator::ThrowRef => self.visit_throw_ref()?,
            #[cfg(feature = "exceptions")]
            Operator::TryTable { try_table } => self.visit_try_table(try_table)?,
            #[cfg(feature = "exceptions")]
            Operator::Try { blockty } => self.visit_try(blockty)?,
            #[cfg(feature = "exceptions")]
            Operator::Catch { tag_index } => self.visit_catch(Some(tag_index))?,
            #[cfg(feature = "exceptions")]
            Operator::CatchAll => self.visit_catch(None)?,
            #[cfg(feature = "exceptions")]
            Operator::Delegate { relative_depth } => self.visit_delegate(relative_depth)?,
            #[cfg(feature = "exceptions")]
            Operator::Rethrow { relative_depth } => self.visit_rethrow(relative_depth)?,
            #[cfg(feature = "tail-call")]
            Operator::ReturnCall { function_index } => self.visit_return_call(function_index)?,
            #[cfg(feature = "tail-call")]
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.visit_return_call_indirect(type_index, table_index)?,
            #[cfg(feature = "gc")]
            Operator::RefAsNonNull => self.visit_ref_as_non_null()?,
            #[cfg(feature = "gc")]
            Operator::BrOnNull { relative_depth } => self.visit_br_on_null(relative_depth)?,
            #[cfg(feature = "gc")]
            Operator::BrOnNonNull { relative_depth } => {
                self.visit_br_on_non_null(relative_depth)?
            }
            #[cfg(feature = "gc")]
            Operator::CallRef { type_index } => self.visit_call_ref(type_index)?,
            #[cfg(feature = "gc")]
            Operator::RefI31 => self.unary(|dst, src| Op::RefI31 { dst, src })?,
            #[cfg(feature = "gc")]
            Operator::I31GetS => self.unary(|dst, src| Op::I31GetS { dst, src })?,
            #[cfg(feature = "gc")]
            Operator::I31GetU => self.unary(|dst, src| Op::I31GetU { dst, src })?,
            // Equal references are equal cells (`wisp_types::cells`).
            #[cfg(feature = "gc")]
            Operator::RefEq => self.binary(|dst, lhs, rhs| Op::I64Eq { dst, lhs, rhs })?,
            #[cfg(feature = "gc")]
            Operator::AnyConvertExtern => {
                self.unary(|dst, src| Op::AnyConvertExtern { dst, src })?
            }
            #[cfg(feature = "gc")]
            Operator::ExternConvertAny => {
                self.unary(|dst, src| Op::ExternConvertAny { dst, src })?
            }
            #[cfg(feature = "gc")]
            Operator::RefTestNonNull { hty } => self.visit_ref_test(false, hty)?,
            #[cfg(feature = "gc")]
            Operator::RefTestNullable { hty } => self.visit_ref_test(true, hty)?,
            #[cfg(feature = "gc")]
            Operator::RefCastNonNull { hty } => self.visit_ref_cast(false, hty)?,
            #[cfg(feature = "gc")]
            Operator::RefCastNullable { hty } => self.visit_ref_cast(true, hty)?,
            #[cfg(feature = "gc")]
            Operator::BrOnCast {
                relative_depth,
                to_ref_type,
                ..
            } => self.visit_br_on_cast(relative_depth, to_ref_type, true)?,
            #[cfg(feature = "gc")]
            Operator::BrOnCastFail {
                relative_depth,
                to_ref_type,
                ..
            } => self.visit_br_on_cast(relative_depth, to_ref_type, false)?,
            #[cfg(feature = "gc")]
            Operator::ReturnCallRef { type_index } => self.visit_return_call_ref(type_index)?,
            Operator::Call { function_index } => self.visit_call(function_index)?,
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.visit_call_indirect(type_index, table_index)?,
            Operator::Drop => {
                self.pop()?;
            }
            Operator::Select | Operator::TypedSelect { .. } => self.visit_select()?,
            Operator::V128Const { value } => {
                let dst = self.slot(self.stack.len());
                let b = value.i128() as u128;
                self.emit(Op::V128Const { dst });
                self.emit(Op::Arg {
                    a: b as u32,
                    b: (b >> 32) as u32,
                });
                self.emit(Op::Arg {
                    a: (b >> 64) as u32,
                    b: (b >> 96) as u32,
                });
                self.push(Operand::Temp);
            }
            Operator::V128Store { memarg } => {
                let access = self.access(&memarg)?;
                let (_, value) = self.pop_read()?;
                let (_, addr) = self.pop_read()?;
                match access {
                    Access::Fast(offset) => {
                        self.emit(Op::V128Store {
                            addr,
                            value,
                            offset,
                        });
                    }
                    Access::General(mem, offset) => {
                        self.emit(Op::V128StoreMem {
                            addr,
                            value,
                            memory: mem,
                        });
                        self.emit_offset(offset);
                    }
                }
            }
            Operator::V128Bitselect => {
                self.ternary(|dst, lhs, rhs| Op::V128Bitselect { dst, lhs, rhs })?
            }
            Operator::I8x16Shuffle { lanes } => {
                let (_, rhs) = self.pop_read()?;
                let (pos, lhs) = self.pop_read()?;
                let dst = self.slot(pos);
                let word = |i: usize| {
                    u32::from_le_bytes([lanes[i], lanes[i + 1], lanes[i + 2], lanes[i + 3]])
                };
                self.emit(Op::I8x16Shuffle { dst, lhs, rhs });
                self.emit(Op::Arg {
                    a: word(0),
                    b: word(4),
                });
                self.emit(Op::Arg {
                    a: word(8),
                    b: word(12),
                });
                self.push(Operand::Temp);
            }
            Operator::LocalGet { local_index } => {
                let (slot, _) = self.local(local_index)?;
                self.push(Operand::Local(slot))
            }
            Operator::LocalSet { local_index } => self.visit_local_set(local_index, false)?,
            Operator::LocalTee { local_index } => self.visit_local_set(local_index, true)?,
            Operator::GlobalGet { global_index } => {
                let dst = self.slot(self.stack.len());
                let index = GlobalIdx(global_index);
                if self.global_is_v128(index) {
                    self.emit(Op::GlobalGet2 { dst, index });
                    self.push(Operand::Temp);
                } else if let Some(index) = self.own_global(index) {
                    self.push_result(Op::GlobalGetOwn { dst, index });
                } else {
                    self.push_result(Op::GlobalGet { dst, index });
                }
            }
            Operator::GlobalSet { global_index } => {
                if self.fuse_global_step(GlobalIdx(global_index))? {
                    return Ok(());
                }
                let (_, src) = self.pop_read()?;
                let index = GlobalIdx(global_index);
                if self.global_is_v128(index) {
                    self.emit(Op::GlobalSet2 { src, index });
                } else if let Some(index) = self.own_global(index) {
                    self.emit(Op::GlobalSetOwn { src, index });
                } else {
                    self.emit(Op::GlobalSet { src, index });
                }
            }
            Operator::MemorySize { mem } => {
                let dst = self.slot(self.stack.len());
                if self.is_fast_memory(mem) {
                    self.push_result(Op::MemorySize { dst });
                } else {
                    self.push_result(Op::MemorySizeMem {
                        dst,
                        memory: MemIdx(mem),
                    });
                }
            }
            Operator::MemoryGrow { mem } => {
                if self.is_fast_memory(mem) {
                    self.unary(|dst, delta| Op::MemoryGrow { dst, delta })?;
                } else {
                    let memory = MemIdx(mem);
                    self.unary(|dst, delta| Op::MemoryGrowMem { dst, delta, memory })?;
                }
            }
            Operator::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3()?;
                if self.is_fast_memory(mem) {
                    self.emit(Op::MemoryInit { dst, src, len });
                    self.emit(Op::Arg {
                        a: data_index,
                        b: 0,
                    });
                } else {
                    self.emit(Op::MemoryInitMem { dst, src, len });
                    self.emit(Op::Arg {
                        a: data_index,
                        b: mem,
                    });
                }
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3()?;
                if dst_mem == src_mem && self.is_fast_memory(dst_mem) {
                    self.emit(Op::MemoryCopy { dst, src, len });
                } else {
                    self.emit(Op::MemoryCopyMem { dst, src, len });
                    self.emit(Op::Arg {
                        a: dst_mem,
                        b: src_mem,
                    });
                }
            }
            Operator::MemoryFill { mem } => {
                let (dst, value, len) = self.pop3()?;
                if self.is_fast_memory(mem) {
                    self.emit(Op::MemoryFill { dst, value, len });
                } else {
                    self.emit(Op::MemoryFillMem { dst, value, len });
                    self.emit(Op::Arg { a: mem, b: 0 });
                }
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    data: DataIdx(data_index),
                });
            }
            // A null reference is the zero cell, so `ref.is_null` is a test for zero.
            Operator::RefNull { .. } => self.push(Operand::Const(0)),
            Operator::RefIsNull => self.unary(|dst, src| Op::I64Eqz { dst, src })?,
            Operator::RefFunc { function_index } => {
                let dst = self.slot(self.stack.len());
                self.push_result(Op::RefFunc {
                    dst,
                    func: FuncIdx(function_index),
                });
            }
            Operator::TableGet { table } => {
                let is64 = self.is_table64(table);
                let (pos, index) = self.pop_index(is64)?;
                let dst = self.slot(pos);
                self.push_result(Op::TableGet {
                    dst,
                    index,
                    table: TableIdx(table),
                });
            }
            Operator::TableSet { table } => {
                let (_, value) = self.pop_read()?;
                let (_, index) = self.pop_index(self.is_table64(table))?;
                self.emit(Op::TableSet {
                    index,
                    value,
                    table: TableIdx(table),
                });
            }
            Operator::TableSize { table } => {
                let dst = self.slot(self.stack.len());
                self.push_result(Op::TableSize {
                    dst,
                    table: TableIdx(table),
                });
            }
            Operator::TableGrow { table } => {
                let (_, delta) = self.pop_index(self.is_table64(table))?;
                let (pos, init) = self.pop_read()?;
                let dst = self.slot(pos);
                self.emit(Op::TableGrow { dst, init, delta });
                self.emit(Op::Arg { a: table, b: 0 });
                self.push(Operand::Temp);
            }
            Operator::TableFill { table } => {
                let is64 = self.is_table64(table);
                let (_, len) = self.pop_index(is64)?;
                let (_, value) = self.pop_read()?;
                let (_, index) = self.pop_index(is64)?;
                self.emit(Op::TableFill { index, value, len });
                self.emit(Op::Arg { a: table, b: 0 });
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst64, src64) = (self.is_table64(dst_table), self.is_table64(src_table));
                let (_, len) = self.pop_index(dst64 && src64)?;
                let (_, src) = self.pop_index(src64)?;
                let (_, dst) = self.pop_index(dst64)?;
                self.emit(Op::TableCopy { dst, src, len });
                self.emit(Op::Arg {
                    a: dst_table,
                    b: src_table,
                });
            }
            Operator::TableInit { elem_index, table } => {
                let (_, len) = self.pop_read()?;
                let (_, src) = self.pop_read()?;
                let (_, dst) = self.pop_index(self.is_table64(table))?;
                self.emit(Op::TableInit { dst, src, len });
                self.emit(Op::Arg {
                    a: table,
                    b: elem_index,
                });
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    elem: ElemIdx(elem_index),
                });
            }
            Operator::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            Operator::I64Const { value } => self.push(Operand::Const(value as u64)),
            Operator::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            Operator::F64Const { value } => self.push(Operand::Const(value.bits())),
            // A 32-bit value is the low half of its cell, so these change nothing.
            Operator::I32WrapI64
            | Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64 => {}
            // Not `{other:?}`: wasmparser's `Debug` of every operator is 30 KiB of flash.
            // The error carries the instruction's offset.
            _ => return Err(TranslateError::UnsupportedOperator),
        }
        Ok(())
    }

    /// Pops three operands, returning their slots bottom first.
    /// Whether table `table` is indexed by `i64`.
    pub(super) fn is_table64(&self, table: u32) -> bool {
        self.module
            .tables
            .get(table as usize)
            .is_some_and(|t| t.ty.table64)
    }

    /// Pops an index or a length of a table, cut to 32 bits when the table is 64-bit
    /// (`is64`): the table instructions read 32 bits (`TableIndex64`).
    pub(super) fn pop_index(&mut self, is64: bool) -> Result<(usize, Slot), TranslateError> {
        let (pos, src) = self.pop_read()?;
        if !is64 {
            return Ok((pos, src));
        }
        let dst = self.slot(pos);
        self.emit(Op::TableIndex64 { dst, src });
        Ok((pos, dst))
    }

    pub(super) fn pop3(&mut self) -> Result<(Slot, Slot, Slot), TranslateError> {
        let (_, c) = self.pop_read()?;
        let (_, b) = self.pop_read()?;
        let (_, a) = self.pop_read()?;
        Ok((a, b, c))
    }

    pub(super) fn unary(&mut self, make: impl FnOnce(Slot, Slot) -> Op) -> TResult {
        let (pos, src) = self.pop_read()?;
        let dst = self.slot(pos);
        self.push_result(make(dst, src));
        Ok(())
    }

    /// [`Self::unary`] for the operator table's families: out of line and not generic,
    /// one copy for all of them, so that the `match` over operators stays small (its
    /// frame too: a device translating on its own stack felt each arm's temporaries).
    #[inline(never)]
    fn unary_op(&mut self, make: fn(Slot, Slot) -> Op) -> TResult {
        self.unary(make)
    }

    /// [`Self::binary`] for the operator table's families, as [`Self::unary_op`].
    #[inline(never)]
    fn binary_op(&mut self, make: fn(Slot, Slot, Slot) -> Op) -> TResult {
        self.binary(make)
    }

    pub(super) fn binary(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Op) -> TResult {
        let (_, rhs) = self.pop_read()?;
        let (pos, lhs) = self.pop_read()?;
        let dst = self.slot(pos);
        self.push_result(make(dst, lhs, rhs));
        Ok(())
    }

    /// Four operands to two results (`i64.add128`, `i64.sub128`): the left pair in the
    /// instruction, the right pair in an `Arg` after it.
    #[inline(never)]
    fn four_to_two(&mut self, make: fn(Slot, Slot, Slot) -> Op) -> TResult {
        let (_, rhs_hi) = self.pop_read()?;
        let (_, rhs_lo) = self.pop_read()?;
        let (_, lhs_hi) = self.pop_read()?;
        let (pos, lhs_lo) = self.pop_read()?;
        let dst = self.slot(pos);
        self.emit(make(dst, lhs_lo, lhs_hi));
        self.emit(Op::Arg {
            a: rhs_lo.0,
            b: rhs_hi.0,
        });
        self.push_pair(pos);
        Ok(())
    }

    /// Two operands to two results (`i64.mul_wide_s`, `i64.mul_wide_u`).
    #[inline(never)]
    fn two_to_two(&mut self, make: fn(Slot, Slot, Slot) -> Op) -> TResult {
        let (_, rhs) = self.pop_read()?;
        let (pos, lhs) = self.pop_read()?;
        let dst = self.slot(pos);
        self.emit(make(dst, lhs, rhs));
        self.push_pair(pos);
        Ok(())
    }

    /// Pushes the two results of an instruction that wrote the slot of `pos` and the cell
    /// after it. In a narrow function that cell is the slot of `pos + 1`; in a wide one
    /// it is the upper cell of `pos`'s, and the high half is copied up. Neither result
    /// is `fusable`: a `local.set` may not retarget an instruction with two.
    fn push_pair(&mut self, pos: usize) {
        let dst = self.slot(pos);
        self.push(Operand::Temp);
        if self.wide {
            let hi = self.slot(pos + 1);
            self.emit(Op::Copy {
                dst: hi,
                src: dst.plus(1),
            });
        }
        self.push(Operand::Temp);
    }

    /// A constant right operand that fits in 32 bits becomes an immediate.
    #[inline(never)]
    fn binary_imm(
        &mut self,
        is64: bool,
        make: fn(Slot, Slot, Slot) -> Op,
        make_imm: fn(Slot, Slot, Imm32) -> Op,
    ) -> TResult {
        if let Some(&Operand::Const(c)) = self.stack.last().filter(|_| self.fused()) {
            if !is64 || c as i64 == c as i32 as i64 {
                self.pop()?;
                let (pos, lhs) = self.pop_read()?;
                let dst = self.slot(pos);
                self.push_result(make_imm(dst, lhs, Imm32(c as u32)));
                return Ok(());
            }
        }
        self.binary(make)
    }

    /// Global `index` counted among those the module defines, if it defines it and the
    /// fused forms are on: `GlobalGetOwn` and `GlobalSetOwn` reach it from the
    /// instance's first defined global, which instantiation allocates with the others in
    /// a row.
    pub(super) fn own_global(&self, index: GlobalIdx) -> Option<GlobalIdx> {
        let imported = self.module.num_imported_globals;
        (self.fused() && index.0 >= imported).then(|| GlobalIdx(index.0 - imported))
    }

    fn global_is_v128(&self, index: GlobalIdx) -> bool {
        self.module
            .globals
            .get(index.0 as usize)
            .is_some_and(|g| g.ty.content == ValType::V128)
    }

    fn type_has_v128(t: &wisp_types::FuncType) -> bool {
        t.params().contains(&ValType::V128) || t.results().contains(&ValType::V128)
    }

    /// Whether `op` can put a `v128` on the operand stack or take one off it.
    fn needs_wide(&self, op: &Operator<'_>) -> bool {
        let m = self.module;
        match op {
            Operator::Call { function_index } | Operator::ReturnCall { function_index } => m
                .func_type(*function_index)
                .is_some_and(Self::type_has_v128),
            Operator::Throw { tag_index } | Operator::Catch { tag_index } => {
                m.tag_type(*tag_index).is_some_and(Self::type_has_v128)
            }
            Operator::CallIndirect { type_index, .. }
            | Operator::ReturnCallIndirect { type_index, .. }
            | Operator::CallRef { type_index }
            | Operator::ReturnCallRef { type_index } => {
                m.func_type_at(*type_index).is_some_and(Self::type_has_v128)
            }
            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => {
                self.global_is_v128(GlobalIdx(*global_index))
            }
            Operator::Block { blockty }
            | Operator::Loop { blockty }
            | Operator::If { blockty }
            | Operator::Try { blockty } => {
                wisp_parse::block_type(*blockty, &m.types, 0).is_ok_and(|t| Self::type_has_v128(&t))
            }
            Operator::TryTable { try_table } => wisp_parse::block_type(try_table.ty, &m.types, 0)
                .is_ok_and(|t| Self::type_has_v128(&t)),
            Operator::TypedSelect { ty } => *ty == wisp_parse::wasmparser::ValType::V128,
            #[cfg(feature = "simd")]
            op if super::relaxed::is_strict_form(op) => true,
            #[cfg(feature = "gc")]
            op => is_vector_op(op) || self.aggregate_needs_wide(op),
            #[cfg(not(feature = "gc"))]
            op => is_vector_op(op),
        }
    }

    /// Three vectors to one, the third in an `Arg` after the instruction.
    pub(super) fn ternary(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Op) -> TResult {
        let (_, third) = self.pop_read()?;
        let (_, rhs) = self.pop_read()?;
        let (pos, lhs) = self.pop_read()?;
        let dst = self.slot(pos);
        self.emit(make(dst, lhs, rhs));
        self.emit(Op::Arg { a: third.0, b: 0 });
        self.push(Operand::Temp);
        Ok(())
    }

    fn visit_select(&mut self) -> TResult {
        let (_, cond) = self.pop_read()?;
        let (_, if_false) = self.pop_read()?;
        let (pos, if_true) = self.pop_read()?;
        let dst = self.slot(pos);
        // A wide function does not know the operands' type: move both cells.
        if self.wide {
            self.emit(Op::Select2 { dst, cond, if_true });
        } else {
            self.emit(Op::Select { dst, cond, if_true });
        }
        self.emit(Op::Arg {
            a: if_false.0,
            b: 0,
        });
        self.push(Operand::Temp);
        Ok(())
    }

    /// How far below the top a `local.set` looks for aliases before it materializes
    /// them instead: deeper stacks are rare.
    const LONG_ALIAS_SCAN: usize = 64;

    fn visit_local_set(&mut self, index: u32, tee: bool) -> TResult {
        let (local, two) = self.local(index)?;
        if self.set_known_zero(index, tee) {
            return Ok(());
        }
        let top_pos = self
            .stack
            .len()
            .checked_sub(1)
            .ok_or(TranslateError::StackUnderflow)?;
        // Aliases are looked for above `locals_from` only. After a long look, every
        // `Local` looked at is put in its own slot (a copy each, once) and the mark
        // rises, so that `local.set`s under a deep stack do not each scan all of it.
        let from = self.locals_from.min(top_pos);
        if top_pos - from > Self::LONG_ALIAS_SCAN {
            self.reserve(top_pos - from)?;
            for pos in from..top_pos {
                if let Operand::Local(_) = self.stack[pos] {
                    self.materialize(pos);
                }
            }
            self.locals_from = top_pos;
        }
        let from = self.locals_from.min(top_pos);
        let aliased = self.stack[from..].contains(&Operand::Local(local));
        // `x = a + b; local.set l` becomes `l = a + b` when nothing else needs the old `l`.
        if let (false, Some(idx), Some(Operand::Temp)) =
            (aliased, self.fusable, self.stack.last().copied())
        {
            let top_slot = self.slot(top_pos);
            if let Some(dst) = self.ops[idx].dst_mut() {
                if *dst == top_slot {
                    *dst = local;
                    self.fusable = None;
                    self.stack.pop();
                    if tee {
                        self.push(Operand::Local(local));
                    }
                    self.pair_steps(idx);
                    return Ok(());
                }
            }
        }
        if aliased {
            for pos in from..top_pos {
                if self.stack[pos] == Operand::Local(local) {
                    self.materialize(pos);
                }
            }
        }
        self.move_to(local, top_pos, two);
        self.stack.pop();
        if tee {
            self.push(Operand::Local(local));
        }
        Ok(())
    }
}
