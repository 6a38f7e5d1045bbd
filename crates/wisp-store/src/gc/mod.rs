//! The store's heap: the objects that only a collection frees — exception instances,
//! structs and arrays.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#aggregate-instances>
//! and <https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances>
//!
//! Objects live in slots of one vector and are named by slot, so that addresses stay
//! valid while the vector grows; freed slots are reused, last freed first. A reference
//! to an object is the cell `slot + 1` (see `wisp_types::cells`). The heap cannot find
//! its roots itself, since they are in the executor's stacks and in the embedder's
//! handles: [`Heap::collect`] is given them (see `collect.rs` for what it costs).
//!
//! Everything the heap holds is counted in bytes against a budget fixed before the
//! first object ([`Heap::set_budget`]); an allocation past it fails with [`HeapFull`],
//! which the executor makes a trap after one collection did not help.

mod collect;
pub mod layout;
mod objects;

pub use layout::{Layout, Trace};
pub use objects::{element_range, read_element, write_element, ArrayError, Object};

use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::{ExnAddr, RawVal, TypeId};

/// An exception instance: a tag's address and the values thrown with it, packed one
/// cell each (two for a `v128`).
#[derive(Debug, Clone)]
pub struct ExnInst {
    pub tag: u32,
    pub payload: Box<[RawVal]>,
    /// Which cells of `payload` hold a reference to trace and how: bit `i` for cell `i`
    /// in `internal` (the `any` and `exn` hierarchies) or `external` (`extern`), or all
    /// bits when one lies past the 64th cell, and then every cell is traced as if it
    /// might be one.
    pub internal: u64,
    pub external: u64,
}

/// A slot, with how many objects it has held before: a handle that the embedder keeps
/// names an object by slot and generation, so that it never reaches the slot's next
/// object once its own is freed.
#[derive(Debug)]
enum Slot {
    Live {
        object: Object,
        marked: bool,
        generation: u32,
    },
    Free {
        next: Option<u32>,
        generation: u32,
    },
}

/// The bytes every object costs besides its contents: its slot.
const SLOT_BYTES: usize = core::mem::size_of::<Slot>();

/// The budget of a heap nobody set one for: 1 GiB, or all the address space of a
/// smaller machine.
pub const DEFAULT_BUDGET: usize = if usize::BITS >= 32 {
    (1u64 << 30) as usize
} else {
    usize::MAX
};

/// The heap: until the first object it is only a few words (on a device, of the stack
/// frame that holds the store), and allocates nothing.
#[derive(Debug)]
pub struct Heap {
    /// The objects, made on the first allocation: empty, or one.
    objects: Box<[Objects]>,
    /// The most bytes the heap may hold.
    budget: usize,
    /// Runs under way or paused: only the innermost's frames are roots the collector
    /// is shown, so it collects only while this is at most one. (A paused call that is
    /// dropped leaves it raised: the store then collects no more, a leak, never a loss.)
    pub suspended: u32,
    /// Collect after every so many allocations (see [`Heap::set_zeal`]); 0 for never.
    zeal: u32,
}

impl Default for Heap {
    fn default() -> Self {
        Self {
            objects: Box::new([]),
            budget: DEFAULT_BUDGET,
            suspended: 0,
            zeal: 0,
        }
    }
}

/// The objects and the bookkeeping of collections.
#[derive(Debug, Default)]
struct Objects {
    slots: Vec<Slot>,
    free: Option<u32>,
    /// Live objects, as of the last collection and the allocations since.
    live: usize,
    /// Bytes the live objects take (slots and contents), likewise.
    bytes: usize,
    /// Bytes allocated since the last collection.
    since_collect: usize,
    /// Objects allocated since the last collection (for [`Heap::set_zeal`]).
    allocations_since: u32,
    /// Bytes that survived the last collection.
    survived: usize,
    /// What [`HeapStats`] reports besides.
    peak: usize,
    allocated: u64,
    collections: u64,
    /// The objects the embedder holds, latest last, each as often as it is held.
    roots: core::cell::RefCell<Vec<u32>>,
    /// The payload of the exception being unwound, kept between throws so that a throw
    /// allocates nothing once it has grown; a root while it is.
    scratch: Vec<RawVal>,
    /// Which of its cells hold references (`internal`, `external`), as an exception
    /// instance's masks say.
    scratch_traces: (u64, u64),
    /// The layout of each defined type's objects, by type id.
    layouts: Vec<Layout>,
    /// A cap on the marking's queue, which only tests set.
    mark_limit: Option<usize>,
}

