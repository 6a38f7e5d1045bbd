//! Linear memory paged over a block device: programs compute what they compute over RAM,
//! with 8 KiB of cache for 1 MiB of memory, and the spec suite's memory scripts pass.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wisp::{Config, Engine, Instance, Linker, MemoryBackend, Module, Store, TrapCode};
use wisp_embedded::{BlockDevice, BlockMemory, CacheStats, DeviceError, RamDisk};

fn wat(text: &str) -> Vec<u8> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap()
}

/// Touches all of a 1 MiB memory: sequential fill and sum, random read-modify-writes,
/// and bulk copies and fills across it.
const TOUCH: &str = r#"(module
  (memory (export "mem") 16 16)
  (func (export "fill") (local $i i32)
    (loop $l
      (i32.store (local.get $i) (i32.mul (local.get $i) (i32.const 0x9E3779B1)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 0x100000)))))
  (func (export "sum") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.rotl (local.get $s) (i32.const 1)) (i32.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 0x100000))))
    (local.get $s))
  (func (export "random") (param $n i32) (param $seed i32) (result i32)
    (local $a i32) (local $acc i32)
    (loop $l
      (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1664525))
                                (i32.const 1013904223)))
      (local.set $a (i32.and (local.get $seed) (i32.const 0xFFFF8)))
      (local.set $acc (i32.add (local.get $acc) (i32.load offset=2 (local.get $a))))
      (i64.store16 offset=3 (local.get $a) (i64.extend_i32_u (local.get $acc)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
  (func (export "bulk")
    (memory.copy (i32.const 1000) (i32.const 500001) (i32.const 300000))
    (memory.copy (i32.const 600003) (i32.const 590000) (i32.const 100000))
    (memory.fill (i32.const 777) (i32.const 9) (i32.const 100000))))"#;

fn as_i32(v: wisp::Val) -> i32 {
    match v {
        wisp::Val::I32(x) => x,
        _ => panic!("not an i32: {v:?}"),
    }
}

struct Run {
    results: Vec<i32>,
    /// Seconds spent in the sequential, random and bulk phases.
    seconds: [f64; 3],
}

fn run_touch(store: &mut Store<()>, module: &Module) -> Run {
    let engine = store.engine().clone();
    let inst = Linker::new(&engine)
        .instantiate(&mut *store, module)
        .unwrap();
    let f = |name| inst.get_func(&*store, name).unwrap();
    let (fill, sum, random, bulk) = (f("fill"), f("sum"), f("random"), f("bulk"));
    let call = |store: &mut Store<()>, func: wisp::Func, args: &[wisp::Val]| -> i32 {
        let mut out = [wisp::Val::I32(0)];
        let n = func.ty(&*store).results().len();
        func.call(store, args, &mut out[..n]).unwrap();
        as_i32(out[0])
    };
    let mut results = Vec::new();
    let mut seconds = [0.0; 3];
    let t = Instant::now();
    call(store, fill, &[]);
    results.push(call(store, sum, &[]));
    seconds[0] = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let args = [wisp::Val::I32(200_000), wisp::Val::I32(7)];
    results.push(call(store, random, &args));
    seconds[1] = t.elapsed().as_secs_f64();
    results.push(call(store, sum, &[]));
    let t = Instant::now();
    call(store, bulk, &[]);
    seconds[2] = t.elapsed().as_secs_f64();
    results.push(call(store, sum, &[]));
    Run { results, seconds }
}

/// Reads the cache statistics of the last memory `paged_store` made.
type StatsProbe = Arc<Mutex<Option<Box<dyn Fn() -> CacheStats + Send>>>>;

/// Hands each memory a `BlockMemory` over a fresh device from `device`, and keeps the
/// cache statistics of the last one.
fn paged_store<D: BlockDevice + 'static>(
    engine: &Engine,
    cache: usize,
    mut device: impl FnMut() -> D + Send + 'static,
    stats: StatsProbe,
) -> Store<()> {
    let mut store = Store::new(engine, ());
    store.set_memory_provider(move |_| {
        let mem = Arc::new(Mutex::new(BlockMemory::new(device(), cache)));
        let probe = mem.clone();
        *stats.lock().unwrap() = Some(Box::new(move || probe.lock().unwrap().stats));
        Some(MemoryBackend::Paged(Box::new(Shared(mem))))
    });
    store
}

/// A `BlockMemory` the test can still look at while the store owns it.
struct Shared<D: BlockDevice>(Arc<Mutex<BlockMemory<D>>>);
impl<D: BlockDevice> wisp::PagedMemory for Shared<D> {
    fn size(&self) -> u64 {
        self.0.lock().unwrap().size()
    }
    fn grow(&mut self, n: u64) -> Result<(), wisp::GrowError> {
        self.0.lock().unwrap().grow(n)
    }
    fn read(&mut self, a: u64, b: &mut [u8]) -> Result<(), wisp::AccessError> {
        self.0.lock().unwrap().read(a, b)
    }
    fn write(&mut self, a: u64, b: &[u8]) -> Result<(), wisp::AccessError> {
        self.0.lock().unwrap().write(a, b)
    }
}

