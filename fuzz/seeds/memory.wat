(module
  (memory (export "mem") 1 4)
  (data (i32.const 0) "hello, wisp\00\01\02\03")
  (data (i32.const 65530) "edge!!")
  (func (export "load") (param i32) (result i32) local.get 0 i32.load offset=2)
  (func (export "loads") (param i32) (result i64)
    local.get 0 i64.load8_s local.get 0 i64.load16_u offset=1 i64.add
    local.get 0 i64.load32_s align=1 i64.add local.get 0 i64.load offset=3 i64.add)
  (func (export "store") (param i32 i64)
    local.get 0 local.get 1 i64.store offset=8
    local.get 0 local.get 1 i32.wrap_i64 i32.store8
    local.get 0 f64.const 1.5 f64.store offset=16
    local.get 0 f32.const -2 f32.store align=1)
  (func (export "oob") (result i32) i32.const 65535 i32.load)
  (func (export "oob_offset") (result i32) i32.const -1 i32.load offset=0xffffffff)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow memory.size i32.add)
  (func (export "grow_fail") (result i32) i32.const 10 memory.grow))
