//! Differential fuzzing: one module, compiled and instantiated on Wisp and on a reference
//! engine ([`Reference`]), every exported function called in export order with the same
//! arguments. The outcomes must agree — both return the same values, both trap (of any
//! kind), or both let the same exception escape (same tag, same payload) — as must, after
//! instantiation and after every call, the contents of the exported memories, the values
//! of the exported globals and the sizes and null/non-null elements of the exported
//! tables. A difference panics with the function, its arguments and both outcomes.
//!
//! Resource exhaustion is not comparable between engines (their fuel accounting,
//! call-depth, stack and heap limits differ), so when either side runs out the call is not
//! compared, both instances (whose states may now differ) are thrown away, and the
//! remaining exports are called on a fresh instantiation of the module.
//!
//! `WISP_FUZZ_DEBUG=1` prints what each call did on both engines; `WISP_FUZZ_DUMP=FILE`
//! writes the module to FILE.

mod value;

pub use value::{arg, from_wisp, same_all, to_wisp, Vals, V};

use std::fmt;

/// Wisp's fuel for instantiation and for each call (as in `run` and `run_smith`).
pub const WISP_FUEL: u64 = 100_000;

#[derive(Debug)]
pub enum Outcome {
    Returned(Vec<V>),
    /// A trap (the spec's kind), with the engine's message.
    Trapped(String),
    /// An exception no handler caught: the name its tag is exported under (`None` when
    /// unknown, e.g. from a start function, whose instance is gone) and its payload.
    Threw {
        tag: Option<String>,
        payload: Vec<V>,
    },
    /// Out of fuel, stack or heap: an engine limit, not comparable.
    Exhausted(String),
    /// Any other error (unexpected: there are no host functions).
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(v) => write!(f, "returned {}", Vals(v)),
            Outcome::Trapped(m) => write!(f, "trapped: {m}"),
            Outcome::Threw { tag, payload } => {
                let tag = tag.as_deref().unwrap_or("?");
                write!(f, "threw tag \"{tag}\" with {}", Vals(payload))
            }
            Outcome::Exhausted(m) => write!(f, "exhausted a limit: {m}"),
            Outcome::Failed(m) => write!(f, "failed: {m}"),
        }
    }
}

impl Outcome {
    fn exhausted(&self) -> bool {
        matches!(self, Outcome::Exhausted(_))
    }
}

/// Whether two exceptions are the same as far as the spec decides: the tag (when both
/// engines could name it) and the payload.
fn same_throw(a: (&Option<String>, &[V]), b: (&Option<String>, &[V])) -> bool {
    let tags = match (a.0, b.0) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    tags && same_all(a.1, b.1)
}

/// The engine Wisp is compared with. Its instance owns its store.
pub trait Reference {
    /// For messages.
    const NAME: &'static str;
    type Module;
    type Instance;

    /// `Err` with the reason if the module is malformed or invalid.
    fn compile(&self, wasm: &[u8]) -> Result<Self::Module, String>;
    /// A fresh store with fuel, and the module instantiated in it without imports.
    fn instantiate(&self, module: &Self::Module) -> Result<Self::Instance, Outcome>;
    /// Calls an exported function with fresh fuel.
    fn call(&self, inst: &mut Self::Instance, name: &str, args: &[V]) -> Outcome;
    /// `None` if no memory is exported under `name`.
    fn memory<'a>(&self, inst: &'a mut Self::Instance, name: &str) -> Option<&'a [u8]>;
    fn global(&self, inst: &mut Self::Instance, name: &str) -> Option<V>;
    /// Whether each element is null.
    fn table(&self, inst: &mut Self::Instance, name: &str) -> Option<Vec<bool>>;
}

struct Wisp {
    store: wisp::Store<()>,
    instance: wisp::Instance,
}

/// The name under which `instance` exports `tag`.
fn wisp_tag_name(w: &Wisp, tag: wisp::Tag) -> Option<String> {
    w.instance
        .exports(&w.store)
        .into_iter()
        .find_map(|(name, e)| matches!(e, wisp::Extern::Tag(t) if t == tag).then_some(name))
}

