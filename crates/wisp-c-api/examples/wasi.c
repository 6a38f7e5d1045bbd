/*
 * Runs a WASI program through the C API: wasi.h configures what it sees, wisp.h gives
 * it to the store and makes its imports. Prints what the program prints and exits with
 * its status.
 *
 *   wasi PROGRAM.wasm [ARGS...]    (the current directory is preopened as ".")
 */
#include <stdio.h>
#include <stdlib.h>

#include "wasi.h"
#include "wasm.h"
#include "wisp.h"

static void fail(wasm_store_t *store, const char *what) {
  wasm_message_t why;
  wisp_store_last_error(store, &why);
  fprintf(stderr, "error: %s: %s\n", what, why.size ? why.data : "?");
  wasm_byte_vec_delete(&why);
  exit(1);
}

static int read_file(const char *path, wasm_byte_vec_t *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  size_t got = fread(out->data, 1, (size_t)size, f);
  fclose(f);
  return got == (size_t)size;
}

int main(int argc, const char *argv[]) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PROGRAM.wasm [ARGS...]\n", argv[0]);
    return 2;
  }
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);

  wasm_byte_vec_t binary;
  if (!read_file(argv[1], &binary)) {
    fprintf(stderr, "error: cannot read %s\n", argv[1]);
    return 1;
  }
  wasm_module_t *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) fail(store, "the module is not valid");

  wasi_config_t *config = wasi_config_new();
  wasi_config_set_argv(config, (size_t)(argc - 1), argv + 1);
  wasi_config_inherit_env(config);
  wasi_config_inherit_stdin(config);
  wasi_config_inherit_stdout(config);
  wasi_config_inherit_stderr(config);
  if (!wasi_config_preopen_dir(config, ".", ".")) fail(store, "cannot open .");
  wisp_store_set_wasi(store, config);

  wasm_extern_vec_t imports;
  if (!wisp_wasi_imports(store, module, &imports)) fail(store, "WASI imports");
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  int status = 0;
  if (!instance) {
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    fprintf(stderr, "error: instantiation: %s\n", msg.data);
    return 1;
  }

  /* The command's entry point is its export "_start". */
  wasm_exporttype_vec_t names;
  wasm_module_exports(module, &names);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t *start = NULL;
  for (size_t i = 0; i < names.size; i++) {
    const wasm_name_t *name = wasm_exporttype_name(names.data[i]);
    if (name->size == 6 && __builtin_memcmp(name->data, "_start", 6) == 0)
      start = wasm_extern_as_func(exports.data[i]);
  }
  if (!start) {
    fprintf(stderr, "error: no _start export\n");
    return 1;
  }
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(start, &none, &none);
  if (trap) {
    if (!wisp_trap_exit_status(trap, &status)) {
      wasm_message_t msg;
      wasm_trap_message(trap, &msg);
      fprintf(stderr, "error: %s\n", msg.data);
      wasm_byte_vec_delete(&msg);
      status = 134;
    }
    wasm_trap_delete(trap);
  }
  wasm_exporttype_vec_delete(&names);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
