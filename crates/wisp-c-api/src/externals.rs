//! Externals (functions, globals, tables, memories) and instances.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Runtime
//! Objects"). Each object holds its store; the four kinds of external are all the same
//! `wasm_extern_t` object (wasm.h converts between them by pointer), so each wraps one.

use crate::engine::{remember, wasm_store_t, with_store, Access, StoreRef};
use crate::module::wasm_module_t;
use crate::trap::wasm_trap_t;
use crate::types::{
    own_functions, wasm_externkind_t, wasm_externtype_t, wasm_globaltype_t, wasm_memorytype_t,
    wasm_tabletype_t,
};
use crate::val::{wasm_ref_t, wasm_val_t};
use crate::vec::{vec_functions, WasmVec};
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::MaybeUninit;
use wisp::{Extern, Global, Instance, Memory, Table, Val, ValType};

/// `wasm_extern_t`.
#[derive(Clone)]
pub struct wasm_extern_t {
    pub(crate) store: StoreRef,
    pub(crate) which: Extern,
}

/// `wasm_func_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_func_t {
    pub(crate) ext: wasm_extern_t,
}

/// `wasm_global_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_global_t {
    pub(crate) ext: wasm_extern_t,
}

/// `wasm_table_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_table_t {
    pub(crate) ext: wasm_extern_t,
}

/// `wasm_memory_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_memory_t {
    pub(crate) ext: wasm_extern_t,
}

own_functions!(wasm_extern_t, wasm_extern_delete, wasm_extern_copy);
own_functions!(wasm_func_t, wasm_func_delete, wasm_func_copy);
own_functions!(wasm_global_t, wasm_global_delete, wasm_global_copy);
own_functions!(wasm_table_t, wasm_table_delete, wasm_table_copy);
own_functions!(wasm_memory_t, wasm_memory_delete, wasm_memory_copy);
vec_functions!(
    wasm_extern_vec_t,
    Option<Box<wasm_extern_t>>,
    wasm_extern_vec_new_empty,
    wasm_extern_vec_new_uninitialized,
    wasm_extern_vec_new,
    wasm_extern_vec_copy,
    wasm_extern_vec_delete
);

/// `WASM_EXTERN_FUNC`, `_GLOBAL`, `_TABLE` or `_MEMORY` (a tag shows as a function).
#[no_mangle]
pub extern "C" fn wasm_extern_kind(e: &wasm_extern_t) -> wasm_externkind_t {
    match e.which {
        Extern::Global(_) => 1,
        Extern::Table(_) => 2,
        Extern::Memory(_) => 3,
        _ => 0,
    }
}

/// The external's type.
#[no_mangle]
pub extern "C" fn wasm_extern_type(e: &wasm_extern_t) -> Box<wasm_externtype_t> {
    let ty = e.store.read(|s| e.which.ty(s));
    Box::new(wasm_externtype_t::new(ty))
}

/// Writes the pointer conversions between `wasm_extern_t` and one kind of external.
macro_rules! extern_casts {
    ($ty:ident, $variant:ident, $up:ident, $up_const:ident, $down:ident, $down_const:ident) => {
        #[doc = concat!("The `", stringify!($ty), "` as an external (the same object).")]
        #[no_mangle]
        pub extern "C" fn $up(x: &mut $ty) -> &mut wasm_extern_t {
            &mut x.ext
        }
        #[doc = concat!("The `", stringify!($ty), "` as an external (the same object).")]
        #[no_mangle]
        pub extern "C" fn $up_const(x: &$ty) -> &wasm_extern_t {
            &x.ext
        }
        #[doc = concat!("The external as a `", stringify!($ty), "`, or null if it is another kind.")]
        #[no_mangle]
        pub extern "C" fn $down(e: &mut wasm_extern_t) -> Option<&mut $ty> {
            match e.which {
                Extern::$variant(_) => {
                    // SAFETY: `$ty` is `repr(transparent)` over `wasm_extern_t`.
                    Some(unsafe { &mut *(e as *mut wasm_extern_t as *mut $ty) })
                }
                _ => None,
            }
        }
        #[doc = concat!("The external as a `", stringify!($ty), "`, or null if it is another kind.")]
        #[no_mangle]
        pub extern "C" fn $down_const(e: &wasm_extern_t) -> Option<&$ty> {
            match e.which {
                Extern::$variant(_) => {
                    // SAFETY: `$ty` is `repr(transparent)` over `wasm_extern_t`.
                    Some(unsafe { &*(e as *const wasm_extern_t as *const $ty) })
                }
                _ => None,
            }
        }
    };
}