fn wisp_error(e: &wisp::Error, inst: Option<&Wisp>) -> Outcome {
    use wisp::TrapCode as C;
    if let wisp::Error::Exception(x) = e {
        return Outcome::Threw {
            tag: inst.and_then(|w| wisp_tag_name(w, x.tag)),
            payload: x.payload.iter().map(from_wisp).collect(),
        };
    }
    let msg = e.to_string().lines().next().unwrap_or("").to_string();
    match e.trap_code() {
        Some(C::OutOfFuel | C::StackOverflow | C::OutOfMemory) => Outcome::Exhausted(msg),
        Some(C::HostError) | None => Outcome::Failed(msg),
        Some(_) => Outcome::Trapped(msg),
    }
}

fn wisp_call(w: &mut Wisp, name: &str, args: &[V]) -> Outcome {
    let f = w.instance.get_func(&w.store, name).expect("exported func");
    let ty = f.ty(&w.store);
    let args: Vec<wisp::Val> = args.iter().map(|a| to_wisp(*a)).collect();
    let mut res: Vec<wisp::Val> = ty
        .results()
        .iter()
        .map(|t| wisp::Val::default_of(*t))
        .collect();
    w.store.set_fuel(WISP_FUEL).expect("fuel is enabled");
    match f.call(&mut w.store, &args, &mut res) {
        Ok(()) => Outcome::Returned(res.iter().map(from_wisp).collect()),
        Err(e) => wisp_error(&e, Some(w)),
    }
}

/// "wisp: A / NAME: B" on two aligned lines.
fn both<R: Reference>(w: &dyn fmt::Display, m: &dyn fmt::Display) -> String {
    let width = R::NAME.len().max(4) + 1;
    format!(
        "\n  {:<width$} {w}\n  {:<width$} {m}",
        "wisp:",
        format!("{}:", R::NAME)
    )
}

struct Setup<'r, R: Reference> {
    reference: &'r R,
    engine: wisp::Engine,
    wisp_module: wisp::Module,
    module: R::Module,
}

/// Instantiates on both; `None` if either failed, after checking that they agree.
fn instantiate<R: Reference>(s: &Setup<'_, R>) -> Option<(Wisp, R::Instance)> {
    let mut store = wisp::Store::new(&s.engine, ());
    store.set_fuel(WISP_FUEL).expect("fuel is enabled");
    let wi = wisp::Linker::new(&s.engine).instantiate(&mut store, &s.wisp_module);
    let mi = match &wi {
        // Not comparable whatever the reference does, and a start function that loops
        // until the reference's (larger) fuel is gone can take seconds.
        Err(e) if wisp_error(e, None).exhausted() => {
            return None;
        }
        _ => s.reference.instantiate(&s.module),
    };
    match (wi, mi) {
        (Ok(instance), Ok(m)) => Some((Wisp { store, instance }, m)),
        (wi, mi) => {
            let w = wi.map_or_else(|e| wisp_error(&e, None), |_| Outcome::Returned(vec![]));
            let m = mi.err().unwrap_or(Outcome::Returned(vec![]));
            if crate::debug() {
                eprintln!("instantiation:{}", both::<R>(&w, &m));
            }
            // Both failed otherwise than by an exception: whether as a trap or as an
            // error is not compared, since wasmi reports a segment out of bounds as an
            // instantiation error, not a trap.
            let agree = match (&w, &m) {
                (a, b) if a.exhausted() || b.exhausted() => true,
                (Outcome::Threw { tag: a, payload: x }, Outcome::Threw { tag: b, payload: y }) => {
                    same_throw((a, x), (b, y))
                }
                (Outcome::Threw { .. }, _) | (_, Outcome::Threw { .. }) => false,
                (Outcome::Returned(_), Outcome::Returned(_)) => true,
                (Outcome::Returned(_), _) | (_, Outcome::Returned(_)) => false,
                _ => true,
            };
            if !agree {
                panic!(
                    "DIFFERENCE at instantiation (start function or segment initialization):{}",
                    both::<R>(&w, &m)
                );
            }
            None
        }
    }
}

