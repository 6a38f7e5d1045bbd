//! The embedding API: host functions, typed calls, memories, globals, traps.

mod common;
use common::{instantiate, wat};
use wisp::{
    Caller, Config, Engine, Error, Extern, FuncType, Global, GlobalType, Linker, Module,
    Mutability, Store, TrapCode, Val, ValType, F32, F64,
};

#[test]
fn host_function_with_state_and_memory_access() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "log" (func $log (param i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 16) "hello")
          (func (export "run") (result i32) (call $log (i32.const 16) (i32.const 5))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<String>::new());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::I32, ValType::I32], [ValType::I32]);
    linker
        .func_new(
            "env",
            "log",
            ty,
            |mut caller: Caller<'_, Vec<String>>, args, results| {
                let (Val::I32(ptr), Val::I32(len)) = (args[0], args[1]) else {
                    return Err(Error::msg("bad args"));
                };
                let mem = caller
                    .get_export("memory")
                    .and_then(Extern::into_memory)
                    .unwrap();
                let mut buf = vec![0; len as usize];
                mem.read(caller.store(), ptr as u64, &mut buf)?;
                caller.data_mut().push(String::from_utf8(buf).unwrap());
                results[0] = Val::I32(len * 2);
                Ok(())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 10);
    assert_eq!(store.data(), &["hello".to_string()]);
}

#[test]
fn host_error_propagates_and_store_survives() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module (import "env" "fail" (func $f))
                 (func (export "run") (call $f))
                 (func (export "ok") (result i32) (i32.const 1)))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_new("env", "fail", FuncType::new([], []), |_, _, _| {
            Err(Error::msg("refused"))
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_func(&store, "run").unwrap();
    let e = run.call(&mut store, &[], &mut []).unwrap_err();
    assert!(matches!(e, Error::Host(_)), "{e:?}");
    assert!(e.to_string().starts_with("refused"), "{e}");
    let ok = inst.get_typed_func::<(), i32>(&store, "ok").unwrap();
    assert_eq!(ok.call(&mut store, ()).unwrap(), 1);
}

#[test]
fn multi_value_results() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (func (export "swap") (param i32 i64) (result i64 i32)
              (local.get 1) (local.get 0)))"#,
    );
    let swap = inst
        .get_typed_func::<(i32, i64), (i64, i32)>(&store, "swap")
        .unwrap();
    assert_eq!(swap.call(&mut store, (7, -3)).unwrap(), (-3, 7));
}

#[test]
fn trap_carries_a_named_backtrace() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module
             (func $inner (i32.div_u (i32.const 1) (i32.const 0)) drop)
             (func $outer (export "outer") (call $inner)))"#,
    );
    let f = inst.get_func(&store, "outer").unwrap();
    let Err(Error::Trap(t)) = f.call(&mut store, &[], &mut []) else {
        panic!("expected a trap");
    };
    assert_eq!(t.code, TrapCode::IntegerDivideByZero);
    let names: Vec<_> = t
        .backtrace
        .iter()
        .map(|f| f.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["inner", "outer"]);
}

#[test]
fn imported_mutable_global_is_shared() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = GlobalType {
        content: ValType::I64,
        mutability: Mutability::Var,
    };
    let g = Global::new(&mut store, ty, Val::I64(40)).unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .define(&store, "env", "g", Extern::Global(g))
        .unwrap();
    let module = Module::new(
        &engine,
        wat(r#"(module (global $g (import "env" "g") (mut i64))
                 (func (export "bump") (global.set $g (i64.add (global.get $g) (i64.const 2)))))"#),
    )
    .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    inst.get_typed_func::<(), ()>(&store, "bump")
        .unwrap()
        .call(&mut store, ())
        .unwrap();
    assert_eq!(g.get(&store), Val::I64(42));
}

#[test]
fn link_errors_name_the_import() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(r#"(module (import "env" "missing" (func)))"#)).unwrap();
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("env::missing")),
        "{err}"
    );
}

#[test]
fn wrong_argument_types_are_rejected() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (func (export "f") (param i32)))"#,
    );
    let f = inst.get_func(&store, "f").unwrap();
    assert!(matches!(
        f.call(&mut store, &[Val::I64(1)], &mut []),
        Err(Error::Usage(_))
    ));
    assert!(inst.get_typed_func::<i64, ()>(&store, "f").is_err());
}

