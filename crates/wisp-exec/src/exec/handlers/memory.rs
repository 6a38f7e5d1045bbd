//! Loads and stores of memory 0 through the `mem` register and `Cx::mem_len`: the fast path,
//! with accesses that miss (out of bounds, or a paged memory) going to `exec::paged`.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>
// The accumulator forms' bodies go unused in a build without them.
#![cfg_attr(not(feature = "accumulator"), allow(dead_code))]

use super::{trap, Cx, Flow, Hot};
use crate::exec::{effective, paged};
use crate::ir::{Imm32, ImmPair, MemOffset, Slot, SlotPair};
use core::ptr;
use wisp_types::TrapCode;

/// The `W` bytes at `addr + offset` of memory 0.
///
/// # Safety
/// `mem` and `cx.mem_len` describe memory 0 of the running instance.
#[inline(always)]
pub(in crate::exec) unsafe fn read<const W: usize>(
    h: &Hot,
    cx: &mut Cx<'_>,
    addr: u64,
    offset: MemOffset,
) -> Result<[u8; W], TrapCode> {
    match effective(addr, offset.0, W, cx.mem_len) {
        Some(ea) => {
            // SAFETY: `ea + W <= mem_len`, checked by `effective`.
            let at = unsafe { h.mem.add(ea) };
            // SAFETY: as above: the `W` bytes at `at` are memory 0's.
            Ok(unsafe { ptr::read_unaligned(at as *const [u8; W]) })
        }
        None => paged::read::<W>(cx, addr, offset.0),
    }
}

/// Writes the first `W` of `bytes` at `addr + offset` of memory 0, or traps.
///
/// The bytes are copied from the array itself, never first cut to `W` (that is done
/// only on the paged path): a helper building the shorter array, left out of line in
/// some profiles (16 codegen units, no LTO), took the address of a local of the
/// handler, which then called the next handler instead of jumping to it.
///
/// # Safety
/// `mem` and `cx.mem_len` describe memory 0 of the running instance.
#[inline(always)]
pub(in crate::exec) unsafe fn write<const W: usize, const N: usize>(
    h: &Hot,
    cx: &mut Cx<'_>,
    addr: u64,
    offset: MemOffset,
    bytes: [u8; N],
) -> Flow {
    const { assert!(W <= N) };
    match effective(addr, offset.0, W, cx.mem_len) {
        Some(ea) => {
            // SAFETY: `ea + W <= mem_len`, checked by `effective`.
            let at = unsafe { h.mem.add(ea) };
            // SAFETY: as above: the `W` bytes at `at` are memory 0's, and `bytes` has
            // at least `W`.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), at, W) };
            Flow::Next
        }
        None => match paged::write::<W>(cx, addr, offset.0, paged::head(bytes)) {
            Ok(()) => Flow::Next,
            Err(t) => trap(h, cx, t),
        },
    }
}

/// A load of `W` bytes at `addr + offset` into `dst`, converted by `conv`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
unsafe fn load_at<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: u64,
    offset: MemOffset,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, addr, offset) } {
        Ok(b) => {
            // SAFETY: `dst` is a slot of the running frame.
            unsafe { h.out(dst, conv(b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// Two loads from `addr`, at `offsets.first` into `dsts.first` and then at
/// `offsets.second` into `dsts.second`: the second is the next instruction's, which this
/// one took over, so `ip` moves past that instruction before it, and a trap there is
/// reported at it. The address is read once: the first load does not write its slot
/// (`passes::fused_load_pair`).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`); the instruction after this one is there and
/// has an instruction after it.
#[inline(always)]
pub(in crate::exec) unsafe fn load_pair<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dsts: SlotPair,
    addr: Slot,
    offsets: ImmPair,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // `ImmPair` gives back the 32 bits of each offset it took (`fused_load_pair`).
    let (first, second) = (
        MemOffset(offsets.first() as u32),
        MemOffset(offsets.second() as u32),
    );
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, a, first) } {
        // SAFETY: `dsts` are slots of the running frame.
        Ok(b) => unsafe { h.out(dsts.first(), conv(b)) },
        Err(t) => return trap(h, cx, t),
    }
    // SAFETY: see the function's contract.
    h.ip = unsafe { h.ip.add(1) };
    // SAFETY: the handler contract.
    match unsafe { read::<W>(h, cx, a, second) } {
        Ok(b) => {
            // SAFETY: as above.
            unsafe { h.out(dsts.second(), conv(b)) };
            Flow::Next
        }
        Err(t) => trap(h, cx, t),
    }
}

/// A load from `addr + offset`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    addr: Slot,
    offset: MemOffset,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, a, offset, conv) }
}

