//! WASI path resolution: the sandbox. The input is a list of preview1 path operations
//! (directories, files, symbolic links with relative, absolute and `..`-laden targets,
//! renames, hard links, stats, reads and writes) over paths made of a few names, `.`,
//! `..` and `/`. They run through the real preview1 functions, called from a small
//! module that re-exports them, twice:
//!
//! - over a host directory, the preopen `box/` of a per-process temp dir that also holds
//!   `outside/secret` (reset for every input);
//! - over an in-memory filesystem holding `box/` and `outside/secret`, preopened whole,
//!   with the operations relative to a descriptor for `box` (the descriptor is the
//!   boundary, as a preopen is).
//!
//! Invariant: nothing outside the boundary is read, stat'ed, created, changed or removed.
//! A read that returns the sentinel's bytes, a stat that names the sentinel's inode, or
//! any change to `outside/` (or next to `box/`) is a bug; so is a panic.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;
use wisp::{Engine, Extern, Instance, Linker, Module, Store, Val, ValType};
use wisp_wasi::{Filesystem, MemFs, WasiCtx};

const SENTINEL: &[u8] = b"SENTINEL: outside the sandbox";
/// Names paths are made of; `outside` and `secret` are the sentinel's own names.
const NAMES: [&str; 9] = ["a", "b", "l", "..", ".", "outside", "secret", "box", ""];
const FUNCS: [&str; 11] = [
    "path_open",
    "fd_read",
    "fd_write",
    "fd_close",
    "path_create_directory",
    "path_remove_directory",
    "path_unlink_file",
    "path_rename",
    "path_symlink",
    "path_filestat_get",
    "path_link",
];
/// Guest memory: results at 0, the read buffer at 256, paths from 1024.
const OUT: i32 = 0;
const BUF: i32 = 256;
const PATHS: i32 = 1024;

#[derive(Debug, Arbitrary)]
enum Op {
    Mkdir(Path),
    Rmdir(Path),
    Unlink(Path),
    Symlink(Target, Path),
    Rename(Path, Path),
    Link(bool, Path, Path),
    Read(bool, Path),
    Create {
        follow: bool,
        excl: bool,
        trunc: bool,
        path: Path,
    },
    Stat(bool, Path),
}

#[derive(Debug, Arbitrary)]
struct Path {
    absolute: bool,
    names: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum Target {
    Relative(Path),
    /// The host path of the sentinel directory, verbatim.
    HostOutside,
}

impl Path {
    fn text(&self) -> String {
        let names: Vec<&str> = self
            .names
            .iter()
            .take(6)
            .map(|&i| NAMES[i as usize % NAMES.len()])
            .collect();
        let joined = names.join("/");
        if self.absolute {
            format!("/{joined}")
        } else {
            joined
        }
    }
}

/// The per-process host tree: `root/box` (the preopen) and `root/outside/secret`.
fn host_root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("wisp-fuzz-wasi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("outside/secret"), SENTINEL).unwrap();
        root
    })
}

/// A module that exports memory and re-exports the preview1 functions, typed as the
/// linker defines them.
fn module_bytes(linker: &Linker<WasiCtx>, store: &mut Store<WasiCtx>) -> Vec<u8> {
    use wasm_encoder::{
        CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection,
        ImportSection, Instruction, MemorySection, MemoryType, TypeSection, ValType as V,
    };
    let conv = |t: &ValType| match t {
        ValType::I64 => V::I64,
        _ => V::I32,
    };
    let (mut types, mut imports, mut exports) = (
        TypeSection::new(),
        ImportSection::new(),
        ExportSection::new(),
    );
    let (mut funcs, mut code) = (FunctionSection::new(), CodeSection::new());
    let n = FUNCS.len() as u32;
    for (i, name) in FUNCS.iter().enumerate() {
        let f = linker
            .get(&mut *store, wisp_wasi::MODULE, name)
            .and_then(Extern::into_func)
            .unwrap();
        let ty = f.ty(&*store);
        types.ty().function(
            ty.params().iter().map(conv).collect::<Vec<_>>(),
            ty.results().iter().map(conv).collect::<Vec<_>>(),
        );
        imports.import(wisp_wasi::MODULE, name, EntityType::Function(i as u32));
        // A wrapper that calls the import: a host function called straight from the
        // embedder has no calling instance, and so no memory.
        funcs.function(i as u32);
        let mut body = Function::new([]);
        for p in 0..ty.params().len() as u32 {
            body.instruction(&Instruction::LocalGet(p));
        }
        body.instruction(&Instruction::Call(i as u32));
        body.instruction(&Instruction::End);
        code.function(&body);
        exports.export(name, ExportKind::Func, n + i as u32);
    }
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    exports.export("memory", ExportKind::Memory, 0);
    let mut m = wasm_encoder::Module::new();
    m.section(&types)
        .section(&imports)
        .section(&funcs)
        .section(&memories)
        .section(&exports)
        .section(&code);
    m.finish()
}

