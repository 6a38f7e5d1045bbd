//! Structs and arrays: the handlers read their operands from the frame and write the
//! result; `exec/objects.rs` does the rest, out of line.
//! A handler that allocates first saves `ip` in `cx.regs`: a collection finds the
//! running frame's references by where it stopped.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-instructions>

use super::{trap, Cx, Flow, Hot};
use crate::exec::objects::{self, Extend, Made};
use crate::ir::{field, DataIdx, ElemIdx, Slot, TypeIdx};
use wisp_types::RawVal;

impl Hot {
    /// The `n` cells from slot `base`.
    ///
    /// # Safety
    /// The cells are slots of the running frame.
    #[inline(always)]
    unsafe fn cells(&self, base: Slot, n: usize) -> &[RawVal] {
        // SAFETY: see the function's contract: the cell is inside the frame.
        let first = unsafe { self.sp.add(base.index()) };
        // SAFETY: as above, for all `n`; the value stack's cells are initialized.
        unsafe { core::slice::from_raw_parts(first, n) }
    }

    /// The cells of a value that is a `v128` when `wide`.
    ///
    /// # Safety
    /// `s`, and the slot after it when `wide`, are slots of the running frame.
    #[inline(always)]
    unsafe fn value(&self, s: Slot, wide: bool) -> u128 {
        // SAFETY: see the function's contract.
        let lo = unsafe { self.get(s) } as u128;
        let hi = if wide {
            // SAFETY: see the function's contract.
            unsafe { self.get(s.plus(1)) }
        } else {
            0
        };
        lo | (hi as u128) << 64
    }

    /// Writes `lo` to `s`, and `hi` to the slot after it when `wide`.
    ///
    /// # Safety
    /// As for [`Hot::value`].
    #[inline(always)]
    unsafe fn put(&mut self, s: Slot, lo: u64, hi: u64, wide: bool) {
        // SAFETY: see the function's contract.
        unsafe { self.set(s, lo) };
        if wide {
            // SAFETY: see the function's contract.
            unsafe { self.set(s.plus(1), hi) };
        }
    }
}

