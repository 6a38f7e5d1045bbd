//! Modules: decoding and validating Wasm, their imports and exports, and sharing one
//! between stores.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Modules").

use crate::engine::{remember, wasm_store_t, Access};
use crate::types::{own_functions, wasm_exporttype_t, wasm_importtype_t};
use crate::vec::WasmVec;
use alloc::boxed::Box;
use core::mem::MaybeUninit;
use wisp::Module;

/// `wasm_module_t`: decoded, validated code, not bound to a store.
#[derive(Clone)]
pub struct wasm_module_t {
    pub(crate) module: Module,
}

/// `wasm_shared_module_t`: a module to hand to another store (of the same engine).
pub struct wasm_shared_module_t {
    module: Module,
}

own_functions!(wasm_module_t, wasm_module_delete, wasm_module_copy);

/// Frees a shared module.
#[no_mangle]
pub extern "C" fn wasm_shared_module_delete(_: Option<Box<wasm_shared_module_t>>) {}

/// Decodes and validates `binary` (with the `wat` feature, text too). Null if it is
/// malformed or invalid; `wisp_store_last_error` gives the reason and byte offset.
#[no_mangle]
pub extern "C" fn wasm_module_new(
    store: &wasm_store_t,
    binary: &WasmVec<u8>,
) -> Option<Box<wasm_module_t>> {
    let engine = store.store.read(|s| s.engine().clone());
    match Module::new(&engine, binary.as_slice()) {
        Ok(module) => Some(Box::new(wasm_module_t { module })),
        Err(e) => {
            remember(&store.store, &e);
            None
        }
    }
}

/// Whether `binary` is a valid module.
#[no_mangle]
pub extern "C" fn wasm_module_validate(store: &wasm_store_t, binary: &WasmVec<u8>) -> bool {
    let engine = store.store.read(|s| s.engine().clone());
    match Module::validate(&engine, binary.as_slice()) {
        Ok(()) => true,
        Err(e) => {
            remember(&store.store, &e);
            false
        }
    }
}

/// The module's imports, in order.
#[no_mangle]
pub extern "C" fn wasm_module_imports(
    module: &wasm_module_t,
    out: &mut MaybeUninit<WasmVec<Option<Box<wasm_importtype_t>>>>,
) {
    let items = module
        .module
        .imports()
        .into_iter()
        .map(|i| Some(Box::new(wasm_importtype_t::new(&i.module, &i.name, i.ty))))
        .collect();
    out.write(WasmVec::from_vec(items));
}

/// The module's exports, in order.
#[no_mangle]
pub extern "C" fn wasm_module_exports(
    module: &wasm_module_t,
    out: &mut MaybeUninit<WasmVec<Option<Box<wasm_exporttype_t>>>>,
) {
    let items = module
        .module
        .exports()
        .into_iter()
        .map(|e| Some(Box::new(wasm_exporttype_t::new(&e.name, e.ty))))
        .collect();
    out.write(WasmVec::from_vec(items));
}

/// The module, to obtain in another store.
#[no_mangle]
pub extern "C" fn wasm_module_share(module: &wasm_module_t) -> Box<wasm_shared_module_t> {
    Box::new(wasm_shared_module_t {
        module: module.module.clone(),
    })
}

/// A shared module in `store`: the same compiled code, not decoded again. The store
/// should belong to the engine the module was made with.
#[no_mangle]
pub extern "C" fn wasm_module_obtain(
    _store: &wasm_store_t,
    shared: &wasm_shared_module_t,
) -> Option<Box<wasm_module_t>> {
    Some(Box::new(wasm_module_t {
        module: shared.module.clone(),
    }))
}
