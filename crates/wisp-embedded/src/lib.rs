//! Wisp on microcontrollers: linear memory paged over a block device, and an allocator
//! over a buffer the embedder sets aside. See this crate's README for what it owns, and
//! the top-level README for how a board wires flash, RAM and storage.
#![deny(missing_docs)]
// `unsafe` only in the allocator (`heap`), which allows it, and in what `static_buffer!`
// expands to in the caller's crate.
#![deny(unsafe_code)]
#![no_std]
extern crate alloc;

mod block;
#[allow(unsafe_code)]
mod heap;
mod paged;

pub use block::{BlockDevice, DeviceError, RamDisk};
pub use heap::BufferAllocator;
pub use paged::{BlockMemory, CacheStats};

#[doc(hidden)]
pub use critical_section;

/// A `&'static mut [u8; N]` of zeroed static RAM (`.bss`), handed out once: `None` if
/// this invocation already ran. For the heap of a [`BufferAllocator`] or a memory lent
/// with `wisp::MemoryBackend::host`, without `unsafe` in the firmware.
///
/// ```ignore
/// let heap = wisp_embedded::static_buffer!(32 * 1024).unwrap();
/// ```
#[macro_export]
macro_rules! static_buffer {
    ($bytes:expr) => {{
        static mut BUF: [u8; $bytes] = [0; $bytes];
        static TAKEN: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
        $crate::critical_section::with(|_| {
            // Load and store, not swap: Cortex-M0 and riscv32imc have no atomic swap;
            // the critical section makes the pair atomic.
            if TAKEN.load(core::sync::atomic::Ordering::Relaxed) {
                None
            } else {
                TAKEN.store(true, core::sync::atomic::Ordering::Relaxed);
                // SAFETY: `TAKEN` makes this the only reference ever made to `BUF`.
                Some(unsafe { &mut *core::ptr::addr_of_mut!(BUF) })
            }
        })
    }};
}
