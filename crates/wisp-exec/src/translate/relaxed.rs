//! Relaxed SIMD (WebAssembly 3.0): each instruction as the spec's deterministic
//! profile defines it, mostly as its strict counterpart; the multiply-adds and the dot
//! products have instructions of their own (`exec/simd/relaxed.rs`).
//! Spec: <https://webassembly.github.io/spec/core/exec/numerics.html#relaxed-operations>

use super::{Op, TranslateError, Translator};
use wisp_parse::wasmparser::Operator;

/// Whether `op` is a relaxed instruction translated as a strict one (which the
/// operator table's list of vector instructions does not name).
pub(super) fn is_strict_form(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::I8x16RelaxedSwizzle
            | Operator::I32x4RelaxedTruncF32x4S
            | Operator::I32x4RelaxedTruncF32x4U
            | Operator::I32x4RelaxedTruncF64x2SZero
            | Operator::I32x4RelaxedTruncF64x2UZero
            | Operator::I8x16RelaxedLaneselect
            | Operator::I16x8RelaxedLaneselect
            | Operator::I32x4RelaxedLaneselect
            | Operator::I64x2RelaxedLaneselect
            | Operator::F32x4RelaxedMin
            | Operator::F32x4RelaxedMax
            | Operator::F64x2RelaxedMin
            | Operator::F64x2RelaxedMax
            | Operator::I16x8RelaxedQ15mulrS
    )
}

impl Translator<'_> {
    /// Translates `op` if it is a relaxed SIMD instruction; `Ok(false)` if it is not.
    pub(super) fn visit_relaxed(&mut self, op: &Operator<'_>) -> Result<bool, TranslateError> {
        match *op {
            // Out-of-range indices give 0, as `i8x16.swizzle`'s do.
            Operator::I8x16RelaxedSwizzle => {
                self.binary(|dst, lhs, rhs| Op::I8x16Swizzle { dst, lhs, rhs })?
            }
            // NaN and out-of-range lanes saturate, as the `trunc_sat` forms do.
            Operator::I32x4RelaxedTruncF32x4S => {
                self.unary(|dst, src| Op::I32x4TruncSatF32x4S { dst, src })?
            }
            Operator::I32x4RelaxedTruncF32x4U => {
                self.unary(|dst, src| Op::I32x4TruncSatF32x4U { dst, src })?
            }
            Operator::I32x4RelaxedTruncF64x2SZero => {
                self.unary(|dst, src| Op::I32x4TruncSatF64x2SZero { dst, src })?
            }
            Operator::I32x4RelaxedTruncF64x2UZero => {
                self.unary(|dst, src| Op::I32x4TruncSatF64x2UZero { dst, src })?
            }
            // Every bit of the mask selects, as in `v128.bitselect`.
            Operator::I8x16RelaxedLaneselect
            | Operator::I16x8RelaxedLaneselect
            | Operator::I32x4RelaxedLaneselect
            | Operator::I64x2RelaxedLaneselect => {
                self.ternary(|dst, lhs, rhs| Op::V128Bitselect { dst, lhs, rhs })?
            }
            // NaNs and signed zeros as `min` and `max` treat them.
            Operator::F32x4RelaxedMin => {
                self.binary(|dst, lhs, rhs| Op::F32x4Min { dst, lhs, rhs })?
            }
            Operator::F32x4RelaxedMax => {
                self.binary(|dst, lhs, rhs| Op::F32x4Max { dst, lhs, rhs })?
            }
            Operator::F64x2RelaxedMin => {
                self.binary(|dst, lhs, rhs| Op::F64x2Min { dst, lhs, rhs })?
            }
            Operator::F64x2RelaxedMax => {
                self.binary(|dst, lhs, rhs| Op::F64x2Max { dst, lhs, rhs })?
            }
            // -1 * -1 saturates to the largest lane value.
            Operator::I16x8RelaxedQ15mulrS => {
                self.binary(|dst, lhs, rhs| Op::I16x8Q15MulrSatS { dst, lhs, rhs })?
            }
            Operator::F32x4RelaxedMadd => {
                self.ternary(|dst, lhs, rhs| Op::F32x4RelaxedMadd { dst, lhs, rhs })?
            }
            Operator::F32x4RelaxedNmadd => {
                self.ternary(|dst, lhs, rhs| Op::F32x4RelaxedNmadd { dst, lhs, rhs })?
            }
            Operator::F64x2RelaxedMadd => {
                self.ternary(|dst, lhs, rhs| Op::F64x2RelaxedMadd { dst, lhs, rhs })?
            }
            Operator::F64x2RelaxedNmadd => {
                self.ternary(|dst, lhs, rhs| Op::F64x2RelaxedNmadd { dst, lhs, rhs })?
            }
            Operator::I32x4RelaxedDotI8x16I7x16AddS => {
                self.ternary(|dst, lhs, rhs| Op::I32x4RelaxedDotI8x16I7x16AddS { dst, lhs, rhs })?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
