//! Linear memory paged from a file: for a memory larger than the host's RAM (a 64-bit
//! one of many gigabytes), or one that should outlive the process.
//!
//! The file holds the memory's bytes at their addresses. It grows with the memory by
//! `set_len`, which on the usual file systems makes a sparse file: bytes never written
//! take no disk and read as zero, so a fresh memory needs no formatting. A few pages are
//! cached in RAM; a miss picks a page to evict by the clock algorithm (a page used since
//! the hand last passed gets a second chance: constant time per miss however large the
//! cache, where a true LRU would scan it), writes it back if it changed, then reads the
//! one wanted. [`FileMemory::flush`] writes every changed page back.

use crate::memory::{AccessError, GrowError, PagedMemory};
use alloc::vec;
use alloc::vec::Vec;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
#[cfg(not(unix))]
use std::io::{Read, Seek, SeekFrom};

/// Bytes per cached page unless [`FileMemory::with_page_size`] says otherwise: the host's
/// page, so that a sparse access pattern writes back no more than it touched.
pub const DEFAULT_PAGE_SIZE: usize = 4 << 10;

/// A linear memory's bytes in a file, with a cache of pages in RAM.
pub struct FileMemory {
    file: File,
    size: u64,
    capacity: u64,
    shift: u32,
    /// The cached pages, one frame of `1 << shift` bytes each.
    cache: Vec<u8>,
    frames: Vec<Frame>,
    /// Which frame holds each cached page.
    index: HashMap<u64, usize>,
    /// The frame hit last: most accesses fall in the same page as the one before.
    last: usize,
    /// The clock's hand: the next frame to consider for eviction.
    hand: usize,
    stats: CacheStats,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    page: u64,
    dirty: bool,
    /// Used since the hand last passed.
    used: bool,
}

const EMPTY: u64 = u64::MAX;

/// What the cache did: the cost of a file-backed memory is mostly its misses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Accesses to a page in RAM.
    pub hits: u64,
    /// Pages read from the file (or found to be beyond its end).
    pub misses: u64,
    /// Changed pages written back to the file.
    pub write_backs: u64,
}

impl FileMemory {
    /// A memory over `file`, caching `cache_bytes` of it in RAM in pages of
    /// [`DEFAULT_PAGE_SIZE`]. The file is emptied: the memory starts with no bytes, and
    /// instantiation grows it to the module's minimum.
    pub fn new(file: File, cache_bytes: usize) -> io::Result<Self> {
        Self::with_page_size(file, cache_bytes, DEFAULT_PAGE_SIZE)
    }

