//! Differential fuzzing against wasmi: a `wasm-smith` module (no imports, NaNs
//! canonicalized) is compiled and instantiated on both engines, every exported function is
//! called in export order with the same arguments, and the outcomes must agree — both
//! trap (of any kind) or both return the same values — as must, after instantiation and
//! after every call, the contents of the exported memories, the values of the exported
//! globals and the sizes and null/non-null elements of the exported tables. A difference
//! panics with the function, its arguments and both outcomes.
//!
//! Resource exhaustion is not comparable between the engines (their fuel accounting,
//! call-depth and stack limits differ), so when either side runs out of fuel or stack the
//! call is not compared, the two instances (whose states may now differ) are thrown away,
//! and the remaining exports are called on a fresh instantiation of the module.
//!
//! wasmi runs a copy of the module with a workaround for one of its bugs (see
//! `UnfuseSelect`).
//!
//! `WISP_FUZZ_DEBUG=1` prints what each call did on both engines; `WISP_FUZZ_DUMP=FILE`
//! writes the generated module to FILE (and wasmi's copy, if it differs, to
//! FILE.wasmi.wasm).
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::fmt;

/// Wisp's fuel for instantiation and for each call (as in `run` and `run_smith`).
const WISP_FUEL: u64 = 100_000;
/// wasmi's: more, so that a call which finishes on Wisp usually finishes on wasmi too
/// (wasmi is fast, and charges bulk-memory operations by the byte).
const WASMI_FUEL: u64 = 300_000;

fn generate(u: &mut Unstructured) -> Result<Vec<u8>> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    wisp_fuzz::wisp_smith_config(&mut c);
    // Nothing from outside: every result depends on the module and the arguments only.
    c.min_imports = 0;
    c.max_imports = 0;
    c.available_imports = None;
    // Every NaN a float instruction makes is the canonical one, so NaN bit patterns (which
    // the spec leaves open) never reach memory, globals or integers.
    c.canonicalize_nans = true;
    // Every memory and table has a maximum within both engines' limits, so `memory.grow`
    // and `table.grow` fail (-1) by the module's own types and never by an engine limit.
    c.memory_max_size_required = true;
    c.table_max_size_required = true;
    c.max_table_elements = c.max_table_elements.min(10_000);
    c.export_everything = true;
    Ok(wasm_smith::Module::new(c, u)?.to_bytes())
}

// ---------------------------------------------------------------------------------------
// A workaround for a wasmi bug.
//
// wasmi 2.0.0 fuses `i32.eqz x` (and `i32.eq x 0`, `i32.ne x 0`) with a following `select`
// by dropping the compare and selecting on the compare's result register, with the
// operands swapped. When `x` is a local (the `I32Eq_Rsi`/`I32NotEq_Rsi` forms), nothing
// ever loads `x` into that register, so the `select` picks by whatever value the register
// last held (e.g. the result of an earlier `memory.size`): `(select (i32.const 1)
// (i32.const 2) (i32.eqz (local.get 0)))` with local 0 = 5 gives 1 instead of 2. Modules
// from wasm-smith are full of this (its `disallow_traps` guards use it before every
// division), so wasmi — and only wasmi — gets a copy of the module in which every
// `select` directly after `i32.eqz`, `i32.eq` or `i32.ne` has `i32.const 1; i32.and`
// inserted before it. Those compares yield 0 or 1, so this changes nothing in the
// semantics, but wasmi no longer fuses. Wisp still runs the original module.

struct UnfuseSelect {
    changed: bool,
}

impl wasm_encoder::reencode::Reencode for UnfuseSelect {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> std::result::Result<(), wasm_encoder::reencode::Error<Self::Error>> {
        use wasmparser::Operator as O;
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        let mut after_eq = false;
        while !reader.eof() {
            let op = reader.read()?;
            let is_select = matches!(
                op,
                O::Select | O::TypedSelect { .. } | O::TypedSelectMulti { .. }
            );
            if is_select && after_eq {
                f.instruction(&wasm_encoder::Instruction::I32Const(1));
                f.instruction(&wasm_encoder::Instruction::I32And);
                self.changed = true;
            }
            after_eq = matches!(op, O::I32Eqz | O::I32Eq | O::I32Ne);
            f.instruction(&self.instruction(op)?);
        }
        code.function(&f);
        Ok(())
    }
}

