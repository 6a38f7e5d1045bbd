//! WebAssembly 3.0's exception handling and tail calls through the public API.

mod common;
use common::wat;
use wisp::{
    Engine, Error, Exception, FuncType, Linker, Module, Store, Table, TableType, Tag, TrapCode,
    Val, ValType,
};

fn setup(text: &str) -> (Store<()>, Linker<()>, Module) {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(text)).expect("compiles");
    (Store::new(&engine, ()), Linker::new(&engine), module)
}

#[test]
fn an_uncaught_exception_comes_back_with_its_tag_payload_and_trace() {
    let (mut store, linker, module) = setup(
        r#"(module
          (tag $e (export "e") (param i32 i64))
          (func $inner (param i32) (throw $e (local.get 0) (i64.const -7)))
          (func (export "run") (param i32) (call $inner (local.get 0))))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_func(&store, "run").unwrap();
    let err = run.call(&mut store, &[Val::I32(41)], &mut []).unwrap_err();
    let Error::Exception(e) = err else {
        panic!("expected an exception, got {err}")
    };
    assert_eq!(e.tag, inst.get_tag(&store, "e").unwrap());
    assert_eq!(e.payload, [Val::I32(41), Val::I64(-7)]);
    assert_eq!(e.exn.payload(&store).unwrap(), e.payload);
    let trace: Vec<u32> = e.backtrace.iter().map(|f| f.func_index).collect();
    assert_eq!(trace, [0, 1]);
    assert!(Error::Exception(e.clone())
        .to_string()
        .contains("uncaught wasm exception"));
}

#[test]
fn a_host_function_throws_into_wasm_which_catches() {
    let (mut store, mut linker, module) = setup(
        r#"(module
          (import "env" "tag" (tag $e (param i32)))
          (import "env" "fail" (func $fail (param i32)))
          (func (export "run") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught)
                (call $fail (local.get 0)))
              (i32.const -1))))"#,
    );
    let tag = Tag::new(&mut store, FuncType::new([ValType::I32], [])).unwrap();
    linker.define(&store, "env", "tag", tag).unwrap();
    linker
        .func_new(
            "env",
            "fail",
            FuncType::new([ValType::I32], []),
            move |mut caller, args, _| {
                if args[0] == Val::I32(0) {
                    return Ok(());
                }
                let doubled = Val::I32(args[0].i32().unwrap() * 2);
                Err(Exception::new(caller.store(), tag, &[doubled])?.into())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 21).unwrap(), 42);
    assert_eq!(run.call(&mut store, 0).unwrap(), -1);
}

#[test]
fn exceptions_unwind_through_wasm_host_wasm() {
    // outer catches what inner throws, though a host function sits between them.
    let (mut store, mut linker, module) = setup(
        r#"(module
          (tag $e (export "e") (param i32))
          (import "env" "host" (func $host (param i32) (result i32)))
          (func (export "inner") (param i32) (result i32)
            (if (local.get 0) (then (throw $e (i32.const 99))))
            (i32.const 5))
          (func (export "outer") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught)
                (return (call $host (local.get 0))))
              (unreachable))))"#,
    );
    linker
        .func_new(
            "env",
            "host",
            FuncType::new([ValType::I32], [ValType::I32]),
            |mut caller, args, results| {
                let inner = caller.get_export("inner").unwrap().into_func().unwrap();
                // `?` passes the exception on: it unwinds into the Wasm that called us.
                inner.call(caller.store(), args, results)?;
                Ok(())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let outer = inst.get_typed_func::<i32, i32>(&store, "outer").unwrap();
    assert_eq!(outer.call(&mut store, 0).unwrap(), 5);
    assert_eq!(outer.call(&mut store, 1).unwrap(), 99);
}

#[test]
fn a_trap_is_never_caught() {
    let (mut store, linker, module) = setup(
        r#"(module
          (func (export "run") (result i32)
            (block $all
              (try_table (catch_all $all) (unreachable)))
            (i32.const 1)))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_func(&store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut [Val::I32(0)]).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Unreachable));
}

