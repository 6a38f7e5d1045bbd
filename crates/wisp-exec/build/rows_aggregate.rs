//! The rows of the GC proposal's struct and array instructions.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-instructions>
//!
//! Appended after every other family, so that adding them renumbered nothing. An
//! instruction with more operands than a row holds reads them from consecutive cells
//! at `base`, where the translator put them as it puts a call's arguments (a `v128`
//! takes two); its result, if any, goes to `base`.

use crate::table::{row, Row, Ty::*};

const GC: &str = "gc";

pub fn rows() -> Vec<Row> {
    let mut t = allocation();
    t.extend(access());
    t.extend(bulk());
    t
}

fn allocation() -> Vec<Row> {
    vec![
        row(
            "StructNew",
            &[("base", Slot), ("ty", Type), ("cells", Count)],
            "aggregate::struct_new",
        )
        .doc("`struct.new`: the fields, `cells` cells, at `base`.")
        .feature(GC),
        row(
            "StructNewDefault",
            &[("dst", Slot), ("ty", Type)],
            "aggregate::struct_new_default",
        )
        .doc("`struct.new_default`.")
        .feature(GC),
        row(
            "ArrayNew",
            &[("base", Slot), ("ty", Type), ("wide", Count)],
            "aggregate::array_new",
        )
        .doc("`array.new`: the value (two cells if `wide`: a `v128`), then the length, at `base`.")
        .feature(GC),
        row(
            "ArrayNewDefault",
            &[("dst", Slot), ("len", Slot), ("ty", Type)],
            "aggregate::array_new_default",
        )
        .doc("`array.new_default`.")
        .feature(GC),
        row(
            "ArrayNewFixed",
            &[("base", Slot), ("ty", Type), ("cells", Count)],
            "aggregate::array_new_fixed",
        )
        .doc("`array.new_fixed`: the elements, `cells` cells (two for each `v128`), at `base`.")
        .feature(GC),
        row(
            "ArrayNewData",
            &[("base", Slot), ("ty", Type), ("data", Data)],
            "aggregate::array_new_data",
        )
        .doc("`array.new_data`: the segment offset, then the length, at `base`.")
        .feature(GC),
        row(
            "ArrayNewElem",
            &[("base", Slot), ("ty", Type), ("elem", Elem)],
            "aggregate::array_new_elem",
        )
        .doc("`array.new_elem`: the segment offset, then the length, at `base`.")
        .feature(GC),
    ]
}

fn access() -> Vec<Row> {
    vec![
        row(
            "StructGet",
            &[("dst", Slot), ("obj", Slot), ("field", Raw)],
            "aggregate::struct_get",
        )
        .doc("`struct.get`, `struct.get_s`, `struct.get_u`: `field` is `ir::field::encode`'s.")
        .feature(GC),
        row(
            "StructSet",
            &[("obj", Slot), ("src", Slot), ("field", Raw)],
            "aggregate::struct_set",
        )
        .doc("`struct.set`: `field` as for `StructGet`.")
        .feature(GC),
        row(
            "ArrayGet",
            &[("dst", Slot), ("arr", Slot), ("idx", Slot)],
            "aggregate::array_get",
        )
        .args(&["objects::Extend::None"])
        .doc("`array.get`.")
        .feature(GC),
        row(
            "ArrayGetS",
            &[("dst", Slot), ("arr", Slot), ("idx", Slot)],
            "aggregate::array_get",
        )
        .args(&["objects::Extend::Signed"])
        .doc("`array.get_s`.")
        .feature(GC),
        row(
            "ArrayGetU",
            &[("dst", Slot), ("arr", Slot), ("idx", Slot)],
            "aggregate::array_get",
        )
        .args(&["objects::Extend::None"])
        .doc("`array.get_u`.")
        .feature(GC),
        row(
            "ArraySet",
            &[("arr", Slot), ("idx", Slot), ("src", Slot)],
            "aggregate::array_set",
        )
        .doc("`array.set`.")
        .feature(GC),
        row(
            "ArrayLen",
            &[("dst", Slot), ("arr", Slot)],
            "aggregate::array_len",
        )
        .doc("`array.len`.")
        .feature(GC),
    ]
}

fn bulk() -> Vec<Row> {
    vec![
        row("ArrayFill", &[("base", Slot)], "aggregate::array_fill")
            .doc("`array.fill`: the array, offset, value and length at `base`.")
            .feature(GC),
        row("ArrayCopy", &[("base", Slot)], "aggregate::array_copy")
            .doc("`array.copy`: the destination and its offset, the source and its offset, and the length at `base`.")
            .feature(GC),
        row(
            "ArrayInitData",
            &[("base", Slot), ("data", Data)],
            "aggregate::array_init_data",
        )
        .doc("`array.init_data`: the array, its offset, the segment offset and the length at `base`.")
        .feature(GC),
        row(
            "ArrayInitElem",
            &[("base", Slot), ("elem", Elem)],
            "aggregate::array_init_elem",
        )
        .doc("`array.init_elem`: as `ArrayInitData`.")
        .feature(GC),
    ]
}
