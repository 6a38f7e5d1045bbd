//! `throw` and `throw_ref`: they name what is thrown and leave the rest to the unwinder
//! (`exec/unwind.rs`), which runs only when something is thrown.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-throw-x>

use super::{trap, Cx, Flow, Hot};
use crate::exec::Thrown;
use crate::ir::{Slot, TagIdx};
use wisp_types::{ExnAddr, RawVal, TrapCode};

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn throw(h: &mut Hot, cx: &mut Cx<'_>, tag: TagIdx, base: Slot) -> Flow {
    let inst = &cx.store.instances[cx.regs.instance as usize];
    let tag = inst.tags[tag.0 as usize];
    cx.regs.ip = h.ip;
    cx.thrown = Thrown::Payload {
        tag,
        at: cx.regs.base + base.index(),
    };
    Flow::Throw
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn throw_ref(h: &mut Hot, cx: &mut Cx<'_>, exn: Slot) -> Flow {
    // SAFETY: `exn` is a slot of the running frame.
    let Some(a) = RawVal(unsafe { h.get(exn) }).as_ref_addr() else {
        return trap(h, cx, TrapCode::NullExnRef);
    };
    cx.regs.ip = h.ip;
    cx.thrown = Thrown::Exn(ExnAddr(a));
    Flow::Throw
}