/// Writes `r`'s value to `dst`, or traps.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn result(h: &mut Hot, cx: &mut Cx<'_>, dst: Slot, r: Made) -> Flow {
    match r {
        (v, None) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.set(dst, v) };
            Flow::Next
        }
        (_, Some(code)) => trap(h, cx, code),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn struct_new(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    ty: TypeIdx,
    cells: u32,
) -> Flow {
    // SAFETY: the translator put the struct's `cells` field cells at `base`.
    let fields = unsafe { h.cells(base, cells as usize) };
    cx.regs.ip = h.ip;
    let r = objects::struct_new(cx, ty.0, fields);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, base, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn struct_new_default(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    ty: TypeIdx,
) -> Flow {
    cx.regs.ip = h.ip;
    let r = objects::struct_new_default(cx, ty.0);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, dst, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn struct_get(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    obj: Slot,
    f: u32,
) -> Flow {
    // SAFETY: `obj` is a slot of the running frame.
    let o = unsafe { h.get(obj) };
    match objects::struct_get(cx.store, o, f) {
        Ok((lo, hi)) => {
            // SAFETY: `dst` is a slot of the running frame, two for a `v128`.
            unsafe { h.put(dst, lo, hi, field::decode(f).1 == field::V128) };
            Flow::Next
        }
        Err(code) => trap(h, cx, code),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn struct_set(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    obj: Slot,
    src: Slot,
    f: u32,
) -> Flow {
    // SAFETY: `obj` is a slot of the running frame.
    let o = unsafe { h.get(obj) };
    // SAFETY: `src` is the value's slot, two for a `v128`.
    let v = unsafe { h.value(src, field::decode(f).1 == field::V128) };
    let r = objects::struct_set(cx.store, o, f, (v as u64, (v >> 64) as u64));
    super::check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_new(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    ty: TypeIdx,
    wide: u32,
) -> Flow {
    let wide = wide != 0;
    // SAFETY: the translator put the value at `base`, two cells for a `v128`.
    let v = unsafe { h.value(base, wide) };
    // SAFETY: and the length after it.
    let len = unsafe { h.get(base.plus(1 + wide as u32)) };
    cx.regs.ip = h.ip;
    let r = objects::array_new(cx, ty.0, len as u32, v);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, base, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_new_default(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    len: Slot,
    ty: TypeIdx,
) -> Flow {
    // SAFETY: `len` is a slot of the running frame.
    let n = unsafe { h.get(len) } as u32;
    cx.regs.ip = h.ip;
    let r = objects::array_new(cx, ty.0, n, 0);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, dst, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_new_fixed(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    ty: TypeIdx,
    cells: u32,
) -> Flow {
    // SAFETY: the translator put the elements' `cells` cells at `base`.
    let elements = unsafe { h.cells(base, cells as usize) };
    cx.regs.ip = h.ip;
    let r = objects::array_new_fixed(cx, ty.0, elements);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, base, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_new_data(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    ty: TypeIdx,
    data: DataIdx,
) -> Flow {
    // SAFETY: the translator put the offset and the length at `base`.
    let (s, n) = unsafe { h.get2(base, base.plus(1)) };
    cx.regs.ip = h.ip;
    let r = objects::array_new_data(cx, ty.0, data.0, (s as u32, n as u32));
    // SAFETY: the handler contract.
    unsafe { result(h, cx, base, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_new_elem(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    ty: TypeIdx,
    elem: ElemIdx,
) -> Flow {
    // SAFETY: the translator put the offset and the length at `base`.
    let (s, n) = unsafe { h.get2(base, base.plus(1)) };
    cx.regs.ip = h.ip;
    let r = objects::array_new_elem(cx, ty.0, elem.0, (s as u32, n as u32));
    // SAFETY: the handler contract.
    unsafe { result(h, cx, base, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_get(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    arr: Slot,
    idx: Slot,
    ext: Extend,
) -> Flow {
    // SAFETY: the slots are the running frame's.
    let (a, i) = unsafe { h.get2(arr, idx) };
    match objects::array_get(cx.store, a, i as u32, ext) {
        Ok((lo, hi, size)) => {
            // SAFETY: `dst` is a slot of the running frame, two for a `v128`.
            unsafe { h.put(dst, lo, hi, size == 16) };
            Flow::Next
        }
        Err(code) => trap(h, cx, code),
    }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_set(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    arr: Slot,
    idx: Slot,
    src: Slot,
) -> Flow {
    // SAFETY: the slots are the running frame's.
    let (a, i) = unsafe { h.get2(arr, idx) };
    let r = objects::array_size(cx.store, a).and_then(|size| {
        // SAFETY: `src` is the value's slot, two for a `v128`.
        let v = unsafe { h.value(src, size == 16) };
        objects::array_set(cx.store, a, i as u32, v)
    });
    super::check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_len(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    arr: Slot,
) -> Flow {
    // SAFETY: `arr` is a slot of the running frame.
    let a = unsafe { h.get(arr) };
    let r = objects::array_len(cx.store, a);
    // SAFETY: the handler contract.
    unsafe { result(h, cx, dst, r) }
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_fill(h: &mut Hot, cx: &mut Cx<'_>, base: Slot) -> Flow {
    // SAFETY: the translator put the array and the offset at `base`.
    let (a, at) = unsafe { h.get2(base, base.plus(1)) };
    let r = objects::array_size(cx.store, a).and_then(|size| {
        let wide = size == 16;
        // SAFETY: then the value, two cells for a `v128`.
        let v = unsafe { h.value(base.plus(2), wide) };
        // SAFETY: and the length.
        let n = unsafe { h.get(base.plus(3 + wide as u32)) };
        objects::array_fill(cx.store, a, at as u32, v, n as u32)
    });
    super::check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_copy(h: &mut Hot, cx: &mut Cx<'_>, base: Slot) -> Flow {
    // SAFETY: the translator put the five operands at `base`.
    let c = unsafe { h.cells(base, 5) };
    let (dst, d, src, s, n) = (c[0].0, c[1].0 as u32, c[2].0, c[3].0 as u32, c[4].0 as u32);
    let r = objects::array_copy(cx.store, (dst, d), (src, s), n);
    super::check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_init_data(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    data: DataIdx,
) -> Flow {
    // SAFETY: the translator put the four operands at `base`.
    let c = unsafe { h.cells(base, 4) };
    let ops = (c[0].0, c[1].0 as u32, c[2].0 as u32, c[3].0 as u32);
    let r = objects::array_init_data(cx.store, cx.regs.instance, data.0, ops);
    super::check(h, cx, r)
}

/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn array_init_elem(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    elem: ElemIdx,
) -> Flow {
    // SAFETY: the translator put the four operands at `base`.
    let c = unsafe { h.cells(base, 4) };
    let ops = (c[0].0, c[1].0 as u32, c[2].0 as u32, c[3].0 as u32);
    let r = objects::array_init_elem(cx.store, cx.regs.instance, elem.0, ops);
    super::check(h, cx, r)
}
