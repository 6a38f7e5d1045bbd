/*
 * C firmware for a Cortex-M4 (QEMU's mps2-an386) that runs WebAssembly through wasm.h:
 * libwisp_c.a built for thumbv7em-none-eabihf with the `embedded-runtime` feature, a
 * static heap handed to it through aligned_alloc/free, no C library. It decodes,
 * validates and instantiates a fib module from bytes in flash, calls fib(20), prints the
 * result over semihosting and exits with status 0 when it is 6765.
 *
 * `cargo xtask capi` builds, links (firmware.ld) and runs it, and reports its size.
 */
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

/* (module (func $fib (export "fib") (param i32) (result i32) ...)): examples/fib.wat's
 * recursive fib on i32, as bytes. */
static const char FIB_WASM[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x66, 0x69, 0x62, 0x00, 0x00, 0x0a,
    0x1e, 0x01, 0x1c, 0x00, 0x20, 0x00, 0x41, 0x02, 0x49, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x20,
    0x00, 0x41, 0x01, 0x6b, 0x10, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6b, 0x10, 0x00, 0x6a, 0x0b,
    0x0b};

/* The heap the application hands over: first fit over a list of free blocks, each with
 * its size in front, so that Wisp's temporary buffers come back. */
#define HEAP_SIZE (72 * 1024)
static _Alignas(8) unsigned char heap[HEAP_SIZE];
struct block {
  size_t size; /* bytes after this header */
  struct block *next;
};
static struct block *free_list;
static size_t heap_used;

void *aligned_alloc(size_t align, size_t size) {
  if (align < 8) align = 8;
  size = (size + 7) & ~(size_t)7;
  for (struct block **p = &free_list; *p; p = &(*p)->next) {
    struct block *b = *p;
    if (b->size >= size && ((uintptr_t)(b + 1) & (align - 1)) == 0) {
      *p = b->next;
      return b + 1;
    }
  }
  size_t start = (heap_used + sizeof(struct block) + align - 1) & ~(align - 1);
  if (start + size > HEAP_SIZE) return NULL;
  struct block *b = (struct block *)(heap + start) - 1;
  b->size = size;
  heap_used = start + size;
  return b + 1;
}

void free(void *ptr) {
  if (!ptr) return;
  struct block *b = (struct block *)ptr - 1;
  b->next = free_list;
  free_list = b;
}

/* Semihosting: the debugger (QEMU) prints and exits for us. */
static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
static void print(const char *s) { semihost(0x04, s); }
_Noreturn static void exit_with(int status) {
  uint32_t block[2] = {0x20026, (uint32_t)status}; /* ADP_Stopped_ApplicationExit */
  for (;;) semihost(0x20, block);
}
_Noreturn void abort(void) {
  print("abort\n");
  exit_with(134);
}

static void print_number(int32_t n) {
  char buf[16];
  char *p = buf + sizeof buf - 1;
  *p = 0;
  do {
    *--p = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  print(p);
}

static int run(void) {
  wasm_engine_t *engine = wasm_engine_new();
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t binary = {sizeof FIB_WASM, (char *)FIB_WASM};
  wasm_module_t *module = wasm_module_new(store, &binary);
  if (!module) return print("module refused\n"), 1;
  wasm_instance_t *instance = wasm_instance_new(store, module, NULL, NULL);
  if (!instance) return print("instantiation failed\n"), 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t *fib = wasm_extern_as_func(exports.data[0]);
  wasm_val_t args[1] = {WASM_I32_VAL(20)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args), r = WASM_ARRAY_VEC(results);
  wasm_trap_t *trap = wasm_func_call(fib, &a, &r);
  if (trap) return print("fib trapped\n"), 1;
  print("fib(20) = ");
  print_number(results[0].of.i32);
  print("\n");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return results[0].of.i32 == 6765 ? 0 : 1;
}

extern uint32_t __bss_start, __bss_end, __stack_top;

_Noreturn void reset(void) {
  /* The FPU on (CP10 and CP11 full access): Rust code built for eabihf uses it. */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm__ volatile("dsb\n isb");
  for (uint32_t *p = &__bss_start; p < &__bss_end; p++) *p = 0;
  exit_with(run());
}

_Noreturn static void fault(void) {
  print("hard fault\n");
  exit_with(135);
}

__attribute__((section(".vectors"), used)) static const void *const VECTORS[] = {
    &__stack_top, (const void *)reset, (const void *)fault, (const void *)fault,
};
