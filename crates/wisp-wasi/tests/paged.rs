//! WASI over a paged memory: the program's memory has no slice in RAM
//! (`Memory::data` is empty), so every pointer a preview1 function takes must be read and
//! written through `Memory::read` and `Memory::write`. Before that, every such call was
//! `EFAULT` and `hello.wasm` printed nothing.

mod guest;

use guest::Pipe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use wisp::{
    AccessError, Engine, Error, GrowError, Linker, MemoryBackend, Module, PagedMemory, Store,
};
use wisp_wasi::WasiCtx;

const HELLO: &[u8] = include_bytes!("../../../examples/hello.wasm");

/// Paged memory over a vector; counts its accesses, to show that they went this way.
struct VecPages {
    bytes: Vec<u8>,
    accesses: Arc<AtomicU64>,
}

impl PagedMemory for VecPages {
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn grow(&mut self, new_size: u64) -> Result<(), GrowError> {
        let n = usize::try_from(new_size).map_err(|_| GrowError::OutOfMemory)?;
        self.bytes.resize(n, 0);
        Ok(())
    }
    fn read(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), AccessError> {
        self.accesses.fetch_add(1, Ordering::Relaxed);
        let a = addr as usize;
        buf.copy_from_slice(&self.bytes[a..a + buf.len()]);
        Ok(())
    }
    fn write(&mut self, addr: u64, buf: &[u8]) -> Result<(), AccessError> {
        self.accesses.fetch_add(1, Ordering::Relaxed);
        let a = addr as usize;
        self.bytes[a..a + buf.len()].copy_from_slice(buf);
        Ok(())
    }
}

/// Runs `hello.wasm` with its memory paged; its exit and what it wrote to stdout.
fn run_paged(args: &[&str], stdin: &[u8]) -> (Result<(), Error>, String, u64) {
    let out = Pipe::default();
    let ctx = WasiCtx::builder()
        .arg("hello")
        .args(args.iter().copied())
        .env("GREET", "pages")
        .stdin(Pipe::with_input(stdin))
        .stdout(out.clone())
        .build();
    let engine = Engine::default();
    let module = Module::new(&engine, HELLO).unwrap();
    let mut store = Store::new(&engine, ctx);
    let accesses = Arc::new(AtomicU64::new(0));
    let counter = accesses.clone();
    store.set_memory_provider(move |_| {
        Some(MemoryBackend::Paged(Box::new(VecPages {
            bytes: Vec::new(),
            accesses: counter.clone(),
        })))
    });
    let mut linker = Linker::new(&engine);
    wisp_wasi::add_to_linker(&mut linker, |c: &mut WasiCtx| c).unwrap();
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let memory = inst.get_memory(&store, "memory").unwrap();
    assert!(memory.data(&store).is_empty(), "the memory must be paged");
    let start = inst.get_func(&store, "_start").unwrap();
    let r = start.call(&mut store, &[], &mut []);
    (r, out.text(), accesses.load(Ordering::Relaxed))
}

#[test]
fn hello_runs_over_paged_memory() {
    let (r, text, accesses) = run_paged(&["one", "two", "--stdin"], b"from the pages\n");
    r.unwrap();
    assert_eq!(
        text,
        "Hello from WebAssembly, running on Wisp!\n\
         args: one two --stdin\n\
         greetings, pages\n\
         stdin had 15 bytes: from the pages\n"
    );
    assert!(accesses > 0);
}

#[test]
fn hello_exit_status_over_paged_memory() {
    let (r, text, _) = run_paged(&["--exit", "3"], b"");
    assert!(matches!(r, Err(Error::Exit(3))), "{r:?}");
    assert!(text.starts_with("Hello from WebAssembly"), "{text}");
}