/// The module for wasmi: `bytes`, with the workaround above applied if needed.
fn for_wasmi(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let mut r = UnfuseSelect { changed: false };
    let mut module = wasm_encoder::Module::new();
    let parser = wasmparser::Parser::new(0);
    match wasm_encoder::reencode::Reencode::parse_core_module(&mut r, &mut module, parser, bytes) {
        Ok(()) if r.changed => std::borrow::Cow::Owned(module.finish()),
        // Unchanged, or not parseable (then both engines must reject it anyway).
        _ => std::borrow::Cow::Borrowed(bytes),
    }
}

// ---------------------------------------------------------------------------------------
// Engine-neutral values and outcomes.

/// A value as compared: floats by bits, references by null-ness only.
#[derive(Clone, Copy, Debug)]
enum V {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    /// `true` if null.
    FuncRef(bool),
    ExternRef(bool),
}

impl V {
    /// Bit-equal, or both NaN (the spec leaves NaN bits open).
    fn same(&self, other: &V) -> bool {
        match (*self, *other) {
            (V::F32(a), V::F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (V::F64(a), V::F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (V::I32(a), V::I32(b)) => a == b,
            (V::I64(a), V::I64(b)) => a == b,
            (V::V128(a), V::V128(b)) => a == b,
            (V::FuncRef(a), V::FuncRef(b)) => a == b,
            (V::ExternRef(a), V::ExternRef(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            V::I32(x) => write!(f, "i32:{x} ({:#x})", x as u32),
            V::I64(x) => write!(f, "i64:{x} ({:#x})", x as u64),
            V::F32(b) => write!(f, "f32:{:?} ({b:#010x})", f32::from_bits(b)),
            V::F64(b) => write!(f, "f64:{:?} ({b:#018x})", f64::from_bits(b)),
            V::V128(b) => write!(f, "v128:{b:#034x}"),
            V::FuncRef(null) => f.write_str(if null {
                "funcref:null"
            } else {
                "funcref:non-null"
            }),
            V::ExternRef(null) => f.write_str(if null {
                "externref:null"
            } else {
                "externref:non-null"
            }),
        }
    }
}

struct Vals<'a>(&'a [V]);
impl fmt::Display for Vals<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{v}")?;
        }
        f.write_str("]")
    }
}

#[derive(Debug)]
enum Outcome {
    Returned(Vec<V>),
    /// A trap (the spec's kind), with the engine's message.
    Trapped(String),
    /// Out of fuel or of stack: an engine limit, not comparable.
    Exhausted(String),
    /// Any other error (unexpected here: there are no host functions).
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(v) => write!(f, "returned {}", Vals(v)),
            Outcome::Trapped(m) => write!(f, "trapped: {m}"),
            Outcome::Exhausted(m) => write!(f, "exhausted a limit: {m}"),
            Outcome::Failed(m) => write!(f, "failed: {m}"),
        }
    }
}

fn wisp_error(e: wisp::Error) -> Outcome {
    use wisp::TrapCode as C;
    let msg = e.to_string().lines().next().unwrap_or("").to_string();
    match e.trap_code() {
        Some(C::OutOfFuel | C::StackOverflow) => Outcome::Exhausted(msg),
        Some(C::HostError) | None => Outcome::Failed(msg),
        Some(_) => Outcome::Trapped(msg),
    }
}

fn wasmi_error(e: wasmi::Error) -> Outcome {
    use wasmi::TrapCode as C;
    let msg = e.to_string();
    match e.as_trap_code() {
        Some(C::OutOfFuel | C::StackOverflow) => Outcome::Exhausted(msg),
        Some(_) => Outcome::Trapped(msg),
        None => Outcome::Failed(msg),
    }
}

