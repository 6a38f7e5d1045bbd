//! Instructions the translator fuses compute what the separate ones do, checked against
//! Rust and against code translated without fused forms:
//! - an `xor` of a value and a shifted or rotated one (`I32XorRotlImm` and its kin),
//!   with amounts at and past the width (Wasm takes them modulo the width);
//! - a `br_table` on a byte just loaded (`BrTableLoad8U`), including the load's trap;
//! - a product feeding a sum (`F64AccMulAdd`, `F64SubAccMul`), rounded twice;
//! - a byte loaded for a test alone (`BrI32NeLoad8UIdx`, `BrIfNezLoad8U`, …), including
//!   the load's trap and where it is reported;
//! - integer pairs: a product by a constant feeding a sum (`I32MulImmAdd`), a bit field
//!   taken out (`I32ShrUAndImm`), a masked test (`BrI32AndNeImm`, …).

mod common;
use common::instantiate;
use wisp::Config;

const MODULE: &str = r#"(module
  ;; SHA-256's big sigma 1: a rotate, then two folded into xors in a chain.
  (func (export "sigma1") (param $e i32) (result i32)
    (i32.xor
      (i32.xor (i32.rotl (local.get $e) (i32.const 26)) (i32.rotl (local.get $e) (i32.const 21)))
      (i32.rotl (local.get $e) (i32.const 7))))
  ;; Xorshift: each step shifts the value the step before left in the local.
  (func (export "xorshift32") (param $x i32) (result i32)
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
    (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
  ;; SipHash's half round: the rotated value below a local read after it.
  (func (export "sip") (param $v0 i64) (param $v1 i64) (result i64)
    (i64.xor (i64.rotl (local.get $v1) (i64.const 13)) (local.get $v0)))
  (func (export "sip_self") (param $v i64) (result i64)
    (i64.xor (i64.shr_u (local.get $v) (i64.const 33)) (local.get $v)))
  ;; Amounts past the width, and the widest.
  (func (export "wide32") (param $a i32) (param $b i32) (result i32)
    (i32.xor
      (i32.xor (local.get $a) (i32.shl (local.get $b) (i32.const 37)))
      (i32.xor (i32.rotl (local.get $a) (i32.const -1)) (i32.shr_u (local.get $b) (i32.const 31)))))
  (func (export "wide64") (param $a i64) (param $b i64) (result i64)
    (i64.xor
      (i64.xor (local.get $a) (i64.shr_u (local.get $b) (i64.const 65)))
      (i64.xor (i64.rotl (local.get $a) (i64.const 63)) (i64.shl (local.get $b) (i64.const 128)))))
)"#;

fn sigma1(e: i32) -> i32 {
    e.rotate_left(26) ^ e.rotate_left(21) ^ e.rotate_left(7)
}

fn xorshift32(mut x: i32) -> i32 {
    x ^= x << 13;
    x ^= ((x as u32) >> 17) as i32;
    x ^ (x << 5)
}

fn wide32(a: i32, b: i32) -> i32 {
    (a ^ (b << 5)) ^ (a.rotate_left(31) ^ ((b as u32) >> 31) as i32)
}

fn wide64(a: i64, b: i64) -> i64 {
    (a ^ ((b as u64) >> 1) as i64) ^ a.rotate_left(63) ^ b
}

#[test]
fn xor_of_a_shifted_value_computes_what_the_two_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    let samples: [i64; 8] = [
        0,
        1,
        -1,
        i64::MIN,
        i64::MAX,
        0x0123_4567_89ab_cdef,
        -0x7edc_ba98_7654_3211,
        0x8000_0001,
    ];
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, MODULE);
        let f32s = |name| inst.get_typed_func::<i32, i32>(&store, name).unwrap();
        let (sigma, xs) = (f32s("sigma1"), f32s("xorshift32"));
        let w32 = inst
            .get_typed_func::<(i32, i32), i32>(&store, "wide32")
            .unwrap();
        let w64 = inst
            .get_typed_func::<(i64, i64), i64>(&store, "wide64")
            .unwrap();
        let sip = inst
            .get_typed_func::<(i64, i64), i64>(&store, "sip")
            .unwrap();
        let sip_self = inst.get_typed_func::<i64, i64>(&store, "sip_self").unwrap();
        for &a in &samples {
            let a32 = a as i32;
            assert_eq!(sigma.call(&mut store, a32).unwrap(), sigma1(a32), "{a:#x}");
            assert_eq!(xs.call(&mut store, a32).unwrap(), xorshift32(a32), "{a:#x}");
            assert_eq!(
                sip_self.call(&mut store, a).unwrap(),
                ((a as u64) >> 33) as i64 ^ a
            );
            for &b in &samples {
                let b32 = b as i32;
                assert_eq!(w32.call(&mut store, (a32, b32)).unwrap(), wide32(a32, b32));
                assert_eq!(w64.call(&mut store, (a, b)).unwrap(), wide64(a, b));
                assert_eq!(sip.call(&mut store, (a, b)).unwrap(), b.rotate_left(13) ^ a);
            }
        }
    }
}

