//! The dispatch loop: the only place where Wisp's IR is executed.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html>
//!
//! Registers: `ip` points at the next instruction, `sp` at the current frame's first
//! cell, and `mem`/`mem_len` describe memory 0 of the current instance. They are
//! reloaded only where they can change: on calls and returns, after `memory.grow`, and
//! when the loop is re-entered after a host call.
//!
//! Safety rests on invariants the translator establishes and the call sequence checks:
//! every slot an instruction names is below its function's `frame_size`; every branch
//! target is inside the function's code, which ends in a return; a frame is entered only
//! after the value stack holds `base + frame_size` cells; compiled code is never freed
//! or moved while the store lives (it is boxed, owned by the store through `Rc`).

mod bulk;
pub(crate) mod numeric;
mod simd;

use crate::ir::{Op, Slot};
use crate::stack::{Frame, Regs, Stack};
use crate::{CompiledFunc, ExecStore};
use alloc::vec::Vec;
use core::ptr;
use wisp_parse::ParseError;
use wisp_store::FuncKind;
use wisp_types::{FuncAddr, RawVal, TrapCode};

/// A trap, with the functions that were active, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub code: TrapCode,
    pub trace: Vec<FuncAddr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    Trap(Trap),
    /// A function's code could not be translated (for example an unsupported operator).
    Translate {
        func: FuncAddr,
        error: ParseError,
    },
}

/// Why the loop returned control to the embedder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunResult {
    /// The outermost function returned; its results are in cells `0..n`.
    Done,
    /// A host function was called: its arguments are in cells `base..`, its results go
    /// there too, and then [`run`] resumes the caller.
    HostCall {
        func: FuncAddr,
        host_index: u32,
        base: usize,
    },
}

/// Starts a call of `func` with arguments already in cells `0..n_params`.
/// Returns `HostCall` at once if `func` is a host function.
pub fn run(
    store: &mut ExecStore,
    stack: &mut Stack,
    func: Option<FuncAddr>,
    fuel: &mut u64,
) -> Result<RunResult, RunError> {
    let mut state = match func {
        Some(f) => {
            stack.reset();
            match enter(store, stack, f, 0, None)? {
                Entered::Host(r) => return Ok(r),
                Entered::Wasm(regs) => regs,
            }
        }
        // Resume after a host call or when given more fuel.
        None => match stack.regs.take() {
            Some(r) => r,
            None => return Ok(RunResult::Done),
        },
    };
    let result = execute(store, stack, &mut state, fuel);
    match &result {
        Ok(RunResult::HostCall { .. }) => stack.regs = Some(state),
        Err(RunError::Trap(t)) if t.code == TrapCode::OutOfFuel => stack.regs = Some(state),
        _ => stack.reset(),
    }
    result
}

enum Entered {
    Wasm(Regs),
    Host(RunResult),
}

fn trap(stack: &Stack, regs: Option<&Regs>, code: TrapCode) -> RunError {
    let mut trace: Vec<FuncAddr> = regs.iter().map(|r| r.func).collect();
    trace.extend(stack.frames.iter().rev().map(|f| f.func));
    RunError::Trap(Trap { code, trace })
}

/// Sets up a call of `func` whose frame starts at cell `base`. `caller` is saved as the
/// return frame when the callee is Wasm code.
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
        FuncKind::Host { index } => {
            let cells = |ts: &[wisp_types::ValType]| ts.iter().map(|t| t.cells()).sum::<usize>();
            let n = cells(f.ty.params()).max(cells(f.ty.results()));
            if !stack.reserve(base, n) {
                return Err(trap(stack, caller, TrapCode::StackOverflow));
            }
            Ok(Entered::Host(RunResult::HostCall {
                func,
                host_index: *index,
                base,
            }))
        }
        FuncKind::Wasm { instance, code } => {
            let c: &CompiledFunc = code
                .module
                .code(code.index as usize)
                .map_err(|error| RunError::Translate { func, error })?;
            if stack.frames.len() >= stack.limits.max_frames
                || !stack.reserve(base, c.frame_size as usize)
            {
                return Err(trap(stack, caller, TrapCode::StackOverflow));
            }
            if let Some(r) = caller {
                stack.frames.push(Frame {
                    code: r.code,
                    ret: r.ip,
                    base: r.base,
                    instance: r.instance,
                    func: r.func,
                });
            }
            // Declared locals start at zero; parameters are already in place.
            if c.n_locals > c.n_params {
                stack.values[base + c.n_params as usize..base + c.n_locals as usize]
                    .fill(RawVal(0));
            }
            Ok(Entered::Wasm(Regs {
                code: c.ops.as_ptr(),
                ip: c.ops.as_ptr(),
                base,
                instance: instance.0,
                func,
            }))
        }
    }
}

