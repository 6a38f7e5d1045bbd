//! WebAssembly 2.0 features through the public API, one test per feature.

mod common;
use common::{instantiate, wat};
use wisp::{
    Caller, Config, Engine, Error, ExternRef, Features, FuncType, Linker, Module, Store, TrapCode,
    Val, ValType,
};

#[test]
fn host_function_returns_several_values() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
          (func (export "run") (param i32 i32) (result i32)
            (call $divmod (local.get 0) (local.get 1))
            (i32.mul (i32.const 1000))  ;; remainder * 1000
            (i32.add)))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::I32; 2], [ValType::I32; 2]);
    linker
        .func_new("env", "divmod", ty, |_, args, results| {
            let (Val::I32(a), Val::I32(b)) = (args[0], args[1]) else {
                return Err(Error::msg("bad args"));
            };
            results[0] = Val::I32(a / b);
            results[1] = Val::I32(a % b);
            Ok(())
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst
        .get_typed_func::<(i32, i32), i32>(&store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, (47, 10)).unwrap(), 7004);
}

#[test]
fn block_parameters_and_results() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (func (export "f") (param i32 i32) (result i32 i32)
              (local.get 0) (local.get 1)
              (block (param i32 i32) (result i32 i32)
                (i32.add) (i32.const 1))))"#,
    );
    let f = inst
        .get_typed_func::<(i32, i32), (i32, i32)>(&store, "f")
        .unwrap();
    assert_eq!(f.call(&mut store, (2, 3)).unwrap(), (5, 1));
}

#[test]
fn externref_round_trip_through_a_table() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (table $t 4 externref)
             (func (export "put") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))
             (func (export "get") (param i32) (result externref) (table.get $t (local.get 0)))
             (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0))))"#,
    );
    let name = ExternRef::new(&mut store, String::from("a host value"));
    let put = inst.get_func(&store, "put").unwrap();
    put.call(&mut store, &[Val::I32(2), name.to_val()], &mut [])
        .unwrap();
    let get = inst.get_func(&store, "get").unwrap();
    let mut out = [Val::I32(0)];
    get.call(&mut store, &[Val::I32(2)], &mut out).unwrap();
    let back = ExternRef::from_val(out[0]).expect("a non-null externref");
    assert_eq!(back, name);
    let s = back.data(&store).unwrap().downcast_ref::<String>().unwrap();
    assert_eq!(s, "a host value");
    get.call(&mut store, &[Val::I32(0)], &mut out).unwrap();
    assert_eq!(out[0], Val::ExternRef(None));
    let is_null = inst.get_func(&store, "is_null").unwrap();
    is_null
        .call(&mut store, &[Val::ExternRef(None)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::I32(1));
}

#[test]
fn host_receives_externref_from_wasm() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(
            r#"(module (import "env" "see" (func $see (param externref)))
                 (func (export "pass") (param externref) (call $see (local.get 0))))"#,
        ),
    )
    .unwrap();
    let mut store = Store::new(&engine, Vec::<u32>::new());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::EXTERNREF], []);
    linker
        .func_new("env", "see", ty, |mut c: Caller<'_, Vec<u32>>, args, _| {
            let r = ExternRef::from_val(args[0]).ok_or(Error::msg("null"))?;
            let v = *r
                .data(c.store())
                .and_then(|d| d.downcast_ref::<u32>())
                .unwrap();
            c.data_mut().push(v);
            Ok(())
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let r = ExternRef::new(&mut store, 42u32);
    inst.get_func(&store, "pass")
        .unwrap()
        .call(&mut store, &[r.to_val()], &mut [])
        .unwrap();
    assert_eq!(store.data(), &[42]);
}

#[test]
fn bulk_memory_and_tables() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (memory (export "mem") 1)
             (data $d "wisp")
             (table $t 3 funcref) (elem $e func $a $b)
             (func $a (result i32) (i32.const 10))
             (func $b (result i32) (i32.const 20))
             (func (export "run") (result i32)
               (memory.init $d (i32.const 100) (i32.const 0) (i32.const 4))
               (memory.copy (i32.const 104) (i32.const 100) (i32.const 4))
               (memory.fill (i32.const 108) (i32.const 33) (i32.const 2))
               (data.drop $d)
               (table.init $t $e (i32.const 1) (i32.const 0) (i32.const 2))
               (elem.drop $e)
               (call_indirect (result i32) (i32.const 2)))
             (func (export "again") (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))))"#,
    );
    let run = inst.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 20);
    let mem = inst.get_memory(&store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[100..110], b"wispwisp!!");
    // The segment was dropped: initializing from it again is out of bounds.
    let again = inst.get_func(&store, "again").unwrap();
    let err = again.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
}