#[test]
fn exnrefs_live_in_globals_and_tables_and_are_thrown_again() {
    let (mut store, linker, module) = setup(
        r#"(module
          (tag $e (param i32))
          (global $g (export "g") (mut exnref) (ref.null exn))
          (table $t (export "t") 2 exnref)
          (func (export "catch") (param i32)
            (block $l (result i32 exnref)
              (try_table (catch_ref $e $l) (throw $e (local.get 0)))
              (unreachable))
            (global.set $g)
            (drop)
            (table.set $t (i32.const 1) (global.get $g)))
          (func (export "rethrow") (result i32)
            (block $l (result i32)
              (try_table (catch $e $l) (throw_ref (table.get $t (i32.const 1))))
              (unreachable)))
          (func (export "null") (throw_ref (ref.null exn))))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let catch = inst.get_typed_func::<i32, ()>(&store, "catch").unwrap();
    catch.call(&mut store, 17).unwrap();
    let g = inst.get_global(&store, "g").unwrap().get(&store);
    let Val::ExnRef(Some(exn)) = g else {
        panic!("expected an exnref, got {g:?}")
    };
    assert_eq!(exn.payload(&store).unwrap(), [Val::I32(17)]);
    let t: Table = inst.get_table(&store, "t").unwrap();
    assert_eq!(t.ty(&store).element, wisp::RefType::EXNREF);
    assert_eq!(t.get(&store, 1), Some(g));
    let rethrow = inst.get_typed_func::<(), i32>(&store, "rethrow").unwrap();
    assert_eq!(rethrow.call(&mut store, ()).unwrap(), 17);
    let null = inst.get_typed_func::<(), ()>(&store, "null").unwrap();
    let err = null.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::NullExnRef));
    // A host table of exnrefs holds what Wasm gave it.
    let ty = TableType::new(wisp::RefType::EXNREF, 1, None);
    let host = Table::new(&mut store, ty, Val::ExnRef(None)).unwrap();
    host.set(&mut store, 0, g).unwrap();
    assert_eq!(host.get(&store, 0), Some(g));
}

