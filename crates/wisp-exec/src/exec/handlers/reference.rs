//! Typed references: `ref.as_non_null`, `call_ref` and `return_call_ref`.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#reference-instructions>

use super::control::{call_addr, tail_call_code};
use super::{trap, Cx, Flow, Hot};
use crate::ir::Slot;
use wisp_types::{FuncAddr, RawVal, TrapCode};

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
