//! Views of a `v128` as lanes, and the instructions that only move lanes around.

macro_rules! lane_views {
    ($($to:ident $from:ident $t:ty, $n:literal, $w:literal;)*) => {$(
        #[inline(always)]
        pub fn $to(v: u128) -> [$t; $n] {
            let b = v.to_le_bytes();
            let mut out = [<$t>::default(); $n];
            for (i, o) in out.iter_mut().enumerate() {
                let mut x = [0u8; $w];
                x.copy_from_slice(&b[i * $w..i * $w + $w]);
                *o = <$t>::from_le_bytes(x);
            }
            out
        }
        #[inline(always)]
        pub fn $from(a: [$t; $n]) -> u128 {
            let mut b = [0u8; 16];
            for (i, x) in a.iter().enumerate() {
                b[i * $w..i * $w + $w].copy_from_slice(&x.to_le_bytes());
            }
            u128::from_le_bytes(b)
        }
    )*};
}
lane_views! {
    i8s from_i8s i8, 16, 1;
    u8s from_u8s u8, 16, 1;
    i16s from_i16s i16, 8, 2;
    u16s from_u16s u16, 8, 2;
    i32s from_i32s i32, 4, 4;
    u32s from_u32s u32, 4, 4;
    i64s from_i64s i64, 2, 8;
    u64s from_u64s u64, 2, 8;
    f32s from_f32s f32, 4, 4;
    f64s from_f64s f64, 2, 8;
}

pub fn i8x16_splat(x: u64) -> u128 {
    from_u8s([x as u8; 16])
}
pub fn i16x8_splat(x: u64) -> u128 {
    from_u16s([x as u16; 8])
}
pub fn i32x4_splat(x: u64) -> u128 {
    from_u32s([x as u32; 4])
}
pub fn i64x2_splat(x: u64) -> u128 {
    from_u64s([x; 2])
}
pub fn f32x4_splat(x: u64) -> u128 {
    i32x4_splat(x)
}
pub fn f64x2_splat(x: u64) -> u128 {
    i64x2_splat(x)
}

/// Lane extraction; `lane` was validated against the lane count.
pub fn i8x16_extract_lane_s(v: u128, lane: u32) -> u64 {
    i8s(v)[lane as usize & 15] as i32 as u32 as u64
}
pub fn i8x16_extract_lane_u(v: u128, lane: u32) -> u64 {
    u8s(v)[lane as usize & 15] as u64
}
pub fn i16x8_extract_lane_s(v: u128, lane: u32) -> u64 {
    i16s(v)[lane as usize & 7] as i32 as u32 as u64
}
pub fn i16x8_extract_lane_u(v: u128, lane: u32) -> u64 {
    u16s(v)[lane as usize & 7] as u64
}
pub fn i32x4_extract_lane(v: u128, lane: u32) -> u64 {
    u32s(v)[lane as usize & 3] as u64
}
pub fn i64x2_extract_lane(v: u128, lane: u32) -> u64 {
    u64s(v)[lane as usize & 1]
}
pub fn f32x4_extract_lane(v: u128, lane: u32) -> u64 {
    i32x4_extract_lane(v, lane)
}
pub fn f64x2_extract_lane(v: u128, lane: u32) -> u64 {
    i64x2_extract_lane(v, lane)
}

pub fn i8x16_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    let mut a = u8s(v);
    a[lane as usize & 15] = x as u8;
    from_u8s(a)
}
pub fn i16x8_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    let mut a = u16s(v);
    a[lane as usize & 7] = x as u16;
    from_u16s(a)
}
pub fn i32x4_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    let mut a = u32s(v);
    a[lane as usize & 3] = x as u32;
    from_u32s(a)
}
pub fn i64x2_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    let mut a = u64s(v);
    a[lane as usize & 1] = x;
    from_u64s(a)
}
pub fn f32x4_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    i32x4_replace_lane(v, x, lane)
}
pub fn f64x2_replace_lane(v: u128, x: u64, lane: u32) -> u128 {
    i64x2_replace_lane(v, x, lane)
}

