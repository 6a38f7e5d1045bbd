//! The instruction bodies: what each instruction of Wisp's IR does, as ordinary
//! functions. Spec: <https://webassembly.github.io/spec/core/exec/instructions.html>
//!
//! The operator table names each instruction's body; the generated glue
//! (`dispatch.rs`) decodes the operands, calls the body with the hot registers ([`Hot`])
//! and the machine ([`Cx`]), and passes control on as the returned [`Flow`] says. Bodies
//! are `#[inline(always)]`, so each handler is its body plus the glue, with the
//! registers in machine registers.
//!
//! # Safety
//! Every body is an `unsafe fn` with one contract, the handler contract: `h` describes
//! the running frame as `exec/mod.rs` lists its invariants (slots below the frame size
//! and reserved, branch targets inside the function, `ip` at the next instruction,
//! `mem` and `Cx::mem_len` memory 0 of the running instance).

#[cfg(feature = "gc")]
pub(super) mod aggregate;
pub(super) mod arith;
pub(super) mod control;
pub(super) mod data;
#[cfg(feature = "exceptions")]
pub(super) mod exception;
#[cfg(feature = "multi-memory")]
pub(super) mod memories;
pub(super) mod memory;
#[cfg(feature = "gc")]
pub(super) mod reference;
#[cfg(feature = "fused")]
pub(super) mod steps;
#[cfg(feature = "simd")]
pub(super) mod vector;
#[cfg(feature = "wide-arithmetic")]
pub(super) mod wide;

#[cfg(all(not(wisp_tail_dispatch), feature = "tail-call"))]
pub(super) use control::tail_call_slow;
#[cfg(all(wisp_tail_dispatch, feature = "tail-call"))]
pub(super) use control::tail_call_slow_tail;
#[cfg(not(wisp_tail_dispatch))]
pub(super) use control::{call_slow, return_slow, throw_slow};
#[cfg(wisp_tail_dispatch)]
pub(super) use control::{call_slow_tail, return_slow_tail, throw_slow_tail};

use super::dispatch::{Flow, Hot};
use super::{trap as trap_error, Cx};
use crate::ir::{Offset, Op, Slot};
use wisp_types::{RawVal, TrapCode};

impl Hot {
    /// The cell in slot `s`.
    ///
    /// # Safety
    /// `s` is a slot of the running frame: below its `frame_size` (a translator
    /// invariant), whose cells are reserved (a call-sequence invariant).
    #[inline(always)]
    pub(super) unsafe fn get(&self, s: Slot) -> u64 {
        // SAFETY: see the function's contract: the cell is inside the frame.
        let cell = unsafe { self.sp.add(s.index()) };
        // SAFETY: as above; the value stack's cells are always initialized.
        unsafe { (*cell).0 }
    }

    /// The cells in slots `a` and `b`.
    ///
    /// # Safety
    /// As for [`Hot::get`], for both.
    #[inline(always)]
    pub(super) unsafe fn get2(&self, a: Slot, b: Slot) -> (u64, u64) {
        // SAFETY: see the function's contract.
        let x = unsafe { self.get(a) };
        // SAFETY: see the function's contract.
        let y = unsafe { self.get(b) };
        (x, y)
    }

    /// Writes slot `s`.
    ///
    /// # Safety
    /// As for [`Hot::get`].
    #[inline(always)]
    pub(super) unsafe fn set(&mut self, s: Slot, v: u64) {
        // SAFETY: see the function's contract: the cell is inside the frame.
        let cell = unsafe { self.sp.add(s.index()) };
        // SAFETY: as above.
        unsafe { *cell = RawVal(v) }
    }

    /// Writes `lo` to slot `s` and `hi` to the one after it: a `v128`, or two results.
    ///
    /// # Safety
    /// As for [`Hot::get`], for `s` and the slot after it.
    #[inline(always)]
    #[cfg(any(feature = "simd", feature = "wide-arithmetic"))]
    pub(super) unsafe fn set2(&mut self, s: Slot, lo: u64, hi: u64) {
        // SAFETY: see the function's contract.
        unsafe { self.set(s, lo) };
        // SAFETY: see the function's contract.
        unsafe { self.set(s.plus(1), hi) };
    }

