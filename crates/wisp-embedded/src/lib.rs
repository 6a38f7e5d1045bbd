//! Wisp on microcontrollers: linear memory paged over a block device, and an allocator
//! over a buffer the embedder sets aside. See this crate's README for what it owns, and
//! the top-level README for how a board wires flash, RAM and storage.
#![no_std]
extern crate alloc;

mod block;
mod heap;
mod paged;

pub use block::{BlockDevice, DeviceError, RamDisk};
pub use heap::BufferAllocator;
pub use paged::{BlockMemory, CacheStats};
