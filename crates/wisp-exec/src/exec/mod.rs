//! Execution: the only place where Wisp's IR is executed.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html>
//!
//! This module enters functions (`run`, `enter`) and holds the machine state; what each
//! instruction does is in `handlers/`, and how control passes between handlers in
//! `dispatch.rs`.
//!
//! Safety rests on invariants the translator establishes and the call sequence checks:
//! every slot an instruction names is below its function's `frame_size`; every branch
//! target is inside the function's code, which ends in a return; a frame is entered only
//! after the value stack holds `base + frame_size` cells; compiled code is never freed
//! or moved while the store lives (it is boxed, owned by the store through `Rc`, or lies
//! in place in an image that lives for the program: `code.rs`).

// Every unsafe operation stands in its own block, with the reason it is sound.
#![deny(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

mod bulk;
#[cfg(feature = "gc")]
mod cast;
pub(crate) mod cells;
mod code;
mod dispatch;
mod gc;
mod handlers;
#[cfg(feature = "multi-memory")]
mod memories;
pub(crate) mod numeric;
#[cfg(feature = "gc")]
mod objects;
mod paged;
#[cfg(feature = "simd")]
mod simd;
#[cfg(any(wisp_soft_float, wisp_soft_f32, wisp_soft_div, test))]
mod soft_float;
#[cfg(feature = "exceptions")]
mod unwind;

pub use code::{Code, NOT_NATIVE};
pub use dispatch::{op_tag, op_with_operands, with_target};

/// Whether this build has a handler for the instruction with discriminant `tag` (not
/// so for SIMD without the `simd` feature).
pub fn op_supported(tag: u16) -> bool {
    dispatch::supported(tag as usize)
}

use crate::stack::{Frame, Regs, Stack};
use crate::{CompiledFunc, ExecStore};
use alloc::vec::Vec;
use core::ptr;
use wisp_parse::ParseError;
use wisp_store::FuncKind;
use wisp_types::{ExnAddr, FuncAddr, RawVal, TrapCode};

/// A trap, with the functions that were active, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    pub trace: Vec<TraceFrame>,
}

/// One active function of a trace, and where in its code it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceFrame {
    pub func: FuncAddr,
    /// The address just past the instruction it was running (for a caller, past its
    /// call); 0 if unknown. An address, not a pointer: only compared against the
    /// function's code to find the instruction (`CompiledFunc::instruction_at`).
    pub ip: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Trap(Trap),
    /// A function's code could not be translated (for example an unsupported operator).
    Translate {
        func: FuncAddr,
        error: ParseError,
    },
    /// An exception that no frame of the run caught: the exception instance, in the
    /// store's heap, and the functions that were active where it was thrown.
    Exception {
        exn: ExnAddr,
        trace: Vec<TraceFrame>,
    },
}

/// Why the loop returned control to the embedder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunResult {
    /// The outermost function returned; its results are in cells `0..n`.
    Done,
    /// Host function `func`, called with its arguments in cells `base..`, failed
    /// ([`Host::call`] returned `false`; the embedder holds the error). The run is
    /// suspended at its call: [`run`] with no function resumes the caller once the
    /// results are in cells `base..`, and `run_throwing` unwinds from it.
    HostFailed { func: FuncAddr, base: usize },
}

/// The embedder as the loop sees it: the store it runs on, and what runs host
/// functions. A host function runs from inside the loop, with no return to the
/// embedder, so that a Wasm loop calling the host pays for a call, not for leaving and
/// entering the executor.
pub trait Host {
    /// The store the loop runs on. Asked again after every host call (a host function
    /// gets the whole embedder, store included).
    fn store(&mut self) -> &mut ExecStore;
    /// Runs host function `host_index` (function instance `func`) on the arguments in
    /// `stack`'s cells `base..` and writes its results there. `fuel` is what is left of
    /// the run's fuel, which the host may change (a host function that runs Wasm spends
    /// it too). The suspended caller is `stack`'s current frame (`Stack::backtrace`,
    /// `Stack::current_instance`). `false` if it failed: the run stops with
    /// [`RunResult::HostFailed`].
    fn call(
        &mut self,
        stack: &mut Stack,
        func: FuncAddr,
        host_index: u32,
        base: usize,
        fuel: &mut u64,
    ) -> bool;
}