fn from_wisp(v: &wisp::Val) -> V {
    match *v {
        wisp::Val::I32(x) => V::I32(x),
        wisp::Val::I64(x) => V::I64(x),
        wisp::Val::F32(x) => V::F32(x.0),
        wisp::Val::F64(x) => V::F64(x.0),
        wisp::Val::V128(x) => V::V128(x),
        wisp::Val::FuncRef(r) => V::FuncRef(r.is_none()),
        wisp::Val::ExternRef(r) => V::ExternRef(r.is_none()),
        // `Val` is non_exhaustive: a type added for WebAssembly 3.0 needs a case here
        // before the fuzzed modules may use it.
        ref other => unreachable!("no comparison for {other:?}"),
    }
}

fn from_wasmi(v: &wasmi::Val) -> V {
    match v {
        wasmi::Val::I32(x) => V::I32(*x),
        wasmi::Val::I64(x) => V::I64(*x),
        wasmi::Val::F32(x) => V::F32(x.to_bits()),
        wasmi::Val::F64(x) => V::F64(x.to_bits()),
        wasmi::Val::V128(x) => V::V128(x.as_u128()),
        wasmi::Val::FuncRef(r) => V::FuncRef(r.is_null()),
        wasmi::Val::ExternRef(r) => V::ExternRef(r.is_null()),
    }
}

fn to_wisp(v: V) -> wisp::Val {
    match v {
        V::I32(x) => wisp::Val::I32(x),
        V::I64(x) => wisp::Val::I64(x),
        V::F32(x) => wisp::Val::F32(wisp::F32(x)),
        V::F64(x) => wisp::Val::F64(wisp::F64(x)),
        V::V128(x) => wisp::Val::V128(x),
        V::FuncRef(_) => wisp::Val::FuncRef(None),
        V::ExternRef(_) => wisp::Val::ExternRef(None),
    }
}

fn to_wasmi(v: V) -> wasmi::Val {
    match v {
        V::I32(x) => wasmi::Val::I32(x),
        V::I64(x) => wasmi::Val::I64(x),
        V::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        V::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        V::V128(x) => wasmi::Val::V128(wasmi::V128::from(x)),
        V::FuncRef(_) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        V::ExternRef(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
    }
}

// ---------------------------------------------------------------------------------------
// Arguments: a deterministic function of the input's seed, the export's position and the
// parameter's position. Reference parameters are always null.

const INTERESTING_INTS: [u64; 16] = [
    0,
    1,
    2,
    7,
    0x7f,
    0x80,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x1_0000_0000,
    0x7fff_ffff_ffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
];
const INTERESTING_FLOATS: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -1.5,
    2147483648.0,
    -2147483649.0,
    4294967296.0,
    1e-40,
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    123456.789,
];

/// splitmix64.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mode (`seed % 4`): 0 zeros; 1 small integers (0..16) and small floats; 2 values from the
/// interesting lists above; 3 random bits.
fn arg(seed: u64, export: usize, param: usize, ty: wisp::ValType) -> V {
    use wisp::ValType as T;
    let r = mix(seed ^ mix(export as u64) ^ mix((param as u64) << 32));
    let r2 = mix(r);
    match seed % 4 {
        0 => from_wisp(&wisp::Val::default_of(ty)),
        1 => {
            let n = r % 16;
            match ty {
                T::I32 => V::I32(n as i32),
                T::I64 => V::I64(n as i64),
                T::F32 => V::F32((n as f32).to_bits()),
                T::F64 => V::F64((n as f64).to_bits()),
                T::V128 => V::V128(n as u128 * 0x0101_0101_0101_0101_0101_0101_0101_0101),
                // References (and any type added later): the default.
                _ => from_wisp(&wisp::Val::default_of(ty)),
            }
        }
        2 => {
            let i = INTERESTING_INTS[(r % 16) as usize];
            let f = INTERESTING_FLOATS[(r % 16) as usize];
            match ty {
                T::I32 => V::I32(i as i32),
                T::I64 => V::I64(i as i64),
                T::F32 => V::F32((f as f32).to_bits()),
                T::F64 => V::F64(f.to_bits()),
                T::V128 => {
                    V::V128((i as u128) | ((INTERESTING_INTS[(r2 % 16) as usize] as u128) << 64))
                }
                // References (and any type added later): the default.
                _ => from_wisp(&wisp::Val::default_of(ty)),
            }
        }
        _ => match ty {
            T::I32 => V::I32(r as i32),
            T::I64 => V::I64(r as i64),
            T::F32 => V::F32(r as u32),
            T::F64 => V::F64(r),
            T::V128 => V::V128((r as u128) | ((r2 as u128) << 64)),
            // References (and any type added later): the default.
            _ => from_wisp(&wisp::Val::default_of(ty)),
        },
    }
}

