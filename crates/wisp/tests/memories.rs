//! Several memories and 64-bit memories through the API: a sparse 64-bit memory paged
//! from a file, written and read past 4 GiB (with the `file-memory` feature, which the
//! CLI turns on in the workspace); copies between two memories; 64-bit tables.

mod common;

#[cfg(feature = "file-memory")]
use common::wat;
#[cfg(feature = "file-memory")]
use std::fs::File;
use wisp::{Config, TrapCode};
#[cfg(feature = "file-memory")]
use wisp::{Engine, FileMemory, Linker, MemoryBackend, Module, Store};

#[cfg(feature = "file-memory")]
const GIB: u64 = 1 << 30;

#[cfg(feature = "file-memory")]
/// A file in the temporary directory, removed from it at once: it lives as long as the
/// handle.
fn temp_file(name: &str) -> File {
    let path = std::env::temp_dir().join(format!("wisp-{name}-{}", std::process::id()));
    let f = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    f
}

#[cfg(feature = "file-memory")]
const MEMORY64: &str = r#"
    (module
      (memory (export "memory") i64 1)
      (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "size") (result i64) (memory.size))
      (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
      (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
      ;; A static offset above 4 GiB.
      (func (export "load_far") (param i64) (result i64)
        (i64.load offset=0x100000010 (local.get 0)))
      (func (export "fill") (param i64 i32 i64)
        (memory.fill (local.get 0) (local.get 1) (local.get 2))))
"#;

#[cfg(feature = "file-memory")]
#[test]
fn a_sparse_64_bit_memory_paged_from_a_file_holds_data_past_4_gib() {
    let mut config = Config::new();
    // 64 GiB of 64 KiB pages: the host allows a memory past 4 GiB.
    config.max_memory_pages(1 << 20);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, wat(MEMORY64)).unwrap();
    let mut store = Store::new(&engine, ());
    let file = temp_file("memory64");
    let probe = file.try_clone().unwrap();
    store.set_memory_provider(move |ty| {
        assert!(ty.memory64);
        let f = file.try_clone().ok()?;
        let m = FileMemory::new(f, 256 << 10).ok()?;
        Some(MemoryBackend::Paged(Box::new(m)))
    });
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let call = |store: &mut Store<()>, name: &str, args: (i64, i64)| -> Result<i64, wisp::Error> {
        match name {
            "grow" => inst
                .get_typed_func::<i64, i64>(&mut *store, name)?
                .call(store, args.0),
            "size" => inst
                .get_typed_func::<(), i64>(&mut *store, name)?
                .call(store, ()),
            "load" | "load_far" => inst
                .get_typed_func::<i64, i64>(&mut *store, name)?
                .call(store, args.0),
            "store" => inst
                .get_typed_func::<(i64, i64), ()>(&mut *store, name)?
                .call(store, args)
                .map(|()| 0),
            _ => unreachable!(),
        }
    };
    // Six GiB: more than a 32-bit memory can address.
    let pages = (6 * GIB) >> 16;
    assert_eq!(call(&mut store, "grow", (pages as i64 - 1, 0)).unwrap(), 1);
    assert_eq!(call(&mut store, "size", (0, 0)).unwrap(), pages as i64);
    let memory = inst.get_memory(&store, "memory").unwrap();
    assert!(memory.is_paged(&store));
    assert_eq!(memory.size(&store), pages);

    let far = 5 * GIB + 12_345;
    call(&mut store, "store", (far as i64, 0x0123_4567_89ab_cdef)).unwrap();
    call(&mut store, "store", (4096, -2)).unwrap();
    assert_eq!(
        call(&mut store, "load", (far as i64, 0)).unwrap(),
        0x0123_4567_89ab_cdef
    );
    assert_eq!(call(&mut store, "load", (4096, 0)).unwrap(), -2);
    // Untouched bytes far out read as zero.
    assert_eq!(
        call(&mut store, "load", (6 * GIB as i64 - 8, 0)).unwrap(),
        0
    );
    // The same bytes through the API, and the API's writes seen by the program.
    let mut b = [0u8; 8];
    memory.read(&mut store, far, &mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 0x0123_4567_89ab_cdef);
    memory
        .write(&mut store, 4 * GIB + 16 + 100, &7u64.to_le_bytes())
        .unwrap();
    assert_eq!(call(&mut store, "load_far", (100, 0)).unwrap(), 7);
    // A fill of 3 MiB past 4 GiB goes through the backend in pieces.
    inst.get_typed_func::<(i64, i32, i64), ()>(&store, "fill")
        .unwrap()
        .call(&mut store, (4 * GIB as i64 + 1000, 0x5a, 3 << 20))
        .unwrap();
    memory
        .read(&mut store, 4 * GIB + 1000 + (3 << 20) - 4, &mut b)
        .unwrap();
    assert_eq!(b, [0x5a, 0x5a, 0x5a, 0x5a, 0, 0, 0, 0]);

    // Exact bounds at the end, and at the edge of 2^64 (no wrap).
    let end = (6 * GIB) as i64;
    assert_eq!(
        call(&mut store, "load", (end - 7, 0))
            .unwrap_err()
            .trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        call(&mut store, "load", (-1, 0)).unwrap_err().trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    // Address plus offset is 2^64: out of bounds, not address 0.
    assert_eq!(
        call(&mut store, "load_far", (-0x100000010, 0))
            .unwrap_err()
            .trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        call(&mut store, "load_far", (-0x10, 0))
            .unwrap_err()
            .trap_code(),
        Some(TrapCode::MemoryOutOfBounds)
    );
    // Growing past what the host allows fails with -1 and leaves the memory as it was.
    assert_eq!(call(&mut store, "grow", (1 << 20, 0)).unwrap(), -1);
    assert_eq!(call(&mut store, "size", (0, 0)).unwrap(), pages as i64);

    // The file is as long as the memory but sparse: the few pages written take disk,
    // the rest none.
    drop(store);
    let meta = probe.metadata().unwrap();
    assert_eq!(meta.len(), 6 * GIB);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert!(
            meta.blocks() * 512 < 64 << 20,
            "{} bytes on disk",
            meta.blocks() * 512
        );
    }
}

