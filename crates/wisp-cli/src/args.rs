//! The command line, in wasmtime's spelling wherever it has one: `wisp [run] [OPTIONS]
//! WASM [ARGS]...`, `-W fuel=N,timeout=D,...`, `-C cache=y`, `-S inherit-env`,
//! `--dir HOST::GUEST`, `--env NAME[=VALUE]`, `--argv0`, `--preload NAME=MODULE`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const AFTER_HELP: &str = "\
WASM is a binary module, a text module (.wat), or an image that `wisp compile` wrote
(images are trusted code, like a native program: run only images you made).

Runs a WebAssembly program with WASI (preview1): ARGS are its arguments, stdin, stdout
and stderr are the terminal's, and the exit status is the program's own (`proc_exit`).
With --invoke, calls the exported function NAME instead (after `_initialize`, for
reactors), with ARGS parsed by its parameter types, and prints each result on its own
line. `wisp WASM --invoke NAME ARGS...` is accepted too.

Exit status: the program's own; 1 on an error (bad module, missing import, bad
argument); 2 on a bad command line; 134 when the program traps.";

const WASM_OPTIONS: &str = "\
-W options (comma-separated, repeatable):
  fuel=N                  stop with a trap after about N instructions
  timeout=D               stop with an \"interrupt\" trap after D (10s, 500ms, 2m;
                          plain numbers are seconds)
  max-memory-size=B       total bytes of linear memory (default 16GiB; memory.grow past
                          it returns -1); K, M, G (and KiB, MiB, GiB) suffixes
  max-table-elements=N    total table elements (default 10,000,000)
  max-call-depth=N        nested calls allowed before \"call stack exhausted\"
  unknown-imports-trap[=y|n]  link a function import that is neither WASI nor defined
                          as one that fails, naming it, if it is ever called
  gc-zeal[=N]             collect garbage before every (N-th) allocation of a struct,
                          array or exception (slow: for finding lost references)

-C options (comma-separated, repeatable):
  cache[=y|n]             remember that a module validated, by the SHA-256 of its bytes,
                          and skip validating the same bytes next time (default: for
                          modules of 32 KiB and more; y: for every module)
  cache-dir=DIR           the cache's directory (default: $WISP_CACHE_DIR,
                          $XDG_CACHE_HOME/wisp or ~/.cache/wisp; keep it your own)

-S options (comma-separated, repeatable):
  inherit-env[=y|n]       give the program every environment variable of wisp's own

-D options:
  coredump=FILE           if the program traps, write a Wasm coredump (its frames,
                          memories and globals; wasm-tools and wasmgdb read it) to FILE";

/// The `wisp` command.
#[derive(Debug, Parser)]
#[command(
    name = "wisp",
    version,
    about = "Wisp: a WebAssembly interpreter that runs anywhere",
    args_conflicts_with_subcommands = true,
    after_help = AFTER_HELP,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// `wisp WASM ...`: the same as `wisp run WASM ...`.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs a WebAssembly program or calls one of its functions (the default)
    #[command(after_help = AFTER_HELP)]
    Run(Box<RunArgs>),
    /// Runs WebAssembly spec scripts and prints each failed directive and a count per file
    Wast(WastArgs),
    /// Writes a pre-translated image of a module, for devices (`Module::from_image`)
    Compile(CompileArgs),
    /// Prints what Wisp's translator made of a module's functions
    Ir(IrArgs),
}

