//! Part of the spec suite on the emulated Cortex-M4: the wasm-v1 numeric, memory, control
//! and call scripts, encoded on the host by `build.rs` (`build/spec.rs` describes the
//! records) and run here by the whole interpreter, which decodes and validates each
//! module on the device. Prints `spec FILE PASSED FAILED TOTAL` per script, which
//! `cargo xtask firmware` gathers into `spec/results-cortex-m4.csv`.
#![no_std]
#![no_main]
extern crate alloc;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wisp::{
    Config, Engine, Error, Extern, ExternRef, FuncType, Global, GlobalType, Instance, Linker,
    Memory, MemoryType, Module, Mutability, RefType, Store, Table, TableType, Val, ValType, F32,
    F64,
};
use wisp_firmware::entry;
use wisp_firmware::{init_heap, println, HEAP};

include!(concat!(env!("OUT_DIR"), "/spec_scripts.rs"));

/// A script's state: one store, or a fresh one per module when no directive reaches back
/// to an earlier instance (RAM holds few 64 KiB memories at once).
struct Runner {
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    named: Vec<(String, Instance)>,
    last: Option<Instance>,
    shared: bool,
}

/// Heap kept back from instances for Wisp's bookkeeping and the runner's own.
const MARGIN: usize = 8 * 1024;

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> u8 {
        self.at += 1;
        self.b[self.at - 1]
    }
    fn u32(&mut self) -> u32 {
        let v = u32::from_le_bytes(self.b[self.at..self.at + 4].try_into().unwrap());
        self.at += 4;
        v
    }
    fn bytes(&mut self) -> &'a [u8] {
        let n = self.u32() as usize;
        self.at += n;
        &self.b[self.at - n..self.at]
    }
    fn str(&mut self) -> &'a str {
        core::str::from_utf8(self.bytes()).unwrap()
    }
    fn value(&mut self) -> (u8, u64) {
        let k = self.u8();
        let v = u64::from_le_bytes(self.b[self.at..self.at + 8].try_into().unwrap());
        self.at += 8;
        (k, v)
    }
}

fn to_val<T>(store: &mut Store<T>, (k, v): (u8, u64)) -> Val {
    match k {
        0 => Val::I32(v as i32),
        1 => Val::I64(v as i64),
        2 => Val::F32(F32(v as u32)),
        3 => Val::F64(F64(v)),
        8 => Val::FuncRef(None),
        9 => Val::ExternRef(None),
        _ => ExternRef::new(store, v as u32).to_val(),
    }
}

fn matches<T>(store: &Store<T>, (k, e): (u8, u64), v: &Val) -> bool {
    match (k, v) {
        (0, Val::I32(x)) => *x as u32 as u64 == e,
        (1, Val::I64(x)) => *x as u64 == e,
        (2, Val::F32(x)) => x.0 as u64 == e,
        (3, Val::F64(x)) => x.0 == e,
        (4, Val::F32(x)) => x.0 & 0x7fff_ffff == 0x7fc0_0000,
        (5, Val::F32(x)) => x.0 & 0x7fc0_0000 == 0x7fc0_0000,
        (6, Val::F64(x)) => x.0 & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        (7, Val::F64(x)) => x.0 & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        (8, Val::FuncRef(r)) => r.is_none(),
        (9, Val::ExternRef(r)) => r.is_none(),
        (10, Val::ExternRef(r)) => {
            let held = r.and_then(|r| r.data(store)?.downcast_ref::<u32>().copied());
            held.map(u64::from) == Some(e)
        }
        (11, Val::FuncRef(r)) => r.is_some(),
        _ => false,
    }
}

fn trap_matches(e: &Error, expected: &str) -> bool {
    match e {
        Error::Trap(t) => {
            let ours = t.code.message();
            ours.contains(expected) || expected.starts_with(ours)
        }
        _ => false,
    }
}

impl Runner {
    fn new(shared: bool) -> Self {
        let mut c = Config::new();
        // One 64 KiB page at most: growing into the last of the heap would leave
        // nothing for the allocations that follow (a device sets such a cap too).
        // No code offsets: a few bytes per instruction of RAM that the scripts need for
        // their memories.
        c.max_stack_values(256)
            .max_call_depth(64)
            .max_memory_pages(1)
            .eager_translation(true)
            .code_offsets(false);
        let engine = Engine::new(&c);
        let (store, linker) = Self::fresh(&engine);
        Runner {
            engine,
            store,
            linker,
            named: Vec::new(),
            last: None,
            shared,
        }
    }

