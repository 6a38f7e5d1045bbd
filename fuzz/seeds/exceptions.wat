;; Exception handling (WebAssembly 3.0) and tail calls: an imported and a local tag,
;; throw/catch with payloads, catch_ref + throw_ref, catch_all, an exception that escapes,
;; throw_ref of null (a trap), exnref in a global, return_call and return_call_indirect.
(module
  (import "env" "tag" (tag $imp (param i32)))
  (tag $e (param i32 i64))
  (tag $empty)
  (type $i (func (param i32) (result i32)))
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $count $id)
  (global $saved (mut exnref) (ref.null exn))
  (func $id (type $i) local.get 0)
  (func $thrower (param i32)
    local.get 0 i64.const 7 throw $e)
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h)
        local.get 0 call $thrower)
      i32.const -1 return)
    i32.wrap_i64 i32.add)
  (func (export "catch_ref_rethrow") (result i32)
    (block $outer (result i32 i64)
      (try_table (catch $e $outer)
        (block $h (result i32 i64 exnref)
          (try_table (catch_ref $e $h)
            i32.const 3 call $thrower)
          unreachable)
        global.set $saved drop drop
        global.get $saved throw_ref)
      unreachable)
    drop)
  (func (export "catch_all") (result i32)
    (block $h
      (try_table (catch_all $h) throw $empty)
      i32.const 0 return)
    i32.const 1)
  (func (export "escapes") i32.const 42 throw $imp)
  (func (export "null_throw_ref") ref.null exn throw_ref)
  (func $count (type $i)
    local.get 0 i32.eqz if i32.const 100 return end
    local.get 0 i32.const 1 i32.sub return_call $count)
  (func (export "tail") (param i32) (result i32)
    local.get 0 i32.const 1000 i32.rem_u
    i32.const 0 return_call_indirect $t (type $i)))
