//! Differential fuzzing against wasmtime (Cranelift), for what wasmi cannot check:
//! exception handling. A `wasm-smith` module (no imports, NaNs canonicalized, exceptions,
//! tail calls and control instructions always on, the rest of what Wisp runs picked by
//! the fuzzer) is run on both engines by `wisp_fuzz::diff::run`, which says what must
//! agree and what is not compared. An exception that escapes a call must escape on both,
//! with the same tag (by export name: the generator exports every tag as "tag#N") and
//! payload.
//!
//! `WISP_FUZZ_DEBUG=1` prints what each call did on both engines; `WISP_FUZZ_DUMP=FILE`
//! writes the generated module to FILE.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasm_smith::{InstructionKind, InstructionKinds};
use wasmtime::{AsContextMut, Store, StoreLimits, Val};
use wisp_fuzz::diff::{Outcome, Reference, V};

/// More than Wisp's: wasmtime counts nearly every operator, and a call that finishes on
/// Wisp should finish here too. Compiled code burns through it in well under a
/// millisecond.
const WASMTIME_FUEL: u64 = 1_000_000;

struct Wasmtime {
    engine: wasmtime::Engine,
}

struct WasmtimeInstance {
    store: Store<StoreLimits>,
    instance: wasmtime::Instance,
}

impl Wasmtime {
    /// Exactly the proposals of the fuzzing engine's `wisp::Features`, so that both
    /// validators see the same language.
    fn new() -> Wasmtime {
        let mut c = wasmtime::Config::new();
        c.consume_fuel(true)
            .wasm_exceptions(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_wide_arithmetic(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_gc(true)
            .wasm_function_references(true)
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_custom_page_sizes(false)
            .wasm_stack_switching(false)
            // The reference should be the plainest translation, and compiling is most of
            // the time of a run.
            .cranelift_opt_level(wasmtime::OptLevel::None)
            .collector(wasmtime::Collector::DeferredReferenceCounting)
            // A new module every input: a copy-on-write image of its memory would cost
            // more to set up than the few bytes it copies.
            .memory_init_cow(false);
        Wasmtime {
            engine: wasmtime::Engine::new(&c).expect("a valid wasmtime configuration"),
        }
    }
}

fn from_wasmtime(v: &Val) -> V {
    match v {
        Val::I32(x) => V::I32(*x),
        Val::I64(x) => V::I64(*x),
        Val::F32(x) => V::F32(*x),
        Val::F64(x) => V::F64(*x),
        Val::V128(x) => V::V128(x.as_u128()),
        Val::FuncRef(r) => V::FuncRef(r.is_none()),
        Val::ExternRef(r) => V::ExternRef(r.is_none()),
        Val::ExnRef(r) => V::ExnRef(r.is_none()),
        Val::AnyRef(r) => V::AnyRef(r.is_none()),
        // Stack switching is off: no module has this type.
        Val::ContRef(_) => unreachable!("no comparison for {v:?}"),
    }
}

fn to_wasmtime(v: V) -> Val {
    match v {
        V::I32(x) => Val::I32(x),
        V::I64(x) => Val::I64(x),
        V::F32(x) => Val::F32(x),
        V::F64(x) => Val::F64(x),
        V::V128(x) => Val::V128(x.into()),
        V::FuncRef(_) => Val::FuncRef(None),
        V::ExternRef(_) => Val::ExternRef(None),
        V::ExnRef(_) => Val::ExnRef(None),
        V::AnyRef(_) => Val::AnyRef(None),
    }
}

/// The outcome of a failed call or instantiation. An uncaught exception is pending on the
/// store: it is taken, and its tag named by `instance`'s exports when there is one.
fn wasmtime_error(
    e: wasmtime::Error,
    mut store: impl AsContextMut,
    instance: Option<&wasmtime::Instance>,
) -> Outcome {
    use wasmtime::Trap as T;
    let mut store = store.as_context_mut();
    if e.is::<wasmtime::ThrownException>() {
        let exn = store
            .take_pending_exception()
            .expect("a thrown exception is pending");
        let payload = exn
            .fields(&mut store)
            .expect("a pending exception is rooted")
            .map(|v| from_wasmtime(&v))
            .collect();
        let tag = exn.tag(&mut store).expect("a pending exception is rooted");
        let tag = instance.and_then(|i| {
            let tags: Vec<(String, wasmtime::Tag)> = i
                .exports(&mut store)
                .filter_map(|x| {
                    let name = x.name().to_string();
                    x.into_tag().map(|t| (name, t))
                })
                .collect();
            tags.into_iter()
                .find_map(|(name, t)| wasmtime::Tag::eq(&t, &tag, &store).then_some(name))
        });
        return Outcome::Threw { tag, payload };
    }
    if e.is::<wasmtime::GcHeapOutOfMemory<()>>() {
        return Outcome::Exhausted(format!("{e:#}"));
    }
    match e.downcast_ref::<T>() {
        Some(t @ (T::OutOfFuel | T::StackOverflow | T::AllocationTooLarge)) => {
            Outcome::Exhausted(t.to_string())
        }
        Some(t) => Outcome::Trapped(t.to_string()),
        None => Outcome::Failed(format!("{e:#}")),
    }
}

impl Reference for Wasmtime {
    const NAME: &'static str = "wasmtime";
    type Module = wasmtime::Module;
    type Instance = WasmtimeInstance;

    fn compile(&self, wasm: &[u8]) -> Result<wasmtime::Module, String> {
        wasmtime::Module::new(&self.engine, wasm).map_err(|e| format!("{e:#}"))
    }

    fn instantiate(&self, module: &wasmtime::Module) -> Result<WasmtimeInstance, Outcome> {
        let limits = wasmtime::StoreLimitsBuilder::new()
            .memory_size((wisp_fuzz::MAX_MEMORY_PAGES * 65536) as usize)
            .table_elements(wisp_fuzz::MAX_TABLE_ELEMENTS as usize)
            .build();
        let mut store = Store::new(&self.engine, limits);
        store.limiter(|l| l);
        store.set_fuel(WASMTIME_FUEL).expect("fuel is enabled");
        match wasmtime::Instance::new(&mut store, module, &[]) {
            Ok(instance) => Ok(WasmtimeInstance { store, instance }),
            Err(e) => Err(wasmtime_error(e, &mut store, None)),
        }
    }

    fn call(&self, i: &mut WasmtimeInstance, name: &str, args: &[V]) -> Outcome {
        i.store.set_fuel(WASMTIME_FUEL).expect("fuel is enabled");
        // Roots made for the results and the exception go when the call is compared.
        let mut scope = wasmtime::RootScope::new(&mut i.store);
        let f = i
            .instance
            .get_func(&mut scope, name)
            .expect("wasmtime has the same exported func");
        let ty = f.ty(&scope);
        let args: Vec<Val> = args.iter().map(|a| to_wasmtime(*a)).collect();
        let mut res: Vec<Val> = ty
            .results()
            .map(|t| Val::default_for_ty(&t).expect("a nullable or numeric type"))
            .collect();
        match f.call(&mut scope, &args, &mut res) {
            Ok(()) => Outcome::Returned(res.iter().map(from_wasmtime).collect()),
            Err(e) => wasmtime_error(e, &mut scope, Some(&i.instance)),
        }
    }

    fn memory<'a>(&self, i: &'a mut WasmtimeInstance, name: &str) -> Option<&'a [u8]> {
        let m = i.instance.get_memory(&mut i.store, name)?;
        let store: &'a Store<StoreLimits> = &i.store;
        Some(m.data(store))
    }

