//! Calls that pause instead of failing, and go on when the embedder says.
//!
//! A device that must keep servicing interrupts or a scheduler that shares one core
//! between programs runs Wasm in slices: each slice gets some fuel, and a call that
//! spends it all is handed back, its stacks intact, instead of being lost to a trap.
//! Likewise a host function that cannot answer yet (an asynchronous read) fails, and
//! the embedder resumes the call later with the function's results.

use crate::context::AsContextMut;
use crate::drive::{drive, Driven};
use crate::error::Error;
use crate::func::{read_packed, write_packed, write_results, Func};
use crate::store::Store;
use crate::val::Val;
use wisp_exec::Stack;
use wisp_types::{FuncAddr, FuncType};

/// How far a resumable call got.
#[must_use = "an unfinished call must be resumed or dropped"]
pub enum ResumableCall {
    /// The function returned; its results are in the caller's buffer.
    Finished,
    /// Fuel ran out. Add fuel with [`Store::set_fuel`] and [`resume`](ResumableInvocation::resume).
    OutOfFuel(ResumableInvocation),
    /// A host function it called failed. [`resume`](ResumableInvocationHostTrap::resume)
    /// with the host function's results goes on as if it had returned them.
    HostTrap(ResumableInvocationHostTrap),
}

/// A call paused for want of fuel. It owns its stacks, so the store can run other
/// calls meanwhile; dropping it abandons the call.
pub struct ResumableInvocation {
    func: Func,
    ty: FuncType,
    stack: Stack,
}

/// A call paused where a host function failed: the error, and the call waiting for
/// the results the host function should have returned.
pub struct ResumableInvocationHostTrap {
    call: ResumableInvocation,
    error: Error,
    host: FuncAddr,
    base: usize,
}

impl Func {
    /// Like [`Func::call`], but running out of fuel or a failing host function pauses
    /// the call instead of ending it. Running out of fuel pauses only with an engine
    /// that meters it.
    pub fn call_resumable<T>(
        &self,
        mut store: impl AsContextMut<Data = T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        let store = store.as_context_mut().0;
        self.check_call(store, params, results)?;
        let ty = self.ty(&*store);
        let mut stack = Stack::new(store.engine.config.stack);
        write_packed(&mut stack, 0, params, store.owner())?;
        let driven = drive(store, &mut stack, Some(self.0.index), true)?;
        let call = ResumableInvocation {
            func: *self,
            ty,
            stack,
        };
        call.finish(store, driven, results)
    }
}

impl ResumableInvocation {
    /// Goes on with the fuel the store has now. `results` must have room for the
    /// function's results.
    pub fn resume<T>(
        self,
        mut store: impl AsContextMut<Data = T>,
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        let store = store.as_context_mut().0;
        self.go_on(store, results, |_, _| Ok(()))
    }

    /// The function whose call this is.
    pub fn func(&self) -> Func {
        self.func
    }

    /// Checks the call can go on in `store`, runs `prepare` on its stack, and runs it.
    fn go_on<T>(
        mut self,
        store: &mut Store<T>,
        results: &mut [Val],
        prepare: impl FnOnce(&Store<T>, &mut Stack) -> Result<(), Error>,
    ) -> Result<ResumableCall, Error> {
        if results.len() != self.ty.results().len() {
            return Err(Error::Usage(message!(
                "expected room for {count} results",
                count = self.ty.results().len()
            )));
        }
        self.func.0.check(store.id)?;
        prepare(store, &mut self.stack)?;
        // Its frames are in sight again (see `drive`).
        store.inner.heap.suspended -= 1;
        let driven = drive(store, &mut self.stack, None, true)?;
        self.finish(store, driven, results)
    }

    fn finish<T>(
        mut self,
        store: &mut Store<T>,
        driven: Driven,
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        match driven {
            Driven::Done => {
                read_packed(
                    &mut self.stack,
                    0,
                    self.ty.results(),
                    results,
                    &store.owner(),
                );
                Ok(ResumableCall::Finished)
            }
            Driven::OutOfFuel => Ok(ResumableCall::OutOfFuel(self)),
            Driven::HostTrap { error, func, base } => {
                Ok(ResumableCall::HostTrap(ResumableInvocationHostTrap {
                    call: self,
                    error,
                    host: func,
                    base,
                }))
            }
        }
    }
}

impl ResumableInvocationHostTrap {
    /// What the host function returned.
    pub fn host_error(&self) -> &Error {
        &self.error
    }

    /// The error, taken out; the call is abandoned.
    pub fn into_host_error(self) -> Error {
        self.error
    }

    /// The host function that failed.
    pub fn host_func(&self) -> Func {
        Func(crate::handle::Stored::new(
            self.call.func.0.store,
            self.host,
        ))
    }

    /// The function whose call this is.
    pub fn func(&self) -> Func {
        self.call.func
    }

    /// Goes on as if the host function had returned `host_results` (checked against its
    /// type). `results` must have room for the called function's results.
    pub fn resume<T>(
        self,
        mut store: impl AsContextMut<Data = T>,
        host_results: &[Val],
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        let store = store.as_context_mut().0;
        let (host, base) = (self.host, self.base);
        self.call.go_on(store, results, |store, stack| {
            let want = store.inner.func_shape(host).results().len();
            if host_results.len() != want {
                return Err(Error::Usage(message!(
                    "the host function returns {want} values, {given} were given",
                    given = host_results.len()
                )));
            }
            write_results(store, stack, host, base, host_results)
        })
    }
}
