//! The expectations of the official WASI test suite (WebAssembly/wasi-testsuite: its
//! `wasm32-wasip1` Rust programs, and a few of its C programs), restated as direct calls:
//! one test per program, named after it. Programs that work in a scratch directory run on
//! both backends (`name::memfs`, `name::host`). Where the suite accepts several errnos, so
//! do these checks; where Wisp answers otherwise, the test still asserts what the suite
//! expects and is ignored with the difference as its reason.
//!
//! The programs live in `testsuite/`: `fds.rs` (descriptors and file contents), `paths.rs`
//! (resolution, links, renames, removal) and `c.rs` (the C programs); the ones without a
//! filesystem are here.

#[path = "testsuite/c.rs"]
mod c;
#[path = "testsuite/fds.rs"]
mod fds;
mod guest;
#[path = "testsuite/paths.rs"]
mod paths;

use guest::*;
use wisp::Val;
use wisp_wasi::rights as r;
use wisp_wasi::{HostClock, HostRandom, WasiCtx};

const PREOPEN: u32 = 3;
const EACCES: i32 = 2;
const EILSEQ: i32 = 25;
const ENOTSUP: i32 = 58;
const ENOTSOCK: i32 = 57;
const FD_NONBLOCK: i32 = 4;
const FD_SYNC: i32 = 16;
/// `fstflags`.
const ATIM: i32 = 1;
const ATIM_NOW: i32 = 2;
const MTIM: i32 = 4;
const MTIM_NOW: i32 = 8;
/// `whence`.
const SET: i32 = 0;
const CUR: i32 = 1;
const END: i32 = 2;

/// What the suite's helper gives a scratch subdirectory it makes.
const TMP_BASE: u64 = r::FD_FILESTAT_GET
    | r::FD_READDIR
    | r::PATH_CREATE_FILE
    | r::PATH_CREATE_DIRECTORY
    | r::PATH_REMOVE_DIRECTORY
    | r::PATH_OPEN
    | r::PATH_UNLINK_FILE
    | r::PATH_LINK_SOURCE
    | r::PATH_LINK_TARGET
    | r::PATH_READLINK
    | r::PATH_RENAME_SOURCE
    | r::PATH_RENAME_TARGET
    | r::PATH_FILESTAT_GET
    | r::PATH_FILESTAT_SET_SIZE
    | r::PATH_FILESTAT_SET_TIMES
    | r::PATH_SYMLINK;
const TMP_INHERITING: u64 = r::FD_READ
    | r::FD_WRITE
    | r::FD_READDIR
    | r::FD_FILESTAT_GET
    | r::FD_SEEK
    | r::PATH_LINK_SOURCE
    | r::PATH_LINK_TARGET
    | r::PATH_OPEN
    | r::PATH_UNLINK_FILE
    | r::PATH_FILESTAT_GET
    | r::FD_FDSTAT_SET_FLAGS
    | r::FD_SYNC
    | r::FD_TELL
    | r::FD_ADVISE
    | r::FD_ALLOCATE
    | r::FD_FILESTAT_SET_SIZE
    | r::FD_FILESTAT_SET_TIMES;

// ---- helpers -------------------------------------------------------------------------

/// Fails unless `r` is an error and one of `allowed`.
#[track_caller]
fn fails<T: std::fmt::Debug>(r: Result<T, i32>, allowed: &[i32]) {
    match r {
        Err(e) if allowed.contains(&e) => {}
        other => panic!("expected an errno in {allowed:?}, got {other:?}"),
    }
}

/// An errno as a result.
fn res(e: i32) -> Result<(), i32> {
    if e == 0 {
        Ok(())
    } else {
        Err(e)
    }
}

fn fd(fd: u32) -> Val {
    Val::I32(fd as i32)
}

