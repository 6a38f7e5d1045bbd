//! Running the loop for the API: slices of fuel and the epoch, host functions (run from
//! inside the loop, through [`Driver`]), and how a run ends (a trap, an uncaught
//! exception, a host function's error).

#[cfg(feature = "coredump")]
use crate::coredump::CoreDump;
use crate::error::{Error, Trap};
use crate::func::frames;
use crate::store::Store;
#[cfg(feature = "coredump")]
use alloc::boxed::Box;
use wisp_exec::{RunError, RunResult, Stack, TraceFrame};
use wisp_types::{FuncAddr, TrapCode};

/// Where a run on a stack stopped.
pub(crate) enum Driven {
    /// The outermost function returned.
    Done,
    /// A resumable call ran out of fuel; the stack holds it.
    OutOfFuel,
    /// A host function of a resumable call failed; the stack waits for its results.
    HostTrap {
        /// What it returned.
        error: Error,
        /// The host function.
        func: FuncAddr,
        /// Where its results go.
        base: usize,
    },
}

/// Runs the loop on `stack`, starting a call of `next` or, with `None`, resuming what
/// the stack holds, and serves host calls until the outermost function returns.
/// With `resumable`, running out of fuel or a failing host function pauses the call
/// instead of ending it.
pub(crate) fn drive<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    next: Option<FuncAddr>,
    resumable: bool,
) -> Result<Driven, Error> {
    // A host function that calls Wasm again waits with its caller's stack out of the
    // collector's sight: only the outermost run may collect (`Heap::suspended`).
    let limit = (store.engine.config.nested_calls).unwrap_or(crate::engine::DEFAULT_NESTED_CALLS);
    if store.nesting >= limit {
        return Err(Error::Trap(Trap::new(TrapCode::StackOverflow)));
    }
    let id = store.id;
    store.nesting += 1;
    store.inner.heap.suspended += 1;
    let r = drive_stack(store, stack, next, resumable);
    // A host function that swapped the store (refused: see `Driver::call`) took this
    // one's counts away with it; that store never collects again, which is safe, and
    // has that many fewer nested calls left.
    if store.id != id {
        return r;
    }
    store.nesting -= 1;
    store.inner.heap.suspended -= 1;
    // A paused resumable call keeps its frames, roots too, until it goes on.
    if matches!(r, Ok(Driven::OutOfFuel | Driven::HostTrap { .. })) {
        store.inner.heap.suspended += 1;
    }
    r
}

fn drive_stack<T>(
    store: &mut Store<T>,
    stack: &mut Stack,
    mut next: Option<FuncAddr>,
    resumable: bool,
) -> Result<Driven, Error> {
    let id = store.id;
    let mut driver = Driver {
        epoch: store.engine.config.epoch_on(),
        store,
        total: 0,
        given: 0,
        stuck: false,
        whole: true,
        failed: None,
    };
    // An exception a host function threw, to unwind from its call site.
    #[cfg(feature = "exceptions")]
    let mut thrown: Option<wisp_types::ExnAddr> = None;
    loop {
        let mut fuel = driver.slice();
        #[cfg(feature = "exceptions")]
        let r = match thrown.take() {
            Some(exn) => wisp_exec::run_throwing(&mut driver, stack, exn, &mut fuel),
            None => wisp_exec::run(&mut driver, stack, next.take(), &mut fuel),
        };
        #[cfg(not(feature = "exceptions"))]
        let r = wisp_exec::run(&mut driver, stack, next.take(), &mut fuel);
        driver.settle(fuel);
        let (given, total) = (driver.given, driver.total);
        let failed = driver.failed.take();
        let store = &mut *driver.store;
        match r {
            Ok(RunResult::Done) => return Ok(Driven::Done),
            Ok(RunResult::HostFailed { func, base }) => {
                let e = failed.unwrap_or_else(|| Error::Usage("a host function failed".into()));
                match e {
                    #[cfg(feature = "exceptions")]
                    Error::Exception(e) => thrown = Some(e.exn.check(store.owner())?),
                    e => {
                        let error = e.with_host_backtrace(|| frames(store, &stack.backtrace()));
                        // Not a call whose store was swapped: it cannot go on.
                        if resumable && !matches!(error, Error::Exit(_)) && store.id == id {
                            return Ok(Driven::HostTrap { error, func, base });
                        }
                        stack.reset();
                        return Err(error);
                    }
                }
            }
            // A slice ran out, not the store's fuel: look at the epoch and go on.
            Err(RunError::Trap(t)) if t.code == TrapCode::OutOfFuel && given < total => {
                if store.past_deadline() {
                    let t = wisp_exec::Trap {
                        code: TrapCode::Interrupt,
                        trace: stack.fuel_backtrace(),
                    };
                    stack.reset();
                    return Err(Error::Trap(trap_info(store, t)));
                }
                driver.stuck = fuel == given && driver.whole;
            }
            Err(RunError::Trap(t)) if resumable && t.code == TrapCode::OutOfFuel => {
                return Ok(Driven::OutOfFuel)
            }
            Err(RunError::Trap(mut t)) => {
                if t.code == TrapCode::OutOfFuel {
                    // Its frames are still on the stack (see `wisp_exec::run`).
                    t.trace = stack.fuel_backtrace();
                }
                #[cfg_attr(not(feature = "coredump"), allow(unused_mut))]
                let mut trap = trap_info(store, t);
                #[cfg(feature = "coredump")]
                if store.engine.config.coredump {
                    trap.coredump = Some(Box::new(CoreDump::capture(store, stack)));
                }
                stack.reset();
                return Err(Error::Trap(trap));
            }
            Err(RunError::Translate { error, .. }) => return Err(error.into()),
            Err(RunError::Exception { exn, trace }) => {
                stack.reset();
                return Err(uncaught(store, exn, &trace));
            }
        }
    }
}

