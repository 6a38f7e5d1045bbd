//! The harness shared by Wisp's on-target tests and reference firmware: a heap over
//! static RAM, output over semihosting, pass and fail counts, and the exit status QEMU
//! returns to `cargo test`.
#![no_std]
extern crate alloc;

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};
#[cfg(target_arch = "arm")]
use cortex_m_semihosting as semihosting;
#[cfg(target_arch = "riscv32")]
use riscv_semihosting as semihosting;
use semihosting::{debug, hprintln};
use wisp_embedded::BufferAllocator;

/// The start-up's entry point attribute of the board's runtime crate.
#[cfg(target_arch = "arm")]
pub use cortex_m_rt::entry;
#[cfg(target_arch = "riscv32")]
pub use riscv_rt::entry;
pub use semihosting::hprintln as println;
/// The board's semihosting calls (`syscall!(OPEN, ...)`): the host's files, for tests
/// that emulate storage.
pub use semihosting::syscall;

#[global_allocator]
pub static HEAP: BufferAllocator = BufferAllocator::new();

/// Gives the allocator `N` bytes of static RAM; call first thing.
#[macro_export]
macro_rules! init_heap {
    ($bytes:expr) => {
        $crate::HEAP.init(wisp_embedded::static_buffer!($bytes).expect("heap taken twice"))
    };
}

/// Bytes placed at an 8-byte boundary: how an image lies in flash so that its code can
/// run in place ([`wisp::Module::from_image_in_place`]).
#[repr(C, align(8))]
pub struct Aligned<B: ?Sized>(pub B);

/// A file of the build's `OUT_DIR` in flash, 8-byte aligned, as a `&'static [u8]`.
#[macro_export]
macro_rules! include_image {
    ($name:literal) => {{
        static IMAGE: &$crate::Aligned<[u8]> =
            &$crate::Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/", $name)));
        &IMAGE.0
    }};
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
    // The reference firmware does what a product would: it ends without formatting the
    // message, so `cargo xtask size` measures Wisp, not `core::fmt` and panic text.
    #[cfg(feature = "size")]
    {
        let _ = info;
        say(&[b"panic"]);
        exit(false)
    }
    #[cfg(not(feature = "size"))]
    {
        hprintln!("panic: {}", info);
        bump(&FAILED);
        finish()
    }
}

/// Writes `parts` and a newline to the host's console, without `core::fmt` (which the
/// reference firmware leaves out of its flash).
pub fn say(parts: &[&[u8]]) {
    if let Ok(mut out) = semihosting::hio::hstdout() {
        for p in parts {
            let _ = out.write_all(p);
        }
        let _ = out.write_all(b"\n");
    }
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

/// The deepest the stack has reached since [`paint_stack`], in bytes.
///
/// Measured by painting: `paint_stack` fills the free RAM between the heap's static
/// buffer (the end of `.bss`) and the stack pointer with a pattern, and this finds the
/// lowest word the stack has overwritten since.
pub fn stack_peak() -> usize {
    let (bottom, top) = stack_bounds();
    let mut at = bottom;
    // SAFETY: `bottom..top` is RAM between the end of the statics and the top of the
    // stack, word-aligned; words below the stack pointer are ours to read.
    while at < top && unsafe { core::ptr::read_volatile(at as *const u32) } == PAINT {
        at += 4;
    }
    top - at
}

const PAINT: u32 = 0xC5C5_C5C5;

/// Paints the unused stack; call first thing in `main`.
pub fn paint_stack() {
    let (bottom, _) = stack_bounds();
    let sp = stack_pointer();
    // A leaf without locals: below the stack pointer it uses nothing, but leave a few
    // words for the registers a different compiler might spill.
    let end = (sp - 16) & !3;
    let mut at = bottom;
    while at < end {
        // SAFETY: `bottom..end` lies below the stack pointer and above the statics, so
        // nothing lives there yet.
        unsafe { core::ptr::write_volatile(at as *mut u32, PAINT) };
        at += 4;
    }
}

#[cfg(target_arch = "arm")]
fn stack_pointer() -> usize {
    cortex_m::register::msp::read() as usize
}

#[cfg(target_arch = "riscv32")]
fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer register, nothing else.
    unsafe { core::arch::asm!("mv {}, sp", out(reg) sp) };
    sp
}

