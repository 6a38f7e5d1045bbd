//! The SIMD rows of the operator table (`exec::simd` has their semantics functions).
//! Every one needs the `simd` feature, and a function using any is translated wide.

use crate::table::{row, wasm_name, Row, Translate, Ty::*};

pub fn rows() -> Vec<Row> {
    let mut t = Vec::new();
    let simple = |t: &mut Vec<Row>,
                  list: &[(&str, &str)],
                  fields: &[(&'static str, crate::table::Ty)],
                  body: &str,
                  how: Translate,
                  what: &str| {
        for &(name, f) in list {
            t.push(
                row(name, fields, body)
                    .args(&[&format!("simd::{f}")])
                    .doc(format!("`{}`: {what}.", wasm_name(f)))
                    .retarget()
                    .translate(how.clone())
                    .vector(),
            );
        }
    };
    let two = [("dst", Slot), ("src", Slot)];
    let three = [("dst", Slot), ("lhs", Slot), ("rhs", Slot)];
    simple(
        &mut t,
        UNARY,
        &two,
        "vector::unary",
        Translate::Unary,
        "v128 to v128",
    );
    simple(
        &mut t,
        BINARY,
        &three,
        "vector::binary",
        Translate::Binary,
        "two v128 to v128",
    );
    simple(
        &mut t,
        SHIFT,
        &three,
        "vector::shift",
        Translate::Binary,
        "v128 shifted by an i32",
    );
    simple(
        &mut t,
        TEST,
        &two,
        "vector::test",
        Translate::Unary,
        "v128 to i32",
    );
    simple(
        &mut t,
        SPLAT,
        &two,
        "vector::splat",
        Translate::Unary,
        "scalar to every lane",
    );
    let extract = [("dst", Slot), ("src", Slot), ("lane", Lane)];
    simple(
        &mut t,
        EXTRACT,
        &extract,
        "vector::extract",
        Translate::Extract,
        "one lane to a scalar",
    );
    for &(name, f) in REPLACE {
        t.push(
            row(
                name,
                &[("dst", Slot), ("src", Slot), ("value", Slot)],
                "vector::replace",
            )
            .args(&[&format!("simd::{f}")])
            .doc(format!(
                "`{}`: followed by `Arg {{ a: lane, .. }}`.",
                wasm_name(f)
            ))
            .translate(Translate::Replace)
            .vector(),
        );
    }
    for &(name, width, f) in LOAD {
        t.push(
            row(
                name,
                &[("dst", Slot), ("addr", Slot), ("offset", Offset)],
                "vector::load",
            )
            .args(&[&format!("simd::{f}")])
            .doc(format!(
                "`v128.{}`: {width} bytes from memory 0.",
                f.trim_start_matches("load_").replace('_', "x")
            ))
            .retarget()
            .translate(Translate::VLoad)
            .vector(),
        );
    }
    for &(name, width) in LOAD_LANE {
        t.push(
            row(
                name,
                &[("dst", Slot), ("addr", Slot), ("offset", Offset)],
                &format!("vector::load_lane::<{width}>"),
            )
            .doc(format!(
                "Loads {width} bytes into one lane: followed by `Arg {{ a: vector, b: lane }}`."
            ))
            .translate(Translate::VLoadLane)
            .vector(),
        );
    }
    for &(name, width) in STORE_LANE {
        t.push(
            row(
                name,
                &[("addr", Slot), ("value", Slot), ("offset", Offset)],
                &format!("vector::store_lane::<{width}>"),
            )
            .doc(format!(
                "Stores one {width}-byte lane: followed by `Arg {{ a: lane, .. }}`."
            ))
            .translate(Translate::VStoreLane)
            .vector(),
        );
    }
    t.push(
        row(
            "V128Store",
            &[("addr", Slot), ("value", Slot), ("offset", Offset)],
            "vector::v128_store",
        )
        .doc("`v128.store` to memory 0.")
        .vector(),
    );
    // `v128.bitselect`, and relaxed SIMD's three-operand instructions (the rest
    // translate to strict ones).
    for &(name, f) in TERNARY {
        t.push(
            row(
                name,
                &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)],
                "vector::ternary",
            )
            .args(&[&format!("simd::{f}")])
            .doc(format!(
                "`{}`: three v128 to v128, the third in the `Arg` that follows.",
                wasm_name(f)
            ))
            .vector(),
        );
    }
    t.push(
        row(
            "I8x16Shuffle",
            &[("dst", Slot), ("lhs", Slot), ("rhs", Slot)],
            "vector::shuffle",
        )
        .doc("`i8x16.shuffle`: followed by two `Arg`s holding the 16 lane indices.")
        .vector(),
    );
    t
}

