//! Traps and the frames of their backtraces.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Traps",
//! "Frames"). A trap carries its message, its backtrace and, for a WASI program that
//! called `proc_exit`, its exit status.

use crate::engine::wasm_store_t;
use crate::types::own_functions;
use crate::vec::{vec_functions, WasmVec};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::mem::MaybeUninit;
use wisp::{Error, FrameInfo};

/// `wasm_frame_t`: one active function when the trap happened.
#[derive(Clone)]
pub struct wasm_frame_t {
    info: FrameInfo,
}

/// `wasm_trap_t`.
#[derive(Clone)]
pub struct wasm_trap_t {
    message: String,
    frames: Vec<FrameInfo>,
    exit_status: Option<i32>,
}

impl wasm_trap_t {
    /// The trap for a failed call or instantiation: the message without the backtrace,
    /// which the frames carry.
    pub(crate) fn from_error(e: &Error) -> Box<Self> {
        let message = match e {
            Error::Trap(t) => format!("wasm trap: {}", t.code),
            Error::Host(h) => format!("{}", h.error()),
            Error::Exception(_) => String::from("wasm trap: uncaught exception"),
            other => format!("{other}"),
        };
        let exit_status = match e {
            Error::Exit(code) => Some(*code),
            _ => None,
        };
        Box::new(wasm_trap_t {
            message,
            frames: e.backtrace().to_vec(),
            exit_status,
        })
    }

    /// The error a host callback's trap becomes inside Wisp.
    pub(crate) fn into_error(self) -> Error {
        match self.exit_status {
            Some(code) => Error::Exit(code),
            None => Error::msg(self.message),
        }
    }
}

own_functions!(wasm_frame_t, wasm_frame_delete, wasm_frame_copy);
own_functions!(wasm_trap_t, wasm_trap_delete, wasm_trap_copy);
vec_functions!(
    wasm_frame_vec_t,
    Option<Box<wasm_frame_t>>,
    wasm_frame_vec_new_empty,
    wasm_frame_vec_new_uninitialized,
    wasm_frame_vec_new,
    wasm_frame_vec_copy,
    wasm_frame_vec_delete
);

/// A trap with `message` (NUL-terminated or not), for a host callback to return. The
/// store may be null.
#[no_mangle]
pub extern "C" fn wasm_trap_new(
    _store: Option<&wasm_store_t>,
    message: &WasmVec<u8>,
) -> Box<wasm_trap_t> {
    Box::new(wasm_trap_t {
        message: message.text(),
        frames: Vec::new(),
        exit_status: None,
    })
}

/// The trap's message, NUL-terminated.
#[no_mangle]
pub extern "C" fn wasm_trap_message(trap: &wasm_trap_t, out: &mut MaybeUninit<WasmVec<u8>>) {
    out.write(WasmVec::message(&trap.message));
}

/// The innermost frame, or null when the trap has no backtrace.
#[no_mangle]
pub extern "C" fn wasm_trap_origin(trap: &wasm_trap_t) -> Option<Box<wasm_frame_t>> {
    trap.frames
        .first()
        .map(|info| Box::new(wasm_frame_t { info: info.clone() }))
}

/// The backtrace, innermost frame first.
#[no_mangle]
pub extern "C" fn wasm_trap_trace(
    trap: &wasm_trap_t,
    out: &mut MaybeUninit<WasmVec<Option<Box<wasm_frame_t>>>>,
) {
    let frames = trap
        .frames
        .iter()
        .map(|info| Some(Box::new(wasm_frame_t { info: info.clone() })))
        .collect();
    out.write(WasmVec::from_vec(frames));
}

/// For a WASI program that exited (`proc_exit`): its status, in `*status`, and true.
#[no_mangle]
pub extern "C" fn wisp_trap_exit_status(trap: &wasm_trap_t, status: &mut i32) -> bool {
    match trap.exit_status {
        Some(s) => {
            *status = s;
            true
        }
        None => false,
    }
}

/// The instance the frame ran in: always null here (Wisp's frames record the
/// function, not its instance).
#[no_mangle]
pub extern "C" fn wasm_frame_instance(_: &wasm_frame_t) -> *mut crate::externals::wasm_instance_t {
    core::ptr::null_mut()
}

/// The function's index in its module.
#[no_mangle]
pub extern "C" fn wasm_frame_func_index(f: &wasm_frame_t) -> u32 {
    f.info.func_index
}

/// The offset of the instruction from the start of the function's body, or 0 when
/// code offsets were not kept.
#[no_mangle]
pub extern "C" fn wasm_frame_func_offset(f: &wasm_frame_t) -> usize {
    f.info.func_offset.unwrap_or(0)
}

/// The offset of the instruction in the module, or 0 when code offsets were not kept.
#[no_mangle]
pub extern "C" fn wasm_frame_module_offset(f: &wasm_frame_t) -> usize {
    f.info.module_offset.unwrap_or(0)
}

/// The function's name from the module's name section, NUL-terminated, or an empty
/// vector.
#[no_mangle]
pub extern "C" fn wisp_frame_func_name(f: &wasm_frame_t, out: &mut MaybeUninit<WasmVec<u8>>) {
    out.write(
        f.info
            .name
            .as_deref()
            .map_or(WasmVec::empty(), WasmVec::message),
    );
}
