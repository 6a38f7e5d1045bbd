(module
  (memory 1)
  (data (i32.const 65535) "\01")
  (func $s i32.const 0 i32.const 0 i32.div_u drop)
  (start $s)
  (func (export "never") (result i32) i32.const 1))
