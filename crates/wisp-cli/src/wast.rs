//! `wisp wast`: runs spec scripts, each within fuel, time and memory limits.

use crate::args::WastArgs;
use crate::output;
use std::process::ExitCode;
use std::time::Duration;
use wisp::StoreLimitsBuilder;
use wisp_wast::RunLimits;

/// What to run, and within what.
struct Options {
    files: Vec<String>,
    limits: RunLimits,
}

fn options(a: WastArgs) -> Options {
    let store = StoreLimitsBuilder::new()
        .memory_size(a.max_memory_size)
        .table_elements(a.max_table_elements)
        .build();
    Options {
        files: a.files,
        limits: RunLimits {
            fuel: a.fuel,
            timeout: Some(Duration::from_secs(a.timeout)),
            store: Some(store),
        },
    }
}

pub fn main(args: WastArgs) -> ExitCode {
    let o = options(args);
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
