//! The two engines behind one small interface, so that the bench targets, the tests and
//! the `peak` binary set them up the same way. Errors are strings naming the engine and
//! the step, so a failure on one engine reads as a finding rather than a panic deep in
//! the harness.

use crate::calls;

/// Translation mode for the start-up benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Functions are translated on first call (both engines' default).
    Lazy,
    /// Every function is translated when the module is compiled.
    Eager,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Lazy, Mode::Eager];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Lazy => "lazy",
            Mode::Eager => "eager",
        }
    }
}

fn wisp_engine(mode: Mode) -> wisp::Engine {
    let mut config = wisp::Config::new();
    config.eager_translation(mode == Mode::Eager);
    wisp::Engine::new(&config)
}

fn wasmi_engine(mode: Mode) -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config.compilation_mode(match mode {
        // Validate eagerly, translate on first call: what Wisp's lazy mode does.
        Mode::Lazy => wasmi::CompilationMode::LazyTranslation,
        Mode::Eager => wasmi::CompilationMode::Eager,
    });
    wasmi::Engine::new(&config)
}

/// Everything one start-up produces; dropped by the caller (outside the timing).
pub struct WispStarted(pub wisp::Store<()>, pub wisp::Instance);
/// Everything one start-up produces; dropped by the caller (outside the timing).
pub struct WasmiStarted(pub wasmi::Store<()>, pub wasmi::Instance);

/// Decode, validate, (in eager mode) translate, and instantiate a module with no imports.
pub fn wisp_start(wasm: &[u8], mode: Mode) -> Result<WispStarted, String> {
    let engine = wisp_engine(mode);
    let module = wisp::Module::new(&engine, wasm).map_err(|e| format!("wisp: compile: {e}"))?;
    let mut store = wisp::Store::new(&engine, ());
    let instance = wisp::Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(|e| format!("wisp: instantiate: {e}"))?;
    Ok(WispStarted(store, instance))
}

/// Decode, validate, (in eager mode) translate, and instantiate a module with no imports.
pub fn wasmi_start(wasm: &[u8], mode: Mode) -> Result<WasmiStarted, String> {
    let engine = wasmi_engine(mode);
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| format!("wasmi: compile: {e}"))?;
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Linker::<()>::new(&engine)
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| format!("wasmi: instantiate: {e}"))?;
    Ok(WasmiStarted(store, instance))
}

/// Instantiates `wasm` on Wisp and returns a caller of the export `func`, an
/// `(i32) -> i32` function.
pub fn wisp_runner(
    wasm: &[u8],
    func: &str,
    mode: Mode,
) -> Result<impl FnMut(i32) -> Result<i32, String>, String> {
    let WispStarted(mut store, instance) = wisp_start(wasm, mode)?;
    let f = instance
        .get_typed_func::<i32, i32>(&store, func)
        .map_err(|e| format!("wisp: export `{func}`: {e}"))?;
    let func = func.to_string();
    Ok(move |arg| {
        f.call(&mut store, arg)
            .map_err(|e| format!("wisp: {func}({arg}) failed: {e}"))
    })
}

/// Instantiates `wasm` on wasmi and returns a caller of the export `func`, an
/// `(i32) -> i32` function.
pub fn wasmi_runner(
    wasm: &[u8],
    func: &str,
    mode: Mode,
) -> Result<impl FnMut(i32) -> Result<i32, String>, String> {
    let WasmiStarted(mut store, instance) = wasmi_start(wasm, mode)?;
    let f = instance
        .get_typed_func::<i32, i32>(&store, func)
        .map_err(|e| format!("wasmi: export `{func}`: {e}"))?;
    let func = func.to_string();
    Ok(move |arg| {
        f.call(&mut store, arg)
            .map_err(|e| format!("wasmi: {func}({arg}) failed: {e}"))
    })
}