// ---------------------------------------------------------------------------------------
// The two engines.

struct Both {
    wisp_module: wisp::Module,
    wisp_engine: wisp::Engine,
    wasmi_module: wasmi::Module,
    wasmi_engine: wasmi::Engine,
}

struct Instances {
    wisp_store: wisp::Store<()>,
    wisp: wisp::Instance,
    wasmi_store: wasmi::Store<wasmi::StoreLimits>,
    wasmi: wasmi::Instance,
}

fn wasmi_engine() -> wasmi::Engine {
    let mut c = wasmi::Config::default();
    c.consume_fuel(true)
        .compilation_mode(wasmi::CompilationMode::Eager)
        // Exactly WebAssembly 2.0, as Wisp.
        .wasm_mutable_global(true)
        .wasm_saturating_float_to_int(true)
        .wasm_sign_extension(true)
        .wasm_multi_value(true)
        .wasm_bulk_memory(true)
        .wasm_reference_types(true)
        .wasm_simd(true)
        .wasm_relaxed_simd(false)
        .wasm_multi_memory(false)
        .wasm_tail_call(false)
        .wasm_extended_const(false)
        .wasm_custom_page_sizes(false)
        .wasm_memory64(false)
        .wasm_wide_arithmetic(false);
    wasmi::Engine::new(&c)
}

/// Instantiates on both (no imports); `Err` if either failed, after checking that they
/// agree.
fn instantiate(b: &Both) -> std::result::Result<Instances, ()> {
    let mut wisp_store = wisp::Store::new(&b.wisp_engine, ());
    wisp_store.set_fuel(WISP_FUEL).expect("fuel is enabled");
    let wi = wisp::Linker::new(&b.wisp_engine).instantiate(&mut wisp_store, &b.wisp_module);

    let limits = wasmi::StoreLimitsBuilder::new()
        .memory_size((wisp_fuzz::MAX_MEMORY_PAGES * 65536) as usize)
        .table_elements(wisp_fuzz::MAX_TABLE_ELEMENTS as usize)
        .build();
    let mut wasmi_store = wasmi::Store::new(&b.wasmi_engine, limits);
    wasmi_store.limiter(|l| l);
    wasmi_store.set_fuel(WASMI_FUEL).expect("fuel is enabled");
    let mi = wasmi::Linker::<wasmi::StoreLimits>::new(&b.wasmi_engine)
        .instantiate_and_start(&mut wasmi_store, &b.wasmi_module);

    match (wi, mi) {
        (Ok(wisp), Ok(wasmi)) => Ok(Instances {
            wisp_store,
            wisp,
            wasmi_store,
            wasmi,
        }),
        (wi, mi) => {
            let w = wi.map_or_else(wisp_error, |_| Outcome::Returned(vec![]));
            let m = mi.map_or_else(wasmi_error, |_| Outcome::Returned(vec![]));
            if debug() {
                eprintln!("instantiation: wisp {w}; wasmi {m}");
            }
            let exhausted =
                matches!(w, Outcome::Exhausted(_)) || matches!(m, Outcome::Exhausted(_));
            // Both failed: whether as a trap or as an error is not compared, since wasmi
            // reports a segment out of bounds as an instantiation error, not a trap.
            let ok = |o: &Outcome| matches!(o, Outcome::Returned(_));
            if !exhausted && ok(&w) != ok(&m) {
                panic!(
                    "DIFFERENCE at instantiation (start function or segment initialization):\n  \
                     wisp:  {w}\n  wasmi: {m}"
                );
            }
            Err(())
        }
    }
}