#[test]
fn eager_and_lazy_translation_agree() {
    let text = r#"(module (func (export "f") (param i32) (result i32)
        (local i32)
        (block (loop
          (br_if 1 (i32.eqz (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br 0)))
        (local.get 1)))"#;
    for eager in [false, true] {
        let mut config = Config::new();
        config.eager_translation(eager);
        let (mut store, inst) = instantiate(&config, text);
        let f = inst.get_typed_func::<i32, i32>(&store, "f").unwrap();
        assert_eq!(f.call(&mut store, 100).unwrap(), 5050);
    }
}

#[test]
fn wrapped_closures_take_their_type_from_the_signature() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "add" (func $add (param i32 i64) (result i64)))
          (import "env" "count" (func $count (param f64) (result f64 i32)))
          (import "env" "check" (func $check (param i32)))
          (func (export "run") (result i64)
            (call $count (f64.const 1.5)) (drop) (drop)
            (call $check (i32.const 7))
            (call $add (i32.const 2) (i64.const 40))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "add", |a: i32, b: i64| a as i64 + b)
        .unwrap();
    linker
        .func_wrap("env", "count", |mut c: Caller<'_, u32>, x: f64| {
            *c.data_mut() += 1;
            (x * 2.0, 1i32)
        })
        .unwrap();
    linker
        .func_wrap("env", "check", |x: i32| -> Result<(), Error> {
            if x == 7 {
                Ok(())
            } else {
                Err(Error::msg("not seven"))
            }
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<(), i64>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 42);
    assert_eq!(*store.data(), 1);
}

#[test]
fn wrapped_function_type_mismatch_is_a_link_error() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module (import "env" "f" (func (param i32))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.func_wrap("env", "f", |_: i64| {}).unwrap();
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("incompatible import type")),
        "{err}"
    );
}

/// Typed calls and wrapped host functions take up to 16 parameters and give up to 16
/// results, as wasmtime's do.
#[test]
fn sixteen_parameters_and_results_both_ways() {
    type Sixteen = (
        i32,
        i64,
        f32,
        f64,
        i32,
        i64,
        f32,
        f64,
        i32,
        i64,
        f32,
        f64,
        i32,
        i64,
        f32,
        f64,
    );
    let engine = Engine::default();
    let params = "i32 i64 f32 f64 ".repeat(4);
    let gets: String = (0..16).map(|i| format!("(local.get {i}) ")).collect();
    let module = Module::new(
        &engine,
        wat(&format!(
            r#"(module
              (import "host" "sum" (func $sum (param {params}) (result f64)))
              (func (export "same") (param {params}) (result {params}) {gets})
              (func (export "sum") (param {params}) (result f64) (call $sum {gets})))"#
        )),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    #[allow(clippy::too_many_arguments)]
    fn sum(
        a: i32,
        b: i64,
        c: f32,
        d: f64,
        e: i32,
        f: i64,
        g: f32,
        h: f64,
        i: i32,
        j: i64,
        k: f32,
        l: f64,
        m: i32,
        n: i64,
        o: f32,
        p: f64,
    ) -> f64 {
        (a + e + i + m) as f64 + (b + f + j + n) as f64 + (c + g + k + o) as f64 + (d + h + l + p)
    }
    linker.func_wrap("host", "sum", sum).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let args: Sixteen = (
        1, 2, 3.0, 4.0, 5, 6, 7.0, 8.0, 9, 10, 11.0, 12.0, 13, 14, 15.0, 16.0,
    );
    let same = inst
        .get_typed_func::<Sixteen, Sixteen>(&store, "same")
        .unwrap();
    let r = same.call(&mut store, args).unwrap();
    // The standard library compares tuples of at most 12.
    assert_eq!(
        (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7),
        (args.0, args.1, args.2, args.3, args.4, args.5, args.6, args.7)
    );
    assert_eq!(
        (r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15),
        (args.8, args.9, args.10, args.11, args.12, args.13, args.14, args.15)
    );
    let total = inst.get_typed_func::<Sixteen, f64>(&store, "sum").unwrap();
    assert_eq!(total.call(&mut store, args).unwrap(), 136.0);
}

