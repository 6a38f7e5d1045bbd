//! Script values: arguments in, expected results out, with the spec's NaN patterns.

use wast::core::{HeapType, NanPattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};
use wisp::{ExternAddr, Val, F32, F64};

pub fn arg(a: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component-model argument".into());
    };
    Ok(match a {
        WastArgCore::I32(v) => Val::I32(*v),
        WastArgCore::I64(v) => Val::I64(*v),
        WastArgCore::F32(v) => Val::F32(F32(v.bits)),
        WastArgCore::F64(v) => Val::F64(F64(v.bits)),
        WastArgCore::RefNull(h) => null_of(h),
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(ExternAddr(*n))),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

fn null_of(h: &HeapType<'_>) -> Val {
    match h {
        HeapType::Abstract {
            ty: wast::core::AbstractHeapType::Extern,
            ..
        } => Val::ExternRef(None),
        _ => Val::FuncRef(None),
    }
}

/// Whether `v` is what the script expects.
pub fn matches(expected: &WastRet<'_>, v: &Val) -> Result<bool, String> {
    let WastRet::Core(e) = expected else {
        return Err("component-model result".into());
    };
    core_matches(e, v)
}

fn core_matches(e: &WastRetCore<'_>, v: &Val) -> Result<bool, String> {
    Ok(match (e, v) {
        (WastRetCore::I32(x), Val::I32(y)) => x == y,
        (WastRetCore::I64(x), Val::I64(y)) => x == y,
        (WastRetCore::F32(p), Val::F32(y)) => match p {
            NanPattern::CanonicalNan => y.0 & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => y.0 & 0x7fc0_0000 == 0x7fc0_0000,
            NanPattern::Value(x) => x.bits == y.0,
        },
        (WastRetCore::F64(p), Val::F64(y)) => match p {
            NanPattern::CanonicalNan => y.0 & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
            NanPattern::ArithmeticNan => y.0 & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
            NanPattern::Value(x) => x.bits == y.0,
        },
        (WastRetCore::RefNull(_), Val::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Val::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefExtern(None), Val::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(r)) => r.map(|a| a.0) == Some(*n),
        (WastRetCore::RefFunc(_), Val::FuncRef(r)) => r.is_some(),
        (WastRetCore::Either(list), v) => {
            for e in list {
                if core_matches(e, v)? {
                    return Ok(true);
                }
            }
            false
        }
        (WastRetCore::V128(_), _) => return Err("v128 results are not supported yet".into()),
        _ => false,
    })
}
