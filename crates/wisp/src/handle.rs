//! Which store an object belongs to.
//!
//! Every handle the API gives out ([`crate::Func`], [`crate::Memory`], [`crate::Instance`],
//! …) is an index into one store's vectors plus that store's id. Indices alone would let
//! a handle from store A name whatever sits at the same index in store B: a host serving
//! many tenants would run one tenant's function on another's state. The id makes the
//! mix-up an error (or, where a method cannot fail, a panic, as in wasmtime).

use crate::error::Error;

/// A store's identity, unique for the life of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct StoreId(IdRepr);

/// 64 bits where the counter can be a 64-bit atomic; 32 elsewhere, where a wider id
/// would only cost flash (and 2^32 stores cannot be made on such a device).
#[cfg(target_has_atomic = "64")]
type IdRepr = u64;
#[cfg(not(target_has_atomic = "64"))]
type IdRepr = u32;

/// What a handle used with the wrong store says.
pub(crate) const WRONG_STORE: &str = "object used with a store other than the one it belongs to";

impl StoreId {
    /// A fresh id. Ids are never reused, so a handle that outlives its store cannot name
    /// an object of a later one.
    pub(crate) fn fresh() -> StoreId {
        StoreId(next_id())
    }
}

#[cfg(target_has_atomic = "64")]
fn next_id() -> IdRepr {
    use core::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    // 2^64 stores cannot be made in the life of a process, so the counter never wraps.
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(all(not(target_has_atomic = "64"), target_has_atomic = "32"))]
fn next_id() -> IdRepr {
    use core::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let id = NEXT
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
        .unwrap_or_else(|_| panic!("more than 2^32 stores were created"));
    id
}

/// Targets without compare-and-swap (Cortex-M0, RV32IMC, AVR): the firmware's critical
/// section makes the read and the write of the counter one step.
#[cfg(not(target_has_atomic = "32"))]
fn next_id() -> IdRepr {
    use core::cell::Cell;
    static NEXT: critical_section::Mutex<Cell<u32>> = critical_section::Mutex::new(Cell::new(1));
    critical_section::with(|cs| {
        let cell = NEXT.borrow(cs);
        let id = cell.get();
        let next = id
            .checked_add(1)
            .unwrap_or_else(|| panic!("more than 2^32 stores were created"));
        cell.set(next);
        id
    })
}

/// An index into one store's objects of some kind, tagged with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Stored<I> {
    pub(crate) store: StoreId,
    pub(crate) index: I,
}

impl<I: Copy> Stored<I> {
    pub(crate) fn new(store: StoreId, index: I) -> Self {
        Stored { store, index }
    }

    /// The index in `store`; panics if the handle belongs to another store.
    #[track_caller]
    pub(crate) fn get(&self, store: StoreId) -> I {
        assert!(self.store == store, "{WRONG_STORE}");
        self.index
    }

    /// The index in `store`, or a usage error if the handle belongs to another store.
    pub(crate) fn check(&self, store: StoreId) -> Result<I, Error> {
        if self.store == store {
            Ok(self.index)
        } else {
            Err(Error::Usage(WRONG_STORE.into()))
        }
    }
}
