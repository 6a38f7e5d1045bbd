//! Execution: translation into Wisp's IR, the value and call stacks, instantiation,
//! invocation, fuel, and the dispatch loop.
//!
//! Spec: <https://webassembly.github.io/spec/core/exec/index.html>
//!
//! The hot loop lives in [`exec`] and nowhere else. Wasm calls never recurse on the host's
//! stack: a call pushes a [`stack::Frame`] on a heap vector, so recursion depth is bounded
//! by configuration, not by the host thread's stack. A call to a host function returns to
//! the embedder with [`RunResult::HostCall`], which runs it and resumes the loop; that is
//! also how fuel exhaustion and, later, yielding host calls leave and re-enter it.
// `unsafe` only in the dispatch loop (`exec`), which allows it.
#![deny(unsafe_code)]
#![no_std]
extern crate alloc;

#[cfg(feature = "compile")]
mod compile;
mod const_eval;
#[allow(unsafe_code)]
pub(crate) mod exec;
pub mod image;
mod instantiate;
pub mod ir;
mod stack;
#[cfg(feature = "compile")]
pub mod translate;

#[cfg(feature = "compile")]
pub use compile::{compile, compile_eager};
pub use exec::{op_tag, run, RunError, RunResult, Trap};
pub use instantiate::{instantiate, InstantiateError, Instantiated, Limits};
pub use stack::{Stack, StackLimits};
#[cfg(feature = "compile")]
pub use translate::{TranslateConfig, TranslateError};

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::OnceCell;
use wisp_parse::{Module, ParseError, ParseErrorKind};

/// The store as the executor uses it: Wasm functions carry a [`CodeRef`].
pub type ExecStore = wisp_store::Store<CodeRef>;

/// A translated function body.
#[derive(Debug)]
pub struct CompiledFunc {
    pub ops: Box<[ir::Op]>,
    /// Cells taken by the parameters (two for each `v128`).
    pub n_params: u32,
    /// Cells taken by the parameters and declared locals.
    pub n_locals: u32,
    /// Cells taken by the results, packed at the start of the frame on return.
    pub n_results: u32,
    /// Cells the frame needs: locals plus the deepest operand stack.
    pub frame_size: u32,
}

/// A decoded, validated module and its functions' code, translated on first use.
pub struct CompiledModule {
    pub module: Module,
    code: Box<[OnceCell<CompiledFunc>]>,
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
    pub(crate) fn code_cells(&self) -> *const OnceCell<CompiledFunc> {
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
            Ok(cell.get_or_init(|| c))
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
    pub module: Rc<CompiledModule>,
    pub index: u32,
}
