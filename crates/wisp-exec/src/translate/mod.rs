//! Translation of a function body into Wisp's IR.
//!
//! Spec (what is translated): <https://webassembly.github.io/spec/core/exec/instructions.html>
//!
//! The translator walks the (already validated) operators once. It mirrors the wasm
//! operand stack with [`Operand`]s that say where each value lives: in a local, as a
//! constant not yet written anywhere, or in the frame slot reserved for its stack
//! height. An instruction reads its operands from wherever they are and writes its result
//! to the slot of the height it leaves it at, so `local.get`s and constants usually cost
//! nothing. Values are forced into their height slots ("materialized") only where the
//! semantics need it: before a local they alias is overwritten, at block boundaries, and
//! when they are passed to a call or a branch target.
//!
//! Branch targets become absolute code indices: backward ones (loops) are known, forward
//! ones are recorded and patched when the block's `end` is reached.

#[cfg(feature = "gc")]
mod aggregate;
mod assigned;
mod control;
mod error;
#[cfg(feature = "exceptions")]
mod exceptions;
mod fuse;
mod memory;
mod passes;
mod pool;
mod prefix;
#[cfg(feature = "gc")]
mod reference;
mod refs;
#[cfg(feature = "simd")]
mod relaxed;
mod visit;

/// An instruction while the translator works: its branch targets are instruction
/// indices, made byte offsets by [`crate::ir::finish`].
type Op = crate::ir::Op<InstrIdx>;

pub use error::TranslateError;

use crate::ir::{Imm32, Imm64, InstrIdx, Slot};
use crate::{Catch, CompiledFunc, Rare};
use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_parse::{wasmparser, Module, ParseError};

/// Where a value on the translator's operand stack lives.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    /// In the slot of its stack height.
    Temp,
    /// In a local, which nothing has overwritten since the `local.get`.
    Local(Slot),
    /// A constant, not yet written anywhere.
    Const(u64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "exceptions"), allow(dead_code))]
enum CtrlKind {
    Func,
    Block,
    Loop,
    If,
    Else,
    /// A `try_table`, or a legacy `try` before its first `catch`.
    Try,
    /// A legacy `try` in one of its `catch` clauses.
    Catch,
}

/// A control frame: a block being translated.
#[derive(Debug)]
struct Ctrl {
    kind: CtrlKind,
    /// Operand-stack height below the block's parameters.
    height: u32,
    n_params: u32,
    n_results: u32,
    /// Code index of a loop's header.
    start: InstrIdx,
    /// The block's type; `None` for the function's body.
    ty: Option<wasmparser::BlockType>,
    /// Branches to patch with the code index of the block's end.
    fixups: Vec<usize>,
    /// The `if`'s jump to its `else` arm (or end).
    else_fixup: Option<usize>,
    /// Exception handlers (indices into `Translator::handlers`) that go on at the
    /// block's end.
    handler_fixups: Vec<usize>,
    /// What a `try_table` or legacy `try` has to finish.
    #[cfg(feature = "exceptions")]
    try_state: Option<alloc::boxed::Box<exceptions::TryState>>,
}

impl Ctrl {
    fn new(
        kind: CtrlKind,
        (height, n_params, n_results): (u32, u32, u32),
        start: InstrIdx,
        ty: Option<wasmparser::BlockType>,
    ) -> Ctrl {
        Ctrl {
            ty,
            kind,
            height,
            n_params,
            n_results,
            start,
            fixups: Vec::new(),
            else_fixup: None,
            handler_fixups: Vec::new(),
            #[cfg(feature = "exceptions")]
            try_state: None,
        }
    }
}

impl Ctrl {
    /// The number of values a branch to this block carries.
    fn branch_arity(&self) -> u32 {
        if self.kind == CtrlKind::Loop {
            self.n_params
        } else {
            self.n_results
        }
    }
}

/// Instructions reserved before each operator is translated: more than any one operator
/// emits but the few that reserve for themselves.
const RESERVE: usize = 16;

