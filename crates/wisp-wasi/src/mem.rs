//! Reading and writing guest memory: every access is bounds-checked, and a bad pointer is
//! `EFAULT` for the program, never a panic for the host.

use crate::Errno;
use alloc::vec::Vec;

pub(crate) fn slice(mem: &[u8], ptr: u32, len: u32) -> Result<&[u8], Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
    mem.get(start..end).ok_or(Errno::Fault)
}

pub(crate) fn slice_mut(mem: &mut [u8], ptr: u32, len: u32) -> Result<&mut [u8], Errno> {
    let start = ptr as usize;
    let end = start.checked_add(len as usize).ok_or(Errno::Fault)?;
    mem.get_mut(start..end).ok_or(Errno::Fault)
}

pub(crate) fn write_bytes(mem: &mut [u8], ptr: u32, bytes: &[u8]) -> Result<(), Errno> {
    slice_mut(mem, ptr, bytes.len() as u32)?.copy_from_slice(bytes);
    Ok(())
}

pub(crate) fn write_u32(mem: &mut [u8], ptr: u32, v: u32) -> Result<(), Errno> {
    write_bytes(mem, ptr, &v.to_le_bytes())
}

pub(crate) fn write_u64(mem: &mut [u8], ptr: u32, v: u64) -> Result<(), Errno> {
    write_bytes(mem, ptr, &v.to_le_bytes())
}

/// The `(ptr, len)` pairs of an iovec array.
pub(crate) fn iovecs(mem: &[u8], iovs: u32, count: u32) -> Result<Vec<(u32, u32)>, Errno> {
    let bytes = slice(mem, iovs, count.checked_mul(8).ok_or(Errno::Overflow)?)?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            (
                u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            )
        })
        .collect())
}
