//! Wisp on a microcontroller, under QEMU: modules run from flash, call the firmware's
//! host functions, trap without harming the firmware, run out of fuel and resume, and
//! keep linear memory in RAM the firmware lent or on a paged block device, and collect
//! garbage under a heap budget.
//!
//! Modules arrive as pre-translated images (written by `build.rs` on the host), which is
//! all the executor-only build (`--no-default-features`, the Cortex-M0) can run; with the
//! `full` feature the device also decodes and validates Wasm itself.
#![no_std]
#![no_main]
extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wisp::{
    Caller, Config, Engine, Linker, MemoryBackend, Module, ResumableCall, Store, TrapCode, Val,
};
#[cfg(all(feature = "full", feature = "paged"))]
use wisp_embedded::{BlockMemory, RamDisk};
use wisp_firmware::entry;
use wisp_firmware::{ensure, include_image, init_heap, println, HEAP};

// `static` data stays in flash: the modules are never copied into RAM as a whole.
#[allow(unused_macros)]
macro_rules! out_file {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $name))
    };
}
static FIB: &[u8] = include_image!("fib.wsi");
static FIB_FUEL: &[u8] = include_image!("fib_fuel.wsi");
static HOST: &[u8] = include_image!("host.wsi");
#[cfg(feature = "wasi")]
static WASI_HELLO: &[u8] = include_image!("wasi_hello.wsi");
#[cfg(feature = "full")]
static FIB_WASM: &[u8] = out_file!("fib.wasm");
#[cfg(feature = "gc")]
static TREES: &[u8] = include_image!("trees.wsi");
#[cfg(all(feature = "full", feature = "paged"))]
static TOUCH_WASM: &[u8] = out_file!("touch.wasm");
#[cfg(feature = "simd")]
static RELAXED: &[u8] = include_image!("relaxed.wsi");
#[cfg(feature = "simd")]
static RELAXED_EXPECTED: &[u8] = out_file!("relaxed_expected.bin");

/// A module from an image that `build.rs` wrote with this very source, its code run
/// where it lies in flash.
fn image(engine: &Engine, bytes: &'static [u8]) -> Result<Module, String> {
    // SAFETY: the images are written at build time by this build of Wisp.
    unsafe { Module::from_image_in_place(engine, bytes) }.map_err(err)
}

type Outcome = Result<(), String>;

fn config() -> Config {
    let mut c = Config::new();
    c.max_stack_values(2048).max_call_depth(256);
    #[cfg(feature = "full")]
    c.features(wisp::Features::default().with_custom_page_sizes(true));
    c
}

fn err(e: wisp::Error) -> String {
    e.to_string()
}

fn fib_image_from_flash() -> Outcome {
    let engine = Engine::new(&config());
    let module = image(&engine, FIB)?;
    run_fib(&engine, &module)
}

/// The heap bytes a module that `load` gives keeps while it lives; `None` if it did not
/// load.
fn module_ram(load: impl FnOnce() -> Result<Module, wisp::Error>) -> Option<usize> {
    let before = HEAP.used();
    let module = load().ok()?;
    let ram = HEAP.used() - before;
    drop(module);
    Some(ram)
}

/// The same image with its code copied into RAM (how storage the CPU cannot address is
/// read), and what that costs against running it in place.
fn fib_image_copied() -> Outcome {
    let engine = Engine::new(&config());
    // SAFETY: as for `image`.
    let copied = unsafe { Module::from_image(&engine, FIB) }.map_err(err)?;
    run_fib(&engine, &copied)?;
    drop(copied);
    // SAFETY: as above.
    let copy = module_ram(|| unsafe { Module::from_image(&engine, FIB) });
    let in_place = module_ram(|| unsafe { Module::from_image_in_place(&engine, FIB) });
    let (Some(copy), Some(in_place)) = (copy, in_place) else {
        return Err("the image did not load".into());
    };
    ensure!(in_place < copy, "in place {in_place} B, copied {copy} B");
    println!(
        "  fib module: {} B of RAM in place, {} B copied",
        in_place, copy
    );
    Ok(())
}

