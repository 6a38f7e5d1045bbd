//! Table instructions and bulk memory operations: rare enough to live outside the loop's
//! body, and written in safe Rust.
//!
//! Every function a handler calls here is `#[inline(never)]`, and that is what keeps the
//! tail backend's dispatch a jump (see `dispatch.rs`). Some of them own a buffer on the
//! stack whose address they pass on (a paged memory's chunk, `MemInst::read`), or call
//! through a `dyn PagedMemory`. Inlined into a handler, such a buffer would live in the
//! handler's frame, and LLVM does not turn a call into a jump while a local whose
//! address escaped may still be in use: the handler would call the next one and keep
//! its frame. Whether they are inlined is up to LLVM's heuristics, which change with
//! the profile: with `lto = "fat"` and `codegen-units = 1`, `memory.copy` and
//! `memory.fill` were inlined and long programs overflowed the stack.
//!
//! Out of line, each of them must also take at most 18 bytes of arguments on an AVR
//! (`usize` and pointers 2 bytes, `u32` 4, `u64` 8): the registers r25 down to r8. The
//! rest would go on the stack, which LLVM miscompiles on the atmega2560 (it reads a
//! stack argument one byte off; see `CallValues` in `wisp`'s `func.rs`). Operands that
//! would not fit travel as a tuple of three, which Rust passes behind a pointer: a pair
//! it passes as two values, and LLVM's argument promotion turns a pointer to at most
//! two values back into the values. `cargo xtask avr` checks the firmware for functions
//! that read arguments from the stack.
//!
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions>
//! and <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>

use crate::instantiate::access_trap;
use crate::ExecStore;
use core::ops::Range;
use wisp_store::{AccessError, MemInst};
use wisp_types::{RawVal, TrapCode};

const MEM: TrapCode = TrapCode::MemoryOutOfBounds;
const TABLE: TrapCode = TrapCode::TableOutOfBounds;

/// `start..start + len` if it lies within `size`; the spec checks bounds before acting,
/// even when `len` is zero.
fn range(start: u32, len: u32, size: usize, trap: TrapCode) -> Result<Range<usize>, TrapCode> {
    let end = start as u64 + len as u64;
    if end > size as u64 {
        return Err(trap);
    }
    Ok(start as usize..end as usize)
}

/// Like [`range`], for a memory whose size may not fit a `usize` (a paged one on a
/// 16-bit target).
fn mem_range(start: u32, len: u32, size: u64) -> Result<Range<u64>, TrapCode> {
    let end = start as u64 + len as u64;
    if end > size {
        return Err(MEM);
    }
    Ok(start as u64..end)
}

/// A range already checked against a contiguous memory, whose size fits a `usize`.
fn slice_range(r: Range<u64>) -> Range<usize> {
    r.start as usize..r.end as usize
}

fn mem_addr(store: &ExecStore, inst: u32) -> usize {
    store.instances[inst as usize].mems[0] as usize
}

fn table_addr(store: &ExecStore, inst: u32, table: u32) -> usize {
    store.instances[inst as usize].tables[table as usize] as usize
}

#[inline(never)]
pub(super) fn memory_fill(
    store: &mut ExecStore,
    inst: u32,
    dst: u32,
    value: u8,
    len: u32,
) -> Result<(), TrapCode> {
    let a = mem_addr(store, inst);
    let m = &mut store.mems[a];
    let d = mem_range(dst, len, m.size_bytes())?;
    fill(m, d, value)
}

/// Fills `d`, a range already checked against `m`'s size, with `value`.
#[inline(always)]
pub(super) fn fill(m: &mut MemInst, d: Range<u64>, value: u8) -> Result<(), TrapCode> {
    if m.is_paged() {
        // A paged memory: fill through the backend, a chunk at a time.
        let chunk = [value; CHUNK];
        return chunked(d, |at, n| m.write(at, &chunk[..n]));
    }
    wisp_store::fill_bytes(&mut m.data_mut()[slice_range(d)], value);
    Ok(())
}

/// Bytes a paged memory's bulk operations move per call into the backend.
const CHUNK: usize = 256;

/// Runs `step(address, length)` over `r` in pieces of at most [`CHUNK`] bytes.
fn chunked(
    r: Range<u64>,
    mut step: impl FnMut(u64, usize) -> Result<(), AccessError>,
) -> Result<(), TrapCode> {
    let mut at = r.start;
    while at < r.end {
        let n = (CHUNK as u64).min(r.end - at);
        step(at, n as usize).map_err(access_trap)?;
        at += n;
    }
    Ok(())
}

