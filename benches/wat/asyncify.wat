;; Globals in a hot loop, shaped like what asyncify and shadow stacks make of a program
;; (the Ruby interpreter compiled to Wasm reads a global after every call).
;;
;; `asyncify(n)` calls `$step` `n` times. Each call moves the shadow-stack pointer
;; (`global.get`/`global.set` of `$sp` on entry and exit, as clang and rustc emit for a
;; function with a frame in memory), and after each call the caller reads `$state`, as
;; asyncify's instrumentation does, to see whether the stack is unwinding (never here).
;; `$step` is one round of xorshift32, so the result tells whether every step ran.
(module
  (memory 1)
  (global $sp (mut i32) (i32.const 65536))
  (global $state (mut i32) (i32.const 0))
  (global $data (mut i32) (i32.const 1024))

  (func $step (param $x i32) (result i32)
    (local $fp i32)
    (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 16))))
    (i32.store (local.get $fp) (local.get $x))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
    (global.set $sp (i32.add (local.get $fp) (i32.const 16)))
    (local.get $x))

  (func (export "asyncify") (param $n i32) (result i32)
    (local $acc i32)
    (local $r i32)
    (local.set $acc (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $r (call $step (local.get $acc)))
        (if (i32.eq (global.get $state) (i32.const 1))
          (then
            (i32.store (global.get $data) (local.get $r))
            (return (i32.const -1))))
        (local.set $acc (i32.add (local.get $r) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