/// A byte-code interpreter: `run(pc)` dispatches on the byte at `pc` until opcode 0.
const INTERPRETER: &str = r#"(module
  (memory (export "memory") 1)
  ;; 1: acc += 1, 2: acc *= 2, 3: acc -= 3, 0 or anything else: stop.
  (data (i32.const 100) "\01\02\02\01\03\02\00")
  (data (i32.const 200) "\01\01\09")
  (func (export "run") (param $pc i32) (result i32)
    (local $acc i32)
    (loop $next
      (block $stop
        (block $sub
          (block $double
            (block $inc
              (br_table $stop $inc $double $sub $stop (i32.load8_u (local.get $pc))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
            (br $next))
          (local.set $acc (i32.shl (local.get $acc) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next))
        (local.set $acc (i32.sub (local.get $acc) (i32.const 3)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next)))
    (local.get $acc))
)"#;

#[test]
fn a_table_on_a_byte_just_loaded_dispatches_and_traps_as_the_load_would() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, INTERPRETER);
        let run = inst.get_typed_func::<i32, i32>(&store, "run").unwrap();
        // ((0 + 1) * 2 * 2 + 1 - 3) * 2 = 4
        assert_eq!(run.call(&mut store, 100).unwrap(), 4);
        // Opcode 9 takes the default, which stops.
        assert_eq!(run.call(&mut store, 200).unwrap(), 2);
        // The last byte of memory is 0; one past it traps in the load.
        assert_eq!(run.call(&mut store, 65535).unwrap(), 0);
        let err = run.call(&mut store, 65536).unwrap_err();
        assert!(
            err.to_string().contains("out of bounds memory access"),
            "{err}"
        );
    }
}

