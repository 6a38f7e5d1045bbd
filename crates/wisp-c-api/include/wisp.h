/*
 * Wisp's additions to wasm.h: fuel, error messages, WASI in a store, exit status and
 * function names in backtraces.
 */
#ifndef WISP_H
#define WISP_H

#include "wasi.h"
#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Value kind of references other than funcref and externref (exceptions, GC objects). */
#define WISP_ANYREF 130

/* Count fuel: a call traps ("all fuel consumed") when the store's fuel runs out. */
void wisp_config_consume_fuel(wasm_config_t *, bool);
/* The deepest a call may nest; deeper recursion traps. */
void wisp_config_max_call_depth(wasm_config_t *, size_t frames);

/* Fuel for the store's calls; false unless the engine counts fuel. */
bool wisp_store_set_fuel(wasm_store_t *, uint64_t fuel);
/* The fuel left; false unless the engine counts fuel. */
bool wisp_store_get_fuel(const wasm_store_t *, uint64_t *fuel);

/* Why the last call on this store that failed without a trap failed (wasm_module_new,
 * wasm_module_validate, wasm_global_new, ...): NUL-terminated, with the byte offset for
 * a malformed or invalid module; an empty vector if none did. */
void wisp_store_last_error(const wasm_store_t *, own wasm_message_t *out);

/* Gives the store a WASI context made from `config`, which it takes over. */
bool wisp_store_set_wasi(wasm_store_t *, own wasi_config_t *config);
/* One external per import of `module`, in order: the store's WASI function for each
 * wasi_snapshot_preview1 import, NULL for the others (fill them before
 * wasm_instance_new). False if the store has no WASI context or the module imports a
 * WASI function that does not exist (see wisp_store_last_error). */
bool wisp_wasi_imports(wasm_store_t *, const wasm_module_t *, own wasm_extern_vec_t *out);

/* For a trap that is a WASI program's exit (proc_exit): true, and its status. */
bool wisp_trap_exit_status(const wasm_trap_t *, int *status);
/* The frame's function name from the name section, NUL-terminated, or empty. */
void wisp_frame_func_name(const wasm_frame_t *, own wasm_name_t *out);

#ifdef __cplusplus
}
#endif

#endif /* WISP_H */
