//! Differential fuzzing against wasmi 2.0: a `wasm-smith` module (no imports, NaNs
//! canonicalized, the proposals Wisp runs except exceptions, which wasmi lacks) is run on
//! both engines by `wisp_fuzz::diff::run`, which says what must agree and what is not
//! compared.
//!
//! wasmi runs a copy of the module with a workaround for one of its bugs (see
//! `UnfuseSelect`).
//!
//! `WISP_FUZZ_DEBUG=1` prints what each call did on both engines; `WISP_FUZZ_DUMP=FILE`
//! writes the generated module to FILE (and wasmi's copy, if it differs, to
//! FILE.wasmi.wasm).
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wisp_fuzz::diff::{Outcome, Reference, V};

/// wasmi's fuel: more than Wisp's, so that a call which finishes on Wisp usually finishes
/// on wasmi too (wasmi is fast, and charges bulk-memory operations by the byte).
const WASMI_FUEL: u64 = 300_000;

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
// wasmi as the reference.

struct Wasmi {
    engine: wasmi::Engine,
}

struct WasmiInstance {
    store: wasmi::Store<wasmi::StoreLimits>,
    instance: wasmi::Instance,
}

impl Wasmi {
    fn new() -> Wasmi {
        let mut c = wasmi::Config::default();
        c.consume_fuel(true)
            .compilation_mode(wasmi::CompilationMode::Eager)
            // WebAssembly 2.0 and the 3.0 parts that both engines run.
            .wasm_mutable_global(true)
            .wasm_saturating_float_to_int(true)
            .wasm_sign_extension(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .wasm_multi_memory(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_custom_page_sizes(false)
            .wasm_memory64(true)
            .wasm_wide_arithmetic(false);
        Wasmi {
            engine: wasmi::Engine::new(&c),
        }
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

fn to_wasmi(v: V) -> wasmi::Val {
    match v {
        V::I32(x) => wasmi::Val::I32(x),
        V::I64(x) => wasmi::Val::I64(x),
        V::F32(x) => wasmi::Val::F32(wasmi::F32::from_bits(x)),
        V::F64(x) => wasmi::Val::F64(wasmi::F64::from_bits(x)),
        V::V128(x) => wasmi::Val::V128(wasmi::V128::from(x)),
        V::FuncRef(_) => wasmi::Val::FuncRef(wasmi::Nullable::Null),
        V::ExternRef(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
        // `generate` turns exceptions off, so no function takes one.
        V::ExnRef(_) => unreachable!("wasmi has no exnref"),
        // Nor GC: `generate` leaves it off.
        V::AnyRef(_) => unreachable!("wasmi has no anyref"),
    }
}

impl Reference for Wasmi {
    const NAME: &'static str = "wasmi";
    type Module = wasmi::Module;
    type Instance = WasmiInstance;

    fn compile(&self, wasm: &[u8]) -> Result<wasmi::Module, String> {
        let bytes = for_wasmi(wasm);
        if let (Some(path), std::borrow::Cow::Owned(b)) =
            (std::env::var_os("WISP_FUZZ_DUMP"), &bytes)
        {
            let mut path = path;
            path.push(".wasmi.wasm");
            std::fs::write(path, b).expect("write WISP_FUZZ_DUMP.wasmi.wasm");
        }
        wasmi::Module::new(&self.engine, &bytes[..]).map_err(|e| e.to_string())
    }

    fn instantiate(&self, module: &wasmi::Module) -> Result<WasmiInstance, Outcome> {
        let limits = wasmi::StoreLimitsBuilder::new()
            .memory_size((wisp_fuzz::MAX_MEMORY_PAGES * 65536) as usize)
            .table_elements(wisp_fuzz::MAX_TABLE_ELEMENTS as usize)
            .build();
        let mut store = wasmi::Store::new(&self.engine, limits);
        store.limiter(|l| l);
        store.set_fuel(WASMI_FUEL).expect("fuel is enabled");
        match wasmi::Linker::<wasmi::StoreLimits>::new(&self.engine)
            .instantiate_and_start(&mut store, module)
        {
            Ok(instance) => Ok(WasmiInstance { store, instance }),
            Err(e) => Err(wasmi_error(e)),
        }
    }

    fn call(&self, i: &mut WasmiInstance, name: &str, args: &[V]) -> Outcome {
        let f = i
            .instance
            .get_func(&i.store, name)
            .expect("wasmi has the same exported func");
        let ty = f.ty(&i.store);
        let args: Vec<wasmi::Val> = args.iter().map(|a| to_wasmi(*a)).collect();
        let mut res: Vec<wasmi::Val> = ty
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();
        i.store.set_fuel(WASMI_FUEL).expect("fuel is enabled");
        match f.call(&mut i.store, &args, &mut res) {
            Ok(()) => Outcome::Returned(res.iter().map(from_wasmi).collect()),
            Err(e) => wasmi_error(e),
        }
    }

    fn memory<'a>(&self, i: &'a mut WasmiInstance, name: &str) -> Option<&'a [u8]> {
        let m = i.instance.get_memory(&i.store, name)?;
        Some(m.data(&i.store))
    }

    fn global(&self, i: &mut WasmiInstance, name: &str) -> Option<V> {
        let g = i.instance.get_global(&i.store, name)?;
        Some(from_wasmi(&g.get(&i.store)))
    }

    fn table(&self, i: &mut WasmiInstance, name: &str) -> Option<Vec<bool>> {
        let t = i.instance.get_table(&i.store, name)?;
        let n = t.size(&i.store);
        Some(
            (0..n)
                .map(|k| t.get(&i.store, k).expect("within the size").is_null())
                .collect(),
        )
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(seed) = u.arbitrary::<u64>() else {
        return;
    };
    // wasmi 2.0 has no exception handling.
    let Ok(bytes) = wisp_fuzz::diff::generate(&mut u, |c| c.exceptions_enabled = false) else {
        return;
    };
    wisp_fuzz::diff::run(&Wasmi::new(), seed, &bytes);
});
