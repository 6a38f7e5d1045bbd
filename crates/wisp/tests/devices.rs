//! What small devices need from the API: memory in a buffer the host lent, pages
//! smaller than 64 KiB, and calls that pause when fuel runs out and resume later.

mod common;
use common::{instantiate, wat};
use wisp::{
    Config, Engine, Features, Linker, MemoryBackend, Module, ResumableCall, Store, TrapCode, Val,
};

const COUNTER: &str = r#"(module
  (memory (export "mem") 1)
  (data (i32.const 16) "wisp")
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

/// An engine whose stacks hold `values` cells and `depth` calls.
fn engine_with_stacks(values: usize, depth: usize) -> Engine {
    let mut config = Config::new();
    config.max_stack_values(values).max_call_depth(depth);
    Engine::new(&config)
}

/// `module` instantiated in `store`, with no imports.
fn link(engine: &Engine, store: &mut Store<()>, module: &Module) -> wisp::Instance {
    Linker::new(engine).instantiate(store, module).unwrap()
}

fn leak(bytes: usize) -> &'static mut [u8] {
    Box::leak(vec![0xAAu8; bytes].into_boxed_slice())
}

#[test]
fn memory_lives_in_a_host_buffer_and_grows_up_to_its_end() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(COUNTER)).unwrap();
    let mut store = Store::new(&engine, ());
    // Two pages' worth, filled with garbage that the memory must not show.
    let buf = leak(2 * 65536);
    let base = buf.as_ptr() as usize;
    let mut lent = Some(buf);
    store.set_memory_provider(move |_| lent.take().map(MemoryBackend::host));
    let inst = link(&engine, &mut store, &module);
    let mem = inst.get_memory(&store, "mem").unwrap();
    assert_eq!(mem.data(&store).as_ptr() as usize, base, "no copy");
    let peek = inst.get_typed_func::<i32, i32>(&store, "peek").unwrap();
    let poke = inst
        .get_typed_func::<(i32, i32), ()>(&store, "poke")
        .unwrap();
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(peek.call(&mut store, 16).unwrap(), b'w' as i32);
    assert_eq!(peek.call(&mut store, 100).unwrap(), 0, "zeroed");
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);
    assert_eq!(
        peek.call(&mut store, 65536 + 5).unwrap(),
        0,
        "grown part zeroed"
    );
    poke.call(&mut store, (65536 + 5, 7)).unwrap();
    assert_eq!(peek.call(&mut store, 65536 + 5).unwrap(), 7);
    // The buffer is full: growth fails as the spec allows, with -1.
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let err = peek.call(&mut store, 2 * 65536).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
}

#[test]
fn a_buffer_too_small_fails_at_instantiation_with_the_sizes() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(COUNTER)).unwrap();
    let mut store = Store::new(&engine, ());
    let mut lent = Some(leak(4096));
    store.set_memory_provider(move |_| lent.take().map(MemoryBackend::host));
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("memory 0"), "{msg}");
    assert!(msg.contains("65536 bytes"), "{msg}");
    assert!(msg.contains("holds only 4096 bytes"), "{msg}");
}

#[test]
fn one_byte_pages_fit_a_memory_in_a_few_hundred_bytes() {
    let text = r#"(module
      (memory (export "mem") 300 1000 (pagesize 1))
      (func (export "size") (result i32) (memory.size))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"#;
    let mut config = Config::new();
    config.features(Features::default().with_custom_page_sizes(true));
    let engine = Engine::new(&config);
    let bytes = wat(text);
    let module = Module::new(&engine, &bytes).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = link(&engine, &mut store, &module);
    let size = inst.get_typed_func::<(), i32>(&store, "size").unwrap();
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    let load = inst.get_typed_func::<i32, i32>(&store, "load").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 300);
    assert_eq!(load.call(&mut store, 296).unwrap(), 0);
    let err = load.call(&mut store, 297).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::MemoryOutOfBounds));
    assert_eq!(grow.call(&mut store, 4).unwrap(), 300);
    assert_eq!(load.call(&mut store, 300).unwrap(), 0);
    assert_eq!(grow.call(&mut store, 700).unwrap(), -1, "past the maximum");
    let mem = inst.get_memory(&store, "mem").unwrap();
    assert_eq!(mem.data(&store).len(), 304);

    // Without the feature, the page size is rejected.
    let err = Module::new(&Engine::default(), &bytes).err().unwrap();
    assert!(err.to_string().contains("page size"), "{err}");
}