    /// A store with `spectest` defined, but for its memory (64 KiB), defined only when a
    /// module imports it.
    fn fresh(engine: &Engine) -> (Store<()>, Linker<()>) {
        let mut store = Store::new(engine, ());
        let mut linker = Linker::new(engine);
        linker.allow_shadowing(true);
        let prints: [(&str, &[ValType]); 7] = [
            ("print", &[]),
            ("print_i32", &[ValType::I32]),
            ("print_i64", &[ValType::I64]),
            ("print_f32", &[ValType::F32]),
            ("print_f64", &[ValType::F64]),
            ("print_i32_f32", &[ValType::I32, ValType::F32]),
            ("print_f64_f64", &[ValType::F64, ValType::F64]),
        ];
        for (name, params) in prints {
            let ty = FuncType::new(params.iter().copied(), []);
            linker
                .func_new("spectest", name, ty, |_, _, _| Ok(()))
                .expect("a fresh linker");
        }
        let globals = [
            ("global_i32", Val::I32(666)),
            ("global_i64", Val::I64(666)),
            ("global_f32", Val::F32(F32::from_float(666.6))),
            ("global_f64", Val::F64(F64::from_float(666.6))),
        ];
        for (name, v) in globals {
            let ty = GlobalType {
                content: v.ty(),
                mutability: Mutability::Const,
            };
            if let Ok(g) = Global::new(&mut store, ty, v) {
                linker
                    .define(&store, "spectest", name, Extern::Global(g))
                    .expect("a fresh linker");
            }
        }
        let table_ty = TableType::new(RefType::FUNCREF, 10, Some(20));
        if let Ok(t) = Table::new(&mut store, table_ty, Val::FuncRef(None)) {
            linker
                .define(&store, "spectest", "table", Extern::Table(t))
                .expect("a fresh linker");
        }
        (store, linker)
    }

