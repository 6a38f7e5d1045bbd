//! Floating-point and 64-bit division routines for size builds (`opt-level` `"s"` or
//! `"z"`) on targets without the hardware for them: one routine per family of
//! operations, shared by `f32` and `f64`, instead of the toolchain's one routine per
//! type pair. `build.rs` chooses: cfg `wisp_soft_float` (no `f64` FPU: every float
//! operation but `f32` arithmetic), `wisp_soft_f32` (no FPU at all: `f32` arithmetic
//! too), `wisp_soft_div` (32-bit registers: 64-bit division).
//!
//! The devices such builds are for (a Cortex-M4F, M0, an AVR) have no double-precision
//! FPU, so every `f64` operation and every 64-bit division is a call into
//! `compiler_builtins` or `libm`: arithmetic, six comparison routines, sixteen
//! conversion routines, a Goldschmidt square root with its table, each optimised for
//! speed. These are a few kilobytes fewer, and slower. Host builds (`opt-level` 2 or
//! 3) never use them; the unit tests check them against the host's FPU.
//! Spec: <https://webassembly.github.io/spec/core/exec/numerics.html#floating-point-operations>

use core::cmp::Ordering;
use wisp_types::TrapCode;

/// A binary interchange format: `f32` or `f64`, whose bits sit in the low end of a `u64`.
///
/// It and [`Int`] are plain enums, and no routine takes more than 18 bytes of
/// arguments: an AVR passes that many in registers and a struct on the stack, and LLVM
/// reads arguments on the stack a byte off on the atmega2560 (`cargo xtask avr`
/// checks).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// `binary32`.
    F32,
    /// `binary64`.
    F64,
}
pub(super) use Format::{F32, F64};

impl Format {
    /// Bits of the stored significand.
    pub(super) fn mant(self) -> u32 {
        match self {
            F32 => 23,
            F64 => 52,
        }
    }
    // Constants by format rather than computed: a 64-bit shift by a variable is a
    // dozen instructions on a 32-bit core.
    fn sign(self) -> u64 {
        match self {
            F32 => 1 << 31,
            F64 => 1 << 63,
        }
    }
    /// The bits of `+∞`, above which the magnitudes are NaNs.
    fn inf(self) -> u64 {
        match self {
            F32 => 0x7f80_0000,
            F64 => 0x7ff0_0000_0000_0000,
        }
    }
    fn bias(self) -> i32 {
        match self {
            F32 => 127,
            F64 => 1023,
        }
    }
    /// The significand's leading bit, just above the stored ones.
    fn lead(self) -> u64 {
        match self {
            F32 => 1 << 23,
            F64 => 1 << 52,
        }
    }
    /// The magnitude's bits: the value without its sign.
    fn magnitude(self, a: u64) -> u64 {
        a & (self.sign() - 1)
    }
    fn is_negative(self, a: u64) -> bool {
        a & self.sign() != 0
    }
    pub(super) fn is_nan(self, a: u64) -> bool {
        self.magnitude(a) > self.inf()
    }
    /// A NaN with its quiet bit set, as an FPU passes one on (the payload kept).
    fn quiet(self, a: u64) -> u64 {
        a | self.lead() >> 1
    }
    /// The positive canonical NaN.
    fn canonical_nan(self) -> u64 {
        self.inf() | self.lead() >> 1
    }
    /// The unbiased exponent and the significand with its leading bit, of a finite
    /// non-zero value; subnormals are normalised.
    fn unpack(self, a: u64) -> (i32, u64) {
        let raw = (self.magnitude(a) >> self.mant()) as i32;
        let frac = a & (self.lead() - 1);
        if raw != 0 {
            return (raw - self.bias(), frac | self.lead());
        }
        let shift = frac.leading_zeros() - (63 - self.mant());
        (1 - self.bias() - shift as i32, frac << shift)
    }
    /// The bits of a positive value `m · 2^(e - mant)`, `m` the significand with its
    /// leading bit at `1 << mant` (a carry above it, from rounding, goes into the
    /// exponent), `e` within the normal range.
    fn pack(self, e: i32, m: u64) -> u64 {
        (((e + self.bias() - 1) as u64) << self.mant()) + m
    }
}