/// Dot products: `sum + a * b` and `sum - a * b` over memory, where each product is
/// computed from a value just loaded (so the product reads it from the accumulator).
const DOT: &str = r#"(module
  (memory 1)
  (func (export "set") (param $i i32) (param $v f64)
    (f64.store (i32.shl (local.get $i) (i32.const 3)) (local.get $v)))
  (func (export "dot") (param $n i32) (param $sign f64) (result f64)
    (local $i i32) (local $sum f64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (f64.add (local.get $sum)
            (f64.mul (f64.load (i32.shl (local.get $i) (i32.const 4)))
                     (f64.mul (local.get $sign)
                              (f64.load offset=8 (i32.shl (local.get $i) (i32.const 4)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
  (func (export "residual") (param $x f64) (param $a f64) (param $b f64) (result f64)
    (f64.sub (local.get $x) (f64.mul (f64.add (local.get $a) (f64.const 0)) (local.get $b))))
  (func (export "mul_add") (param $a f64) (param $b f64) (param $c f64) (result f64)
    (f64.add (f64.mul (f64.add (local.get $a) (f64.const 0)) (local.get $b)) (local.get $c)))
)"#;

#[test]
fn a_product_feeding_a_sum_rounds_twice_as_the_two_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    // (1 + 2^-52)(1 - 2^-52) = 1 - 2^-104 rounds to 1: one rounding more than a fused
    // multiply-add, which would give -2^-104 for the sum with -1.
    let (a, b) = (1.0 + f64::EPSILON, 1.0 - f64::EPSILON);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, DOT);
        let set = inst
            .get_typed_func::<(i32, f64), ()>(&store, "set")
            .unwrap();
        let dot = inst
            .get_typed_func::<(i32, f64), f64>(&store, "dot")
            .unwrap();
        let three = |name| {
            inst.get_typed_func::<(f64, f64, f64), f64>(&store, name)
                .unwrap()
        };
        let (residual, mul_add) = (three("residual"), three("mul_add"));
        assert_eq!(mul_add.call(&mut store, (a, b, -1.0)).unwrap(), 0.0);
        assert_eq!(residual.call(&mut store, (1.0, a, b)).unwrap(), 0.0);
        assert!(mul_add
            .call(&mut store, (f64::INFINITY, 0.0, 1.0))
            .unwrap()
            .is_nan());
        let values = [1.5, -2.0, 0.25, 8.0, 3.0, -0.5, 1e300, 1e10];
        for (i, v) in values.iter().enumerate() {
            set.call(&mut store, (i as i32, *v)).unwrap();
        }
        for sign in [1.0, -1.0] {
            let mut expected = 0.0;
            for pair in values.chunks(2) {
                expected += pair[0] * (sign * pair[1]);
            }
            assert_eq!(dot.call(&mut store, (4, sign)).unwrap(), expected);
        }
    }
}

/// Byte loops: the length of the common prefix of two strings, and a count of the
/// non-zero bytes before the first zero.
const BYTES: &str = r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "abcdefgh\00")
  (data (i32.const 48) "abcdeXgh\00")
  (func (export "common") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br_if $done (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i)))
                             (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $i))
  (func (export "strlen") (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (i32.load8_u offset=0 (local.get $p))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $l)))
    (local.get $n))
)"#;

#[test]
fn a_byte_loaded_for_a_test_is_tested_and_traps_as_the_load_would() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, BYTES);
        let common = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, "common")
            .unwrap();
        let strlen = inst.get_typed_func::<i32, i32>(&store, "strlen").unwrap();
        assert_eq!(common.call(&mut store, (16, 48, 8)).unwrap(), 5);
        assert_eq!(common.call(&mut store, (16, 16, 8)).unwrap(), 8);
        assert_eq!(common.call(&mut store, (16, 48, 3)).unwrap(), 3);
        assert_eq!(strlen.call(&mut store, 16).unwrap(), 8);
        assert_eq!(strlen.call(&mut store, 20).unwrap(), 4);
        // Memory past 65 500 holds zeros: the loop stops at the first.
        assert_eq!(strlen.call(&mut store, 65_500).unwrap(), 0);
        // The address is the i32 sum of the two slots: from -1 it is 0xffff_ffff, past
        // the end, and the first load traps.
        assert_eq!(common.call(&mut store, (1, 1, 3)).unwrap(), 3);
        let err = common.call(&mut store, (-1, -1, 1)).unwrap_err();
        assert!(
            err.to_string().contains("out of bounds memory access"),
            "{err}"
        );
        // The same string compared with itself up to the end of memory traps there.
        let err = common.call(&mut store, (65_530, 65_530, 10)).unwrap_err();
        assert!(
            err.to_string().contains("out of bounds memory access"),
            "{err}"
        );
        let err = strlen.call(&mut store, 65_536).unwrap_err();
        assert!(
            err.to_string().contains("out of bounds memory access"),
            "{err}"
        );
    }
}

