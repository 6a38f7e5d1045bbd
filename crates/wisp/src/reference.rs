//! External references: host values that Wasm code can hold but not inspect.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values> (`ref.extern`)

use crate::store::Store;
use alloc::boxed::Box;
use core::any::Any;
use wisp_types::{ExternAddr, Val};

/// A non-null `externref`: a host value owned by the store, passed to and from Wasm
/// as `Val::ExternRef(Some(addr))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternRef(pub(crate) ExternAddr);

impl ExternRef {
    /// Moves `value` into the store and returns a reference to it.
    pub fn new<T>(store: &mut Store<T>, value: impl Any) -> ExternRef {
        store.externs.push(Box::new(value));
        ExternRef(ExternAddr(store.externs.len() as u32 - 1))
    }

    /// The host value, if this reference was made by [`ExternRef::new`] in this store.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> Option<&'a dyn Any> {
        store.externs.get(self.0 .0 as usize).map(|b| b.as_ref())
    }

    pub fn to_val(self) -> Val {
        Val::ExternRef(Some(self.0))
    }

    /// The reference in a value, if it is a non-null `externref`.
    pub fn from_val(v: Val) -> Option<ExternRef> {
        match v {
            Val::ExternRef(Some(a)) => Some(ExternRef(a)),
            _ => None,
        }
    }
}