fn stack_bounds() -> (usize, usize) {
    extern "C" {
        // The runtime crate's linker script (cortex-m-rt's and riscv-rt's name them
        // alike): the end of the statics, and the initial stack.
        static __sheap: u8;
        static _stack_start: u8;
    }
    // Only the symbols' addresses are taken, which is safe.
    (
        (core::ptr::addr_of!(__sheap) as usize + 3) & !3,
        core::ptr::addr_of!(_stack_start) as usize,
    )
}

/// WASI for the device: stdout over semihosting (a UART on a real board), a hardware
/// timer as the clock (SysTick on the Arm boards, the CLINT's `mtime` on RISC-V), a
/// generator seeded by the embedder as randomness.
#[cfg(feature = "wasi")]
pub mod wasi {
    use alloc::vec::Vec;
    use core::cell::RefCell;
    use critical_section::Mutex;
    use wisp::Shared;
    use wisp_wasi::{Clock, ClockId, Errno, Random, Stream};

    /// What the program printed, shared with the test. A WASI stream is `Send` where the
    /// target has atomics (a store can move between threads), so the bytes sit behind
    /// a critical-section mutex rather than in a bare `RefCell`.
    #[derive(Clone)]
    pub struct Printed(Shared<Mutex<RefCell<Vec<u8>>>>);

    impl Default for Printed {
        fn default() -> Self {
            Printed(Shared::new(Mutex::new(RefCell::new(Vec::new()))))
        }
    }

    impl Printed {
        /// A copy of the bytes so far.
        pub fn contents(&self) -> Vec<u8> {
            critical_section::with(|cs| self.0.borrow(cs).borrow().clone())
        }
    }

    /// Prints what the program writes, and keeps a copy for the test to check.
    pub struct Console(pub Printed);

    impl Stream for Console {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Errno> {
            let mut out = crate::semihosting::hio::hstdout().map_err(|_| Errno::Io)?;
            out.write_all(buf).map_err(|_| Errno::Io)?;
            critical_section::with(|cs| (self.0).0.borrow(cs).borrow_mut().extend_from_slice(buf));
            Ok(buf.len())
        }
        fn writable(&self) -> bool {
            true
        }
    }

    /// The board's timer as a WASI clock, or `None` if its peripheral was taken.
    #[cfg(target_arch = "arm")]
    pub fn board_clock() -> Option<SysTickClock> {
        cortex_m::Peripherals::take().map(|p| SysTickClock::start(p.SYST))
    }

    /// The board's timer as a WASI clock.
    #[cfg(target_arch = "riscv32")]
    pub fn board_clock() -> Option<MtimeClock> {
        Some(MtimeClock)
    }

    #[cfg(target_arch = "arm")]
    const RELOAD: u32 = 0x00FF_FFFF;

    /// The SysTick down-counter at 25 MHz (QEMU's mps2 and microbit clock it so): 40 ns a
    /// tick, a period of 0.67 s, which is all a short program needs.
    #[cfg(target_arch = "arm")]
    pub struct SysTickClock;

    #[cfg(target_arch = "arm")]
    impl SysTickClock {
        pub fn start(mut syst: cortex_m::peripheral::SYST) -> Self {
            syst.set_clock_source(cortex_m::peripheral::syst::SystClkSource::Core);
            syst.set_reload(RELOAD);
            syst.clear_current();
            syst.enable_counter();
            SysTickClock
        }
    }