/// Integer pairs: a product by a constant feeding a sum (row-major indexing, digits to a
/// number), a bit field taken out, and a byte tested under a mask.
const INTS: &str = r#"(module
  (func (export "index") (param $i i32) (param $j i32) (result i32)
    (i32.add (i32.mul (local.get $i) (i32.const -100)) (local.get $j)))
  ;; The product's slot is the sum's: `$v` is overwritten.
  (func (export "digits") (param $v i32) (param $d i32) (result i32)
    (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $d)))
    (local.get $v))
  ;; The product of a value just computed (its accumulator form).
  (func (export "hash") (param $h i32) (param $b i32) (result i32)
    (i32.add (i32.mul (i32.xor (local.get $h) (local.get $b)) (i32.const 16777619))
             (local.get $b)))
  (func (export "field") (param $x i32) (param $k i32) (result i32)
    (i32.add (i32.and (i32.shr_u (local.get $x) (i32.const 37)) (i32.const 3))
             (local.get $k)))
  ;; A step of FNV-1a, and one of a value just computed (its accumulator form).
  (func (export "fnv") (param $h i32) (param $b i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (local.get $b)) (i32.const 16777619)))
    (local.get $h))
  (func (export "fnv_acc") (param $h i32) (param $b i32) (result i32)
    (i32.mul (i32.xor (i32.add (local.get $b) (i32.const 1)) (local.get $h))
             (i32.const -7)))
  (func (export "low_byte") (param $x i32) (param $base i32) (result i32)
    (i32.add (i32.and (local.get $x) (i32.const 255)) (local.get $base)))
  (func (export "wrap_diff") (param $a i32) (param $b i32) (result i32)
    (i32.and (i32.sub (local.get $a) (local.get $b)) (i32.const 0xffff)))
  (func (export "masked") (param $c i32) (result i32)
    (local $n i32)
    (if (i32.ne (i32.and (local.get $c) (i32.const 0xe0)) (i32.const 0xc0))
      (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
    (if (i32.eq (i32.and (local.get $c) (i32.const -32)) (i32.const -64))
      (then (local.set $n (i32.add (local.get $n) (i32.const 2)))))
    (if (i32.gt_u (i32.and (local.get $c) (i32.const 255)) (i32.const 127))
      (then (local.set $n (i32.add (local.get $n) (i32.const 4)))))
    (if (i32.lt_u (i32.and (local.get $c) (i32.const -2)) (i32.const -3))
      (then (local.set $n (i32.add (local.get $n) (i32.const 8)))))
    (local.get $n))
)"#;

fn masked(c: i32) -> i32 {
    let mut n = 0;
    if c & 0xe0 != 0xc0 {
        n += 1;
    }
    if c & -32 == -64 {
        n += 2;
    }
    if (c & 255) as u32 > 127 {
        n += 4;
    }
    if ((c & -2) as u32) < (-3i32) as u32 {
        n += 8;
    }
    n
}

#[test]
fn integer_pairs_compute_what_the_two_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    let values = [
        0,
        1,
        -1,
        7,
        0xc3,
        0xe5,
        -64,
        -63,
        -3,
        -4,
        i32::MAX,
        i32::MIN,
        0x1234_5678,
    ];
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, INTS);
        let two = |name| {
            inst.get_typed_func::<(i32, i32), i32>(&store, name)
                .unwrap()
        };
        let (index, digits, hash, field) = (two("index"), two("digits"), two("hash"), two("field"));
        let (fnv, fnv_acc) = (two("fnv"), two("fnv_acc"));
        let (low_byte, wrap_diff) = (two("low_byte"), two("wrap_diff"));
        let mask = inst.get_typed_func::<i32, i32>(&store, "masked").unwrap();
        for &a in &values {
            assert_eq!(mask.call(&mut store, a).unwrap(), masked(a), "masked({a})");
            for &b in &values {
                let m = a.wrapping_mul(-100).wrapping_add(b);
                assert_eq!(index.call(&mut store, (a, b)).unwrap(), m);
                let d = a.wrapping_mul(10).wrapping_add(b);
                assert_eq!(digits.call(&mut store, (a, b)).unwrap(), d);
                let h = (a ^ b).wrapping_mul(16777619).wrapping_add(b);
                assert_eq!(hash.call(&mut store, (a, b)).unwrap(), h);
                let f = ((((a as u32) >> 5) & 3) as i32).wrapping_add(b);
                assert_eq!(field.call(&mut store, (a, b)).unwrap(), f);
                let x = (a ^ b).wrapping_mul(16777619);
                assert_eq!(fnv.call(&mut store, (a, b)).unwrap(), x);
                let x = (b.wrapping_add(1) ^ a).wrapping_mul(-7);
                assert_eq!(fnv_acc.call(&mut store, (a, b)).unwrap(), x);
                let x = (a & 255).wrapping_add(b);
                assert_eq!(low_byte.call(&mut store, (a, b)).unwrap(), x);
                let x = a.wrapping_sub(b) & 0xffff;
                assert_eq!(wrap_diff.call(&mut store, (a, b)).unwrap(), x);
            }
        }
    }
}

