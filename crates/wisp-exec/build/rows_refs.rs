//! The rows of WebAssembly 3.0's typed references (the function-references proposal,
//! and the GC proposal's instructions as they come).
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#reference-instructions>
//!
//! Appended after every other family, so that adding them renumbered nothing.
//!
//! `br_on_null` and `br_on_non_null` need no row: null is the zero cell, so they are
//! `BrIfEqz` and `BrIfNez` on the reference.

use crate::table::{row, Row, Ty::*};

const GC: &str = "gc";

pub fn rows() -> Vec<Row> {
    vec![
        row(
            "RefAsNonNull",
            &[("src", Slot)],
            "reference::ref_as_non_null",
        )
        .doc("`ref.as_non_null`: traps if `src` is null; the value stays where it is.")
        .feature(GC),
        row(
            "CallRef",
            &[("callee", Slot), ("base", Slot)],
            "reference::call_ref",
        )
        .doc("`call_ref`: calls the function `callee` refers to, its arguments at `base`.")
        .feature(GC),
        row(
            "ReturnCallRef",
            &[("callee", Slot), ("base", Slot)],
            "reference::return_call_ref",
        )
        .doc("`return_call_ref`: the tail call form of `CallRef`.")
        .feature(GC),
    ]
}
