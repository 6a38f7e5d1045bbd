//! The harness shared by the fuzz targets that execute modules.
//!
//! Every import is satisfied by a dummy of the imported type (host functions return
//! default values; memories, tables and globals are made from the import's type), the
//! module is instantiated with fuel metering on and tight resource limits, and every
//! exported function is called with default arguments, with the fuel refilled before
//! each call. Any `Err` (invalid module, link error, trap, out of fuel, ...) is fine;
//! only a panic, an abort, a crash or a hang is a bug.
#![forbid(unsafe_code)]
use wisp::{
    Config, Engine, Extern, ExternType, Global, Linker, Memory, Module, RefType, Store, Table, Tag,
    Val, ValType,
};

pub mod diff;

/// Fuel for instantiation (the start function) and for each exported call.
const FUEL: u64 = 100_000;
/// Cap on every linear memory (16 MiB).
pub const MAX_MEMORY_PAGES: u64 = 256;
/// Cap on every table.
pub const MAX_TABLE_ELEMENTS: u64 = 100_000;
const MAX_CALL_DEPTH: usize = 1_000;
/// Value-stack cells (8 bytes each).
const MAX_STACK_VALUES: usize = 1 << 16;

pub fn engine() -> Engine {
    let mut config = Config::new();
    config
        .consume_fuel(true)
        // Every function translated before anything runs: a function no export calls is
        // checked too, and an operator Wisp does not support shows as a compile error.
        .eager_translation(true)
        .features(wisp::Features::default().with_gc(true))
        // A runaway allocation ends as "out of memory" soon, as a memory would.
        .gc_heap_limit((MAX_MEMORY_PAGES * 65536) as usize)
        // Collections far more often than a program needs: a reference the collector
        // misses frees its object while it is used, and the results differ.
        .gc_zeal(4)
        .max_memory_pages(MAX_MEMORY_PAGES)
        .max_table_elements(MAX_TABLE_ELEMENTS)
        .max_call_depth(MAX_CALL_DEPTH)
        .max_stack_values(MAX_STACK_VALUES);
    Engine::new(&config)
}

/// `WISP_FUZZ_DEBUG=1` prints what each input did (for looking at one input by hand).
pub fn debug() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WISP_FUZZ_DEBUG").is_some())
}

fn null_ref(t: RefType) -> Val {
    Val::default_of(ValType::Ref(t))
}

/// Compiles `data`; if it is a valid module, instantiates it with dummy imports and
/// calls every exported function with default arguments. Errors are ignored: only a
/// panic, an abort or a hang is a bug.
pub fn run_module(data: &[u8]) {
    let engine = engine();
    let module = match Module::new(&engine, data) {
        Ok(m) => m,
        Err(e) => {
            if debug() {
                eprintln!("compile: {e}");
            }
            return;
        }
    };

    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    // A module may import one name twice; the last definition stands.
    linker.allow_shadowing(true);
    for imp in module.imports() {
        match imp.ty {
            ExternType::Func(ty) => {
                linker
                    .func_new(&imp.module, &imp.name, ty, |_, _, results| {
                        for r in results.iter_mut() {
                            *r = Val::default_of(r.ty());
                        }
                        Ok(())
                    })
                    .expect("shadowing is allowed");
            }
            ExternType::Memory(ty) => {
                // Too big for our limits (or otherwise unallocatable): the linker will
                // then report an unknown import, which is fine.
                if let Ok(m) = Memory::new(&mut store, ty) {
                    linker
                        .define(&store, &imp.module, &imp.name, Extern::Memory(m))
                        .expect("shadowing is allowed");
                }
            }
            ExternType::Table(ty) => {
                if let Ok(t) = Table::new(&mut store, ty, null_ref(ty.element)) {
                    linker
                        .define(&store, &imp.module, &imp.name, Extern::Table(t))
                        .expect("shadowing is allowed");
                }
            }
            ExternType::Global(ty) => {
                if let Ok(g) = Global::new(&mut store, ty, Val::default_of(ty.content)) {
                    linker
                        .define(&store, &imp.module, &imp.name, Extern::Global(g))
                        .expect("shadowing is allowed");
                }
            }
            ExternType::Tag(ty) => {
                // A fresh tag: nothing outside throws it, but the module's own `throw`s and
                // `catch`es of it still run.
                if let Ok(t) = Tag::new(&mut store, ty) {
                    linker
                        .define(&store, &imp.module, &imp.name, Extern::Tag(t))
                        .expect("shadowing is allowed");
                }
            }
        }
    }

    store.set_fuel(FUEL).expect("fuel is enabled");
    let instance = match linker.instantiate(&mut store, &module) {
        Ok(i) => i,
        Err(e) => {
            if debug() {
                eprintln!("instantiate: {e}");
            }
            return;
        }
    };

    for (name, export) in instance.exports(&store) {
        let Extern::Func(func) = export else {
            continue;
        };
        let ty = func.ty(&store);
        let params: Vec<Val> = ty.params().iter().map(|t| Val::default_of(*t)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_of(*t)).collect();
        store.set_fuel(FUEL).expect("fuel is enabled");
        let r = func.call(&mut store, &params, &mut results);
        if debug() {
            match r {
                Ok(()) => eprintln!("{name}: {results:?}"),
                Err(e) => eprintln!("{name}: {e}"),
            }
        }
    }
}

/// Narrows a fuzzer-chosen wasm-smith configuration to what Wisp executes: the proposals
/// `wisp::Features::default()` accepts (the fuzzer picks among them), nothing newer, up
/// to four memories (32- or 64-bit), and several tables only with reference types.
///
/// wasm-smith's exceptions need neither GC nor typed function references: with reference
/// types on they bring `exnref` locals, globals, tables and `catch_ref`; without, only tags,
/// `throw` and `try_table` with `catch`/`catch_all`. It never generates the legacy
/// `try`/`delegate`/`rethrow` (those only reach Wisp through `run`'s raw bytes).
pub fn wisp_smith_config(c: &mut wasm_smith::Config) {
    let f = wisp::Features::default();
    c.multi_value_enabled &= f.multi_value;
    c.saturating_float_to_int_enabled &= f.saturating_float_to_int;
    c.sign_extension_ops_enabled &= f.sign_extension;
    c.bulk_memory_enabled &= f.bulk_memory;
    c.reference_types_enabled &= f.reference_types;
    c.simd_enabled &= f.simd;
    c.relaxed_simd_enabled = false;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.exceptions_enabled &= f.exceptions;
    c.tail_call_enabled &= f.tail_call;
    c.extended_const_enabled &= f.extended_const;
    // Left to the targets that compare with an engine that has it (`diff_wasmtime`).
    c.gc_enabled = false;
    c.memory64_enabled &= f.memory64;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.compact_imports_enabled = false;
    c.custom_descriptors_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.multibyte_array_access_enabled = false;
    c.max_memories = c.max_memories.min(if f.multi_memory { 4 } else { 1 });
    if !c.reference_types_enabled {
        c.max_tables = c.max_tables.min(1);
    }
    c.max_memory32_bytes = c.max_memory32_bytes.min(MAX_MEMORY_PAGES * 65536);
    c.max_memory64_bytes = c.max_memory64_bytes.min(MAX_MEMORY_PAGES as u128 * 65536);
}
