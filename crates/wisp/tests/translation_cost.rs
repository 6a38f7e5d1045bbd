//! Hostile modules whose translation once grew with a product of two input sizes (issue
//! 13): loading must take time and memory linear in the module, and the image written
//! from it must be a small multiple of its size.
//!
//! The test binary counts the heap it uses (a wrapping global allocator), so its tests
//! take turns: the peak is process-wide.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wisp::{Config, Engine, Linker, Module, Store};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counts are
// kept on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Counted as the new block coming before the old one goes, as a moving
            // realloc does.
            let now = CURRENT.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The peak is process-wide: one measurement at a time.
static TURN: Mutex<()> = Mutex::new(());

/// Runs `f`, returning its result, the heap it used at its peak beyond what was in use
/// before, and the time it took.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    (out, PEAK.load(Ordering::Relaxed) - base, took)
}

fn leb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
    out.push(id);
    leb(out, body.len() as u64);
    out.extend_from_slice(body);
}

/// A module of one function `f: [i32] -> [i32]` with body `code` (no locals), and a
/// second type `[] -> [i32; n]` (type 1) for its blocks.
fn module(n: u32, code: &[u8]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    let mut types = vec![2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0];
    leb(&mut types, n as u64);
    types.extend(std::iter::repeat_n(0x7f, n as usize));
    section(&mut m, 1, &types);
    section(&mut m, 3, &[1, 0]);
    section(&mut m, 7, &[1, 1, b'f', 0, 0]);
    let mut body = vec![0]; // no locals
    body.extend_from_slice(code);
    let mut codes = vec![1];
    leb(&mut codes, body.len() as u64);
    codes.extend_from_slice(&body);
    section(&mut m, 10, &codes);
    m
}

/// The value `i32.const` pushes for the `i`th result: small, so one byte of immediate.
fn value(i: u32) -> i32 {
    (i % 64) as i32
}

/// `(block (result i32 x n) (i32.const ..) x n (br_table 0 x targets 0 (local.get 0)))`,
/// then the `n` results summed: every entry of the table carries `n` values to the
/// same block.
fn one_label_table(n: u32, targets: u32) -> Vec<u8> {
    let mut c = vec![0x02, 0x01];
    for i in 0..n {
        c.extend_from_slice(&[0x41, value(i) as u8]);
    }
    c.extend_from_slice(&[0x20, 0, 0x0e]);
    leb(&mut c, targets as u64);
    c.extend(std::iter::repeat_n(0, targets as usize + 1));
    c.push(0x0b);
    c.extend(std::iter::repeat_n(0x6a, n as usize - 1)); // i32.add
    c.push(0x0b);
    module(n, &c)
}

fn engine(eager: bool) -> Engine {
    let mut config = Config::new();
    config.eager_translation(eager);
    Engine::new(&config)
}

/// Calls `f(arg)` of `module`.
fn call(engine: &Engine, module: &Module, arg: i32) -> i32 {
    let mut store = Store::new(engine, ());
    let inst = Linker::new(engine)
        .instantiate(&mut store, module)
        .expect("instantiates");
    let f = inst.get_typed_func::<i32, i32>(&store, "f").unwrap();
    f.call(&mut store, arg).expect("runs")
}

/// Loads `bytes` (translating every function, eagerly or on the first call) and checks
/// the time, the heap and the image against the module's size.
fn check_linear(bytes: &[u8], expected: impl Fn(i32) -> i32, args: &[i32]) {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let size = bytes.len();
    for eager in [true, false] {
        let engine = engine(eager);
        let (module, heap, took) = measure(|| {
            let module = Module::new(&engine, bytes).expect("compiles");
            // A lazily compiled module translates here.
            let got = call(&engine, &module, args[0]);
            assert_eq!(got, expected(args[0]), "f({})", args[0]);
            module
        });
        eprintln!("{size} B module, eager {eager}: {took:?}, heap peak {heap} B");
        // Before the fix, the 104 KB br_table module took 4 s and 1.7 GB (`wisp
        // --invoke`), the 1 MB one over 8 GB. Now a few milliseconds, and a few dozen
        // bytes of heap per byte of input (a 16-byte jump per table entry, in a vector
        // that doubles) besides the store's stack and the instance.
        assert!(took < Duration::from_secs(1), "{took:?} for {size} B");
        assert!(
            heap < 80 * size + (8 << 20),
            "{heap} B of heap for {size} B"
        );
        for &arg in args {
            assert_eq!(call(&engine, &module, arg), expected(arg), "f({arg})");
        }
        if eager {
            let (image, _, _) = measure(|| module.to_image().expect("image"));
            eprintln!("{size} B module: image {} B", image.len());
            assert!(image.len() < 32 * size + 4096, "{} B image", image.len());
        }
    }
}