/// The device decodes, validates and translates the module itself.
#[cfg(feature = "full")]
fn fib_decoded_on_the_device() -> Outcome {
    let engine = Engine::new(&config());
    let module = Module::new(&engine, FIB_WASM).map_err(err)?;
    run_fib(&engine, &module)?;
    // Malformed bytes are an error, not a fault.
    let e = Module::new(&engine, &FIB_WASM[..FIB_WASM.len() - 3])
        .err()
        .ok_or("accepted")?;
    ensure!(e.to_string().contains("offset"), "{e}");
    Ok(())
}

fn run_fib(engine: &Engine, module: &Module) -> Outcome {
    let mut store = Store::new(engine, ());
    let inst = Linker::new(engine)
        .instantiate(&mut store, module)
        .map_err(err)?;
    let fib = inst
        .get_typed_func::<i32, i32>(&store, "fib")
        .map_err(err)?;
    let r = fib.call(&mut store, 20).map_err(err)?;
    ensure!(r == 6765, "fib(20) = {r}");
    Ok(())
}

/// What the firmware's host functions saw.
#[derive(Default)]
struct Board {
    reports: Vec<(i32, i32)>,
}

fn host_functions_and_lent_memory() -> Outcome {
    let engine = Engine::new(&config());
    let module = image(&engine, HOST)?;
    let mut store = Store::new(&engine, Board::default());
    // The module's memory lives in 2 KiB the firmware set aside, not on the heap.
    let lent = wisp_embedded::static_buffer!(2048).ok_or("lent twice")?;
    let base = lent.as_ptr() as usize;
    let mut lent = Some(lent);
    store.set_memory_provider(move |_| lent.take().map(|b| MemoryBackend::host(b)));
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "sensor", |i: i32| -> i32 { 10 + i * 3 })
        .map_err(err)?
        .func_wrap(
            "env",
            "report",
            |mut c: Caller<'_, Board>, i: i32, sum: i32| c.data_mut().reports.push((i, sum)),
        )
        .map_err(err)?;
    let inst = linker.instantiate(&mut store, &module).map_err(err)?;
    let mem = inst.get_memory(&store, "memory").ok_or("no memory")?;
    ensure!(
        mem.data(&store).as_ptr() as usize == base,
        "memory was copied"
    );
    let poll = inst
        .get_typed_func::<i32, i32>(&store, "poll")
        .map_err(err)?;
    let sum = poll.call(&mut store, 5).map_err(err)?;
    ensure!(sum == 10 + 13 + 16 + 19 + 22, "sum {sum}");
    ensure!(
        store.data().reports.len() == 5,
        "{} reports",
        store.data().reports.len()
    );
    ensure!(
        store.data().reports[4] == (4, 80),
        "{:?}",
        store.data().reports[4]
    );
    ensure!(
        mem.data(&store)[1] == 23,
        "byte 1 is {}",
        mem.data(&store)[1]
    );
    // 1-byte pages: the memory grows inside the lent buffer, and not past its end,
    // though the module's maximum (8 KiB) would allow it.
    let grow = inst
        .get_typed_func::<i32, i32>(&store, "grow")
        .map_err(err)?;
    ensure!(grow.call(&mut store, 3).map_err(err)? == 1024, "grow by 3");
    ensure!(
        grow.call(&mut store, 1500).map_err(err)? == -1,
        "grow past the buffer"
    );
    ensure!(
        grow.call(&mut store, 1021).map_err(err)? == 1027,
        "grow to its end"
    );
    Ok(())
}