#[test]
fn sign_extension_and_saturating_conversions() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module
             (func (export "ext") (param i32) (result i32) (i32.extend8_s (local.get 0)))
             (func (export "sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0))))"#,
    );
    let ext = inst.get_typed_func::<i32, i32>(&store, "ext").unwrap();
    assert_eq!(ext.call(&mut store, 0x80).unwrap(), -128);
    let sat = inst.get_typed_func::<f64, i32>(&store, "sat").unwrap();
    assert_eq!(sat.call(&mut store, 1e20).unwrap(), i32::MAX);
    assert_eq!(sat.call(&mut store, f64::NAN).unwrap(), 0);
}

#[test]
fn switched_off_features_are_rejected_by_name() {
    let cases = [
        (
            r#"(module (func (drop (i32.extend8_s (i32.const 1)))))"#,
            Features::default().with_sign_extension(false),
            "sign extension",
        ),
        (
            r#"(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))"#,
            Features::default().with_bulk_memory(false),
            "bulk memory",
        ),
        (
            r#"(module (func (drop (ref.null extern))))"#,
            Features::default().with_reference_types(false),
            "reference types",
        ),
        (
            r#"(module (func (result i32 i32) (i32.const 1) (i32.const 2)))"#,
            Features::default().with_multi_value(false),
            "multi-value",
        ),
        (
            r#"(module (func (drop (v128.const i64x2 0 0))))"#,
            Features::default().with_simd(false),
            "SIMD",
        ),
    ];
    for (text, features, name) in cases {
        let mut config = Config::new();
        config.features(features);
        let err = Module::new(&Engine::new(&config), wat(text)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.to_lowercase().contains(&name.to_lowercase()),
            "{name}: {msg}"
        );
        // And with the feature on, the module compiles.
        Module::new(&Engine::default(), wat(text)).unwrap();
    }
}

#[test]
fn simd_kernel_matches_a_scalar_reference() {
    // Dot product of two i32 arrays, four lanes at a time, against a scalar loop.
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (memory (export "mem") 1)
             (func (export "dot_simd") (param $n i32) (result i32)
               (local $i i32) (local $acc v128)
               (block $done (loop $next
                 (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                 (local.set $acc (i32x4.add (local.get $acc)
                   (i32x4.mul (v128.load (i32.shl (local.get $i) (i32.const 2)))
                              (v128.load offset=4096 (i32.shl (local.get $i) (i32.const 2))))))
                 (local.set $i (i32.add (local.get $i) (i32.const 4)))
                 (br $next)))
               (i32.add (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
                        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
             (func (export "dot_scalar") (param $n i32) (result i32)
               (local $i i32) (local $acc i32)
               (block $done (loop $next
                 (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                 (local.set $acc (i32.add (local.get $acc)
                   (i32.mul (i32.load (i32.shl (local.get $i) (i32.const 2)))
                            (i32.load offset=4096 (i32.shl (local.get $i) (i32.const 2))))))
                 (local.set $i (i32.add (local.get $i) (i32.const 1)))
                 (br $next)))
               (local.get $acc)))"#,
    );
    let mem = inst.get_memory(&store, "mem").unwrap();
    let mut x: u32 = 12345;
    for i in 0..2048u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let v = (x >> 16) as i32 - 30000;
        let off = if i < 1024 {
            i * 4
        } else {
            4096 + (i - 1024) * 4
        };
        mem.write(&mut store, off as u64, &v.to_le_bytes()).unwrap();
    }
    let simd = inst.get_typed_func::<i32, i32>(&store, "dot_simd").unwrap();
    let scalar = inst
        .get_typed_func::<i32, i32>(&store, "dot_scalar")
        .unwrap();
    for n in [0, 4, 64, 1024] {
        assert_eq!(
            simd.call(&mut store, n).unwrap(),
            scalar.call(&mut store, n).unwrap(),
            "n = {n}"
        );
    }
}

#[test]
fn v128_crosses_the_host_boundary() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(
            r#"(module (import "env" "swap" (func $swap (param v128 i32) (result i32 v128)))
                 (func (export "run") (param v128) (result v128 i32) (local $r i32)
                   (call $swap (local.get 0) (i32.const 9))
                   (local.set 0)
                   (local.set $r)
                   (local.get 0)
                   (i32.add (local.get $r) (i32.const 1))))"#,
        ),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = FuncType::new([ValType::V128, ValType::I32], [ValType::I32, ValType::V128]);
    linker
        .func_new("env", "swap", ty, |_, args, results| {
            let Val::V128(v) = args[0] else {
                return Err(Error::msg("not a v128"));
            };
            results[0] = args[1];
            results[1] = Val::V128(v.rotate_left(8));
            Ok(())
        })
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_func(&store, "run").unwrap();
    let mut out = [Val::I32(0), Val::I32(0)];
    let v = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
    run.call(&mut store, &[Val::V128(v)], &mut out).unwrap();
    assert_eq!(out, [Val::V128(v.rotate_left(8)), Val::I32(10)]);
}

