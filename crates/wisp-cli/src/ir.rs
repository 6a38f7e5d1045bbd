//! `wisp ir`: prints what Wisp's translator made of a module's functions, for looking at
//! the code of a hot loop (the text comes from the disassembler generated from the
//! operator table; its format is not stable).

use crate::args::IrArgs;
use std::process::ExitCode;
use wisp::{Config, Engine, Error, Module};

pub fn main(a: IrArgs) -> ExitCode {
    let mut config = Config::new();
    config.consume_fuel(a.fuel).plain_code(a.plain);
    let (input, names) = (a.input, a.names);
    let engine = Engine::new(&config);
    // Reading errors name the file themselves.
    let bytes = match crate::invoke::read_module(&input) {
        Ok(b) => b,
        Err(e) => {
            crate::output::error(format_args!("error: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let module = match Module::new(&engine, &bytes) {
        Ok(m) => m,
        Err(e) => {
            crate::output::error(format_args!("error: {input}: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let funcs: Result<Vec<u32>, Error> = if names.is_empty() {
        Ok((module.imported_func_count()..module.func_count()).collect())
    } else {
        names.iter().map(|n| find(&module, n)).collect()
    };
    let result = funcs.and_then(|fs| {
        fs.into_iter()
            .map(|f| Ok((f, module.disassemble(f)?)))
            .collect::<Result<Vec<_>, Error>>()
    });
    match result {
        Ok(listings) => crate::output::finish(
            || {
                for (f, text) in &listings {
                    let name = module
                        .func_name(*f)
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default();
                    let n = text.lines().count();
                    crate::output::line(format_args!("function {f}{name}: {n} instructions"))?;
                    crate::output::line(text.trim_end())?;
                }
                Ok(())
            },
            ExitCode::SUCCESS,
        ),
        Err(e) => {
            crate::output::error(format_args!("error: {input}: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// The index of the function called `name`: an export, a name-section name, or a number.
fn find(module: &Module, name: &str) -> Result<u32, Error> {
    module
        .func_index(name)
        .or_else(|| {
            name.parse::<u32>()
                .ok()
                .filter(|&i| i < module.func_count())
        })
        .ok_or_else(|| Error::Usage(format!("no function `{name}`")))
}
