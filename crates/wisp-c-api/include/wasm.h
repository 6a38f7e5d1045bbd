/*
 * wasm.h for Wisp: the part of the standard WebAssembly C API
 * (https://github.com/WebAssembly/wasm-c-api) that Wisp implements, with the standard
 * names, types and ownership rules, so that a program written against wasm.h compiles
 * unchanged as long as it uses only this part. Written for Wisp; every function declared
 * here is defined in libwisp_c.a.
 *
 * Ownership: a result marked `own` is the caller's, to free with its `_delete`; an
 * argument marked `own` is taken over. Objects made in a store keep the store alive.
 *
 * Not implemented (left out of this header): host info, foreign objects, the
 * `wasm_X_as_ref` conversions, module serialization, and `wasm_X_same` except for
 * references.
 */
#ifndef WASM_H
#define WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define own

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Vectors: a size and the elements, which the vector owns. Each vector type has
 * _new_empty, _new_uninitialized (null or zero elements), _new (takes over `size`
 * elements), _copy (deep) and _delete (frees the elements too). */
#define WISP_DECLARE_VEC(name, elem)                                                   \
  typedef struct wasm_##name##_vec_t {                                                 \
    size_t size;                                                                       \
    elem *data;                                                                        \
  } wasm_##name##_vec_t;                                                               \
  void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t *out);                      \
  void wasm_##name##_vec_new_uninitialized(own wasm_##name##_vec_t *out, size_t size); \
  void wasm_##name##_vec_new(own wasm_##name##_vec_t *out, size_t size,                \
                             own elem const data[]);                                   \
  void wasm_##name##_vec_copy(own wasm_##name##_vec_t *out,                            \
                              const wasm_##name##_vec_t *src);                         \
  void wasm_##name##_vec_delete(own wasm_##name##_vec_t *vec);

/* An object type with _delete and _copy. */
#define WISP_DECLARE_OWN(name)                          \
  typedef struct wasm_##name##_t wasm_##name##_t;       \
  void wasm_##name##_delete(own wasm_##name##_t *);     \
  own wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *);

/* Bytes, names and messages. A message carries a terminating NUL. */
typedef byte_t wasm_byte_t;
WISP_DECLARE_VEC(byte, wasm_byte_t)
typedef wasm_byte_vec_t wasm_name_t;
typedef wasm_name_t wasm_message_t;
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(own wasm_name_t *out, const char *s) {
  wasm_name_new(out, __builtin_strlen(s), s);
}
static inline void wasm_name_new_from_string_nt(own wasm_name_t *out, const char *s) {
  wasm_name_new(out, __builtin_strlen(s) + 1, s);
}

/* Runtime environment. */
typedef struct wasm_config_t wasm_config_t;
own wasm_config_t *wasm_config_new(void);
void wasm_config_delete(own wasm_config_t *);

typedef struct wasm_engine_t wasm_engine_t;
own wasm_engine_t *wasm_engine_new(void);
own wasm_engine_t *wasm_engine_new_with_config(own wasm_config_t *);
void wasm_engine_delete(own wasm_engine_t *);

typedef struct wasm_store_t wasm_store_t;
own wasm_store_t *wasm_store_new(wasm_engine_t *);
void wasm_store_delete(own wasm_store_t *);

/* Types. */
typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum { WASM_CONST, WASM_VAR };

typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;
static const uint32_t wasm_limits_max_default = 0xffffffff;

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_V128, /* reported by wasm_valtype_kind; values of it cannot cross the API */
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};
#define WASM_ANYREF WASM_EXTERNREF /* its name before reference types */

WISP_DECLARE_OWN(valtype)
WISP_DECLARE_VEC(valtype, wasm_valtype_t *)
own wasm_valtype_t *wasm_valtype_new(wasm_valkind_t);
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) { return k < WASM_EXTERNREF; }
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) { return k >= WASM_EXTERNREF; }

WISP_DECLARE_OWN(functype)
WISP_DECLARE_VEC(functype, wasm_functype_t *)
own wasm_functype_t *wasm_functype_new(own wasm_valtype_vec_t *params,
                                       own wasm_valtype_vec_t *results);
const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *);
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *);

WISP_DECLARE_OWN(globaltype)
own wasm_globaltype_t *wasm_globaltype_new(own wasm_valtype_t *, wasm_mutability_t);
const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *);
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *);

WISP_DECLARE_OWN(tabletype)
own wasm_tabletype_t *wasm_tabletype_new(own wasm_valtype_t *, const wasm_limits_t *);
const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *);
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *);

WISP_DECLARE_OWN(memorytype)
own wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *);
const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *);

WISP_DECLARE_OWN(externtype)
WISP_DECLARE_VEC(externtype, wasm_externtype_t *)
typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *);

