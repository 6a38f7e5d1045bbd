//! A large synthetic module for the start-up benchmarks, built byte by byte (like
//! `crates/wisp/tests/startup.rs` does) so that its size can be chosen freely.
//!
//! Every function has the type `(i32) -> i32` and a body of `units` blocks, each mixing
//! arithmetic, a load and a store to linear memory and an `if`/`else`, so that decoding,
//! validation and translation see a realistic spread of instructions rather than one
//! repeated opcode. Function `i` ends by calling `i + 1`, except at the end of each
//! chain of [`CHAIN`] functions, so that the export `run` (function 0) runs a chain
//! without nesting thousands of calls deep.

/// How many functions one call of `run` goes through.
pub const CHAIN: u32 = 100;

fn uleb(mut v: u32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn sleb(mut v: i32, out: &mut Vec<u8>) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0);
        out.push(if done { b } else { b | 0x80 });
        if done {
            return;
        }
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    uleb(body.len() as u32, out);
    out.extend_from_slice(body);
}

// Opcodes used below.
const LOCAL_GET: u8 = 0x20;
const LOCAL_SET: u8 = 0x21;
const I32_CONST: u8 = 0x41;
const I32_LOAD: u8 = 0x28;
const I32_STORE: u8 = 0x36;
const I32_ADD: u8 = 0x6a;
const I32_MUL: u8 = 0x6c;
const I32_AND: u8 = 0x71;
const I32_XOR: u8 = 0x73;
const I32_SHR_U: u8 = 0x76;
const IF: u8 = 0x04;
const ELSE: u8 = 0x05;
const END: u8 = 0x0b;
const CALL: u8 = 0x10;
const EMPTY_BLOCK: u8 = 0x40;

/// One unit of function `f`'s body number `j`, on local 0 (the parameter).
fn unit(f: u32, j: u32, body: &mut Vec<u8>) {
    // x += f * 7 + j
    body.extend_from_slice(&[LOCAL_GET, 0, I32_CONST]);
    sleb((f.wrapping_mul(7).wrapping_add(j) & 0xffff) as i32, body);
    body.extend_from_slice(&[I32_ADD, LOCAL_SET, 0]);
    // x ^= mem[x & 0xfffc]
    body.extend_from_slice(&[LOCAL_GET, 0, LOCAL_GET, 0, I32_CONST]);
    sleb(0xfffc, body);
    body.extend_from_slice(&[I32_AND, I32_LOAD, 2, 0, I32_XOR, LOCAL_SET, 0]);
    // if x & 1 { x *= 3 } else { x >>= 1 }
    body.extend_from_slice(&[LOCAL_GET, 0, I32_CONST, 1, I32_AND, IF, EMPTY_BLOCK]);
    body.extend_from_slice(&[LOCAL_GET, 0, I32_CONST, 3, I32_MUL, LOCAL_SET, 0, ELSE]);
    body.extend_from_slice(&[LOCAL_GET, 0, I32_CONST, 1, I32_SHR_U, LOCAL_SET, 0, END]);
    // mem[(x >> 4) & 0xfffc] = x
    body.extend_from_slice(&[LOCAL_GET, 0, I32_CONST, 4, I32_SHR_U, I32_CONST]);
    sleb(0xfffc, body);
    body.extend_from_slice(&[I32_AND, LOCAL_GET, 0, I32_STORE, 2, 0]);
}

/// A module of `funcs` functions with `units` blocks each (about 60 bytes per unit),
/// one page of memory, and the export `run`.
pub fn module(funcs: u32, units: u32) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    section(1, &[1, 0x60, 1, 0x7f, 1, 0x7f], &mut m);
    let mut fs = Vec::new();
    uleb(funcs, &mut fs);
    fs.extend(std::iter::repeat_n(0u8, funcs as usize));
    section(3, &fs, &mut m);
    section(5, &[1, 0, 1], &mut m); // one memory, min 1 page
    section(7, &[1, 3, b'r', b'u', b'n', 0, 0], &mut m);
    let mut code = Vec::new();
    uleb(funcs, &mut code);
    let mut body = Vec::new();
    for f in 0..funcs {
        body.clear();
        body.push(0); // no locals besides the parameter
        for j in 0..units {
            unit(f, j, &mut body);
        }
        body.extend_from_slice(&[LOCAL_GET, 0]);
        if f + 1 < funcs && (f + 1) % CHAIN != 0 {
            body.push(CALL);
            uleb(f + 1, &mut body);
        }
        body.push(END);
        uleb(body.len() as u32, &mut code);
        code.extend_from_slice(&body);
    }
    section(10, &code, &mut m);
    m
}

/// The module the start-up benchmarks use: 12 000 functions, about 6 MB.
pub fn big_module() -> Vec<u8> {
    module(12_000, 8)
}

#[cfg(test)]
mod tests {
    #[test]
    fn leb128() {
        let enc = |v: i32| {
            let mut out = Vec::new();
            super::sleb(v, &mut out);
            out
        };
        assert_eq!(enc(0), [0]);
        assert_eq!(enc(63), [63]);
        assert_eq!(enc(64), [0xc0, 0]);
        assert_eq!(enc(-1), [0x7f]);
        assert_eq!(enc(0xfffc), [0xfc, 0xff, 0x03]);
        let mut out = Vec::new();
        super::uleb(300, &mut out);
        assert_eq!(out, [0xac, 0x02]);
    }
}
