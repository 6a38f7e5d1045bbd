//! Workloads shared by the Wisp benchmarks.
//!
//! Two kinds of module run here. The WebAssembly text files in `wat/` are small
//! hand-written kernels, turned into binary modules with the `wast` crate when a benchmark
//! starts. `workloads.wasm` is the Rust package in `workloads/` compiled to
//! `wasm32-unknown-unknown` by `cargo xtask fixtures` (committed, so benchmarks need no
//! wasm toolchain): real libraries (`serde_json`, `miniz_oxide`, `sha2`, `pulldown-cmark`)
//! and code shaped like what people compile to Wasm.
//!
//! They live in this library rather than in a bench target so that every bench target,
//! the `peak` binary and this crate's tests run exactly the same modules with the same
//! arguments and expected results, and so that the check that both engines compute the
//! right answer is written once.

#![forbid(unsafe_code)]
pub mod engines;
pub mod synthetic;

/// The compiled Rust workloads (`workloads/`, built by `cargo xtask fixtures`).
pub const WORKLOADS_WASM: &[u8] = include_bytes!("../workloads.wasm");

/// The C kernels (`c/kernels.c`, built by `cargo xtask fixtures --workloads`): freestanding
/// C, no libc and no imports.
pub const KERNELS_WASM: &[u8] = include_bytes!("../kernels.wasm");

/// Where a workload's module comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// WebAssembly text, in `wat/`.
    Wat(&'static str),
    /// An export of [`WORKLOADS_WASM`].
    Rust,
    /// An export of [`KERNELS_WASM`].
    C,
}

/// One benchmark workload: a module exporting `func: (i32) -> i32`, called with `arg`.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// The benchmark group's name.
    pub name: &'static str,
    /// The module.
    pub source: Source,
    /// The exported function to call.
    pub func: &'static str,
    /// Its argument.
    pub arg: i32,
    /// What it must return; checked on every engine before anything is timed.
    pub expected: i32,
}

impl Workload {
    /// The module as a WebAssembly binary.
    ///
    /// # Panics
    ///
    /// If a text module does not parse; the workloads are fixed, so that is a bug here.
    pub fn wasm(&self) -> Vec<u8> {
        match self.source {
            Source::Wat(text) => wat_to_wasm(text).unwrap_or_else(|e| panic!("{}: {e}", self.name)),
            Source::Rust => WORKLOADS_WASM.to_vec(),
            Source::C => KERNELS_WASM.to_vec(),
        }
    }

    /// `func(arg)`, as the tables show it.
    pub fn call(&self) -> String {
        format!("{}({})", self.func, self.arg)
    }

    /// Looks a workload up by its group name.
    pub fn by_name(name: &str) -> Option<&'static Workload> {
        WORKLOADS.iter().find(|w| w.name == name)
    }
}

const fn rust(name: &'static str, func: &'static str, arg: i32, expected: u32) -> Workload {
    Workload {
        name,
        source: Source::Rust,
        func,
        arg,
        expected: expected as i32,
    }
}

const fn c(name: &'static str, arg: i32, expected: u32) -> Workload {
    Workload {
        name,
        source: Source::C,
        func: name,
        arg,
        expected: expected as i32,
    }
}

/// Recursive `fib(25)` in WebAssembly text: call and return overhead.
pub const FIB: Workload = Workload {
    name: "fib",
    source: Source::Wat(include_str!("../wat/fib.wat")),
    func: "fib",
    arg: 25,
    expected: 75025,
};

/// Sieve of Eratosthenes below 100 000 over linear memory, in WebAssembly text: loops,
/// branches, byte loads and stores.
pub const SIEVE: Workload = Workload {
    name: "sieve",
    source: Source::Wat(include_str!("../wat/sieve.wat")),
    func: "sieve",
    arg: 100_000,
    expected: 9592,
};

/// Globals in a hot loop, as asyncify and shadow stacks leave them: a million calls,
/// each moving the stack-pointer global on entry and exit and followed by a read of the
/// state global, in WebAssembly text.
pub const ASYNCIFY: Workload = Workload {
    name: "asyncify",
    source: Source::Wat(include_str!("../wat/asyncify.wat")),
    func: "asyncify",
    arg: 1_000_000,
    expected: -1_076_540_849,
};

/// What `nbody(40_000)`, `spectral(250)` and `lz77crc(2)` return: the C kernels compiled
/// natively by clang (`-ffp-contract=off`, so no fused multiply-adds) give the same.
const NBODY: u32 = 601_597_724;
const SPECTRAL: u32 = 2_515_736_800;
const LZ77CRC: u32 = 294_671_430;

