//! The rows of the operator table, except SIMD (`rows_simd.rs`) and wide arithmetic
//! (`rows_wide.rs`): control, calls,
//! variables, memory and table instructions one row each, then the numeric and memory
//! families one call per Wasm operator. The order of rows is the order of the enum, and
//! so the numbering of instructions in images.

use crate::table::{row, wasm_name, Row, Translate, Ty::*};

const ACC: &str = "accumulator";

pub fn rows() -> Vec<Row> {
    let mut t = control();
    t.extend(variables_and_memory());
    numeric(&mut t);
    memory_access(&mut t);
    t.extend(crate::rows_simd::rows());
    compare_and_branch(&mut t);
    t.extend(fused_address());
    t.extend(crate::rows_wide::rows());
    t
}

fn control() -> Vec<Row> {
    vec![
        row("Arg", &[("a", Raw), ("b", Raw)], "control::arg")
            .doc("Operands for the preceding instruction; never executed."),
        row("Unreachable", &[], "control::unreachable").doc("`unreachable`: traps."),
        row(
            "ZeroLocals",
            &[("start", Slot), ("end", Slot)],
            "data::zero_locals",
        )
        .doc(
            "Zeroes the declared locals, cells `start..end`; the first instruction of a \
             function that has any.",
        ),
        row("ConsumeFuel", &[("amount", Count)], "control::consume_fuel")
            .doc("Charges fuel for the basic block it starts."),
        row("Br", &[("target", Target)], "control::br").doc("`br`: jumps to `target`."),
        row(
            "BrIfNez",
            &[("cond", Slot), ("target", Target)],
            "control::br_if_nez",
        )
        .doc("`br_if`: jumps if `cond` is not zero.")
        .negation("BrIfEqz")
        .acc("cond", "BrIfNezAcc"),
        row(
            "BrIfEqz",
            &[("cond", Slot), ("target", Target)],
            "control::br_if_eqz",
        )
        .doc("Jumps if `cond` is zero.")
        .negation("BrIfNez")
        .acc("cond", "BrIfEqzAcc"),
        row(
            "BrTable",
            &[("index", Slot), ("len", Count)],
            "control::br_table",
        )
        .doc("`br_table`: followed by `len + 1` `Br`s, the last one the default.")
        .acc("index", "BrTableAcc"),
        row("Return", &[], "control::return_")
            .doc("Returns; the results are already in slots `0..n`."),
        row("ReturnCopy", &[("src", Slot)], "control::return_copy")
            .doc("Copies the one result cell from `src` into slot 0, then returns."),
        row("Call", &[("func", Func), ("base", Slot)], "control::call")
            .doc("`call`: the callee's frame starts at `base`, where its arguments are."),
        row(
            "CallInternal",
            &[("func", DefinedFunc), ("base", Slot)],
            "control::call_internal",
        )
        .doc(
            "A call of the module's own defined function `func` (counted without the \
                 imported ones), so it runs in the same instance.",
        ),
        row(
            "CallIndirect",
            &[("index", Slot), ("base", Slot), ("ty", Type)],
            "control::call_indirect",
        )
        .doc("`call_indirect`: followed by `Arg { a: table, .. }`."),
        row("Copy", &[("dst", Slot), ("src", Slot)], "data::copy")
            .doc("Copies one cell.")
            .acc_result(),
        row(
            "CopyBr",
            &[("dst", Slot), ("src", Slot), ("target", Target)],
            "control::copy_br",
        )
        .doc("A `Copy` and then a `Br`: the value a block leaves, and the jump out."),
        row(
            "I32AddShl2",
            &[("dst", Slot), ("base", Slot), ("index", Slot)],
            "data::add_shl",
        )
        .args(&["2"])
        .doc(
            "`i32.add` of `base` and `index` shifted left by 2: an address into an array \
                 of 4-byte elements.",
        )
        .acc_result()
        .retarget()
        .acc("base", "I32AddShl2Acc")
        .acc_renamed("index", "I32AccShl2", &[]),
        row(
            "I32AddShl3",
            &[("dst", Slot), ("base", Slot), ("index", Slot)],
            "data::add_shl",
        )
        .args(&["3"])
        .doc("As `I32AddShl2`, for 8-byte elements.")
        .acc_result()
        .retarget()
        .acc("base", "I32AddShl3Acc")
        .acc_renamed("index", "I32AccShl3", &[]),
        row("Copy2", &[("dst", Slot), ("src", Slot)], "data::copy2")
            .doc("Copies two cells: a `v128`, or a value of unknown type in a wide function."),
        row(
            "CopyCells",
            &[("dst", Slot), ("src", Slot), ("len", Count)],
            "data::copy_cells",
        )
        .doc(
            "Copies cells `src..src + len` to `dst..`, lowest first (`dst` is at or below \
             `src`): the many values a branch carries, in one instruction.",
        ),
        row("V128Const", &[("dst", Slot)], "vector::v128_const")
            .doc("`v128.const`: followed by two `Arg`s holding the 128 bits, lowest first.")
            .vector(),
        row(
            "Const32",
            &[("dst", Slot), ("value", Imm32)],
            "data::const32",
        )
        .doc("A 32-bit constant.")
        .acc_result(),
        row(
            "Const64",
            &[("dst", Slot), ("value", Imm64)],
            "data::const64",
        )
        .doc("A 64-bit constant.")
        .acc_result(),
        row(
            "Select",
            &[("dst", Slot), ("cond", Slot), ("if_true", Slot)],
            "data::select",
        )
        .doc("`select`: followed by `Arg { a: if_false, .. }`."),
        row(
            "GlobalGet",
            &[("dst", Slot), ("index", Global)],
            "data::global_get",
        )
        .doc("`global.get`.")
        .acc_result()
        .retarget(),
        row(
            "GlobalSet",
            &[("src", Slot), ("index", Global)],
            "data::global_set",
        )
        .doc("`global.set`.")
        .acc("src", "GlobalSetAcc"),
        row(
            "GlobalGet2",
            &[("dst", Slot), ("index", Global)],
            "data::global_get2",
        )
        .doc("`global.get` of a `v128` global: two cells."),
        row(
            "GlobalSet2",
            &[("src", Slot), ("index", Global)],
            "data::global_set2",
        )
        .doc("`global.set` of a `v128` global: two cells."),
        row(
            "Select2",
            &[("dst", Slot), ("cond", Slot), ("if_true", Slot)],
            "data::select2",
        )
        .doc("`select` of two-cell values: followed by `Arg { a: if_false, .. }`."),
    ]
}

