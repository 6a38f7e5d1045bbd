//! Linear memory paged over a block device, through a small cache of blocks in RAM.
//!
//! Each block of the device holds the same-sized piece of linear memory (block `i` holds
//! bytes `i * block_size..`). The cache keeps the most recently used blocks; a miss
//! writes the least recently used one back if it changed, then reads the one wanted.
//! Blocks that were never written back read as zero without touching the device, so a
//! fresh memory needs no formatting and a card's leftover data never shows.

use crate::block::BlockDevice;
use alloc::vec;
use alloc::vec::Vec;
use wisp_store::{AccessError, GrowError, PagedMemory};

/// Linear memory on a [`BlockDevice`], with `cache_bytes` of RAM for blocks.
pub struct BlockMemory<D: BlockDevice> {
    device: D,
    size: u64,
    shift: u32,
    /// The cached blocks, one frame of `block_size` bytes each.
    cache: Vec<u8>,
    frames: Vec<Frame>,
    /// The frame hit last: most accesses fall in the same block as the one before.
    last: usize,
    clock: u32,
    /// One bit per block of the memory's current size: set once the block has been
    /// written back. It grows with the memory, so a large device costs RAM only in
    /// proportion to what is used of it.
    written: Vec<u32>,
    /// What the cache has done.
    pub stats: CacheStats,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    block: u32,
    dirty: bool,
    used: u32,
}

const EMPTY: u32 = u32::MAX;

/// What the cache did: the slowdown of paged memory is mostly its misses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Accesses to a page in RAM.
    pub hits: u64,
    /// Pages read from the device.
    pub misses: u64,
    /// Changed pages written back to the device.
    pub write_backs: u64,
}

impl<D: BlockDevice> BlockMemory<D> {
    /// Linear memory over `device`, caching `cache_bytes / block_size` blocks (at least
    /// one). The memory starts empty; instantiation grows it to the module's minimum.
    pub fn new(device: D, cache_bytes: usize) -> Self {
        let bs = device.block_size();
        assert!(bs.is_power_of_two(), "block size must be a power of two");
        let n = (cache_bytes / bs).max(1);
        BlockMemory {
            shift: bs.trailing_zeros(),
            cache: vec![0; n * bs],
            frames: vec![
                Frame {
                    block: EMPTY,
                    dirty: false,
                    used: 0
                };
                n
            ],
            last: 0,
            clock: 0,
            written: Vec::new(),
            stats: CacheStats::default(),
            size: 0,
            device,
        }
    }

    /// Bytes the device can hold: the most the memory can grow to.
    pub fn capacity(&self) -> u64 {
        (self.device.block_count() as u64) << self.shift
    }

    /// Writes every changed block back to the device.
    pub fn flush(&mut self) -> Result<(), AccessError> {
        for f in 0..self.frames.len() {
            self.write_back(f)?;
        }
        Ok(())
    }

    /// The device, after writing the cache back.
    pub fn into_device(mut self) -> Result<D, AccessError> {
        self.flush()?;
        Ok(self.device)
    }

    /// The block device.
    pub fn device(&self) -> &D {
        &self.device
    }

    fn block_size(&self) -> usize {
        1 << self.shift
    }

    fn write_back(&mut self, f: usize) -> Result<(), AccessError> {
        let Frame { block, dirty, .. } = self.frames[f];
        if !dirty {
            return Ok(());
        }
        let bs = self.block_size();
        self.device
            .write_block(block, &self.cache[f * bs..(f + 1) * bs])
            .map_err(|_| AccessError::Device)?;
        if let Some(w) = self.written.get_mut(block as usize / 32) {
            *w |= 1 << (block % 32);
        }
        self.frames[f].dirty = false;
        self.stats.write_backs += 1;
        Ok(())
    }

    /// The frame holding `block`, loading it if needed.
    fn frame(&mut self, block: u32) -> Result<usize, AccessError> {
        self.clock = self.clock.wrapping_add(1);
        if self.frames[self.last].block == block {
            self.frames[self.last].used = self.clock;
            self.stats.hits += 1;
            return Ok(self.last);
        }
        let f = match self.frames.iter().position(|f| f.block == block) {
            Some(f) => {
                self.stats.hits += 1;
                f
            }
            None => {
                self.stats.misses += 1;
                self.load(block)?
            }
        };
        self.frames[f].used = self.clock;
        self.last = f;
        Ok(f)
    }

    fn load(&mut self, block: u32) -> Result<usize, AccessError> {
        // The least recently used frame; empty frames have `used == 0` and go first.
        let clock = self.clock;
        let victim = (0..self.frames.len())
            .max_by_key(|&f| clock.wrapping_sub(self.frames[f].used))
            .unwrap_or(0);
        self.write_back(victim)?;
        let bs = self.block_size();
        let buf = &mut self.cache[victim * bs..(victim + 1) * bs];
        let written = self.written.get(block as usize / 32);
        if written.is_some_and(|w| w & (1 << (block % 32)) != 0) {
            self.device
                .read_block(block, buf)
                .map_err(|_| AccessError::Device)?;
        } else {
            buf.fill(0);
        }
        self.frames[victim] = Frame {
            block,
            dirty: false,
            used: clock,
        };
        Ok(victim)
    }

    /// Runs `f(frame offset, range in the buffer)` over each block that
    /// `addr..addr + len` touches.
    fn each_block(
        &mut self,
        addr: u64,
        len: usize,
        mut f: impl FnMut(&mut Self, usize, core::ops::Range<usize>),
    ) -> Result<(), AccessError> {
        let bs = self.block_size();
        let mut done = 0;
        while done < len {
            let a = addr + done as u64;
            let off = (a & (bs as u64 - 1)) as usize;
            let n = (bs - off).min(len - done);
            let frame = self.frame((a >> self.shift) as u32)?;
            f(self, frame * bs + off, done..done + n);
            done += n;
        }
        Ok(())
    }
}

impl<D: BlockDevice> PagedMemory for BlockMemory<D> {
    fn size(&self) -> u64 {
        self.size
    }

    fn ram_bytes(&self) -> usize {
        core::mem::size_of::<Self>()
            + self.cache.len()
            + self.frames.len() * core::mem::size_of::<Frame>()
            + self.written.len() * 4
    }

    fn grow(&mut self, new_size: u64) -> Result<(), GrowError> {
        if new_size > self.capacity() {
            return Err(GrowError::Capacity {
                capacity: self.capacity(),
            });
        }
        let blocks = new_size.div_ceil(self.block_size() as u64) as usize;
        let words = blocks.div_ceil(32);
        if words > self.written.len() {
            self.written
                .try_reserve_exact(words - self.written.len())
                .map_err(|_| GrowError::OutOfMemory)?;
            self.written.resize(words, 0);
        }
        self.size = self.size.max(new_size);
        Ok(())
    }

    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        self.each_block(addr, buf.len(), |m, at, r| {
            let n = r.len();
            buf[r].copy_from_slice(&m.cache[at..at + n]);
        })
    }

    fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), AccessError> {
        self.each_block(addr, buf.len(), |m, at, r| {
            let n = r.len();
            m.cache[at..at + n].copy_from_slice(&buf[r]);
            m.frames[at >> m.shift].dirty = true;
        })
    }
}
