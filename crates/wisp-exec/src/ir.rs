//! Wisp's internal instruction set.
//!
//! A function body is translated once into a flat `[Op]`. Operands are *slots*: cells of
//! the function's frame, addressed relative to the frame base. The frame holds the
//! parameters, then the declared locals, then one slot per operand-stack height, so an
//! instruction names where its inputs are and where its result goes, and most
//! `local.get`s and constants cost no instruction at all. Branch targets are resolved at
//! translation time into offsets from the branch instruction (see [`branch_target`]).
//!
//! Every variant fits in 16 bytes (a test checks it); the few instructions that need
//! more operands take them from a following [`Op::Arg`], which is never executed.
//!
//! **The accumulator.** Besides its slot, an instruction that computes one scalar leaves
//! its result in the accumulator, a register of the dispatch loop ([`acc_result`]). The
//! instruction right after it, when it reads that result, does so through its
//! accumulator form (`I32AddAcc`, `I32LoadAcc`, `BrI32LtUAcc`, …; [`acc_form`]): the
//! value then goes register to register instead of through a store and a load of the
//! same cell, which cost about five cycles on the chain of dependent instructions that
//! makes up most hot loops. The slot is written too, so later readers are unaffected.

/// A frame-relative cell index.
pub type Slot = u32;

