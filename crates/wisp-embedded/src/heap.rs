//! A global allocator over a buffer the embedder sets aside, so that firmware needs no
//! allocator of its own and knows at link time how much RAM the heap may take.
//!
//! Free blocks form a list sorted by address, kept inside the free memory itself; a
//! freed block merges with its neighbours. Allocation is first fit. `dealloc` is given
//! the layout, so allocated blocks carry no header: a 24-byte `Vec` costs 24 bytes. The
//! list is locked with a critical section, which on a single-core MCU masks interrupts,
//! so an interrupt handler may allocate too, and no compare-and-swap is needed.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::RefCell;
use core::ptr;

/// A free block: its size in bytes (a multiple of [`UNIT`]) and the next free block.
#[repr(C)]
struct Free {
    size: usize,
    next: *mut Free,
}

/// Every block is a multiple of this and aligned to it, so a free block can hold a
/// [`Free`] header.
const UNIT: usize = core::mem::size_of::<Free>();

/// The allocator. Declare it `static`, mark it `#[global_allocator]`, and give it its
/// buffer with [`init`](Self::init) before the first allocation.
pub struct BufferAllocator {
    heap: critical_section::Mutex<RefCell<Heap>>,
}

struct Heap {
    head: *mut Free,
    capacity: usize,
    used: usize,
    peak: usize,
}

// SAFETY: the free list points only into the buffer that `init` took for good (a
// `&'static mut`), and it is reached only under the critical section.
unsafe impl Send for Heap {}

impl Default for BufferAllocator {
    fn default() -> Self {
        Self::new()
    }
}

impl BufferAllocator {
    /// An allocator with no memory yet: every allocation fails until [`init`](Self::init).
    pub const fn new() -> Self {
        BufferAllocator {
            heap: critical_section::Mutex::new(RefCell::new(Heap {
                head: ptr::null_mut(),
                capacity: 0,
                used: 0,
                peak: 0,
            })),
        }
    }

    /// Hands the allocator its buffer, for good. Returns false (and leaves the buffer
    /// unused) if it already has one.
    pub fn init(&self, buf: &'static mut [u8]) -> bool {
        critical_section::with(|cs| {
            let mut h = self.heap.borrow_ref_mut(cs);
            if h.capacity != 0 {
                return false;
            }
            let start = buf.as_mut_ptr();
            let skip = start.align_offset(UNIT).min(buf.len());
            let size = (buf.len() - skip) & !(UNIT - 1);
            if size == 0 {
                return false;
            }
            // SAFETY: `skip + size <= buf.len()`, so the header lies inside the buffer,
            // aligned to `UNIT`; the `'static mut` borrow makes the buffer ours alone.
            unsafe {
                let block = start.add(skip).cast::<Free>();
                block.write(Free {
                    size,
                    next: ptr::null_mut(),
                });
                h.head = block;
            }
            h.capacity = size;
            true
        })
    }

    /// Bytes in the buffer the allocator can hand out.
    pub fn capacity(&self) -> usize {
        critical_section::with(|cs| self.heap.borrow_ref(cs).capacity)
    }

    /// Bytes allocated now, rounded up as the allocator rounds them.
    pub fn used(&self) -> usize {
        critical_section::with(|cs| self.heap.borrow_ref(cs).used)
    }

    /// The most bytes that were allocated at once since [`init`](Self::init) or
    /// [`reset_peak`](Self::reset_peak).
    pub fn peak(&self) -> usize {
        critical_section::with(|cs| self.heap.borrow_ref(cs).peak)
    }

    /// Starts measuring the peak again from what is in use now.
    pub fn reset_peak(&self) {
        critical_section::with(|cs| {
            let mut h = self.heap.borrow_ref_mut(cs);
            h.peak = h.used;
        })
    }
}

/// Blocks this large or larger come from the top of the heap (see [`Heap::alloc`]).
const LARGE: usize = 2048;

/// `size` rounded up to whole units, at least one.
fn rounded(size: usize) -> Option<usize> {
    Some(size.max(1).checked_add(UNIT - 1)? & !(UNIT - 1))
}

