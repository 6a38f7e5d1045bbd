//! How control passes from one instruction's handler to the next.
//!
//! Every instruction has a body, an ordinary function in `handlers/`, and its own
//! handler, generated from the operator table (`glue.rs`), which decodes the operands,
//! calls the body and passes control on as the body's [`Flow`] says. Two backends:
//!
//! - **tail** (`cfg(wisp_tail_dispatch)`, chosen by `build.rs` for optimized x86_64 and
//!   aarch64 builds): each handler ends by calling the next one through [`HANDLERS`] with
//!   the same signature, which LLVM turns into a jump. Each handler thus has its own
//!   indirect jump, and the branch predictor learns instruction pairs instead of
//!   funnelling everything through one shared jump. The hot registers (`ip`, `sp`,
//!   memory base and length) travel as arguments, so they stay in machine registers.
//!   Rust does not guarantee the tail call: `cargo xtask asm` checks the generated code,
//!   and a test runs long programs on a small stack.
//! - **loop** (everything else, and the `portable-dispatch` feature): a `loop` around a
//!   `match` into which every handler is inlined. It needs nothing from the optimizer,
//!   so debug builds, Miri and small targets use it.
//!
//! A handler returns [`Exit::Stop`] when control leaves the loop (return from the
//! outermost frame, host call, trap); the reason is in `Cx::result`.

#[cfg(all(not(wisp_tail_dispatch), feature = "tail-call"))]
use super::handlers::tail_call_slow;
#[cfg(all(wisp_tail_dispatch, feature = "tail-call"))]
use super::handlers::tail_call_slow_tail;
#[cfg(not(wisp_tail_dispatch))]
use super::handlers::{call_slow, return_slow, throw_slow};
#[cfg(wisp_tail_dispatch)]
use super::handlers::{call_slow_tail, return_slow_tail, throw_slow_tail};
use super::Cx;
use crate::ir::{Op, Target};
use wisp_types::{RawVal, TrapCode};

/// What a handler returns: only ever that control has left the loop. Carrying on is a
/// call of the next handler (tail backend) or a [`Flow`] (loop backend), so it needs no
/// value of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Exit {
    /// Control has left the loop; `Cx::result` says why.
    Stop,
}

/// The discriminant of the instruction at `ip`.
///
/// # Safety
/// `ip` points at an instruction. `Op` is `#[repr(u16)]`, so every variant starts with
/// its `u16` discriminant.
#[cfg_attr(not(wisp_tail_dispatch), allow(dead_code))]
#[inline(always)]
pub(super) const unsafe fn tag(ip: *const Op) -> usize {
    // SAFETY: see the function's contract.
    unsafe { *(ip as *const u16) as usize }
}

/// The discriminant of `op`: its index in [`crate::ir::TEMPLATES`], which is how a
/// pre-translated image names it.
pub fn op_tag<T: Target>(op: &crate::ir::Op<T>) -> u16 {
    // SAFETY: a reference points at a valid instruction.
    unsafe { tag(op as *const crate::ir::Op<T> as *const Op) as u16 }
}

/// The instruction with discriminant `discriminant` and operands `v` (in declaration order),
/// or `None` if there is no such instruction, too few operands or one too wide. An
/// image names instructions this way; building the value in place needs no table and
/// no per-instruction code, which on a device is 16 bytes of flash an instruction.
///
/// `Op` is `repr(u16)`: each variant is laid out as a `repr(C)` struct of the `u16`
/// discriminant and then its fields, in order. Every field is a `u32` except the value
/// of `Const64`, a `u64`. `ir`'s tests check this against the enum for every variant.
pub fn op_with_operands<T: Target>(discriminant: u16, v: &[u64]) -> Option<crate::ir::Op<T>> {
    const SIZE: usize = core::mem::size_of::<Op>();
    const { assert!(core::mem::size_of::<crate::ir::Op<T>>() == SIZE) };
    const FIELD0: usize = 2usize.next_multiple_of(core::mem::align_of::<u32>());
    // SAFETY: the instruction is built right here.
    const CONST64: usize = unsafe {
        tag(&Op::Const64 {
            dst: crate::ir::Slot(0),
            value: crate::ir::Imm64(0),
        })
    };
    let n = crate::ir::operand_count(discriminant)?;
    let v = v.get(..n)?;
    let mut bytes = [0u8; SIZE];
    bytes[..2].copy_from_slice(&discriminant.to_ne_bytes());
    let mut at = FIELD0;
    for (k, &x) in v.iter().enumerate() {
        if discriminant as usize == CONST64 && k == 1 {
            let at = at.next_multiple_of(core::mem::align_of::<u64>());
            bytes.get_mut(at..at + 8)?.copy_from_slice(&x.to_ne_bytes());
        } else {
            let x = u32::try_from(x).ok()?;
            bytes.get_mut(at..at + 4)?.copy_from_slice(&x.to_ne_bytes());
            at += 4;
        }
    }
    // SAFETY: `discriminant` names a variant (it has an operand count), its first two bytes are
    // the discriminant, and its fields hold the operands at the offsets `repr(C)` gives
    // them; every operand type is a `repr(transparent)` integer (the two kinds of target
    // both 32-bit), valid for any bytes, and the other bytes are padding.
    Some(unsafe { core::mem::transmute_copy::<[u8; SIZE], crate::ir::Op<T>>(&bytes) })
}

