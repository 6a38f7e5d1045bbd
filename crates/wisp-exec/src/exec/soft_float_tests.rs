//! The soft routines against the host's FPU and integer unit, on edge cases and a few
//! hundred thousand pseudo-random bit patterns (tests run on hosts, which never use them).

extern crate std;

use super::*;
use crate::exec::numeric as hw;
use std::vec::Vec;

/// xorshift64*: reproducible inputs without a dependency.
struct Bits(u64);
impl Bits {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Bit patterns weighted towards interesting exponents (near 0, 1, 2^31, 2^63).
    fn f64(&mut self) -> u64 {
        let r = self.next();
        match r % 4 {
            0 => r,
            1 => (r & 0x800f_ffff_ffff_ffff) | ((1023 + (r >> 52) % 70) << 52),
            2 => (r & 0x800f_ffff_ffff_ffff) | ((1023 - (r >> 52) % 60) << 52),
            _ => EDGES64[(r >> 32) as usize % EDGES64.len()] ^ (r >> 60),
        }
    }
    fn f32(&mut self) -> u64 {
        let r = self.next();
        let b = match r % 4 {
            0 => r as u32,
            1 => (r as u32 & 0x807f_ffff) | ((127 + (r >> 40) as u32 % 70) << 23),
            2 => (r as u32 & 0x807f_ffff) | ((127 - (r >> 40) as u32 % 60) << 23),
            _ => EDGES32[(r >> 32) as usize % EDGES32.len()] ^ (r >> 60) as u32,
        };
        b as u64
    }
}

const EDGES64: &[u64] = &[
    0,
    0x8000_0000_0000_0000,
    0x3ff0_0000_0000_0000, // 1
    0x3fe0_0000_0000_0000, // 0.5
    0x3ff8_0000_0000_0000, // 1.5
    0x4004_0000_0000_0000, // 2.5
    0x41e0_0000_0000_0000, // 2^31
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0x43f0_0000_0000_0000, // 2^64
    0x4330_0000_0000_0000, // 2^52
    0x0000_0000_0000_0001, // smallest subnormal
    0x000f_ffff_ffff_ffff, // largest subnormal
    0x7fef_ffff_ffff_ffff, // largest finite
    0x7ff0_0000_0000_0000, // inf
    0x7ff8_0000_0000_0000, // NaN
    0x7ff0_0000_0000_0001, // signalling NaN
    0xc1e0_0000_0020_0000, // -2^31 - 1
    0xc3e0_0000_0000_0000, // -2^63
];
const EDGES32: &[u32] = &[
    0,
    0x8000_0000,
    0x3f80_0000,
    0x3f00_0000,
    0x3fc0_0000,
    0x4020_0000,
    0x4f00_0000,
    0x4f80_0000,
    0x5f00_0000,
    0x5f80_0000,
    0x4b00_0000,
    1,
    0x007f_ffff,
    0x7f7f_ffff,
    0x7f80_0000,
    0x7fc0_0000,
    0x7f80_0001,
    0xcf00_0000,
    0xdf00_0000,
];

const N: usize = 200_000;

fn each(f: Format, mut check: impl FnMut(u64)) {
    let mut bits = Bits(0x9e37_79b9_7f4a_7c15);
    let edges: Vec<u64> = if f == F64 {
        EDGES64.to_vec()
    } else {
        EDGES32.iter().map(|&b| b as u64).collect()
    };
    for &e in &edges {
        check(e);
        check(e ^ f.sign());
        check(e + 1);
        check(e.wrapping_sub(1) & (f.sign() | (f.sign() - 1)));
    }
    for _ in 0..N {
        check(if f == F64 { bits.f64() } else { bits.f32() });
    }
}

/// A host float, as bits of `f`.
fn host(f: Format, a: u64) -> f64 {
    if f == F64 {
        f64::from_bits(a)
    } else {
        f32::from_bits(a as u32) as f64
    }
}

#[test]
fn comparisons_match_the_fpu() {
    for f in [F32, F64] {
        let mut other = Bits(7);
        each(f, |a| {
            let b = if other.next() & 1 == 0 {
                a ^ (other.next() & 3)
            } else if f == F64 {
                other.f64()
            } else {
                other.f32()
            };
            assert_eq!(
                compare(f, a, b),
                host(f, a).partial_cmp(&host(f, b)),
                "{a:#x} {b:#x}"
            );
        });
    }
}

