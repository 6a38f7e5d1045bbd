//! What may cross threads. On targets with atomic compare-and-swap, modules are shared
//! between threads and stores move between them, so what they hold must be `Send` (and
//! shared parts `Sync`). Targets without it (Cortex-M0, RV32IMC, AVR) have no threads to
//! speak of and no `Arc`: there these bounds ask nothing, and sharing is by `Rc`.

/// `Send` where the target has threads' atomics; anything elsewhere.
#[cfg(target_has_atomic = "ptr")]
pub trait MaybeSend: Send {}
#[cfg(target_has_atomic = "ptr")]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` where the target has threads' atomics; anything elsewhere.
#[cfg(not(target_has_atomic = "ptr"))]
pub trait MaybeSend {}
#[cfg(not(target_has_atomic = "ptr"))]
impl<T: ?Sized> MaybeSend for T {}

/// `Send + Sync` where the target has threads' atomics; anything elsewhere.
#[cfg(target_has_atomic = "ptr")]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(target_has_atomic = "ptr")]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}

/// `Send + Sync` where the target has threads' atomics; anything elsewhere.
#[cfg(not(target_has_atomic = "ptr"))]
pub trait MaybeSendSync {}
#[cfg(not(target_has_atomic = "ptr"))]
impl<T: ?Sized> MaybeSendSync for T {}

/// A shared, reference-counted value: `Arc` where the target has atomics, `Rc`
/// elsewhere.
#[cfg(target_has_atomic = "ptr")]
pub type Shared<T> = alloc::sync::Arc<T>;
/// A shared, reference-counted value: `Arc` where the target has atomics, `Rc`
/// elsewhere.
#[cfg(not(target_has_atomic = "ptr"))]
pub type Shared<T> = alloc::rc::Rc<T>;
