//! The storage of a stack: a growable heap block, or a buffer the application lent for
//! the program's life (a device that hands Wisp all of its memory as static buffers).
//!
//! One representation for both, so that the call path reads the base and length of the
//! value stack as plain fields, with no branch on where it lives; only growth asks.

use alloc::vec::Vec;
use core::ptr::NonNull;

/// A stack's elements: `len` of them in use, room for `cap`.
pub(crate) struct Cells<T: Copy + 'static> {
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
    /// The block is the application's; it never grows and is never freed.
    lent: bool,
}

impl<T: Copy + 'static> Cells<T> {
    /// Empty, on the heap; nothing is allocated until it grows.
    pub(crate) const fn new() -> Self {
        Cells {
            ptr: NonNull::dangling(),
            len: 0,
            cap: 0,
            lent: false,
        }
    }

    /// Over `cap` elements at `ptr`, lent for the program's life.
    ///
    /// # Safety
    /// `ptr` is aligned for `T` and `cap` elements from it are memory that nothing else
    /// uses for the program's life, holding bytes that are valid `T`s (each `T` here is
    /// plain integers and raw pointers, valid for any initialized bytes).
    pub(crate) unsafe fn lent(ptr: NonNull<T>, cap: usize) -> Self {
        Cells {
            ptr,
            len: 0,
            cap,
            lent: true,
        }
    }

    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    #[inline(always)]
    pub(crate) fn as_mut_ptr(&mut self) -> *mut T {
        self.ptr.as_ptr()
    }

    /// Makes room for `additional` more elements than are in use; `Err` if the lent
    /// buffer is too small or the allocator refuses.
    #[inline(always)]
    pub(crate) fn try_reserve(&mut self, additional: usize) -> Result<(), ()> {
        match self.len.checked_add(additional) {
            Some(need) if need <= self.cap => Ok(()),
            _ => self.grow(additional),
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, additional: usize) -> Result<(), ()> {
        if self.lent {
            return Err(());
        }
        let mut v = self.take_vec();
        let grown = v.try_reserve(additional).map_err(|_| ());
        self.put_vec(v);
        grown
    }

    /// Sets the length to `new_len`, new elements `value`; `false` (and nothing changed)
    /// if that needs room that cannot be had.
    pub(crate) fn try_resize(&mut self, new_len: usize, value: T) -> bool {
        if new_len > self.len && self.try_reserve(new_len - self.len).is_err() {
            return false;
        }
        for i in self.len..new_len {
            // SAFETY: `i < cap` after the reservation, and the block is ours to write.
            unsafe { self.ptr.as_ptr().wrapping_add(i).write(value) };
        }
        self.len = new_len;
        true
    }

    /// Appends `value`; `false` if there is no room for it.
    #[inline(always)]
    #[must_use]
    pub(crate) fn push(&mut self, value: T) -> bool {
        if self.try_reserve(1).is_err() {
            return false;
        }
        // SAFETY: `len < cap` after the reservation.
        unsafe { self.ptr.as_ptr().wrapping_add(self.len).write(value) };
        self.len += 1;
        true
    }

    /// Appends `value` where there is room for it without growing.
    ///
    /// # Safety
    /// `self.len() < self.capacity()`.
    #[inline(always)]
    pub(crate) unsafe fn push_within_capacity(&mut self, value: T) {
        debug_assert!(self.len < self.cap);
        // SAFETY: `len < cap` (the function's contract): the slot is inside the block.
        let slot = unsafe { self.ptr.as_ptr().add(self.len) };
        // SAFETY: as above, and the block is ours to write.
        unsafe { slot.write(value) };
        self.len += 1;
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        self.len = self.len.checked_sub(1)?;
        // SAFETY: the element at the old last index was written.
        Some(unsafe { self.ptr.as_ptr().wrapping_add(self.len).read() })
    }

    // The unwinder's; builds without exceptions have no other use.
    #[cfg_attr(not(feature = "exceptions"), allow(dead_code))]
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// The heap block as the vector it came from (this leaves `self` empty).
    fn take_vec(&mut self) -> Vec<T> {
        let (ptr, len, cap) = (self.ptr, self.len, self.cap);
        // Field by field: assigning a whole `Cells` would drop this one, which frees.
        self.ptr = NonNull::dangling();
        self.len = 0;
        self.cap = 0;
        if cap == 0 {
            return Vec::new();
        }
        // SAFETY: a heap `Cells` with capacity holds exactly what `put_vec` took from a
        // `Vec<T>`: its pointer, length and capacity.
        unsafe { Vec::from_raw_parts(ptr.as_ptr(), len, cap) }
    }

    fn put_vec(&mut self, v: Vec<T>) {
        let mut v = core::mem::ManuallyDrop::new(v);
        self.len = v.len();
        self.cap = v.capacity();
        self.ptr = NonNull::new(v.as_mut_ptr()).unwrap_or(NonNull::dangling());
        self.lent = false;
    }
}