#[test]
fn two_copies_in_one_instruction_copy_in_order() {
    // Each turn moves locals down a chain (`CopyPair`, the second copy reading what the
    // first wrote), and the latch copies two more and jumps back (`CopyPairBr`).
    let text = r#"(module (func (export "f") (param i32 i32 i32) (result i32) (local i32 i32 i32)
      (block $out
        (loop $l
          (br_if $out (i32.eqz (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (local.set 3 (local.get 1))
          (local.set 4 (local.get 3))
          (local.set 5 (i32.add (local.get 3) (local.get 2)))
          (local.set 1 (local.get 2))
          (local.set 2 (local.get 5))
          (br $l)))
      (i32.add (local.get 4) (i32.mul (local.get 2) (i32.const 100)))))"#;
    let expected = |mut n: u32, mut l1: u32, mut l2: u32| {
        let mut l4 = 0u32;
        while n != 0 {
            n -= 1;
            let l3 = l1;
            l4 = l3;
            let l5 = l3.wrapping_add(l2);
            l1 = l2;
            l2 = l5;
        }
        l4.wrapping_add(l2.wrapping_mul(100))
    };
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, text);
        let f = inst
            .get_typed_func::<(i32, i32, i32), i32>(&store, "f")
            .unwrap();
        for (n, a, b) in [(0, 1, 2), (1, 1, 2), (5, 1, 2), (8, 3, -7), (31, 1, 1)] {
            assert_eq!(
                f.call(&mut store, (n, a, b)).unwrap() as u32,
                expected(n as u32, a as u32, b as u32),
                "f({n}, {a}, {b})"
            );
        }
    }
}

/// Float chains through the float accumulator, and values that cross between it and the
/// integer one by reinterpretation, in both directions.
const FLOATS: &str = r#"(module
  (memory 1)
  (func (export "chain") (param $x f64) (param $n i32) (result f64)
    (loop $l
      (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.999999)) (f64.const 0.5)))
      (local.set $x (f64.sqrt (f64.sub (f64.div (local.get $x) (f64.const 1.000001)) (f64.const 0.25))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x))
  (func (export "bits_then_float") (param $b i64) (param $y f64) (result f64)
    (f64.add (f64.reinterpret_i64 (i64.add (local.get $b) (i64.const 1))) (local.get $y)))
  (func (export "float_then_bits") (param $x f64) (param $y f64) (result i64)
    (i64.and (i64.reinterpret_f64 (f64.mul (local.get $x) (local.get $y)))
             (i64.const 0x000f_ffff_ffff_ffff)))
  (func (export "load_then_float") (param $b i64) (result f64)
    (i64.store (i32.const 8) (local.get $b))
    (f64.neg (f64.abs (f64.load (i32.const 8)))))
  (func (export "copysign_bits") (param $x f64) (param $y f64) (result i64)
    (i64.reinterpret_f64 (f64.neg (f64.copysign (local.get $x) (local.get $y)))))
  (func (export "compare") (param $x f64) (param $y f64) (result i32)
    (f64.lt (f64.mul (local.get $x) (local.get $y)) (local.get $y)))
  (func (export "store_product") (param $x f64) (param $y f64) (result i64)
    (f64.store (i32.const 16) (f64.mul (local.get $x) (local.get $y)))
    (i64.load (i32.const 16)))
)"#;

