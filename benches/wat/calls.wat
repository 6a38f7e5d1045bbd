;; Call overhead between the host and Wasm, in both directions.
;;
;; `add3` returns at once: calling it from the host measures the cost of entering and
;; leaving the engine with three i32 arguments and one result.
;;
;; `call_host` calls the imported `env.host` `n` times in a loop, threading an
;; accumulator through it: the cost of leaving Wasm for a host function and coming back.
;; The host function is `host(a, b, c) = a * 31 + (b ^ c)` (wrapping), so the result
;; tells whether every call happened with the right arguments.
(module
  (import "env" "host" (func $host (param i32 i32 i32) (result i32)))

  (func (export "add3") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))

  (func (export "call_host") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $host (local.get $acc) (local.get $n) (i32.const 7)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
