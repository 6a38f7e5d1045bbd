//! Host code as it is written for wasmtime compiles and runs against Wisp with the crate
//! name changed. The differences, all listed in the crate's docs:
//! - `anyhow::bail!(..)`/`anyhow!(..)` become `return Err(Error::msg(..))`/`Error::msg(..)`
//!   (Wisp does not depend on anyhow; `wisp::Result` stands for `wasmtime::Result`).
//!
//! The rest — `Caller` with `get_export`, `Memory::data(&caller)`,
//! `Memory::write(&mut caller, ..)`, `Memory::read(&caller, ..)`, `?` on `std::io::Error`
//! and `Utf8Error` in a host function, `func_wrap(..)?`, `Store`/`&mut Store` where a
//! context goes — is the same text.
#![cfg(feature = "wat")]

use std::sync::Arc;
use wisp::*;

struct MyState {
    path: std::path::PathBuf,
    log: Vec<String>,
}

const PROGRAM: &str = r#"
    (module
      (import "host" "log" (func $log (param i32 i32)))
      (import "host" "read_file" (func $read (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hello from wasm")
      (func (export "run") (result i32)
        (call $log (i32.const 16) (i32.const 15))
        (call $read (i32.const 64) (i32.const 8))
        ;; the first byte the host wrote
        (i32.add (i32.load8_u (i32.const 64)))))
"#;

fn linker(engine: &Engine) -> Result<Linker<MyState>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap(
        "host",
        "log",
        |mut caller: Caller<'_, MyState>, ptr: i32, len: i32| -> Result<()> {
            let mem = match caller.get_export("memory") {
                Some(Extern::Memory(mem)) => mem,
                _ => return Err(Error::msg("failed to find host memory")),
            };
            let data = mem
                .data(&caller)
                .get(ptr as u32 as usize..)
                .and_then(|arr| arr.get(..len as u32 as usize));
            let string = match data {
                Some(data) => std::str::from_utf8(data)?,
                None => return Err(Error::msg("pointer/length out of bounds")),
            };
            let string = string.to_string();
            caller.data_mut().log.push(string);
            Ok(())
        },
    )?;
    linker.func_wrap(
        "host",
        "read_file",
        |mut caller: Caller<'_, MyState>, ptr: i32, len: i32| -> Result<i32> {
            let bytes = std::fs::read(&caller.data().path)?;
            let mem = caller
                .get_export("memory")
                .and_then(|e| e.into_memory())
                .ok_or_else(|| Error::msg("no memory"))?;
            let n = bytes.len().min(len as usize);
            mem.write(&mut caller, ptr as usize, &bytes[..n])?;
            let mut back = vec![0; n];
            mem.read(&caller, ptr as usize, &mut back)?;
            assert_eq!(back, bytes[..n]);
            Ok(n as i32)
        },
    )?;
    Ok(linker)
}