/// One program over one filesystem; `dir` is the boundary descriptor.
struct Guest {
    store: Store<WasiCtx>,
    inst: Instance,
    dir: i32,
    /// (dev, ino) pairs that no stat through the sandbox may report.
    forbidden: Vec<(u64, u64)>,
}

impl Guest {
    fn new(ctx: WasiCtx, dir: i32, forbidden: Vec<(u64, u64)>) -> Guest {
        let engine = Engine::default();
        let mut store = Store::new(&engine, ctx);
        let mut linker = Linker::new(&engine);
        wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).expect("a fresh linker");
        let module = Module::new(&engine, &module_bytes(&linker, &mut store)).unwrap();
        let inst = linker.instantiate(&mut store, &module).unwrap();
        Guest {
            store,
            inst,
            dir,
            forbidden,
        }
    }

    fn call(&mut self, name: &str, args: &[Val]) -> i32 {
        let f = self.inst.get_func(&self.store, name).unwrap();
        let mut out = [Val::I32(0)];
        f.call(&mut self.store, args, &mut out).unwrap();
        match out[0] {
            Val::I32(v) => v,
            _ => unreachable!(),
        }
    }

    fn mem(&mut self) -> &mut [u8] {
        let m = self.inst.get_memory(&self.store, "memory").unwrap();
        m.data_mut(&mut self.store)
    }

    /// Puts two paths in memory: their (address, length) pairs.
    fn paths(&mut self, a: &str, b: &str) -> [Val; 4] {
        let (pa, pb) = (PATHS as usize, PATHS as usize + 512);
        let mem = self.mem();
        mem[pa..pa + a.len()].copy_from_slice(a.as_bytes());
        mem[pb..pb + b.len()].copy_from_slice(b.as_bytes());
        [
            Val::I32(pa as i32),
            Val::I32(a.len() as i32),
            Val::I32(pb as i32),
            Val::I32(b.len() as i32),
        ]
    }

    fn u32_at(&mut self, at: i32) -> u32 {
        let a = at as usize;
        u32::from_le_bytes(self.mem()[a..a + 4].try_into().unwrap())
    }

    fn u64_at(&mut self, at: i32) -> u64 {
        let a = at as usize;
        u64::from_le_bytes(self.mem()[a..a + 8].try_into().unwrap())
    }

    fn open(&mut self, follow: bool, path: &str, oflags: i32) -> Option<i32> {
        let [p, l, _, _] = self.paths(path, "");
        let d = Val::I32(self.dir);
        // A directory asked for with `fd_write` is EISDIR.
        let rights = if oflags & 2 != 0 { !(1 << 6) } else { -1 };
        let args = [
            d,
            Val::I32(follow as i32),
            p,
            l,
            Val::I32(oflags),
            Val::I64(rights),
            Val::I64(-1),
            Val::I32(0),
            Val::I32(OUT),
        ];
        (self.call("path_open", &args) == 0).then(|| self.u32_at(OUT) as i32)
    }

    /// An iovec at `OUT + 16` for `len` bytes at `BUF`.
    fn iovec(&mut self, len: u32) -> Val {
        let at = (OUT + 16) as usize;
        let mem = self.mem();
        mem[at..at + 4].copy_from_slice(&(BUF as u32).to_le_bytes());
        mem[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
        Val::I32(at as i32)
    }

    fn apply(&mut self, op: &Op) {
        let d = Val::I32(self.dir);
        match op {
            Op::Mkdir(p) | Op::Rmdir(p) | Op::Unlink(p) => {
                let name = match op {
                    Op::Mkdir(_) => "path_create_directory",
                    Op::Rmdir(_) => "path_remove_directory",
                    _ => "path_unlink_file",
                };
                let [p, l, _, _] = self.paths(&p.text(), "");
                self.call(name, &[d, p, l]);
            }
            Op::Symlink(t, p) => {
                let target = match t {
                    Target::Relative(t) => t.text(),
                    Target::HostOutside => host_root().join("outside").display().to_string(),
                };
                let [t, tl, p, l] = self.paths(&target, &p.text());
                self.call("path_symlink", &[t, tl, d, p, l]);
            }
            Op::Rename(a, b) => {
                let [p, l, q, m] = self.paths(&a.text(), &b.text());
                self.call("path_rename", &[d.clone(), p, l, d, q, m]);
            }
            Op::Link(follow, a, b) => {
                let [p, l, q, m] = self.paths(&a.text(), &b.text());
                let f = Val::I32(*follow as i32);
                self.call("path_link", &[d.clone(), f, p, l, d, q, m]);
            }
            Op::Read(follow, p) => {
                if let Some(fd) = self.open(*follow, &p.text(), 0) {
                    let iov = self.iovec(128);
                    let args = [Val::I32(fd), iov, Val::I32(1), Val::I32(OUT)];
                    if self.call("fd_read", &args) == 0 {
                        let n = self.u32_at(OUT) as usize;
                        let got = self.mem()[BUF as usize..BUF as usize + n].to_vec();
                        assert_ne!(got, SENTINEL, "read the sentinel through {p:?}");
                    }
                    self.call("fd_close", &[Val::I32(fd)]);
                }
            }
            Op::Create {
                follow,
                excl,
                trunc,
                path,
            } => {
                let oflags = 1 | (*excl as i32) << 2 | (*trunc as i32) << 3;
                if let Some(fd) = self.open(*follow, &path.text(), oflags) {
                    self.mem()[BUF as usize..BUF as usize + 4].copy_from_slice(b"fuzz");
                    let iov = self.iovec(4);
                    self.call("fd_write", &[Val::I32(fd), iov, Val::I32(1), Val::I32(OUT)]);
                    self.call("fd_close", &[Val::I32(fd)]);
                }
            }
            Op::Stat(follow, p) => {
                let [p, l, _, _] = self.paths(&p.text(), "");
                let f = Val::I32(*follow as i32);
                if self.call("path_filestat_get", &[d, f, p, l, Val::I32(OUT)]) == 0 {
                    let id = (self.u64_at(OUT), self.u64_at(OUT + 8));
                    assert!(
                        !self.forbidden.contains(&id),
                        "stat'ed the sentinel: {op:?}"
                    );
                }
            }
        }
    }
}