/// Collects the garbage of `store`'s heap now, with no call under way: the roots are
/// the globals, tables, element segments and the embedder's holds. Nothing happens
/// while a run is under way or paused (its frames are out of sight here).
pub fn collect_garbage(store: &mut ExecStore) {
    gc::collect_idle(store);
}

/// Starts a call of `func` with arguments already in cells `0..n_params`, or with
/// `None` resumes what `stack` holds (a run that ran out of fuel, or whose host call
/// failed and has its results now), on `host`'s store.
pub fn run(
    host: &mut dyn Host,
    stack: &mut Stack,
    func: Option<FuncAddr>,
    fuel: &mut u64,
) -> Result<RunResult, RunError> {
    let mut state = match func {
        Some(f) => {
            stack.reset();
            match enter(host.store(), stack, f, 0, None)? {
                Entered::Host { func, index, base } => {
                    return Ok(match host.call(stack, func, index, base, fuel) {
                        true => RunResult::Done,
                        false => RunResult::HostFailed { func, base },
                    });
                }
                Entered::Wasm(regs) => regs,
            }
        }
        None => match stack.regs.take() {
            Some(r) => r,
            None => return Ok(RunResult::Done),
        },
    };
    let result = execute(host, stack, &mut state, fuel, None);
    keep_if_suspended(stack, state, result)
}

/// Resumes the execution suspended in a host call as if that call had thrown `exn`:
/// the exception unwinds from the call site. With nothing suspended it is simply
/// uncaught.
#[cfg(feature = "exceptions")]
pub fn run_throwing(
    host: &mut dyn Host,
    stack: &mut Stack,
    exn: ExnAddr,
    fuel: &mut u64,
) -> Result<RunResult, RunError> {
    let Some(mut state) = stack.regs.take() else {
        let trace = Vec::new();
        return Err(RunError::Exception { exn, trace });
    };
    let result = execute(host, stack, &mut state, fuel, Some(Thrown::Exn(exn)));
    keep_if_suspended(stack, state, result)
}

/// Keeps the registers of a run that may be resumed (one whose host call failed, or
/// that wants more fuel) or looked at (a trap's frames, for a coredump: the caller
/// resets the stack when it is done with them). Any other end forgets the run's frames.
fn keep_if_suspended(
    stack: &mut Stack,
    state: Regs,
    result: Result<RunResult, RunError>,
) -> Result<RunResult, RunError> {
    match &result {
        Ok(RunResult::HostFailed { .. }) | Err(RunError::Trap(_)) => stack.regs = Some(state),
        _ => stack.reset(),
    }
    result
}

enum Entered {
    Wasm(Regs),
    /// Host function `index`, its frame at `base`.
    Host {
        func: FuncAddr,
        index: u32,
        base: usize,
    },
}

/// A trap with its backtrace, except for running out of fuel: that ends every slice of
/// an epoch-interrupted run and pauses resumable calls, so it comes often, and its
/// frames stay on the stack ([`keep_if_suspended`]) for [`Stack::backtrace`] to read
/// when the run really ends there. A walk of every frame at each slice's end would make
/// a deep recursion pay for its depth again and again.
fn trap(stack: &Stack, regs: Option<&Regs>, code: TrapCode) -> RunError {
    let trace = if code == TrapCode::OutOfFuel {
        Vec::new()
    } else {
        trace(stack, regs)
    };
    RunError::Trap(Trap { code, trace })
}

// SAFETY: the only pointers in a stack are saved instruction pointers (`Frame::ret`,
// `Regs::ip`) into translated code, which belongs to a module that the store's function
// instances keep alive (a `Shared` module whose cells are never written again once
// set). The stack goes with its store: moving both to another thread leaves every
// pointer as valid as before, and no other thread can reach them meanwhile, since the
// loop runs only with the store borrowed exclusively.
unsafe impl Send for Stack {}

/// A frame of a stopped run, for a coredump: its function, its instance, where it
/// was, and where its cells start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameState {
    pub func: FuncAddr,
    pub instance: wisp_store::InstanceAddr,
    /// As in [`TraceFrame::ip`].
    pub ip: usize,
    /// The first cell of the frame (its parameters, then its locals).
    pub base: usize,
}

impl Stack {
    /// The frames of a run stopped by a trap (before the stack is reset), innermost
    /// first.
    pub fn frame_states(&self) -> Vec<FrameState> {
        let inner = self.regs.iter().map(|r| FrameState {
            func: r.func,
            instance: wisp_store::InstanceAddr(r.instance),
            ip: r.ip as usize,
            base: r.base,
        });
        let outer = self.frames.iter().rev().map(|f| FrameState {
            func: f.func,
            instance: wisp_store::InstanceAddr(f.instance),
            ip: f.ret as usize,
            base: f.base,
        });
        inner.chain(outer).collect()
    }