fn variables_and_memory() -> Vec<Row> {
    vec![
        row("MemorySize", &[("dst", Slot)], "data::memory_size")
            .doc("`memory.size` of memory 0.")
            .retarget(),
        row(
            "MemoryGrow",
            &[("dst", Slot), ("delta", Slot)],
            "data::memory_grow",
        )
        .doc("`memory.grow` of memory 0.")
        .retarget(),
        row(
            "MemoryInit",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "data::bulk3_arg",
        )
        .args(&["|s, i, (data, _), ops| bulk::memory_init(s, i, data, ops)"])
        .doc("`memory.init`: followed by `Arg { a: data, .. }`."),
        row(
            "MemoryCopy",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "data::bulk3",
        )
        .args(&["|s, i, (d, src, n)| bulk::memory_copy(s, i, d, src, n)"])
        .doc("`memory.copy` within memory 0."),
        row(
            "MemoryFill",
            &[("dst", Slot), ("value", Slot), ("len", Slot)],
            "data::bulk3",
        )
        .args(&["|s, i, (d, v, n)| bulk::memory_fill(s, i, d, v as u8, n)"])
        .doc("`memory.fill` of memory 0."),
        row("DataDrop", &[("data", Data)], "data::data_drop").doc("`data.drop`."),
        row(
            "RefFunc",
            &[("dst", Slot), ("func", Func)],
            "data::ref_func",
        )
        .doc("`ref.func`.")
        .retarget(),
        row(
            "TableGet",
            &[("dst", Slot), ("index", Slot), ("table", Table)],
            "data::table_get",
        )
        .doc("`table.get`."),
        row(
            "TableSet",
            &[("index", Slot), ("value", Slot), ("table", Table)],
            "data::table_set",
        )
        .doc("`table.set`."),
        row(
            "TableSize",
            &[("dst", Slot), ("table", Table)],
            "data::table_size",
        )
        .doc("`table.size`.")
        .retarget(),
        row(
            "TableGrow",
            &[("dst", Slot), ("init", Slot), ("delta", Slot)],
            "data::table_grow",
        )
        .doc("`table.grow`: followed by `Arg { a: table, .. }`."),
        row(
            "TableFill",
            &[("index", Slot), ("value", Slot), ("len", Slot)],
            "data::table_fill",
        )
        .doc("`table.fill`: followed by `Arg { a: table, .. }`."),
        row(
            "TableCopy",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "data::bulk3_arg",
        )
        .args(&["bulk::table_copy"])
        .doc("`table.copy`: followed by `Arg { a: dst_table, b: src_table }`."),
        row(
            "TableInit",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "data::bulk3_arg",
        )
        .args(&["bulk::table_init"])
        .doc("`table.init`: followed by `Arg { a: table, b: elem }`."),
        row("ElemDrop", &[("elem", Elem)], "data::elem_drop").doc("`elem.drop`."),
    ]
}

