//! Host functions that reach into the caller: read a string out of guest memory, keep
//! state in the store, write a reply back, and fail with the host's own error type.
//!
//! `cargo run -p wisp-wasm --example host_functions`

use wisp::{Caller, Engine, Error, Extern, Linker, Module, Store};

/// The embedder's state, reachable from every host function through its `Caller`.
#[derive(Default)]
struct Log {
    lines: Vec<String>,
}

const GUEST: &str = r#"
(module
  (import "host" "log" (func $log (param i32 i32)))
  (import "host" "shout" (func $shout (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello from the guest")
  (func (export "run") (result i32)
    (call $log (i32.const 0) (i32.const 20))
    ;; upper-cases the text in place and returns how many bytes it changed
    (call $shout (i32.const 0) (i32.const 20))))
"#;

fn memory(caller: &Caller<'_, Log>) -> Result<wisp::Memory, Error> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => Err(Error::msg("the guest exports no memory")),
    }
}

fn main() -> Result<(), Error> {
    let engine = Engine::default();
    let module = Module::new(&engine, GUEST)?;
    let mut linker = Linker::new(&engine);

    linker.func_wrap(
        "host",
        "log",
        |mut caller: Caller<'_, Log>, ptr: i32, len: i32| -> wisp::Result<()> {
            let mut buf = vec![0; len as usize];
            memory(&caller)?.read(&caller, ptr, &mut buf)?;
            // A standard error passes through `?`; the caller can downcast it.
            let text = String::from_utf8(buf)?;
            caller.data_mut().lines.push(text);
            Ok(())
        },
    )?;
    linker.func_wrap(
        "host",
        "shout",
        |mut caller: Caller<'_, Log>, ptr: i32, len: i32| -> wisp::Result<i32> {
            let mem = memory(&caller)?;
            // Guest memory and the host's state, borrowed together.
            let (bytes, log) = mem.data_and_store_mut(&mut caller);
            let text = bytes
                .get_mut(ptr as usize..)
                .and_then(|b| b.get_mut(..len as usize))
                .ok_or_else(|| Error::msg("out of bounds"))?;
            let changed = text.iter().filter(|b| b.is_ascii_lowercase()).count();
            text.make_ascii_uppercase();
            log.lines.push(format!("shouted {changed} letters"));
            Ok(changed as i32)
        },
    )?;

    let mut store = Store::new(&engine, Log::default());
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<(), i32>(&store, "run")?;
    let changed = run.call(&mut store, ())?;

    let memory = instance.get_memory(&store, "memory").expect("exported");
    let text = std::str::from_utf8(&memory.data(&store)[..20]).expect("ASCII");
    println!("{changed} letters changed: {text}");
    for line in &store.data().lines {
        println!("log: {line}");
    }
    assert_eq!(text, "HELLO FROM THE GUEST");
    Ok(())
}
