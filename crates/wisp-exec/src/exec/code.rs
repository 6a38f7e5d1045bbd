//! Where a function's instructions live: in a heap block the function owns (translated
//! here, or copied out of an image), or where an image lies in memory-mapped flash,
//! borrowed for the program's life so that code costs a device no RAM (execute in
//! place).
//!
//! In place, the image's bytes *are* the `[Op]`: an image lays its code out in the
//! canonical layout ([`crate::ir::canonical`]), which is this build's own layout on
//! every little-endian target that aligns `u64` to 8 bytes (Cortex-M, RISC-V, x86,
//! AArch64). [`Code::in_place`] checks that, the alignment, and that every instruction
//! is one this build has, before it hands out a `&[Op]`.

use crate::ir::{canonical, Op};
use alloc::boxed::Box;
use core::ptr::NonNull;

/// Why an image cannot run in place on this target.
pub const NOT_NATIVE: &str = "this target lays instructions out unlike an image (it is \
    big-endian or aligns 64-bit integers to less than 8 bytes), so an image cannot run in \
    place here; load it with a copy instead";

/// A function's finished instructions, owned or borrowed in place. Two words, as the
/// `Box<[Op]>` it replaces: the length's top bit says which.
pub struct Code {
    ops: NonNull<Op>,
    /// The number of instructions, and [`Code::BORROWED`] if they are not ours to free.
    len: u32,
}

// SAFETY: the instructions are plain integers, never written after construction, and an
// owned block is freed only by the one `Code` that owns it; sharing or sending a `Code`
// is as sound as sharing or sending the `Box<[Op]>` or `&'static [Op]` it stands for.
unsafe impl Send for Code {}
// SAFETY: as for `Send`.
unsafe impl Sync for Code {}

impl Code {
    const BORROWED: u32 = 1 << 31;

    /// Code owned by the function. Panics only on more than 2^31 instructions, which
    /// translation limits rule out long before.
    pub fn owned(ops: Box<[Op]>) -> Code {
        let len = u32::try_from(ops.len())
            .ok()
            .filter(|&n| n < Self::BORROWED)
            .expect("a function's code is far below 2^31 instructions"); // ok: translation limits
        let ops = NonNull::from(Box::leak(ops)).cast::<Op>();
        Code { ops, len }
    }

    /// Code that lies where `ops` does for the program's life (flash, a static).
    pub fn borrowed(ops: &'static [Op]) -> Code {
        let len = u32::try_from(ops.len())
            .ok()
            .filter(|&n| n < Self::BORROWED)
            .expect("a function's code is far below 2^31 instructions"); // ok: translation limits
        Code {
            ops: NonNull::from(ops).cast::<Op>(),
            len: len | Self::BORROWED,
        }
    }

    /// `bytes`, an image's code in the canonical layout, as instructions where they lie.
    /// Refused, with the reason, if this target lays instructions out otherwise, if
    /// `bytes` is not aligned as an instruction must be, or if an instruction is not one
    /// of this build's (unknown, or left out by its features).
    pub fn in_place(bytes: &'static [u8]) -> Result<Code, &'static str> {
        if !canonical::IS_NATIVE {
            return Err(NOT_NATIVE);
        }
        if bytes.as_ptr().align_offset(canonical::OP_ALIGN) != 0 {
            return Err(
                "the image is not 8-byte aligned in memory, so its code cannot run \
                 in place; place it at an 8-byte boundary (for example in a \
                 `#[repr(align(8))]` static)",
            );
        }
        if !bytes.len().is_multiple_of(canonical::OP_BYTES) {
            return Err("code is not a whole number of instructions");
        }
        for op in bytes.chunks_exact(canonical::OP_BYTES) {
            let tag = u16::from_le_bytes([op[0], op[1]]);
            if crate::ir::operand_count(tag).is_none() {
                return Err("unknown instruction");
            }
            if !super::op_supported(tag) {
                return Err(canonical::UNSUPPORTED);
            }
        }
        let n = bytes.len() / canonical::OP_BYTES;
        let ptr = bytes.as_ptr().cast::<Op>();
        // SAFETY: `ptr` is aligned for `Op` (checked above) and points at `n` times
        // `size_of::<Op>()` bytes (`IS_NATIVE` includes `size_of::<Op>() == OP_BYTES`)
        // that live and stay unchanged for the program's life (`'static`, shared). Each
        // `OP_BYTES` is a valid `Op`: `IS_NATIVE` means this build lays each variant out
        // as the canonical layout does, the first two bytes name a variant (checked
        // above), and every field of every variant is an integer, valid for any bytes.
        let ops: &'static [Op] = unsafe { core::slice::from_raw_parts(ptr, n) };
        Ok(Code::borrowed(ops))
    }

    /// Whether the instructions lie in place rather than in a block of their own.
    pub fn is_borrowed(&self) -> bool {
        self.len & Self::BORROWED != 0
    }

    fn count(&self) -> usize {
        (self.len & !Self::BORROWED) as usize
    }
}

impl core::ops::Deref for Code {
    type Target = [Op];