/// With the `wat` feature (the CLI turns it on in the workspace), text goes wherever a
/// binary module does, and its errors name the file and the line.
#[cfg(feature = "wat")]
#[test]
fn text_modules_files_and_validation() {
    let engine = Engine::default();
    let text = r#"(module (func (export "two") (result i32) (i32.const 2)))"#;
    let module = Module::new(&engine, text).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let two = inst.get_typed_func::<(), i32>(&store, "two").unwrap();
    assert_eq!(two.call(&mut store, ()).unwrap(), 2);
    // Binary still works, and validation alone keeps nothing.
    assert!(Module::validate(&engine, wat(text)).is_ok());
    let e = Module::validate(&engine, "(module (func (result i32)))").unwrap_err();
    assert!(matches!(e, Error::Compile { .. }), "{e}");
    let e = Module::validate(&engine, b"\0asm\x01\0\0\0\x01").unwrap_err();
    assert!(matches!(e, Error::Compile { .. }), "{e}");
    // From files: binary, text, and a syntax error that names the file and line.
    let dir = std::env::temp_dir().join(format!("wisp-api-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.wasm"), wat(text)).unwrap();
    std::fs::write(dir.join("b.wat"), text).unwrap();
    std::fs::write(
        dir.join("c.wat"),
        "(module\n  (func (result i32) (i32.const)))",
    )
    .unwrap();
    assert!(Module::from_file(&engine, dir.join("a.wasm")).is_ok());
    assert!(Module::from_file(&engine, dir.join("b.wat")).is_ok());
    let e = Module::from_file(&engine, dir.join("c.wat"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("c.wat") && e.contains(":2:"), "{e}");
    let e = Module::from_file(&engine, dir.join("none.wasm"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("none.wasm"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A typed call of numbers passes them as the operand stack's cells, not as `Val`s:
/// every number type, signs, extremes and NaN payloads arrive and come back bit for
/// bit, as an untyped call of the same function gives them.
#[test]
fn typed_calls_of_numbers_keep_every_bit() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (func (export "same") (param i32 i64 f32 f64) (result i32 i64 f32 f64)
            local.get 0 local.get 1 local.get 2 local.get 3)
          (func (export "u") (param i32 i64) (result i64 i32)
            (i64.extend_i32_u (local.get 0))
            (i32.wrap_i64 (local.get 1)))
          (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let same = inst
        .get_typed_func::<(i32, i64, f32, f64), (i32, i64, f32, f64)>(&store, "same")
        .unwrap();
    let untyped = inst.get_func(&store, "same").unwrap();
    let quiet_nan_with_payload = f32::from_bits(0x7fc0_1234);
    let signalling_nan = f64::from_bits(0x7ff0_0000_0000_0001);
    for args in [
        (0, 0, 0.0, 0.0),
        (-1, -1, -0.0, -0.0),
        (i32::MIN, i64::MIN, f32::MIN_POSITIVE, f64::MAX),
        (i32::MAX, i64::MAX, quiet_nan_with_payload, signalling_nan),
    ] {
        let r = same.call(&mut store, args).unwrap();
        assert_eq!((r.0, r.1), (args.0, args.1));
        assert_eq!(r.2.to_bits(), args.2.to_bits());
        assert_eq!(r.3.to_bits(), args.3.to_bits());
        let mut out = [Val::I32(0), Val::I64(0), Val::F32(F32(0)), Val::F64(F64(0))];
        let vals = [
            Val::I32(args.0),
            Val::I64(args.1),
            Val::F32(F32::from_float(args.2)),
            Val::F64(F64::from_float(args.3)),
        ];
        untyped.call(&mut store, &vals, &mut out).unwrap();
        match out {
            [Val::I32(a), Val::I64(b), Val::F32(c), Val::F64(d)] => {
                assert_eq!((a, b), (r.0, r.1));
                assert_eq!(c.0, r.2.to_bits());
                assert_eq!(d.0, r.3.to_bits());
            }
            other => panic!("untyped results {other:?}"),
        }
    }
    let u = inst
        .get_typed_func::<(u32, u64), (u64, u32)>(&store, "u")
        .unwrap();
    assert_eq!(
        u.call(&mut store, (u32::MAX, u64::MAX)).unwrap(),
        (u32::MAX as u64, u32::MAX)
    );
    let neg = inst.get_typed_func::<f64, f64>(&store, "neg").unwrap();
    assert_eq!(neg.call(&mut store, 1.5).unwrap(), -1.5);
    // The wrong signature is still refused when the typed function is made.
    assert!(inst.get_typed_func::<f64, f32>(&store, "neg").is_err());
}
