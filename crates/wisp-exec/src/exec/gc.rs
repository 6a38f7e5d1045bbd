//! When the store's heap collects, and what its roots are.
//! See `wisp_store::gc` for the heap itself.
//!
//! A collection starts only where an object is about to be allocated, so the roots are
//! what the executor holds at that moment:
//! - globals, tables and element segments whose type holds references to objects
//!   (`anyref`, `externref` and `exnref` and their subtypes), precisely;
//! - every cell of every frame of the running stack (and the payload being thrown,
//!   which the heap adds itself), conservatively: a cell whose value names a live object keeps it alive. Cells are
//!   untyped, and until the translator records which hold references (reference maps,
//!   with garbage collection proper) a scalar may pass for one. That keeps garbage
//!   alive, never frees a live object, and what it keeps is bounded by the stack's
//!   size, so a loop that throws and catches forever runs in bounded memory;
//! - the objects the embedder holds (the heap's pins).
//!
//! While a host function that called Wasm again waits, its stack is out of reach and
//! no collection runs (`Heap::suspended`).

use super::Cx;
use crate::stack::Regs;
use crate::ExecStore;
use wisp_store::gc::Trace;
use wisp_store::FuncKind;
use wisp_types::{RawVal, ValType};

/// Collects if the heap asks for it before an allocation of `bytes`.
#[cfg_attr(not(any(feature = "exceptions", feature = "gc")), allow(dead_code))]
pub(super) fn collect_if_due(cx: &mut Cx<'_>, bytes: usize) {
    if !cx.store.heap.wants_collection(bytes) {
        return;
    }
    // Every cell from the bottom of the stack to the end of the running frame: frames
    // overlap (a callee starts at its caller's arguments) and each caller's frame ends
    // within the next one's, so this is each frame's cells.
    let top = frame_end(cx.store, cx.regs).min(cx.stack.values.len());
    collect(cx.store, &cx.stack.values[..top]);
}

/// Collects with no Wasm frame live: the embedder asked, between calls.
pub(crate) fn collect_idle(store: &mut ExecStore) {
    if store.heap.suspended == 0 {
        collect(store, &[]);
    }
}

/// Collects, with `frames` the cells of the live frames (read conservatively).
fn collect(store: &mut ExecStore, frames: &[RawVal]) {
    let of = |t: ValType| Trace::of(t);
    let (globals, tables, elems) = (&store.globals, &store.tables, &store.elems);
    store.heap.collect(|root| {
        for c in frames {
            root(c.0, Trace::Internal);
            root(c.0, Trace::External);
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

/// The cell after the frame `regs` describes.
#[cfg_attr(not(any(feature = "exceptions", feature = "gc")), allow(dead_code))]
fn frame_end(store: &ExecStore, regs: Regs) -> usize {
    let size = match store.funcs.get(regs.func.0 as usize).map(|f| &f.kind) {
        Some(FuncKind::Wasm { code, .. }) => code
            .module
            .translated(code.index as usize)
            .map_or(0, |c| c.frame_size as usize),
        _ => 0,
    };
    regs.base + size
}
