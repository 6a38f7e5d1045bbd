//! The C API's vectors: `wasm_X_vec_t` is a length and a pointer to `X`s it owns.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> (section
//! "Vectors"). Every vector type has the same five functions; [`vec_functions!`] writes
//! them over the generic [`WasmVec`], whose methods hold the only unsafe code.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ptr;

/// A vector the C side sees as `{ size_t size; T* data; }`.
#[repr(C)]
pub struct WasmVec<T> {
    /// How many elements `data` holds.
    pub size: usize,
    /// The elements, or null when `size` is 0.
    pub data: *mut T,
}

impl<T> WasmVec<T> {
    /// The empty vector.
    pub const fn empty() -> Self {
        WasmVec {
            size: 0,
            data: ptr::null_mut(),
        }
    }

    /// A vector owning `items`.
    pub fn from_vec(items: Vec<T>) -> Self {
        if items.is_empty() {
            return Self::empty();
        }
        let slice = Box::leak(items.into_boxed_slice());
        WasmVec {
            size: slice.len(),
            data: slice.as_mut_ptr(),
        }
    }

    /// The elements, borrowed.
    pub fn as_slice(&self) -> &[T] {
        if self.data.is_null() || self.size == 0 {
            return &[];
        }
        // SAFETY: a non-null `data` came from `from_vec` (a boxed slice of `size`
        // elements) or from C, whose contract (wasm.h) is the same: `size` initialized
        // elements that this vector owns and nobody else mutates meanwhile.
        unsafe { core::slice::from_raw_parts(self.data, self.size) }
    }

    /// The elements, borrowed mutably.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        if self.data.is_null() || self.size == 0 {
            return &mut [];
        }
        // SAFETY: as in `as_slice`, and `&mut self` makes the borrow unique.
        unsafe { core::slice::from_raw_parts_mut(self.data, self.size) }
    }

    /// Takes the elements out, leaving the vector empty.
    pub fn take(&mut self) -> Vec<T> {
        if self.data.is_null() || self.size == 0 {
            *self = Self::empty();
            return Vec::new();
        }
        // SAFETY: `data` and `size` describe a boxed slice this vector owns (see
        // `as_slice`); it is forgotten here, so it is freed exactly once.
        let boxed = unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(self.data, self.size)) };
        *self = Self::empty();
        boxed.into_vec()
    }
}

impl<T: Clone> WasmVec<T> {
    /// A copy of the elements (pointer elements are deep-copied by their `Clone`).
    pub fn to_vec(&self) -> Vec<T> {
        self.as_slice().to_vec()
    }
}

/// Writes `wasm_X_vec_new_empty`, `_new_uninitialized`, `_new`, `_copy` and `_delete`
/// for a vector of `$elem`. Uninitialized elements are the element's `Default` (null for
/// pointers, zero for bytes and values), never undefined memory.
macro_rules! vec_functions {
    ($vec:ident, $elem:ty, $new_empty:ident, $new_uninit:ident, $new:ident, $copy:ident, $delete:ident) => {
        #[doc = concat!("`", stringify!($vec), "`.")]
        pub type $vec = $crate::vec::WasmVec<$elem>;

        #[doc = concat!("Makes an empty `", stringify!($vec), "`.")]
        #[no_mangle]
        pub extern "C" fn $new_empty(out: &mut core::mem::MaybeUninit<$vec>) {
            out.write($crate::vec::WasmVec::empty());
        }

        #[doc = concat!("Makes a `", stringify!($vec), "` of `size` empty elements.")]
        #[no_mangle]
        pub extern "C" fn $new_uninit(out: &mut core::mem::MaybeUninit<$vec>, size: usize) {
            let items = (0..size).map(|_| <$elem>::default()).collect();
            out.write($crate::vec::WasmVec::from_vec(items));
        }

        #[doc = concat!("Makes a `", stringify!($vec), "` taking over `size` elements from `data`.")]
        #[no_mangle]
        pub extern "C" fn $new(out: &mut core::mem::MaybeUninit<$vec>, size: usize, data: *const $elem) {
            let items = $crate::vec::take_elements(data, size);
            out.write($crate::vec::WasmVec::from_vec(items));
        }

        #[doc = concat!("Copies a `", stringify!($vec), "`, with its elements.")]
        #[no_mangle]
        pub extern "C" fn $copy(out: &mut core::mem::MaybeUninit<$vec>, src: &$vec) {
            out.write($crate::vec::WasmVec::from_vec(src.to_vec()));
        }

        #[doc = concat!("Frees a `", stringify!($vec), "` and its elements.")]
        #[no_mangle]
        pub extern "C" fn $delete(v: &mut $vec) {
            drop(v.take());
        }
    };
}
pub(crate) use vec_functions;

/// Moves `size` elements out of C's array `data` (wasm.h's `new` takes ownership of
/// them; the array itself stays C's).
pub(crate) fn take_elements<T>(data: *const T, size: usize) -> Vec<T> {
    if data.is_null() || size == 0 {
        return Vec::new();
    }
    // SAFETY: wasm.h's contract for `wasm_X_vec_new`: `data` points to `size` initialized
    // elements whose ownership passes to the vector; C does not use them again.
    (0..size)
        .map(|i| unsafe { ptr::read(data.add(i)) })
        .collect()
}

vec_functions!(
    wasm_byte_vec_t,
    u8,
    wasm_byte_vec_new_empty,
    wasm_byte_vec_new_uninitialized,
    wasm_byte_vec_new,
    wasm_byte_vec_copy,
    wasm_byte_vec_delete
);

impl Clone for WasmVec<u8> {
    fn clone(&self) -> Self {
        WasmVec::from_vec(self.to_vec())
    }
}

impl WasmVec<u8> {
    /// A message as wasm.h gives them: the text and a terminating NUL.
    pub fn message(text: &str) -> Self {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        WasmVec::from_vec(bytes)
    }

    /// The bytes as text, without a trailing NUL; invalid UTF-8 is replaced.
    pub fn text(&self) -> alloc::string::String {
        let bytes = self.as_slice();
        let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
        alloc::string::String::from_utf8_lossy(bytes).into_owned()
    }
}