    /// Writes an instruction's result to its slot and keeps it in the accumulator, where
    /// an accumulator form right after it reads it (`Op::acc_result`).
    ///
    /// # Safety
    /// As for [`Hot::get`].
    #[inline(always)]
    pub(super) unsafe fn out(&mut self, s: Slot, v: u64) {
        // SAFETY: see the function's contract.
        unsafe { self.set(s, v) };
        self.acc = v;
    }

    /// A `v128` from two cells, low half first (the translator gave it both).
    ///
    /// # Safety
    /// `s` and the slot after it are slots of the running frame.
    #[cfg(feature = "simd")]
    #[inline(always)]
    pub(super) unsafe fn get128(&self, s: Slot) -> u128 {
        // SAFETY: see the function's contract.
        let (lo, hi) = unsafe { self.get2(s, s.plus(1)) };
        lo as u128 | (hi as u128) << 64
    }

    /// Writes a `v128` to two cells.
    ///
    /// # Safety
    /// As for [`Hot::get128`].
    #[cfg(feature = "simd")]
    #[inline(always)]
    pub(super) unsafe fn set128(&mut self, s: Slot, v: u128) {
        // SAFETY: see the function's contract.
        unsafe { self.set2(s, v as u64, (v >> 64) as u64) };
    }

    /// The operands of the `Arg` that follows the instruction, stepping past it; `None`
    /// if the next instruction is not an `Arg` (only a damaged image has that).
    ///
    /// # Safety
    /// `ip` points at an instruction of the running function.
    #[inline(always)]
    pub(super) unsafe fn arg(&mut self) -> Option<(u32, u32)> {
        // SAFETY: see the function's contract.
        let Op::Arg { a, b } = (unsafe { *self.ip }) else {
            return None;
        };
        // SAFETY: an `Arg` is never an instruction's last, which is a return.
        self.ip = unsafe { self.ip.add(1) };
        Some((a, b))
    }

    /// Takes the branch whose instruction is just before `ip`.
    ///
    /// # Safety
    /// `target` is the target of that branch: inside the running function.
    #[inline(always)]
    pub(super) unsafe fn jump(&mut self, target: Offset) {
        // SAFETY: the branch is the instruction before `ip`.
        let branch = unsafe { self.ip.sub(1) };
        // SAFETY: targets are byte offsets from the branch. Counting from the branch's
        // own address (not from `ip` minus the offset's bias) lets LLVM compute `ip`
        // only on the path that falls through, and give each path its own dispatch: 3%
        // fewer instructions on the sieve.
        self.ip = unsafe { branch.byte_offset(target.0 as isize) };
        keep_branch();
    }
}

/// Keeps a conditional branch a branch. Without it LLVM turns `if cond { ip = target }`
/// into a conditional move, and then every load of the next instruction waits for the
/// comparison instead of running ahead on the predicted path: the sieve took 40% longer.
/// An `asm!` statement may not be executed speculatively, so the arm cannot be
/// flattened.
#[inline(always)]
fn keep_branch() {
    // Where `asm!` is stable; elsewhere (AVR) the branch is left to the compiler.
    #[cfg(any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv32",
        target_arch = "riscv64"
    ))]
    // SAFETY: an empty instruction sequence touches no memory, stack or flags.
    unsafe {
        core::arch::asm!("", options(nomem, nostack, preserves_flags))
    }
}

/// Leaves the loop with a trap; `ip` is saved so that the trace and a resume see it.
#[inline(always)]
pub(super) fn trap(h: &Hot, cx: &mut Cx<'_>, code: TrapCode) -> Flow {
    cx.regs.ip = h.ip;
    stop_trap(cx, code);
    Flow::Stop
}

/// `Ok` goes on, `Err` traps.
#[inline(always)]
pub(super) fn check(h: &Hot, cx: &mut Cx<'_>, r: Result<(), TrapCode>) -> Flow {
    match r {
        Ok(()) => Flow::Next,
        Err(t) => trap(h, cx, t),
    }
}

/// Records a trap at `cx.regs.ip` as the loop's result. Out of line, so that handlers
/// carry no code to build it or to drop the previous result.
#[cold]
#[inline(never)]
pub(super) fn stop_trap(cx: &mut Cx<'_>, code: TrapCode) {
    cx.result = Err(trap_error(cx.stack, Some(&cx.regs), code));
}
