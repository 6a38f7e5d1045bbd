//! The `wisp` command.
//!
//! ```text
//! wisp [run] [OPTIONS] PROGRAM.wasm|PROGRAM.wat [ARGS...]
//! wisp [run] [OPTIONS] --invoke NAME MODULE [ARGS...]    (or MODULE --invoke NAME ARGS...)
//! wisp wast FILE.wast...
//! wisp compile MODULE -o IMAGE
//! wisp ir MODULE [FUNCTION...]
//! ```

#![forbid(unsafe_code)]

mod args;
mod compile;
mod invoke;
mod ir;
mod output;
mod wast;

use std::process::ExitCode;

const USAGE: &str = "\
usage: wisp [run] [OPTIONS] PROGRAM.wasm|PROGRAM.wat [ARGS...]
       wisp [run] [OPTIONS] --invoke NAME MODULE [ARGS...]
       wisp wast [--fuel N] [--timeout SECONDS] FILE.wast...   (see wisp wast --help)
       wisp compile [--fuel] MODULE -o IMAGE   (a pre-translated image for devices)
       wisp ir MODULE [FUNCTION...]           (what the translator made of functions)

Runs a WebAssembly program with WASI (preview1): ARGS are its arguments, stdin, stdout and
stderr are the terminal's, and the exit status is the program's own (`proc_exit`). With
--invoke, calls the exported function NAME instead (after `_initialize`, for reactors),
with ARGS parsed by its parameter types, and prints each result on its own line.
`wisp MODULE --invoke NAME ARGS...` is accepted too.

options:
  --invoke NAME         the export to call instead of `_start`
  --dir HOST[::GUEST]   give the program the host directory HOST, seen as GUEST
                        (default: HOST); nothing outside it is reachable (repeatable)
  --env KEY=VALUE       an environment variable for the program (repeatable)
  --fuel N              stop with a trap after about N instructions
  --max-call-depth N    nested calls allowed before \"call stack exhausted\"
  --max-memory-size B   total bytes of linear memory (default 16 GiB; memory.grow
                        past it returns -1)
  --max-table-elements N  total table elements (default 10,000,000)
  --memory-dir DIR      keep each 64-bit linear memory in a sparse file in DIR
                        (removed at once; 64 MiB of it cached in RAM): for memories
                        larger than RAM
  -W unknown-imports-trap, --unknown-imports-trap
                        link a function import that is neither WASI nor defined as
                        one that fails, naming it, if it is ever called
  -W gc-zeal[=N]        collect garbage before every (N-th) allocation of a struct,
                        array or exception (slow: for finding lost references)
  -h, --help            print this help

exit status: the program's own; 1 on an error (bad module, missing import, bad argument);
134 when the program traps.";

fn main() -> ExitCode {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    match argv.first().map(String::as_str) {
        Some("wast") => return wast::main(&argv[1..]),
        Some("compile") => return compile::main(&argv[1..]),
        Some("ir") => return ir::main(&argv[1..]),
        Some("run") => {
            argv.remove(0);
        }
        _ => {}
    }
    let opts = match args::parse(&argv) {
        Ok(Some(o)) => o,
        Ok(None) => return output::finish(|| output::line(USAGE), ExitCode::SUCCESS),
        Err(e) => {
            output::error(format_args!("error: {e}\n\n{USAGE}"));
            return ExitCode::from(2);
        }
    };
    invoke::run(&opts)
}
