//! Calls that stop when fuel runs out and go on when the embedder gives more.
//!
//! A device that must keep servicing interrupts or a scheduler that shares one core
//! between programs runs Wasm in slices: each slice gets some fuel, and a call that
//! spends it all is handed back, its stacks intact, instead of being lost to a trap.

use crate::error::Error;
use crate::func::{drive, read_packed, write_packed, Func};
use crate::store::Store;
use crate::val::Val;
use alloc::format;
use wisp_exec::Stack;
use wisp_types::FuncType;

/// How far a resumable call got.
#[must_use = "an unfinished call must be resumed or dropped"]
pub enum ResumableCall {
    /// The function returned; its results are in the caller's buffer.
    Finished,
    /// Fuel ran out. Add fuel with [`Store::set_fuel`] and [`resume`](ResumableInvocation::resume).
    OutOfFuel(ResumableInvocation),
}

/// A call paused for want of fuel. It owns its stacks, so the store can run other
/// calls meanwhile; dropping it abandons the call.
pub struct ResumableInvocation {
    func: Func,
    ty: FuncType,
    stack: Stack,
}

impl Func {
    /// Like [`Func::call`], but running out of fuel pauses the call instead of trapping.
    /// Needs an engine that meters fuel.
    pub fn call_resumable<T>(
        &self,
        store: &mut Store<T>,
        params: &[Val],
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        if store.get_fuel().is_none() {
            return Err(Error::Usage(
                "call_resumable needs fuel enabled in the engine's Config".into(),
            ));
        }
        let ty = self.check_call(store, params, results)?;
        let mut stack = Stack::new(store.engine.config.stack);
        write_packed(&mut stack, 0, params, store.owner())?;
        let done = drive(store, &mut stack, Some(self.0.index), true)?;
        finish(store, *self, ty, stack, done, results)
    }
}

impl ResumableInvocation {
    /// Goes on with the fuel the store has now. `results` must have room for the
    /// function's results.
    pub fn resume<T>(
        mut self,
        store: &mut Store<T>,
        results: &mut [Val],
    ) -> Result<ResumableCall, Error> {
        if results.len() != self.ty.results().len() {
            return Err(Error::Usage(format!(
                "expected room for {} results",
                self.ty.results().len()
            )));
        }
        self.func.0.check(store.id)?;
        // Its frames are in sight again (see `drive`).
        store.inner.heap.suspended -= 1;
        let done = drive(store, &mut self.stack, None, true)?;
        finish(store, self.func, self.ty, self.stack, done, results)
    }

    /// The function whose call this is.
    pub fn func(&self) -> Func {
        self.func
    }
}

fn finish<T>(
    store: &mut Store<T>,
    func: Func,
    ty: FuncType,
    mut stack: Stack,
    done: bool,
    results: &mut [Val],
) -> Result<ResumableCall, Error> {
    if !done {
        return Ok(ResumableCall::OutOfFuel(ResumableInvocation {
            func,
            ty,
            stack,
        }));
    }
    read_packed(&mut stack, 0, ty.results(), results, &store.owner());
    Ok(ResumableCall::Finished)
}
