/*
 * Wisp through the standard C API: host functions with an environment that read guest
 * memory, a host function calling back into Wasm, imported globals, calls, traps with
 * backtraces, a host function failing, fuel
 * stopping a runaway loop, and a malformed module refused with a reason.
 *
 *   cargo build --release -p wisp-c-api
 *   clang -I crates/wisp-c-api/include crates/wisp-c-api/examples/hello.c \
 *         target/release/libwisp_c.a -lm -lpthread -ldl -o hello && ./hello
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"
#include "wisp.h"

/* The module, in the text format (the library's default `wat` feature reads it). */
static const char *MODULE =
    "(module\n"
    "  (import \"host\" \"print\" (func $print (param i32 i32)))\n"
    "  (import \"host\" \"fail\" (func $fail (param i32)))\n"
    "  (import \"host\" \"twice\" (func $twice (param i64) (result i64)))\n"
    "  (import \"host\" \"calls\" (global $calls (mut i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 16) \"Hello from Wasm, through wasm.h!\")\n"
    "  (func (export \"greet\")\n"
    "    (call $print (i32.const 16) (i32.const 32))\n"
    "    (global.set $calls (i32.add (global.get $calls) (i32.const 1))))\n"
    "  (func $fib (export \"fib\") (param $n i64) (result i64)\n"
    "    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))\n"
    "      (then (local.get $n))\n"
    "      (else (i64.add (call $fib (i64.sub (local.get $n) (i64.const 1)))\n"
    "                     (call $fib (i64.sub (local.get $n) (i64.const 2)))))))\n"
    "  (func $divide (export \"divide\") (param i32 i32) (result i32)\n"
    "    (i32.div_s (local.get 0) (local.get 1)))\n"
    "  (func (export \"check\") (param i32) (call $fail (local.get 0)))\n"
    "  (func (export \"spin\") (loop $l (br $l)))\n"
    "  (func (export \"twice_fib\") (param i64) (result i64) (call $twice (local.get 0))))\n";

static void die(const char *what) {
  fprintf(stderr, "error: %s\n", what);
  exit(1);
}

/* What the callbacks need from the instance, set after instantiation. */
struct env {
  wasm_memory_t *memory;
  wasm_func_t *fib;
};

/* print(ptr, len): writes guest bytes to stdout. */
static wasm_trap_t *print(void *data, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  struct env *env = data;
  uint32_t ptr = (uint32_t)args->data[0].of.i32;
  uint32_t len = (uint32_t)args->data[1].of.i32;
  if ((size_t)ptr + len > wasm_memory_data_size(env->memory)) {
    wasm_message_t msg;
    wasm_name_new_from_string_nt(&msg, "print: out of bounds");
    wasm_trap_t *trap = wasm_trap_new(NULL, &msg);
    wasm_name_delete(&msg);
    return trap;
  }
  printf("guest says: %.*s\n", (int)len, wasm_memory_data(env->memory) + ptr);
  return NULL;
}

/* fail(code): a host function that refuses non-zero codes with a trap. */
static wasm_trap_t *fail(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)results;
  if (args->data[0].of.i32 == 0) return NULL;
  char text[64];
  snprintf(text, sizeof text, "host refused code %d", args->data[0].of.i32);
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, text);
  wasm_trap_t *trap = wasm_trap_new(NULL, &msg);
  wasm_name_delete(&msg);
  return trap;
}

