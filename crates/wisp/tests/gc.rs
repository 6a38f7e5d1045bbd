//! Garbage collection through the public API: structs and arrays made by Wasm and by
//! the host, the collector under load and under a byte budget, the host's holds on
//! objects, and hostile allocations.

mod common;
use common::wat;
use wisp::{
    ArrayRef, ArrayType, Config, Engine, Error, FieldType, Func, Linker, Module, StorageType,
    Store, StructRef, StructType, TrapCode, Val, ValType,
};

const BINARY_TREES: &str = include_str!("../../../tests/fixtures/gc/binary-trees.wat");

use common::instantiate as setup;

fn call(store: &mut Store<()>, f: Func, args: &[Val]) -> Result<Val, Error> {
    let mut out = [Val::I32(0)];
    f.call(store, args, &mut out)?;
    Ok(out[0])
}

fn trap_code(e: Error) -> TrapCode {
    match e {
        Error::Trap(t) => t.code,
        other => panic!("expected a trap, got {other}"),
    }
}

/// What `run N` of binary-trees returns: the node counts of every tree it checks.
fn binary_trees_answer(n: u32) -> i32 {
    let nodes = |d: u32| (1i64 << (d + 1)) - 1;
    let mut total = nodes(n + 1) + nodes(n);
    for d in (4..=n).step_by(2) {
        total += (1i64 << (n - d + 4)) * nodes(d);
    }
    total as i32
}

/// Millions of short-lived nodes and one long-lived tree: the heap's peak follows what
/// is live, not what was allocated.
#[test]
fn binary_trees_runs_in_memory_proportional_to_its_live_data() {
    let (mut store, inst) = setup(&Config::new(), BINARY_TREES);
    let run = inst.get_func(&store, "run").unwrap();
    let n = if cfg!(debug_assertions) { 12 } else { 16 };
    let got = call(&mut store, run, &[Val::I32(n as i32)]).unwrap();
    assert_eq!(got, Val::I32(binary_trees_answer(n)));
    let s = store.heap_stats();
    // The most that is live at once: the stretch tree (depth n + 1) while the
    // long-lived one is built, at most twice that; a node is one slot.
    let node = 32;
    let live = node << (n + 3);
    assert!(s.allocated_bytes > 8 * s.peak_bytes as u64, "{s:?}");
    assert!(s.peak_bytes < 3 * live + (1 << 20), "{s:?}, live {live}");
    assert!(s.collections > 4, "{s:?}");
}

/// The same program under a small budget traps cleanly, and under one that holds its
/// live data it runs.
#[test]
fn a_heap_budget_is_an_out_of_memory_trap_or_enough() {
    let mut config = Config::new();
    config.gc_heap_limit(64 * 1024);
    let (mut store, inst) = setup(&config, BINARY_TREES);
    let run = inst.get_func(&store, "run").unwrap();
    let e = call(&mut store, run, &[Val::I32(12)]).unwrap_err();
    assert_eq!(trap_code(e), TrapCode::OutOfMemory);
    assert!(store.heap_stats().peak_bytes <= 64 * 1024);
    // The store is still usable: a smaller run fits.
    assert_eq!(
        call(&mut store, run, &[Val::I32(6)]).unwrap(),
        Val::I32(binary_trees_answer(6))
    );
    let mut config = Config::new();
    config.gc_heap_limit(2 << 20);
    let (mut store, inst) = setup(&config, BINARY_TREES);
    let run = inst.get_func(&store, "run").unwrap();
    assert_eq!(
        call(&mut store, run, &[Val::I32(12)]).unwrap(),
        Val::I32(binary_trees_answer(12))
    );
    assert!(store.heap_stats().peak_bytes <= 2 << 20);
}

const HOSTILE: &str = r#"(module
  (type $bytes (array (mut i8)))
  (type $cell (struct (field $next (ref null $cell)) (field i64)))
  (func (export "huge") (param i32) (result i32)
    (array.len (array.new_default $bytes (local.get 0))))
  ;; A list that keeps every node alive, forever.
  (func (export "hoard") (result i32)
    (local $l (ref null $cell))
    (loop $more
      (local.set $l (struct.new $cell (local.get $l) (i64.const 0)))
      (br $more))
    (i32.const 0)))"#;

#[test]
fn hostile_allocations_trap_and_the_host_goes_on() {
    let mut config = Config::new();
    config.gc_heap_limit(8 << 20);
    let (mut store, inst) = setup(&config, HOSTILE);
    let huge = inst.get_func(&store, "huge").unwrap();
    let e = call(&mut store, huge, &[Val::I32(-1)]).unwrap_err();
    assert_eq!(trap_code(e), TrapCode::OutOfMemory);
    assert_eq!(
        call(&mut store, huge, &[Val::I32(1000)]).unwrap(),
        Val::I32(1000)
    );
    let hoard = inst.get_func(&store, "hoard").unwrap();
    let e = call(&mut store, hoard, &[]).unwrap_err();
    assert_eq!(trap_code(e), TrapCode::OutOfMemory);
    // The hoard was garbage once the call ended.
    store.gc();
    assert!(
        store.heap_stats().bytes < 1 << 20,
        "{:?}",
        store.heap_stats()
    );
    assert_eq!(call(&mut store, huge, &[Val::I32(5)]).unwrap(), Val::I32(5));
}