#[test]
fn float_results_passed_in_the_float_register_keep_their_values_and_bits() {
    let mut plain = Config::new();
    plain.plain_code(true);
    let nan_bits: i64 = 0x7ff4_0000_0000_0abc; // a signalling NaN with a payload
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, FLOATS);
        let chain = inst
            .get_typed_func::<(f64, i32), f64>(&store, "chain")
            .unwrap();
        let mut x = 3.0f64;
        for _ in 0..1000 {
            x = x * 0.999999 + 0.5;
            x = (x / 1.000001 - 0.25).sqrt();
        }
        assert_eq!(
            chain.call(&mut store, (3.0, 1000)).unwrap().to_bits(),
            x.to_bits()
        );
        let btf = inst
            .get_typed_func::<(i64, f64), f64>(&store, "bits_then_float")
            .unwrap();
        let b = 1.5f64.to_bits() as i64;
        assert_eq!(
            btf.call(&mut store, (b, 2.0)).unwrap(),
            f64::from_bits(b as u64 + 1) + 2.0
        );
        let ftb = inst
            .get_typed_func::<(f64, f64), i64>(&store, "float_then_bits")
            .unwrap();
        assert_eq!(
            ftb.call(&mut store, (1.25, -3.5)).unwrap(),
            ((1.25f64 * -3.5).to_bits() & 0x000f_ffff_ffff_ffff) as i64
        );
        let ltf = inst
            .get_typed_func::<i64, f64>(&store, "load_then_float")
            .unwrap();
        assert_eq!(ltf.call(&mut store, b).unwrap(), -1.5);
        let nan = ltf.call(&mut store, nan_bits).unwrap().to_bits();
        assert_eq!(
            nan,
            (nan_bits as u64) | (1 << 63),
            "abs and neg keep a NaN's payload"
        );
        let csb = inst
            .get_typed_func::<(f64, f64), i64>(&store, "copysign_bits")
            .unwrap();
        let x = f64::from_bits(nan_bits as u64);
        assert_eq!(
            csb.call(&mut store, (x, -1.0)).unwrap() as u64,
            nan_bits as u64,
            "copysign and neg keep a NaN's payload"
        );
        let cmp = inst
            .get_typed_func::<(f64, f64), i32>(&store, "compare")
            .unwrap();
        assert_eq!(cmp.call(&mut store, (0.5, 4.0)).unwrap(), 1);
        assert_eq!(cmp.call(&mut store, (2.0, 4.0)).unwrap(), 0);
        assert_eq!(cmp.call(&mut store, (f64::NAN, 4.0)).unwrap(), 0);
        let sp = inst
            .get_typed_func::<(f64, f64), i64>(&store, "store_product")
            .unwrap();
        assert_eq!(
            sp.call(&mut store, (1.5, -2.25)).unwrap() as u64,
            (1.5f64 * -2.25).to_bits()
        );
    }
}

