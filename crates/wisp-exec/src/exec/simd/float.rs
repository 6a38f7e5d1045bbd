//! Floating-point lanes. Each lane follows the scalar instruction's semantics (IEEE 754
//! and the spec's NaN rules), so the scalar functions are reused on every lane.

use super::lanes::*;
use crate::exec::numeric as n;
use core::array::from_fn;

/// `name(a)` / `name(a, b)` lifting scalar `f32`/`f64` functions over cells to lanes.
macro_rules! lift {
    ($($name:ident $bits:ident $from:ident $t:ty: $f:path, $arity:tt;)*) => {$(
        lift!(@ $arity $name $bits $from $t, $f);
    )*};
    (@ 1 $name:ident $bits:ident $from:ident $t:ty, $f:path) => {
        pub fn $name(x: u128) -> u128 {
            $from($bits(x).map(|a| $f(a as u64) as $t))
        }
    };
    (@ 2 $name:ident $bits:ident $from:ident $t:ty, $f:path) => {
        pub fn $name(x: u128, y: u128) -> u128 {
            let (a, b) = ($bits(x), $bits(y));
            $from(from_fn(|i| $f(a[i] as u64, b[i] as u64) as $t))
        }
    };
}
lift! {
    f32x4_abs u32s from_u32s u32: n::f32_abs, 1;
    f32x4_neg u32s from_u32s u32: n::f32_neg, 1;
    f32x4_sqrt u32s from_u32s u32: n::f32_sqrt, 1;
    f32x4_ceil u32s from_u32s u32: n::f32_ceil, 1;
    f32x4_floor u32s from_u32s u32: n::f32_floor, 1;
    f32x4_trunc u32s from_u32s u32: n::f32_trunc, 1;
    f32x4_nearest u32s from_u32s u32: n::f32_nearest, 1;
    f32x4_add u32s from_u32s u32: n::f32_add, 2;
    f32x4_sub u32s from_u32s u32: n::f32_sub, 2;
    f32x4_mul u32s from_u32s u32: n::f32_mul, 2;
    f32x4_div u32s from_u32s u32: n::f32_div, 2;
    f32x4_min u32s from_u32s u32: n::f32_min, 2;
    f32x4_max u32s from_u32s u32: n::f32_max, 2;
    f64x2_abs u64s from_u64s u64: n::f64_abs, 1;
    f64x2_neg u64s from_u64s u64: n::f64_neg, 1;
    f64x2_sqrt u64s from_u64s u64: n::f64_sqrt, 1;
    f64x2_ceil u64s from_u64s u64: n::f64_ceil, 1;
    f64x2_floor u64s from_u64s u64: n::f64_floor, 1;
    f64x2_trunc u64s from_u64s u64: n::f64_trunc, 1;
    f64x2_nearest u64s from_u64s u64: n::f64_nearest, 1;
    f64x2_add u64s from_u64s u64: n::f64_add, 2;
    f64x2_sub u64s from_u64s u64: n::f64_sub, 2;
    f64x2_mul u64s from_u64s u64: n::f64_mul, 2;
    f64x2_div u64s from_u64s u64: n::f64_div, 2;
    f64x2_min u64s from_u64s u64: n::f64_min, 2;
    f64x2_max u64s from_u64s u64: n::f64_max, 2;
}

