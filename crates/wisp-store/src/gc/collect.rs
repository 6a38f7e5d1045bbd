//! Collection: mark from the roots, then sweep.
//!
//! What it costs: marking is linear in the live objects and the references they hold,
//! sweeping in the slots. It runs only when an allocation asks (`Heap::wants_collection`),
//! after at least as many bytes were allocated as survived the last one, so its cost
//! is proportional to what the program allocates. The mark stack grows with the live
//! objects; when the allocator refuses it more, the object is marked but not queued,
//! and once the stack is empty every marked object is traced again, until a pass
//! queues nothing it could not hold: slower, never wrong.

use super::layout::{Layout, Trace};
use super::{Object, Objects, Slot, SLOT_BYTES};
use alloc::vec::Vec;
use wisp_types::RawVal;

impl Objects {
    /// Frees every object that neither a root nor a live object refers to.
    pub(super) fn collect(&mut self, roots: impl FnOnce(&mut dyn FnMut(u64, Trace))) {
        let mut work = Work {
            limit: self.mark_limit.unwrap_or(usize::MAX),
            ..Work::default()
        };
        let slots = &mut self.slots;
        roots(&mut |cell, trace| work.mark(slots, trace.object(cell)));
        // The payload being unwound.
        let (internal, external) = self.scratch_traces;
        payload_refs(&self.scratch, internal, external, &mut |a| {
            work.mark(slots, a)
        });
        for &a in self.roots.get_mut().iter() {
            work.mark(slots, Some(a));
        }
        let mut children = Vec::new();
        loop {
            while let Some(a) = work.stack.pop() {
                work.trace(slots, &self.layouts, a, &mut children);
            }
            if !work.overflowed {
                break;
            }
            work.overflowed = false;
            for a in 0..slots.len() as u32 {
                if matches!(slots[a as usize], Slot::Live { marked: true, .. }) {
                    work.trace(slots, &self.layouts, a, &mut children);
                }
            }
        }
        self.sweep();
    }

    /// Frees the unmarked objects, and unmarks the rest.
    fn sweep(&mut self) {
        let (mut live, mut bytes) = (0, 0);
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match slot {
                Slot::Live { marked, object, .. } if *marked => {
                    *marked = false;
                    live += 1;
                    bytes += content_bytes(object) + SLOT_BYTES;
                }
                Slot::Live { generation, .. } => {
                    *slot = Slot::Free {
                        next: self.free,
                        generation: generation.wrapping_add(1),
                    };
                    self.free = Some(i as u32);
                }
                Slot::Free { .. } => {}
            }
        }
        self.live = live;
        self.bytes = bytes;
        self.survived = bytes;
        self.since_collect = 0;
        self.allocations_since = 0;
        self.collections += 1;
    }
}

/// The bytes an object's contents were counted as.
fn content_bytes(o: &Object) -> usize {
    match o {
        Object::Exn(e) => {
            e.first().map_or(0, |e| e.payload.len() * 8) + core::mem::size_of::<super::ExnInst>()
        }
        Object::Struct { .. } | Object::SmallStruct { .. } => o.fields().map_or(0, |f| f.len() * 8),
        Object::Array { bytes, .. } => bytes.len(),
    }
}

/// The marking's queue, and whether it lost an object for want of memory.
#[derive(Default)]
struct Work {
    stack: Vec<u32>,
    overflowed: bool,
    /// The most the queue holds (a test's stand-in for a refusing allocator).
    limit: usize,
}

impl Work {
    /// Marks the object in slot `a`, if any, and queues it to be traced.
    fn mark(&mut self, slots: &mut [Slot], a: Option<u32>) {
        let Some(a) = a else { return };
        if let Some(Slot::Live { marked, .. }) = slots.get_mut(a as usize) {
            if !*marked {
                *marked = true;
                if self.stack.len() < self.limit && self.stack.try_reserve(1).is_ok() {
                    self.stack.push(a);
                } else {
                    self.overflowed = true;
                }
            }
        }
    }

    /// Marks what the object in slot `a` refers to; `children` is a buffer.
    fn trace(&mut self, slots: &mut [Slot], layouts: &[Layout], a: u32, children: &mut Vec<u32>) {
        children.clear();
        // The references are read first: the slots are marked through the same borrow.
        let mut add = |o: Option<u32>| {
            if let Some(o) = o {
                if children.try_reserve(1).is_ok() {
                    children.push(o);
                } else {
                    self.overflowed = true;
                }
            }
        };
        if let Some(Slot::Live { object, .. }) = slots.get(a as usize) {
            refs_of(object, layouts, &mut add);
        }
        for &o in children.iter() {
            self.mark(slots, Some(o));
        }
    }
}

/// Calls `add` with the slot of every object `object` refers to.
fn refs_of(object: &Object, layouts: &[Layout], add: &mut impl FnMut(Option<u32>)) {
    match object {
        Object::Exn(e) => {
            for e in e.iter() {
                exn_refs(e, add);
            }
        }
        Object::Struct { ty, .. } | Object::SmallStruct { ty, .. } => {
            let fields = object.fields().unwrap_or(&[]);
            if let Some(Layout::Struct { refs, .. }) = layouts.get(ty.0 as usize) {
                for &(cell, how) in refs.iter() {
                    add(fields.get(cell as usize).and_then(|&c| how.object(c)));
                }
            }
        }
        Object::Array { ty, size, bytes } => {
            let how = match layouts.get(ty.0 as usize) {
                Some(Layout::Array { trace, .. }) => *trace,
                _ => Trace::No,
            };
            if how != Trace::No && *size == 8 {
                for e in bytes.chunks_exact(8) {
                    let mut c = [0u8; 8];
                    c.copy_from_slice(e);
                    add(how.object(u64::from_le_bytes(c)));
                }
            }
        }
    }
}

/// The objects an exception's payload refers to.
fn exn_refs(e: &super::ExnInst, add: &mut impl FnMut(Option<u32>)) {
    payload_refs(&e.payload, e.internal, e.external, add);
}

/// The objects a payload refers to, whose cells hold references as the masks say: bit
/// `i` for cell `i`, all cells when a mask is all ones (a payload past 64 cells).
fn payload_refs(
    payload: &[RawVal],
    internal: u64,
    external: u64,
    add: &mut impl FnMut(Option<u32>),
) {
    let bit = |bits: u64, i: usize| bits == u64::MAX || (i < 64 && bits & (1 << i) != 0);
    for (i, &RawVal(c)) in payload.iter().enumerate() {
        if bit(internal, i) {
            add(Trace::Internal.object(c));
        }
        if bit(external, i) {
            add(Trace::External.object(c));
        }
    }
}
