//! The spec suite on the emulated Cortex-M4 (`spec_v1.rs` and `spec_v2.rs` run a group
//! each: two firmware images, as both groups' modules do not fit one 4 MiB flash):
//! scripts encoded on the host by `build.rs` (`build/spec.rs` describes the records). Modules that must load arrive pre-translated, and their code runs where it
//! lies in flash; modules that must be rejected are decoded and validated here, by the
//! whole interpreter. A memory that may outgrow the heap lives on a block device (an
//! emulated SD card: an image file on the host, reached through semihosting) behind a
//! 2 KiB cache. Prints
//! `spec GROUP FILE PASSED FAILED TOTAL` per script, which `cargo xtask firmware` gathers into
//! `spec/results-cortex-m4.csv`.

mod card;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use card::{memory_for, Card, BLOCK, MAX_PAGES, NEXT_REGION, ON_CARD, ON_HEAP, REGIONS};
use core::sync::atomic::Ordering::Relaxed;
use wisp::{
    Config, Engine, Error, Extern, ExternRef, FuncType, Global, GlobalType, Instance, Linker,
    Memory, MemoryType, Module, Mutability, RefType, Store, Table, TableType, Val, ValType, F32,
    F64,
};
use wisp_embedded::BlockDevice;
use wisp_firmware::{init_heap, println, HEAP};

/// A script as `build.rs` encoded it.
pub struct Script {
    pub file: &'static str,
    pub records: &'static [u8],
    /// The images its records name, 8-byte aligned in flash so that their code runs in
    /// place.
    pub images: &'static wisp_firmware::Aligned<[u8]>,
}

/// A script's state: one store, or a fresh one per module when no directive reaches back
/// to an earlier instance (RAM holds few 64 KiB memories at once).
struct Runner {
    /// The images the script's records name.
    images: &'static [u8],
    /// The largest image loaded: its length, and the RAM its module took.
    largest: (usize, usize),
    engine: Engine,
    store: Store<()>,
    linker: Linker<()>,
    named: Vec<(String, Instance)>,
    last: Option<Instance>,
    shared: bool,
    /// The store's instances and their modules, to find what a registration names.
    modules: Vec<(Instance, Module)>,
    /// The registrations so far: what a fresh store instantiates and registers again.
    registered: Vec<(String, Module)>,
}

/// Heap kept back from instances for Wisp's bookkeeping and the runner's own.
pub(crate) const MARGIN: usize = 8 * 1024;

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
    /// A module that must load: an image in place, or bytes to decode.
    fn module(&mut self) -> Source<'a> {
        match self.u8() {
            1 => Source::Image(self.u32() as usize, self.u32() as usize),
            _ => Source::Wasm(self.bytes()),
        }
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

