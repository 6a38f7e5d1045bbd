//! Declared locals hold their default value wherever a function may read them before
//! setting them, though the translator leaves out of the zeroing on entry the locals it
//! can tell are set first (`translate::prefix`, `translate::assigned`). Each check runs right after a function
//! that leaves other values in the same frame cells, so a local wrongly left unzeroed
//! reads those.

mod common;
use common::instantiate;
use wisp::Config;

const MODULE: &str = r#"(module
  (tag $e)
  ;; Fills the cells where the next frame's locals go with garbage.
  (func $dirty (export "dirty")
    (local i64 i64 i64 i64 i64 i64 i64 i64)
    (local.set 0 (i64.const -1)) (local.set 1 (i64.const -1)) (local.set 2 (i64.const -1))
    (local.set 3 (i64.const -1)) (local.set 4 (i64.const -1)) (local.set 5 (i64.const -1))
    (local.set 6 (i64.const -1)) (local.set 7 (i64.const -1)))
  ;; Set on one arm of an `if` only.
  (func $one_arm (param i32) (result i32) (local i32)
    (if (local.get 0) (then (local.set 1 (i32.const 5))))
    (local.get 1))
  ;; Set after a branch out of the block that would skip it.
  (func $skipped (param i32) (result i64) (local i64)
    (block $b
      (br_if $b (local.get 0))
      (local.set 1 (i64.const 7)))
    (local.get 1))
  ;; Read at the top of a loop, set at its bottom: zero on the first turn.
  (func $loop_carried (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 1 (i32.const 10))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 2))
  ;; A table, one of whose targets skips the set.
  (func $table (param i32) (result f64) (local f64)
    (block $skip
      (block $set
        (br_table $set $skip (local.get 0)))
      (local.set 1 (f64.const 2.5)))
    (local.get 1))
  ;; A handler reached before the body set anything.
  (func $caught (param i32) (result i32) (local i32)
    (block $h
      (try_table (catch $e $h)
        (if (local.get 0) (then (throw $e)))
        (local.set 1 (i32.const 3))))
    (local.get 1))
  ;; Set on every path: nothing to zero, and still right.
  (func $always (param i32) (result i32) (local i32)
    (if (local.get 0)
      (then (local.set 1 (i32.const 1)))
      (else (local.set 1 (i32.const 2))))
    (local.get 1))
  ;; Set to zero where the translator knows it holds zero already (after a call, so
  ;; past the prefix), which writes nothing: the entry must still zero it.
  (func $zero_again (param i32) (result i32) (local i32)
    (call $nothing)
    (local.set 1 (i32.const 0))
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 2)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func $nothing)
  ;; A legacy handler, entered before the body set anything.
  (func $legacy (param i32) (result i32) (local i32)
    try
      (if (local.get 0) (then (throw $e)))
      (local.set 1 (i32.const 6))
    catch $e
    end
    (local.get 1))
  ;; Set only in code no path reaches.
  (func $dead (result i32) (local i32)
    (block $b (br $b) (block (local.set 0 (i32.const 8))))
    (local.get 0))
  ;; Set on every path, one of which leaves the block early.
  (func $early (param i32) (result i32) (local i32)
    (block $b
      (if (local.get 0) (then (local.set 1 (i32.const 9)) (br $b)))
      (local.set 1 (i32.const 4)))
    (local.get 1))
  (func (export "zero_again") (param i32) (result i32)
    (call $dirty) (call $zero_again (local.get 0)))
  (func (export "legacy") (param i32) (result i32) (call $dirty) (call $legacy (local.get 0)))
  (func (export "dead") (result i32) (call $dirty) (call $dead))
  (func (export "early") (param i32) (result i32) (call $dirty) (call $early (local.get 0)))
  (func (export "one_arm") (param i32) (result i32) (call $dirty) (call $one_arm (local.get 0)))
  (func (export "skipped") (param i32) (result i64) (call $dirty) (call $skipped (local.get 0)))
  (func (export "loop_carried") (param i32) (result i32)
    (call $dirty) (call $loop_carried (local.get 0)))
  (func (export "table") (param i32) (result f64) (call $dirty) (call $table (local.get 0)))
  (func (export "caught") (param i32) (result i32) (call $dirty) (call $caught (local.get 0)))
  (func (export "always") (param i32) (result i32) (call $dirty) (call $always (local.get 0)))
)"#;

#[test]
fn a_local_read_before_any_set_holds_its_default() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, MODULE);
        let i32_fn = |name| inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        let (one_arm, loop_carried) = (i32_fn("one_arm"), i32_fn("loop_carried"));
        let (caught, always) = (i32_fn("caught"), i32_fn("always"));
        let (zero_again, legacy, early) = (i32_fn("zero_again"), i32_fn("legacy"), i32_fn("early"));
        let skipped = inst.get_typed_func::<i32, i64>(&store, "skipped").unwrap();
        let table = inst.get_typed_func::<i32, f64>(&store, "table").unwrap();
        assert_eq!(one_arm.call(&mut store, 0).unwrap(), 0);
        assert_eq!(one_arm.call(&mut store, 1).unwrap(), 5);
        assert_eq!(skipped.call(&mut store, 1).unwrap(), 0);
        assert_eq!(skipped.call(&mut store, 0).unwrap(), 7);
        // 0 + 10 + 10: the first turn adds the default.
        assert_eq!(loop_carried.call(&mut store, 3).unwrap(), 20);
        assert_eq!(table.call(&mut store, 1).unwrap(), 0.0);
        assert_eq!(table.call(&mut store, 0).unwrap(), 2.5);
        assert_eq!(caught.call(&mut store, 1).unwrap(), 0);
        assert_eq!(caught.call(&mut store, 0).unwrap(), 3);
        assert_eq!(always.call(&mut store, 0).unwrap(), 2);
        assert_eq!(always.call(&mut store, 1).unwrap(), 1);
        assert_eq!(zero_again.call(&mut store, 3).unwrap(), 6);
        assert_eq!(legacy.call(&mut store, 1).unwrap(), 0);
        assert_eq!(legacy.call(&mut store, 0).unwrap(), 6);
        let dead = inst.get_typed_func::<(), i32>(&store, "dead").unwrap();
        assert_eq!(dead.call(&mut store, ()).unwrap(), 0);
        assert_eq!(early.call(&mut store, 1).unwrap(), 9);
        assert_eq!(early.call(&mut store, 0).unwrap(), 4);
    }
}
