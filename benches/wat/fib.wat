;; Recursive Fibonacci: fib(n) = n for n < 2, else fib(n - 1) + fib(n - 2).
;;
;; Measures call and return overhead: fib(25) makes 242_785 calls, each doing only a
;; compare, a branch and a little i32 arithmetic, so the cost of setting up and tearing
;; down a frame dominates. fib(25) = 75025.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2))))))))
