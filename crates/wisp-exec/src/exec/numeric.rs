//! Numeric instructions over untyped 64-bit cells.
//! Spec: <https://webassembly.github.io/spec/core/exec/numerics.html>
//!
//! An `i32` or `f32` occupies the low 32 bits of its cell. Operations on 32-bit values
//! read only those bits, so `i32.wrap_i64` and the `reinterpret` instructions cost nothing.

use wisp_types::TrapCode;

type R = Result<u64, TrapCode>;

#[inline(always)]
fn i32_(x: u64) -> i32 {
    x as u32 as i32
}
#[inline(always)]
fn u32_(x: u64) -> u32 {
    x as u32
}
#[inline(always)]
fn c32(v: i32) -> u64 {
    v as u32 as u64
}
#[inline(always)]
fn b(v: bool) -> u64 {
    v as u64
}
#[cfg(not(all(wisp_soft_float, wisp_soft_f32)))]
#[inline(always)]
fn f32_(x: u64) -> f32 {
    f32::from_bits(x as u32)
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
fn f64_(x: u64) -> f64 {
    f64::from_bits(x)
}
#[cfg(not(all(wisp_soft_float, wisp_soft_f32)))]
#[inline(always)]
fn cf32(v: f32) -> u64 {
    v.to_bits() as u64
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
fn cf64(v: f64) -> u64 {
    v.to_bits()
}

// ---- i32 ----
#[inline(always)]
pub fn i32_eqz(a: u64) -> u64 {
    b(u32_(a) == 0)
}
#[inline(always)]
pub fn i32_clz(a: u64) -> u64 {
    u32_(a).leading_zeros() as u64
}
#[inline(always)]
pub fn i32_ctz(a: u64) -> u64 {
    u32_(a).trailing_zeros() as u64
}
#[inline(always)]
pub fn i32_popcnt(a: u64) -> u64 {
    u32_(a).count_ones() as u64
}
#[inline(always)]
pub fn i32_extend8_s(a: u64) -> u64 {
    c32(a as u8 as i8 as i32)
}
#[inline(always)]
pub fn i32_extend16_s(a: u64) -> u64 {
    c32(a as u16 as i16 as i32)
}
macro_rules! i32_bin {
    ($($name:ident($a:ident, $b:ident) $body:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(x: u64, y: u64) -> u64 {
            let ($a, $b) = (i32_(x), i32_(y));
            $body
        }
    )*};
}
i32_bin! {
    i32_eq(a, b_) b(a == b_);
    i32_ne(a, b_) b(a != b_);
    i32_lt_s(a, b_) b(a < b_);
    i32_lt_u(a, b_) b((a as u32) < (b_ as u32));
    i32_gt_s(a, b_) b(a > b_);
    i32_gt_u(a, b_) b((a as u32) > (b_ as u32));
    i32_le_s(a, b_) b(a <= b_);
    i32_le_u(a, b_) b((a as u32) <= (b_ as u32));
    i32_ge_s(a, b_) b(a >= b_);
    i32_ge_u(a, b_) b((a as u32) >= (b_ as u32));
    i32_add(a, b_) c32(a.wrapping_add(b_));
    i32_sub(a, b_) c32(a.wrapping_sub(b_));
    i32_mul(a, b_) c32(a.wrapping_mul(b_));
    i32_and(a, b_) c32(a & b_);
    i32_or(a, b_) c32(a | b_);
    i32_xor(a, b_) c32(a ^ b_);
    i32_shl(a, b_) c32(a.wrapping_shl(b_ as u32));
    i32_shr_s(a, b_) c32(a.wrapping_shr(b_ as u32));
    i32_shr_u(a, b_) ((a as u32).wrapping_shr(b_ as u32)) as u64;
    i32_rotl(a, b_) (a as u32).rotate_left(b_ as u32) as u64;
    i32_rotr(a, b_) (a as u32).rotate_right(b_ as u32) as u64;
}
#[inline(always)]
pub fn i32_div_s(x: u64, y: u64) -> R {
    let (a, d) = (i32_(x), i32_(y));
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(d).map(c32).ok_or(TrapCode::IntegerOverflow)
}
#[inline(always)]
pub fn i32_div_u(x: u64, y: u64) -> R {
    let (a, d) = (u32_(x), u32_(y));
    a.checked_div(d)
        .map(|v| v as u64)
        .ok_or(TrapCode::IntegerDivideByZero)
}
#[inline(always)]
pub fn i32_rem_s(x: u64, y: u64) -> R {
    let (a, d) = (i32_(x), i32_(y));
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(c32(a.wrapping_rem(d)))
}
#[inline(always)]
pub fn i32_rem_u(x: u64, y: u64) -> R {
    let (a, d) = (u32_(x), u32_(y));
    a.checked_rem(d)
        .map(|v| v as u64)
        .ok_or(TrapCode::IntegerDivideByZero)
}

// ---- i64 ----
#[inline(always)]
pub fn i64_eqz(a: u64) -> u64 {
    b(a == 0)
}
#[inline(always)]
pub fn i64_clz(a: u64) -> u64 {
    a.leading_zeros() as u64
}
#[inline(always)]
pub fn i64_ctz(a: u64) -> u64 {
    a.trailing_zeros() as u64
}
#[inline(always)]
pub fn i64_popcnt(a: u64) -> u64 {
    a.count_ones() as u64
}
#[inline(always)]
pub fn i64_extend8_s(a: u64) -> u64 {
    a as u8 as i8 as i64 as u64
}
#[inline(always)]
pub fn i64_extend16_s(a: u64) -> u64 {
    a as u16 as i16 as i64 as u64
}
#[inline(always)]
pub fn i64_extend32_s(a: u64) -> u64 {
    a as u32 as i32 as i64 as u64
}
#[inline(always)]
pub fn i64_extend_i32_s(a: u64) -> u64 {
    a as u32 as i32 as i64 as u64
}
#[inline(always)]
pub fn i64_extend_i32_u(a: u64) -> u64 {
    a as u32 as u64
}
macro_rules! i64_bin {
    ($($name:ident($a:ident, $b:ident) $body:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(x: u64, y: u64) -> u64 {
            let ($a, $b) = (x as i64, y as i64);
            $body
        }
    )*};
}
i64_bin! {
    i64_eq(a, b_) b(a == b_);
    i64_ne(a, b_) b(a != b_);
    i64_lt_s(a, b_) b(a < b_);
    i64_lt_u(a, b_) b((a as u64) < (b_ as u64));
    i64_gt_s(a, b_) b(a > b_);
    i64_gt_u(a, b_) b((a as u64) > (b_ as u64));
    i64_le_s(a, b_) b(a <= b_);
    i64_le_u(a, b_) b((a as u64) <= (b_ as u64));
    i64_ge_s(a, b_) b(a >= b_);
    i64_ge_u(a, b_) b((a as u64) >= (b_ as u64));
    i64_add(a, b_) a.wrapping_add(b_) as u64;
    i64_sub(a, b_) a.wrapping_sub(b_) as u64;
    i64_mul(a, b_) a.wrapping_mul(b_) as u64;
    i64_and(a, b_) (a & b_) as u64;
    i64_or(a, b_) (a | b_) as u64;
    i64_xor(a, b_) (a ^ b_) as u64;
    i64_shl(a, b_) a.wrapping_shl(b_ as u32) as u64;
    i64_shr_s(a, b_) a.wrapping_shr(b_ as u32) as u64;
    i64_shr_u(a, b_) (a as u64).wrapping_shr(b_ as u32);
    i64_rotl(a, b_) (a as u64).rotate_left((b_ as u64 % 64) as u32);
    i64_rotr(a, b_) (a as u64).rotate_right((b_ as u64 % 64) as u32);
}
#[cfg(not(wisp_soft_div))]
#[inline(always)]
pub fn i64_div_s(x: u64, y: u64) -> R {
    let (a, d) = (x as i64, y as i64);
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    a.checked_div(d)
        .map(|v| v as u64)
        .ok_or(TrapCode::IntegerOverflow)
}
#[cfg(not(wisp_soft_div))]
#[inline(always)]
pub fn i64_div_u(x: u64, y: u64) -> R {
    x.checked_div(y).ok_or(TrapCode::IntegerDivideByZero)
}
#[cfg(not(wisp_soft_div))]
#[inline(always)]
pub fn i64_rem_s(x: u64, y: u64) -> R {
    let (a, d) = (x as i64, y as i64);
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(d) as u64)
}
#[cfg(not(wisp_soft_div))]
#[inline(always)]
pub fn i64_rem_u(x: u64, y: u64) -> R {
    x.checked_rem(y).ok_or(TrapCode::IntegerDivideByZero)
}

/// 64-bit division in size builds: a loop instead of the toolchain's routines
/// (`exec/soft_float.rs`).
#[cfg(wisp_soft_div)]
#[inline(always)]
pub fn i64_div_s(x: u64, y: u64) -> R {
    let (a, d) = (x as i64, y as i64);
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    if a == i64::MIN && d == -1 {
        return Err(TrapCode::IntegerOverflow);
    }
    Ok(soft::div_rem_i64(a, d).0 as u64)
}
#[cfg(wisp_soft_div)]
#[inline(always)]
pub fn i64_div_u(x: u64, y: u64) -> R {
    if y == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(soft::div_rem_u64(x, y).0)
}
#[cfg(wisp_soft_div)]
#[inline(always)]
pub fn i64_rem_s(x: u64, y: u64) -> R {
    let (a, d) = (x as i64, y as i64);
    if d == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    // `i64::MIN % -1` is 0, which the division gives: its quotient wraps.
    Ok(soft::div_rem_i64(a, d).1 as u64)
}
#[cfg(wisp_soft_div)]
#[inline(always)]
pub fn i64_rem_u(x: u64, y: u64) -> R {
    if y == 0 {
        return Err(TrapCode::IntegerDivideByZero);
    }
    Ok(soft::div_rem_u64(x, y).1)
}

// ---- wide arithmetic ----
// <https://github.com/WebAssembly/wide-arithmetic/blob/main/proposals/wide-arithmetic/Overview.md>
// A 128-bit integer is a pair of `i64`s, low half first; results are `(lo, hi)`.

#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
fn u128_(lo: u64, hi: u64) -> u128 {
    (hi as u128) << 64 | lo as u128
}
#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
fn halves(v: u128) -> (u64, u64) {
    (v as u64, (v >> 64) as u64)
}
/// `i64.add128`: the sum modulo 2¹²⁸.
#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
pub fn i64_add128(lo1: u64, hi1: u64, lo2: u64, hi2: u64) -> (u64, u64) {
    halves(u128_(lo1, hi1).wrapping_add(u128_(lo2, hi2)))
}
/// `i64.sub128`: the difference modulo 2¹²⁸.
#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
pub fn i64_sub128(lo1: u64, hi1: u64, lo2: u64, hi2: u64) -> (u64, u64) {
    halves(u128_(lo1, hi1).wrapping_sub(u128_(lo2, hi2)))
}
/// `i64.mul_wide_s`: the signed product, which always fits in 128 bits.
#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
pub fn i64_mul_wide_s(a: u64, b: u64) -> (u64, u64) {
    halves((a as i64 as i128 * b as i64 as i128) as u128)
}
/// `i64.mul_wide_u`: the unsigned product, which always fits in 128 bits.
#[cfg(feature = "wide-arithmetic")]
#[inline(always)]
pub fn i64_mul_wide_u(a: u64, b: u64) -> (u64, u64) {
    halves(a as u128 * b as u128)
}

// ---- floats ----
/// The operations every build does the same way: sign bits.
macro_rules! float_ops {
    ($bits:ty, $sign:expr, $abs:ident $neg:ident $copysign:ident) => {
        #[inline(always)]
        pub fn $abs(a: u64) -> u64 {
            (a as $bits & !$sign) as u64
        }
        #[inline(always)]
        pub fn $neg(a: u64) -> u64 {
            (a as $bits ^ $sign) as u64
        }
        #[inline(always)]
        pub fn $copysign(a: u64, b: u64) -> u64 {
            ((a as $bits & !$sign) | (b as $bits & $sign)) as u64
        }
    };
}
float_ops!(u32, 0x8000_0000u32, f32_abs f32_neg f32_copysign);
float_ops!(u64, 0x8000_0000_0000_0000u64, f64_abs f64_neg f64_copysign);

/// Arithmetic on the FPU.
#[cfg(not(all(wisp_soft_float, wisp_soft_f32)))]
macro_rules! float_arith {
    ($from:ident, $to:ident, $add:ident $sub:ident $mul:ident $div:ident) => {
        #[inline(always)]
        pub fn $add(a: u64, b: u64) -> u64 {
            $to($from(a) + $from(b))
        }
        #[inline(always)]
        pub fn $sub(a: u64, b: u64) -> u64 {
            $to($from(a) - $from(b))
        }
        #[inline(always)]
        pub fn $mul(a: u64, b: u64) -> u64 {
            $to($from(a) * $from(b))
        }
        #[inline(always)]
        pub fn $div(a: u64, b: u64) -> u64 {
            $to($from(a) / $from(b))
        }
    };
}
/// Arithmetic in soft float, where the target has no FPU for the format.
#[cfg(any(wisp_soft_float, wisp_soft_f32))]
macro_rules! soft_arith {
    ($f64:literal, $sign:expr, $add:ident $sub:ident $mul:ident $div:ident) => {
        #[inline(always)]
        pub fn $add(a: u64, b: u64) -> u64 {
            soft::add::<$f64>(a, b)
        }
        #[inline(always)]
        pub fn $sub(a: u64, b: u64) -> u64 {
            soft::add::<$f64>(a, b ^ $sign)
        }
        #[inline(always)]
        pub fn $mul(a: u64, b: u64) -> u64 {
            soft::mul::<$f64>(a, b)
        }
        #[inline(always)]
        pub fn $div(a: u64, b: u64) -> u64 {
            soft::div::<$f64>(a, b)
        }
    };
}
#[cfg(not(wisp_soft_f32))]
float_arith!(f32_, cf32, f32_add f32_sub f32_mul f32_div);
#[cfg(wisp_soft_f32)]
soft_arith!(false, 0x8000_0000, f32_add f32_sub f32_mul f32_div);
#[cfg(not(wisp_soft_float))]
float_arith!(f64_, cf64, f64_add f64_sub f64_mul f64_div);
#[cfg(wisp_soft_float)]
soft_arith!(true, 0x8000_0000_0000_0000, f64_add f64_sub f64_mul f64_div);

/// NaN inputs must come out quiet (an arithmetic NaN); `x + x` quiets without changing
/// a canonical NaN. libm's rounding functions may hand a signalling NaN back unchanged.
#[cfg(not(wisp_soft_float))]
macro_rules! quiet_nan {
    ($x:expr, $body:expr) => {
        if $x.is_nan() {
            $x + $x
        } else {
            $body
        }
    };
}
/// Rounding, square roots, `min`, `max` and comparisons on the FPU and with libm.
#[cfg(not(wisp_soft_float))]
macro_rules! float_fpu {
    ($from:ident, $to:ident, $bits:ty, $canonical:expr,
     $ceil:ident $floor:ident $trunc:ident $nearest:ident $sqrt:ident
     $min:ident $max:ident $eq:ident $ne:ident $lt:ident $gt:ident $le:ident $ge:ident,
     $lceil:path, $lfloor:path, $ltrunc:path, $lrint:path, $lsqrt:path) => {
        #[inline(always)]
        pub fn $ceil(a: u64) -> u64 {
            let x = $from(a);
            $to(quiet_nan!(x, $lceil(x)))
        }
        #[inline(always)]
        pub fn $floor(a: u64) -> u64 {
            let x = $from(a);
            $to(quiet_nan!(x, $lfloor(x)))
        }
        #[inline(always)]
        pub fn $trunc(a: u64) -> u64 {
            let x = $from(a);
            $to(quiet_nan!(x, $ltrunc(x)))
        }
        #[inline(always)]
        pub fn $nearest(a: u64) -> u64 {
            let x = $from(a);
            $to(quiet_nan!(x, $lrint(x)))
        }
        #[inline(always)]
        pub fn $sqrt(a: u64) -> u64 {
            let x = $from(a);
            $to(quiet_nan!(x, $lsqrt(x)))
        }
        /// Unlike Rust's `min`, NaN wins and -0 is below +0.
        #[inline(always)]
        pub fn $min(a: u64, b: u64) -> u64 {
            let (x, y) = ($from(a), $from(b));
            if x.is_nan() || y.is_nan() {
                // The positive canonical NaN, not the host's pick from the operands:
                // relaxed SIMD's min and max are these, and must agree on every target.
                $canonical as u64
            } else if x == y {
                (a as $bits | b as $bits) as u64
            } else {
                $to(if x < y { x } else { y })
            }
        }
        #[inline(always)]
        pub fn $max(a: u64, b: u64) -> u64 {
            let (x, y) = ($from(a), $from(b));
            if x.is_nan() || y.is_nan() {
                $canonical as u64
            } else if x == y {
                (a as $bits & b as $bits) as u64
            } else {
                $to(if x > y { x } else { y })
            }
        }
        #[inline(always)]
        pub fn $eq(a: u64, b_: u64) -> u64 {
            b($from(a) == $from(b_))
        }
        #[inline(always)]
        pub fn $ne(a: u64, b_: u64) -> u64 {
            b($from(a) != $from(b_))
        }
        #[inline(always)]
        pub fn $lt(a: u64, b_: u64) -> u64 {
            b($from(a) < $from(b_))
        }
        #[inline(always)]
        pub fn $gt(a: u64, b_: u64) -> u64 {
            b($from(a) > $from(b_))
        }
        #[inline(always)]
        pub fn $le(a: u64, b_: u64) -> u64 {
            b($from(a) <= $from(b_))
        }
        #[inline(always)]
        pub fn $ge(a: u64, b_: u64) -> u64 {
            b($from(a) >= $from(b_))
        }
    };
}
#[cfg(not(wisp_soft_float))]
float_fpu!(f32_, cf32, u32, 0x7fc0_0000u32,
    f32_ceil f32_floor f32_trunc f32_nearest f32_sqrt
    f32_min f32_max f32_eq f32_ne f32_lt f32_gt f32_le f32_ge,
    libm::ceilf, libm::floorf, libm::truncf, libm::rintf, libm::sqrtf);
#[cfg(not(wisp_soft_float))]
float_fpu!(f64_, cf64, u64, 0x7ff8_0000_0000_0000u64,
    f64_ceil f64_floor f64_trunc f64_nearest f64_sqrt
    f64_min f64_max f64_eq f64_ne f64_lt f64_gt f64_le f64_ge,
    libm::ceil, libm::floor, libm::trunc, libm::rint, libm::sqrt);

/// The same operations in size builds: one soft routine per family for both formats
/// (`exec/soft_float.rs`).
#[cfg(wisp_soft_float)]
macro_rules! float_soft {
    ($fmt:expr, $canonical:expr,
     $ceil:ident $floor:ident $trunc:ident $nearest:ident $sqrt:ident
     $min:ident $max:ident $eq:ident $ne:ident $lt:ident $gt:ident $le:ident $ge:ident) => {
        #[inline(always)]
        pub fn $ceil(a: u64) -> u64 {
            soft::round($fmt, a, soft::Round::Ceil)
        }
        #[inline(always)]
        pub fn $floor(a: u64) -> u64 {
            soft::round($fmt, a, soft::Round::Floor)
        }
        #[inline(always)]
        pub fn $trunc(a: u64) -> u64 {
            soft::round($fmt, a, soft::Round::Trunc)
        }
        #[inline(always)]
        pub fn $nearest(a: u64) -> u64 {
            soft::round($fmt, a, soft::Round::Nearest)
        }
        #[inline(always)]
        pub fn $sqrt(a: u64) -> u64 {
            soft::sqrt($fmt, a)
        }
        /// NaN wins (the positive canonical one, as on the FPU path) and -0 is below +0.
        #[inline(always)]
        pub fn $min(a: u64, b_: u64) -> u64 {
            match soft::compare($fmt, a, b_) {
                None => $canonical,
                Some(Ordering::Equal) => a | b_,
                Some(Ordering::Less) => a,
                Some(Ordering::Greater) => b_,
            }
        }
        #[inline(always)]
        pub fn $max(a: u64, b_: u64) -> u64 {
            match soft::compare($fmt, a, b_) {
                None => $canonical,
                Some(Ordering::Equal) => a & b_,
                Some(Ordering::Less) => b_,
                Some(Ordering::Greater) => a,
            }
        }
        #[inline(always)]
        pub fn $eq(a: u64, b_: u64) -> u64 {
            b(soft::compare($fmt, a, b_) == Some(Ordering::Equal))
        }
        #[inline(always)]
        pub fn $ne(a: u64, b_: u64) -> u64 {
            b(soft::compare($fmt, a, b_) != Some(Ordering::Equal))
        }
        #[inline(always)]
        pub fn $lt(a: u64, b_: u64) -> u64 {
            b(soft::compare($fmt, a, b_) == Some(Ordering::Less))
        }
        #[inline(always)]
        pub fn $gt(a: u64, b_: u64) -> u64 {
            b(soft::compare($fmt, a, b_) == Some(Ordering::Greater))
        }
        #[inline(always)]
        pub fn $le(a: u64, b_: u64) -> u64 {
            b(matches!(
                soft::compare($fmt, a, b_),
                Some(Ordering::Less | Ordering::Equal)
            ))
        }
        #[inline(always)]
        pub fn $ge(a: u64, b_: u64) -> u64 {
            b(matches!(
                soft::compare($fmt, a, b_),
                Some(Ordering::Greater | Ordering::Equal)
            ))
        }
    };
}
#[cfg(any(wisp_soft_float, wisp_soft_f32, wisp_soft_div))]
use super::soft_float as soft;
#[cfg(wisp_soft_float)]
use core::cmp::Ordering;
#[cfg(wisp_soft_float)]
float_soft!(soft::F32, 0x7fc0_0000,
    f32_ceil f32_floor f32_trunc f32_nearest f32_sqrt
    f32_min f32_max f32_eq f32_ne f32_lt f32_gt f32_le f32_ge);
#[cfg(wisp_soft_float)]
float_soft!(soft::F64, 0x7ff8_0000_0000_0000,
    f64_ceil f64_floor f64_trunc f64_nearest f64_sqrt
    f64_min f64_max f64_eq f64_ne f64_lt f64_gt f64_le f64_ge);

// ---- conversions ----
/// Truncation traps on NaN and on values outside the open interval (lo, hi).
#[cfg(not(wisp_soft_float))]
macro_rules! trunc {
    ($($name:ident: $from:ident -> $t:ty $(as $t2:ty)?, $lo:expr, $hi:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(a: u64) -> R {
            let x = $from(a);
            if x.is_nan() {
                Err(TrapCode::BadConversionToInteger)
            } else if x > $lo && x < $hi {
                Ok(x as $t $(as $t2)? as u64)
            } else {
                Err(TrapCode::IntegerOverflow)
            }
        }
    )*};
}
#[cfg(not(wisp_soft_float))]
trunc! {
    i32_trunc_f32_s: f32_ -> i32 as u32, -2147483904.0, 2147483648.0;
    i32_trunc_f32_u: f32_ -> u32, -1.0, 4294967296.0;
    i32_trunc_f64_s: f64_ -> i32 as u32, -2147483649.0, 2147483648.0;
    i32_trunc_f64_u: f64_ -> u32, -1.0, 4294967296.0;
    i64_trunc_f32_s: f32_ -> i64, -9223373136366403584.0, 9223372036854775808.0;
    i64_trunc_f32_u: f32_ -> u64, -1.0, 18446744073709551616.0;
    i64_trunc_f64_s: f64_ -> i64, -9223372036854777856.0, 9223372036854775808.0;
    i64_trunc_f64_u: f64_ -> u64, -1.0, 18446744073709551616.0;
}
/// Rust's `as` already saturates and maps NaN to zero, as the spec asks.
#[cfg(not(wisp_soft_float))]
macro_rules! sat {
    ($($name:ident: $from:ident -> $t:ty $(as $t2:ty)?;)*) => {$(
        #[inline(always)]
        pub fn $name(a: u64) -> u64 {
            $from(a) as $t $(as $t2)? as u64
        }
    )*};
}
#[cfg(not(wisp_soft_float))]
sat! {
    i32_trunc_sat_f32_s: f32_ -> i32 as u32;
    i32_trunc_sat_f32_u: f32_ -> u32;
    i32_trunc_sat_f64_s: f64_ -> i32 as u32;
    i32_trunc_sat_f64_u: f64_ -> u32;
    i64_trunc_sat_f32_s: f32_ -> i64;
    i64_trunc_sat_f32_u: f32_ -> u64;
    i64_trunc_sat_f64_s: f64_ -> i64;
    i64_trunc_sat_f64_u: f64_ -> u64;
}
/// Truncations and conversions in size builds: one soft routine each
/// (`exec/soft_float.rs`).
#[cfg(wisp_soft_float)]
macro_rules! soft_conversions {
    ($($trunc:ident $sat:ident $convert:ident: $fmt:ident, $int:ident;)*) => {$(
        #[inline(always)]
        pub fn $trunc(a: u64) -> R {
            soft::to_int(soft::$fmt, a, soft::Int::$int, false)
        }
        #[inline(always)]
        pub fn $sat(a: u64) -> u64 {
            soft::to_int(soft::$fmt, a, soft::Int::$int, true).unwrap_or(0)
        }
        #[inline(always)]
        pub fn $convert(a: u64) -> u64 {
            soft::from_int(soft::$fmt, a, soft::Int::$int)
        }
    )*};
}
#[cfg(wisp_soft_float)]
soft_conversions! {
    i32_trunc_f32_s i32_trunc_sat_f32_s f32_convert_i32_s: F32, I32;
    i32_trunc_f32_u i32_trunc_sat_f32_u f32_convert_i32_u: F32, U32;
    i32_trunc_f64_s i32_trunc_sat_f64_s f64_convert_i32_s: F64, I32;
    i32_trunc_f64_u i32_trunc_sat_f64_u f64_convert_i32_u: F64, U32;
    i64_trunc_f32_s i64_trunc_sat_f32_s f32_convert_i64_s: F32, I64;
    i64_trunc_f32_u i64_trunc_sat_f32_u f32_convert_i64_u: F32, U64;
    i64_trunc_f64_s i64_trunc_sat_f64_s f64_convert_i64_s: F64, I64;
    i64_trunc_f64_u i64_trunc_sat_f64_u f64_convert_i64_u: F64, U64;
}
/// Signed 64-bit integer to float conversions through a register zeroed first, on
/// x86-64. `cvtsi2sd`/`cvtsi2ss` write only the low lane of their destination and so
/// wait for whatever last wrote that register: in a handler, some earlier handler's
/// float result (a division, say), which chained each iteration of a loop to the one
/// before at the divider's latency (`1.0 / (i as f64)`, the spectral kernel). LLVM
/// breaks such false dependencies within a function, but takes the registers a
/// function starts with as written long ago, and every handler starts afresh. `xorps`
/// of a register with itself is the idiom the CPU knows not to wait on.
#[cfg(all(target_arch = "x86_64", not(wisp_soft_float), not(miri)))]
mod fresh {
    #[inline(always)]
    pub fn f64_from(v: i64) -> f64 {
        let r: f64;
        // SAFETY: two SSE2 instructions (baseline on x86-64) on registers only: no
        // memory, stack or flags are touched, and `r` is only written.
        unsafe {
            core::arch::asm!(
                "xorps {r}, {r}",
                "cvtsi2sd {r}, {v}",
                v = in(reg) v,
                r = out(xmm_reg) r,
                options(pure, nomem, nostack, preserves_flags),
            );
        }
        r
    }

    #[inline(always)]
    pub fn f32_from(v: i64) -> f32 {
        let r: f32;
        // SAFETY: as in `f64_from`.
        unsafe {
            core::arch::asm!(
                "xorps {r}, {r}",
                "cvtsi2ss {r}, {v}",
                v = in(reg) v,
                r = out(xmm_reg) r,
                options(pure, nomem, nostack, preserves_flags),
            );
        }
        r
    }
}
/// Elsewhere the conversion instructions write their whole destination (and Miri runs
/// no assembly).
#[cfg(all(any(not(target_arch = "x86_64"), miri), not(wisp_soft_float)))]
mod fresh {
    #[inline(always)]
    pub fn f64_from(v: i64) -> f64 {
        v as f64
    }
    #[inline(always)]
    pub fn f32_from(v: i64) -> f32 {
        v as f32
    }
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f32_convert_i32_s(a: u64) -> u64 {
    cf32(fresh::f32_from(i32_(a) as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f32_convert_i32_u(a: u64) -> u64 {
    cf32(fresh::f32_from(u32_(a) as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f32_convert_i64_s(a: u64) -> u64 {
    cf32(fresh::f32_from(a as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f32_convert_i64_u(a: u64) -> u64 {
    cf32(a as f32)
}
/// NaNs are converted by hand, as the FPUs of x86 and Arm do it (quiet bit set, top of
/// the payload kept): the soft-float routines of targets without a double-precision FPU
/// (Cortex-M4F, M0) return other NaNs, which the spec's canonical-NaN rule refuses.
#[inline(always)]
pub fn f32_demote_f64(a: u64) -> u64 {
    #[cfg(not(wisp_soft_float))]
    let x = f64_(a);
    // By its bits: `is_nan` is a soft-float call where there is no double-precision FPU.
    if a << 1 > 0x7ff0_0000_0000_0000 << 1 {
        let sign = (a >> 63) << 31;
        return sign | 0x7fc0_0000 | ((a >> 29) & 0x003f_ffff);
    }
    #[cfg(wisp_soft_float)]
    return soft::demote(a);
    #[cfg(not(wisp_soft_float))]
    cf32(x as f32)
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f64_convert_i32_s(a: u64) -> u64 {
    cf64(fresh::f64_from(i32_(a) as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f64_convert_i32_u(a: u64) -> u64 {
    cf64(fresh::f64_from(u32_(a) as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f64_convert_i64_s(a: u64) -> u64 {
    cf64(fresh::f64_from(a as i64))
}
#[cfg(not(wisp_soft_float))]
#[inline(always)]
pub fn f64_convert_i64_u(a: u64) -> u64 {
    cf64(a as f64)
}
#[inline(always)]
pub fn f64_promote_f32(a: u64) -> u64 {
    // By its bits, as in `f32_demote_f64`.
    if a as u32 & 0x7fff_ffff > 0x7f80_0000 {
        let sign = ((a >> 31) & 1) << 63;
        return sign | 0x7ff8_0000_0000_0000 | ((a & 0x003f_ffff) << 29);
    }
    #[cfg(wisp_soft_float)]
    return soft::promote(a);
    #[cfg(not(wisp_soft_float))]
    cf64(f32_(a) as f64)
}

/// An `i64` index or length of a 64-bit table, as the 32 bits the table instructions
/// read: cut to `u32::MAX` when larger, which is out of bounds of every table
/// (`wisp_store::MAX_TABLE_LEN`), as the index it stands for.
#[cfg(feature = "memory64")]
#[inline(always)]
pub fn table_index64(a: u64) -> u64 {
    a.min(u32::MAX as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn nan_conversions_keep_the_payload_and_quiet_it() {
        let nan = |b: u32| b as u64;
        assert_eq!(f64_promote_f32(nan(0x7fc0_0000)), 0x7ff8_0000_0000_0000);
        assert_eq!(f64_promote_f32(nan(0xffa0_0001)), 0xfffc_0000_2000_0000);
        assert_eq!(f32_demote_f64(0x7ff8_0000_0000_0000), 0x7fc0_0000);
        assert_eq!(f32_demote_f64(0xfff4_0000_2000_0000), 0xffe0_0001);
        // What the host's FPU does, for every NaN shape above.
        for b in [0x7fc0_0000u32, 0xffa0_0001, 0x7f80_0001, 0x7fff_ffff] {
            let hw = (f32::from_bits(b) as f64).to_bits();
            assert_eq!(f64_promote_f32(b as u64), hw, "{b:#x}");
        }
    }
    #[test]
    fn min_max_signed_zero_and_nan() {
        let (pz, nz) = (0.0f32.to_bits() as u64, (-0.0f32).to_bits() as u64);
        assert_eq!(f32_min(pz, nz), nz);
        assert_eq!(f32_max(pz, nz), pz);
        assert!(f32_(f32_min(cf32(f32::NAN), cf32(1.0))).is_nan());
    }
    #[test]
    fn trunc_bounds() {
        assert_eq!(i32_trunc_f32_s(cf32(-2147483648.0)), Ok(0x8000_0000));
        assert_eq!(
            i32_trunc_f32_s(cf32(2147483648.0)),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(cf64(-0.9)), Ok(0));
        assert_eq!(
            i64_trunc_f64_s(cf64(f64::NAN)),
            Err(TrapCode::BadConversionToInteger)
        );
    }
    #[test]
    fn division_traps() {
        assert_eq!(
            i32_div_s(c32(i32::MIN), c32(-1)),
            Err(TrapCode::IntegerOverflow)
        );
        assert_eq!(i32_rem_s(c32(i32::MIN), c32(-1)), Ok(0));
        assert_eq!(i64_div_u(1, 0), Err(TrapCode::IntegerDivideByZero));
    }
}