    fn instance(&self, name: &str) -> Result<Instance, String> {
        if name.is_empty() {
            return self
                .last
                .ok_or_else(|| "no module instantiated".to_string());
        }
        self.named
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, i)| *i)
            .ok_or_else(|| format!("unknown module {name}"))
    }

    /// Compiles (translating every function now), then gives the store a RAM budget of
    /// what the heap has left but a margin: instances take their memories, tables and
    /// stacks out of it, and one that needs more is refused at instantiation, with the
    /// sizes, instead of running the device out of heap in the middle of a call.
    fn compile(&mut self, bytes: &[u8]) -> Result<Module, Error> {
        let m = Module::new(&self.engine, bytes)?;
        let used = self.store.ram_budget().map_or(0, |(used, _)| used);
        let free = HEAP.capacity().saturating_sub(HEAP.used() + MARGIN);
        self.store.set_ram_budget(used + free as u64);
        let wants_memory = m
            .imports()
            .iter()
            .any(|i| i.module == "spectest" && i.name == "memory");
        if wants_memory && !self.linker.contains("spectest", "memory") {
            let mem = Memory::new(&mut self.store, MemoryType::new(1, Some(2)))?;
            self.linker
                .define(&self.store, "spectest", "memory", Extern::Memory(mem))?;
        }
        Ok(m)
    }

    /// Runs one record whose kind and line are read; reads all of its fields before
    /// anything can fail, so the next record starts where it should.
    fn record(&mut self, kind: u8, r: &mut Reader) -> Result<(), String> {
        match kind {
            1 => {
                let name = r.str();
                let bytes = r.bytes();
                if !self.shared {
                    // Free the old store's memories before the new module needs RAM.
                    self.store = Store::new(&self.engine, ());
                    (self.store, self.linker) = Self::fresh(&self.engine);
                    self.named.clear();
                    self.last = None;
                }
                let m = self.compile(bytes).map_err(|e| format!("compile: {e}"))?;
                let inst = self
                    .linker
                    .instantiate(&mut self.store, &m)
                    .map_err(|e| format!("instantiate: {e}"))?;
                if !name.is_empty() {
                    self.named.push((name.to_string(), inst));
                }
                self.last = Some(inst);
                Ok(())
            }
            2 => {
                let as_name = r.str();
                let module = r.str();
                let inst = self.instance(module)?;
                self.linker
                    .instance(&self.store, as_name, inst)
                    .map_err(|e| e.to_string())?;
                Ok(())
            }
            3 => {
                let inst = self.instance(r.str());
                let field = r.str();
                let args: Vec<Val> = (0..r.u8())
                    .map(|_| to_val(&mut self.store, r.value()))
                    .collect();
                let expect = r.u8();
                let (results, message) = match expect {
                    0 => ((0..r.u8()).map(|_| r.value()).collect::<Vec<_>>(), ""),
                    1 | 2 => (Vec::new(), r.str()),
                    _ => (Vec::new(), ""),
                };
                let func = inst?
                    .get_func(&self.store, field)
                    .ok_or_else(|| format!("no export {field}"))?;
                let ty = func.ty(&self.store);
                let mut out: Vec<Val> = ty.results().iter().map(|t| Val::default_of(*t)).collect();
                let got = func.call(&mut self.store, &args, &mut out);
                match (expect, got) {
                    (0, Ok(())) if out.len() == results.len() => {
                        match results
                            .iter()
                            .zip(&out)
                            .position(|(e, v)| !matches(&self.store, *e, v))
                        {
                            None => Ok(()),
                            Some(i) => Err(format!("result {i}: got {:?}", out[i])),
                        }
                    }
                    (3, Ok(())) => Ok(()),
                    (1 | 2, Err(e)) if trap_matches(&e, message) => Ok(()),
                    (_, Err(e)) => Err(format!("{field}: {e}")),
                    (_, Ok(())) => Err(format!("{field}: expected a trap or other results")),
                }
            }
            4 => {
                let module = r.str();
                let global = r.str();
                let want = r.value();
                let inst = self.instance(module)?;
                let g = inst
                    .get_global(&self.store, global)
                    .ok_or_else(|| format!("no global {global}"))?;
                let v = g.get(&self.store);
                if matches(&self.store, want, &v) {
                    Ok(())
                } else {
                    Err(format!("global {global} is {v:?}"))
                }
            }
            5 => match Module::new(&self.engine, r.bytes()) {
                Ok(_) => Err("an invalid module compiled".into()),
                Err(_) => Ok(()),
            },
            6 => {
                let m = self
                    .compile(r.bytes())
                    .map_err(|e| format!("compile: {e}"))?;
                match self.linker.instantiate(&mut self.store, &m) {
                    Err(Error::Link(_)) => Ok(()),
                    other => Err(format!("expected a link error, got {:?}", other.err())),
                }
            }
            7 => {
                let bytes = r.bytes();
                let message = r.str();
                let m = self.compile(bytes).map_err(|e| format!("compile: {e}"))?;
                match self.linker.instantiate(&mut self.store, &m) {
                    Err(e) if trap_matches(&e, message) => Ok(()),
                    Err(e) => Err(format!("expected trap {message}, got {e}")),
                    Ok(_) => Err(format!("expected trap {message}")),
                }
            }
            k => Err(format!("unknown record {k}")),
        }
    }
}

#[entry]
fn main() -> ! {
    // All the RAM but the statics and 8 KiB of stack.
    init_heap!(86 * 1024);
    let (mut all_passed, mut all_failed) = (0, 0);
    for &(file, script) in SCRIPTS {
        let mut r = Reader { b: script, at: 1 };
        let mut runner = Runner::new(script[0] & 1 != 0);
        let (mut passed, mut failed, mut shown) = (0u32, 0u32, 0);
        while r.at < script.len() {
            let kind = r.u8();
            let line = r.u32();
            match runner.record(kind, &mut r) {
                Ok(()) => passed += 1,
                Err(e) => {
                    failed += 1;
                    if shown < 3 {
                        println!(
                            "  {}:{}: {} (heap: {} bytes in use)",
                            file,
                            line,
                            e,
                            HEAP.used()
                        );
                        shown += 1;
                    }
                }
            }
        }
        println!("spec {} {} {} {}", file, passed, failed, passed + failed);

        all_passed += passed;
        all_failed += failed;
    }
    println!("{} passed, {} failed", all_passed, all_failed);
    wisp_firmware::exit(true)
}