impl<T: Copy + 'static> core::ops::Deref for Cells<T> {
    type Target = [T];
    #[inline(always)]
    fn deref(&self) -> &[T] {
        // SAFETY: the first `len` elements are written and belong to `self`.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy + 'static> core::ops::DerefMut for Cells<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as for `deref`, and `&mut self` makes the borrow unique.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: Copy + 'static> Drop for Cells<T> {
    fn drop(&mut self) {
        if !self.lent {
            drop(self.take_vec());
        }
    }
}

impl<T: Copy + core::fmt::Debug + 'static> core::fmt::Debug for Cells<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Cells")
            .field("len", &self.len)
            .field("cap", &self.cap)
            .field("lent", &self.lent)
            .finish()
    }
}

/// The two stacks' storage carved out of `buf`, lent for the program's life: as many
/// cells and frames as fit, in the proportions of `values` cells to `frames` frames
/// (each at most that many). `None` if `buf` cannot hold a cell and a frame.
pub(crate) fn split_lent<F: Copy + 'static>(
    buf: &'static mut [u8],
    values: usize,
    frames: usize,
) -> Option<(Cells<wisp_types::RawVal>, Cells<F>)> {
    use wisp_types::RawVal;
    let align = core::mem::align_of::<RawVal>().max(core::mem::align_of::<F>());
    let skip = buf.as_ptr().align_offset(align);
    let usable = buf.len().checked_sub(skip)?;
    let (cell, frame) = (core::mem::size_of::<RawVal>(), core::mem::size_of::<F>());
    let want = values
        .saturating_mul(cell)
        .saturating_add(frames.saturating_mul(frame));
    // Frames first, rounded so that the cells after them stay aligned.
    let frame_bytes = if want <= usable {
        frames * frame
    } else {
        ((usable as u128 * (frames * frame) as u128 / want.max(1) as u128) as usize) / frame * frame
    };
    let frame_bytes = frame_bytes.next_multiple_of(align);
    let n_frames = (frame_bytes / frame).min(frames);
    let n_values = (usable.checked_sub(frame_bytes)? / cell).min(values);
    if n_frames == 0 || n_values == 0 {
        return None;
    }
    let base = buf.as_mut_ptr();
    // SAFETY: `skip` keeps the pointer inside `buf` (`align_offset` is at most `usable`
    // bytes short of its end, checked above).
    let start = unsafe { base.add(skip) };
    // SAFETY: `frame_bytes` is within `usable` (the cells' share was non-negative).
    let cells_at = unsafe { start.add(frame_bytes) };
    let frames_ptr = NonNull::new(start.cast::<F>())?;
    let cells_ptr = NonNull::new(cells_at.cast::<RawVal>())?;
    // SAFETY: both regions are aligned (`start` to `align`, `frame_bytes` a multiple of
    // it), disjoint, inside `buf`, which the caller gave up for the program's life, and
    // hold initialized bytes (a `&mut [u8]`); frames and cells are plain integers and raw
    // pointers, valid for any bytes.
    let frames = unsafe { Cells::lent(frames_ptr, n_frames) };
    // SAFETY: as above.
    let values = unsafe { Cells::lent(cells_ptr, n_values) };
    Some((values, frames))
}

#[cfg(test)]
mod tests {
    use super::{split_lent, Cells};
    use wisp_types::RawVal;

    #[test]
    fn heap_cells_grow_and_lent_ones_stop_at_their_end() {
        let mut heap: Cells<u64> = Cells::new();
        assert!(heap.try_resize(100, 7));
        assert!(heap.push(8));
        assert_eq!((heap.len(), heap[99], heap.pop()), (101, 7, Some(8)));
        let buf: &'static mut [u8] = alloc::vec![0u8; 2000].leak();
        let (mut values, mut frames) = split_lent::<[u64; 3]>(buf, 100, 10).unwrap();
        assert_eq!((values.capacity(), frames.capacity()), (100, 10));
        assert!(values.try_resize(100, RawVal(1)));
        assert!(!values.try_resize(101, RawVal(1)), "past the buffer");
        assert!(!values.push(RawVal(2)));
        assert_eq!(values.len(), 100);
        for i in 0..10 {
            assert!(frames.push([i; 3]));
        }
        assert!(!frames.push([0; 3]));
        assert_eq!(frames.pop(), Some([9; 3]));
        assert_eq!(values[99], RawVal(1), "frames and cells do not overlap");
        // Too small for the limits: both shrink in proportion, and stay inside it.
        let buf: &'static mut [u8] = alloc::vec![0u8; 520].leak();
        let end = buf.as_ptr() as usize + 520;
        let (mut values, frames) = split_lent::<[u64; 3]>(buf, 100, 10).unwrap();
        assert!(values.capacity() < 100 && frames.capacity() < 10);
        assert!(values.try_resize(values.capacity(), RawVal(3)));
        assert!(values.as_mut_ptr() as usize + values.capacity() * 8 <= end);
        let small: &'static mut [u8] = alloc::vec![0u8; 8].leak();
        assert!(split_lent::<[u64; 3]>(small, 100, 10).is_none());
    }
}
