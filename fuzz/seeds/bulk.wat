(module
  (memory (export "mem") 1 2)
  (data $d "0123456789abcdef")
  (data (i32.const 100) "active")
  (func (export "init") (result i32)
    i32.const 10 i32.const 2 i32.const 8 memory.init $d
    i32.const 12 i32.load)
  (func (export "copy_overlap") (result i32)
    i32.const 11 i32.const 10 i32.const 8 memory.copy
    i32.const 11 i32.load)
  (func (export "fill") (result i32)
    i32.const 200 i32.const 0xab i32.const 16 memory.fill
    i32.const 204 i32.load)
  (func (export "drop_then_init") (result i32)
    data.drop $d
    i32.const 0 i32.const 0 i32.const 1 memory.init $d i32.const 0)
  (func (export "oob_copy") i32.const 65530 i32.const 0 i32.const 10 memory.copy)
  (func (export "oob_fill") i32.const 65536 i32.const 0 i32.const 1 memory.fill)
  (func (export "zero_len_at_end") i32.const 65536 i32.const 65536 i32.const 0 memory.copy))
