//! Store-wide limits and lazily committed memory: a small module must not make the host
//! spend gigabytes.

mod common;
use common::wat;
use wisp::{Engine, Error, Linker, Module, Store, StoreLimitsBuilder};

/// Resident set size of this process, in bytes (Linux).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

fn load(engine: &Engine, text: &str) -> Module {
    Module::new(engine, wat(text)).unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn an_untouched_4_gib_memory_costs_almost_nothing() {
    let engine = Engine::default();
    let module = load(
        &engine,
        r#"(module (memory (export "m") 65536)
             (func (export "poke") (i32.store (i32.const 0xfffffff0) (i32.const 7))))"#,
    );
    let before = rss();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = inst.get_typed_func::<(), ()>(&store, "poke").unwrap();
    f.call(&mut store, ()).unwrap();
    let grown = rss().saturating_sub(before);
    assert!(
        grown < 100 << 20,
        "a 4 GiB memory took {grown} bytes of RSS"
    );
    let mem = inst.get_memory(&store, "m").unwrap();
    assert_eq!(mem.data(&store).len(), 4 << 30);
    assert_eq!(mem.data(&store)[0xfffffff0], 7);
}

#[test]
#[cfg(target_os = "linux")]
fn growing_to_4_gib_without_touching_costs_almost_nothing() {
    let engine = Engine::default();
    let module = load(
        &engine,
        r#"(module (memory 1)
             (func (export "grow") (result i32) (memory.grow (i32.const 65535))))"#,
    );
    let before = rss();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = inst.get_typed_func::<(), i32>(&store, "grow").unwrap();
    assert_eq!(f.call(&mut store, ()).unwrap(), 1);
    let grown = rss().saturating_sub(before);
    assert!(
        grown < 100 << 20,
        "growing to 4 GiB took {grown} bytes of RSS"
    );
}

/// 100 tables of 10 million elements: 8 GB if allocated.
fn many_tables() -> String {
    let mut text = String::from("(module");
    for _ in 0..100 {
        text.push_str(" (table 10000000 funcref)");
    }
    text.push(')');
    text
}

#[test]
fn a_hundred_huge_tables_are_refused_by_the_default_limit() {
    let engine = Engine::default();
    let module = load(&engine, &many_tables());
    let before = rss();
    let mut store = Store::new(&engine, ());
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(matches!(err, Error::Instantiate(_)), "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
    let grown = rss().saturating_sub(before);
    assert!(grown < 1 << 30, "refusing took {grown} bytes of RSS");
}

#[test]
fn store_limits_cap_memory_across_instances() {
    let engine = Engine::default();
    let module = load(
        &engine,
        r#"(module (memory 2)
             (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimitsBuilder::new().memory_size(5 * 65536).build());
    let linker = Linker::new(&engine);
    let a = linker.instantiate(&mut store, &module).unwrap();
    let b = linker.instantiate(&mut store, &module).unwrap();
    // Two pages each are four; a third instance would need six.
    let err = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    let grow_a = a.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let grow_b = b.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow_a.call(&mut store, 1).unwrap(), 2);
    assert_eq!(
        grow_b.call(&mut store, 1).unwrap(),
        -1,
        "the fifth page is taken"
    );
}

#[test]
fn store_limits_count_instances_tables_and_memories() {
    let engine = Engine::default();
    let module = load(&engine, "(module (memory 0) (table 0 funcref))");
    let linker = Linker::new(&engine);
    for (limits, ok) in [
        (StoreLimitsBuilder::new().instances(2), 2),
        (StoreLimitsBuilder::new().memories(1), 1),
        (StoreLimitsBuilder::new().tables(3), 3),
    ] {
        let mut store = Store::new(&engine, ());
        store.limiter(limits.build());
        for _ in 0..ok {
            linker.instantiate(&mut store, &module).unwrap();
        }
        let err = linker.instantiate(&mut store, &module).unwrap_err();
        assert!(err.to_string().contains("limit"), "{err}");
    }
}

#[test]
fn table_growth_counts_against_the_total() {
    let engine = Engine::default();
    let module = load(
        &engine,
        r#"(module (table 10 funcref)
             (func (export "grow") (param i32) (result i32)
               (table.grow (ref.null func) (local.get 0))))"#,
    );
    let mut store = Store::new(&engine, ());
    store.limiter(StoreLimitsBuilder::new().table_elements(100).build());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 90).unwrap(), 10);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
}