#[test]
fn a_megabyte_of_memory_runs_in_8_kib_of_cache() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TOUCH)).unwrap();
    let ram = run_touch(&mut Store::new(&engine, ()), &module);
    for (block, label) in [(512, "512 B blocks"), (1024, "1 KiB blocks")] {
        let stats = Arc::new(Mutex::new(None));
        let mut store = paged_store(
            &engine,
            8 * 1024,
            move || RamDisk::new(block, (1 << 20) / block as u32),
            stats.clone(),
        );
        let paged = run_touch(&mut store, &module);
        assert_eq!(
            paged.results, ram.results,
            "{label}: same results as over RAM"
        );
        let s = (stats.lock().unwrap().as_ref().unwrap())();
        let ratio = |i: usize| paged.seconds[i] / ram.seconds[i];
        println!(
            "paged memory, {label}, 8 KiB cache, time against RAM: sequential {:.1}x, \
             random {:.1}x, bulk {:.1}x; {} hits, {} misses, {} write-backs",
            ratio(0),
            ratio(1),
            ratio(2),
            s.hits,
            s.misses,
            s.write_backs
        );
        assert!(s.misses > 2048, "the memory did not fit in the cache");
    }
}

#[test]
fn growing_past_the_device_fails_and_a_broken_device_traps() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TOUCH)).unwrap();
    // 512 KiB of device for a 1 MiB minimum: instantiation names the sizes.
    let stats = Arc::new(Mutex::new(None));
    let mut small = paged_store(&engine, 4096, || RamDisk::new(512, 1024), stats);
    let err = Linker::new(&engine)
        .instantiate(&mut small, &module)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1048576 bytes") && err.contains("524288"),
        "{err}"
    );

    let broken = Arc::new(Mutex::new(false));
    let flag = broken.clone();
    let mut store = Store::new(&engine, ());
    store.set_memory_provider(move |_| {
        let disk = Flaky(RamDisk::new(512, 2048), flag.clone());
        Some(MemoryBackend::Paged(Box::new(BlockMemory::new(disk, 4096))))
    });
    let inst: Instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let fill = inst.get_func(&store, "fill").unwrap();
    fill.call(&mut store, &[], &mut []).unwrap();
    *broken.lock().unwrap() = true;
    let err = fill.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryDevice), "{err}");
    // The store survives: with the device back, the program runs again.
    *broken.lock().unwrap() = false;
    fill.call(&mut store, &[], &mut []).unwrap();
}

struct Flaky(RamDisk, Arc<Mutex<bool>>);
impl BlockDevice for Flaky {
    fn block_size(&self) -> usize {
        self.0.block_size()
    }
    fn block_count(&self) -> u32 {
        self.0.block_count()
    }
    fn read_block(&mut self, i: u32, b: &mut [u8]) -> Result<(), DeviceError> {
        self.0.broken = *self.1.lock().unwrap();
        self.0.read_block(i, b)
    }
    fn write_block(&mut self, i: u32, b: &[u8]) -> Result<(), DeviceError> {
        self.0.broken = *self.1.lock().unwrap();
        self.0.write_block(i, b)
    }
}

/// A device as large as 32-bit memory can be, that stores only the blocks written.
struct Sparse(HashMap<u32, Vec<u8>>);
const SPARSE_BLOCK: usize = 4096;
impl BlockDevice for Sparse {
    fn block_size(&self) -> usize {
        SPARSE_BLOCK
    }
    fn block_count(&self) -> u32 {
        1 << 20
    }
    fn read_block(&mut self, i: u32, b: &mut [u8]) -> Result<(), DeviceError> {
        b.copy_from_slice(self.0.get(&i).ok_or(DeviceError)?);
        Ok(())
    }
    fn write_block(&mut self, i: u32, b: &[u8]) -> Result<(), DeviceError> {
        self.0.insert(i, b.to_vec());
        Ok(())
    }
}

/// Every memory script of the spec suite, with every memory a module defines paged
/// through a 16 KiB cache: loads and stores of each width and alignment, bounds at
/// every offset, growth, bulk operations, data segments, SIMD loads and stores; with
/// 64-bit addresses (memory64) and several memories (multi-memory), whose accesses take
/// the general family of handlers.
#[test]
fn spec_memory_scripts_pass_over_paged_memory() {
    let wanted = [
        "address",
        "align",
        "bulk",
        "data",
        "endianness",
        "float_memory",
        "left-to-right",
        "load",
        "memory",
        "store",
        "traps",
        "simd_address",
        "simd_load",
        "simd_store",
    ];
    let mut files = 0;
    let mut directives = 0;
    let groups = wisp_wast::suite::groups();
    let scripts = groups
        .iter()
        .filter(|g| ["wasm-v2", "simd", "memory64", "multi-memory"].contains(&g.name.as_str()))
        .flat_map(|g| g.files.iter().map(move |(f, src)| (&g.name, f, src)));
    for (group, name, source) in scripts {
        if !wanted.iter().any(|w| name.starts_with(w)) {
            continue;
        }
        let config: Config = wisp_wast::config_for(&format!("{group}/{name}"));
        let report = wisp_wast::run_wast_in(&config, source, &mut |store| {
            store.set_memory_provider(|_| {
                let dev = Sparse(HashMap::new());
                Some(MemoryBackend::Paged(Box::new(BlockMemory::new(
                    dev,
                    16 * 1024,
                ))))
            })
        });
        assert!(
            report.failed == 0,
            "{group}/{name}: {} failed over paged memory: {:?}",
            report.failed,
            &report.failures[..report.failures.len().min(5)]
        );
        files += 1;
        directives += report.passed;
    }
    println!("{files} spec files, {directives} directives passed over paged memory");
    assert!(files >= 30, "only {files} files matched");
}
