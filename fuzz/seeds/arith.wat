(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "i64ops") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.mul local.get 1 i64.const 7 i64.rotl i64.xor
    i64.const 3 i64.shr_s i64.popcnt local.get 0 i64.clz i64.add)
  (func (export "div0") (result i32) i32.const 1 i32.const 0 i32.div_s)
  (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
  (func (export "rem") (param i32) (result i32) i32.const -7 local.get 0 i32.const 3 i32.add i32.rem_s)
  (func (export "cmp") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.lt_u local.get 0 local.get 1 i32.ge_s i32.and local.get 0 i32.eqz i32.or)
  (func (export "sext") (param i32) (result i64)
    local.get 0 i32.extend8_s i32.extend16_s i64.extend_i32_s i64.extend32_s)
  (func (export "select") (param i32) (result i32) i32.const 10 i32.const 20 local.get 0 select))
