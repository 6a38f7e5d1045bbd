//! What a function's entry leaves known about its declared locals.
//!
//! Spec (locals start at their type's default value):
//! <https://webassembly.github.io/spec/core/exec/instructions.html#function-calls>

use super::{wasmparser, Op, Operand, Translator};
use crate::ir::Slot;
use alloc::vec::Vec;

/// The body's first operators, while they run straight on: no branch, call, trap or
/// exception, and no read of a declared local that they have not set. Most locals of
/// compiled code are set there (a stack pointer taken from a global, a counter set to
/// zero), and zeroing them on entry, as the spec's default values need, is wasted. So
/// where the prefix ends, the function's first instruction (`ZeroLocals`) is narrowed to
/// leave out the locals at either end of its range that the prefix set, and removed if
/// none is left; nothing before that point can tell (the prefix cannot trap or call, and
/// its instructions record no offsets, so that the removal moves nothing another table
/// names). Only numbers count as set: the collector reads reference locals, and a
/// `v128` is zeroed as a whole.
pub(super) struct Prefix {
    /// Parameters, which are not zeroed.
    pub(super) params: usize,
    /// For each declared local, whether the prefix has set it.
    pub(super) set: Vec<bool>,
}

/// From the entry until control first merges (a loop's header, a block's or an arm's
/// end, a handler): which numeric locals are known to hold zero, their default or a
/// zero set since. Setting one of them to zero again (`i32.const 0; local.set`, common
/// where compiled code initializes a counter before its loop and again after an early
/// exit) writes nothing. On the one path from the entry to such a point nothing else can
/// have written the local.
pub(super) struct Zeros {
    params: usize,
    /// For each declared local, whether it holds zero.
    known: Vec<bool>,
}

impl Zeros {
    /// At the entry: every numeric declared local holds zero.
    pub(super) fn at_entry(params: usize, locals: &[wisp_types::ValType]) -> Zeros {
        let known = locals[params..].iter().map(|&t| is_number(t)).collect();
        Zeros { params, known }
    }
}

impl Translator<'_> {
    /// Notes what `op` does to the locals if the prefix goes on through it, or ends the
    /// prefix before it.
    pub(super) fn prefix_step(&mut self, op: &wasmparser::Operator<'_>) {
        use wasmparser::Operator as O;
        let Some(prefix) = &mut self.prefix else {
            return;
        };
        let declared = |i: u32| (i as usize).checked_sub(prefix.params);
        let goes_on = match *op {
            O::LocalGet { local_index } => {
                declared(local_index).is_none_or(|d| prefix.set.get(d) == Some(&true))
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                let number = self
                    .local_types
                    .get(local_index as usize)
                    .is_some_and(|&t| is_number(t));
                if let Some(s) = declared(local_index).and_then(|d| prefix.set.get_mut(d)) {
                    *s |= number;
                }
                true
            }
            _ => straight(op),
        };
        if !goes_on {
            self.end_prefix();
        }
    }

    /// Narrows or removes the first instruction, `ZeroLocals`, to the locals the prefix
    /// did not set.
    pub(super) fn end_prefix(&mut self) {
        let Some(prefix) = self.prefix.take() else {
            return;
        };
        let Some(&Op::ZeroLocals { start, end }) = self.ops.first() else {
            return;
        };
        let unset = |i: &usize| !prefix.set[i - prefix.params];
        let first = (prefix.params..self.local_types.len()).find(unset);
        let last = (prefix.params..self.local_types.len()).rfind(unset);
        let (mut from, mut to) = (end.0, end.0);
        if let (Some(a), Some(b)) = (first, last) {
            from = self.local_slots[a].0;
            to = self.local_slots[b].0 + self.local_types[b].cells() as u32;
        }
        // The cells kept for `rethrow`s, after the locals, are always zeroed.
        let locals_end = self
            .local_slots
            .last()
            .zip(self.local_types.last())
            .map_or(start.0, |(s, t)| s.0 + t.cells() as u32);
        if end.0 > locals_end {
            to = end.0;
            from = from.min(locals_end);
        }
        if from < to {
            self.ops[0] = Op::ZeroLocals {
                start: Slot(from),
                end: Slot(to),
            };
            return;
        }
        self.ops.remove(0);
        self.block_pc = self.block_pc.saturating_sub(1);
        if let Some(f) = &mut self.fuel_op {
            *f -= 1;
        }
        if let Some(f) = &mut self.fusable {
            *f -= 1;
        }
    }
}

