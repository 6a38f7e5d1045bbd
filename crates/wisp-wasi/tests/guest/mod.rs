//! A test guest: a module that re-exports every preview1 function, so a test can call
//! them one by one from Rust with exact arguments and read the results out of memory.
//! The module is generated from the signatures the linker holds, so it cannot drift from
//! what `add_to_linker` defines.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, MutexGuard};
use wisp::{Engine, Instance, Linker, Memory, Module, Store, Val, ValType};
use wisp_wasi::{Errno, Stream, WasiCtx};

/// The bytes of `tests/fixtures/NAME`, a program `cargo xtask fixtures` built.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs the fixture `program` (`tests/fixtures/PROGRAM.wasm`) to its end in `ctx`; gives
/// its exit status.
pub fn run_program(program: &str, ctx: WasiCtx) -> i32 {
    let engine = Engine::default();
    let module = Module::new(&engine, fixture(&format!("{program}.wasm"))).unwrap();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let start = instance.get_func(&store, "_start").unwrap();
    match start.call(&mut store, &[], &mut []) {
        Ok(()) => 0,
        Err(wisp::Error::Exit(code)) => code,
        Err(e) => panic!("{program} failed: {e}"),
    }
}

/// Bytes shared between a test and a stream it hands to a `WasiCtx` (which is `Send`).
#[derive(Clone, Default)]
pub struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    pub fn borrow(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap()
    }
    pub fn borrow_mut(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap()
    }
}

/// A stream over shared buffers: what the program writes, what it will read.
#[derive(Clone, Default)]
pub struct Pipe {
    pub written: Shared,
    pub to_read: Shared,
}

impl Pipe {
    pub fn with_input(bytes: &[u8]) -> Pipe {
        let p = Pipe::default();
        p.to_read.borrow_mut().extend_from_slice(bytes);
        p
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.written.borrow().clone()).unwrap()
    }
}

impl Stream for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut src = self.to_read.borrow_mut();
        let n = buf.len().min(src.len());
        buf[..n].copy_from_slice(&src[..n]);
        src.drain(..n);
        Ok(n)
    }
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        self.written.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn readable(&self) -> bool {
        true
    }
    fn writable(&self) -> bool {
        true
    }
}

/// An output-only stream, as a terminal's stdout is.
pub struct Sink(pub Pipe);

impl Stream for Sink {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
        self.0.write(buf)
    }
    fn writable(&self) -> bool {
        true
    }
}

pub const EBADF: i32 = 8;
pub const EBUSY: i32 = 10;
pub const EEXIST: i32 = 20;
pub const EFAULT: i32 = 21;
pub const EINVAL: i32 = 28;
pub const EISDIR: i32 = 31;
pub const ELOOP: i32 = 32;
pub const ENAMETOOLONG: i32 = 37;
pub const ENOENT: i32 = 44;
pub const ENOSPC: i32 = 51;
pub const ENOTDIR: i32 = 54;
pub const ENOTEMPTY: i32 = 55;
pub const EPERM: i32 = 63;
pub const ESPIPE: i32 = 70;
pub const EXDEV: i32 = 75;
pub const ENOTCAPABLE: i32 = 76;

pub const CREAT: i32 = 1;
pub const DIRECTORY: i32 = 2;
pub const EXCL: i32 = 4;
pub const TRUNC: i32 = 8;
pub const APPEND: i32 = 1;
pub const FOLLOW: i32 = 1;

/// All rights: a directory hands out no more than it has, so this asks for "everything
/// allowed".
pub const ALL: i64 = -1;
pub const RIGHT_FD_READ: i64 = 1 << 1;
pub const RIGHT_FD_WRITE: i64 = 1 << 6;

/// Every preview1 function.
pub const NAMES: [&str; 46] = [
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "random_get",
    "sched_yield",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// Where scratch data (paths, iovecs, results) goes; below it is free for a test.
const SCRATCH: u32 = 4096;

pub struct Guest {
    pub store: Store<WasiCtx>,
    inst: Instance,
    mem: Memory,
    next: u32,
}

/// `filestat`, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
}

pub const REGULAR_FILE: u8 = 4;
pub const DIR: u8 = 3;
pub const SYMLINK: u8 = 7;

