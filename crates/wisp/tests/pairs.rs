//! Pairs (one handler for two instructions, `build/rows_pairs.rs`) compute what the two
//! instructions do, whichever way control leaves the first: into the second as the
//! translator guessed (falling through, past a test the first skips, or along a taken
//! branch), or elsewhere, where the pair dispatches as usual. Checked against Rust and
//! against code translated without fused forms, and a trap in either half is reported
//! as the instruction's own.

mod common;
use common::instantiate;
use wisp::Config;

const MODULE: &str = r#"(module
  (memory 1)
  ;; A sieve's crossing-out loop: a byte store, then the step-and-test that loops back
  ;; to it (I32Store8Imm, then BrI32LtUAdd), and the clearing loop before it
  ;; (I32Store8Imm, then BrI32LtUStep). Counts the bytes left zero below n.
  (func (export "sieve") (param $n i32) (param $step i32) (result i32)
    (local $i i32) (local $count i32)
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $clear)))
    (local.set $i (local.get $step))
    (block $marked
      (loop $mark
        (br_if $marked (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (local.get $step)))
        (br $mark)))
    (local.set $i (i32.const 0))
    (block $done
      (loop $count
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count)))
    (local.get $count))
  ;; A store then a bump of its own address (I32Store8Imm, then I32Add), ending with
  ;; the address, whose last store may be out of bounds.
  (func (export "fill") (param $p i32) (param $end i32) (param $step i32) (result i32)
    (block $done
      (loop $l
        (i32.store8 (local.get $p) (i32.const 7))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (br_if $l (i32.lt_u (local.get $p) (local.get $end)))))
    (local.get $p))
  ;; Two steps of a hash, each the first of a pair with the next (I32XorShlImm, then
  ;; I32XorShrUImmAcc, then I32XorShlImmAcc).
  (func (export "xorshift") (param $x i32) (param $n i32) (result i32)
    (loop $l
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
      (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
)"#;

fn sieve(n: i32, step: i32) -> i32 {
    let n = n as u32 as usize;
    let step = step as u32 as usize;
    let mut bytes = vec![0u8; n];
    let mut i = step;
    while i < n {
        bytes[i] = 1;
        i = (i as u32).wrapping_add(step as u32) as usize;
    }
    bytes.iter().filter(|&&b| b == 0).count() as i32
}

fn xorshift(mut x: i32, mut n: i32) -> i32 {
    loop {
        x ^= x << 13;
        x ^= ((x as u32) >> 17) as i32;
        x ^= x << 5;
        n = n.wrapping_sub(1);
        if n == 0 {
            return x;
        }
    }
}

#[test]
fn pairs_compute_what_their_two_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, MODULE);
        let sieve_f = inst
            .get_typed_func::<(i32, i32), i32>(&store, "sieve")
            .unwrap();
        for (n, step) in [(0, 1), (1, 1), (10, 3), (1000, 7), (65536, 1), (5000, 4999)] {
            assert_eq!(
                sieve_f.call(&mut store, (n, step)).unwrap(),
                sieve(n, step),
                "sieve({n}, {step})"
            );
        }
        let xs = inst
            .get_typed_func::<(i32, i32), i32>(&store, "xorshift")
            .unwrap();
        for (x, n) in [(1, 1), (1, 2), (0x1234_5678, 100), (-1, 7)] {
            assert_eq!(xs.call(&mut store, (x, n)).unwrap(), xorshift(x, n));
        }
        let fill = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, "fill")
            .unwrap();
        // The loop runs once when the first bump already passes the end.
        assert_eq!(fill.call(&mut store, (10, 5, 3)).unwrap(), 13);
        assert_eq!(fill.call(&mut store, (0, 100, 7)).unwrap(), 105);
        // A store past the end traps in the pair's first half, before the bump.
        let err = fill.call(&mut store, (65534, 70000, 1)).unwrap_err();
        assert!(err.to_string().contains("out of bounds"), "{err}");
    }
}