const UNARY: &[(&str, &str)] = &[
    ("V128Not", "v128_not"),
    ("I8x16Abs", "i8x16_abs"),
    ("I8x16Neg", "i8x16_neg"),
    ("I8x16Popcnt", "i8x16_popcnt"),
    ("I16x8Abs", "i16x8_abs"),
    ("I16x8Neg", "i16x8_neg"),
    ("I32x4Abs", "i32x4_abs"),
    ("I32x4Neg", "i32x4_neg"),
    ("I64x2Abs", "i64x2_abs"),
    ("I64x2Neg", "i64x2_neg"),
    ("I16x8ExtAddPairwiseI8x16S", "i16x8_extadd_pairwise_i8x16_s"),
    ("I16x8ExtAddPairwiseI8x16U", "i16x8_extadd_pairwise_i8x16_u"),
    ("I32x4ExtAddPairwiseI16x8S", "i32x4_extadd_pairwise_i16x8_s"),
    ("I32x4ExtAddPairwiseI16x8U", "i32x4_extadd_pairwise_i16x8_u"),
    ("I16x8ExtendLowI8x16S", "i16x8_extend_low_i8x16_s"),
    ("I16x8ExtendHighI8x16S", "i16x8_extend_high_i8x16_s"),
    ("I16x8ExtendLowI8x16U", "i16x8_extend_low_i8x16_u"),
    ("I16x8ExtendHighI8x16U", "i16x8_extend_high_i8x16_u"),
    ("I32x4ExtendLowI16x8S", "i32x4_extend_low_i16x8_s"),
    ("I32x4ExtendHighI16x8S", "i32x4_extend_high_i16x8_s"),
    ("I32x4ExtendLowI16x8U", "i32x4_extend_low_i16x8_u"),
    ("I32x4ExtendHighI16x8U", "i32x4_extend_high_i16x8_u"),
    ("I64x2ExtendLowI32x4S", "i64x2_extend_low_i32x4_s"),
    ("I64x2ExtendHighI32x4S", "i64x2_extend_high_i32x4_s"),
    ("I64x2ExtendLowI32x4U", "i64x2_extend_low_i32x4_u"),
    ("I64x2ExtendHighI32x4U", "i64x2_extend_high_i32x4_u"),
    ("F32x4Abs", "f32x4_abs"),
    ("F32x4Neg", "f32x4_neg"),
    ("F32x4Sqrt", "f32x4_sqrt"),
    ("F32x4Ceil", "f32x4_ceil"),
    ("F32x4Floor", "f32x4_floor"),
    ("F32x4Trunc", "f32x4_trunc"),
    ("F32x4Nearest", "f32x4_nearest"),
    ("F64x2Abs", "f64x2_abs"),
    ("F64x2Neg", "f64x2_neg"),
    ("F64x2Sqrt", "f64x2_sqrt"),
    ("F64x2Ceil", "f64x2_ceil"),
    ("F64x2Floor", "f64x2_floor"),
    ("F64x2Trunc", "f64x2_trunc"),
    ("F64x2Nearest", "f64x2_nearest"),
    ("I32x4TruncSatF32x4S", "i32x4_trunc_sat_f32x4_s"),
    ("I32x4TruncSatF32x4U", "i32x4_trunc_sat_f32x4_u"),
    ("I32x4TruncSatF64x2SZero", "i32x4_trunc_sat_f64x2_s_zero"),
    ("I32x4TruncSatF64x2UZero", "i32x4_trunc_sat_f64x2_u_zero"),
    ("F32x4ConvertI32x4S", "f32x4_convert_i32x4_s"),
    ("F32x4ConvertI32x4U", "f32x4_convert_i32x4_u"),
    ("F64x2ConvertLowI32x4S", "f64x2_convert_low_i32x4_s"),
    ("F64x2ConvertLowI32x4U", "f64x2_convert_low_i32x4_u"),
    ("F32x4DemoteF64x2Zero", "f32x4_demote_f64x2_zero"),
    ("F64x2PromoteLowF32x4", "f64x2_promote_low_f32x4"),
];

