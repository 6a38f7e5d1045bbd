//! The `wisp` command.
//!
//! ```text
//! wisp [run] [OPTIONS] PROGRAM.wasm|PROGRAM.wat [ARGS...]
//! wisp [run] [OPTIONS] --invoke NAME MODULE [ARGS...]    (or MODULE --invoke NAME ARGS...)
//! wisp wast FILE.wast...
//! wisp compile MODULE -o IMAGE
//! ```

mod args;
mod compile;
mod invoke;

use std::process::ExitCode;

const USAGE: &str = "\
usage: wisp [run] [OPTIONS] PROGRAM.wasm|PROGRAM.wat [ARGS...]
       wisp [run] [OPTIONS] --invoke NAME MODULE [ARGS...]
       wisp wast FILE.wast...
       wisp compile [--fuel] MODULE -o IMAGE   (a pre-translated image for devices)

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
  -h, --help            print this help

exit status: the program's own; 1 on an error (bad module, missing import, bad argument);
134 when the program traps.";

fn main() -> ExitCode {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    match argv.first().map(String::as_str) {
        Some("wast") => return run_wast(&argv[1..]),
        Some("compile") => return compile::main(&argv[1..]),
        Some("run") => {
            argv.remove(0);
        }
        _ => {}
    }
    let opts = match args::parse(&argv) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    invoke::run(&opts)
}

fn run_wast(files: &[String]) -> ExitCode {
    if files.is_empty() {
        eprintln!("error: `wisp wast` needs at least one .wast file\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0u32, 0u32);
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot read {file}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let report = wisp_wast::run_wast(file, &source);
        for f in &report.failures {
            println!("{file}:{f}");
        }
        for m in &report.message_mismatches {
            println!("{file}:{m} (rejected as expected; message differs)");
        }
        println!("{file}: {} passed, {} failed", report.passed, report.failed);
        passed += report.passed;
        failed += report.failed;
    }
    if files.len() > 1 {
        println!("total: {passed} passed, {failed} failed");
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
