//! Pre-translated images: a module decoded, validated and translated on the host, in a
//! form a device loads without the decoder, the validator or the translator.
//!
//! `wisp compile` writes one ([`write_image`], with the `compile` feature); the device
//! reads it with [`read_image`]. The layout, all integers LEB128 unless said otherwise:
//!
//! ```text
//! magic "\0wsi"  version (u32 LE)  operator table fingerprint (u32 LE)  flags (u32 LE: bit 0 fuel)
//! types  imports  functions  tables  memories  globals  tags  exports  start
//! elements  data segments  data bytes  function names
//! code: per defined function its parameter cells, frame size and instruction count,
//!       zero bytes up to a multiple of 8 from the image's start, the instructions in
//!       the canonical layout (`ir::canonical`: 16 bytes each, branch targets as byte
//!       offsets), then its exception handlers, then its reference map (locals,
//!       safepoints, nodes: `crate::refmap`)
//! checksum (u32 LE, FNV-1a of everything before it)
//! ```
//!
//! Code is laid out as the executor's own `[Op]` is on the targets that run in place
//! (little-endian, `u64` aligned to 8), so a device with the image in memory-mapped flash
//! runs it where it lies ([`read_image_in_place`]): a function's code then takes no RAM.
//! Storage the CPU cannot address is read through a [`ByteSource`], and the code copied.
//!
//! Instructions are named by their index in the IR's declaration order, so an image
//! loads only into a Wisp whose operator table is the same: the header's version and the
//! table's fingerprint catch a mismatch. The checksum catches corruption in storage; it
//! is no defence against a crafted image, which is why loading one is `unsafe` in the
//! API.

mod read;
mod utf8;
#[cfg(feature = "compile")]
mod write;

pub use read::{read_image, read_image_from, read_image_in_place, ByteSource};
#[cfg(feature = "compile")]
pub use write::write_image;

use core::fmt;

pub(crate) const MAGIC: [u8; 4] = *b"\0wsi";
/// Bumped whenever the layout or the IR changes meaning.
pub(crate) const VERSION: u32 = 12;
pub(crate) const FLAG_FUEL: u32 = 1;

/// Why an image was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageError {
    /// What is wrong, in words.
    pub message: &'static str,
    /// Byte offset in the image.
    pub offset: usize,
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid image: {} (at byte {})",
            self.message, self.offset
        )
    }
}

impl core::error::Error for ImageError {}

/// FNV-1a, 32 bits: small and enough to catch a damaged flash sector.
pub(crate) fn checksum(bytes: &[u8]) -> u32 {
    checksum_more(0x811c_9dc5, bytes)
}

/// Goes on with an FNV-1a checksum over more bytes.
pub(crate) fn checksum_more(h: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

/// Codes for value types, reference types and constant instructions in an image.
///
/// A value type is one byte: the numeric types and the three common nullable
/// references have their own code; any other reference type is [`code::REF`], then
/// whether it is nullable and its heap type ([`code::heap`], then for a defined type its
/// index and kind).
pub(crate) mod code {
    use wisp_types::{DefKind, HeapType, ValType};

    /// A reference type spelled out.
    pub const REF: u8 = 8;
    /// The heap type code of a defined type.
    pub const DEF: u8 = 12;
    /// Abstract heap types by code.
    const HEAPS: [HeapType; 12] = [
        HeapType::Func,
        HeapType::NoFunc,
        HeapType::Extern,
        HeapType::NoExtern,
        HeapType::Any,
        HeapType::Eq,
        HeapType::I31,
        HeapType::Struct,
        HeapType::Array,
        HeapType::None,
        HeapType::Exn,
        HeapType::NoExn,
    ];

    /// The one-byte code of a value type, or `None` if it must be spelled out.
    #[cfg(feature = "compile")]
    pub fn val_type(t: ValType) -> Option<u8> {
        Some(match t {
            ValType::I32 => 0,
            ValType::I64 => 1,
            ValType::F32 => 2,
            ValType::F64 => 3,
            ValType::V128 => 4,
            ValType::FUNCREF => 5,
            ValType::EXTERNREF => 6,
            ValType::EXNREF => 7,
            _ => return None,
        })
    }

    pub fn to_val_type(c: u8) -> Option<ValType> {
        Some(match c {
            0 => ValType::I32,
            1 => ValType::I64,
            2 => ValType::F32,
            3 => ValType::F64,
            4 => ValType::V128,
            5 => ValType::FUNCREF,
            6 => ValType::EXTERNREF,
            7 => ValType::EXNREF,
            _ => return None,
        })
    }

    /// The code of an abstract heap type, or `None` for a defined one.
    #[cfg(feature = "compile")]
    pub fn heap(h: HeapType) -> Option<u8> {
        HEAPS.iter().position(|&a| a == h).map(|i| i as u8)
    }

    pub fn to_heap(c: u8) -> Option<HeapType> {
        HEAPS.get(c as usize).copied()
    }

    #[cfg(feature = "compile")]
    pub fn def_kind(k: DefKind) -> u8 {
        k as u8
    }

    pub fn to_def_kind(c: u8) -> Option<DefKind> {
        [DefKind::Func, DefKind::Struct, DefKind::Array]
            .get(c as usize)
            .copied()
    }
}