/// A one-operand instruction that cannot trap: `dst = f(src)`.
fn unary(t: &mut Vec<Row>, name: &str, f: &str) {
    t.push(
        row(name, &[("dst", Slot), ("src", Slot)], "arith::unary")
            .args(&[&format!("numeric::{f}")])
            .doc(format!("`{}`.", wasm_name(f)))
            .acc_result()
            .retarget()
            .translate(Translate::Unary),
    );
}

/// A one-operand instruction that may trap.
fn unary_trap(t: &mut Vec<Row>, name: &str, f: &str) {
    t.push(
        row(name, &[("dst", Slot), ("src", Slot)], "arith::unary_trap")
            .args(&[&format!("numeric::{f}")])
            .doc(format!("`{}`; traps on overflow or NaN.", wasm_name(f)))
            .acc_result()
            .retarget()
            .translate(Translate::Unary),
    );
}

/// A two-operand float instruction and its form with `lhs` in the accumulator.
fn binary(t: &mut Vec<Row>, name: &str, f: &str, commutative: bool) {
    let acc = format!("{name}Acc");
    let mut r = row(
        name,
        &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)],
        "arith::binary",
    )
    .args(&[&format!("numeric::{f}")])
    .doc(format!("`{}`.", wasm_name(f)))
    .acc_result()
    .retarget()
    .acc("lhs", &acc)
    .translate(Translate::Binary);
    r.commutative = commutative;
    t.push(r);
    t.push(
        row(&acc, &[("dst", Slot), ("rhs", Slot)], "arith::binary_acc")
            .args(&[&format!("numeric::{f}")])
            .doc(format!("`{}` with `lhs` in the accumulator.", wasm_name(f)))
            .feature(ACC)
            .acc_result(),
    );
}

/// A two-operand integer instruction with its immediate form (the right operand a
/// constant) and both their accumulator forms. `trap`: it may trap (division).
fn binary_imm(t: &mut Vec<Row>, name: &str, f: &str, commutative: bool, trap: bool) {
    let (imm, acc, imm_acc) = (
        format!("{name}Imm"),
        format!("{name}Acc"),
        format!("{name}ImmAcc"),
    );
    let body = if trap {
        "arith::binary_trap"
    } else {
        "arith::binary"
    };
    let fun = format!("numeric::{f}");
    let w = wasm_name(f);
    let traps = if trap {
        "; traps on division by zero or overflow"
    } else {
        ""
    };
    let mut plain = row(name, &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)], body)
        .args(&[&fun])
        .doc(format!("`{w}`{traps}."))
        .acc_result()
        .retarget()
        .acc("lhs", &acc)
        .translate(Translate::BinaryImm {
            imm: imm.clone(),
            is64: name.starts_with("I64"),
        });
    plain.commutative = commutative;
    t.push(plain);
    t.push(
        row(
            &imm,
            &[("dst", Slot), ("lhs", Slot), ("imm", Imm32)],
            &format!("{body}_imm"),
        )
        .args(&[&fun])
        .doc(format!("`{w}` with the right operand an immediate{traps}."))
        .acc_result()
        .retarget()
        .acc("lhs", &imm_acc),
    );
    t.push(
        row(
            &acc,
            &[("dst", Slot), ("rhs", Slot)],
            &format!("{body}_acc"),
        )
        .args(&[&fun])
        .doc(format!("`{w}` with `lhs` in the accumulator."))
        .feature(ACC)
        .acc_result(),
    );
    t.push(
        row(
            &imm_acc,
            &[("dst", Slot), ("imm", Imm32)],
            &format!("{body}_imm_acc"),
        )
        .args(&[&fun])
        .doc(format!("`{w}` of the accumulator and an immediate."))
        .feature(ACC)
        .acc_result(),
    );
}

