//! Integer lane arithmetic, comparisons, shifts, narrowing and widening.

use super::lanes::*;
use core::array::from_fn;

/// `name(a, b)`: the same operation on every pair of lanes.
macro_rules! lanewise2 {
    ($($name:ident $to:ident $from:ident |$a:ident, $b:ident| $e:expr;)*) => {$(
        pub fn $name(x: u128, y: u128) -> u128 {
            let (xs, ys) = ($to(x), $to(y));
            $from(from_fn(|i| {
                let ($a, $b) = (xs[i], ys[i]);
                $e
            }))
        }
    )*};
}
macro_rules! lanewise1 {
    ($($name:ident $to:ident $from:ident |$a:ident| $e:expr;)*) => {$(
        pub fn $name(x: u128) -> u128 {
            $from($to(x).map(|$a| $e))
        }
    )*};
}
/// Comparisons give all-ones lanes for true, zero for false.
macro_rules! compare {
    ($($name:ident $to:ident $from:ident $ones:expr, |$a:ident, $b:ident| $e:expr;)*) => {$(
        pub fn $name(x: u128, y: u128) -> u128 {
            let (xs, ys) = ($to(x), $to(y));
            $from(from_fn(|i| {
                let ($a, $b) = (xs[i], ys[i]);
                if $e { $ones } else { 0 }
            }))
        }
    )*};
}
/// Shifts take the count modulo the lane width.
macro_rules! shift {
    ($($name:ident $to:ident $from:ident $op:ident;)*) => {$(
        pub fn $name(x: u128, s: u64) -> u128 {
            $from($to(x).map(|a| a.$op(s as u32)))
        }
    )*};
}
macro_rules! tests {
    ($($all:ident $mask:ident $to:ident;)*) => {$(
        pub fn $all(x: u128) -> u64 {
            $to(x).iter().all(|a| *a != 0) as u64
        }
        pub fn $mask(x: u128) -> u64 {
            $to(x)
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, a)| m | ((*a < 0) as u64) << i)
        }
    )*};
}

compare! {
    i8x16_eq u8s from_u8s u8::MAX, |a, b| a == b;
    i8x16_ne u8s from_u8s u8::MAX, |a, b| a != b;
    i8x16_lt_s i8s from_i8s -1, |a, b| a < b;
    i8x16_lt_u u8s from_u8s u8::MAX, |a, b| a < b;
    i8x16_gt_s i8s from_i8s -1, |a, b| a > b;
    i8x16_gt_u u8s from_u8s u8::MAX, |a, b| a > b;
    i8x16_le_s i8s from_i8s -1, |a, b| a <= b;
    i8x16_le_u u8s from_u8s u8::MAX, |a, b| a <= b;
    i8x16_ge_s i8s from_i8s -1, |a, b| a >= b;
    i8x16_ge_u u8s from_u8s u8::MAX, |a, b| a >= b;
    i16x8_eq u16s from_u16s u16::MAX, |a, b| a == b;
    i16x8_ne u16s from_u16s u16::MAX, |a, b| a != b;
    i16x8_lt_s i16s from_i16s -1, |a, b| a < b;
    i16x8_lt_u u16s from_u16s u16::MAX, |a, b| a < b;
    i16x8_gt_s i16s from_i16s -1, |a, b| a > b;
    i16x8_gt_u u16s from_u16s u16::MAX, |a, b| a > b;
    i16x8_le_s i16s from_i16s -1, |a, b| a <= b;
    i16x8_le_u u16s from_u16s u16::MAX, |a, b| a <= b;
    i16x8_ge_s i16s from_i16s -1, |a, b| a >= b;
    i16x8_ge_u u16s from_u16s u16::MAX, |a, b| a >= b;
    i32x4_eq u32s from_u32s u32::MAX, |a, b| a == b;
    i32x4_ne u32s from_u32s u32::MAX, |a, b| a != b;
    i32x4_lt_s i32s from_i32s -1, |a, b| a < b;
    i32x4_lt_u u32s from_u32s u32::MAX, |a, b| a < b;
    i32x4_gt_s i32s from_i32s -1, |a, b| a > b;
    i32x4_gt_u u32s from_u32s u32::MAX, |a, b| a > b;
    i32x4_le_s i32s from_i32s -1, |a, b| a <= b;
    i32x4_le_u u32s from_u32s u32::MAX, |a, b| a <= b;
    i32x4_ge_s i32s from_i32s -1, |a, b| a >= b;
    i32x4_ge_u u32s from_u32s u32::MAX, |a, b| a >= b;
    i64x2_eq i64s from_i64s -1, |a, b| a == b;
    i64x2_ne i64s from_i64s -1, |a, b| a != b;
    i64x2_lt_s i64s from_i64s -1, |a, b| a < b;
    i64x2_gt_s i64s from_i64s -1, |a, b| a > b;
    i64x2_le_s i64s from_i64s -1, |a, b| a <= b;
    i64x2_ge_s i64s from_i64s -1, |a, b| a >= b;
}

