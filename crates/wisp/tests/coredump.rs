//! Backtraces with code offsets, and Wasm coredumps in the tool-conventions format.
#![cfg(feature = "wat")]

use wisp::*;
use wisp_parse::wasmparser::{
    BinaryReader, CoreDumpInstancesSection, CoreDumpModulesSection, CoreDumpSection,
    CoreDumpStackSection, CoreDumpValue, Parser, Payload,
};

const PROGRAM: &str = r#"
(module
  (memory (export "memory") 2)
  (global $g (mut i32) (i32.const 7))
  (global $h f64 (f64.const 2.5))
  (data (i32.const 70000) "hello coredump")
  (func $inner (param i32 i64) (result i32)
    (i32.div_s (local.get 0) (i32.const 0)))
  (func $outer (param f32) (result i32)
    (nop)
    (call $inner (i32.const 42) (i64.const -5)))
  (func (export "run")
    (global.set $g (i32.const 99))
    (drop (call $outer (f32.const 1.5)))))
"#;

/// The module offset of each `call` and of the `div_s`, from the binary.
fn offsets(wasm: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut ops = body.get_operators_reader().unwrap();
            while !ops.eof() {
                let (op, offset) = ops.read_with_offset().unwrap();
                let name = format!("{op:?}");
                if name.starts_with("Call") || name.starts_with("I32DivS") {
                    at.push(offset as usize);
                }
            }
        }
    }
    at
}

fn trap(config: &Config) -> (Vec<u8>, Error) {
    let engine = Engine::new(config);
    let wasm = wat::parse_str(PROGRAM).unwrap();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = inst.get_typed_func::<(), ()>(&store, "run").unwrap();
    (wasm, run.call(&mut store, ()).unwrap_err())
}

#[test]
fn backtraces_give_each_frames_offset() {
    let (wasm, err) = trap(&Config::new());
    // [div_s in inner, call in outer, call in run], as the backtrace lists them.
    let want = offsets(&wasm);
    let got: Vec<_> = err
        .backtrace()
        .iter()
        .map(|f| f.module_offset.unwrap())
        .collect();
    assert_eq!(got, want, "{err}");
    let inner = &err.backtrace()[0];
    assert_eq!(inner.name.as_deref(), Some("inner"));
    // Two local.gets before it, of two bytes each (the body starts with its local
    // declarations' count, one byte).
    assert_eq!(inner.func_offset, Some(5));
    assert!(
        err.to_string()
            .contains(&format!("{:#8x} - inner", want[0])),
        "{err}"
    );

    // Without offsets the frames are still named.
    let mut config = Config::new();
    config.code_offsets(false);
    let (_, err) = trap(&config);
    assert!(err.backtrace().iter().all(|f| f.module_offset.is_none()));
    assert_eq!(err.backtrace()[1].name.as_deref(), Some("outer"));
    assert!(err.coredump().is_none(), "only when asked for");
}

#[test]
fn a_coredump_holds_frames_memory_and_globals() {
    let mut config = Config::new();
    config.coredump_on_trap(true);
    let (wasm, err) = trap(&config);
    assert_eq!(err.trap_code(), Some(TrapCode::IntegerDivideByZero));
    let dump = err
        .coredump()
        .expect("a coredump")
        .serialize("program.wasm");
    let want = offsets(&wasm);
    let body_starts: Vec<usize> = err
        .backtrace()
        .iter()
        .map(|f| f.module_offset.unwrap() - f.func_offset.unwrap())
        .collect();

    // A valid module, whose custom sections wasmparser reads as a coredump.
    let mut features = wisp_parse::wasmparser::WasmFeatures::default();
    features.insert(wisp_parse::wasmparser::WasmFeatures::MEMORY64);
    wisp_parse::wasmparser::Validator::new_with_features(features)
        .validate_all(&dump)
        .unwrap();
    let (mut frames, mut name, mut data, mut globals) = (Vec::new(), None, Vec::new(), Vec::new());
    let (mut modules, mut instances) = (0, 0);
    for payload in Parser::new(0).parse_all(&dump) {
        match payload.unwrap() {
            Payload::CustomSection(c) => {
                let reader = BinaryReader::new(c.data(), c.data_offset());
                match c.name() {
                    "core" => name = Some(CoreDumpSection::new(reader).unwrap().name.to_string()),
                    "coremodules" => {
                        modules = CoreDumpModulesSection::new(reader).unwrap().modules.len()
                    }
                    "coreinstances" => {
                        let s = CoreDumpInstancesSection::new(reader).unwrap();
                        instances = s.instances.len();
                        assert_eq!(s.instances[0].memories, [0]);
                        assert_eq!(s.instances[0].globals, [0, 1]);
                    }
                    "corestack" => {
                        let s = CoreDumpStackSection::new(reader).unwrap();
                        assert_eq!(s.name, "main");
                        for f in s.frames {
                            frames.push((f.funcidx, f.codeoffset, f.locals));
                        }
                    }
                    other => panic!("unexpected section {other}"),
                }
            }
            Payload::DataSection(r) => {
                for d in r {
                    data.push(d.unwrap().data.to_vec());
                }
            }
            Payload::GlobalSection(r) => {
                for g in r {
                    globals.push(format!(
                        "{:?}",
                        g.unwrap().init_expr.get_operators_reader().read().unwrap()
                    ));
                }
            }
            _ => {}
        }
    }
    assert_eq!(name.as_deref(), Some("program.wasm"));
    assert_eq!((modules, instances), (1, 1));
    assert_eq!(frames.len(), 3);
    assert_eq!(
        frames.iter().map(|f| f.0).collect::<Vec<_>>(),
        [0, 1, 2],
        "inner, outer, run"
    );
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.1 as usize, want[i] - body_starts[i], "frame {i}");
    }
    assert!(matches!(
        frames[0].2[..],
        [CoreDumpValue::I32(42), CoreDumpValue::I64(-5)]
    ));
    assert!(matches!(frames[1].2[..], [CoreDumpValue::F32(x)] if x.bits() == 1.5f32.to_bits()));
    // Memory: the one 64 KiB chunk that is not all zero holds the data segment.
    assert_eq!(data.len(), 1);
    let chunk = &data[0];
    assert_eq!(&chunk[70000 - 65536..][..14], b"hello coredump");
    // Globals: the values at the trap.
    assert!(globals[0].contains("99"), "{globals:?}");
    assert!(globals[1].contains("F64Const"), "{globals:?}");
}