fn numeric(t: &mut Vec<Row>) {
    for (name, f) in [
        ("I32Eqz", "i32_eqz"),
        ("I32Clz", "i32_clz"),
        ("I32Ctz", "i32_ctz"),
        ("I32Popcnt", "i32_popcnt"),
        ("I64Eqz", "i64_eqz"),
        ("I64Clz", "i64_clz"),
        ("I64Ctz", "i64_ctz"),
        ("I64Popcnt", "i64_popcnt"),
        ("F32Abs", "f32_abs"),
        ("F32Neg", "f32_neg"),
        ("F32Ceil", "f32_ceil"),
        ("F32Floor", "f32_floor"),
        ("F32Trunc", "f32_trunc"),
        ("F32Nearest", "f32_nearest"),
        ("F32Sqrt", "f32_sqrt"),
        ("F64Abs", "f64_abs"),
        ("F64Neg", "f64_neg"),
        ("F64Ceil", "f64_ceil"),
        ("F64Floor", "f64_floor"),
        ("F64Trunc", "f64_trunc"),
        ("F64Nearest", "f64_nearest"),
        ("F64Sqrt", "f64_sqrt"),
        ("I64ExtendI32S", "i64_extend_i32_s"),
        ("I64ExtendI32U", "i64_extend_i32_u"),
        ("F32ConvertI32S", "f32_convert_i32_s"),
        ("F32ConvertI32U", "f32_convert_i32_u"),
        ("F32ConvertI64S", "f32_convert_i64_s"),
        ("F32ConvertI64U", "f32_convert_i64_u"),
        ("F32DemoteF64", "f32_demote_f64"),
        ("F64ConvertI32S", "f64_convert_i32_s"),
        ("F64ConvertI32U", "f64_convert_i32_u"),
        ("F64ConvertI64S", "f64_convert_i64_s"),
        ("F64ConvertI64U", "f64_convert_i64_u"),
        ("F64PromoteF32", "f64_promote_f32"),
        ("I32Extend8S", "i32_extend8_s"),
        ("I32Extend16S", "i32_extend16_s"),
        ("I64Extend8S", "i64_extend8_s"),
        ("I64Extend16S", "i64_extend16_s"),
        ("I64Extend32S", "i64_extend32_s"),
        ("I32TruncSatF32S", "i32_trunc_sat_f32_s"),
        ("I32TruncSatF32U", "i32_trunc_sat_f32_u"),
        ("I32TruncSatF64S", "i32_trunc_sat_f64_s"),
        ("I32TruncSatF64U", "i32_trunc_sat_f64_u"),
        ("I64TruncSatF32S", "i64_trunc_sat_f32_s"),
        ("I64TruncSatF32U", "i64_trunc_sat_f32_u"),
        ("I64TruncSatF64S", "i64_trunc_sat_f64_s"),
        ("I64TruncSatF64U", "i64_trunc_sat_f64_u"),
    ] {
        unary(t, name, f);
    }
    for (name, f) in [
        ("I32TruncF32S", "i32_trunc_f32_s"),
        ("I32TruncF32U", "i32_trunc_f32_u"),
        ("I32TruncF64S", "i32_trunc_f64_s"),
        ("I32TruncF64U", "i32_trunc_f64_u"),
        ("I64TruncF32S", "i64_trunc_f32_s"),
        ("I64TruncF32U", "i64_trunc_f32_u"),
        ("I64TruncF64S", "i64_trunc_f64_s"),
        ("I64TruncF64U", "i64_trunc_f64_u"),
    ] {
        unary_trap(t, name, f);
    }
    for ty in ["F32", "F64"] {
        let l = ty.to_lowercase();
        for (op, commutative) in [
            ("Eq", true),
            ("Ne", true),
            ("Lt", false),
            ("Gt", false),
            ("Le", false),
            ("Ge", false),
            ("Add", true),
            ("Sub", false),
            ("Mul", true),
            ("Div", false),
            ("Min", false),
            ("Max", false),
            ("Copysign", false),
        ] {
            let f = format!("{l}_{}", op.to_lowercase());
            binary(t, &format!("{ty}{op}"), &f, commutative);
        }
    }
    for ty in ["I32", "I64"] {
        let l = ty.to_lowercase();
        for (op, f, commutative) in [
            ("Eq", "eq", true),
            ("Ne", "ne", true),
            ("LtS", "lt_s", false),
            ("LtU", "lt_u", false),
            ("GtS", "gt_s", false),
            ("GtU", "gt_u", false),
            ("LeS", "le_s", false),
            ("LeU", "le_u", false),
            ("GeS", "ge_s", false),
            ("GeU", "ge_u", false),
            ("Add", "add", true),
            ("Sub", "sub", false),
            ("Mul", "mul", true),
            ("And", "and", true),
            ("Or", "or", true),
            ("Xor", "xor", true),
            ("Shl", "shl", false),
            ("ShrS", "shr_s", false),
            ("ShrU", "shr_u", false),
            ("Rotl", "rotl", false),
            ("Rotr", "rotr", false),
        ] {
            binary_imm(
                t,
                &format!("{ty}{op}"),
                &format!("{l}_{f}"),
                commutative,
                false,
            );
        }
    }
    for ty in ["I32", "I64"] {
        let l = ty.to_lowercase();
        for (op, f) in [
            ("DivS", "div_s"),
            ("DivU", "div_u"),
            ("RemS", "rem_s"),
            ("RemU", "rem_u"),
        ] {
            binary_imm(t, &format!("{ty}{op}"), &format!("{l}_{f}"), false, true);
        }
    }
}