lanewise1! {
    i8x16_abs i8s from_i8s |a| a.wrapping_abs();
    i8x16_neg i8s from_i8s |a| a.wrapping_neg();
    i8x16_popcnt u8s from_u8s |a| a.count_ones() as u8;
    i16x8_abs i16s from_i16s |a| a.wrapping_abs();
    i16x8_neg i16s from_i16s |a| a.wrapping_neg();
    i32x4_abs i32s from_i32s |a| a.wrapping_abs();
    i32x4_neg i32s from_i32s |a| a.wrapping_neg();
    i64x2_abs i64s from_i64s |a| a.wrapping_abs();
    i64x2_neg i64s from_i64s |a| a.wrapping_neg();
}

lanewise2! {
    i8x16_add i8s from_i8s |a, b| a.wrapping_add(b);
    i8x16_add_sat_s i8s from_i8s |a, b| a.saturating_add(b);
    i8x16_add_sat_u u8s from_u8s |a, b| a.saturating_add(b);
    i8x16_sub i8s from_i8s |a, b| a.wrapping_sub(b);
    i8x16_sub_sat_s i8s from_i8s |a, b| a.saturating_sub(b);
    i8x16_sub_sat_u u8s from_u8s |a, b| a.saturating_sub(b);
    i8x16_min_s i8s from_i8s |a, b| a.min(b);
    i8x16_min_u u8s from_u8s |a, b| a.min(b);
    i8x16_max_s i8s from_i8s |a, b| a.max(b);
    i8x16_max_u u8s from_u8s |a, b| a.max(b);
    i8x16_avgr_u u8s from_u8s |a, b| ((a as u16 + b as u16).div_ceil(2)) as u8;
    i16x8_add i16s from_i16s |a, b| a.wrapping_add(b);
    i16x8_add_sat_s i16s from_i16s |a, b| a.saturating_add(b);
    i16x8_add_sat_u u16s from_u16s |a, b| a.saturating_add(b);
    i16x8_sub i16s from_i16s |a, b| a.wrapping_sub(b);
    i16x8_sub_sat_s i16s from_i16s |a, b| a.saturating_sub(b);
    i16x8_sub_sat_u u16s from_u16s |a, b| a.saturating_sub(b);
    i16x8_mul i16s from_i16s |a, b| a.wrapping_mul(b);
    i16x8_min_s i16s from_i16s |a, b| a.min(b);
    i16x8_min_u u16s from_u16s |a, b| a.min(b);
    i16x8_max_s i16s from_i16s |a, b| a.max(b);
    i16x8_max_u u16s from_u16s |a, b| a.max(b);
    i16x8_avgr_u u16s from_u16s |a, b| ((a as u32 + b as u32).div_ceil(2)) as u16;
    i16x8_q15mulr_sat_s i16s from_i16s |a, b| {
        let p = (a as i32 * b as i32 + 0x4000) >> 15;
        p.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    };
    i32x4_add i32s from_i32s |a, b| a.wrapping_add(b);
    i32x4_sub i32s from_i32s |a, b| a.wrapping_sub(b);
    i32x4_mul i32s from_i32s |a, b| a.wrapping_mul(b);
    i32x4_min_s i32s from_i32s |a, b| a.min(b);
    i32x4_min_u u32s from_u32s |a, b| a.min(b);
    i32x4_max_s i32s from_i32s |a, b| a.max(b);
    i32x4_max_u u32s from_u32s |a, b| a.max(b);
    i64x2_add i64s from_i64s |a, b| a.wrapping_add(b);
    i64x2_sub i64s from_i64s |a, b| a.wrapping_sub(b);
    i64x2_mul i64s from_i64s |a, b| a.wrapping_mul(b);
}

shift! {
    i8x16_shl i8s from_i8s wrapping_shl;
    i8x16_shr_s i8s from_i8s wrapping_shr;
    i8x16_shr_u u8s from_u8s wrapping_shr;
    i16x8_shl i16s from_i16s wrapping_shl;
    i16x8_shr_s i16s from_i16s wrapping_shr;
    i16x8_shr_u u16s from_u16s wrapping_shr;
    i32x4_shl i32s from_i32s wrapping_shl;
    i32x4_shr_s i32s from_i32s wrapping_shr;
    i32x4_shr_u u32s from_u32s wrapping_shr;
    i64x2_shl i64s from_i64s wrapping_shl;
    i64x2_shr_s i64s from_i64s wrapping_shr;
    i64x2_shr_u u64s from_u64s wrapping_shr;
}

tests! {
    i8x16_all_true i8x16_bitmask i8s;
    i16x8_all_true i16x8_bitmask i16s;
    i32x4_all_true i32x4_bitmask i32s;
    i64x2_all_true i64x2_bitmask i64s;
}

