//! Stopping a runaway program by time: the engine's epoch against a store's deadline.
#![cfg(feature = "wat")]

use std::time::{Duration, Instant};
use wisp::*;

const SPIN: &str = r#"
    (module
      (func $spin (export "spin") (loop $l (br $l)))
      (func (export "count") (param $n i32) (result i32) (local $i i32)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
        (local.get $i)))
"#;

fn setup(fuel: bool) -> (Engine, Store<()>, Instance) {
    setup_with(true, fuel)
}

fn setup_with(epoch: bool, fuel: bool) -> (Engine, Store<()>, Instance) {
    let mut config = Config::new();
    config.epoch_interruption(epoch).consume_fuel(fuel);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, SPIN).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    (engine, store, inst)
}

#[test]
fn an_endless_loop_stops_when_the_deadline_passes() {
    let (engine, mut store, inst) = setup(false);
    store.set_epoch_deadline(1);
    let spin = inst.get_typed_func::<(), ()>(&store, "spin").unwrap();
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let start = Instant::now();
    let err = spin.call(&mut store, ()).unwrap_err();
    ticker.join().unwrap();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt), "{err}");
    assert!(err.to_string().contains("interrupt"), "{err}");
    assert_eq!(err.backtrace().len(), 1, "{err}");
    assert!(start.elapsed() < Duration::from_secs(10));
    // The store is usable after: with a new deadline, finite work finishes.
    store.set_epoch_deadline(1_000);
    let count = inst.get_typed_func::<i32, i32>(&store, "count").unwrap();
    assert_eq!(count.call(&mut store, 1_000_000).unwrap(), 1_000_000);
}

#[test]
fn without_a_deadline_the_epoch_stops_nothing() {
    let (engine, mut store, inst) = setup(false);
    for _ in 0..5 {
        engine.increment_epoch();
    }
    let count = inst.get_typed_func::<i32, i32>(&store, "count").unwrap();
    assert_eq!(count.call(&mut store, 3_000_000).unwrap(), 3_000_000);
    // A deadline already reached stops the next slice.
    store.set_epoch_deadline(0);
    let err = count.call(&mut store, 3_000_000).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
    assert_eq!(err.backtrace().len(), 1, "{err}");
}

#[test]
fn fuel_is_counted_the_same_in_slices() {
    let spent = |epoch: bool| {
        let (_, mut store, inst) = setup_with(epoch, true);
        store.set_fuel(10_000_000).unwrap();
        let count = inst.get_typed_func::<i32, i32>(&store, "count").unwrap();
        assert_eq!(count.call(&mut store, 500_000).unwrap(), 500_000);
        let left = store.get_fuel().unwrap();
        // Fuel still runs out: the endless loop stops with all fuel consumed.
        let spin = inst.get_typed_func::<(), ()>(&store, "spin").unwrap();
        let err = spin.call(&mut store, ()).unwrap_err();
        assert_eq!(err.trap_code(), Some(TrapCode::OutOfFuel));
        // Its frames are read from the stack once the run ends there.
        assert_eq!(err.backtrace().len(), 1, "{err}");
        10_000_000 - left
    };
    let plain = spent(false);
    assert!(plain > 500_000);
    assert_eq!(spent(true), plain);
}

/// A basic block longer than a slice is charged in parts, so that slices make
/// progress: the code computes the same, and a deadline still stops it.
#[test]
fn a_block_longer_than_a_slice_is_cut() {
    let n = 3 * wisp::EPOCH_SLICE as usize / 2;
    let mut body = String::from("(local.get 0)");
    for _ in 0..n / 2 {
        body.push_str("(i32.const 1) (i32.add)");
    }
    let wat = format!(
        r#"(module
             (func (export "long") (param i32) (result i32) {body})
             (func (export "forever") (loop $l (drop (call 0 (i32.const 0))) (br $l))))"#
    );
    let mut config = Config::new();
    config.epoch_interruption(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let long = inst.get_typed_func::<i32, i32>(&store, "long").unwrap();
    assert_eq!(long.call(&mut store, 5).unwrap(), 5 + (n / 2) as i32);
    store.set_epoch_deadline(0);
    let forever = inst.get_typed_func::<(), ()>(&store, "forever").unwrap();
    let err = forever.call(&mut store, ()).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::Interrupt));
}

/// The end of each slice costs the same however deep the recursion: a run 800,000 calls
/// deep under epoch interruption takes about as long as without it.
#[test]
fn slices_do_not_walk_a_deep_stack() {
    const DEEP: &str = r#"(module
      (func $down (export "down") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n))
          (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1))))))))"#;
    let time = |epoch: bool| {
        let mut config = Config::new();
        config
            .epoch_interruption(epoch)
            .max_call_depth(1_000_000)
            .max_stack_values(8_000_000);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, DEEP).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_epoch_deadline(1_000);
        let inst = Linker::new(&engine)
            .instantiate(&mut store, &module)
            .unwrap();
        let down = inst.get_typed_func::<i32, i32>(&store, "down").unwrap();
        let start = std::time::Instant::now();
        for _ in 0..2 {
            assert_eq!(down.call(&mut store, 800_000).unwrap(), 800_000);
        }
        start.elapsed()
    };
    let plain = time(false);
    let sliced = time(true);
    // Slices cost about 1.5 times (the fuel checks); walking up to 800,000 frames at
    // each slice's end made it 4 times.
    assert!(
        sliced < plain * 5 / 2,
        "with slices {sliced:?}, without {plain:?}"
    );
}