/// Translation options, fixed per engine.
#[derive(Debug, Clone, Copy)]
pub struct TranslateConfig {
    /// Emit fuel checks at the start of every basic block.
    pub fuel: bool,
    /// Use the accumulator forms of instructions (`Op::acc_form`): faster, but an
    /// executor built without the `accumulator` feature cannot run them.
    pub accumulator: bool,
    /// Use the fused forms of instructions (an immediate operand, a comparison with its
    /// branch, an address sum with its load): faster, but an executor built without the
    /// `fused` feature cannot run them.
    pub fused: bool,
    /// Keep each function's map from instructions to module offsets, for backtraces
    /// and coredumps (about three bytes per Wasm instruction).
    pub offsets: bool,
}

/// No fuel; accumulator and fused forms on.
impl Default for TranslateConfig {
    fn default() -> Self {
        TranslateConfig {
            fuel: false,
            accumulator: true,
            fused: true,
            offsets: true,
        }
    }
}

/// Translates the defined function `defined_idx` of `module`.
///
/// A function is first translated *narrow*, one cell per operand-stack height. If it
/// turns out to touch a `v128` it is translated again *wide*, two cells per height, so
/// that scalar code never pays for vectors.
pub fn translate(
    module: &Module,
    defined_idx: usize,
    config: TranslateConfig,
) -> Result<CompiledFunc, ParseError> {
    let body = module.body(defined_idx).ok_or_else(|| {
        TranslateError::Unknown("function body").at(module.body_offset(defined_idx))
    })?;
    translate_body(module, defined_idx, body, config)
}

/// Watches a translation, for tests that check the translator against the validator.
#[doc(hidden)]
pub trait Observer {
    /// A translation of the function starts (again: narrow, then wide if needed).
    fn start(&mut self);
    /// Operator `op` at byte `offset` was translated; `traces` says how each value on
    /// the operand stack is traced, unless the code after `op` is unreachable.
    fn after(
        &mut self,
        offset: usize,
        op: &wasmparser::Operator<'_>,
        traces: Option<&[wisp_store::gc::Trace]>,
    );
}

/// [`translate`], telling `observer` what it does.
#[doc(hidden)]
pub fn translate_observed(
    module: &Module,
    defined_idx: usize,
    config: TranslateConfig,
    observer: &mut dyn Observer,
) -> Result<CompiledFunc, ParseError> {
    let body = module.body(defined_idx).ok_or_else(|| {
        TranslateError::Unknown("function body").at(module.body_offset(defined_idx))
    })?;
    translate_retrying(module, defined_idx, body, config, Some(observer))
}

/// [`translate`] with the body's bytes given: for eager translation, which reads them
/// from the caller's buffer, the module keeping no copy ([`crate::compile_eager`]).
pub fn translate_body(
    module: &Module,
    defined_idx: usize,
    body: &[u8],
    config: TranslateConfig,
) -> Result<CompiledFunc, ParseError> {
    translate_retrying(module, defined_idx, body, config, None)
}

fn translate_retrying(
    module: &Module,
    defined_idx: usize,
    body: &[u8],
    config: TranslateConfig,
    mut observer: Option<&mut dyn Observer>,
) -> Result<CompiledFunc, ParseError> {
    // Narrow first; again wide if a `v128` turns up, and again with cells kept for
    // legacy `rethrow`s if the function has some (each at most once).
    let (mut wide, mut kept) = (false, 0);
    loop {
        if let Some(o) = observer.as_deref_mut() {
            o.start();
        }
        match translate_as(
            module,
            defined_idx,
            body,
            config,
            wide,
            kept,
            observer.as_deref_mut(),
        ) {
            Err((TranslateError::NeedWide, _)) if !wide => wide = true,
            Err((TranslateError::NeedKept(n), _)) if kept == 0 && n > 0 => kept = n,
            other => break other,
        }
    }
    .map_err(|(e, offset)| e.at(offset))
}

