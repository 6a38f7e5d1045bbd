//! Reference maps: which cells of a suspended frame hold references to heap objects,
//! so that the collector's roots in the value stack are precise.
//!
//! A frame can only be stopped where a collection may start: at an instruction that
//! allocates (`struct.new*`, `array.new*`, `throw`) or at a call, where it waits for its
//! callee. The translator records each such *safepoint* by the index of the instruction
//! execution resumes at (the one after the safepoint's instruction and its `Arg`s, which
//! is where a suspended frame's return address, or the running frame's `ip`, points).
//!
//! What a safepoint roots:
//! - the locals of a reference type, for the whole function ([`RefMap::locals`]): their
//!   cells always hold a reference, null until set;
//! - the operand-stack values of a reference type that sit in their own cells at that
//!   point. A value that is still an alias of a local, or a constant (`ref.null`), has no
//!   cell of its own and needs none. These lists would cost safepoints x stack height if
//!   each safepoint had its own, so they share a tree ([`RefMap::nodes`]): a node is a
//!   cell and the node of the next reference below it, and a safepoint names its topmost
//!   node. Pushing a value adds at most one node, so the tree is linear in the code.
//!
//! Functions without references have no map at all, and code that never allocates never
//! reads one: the maps cost the scalar loop nothing.

use alloc::boxed::Box;
use wisp_store::gc::Trace;

/// A function's reference map (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefMap {
    /// The cells of the locals of a reference type (and of the exceptions a legacy
    /// `catch` keeps for `rethrow`), each with [`RefMap::EXTERNAL`] if it is of the
    /// `extern` hierarchy.
    pub locals: Box<[u32]>,
    /// The safepoints, sorted by the instruction index execution resumes at: that index,
    /// and the topmost node of the operand values it roots plus one (0 for none).
    pub points: Box<[(u32, u32)]>,
    /// The operand cells: a cell (with [`RefMap::EXTERNAL`]) and the node below it plus
    /// one (0 for none). A node's parent always comes before it, so every chain ends.
    pub nodes: Box<[(u32, u32)]>,
}

impl RefMap {
    /// Marks a cell of the `extern` hierarchy: an object there was made external.
    pub const EXTERNAL: u32 = 1 << 31;

    /// The cell and tracing of an entry of [`RefMap::locals`] or [`RefMap::nodes`].
    pub fn entry(e: u32) -> (u32, Trace) {
        if e & Self::EXTERNAL != 0 {
            (e & !Self::EXTERNAL, Trace::External)
        } else {
            (e, Trace::Internal)
        }
    }

    /// An entry for `cell`, traced as `trace` says (which is not [`Trace::No`]).
    pub fn encode(cell: u32, trace: Trace) -> u32 {
        match trace {
            Trace::External => cell | Self::EXTERNAL,
            _ => cell,
        }
    }

    /// Calls `root` with each cell of the frame that holds a reference while the frame
    /// is stopped before instruction `at`, and how it is traced. False if `at` is not a
    /// safepoint (the caller then has to fall back on something less precise).
    pub fn roots(&self, at: u32, mut root: impl FnMut(u32, Trace)) -> bool {
        let Ok(i) = self.points.binary_search_by_key(&at, |p| p.0) else {
            return false;
        };
        for &e in self.locals.iter() {
            let (cell, how) = Self::entry(e);
            root(cell, how);
        }
        let mut node = self.points[i].1;
        // Parents come first (checked when an image is read), so this ends; the bound
        // is for the reader's sake.
        for _ in 0..self.nodes.len() {
            let Some(&(e, parent)) = node.checked_sub(1).and_then(|n| self.nodes.get(n as usize))
            else {
                break;
            };
            let (cell, how) = Self::entry(e);
            root(cell, how);
            node = parent;
        }
        true
    }

    /// Whether the map is well formed for a function of `n` instructions and a frame
    /// of `frame_size` cells: what an image's map must be before it is trusted.
    pub fn is_valid(&self, n: usize, frame_size: u32) -> bool {
        let cell_ok = |e: u32| Self::entry(e).0 < frame_size;
        let nodes_ok = self
            .nodes
            .iter()
            .enumerate()
            .all(|(i, &(e, parent))| cell_ok(e) && (parent as usize) <= i);
        let points_ok = self.points.windows(2).all(|w| w[0].0 < w[1].0)
            && self
                .points
                .iter()
                .all(|&(at, node)| at as usize <= n && node as usize <= self.nodes.len());
        nodes_ok && points_ok && self.locals.iter().all(|&e| cell_ok(e))
    }
}