#[inline(never)]
pub(super) fn memory_copy(
    store: &mut ExecStore,
    inst: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let a = mem_addr(store, inst);
    let m = &mut store.mems[a];
    let size = m.size_bytes();
    let s = mem_range(src, len, size)?;
    let d = mem_range(dst, len, size)?;
    copy_within(m, s, d)
}

/// Copies `s` to `d` within `m`, both checked against its size and of one length.
#[inline(always)]
pub(super) fn copy_within(m: &mut MemInst, s: Range<u64>, d: Range<u64>) -> Result<(), TrapCode> {
    if m.is_paged() {
        // Overlapping ranges copy as if through a temporary buffer: forwards when the
        // destination is below the source, backwards otherwise.
        let mut buf = [0u8; CHUNK];
        let n = s.end - s.start;
        let mut done = 0;
        while done < n {
            let k = (CHUNK as u64).min(n - done);
            let off = if d.start <= s.start {
                done
            } else {
                n - done - k
            };
            let b = &mut buf[..k as usize];
            m.read(s.start + off, b).map_err(access_trap)?;
            m.write(d.start + off, b).map_err(access_trap)?;
            done += k;
        }
        return Ok(());
    }
    move_within(m.data_mut(), slice_range(s), d.start as usize);
    Ok(())
}

/// `slice.copy_within(src, dst)`: the ranges may overlap. Size builds move one element
/// at a time instead, in the direction that reads each before it is overwritten: the
/// general overlapping copy (`memmove`) is 1.5 KB of `compiler_builtins` that nothing
/// else on a device needs.
#[inline(always)]
fn move_within<T: Copy>(slice: &mut [T], src: Range<usize>, dst: usize) {
    #[cfg(not(wisp_small))]
    slice.copy_within(src, dst);
    #[cfg(wisp_small)]
    {
        let n = src.len();
        let forwards = dst <= src.start;
        for k in 0..n {
            let i = if forwards { k } else { n - 1 - k };
            slice[dst + i] = slice[src.start + i];
        }
    }
}

/// Copies `s` of `src` to `d` of `dst`, two memories, the ranges checked against their
/// sizes and of one length.
#[cfg(feature = "multi-memory")]
#[inline(always)]
pub(super) fn copy_between(
    dst: &mut MemInst,
    src: &mut MemInst,
    s: Range<u64>,
    d: Range<u64>,
) -> Result<(), TrapCode> {
    if dst.is_paged() || src.is_paged() {
        let mut buf = [0u8; CHUNK];
        return chunked(s.clone(), |at, n| {
            let b = &mut buf[..n];
            src.read(at, b)?;
            dst.write(d.start + (at - s.start), b)
        });
    }
    dst.data_mut()[slice_range(d)].copy_from_slice(&src.data()[slice_range(s)]);
    Ok(())
}

/// `memory.size` of memory 0, in pages.
#[inline(never)]
pub(super) fn memory_size(store: &ExecStore, inst: u32) -> u64 {
    store.mems[mem_addr(store, inst)].pages()
}

/// `memory.grow` of memory 0: the old size in pages, or -1 as the spec's failure value.
#[inline(never)]
pub(super) fn memory_grow(store: &mut ExecStore, inst: u32, delta: u32) -> u64 {
    let a = mem_addr(store, inst);
    store
        .grow_memory(a as u32, delta as u64)
        .map_or(u32::MAX as u64, |old| old)
}

#[inline(never)]
pub(super) fn memory_init(
    store: &mut ExecStore,
    inst: u32,
    data: u32,
    (dst, src, len): (u32, u32, u32),
) -> Result<(), TrapCode> {
    let ma = mem_addr(store, inst);
    let da = store.instances[inst as usize].datas[data as usize] as usize;
    let bytes = &store.datas[da].bytes;
    let s = range(src, len, bytes.len(), MEM)?;
    let m = &mut store.mems[ma];
    let d = mem_range(dst, len, m.size_bytes())?;
    m.write(d.start, &bytes[s]).map_err(access_trap)
}

