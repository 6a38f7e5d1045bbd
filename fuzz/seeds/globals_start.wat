(module
  (global $g (mut i32) (i32.const 5))
  (global $c i64 (i64.const -1))
  (global (export "gf") (mut f64) (f64.const 2.5))
  (memory 1)
  (func $start global.get $g i32.const 1 i32.add global.set $g
    i32.const 0 global.get $g i32.store)
  (start $start)
  (func (export "get") (result i32 i64) global.get $g global.get $c)
  (func (export "bump") (param i32) (result i32)
    global.get $g local.get 0 i32.add global.set $g global.get $g))
