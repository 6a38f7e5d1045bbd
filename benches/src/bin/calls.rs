//! `calls ENGINE BENCH [N]`: makes the call benchmark's call `N` times (default 1,000) in
//! this process, for counting instructions with callgrind, which criterion's timing loop
//! would drown in its own. ENGINE is `wisp` or `wasmi`; BENCH is `host_to_wasm` (one call
//! of `add3(1, 2, 3)` from Rust) or `wasm_to_host` (one `call_host(100)`: a Wasm loop
//! making 100 host calls).
//!
//! ```text
//! valgrind --tool=callgrind target/release/calls wisp wasm_to_host 1000
//! ```
//!
//! Subtract a run with `N` = 0 (setting up only) and divide by the number of calls. Exits
//! with 1 if a result is wrong or the engine fails, 2 on a usage error.

#![forbid(unsafe_code)]
use std::hint::black_box;
use std::process::ExitCode;
use wisp_benches::calls::expected;
use wisp_benches::engines::{WasmiCalls, WispCalls};

const USAGE: &str = "usage: calls wisp|wasmi host_to_wasm|wasm_to_host [N]";

/// Host calls made by one `call_host` here.
const HOST_CALLS: i32 = 100;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = match args.get(2).map(|s| s.parse::<u32>()) {
        None => 1_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => return usage(),
    };
    let (Some(engine), Some(bench), true) = (args.first(), args.get(1), args.len() <= 3) else {
        return usage();
    };
    if !matches!(bench.as_str(), "host_to_wasm" | "wasm_to_host") {
        return usage();
    }
    let to_host = bench == "wasm_to_host";
    let r = match engine.as_str() {
        "wisp" => WispCalls::new().and_then(|mut e| {
            repeat(n, to_host, |x| {
                if to_host {
                    e.call_host(x)
                } else {
                    e.add3(x, 2, 3)
                }
            })
        }),
        "wasmi" => WasmiCalls::new().and_then(|mut e| {
            repeat(n, to_host, |x| {
                if to_host {
                    e.call_host(x)
                } else {
                    e.add3(x, 2, 3)
                }
            })
        }),
        _ => return usage(),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calls: {e}");
            ExitCode::from(1)
        }
    }
}

/// Makes the call `n` times: `call_host(HOST_CALLS)` if `to_host`, else `add3(1, 2, 3)`.
fn repeat(
    n: u32,
    to_host: bool,
    mut call: impl FnMut(i32) -> Result<i32, String>,
) -> Result<(), String> {
    let (arg, want) = match to_host {
        true => (HOST_CALLS, expected(HOST_CALLS)),
        false => (1, 6),
    };
    for _ in 0..n {
        let got = call(black_box(arg))?;
        if got != want {
            return Err(format!("the call returned {got}, not {want}"));
        }
    }
    Ok(())
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
