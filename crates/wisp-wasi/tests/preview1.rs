//! preview1 through the public API: a real Rust-compiled program with in-memory stdio,
//! and hand-written modules that pass hostile pointers and lengths.

mod guest;

use guest::{Pipe, Sink};
use wisp::{Engine, Error, Instance, Linker, Module, Store};
use wisp_wasi::{Clock, ClockId, Errno, Random, WasiCtx};

struct FixedClock;
impl Clock for FixedClock {
    fn now(&self, id: ClockId) -> Result<u64, Errno> {
        Ok(if id == ClockId::Realtime {
            1_700_000_000_000_000_000
        } else {
            42
        })
    }
    fn resolution(&self, _: ClockId) -> Result<u64, Errno> {
        Ok(1000)
    }
}

struct Counter(u8);
impl Random for Counter {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        for b in buf {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
        Ok(())
    }
}

fn run(bytes: &[u8], ctx: WasiCtx) -> (Result<(), Error>, Store<WasiCtx>, Option<Instance>) {
    let engine = Engine::default();
    let module = Module::new(&engine, bytes).unwrap();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let inst = match linker.instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => return (Err(e), store, None),
    };
    let start = inst.get_func(&store, "_start").expect("a command module");
    let r = start.call(&mut store, &[], &mut []);
    (r, store, Some(inst))
}

const HELLO: &[u8] = include_bytes!("../../../examples/hello.wasm");

#[test]
fn rust_program_sees_args_env_and_stdin() {
    let out = Pipe::default();
    let input = Pipe::default();
    input
        .to_read
        .borrow_mut()
        .extend_from_slice(b"from the host\n");
    let ctx = WasiCtx::builder()
        .args(["hello", "one", "two", "--stdin"])
        .env("GREET", "tester")
        .stdin(input)
        .stdout(out.clone())
        .build();
    let (r, _, _) = run(HELLO, ctx);
    r.unwrap();
    let text = String::from_utf8(out.written.borrow().clone()).unwrap();
    assert_eq!(
        text,
        "Hello from WebAssembly, running on Wisp!\n\
         args: one two --stdin\n\
         greetings, tester\n\
         stdin had 14 bytes: from the host\n"
    );
}

#[test]
fn exit_status_and_stderr() {
    let err = Pipe::default();
    let ctx = WasiCtx::builder()
        .args(["hello", "--stderr", "--exit", "3"])
        .stderr(err.clone())
        .build();
    let (r, _, _) = run(HELLO, ctx);
    assert!(matches!(r, Err(Error::Exit(3))), "{r:?}");
    assert_eq!(&*err.written.borrow(), b"this goes to stderr\n");
}

fn wat(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap()
}

/// The preview1 imports the hand-written modules use.
const IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
"#;

/// Runs a module whose `_start` records each call's errno with `$rec` at 0, 4, 8, … of
/// memory, and returns them with the memory.
fn errnos(calls: &str, ctx: WasiCtx) -> (Vec<i32>, Vec<u8>) {
    let text = format!(
        r#"(module {IMPORTS}
          (memory (export "memory") 1)
          (global $at (mut i32) (i32.const 0))
          (func $rec (param i32) (i32.store (global.get $at) (local.get 0))
                (global.set $at (i32.add (global.get $at) (i32.const 4))))
          (func (export "_start") {calls}))"#
    );
    let (r, store, inst) = run(&wat(&text), ctx);
    r.unwrap();
    let mem = inst
        .unwrap()
        .get_memory(&store, "memory")
        .unwrap()
        .data(&store)
        .to_vec();
    let n = calls.matches("call $rec").count();
    let vals = (0..n)
        .map(|i| i32::from_le_bytes([mem[4 * i], mem[4 * i + 1], mem[4 * i + 2], mem[4 * i + 3]]))
        .collect();
    (vals, mem)
}

