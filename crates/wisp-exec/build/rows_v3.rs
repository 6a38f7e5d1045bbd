//! The rows of WebAssembly 3.0's control instructions: tail calls and exceptions.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions>
//!
//! Appended after every other family, so that adding them renumbered nothing.
//!
//! A tail call replaces the running frame with the callee's. Its callee may be a host
//! function, which has no frame to take over: then the instruction runs as an ordinary
//! call, and the `ReturnCells` the translator puts after every tail call returns the
//! results. The unwinder knows a frame waiting there for what it is, a frame that is
//! gone, and looks for no handler in it.
//!
//! `try_table` emits no instruction: its handlers are a table beside the code
//! (`CompiledFunc::handlers`), read only when something throws.

use crate::table::{row, Row, Ty::*};

const EXCEPTIONS: &str = "exceptions";
const TAIL_CALL: &str = "tail-call";

pub fn rows() -> Vec<Row> {
    vec![
        row(
            "ReturnCall",
            &[("func", Func), ("base", Slot)],
            "control::return_call",
        )
        .doc(
            "`return_call`: the arguments are in cells `base..`; the callee takes over the \
             frame.",
        )
        .feature(TAIL_CALL),
        row(
            "ReturnCallInternal",
            &[("func", DefinedFunc), ("base", Slot)],
            "control::return_call_internal",
        )
        .doc("A `return_call` of the module's own defined function `func`.")
        .feature(TAIL_CALL),
        row(
            "ReturnCallIndirect",
            &[("index", Slot), ("base", Slot), ("ty", Type)],
            "control::return_call_indirect",
        )
        .doc("`return_call_indirect`: followed by `Arg { a: table, .. }`.")
        .feature(TAIL_CALL),
        row(
            "ReturnCells",
            &[("src", Slot), ("len", Count)],
            "control::return_cells",
        )
        .doc(
            "Returns the `len` result cells at `src`: after a tail call that ran as an \
             ordinary call (of a host function).",
        )
        .feature(TAIL_CALL),
        row("Throw", &[("tag", Tag), ("base", Slot)], "exception::throw")
            .doc("`throw`: the payload is in cells `base..`, packed like call arguments.")
            .feature(EXCEPTIONS),
        row("ThrowRef", &[("exn", Slot)], "exception::throw_ref")
            .doc("`throw_ref` (and the legacy `rethrow`): throws the exception in `exn`.")
            .feature(EXCEPTIONS),
    ]
}
