//! Linear memory in anonymous pages from the kernel, zero-filled on first touch.
//!
//! A module may declare a 4 GiB memory and use a few pages of it. A heap vector would be
//! written in full (zeroing is a write), so the host pays for every byte at
//! instantiation. Pages mapped here cost nothing until the program touches them, and
//! growing remaps (`mremap`) instead of copying, so a memory that grows a page at a time
//! does not copy itself each time either. Linux only; elsewhere memories are vectors.

use core::ptr::NonNull;

/// A private anonymous mapping of exactly `len` bytes (none when `len` is 0).
pub struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is owned memory like a `Vec<u8>`'s buffer; nothing else refers to
// it, so moving it to another thread is as safe as moving a vector.
unsafe impl Send for Mapping {}
// SAFETY: shared access only reads through `&self`, as with a vector.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// No bytes yet.
    pub fn empty() -> Self {
        Mapping {
            ptr: NonNull::dangling(),
            len: 0,
        }
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is either dangling with `len == 0`, which is a valid empty slice,
        // or the start of a live read-write mapping of `len` bytes that this value owns.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    /// The bytes, writable.
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`; `&mut self` makes the access exclusive.
        unsafe { core::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// Grows (never shrinks) to `len` bytes, the new ones zero. False if the kernel
    /// refuses; the mapping is then unchanged.
    pub fn grow_to(&mut self, len: usize) -> bool {
        if len <= self.len {
            return true;
        }
        let ptr = if self.len == 0 {
            // SAFETY: a fresh anonymous private mapping; no existing memory is affected.
            // NORESERVE: the pages are promised only when touched, so an untouched
            // memory commits nothing.
            unsafe {
                libc::mmap(
                    core::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                )
            }
        } else {
            // SAFETY: `ptr`/`self.len` describe a mapping this value owns. MAYMOVE lets the
            // kernel move it; the old address is not used afterwards (callers reload the
            // slice after a grow). The added pages of an anonymous mapping read as zero.
            unsafe {
                libc::mremap(
                    self.ptr.as_ptr().cast(),
                    self.len,
                    len,
                    libc::MREMAP_MAYMOVE,
                )
            }
        };
        if ptr == libc::MAP_FAILED {
            return false;
        }
        match NonNull::new(ptr.cast::<u8>()) {
            Some(p) => {
                self.ptr = p;
                self.len = len;
                true
            }
            None => false,
        }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: the mapping is owned by this value and no slice of it outlives it.
            unsafe {
                libc::munmap(self.ptr.as_ptr().cast(), self.len);
            }
        }
    }
}

impl core::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Mapping({} bytes)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_zeroed_and_keeps_contents() {
        let mut m = Mapping::empty();
        assert!(m.as_slice().is_empty());
        assert!(m.grow_to(65536));
        assert!(m.as_slice().iter().all(|&b| b == 0));
        m.as_mut_slice()[65535] = 7;
        assert!(m.grow_to(10 << 20));
        assert_eq!(m.as_slice()[65535], 7);
        assert!(m.as_slice()[65536..].iter().step_by(4096).all(|&b| b == 0));
    }

    #[test]
    fn an_untouched_huge_mapping_is_cheap() {
        let mut m = Mapping::empty();
        // 4 GiB: only possible without committing it.
        assert!(m.grow_to(4 << 30));
        m.as_mut_slice()[(4 << 30) - 1] = 1;
    }
}