/// Pairs of operands: random, nearly equal (cancellation), far apart in exponent, and
/// around the subnormal and overflow boundaries.
fn pairs(f: Format, mut check: impl FnMut(u64, u64)) {
    let mut other = Bits(17);
    each(f, |a| {
        let r = other.next();
        let b = match r % 5 {
            0 => a ^ ((r >> 8) % 16),
            1 => a ^ f.sign() ^ ((r >> 8) % 4),
            2 => f.magnitude(a) >> (f.mant() + (r >> 8) as u32 % 8) << f.mant() | r >> 40 & 0xff,
            _ if f == F64 => other.f64(),
            _ => other.f32(),
        };
        check(a, b);
        check(b, a);
    });
}

#[test]
fn arithmetic_matches_the_fpu() {
    type Op = fn(u64, u64) -> u64;
    type Host64 = fn(f64, f64) -> f64;
    type Host32 = fn(f32, f32) -> f32;
    let ops: [(Op, Op, Host64, Host32); 3] = [
        (add::<true>, add::<false>, |x, y| x + y, |x, y| x + y),
        (mul::<true>, mul::<false>, |x, y| x * y, |x, y| x * y),
        (div::<true>, div::<false>, |x, y| x / y, |x, y| x / y),
    ];
    for (i, (soft64, soft32, op64, op32)) in ops.into_iter().enumerate() {
        pairs(F64, |a, b| {
            let want = op64(f64::from_bits(a), f64::from_bits(b));
            let got = soft64(a, b);
            if want.is_nan() {
                assert!(
                    F64.is_nan(got) && got & 1 << 51 != 0,
                    "op {i}: {a:#x} {b:#x}"
                );
            } else {
                assert_eq!(got, want.to_bits(), "op {i}: {a:#x} {b:#x}");
            }
        });
        pairs(F32, |a, b| {
            let want = op32(f32::from_bits(a as u32), f32::from_bits(b as u32));
            let got = soft32(a, b);
            if want.is_nan() {
                assert!(
                    F32.is_nan(got) && got & 1 << 22 != 0,
                    "op {i}: {a:#x} {b:#x}"
                );
            } else {
                assert_eq!(got, want.to_bits() as u64, "op {i}: {a:#x} {b:#x}");
            }
        });
    }
}

#[test]
fn nans_come_out_quiet() {
    let rounds = [Round::Floor, Round::Ceil, Round::Trunc, Round::Nearest];
    for (f, hw_floor, hw_sqrt) in [
        (
            F32,
            hw::f32_floor as fn(u64) -> u64,
            hw::f32_sqrt as fn(u64) -> u64,
        ),
        (F64, hw::f64_floor, hw::f64_sqrt),
    ] {
        each(f, |a| {
            if !f.is_nan(a) {
                return;
            }
            for mode in rounds {
                assert_eq!(round(f, a, mode), hw_floor(a), "{a:#x}");
            }
            assert_eq!(sqrt(f, a), hw_sqrt(a), "{a:#x}");
        });
    }
}

/// A host operation on one value, in each format.
type Unary64 = fn(f64) -> f64;
type Unary32 = fn(f32) -> f32;

/// The host's FPU applied to `a`, a value of format `f`: the bits of `op64(a)` or of
/// `op32(a)`.
fn on_host(f: Format, a: u64, op64: Unary64, op32: Unary32) -> u64 {
    match f {
        F64 => op64(f64::from_bits(a)).to_bits(),
        F32 => op32(f32::from_bits(a as u32)).to_bits() as u64,
    }
}

#[test]
fn rounding_matches_the_fpu() {
    for f in [F32, F64] {
        each(f, |a| {
            if f.is_nan(a) {
                return;
            }
            let cases: [(Round, Unary64, Unary32); 4] = [
                (Round::Floor, f64::floor, f32::floor),
                (Round::Ceil, f64::ceil, f32::ceil),
                (Round::Trunc, f64::trunc, f32::trunc),
                (Round::Nearest, f64::round_ties_even, f32::round_ties_even),
            ];
            for (mode, op64, op32) in cases {
                assert_eq!(round(f, a, mode), on_host(f, a, op64, op32), "{a:#x}");
            }
        });
    }
}

#[test]
fn square_roots_match_the_fpu() {
    for f in [F32, F64] {
        each(f, |a| {
            if f.is_nan(a) {
                return;
            }
            let got = sqrt(f, a);
            if host(f, a) < 0.0 {
                assert_eq!(got, f.canonical_nan(), "{a:#x}");
            } else {
                assert_eq!(got, on_host(f, a, f64::sqrt, f32::sqrt), "{a:#x}");
            }
        });
    }
}