/// Compares the exported memories, globals and tables; a description of the first
/// difference, if any.
fn compare_state<R: Reference>(r: &R, w: &Wisp, m: &mut R::Instance) -> Option<String> {
    let other = R::NAME;
    for (name, ext) in w.instance.exports(&w.store) {
        match ext {
            wisp::Extern::Memory(wm) => {
                let a = wm.data(&w.store);
                let Some(b) = r.memory(m, &name) else {
                    return Some(format!("memory \"{name}\" is not exported by {other}"));
                };
                if a.len() != b.len() {
                    return Some(format!(
                        "memory \"{name}\": size {} bytes on wisp, {} on {other}",
                        a.len(),
                        b.len()
                    ));
                }
                if a != b {
                    let first = a.iter().zip(b).position(|(x, y)| x != y).unwrap();
                    let last = a.len()
                        - a.iter()
                            .rev()
                            .zip(b.iter().rev())
                            .position(|(x, y)| x != y)
                            .unwrap();
                    let lo = first.saturating_sub(8);
                    let hi = (first + 24).min(a.len());
                    return Some(format!(
                        "memory \"{name}\": bytes differ in {first:#x}..{last:#x}\n    \
                         wisp at {lo:#x}: {:02x?}\n    {other} at {lo:#x}: {:02x?}",
                        &a[lo..hi],
                        &b[lo..hi]
                    ));
                }
            }
            wisp::Extern::Global(wg) => {
                let a = from_wisp(&wg.get(&w.store));
                let Some(b) = r.global(m, &name) else {
                    return Some(format!("global \"{name}\" is not exported by {other}"));
                };
                if !a.same(&b) {
                    return Some(format!("global \"{name}\": wisp {a}, {other} {b}"));
                }
            }
            wisp::Extern::Table(wt) => {
                let Some(b) = r.table(m, &name) else {
                    return Some(format!("table \"{name}\" is not exported by {other}"));
                };
                let n = wt.size(&w.store) as usize;
                if n != b.len() {
                    return Some(format!(
                        "table \"{name}\": size {n} on wisp, {} on {other}",
                        b.len()
                    ));
                }
                for (k, b) in b.into_iter().enumerate() {
                    let a = wt.get(&w.store, k as u32).map(|v| from_wisp(&v).is_null());
                    if a != Some(b) {
                        return Some(format!(
                            "table \"{name}\" element {k}: null {a:?} on wisp, {b} on {other}"
                        ));
                    }
                }
            }
            wisp::Extern::Func(_) | wisp::Extern::Tag(_) => {}
        }
    }
    None
}

/// Runs `wasm` on Wisp and on `reference`, with arguments chosen by `seed`, and panics at
/// the first difference.
pub fn run<R: Reference>(reference: &R, seed: u64, wasm: &[u8]) {
    if let Some(path) = std::env::var_os("WISP_FUZZ_DUMP") {
        std::fs::write(path, wasm).expect("write WISP_FUZZ_DUMP");
    }
    let engine = crate::engine();
    let (wisp_module, module) = match (wisp::Module::new(&engine, wasm), reference.compile(wasm)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => {
            if crate::debug() {
                eprintln!("both rejected the module:{}", both::<R>(&a, &b));
            }
            return;
        }
        (a, b) => panic!(
            "DIFFERENCE in compilation:{}",
            both::<R>(
                &a.map_or_else(|e| e.to_string(), |_| "valid".into()),
                &b.map_or_else(|e| e, |_| "valid".into())
            )
        ),
    };
    let setup = Setup {
        reference,
        engine,
        wisp_module,
        module,
    };

    let Some((mut w, mut m)) = instantiate(&setup) else {
        return;
    };
    if let Some(d) = compare_state(reference, &w, &mut m) {
        panic!("DIFFERENCE after instantiation: {d}");
    }

    // Export order, from the module (the same for every instantiation).
    let funcs: Vec<(String, Vec<wisp::ValType>)> = w
        .instance
        .exports(&w.store)
        .into_iter()
        .filter_map(|(name, e)| match e {
            wisp::Extern::Func(f) => Some((name, f.ty(&w.store).params().to_vec())),
            _ => None,
        })
        .collect();

    let mut history: Vec<String> = Vec::new();
    for (k, (name, params)) in funcs.iter().enumerate() {
        let args: Vec<V> = params
            .iter()
            .enumerate()
            .map(|(p, t)| arg(seed, k, p, *t))
            .collect();
        let wo = wisp_call(&mut w, name, &args);
        // When Wisp ran out, nothing is compared, and the reference would only spend its
        // larger fuel: in wasmtime, on throws that cost a libcall and an unwind each, a
        // loop of them takes over ten seconds.
        let mo = if wo.exhausted() {
            Outcome::Exhausted("not run: Wisp ran out".into())
        } else {
            reference.call(&mut m, name, &args)
        };
        if crate::debug() {
            eprintln!("{name}{}:{}", Vals(&args), both::<R>(&wo, &mo));
        }
        let agree = match (&wo, &mo) {
            (a, b) if a.exhausted() || b.exhausted() => {
                // Start afresh for the remaining exports: the states may differ now.
                if crate::debug() {
                    eprintln!("  (not compared; re-instantiating)");
                }
                history.push(format!("{name}: exhausted; re-instantiated"));
                match instantiate(&setup) {
                    Some(pair) => (w, m) = pair,
                    None => return,
                }
                continue;
            }
            (Outcome::Trapped(_), Outcome::Trapped(_)) => true,
            (Outcome::Returned(a), Outcome::Returned(b)) => same_all(a, b),
            (Outcome::Threw { tag: a, payload: x }, Outcome::Threw { tag: b, payload: y }) => {
                same_throw((a, x), (b, y))
            }
            _ => false,
        };
        if !agree {
            panic!(
                "DIFFERENCE in call to export \"{name}\" with arguments {}:{}\n  \
                 earlier calls on this instance: {history:?}",
                Vals(&args),
                both::<R>(&wo, &mo)
            );
        }
        if let Some(d) = compare_state(reference, &w, &mut m) {
            panic!(
                "DIFFERENCE after call to export \"{name}\" with arguments {} \
                 (wisp {wo}; {} {mo}): {d}\n  earlier calls on this instance: {history:?}",
                Vals(&args),
                R::NAME
            );
        }
        history.push(format!("{name}{}: {wo}", Vals(&args)));
    }
}

