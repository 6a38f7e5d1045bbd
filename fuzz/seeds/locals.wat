(module
  (func (export "locals") (param i32 i64 f32 f64) (result f64)
    (local i32 i64 f32 f64 i32 i32)
    local.get 0 local.tee 4 local.set 8
    local.get 1 i64.const 3 i64.add local.set 5
    local.get 2 f32.const 1 f32.add local.set 6
    local.get 3 local.get 6 f64.promote_f32 f64.mul local.set 7
    local.get 7 local.get 5 f64.convert_i64_s f64.add local.get 8 f64.convert_i32_u f64.add)
  (func (export "deep_stack") (result i32)
    i32.const 1 i32.const 2 i32.const 3 i32.const 4 i32.const 5 i32.const 6 i32.const 7 i32.const 8
    i32.add i32.add i32.add i32.add i32.add i32.add i32.add))