    /// Cells `base..base + n`, if the stack holds them.
    pub fn cells_at(&self, base: usize, n: usize) -> Option<&[RawVal]> {
        self.values.get(base..base.checked_add(n)?)
    }

    /// The functions of a suspended run (one waiting for a host call, or for fuel),
    /// innermost first: the backtrace of an error a host function returns.
    pub fn backtrace(&self) -> Vec<TraceFrame> {
        trace(self, self.regs.as_ref())
    }

    /// The functions of a run paused for want of fuel, innermost first. Such a run
    /// points at its fuel charge, to run it again on resuming; a trace points one past
    /// the instruction running, so the innermost frame is moved on by one.
    pub fn fuel_backtrace(&self) -> Vec<TraceFrame> {
        let mut trace = self.backtrace();
        if let (Some(inner), Some(_)) = (trace.first_mut(), &self.regs) {
            inner.ip += core::mem::size_of::<crate::ir::Op>();
        }
        trace
    }
}

/// The functions active in `regs` and the frames below it, innermost first.
/// Empty if the allocator has no room for it: a trap for want of stack often comes
/// with the heap spent too, and must not become an abort.
fn trace(stack: &Stack, regs: Option<&Regs>) -> Vec<TraceFrame> {
    let mut trace = Vec::new();
    if trace.try_reserve_exact(stack.frames.len() + 1).is_err() {
        return trace;
    }
    trace.extend(regs.iter().map(|r| TraceFrame {
        func: r.func,
        ip: r.ip as usize,
    }));
    trace.extend(stack.frames.iter().rev().map(|f| TraceFrame {
        func: f.func,
        ip: f.ret as usize,
    }));
    trace
}

/// Sets up a call of `func` whose frame starts at cell `base`. `caller` is saved as the
/// return frame when the callee is Wasm code; a host function is only made room for.
fn enter(
    store: &ExecStore,
    stack: &mut Stack,
    func: FuncAddr,
    base: usize,
    caller: Option<&Regs>,
) -> Result<Entered, RunError> {
    let f = store
        .funcs
        .get(func.0 as usize)
        .ok_or_else(|| trap(stack, caller, TrapCode::UndefinedElement))?;
    match &f.kind {
        FuncKind::Host { index, cells } => {
            if !stack.reserve(base, *cells as usize) {
                return Err(trap(stack, caller, TrapCode::StackOverflow));
            }
            Ok(Entered::Host {
                func,
                index: *index,
                base,
            })
        }
        FuncKind::Wasm { instance, code } => {
            let c: &CompiledFunc = code
                .module
                .code(code.index as usize)
                .map_err(|error| RunError::Translate { func, error })?;
            // An allocator that refuses (a device's small heap) ends the call with a
            // trap, never an abort.
            if stack.frames.len() >= stack.limits.max_frames
                || !stack.reserve(base, c.frame_size as usize)
                || !stack.reserve_frame()
            {
                return Err(trap(stack, caller, TrapCode::StackOverflow));
            }
            if let Some(r) = caller {
                // Room was reserved just above.
                let pushed = stack.frames.push(Frame {
                    ret: r.ip,
                    base: r.base,
                    instance: r.instance,
                    func: r.func,
                });
                debug_assert!(pushed);
            }
            Ok(Entered::Wasm(Regs {
                ip: c.ops.as_ptr(),
                base,
                instance: instance.0,
                func,
            }))
        }
    }
}

/// Memory 0 of an instance as a base pointer and length (null and 0 if it has none).
/// Out of line: it runs only on entry, after `memory.grow` and between instances.
#[cold]
#[inline(never)]
fn mem0(store: &mut ExecStore, instance: u32) -> (*mut u8, usize) {
    let addr = store
        .instances
        .get(instance as usize)
        .and_then(|i| i.mems.first().copied());
    match addr.and_then(|a| store.mems.get_mut(a as usize)) {
        Some(m) => {
            let d = m.data_mut();
            (d.as_mut_ptr(), d.len())
        }
        None => (ptr::null_mut(), 0),
    }
}

