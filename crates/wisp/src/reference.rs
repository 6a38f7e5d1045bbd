//! External references: host values that Wasm code can hold but not inspect.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values> (`ref.extern`)

use crate::handle::Stored;
use crate::store::Store;
use crate::val::Val;
use alloc::boxed::Box;
use core::any::Any;
use wisp_types::{cells, AnyAddr, ExternAddr};

/// A non-null `externref`: a host value owned by a store, passed to and from Wasm as
/// `Val::ExternRef(Some(..))`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternRef(pub(crate) Stored<ExternAddr>);

impl ExternRef {
    /// Moves `value` into the store and returns a reference to it.
    pub fn new<T>(store: &mut Store<T>, value: impl Any) -> ExternRef {
        store.externs.push(Box::new(value));
        let addr = ExternAddr::host(store.externs.len() as u32 - 1);
        ExternRef(Stored::new(store.id, addr))
    }

    /// The host value, if this reference belongs to `store` and is a host value (not
    /// an internal reference that Wasm made external with `extern.convert_any`).
    pub fn data<'a, T>(&self, store: &'a Store<T>) -> Option<&'a dyn Any> {
        let addr = self.0.check(store.id).ok()?.host_addr()?;
        store.externs.get(addr as usize).map(|b| b.as_ref())
    }

    /// The internal reference `any` as an external one, as `extern.convert_any` makes it.
    pub fn convert_any(any: AnyRef) -> ExternRef {
        let cell = cells::extern_convert_any(any.0.index.0);
        ExternRef(Stored::new(any.0.store, ExternAddr(cell)))
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
/// its store: an `i31`, or a host reference made internal. (Wisp allocates no struct or
/// array yet.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnyRef(pub(crate) Stored<AnyAddr>);

impl AnyRef {
    /// The `i31` of the low 31 bits of `value`, as `ref.i31` makes it.
    pub fn from_i31<T>(store: &Store<T>, value: i32) -> AnyRef {
        AnyRef(Stored::new(store.id, AnyAddr(cells::ref_i31(value as u32))))
    }

    /// The value of an `i31`, sign-extended (`i31.get_s`); `None` for another kind of
    /// reference.
    pub fn as_i31(&self) -> Option<i32> {
        let cell = self.0.index.0;
        (cells::kind(cell) == cells::I31).then(|| cells::i31_get_s(cell))
    }

    /// The external reference `ext` as an internal one, as `any.convert_extern` makes it.
    pub fn convert_extern(ext: ExternRef) -> AnyRef {
        let cell = cells::any_convert_extern(ext.0.index.0);
        AnyRef(Stored::new(ext.0.store, AnyAddr(cell)))
    }

    /// The reference as a value.
    pub fn to_val(self) -> Val {
        Val::AnyRef(Some(self))
    }
}
