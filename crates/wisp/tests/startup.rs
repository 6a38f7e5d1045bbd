//! Large modules: tens of thousands of functions and tens of megabytes must start fast,
//! because only the functions that run are translated. The module is built here, byte by
//! byte, so the test needs no files.

use std::time::Instant;
use wisp::{Config, Engine, Linker, Module, Store, Val};

fn leb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u32, out);
    out.extend_from_slice(body);
}

/// `funcs` functions of type (i32) -> i32, each adding 1 to its argument `adds` times
/// and then calling the next one (the last returns). `run` is the first.
fn big_module(funcs: u32, adds: u32) -> Vec<u8> {
    big_module_with(funcs, adds, &[]).0
}

/// [`big_module`], with the functions in `invalid` made invalid (their first addition
/// adds an `i64`); also the byte offset of each one's fault.
fn big_module_with(funcs: u32, adds: u32, invalid: &[u32]) -> (Vec<u8>, Vec<usize>) {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[1, 0x60, 1, 0x7f, 1, 0x7f], &mut m);
    let mut fs = Vec::new();
    leb(funcs, &mut fs);
    fs.extend(std::iter::repeat_n(0u8, funcs as usize));
    section(3, &fs, &mut m);
    section(7, &[1, 3, b'r', b'u', b'n', 0, 0], &mut m);
    let mut code = Vec::new();
    leb(funcs, &mut code);
    let mut faults = Vec::new();
    for i in 0..funcs {
        let mut body = vec![0u8]; // no locals
        for _ in 0..adds {
            body.extend_from_slice(&[0x20, 0, 0x41, 1, 0x6a, 0x21, 0]);
        }
        if invalid.contains(&i) {
            body[3] = 0x42;
            // Where the `i32.add` of the `i64` lands: the section's id and size, the
            // body's size, then the body.
            let size_len = leb_len(body.len() as u32 + 2);
            faults.push(m.len() + 1 + 5 + code.len() + size_len + 5);
        }
        body.extend_from_slice(&[0x20, 0]);
        if i + 1 < funcs {
            body.push(0x10);
            leb(i + 1, &mut body);
        }
        body.push(0x0b);
        leb(body.len() as u32, &mut code);
        code.extend_from_slice(&body);
    }
    let at = m.len();
    section(10, &code, &mut m);
    // The section's size took as many bytes as `leb` needed, not the 5 assumed above.
    let size_len = m.len() - at - 1 - code.len();
    let faults = faults.into_iter().map(|f| f - 5 + size_len).collect();
    (m, faults)
}

fn leb_len(v: u32) -> usize {
    let mut out = Vec::new();
    leb(v, &mut out);
    out.len()
}

#[test]
fn a_large_module_starts_without_translating_everything() {
    // 30,000 functions, about 12 MB of code.
    let bytes = big_module(30_000, 55);
    assert!(bytes.len() > 10 << 20, "{} bytes", bytes.len());
    let engine = Engine::default();
    let t = Instant::now();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let start = t.elapsed();
    let run = instance.get_func(&store, "run").unwrap();
    // One call runs the chain through every function: each is translated on first use.
    let mut out = [Val::I32(0)];
    run.call(&mut store, &[Val::I32(0)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(30_000 * 55));
    eprintln!(
        "{} MB, {} functions: decode + validate + instantiate {:?}, first run {:?}",
        bytes.len() >> 20,
        30_000,
        start,
        t.elapsed() - start
    );
    // Generous for unoptimized test builds; the release figure is in the notes.
    assert!(start.as_secs_f64() < 10.0, "start-up took {start:?}");
}

/// Instantiates `bytes` with translation `eager` or lazy and calls `name(args)`, which
/// returns one value.
fn call_once(bytes: &[u8], eager: bool, name: &str, args: &[Val]) -> Val {
    let mut config = Config::new();
    config.eager_translation(eager);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let func = instance.get_func(&store, name).unwrap();
    let mut out = [Val::I32(0)];
    func.call(&mut store, args, &mut out).unwrap();
    out[0]
}

#[test]
fn eager_translation_gives_the_same_answer() {
    let bytes = big_module(2_000, 10);
    let out = call_once(&bytes, true, "run", &[Val::I32(5)]);
    assert_eq!(out, Val::I32(5 + 2_000 * 10));
}

#[test]
fn eager_translation_keeps_the_data_segments() {
    // Eager mode keeps only the data segments' bytes, not the module's: the active
    // segment is copied at instantiation, the passive one by `memory.init` later.
    let wat = r#"(module (memory 1)
        (data (i32.const 8) "\05\06")
        (data $p "\07\08\09")
        (func (export "sum") (result i32)
          (memory.init $p (i32.const 16) (i32.const 1) (i32.const 2))
          (i32.add
            (i32.add (i32.load8_u (i32.const 8)) (i32.load8_u (i32.const 9)))
            (i32.add (i32.load8_u (i32.const 16)) (i32.load8_u (i32.const 17))))))"#;
    let buf = wast::parser::ParseBuffer::new(wat).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    for eager in [false, true] {
        let out = call_once(&bytes, eager, "sum", &[]);
        assert_eq!(out, Val::I32(5 + 6 + 8 + 9), "eager: {eager}");
    }
}