/// What `wisp run` takes.
#[derive(Debug, Default, Args)]
#[command(after_long_help = WASM_OPTIONS)]
pub struct RunArgs {
    /// The export to call instead of `_start`
    #[arg(long, value_name = "NAME")]
    pub invoke: Option<String>,
    /// Give the program the host directory HOST, seen as GUEST (default: HOST); nothing
    /// outside it is reachable (repeatable)
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    pub dirs: Vec<(String, String)>,
    /// An environment variable for the program; NAME alone passes wisp's own value
    /// (repeatable)
    #[arg(long = "env", value_name = "NAME[=VALUE]", value_parser = parse_env)]
    pub env: Vec<(String, Option<String>)>,
    /// The program's name as it sees it (its argv[0]; default: WASM as given)
    #[arg(long, value_name = "NAME")]
    pub argv0: Option<String>,
    /// Instantiate MODULE first and link its exports as the import module NAME
    /// (repeatable)
    #[arg(long = "preload", value_name = "NAME=MODULE", value_parser = parse_preload)]
    pub preload: Vec<(String, PathBuf)>,
    /// Keep each 64-bit linear memory in a sparse file in DIR (removed at once; 64 MiB
    /// of it cached in RAM): for memories larger than RAM
    #[arg(long, value_name = "DIR")]
    pub memory_dir: Option<PathBuf>,
    /// Limits and engine settings: fuel=N, timeout=D, max-memory-size=B, ... (see
    /// --help)
    #[arg(short = 'W', value_name = "OPT[=VAL,...]", value_parser = parse_wasm_opts)]
    pub wasm: Vec<WasmOpts>,
    /// Compilation settings: cache, cache-dir (see --help)
    #[arg(short = 'C', value_name = "OPT[=VAL,...]", value_parser = parse_compile_opts)]
    pub compile: Vec<CompileOpts>,
    /// WASI settings: inherit-env (see --help)
    #[arg(short = 'S', value_name = "OPT[=VAL,...]", value_parser = parse_wasi_opts)]
    pub wasi: Vec<WasiOpts>,
    /// Debugging: coredump=FILE writes a Wasm coredump there if the program traps
    #[arg(short = 'D', value_name = "OPT=VAL", value_parser = parse_debug_opts)]
    pub debug: Vec<DebugOpts>,
    /// The older spelling of -W fuel=N
    #[arg(long, value_name = "N", hide = true)]
    pub fuel: Option<u64>,
    /// The older spelling of -W max-call-depth=N
    #[arg(long, value_name = "N", hide = true)]
    pub max_call_depth: Option<usize>,
    /// The older spelling of -W max-memory-size=B
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, hide = true)]
    pub max_memory_size: Option<u64>,
    /// The older spelling of -W max-table-elements=N
    #[arg(long, value_name = "N", hide = true)]
    pub max_table_elements: Option<u64>,
    /// The older spelling of -W unknown-imports-trap
    #[arg(long, hide = true)]
    pub unknown_imports_trap: bool,
    /// The program: a binary module, a text module or an image
    #[arg(value_name = "WASM")]
    pub file: Option<String>,
    /// The program's arguments, or with --invoke the function's
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub args: Vec<String>,
}

/// `-W` settings; each field set only if given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WasmOpts {
    pub fuel: Option<u64>,
    pub timeout: Option<Duration>,
    pub max_memory_size: Option<u64>,
    pub max_table_elements: Option<u64>,
    pub max_call_depth: Option<usize>,
    pub unknown_imports_trap: Option<bool>,
    pub gc_zeal: Option<u32>,
}

/// `-D` settings; each field set only if given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DebugOpts {
    pub coredump: Option<PathBuf>,
}

/// `-C` settings; each field set only if given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompileOpts {
    pub cache: Option<bool>,
    pub cache_dir: Option<PathBuf>,
}

/// `-S` settings; each field set only if given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WasiOpts {
    pub inherit_env: Option<bool>,
}

/// What `wisp wast` takes.
#[derive(Debug, Args)]
pub struct WastArgs {
    /// Fuel (about N instructions) for each call of a script
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
    /// Wall-clock time for each script
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub timeout: u64,
    /// Total linear memory of a script's store
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "16GiB")]
    pub max_memory_size: u64,
    /// Total table elements of a script's store
    #[arg(long, value_name = "N", default_value_t = 10_000_000)]
    pub max_table_elements: u64,
    /// The scripts
    #[arg(value_name = "FILE.wast", required = true)]
    pub files: Vec<String>,
}

