//! Hostile input: deep recursion, runaway loops, huge allocations, malformed bytes.
//! Each must end in a clear error while the host keeps running.

mod common;
use common::{instantiate, wat};
use wisp::{Config, Engine, Error, Module, TrapCode};

const RECURSE: &str = r#"(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))"#;

#[test]
fn million_deep_recursion_traps_without_growing_the_host_stack() {
    // A 256 KiB host thread: if Wasm calls recursed on the host stack, this would abort.
    let t = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let (mut store, inst) = instantiate(&Config::new(), RECURSE);
            let f = inst.get_typed_func::<i32, i32>(&store, "down").unwrap();
            let err = f.call(&mut store, 1_000_000).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
            // The store is still usable afterwards.
            assert_eq!(f.call(&mut store, 1000).unwrap(), 1000);
        })
        .unwrap();
    t.join().expect("no host stack overflow");
}

#[test]
fn call_depth_is_configurable() {
    let mut config = Config::new();
    config.max_call_depth(500);
    let (mut store, inst) = instantiate(&config, RECURSE);
    let f = inst.get_typed_func::<i32, i32>(&store, "down").unwrap();
    assert_eq!(f.call(&mut store, 400).unwrap(), 400);
    let err = f.call(&mut store, 600).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow));
    assert!(err.to_string().contains("call stack exhausted"));
}

#[test]
fn runaway_loop_runs_out_of_fuel() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let (mut store, inst) =
        instantiate(&config, r#"(module (func (export "spin") (loop (br 0))))"#);
    store.set_fuel(100_000).unwrap();
    let f = inst.get_typed_func::<(), ()>(&store, "spin").unwrap();
    let err = f.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
    assert!(store.get_fuel().unwrap() < 100);
}

#[test]
fn fuel_is_charged_per_instruction_block() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let (mut store, inst) = instantiate(
        &config,
        r#"(module (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))"#,
    );
    store.set_fuel(10).unwrap();
    let f = inst.get_typed_func::<(), i32>(&store, "f").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 3);
    let used = 10 - store.get_fuel().unwrap();
    assert!((1..=4).contains(&used), "used {used}");
}

