;; Writes and sums all of a memory larger than the board's RAM cache.
(module
  (memory (export "memory") 32768 32768 (pagesize 1))
  (func (export "touch") (result i32) (local $i i32) (local $s i32)
    (loop $w
      (i32.store (local.get $i) (i32.mul (local.get $i) (i32.const 0x9E3779B1)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $w (i32.lt_u (local.get $i) (i32.const 32768))))
    (local.set $i (i32.const 0))
    (loop $r
      (local.set $s (i32.add (i32.rotl (local.get $s) (i32.const 1)) (i32.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $r (i32.lt_u (local.get $i) (i32.const 32768))))
    (local.get $s)))
