//! Executes the directives of one script.

use crate::{spectest, values};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use wast::core::Module as WatModule;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, Wat};
use wisp::{
    Config, Engine, Error, Features, Func, Instance, Linker, Module, ResumableCall, Store,
    StoreLimits, Trap, TrapCode, Val,
};

/// Bounds on what one script may spend, for running scripts nobody vetted.
#[derive(Debug, Clone, Default)]
pub struct RunLimits {
    /// Fuel for each directive's call (about one unit an instruction); `None` is
    /// unmetered unless a timeout asks for metering.
    pub fuel: Option<u64>,
    /// Wall-clock time for the whole script: the directive running when it passes fails
    /// and the rest are not run.
    pub timeout: Option<Duration>,
    /// The limits of every store the script runs in (see [`Store::limiter`]).
    pub store: Option<StoreLimits>,
}

/// Fuel given at a time when a call is metered only for its timeout: the deadline is
/// checked between slices.
const FUEL_SLICE: u64 = 50_000_000;

/// The outcome of one script.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub passed: u32,
    pub failed: u32,
    /// One line per failed directive: `line:col: what went wrong`.
    pub failures: Vec<String>,
    /// Modules rightly rejected as invalid or malformed, but with another message than
    /// the script expects (wasmparser words some errors differently from the reference
    /// interpreter): `line:col: expected …, got …`. They count as passed.
    pub message_mismatches: Vec<String>,
}

/// Runs a script of the official suite with the configuration [`config_for`] its name.
pub fn run_wast(name: &str, source: &str) -> FileReport {
    run_wast_with(&config_for(name), source)
}

/// The configuration a script of the official suite runs with, from its name
/// (`group/file.wast`): each group runs on the feature set its tests were written against,
/// so that features they expect to be missing are rejected.
pub fn config_for(name: &str) -> Config {
    let features = match name.split('/').next() {
        Some("wasm-v1") => Features::mvp(),
        // The threads repository forked before reference types and bulk memory were
        // merged: its tests expect a second table to be invalid.
        Some("threads") => Features::default()
            .with_reference_types(false)
            .with_bulk_memory(false)
            .with_multi_memory(false)
            .with_memory64(false),
        Some("custom-page-sizes") => Features::default().with_custom_page_sizes(true),
        // The memory64 repository forked before multi-memory was merged: its tests
        // expect a second memory to be invalid.
        Some("memory64") => Features::default().with_multi_memory(false),
        // These forked before multi-memory and memory64 were merged: their tests expect
        // a second memory, and the 64-bit encodings of limits, to be invalid.
        Some("wasm-v2" | "function-references" | "multi-value" | "reference-types") => {
            Features::default()
                .with_multi_memory(false)
                .with_memory64(false)
        }
        // Recursive groups and subtypes are the GC proposal's, which WebAssembly 3.0
        // and the proposals after it assume.
        _ => Features::default().with_gc(true),
    };
    let mut config = Config::new();
    config.features(features);
    config
}

/// Runs a script with the given configuration.
pub fn run_wast_with(config: &Config, source: &str) -> FileReport {
    run_wast_in(config, source, &mut |_| {})
}

/// Runs a script on a store that `prepare` set up first: to run the suite over another
/// memory backend, for example.
pub fn run_wast_in(
    config: &Config,
    source: &str,
    prepare: &mut dyn FnMut(&mut Store<()>),
) -> FileReport {
    run_wast_opts(config, source, prepare, false, RunLimits::default())
}

/// Runs a script with every module turned into a pre-translated image and loaded back
/// (`Module::to_image`, `Module::from_image`) before it is instantiated: the image
/// format must carry everything the spec tests look at.
pub fn run_wast_via_images(config: &Config, source: &str) -> FileReport {
    run_wast_opts(config, source, &mut |_| {}, true, RunLimits::default())
}

/// Runs a suite script ([`config_for`] its name) within `limits`.
pub fn run_wast_limited(name: &str, source: &str, limits: &RunLimits) -> FileReport {
    let mut config = config_for(name);
    if limits.fuel.is_some() || limits.timeout.is_some() {
        config.consume_fuel(true);
    }
    run_wast_opts(&config, source, &mut |_| {}, false, limits.clone())
}