#[test]
fn hundreds_of_megabytes_of_linear_memory() {
    // Grow to 384 MiB, write the last byte and the first, read them back.
    let wat = r#"(module (memory (export "m") 1)
        (func (export "big") (result i32)
          (if (i32.eq (memory.grow (i32.const 6143)) (i32.const -1)) (then (return (i32.const -1))))
          (i32.store8 (i32.const 0x17ffffff) (i32.const 7))
          (i32.store8 (i32.const 0) (i32.const 5))
          (i32.add (i32.load8_u (i32.const 0x17ffffff)) (i32.load8_u (i32.const 0)))))"#;
    let buf = wast::parser::ParseBuffer::new(wat).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let big = instance.get_func(&store, "big").unwrap();
    let mut out = [Val::I32(0)];
    big.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(12));
    let mem = instance.get_memory(&store, "m").unwrap();
    assert_eq!(mem.data(&store).len(), 384 << 20);
}

#[test]
fn a_module_validated_before_loads_without_validation_and_runs_alike() {
    let bytes = big_module(2_000, 20);
    let engine = Engine::default();
    Module::validate(&engine, &bytes).unwrap();
    // SAFETY: validated just above, by this build and engine.
    let module = unsafe { Module::from_binary_unchecked(&engine, &bytes) }.unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let mut out = [Val::I32(0)];
    run.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(5 + 2_000 * 20));
    assert_eq!(out[0], call_once(&bytes, false, "run", &[Val::I32(5)]));
    // The sections are still decoded: a module cut short is refused, not trusted.
    let cut = &bytes[..bytes.len() / 2];
    // SAFETY: it never reaches the translator: decoding fails first.
    assert!(unsafe { Module::from_binary_unchecked(&engine, cut) }.is_err());
}

#[test]
fn an_invalid_body_in_a_large_module_is_the_first_error_in_module_order() {
    // Large enough that the bodies are validated on several threads (with `std`); the
    // first invalid body in the module is the one reported, wherever the threads split.
    let engine = Engine::default();
    for invalid in [&[2_999][..], &[40, 2_990], &[1_500, 1_501], &[0, 2_999]] {
        let (bytes, faults) = big_module_with(3_000, 20, invalid);
        assert!(bytes.len() > 300 << 10, "{} bytes", bytes.len());
        let err = Module::new(&engine, &bytes).map(drop).unwrap_err();
        let wisp::Error::Compile {
            offset, message, ..
        } = &err
        else {
            panic!("{err}");
        };
        assert!(message.contains("type mismatch"), "{message}");
        assert_eq!(*offset, faults[0], "{invalid:?}: {message}");
    }
    // A body error comes before an error in a later section: cut the module inside its
    // last body, past an invalid one.
    let (bytes, faults) = big_module_with(3_000, 20, &[100]);
    let err = Module::new(&engine, &bytes[..bytes.len() - 3])
        .map(drop)
        .unwrap_err();
    let wisp::Error::Compile { offset, .. } = &err else {
        panic!("{err}");
    };
    assert_eq!(*offset, faults[0], "{err}");
}