impl Heap {
    /// First fit: the first free block with room for `size` bytes at `align`. Large
    /// blocks (a linear memory's pages) are cut from the end of the last block that
    /// fits instead, so the small allocations made between two of them do not leave the
    /// heap's one large hole in pieces.
    ///
    /// # Safety
    /// The free list must be well formed: what `init` and `dealloc` leave.
    unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        let Some(size) = rounded(layout.size()) else {
            return ptr::null_mut();
        };
        let align = layout.align().max(UNIT);
        if size >= LARGE {
            // SAFETY: the same list invariant as below.
            return unsafe { self.alloc_high(size, align) };
        }
        let mut link: *mut *mut Free = &mut self.head;
        // SAFETY: every pointer on the list is a `Free` header inside the buffer (the
        // list invariant); the pieces written below lie inside the block being split.
        unsafe {
            while !(*link).is_null() {
                let block = *link;
                let have = (*block).size;
                // The front stays free: `pad` is a multiple of `UNIT`, as both the block
                // and `align` are.
                let pad = block.cast::<u8>().align_offset(align);
                if pad <= have && size <= have - pad {
                    return self.take(link, pad, size);
                }
                link = &mut (*block).next;
            }
        }
        ptr::null_mut()
    }

    /// A large block cut from the end of the last free block that fits.
    ///
    /// # Safety
    /// As for [`Heap::alloc`].
    unsafe fn alloc_high(&mut self, size: usize, align: usize) -> *mut u8 {
        let mut link: *mut *mut Free = &mut self.head;
        let mut best: Option<*mut *mut Free> = None;
        // SAFETY: every pointer on the list is a `Free` header inside the buffer; the
        // pieces written below lie inside the chosen block.
        unsafe {
            while !(*link).is_null() {
                let block = *link;
                let have = (*block).size;
                let end = block as usize + have;
                if end - (block as usize) >= size && (end - size) & !(align - 1) >= block as usize {
                    best = Some(link);
                }
                link = &mut (*block).next;
            }
            let Some(link) = best else {
                return ptr::null_mut();
            };
            let block = *link;
            let have = (*block).size;
            // A multiple of `UNIT`, as `size`, `align` and the block are.
            let front = ((block as usize + have - size) & !(align - 1)) - block as usize;
            self.take(link, front, size)
        }
    }

    /// Cuts `size` bytes at offset `front` out of the free block `*link`; what is left
    /// before and after stays free.
    ///
    /// # Safety
    /// `link` points at a link of the free list; `front + size` is at most the block's
    /// size, and `front` and `size` are multiples of `UNIT`.
    unsafe fn take(&mut self, link: *mut *mut Free, front: usize, size: usize) -> *mut u8 {
        // SAFETY: the pieces written lie inside the block, which is ours (the caller's
        // contract); each is aligned to `UNIT` and at least `UNIT` long.
        unsafe {
            let block = *link;
            let Free { size: have, next } = block.read();
            let out = block.cast::<u8>().add(front);
            let back = have - front - size;
            let mut rest = next;
            if back > 0 {
                let t = out.add(size).cast::<Free>();
                t.write(Free {
                    size: back,
                    next: rest,
                });
                rest = t;
            }
            if front > 0 {
                block.write(Free {
                    size: front,
                    next: rest,
                });
            } else {
                *link = rest;
            }
            self.used += size;
            self.peak = self.peak.max(self.used);
            out
        }
    }

    /// Puts a block back, in address order, merged with the free blocks it touches.
    ///
    /// # Safety
    /// `at` and `layout` must be those of a live allocation from this heap.
    unsafe fn dealloc(&mut self, at: *mut u8, layout: Layout) {
        let Some(size) = rounded(layout.size()) else {
            return;
        };
        self.used -= size;
        let addr = at as usize;
        let mut prev: *mut Free = ptr::null_mut();
        let mut next = self.head;
        // SAFETY: list pointers are headers inside the buffer (the list invariant); the
        // freed block is ours again, aligned to `UNIT` and at least `UNIT` long.
        unsafe {
            while !next.is_null() && (next as usize) < addr {
                prev = next;
                next = (*next).next;
            }
            let (mut merged, mut after) = (size, next);
            if !next.is_null() && addr + size == next as usize {
                merged += (*next).size;
                after = (*next).next;
            }
            if !prev.is_null() && prev as usize + (*prev).size == addr {
                (*prev).size += merged;
                (*prev).next = after;
                return;
            }
            let node = at.cast::<Free>();
            node.write(Free {
                size: merged,
                next: after,
            });
            if prev.is_null() {
                self.head = node;
            } else {
                (*prev).next = node;
            }
        }
    }
}

// SAFETY: blocks handed out lie inside the buffer, are aligned as asked and never
// overlap (each is cut out of a free block and leaves the free list); the heap is only
// touched inside a critical section.
unsafe impl GlobalAlloc for BufferAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the list is well formed between calls.
        critical_section::with(|cs| unsafe { self.heap.borrow_ref_mut(cs).alloc(layout) })
    }

    unsafe fn dealloc(&self, at: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a live allocation of ours and its layout.
        critical_section::with(|cs| unsafe { self.heap.borrow_ref_mut(cs).dealloc(at, layout) })
    }
}
