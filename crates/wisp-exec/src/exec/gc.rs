//! When the store's heap collects, and what its roots are.
//! See `wisp_store::gc` for the heap itself.
//!
//! A collection starts only where an object is about to be allocated, so the roots are
//! what the executor holds at that moment:
//! - globals, tables and element segments whose type holds `exnref`s, precisely;
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
use wisp_store::FuncKind;
use wisp_types::{HeapType, RefType, ValType};

/// Collects if the heap asks for it.
pub(super) fn collect_if_due(cx: &mut Cx<'_>) {
    if !cx.store.heap.wants_collection() {
        return;
    }
    let store = &mut *cx.store;
    let stack = &*cx.stack;
    // Every cell from the bottom of the stack to the end of the running frame: frames
    // overlap (a callee starts at its caller's arguments) and each caller's frame ends
    // within the next one's, so this is each frame's cells.
    let top = frame_end(store, cx.regs).min(stack.values.len());
    let holds_exn = |t: RefType| t.heap.top() == HeapType::Exn;
    let (globals, tables, elems) = (&store.globals, &store.tables, &store.elems);
    store.heap.collect(|root| {
        for c in &stack.values[..top] {
            root(*c);
        }
        for g in globals
            .iter()
            .filter(|g| matches!(g.ty.content, ValType::Ref(r) if holds_exn(r)))
        {
            root(g.value);
        }
        for t in tables.iter().filter(|t| holds_exn(t.ty.element)) {
            t.elements.iter().for_each(|c| root(*c));
        }
        for e in elems.iter().filter(|e| holds_exn(e.ty)) {
            e.elements.iter().for_each(|c| root(*c));
        }
    });
}

/// The cell after the frame `regs` describes.
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
