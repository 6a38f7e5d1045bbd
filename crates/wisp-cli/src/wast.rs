//! `wisp wast`: runs spec scripts, each within fuel, time and memory limits.

use crate::output;
use std::process::ExitCode;
use std::time::Duration;
use wisp::StoreLimitsBuilder;
use wisp_wast::RunLimits;

const USAGE: &str = "\
usage: wisp wast [OPTIONS] FILE.wast...

Runs WebAssembly spec scripts and prints each failed directive and a count per file.
Each store a script makes is dropped once nothing can reach it any more.

options:
  --fuel N                   fuel (about N instructions) for each call of a script
  --timeout SECONDS          wall-clock time for each script (default 600)
  --max-memory-size BYTES    total linear memory of a script's store (default 16 GiB)
  --max-table-elements N     total table elements of a script's store (default 10,000,000)
  -h, --help                 print this help";

/// What `wisp wast` was asked to do.
struct Options {
    files: Vec<String>,
    limits: RunLimits,
}

fn parse(argv: &[String]) -> Result<Option<Options>, String> {
    let mut files = Vec::new();
    let mut fuel = None;
    let mut timeout = Duration::from_secs(600);
    let mut memory: u64 = 16 << 30;
    let mut elements: u64 = 10_000_000;
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let mut value = |name: &str| -> Result<u64, String> {
            let v = inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))?;
            v.parse()
                .map_err(|_| format!("{name} wants a whole number, got `{v}`"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--fuel" => fuel = Some(value("--fuel")?),
            "--timeout" => timeout = Duration::from_secs(value("--timeout")?),
            "--max-memory-size" => memory = value("--max-memory-size")?,
            "--max-table-elements" => elements = value("--max-table-elements")?,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option `{s}`")),
            _ => files.push(a.clone()),
        }
    }
    if files.is_empty() {
        return Err("`wisp wast` needs at least one .wast file".into());
    }
    let store = StoreLimitsBuilder::new()
        .memory_size(memory)
        .table_elements(elements)
        .build();
    Ok(Some(Options {
        files,
        limits: RunLimits {
            fuel,
            timeout: Some(timeout),
            store: Some(store),
        },
    }))
}

pub fn main(argv: &[String]) -> ExitCode {
    let o = match parse(argv) {
        Ok(Some(o)) => o,
        Ok(None) => return output::finish(|| output::line(USAGE), ExitCode::SUCCESS),
        Err(e) => {
            output::error(format_args!("error: {e}\n\n{USAGE}"));
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0u32, 0u32);
    for file in &o.files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                output::error(format_args!("error: cannot read {file}: {e}"));
                return ExitCode::FAILURE;
            }
        };
        let report = wisp_wast::run_wast_limited(file, &source, &o.limits);
        let print = || -> std::io::Result<()> {
            for f in &report.failures {
                output::line(format_args!("{file}:{f}"))?;
            }
            for m in &report.message_mismatches {
                output::line(format_args!(
                    "{file}:{m} (rejected as expected; message differs)"
                ))?;
            }
            output::line(format_args!(
                "{file}: {} passed, {} failed",
                report.passed, report.failed
            ))
        };
        if let Err(e) = print() {
            return output::write_failed(&e);
        }
        passed += report.passed;
        failed += report.failed;
    }
    if o.files.len() > 1 {
        if let Err(e) = output::line(format_args!("total: {passed} passed, {failed} failed")) {
            return output::write_failed(&e);
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
