;; The legacy exception instructions: try/catch/catch_all, delegate, rethrow.
(module
  (tag $e (param i32))
  (func $thrower (param i32) local.get 0 throw $e)
  (func (export "catch") (param i32) (result i32)
    try (result i32)
      local.get 0 call $thrower i32.const 0
    catch $e
      i32.const 1 i32.add
    end)
  (func (export "rethrow") (result i32)
    try (result i32)
      try
        i32.const 5 call $thrower
      catch_all
        rethrow 0
      end
      i32.const 0
    catch $e
    end)
  (func (export "delegate") (result i32)
    try $outer (result i32)
      try
        i32.const 9 call $thrower
      delegate $outer
      i32.const 0
    catch $e
    end)
  (func (export "uncaught")
    try
      i32.const 1 call $thrower
    delegate 0))
