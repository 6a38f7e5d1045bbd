//! Loading a module, giving it WASI, and running it or calling one of its exports.

use crate::args::Options;
use crate::{cache, output};
use std::process::ExitCode;
use wisp::{
    CompileErrorKind, Config, Engine, Error, Linker, Module, Store, StoreLimitsBuilder, Val,
    ValType, F32, F64,
};
use wisp_wasi::WasiCtx;

/// Total linear memory a program may take unless `--max-memory-size` says otherwise:
/// four memories of the 32-bit maximum.
const DEFAULT_MEMORY_SIZE: u64 = 16 << 30;
/// Total table elements unless `--max-table-elements` says otherwise.
const DEFAULT_TABLE_ELEMENTS: u64 = 10_000_000;

/// Exit status of a trapping program, as for an aborted process (128 + SIGABRT).
const TRAP_EXIT: u8 = 134;

pub fn run(o: &Options) -> ExitCode {
    match try_run(o) {
        Ok(results) => output::finish(
            || results.iter().try_for_each(|r| output::line(show(r))),
            ExitCode::SUCCESS,
        ),
        // The program's own exit status; the shell sees its low byte, as on Unix.
        Err(Error::Exit(code)) => ExitCode::from(code as u8),
        Err(Error::Trap(t)) => {
            output::error(format_args!("error: {t}"));
            if let (Some(path), Some(dump)) = (&o.coredump, &t.coredump) {
                match std::fs::write(path, dump.serialize(&o.file)) {
                    Ok(()) => {
                        output::error(format_args!("wasm coredump written to {}", path.display()))
                    }
                    Err(e) => output::error(format_args!(
                        "error: cannot write the coredump to {}: {e}",
                        path.display()
                    )),
                }
            }
            ExitCode::from(TRAP_EXIT)
        }
        Err(e) => {
            output::error(format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

fn try_run(o: &Options) -> Result<Vec<Val>, Error> {
    let bytes = read_module(&o.file)?;
    let image = bytes.starts_with(IMAGE_MAGIC);
    let mut config = Config::new();
    config.consume_fuel(o.fuel.is_some());
    config.epoch_interruption(o.timeout.is_some());
    config.gc_zeal(o.gc_zeal);
    config.coredump_on_trap(o.coredump.is_some());
    if let Some(d) = o.max_call_depth {
        config.max_call_depth(d);
    }
    // One memory may take all the program's memory: a 64-bit one past 4 GiB.
    let memory_size = o.max_memory_size.unwrap_or(DEFAULT_MEMORY_SIZE);
    config.max_memory_pages(memory_size.div_ceil(1 << 16));
    let engine = Engine::new(&config);
    let module = if image {
        load_image(&engine, &bytes, o)?
    } else {
        compile_cached(&engine, &config, &bytes, o)?
    };

    let argv0 = o.argv0.clone().unwrap_or_else(|| o.file.clone());
    let mut wasi = WasiCtx::builder().inherit_host().arg(argv0);
    if o.invoke.is_none() {
        wasi = wasi.args(o.args.iter().cloned());
    }
    if o.inherit_env {
        for (k, v) in std::env::vars_os() {
            if let (Some(k), Some(v)) = (k.to_str(), v.to_str()) {
                wasi = wasi.env(k, v);
            }
        }
    }
    for (k, v) in &o.env {
        wasi = wasi.env(k, v);
    }
    for (host, guest) in &o.dirs {
        wasi = wasi
            .preopen_host_dir(host, guest)
            .map_err(|e| Error::Usage(format!("--dir {host}: {e}")))?;
    }
    let mut store = Store::new(&engine, wasi.build());
    store.limiter(
        StoreLimitsBuilder::new()
            .memory_size(memory_size)
            .table_elements(o.max_table_elements.unwrap_or(DEFAULT_TABLE_ELEMENTS))
            .build(),
    );
    if let Some(f) = o.fuel {
        store.set_fuel(f)?;
    }
    if let Some(t) = o.timeout {
        start_timer(&engine, &mut store, t)?;
    }
    if let Some(dir) = &o.memory_dir {
        page_from_files(&mut store, dir)?;
    }
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |ctx: &mut WasiCtx| ctx)?;
    for (name, path) in &o.preload {
        let path = path.to_string_lossy();
        let bytes = read_module(&path)?;
        let m = if bytes.starts_with(IMAGE_MAGIC) {
            load_image(&engine, &bytes, o)?
        } else {
            compile(&engine, &bytes, &path)?
        };
        if o.unknown_imports_trap {
            linker.define_unknown_imports_as_traps(&m)?;
        }
        let inst = linker
            .instantiate(&mut store, &m)
            .map_err(|e| in_file(e, &path))?;
        if let Some(init) = inst.get_func(&store, "_initialize") {
            init.call(&mut store, &[], &mut [])?;
        }
        linker.instance(&store, name, inst)?;
    }
    if o.unknown_imports_trap {
        linker.define_unknown_imports_as_traps(&module)?;
    }
    let instance = linker.instantiate(&mut store, &module)?;

    let name = match &o.invoke {
        Some(n) => {
            // A reactor initializes itself before any export is called.
            if let Some(init) = instance.get_func(&store, "_initialize") {
                init.call(&mut store, &[], &mut [])?;
            }
            n.as_str()
        }
        None if instance.get_func(&store, "_start").is_some() => "_start",
        None => return Ok(vec![]),
    };
    let func = instance
        .get_func(&store, name)
        .ok_or_else(|| Error::Usage(format!("{}: no exported function `{name}`", o.file)))?;
    let ty = func.ty(&store);
    let args: &[String] = if o.invoke.is_some() { &o.args } else { &[] };
    if args.len() != ty.params().len() {
        return Err(Error::Usage(format!(
            "`{name}` has type {ty}: expected {} arguments, got {}",
            ty.params().len(),
            args.len()
        )));
    }
    let args = args
        .iter()
        .zip(ty.params())
        .map(|(a, t)| parse_val(a, *t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_of(*t)).collect();
    func.call(&mut store, &args, &mut results)?;
    Ok(results)
}

/// The first bytes of an image that `wisp compile` wrote.
const IMAGE_MAGIC: &[u8] = b"\0wsi";

/// The module compiled as [`compile`] does, but without validating it again when the
/// module cache says this build validated the same bytes before (`cache.rs`); a module
/// that validates is recorded there.
fn compile_cached(
    engine: &Engine,
    config: &Config,
    bytes: &[u8],
    o: &Options,
) -> Result<Module, Error> {
    let wanted = match o.cache {
        cache::Use::Never => false,
        cache::Use::Always => true,
        cache::Use::Large => bytes.len() >= cache::DEFAULT_MIN_BYTES,
    };
    let Some(dir) = cache::directory(o.cache_dir.as_deref()).filter(|_| wanted) else {
        return compile(engine, bytes, &o.file);
    };
    let entry = cache::Entry::new(&dir, bytes, &format!("{config:?}"));
    if entry.validated() {
        // SAFETY: the entry is named by the SHA-256 of these bytes and of this build and
        // configuration, and is made only after `Module::new` accepted them here.
        #[allow(unsafe_code)]
        let known = unsafe { Module::from_binary_unchecked(engine, bytes) };
        if let Ok(module) = known {
            return Ok(module);
        }
    }
    let module = compile(engine, bytes, &o.file)?;
    entry.record();
    Ok(module)
}

/// Decodes, validates and compiles a module; errors name the file.
fn compile(engine: &Engine, bytes: &[u8], file: &str) -> Result<Module, Error> {
    Module::new(engine, bytes).map_err(|e| in_file(e, file))
}

/// Names `file` in a compile error.
fn in_file(e: Error, file: &str) -> Error {
    match e {
        Error::Compile {
            message,
            offset,
            kind,
        } => Error::Compile {
            message: format!("{file}: {message}"),
            offset,
            kind,
        },
        Error::Link(m) => Error::Link(format!("{file}: {m}")),
        e => e,
    }
}

/// Loads an image that `wisp compile` wrote. An image was compiled with fuel metering or
/// without, and runs only on an engine that agrees: `-W fuel` and `-W timeout` need an
/// image compiled with `--fuel`, which in turn needs one of them.
#[allow(unsafe_code)]
fn load_image(engine: &Engine, bytes: &[u8], o: &Options) -> Result<Module, Error> {
    // SAFETY: an image is trusted code, as a native program is: the user asked to run
    // this file, and the help says to run only images one made. Its structure and
    // checksum are still checked, so a damaged or foreign file is an error.
    let loaded = unsafe { Module::from_image(engine, bytes) };
    loaded.map_err(|e| {
        let e = in_file(e, &o.file);
        if !e.to_string().contains("fuel metering") {
            return e;
        }
        let hint = if o.fuel.is_some() || o.timeout.is_some() {
            "-W fuel and -W timeout run only images compiled with --fuel"
        } else {
            "an image compiled with --fuel runs with -W fuel=N or -W timeout=D"
        };
        Error::Usage(format!("{}: {e} ({hint})", o.file))
    })
}

/// Stops the program with an "interrupt" trap after `timeout`: a thread advances the
/// engine's epoch once, past the store's deadline.
/// Where threads are missing (Wisp itself running under WASI) it says so.
fn start_timer<T>(
    engine: &Engine,
    store: &mut Store<T>,
    timeout: std::time::Duration,
) -> Result<(), Error> {
    store.set_epoch_deadline(1);
    let engine = engine.clone();
    std::thread::Builder::new()
        .name("wisp-timeout".into())
        .spawn(move || {
            std::thread::sleep(timeout);
            engine.increment_epoch();
        })
        .map(drop)
        .map_err(|e| {
            Error::Usage(format!(
                "-W timeout needs a timer thread, which this host cannot start ({e}); -W fuel=N limits a run without one"
            ))
        })
}

/// RAM that `--memory-dir` gives each memory for its cached pages.
const MEMORY_FILE_CACHE: usize = 64 << 20;

/// Puts every 64-bit memory the program defines in a sparse file of its own in `dir`,
/// with [`MEMORY_FILE_CACHE`] of it in RAM: for a memory larger than RAM. A 32-bit memory
/// stays in pages of RAM that cost nothing until touched (at most 4 GiB, and its loads
/// and stores keep their fast path, which a paged one would cost every access). The
/// files are removed from the directory as soon as they are open, so nothing is left
/// behind.
fn page_from_files<T>(store: &mut Store<T>, dir: &std::path::Path) -> Result<(), Error> {
    let shown = dir.display();
    let usage = |e: std::io::Error| Error::Usage(format!("--memory-dir {shown}: {e}"));
    if !std::fs::metadata(dir).map_err(usage)?.is_dir() {
        return Err(Error::Usage(format!(
            "--memory-dir {shown}: not a directory"
        )));
    }
    let dir = dir.to_path_buf();
    let mut n = 0u32;
    store.set_memory_provider(move |ty| {
        if !ty.memory64 {
            return None;
        }
        n += 1;
        let path = dir.join(format!("wisp-memory-{}-{n}", std::process::id()));
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .ok()?;
        let _ = std::fs::remove_file(&path);
        let m = wisp::FileMemory::new(file, MEMORY_FILE_CACHE).ok()?;
        Some(wisp::MemoryBackend::Paged(Box::new(m)))
    });
    Ok(())
}

/// Reads a binary module or an image, or a text module (`.wat`, or any file starting
/// with neither `\0asm` nor `\0wsi`).
pub fn read_module(path: &str) -> Result<Vec<u8>, Error> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::Usage(format!("cannot read {path}: {e}")))?;
    if bytes.starts_with(b"\0asm") || bytes.starts_with(IMAGE_MAGIC) {
        return Ok(bytes);
    }
    let text = String::from_utf8(bytes).map_err(|_| Error::Compile {
        message: format!("{path}: neither a binary module nor UTF-8 text"),
        offset: 0,
        kind: CompileErrorKind::Invalid,
    })?;
    wat_to_wasm(&text).map_err(|e| Error::Compile {
        message: format!("{path}: {e}"),
        // The byte offset in the text.
        offset: e.span().offset(),
        kind: CompileErrorKind::Invalid,
    })
}

fn wat_to_wasm(text: &str) -> Result<Vec<u8>, wisp_wast::wast::Error> {
    use wisp_wast::wast::{parser, Wat};
    let buf = parser::ParseBuffer::new(text)?;
    let mut wat = parser::parse::<Wat>(&buf)?;
    wat.encode()
}

fn parse_val(s: &str, t: ValType) -> Result<Val, Error> {
    let bad = || Error::Usage(format!("cannot parse `{s}` as {t}"));
    Ok(match t {
        ValType::I32 => Val::I32(
            s.parse::<i32>()
                .or_else(|_| s.parse::<u32>().map(|v| v as i32))
                .map_err(|_| bad())?,
        ),
        ValType::I64 => Val::I64(
            s.parse::<i64>()
                .or_else(|_| s.parse::<u64>().map(|v| v as i64))
                .map_err(|_| bad())?,
        ),
        ValType::F32 => Val::F32(F32::from_float(s.parse().map_err(|_| bad())?)),
        ValType::F64 => Val::F64(F64::from_float(s.parse().map_err(|_| bad())?)),
        _ => {
            return Err(Error::Usage(format!(
                "arguments of type {t} are not supported"
            )))
        }
    })
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(x) => x.to_float().to_string(),
        Val::F64(x) => x.to_float().to_string(),
        Val::V128(x) => format!("{x:#034x}"),
        Val::FuncRef(None) | Val::ExternRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
        other => format!("{other:?}"),
    }
}