impl Translator<'_> {
    /// At the body's end: narrows the first instruction, `ZeroLocals`, to the locals some
    /// path may read before setting ([`super::assigned`]), every local that is not a
    /// number (the collector reads references; a `v128` is zeroed whole) and the cells
    /// kept for `rethrow`s after the locals. True if it is left zeroing nothing, when the
    /// caller may drop it.
    pub(super) fn zero_only_read_first(&mut self) -> bool {
        let Some(read_first) = self
            .assigned
            .take()
            .and_then(super::assigned::Assigned::finish)
        else {
            return false;
        };
        let Some(&Op::ZeroLocals { start, end }) = self.ops.first() else {
            return false;
        };
        let params = self.local_types.len() - read_first.len();
        let zero = |d: &usize| read_first[*d] || !is_number(self.local_types[params + *d]);
        let first = (0..read_first.len()).find(zero);
        let last = (0..read_first.len()).rfind(zero);
        let locals_end = self
            .local_slots
            .last()
            .zip(self.local_types.last())
            .map_or(start.0, |(s, t)| s.0 + t.cells() as u32);
        let (mut from, mut to) = match (first, last) {
            (Some(a), Some(b)) => (
                self.local_slots[params + a].0,
                self.local_slots[params + b].0 + self.local_types[params + b].cells() as u32,
            ),
            _ => (locals_end, locals_end),
        };
        // The cells kept for `rethrow`s, after the locals, are always zeroed.
        if end.0 > locals_end {
            from = from.min(locals_end);
            to = end.0;
        }
        // Both ranges cover every cell that needs zeroing: so does their intersection.
        let (from, to) = (from.max(start.0), to.min(end.0));
        if from >= to {
            return true;
        }
        self.ops[0] = Op::ZeroLocals {
            start: Slot(from),
            end: Slot(to),
        };
        false
    }

    /// Stops knowing which locals are zero where control may merge (`op` is translated
    /// next; called after [`Translator::prefix_step`], which may just have ended the prefix).
    pub(super) fn zeros_step(&mut self, op: &wasmparser::Operator<'_>) {
        use wasmparser::Operator as O;
        if self.zeros.is_some()
            && matches!(
                op,
                O::Loop { .. }
                    | O::If { .. }
                    | O::Else
                    | O::End
                    | O::Try { .. }
                    | O::TryTable { .. }
                    | O::Catch { .. }
                    | O::CatchAll
                    | O::Delegate { .. }
            )
        {
            self.zeros = None;
        }
    }

    /// For `local.set`/`local.tee` of local `index`: true if the value on top is a zero
    /// the local is known to hold already, and the set has been done (nothing to write).
    /// Otherwise notes what the local holds once the set is done. Within the prefix
    /// every set is written: `end_prefix` counts it as the local's first write.
    pub(super) fn set_known_zero(&mut self, index: u32, tee: bool) -> bool {
        let top_is_zero = self.stack.last() == Some(&Operand::Const(0));
        let Some(zeros) = &mut self.zeros else {
            return false;
        };
        let Some(known) = (index as usize)
            .checked_sub(zeros.params)
            .and_then(|d| zeros.known.get_mut(d))
        else {
            return false;
        };
        if *known && top_is_zero && self.prefix.is_none() {
            // The zero may be the default the entry writes: keep it written.
            if let Some(a) = &mut self.assigned {
                a.relies_on_default(index);
            }
            if !tee {
                self.stack.pop();
            }
            return true;
        }
        *known = top_is_zero;
        false
    }
}

/// Whether `op` neither branches, calls, traps nor throws, nor touches a local: what a
/// prefix goes on through.
fn straight(op: &wasmparser::Operator<'_>) -> bool {
    use wasmparser::Operator as O;
    matches!(
        op,
        O::I32Const { .. }
            | O::I64Const { .. }
            | O::F32Const { .. }
            | O::F64Const { .. }
            | O::GlobalGet { .. }
            | O::GlobalSet { .. }
            | O::Drop
            | O::Nop
            | O::I32Add
            | O::I32Sub
            | O::I32Mul
            | O::I32And
            | O::I32Or
            | O::I32Xor
            | O::I32Shl
            | O::I32ShrS
            | O::I32ShrU
            | O::I32Eqz
            | O::I32Eq
            | O::I32Ne
            | O::I32LtS
            | O::I32LtU
            | O::I32GtS
            | O::I32GtU
            | O::I32LeS
            | O::I32LeU
            | O::I32GeS
            | O::I32GeU
            | O::I64Add
            | O::I64Sub
            | O::I64Mul
            | O::I64And
            | O::I64Or
            | O::I64Xor
            | O::I64Shl
            | O::I64ShrS
            | O::I64ShrU
            | O::I64Eqz
            | O::I64Eq
            | O::I64Ne
            | O::I64ExtendI32S
            | O::I64ExtendI32U
            | O::I32WrapI64
            | O::F64Add
            | O::F64Sub
            | O::F64Mul
            | O::F32Add
            | O::F32Sub
            | O::F32Mul
    )
}

/// Whether a local of type `t` is a number, which the collector does not read and a set
/// writes whole.
fn is_number(t: wisp_types::ValType) -> bool {
    use wisp_types::ValType as V;
    matches!(t, V::I32 | V::I64 | V::F32 | V::F64)
}
