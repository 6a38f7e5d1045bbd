//! Store contexts: whatever stands for a store — `&Store<T>`, `&mut Store<T>`, a host
//! function's [`Caller`], or a context taken from one — goes wherever a store goes.
//!
//! Methods that only look take [`AsContext`]; methods that change the store or run Wasm
//! take [`AsContextMut`]. Methods that hand out a borrow of the store's contents
//! ([`crate::Memory::data`]) take `impl Into<StoreContext<'a, T>>`, so that the borrow
//! lives as long as the store's.

use crate::func::Caller;
use crate::store::Store;

/// A shared borrow of a store.
pub struct StoreContext<'a, T>(pub(crate) &'a Store<T>);

/// An exclusive borrow of a store.
pub struct StoreContextMut<'a, T>(pub(crate) &'a mut Store<T>);

/// Something that lends a store to look at.
pub trait AsContext {
    /// The embedder's data in the store.
    type Data;
    /// The store, shared.
    fn as_context(&self) -> StoreContext<'_, Self::Data>;
}

/// Something that lends a store to change or run.
pub trait AsContextMut: AsContext {
    /// The store, exclusively.
    fn as_context_mut(&mut self) -> StoreContextMut<'_, Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self)
    }
}

impl<T> AsContextMut for Store<T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self)
    }
}

impl<T> AsContext for StoreContext<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContext for StoreContextMut<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.0)
    }
}

impl<T> AsContextMut for StoreContextMut<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.0)
    }
}

impl<T> AsContext for Caller<'_, T> {
    type Data = T;
    fn as_context(&self) -> StoreContext<'_, T> {
        StoreContext(self.store)
    }
}

impl<T> AsContextMut for Caller<'_, T> {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, T> {
        StoreContextMut(self.store)
    }
}

impl<C: AsContext + ?Sized> AsContext for &C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContext + ?Sized> AsContext for &mut C {
    type Data = C::Data;
    fn as_context(&self) -> StoreContext<'_, C::Data> {
        (**self).as_context()
    }
}

impl<C: AsContextMut + ?Sized> AsContextMut for &mut C {
    fn as_context_mut(&mut self) -> StoreContextMut<'_, C::Data> {
        (**self).as_context_mut()
    }
}

impl<'a, T> StoreContext<'a, T> {
    /// The embedder's data.
    pub fn data(&self) -> &'a T {
        self.0.data()
    }
    /// The store's engine.
    pub fn engine(&self) -> &'a crate::Engine {
        self.0.engine()
    }
}

impl<'a, T> StoreContextMut<'a, T> {
    /// The embedder's data.
    pub fn data(&self) -> &T {
        self.0.data()
    }
    /// The embedder's data, mutably.
    pub fn data_mut(&mut self) -> &mut T {
        self.0.data_mut()
    }
    /// The store's engine.
    pub fn engine(&self) -> &crate::Engine {
        self.0.engine()
    }
}

impl<'a, T> From<&'a Store<T>> for StoreContext<'a, T> {
    fn from(s: &'a Store<T>) -> Self {
        StoreContext(s)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContext<'a, T> {
    fn from(s: &'a mut Store<T>) -> Self {
        StoreContext(s)
    }
}

impl<'a, T> From<&'a Caller<'_, T>> for StoreContext<'a, T> {
    fn from(c: &'a Caller<'_, T>) -> Self {
        StoreContext(c.store)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContext<'a, T> {
    fn from(c: &'a mut Caller<'_, T>) -> Self {
        StoreContext(c.store)
    }
}

impl<'a, T> From<&'a StoreContext<'_, T>> for StoreContext<'a, T> {
    fn from(c: &'a StoreContext<'_, T>) -> Self {
        StoreContext(c.0)
    }
}

impl<'a, T> From<&'a StoreContextMut<'_, T>> for StoreContext<'a, T> {
    fn from(c: &'a StoreContextMut<'_, T>) -> Self {
        StoreContext(c.0)
    }
}

impl<'a, T> From<StoreContextMut<'a, T>> for StoreContext<'a, T> {
    fn from(c: StoreContextMut<'a, T>) -> Self {
        StoreContext(c.0)
    }
}

impl<'a, T> From<&'a mut Store<T>> for StoreContextMut<'a, T> {
    fn from(s: &'a mut Store<T>) -> Self {
        StoreContextMut(s)
    }
}

impl<'a, T> From<&'a mut Caller<'_, T>> for StoreContextMut<'a, T> {
    fn from(c: &'a mut Caller<'_, T>) -> Self {
        StoreContextMut(c.store)
    }
}

impl<'a, T> From<&'a mut StoreContextMut<'_, T>> for StoreContextMut<'a, T> {
    fn from(c: &'a mut StoreContextMut<'_, T>) -> Self {
        StoreContextMut(c.0)
    }
}
