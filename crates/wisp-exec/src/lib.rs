//! Execution: translation into Wisp's IR, the value and call stacks, instantiation,
//! invocation, fuel, and the dispatch loop.
//!
//! Spec: <https://webassembly.github.io/spec/core/exec/index.html>
//!
//! The hot loop lives in [`exec`] and nowhere else. Wasm calls never recurse on the host's
//! stack: a call pushes a [`stack::Frame`] on a heap vector, so recursion depth is bounded
//! by configuration, not by the host thread's stack. A call to a host function runs it
//! through the embedder's [`Host`] from inside the loop; a host function that fails, and
//! running out of fuel, leave the loop with its frames kept, to be resumed.
// `unsafe` only in the dispatch loop (`exec`), which allows it.
#![deny(unsafe_code)]
#![no_std]
extern crate alloc;

#[cfg(feature = "gc")]
mod aggregate;
#[cfg(feature = "compile")]
mod compile;
mod const_eval;
#[allow(unsafe_code)]
pub(crate) mod exec;
pub mod image;
mod instantiate;
pub mod ir;
pub mod offsets;
pub mod refmap;
mod stack;
#[cfg(feature = "compile")]
pub mod translate;

#[cfg(feature = "compile")]
pub use compile::{compile, compile_eager, compile_prevalidated};
#[cfg(feature = "exceptions")]
pub use exec::run_throwing;
pub use exec::{
    collect_garbage, op_tag, run, Code, FrameState, Host, RunError, RunResult, TraceFrame, Trap,
};
pub use instantiate::{instantiate, InstantiateError, Instantiated, Limits};
pub use stack::{Stack, StackLimits};
#[cfg(feature = "compile")]
pub use translate::{TranslateConfig, TranslateError};

use alloc::boxed::Box;
use ir::Slot;
pub use refmap::RefMap;
use wisp_parse::{Module, ParseError, ParseErrorKind};

/// The store as the executor uses it: Wasm functions carry a [`CodeRef`].
pub type ExecStore = wisp_store::Store<CodeRef>;

/// A translated function body.
///
/// The call path indexes arrays of these, so it stays 32 bytes on 64-bit hosts (a
/// power of two: one shift per index); what only a throw reads is behind a pointer.
#[derive(Debug)]
pub struct CompiledFunc {
    /// The instructions: owned, or in place in an image.
    pub ops: Code,
    /// Cells taken by the parameters (two for each `v128`).
    pub n_params: u32,
    /// Cells the frame needs: locals plus the deepest operand stack.
    pub frame_size: u32,
    /// What only a throw or a collection reads, if there is any: the exception
    /// handlers and the reference map.
    pub rare: Option<Box<Rare>>,
}

/// The parts of a function's code that only a throw or a collection reads.
#[derive(Debug, Default)]
pub struct Rare {
    /// The exception handlers, innermost first.
    pub handlers: Box<[Catch]>,
    /// Where the frame's references are, if the function has any. Behind a pointer of
    /// its own: most functions have none but keep their offsets here, and the map's
    /// three lists would make every `Rare` twice the size.
    pub refs: Option<Box<RefMap>>,
    /// Where each instruction came from in the module, if translation kept it.
    pub offsets: Option<offsets::OffsetMap>,
}

impl CompiledFunc {
    /// The index of the instruction that a trace's `ip` (just past it) points after, if
    /// `ip` is in this function's code.
    pub fn instruction_at(&self, ip: usize) -> Option<u32> {
        let start = self.ops.as_ptr() as usize;
        let size = core::mem::size_of::<ir::Op>();
        let past = ip.checked_sub(start)? / size;
        if past == 0 || past > self.ops.len() {
            return None;
        }
        u32::try_from(past - 1).ok()
    }

    /// The module offset of the Wasm instruction that a trace's `ip` was running, if
    /// the function kept its offsets.
    pub fn code_offset(&self, ip: usize) -> Option<u32> {
        let index = self.instruction_at(ip)?;
        self.rare.as_ref()?.offsets.as_ref()?.lookup(index)
    }

    /// The exception handlers, innermost first.
    pub fn handlers(&self) -> &[Catch] {
        self.rare.as_deref().map_or(&[], |r| &r.handlers)
    }

    /// Where the frame's references are, if the function has any.
    pub fn refs(&self) -> Option<&RefMap> {
        self.rare.as_deref()?.refs.as_deref()
    }
}

/// One exception handler of a function: a `catch` clause of a `try_table`, or of a
/// legacy `try`, or a legacy `delegate`. Positions are instruction indices.
/// Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-try-table-xref-syntax-instructions-syntax-blocktype-mathit-blocktype-xref-syntax-instructions-syntax-catch-mathit-catch-ast-xref-syntax-instructions-syntax-instr-mathit-instr-ast-xref-syntax-instructions-syntax-instr-control-mathsf-end>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Catch {
    /// The instructions it covers: `start..end`.
    pub start: u32,
    pub end: u32,
    /// The module's tag it catches; [`Catch::ALL`] for `catch_all`.
    pub tag: u32,
    /// What it does: [`Catch::REF`], [`Catch::WIDE`], [`Catch::DELEGATE`] bits.
    pub kind: u8,
    /// How many blocks enclose the clause's `try` in its function: a `delegate` passes
    /// the exception on to the handlers at or below its label's depth.
    pub depth: u32,
    /// The first cell of the values it delivers: the payload, then with
    /// [`Catch::REF`] the `exnref`.
    pub dst: Slot,
    /// Where a caught exception goes on (an instruction index), or for a `delegate` the
    /// depth of the label it delegates to.
    pub target: u32,
    /// Where a legacy `catch` keeps the exception for `rethrow`, or `u32::MAX`.
    pub keep: u32,
}

