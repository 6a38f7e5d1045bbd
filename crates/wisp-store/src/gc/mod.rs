//! The store's heap of objects that only a collection frees. Its first kind of object is
//! the exception instance; structs and arrays (garbage collection proper) are to join it.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances>
//!
//! Objects live in slots of one vector and are named by slot (`ExnAddr`), so that
//! addresses stay valid while the vector grows; freed slots are reused, last freed
//! first. The heap cannot find its roots itself, since they are in the executor's
//! stacks and in the embedder's handles: [`Heap::collect`] is given them. What it
//! costs: marking is linear in the live objects and their references, sweeping in the
//! slots.

use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::{ExnAddr, RawVal};

/// An exception instance: a tag's address and the values thrown with it, packed one
/// cell each (two for a `v128`).
#[derive(Debug, Clone)]
pub struct ExnInst {
    pub tag: u32,
    pub payload: Box<[RawVal]>,
    /// Which cells of `payload` hold an `exnref`, for tracing: bit `i` for cell `i`, or
    /// all bits when one lies past the 64th cell, and then every cell is traced as if
    /// it might be one.
    pub refs: u64,
}

/// A slot, with how many objects it has held before: a handle that the embedder keeps
/// names an object by slot and generation, so that it never reaches the slot's next
/// object once its own is freed.
#[derive(Debug)]
enum Slot {
    Live {
        exn: ExnInst,
        marked: bool,
        generation: u32,
    },
    Free {
        next: Option<u32>,
        generation: u32,
    },
}

/// The heap: until the first object it is only a counter, a few bytes of every store
/// (on a device, of the stack frame that holds one), and allocates nothing.
#[derive(Debug, Default)]
pub struct Heap {
    /// The objects, made on the first allocation: empty, or one.
    objects: Box<[Objects]>,
    /// Runs under way or paused: only the innermost's frames are roots the collector
    /// is shown, so it collects only while this is at most one. (A paused call that is
    /// dropped leaves it raised: the store then collects no more, a leak, never a loss.)
    pub suspended: u32,
}

/// The objects and the bookkeeping of collections.
#[derive(Debug, Default)]
struct Objects {
    slots: Vec<Slot>,
    free: Option<u32>,
    live: usize,
    /// Objects allocated since the last collection.
    since_collect: usize,
    /// References held by the embedder, each counted as often as it is held.
    pinned: Vec<(u32, u32)>,
    /// The payload of the exception being unwound, kept between throws so that a throw
    /// allocates nothing once it has grown; a root while it is.
    scratch: Vec<RawVal>,
}

/// A heap that reached its limit allocates no more: a trap, never an abort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapFull;

/// Allocations between collections at least; more when more objects survive, so that
/// the cost of collecting stays proportional to what was allocated.
const MIN_BETWEEN_COLLECTIONS: usize = 1024;

impl Heap {
    pub fn new() -> Self {
        Self::default()
    }

    fn objects(&self) -> Option<&Objects> {
        self.objects.first()
    }

    /// The objects, made now if need be; `HeapFull` if the allocator refuses.
    fn objects_mut(&mut self) -> Result<&mut Objects, HeapFull> {
        if self.objects.is_empty() {
            let mut one = Vec::new();
            one.try_reserve_exact(1).map_err(|_| HeapFull)?;
            one.push(Objects::default());
            self.objects = one.into_boxed_slice();
        }
        self.objects.first_mut().ok_or(HeapFull)
    }