#[test]
fn huge_memory_grow_fails_softly() {
    let (mut store, inst) = instantiate(
        &Config::new(),
        r#"(module (memory 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 0x7fff_ffff).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 65536).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
}

#[test]
fn memory_limit_is_configurable() {
    let mut config = Config::new();
    config.max_memory_pages(4);
    let (mut store, inst) = instantiate(
        &config,
        r#"(module (memory 1)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
}

fn compile_error(bytes: &[u8]) -> (String, usize) {
    match Module::new(&Engine::default(), bytes) {
        Err(Error::Compile {
            message,
            offset,
            kind,
        }) => {
            assert_eq!(kind, wisp::CompileErrorKind::Invalid, "{message}");
            (message, offset)
        }
        Err(e) => panic!("unexpected error kind: {e}"),
        Ok(_) => panic!("accepted bad module {bytes:?}"),
    }
}

#[test]
fn malformed_modules_give_errors_with_offsets() {
    let good = wat(r#"(module (func (export "f") (result i32) (i32.const 7)))"#);
    assert_eq!(compile_error(b"").0, "unexpected end-of-file");
    assert!(compile_error(b"\0asx\x01\0\0\0").0.contains("magic header"));
    // Truncations either end on a section boundary (and may be valid) or are rejected
    // with an offset inside the bytes given; none panics.
    let mut rejected = 0;
    for n in 0..good.len() {
        if let Err(e) = Module::new(&Engine::default(), &good[..n]) {
            let Error::Compile { offset, .. } = e else {
                panic!("unexpected error kind: {e}");
            };
            assert!(offset <= n, "offset {offset} past the end {n}");
            rejected += 1;
        }
    }
    assert!(
        rejected >= good.len() - 4,
        "only {rejected} truncations rejected"
    );
    // A section claiming to be 4 GiB long.
    let mut huge = b"\0asm\x01\0\0\0\x01\xff\xff\xff\xff\x0f".to_vec();
    huge.extend_from_slice(&[0; 8]);
    let (msg, _) = compile_error(&huge);
    assert!(!msg.is_empty());
}

#[test]
fn invalid_module_is_rejected_at_compile_time() {
    let bytes = wat(r#"(module (func (result i32) (i64.const 1)))"#);
    let (msg, offset) = compile_error(&bytes);
    assert!(msg.contains("type mismatch"), "{msg}");
    assert!(offset > 8);
}

#[test]
fn garbage_never_panics() {
    // A fixed pseudo-random sweep (the fuzzer does the real work).
    let mut x: u32 = 0x1234_5678;
    for len in 0..400 {
        let mut bytes = b"\0asm\x01\0\0\0".to_vec();
        for _ in 0..len {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes.push(x as u8);
        }
        let _ = Module::new(&Engine::default(), &bytes);
    }
}

#[test]
fn fuel_spent_by_reentrant_calls_is_kept() {
    use wisp::{Caller, Extern, FuncType, Linker, Store};
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        wat(r#"(module (import "env" "back" (func $back))
                 (func $spin (export "spin") (local i32)
                   (loop (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
                                            (i32.const 1000)))))
                 (func (export "outer") (call $back)))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<wisp::Func>);
    let mut linker = Linker::new(&engine);
    linker
        .func_new(
            "env",
            "back",
            FuncType::new([], []),
            |mut c: Caller<'_, Option<wisp::Func>>, _, _| {
                let spin = c.data().expect("set before the call");
                spin.call(c.store(), &[], &mut [])
            },
        )
        .unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let spin = inst
        .get_export(&store, "spin")
        .and_then(Extern::into_func)
        .unwrap();
    *store.data_mut() = Some(spin);
    store.set_fuel(1_000_000).unwrap();
    inst.get_func(&store, "outer")
        .unwrap()
        .call(&mut store, &[], &mut [])
        .unwrap();
    let spent = 1_000_000 - store.get_fuel().unwrap();
    assert!(
        spent > 1000,
        "the nested loop's fuel was lost: spent {spent}"
    );
}

#[test]
fn an_address_sum_that_wraps_reaches_low_memory_as_wasm_says() {
    // `i32.add` wraps: 0xffff_fff0 + 24 is address 8, in bounds. An access that adds the
    // constant itself must wrap the same way, and not see an address past 4 GiB.
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module (memory 1)
          (func (export "rw") (param i32 i64) (result i64)
            (i64.store (i32.add (local.get 0) (i32.const 24)) (local.get 1))
            (i64.load (i32.add (local.get 0) (i32.const 24))))
          (func (export "byte") (param i32) (result i32)
            (i32.load8_u (i32.add (local.get 0) (i32.const 24))))
          (func (export "far") (param i32) (result i32)
            (i32.load (i32.add (local.get 0) (i32.const 65534)))))"#,
    );
    let rw = instance
        .get_typed_func::<(i32, i64), i64>(&mut store, "rw")
        .unwrap();
    assert_eq!(
        rw.call(&mut store, (-16, 0x1122334455667788)).unwrap(),
        0x1122334455667788
    );
    let byte = instance
        .get_typed_func::<i32, i32>(&mut store, "byte")
        .unwrap();
    assert_eq!(byte.call(&mut store, -16).unwrap(), 0x88);
    let far = instance
        .get_typed_func::<i32, i32>(&mut store, "far")
        .unwrap();
    let err = far.call(&mut store, 0).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
}

