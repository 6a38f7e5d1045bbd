//! Moves between slots, constants, `select`, globals, and the memory and table
//! instructions that go through the store (`exec::bulk`).
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#variable-instructions>,
//! <https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions>
// The accumulator forms' bodies go unused in a build without them.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{check, trap, Cx, Flow, Hot};
use crate::exec::bulk;
use crate::ir::{DataIdx, ElemIdx, FuncIdx, GlobalIdx, Imm32, Imm64, Slot, TableIdx};
use crate::ExecStore;
use wisp_store::GlobalInst;
use wisp_types::{RawVal, TrapCode};

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn zero_locals(
    h: &mut Hot,
    _: &mut Cx<'_>,
    start: Slot,
    end: Slot,
) -> Flow {
    // Volatile stores: as a plain loop LLVM makes a call of `memset` of any length,
    // about 50 instructions for the one or two locals most functions declare, and every
    // handler register saved around it.
    for i in start.0..end.0 {
        // SAFETY: the declared locals are slots of the running frame.
        let cell = unsafe { h.sp.add(Slot(i).index()) };
        // SAFETY: as above.
        unsafe { cell.write_volatile(RawVal(0)) };
    }
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn copy(h: &mut Hot, _: &mut Cx<'_>, dst: Slot, src: Slot) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

#[cfg(feature = "simd")]
/// # Safety
/// The handler contract (`handlers/mod.rs`); both operands span two slots.
#[inline(always)]
pub(in crate::exec) unsafe fn copy2(h: &mut Hot, _: &mut Cx<'_>, dst: Slot, src: Slot) -> Flow {
    // SAFETY: see the function's contract.
    let (lo, hi) = unsafe { h.get2(src, src.plus(1)) };
    // SAFETY: see the function's contract.
    unsafe { h.set2(dst, lo, hi) };
    Flow::Next
}

/// Lowest first: with `dst` at or below `src`, no cell is overwritten before it is read.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`); both ranges are slots of the frame.
#[inline(always)]
pub(in crate::exec) unsafe fn copy_cells(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    src: Slot,
    len: u32,
) -> Flow {
    for i in 0..len {
        // SAFETY: see the function's contract.
        let v = unsafe { h.get(src.plus(i)) };
        // SAFETY: see the function's contract.
        unsafe { h.set(dst.plus(i), v) };
    }
    Flow::Next
}

/// `base + (index << shift)` in 32 bits.
fn add_shifted(base: u64, index: u64, shift: u32) -> u64 {
    (base as u32).wrapping_add((index as u32) << shift) as u64
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn add_shl(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    base: Slot,
    index: Slot,
    shift: u32,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (b, i) = unsafe { h.get2(base, index) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add_shifted(b, i, shift)) };
    Flow::Next
}

/// `base` in the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn add_shl_acc(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    index: Slot,
    shift: u32,
) -> Flow {
    // SAFETY: `index` is a slot of the running frame.
    let i = unsafe { h.get(index) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add_shifted(h.acc, i, shift)) };
    Flow::Next
}

/// `index` in the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn acc_shl(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    base: Slot,
    shift: u32,
) -> Flow {
    // SAFETY: `base` is a slot of the running frame.
    let b = unsafe { h.get(base) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, add_shifted(b, h.acc, shift)) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn const32(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    value: Imm32,
) -> Flow {
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, value.0 as u64) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn const64(
    h: &mut Hot,
    _: &mut Cx<'_>,
    dst: Slot,
    value: Imm64,
) -> Flow {
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, value.0) };
    Flow::Next
}

/// The slot `select` picks: `if_true` unless `cond` is zero, then the one in the `Arg`
/// that follows.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn chosen(h: &mut Hot, cond: Slot, if_true: Slot) -> Option<Slot> {
    // SAFETY: the handler contract.
    let (if_false, _) = unsafe { h.arg() }?;
    // SAFETY: `cond` is a slot of the running frame.
    Some(if unsafe { h.get(cond) } as u32 != 0 {
        if_true
    } else {
        Slot(if_false)
    })
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn select(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    cond: Slot,
    if_true: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(v) = (unsafe { chosen(h, cond, if_true) }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the chosen operand is a slot of the running frame.
    let x = unsafe { h.get(v) };
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, x) };
    Flow::Next
}

#[cfg(feature = "simd")]
/// `select` of two-cell values.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn select2(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    cond: Slot,
    if_true: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(v) = (unsafe { chosen(h, cond, if_true) }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands span two slots of the running frame.
    let (lo, hi) = unsafe { h.get2(v, v.plus(1)) };
    // SAFETY: as above.
    unsafe { h.set2(dst, lo, hi) };
    Flow::Next
}

