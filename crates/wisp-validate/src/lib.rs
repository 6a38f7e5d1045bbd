//! Validation: wasmparser's validator, driven with the features Wisp's `Config` enables.
//!
//! Spec: <https://webassembly.github.io/spec/core/valid/index.html>
//!
//! We do not write a second validator. This crate maps Wisp's feature set onto
//! wasmparser's and feeds it the module's payloads. Every function body is validated
//! eagerly, so an invalid module is rejected when it is compiled, as the spec requires,
//! even though translation into Wisp's IR happens lazily on a function's first call. The
//! translator may therefore assume that the code it reads is valid.
#![no_std]
extern crate alloc;

mod features;

pub use features::Features;

use wasmparser::{FuncValidatorAllocations, Payload, ValidPayload};
use wisp_parse::ParseError;

/// Validates one module, payload by payload.
pub struct ModuleValidator {
    inner: wasmparser::Validator,
    allocs: FuncValidatorAllocations,
}

impl ModuleValidator {
    pub fn new(features: Features) -> Self {
        ModuleValidator {
            inner: wasmparser::Validator::new_with_features(features.to_wasmparser()),
            allocs: FuncValidatorAllocations::default(),
        }
    }

    /// Validates one payload; a function body is validated at once.
    pub fn payload(&mut self, payload: &Payload<'_>) -> Result<(), ParseError> {
        if let ValidPayload::Func(func, body) = self.inner.payload(payload)? {
            let mut v = func.into_validator(core::mem::take(&mut self.allocs));
            v.validate(&body)?;
            self.allocs = v.into_allocations();
        }
        Ok(())
    }
}