#[test]
fn ten_million_throws_and_catches_run_in_bounded_memory() {
    // Each iteration throws, catches by reference (an exception instance every time)
    // and drops the reference.
    let (mut store, linker, module) = setup(
        r#"(module
          (tag $e (param i32))
          (func (export "run") (param $n i32) (result i32)
            (local $sum i32)
            (loop $next
              (block $l (result i32 exnref)
                (try_table (catch_ref $e $l) (throw $e (local.get $n)))
                (unreachable))
              (drop)
              (local.set $sum (i32.add (local.get $sum)))
              (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $sum)))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i32>(&store, "run").unwrap();
    let n = 10_000_000i64;
    let expected = (n * (n + 1) / 2) as i32;
    assert_eq!(run.call(&mut store, n as i32).unwrap(), expected);
    assert!(
        store.heap_objects() < 100_000,
        "{} exception instances left",
        store.heap_objects()
    );
}

#[test]
fn ten_million_deep_mutual_tail_recursion_runs_in_constant_stack() {
    let (mut store, linker, module) = setup(
        r#"(module
          (type $t (func (param i64) (result i32)))
          (table 1 funcref)
          (elem (i32.const 0) $odd)
          (func $even (export "even") (param i64) (result i32)
            (if (result i32) (i64.eqz (local.get 0))
              (then (i32.const 1))
              (else (return_call_indirect (type $t)
                      (i64.sub (local.get 0) (i64.const 1)) (i32.const 0)))))
          (func $odd (param i64) (result i32)
            (if (result i32) (i64.eqz (local.get 0))
              (then (i32.const 0))
              (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let even = inst.get_typed_func::<i64, i32>(&store, "even").unwrap();
    assert_eq!(even.call(&mut store, 10_000_000).unwrap(), 1);
    assert_eq!(even.call(&mut store, 10_000_001).unwrap(), 0);
}

#[test]
fn a_tail_call_to_the_host_returns_its_results_and_leaves_the_try() {
    let (mut store, mut linker, module) = setup(
        r#"(module
          (import "env" "e" (tag $e))
          (import "env" "twice" (func $twice (param i32) (result i32)))
          (func $run (export "run") (param i32) (result i32)
            (block $caught
              (try_table (catch $e $caught)
                (return_call $twice (local.get 0))))
            (i32.const -1))
          (func (export "outer") (param i32) (result i32)
            (block $caught
              (try_table (catch_all $caught)
                (return (call $run (local.get 0)))))
            (i32.const 1000)))"#,
    );
    let tag = Tag::new(&mut store, FuncType::new([], [])).unwrap();
    linker.define(&store, "env", "e", tag).unwrap();
    linker
        .func_new(
            "env",
            "twice",
            FuncType::new([ValType::I32], [ValType::I32]),
            move |mut caller, args, results| {
                let v = args[0].i32().unwrap();
                if v < 0 {
                    return Err(Exception::new(caller.store(), tag, &[])?.into());
                }
                results[0] = Val::I32(v * 2);
                Ok(())
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let run = inst.get_typed_func::<i32, i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, 21).unwrap(), 42);
    // The host's exception passes the `try_table` that the tail call left: `run`
    // does not return -1, and the caller's `catch_all` catches it.
    let outer = inst.get_typed_func::<i32, i32>(&store, "outer").unwrap();
    assert_eq!(outer.call(&mut store, -5).unwrap(), 1000);
    assert_eq!(outer.call(&mut store, 4).unwrap(), 8);
}

#[test]
fn legacy_try_catch_rethrow_and_delegate_run() {
    let (store, linker, module) = setup(LEGACY);
    check_legacy(store, linker, module);
}

#[test]
fn legacy_exceptions_run_from_an_image() {
    let (store, linker, module) = setup(LEGACY);
    let image = module.to_image().unwrap();
    // SAFETY: the image was just written by this build from a validated module.
    #[allow(unsafe_code)]
    let module = unsafe { Module::from_image(store.engine(), &image) }.unwrap();
    check_legacy(store, linker, module);
}

fn check_legacy(mut store: Store<()>, linker: Linker<()>, module: Module) {
    let inst = linker.instantiate(&mut store, &module).unwrap();
    for (name, want) in [("catch", 107), ("rethrow", 207), ("delegate", 307)] {
        let f = inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        assert_eq!(f.call(&mut store, 7).unwrap(), want, "{name}");
    }
    let escape = inst.get_typed_func::<i32, i32>(&store, "escape").unwrap();
    let err = escape.call(&mut store, 7).unwrap_err();
    assert!(matches!(err, Error::Exception(e) if e.payload == [Val::I32(7)]));
}

/// Every legacy instruction: `try` with `catch` and `catch_all`, `rethrow` of an outer
/// clause's exception, `delegate` to an outer `try` and to the caller.
const LEGACY: &str = r#"(module
          (tag $e (param i32))
          (tag $f)
          (func $throw (param i32) (throw $e (local.get 0)))
          (func (export "catch") (param i32) (result i32)
            try (result i32)
              (call $throw (local.get 0)) (i32.const 0)
            catch $f
              (i32.const -1)
            catch $e
              (i32.add (i32.const 100))
            end)
          (func (export "rethrow") (param i32) (result i32)
            try (result i32)
              try (result i32)
                (call $throw (local.get 0)) (i32.const 0)
              catch_all
                rethrow 0
              end
            catch $e
              (i32.add (i32.const 200))
            end)
          (func (export "delegate") (param i32) (result i32)
            try $outer (result i32)
              try (result i32)
                try (result i32)
                  (call $throw (local.get 0)) (i32.const 0)
                delegate $outer
              catch $e
                (drop) (i32.const -1)
              end
            catch $e
              (i32.add (i32.const 300))
            end)
          (func (export "escape") (param i32) (result i32)
            try (result i32)
              (call $throw (local.get 0)) (i32.const 0)
            delegate 0))"#;

#[test]
fn a_freed_exception_is_never_mistaken_for_a_later_one() {
    let (mut store, linker, module) = setup(
        r#"(module
          (tag $e (export "e") (param i32))
          (func (export "make") (param i32) (result exnref)
            (block $l (result i32 exnref)
              (try_table (catch_ref $e $l) (throw $e (local.get 0)))
              (unreachable))
            (return))
          (func (export "churn") (param $n i32)
            (loop $next
              (block $l (result i32 exnref)
                (try_table (catch_ref $e $l) (throw $e (local.get $n)))
                (unreachable))
              (drop) (drop)
              (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#,
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let make = inst.get_func(&store, "make").unwrap();
    let mut out = [Val::ExnRef(None)];
    make.call(&mut store, &[Val::I32(5)], &mut out).unwrap();
    let Val::ExnRef(Some(kept)) = out[0] else {
        panic!("expected an exnref, got {:?}", out[0])
    };
    assert_eq!(kept.payload(&store).unwrap(), [Val::I32(5)]);
    // The host holds it: collections keep it.
    let churn = inst.get_typed_func::<i32, ()>(&store, "churn").unwrap();
    churn.call(&mut store, 100_000).unwrap();
    assert_eq!(kept.payload(&store).unwrap(), [Val::I32(5)]);
    // Let go of, collections free it, and its slot is used again.
    kept.unroot(&mut store);
    churn.call(&mut store, 100_000).unwrap();
    let err = kept.payload(&store).unwrap_err();
    assert!(err.to_string().contains("freed"), "{err}");
}