/// Three vectors to one: `v128.bitselect`, and relaxed SIMD's (`exec/simd/relaxed.rs`).
const TERNARY: &[(&str, &str)] = &[
    ("V128Bitselect", "v128_bitselect"),
    ("F32x4RelaxedMadd", "f32x4_relaxed_madd"),
    ("F32x4RelaxedNmadd", "f32x4_relaxed_nmadd"),
    ("F64x2RelaxedMadd", "f64x2_relaxed_madd"),
    ("F64x2RelaxedNmadd", "f64x2_relaxed_nmadd"),
    (
        "I32x4RelaxedDotI8x16I7x16AddS",
        "i32x4_relaxed_dot_i8x16_i7x16_add_s",
    ),
];

const BINARY: &[(&str, &str)] = &[
    (
        "I16x8RelaxedDotI8x16I7x16S",
        "i16x8_relaxed_dot_i8x16_i7x16_s",
    ),
    ("V128And", "v128_and"),
    ("V128AndNot", "v128_andnot"),
    ("V128Or", "v128_or"),
    ("V128Xor", "v128_xor"),
    ("I8x16Swizzle", "i8x16_swizzle"),
    ("I8x16Eq", "i8x16_eq"),
    ("I8x16Ne", "i8x16_ne"),
    ("I8x16LtS", "i8x16_lt_s"),
    ("I8x16LtU", "i8x16_lt_u"),
    ("I8x16GtS", "i8x16_gt_s"),
    ("I8x16GtU", "i8x16_gt_u"),
    ("I8x16LeS", "i8x16_le_s"),
    ("I8x16LeU", "i8x16_le_u"),
    ("I8x16GeS", "i8x16_ge_s"),
    ("I8x16GeU", "i8x16_ge_u"),
    ("I16x8Eq", "i16x8_eq"),
    ("I16x8Ne", "i16x8_ne"),
    ("I16x8LtS", "i16x8_lt_s"),
    ("I16x8LtU", "i16x8_lt_u"),
    ("I16x8GtS", "i16x8_gt_s"),
    ("I16x8GtU", "i16x8_gt_u"),
    ("I16x8LeS", "i16x8_le_s"),
    ("I16x8LeU", "i16x8_le_u"),
    ("I16x8GeS", "i16x8_ge_s"),
    ("I16x8GeU", "i16x8_ge_u"),
    ("I32x4Eq", "i32x4_eq"),
    ("I32x4Ne", "i32x4_ne"),
    ("I32x4LtS", "i32x4_lt_s"),
    ("I32x4LtU", "i32x4_lt_u"),
    ("I32x4GtS", "i32x4_gt_s"),
    ("I32x4GtU", "i32x4_gt_u"),
    ("I32x4LeS", "i32x4_le_s"),
    ("I32x4LeU", "i32x4_le_u"),
    ("I32x4GeS", "i32x4_ge_s"),
    ("I32x4GeU", "i32x4_ge_u"),
    ("I64x2Eq", "i64x2_eq"),
    ("I64x2Ne", "i64x2_ne"),
    ("I64x2LtS", "i64x2_lt_s"),
    ("I64x2GtS", "i64x2_gt_s"),
    ("I64x2LeS", "i64x2_le_s"),
    ("I64x2GeS", "i64x2_ge_s"),
    ("F32x4Eq", "f32x4_eq"),
    ("F32x4Ne", "f32x4_ne"),
    ("F32x4Lt", "f32x4_lt"),
    ("F32x4Gt", "f32x4_gt"),
    ("F32x4Le", "f32x4_le"),
    ("F32x4Ge", "f32x4_ge"),
    ("F64x2Eq", "f64x2_eq"),
    ("F64x2Ne", "f64x2_ne"),
    ("F64x2Lt", "f64x2_lt"),
    ("F64x2Gt", "f64x2_gt"),
    ("F64x2Le", "f64x2_le"),
    ("F64x2Ge", "f64x2_ge"),
    ("I8x16NarrowI16x8S", "i8x16_narrow_i16x8_s"),
    ("I8x16NarrowI16x8U", "i8x16_narrow_i16x8_u"),
    ("I16x8NarrowI32x4S", "i16x8_narrow_i32x4_s"),
    ("I16x8NarrowI32x4U", "i16x8_narrow_i32x4_u"),
    ("I8x16Add", "i8x16_add"),
    ("I8x16AddSatS", "i8x16_add_sat_s"),
    ("I8x16AddSatU", "i8x16_add_sat_u"),
    ("I8x16Sub", "i8x16_sub"),
    ("I8x16SubSatS", "i8x16_sub_sat_s"),
    ("I8x16SubSatU", "i8x16_sub_sat_u"),
    ("I8x16MinS", "i8x16_min_s"),
    ("I8x16MinU", "i8x16_min_u"),
    ("I8x16MaxS", "i8x16_max_s"),
    ("I8x16MaxU", "i8x16_max_u"),
    ("I8x16AvgrU", "i8x16_avgr_u"),
    ("I16x8Add", "i16x8_add"),
    ("I16x8AddSatS", "i16x8_add_sat_s"),
    ("I16x8AddSatU", "i16x8_add_sat_u"),
    ("I16x8Sub", "i16x8_sub"),
    ("I16x8SubSatS", "i16x8_sub_sat_s"),
    ("I16x8SubSatU", "i16x8_sub_sat_u"),
    ("I16x8Mul", "i16x8_mul"),
    ("I16x8MinS", "i16x8_min_s"),
    ("I16x8MinU", "i16x8_min_u"),
    ("I16x8MaxS", "i16x8_max_s"),
    ("I16x8MaxU", "i16x8_max_u"),
    ("I16x8AvgrU", "i16x8_avgr_u"),
    ("I16x8Q15MulrSatS", "i16x8_q15mulr_sat_s"),
    ("I16x8ExtMulLowI8x16S", "i16x8_extmul_low_i8x16_s"),
    ("I16x8ExtMulHighI8x16S", "i16x8_extmul_high_i8x16_s"),
    ("I16x8ExtMulLowI8x16U", "i16x8_extmul_low_i8x16_u"),
    ("I16x8ExtMulHighI8x16U", "i16x8_extmul_high_i8x16_u"),
    ("I32x4Add", "i32x4_add"),
    ("I32x4Sub", "i32x4_sub"),
    ("I32x4Mul", "i32x4_mul"),
    ("I32x4MinS", "i32x4_min_s"),
    ("I32x4MinU", "i32x4_min_u"),
    ("I32x4MaxS", "i32x4_max_s"),
    ("I32x4MaxU", "i32x4_max_u"),
    ("I32x4DotI16x8S", "i32x4_dot_i16x8_s"),
    ("I32x4ExtMulLowI16x8S", "i32x4_extmul_low_i16x8_s"),
    ("I32x4ExtMulHighI16x8S", "i32x4_extmul_high_i16x8_s"),
    ("I32x4ExtMulLowI16x8U", "i32x4_extmul_low_i16x8_u"),
    ("I32x4ExtMulHighI16x8U", "i32x4_extmul_high_i16x8_u"),
    ("I64x2Add", "i64x2_add"),
    ("I64x2Sub", "i64x2_sub"),
    ("I64x2Mul", "i64x2_mul"),
    ("I64x2ExtMulLowI32x4S", "i64x2_extmul_low_i32x4_s"),
    ("I64x2ExtMulHighI32x4S", "i64x2_extmul_high_i32x4_s"),
    ("I64x2ExtMulLowI32x4U", "i64x2_extmul_low_i32x4_u"),
    ("I64x2ExtMulHighI32x4U", "i64x2_extmul_high_i32x4_u"),
    ("F32x4Add", "f32x4_add"),
    ("F32x4Sub", "f32x4_sub"),
    ("F32x4Mul", "f32x4_mul"),
    ("F32x4Div", "f32x4_div"),
    ("F32x4Min", "f32x4_min"),
    ("F32x4Max", "f32x4_max"),
    ("F32x4PMin", "f32x4_pmin"),
    ("F32x4PMax", "f32x4_pmax"),
    ("F64x2Add", "f64x2_add"),
    ("F64x2Sub", "f64x2_sub"),
    ("F64x2Mul", "f64x2_mul"),
    ("F64x2Div", "f64x2_div"),
    ("F64x2Min", "f64x2_min"),
    ("F64x2Max", "f64x2_max"),
    ("F64x2PMin", "f64x2_pmin"),
    ("F64x2PMax", "f64x2_pmax"),
];