/// Every workload, in the order they are benchmarked. The Rust workloads' checksums are
/// what `cargo test --release` in `workloads/` prints for the same arguments (natively).
pub const WORKLOADS: &[Workload] = &[
    FIB,
    SIEVE,
    ASYNCIFY,
    rust("fib_rs", "fib", 27, 196_418),
    rust("sieve_rs", "sieve", 500_000, 4_207_720_553),
    rust("matmul", "matmul", 80, 1_434_057_816),
    rust("sha256", "sha256", 128, 2_951_067_721),
    rust("deflate", "deflate", 16, 3_475_709_641),
    rust("json", "json", 150, 3_478_147_180),
    rust("stackvm", "stackvm", 10_000, 1_029_741_230),
    rust("markdown", "markdown", 40, 1_828_457_814),
    rust("mixed", "mixed", 60, 3_991_955),
    c("nbody", 40_000, NBODY),
    c("spectral", 250, SPECTRAL),
    c("lz77crc", 2, LZ77CRC),
];

/// The module and arguments of the call benchmarks (`benches/calls.rs`).
pub mod calls {
    /// How many host calls one `call_host` makes in the wasm-to-host benchmark.
    pub const HOST_CALLS: i32 = 10_000;

    /// The imported host function: `a * 31 + (b ^ c)`, wrapping.
    pub fn host(a: i32, b: i32, c: i32) -> i32 {
        a.wrapping_mul(31).wrapping_add(b ^ c)
    }

    /// What `call_host(n)` returns when every call reached the host with the right
    /// arguments.
    pub fn expected(n: i32) -> i32 {
        (1..=n).rev().fold(0, |acc, i| host(acc, i, 7))
    }

    /// The module, `wat/calls.wat`, as a binary.
    pub fn wasm() -> Vec<u8> {
        super::wat_to_wasm(include_str!("../wat/calls.wat")).expect("wat/calls.wat")
    }
}

/// Converts WebAssembly text (a module) to its binary encoding.
pub fn wat_to_wasm(text: &str) -> Result<Vec<u8>, wast::Error> {
    let buf = wast::parser::ParseBuffer::new(text)?;
    let mut wat = wast::parser::parse::<wast::Wat>(&buf)?;
    wat.encode()
}

#[cfg(test)]
mod tests {
    use super::engines::{Engine, Mode};
    use super::*;

    /// Runs `func(arg)` on both engines; collects every disagreement instead of stopping
    /// at the first, so one run shows all of them.
    fn check(name: &str, wasm: &[u8], func: &str, arg: i32, expected: Option<i32>) -> Vec<String> {
        let mut results = Vec::new();
        let mut failures = Vec::new();
        for engine in Engine::ALL {
            let got = engine
                .runner(wasm, func, Mode::Lazy)
                .and_then(|mut run| run(arg));
            match (&got, expected) {
                (Ok(v), Some(e)) if *v != e => failures.push(format!(
                    "{name}: {}: {func}({arg}) = {v}, expected {e}",
                    engine.name()
                )),
                (Err(msg), _) => failures.push(format!("{name}: {msg}")),
                _ => {}
            }
            results.push(got);
        }
        if let [Ok(a), Ok(b)] = results[..] {
            if a != b {
                failures.push(format!("{name}: wisp gives {a}, wasmi gives {b}"));
            }
        }
        failures
    }

    #[test]
    fn workloads_are_right_on_both_engines() {
        let mut failures = Vec::new();
        for w in WORKLOADS {
            failures.extend(check(w.name, &w.wasm(), w.func, w.arg, Some(w.expected)));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn the_big_module_starts_and_runs_alike_in_both_modes() {
        let wasm = synthetic::big_module();
        assert!(wasm.len() > 4 << 20, "{} bytes", wasm.len());
        let mut failures = check("big_module", &wasm, "run", 5, None);
        for engine in Engine::ALL {
            let lazy = engine
                .runner(&wasm, "run", Mode::Lazy)
                .and_then(|mut r| r(5));
            let eager = engine
                .runner(&wasm, "run", Mode::Eager)
                .and_then(|mut r| r(5));
            if lazy != eager {
                failures.push(format!("{}: lazy {lazy:?}, eager {eager:?}", engine.name()));
            }
        }
        for mode in Mode::ALL {
            for start in [
                |w: &[u8], m| engines::wisp_start(w, m).map(drop),
                |w: &[u8], m| engines::wasmi_start(w, m).map(drop),
            ] {
                if let Err(e) = start(WORKLOADS_WASM, mode) {
                    failures.push(format!("workloads.wasm, {}: {e}", mode.name()));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn calls_are_right_on_both_engines() {
        let expected = calls::expected(calls::HOST_CALLS);
        let mut wisp = engines::WispCalls::new().unwrap();
        let mut wasmi = engines::WasmiCalls::new().unwrap();
        assert_eq!(wisp.add3(1, 2, 3), Ok(6));
        assert_eq!(wasmi.add3(1, 2, 3), Ok(6));
        assert_eq!(wisp.call_host(calls::HOST_CALLS), Ok(expected));
        assert_eq!(wasmi.call_host(calls::HOST_CALLS), Ok(expected));
    }
}
