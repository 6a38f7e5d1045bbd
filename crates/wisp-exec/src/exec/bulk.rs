//! Table instructions and bulk memory operations: rare enough to live outside the loop's
//! body, and written in safe Rust.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions>
//! and <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>

use crate::ExecStore;
use core::ops::Range;
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

fn mem_addr(store: &ExecStore, inst: u32) -> usize {
    store.instances[inst as usize].mems[0] as usize
}

fn table_addr(store: &ExecStore, inst: u32, table: u32) -> usize {
    store.instances[inst as usize].tables[table as usize] as usize
}

pub(super) fn memory_fill(
    store: &mut ExecStore,
    inst: u32,
    dst: u32,
    value: u8,
    len: u32,
) -> Result<(), TrapCode> {
    let a = mem_addr(store, inst);
    let mem = store.mems[a].data_mut();
    let r = range(dst, len, mem.len(), MEM)?;
    mem[r].fill(value);
    Ok(())
}

pub(super) fn memory_copy(
    store: &mut ExecStore,
    inst: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let a = mem_addr(store, inst);
    let mem = store.mems[a].data_mut();
    let s = range(src, len, mem.len(), MEM)?;
    let d = range(dst, len, mem.len(), MEM)?;
    mem.copy_within(s, d.start);
    Ok(())
}

pub(super) fn memory_init(
    store: &mut ExecStore,
    inst: u32,
    data: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> Result<(), TrapCode> {
    let ma = mem_addr(store, inst);
    let da = store.instances[inst as usize].datas[data as usize] as usize;
    let bytes = &store.datas[da].bytes;
    let s = range(src, len, bytes.len(), MEM)?;
    let mem = store.mems[ma].data_mut();
    let d = range(dst, len, mem.len(), MEM)?;
    mem[d].copy_from_slice(&bytes[s]);
    Ok(())
}

pub(super) fn data_drop(store: &mut ExecStore, inst: u32, data: u32) {
    let da = store.instances[inst as usize].datas[data as usize] as usize;
    store.datas[da].bytes = alloc::vec::Vec::new();
}

pub(super) fn ref_func(store: &ExecStore, inst: u32, func: u32) -> u64 {
    let a = store.instances[inst as usize].funcs[func as usize];
    RawVal::from_ref_addr(Some(a.0)).0
}

pub(super) fn table_get(store: &ExecStore, inst: u32, table: u32, i: u32) -> Result<u64, TrapCode> {
    let t = &store.tables[table_addr(store, inst, table)].elements;
    t.get(i as usize).map(|c| c.0).ok_or(TABLE)
}

pub(super) fn table_set(
    store: &mut ExecStore,
    inst: u32,
    table: u32,
    i: u32,
    value: u64,
) -> Result<(), TrapCode> {
    let a = table_addr(store, inst, table);
    let cell = store.tables[a].elements.get_mut(i as usize).ok_or(TABLE)?;
    *cell = RawVal(value);
    Ok(())
}

pub(super) fn table_size(store: &ExecStore, inst: u32, table: u32) -> u64 {
    store.tables[table_addr(store, inst, table)].size() as u64
}

/// Returns the old size, or -1 as the spec's failure value.
pub(super) fn table_grow(
    store: &mut ExecStore,
    inst: u32,
    table: u32,
    init: u64,
    delta: u32,
) -> u64 {
    let a = table_addr(store, inst, table);
    store.tables[a]
        .grow(delta, RawVal(init))
        .map_or(u32::MAX as u64, |old| old as u64)
}

pub(super) fn table_fill(
    store: &mut ExecStore,
    inst: u32,
    table: u32,
    i: u32,
    value: u64,
    len: u32,
) -> Result<(), TrapCode> {
    let a = table_addr(store, inst, table);
    let t = &mut store.tables[a].elements;
    let r = range(i, len, t.len(), TABLE)?;
    t[r].fill(RawVal(value));
    Ok(())
}

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
        t.copy_within(s, d.start);
        return Ok(());
    }
    let [dt, st] = store.tables.get_disjoint_mut([da, sa]).map_err(|_| TABLE)?;
    let s = range(src, len, st.elements.len(), TABLE)?;
    let d = range(dst, len, dt.elements.len(), TABLE)?;
    dt.elements[d].copy_from_slice(&st.elements[s]);
    Ok(())
}

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

pub(super) fn elem_drop(store: &mut ExecStore, inst: u32, elem: u32) {
    let ea = store.instances[inst as usize].elems[elem as usize] as usize;
    store.elems[ea].elements = alloc::vec::Vec::new();
}