extern_casts!(
    wasm_func_t,
    Func,
    wasm_func_as_extern,
    wasm_func_as_extern_const,
    wasm_extern_as_func,
    wasm_extern_as_func_const
);
extern_casts!(
    wasm_global_t,
    Global,
    wasm_global_as_extern,
    wasm_global_as_extern_const,
    wasm_extern_as_global,
    wasm_extern_as_global_const
);
extern_casts!(
    wasm_table_t,
    Table,
    wasm_table_as_extern,
    wasm_table_as_extern_const,
    wasm_extern_as_table,
    wasm_extern_as_table_const
);
extern_casts!(
    wasm_memory_t,
    Memory,
    wasm_memory_as_extern,
    wasm_memory_as_extern_const,
    wasm_extern_as_memory,
    wasm_extern_as_memory_const
);

impl wasm_global_t {
    fn global(&self) -> Global {
        match self.ext.which {
            Extern::Global(g) => g,
            _ => crate::abort("a wasm_global_t that is not a global"),
        }
    }
}

impl wasm_table_t {
    fn table(&self) -> Table {
        match self.ext.which {
            Extern::Table(t) => t,
            _ => crate::abort("a wasm_table_t that is not a table"),
        }
    }
}

impl wasm_memory_t {
    fn memory(&self) -> Memory {
        match self.ext.which {
            Extern::Memory(m) => m,
            _ => crate::abort("a wasm_memory_t that is not a memory"),
        }
    }
}

/// The new external `made` in `store`, as the C type `wrap` makes of it; null, with the
/// reason kept for `wisp_store_last_error`, if making it failed.
fn new_extern<T>(
    store: &wasm_store_t,
    made: Result<Extern, wisp::Error>,
    wrap: impl FnOnce(wasm_extern_t) -> T,
) -> Option<Box<T>> {
    match made {
        Ok(which) => Some(Box::new(wrap(wasm_extern_t {
            store: store.store.clone(),
            which,
        }))),
        Err(e) => {
            remember(&store.store, &e);
            None
        }
    }
}

/// A global of type `ty` holding `val`; null (see `wisp_store_last_error`) if the value
/// does not match the type.
#[no_mangle]
pub extern "C" fn wasm_global_new(
    store: &wasm_store_t,
    ty: &wasm_globaltype_t,
    val: &wasm_val_t,
) -> Option<Box<wasm_global_t>> {
    let made = with_store(&store.store, |s| {
        let v = val
            .to_wisp(&store.store)
            .ok_or_else(|| wisp::Error::msg("the value is of an unknown kind or another store"))?;
        Global::new(s, ty.c().ty, v)
    });
    new_extern(store, made.map(Extern::Global), |ext| wasm_global_t { ext })
}

/// The global's type.
#[no_mangle]
pub extern "C" fn wasm_global_type(g: &wasm_global_t) -> Box<wasm_globaltype_t> {
    let ty = g.ext.store.read(|s| g.global().ty(s));
    Box::new(wasm_globaltype_t {
        ext: wasm_externtype_t::new(wisp::ExternType::Global(ty)),
    })
}

/// The global's value (an `i32` zero for a 128-bit vector, which wasm.h cannot hold).
#[no_mangle]
pub extern "C" fn wasm_global_get(g: &wasm_global_t, out: &mut MaybeUninit<wasm_val_t>) {
    let v = g.ext.store.read(|s| g.global().get(s));
    out.write(wasm_val_t::from_wisp(v, &g.ext.store).unwrap_or_default());
}

