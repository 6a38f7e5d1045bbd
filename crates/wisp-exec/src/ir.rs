//! Wisp's internal instruction set.
//!
//! A function body is translated once into a flat `[Op]`. Operands are *slots*: cells of
//! the function's frame, addressed relative to the frame base. The frame holds the
//! parameters, then the declared locals, then one slot per operand-stack height, so an
//! instruction names where its inputs are and where its result goes, and most
//! `local.get`s and constants cost no instruction at all. Branch targets are absolute
//! indices into the function's code, resolved at translation time.
//!
//! Every variant fits in 16 bytes (a test checks it); the few instructions that need
//! more operands take them from a following [`Op::Arg`], which is never executed.

/// A frame-relative cell index.
pub type Slot = u32;

/// Lists the numeric and memory instructions by kind, with the names of their wasmparser
/// operator, Wisp's immediate-operand variant where there is one, and their semantics
/// function in `exec::numeric` (or their access width). Every consumer (the enum, the translator, the dispatch loop) expands
/// this one list, so they cannot drift apart.
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
                F32Eq f32_eq, F32Ne f32_ne, F32Lt f32_lt, F32Gt f32_gt, F32Le f32_le,
                F32Ge f32_ge, F32Add f32_add, F32Sub f32_sub, F32Mul f32_mul,
                F32Div f32_div, F32Min f32_min, F32Max f32_max, F32Copysign f32_copysign,
                F64Eq f64_eq, F64Ne f64_ne, F64Lt f64_lt, F64Gt f64_gt, F64Le f64_le,
                F64Ge f64_ge, F64Add f64_add, F64Sub f64_sub, F64Mul f64_mul,
                F64Div f64_div, F64Min f64_min, F64Max f64_max, F64Copysign f64_copysign,
            ],
            // `i32` immediates are the value; `i64` ones are sign-extended from 32 bits.
            binary_imm: [
                I32Eq I32EqImm i32_eq, I32Ne I32NeImm i32_ne, I32LtS I32LtSImm i32_lt_s,
                I32LtU I32LtUImm i32_lt_u, I32GtS I32GtSImm i32_gt_s,
                I32GtU I32GtUImm i32_gt_u, I32LeS I32LeSImm i32_le_s,
                I32LeU I32LeUImm i32_le_u, I32GeS I32GeSImm i32_ge_s,
                I32GeU I32GeUImm i32_ge_u, I32Add I32AddImm i32_add,
                I32Sub I32SubImm i32_sub, I32Mul I32MulImm i32_mul,
                I32And I32AndImm i32_and, I32Or I32OrImm i32_or, I32Xor I32XorImm i32_xor,
                I32Shl I32ShlImm i32_shl, I32ShrS I32ShrSImm i32_shr_s,
                I32ShrU I32ShrUImm i32_shr_u, I32Rotl I32RotlImm i32_rotl,
                I32Rotr I32RotrImm i32_rotr,
                I64Eq I64EqImm i64_eq, I64Ne I64NeImm i64_ne, I64LtS I64LtSImm i64_lt_s,
                I64LtU I64LtUImm i64_lt_u, I64GtS I64GtSImm i64_gt_s,
                I64GtU I64GtUImm i64_gt_u, I64LeS I64LeSImm i64_le_s,
                I64LeU I64LeUImm i64_le_u, I64GeS I64GeSImm i64_ge_s,
                I64GeU I64GeUImm i64_ge_u, I64Add I64AddImm i64_add,
                I64Sub I64SubImm i64_sub, I64Mul I64MulImm i64_mul,
                I64And I64AndImm i64_and, I64Or I64OrImm i64_or, I64Xor I64XorImm i64_xor,
                I64Shl I64ShlImm i64_shl, I64ShrS I64ShrSImm i64_shr_s,
                I64ShrU I64ShrUImm i64_shr_u, I64Rotl I64RotlImm i64_rotl,
                I64Rotr I64RotrImm i64_rotr,
            ],
            binary_imm_trap: [
                I32DivS I32DivSImm i32_div_s, I32DivU I32DivUImm i32_div_u,
                I32RemS I32RemSImm i32_rem_s, I32RemU I32RemUImm i32_rem_u,
                I64DivS I64DivSImm i64_div_s, I64DivU I64DivUImm i64_div_u,
                I64RemS I64RemSImm i64_rem_s, I64RemU I64RemUImm i64_rem_u,
            ],
            // Memory access: width in bytes and, for loads, how the bytes become a cell.
            load: [
                I32Load 4 (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
                I64Load 8 (|b: [u8; 8]| u64::from_le_bytes(b)),
                F32Load 4 (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
                F64Load 8 (|b: [u8; 8]| u64::from_le_bytes(b)),
                I32Load8S 1 (|b: [u8; 1]| b[0] as i8 as i32 as u32 as u64),
                I32Load8U 1 (|b: [u8; 1]| b[0] as u64),
                I32Load16S 2 (|b: [u8; 2]| i16::from_le_bytes(b) as i32 as u32 as u64),
                I32Load16U 2 (|b: [u8; 2]| u16::from_le_bytes(b) as u64),
                I64Load8S 1 (|b: [u8; 1]| b[0] as i8 as i64 as u64),
                I64Load8U 1 (|b: [u8; 1]| b[0] as u64),
                I64Load16S 2 (|b: [u8; 2]| i16::from_le_bytes(b) as i64 as u64),
                I64Load16U 2 (|b: [u8; 2]| u16::from_le_bytes(b) as u64),
                I64Load32S 4 (|b: [u8; 4]| i32::from_le_bytes(b) as i64 as u64),
                I64Load32U 4 (|b: [u8; 4]| u32::from_le_bytes(b) as u64),
            ],
            store: [
                I32Store 4, I64Store 8, F32Store 4, F64Store 8, I32Store8 1, I32Store16 2,
                I64Store8 1, I64Store16 2, I64Store32 4,
            ],
        }
    };
}

