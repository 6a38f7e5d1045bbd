;; Sieve of Eratosthenes over linear memory: sieve(n) returns the number of primes
;; below n (9592 for n = 100_000).
;;
;; Measures tight loops, branches and byte loads/stores: one byte of memory per
;; number, 0 = not yet crossed out, 1 = composite. The flags are cleared by a byte
;; loop at the start of every call (bulk memory's memory.fill is not available in
;; Wisp yet), so repeated calls do the same work. Memory is 2 pages (131_072 bytes),
;; so n must be at most 131_072.
(module
  (memory 2)
  (func (export "sieve") (param $n i32) (result i32)
    (local $i i32)
    (local $j i32)
    (local $count i32)

    ;; flags[0..n) = 0
    (local.set $i (i32.const 0))
    (block $cleared
      (loop $clear
        (br_if $cleared (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $clear)))

    ;; Walk i = 2..n. A flag still 0 when i is reached means i is prime: every
    ;; smaller prime has already crossed out its multiples.
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            ;; Cross out i*i, i*i + i, ... below n. The test i <= n / i
            ;; means i*i <= n, so the product cannot overflow.
            (if (i32.le_u (local.get $i) (i32.div_u (local.get $n) (local.get $i)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $marked
                  (loop $mark
                    (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (local.get $j) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $mark)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))

    (local.get $count)))
