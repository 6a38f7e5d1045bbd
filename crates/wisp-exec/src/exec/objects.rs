//! What the struct and array instructions do once their operands are read: the
//! handlers (`handlers/aggregate.rs`) read and write the frame, these find the object,
//! check bounds and allocate. Out of line: the hot loop keeps only the calls.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-instructions>

use super::Cx;
use crate::aggregate::{self, cell_of};
use crate::ir::field;
use crate::ExecStore;
use core::ops::Range;
use wisp_store::gc::{element_range, write_element, ArrayError};
use wisp_store::{DataInst, ElemInst, ModuleInst};
use wisp_types::{TrapCode, TypeId};

/// What an allocation gives its handler: the new reference, or why it trapped. A
/// pair, so that it comes back in two registers: a `Result<u64, TrapCode>` comes back
/// through the handler's stack, and a handler with a stack slot whose address escaped
/// may not end in a tail call.
pub(in crate::exec) type Made = (u64, Option<TrapCode>);

/// `r` as a [`Made`].
fn made(r: Result<u64, TrapCode>) -> Made {
    match r {
        Ok(v) => (v, None),
        Err(code) => (0, Some(code)),
    }
}

/// How `array.get` extends a packed element.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::exec) enum Extend {
    /// As it is (`array.get`, and `array.get_u`: zero-extended).
    None,
    /// Sign-extended (`array.get_s`).
    Signed,
}

/// The heap slot of a non-null struct or array reference; `None` for null.
fn slot_of(cell: u64) -> Option<u32> {
    let a = cell & 0xffff_ffff;
    (a != 0).then(|| a as u32 - 1)
}

fn array_error(e: ArrayError) -> TrapCode {
    match e {
        ArrayError::NotArray => TrapCode::NullArrayRef,
        ArrayError::OutOfBounds => TrapCode::ArrayOutOfBounds,
    }
}

/// The store's id of the running instance's type `ty`.
fn type_id(cx: &Cx<'_>, ty: u32) -> Result<TypeId, TrapCode> {
    aggregate::type_id(cx.store, cx.regs.instance, ty).ok_or(TrapCode::OutOfMemory)
}

/// Before a `struct.new`: the type's id and cells, after a collection if one is due.
fn struct_prepare(cx: &mut Cx<'_>, ty: u32) -> Result<(TypeId, usize), TrapCode> {
    let id = type_id(cx, ty)?;
    let n = aggregate::struct_cells(cx.store, id)?;
    super::gc::collect_if_due(cx, n * 8);
    Ok((id, n))
}

/// `struct.new_default`: a new struct of type `ty`, its fields zero; its reference.
#[inline(never)]
pub(super) fn struct_new_default(cx: &mut Cx<'_>, ty: u32) -> Made {
    made(struct_prepare(cx, ty).and_then(|(id, n)| aggregate::new_struct_zeroed(cx.store, id, n)))
}

/// `struct.new`: a new struct of type `ty` with the field cells `fields` (the
/// translator counted them); its reference.
#[inline(never)]
pub(super) fn struct_new(cx: &mut Cx<'_>, ty: u32, fields: &[wisp_types::RawVal]) -> Made {
    made(struct_prepare(cx, ty).and_then(|(id, n)| {
        cx.store
            .heap
            .alloc_struct_from(id, fields.iter().map(|c| c.0), n.min(fields.len()))
            .map(cell_of)
            .map_err(|_| TrapCode::OutOfMemory)
    }))
}

/// `struct.get`: the field's cell (and the next, for a `v128`).
#[inline(never)]
pub(super) fn struct_get(store: &ExecStore, obj: u64, f: u32) -> Result<(u64, u64), TrapCode> {
    let fields = slot_of(obj)
        .and_then(|a| store.heap.struct_fields(a))
        .ok_or(TrapCode::NullStructRef)?;
    let (cell, mode) = field::decode(f);
    let lo = fields.get(cell).copied().unwrap_or(0);
    let hi = match mode {
        field::V128 => fields.get(cell + 1).copied().unwrap_or(0),
        _ => 0,
    };
    Ok((field::extend(lo, mode), hi))
}

/// `struct.set`.
#[inline(never)]
pub(super) fn struct_set(
    store: &mut ExecStore,
    obj: u64,
    f: u32,
    (lo, hi): (u64, u64),
) -> Result<(), TrapCode> {
    let fields = slot_of(obj)
        .and_then(|a| store.heap.struct_fields_mut(a))
        .ok_or(TrapCode::NullStructRef)?;
    let (cell, mode) = field::decode(f);
    if let Some(c) = fields.get_mut(cell) {
        *c = lo;
    }
    if mode == field::V128 {
        if let Some(c) = fields.get_mut(cell + 1) {
            *c = hi;
        }
    }
    Ok(())
}

