;; Calls back into the firmware: reads a sensor, reports each value, and can trap.
(module
  (import "env" "sensor" (func $sensor (param i32) (result i32)))
  (import "env" "report" (func $report (param i32 i32)))
  (memory (export "memory") 1024 8192 (pagesize 1))
  (func (export "poll") (param $n i32) (result i32) (local $i i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $sensor (local.get $i))))
      (call $report (local.get $i) (local.get $sum))
      (i32.store8 (local.get $i) (local.get $sum))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "crash") unreachable)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "spin") (loop (br 0))))
