//! Which declared locals a function may read before it has set them: only those need
//! their default value written on entry.
//!
//! The definite assignment of Java and C#, over Wasm's structured control: a local is
//! assigned at a point if every path from the entry to it sets it. Compiled code (SSA
//! turned into locals) sets a local before every read, so most functions need nothing
//! zeroed on entry, where the prefix alone ([`super::prefix`]) stops at the first branch
//! or call. It runs inside the translator's walk, one step per operator already decoded:
//! run as a pass of its own, decoding the body a second time cost a quarter of the
//! translation time.
//!
//! Exceptions are taken conservatively: a handler starts with what was assigned where
//! its `try` began. The analysis gives up (every local is zeroed) past a work budget
//! linear in the body, so that a body of many locals and many blocks costs no more than
//! it does without it.
//!
//! Spec (locals start at their type's default value):
//! <https://webassembly.github.io/spec/core/exec/instructions.html#function-calls>

use super::wasmparser;
use alloc::vec::Vec;

/// What arrives at a block's end and what held where it began. Their bits are in
/// [`Assigned::pool`], two runs of `words` for each open frame, so that entering a block
/// allocates nothing.
struct Frame {
    is_loop: bool,
    /// An `if` that has had no `else`: its end is also reached from its start.
    bare_if: bool,
    /// Whether any path reaches the block's start, and its end (so far).
    entry_reached: bool,
    end_reached: bool,
}

/// The analysis of one body, fed each operator in order.
pub(super) struct Assigned {
    params: usize,
    declared: usize,
    /// `u64`s per set of locals.
    words: usize,
    /// The locals assigned on every path to the current point, one bit each.
    state: Vec<u64>,
    /// Whether any path reaches the current point (not after a branch, a return or a
    /// trap); where none does, any state may stand for it.
    reached: bool,
    frames: Vec<Frame>,
    /// For each open frame, its entry state and then its end state.
    pool: Vec<u64>,
    /// For each declared local, whether some path may read it before setting it.
    read_first: Vec<bool>,
    work: usize,
    budget: usize,
    /// Past the budget, or a body it could not follow: every local is to be zeroed.
    gave_up: bool,
}

/// `into` becomes the intersection of what reaches a point so far (`into`, if
/// `reached`) and one more path's state.
fn meet(into: &mut [u64], reached: &mut bool, from: &[u64]) {
    if *reached {
        for (x, y) in into.iter_mut().zip(from) {
            *x &= y;
        }
    } else {
        for (x, y) in into.iter_mut().zip(from) {
            *x = *y;
        }
        *reached = true;
    }
}

impl Assigned {
    /// At the entry of a body of `body_len` bytes whose `locals` include `params`
    /// parameters: nothing declared is assigned yet.
    pub(super) fn new(params: usize, locals: usize, body_len: usize) -> Assigned {
        let declared = locals.saturating_sub(params);
        let words = declared.div_ceil(64);
        Assigned {
            params,
            declared,
            words,
            state: alloc::vec![0u64; words],
            reached: true,
            frames: alloc::vec![Frame {
                is_loop: false,
                bare_if: false,
                entry_reached: true,
                end_reached: false,
            }],
            pool: alloc::vec![0u64; 2 * words],
            read_first: alloc::vec![false; declared],
            work: 0,
            budget: (1usize << 16).saturating_add(16usize.saturating_mul(body_len)),
            gave_up: false,
        }
    }

    /// For each declared local, whether some path may read it before setting it; `None`
    /// if the analysis gave up, when every one must be zeroed.
    pub(super) fn finish(self) -> Option<Vec<bool>> {
        (!self.gave_up && self.frames.is_empty()).then_some(self.read_first)
    }

    /// Counts local `index` as read where it may not have been set: a translator that
    /// relies on its default value (skipping a write of the zero it holds) says so.
    pub(super) fn relies_on_default(&mut self, index: u32) {
        if let Some(d) = self.declared_index(index) {
            self.read_first[d] = true;
        }
    }

    fn declared_index(&self, index: u32) -> Option<usize> {
        (index as usize)
            .checked_sub(self.params)
            .filter(|&d| d < self.declared)
    }