/// Narrowing: the lanes of `a` then of `b`, saturated to the narrower type.
pub fn i8x16_narrow_i16x8_s(a: u128, b: u128) -> u128 {
    let (a, b) = (i16s(a), i16s(b));
    from_i8s(from_fn(|i| {
        let x = if i < 8 { a[i] } else { b[i - 8] };
        x.clamp(i8::MIN as i16, i8::MAX as i16) as i8
    }))
}
pub fn i8x16_narrow_i16x8_u(a: u128, b: u128) -> u128 {
    let (a, b) = (i16s(a), i16s(b));
    from_u8s(from_fn(|i| {
        let x = if i < 8 { a[i] } else { b[i - 8] };
        x.clamp(0, u8::MAX as i16) as u8
    }))
}
pub fn i16x8_narrow_i32x4_s(a: u128, b: u128) -> u128 {
    let (a, b) = (i32s(a), i32s(b));
    from_i16s(from_fn(|i| {
        let x = if i < 4 { a[i] } else { b[i - 4] };
        x.clamp(i16::MIN as i32, i16::MAX as i32) as i16
    }))
}
pub fn i16x8_narrow_i32x4_u(a: u128, b: u128) -> u128 {
    let (a, b) = (i32s(a), i32s(b));
    from_u16s(from_fn(|i| {
        let x = if i < 4 { a[i] } else { b[i - 4] };
        x.clamp(0, u16::MAX as i32) as u16
    }))
}

/// Widening of the low or high half of the lanes.
macro_rules! extend {
    ($($name:ident $to:ident $from:ident $wide:ty, $half:literal, $off:literal;)*) => {$(
        pub fn $name(x: u128) -> u128 {
            let a = $to(x);
            $from(from_fn(|i| a[i + $off] as $wide))
        }
    )*};
}
extend! {
    i16x8_extend_low_i8x16_s i8s from_i16s i16, 8, 0;
    i16x8_extend_high_i8x16_s i8s from_i16s i16, 8, 8;
    i16x8_extend_low_i8x16_u u8s from_i16s i16, 8, 0;
    i16x8_extend_high_i8x16_u u8s from_i16s i16, 8, 8;
    i32x4_extend_low_i16x8_s i16s from_i32s i32, 4, 0;
    i32x4_extend_high_i16x8_s i16s from_i32s i32, 4, 4;
    i32x4_extend_low_i16x8_u u16s from_i32s i32, 4, 0;
    i32x4_extend_high_i16x8_u u16s from_i32s i32, 4, 4;
    i64x2_extend_low_i32x4_s i32s from_i64s i64, 2, 0;
    i64x2_extend_high_i32x4_s i32s from_i64s i64, 2, 2;
    i64x2_extend_low_i32x4_u u32s from_i64s i64, 2, 0;
    i64x2_extend_high_i32x4_u u32s from_i64s i64, 2, 2;
}

/// Widening multiplication of the low or high half of the lanes.
macro_rules! extmul {
    ($($name:ident $to:ident $from:ident $wide:ty, $off:literal;)*) => {$(
        pub fn $name(x: u128, y: u128) -> u128 {
            let (a, b) = ($to(x), $to(y));
            $from(from_fn(|i| (a[i + $off] as $wide).wrapping_mul(b[i + $off] as $wide)))
        }
    )*};
}
extmul! {
    i16x8_extmul_low_i8x16_s i8s from_i16s i16, 0;
    i16x8_extmul_high_i8x16_s i8s from_i16s i16, 8;
    i16x8_extmul_low_i8x16_u u8s from_u16s u16, 0;
    i16x8_extmul_high_i8x16_u u8s from_u16s u16, 8;
    i32x4_extmul_low_i16x8_s i16s from_i32s i32, 0;
    i32x4_extmul_high_i16x8_s i16s from_i32s i32, 4;
    i32x4_extmul_low_i16x8_u u16s from_u32s u32, 0;
    i32x4_extmul_high_i16x8_u u16s from_u32s u32, 4;
    i64x2_extmul_low_i32x4_s i32s from_i64s i64, 0;
    i64x2_extmul_high_i32x4_s i32s from_i64s i64, 2;
    i64x2_extmul_low_i32x4_u u32s from_u64s u64, 0;
    i64x2_extmul_high_i32x4_u u32s from_u64s u64, 2;
}

/// Sums of adjacent lane pairs, widened.
macro_rules! extadd_pairwise {
    ($($name:ident $to:ident $from:ident $wide:ty;)*) => {$(
        pub fn $name(x: u128) -> u128 {
            let a = $to(x);
            $from(from_fn(|i| (a[2 * i] as $wide).wrapping_add(a[2 * i + 1] as $wide)))
        }
    )*};
}
extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s i8s from_i16s i16;
    i16x8_extadd_pairwise_i8x16_u u8s from_u16s u16;
    i32x4_extadd_pairwise_i16x8_s i16s from_i32s i32;
    i32x4_extadd_pairwise_i16x8_u u16s from_u32s u32;
}

pub fn i32x4_dot_i16x8_s(x: u128, y: u128) -> u128 {
    let (a, b) = (i16s(x), i16s(y));
    from_i32s(from_fn(|i| {
        (a[2 * i] as i32 * b[2 * i] as i32).wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
    }))
}
