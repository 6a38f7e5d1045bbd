//! Typed references: `ref.as_non_null`, `call_ref`, `return_call_ref`, `i31`, the
//! conversions between `any` and `extern`, `ref.test` and `ref.cast`.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#reference-instructions>

use super::control::{call_addr, tail_call_code};
use super::{trap, Cx, Flow, Hot};
use crate::exec::cast;
use crate::ir::{CastTarget, Slot};
use wisp_types::{cells, FuncAddr, RawVal, TrapCode};

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ref_as_non_null(h: &mut Hot, cx: &mut Cx<'_>, src: Slot) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    if unsafe { h.get(src) } == 0 {
        return trap(h, cx, TrapCode::NullReference);
    }
    Flow::Next
}

/// The function a `call_ref` calls: the cell `callee`, checked to be non-null and a
/// function of this store. Validation has checked its type.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn ref_callee(h: &mut Hot, cx: &mut Cx<'_>, callee: Slot) -> Result<FuncAddr, TrapCode> {
    // SAFETY: `callee` is a slot of the running frame.
    let Some(a) = RawVal(unsafe { h.get(callee) }).as_ref_addr() else {
        return Err(TrapCode::NullFuncRef);
    };
    // Function references come only from this store (`ref.func`, tables, the host's
    // checked values), so this holds; checked all the same, as `call_addr` trusts it.
    if a as usize >= cx.store.funcs.len() {
        return Err(TrapCode::NullFuncRef);
    }
    Ok(FuncAddr(a))
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn call_ref(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    callee: Slot,
    base: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    match unsafe { ref_callee(h, cx, callee) } {
        // SAFETY: the handler contract.
        Ok(f) => unsafe { call_addr(h, cx, f, base) },
        Err(code) => trap(h, cx, code),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_call_ref(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    callee: Slot,
    base: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    match unsafe { ref_callee(h, cx, callee) } {
        // SAFETY: the handler contract.
        Ok(f) => unsafe { tail_call_code(h, cx, None, f, base) },
        Err(code) => trap(h, cx, code),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ref_i31(h: &mut Hot, _: &mut Cx<'_>, dst: Slot, src: Slot) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, cells::ref_i31(v as u32)) };
    Flow::Next
}

/// The `i31` in `src`, or the trap of null.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn i31(h: &mut Hot, src: Slot) -> Option<u64> {
    // SAFETY: `src` is a slot of the running frame.
    let c = unsafe { h.get(src) };
    (c != 0).then_some(c)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn i31_get_s(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(c) = (unsafe { i31(h, src) }) else {
        return trap(h, cx, TrapCode::NullI31Ref);
    };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, cells::i31_get_s(c) as u32 as u64) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn i31_get_u(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(c) = (unsafe { i31(h, src) }) else {
        return trap(h, cx, TrapCode::NullI31Ref);
    };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, cells::i31_get_u(c) as u64) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn any_convert_extern(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, cells::any_convert_extern(v)) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn extern_convert_any(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, cells::extern_convert_any(v)) };
    Flow::Next
}

/// Whether the reference in `src` is of type `to` (a defined type named by the running
/// instance's index).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn is_of(h: &mut Hot, cx: &mut Cx<'_>, src: Slot, to: CastTarget) -> bool {
    // SAFETY: `src` is a slot of the running frame.
    let cell = unsafe { h.get(src) };
    cast::matches(cx.store, cx.regs.instance, cell, to)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ref_test(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    to: CastTarget,
) -> Flow {
    // SAFETY: the handler contract.
    let yes = unsafe { is_of(h, cx, src, to) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, yes as u64) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ref_cast(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    to: CastTarget,
) -> Flow {
    // SAFETY: the handler contract.
    if unsafe { is_of(h, cx, src, to) } {
        return Flow::Next;
    }
    trap(h, cx, TrapCode::CastFailure)
}
