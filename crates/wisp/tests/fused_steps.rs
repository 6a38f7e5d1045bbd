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

/// Loops whose counter steps just before the exit test, in each shape the translator
/// fuses, with the counter wrapping and compared against itself.
const LOOPS: &str = r#"(module
  (func (export "down") (param $n i32) (result i32)
    (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $sum))
  (func (export "up_ne") (param $i i32) (param $end i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 7)))
      (br_if $l (i32.ne (local.get $i) (local.get $end))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "up_lt") (param $i i32) (param $end i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 32767)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $end))))
    (i32.xor (local.get $count) (local.get $i)))
  (func (export "down_gt") (param $i i32) (param $floor i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $i (i32.sub (local.get $i) (i32.const 32768)))
      (br_if $l (i32.gt_u (local.get $i) (local.get $floor))))
    (i32.xor (local.get $count) (local.get $i)))
  (func (export "up_imm") (param $i i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.ne (local.get $i) (i32.const 100))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  ;; Stepped by a slot: the sieve's j += i, and the step on the left (i + j).
  (func (export "by_slot") (param $j i32) (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $j (i32.add (local.get $i) (local.get $j)))
      (br_if $l (i32.lt_u (local.get $j) (local.get $n))))
    (i32.xor (i32.shl (local.get $count) (i32.const 16)) (local.get $j)))
  (func (export "by_self") (param $j i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $j (i32.add (local.get $j) (local.get $j)))
      (br_if $l (i32.ne (local.get $j) (local.get $n))))
    (i32.xor (i32.shl (local.get $count) (i32.const 16)) (local.get $j)))
  ;; A counter copied into place just before the test (a latch), and before a loop
  ;; whose first instruction is the test (which the back edge jumps to).
  (func (export "latch") (param $next i32) (param $n i32) (result i32)
    (local $i i32) (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $next (i32.add (local.get $next) (i32.const 3)))
      (local.set $i (local.get $next))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "header") (param $j i32) (param $n i32) (result i32)
    (local $i i32) (local $count i32)
    (local.set $i (local.get $j))
    (block $exit
      (loop $l
        (br_if $exit (i32.lt_u (local.get $i) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $i (i32.sub (local.get $i) (i32.const 5)))
        (br $l)))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "self") (param $i i32) (result i32)
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (if (i32.ne (local.get $i) (local.get $i)) (then (return (i32.const -1))))
    (local.get $i))
)"#;

#[test]
fn counters_stepped_before_the_exit_test_run_as_two_instructions_would() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, LOOPS);
        let one = |name| inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        let two = |name| {
            inst.get_typed_func::<(i32, i32), i32>(&store, name)
                .unwrap()
        };
        let (down, up_imm, self_) = (one("down"), one("up_imm"), one("self"));
        let (up_ne, up_lt, down_gt, by_self) =
            (two("up_ne"), two("up_lt"), two("down_gt"), two("by_self"));
        let (latch, header) = (two("latch"), two("header"));
        let by_slot = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, "by_slot")
            .unwrap();
        assert_eq!(down.call(&mut store, 100).unwrap(), 5050);
        assert_eq!(down.call(&mut store, 1).unwrap(), 1);
        assert_eq!(up_imm.call(&mut store, 0).unwrap(), 100_100);
        assert_eq!(up_imm.call(&mut store, 99).unwrap(), 1100);
        assert_eq!(self_.call(&mut store, i32::MAX).unwrap(), i32::MIN);
        // i steps by 7 from -70 to 0: ten steps.
        assert_eq!(up_ne.call(&mut store, (-70, 0)).unwrap(), 10_000);
        // Unsigned: from 0 up by 32767 until at or past 100 000 (four steps).
        assert_eq!(up_lt.call(&mut store, (0, 100_000)).unwrap(), 4 ^ 131_068);
        // Wraps past zero and around the whole range: 10 - 32768 is near the top,
        // unsigned, and i comes back to 10 after 2^17 steps.
        let mut i = 10u32;
        let mut count = 0;
        loop {
            count += 1;
            i = i.wrapping_sub(32768);
            if i <= 20 {
                break;
            }
        }
        // 0 by 3 until at or past 10: four steps, ending at 12.
        assert_eq!(latch.call(&mut store, (0, 10)).unwrap(), 4012);
        assert_eq!(latch.call(&mut store, (100, 10)).unwrap(), 1103);
        // 22 down by 5 until below 10: three steps (17, 12, 7).
        assert_eq!(header.call(&mut store, (22, 10)).unwrap(), 3007);
        assert_eq!(header.call(&mut store, (3, 10)).unwrap(), 3);
        // From 3 by 10 until at or past 95: ten steps, ending at 103.
        assert_eq!(
            by_slot.call(&mut store, (3, 10, 95)).unwrap(),
            10 << 16 ^ 103
        );
        // Doubling 1 until it wraps to 0: 32 steps.
        assert_eq!(by_self.call(&mut store, (1, 0)).unwrap(), 32 << 16);
        assert_eq!(
            down_gt.call(&mut store, (10, 20)).unwrap(),
            count ^ i as i32,
            "{count} steps"
        );
    }
}

/// A call whose one argument is a step just computed (`f(n - 1)`), and a sum returned.
const CALLS: &str = r#"(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $id (param i32) (result i32) (local.get 0))
  (func (export "steps") (param $x i32) (result i32)
    (i32.xor
      (i32.xor (call $id (i32.add (local.get $x) (i32.const 32767)))
               (call $id (i32.sub (local.get $x) (i32.const 32768))))
      (call $id (i32.add (local.get $x) (i32.const 32768)))))
  ;; Deep enough to exhaust the call stack: the trap comes from the fused call.
  (func $down (export "down") (param $n i32) (result i32)
    (i32.add (call $down (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
)"#;

#[test]
fn a_call_of_a_step_and_a_returned_sum_compute_what_the_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, CALLS);
        let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
        let steps = inst.get_typed_func::<i32, i32>(&store, "steps").unwrap();
        let down = inst.get_typed_func::<i32, i32>(&store, "down").unwrap();
        assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
        for x in [0, -1, i32::MAX, i32::MIN, 12345] {
            let expected = x.wrapping_add(32767) ^ x.wrapping_sub(32768) ^ x.wrapping_add(32768);
            assert_eq!(steps.call(&mut store, x).unwrap(), expected, "{x}");
        }
        let err = down.call(&mut store, 0).unwrap_err();
        assert!(err.to_string().contains("call stack exhausted"), "{err}");
    }
}
