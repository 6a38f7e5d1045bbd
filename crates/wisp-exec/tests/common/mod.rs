//! Helpers shared by the translator's tests.
#![allow(dead_code)]

use wisp_exec::ir::{InstrIdx, Op};
use wisp_exec::{compile, TranslateConfig};

/// The code of the module's first defined function.
pub fn ops(text: &str) -> Vec<Op<InstrIdx>> {
    ops_of(text, 0)
}

/// The code of the module's `func`th defined function.
pub fn ops_of(text: &str, func: usize) -> Vec<Op<InstrIdx>> {
    // The forms without pairs, which `paired_ops_of` shows.
    paired_ops_of(text, func)
        .into_iter()
        .map(Op::unpaired)
        .collect()
}

/// [`ops_of`] with its pairs (`Op::paired`).
pub fn paired_ops_of(text: &str, func: usize) -> Vec<Op<InstrIdx>> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let m = compile(&bytes, Default::default(), TranslateConfig::default()).unwrap();
    // Branch targets are stored relative to the branch; the tests read them absolute.
    wisp_exec::ir::unfinish(&m.code(func).unwrap().ops)
}
