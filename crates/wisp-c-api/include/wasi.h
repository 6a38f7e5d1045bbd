/*
 * WASI preview1 configuration for Wisp's C API, in the spelling of wasmtime's wasi.h.
 * A configuration collects what the program sees; wisp_store_set_wasi (wisp.h) hands it
 * to a store, and wisp_wasi_imports makes the WASI functions a module imports.
 */
#ifndef WASI_H
#define WASI_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wasi_config_t wasi_config_t;

/* No arguments, environment, stdio or directories; the host's clock and randomness. */
own wasi_config_t *wasi_config_new(void);
void wasi_config_delete(own wasi_config_t *);

/* The program's arguments, its name first; false if one is NULL or not UTF-8. */
bool wasi_config_set_argv(wasi_config_t *, size_t argc, const char *const argv[]);
/* Environment variables; false if a name or value is NULL or not UTF-8. */
bool wasi_config_set_env(wasi_config_t *, size_t envc, const char *const names[],
                         const char *const values[]);

/* Only in host builds (the `std` feature): */
void wasi_config_inherit_argv(wasi_config_t *);
void wasi_config_inherit_env(wasi_config_t *);
void wasi_config_inherit_stdin(wasi_config_t *);
void wasi_config_inherit_stdout(wasi_config_t *);
void wasi_config_inherit_stderr(wasi_config_t *);
/* Stdin reads these bytes, which it takes over, then ends. */
void wasi_config_set_stdin_bytes(wasi_config_t *, own wasm_byte_vec_t *bytes);
/* The host directory host_path appears to the program as guest_path; nothing outside it
 * is reachable. False if it cannot be opened. */
bool wasi_config_preopen_dir(wasi_config_t *, const char *host_path, const char *guest_path);
/* As wasi_config_preopen_dir, read-only. */
bool wisp_wasi_config_preopen_dir_readonly(wasi_config_t *, const char *host_path,
                                           const char *guest_path);

#ifdef __cplusplus
}
#endif

#endif /* WASI_H */