/// Masked tests that keep the masked value, or whose constants need 16 unsigned bits
/// (`BrI32AndNeMask` and its kin): a walk along `u16` links ending at `0xffff`, and each
/// comparison once with the masked value read after it.
const MASKS: &str = r#"(module
  (memory 1)
  ;; next[i] at 2 * i, a u16; count the links from `start` until 0xffff.
  (func (export "walk") (param $start i32) (result i32)
    (local $cur i32) (local $n i32)
    (local.set $cur (local.get $start))
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.tee $cur (i32.and (local.get $cur) (i32.const 0xffff)))
                             (i32.const 0xffff)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $cur (i32.load16_u (i32.shl (local.get $cur) (i32.const 1))))
        (br $l)))
    (local.get $n))
  (func (export "link") (param $i i32) (param $next i32)
    (i32.store16 (i32.shl (local.get $i) (i32.const 1)) (local.get $next)))
  (func (export "tests") (param $c i32) (result i32)
    (local $m i32) (local $n i32)
    (if (i32.ne (local.tee $m (i32.and (local.get $c) (i32.const 0xffff))) (i32.const 0xffff))
      (then (local.set $n (i32.add (local.get $n) (local.get $m)))))
    (if (i32.gt_u (local.tee $m (i32.and (local.get $c) (i32.const 0xff00))) (i32.const 0x8000))
      (then (local.set $n (i32.xor (local.get $n) (local.get $m)))))
    (if (i32.lt_u (local.tee $m (i32.and (local.get $c) (i32.const 0xfff0))) (i32.const 0xfff0))
      (then (local.set $n (i32.add (local.get $n) (i32.const 3)))))
    (if (i32.ge_u (local.tee $m (i32.and (local.get $c) (i32.const 0x00ff))) (i32.const 0x0080))
      (then (local.set $n (i32.sub (local.get $n) (local.get $m)))))
    (if (i32.and (local.get $c) (i32.const 0x8000))
      (then (local.set $n (i32.add (local.get $n) (i32.const 100)))))
    (if (i32.eqz (i32.and (local.get $c) (i32.const 0x8001)))
      (then (local.set $n (i32.add (local.get $n) (i32.const 1000)))))
    (i32.add (local.get $n) (local.get $m)))
)"#;

fn tests(c: i32) -> i32 {
    let mut n = 0i32;
    let mut m = c & 0xffff;
    if m != 0xffff {
        n = n.wrapping_add(m);
    }
    m = c & 0xff00;
    if m as u32 > 0x8000 {
        n ^= m;
    }
    m = c & 0xfff0;
    if (m as u32) < 0xfff0 {
        n = n.wrapping_add(3);
    }
    m = c & 0xff;
    if m as u32 >= 0x80 {
        n = n.wrapping_sub(m);
    }
    if c & 0x8000 != 0 {
        n = n.wrapping_add(100);
    }
    if c & 0x8001 == 0 {
        n = n.wrapping_add(1000);
    }
    n.wrapping_add(m)
}

#[test]
fn masked_tests_that_keep_the_masked_value_compute_what_the_two_instructions_do() {
    let mut plain = Config::new();
    plain.plain_code(true);
    for config in [Config::new(), plain] {
        let (mut store, inst) = instantiate(&config, MASKS);
        let link = inst
            .get_typed_func::<(i32, i32), ()>(&store, "link")
            .unwrap();
        let walk = inst.get_typed_func::<i32, i32>(&store, "walk").unwrap();
        let t = inst.get_typed_func::<i32, i32>(&store, "tests").unwrap();
        // 0 -> 5 -> 3 -> 0xffff; the high bits of a start are masked off.
        for (i, next) in [(0, 5), (5, 3), (3, 0xffff)] {
            link.call(&mut store, (i, next)).unwrap();
        }
        assert_eq!(walk.call(&mut store, 0).unwrap(), 3);
        assert_eq!(walk.call(&mut store, 0x7_0005).unwrap(), 2);
        assert_eq!(walk.call(&mut store, -1).unwrap(), 0);
        for c in [
            0,
            1,
            0x7f,
            0x80,
            0xff,
            0x8000,
            0x8001,
            0x80ff,
            0xfff0,
            0xffef,
            0xffff,
            0x1_ffff,
            -1,
            i32::MIN,
            i32::MAX,
            0x1234_5678,
        ] {
            assert_eq!(t.call(&mut store, c).unwrap(), tests(c), "tests({c:#x})");
        }
    }
}
