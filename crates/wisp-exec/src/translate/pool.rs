//! Constants that loops read, kept in cells of their own.
//!
//! A constant on the operand stack costs nothing until an instruction reads it from a
//! slot; then a `Const32`/`Const64` writes it there, on every iteration of a loop around
//! it (`1.0 / d`, `x * 0.5`, a load from a fixed address). Where a function's first loop
//! starts on an empty stack at the function's level, the translator looks ahead through
//! the rest of the body once, gathers the constants that loops will read from a slot,
//! writes them before the loop into cells of their own (the *pool*, between the locals
//! and the operand stack), and from then on reads each from its cell: one write per call
//! of the function instead of one per iteration.
//!
//! Moving the operand stack up by the pool is only sound if no value was already on it
//! and nothing written before can be read after: so every open block must be a plain
//! `block` (or the body) that no branch or handler has named yet, which also makes the
//! writes dominate the rest of the body.

use super::{CtrlKind, Translator};
use crate::ir::Slot;
use alloc::vec::Vec;
use wisp_parse::wasmparser::{Operator as O, OperatorsReader};

/// At most this many constants get a cell: each costs a write per call.
const POOL_MAX: usize = 8;

/// The constants a function keeps in cells, once planned.
#[derive(Default)]
pub(super) struct Pool {
    /// Their values (raw bits), in cell order.
    values: Vec<u64>,
    /// The first cell.
    base: u32,
    /// Whether the look-ahead has run (it runs at most once).
    planned: bool,
}

impl Pool {
    /// Cells the pool takes below the operand stack.
    pub(super) fn cells(&self) -> u32 {
        self.values.len() as u32
    }
}

impl Translator<'_> {
    /// Before the `loop` just read: if the pool can start here, looks through the rest
    /// of the body (`rest`, the reader after the `loop`) and writes the constants.
    pub(super) fn plan_pool(&mut self, rest: &OperatorsReader<'_>) {
        if self.pool.planned || !self.config.fused || !self.reachable || !self.stack.is_empty() {
            return;
        }
        let clean = self.ctrl.iter().all(|c| {
            matches!(c.kind, CtrlKind::Func | CtrlKind::Block)
                && c.fixups.is_empty()
                && c.handler_fixups.is_empty()
        });
        if !clean {
            return;
        }
        self.pool.planned = true;
        let values = scan(rest.clone());
        // Room for the loop's own instructions too, as `RESERVE` promised before it.
        if values.is_empty() || self.reserve(values.len() + super::RESERVE).is_err() {
            return;
        }
        let base = self.n_locals;
        for (k, &v) in values.iter().enumerate() {
            self.emit_const(Slot(base + k as u32), v);
        }
        self.pool.base = base;
        self.pool.values = values;
    }

    /// The cell that holds constant `c`, if the pool has it.
    pub(super) fn pooled(&self, c: u64) -> Option<Slot> {
        let k = self.pool.values.iter().position(|&v| v == c)?;
        Some(Slot(self.pool.base + k as u32))
    }
}

/// The constants, in order of first use, that instructions inside loops will read from
/// a slot, from the reader just inside a loop to the end of the body.
fn scan(mut reader: OperatorsReader<'_>) -> Vec<u64> {
    // Per open block: whether it is a loop. The first is the loop just entered.
    let mut open = alloc::vec![true];
    let mut loops = 1usize;
    let mut pending: Option<(u64, bool)> = None;
    let mut found = Vec::new();
    while let Ok(op) = reader.read() {
        if let Some((value, float)) = pending.take() {
            if loops > 0 && read_from_slot(&op, float) && !found.contains(&value) {
                found.push(value);
                if found.len() == POOL_MAX {
                    break;
                }
            }
        }
        match op {
            O::I32Const { value } => pending = Some((value as u32 as u64, false)),
            O::I64Const { value } => pending = Some((value as u64, false)),
            O::F32Const { value } => pending = Some((value.bits() as u64, true)),
            O::F64Const { value } => pending = Some((value.bits(), true)),
            O::Loop { .. } => {
                open.push(true);
                loops += 1;
            }
            O::Block { .. } | O::If { .. } | O::Try { .. } | O::TryTable { .. } => open.push(false),
            O::End => match open.pop() {
                Some(true) => loops -= 1,
                Some(false) => {}
                None => break,
            },
            _ => {}
        }
    }
    found
}

/// Whether a constant just before `next` will be read from a slot. Integers mostly
/// become immediates (of arithmetic, comparisons, stored values), so only an address
/// counts; a float is read by whatever computes with it. Constants that are moved
/// somewhere (a local, a global, a call's argument, a result) are written there
/// directly, which a cell would not make cheaper.
fn read_from_slot(next: &O<'_>, float: bool) -> bool {
    if float {
        return !matches!(
            next,
            O::LocalSet { .. }
                | O::LocalTee { .. }
                | O::GlobalSet { .. }
                | O::Call { .. }
                | O::CallIndirect { .. }
                | O::CallRef { .. }
                | O::ReturnCall { .. }
                | O::ReturnCallIndirect { .. }
                | O::ReturnCallRef { .. }
                | O::Return
                | O::Br { .. }
                | O::BrIf { .. }
                | O::BrTable { .. }
                | O::End
                | O::Drop
                | O::F32Store { .. }
                | O::F64Store { .. }
        );
    }
    matches!(
        next,
        O::I32Load { .. }
            | O::I64Load { .. }
            | O::F32Load { .. }
            | O::F64Load { .. }
            | O::I32Load8S { .. }
            | O::I32Load8U { .. }
            | O::I32Load16S { .. }
            | O::I32Load16U { .. }
            | O::I64Load8S { .. }
            | O::I64Load8U { .. }
            | O::I64Load16S { .. }
            | O::I64Load16U { .. }
            | O::I64Load32S { .. }
            | O::I64Load32U { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operators of the body of the module's first function, after its first `loop`.
    fn after_first_loop(wat: &str, f: impl FnOnce(OperatorsReader<'_>) -> Vec<u64>) -> Vec<u64> {
        let buf = wast::parser::ParseBuffer::new(wat).unwrap();
        let wasm = wast::parser::parse::<wast::Wat>(&buf)
            .unwrap()
            .encode()
            .unwrap();
        for payload in wisp_parse::wasmparser::Parser::new(0).parse_all(&wasm) {
            if let Ok(wisp_parse::wasmparser::Payload::CodeSectionEntry(body)) = payload {
                let mut r = body.get_operators_reader().unwrap();
                while !matches!(r.read().unwrap(), O::Loop { .. }) {}
                return f(r);
            }
        }
        panic!("no code")
    }

    #[test]
    fn floats_in_loops_and_addresses_count_moves_and_immediates_do_not() {
        let found = after_first_loop(
            r#"(module (memory 1) (func (param f64 i32) (local f64)
                 (loop
                   (local.set 2 (f64.div (f64.const 1.5) (local.get 0)))
                   (local.set 2 (f64.const 2.5))
                   (drop (i32.add (local.get 1) (i32.const 7)))
                   (drop (f64.load (i32.const 64)))
                   (drop (f64.mul (local.get 0) (f64.const 1.5)))
                   (br_if 0 (local.get 1)))
                 (drop (f64.mul (local.get 0) (f64.const 9.5)))))"#,
            scan,
        );
        assert_eq!(found, [1.5f64.to_bits(), 64]);
    }
}
