//! The numeric rows of the operator table: one call per Wasm operator gives its plain
//! row and its specialised forms (`Imm`, `Acc`), and the comparisons their fused
//! compare-and-branch rows.

use crate::rows::{to_snake, ACC};
use crate::table::{f64_result_and_operand, row, wasm_name, Row, Translate, Ty::*};

/// A one-operand instruction that cannot trap: `dst = f(src)`, and its form with `src`
/// in the accumulator (a conversion or a square root of what was just computed).
fn unary(t: &mut Vec<Row>, name: &str, f: &str) {
    let acc = format!("{name}Acc");
    let (f64_out, f64_in) = f64_result_and_operand(f);
    let mut plain = row(name, &[("dst", Slot), ("src", Slot)], "arith::unary")
        .args(&[&format!("numeric::{f}")])
        .doc(format!("`{}`.", wasm_name(f)))
        .acc_result()
        .retarget()
        .acc("src", &acc)
        .translate(Translate::Unary);
    let mut acc_form = row(&acc, &[("dst", Slot)], "arith::unary_acc")
        .args(&[&format!("numeric::{f}")])
        .doc(format!("`{}` of the accumulator.", wasm_name(f)))
        .feature(ACC)
        .acc_result();
    if f64_out {
        plain = plain.writes_facc();
        acc_form = acc_form.writes_facc();
    }
    if f64_in {
        acc_form = acc_form.reads_facc();
    }
    t.push(plain);
    t.push(acc_form);
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

/// A two-operand float instruction and its form with `lhs` in the accumulator; a
/// subtraction or division also its form with `rhs` there (`AccR`), for `a - f(b)`.
fn binary(t: &mut Vec<Row>, name: &str, f: &str, commutative: bool) {
    let acc = format!("{name}Acc");
    let f64_in = f.starts_with("f64_");
    let compares = ["Eq", "Ne", "Lt", "Gt", "Le", "Ge"]
        .iter()
        .any(|c| name.ends_with(c));
    let f64_out = f64_in && !compares;
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
    r.writes_facc = f64_out;
    if name.ends_with("Sub") || name.ends_with("Div") {
        r = r.acc("rhs", format!("{name}AccR"));
        t.push(r);
        acc_rhs(t, name, f);
    } else {
        t.push(r);
    }
    let mut acc_form = row(&acc, &[("dst", Slot), ("rhs", Slot)], "arith::binary_acc")
        .args(&[&format!("numeric::{f}")])
        .doc(format!("`{}` with `lhs` in the accumulator.", wasm_name(f)))
        .feature(ACC)
        .acc_result();
    acc_form.writes_facc = f64_out;
    acc_form.reads_facc = f64_in;
    t.push(acc_form);
}

/// The form of `name` with `rhs` in the accumulator: `dst = f(lhs, acc)`.
fn acc_rhs(t: &mut Vec<Row>, name: &str, f: &str) {
    let (f64_out, f64_in) = f64_result_and_operand(f);
    let mut r = row(
        &format!("{name}AccR"),
        &[("dst", Slot), ("lhs", Slot)],
        "arith::binary_acc_rhs",
    )
    .args(&[&format!("numeric::{f}")])
    .doc(format!("`{}` with `rhs` in the accumulator.", wasm_name(f)))
    .feature(ACC)
    .acc_result();
    r.writes_facc = f64_out;
    r.reads_facc = f64_in;
    t.push(r);
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
    let sub = name.ends_with("Sub");
    if sub {
        plain = plain.acc("rhs", format!("{name}AccR"));
    }
    t.push(plain);
    if sub {
        acc_rhs(t, name, f);
    }
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

pub fn numeric(t: &mut Vec<Row>) {
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

/// Compare-and-branch: a comparison whose only use is a `br_if` or an `if` becomes one
/// instruction. For each integer comparison, its branch, the branch with an immediate
/// right operand, and their accumulator forms; the comparison rows learn which branch
/// replaces them.
pub fn compare_and_branch(t: &mut Vec<Row>) {
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

/// `xor` of a value and another one shifted or rotated by a constant, the step hash
/// functions (SHA-2's sigmas, SipHash's rounds) and xorshift generators repeat: the shift
/// feeding the `xor` folds into it (`I32XorRotlImm`: `dst = lhs ^ rotl(src, amount)`, the
/// source and the amount in one operand), with
/// `lhs` in the accumulator as the form that chains them (`Σ1 = rotl(e, 26) ^ rotl(e, 21)
/// ^ rotl(e, 7)` is a rotate and two `I32XorRotlImmAcc`).
pub fn xor_shifted() -> Vec<Row> {
    let mut t = Vec::new();
    for ty in ["I32", "I64"] {
        let l = ty.to_lowercase();
        for (shift, f) in [("Rotl", "rotl"), ("ShrU", "shr_u"), ("Shl", "shl")] {
            let name = format!("{ty}Xor{shift}Imm");
            let acc = format!("{name}Acc");
            let (xor, shifter) = (format!("numeric::{l}_xor"), format!("numeric::{l}_{f}"));
            let w = wasm_name(&format!("{l}_{f}"));
            t.push(
                row(
                    &name,
                    &[("dst", Slot), ("lhs", Slot), ("src", ShiftedSlot)],
                    "arith::binary_shifted",
                )
                .args(&[&xor, &shifter])
                .doc(format!(
                    "`{l}.xor` of `lhs` and `{w}` of `src`'s slot by its amount."
                ))
                .acc_result()
                .retarget()
                .acc("lhs", &acc),
            );
            t.push(
                row(
                    &acc,
                    &[("dst", Slot), ("src", ShiftedSlot)],
                    "arith::binary_shifted_acc",
                )
                .args(&[&xor, &shifter])
                .doc(format!("`{name}` with `lhs` in the accumulator."))
                .feature(ACC)
                .acc_result(),
            );
        }
    }
    t
}

/// A loop's counter stepped in place by a constant just before the exit test that reads
/// it (`i -= 1; br_if (i != 0)`, `i += 1; br_if (i != n)`): one instruction that steps
/// and branches; and a counter copied into place just before the test (`BrI32LtUCopy`). The translator makes them from a step and the test in its accumulator
/// form (`passes::fused_step`), leaving the test where it was, which the step-branch
/// skips when it does not jump.
pub fn step_and_branch() -> Vec<Row> {
    let counter = ("counter", SteppedSlot);
    let target = ("target", Target);
    let mut t = vec![row("BrIfNezStep", &[counter, target], "steps::br_step_nez")
        .doc("Steps `counter` in place, then jumps if it is not zero.")
        .feature(ACC)];
    for (c, f) in [("Ne", "i32_ne"), ("LtU", "i32_lt_u"), ("GtU", "i32_gt_u")] {
        t.push(
            row(
                &format!("BrI32{c}Step"),
                &[counter, ("rhs", Slot), target],
                "steps::br_step_cmp",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "Steps `counter` in place, then jumps if `{}` of it and `rhs` holds.",
                wasm_name(f)
            ))
            .feature(ACC),
        );
    }
    t.push(
        row(
            "BrI32NeImmStep",
            &[counter, ("imm", Imm32), target],
            "steps::br_step_cmp_imm",
        )
        .args(&["numeric::i32_ne"])
        .doc("Steps `counter` in place, then jumps if it is not `imm`.")
        .feature(ACC),
    );
    for (c, f) in [("Ne", "i32_ne"), ("LtU", "i32_lt_u")] {
        t.push(
            row(
                &format!("BrI32{c}Copy"),
                &[("moved", SlotPair), ("rhs", Slot), target],
                "steps::br_copy_cmp",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "Copies `moved`'s second slot into its first, then jumps if `{}` of the \
                 value and `rhs` holds: a loop's latch after the copy that carries its \
                 counter.",
                wasm_name(f)
            )),
        );
    }
    for (c, f) in [("Ne", "i32_ne"), ("LtU", "i32_lt_u"), ("GtU", "i32_gt_u")] {
        t.push(
            row(
                &format!("BrI32{c}Add"),
                &[("counter", SlotPair), ("rhs", Slot), target],
                "steps::br_add_cmp",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "Adds `counter`'s second slot to its first in place, then jumps if `{}` of \
                 the sum and `rhs` holds.",
                wasm_name(f)
            ))
            .feature(ACC),
        );
    }
    t
}

/// A product feeding a sum in the accumulator (`sum + a * b`, `x - a * b`), as dot
/// products and integrators compute: one instruction in the product's place, made in
/// `use_accumulator`'s walk when the product is a temporary that only the sum reads. It
/// rounds twice, as the two instructions do (no fused multiply-add); the sum stays in
/// the code after it, skipped.
pub fn mul_add() -> Vec<Row> {
    vec![
        row(
            "F64AccMulAdd",
            &[("dst", Slot), ("rhs", Slot), ("addend", Slot)],
            "steps::acc_mul_add",
        )
        .args(&["numeric::f64_mul", "numeric::f64_add"])
        .doc("`acc * rhs + addend` in `f64`, each rounded; skips the instruction after it.")
        .feature(ACC)
        .reads_facc()
        .writes_facc(),
        row(
            "F64SubAccMul",
            &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)],
            "steps::sub_acc_mul",
        )
        .args(&["numeric::f64_mul", "numeric::f64_sub"])
        .doc("`lhs - acc * rhs` in `f64`, each rounded; skips the instruction after it.")
        .feature(ACC)
        .reads_facc()
        .writes_facc(),
    ]
}