    /// As [`new`](Self::new), with cached pages of `page_size` bytes (a power of two).
    pub fn with_page_size(file: File, cache_bytes: usize, page_size: usize) -> io::Result<Self> {
        if !page_size.is_power_of_two() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the page size must be a power of two",
            ));
        }
        file.set_len(0)?;
        let n = (cache_bytes / page_size).max(1);
        Ok(FileMemory {
            file,
            size: 0,
            capacity: u64::MAX,
            shift: page_size.trailing_zeros(),
            cache: vec![0; n * page_size],
            frames: vec![
                Frame {
                    page: EMPTY,
                    dirty: false,
                    used: false,
                };
                n
            ],
            index: HashMap::new(),
            last: 0,
            hand: 0,
            stats: CacheStats::default(),
        })
    }

    /// Caps the memory at `bytes`: growing past it fails with
    /// [`GrowError::Capacity`], as a full disk would.
    pub fn with_capacity(mut self, bytes: u64) -> Self {
        self.capacity = bytes;
        self
    }

    /// Writes every changed page back to the file.
    pub fn flush(&mut self) -> Result<(), AccessError> {
        for f in 0..self.frames.len() {
            self.write_back(f)?;
        }
        self.file.flush().map_err(|_| AccessError::Device)
    }

    /// What the cache did so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// The file, whose pages in RAM may not have been written back yet.
    pub fn file(&self) -> &File {
        &self.file
    }

    fn page_size(&self) -> usize {
        1 << self.shift
    }

    /// The bytes of page `page` that lie within the memory: a file never holds more.
    fn extent(&self, page: u64) -> usize {
        let start = page << self.shift;
        (self.size.saturating_sub(start)).min(self.page_size() as u64) as usize
    }

    fn write_back(&mut self, f: usize) -> Result<(), AccessError> {
        let Frame { page, dirty, .. } = self.frames[f];
        if !dirty {
            return Ok(());
        }
        let ps = self.page_size();
        let n = self.extent(page);
        let bytes = &self.cache[f * ps..f * ps + n];
        write_at(&mut self.file, page << self.shift, bytes).map_err(|_| AccessError::Device)?;
        self.frames[f].dirty = false;
        self.stats.write_backs += 1;
        Ok(())
    }

    /// The frame holding `page`, loading it if needed.
    fn frame(&mut self, page: u64) -> Result<usize, AccessError> {
        let f = if self.frames[self.last].page == page {
            self.stats.hits += 1;
            self.last
        } else if let Some(&f) = self.index.get(&page) {
            self.stats.hits += 1;
            f
        } else {
            self.stats.misses += 1;
            self.load(page)?
        };
        self.frames[f].used = true;
        self.last = f;
        Ok(f)
    }

    /// The frame to evict: the first from the hand on that was not used since the hand
    /// last passed, clearing the mark of those it passes (at most one turn).
    fn victim(&mut self) -> usize {
        loop {
            let f = self.hand;
            self.hand = (self.hand + 1) % self.frames.len();
            let frame = &mut self.frames[f];
            if !frame.used || frame.page == EMPTY {
                return f;
            }
            frame.used = false;
        }
    }

    fn load(&mut self, page: u64) -> Result<usize, AccessError> {
        let victim = self.victim();
        self.write_back(victim)?;
        let old = self.frames[victim].page;
        if old != EMPTY {
            self.index.remove(&old);
        }
        let ps = self.page_size();
        let n = self.extent(page);
        let buf = &mut self.cache[victim * ps..(victim + 1) * ps];
        buf.fill(0);
        read_at(&self.file, page << self.shift, &mut buf[..n]).map_err(|_| AccessError::Device)?;
        self.frames[victim] = Frame {
            page,
            dirty: false,
            used: true,
        };
        self.index.insert(page, victim);
        Ok(victim)
    }

    /// Runs `f(self, offset in the cache, range in the caller's buffer)` over each page
    /// that `addr..addr + len` touches.
    fn each_page(
        &mut self,
        addr: u64,
        len: usize,
        mut f: impl FnMut(&mut Self, usize, core::ops::Range<usize>),
    ) -> Result<(), AccessError> {
        let ps = self.page_size();
        let mut done = 0;
        while done < len {
            let a = addr + done as u64;
            let off = (a & (ps as u64 - 1)) as usize;
            let n = (ps - off).min(len - done);
            let frame = self.frame(a >> self.shift)?;
            f(self, frame * ps + off, done..done + n);
            done += n;
        }
        Ok(())
    }
}

