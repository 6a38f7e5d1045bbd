//! Exception handling: `throw`, `throw_ref`, `try_table`, and the legacy `try`,
//! `catch`, `catch_all`, `delegate` and `rethrow`.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>
//! (legacy: <https://github.com/WebAssembly/exception-handling/blob/main/proposals/exception-handling/legacy/Exceptions.md>)
//!
//! A `try_table` emits no instruction. Its clauses become entries of the function's
//! handler table ([`Catch`]), added when the `try_table` ends, so that a search in
//! order meets the innermost first. Each names the cells where its label expects its
//! values (the payload, then an `exnref`) and where the label goes on: a loop's start,
//! a block's end (patched when that block ends, like a forward branch), or for the
//! function's label a return sequence placed after the function's code.
//!
//! A legacy `try` is a block whose `catch` clauses are code, entered like an `else`
//! arm: each clause's entry covers the `try`'s body and goes on at the clause's first
//! instruction, with the payload at the block's height. A `rethrow` in a clause throws
//! the exception it caught again, so a clause that some `rethrow` names keeps its
//! exception in a cell after the locals, one per level of nesting of clauses: below the
//! operand stack, where no callee's frame reaches. How many is known only at the end,
//! so such a function is translated a second time with them reserved.
//! `delegate` is an entry that catches nothing and limits the rest of the search to
//! the handlers at or outside its label.

use super::{Ctrl, CtrlKind, Op, Operand, TResult, TranslateError, Translator};
use crate::ir::{InstrIdx, Slot, TagIdx};
use crate::Catch;
use alloc::vec::Vec;
use wisp_parse::wasmparser::{self, BlockType};

/// What a `try_table` or a legacy `try` finishes at its end.
#[derive(Debug, Default)]
pub(super) struct TryState {
    /// A `try_table`'s clauses, with the label each goes to (its index in the control
    /// stack), waiting for the body's end.
    clauses: Vec<(Catch, usize)>,
    /// A legacy `try`: the end of its body, once a `catch` is reached.
    body_end: Option<InstrIdx>,
    /// A legacy `try`: its clauses' entries in `Translator::handlers`.
    entries: Vec<usize>,
    /// A legacy `try`: which kept cell its clauses use, and whether a `rethrow` reads it.
    keep: u32,
    rethrown: bool,
}

/// What the function's end finishes.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// Handlers that go on at the function's label.
    to_return: Vec<usize>,
    /// `ThrowRef`s of legacy `rethrow`s, whose `exn` is a kept cell's number.
    rethrows: Vec<usize>,
    /// Kept cells needed: the deepest nesting of legacy `catch` clauses.
    kept: u32,
    /// Kept cells reserved after the locals for this translation.
    reserved: u32,
    /// Legacy `catch` clauses the translation is in.
    catch_depth: u32,
}

impl Pending {
    pub(super) fn new(reserved: u32) -> Pending {
        Pending {
            reserved,
            ..Pending::default()
        }
    }
}

/// Marks a `Catch::keep` or a `rethrow`'s `exn` as the number of a kept cell until the
/// frame's size is known.
const NO_KEEP: u32 = u32::MAX;