const FIB: &str = r#"(module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;

#[test]
fn a_call_pauses_when_fuel_runs_out_and_resumes_with_more() {
    let mut config = Config::new();
    config.consume_fuel(true);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat(FIB)).unwrap();
    let mut store = Store::new(&engine, ());
    let inst = link(&engine, &mut store, &module);
    let fib = inst.get_func(&store, "fib").unwrap();
    store.set_fuel(5_000).unwrap();
    let mut out = [Val::I32(0)];
    let mut call = fib
        .call_resumable(&mut store, &[Val::I32(20)], &mut out)
        .unwrap();
    let mut slices = 1;
    loop {
        match call {
            ResumableCall::Finished => break,
            ResumableCall::OutOfFuel(paused) => {
                // Another call runs on the same store while this one waits.
                let mut other = [Val::I32(0)];
                store.set_fuel(1_000).unwrap();
                fib.call(&mut store, &[Val::I32(5)], &mut other).unwrap();
                assert_eq!(other[0], Val::I32(5));
                store.set_fuel(5_000).unwrap();
                slices += 1;
                call = paused.resume(&mut store, &mut out).unwrap();
            }
            ResumableCall::HostTrap(t) => panic!("no host function here: {}", t.host_error()),
        }
    }
    assert_eq!(out[0], Val::I32(6765));
    assert!(slices > 10, "fib(20) takes many slices of 5,000: {slices}");

    // Without fuel the call runs to its end (only a failing host function pauses it).
    let (mut none, inst2) = instantiate(&Config::new(), FIB);
    let f2 = inst2.get_func(&none, "fib").unwrap();
    let call = f2
        .call_resumable(&mut none, &[Val::I32(20)], &mut out)
        .unwrap();
    assert!(matches!(call, ResumableCall::Finished));
    assert_eq!(out[0], Val::I32(6765));
}

#[test]
fn an_image_runs_like_its_module_and_damage_is_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(FIB)).unwrap();
    let image = module.to_image().unwrap();
    // SAFETY: written just above by this build.
    let loaded = unsafe { Module::from_image(&engine, &image) }.unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &loaded)
        .unwrap();
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);

    // Every truncation and every single-byte change is refused with an error.
    for len in 0..image.len() {
        // SAFETY: damaged images must be refused before any code runs.
        assert!(unsafe { Module::from_image(&engine, &image[..len]) }.is_err());
    }
    for at in 0..image.len() {
        let mut bad = image.clone();
        bad[at] ^= 0x40;
        let err = unsafe { Module::from_image(&engine, &bad) }.err().unwrap();
        assert!(err.to_string().contains("image"), "{err}");
        assert!(
            matches!(
                err,
                wisp::Error::Compile {
                    kind: wisp::CompileErrorKind::Image,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    // Fuel metering must match the engine's.
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    let err = unsafe { Module::from_image(&Engine::new(&fuel), &image) }
        .err()
        .unwrap();
    assert!(err.to_string().contains("fuel"), "{err}");
}

#[test]
fn a_ram_budget_refuses_an_instance_that_does_not_fit_and_caps_growth() {
    let engine = engine_with_stacks(1024, 100);
    let module = Module::new(&engine, wat(COUNTER)).unwrap();
    let mut store = Store::new(&engine, ());
    // One page, the stacks, and a little over half a page more.
    store.set_ram_budget(65536 + 8192 + 4000 + 40_000);
    let inst = link(&engine, &mut store, &module);
    let (used, limit) = store.ram_budget().unwrap();
    assert!(used > 65536 && used < limit, "{used} of {limit}");
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(
        grow.call(&mut store, 1).unwrap(),
        -1,
        "a page is more than is left"
    );

    // A second instance needs another page: refused before anything is allocated.
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("needs") && err.contains("65536 for memories"),
        "{err}"
    );
    assert_eq!(
        store.ram_budget().unwrap().0,
        used,
        "nothing charged for it"
    );
    // The first instance still runs.
    let peek = inst.get_typed_func::<i32, i32>(&store, "peek").unwrap();
    assert_eq!(peek.call(&mut store, 16).unwrap(), b'w' as i32);
}

/// Storage read a piece at a time, that counts how much it was asked for.
struct Flash<'a>(&'a [u8], std::cell::Cell<usize>);

impl wisp::ByteSource for Flash<'_> {
    fn size(&self) -> usize {
        self.0.len()
    }
    fn read(&self, offset: usize, buf: &mut [u8]) {
        buf.copy_from_slice(&self.0[offset..offset + buf.len()]);
        self.1.set(self.1.get() + buf.len());
    }
}

