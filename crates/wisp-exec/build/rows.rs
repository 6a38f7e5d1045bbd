//! The rows of the operator table: control, calls, variables, memory and table
//! instructions one row each here; the families, one call per Wasm operator, in
//! `rows_numeric.rs`, `rows_memory.rs`, `rows_simd.rs`, `rows_wide.rs`, `rows_v3.rs`
//! `rows_refs.rs` and `rows_aggregate.rs`. [`rows`]
//! puts them in order, which is the order of the enum and so the numbering of
//! instructions in images.

use crate::table::{row, Row, Ty::*};

/// The feature of the accumulator forms.
pub const ACC: &str = "accumulator";
/// The feature of the fused forms (see [`is_fused`]).
pub const FUSED: &str = "fused";
/// The feature of the 128-bit SIMD instructions, and of the two-cell forms only a `v128`
/// needs.
pub const SIMD: &str = "simd";

pub fn rows() -> Vec<Row> {
    let mut t = control();
    t.extend(variables_and_memory());
    crate::rows_numeric::numeric(&mut t);
    crate::rows_memory::memory_access(&mut t);
    t.extend(crate::rows_simd::rows());
    crate::rows_numeric::compare_and_branch(&mut t);
    t.extend(fused_address());
    t.extend(crate::rows_numeric::xor_shifted());
    t.extend(crate::rows_numeric::step_and_branch());
    t.extend(crate::rows_numeric::mul_add());
    t.extend(crate::rows_numeric::int_pairs());
    t.extend(crate::rows_numeric::load_and_branch());
    t.extend(crate::rows_wide::rows());
    t.extend(crate::rows_v3::rows());
    t.extend(crate::rows_refs::rows());
    t.extend(crate::rows_aggregate::rows());
    t.extend(crate::rows_memories::rows());
    for r in &mut t {
        if is_fused(&r.name) {
            r.feature = match r.feature {
                None => Some(FUSED),
                Some(ACC) => Some("accumulator,fused"),
                other => panic!("{}: a fused form of feature {other:?}", r.name),
            };
        }
    }
    let pairs = crate::rows_pairs::pairs(&t);
    t.extend(pairs);
    // The instructions every build has come first, so that a build without the optional
    // families (the device executor) dispatches over a dense range of discriminants: its
    // `match` jump table then ends at the last instruction it has, instead of holding an
    // entry for every instruction of the full table (two bytes each on a Cortex-M: 922 B
    // of dead entries when the accumulator forms were interleaved). The sort is stable,
    // so each group keeps the order it is written in.
    t.sort_by_key(|r| r.feature.is_some());
    t
}

