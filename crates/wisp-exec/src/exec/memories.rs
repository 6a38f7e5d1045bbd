//! The work of the general family of memory instructions (`build/rows_memories.rs`):
//! any memory of the running instance, 32- or 64-bit addresses, any backend.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>
//!
//! Out of line, for the reasons `bulk.rs` gives: these find the memory instance through
//! the module instance at every access, and a paged one calls through its trait object.
//! An address is the operand's 64 bits for a 64-bit memory and its low 32 bits for a
//! 32-bit one; adding the static offset cannot wrap (a sum past `u64::MAX` is out of
//! bounds of every memory), and the access's end is checked against the size in bytes by
//! [`MemInst::read`] and [`MemInst::write`], in 64 bits.
//!
//! Each function here takes at most 18 bytes of arguments on a 16-bit target, by
//! grouping operands in tuples, as `bulk.rs` explains.

use super::bulk::{self, copy_between, copy_within, fill};
use super::Cx;
use crate::instantiate::access_trap;
use crate::ExecStore;
use core::ops::Range;
use wisp_store::MemInst;
use wisp_types::TrapCode;

const MEM: TrapCode = TrapCode::MemoryOutOfBounds;

/// The store address of memory `mem` of instance `inst`.
fn mem_addr(store: &ExecStore, inst: u32, mem: u32) -> Result<usize, TrapCode> {
    let i = store.instances.get(inst as usize).ok_or(MEM)?;
    i.mems.get(mem as usize).map(|&a| a as usize).ok_or(MEM)
}

fn memory(store: &mut ExecStore, inst: u32, mem: u32) -> Result<&mut MemInst, TrapCode> {
    let a = mem_addr(store, inst, mem)?;
    store.mems.get_mut(a).ok_or(MEM)
}

/// An address operand as the memory's index type reads it.
fn index(m: &MemInst, operand: u64) -> u64 {
    if m.ty.memory64 {
        operand
    } else {
        operand as u32 as u64
    }
}

/// `start..start + len` if it lies within the memory's `size` bytes.
fn range(start: u64, len: u64, size: u64) -> Result<Range<u64>, TrapCode> {
    match start.checked_add(len) {
        Some(end) if end <= size => Ok(start..end),
        _ => Err(MEM),
    }
}

/// The `W` bytes at `addr + offset` of memory `mem`.
#[inline(never)]
pub(super) fn read<const W: usize>(
    cx: &mut Cx<'_>,
    mem: u32,
    (addr, offset): (u64, u64),
) -> Result<[u8; W], TrapCode> {
    let m = memory(cx.store, cx.regs.instance, mem)?;
    let ea = index(m, addr).checked_add(offset).ok_or(MEM)?;
    let mut b = [0; W];
    m.read(ea, &mut b).map_err(access_trap)?;
    Ok(b)
}

/// Stores the low `W` bytes of `bits` at `addr + offset` of memory `mem`. The value
/// comes as an integer, cut here: a shorter array built in the handler would be a local
/// whose address escapes, which costs the tail backend its jump (`dispatch.rs`).
#[inline(never)]
pub(super) fn write<const W: usize>(
    cx: &mut Cx<'_>,
    mem: u32,
    (addr, offset): (u64, u64),
    bits: u128,
) -> Result<(), TrapCode> {
    let m = memory(cx.store, cx.regs.instance, mem)?;
    let ea = index(m, addr).checked_add(offset).ok_or(MEM)?;
    m.write(ea, &bits.to_le_bytes()[..W]).map_err(access_trap)
}

/// `memory.size`, in pages.
#[inline(never)]
pub(super) fn size(store: &mut ExecStore, inst: u32, mem: u32) -> Result<u64, TrapCode> {
    memory(store, inst, mem).map(|m| m.pages())
}

/// `memory.grow`: the old size in pages, or -1 of the memory's index type.
#[inline(never)]
pub(super) fn grow(
    store: &mut ExecStore,
    inst: u32,
    mem: u32,
    delta: u64,
) -> Result<u64, TrapCode> {
    let a = mem_addr(store, inst, mem)?;
    let m = store.mems.get(a).ok_or(MEM)?;
    let (delta, failed) = match m.ty.memory64 {
        true => (delta, u64::MAX),
        false => (delta as u32 as u64, u32::MAX as u64),
    };
    Ok(store.grow_memory(a as u32, delta).unwrap_or(failed))
}

/// `memory.fill` of memory `mem`.
#[inline(never)]
pub(super) fn memory_fill(
    store: &mut ExecStore,
    (inst, mem): (u32, u32),
    (dst, value, len): (u64, u64, u64),
) -> Result<(), TrapCode> {
    let m = memory(store, inst, mem)?;
    let d = range(index(m, dst), index(m, len), m.size_bytes())?;
    fill(m, d, value as u8)
}

/// `memory.copy` from memory `src_mem` to memory `dst_mem`. The length is an `i64` only
/// when both are 64-bit.
#[inline(never)]
pub(super) fn memory_copy(
    store: &mut ExecStore,
    inst: u32,
    (dst_mem, src_mem): (u32, u32),
    (dst, src, len): (u64, u64, u64),
) -> Result<(), TrapCode> {
    let da = mem_addr(store, inst, dst_mem)?;
    let sa = mem_addr(store, inst, src_mem)?;
    if da == sa {
        let m = store.mems.get_mut(da).ok_or(MEM)?;
        let n = index(m, len);
        let size = m.size_bytes();
        let s = range(index(m, src), n, size)?;
        let d = range(index(m, dst), n, size)?;
        return copy_within(m, s, d);
    }
    let [dm, sm] = store.mems.get_disjoint_mut([da, sa]).map_err(|_| MEM)?;
    let n = match dm.ty.memory64 && sm.ty.memory64 {
        true => len,
        false => len as u32 as u64,
    };
    let s = range(index(sm, src), n, sm.size_bytes())?;
    let d = range(index(dm, dst), n, dm.size_bytes())?;
    copy_between(dm, sm, s, d)
}

/// `memory.init` of memory `mem` from data segment `data`; the segment's offset and the
/// length are `i32`s.
#[inline(never)]
pub(super) fn memory_init(
    store: &mut ExecStore,
    inst: u32,
    (data, mem): (u32, u32),
    (dst, src, len): (u64, u64, u64),
) -> Result<(), TrapCode> {
    let ma = mem_addr(store, inst, mem)?;
    let da = bulk::data_addr(store, inst, data).ok_or(MEM)?;
    let bytes = &store.datas[da].bytes;
    let s = range(src as u32 as u64, len as u32 as u64, bytes.len() as u64)?;
    let m = store.mems.get_mut(ma).ok_or(MEM)?;
    let d = range(index(m, dst), s.end - s.start, m.size_bytes())?;
    let s = s.start as usize..s.end as usize;
    m.write(d.start, &bytes[s]).map_err(access_trap)
}
