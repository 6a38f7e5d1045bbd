//! Validation: wasmparser's validator, driven with the features Wisp's `Config` enables.
//!
//! Spec: <https://webassembly.github.io/spec/core/valid/index.html>
//!
//! We do not write a second validator. This crate maps Wisp's feature set onto
//! wasmparser's and feeds it the module's payloads. Every function body is validated
//! eagerly, so an invalid module is rejected when it is compiled, as the spec requires,
//! even though translation into Wisp's IR happens lazily on a function's first call. The
//! translator may therefore assume that the code it reads is valid.
#![forbid(unsafe_code)]
#![no_std]
extern crate alloc;
#[cfg(feature = "parallel")]
extern crate std;

#[cfg(feature = "parallel")]
mod parallel;

mod features;

pub use features::Features;

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use wasmparser::{BinaryReader, FuncValidatorAllocations, Payload, ValidPayload};
use wisp_parse::{ParseError, ParseErrorKind};

/// Validates one module, payload by payload.
pub struct ModuleValidator<'a> {
    inner: wasmparser::Validator,
    allocs: FuncValidatorAllocations,
    /// With the `parallel` feature, the bodies of a large code section, validated
    /// together on every core when the section ends.
    #[cfg(feature = "parallel")]
    pending: parallel::Pending<'a>,
    #[cfg(not(feature = "parallel"))]
    pending: core::marker::PhantomData<&'a ()>,
}

impl<'a> ModuleValidator<'a> {
    pub fn new(features: Features) -> Self {
        ModuleValidator {
            inner: wasmparser::Validator::new_with_features(features.to_wasmparser()),
            allocs: FuncValidatorAllocations::default(),
            pending: Default::default(),
        }
    }

    /// Validates one payload. A function body is validated at once, or with the
    /// `parallel` feature, in a large code section, with the section's other bodies
    /// before the next payload: errors come out in the module's order either way.
    pub fn payload(&mut self, payload: &Payload<'a>) -> Result<(), ParseError> {
        #[cfg(feature = "parallel")]
        {
            if let Payload::CodeSectionStart { size, .. } = payload {
                self.pending.start(*size);
            } else if !matches!(payload, Payload::CodeSectionEntry(_)) {
                self.finish()?;
            }
        }
        let valid = match self.inner.payload(payload) {
            Ok(v) => v,
            Err(e) => {
                // A body before this entry fails first.
                self.finish()?;
                return Err(e.into());
            }
        };
        if let ValidPayload::Func(func, body) = valid {
            #[cfg(feature = "parallel")]
            if self.pending.is_on() {
                self.pending.push(func, body);
                return Ok(());
            }
            let mut v = func.into_validator(core::mem::take(&mut self.allocs));
            validate_body(&mut v, &body)?;
            self.allocs = v.into_allocations();
        }
        Ok(())
    }

    /// Validates the bodies set aside, if any: the first error in the module's order.
    /// The module's decoder calls it before it reports an error of its own, which a
    /// body earlier in the module must come before.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        #[cfg(feature = "parallel")]
        self.pending.validate()?;
        Ok(())
    }
}

/// The most values a function's operand stack may hold: Wisp's implementation limit
/// (the spec lets an implementation bound the operand stack). Without one, a call that
/// returns 1,000 values, two bytes of input, pushes 1,000 values, and a 1 MB module would
/// make the validator and the translator hold half a billion of them.
pub const MAX_OPERAND_STACK: u32 = 1 << 20;

/// Tables shorter than this are validated as they are: few enough entries that checking
/// repeats costs less than finding them.
const DEDUP_FROM: u32 = 32;

/// wasmparser's `FuncValidator::validate`, except that a long `br_table` is validated
/// with each label once. wasmparser checks the carried values against every entry's
/// label, so a table of T entries to a block of N results took T x N steps (100,000
/// entries to a block of 1,000 results: 1.6 s for a 104 KB module). Checking a label
/// twice changes nothing (the check pops the values and pushes back what it popped), so
/// the table with its repeats left out, in the order of first appearance (the same
/// first error), is valid exactly when the original is.
fn validate_body(
    v: &mut wasmparser::FuncValidator<wasmparser::ValidatorResources>,
    body: &wasmparser::FunctionBody<'_>,
) -> Result<(), ParseError> {
    let mut reader = body.get_binary_reader();
    v.read_locals(&mut reader)?;
    reader.set_features(*v.features());
    while !reader.eof() {
        let pos = reader.original_position();
        if let Some((table, rest)) = deduplicated_br_table(&reader) {
            let mut table = BinaryReader::new(&table, pos);
            table.set_features(*v.features());
            table.visit_operator(&mut v.visitor(pos))??;
            reader = rest;
            continue;
        }
        reader.visit_operator(&mut v.visitor(pos))??;
        if v.operand_stack_height() > MAX_OPERAND_STACK {
            return Err(ParseError::with_kind(
                ParseErrorKind::Limit,
                alloc::format!(
                    "the function's operand stack holds more than {MAX_OPERAND_STACK} values \
                     (an implementation limit)"
                ),
                usize::try_from(pos).unwrap_or(usize::MAX),
            ));
        }
    }
    reader.finish_expression(&v.visitor(reader.original_position()))?;
    Ok(())
}

/// If `reader` is at a `br_table` of at least [`DEDUP_FROM`] entries, the encoding of
/// that table without repeated labels, and the reader past it. Anything unexpected (a
/// malformed or oversized table) gives `None`, and wasmparser reads the original and
/// reports the error as it would.
fn deduplicated_br_table<'a>(reader: &BinaryReader<'a>) -> Option<(Vec<u8>, BinaryReader<'a>)> {
    let mut r = reader.clone();
    if r.read_u8().ok()? != 0x0e {
        return None;
    }
    let count = r.read_var_u32().ok()?;
    // wasmparser's own limit on a table's length (`MAX_WASM_BR_TABLE_SIZE`): a longer
    // table is an error it reports.
    if !(DEDUP_FROM..=7_654_321).contains(&count) {
        return None;
    }
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    for _ in 0..count {
        let depth = r.read_var_u32().ok()?;
        if seen.insert(depth) {
            kept.push(depth);
        }
    }
    let default = r.read_var_u32().ok()?;
    let mut out = Vec::with_capacity(6 + 5 * (kept.len() + 1));
    out.push(0x0e);
    for n in core::iter::once(kept.len() as u32)
        .chain(kept)
        .chain(core::iter::once(default))
    {
        leb128(&mut out, n);
    }
    Some((out, r))
}

fn leb128(out: &mut Vec<u8>, n: u32) {
    wisp_types::leb128::write_unsigned(out, n.into());
}