    /// Takes in `op`, the next operator of the body.
    #[inline]
    pub(super) fn step(&mut self, op: &wasmparser::Operator<'_>) {
        use wasmparser::Operator as O;
        match *op {
            O::LocalGet { local_index } => {
                if let Some(d) = self.declared_index(local_index) {
                    if self.reached && self.state[d / 64] & (1 << (d % 64)) == 0 {
                        self.read_first[d] = true;
                    }
                }
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                if let Some(d) = self.declared_index(local_index) {
                    self.state[d / 64] |= 1 << (d % 64);
                }
            }
            // Control is all else that counts: the rest goes by without a call.
            O::Block { .. }
            | O::Loop { .. }
            | O::If { .. }
            | O::Else
            | O::End
            | O::Br { .. }
            | O::BrIf { .. }
            | O::BrTable { .. }
            | O::Return
            | O::Unreachable
            | O::Try { .. }
            | O::TryTable { .. }
            | O::Catch { .. }
            | O::CatchAll
            | O::Delegate { .. }
            | O::Throw { .. }
            | O::ThrowRef
            | O::Rethrow { .. }
            | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. }
            | O::ReturnCallRef { .. }
            | O::BrOnNull { .. }
            | O::BrOnNonNull { .. }
            | O::BrOnCast { .. }
            | O::BrOnCastFail { .. } => self.control(op),
            _ => {}
        }
    }

    /// Takes in a control operator.
    fn control(&mut self, op: &wasmparser::Operator<'_>) {
        use wasmparser::Operator as O;
        if self.gave_up {
            return;
        }
        match *op {
            O::Block { .. } | O::Try { .. } => self.open(false, false),
            O::Loop { .. } => self.open(true, false),
            O::If { .. } => self.open(false, true),
            O::TryTable { ref try_table } => {
                // A catch may be taken before the body has set anything.
                for c in &try_table.catches {
                    let (wasmparser::Catch::One { label, .. }
                    | wasmparser::Catch::OneRef { label, .. }
                    | wasmparser::Catch::All { label }
                    | wasmparser::Catch::AllRef { label }) = *c;
                    self.branch(label);
                }
                self.open(false, false);
            }
            O::Else | O::Catch { .. } | O::CatchAll => self.restart_frame(),
            O::End | O::Delegate { .. } => self.close(),
            O::Br { relative_depth } => {
                self.branch(relative_depth);
                self.reached = false;
            }
            O::BrIf { relative_depth }
            | O::BrOnNull { relative_depth }
            | O::BrOnNonNull { relative_depth }
            | O::BrOnCast { relative_depth, .. }
            | O::BrOnCastFail { relative_depth, .. } => self.branch(relative_depth),
            O::BrTable { ref targets } => {
                // A table repeats its targets: one meet per run of the same label.
                let mut last = None;
                for depth in targets
                    .targets()
                    .chain(core::iter::once(Ok(targets.default())))
                {
                    match depth {
                        Ok(depth) if last == Some(depth) => {}
                        Ok(depth) => {
                            self.branch(depth);
                            last = Some(depth);
                        }
                        Err(_) => self.gave_up = true,
                    }
                }
                self.reached = false;
            }
            O::Return
            | O::Unreachable
            | O::Throw { .. }
            | O::ThrowRef
            | O::Rethrow { .. }
            | O::ReturnCall { .. }
            | O::ReturnCallIndirect { .. }
            | O::ReturnCallRef { .. } => self.reached = false,
            _ => {}
        }
        if self.work > self.budget {
            self.gave_up = true;
        }
    }

    /// Joins the state here into the target of a branch `depth` labels out. A loop's
    /// label is its start, which anything assigned before the loop already reaches, so
    /// a branch back to it changes nothing.
    #[inline]
    fn branch(&mut self, depth: u32) {
        let Some(i) = self.frames.len().checked_sub(1 + depth as usize) else {
            self.gave_up = true;
            return;
        };
        self.work += self.words + 1;
        if self.frames[i].is_loop || !self.reached {
            return;
        }
        let mut end_reached = self.frames[i].end_reached;
        let w = self.words;
        let at_end = &mut self.pool[2 * w * i + w..2 * w * (i + 1)];
        meet(at_end, &mut end_reached, &self.state);
        self.frames[i].end_reached = end_reached;
    }

    fn open(&mut self, is_loop: bool, bare_if: bool) {
        self.work += 2 * self.words + 1;
        self.frames.push(Frame {
            is_loop,
            bare_if,
            entry_reached: self.reached,
            end_reached: false,
        });
        // Pushed a word at a time: most bodies have one word, too few for `memcpy`.
        for k in 0..self.words {
            self.pool.push(self.state[k]);
        }
        for _ in 0..self.words {
            self.pool.push(0);
        }
    }

    /// At an `else` or a `catch`: what reached here goes to the end, and control starts
    /// again from the frame's entry.
    fn restart_frame(&mut self) {
        let Some(i) = self.frames.len().checked_sub(1) else {
            self.gave_up = true;
            return;
        };
        self.work += 2 * self.words + 1;
        let (reached, mut end_reached) = (self.reached, self.frames[i].end_reached);
        self.frames[i].bare_if = false;
        self.reached = self.frames[i].entry_reached;
        let w = self.words;
        let (entry, at_end) = self.pool[2 * w * i..2 * w * (i + 1)].split_at_mut(w);
        if reached {
            meet(at_end, &mut end_reached, &self.state);
        }
        for (x, y) in self.state.iter_mut().zip(entry.iter()) {
            *x = *y;
        }
        self.frames[i].end_reached = end_reached;
    }

    /// At a block's `end`: control goes on with what reaches it.
    fn close(&mut self) {
        let Some(f) = self.frames.pop() else {
            self.gave_up = true;
            return;
        };
        let i = self.frames.len();
        self.work += 2 * self.words + 1;
        if !f.is_loop {
            let (reached, mut end_reached) = (self.reached, f.end_reached);
            let w = self.words;
            let (entry, at_end) = self.pool[2 * w * i..2 * w * (i + 1)].split_at_mut(w);
            if f.bare_if && f.entry_reached {
                meet(at_end, &mut end_reached, entry);
            }
            if reached {
                meet(at_end, &mut end_reached, &self.state);
            }
            for (x, y) in self.state.iter_mut().zip(at_end.iter()) {
                *x = *y;
            }
            self.reached = end_reached;
        }
        self.pool.truncate(2 * self.words * i);
    }
}
