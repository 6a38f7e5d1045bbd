//! The builder's conveniences: in-memory pipes for stdio, read-only preopens, and
//! inheriting the host's arguments and environment separately.

mod guest;

use guest::{fixture, run_program};
use wisp::{Engine, Error, Linker, Module, Store};
use wisp_wasi::{MemFs, MemoryInputPipe, MemoryOutputPipe, WasiCtx, WasiCtxBuilder};

/// Runs `program` with stdin from memory; returns its status and what it printed.
fn run(program: &str, args: &[&str], stdin: &[u8], ctx: WasiCtxBuilder) -> (i32, String) {
    let out = MemoryOutputPipe::new();
    let ctx = ctx
        .arg(program)
        .args(args.iter().copied())
        .stdin(MemoryInputPipe::new(stdin))
        .stdout(out.clone())
        .build();
    let status = run_program(program, ctx);
    (status, String::from_utf8(out.contents()).unwrap())
}

#[test]
fn pipes_carry_stdin_and_capture_stdout() {
    let (status, out) = run("cat", &["-"], b"through memory\n", WasiCtx::builder());
    assert_eq!(status, 0);
    assert_eq!(out, "through memory\n");
}

#[test]
fn a_capped_pipe_refuses_what_does_not_fit() {
    use wisp_wasi::Stream;
    let mut p = MemoryOutputPipe::with_capacity(4);
    assert_eq!(p.write(b"abcdef"), Ok(4));
    assert!(p.write(b"g").is_err());
    assert_eq!(p.take(), b"abcd");
    assert!(p.contents().is_empty());
}

#[test]
fn a_read_only_preopen_is_read_but_never_changed() {
    // A game saved in a writable directory...
    let fs = MemFs::new();
    let walkthrough = fixture("c/adventure.walkthrough");
    let (status, _) = run(
        "adventure",
        &[],
        &walkthrough,
        WasiCtx::builder().preopen(fs.clone(), "."),
    );
    assert_eq!(status, 0);
    let saved = fs.read_file("save.txt").expect("saved");
    // ...loads from the same directory read-only, but cannot be saved there again.
    let (status, out) = run(
        "adventure",
        &[],
        b"load\ninventory\nsave\nquit\n",
        WasiCtx::builder().preopen_readonly(fs.clone(), "."),
    );
    assert_eq!(status, 0);
    assert!(out.to_lowercase().contains("key"), "{out}");
    assert!(out.contains("Could not save the game."), "{out}");
    assert_eq!(fs.read_file("save.txt").unwrap(), saved, "unchanged");

    // On the host too: the self-checking exerciser finds it can list and read but
    // not create.
    let dir = std::env::temp_dir().join(format!("wisp-readonly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("kept.txt"), b"kept\n").unwrap();
    let ctx = WasiCtx::builder()
        .preopen_host_dir_readonly(&dir, "/data")
        .unwrap();
    let (status, out) = run("cat", &["/data/kept.txt"], b"", ctx);
    assert_eq!((status, out.as_str()), (0, "kept\n"));
    let ctx = WasiCtx::builder()
        .preopen_host_dir_readonly(&dir, "/data")
        .unwrap();
    let (status, _) = run("adventure", &[], b"save\nquit\n", ctx);
    assert_eq!(status, 0);
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["kept.txt"], "nothing was created");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_environment_and_arguments_are_inherited_separately() {
    // This process's own variables and arguments, as the program sees them.
    let ctx = WasiCtx::builder().inherit_env().build();
    let n_env = std::env::vars_os()
        .filter(|(k, v)| k.to_str().is_some() && v.to_str().is_some())
        .count();
    assert_eq!(ctx.env().count(), n_env);
    assert_eq!(ctx.args().count(), 0);
    let ctx = WasiCtx::builder().inherit_args().build();
    assert_eq!(ctx.args().count(), std::env::args_os().count());
    assert_eq!(ctx.env().count(), 0);
}

/// A store holding a WASI context moves to another thread, where the program runs: it
/// reads a file from an in-memory directory made on the first thread.
#[test]
fn a_wasi_store_moves_to_another_thread() {
    let fs = MemFs::new();
    fs.create_dir_all("notes").unwrap();
    fs.write_file("notes/todo.txt", b"feed the fox\n").unwrap();
    let out = MemoryOutputPipe::new();
    let ctx = WasiCtx::builder()
        .args(["cat", "/data/notes/todo.txt"])
        .stdout(out.clone())
        .preopen(fs, "/data")
        .build();
    let engine = Engine::default();
    let module = Module::new(&engine, fixture("cat.wasm")).unwrap();
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let status = std::thread::spawn(move || {
        let start = instance.get_func(&store, "_start").unwrap();
        match start.call(&mut store, &[], &mut []) {
            Ok(()) => 0,
            Err(Error::Exit(code)) => code,
            Err(e) => panic!("cat failed: {e}"),
        }
    })
    .join()
    .unwrap();
    assert_eq!(status, 0);
    assert_eq!(String::from_utf8(out.contents()).unwrap(), "feed the fox\n");
}
