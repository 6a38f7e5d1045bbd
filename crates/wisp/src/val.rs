//! Values as the embedder sees them.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values>
//!
//! Numbers are as in the executor; references are handles ([`Func`], [`ExternRef`]) that
//! carry their store, so a reference from one store cannot be passed into another.

use crate::error::Error;
use crate::exception::ExnRef;
use crate::func::Func;
use crate::handle::{StoreId, Stored};
use crate::reference::{AnyRef, ExternRef};
use wisp_types::{ValType, F32, F64};

/// A typed WebAssembly value.
///
/// WebAssembly 3.0 adds value types (more references), so a `match` on it needs a
/// wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Val {
    /// A 32-bit integer.
    I32(i32),
    /// A 64-bit integer.
    I64(i64),
    /// A 32-bit float, its bits kept exactly (NaN payloads too).
    F32(F32),
    /// A 64-bit float, its bits kept exactly.
    F64(F64),
    /// A 128-bit vector.
    V128(u128),
    /// A function reference, or null.
    FuncRef(Option<Func>),
    /// A host reference, or null.
    ExternRef(Option<ExternRef>),
    /// An exception reference, or null.
    ExnRef(Option<ExnRef>),
    /// An internal reference (`anyref` and its subtypes), or null.
    AnyRef(Option<AnyRef>),
}

impl Val {
    /// The value's type.
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::EXNREF,
            Val::AnyRef(_) => ValType::ANYREF,
        }
    }

    /// The default value of a type (zero or null). Spec: `default_t`.
    pub fn default_of(ty: ValType) -> Val {
        Val::from_core_null(wisp_types::Val::default_of(ty))
    }

    /// A number as is; a reference as null (for values known to hold no reference).
    fn from_core_null(v: wisp_types::Val) -> Val {
        use wisp_types::Val as V;
        match v {
            V::I32(v) => Val::I32(v),
            V::I64(v) => Val::I64(v),
            V::F32(v) => Val::F32(v),
            V::F64(v) => Val::F64(v),
            V::V128(v) => Val::V128(v),
            V::FuncRef(_) => Val::FuncRef(None),
            V::ExternRef(_) => Val::ExternRef(None),
            V::ExnRef(_) => Val::ExnRef(None),
            V::AnyRef(_) => Val::AnyRef(None),
        }
    }

    /// Whether the value is a null reference.
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None)
        )
    }

    /// Whether the value is of type `ty` in `store`: a reference is of its hierarchy,
    /// null only for a nullable type, and a function of a defined type only if its own
    /// type is that one or a subtype. A reference of another store passes here, and is
    /// refused where it is used.
    /// Spec: <https://webassembly.github.io/spec/core/valid/matching.html#value-types>
    pub fn matches_ty<T>(&self, store: &crate::Store<T>, ty: ValType) -> bool {
        let r = match (self, ty) {
            (Val::I32(_), ValType::I32)
            | (Val::I64(_), ValType::I64)
            | (Val::F32(_), ValType::F32)
            | (Val::F64(_), ValType::F64)
            | (Val::V128(_), ValType::V128) => return true,
            (_, ValType::Ref(r)) => r,
            _ => return false,
        };
        let Some(top) = self.ty().ref_top() else {
            return false;
        };
        if top != r.heap.top() {
            return false;
        }
        match self.to_core(store.owner()) {
            Ok(v) => store.inner.ref_matches(v.to_raw().0, r),
            Err(_) => true,
        }
    }

    /// The `i32`, if this is one.
    pub fn i32(&self) -> Option<i32> {
        match self {
            Val::I32(v) => Some(*v),
            _ => None,
        }
    }

    /// The `i64`, if this is one.
    pub fn i64(&self) -> Option<i64> {
        match self {
            Val::I64(v) => Some(*v),
            _ => None,
        }
    }

    /// The `f32`, if this is one.
    pub fn f32(&self) -> Option<f32> {
        match self {
            Val::F32(v) => Some(v.to_float()),
            _ => None,
        }
    }

    /// The `f64`, if this is one.
    pub fn f64(&self) -> Option<f64> {
        match self {
            Val::F64(v) => Some(v.to_float()),
            _ => None,
        }
    }

    /// The executor's value, with references checked to belong to `owner`'s store (and
    /// an exception reference to name a live exception).
    pub(crate) fn to_core(self, owner: Owner<'_>) -> Result<wisp_types::Val, Error> {
        use wisp_types::Val as V;
        let store = owner.id;
        Ok(match self {
            Val::I32(v) => V::I32(v),
            Val::I64(v) => V::I64(v),
            Val::F32(v) => V::F32(v),
            Val::F64(v) => V::F64(v),
            Val::V128(v) => V::V128(v),
            Val::FuncRef(f) => V::FuncRef(f.map(|f| f.0.check(store)).transpose()?),
            #[cfg(feature = "gc")]
            Val::ExternRef(r) => V::ExternRef(r.map(|r| r.check(owner)).transpose()?),
            // Without GC no object is made external: only the store needs checking.
            #[cfg(not(feature = "gc"))]
            Val::ExternRef(r) => V::ExternRef(r.map(|r| r.0.check(store)).transpose()?),
            #[cfg(feature = "exceptions")]
            Val::ExnRef(r) => V::ExnRef(r.map(|r| r.check(owner)).transpose()?),
            // No exception exists in a build without exception handling.
            #[cfg(not(feature = "exceptions"))]
            Val::ExnRef(r) => V::ExnRef(r.map(|r| r.0.check(store)).transpose()?),
            #[cfg(feature = "gc")]
            Val::AnyRef(r) => V::AnyRef(r.map(|r| r.check(owner)).transpose()?),
            #[cfg(not(feature = "gc"))]
            Val::AnyRef(r) => V::AnyRef(r.map(|r| r.0.check(store)).transpose()?),
        })
    }

    /// The executor's value, its references tagged with the store they live in.
    pub(crate) fn from_core(v: wisp_types::Val, owner: Owner<'_>) -> Val {
        use wisp_types::Val as V;
        let store = owner.id;
        match v {
            V::FuncRef(Some(a)) => Val::FuncRef(Some(Func(Stored::new(store, a)))),
            #[cfg(feature = "gc")]
            V::ExternRef(Some(a)) => Val::ExternRef(Some(ExternRef::from_cell(owner, a))),
            #[cfg(not(feature = "gc"))]
            V::ExternRef(Some(a)) => Val::ExternRef(Some(ExternRef(Stored::new(store, a), 0))),
            V::ExnRef(Some(a)) => Val::ExnRef(Some(ExnRef::new(owner, a))),
            #[cfg(feature = "gc")]
            V::AnyRef(Some(a)) => Val::AnyRef(Some(AnyRef::new(owner, a))),
            #[cfg(not(feature = "gc"))]
            V::AnyRef(Some(a)) => Val::AnyRef(Some(AnyRef(Stored::new(store, a), 0))),
            other => Val::from_core_null(other),
        }
    }
}

/// What a value's references are checked against and tagged with: a store's id, and
/// its heap, for the generation of exception references.
#[derive(Clone, Copy)]
pub(crate) struct Owner<'a> {
    pub id: StoreId,
    pub heap: &'a wisp_store::gc::Heap,
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(F32::from_float(v))
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(F64::from_float(v))
    }
}
impl From<Func> for Val {
    fn from(f: Func) -> Val {
        Val::FuncRef(Some(f))
    }
}
impl From<ExternRef> for Val {
    fn from(r: ExternRef) -> Val {
        Val::ExternRef(Some(r))
    }
}