fn run_wast_opts(
    config: &Config,
    source: &str,
    prepare: &mut dyn FnMut(&mut Store<()>),
    via_images: bool,
    limits: RunLimits,
) -> FileReport {
    let mut report = FileReport::default();
    let mut lexer = wast::lexer::Lexer::new(source);
    lexer.allow_confusing_unicode(true);
    let buf = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => return parse_failure(&mut report, e),
    };
    let script = match parser::parse::<Wast>(&buf) {
        Ok(s) => s,
        Err(e) => return parse_failure(&mut report, e),
    };
    let deadline = limits.timeout.map(|t| Instant::now() + t);
    let mut runner = match Runner::new(config, prepare, via_images, limits) {
        Ok(r) => r,
        Err(e) => {
            report.failed += 1;
            report
                .failures
                .push(format!("0:0: cannot set up spectest: {e}"));
            return report;
        }
    };
    for directive in script.directives {
        let (line, col) = directive.span().linecol_in(source);
        runner.deadline = deadline;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            report.failed += 1;
            report
                .failures
                .push(format!("{}:{}: the script's time is up", line + 1, col + 1));
            break;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| runner.directive(directive)))
            .unwrap_or_else(|p| Err(format!("panic: {}", panic_message(&p))));
        if let Some(m) = runner.mismatch.take() {
            report
                .message_mismatches
                .push(format!("{}:{}: {m}", line + 1, col + 1));
        }
        match outcome {
            Ok(()) => report.passed += 1,
            Err(msg) => {
                report.failed += 1;
                report
                    .failures
                    .push(format!("{}:{}: {msg}", line + 1, col + 1));
            }
        }
    }
    report
}

fn parse_failure(report: &mut FileReport, e: wast::Error) -> FileReport {
    report.failed += 1;
    report
        .failures
        .push(format!("0:0: script does not parse: {e}"));
    std::mem::take(report)
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

type Outcome = Result<(), String>;

struct Runner<'a> {
    engine: Engine,
    prepare: &'a mut dyn FnMut(&mut Store<()>),
    limits: RunLimits,
    deadline: Option<Instant>,
    /// Whether anything of the current store can still be reached: a named instance or a
    /// registration. If not, the next module gets a fresh store and the old one, with
    /// its memories and tables, is dropped.
    store_reachable: bool,
    store: Store<()>,
    linker: Linker<()>,
    instances: HashMap<String, Instance>,
    definitions: HashMap<String, Module>,
    last: Option<Instance>,
    /// Set when the last directive rejected a module with an unexpected message.
    mismatch: Option<String>,
    /// Load every module through a pre-translated image.
    via_images: bool,
}

impl<'a> Runner<'a> {
    fn new(
        config: &Config,
        prepare: &'a mut dyn FnMut(&mut Store<()>),
        via_images: bool,
        limits: RunLimits,
    ) -> Result<Self, Error> {
        let engine = Engine::new(config);
        let (store, linker) = fresh_store(&engine, prepare, &limits)?;
        Ok(Runner {
            engine,
            prepare,
            limits,
            deadline: None,
            store_reachable: false,
            store,
            linker,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last: None,
            mismatch: None,
            via_images,
        })
    }