/// Sets a mutable global. A value of the wrong type, or an immutable global, is left as
/// it was (wasm.h gives no result; `wisp_store_last_error` says why).
#[no_mangle]
pub extern "C" fn wasm_global_set(g: &mut wasm_global_t, val: &wasm_val_t) {
    let store = &g.ext.store;
    let global = g.global();
    let r = with_store(store, |s| {
        let v = val
            .to_wisp(store)
            .ok_or_else(|| wisp::Error::msg("the value is of an unknown kind or another store"))?;
        global.set(s, v)
    });
    if let Err(e) = r {
        remember(store, &e);
    }
}

/// The value a table slot gets from a C reference: null for a null pointer.
fn element(store: &StoreRef, ty: ValType, r: Option<&wasm_ref_t>) -> Option<Val> {
    match r {
        Some(r) if alloc::rc::Rc::ptr_eq(&r.store, store) => Some(r.val),
        Some(_) => None,
        None => Some(Val::default_of(ty)),
    }
}

/// A table of type `ty`, every element `init` (null for null references).
#[no_mangle]
pub extern "C" fn wasm_table_new(
    store: &wasm_store_t,
    ty: &wasm_tabletype_t,
    init: Option<&wasm_ref_t>,
) -> Option<Box<wasm_table_t>> {
    let ty = ty.c().ty;
    let made = with_store(&store.store, |s| {
        let init = element(&store.store, ValType::Ref(ty.element), init)
            .ok_or_else(|| wisp::Error::msg("the reference belongs to another store"))?;
        Table::new(s, ty, init)
    });
    new_extern(store, made.map(Extern::Table), |ext| wasm_table_t { ext })
}

/// The table's type.
#[no_mangle]
pub extern "C" fn wasm_table_type(t: &wasm_table_t) -> Box<wasm_tabletype_t> {
    let ty = t.ext.store.read(|s| t.table().ty(s));
    Box::new(wasm_tabletype_t {
        ext: wasm_externtype_t::new(wisp::ExternType::Table(ty)),
    })
}

/// The element at `index`: null if it is a null reference or out of bounds.
#[no_mangle]
pub extern "C" fn wasm_table_get(t: &wasm_table_t, index: u32) -> Option<Box<wasm_ref_t>> {
    let v = t.ext.store.read(|s| t.table().get(s, index))?;
    (!v.is_null()).then(|| {
        Box::new(wasm_ref_t {
            store: t.ext.store.clone(),
            val: v,
        })
    })
}

/// Sets the element at `index`; false if out of bounds or of the wrong type.
#[no_mangle]
pub extern "C" fn wasm_table_set(t: &mut wasm_table_t, index: u32, r: Option<&wasm_ref_t>) -> bool {
    let store = &t.ext.store;
    let table = t.table();
    with_store(store, |s| {
        let ty = ValType::Ref(table.ty(&*s).element);
        let v =
            element(store, ty, r).ok_or_else(|| wisp::Error::msg("another store's reference"))?;
        table.set(s, index, v)
    })
    .is_ok()
}

/// The number of elements.
#[no_mangle]
pub extern "C" fn wasm_table_size(t: &wasm_table_t) -> u32 {
    t.ext.store.read(|s| t.table().size(s))
}

/// Adds `delta` elements set to `init`; false if the table cannot grow that far.
#[no_mangle]
pub extern "C" fn wasm_table_grow(
    t: &mut wasm_table_t,
    delta: u32,
    init: Option<&wasm_ref_t>,
) -> bool {
    let store = &t.ext.store;
    let table = t.table();
    with_store(store, |s| {
        let ty = ValType::Ref(table.ty(&*s).element);
        let v = element(store, ty, init)
            .ok_or_else(|| wisp::Error::msg("another store's reference"))?;
        table.grow(s, delta, v)
    })
    .is_ok()
}