/// What `wisp compile` takes.
#[derive(Debug, Args)]
#[command(
    after_help = "An image runs only on the version of Wisp that wrote it, with fuel \
metering on exactly when it was compiled with --fuel."
)]
pub struct CompileArgs {
    /// Where to write the image (default: MODULE with the extension .wsi)
    #[arg(short, value_name = "IMAGE")]
    pub output: Option<String>,
    /// Translate with fuel metering (for Config::consume_fuel and -W fuel/timeout)
    #[arg(long)]
    pub fuel: bool,
    /// No accumulator or fused forms: slower code that the smallest executor (wisp built
    /// without its `accumulator` and `fused` features) can run
    #[arg(long)]
    pub plain: bool,
    /// Accept memories with 1-byte pages (the custom-page-sizes proposal)
    #[arg(long)]
    pub custom_page_sizes: bool,
    /// The module (binary or text)
    #[arg(value_name = "MODULE")]
    pub input: String,
}

/// What `wisp ir` takes.
#[derive(Debug, Args)]
#[command(
    after_help = "One instruction a line with its index, operands as name=value (s3 is \
slot 3, @12 instruction 12). The format is not stable."
)]
pub struct IrArgs {
    /// Translate with fuel metering, as for -W fuel
    #[arg(long)]
    pub fuel: bool,
    /// No accumulator or fused forms, as for `wisp compile --plain`
    #[arg(long)]
    pub plain: bool,
    /// The module (binary or text)
    #[arg(value_name = "MODULE")]
    pub input: String,
    /// Export names, names from the name section, or indices (default: every function
    /// with code)
    #[arg(value_name = "FUNCTION")]
    pub names: Vec<String>,
}

/// Everything `wisp run` resolved: the settings of every spelling together.
#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub file: String,
    pub invoke: Option<String>,
    /// The program's arguments (after `argv[0]`), or the invoked function's.
    pub args: Vec<String>,
    pub argv0: Option<String>,
    pub env: Vec<(String, String)>,
    pub inherit_env: bool,
    /// Preopened directories: (host path, guest path).
    pub dirs: Vec<(String, String)>,
    pub preload: Vec<(String, PathBuf)>,
    pub fuel: Option<u64>,
    pub timeout: Option<Duration>,
    pub max_call_depth: Option<usize>,
    /// Total bytes of linear memory the program's store may take.
    pub max_memory_size: Option<u64>,
    /// Total table elements the program's store may hold.
    pub max_table_elements: Option<u64>,
    /// Function imports nobody defines trap when called, instead of failing the link.
    pub unknown_imports_trap: bool,
    /// Collect garbage before every so many allocations (a debugging aid: slow).
    pub gc_zeal: u32,
    /// Page every 64-bit linear memory from a sparse file in this directory.
    pub memory_dir: Option<PathBuf>,
    /// Where to write a coredump if the program traps.
    pub coredump: Option<PathBuf>,
    /// When to use the image cache.
    pub cache: crate::cache::Use,
    /// The image cache's directory, if not the default.
    pub cache_dir: Option<PathBuf>,
}

