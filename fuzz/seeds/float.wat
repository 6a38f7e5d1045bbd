(module
  (func (export "f32") (param f32 f32) (result f32)
    local.get 0 local.get 1 f32.div f32.sqrt local.get 1 f32.min local.get 0 f32.copysign f32.nearest)
  (func (export "f64") (param f64 f64) (result f64)
    local.get 0 local.get 1 f64.sub f64.abs local.get 1 f64.max f64.floor f64.const nan f64.add f64.ceil f64.trunc)
  (func (export "trunc_trap") (result i32) f32.const nan i32.trunc_f32_s)
  (func (export "trunc_big") (result i64) f64.const 1e30 i64.trunc_f64_u)
  (func (export "trunc_sat") (param f64) (result i32) local.get 0 f64.const inf f64.add i32.trunc_sat_f64_s)
  (func (export "conv") (param i64) (result f64)
    local.get 0 f64.convert_i64_u local.get 0 f32.convert_i64_s f64.promote_f32 f64.add
    f32.demote_f64 i32.reinterpret_f32 f32.reinterpret_i32 f64.promote_f32)
  (func (export "cmp") (param f32 f64) (result i32)
    local.get 0 local.get 0 f32.ne local.get 1 f64.const 0 f64.le i32.xor))