/// A load of `width` bytes converted to a cell by `conv` (in `handlers::memory`), its
/// form with the address the sum of two slots (`Idx`), and their accumulator forms.
fn load(t: &mut Vec<Row>, name: &str, width: u32, conv: &str) {
    let (idx, acc, idx_acc) = (
        format!("{name}Idx"),
        format!("{name}Acc"),
        format!("{name}IdxAcc"),
    );
    let w = wasm_name(&to_snake(name));
    let conv = format!("memory::{conv}");
    let _ = width; // the conversion's argument type gives it
    t.push(
        row(
            name,
            &[("dst", Slot), ("addr", Slot), ("offset", Offset)],
            "memory::load",
        )
        .args(&[&conv])
        .doc(format!("`{w}` from memory 0."))
        .acc_result()
        .retarget()
        .acc("addr", &acc)
        .translate(Translate::Load { idx: idx.clone() }),
    );
    t.push(
        row(
            &idx,
            &[("dst", Slot), ("base", Slot), ("index", Slot)],
            "memory::load_idx",
        )
        .args(&[&conv])
        .doc(format!(
            "`{w}` at the sum of `base` and `index` (an `i32.add` just before it, offset 0)."
        ))
        .acc_result()
        .retarget()
        .acc("base", &idx_acc)
        .acc_renamed("index", &idx_acc, &[("index", "base")]),
    );
    t.push(
        row(
            &acc,
            &[("dst", Slot), ("offset", Offset)],
            "memory::load_acc",
        )
        .args(&[&conv])
        .doc(format!("`{w}` with the address in the accumulator."))
        .feature(ACC)
        .acc_result(),
    );
    t.push(
        row(
            &idx_acc,
            &[("dst", Slot), ("index", Slot)],
            "memory::load_idx_acc",
        )
        .args(&[&conv])
        .doc(format!("`{w}` at the accumulator plus `index`."))
        .feature(ACC)
        .acc_result(),
    );
}