#[test]
fn an_image_loads_through_a_byte_source() {
    let engine = Engine::default();
    let image = Module::new(&engine, wat(FIB)).unwrap().to_image().unwrap();
    let flash = Flash(&image, std::cell::Cell::new(0));
    // SAFETY: written just above by this build.
    let module = unsafe { Module::from_image_source(&engine, &flash) }.unwrap();
    // The checksum pass and the parse each read the image once.
    assert!(
        flash.1.get() <= 2 * image.len(),
        "{} bytes read",
        flash.1.get()
    );
    let mut store = Store::new(&engine, ());
    let inst = link(&engine, &mut store, &module);
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
    // Damage is found through a source too.
    let mut bad = image.clone();
    bad[image.len() / 2] ^= 1;
    let flash = Flash(&bad, std::cell::Cell::new(0));
    assert!(unsafe { Module::from_image_source(&engine, &flash) }.is_err());
}

/// `bytes` copied into a block that lives for the program and is 8-byte aligned, as an
/// image in flash would be placed; `skew` bytes in, to misplace it on purpose.
fn leak_aligned(bytes: &[u8], skew: usize) -> &'static [u8] {
    let words: &'static mut [u64] = vec![0u64; (bytes.len() + skew).div_ceil(8)].leak();
    // SAFETY (test): the words' own bytes, which live for the program.
    let all =
        unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 8) };
    all[skew..skew + bytes.len()].copy_from_slice(bytes);
    &all[skew..skew + bytes.len()]
}

#[test]
fn an_image_runs_in_place() {
    let engine = Engine::default();
    let image = Module::new(&engine, wat(FIB)).unwrap().to_image().unwrap();
    let placed = leak_aligned(&image, 0);
    // SAFETY: written just above by this build.
    let module = unsafe { Module::from_image_in_place(&engine, placed) }.unwrap();
    let mut store = Store::new(&engine, ());
    let inst = link(&engine, &mut store, &module);
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);

    // Misplaced, it is refused with the reason; a copy still loads it.
    let skewed = leak_aligned(&image, 4);
    let err = unsafe { Module::from_image_in_place(&engine, skewed) }
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("8-byte aligned"), "{err}");
    assert!(unsafe { Module::from_image(&engine, skewed) }.is_ok());
    // Damage is refused in place as in a copy.
    let mut bad = image.clone();
    bad[image.len() / 2] ^= 1;
    assert!(unsafe { Module::from_image_in_place(&engine, leak_aligned(&bad, 0)) }.is_err());
}

/// A `br_table` whose entries hold their targets' discriminants (`BrTableTarget`): an
/// image keeps them, in place and copied.
#[test]
fn an_image_with_a_branch_table_runs_in_place_and_copied() {
    const SWITCH: &str = r#"(module
      (func (export "switch") (param i32) (result i32)
        (block $d (block $c (block $b (block $a
          (br_table $a $b $c $d (local.get 0)))
          (return (i32.const 10)))
          (return (i32.add (local.get 0) (i32.const 20))))
          (return (i32.mul (local.get 0) (i32.const 30))))
        (i32.const -1)))"#;
    let engine = Engine::default();
    let image = Module::new(&engine, wat(SWITCH))
        .unwrap()
        .to_image()
        .unwrap();
    let placed = leak_aligned(&image, 0);
    // SAFETY: written just above by this build.
    let in_place = unsafe { Module::from_image_in_place(&engine, placed) }.unwrap();
    // SAFETY: as above.
    let copied = unsafe { Module::from_image(&engine, &image) }.unwrap();
    for module in [in_place, copied] {
        let mut store = Store::new(&engine, ());
        let inst = link(&engine, &mut store, &module);
        let switch = inst.get_typed_func::<i32, i32>(&store, "switch").unwrap();
        let got: Vec<i32> = (0..6)
            .map(|i| switch.call(&mut store, i).unwrap())
            .collect();
        assert_eq!(got, [10, 21, 60, -1, -1, -1]);
    }
}