/// An `i32` product by a constant feeding a sum (`i * n + j` indexing a row-major array,
/// `v * 10 + digit` parsing a number, a multiplicative hash), and a bit field taken out
/// of a word (`(x >> k) & mask`, decoders and packed flags): one instruction in the
/// first one's place, made in `use_accumulator`'s walk when the first result is a
/// temporary only the second reads or one the second overwrites; the second stays in
/// the code after it, skipped.
pub fn int_pairs() -> Vec<Row> {
    let mut t = vec![
        row(
            "I32MulImmAdd",
            &[("dst", Slot), ("src", SlotPair), ("imm", Imm32)],
            "steps::mul_imm_add",
        )
        .args(&["numeric::i32_mul", "numeric::i32_add"])
        .doc("`src.0 * imm + src.1` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32AccMulImmAdd",
            &[("dst", Slot), ("addend", Slot), ("imm", Imm32)],
            "steps::acc_mul_imm_add",
        )
        .args(&["numeric::i32_mul", "numeric::i32_add"])
        .doc("`acc * imm + addend` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        // A masked value added to another (`(x & 0xff) + base`).
        row(
            "I32AndImmAdd",
            &[("dst", Slot), ("src", SlotPair), ("imm", Imm32)],
            "steps::mul_imm_add",
        )
        .args(&["numeric::i32_and", "numeric::i32_add"])
        .doc("`(src.0 & imm) + src.1` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        // A step of a multiplicative hash (`h = (h ^ byte) * 16777619`), and a
        // difference masked (`(a - b) & 0xffff`).
        row(
            "I32XorMulImm",
            &[("dst", Slot), ("src", SlotPair), ("imm", Imm32)],
            "steps::pair_then_imm",
        )
        .args(&["numeric::i32_xor", "numeric::i32_mul"])
        .doc("`(src.0 ^ src.1) * imm` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32AccXorMulImm",
            &[("dst", Slot), ("rhs", Slot), ("imm", Imm32)],
            "steps::acc_then_imm",
        )
        .args(&["numeric::i32_xor", "numeric::i32_mul"])
        .doc("`(acc ^ rhs) * imm` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32SubAndImm",
            &[("dst", Slot), ("src", SlotPair), ("imm", Imm32)],
            "steps::pair_then_imm",
        )
        .args(&["numeric::i32_sub", "numeric::i32_and"])
        .doc("`(src.0 - src.1) & imm` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
        row(
            "I32ShrUAndImm",
            &[("dst", Slot), ("src", ShiftedSlot), ("imm", Imm32)],
            "steps::shifted_and_imm",
        )
        .args(&["numeric::i32_shr_u", "numeric::i32_and"])
        .doc("`(src >> amount) & imm` in `i32`; skips the instruction after it.")
        .feature(ACC)
        .acc_result(),
    ];
    // A masked test (`b & 0xff == b'['`, `c & 0xe0 != 0xc0`): an `and` by a constant
    // whose result only a comparison with another constant reads, both constants in 16
    // signed bits.
    for (c, f) in [
        ("Ne", "i32_ne"),
        ("Eq", "i32_eq"),
        ("GtU", "i32_gt_u"),
        ("LtU", "i32_lt_u"),
    ] {
        t.push(
            row(
                &format!("BrI32And{c}Imm"),
                &[("lhs", Slot), ("imms", ImmPair), ("target", Target)],
                "steps::br_and_cmp_imm",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "Jumps if `{}` of `lhs & imms.0` and `imms.1` holds; else skips the \
                 instruction after it.",
                wasm_name(f)
            ))
            .feature(ACC),
        );
    }
    // A masked test whose masked value is kept, or whose constants need all 16 bits
    // (`while cur != NIL` over `u16` links, `crc & 0x8000 != 0`): the `and` writes its
    // slot as well.
    for (c, f) in [
        ("Ne", "i32_ne"),
        ("Eq", "i32_eq"),
        ("GtU", "i32_gt_u"),
        ("LtU", "i32_lt_u"),
        ("GeU", "i32_ge_u"),
    ] {
        t.push(
            row(
                &format!("BrI32And{c}Mask"),
                &[("slots", SlotPair), ("imms", MaskPair), ("target", Target)],
                "steps::br_and_mask",
            )
            .args(&[&format!("numeric::{f}")])
            .doc(format!(
                "`slots.0 = slots.1 & imms.mask`, and jumps if `{}` of it and `imms.value` \
                 holds; else skips the instruction after it.",
                wasm_name(f)
            ))
            .feature(ACC),
        );
    }
    t
}

/// A byte loaded from memory 0 for a test alone (`while a[i] == b[j]`, `if !seen[i]`):
/// one instruction that loads, tests and jumps, in the load's place, made in
/// `use_accumulator`'s walk when the byte went to a temporary. It traps as the load
/// does; the test stays in the code after it, skipped.
pub fn load_and_branch() -> Vec<Row> {
    let target = ("target", Target);
    let mut t = vec![row(
        "BrI32NeLoad8UIdx",
        &[("addr", SlotPair), ("rhs", Slot), target],
        "steps::br_cmp_byte_idx",
    )
    .args(&["numeric::i32_ne"])
    .doc(
        "Jumps if the byte at the `i32` sum of `addr`'s two slots is not `rhs`; traps as \
         `i32.load8_u` does.",
    )
    .feature(ACC)];
    for (name, nonzero) in [("Nez", true), ("Eqz", false)] {
        let when = if nonzero { "not zero" } else { "zero" };
        t.push(
            row(
                &format!("BrIf{name}Load8UIdx"),
                &[("addr", SlotPair), target],
                "steps::br_if_byte_idx",
            )
            .args(&[if nonzero { "true" } else { "false" }])
            .doc(format!(
                "Jumps if the byte at the `i32` sum of `addr`'s two slots is {when}."
            ))
            .feature(ACC),
        );
        t.push(
            row(
                &format!("BrIf{name}Load8U"),
                &[("addr", Slot), ("offset", Offset), target],
                "steps::br_if_byte",
            )
            .args(&[if nonzero { "true" } else { "false" }])
            .doc(format!("Jumps if the byte at `addr + offset` is {when}."))
            .feature(ACC),
        );
    }
    t
}
