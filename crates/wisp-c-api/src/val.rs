//! Values and references as C passes them.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Values",
//! "References"). A `wasm_val_t` of a reference kind owns its `wasm_ref_t` (null for a
//! null reference), which holds its store like every other object.

use crate::engine::StoreRef;
use crate::types::{
    wasm_valkind_t, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64,
    WISP_ANYREF,
};
use crate::vec::vec_functions;
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::mem::MaybeUninit;
use core::ptr;
use wisp::{Val, F32, F64};

/// `wasm_ref_t`: a non-null reference into a store.
#[derive(Clone)]
pub struct wasm_ref_t {
    pub(crate) store: StoreRef,
    pub(crate) val: Val,
}

/// Frees a reference.
#[no_mangle]
pub extern "C" fn wasm_ref_delete(_: Option<Box<wasm_ref_t>>) {}

/// Copies a reference (both copies refer to the same object).
#[no_mangle]
pub extern "C" fn wasm_ref_copy(r: Option<&wasm_ref_t>) -> Option<Box<wasm_ref_t>> {
    r.map(|r| Box::new(r.clone()))
}

/// Whether two references refer to the same object (two nulls do).
#[no_mangle]
pub extern "C" fn wasm_ref_same(a: Option<&wasm_ref_t>, b: Option<&wasm_ref_t>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Rc::ptr_eq(&a.store, &b.store) && a.val == b.val,
        _ => false,
    }
}

/// The payload of a `wasm_val_t`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    /// `WASM_I32`.
    pub i32: i32,
    /// `WASM_I64`.
    pub i64: i64,
    /// `WASM_F32`.
    pub f32: f32,
    /// `WASM_F64`.
    pub f64: f64,
    /// A reference kind: owned, null for a null reference.
    pub ref_: *mut wasm_ref_t,
}

/// `wasm_val_t`: a kind and a payload.
#[repr(C)]
pub struct wasm_val_t {
    /// Which member of `of` holds the value.
    pub kind: wasm_valkind_t,
    /// The value.
    pub of: wasm_val_union,
}

/// Whether `kind` is a reference kind, whose payload is a `wasm_ref_t` pointer. A kind
/// wasm.h does not define is not: its payload is never taken for a pointer.
fn is_ref(kind: wasm_valkind_t) -> bool {
    matches!(kind, WASM_EXTERNREF | WASM_FUNCREF | WISP_ANYREF)
}

impl wasm_val_t {
    /// The reference this value owns, if it is a non-null reference.
    fn reference(&self) -> Option<&wasm_ref_t> {
        if !is_ref(self.kind) {
            return None;
        }
        // SAFETY: a reference kind's payload is `ref_`, null or a pointer from
        // `Box::into_raw` that this value owns (wasm.h's contract for C-made values too).
        unsafe { self.of.ref_.as_ref() }
    }

    /// The Wisp value, or `None` for a kind wasm.h does not define or a reference into
    /// another store.
    pub(crate) fn to_wisp(&self, store: &StoreRef) -> Option<Val> {
        // SAFETY (each union read): the member read is the one `kind` names.
        Some(match self.kind {
            WASM_I32 => Val::I32(unsafe { self.of.i32 }),
            WASM_I64 => Val::I64(unsafe { self.of.i64 }),
            WASM_F32 => Val::F32(F32(unsafe { self.of.f32 }.to_bits())),
            WASM_F64 => Val::F64(F64(unsafe { self.of.f64 }.to_bits())),
            WASM_FUNCREF | WASM_EXTERNREF | WISP_ANYREF => match self.reference() {
                Some(r) if Rc::ptr_eq(&r.store, store) => r.val,
                Some(_) => return None,
                None if self.kind == WASM_FUNCREF => Val::FuncRef(None),
                None if self.kind == WASM_EXTERNREF => Val::ExternRef(None),
                None => Val::AnyRef(None),
            },
            _ => return None,
        })
    }

    /// The C value of a Wisp value; `None` for a 128-bit vector, which wasm.h cannot hold.
    pub(crate) fn from_wisp(v: Val, store: &StoreRef) -> Option<Self> {
        let kind = crate::types::kind_of(v.ty());
        let of = match v {
            Val::I32(i) => wasm_val_union { i32: i },
            Val::I64(i) => wasm_val_union { i64: i },
            Val::F32(f) => wasm_val_union {
                f32: f32::from_bits(f.0),
            },
            Val::F64(f) => wasm_val_union {
                f64: f64::from_bits(f.0),
            },
            Val::V128(_) => return None,
            r => wasm_val_union {
                ref_: if r.is_null() {
                    ptr::null_mut()
                } else {
                    Box::into_raw(Box::new(wasm_ref_t {
                        store: store.clone(),
                        val: r,
                    }))
                },
            },
        };
        Some(wasm_val_t { kind, of })
    }
}

impl Default for wasm_val_t {
    fn default() -> Self {
        wasm_val_t {
            kind: WASM_I32,
            of: wasm_val_union { i64: 0 },
        }
    }
}

impl Clone for wasm_val_t {
    fn clone(&self) -> Self {
        if !is_ref(self.kind) {
            return wasm_val_t {
                kind: self.kind,
                of: self.of,
            };
        }
        let copy = self
            .reference()
            .map_or(ptr::null_mut(), |r| Box::into_raw(Box::new(r.clone())));
        wasm_val_t {
            kind: self.kind,
            of: wasm_val_union { ref_: copy },
        }
    }
}

impl Drop for wasm_val_t {
    fn drop(&mut self) {
        if is_ref(self.kind) {
            // SAFETY: a reference kind's payload is null or owned (see `reference`).
            let r = unsafe { self.of.ref_ };
            if !r.is_null() {
                // SAFETY: owned, from `Box::into_raw`; the pointer is cleared below so it
                // is freed once.
                drop(unsafe { Box::from_raw(r) });
            }
            self.of.ref_ = ptr::null_mut();
        }
    }
}

/// Frees what a value owns (its reference), leaving an `i32` zero.
#[no_mangle]
pub extern "C" fn wasm_val_delete(v: &mut wasm_val_t) {
    *v = wasm_val_t::default();
}

/// Copies a value (a reference is copied too).
#[no_mangle]
pub extern "C" fn wasm_val_copy(out: &mut MaybeUninit<wasm_val_t>, src: &wasm_val_t) {
    out.write(src.clone());
}

vec_functions!(
    wasm_val_vec_t,
    wasm_val_t,
    wasm_val_vec_new_empty,
    wasm_val_vec_new_uninitialized,
    wasm_val_vec_new,
    wasm_val_vec_copy,
    wasm_val_vec_delete
);
