//! The objects of the heap, and what the `struct.*` and `array.*` instructions do to
//! them once the executor has found them.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-instructions>

use super::{ExnInst, HeapFull};
use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::TypeId;

/// A heap object.
#[derive(Debug)]
pub enum Object {
    /// An exception instance (boxed alone, to keep the other objects small).
    Exn(Box<[ExnInst]>),
    /// A struct of type `ty`: one cell per field, two for a `v128` (see `layout.rs`).
    Struct { ty: TypeId, fields: Box<[u64]> },
    /// A struct of at most two cells, kept in the slot itself: a tree node or a pair
    /// takes no allocation of its own.
    SmallStruct {
        ty: TypeId,
        len: u8,
        cells: [u64; 2],
    },
    /// An array of type `ty`: its elements of `size` bytes each, little-endian.
    Array {
        ty: TypeId,
        size: u8,
        bytes: Box<[u8]>,
    },
}

impl Object {
    /// The defined type of a struct or an array.
    pub fn type_id(&self) -> Option<TypeId> {
        match self {
            Object::Struct { ty, .. }
            | Object::SmallStruct { ty, .. }
            | Object::Array { ty, .. } => Some(*ty),
            Object::Exn(_) => None,
        }
    }

    /// The cells of a struct's fields.
    pub fn fields(&self) -> Option<&[u64]> {
        match self {
            Object::Struct { fields, .. } => Some(fields),
            Object::SmallStruct { len, cells, .. } => cells.get(..*len as usize),
            _ => None,
        }
    }

    /// The cells of a struct's fields, to change.
    pub fn fields_mut(&mut self) -> Option<&mut [u64]> {
        match self {
            Object::Struct { fields, .. } => Some(fields),
            Object::SmallStruct { len, cells, .. } => cells.get_mut(..*len as usize),
            _ => None,
        }
    }
}

/// Why an array access failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayError {
    /// The object is not an array (or there is none).
    NotArray,
    /// The index or range lies past the end.
    OutOfBounds,
}

/// The cells of `it` (`len` of them) in a new box; `HeapFull` if the allocator refuses.
pub(super) fn copy_cells<T: Copy>(
    it: impl Iterator<Item = T>,
    len: usize,
) -> Result<Box<[T]>, HeapFull> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| HeapFull)?;
    v.extend(it.take(len));
    Ok(v.into_boxed_slice())
}

/// The range of bytes of `n` elements of `size` bytes from element `at`, if it lies
/// within `len` bytes.
pub fn element_range(at: u32, n: u32, size: u8, len: usize) -> Option<core::ops::Range<usize>> {
    let size = size as usize;
    let start = (at as usize).checked_mul(size)?;
    let end = (n as usize).checked_mul(size)?.checked_add(start)?;
    (end <= len).then_some(start..end)
}

/// Reads one element (`size` bytes, up to 16) as the low bytes of a `u128`.
pub fn read_element(bytes: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    let n = bytes.len().min(16);
    b[..n].copy_from_slice(&bytes[..n]);
    u128::from_le_bytes(b)
}

/// Writes the low `bytes.len()` bytes of `v`.
pub fn write_element(bytes: &mut [u8], v: u128) {
    let n = bytes.len().min(16);
    bytes[..n].copy_from_slice(&v.to_le_bytes()[..n]);
}

impl super::Heap {
    /// The fields of the struct at `addr`.
    pub fn struct_fields(&self, addr: u32) -> Option<&[u64]> {
        self.object(addr)?.fields()
    }

    /// The fields of the struct at `addr`, to change.
    pub fn struct_fields_mut(&mut self, addr: u32) -> Option<&mut [u64]> {
        self.object_mut(addr)?.fields_mut()
    }

    /// The element size and bytes of the array at `addr`.
    pub fn array(&self, addr: u32) -> Option<(u8, &[u8])> {
        match self.object(addr)? {
            Object::Array { size, bytes, .. } => Some((*size, bytes)),
            _ => None,
        }
    }

    /// The element size and bytes of the array at `addr`, to change.
    pub fn array_mut(&mut self, addr: u32) -> Option<(u8, &mut [u8])> {
        match self.object_mut(addr)? {
            Object::Array { size, bytes, .. } => Some((*size, bytes)),
            _ => None,
        }
    }

    /// The number of elements of the array at `addr`.
    pub fn array_len(&self, addr: u32) -> Option<u32> {
        let (size, bytes) = self.array(addr)?;
        Some((bytes.len() / (size.max(1) as usize)) as u32)
    }

    /// `array.get`: element `at` as the low bytes of a `u128`, and its size.
    pub fn array_get(&self, addr: u32, at: u32) -> Result<(u128, u8), ArrayError> {
        let (size, bytes) = self.array(addr).ok_or(ArrayError::NotArray)?;
        let r = element_range(at, 1, size, bytes.len()).ok_or(ArrayError::OutOfBounds)?;
        Ok((read_element(&bytes[r]), size))
    }

    /// `array.set`: writes the low bytes of `v` to element `at`.
    pub fn array_set(&mut self, addr: u32, at: u32, v: u128) -> Result<(), ArrayError> {
        let (size, bytes) = self.array_mut(addr).ok_or(ArrayError::NotArray)?;
        let r = element_range(at, 1, size, bytes.len()).ok_or(ArrayError::OutOfBounds)?;
        write_element(&mut bytes[r], v);
        Ok(())
    }

    /// `array.fill`: `n` elements from `at` become `v`.
    pub fn array_fill(&mut self, addr: u32, at: u32, v: u128, n: u32) -> Result<(), ArrayError> {
        let (size, bytes) = self.array_mut(addr).ok_or(ArrayError::NotArray)?;
        let r = element_range(at, n, size, bytes.len()).ok_or(ArrayError::OutOfBounds)?;
        for e in bytes[r].chunks_exact_mut(size as usize) {
            write_element(e, v);
        }
        Ok(())
    }

    /// `array.copy`: `n` elements from `src` at `s` to `dst` at `d`, as if through a
    /// buffer when the ranges overlap.
    pub fn array_copy(
        &mut self,
        dst: u32,
        d: u32,
        src: u32,
        s: u32,
        n: u32,
    ) -> Result<(), ArrayError> {
        let (size, from) = self.array(src).ok_or(ArrayError::NotArray)?;
        let from = element_range(s, n, size, from.len()).ok_or(ArrayError::OutOfBounds)?;
        let (dsize, to_len) = self
            .array(dst)
            .map(|(z, b)| (z, b.len()))
            .ok_or(ArrayError::NotArray)?;
        let to = element_range(d, n, dsize, to_len).ok_or(ArrayError::OutOfBounds)?;
        if from.is_empty() {
            return Ok(());
        }
        if dst == src {
            let (_, bytes) = self.array_mut(dst).ok_or(ArrayError::NotArray)?;
            bytes.copy_within(from, to.start);
            return Ok(());
        }
        // Two distinct slots: take the source out for the copy, and put it back.
        let taken = match self.object_mut(src) {
            Some(Object::Array { bytes, .. }) => core::mem::take(bytes),
            _ => return Err(ArrayError::NotArray),
        };
        if let Some((_, bytes)) = self.array_mut(dst) {
            bytes[to].copy_from_slice(&taken[from]);
        }
        if let Some(Object::Array { bytes, .. }) = self.object_mut(src) {
            *bytes = taken;
        }
        Ok(())
    }
}