/// The store address of data segment `data` of instance `inst`.
#[cfg(feature = "multi-memory")]
pub(super) fn data_addr(store: &ExecStore, inst: u32, data: u32) -> Option<usize> {
    let i = store.instances.get(inst as usize)?;
    i.datas.get(data as usize).map(|&a| a as usize)
}

#[inline(never)]
pub(super) fn data_drop(store: &mut ExecStore, inst: u32, data: u32) {
    let da = store.instances[inst as usize].datas[data as usize] as usize;
    store.datas[da].bytes = alloc::vec::Vec::new();
}

#[inline(never)]
pub(super) fn ref_func(store: &ExecStore, inst: u32, func: u32) -> u64 {
    let a = store.instances[inst as usize].funcs[func as usize];
    RawVal::from_ref_addr(Some(a.0)).0
}

#[inline(never)]
pub(super) fn table_get(store: &ExecStore, inst: u32, table: u32, i: u32) -> Result<u64, TrapCode> {
    let t = &store.tables[table_addr(store, inst, table)].elements;
    t.get(i as usize).map(|c| c.0).ok_or(TABLE)
}

#[inline(never)]
pub(super) fn table_set(
    store: &mut ExecStore,
    inst: u32,
    (table, i, value): (u32, u32, u64),
) -> Result<(), TrapCode> {
    let a = table_addr(store, inst, table);
    let cell = store.tables[a].elements.get_mut(i as usize).ok_or(TABLE)?;
    *cell = RawVal(value);
    Ok(())
}

#[inline(never)]
pub(super) fn table_size(store: &ExecStore, inst: u32, table: u32) -> u64 {
    store.tables[table_addr(store, inst, table)].size() as u64
}

/// Returns the old size, or -1 as the spec's failure value.
#[inline(never)]
pub(super) fn table_grow(
    store: &mut ExecStore,
    inst: u32,
    (table, init, delta): (u32, u64, u32),
) -> u64 {
    let a = table_addr(store, inst, table);
    // -1 of the table's index type.
    let failed = match store.tables[a].ty.table64 {
        true => u64::MAX,
        false => u32::MAX as u64,
    };
    store
        .grow_table(a as u32, delta, RawVal(init))
        .map_or(failed, |old| old as u64)
}

#[inline(never)]
pub(super) fn table_fill(
    store: &mut ExecStore,
    inst: u32,
    table: u32,
    (i, value, len): (u32, u64, u32),
) -> Result<(), TrapCode> {
    let a = table_addr(store, inst, table);
    let t = &mut store.tables[a].elements;
    let r = range(i, len, t.len(), TABLE)?;
    t[r].fill(RawVal(value));
    Ok(())
}

#[inline(never)]
pub(super) fn table_copy(
    store: &mut ExecStore,
    inst: u32,
    (dst_table, src_table): (u32, u32),
    (dst, src, len): (u32, u32, u32),
) -> Result<(), TrapCode> {
    let da = table_addr(store, inst, dst_table);
    let sa = table_addr(store, inst, src_table);
    if da == sa {
        let t = &mut store.tables[da].elements;
        let s = range(src, len, t.len(), TABLE)?;
        let d = range(dst, len, t.len(), TABLE)?;
        move_within(t, s, d.start);
        return Ok(());
    }
    let [dt, st] = store.tables.get_disjoint_mut([da, sa]).map_err(|_| TABLE)?;
    let s = range(src, len, st.elements.len(), TABLE)?;
    let d = range(dst, len, dt.elements.len(), TABLE)?;
    dt.elements[d].copy_from_slice(&st.elements[s]);
    Ok(())
}

#[inline(never)]
pub(super) fn table_init(
    store: &mut ExecStore,
    inst: u32,
    (table, elem): (u32, u32),
    (dst, src, len): (u32, u32, u32),
) -> Result<(), TrapCode> {
    let ta = table_addr(store, inst, table);
    let ea = store.instances[inst as usize].elems[elem as usize] as usize;
    let items = &store.elems[ea].elements;
    let s = range(src, len, items.len(), TABLE)?;
    let t = &mut store.tables[ta].elements;
    let d = range(dst, len, t.len(), TABLE)?;
    t[d].copy_from_slice(&items[s]);
    Ok(())
}

#[inline(never)]
pub(super) fn elem_drop(store: &mut ExecStore, inst: u32, elem: u32) {
    let ea = store.instances[inst as usize].elems[elem as usize] as usize;
    store.elems[ea].elements = alloc::vec::Vec::new();
}