/// Picks bytes of `a ++ b` by index; indices were validated to be below 32.
pub fn i8x16_shuffle(a: u128, b: u128, lanes: u128) -> u128 {
    let (a, b, l) = (u8s(a), u8s(b), u8s(lanes));
    from_u8s(core::array::from_fn(|i| {
        let j = l[i] as usize & 31;
        if j < 16 {
            a[j]
        } else {
            b[j - 16]
        }
    }))
}

/// Like shuffle with run-time indices; out-of-range indices give zero.
pub fn i8x16_swizzle(a: u128, s: u128) -> u128 {
    let (a, s) = (u8s(a), u8s(s));
    from_u8s(core::array::from_fn(|i| {
        a.get(s[i] as usize).copied().unwrap_or(0)
    }))
}

pub fn v128_not(a: u128) -> u128 {
    !a
}
pub fn v128_and(a: u128, b: u128) -> u128 {
    a & b
}
pub fn v128_andnot(a: u128, b: u128) -> u128 {
    a & !b
}
pub fn v128_or(a: u128, b: u128) -> u128 {
    a | b
}
pub fn v128_xor(a: u128, b: u128) -> u128 {
    a ^ b
}
pub fn v128_bitselect(a: u128, b: u128, c: u128) -> u128 {
    (a & c) | (b & !c)
}
pub fn v128_any_true(a: u128) -> u64 {
    (a != 0) as u64
}

/// Memory loads that widen, splat or zero-extend: `bytes` is what was read.
pub fn load_8x8_s(b: [u8; 8]) -> u128 {
    from_i16s(b.map(|x| x as i8 as i16))
}
pub fn load_8x8_u(b: [u8; 8]) -> u128 {
    from_u16s(b.map(|x| x as u16))
}
pub fn load_16x4_s(b: [u8; 8]) -> u128 {
    from_i32s(core::array::from_fn(|i| {
        i16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as i32
    }))
}
pub fn load_16x4_u(b: [u8; 8]) -> u128 {
    from_u32s(core::array::from_fn(|i| {
        u16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as u32
    }))
}
pub fn load_32x2_s(b: [u8; 8]) -> u128 {
    let lo = i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64;
    let hi = i32::from_le_bytes([b[4], b[5], b[6], b[7]]) as i64;
    from_i64s([lo, hi])
}
pub fn load_32x2_u(b: [u8; 8]) -> u128 {
    let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as u64;
    let hi = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as u64;
    from_u64s([lo, hi])
}
pub fn load_8_splat(b: [u8; 1]) -> u128 {
    i8x16_splat(b[0] as u64)
}
pub fn load_16_splat(b: [u8; 2]) -> u128 {
    i16x8_splat(u16::from_le_bytes(b) as u64)
}
pub fn load_32_splat(b: [u8; 4]) -> u128 {
    i32x4_splat(u32::from_le_bytes(b) as u64)
}
pub fn load_64_splat(b: [u8; 8]) -> u128 {
    i64x2_splat(u64::from_le_bytes(b))
}
pub fn load_32_zero(b: [u8; 4]) -> u128 {
    u32::from_le_bytes(b) as u128
}
pub fn load_64_zero(b: [u8; 8]) -> u128 {
    u64::from_le_bytes(b) as u128
}
pub fn load_128(b: [u8; 16]) -> u128 {
    u128::from_le_bytes(b)
}

/// `v` with lane `lane` (of `W` bytes) replaced by `bytes`.
///
/// The bytes come by value: a handler's tail call survives only if no local of its
/// frame has its address passed on, and without LTO this is not always inlined into
/// the `v128.loadN_lane` handlers (`exec/dispatch.rs`).
pub fn replace_bytes<const W: usize>(v: u128, lane: u32, bytes: [u8; W]) -> u128 {
    let mut b = v.to_le_bytes();
    let start = (lane as usize * W) % 16;
    b[start..start + W].copy_from_slice(&bytes);
    u128::from_le_bytes(b)
}

/// The bytes of lane `lane` of `v`, for lanes of `W` bytes.
pub fn lane_bytes<const W: usize>(v: u128, lane: u32) -> [u8; W] {
    let b = v.to_le_bytes();
    let start = (lane as usize * W) % 16;
    let mut out = [0u8; W];
    out.copy_from_slice(&b[start..start + W]);
    out
}
