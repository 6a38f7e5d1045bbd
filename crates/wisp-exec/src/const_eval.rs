//! Evaluation of constant expressions (global initializers, segment offsets and items).
//! Spec: <https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions>

use crate::ExecStore;
use alloc::vec::Vec;
use wisp_parse::{ConstExpr, ConstOp};
use wisp_store::ModuleInst;
#[cfg(feature = "gc")]
use wisp_types::cells;
use wisp_types::{RawVal, TrapCode};

/// A constant's bits: 128 for a `v128` (and for the GC proposal's allocations, which
/// take their operands so), 64 without either, which a 32-bit device computes in half
/// the instructions.
#[cfg(any(feature = "simd", feature = "gc"))]
type Bits = u128;
#[cfg(not(any(feature = "simd", feature = "gc")))]
type Bits = u64;
// Casts to and from `Bits` are to the same type in one build or the other, which the
// functions below allow (`clippy::unnecessary_cast`, `clippy::useless_conversion`).

/// What an expression reads and makes: the instance's globals and functions, and
/// (only while an instance is built) new heap objects.
trait Context {
    fn inst(&self) -> &ModuleInst;
    fn store(&self) -> &ExecStore;
    /// A `struct.new*` or `array.new*` of the instance's type `t`, its operands popped
    /// from `stack`.
    #[cfg(feature = "gc")]
    fn alloc(&mut self, t: u32, op: &ConstOp, stack: &mut Vec<u128>) -> Result<u128, TrapCode>;
}

/// While an instance is built: objects can be made.
struct Building<'a> {
    store: &'a mut ExecStore,
    inst: &'a ModuleInst,
}

impl Context for Building<'_> {
    fn inst(&self) -> &ModuleInst {
        self.inst
    }
    fn store(&self) -> &ExecStore {
        self.store
    }
    #[cfg(feature = "gc")]
    fn alloc(&mut self, t: u32, op: &ConstOp, stack: &mut Vec<u128>) -> Result<u128, TrapCode> {
        let id = *self
            .inst
            .types
            .get(t as usize)
            .ok_or(TrapCode::OutOfMemory)?;
        Ok(crate::aggregate::const_alloc(self.store, id, op, stack)? as u128)
    }
}

/// A segment's offset: validation allows no allocation there.
struct Reading<'a> {
    store: &'a ExecStore,
    inst: &'a ModuleInst,
}

impl Context for Reading<'_> {
    fn inst(&self) -> &ModuleInst {
        self.inst
    }
    fn store(&self) -> &ExecStore {
        self.store
    }
    #[cfg(feature = "gc")]
    fn alloc(&mut self, _: u32, _: &ConstOp, _: &mut Vec<u128>) -> Result<u128, TrapCode> {
        Err(TrapCode::OutOfMemory)
    }
}

/// Evaluates `expr` in the context of a (partially built) module instance. Validation
/// guarantees the shape, so a malformed expression just yields zero. Only an
/// allocation (`struct.new`, `array.new`, …) can fail: the heap is full.
pub(crate) fn eval(
    expr: &ConstExpr,
    store: &mut ExecStore,
    inst: &ModuleInst,
) -> Result<RawVal, TrapCode> {
    Ok(RawVal(eval128(expr, store, inst)? as u64))
}

/// Like [`eval`], for any type: a `v128` fills all 128 bits.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
pub(crate) fn eval128(
    expr: &ConstExpr,
    store: &mut ExecStore,
    inst: &ModuleInst,
) -> Result<u128, TrapCode> {
    eval_in(expr, &mut Building { store, inst }).map(u128::from)
}

/// A segment's offset, which reads globals at most: an `i64` for a 64-bit memory or
/// table (`is64`), an `i32` otherwise.
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
pub(crate) fn eval_offset(
    expr: &ConstExpr,
    store: &ExecStore,
    inst: &ModuleInst,
    is64: bool,
) -> u64 {
    let v = eval_in(expr, &mut Reading { store, inst }).unwrap_or(0) as u64;
    if is64 {
        v
    } else {
        v as u32 as u64
    }
}

// `dyn`: one copy of the loop serves both contexts (a device keeps one, not two).
#[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
fn eval_in(expr: &ConstExpr, cx: &mut dyn Context) -> Result<Bits, TrapCode> {
    let mut stack: Vec<Bits> = Vec::new();
    for op in &expr.0 {
        let v = match *op {
            #[cfg(feature = "gc")]
            ConstOp::StructNew(t)
            | ConstOp::StructNewDefault(t)
            | ConstOp::ArrayNew(t)
            | ConstOp::ArrayNewDefault(t)
            | ConstOp::ArrayNewFixed(t, _) => cx.alloc(t, op, &mut stack)?,
            ConstOp::I32(v) => v as u32 as Bits,
            ConstOp::I64(v) => v as u64 as Bits,
            ConstOp::F32(v) => v as Bits,
            ConstOp::F64(v) => v as Bits,
            #[cfg(feature = "simd")]
            ConstOp::V128(v) => v,
            ConstOp::RefNull(_) => 0,
            #[cfg(feature = "gc")]
            ConstOp::RefI31 | ConstOp::AnyConvertExtern | ConstOp::ExternConvertAny => {
                let c = stack.pop().unwrap_or(0) as u64;
                (match *op {
                    ConstOp::RefI31 => cells::ref_i31(c as u32),
                    ConstOp::AnyConvertExtern => cells::any_convert_extern(c),
                    _ => cells::extern_convert_any(c),
                }) as Bits
            }
            ConstOp::RefFunc(f) => cx
                .inst()
                .funcs
                .get(f as usize)
                .map_or(0, |a| RawVal::from_ref_addr(Some(a.0)).0 as Bits),
            ConstOp::GlobalGet(g) => cx
                .inst()
                .globals
                .get(g as usize)
                .and_then(|a| cx.store().globals.get(*a as usize))
                .map_or(0, |g| (g.value.0 as u128 | (g.hi.0 as u128) << 64) as Bits),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (b, a) = (
                    stack.pop().unwrap_or(0) as u32,
                    stack.pop().unwrap_or(0) as u32,
                );
                (match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as Bits
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = (
                    stack.pop().unwrap_or(0) as u64,
                    stack.pop().unwrap_or(0) as u64,
                );
                (match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as Bits
            }
            // The GC proposal's and `v128.const`, which validation and the image reader
            // refuse without their features.
            #[cfg(not(all(feature = "gc", feature = "simd")))]
            _ => return Err(TrapCode::OutOfMemory),
        };
        stack.push(v);
    }
    Ok(stack.pop().unwrap_or(0))
}