fn call(i: &mut Instances, name: &str, args: &[V]) -> (Outcome, Outcome) {
    let wf = i.wisp.get_func(&i.wisp_store, name).expect("exported func");
    let ty = wf.ty(&i.wisp_store);
    let wargs: Vec<wisp::Val> = args.iter().map(|a| to_wisp(*a)).collect();
    let mut wres: Vec<wisp::Val> = ty
        .results()
        .iter()
        .map(|t| wisp::Val::default_of(*t))
        .collect();
    i.wisp_store.set_fuel(WISP_FUEL).expect("fuel is enabled");
    let w = match wf.call(&mut i.wisp_store, &wargs, &mut wres) {
        Ok(()) => Outcome::Returned(wres.iter().map(from_wisp).collect()),
        Err(e) => wisp_error(e),
    };

    let mf = i
        .wasmi
        .get_func(&i.wasmi_store, name)
        .expect("wasmi has the same exported func");
    let mty = mf.ty(&i.wasmi_store);
    let margs: Vec<wasmi::Val> = args.iter().map(|a| to_wasmi(*a)).collect();
    let mut mres: Vec<wasmi::Val> = mty
        .results()
        .iter()
        .map(|t| wasmi::Val::default_for_ty(*t))
        .collect();
    i.wasmi_store.set_fuel(WASMI_FUEL).expect("fuel is enabled");
    let m = match mf.call(&mut i.wasmi_store, &margs, &mut mres) {
        Ok(()) => Outcome::Returned(mres.iter().map(from_wasmi).collect()),
        Err(e) => wasmi_error(e),
    };
    (w, m)
}

/// Compares the exported memories, globals and tables; a description of the first
/// difference, if any.
fn compare_state(i: &Instances) -> Option<String> {
    for (name, ext) in i.wisp.exports(&i.wisp_store) {
        let mext = i
            .wasmi
            .get_export(&i.wasmi_store, &name)
            .expect("wasmi has the same export");
        match ext {
            wisp::Extern::Memory(wm) => {
                let mm = mext.into_memory().expect("a memory on wasmi too");
                let a = wm.data(&i.wisp_store);
                let b = mm.data(&i.wasmi_store);
                if a.len() != b.len() {
                    return Some(format!(
                        "memory \"{name}\": size {} bytes on wisp, {} on wasmi",
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
                         wisp  at {lo:#x}: {:02x?}\n    wasmi at {lo:#x}: {:02x?}",
                        &a[lo..hi],
                        &b[lo..hi]
                    ));
                }
            }
            wisp::Extern::Global(wg) => {
                let mg = mext.into_global().expect("a global on wasmi too");
                let a = from_wisp(&wg.get(&i.wisp_store));
                let b = from_wasmi(&mg.get(&i.wasmi_store));
                if !a.same(&b) {
                    return Some(format!("global \"{name}\": wisp {a}, wasmi {b}"));
                }
            }
            wisp::Extern::Table(wt) => {
                let mt = mext.into_table().expect("a table on wasmi too");
                let n = wt.size(&i.wisp_store) as u64;
                let mn = mt.size(&i.wasmi_store);
                if n != mn {
                    return Some(format!("table \"{name}\": size {n} on wisp, {mn} on wasmi"));
                }
                for k in 0..n {
                    let a = wt.get(&i.wisp_store, k as u32).map(|v| from_wisp(&v));
                    let b = mt.get(&i.wasmi_store, k).map(|r| r.is_null());
                    let a = a.map(|v| matches!(v, V::FuncRef(true) | V::ExternRef(true)));
                    if a != b {
                        return Some(format!(
                            "table \"{name}\" element {k}: null {a:?} on wisp, {b:?} on wasmi"
                        ));
                    }
                }
            }
            wisp::Extern::Func(_) => {}
        }
    }
    None
}

fn debug() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WISP_FUZZ_DEBUG").is_some())
}