/// Translates narrow or `wide`; an error comes with the byte offset of the instruction
/// (or, before the first one, of the body) where it happened. Out of line: inlined into
/// the retry loop, its frame would grow by what the loop keeps.
#[inline(never)]
fn translate_as(
    module: &Module,
    defined_idx: usize,
    body_bytes: &[u8],
    config: TranslateConfig,
    wide: bool,
    kept: u32,
    mut observer: Option<&mut (dyn Observer + '_)>,
) -> Result<CompiledFunc, (TranslateError, usize)> {
    let body_offset = module.body_offset(defined_idx);
    let at_body = |e: TranslateError| (e, body_offset);
    let func_idx = module.num_imported_funcs as usize + defined_idx;
    let ty = module
        .func_type(func_idx as u32)
        .ok_or(at_body(TranslateError::Unknown("function")))?;
    let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(
        body_bytes,
        body_offset as u64,
    ));

    // Locals are packed by type: a `v128` local takes two cells.
    let mut local_types: Vec<wisp_types::ValType> = ty.params().to_vec();
    for local in body.get_locals_reader().map_err(|e| at_body(e.into()))? {
        let (count, t) = local.map_err(|e| at_body(e.into()))?;
        let t =
            wisp_parse::val_type(t, &module.types, body_offset).map_err(|e| at_body(e.into()))?;
        // wasmparser caps locals far below this; the check keeps slot arithmetic in u32.
        if local_types.len() as u64 + count as u64 > (u32::MAX / 8) as u64 {
            return Err(at_body(TranslateError::TooManyLocals));
        }
        local_types.extend(core::iter::repeat_n(t, count as usize));
    }
    let mut local_slots = Vec::with_capacity(local_types.len());
    let mut cells: u64 = 0;
    for t in &local_types {
        local_slots.push(Slot(cells as u32));
        cells += t.cells() as u64;
    }
    let param_cells: u64 = ty.params().iter().map(|t| t.cells() as u64).sum();
    let local_v128: Vec<bool> = local_types
        .iter()
        .map(|t| *t == wisp_types::ValType::V128)
        .collect();
    if !wide && (local_v128.contains(&true) || ty.results().contains(&wisp_types::ValType::V128)) {
        return Err(at_body(TranslateError::NeedWide));
    }

    let refs =
        refs::MapBuilder::new(&local_types, &local_slots, cells as u32, kept).map_err(at_body)?;
    let mut t = Translator {
        module,
        config,
        ops: Vec::new(),
        stack: refs::Operands::default(),
        ctrl: Vec::new(),
        // Cells kept for legacy `rethrow`s go after the locals, below the operand stack,
        // where no callee's frame reaches.
        n_locals: cells as u32 + kept,
        local_slots,
        pool: Default::default(),
        local_types,
        local_v128,
        wide,
        results: ty.results().to_vec(),
        max_height: 0,
        reachable: true,
        dead_depth: 0,
        fuel_op: None,
        fusable: None,
        temps_below: 0,
        locals_from: 0,
        offset: body_offset,
        offsets: config.offsets.then(Default::default),
        handlers: Vec::new(),
        prefix: None,
        zeros: None,
        assigned: None,
        block_pc: 0,
        refs,
        #[cfg(feature = "exceptions")]
        eh: exceptions::Pending::new(kept),
    };
    // The callee zeroes its own declared locals, so a call needs no loop for them; and
    // the cells kept for `rethrow`, which the collector reads as references. The range
    // shrinks, or the instruction goes, where the prefix ends (see `Prefix`). Pushed
    // without an offset: it cannot trap.
    if cells + kept as u64 > param_cells {
        t.ops.push(Op::ZeroLocals {
            start: Slot(param_cells as u32),
            end: Slot(cells as u32 + kept),
        });
        t.prefix = Some(prefix::Prefix {
            params: ty.params().len(),
            set: alloc::vec![false; t.local_types.len() - ty.params().len()],
        });
        t.zeros = Some(prefix::Zeros::at_entry(ty.params().len(), &t.local_types));
        let len = body.range().end.saturating_sub(body.range().start) as usize;
        t.assigned = Some(assigned::Assigned::new(
            ty.params().len(),
            t.local_types.len(),
            len,
        ));
    }
    let n_results = t.results.len() as u32;
    t.ctrl.push(Ctrl::new(
        CtrlKind::Func,
        (0, 0, n_results),
        InstrIdx(0),
        None,
    ));
    t.start_basic_block();

    let mut reader = body.get_operators_reader().map_err(|e| at_body(e.into()))?;
    while !reader.eof() {
        // A decoding error carries its own offset.
        let (op, offset) = reader.read_with_offset().map_err(|e| at_body(e.into()))?;
        t.offset = offset as usize;
        // Not a closure: `visit` is inlined here, and a closure would put its frame on
        // top of this one.
        let seen = observer.is_some().then(|| op.clone());
        let results = t.results_of(&op);
        let done = match t.reserve(RESERVE) {
            Ok(()) => {
                if let Some(a) = &mut t.assigned {
                    a.step(&op);
                }
                t.prefix_step(&op);
                t.zeros_step(&op);
                if let wasmparser::Operator::Loop { .. } = op {
                    t.plan_pool(&reader);
                }
                t.visit(op)
            }
            Err(e) => Err(e),
        };
        done.map_err(|e| (e, offset as usize))?;
        if t.reachable {
            t.type_results(results);
        }
        if let (Some(o), Some(op)) = (observer.as_deref_mut(), seen) {
            o.after(offset as usize, &op, t.reachable.then(|| t.stack.traces()));
        }
    }
    if !t.ctrl.is_empty() {
        return Err((
            TranslateError::BodyEndsEarly,
            reader.original_position() as usize,
        ));
    }
    #[cfg(feature = "exceptions")]
    let frame_size = t.finish_handlers().map_err(|e| (e, body_offset))?;
    #[cfg(not(feature = "exceptions"))]
    let frame_size = t.frame_cells();
    // `ZeroLocals` left zeroing nothing goes, unless something names instruction
    // indices that its removal would move (handlers, safepoints) or a branch lands on it.
    let drop_first = t.zero_only_read_first()
        && t.handlers.is_empty()
        && t.refs.has_no_safepoints()
        && !t.ops.iter().any(|op| op.target() == Some(InstrIdx(0)));
    if drop_first {
        if let Some(o) = &mut t.offsets {
            o.drop_first_instruction();
        }
    }
    passes::thread_jumps(&mut t.ops);
    if t.fused() {
        passes::fuse_copy_br(&mut t.ops);
    }
    if config.accumulator && cfg!(feature = "accumulator") {
        let landing = passes::landings(&t.ops, &t.handlers);
        let temps = t.fused().then(|| Slot(t.stack_base()));
        passes::use_accumulator(&mut t.ops, &landing, temps);
    }
    if t.fused() {
        passes::pair_up(&mut t.ops);
    }
    let refs = t.refs.finish();
    let offsets = t.offsets.and_then(crate::offsets::OffsetMapBuilder::finish);
    let rare = (!t.handlers.is_empty() || refs.is_some() || offsets.is_some()).then(|| {
        Box::new(Rare {
            handlers: t.handlers.into_boxed_slice(),
            refs: refs.map(Box::new),
            offsets,
        })
    });
    Ok(CompiledFunc {
        // Finished code's branch targets are offsets from the branch, which dropping the
        // first instruction does not change.
        ops: crate::ir::finish_skipping(t.ops, usize::from(drop_first)).into(),
        n_params: param_cells as u32,
        frame_size: u32::try_from(frame_size)
            .map_err(|_| at_body(TranslateError::FrameTooLarge { cells: frame_size }))?,
        rare,
    })
}