/* twice(n): calls the guest's fib(n) from inside a call into the same store. */
static wasm_trap_t *twice(void *data, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  struct env *env = data;
  wasm_val_t in[1] = {args->data[0]};
  wasm_val_t out[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(in), r = WASM_ARRAY_VEC(out);
  wasm_trap_t *trap = wasm_func_call(env->fib, &a, &r);
  if (trap) return trap;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = 2 * out[0].of.i64;
  return NULL;
}

static void print_trap(const char *what, wasm_trap_t *trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  printf("%s trapped: %s\n", what, msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  for (size_t i = 0; i < trace.size; i++) {
    wasm_name_t name;
    wisp_frame_func_name(trace.data[i], &name);
    printf("  frame %zu: func %u (%s) at module offset 0x%zx\n", i,
           wasm_frame_func_index(trace.data[i]), name.size ? name.data : "?",
           wasm_frame_module_offset(trace.data[i]));
    wasm_name_delete(&name);
  }
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
}

static wasm_func_t *export_func(const wasm_extern_vec_t *exports, size_t i) {
  wasm_func_t *f = wasm_extern_as_func(exports->data[i]);
  if (!f) die("export is not a function");
  return f;
}

int main(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);

  /* A malformed module is refused with the reason and the byte offset. */
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 9, "\0asm\x01\0\0\0\x05");
  if (wasm_module_new(store, &junk)) die("a malformed module was accepted");
  wasm_message_t why;
  wisp_store_last_error(store, &why);
  printf("malformed module refused: %s\n", why.data);
  wasm_byte_vec_delete(&why);
  wasm_byte_vec_delete(&junk);

  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, strlen(MODULE), MODULE);
  wasm_module_t *module = wasm_module_new(store, &text);
  wasm_byte_vec_delete(&text);
  if (!module) die("module did not compile");

  wasm_importtype_vec_t imports_ty;
  wasm_module_imports(module, &imports_ty);
  printf("imports: %zu\n", imports_ty.size);
  wasm_importtype_vec_delete(&imports_ty);

  /* The imports, in the module's order. */
  struct env env = {NULL, NULL};
  wasm_valtype_t *pp[2] = {wasm_valtype_new_i32(), wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 2, pp);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t *ty = wasm_functype_new(&params, &results);
  wasm_func_t *print_fn = wasm_func_new_with_env(store, ty, print, &env, NULL);
  wasm_functype_delete(ty);
  wasm_functype_t *fail_ty = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t *fail_fn = wasm_func_new(store, fail_ty, fail);
  wasm_functype_delete(fail_ty);
  wasm_functype_t *twice_ty = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i64());
  wasm_func_t *twice_fn = wasm_func_new_with_env(store, twice_ty, twice, &env, NULL);
  wasm_functype_delete(twice_ty);
  wasm_globaltype_t *gty = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_val_t forty = WASM_I32_VAL(40);
  wasm_global_t *calls = wasm_global_new(store, gty, &forty);
  wasm_globaltype_delete(gty);

  wasm_extern_t *given[4] = {wasm_func_as_extern(print_fn), wasm_func_as_extern(fail_fn),
                             wasm_func_as_extern(twice_fn), wasm_global_as_extern(calls)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(given);
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    print_trap("instantiation", trap);
    return 1;
  }

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  printf("exports: %zu\n", exports.size);
  env.memory = wasm_extern_as_memory(exports.data[0]);
  env.fib = export_func(&exports, 2);
  printf("memory: %u page(s), %zu bytes\n", wasm_memory_size(env.memory),
         wasm_memory_data_size(env.memory));

  /* greet: the host function reads guest memory; the guest bumps the host's global. */
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&exports, 1), &none, &none);
  if (trap) print_trap("greet", trap);
  wasm_val_t count;
  wasm_global_get(calls, &count);
  printf("calls global: %d\n", count.of.i32);

  /* fib(30). */
  wasm_val_t fib_args[1] = {WASM_I64_VAL(30)};
  wasm_val_t fib_results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t fa = WASM_ARRAY_VEC(fib_args), fr = WASM_ARRAY_VEC(fib_results);
  trap = wasm_func_call(export_func(&exports, 2), &fa, &fr);
  if (trap) print_trap("fib", trap);
  printf("fib(30) = %lld\n", (long long)fib_results[0].of.i64);

  /* A host function calling back into the store that runs it. */
  wasm_val_t tw_args[1] = {WASM_I64_VAL(20)};
  wasm_val_t tw_results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t ta = WASM_ARRAY_VEC(tw_args), tr = WASM_ARRAY_VEC(tw_results);
  trap = wasm_func_call(export_func(&exports, 6), &ta, &tr);
  if (trap) print_trap("twice_fib", trap);
  printf("twice_fib(20) = %lld\n", (long long)tw_results[0].of.i64);

  /* A trap in Wasm, with its backtrace. */
  wasm_val_t div_args[2] = {WASM_I32_VAL(7), WASM_I32_VAL(0)};
  wasm_val_t div_results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t da = WASM_ARRAY_VEC(div_args), dr = WASM_ARRAY_VEC(div_results);
  trap = wasm_func_call(export_func(&exports, 3), &da, &dr);
  if (!trap) die("7 / 0 did not trap");
  print_trap("divide(7, 0)", trap);

  /* A host function's trap comes back with its message. */
  wasm_val_t check_args[1] = {WASM_I32_VAL(7)};
  wasm_val_vec_t ca = WASM_ARRAY_VEC(check_args);
  trap = wasm_func_call(export_func(&exports, 4), &ca, &none);
  if (!trap) die("check(7) did not trap");
  print_trap("check(7)", trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(print_fn);
  wasm_func_delete(fail_fn);
  wasm_func_delete(twice_fn);
  wasm_global_delete(calls);

  /* Fuel stops a runaway loop. */
  wasm_config_t *config = wasm_config_new();
  wisp_config_consume_fuel(config, true);
  wasm_engine_t *metered = wasm_engine_new_with_config(config);
  wasm_store_t *store2 = wasm_store_new(metered);
  wisp_store_set_fuel(store2, 100000);
  wasm_shared_module_t *shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_byte_vec_t spin_src;
  wasm_byte_vec_new(&spin_src, strlen("(module (func (export \"spin\") (loop $l (br $l))))"),
                    "(module (func (export \"spin\") (loop $l (br $l))))");
  wasm_module_t *spin_module = wasm_module_new(store2, &spin_src);
  wasm_byte_vec_delete(&spin_src);
  wasm_instance_t *spinner = wasm_instance_new(store2, spin_module, NULL, NULL);
  if (!spinner) die("spin module did not instantiate");
  wasm_instance_exports(spinner, &exports);
  trap = wasm_func_call(export_func(&exports, 0), &none, &none);
  if (!trap) die("the runaway loop was not stopped");
  print_trap("spin", trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(spinner);
  wasm_module_delete(spin_module);
  wasm_shared_module_delete(shared);
  wasm_store_delete(store2);
  wasm_engine_delete(metered);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