/// The application gives Wisp every byte it uses as static buffers: the heap (the
/// module's and instances' structures), linear memory and the stacks each a buffer of
/// their own, the code where it lies in flash. Once instantiated, calls (host calls and
/// a 20-deep recursion included) allocate nothing.
fn the_application_hands_over_all_memory() -> Outcome {
    let engine = Engine::new(&config());
    let mut store = Store::new(&engine, Board::default());
    // 2 KiB: less than `config()`'s limits ask, so they shrink to what it holds (about
    // 200 cells and 25 frames), which a 20-deep recursion fits.
    let stacks = wisp_embedded::static_buffer!(2048).ok_or("lent twice")?;
    store.lend_stacks(stacks).map_err(err)?;
    // The module's 1,024 one-byte pages.
    let memory = wisp_embedded::static_buffer!(1024).ok_or("lent twice")?;
    let mut memory = Some(memory);
    store.set_memory_provider(move |_| memory.take().map(|b| MemoryBackend::host(b)));
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "sensor", |i: i32| -> i32 { 10 + i * 3 })
        .map_err(err)?
        .func_wrap("env", "report", |_: i32, _: i32| {})
        .map_err(err)?;
    let host = linker
        .instantiate(&mut store, &image(&engine, HOST)?)
        .map_err(err)?;
    let fib = linker
        .instantiate(&mut store, &image(&engine, FIB)?)
        .map_err(err)?;
    let poll = host
        .get_typed_func::<i32, i32>(&store, "poll")
        .map_err(err)?;
    let fib = fib.get_typed_func::<i32, i32>(&store, "fib").map_err(err)?;
    let held = HEAP.used();
    HEAP.reset_peak();
    for _ in 0..3 {
        ensure!(poll.call(&mut store, 5).map_err(err)? == 80, "poll");
        ensure!(fib.call(&mut store, 20).map_err(err)? == 6765, "fib");
    }
    ensure!(
        HEAP.peak() == held && HEAP.used() == held,
        "calls took heap: peak {} over {held}",
        HEAP.peak()
    );
    println!(
        "  calls allocated nothing; the heap holds {} bytes of structures",
        held
    );
    Ok(())
}

fn traps_leave_the_firmware_running() -> Outcome {
    let engine = Engine::new(&config());
    let module = image(&engine, HOST)?;
    let mut store = Store::new(&engine, Board::default());
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("env", "sensor", |_: i32| -> i32 { 0 })
        .map_err(err)?
        .func_wrap("env", "report", |_: i32, _: i32| {})
        .map_err(err)?;
    let inst = linker.instantiate(&mut store, &module).map_err(err)?;
    let div = inst
        .get_typed_func::<(i32, i32), i32>(&store, "div")
        .map_err(err)?;
    let e = div.call(&mut store, (1, 0)).unwrap_err();
    ensure!(e.trap_code() == Some(TrapCode::IntegerDivideByZero), "{e}");
    let crash = inst
        .get_typed_func::<(), ()>(&store, "crash")
        .map_err(err)?;
    let e = crash.call(&mut store, ()).unwrap_err();
    ensure!(e.trap_code() == Some(TrapCode::Unreachable), "{e}");
    ensure!(
        div.call(&mut store, (9, 3)).map_err(err)? == 3,
        "after traps"
    );
    // A damaged image is an error, not a fault.
    let e = image(&engine, &FIB[..FIB.len() - 3])
        .err()
        .ok_or("accepted")?;
    ensure!(e.contains("image"), "{e}");
    // Recursion deeper than the stack (or the heap) allows traps cleanly.
    let fib = image(&engine, FIB)?;
    let mut s2 = Store::new(&engine, Board::default());
    let i2 = Linker::new(&engine)
        .instantiate(&mut s2, &fib)
        .map_err(err)?;
    let f = i2.get_typed_func::<i32, i32>(&s2, "fib").map_err(err)?;
    let e = f.call(&mut s2, 100_000).unwrap_err();
    ensure!(e.trap_code() == Some(TrapCode::StackOverflow), "{e}");
    Ok(())
}