const SHIFT: &[(&str, &str)] = &[
    ("I8x16Shl", "i8x16_shl"),
    ("I8x16ShrS", "i8x16_shr_s"),
    ("I8x16ShrU", "i8x16_shr_u"),
    ("I16x8Shl", "i16x8_shl"),
    ("I16x8ShrS", "i16x8_shr_s"),
    ("I16x8ShrU", "i16x8_shr_u"),
    ("I32x4Shl", "i32x4_shl"),
    ("I32x4ShrS", "i32x4_shr_s"),
    ("I32x4ShrU", "i32x4_shr_u"),
    ("I64x2Shl", "i64x2_shl"),
    ("I64x2ShrS", "i64x2_shr_s"),
    ("I64x2ShrU", "i64x2_shr_u"),
];

const TEST: &[(&str, &str)] = &[
    ("V128AnyTrue", "v128_any_true"),
    ("I8x16AllTrue", "i8x16_all_true"),
    ("I8x16Bitmask", "i8x16_bitmask"),
    ("I16x8AllTrue", "i16x8_all_true"),
    ("I16x8Bitmask", "i16x8_bitmask"),
    ("I32x4AllTrue", "i32x4_all_true"),
    ("I32x4Bitmask", "i32x4_bitmask"),
    ("I64x2AllTrue", "i64x2_all_true"),
    ("I64x2Bitmask", "i64x2_bitmask"),
];