/// Before an array allocation of `len` elements: the type's id and element size,
/// after a collection if one is due.
fn array_prepare(cx: &mut Cx<'_>, ty: u32, len: u32) -> Result<(TypeId, u8), TrapCode> {
    let id = type_id(cx, ty)?;
    let size = aggregate::element_size(cx.store, id)?;
    let bytes = (len as usize).saturating_mul(size as usize);
    super::gc::collect_if_due(cx, bytes);
    Ok((id, size))
}

/// `array.new` and `array.new_default`: a new array of type `ty` of `len` elements,
/// each `v`; its reference.
#[inline(never)]
pub(super) fn array_new(cx: &mut Cx<'_>, ty: u32, len: u32, v: u128) -> Made {
    made(array_prepare(cx, ty, len).and_then(|(id, size)| {
        aggregate::new_array(cx.store, id, size, len, |b| {
            if v != 0 {
                aggregate::fill(b, size, v)
            }
        })
    }))
}

/// `array.new_fixed`: a new array of the `len` elements in `cells` (two cells each
/// for a `v128`).
#[inline(never)]
pub(super) fn array_new_fixed(cx: &mut Cx<'_>, ty: u32, cells: &[wisp_types::RawVal]) -> Made {
    made(array_new_fixed_in(cx, ty, cells))
}

fn array_new_fixed_in(
    cx: &mut Cx<'_>,
    ty: u32,
    cells: &[wisp_types::RawVal],
) -> Result<u64, TrapCode> {
    let size = aggregate::element_size(cx.store, type_id(cx, ty)?)?;
    let per = if size == 16 { 2 } else { 1 };
    let len = (cells.len() / per) as u32;
    let (id, size) = array_prepare(cx, ty, len)?;
    aggregate::new_array(cx.store, id, size, len, |b| {
        for (e, c) in b
            .chunks_exact_mut(size as usize)
            .zip(cells.chunks_exact(per))
        {
            let hi = c.get(1).map_or(0, |h| h.0);
            write_element(e, c[0].0 as u128 | (hi as u128) << 64);
        }
    })
}

/// `array.new_data`: `len` elements from data segment `data` at byte `s`.
#[inline(never)]
pub(super) fn array_new_data(cx: &mut Cx<'_>, ty: u32, data: u32, at: (u32, u32)) -> Made {
    made(array_new_data_in(cx, ty, data, at))
}

fn array_new_data_in(
    cx: &mut Cx<'_>,
    ty: u32,
    data: u32,
    (s, len): (u32, u32),
) -> Result<u64, TrapCode> {
    let (id, size) = array_prepare(cx, ty, len)?;
    let store = &mut *cx.store;
    let bytes = data_bytes(&store.instances, &store.datas, cx.regs.instance, data);
    let r = element_range(0, len, size, usize::MAX)
        .and_then(|r| {
            let end = r.end.checked_add(s as usize)?;
            (end <= bytes.len()).then_some(s as usize..end)
        })
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    let src = &bytes[r];
    store
        .heap
        .alloc_array(id, size, len, |b| b.copy_from_slice(src))
        .map(cell_of)
        .map_err(|_| TrapCode::OutOfMemory)
}

/// `array.new_elem`: `len` references from element segment `elem` at `s`.
#[inline(never)]
pub(super) fn array_new_elem(cx: &mut Cx<'_>, ty: u32, elem: u32, at: (u32, u32)) -> Made {
    made(array_new_elem_in(cx, ty, elem, at))
}

fn array_new_elem_in(
    cx: &mut Cx<'_>,
    ty: u32,
    elem: u32,
    (s, len): (u32, u32),
) -> Result<u64, TrapCode> {
    let (id, size) = array_prepare(cx, ty, len)?;
    let store = &mut *cx.store;
    let items = elem_items(&store.instances, &store.elems, cx.regs.instance, elem);
    let end = (s as usize).checked_add(len as usize);
    let items = end
        .and_then(|e| items.get(s as usize..e))
        .ok_or(TrapCode::TableOutOfBounds)?;
    store
        .heap
        .alloc_array(id, size, len, |b| {
            for (e, c) in b.chunks_exact_mut(8).zip(items) {
                e.copy_from_slice(&c.0.to_le_bytes());
            }
        })
        .map(cell_of)
        .map_err(|_| TrapCode::OutOfMemory)
}

/// The bytes of data segment `data` of instance `inst` (empty once dropped). Of the
/// store's fields, so that its heap can be changed meanwhile.
fn data_bytes<'a>(
    instances: &[ModuleInst],
    datas: &'a [DataInst],
    inst: u32,
    data: u32,
) -> &'a [u8] {
    instances
        .get(inst as usize)
        .and_then(|i| i.datas.get(data as usize))
        .and_then(|&a| datas.get(a as usize))
        .map_or(&[], |d| &d.bytes)
}

/// The references of element segment `elem` of instance `inst` (empty once dropped).
fn elem_items<'a>(
    instances: &[ModuleInst],
    elems: &'a [ElemInst],
    inst: u32,
    elem: u32,
) -> &'a [wisp_types::RawVal] {
    instances
        .get(inst as usize)
        .and_then(|i| i.elems.get(elem as usize))
        .and_then(|&a| elems.get(a as usize))
        .map_or(&[], |e| &e.elements)
}