/// `m >> k`, with a 1 in the lowest bit if any bit shifted out was (the sticky bit).
fn shift_sticky(m: u64, k: u32) -> u64 {
    if k >= 64 {
        return (m != 0) as u64;
    }
    m >> k | (m & ((1 << k) - 1) != 0) as u64
}

/// Bits below the significand that arithmetic keeps until it rounds: guard, round and
/// sticky.
const EXTRA: u32 = 3;

/// The nearest value (ties to even) to `m · 2^(e - mant - EXTRA)`, `m` with its leading
/// bit at `mant + EXTRA` and the sticky bit in its lowest: an infinity when too large,
/// a subnormal or zero when too small.
fn round_pack(f: Format, neg: bool, mut e: i32, mut m: u64) -> u64 {
    let sign = if neg { f.sign() } else { 0 };
    if e > f.bias() {
        return sign | f.inf();
    }
    let min_e = 1 - f.bias();
    if e < min_e {
        // Subnormal: no leading bit at the lowest exponent, which `pack` then adds
        // nothing for (and a carry from rounding makes the smallest normal, rightly).
        m = shift_sticky(m, (min_e - e) as u32);
        e = min_e;
    }
    let low = m & 7;
    m >>= EXTRA;
    if low > 4 || (low == 4 && m & 1 != 0) {
        m += 1;
    }
    // A carry out of the significand goes into the exponent, up to infinity.
    sign | f.pack(e, m)
}

/// What an operation gives for a NaN operand: that NaN, quiet (as an FPU passes one
/// on).
#[inline(always)]
fn nan_of(f: Format, a: u64, b: u64) -> Option<u64> {
    if f.is_nan(a) {
        Some(f.quiet(a))
    } else if f.is_nan(b) {
        Some(f.quiet(b))
    } else {
        None
    }
}

/// The format `F64` stands for: the binary operations take it as a constant, so that
/// their arguments are the two operands alone (an AVR passes no more in registers).
const fn format(f64: bool) -> Format {
    if f64 {
        F64
    } else {
        F32
    }
}

/// `a + b` (and `a - b` as `a + -b`), rounded to nearest, in `f64` or `f32`.
#[inline(never)]
pub(super) fn add<const F64: bool>(a: u64, b: u64) -> u64 {
    let f = format(F64);
    if let Some(nan) = nan_of(f, a, b) {
        return nan;
    }
    let (ma, mb) = (f.magnitude(a), f.magnitude(b));
    // Order by magnitude: `a` the larger, whose sign the result has unless it cancels.
    let (a, b, ma, mb) = if ma >= mb {
        (a, b, ma, mb)
    } else {
        (b, a, mb, ma)
    };
    let same = f.is_negative(a) == f.is_negative(b);
    if ma == f.inf() {
        // ∞ - ∞ is invalid; otherwise the infinity.
        return if mb == f.inf() && !same {
            f.canonical_nan()
        } else {
            a
        };
    }
    if mb == 0 {
        // x + ±0 is x, except that -0 + +0 is +0.
        return if ma == 0 && !same { 0 } else { a };
    }
    let (e, xa) = f.unpack(a);
    let (eb, xb) = f.unpack(b);
    let lead = f.mant() + EXTRA;
    let xa = xa << EXTRA;
    let xb = shift_sticky(xb << EXTRA, (e - eb) as u32);
    let (e, m) = if same {
        let m = xa + xb;
        if m >> (lead + 1) != 0 {
            (e + 1, shift_sticky(m, 1))
        } else {
            (e, m)
        }
    } else {
        let m = xa - xb;
        if m == 0 {
            return 0; // exact cancellation: +0
        }
        let shift = m.leading_zeros() - (63 - lead);
        (e - shift as i32, m << shift)
    };
    round_pack(f, f.is_negative(a), e, m)
}