fn run(seed: u64, bytes: &[u8]) {
    if let Some(path) = std::env::var_os("WISP_FUZZ_DUMP") {
        std::fs::write(path, bytes).expect("write WISP_FUZZ_DUMP");
    }
    let wisp_engine = wisp_fuzz::engine();
    let wasmi_engine = wasmi_engine();
    let wisp_module = wisp::Module::new(&wisp_engine, bytes);
    let wasmi_bytes = for_wasmi(bytes);
    if let (Some(path), std::borrow::Cow::Owned(b)) =
        (std::env::var_os("WISP_FUZZ_DUMP"), &wasmi_bytes)
    {
        let mut path = path;
        path.push(".wasmi.wasm");
        std::fs::write(path, b).expect("write WISP_FUZZ_DUMP.wasmi.wasm");
    }
    let wasmi_module = wasmi::Module::new(&wasmi_engine, &wasmi_bytes[..]);
    let (wisp_module, wasmi_module) = match (wisp_module, wasmi_module) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(_), Err(_)) => return,
        (a, b) => panic!(
            "DIFFERENCE in compilation:\n  wisp:  {}\n  wasmi: {}",
            a.map_or_else(|e| e.to_string(), |_| "valid".into()),
            b.map_or_else(|e| e.to_string(), |_| "valid".into())
        ),
    };
    let both = Both {
        wisp_module,
        wisp_engine,
        wasmi_module,
        wasmi_engine,
    };

    let Ok(mut inst) = instantiate(&both) else {
        return;
    };
    if let Some(d) = compare_state(&inst) {
        panic!("DIFFERENCE after instantiation: {d}");
    }

    // Export order, from the module (the same for every instantiation).
    let funcs: Vec<(String, Vec<wisp::ValType>)> = inst
        .wisp
        .exports(&inst.wisp_store)
        .into_iter()
        .filter_map(|(name, e)| match e {
            wisp::Extern::Func(f) => Some((name, f.ty(&inst.wisp_store).params().to_vec())),
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
        let (w, m) = call(&mut inst, name, &args);
        if debug() {
            eprintln!("{name}{}:\n  wisp:  {w}\n  wasmi: {m}", Vals(&args));
        }
        let agree = match (&w, &m) {
            (Outcome::Exhausted(_), _) | (_, Outcome::Exhausted(_)) => {
                // Start afresh for the remaining exports: the states may differ now.
                if debug() {
                    eprintln!("  (not compared; re-instantiating)");
                }
                history.push(format!("{name}: exhausted; re-instantiated"));
                match instantiate(&both) {
                    Ok(i) => inst = i,
                    Err(()) => return,
                }
                continue;
            }
            (Outcome::Trapped(_), Outcome::Trapped(_)) => true,
            (Outcome::Returned(a), Outcome::Returned(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            _ => false,
        };
        if !agree {
            panic!(
                "DIFFERENCE in call to export \"{name}\" with arguments {}:\n  wisp:  {w}\n  wasmi: {m}\n  \
                 earlier calls on this instance: {history:?}",
                Vals(&args)
            );
        }
        if let Some(d) = compare_state(&inst) {
            panic!(
                "DIFFERENCE after call to export \"{name}\" with arguments {} \
                 (wisp {w}; wasmi {m}): {d}\n  earlier calls on this instance: {history:?}",
                Vals(&args)
            );
        }
        history.push(format!("{name}{}: {w}", Vals(&args)));
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(seed) = u.arbitrary::<u64>() else {
        return;
    };
    if let Ok(bytes) = generate(&mut u) {
        run(seed, &bytes);
    }
});
