;; binary-trees (the Computer Language Benchmarks Game's shape) with WasmGC structs:
;; millions of short-lived trees and one long-lived tree. `run N` returns the sum of
;; the node counts of every tree it checked, so the answer is known in closed form.
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  (func $make (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new_default $node))
      (else
        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
        (struct.new $node (call $make (local.get $depth)) (call $make (local.get $depth))))))

  (func $check (param $n (ref $node)) (result i32)
    (local $l (ref null $node))
    (local.set $l (struct.get $node $left (local.get $n)))
    (if (result i32) (ref.is_null (local.get $l))
      (then (i32.const 1))
      (else
        (i32.add (i32.const 1)
          (i32.add (call $check (ref.as_non_null (local.get $l)))
                   (call $check (ref.as_non_null (struct.get $node $right (local.get $n)))))))))

  (func (export "run") (param $max i32) (result i32)
    (local $total i32) (local $long (ref null $node)) (local $d i32) (local $i i32)
    (local.set $total (call $check (call $make (i32.add (local.get $max) (i32.const 1)))))
    (local.set $long (call $make (local.get $max)))
    (local.set $d (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $d) (local.get $max)))
        (local.set $i (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
        (loop $trees
          (local.set $total (i32.add (local.get $total) (call $check (call $make (local.get $d)))))
          (local.set $i (i32.sub (local.get $i) (i32.const 1)))
          (br_if $trees (i32.gt_s (local.get $i) (i32.const 0))))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (br $depths)))
    (i32.add (local.get $total) (call $check (ref.as_non_null (local.get $long))))))