fn fuel_runs_out_and_the_call_resumes() -> Outcome {
    let mut c = config();
    c.consume_fuel(true);
    let engine = Engine::new(&c);
    let module = image(&engine, FIB_FUEL)?;
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(err)?;
    let fib = inst.get_func(&store, "fib").ok_or("no fib")?;
    let mut out = [Val::I32(0)];
    store.set_fuel(2_000).map_err(err)?;
    let mut call = fib
        .call_resumable(&mut store, &[Val::I32(15)], &mut out)
        .map_err(err)?;
    let mut slices = 1;
    if let ResumableCall::HostTrap(t) = call {
        return Err(err(t.into_host_error()));
    }
    while let ResumableCall::OutOfFuel(paused) = call {
        // Between slices the firmware does its other work, then gives more fuel.
        store.set_fuel(2_000).map_err(err)?;
        slices += 1;
        call = paused.resume(&mut store, &mut out).map_err(err)?;
    }
    ensure!(out[0] == Val::I32(610), "fib(15) = {:?}", out[0]);
    ensure!(slices > 3, "only {slices} slices");
    println!("  fib(15) ran in {} slices of 2,000 fuel", slices);
    Ok(())
}

#[cfg(all(feature = "full", feature = "paged"))]
fn paged_memory_on_a_block_device() -> Outcome {
    let engine = Engine::new(&config());
    let module = Module::new(&engine, TOUCH_WASM).map_err(err)?;
    let mut store = Store::new(&engine, ());
    // 32 KiB of linear memory through a 2 KiB cache of 512-byte blocks.
    store.set_memory_provider(|_| {
        let disk = RamDisk::new(512, 64);
        Some(MemoryBackend::Paged(alloc::boxed::Box::new(
            BlockMemory::new(disk, 2048),
        )))
    });
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(err)?;
    let touch = inst
        .get_typed_func::<(), i32>(&store, "touch")
        .map_err(err)?;
    let got = touch.call(&mut store, ()).map_err(err)?;
    let mut want = 0i32;
    for i in (0..32768i32).step_by(4) {
        want = want
            .rotate_left(1)
            .wrapping_add(i.wrapping_mul(0x9E3779B1u32 as i32));
    }
    ensure!(got == want, "checksum {got:#x}, want {want:#x}");
    Ok(())
}

/// A WASI program runs from its image: stdout goes over semihosting, files to an
/// in-memory filesystem, the clock is the board's SysTick.
#[cfg(feature = "wasi")]
fn wasi_hello_world() -> Outcome {
    use wisp_firmware::wasi::{board_clock, Console, Printed, Xorshift};
    use wisp_wasi::{MemFs, WasiCtx};

    let before = HEAP.used();
    HEAP.reset_peak();
    let clock = board_clock().ok_or("peripherals taken")?;
    let printed = Printed::default();
    let ctx = WasiCtx::builder()
        .arg("hello")
        .stdout(Console(printed.clone()))
        .clock(clock)
        .random(Xorshift(0x9E37_79B9_7F4A_7C15))
        .preopen(MemFs::new(), "/data")
        .build();
    let engine = Engine::new(&config());
    let module = image(&engine, WASI_HELLO)?;
    let mut store = Store::new(&engine, ctx);
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c| c).map_err(err)?;
    let inst = linker.instantiate(&mut store, &module).map_err(err)?;
    let start = inst
        .get_typed_func::<(), ()>(&store, "_start")
        .map_err(err)?;
    match start.call(&mut store, ()) {
        Err(wisp::Error::Exit(0)) => {}
        Err(e) => return Err(e.to_string()),
        Ok(()) => return Err("no proc_exit".into()),
    }
    let out = printed.contents();
    let want: &[u8] =
        b"Hello from WASI on a microcontroller!\nstored in the in-memory filesystem\n";
    ensure!(&out[..] == want, "printed {:?}", core::str::from_utf8(&out));
    println!(
        "  WASI took {} bytes of heap at its peak",
        HEAP.peak() - before
    );
    Ok(())
}