/// A new descriptor for the preopen's directory, with the preopen's rights: the suite's
/// scratch directory.
fn scratch(g: &mut Guest) -> u32 {
    let (_, _, base, inheriting) = g.fdstat(PREOPEN).unwrap();
    let d = g
        .open_full(PREOPEN, 0, ".", DIRECTORY, base, inheriting, 0)
        .unwrap();
    assert!(d > PREOPEN);
    d
}

/// Makes directory `name` in `dir` and opens it with the rights the suite asks for.
fn tmp_dir(g: &mut Guest, dir: u32, name: &str) -> u32 {
    assert_eq!(g.mkdir(dir, name), 0);
    g.open_full(dir, 0, name, DIRECTORY, TMP_BASE, TMP_INHERITING, 0)
        .unwrap()
}

/// Creates an empty file with no rights asked for, and closes it.
fn create_file(g: &mut Guest, dir: u32, name: &str) {
    let f = g.open_full(dir, 0, name, CREAT, 0, 0, 0).unwrap();
    assert!(f > 2);
    assert_eq!(g.close(f), 0);
}

/// A file opened (or made) with `rights` and no inheriting rights.
fn open_rights(g: &mut Guest, dir: u32, name: &str, oflags: i32, rights: u64) -> u32 {
    let f = g.open_full(dir, 0, name, oflags, rights, 0, 0).unwrap();
    assert!(f > 2);
    f
}

