//! Wiring up WASI: a program gets its arguments, an environment, a read-only directory
//! and stdin from memory, and its output is captured for the host.
//!
//! `cargo run -p wisp-wasi --example capture_output`

use wisp::{Engine, Error, Linker, Module, Store};
use wisp_wasi::{MemFs, MemoryInputPipe, MemoryOutputPipe, WasiCtx};

fn main() -> Result<(), Error> {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/cat.wasm");
    let engine = Engine::default();
    let module = Module::from_file(&engine, program)?;

    // A directory in memory, given read-only: the program can read it, never change it.
    let docs = MemFs::new();
    docs.write_file("notes.txt", b"from a read-only directory\n")
        .expect("room in the MemFs");
    let stdout = MemoryOutputPipe::new();
    let ctx = WasiCtx::builder()
        .args(["cat", "/docs/notes.txt", "-"])
        .env("GREETING", "hello")
        .stdin(MemoryInputPipe::new("and from stdin\n"))
        .stdout(stdout.clone())
        .preopen_readonly(docs, "/docs")
        .build();

    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    match start.call(&mut store, ()) {
        Ok(()) | Err(Error::Exit(0)) => {}
        Err(e) => return Err(e),
    }
    let out = String::from_utf8(stdout.contents()).expect("UTF-8");
    print!("captured:\n{out}");
    assert_eq!(out, "from a read-only directory\nand from stdin\n");
    Ok(())
}
