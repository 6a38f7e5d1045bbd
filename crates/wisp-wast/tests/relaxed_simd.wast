;; Relaxed SIMD where the spec allows several results: Wisp's are the deterministic
;; profile's (docs/ARCHITECTURE.md, "Relaxed SIMD"), exactly, in every build.
;; `(;EXTRA;)` becomes nothing or another local, so that each function is tried in
;; both the narrow and the wide layout.

(module
  (func (export "swizzle") (param v128 v128) (result v128) (;EXTRA;)
    (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "trunc_f32_s") (param v128) (result v128) (;EXTRA;)
    (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_f32_u") (param v128) (result v128) (;EXTRA;)
    (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_f64_s") (param v128) (result v128) (;EXTRA;)
    (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_f64_u") (param v128) (result v128) (;EXTRA;)
    (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "madd32") (param v128 v128 v128) (result v128) (;EXTRA;)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd32") (param v128 v128 v128) (result v128) (;EXTRA;)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "madd64") (param v128 v128 v128) (result v128) (;EXTRA;)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd64") (param v128 v128 v128) (result v128) (;EXTRA;)
    (f64x2.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect8") (param v128 v128 v128) (result v128) (;EXTRA;)
    (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "laneselect64") (param v128 v128 v128) (result v128) (;EXTRA;)
    (i64x2.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min32") (param v128 v128) (result v128) (;EXTRA;)
    (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max32") (param v128 v128) (result v128) (;EXTRA;)
    (f32x4.relaxed_max (local.get 0) (local.get 1)))
  (func (export "min64") (param v128 v128) (result v128) (;EXTRA;)
    (f64x2.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max64") (param v128 v128) (result v128) (;EXTRA;)
    (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128) (;EXTRA;)
    (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128) (;EXTRA;)
    (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128) (;EXTRA;)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)

;; Indices past 15 give 0, whether or not their sign bit is set.
(assert_return
  (invoke "swizzle"
    (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
    (v128.const i8x16 0 15 16 17 127 -128 -1 3 31 47 63 79 95 111 -16 2))
  (v128.const i8x16 1 16 0 0 0 0 0 4 0 0 0 0 0 0 0 3))

;; NaN gives 0, out-of-range values saturate.
(assert_return
  (invoke "trunc_f32_s" (v128.const f32x4 nan inf -inf 3e9))
  (v128.const i32x4 0 2147483647 -2147483648 2147483647))
(assert_return
  (invoke "trunc_f32_u" (v128.const f32x4 nan -1.5 5e9 2.75))
  (v128.const i32x4 0 0 4294967295 2))
(assert_return
  (invoke "trunc_f64_s" (v128.const f64x2 nan -1e10))
  (v128.const i32x4 0 -2147483648 0 0))
(assert_return
  (invoke "trunc_f64_u" (v128.const f64x2 -1 1e10))
  (v128.const i32x4 0 4294967295 0 0))

;; Unfused: (1 + 2^-23)(1 - 2^-23) rounds to 1 before -1 is added (fused: -2^-46).
(assert_return
  (invoke "madd32"
    (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 0x1p+127 1)
    (v128.const f32x4 0x1.fffffcp-1 0x1.fffffcp-1 4 2)
    (v128.const f32x4 -1 -1 -0x1.fffffep+127 3))
  (v128.const f32x4 0 0 inf 5))
(assert_return
  (invoke "nmadd32"
    (v128.const f32x4 0x1.000002p+0 0x1.000002p+0 0x1p+127 1)
    (v128.const f32x4 0x1.fffffcp-1 0x1.fffffcp-1 4 2)
    (v128.const f32x4 1 1 0x1.fffffep+127 3))
  (v128.const f32x4 0 0 -inf 1))
(assert_return
  (invoke "madd64"
    (v128.const f64x2 0x1.0000000000001p+0 0x1p+1023)
    (v128.const f64x2 0x1.ffffffffffffep-1 4)
    (v128.const f64x2 -1 -0x1.fffffffffffffp+1023))
  (v128.const f64x2 0 inf))
(assert_return
  (invoke "nmadd64"
    (v128.const f64x2 0x1.0000000000001p+0 2)
    (v128.const f64x2 0x1.ffffffffffffep-1 3)
    (v128.const f64x2 1 10))
  (v128.const f64x2 0 4))

;; A NaN result is the positive canonical NaN whatever the operands' NaNs were (the
;; deterministic profile; hosts differ), exactly: compared as integers.
(assert_return
  (invoke "madd32"
    (v128.const i32x4 0xffc00000 0x7fc00001 0xff800001 0)
    (v128.const f32x4 1 1 1 inf)
    (v128.const f32x4 1 1 1 -inf))
  (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000))
(assert_return
  (invoke "nmadd64"
    (v128.const i64x2 0xfff8000000000000 0x0)
    (v128.const f64x2 1 inf)
    (v128.const f64x2 1 inf))
  (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000))

;; Likewise relaxed min and max.
(assert_return
  (invoke "min32" (v128.const i32x4 0xffc00000 0 0xff800001 0x7f800001) (v128.const f32x4 1 -nan 2 3))
  (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000))

;; Every bit of the mask selects, even where it mixes set and cleared bits.
(assert_return
  (invoke "laneselect8"
    (v128.const i8x16 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1)
    (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
    (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
  (v128.const i8x16 0x0f 0xf0 0x80 0x7f 0 -1 1 2 3 4 5 6 7 8 9 10))
(assert_return
  (invoke "laneselect64"
    (v128.const i64x2 0x1111111111111111 0x2222222222222222)
    (v128.const i64x2 0x3333333333333333 0x4444444444444444)
    (v128.const i64x2 0x8000000000000000 0x00000000ffffffff))
  (v128.const i64x2 0x3333333333333333 0x4444444422222222))

;; NaN in, NaN out; -0 is below +0.
(assert_return
  (invoke "min32" (v128.const f32x4 nan 1 -0 0) (v128.const f32x4 1 nan 0 -0))
  (v128.const f32x4 nan:arithmetic nan:arithmetic -0 -0))
(assert_return
  (invoke "max32" (v128.const f32x4 nan 1 -0 0) (v128.const f32x4 1 nan 0 -0))
  (v128.const f32x4 nan:arithmetic nan:arithmetic 0 0))
(assert_return
  (invoke "min64" (v128.const f64x2 -0 nan) (v128.const f64x2 0 2))
  (v128.const f64x2 -0 nan:arithmetic))
(assert_return
  (invoke "max64" (v128.const f64x2 -0 3) (v128.const f64x2 0 nan))
  (v128.const f64x2 0 nan:arithmetic))

;; -1 * -1 saturates to the largest value.
(assert_return
  (invoke "q15mulr"
    (v128.const i16x8 -32768 -32768 16384 -16384 0 1 2 3)
    (v128.const i16x8 -32768 32767 16384 16384 5 6 7 8))
  (v128.const i16x8 32767 -32767 8192 -8192 0 0 0 0))

;; Both operands signed; each pair of products summed with signed saturation.
(assert_return
  (invoke "dot"
    (v128.const i8x16 -128 -128 -128 -128 1 2 3 4 5 6 7 8 -1 -1 127 127)
    (v128.const i8x16 -128 -128 -127 -127 -1 -1 -1 -1 2 2 2 2 -128 -128 -128 -128))
  (v128.const i16x8 32767 32512 -3 -7 22 30 256 -32512))
(assert_return
  (invoke "dot_add"
    (v128.const i8x16 -128 -128 -128 -128 1 2 3 4 5 6 7 8 -1 -1 127 127)
    (v128.const i8x16 -128 -128 -127 -127 -1 -1 -1 -1 2 2 2 2 -128 -128 -128 -128)
    (v128.const i32x4 1 2 0x7fffffff -2147483648))
  (v128.const i32x4 65280 -8 -2147483597 2147451392))