/// The element size of a non-null array.
#[inline(never)]
pub(super) fn array_size(store: &ExecStore, arr: u64) -> Result<u8, TrapCode> {
    slot_of(arr)
        .and_then(|a| store.heap.array(a))
        .map(|(size, _)| size)
        .ok_or(TrapCode::NullArrayRef)
}

/// `array.get`, `array.get_s`, `array.get_u`: the element's cells and its size.
#[inline(never)]
pub(super) fn array_get(
    store: &ExecStore,
    arr: u64,
    idx: u32,
    ext: Extend,
) -> Result<(u64, u64, u8), TrapCode> {
    let a = slot_of(arr).ok_or(TrapCode::NullArrayRef)?;
    let (v, size) = store.heap.array_get(a, idx).map_err(array_error)?;
    let lo = match (ext, size) {
        (Extend::Signed, 1) => v as i8 as i32 as u32 as u64,
        (Extend::Signed, 2) => v as i16 as i32 as u32 as u64,
        _ => v as u64,
    };
    Ok((lo, (v >> 64) as u64, size))
}

/// `array.set`.
#[inline(never)]
pub(super) fn array_set(
    store: &mut ExecStore,
    arr: u64,
    idx: u32,
    v: u128,
) -> Result<(), TrapCode> {
    let a = slot_of(arr).ok_or(TrapCode::NullArrayRef)?;
    store.heap.array_set(a, idx, v).map_err(array_error)
}

/// `array.len`.
#[inline(never)]
pub(super) fn array_len(store: &ExecStore, arr: u64) -> Made {
    made(
        slot_of(arr)
            .and_then(|a| store.heap.array_len(a))
            .map(u64::from)
            .ok_or(TrapCode::NullArrayRef),
    )
}

/// `array.fill`.
#[inline(never)]
pub(super) fn array_fill(
    store: &mut ExecStore,
    arr: u64,
    at: u32,
    v: u128,
    n: u32,
) -> Result<(), TrapCode> {
    let a = slot_of(arr).ok_or(TrapCode::NullArrayRef)?;
    store.heap.array_fill(a, at, v, n).map_err(array_error)
}

/// `array.copy`.
#[inline(never)]
pub(super) fn array_copy(
    store: &mut ExecStore,
    (dst, d): (u64, u32),
    (src, s): (u64, u32),
    n: u32,
) -> Result<(), TrapCode> {
    let dst = slot_of(dst).ok_or(TrapCode::NullArrayRef)?;
    let src = slot_of(src).ok_or(TrapCode::NullArrayRef)?;
    store
        .heap
        .array_copy(dst, d, src, s, n)
        .map_err(array_error)
}

/// The heap slot of a non-null array, and the bytes of its `n` elements from `d`.
fn array_target(
    store: &ExecStore,
    arr: u64,
    d: u32,
    n: u32,
) -> Result<(u32, Range<usize>), TrapCode> {
    let a = slot_of(arr).ok_or(TrapCode::NullArrayRef)?;
    let (size, bytes) = store.heap.array(a).ok_or(TrapCode::NullArrayRef)?;
    let to = element_range(d, n, size, bytes.len()).ok_or(TrapCode::ArrayOutOfBounds)?;
    Ok((a, to))
}

/// `array.init_data`: `n` elements of the array from `d` on, from data segment `data`
/// at byte `s`.
#[inline(never)]
pub(super) fn array_init_data(
    store: &mut ExecStore,
    inst: u32,
    data: u32,
    (arr, d, s, n): (u64, u32, u32, u32),
) -> Result<(), TrapCode> {
    let (a, to) = array_target(store, arr, d, n)?;
    let bytes = data_bytes(&store.instances, &store.datas, inst, data);
    let end = (s as usize).checked_add(to.len());
    let src = end
        .and_then(|e| bytes.get(s as usize..e))
        .ok_or(TrapCode::MemoryOutOfBounds)?;
    if let Some((_, b)) = store.heap.array_mut(a) {
        b[to].copy_from_slice(src);
    }
    Ok(())
}

/// `array.init_elem`: as [`array_init_data`], from element segment `elem`.
#[inline(never)]
pub(super) fn array_init_elem(
    store: &mut ExecStore,
    inst: u32,
    elem: u32,
    (arr, d, s, n): (u64, u32, u32, u32),
) -> Result<(), TrapCode> {
    let (a, to) = array_target(store, arr, d, n)?;
    let items = elem_items(&store.instances, &store.elems, inst, elem);
    let end = (s as usize).checked_add(n as usize);
    let src = end
        .and_then(|e| items.get(s as usize..e))
        .ok_or(TrapCode::TableOutOfBounds)?;
    if let Some((_, b)) = store.heap.array_mut(a) {
        for (e, c) in b[to].chunks_exact_mut(8).zip(src) {
            e.copy_from_slice(&c.0.to_le_bytes());
        }
    }
    Ok(())
}
