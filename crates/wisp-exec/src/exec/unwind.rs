//! Unwinding: finding the handler of a thrown exception and going on there.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-throw-ref>
//!
//! Nothing here runs unless something throws. The search walks Wisp's own frames,
//! innermost first, without popping any: in each it looks up the position of the
//! throwing instruction (in callers, of their call) in the function's handler table
//! (`CompiledFunc::handlers`, innermost clause first), and a clause matches when the tag
//! it names, resolved through that frame's instance, is the exception's: tags match by
//! address, never by index. On a match the frames above are dropped, the payload (and
//! an `exnref`, for `catch_ref` clauses) goes to the clause's cells, and execution goes
//! on at its target. An exception no frame catches ends the run with
//! [`RunError::Exception`], for the embedder.
//!
//! An exception instance is made only when something needs one: a `*_ref` clause, a
//! legacy `catch` that a `rethrow` reads, or the embedder. A `throw` caught by a plain
//! `catch` allocates nothing beyond the reused scratch buffer for its payload.

use super::dispatch::Hot;
use super::{Cx, RunError, Thrown};
use crate::ir::Op;
use crate::stack::Regs;
use crate::{Catch, CodeRef, CompiledFunc};
use wisp_store::gc::Trace;
use wisp_store::FuncKind;
use wisp_types::{ExnAddr, RawVal, TrapCode};

/// Unwinds for `cx.thrown`, thrown at `cx.regs.ip` (just past the throwing
/// instruction, or the return address of a host call that threw). Returns the
/// registers of the handler, or `None` with `cx.result` set: uncaught, or a trap.
///
/// Inlined into its one caller, the out-of-line `throw_slow`: called, it would be handed
/// the caller's return slot, whose address would then escape and keep the tail
/// backend's `throw_slow_tail` from its tail call.
#[inline(always)]
pub(super) fn unwind(cx: &mut Cx<'_>) -> Option<Hot> {
    let (tag, mut exn) = match load_payload(cx) {
        Ok(v) => v,
        Err(code) => return stop(cx, code),
    };
    // Frames are searched from the running one (`frames.len()`) down.
    let mut depth = cx.stack.frames.len();
    let mut regs = cx.regs;
    loop {
        if let Some((code, at)) = position(cx, regs) {
            let f = code.module.translated(code.index as usize);
            let found = f.and_then(|f| Some((find_handler(cx, f, at, regs.instance, tag)?, f)));
            if let Some((c, f)) = found {
                let target = f.ops.as_ptr().wrapping_add(c.target as usize);
                let wants_exn = c.kind & Catch::REF != 0 || c.keep != u32::MAX;
                if wants_exn && exn.is_none() {
                    match alloc_exn(cx, tag) {
                        Ok(a) => exn = Some(a),
                        Err(code) => return stop(cx, code),
                    }
                }
                cx.stack.frames.truncate(depth);
                deliver(cx, regs.base, &c, tag, exn);
                cx.store.heap.clear_scratch();
                cx.regs = Regs { ip: target, ..regs };
                // SAFETY: the catching frame was reserved when it was entered.
                let sp = unsafe { cx.stack.values.as_mut_ptr().add(regs.base) };
                let mem = cx.switch_instance();
                return Some(Hot::at(target, sp, mem));
            }
        }
        if depth == 0 {
            break;
        }
        depth -= 1;
        let f = cx.stack.frames[depth];
        regs = Regs {
            ip: f.ret,
            base: f.base,
            instance: f.instance,
            func: f.func,
        };
    }
    // Uncaught: the embedder gets an exception instance.
    let exn = match exn {
        Some(a) => a,
        None => match alloc_exn(cx, tag) {
            Ok(a) => a,
            Err(code) => return stop(cx, code),
        },
    };
    cx.store.heap.clear_scratch();
    let trace = super::trace(cx.stack, Some(&cx.regs));
    cx.result = Err(RunError::Exception { exn, trace });
    None
}

/// Ends the run with a trap at `cx.regs.ip`.
fn stop(cx: &mut Cx<'_>, code: TrapCode) -> Option<Hot> {
    cx.store.heap.clear_scratch();
    cx.result = Err(super::trap(cx.stack, Some(&cx.regs), code));
    None
}

/// Puts the payload in the scratch buffer and returns the tag's address, and the
/// exception instance if it already is one (`throw_ref`, the host).
fn load_payload(cx: &mut Cx<'_>) -> Result<(u32, Option<ExnAddr>), TrapCode> {
    let store = &mut *cx.store;
    match cx.thrown {
        Thrown::Payload { tag, at } => {
            let ty = store.types.func_shape(store.tags[tag as usize].type_id);
            let n: usize = ty.params().iter().map(|t| t.cells()).sum();
            let cells = cx.stack.values.get(at..at + n).unwrap_or(&[]);
            let traces = payload_traces(ty.params());
            let scratch = store
                .heap
                .scratch(traces)
                .map_err(|_| TrapCode::OutOfMemory)?;
            scratch.try_reserve(n).map_err(|_| TrapCode::OutOfMemory)?;
            scratch.extend_from_slice(cells);
            Ok((tag, None))
        }
        Thrown::Exn(a) => match store.heap.scratch_from(a) {
            Ok(Some(tag)) => Ok((tag, Some(a))),
            Ok(None) => Err(TrapCode::NullExnRef),
            Err(_) => Err(TrapCode::OutOfMemory),
        },
    }
}