pub(crate) type TResult = Result<(), TranslateError>;

struct Translator<'m> {
    module: &'m Module,
    config: TranslateConfig,
    ops: Vec<Op>,
    stack: refs::Operands,
    ctrl: Vec<Ctrl>,
    /// Cells taken by parameters and locals.
    n_locals: u32,
    /// The first cell of each local.
    local_slots: Vec<Slot>,
    /// Constants kept in cells between the locals and the operand stack (`pool.rs`).
    pool: pool::Pool,
    /// The type of each local.
    local_types: Vec<wisp_types::ValType>,
    /// Which locals are `v128`s.
    local_v128: Vec<bool>,
    /// Two cells per operand-stack height (the function touches `v128`).
    wide: bool,
    results: Vec<wisp_types::ValType>,
    max_height: u32,
    /// False after an unconditional branch, until the end of the block.
    reachable: bool,
    /// Blocks opened in unreachable code, which are skipped whole.
    dead_depth: u32,
    /// The `ConsumeFuel` of the current basic block.
    fuel_op: Option<usize>,
    /// The last instruction, if it only computed the value on top of the stack: a
    /// following `local.set` may redirect its result instead of copying it.
    fusable: Option<usize>,
    /// Operand-stack positions below this hold `Temp`s, so scans for values to
    /// materialize start here instead of at the bottom: otherwise each block entered
    /// above a stack of N values would cost N (time growing with a product of two input
    /// sizes). Only [`Translator::push`] puts anything else at a position, and it lowers
    /// this to that position.
    temps_below: usize,
    /// Positions below this hold no `Local`: where a `local.set` starts looking for
    /// aliases of the local it overwrites (see `visit_local_set`).
    locals_from: usize,
    /// Byte offset in the module of the operator being translated, for the errors of
    /// decoding its immediates.
    offset: usize,
    /// Where each instruction came from, if the engine keeps it.
    offsets: Option<crate::offsets::OffsetMapBuilder>,
    /// The exception handlers, innermost first (each is added at its `try`'s end).
    handlers: Vec<Catch>,
    /// While the body's first operators are translated: which locals they have set.
    prefix: Option<prefix::Prefix>,
    /// Until control first merges: which declared locals are known to hold zero.
    zeros: Option<prefix::Zeros>,
    /// Which declared locals some path reads before setting (while `ZeroLocals` may
    /// still be narrowed).
    assigned: Option<assigned::Assigned>,
    /// Where the current basic block starts: where branches may land.
    block_pc: usize,
    /// The reference map being built.
    refs: refs::MapBuilder,
    /// What only the end of the function can finish: handlers that go to the
    /// function's label, and legacy `rethrow`s and `catch`es that name a cell kept past
    /// the operand stack.
    #[cfg(feature = "exceptions")]
    eh: exceptions::Pending,
}