/// Instantiation that traps in its data segments leaves the segments it did not reach
/// undropped (the spec's `memory.init` traps before its `data.drop`), and a function of
/// the failed instance that an imported table already holds can still read them.
#[test]
fn segments_not_reached_by_a_failed_instantiation_keep_their_bytes() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let host = Module::new(&engine, wat(r#"(module (table (export "t") 1 funcref))"#)).unwrap();
    let host = linker.instantiate(&mut store, &host).unwrap();
    linker.instance(&mut store, "host", host).unwrap();
    let failing = Module::new(
        &engine,
        wat(r#"(module
             (import "host" "t" (table 1 funcref))
             (memory 1)
             (elem (i32.const 0) func $peek)
             (data (i32.const 0) "ok")
             (data (i32.const 65535) "xyz")
             (data (i32.const 10) "later")
             (func $peek (param i32 i32) (result i32)
               (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 3))
               (memory.init 2 (i32.const 3) (local.get 0) (local.get 1))
               (i32.add (i32.shl (i32.load8_u (i32.const 0)) (i32.const 8))
                        (i32.load8_u (i32.const 3)))))"#),
    )
    .unwrap();
    let err = linker.instantiate(&mut store, &failing).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
    let table = host.get_table(&store, "t").unwrap();
    let Some(Val::FuncRef(Some(peek))) = table.get(&store, 0) else {
        panic!("the element segment ran before the data segment trapped");
    };
    // Segments 1 (the one that trapped) and 2 (not reached) still have their bytes.
    let mut out = [Val::I32(0)];
    peek.call(&mut store, &[Val::I32(0), Val::I32(5)], &mut out)
        .unwrap();
    assert_eq!(out[0].i32(), Some(i32::from(b'x') << 8 | i32::from(b'l')));
    peek.call(&mut store, &[Val::I32(1), Val::I32(4)], &mut out)
        .unwrap();
    assert_eq!(out[0].i32(), Some(i32::from(b'x') << 8 | i32::from(b'a')));
}

/// Code translated plain (`Config::plain_code`: no accumulator or fused forms, what the
/// smallest executor runs) computes what the default translation does.
#[test]
fn plain_code_computes_what_the_default_code_does() {
    let text = r#"(module (memory 1)
        (func (export "run") (param i32 i32) (result i64)
          (local i64)
          (block $out
            (loop $top
              (br_if $out (i32.ge_u (local.get 0) (local.get 1)))
              (i32.store (i32.shl (local.get 0) (i32.const 2)) (i32.mul (local.get 0) (i32.const 3)))
              (local.set 2 (i64.add (local.get 2)
                (i64.extend_i32_u (i32.load (i32.add (i32.const 0) (i32.shl (local.get 0) (i32.const 2)))))))
              (if (i32.eqz (i32.and (local.get 0) (i32.const 1)))
                (then (local.set 2 (i64.sub (local.get 2) (i64.const 1)))))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))
              (br $top)))
          (local.get 2)))"#;
    let run = |plain: bool, n: i32| {
        let mut config = Config::new();
        config.plain_code(plain);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wat(text)).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let f = inst
            .get_typed_func::<(i32, i32), i64>(&store, "run")
            .unwrap();
        f.call(&mut store, (0, n)).unwrap()
    };
    for n in [0, 1, 2, 7, 100, 1000] {
        let want: i64 = (0..n as i64).map(|i| 3 * i - i64::from(i % 2 == 0)).sum();
        assert_eq!(run(false, n), want, "default, n = {n}");
        assert_eq!(run(true, n), want, "plain, n = {n}");
    }
}