#[test]
fn demotion_matches_the_fpu() {
    each(F64, |a| {
        let x = f64::from_bits(a);
        if !x.is_nan() {
            assert_eq!(demote(a), (x as f32).to_bits() as u64, "{a:#x}");
        }
    });
    // Around the smallest subnormal and the largest finite `f32`, where rounding
    // decides between zero, a subnormal, a normal and infinity.
    let mut bits = Bits(13);
    for e in [0x369u64, 0x36a, 0x36b, 0x380, 0x381, 0x46f, 0x470] {
        for _ in 0..2000 {
            let a = e << 52 | bits.next() >> 12;
            let x = f64::from_bits(a);
            assert_eq!(demote(a), (x as f32).to_bits() as u64, "{a:#x}");
        }
    }
}

#[test]
fn promotion_matches_the_fpu() {
    each(F32, |a| {
        let x = f32::from_bits(a as u32);
        if !x.is_nan() {
            assert_eq!(promote(a), (x as f64).to_bits(), "{a:#x}");
        }
    });
}

use Int::{I32, I64, U32, U64};

#[test]
fn truncations_match_the_host_builds() {
    type Trap = fn(u64) -> Result<u64, TrapCode>;
    type Sat = fn(u64) -> u64;
    let cases: [(Format, Int, Trap, Sat); 8] = [
        (F32, I32, hw::i32_trunc_f32_s, hw::i32_trunc_sat_f32_s),
        (F32, U32, hw::i32_trunc_f32_u, hw::i32_trunc_sat_f32_u),
        (F64, I32, hw::i32_trunc_f64_s, hw::i32_trunc_sat_f64_s),
        (F64, U32, hw::i32_trunc_f64_u, hw::i32_trunc_sat_f64_u),
        (F32, I64, hw::i64_trunc_f32_s, hw::i64_trunc_sat_f32_s),
        (F32, U64, hw::i64_trunc_f32_u, hw::i64_trunc_sat_f32_u),
        (F64, I64, hw::i64_trunc_f64_s, hw::i64_trunc_sat_f64_s),
        (F64, U64, hw::i64_trunc_f64_u, hw::i64_trunc_sat_f64_u),
    ];
    for (f, to, trap, sat) in cases {
        each(f, |a| {
            assert_eq!(to_int(f, a, to, false), trap(a), "{a:#x} {}", to.bits());
            assert_eq!(to_int(f, a, to, true), Ok(sat(a)), "{a:#x} {}", to.bits());
        });
    }
}

#[test]
fn conversions_match_the_host_builds() {
    type Convert = fn(u64) -> u64;
    let cases: [(Format, Int, Convert); 8] = [
        (F32, I32, hw::f32_convert_i32_s),
        (F32, U32, hw::f32_convert_i32_u),
        (F32, I64, hw::f32_convert_i64_s),
        (F32, U64, hw::f32_convert_i64_u),
        (F64, I32, hw::f64_convert_i32_s),
        (F64, U32, hw::f64_convert_i32_u),
        (F64, I64, hw::f64_convert_i64_s),
        (F64, U64, hw::f64_convert_i64_u),
    ];
    for (f, from, convert) in cases {
        let mut bits = Bits(3);
        for i in 0..N {
            // Every magnitude, and the halfway cases of rounding.
            let v = match i % 3 {
                0 => bits.next(),
                1 => bits.next() >> (bits.next() % 64),
                _ => (bits.next() | 1 << 40) & !((1 << 16) - 1) | 1 << 15,
            };
            let v = if i % 5 == 0 { v.wrapping_neg() } else { v };
            assert_eq!(from_int(f, v, from), convert(v), "{v:#x}");
        }
        for v in [0, 1, u64::MAX, 1 << 63, i64::MAX as u64, u32::MAX as u64] {
            assert_eq!(from_int(f, v, from), convert(v), "{v:#x}");
        }
    }
}

#[test]
fn division_matches_the_cpu() {
    let mut bits = Bits(11);
    for i in 0..N {
        let n = bits.next() >> (i % 64);
        let d = (bits.next() >> (bits.next() % 64)).max(1);
        assert_eq!(div_rem_u64(n, d), (n / d, n % d), "{n} {d}");
        let (n, d) = (n as i64, d as i64 * if i % 2 == 0 { 1 } else { -1 });
        if !(n == i64::MIN && d == -1) {
            assert_eq!(div_rem_i64(n, d), (n / d, n % d), "{n} {d}");
        }
    }
    for (n, d) in [
        (u64::MAX, u64::MAX),
        (u64::MAX, 1),
        (1 << 63, 3),
        (5, u64::MAX),
    ] {
        assert_eq!(div_rem_u64(n, d), (n / d, n % d), "{n} {d}");
    }
}
