//! The C API (`wisp-c-api`) driven as a careless C program would drive it: a module from
//! `wasm-smith`, imports made from their types through the C constructors, then calls
//! with arguments of random kinds and counts, room for a random number of results,
//! globals set with values of any kind, tables and memories read, set and grown at
//! random indices, and everything freed in a random order (the store first, sometimes).
//! Its unsafe code (vectors, value unions, pointer casts between object types) must
//! neither crash nor leak (run under the address sanitizer, cargo fuzz's default).
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::mem::MaybeUninit;
use wisp_c::*;

fn out<T>(f: impl FnOnce(&mut MaybeUninit<T>)) -> T {
    let mut v = MaybeUninit::uninit();
    f(&mut v);
    // SAFETY: every function given here initializes its output.
    unsafe { v.assume_init() }
}

extern "C" fn host(
    args: &wasm_val_vec_t,
    results: &mut wasm_val_vec_t,
) -> Option<Box<wasm_trap_t>> {
    // Echo the first argument's kind into each result slot: right sometimes, wrong
    // other times, which the API must refuse cleanly.
    let kind = args.as_slice().first().map_or(WASM_I32, |a| a.kind);
    for r in results.as_mut_slice() {
        *r = wasm_val_t {
            kind: if kind >= WASM_EXTERNREF {
                WASM_I32
            } else {
                kind
            },
            of: wasm_val_union { i64: 7 },
        };
    }
    None
}

fn value(u: &mut Unstructured) -> Result<wasm_val_t> {
    let kind = *u.choose(&[
        WASM_I32,
        WASM_I64,
        WASM_F32,
        WASM_F64,
        WASM_FUNCREF,
        WASM_EXTERNREF,
        200,
    ])?;
    let of = match kind {
        WASM_FUNCREF | WASM_EXTERNREF => wasm_val_union {
            ref_: std::ptr::null_mut(),
        },
        _ => wasm_val_union {
            i64: u.arbitrary()?,
        },
    };
    Ok(wasm_val_t { kind, of })
}

fn import_for(store: &wasm_store_t, ty: &wasm_externtype_t) -> Option<Box<wasm_extern_t>> {
    if let Some(f) = wasm_externtype_as_functype_const(ty) {
        let mut func = wasm_func_new(store, f, host);
        let e = Box::new(wasm_func_as_extern(&mut func).clone());
        return Some(e);
    }
    if let Some(g) = wasm_externtype_as_globaltype_const(ty) {
        let kind = wasm_valtype_kind(wasm_globaltype_content(g));
        let init = wasm_val_t {
            kind,
            of: wasm_val_union { i64: 0 },
        };
        let init = if kind >= WASM_EXTERNREF {
            wasm_val_t {
                kind,
                of: wasm_val_union {
                    ref_: std::ptr::null_mut(),
                },
            }
        } else {
            init
        };
        let mut global = wasm_global_new(store, g, &init)?;
        return Some(Box::new(wasm_global_as_extern(&mut global).clone()));
    }
    if let Some(t) = wasm_externtype_as_tabletype_const(ty) {
        let mut table = wasm_table_new(store, t, None)?;
        return Some(Box::new(wasm_table_as_extern(&mut table).clone()));
    }
    if let Some(m) = wasm_externtype_as_memorytype_const(ty) {
        let mut memory = wasm_memory_new(store, m)?;
        return Some(Box::new(wasm_memory_as_extern(&mut memory).clone()));
    }
    None
}