/// `a · b`, rounded to nearest, in `f64` or `f32`.
#[inline(never)]
pub(super) fn mul<const F64: bool>(a: u64, b: u64) -> u64 {
    let f = format(F64);
    if let Some(nan) = nan_of(f, a, b) {
        return nan;
    }
    let neg = f.is_negative(a) != f.is_negative(b);
    let sign = if neg { f.sign() } else { 0 };
    let (ma, mb) = (f.magnitude(a), f.magnitude(b));
    if ma == f.inf() || mb == f.inf() {
        // ∞ · 0 is invalid.
        return if ma == 0 || mb == 0 {
            f.canonical_nan()
        } else {
            sign | f.inf()
        };
    }
    if ma == 0 || mb == 0 {
        return sign;
    }
    let (ea, xa) = f.unpack(a);
    let (eb, xb) = f.unpack(b);
    // Both significands moved up to bit 63: the product's high half then has its
    // leading bit at 63 or 62 whatever the format, and the low half is all sticky.
    let up = 63 - f.mant();
    let p = (xa << up) as u128 * (xb << up) as u128;
    let (hi, lo) = ((p >> 64) as u64, p as u64);
    let (e, hi) = if hi >> 63 != 0 {
        (ea + eb + 1, hi)
    } else {
        (ea + eb, hi << 1)
    };
    let m = shift_sticky(hi, up - EXTRA) | (lo != 0) as u64;
    round_pack(f, neg, e, m)
}

/// `a / b`, rounded to nearest, in `f64` or `f32`.
#[inline(never)]
pub(super) fn div<const F64: bool>(a: u64, b: u64) -> u64 {
    let f = format(F64);
    if let Some(nan) = nan_of(f, a, b) {
        return nan;
    }
    let neg = f.is_negative(a) != f.is_negative(b);
    let sign = if neg { f.sign() } else { 0 };
    let (ma, mb) = (f.magnitude(a), f.magnitude(b));
    // ∞/∞ and 0/0 are invalid; ∞/x and x/0 infinite; x/∞ and 0/x zero.
    if (ma == f.inf() && mb == f.inf()) || (ma == 0 && mb == 0) {
        return f.canonical_nan();
    }
    if ma == f.inf() || mb == 0 {
        return sign | f.inf();
    }
    if mb == f.inf() || ma == 0 {
        return sign;
    }
    let (mut e, mut r) = f.unpack(a);
    let (eb, d) = f.unpack(b);
    e -= eb;
    if r < d {
        r <<= 1;
        e -= 1;
    }
    // Long division, one bit of the quotient a step: `mant + EXTRA + 1` of them, the
    // first a 1 as `d <= r < 2d`; a remainder left is the sticky bit.
    let mut q = 0u64;
    for _ in 0..=f.mant() + EXTRA {
        q <<= 1;
        if r >= d {
            r -= d;
            q |= 1;
        }
        r <<= 1;
    }
    round_pack(f, neg, e, q | (r != 0) as u64)
}

/// IEEE 754 comparison: `None` when either is a NaN, and `-0` equal to `+0`.
#[inline(never)]
pub(super) fn compare(f: Format, a: u64, b: u64) -> Option<Ordering> {
    if f.is_nan(a) || f.is_nan(b) {
        return None;
    }
    // Sign and magnitude to two's complement: the order of the integers is the order
    // of the values, and both zeros are 0.
    let key = |x: u64| {
        let m = f.magnitude(x) as i64;
        if f.is_negative(x) {
            -m
        } else {
            m
        }
    };
    Some(key(a).cmp(&key(b)))
}

/// Rounding to an integral value: `floor`, `ceil`, `trunc` and `nearest`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Round {
    Floor,
    Ceil,
    Trunc,
    Nearest,
}