const POINTS: &str = r#"(module
  (type $point (struct (field $x (mut i32)) (field $y i64) (field $tag i8)))
  (type $row (array (mut i16)))
  (global $kept (export "kept") (mut anyref) (ref.null any))
  (func (export "make") (param i32) (result (ref $point))
    (struct.new $point (local.get 0) (i64.const -5) (i32.const 0x1ff)))
  (func (export "sum") (param (ref $point)) (result i64)
    (i64.add (i64.extend_i32_s (struct.get $point $x (local.get 0)))
             (struct.get $point $y (local.get 0))))
  (func (export "tag_s") (param (ref $point)) (result i32)
    (struct.get_s $point $tag (local.get 0)))
  (func (export "row_sum") (param (ref $row)) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (array.len (local.get 0))))
        (local.set $s (i32.add (local.get $s) (array.get_s $row (local.get 0) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "churn") (param i32)
    (loop $more
      (drop (struct.new $point (i32.const 0) (i64.const 0) (i32.const 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $more (local.get 0)))))"#;

/// Structs and arrays made by Wasm are read by the host, and those made by the host
/// are passed to Wasm; packed fields keep their width.
#[test]
fn the_host_makes_and_reads_structs_and_arrays() {
    let (mut store, inst) = setup(&Config::new(), POINTS);
    let make = inst.get_func(&store, "make").unwrap();
    let p = call(&mut store, make, &[Val::I32(7)]).unwrap();
    let Val::AnyRef(Some(any)) = p else {
        panic!("{p:?}")
    };
    let s = any.as_struct(&store).expect("a struct");
    assert!(!any.is_array(&store));
    assert_eq!(s.field(&store, 0).unwrap(), Val::I32(7));
    assert_eq!(s.field(&store, 1).unwrap(), Val::I64(-5));
    assert_eq!(s.field(&store, 2).unwrap(), Val::I32(0xff), "zero-extended");
    assert!(s.field(&store, 3).is_err());
    s.set_field(&mut store, 0, Val::I32(10)).unwrap();
    assert!(
        s.set_field(&mut store, 1, Val::I64(1)).is_err(),
        "immutable"
    );
    assert!(
        s.set_field(&mut store, 0, Val::I64(1)).is_err(),
        "wrong type"
    );
    let sum = inst.get_func(&store, "sum").unwrap();
    assert_eq!(call(&mut store, sum, &[p]).unwrap(), Val::I64(5));
    let tag_s = inst.get_func(&store, "tag_s").unwrap();
    assert_eq!(call(&mut store, tag_s, &[p]).unwrap(), Val::I32(-1));

    // The host's own struct of the same type is the same type to Wasm.
    let i8_ = StorageType::I8;
    let ty = StructType::new(
        &mut store,
        &[
            FieldType {
                storage: StorageType::Val(ValType::I32),
                mutable: true,
            },
            FieldType {
                storage: StorageType::Val(ValType::I64),
                mutable: false,
            },
            FieldType {
                storage: i8_,
                mutable: false,
            },
        ],
    )
    .unwrap();
    let mine = StructRef::new(&mut store, &ty, &[Val::I32(1), Val::I64(2), Val::I32(3)]).unwrap();
    assert_eq!(
        call(&mut store, sum, &[mine.to_val()]).unwrap(),
        Val::I64(3)
    );
    assert!(StructRef::new(&mut store, &ty, &[Val::I32(1)]).is_err());

    let row = ArrayType::new(
        &mut store,
        FieldType {
            storage: StorageType::I16,
            mutable: true,
        },
    )
    .unwrap();
    let a = ArrayRef::new(&mut store, &row, &Val::I32(-2), 10).unwrap();
    a.set(&mut store, 3, Val::I32(0x1_0005)).unwrap();
    assert_eq!(a.get(&store, 3).unwrap(), Val::I32(5));
    assert_eq!(a.len(&store).unwrap(), 10);
    assert!(a.get(&store, 10).is_err());
    let row_sum = inst.get_func(&store, "row_sum").unwrap();
    assert_eq!(
        call(&mut store, row_sum, &[a.to_val()]).unwrap(),
        Val::I32(-18 + 5)
    );
    let fixed = ArrayRef::new_fixed(&mut store, &row, &[Val::I32(1), Val::I32(2)]).unwrap();
    assert_eq!(
        call(&mut store, row_sum, &[fixed.to_val()]).unwrap(),
        Val::I32(3)
    );
}

/// An object the host holds survives collections until the host lets go of it; then
/// the reference fails instead of reaching the slot's next object.
#[test]
fn host_holds_keep_objects_alive_until_released() {
    let (mut store, inst) = setup(&Config::new(), POINTS);
    let make = inst.get_func(&store, "make").unwrap();
    let churn = inst.get_func(&store, "churn").unwrap();
    let Val::AnyRef(Some(held)) = call(&mut store, make, &[Val::I32(1)]).unwrap() else {
        panic!()
    };
    let s = held.as_struct(&store).unwrap();
    let mut none = [];
    churn
        .call(&mut store, &[Val::I32(200_000)], &mut none)
        .unwrap();
    store.gc();
    assert!(store.heap_stats().collections > 2);
    assert_eq!(s.field(&store, 0).unwrap(), Val::I32(1));
    assert_eq!(store.roots(), 1);

    // A scope lets go of what the host came to hold inside it.
    store.scope(|store| {
        for _ in 0..100 {
            call(store, make, &[Val::I32(2)]).unwrap();
        }
        assert_eq!(store.roots(), 101);
    });
    assert_eq!(store.roots(), 1);

    held.unroot(&mut store);
    store.gc();
    assert_eq!(store.heap_stats().objects, 0);
    let e = s.field(&store, 0).unwrap_err();
    assert!(e.to_string().contains("freed"), "{e}");
    // The freed slot is reused; the old reference does not reach the new object.
    let fresh = call(&mut store, make, &[Val::I32(3)]).unwrap();
    assert!(s.field(&store, 0).is_err());
    let sum = inst.get_func(&store, "sum").unwrap();
    assert!(call(&mut store, sum, &[held.to_val()]).is_err());
    let Val::AnyRef(Some(f)) = fresh else {
        panic!()
    };
    assert_eq!(
        f.as_struct(&store).unwrap().field(&store, 0).unwrap(),
        Val::I32(3)
    );

    // Another store's reference is refused.
    let (mut other, _) = setup(&Config::new(), POINTS);
    assert!(call(&mut other, make, &[Val::I32(0)]).is_err());
    assert!(f.as_struct(&other).is_none());
}

/// A global holding an object is a root: the object outlives every collection.
#[test]
fn globals_and_tables_are_roots() {
    const KEEP: &str = r#"(module
      (type $box (struct (field i32)))
      (type $list (array (mut anyref)))
      (global $g (mut (ref null $box)) (ref.null $box))
      (table $t 1 anyref)
      (func (export "keep") (param i32)
        (global.set $g (struct.new $box (local.get 0)))
        (table.set $t (i32.const 0)
          (array.new_fixed $list 2 (struct.new $box (i32.const 9)) (ref.i31 (i32.const 4)))))
      (func (export "churn") (param i32)
        (loop $more
          (drop (array.new_default $list (i32.const 16)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br_if $more (local.get 0))))
      (func (export "read") (result i32)
        (i32.add
          (struct.get $box 0 (global.get $g))
          (struct.get $box 0 (ref.cast (ref $box)
            (array.get $list (ref.cast (ref $list) (table.get $t (i32.const 0))) (i32.const 0)))))))"#;
    let (mut store, inst) = setup(&Config::new(), KEEP);
    let keep = inst.get_func(&store, "keep").unwrap();
    let mut none = [];
    keep.call(&mut store, &[Val::I32(5)], &mut none).unwrap();
    let churn = inst.get_func(&store, "churn").unwrap();
    churn
        .call(&mut store, &[Val::I32(100_000)], &mut none)
        .unwrap();
    store.gc();
    assert_eq!(store.heap_stats().objects, 3, "{:?}", store.heap_stats());
    let read = inst.get_func(&store, "read").unwrap();
    assert_eq!(call(&mut store, read, &[]).unwrap(), Val::I32(14));
}

/// A module with structs and arrays, constant expressions that allocate included,
/// runs the same from a pre-translated image.
#[test]
fn structs_and_arrays_run_from_an_image() {
    let engine = Engine::default();
    const PROGRAM: &str = r#"(module
      (type $pair (struct (field i32) (field i32)))
      (type $vec (array i32))
      (global $p (ref $pair) (struct.new $pair (i32.const 3) (i32.const 4)))
      (global $v (ref $vec) (array.new_fixed $vec 3 (i32.const 1) (i32.const 2) (i32.const 3)))
      (data $d "\05\00\00\00\06\00\00\00")
      (func (export "f") (result i32)
        (i32.add
          (i32.add (struct.get $pair 0 (global.get $p)) (struct.get $pair 1 (global.get $p)))
          (i32.add (array.get $vec (global.get $v) (i32.const 2))
                   (array.get $vec (array.new_data $vec $d (i32.const 0) (i32.const 2)) (i32.const 1))))))"#;
    let module = Module::new(&engine, wat(PROGRAM)).unwrap();
    let image = module.to_image().unwrap();
    // SAFETY: the image was just made by this build.
    let module = unsafe { Module::from_image(&engine, &image) }.unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let f = inst.get_func(&store, "f").unwrap();
    assert_eq!(call(&mut store, f, &[]).unwrap(), Val::I32(3 + 4 + 3 + 6));
}