/// The calls module on Wisp: `add3` and `call_host`, with `env.host` defined.
pub struct WispCalls {
    pub store: wisp::Store<()>,
    pub add3: wisp::TypedFunc<(i32, i32, i32), i32>,
    pub call_host: wisp::TypedFunc<i32, i32>,
}

impl WispCalls {
    pub fn new() -> Result<Self, String> {
        let wasm = calls::wasm();
        let engine = wisp::Engine::default();
        let module = wisp::Module::new(&engine, &wasm).map_err(|e| format!("wisp: {e}"))?;
        let mut store = wisp::Store::new(&engine, ());
        let mut linker = wisp::Linker::new(&engine);
        linker.func_wrap("env", "host", calls::host).unwrap();
        let instance = linker
            .instantiate(&mut store, &module)
            .map_err(|e| format!("wisp: {e}"))?;
        let add3 = instance
            .get_typed_func(&store, "add3")
            .map_err(|e| format!("wisp: {e}"))?;
        let call_host = instance
            .get_typed_func(&store, "call_host")
            .map_err(|e| format!("wisp: {e}"))?;
        Ok(WispCalls {
            store,
            add3,
            call_host,
        })
    }
    pub fn add3(&mut self, a: i32, b: i32, c: i32) -> Result<i32, String> {
        self.add3
            .call(&mut self.store, (a, b, c))
            .map_err(|e| format!("wisp: add3: {e}"))
    }
    pub fn call_host(&mut self, n: i32) -> Result<i32, String> {
        self.call_host
            .call(&mut self.store, n)
            .map_err(|e| format!("wisp: call_host: {e}"))
    }
}

/// The calls module on wasmi: `add3` and `call_host`, with `env.host` defined.
pub struct WasmiCalls {
    pub store: wasmi::Store<()>,
    pub add3: wasmi::TypedFunc<(i32, i32, i32), i32>,
    pub call_host: wasmi::TypedFunc<i32, i32>,
}

impl WasmiCalls {
    pub fn new() -> Result<Self, String> {
        let wasm = calls::wasm();
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, &wasm).map_err(|e| format!("wasmi: {e}"))?;
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::<()>::new(&engine);
        linker
            .func_wrap("env", "host", calls::host)
            .map_err(|e| format!("wasmi: {e}"))?;
        let instance = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| format!("wasmi: {e}"))?;
        let add3 = instance
            .get_typed_func(&store, "add3")
            .map_err(|e| format!("wasmi: {e}"))?;
        let call_host = instance
            .get_typed_func(&store, "call_host")
            .map_err(|e| format!("wasmi: {e}"))?;
        Ok(WasmiCalls {
            store,
            add3,
            call_host,
        })
    }
    pub fn add3(&mut self, a: i32, b: i32, c: i32) -> Result<i32, String> {
        self.add3
            .call(&mut self.store, (a, b, c))
            .map_err(|e| format!("wasmi: add3: {e}"))
    }
    pub fn call_host(&mut self, n: i32) -> Result<i32, String> {
        self.call_host
            .call(&mut self.store, n)
            .map_err(|e| format!("wasmi: call_host: {e}"))
    }
}

/// The engines, for code that runs a workload on either by name (tests, `peak`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Wisp,
    Wasmi,
}

/// A boxed caller of one `(i32) -> i32` export.
pub type Runner = Box<dyn FnMut(i32) -> Result<i32, String>>;

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Wisp, Engine::Wasmi];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Wisp => "wisp",
            Engine::Wasmi => "wasmi",
        }
    }

    pub fn from_name(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == name)
    }

    /// Instantiates `wasm` in `mode` and returns a caller of the export `func`.
    pub fn runner(self, wasm: &[u8], func: &str, mode: Mode) -> Result<Runner, String> {
        Ok(match self {
            Engine::Wisp => Box::new(wisp_runner(wasm, func, mode)?),
            Engine::Wasmi => Box::new(wasmi_runner(wasm, func, mode)?),
        })
    }
}