/// Comparisons give all-ones lanes for true.
macro_rules! compare {
    ($($name:ident $view:ident $from:ident $ones:expr, |$a:ident, $b:ident| $e:expr;)*) => {$(
        pub fn $name(x: u128, y: u128) -> u128 {
            let (xs, ys) = ($view(x), $view(y));
            $from(from_fn(|i| {
                let ($a, $b) = (xs[i], ys[i]);
                if $e { $ones } else { 0 }
            }))
        }
    )*};
}
compare! {
    f32x4_eq f32s from_u32s u32::MAX, |a, b| a == b;
    f32x4_ne f32s from_u32s u32::MAX, |a, b| a != b;
    f32x4_lt f32s from_u32s u32::MAX, |a, b| a < b;
    f32x4_gt f32s from_u32s u32::MAX, |a, b| a > b;
    f32x4_le f32s from_u32s u32::MAX, |a, b| a <= b;
    f32x4_ge f32s from_u32s u32::MAX, |a, b| a >= b;
    f64x2_eq f64s from_u64s u64::MAX, |a, b| a == b;
    f64x2_ne f64s from_u64s u64::MAX, |a, b| a != b;
    f64x2_lt f64s from_u64s u64::MAX, |a, b| a < b;
    f64x2_gt f64s from_u64s u64::MAX, |a, b| a > b;
    f64x2_le f64s from_u64s u64::MAX, |a, b| a <= b;
    f64x2_ge f64s from_u64s u64::MAX, |a, b| a >= b;
}

/// Pseudo-minimum and -maximum: `b < a ? b : a`, with no NaN or zero-sign rules.
pub fn f32x4_pmin(x: u128, y: u128) -> u128 {
    let (a, b) = (f32s(x), f32s(y));
    from_f32s(from_fn(|i| if b[i] < a[i] { b[i] } else { a[i] }))
}
pub fn f32x4_pmax(x: u128, y: u128) -> u128 {
    let (a, b) = (f32s(x), f32s(y));
    from_f32s(from_fn(|i| if a[i] < b[i] { b[i] } else { a[i] }))
}
pub fn f64x2_pmin(x: u128, y: u128) -> u128 {
    let (a, b) = (f64s(x), f64s(y));
    from_f64s(from_fn(|i| if b[i] < a[i] { b[i] } else { a[i] }))
}
pub fn f64x2_pmax(x: u128, y: u128) -> u128 {
    let (a, b) = (f64s(x), f64s(y));
    from_f64s(from_fn(|i| if a[i] < b[i] { b[i] } else { a[i] }))
}

pub fn i32x4_trunc_sat_f32x4_s(x: u128) -> u128 {
    from_i32s(f32s(x).map(|a| a as i32))
}
pub fn i32x4_trunc_sat_f32x4_u(x: u128) -> u128 {
    from_u32s(f32s(x).map(|a| a as u32))
}
pub fn i32x4_trunc_sat_f64x2_s_zero(x: u128) -> u128 {
    let a = f64s(x);
    from_i32s([a[0] as i32, a[1] as i32, 0, 0])
}
pub fn i32x4_trunc_sat_f64x2_u_zero(x: u128) -> u128 {
    let a = f64s(x);
    from_u32s([a[0] as u32, a[1] as u32, 0, 0])
}
pub fn f32x4_convert_i32x4_s(x: u128) -> u128 {
    from_f32s(i32s(x).map(|a| a as f32))
}
pub fn f32x4_convert_i32x4_u(x: u128) -> u128 {
    from_f32s(u32s(x).map(|a| a as f32))
}
pub fn f64x2_convert_low_i32x4_s(x: u128) -> u128 {
    let a = i32s(x);
    from_f64s([a[0] as f64, a[1] as f64])
}
pub fn f64x2_convert_low_i32x4_u(x: u128) -> u128 {
    let a = u32s(x);
    from_f64s([a[0] as f64, a[1] as f64])
}
pub fn f32x4_demote_f64x2_zero(x: u128) -> u128 {
    let a = u64s(x);
    let lo = n::f32_demote_f64(a[0]) as u32;
    let hi = n::f32_demote_f64(a[1]) as u32;
    from_u32s([lo, hi, 0, 0])
}
pub fn f64x2_promote_low_f32x4(x: u128) -> u128 {
    let a = u32s(x);
    from_u64s([
        n::f64_promote_f32(a[0] as u64),
        n::f64_promote_f32(a[1] as u64),
    ])
}
