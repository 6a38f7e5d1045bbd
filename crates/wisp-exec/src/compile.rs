//! Decoding and validation in one pass over the module's bytes.

use crate::{CompiledModule, TranslateConfig};
use core::cell::OnceCell;
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
    let mut validator = ModuleValidator::new(features);
    let mut builder = ModuleBuilder::new(bytes);
    // The parser needs the features too: with memory64 on it accepts 64-bit encodings of
    // every memory's limits, which a 32-bit memory must reject as too long.
    let mut parser = Parser::new(0);
    parser.set_features(features.to_wasmparser());
    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        validator.payload(&payload)?;
        builder.payload(&payload)?;
    }
    let module = builder.finish();
    let code = (0..module.bodies.len()).map(|_| OnceCell::new()).collect();
    Ok(CompiledModule {
        module,
        code,
        config,
    })
}
