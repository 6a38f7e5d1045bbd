//! Host functions called from inside the loop: fuel settled around each call, a memory
//! the host grew, Wasm called back from the host, numbers passed as cells, and a host
//! function that swaps the store it was lent.

mod common;
use common::wat;
use std::sync::{Arc, Mutex};
use wisp::{Caller, Config, Engine, Error, Extern, Linker, Module, Store, TrapCode};

/// A loop calling `env.tick` `n` times, spending fuel between the calls.
const TICKS: &str = r#"(module
  (import "env" "tick" (func $tick))
  (func (export "run") (param $n i32)
    (loop $next
      (call $tick)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next (local.get $n)))))"#;

fn fuel_engine() -> Engine {
    let mut config = Config::new();
    config.consume_fuel(true);
    Engine::new(&config)
}

#[test]
fn each_host_call_sees_the_fuel_spent_before_it() {
    let engine = fuel_engine();
    let module = Module::new(&engine, wat(TICKS)).unwrap();
    let mut store = Store::new(&engine, Vec::<u64>::new());
    store.set_fuel(1_000_000).unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "tick", |mut caller: Caller<'_, Vec<u64>>| {
            let fuel = caller.store().get_fuel().unwrap();
            caller.data_mut().push(fuel);
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
    run.call(&mut store, 10).unwrap();
    let seen = store.data().clone();
    assert_eq!(seen.len(), 10);
    assert!(
        seen[0] < 1_000_000,
        "the first call saw no fuel spent: {seen:?}"
    );
    // The loop's body costs the same each time round.
    let steps: Vec<u64> = seen.windows(2).map(|w| w[0] - w[1]).collect();
    assert!(steps.iter().all(|&s| s > 0 && s == steps[0]), "{seen:?}");
    assert!(store.get_fuel().unwrap() < seen[9]);
}

#[test]
fn a_host_function_that_takes_the_fuel_stops_its_caller() {
    let engine = fuel_engine();
    let module = Module::new(&engine, wat(TICKS)).unwrap();
    let mut store = Store::new(&engine, 0u32);
    store.set_fuel(1_000_000).unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "tick", |mut caller: Caller<'_, u32>| {
            *caller.data_mut() += 1;
            if *caller.data() == 3 {
                caller.store().set_fuel(0).unwrap();
            }
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
    let e = run.call(&mut store, 10).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::OutOfFuel), "{e}");
    assert_eq!(*store.data(), 3);
    assert_eq!(store.get_fuel(), Some(0));
}

#[test]
fn a_memory_the_host_grew_is_seen_by_its_caller() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "grow" (func $grow (result i32)))
          (memory (export "memory") 1)
          (func (export "run") (result i32)
            (drop (call $grow))
            (i32.store (i32.const 70000) (i32.const 1234))
            (i32.load (i32.const 70000))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "grow",
            |mut caller: Caller<'_, ()>| -> Result<i32, Error> {
                let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                    return Err(Error::msg("no memory"));
                };
                Ok(memory.grow(caller.store(), 1)? as i32)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), i32>(&store, "run").unwrap();
    assert_eq!(run.call(&mut store, ()).unwrap(), 1234);
}

#[test]
fn a_host_function_calls_back_into_wasm_in_a_loop_with_fuel() {
    let engine = fuel_engine();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "twice_square" (func $host (param i64) (result i64)))
          (func (export "square") (param i64) (result i64)
            (i64.mul (local.get 0) (local.get 0)))
          (func (export "run") (param $n i64) (result i64)
            (local $sum i64)
            (loop $next
              (local.set $sum (i64.add (local.get $sum) (call $host (local.get $n))))
              (local.set $n (i64.sub (local.get $n) (i64.const 1)))
              (br_if $next (i64.ne (local.get $n) (i64.const 0))))
            (local.get $sum)))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, None::<wisp::TypedFunc<i64, i64>>);
    store.set_fuel(1_000_000).unwrap();
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap(
            "env",
            "twice_square",
            |mut caller: Caller<'_, Option<wisp::TypedFunc<i64, i64>>>, x: i64| {
                let square = caller.data().expect("set before the call");
                Ok::<_, Error>(2 * square.call(caller.store(), x)?)
            },
        )
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    *store.data_mut() = Some(instance.get_typed_func(&store, "square").unwrap());
    let run = instance.get_typed_func::<i64, i64>(&store, "run").unwrap();
    let want: i64 = (1..=50).map(|x: i64| 2 * x * x).sum();
    assert_eq!(run.call(&mut store, 50).unwrap(), want);
    let spent = 1_000_000 - store.get_fuel().unwrap();
    // Spending again from what is left costs the same: nothing was charged twice or
    // forgotten around the host calls.
    assert_eq!(run.call(&mut store, 50).unwrap(), want);
    assert_eq!(1_000_000 - store.get_fuel().unwrap(), 2 * spent);
}