impl Translator<'_> {
    /// Cells of the frame: locals, then the operand stack at its deepest.
    fn frame_cells(&self) -> u64 {
        self.stack_base() as u64 + self.max_height as u64 * self.width() as u64
    }

    /// Cells per operand-stack height.
    fn width(&self) -> u32 {
        if self.wide {
            2
        } else {
            1
        }
    }

    /// The first cell of the operand stack: after the locals and the pool.
    fn stack_base(&self) -> u32 {
        self.n_locals + self.pool.cells()
    }

    fn slot(&self, pos: usize) -> Slot {
        Slot(self.stack_base() + pos as u32 * self.width())
    }

    /// The cells of local `index`, and whether it is a `v128`.
    fn local(&self, index: u32) -> Result<(Slot, bool), TranslateError> {
        let i = index as usize;
        match (self.local_slots.get(i), self.local_v128.get(i)) {
            (Some(s), Some(v)) => Ok((*s, *v)),
            _ => Err(TranslateError::Unknown("local")),
        }
    }

    /// Whether the local in cell `slot` is a `v128`.
    fn slot_is_v128(&self, slot: Slot) -> bool {
        self.local_slots
            .binary_search(&slot)
            .is_ok_and(|i| self.local_v128[i])
    }

    /// A copy of one cell, or of two for a `v128`.
    fn emit_copy(&mut self, dst: Slot, src: Slot, two: bool) {
        if two {
            self.emit(Op::Copy2 { dst, src });
        } else {
            self.emit(Op::Copy { dst, src });
        }
    }

    fn pc(&self) -> InstrIdx {
        InstrIdx(self.ops.len() as u32)
    }

    /// Makes room for `n` more instructions, or fails: on a device the code of a large
    /// function can be more than the heap has, which must be an error, not an abort.
    /// Each operator first reserves [`RESERVE`]; those that emit more (tables of
    /// branches, branches carrying many values) reserve what they need themselves.
    fn reserve(&mut self, n: usize) -> Result<(), TranslateError> {
        self.ops
            .try_reserve(n)
            .map_err(|_| TranslateError::CodeOutOfMemory)
    }

    fn emit(&mut self, op: Op) -> usize {
        self.fusable = None;
        self.ops.push(op);
        let at = self.ops.len() - 1;
        // The prefix's instructions cannot trap, and may yet move (`end_prefix`).
        if let (Some(map), None) = (&mut self.offsets, &self.prefix) {
            map.record(at as u32, self.offset as u32);
        }
        at
    }

    fn push(&mut self, v: Operand) {
        let pos = self.stack.len();
        if v != Operand::Temp {
            self.temps_below = self.temps_below.min(pos);
        }
        if let Operand::Local(_) = v {
            self.locals_from = self.locals_from.min(pos);
        }
        self.stack.push(v);
        self.max_height = self.max_height.max(self.stack.len() as u32);
    }

    fn pop(&mut self) -> Result<(usize, Operand), TranslateError> {
        let v = self.stack.pop().ok_or(TranslateError::StackUnderflow)?;
        Ok((self.stack.len(), v))
    }

    /// Writes a constant into a slot.
    fn emit_const(&mut self, dst: Slot, value: u64) {
        if value >> 32 == 0 {
            self.emit(Op::Const32 {
                dst,
                value: Imm32(value as u32),
            });
        } else {
            self.emit(Op::Const64 {
                dst,
                value: Imm64(value),
            });
        }
    }

    /// Forces the value at `pos` into its own slot.
    fn materialize(&mut self, pos: usize) {
        let dst = self.slot(pos);
        match self.stack[pos] {
            Operand::Temp => return,
            Operand::Local(src) => {
                let two = self.slot_is_v128(src);
                self.emit_copy(dst, src, two);
            }
            Operand::Const(c) => self.emit_const(dst, c),
        }
        self.stack.set_temp(pos);
    }

    fn materialize_from(&mut self, from: usize) {
        let len = self.stack.len();
        for pos in from.max(self.temps_below)..len {
            self.materialize(pos);
        }
        if from <= self.temps_below {
            // Everything is a `Temp` now.
            self.temps_below = len;
            self.locals_from = self.locals_from.max(len);
        }
    }

    /// The slot to read the value at `pos` from.
    fn read(&mut self, pos: usize, v: Operand) -> Slot {
        match v {
            Operand::Temp => self.slot(pos),
            Operand::Local(l) => l,
            Operand::Const(c) => {
                if let Some(cell) = self.pooled(c) {
                    return cell;
                }
                let dst = self.slot(pos);
                if !self.const_before_last(dst, c) {
                    self.emit_const(dst, c);
                }
                dst
            }
        }
    }

    /// Writes constant `c` into `dst` *before* the last instructions, if they just
    /// computed the value above the constant on the stack: then the instruction that
    /// reads both finds that value in the accumulator (`1.0 / f(x)`, `a - k * b`), where
    /// a constant written in between would have taken its place. It goes before the chain
    /// of instructions that fed each other the value (so that they keep passing it in the
    /// accumulator too), within the basic block, none of them reading or writing `dst`
    /// (the constant's stack slot, below their result). Moving them on breaks no table:
    /// nothing after the block's start is named yet but their offsets, which keep their
    /// places, so only instructions that cannot trap move more than one place.
    fn const_before_last(&mut self, dst: Slot, c: u64) -> bool {
        let Some(last) = self.fusable.filter(|&i| i + 1 == self.ops.len()) else {
            return false;
        };
        // Only numeric instructions: no safepoint (whose table entry names the place
        // after it) and no call moves.
        let clear = |op: &Op| {
            let (operands, n) = op.operands();
            op.acc_result().is_some()
                && op.movable().is_some()
                && !operands[..n].contains(&(dst.0 as u64))
        };
        let may_trap = |op: &Op| op.movable() != Some(crate::ir::Movable::Pure);
        if !clear(&self.ops[last]) {
            return false;
        }
        let mut at = last;
        while at > self.block_pc && last - at < 16 {
            let (before, op) = (self.ops[at - 1], self.ops[at]);
            let feeds = passes::acc_form_after(&before, op).is_some();
            if !feeds || !clear(&before) || may_trap(&op) || may_trap(&before) {
                break;
            }
            at -= 1;
        }
        let constant = if c >> 32 == 0 {
            Op::Const32 {
                dst,
                value: Imm32(c as u32),
            }
        } else {
            Op::Const64 {
                dst,
                value: Imm64(c),
            }
        };
        self.ops.insert(at, constant);
        self.fusable = Some(last + 1);
        true
    }

    /// Pops one operand and returns its position and the slot to read it from.
    fn pop_read(&mut self) -> Result<(usize, Slot), TranslateError> {
        let (pos, v) = self.pop()?;
        Ok((pos, self.read(pos, v)))
    }

    /// Pushes the result of an instruction that writes the slot of `pos`.
    fn push_result(&mut self, op: Op) {
        let idx = self.emit(op);
        self.push(Operand::Temp);
        self.fusable = Some(idx);
    }

    /// Whether to make fused forms of instructions: the configuration asks for them
    /// and this build's executor has them.
    fn fused(&self) -> bool {
        self.config.fused && cfg!(feature = "fused")
    }

    /// Starts a new basic block: with fuel on, it is charged as a whole on entry.
    fn start_basic_block(&mut self) {
        self.fusable = None;
        self.block_pc = self.ops.len();
        if self.config.fuel {
            self.fuel_op = Some(self.emit(Op::ConsumeFuel { amount: 0 }));
        }
    }

    /// Counts one more instruction against the basic block's fuel. A block charges at
    /// most [`crate::MAX_BLOCK_FUEL`]: a longer one starts another charge, so that a slice of
    /// fuel that size always makes progress (epoch interruption runs in such slices).
    fn charge_fuel(&mut self) {
        if let Some(i) = self.fuel_op {
            if let Op::ConsumeFuel { amount } = &mut self.ops[i] {
                if *amount >= crate::MAX_BLOCK_FUEL {
                    self.start_basic_block();
                    return self.charge_fuel();
                }
                *amount += 1;
            }
        }
    }

    /// Writes the value at `pos` into slot `dst`, unless it is there already. `two`
    /// says whether the value may be a `v128` (moves between stack heights of a wide
    /// function do not know the type, and copy both cells).
    fn move_to(&mut self, dst: Slot, pos: usize, two: bool) {
        match self.stack[pos] {
            Operand::Temp => {
                let src = self.slot(pos);
                if src != dst {
                    self.emit_copy(dst, src, two);
                }
            }
            Operand::Local(src) => {
                let two = self.slot_is_v128(src);
                self.emit_copy(dst, src, two);
            }
            Operand::Const(c) => self.emit_const(dst, c),
        }
    }
}
