//! The harness shared by Wisp's on-target tests and reference firmware: a heap over
//! static RAM, output over semihosting, pass and fail counts, and the exit status QEMU
//! returns to `cargo test`.
#![no_std]
extern crate alloc;

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
use cortex_m_semihosting::{debug, hprintln};
use wisp_embedded::BufferAllocator;

pub use cortex_m_semihosting::hprintln as println;

#[global_allocator]
pub static HEAP: BufferAllocator = BufferAllocator::new();

/// Gives the allocator `N` bytes of static RAM; call first thing.
#[macro_export]
macro_rules! init_heap {
    ($bytes:expr) => {
        $crate::HEAP.init(wisp_embedded::static_buffer!($bytes).expect("heap taken twice"))
    };
}

// Load and store, not `fetch_add`: Cortex-M0 has no atomic read-modify-write.
static PASSED: AtomicU32 = AtomicU32::new(0);
static FAILED: AtomicU32 = AtomicU32::new(0);

fn bump(c: &AtomicU32) {
    c.store(c.load(Relaxed) + 1, Relaxed)
}

/// One test: `Err` says what went wrong.
pub type Case = fn() -> Result<(), alloc::string::String>;

/// Runs each case and prints `test NAME ... ok` or the reason it failed.
pub fn run(cases: &[(&str, Case)]) {
    for &(name, case) in cases {
        match case() {
            Ok(()) => {
                bump(&PASSED);
                hprintln!("test {} ... ok", name);
            }
            Err(why) => {
                bump(&FAILED);
                hprintln!("test {} ... FAILED: {}", name, why);
            }
        }
    }
}

/// Prints the totals and ends the emulation: exit status 0 when nothing failed.
pub fn finish() -> ! {
    let (p, f) = (PASSED.load(Relaxed), FAILED.load(Relaxed));
    hprintln!("{} passed, {} failed", p, f);
    exit(f == 0)
}

pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    bump(&FAILED);
    finish()
}

/// Fails with a message unless `cond`.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)*) => {
        if !$cond {
            return Err(alloc::format!($($msg)*));
        }
    };
}
