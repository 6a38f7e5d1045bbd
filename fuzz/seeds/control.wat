(module
  (func $fac (export "fac") (param i64) (result i64)
    local.get 0 i64.const 1 i64.le_s
    if (result i64) i64.const 1
    else local.get 0 local.get 0 i64.const 1 i64.sub call $fac i64.mul end)
  (func (export "loop") (param i32) (result i32) (local i32)
    i32.const 100 local.set 0
    block $done
      loop $l
        local.get 0 i32.eqz br_if $done
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br $l
      end
    end
    local.get 1)
  (func (export "br_table") (param i32) (result i32)
    block $c block $b block $a
      local.get 0 br_table $a $b $c
    end i32.const 1 return
    end i32.const 2 return
    end i32.const 3)
  (func (export "multi") (param i32) (result i32 i64 f32)
    local.get 0 i64.const 2 f32.const 3)
  (func (export "block_params") (result i32)
    i32.const 1 i32.const 2
    block (param i32 i32) (result i32) i32.add end)
  (func $rec (export "infinite_recursion") call $rec)
  (func (export "infinite_loop") loop br 0 end)
  (func (export "unreachable") unreachable)
  (func (export "drop_nop") nop i32.const 1 drop))