impl Translator<'_> {
    fn wide_kind(&self) -> u8 {
        if self.wide {
            Catch::WIDE
        } else {
            0
        }
    }

    /// The number of values of tag `tag`.
    fn tag_arity(&self, tag: u32) -> Result<usize, TranslateError> {
        Ok(self
            .module
            .tag_type(tag)
            .ok_or(TranslateError::Unknown("tag"))?
            .params()
            .len())
    }

    pub(super) fn visit_throw(&mut self, tag: u32) -> TResult {
        let ty = self
            .module
            .tag_type(tag)
            .ok_or(TranslateError::Unknown("tag"))?
            .clone();
        let base = self.prepare_call(ty.params(), &[])?;
        self.emit(Op::Throw {
            tag: TagIdx(tag),
            base,
        });
        // The payload is copied out before anything is allocated.
        self.safepoint(self.stack.len())?;
        self.unreachable_rest();
        Ok(())
    }

    pub(super) fn visit_throw_ref(&mut self) -> TResult {
        let (pos, exn) = self.pop_read()?;
        self.emit(Op::ThrowRef { exn });
        self.safepoint(pos + 1)?;
        self.unreachable_rest();
        Ok(())
    }

    pub(super) fn visit_try_table(&mut self, t: wasmparser::TryTable) -> TResult {
        let mut clauses = Vec::new();
        clauses
            .try_reserve_exact(t.catches.len())
            .map_err(|_| TranslateError::BranchTableOutOfMemory)?;
        let start = self.pc().0;
        // Labels are counted from outside the `try_table`.
        for c in t.catches {
            let (tag, kind, label) = match c {
                wasmparser::Catch::One { tag, label } => (tag, 0, label),
                wasmparser::Catch::OneRef { tag, label } => (tag, Catch::REF, label),
                wasmparser::Catch::All { label } => (Catch::ALL, 0, label),
                wasmparser::Catch::AllRef { label } => (Catch::ALL, Catch::REF, label),
            };
            let at = self
                .ctrl
                .len()
                .checked_sub(1 + label as usize)
                .ok_or(TranslateError::Unknown("label"))?;
            let dst = self.slot(self.ctrl[at].height as usize);
            let catch = Catch {
                start,
                end: start,
                tag,
                kind: kind | self.wide_kind(),
                depth: self.ctrl.len() as u32,
                dst,
                target: 0,
                keep: NO_KEEP,
            };
            clauses.push((catch, at));
        }
        self.push_ctrl(CtrlKind::Try, t.ty)?;
        self.top_ctrl()?.try_state = Some(alloc::boxed::Box::new(TryState {
            clauses,
            ..TryState::default()
        }));
        Ok(())
    }

    /// At a block's end: a `try_table`'s clauses join the handler table, a legacy
    /// `try`'s decide whether they keep their exception.
    pub(super) fn finish_try(&mut self, frame: &Ctrl) {
        let Some(state) = &frame.try_state else {
            return;
        };
        if frame.kind == CtrlKind::Catch {
            self.eh.catch_depth -= 1;
        }
        for &e in &state.entries {
            if !state.rethrown {
                self.handlers[e].keep = NO_KEEP;
            }
        }
        let end = self.pc().0;
        for &(mut c, label) in &state.clauses {
            c.end = end;
            let index = self.handlers.len();
            match self.ctrl[label].kind {
                CtrlKind::Loop => c.target = self.ctrl[label].start.0,
                CtrlKind::Func => self.eh.to_return.push(index),
                _ => self.ctrl[label].handler_fixups.push(index),
            }
            self.handlers.push(c);
        }
    }

    pub(super) fn visit_try(&mut self, bt: BlockType) -> TResult {
        self.push_ctrl(CtrlKind::Try, bt)?;
        self.top_ctrl()?.try_state = Some(alloc::boxed::Box::default());
        Ok(())
    }

    /// A legacy `catch` (`tag` some) or `catch_all`: ends the body or the clause before,
    /// and starts a clause that receives the payload at the block's height.
    pub(super) fn visit_catch(&mut self, tag: Option<u32>) -> TResult {
        self.end_arm()?;
        let pc = self.pc();
        let depth = self.ctrl.len() as u32 - 1;
        let wide = self.wide_kind();
        let n_values = match tag {
            Some(t) => self.tag_arity(t)?,
            None => 0,
        };
        let entering = self.top_ctrl()?.kind == CtrlKind::Try;
        if entering {
            self.eh.catch_depth += 1;
            self.eh.kept = self.eh.kept.max(self.eh.catch_depth);
        }
        let keep = self.eh.catch_depth - 1;
        let frame = self.top_ctrl()?;
        frame.kind = CtrlKind::Catch;
        let height = frame.height;
        let state = frame
            .try_state
            .as_mut()
            .ok_or(TranslateError::ControlUnderflow)?;
        let body_end = *state.body_end.get_or_insert(pc);
        state.keep = keep;
        let start = frame.start.0;
        let entry = Catch {
            start,
            end: body_end.0,
            tag: tag.unwrap_or(Catch::ALL),
            kind: wide,
            depth,
            dst: self.slot(height as usize),
            target: pc.0,
            keep,
        };
        let index = self.handlers.len();
        self.handlers.push(entry);
        if let Some(s) = self.top_ctrl()?.try_state.as_mut() {
            s.entries.push(index);
        }
        self.stack.truncate(height as usize);
        for _ in 0..n_values {
            self.push(Operand::Temp);
        }
        if let Some(ty) = tag.and_then(|t| self.module.tag_type(t)) {
            let params = ty.params().to_vec();
            self.type_values(&params);
        }
        self.reachable = true;
        self.start_basic_block();
        Ok(())
    }

    /// A legacy `delegate`: ends the `try`, whose body's exceptions go on to the
    /// handlers at or outside label `label` (counted from outside the `try`).
    pub(super) fn visit_delegate(&mut self, label: u32) -> TResult {
        if self.reachable {
            self.place_block_results()?;
        }
        let frame = self.ctrl.pop().ok_or(TranslateError::ControlUnderflow)?;
        let target = (self.ctrl.len() as u32)
            .checked_sub(1 + label)
            .ok_or(TranslateError::Unknown("label"))?;
        self.handlers.push(Catch {
            start: frame.start.0,
            end: self.pc().0,
            tag: Catch::ALL,
            kind: Catch::DELEGATE,
            depth: self.ctrl.len() as u32,
            dst: Slot(0),
            target,
            keep: NO_KEEP,
        });
        self.close_block(frame)
    }

    /// A legacy `rethrow` of the exception caught by the clause at label `label`.
    pub(super) fn visit_rethrow(&mut self, label: u32) -> TResult {
        let at = self
            .ctrl
            .len()
            .checked_sub(1 + label as usize)
            .ok_or(TranslateError::Unknown("label"))?;
        let state = self.ctrl[at]
            .try_state
            .as_mut()
            .ok_or(TranslateError::Unknown("catch label"))?;
        state.rethrown = true;
        let keep = state.keep;
        let i = self.emit(Op::ThrowRef { exn: Slot(keep) });
        self.eh.rethrows.push(i);
        self.safepoint(self.stack.len())?;
        self.unreachable_rest();
        Ok(())
    }

    /// After the last instruction: the return sequence that handlers to the function's
    /// label go to, and the kept cells' slots, after the locals (or `NeedKept` if this
    /// translation reserved too few). Returns the frame's size.
    pub(super) fn finish_handlers(&mut self) -> Result<u64, TranslateError> {
        if !self.eh.to_return.is_empty() {
            let pc = self.pc().0;
            self.stack.truncate(0);
            self.temps_below = 0;
            for _ in 0..self.results.len() {
                self.push(Operand::Temp);
            }
            self.emit_return()?;
            for &h in &self.eh.to_return {
                self.handlers[h].target = pc;
            }
        }
        // Without a `rethrow` no clause keeps its exception (see `finish_try`).
        if !self.eh.rethrows.is_empty() && self.eh.kept > self.eh.reserved {
            return Err(TranslateError::NeedKept(self.eh.kept));
        }
        let kept_base = self.n_locals - self.eh.reserved;
        for c in self.handlers.iter_mut().filter(|c| c.keep != NO_KEEP) {
            c.keep += kept_base;
        }
        for &i in &self.eh.rethrows {
            if let Op::ThrowRef { exn } = &mut self.ops[i] {
                *exn = exn.plus(kept_base);
            }
        }
        Ok(self.frame_cells())
    }
}