/// The code of the frame `regs` describes and the position of its throwing (or
/// calling) instruction, or `None` when there are no handlers to search: it has none,
/// or it waits in a `ReturnCells` for a host function it tail-called, and so is already
/// gone.
fn position(cx: &Cx<'_>, regs: Regs) -> Option<(CodeRef, u32)> {
    let f = cx.store.funcs.get(regs.func.0 as usize)?;
    let FuncKind::Wasm { code, .. } = &f.kind else {
        return None;
    };
    // It ran, so it is translated.
    let c = code.module.translated(code.index as usize)?;
    // Most functions have none: nothing to search.
    if c.handlers().is_empty() {
        return None;
    }
    let next = (regs.ip as usize).checked_sub(c.ops.as_ptr() as usize)? / size_of::<Op>();
    if let Some(Op::ReturnCells { .. }) = c.ops.get(next) {
        return None;
    }
    Some((code.clone(), next.checked_sub(1)? as u32))
}

/// The first clause of `f`'s table that covers instruction `at` and catches `tag`
/// (an address), in the instance `instance`. A `delegate` on the way restricts the
/// search to the clauses at or outside its label.
fn find_handler(cx: &Cx<'_>, f: &CompiledFunc, at: u32, instance: u32, tag: u32) -> Option<Catch> {
    let tags = &cx.store.instances.get(instance as usize)?.tags;
    let mut max_depth = u32::MAX;
    for c in f.handlers() {
        if at < c.start || at >= c.end || c.depth > max_depth {
            continue;
        }
        if c.kind & Catch::DELEGATE != 0 {
            max_depth = c.target;
        } else if c.tag == Catch::ALL || tags.get(c.tag as usize) == Some(&tag) {
            return Some(*c);
        }
    }
    None
}

/// Writes the payload (unless the clause catches all) and the exception reference
/// where clause `c` of the frame at `base` wants them.
fn deliver(cx: &mut Cx<'_>, base: usize, c: &Catch, tag: u32, exn: Option<ExnAddr>) {
    let values = &mut cx.stack.values;
    let exn_cell = RawVal::from_ref_addr(exn.map(|a| a.0));
    let mut dst = base + c.dst.index();
    // Cells past the value stack (only a damaged image names them) are left alone.
    let mut put = |at: usize, cells: &[RawVal]| {
        if let Some(d) = values.get_mut(at..at + cells.len()) {
            d.copy_from_slice(cells);
        }
    };
    if c.tag != Catch::ALL {
        let mut src = 0;
        let ty = cx
            .store
            .types
            .func_shape(cx.store.tags[tag as usize].type_id);
        for t in ty.params() {
            let w = t.cells();
            put(
                dst,
                cx.store
                    .heap
                    .scratch_cells()
                    .get(src..src + w)
                    .unwrap_or(&[]),
            );
            src += w;
            dst += if c.kind & Catch::WIDE != 0 { 2 } else { w };
        }
    }
    if c.kind & Catch::REF != 0 {
        put(dst, &[exn_cell]);
    }
    if c.keep != u32::MAX {
        put(base + c.keep as usize, &[exn_cell]);
    }
}

/// Which cells of a payload of types `params` hold references: the masks of an
/// exception instance (`internal`, `external`).
fn payload_traces(params: &[wisp_types::ValType]) -> (u64, u64) {
    let (mut internal, mut external) = (0u64, 0u64);
    let mut cell = 0;
    for &t in params {
        let bits = match Trace::of(t) {
            Trace::No => None,
            Trace::Internal => Some(&mut internal),
            Trace::External => Some(&mut external),
        };
        if let Some(bits) = bits {
            *bits |= if cell < 64 { 1 << cell } else { u64::MAX };
        }
        cell += t.cells();
    }
    (internal, external)
}

/// A new exception instance of `tag` with the payload in the scratch buffer.
#[inline(never)]
fn alloc_exn(cx: &mut Cx<'_>, tag: u32) -> Result<ExnAddr, TrapCode> {
    let ty = cx
        .store
        .types
        .func_shape(cx.store.tags[tag as usize].type_id);
    let (internal, external) = payload_traces(ty.params());
    let bytes = cx.store.heap.scratch_cells().len() * 8;
    super::gc::collect_if_due(cx, bytes);
    cx.store
        .heap
        .alloc_exn_from_scratch(tag, internal, external)
        .map_err(|_| TrapCode::OutOfMemory)
}