/// `op` with its branch target, if it has one, changed by `f`, and its type changed
/// with it: how code is finished (instruction indices to byte offsets) and shown again.
///
/// Done in place rather than by a `match` that rebuilds every kind of instruction, which
/// would put some 15 KiB of code in a device's firmware.
pub fn with_target<T: Target, U: Target>(
    op: crate::ir::Op<T>,
    f: impl FnOnce(T) -> U,
) -> crate::ir::Op<U> {
    const {
        assert!(
            core::mem::size_of::<crate::ir::Op<T>>() == core::mem::size_of::<crate::ir::Op<U>>()
        )
    };
    let target = op.target().map(f);
    // SAFETY: `Op` is `repr(u16)`, so each variant is laid out as a `repr(C)` struct of
    // the discriminant and its fields, the same for any target type; the two target
    // types are `repr(transparent)` 32-bit integers, valid for any bits. Only the
    // target field changes meaning, and it is rewritten right below.
    let mut out = unsafe { core::mem::transmute_copy::<crate::ir::Op<T>, crate::ir::Op<U>>(&op) };
    if let (Some(slot), Some(t)) = (out.target_mut(), target) {
        *slot = t;
    }
    out
}

/// A handler of the tail backend.
#[cfg_attr(not(wisp_tail_dispatch), allow(dead_code))]
pub(super) type Handler = unsafe fn(*const Op, *mut RawVal, *mut u8, u64, f64, &mut Cx<'_>) -> Exit;

/// The hot registers: what a body reads and changes besides the machine (`Cx`). The
/// handlers keep them in a local, which LLVM keeps in machine registers.
#[derive(Clone, Copy)]
pub(super) struct Hot {
    /// The next instruction: a body's own operands are already decoded.
    pub ip: *const Op,
    /// The current frame's first cell.
    pub sp: *mut RawVal,
    /// The base of memory 0 of the running instance (its length is `Cx::mem_len`),
    /// reloaded only where it can change: on calls and returns between instances and
    /// after `memory.grow`.
    pub mem: *mut u8,
    /// The accumulator: the result of the last instruction that leaves one there.
    pub acc: u64,
    /// The float accumulator: the result instead of `acc` when it is an `f64`, in a
    /// float register (`Op::writes_float_acc`), so that float arithmetic on the result
    /// of the float arithmetic before it does not move it through an integer register
    /// and back, which lengthens a chain of dependent operations by some six cycles a
    /// step on x86-64. Only the tail backend has it: the loop backend's forms read
    /// `acc`, which its bodies write for every result.
    #[cfg(wisp_tail_dispatch)]
    pub facc: f64,
}

impl Hot {
    /// The registers at `ip` in a frame just entered or returned to, where neither
    /// accumulator holds anything yet.
    #[inline(always)]
    pub(super) fn at(ip: *const Op, sp: *mut RawVal, mem: *mut u8) -> Hot {
        Hot {
            ip,
            sp,
            mem,
            acc: 0,
            #[cfg(wisp_tail_dispatch)]
            facc: 0.0,
        }
    }
}

/// Where control goes after a body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// To the instruction at `ip`.
    Next,
    /// To the instruction at `ip`, whose discriminant is known (`BrTableTarget`): the
    /// dispatch need not load it.
    NextTagged(u32),
    /// Out of the loop; `Cx::result` says why.
    Stop,
    /// Into the general call sequence, for `cx.pending_call`.
    CallSlow,
    /// Into the general return sequence.
    ReturnSlow,
    /// Into the general tail call sequence, for `cx.pending_call`.
    #[cfg(feature = "tail-call")]
    TailCallSlow,
    /// Into the unwinder, for `cx.thrown`.
    #[cfg_attr(not(feature = "exceptions"), allow(dead_code))]
    Throw,
}

/// Passes control on from a handler of the tail backend: to the next handler, or out of
/// line. Inlined into each handler, so each has its own indirect jump.
///
/// # Safety
/// `h` describes the running frame, with `ip` at the next instruction.
#[cfg(wisp_tail_dispatch)]
#[inline(always)]
pub(super) unsafe fn then(h: Hot, cx: &mut Cx<'_>, flow: Flow) -> Exit {
    match flow {
        // SAFETY: see the function's contract.
        Flow::Next => unsafe { run(h.ip, h.sp, h.mem, h.acc, h.facc, cx) },
        // SAFETY: as above, and the discriminant is the instruction's (translator
        // invariant; an image's are computed anew or checked when it is read).
        Flow::NextTagged(t) => unsafe { run_tagged(t, h.ip, h.sp, h.mem, h.acc, h.facc, cx) },
        Flow::Stop => Exit::Stop,
        // SAFETY: the slow paths take what they need from `cx`, which the contract
        // covers too.
        Flow::CallSlow => unsafe { call_slow_tail(cx) },
        // SAFETY: as above.
        Flow::ReturnSlow => unsafe { return_slow_tail(cx) },
        // SAFETY: as above.
        #[cfg(feature = "tail-call")]
        Flow::TailCallSlow => unsafe { tail_call_slow_tail(cx) },
        // SAFETY: as above.
        Flow::Throw => unsafe { throw_slow_tail(cx) },
    }
}

