//! Control instructions: branches, calls and returns, fuel.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>
//!
//! Calls and returns have a fast path inline (a Wasm callee of the same instance,
//! already translated, whose frame fits the stacks as they are) and a general path out
//! of line (`call_slow`, `return_slow`), which the body asks for through its [`Flow`].
// The accumulator forms' bodies go unused in a build without them.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{trap, Cx, Flow, Hot};
#[cfg(wisp_tail_dispatch)]
use crate::exec::dispatch::Exit;
use crate::exec::{enter, Entered, RunResult};
#[cfg(feature = "fused")]
use crate::ir::MemOffset;
use crate::ir::{DefinedFuncIdx, FuncIdx, Imm32, Offset, Op, Slot, SlotPair, TypeIdx};
use crate::stack::{Frame, Regs};
use crate::CompiledFunc;
use wisp_store::FuncKind;
use wisp_types::{FuncAddr, TrapCode};

/// `Arg` is never executed: the instruction before it steps over it.
///
/// # Safety
/// None needed; `unsafe` for the shape of a body.
#[inline(always)]
pub(in crate::exec) unsafe fn arg(_: &mut Hot, _: &mut Cx<'_>, _: u32, _: u32) -> Flow {
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn unreachable(h: &mut Hot, cx: &mut Cx<'_>) -> Flow {
    trap(h, cx, TrapCode::Unreachable)
}

/// Charges `amount` fuel, or traps pointing back at this instruction, so that a resume
/// with more fuel charges again.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn consume_fuel(h: &mut Hot, cx: &mut Cx<'_>, amount: u32) -> Flow {
    if *cx.fuel < amount as u64 {
        // SAFETY: `ip` is one past this instruction.
        h.ip = unsafe { h.ip.sub(1) };
        return trap(h, cx, TrapCode::OutOfFuel);
    }
    *cx.fuel -= amount as u64;
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br(h: &mut Hot, _: &mut Cx<'_>, target: Offset) -> Flow {
    // SAFETY: the handler contract: `target` is this branch's.
    unsafe { h.jump(target) };
    Flow::Next
}

/// Jumps to `target` if `taken`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), `target` this branch's.
#[inline(always)]
unsafe fn br_if(h: &mut Hot, taken: bool, target: Offset) -> Flow {
    if taken {
        // SAFETY: see the function's contract.
        unsafe { h.jump(target) };
    }
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_nez(
    h: &mut Hot,
    _: &mut Cx<'_>,
    cond: Slot,
    target: Offset,
) -> Flow {
    // SAFETY: `cond` is a slot of the running frame.
    let c = unsafe { h.get(cond) };
    // SAFETY: the handler contract.
    unsafe { br_if(h, c as u32 != 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_eqz(
    h: &mut Hot,
    _: &mut Cx<'_>,
    cond: Slot,
    target: Offset,
) -> Flow {
    // SAFETY: `cond` is a slot of the running frame.
    let c = unsafe { h.get(cond) };
    // SAFETY: the handler contract.
    unsafe { br_if(h, c as u32 == 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_nez_acc(h: &mut Hot, _: &mut Cx<'_>, target: Offset) -> Flow {
    // SAFETY: the handler contract.
    unsafe { br_if(h, h.acc as u32 != 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_if_eqz_acc(h: &mut Hot, _: &mut Cx<'_>, target: Offset) -> Flow {
    // SAFETY: the handler contract.
    unsafe { br_if(h, h.acc as u32 == 0, target) }
}

/// Jumps if comparison `f` of `lhs` and `rhs` holds.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_cmp(
    h: &mut Hot,
    _: &mut Cx<'_>,
    lhs: Slot,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, b) = unsafe { h.get2(lhs, rhs) };
    // SAFETY: the handler contract.
    unsafe { br_if(h, f(a, b) != 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_cmp_imm(
    h: &mut Hot,
    _: &mut Cx<'_>,
    lhs: Slot,
    imm: Imm32,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `lhs` is a slot of the running frame.
    let a = unsafe { h.get(lhs) };
    // SAFETY: the handler contract.
    unsafe { br_if(h, f(a, imm.cell()) != 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_cmp_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    rhs: Slot,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: `rhs` is a slot of the running frame.
    let b = unsafe { h.get(rhs) };
    // SAFETY: the handler contract.
    unsafe { br_if(h, f(h.acc, b) != 0, target) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_cmp_imm_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    imm: Imm32,
    target: Offset,
    f: impl Fn(u64, u64) -> u64,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe { br_if(h, f(h.acc, imm.cell()) != 0, target) }
}

/// The table's `Br`s follow the instruction: jumps where the chosen one goes, without
/// dispatching it.
///
/// # Safety
/// The handler contract, with `len + 1` `Br`s after the instruction.
#[inline(always)]
unsafe fn br_table_at(h: &mut Hot, index: u64, len: u32) -> Flow {
    // SAFETY: the `Br`s are there (translator invariant), and the index is clamped.
    let at = unsafe { h.ip.add((index as u32).min(len) as usize) };
    // SAFETY: `at` points at one of them.
    match unsafe { *at } {
        Op::BrTableTarget { target, tag } => {
            // SAFETY: as for a `Br`, below.
            h.ip = unsafe { at.add(1) };
            // SAFETY: as below.
            unsafe { h.jump(target) };
            return Flow::NextTagged(tag);
        }
        Op::Br { target } => {
            // SAFETY: the function goes on past the `Br`, to the rest of the table or a
            // landing pad.
            h.ip = unsafe { at.add(1) };
            // SAFETY: `jump` counts from the instruction before `ip`: that `Br`.
            unsafe { h.jump(target) }
        }
        _ => h.ip = at,
    }
    Flow::Next
}

/// A table's entry reached other than through its table: a `Br` whose target's
/// discriminant is known.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), `tag` the discriminant of the instruction
/// at `target`.
#[inline(always)]
pub(in crate::exec) unsafe fn br_table_target(
    h: &mut Hot,
    _: &mut Cx<'_>,
    target: Offset,
    tag: u32,
) -> Flow {
    // SAFETY: the handler contract: `target` is this branch's.
    unsafe { h.jump(target) };
    Flow::NextTagged(tag)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_table(h: &mut Hot, _: &mut Cx<'_>, index: Slot, len: u32) -> Flow {
    // SAFETY: `index` is a slot of the running frame.
    let i = unsafe { h.get(index) };
    // SAFETY: the handler contract.
    unsafe { br_table_at(h, i, len) }
}

/// `br_table` on the byte at `addr + offset` in memory 0, or the load's trap.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), with `len + 1` `Br`s after the instruction.
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn br_table_load8u(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    offset: MemOffset,
    len: u32,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    match unsafe { super::memory::read::<1>(h, cx, a, offset) } {
        // SAFETY: the handler contract.
        Ok([byte]) => unsafe { br_table_at(h, byte as u64, len) },
        Err(t) => trap(h, cx, t),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn br_table_acc(h: &mut Hot, _: &mut Cx<'_>, len: u32) -> Flow {
    // SAFETY: the handler contract.
    unsafe { br_table_at(h, h.acc, len) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn copy_br(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    target: Offset,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, v) };
    // SAFETY: the handler contract: `target` is this branch's.
    unsafe { h.jump(target) };
    Flow::Next
}

/// `dsts.first = srcs.first`, then `dsts.second = srcs.second`, then the jump.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn copy_pair_br(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dsts: SlotPair,
    srcs: SlotPair,
    target: Offset,
) -> Flow {
    // SAFETY: the slots are the running frame's.
    let v = unsafe { h.get(srcs.first()) };
    // SAFETY: as above.
    unsafe { h.set(dsts.first(), v) };
    // SAFETY: as above; read after the first write, which it may depend on.
    let v = unsafe { h.get(srcs.second()) };
    // SAFETY: as above.
    unsafe { h.set(dsts.second(), v) };
    // SAFETY: the handler contract: `target` is this branch's.
    unsafe { h.jump(target) };
    Flow::Next
}

/// Returns to the caller's frame if it is in the same instance (memory 0 can then only
/// have moved if the callee grew it, and `memory.grow` reloaded it); anything else out
/// of line.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(super) unsafe fn do_return(h: &mut Hot, cx: &mut Cx<'_>) -> Flow {
    match cx.stack.frames.last() {
        Some(&f) if f.instance == cx.regs.instance => {
            cx.stack.frames.pop();
            cx.regs.base = f.base;
            cx.regs.func = f.func;
            h.ip = f.ret;
            // SAFETY: the caller's frame was reserved when it was entered.
            h.sp = unsafe { cx.stack.values.as_mut_ptr().add(f.base) };
            Flow::Next
        }
        _ => Flow::ReturnSlow,
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_(h: &mut Hot, cx: &mut Cx<'_>) -> Flow {
    // SAFETY: the handler contract.
    unsafe { do_return(h, cx) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_copy(h: &mut Hot, cx: &mut Cx<'_>, src: Slot) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: every frame has a slot 0 (a function with a result has at least one cell).
    unsafe { h.set(Slot(0), v) };
    // SAFETY: the handler contract.
    unsafe { do_return(h, cx) }
}

/// The call fast path: pushes the caller's frame and enters `c` at cell `at`, if the
/// frame fits the value stack and the call stack has room without growing. Returns
/// the callee's `sp`.
///
/// # Safety
/// `c` points at the code of `callee`, a function of the running instance, which lives
/// as long as the store.
#[inline(always)]
unsafe fn enter_fast(
    cx: &mut Cx<'_>,
    c: *const CompiledFunc,
    callee: FuncAddr,
    at: usize,
    ret: *const Op,
) -> Option<*mut wisp_types::RawVal> {
    // SAFETY: see the function's contract.
    let frame_size = unsafe { (*c).frame_size };
    let fits = at + frame_size as usize <= cx.stack.values.len() && cx.stack.has_frame_room();
    if !fits {
        return None;
    }
    let frame = Frame {
        ret,
        base: cx.regs.base,
        instance: cx.regs.instance,
        func: cx.regs.func,
    };
    // SAFETY: `has_frame_room` says the push fits the call stack's capacity.
    unsafe { cx.stack.frames.push_within_capacity(frame) };
    cx.regs.base = at;
    cx.regs.func = callee;
    // SAFETY: cells `at..at + frame_size` lie inside the value stack (checked above).
    Some(unsafe { cx.stack.values.as_mut_ptr().add(at) })
}

/// Enters `callee`, whose code is `code` if it is translated and in the running
/// instance, by the fast path when it applies and through `enter` otherwise.
///
/// # Safety
/// The handler contract; `code`, if any, is `callee`'s and `callee` is of the running
/// instance.
#[inline(always)]
unsafe fn call_code(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    code: Option<*const CompiledFunc>,
    callee: FuncAddr,
    at: usize,
) -> Flow {
    // SAFETY: see the function's contract; compiled code lives as long as the store.
    let fast = code.and_then(|c| Some((c, unsafe { enter_fast(cx, c, callee, at, h.ip) }?)));
    match fast {
        Some((c, callee_sp)) => {
            h.sp = callee_sp;
            // SAFETY: as above.
            h.ip = unsafe { (*c).ops.as_ptr() };
            Flow::Next
        }
        None => {
            cx.regs.ip = h.ip;
            cx.pending_call = (callee, at);
            Flow::CallSlow
        }
    }
}

/// Calls `callee` with its frame at `base` in the caller's: the fast path for a Wasm
/// callee of the same instance, already translated; anything else through `enter`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(super) unsafe fn call_addr(h: &mut Hot, cx: &mut Cx<'_>, callee: FuncAddr, base: Slot) -> Flow {
    let at = cx.regs.base + base.index();
    // SAFETY: function addresses are never stale: the store only ever adds function
    // instances.
    let fast = match &unsafe { cx.store.funcs.get_unchecked(callee.0 as usize) }.kind {
        FuncKind::Wasm { instance, code } if instance.0 == cx.regs.instance => code
            .module
            .translated(code.index as usize)
            .map(|c| c as *const CompiledFunc),
        _ => None,
    };
    // SAFETY: `fast` is `callee`'s code, in the running instance.
    unsafe { call_code(h, cx, fast, callee, at) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn call(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: FuncIdx,
    base: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let callee = unsafe { callee(cx, func) };
    // SAFETY: the handler contract.
    unsafe { call_addr(h, cx, callee, base) }
}

/// The function `func` of the running instance.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`): `func` is the operand of a call.
#[inline(always)]
unsafe fn callee(cx: &Cx<'_>, func: FuncIdx) -> FuncAddr {
    // SAFETY: `cx.regs.instance` is the address of a live module instance, and
    // validation checked `func` against its function count, the length of its `funcs`.
    let inst = unsafe { cx.store.instances.get_unchecked(cx.regs.instance as usize) };
    // SAFETY: as above.
    *unsafe { inst.funcs.get_unchecked(func.0 as usize) }
}

/// The module's own defined function `func`, and its code if it is translated.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`): `func` is the operand of a call.
#[inline(always)]
unsafe fn defined_callee(
    cx: &Cx<'_>,
    func: DefinedFuncIdx,
) -> (FuncAddr, Option<*const CompiledFunc>) {
    // SAFETY: validation checked `func` against the module's functions, and `cx.code`
    // and `cx.defined` have one entry per defined function of the running instance's
    // module (`switch_instance`).
    let callee = unsafe { cx.defined.add(func.0 as usize) };
    // SAFETY: as above; the addresses are initialized.
    let callee = unsafe { *callee };
    // SAFETY: as above.
    let cell = unsafe { cx.code.add(func.0 as usize) };
    // SAFETY: as above; the cells live as long as the module, which the store holds.
    let code = unsafe { &*cell }.get().map(|c| c as *const CompiledFunc);
    (callee, code)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn call_internal(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: DefinedFuncIdx,
    base: Slot,
) -> Flow {
    let at = cx.regs.base + base.index();
    // SAFETY: the handler contract.
    let (callee, code) = unsafe { defined_callee(cx, func) };
    // Not translated yet, or the stacks must grow (or overflow): `enter`.
    // SAFETY: `code` is `callee`'s, in the running instance.
    unsafe { call_code(h, cx, code, callee, at) }
}

/// [`call_internal`] after copying the first argument into place.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn call_internal_copy(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: DefinedFuncIdx,
    base: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `base` is a slot of the running frame.
    unsafe { h.set(base, v) };
    // SAFETY: the handler contract.
    unsafe { call_internal(h, cx, func, base) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`); an `Arg { a: table, .. }` follows.
#[inline(always)]
pub(in crate::exec) unsafe fn call_indirect(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: Slot,
    base: Slot,
    ty: TypeIdx,
) -> Flow {
    // SAFETY: the handler contract.
    match unsafe { indirect_callee(h, cx, index, ty) } {
        // SAFETY: the handler contract.
        Ok(callee) => unsafe { call_addr(h, cx, callee, base) },
        Err(code) => trap(h, cx, code),
    }
}

/// The function that `call_indirect` and `return_call_indirect` call: the element
/// `index` of the table in the `Arg` after the instruction (stepped over), checked to be
/// a function of type `ty`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`); an `Arg { a: table, .. }` follows.
#[inline(always)]
unsafe fn indirect_callee(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: Slot,
    ty: TypeIdx,
) -> Result<FuncAddr, TrapCode> {
    // SAFETY: the handler contract.
    let Some((table, _)) = (unsafe { h.arg() }) else {
        return Err(TrapCode::Unreachable);
    };
    // SAFETY: `cx.regs.instance` is the address of a live module instance.
    let inst = unsafe { cx.store.instances.get_unchecked(cx.regs.instance as usize) };
    // SAFETY: validation checked the table index against the module's tables, one
    // address each in the instance.
    let ta = unsafe { *inst.tables.get_unchecked(table as usize) };
    // SAFETY: table addresses are never stale.
    let table = unsafe { cx.store.tables.get_unchecked(ta as usize) };
    // SAFETY: `index` is a slot of the running frame.
    let i = unsafe { h.get(index) } as u32;
    let Some(cell) = table.elements.get(i as usize) else {
        return Err(TrapCode::UndefinedElement);
    };
    let Some(callee) = cell.as_ref_addr() else {
        return Err(TrapCode::UninitializedElement);
    };
    // Equal types are one id; a subtype (WebAssembly 3.0) needs the registry.
    // SAFETY: a table holds addresses of the store's function instances, which are never
    // stale.
    let have = unsafe { cx.store.funcs.get_unchecked(callee as usize) }.type_id;
    // SAFETY: validation checked `ty` against the module's types, one id each in the
    // instance.
    let want = unsafe { *inst.types.get_unchecked(ty.0 as usize) };
    if have != want && !cx.store.types.is_subtype(have, want) {
        return Err(TrapCode::BadSignature);
    }
    Ok(FuncAddr(callee))
}

#[cfg(feature = "tail-call")]
/// A tail call of `callee` with its arguments at `base`: the fast path moves them to
/// the frame's start and enters the callee in the running frame, when `code` is given
/// (`callee`'s, of the running instance, translated) and its frame fits the value
/// stack from this frame's base. Anything else goes out of line.
///
/// # Safety
/// The handler contract; `code`, if any, is `callee`'s and `callee` is of the running
/// instance.
#[inline(always)]
pub(super) unsafe fn tail_call_code(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    code: Option<*const CompiledFunc>,
    callee: FuncAddr,
    base: Slot,
) -> Flow {
    if let Some(c) = code {
        // SAFETY: see the function's contract: compiled code lives as long as the store.
        let c = unsafe { &*c };
        if cx.regs.base + c.frame_size as usize <= cx.stack.values.len() {
            // SAFETY: the arguments are cells of the running frame.
            let args = unsafe { h.sp.add(base.index()) };
            // SAFETY: the callee's frame fits the value stack from the same base
            // (checked above), and `copy` allows the two ranges to overlap.
            unsafe { core::ptr::copy(args, h.sp, c.n_params as usize) };
            cx.regs.func = callee;
            h.ip = c.ops.as_ptr();
            return Flow::Next;
        }
    }
    cx.regs.ip = h.ip;
    cx.pending_call = (callee, cx.regs.base + base.index());
    Flow::TailCallSlow
}

#[cfg(feature = "tail-call")]
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_call(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: FuncIdx,
    base: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let callee = unsafe { callee(cx, func) };
    // An import may be another instance's function or the host's: out of line.
    // SAFETY: the handler contract.
    unsafe { tail_call_code(h, cx, None, callee, base) }
}

#[cfg(feature = "tail-call")]
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_call_internal(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    func: DefinedFuncIdx,
    base: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let (callee, code) = unsafe { defined_callee(cx, func) };
    // SAFETY: `code` is `callee`'s, in the running instance.
    unsafe { tail_call_code(h, cx, code, callee, base) }
}

#[cfg(feature = "tail-call")]
/// # Safety
/// The handler contract (`handlers/mod.rs`); an `Arg { a: table, .. }` follows.
#[inline(always)]
pub(in crate::exec) unsafe fn return_call_indirect(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: Slot,
    base: Slot,
    ty: TypeIdx,
) -> Flow {
    // SAFETY: the handler contract.
    let callee = match unsafe { indirect_callee(h, cx, index, ty) } {
        Ok(f) => f,
        Err(code) => return trap(h, cx, code),
    };
    // SAFETY: the handler contract.
    unsafe { tail_call_code(h, cx, None, callee, base) }
}

#[cfg(feature = "tail-call")]
/// Returns the `len` cells at `src` as the results: what a tail call that became an
/// ordinary call (of a host function) returned.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn return_cells(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    len: u32,
) -> Flow {
    // SAFETY: the cells are the frame's (a translator invariant).
    let results = unsafe { h.sp.add(src.index()) };
    // SAFETY: as above; `copy` allows the ranges to overlap.
    unsafe { core::ptr::copy(results, h.sp, len as usize) };
    // SAFETY: the handler contract.
    unsafe { do_return(h, cx) }
}

/// Defines `$slow`, a path out of line that returns the registers to continue with (or
/// `None` to stop), and for the tail backend `$tail`, which runs it and dispatches the
/// next instruction itself: a handler's slow path is then a jump too, so its fast path
/// needs no saved registers and no stack frame. Both take only the machine: what they
/// need of the registers is in `cx.regs`. Fewer arguments than a handler's also keep
/// the handlers from computing registers the slow path would ignore: the generated
/// handlers are in another module, often another codegen unit, where LLVM cannot drop
/// dead arguments.
macro_rules! out_of_line {
    ($(#[$doc:meta])* fn $slow:ident / $tail:ident ($cx:ident) $body:block) => {
        $(#[$doc])*
        #[cold]
        #[inline(never)]
        pub(in crate::exec) fn $slow($cx: &mut Cx<'_>) -> Option<Hot> $body

        /// The tail backend's entry to the path above.
        ///
        /// # Safety
        /// `cx.regs` describes the running frame.
        #[cfg(wisp_tail_dispatch)]
        #[cold]
        #[inline(never)]
        pub(in crate::exec) unsafe fn $tail(cx: &mut Cx<'_>) -> Exit {
            match $slow(cx) {
                // SAFETY: `$slow` returns the registers of a frame it set up.
                Some(h) => unsafe {
                    crate::exec::dispatch::run(h.ip, h.sp, h.mem, h.acc, h.facc, cx)
                },
                None => Exit::Stop,
            }
        }
    };
}

out_of_line! {
    /// The general call sequence, through `enter`, of `cx.pending_call` (callee and
    /// frame base): a host function, another instance, a function not yet translated,
    /// or stacks that must grow. `cx.regs.ip` is the caller's return address.
    fn call_slow / call_slow_tail(cx) {
        let (callee, at) = cx.pending_call;
        match enter(cx.store, cx.stack, callee, at, Some(&cx.regs)) {
            Err(e) => {
                cx.result = Err(e);
                return None;
            }
            // The host function runs here; then the caller goes on, as after a return
            // (its memory may have grown meanwhile).
            Ok(Entered::Host { func, index, base }) => {
                if !cx.call_host(func, index, base) {
                    cx.result = Ok(RunResult::HostFailed { func, base });
                    return None;
                }
            }
            Ok(Entered::Wasm(r)) => cx.regs = r,
        }
        // SAFETY: `enter` reserved the callee's frame at `base`.
        let sp = unsafe { cx.stack.values.as_mut_ptr().add(cx.regs.base) };
        let mem = cx.switch_instance();
        Some(Hot::at(cx.regs.ip, sp, mem))
    }
}

out_of_line! {
    /// A return that leaves the outermost frame, or returns into another instance.
    fn return_slow / return_slow_tail(cx) {
        let Some(f) = cx.stack.frames.pop() else {
            cx.result = Ok(RunResult::Done);
            return None;
        };
        cx.regs = Regs { ip: f.ret, base: f.base, instance: f.instance, func: f.func };
        // SAFETY: the caller's frame was reserved when it was entered.
        let sp = unsafe { cx.stack.values.as_mut_ptr().add(f.base) };
        let mem = cx.switch_instance();
        Some(Hot::at(f.ret, sp, mem))
    }
}

#[cfg(feature = "tail-call")]
out_of_line! {
    /// The general tail call of `cx.pending_call` (callee and where its arguments are):
    /// a host function runs as an ordinary call, whose results the `ReturnCells` after
    /// the instruction returns; a Wasm function of any instance takes over the running
    /// frame, translated first if need be, the value stack grown if need be.
    fn tail_call_slow / tail_call_slow_tail(cx) {
        let (callee, at) = cx.pending_call;
        let code = match cx.store.funcs.get(callee.0 as usize).map(|f| &f.kind) {
            Some(FuncKind::Wasm { instance, code }) => (*instance, code.clone()),
            _ => return call_slow(cx),
        };
        let (instance, code) = code;
        let c = match code.module.code(code.index as usize) {
            Ok(c) => c,
            Err(error) => {
                cx.result = Err(crate::exec::RunError::Translate { func: callee, error });
                return None;
            }
        };
        let base = cx.regs.base;
        if !cx.stack.reserve(base, c.frame_size as usize) {
            cx.result = Err(crate::exec::trap(cx.stack, Some(&cx.regs), TrapCode::StackOverflow));
            return None;
        }
        let n = c.n_params as usize;
        cx.stack.values.copy_within(at..at + n, base);
        cx.regs = Regs { ip: c.ops.as_ptr(), base, instance: instance.0, func: callee };
        // SAFETY: the frame was reserved just above.
        let sp = unsafe { cx.stack.values.as_mut_ptr().add(base) };
        let mem = cx.switch_instance();
        Some(Hot::at(cx.regs.ip, sp, mem))
    }
}

out_of_line! {
    /// Unwinds for what `cx.thrown` says was thrown at `cx.regs.ip` (see `unwind.rs`).
    fn throw_slow / throw_slow_tail(cx) {
        #[cfg(feature = "exceptions")]
        return crate::exec::unwind::unwind(cx);
        // Nothing throws in a build without exceptions: their modules are invalid.
        #[cfg(not(feature = "exceptions"))]
        {
            super::stop_trap(cx, TrapCode::Unreachable);
            None
        }
    }
}
