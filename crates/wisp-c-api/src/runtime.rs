//! What a `no_std` static library needs from its C host: a heap (the C library's
//! `malloc`) and what to do on a panic (`abort`).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

extern "C" {
    fn aligned_alloc(align: usize, size: usize) -> *mut c_void;
    fn free(p: *mut c_void);
    fn abort() -> !;
}

/// The C heap as Rust's.
struct CHeap;

// SAFETY: `aligned_alloc` returns memory aligned as asked (or null), which `free` takes
// back; Rust's layouts always have a power-of-two alignment. A size is rounded up to a
// multiple of the alignment, as C11 asks of `aligned_alloc`.
unsafe impl GlobalAlloc for CHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let align = layout.align().max(core::mem::size_of::<usize>());
        let size = layout.size().div_ceil(align) * align;
        // SAFETY: see the impl.
        unsafe { aligned_alloc(align, size.max(align)) as *mut u8 }
    }
    unsafe fn dealloc(&self, p: *mut u8, _: Layout) {
        // SAFETY: `p` came from `alloc` above.
        unsafe { free(p as *mut c_void) }
    }
}

#[global_allocator]
static HEAP: CHeap = CHeap;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: C's `abort` takes nothing and does not return.
    unsafe { abort() }
}
