//! The buffer allocator against a model: random allocations and frees of random sizes
//! and alignments never overlap, keep their contents, stay inside the buffer, and all
//! the memory comes back, merged, when everything is freed.

use std::alloc::{GlobalAlloc, Layout};
use wisp_embedded::BufferAllocator;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn heap(bytes: usize) -> (BufferAllocator, usize, usize) {
    let buf: &'static mut [u8] = Box::leak(vec![0u8; bytes].into_boxed_slice());
    let range = (buf.as_ptr() as usize, buf.as_ptr() as usize + bytes);
    let a = BufferAllocator::new();
    assert!(a.init(buf));
    (a, range.0, range.1)
}

#[test]
fn random_allocations_match_a_model() {
    let (a, lo, hi) = heap(64 * 1024);
    let cap = a.capacity();
    assert!(cap > 64 * 1024 - 64 && cap <= 64 * 1024);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    let mut failures = 0;
    for step in 0..200_000u32 {
        // About 150 live blocks, some 40 KiB: refusals then mean fragmentation.
        if live.is_empty() || (live.len() < 150 && rng.below(2) == 0) {
            let size = match rng.below(10) {
                0 => rng.below(4096) as usize + 1,
                1 => 0,
                _ => rng.below(96) as usize + 1,
            };
            let align = 1usize << rng.below(7);
            let layout = Layout::from_size_align(size, align).unwrap();
            // SAFETY (test): a valid layout; the result is checked for null.
            let p = unsafe { a.alloc(layout) };
            if p.is_null() {
                failures += 1;
                continue;
            }
            let at = p as usize;
            assert_eq!(at % align, 0, "aligned");
            assert!(at >= lo && at + size <= hi, "inside the buffer");
            for &(q, l, _) in &live {
                let (s, e) = (q as usize, q as usize + l.size().max(1));
                assert!(at + size.max(1) <= s || at >= e, "step {step}: overlap");
            }
            let tag = step as u8;
            // SAFETY (test): `size` bytes at `p` were just allocated.
            unsafe { std::ptr::write_bytes(p, tag, size) };
            live.push((p, layout, tag));
        } else {
            let (p, layout, tag) = live.swap_remove(rng.below(live.len() as u64) as usize);
            // SAFETY (test): a live allocation, read and freed once.
            let kept = unsafe { std::slice::from_raw_parts(p, layout.size()) };
            assert!(kept.iter().all(|&b| b == tag), "contents survived");
            unsafe { a.dealloc(p, layout) };
        }
        assert!(a.used() <= cap && a.peak() >= a.used());
    }
    assert!(failures < 100, "fragmentation: {failures} refusals");
    println!(
        "{failures} refusals in 200,000 steps; peak {} of {cap} bytes",
        a.peak()
    );
    for (p, layout, _) in live.drain(..) {
        unsafe { a.dealloc(p, layout) };
    }
    assert_eq!(a.used(), 0);
    // Everything merged back into one block: the whole capacity fits in one allocation.
    let all = Layout::from_size_align(cap, 8).unwrap();
    let p = unsafe { a.alloc(all) };
    assert!(!p.is_null(), "free blocks merged");
    unsafe { a.dealloc(p, all) };
}

#[test]
fn refuses_what_does_not_fit_and_reports_use() {
    let (a, _, _) = heap(1024);
    let big = Layout::from_size_align(2048, 8).unwrap();
    assert!(unsafe { a.alloc(big) }.is_null());
    let l = Layout::from_size_align(100, 4).unwrap();
    let p = unsafe { a.alloc(l) };
    assert!(!p.is_null());
    assert!(a.used() >= 100 && a.used() < 100 + 16);
    let peak = a.peak();
    unsafe { a.dealloc(p, l) };
    assert_eq!(a.used(), 0);
    assert_eq!(a.peak(), peak);
    a.reset_peak();
    assert_eq!(a.peak(), 0);
    // A second buffer is refused: the first is the heap for good.
    assert!(!a.init(Box::leak(vec![0u8; 64].into_boxed_slice())));
    // An allocator with no buffer refuses everything.
    assert!(unsafe { BufferAllocator::new().alloc(l) }.is_null());
}