#[test]
fn hostile_pointers_and_lengths_are_efault() {
    let out = Pipe::default();
    let ctx = WasiCtx::builder().arg("x").stdout(out.clone()).build();
    let (e, _) = errnos(
        r#"
        ;; an iovec array past the end of memory
        (call $rec (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 2) (i32.const 100)))
        ;; an iovec whose buffer runs past the end
        (i32.store (i32.const 200) (i32.const 65530)) (i32.store (i32.const 204) (i32.const 100))
        (call $rec (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 100)))
        ;; a huge count that overflows
        (call $rec (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0x7fffffff) (i32.const 100)))
        ;; 4 GiB of randomness: refused before anything is allocated
        (call $rec (call $random_get (i32.const 16) (i32.const -1)))
        ;; argv pointers out of bounds, or wrapping around the end of the address space
        (call $rec (call $args_get (i32.const 65535) (i32.const 300)))
        (call $rec (call $args_get (i32.const -4) (i32.const 300)))
        (call $rec (call $args_get (i32.const 300) (i32.const -1)))
        ;; the result pointer out of bounds
        (call $rec (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65530)))
        "#,
        ctx,
    );
    assert_eq!(
        e,
        [21, 21, 61, 21, 21, 21, 21, 21],
        "EFAULT / EOVERFLOW expected"
    );
    assert!(
        out.written.borrow().is_empty(),
        "nothing may be written on a fault"
    );
}

#[test]
fn descriptors_and_backends() {
    let out = Pipe::default();
    let ctx = WasiCtx::builder()
        .stdout(Sink(out.clone()))
        .clock(FixedClock)
        .random(Counter(0))
        .build();
    let (e, mem) = errnos(
        r#"
        ;; write "hi" to stdout through one iovec at 200
        (i32.store (i32.const 200) (i32.const 300)) (i32.store (i32.const 204) (i32.const 2))
        (i32.store16 (i32.const 300) (i32.const 0x6968))
        (call $rec (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 400)))
        ;; stdin is closed in this context, stdout cannot be read, fd 9 does not exist
        (call $rec (call $fd_read (i32.const 0) (i32.const 200) (i32.const 1) (i32.const 400)))
        (call $rec (call $fd_read (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 400)))
        (call $rec (call $fd_write (i32.const 9) (i32.const 200) (i32.const 1) (i32.const 400)))
        ;; the embedder's clock and randomness
        (call $rec (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 512)))
        (call $rec (call $random_get (i32.const 520) (i32.const 4)))
        (call $rec (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 512)))
        ;; closing twice
        (call $rec (call $fd_close (i32.const 1)))
        (call $rec (call $fd_close (i32.const 1)))
        "#,
        ctx,
    );
    // stdin is closed (EBADF), stdout has no read right (ENOTCAPABLE), fd 9 is not open.
    assert_eq!(e, [0, 8, 76, 8, 0, 0, 28, 0, 8]);
    assert_eq!(&*out.written.borrow(), b"hi");
    assert_eq!(u64::from_le_bytes(mem[512..520].try_into().unwrap()), 42);
    assert_eq!(&mem[520..524], &[1, 2, 3, 4]);
}

#[test]
fn a_context_without_backends_gives_nothing_away() {
    let (e, _) = errnos(
        r#"
        (call $rec (call $random_get (i32.const 64) (i32.const 8)))
        (i32.store (i32.const 200) (i32.const 300)) (i32.store (i32.const 204) (i32.const 2))
        (call $rec (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 400)))
        "#,
        WasiCtx::builder().build(),
    );
    assert_eq!(e, [52, 8], "random_get: ENOSYS; a closed stdout: EBADF");
}

#[test]
fn dropped_rights_stop_operations() {
    let out = Pipe::default();
    let (e, mem) = errnos(
        r#"
        (i32.store (i32.const 200) (i32.const 300)) (i32.store (i32.const 204) (i32.const 1))
        (call $rec (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 400)))
        ;; keep only fd_fdstat_set_flags (bit 3): writing must now be refused
        (call $rec (call $set_rights (i32.const 1) (i64.const 8) (i64.const 0)))
        (call $rec (call $fd_write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 400)))
        ;; and the right cannot be taken back
        (call $rec (call $set_rights (i32.const 1) (i64.const 72) (i64.const 0)))
        (call $rec (call $fd_fdstat_get (i32.const 1) (i32.const 512)))
        "#,
        WasiCtx::builder().stdout(Sink(out.clone())).build(),
    );
    assert_eq!(e, [0, 0, 76, 76, 0]);
    assert_eq!(
        out.written.borrow().len(),
        1,
        "only the first write got through"
    );
    assert_eq!(u64::from_le_bytes(mem[520..528].try_into().unwrap()), 8);
}

