//! External references: host values that Wasm code can hold but not inspect.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values> (`ref.extern`)

use crate::handle::Stored;
use crate::store::Store;
use crate::val::Val;
use alloc::boxed::Box;
use core::any::Any;
use wisp_types::{AnyAddr, ExternAddr};

/// A non-null `externref`: a host value owned by a store, passed to and from Wasm as
/// `Val::ExternRef(Some(..))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternRef(pub(crate) Stored<ExternAddr>);

impl ExternRef {
    /// Moves `value` into the store and returns a reference to it.
    pub fn new<T>(store: &mut Store<T>, value: impl Any) -> ExternRef {
        store.externs.push(Box::new(value));
        let addr = ExternAddr(store.externs.len() as u32 - 1);
        ExternRef(Stored::new(store.id, addr))
    }

    /// The host value, if this reference belongs to `store`.
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> Option<&'a dyn Any> {
        let addr = self.0.check(store.id).ok()?;
        store.externs.get(addr.0 as usize).map(|b| b.as_ref())
    }

    /// The reference as a value.
    pub fn to_val(self) -> Val {
        Val::ExternRef(Some(self))
    }

    /// The reference in a value, if it is a non-null `externref`.
    pub fn from_val(v: Val) -> Option<ExternRef> {
        match v {
            Val::ExternRef(r) => r,
            _ => None,
        }
    }
}

/// A non-null internal reference (`anyref`, the GC proposal's hierarchy), tagged with
/// its store. Wisp runs no GC instruction that makes one yet, so today only null
/// `anyref`s reach the host; the type is here so that `Val` need not change when they
/// come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyRef(pub(crate) Stored<AnyAddr>);