/// Rounds to an integral value of the same format; a NaN comes out quiet.
#[inline(never)]
pub(super) fn round(f: Format, a: u64, mode: Round) -> u64 {
    if f.is_nan(a) {
        return f.quiet(a);
    }
    let neg = f.is_negative(a);
    let mag = f.magnitude(a);
    if mag == 0 {
        return a;
    }
    let e = (mag >> f.mant()) as i32 - f.bias();
    if e >= f.mant() as i32 {
        // Integral already, infinities included.
        return a;
    }
    let sign = a & f.sign();
    if e < 0 {
        // 0 < |a| < 1: the result is 0 or 1.
        let up = match mode {
            Round::Floor => neg,
            Round::Ceil => !neg,
            Round::Trunc => false,
            Round::Nearest => e == -1 && mag & (f.lead() - 1) != 0,
        };
        let one = (f.bias() as u64) << f.mant();
        return sign | if up { one } else { 0 };
    }
    // The significand's bits below the units.
    let unit = 1u64 << (f.mant() as i32 - e);
    let frac = mag & (unit - 1);
    if frac == 0 {
        return a;
    }
    let int = mag - frac;
    let up = match mode {
        Round::Floor => neg,
        Round::Ceil => !neg,
        Round::Trunc => false,
        Round::Nearest => {
            let half = unit >> 1;
            frac > half || (frac == half && int & unit != 0)
        }
    };
    // With `e` 0 the units bit is the exponent's lowest (the bias is odd), 1 as the
    // integral part is; a carry out of the significand goes into the exponent, exactly.
    sign | if up { int + unit } else { int }
}

/// The square root, rounded to nearest; a NaN comes out quiet, and a negative value
/// other than `-0` gives the canonical NaN.
#[inline(never)]
pub(super) fn sqrt(f: Format, a: u64) -> u64 {
    let mag = f.magnitude(a);
    if f.is_nan(a) {
        return f.quiet(a);
    }
    if mag == 0 {
        return a;
    }
    if f.is_negative(a) {
        return f.canonical_nan();
    }
    if mag == f.inf() {
        return a;
    }
    let (mut e, mut m) = f.unpack(a);
    // An even exponent halves exactly: move its odd bit into the significand.
    if e & 1 != 0 {
        m <<= 1;
        e -= 1;
    }
    // One bit of the root a step, the most significant first, with a bit below the
    // significand to round by: `q` ends with `mant + 2` bits, `rem` the remainder.
    let mut rem = m << 1;
    let (mut q, mut s) = (0u64, 0u64);
    let mut bit = 1u64 << (f.mant() + 1);
    while bit != 0 {
        let t = s + bit;
        if t <= rem {
            s = t + bit;
            rem -= t;
            q += bit;
        }
        rem <<= 1;
        bit >>= 1;
    }
    // A root is never exactly halfway between two neighbours, so the extra bit alone
    // decides the rounding.
    f.pack(e >> 1, (q + (q & 1)) >> 1)
}

/// An integer type a float converts to or from.
#[derive(Clone, Copy)]
pub(super) enum Int {
    I32,
    U32,
    I64,
    U64,
}

impl Int {
    fn signed(self) -> bool {
        matches!(self, Int::I32 | Int::I64)
    }
    fn bits(self) -> u32 {
        match self {
            Int::I32 | Int::U32 => 32,
            Int::I64 | Int::U64 => 64,
        }
    }
}

/// `trunc` (`sat` false: NaN and values out of range trap) and `trunc_sat` (`sat` true:
/// they saturate, NaN to 0) of a float to an integer; the result's bits zero-extended
/// to 64.
#[inline(never)]
pub(super) fn to_int(f: Format, a: u64, to: Int, sat: bool) -> Result<u64, TrapCode> {
    if f.is_nan(a) {
        return if sat {
            Ok(0)
        } else {
            Err(TrapCode::BadConversionToInteger)
        };
    }
    let neg = f.is_negative(a);
    // The magnitude, rounded towards zero; `None` when it is 2^64 or more.
    let magnitude = if f.magnitude(a) < (f.bias() as u64) << f.mant() {
        Some(0) // below one, zeros included
    } else {
        let (e, m) = f.unpack(a);
        let shift = e - f.mant() as i32;
        if e >= 64 {
            None
        } else if shift >= 0 {
            Some(m << shift)
        } else {
            Some(m >> -shift)
        }
    };
    let width_mask = u64::MAX >> (64 - to.bits());
    // The largest magnitude of each sign.
    let (max_neg, max_pos) = if to.signed() {
        (1u64 << (to.bits() - 1), width_mask >> 1)
    } else {
        (0, width_mask)
    };
    let limit = if neg { max_neg } else { max_pos };
    let mag = match magnitude {
        Some(mag) if mag <= limit => mag,
        _ if sat => limit,
        _ => return Err(TrapCode::IntegerOverflow),
    };
    let v = if neg { mag.wrapping_neg() } else { mag };
    Ok(v & width_mask)
}

