//! Control instructions: blocks, branches, calls and returns.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>

use super::{Ctrl, CtrlKind, Op, Operand, TResult, TranslateError, Translator};
use crate::ir::{DefinedFuncIdx, FuncIdx, InstrIdx, MemOffset, Slot, TypeIdx};
use alloc::vec::Vec;
use wisp_parse::wasmparser::BlockType;

/// A branch carrying more values than this moves them with one `CopyCells`, after
/// putting each in its own slot once: otherwise every `br_if` repeated on the same
/// values, and every label of a `br_table`, would emit a move per value, code growing
/// with the product of two input sizes. Branches carrying fewer (nearly all) keep one
/// move per value, which folds constants and locals in.
const COPY_CELLS_FROM: usize = 8;

impl Translator<'_> {
    fn block_arity(&self, bt: BlockType) -> Result<(u32, u32), TranslateError> {
        let ty = wisp_parse::block_type(bt, &self.module.types, self.offset)?;
        Ok((ty.params().len() as u32, ty.results().len() as u32))
    }

    pub(super) fn push_ctrl(&mut self, kind: CtrlKind, bt: BlockType) -> TResult {
        let (n_params, n_results) = self.block_arity(bt)?;
        // Values that cross into a block live in their own slots, so that every path
        // through the block sees them in the same place.
        self.materialize_from(0);
        let height = self.stack.len() as u32 - n_params;
        let start = self.pc();
        self.ctrl.push(Ctrl::new(
            kind,
            (height, n_params, n_results),
            start,
            Some(bt),
        ));
        Ok(())
    }

    pub(super) fn visit_block(&mut self, bt: BlockType) -> TResult {
        self.push_ctrl(CtrlKind::Block, bt)
    }

    pub(super) fn visit_loop(&mut self, bt: BlockType) -> TResult {
        self.push_ctrl(CtrlKind::Loop, bt)?;
        self.start_basic_block();
        Ok(())
    }

    /// If the condition on top of the stack was computed by the last instruction for
    /// this branch alone, that instruction and the branch fused (target zero).
    fn fusable_condition(&mut self, negate: bool) -> Option<(usize, Op)> {
        let idx = self.fusable?;
        let top = self.stack.len().checked_sub(1)?;
        if self.stack[top] != Operand::Temp || idx + 1 != self.ops.len() {
            return None;
        }
        let slot = self.slot(top);
        let dst = self.ops[idx].dst_mut().map(|d| *d);
        if dst != Some(slot) {
            return None;
        }
        // `eqz` and its branch are one plain `BrIfEqz`/`BrIfNez`, which every build has;
        // a comparison and its branch a fused form.
        let op = self.ops[idx].fuse_branch(negate)?;
        let plain = matches!(op, Op::BrIfEqz { .. } | Op::BrIfNez { .. });
        (plain || self.fused()).then_some((idx, op))
    }

    /// Pops the condition and emits a branch to `target` taken when it is non-zero
    /// (`when_true`) or zero, fused with the comparison that computed it if possible.
    fn emit_cond_branch(
        &mut self,
        when_true: bool,
        target: InstrIdx,
    ) -> Result<usize, TranslateError> {
        if let Some((idx, mut op)) = self.fusable_condition(!when_true) {
            self.stack.pop();
            if let Some(t) = op.target_mut() {
                *t = target;
            }
            self.ops[idx] = op;
            self.fusable = None;
            return Ok(idx);
        }
        let (_, cond) = self.pop_read()?;
        Ok(self.emit(if when_true {
            Op::BrIfNez { cond, target }
        } else {
            Op::BrIfEqz { cond, target }
        }))
    }

    pub(super) fn visit_if(&mut self, bt: BlockType) -> TResult {
        let fused = self.fusable_condition(true);
        let (_, cond) = self.pop_read()?;
        self.push_ctrl(CtrlKind::If, bt)?;
        // Entering the block may have moved values into their slots; then the comparison
        // is no longer the last instruction and the plain branch reads its result.
        let jump = match fused {
            Some((idx, op)) if idx + 1 == self.ops.len() => {
                self.ops[idx] = op;
                idx
            }
            _ => self.emit(Op::BrIfEqz {
                cond,
                target: InstrIdx(0),
            }),
        };
        if let Some(c) = self.ctrl.last_mut() {
            c.else_fixup = Some(jump);
        }
        Ok(())
    }

    /// Ends an arm of the innermost block (an `if`'s, a legacy `try`'s body or
    /// clause) where another begins: its results go to their slots, and a jump to the
    /// block's end, when the arm's end is reachable.
    pub(super) fn end_arm(&mut self) -> TResult {
        if self.reachable {
            self.place_block_results()?;
            let jump = self.emit(Op::Br {
                target: InstrIdx(0),
            });
            self.top_ctrl()?.fixups.push(jump);
        }
        Ok(())
    }

    pub(super) fn visit_else(&mut self) -> TResult {
        self.end_arm()?;
        let pc = self.pc();
        let frame = self.top_ctrl()?;
        frame.kind = CtrlKind::Else;
        let else_jump = frame.else_fixup.take();
        let (height, n_params, ty) = (frame.height, frame.n_params, frame.ty);
        if let Some(j) = else_jump {
            self.patch(j, pc);
        }
        // The else arm starts from the block's parameters, still in their slots.
        self.stack.truncate(height as usize);
        for _ in 0..n_params {
            self.push(Operand::Temp);
        }
        self.type_block(ty, true);
        self.reachable = true;
        self.start_basic_block();
        Ok(())
    }

    pub(super) fn visit_end(&mut self) -> TResult {
        if self.ctrl.len() == 1 {
            // The end of the function.
            if self.reachable {
                self.materialize_carried(0)?;
                self.emit_return()?;
            }
            self.ctrl.pop();
            return Ok(());
        }
        if self.reachable {
            self.place_block_results()?;
        }
        let frame = self.ctrl.pop().ok_or(TranslateError::ControlUnderflow)?;
        self.close_block(frame)
    }

    /// Ends block `frame`, already popped: its branches and handlers go on here, where
    /// its results are.
    pub(super) fn close_block(&mut self, frame: Ctrl) -> TResult {
        #[cfg(feature = "exceptions")]
        self.finish_try(&frame);
        let pc = self.pc();
        for f in frame.fixups.iter().copied().chain(frame.else_fixup) {
            self.patch(f, pc);
        }
        for &h in &frame.handler_fixups {
            self.handlers[h].target = pc.0;
        }
        self.stack.truncate(frame.height as usize);
        for _ in 0..frame.n_results {
            self.push(Operand::Temp);
        }
        self.type_block(frame.ty, false);
        self.reachable = true;
        self.start_basic_block();
        Ok(())
    }

    /// At a block's end its results must be in the slots of their heights.
    pub(super) fn place_block_results(&mut self) -> TResult {
        let frame = self.ctrl.last().ok_or(TranslateError::ControlUnderflow)?;
        let from = frame.height as usize;
        self.materialize_from(from);
        Ok(())
    }

    pub(super) fn top_ctrl(&mut self) -> Result<&mut Ctrl, TranslateError> {
        self.ctrl.last_mut().ok_or(TranslateError::ControlUnderflow)
    }

    pub(super) fn patch(&mut self, at: usize, target: InstrIdx) {
        if let Some(t) = self.ops[at].target_mut() {
            *t = target;
        }
    }

    pub(super) fn unreachable_rest(&mut self) {
        self.reachable = false;
        if let Some(f) = self.ctrl.last() {
            self.stack.truncate(f.height as usize);
        }
    }

    /// Whether branching to `depth` needs values moved into the target's slots.
    fn branch_needs_moves(&self, depth: u32) -> Result<bool, TranslateError> {
        let arity = self.frame_at(depth)?.branch_arity() as usize;
        let in_place = self.top_in_place(arity);
        self.needs_moves_given(depth, in_place)
    }

    /// Whether the top `n` values are all in their own height slots. Computed once per
    /// branch instruction: a `br_table`'s targets all carry the same number of values,
    /// so checking them per target would cost targets x values.
    fn top_in_place(&self, n: usize) -> bool {
        let first = self.stack.len().saturating_sub(n);
        self.stack[first..].iter().all(|v| *v == Operand::Temp)
    }

    /// [`Self::branch_needs_moves`] with the carried values' state known (`in_place`
    /// from [`Self::top_in_place`] for the target's arity): constant time.
    fn needs_moves_given(&self, depth: u32, in_place: bool) -> Result<bool, TranslateError> {
        let frame = self.frame_at(depth)?;
        if frame.kind == CtrlKind::Func {
            return Ok(true);
        }
        let arity = frame.branch_arity() as usize;
        let first = self.stack.len() - arity;
        Ok(arity > 0 && !(in_place && first == frame.height as usize))
    }

    pub(super) fn frame_at(&self, depth: u32) -> Result<&Ctrl, TranslateError> {
        let i = self
            .ctrl
            .len()
            .checked_sub(1 + depth as usize)
            .ok_or(TranslateError::Unknown("label"))?;
        Ok(&self.ctrl[i])
    }

    /// Emits the moves and the jump of an unconditional branch to `depth`.
    pub(super) fn emit_branch(&mut self, depth: u32) -> TResult {
        let frame = self.frame_at(depth)?;
        if frame.kind == CtrlKind::Func {
            return self.emit_return();
        }
        let (kind, height, start, arity) =
            (frame.kind, frame.height, frame.start, frame.branch_arity());
        // A move for each value carried (two cells each in a wide function), and the jump.
        self.reserve(2 * arity as usize + 2)?;
        let first = self.stack.len() - arity as usize;
        // Targets are at or below their sources, so moving upwards never clobbers a source.
        if arity as usize > COPY_CELLS_FROM && self.top_in_place(arity as usize) {
            let (dst, src) = (self.slot(height as usize), self.slot(first));
            if dst != src {
                let len = arity * self.width();
                self.emit(Op::CopyCells { dst, src, len });
            }
        } else {
            for i in 0..arity {
                let dst = self.slot((height + i) as usize);
                self.move_to(dst, first + i as usize, self.wide);
            }
        }
        if kind == CtrlKind::Loop {
            self.emit(Op::Br { target: start });
        } else {
            let j = self.emit(Op::Br {
                target: InstrIdx(0),
            });
            let idx = self.ctrl.len() - 1 - depth as usize;
            self.ctrl[idx].fixups.push(j);
        }
        Ok(())
    }

    /// Before a branch to `depth` that carries many values, puts each in its own slot,
    /// where the branch's `CopyCells` reads them. This is done before any conditional
    /// jump, so that every path agrees on where the values are.
    fn materialize_carried(&mut self, depth: u32) -> TResult {
        let arity = self.frame_at(depth)?.branch_arity() as usize;
        if arity > COPY_CELLS_FROM {
            self.reserve(2 * arity)?;
            self.materialize_from(self.stack.len() - arity);
        }
        Ok(())
    }

    pub(super) fn visit_br(&mut self, depth: u32) -> TResult {
        self.materialize_carried(depth)?;
        self.emit_branch(depth)?;
        self.unreachable_rest();
        Ok(())
    }

    pub(super) fn visit_br_if(&mut self, depth: u32) -> TResult {
        // The moves a branch needs are decided without the condition on the stack.
        let cond_top = self.stack.pop().ok_or(TranslateError::StackUnderflow)?;
        // Below the condition, which stays where it is.
        self.materialize_carried(depth)?;
        let needs_moves = self.branch_needs_moves(depth);
        self.push(cond_top);
        if !needs_moves? {
            let frame = self.frame_at(depth)?;
            if frame.kind == CtrlKind::Loop {
                let target = frame.start;
                self.emit_cond_branch(true, target)?;
            } else {
                let j = self.emit_cond_branch(true, InstrIdx(0))?;
                let idx = self.ctrl.len() - 1 - depth as usize;
                self.ctrl[idx].fixups.push(j);
            }
            return Ok(());
        }
        let skip = self.emit_cond_branch(false, InstrIdx(0))?;
        self.emit_branch(depth)?;
        let pc = self.pc();
        self.patch(skip, pc);
        self.fusable = None;
        Ok(())
    }

    /// A branch to `depth`, taken when the cell `cond` is zero (`when_zero`) or is not,
    /// with the label's values on top of the operand stack. The branch's moves never
    /// write `cond`: it is above the values, or the last of them and in place.
    #[cfg_attr(not(feature = "gc"), allow(dead_code))]
    pub(super) fn branch_on_cell(&mut self, depth: u32, cond: Slot, when_zero: bool) -> TResult {
        self.materialize_carried(depth)?;
        let needs_moves = self.branch_needs_moves(depth)?;
        let branch = |taken: bool, target| {
            if taken == when_zero {
                Op::BrIfEqz { cond, target }
            } else {
                Op::BrIfNez { cond, target }
            }
        };
        self.fusable = None;
        if !needs_moves {
            let frame = self.frame_at(depth)?;
            if frame.kind == CtrlKind::Loop {
                let target = frame.start;
                self.emit(branch(true, target));
            } else {
                let j = self.emit(branch(true, InstrIdx(0)));
                let idx = self.ctrl.len() - 1 - depth as usize;
                self.ctrl[idx].fixups.push(j);
            }
            return Ok(());
        }
        let skip = self.emit(branch(false, InstrIdx(0)));
        self.emit_branch(depth)?;
        let pc = self.pc();
        self.patch(skip, pc);
        Ok(())
    }

    pub(super) fn visit_br_table(&mut self, targets: Vec<u32>, default: u32) -> TResult {
        let load = self.byte_load_for_table();
        let (_, index) = self.pop_read()?;
        // Below the index's slot, so the index is not overwritten.
        self.materialize_carried(default)?;
        let len = targets.len() as u32;
        self.reserve(targets.len() + 2)?;
        match load {
            // Nothing came between the load and the table: the table loads the byte
            // itself, in the load's place, which keeps the load's offset for its trap.
            Some((at, addr, offset)) if at + 1 == self.ops.len() => {
                self.ops[at] = Op::BrTableLoad8U { addr, offset, len };
            }
            _ => {
                self.emit(Op::BrTable { index, len });
            }
        }
        // All targets carry the same number of values (validation checks their types).
        let arity = self.frame_at(default)?.branch_arity() as usize;
        let in_place = self.top_in_place(arity);
        // One jump per entry. An entry whose branch needs moves jumps to its label's
        // landing pad after the table, which holds the moves and the jump: one pad per
        // distinct label, so that many entries to a block of many values cost one jump
        // each, not one set of moves each (code linear in the input).
        let mut to_pads: Vec<(u32, u32)> = Vec::new();
        for depth in targets.iter().copied().chain(core::iter::once(default)) {
            if self.needs_moves_given(depth, in_place)? {
                let j = self.emit(Op::Br {
                    target: InstrIdx(0),
                });
                to_pads
                    .try_reserve(1)
                    .map_err(|_| TranslateError::BranchTableOutOfMemory)?;
                to_pads.push((depth, j as u32));
                continue;
            }
            let frame = self.frame_at(depth)?;
            if frame.kind == CtrlKind::Loop {
                let target = frame.start;
                self.emit(Op::Br { target });
            } else {
                let j = self.emit(Op::Br {
                    target: InstrIdx(0),
                });
                let idx = self.ctrl.len() - 1 - depth as usize;
                self.ctrl[idx].fixups.push(j);
            }
        }
        // Grouped by label; the order of the pads does not matter.
        to_pads.sort_unstable_by_key(|&(depth, _)| depth);
        let mut i = 0;
        while i < to_pads.len() {
            let depth = to_pads[i].0;
            let pc = self.pc();
            while i < to_pads.len() && to_pads[i].0 == depth {
                self.patch(to_pads[i].1 as usize, pc);
                i += 1;
            }
            self.emit_branch(depth)?;
        }
        self.unreachable_rest();
        Ok(())
    }

    /// If the index on top of the stack is a byte the last instruction just loaded, for
    /// this use alone (`i32.load8_u` from memory 0): that instruction and what it reads.
    fn byte_load_for_table(&self) -> Option<(usize, Slot, MemOffset)> {
        let at = self.fusable.filter(|_| self.fused())?;
        let top = self.stack.len().checked_sub(1)?;
        if self.stack[top] != Operand::Temp || at + 1 != self.ops.len() {
            return None;
        }
        match self.ops[at] {
            Op::I32Load8U { dst, addr, offset } if dst == self.slot(top) => {
                Some((at, addr, offset))
            }
            _ => None,
        }
    }

    /// Moves the results into the first cells of the frame, packed by type, and returns.
    pub(super) fn emit_return(&mut self) -> TResult {
        let results = self.results.clone();
        let n = results.len();
        let first = self
            .stack
            .len()
            .checked_sub(n)
            .ok_or(TranslateError::StackUnderflow)?;
        // Many results already in their slots (see `materialize_carried`) are one copy:
        // in a narrow function the packed layout is the slots' layout.
        if !self.wide && n > COPY_CELLS_FROM && self.top_in_place(n) {
            self.reserve(2)?;
            let src = self.slot(first);
            if src != Slot(0) {
                let len = n as u32;
                self.emit(Op::CopyCells {
                    dst: Slot(0),
                    src,
                    len,
                });
            }
            self.emit(Op::Return {});
            return Ok(());
        }
        self.reserve(2 * n + 2)?;
        // A local that an earlier result overwrites is saved to its height slot first.
        // The operand stack is left as it was: a conditional return must not change what
        // the fall-through path believes.
        let before = self.ops.len();
        let mut saved = alloc::vec![false; n];
        let mut dst = Slot(0);
        for (i, t) in results.iter().enumerate() {
            if let Operand::Local(l) = self.stack[first + i] {
                if l < dst {
                    let tmp = self.slot(first + i);
                    let two = self.slot_is_v128(l);
                    self.emit_copy(tmp, l, two);
                    saved[i] = true;
                }
            }
            dst = dst.plus(t.cells() as u32);
        }
        let mut dst = Slot(0);
        for (i, t) in results.iter().enumerate() {
            let two = *t == wisp_types::ValType::V128;
            if saved[i] {
                let src = self.slot(first + i);
                self.emit_copy(dst, src, two);
            } else {
                self.move_to(dst, first + i, two);
            }
            dst = dst.plus(t.cells() as u32);
        }
        // One result moved by a copy: the copy and the return are one instruction.
        if let (1, Some(&Op::Copy { dst: Slot(0), src })) = (n, self.ops.last()) {
            if self.ops.len() > before {
                self.ops.pop();
                self.emit(Op::ReturnCopy { src });
                return Ok(());
            }
        }
        self.emit(Op::Return {});
        Ok(())
    }

    pub(super) fn visit_return(&mut self) -> TResult {
        let func = self
            .ctrl
            .len()
            .checked_sub(1)
            .ok_or(TranslateError::ControlUnderflow)?;
        self.materialize_carried(func as u32)?;
        self.emit_return()?;
        self.unreachable_rest();
        Ok(())
    }

    pub(super) fn visit_unreachable(&mut self) -> TResult {
        self.emit(Op::Unreachable {});
        self.unreachable_rest();
        Ok(())
    }

    /// Arguments go to consecutive cells, packed by type, where the callee's frame will
    /// begin; results come back the same way. In a narrow function the packed layout is
    /// the stack layout, so nothing moves.
    pub(super) fn prepare_call(
        &mut self,
        params: &[wisp_types::ValType],
        results: &[wisp_types::ValType],
    ) -> Result<Slot, TranslateError> {
        let first = self.materialize_top(params.len())?;
        let base = self.slot(first);
        if self.wide {
            // Packed offsets are at or below the heights' slots: copy upwards.
            let mut dst = base;
            for (i, t) in params.iter().enumerate() {
                let src = self.slot(first + i);
                let two = *t == wisp_types::ValType::V128;
                if src != dst {
                    self.emit_copy(dst, src, two);
                }
                dst = dst.plus(t.cells() as u32);
            }
        }
        self.stack.truncate(first);
        for _ in 0..results.len() {
            self.push(Operand::Temp);
        }
        Ok(base)
    }

    /// Puts the top `n` values in their own cells; returns the position of the first.
    pub(super) fn materialize_top(&mut self, n: usize) -> Result<usize, TranslateError> {
        let first = self
            .stack
            .len()
            .checked_sub(n)
            .ok_or(TranslateError::StackUnderflow)?;
        self.materialize_from(first);
        Ok(first)
    }

    /// Records the call just emitted as a safepoint: the frame waits there with what
    /// is below the arguments, the `n_results` results now on top standing for them.
    pub(super) fn call_safepoint(&mut self, n_results: usize) -> TResult {
        self.safepoint(self.stack.len().saturating_sub(n_results))
    }

    /// After a call in a wide function, spreads the packed results out to their heights
    /// (downwards, so that no result is overwritten before it is moved).
    pub(super) fn unpack_results(&mut self, base: Slot, results: &[wisp_types::ValType]) {
        if !self.wide {
            return;
        }
        let mut offsets = Vec::with_capacity(results.len());
        let mut off = base;
        for t in results {
            offsets.push(off);
            off = off.plus(t.cells() as u32);
        }
        let first = self.stack.len() - results.len();
        for (i, t) in results.iter().enumerate().rev() {
            let dst = self.slot(first + i);
            if dst != offsets[i] {
                self.emit_copy(dst, offsets[i], *t == wisp_types::ValType::V128);
            }
        }
    }

    pub(super) fn visit_call(&mut self, func: u32) -> TResult {
        let ty = self
            .module
            .func_type(func)
            .ok_or(TranslateError::Unknown("function"))?
            .clone();
        let before = self.ops.len();
        let step = self.step_just_made();
        let base = self.prepare_call(ty.params(), ty.results())?;
        let arg = step
            .filter(|&(dst, _)| dst == base && self.ops.len() == before)
            .map(|(_, arg)| arg);
        match (func.checked_sub(self.module.num_imported_funcs), arg) {
            // The one argument, a step just computed into place for this call, and the
            // call: one instruction, at the call's offset (the step cannot trap).
            (Some(defined), Some(arg)) => {
                let at = self.ops.len() - 1;
                self.replace_last(
                    at,
                    Op::CallInternalStep {
                        func: DefinedFuncIdx(defined),
                        base,
                        arg,
                    },
                );
                self.fusable = None;
                at
            }
            // The first argument's copy, just made for this call, and the call: one
            // instruction (no branch lands between them).
            (Some(defined), None) => match self.ops.last() {
                Some(&Op::Copy { dst, src })
                    if dst == base && self.ops.len() > before && self.fused() =>
                {
                    let at = self.ops.len() - 1;
                    self.ops[at] = Op::CallInternalCopy {
                        func: DefinedFuncIdx(defined),
                        base,
                        src,
                    };
                    self.fusable = None;
                    at
                }
                _ => self.emit(Op::CallInternal {
                    func: DefinedFuncIdx(defined),
                    base,
                }),
            },
            (None, _) => self.emit(Op::Call {
                func: FuncIdx(func),
                base,
            }),
        };
        self.call_safepoint(ty.results().len())?;
        self.unpack_results(base, ty.results());
        Ok(())
    }

    /// If the last instruction just stepped a slot by a constant into a temporary (`n - 1`),
    /// fused forms on: the temporary, and the source with its step.
    fn step_just_made(&self) -> Option<(Slot, crate::ir::SteppedSlot)> {
        let last = self.fusable.filter(|_| self.fused())?;
        if last + 1 != self.ops.len() {
            return None;
        }
        let (dst, lhs, step) = match self.ops[last] {
            Op::I32AddImm { dst, lhs, imm } => (dst, lhs, imm),
            Op::I32SubImm { dst, lhs, imm } => (dst, lhs, crate::ir::Imm32(imm.0.wrapping_neg())),
            _ => return None,
        };
        Some((dst, crate::ir::SteppedSlot::new(lhs, step)?))
    }

    /// Function type `ty` of the module.
    pub(super) fn func_type_at(&self, ty: u32) -> Result<wisp_types::FuncType, TranslateError> {
        self.module
            .func_type_at(ty)
            .cloned()
            .ok_or(TranslateError::Unknown("type"))
    }

    pub(super) fn visit_call_indirect(&mut self, ty: u32, table: u32) -> TResult {
        let t = self.func_type_at(ty)?;
        let (_, index) = self.pop_index(self.is_table64(table))?;
        let base = self.prepare_call(t.params(), t.results())?;
        self.emit(Op::CallIndirect {
            index,
            base,
            ty: TypeIdx(ty),
        });
        self.emit(Op::Arg { a: table, b: 0 });
        self.call_safepoint(t.results().len())?;
        self.unpack_results(base, t.results());
        Ok(())
    }

    #[cfg(feature = "tail-call")]
    /// A tail call: the arguments go where a call's would, and the callee takes over
    /// the frame. The `ReturnCells` after it returns what a host callee, which runs as
    /// an ordinary call, leaves at `base`.
    pub(super) fn tail_call(
        &mut self,
        ty: &wisp_types::FuncType,
        call: Op,
        table: Option<u32>,
    ) -> TResult {
        let base = self.prepare_call(ty.params(), ty.results())?;
        let call = match call {
            Op::ReturnCall { func, .. } => Op::ReturnCall { func, base },
            Op::ReturnCallInternal { func, .. } => Op::ReturnCallInternal { func, base },
            Op::ReturnCallIndirect { index, ty, .. } => Op::ReturnCallIndirect { index, base, ty },
            #[cfg(feature = "gc")]
            Op::ReturnCallRef { callee, .. } => Op::ReturnCallRef { callee, base },
            other => other,
        };
        self.emit(call);
        if let Some(a) = table {
            self.emit(Op::Arg { a, b: 0 });
        }
        // A host callee runs as an ordinary call, with this frame waiting.
        self.call_safepoint(ty.results().len())?;
        let len = ty.results().iter().map(|t| t.cells() as u32).sum();
        self.emit(Op::ReturnCells { src: base, len });
        self.unreachable_rest();
        Ok(())
    }

    #[cfg(feature = "tail-call")]
    pub(super) fn visit_return_call(&mut self, func: u32) -> TResult {
        let ty = self
            .module
            .func_type(func)
            .ok_or(TranslateError::Unknown("function"))?
            .clone();
        let call = match func.checked_sub(self.module.num_imported_funcs) {
            Some(defined) => Op::ReturnCallInternal {
                func: DefinedFuncIdx(defined),
                base: Slot(0),
            },
            None => Op::ReturnCall {
                func: FuncIdx(func),
                base: Slot(0),
            },
        };
        self.tail_call(&ty, call, None)
    }

    #[cfg(feature = "tail-call")]
    pub(super) fn visit_return_call_indirect(&mut self, ty: u32, table: u32) -> TResult {
        let t = self.func_type_at(ty)?;
        let (_, index) = self.pop_index(self.is_table64(table))?;
        let call = Op::ReturnCallIndirect {
            index,
            base: Slot(0),
            ty: TypeIdx(ty),
        };
        self.tail_call(&t, call, Some(table))
    }
}
