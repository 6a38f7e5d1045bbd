;; A WASI preview1 program for the device: greets on stdout, writes a file in the
;; preopened directory (fd 3), reads it back, and asks for the time and random bytes.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1024 1024 (pagesize 1))

  (data (i32.const 0) "Hello from WASI on a microcontroller!\n")   ;; 38 bytes
  (data (i32.const 64) "note.txt")                                  ;; 8 bytes
  (data (i32.const 80) "stored in the in-memory filesystem\n")      ;; 35 bytes

  ;; An iovec at 512: (pointer, length); results at 520..
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 512) (local.get $ptr))
    (i32.store (i32.const 516) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 512) (i32.const 1) (i32.const 520)))

  (func (export "_start") (local $fd i32) (local $err i32)
    ;; stdout
    (if (call $write (i32.const 1) (i32.const 0) (i32.const 38)) (then (call $exit (i32.const 10))))
    ;; create note.txt in the preopened directory, read and write
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 8)
      (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 524)))
    (if (local.get $err) (then (call $exit (i32.const 11))))
    (local.set $fd (i32.load (i32.const 524)))
    (if (call $write (local.get $fd) (i32.const 80) (i32.const 35)) (then (call $exit (i32.const 12))))
    (drop (call $fd_close (local.get $fd)))
    ;; open it again and read it into 600.., then echo it to stdout
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 8)
      (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 524)))
    (if (local.get $err) (then (call $exit (i32.const 13))))
    (local.set $fd (i32.load (i32.const 524)))
    (i32.store (i32.const 512) (i32.const 600))
    (i32.store (i32.const 516) (i32.const 100))
    (if (call $fd_read (local.get $fd) (i32.const 512) (i32.const 1) (i32.const 520))
      (then (call $exit (i32.const 14))))
    (if (i32.ne (i32.load (i32.const 520)) (i32.const 35)) (then (call $exit (i32.const 15))))
    (drop (call $write (i32.const 1) (i32.const 600) (i32.const 35)))
    ;; the embedder's clock (monotonic) and randomness
    (if (call $clock (i32.const 1) (i64.const 1) (i32.const 700)) (then (call $exit (i32.const 16))))
    (if (i64.eqz (i64.load (i32.const 700))) (then (call $exit (i32.const 17))))
    (if (call $random (i32.const 708) (i32.const 8)) (then (call $exit (i32.const 18))))
    (if (i64.eqz (i64.load (i32.const 708))) (then (call $exit (i32.const 19))))
    (call $exit (i32.const 0))))
