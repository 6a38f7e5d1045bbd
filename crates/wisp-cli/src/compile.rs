//! `wisp compile`: decode, validate and translate a module on the host into an image
//! that a device runs with `Module::from_image`, whose build can then leave out the
//! decoder, the validator and the translator.

use crate::args::CompileArgs;
use std::process::ExitCode;
use wisp::{Config, Engine, Features, Module};

pub fn main(a: CompileArgs) -> ExitCode {
    let mut config = Config::new();
    config.consume_fuel(a.fuel).plain_code(a.plain);
    let mut features = Features::default();
    features.custom_page_sizes = a.custom_page_sizes;
    let (input, output) = (a.input, a.output);
    let output = output.unwrap_or_else(|| {
        let p = std::path::Path::new(&input);
        p.with_extension("wsi").to_string_lossy().into_owned()
    });
    config.features(features);
    let engine = Engine::new(&config);
    // Reading errors name the file themselves.
    let bytes = match crate::invoke::read_module(&input) {
        Ok(b) => b,
        Err(e) => {
            crate::output::error(format_args!("error: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let result = Module::new(&engine, &bytes).and_then(|m| m.to_image());
    match result {
        Ok(image) => match std::fs::write(&output, &image) {
            Ok(()) => {
                let bytes = image.len();
                crate::output::finish(
                    || crate::output::line(format_args!("{output}: {bytes} bytes")),
                    ExitCode::SUCCESS,
                )
            }
            Err(e) => {
                crate::output::error(format_args!("error: cannot write {output}: {e}"));
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            crate::output::error(format_args!("error: {input}: {e}"));
            ExitCode::FAILURE
        }
    }
}