/// binary-trees (`tests/fixtures/gc/binary-trees.wat`): structs allocated and collected
/// under a heap budget fixed before anything runs; past it, a clean "out of memory"
/// trap, and the store goes on.
#[cfg(feature = "gc")]
fn garbage_collected_under_a_budget() -> Outcome {
    let mut c = config();
    c.gc_heap_limit(24 * 1024);
    let engine = Engine::new(&c);
    let module = image(&engine, TREES)?;
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(err)?;
    let run = inst
        .get_typed_func::<i32, i32>(&store, "run")
        .map_err(err)?;
    // Depth 6: 4,398 nodes allocated in all, at most a few hundred live at once.
    let r = run.call(&mut store, 6).map_err(err)?;
    ensure!(r == 4398, "run(6) = {r}");
    let s = store.heap_stats();
    ensure!(s.peak_bytes <= 24 * 1024, "{s:?}");
    ensure!(s.allocated_bytes > 4 * s.peak_bytes as u64, "{s:?}");
    // Depth 10 keeps 4,095 nodes alive at once: far more than 24 KiB.
    let e = run.call(&mut store, 10).err().ok_or("depth 10 fitted")?;
    ensure!(e.trap_code() == Some(TrapCode::OutOfMemory), "{e}");
    let r = run.call(&mut store, 6).map_err(err)?;
    ensure!(r == 4398, "run(6) after the trap = {r}");
    println!(
        "  {} bytes allocated and collected within a heap of at most {} bytes",
        s.allocated_bytes, s.peak_bytes
    );
    Ok(())
}

/// Every relaxed SIMD instruction on inputs where engines may differ
/// (`wat/relaxed.wat`) stores the same bytes here as on the host (`build.rs` ran it
/// there), whose results the host's tests check exactly on both dispatch backends.
#[cfg(feature = "simd")]
fn relaxed_simd_as_on_the_host() -> Outcome {
    let engine = Engine::new(&config());
    let module = image(&engine, RELAXED)?;
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .map_err(err)?;
    let run = inst.get_typed_func::<(), ()>(&store, "run").map_err(err)?;
    run.call(&mut store, ()).map_err(err)?;
    let memory = inst.get_memory(&store, "memory").ok_or("no memory")?;
    let mut got = [0u8; 320];
    memory.read(&mut store, 0, &mut got).map_err(err)?;
    for (i, (a, b)) in got.chunks(16).zip(RELAXED_EXPECTED.chunks(16)).enumerate() {
        ensure!(
            a == b,
            "result {i}: {a:02x?} on the device, {b:02x?} on the host"
        );
    }
    ensure!(
        RELAXED_EXPECTED.len() == got.len(),
        "expected bytes missing"
    );
    println!("  20 relaxed SIMD results as on the host");
    Ok(())
}

#[entry]
fn main() -> ! {
    // The Cortex-M0 board has 16 KiB of RAM in all.
    #[cfg(feature = "full")]
    init_heap!(64 * 1024);
    #[cfg(not(feature = "full"))]
    init_heap!(7 * 1024);
    wisp_firmware::run(&[
        ("fib_image_from_flash", fib_image_from_flash),
        ("fib_image_copied", fib_image_copied),
        (
            "the_application_hands_over_all_memory",
            the_application_hands_over_all_memory,
        ),
        (
            "host_functions_and_lent_memory",
            host_functions_and_lent_memory,
        ),
        (
            "traps_leave_the_firmware_running",
            traps_leave_the_firmware_running,
        ),
        (
            "fuel_runs_out_and_the_call_resumes",
            fuel_runs_out_and_the_call_resumes,
        ),
    ]);
    #[cfg(feature = "wasi")]
    wisp_firmware::run(&[("wasi_hello_world", wasi_hello_world)]);
    #[cfg(feature = "full")]
    wisp_firmware::run(&[("fib_decoded_on_the_device", fib_decoded_on_the_device)]);
    #[cfg(feature = "simd")]
    wisp_firmware::run(&[("relaxed_simd_as_on_the_host", relaxed_simd_as_on_the_host)]);
    #[cfg(feature = "gc")]
    wisp_firmware::run(&[(
        "garbage_collected_under_a_budget",
        garbage_collected_under_a_budget,
    )]);
    #[cfg(all(feature = "full", feature = "paged"))]
    wisp_firmware::run(&[(
        "paged_memory_on_a_block_device",
        paged_memory_on_a_block_device,
    )]);
    println!("heap peak: {} of {} bytes", HEAP.peak(), HEAP.capacity());
    wisp_firmware::finish()
}
