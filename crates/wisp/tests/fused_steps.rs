//! Steps that one fused instruction takes for two (two counters stepped together, the
//! shadow-stack pointer moved on a frame's entry and exit) give the results the
//! separate instructions would.

mod common;
use common::instantiate;
use wisp::Config;

const MODULE: &str = r#"(module
  (memory 1)
  (global $sp (export "sp") (mut i32) (i32.const 4096))

  ;; Each call takes a 32-byte frame, keeps its depth there across the call below it,
  ;; and gives the frame back: the sum of depths read back, and $sp where it started.
  (func $frames (export "frames") (param $depth i32) (result i32)
    (local $fp i32) (local $sum i32)
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 32))))
    (i32.store (local.get $fp) (local.get $depth))
    (if (i32.gt_s (local.get $depth) (i32.const 0))
      (then (local.set $sum (call $frames (i32.sub (local.get $depth) (i32.const 1))))))
    (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $fp))))
    (global.set $sp (i32.add (local.get $fp) (i32.const 32)))
    (local.get $sum))

  ;; Two counters stepped by the largest steps that fit in 16 bits, wrapping.
  (func (export "steps") (param $n i32) (param $a i32) (param $b i32) (result i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $a (i32.add (local.get $a) (i32.const 32767)))
        (local.set $b (i32.sub (local.get $b) (i32.const 32768)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (i32.xor (local.get $a) (i32.rotl (local.get $b) (i32.const 7))))
)"#;

#[test]
fn frames_on_the_shadow_stack_keep_their_values_and_give_the_pointer_back() {
    let (mut store, inst) = instantiate(&Config::new(), MODULE);
    let frames = inst.get_typed_func::<i32, i32>(&store, "frames").unwrap();
    let sp = inst.get_global(&store, "sp").unwrap();
    for depth in [0, 1, 5, 100] {
        assert_eq!(
            frames.call(&mut store, depth).unwrap(),
            depth * (depth + 1) / 2
        );
        assert_eq!(sp.get(&store).i32(), Some(4096), "after frames({depth})");
    }
    // Deeper than memory: the store below address 0 traps, and $sp stays moved, as the
    // unfused instructions would leave it.
    assert!(frames.call(&mut store, 200).is_err());
    assert_eq!(sp.get(&store).i32(), Some(4096 - 129 * 32));
}

#[test]
fn two_counters_stepped_together_wrap_like_two_adds() {
    let (mut store, inst) = instantiate(&Config::new(), MODULE);
    let steps = inst
        .get_typed_func::<(i32, i32, i32), i32>(&store, "steps")
        .unwrap();
    for (n, a, b) in [
        (0, 1, 2),
        (3, i32::MAX - 40000, i32::MIN + 5),
        (100_000, -7, 9),
    ] {
        let (mut x, mut y) = (a, b);
        for _ in 0..n {
            x = x.wrapping_add(32767);
            y = y.wrapping_sub(32768);
        }
        let expected = x ^ y.rotate_left(7);
        assert_eq!(steps.call(&mut store, (n, a, b)).unwrap(), expected);
    }
}