fn drive(u: &mut Unstructured, bytes: &[u8]) -> Result<()> {
    let config = wasm_config_new();
    let mut config = config;
    wisp_config_consume_fuel(&mut config, true);
    let engine = wasm_engine_new_with_config(config);
    let store = wasm_store_new(&engine);
    wisp_store_set_fuel(&store, 100_000);
    let binary = WasmVec::from_vec(bytes.to_vec());
    let module = wasm_module_new(&store, &binary);
    let mut binary = binary;
    wasm_byte_vec_delete(&mut binary);
    let Some(module) = module else { return Ok(()) };

    let mut import_types = out(|o| wasm_module_imports(&module, o));
    let mut imports: Vec<Option<Box<wasm_extern_t>>> = import_types
        .as_slice()
        .iter()
        .map(|t| import_for(&store, wasm_importtype_type(t.as_ref().unwrap())))
        .collect();
    wasm_importtype_vec_delete(&mut import_types);
    if u.ratio(1, 8)? && !imports.is_empty() {
        imports.pop(); // too few
    }
    let imports = WasmVec::from_vec(imports);
    let mut trap = None;
    let instance = wasm_instance_new(&store, &module, Some(&imports), Some(&mut trap));
    let mut imports = imports;
    wasm_extern_vec_delete(&mut imports);
    drop(trap);
    let Some(instance) = instance else {
        return Ok(());
    };

    let mut exports = out(|o| wasm_instance_exports(&instance, o));
    for _ in 0..u.int_in_range(0..=16)? {
        if exports.size == 0 {
            break;
        }
        let i = u.choose_index(exports.size)?;
        let Some(e) = exports.as_mut_slice()[i].as_mut() else {
            continue;
        };
        let _ty = wasm_extern_type(e);
        if let Some(f) = wasm_extern_as_func(e) {
            let n = if u.ratio(7, 8)? {
                wasm_func_param_arity(f)
            } else {
                u.int_in_range(0..=3)?
            };
            let args: Vec<wasm_val_t> = (0..n).map(|_| value(u)).collect::<Result<_>>()?;
            let room = if u.ratio(7, 8)? {
                wasm_func_result_arity(f)
            } else {
                u.int_in_range(0..=3)?
            };
            let args = WasmVec::from_vec(args);
            let mut results = WasmVec::from_vec((0..room).map(|_| wasm_val_t::default()).collect());
            let trap = wasm_func_call(f, Some(&args), Some(&mut results));
            if let Some(t) = &trap {
                let mut m = out(|o| wasm_trap_message(t, o));
                wasm_byte_vec_delete(&mut m);
                let mut frames = out(|o| wasm_trap_trace(t, o));
                wasm_frame_vec_delete(&mut frames);
            }
            let (mut args, mut results) = (args, results);
            wasm_val_vec_delete(&mut args);
            wasm_val_vec_delete(&mut results);
        } else if let Some(g) = wasm_extern_as_global(e) {
            let mut v = out(|o| wasm_global_get(g, o));
            wasm_global_set(g, &value(u)?);
            wasm_val_delete(&mut v);
        } else if let Some(t) = wasm_extern_as_table(e) {
            let index = u.int_in_range(0..=wasm_table_size(t).saturating_add(2))?;
            let got = wasm_table_get(t, index);
            let _ = wasm_table_set(t, index, got.as_deref());
            let _ = wasm_table_grow(t, u.int_in_range(0..=70_000)?, got.as_deref());
        } else if let Some(m) = wasm_extern_as_memory(e) {
            let size = wasm_memory_data_size(m);
            if size > 0 {
                let at = u.int_in_range(0..=size - 1)?;
                // SAFETY: `at` is below the memory's size in bytes.
                unsafe { *wasm_memory_data(m).add(at) ^= 1 };
            }
            let _ = wasm_memory_grow(m, u.int_in_range(0..=70_000)?);
        }
    }
    let mut why = out(|o| wisp_store_last_error(&store, o));
    wasm_byte_vec_delete(&mut why);
    // Free in an order of the fuzzer's choosing: objects keep their store alive.
    if u.arbitrary()? {
        wasm_store_delete(Some(store));
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(Some(instance));
    } else {
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(Some(instance));
        wasm_store_delete(Some(store));
    }
    wasm_module_delete(Some(module));
    wasm_engine_delete(Some(engine));
    Ok(())
}

fn generate(u: &mut Unstructured) -> Result<Vec<u8>> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    wisp_fuzz::wisp_smith_config(&mut c);
    c.max_table_elements = c.max_table_elements.min(wisp_fuzz::MAX_TABLE_ELEMENTS);
    c.export_everything = true;
    Ok(wasm_smith::Module::new(c, u)?.to_bytes())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(bytes) = generate(&mut u) {
        let _ = drive(&mut u, &bytes);
    }
});