    #[inline(always)]
    fn deref(&self) -> &[Op] {
        // SAFETY: `ops` and the count come from a `Box<[Op]>` that this `Code` owns or a
        // `&'static [Op]`, either way valid while `self` is.
        unsafe { core::slice::from_raw_parts(self.ops.as_ptr(), self.count()) }
    }
}

impl Drop for Code {
    fn drop(&mut self) {
        if !self.is_borrowed() {
            let slice = core::ptr::slice_from_raw_parts_mut(self.ops.as_ptr(), self.count());
            // SAFETY: an owned `Code` was made from a leaked `Box<[Op]>` of exactly this
            // pointer and length, and it is freed only here, once.
            drop(unsafe { Box::from_raw(slice) });
        }
    }
}

impl From<Box<[Op]>> for Code {
    fn from(ops: Box<[Op]>) -> Code {
        Code::owned(ops)
    }
}

impl core::fmt::Debug for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Code")
            .field("len", &self.count())
            .field("borrowed", &self.is_borrowed())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use crate::ir::{canonical, Op, Slot};
    use alloc::vec;

    #[test]
    fn owned_code_derefs_to_its_instructions_and_frees_them() {
        let ops = vec![Op::Return {}, Op::ReturnCopy { src: Slot(3) }].into_boxed_slice();
        let code = Code::from(ops);
        assert!(!code.is_borrowed());
        assert_eq!(&code[..], &[Op::Return {}, Op::ReturnCopy { src: Slot(3) }]);
        assert_eq!(
            core::mem::size_of::<Code>(),
            2 * core::mem::size_of::<usize>()
        );
    }

    /// `bytes` in a leaked block aligned as instructions must be.
    fn leak_aligned(bytes: &[u8]) -> &'static [u8] {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        for (w, b) in words.iter_mut().zip(bytes.chunks(8)) {
            let mut le = [0u8; 8];
            le[..b.len()].copy_from_slice(b);
            *w = u64::from_ne_bytes(le);
        }
        let words: &'static [u64] = alloc::vec::Vec::leak(words);
        // SAFETY: the words' own bytes, which live for the program.
        unsafe { core::slice::from_raw_parts(words.as_ptr().cast::<u8>(), bytes.len()) }
    }

    #[test]
    fn in_place_code_is_the_bytes_and_checks_them() {
        let ops = [
            Op::ReturnCopy { src: Slot(7) },
            Op::Const64 {
                dst: Slot(1),
                value: crate::ir::Imm64(0x0102_0304_0506_0708),
            },
            Op::Return {},
        ];
        let bytes: alloc::vec::Vec<u8> = ops.iter().flat_map(canonical::encode).collect();
        let image = leak_aligned(&bytes);
        let code = Code::in_place(image).unwrap();
        assert!(code.is_borrowed());
        assert_eq!(&code[..], &ops);
        assert_eq!(
            code.as_ptr() as usize,
            image.as_ptr() as usize,
            "not copied"
        );
        assert!(
            Code::in_place(&leak_aligned(&bytes)[..47]).is_err(),
            "a part"
        );
        let mut unaligned = vec![0u8; 1];
        unaligned.extend_from_slice(&bytes);
        assert!(
            Code::in_place(&leak_aligned(&unaligned)[1..]).is_err(),
            "misaligned"
        );
        let mut bad = bytes.clone();
        bad[16..18].copy_from_slice(&u16::MAX.to_le_bytes());
        assert_eq!(
            Code::in_place(leak_aligned(&bad)).err(),
            Some("unknown instruction")
        );
    }

    /// On this host the canonical layout is the native one, field for field: every
    /// variant, filled with distinct operands, reads back the same from its encoding,
    /// both decoded and taken in place as an `Op`.
    #[test]
    fn canonical_layout_is_the_native_one() {
        const { assert!(canonical::IS_NATIVE) };
        let mut ops = alloc::vec::Vec::new();
        let mut bytes = alloc::vec::Vec::new();
        for (i, t) in crate::ir::TEMPLATES.iter().enumerate() {
            let (_, n) = t.operands();
            let v: alloc::vec::Vec<u64> = (0..n as u64)
                .map(|k| 0x1111_1111 * (k + 1) + i as u64)
                .collect();
            let op: Op = crate::exec::op_with_operands(i as u16, &v).unwrap();
            let encoded = canonical::encode(&op);
            let (tag, back, m) = canonical::decode(&encoded).unwrap();
            assert_eq!((tag as usize, m), (i, n));
            assert_eq!(&back[..n], &v[..], "{op:?}");
            bytes.extend_from_slice(&encoded);
            ops.push(op);
        }
        let code = Code::in_place(leak_aligned(&bytes)).unwrap();
        assert_eq!(&code[..], &ops[..]);
    }
}