impl Catch {
    /// `tag` of a clause that catches every exception.
    pub const ALL: u32 = u32::MAX;
    /// The clause delivers an `exnref` after the payload (`catch_ref`, `catch_all_ref`).
    pub const REF: u8 = 1;
    /// The function is wide: one value per two cells.
    pub const WIDE: u8 = 2;
    /// A legacy `delegate`: no catch, the search goes on at `target`'s depth.
    pub const DELEGATE: u8 = 4;
}

/// The most fuel one instruction of translated code charges (a basic block longer than
/// this is charged in parts): a run given at least this much fuel makes progress, which
/// is what lets the embedder run Wasm in slices of fuel (epoch interruption does).
pub const MAX_BLOCK_FUEL: u32 = 10_000;

/// A function's code, translated once: threads may share the module where there are
/// threads. A pointer, so that the call path's check is one load, and a cell one
/// shift from the next.
#[cfg(all(target_has_atomic = "ptr", target_pointer_width = "64"))]
pub(crate) type CodeCell = once_cell::race::OnceBox<CompiledFunc>;
/// A function's code, translated once: threads may share the module. Inline, so that a
/// device's module takes no allocation per function.
#[cfg(all(
    target_has_atomic = "ptr",
    not(target_pointer_width = "64"),
    feature = "sync"
))]
pub(crate) type CodeCell = spin::Once<CompiledFunc>;
/// A function's code, translated once: one thread only.
#[cfg(not(any(
    all(target_has_atomic = "ptr", target_pointer_width = "64"),
    all(target_has_atomic = "ptr", feature = "sync")
)))]
pub(crate) type CodeCell = core::cell::OnceCell<CompiledFunc>;

/// A cell holding `code` already.
pub(crate) fn code_cell(code: CompiledFunc) -> CodeCell {
    #[cfg(all(target_has_atomic = "ptr", target_pointer_width = "64"))]
    return once_cell::race::OnceBox::with_value(alloc::boxed::Box::new(code));
    #[cfg(all(
        target_has_atomic = "ptr",
        not(target_pointer_width = "64"),
        feature = "sync"
    ))]
    return spin::Once::initialized(code);
    #[cfg(not(any(
        all(target_has_atomic = "ptr", target_pointer_width = "64"),
        all(target_has_atomic = "ptr", feature = "sync")
    )))]
    core::cell::OnceCell::from(code)
}

/// The cell's code: `code` if the cell was empty, else what another caller (another
/// thread, on a shared module) put there first.
#[cfg(feature = "compile")]
fn code_cell_init(cell: &CodeCell, code: CompiledFunc) -> &CompiledFunc {
    #[cfg(all(target_has_atomic = "ptr", target_pointer_width = "64"))]
    return cell.get_or_init(|| alloc::boxed::Box::new(code));
    #[cfg(all(
        target_has_atomic = "ptr",
        not(target_pointer_width = "64"),
        feature = "sync"
    ))]
    return cell.call_once(|| code);
    #[cfg(not(any(
        all(target_has_atomic = "ptr", target_pointer_width = "64"),
        all(target_has_atomic = "ptr", feature = "sync")
    )))]
    cell.get_or_init(|| code)
}

/// An empty cell.
#[cfg(feature = "compile")]
pub(crate) fn code_cell_empty() -> CodeCell {
    CodeCell::new()
}

/// A decoded, validated module and its functions' code, translated on first use.
pub struct CompiledModule {
    pub module: Module,
    code: Box<[CodeCell]>,
    #[cfg(feature = "compile")]
    config: TranslateConfig,
}

impl CompiledModule {
    /// The code of defined function `idx`, translating it on first use.
    /// A function's code if it has been translated already: the call fast path.
    #[inline(always)]
    pub fn translated(&self, idx: usize) -> Option<&CompiledFunc> {
        self.code.get(idx)?.get()
    }

    /// The code cells of the defined functions, for the call fast path. The boxed slice
    /// never moves while the module lives.
    pub(crate) fn code_cells(&self) -> *const CodeCell {
        self.code.as_ptr()
    }

    pub fn code(&self, idx: usize) -> Result<&CompiledFunc, ParseError> {
        let cell = self
            .code
            .get(idx)
            // No function, so no offset to give.
            .ok_or_else(|| {
                ParseError::with_kind(ParseErrorKind::Internal, "unknown function", 0)
            })?;
        if let Some(c) = cell.get() {
            return Ok(c);
        }
        #[cfg(feature = "compile")]
        {
            let c = translate::translate(&self.module, idx, self.config)?;
            Ok(code_cell_init(cell, c))
        }
        #[cfg(not(feature = "compile"))]
        Err(ParseError::with_kind(
            ParseErrorKind::Image,
            "function was not translated ahead of time",
            self.module.body_offset(idx),
        ))
    }
}

/// The code of a Wasm function instance: its module and its index among the module's
/// defined functions.
#[derive(Clone)]
pub struct CodeRef {
    pub module: wisp_types::sync::Shared<CompiledModule>,
    pub index: u32,
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    /// The call path scales indices by the cell's size; a power of two is one shift.
    #[test]
    fn code_cells_stay_a_power_of_two() {
        assert_eq!(core::mem::size_of::<super::CompiledFunc>(), 32);
        assert!(core::mem::size_of::<super::CodeCell>().is_power_of_two());
    }
}