/// `convert`: an integer (the low `from.bits()` of `v`) to the nearest float, ties to
/// even.
#[inline(never)]
pub(super) fn from_int(f: Format, v: u64, from: Int) -> u64 {
    let shift_out = 64 - from.bits();
    let (neg, mag) = if from.signed() {
        let x = ((v << shift_out) as i64) >> shift_out;
        (x < 0, x.unsigned_abs())
    } else {
        (false, (v << shift_out) >> shift_out)
    };
    if mag == 0 {
        return 0;
    }
    let top = 63 - mag.leading_zeros() as i32;
    let extra = top - f.mant() as i32;
    let m = if extra <= 0 {
        mag << -extra
    } else {
        let cut = mag & ((1 << extra) - 1);
        let half = 1u64 << (extra - 1);
        let m = mag >> extra;
        if cut > half || (cut == half && m & 1 != 0) {
            m + 1
        } else {
            m
        }
    };
    let sign = if neg { f.sign() } else { 0 };
    sign | f.pack(top, m)
}

/// `f32.demote_f64` of a value that is not a NaN (whose payload the caller moves):
/// rounded to nearest, to an infinity when too large, to a subnormal or zero when too
/// small.
#[inline(never)]
pub(super) fn demote(a: u64) -> u64 {
    let neg = F64.is_negative(a);
    let mag = F64.magnitude(a);
    let sign = if neg { F32.sign() } else { 0 };
    if mag == 0 || mag == F64.inf() {
        return sign | if mag == 0 { 0 } else { F32.inf() };
    }
    let (e, m) = F64.unpack(a);
    // The significand's 53 bits to `f32`'s 24 and the ones `round_pack` rounds by.
    round_pack(
        F32,
        neg,
        e,
        shift_sticky(m, F64.mant() - F32.mant() - EXTRA),
    )
}

/// `f64.promote_f32` of a value that is not a NaN: exact.
#[inline(never)]
pub(super) fn promote(a: u64) -> u64 {
    let mag = F32.magnitude(a);
    let sign = if F32.is_negative(a) { F64.sign() } else { 0 };
    if mag == 0 || mag == F32.inf() {
        return sign | if mag == 0 { 0 } else { F64.inf() };
    }
    let (e, m) = F32.unpack(a);
    sign | F64.pack(e, m << (F64.mant() - F32.mant()))
}

/// Unsigned 64-bit division, quotient and remainder, `d` not zero: one bit a step, from
/// the numerator's highest.
#[inline(never)]
pub(super) fn div_rem_u64(n: u64, d: u64) -> (u64, u64) {
    let (mut q, mut r) = (0u64, 0u64);
    let mut i = 64 - n.leading_zeros();
    while i > 0 {
        i -= 1;
        // `r < d`, so doubling it overflows only when it is then above `d` anyway.
        let carry = r >> 63 != 0;
        r = r << 1 | (n >> i) & 1;
        if carry || r >= d {
            r = r.wrapping_sub(d);
            q |= 1 << i;
        }
    }
    (q, r)
}

/// Signed 64-bit division, truncating, `d` not zero and not `i64::MIN / -1`; the
/// remainder has the numerator's sign.
pub(super) fn div_rem_i64(n: i64, d: i64) -> (i64, i64) {
    let (q, r) = div_rem_u64(n.unsigned_abs(), d.unsigned_abs());
    let q = if (n < 0) != (d < 0) {
        q.wrapping_neg()
    } else {
        q
    };
    let r = if n < 0 { r.wrapping_neg() } else { r };
    (q as i64, r as i64)
}

#[cfg(test)]
#[path = "soft_float_tests.rs"]
mod tests;