/// A store of the low `width` bytes of `value`, its form storing a constant (`Imm`, the
/// bytes of its 32-bit sign extension), their forms with the address in the
/// accumulator, and the form storing the accumulator (`AccValue`).
fn store(t: &mut Vec<Row>, name: &str, width: u32) {
    let w = wasm_name(&to_snake(name));
    let (imm, acc, imm_acc, acc_value) = (
        format!("{name}Imm"),
        format!("{name}Acc"),
        format!("{name}ImmAcc"),
        format!("{name}AccValue"),
    );
    let n = format!("{width}");
    t.push(
        row(
            name,
            &[("addr", Slot), ("value", Slot), ("offset", Offset)],
            &format!("memory::store::<{n}>"),
        )
        .doc(format!("`{w}` to memory 0."))
        .acc("addr", &acc)
        .acc("value", &acc_value)
        .translate(Translate::Store {
            imm: imm.clone(),
            width,
        }),
    );
    t.push(
        row(
            &imm,
            &[("addr", Slot), ("value", Imm32), ("offset", Offset)],
            &format!("memory::store_imm::<{n}>"),
        )
        .doc(format!("`{w}` of a constant."))
        .acc("addr", &imm_acc),
    );
    t.push(
        row(
            &acc,
            &[("value", Slot), ("offset", Offset)],
            &format!("memory::store_acc::<{n}>"),
        )
        .doc(format!("`{w}` with the address in the accumulator."))
        .feature(ACC),
    );
    t.push(
        row(
            &imm_acc,
            &[("value", Imm32), ("offset", Offset)],
            &format!("memory::store_imm_acc::<{n}>"),
        )
        .doc(format!(
            "`{w}` of a constant, the address in the accumulator."
        ))
        .feature(ACC),
    );
    t.push(
        row(
            &acc_value,
            &[("addr", Slot), ("offset", Offset)],
            &format!("memory::store_acc_value::<{n}>"),
        )
        .doc(format!("`{w}` of the accumulator."))
        .feature(ACC),
    );
}

fn memory_access(t: &mut Vec<Row>) {
    for (name, width, conv) in [
        ("I32Load", 4, "u32_le"),
        ("I64Load", 8, "u64_le"),
        ("F32Load", 4, "u32_le"),
        ("F64Load", 8, "u64_le"),
        ("I32Load8S", 1, "i8_to_i32"),
        ("I32Load8U", 1, "u8_to_u64"),
        ("I32Load16S", 2, "i16_to_i32"),
        ("I32Load16U", 2, "u16_le"),
        ("I64Load8S", 1, "i8_to_i64"),
        ("I64Load8U", 1, "u8_to_u64"),
        ("I64Load16S", 2, "i16_to_i64"),
        ("I64Load16U", 2, "u16_le"),
        ("I64Load32S", 4, "i32_to_i64"),
        ("I64Load32U", 4, "u32_le"),
    ] {
        load(t, name, width, conv);
    }
    for (name, width) in [
        ("I32Store", 4),
        ("I64Store", 8),
        ("F32Store", 4),
        ("F64Store", 8),
        ("I32Store8", 1),
        ("I32Store16", 2),
        ("I64Store8", 1),
        ("I64Store16", 2),
        ("I64Store32", 4),
    ] {
        store(t, name, width);
    }
}