/// What the loop backend does after a body: `Some` to leave the loop.
#[cfg(not(wisp_tail_dispatch))]
#[inline(always)]
fn after(h: &mut Hot, cx: &mut Cx<'_>, flow: Flow) -> Option<Exit> {
    let slow = match flow {
        Flow::Next | Flow::NextTagged(_) => return None,
        Flow::Stop => return Some(Exit::Stop),
        Flow::CallSlow => call_slow(cx),
        Flow::ReturnSlow => return_slow(cx),
        #[cfg(feature = "tail-call")]
        Flow::TailCallSlow => tail_call_slow(cx),
        Flow::Throw => throw_slow(cx),
    };
    match slow {
        Some(next) => {
            *h = next;
            None
        }
        None => Some(Exit::Stop),
    }
}

/// Runs from `ip` until a handler stops: the tail backend.
///
/// # Safety
/// The registers describe the current frame as `execute` sets them up.
#[cfg(wisp_tail_dispatch)]
#[inline(always)]
pub(super) unsafe fn run(
    ip: *const Op,
    sp: *mut RawVal,
    mem: *mut u8,
    acc: u64,
    facc: f64,
    cx: &mut Cx<'_>,
) -> Exit {
    // SAFETY: `ip` points at an instruction, whose discriminant this is; the rest is
    // the function's contract.
    unsafe { run_tagged(tag(ip) as u32, ip, sp, mem, acc, facc, cx) }
}

/// Runs from `ip`, whose instruction has discriminant `t`, until a handler stops.
///
/// # Safety
/// As for [`run`], and `t` is the discriminant of the instruction at `ip`.
#[cfg(wisp_tail_dispatch)]
#[inline(always)]
unsafe fn run_tagged(
    t: u32,
    ip: *const Op,
    sp: *mut RawVal,
    mem: *mut u8,
    acc: u64,
    facc: f64,
    cx: &mut Cx<'_>,
) -> Exit {
    // SAFETY: `t` is an instruction's discriminant, and the table covers every one.
    let handler = *unsafe { HANDLERS.get_unchecked(t as usize) };
    // SAFETY: the registers describe the running frame (see the function's contract).
    unsafe { handler(ip, sp, mem, acc, facc, cx) }
}

/// An instruction this build has no handler for (see `supported`) traps. Images that
/// use one are refused when loaded, so this is only a guard.
#[cfg(wisp_tail_dispatch)]
unsafe fn unsupported(
    ip: *const Op,
    _: *mut RawVal,
    _: *mut u8,
    _: u64,
    _: f64,
    cx: &mut Cx<'_>,
) -> Exit {
    cx.regs.ip = ip;
    super::handlers::stop_trap(cx, TrapCode::Unreachable);
    Exit::Stop
}

#[cfg(not(wisp_tail_dispatch))]
#[allow(dead_code)]
fn unsupported_here(h: &mut Hot, cx: &mut Cx<'_>) -> Flow {
    cx.regs.ip = h.ip;
    super::handlers::stop_trap(cx, TrapCode::Unreachable);
    Flow::Stop
}

/// Whether this build can run the instruction with discriminant `tag`.
pub(super) fn supported(tag: usize) -> bool {
    SUPPORTED
        .get(tag / 8)
        .is_some_and(|b| b & (1 << (tag % 8)) != 0)
}

/// The generated glue: a handler per instruction, the tables, and the loop backend.
mod glue {
    #![allow(clippy::all, unused_imports)]
    #[cfg(wisp_tail_dispatch)]
    use super::then;
    #[cfg(wisp_tail_dispatch)]
    use super::unsupported;
    #[cfg(not(wisp_tail_dispatch))]
    use super::{after, unsupported_here};
    use super::{Exit, Flow, Handler, Hot};
    use crate::exec::bulk;
    #[cfg(feature = "multi-memory")]
    use crate::exec::handlers::memories;
    use crate::exec::handlers::{self, memory};
    use crate::exec::numeric;
    #[cfg(feature = "gc")]
    use crate::exec::objects;
    #[cfg(feature = "simd")]
    use crate::exec::simd;
    use crate::exec::Cx;
    use crate::ir::{Op, OP_COUNT};
    use wisp_types::RawVal;

    include!(concat!(env!("OUT_DIR"), "/glue.rs"));
}
#[cfg(not(wisp_tail_dispatch))]
pub(super) use glue::run;
#[cfg(wisp_tail_dispatch)]
use glue::HANDLERS;
use glue::SUPPORTED;