/// Lists the numeric and memory instructions by kind, with the names of their wasmparser
/// operator, Wisp's immediate-operand variant where there is one, their accumulator
/// forms (`…Acc`: the first operand is the accumulator, see [`acc_form`]) and their
/// semantics function in `exec::numeric` (or their access width). Every consumer (the
/// enum, the translator, the dispatch loop) expands this one list, so they cannot drift
/// apart.
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_instr {
    ($m:ident) => {
        $m! {
            unary: [
                I32Eqz i32_eqz, I32Clz i32_clz, I32Ctz i32_ctz, I32Popcnt i32_popcnt,
                I64Eqz i64_eqz, I64Clz i64_clz, I64Ctz i64_ctz, I64Popcnt i64_popcnt,
                F32Abs f32_abs, F32Neg f32_neg, F32Ceil f32_ceil, F32Floor f32_floor,
                F32Trunc f32_trunc, F32Nearest f32_nearest, F32Sqrt f32_sqrt,
                F64Abs f64_abs, F64Neg f64_neg, F64Ceil f64_ceil, F64Floor f64_floor,
                F64Trunc f64_trunc, F64Nearest f64_nearest, F64Sqrt f64_sqrt,
                I64ExtendI32S i64_extend_i32_s, I64ExtendI32U i64_extend_i32_u,
                F32ConvertI32S f32_convert_i32_s, F32ConvertI32U f32_convert_i32_u,
                F32ConvertI64S f32_convert_i64_s, F32ConvertI64U f32_convert_i64_u,
                F32DemoteF64 f32_demote_f64,
                F64ConvertI32S f64_convert_i32_s, F64ConvertI32U f64_convert_i32_u,
                F64ConvertI64S f64_convert_i64_s, F64ConvertI64U f64_convert_i64_u,
                F64PromoteF32 f64_promote_f32,
                I32Extend8S i32_extend8_s, I32Extend16S i32_extend16_s,
                I64Extend8S i64_extend8_s, I64Extend16S i64_extend16_s,
                I64Extend32S i64_extend32_s,
                I32TruncSatF32S i32_trunc_sat_f32_s, I32TruncSatF32U i32_trunc_sat_f32_u,
                I32TruncSatF64S i32_trunc_sat_f64_s, I32TruncSatF64U i32_trunc_sat_f64_u,
                I64TruncSatF32S i64_trunc_sat_f32_s, I64TruncSatF32U i64_trunc_sat_f32_u,
                I64TruncSatF64S i64_trunc_sat_f64_s, I64TruncSatF64U i64_trunc_sat_f64_u,
            ],
            unary_trap: [
                I32TruncF32S i32_trunc_f32_s, I32TruncF32U i32_trunc_f32_u,
                I32TruncF64S i32_trunc_f64_s, I32TruncF64U i32_trunc_f64_u,
                I64TruncF32S i64_trunc_f32_s, I64TruncF32U i64_trunc_f32_u,
                I64TruncF64S i64_trunc_f64_s, I64TruncF64U i64_trunc_f64_u,
            ],
            binary: [
                F32Eq F32EqAcc f32_eq, F32Ne F32NeAcc f32_ne, F32Lt F32LtAcc f32_lt,
                F32Gt F32GtAcc f32_gt, F32Le F32LeAcc f32_le, F32Ge F32GeAcc f32_ge,
                F32Add F32AddAcc f32_add, F32Sub F32SubAcc f32_sub, F32Mul F32MulAcc f32_mul,
                F32Div F32DivAcc f32_div, F32Min F32MinAcc f32_min, F32Max F32MaxAcc f32_max,
                F32Copysign F32CopysignAcc f32_copysign, F64Eq F64EqAcc f64_eq,
                F64Ne F64NeAcc f64_ne, F64Lt F64LtAcc f64_lt, F64Gt F64GtAcc f64_gt,
                F64Le F64LeAcc f64_le, F64Ge F64GeAcc f64_ge, F64Add F64AddAcc f64_add,
                F64Sub F64SubAcc f64_sub, F64Mul F64MulAcc f64_mul, F64Div F64DivAcc f64_div,
                F64Min F64MinAcc f64_min, F64Max F64MaxAcc f64_max,
                F64Copysign F64CopysignAcc f64_copysign,
            ],
            // `i32` immediates are the value; `i64` ones are sign-extended from 32 bits.
            binary_imm: [
                I32Eq I32EqImm I32EqAcc I32EqImmAcc i32_eq,
                I32Ne I32NeImm I32NeAcc I32NeImmAcc i32_ne,
                I32LtS I32LtSImm I32LtSAcc I32LtSImmAcc i32_lt_s,
                I32LtU I32LtUImm I32LtUAcc I32LtUImmAcc i32_lt_u,
                I32GtS I32GtSImm I32GtSAcc I32GtSImmAcc i32_gt_s,
                I32GtU I32GtUImm I32GtUAcc I32GtUImmAcc i32_gt_u,
                I32LeS I32LeSImm I32LeSAcc I32LeSImmAcc i32_le_s,
                I32LeU I32LeUImm I32LeUAcc I32LeUImmAcc i32_le_u,
                I32GeS I32GeSImm I32GeSAcc I32GeSImmAcc i32_ge_s,
                I32GeU I32GeUImm I32GeUAcc I32GeUImmAcc i32_ge_u,
                I32Add I32AddImm I32AddAcc I32AddImmAcc i32_add,
                I32Sub I32SubImm I32SubAcc I32SubImmAcc i32_sub,
                I32Mul I32MulImm I32MulAcc I32MulImmAcc i32_mul,
                I32And I32AndImm I32AndAcc I32AndImmAcc i32_and,
                I32Or I32OrImm I32OrAcc I32OrImmAcc i32_or,
                I32Xor I32XorImm I32XorAcc I32XorImmAcc i32_xor,
                I32Shl I32ShlImm I32ShlAcc I32ShlImmAcc i32_shl,
                I32ShrS I32ShrSImm I32ShrSAcc I32ShrSImmAcc i32_shr_s,
                I32ShrU I32ShrUImm I32ShrUAcc I32ShrUImmAcc i32_shr_u,
                I32Rotl I32RotlImm I32RotlAcc I32RotlImmAcc i32_rotl,
                I32Rotr I32RotrImm I32RotrAcc I32RotrImmAcc i32_rotr,
                I64Eq I64EqImm I64EqAcc I64EqImmAcc i64_eq,
                I64Ne I64NeImm I64NeAcc I64NeImmAcc i64_ne,
                I64LtS I64LtSImm I64LtSAcc I64LtSImmAcc i64_lt_s,
                I64LtU I64LtUImm I64LtUAcc I64LtUImmAcc i64_lt_u,
                I64GtS I64GtSImm I64GtSAcc I64GtSImmAcc i64_gt_s,
                I64GtU I64GtUImm I64GtUAcc I64GtUImmAcc i64_gt_u,
                I64LeS I64LeSImm I64LeSAcc I64LeSImmAcc i64_le_s,
                I64LeU I64LeUImm I64LeUAcc I64LeUImmAcc i64_le_u,
                I64GeS I64GeSImm I64GeSAcc I64GeSImmAcc i64_ge_s,
                I64GeU I64GeUImm I64GeUAcc I64GeUImmAcc i64_ge_u,
                I64Add I64AddImm I64AddAcc I64AddImmAcc i64_add,
                I64Sub I64SubImm I64SubAcc I64SubImmAcc i64_sub,
                I64Mul I64MulImm I64MulAcc I64MulImmAcc i64_mul,
                I64And I64AndImm I64AndAcc I64AndImmAcc i64_and,
                I64Or I64OrImm I64OrAcc I64OrImmAcc i64_or,
                I64Xor I64XorImm I64XorAcc I64XorImmAcc i64_xor,
                I64Shl I64ShlImm I64ShlAcc I64ShlImmAcc i64_shl,
                I64ShrS I64ShrSImm I64ShrSAcc I64ShrSImmAcc i64_shr_s,
                I64ShrU I64ShrUImm I64ShrUAcc I64ShrUImmAcc i64_shr_u,
                I64Rotl I64RotlImm I64RotlAcc I64RotlImmAcc i64_rotl,
                I64Rotr I64RotrImm I64RotrAcc I64RotrImmAcc i64_rotr,
            ],
            binary_imm_trap: [
                I32DivS I32DivSImm I32DivSAcc I32DivSImmAcc i32_div_s,
                I32DivU I32DivUImm I32DivUAcc I32DivUImmAcc i32_div_u,
                I32RemS I32RemSImm I32RemSAcc I32RemSImmAcc i32_rem_s,
                I32RemU I32RemUImm I32RemUAcc I32RemUImmAcc i32_rem_u,
                I64DivS I64DivSImm I64DivSAcc I64DivSImmAcc i64_div_s,
                I64DivU I64DivUImm I64DivUAcc I64DivUImmAcc i64_div_u,
                I64RemS I64RemSImm I64RemSAcc I64RemSImmAcc i64_rem_s,
                I64RemU I64RemUImm I64RemUAcc I64RemUImmAcc i64_rem_u,
            ],
            // Memory access: width in bytes and, for loads, how the bytes become a cell.
            // A load's `Idx` variant takes its address as the sum of two slots (an
            // `i32.add` just before it, with offset 0). Then the accumulator forms of both.
            load: [
                I32Load I32LoadIdx I32LoadAcc I32LoadIdxAcc 4
                    (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
                I64Load I64LoadIdx I64LoadAcc I64LoadIdxAcc 8 (|b: [u8; 8]| u64::from_le_bytes(b)),
                F32Load F32LoadIdx F32LoadAcc F32LoadIdxAcc 4
                    (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
                F64Load F64LoadIdx F64LoadAcc F64LoadIdxAcc 8 (|b: [u8; 8]| u64::from_le_bytes(b)),
                I32Load8S I32Load8SIdx I32Load8SAcc I32Load8SIdxAcc 1
                    (|b: [u8; 1]| b[0] as i8 as i32 as u32 as u64),
                I32Load8U I32Load8UIdx I32Load8UAcc I32Load8UIdxAcc 1 (|b: [u8; 1]| b[0] as u64),
                I32Load16S I32Load16SIdx I32Load16SAcc I32Load16SIdxAcc 2
                    (|b: [u8; 2]| i16::from_le_bytes(b) as i32 as u32 as u64),
                I32Load16U I32Load16UIdx I32Load16UAcc I32Load16UIdxAcc 2
                    (|b: [u8; 2]| u16::from_le_bytes(b) as u64),
                I64Load8S I64Load8SIdx I64Load8SAcc I64Load8SIdxAcc 1
                    (|b: [u8; 1]| b[0] as i8 as i64 as u64),
                I64Load8U I64Load8UIdx I64Load8UAcc I64Load8UIdxAcc 1 (|b: [u8; 1]| b[0] as u64),
                I64Load16S I64Load16SIdx I64Load16SAcc I64Load16SIdxAcc 2
                    (|b: [u8; 2]| i16::from_le_bytes(b) as i64 as u64),
                I64Load16U I64Load16UIdx I64Load16UAcc I64Load16UIdxAcc 2
                    (|b: [u8; 2]| u16::from_le_bytes(b) as u64),
                I64Load32S I64Load32SIdx I64Load32SAcc I64Load32SIdxAcc 4
                    (|b: [u8; 4]| i32::from_le_bytes(b) as i64 as u64),
                I64Load32U I64Load32UIdx I64Load32UAcc I64Load32UIdxAcc 4
                    (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
            ],
            // Stores, with the variant that stores a constant (sign-extended from 32 bits),
            // their forms with the address in the accumulator, and the form that stores
            // the accumulator.
            store: [
                I32Store I32StoreImm I32StoreAcc I32StoreImmAcc I32StoreAccValue 4,
                I64Store I64StoreImm I64StoreAcc I64StoreImmAcc I64StoreAccValue 8,
                F32Store F32StoreImm F32StoreAcc F32StoreImmAcc F32StoreAccValue 4,
                F64Store F64StoreImm F64StoreAcc F64StoreImmAcc F64StoreAccValue 8,
                I32Store8 I32Store8Imm I32Store8Acc I32Store8ImmAcc I32Store8AccValue 1,
                I32Store16 I32Store16Imm I32Store16Acc I32Store16ImmAcc I32Store16AccValue 2,
                I64Store8 I64Store8Imm I64Store8Acc I64Store8ImmAcc I64Store8AccValue 1,
                I64Store16 I64Store16Imm I64Store16Acc I64Store16ImmAcc I64Store16AccValue 2,
                I64Store32 I64Store32Imm I64Store32Acc I64Store32ImmAcc I64Store32AccValue 4,
            ],
            // Vector instructions (`exec::simd`): v128 -> v128.
            v_unary: [
                V128Not v128_not, I8x16Abs i8x16_abs, I8x16Neg i8x16_neg,
                I8x16Popcnt i8x16_popcnt, I16x8Abs i16x8_abs, I16x8Neg i16x8_neg,
                I32x4Abs i32x4_abs, I32x4Neg i32x4_neg, I64x2Abs i64x2_abs, I64x2Neg i64x2_neg,
                I16x8ExtAddPairwiseI8x16S i16x8_extadd_pairwise_i8x16_s,
                I16x8ExtAddPairwiseI8x16U i16x8_extadd_pairwise_i8x16_u,
                I32x4ExtAddPairwiseI16x8S i32x4_extadd_pairwise_i16x8_s,
                I32x4ExtAddPairwiseI16x8U i32x4_extadd_pairwise_i16x8_u,
                I16x8ExtendLowI8x16S i16x8_extend_low_i8x16_s,
                I16x8ExtendHighI8x16S i16x8_extend_high_i8x16_s,
                I16x8ExtendLowI8x16U i16x8_extend_low_i8x16_u,
                I16x8ExtendHighI8x16U i16x8_extend_high_i8x16_u,
                I32x4ExtendLowI16x8S i32x4_extend_low_i16x8_s,
                I32x4ExtendHighI16x8S i32x4_extend_high_i16x8_s,
                I32x4ExtendLowI16x8U i32x4_extend_low_i16x8_u,
                I32x4ExtendHighI16x8U i32x4_extend_high_i16x8_u,
                I64x2ExtendLowI32x4S i64x2_extend_low_i32x4_s,
                I64x2ExtendHighI32x4S i64x2_extend_high_i32x4_s,
                I64x2ExtendLowI32x4U i64x2_extend_low_i32x4_u,
                I64x2ExtendHighI32x4U i64x2_extend_high_i32x4_u,
                F32x4Abs f32x4_abs, F32x4Neg f32x4_neg, F32x4Sqrt f32x4_sqrt,
                F32x4Ceil f32x4_ceil, F32x4Floor f32x4_floor, F32x4Trunc f32x4_trunc,
                F32x4Nearest f32x4_nearest, F64x2Abs f64x2_abs, F64x2Neg f64x2_neg,
                F64x2Sqrt f64x2_sqrt, F64x2Ceil f64x2_ceil, F64x2Floor f64x2_floor,
                F64x2Trunc f64x2_trunc, F64x2Nearest f64x2_nearest,
                I32x4TruncSatF32x4S i32x4_trunc_sat_f32x4_s,
                I32x4TruncSatF32x4U i32x4_trunc_sat_f32x4_u,
                I32x4TruncSatF64x2SZero i32x4_trunc_sat_f64x2_s_zero,
                I32x4TruncSatF64x2UZero i32x4_trunc_sat_f64x2_u_zero,
                F32x4ConvertI32x4S f32x4_convert_i32x4_s,
                F32x4ConvertI32x4U f32x4_convert_i32x4_u,
                F64x2ConvertLowI32x4S f64x2_convert_low_i32x4_s,
                F64x2ConvertLowI32x4U f64x2_convert_low_i32x4_u,
                F32x4DemoteF64x2Zero f32x4_demote_f64x2_zero,
                F64x2PromoteLowF32x4 f64x2_promote_low_f32x4,
            ],
            // v128 v128 -> v128
            v_binary: [
                V128And v128_and, V128AndNot v128_andnot, V128Or v128_or, V128Xor v128_xor,
                I8x16Swizzle i8x16_swizzle,
                I8x16Eq i8x16_eq, I8x16Ne i8x16_ne, I8x16LtS i8x16_lt_s, I8x16LtU i8x16_lt_u,
                I8x16GtS i8x16_gt_s, I8x16GtU i8x16_gt_u, I8x16LeS i8x16_le_s,
                I8x16LeU i8x16_le_u, I8x16GeS i8x16_ge_s, I8x16GeU i8x16_ge_u,
                I16x8Eq i16x8_eq, I16x8Ne i16x8_ne, I16x8LtS i16x8_lt_s, I16x8LtU i16x8_lt_u,
                I16x8GtS i16x8_gt_s, I16x8GtU i16x8_gt_u, I16x8LeS i16x8_le_s,
                I16x8LeU i16x8_le_u, I16x8GeS i16x8_ge_s, I16x8GeU i16x8_ge_u,
                I32x4Eq i32x4_eq, I32x4Ne i32x4_ne, I32x4LtS i32x4_lt_s, I32x4LtU i32x4_lt_u,
                I32x4GtS i32x4_gt_s, I32x4GtU i32x4_gt_u, I32x4LeS i32x4_le_s,
                I32x4LeU i32x4_le_u, I32x4GeS i32x4_ge_s, I32x4GeU i32x4_ge_u,
                I64x2Eq i64x2_eq, I64x2Ne i64x2_ne, I64x2LtS i64x2_lt_s, I64x2GtS i64x2_gt_s,
                I64x2LeS i64x2_le_s, I64x2GeS i64x2_ge_s,
                F32x4Eq f32x4_eq, F32x4Ne f32x4_ne, F32x4Lt f32x4_lt, F32x4Gt f32x4_gt,
                F32x4Le f32x4_le, F32x4Ge f32x4_ge,
                F64x2Eq f64x2_eq, F64x2Ne f64x2_ne, F64x2Lt f64x2_lt, F64x2Gt f64x2_gt,
                F64x2Le f64x2_le, F64x2Ge f64x2_ge,
                I8x16NarrowI16x8S i8x16_narrow_i16x8_s, I8x16NarrowI16x8U i8x16_narrow_i16x8_u,
                I16x8NarrowI32x4S i16x8_narrow_i32x4_s, I16x8NarrowI32x4U i16x8_narrow_i32x4_u,
                I8x16Add i8x16_add, I8x16AddSatS i8x16_add_sat_s, I8x16AddSatU i8x16_add_sat_u,
                I8x16Sub i8x16_sub, I8x16SubSatS i8x16_sub_sat_s, I8x16SubSatU i8x16_sub_sat_u,
                I8x16MinS i8x16_min_s, I8x16MinU i8x16_min_u, I8x16MaxS i8x16_max_s,
                I8x16MaxU i8x16_max_u, I8x16AvgrU i8x16_avgr_u,
                I16x8Add i16x8_add, I16x8AddSatS i16x8_add_sat_s, I16x8AddSatU i16x8_add_sat_u,
                I16x8Sub i16x8_sub, I16x8SubSatS i16x8_sub_sat_s, I16x8SubSatU i16x8_sub_sat_u,
                I16x8Mul i16x8_mul, I16x8MinS i16x8_min_s, I16x8MinU i16x8_min_u,
                I16x8MaxS i16x8_max_s, I16x8MaxU i16x8_max_u, I16x8AvgrU i16x8_avgr_u,
                I16x8Q15MulrSatS i16x8_q15mulr_sat_s,
                I16x8ExtMulLowI8x16S i16x8_extmul_low_i8x16_s,
                I16x8ExtMulHighI8x16S i16x8_extmul_high_i8x16_s,
                I16x8ExtMulLowI8x16U i16x8_extmul_low_i8x16_u,
                I16x8ExtMulHighI8x16U i16x8_extmul_high_i8x16_u,
                I32x4Add i32x4_add, I32x4Sub i32x4_sub, I32x4Mul i32x4_mul,
                I32x4MinS i32x4_min_s, I32x4MinU i32x4_min_u, I32x4MaxS i32x4_max_s,
                I32x4MaxU i32x4_max_u, I32x4DotI16x8S i32x4_dot_i16x8_s,
                I32x4ExtMulLowI16x8S i32x4_extmul_low_i16x8_s,
                I32x4ExtMulHighI16x8S i32x4_extmul_high_i16x8_s,
                I32x4ExtMulLowI16x8U i32x4_extmul_low_i16x8_u,
                I32x4ExtMulHighI16x8U i32x4_extmul_high_i16x8_u,
                I64x2Add i64x2_add, I64x2Sub i64x2_sub, I64x2Mul i64x2_mul,
                I64x2ExtMulLowI32x4S i64x2_extmul_low_i32x4_s,
                I64x2ExtMulHighI32x4S i64x2_extmul_high_i32x4_s,
                I64x2ExtMulLowI32x4U i64x2_extmul_low_i32x4_u,
                I64x2ExtMulHighI32x4U i64x2_extmul_high_i32x4_u,
                F32x4Add f32x4_add, F32x4Sub f32x4_sub, F32x4Mul f32x4_mul, F32x4Div f32x4_div,
                F32x4Min f32x4_min, F32x4Max f32x4_max, F32x4PMin f32x4_pmin,
                F32x4PMax f32x4_pmax,
                F64x2Add f64x2_add, F64x2Sub f64x2_sub, F64x2Mul f64x2_mul, F64x2Div f64x2_div,
                F64x2Min f64x2_min, F64x2Max f64x2_max, F64x2PMin f64x2_pmin,
                F64x2PMax f64x2_pmax,
            ],
            // v128 i32 -> v128
            v_shift: [
                I8x16Shl i8x16_shl, I8x16ShrS i8x16_shr_s, I8x16ShrU i8x16_shr_u,
                I16x8Shl i16x8_shl, I16x8ShrS i16x8_shr_s, I16x8ShrU i16x8_shr_u,
                I32x4Shl i32x4_shl, I32x4ShrS i32x4_shr_s, I32x4ShrU i32x4_shr_u,
                I64x2Shl i64x2_shl, I64x2ShrS i64x2_shr_s, I64x2ShrU i64x2_shr_u,
            ],
            // v128 -> i32
            v_test: [
                V128AnyTrue v128_any_true, I8x16AllTrue i8x16_all_true,
                I8x16Bitmask i8x16_bitmask, I16x8AllTrue i16x8_all_true,
                I16x8Bitmask i16x8_bitmask, I32x4AllTrue i32x4_all_true,
                I32x4Bitmask i32x4_bitmask, I64x2AllTrue i64x2_all_true,
                I64x2Bitmask i64x2_bitmask,
            ],
            // scalar -> v128
            v_splat: [
                I8x16Splat i8x16_splat, I16x8Splat i16x8_splat, I32x4Splat i32x4_splat,
                I64x2Splat i64x2_splat, F32x4Splat f32x4_splat, F64x2Splat f64x2_splat,
            ],
            // v128 -> scalar, lane in the instruction
            v_extract: [
                I8x16ExtractLaneS i8x16_extract_lane_s, I8x16ExtractLaneU i8x16_extract_lane_u,
                I16x8ExtractLaneS i16x8_extract_lane_s, I16x8ExtractLaneU i16x8_extract_lane_u,
                I32x4ExtractLane i32x4_extract_lane, I64x2ExtractLane i64x2_extract_lane,
                F32x4ExtractLane f32x4_extract_lane, F64x2ExtractLane f64x2_extract_lane,
            ],
            // v128 scalar -> v128, lane in a following `Arg`
            v_replace: [
                I8x16ReplaceLane i8x16_replace_lane, I16x8ReplaceLane i16x8_replace_lane,
                I32x4ReplaceLane i32x4_replace_lane, I64x2ReplaceLane i64x2_replace_lane,
                F32x4ReplaceLane f32x4_replace_lane, F64x2ReplaceLane f64x2_replace_lane,
            ],
            // address -> v128: bytes read and how they become a vector
            v_load: [
                V128Load 16 load_128, V128Load8x8S 8 load_8x8_s, V128Load8x8U 8 load_8x8_u,
                V128Load16x4S 8 load_16x4_s, V128Load16x4U 8 load_16x4_u,
                V128Load32x2S 8 load_32x2_s, V128Load32x2U 8 load_32x2_u,
                V128Load8Splat 1 load_8_splat, V128Load16Splat 2 load_16_splat,
                V128Load32Splat 4 load_32_splat, V128Load64Splat 8 load_64_splat,
                V128Load32Zero 4 load_32_zero, V128Load64Zero 8 load_64_zero,
            ],
            // address v128 -> v128 with one lane loaded; `Arg { a: vector, b: lane }` follows
            v_load_lane: [
                V128Load8Lane 1, V128Load16Lane 2, V128Load32Lane 4, V128Load64Lane 8,
            ],
            // address v128 -> (); `Arg { a: lane, .. }` follows
            v_store_lane: [
                V128Store8Lane 1, V128Store16Lane 2, V128Store32Lane 4, V128Store64Lane 8,
            ],
            // Compare-and-branch: a comparison whose only use is a `br_if` or an `if`
            // becomes one instruction. Each row: the comparison (register and immediate
            // forms), its semantics, its fused branches, then those of the opposite
            // comparison (for branching when it is false), then the accumulator forms of
            // its own fused branches.
            br_cmp: [
                I32Eq I32EqImm i32_eq BrI32Eq BrI32EqImm BrI32Ne BrI32NeImm
                    BrI32EqAcc BrI32EqImmAcc,
                I32Ne I32NeImm i32_ne BrI32Ne BrI32NeImm BrI32Eq BrI32EqImm
                    BrI32NeAcc BrI32NeImmAcc,
                I32LtS I32LtSImm i32_lt_s BrI32LtS BrI32LtSImm BrI32GeS BrI32GeSImm
                    BrI32LtSAcc BrI32LtSImmAcc,
                I32LtU I32LtUImm i32_lt_u BrI32LtU BrI32LtUImm BrI32GeU BrI32GeUImm
                    BrI32LtUAcc BrI32LtUImmAcc,
                I32GtS I32GtSImm i32_gt_s BrI32GtS BrI32GtSImm BrI32LeS BrI32LeSImm
                    BrI32GtSAcc BrI32GtSImmAcc,
                I32GtU I32GtUImm i32_gt_u BrI32GtU BrI32GtUImm BrI32LeU BrI32LeUImm
                    BrI32GtUAcc BrI32GtUImmAcc,
                I32LeS I32LeSImm i32_le_s BrI32LeS BrI32LeSImm BrI32GtS BrI32GtSImm
                    BrI32LeSAcc BrI32LeSImmAcc,
                I32LeU I32LeUImm i32_le_u BrI32LeU BrI32LeUImm BrI32GtU BrI32GtUImm
                    BrI32LeUAcc BrI32LeUImmAcc,
                I32GeS I32GeSImm i32_ge_s BrI32GeS BrI32GeSImm BrI32LtS BrI32LtSImm
                    BrI32GeSAcc BrI32GeSImmAcc,
                I32GeU I32GeUImm i32_ge_u BrI32GeU BrI32GeUImm BrI32LtU BrI32LtUImm
                    BrI32GeUAcc BrI32GeUImmAcc,
                I64Eq I64EqImm i64_eq BrI64Eq BrI64EqImm BrI64Ne BrI64NeImm
                    BrI64EqAcc BrI64EqImmAcc,
                I64Ne I64NeImm i64_ne BrI64Ne BrI64NeImm BrI64Eq BrI64EqImm
                    BrI64NeAcc BrI64NeImmAcc,
                I64LtS I64LtSImm i64_lt_s BrI64LtS BrI64LtSImm BrI64GeS BrI64GeSImm
                    BrI64LtSAcc BrI64LtSImmAcc,
                I64LtU I64LtUImm i64_lt_u BrI64LtU BrI64LtUImm BrI64GeU BrI64GeUImm
                    BrI64LtUAcc BrI64LtUImmAcc,
                I64GtS I64GtSImm i64_gt_s BrI64GtS BrI64GtSImm BrI64LeS BrI64LeSImm
                    BrI64GtSAcc BrI64GtSImmAcc,
                I64GtU I64GtUImm i64_gt_u BrI64GtU BrI64GtUImm BrI64LeU BrI64LeUImm
                    BrI64GtUAcc BrI64GtUImmAcc,
                I64LeS I64LeSImm i64_le_s BrI64LeS BrI64LeSImm BrI64GtS BrI64GtSImm
                    BrI64LeSAcc BrI64LeSImmAcc,
                I64LeU I64LeUImm i64_le_u BrI64LeU BrI64LeUImm BrI64GtU BrI64GtUImm
                    BrI64LeUAcc BrI64LeUImmAcc,
                I64GeS I64GeSImm i64_ge_s BrI64GeS BrI64GeSImm BrI64LtS BrI64LtSImm
                    BrI64GeSAcc BrI64GeSImmAcc,
                I64GeU I64GeUImm i64_ge_u BrI64GeU BrI64GeUImm BrI64LtU BrI64LtUImm
                    BrI64GeUAcc BrI64GeUImmAcc,
            ],
        }
    };
}

/// Declares [`Op`] from its list of variants, and with it [`TEMPLATES`] and the operand
/// codec that pre-translated images use ([`Op::operands`], [`Op::with_operands`]): one
/// list, so an image and the enum cannot disagree about an instruction's operands.
macro_rules! ops_enum {
    ($( $(#[$m:meta])* $name:ident { $($f:ident : $t:ty),* } ),* $(,)?) => {
        /// One instruction of Wisp's IR. See the module documentation.
        ///
        /// `repr(u16)` puts the discriminant in the first two bytes of every variant,
        /// where the dispatcher reads it to index its handler table.
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[repr(u16)]
        pub enum Op {
            $( $(#[$m])* $name { $($f: $t),* }, )*
        }

        /// Every instruction with its operands zero, in declaration order, so entry `i`
        /// has discriminant `i`: an image names an instruction by this index. (Devices
        /// use `exec::op_with_operands` instead, which needs no table in flash.)
        pub const TEMPLATES: &[Op] = &[ $( Op::$name { $($f: 0),* } ),* ];

        /// How many operands each instruction has, by discriminant.
        pub const OPERAND_COUNTS: &[u8] = &[ $( {
            let names: &[&str] = &[$(stringify!($f)),*];
            names.len() as u8
        } ),* ];

        /// The number of instructions.
        pub const OP_COUNT: usize = OPERAND_COUNTS.len();

        impl Op {
            /// The operands, in declaration order, widened to `u64`, and how many there
            /// are (at most [`MAX_OPERANDS`]).
            pub fn operands(&self) -> ([u64; MAX_OPERANDS], usize) {
                match *self {
                    $( Op::$name { $($f),* } => {
                        let v: &[u64] = &[$($f as u64),*];
                        let mut out = [0; MAX_OPERANDS];
                        out[..v.len()].copy_from_slice(v);
                        (out, v.len())
                    } )*
                }
            }

            /// This instruction with the operands `v`, in declaration order; `None` if
            /// there are too few or one does not fit its field.
            pub fn with_operands(self, v: &[u64]) -> Option<Op> {
                #[allow(unused_mut, unused_variables)]
                let mut it = v.iter().copied();
                Some(match self {
                    $( Op::$name { .. } => Op::$name { $($f: it.next()?.try_into().ok()?),* }, )*
                })
            }
        }
    };
}

/// The most operands an instruction has.
pub const MAX_OPERANDS: usize = 3;

macro_rules! define_ops {
    (
        unary: [$($u:ident $uf:ident,)*],
        unary_trap: [$($ut:ident $utf:ident,)*],
        binary: [$($b:ident $ba:ident $bf:ident,)*],
        binary_imm: [$($bi:ident $bii:ident $bia:ident $biia:ident $bif:ident,)*],
        binary_imm_trap: [$($bt:ident $bti:ident $bta:ident $btia:ident $btf:ident,)*],
        load: [$($l:ident $lx:ident $la:ident $lxa:ident $lw:literal $lf:tt,)*],
        store: [$($s:ident $si:ident $sa:ident $sia:ident $sva:ident $sw:literal,)*],
        v_unary: [$($vu:ident $vuf:ident,)*],
        v_binary: [$($vb:ident $vbf:ident,)*],
        v_shift: [$($vs:ident $vsf:ident,)*],
        v_test: [$($vt:ident $vtf:ident,)*],
        v_splat: [$($vp:ident $vpf:ident,)*],
        v_extract: [$($ve:ident $vef:ident,)*],
        v_replace: [$($vr:ident $vrf:ident,)*],
        v_load: [$($vl:ident $vlw:literal $vlf:ident,)*],
        v_load_lane: [$($vll:ident $vllw:literal,)*],
        v_store_lane: [$($vsl:ident $vslw:literal,)*],
        br_cmp: [$(
            $c:ident $ci:ident $cf:ident $cb:ident $cbi:ident $cn:ident $cni:ident
            $cba:ident $cbia:ident,
        )*],
    ) => {
        ops_enum! {
            /// Operands for the preceding instruction; never executed.
            Arg { a: u32, b: u32 },
            Unreachable {},
            /// Zeroes the declared locals, cells `start..end`; the first instruction of a
            /// function that has any.
            ZeroLocals { start: Slot, end: Slot },
            /// Charges fuel for the basic block it starts.
            ConsumeFuel { amount: u32 },
            Br { target: u32 },
            BrIfNez { cond: Slot, target: u32 },
            BrIfEqz { cond: Slot, target: u32 },
            /// Followed by `len + 1` `Br`s, the last one the default.
            BrTable { index: Slot, len: u32 },
            /// Results are already in slots `0..n`.
            Return {},
            /// Copies the one result cell from `src` into slot 0, then returns.
            ReturnCopy { src: Slot },
            /// The callee's frame starts at `base`, where its arguments are.
            Call { func: u32, base: Slot },
            /// A call of the module's own defined function `func` (counted without the
            /// imported ones), so it runs in the same instance.
            CallInternal { func: u32, base: Slot },
            /// Followed by `Arg { a: table, .. }`.
            CallIndirect { index: Slot, base: Slot, ty: u32 },
            Copy { dst: Slot, src: Slot },
            /// A `Copy` and then a `Br`: the value a block leaves, and the jump out.
            CopyBr { dst: Slot, src: Slot, target: u32 },
            /// `i32.add` of `base` and `index` shifted left by 2 or 3: an address into an
            /// array of 4- or 8-byte elements.
            I32AddShl2 { dst: Slot, base: Slot, index: Slot },
            I32AddShl3 { dst: Slot, base: Slot, index: Slot },
            /// Copies two cells: a `v128`, or a value of unknown type in a wide function.
            Copy2 { dst: Slot, src: Slot },
            /// Copies cells `src..src + len` to `dst..`, lowest first (`dst` is at or
            /// below `src`): the many values a branch carries, in one instruction.
            CopyCells { dst: Slot, src: Slot, len: u32 },
            /// Followed by two `Arg`s holding the 128 bits, lowest first.
            V128Const { dst: Slot },
            Const32 { dst: Slot, value: u32 },
            Const64 { dst: Slot, value: u64 },
            /// Followed by `Arg { a: if_false, .. }`.
            Select { dst: Slot, cond: Slot, if_true: Slot },
            GlobalGet { dst: Slot, index: u32 },
            GlobalSet { src: Slot, index: u32 },
            GlobalGet2 { dst: Slot, index: u32 },
            GlobalSet2 { src: Slot, index: u32 },
            /// Followed by `Arg { a: if_false, .. }`; moves two cells.
            Select2 { dst: Slot, cond: Slot, if_true: Slot },
            MemorySize { dst: Slot },
            MemoryGrow { dst: Slot, delta: Slot },
            /// Followed by `Arg { a: data, .. }`.
            MemoryInit { dst: Slot, src: Slot, len: Slot },
            MemoryCopy { dst: Slot, src: Slot, len: Slot },
            MemoryFill { dst: Slot, value: Slot, len: Slot },
            DataDrop { data: u32 },
            RefFunc { dst: Slot, func: u32 },
            TableGet { dst: Slot, index: Slot, table: u32 },
            TableSet { index: Slot, value: Slot, table: u32 },
            TableSize { dst: Slot, table: u32 },
            /// Followed by `Arg { a: table, .. }`.
            TableGrow { dst: Slot, init: Slot, delta: Slot },
            /// Followed by `Arg { a: table, .. }`.
            TableFill { index: Slot, value: Slot, len: Slot },
            /// Followed by `Arg { a: dst_table, b: src_table }`.
            TableCopy { dst: Slot, src: Slot, len: Slot },
            /// Followed by `Arg { a: table, b: elem }`.
            TableInit { dst: Slot, src: Slot, len: Slot },
            ElemDrop { elem: u32 },
            $($u { dst: Slot, src: Slot },)*
            $($ut { dst: Slot, src: Slot },)*
            $($b { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bi { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bii { dst: Slot, lhs: Slot, imm: u32 },)*
            $($bt { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($bti { dst: Slot, lhs: Slot, imm: u32 },)*
            $($l { dst: Slot, addr: Slot, offset: u32 },)*
            $($lx { dst: Slot, base: Slot, index: Slot },)*
            $($s { addr: Slot, value: Slot, offset: u32 },)*
            $($si { addr: Slot, value: u32, offset: u32 },)*
            $($vu { dst: Slot, src: Slot },)*
            $($vb { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($vs { dst: Slot, lhs: Slot, rhs: Slot },)*
            $($vt { dst: Slot, src: Slot },)*
            $($vp { dst: Slot, src: Slot },)*
            $($ve { dst: Slot, src: Slot, lane: u32 },)*
            $($vr { dst: Slot, src: Slot, value: Slot },)*
            $($vl { dst: Slot, addr: Slot, offset: u32 },)*
            $($vll { dst: Slot, addr: Slot, offset: u32 },)*
            $($vsl { addr: Slot, value: Slot, offset: u32 },)*
            V128Store { addr: Slot, value: Slot, offset: u32 },
            /// Followed by `Arg { a: mask, .. }`.
            V128Bitselect { dst: Slot, lhs: Slot, rhs: Slot },
            /// Followed by two `Arg`s holding the 16 lane indices.
            I8x16Shuffle { dst: Slot, lhs: Slot, rhs: Slot },
            $($cb { lhs: Slot, rhs: Slot, target: u32 },)*
            $($cbi { lhs: Slot, imm: u32, target: u32 },)*
            // The accumulator forms (see the module documentation): the operand named
            // last in the name comes from the result of the instruction just before.
            $($ba { dst: Slot, rhs: Slot },)*
            $($bia { dst: Slot, rhs: Slot },)*
            $($biia { dst: Slot, imm: u32 },)*
            $($bta { dst: Slot, rhs: Slot },)*
            $($btia { dst: Slot, imm: u32 },)*
            $($la { dst: Slot, offset: u32 },)*
            /// The accumulator is `base`.
            $($lxa { dst: Slot, index: Slot },)*
            $($sa { value: Slot, offset: u32 },)*
            $($sia { value: u32, offset: u32 },)*
            /// The accumulator is the value stored.
            $($sva { addr: Slot, offset: u32 },)*
            /// The accumulator is `base`.
            I32AddShl2Acc { dst: Slot, index: Slot },
            I32AddShl3Acc { dst: Slot, index: Slot },
            /// The accumulator is `index`.
            I32AccShl2 { dst: Slot, base: Slot },
            I32AccShl3 { dst: Slot, base: Slot },
            GlobalSetAcc { index: u32 },
            /// `BrTable` on the accumulator; the `Br`s follow as for `BrTable`.
            BrTableAcc { len: u32 },
            $($cba { rhs: Slot, target: u32 },)*
            $($cbia { imm: u32, target: u32 },)*
            BrIfNezAcc { target: u32 },
            BrIfEqzAcc { target: u32 },
        }

        /// Where a branch instruction jumps: an instruction index during translation,
        /// a byte offset from the branch itself (an `i32`) in finished code (see
        /// [`relative_targets`]). `BrTable`'s targets are in the `Br`s that follow it.
        pub fn branch_target(op: &mut Op) -> Option<&mut u32> {
            match op {
                Op::Br { target }
                | Op::CopyBr { target, .. }
                | Op::BrIfNez { target, .. }
                | Op::BrIfEqz { target, .. }
                $(| Op::$cb { target, .. })*
                $(| Op::$cbi { target, .. })*
                | Op::BrIfNezAcc { target }
                | Op::BrIfEqzAcc { target }
                $(| Op::$cba { target, .. })*
                $(| Op::$cbia { target, .. })* => Some(target),
                _ => None,
            }
        }

        /// The slot whose value an instruction also leaves in the accumulator, for an
        /// accumulator form right after it to read.
        pub fn acc_result(op: &Op) -> Option<Slot> {
            match *op {
                $(Op::$u { dst, .. })|*
                | $(Op::$ut { dst, .. })|*
                | $(Op::$b { dst, .. })|*
                | $(Op::$ba { dst, .. })|*
                | $(Op::$bi { dst, .. })|*
                | $(Op::$bia { dst, .. })|*
                | $(Op::$bii { dst, .. })|*
                | $(Op::$biia { dst, .. })|*
                | $(Op::$bt { dst, .. })|*
                | $(Op::$bta { dst, .. })|*
                | $(Op::$bti { dst, .. })|*
                | $(Op::$btia { dst, .. })|*
                | $(Op::$l { dst, .. })|*
                | $(Op::$la { dst, .. })|*
                | $(Op::$lx { dst, .. })|*
                | $(Op::$lxa { dst, .. })|*
                | Op::Copy { dst, .. }
                | Op::I32AddShl2 { dst, .. }
                | Op::I32AddShl3 { dst, .. }
                | Op::I32AddShl2Acc { dst, .. }
                | Op::I32AddShl3Acc { dst, .. }
                | Op::I32AccShl2 { dst, .. }
                | Op::I32AccShl3 { dst, .. }
                | Op::Const32 { dst, .. }
                | Op::Const64 { dst, .. }
                | Op::GlobalGet { dst, .. } => Some(dst),
                _ => None,
            }
        }

        /// `op` reading its first operand from the accumulator instead of slot `x`, if
        /// that operand is `x` and `op` has such a form. Commutative instructions whose
        /// second operand is `x` swap their operands.
        pub fn acc_form(op: Op, x: Slot) -> Option<Op> {
            Some(match op {
                $(Op::$b { dst, lhs, rhs } if lhs == x => Op::$ba { dst, rhs },)*
                $(Op::$bi { dst, lhs, rhs } if lhs == x => Op::$bia { dst, rhs },)*
                $(Op::$bii { dst, lhs, imm } if lhs == x => Op::$biia { dst, imm },)*
                $(Op::$bt { dst, lhs, rhs } if lhs == x => Op::$bta { dst, rhs },)*
                $(Op::$bti { dst, lhs, imm } if lhs == x => Op::$btia { dst, imm },)*
                $(Op::$l { dst, addr, offset } if addr == x => Op::$la { dst, offset },)*
                $(Op::$lx { dst, base, index } if base == x => Op::$lxa { dst, index },)*
                $(Op::$lx { dst, base, index } if index == x => Op::$lxa { dst, index: base },)*
                $(Op::$s { addr, value, offset } if addr == x => Op::$sa { value, offset },)*
                $(Op::$si { addr, value, offset } if addr == x => Op::$sia { value, offset },)*
                $(Op::$s { addr, value, offset } if value == x => Op::$sva { addr, offset },)*
                Op::I32AddShl2 { dst, base, index } if base == x => {
                    Op::I32AddShl2Acc { dst, index }
                }
                Op::I32AddShl3 { dst, base, index } if base == x => {
                    Op::I32AddShl3Acc { dst, index }
                }
                Op::I32AddShl2 { dst, base, index } if index == x => Op::I32AccShl2 { dst, base },
                Op::I32AddShl3 { dst, base, index } if index == x => Op::I32AccShl3 { dst, base },
                Op::GlobalSet { src, index } if src == x => Op::GlobalSetAcc { index },
                Op::BrTable { index, len } if index == x => Op::BrTableAcc { len },
                $(Op::$cb { lhs, rhs, target } if lhs == x => Op::$cba { rhs, target },)*
                $(Op::$cbi { lhs, imm, target } if lhs == x => Op::$cbia { imm, target },)*
                Op::BrIfNez { cond, target } if cond == x => Op::BrIfNezAcc { target },
                Op::BrIfEqz { cond, target } if cond == x => Op::BrIfEqzAcc { target },
                _ => return swapped(op, x),
            })
        }
    };
}
for_each_instr!(define_ops);

/// Turns branch targets from instruction indices into byte offsets from the branch
/// itself. A taken branch is then one load and one addition to `ip`: that chain is the
/// critical path of a tight loop, and scaling an index by the size of an `Op` would
/// lengthen it by a shift.
pub fn relative_targets(ops: &mut [Op]) {
    for (i, op) in ops.iter_mut().enumerate() {
        if let Some(t) = branch_target(op) {
            *t = ((*t as i64 - i as i64) * OP_BYTES) as i32 as u32;
        }
    }
}

/// The inverse of [`relative_targets`], for tools and tests that show where branches land.
pub fn absolute_targets(ops: &mut [Op]) {
    for (i, op) in ops.iter_mut().enumerate() {
        if let Some(t) = branch_target(op) {
            *t = (i as i64 + *t as i32 as i64 / OP_BYTES) as u32;
        }
    }
}

/// `acc_form` for a commutative instruction whose second operand is `x`.
fn swapped(op: Op, x: Slot) -> Option<Op> {
    macro_rules! commutative {
        ($($name:ident)*) => {
            match op {
                $(Op::$name { dst, lhs, rhs } if rhs == x => Some(Op::$name { dst, lhs: rhs, rhs: lhs }),)*
                _ => None,
            }
        };
    }
    // Compare-and-branch with the operands swapped: `a < b` is `b > a`.
    macro_rules! mirrored {
        ($($name:ident $mirror:ident)*) => {
            match op {
                $(Op::$name { lhs, rhs, target } if rhs == x => Some(Op::$mirror { lhs: rhs, rhs: lhs, target }),)*
                _ => None,
            }
        };
    }
    let op = commutative!(
        I32Add I32Mul I32And I32Or I32Xor I32Eq I32Ne
        I64Add I64Mul I64And I64Or I64Xor I64Eq I64Ne
        F32Add F32Mul F32Eq F32Ne F64Add F64Mul F64Eq F64Ne
    )
    .or_else(|| {
        mirrored!(
            BrI32Eq BrI32Eq BrI32Ne BrI32Ne BrI32LtS BrI32GtS BrI32LtU BrI32GtU
            BrI32GtS BrI32LtS BrI32GtU BrI32LtU BrI32LeS BrI32GeS BrI32LeU BrI32GeU
            BrI32GeS BrI32LeS BrI32GeU BrI32LeU
            BrI64Eq BrI64Eq BrI64Ne BrI64Ne BrI64LtS BrI64GtS BrI64LtU BrI64GtU
            BrI64GtS BrI64LtS BrI64GtU BrI64LtU BrI64LeS BrI64GeS BrI64LeU BrI64GeU
            BrI64GeS BrI64LeS BrI64GeU BrI64LeU
        )
    })?;
    acc_form(op, x)
}

const OP_BYTES: i64 = core::mem::size_of::<Op>() as i64;

#[cfg(test)]
mod tests {
    #[test]
    fn op_is_sixteen_bytes() {
        assert!(core::mem::size_of::<super::Op>() <= 16);
    }

    #[test]
    fn templates_are_in_discriminant_order_and_operands_round_trip() {
        use super::{Op, TEMPLATES};
        assert!(TEMPLATES.len() > 700);
        for (i, t) in TEMPLATES.iter().enumerate() {
            assert_eq!(crate::op_tag(t) as usize, i, "{t:?}");
            let (_, n) = t.operands();
            let v: alloc::vec::Vec<u64> = (0..n as u64).map(|k| 1000 + k).collect();
            assert_eq!(super::OPERAND_COUNTS[i] as usize, n);
            let op = t.with_operands(&v).unwrap();
            assert_eq!(
                crate::exec::op_with_operands(i as u16, &v),
                Some(op),
                "{op:?}"
            );
            assert_eq!(op.operands().0[..n], v[..], "{op:?}");
            assert_eq!(crate::op_tag(&op), crate::op_tag(t));
            if n > 0 {
                assert_eq!(t.with_operands(&v[..n - 1]), None, "too few");
                assert_eq!(crate::exec::op_with_operands(i as u16, &v[..n - 1]), None);
            }
        }
        let c = Op::Const64 {
            dst: 3,
            value: u64::MAX,
        };
        assert_eq!(c.operands(), ([3, u64::MAX, 0], 2));
        let tag = crate::op_tag(&c);
        assert_eq!(crate::exec::op_with_operands(tag, &[3, u64::MAX]), Some(c));
        assert_eq!(
            crate::exec::op_with_operands(TEMPLATES.len() as u16, &[]),
            None
        );
        let too_big = Op::Const32 { dst: 0, value: 0 }.with_operands(&[1, 1 << 40]);
        assert_eq!(too_big, None, "an operand that does not fit is refused");
        let tag = crate::op_tag(&Op::Const32 { dst: 0, value: 0 });
        assert_eq!(crate::exec::op_with_operands(tag, &[1, 1 << 40]), None);
    }
}