/// A module for the differential targets: what [`crate::wisp_smith_config`] allows, then
/// `adjust` (a target's own proposals), without imports, so that every result depends on
/// the module and the arguments only.
pub fn generate(
    u: &mut arbitrary::Unstructured,
    adjust: impl FnOnce(&mut wasm_smith::Config),
) -> arbitrary::Result<Vec<u8>> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    crate::wisp_smith_config(&mut c);
    adjust(&mut c);
    c.min_imports = 0;
    c.max_imports = 0;
    c.available_imports = None;
    // Every NaN a float instruction makes is the canonical one, so NaN bit patterns (which
    // the spec leaves open) never reach memory, globals, payloads or integers.
    c.canonicalize_nans = true;
    // Every memory and table has a maximum within both engines' limits, so `memory.grow`
    // and `table.grow` fail (-1) by the module's own types and never by an engine limit.
    // Wisp's limit on table elements is for all of a store's tables together, the
    // references' for each table: the maxima add up to no more than Wisp's.
    c.memory_max_size_required = true;
    c.table_max_size_required = true;
    let per_table = crate::MAX_TABLE_ELEMENTS / (c.max_tables as u64 + 1);
    c.max_table_elements = c.max_table_elements.min(10_000).min(per_table);
    c.export_everything = true;
    Ok(export_tags(wasm_smith::Module::new(c, u)?.to_bytes()))
}

/// Adds the exports that wasm-smith's `export_everything` leaves out: tags, as "tag#0",
/// "tag#1"…, so that an uncaught exception's tag can be named on both engines.
struct ExportTags {
    tags: u32,
}

impl wasm_encoder::reencode::Reencode for ExportTags {
    type Error = std::convert::Infallible;

    fn parse_tag_section(
        &mut self,
        tags: &mut wasm_encoder::TagSection,
        section: wasmparser::TagSectionReader<'_>,
    ) -> Result<(), wasm_encoder::reencode::Error<Self::Error>> {
        self.tags = section.count();
        wasm_encoder::reencode::utils::parse_tag_section(self, tags, section)
    }

    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), wasm_encoder::reencode::Error<Self::Error>> {
        wasm_encoder::reencode::utils::parse_export_section(self, exports, section)?;
        for i in 0..self.tags {
            exports.export(&format!("tag#{i}"), wasm_encoder::ExportKind::Tag, i);
        }
        Ok(())
    }
}

/// `wasm` with its tags exported, if it has any and exports anything else (a module
/// without exports has no function to call, so nothing to name a tag for).
fn export_tags(wasm: Vec<u8>) -> Vec<u8> {
    let mut r = ExportTags { tags: 0 };
    let mut module = wasm_encoder::Module::new();
    let parser = wasmparser::Parser::new(0);
    match wasm_encoder::reencode::Reencode::parse_core_module(&mut r, &mut module, parser, &wasm) {
        Ok(()) if r.tags > 0 => module.finish(),
        _ => wasm,
    }
}
