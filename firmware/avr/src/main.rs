//! Wisp's executor on an 8-bit AVR (atmega2560: 256 KiB flash, 8 KiB RAM, 16-bit
//! `usize`), run in simavr. The image of `fib` stays in flash (`.progmem`), which the
//! loader reads through a `ByteSource` (`elpm`); `fib(15)` runs from a 1.75 KiB heap. Prints its verdict on
//! USART0, which simavr shows on stderr.
#![no_std]
#![no_main]
#![feature(asm_experimental_arch)]
extern crate alloc;

use core::arch::asm;
use core::ptr::{read_volatile, write_volatile};
use wisp::{ByteSource, Config, Engine, Linker, Module, Store};
use wisp_embedded::BufferAllocator;

#[global_allocator]
static HEAP: BufferAllocator = BufferAllocator::new();

const FIB_N: i32 = 15;
const IMAGE_LEN: usize = include_bytes!(concat!(env!("OUT_DIR"), "/fib.wsi")).len();

/// In flash: on an AVR, statics are copied to RAM at reset unless they are program
/// memory, and this one would take RAM the heap needs.
#[unsafe(link_section = ".progmem.data")]
static IMAGE: [u8; IMAGE_LEN] = *include_bytes!(concat!(env!("OUT_DIR"), "/fib.wsi"));

/// Reads a byte of program memory; `elpm` reaches past 64 KiB.
fn flash_byte(addr: *const u8) -> u8 {
    let a = addr as usize as u32;
    let b: u8;
    // SAFETY: `addr` is inside `IMAGE` in program memory; RAMPZ selects its 64 KiB bank.
    unsafe {
        write_volatile(0x5B as *mut u8, (a >> 16) as u8); // RAMPZ
        asm!("elpm {0}, Z", out(reg) b, in("Z") addr, options(readonly, nostack));
    }
    b
}

/// The image, read out of program memory a byte at a time as the loader asks: it is
/// never copied into RAM whole.
struct Progmem;

impl ByteSource for Progmem {
    fn size(&self) -> usize {
        IMAGE_LEN
    }
    fn read(&self, offset: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = flash_byte(IMAGE.as_ptr().wrapping_add(offset + i));
        }
    }
}

// USART0 of the atmega2560.
const UCSR0A: *mut u8 = 0xC0 as *mut u8;
const UCSR0B: *mut u8 = 0xC1 as *mut u8;
const UDR0: *mut u8 = 0xC6 as *mut u8;

fn uart_init() {
    // SAFETY: the USART0 control register; enable the transmitter.
    unsafe { write_volatile(UCSR0B, 1 << 3) };
}

fn print(s: &[u8]) {
    for &c in s {
        // SAFETY: USART0's status and data registers.
        unsafe {
            while read_volatile(UCSR0A) & (1 << 5) == 0 {}
            write_volatile(UDR0, c);
        }
    }
}

fn print_num(mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    print(&buf[i..]);
}

struct Cs;
critical_section::set_impl!(Cs);
// SAFETY: one core; the interrupt flag is saved and cleared, then restored.
unsafe impl critical_section::Impl for Cs {
    unsafe fn acquire() -> u8 {
        let sreg: u8;
        unsafe { asm!("in {0}, 0x3F", "cli", out(reg) sreg) };
        sreg
    }
    unsafe fn release(sreg: u8) {
        if sreg & 0x80 != 0 {
            unsafe { asm!("sei") };
        }
    }
}

fn stop() -> ! {
    // SAFETY: with interrupts off, `sleep` halts the core, which ends simavr's run.
    unsafe { asm!("cli", "sleep") };
    loop {}
}

#[unsafe(no_mangle)]
pub extern "C" fn main() -> ! {
    uart_init();
    HEAP.init(wisp_embedded::static_buffer!(1792).unwrap());
    let mut config = Config::new();
    // Small limits are allocated whole at first use: no reallocation, which would need
    // the old and the new buffer at once, in a 2 KiB heap.
    config.max_stack_values(48).max_call_depth(20);
    let engine = Engine::new(&config);
    // SAFETY: `build.rs` wrote the image with this version of Wisp.
    let result = unsafe { Module::from_image_source(&engine, &Progmem) }.and_then(|module| {
        let mut store = Store::new(&engine, ());
        let inst = Linker::new(&engine).instantiate(&mut store, &module)?;
        inst.get_typed_func::<i32, i32>(&store, "fib")?
            .call(&mut store, FIB_N)
    });
    match result {
        Ok(r) => {
            print(b"avr: fib(15) = ");
            print_num(r as u32);
            // A peak past the capacity means the stack overwrote the allocator: it grew into
            // `.bss` (as it did unnoticed with a 2 KiB heap and `fib(20)`).
            print(if r == 610 && HEAP.peak() <= HEAP.capacity() {
                b" ok heap="
            } else {
                b" WRONG heap="
            });
            print_num(HEAP.peak() as u32);
            print(b"\n");
        }
        Err(e) => {
            print(b"avr: FAILED: ");
            print(match e.trap_code() {
                Some(c) => c.message().as_bytes(),
                None => b"not a trap",
            });
            print(b", heap peak ");
            print_num(HEAP.peak() as u32);
            print(b"\n");
        }
    }
    stop()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = info;
    print(b"avr: panic, heap ");
    print_num(HEAP.used() as u32);
    print(b" of ");
    print_num(HEAP.capacity() as u32);
    print(b"\n");
    stop()
}
