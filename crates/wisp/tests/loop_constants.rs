//! What the translator keeps from one iteration or instruction to the next must not
//! change results: constants that loops read from cells of their own (written once
//! before the loop), and `local.set`s of a zero the local already holds (left out).

mod common;
use common::instantiate;
use wisp::Config;

/// Frames are reused without being cleared: `dirty` leaves large values in the cells
/// that the next call's locals, pool and operand stack take.
const MODULE: &str = r#"(module
  (memory 1)
  (func $dirty (export "dirty") (param i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local.set 1 (i32.const -1)) (local.set 2 (i32.const -1)) (local.set 3 (i32.const -1))
    (local.set 4 (i32.const -1)) (local.set 5 (i32.const -1)) (local.set 6 (i32.const -1))
    (local.set 7 (i32.const -1)) (local.set 8 (i32.const -1)) (local.set 9 (i32.const -1))
    (local.set 10 (i32.const -1))
    (i32.add (local.get 0) (local.get 10)))

  ;; Code before the loop uses operand-stack cells that the pool takes later; the loop
  ;; reads 0.5, 3.0 and the address 64 from the pool, and recurses, so that a callee's
  ;; frame sits above the caller's pool; code after the loop uses the stack again.
  (func $series (export "series") (param $n i32) (result f64)
    (local $i i32) (local $sum f64)
    (f64.store (i32.const 64) (f64.mul (f64.convert_i32_s (local.get $n)) (f64.const 0.25)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.div (f64.const 0.5)
              (f64.add (f64.convert_i32_s (local.get $i)) (f64.const 3.0)))))
        (local.set $sum (f64.add (local.get $sum) (f64.load (i32.const 64))))
        (if (i32.eq (local.get $i) (i32.const 2))
          (then
            (local.set $sum
              (f64.add (local.get $sum)
                (call $series (i32.shr_s (local.get $n) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (f64.mul (local.get $sum) (f64.const 2.0)))

  ;; The second `local.set $acc (i32.const 0)` repeats the first on the only path to
  ;; it, and is left out; the early exit reads $acc too.
  (func (export "sum_to") (param $n i32) (result i32)
    (local $acc i32)
    (local.set $acc (i32.const 0))
    (block $small
      (br_if $small (i32.lt_u (local.get $n) (i32.const 2)))
      (local.set $acc (i32.const 0))
      (loop $more
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (br_if $more
          (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
    (i32.add (local.get $acc) (local.get $n)))
)"#;

#[test]
fn loops_read_their_constants_right_across_calls_and_dirty_frames() {
    let (mut store, inst) = instantiate(&Config::new(), MODULE);
    let dirty = inst.get_typed_func::<i32, i32>(&store, "dirty").unwrap();
    let f = inst.get_typed_func::<i32, f64>(&store, "series").unwrap();
    for n in [0, 1, 2, 3, 5, 8, 40] {
        assert_eq!(dirty.call(&mut store, n).unwrap(), n - 1);
        let got = f.call(&mut store, n).unwrap();
        // Address 64 holds whatever the last (innermost) call stored, so compute the
        // expected value the same way, step by step.
        assert_eq!(got, expected_series(n), "series({n})");
    }
}

/// `series` as the module computes it: the load reads memory, which a recursive call
/// overwrites with its own `n * 0.25`.
fn expected_series(n: i32) -> f64 {
    fn go(n: i32, mem: &mut f64) -> f64 {
        *mem = n as f64 * 0.25;
        let mut sum = 0.0;
        let mut i = 0;
        while i < n {
            sum += 0.5 / (i as f64 + 3.0);
            sum += *mem;
            if i == 2 {
                sum += go(n >> 1, mem);
            }
            i += 1;
        }
        sum * 2.0
    }
    go(n, &mut 0.0)
}

#[test]
fn a_zero_set_left_out_still_reads_as_zero() {
    let (mut store, inst) = instantiate(&Config::new(), MODULE);
    let dirty = inst.get_typed_func::<i32, i32>(&store, "dirty").unwrap();
    let f = inst.get_typed_func::<i32, i32>(&store, "sum_to").unwrap();
    for n in [0u32, 1, 2, 3, 10, 1000] {
        dirty.call(&mut store, 7).unwrap();
        // n + (n-1) + … + 2, plus the 1 left in $n.
        let expected = if n < 2 { n } else { (2..=n).sum::<u32>() + 1 };
        assert_eq!(
            f.call(&mut store, n as i32).unwrap() as u32,
            expected,
            "sum_to({n})"
        );
    }
}
