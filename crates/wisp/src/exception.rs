//! Exception tags and exceptions as the embedder sees them.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances>
//!
//! An exception that no Wasm frame catches comes back from a call as
//! [`Error::Exception`], with its tag, its payload and where it was thrown. A host
//! function throws by returning one: `Err(Exception::new(&mut caller, tag, &vals)?.into())`;
//! the exception then unwinds from the call site in Wasm, as if the host function were a
//! `throw`. Traps are never exceptions, and no Wasm handler catches them.

use crate::context::{AsContext, AsContextMut};
use crate::error::{Error, FrameInfo};
use crate::handle::Stored;
use crate::store::Store;
use crate::val::{Owner, Val};
use alloc::vec::Vec;
use core::fmt;
use wisp_types::{ExnAddr, FuncType, RawVal, ValType};

/// An exception tag: exceptions are caught by tag, and a tag's identity is its own,
/// never its type's, so two instances of a module throw distinct exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag(pub(crate) Stored<u32>);

impl Tag {
    /// A new tag whose exceptions carry values of `ty`'s parameter types; `ty` has no
    /// results.
    pub fn new<T>(mut store: impl AsContextMut<Data = T>, ty: FuncType) -> Result<Tag, Error> {
        let store = store.as_context_mut().0;
        if !ty.results().is_empty() {
            return Err(Error::Usage(message!(
                "a tag's type has no results, and {ty} has"
            )));
        }
        let type_id = store.inner.types.register_func(&ty);
        store.inner.tags.push(wisp_store::TagInst { type_id });
        let addr = store.inner.tags.len() as u32 - 1;
        Ok(Tag(Stored::new(store.id, addr)))
    }

    /// The tag's type: its exceptions' values are the parameters. Panics if the tag
    /// belongs to another store.
    pub fn ty<T>(&self, store: impl AsContext<Data = T>) -> FuncType {
        let store = store.as_context().0;
        store.inner.tag_type(self.0.get(store.id))
    }
}

/// A non-null `exnref`: an exception instance in a store's heap.
///
/// An exception that reaches the host is rooted as a struct or array is (see
/// [`crate::AnyRef`]): it stays alive until the host lets go of it
/// ([`ExnRef::unroot`], [`Store::release_roots`](crate::Store::release_roots), the end of
/// a [`Store::scope`](crate::Store::scope)); after that, reading a freed exception fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExnRef(pub(crate) Stored<ExnAddr>, u32);

impl ExnRef {
    /// The live exception at `addr` of `owner`'s store.
    pub(crate) fn new(owner: Owner<'_>, addr: ExnAddr) -> ExnRef {
        // Held for the host as an `AnyRef` is (see there).
        owner.heap.root(addr.0);
        // A value just read from Wasm is live; `MAX` would fail every later check.
        let generation = owner.heap.generation(addr.0).unwrap_or(u32::MAX);
        ExnRef(Stored::new(owner.id, addr), generation)
    }

    /// Lets go of the host's hold on the exception.
    pub fn unroot<T>(self, mut store: impl AsContextMut<Data = T>) {
        let store = store.as_context_mut().0;
        if let Ok(a) = self.check(store.owner()) {
            store.inner.heap.unroot(a.0);
        }
    }

    /// Its address, if it belongs to `owner`'s store and is still the object it named.
    pub(crate) fn check(&self, owner: Owner<'_>) -> Result<ExnAddr, Error> {
        let a = self.0.check(owner.id)?;
        if owner.heap.generation(a.0) != Some(self.1) {
            return Err(Error::Usage(
                "the exception was freed: no Wasm code reached it any more".into(),
            ));
        }
        Ok(a)
    }

    /// The exception's tag, or an error if it no longer exists or belongs to another
    /// store.
    pub fn tag<T>(&self, store: impl AsContext<Data = T>) -> Result<Tag, Error> {
        let store = store.as_context().0;
        let e = self.inst(store)?;
        Ok(Tag(Stored::new(store.id, e.tag)))
    }

