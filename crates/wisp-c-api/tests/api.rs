//! The C API called from Rust as C calls it: vectors handed over and taken back, values
//! and references, type objects cast up and down, externals, traps and the last error.
//! (`cargo xtask capi` runs the C examples, also under valgrind.)

use std::mem::MaybeUninit;
use wisp_c::*;

fn bytes(s: &[u8]) -> wasm_byte_vec_t {
    let mut v = MaybeUninit::uninit();
    wasm_byte_vec_new(&mut v, s.len(), s.as_ptr());
    // SAFETY: `wasm_byte_vec_new` initializes it.
    unsafe { v.assume_init() }
}

fn out<T>(f: impl FnOnce(&mut MaybeUninit<T>)) -> T {
    let mut v = MaybeUninit::uninit();
    f(&mut v);
    // SAFETY: each function given here initializes its output.
    unsafe { v.assume_init() }
}

const WAT: &str = r#"(module
  (global (export "g") (mut i32) (i32.const 5))
  (table (export "t") 2 funcref)
  (memory (export "m") 1 3)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "trap") unreachable))"#;

#[test]
fn a_module_runs_through_the_c_api() {
    let engine = wasm_engine_new();
    let store = wasm_store_new(&engine);
    let mut src = bytes(WAT.as_bytes());
    let module = wasm_module_new(&store, &src).expect("compiles");
    wasm_byte_vec_delete(&mut src);

    let mut exports_ty = out(|o| wasm_module_exports(&module, o));
    let names: Vec<String> = exports_ty
        .as_slice()
        .iter()
        .map(|e| wasm_exporttype_name(e.as_ref().unwrap()).text())
        .collect();
    assert_eq!(names, ["g", "t", "m", "add", "trap"]);
    let add_ty = wasm_exporttype_type(exports_ty.as_slice()[3].as_ref().unwrap());
    let fty = wasm_externtype_as_functype_const(add_ty).expect("a function type");
    assert_eq!(wasm_functype_params(fty).size, 2);
    assert!(wasm_externtype_as_globaltype_const(add_ty).is_none());
    wasm_exporttype_vec_delete(&mut exports_ty);

    let instance = wasm_instance_new(&store, &module, None, None).expect("instantiates");
    let mut exports = out(|o| wasm_instance_exports(&instance, o));
    let mut items = exports.take();
    let [Some(g), Some(table), Some(memory), Some(add), Some(t)] = &mut items[..] else {
        panic!("five exports");
    };

    // add(2, 40)
    let add = wasm_extern_as_func(add).unwrap();
    let args = wisp_c::WasmVec::from_vec(vec![int(2), int(40)]);
    let mut results = wisp_c::WasmVec::from_vec(vec![wasm_val_t::default()]);
    assert!(wasm_func_call(add, Some(&args), Some(&mut results)).is_none());
    // SAFETY: an i32 result.
    assert_eq!(unsafe { results.as_slice()[0].of.i32 }, 42);

    // Too few results is a trap with a message, not a crash.
    let mut none = wisp_c::WasmVec::<wasm_val_t>::empty();
    let trap = wasm_func_call(add, Some(&args), Some(&mut none)).expect("traps");
    let msg = out(|o| wasm_trap_message(&trap, o));
    assert!(msg.text().contains("gives 1 results"), "{}", msg.text());

    // A trap in Wasm, with its frame.
    let t = wasm_extern_as_func(t).unwrap();
    let trap = wasm_func_call(t, None, None).expect("traps");
    assert_eq!(
        out(|o| wasm_trap_message(&trap, o)).text(),
        "wasm trap: unreachable"
    );
    let origin = wasm_trap_origin(&trap).expect("a frame");
    assert_eq!(wasm_frame_func_index(&origin), 1);

    // The global.
    let g = wasm_extern_as_global(g).unwrap();
    let v = out(|o| wasm_global_get(g, o));
    // SAFETY: an i32 global.
    assert_eq!(unsafe { v.of.i32 }, 5);
    wasm_global_set(g, &int(9));
    // SAFETY: as above.
    assert_eq!(unsafe { out(|o| wasm_global_get(g, o)).of.i32 }, 9);
    // A value of the wrong kind is refused, and the store says why.
    wasm_global_set(
        g,
        &wasm_val_t {
            kind: WASM_I64,
            of: wasm_val_union { i64: 1 },
        },
    );
    assert_eq!(unsafe { out(|o| wasm_global_get(g, o)).of.i32 }, 9);
    assert!(!out(|o| wisp_store_last_error(&store, o)).text().is_empty());

    // The table: null elements, growing, a function put in.
    let table = wasm_extern_as_table(table).unwrap();
    assert_eq!(wasm_table_size(table), 2);
    assert!(wasm_table_get(table, 0).is_none());
    assert!(wasm_table_grow(table, 3, None));
    assert_eq!(wasm_table_size(table), 5);
    let ty = wasm_extern_type(wasm_func_as_extern(add));
    assert_eq!(wasm_externtype_kind(&ty), 0);
    assert!(!wasm_table_set(table, 99, None));

    // The memory: its bytes, growing within its maximum.
    let memory = wasm_extern_as_memory(memory).unwrap();
    assert_eq!(wasm_memory_data_size(memory), 65536);
    // SAFETY: the memory has 65536 bytes.
    unsafe { *wasm_memory_data(memory).add(10) = 7 };
    assert!(wasm_memory_grow(memory, 2));
    assert!(!wasm_memory_grow(memory, 1));
    assert_eq!(wasm_memory_size(memory), 3);

    drop(items);
    wasm_instance_delete(Some(instance));
    wasm_module_delete(Some(module));
    wasm_store_delete(Some(store));
    wasm_engine_delete(Some(engine));
}

