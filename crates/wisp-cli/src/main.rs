//! The `wisp` command: `wisp [run] WASM [ARGS]...`, `wisp wast`, `wisp compile`,
//! `wisp ir` (see `wisp help`).

// `unsafe` only where `wisp run` loads an image, which is trusted code (`invoke.rs`,
// `cache.rs`).
#![deny(unsafe_code)]

mod args;
mod cache;
mod compile;
mod invoke;
mod ir;
mod output;
mod wast;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and the version go to stdout (a closed pipe ends quietly), mistakes to
            // stderr with status 2.
            use std::io::IsTerminal;
            let status = ExitCode::from(e.exit_code() as u8);
            let styled = e.render();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let text = if std::io::stdout().is_terminal() {
                        styled.ansi().to_string()
                    } else {
                        styled.to_string()
                    };
                    output::finish(|| output::text(text), status)
                }
                _ => {
                    let text = if std::io::stderr().is_terminal() {
                        styled.ansi().to_string()
                    } else {
                        styled.to_string()
                    };
                    output::error(text.trim_end());
                    status
                }
            };
        }
    };
    let run = match cli.command {
        Some(Command::Wast(a)) => return wast::main(a),
        Some(Command::Compile(a)) => return compile::main(a),
        Some(Command::Ir(a)) => return ir::main(a),
        Some(Command::Run(a)) => *a,
        None => cli.run,
    };
    match run.resolve() {
        Ok(o) => invoke::run(&o),
        Err(e) => {
            output::error(format_args!("error: {e}"));
            ExitCode::from(2)
        }
    }
}