    /// Live objects, as of the last collection and the allocations since.
    pub fn len(&self) -> usize {
        self.objects().map_or(0, |o| o.live)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether enough was allocated since the last collection that the next allocation
    /// should collect first (never while a run other than the innermost is under way).
    pub fn wants_collection(&self) -> bool {
        self.suspended <= 1 && self.objects().is_some_and(|o| o.wants_collection())
    }

    /// A new exception instance; `refs` marks the payload cells that are `exnref`s.
    /// Fails when `max_objects` are live or the allocator refuses.
    pub fn alloc_exn(
        &mut self,
        tag: u32,
        payload: &[RawVal],
        refs: u64,
        max_objects: usize,
    ) -> Result<ExnAddr, HeapFull> {
        self.objects_mut()?
            .alloc_exn(tag, payload, refs, max_objects)
    }

    /// A new exception instance whose payload is the scratch buffer's.
    pub fn alloc_exn_from_scratch(
        &mut self,
        tag: u32,
        refs: u64,
        max_objects: usize,
    ) -> Result<ExnAddr, HeapFull> {
        let o = self.objects_mut()?;
        let payload = core::mem::take(&mut o.scratch);
        let r = o.alloc_exn(tag, &payload, refs, max_objects);
        o.scratch = payload;
        r
    }

    /// The buffer for the payload of the exception being unwound, emptied.
    pub fn scratch(&mut self) -> Result<&mut Vec<RawVal>, HeapFull> {
        let s = &mut self.objects_mut()?.scratch;
        s.clear();
        Ok(s)
    }

    /// Puts the payload of the exception at `addr` in the scratch buffer and returns its
    /// tag; `Ok(None)` if there is no such exception.
    pub fn scratch_from(&mut self, addr: ExnAddr) -> Result<Option<u32>, HeapFull> {
        let o = self.objects_mut()?;
        o.scratch.clear();
        let Some(Slot::Live { exn, .. }) = o.slots.get(addr.0 as usize) else {
            return Ok(None);
        };
        o.scratch
            .try_reserve(exn.payload.len())
            .map_err(|_| HeapFull)?;
        o.scratch.extend_from_slice(&exn.payload);
        Ok(Some(exn.tag))
    }

    /// What the scratch buffer holds.
    pub fn scratch_cells(&self) -> &[RawVal] {
        self.objects().map_or(&[], |o| &o.scratch)
    }

    /// The exception instance at `addr`, if it is live.
    pub fn exn(&self, addr: ExnAddr) -> Option<&ExnInst> {
        self.objects()?.exn(addr)
    }

    /// The generation of the object at `addr`, if it is live: with the address, what
    /// names this object and no later one in the same slot.
    pub fn generation(&self, addr: ExnAddr) -> Option<u32> {
        self.objects()?.generation(addr)
    }

    /// Keeps `addr` alive until as many [`Heap::unpin`]s: the embedder holds it.
    pub fn pin(&mut self, addr: ExnAddr) -> Result<(), HeapFull> {
        self.objects_mut()?.pin(addr);
        Ok(())
    }

    /// Lets go of one [`Heap::pin`] of `addr`.
    pub fn unpin(&mut self, addr: ExnAddr) {
        if let Some(o) = self.objects.first_mut() {
            o.unpin(addr);
        }
    }

    /// Frees every object that neither a root nor a live object refers to. `roots`
    /// calls its argument with each root cell (a cell that holds an `exnref`, `0` for
    /// null); the heap adds the embedder's pins.
    pub fn collect(&mut self, roots: impl FnOnce(&mut dyn FnMut(RawVal))) {
        if let Some(o) = self.objects.first_mut() {
            o.collect(roots);
        }
    }
}

impl Objects {
    /// Whether enough was allocated since the last collection that the next allocation
    /// should collect first.
    fn wants_collection(&self) -> bool {
        let survivors = self.live - self.since_collect.min(self.live);
        self.since_collect >= MIN_BETWEEN_COLLECTIONS.max(survivors)
    }

    /// A new exception instance; `refs` marks the payload cells that are `exnref`s.
    /// Fails when `max_objects` are live or the allocator refuses.
    fn alloc_exn(
        &mut self,
        tag: u32,
        payload: &[RawVal],
        refs: u64,
        max_objects: usize,
    ) -> Result<ExnAddr, HeapFull> {
        if self.live >= max_objects {
            return Err(HeapFull);
        }
        let mut cells = Vec::new();
        cells
            .try_reserve_exact(payload.len())
            .map_err(|_| HeapFull)?;
        cells.extend_from_slice(payload);
        let exn = ExnInst {
            tag,
            payload: cells.into_boxed_slice(),
            refs,
        };
        let addr = match self.free {
            Some(i) => {
                let (next, generation) = match self.slots[i as usize] {
                    Slot::Free { next, generation } => (next, generation),
                    Slot::Live { generation, .. } => (None, generation),
                };
                self.free = next;
                self.slots[i as usize] = Slot::Live {
                    exn,
                    marked: false,
                    generation,
                };
                i
            }
            None => {
                self.slots.try_reserve(1).map_err(|_| HeapFull)?;
                self.slots.push(Slot::Live {
                    exn,
                    marked: false,
                    generation: 0,
                });
                self.slots.len() as u32 - 1
            }
        };
        self.live += 1;
        self.since_collect += 1;
        Ok(ExnAddr(addr))
    }

    /// The exception instance at `addr`, if it is live.
    fn exn(&self, addr: ExnAddr) -> Option<&ExnInst> {
        match self.slots.get(addr.0 as usize)? {
            Slot::Live { exn, .. } => Some(exn),
            Slot::Free { .. } => None,
        }
    }

    /// The generation of the object at `addr`, if it is live: with the address, what
    /// names this object and no later one in the same slot.
    fn generation(&self, addr: ExnAddr) -> Option<u32> {
        match self.slots.get(addr.0 as usize)? {
            Slot::Live { generation, .. } => Some(*generation),
            Slot::Free { .. } => None,
        }
    }