fn sorted_names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

fn host_run(ops: &[Op]) {
    use std::os::unix::fs::MetadataExt;
    let root = host_root();
    let sandbox = root.join("box");
    let _ = std::fs::remove_dir_all(&sandbox);
    std::fs::create_dir(&sandbox).unwrap();
    let id = |p: PathBuf| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.dev(), m.ino())
    };
    let forbidden = vec![
        id(root.join("outside")),
        id(root.join("outside/secret")),
        id(root.clone()),
    ];
    let ctx = WasiCtx::builder()
        .preopen_host_dir(&sandbox, "/box")
        .unwrap()
        .build();
    let mut g = Guest::new(ctx, 3, forbidden);
    for op in ops {
        g.apply(op);
    }
    assert_eq!(sorted_names(root), ["box", "outside"]);
    assert_eq!(sorted_names(&root.join("outside")), ["secret"]);
    assert_eq!(
        std::fs::read(root.join("outside/secret")).unwrap(),
        SENTINEL
    );
}

fn memfs_run(ops: &[Op]) {
    let fs = MemFs::new();
    fs.create_dir_all("box").unwrap();
    fs.create_dir_all("outside").unwrap();
    fs.write_file("outside/secret", SENTINEL).unwrap();
    let mut probe = fs.clone();
    let mut id = |p: &str| {
        let s = probe.stat(p).unwrap();
        (s.dev, s.ino)
    };
    let forbidden = vec![id("outside"), id("outside/secret"), id("")];
    let ctx = WasiCtx::builder().preopen(fs.clone(), "/").build();
    // Descriptor 4: `box`, the boundary, opened as a directory from the preopen.
    let mut g = Guest::new(ctx, 3, forbidden);
    let dir = g.open(false, "box", 2).expect("box opens");
    g.dir = dir;
    for op in ops {
        g.apply(op);
    }
    let mut names: Vec<String> = probe
        .read_dir("")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    assert_eq!(names, ["box", "outside"]);
    let outside: Vec<String> = probe
        .read_dir("outside")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(outside, ["secret"]);
    assert_eq!(fs.read_file("outside/secret").unwrap(), SENTINEL);
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut ops = Vec::new();
    while ops.len() < 48 {
        match Op::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    memfs_run(&ops);
    host_run(&ops);
});