fn wat_type(t: &ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        t => panic!("no preview1 function takes {t:?}"),
    }
}

impl Guest {
    pub fn new(ctx: WasiCtx) -> Guest {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ctx);
        let mut linker = Linker::new(&engine);
        wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
        let mut imports = String::new();
        let mut funcs = String::new();
        for name in NAMES {
            let f = linker
                .get(&mut store, wisp_wasi::MODULE, name)
                .and_then(wisp::Extern::into_func)
                .unwrap_or_else(|| panic!("{name} is not defined"));
            let ty = f.ty(&store);
            let params: Vec<_> = ty.params().iter().map(wat_type).collect();
            let results: Vec<_> = ty.results().iter().map(wat_type).collect();
            let sig = format!(
                "(param {}) (result {})",
                params.join(" "),
                results.join(" ")
            );
            imports.push_str(&format!(
                "(import \"wasi_snapshot_preview1\" \"{name}\" (func ${name} {sig}))\n"
            ));
            let gets: String = (0..params.len())
                .map(|i| format!("local.get {i} "))
                .collect();
            funcs.push_str(&format!(
                "(func (export \"{name}\") {sig} {gets} call ${name})\n"
            ));
        }
        let text = format!("(module {imports} (memory (export \"memory\") 4) {funcs})");
        let buf = wast::parser::ParseBuffer::new(&text).unwrap();
        let bytes = wast::parser::parse::<wast::Wat>(&buf)
            .unwrap()
            .encode()
            .unwrap();
        let module = Module::new(&engine, &bytes).unwrap();
        let inst = linker.instantiate(&mut store, &module).unwrap();
        let mem = inst.get_memory(&store, "memory").unwrap();
        Guest {
            store,
            inst,
            mem,
            next: SCRATCH,
        }
    }

    /// Calls a preview1 function with raw arguments; its errno.
    pub fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let f = self.inst.get_func(&self.store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, args, &mut out)
            .unwrap_or_else(|e| panic!("{name} failed: {e}"));
        self.next = SCRATCH;
        match out[0] {
            Val::I32(v) => v,
            ref v => panic!("{name} returned {v:?}"),
        }
    }

    pub fn mem(&mut self) -> &mut [u8] {
        self.mem.data_mut(&mut self.store)
    }

    /// Copies bytes into scratch memory; their address.
    pub fn put(&mut self, bytes: &[u8]) -> i32 {
        let at = self.next;
        self.mem()[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
        self.next = (at + bytes.len() as u32 + 7) & !7;
        at as i32
    }
    /// Room for `n` bytes of results.
    pub fn room(&mut self, n: u32) -> i32 {
        self.put(&vec![0; n as usize])
    }
    pub fn get(&mut self, at: i32, n: usize) -> Vec<u8> {
        self.mem()[at as usize..at as usize + n].to_vec()
    }
    pub fn u32_at(&mut self, at: i32) -> u32 {
        u32::from_le_bytes(self.get(at, 4).try_into().unwrap())
    }
    pub fn u64_at(&mut self, at: i32) -> u64 {
        u64::from_le_bytes(self.get(at, 8).try_into().unwrap())
    }
    /// A path: (address, length).
    pub fn path(&mut self, p: &str) -> (Val, Val) {
        let at = self.put(p.as_bytes());
        (Val::I32(at), Val::I32(p.len() as i32))
    }
    fn iovec(&mut self, buf: i32, len: usize) -> i32 {
        let mut v = (buf as u32).to_le_bytes().to_vec();
        v.extend_from_slice(&(len as u32).to_le_bytes());
        self.put(&v)
    }

    pub fn open_with(
        &mut self,
        dir: u32,
        lookup: i32,
        path: &str,
        oflags: i32,
        rights: i64,
        fdflags: i32,
    ) -> Result<u32, i32> {
        let (p, l) = self.path(path);
        let out = self.room(4);
        let args = [
            Val::I32(dir as i32),
            Val::I32(lookup),
            p,
            l,
            Val::I32(oflags),
            Val::I64(rights),
            Val::I64(ALL),
            Val::I32(fdflags),
            Val::I32(out),
        ];
        match self.call_keep("path_open", &args) {
            0 => Ok(self.u32_at(out)),
            e => Err(e),
        }
    }
    /// Opens with every right, but a directory without `fd_write` (which is `EISDIR`).
    pub fn open(&mut self, dir: u32, path: &str, oflags: i32) -> Result<u32, i32> {
        let rights = if oflags & DIRECTORY != 0 {
            ALL & !RIGHT_FD_WRITE
        } else {
            ALL
        };
        self.open_with(dir, FOLLOW, path, oflags, rights, 0)
    }

    /// Like `call`, but leaves scratch memory for the caller to read results from.
    pub fn call_keep(&mut self, name: &str, args: &[Val]) -> i32 {
        let keep = self.next;
        let r = self.call(name, args);
        self.next = keep;
        r
    }

    fn rw(
        &mut self,
        name: &str,
        fd: u32,
        buf: i32,
        len: usize,
        at: Option<u64>,
    ) -> Result<u32, i32> {
        let iov = self.iovec(buf, len);
        let out = self.room(4);
        let mut args = vec![Val::I32(fd as i32), Val::I32(iov), Val::I32(1)];
        if let Some(at) = at {
            args.push(Val::I64(at as i64));
        }
        args.push(Val::I32(out));
        match self.call_keep(name, &args) {
            0 => Ok(self.u32_at(out)),
            e => Err(e),
        }
    }
    pub fn write(&mut self, fd: u32, data: &[u8]) -> Result<u32, i32> {
        let buf = self.put(data);
        let r = self.rw("fd_write", fd, buf, data.len(), None);
        self.next = SCRATCH;
        r
    }
    pub fn pwrite(&mut self, fd: u32, data: &[u8], at: u64) -> Result<u32, i32> {
        let buf = self.put(data);
        let r = self.rw("fd_pwrite", fd, buf, data.len(), Some(at));
        self.next = SCRATCH;
        r
    }
    fn read_op(&mut self, name: &str, fd: u32, n: usize, at: Option<u64>) -> Result<Vec<u8>, i32> {
        let buf = self.room(n as u32);
        let r = self
            .rw(name, fd, buf, n, at)
            .map(|got| self.get(buf, got as usize));
        self.next = SCRATCH;
        r
    }
    pub fn read(&mut self, fd: u32, n: usize) -> Result<Vec<u8>, i32> {
        self.read_op("fd_read", fd, n, None)
    }
    pub fn pread(&mut self, fd: u32, n: usize, at: u64) -> Result<Vec<u8>, i32> {
        self.read_op("fd_pread", fd, n, Some(at))
    }
    pub fn seek(&mut self, fd: u32, offset: i64, whence: i32) -> Result<u64, i32> {
        let out = self.room(8);
        let args = [
            Val::I32(fd as i32),
            Val::I64(offset),
            Val::I32(whence),
            Val::I32(out),
        ];
        match self.call_keep("fd_seek", &args) {
            0 => Ok(self.u64_at(out)),
            e => Err(e),
        }
    }
    pub fn close(&mut self, fd: u32) -> i32 {
        self.call("fd_close", &[Val::I32(fd as i32)])
    }

    /// A `path_*` call taking (fd, path) only.
    pub fn at(&mut self, name: &str, dir: u32, path: &str) -> i32 {
        let (p, l) = self.path(path);
        self.call(name, &[Val::I32(dir as i32), p, l])
    }
    pub fn mkdir(&mut self, dir: u32, path: &str) -> i32 {
        self.at("path_create_directory", dir, path)
    }
    pub fn rmdir(&mut self, dir: u32, path: &str) -> i32 {
        self.at("path_remove_directory", dir, path)
    }
    pub fn unlink(&mut self, dir: u32, path: &str) -> i32 {
        self.at("path_unlink_file", dir, path)
    }
    pub fn rename(&mut self, dir: u32, old: &str, new_dir: u32, new: &str) -> i32 {
        let (p, l) = self.path(old);
        let (np, nl) = self.path(new);
        self.call(
            "path_rename",
            &[Val::I32(dir as i32), p, l, Val::I32(new_dir as i32), np, nl],
        )
    }
    pub fn link(&mut self, dir: u32, flags: i32, old: &str, new_dir: u32, new: &str) -> i32 {
        let (p, l) = self.path(old);
        let (np, nl) = self.path(new);
        self.call(
            "path_link",
            &[
                Val::I32(dir as i32),
                Val::I32(flags),
                p,
                l,
                Val::I32(new_dir as i32),
                np,
                nl,
            ],
        )
    }
    pub fn symlink(&mut self, target: &str, dir: u32, path: &str) -> i32 {
        let (t, tl) = self.path(target);
        let (p, l) = self.path(path);
        self.call("path_symlink", &[t, tl, Val::I32(dir as i32), p, l])
    }
    pub fn readlink(&mut self, dir: u32, path: &str, len: u32) -> Result<String, i32> {
        let (p, l) = self.path(path);
        let buf = self.room(len.max(1));
        let out = self.room(4);
        let args = [
            Val::I32(dir as i32),
            p,
            l,
            Val::I32(buf),
            Val::I32(len as i32),
            Val::I32(out),
        ];
        match self.call_keep("path_readlink", &args) {
            0 => {
                let n = self.u32_at(out) as usize;
                Ok(String::from_utf8(self.get(buf, n)).unwrap())
            }
            e => Err(e),
        }
    }
    fn decode_stat(&mut self, at: i32) -> Stat {
        Stat {
            ino: self.u64_at(at + 8),
            filetype: self.get(at + 16, 1)[0],
            nlink: self.u64_at(at + 24),
            size: self.u64_at(at + 32),
            atim: self.u64_at(at + 40),
            mtim: self.u64_at(at + 48),
        }
    }
    pub fn stat(&mut self, dir: u32, path: &str, flags: i32) -> Result<Stat, i32> {
        let (p, l) = self.path(path);
        let out = self.room(64);
        let args = [Val::I32(dir as i32), Val::I32(flags), p, l, Val::I32(out)];
        match self.call_keep("path_filestat_get", &args) {
            0 => Ok(self.decode_stat(out)),
            e => Err(e),
        }
    }
    pub fn fstat(&mut self, fd: u32) -> Result<Stat, i32> {
        let out = self.room(64);
        match self.call_keep("fd_filestat_get", &[Val::I32(fd as i32), Val::I32(out)]) {
            0 => Ok(self.decode_stat(out)),
            e => Err(e),
        }
    }
    /// (filetype, flags, rights, inheriting) of `fd_fdstat_get`.
    pub fn fdstat(&mut self, fd: u32) -> Result<(u8, u16, u64, u64), i32> {
        let out = self.room(24);
        match self.call_keep("fd_fdstat_get", &[Val::I32(fd as i32), Val::I32(out)]) {
            0 => {
                let b = self.get(out, 24);
                Ok((
                    b[0],
                    u16::from_le_bytes([b[2], b[3]]),
                    u64::from_le_bytes(b[8..16].try_into().unwrap()),
                    u64::from_le_bytes(b[16..24].try_into().unwrap()),
                ))
            }
            e => Err(e),
        }
    }
    /// Every entry of a directory as (name, filetype), read `buf` bytes at a time so that
    /// records cut at the end of the buffer are exercised.
    pub fn readdir(&mut self, fd: u32, buf: u32) -> Result<Vec<(String, u8)>, i32> {
        let mut names = Vec::new();
        let mut cookie = 0u64;
        loop {
            let at = self.room(buf);
            let out = self.room(4);
            let args = [
                Val::I32(fd as i32),
                Val::I32(at),
                Val::I32(buf as i32),
                Val::I64(cookie as i64),
                Val::I32(out),
            ];
            let e = self.call_keep("fd_readdir", &args);
            if e != 0 {
                return Err(e);
            }
            let used = self.u32_at(out) as usize;
            let bytes = self.get(at, used);
            self.next = SCRATCH;
            let mut pos = 0;
            let mut progressed = false;
            while pos + 24 <= used {
                let next = u64::from_le_bytes(bytes[pos..pos + 8].try_into().unwrap());
                let len = u32::from_le_bytes(bytes[pos + 16..pos + 20].try_into().unwrap());
                let end = pos + 24 + len as usize;
                if end > used {
                    break;
                }
                names.push((
                    String::from_utf8(bytes[pos + 24..end].to_vec()).unwrap(),
                    bytes[pos + 20],
                ));
                cookie = next;
                pos = end;
                progressed = true;
            }
            if used < buf as usize {
                return Ok(names);
            }
            assert!(progressed, "a buffer of {buf} bytes holds no whole entry");
        }
    }
    /// The name of preopened directory `fd`.
    pub fn prestat(&mut self, fd: u32) -> Result<String, i32> {
        let out = self.room(8);
        let e = self.call_keep("fd_prestat_get", &[Val::I32(fd as i32), Val::I32(out)]);
        if e != 0 {
            return Err(e);
        }
        let len = self.u32_at(out + 4);
        let buf = self.room(len);
        let e = self.call_keep(
            "fd_prestat_dir_name",
            &[Val::I32(fd as i32), Val::I32(buf), Val::I32(len as i32)],
        );
        if e != 0 {
            return Err(e);
        }
        let name = String::from_utf8(self.get(buf, len as usize)).unwrap();
        self.next = SCRATCH;
        Ok(name)
    }
}