    /// Before a module is instantiated as the script's current one: when nothing of the
    /// store can be reached any more, start over in a fresh store, so that a long script
    /// holds only what it can still use.
    fn drop_unreachable(&mut self) -> Result<(), String> {
        if self.store_reachable {
            return Ok(());
        }
        let (store, linker) = fresh_store(&self.engine, self.prepare, &self.limits)
            .map_err(|e| format!("cannot set up a store: {e}"))?;
        self.store = store;
        self.linker = linker;
        self.last = None;
        Ok(())
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Outcome {
        match d {
            WastDirective::Module(mut m) => {
                let name = quote_id(&m);
                let module = self.compile(&mut m)?;
                if name.is_none() {
                    self.drop_unreachable()?;
                }
                self.refuel();
                let inst = self
                    .linker
                    .instantiate(&mut self.store, &module)
                    .map_err(|e| format!("instantiation failed: {e}"))?;
                self.name_instance(name, inst);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut m) => {
                let name = quote_id(&m);
                let module = self.compile(&mut m)?;
                if let Some(n) = name {
                    self.definitions.insert(n, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module
                    .and_then(|m| self.definitions.get(m.name()))
                    .ok_or("unknown module definition")?
                    .clone();
                self.refuel();
                let inst = self
                    .linker
                    .instantiate(&mut self.store, &def)
                    .map_err(|e| format!("instantiation failed: {e}"))?;
                self.name_instance(instance.map(|i| i.name().to_string()), inst);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                self.linker
                    .instance(&self.store, name, inst)
                    .map_err(|e| e.to_string())?;
                self.store_reachable = true;
                Ok(())
            }
            WastDirective::Invoke(call) => {
                self.invoke(&call).map(|_| ()).map_err(|e| e.to_string())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self
                    .execute(exec)
                    .map_err(|e| format!("unexpected error: {e}"))?;
                if got.len() != results.len() {
                    return Err(format!("expected {} results, got {got:?}", results.len()));
                }
                for (i, (e, v)) in results.iter().zip(&got).enumerate() {
                    if !values::matches(e, v, &self.store)? {
                        return Err(format!("result {i}: expected {e:?}, got {v:?}"));
                    }
                }
                Ok(())
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected trap `{message}`, got {v:?}")),
                Err(Error::Trap(t)) if message_matches(t.code.message(), message) => Ok(()),
                Err(e) => Err(format!("expected trap `{message}`, got error: {e}")),
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected an exception, got {v:?}")),
                Err(Error::Exception(_)) => Ok(()),
                Err(e) => Err(format!("expected an exception, got error: {e}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Ok(v) => Err(format!("expected exhaustion `{message}`, got {v:?}")),
                Err(Error::Trap(t)) if message_matches(t.code.message(), message) => Ok(()),
                Err(e) => Err(format!("expected exhaustion `{message}`, got error: {e}")),
            },
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.expect_rejected(&mut module, message, "invalid"),
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                // A text module the `wast` parser already rejects tests `wast`, not Wisp;
                // it counts as rejected.
                if let QuoteWat::QuoteModule(..) = module {
                    if module.encode().is_err() {
                        return Ok(());
                    }
                }
                self.expect_rejected(&mut module, message, "malformed")
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let bytes = module.encode().map_err(|e| format!("cannot encode: {e}"))?;
                let m = self
                    .load(&bytes)
                    .map_err(|e| format!("unlinkable module does not compile: {e}"))?;
                match self.linker.instantiate(&mut self.store, &m) {
                    Ok(_) => Err(format!("expected link failure `{message}`, but it linked")),
                    Err(Error::Link(got)) if message_matches(&got, message) => Ok(()),
                    Err(e) => Err(format!("expected link failure `{message}`, got: {e}")),
                }
            }
            other => Err(format!(
                "unsupported directive: {}",
                format!("{other:?}")
                    .split([' ', '{', '('])
                    .next()
                    .unwrap_or("?")
            )),
        }
    }

    fn name_instance(&mut self, name: Option<String>, inst: Instance) {
        if let Some(n) = name {
            self.instances.insert(n, inst);
            self.store_reachable = true;
        }
        self.last = Some(inst);
    }

    fn compile(&mut self, m: &mut QuoteWat<'_>) -> Result<Module, String> {
        let bytes = m
            .encode()
            .map_err(|e| format!("cannot encode module: {e}"))?;
        self.load(&bytes)
            .map_err(|e| format!("module does not compile: {e}"))
    }

    /// Compiles a module that the script expects to be valid.
    fn load(&self, bytes: &[u8]) -> Result<Module, Error> {
        let m = Module::new(&self.engine, bytes)?;
        if !self.via_images {
            return Ok(m);
        }
        let image = m.to_image()?;
        // SAFETY: the image was written just now, by this build.
        #[allow(unsafe_code)]
        unsafe {
            Module::from_image(&self.engine, &image)
        }
    }

    /// The module must fail to decode or validate.
    fn expect_rejected(&mut self, m: &mut QuoteWat<'_>, message: &str, what: &str) -> Outcome {
        let bytes = match m.encode() {
            Ok(b) => b,
            Err(e) => return Err(format!("cannot encode {what} module: {e}")),
        };
        match Module::new(&self.engine, &bytes) {
            Ok(_) => Err(format!(
                "expected {what} module (`{message}`), but it compiled"
            )),
            Err(e) => {
                let got = match &e {
                    Error::Compile { message, .. } => message.clone(),
                    other => other.to_string(),
                };
                if !message_matches(&got, message) {
                    self.mismatch = Some(format!("expected `{message}`, got `{got}`"));
                }
                Ok(())
            }
        }
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance, String> {
        match name {
            Some(n) => self
                .instances
                .get(n)
                .copied()
                .ok_or_else(|| format!("unknown instance `{n}`")),
            None => self.last.ok_or_else(|| "no module instantiated yet".into()),
        }
    }

    fn invoke(&mut self, call: &WastInvoke<'_>) -> Result<Vec<Val>, Error> {
        let inst = self
            .instance(call.module.map(|m| m.name()))
            .map_err(Error::Usage)?;
        let f = inst
            .get_func(&self.store, call.name)
            .ok_or_else(|| Error::Usage(format!("no exported function `{}`", call.name)))?;
        let args = call
            .args
            .iter()
            .map(|a| values::arg(a, &mut self.store))
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Usage)?;
        let ty = f.ty(&self.store);
        let args: Vec<Val> = args
            .into_iter()
            .enumerate()
            .map(|(i, a)| match ty.params().get(i) {
                Some(&t) => values::null_for(a, t),
                None => a,
            })
            .collect();
        let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_of(*t)).collect();
        self.call(f, &args, &mut out)?;
        Ok(out)
    }

    /// Gives the store the fuel one directive may spend (instantiation runs start
    /// functions).
    fn refuel(&mut self) {
        if self.store.get_fuel().is_some() {
            let fuel = self.limits.fuel.unwrap_or(u64::MAX);
            let _ = self.store.set_fuel(fuel);
        }
    }

    /// Calls `f` within the script's fuel and time: metered calls run a slice of fuel at
    /// a time, and the deadline is checked between slices.
    fn call(&mut self, f: Func, args: &[Val], out: &mut [Val]) -> Result<(), Error> {
        if self.store.get_fuel().is_none() {
            return f.call(&mut self.store, args, out);
        }
        let mut left = self.limits.fuel.unwrap_or(u64::MAX);
        let take = |store: &mut Store<()>, left: &mut u64| {
            let slice = (*left).min(FUEL_SLICE);
            *left -= slice;
            store.set_fuel(slice)
        };
        take(&mut self.store, &mut left)?;
        let mut state = f.call_resumable(&mut self.store, args, out)?;
        loop {
            let paused = match state {
                ResumableCall::Finished => return Ok(()),
                ResumableCall::OutOfFuel(paused) => paused,
                ResumableCall::HostTrap(t) => return Err(t.into_host_error()),
            };
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Error::Usage("the script's time is up".into()));
            }
            if left == 0 {
                return Err(Error::Trap(Trap::new(TrapCode::OutOfFuel)));
            }
            take(&mut self.store, &mut left)?;
            state = paused.resume(&mut self.store, out)?;
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Val>, Error> {
        match exec {
            WastExecute::Invoke(call) => self.invoke(&call),
            WastExecute::Get { module, global, .. } => {
                let inst = self
                    .instance(module.map(|m| m.name()))
                    .map_err(Error::Usage)?;
                let g = inst
                    .get_global(&self.store, global)
                    .ok_or_else(|| Error::Usage(format!("no exported global `{global}`")))?;
                Ok(vec![g.get(&self.store)])
            }
            WastExecute::Wat(mut w) => {
                let bytes = w
                    .encode()
                    .map_err(|e| Error::Usage(format!("cannot encode module: {e}")))?;
                let m = self.load(&bytes)?;
                self.refuel();
                self.linker.instantiate(&mut self.store, &m)?;
                Ok(vec![])
            }
        }
    }
}

/// A store for `engine` prepared by `prepare`, within `limits`, and a linker with the
/// `spectest` module defined in it.
fn fresh_store(
    engine: &Engine,
    prepare: &mut dyn FnMut(&mut Store<()>),
    limits: &RunLimits,
) -> Result<(Store<()>, Linker<()>), Error> {
    let mut store = Store::new(engine, ());
    if let Some(l) = &limits.store {
        store.limiter(l.clone());
    }
    prepare(&mut store);
    // With metering on and no fuel limit, scripts run with fuel to spare: what is tested
    // is that the metering does not change what programs compute.
    if store.get_fuel().is_some() {
        store.set_fuel(limits.fuel.unwrap_or(u64::MAX))?;
    }
    let mut linker = Linker::new(engine);
    // `register` of a name already registered replaces it, as in the reference
    // interpreter.
    linker.allow_shadowing(true);
    spectest::define(&mut linker, &mut store)?;
    Ok((store, linker))
}

/// Spec messages are sometimes longer or shorter than ours ("out of bounds memory access"
/// vs "out of bounds memory access: …"): one must begin with the other.
fn message_matches(ours: &str, expected: &str) -> bool {
    ours.contains(expected) || expected.starts_with(ours)
}

fn quote_id(m: &QuoteWat<'_>) -> Option<String> {
    match m {
        QuoteWat::Wat(Wat::Module(WatModule { id: Some(id), .. })) => Some(id.name().to_string()),
        _ => None,
    }
}
