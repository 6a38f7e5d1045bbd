//! Typed function references: `ref.as_non_null`, `br_on_null`, `br_on_non_null`,
//! `call_ref` and `return_call_ref`.
//! Spec: <https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions>
//!
//! Null is the zero cell in every reference type, so the branches on null are the
//! branches on zero.

use super::{Operand, TResult, TranslateError, Translator};
use crate::ir::Op;

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
