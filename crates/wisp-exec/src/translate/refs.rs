//! The translator's side of reference maps (`crate::refmap`): which operands are
//! references, and what each safepoint roots.
//!
//! Each operand-stack position carries how a value there is traced (a reference of the
//! `any`/`exn` or the `extern` hierarchy, or anything else). Most operators push numbers
//! and leave that as it is; those that push references say so once they are translated
//! ([`Translator::type_results`]), from the types the operator names: its local, global,
//! table, field, callee, block or cast target. Unreachable code is skipped, so the
//! polymorphic stack never needs a type.
//!
//! The chain of referencing cells below each position is computed lazily, at the next
//! safepoint, from the lowest position that changed since the last one. A position
//! changes when it is pushed or when its value moves into its own cell (materialized),
//! and each of those is paid for by the push, or by the scan that materialized it, so
//! the maps stay linear in the code.

use super::{Operand, TResult, TranslateError, Translator};
use crate::refmap::RefMap;
use alloc::vec::Vec;
use core::ops::Deref;
use wisp_parse::wasmparser::{BlockType, Operator};
use wisp_store::gc::Trace;
use wisp_types::{FuncType, ValType};

/// The operand stack: where each value lives, how it is traced, and (up to `valid_to`)
/// the chain of referencing cells at and below each position.
#[derive(Debug, Default)]
pub(super) struct Operands {
    values: Vec<Operand>,
    traces: Vec<Trace>,
    /// For each position below `valid_to`: the topmost node at or below it, plus one.
    heads: Vec<u32>,
    valid_to: usize,
}

impl Deref for Operands {
    type Target = [Operand];
    fn deref(&self) -> &[Operand] {
        &self.values
    }
}

impl Operands {
    pub(super) fn push(&mut self, v: Operand) {
        self.values.push(v);
        self.traces.push(Trace::No);
    }

    pub(super) fn pop(&mut self) -> Option<Operand> {
        let v = self.values.pop()?;
        self.traces.pop();
        self.valid_to = self.valid_to.min(self.values.len());
        Some(v)
    }

    pub(super) fn truncate(&mut self, len: usize) {
        self.values.truncate(len);
        self.traces.truncate(len);
        self.valid_to = self.valid_to.min(len);
    }

    /// The value at `pos` is now in its own cell.
    pub(super) fn set_temp(&mut self, pos: usize) {
        self.values[pos] = Operand::Temp;
        if self.traces[pos] != Trace::No {
            self.valid_to = self.valid_to.min(pos);
        }
    }

    /// How each value is traced.
    pub(super) fn traces(&self) -> &[Trace] {
        &self.traces
    }

    /// How the value at `pos` is traced.
    pub(super) fn trace(&self, pos: usize) -> Trace {
        self.traces.get(pos).copied().unwrap_or(Trace::No)
    }

    /// Says how the value at `pos` is traced.
    fn set_trace(&mut self, pos: usize, t: Trace) {
        if let Some(old) = self.traces.get_mut(pos) {
            if *old != t {
                *old = t;
                self.valid_to = self.valid_to.min(pos);
            }
        }
    }
}

/// The reference map of the function being translated.
#[derive(Debug, Default)]
pub(super) struct MapBuilder {
    locals: Vec<u32>,
    points: Vec<(u32, u32)>,
    nodes: Vec<(u32, u32)>,
}

impl MapBuilder {
    /// A map whose locals of types `locals` (first cells `slots`) hold references, and
    /// the `kept` cells from `kept_from` (exceptions kept for `rethrow`).
    pub(super) fn new(
        locals: &[ValType],
        slots: &[super::Slot],
        kept_from: u32,
        kept: u32,
    ) -> Result<MapBuilder, TranslateError> {
        let mut b = MapBuilder::default();
        for (t, s) in locals.iter().zip(slots) {
            let how = Trace::of(*t);
            if how != Trace::No {
                b.locals.push(cell(s.0, how)?);
            }
        }
        for k in 0..kept {
            b.locals.push(cell(kept_from + k, Trace::Internal)?);
        }
        Ok(b)
    }

    /// Whether the map names no instruction: it has no safepoint, or it will not be
    /// kept at all (no references anywhere, see [`MapBuilder::finish`]).
    pub(super) fn has_no_safepoints(&self) -> bool {
        self.points.is_empty() || (self.locals.is_empty() && self.nodes.is_empty())
    }