/// Global `index` of the running instance.
///
/// # Safety
/// The running function's instance is the one `Cx::switch_instance` last cached, and
/// validation checked `index` against its global count.
#[inline(always)]
unsafe fn global<'a>(cx: &'a mut Cx<'_>, index: GlobalIdx) -> &'a mut GlobalInst {
    // SAFETY: see the function's contract: `cx.globals` holds the instance's global
    // addresses, at least `index + 1` of them.
    let at = unsafe { cx.globals.add(index.0 as usize) };
    // SAFETY: as above.
    let a = unsafe { *at };
    // SAFETY: `a` is a global of the store, whose globals `cx.global_insts` points to
    // (they have not moved since: see `Cx::global_insts`).
    let g = unsafe { cx.global_insts.add(a as usize) };
    // SAFETY: as above; no other reference to the store's globals is live while a
    // handler runs.
    unsafe { &mut *g }
}

/// Finds a global of the running instance by index (as `global` and `own_global` do).
type FindGlobal = for<'a, 'c> unsafe fn(&'a mut Cx<'c>, GlobalIdx) -> &'a mut GlobalInst;

/// `global.get` through `find`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and `find`'s.
#[inline(always)]
unsafe fn get_global(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: GlobalIdx,
    find: FindGlobal,
) -> Flow {
    // SAFETY: the function's contract.
    let v = unsafe { find(cx, index) }.value.0;
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// `global.set` of `v` through `find`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`), and `find`'s.
#[inline(always)]
unsafe fn set_global(cx: &mut Cx<'_>, index: GlobalIdx, v: u64, find: FindGlobal) -> Flow {
    // SAFETY: the function's contract.
    unsafe { find(cx, index) }.value = RawVal(v);
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn global_get(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: the handler contract; `global`'s is the translator's word on `index`.
    unsafe { get_global(h, cx, dst, index, global) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn global_set(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: as for `global_get`.
    unsafe { set_global(cx, index, v, global) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn global_set_acc(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: as for `global_get`.
    unsafe { set_global(cx, index, h.acc, global) }
}

/// Defined global `index` of the running instance.
///
/// # Safety
/// The running function's module defines more than `index` globals (the translator's
/// word), and no other reference to the store's globals is live.
#[cfg(feature = "fused")]
#[inline(always)]
unsafe fn own_global<'a>(cx: &'a mut Cx<'_>, index: GlobalIdx) -> &'a mut GlobalInst {
    // SAFETY: `cx.own_globals` is the instance's first defined global, and its defined
    // globals follow it in the store (see `Cx::own_globals`); they have not moved since.
    let g = unsafe { cx.own_globals.add(index.0 as usize) };
    // SAFETY: as above; no other reference to the store's globals is live while a
    // handler runs.
    unsafe { &mut *g }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn global_get_own(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: the handler contract; `own_global`'s is the translator's word on `index`.
    unsafe { get_global(h, cx, dst, index, own_global) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn global_set_own(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = unsafe { h.get(src) };
    // SAFETY: as for `global_get_own`.
    unsafe { set_global(cx, index, v, own_global) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(all(feature = "fused", feature = "accumulator"))]
#[inline(always)]
pub(in crate::exec) unsafe fn global_set_own_acc(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: as for `global_get_own`.
    unsafe { set_global(cx, index, h.acc, own_global) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn global_own_add_imm(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: GlobalIdx,
    imm: Imm32,
) -> Flow {
    // SAFETY: as for `global_get_own`.
    let g = unsafe { own_global(cx, index) };
    let v = crate::exec::numeric::i32_add(g.value.0, imm.0 as u64);
    g.value = RawVal(v);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.out(dst, v) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[cfg(feature = "fused")]
#[inline(always)]
pub(in crate::exec) unsafe fn global_set_own_add_imm(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    index: GlobalIdx,
    imm: Imm32,
) -> Flow {
    // SAFETY: `src` is a slot of the running frame.
    let v = crate::exec::numeric::i32_add(unsafe { h.get(src) }, imm.0 as u64);
    // SAFETY: as for `global_get_own`.
    unsafe { set_global(cx, index, v, own_global) }
}

#[cfg(feature = "simd")]
/// `global.get` of a `v128`: two cells.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn global_get2(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: the handler contract.
    let g = unsafe { global(cx, index) };
    let (lo, hi) = (g.value.0, g.hi.0);
    // SAFETY: `dst` spans two slots of the running frame.
    unsafe { h.set2(dst, lo, hi) };
    Flow::Next
}

#[cfg(feature = "simd")]
/// `global.set` of a `v128`: two cells.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn global_set2(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    src: Slot,
    index: GlobalIdx,
) -> Flow {
    // SAFETY: `src` spans two slots of the running frame.
    let (lo, hi) = unsafe { h.get2(src, src.plus(1)) };
    // SAFETY: the handler contract.
    let g = unsafe { global(cx, index) };
    (g.value, g.hi) = (RawVal(lo), RawVal(hi));
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_size(h: &mut Hot, cx: &mut Cx<'_>, dst: Slot) -> Flow {
    let v = bulk::memory_size(cx.store, cx.regs.instance);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, v) };
    Flow::Next
}

/// Grows memory 0 and reloads the registers that describe it.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn memory_grow(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    delta: Slot,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let r = bulk::memory_grow(cx.store, cx.regs.instance, unsafe { h.get(delta) } as u32);
    // SAFETY: as above.
    unsafe { h.set(dst, r) };
    h.mem = cx.reload_mem0();
    Flow::Next
}

/// Three `i32` operands.
///
/// # Safety
/// They are slots of the running frame.
#[inline(always)]
unsafe fn three(h: &Hot, a: Slot, b: Slot, c: Slot) -> (u32, u32, u32) {
    // SAFETY: see the function's contract.
    let (x, y) = unsafe { h.get2(a, b) };
    // SAFETY: see the function's contract.
    let z = unsafe { h.get(c) };
    (x as u32, y as u32, z as u32)
}

/// A bulk instruction of three `i32` operands (`memory.copy`, `memory.fill`), done by
/// `f` in `exec::bulk`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn bulk3(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    a: Slot,
    b: Slot,
    c: Slot,
    f: impl FnOnce(&mut ExecStore, u32, (u32, u32, u32)) -> Result<(), TrapCode>,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let ops = unsafe { three(h, a, b, c) };
    let r = f(cx.store, cx.regs.instance, ops);
    check(h, cx, r)
}

/// [`bulk3`] for the instructions that name segments or tables in the `Arg` after them
/// (`memory.init`, `table.copy`, `table.init`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn bulk3_arg(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    a: Slot,
    b: Slot,
    c: Slot,
    f: impl FnOnce(&mut ExecStore, u32, (u32, u32), (u32, u32, u32)) -> Result<(), TrapCode>,
) -> Flow {
    // SAFETY: the handler contract.
    let Some(which) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands are slots of the running frame.
    let ops = unsafe { three(h, a, b, c) };
    let r = f(cx.store, cx.regs.instance, which, ops);
    check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn data_drop(_: &mut Hot, cx: &mut Cx<'_>, data: DataIdx) -> Flow {
    bulk::data_drop(cx.store, cx.regs.instance, data.0);
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn ref_func(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    func: FuncIdx,
) -> Flow {
    let v = bulk::ref_func(cx.store, cx.regs.instance, func.0);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, v) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn table_get(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: Slot,
    table: TableIdx,
) -> Flow {
    // SAFETY: `index` is a slot of the running frame.
    let i = unsafe { h.get(index) } as u32;
    match bulk::table_get(cx.store, cx.regs.instance, table.0, i) {
        Ok(v) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.set(dst, v) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn table_set(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: Slot,
    value: Slot,
    table: TableIdx,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (i, v) = unsafe { h.get2(index, value) };
    let i = i as u32;
    let r = bulk::table_set(cx.store, cx.regs.instance, (table.0, i, v));
    check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn table_size(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    table: TableIdx,
) -> Flow {
    let v = bulk::table_size(cx.store, cx.regs.instance, table.0);
    // SAFETY: `dst` is a slot of the running frame.
    unsafe { h.set(dst, v) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn table_grow(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    init: Slot,
    delta: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some((table, _)) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands are slots of the running frame.
    let (v, n) = unsafe { h.get2(init, delta) };
    let n = n as u32;
    let r = bulk::table_grow(cx.store, cx.regs.instance, (table, v, n));
    // SAFETY: as above.
    unsafe { h.set(dst, r) };
    Flow::Next
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn table_fill(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    index: Slot,
    value: Slot,
    len: Slot,
) -> Flow {
    // SAFETY: the handler contract.
    let Some((table, _)) = (unsafe { h.arg() }) else {
        return trap(h, cx, TrapCode::Unreachable);
    };
    // SAFETY: the operands are slots of the running frame.
    let (i, v) = unsafe { h.get2(index, value) };
    // SAFETY: as above.
    let n = unsafe { h.get(len) };
    let (i, n) = (i as u32, n as u32);
    let r = bulk::table_fill(cx.store, cx.regs.instance, table, (i, v, n));
    check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn elem_drop(_: &mut Hot, cx: &mut Cx<'_>, elem: ElemIdx) -> Flow {
    bulk::elem_drop(cx.store, cx.regs.instance, elem.0);
    Flow::Next
}
