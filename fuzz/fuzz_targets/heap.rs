//! The buffer allocator of `wisp-embedded` (unsafe code): the fuzzer's bytes choose a
//! sequence of allocations and frees of various sizes and alignments. Blocks must stay
//! inside the buffer, aligned, disjoint and intact, and everything must come back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout};
use wisp_embedded::BufferAllocator;

const BYTES: usize = 16 * 1024;

fuzz_target!(|data: &[u8]| {
    static mut BUF: [u8; BYTES] = [0; BYTES];
    // SAFETY: libFuzzer runs one input at a time, and the allocator of the previous
    // input, the only other user of `BUF`, has been dropped.
    let buf: &'static mut [u8] = unsafe { &mut *std::ptr::addr_of_mut!(BUF) };
    let (lo, hi) = (buf.as_ptr() as usize, buf.as_ptr() as usize + BYTES);
    let heap = BufferAllocator::new();
    assert!(heap.init(buf));
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    for (step, pair) in data.chunks(2).enumerate() {
        let (a, b) = (pair[0], *pair.get(1).unwrap_or(&0));
        if a & 1 == 0 || live.is_empty() {
            let size = (b as usize) << (a >> 5 & 7);
            let layout = Layout::from_size_align(size, 1 << (a >> 1 & 7)).unwrap();
            // SAFETY: a valid layout; a null result is a refusal.
            let p = unsafe { heap.alloc(layout) };
            if p.is_null() {
                continue;
            }
            let at = p as usize;
            assert!(at % layout.align() == 0 && at >= lo && at + size <= hi);
            for &(q, l, _) in &live {
                let (s, e) = (q as usize, q as usize + l.size().max(1));
                assert!(at + size.max(1) <= s || at >= e, "overlap");
            }
            // SAFETY: the block was just allocated with `size` bytes.
            unsafe { std::ptr::write_bytes(p, step as u8, size) };
            live.push((p, layout, step as u8));
        } else {
            let (p, layout, tag) = live.swap_remove(b as usize % live.len());
            // SAFETY: a live block, checked and freed once.
            let kept = unsafe { std::slice::from_raw_parts(p, layout.size()) };
            assert!(kept.iter().all(|&x| x == tag), "contents changed");
            unsafe { heap.dealloc(p, layout) };
        }
    }
    for (p, layout, _) in live {
        unsafe { heap.dealloc(p, layout) };
    }
    assert_eq!(heap.used(), 0);
    let all = Layout::from_size_align(heap.capacity(), 8).unwrap();
    assert!(!unsafe { heap.alloc(all) }.is_null(), "free blocks merged");
});