/// Paged storage standing in for a block device: its pages are not the heap's, and it
/// says it keeps a 2 KiB cache in RAM.
#[cfg(feature = "paged-memory")]
struct Device(Vec<u8>, usize);

#[cfg(feature = "paged-memory")]
impl wisp::PagedMemory for Device {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }
    fn grow(&mut self, new_size: u64) -> Result<(), wisp::GrowError> {
        if new_size as usize > self.1 {
            return Err(wisp::GrowError::Limit);
        }
        self.0.resize(new_size as usize, 0);
        Ok(())
    }
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), wisp::AccessError> {
        buf.copy_from_slice(&self.0[addr as usize..addr as usize + buf.len()]);
        Ok(())
    }
    fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), wisp::AccessError> {
        self.0[addr as usize..addr as usize + buf.len()].copy_from_slice(buf);
        Ok(())
    }
    fn ram_bytes(&self) -> usize {
        2048
    }
}

#[cfg(feature = "paged-memory")]
#[test]
fn a_ram_budget_charges_paged_memory_its_cache_and_lets_it_grow_on_its_device() {
    let engine = engine_with_stacks(1024, 100);
    let module = Module::new(&engine, wat(COUNTER)).unwrap();
    let budget = 8192 + 4000 + 20_000;
    // On the heap, a page does not fit the budget.
    let mut store = Store::new(&engine, ());
    store.set_ram_budget(budget);
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err()
        .to_string();
    assert!(err.contains("65536 for memories"), "{err}");
    // Paged, the memory costs its cache, and grows as far as the device holds.
    let mut store = Store::new(&engine, ());
    store.set_ram_budget(budget);
    store.set_memory_provider(|_| {
        Some(MemoryBackend::Paged(Box::new(Device(
            Vec::new(),
            3 * 65536,
        ))))
    });
    let inst = link(&engine, &mut store, &module);
    let (used, _) = store.ram_budget().unwrap();
    assert!((2048..20_000).contains(&used), "charged {used}");
    let peek = inst.get_typed_func::<i32, i32>(&store, "peek").unwrap();
    assert_eq!(peek.call(&mut store, 16).unwrap(), b'w' as i32);
    let grow = inst.get_typed_func::<i32, i32>(&store, "grow").unwrap();
    assert_eq!(
        grow.call(&mut store, 2).unwrap(),
        1,
        "to the device's three pages"
    );
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1, "past the device");
    assert_eq!(
        store.ram_budget().unwrap().0,
        used,
        "growth on the device is free"
    );
    // The provider is still the store's for the next instance.
    assert!(Linker::new(&engine)
        .instantiate(&mut store, &module)
        .is_ok());
}

#[test]
fn stacks_in_a_lent_buffer_run_calls_and_trap_past_its_end() {
    let engine = engine_with_stacks(4096, 1000);
    let module = Module::new(&engine, wat(FIB)).unwrap();
    let mut store = Store::new(&engine, ());
    // Room for about a tenth of the limits: they shrink to what it holds.
    store.lend_stacks(leak(4096)).unwrap();
    let before = store.ram_budget();
    let inst = link(&engine, &mut store, &module);
    let fib = inst.get_typed_func::<i32, i32>(&store, "fib").unwrap();
    assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
    // fib(n) nests n calls: past what the buffer holds it traps, and the store goes on.
    let err = fib.call(&mut store, 200).unwrap_err();
    assert_eq!(err.trap_code(), Some(TrapCode::StackOverflow), "{err}");
    assert_eq!(fib.call(&mut store, 15).unwrap(), 610);
    assert_eq!(before, None);
    // A budget does not charge lent stacks.
    let mut store = Store::new(&engine, ());
    store.lend_stacks(leak(4096)).unwrap();
    store.set_ram_budget(1000);
    Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    assert!(store.ram_budget().unwrap().0 < 1000);
    // Too small for a cell and a frame: refused.
    let mut store = Store::new(&engine, ());
    assert!(store.lend_stacks(leak(8)).is_err());
}