impl Guest {
    /// `path_open` with every argument given, rights included.
    #[allow(clippy::too_many_arguments)]
    pub fn open_full(
        &mut self,
        dir: u32,
        lookup: i32,
        path: &str,
        oflags: i32,
        base: u64,
        inheriting: u64,
        fdflags: i32,
    ) -> Result<u32, i32> {
        let (p, l) = self.path(path);
        let out = self.room(4);
        let args = [
            Val::I32(dir as i32),
            Val::I32(lookup),
            p,
            l,
            Val::I32(oflags),
            Val::I64(base as i64),
            Val::I64(inheriting as i64),
            Val::I32(fdflags),
            Val::I32(out),
        ];
        match self.call_keep("path_open", &args) {
            0 => Ok(self.u32_at(out)),
            e => Err(e),
        }
    }
}

/// What [`FixedClock`] always reads.
pub const NOW: u64 = 1_700_000_000_123_456_789;

/// A clock that stands still at [`NOW`], so timestamps are predictable.
pub struct FixedClock;
impl wisp_wasi::Clock for FixedClock {
    fn now(&self, _: wisp_wasi::ClockId) -> Result<u64, Errno> {
        Ok(NOW)
    }
    fn resolution(&self, _: wisp_wasi::ClockId) -> Result<u64, Errno> {
        Ok(1)
    }
}