/// Fills `buf` from `file` at `offset` until the file's end; what lies past the end stays
/// as it was (zero).
#[cfg_attr(not(unix), allow(unused_mut))]
fn read_at(file: &File, mut offset: u64, mut buf: &mut [u8]) -> io::Result<()> {
    #[cfg(not(unix))]
    let mut file = file;
    #[cfg(not(unix))]
    file.seek(SeekFrom::Start(offset))?;
    while !buf.is_empty() {
        #[cfg(unix)]
        let r = std::os::unix::fs::FileExt::read_at(file, buf, offset);
        #[cfg(not(unix))]
        let r = file.read(buf);
        match r {
            Ok(0) => break,
            Ok(n) => {
                buf = &mut buf[n..];
                // Without positioned reads the file's own position moves instead.
                #[cfg(unix)]
                {
                    offset += n as u64;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `bytes` to `file` at `offset`: one call where the host has positioned
/// writes.
fn write_at(file: &mut File, offset: u64, bytes: &[u8]) -> io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::write_all_at(file, bytes, offset);
    #[cfg(not(unix))]
    {
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)
    }
}

impl PagedMemory for FileMemory {
    fn size(&self) -> u64 {
        self.size
    }

    fn grow(&mut self, new_size: u64) -> Result<(), GrowError> {
        if new_size > self.capacity {
            return Err(GrowError::Capacity {
                capacity: self.capacity,
            });
        }
        if new_size > self.size {
            // A sparse extension on the usual file systems: no disk is taken until a
            // page is written back.
            self.file
                .set_len(new_size)
                .map_err(|_| GrowError::OutOfMemory)?;
            self.size = new_size;
        }
        Ok(())
    }

    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        self.each_page(addr, buf.len(), |m, at, r| {
            let n = r.len();
            buf[r].copy_from_slice(&m.cache[at..at + n]);
        })
    }

    /// Cached pages from the cache (they may be newer than the file), the others from the
    /// file, leaving the cache as it is.
    #[cfg(unix)]
    fn read_shared(&self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        let ps = self.page_size();
        let mut done = 0;
        while done < buf.len() {
            let a = addr + done as u64;
            let off = (a & (ps as u64 - 1)) as usize;
            let n = (ps - off).min(buf.len() - done);
            let out = &mut buf[done..done + n];
            match self.index.get(&(a >> self.shift)) {
                Some(&frame) => out.copy_from_slice(&self.cache[frame * ps + off..][..n]),
                None => {
                    out.fill(0);
                    read_at(&self.file, a, out).map_err(|_| AccessError::Device)?;
                }
            }
            done += n;
        }
        Ok(())
    }

    fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), AccessError> {
        self.each_page(addr, buf.len(), |m, at, r| {
            let n = r.len();
            m.cache[at..at + n].copy_from_slice(&buf[r]);
            m.frames[at >> m.shift].dirty = true;
        })
    }
}

impl Drop for FileMemory {
    /// Writes the changed pages back, so that the file holds the memory when it is kept.
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl core::fmt::Debug for FileMemory {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "FileMemory({} bytes, {} pages of {} in RAM)",
            self.size,
            self.frames.len(),
            self.page_size()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> File {
        let path = std::env::temp_dir().join(std::format!(
            "wisp-file-memory-{name}-{}",
            std::process::id()
        ));
        let f = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        let _ = std::fs::remove_file(&path);
        f
    }

    #[test]
    fn reads_zero_keeps_what_is_written_across_evictions() {
        let mut m = FileMemory::with_page_size(temp("evict"), 2 * 4096, 4096).unwrap();
        m.grow(1 << 20).unwrap();
        let mut b = [9u8; 10];
        m.read(5000, &mut b).unwrap();
        assert_eq!(b, [0; 10]);
        // Spans two pages, then touch enough others to evict both.
        m.write(4090, b"0123456789ab").unwrap();
        for p in 10..20u64 {
            m.write(p * 4096, &[p as u8]).unwrap();
        }
        let mut back = [0u8; 12];
        m.read(4090, &mut back).unwrap();
        assert_eq!(&back, b"0123456789ab");
        for p in 10..20u64 {
            let mut one = [0u8];
            m.read(p * 4096, &mut one).unwrap();
            assert_eq!(one[0], p as u8);
        }
        let s = m.stats();
        assert!(s.misses >= 20 && s.write_backs >= 10, "{s:?}");
    }

    #[test]
    fn the_last_partial_page_stays_within_the_size_and_capacity_is_kept() {
        let mut m = FileMemory::with_page_size(temp("partial"), 4096, 4096)
            .unwrap()
            .with_capacity(10_000);
        m.grow(6000).unwrap();
        m.write(5999, &[7]).unwrap();
        m.flush().unwrap();
        assert_eq!(m.file().metadata().unwrap().len(), 6000);
        assert_eq!(
            m.grow(10_001),
            Err(GrowError::Capacity { capacity: 10_000 })
        );
        m.grow(10_000).unwrap();
        let mut b = [1u8; 2];
        m.read(5999, &mut b).unwrap();
        assert_eq!(b, [7, 0]);
    }
}