impl RunArgs {
    /// The settings, later ones winning; `Err` for a missing module.
    pub fn resolve(self) -> Result<Options, String> {
        let file = self.file.ok_or("no module file given (see wisp --help)")?;
        let mut invoke = self.invoke;
        let mut args = self.args;
        // `WASM --invoke NAME ARGS…` (the spec tools' order).
        if invoke.is_none() && args.first().map(String::as_str) == Some("--invoke") {
            if args.len() < 2 {
                return Err("--invoke needs a function name".into());
            }
            invoke = Some(args.remove(1));
            args.remove(0);
        }
        let mut o = Options {
            file,
            invoke,
            args,
            argv0: self.argv0,
            dirs: self.dirs,
            preload: self.preload,
            fuel: self.fuel,
            max_call_depth: self.max_call_depth,
            max_memory_size: self.max_memory_size,
            max_table_elements: self.max_table_elements,
            unknown_imports_trap: self.unknown_imports_trap,
            memory_dir: self.memory_dir,
            ..Options::default()
        };
        for w in self.wasm {
            o.fuel = w.fuel.or(o.fuel);
            o.timeout = w.timeout.or(o.timeout);
            o.max_memory_size = w.max_memory_size.or(o.max_memory_size);
            o.max_table_elements = w.max_table_elements.or(o.max_table_elements);
            o.max_call_depth = w.max_call_depth.or(o.max_call_depth);
            o.unknown_imports_trap = w.unknown_imports_trap.unwrap_or(o.unknown_imports_trap);
            o.gc_zeal = w.gc_zeal.unwrap_or(o.gc_zeal);
        }
        for c in self.compile {
            o.cache = match c.cache {
                Some(true) => crate::cache::Use::Always,
                Some(false) => crate::cache::Use::Never,
                None => o.cache,
            };
            o.cache_dir = c.cache_dir.or(o.cache_dir);
        }
        for s in self.wasi {
            o.inherit_env = s.inherit_env.unwrap_or(o.inherit_env);
        }
        for d in self.debug {
            o.coredump = d.coredump.or(o.coredump);
        }
        for (name, value) in self.env {
            // NAME alone: wisp's own value, if it has one.
            let value = match value {
                Some(v) => v,
                None => match std::env::var(&name) {
                    Ok(v) => v,
                    Err(_) => continue,
                },
            };
            o.env.push((name, value));
        }
        Ok(o)
    }
}

/// `HOST::GUEST`, or `HOST` seen by the program under the same name.
fn parse_dir(v: &str) -> Result<(String, String), String> {
    let (host, guest) = v.split_once("::").unwrap_or((v, v));
    if host.is_empty() || guest.is_empty() {
        return Err(format!("wants HOST[::GUEST], got `{v}`"));
    }
    Ok((host.to_string(), guest.to_string()))
}

fn parse_env(v: &str) -> Result<(String, Option<String>), String> {
    let (name, value) = match v.split_once('=') {
        Some((n, val)) => (n, Some(val.to_string())),
        None => (v, None),
    };
    if name.is_empty() {
        return Err(format!("wants NAME[=VALUE], got `{v}`"));
    }
    Ok((name.to_string(), value))
}

fn parse_preload(v: &str) -> Result<(String, PathBuf), String> {
    match v.split_once('=') {
        Some((name, file)) if !name.is_empty() && !file.is_empty() => {
            Ok((name.to_string(), PathBuf::from(file)))
        }
        _ => Err(format!("wants NAME=MODULE, got `{v}`")),
    }
}

/// `NAME[=VALUE]` pairs separated by commas.
fn pairs(v: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    v.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((n, val)) => (n, Some(val)),
            None => (p, None),
        })
}

/// `y`/`n` (and `yes`/`no`, `true`/`false`); nothing means yes.
fn flag(name: &str, v: Option<&str>) -> Result<bool, String> {
    match v {
        None | Some("y" | "yes" | "true") => Ok(true),
        Some("n" | "no" | "false") => Ok(false),
        Some(v) => Err(format!("{name} wants y or n, got `{v}`")),
    }
}

fn number<N: std::str::FromStr>(name: &str, v: Option<&str>) -> Result<N, String> {
    let v = v.ok_or_else(|| format!("{name} needs a value ({name}=N)"))?;
    v.replace('_', "")
        .parse()
        .map_err(|_| format!("{name} wants a whole number, got `{v}`"))
}

