//! WASI preview1 for C programs, in the spelling of wasmtime's `wasi.h`.
//!
//! A `wasi_config_t` collects what the program sees (arguments, environment, stdio,
//! preopened directories); `wisp_store_set_wasi` gives it to a store, and
//! `wisp_wasi_imports` makes the store's WASI functions for a module's imports, ready for
//! `wasm_instance_new`.

use crate::engine::{remember, wasm_store_t, with_store, StoreData};
use crate::externals::wasm_extern_t;
use crate::module::wasm_module_t;
use crate::vec::WasmVec;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{c_char, CStr};
use wisp::Linker;
use wisp_wasi::{WasiCtx, WasiCtxBuilder};

/// `wasi_config_t`.
pub struct wasi_config_t {
    builder: WasiCtxBuilder,
}

impl wasi_config_t {
    fn update(&mut self, f: impl FnOnce(WasiCtxBuilder) -> WasiCtxBuilder) {
        let b = core::mem::take(&mut self.builder);
        self.builder = f(b);
    }
}

/// A configuration: no arguments, no environment, no stdio and no directories (on a
/// host, the system clock and randomness).
#[no_mangle]
pub extern "C" fn wasi_config_new() -> Box<wasi_config_t> {
    let builder = WasiCtx::builder();
    #[cfg(feature = "std")]
    let builder = builder
        .clock(wisp_wasi::HostClock::new())
        .random(wisp_wasi::HostRandom::new());
    Box::new(wasi_config_t { builder })
}

/// Frees a configuration.
#[no_mangle]
pub extern "C" fn wasi_config_delete(_: Option<Box<wasi_config_t>>) {}

/// The text of C string `i` of `array`; `None` for a null pointer or invalid UTF-8.
fn c_string(array: *const *const c_char, i: usize) -> Option<String> {
    // SAFETY: the caller (wasi.h's contract) gives `array` with at least `i + 1` entries.
    let p = unsafe { *array.add(i) };
    if p.is_null() {
        return None;
    }
    // SAFETY: each entry is a NUL-terminated string that lives through the call.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().ok().map(String::from)
}

/// Sets the program's arguments (its name first); false, changing nothing, if one is
/// null or not UTF-8.
#[no_mangle]
pub extern "C" fn wasi_config_set_argv(
    c: &mut wasi_config_t,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    if argc > 0 && argv.is_null() {
        return false;
    }
    let Some(args) = (0..argc)
        .map(|i| c_string(argv, i))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    c.update(|b| b.args(args));
    true
}

/// Sets environment variables; false, changing nothing, if a name or value is null or
/// not UTF-8.
#[no_mangle]
pub extern "C" fn wasi_config_set_env(
    c: &mut wasi_config_t,
    envc: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    if envc > 0 && (names.is_null() || values.is_null()) {
        return false;
    }
    let pairs = (0..envc)
        .map(|i| Some((c_string(names, i)?, c_string(values, i)?)))
        .collect::<Option<Vec<_>>>();
    let Some(pairs) = pairs else {
        return false;
    };
    c.update(|mut b| {
        for (k, v) in &pairs {
            b = b.env(k, v);
        }
        b
    });
    true
}

/// The host process's arguments.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_inherit_argv(c: &mut wasi_config_t) {
    c.update(|b| b.inherit_args());
}

/// The host process's environment.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_inherit_env(c: &mut wasi_config_t) {
    c.update(|b| b.inherit_env());
}

/// The host process's stdin.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stdin(c: &mut wasi_config_t) {
    c.update(|b| b.stdin(wisp_wasi::Stdin));
}

/// The host process's stdout.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stdout(c: &mut wasi_config_t) {
    c.update(|b| b.stdout(wisp_wasi::Stdout));
}

/// The host process's stderr.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stderr(c: &mut wasi_config_t) {
    c.update(|b| b.stderr(wisp_wasi::Stderr));
}