#[test]
fn the_usual_wasmtime_host_code_runs() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("wisp-wasmtime-style-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("input.txt");
    std::fs::write(&path, b"Zebra crossing")?;

    let engine = Engine::default();
    let module = Module::new(&engine, PROGRAM)?;
    let linker = linker(&engine)?;
    let mut store = Store::new(
        &engine,
        MyState {
            path: path.clone(),
            log: Vec::new(),
        },
    );
    let instance = linker.instantiate(&mut store, &module)?;
    let run = instance.get_typed_func::<(), i32>(&mut store, "run")?;
    // 8 bytes read, plus 'Z'.
    assert_eq!(run.call(&mut store, ())?, 8 + i32::from(b'Z'));
    assert_eq!(store.data().log, ["hello from wasm"]);

    // The host function's `?` on an I/O error fails the call with that very error,
    // which the embedder downcasts, and which says where in Wasm it happened.
    std::fs::remove_file(&path)?;
    let err = run.call(&mut store, ()).unwrap_err();
    let io = err
        .downcast_ref::<std::io::Error>()
        .expect("the host's own error");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert!(matches!(err, Error::Host(_)));
    let frames: Vec<_> = err.backtrace().iter().map(|f| f.func_index).collect();
    assert_eq!(frames, [2], "the exported function, which called the host");
    assert!(err.to_string().contains("wasm backtrace"), "{err}");
    let io = err.downcast::<std::io::Error>().unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn errors_pass_through_question_marks_both_ways() {
    // Into a host function's `wisp::Result`, and out into a `Box<dyn Error>`.
    fn parse(s: &str) -> Result<i32> {
        Ok(s.parse::<i32>()?)
    }
    assert_eq!(parse("42").unwrap(), 42);
    let e = parse("forty-two").unwrap_err();
    assert!(e.is::<std::num::ParseIntError>());

    fn outer() -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
        parse("x")?;
        Ok(())
    }
    let boxed = outer().unwrap_err();
    assert!(boxed.downcast_ref::<std::num::ParseIntError>().is_some());

    // A closure may also return its own error type.
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let f = Func::wrap(
        &mut store,
        |x: i32| -> std::result::Result<i32, std::io::Error> {
            if x < 0 {
                Err(std::io::Error::other("negative"))
            } else {
                Ok(x * 2)
            }
        },
    );
    let typed = f.typed::<i32, i32>(&store).unwrap();
    assert_eq!(typed.call(&mut store, 4).unwrap(), 8);
    let e = typed.call(&mut store, -1).unwrap_err();
    assert_eq!(
        e.downcast_ref::<std::io::Error>().unwrap().to_string(),
        "negative"
    );

    // A trap a host function returns is a trap.
    let g = Func::wrap(&mut store, || -> Result<()> {
        Err(Trap::new(TrapCode::Unreachable).into())
    });
    let e = g.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::Unreachable));
    assert!(e.is::<Trap>() && e.is::<TrapCode>());
}

#[test]
fn a_linker_refuses_a_name_twice_unless_told_to_shadow() {
    let engine = Engine::default();
    let mut linker: Linker<()> = Linker::new(&engine);
    linker.func_wrap("m", "f", || 1i32).unwrap();
    let e = linker
        .func_wrap("m", "f", || 2i32)
        .err()
        .expect("a duplicate");
    assert!(e.to_string().contains("defined twice"), "{e}");

    linker.allow_shadowing(true);
    linker.func_wrap("m", "f", || 3i32).unwrap();
    let module = Module::new(
        &engine,
        r#"(module (import "m" "f" (func $f (result i32)))
                   (func (export "g") (result i32) (call $f)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let i = linker.instantiate(&mut store, &module).unwrap();
    let g = i.get_typed_func::<(), i32>(&store, "g").unwrap();
    assert_eq!(g.call(&mut store, ()).unwrap(), 3);
}

#[test]
fn instantiate_pre_resolves_once_for_many_stores() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "base" (func $b (result i32)))
                   (global $n (mut i32) (i32.const 0))
                   (func (export "next") (result i32)
                     (global.set $n (i32.add (global.get $n) (i32.const 1)))
                     (i32.add (call $b) (global.get $n))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "base", |c: Caller<'_, i32>| *c.data())
        .unwrap();
    let pre = linker.instantiate_pre(&module).unwrap();
    for base in [100, 200, 300] {
        let mut store = Store::new(&engine, base);
        let i = pre.instantiate(&mut store).unwrap();
        let next = i.get_typed_func::<(), i32>(&store, "next").unwrap();
        assert_eq!(next.call(&mut store, ()).unwrap(), base + 1);
        assert_eq!(next.call(&mut store, ()).unwrap(), base + 2);
    }

    // An import nobody defined is reported before any store is involved.
    let e = Linker::<i32>::new(&engine)
        .instantiate_pre(&module)
        .err()
        .expect("unknown import");
    assert!(e.to_string().contains("unknown import"), "{e}");
}

#[test]
fn contexts_go_wherever_a_store_goes() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "fill" (func $fill (param i32 i32)))
                   (memory (export "memory") 1)
                   (func (export "run") (param i32 i32) (call $fill (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "fill",
            |mut caller: Caller<'_, Vec<u8>>, ptr: i32, len: i32| -> Result<()> {
                let mem = caller.get_export("memory").unwrap().into_memory().unwrap();
                // Guest memory and the host's state, both borrowed at once.
                let (bytes, state) = mem.data_and_store_mut(&mut caller);
                let dst = &mut bytes[ptr as usize..][..len as usize];
                dst.copy_from_slice(&state[..len as usize]);
                state.reverse();
                // A context taken from the caller works like the caller.
                let mut cx = caller.as_context_mut();
                cx.data_mut().push(0);
                assert_eq!(mem.size(&cx), 1);
                Ok(())
            },
        )
        .unwrap();
    let mut store = Store::new(&engine, b"abcdef".to_vec());
    let i = linker.instantiate(&mut store, &module).unwrap();
    let run = i.get_typed_func::<(i32, i32), ()>(&store, "run").unwrap();
    run.call(&mut store, (10, 4)).unwrap();
    let mem = i.get_memory(&store, "memory").unwrap();
    assert_eq!(&mem.data(&store)[10..14], b"abcd");
    assert_eq!(store.data(), b"fedcba\0");
    // The same methods through a `StoreContext`.
    let cx = store.as_context();
    assert_eq!(&mem.data(&cx)[10..12], b"ab");
    let mut buf = [0; 2];
    mem.read(&store, 12u64, &mut buf).unwrap();
    assert_eq!(&buf, b"cd");
    // A negative guest pointer is out of bounds, not a huge address.
    assert!(mem.read(&store, -1i32, &mut buf).is_err());
}

