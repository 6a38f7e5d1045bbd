//! The instruction handlers: what each instruction of Wisp's IR does.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html>
//!
//! The bodies are listed once, in [`define_handlers`]; `dispatch.rs` turns each into a
//! handler of the chosen dispatch backend. A body sees the hot registers as locals:
//! `ip` (the next instruction: the body's own operands are already decoded), `sp` (the
//! current frame's first cell), `mem`/`mem_len` (memory 0 of the current instance),
//! and `cx`, the rest of the machine. `mem` and `mem_len` are reloaded only where they
//! can change: on calls and returns between instances and after `memory.grow`.

use super::dispatch::{dispatch_ops, Exit, Hot};
#[cfg(feature = "simd")]
use super::simd;
use super::{bulk, effective, enter, mem0, numeric, paged, trap, Cx, Entered, RunError, RunResult};
use crate::ir::{Op, Slot};
use crate::stack::{Frame, Regs};
use crate::CompiledFunc;
use core::ptr;
use wisp_store::FuncKind;
use wisp_types::{FuncAddr, RawVal, TrapCode};

// SAFETY (for `get`/`set`): slots are below `frame_size` (translator invariant) and the
// frame's cells are reserved (call-sequence invariant).
#[inline(always)]
unsafe fn get(sp: *mut RawVal, s: Slot) -> u64 {
    unsafe { (*sp.add(s as usize)).0 }
}
#[inline(always)]
unsafe fn set(sp: *mut RawVal, s: Slot, v: u64) {
    unsafe { *sp.add(s as usize) = RawVal(v) }
}
// A `v128` takes two cells, low half first (the translator gave it both).
#[cfg(feature = "simd")]
#[inline(always)]
unsafe fn get128(sp: *mut RawVal, s: Slot) -> u128 {
    unsafe { get(sp, s) as u128 | (get(sp, s + 1) as u128) << 64 }
}
#[cfg(feature = "simd")]
#[inline(always)]
unsafe fn set128(sp: *mut RawVal, s: Slot, v: u128) {
    unsafe {
        set(sp, s, v as u64);
        set(sp, s + 1, (v >> 64) as u64);
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

/// Leaves the loop with `result`. Out of line, so that handlers carry no code to drop
/// the previous result.
#[cold]
#[inline(never)]
fn stop(cx: &mut Cx<'_>, result: Result<RunResult, RunError>) -> Exit {
    cx.result = result;
    Exit::Stop
}

/// Leaves the loop with a trap at `cx.regs.ip`.
#[cold]
#[inline(never)]
fn stop_trap(cx: &mut Cx<'_>, code: TrapCode) -> Exit {
    cx.result = Err(trap(cx.stack, Some(&cx.regs), code));
    Exit::Stop
}

/// An instruction this build has no handler for (see `supported`) traps. Images that
/// use one are refused when loaded, so this is only a guard.
#[cfg(wisp_tail_dispatch)]
#[allow(non_snake_case)]
unsafe fn Unsupported(
    ip: *const Op,
    _: *mut RawVal,
    _: *mut u8,
    _: usize,
    _: u64,
    cx: &mut Cx<'_>,
) -> Exit {
    cx.regs.ip = ip;
    stop_trap(cx, TrapCode::Unreachable)
}

#[cfg(not(wisp_tail_dispatch))]
#[allow(non_snake_case, dead_code)]
fn Unsupported(hot: &mut Hot, cx: &mut Cx<'_>) -> Exit {
    cx.regs.ip = hot.ip;
    stop_trap(cx, TrapCode::Unreachable)
}

/// Defines `$slow`, a path out of line that returns the registers to continue with (or
/// `None` to stop), and for the tail backend `$tail`, a handler-shaped wrapper that runs
/// it and dispatches the next instruction itself. Handlers reach them through `cold!`:
/// with the tail backend a handler's slow path is then a jump too, so its fast path
/// needs no saved registers and no stack frame.
macro_rules! out_of_line {
    ($(#[$doc:meta])* fn $slow:ident / $tail:ident ($cx:ident, $hot:ident) $body:block) => {
        $(#[$doc])*
        #[cold]
        #[inline(never)]
        fn $slow($cx: &mut Cx<'_>, $hot: Hot) -> Option<Hot> $body

        #[cfg(wisp_tail_dispatch)]
        #[cold]
        #[inline(never)]
        unsafe fn $tail(
            ip: *const Op,
            sp: *mut RawVal,
            mem: *mut u8,
            mem_len: usize,
            acc: u64,
            cx: &mut Cx<'_>,
        ) -> Exit {
            match $slow(cx, Hot { ip, sp, mem, mem_len, acc }) {
                // SAFETY: `$slow` returns the registers of a frame it set up.
                Some(h) => unsafe { run(h.ip, h.sp, h.mem, h.mem_len, h.acc, cx) },
                None => Exit::Stop,
            }
        }
    };
}

out_of_line! {
    /// The general call sequence, through `enter`, of `cx.pending_call` (callee and
    /// frame base): a host function, another instance, a function not yet translated,
    /// or stacks that must grow. `cx.regs.ip` is the caller's return address.
    fn call_slow / call_slow_tail(cx, _hot) {
        let (callee, at) = cx.pending_call;
        match enter(cx.store, cx.stack, callee, at, Some(&cx.regs)) {
            Err(e) => {
                stop(cx, Err(e));
                return None;
            }
            Ok(Entered::Host(r)) => {
                stop(cx, Ok(r));
                return None;
            }
            Ok(Entered::Wasm(r)) => cx.regs = r,
        }
        // SAFETY: `enter` reserved the callee's frame at `base`.
        let sp = unsafe { cx.stack.values.as_mut_ptr().add(cx.regs.base) };
        let (mem, mem_len) = cx.switch_instance();
        Some(Hot { ip: cx.regs.ip, sp, mem, mem_len, acc: 0 })
    }
}

out_of_line! {
    /// A return that leaves the outermost frame, or returns into another instance.
    fn return_slow / return_slow_tail(cx, _hot) {
        let Some(f) = cx.stack.frames.pop() else {
            stop(cx, Ok(RunResult::Done));
            return None;
        };
        cx.regs = Regs { ip: f.ret, base: f.base, instance: f.instance, func: f.func };
        // SAFETY: the caller's frame was reserved when it was entered.
        let sp = unsafe { cx.stack.values.as_mut_ptr().add(f.base) };
        let (mem, mem_len) = cx.switch_instance();
        Some(Hot { ip: f.ret, sp, mem, mem_len, acc: 0 })
    }
}

/// The call fast path: pushes the caller's frame and enters `c` at cell `at`, if the
/// frame fits the value stack and the call stack has room without growing. Returns
/// the callee's `sp`.
///
/// # Safety
/// `c` is the code of `callee`, a function of the running instance.
#[inline(always)]
unsafe fn enter_fast(
    cx: &mut Cx<'_>,
    c: &CompiledFunc,
    callee: FuncAddr,
    at: usize,
    ret: *const Op,
) -> Option<*mut RawVal> {
    let frames = &mut cx.stack.frames;
    let fits = at + c.frame_size as usize <= cx.stack.values.len()
        && frames.len() < frames.capacity().min(cx.stack.limits.max_frames);
    if !fits {
        return None;
    }
    // Within capacity: this push never reallocates.
    frames.push(Frame {
        ret,
        base: cx.regs.base,
        instance: cx.regs.instance,
        func: cx.regs.func,
    });
    cx.regs.base = at;
    cx.regs.func = callee;
    // SAFETY: cells `at..at + frame_size` lie inside the value stack (checked above).
    Some(unsafe { cx.stack.values.as_mut_ptr().add(at) })
}

macro_rules! define_handlers {
    (
        unary: [$($u:ident $uf:ident,)*],
        unary_trap: [$($ut:ident $utf:ident,)*],
        binary: [$($b:ident $ba:ident $bf:ident,)*],
        binary_imm: [$($bi:ident $bii:ident $bia:ident $biia:ident $bif:ident,)*],
        binary_imm_trap: [$($bt:ident $bti:ident $bta:ident $btia:ident $btf:ident,)*],
        load: [$($l:ident $lx:ident $la:ident $lxa:ident $lw:literal $lf:tt,)*],
        store: [$($s:ident $si:ident $sa:ident $sia:ident $sva:ident $sw:literal,)*],
        v_unary: [$($vu:ident $vuf:ident,)*],
        v_binary: [$($vb:ident $vbf:ident,)*],
        v_shift: [$($vs:ident $vsf:ident,)*],
        v_test: [$($vt:ident $vtf:ident,)*],
        v_splat: [$($vp:ident $vpf:ident,)*],
        v_extract: [$($ve:ident $vef:ident,)*],
        v_replace: [$($vr:ident $vrf:ident,)*],
        v_load: [$($vl:ident $vlw:literal $vlf:ident,)*],
        v_load_lane: [$($vll:ident $vllw:literal,)*],
        v_store_lane: [$($vsl:ident $vslw:literal,)*],
        br_cmp: [$(
            $c:ident $ci:ident $cf:ident $cb:ident $cbi:ident $cn:ident $cni:ident
            $cba:ident $cbia:ident,
        )*],
    ) => {
        dispatch_ops! {
        (ip, sp, mem, mem_len, acc, cx);
        {
        // Leaves the loop with a trap; `ip` is saved so the trace and a resume see it.
        macro_rules! trap {
            ($code:expr) => {{
                cx.regs.ip = ip;
                return stop_trap(cx, $code);
            }};
        }
        // Writes an instruction's result to its slot and keeps it in `acc`, where an
        // accumulator form right after it reads it (`ir::acc_result`).
        macro_rules! out {
            ($dst:expr, $v:expr) => {{
                let v = $v;
                set(sp, $dst, v);
                acc = v;
            }};
        }
        // The operands of the preceding instruction, from the `Arg` that follows it.
        macro_rules! arg {
            () => {{
                let Op::Arg { a, b } = *ip else {
                    trap!(TrapCode::Unreachable)
                };
                ip = ip.add(1);
                (a, b)
            }};
        }
        macro_rules! check {
            ($e:expr) => {
                if let Err(t) = $e {
                    trap!(t)
                }
            };
        }
        // The `$w` bytes at `addr + offset` of memory 0, or a trap.
        macro_rules! mem_read {
            ($addr:expr, $offset:expr, $w:expr) => {
                match effective($addr, $offset, $w, mem_len) {
                    // SAFETY: `ea + width <= mem_len`, checked just above.
                    Some(ea) => ptr::read_unaligned(mem.add(ea) as *const [u8; $w]),
                    None => match paged::read::<$w>(cx, $addr, $offset) {
                        Ok(b) => b,
                        Err(t) => trap!(t),
                    },
                }
            };
        }
        // Writes the first `$w` of `$bytes` to `addr + offset` of memory 0, or traps.
        macro_rules! mem_write {
            ($addr:expr, $offset:expr, $w:expr, $bytes:expr) => {{
                let bytes = $bytes;
                match effective($addr, $offset, $w, mem_len) {
                    // SAFETY: `ea + width <= mem_len`, checked just above.
                    Some(ea) => ptr::copy_nonoverlapping(bytes.as_ptr(), mem.add(ea), $w),
                    None => check!(paged::write::<$w>(cx, $addr, $offset, paged::head(bytes))),
                }
            }};
        }
        // A scalar load of width `$w` from `addr + offset`, converted by `$conv`.
        macro_rules! load {
            ($w:literal, $conv:tt, $dst:expr, $addr:expr, $offset:expr) => {
                out!($dst, ($conv)(mem_read!($addr, $offset, $w)))
            };
        }
        // A scalar store of the low `$w` bytes of `$value` to `addr + offset`.
        macro_rules! store {
            ($w:literal, $addr:expr, $value:expr, $offset:expr) => {
                mem_write!($addr, $offset, $w, ($value).to_le_bytes())
            };
        }
        // Global `index` of the running instance.
        macro_rules! global {
            ($index:expr) => {{
                let inst = cx.store.instances.get_unchecked(cx.regs.instance as usize);
                let a = *inst.globals.get_unchecked($index as usize);
                cx.store.globals.get_unchecked_mut(a as usize)
            }};
        }
        // The table's `Br`s follow the instruction: jump where the chosen one goes,
        // without dispatching it.
        macro_rules! br_table {
            ($index:expr, $len:expr) => {{
                let at = ip.add(($index as u32).min($len) as usize);
                match *at {
                    Op::Br { target } => {
                        // `jump!` counts from the instruction before `ip`: that `Br`.
                        ip = at.add(1);
                        jump!(target)
                    }
                    _ => ip = at,
                }
            }};
        }
        macro_rules! jump {
            ($target:expr) => {{
                // SAFETY: branch targets are inside the current function's code. They
                // are byte offsets from the branch, and `ip` is already one past it.
                ip = ip.byte_offset($target as i32 as isize - core::mem::size_of::<Op>() as isize);
                keep_branch();
            }};
        }
        // Returns to the caller's frame, or out of the loop from the outermost one.
        macro_rules! do_return {
            () => {{
                match cx.stack.frames.last() {
                    // Memory 0 can only have moved if the callee grew it, and then
                    // `memory.grow` reloaded it; another instance has its own.
                    Some(&f) if f.instance == cx.regs.instance => {
                        cx.stack.frames.pop();
                        cx.regs.base = f.base;
                        cx.regs.func = f.func;
                        ip = f.ret;
                        sp = cx.stack.values.as_mut_ptr().add(f.base);
                    }
                    _ => cold!(return_slow, return_slow_tail),
                }
            }};
        }
        // Continues through an `out_of_line!` path.
        macro_rules! cold {
            ($slow:ident, $tail:ident) => {{
                #[cfg(wisp_tail_dispatch)]
                {
                    return $tail(ip, sp, mem, mem_len, acc, cx);
                }
                #[cfg(not(wisp_tail_dispatch))]
                {
                    match $slow(cx, Hot { ip, sp, mem, mem_len, acc }) {
                        Some(h) => Hot { ip, sp, mem, mem_len, acc } = h,
                        None => return Exit::Stop,
                    }
                }
            }};
        }
        // Enters `callee`, whose code is `code` if it is translated and in the running
        // instance, by the fast path when it applies and through `enter` otherwise.
        macro_rules! call_code {
            ($code:expr, $callee:expr, $at:expr) => {{
                let (callee, at): (FuncAddr, usize) = ($callee, $at);
                let code: Option<*const CompiledFunc> = $code;
                match code.and_then(|c| Some((c, enter_fast(cx, &*c, callee, at, ip)?))) {
                    Some((c, callee_sp)) => {
                        sp = callee_sp;
                        ip = (*c).ops.as_ptr();
                    }
                    None => call_slow!(callee, at),
                }
            }};
        }
        // Calls through `enter` when the fast path does not apply.
        macro_rules! call_slow {
            ($callee:expr, $at:expr) => {{
                cx.regs.ip = ip;
                cx.pending_call = ($callee, $at);
                cold!(call_slow, call_slow_tail)
            }};
        }
        // Calls `callee` with its frame at `base` in the caller's. The fast path: a
        // Wasm callee of the same instance, already translated, whose frame fits in
        // the value stack as it is; anything else goes through `enter`.
        macro_rules! call {
            ($callee:expr, $base:expr) => {{
                let callee: FuncAddr = $callee;
                let at = cx.regs.base + $base as usize;
                // SAFETY: function addresses are never stale: the store only ever
                // adds function instances.
                let fast = match &cx.store.funcs.get_unchecked(callee.0 as usize).kind {
                    FuncKind::Wasm { instance, code } if instance.0 == cx.regs.instance => code
                        .module
                        .translated(code.index as usize)
                        .map(|c| c as *const CompiledFunc),
                    _ => None,
                };
                call_code!(fast, callee, at)
            }};
        }
        }
        $(Op::$u { dst, src } => out!(dst, numeric::$uf(get(sp, src))),)*
        $(Op::$ut { dst, src } => match numeric::$utf(get(sp, src)) {
            Ok(v) => out!(dst, v),
            Err(t) => trap!(t),
        },)*
        $(Op::$b { dst, lhs, rhs } =>
            out!(dst, numeric::$bf(get(sp, lhs), get(sp, rhs))),)*
        $(#[cfg(feature = "accumulator")] Op::$ba { dst, rhs } => out!(dst, numeric::$bf(acc, get(sp, rhs))),)*
        $(Op::$bi { dst, lhs, rhs } =>
            out!(dst, numeric::$bif(get(sp, lhs), get(sp, rhs))),)*
        $(#[cfg(feature = "accumulator")] Op::$bia { dst, rhs } => out!(dst, numeric::$bif(acc, get(sp, rhs))),)*
        $(Op::$bii { dst, lhs, imm } =>
            out!(dst, numeric::$bif(get(sp, lhs), imm as i32 as i64 as u64)),)*
        $(#[cfg(feature = "accumulator")] Op::$biia { dst, imm } =>
            out!(dst, numeric::$bif(acc, imm as i32 as i64 as u64)),)*
        $(Op::$bt { dst, lhs, rhs } =>
            match numeric::$btf(get(sp, lhs), get(sp, rhs)) {
                Ok(v) => out!(dst, v),
                Err(t) => trap!(t),
            },)*
        $(#[cfg(feature = "accumulator")] Op::$bta { dst, rhs } =>
            match numeric::$btf(acc, get(sp, rhs)) {
                Ok(v) => out!(dst, v),
                Err(t) => trap!(t),
            },)*
        $(Op::$bti { dst, lhs, imm } =>
            match numeric::$btf(get(sp, lhs), imm as i32 as i64 as u64) {
                Ok(v) => out!(dst, v),
                Err(t) => trap!(t),
            },)*
        $(#[cfg(feature = "accumulator")] Op::$btia { dst, imm } =>
            match numeric::$btf(acc, imm as i32 as i64 as u64) {
                Ok(v) => out!(dst, v),
                Err(t) => trap!(t),
            },)*
        $(Op::$l { dst, addr, offset } => load!($lw, $lf, dst, get(sp, addr), offset),)*
        $(#[cfg(feature = "accumulator")] Op::$la { dst, offset } => load!($lw, $lf, dst, acc, offset),)*
        $(Op::$lx { dst, base, index } => {
            let addr = get(sp, base).wrapping_add(get(sp, index)) as u32 as u64;
            load!($lw, $lf, dst, addr, 0)
        },)*
        $(#[cfg(feature = "accumulator")] Op::$lxa { dst, index } => {
            let addr = acc.wrapping_add(get(sp, index)) as u32 as u64;
            load!($lw, $lf, dst, addr, 0)
        },)*
        $(Op::$s { addr, value, offset } => store!($sw, get(sp, addr), get(sp, value), offset),)*
        $(#[cfg(feature = "accumulator")] Op::$sa { value, offset } => store!($sw, acc, get(sp, value), offset),)*
        $(Op::$si { addr, value, offset } =>
            store!($sw, get(sp, addr), value as i32 as i64 as u64, offset),)*
        $(#[cfg(feature = "accumulator")] Op::$sia { value, offset } => store!($sw, acc, value as i32 as i64 as u64, offset),)*
        $(#[cfg(feature = "accumulator")] Op::$sva { addr, offset } => store!($sw, get(sp, addr), acc, offset),)*
        $(#[cfg(feature = "simd")] Op::$vu { dst, src } => set128(sp, dst, simd::$vuf(get128(sp, src))),)*
        $(#[cfg(feature = "simd")] Op::$vb { dst, lhs, rhs } =>
            set128(sp, dst, simd::$vbf(get128(sp, lhs), get128(sp, rhs))),)*
        $(#[cfg(feature = "simd")] Op::$vs { dst, lhs, rhs } =>
            set128(sp, dst, simd::$vsf(get128(sp, lhs), get(sp, rhs))),)*
        $(#[cfg(feature = "simd")] Op::$vt { dst, src } => set(sp, dst, simd::$vtf(get128(sp, src))),)*
        $(#[cfg(feature = "simd")] Op::$vp { dst, src } => set128(sp, dst, simd::$vpf(get(sp, src))),)*
        $(#[cfg(feature = "simd")] Op::$ve { dst, src, lane } =>
            set(sp, dst, simd::$vef(get128(sp, src), lane)),)*
        $(#[cfg(feature = "simd")] Op::$vr { dst, src, value } => {
            let (lane, _) = arg!();
            set128(sp, dst, simd::$vrf(get128(sp, src), get(sp, value), lane));
        },)*
        $(#[cfg(feature = "simd")] Op::$vl { dst, addr, offset } => {
            set128(sp, dst, simd::$vlf(mem_read!(get(sp, addr), offset, $vlw)))
        },)*
        $(#[cfg(feature = "simd")] Op::$vll { dst, addr, offset } => {
            let (vector, lane) = arg!();
            let b = mem_read!(get(sp, addr), offset, $vllw);
            set128(sp, dst, simd::replace_bytes(get128(sp, vector), lane, b));
        },)*
        $(#[cfg(feature = "simd")] Op::$vsl { addr, value, offset } => {
            let (lane, _) = arg!();
            let b = simd::lane_bytes::<$vslw>(get128(sp, value), lane);
            mem_write!(get(sp, addr), offset, $vslw, b);
        },)*
        #[cfg(feature = "simd")]
        Op::V128Store { addr, value, offset } => {
            mem_write!(get(sp, addr), offset, 16, get128(sp, value).to_le_bytes())
        },
        #[cfg(feature = "simd")]
        Op::V128Bitselect { dst, lhs, rhs } => {
            let (mask, _) = arg!();
            let v = simd::v128_bitselect(get128(sp, lhs), get128(sp, rhs), get128(sp, mask));
            set128(sp, dst, v);
        },
        #[cfg(feature = "simd")]
        Op::I8x16Shuffle { dst, lhs, rhs } => {
            let (a, b) = arg!();
            let (c, d) = arg!();
            let lanes = a as u128 | (b as u128) << 32 | (c as u128) << 64 | (d as u128) << 96;
            set128(sp, dst, simd::i8x16_shuffle(get128(sp, lhs), get128(sp, rhs), lanes));
        },
        Op::Arg { a, b } => {},
        Op::ZeroLocals { start, end } => {
            for i in start..end {
                set(sp, i, 0);
            }
        },
        Op::Unreachable {} => trap!(TrapCode::Unreachable),
        Op::ConsumeFuel { amount } => {
            if *cx.fuel < amount as u64 {
                // Point back at this instruction so a resume charges again.
                ip = ip.sub(1);
                trap!(TrapCode::OutOfFuel);
            }
            *cx.fuel -= amount as u64;
        },
        Op::Br { target } => jump!(target),
        $(Op::$cb { lhs, rhs, target } => {
            if numeric::$cf(get(sp, lhs), get(sp, rhs)) != 0 {
                jump!(target)
            }
        },)*
        $(Op::$cbi { lhs, imm, target } => {
            if numeric::$cf(get(sp, lhs), imm as i32 as i64 as u64) != 0 {
                jump!(target)
            }
        },)*
        $(#[cfg(feature = "accumulator")] Op::$cba { rhs, target } => {
            if numeric::$cf(acc, get(sp, rhs)) != 0 {
                jump!(target)
            }
        },)*
        $(#[cfg(feature = "accumulator")] Op::$cbia { imm, target } => {
            if numeric::$cf(acc, imm as i32 as i64 as u64) != 0 {
                jump!(target)
            }
        },)*
        Op::BrIfNez { cond, target } => {
            if get(sp, cond) as u32 != 0 {
                jump!(target)
            }
        },
        Op::BrIfEqz { cond, target } => {
            if get(sp, cond) as u32 == 0 {
                jump!(target)
            }
        },
        #[cfg(feature = "accumulator")]
        Op::BrIfNezAcc { target } => {
            if acc as u32 != 0 {
                jump!(target)
            }
        },
        #[cfg(feature = "accumulator")]
        Op::BrIfEqzAcc { target } => {
            if acc as u32 == 0 {
                jump!(target)
            }
        },
        Op::BrTable { index, len } => br_table!(get(sp, index), len),
        #[cfg(feature = "accumulator")]
        Op::BrTableAcc { len } => br_table!(acc, len),
        Op::Copy { dst, src } => out!(dst, get(sp, src)),
        Op::CopyBr { dst, src, target } => {
            set(sp, dst, get(sp, src));
            jump!(target)
        },
        Op::I32AddShl2 { dst, base, index } => {
            out!(dst, (get(sp, base) as u32).wrapping_add((get(sp, index) as u32) << 2) as u64)
        },
        Op::I32AddShl3 { dst, base, index } => {
            out!(dst, (get(sp, base) as u32).wrapping_add((get(sp, index) as u32) << 3) as u64)
        },
        #[cfg(feature = "accumulator")]
        Op::I32AddShl2Acc { dst, index } => {
            out!(dst, (acc as u32).wrapping_add((get(sp, index) as u32) << 2) as u64)
        },
        #[cfg(feature = "accumulator")]
        Op::I32AddShl3Acc { dst, index } => {
            out!(dst, (acc as u32).wrapping_add((get(sp, index) as u32) << 3) as u64)
        },
        #[cfg(feature = "accumulator")]
        Op::I32AccShl2 { dst, base } => {
            out!(dst, (get(sp, base) as u32).wrapping_add((acc as u32) << 2) as u64)
        },
        #[cfg(feature = "accumulator")]
        Op::I32AccShl3 { dst, base } => {
            out!(dst, (get(sp, base) as u32).wrapping_add((acc as u32) << 3) as u64)
        },
        Op::Copy2 { dst, src } => {
            let (lo, hi) = (get(sp, src), get(sp, src + 1));
            set(sp, dst, lo);
            set(sp, dst + 1, hi);
        },
        Op::CopyCells { dst, src, len } => {
            // Lowest first: with `dst` at or below `src`, no cell is overwritten before
            // it is read.
            for i in 0..len {
                set(sp, dst + i, get(sp, src + i));
            }
        },
        #[cfg(feature = "simd")]
        Op::V128Const { dst } => {
            let (a, b) = arg!();
            let (c, d) = arg!();
            set(sp, dst, a as u64 | (b as u64) << 32);
            set(sp, dst + 1, c as u64 | (d as u64) << 32);
        },
        Op::Select2 { dst, cond, if_true } => {
            let (if_false, _) = arg!();
            let v = if get(sp, cond) as u32 != 0 { if_true } else { if_false };
            let (lo, hi) = (get(sp, v), get(sp, v + 1));
            set(sp, dst, lo);
            set(sp, dst + 1, hi);
        },
        Op::GlobalGet2 { dst, index } => {
            let a = cx.store.instances[cx.regs.instance as usize].globals[index as usize];
            let g = &cx.store.globals[a as usize];
            set(sp, dst, g.value.0);
            set(sp, dst + 1, g.hi.0);
        },
        Op::GlobalSet2 { src, index } => {
            let a = cx.store.instances[cx.regs.instance as usize].globals[index as usize];
            let g = &mut cx.store.globals[a as usize];
            g.value = RawVal(get(sp, src));
            g.hi = RawVal(get(sp, src + 1));
        },
        Op::Const32 { dst, value } => out!(dst, value as u64),
        Op::Const64 { dst, value } => out!(dst, value),
        Op::Select { dst, cond, if_true } => {
            let (if_false, _) = arg!();
            let v = if get(sp, cond) as u32 != 0 { if_true } else { if_false };
            set(sp, dst, get(sp, v));
        },
        // SAFETY (globals): `cx.regs.instance` is a live instance, validation
        // checked `index` against its global count, and global addresses
        // are never stale (the store only adds globals).
        Op::GlobalGet { dst, index } => out!(dst, global!(index).value.0),
        Op::GlobalSet { src, index } => global!(index).value = RawVal(get(sp, src)),
        #[cfg(feature = "accumulator")]
        Op::GlobalSetAcc { index } => global!(index).value = RawVal(acc),
        Op::MemorySize { dst } => set(sp, dst, bulk::memory_size(cx.store, cx.regs.instance)),
        Op::MemoryGrow { dst, delta } => {
            let r = bulk::memory_grow(cx.store, cx.regs.instance, get(sp, delta) as u32);
            set(sp, dst, r);
            (mem, mem_len) = mem0(cx.store, cx.regs.instance);
        },
        Op::MemoryInit { dst, src, len } => {
            let (data, _) = arg!();
            let (d, s, n) = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
            check!(bulk::memory_init(cx.store, cx.regs.instance, data, (d, s, n)));
        },
        Op::MemoryCopy { dst, src, len } => {
            let (d, s, n) = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
            check!(bulk::memory_copy(cx.store, cx.regs.instance, d, s, n));
        },
        Op::MemoryFill { dst, value, len } => {
            let (d, v, n) = (get(sp, dst) as u32, get(sp, value) as u8, get(sp, len) as u32);
            check!(bulk::memory_fill(cx.store, cx.regs.instance, d, v, n));
        },
        Op::DataDrop { data } => bulk::data_drop(cx.store, cx.regs.instance, data),
        Op::RefFunc { dst, func } => set(sp, dst, bulk::ref_func(cx.store, cx.regs.instance, func)),
        Op::TableGet { dst, index, table } => {
            match bulk::table_get(cx.store, cx.regs.instance, table, get(sp, index) as u32) {
                Ok(v) => set(sp, dst, v),
                Err(t) => trap!(t),
            }
        },
        Op::TableSet { index, value, table } => {
            let (i, v) = (get(sp, index) as u32, get(sp, value));
            check!(bulk::table_set(cx.store, cx.regs.instance, (table, i, v)));
        },
        Op::TableSize { dst, table } => set(sp, dst, bulk::table_size(cx.store, cx.regs.instance, table)),
        Op::TableGrow { dst, init, delta } => {
            let (table, _) = arg!();
            let (v, n) = (get(sp, init), get(sp, delta) as u32);
            set(sp, dst, bulk::table_grow(cx.store, cx.regs.instance, (table, v, n)));
        },
        Op::TableFill { index, value, len } => {
            let (table, _) = arg!();
            let (i, v, n) = (get(sp, index) as u32, get(sp, value), get(sp, len) as u32);
            check!(bulk::table_fill(cx.store, cx.regs.instance, table, (i, v, n)));
        },
        Op::TableCopy { dst, src, len } => {
            let tables = arg!();
            let ops = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
            check!(bulk::table_copy(cx.store, cx.regs.instance, tables, ops));
        },
        Op::TableInit { dst, src, len } => {
            let which = arg!();
            let ops = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
            check!(bulk::table_init(cx.store, cx.regs.instance, which, ops));
        },
        Op::ElemDrop { elem } => bulk::elem_drop(cx.store, cx.regs.instance, elem),
        Op::ReturnCopy { src } => {
            set(sp, 0, get(sp, src));
            do_return!();
        },
        Op::Return {} => do_return!(),
        Op::Call { func, base } => {
            // SAFETY: `cx.regs.instance` is the address of a live module
            // instance, and validation checked `func` against its
            // function count, the length of its `funcs`.
            let callee = *cx.store
                .instances
                .get_unchecked(cx.regs.instance as usize)
                .funcs
                .get_unchecked(func as usize);
            call!(callee, base);
        },
        Op::CallInternal { func, base } => {
            let at = cx.regs.base + base as usize;
            // SAFETY: validation checked `func` against the module's functions, and
            // `cx.code` and `cx.defined` have one entry per defined function of the
            // running instance's module (`switch_instance`).
            let callee = *cx.defined.add(func as usize);
            let code = (*cx.code.add(func as usize)).get().map(|c| c as *const CompiledFunc);
            // Not translated yet, or the stacks must grow (or overflow): `enter`.
            call_code!(code, callee, at)
        },
        Op::CallIndirect { index, base, ty } => {
            let (table, _) = arg!();
            let inst = &cx.store.instances[cx.regs.instance as usize];
            let ta = inst.tables[table as usize];
            let i = get(sp, index) as u32;
            let Some(cell) = cx.store.tables[ta as usize].elements.get(i as usize) else {
                trap!(TrapCode::UndefinedElement)
            };
            let Some(callee) = cell.as_ref_addr() else {
                trap!(TrapCode::UninitializedElement)
            };
            if cx.store.funcs[callee as usize].ty != inst.types[ty as usize] {
                trap!(TrapCode::BadSignature)
            }
            call!(FuncAddr(callee), base);
        },
        }
    };
}
crate::for_each_instr!(define_handlers);