/// The length of memory 0 as its bounds checks use it.
#[derive(Clone, Copy)]
pub(super) struct MemLen {
    /// Every access of at most 8 bytes at an address below this one is in bounds: the
    /// common check compares the address alone, without first adding the width.
    fast: usize,
    /// The length in bytes.
    len: usize,
}

impl MemLen {
    #[inline(always)]
    fn new(len: usize) -> MemLen {
        MemLen {
            fast: len.saturating_sub(7),
            len,
        }
    }
}

/// The effective address of an access of `width` bytes, if it is in bounds.
#[inline(always)]
fn effective(addr: u64, offset: u32, width: usize, len: MemLen) -> Option<usize> {
    let ea = addr as u32 as u64 + offset as u64;
    if width <= 8 && ea < len.fast as u64 {
        return Some(ea as usize);
    }
    // The last bytes of memory, a wide access, or a trap; without the hint LLVM may
    // compute both comparisons and combine them, which lengthens the common path.
    core::hint::cold_path();
    if ea + width as u64 > len.len as u64 {
        None
    } else {
        Some(ea as usize)
    }
}

/// The machine state a handler reaches through its `cx` argument: everything but the hot
/// registers, which travel as arguments.
pub(super) struct Cx<'a> {
    /// `host`'s store, taken from it again after each host call ([`Cx::call_host`]).
    store: &'a mut ExecStore,
    /// The embedder, reached only in a host call: `store` is borrowed from it meanwhile.
    host: *mut (dyn Host + 'a),
    stack: &'a mut Stack,
    /// The current frame; `ip` is up to date only when control has left the loop.
    regs: Regs,
    fuel: &'a mut u64,
    /// Why the loop stopped.
    result: Result<RunResult, RunError>,
    /// The running instance's module's code cells and the addresses of its defined
    /// functions, both indexed by defined-function index (`CallInternal`); set by
    /// [`Cx::switch_instance`] whenever the running instance changes.
    code: *const crate::CodeCell,
    defined: *const FuncAddr,
    /// The running instance's global addresses, and the store's global instances, both
    /// set by [`Cx::switch_instance`]: `global.get` and `global.set` reach a global
    /// through these two instead of through the store and the instance. The store's
    /// globals move only when some are added, which only a host call or instantiation
    /// does (both in a host function), after which `switch_instance` runs again.
    globals: *const u32,
    global_insts: *mut wisp_store::GlobalInst,
    /// The running instance's first defined global in the store's globals, also set by
    /// `switch_instance`: instantiation allocates an instance's defined globals in a
    /// row, so `GlobalGetOwn` reaches one with a single load from here.
    #[cfg(feature = "fused")]
    own_globals: *mut wisp_store::GlobalInst,
    /// The length in bytes of the running instance's memory 0, whose base the handlers
    /// keep in a register (`Hot::mem`); set with it by [`Cx::switch_instance`] and after
    /// `memory.grow`. Kept here rather than in a seventh register: x86-64 LLVM folds the
    /// load of the next handler's address into the tail jump only for calls that pass
    /// at most six registers, and the float accumulator is one of them. A bounds check
    /// compares with it in memory, which costs no more than with a register.
    mem_len: MemLen,
    /// The callee and frame base of a call taking the general path.
    pending_call: (FuncAddr, usize),
    /// What a throw threw, for the unwinder.
    #[cfg_attr(not(feature = "exceptions"), allow(dead_code))]
    thrown: Thrown,
}

/// What is being thrown.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "exceptions"), allow(dead_code))]
pub(super) enum Thrown {
    /// A new exception of the tag at this address, its payload in cells `at..`.
    Payload { tag: u32, at: usize },
    /// An exception instance (`throw_ref`, or the host).
    Exn(ExnAddr),
}