fn parse_wasm_opts(v: &str) -> Result<WasmOpts, String> {
    let mut o = WasmOpts::default();
    for (name, val) in pairs(v) {
        match name {
            "fuel" => o.fuel = Some(number(name, val)?),
            "timeout" => {
                let v = val.ok_or("timeout needs a value (timeout=10s)")?;
                o.timeout = Some(parse_duration(v)?);
            }
            "max-memory-size" => {
                let v = val.ok_or("max-memory-size needs a value (max-memory-size=1GiB)")?;
                o.max_memory_size = Some(parse_bytes(v)?);
            }
            "max-table-elements" => o.max_table_elements = Some(number(name, val)?),
            "max-call-depth" => o.max_call_depth = Some(number(name, val)?),
            "unknown-imports-trap" => o.unknown_imports_trap = Some(flag(name, val)?),
            "gc-zeal" => {
                o.gc_zeal = Some(match val {
                    Some("y") | None => 1,
                    Some("n") => 0,
                    Some(_) => number(name, val)?,
                })
            }
            _ => {
                return Err(format!(
                    "unknown -W option `{name}` (fuel, timeout, max-memory-size, \
                     max-table-elements, max-call-depth, unknown-imports-trap, gc-zeal)"
                ))
            }
        }
    }
    Ok(o)
}

fn parse_compile_opts(v: &str) -> Result<CompileOpts, String> {
    let mut o = CompileOpts::default();
    for (name, val) in pairs(v) {
        match (name, val) {
            ("cache", _) => o.cache = Some(flag(name, val)?),
            ("cache-dir", Some(dir)) if !dir.is_empty() => o.cache_dir = Some(dir.into()),
            ("cache-dir", _) => return Err("cache-dir needs a directory (cache-dir=DIR)".into()),
            _ => return Err(format!("unknown -C option `{name}` (cache, cache-dir)")),
        }
    }
    Ok(o)
}

fn parse_wasi_opts(v: &str) -> Result<WasiOpts, String> {
    let mut o = WasiOpts::default();
    for (name, val) in pairs(v) {
        match name {
            "inherit-env" => o.inherit_env = Some(flag(name, val)?),
            _ => return Err(format!("unknown -S option `{name}` (inherit-env)")),
        }
    }
    Ok(o)
}

fn parse_debug_opts(v: &str) -> Result<DebugOpts, String> {
    let mut o = DebugOpts::default();
    for (name, val) in pairs(v) {
        match (name, val) {
            ("coredump", Some(file)) if !file.is_empty() => o.coredump = Some(file.into()),
            ("coredump", _) => return Err("coredump needs a file (coredump=FILE)".into()),
            _ => return Err(format!("unknown -D option `{name}` (coredump)")),
        }
    }
    Ok(o)
}

/// `10s`, `500ms`, `2m`, `1h`, `250us`, `1.5s`; a plain number is seconds.
pub fn parse_duration(v: &str) -> Result<Duration, String> {
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("not a duration: `{v}` (10s, 500ms, 2m)"))?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => n / 1e3,
        "us" => n / 1e6,
        "ns" => n / 1e9,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("not a duration: `{v}` (10s, 500ms, 2m)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|_| format!("not a duration: `{v}`"))
}