#[test]
fn streams_answer_like_pipes() {
    let (e, _) = errnos(
        r#"
        (call $rec (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 1) (i32.const 400)))
        (call $rec (call $sock_shutdown (i32.const 1) (i32.const 0)))
        (call $rec (call $sock_shutdown (i32.const 7) (i32.const 0)))
        (call $rec (call $path_open (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)
                                    (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 400)))
        (call $rec (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0)
                                    (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 400)))
        ;; move stderr onto stdout: fd 2 is then closed
        (call $rec (call $fd_renumber (i32.const 2) (i32.const 1)))
        (call $rec (call $fd_fdstat_get (i32.const 2) (i32.const 512)))
        (call $rec (call $fd_renumber (i32.const 1) (i32.const 5)))
        "#,
        WasiCtx::builder().build(),
    );
    // ESPIPE, ENOTSOCK, EBADF, ENOTDIR, EBADF, ok, EBADF, EBADF
    assert_eq!(e, [70, 57, 8, 54, 8, 0, 8, 8]);
}

#[test]
fn poll_waits_for_the_earliest_clock_or_a_ready_stream() {
    // Two clock subscriptions (relative 5 and 9 ns): only the earlier one fires.
    let clocks = r#"
        (i64.store (i32.const 1000) (i64.const 11)) (i32.store8 (i32.const 1008) (i32.const 0))
        (i32.store (i32.const 1016) (i32.const 1)) (i64.store (i32.const 1024) (i64.const 5))
        (i64.store (i32.const 1048) (i64.const 22)) (i32.store8 (i32.const 1056) (i32.const 0))
        (i32.store (i32.const 1064) (i32.const 1)) (i64.store (i32.const 1072) (i64.const 9))
        (call $rec (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 2) (i32.const 600)))
        ;; no subscriptions at all is invalid
        (call $rec (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 0) (i32.const 600)))
    "#;
    let (e, mem) = errnos(clocks, WasiCtx::builder().build());
    assert_eq!(e, [0, 28]);
    assert_eq!(u32::from_le_bytes(mem[600..604].try_into().unwrap()), 1);
    assert_eq!(u64::from_le_bytes(mem[2000..2008].try_into().unwrap()), 11);
    // A stream subscription is ready at once, and the clock does not fire.
    let mixed = r#"
        (i64.store (i32.const 1000) (i64.const 11)) (i32.store8 (i32.const 1008) (i32.const 0))
        (i32.store (i32.const 1016) (i32.const 1)) (i64.store (i32.const 1024) (i64.const 5))
        (i64.store (i32.const 1048) (i64.const 33)) (i32.store8 (i32.const 1056) (i32.const 2))
        (i32.store (i32.const 1064) (i32.const 1))
        (call $rec (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 2) (i32.const 600)))
    "#;
    let (e, mem) = errnos(mixed, WasiCtx::builder().build());
    assert_eq!(e, [0]);
    assert_eq!(u32::from_le_bytes(mem[600..604].try_into().unwrap()), 1);
    assert_eq!(u64::from_le_bytes(mem[2000..2008].try_into().unwrap()), 33);
    assert_eq!(mem[2010], 2, "an fd_write event");
}

#[test]
fn all_preview1_functions_are_defined() {
    let engine = Engine::default();
    let _store = Store::new(&engine, WasiCtx::builder().build());
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let missing: Vec<_> = guest::NAMES
        .iter()
        .filter(|n| !linker.contains(wisp_wasi::MODULE, n))
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
}