    /// The values thrown with the exception.
    pub fn payload<T>(&self, store: impl AsContext<Data = T>) -> Result<Vec<Val>, Error> {
        let store = store.as_context().0;
        let e = self.inst(store)?;
        let ty = store.inner.tag_shape(e.tag);
        Ok(unpack(&e.payload, ty.params(), store))
    }

    fn inst<'a, T>(&self, store: &'a Store<T>) -> Result<&'a wisp_store::gc::ExnInst, Error> {
        let a = self.check(store.owner())?;
        store
            .inner
            .heap
            .exn(a)
            .ok_or_else(|| Error::Usage("the exception no longer exists".into()))
    }
}

/// Values from packed cells, one per type.
fn unpack<T>(cells: &[RawVal], types: &[ValType], store: &Store<T>) -> Vec<Val> {
    let mut at = 0;
    types
        .iter()
        .map(|t| {
            let v = wisp_types::Val::read_cells(cells.get(at..).unwrap_or(&[]), *t);
            at += t.cells();
            Val::from_core(v, store.owner())
        })
        .collect()
}

/// A WebAssembly exception that left Wasm uncaught, or that a host function throws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The exception instance, for throwing it again or passing it to Wasm.
    pub exn: ExnRef,
    /// Its tag.
    pub tag: Tag,
    /// The values thrown with it, as they were when it left Wasm.
    pub payload: Vec<Val>,
    /// The functions that were active where it was thrown, innermost first; empty for
    /// one the host made.
    pub backtrace: Vec<FrameInfo>,
}

impl Exception {
    /// A new exception of `tag` carrying `payload`, which must match the tag's type.
    pub fn new<T>(
        mut store: impl AsContextMut<Data = T>,
        tag: Tag,
        payload: &[Val],
    ) -> Result<Exception, Error> {
        let store = store.as_context_mut().0;
        let addr = tag.0.check(store.id)?;
        let ty = store.inner.tag_type(addr);
        if payload.len() != ty.params().len()
            || payload
                .iter()
                .zip(ty.params())
                .any(|(v, t)| !v.matches_ty(store, *t))
        {
            return Err(Error::Usage(message!(
                "the values do not match the tag's type {ty}"
            )));
        }
        let mut cells = Vec::new();
        let (mut internal, mut external) = (0u64, 0u64);
        for v in payload {
            let bit = 1u64.checked_shl(cells.len() as u32).unwrap_or(u64::MAX);
            match v {
                Val::ExnRef(_) | Val::AnyRef(_) => internal |= bit,
                Val::ExternRef(_) => external |= bit,
                _ => {}
            }
            let mut c = [RawVal(0); 2];
            v.to_core(store.owner())?.write_cells(&mut c);
            cells.extend_from_slice(&c[..v.ty().cells()]);
        }
        let exn = store
            .inner
            .heap
            .alloc_exn(addr, &cells, internal, external)
            .map_err(|_| Error::Usage("the store's heap is full".into()))?;
        Ok(Exception {
            exn: ExnRef::new(store.owner(), exn),
            tag,
            payload: payload.to_vec(),
            backtrace: Vec::new(),
        })
    }

    /// The exception instance at `addr`, as it leaves Wasm.
    #[cfg(feature = "exceptions")]
    pub(crate) fn from_addr<T>(store: &Store<T>, addr: ExnAddr, backtrace: Vec<FrameInfo>) -> Self {
        let exn = ExnRef::new(store.owner(), addr);
        let (tag, payload) = match store.inner.heap.exn(addr) {
            Some(e) => (
                e.tag,
                unpack(&e.payload, store.inner.tag_shape(e.tag).params(), store),
            ),
            None => (0, Vec::new()),
        };
        Exception {
            exn,
            tag: Tag(Stored::new(store.id, tag)),
            payload,
            backtrace,
        }
    }
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "uncaught wasm exception (tag {}", self.tag.0.index)?;
        if !self.payload.is_empty() {
            f.write_str(", payload")?;
            for v in &self.payload {
                write!(f, " {v:?}")?;
            }
        }
        f.write_str(")")?;
        crate::error::write_backtrace(f, &self.backtrace)
    }
}

impl core::error::Error for Exception {}