/// Memory 0 of an instance as a base pointer and length (null and 0 if it has none).
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

/// The effective address of an access of `width` bytes, if it is in bounds.
#[inline(always)]
fn effective(addr: u64, offset: u32, width: usize, len: usize) -> Option<usize> {
    let ea = addr as u32 as u64 + offset as u64;
    if ea + width as u64 > len as u64 {
        None
    } else {
        Some(ea as usize)
    }
}

macro_rules! define_execute {
    (
        unary: [$($u:ident $uf:ident,)*],
        unary_trap: [$($ut:ident $utf:ident,)*],
        binary: [$($b:ident $bf:ident,)*],
        binary_imm: [$($bi:ident $bii:ident $bif:ident,)*],
        binary_imm_trap: [$($bt:ident $bti:ident $btf:ident,)*],
        load: [$($l:ident $lx:ident $lw:literal $lf:tt,)*],
        store: [$($s:ident $si:ident $sw:literal,)*],
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
        br_cmp: [$($c:ident $ci:ident $cf:ident $cb:ident $cbi:ident $cn:ident $cni:ident,)*],
    ) => {
        /// Runs until the outermost function returns, a host function is called, or a trap.
        fn execute(
            store: &mut ExecStore,
            stack: &mut Stack,
            saved: &mut Regs,
            fuel: &mut u64,
        ) -> Result<RunResult, RunError> {
            // The registers live in a local while the loop runs, so the compiler can keep
            // them in machine registers; they are written back whenever control leaves
            // with something to resume (a host call, running out of fuel).
            let mut local = *saved;
            let regs = &mut local;
            let mut ip = regs.ip;
            // SAFETY: `enter` reserved `base + frame_size` cells for the current frame.
            let mut sp = unsafe { stack.values.as_mut_ptr().add(regs.base) };
            let (mut mem, mut mem_len) = mem0(store, regs.instance);

            // SAFETY (for `get`/`set`): slots are below `frame_size` (translator invariant)
            // and the frame's cells are reserved (call-sequence invariant).
            #[inline(always)]
            unsafe fn get(sp: *mut RawVal, s: Slot) -> u64 {
                unsafe { (*sp.add(s as usize)).0 }
            }
            #[inline(always)]
            unsafe fn set(sp: *mut RawVal, s: Slot, v: u64) {
                unsafe { *sp.add(s as usize) = RawVal(v) }
            }
            // A `v128` takes two cells, low half first (the translator gave it both).
            #[inline(always)]
            unsafe fn get128(sp: *mut RawVal, s: Slot) -> u128 {
                unsafe { get(sp, s) as u128 | (get(sp, s + 1) as u128) << 64 }
            }
            #[inline(always)]
            unsafe fn set128(sp: *mut RawVal, s: Slot, v: u128) {
                unsafe {
                    set(sp, s, v as u64);
                    set(sp, s + 1, (v >> 64) as u64);
                }
            }

            macro_rules! trap {
                ($code:expr) => {{
                    regs.ip = ip;
                    *saved = *regs;
                    return Err(trap(stack, Some(regs), $code));
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
            macro_rules! jump {
                ($target:expr) => {{
                    // SAFETY: branch targets are inside the current function's code.
                    ip = regs.code.add($target as usize);
                }};
            }

            // Returns to the caller's frame, or out of the loop from the outermost one.
            macro_rules! do_return {
                () => {{
                    let Some(f) = stack.frames.pop() else {
                        return Ok(RunResult::Done);
                    };
                    let same_instance = f.instance == regs.instance;
                    *regs = Regs {
                        code: f.code,
                        ip: f.ret,
                        base: f.base,
                        instance: f.instance,
                        func: f.func,
                    };
                    ip = f.ret;
                    sp = stack.values.as_mut_ptr().add(f.base);
                    // Memory 0 can only have moved if the callee grew it, and then
                    // `memory.grow` reloaded it; a different instance has its own.
                    if !same_instance {
                        (mem, mem_len) = mem0(store, regs.instance);
                    }
                }};
            }
            // Calls `callee` with its frame at `base` in the caller's. The fast path: a
            // Wasm callee of the same instance, already translated, whose frame fits in
            // the value stack as it is; anything else goes through `enter`.
            macro_rules! call {
                ($callee:expr, $base:expr) => {{
                    let callee: FuncAddr = $callee;
                    let at = regs.base + $base as usize;
                    // SAFETY: function addresses are never stale: the store only ever
                    // adds function instances.
                    let fast = match &store.funcs.get_unchecked(callee.0 as usize).kind {
                        FuncKind::Wasm { instance, code } if instance.0 == regs.instance => code
                            .module
                            .translated(code.index as usize)
                            .filter(|c| {
                                at + c.frame_size as usize <= stack.values.len()
                                    && stack.frames.len() < stack.limits.max_frames
                            }),
                        _ => None,
                    };
                    if let Some(c) = fast {
                        stack.frames.push(Frame {
                            code: regs.code,
                            ret: ip,
                            base: regs.base,
                            instance: regs.instance,
                            func: regs.func,
                        });
                        // SAFETY: cells `at..at + frame_size` lie inside the value stack
                        // (checked above) and locals are below `frame_size` (translator
                        // invariant).
                        sp = stack.values.as_mut_ptr().add(at);
                        // Declared locals start at zero.
                        for i in c.n_params..c.n_locals {
                            set(sp, i as Slot, 0);
                        }
                        regs.code = c.ops.as_ptr();
                        regs.base = at;
                        regs.func = callee;
                        ip = regs.code;
                        continue;
                    }
                    regs.ip = ip;
                    let caller_instance = regs.instance;
                    match enter(store, stack, callee, at, Some(regs))? {
                        Entered::Host(r) => {
                            *saved = *regs;
                            return Ok(r);
                        }
                        Entered::Wasm(r) => *regs = r,
                    }
                    ip = regs.ip;
                    sp = stack.values.as_mut_ptr().add(regs.base);
                    if regs.instance != caller_instance {
                        (mem, mem_len) = mem0(store, regs.instance);
                    }
                }};
            }
            loop {
                // SAFETY: `ip` is inside the current function's code, which ends in a return.
                let op = unsafe { *ip };
                ip = unsafe { ip.add(1) };
                // SAFETY: see `get`/`set` above.
                unsafe {
                    match op {
                        $(Op::$u { dst, src } => set(sp, dst, numeric::$uf(get(sp, src))),)*
                        $(Op::$ut { dst, src } => match numeric::$utf(get(sp, src)) {
                            Ok(v) => set(sp, dst, v),
                            Err(t) => trap!(t),
                        },)*
                        $(Op::$b { dst, lhs, rhs } =>
                            set(sp, dst, numeric::$bf(get(sp, lhs), get(sp, rhs))),)*
                        $(Op::$bi { dst, lhs, rhs } =>
                            set(sp, dst, numeric::$bif(get(sp, lhs), get(sp, rhs))),)*
                        $(Op::$bii { dst, lhs, imm } =>
                            set(sp, dst, numeric::$bif(get(sp, lhs), imm as i32 as i64 as u64)),)*
                        $(Op::$bt { dst, lhs, rhs } =>
                            match numeric::$btf(get(sp, lhs), get(sp, rhs)) {
                                Ok(v) => set(sp, dst, v),
                                Err(t) => trap!(t),
                            },)*
                        $(Op::$bti { dst, lhs, imm } =>
                            match numeric::$btf(get(sp, lhs), imm as i32 as i64 as u64) {
                                Ok(v) => set(sp, dst, v),
                                Err(t) => trap!(t),
                            },)*
                        $(Op::$l { dst, addr, offset } => {
                            match effective(get(sp, addr), offset, $lw, mem_len) {
                                Some(ea) => {
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    let bytes = ptr::read_unaligned(mem.add(ea) as *const [u8; $lw]);
                                    set(sp, dst, ($lf)(bytes));
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$lx { dst, base, index } => {
                            let addr = get(sp, base).wrapping_add(get(sp, index)) as u32 as u64;
                            match effective(addr, 0, $lw, mem_len) {
                                Some(ea) => {
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    let bytes = ptr::read_unaligned(mem.add(ea) as *const [u8; $lw]);
                                    set(sp, dst, ($lf)(bytes));
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$s { addr, value, offset } => {
                            match effective(get(sp, addr), offset, $sw, mem_len) {
                                Some(ea) => {
                                    let bytes = get(sp, value).to_le_bytes();
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    ptr::copy_nonoverlapping(bytes.as_ptr(), mem.add(ea), $sw);
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$si { addr, value, offset } => {
                            match effective(get(sp, addr), offset, $sw, mem_len) {
                                Some(ea) => {
                                    let bytes = (value as i32 as i64 as u64).to_le_bytes();
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    ptr::copy_nonoverlapping(bytes.as_ptr(), mem.add(ea), $sw);
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$vu { dst, src } => set128(sp, dst, simd::$vuf(get128(sp, src))),)*
                        $(Op::$vb { dst, lhs, rhs } =>
                            set128(sp, dst, simd::$vbf(get128(sp, lhs), get128(sp, rhs))),)*
                        $(Op::$vs { dst, lhs, rhs } =>
                            set128(sp, dst, simd::$vsf(get128(sp, lhs), get(sp, rhs))),)*
                        $(Op::$vt { dst, src } => set(sp, dst, simd::$vtf(get128(sp, src))),)*
                        $(Op::$vp { dst, src } => set128(sp, dst, simd::$vpf(get(sp, src))),)*
                        $(Op::$ve { dst, src, lane } =>
                            set(sp, dst, simd::$vef(get128(sp, src), lane)),)*
                        $(Op::$vr { dst, src, value } => {
                            let (lane, _) = arg!();
                            set128(sp, dst, simd::$vrf(get128(sp, src), get(sp, value), lane));
                        })*
                        $(Op::$vl { dst, addr, offset } => {
                            match effective(get(sp, addr), offset, $vlw, mem_len) {
                                Some(ea) => {
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    let b = ptr::read_unaligned(mem.add(ea) as *const [u8; $vlw]);
                                    set128(sp, dst, simd::$vlf(b));
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$vll { dst, addr, offset } => {
                            let (vector, lane) = arg!();
                            match effective(get(sp, addr), offset, $vllw, mem_len) {
                                Some(ea) => {
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    let b = ptr::read_unaligned(mem.add(ea) as *const [u8; $vllw]);
                                    let v = simd::replace_bytes(get128(sp, vector), lane, &b);
                                    set128(sp, dst, v);
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        $(Op::$vsl { addr, value, offset } => {
                            let (lane, _) = arg!();
                            match effective(get(sp, addr), offset, $vslw, mem_len) {
                                Some(ea) => {
                                    let b = simd::lane_bytes::<$vslw>(get128(sp, value), lane);
                                    // SAFETY: `ea + width <= mem_len`, checked just above.
                                    ptr::copy_nonoverlapping(b.as_ptr(), mem.add(ea), $vslw);
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        })*
                        Op::V128Store { addr, value, offset } => {
                            match effective(get(sp, addr), offset, 16, mem_len) {
                                Some(ea) => {
                                    let b = get128(sp, value).to_le_bytes();
                                    // SAFETY: `ea + 16 <= mem_len`, checked just above.
                                    ptr::copy_nonoverlapping(b.as_ptr(), mem.add(ea), 16);
                                }
                                None => trap!(TrapCode::MemoryOutOfBounds),
                            }
                        }
                        Op::V128Bitselect { dst, lhs, rhs } => {
                            let (mask, _) = arg!();
                            let v = simd::v128_bitselect(get128(sp, lhs), get128(sp, rhs), get128(sp, mask));
                            set128(sp, dst, v);
                        }
                        Op::I8x16Shuffle { dst, lhs, rhs } => {
                            let (a, b) = arg!();
                            let (c, d) = arg!();
                            let lanes = a as u128 | (b as u128) << 32 | (c as u128) << 64 | (d as u128) << 96;
                            set128(sp, dst, simd::i8x16_shuffle(get128(sp, lhs), get128(sp, rhs), lanes));
                        }
                        Op::Arg { .. } => {}
                        Op::Unreachable => trap!(TrapCode::Unreachable),
                        Op::ConsumeFuel { amount } => {
                            if *fuel < amount as u64 {
                                // Point back at this instruction so a resume charges again.
                                ip = ip.sub(1);
                                trap!(TrapCode::OutOfFuel);
                            }
                            *fuel -= amount as u64;
                        }
                        Op::Br { target } => jump!(target),
                        $(Op::$cb { lhs, rhs, target } => {
                            if numeric::$cf(get(sp, lhs), get(sp, rhs)) != 0 {
                                jump!(target)
                            }
                        })*
                        $(Op::$cbi { lhs, imm, target } => {
                            if numeric::$cf(get(sp, lhs), imm as i32 as i64 as u64) != 0 {
                                jump!(target)
                            }
                        })*
                        Op::BrIfNez { cond, target } => {
                            if get(sp, cond) as u32 != 0 {
                                jump!(target)
                            }
                        }
                        Op::BrIfEqz { cond, target } => {
                            if get(sp, cond) as u32 == 0 {
                                jump!(target)
                            }
                        }
                        Op::BrTable { index, len } => {
                            let i = (get(sp, index) as u32).min(len);
                            // The table's `Br`s follow: jump where the chosen one goes,
                            // without dispatching it.
                            match *ip.add(i as usize) {
                                Op::Br { target } => jump!(target),
                                _ => ip = ip.add(i as usize),
                            }
                        }
                        Op::Copy { dst, src } => set(sp, dst, get(sp, src)),
                        Op::Copy2 { dst, src } => {
                            let (lo, hi) = (get(sp, src), get(sp, src + 1));
                            set(sp, dst, lo);
                            set(sp, dst + 1, hi);
                        }
                        Op::V128Const { dst } => {
                            let (a, b) = arg!();
                            let (c, d) = arg!();
                            set(sp, dst, a as u64 | (b as u64) << 32);
                            set(sp, dst + 1, c as u64 | (d as u64) << 32);
                        }
                        Op::Select2 { dst, cond, if_true } => {
                            let (if_false, _) = arg!();
                            let v = if get(sp, cond) as u32 != 0 { if_true } else { if_false };
                            let (lo, hi) = (get(sp, v), get(sp, v + 1));
                            set(sp, dst, lo);
                            set(sp, dst + 1, hi);
                        }
                        Op::GlobalGet2 { dst, index } => {
                            let a = store.instances[regs.instance as usize].globals[index as usize];
                            let g = &store.globals[a as usize];
                            set(sp, dst, g.value.0);
                            set(sp, dst + 1, g.hi.0);
                        }
                        Op::GlobalSet2 { src, index } => {
                            let a = store.instances[regs.instance as usize].globals[index as usize];
                            let g = &mut store.globals[a as usize];
                            g.value = RawVal(get(sp, src));
                            g.hi = RawVal(get(sp, src + 1));
                        }
                        Op::Const32 { dst, value } => set(sp, dst, value as u64),
                        Op::Const64 { dst, value } => set(sp, dst, value),
                        Op::Select { dst, cond, if_true } => {
                            let (if_false, _) = arg!();
                            let v = if get(sp, cond) as u32 != 0 { if_true } else { if_false };
                            set(sp, dst, get(sp, v));
                        }
                        // SAFETY (globals): `regs.instance` is a live instance, validation
                        // checked `index` against its global count, and global addresses
                        // are never stale (the store only adds globals).
                        Op::GlobalGet { dst, index } => {
                            let a = *store.instances.get_unchecked(regs.instance as usize).globals.get_unchecked(index as usize);
                            set(sp, dst, store.globals.get_unchecked(a as usize).value.0);
                        }
                        Op::GlobalSet { src, index } => {
                            let a = *store.instances.get_unchecked(regs.instance as usize).globals.get_unchecked(index as usize);
                            store.globals.get_unchecked_mut(a as usize).value = RawVal(get(sp, src));
                        }
                        Op::MemorySize { dst } => {
                            let a = store.instances[regs.instance as usize].mems[0];
                            set(sp, dst, store.mems[a as usize].pages());
                        }
                        Op::MemoryGrow { dst, delta } => {
                            let a = store.instances[regs.instance as usize].mems[0];
                            let r = store.mems[a as usize].grow(get(sp, delta) as u32 as u64);
                            set(sp, dst, r.map_or(u32::MAX as u64, |old| old));
                            (mem, mem_len) = mem0(store, regs.instance);
                        }
                        Op::MemoryInit { dst, src, len } => {
                            let (data, _) = arg!();
                            let (d, s, n) = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
                            check!(bulk::memory_init(store, regs.instance, data, d, s, n));
                        }
                        Op::MemoryCopy { dst, src, len } => {
                            let (d, s, n) = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
                            check!(bulk::memory_copy(store, regs.instance, d, s, n));
                        }
                        Op::MemoryFill { dst, value, len } => {
                            let (d, v, n) = (get(sp, dst) as u32, get(sp, value) as u8, get(sp, len) as u32);
                            check!(bulk::memory_fill(store, regs.instance, d, v, n));
                        }
                        Op::DataDrop { data } => bulk::data_drop(store, regs.instance, data),
                        Op::RefFunc { dst, func } => set(sp, dst, bulk::ref_func(store, regs.instance, func)),
                        Op::TableGet { dst, index, table } => {
                            match bulk::table_get(store, regs.instance, table, get(sp, index) as u32) {
                                Ok(v) => set(sp, dst, v),
                                Err(t) => trap!(t),
                            }
                        }
                        Op::TableSet { index, value, table } => {
                            let (i, v) = (get(sp, index) as u32, get(sp, value));
                            check!(bulk::table_set(store, regs.instance, table, i, v));
                        }
                        Op::TableSize { dst, table } => set(sp, dst, bulk::table_size(store, regs.instance, table)),
                        Op::TableGrow { dst, init, delta } => {
                            let (table, _) = arg!();
                            let (v, n) = (get(sp, init), get(sp, delta) as u32);
                            set(sp, dst, bulk::table_grow(store, regs.instance, table, v, n));
                        }
                        Op::TableFill { index, value, len } => {
                            let (table, _) = arg!();
                            let (i, v, n) = (get(sp, index) as u32, get(sp, value), get(sp, len) as u32);
                            check!(bulk::table_fill(store, regs.instance, table, i, v, n));
                        }
                        Op::TableCopy { dst, src, len } => {
                            let tables = arg!();
                            let ops = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
                            check!(bulk::table_copy(store, regs.instance, tables, ops));
                        }
                        Op::TableInit { dst, src, len } => {
                            let which = arg!();
                            let ops = (get(sp, dst) as u32, get(sp, src) as u32, get(sp, len) as u32);
                            check!(bulk::table_init(store, regs.instance, which, ops));
                        }
                        Op::ElemDrop { elem } => bulk::elem_drop(store, regs.instance, elem),
                        Op::ReturnCopy { src } => {
                            set(sp, 0, get(sp, src));
                            do_return!();
                        }
                        Op::Return => do_return!(),
                        Op::Call { func, base } => {
                            // SAFETY: `regs.instance` is the address of a live module
                            // instance, and validation checked `func` against its
                            // function count, the length of its `funcs`.
                            let callee = *store
                                .instances
                                .get_unchecked(regs.instance as usize)
                                .funcs
                                .get_unchecked(func as usize);
                            call!(callee, base);
                        }
                        Op::CallIndirect { index, base, ty } => {
                            let (table, _) = arg!();
                            let inst = &store.instances[regs.instance as usize];
                            let ta = inst.tables[table as usize];
                            let i = get(sp, index) as u32;
                            let Some(cell) = store.tables[ta as usize].elements.get(i as usize) else {
                                trap!(TrapCode::UndefinedElement)
                            };
                            let Some(callee) = cell.as_ref_addr() else {
                                trap!(TrapCode::UninitializedElement)
                            };
                            if store.funcs[callee as usize].ty != inst.types[ty as usize] {
                                trap!(TrapCode::BadSignature)
                            }
                            call!(FuncAddr(callee), base);
                        }
                    }
                }
            }
        }
    };
}
crate::for_each_instr!(define_execute);