/// A load with the address in the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_acc<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    offset: MemOffset,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, h.acc, offset, conv) }
}

/// A load from the `i32` sum of `base` and `index`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_idx<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    base: Slot,
    index: Slot,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (b, i) = unsafe { h.get2(base, index) };
    let addr = b.wrapping_add(i) as u32 as u64;
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, addr, MemOffset(0), conv) }
}

/// A load from the `i32` sum of the accumulator and `index`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_idx_acc<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    index: Slot,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: `index` is a slot of the running frame.
    let addr = h.acc.wrapping_add(unsafe { h.get(index) }) as u32 as u64;
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, addr, MemOffset(0), conv) }
}

/// A load from the `i32` sum of `base` and a constant: an `i32.add` and a load of
/// offset 0. The sum wraps as the `i32.add` did, which the load's own offset would not.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_disp<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    base: Slot,
    disp: Imm32,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    // SAFETY: `base` is a slot of the running frame.
    let addr = (unsafe { h.get(base) } as u32).wrapping_add(disp.0) as u64;
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, addr, MemOffset(0), conv) }
}

/// A load from the `i32` sum of the accumulator and a constant.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn load_disp_acc<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    dst: Slot,
    disp: Imm32,
    conv: impl Fn([u8; W]) -> u64,
) -> Flow {
    let addr = (h.acc as u32).wrapping_add(disp.0) as u64;
    // SAFETY: the handler contract.
    unsafe { load_at(h, cx, dst, addr, MemOffset(0), conv) }
}

/// A store of the low `W` bytes of `value` at `addr + offset`.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Slot,
    offset: MemOffset,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (a, v) = unsafe { h.get2(addr, value) };
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, a, offset, v.to_le_bytes()) }
}

/// A store at the `i32` sum of `base` and a constant (see [`load_disp`]).
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_disp<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    base: Slot,
    value: Slot,
    disp: Imm32,
) -> Flow {
    // SAFETY: the operands are slots of the running frame.
    let (b, v) = unsafe { h.get2(base, value) };
    let addr = (b as u32).wrapping_add(disp.0) as u64;
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, addr, MemOffset(0), v.to_le_bytes()) }
}

/// A store of a constant.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_imm<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    value: Imm32,
    offset: MemOffset,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, a, offset, value.cell().to_le_bytes()) }
}

/// A store with the address in the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_acc<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    value: Slot,
    offset: MemOffset,
) -> Flow {
    // SAFETY: `value` is a slot of the running frame.
    let v = unsafe { h.get(value) };
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, h.acc, offset, v.to_le_bytes()) }
}

/// A store of a constant with the address in the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_imm_acc<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    value: Imm32,
    offset: MemOffset,
) -> Flow {
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, h.acc, offset, value.cell().to_le_bytes()) }
}

/// A store of the accumulator.
///
/// # Safety
/// The handler contract (`handlers/mod.rs`).
#[inline(always)]
pub(in crate::exec) unsafe fn store_acc_value<const W: usize>(
    h: &mut Hot,
    cx: &mut Cx<'_>,
    addr: Slot,
    offset: MemOffset,
) -> Flow {
    // SAFETY: `addr` is a slot of the running frame.
    let a = unsafe { h.get(addr) };
    // SAFETY: the handler contract.
    unsafe { write::<W, 8>(h, cx, a, offset, h.acc.to_le_bytes()) }
}

// How the bytes of a scalar load become a cell.

pub(in crate::exec) fn u32_le(b: [u8; 4]) -> u64 {
    u32::from_le_bytes(b) as u64
}
pub(in crate::exec) fn u64_le(b: [u8; 8]) -> u64 {
    u64::from_le_bytes(b)
}
pub(in crate::exec) fn u16_le(b: [u8; 2]) -> u64 {
    u16::from_le_bytes(b) as u64
}
pub(in crate::exec) fn u8_to_u64(b: [u8; 1]) -> u64 {
    b[0] as u64
}
pub(in crate::exec) fn i8_to_i32(b: [u8; 1]) -> u64 {
    b[0] as i8 as i32 as u32 as u64
}
pub(in crate::exec) fn i16_to_i32(b: [u8; 2]) -> u64 {
    i16::from_le_bytes(b) as i32 as u32 as u64
}
pub(in crate::exec) fn i8_to_i64(b: [u8; 1]) -> u64 {
    b[0] as i8 as i64 as u64
}
pub(in crate::exec) fn i16_to_i64(b: [u8; 2]) -> u64 {
    i16::from_le_bytes(b) as i64 as u64
}
pub(in crate::exec) fn i32_to_i64(b: [u8; 4]) -> u64 {
    i32::from_le_bytes(b) as i64 as u64
}