#define WISP_DECLARE_TYPE_CASTS(name)                                                      \
  wasm_externtype_t *wasm_##name##_as_externtype(wasm_##name##_t *);                     \
  const wasm_externtype_t *wasm_##name##_as_externtype_const(const wasm_##name##_t *);   \
  wasm_##name##_t *wasm_externtype_as_##name(wasm_externtype_t *);                       \
  const wasm_##name##_t *wasm_externtype_as_##name##_const(const wasm_externtype_t *);
WISP_DECLARE_TYPE_CASTS(functype)
WISP_DECLARE_TYPE_CASTS(globaltype)
WISP_DECLARE_TYPE_CASTS(tabletype)
WISP_DECLARE_TYPE_CASTS(memorytype)

WISP_DECLARE_OWN(importtype)
WISP_DECLARE_VEC(importtype, wasm_importtype_t *)
own wasm_importtype_t *wasm_importtype_new(own wasm_name_t *module, own wasm_name_t *name,
                                           own wasm_externtype_t *);
const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *);
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *);
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *);

WISP_DECLARE_OWN(exporttype)
WISP_DECLARE_VEC(exporttype, wasm_exporttype_t *)
own wasm_exporttype_t *wasm_exporttype_new(own wasm_name_t *, own wasm_externtype_t *);
const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *);
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *);

/* Values and references. A reference value owns its wasm_ref_t (NULL for null). */
typedef struct wasm_ref_t wasm_ref_t;
void wasm_ref_delete(own wasm_ref_t *);
own wasm_ref_t *wasm_ref_copy(const wasm_ref_t *);
bool wasm_ref_same(const wasm_ref_t *, const wasm_ref_t *);

typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t *ref;
  } of;
} wasm_val_t;
void wasm_val_delete(own wasm_val_t *v);
void wasm_val_copy(own wasm_val_t *out, const wasm_val_t *);
WISP_DECLARE_VEC(val, wasm_val_t)

/* Frames and traps. */
WISP_DECLARE_OWN(frame)
WISP_DECLARE_VEC(frame, wasm_frame_t *)
struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *); /* always NULL in Wisp */
uint32_t wasm_frame_func_index(const wasm_frame_t *);
size_t wasm_frame_func_offset(const wasm_frame_t *);
size_t wasm_frame_module_offset(const wasm_frame_t *);

WISP_DECLARE_OWN(trap)
own wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *);
void wasm_trap_message(const wasm_trap_t *, own wasm_message_t *out);
own wasm_frame_t *wasm_trap_origin(const wasm_trap_t *);
void wasm_trap_trace(const wasm_trap_t *, own wasm_frame_vec_t *out);

/* Modules. */
WISP_DECLARE_OWN(module)
own wasm_module_t *wasm_module_new(wasm_store_t *, const wasm_byte_vec_t *binary);
bool wasm_module_validate(wasm_store_t *, const wasm_byte_vec_t *binary);
void wasm_module_imports(const wasm_module_t *, own wasm_importtype_vec_t *out);
void wasm_module_exports(const wasm_module_t *, own wasm_exporttype_vec_t *out);

typedef struct wasm_shared_module_t wasm_shared_module_t;
void wasm_shared_module_delete(own wasm_shared_module_t *);
own wasm_shared_module_t *wasm_module_share(const wasm_module_t *);
own wasm_module_t *wasm_module_obtain(wasm_store_t *, const wasm_shared_module_t *);

/* Externals. */
WISP_DECLARE_OWN(func)
WISP_DECLARE_OWN(global)
WISP_DECLARE_OWN(table)
WISP_DECLARE_OWN(memory)
WISP_DECLARE_OWN(extern)
WISP_DECLARE_VEC(extern, wasm_extern_t *)

typedef own wasm_trap_t *(*wasm_func_callback_t)(const wasm_val_vec_t *args,
                                                 own wasm_val_vec_t *results);
typedef own wasm_trap_t *(*wasm_func_callback_with_env_t)(void *env,
                                                          const wasm_val_vec_t *args,
                                                          own wasm_val_vec_t *results);
own wasm_func_t *wasm_func_new(wasm_store_t *, const wasm_functype_t *, wasm_func_callback_t);
own wasm_func_t *wasm_func_new_with_env(wasm_store_t *, const wasm_functype_t *type,
                                        wasm_func_callback_with_env_t, void *env,
                                        void (*finalizer)(void *));
own wasm_functype_t *wasm_func_type(const wasm_func_t *);
size_t wasm_func_param_arity(const wasm_func_t *);
size_t wasm_func_result_arity(const wasm_func_t *);
own wasm_trap_t *wasm_func_call(const wasm_func_t *, const wasm_val_vec_t *args,
                                wasm_val_vec_t *results);

