//! `peak ENGINE WORKLOAD`: runs one workload once in this fresh process and prints the
//! process's peak resident set size (`VmHWM` from `/proc/self/status`, Linux only).
//!
//! `cargo xtask bench` runs it once per (engine, workload), so that every figure is its
//! own process's high-water mark and no measurement inherits another's heap. ENGINE is
//! `wisp`, `wasmi`, or `none` (only build the module's bytes: the baseline every engine's
//! figure includes). WORKLOAD is an execution group (`fib`, `json`, …) or
//! `big_module_lazy` / `big_module_eager` (the start-up benchmarks' synthetic module,
//! instantiated and run once in that mode).
//!
//! Output, one line: `vmhwm_kib=N rssfile_kib=F elapsed_ms=T result=R`. `RssFile` is
//! the part of the resident set that maps files (the executable, libc): pages shared
//! with every other process, which the kernel maps ahead of use in blocks, so that it
//! moves by about 100 KiB between runs of one binary. File mappings are not dropped
//! while the process runs, so `VmHWM - RssFile` is the peak of the process's own
//! memory (heap, stacks, linear memories). `peak --list` prints the
//! workloads, one a line, as `NAME<tab>CALL`. The exit status is 1 when the
//! result is wrong or the engine fails, 2 on a usage error.

#![forbid(unsafe_code)]
use std::process::ExitCode;
use std::time::Instant;
use wisp_benches::engines::{Engine, Mode};
use wisp_benches::{synthetic, Workload, WORKLOADS};

const USAGE: &str = "usage: peak wisp|wasmi|none WORKLOAD|big_module_lazy|big_module_eager|--list";

/// The workloads `peak` knows, in the order `cargo xtask bench` measures them, each with
/// the call it makes.
fn workloads() -> Vec<(&'static str, String)> {
    let mut list: Vec<_> = WORKLOADS.iter().map(|w| (w.name, w.call())).collect();
    for mode in ["lazy", "eager"] {
        list.push((big_name(mode), format!("run(5), {mode}")));
    }
    list
}

fn big_name(mode: &str) -> &'static str {
    if mode == "lazy" {
        "big_module_lazy"
    } else {
        "big_module_eager"
    }
}

/// One `/proc/self/status` field in KiB.
fn status_kib(status: &str, field: &str) -> Result<u64, String> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status"))
}

/// `VmHWM` and `RssFile` in KiB.
fn resident_kib() -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("/proc/self/status: {e}"))?;
    Ok((
        status_kib(&status, "VmHWM")?,
        status_kib(&status, "RssFile")?,
    ))
}

/// What one run does.
struct Job {
    wasm: Vec<u8>,
    func: &'static str,
    arg: i32,
    /// `None` for the synthetic module, whose result is only compared between engines.
    expected: Option<i32>,
    mode: Mode,
}

fn job(name: &str) -> Option<Job> {
    if let Some(w) = Workload::by_name(name) {
        return Some(Job {
            wasm: w.wasm(),
            func: w.func,
            arg: w.arg,
            expected: Some(w.expected),
            mode: Mode::Lazy,
        });
    }
    let mode = Mode::ALL.into_iter().find(|m| name == big_name(m.name()))?;
    Some(Job {
        wasm: synthetic::big_module(),
        func: "run",
        arg: 5,
        expected: None,
        mode,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (engine, workload) = match &args[..] {
        [flag] if flag == "--list" => {
            for (name, call) in workloads() {
                println!("{name}\t{call}");
            }
            return ExitCode::SUCCESS;
        }
        [e, w] => (e.as_str(), w.as_str()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(Job {
        wasm,
        func,
        arg,
        expected,
        mode,
    }) = job(workload)
    else {
        let names: Vec<_> = workloads().into_iter().map(|(n, _)| n).collect();
        eprintln!(
            "unknown workload `{workload}`; one of: {}",
            names.join(", ")
        );
        return ExitCode::from(2);
    };
    let t = Instant::now();
    let result = match engine {
        "none" => Ok(wasm.len() as i32),
        name => match Engine::from_name(name) {
            Some(e) => e.runner(&wasm, func, mode).and_then(|mut run| run(arg)),
            None => {
                eprintln!("unknown engine `{name}`\n{USAGE}");
                return ExitCode::from(2);
            }
        },
    };
    let elapsed = t.elapsed();
    let result = match (result, expected) {
        (Ok(r), Some(e)) if engine != "none" && r != e => {
            Err(format!("{func}({arg}) = {r}, expected {e}"))
        }
        (r, _) => r,
    };
    match (result, resident_kib()) {
        (Ok(r), Ok((hwm, file))) => {
            let ms = elapsed.as_secs_f64() * 1e3;
            println!("vmhwm_kib={hwm} rssfile_kib={file} elapsed_ms={ms:.2} result={r}");
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{engine} {workload}: {e}");
            ExitCode::FAILURE
        }
    }
}