/// A memory of type `ty`; null (see `wisp_store_last_error`) if the store's limits
/// refuse it.
#[no_mangle]
pub extern "C" fn wasm_memory_new(
    store: &wasm_store_t,
    ty: &wasm_memorytype_t,
) -> Option<Box<wasm_memory_t>> {
    let made = with_store(&store.store, |s| Memory::new(s, ty.c().ty));
    new_extern(store, made.map(Extern::Memory), |ext| wasm_memory_t { ext })
}

/// The memory's type.
#[no_mangle]
pub extern "C" fn wasm_memory_type(m: &wasm_memory_t) -> Box<wasm_memorytype_t> {
    let ty = m.ext.store.read(|s| m.memory().ty(s));
    Box::new(wasm_memorytype_t {
        ext: wasm_externtype_t::new(wisp::ExternType::Memory(ty)),
    })
}

/// The memory's bytes, valid until the memory grows.
#[no_mangle]
pub extern "C" fn wasm_memory_data(m: &mut wasm_memory_t) -> *mut u8 {
    let memory = m.memory();
    m.ext.store.access(|s| memory.data_mut(s).as_mut_ptr())
}

/// The memory's size in bytes.
#[no_mangle]
pub extern "C" fn wasm_memory_data_size(m: &wasm_memory_t) -> usize {
    let pages = m.ext.store.read(|s| m.memory().size(s));
    (pages as usize).saturating_mul(65536)
}

/// The memory's size in 64 KiB pages.
#[no_mangle]
pub extern "C" fn wasm_memory_size(m: &wasm_memory_t) -> u32 {
    let pages = m.ext.store.read(|s| m.memory().size(s));
    pages.min(u32::MAX as u64) as u32
}

/// Grows the memory by `delta` pages; false if it cannot.
#[no_mangle]
pub extern "C" fn wasm_memory_grow(m: &mut wasm_memory_t, delta: u32) -> bool {
    let memory = m.memory();
    with_store(&m.ext.store, |s| memory.grow(s, delta as u64)).is_ok()
}

/// `wasm_instance_t`.
#[derive(Clone)]
pub struct wasm_instance_t {
    store: StoreRef,
    instance: Instance,
}

own_functions!(wasm_instance_t, wasm_instance_delete, wasm_instance_copy);

/// Instantiates `module` with `imports` in the order of `wasm_module_imports`, then runs
/// its start function. On failure it returns null and, if `trap` is not null, a trap
/// saying why in `*trap` (a link error too).
#[no_mangle]
pub extern "C" fn wasm_instance_new(
    store: &wasm_store_t,
    module: &wasm_module_t,
    imports: Option<&WasmVec<Option<Box<wasm_extern_t>>>>,
    trap: Option<&mut Option<Box<wasm_trap_t>>>,
) -> Option<Box<wasm_instance_t>> {
    let given = imports.map_or(&[][..], |v| v.as_slice());
    let result = with_store(&store.store, |s| {
        let mut externs = Vec::with_capacity(given.len());
        for (i, e) in given.iter().enumerate() {
            let e = e
                .as_ref()
                .ok_or_else(|| wisp::Error::msg(alloc::format!("import {i} is null")))?;
            externs.push(e.which);
        }
        Instance::new(s, &module.module, &externs)
    });
    match result {
        Ok(instance) => Some(Box::new(wasm_instance_t {
            store: store.store.clone(),
            instance,
        })),
        Err(e) => {
            remember(&store.store, &e);
            if let Some(out) = trap {
                *out = Some(wasm_trap_t::from_error(&e));
            }
            None
        }
    }
}

/// The instance's exports, in the order of `wasm_module_exports`.
#[no_mangle]
pub extern "C" fn wasm_instance_exports(
    instance: &wasm_instance_t,
    out: &mut MaybeUninit<WasmVec<Option<Box<wasm_extern_t>>>>,
) {
    let exports = instance.store.read(|s| instance.instance.exports(s));
    let items = exports
        .into_iter()
        .map(|(_, which)| {
            Some(Box::new(wasm_extern_t {
                store: instance.store.clone(),
                which,
            }))
        })
        .collect();
    out.write(WasmVec::from_vec(items));
}
