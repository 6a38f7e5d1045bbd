//! The canonical layout of an instruction: how an image stores code, so that a device
//! whose own layout is the same runs the image's bytes where they lie.
//!
//! Sixteen bytes an instruction, little-endian: the discriminant as a `u16` at byte 0,
//! then the operands as `repr(u16)` places the fields of a variant when `u32` is aligned
//! to 4 and `u64` to 8: `u32` operands at bytes 4, 8 and 12, the one `u64` operand (the
//! value of `Const64`) at byte 8. Branch targets are byte offsets from the branch, as in
//! finished code. Padding is zero.
//!
//! That is this build's own layout exactly when [`IS_NATIVE`] holds, which it does on
//! every target Wisp runs in place on (Cortex-M, RISC-V, x86-64, AArch64). Elsewhere (an
//! AVR aligns everything to one byte) an image is decoded into native instructions.

use super::{operand_count, Imm64, Offset, Op, Slot, Target};

/// Bytes an instruction takes in an image.
pub const OP_BYTES: usize = 16;

/// The alignment of code in an image (from the image's start), and that code running
/// in place needs in memory.
pub const OP_ALIGN: usize = 8;

/// Whether this build lays out an instruction as an image does, so that an image's code
/// can be used where it lies.
pub const IS_NATIVE: bool = core::mem::size_of::<Op>() == OP_BYTES
    && core::mem::align_of::<Op>() == OP_ALIGN
    && core::mem::align_of::<u32>() == 4
    && core::mem::align_of::<u64>() == 8
    && cfg!(target_endian = "little");

/// Why code that uses an instruction this build leaves out is refused.
pub const UNSUPPORTED: &str = "the image uses instructions this build of Wisp leaves out \
    (SIMD, the accumulator or fused forms, exceptions, GC, several or 64-bit memories, wide \
    arithmetic: features `simd`, `accumulator`, `fused`, `exceptions`, `gc`, `multi-memory`, \
    `memory64`, `wide-arithmetic`; for the accumulator and fused forms, compile the image \
    with `--plain`)";

/// Whether operand `k` of the instruction with discriminant `tag` is 64 bits wide:
/// only the value of `Const64` is.
fn is_wide(tag: u16, k: usize) -> bool {
    let const64 = crate::op_tag(&Op::<Offset>::Const64 {
        dst: Slot(0),
        value: Imm64(0),
    });
    k == 1 && tag == const64
}

/// Where operand `k` of the instruction with discriminant `tag` starts.
fn operand_at(tag: u16, k: usize) -> usize {
    if is_wide(tag, k) {
        8
    } else {
        4 + 4 * k
    }
}

/// `op` in the canonical layout.
pub fn encode<T: Target>(op: &Op<T>) -> [u8; OP_BYTES] {
    let tag = crate::op_tag(op);
    let mut out = [0u8; OP_BYTES];
    out[..2].copy_from_slice(&tag.to_le_bytes());
    let (v, n) = op.operands();
    for (k, &x) in v[..n].iter().enumerate() {
        let at = operand_at(tag, k);
        if is_wide(tag, k) {
            out[at..at + 8].copy_from_slice(&x.to_le_bytes());
        } else {
            out[at..at + 4].copy_from_slice(&(x as u32).to_le_bytes());
        }
    }
    out
}

/// The discriminant and operands (in declaration order, as raw bits) of the canonical
/// instruction `bytes`; `None` if no instruction has that discriminant.
pub fn decode(bytes: &[u8; OP_BYTES]) -> Option<(u16, [u64; super::MAX_OPERANDS], usize)> {
    let tag = u16::from_le_bytes([bytes[0], bytes[1]]);
    let n = operand_count(tag)?;
    let mut v = [0u64; super::MAX_OPERANDS];
    for (k, x) in v[..n].iter_mut().enumerate() {
        let at = operand_at(tag, k);
        *x = if is_wide(tag, k) {
            u64::from_le_bytes(bytes[at..at + 8].try_into().ok()?)
        } else {
            u32::from_le_bytes(bytes[at..at + 4].try_into().ok()?) as u64
        };
    }
    Some((tag, v, n))
}

/// The instruction a canonical branch target `offset` (bytes from instruction `from`)
/// reaches, if it is an instruction of code `len` long.
pub fn target_index(from: usize, offset: u32, len: usize) -> Option<usize> {
    let offset = offset as i32 as i64;
    if offset % OP_BYTES as i64 != 0 {
        return None;
    }
    let to = from as i64 + offset / OP_BYTES as i64;
    (0..len as i64).contains(&to).then_some(to as usize)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, OP_BYTES};
    use crate::ir::Op;

    #[test]
    fn a_sixty_four_bit_constant_keeps_its_high_half() {
        let op: Op = Op::Const64 {
            dst: crate::ir::Slot(2),
            value: crate::ir::Imm64(u64::MAX - 5),
        };
        let (_, v, 2) = decode(&encode(&op)).unwrap() else {
            panic!("two operands")
        };
        assert_eq!(v[1], u64::MAX - 5);
        assert_eq!(decode(&[0xff; OP_BYTES]), None);
    }
}