impl Cx<'_> {
    /// Memory 0 of the running instance again, after `memory.grow`: its base, and its
    /// length into `mem_len`.
    pub(super) fn reload_mem0(&mut self) -> *mut u8 {
        let (mem, len) = mem0(self.store, self.regs.instance);
        self.mem_len = MemLen::new(len);
        mem
    }

    /// Points the per-instance caches at the instance of the running function
    /// (`regs.func`) and returns the base of its memory 0 (setting `mem_len`). Out of
    /// line: it runs on entry, and on calls and returns that cross instances.
    #[cold]
    #[inline(never)]
    fn switch_instance(&mut self) -> *mut u8 {
        let mut own = 0;
        if let Some(FuncKind::Wasm { instance, code }) = self
            .store
            .funcs
            .get(self.regs.func.0 as usize)
            .map(|f| &f.kind)
        {
            self.code = code.module.code_cells();
            let imported = code.module.module.num_imported_funcs as usize;
            let imported_globals = code.module.module.num_imported_globals as usize;
            if let Some(inst) = self.store.instances.get(instance.0 as usize) {
                self.defined = inst.funcs[imported.min(inst.funcs.len())..].as_ptr();
                self.globals = inst.globals.as_ptr();
                // With no defined global, nothing reads it.
                own = inst
                    .globals
                    .get(imported_globals)
                    .map_or(0, |&a| a as usize);
            }
        }
        self.global_insts = self.store.globals.as_mut_ptr();
        // `wrapping_add`: with no defined global (`own` is 0 then) the pointer is never
        // read, and the store may have no globals at all.
        #[cfg(feature = "fused")]
        {
            self.own_globals = self.global_insts.wrapping_add(own);
        }
        #[cfg(not(feature = "fused"))]
        let _ = own;
        self.reload_mem0()
    }
}

/// Runs until the outermost function returns, a host function fails, or a trap.
fn execute(
    host: &mut dyn Host,
    stack: &mut Stack,
    saved: &mut Regs,
    fuel: &mut u64,
    thrown: Option<Thrown>,
) -> Result<RunResult, RunError> {
    let ip = saved.ip;
    // SAFETY: `enter` reserved `base + frame_size` cells for the current frame.
    let sp = unsafe { stack.values.as_mut_ptr().add(saved.base) };
    let host: *mut (dyn Host + '_) = host;
    let mut cx = Cx {
        // SAFETY: `host` is valid for the whole run (it comes from a reference that
        // outlives `cx`); the store it lends is used only until the next host call,
        // which takes it back (`Cx::call_host`).
        store: unsafe { host_store(host) },
        host,
        stack,
        regs: *saved,
        fuel,
        result: Ok(RunResult::Done),
        code: ptr::null(),
        defined: ptr::null(),
        globals: ptr::null(),
        global_insts: ptr::null_mut(),
        #[cfg(feature = "fused")]
        own_globals: ptr::null_mut(),
        mem_len: MemLen::new(0),
        pending_call: (FuncAddr(0), 0),
        thrown: Thrown::Exn(ExnAddr(0)),
    };
    let mem = cx.switch_instance();
    let start = match thrown {
        None => Some((ip, sp, mem)),
        #[cfg(feature = "exceptions")]
        Some(t) => {
            cx.thrown = t;
            unwind::unwind(&mut cx).map(|h| (h.ip, h.sp, h.mem))
        }
        #[cfg(not(feature = "exceptions"))]
        Some(_) => None,
    };
    if let Some((ip, sp, mem)) = start {
        // SAFETY: the registers describe the frame `saved` describes, set up by `enter`,
        // or the handler's the unwinder found.
        unsafe { dispatch::run(ip, sp, mem, 0, 0.0, &mut cx) };
    }
    *saved = cx.regs;
    cx.result
}

/// The store `host` lends, for as long as the caller chooses.
///
/// # Safety
/// `host` is valid for `'a`, and the store is not used after `host` is used again
/// (a host call): it must then be taken anew.
unsafe fn host_store<'a>(host: *mut (dyn Host + 'a)) -> &'a mut ExecStore {
    // SAFETY: the caller's contract: `host` is valid, and nothing else uses it while
    // the store is lent.
    let store: *mut ExecStore = unsafe { (*host).store() };
    // SAFETY: as above; the store lives as long as `host`.
    unsafe { &mut *store }
}

impl Cx<'_> {
    /// Runs host function `index` (`func`) with its frame at `base`, the running frame
    /// (`regs`) its suspended caller. `false` if it failed.
    #[inline(never)]
    fn call_host(&mut self, func: FuncAddr, index: u32, base: usize) -> bool {
        // The caller, for the host: its instance and a backtrace.
        self.stack.regs = Some(self.regs);
        // SAFETY: `host` is valid for the run (`execute`). `self.store`, borrowed from
        // it, is not used during the call and is taken anew right after it.
        let ok = unsafe { (*self.host).call(self.stack, func, index, base, &mut *self.fuel) };
        self.stack.regs = None;
        // SAFETY: as above: the host call is over, and the old store is never used
        // again.
        self.store = unsafe { host_store(self.host) };
        ok
    }
}
