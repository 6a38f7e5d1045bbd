//! Running untrusted code in slices: fuel pauses a long call, which goes on when given
//! more; a host function that cannot answer yet pauses it too; and a deadline stops a
//! program that never ends.
//!
//! `cargo run -p wisp-wasm --example fuel_and_resumable`

use std::time::Duration;
use wisp::{Config, Engine, Error, Linker, Module, ResumableCall, Store, TrapCode, Val};

const GUEST: &str = r#"
(module
  (import "host" "sensor" (func $sensor (result i32)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "read") (result i32) (i32.mul (call $sensor) (i32.const 2)))
  (func (export "forever") (loop $l (br $l))))
"#;

/// What the sensor says when it has no reading yet.
#[derive(Debug)]
struct NotReady;
impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no reading yet")
    }
}
impl std::error::Error for NotReady {}

fn main() -> Result<(), Error> {
    let mut config = Config::new();
    config.consume_fuel(true).epoch_interruption(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, GUEST)?;
    let mut linker = Linker::new(&engine);
    linker.func_wrap("host", "sensor", || -> wisp::Result<i32> {
        Err(NotReady.into())
    })?;
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &module)?;

    // 1. fib(25) in slices of 100,000 fuel: the scheduler could run others in between.
    let fib = instance.get_func(&store, "fib").expect("exported");
    let mut out = [Val::I32(0)];
    store.set_fuel(100_000)?;
    let mut call = fib.call_resumable(&mut store, &[Val::I32(25)], &mut out)?;
    let mut slices = 1;
    while let ResumableCall::OutOfFuel(paused) = call {
        store.set_fuel(100_000)?;
        slices += 1;
        call = paused.resume(&mut store, &mut out)?;
    }
    println!("fib(25) = {:?} in {slices} slices", out[0]);

    // 2. The sensor has no reading: the call pauses at it, and goes on with one.
    store.set_fuel(1_000_000)?;
    let read = instance.get_func(&store, "read").expect("exported");
    match read.call_resumable(&mut store, &[], &mut out)? {
        ResumableCall::HostTrap(paused) => {
            println!("paused: {}", paused.host_error());
            let done = paused.resume(&mut store, &[Val::I32(21)], &mut out)?;
            assert!(matches!(done, ResumableCall::Finished));
            println!("read() = {:?} once the sensor answered 21", out[0]);
        }
        _ => unreachable!("the sensor always fails first"),
    }

    // 3. A program that never ends stops at its deadline.
    store.set_fuel(u64::MAX)?;
    store.set_epoch_deadline(1);
    let ticker = engine.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        ticker.increment_epoch();
    });
    let forever = instance.get_typed_func::<(), ()>(&store, "forever")?;
    let err = forever.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    println!(
        "forever() stopped: {}",
        err.to_string().lines().next().unwrap_or("")
    );
    Ok(())
}