#[test]
fn numbers_cross_a_wrapped_host_function_bit_for_bit() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "rotate" (func $rotate (param i64 f32 f64) (result f64 i64 f32)))
          (func (export "run") (result i64 i64 i32)
            (local $a f64) (local $b i64) (local $c f32)
            (call $rotate
              (i64.const -2)
              (f32.reinterpret_i32 (i32.const 0x7fa00001))
              (f64.reinterpret_i64 (i64.const 0xfff4000000000003)))
            (local.set $c) (local.set $b) (local.set $a)
            (i64.reinterpret_f64 (local.get $a))
            (local.get $b)
            (i32.reinterpret_f32 (local.get $c))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "rotate", |a: i64, b: f32, c: f64| (c, a, b))
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance
        .get_typed_func::<(), (i64, i64, i32)>(&store, "run")
        .unwrap();
    assert_eq!(
        run.call(&mut store, ()).unwrap(),
        (0xfff4000000000003u64 as i64, -2, 0x7fa00001)
    );
}

/// A store that holds another one, for the host function to swap them.
struct Nest(Option<Box<Store<Nest>>>);

#[test]
fn a_host_function_that_swaps_its_store_is_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TICKS)).unwrap();
    let calls = Arc::new(Mutex::new(0));
    let mut linker = Linker::new(&engine);
    let counted = calls.clone();
    linker
        .func_wrap("env", "tick", move |mut caller: Caller<'_, Nest>| {
            *counted.lock().unwrap() += 1;
            if let Some(mut other) = caller.data_mut().0.take() {
                std::mem::swap(caller.store(), &mut *other);
                // The store it was called with lives on, in the one now in its place.
                caller.data_mut().0 = Some(other);
            }
        })
        .unwrap();
    let other = Store::new(&engine, Nest(None));
    let mut store = Store::new(&engine, Nest(Some(Box::new(other))));
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<i32, ()>(&store, "run").unwrap();
    let e = run.call(&mut store, 10).unwrap_err();
    assert!(e.to_string().contains("replaced the store"), "{e}");
    assert_eq!(*calls.lock().unwrap(), 1);
    // The store it was called with still works.
    let mut first = *store.data_mut().0.take().unwrap();
    *first.data_mut() = Nest(None);
    run.call(&mut first, 5).unwrap();
    assert_eq!(*calls.lock().unwrap(), 6);
}

/// `f(n)` calls the host, which calls `f(n - 1)`: a guest that nests host calls as
/// deep as it likes.
#[test]
fn a_guest_calling_itself_through_the_host_stops_at_the_nesting_limit() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "again" (func $again (param i32) (result i32)))
          (func (export "f") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 0))
              (else (i32.add (i32.const 1)
                             (call $again (i32.sub (local.get 0) (i32.const 1))))))))"#),
    )
    .unwrap();
    type Data = Option<wisp::TypedFunc<i32, i32>>;
    let mut store = Store::new(&engine, None);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "again", |mut caller: Caller<'_, Data>, x: i32| {
            let f = caller.data().expect("set before the call");
            f.call(caller.store(), x)
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let f = instance.get_typed_func::<i32, i32>(&store, "f").unwrap();
    *store.data_mut() = Some(f);
    // The outermost call and 99 nested ones.
    let deepest = wisp::DEFAULT_NESTED_CALLS as i32 - 1;
    assert_eq!(f.call(&mut store, deepest).unwrap(), deepest);
    // A million would overflow the host thread's stack.
    let e = f.call(&mut store, 1_000_000).unwrap_err();
    assert_eq!(e.trap_code(), Some(TrapCode::StackOverflow), "{e}");
    // Every level was unwound: the store is as deep as before.
    assert_eq!(f.call(&mut store, deepest).unwrap(), deepest);
    assert_eq!(
        f.call(&mut store, deepest + 1).unwrap_err().trap_code(),
        Some(TrapCode::StackOverflow)
    );
}