/// The 64 bytes `fd_filestat_get` writes.
fn filestat_raw(g: &mut Guest, f: u32) -> Result<Vec<u8>, i32> {
    let out = g.room(64);
    res(g.call_keep("fd_filestat_get", &[fd(f), Val::I32(out)])).map(|()| g.get(out, 64))
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn tell(g: &mut Guest, f: u32) -> Result<u64, i32> {
    let out = g.room(8);
    res(g.call_keep("fd_tell", &[fd(f), Val::I32(out)])).map(|()| g.u64_at(out))
}

fn set_size(g: &mut Guest, f: u32, size: u64) -> Result<(), i32> {
    res(g.call("fd_filestat_set_size", &[fd(f), Val::I64(size as i64)]))
}

fn allocate(g: &mut Guest, f: u32, offset: u64, len: u64) -> Result<(), i32> {
    let args = [fd(f), Val::I64(offset as i64), Val::I64(len as i64)];
    res(g.call("fd_allocate", &args))
}

fn set_times(g: &mut Guest, f: u32, atim: u64, mtim: u64, flags: i32) -> Result<(), i32> {
    let args = [
        fd(f),
        Val::I64(atim as i64),
        Val::I64(mtim as i64),
        Val::I32(flags),
    ];
    res(g.call("fd_filestat_set_times", &args))
}

fn path_set_times(
    g: &mut Guest,
    (dir, lookup, path): (u32, i32, &str),
    mtim: u64,
    flags: i32,
) -> Result<(), i32> {
    let (p, l) = g.path(path);
    let (atim, mtim, flags) = (Val::I64(0), Val::I64(mtim as i64), Val::I32(flags));
    let args = [fd(dir), Val::I32(lookup), p, l, atim, mtim, flags];
    res(g.call("path_filestat_set_times", &args))
}

fn set_rights(g: &mut Guest, f: u32, base: u64, inheriting: u64) -> Result<(), i32> {
    let args = [fd(f), Val::I64(base as i64), Val::I64(inheriting as i64)];
    res(g.call("fd_fdstat_set_rights", &args))
}

fn renumber_fd(g: &mut Guest, from: u32, to: u32) -> Result<(), i32> {
    res(g.call("fd_renumber", &[fd(from), fd(to)]))
}

/// Writes `parts` at `at` through one iovec each.
fn pwritev(g: &mut Guest, f: u32, parts: &[&[u8]], at: u64) -> Result<u32, i32> {
    let mut iovs = Vec::new();
    for p in parts {
        let buf = g.put(p);
        iovs.extend_from_slice(&(buf as u32).to_le_bytes());
        iovs.extend_from_slice(&(p.len() as u32).to_le_bytes());
    }
    let (iov, out) = (g.put(&iovs), g.room(4));
    let n = Val::I32(parts.len() as i32);
    let args = [fd(f), Val::I32(iov), n, Val::I64(at as i64), Val::I32(out)];
    res(g.call_keep("fd_pwrite", &args)).map(|()| g.u32_at(out))
}

/// Reads at `at` into one buffer per entry of `lens`; the bytes read, in order.
fn preadv(g: &mut Guest, f: u32, lens: &[u32], at: u64) -> Result<Vec<u8>, i32> {
    let (mut iovs, mut bufs) = (Vec::new(), Vec::new());
    for &n in lens {
        let buf = g.room(n);
        bufs.push((buf, n));
        iovs.extend_from_slice(&(buf as u32).to_le_bytes());
        iovs.extend_from_slice(&n.to_le_bytes());
    }
    let (iov, out) = (g.put(&iovs), g.room(4));
    let n = Val::I32(lens.len() as i32);
    let args = [fd(f), Val::I32(iov), n, Val::I64(at as i64), Val::I32(out)];
    res(g.call_keep("fd_pread", &args))?;
    let mut left = g.u32_at(out);
    let mut data = Vec::new();
    for (buf, n) in bufs {
        let take = left.min(n);
        data.extend(g.get(buf, take as usize));
        left -= take;
    }
    Ok(data)
}

/// One `dirent` as the suite reads it.
struct Dirent {
    next: u64,
    ino: u64,
    filetype: u8,
    name: String,
}

/// One `fd_readdir` call into a 256-byte buffer from `cookie`: the whole entries in it, and
/// whether the buffer came back less than full (the end of the directory).
fn readdir_once(g: &mut Guest, dir: u32, cookie: u64) -> (Vec<Dirent>, bool) {
    const LEN: usize = 256;
    let (buf, out) = (g.room(LEN as u32), g.room(4));
    let (len, cookie) = (Val::I32(LEN as i32), Val::I64(cookie as i64));
    let args = [fd(dir), Val::I32(buf), len, cookie, Val::I32(out)];
    assert_eq!(g.call_keep("fd_readdir", &args), 0);
    let used = g.u32_at(out) as usize;
    assert!(used <= LEN);
    let bytes = g.get(buf, used);
    let mut entries = Vec::new();
    let mut at = 0;
    while at + 24 <= used {
        let namlen = u32::from_le_bytes(bytes[at + 16..at + 20].try_into().unwrap()) as usize;
        if at + 24 + namlen > used {
            break;
        }
        entries.push(Dirent {
            next: le64(&bytes, at),
            ino: le64(&bytes, at + 8),
            filetype: bytes[at + 20],
            name: String::from_utf8(bytes[at + 24..at + 24 + namlen].to_vec()).unwrap(),
        });
        at += 24 + namlen;
    }
    (entries, used < LEN)
}

/// A guest with stdio streams, the host's clock and randomness, and no directories.
fn stdio_guest() -> Guest {
    let ctx = WasiCtx::builder()
        .stdin(Pipe::default())
        .stdout(Sink(Pipe::default()))
        .stderr(Sink(Pipe::default()))
        .clock(HostClock::new())
        .random(HostRandom::new())
        .build();
    Guest::new(ctx)
}

// ---- the programs without a filesystem -----------------------------------------------

/// Writes a subscription: (userdata, tag, then the clock or fd fields).
fn subscription(userdata: u64, tag: u8, fd_or_clock: u32, timeout: u64) -> [u8; 48] {
    let mut s = [0u8; 48];
    s[0..8].copy_from_slice(&userdata.to_le_bytes());
    s[8] = tag;
    s[16..20].copy_from_slice(&fd_or_clock.to_le_bytes());
    s[24..32].copy_from_slice(&timeout.to_le_bytes());
    s
}

/// poll_oneoff: stdin is ready or the clock fires; stdout and stderr report writable.
#[test]
fn poll_oneoff_stdio() {
    const TIMEOUT: u64 = 200_000_000;
    const CLOCK: u64 = 0x1234_5678;
    const STDIN: u64 = 0x8765_4321;
    const TAG_CLOCK: u8 = 0;
    const TAG_READ: u8 = 1;
    const TAG_WRITE: u8 = 2;
    let mut g = stdio_guest();
    let poll = |g: &mut Guest, subs: &[[u8; 48]]| -> Vec<(u64, u16, u8)> {
        let (at, out, n) = (
            g.put(&subs.concat()),
            g.room(32 * subs.len() as u32),
            g.room(4),
        );
        let args = [at, out, subs.len() as i32, n].map(Val::I32);
        assert_eq!(g.call_keep("poll_oneoff", &args), 0);
        let n = g.u32_at(n);
        assert!(n as usize <= subs.len());
        (0..n as i32)
            .map(|i| g.get(out + 32 * i, 11))
            .map(|e| (le64(&e, 0), u16::from_le_bytes([e[8], e[9]]), e[10]))
            .collect()
    };
    let clock = subscription(CLOCK, TAG_CLOCK, 1, TIMEOUT);
    let events = poll(&mut g, &[clock, subscription(STDIN, TAG_READ, 0, 0)]);
    assert!(!events.is_empty());
    for (userdata, error, tag) in events {
        assert_eq!(error, 0);
        match tag {
            TAG_CLOCK => assert_eq!(userdata, CLOCK),
            TAG_READ => assert_eq!(userdata, STDIN),
            t => panic!("event of type {t}"),
        }
    }
    let mut waiting = vec![(1u64, 1u32), (2, 2)];
    while !waiting.is_empty() {
        let mut subs: Vec<_> = waiting
            .iter()
            .map(|&(ud, f)| subscription(ud, TAG_WRITE, f, 0))
            .collect();
        subs.push(clock);
        for (userdata, error, tag) in poll(&mut g, &subs) {
            assert_ne!(userdata, CLOCK, "timed out waiting for {waiting:?}");
            let i = waiting.iter().position(|w| w.0 == userdata).unwrap();
            waiting.remove(i);
            assert_eq!((tag, error), (TAG_WRITE, 0));
        }
    }
}

/// sched_yield succeeds.
#[test]
fn sched_yield() {
    assert_eq!(stdio_guest().call("sched_yield", &[]), 0);
}

/// clock_time_get(MONOTONIC) works at precisions 1 and 0 and never goes back.
#[test]
fn clock_time_get() {
    let mut g = stdio_guest();
    let mut now = |precision: i64| {
        let out = g.room(8);
        let args = [Val::I32(1), Val::I64(precision), Val::I32(out)];
        assert_eq!(g.call_keep("clock_time_get", &args), 0);
        g.u64_at(out)
    };
    now(1);
    let (first, second) = (now(0), now(0));
    assert!(first <= second);
}

/// random_get fills a 1024-byte buffer with not only zeros.
#[test]
fn big_random_buf() {
    let mut g = stdio_guest();
    let buf = g.room(1024);
    assert_eq!(
        g.call_keep("random_get", &[Val::I32(buf), Val::I32(1024)]),
        0
    );
    assert!(g.get(buf, 1024).iter().any(|&b| b != 0));
}

/// fd_filestat_get on stdin, stdout and stderr succeeds with size and times zero.
#[test]
fn fd_filestat_get() {
    // The suite ships this program compiled only; its source is wasmtime's test program.
    let mut g = stdio_guest();
    for std_fd in 0..3 {
        let st = filestat_raw(&mut g, std_fd).unwrap();
        let size_and_times = [32, 40, 48, 56].map(|at| le64(&st, at));
        assert_eq!(size_and_times, [0; 4], "fd {std_fd}");
    }
}
