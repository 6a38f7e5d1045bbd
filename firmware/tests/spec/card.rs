//! Where the spec runner's memories live: the heap when they fit, else an emulated SD
//! card behind a small cache.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use wisp::MemoryBackend;
use wisp_embedded::{BlockDevice, BlockMemory, DeviceError};
use wisp_firmware::HEAP;

use super::MARGIN;

/// The most pages a memory may have: what one region of the card holds.
pub(super) const MAX_PAGES: u64 = 1024;
/// Bytes of RAM that cache a memory on the card.
const CACHE: usize = 2 * 1024;

/// An SD card of 512-byte blocks: a card image file on the host (`target/spec-card.img`),
/// which the firmware reads and writes a block at a time through QEMU's semihosting, as a
/// driver would a card over SPI; nothing of it is in the board's RAM. Each memory on it
/// has a region of its own, [`MAX_PAGES`] pages long (the file is sparse on the host).
pub(super) struct Card {
    pub(super) region: u32,
}

pub(super) const BLOCK: usize = 512;
const REGION_BLOCKS: u32 = (MAX_PAGES as u32 * 65536) / BLOCK as u32;
pub(super) const REGIONS: u32 = 30;
/// The next free region; a fresh store, whose memories are all new, starts again at 0.
pub(super) static NEXT_REGION: AtomicU32 = AtomicU32::new(0);
/// Memories placed on the heap and on the card, for the summary.
pub(super) static ON_HEAP: AtomicU32 = AtomicU32::new(0);
pub(super) static ON_CARD: AtomicU32 = AtomicU32::new(0);
/// The card image's semihosting handle, plus one (0: not open yet).
static CARD: AtomicU32 = AtomicU32::new(0);

impl Card {
    /// Moves the image's file position to block `index` of this region; the handle.
    fn seek(&self, index: u32) -> Result<usize, DeviceError> {
        if index >= REGION_BLOCKS {
            return Err(DeviceError);
        }
        let handle = match CARD.load(Relaxed) {
            0 => {
                let name = b"target/spec-card.img\0";
                // SAFETY: SYS_OPEN reads `name.len() - 1` bytes of a NUL-terminated name;
                // mode 7 is "w+b" (created empty, read and written).
                let h = unsafe { wisp_firmware::syscall!(OPEN, name.as_ptr(), 7, name.len() - 1) };
                if h == usize::MAX {
                    return Err(DeviceError);
                }
                CARD.store(h as u32 + 1, Relaxed);
                h
            }
            h => h as usize - 1,
        };
        let at = (self.region * REGION_BLOCKS + index) as usize * BLOCK;
        // SAFETY: SYS_SEEK takes a handle and a position and touches no memory.
        match unsafe { wisp_firmware::syscall!(SEEK, handle, at) } {
            0 => Ok(handle),
            _ => Err(DeviceError),
        }
    }
}

impl BlockDevice for Card {
    fn block_size(&self) -> usize {
        BLOCK
    }
    fn block_count(&self) -> u32 {
        REGION_BLOCKS
    }
    fn read_block(&mut self, index: u32, buf: &mut [u8]) -> Result<(), DeviceError> {
        let handle = self.seek(index)?;
        // SAFETY: SYS_READ fills at most `buf.len()` bytes of `buf`; it returns how many
        // it did not.
        match unsafe { wisp_firmware::syscall!(READ, handle, buf.as_mut_ptr(), buf.len()) } {
            0 => Ok(()),
            _ => Err(DeviceError),
        }
    }
    fn write_block(&mut self, index: u32, buf: &[u8]) -> Result<(), DeviceError> {
        let handle = self.seek(index)?;
        // SAFETY: SYS_WRITE reads `buf.len()` bytes of `buf`.
        match unsafe { wisp_firmware::syscall!(WRITE, handle, buf.as_ptr(), buf.len()) } {
            0 => Ok(()),
            _ => Err(DeviceError),
        }
    }
}

/// What the stacks take at the runner's limits (1024 cells, 256 frames of 16 bytes).
const STACKS: usize = 1024 * 8 + 256 * 16;

/// Where a module's memory goes: the heap if it has a maximum that fits what the heap
/// has left beside the stacks, else a region of the card (the heap then holds only its
/// cache).
pub(super) fn memory_for(ty: &wisp::MemoryType) -> Option<MemoryBackend> {
    let free = HEAP
        .capacity()
        .saturating_sub(HEAP.used() + MARGIN + STACKS) as u64;
    let max = ty.limits.max.map(|p| p.saturating_mul(ty.page_size()));
    let region = NEXT_REGION.load(Relaxed);
    if max.is_some_and(|m| m <= free) || region >= REGIONS {
        ON_HEAP.store(ON_HEAP.load(Relaxed) + 1, Relaxed);
        return None;
    }
    NEXT_REGION.store(region + 1, Relaxed);
    ON_CARD.store(ON_CARD.load(Relaxed) + 1, Relaxed);
    Some(MemoryBackend::Paged(alloc::boxed::Box::new(
        BlockMemory::new(Card { region }, CACHE),
    )))
}
