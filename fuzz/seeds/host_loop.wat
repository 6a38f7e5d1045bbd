(module
  (import "env" "tick" (func $tick (param i64) (result i64)))
  (import "" "" (memory 1))
  (func (export "spin") (param i32) (result i64) (local i64)
    loop $l
      local.get 1 call $tick local.get 1 i64.add i64.const 1 i64.add local.set 1
      i32.const 0 local.get 1 i64.store32 offset=0
      local.get 1 i64.const 50 i64.lt_u br_if $l
    end
    local.get 1)
  (func (export "grow_imported") (result i32)
    i32.const 1 memory.grow drop
    i32.const 0 i32.const 7 i32.store8 i32.const 0 i32.load8_u memory.size i32.add))