/// What a heap holds and has done, for embedders and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Live objects, as of the last collection and the allocations since.
    pub objects: usize,
    /// Bytes they take (contents and slots), as the budget counts them.
    pub bytes: usize,
    /// The most bytes the heap ever held at once.
    pub peak_bytes: usize,
    /// Bytes allocated in all, freed or not.
    pub allocated_bytes: u64,
    /// Collections run.
    pub collections: u64,
}

/// A heap that reached its budget allocates no more: a trap, never an abort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapFull;

/// Bytes to allocate between collections at least; more when more survive, so that
/// the cost of collecting stays proportional to what was allocated and the heap stays
/// within twice its live data and this.
const MIN_BETWEEN_COLLECTIONS: usize = if usize::BITS >= 32 {
    (256u64 * 1024) as usize
} else {
    // A 16-bit machine: a few KiB is much of its RAM.
    4 * 1024
};

impl Heap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the most bytes the heap may hold: objects' contents and their slots.
    pub fn set_budget(&mut self, bytes: usize) {
        self.budget = bytes;
    }

    /// Every `period`-th allocation collects first (0: only when due): slow, and a
    /// test of roots, since an object a root misses is freed soon after.
    pub fn set_zeal(&mut self, period: u32) {
        self.zeal = period;
    }

    /// The most bytes the heap may hold.
    pub fn budget(&self) -> usize {
        self.budget
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

    /// Bytes the heap holds, as of the last collection and the allocations since.
    pub fn bytes(&self) -> usize {
        self.objects().map_or(0, |o| o.bytes)
    }

    /// What the heap holds and has done.
    pub fn stats(&self) -> HeapStats {
        self.objects().map_or(HeapStats::default(), |o| HeapStats {
            objects: o.live,
            bytes: o.bytes,
            peak_bytes: o.peak,
            allocated_bytes: o.allocated,
            collections: o.collections,
        })
    }

    /// Whether the next allocation, of `bytes` contents, should collect first: enough
    /// was allocated since the last collection, or it would not fit the budget (never
    /// while a run other than the innermost is under way).
    pub fn wants_collection(&self, bytes: usize) -> bool {
        let Some(o) = self.objects() else {
            return false;
        };
        if self.suspended > 1 {
            return false;
        }
        if self.zeal > 0 && o.allocations_since >= self.zeal {
            return true;
        }
        // Past the budget it collects even if nothing was allocated since: the roots
        // may have changed (a trap ended the call that held everything). Each time
        // the allocation then fails, the run traps, so this does not repeat.
        o.since_collect >= MIN_BETWEEN_COLLECTIONS.max(o.survived)
            || o.bytes.saturating_add(bytes).saturating_add(SLOT_BYTES) > self.budget
    }

    /// The layout of type `ty`'s objects, if it was set.
    pub fn layout(&self, ty: TypeId) -> Option<&Layout> {
        match self.objects()?.layouts.get(ty.0 as usize)? {
            Layout::Unknown => None,
            l => Some(l),
        }
    }

    /// Records the layout of type `ty`'s objects.
    pub fn set_layout(&mut self, ty: TypeId, layout: Layout) -> Result<(), HeapFull> {
        let layouts = &mut self.objects_mut()?.layouts;
        let i = ty.0 as usize;
        if layouts.len() <= i {
            layouts
                .try_reserve(i + 1 - layouts.len())
                .map_err(|_| HeapFull)?;
            layouts.resize(i + 1, Layout::Unknown);
        }
        layouts[i] = layout;
        Ok(())
    }

    /// A new object, which takes `bytes` of contents.
    fn alloc(&mut self, object: Object, bytes: usize) -> Result<u32, HeapFull> {
        let budget = self.budget;
        self.objects_mut()?.alloc(object, bytes, budget)
    }

    /// Whether `bytes` more of contents fit the budget: checked before they are
    /// allocated, so that a huge array is refused, never attempted.
    pub fn fits(&self, bytes: usize) -> bool {
        let used = self.objects().map_or(0, |o| o.bytes);
        used.checked_add(bytes)
            .and_then(|b| b.checked_add(SLOT_BYTES))
            .is_some_and(|b| b <= self.budget)
    }

    /// A new exception instance; see [`ExnInst`] for `internal` and `external`.
    pub fn alloc_exn(
        &mut self,
        tag: u32,
        payload: &[RawVal],
        internal: u64,
        external: u64,
    ) -> Result<ExnAddr, HeapFull> {
        let bytes = payload.len() * 8 + core::mem::size_of::<ExnInst>();
        if !self.fits(bytes) {
            return Err(HeapFull);
        }
        let cells = objects::copy_cells(payload.iter().map(|c| c.0), payload.len())?;
        let exn = ExnInst {
            tag,
            payload: cells.iter().map(|&c| RawVal(c)).collect(),
            internal,
            external,
        };
        let mut b = Vec::new();
        b.try_reserve_exact(1).map_err(|_| HeapFull)?;
        b.push(exn);
        let exn: Box<[ExnInst]> = b.into_boxed_slice();
        self.alloc(Object::Exn(exn), bytes).map(ExnAddr)
    }

    /// A new exception instance whose payload is the scratch buffer's.
    pub fn alloc_exn_from_scratch(
        &mut self,
        tag: u32,
        internal: u64,
        external: u64,
    ) -> Result<ExnAddr, HeapFull> {
        let payload = core::mem::take(&mut self.objects_mut()?.scratch);
        let r = self.alloc_exn(tag, &payload, internal, external);
        self.objects_mut()?.scratch = payload;
        r
    }

    /// A new struct of type `ty`, whose layout is set, with the fields' cells.
    pub fn alloc_struct(&mut self, ty: TypeId, fields: &[u64]) -> Result<u32, HeapFull> {
        self.alloc_struct_from(ty, fields.iter().copied(), fields.len())
    }

    /// A new struct of type `ty`, whose layout is set, with the `len` cells of `fields`.
    pub fn alloc_struct_from(
        &mut self,
        ty: TypeId,
        fields: impl Iterator<Item = u64>,
        len: usize,
    ) -> Result<u32, HeapFull> {
        let bytes = len * 8;
        if !self.fits(bytes) {
            return Err(HeapFull);
        }
        if len <= 2 {
            let mut cells = [0; 2];
            cells.iter_mut().zip(fields).for_each(|(c, f)| *c = f);
            let len = len as u8;
            return self.alloc(Object::SmallStruct { ty, len, cells }, bytes);
        }
        let fields = objects::copy_cells(fields, len)?;
        self.alloc(Object::Struct { ty, fields }, bytes)
    }

    /// A new array of type `ty`, of elements of `size` bytes, with `len` elements
    /// that `init` fills (given the bytes, zeroed).
    pub fn alloc_array(
        &mut self,
        ty: TypeId,
        size: u8,
        len: u32,
        init: impl FnOnce(&mut [u8]),
    ) -> Result<u32, HeapFull> {
        let bytes = (len as usize).checked_mul(size as usize).ok_or(HeapFull)?;
        if !self.fits(bytes) {
            return Err(HeapFull);
        }
        let mut v = Vec::new();
        v.try_reserve_exact(bytes).map_err(|_| HeapFull)?;
        v.resize(bytes, 0);
        init(&mut v);
        let object = Object::Array {
            ty,
            size,
            bytes: v.into_boxed_slice(),
        };
        self.alloc(object, bytes)
    }

    /// The object at slot `addr`, if it is live.
    pub fn object(&self, addr: u32) -> Option<&Object> {
        self.objects()?.object(addr)
    }

    /// The object at slot `addr`, if it is live, to change.
    pub fn object_mut(&mut self, addr: u32) -> Option<&mut Object> {
        match self.objects.first_mut()?.slots.get_mut(addr as usize)? {
            Slot::Live { object, .. } => Some(object),
            Slot::Free { .. } => None,
        }
    }

    /// The buffer for the payload of the exception being unwound, emptied.
    /// The payload being thrown, cleared for a new one whose cells hold references as
    /// `internal` and `external` say (as an exception instance's masks do).
    pub fn scratch(
        &mut self,
        (internal, external): (u64, u64),
    ) -> Result<&mut Vec<RawVal>, HeapFull> {
        let o = self.objects_mut()?;
        o.scratch.clear();
        o.scratch_traces = (internal, external);
        Ok(&mut o.scratch)
    }

    /// Forgets the payload being thrown: the unwinding is over, and the payload is
    /// where it was delivered (or in an exception instance), no longer a root here.
    pub fn clear_scratch(&mut self) {
        if let Some(o) = self.objects.first_mut() {
            o.scratch.clear();
            o.scratch_traces = (0, 0);
        }
    }

    /// Puts the payload of the exception at `addr` in the scratch buffer and returns its
    /// tag; `Ok(None)` if there is no such exception.
    pub fn scratch_from(&mut self, addr: ExnAddr) -> Result<Option<u32>, HeapFull> {
        let o = self.objects_mut()?;
        o.scratch.clear();
        let Some(Object::Exn(exn)) = o.object(addr.0) else {
            return Ok(None);
        };
        let Some(exn) = exn.first() else {
            return Ok(None);
        };
        let (tag, payload) = (exn.tag, exn.payload.clone());
        o.scratch_traces = (exn.internal, exn.external);
        o.scratch.try_reserve(payload.len()).map_err(|_| HeapFull)?;
        o.scratch.extend_from_slice(&payload);
        Ok(Some(tag))
    }

    /// What the scratch buffer holds.
    pub fn scratch_cells(&self) -> &[RawVal] {
        self.objects().map_or(&[], |o| &o.scratch)
    }

    /// The exception instance at `addr`, if it is live.
    pub fn exn(&self, addr: ExnAddr) -> Option<&ExnInst> {
        match self.object(addr.0)? {
            Object::Exn(e) => e.first(),
            _ => None,
        }
    }

    /// The generation of the object at `addr`, if it is live: with the address, what
    /// names this object and no later one in the same slot.
    pub fn generation(&self, addr: u32) -> Option<u32> {
        match self.objects()?.slots.get(addr as usize)? {
            Slot::Live { generation, .. } => Some(*generation),
            Slot::Free { .. } => None,
        }
    }

    /// Keeps the object at `addr` alive until [`Heap::unroot`] or
    /// [`Heap::truncate_roots`] lets go of it: the embedder holds it. Through a shared
    /// reference, because the host's values are made where only that is at hand; false
    /// if the allocator refused (then it is not held).
    pub fn root(&self, addr: u32) -> bool {
        let Some(o) = self.objects() else {
            return false;
        };
        let Ok(mut roots) = o.roots.try_borrow_mut() else {
            return false;
        };
        if roots.try_reserve(1).is_err() {
            return false;
        }
        roots.push(addr);
        true
    }

    /// Lets go of the latest [`Heap::root`] of `addr`.
    pub fn unroot(&mut self, addr: u32) {
        let Some(o) = self.objects.first_mut() else {
            return;
        };
        let roots = o.roots.get_mut();
        if let Some(i) = roots.iter().rposition(|&a| a == addr) {
            roots.remove(i);
        }
    }

    /// How many references the embedder holds now, counted once per hold.
    pub fn roots(&self) -> usize {
        self.objects()
            .and_then(|o| o.roots.try_borrow().ok().map(|r| r.len()))
            .unwrap_or(0)
    }

    /// Lets go of the holds `range` (positions as [`Heap::roots`] counts them).
    pub fn remove_roots(&mut self, range: core::ops::Range<usize>) {
        if let Some(o) = self.objects.first_mut() {
            let roots = o.roots.get_mut();
            let end = range.end.min(roots.len());
            roots.drain(range.start.min(end)..end);
        }
    }

    /// Lets go of every hold after the first `n` (see [`Heap::roots`]).
    pub fn truncate_roots(&mut self, n: usize) {
        if let Some(o) = self.objects.first_mut() {
            o.roots.get_mut().truncate(n);
        }
    }

    /// Frees every object that neither a root nor a live object refers to. `roots`
    /// calls its argument with each root cell and how to read it; the heap adds the
    /// embedder's holds and the exception being unwound.
    pub fn collect(&mut self, roots: impl FnOnce(&mut dyn FnMut(u64, Trace))) {
        if let Some(o) = self.objects.first_mut() {
            o.collect(roots);
        }
    }
}