#[test]
fn two_memories_copy_between_them_and_keep_their_own_bounds() {
    let (mut store, inst) = common::instantiate(
        &Config::new(),
        r#"
        (module
          (memory $small (export "small") 1)
          (memory $big (export "big") i64 2 4)
          (data (memory $small) (i32.const 10) "hello")
          (data (memory $big) (i64.const 70000) "world")
          ;; The length is an i32: one of the two memories is 32-bit.
          (func (export "copy_to_big") (param i64 i32 i32)
            (memory.copy $big $small (local.get 0) (local.get 1) (local.get 2)))
          (func (export "copy_to_small") (param i32 i64 i32)
            (memory.copy $small $big (local.get 0) (local.get 1) (local.get 2)))
          (func (export "load_small") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
          (func (export "load_big") (param i64) (result i32) (i32.load8_u $big (local.get 0)))
          (func (export "grow_big") (param i64) (result i64) (memory.grow $big (local.get 0)))
          (func (export "sizes") (result i32 i64) (memory.size $small) (memory.size $big)))
        "#,
    );
    let copy_to_big = inst
        .get_typed_func::<(i64, i32, i32), ()>(&store, "copy_to_big")
        .unwrap();
    let copy_to_small = inst
        .get_typed_func::<(i32, i64, i32), ()>(&store, "copy_to_small")
        .unwrap();
    let load_small = inst
        .get_typed_func::<i32, i32>(&store, "load_small")
        .unwrap();
    let load_big = inst.get_typed_func::<i64, i32>(&store, "load_big").unwrap();
    copy_to_big.call(&mut store, (100_000, 10, 5)).unwrap();
    copy_to_small.call(&mut store, (20, 70_000, 5)).unwrap();
    let big = inst.get_memory(&store, "big").unwrap();
    let small = inst.get_memory(&store, "small").unwrap();
    let mut b = [0u8; 5];
    big.read(&mut store, 100_000, &mut b).unwrap();
    assert_eq!(&b, b"hello");
    small.read(&mut store, 20, &mut b).unwrap();
    assert_eq!(&b, b"world");
    assert_eq!(load_small.call(&mut store, 24).unwrap(), b'd' as i32);
    assert_eq!(load_big.call(&mut store, 100_004).unwrap(), b'o' as i32);
    // Each memory's own bounds: 64 KiB for the small one, 128 KiB for the big one.
    let oob = Some(TrapCode::MemoryOutOfBounds);
    assert_eq!(
        load_small.call(&mut store, 65_536).unwrap_err().trap_code(),
        oob
    );
    assert_eq!(load_big.call(&mut store, 131_071).unwrap(), 0);
    assert_eq!(
        load_big.call(&mut store, 131_072).unwrap_err().trap_code(),
        oob
    );
    // A copy out of bounds of either memory traps and copies nothing.
    let e = copy_to_big.call(&mut store, (131_070, 10, 5)).unwrap_err();
    assert_eq!(e.trap_code(), oob);
    let e = copy_to_small
        .call(&mut store, (65_534, 70_000, 5))
        .unwrap_err();
    assert_eq!(e.trap_code(), oob);
    assert_eq!(load_small.call(&mut store, 65_534).unwrap(), 0);
    // Growing the second memory leaves the first alone; past its maximum, -1.
    let grow_big = inst.get_typed_func::<i64, i64>(&store, "grow_big").unwrap();
    assert_eq!(grow_big.call(&mut store, 2).unwrap(), 2);
    assert_eq!(grow_big.call(&mut store, 1).unwrap(), -1);
    let sizes = inst
        .get_typed_func::<(), (i32, i64)>(&store, "sizes")
        .unwrap();
    assert_eq!(sizes.call(&mut store, ()).unwrap(), (1, 4));
    assert_eq!(load_big.call(&mut store, 100_000).unwrap(), b'h' as i32);
    assert_eq!(load_small.call(&mut store, 10).unwrap(), b'h' as i32);
}

#[test]
fn a_64_bit_table_takes_i64_indices_and_fails_with_i64_minus_one() {
    let (mut store, inst) = common::instantiate(
        &Config::new(),
        r#"
        (module
          (type $f (func (result i32)))
          (table $t i64 2 funcref)
          (elem (table $t) (i64.const 1) func $seven)
          (func $seven (result i32) (i32.const 7))
          (func (export "call") (param i64) (result i32)
            (call_indirect $t (type $f) (local.get 0)))
          (func (export "grow") (param i64) (result i64)
            (table.grow $t (ref.null func) (local.get 0)))
          (func (export "size") (result i64) (table.size $t))
          (func (export "is_null") (param i64) (result i32)
            (ref.is_null (table.get $t (local.get 0)))))
        "#,
    );
    let call = inst.get_typed_func::<i64, i32>(&store, "call").unwrap();
    assert_eq!(call.call(&mut store, 1).unwrap(), 7);
    assert_eq!(
        call.call(&mut store, 0).unwrap_err().trap_code(),
        Some(TrapCode::UninitializedElement)
    );
    // Indices past 32 bits are out of bounds ("undefined element"), not cut to a small
    // one.
    for i in [2, 1 << 32, (1 << 32) + 1, -1] {
        assert_eq!(
            call.call(&mut store, i).unwrap_err().trap_code(),
            Some(TrapCode::UndefinedElement),
            "{i}"
        );
    }
    let is_null = inst.get_typed_func::<i64, i32>(&store, "is_null").unwrap();
    assert_eq!(is_null.call(&mut store, 1).unwrap(), 0);
    assert_eq!(
        is_null
            .call(&mut store, (1 << 32) + 1)
            .unwrap_err()
            .trap_code(),
        Some(TrapCode::TableOutOfBounds)
    );
    let grow = inst.get_typed_func::<i64, i64>(&store, "grow").unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 2);
    assert_eq!(grow.call(&mut store, 1 << 40).unwrap(), -1);
    let size = inst.get_typed_func::<(), i64>(&store, "size").unwrap();
    assert_eq!(size.call(&mut store, ()).unwrap(), 5);
}

/// A 32-bit memory 0 from a file takes the fast loads and stores: with their paged path
/// (`paged-memory`, which another crate of the workspace may have turned on) it runs;
/// without, instantiation says why it cannot, and no access traps for a memory that is
/// there.
#[cfg(feature = "file-memory")]
#[test]
fn a_paged_32_bit_memory_0_runs_or_is_refused_at_instantiation() {
    let engine = Engine::default();
    let module = Module::new(
        &engine,
        wat(r#"(module (memory (export "m") 1)
              (func (export "rw") (result i32)
                (i32.store (i32.const 65532) (i32.const 7)) (i32.load (i32.const 65532))))"#),
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let file = temp_file("memory0");
    store.set_memory_provider(move |_| {
        let m = FileMemory::new(file.try_clone().ok()?, 1 << 16).ok()?;
        Some(MemoryBackend::Paged(Box::new(m)))
    });
    match Linker::new(&engine).instantiate(&mut store, &module) {
        Ok(inst) => {
            let rw = inst.get_typed_func::<(), i32>(&store, "rw").unwrap();
            assert_eq!(rw.call(&mut store, ()).unwrap(), 7);
        }
        Err(e) => assert!(e.to_string().contains("paged-memory"), "{e}"),
    }
}
