//! The value stack and the call stack.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#stack>
//!
//! Both live on the heap, so Wasm recursion never grows the host's stack; their limits
//! turn runaway recursion into the "call stack exhausted" trap.

use crate::exec::cells::{split_lent, Cells};
use crate::ir::Op;
use wisp_types::{FuncAddr, RawVal};

/// How deep execution may go before it traps.
#[derive(Debug, Clone, Copy)]
pub struct StackLimits {
    /// Cells of the value stack (8 bytes each).
    pub max_values: usize,
    /// Nested calls.
    pub max_frames: usize,
}

/// Value stacks limited to this many cells (1 KiB), and call stacks to a quarter as
/// many frames, are allocated whole on first use: a tiny heap may not hold the old and
/// the new buffer of a reallocation at once, and a whole one costs no more.
const SMALL_STACK: usize = 128;

impl StackLimits {
    /// The most RAM the stacks take at these limits.
    pub fn max_bytes(&self) -> u64 {
        let cell = core::mem::size_of::<RawVal>() as u64;
        let frame = core::mem::size_of::<Frame>() as u64;
        self.max_values as u64 * cell + self.max_frames as u64 * frame
    }
}

impl Default for StackLimits {
    fn default() -> Self {
        // Capped where `usize` is 16 bits (AVR), which no host-sized default fits.
        let fit = |n: u32| n.min(usize::MAX as u32) as usize;
        StackLimits {
            max_values: fit(1 << 20),
            max_frames: fit(100_000),
        }
    }
}

/// A suspended caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub ret: *const Op,
    pub base: usize,
    pub instance: u32,
    pub func: FuncAddr,
}

/// The registers of the running function, saved while control is outside the loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Regs {
    pub ip: *const Op,
    pub base: usize,
    pub instance: u32,
    pub func: FuncAddr,
}

/// The stacks of one execution thread.
#[derive(Debug)]
pub struct Stack {
    pub(crate) values: Cells<RawVal>,
    pub(crate) frames: Cells<Frame>,
    pub(crate) regs: Option<Regs>,
    pub(crate) limits: StackLimits,
    /// How many frames a call may push without asking the allocator or passing
    /// `limits.max_frames`: the smaller of the two, kept here so that the call fast
    /// path compares with one number. Never more than `frames`' capacity, which never
    /// shrinks; `reserve_frame` raises it.
    frame_room: usize,
}

impl Stack {
    pub fn new(limits: StackLimits) -> Self {
        Stack {
            values: Cells::new(),
            frames: Cells::new(),
            regs: None,
            limits,
            frame_room: 0,
        }
    }

    /// Stacks in `buf`, which the application gives up for the program's life: they
    /// never allocate. They hold what `limits` asks if `buf` is large enough
    /// ([`StackLimits::max_bytes`], plus up to 7 bytes of alignment), else as many cells
    /// and frames as fit, in the same proportions; `None` if not even one of each fits.
    pub fn lent(buf: &'static mut [u8], limits: StackLimits) -> Option<Self> {
        let (values, frames) = split_lent(buf, limits.max_values, limits.max_frames)?;
        let limits = StackLimits {
            max_values: values.capacity(),
            max_frames: frames.capacity(),
        };
        let frame_room = frames.capacity();
        Some(Stack {
            values,
            frames,
            regs: None,
            limits,
            frame_room,
        })
    }

    /// The limits the stacks run under (for lent stacks, what their buffer holds).
    pub fn limits(&self) -> StackLimits {
        self.limits
    }

    /// Cells `base..base + n`: a host call's arguments, then its results; `None` if the
    /// stack cannot hold them.
    pub fn cells(&mut self, base: usize, n: usize) -> Option<&mut [RawVal]> {
        let end = base.checked_add(n)?;
        if self.values.len() < end && !self.values.try_resize(end, RawVal(0)) {
            return None;
        }
        self.values.get_mut(base..end)
    }

    /// Makes room for `n` cells from `base`; false if that passes the limit.
    pub(crate) fn reserve(&mut self, base: usize, n: usize) -> bool {
        let end = base + n;
        if end > self.limits.max_values {
            return false;
        }
        if self.values.len() < end {
            // Grow geometrically: a deep recursion should not copy the stack per call.
            // A tiny limit is taken whole at once (see `SMALL_STACK`).
            let want = if self.limits.max_values <= SMALL_STACK {
                self.limits.max_values
            } else {
                end.max(self.values.len() * 2).min(self.limits.max_values)
            };
            if !self.values.try_resize(want, RawVal(0)) {
                return false;
            }
        }
        true
    }

    /// Makes room for one more frame; false if the allocator refuses. A small limit is
    /// taken whole at once, as for the value stack.
    pub(crate) fn reserve_frame(&mut self) -> bool {
        if self.frames.len() < self.frames.capacity() {
            return true;
        }
        let n = if self.limits.max_frames <= SMALL_STACK / 4 {
            self.limits
                .max_frames
                .saturating_sub(self.frames.len())
                .max(1)
        } else {
            1
        };
        let reserved = self.frames.try_reserve(n).is_ok();
        self.frame_room = self.frames.capacity().min(self.limits.max_frames);
        reserved
    }

    /// Whether one more frame fits without growing the call stack or passing its limit.
    #[inline(always)]
    pub(crate) fn has_frame_room(&self) -> bool {
        self.frames.len() < self.frame_room
    }

    /// Forgets any suspended execution.
    pub fn reset(&mut self) {
        self.frames.clear();
        self.regs = None;
    }

    /// The instance of the suspended function, while a host function it called runs.
    pub fn current_instance(&self) -> Option<wisp_store::InstanceAddr> {
        self.regs.map(|r| wisp_store::InstanceAddr(r.instance))
    }

    /// Whether an execution is suspended (in a host call or out of fuel).
    pub fn is_suspended(&self) -> bool {
        self.regs.is_some()
    }
}