impl Objects {
    fn alloc(&mut self, object: Object, bytes: usize, budget: usize) -> Result<u32, HeapFull> {
        let total = self
            .bytes
            .checked_add(bytes)
            .and_then(|b| b.checked_add(SLOT_BYTES))
            .filter(|&b| b <= budget)
            .ok_or(HeapFull)?;
        let addr = match self.free {
            Some(i) => {
                let generation = match self.slots[i as usize] {
                    Slot::Free { next, generation } => {
                        self.free = next;
                        generation
                    }
                    Slot::Live { .. } => return Err(HeapFull),
                };
                self.slots[i as usize] = Slot::Live {
                    object,
                    marked: false,
                    generation,
                };
                i
            }
            None => {
                // The cell of an object is its slot plus one, in 32 bits.
                if self.slots.len() >= u32::MAX as usize - 1 {
                    return Err(HeapFull);
                }
                self.slots.try_reserve(1).map_err(|_| HeapFull)?;
                self.slots.push(Slot::Live {
                    object,
                    marked: false,
                    generation: 0,
                });
                self.slots.len() as u32 - 1
            }
        };
        self.live += 1;
        self.bytes = total;
        self.peak = self.peak.max(total);
        self.allocated += (bytes + SLOT_BYTES) as u64;
        self.since_collect += bytes + SLOT_BYTES;
        self.allocations_since = self.allocations_since.saturating_add(1);
        Ok(addr)
    }

    fn object(&self, addr: u32) -> Option<&Object> {
        match self.slots.get(addr as usize)? {
            Slot::Live { object, .. } => Some(object),
            Slot::Free { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests;