/// `labels` nested blocks of `n` results, each a value higher than the one around it,
/// and in the innermost `n` values and a `br_table` to every one of them: a set of moves
/// per label would be labels x n. Only the outermost label returns (0); the others
/// trap.
fn many_label_table(n: u32, labels: u32) -> Vec<u8> {
    let mut c = Vec::new();
    for _ in 0..labels {
        c.extend_from_slice(&[0x41, 0, 0x02, 0x01]); // (i32.const 0) (block (type 1)
    }
    for i in 0..n {
        c.extend_from_slice(&[0x41, value(i) as u8]);
    }
    c.extend_from_slice(&[0x20, 0, 0x0e]);
    leb(&mut c, labels as u64);
    for l in 0..labels {
        leb(&mut c, l as u64);
    }
    c.push(0); // default: the innermost
    c.push(0x0b);
    // Each block's results are one value too many for the block around it.
    for _ in 1..labels {
        c.extend_from_slice(&[0x00, 0x0b]); // unreachable, end
    }
    c.extend(std::iter::repeat_n(0x1a, n as usize)); // drop
    c.push(0x0b);
    module(n, &c)
}

/// A block of `n` results with `n` values (and one more below them) and `count`
/// `br_if`s to it: a set of moves per `br_if` would be count x n.
fn repeated_br_if(n: u32, count: u32) -> Vec<u8> {
    let mut c = vec![0x02, 0x01, 0x41, 0];
    for i in 0..n {
        c.extend_from_slice(&[0x41, value(i) as u8]);
    }
    for _ in 0..count {
        c.extend_from_slice(&[0x20, 0, 0x0d, 0]); // (br_if 0 (local.get 0))
    }
    c.push(0x1a); // drop: the block ends with its n values
    c.push(0x0b);
    c.extend(std::iter::repeat_n(0x6a, n as usize - 1)); // i32.add
    c.push(0x0b);
    module(n, &c)
}

/// `depth` constants, then `count` times `code`, then the constants dropped and the
/// parameter returned: what `code` costs must not grow with the stack under it.
fn under_deep_stack(depth: u32, count: u32, code: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    for i in 0..depth {
        c.extend_from_slice(&[0x41, value(i) as u8]);
    }
    for _ in 0..count {
        c.extend_from_slice(code);
    }
    c.extend(std::iter::repeat_n(0x1a, depth as usize)); // drop
    c.extend_from_slice(&[0x20, 0, 0x0b]);
    module(1, &c)
}

#[test]
fn local_set_and_block_under_a_deep_stack_are_linear() {
    for count in [20_000, 200_000] {
        // (local.set 0 (local.get 0)): looks for other uses of the local on the stack.
        let bytes = under_deep_stack(10_000, count, &[0x20, 0, 0x21, 0]);
        check_linear(&bytes, |i| i, &[3]);
        // (block): the values below a block are put in their slots on entry.
        let bytes = under_deep_stack(10_000, count, &[0x02, 0x40, 0x0b]);
        check_linear(&bytes, |i| i, &[3]);
    }
}

#[test]
fn br_table_to_many_labels_of_many_values_is_linear() {
    // Validation still checks the values against each distinct label (wasmparser:
    // labels x n steps, n at most 1,000), so the sizes here stay small.
    for labels in [1_000, 10_000] {
        let bytes = many_label_table(1000, labels);
        check_linear(&bytes, |_| 0, &[labels as i32 - 1]);
    }
}

#[test]
fn repeated_br_if_carrying_many_values_is_linear() {
    let n = 1000;
    let sum: i32 = (0..n).map(value).sum();
    // Validation checks the n values at each `br_if` (wasmparser, about 10 us at
    // n = 1,000), so the sizes here stay small.
    for count in [2_500, 25_000] {
        let bytes = repeated_br_if(n, count);
        // A zero condition falls through every `br_if`, and the last value is dropped.
        let expected = |i| if i == 0 { sum - value(n - 1) } else { sum };
        check_linear(&bytes, expected, &[1, 0, -1]);
    }
}

#[test]
fn br_table_of_many_entries_to_a_block_of_many_values_is_linear() {
    let n = 1000;
    let sum: i32 = (0..n).map(value).sum();
    for targets in [100_000, 1_000_000] {
        let bytes = one_label_table(n, targets);
        check_linear(&bytes, |_| sum, &[0, 7, targets as i32 - 1, i32::MAX, -1]);
    }
}

/// Three nested blocks at different heights, each carrying two values; the table's
/// entries go to all of them. `f(i)` tells which block was reached and what arrived:
/// 23310 + i from the innermost, 21010 + i from the middle one, 10 + i from the outer.
fn three_labels(wide: bool) -> String {
    let local = if wide { "(local v128)" } else { "" };
    format!(
        r#"(module (func (export "f") (param i32) (result i32) {local}
          (block (result i32 i32)
            (i32.const 1000)
            (block (result i32 i32)
              (i32.const 2000)
              (block (result i32 i32)
                (local.get 0) (i32.const 10)
                (br_table 0 1 2 1 0 2 1 (local.get 0)))
              (i32.add) (i32.const 300) (i32.add))
            (i32.add) (i32.const 20000) (i32.add))
          (i32.add)))"#
    )
}

fn three_labels_expected(i: i32) -> i32 {
    match i {
        0 | 4 => 23310 + i,
        1 | 3 => 21010 + i,
        2 | 5 => 10 + i,
        _ => 21010 + i, // the default, label 1
    }
}