macro_rules! define_ops {
    (
        unary: [$($u:ident $uf:ident,)*],
        unary_trap: [$($ut:ident $utf:ident,)*],
        binary: [$($b:ident $bf:ident,)*],
        binary_imm: [$($bi:ident $bii:ident $bif:ident,)*],
        binary_imm_trap: [$($bt:ident $bti:ident $btf:ident,)*],
        load: [$($l:ident $lw:literal $lf:tt,)*],
        store: [$($s:ident $sw:literal,)*],
    ) => {
        /// One instruction of Wisp's IR. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Op {
            /// Operands for the preceding instruction; never executed.
            Arg { a: u32, b: u32 },
            Unreachable,
            /// Charges fuel for the basic block it starts.
            ConsumeFuel { amount: u32 },
            Br { target: u32 },
            BrIfNez { cond: Slot, target: u32 },
            BrIfEqz { cond: Slot, target: u32 },
            /// Followed by `len + 1` `Br`s, the last one the default.
            BrTable { index: Slot, len: u32 },
            /// Results are already in slots `0..n`.
            Return,
            /// The callee's frame starts at `base`, where its arguments are.
            Call { func: u32, base: Slot },
            /// Followed by `Arg { a: table, .. }`.
            CallIndirect { index: Slot, base: Slot, ty: u32 },
            Copy { dst: Slot, src: Slot },
            Const32 { dst: Slot, value: u32 },
            Const64 { dst: Slot, value: u64 },
            /// Followed by `Arg { a: if_false, .. }`.
            Select { dst: Slot, cond: Slot, if_true: Slot },
            GlobalGet { dst: Slot, index: u32 },
            GlobalSet { src: Slot, index: u32 },
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
            $($s { addr: Slot, value: Slot, offset: u32 },)*
        }
    };
}
for_each_instr!(define_ops);

#[cfg(test)]
mod tests {
    #[test]
    fn op_is_sixteen_bytes() {
        assert!(core::mem::size_of::<super::Op>() <= 16);
    }
}
