//! State shared by several handles (a `MemFs` and its open files): behind a lock on
//! targets with atomics, so that a WASI context can move to another thread with its
//! store, and in a plain `RefCell` on those without.

#[cfg(target_has_atomic = "ptr")]
type Cell<T> = alloc::sync::Arc<spin::Mutex<T>>;
#[cfg(not(target_has_atomic = "ptr"))]
type Cell<T> = alloc::rc::Rc<core::cell::RefCell<T>>;

/// A value shared between handles; each use holds it for one operation.
pub(crate) struct SharedCell<T>(Cell<T>);

impl<T> Clone for SharedCell<T> {
    fn clone(&self) -> Self {
        SharedCell(self.0.clone())
    }
}

impl<T> SharedCell<T> {
    pub(crate) fn new(value: T) -> Self {
        SharedCell(Cell::new(value.into()))
    }

    /// The value, for one operation. Never taken twice at once on one thread: every
    /// caller holds it only within a single method.
    #[cfg(target_has_atomic = "ptr")]
    pub(crate) fn borrow_mut(&self) -> spin::MutexGuard<'_, T> {
        self.0.lock()
    }

    /// The value, for one operation (see above).
    #[cfg(not(target_has_atomic = "ptr"))]
    pub(crate) fn borrow_mut(&self) -> core::cell::RefMut<'_, T> {
        self.0.borrow_mut()
    }
}