const SPLAT: &[(&str, &str)] = &[
    ("I8x16Splat", "i8x16_splat"),
    ("I16x8Splat", "i16x8_splat"),
    ("I32x4Splat", "i32x4_splat"),
    ("I64x2Splat", "i64x2_splat"),
    ("F32x4Splat", "f32x4_splat"),
    ("F64x2Splat", "f64x2_splat"),
];

const EXTRACT: &[(&str, &str)] = &[
    ("I8x16ExtractLaneS", "i8x16_extract_lane_s"),
    ("I8x16ExtractLaneU", "i8x16_extract_lane_u"),
    ("I16x8ExtractLaneS", "i16x8_extract_lane_s"),
    ("I16x8ExtractLaneU", "i16x8_extract_lane_u"),
    ("I32x4ExtractLane", "i32x4_extract_lane"),
    ("I64x2ExtractLane", "i64x2_extract_lane"),
    ("F32x4ExtractLane", "f32x4_extract_lane"),
    ("F64x2ExtractLane", "f64x2_extract_lane"),
];

const REPLACE: &[(&str, &str)] = &[
    ("I8x16ReplaceLane", "i8x16_replace_lane"),
    ("I16x8ReplaceLane", "i16x8_replace_lane"),
    ("I32x4ReplaceLane", "i32x4_replace_lane"),
    ("I64x2ReplaceLane", "i64x2_replace_lane"),
    ("F32x4ReplaceLane", "f32x4_replace_lane"),
    ("F64x2ReplaceLane", "f64x2_replace_lane"),
];

pub const LOAD: &[(&str, u32, &str)] = &[
    ("V128Load", 16, "load_128"),
    ("V128Load8x8S", 8, "load_8x8_s"),
    ("V128Load8x8U", 8, "load_8x8_u"),
    ("V128Load16x4S", 8, "load_16x4_s"),
    ("V128Load16x4U", 8, "load_16x4_u"),
    ("V128Load32x2S", 8, "load_32x2_s"),
    ("V128Load32x2U", 8, "load_32x2_u"),
    ("V128Load8Splat", 1, "load_8_splat"),
    ("V128Load16Splat", 2, "load_16_splat"),
    ("V128Load32Splat", 4, "load_32_splat"),
    ("V128Load64Splat", 8, "load_64_splat"),
    ("V128Load32Zero", 4, "load_32_zero"),
    ("V128Load64Zero", 8, "load_64_zero"),
];

pub const LOAD_LANE: &[(&str, u32)] = &[
    ("V128Load8Lane", 1),
    ("V128Load16Lane", 2),
    ("V128Load32Lane", 4),
    ("V128Load64Lane", 8),
];

pub const STORE_LANE: &[(&str, u32)] = &[
    ("V128Store8Lane", 1),
    ("V128Store16Lane", 2),
    ("V128Store32Lane", 4),
    ("V128Store64Lane", 8),
];