/// Bytes: `65536`, `64K`, `1MiB`, `16G`, `16GiB` (K, M and G are binary either way).
pub fn parse_bytes(v: &str) -> Result<u64, String> {
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("not a size in bytes: `{v}` (65536, 64K, 1GiB)"))?;
    let shift = match unit {
        "" | "B" => 0,
        "K" | "KiB" | "KB" | "k" => 10,
        "M" | "MiB" | "MB" => 20,
        "G" | "GiB" | "GB" => 30,
        "T" | "TiB" | "TB" => 40,
        _ => return Err(format!("not a size in bytes: `{v}` (65536, 64K, 1GiB)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("too large: `{v}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        let cli = Cli::try_parse_from(std::iter::once("wisp").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        match cli.command {
            Some(Command::Run(r)) => (*r).resolve(),
            None => cli.run.resolve(),
            Some(other) => Err(format!("not run: {other:?}")),
        }
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn invoke_with_args_after_file() {
        let o = run(&["--invoke", "fib", "fib.wat", "30"]).unwrap();
        assert_eq!(o.file, "fib.wat");
        assert_eq!(o.invoke.as_deref(), Some("fib"));
        assert_eq!(o.args, v(&["30"]));
        let o = run(&["run", "--invoke=fib", "fib.wat", "30"]).unwrap();
        assert_eq!(o.invoke.as_deref(), Some("fib"));
    }

    #[test]
    fn invoke_may_follow_the_file() {
        let o = run(&["fib.wat", "--invoke", "fib", "30"]).unwrap();
        assert_eq!(o.invoke.as_deref(), Some("fib"));
        assert_eq!(o.args, v(&["30"]));
    }

    #[test]
    fn everything_after_the_file_is_the_programs() {
        let o = run(&["--env", "A=1", "p.wasm", "-5", "--fuel", "x"]).unwrap();
        assert_eq!(o.args, v(&["-5", "--fuel", "x"]));
        assert_eq!(o.env, [("A".to_string(), "1".to_string())]);
        assert_eq!(o.fuel, None);
    }

    #[test]
    fn errors() {
        assert!(run(&[]).is_err());
        assert!(run(&["--fuel"]).is_err());
        assert!(run(&["--bogus", "x.wasm"]).is_err());
        assert!(run(&["--dir", "::x", "x.wasm"]).is_err());
        assert!(run(&["-W", "other", "m.wasm"]).is_err());
        assert!(run(&["-W", "fuel=lots", "m.wasm"]).is_err());
        assert!(run(&["-S", "inherit-everything", "m.wasm"]).is_err());
        assert!(run(&["--preload", "nofile", "m.wasm"]).is_err());
    }

    #[test]
    fn wasm_options_in_wasmtime_spelling() {
        let o = run(&[
            "-W",
            "fuel=1_000,timeout=250ms",
            "-W",
            "max-memory-size=64MiB,unknown-imports-trap=y,gc-zeal=8",
            "m.wasm",
        ])
        .unwrap();
        assert_eq!(o.fuel, Some(1000));
        assert_eq!(o.timeout, Some(Duration::from_millis(250)));
        assert_eq!(o.max_memory_size, Some(64 << 20));
        assert!(o.unknown_imports_trap);
        assert_eq!(o.gc_zeal, 8);
        let o = run(&[
            "--unknown-imports-trap",
            "-W",
            "unknown-imports-trap=n",
            "m.wasm",
        ])
        .unwrap();
        assert!(!o.unknown_imports_trap);
        assert_eq!(run(&["-W", "gc-zeal", "m.wasm"]).unwrap().gc_zeal, 1);
    }

    #[test]
    fn env_dirs_argv0_and_preloads() {
        let path = std::env::var("PATH").expect("a PATH to inherit");
        let o = run(&[
            "--dir=.",
            "--dir",
            "/tmp/w::/work",
            "--env",
            "PATH",
            "--env=B=2",
            "--env",
            "WISP_TEST_NOT_SET_ANYWHERE",
            "--argv0",
            "prog",
            "--preload",
            "lib=lib.wasm",
            "-S",
            "inherit-env",
            "p.wasm",
        ])
        .unwrap();
        assert_eq!(
            o.dirs,
            [
                (".".to_string(), ".".to_string()),
                ("/tmp/w".to_string(), "/work".to_string())
            ]
        );
        assert_eq!(
            o.env,
            [
                ("PATH".to_string(), path),
                ("B".to_string(), "2".to_string())
            ]
        );
        assert_eq!(o.argv0.as_deref(), Some("prog"));
        assert_eq!(o.preload, [("lib".to_string(), PathBuf::from("lib.wasm"))]);
        assert!(o.inherit_env);
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert_eq!(parse_bytes("64K"), Ok(64 << 10));
        assert_eq!(parse_bytes("16GiB"), Ok(16 << 30));
        assert!(parse_bytes("99999999999T").is_err());
        assert!(parse_bytes("lots").is_err());
    }
}