#[test]
fn br_table_entries_carry_values_to_their_own_labels() {
    for wide in [false, true] {
        let bytes = wast::parser::parse::<wast::Wat>(
            &wast::parser::ParseBuffer::new(&three_labels(wide)).unwrap(),
        )
        .unwrap()
        .encode()
        .unwrap();
        for eager in [true, false] {
            let engine = engine(eager);
            let module = Module::new(&engine, &bytes).expect("compiles");
            for i in [0, 1, 2, 3, 4, 5, 6, 7, 100, -1] {
                assert_eq!(
                    call(&engine, &module, i),
                    three_labels_expected(i),
                    "f({i}), wide {wide}, eager {eager}"
                );
            }
        }
    }
}

/// The values of [`many_values`]: constants and the parameter, alternately.
fn many_value(k: i32, i: i32) -> i32 {
    if k % 2 == 0 {
        100 + k
    } else {
        i
    }
}

/// An order-sensitive digest of `n` values on the stack: `v0 ^ rotl(v1 ^ rotl(..), 1)`.
fn digest_text(n: usize) -> String {
    "(i32.const 1) (i32.rotl) (i32.xor) ".repeat(n - 1)
}

fn digest(n: i32, i: i32) -> i32 {
    let mut r = many_value(n - 1, i);
    for k in (0..n - 1).rev() {
        r = many_value(k, i) ^ r.rotate_left(1);
    }
    r
}

/// [`three_labels`] with 12 values carried, more than a branch moves one by one: the
/// labels are reached through `CopyCells`, and the digest checks every value arrived in
/// its place.
fn many_values(wide: bool) -> String {
    let local = if wide { "(local v128)" } else { "" };
    let results = "i32 ".repeat(12);
    let values: String = (0..12)
        .map(|k| {
            if k % 2 == 0 {
                format!("(i32.const {}) ", 100 + k)
            } else {
                "(local.get 0) ".into()
            }
        })
        .collect();
    let digest = digest_text(12);
    format!(
        r#"(module (func (export "f") (param i32) (result i32) {local}
          (block (result {results})
            (i32.const 1000)
            (block (result {results})
              (i32.const 2000) (i32.const 2001)
              (block (result {results})
                {values}
                (br_if 1 (i32.eq (local.get 0) (i32.const 7)))
                (br_if 2 (i32.eq (local.get 0) (i32.const 8)))
                (br_table 0 1 2 1 0 2 1 (local.get 0)))
              {digest} (i32.add) (i32.add) (i32.const 300) (i32.add) (return))
            {digest} (i32.add) (i32.const 20000) (i32.add) (return))
          {digest}))"#
    )
}

fn many_values_expected(i: i32) -> i32 {
    let r = digest(12, i);
    match i {
        0 | 4 => r.wrapping_add(4301),
        2 | 5 | 8 => r,
        _ => r.wrapping_add(21000), // 1, 3, 7, and the default
    }
}

#[test]
fn branches_carrying_many_values_deliver_them_in_order() {
    for wide in [false, true] {
        let text = many_values(wide);
        let buf = wast::parser::ParseBuffer::new(&text).unwrap();
        let bytes = wast::parser::parse::<wast::Wat>(&buf)
            .unwrap()
            .encode()
            .unwrap();
        for eager in [true, false] {
            let engine = engine(eager);
            let module = Module::new(&engine, &bytes).expect("compiles");
            for i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 100, -1] {
                assert_eq!(
                    call(&engine, &module, i),
                    many_values_expected(i),
                    "f({i}), wide {wide}, eager {eager}"
                );
            }
        }
    }
}

/// `(block (result i32 x n) unreachable)` repeated `count` times: four bytes that leave
/// `n` values on the stack each, so the operand stack outgrows the input a thousandfold.
fn many_value_blocks(n: u32, count: u32) -> Vec<u8> {
    let mut c = Vec::new();
    for _ in 0..count {
        c.extend_from_slice(&[0x02, 0x01, 0x00, 0x0b]);
    }
    c.extend_from_slice(&[0x00, 0x0b]);
    module(n, &c)
}

#[test]
fn an_operand_stack_past_the_limit_is_refused_cheaply() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    // 2,000 blocks of 1,000 values: 2 million values from 8 KB, past the limit.
    let bytes = many_value_blocks(1000, 2000);
    for eager in [false, true] {
        let engine = engine(eager);
        let (result, heap, took) = measure(|| Module::new(&engine, &bytes));
        let err = result.expect_err("past the operand-stack limit");
        assert!(err.to_string().contains("implementation limit"), "{err}");
        assert!(
            matches!(
                err,
                wisp::Error::Compile {
                    kind: wisp::CompileErrorKind::Limit,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(took < Duration::from_secs(1), "took {took:?}");
        assert!(heap < 64 << 20, "took {heap} bytes of heap");
    }
    // Under the limit the same shape compiles.
    let engine = engine(true);
    Module::new(&engine, many_value_blocks(1000, 500)).unwrap();
}
