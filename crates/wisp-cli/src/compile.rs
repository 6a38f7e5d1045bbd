//! `wisp compile`: decode, validate and translate a module on the host into an image
//! that a device runs with `Module::from_image`, whose build can then leave out the
//! decoder, the validator and the translator.

use std::process::ExitCode;
use wisp::{Config, Engine, Features, Module};

pub const USAGE: &str = "\
usage: wisp compile [--fuel] [--plain] [--custom-page-sizes] MODULE.wasm|MODULE.wat [-o IMAGE]

Writes a pre-translated image of MODULE (default: MODULE with the extension .wsi). An
image runs only on the version of Wisp that wrote it, with fuel metering on exactly when
it was compiled with --fuel.

options:
  -o IMAGE              where to write the image
  --fuel                translate with fuel metering (for Config::consume_fuel(true))
  --plain               no accumulator forms: slower code that the smallest executor
                        (wisp built without its `accumulator` feature) can run
  --custom-page-sizes   accept memories with 1-byte pages (the custom-page-sizes proposal)";

pub fn main(args: &[String]) -> ExitCode {
    let mut config = Config::new();
    let mut features = Features::default();
    let (mut input, mut output) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--fuel" => {
                config.consume_fuel(true);
            }
            "--plain" => {
                config.plain_code(true);
            }
            "--custom-page-sizes" => features.custom_page_sizes = true,
            "-o" => match it.next() {
                Some(o) => output = Some(o.clone()),
                None => return usage("-o needs a file name"),
            },
            "-h" | "--help" => {
                return crate::output::finish(|| crate::output::line(USAGE), ExitCode::SUCCESS);
            }
            _ if a.starts_with('-') => return usage(&format!("unknown option `{a}`")),
            _ if input.is_none() => input = Some(a.clone()),
            _ => return usage(&format!("unexpected argument `{a}`")),
        }
    }
    let Some(input) = input else {
        return usage("which module?");
    };
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

fn usage(msg: &str) -> ExitCode {
    crate::output::error(format_args!("error: {msg}\n\n{USAGE}"));
    ExitCode::from(2)
}