own wasm_global_t *wasm_global_new(wasm_store_t *, const wasm_globaltype_t *, const wasm_val_t *);
own wasm_globaltype_t *wasm_global_type(const wasm_global_t *);
void wasm_global_get(const wasm_global_t *, own wasm_val_t *out);
void wasm_global_set(wasm_global_t *, const wasm_val_t *);

typedef uint32_t wasm_table_size_t;
own wasm_table_t *wasm_table_new(wasm_store_t *, const wasm_tabletype_t *, wasm_ref_t *init);
own wasm_tabletype_t *wasm_table_type(const wasm_table_t *);
own wasm_ref_t *wasm_table_get(const wasm_table_t *, wasm_table_size_t index);
bool wasm_table_set(wasm_table_t *, wasm_table_size_t index, wasm_ref_t *);
wasm_table_size_t wasm_table_size(const wasm_table_t *);
bool wasm_table_grow(wasm_table_t *, wasm_table_size_t delta, wasm_ref_t *init);

typedef uint32_t wasm_memory_pages_t;
static const size_t MEMORY_PAGE_SIZE = 0x10000;
own wasm_memory_t *wasm_memory_new(wasm_store_t *, const wasm_memorytype_t *);
own wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *);
byte_t *wasm_memory_data(wasm_memory_t *);
size_t wasm_memory_data_size(const wasm_memory_t *);
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *);
bool wasm_memory_grow(wasm_memory_t *, wasm_memory_pages_t delta);

wasm_externkind_t wasm_extern_kind(const wasm_extern_t *);
own wasm_externtype_t *wasm_extern_type(const wasm_extern_t *);

#define WISP_DECLARE_EXTERN_CASTS(name)                                        \
  wasm_extern_t *wasm_##name##_as_extern(wasm_##name##_t *);                   \
  const wasm_extern_t *wasm_##name##_as_extern_const(const wasm_##name##_t *); \
  wasm_##name##_t *wasm_extern_as_##name(wasm_extern_t *);                     \
  const wasm_##name##_t *wasm_extern_as_##name##_const(const wasm_extern_t *);
WISP_DECLARE_EXTERN_CASTS(func)
WISP_DECLARE_EXTERN_CASTS(global)
WISP_DECLARE_EXTERN_CASTS(table)
WISP_DECLARE_EXTERN_CASTS(memory)

/* Instances. */
WISP_DECLARE_OWN(instance)
own wasm_instance_t *wasm_instance_new(wasm_store_t *, const wasm_module_t *,
                                       const wasm_extern_vec_t *imports,
                                       own wasm_trap_t **trap);
void wasm_instance_exports(const wasm_instance_t *, own wasm_extern_vec_t *out);

/* Conveniences, as in the standard header. */
static inline own wasm_valtype_t *wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
static inline own wasm_valtype_t *wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
static inline own wasm_valtype_t *wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
static inline own wasm_valtype_t *wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
static inline own wasm_valtype_t *wasm_valtype_new_externref(void) { return wasm_valtype_new(WASM_EXTERNREF); }
static inline own wasm_valtype_t *wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

static inline own wasm_functype_t *wasm_functype_new_0_0(void) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_1_0(own wasm_valtype_t *p) {
  wasm_valtype_t *ps[1] = {p};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, ps);
  wasm_valtype_vec_new_empty(&results);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_0_1(own wasm_valtype_t *r) {
  wasm_valtype_t *rs[1] = {r};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_1_1(own wasm_valtype_t *p,
                                                         own wasm_valtype_t *r) {
  wasm_valtype_t *ps[1] = {p};
  wasm_valtype_t *rs[1] = {r};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}
static inline own wasm_functype_t *wasm_functype_new_2_1(own wasm_valtype_t *p1,
                                                         own wasm_valtype_t *p2,
                                                         own wasm_valtype_t *r) {
  wasm_valtype_t *ps[2] = {p1, p2};
  wasm_valtype_t *rs[1] = {r};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, ps);
  wasm_valtype_vec_new(&results, 1, rs);
  return wasm_functype_new(&params, &results);
}

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}
#define WASM_I32_VAL(x) {.kind = WASM_I32, .of = {.i32 = x}}
#define WASM_I64_VAL(x) {.kind = WASM_I64, .of = {.i64 = x}}
#define WASM_F32_VAL(x) {.kind = WASM_F32, .of = {.f32 = x}}
#define WASM_F64_VAL(x) {.kind = WASM_F64, .of = {.f64 = x}}
#define WASM_REF_VAL(x) {.kind = WASM_FUNCREF, .of = {.ref = x}}
#define WASM_INIT_VAL {.kind = WASM_I32, .of = {.i32 = 0}}

#ifdef __cplusplus
}
#endif

#endif /* WASM_H */
