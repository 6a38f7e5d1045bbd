(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "ext" (table $imp 2 externref))
  (table $t 4 8 funcref)
  (table $u 0 externref)
  (elem $e func $inc $dbl)
  (elem declare func $dbl)
  (elem (table $t) (i32.const 2) funcref (ref.func $inc) (ref.null func))
  (global $g (mut funcref) (ref.null func))
  (global $x (mut externref) (ref.null extern))
  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $ii) local.get 0 i32.const 2 i32.mul)
  (func (export "init_call") (result i32)
    i32.const 0 i32.const 0 i32.const 2 table.init $t $e
    i32.const 20 i32.const 1 call_indirect $t (type $ii))
  (func (export "grow") (result i32)
    ref.null func i32.const 3 table.grow $t
    table.size $t i32.add
    ref.null extern i32.const 1 table.grow $u i32.add)
  (func (export "set_get") (result i32)
    i32.const 1 ref.func $dbl table.set $t
    i32.const 1 table.get $t ref.is_null
    i32.const 3 table.get $t ref.is_null i32.add)
  (func (export "fill_copy") (result i32)
    i32.const 0 ref.func $inc i32.const 4 table.fill $t
    i32.const 1 i32.const 0 i32.const 3 table.copy $t $t
    i32.const 7 i32.const 3 call_indirect $t (type $ii))
  (func (export "extern") (param externref) (result i32)
    i32.const 0 local.get 0 table.set $imp
    local.get 0 global.set $x
    global.get $x ref.is_null)
  (func (export "globals") (result funcref) ref.func $dbl global.set $g global.get $g)
  (func (export "elem_drop_oob")
    elem.drop $e i32.const 0 i32.const 0 i32.const 1 table.init $t $e)
  (func (export "table_oob") i32.const 9 ref.null func i32.const 1 table.fill $t)
  (func (export "select_ref") (param i32) (result externref)
    ref.null extern ref.null extern local.get 0 select (result externref)))