/// Stdin reads these bytes (taken over), then ends.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_set_stdin_bytes(c: &mut wasi_config_t, bytes: &mut WasmVec<u8>) {
    let bytes = bytes.take();
    c.update(|b| b.stdin(wisp_wasi::MemoryInputPipe::new(bytes)));
}

/// Opens the host directory `host_path` for the program as `guest_path`; false if it
/// cannot be opened. The program reaches nothing outside it.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wasi_config_preopen_dir(
    c: &mut wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    preopen(c, host_path, guest_path, false)
}

/// As `wasi_config_preopen_dir`, but the program can only read.
#[cfg(feature = "std")]
#[no_mangle]
pub extern "C" fn wisp_wasi_config_preopen_dir_readonly(
    c: &mut wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    preopen(c, host_path, guest_path, true)
}

#[cfg(feature = "std")]
fn preopen(
    c: &mut wasi_config_t,
    host: *const c_char,
    guest: *const c_char,
    readonly: bool,
) -> bool {
    if host.is_null() || guest.is_null() {
        return false;
    }
    let (Some(host), Some(guest)) = (c_string(&host, 0), c_string(&guest, 0)) else {
        return false;
    };
    let Ok(dir) = wisp_wasi::HostDir::open(&host) else {
        return false;
    };
    c.update(|b| {
        if readonly {
            b.preopen_readonly(dir, &guest)
        } else {
            b.preopen(dir, &guest)
        }
    });
    true
}

/// Gives the store a WASI context made from `config`, which it takes over (replacing
/// any earlier one).
#[no_mangle]
pub extern "C" fn wisp_store_set_wasi(store: &wasm_store_t, config: Box<wasi_config_t>) -> bool {
    with_store(&store.store, |s| {
        s.data_mut().wasi = Some(config.builder.build());
        Ok(())
    })
    .is_ok()
}

fn wasi_of(data: &mut StoreData) -> &mut WasiCtx {
    // `wisp_wasi_imports` refuses a store without a context, and nothing removes one;
    // an empty context is the harmless answer should that ever change.
    data.wasi.get_or_insert_with(|| WasiCtx::builder().build())
}

/// Fills `out` with one external per import of `module`, in order: the store's WASI
/// function for each `wasi_snapshot_preview1` import, null for the others (for the
/// program to fill in before `wasm_instance_new`). False, with `out` empty, if the
/// store has no WASI context (`wisp_store_set_wasi`) or the module imports a WASI
/// function that does not exist (`wisp_store_last_error` says which).
#[no_mangle]
pub extern "C" fn wisp_wasi_imports(
    store: &wasm_store_t,
    module: &wasm_module_t,
    out: &mut core::mem::MaybeUninit<WasmVec<Option<Box<wasm_extern_t>>>>,
) -> bool {
    let made = with_store(&store.store, |s| {
        if s.data().wasi.is_none() {
            return Err(wisp::Error::msg(
                "the store has no WASI context: call wisp_store_set_wasi first",
            ));
        }
        let mut linker = Linker::new(s.engine());
        wisp_wasi::add_to_linker(&mut linker, wasi_of)?;
        let mut items = Vec::new();
        for import in module.module.imports() {
            if import.module != wisp_wasi::MODULE {
                items.push(None);
                continue;
            }
            let which = linker
                .get(&mut *s, &import.module, &import.name)
                .ok_or_else(|| {
                    wisp::Error::msg(alloc::format!(
                        "unknown WASI import `{}::{}`",
                        import.module,
                        import.name
                    ))
                })?;
            items.push(Some(Box::new(wasm_extern_t {
                store: store.store.clone(),
                which,
            })));
        }
        Ok(items)
    });
    match made {
        Ok(items) => {
            out.write(WasmVec::from_vec(items));
            true
        }
        Err(e) => {
            remember(&store.store, &e);
            out.write(WasmVec::empty());
            false
        }
    }
}
