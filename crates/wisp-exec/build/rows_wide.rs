//! The rows of the wide-arithmetic proposal: 128-bit addition and subtraction of `i64`
//! pairs and the full product of two `i64`s.
//! Spec: <https://github.com/WebAssembly/wide-arithmetic/blob/main/proposals/wide-arithmetic/Overview.md>
//!
//! Each instruction leaves two `i64`s, low half first, and writes them to `dst` and the
//! cell after it. In a narrow function that cell is the slot of the next stack height,
//! where the high half belongs; in a wide one (two cells per height) it is the unused
//! upper cell of `dst`'s height, and the translator follows the instruction with a
//! `Copy` to the next height. So no row names a second destination, and `mul_wide`
//! (two operands) fits the usual three fields. `add128` and `sub128` read four operands,
//! each from wherever it lives (a local, a slot, a constant written just before): the
//! left pair in the instruction's fields, the right pair in an `Arg` after it. Forcing
//! the operands into consecutive cells instead would save the `Arg`'s fetch but cost a
//! copy for every operand that is a local, the common case.
//!
//! The results are not retargeted by a following `local.set` (two values) and do not
//! go through the accumulator (neither is an `acc_result`).
//!
//! A family touches: this file (and its `mod` in `build.rs`, its call in `rows.rs`), the
//! semantics in `src/exec/numeric.rs`, the bodies in `src/exec/handlers/wide.rs`, the
//! translation shapes `FourToTwo` and `TwoToTwo` (`table.rs`, `gen_translate.rs`,
//! `src/translate/visit.rs`), and the feature in `wisp-validate`'s `features.rs`.

use crate::table::{row, Row, Translate, Ty::*};

/// The feature of these rows: without it a module using them is invalid, and an image
/// that does is refused.
const WIDE: &str = "wide-arithmetic";

pub fn rows() -> Vec<Row> {
    let mut t = Vec::new();
    for (name, f, wasm) in [
        ("I64Add128", "i64_add128", "i64.add128"),
        ("I64Sub128", "i64_sub128", "i64.sub128"),
    ] {
        t.push(
            row(
                name,
                &[("dst", Slot), ("lhs_lo", Slot), ("lhs_hi", Slot)],
                "wide::four_to_two",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "`{wasm}` of `lhs_lo`, `lhs_hi` and the pair in the `Arg {{ a: rhs_lo, \
                 b: rhs_hi }}` that follows; the low half of the result to `dst`, the \
                 high half to the cell after it."
            ))
            .translate(Translate::FourToTwo)
            .feature(WIDE),
        );
    }
    for (name, f, wasm) in [
        ("I64MulWideS", "i64_mul_wide_s", "i64.mul_wide_s"),
        ("I64MulWideU", "i64_mul_wide_u", "i64.mul_wide_u"),
    ] {
        t.push(
            row(
                name,
                &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)],
                "wide::two_to_two",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "`{wasm}`: the 128-bit product, its low half to `dst`, its high half to \
                 the cell after it."
            ))
            .translate(Translate::TwoToTwo)
            .feature(WIDE),
        );
    }
    t
}