    #[cfg(target_arch = "arm")]
    impl Clock for SysTickClock {
        fn now(&self, _: ClockId) -> Result<u64, Errno> {
            Ok(((RELOAD - cortex_m::peripheral::SYST::get_current()) as u64 + 1) * 40)
        }
        fn resolution(&self, _: ClockId) -> Result<u64, Errno> {
            Ok(40)
        }
    }

    /// The CLINT's 64-bit `mtime` counter, which QEMU's virt machine runs at 10 MHz:
    /// 100 ns a tick.
    #[cfg(target_arch = "riscv32")]
    pub struct MtimeClock;

    #[cfg(target_arch = "riscv32")]
    impl Clock for MtimeClock {
        fn now(&self, _: ClockId) -> Result<u64, Errno> {
            const MTIME: usize = 0x0200_BFF8;
            // The two halves are read apart on a 32-bit core: read until the high half
            // did not change meanwhile.
            loop {
                // SAFETY: the virt machine's CLINT maps `mtime` at this address; reading
                // it has no side effect.
                let (hi, lo, again) = unsafe {
                    (
                        core::ptr::read_volatile((MTIME + 4) as *const u32),
                        core::ptr::read_volatile(MTIME as *const u32),
                        core::ptr::read_volatile((MTIME + 4) as *const u32),
                    )
                };
                if hi == again {
                    return Ok(((hi as u64) << 32 | lo as u64) * 100);
                }
            }
        }
        fn resolution(&self, _: ClockId) -> Result<u64, Errno> {
            Ok(100)
        }
    }

    /// xorshift64*, seeded by the embedder (from a hardware RNG on a real board).
    pub struct Xorshift(pub u64);

    impl Random for Xorshift {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
            for b in buf {
                self.0 ^= self.0 >> 12;
                self.0 ^= self.0 << 25;
                self.0 ^= self.0 >> 27;
                *b = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
            }
            Ok(())
        }
    }
}

/// The reference firmware's measurement (`cargo xtask size`): runs `fib(20)` on the
/// module `load` gives, prints `size: fib=ok heap=N stack=N module=N` (the peaks, and
/// what the module keeps) with `extra` after them, and ends the emulation.
pub fn measure_fib(
    load: impl FnOnce(&wisp::Engine) -> Result<wisp::Module, wisp::Error>,
    extra: &[(&str, usize)],
) -> ! {
    use wisp::{Config, Engine, Linker, Store};
    let mut config = Config::new();
    config.max_stack_values(256).max_call_depth(64);
    let engine = Engine::new(&config);
    HEAP.reset_peak();
    let before = HEAP.used();
    let mut module_bytes = 0;
    let ok = load(&engine)
        .and_then(|module| {
            module_bytes = HEAP.used() - before;
            let mut store = Store::new(&engine, ());
            let inst = Linker::new(&engine).instantiate(&mut store, &module)?;
            inst.get_typed_func::<i32, i32>(&store, "fib")?
                .call(&mut store, 20)
        })
        .is_ok_and(|r| r == 6765);
    let numbers = [
        ("heap", HEAP.peak()),
        ("stack", stack_peak()),
        ("module", module_bytes),
    ];
    // Written a piece at a time, a number a digit at a time: a buffer, even a small
    // one, is zeroed through `memclr`, which the executor does not otherwise need.
    if let Ok(mut out) = semihosting::hio::hstdout() {
        let _ = out.write_all(b"size: fib=");
        let _ = out.write_all(if ok { b"ok" } else { b"FAILED" });
        for (k, v) in numbers.iter().chain(extra) {
            for part in [b" ", k.as_bytes(), b"="] {
                let _ = out.write_all(part);
            }
            let mut unit = 1;
            while v / unit >= 10 {
                unit *= 10;
            }
            while unit > 0 {
                let _ = out.write_all(&[b'0' + (v / unit % 10) as u8]);
                unit /= 10;
            }
        }
        let _ = out.write_all(b"\n");
    }
    exit(ok)
}