/// Compare-and-branch: a comparison whose only use is a `br_if` or an `if` becomes one
/// instruction. For each integer comparison, its branch, the branch with an immediate
/// right operand, and their accumulator forms; the comparison rows learn which branch
/// replaces them.
fn compare_and_branch(t: &mut Vec<Row>) {
    // (comparison, its negation, its mirror: the same with the operands swapped)
    let cmps = [
        ("Eq", "Ne", "Eq"),
        ("Ne", "Eq", "Ne"),
        ("LtS", "GeS", "GtS"),
        ("LtU", "GeU", "GtU"),
        ("GtS", "LeS", "LtS"),
        ("GtU", "LeU", "LtU"),
        ("LeS", "GtS", "GeS"),
        ("LeU", "GtU", "GeU"),
        ("GeS", "LtS", "LeS"),
        ("GeU", "LtU", "LeU"),
    ];
    let mut new = Vec::new();
    for ty in ["I32", "I64"] {
        for (c, neg, mirror) in cmps {
            let cmp = format!("{ty}{c}");
            let f = format!("numeric::{}", to_snake(&cmp));
            let w = wasm_name(&to_snake(&cmp));
            let br = format!("Br{cmp}");
            let mut plain = row(
                &br,
                &[("lhs", Slot), ("rhs", Slot), ("target", Target)],
                "control::br_cmp",
            )
            .args(&[&f])
            .doc(format!("Jumps if `{w}` of `lhs` and `rhs` holds."))
            .negation(format!("Br{ty}{neg}"))
            .acc("lhs", format!("{br}Acc"));
            plain.mirror = Some(format!("Br{ty}{mirror}"));
            new.push(plain);
            new.push(
                row(
                    &format!("{br}Imm"),
                    &[("lhs", Slot), ("imm", Imm32), ("target", Target)],
                    "control::br_cmp_imm",
                )
                .args(&[&f])
                .doc(format!("Jumps if `{w}` of `lhs` and an immediate holds."))
                .negation(format!("Br{ty}{neg}Imm"))
                .acc("lhs", format!("{br}ImmAcc")),
            );
            new.push(
                row(
                    &format!("{br}Acc"),
                    &[("rhs", Slot), ("target", Target)],
                    "control::br_cmp_acc",
                )
                .args(&[&f])
                .doc(format!(
                    "Jumps if `{w}` of the accumulator and `rhs` holds."
                ))
                .feature(ACC),
            );
            new.push(
                row(
                    &format!("{br}ImmAcc"),
                    &[("imm", Imm32), ("target", Target)],
                    "control::br_cmp_imm_acc",
                )
                .args(&[&f])
                .doc(format!(
                    "Jumps if `{w}` of the accumulator and an immediate holds."
                ))
                .feature(ACC),
            );
            for (from, to) in [
                (cmp.clone(), br.clone()),
                (format!("{cmp}Imm"), format!("{br}Imm")),
            ] {
                let r = t
                    .iter_mut()
                    .find(|r| r.name == from)
                    .expect("comparison row");
                r.fuses = Some((to, Vec::new()));
            }
        }
    }
    t.extend(new);
    let eqz = t.iter_mut().find(|r| r.name == "I32Eqz").expect("i32.eqz");
    eqz.fuses = Some(("BrIfEqz".into(), vec![("cond", "src")]));
}

/// The accumulator forms of the instructions above that are not in a family.
fn fused_address() -> Vec<Row> {
    vec![
        row(
            "I32AddShl2Acc",
            &[("dst", Slot), ("index", Slot)],
            "data::add_shl_acc",
        )
        .args(&["2"])
        .doc("`I32AddShl2` with `base` in the accumulator.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32AddShl3Acc",
            &[("dst", Slot), ("index", Slot)],
            "data::add_shl_acc",
        )
        .args(&["3"])
        .doc("`I32AddShl3` with `base` in the accumulator.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32AccShl2",
            &[("dst", Slot), ("base", Slot)],
            "data::acc_shl",
        )
        .args(&["2"])
        .doc("`I32AddShl2` with `index` in the accumulator.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32AccShl3",
            &[("dst", Slot), ("base", Slot)],
            "data::acc_shl",
        )
        .args(&["3"])
        .doc("`I32AddShl3` with `index` in the accumulator.")
        .feature(ACC)
        .acc_result(),
        row("GlobalSetAcc", &[("index", Global)], "data::global_set_acc")
            .doc("`global.set` of the accumulator.")
            .feature(ACC),
        row("BrTableAcc", &[("len", Count)], "control::br_table_acc")
            .doc("`BrTable` on the accumulator; the `Br`s follow as for `BrTable`.")
            .feature(ACC),
        row(
            "BrIfNezAcc",
            &[("target", Target)],
            "control::br_if_nez_acc",
        )
        .doc("Jumps if the accumulator is not zero.")
        .feature(ACC),
        row(
            "BrIfEqzAcc",
            &[("target", Target)],
            "control::br_if_eqz_acc",
        )
        .doc("Jumps if the accumulator is zero.")
        .feature(ACC),
    ]
}

/// `I32Load8S` is `i32_load8_s`.
pub fn to_snake(camel: &str) -> String {
    let mut s = String::new();
    let b: Vec<char> = camel.chars().collect();
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = b[i - 1];
            // No break inside `I32x4` or before the `S`/`U` of `I32x4` lane types.
            if !(prev.is_ascii_digit() && (c == 'X')) {
                s.push('_');
            }
        }
        s.push(c.to_ascii_lowercase());
    }
    s
}