#[test]
fn a_malformed_module_is_refused_with_its_offset() {
    let engine = wasm_engine_new();
    let store = wasm_store_new(&engine);
    let mut src = bytes(b"\0asm\x01\0\0\0\x01\x05");
    assert!(wasm_module_new(&store, &src).is_none());
    assert!(!wasm_module_validate(&store, &src));
    let why = out(|o| wisp_store_last_error(&store, o));
    assert!(why.text().contains("offset"), "{}", why.text());
    wasm_byte_vec_delete(&mut src);
}

#[test]
fn vectors_and_types_copy_deeply() {
    let types = vec![wasm_valtype_new(WASM_I64), wasm_valtype_new(WASM_FUNCREF)];
    let mut params = out(|o| wasm_valtype_vec_new(o, 2, types.as_ptr()));
    std::mem::forget(types); // taken over by the vector
    let mut results = out(|o| wasm_valtype_vec_new_empty(o));
    let f = wasm_functype_new(&mut params, &mut results);
    assert_eq!(params.size, 0, "taken over");
    let copy = wasm_functype_copy(&f);
    wasm_functype_delete(Some(f));
    let kinds: Vec<u8> = wasm_functype_params(&copy)
        .as_slice()
        .iter()
        .map(|t| wasm_valtype_kind(t.as_ref().unwrap()))
        .collect();
    assert_eq!(kinds, [WASM_I64, WASM_FUNCREF]);
    assert!(wasm_valtype_new(77).is_none());
    let limits = wasm_limits_t {
        min: 1,
        max: u32::MAX,
    };
    let mt = wasm_memorytype_new(&limits);
    assert_eq!(wasm_memorytype_limits(&mt).max, u32::MAX);
    let mut uninit = out(|o| wasm_val_vec_new_uninitialized(o, 3));
    assert_eq!(
        uninit
            .as_slice()
            .iter()
            .filter(|v| v.kind == WASM_I32)
            .count(),
        3
    );
    wasm_val_vec_delete(&mut uninit);
}

/// A value of a kind wasm.h does not define is refused, and freeing it does not take its
/// payload for a reference (the fuzzer's first find).
#[test]
fn a_value_of_an_unknown_kind_is_refused_and_freed_safely() {
    let engine = wasm_engine_new();
    let store = wasm_store_new(&engine);
    let ty = wasm_globaltype_new(wasm_valtype_new(WASM_I32).unwrap(), 1).unwrap();
    let g = wasm_global_new(&store, &ty, &int(1)).unwrap();
    let mut odd = wasm_val_t {
        kind: 200,
        of: wasm_val_union { i64: 0x1234_5678 },
    };
    let mut g = g;
    wasm_global_set(&mut g, &odd);
    // SAFETY: an i32 global.
    assert_eq!(unsafe { out(|o| wasm_global_get(&g, o)).of.i32 }, 1);
    wasm_val_delete(&mut odd);
    drop(wasm_val_t {
        kind: 131,
        of: wasm_val_union { i64: 0x1000 },
    });
}

fn int(i: i32) -> wasm_val_t {
    wasm_val_t {
        kind: WASM_I32,
        of: wasm_val_union { i32: i },
    }
}