/// A host directory removed when the test ends.
pub struct TempDir(pub std::path::PathBuf);
impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("wisp-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A guest with an empty in-memory filesystem preopened as `/sandbox` (descriptor 3).
pub fn mem_guest() -> Guest {
    let ctx = WasiCtx::builder()
        .clock(FixedClock)
        .preopen(wisp_wasi::MemFs::with_clock(FixedClock), "/sandbox")
        .build();
    Guest::new(ctx)
}

/// A guest with a fresh host temp directory preopened as `/sandbox` (descriptor 3).
pub fn host_guest(tag: &str) -> (Guest, TempDir) {
    let dir = TempDir::new(tag);
    let ctx = WasiCtx::builder()
        .clock(FixedClock)
        .preopen_host_dir(&dir.0, "/sandbox")
        .unwrap()
        .build();
    (Guest::new(ctx), dir)
}

/// Runs each check `fn name(&mut Guest)` twice, as `name::memfs` on the in-memory
/// filesystem and as `name::host` on a host directory. Attributes before a name go on both
/// tests; `memfs: #[..]` and `host: #[..]` after it go on one only (an `#[ignore]`, say).
#[allow(unused_macros)]
macro_rules! both {
    ($($(#[$all:meta])* $name:ident $(memfs: #[$mem:meta])? $(host: #[$host:meta])?),* $(,)?) => {$(
        mod $name {
            #[test]
            $(#[$all])*
            $(#[$mem])?
            fn memfs() {
                super::$name(&mut $crate::guest::mem_guest());
            }
            #[test]
            $(#[$all])*
            $(#[$host])?
            fn host() {
                let (mut g, _dir) = $crate::guest::host_guest(stringify!($name));
                super::$name(&mut g);
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use both;