/// A runaway loop that calls the host on every turn still reaches the end of its slice
/// of fuel, where the epoch is looked at.
#[test]
fn a_loop_calling_the_host_stops_when_the_epoch_deadline_passes() {
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config);
    let module = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "tick" (func $tick))
          (func (export "spin") (loop $l (call $tick) (br $l))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u64);
    store.set_epoch_deadline(1);
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "tick", |mut caller: Caller<'_, u64>| {
            *caller.data_mut() += 1;
            // Far more turns than the ticker's 50 ms take: fail rather than hang.
            if *caller.data() > 200_000_000 {
                return Err(Error::msg("the deadline passed unnoticed"));
            }
            Ok(())
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let spin = instance.get_typed_func::<(), ()>(&store, "spin").unwrap();
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let e = spin.call(&mut store, ()).unwrap_err();
    ticker.join().unwrap();
    assert_eq!(e.trap_code(), Some(TrapCode::Interrupt), "{e}");
}

/// More parameters and results than go on the host's stack (eight): they go in `Vec`s.
#[test]
fn a_host_function_of_many_values_gets_and_returns_them_all() {
    let engine = Engine::default();
    let ten = "i64 i64 i64 i64 i64 i64 i64 i64 i64 i64";
    let gets: String = (0..10).map(|i| format!("(local.get {i})")).collect();
    let module = Module::new(
        &engine,
        wat(&format!(
            r#"(module
              (import "env" "reverse" (func $reverse (param {ten}) (result {ten})))
              (func (export "run") (param {ten}) (result {ten}) (call $reverse {gets})))"#
        )),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let ty = wisp::FuncType::new([wisp::ValType::I64; 10], [wisp::ValType::I64; 10]);
    linker
        .func_new("env", "reverse", ty, |_, args, results| {
            for (r, a) in results.iter_mut().zip(args.iter().rev()) {
                *r = *a;
            }
            Ok(())
        })
        .unwrap();
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let args: Vec<wisp::Val> = (0..10).map(|i| wisp::Val::I64(i * 1_000_000_007)).collect();
    let mut out = vec![wisp::Val::I64(0); 10];
    run.call(&mut store, &args, &mut out).unwrap();
    let want: Vec<i64> = (0..10).rev().map(|i| i * 1_000_000_007).collect();
    let got: Vec<i64> = out.iter().map(|v| v.i64().unwrap()).collect();
    assert_eq!(got, want);
}

#[test]
fn an_instance_keeps_its_own_globals_while_a_host_call_makes_more() {
    // `run` moves its two defined globals (after one it imports) around calls of a host
    // function that instantiates a module of eight globals each time: the store's
    // globals grow and move, and the running instance must still reach its own.
    let engine = Engine::default();
    let many = Module::new(
        &engine,
        wat(r#"(module
          (global (mut i32) (i32.const 1)) (global (mut i32) (i32.const 2))
          (global (mut i64) (i64.const 3)) (global (mut i32) (i32.const 4))
          (global (mut i32) (i32.const 5)) (global (mut i32) (i32.const 6))
          (global (mut i32) (i32.const 7)) (global (mut i32) (i32.const 8)))"#),
    )
    .unwrap();
    let provider = Module::new(
        &engine,
        wat(r#"(module (global (export "base") (mut i32) (i32.const 1000)))"#),
    )
    .unwrap();
    let main = Module::new(
        &engine,
        wat(r#"(module
          (import "env" "spawn" (func $spawn))
          (import "env" "base" (global $base (mut i32)))
          (global $a (mut i32) (i32.const 10))
          (global $b (mut i64) (i64.const 20))
          (func (export "run") (param $n i32) (result i64)
            (loop $next
              (global.set $a (i32.add (global.get $a) (i32.const 1)))
              (call $spawn)
              (global.set $b (i64.add (global.get $b) (i64.extend_i32_u (global.get $a))))
              (global.set $base (i32.add (global.get $base) (i32.const 1)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $next (local.get $n)))
            (i64.add (global.get $b)
              (i64.mul (i64.extend_i32_u (global.get $base)) (i64.const 1000000)))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, 0u32);
    let mut linker = Linker::new(&engine);
    let spawn_engine = engine.clone();
    linker
        .func_wrap("env", "spawn", move |mut caller: Caller<'_, u32>| {
            let linker = Linker::new(&spawn_engine);
            linker.instantiate(&mut caller, &many).unwrap();
            *caller.data_mut() += 1;
        })
        .unwrap();
    let base = Linker::new(&engine)
        .instantiate(&mut store, &provider)
        .unwrap();
    linker.instance(&store, "env", base).unwrap();
    let instance = linker.instantiate(&mut store, &main).unwrap();
    let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
    // $a goes 11..=110, $b = 20 + (11 + ... + 110), $base = 1100.
    let expected = 20 + (11..=110).sum::<i64>() + 1100 * 1_000_000;
    assert_eq!(run.call(&mut store, 100).unwrap(), expected);
    assert_eq!(*store.data(), 100);
}