    /// The map, or `None` if the function has no references anywhere.
    pub(super) fn finish(self) -> Option<RefMap> {
        if self.locals.is_empty() && self.nodes.is_empty() {
            return None;
        }
        Some(RefMap {
            locals: self.locals.into_boxed_slice(),
            points: self.points.into_boxed_slice(),
            nodes: self.nodes.into_boxed_slice(),
        })
    }
}

/// A map entry for `cell`, or an error if the frame is too large to name it.
fn cell(c: u32, how: Trace) -> Result<u32, TranslateError> {
    if c >= RefMap::EXTERNAL {
        return Err(TranslateError::FrameTooLarge { cells: c as u64 });
    }
    Ok(RefMap::encode(c, how))
}

/// What an operator's results are, for tracing: worked out before it is translated,
/// applied after.
pub(super) enum Results {
    /// Nothing to say: numbers, or no results, or typed where they are pushed.
    Untyped,
    /// One result of this tracing on top.
    Top(Trace),
    /// The results of function type `ty` of the module (calls).
    Call(u32),
    /// The results of function `func` (calls).
    Func(u32),
}

impl Translator<'_> {
    /// How `op`'s results are traced. Read before `op` is translated, since some keep
    /// the tracing of an operand they pop.
    pub(super) fn results_of(&self, op: &Operator<'_>) -> Results {
        let top = self
            .stack
            .len()
            .checked_sub(1)
            .map_or(Trace::No, |p| self.stack.trace(p));
        let module = self.module;
        let val = |t| wisp_parse::val_type(t, &module.types, self.offset).ok();
        let of = |t: Option<ValType>| t.map_or(Trace::No, Trace::of);
        let field = |ty: u32, f: u32| match module.types.get(ty as usize).map(|t| &t.composite) {
            Some(wisp_types::CompositeType::Struct(fs)) => fs
                .get(f as usize)
                .map_or(Trace::No, |f| of(Some(f.storage.unpacked()))),
            _ => Trace::No,
        };
        let element = |ty: u32| match module.types.get(ty as usize).map(|t| &t.composite) {
            Some(wisp_types::CompositeType::Array(f)) => of(Some(f.storage.unpacked())),
            _ => Trace::No,
        };
        let heap = |nullable: bool, h| {
            wisp_parse::heap_type(h, &module.types, self.offset).map_or(Trace::No, |h| {
                Trace::of(ValType::Ref(wisp_types::RefType::new(nullable, h)))
            })
        };
        Results::Top(match *op {
            Operator::LocalGet { local_index } | Operator::LocalTee { local_index } => {
                of(self.local_types.get(local_index as usize).copied())
            }
            Operator::GlobalGet { global_index } => of(module
                .globals
                .get(global_index as usize)
                .map(|g| g.ty.content)),
            Operator::TableGet { table } => of(module
                .tables
                .get(table as usize)
                .map(|t| ValType::Ref(t.ty.element))),
            Operator::TypedSelect { ty } => of(val(ty)),
            // Untyped `select` is only for numbers.
            Operator::RefAsNonNull | Operator::BrOnNull { .. } => top,
            Operator::StructGet {
                struct_type_index,
                field_index,
            } => field(struct_type_index, field_index),
            Operator::ArrayGet { array_type_index } => element(array_type_index),
            Operator::StructNew { .. }
            | Operator::StructNewDefault { .. }
            | Operator::ArrayNew { .. }
            | Operator::ArrayNewDefault { .. }
            | Operator::ArrayNewFixed { .. }
            | Operator::ArrayNewData { .. }
            | Operator::ArrayNewElem { .. }
            | Operator::AnyConvertExtern
            | Operator::RefI31 => Trace::Internal,
            Operator::ExternConvertAny => Trace::External,
            Operator::RefNull { hty } => heap(true, hty),
            Operator::RefCastNonNull { hty } => heap(false, hty),
            Operator::RefCastNullable { hty } => heap(true, hty),
            Operator::Call { function_index } => return Results::Func(function_index),
            Operator::CallIndirect { type_index, .. } | Operator::CallRef { type_index } => {
                return Results::Call(type_index)
            }
            _ => return Results::Untyped,
        })
    }

    /// Says how the results of the operator just translated are traced.
    pub(super) fn type_results(&mut self, results: Results) {
        let ty = match results {
            Results::Untyped => return,
            Results::Top(t) => {
                if let Some(p) = self.stack.len().checked_sub(1) {
                    self.stack.set_trace(p, t);
                }
                return;
            }
            Results::Call(ty) => self.module.func_type_at(ty),
            Results::Func(f) => self.module.func_type(f),
        };
        if let Some(ty) = ty {
            let results: Vec<Trace> = ty.results().iter().map(|t| Trace::of(*t)).collect();
            self.type_top(&results);
        }
    }

    /// Says how the top `traces.len()` values are traced.
    fn type_top(&mut self, traces: &[Trace]) {
        let Some(first) = self.stack.len().checked_sub(traces.len()) else {
            return;
        };
        for (i, &t) in traces.iter().enumerate() {
            if t != Trace::No {
                self.stack.set_trace(first + i, t);
            }
        }
    }

    /// The parameter (`params`) or result types of a block of type `bt`, or of the
    /// function for `None`.
    fn block_types(&self, bt: Option<BlockType>, params: bool) -> Vec<Trace> {
        let one = |t: Option<ValType>| alloc::vec![t.map_or(Trace::No, Trace::of)];
        match bt {
            None if params => Vec::new(),
            None => self.results.iter().map(|t| Trace::of(*t)).collect(),
            Some(BlockType::Empty) => Vec::new(),
            Some(BlockType::Type(_)) if params => Vec::new(),
            Some(BlockType::Type(t)) => {
                one(wisp_parse::val_type(t, &self.module.types, self.offset).ok())
            }
            Some(BlockType::FuncType(i)) => {
                let ty: Option<&FuncType> = self.module.func_type_at(i);
                ty.map_or(Vec::new(), |ty| {
                    let ts = if params { ty.params() } else { ty.results() };
                    ts.iter().map(|t| Trace::of(*t)).collect()
                })
            }
        }
    }

    /// Says how the values of a block of type `bt` (`None`: the function) just pushed
    /// are traced: its parameters, or its results.
    pub(super) fn type_block(&mut self, bt: Option<BlockType>, params: bool) {
        let traces = self.block_types(bt, params);
        self.type_top(&traces);
    }

    /// Says how the values just pushed, of types `types`, are traced.
    #[cfg(feature = "exceptions")]
    pub(super) fn type_values(&mut self, types: &[ValType]) {
        let traces: Vec<Trace> = types.iter().map(|t| Trace::of(*t)).collect();
        self.type_top(&traces);
    }

    /// The topmost node of the referencing cells below position `height`, plus one;
    /// brings the chains up to date first.
    pub(super) fn ref_head(&mut self, height: usize) -> Result<u32, TranslateError> {
        let height = height.min(self.stack.len());
        let base = self.stack_base();
        let s = &mut self.stack;
        s.heads.truncate(s.valid_to);
        while s.heads.len() < height {
            let pos = s.heads.len();
            let below = s.heads.last().copied().unwrap_or(0);
            let how = s.traces[pos];
            let head = if how != Trace::No && s.values[pos] == Operand::Temp {
                let c = cell(base + pos as u32 * if self.wide { 2 } else { 1 }, how)?;
                self.refs
                    .nodes
                    .try_reserve(1)
                    .map_err(|_| TranslateError::CodeOutOfMemory)?;
                self.refs.nodes.push((c, below));
                self.refs.nodes.len() as u32
            } else {
                below
            };
            s.heads.push(head);
        }
        s.valid_to = s.valid_to.max(height);
        Ok(if height == 0 { 0 } else { s.heads[height - 1] })
    }

    /// Records a safepoint just emitted, whose frame holds the operand values below
    /// position `height`.
    pub(super) fn safepoint(&mut self, height: usize) -> TResult {
        let head = self.ref_head(height)?;
        self.safepoint_with(head)
    }

    /// Records a safepoint just emitted whose operand references are the chain from
    /// `head` (from [`Translator::ref_head`] before its operands were popped).
    pub(super) fn safepoint_with(&mut self, head: u32) -> TResult {
        let at = self.ops.len() as u32;
        self.refs
            .points
            .try_reserve(1)
            .map_err(|_| TranslateError::CodeOutOfMemory)?;
        self.refs.points.push((at, head));
        Ok(())
    }
}