#[test]
fn a_failing_host_function_pauses_a_resumable_call() {
    #[derive(Debug)]
    struct NotReady;
    impl std::fmt::Display for NotReady {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the reading is not ready")
        }
    }
    impl std::error::Error for NotReady {}

    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (import "env" "sensor" (func $s (param i32) (result i32)))
                   (func (export "sum") (result i32)
                     (i32.add (call $s (i32.const 1)) (call $s (i32.const 2)))))"#,
    )
    .unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "sensor", |i: i32| -> Result<i32> {
            if i == 2 {
                Err(NotReady.into())
            } else {
                Ok(10)
            }
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let sum = inst.get_func(&store, "sum").unwrap();
    let mut out = [Val::I32(0)];
    let call = sum.call_resumable(&mut store, &[], &mut out).unwrap();
    let ResumableCall::HostTrap(paused) = call else {
        panic!("the second reading fails");
    };
    assert!(paused.host_error().is::<NotReady>());
    assert_eq!(paused.host_func().ty(&store).results(), [ValType::I32]);
    // Wrong results are refused.
    let wrong = paused.resume(&mut store, &[Val::I64(1)], &mut out);
    assert!(wrong.is_err());

    // Again, and this time answer for the host function.
    let call = sum.call_resumable(&mut store, &[], &mut out).unwrap();
    let ResumableCall::HostTrap(paused) = call else {
        panic!("the second reading fails");
    };
    let done = paused
        .resume(&mut store, &[Val::I32(32)], &mut out)
        .unwrap();
    assert!(matches!(done, ResumableCall::Finished));
    assert_eq!(out[0], Val::I32(42));
    // An ordinary call still fails with the host's error.
    let e = sum.call(&mut store, &[], &mut out).unwrap_err();
    assert!(e.is::<NotReady>());
}

#[test]
fn modules_are_shared_between_threads_and_stores_move() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        r#"(module (func $fib (export "fib") (param i32) (result i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                               (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    )
    .unwrap();
    let mut linker: Linker<u32> = Linker::new(&engine);
    linker.func_wrap("env", "unused", |x: i32| x).unwrap();
    let linker = Arc::new(linker);
    // Functions are translated on first call: the threads race to translate `fib`.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (engine, module, linker) = (engine.clone(), module.clone(), linker.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, t);
                let i = linker.instantiate(&mut store, &module).unwrap();
                let fib = i.get_typed_func::<i32, i32>(&store, "fib").unwrap();
                (fib.call(&mut store, 20 + t as i32).unwrap(), store)
            })
        })
        .collect();
    let want = [6765, 10946, 17711, 28657];
    for (t, h) in threads.into_iter().enumerate() {
        let (got, store) = h.join().unwrap();
        assert_eq!(got, want[t]);
        // The store came back from its thread, and works here.
        assert_eq!(*store.data(), t as u32);
    }
}
