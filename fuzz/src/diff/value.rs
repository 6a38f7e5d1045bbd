//! Values as the differential targets compare them, and the arguments they pass.

use std::fmt;

/// A value as compared: floats by bits, references by null-ness only (a reference's
/// identity means nothing across engines).
#[derive(Clone, Copy, Debug)]
pub enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// `true` if null.
    FuncRef(bool),
    ExternRef(bool),
    ExnRef(bool),
    /// An `anyref` (or a subtype): `true` if null.
    AnyRef(bool),
}

impl V {
    /// Bit-equal, or both NaN (the spec leaves NaN bits open).
    pub fn same(&self, other: &V) -> bool {
        match (*self, *other) {
            (V::F32(a), V::F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (V::F64(a), V::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (V::I32(a), V::I32(b)) => a == b,
            (V::I64(a), V::I64(b)) => a == b,
            (V::V128(a), V::V128(b)) => a == b,
            (V::FuncRef(a), V::FuncRef(b)) => a == b,
            (V::ExternRef(a), V::ExternRef(b)) => a == b,
            (V::ExnRef(a), V::ExnRef(b)) => a == b,
            (V::AnyRef(a), V::AnyRef(b)) => a == b,
            _ => false,
        }
    }

    /// A null reference (never a number).
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            V::FuncRef(true) | V::ExternRef(true) | V::ExnRef(true) | V::AnyRef(true)
        )
    }
}

/// The same length and pairwise [`V::same`].
pub fn same_all(a: &[V], b: &[V]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let null = |n: bool| if n { "null" } else { "non-null" };
        match *self {
            V::I32(x) => write!(f, "i32:{x} ({:#x})", x as u32),
            V::I64(x) => write!(f, "i64:{x} ({:#x})", x as u64),
            V::F32(b) => write!(f, "f32:{:?} ({b:#010x})", f32::from_bits(b)),
            V::F64(b) => write!(f, "f64:{:?} ({b:#018x})", f64::from_bits(b)),
            V::V128(b) => write!(f, "v128:{b:#034x}"),
            V::FuncRef(n) => write!(f, "funcref:{}", null(n)),
            V::ExternRef(n) => write!(f, "externref:{}", null(n)),
            V::ExnRef(n) => write!(f, "exnref:{}", null(n)),
            V::AnyRef(n) => write!(f, "anyref:{}", null(n)),
        }
    }
}

/// Shows a list of values as `[a, b]`.
pub struct Vals<'a>(pub &'a [V]);

impl fmt::Display for Vals<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{v}")?;
        }
        f.write_str("]")
    }
}

pub fn from_wisp(v: &wisp::Val) -> V {
    match *v {
        wisp::Val::I32(x) => V::I32(x),
        wisp::Val::I64(x) => V::I64(x),
        wisp::Val::F32(x) => V::F32(x.0),
        wisp::Val::F64(x) => V::F64(x.0),
        wisp::Val::V128(x) => V::V128(x),
        wisp::Val::FuncRef(r) => V::FuncRef(r.is_none()),
        wisp::Val::ExternRef(r) => V::ExternRef(r.is_none()),
        wisp::Val::ExnRef(r) => V::ExnRef(r.is_none()),
        wisp::Val::AnyRef(r) => V::AnyRef(r.is_none()),
        // `Val` is non_exhaustive: a type Wisp adds later needs a case here before the
        // fuzzed modules may use it.
        ref other => unreachable!("no comparison for {other:?}"),
    }
}

/// References become null: the targets never pass a non-null one.
pub fn to_wisp(v: V) -> wisp::Val {
    match v {
        V::I32(x) => wisp::Val::I32(x),
        V::I64(x) => wisp::Val::I64(x),
        V::F32(x) => wisp::Val::F32(wisp::F32(x)),
        V::F64(x) => wisp::Val::F64(wisp::F64(x)),
        V::V128(x) => wisp::Val::V128(x),
        V::FuncRef(_) => wisp::Val::FuncRef(None),
        V::ExternRef(_) => wisp::Val::ExternRef(None),
        V::ExnRef(_) => wisp::Val::ExnRef(None),
        V::AnyRef(_) => wisp::Val::AnyRef(None),
    }
}

// ---------------------------------------------------------------------------------------
// Arguments: a deterministic function of the input's seed, the export's position and the
// parameter's position. Reference parameters are always null.

const INTERESTING_INTS: [u64; 16] = [
    0,
    1,
    2,
    7,
    0x7f,
    0x80,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
];
const INTERESTING_FLOATS: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -1.5,
    2147483648.0,
    -2147483649.0,
    4294967296.0,
    1e-40,
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    123456.789,
];

/// splitmix64.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mode (`seed % 4`): 0 zeros; 1 small integers (0..16) and small floats; 2 values from the
/// interesting lists above; 3 random bits.
pub fn arg(seed: u64, export: usize, param: usize, ty: wisp::ValType) -> V {
    use wisp::ValType as T;
    let r = mix(seed ^ mix(export as u64) ^ mix((param as u64) << 32));
    let r2 = mix(r);
    let default = || from_wisp(&wisp::Val::default_of(ty));
    match seed % 4 {
        0 => default(),
        1 => {
            let n = r % 16;
            match ty {
                T::I32 => V::I32(n as i32),
                T::I64 => V::I64(n as i64),
                T::F32 => V::F32((n as f32).to_bits()),
                T::F64 => V::F64((n as f64).to_bits()),
                T::V128 => V::V128(n as u128 * 0x0101_0101_0101_0101_0101_0101_0101_0101),
                _ => default(),
            }
        }
        2 => {
            let i = INTERESTING_INTS[(r % 16) as usize];
            let f = INTERESTING_FLOATS[(r % 16) as usize];
            match ty {
                T::I32 => V::I32(i as i32),
                T::I64 => V::I64(i as i64),
                T::F32 => V::F32((f as f32).to_bits()),
                T::F64 => V::F64(f.to_bits()),
                T::V128 => {
                    V::V128((i as u128) | ((INTERESTING_INTS[(r2 % 16) as usize] as u128) << 64))
                }
                _ => default(),
            }
        }
        _ => match ty {
            T::I32 => V::I32(r as i32),
            T::I64 => V::I64(r as i64),
            T::F32 => V::F32(r as u32),
            T::F64 => V::F64(r),
            T::V128 => V::V128((r as u128) | ((r2 as u128) << 64)),
            _ => default(),
        },
    }
}