#[test]
fn locals_left_unset_by_a_function_s_first_instructions_read_as_zero() {
    // `dirty` leaves non-zero values in the stack cells that `clean`'s locals take next;
    // `clean` sets locals 0 and 3 at once (they need no zeroing) and reads 1, 2 and 4
    // after a branch, which must find them zero.
    let (mut store, instance) = instantiate(
        &Config::new(),
        r#"(module
          (func $dirty (param i32) (result i32) (local i32 i32 i32 i32 i32 i32)
            (local.set 1 (i32.const 11)) (local.set 2 (i32.const 12))
            (local.set 3 (i32.const 13)) (local.set 4 (i32.const 14))
            (local.set 5 (i32.const 15)) (local.set 6 (i32.const 16))
            (i32.add (local.get 0)
              (i32.add (local.get 1) (i32.add (local.get 3) (local.get 6)))))
          (func $clean (param i32) (result i32) (local i32 i32 i32 i64 i32)
            (local.set 1 (i32.const 100))
            (local.set 4 (i64.const 7))
            (if (local.get 0) (then (local.set 3 (i32.const 1000))))
            (i32.add (local.get 1)
              (i32.add (local.get 2)
                (i32.add (local.get 3)
                  (i32.add (i32.wrap_i64 (local.get 4)) (local.get 5))))))
          (func (export "run") (param i32) (result i32)
            (drop (call $dirty (i32.const 1)))
            (call $clean (local.get 0))))"#,
    );
    let run = instance
        .get_typed_func::<i32, i32>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, 0).unwrap(), 107);
    assert_eq!(run.call(&mut store, 1).unwrap(), 1107);
}

#[test]
fn a_trap_names_the_instruction_that_trapped_when_a_constant_moved_before_it() {
    // The constant 1.0 is written before the load (so that the division finds the load's
    // value in the accumulator), and the loads of a sum before the add; a trap in each
    // load still names the load's own offset.
    let text = r#"(module (memory 1)
          (func (export "f") (param i32) (result f64)
            (f64.div (f64.const 1) (f64.load (local.get 0))))
          (func (export "g") (param i32) (result f64)
            (f64.sub (f64.const 2)
              (f64.add (f64.load (local.get 0)) (f64.load offset=8 (local.get 0))))))"#;
    let bytes = common::wat(text);
    // The byte offsets of the loads: opcode 0x2b, alignment 3, offset 0 or 8.
    let loads: Vec<usize> = bytes
        .windows(3)
        .enumerate()
        .filter(|(_, w)| w[0] == 0x2b && w[1] == 3 && (w[2] == 0 || w[2] == 8))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(loads.len(), 3, "{bytes:x?}");
    let (mut store, instance) = instantiate(&Config::new(), text);
    for (name, at, load) in [("f", 65_535, loads[0]), ("g", 65_524, loads[2])] {
        let func = instance
            .get_typed_func::<i32, f64>(&mut store, name)
            .unwrap();
        let err = func.call(&mut store, at).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
        assert_eq!(
            err.backtrace()[0].module_offset,
            Some(load),
            "{name}: {err}"
        );
    }
}

#[test]
fn two_loads_from_one_address_trap_at_the_one_that_missed() {
    // The two `i32.load`s are one instruction (`I32Load2`); each still traps at its own
    // offset, and the first's value is what the first load read.
    let text = r#"(module (memory 1)
          (func (export "f") (param i32) (result i32)
            (local i32 i32)
            (local.set 1 (i32.load offset=4 (local.get 0)))
            (local.set 2 (i32.load offset=12 (local.get 0)))
            (i32.sub (local.get 1) (local.get 2))))"#;
    let bytes = common::wat(text);
    // The byte offsets of the loads: opcode 0x28, alignment 2, offset 4 or 12.
    let loads: Vec<usize> = bytes
        .windows(3)
        .enumerate()
        .filter(|(_, w)| w[0] == 0x28 && w[1] == 2 && (w[2] == 4 || w[2] == 12))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(loads.len(), 2, "{bytes:x?}");
    for config in [Config::new(), {
        let mut plain = Config::new();
        plain.plain_code(true);
        plain
    }] {
        let (mut store, instance) = instantiate(&config, text);
        let func = instance
            .get_typed_func::<i32, i32>(&mut store, "f")
            .unwrap();
        assert_eq!(func.call(&mut store, 0).unwrap(), 0);
        for (at, load) in [(65_531, loads[0]), (65_523, loads[1]), (65_528, loads[1])] {
            let err = func.call(&mut store, at).unwrap_err();
            assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds), "{err}");
            assert_eq!(err.backtrace()[0].module_offset, Some(load), "{at}: {err}");
        }
    }
}
