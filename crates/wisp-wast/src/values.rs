//! Script values: arguments in, expected results out, with the spec's NaN patterns.

use wast::core::{HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};
use wisp::{AnyRef, ExternRef, Store, Val, F32, F64};

/// The value of a script argument; a host reference `ref.extern n` becomes a new
/// [`ExternRef`] in `store` holding `n`.
pub fn arg<T>(a: &WastArg<'_>, store: &mut Store<T>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component-model argument".into());
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(F32(v.bits)),
        WastArgCore::F64(v) => Val::F64(F64(v.bits)),
        WastArgCore::RefNull(h) => null_of(h),
        WastArgCore::RefExtern(n) => ExternRef::new(store, *n).to_val(),
        // A host reference in the `any` hierarchy.
        WastArgCore::RefHost(n) => AnyRef::convert_extern(ExternRef::new(store, *n)).to_val(),
        WastArgCore::V128(v) => Val::V128(u128::from_le_bytes(v.to_le_bytes())),
    })
}

/// The null of a heap type's hierarchy. A defined type's is not known here: it is
/// taken as a function's, and the runner gives it the parameter's hierarchy
/// ([`null_for`]).
fn null_of(h: &HeapType<'_>) -> Val {
    use wast::core::AbstractHeapType as A;
    match h {
        HeapType::Abstract {
            ty: A::Extern | A::NoExtern,
            ..
        } => Val::ExternRef(None),
        HeapType::Abstract {
            ty: A::Exn | A::NoExn,
            ..
        } => Val::ExnRef(None),
        HeapType::Abstract {
            ty: A::Any | A::Eq | A::I31 | A::Struct | A::Array | A::None,
            ..
        } => Val::AnyRef(None),
        _ => Val::FuncRef(None),
    }
}

/// A null argument as the null of the parameter type's hierarchy, which for a
/// defined type the script does not spell out.
pub fn null_for(v: Val, param: wisp::ValType) -> Val {
    match param {
        wisp::ValType::Ref(r) if v.is_null() => Val::default_of(wisp::ValType::Ref(r)),
        _ => v,
    }
}

/// Whether `v` is what the script expects (host references are looked up in `store`).
pub fn matches<T>(expected: &WastRet<'_>, v: &Val, store: &Store<T>) -> Result<bool, String> {
    let WastRet::Core(e) = expected else {
        return Err("component-model result".into());
    };
    core_matches(e, v, store)
}

fn core_matches<T>(e: &WastRetCore<'_>, v: &Val, store: &Store<T>) -> Result<bool, String> {
    Ok(match (e, v) {
        (WastRetCore::I32(x), Val::I32(y)) => x == y,
        (WastRetCore::I64(x), Val::I64(y)) => x == y,
        (WastRetCore::F32(p), Val::F32(y)) => f32_matches(p, y.0),
        (WastRetCore::F64(p), Val::F64(y)) => f64_matches(p, y.0),
        (WastRetCore::V128(p), Val::V128(v)) => v128_matches(p, *v),
        (WastRetCore::RefNull(_), Val::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::ExnRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::AnyRef(r)) => r.is_none(),
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(r)) => {
            let held = r.and_then(|r| r.data(store)?.downcast_ref::<u32>().copied());
            held == Some(*n)
        }
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::RefI31, Val::AnyRef(Some(a))) => a.as_i31().is_some(),
        (WastRetCore::RefEq, Val::AnyRef(Some(a))) => {
            a.as_i31().is_some() || a.is_struct(store) || a.is_array(store)
        }
        (WastRetCore::RefStruct, Val::AnyRef(Some(a))) => a.is_struct(store),
        (WastRetCore::RefArray, Val::AnyRef(Some(a))) => a.is_array(store),
        (WastRetCore::RefAny, Val::AnyRef(r)) => r.is_some(),
        // A host reference made internal by `any.convert_extern`.
        (WastRetCore::RefExtern(Some(n)) | WastRetCore::RefHost(n), Val::AnyRef(Some(a))) => {
            let ext = ExternRef::convert_any(*a);
            ext.data(store)
                .and_then(|d| d.downcast_ref::<u32>().copied())
                == Some(*n)
        }
        (WastRetCore::RefExtern(None), Val::AnyRef(r)) => r.is_some(),
        (WastRetCore::Either(list), v) => {
            for e in list {
                if core_matches(e, v, store)? {
                    return Ok(true);
                }
            }
            false
        }
        _ => false,
    })
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(x) => x.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(x) => x.bits == bits,
    }
}

/// A vector matches lane by lane; float lanes may carry NaN patterns.
fn v128_matches(p: &V128Pattern, v: u128) -> bool {
    let b = v.to_le_bytes();
    let lane = |i: usize, w: usize| -> u64 {
        let mut x = [0u8; 8];
        x[..w].copy_from_slice(&b[i * w..i * w + w]);
        u64::from_le_bytes(x)
    };
    match p {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 1) == *x as u8 as u64),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 2) == *x as u16 as u64),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(i, 4) == *x as u32 as u64),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| lane(i, 8) == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(p, lane(i, 4) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}
