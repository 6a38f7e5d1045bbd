//! When the store's heap collects, and what its roots are.
//! See `wisp_store::gc` for the heap itself.
//!
//! A collection starts only where an object is about to be allocated, so the roots are
//! what the executor holds at that moment, all of them precise:
//! - globals, tables and element segments whose type holds references to objects
//!   (`anyref`, `externref` and `exnref` and their subtypes), by their types;
//! - the frames of the running call: each is stopped at a safepoint (the allocation,
//!   or a call it waits on), and its function's reference map (`crate::refmap`) names
//!   the cells that hold references there;
//! - the payload being thrown, which the heap holds itself, and the objects the
//!   embedder holds (the heap's root list).
//!
//! While a host function that called Wasm again waits, its stack is out of reach and
//! no collection runs (`Heap::suspended`).

use super::Cx;
use crate::ir::Op;
use crate::stack::Frame;
use crate::ExecStore;
use wisp_store::gc::Trace;
use wisp_store::FuncKind;
use wisp_types::{RawVal, ValType};

/// Collects if the heap asks for it before an allocation of `bytes`. `cx.regs.ip` is
/// where the running frame stopped.
#[cfg_attr(not(any(feature = "exceptions", feature = "gc")), allow(dead_code))]
pub(super) fn collect_if_due(cx: &mut Cx<'_>, bytes: usize) {
    if !cx.store.heap.wants_collection(bytes) {
        return;
    }
    let top = Frame {
        ret: cx.regs.ip,
        base: cx.regs.base,
        instance: cx.regs.instance,
        func: cx.regs.func,
    };
    collect(cx.store, Some(&top), &cx.stack.frames, &cx.stack.values);
}

/// Collects with no Wasm frame live: the embedder asked, between calls.
pub(crate) fn collect_idle(store: &mut ExecStore) {
    if store.heap.suspended == 0 {
        collect(store, None, &[], &[]);
    }
}

/// Collects. The live frames are `running` and its `callers` (each stopped before its
/// `ret`), in the value stack `values`. Out of line: inlined into a handler's slow
/// path, its closures' addresses would keep that path from its tail call.
#[inline(never)]
fn collect(store: &mut ExecStore, running: Option<&Frame>, callers: &[Frame], values: &[RawVal]) {
    let of = |t: ValType| Trace::of(t);
    let (funcs, globals, tables, elems) =
        (&store.funcs, &store.globals, &store.tables, &store.elems);
    store.heap.collect(|root| {
        for f in running.into_iter().chain(callers) {
            frame_roots(funcs, f, values, &mut *root);
        }
        for g in globals {
            let how = of(g.ty.content);
            if how != Trace::No {
                root(g.value.0, how);
            }
        }
        for t in tables {
            let how = of(ValType::Ref(t.ty.element));
            if how != Trace::No {
                t.elements.iter().for_each(|c| root(c.0, how));
            }
        }
        for e in elems {
            let how = of(ValType::Ref(e.ty));
            if how != Trace::No {
                e.elements.iter().for_each(|c| root(c.0, how));
            }
        }
    });
}

/// Roots the references of frame `f`.
fn frame_roots(
    funcs: &[wisp_store::FuncInst<crate::CodeRef>],
    f: &Frame,
    values: &[RawVal],
    root: &mut dyn FnMut(u64, Trace),
) {
    let Some(FuncKind::Wasm { code, .. }) = funcs.get(f.func.0 as usize).map(|f| &f.kind) else {
        return;
    };
    // It ran, so it is translated.
    let Some(c) = code.module.translated(code.index as usize) else {
        return;
    };
    let Some(map) = c.refs() else {
        return;
    };
    let cell = |i: u32| values.get(f.base + i as usize).map_or(0, |v| v.0);
    let at = (f.ret as usize).wrapping_sub(c.ops.as_ptr() as usize) / size_of::<Op>();
    let found = u32::try_from(at).is_ok_and(|at| map.roots(at, |i, how| root(cell(i), how)));
    if !found {
        // Every place a frame can stop at is a safepoint; should one be missed, every
        // cell of the frame is read as a reference of either kind, which keeps too much
        // alive but never frees a live object.
        debug_assert!(
            false,
            "no safepoint at instruction {at} of function {}",
            f.func.0
        );
        for i in 0..c.frame_size {
            root(cell(i), Trace::Internal);
            root(cell(i), Trace::External);
        }
    }
}