/// The embedder as the loop sees it during one run: the store, the fuel the loop was
/// given, and what a host function that failed returned. Host functions run from
/// inside the loop ([`wisp_exec::Host`]), so fuel is settled around each of them: a
/// host function may read or set the store's fuel, or run Wasm that spends it.
struct Driver<'s, T> {
    store: &'s mut Store<T>,
    /// Epoch interruption is on: the loop runs in slices of fuel, and the epoch is
    /// looked at between them.
    epoch: bool,
    /// The store's fuel when the slice began (`u64::MAX` without fuel).
    total: u64,
    /// The fuel the loop was given for the slice: it spent `given` less what is left.
    given: u64,
    /// The last slice ran nothing (code charging more than a slice, from an image
    /// translated before blocks were cut to `MAX_BLOCK_FUEL`): the next one is then
    /// large enough for any charge.
    stuck: bool,
    /// The slice was given whole (not what a host call left of one, which may be less
    /// than the next block's charge without anything being stuck).
    whole: bool,
    /// The error of the host function that failed.
    failed: Option<Error>,
}

impl<T> Driver<'_, T> {
    /// Starts a slice of fuel: all the store has, or with epoch interruption at most
    /// [`crate::EPOCH_SLICE`].
    fn slice(&mut self) -> u64 {
        self.whole = true;
        self.total = self.store.fuel.unwrap_or(u64::MAX);
        self.given = match (self.epoch, self.stuck) {
            (false, _) => self.total,
            (true, false) => self.total.min(crate::engine::EPOCH_SLICE),
            (true, true) => self.total.min(u64::from(u32::MAX)),
        };
        self.given
    }

    /// Charges the store for the fuel the loop spent of its slice, `left` being left.
    fn settle(&mut self, left: u64) {
        if let Some(f) = &mut self.store.fuel {
            *f -= self.given - left;
        }
    }

    /// Goes on with the slice after a host call, which may have spent or set the
    /// store's fuel, `left` having been left of the slice before it: with epoch
    /// interruption the slice keeps what was left of it (a loop that calls the host
    /// must still reach the slice's end, where the epoch is looked at), otherwise the
    /// loop gets all the store has.
    fn resume_slice(&mut self, left: u64) -> u64 {
        self.whole = false;
        self.total = self.store.fuel.unwrap_or(u64::MAX);
        self.given = match self.epoch {
            false => self.total,
            true => self.total.min(left),
        };
        self.given
    }
}

impl<T> wisp_exec::Host for Driver<'_, T> {
    fn store(&mut self) -> &mut wisp_exec::ExecStore {
        &mut self.store.inner
    }

    fn call(
        &mut self,
        stack: &mut Stack,
        func: FuncAddr,
        host_index: u32,
        base: usize,
        fuel: &mut u64,
    ) -> bool {
        self.settle(*fuel);
        let id = self.store.id;
        let mut r = match self.store.call_host {
            Some(call) => call(self.store, stack, func, host_index, base),
            None => Err(Error::Usage(
                "a host call in a store without host functions".into(),
            )),
        };
        // `Caller::store` lends the whole store: one swapped for another would leave the
        // suspended frames naming functions and instances of a store no longer there.
        if self.store.id != id {
            r = Err(Error::Usage(
                "a host function replaced the store it was called with".into(),
            ));
        }
        *fuel = self.resume_slice(*fuel);
        match r {
            Ok(()) => true,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        }
    }
}

/// The error for an exception no Wasm frame caught.
#[cfg(feature = "exceptions")]
fn uncaught<T>(store: &Store<T>, exn: wisp_types::ExnAddr, trace: &[TraceFrame]) -> Error {
    crate::Exception::from_addr(store, exn, frames(store, trace)).into()
}

/// Without exception handling nothing throws (such modules are invalid), so this is
/// never reached.
#[cfg(not(feature = "exceptions"))]
fn uncaught<T>(_: &Store<T>, _: wisp_types::ExnAddr, _: &[TraceFrame]) -> Error {
    Error::Usage("an exception in a build without exception handling".into())
}

/// Names the functions of a trap's trace.
fn trap_info<T>(store: &Store<T>, t: wisp_exec::Trap) -> Trap {
    Trap {
        code: t.code,
        backtrace: frames(store, &t.trace),
        coredump: None,
    }
}
