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
        row(
            "RefI31",
            &[("dst", Slot), ("src", Slot)],
            "reference::ref_i31",
        )
        .doc("`ref.i31`: the low 31 bits of `src` as an `i31`.")
        .retarget()
        .feature(GC),
        row(
            "I31GetS",
            &[("dst", Slot), ("src", Slot)],
            "reference::i31_get_s",
        )
        .doc("`i31.get_s`: traps on null.")
        .feature(GC),
        row(
            "I31GetU",
            &[("dst", Slot), ("src", Slot)],
            "reference::i31_get_u",
        )
        .doc("`i31.get_u`: traps on null.")
        .feature(GC),
        row(
            "AnyConvertExtern",
            &[("dst", Slot), ("src", Slot)],
            "reference::any_convert_extern",
        )
        .doc("`any.convert_extern`: no allocation (see `wisp_types::cells`).")
        .retarget()
        .feature(GC),
        row(
            "ExternConvertAny",
            &[("dst", Slot), ("src", Slot)],
            "reference::extern_convert_any",
        )
        .doc("`extern.convert_any`.")
        .retarget()
        .feature(GC),
        row(
            "RefTest",
            &[("dst", Slot), ("src", Slot), ("to", Cast)],
            "reference::ref_test",
        )
        .doc("`ref.test`: 1 if `src` is of type `to`, else 0.")
        .feature(GC),
        row(
            "RefCast",
            &[("src", Slot), ("to", Cast)],
            "reference::ref_cast",
        )
        .doc("`ref.cast`: traps unless `src` is of type `to`; the value stays where it is.")
        .feature(GC),
    ]
}
