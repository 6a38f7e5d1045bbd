//! Decoding and validation in one pass over the module's bytes.

use crate::{translate, CompiledModule, TranslateConfig};
use wisp_parse::wasmparser::Parser;
use wisp_parse::{ModuleBuilder, ParseError};
use wisp_validate::{Features, ModuleValidator};

/// Decodes and validates a module. Function bodies are validated here but translated on
/// their first call.
pub fn compile(
    bytes: &[u8],
    features: Features,
    config: TranslateConfig,
) -> Result<CompiledModule, ParseError> {
    lazy(decode(bytes, features, Validate::Yes)?, config)
}

/// [`compile`] without validation: for a module this build has validated before with
/// the same features (a cache that remembers it, keyed by the module's bytes). The
/// sections are still decoded and checked as the builder needs them, but function bodies
/// are not validated, and the translator and the loop trust that they are valid: given
/// an invalid one, they may go wrong in any way, which is why the API that calls this is
/// `unsafe`.
pub fn compile_prevalidated(
    bytes: &[u8],
    features: Features,
    config: TranslateConfig,
) -> Result<CompiledModule, ParseError> {
    lazy(decode(bytes, features, Validate::No)?, config)
}

/// The module with every function to be translated on its first call.
fn lazy(builder: ModuleBuilder<'_>, config: TranslateConfig) -> Result<CompiledModule, ParseError> {
    let module = builder.finish();
    let code = (0..module.bodies.len())
        .map(|_| crate::code_cell_empty())
        .collect();
    Ok(CompiledModule {
        module,
        code,
        config,
    })
}

/// Decodes, validates and translates every function now (eager translation). The
/// bodies are translated from `bytes`, so the module keeps no copy of its code: only the
/// translated functions and its data segments.
pub fn compile_eager(
    bytes: &[u8],
    features: Features,
    config: TranslateConfig,
) -> Result<CompiledModule, ParseError> {
    let module = decode(bytes, features, Validate::Yes)?.finish_without_code();
    let code = module
        .bodies
        .iter()
        .enumerate()
        .map(|(i, range)| {
            let body = bytes
                .get(range.clone())
                .ok_or_else(|| ParseError::new("unknown function body", range.start))?;
            translate::translate_body(&module, i, body, config).map(crate::code_cell)
        })
        .collect::<Result<_, _>>()?;
    Ok(CompiledModule {
        module,
        code,
        config,
    })
}

/// Whether [`decode`] validates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Validate {
    Yes,
    No,
}

/// One pass over `bytes`, feeding each payload to the validator (unless told not to)
/// and the builder.
fn decode(
    bytes: &[u8],
    mut features: Features,
    validate: Validate,
) -> Result<ModuleBuilder<'_>, ParseError> {
    // Without the SIMD handlers, a module that uses SIMD is invalid here.
    features.simd &= cfg!(feature = "simd");
    // Likewise without the unwinder, a module that throws.
    features.exceptions &= cfg!(feature = "exceptions");
    features.legacy_exceptions &= cfg!(feature = "exceptions");
    // And without the tail-call handlers, a module that makes tail calls.
    features.tail_call &= cfg!(feature = "tail-call");
    // And without the typed-reference handlers, a module that uses them.
    features.function_references &= cfg!(feature = "gc");
    features.gc &= cfg!(feature = "gc");
    // And without the general family of memory handlers, a module with several
    // memories or a 64-bit one.
    features.multi_memory &= cfg!(feature = "multi-memory");
    features.memory64 &= cfg!(feature = "memory64");
    // And without the wide-arithmetic handlers, a module that uses them.
    features.wide_arithmetic &= cfg!(feature = "wide-arithmetic");
    let mut validator = ModuleValidator::new(features);
    let mut builder = ModuleBuilder::new(bytes);
    // The parser needs the features too: with memory64 on it accepts 64-bit encodings of
    // every memory's limits, which a 32-bit memory must reject as too long.
    let mut parser = Parser::new(0);
    parser.set_features(features.to_wasmparser());
    for payload in parser.parse_all(bytes) {
        let step = payload.map_err(ParseError::from).and_then(|payload| {
            if validate == Validate::Yes {
                validator.payload(&payload)?;
            }
            builder.payload(&payload)
        });
        if let Err(e) = step {
            // Function bodies the validator set aside come before this error.
            validator.finish()?;
            return Err(e);
        }
    }
    validator.finish()?;
    Ok(builder)
}
