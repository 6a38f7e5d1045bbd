//! Making structs and arrays in the store's heap, for the executor and for constant
//! expressions. Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-instructions>
//!
//! Nothing here collects: the executor collects before it calls in (it knows the
//! roots), and a constant expression runs while its instance is built, when nothing
//! can have become garbage yet.

use crate::ExecStore;
use alloc::vec::Vec;
use wisp_parse::ConstOp;
use wisp_store::gc::{write_element, Layout};
use wisp_types::{TrapCode, TypeId};

/// The store's id of type `ty` of instance `instance`'s module.
pub(crate) fn type_id(store: &ExecStore, instance: u32, ty: u32) -> Option<TypeId> {
    store
        .instances
        .get(instance as usize)?
        .types
        .get(ty as usize)
        .copied()
}

/// The layout of type `id`'s objects, made known to the heap if it was not.
fn layout_of(store: &mut ExecStore, id: TypeId) -> Result<&Layout, TrapCode> {
    store.ensure_layout(id).map_err(|_| TrapCode::OutOfMemory)?;
    store.heap.layout(id).ok_or(TrapCode::OutOfMemory)
}

/// The cells of a struct of type `id`.
pub(crate) fn struct_cells(store: &mut ExecStore, id: TypeId) -> Result<usize, TrapCode> {
    match layout_of(store, id)? {
        Layout::Struct { cells, .. } => Ok(*cells as usize),
        _ => Err(TrapCode::OutOfMemory),
    }
}

/// The bytes of an element of an array of type `id`.
pub(crate) fn element_size(store: &mut ExecStore, id: TypeId) -> Result<u8, TrapCode> {
    match layout_of(store, id)? {
        Layout::Array { size, .. } => Ok(*size),
        _ => Err(TrapCode::OutOfMemory),
    }
}

/// The reference to the object in heap slot `addr`.
pub(crate) const fn cell_of(addr: u32) -> u64 {
    addr as u64 + 1
}

/// A new struct of type `id` with the fields' cells; its reference.
pub(crate) fn new_struct(
    store: &mut ExecStore,
    id: TypeId,
    fields: &[u64],
) -> Result<u64, TrapCode> {
    store
        .heap
        .alloc_struct(id, fields)
        .map(cell_of)
        .map_err(|_| TrapCode::OutOfMemory)
}

/// A new struct of type `id` of `n` cells, every field zero (or null); its reference.
pub(crate) fn new_struct_zeroed(
    store: &mut ExecStore,
    id: TypeId,
    n: usize,
) -> Result<u64, TrapCode> {
    store
        .heap
        .alloc_struct_from(id, core::iter::repeat(0), n)
        .map(cell_of)
        .map_err(|_| TrapCode::OutOfMemory)
}

/// A new array of type `id` and `len` elements of `size` bytes, which `init` fills
/// (given zeroed bytes); its reference.
pub(crate) fn new_array(
    store: &mut ExecStore,
    id: TypeId,
    size: u8,
    len: u32,
    init: impl FnOnce(&mut [u8]),
) -> Result<u64, TrapCode> {
    store
        .heap
        .alloc_array(id, size, len, init)
        .map(cell_of)
        .map_err(|_| TrapCode::OutOfMemory)
}

/// Fills every element of `bytes` (of `size` bytes each) with `v`.
pub(crate) fn fill(bytes: &mut [u8], size: u8, v: u128) {
    for e in bytes.chunks_exact_mut(size.max(1) as usize) {
        write_element(e, v);
    }
}

/// A constant expression's allocation (`struct.new`, `array.new_fixed`, …) of type
/// `id`, its operands popped from `stack`.
pub(crate) fn const_alloc(
    store: &mut ExecStore,
    id: TypeId,
    op: &ConstOp,
    stack: &mut Vec<u128>,
) -> Result<u64, TrapCode> {
    let mut pop = || stack.pop().unwrap_or(0);
    match *op {
        ConstOp::StructNew(_) | ConstOp::StructNewDefault(_) => {
            let n = struct_cells(store, id)?;
            let mut cells = alloc::vec![0u64; n];
            if let ConstOp::StructNew(_) = op {
                let widths = field_widths(store, id);
                let mut at = n;
                for w in widths.iter().rev() {
                    let v = pop();
                    at -= w;
                    cells[at] = v as u64;
                    if *w == 2 {
                        cells[at + 1] = (v >> 64) as u64;
                    }
                }
            }
            new_struct(store, id, &cells)
        }
        ConstOp::ArrayNew(_) | ConstOp::ArrayNewDefault(_) => {
            let len = pop() as u32;
            let v = if let ConstOp::ArrayNew(_) = op {
                pop()
            } else {
                0
            };
            let size = element_size(store, id)?;
            new_array(store, id, size, len, |b| fill(b, size, v))
        }
        ConstOp::ArrayNewFixed(_, n) => {
            let size = element_size(store, id)?;
            let mut vals = Vec::new();
            vals.try_reserve_exact(n as usize)
                .map_err(|_| TrapCode::OutOfMemory)?;
            for _ in 0..n {
                vals.push(pop());
            }
            new_array(store, id, size, n, |b| {
                for (e, v) in b.chunks_exact_mut(size as usize).zip(vals.iter().rev()) {
                    write_element(e, *v);
                }
            })
        }
        _ => Err(TrapCode::OutOfMemory),
    }
}

/// The cells each field of struct type `id` takes.
fn field_widths(store: &ExecStore, id: TypeId) -> Vec<usize> {
    match store.types.composite_shape(id) {
        Some(wisp_types::CompositeType::Struct(fields)) => fields
            .iter()
            .map(|f| f.storage.unpacked().cells())
            .collect(),
        _ => Vec::new(),
    }
}