/// Whether a row is a fused form: what the translator makes of a constant operand (the
/// `…Imm` forms, an immediate in the instruction), of an `i32.add` feeding a load
/// (`…Idx`, `…Disp`), a store (`…Disp`) or a `shl` (`I32AddShl*`), of a comparison feeding a branch (`BrI32…`,
/// `BrI64…`), of a copy before a branch (`CopyBr`), of two copies (`CopyPair`, `CopyPairBr`) or a call (`CallInternalCopy`), of an
/// argument's step before a call (`CallInternalStep`), of a sum returned
/// (`ReturnI32Add`), of two
/// counters stepped together (`I32AddImm2`), of a counter's step before the loop's exit
/// test (`BrIfNezStep`, `BrI32…Step`, and `BrI32…Copy` after a copy), of a byte loaded for a `br_table`
/// (`BrTableLoad8U`) or a test (`BrIfNezLoad8U`, …), of a product or a mask feeding a sum (`F64AccMulAdd`, `I32MulImmAdd`, `I32AndImmAdd`), of a step of a hash (`I32XorMulImm`), of two loads from one address (`I32Load2`), of a bit field taken out (`I32ShrUAndImm`, `I32SubAndImm`), and of the globals an instance defines
/// (`GlobalGetOwn`, `GlobalSetOwn`, and the steps of one, `…AddImm`), with their
/// accumulator forms.
/// They save dispatches; a build without the `fused` feature (the smallest executor)
/// leaves them out and runs code translated without them (`TranslateConfig::fused`).
fn is_fused(name: &str) -> bool {
    let base = name.strip_suffix("Acc").unwrap_or(name);
    base.ends_with("Imm")
        || base.ends_with("Idx")
        || base.ends_with("Disp")
        || base.starts_with("BrI32")
        || base.starts_with("BrI64")
        || matches!(
            base,
            "I32AddShl2"
                | "I32AddShl3"
                | "CopyBr"
                | "CopyPair"
                | "CopyPairBr"
                | "CallInternalCopy"
                | "CallInternalStep"
                | "ReturnI32Add"
                | "GlobalGetOwn"
                | "GlobalSetOwn"
                | "I32AddImm2"
                | "BrIfNezStep"
                | "BrTableLoad8U"
                | "F64AccMulAdd"
                | "F64SubAccMul"
                | "I32MulImmAdd"
                | "I32AccMulImmAdd"
                | "I32AndImmAdd"
                | "I32Load2"
                | "BrIfNezLoad8U"
                | "BrIfEqzLoad8U"
        )
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
        row(
            "BrTableLoad8U",
            &[("addr", Slot), ("offset", Offset), ("len", Count)],
            "control::br_table_load8u",
        )
        .doc(
            "`br_table` on the byte `i32.load8_u` reads at `addr + offset` from memory 0: \
             an interpreter's dispatch on its next opcode, or a `match` on a byte. Traps \
             as the load does.",
        ),
        row(
            "BrTableTarget",
            &[("target", Target), ("tag", Raw)],
            "control::br_table_target",
        )
        .doc(
            "An entry of a `br_table` that jumps: a `Br` that also holds the \
             discriminant of the instruction at `target` (`ir::cache_table_targets`), so \
             that the table dispatches it without loading it first.",
        ),
        row("Return", &[], "control::return_")
            .doc("Returns; the results are already in slots `0..n`."),
        row("ReturnCopy", &[("src", Slot)], "control::return_copy")
            .doc("Copies the one result cell from `src` into slot 0, then returns."),
        row(
            "ReturnI32Add",
            &[("lhs", Slot), ("rhs", Slot)],
            "steps::return_binary",
        )
        .args(&["numeric::i32_add"])
        .doc("Returns `i32.add` of `lhs` and `rhs` as the one result (`return a + b`)."),
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
            "CallInternalCopy",
            &[("func", DefinedFunc), ("base", Slot), ("src", Slot)],
            "control::call_internal_copy",
        )
        .doc(
            "`CallInternal` after copying the cell `src` to `base`: a `Copy` of the first \
                 argument fused with the call.",
        ),
        row(
            "CallInternalStep",
            &[("func", DefinedFunc), ("base", Slot), ("arg", SteppedSlot)],
            "steps::call_internal_step",
        )
        .doc(
            "`CallInternal` after writing `arg`'s slot plus its step (`i32`) to `base`: the \
                 one argument computed just before the call (`f(n - 1)`), fused with it.",
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
            "CopyPair",
            &[("dsts", SlotPair), ("srcs", SlotPair)],
            "steps::copy_pair",
        )
        .doc(
            "Two `Copy`s, the first and then the second (values moved at a block's end); \
             skips the instruction after it, the second.",
        ),
        row(
            "CopyPairBr",
            &[("dsts", SlotPair), ("srcs", SlotPair), ("target", Target)],
            "control::copy_pair_br",
        )
        .doc("A `Copy` and then a `CopyBr`: two values a loop carries, and the jump back."),
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
            .doc("Copies two cells: a `v128`, or a value of unknown type in a wide function.")
            .feature(SIMD),
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
            "GlobalGetOwn",
            &[("dst", Slot), ("index", Global)],
            "data::global_get_own",
        )
        .doc(
            "`global.get` of a global the instance defines, `index` counted without the \
             imported ones: one load from the instance's first global.",
        )
        .acc_result()
        .retarget(),
        row(
            "GlobalSetOwn",
            &[("src", Slot), ("index", Global)],
            "data::global_set_own",
        )
        .doc("`global.set` of a global the instance defines (see `GlobalGetOwn`).")
        .acc("src", "GlobalSetOwnAcc"),
        row(
            "GlobalSetOwnAcc",
            &[("index", Global)],
            "data::global_set_own_acc",
        )
        .doc("`GlobalSetOwn` of the accumulator.")
        .feature(ACC),
        row(
            "GlobalOwnAddImm",
            &[("dst", Slot), ("index", Global), ("imm", Imm32)],
            "data::global_own_add_imm",
        )
        .doc(
            "An `i32` global the instance defines, plus `imm`, written back and into `dst`: \
             how a function with a frame in memory moves the shadow-stack pointer on \
             entry (`global.set (local.tee (i32.sub (global.get) (i32.const)))`).",
        )
        .acc_result(),
        row(
            "GlobalSetOwnAddImm",
            &[("src", Slot), ("index", Global), ("imm", Imm32)],
            "data::global_set_own_add_imm",
        )
        .doc(
            "`global.set` of `src + imm` (`i32`) on a global the instance defines: the \
             shadow-stack pointer moved back on exit.",
        ),
        row(
            "GlobalGet2",
            &[("dst", Slot), ("index", Global)],
            "data::global_get2",
        )
        .doc("`global.get` of a `v128` global: two cells.")
        .feature(SIMD),
        row(
            "GlobalSet2",
            &[("src", Slot), ("index", Global)],
            "data::global_set2",
        )
        .doc("`global.set` of a `v128` global: two cells.")
        .feature(SIMD),
        row(
            "Select2",
            &[("dst", Slot), ("cond", Slot), ("if_true", Slot)],
            "data::select2",
        )
        .doc("`select` of two-cell values: followed by `Arg { a: if_false, .. }`.")
        .feature(SIMD),
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

/// The accumulator forms of the instructions above that are not in a family.
fn fused_address() -> Vec<Row> {
    vec![
        row(
            "I32AddImm2",
            &[("dst", Slot), ("also", Slot), ("imms", ImmPair)],
            "arith::add_imm2",
        )
        .doc(
            "Two `i32` counters stepped in place, `first` by the first immediate, then \
             `dst` by the second: the ends of loops that move two indices.",
        )
        .acc_result(),
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
