//! Typed references: `ref.as_non_null`, `br_on_null`, `br_on_non_null`, `call_ref`,
//! `return_call_ref`, and of the GC instructions those that need no heap object:
//! `ref.i31`, `i31.get_*`, `ref.eq`, the conversions between `any` and `extern`,
//! `ref.test`, `ref.cast`, `br_on_cast` and `br_on_cast_fail`.
//! Spec: <https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions>
//!
//! Null is the zero cell in every reference type, so the branches on null are the
//! branches on zero.

use super::{Operand, TResult, TranslateError, Translator};
use crate::ir::{CastTarget, Op};
use wisp_parse::wasmparser;

impl Translator<'_> {
    /// Traps on null; otherwise the value stays on the stack as it was.
    pub(super) fn visit_ref_as_non_null(&mut self) -> TResult {
        let (pos, v) = self.pop()?;
        let src = self.read(pos, v);
        self.emit(Op::RefAsNonNull { src });
        // A constant was written to the slot it is read from.
        self.push(match v {
            Operand::Const(_) => Operand::Temp,
            v => v,
        });
        Ok(())
    }

    /// Puts the reference on top of the stack into its own cell, where the branch
    /// reads it and where it stays for the code after.
    fn reference_in_place(&mut self) -> Result<usize, TranslateError> {
        let pos = self
            .stack
            .len()
            .checked_sub(1)
            .ok_or(TranslateError::StackUnderflow)?;
        self.materialize_from(pos);
        Ok(pos)
    }

    /// `br_on_null`: branches without the reference when it is null; otherwise it
    /// stays, known non-null.
    pub(super) fn visit_br_on_null(&mut self, depth: u32) -> TResult {
        let pos = self.reference_in_place()?;
        let cond = self.slot(pos);
        self.pop()?;
        self.branch_on_cell(depth, cond, true)?;
        self.push(Operand::Temp);
        Ok(())
    }

    /// `br_on_non_null`: branches with the reference (the label's last value) when it
    /// is not null; otherwise drops it.
    pub(super) fn visit_br_on_non_null(&mut self, depth: u32) -> TResult {
        let pos = self.reference_in_place()?;
        let cond = self.slot(pos);
        self.branch_on_cell(depth, cond, false)?;
        self.pop()?;
        Ok(())
    }

    pub(super) fn visit_call_ref(&mut self, ty: u32) -> TResult {
        let t = self.func_type_at(ty)?;
        let (_, callee) = self.pop_read()?;
        let base = self.prepare_call(t.params(), t.results())?;
        self.emit(Op::CallRef { callee, base });
        self.call_safepoint(t.results().len())?;
        self.unpack_results(base, t.results());
        Ok(())
    }

    pub(super) fn visit_return_call_ref(&mut self, ty: u32) -> TResult {
        let t = self.func_type_at(ty)?;
        let (_, callee) = self.pop_read()?;
        let call = Op::ReturnCallRef {
            callee,
            base: crate::ir::Slot(0),
        };
        self.tail_call(&t, call, None)
    }
}

impl Translator<'_> {
    /// The operand of a cast's target type.
    fn cast_target(
        &self,
        nullable: bool,
        heap: wasmparser::HeapType,
    ) -> Result<CastTarget, TranslateError> {
        let heap = wisp_parse::heap_type(heap, &self.module.types, self.offset)?;
        CastTarget::new(nullable, heap).ok_or(TranslateError::Unknown("type"))
    }

    pub(super) fn visit_ref_test(&mut self, nullable: bool, heap: wasmparser::HeapType) -> TResult {
        let to = self.cast_target(nullable, heap)?;
        let (pos, src) = self.pop_read()?;
        let dst = self.slot(pos);
        self.push_result(Op::RefTest { dst, src, to });
        Ok(())
    }

    pub(super) fn visit_ref_cast(&mut self, nullable: bool, heap: wasmparser::HeapType) -> TResult {
        let to = self.cast_target(nullable, heap)?;
        let (pos, v) = self.pop()?;
        let src = self.read(pos, v);
        self.emit(Op::RefCast { src, to });
        self.push(match v {
            Operand::Const(_) => Operand::Temp,
            v => v,
        });
        Ok(())
    }

    /// `br_on_cast` (`on_match`) and `br_on_cast_fail`: the reference stays on the
    /// stack, the label's last value if the branch is taken; the test's result goes in
    /// the cell above it, which no move of the branch writes.
    pub(super) fn visit_br_on_cast(
        &mut self,
        depth: u32,
        to: wasmparser::RefType,
        on_match: bool,
    ) -> TResult {
        let cast = self.cast_target(to.is_nullable(), to.heap_type())?;
        let pos = self.reference_in_place()?;
        let (src, dst) = (self.slot(pos), self.slot(pos + 1));
        // Counted in the frame, as an operand would be.
        self.push(Operand::Temp);
        self.pop()?;
        self.emit(Op::RefTest { dst, src, to: cast });
        self.branch_on_cell(depth, dst, !on_match)
    }
}