    /// Keeps `addr` alive until as many [`Heap::unpin`]s: the embedder holds it.
    fn pin(&mut self, addr: ExnAddr) {
        match self.pinned.iter_mut().find(|(a, _)| *a == addr.0) {
            Some((_, n)) => *n += 1,
            None => self.pinned.push((addr.0, 1)),
        }
    }

    /// Lets go of one [`Heap::pin`] of `addr`.
    fn unpin(&mut self, addr: ExnAddr) {
        if let Some(i) = self.pinned.iter().position(|(a, _)| *a == addr.0) {
            self.pinned[i].1 -= 1;
            if self.pinned[i].1 == 0 {
                self.pinned.swap_remove(i);
            }
        }
    }

    /// Frees every object that neither a root nor a live object refers to. `roots`
    /// calls its argument with each root cell (a cell that holds an `exnref`, `0` for
    /// null); the heap adds the embedder's pins.
    fn collect(&mut self, roots: impl FnOnce(&mut dyn FnMut(RawVal))) {
        let mut stack: Vec<u32> = Vec::new();
        let slots = &mut self.slots;
        roots(&mut |cell| mark(slots, cell, &mut stack));
        for &c in &self.scratch {
            mark(slots, c, &mut stack);
        }
        for &(a, _) in &self.pinned {
            mark(slots, RawVal::from_ref_addr(Some(a)), &mut stack);
        }
        while let Some(a) = stack.pop() {
            let (payload, refs) = match &slots[a as usize] {
                Slot::Live { exn, .. } if exn.refs != 0 => (exn.payload.clone(), exn.refs),
                _ => continue,
            };
            for (i, c) in payload.iter().enumerate() {
                if refs == u64::MAX || (i < 64 && refs & (1 << i) != 0) {
                    mark(slots, *c, &mut stack);
                }
            }
        }
        let mut live = 0;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            match slot {
                Slot::Live { marked, .. } if *marked => {
                    *marked = false;
                    live += 1;
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
        self.since_collect = 0;
    }
}

/// Marks the object `cell` refers to, if any, and queues it to be traced.
fn mark(slots: &mut [Slot], cell: RawVal, stack: &mut Vec<u32>) {
    let Some(a) = cell.as_ref_addr() else { return };
    if let Some(Slot::Live { marked, .. }) = slots.get_mut(a as usize) {
        if !*marked {
            *marked = true;
            stack.push(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(a: ExnAddr) -> RawVal {
        RawVal::from_ref_addr(Some(a.0))
    }

    #[test]
    fn unreachable_objects_are_freed_and_their_slots_reused() {
        let mut h = Heap::new();
        let a = h.alloc_exn(0, &[RawVal(7)], 0, 10).unwrap();
        let b = h.alloc_exn(0, &[cell(a)], 1, 10).unwrap();
        let c = h.alloc_exn(1, &[], 0, 10).unwrap();
        // Only `b` is a root; it keeps `a` alive through its payload.
        h.collect(|r| r(cell(b)));
        assert_eq!(h.len(), 2);
        assert!(h.exn(a).is_some() && h.exn(b).is_some() && h.exn(c).is_none());
        assert_eq!(h.generation(c), None);
        assert_eq!(h.alloc_exn(2, &[], 0, 10).unwrap(), c);
        assert_eq!((h.generation(a), h.generation(c)), (Some(0), Some(1)));
        h.pin(a).unwrap();
        h.collect(|_| {});
        assert_eq!(h.len(), 1);
        assert_eq!(h.exn(a).unwrap().payload[..], [RawVal(7)]);
        h.unpin(a);
        h.collect(|_| {});
        assert!(h.is_empty());
    }

    #[test]
    fn collections_come_as_often_as_allocations_outgrow_the_survivors() {
        let mut h = Heap::new();
        assert_eq!(
            core::mem::size_of::<Heap>(),
            3 * core::mem::size_of::<usize>()
        );
        h.suspended = 1;
        for _ in 0..MIN_BETWEEN_COLLECTIONS {
            assert!(!h.wants_collection());
            h.alloc_exn(0, &[], 0, usize::MAX).unwrap();
        }
        assert!(h.wants_collection());
        h.collect(|_| {});
        assert!(!h.wants_collection());
        h.suspended = 2;
        for _ in 0..MIN_BETWEEN_COLLECTIONS {
            h.alloc_exn(0, &[], 0, usize::MAX).unwrap();
        }
        assert!(!h.wants_collection(), "a run is suspended");
    }

    #[test]
    fn a_full_heap_refuses() {
        let mut h = Heap::new();
        h.alloc_exn(0, &[], 0, 1).unwrap();
        assert_eq!(h.alloc_exn(0, &[], 0, 1), Err(HeapFull));
    }
}