/// Where a module comes from: bytes the device decodes, or an image's offset and
/// length among the script's images.
enum Source<'a> {
    Wasm(&'a [u8]),
    Image(usize, usize),
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
    fn new(shared: bool, images: &'static [u8]) -> Self {
        let mut c = Config::new();
        // Memories on the heap grow only within the store's budget, those on the card
        // as far as its region. No code offsets: a few bytes per instruction of RAM
        // that the scripts need for their memories.
        // Deep enough for the scripts' deepest recursion (`odd` of 200 in call.wast).
        c.max_stack_values(1024)
            .max_call_depth(256)
            .max_memory_pages(MAX_PAGES)
            .eager_translation(true)
            .code_offsets(false);
        let engine = Engine::new(&c);
        let (store, linker) = Self::fresh(&engine);
        Runner {
            images,
            largest: (0, 0),
            engine,
            store,
            linker,
            named: Vec::new(),
            modules: Vec::new(),
            registered: Vec::new(),
            last: None,
            shared,
        }
    }

    /// A store with `spectest` defined, but for its memory (64 KiB), defined only when a
    /// module imports it.
    fn fresh(engine: &Engine) -> (Store<()>, Linker<()>) {
        let mut store = Store::new(engine, ());
        NEXT_REGION.store(0, Relaxed);
        store.set_memory_provider(memory_for);
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
    fn compile(&mut self, source: Source) -> Result<Module, Error> {
        // Loading a module allocates its structures outright; with less than the margin
        // left (a script whose one store holds many instances), refuse it here instead.
        if HEAP.capacity().saturating_sub(HEAP.used()) < MARGIN {
            return Err(Error::Instantiate(format!(
                "the store's instances fill the heap ({} of {} bytes)",
                HEAP.used(),
                HEAP.capacity()
            )));
        }
        let m = match source {
            Source::Wasm(bytes) => Module::new(&self.engine, bytes)?,
            Source::Image(at, len) => {
                let image = self.images.get(at..at + len).unwrap_or(&[]);
                let before = HEAP.used();
                // SAFETY: `build.rs` wrote the image with this build of Wisp.
                let m = unsafe { Module::from_image_in_place(&self.engine, image) }?;
                if len > self.largest.0 {
                    self.largest = (len, HEAP.used() - before);
                }
                m
            }
        };
        let used = self.store.ram_budget().map_or(0, |(used, _)| used);
        let free = HEAP.capacity().saturating_sub(HEAP.used() + MARGIN);
        self.store.set_ram_budget(used + free as u64);
        let wants_memory = m
            .imports()
            .iter()
            .any(|i| i.module == "spectest" && i.name == "memory");
        if wants_memory && !self.linker.contains("spectest", "memory") {
            let ty = MemoryType::new(1, Some(2));
            let mem = match memory_for(&ty) {
                Some(on_card) => Memory::with_backend(&mut self.store, ty, on_card)?,
                None => Memory::new(&mut self.store, ty)?,
            };
            self.linker
                .define(&self.store, "spectest", "memory", Extern::Memory(mem))?;
        }
        Ok(m)
    }

    /// A fresh store in which the modules registered so far are instantiated and
    /// registered again (`build/spec.rs` asks for it only where that changes nothing).
    fn fresh_store(&mut self) -> Result<(), String> {
        self.store = Store::new(&self.engine, ());
        (self.store, self.linker) = Self::fresh(&self.engine);
        self.named.clear();
        self.last = None;
        self.modules.clear();
        for (as_name, m) in &self.registered {
            let inst = self
                .linker
                .instantiate(&mut self.store, m)
                .map_err(|e| format!("instantiate {as_name} again: {e}"))?;
            self.linker
                .instance(&self.store, as_name, inst)
                .map_err(|e| e.to_string())?;
            self.modules.push((inst, m.clone()));
        }
        Ok(())
    }

    /// Runs one record whose kind and line are read; reads all of its fields before
    /// anything can fail, so the next record starts where it should.
    fn record(&mut self, kind: u8, r: &mut Reader) -> Result<(), String> {
        match kind {
            1 => {
                let name = r.str();
                let bytes = r.module();
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
                if self.shared {
                    self.modules.push((inst, m));
                }
                Ok(())
            }
            2 => {
                let as_name = r.str();
                let module = r.str();
                let inst = self.instance(module)?;
                self.linker
                    .instance(&self.store, as_name, inst)
                    .map_err(|e| e.to_string())?;
                if let Some((_, m)) = self.modules.iter().find(|(i, _)| *i == inst) {
                    self.registered.push((as_name.to_string(), m.clone()));
                }
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
                    .compile(r.module())
                    .map_err(|e| format!("compile: {e}"))?;
                match self.linker.instantiate(&mut self.store, &m) {
                    Err(Error::Link(_)) => Ok(()),
                    other => Err(format!("expected a link error, got {:?}", other.err())),
                }
            }
            7 => {
                let bytes = r.module();
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

/// Runs the scripts of `group`, prints a line per script and the totals, and ends the
/// emulation.
pub fn run(group: &str, scripts: &[Script]) -> ! {
    // All the RAM but the statics and 8 KiB of stack.
    init_heap!(86 * 1024);
    // The card answers before any memory relies on it.
    let mut card = Card {
        region: REGIONS - 1,
    };
    let mut block = [0u8; BLOCK];
    block.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    let mut back = [0u8; BLOCK];
    let card_ok = card.write_block(1, &block).is_ok()
        && card.read_block(1, &mut back).is_ok()
        && back == block;
    println!("card: {}", if card_ok { "ok" } else { "FAILED" });
    let (mut all_passed, mut all_failed) = (0, 0);
    let mut largest = ("", 0, 0);
    for &Script {
        file,
        records: script,
        images,
    } in scripts
    {
        let mut r = Reader { b: script, at: 1 };
        let mut runner = Runner::new(script[0] & 1 != 0, &images.0);
        let (mut passed, mut failed, mut shown) = (0u32, 0u32, 0);
        while r.at < script.len() {
            let kind = r.u8();
            let line = r.u32();
            // Not a directive of the script: no count of its own.
            if kind == 8 {
                if let Err(e) = runner.fresh_store() {
                    println!("  {}:{}: {}", file, line, e);
                }
                continue;
            }
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
        println!(
            "spec {} {} {} {} {}",
            group,
            file,
            passed,
            failed,
            passed + failed
        );

        all_passed += passed;
        all_failed += failed;
        if runner.largest.0 > largest.1 {
            largest = (file, runner.largest.0, runner.largest.1);
        }
    }
    println!(
        "memories: {} on the heap, {} on the card",
        ON_HEAP.load(Relaxed),
        ON_CARD.load(Relaxed)
    );
    println!(
        "largest image: {} bytes ({}), run in place; its module took {} bytes of RAM",
        largest.1, largest.0, largest.2
    );
    println!("{} passed, {} failed", all_passed, all_failed);
    wisp_firmware::exit(true)
}