    fn global(&self, i: &mut WasmtimeInstance, name: &str) -> Option<V> {
        let mut scope = wasmtime::RootScope::new(&mut i.store);
        let g = i.instance.get_global(&mut scope, name)?;
        Some(from_wasmtime(&g.get(&mut scope)))
    }

    fn table(&self, i: &mut WasmtimeInstance, name: &str) -> Option<Vec<bool>> {
        let mut scope = wasmtime::RootScope::new(&mut i.store);
        let t = i.instance.get_table(&mut scope, name)?;
        let n = t.size(&scope);
        Some(
            (0..n)
                .map(|k| t.get(&mut scope, k).expect("within the size").is_null())
                .collect(),
        )
    }
}

/// The fuzzer's instruction kinds, with control instructions (where `throw`, `try_table`
/// and the tail calls are) always among them, and with GC the struct and array ones
/// and the variable ones that move their values (without both, wasm-smith's GC modules
/// have struct types but rarely an instruction that uses one).
fn with_control(kinds: InstructionKinds, gc: bool) -> InstructionKinds {
    use InstructionKind as K;
    let all = [
        K::NumericInt,
        K::Numeric,
        K::VectorInt,
        K::Vector,
        K::Reference,
        K::Parametric,
        K::Variable,
        K::Table,
        K::MemoryInt,
        K::Memory,
        K::Aggregate,
    ];
    let mut chosen: Vec<K> = all.into_iter().filter(|k| kinds.contains(*k)).collect();
    chosen.push(K::Control);
    if gc {
        chosen.extend([K::Aggregate, K::Reference, K::Variable]);
    }
    InstructionKinds::new(&chosen)
}

fuzz_target!(|data: &[u8]| {
    static ENGINE: OnceLock<Wasmtime> = OnceLock::new();
    let mut u = Unstructured::new(data);
    let Ok(seed) = u.arbitrary::<u64>() else {
        return;
    };
    let Ok(gc) = u.arbitrary::<bool>() else {
        return;
    };
    let Ok(bytes) = wisp_fuzz::diff::generate(&mut u, |c| {
        c.exceptions_enabled = true;
        c.tail_call_enabled = true;
        // Half the modules have garbage collection: struct and array types and
        // instructions, casts, `i31`, and typed function references (`call_ref`,
        // `return_call_ref`, `br_on_null`, non-nullable locals), which wasm-smith
        // makes only with GC on.
        c.gc_enabled = gc;
        // A tag whenever there is a type without results to give it: without one, nothing
        // is thrown.
        c.min_tags = 2;
        c.max_tags = c.max_tags.max(2);
        c.allowed_instructions = with_control(c.allowed_instructions, gc);
    }) else {
        return;
    };
    wisp_fuzz::diff::run(ENGINE.get_or_init(Wasmtime::new), seed, &bytes);
});
