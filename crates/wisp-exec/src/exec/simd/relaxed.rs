//! Relaxed SIMD: the instructions whose result the spec lets an engine choose among
//! several. Wisp always takes the choice of the spec's deterministic profile, computed
//! in portable Rust, so a program gets the same result on every target (x86, Arm,
//! RISC-V, AVR) and in every dispatch backend.
//! Spec: <https://webassembly.github.io/spec/core/exec/numerics.html#relaxed-operations>
//!
//! Most relaxed instructions are their strict counterpart in that profile and are
//! translated to it (`translate/visit.rs`); what needs its own code is here:
//! - multiply-add is unfused: a product rounded, then a sum rounded; a NaN result is
//!   the positive canonical NaN, as every NaN of that profile is (hosts differ: x86
//!   passes an operand's NaN on with its sign, Arm's soft float makes a positive one);
//! - negated multiply-add is multiply-add of the negated first operand;
//! - the 8-bit dot products read both operands signed, and sum each pair of products
//!   with signed saturation to 16 bits.

use super::float::{f32x4_add, f32x4_mul, f32x4_neg, f64x2_add, f64x2_mul, f64x2_neg};
use super::lanes::{from_i16s, from_i32s, from_u32s, from_u64s, i16s, i32s, i8s, u32s, u64s};
use core::array::from_fn;

/// Each NaN lane made the positive canonical NaN.
fn canonical_f32x4(v: u128) -> u128 {
    from_u32s(u32s(v).map(|x| match f32::from_bits(x).is_nan() {
        true => 0x7fc0_0000,
        false => x,
    }))
}

/// Each NaN lane made the positive canonical NaN.
fn canonical_f64x2(v: u128) -> u128 {
    from_u64s(u64s(v).map(|x| match f64::from_bits(x).is_nan() {
        true => 0x7ff8_0000_0000_0000,
        false => x,
    }))
}

/// `f32x4.relaxed_madd`: `a * b + c`, unfused.
pub fn f32x4_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    canonical_f32x4(f32x4_add(f32x4_mul(a, b), c))
}

/// `f32x4.relaxed_nmadd`: `-a * b + c`, unfused.
pub fn f32x4_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    f32x4_relaxed_madd(f32x4_neg(a), b, c)
}

/// `f64x2.relaxed_madd`: `a * b + c`, unfused.
pub fn f64x2_relaxed_madd(a: u128, b: u128, c: u128) -> u128 {
    canonical_f64x2(f64x2_add(f64x2_mul(a, b), c))
}

/// `f64x2.relaxed_nmadd`: `-a * b + c`, unfused.
pub fn f64x2_relaxed_nmadd(a: u128, b: u128, c: u128) -> u128 {
    f64x2_relaxed_madd(f64x2_neg(a), b, c)
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: each lane the sum of two neighbouring products
/// of signed bytes, saturated to 16 bits.
pub fn i16x8_relaxed_dot_i8x16_i7x16_s(a: u128, b: u128) -> u128 {
    let (x, y) = (i8s(a), i8s(b));
    from_i16s(from_fn(|i| {
        let p = |k: usize| x[k] as i32 * y[k] as i32;
        (p(2 * i) + p(2 * i + 1)).clamp(i16::MIN as i32, i16::MAX as i32) as i16
    }))
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the 16-bit dot product above, its
/// neighbouring lanes summed to 32 bits, plus `c` (wrapping).
pub fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: u128, b: u128, c: u128) -> u128 {
    let (d, c) = (i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b)), i32s(c));
    from_i32s(from_fn(|i| {
        (d[2 * i] as i32 + d[2 * i + 1] as i32).wrapping_add(c[i])
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::simd::lanes::{f32s, from_f32s, from_i8s};

    #[test]
    fn dot_products_saturate_each_pair() {
        let a = from_i8s([-128, -128, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let b = from_i8s([127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let d = i16s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
        assert_eq!(d, [-32512, 32258, 0, 0, 0, 0, 0, 0]);
        // -128 * -128 twice is 32768: one past i16::MAX.
        let m = from_i8s([-128; 16]);
        assert_eq!(i16s(i16x8_relaxed_dot_i8x16_i7x16_s(m, m)), [i16::MAX; 8]);
        let a = from_i8s([
            -128, -128, -128, -128, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        let b = from_i8s([
            127, 127, 127, 127, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0,
        ]);
        let s = i32x4_relaxed_dot_i8x16_i7x16_add_s(a, b, from_i32s([1, 2, 3, 4]));
        assert_eq!(i32s(s), [-65023, 64518, 3, 4]);
    }

    #[test]
    fn multiply_add_rounds_twice() {
        // (1 + 2^-23) * (1 - 2^-23) = 1 - 2^-46: rounded to 1.0 before the add, so
        // adding -1 gives 0, where a fused multiply-add gives -2^-46.
        let a = from_f32s([1.0 + f32::EPSILON; 4]);
        let b = from_f32s([1.0 - f32::EPSILON; 4]);
        let c = from_f32s([-1.0; 4]);
        assert_eq!(f32s(f32x4_relaxed_madd(a, b, c)), [0.0; 4]);
        assert_eq!(
            f32s(f32x4_relaxed_nmadd(a, b, from_f32s([1.0; 4]))),
            [0.0; 4]
        );
    }
}
