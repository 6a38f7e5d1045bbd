//! LEB128, the variable-length integers of the binary format
//! (<https://webassembly.github.io/spec/core/binary/values.html#integers>), written by
//! the layers that make bytes of their own: rewritten instructions, code-offset maps,
//! coredumps.

use alloc::vec::Vec;

/// Appends `v` as unsigned LEB128.
pub fn write_unsigned(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Appends `v` as signed LEB128.
pub fn write_signed(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        let enc = |v| {
            let mut out = Vec::new();
            write_unsigned(&mut out, v);
            out
        };
        assert_eq!(enc(0), [0]);
        assert_eq!(enc(127), [0x7f]);
        assert_eq!(enc(128), [0x80, 0x01]);
        assert_eq!(enc(624_485), [0xe5, 0x8e, 0x26]);
        assert_eq!(enc(u64::MAX).len(), 10);
        let senc = |v| {
            let mut out = Vec::new();
            write_signed(&mut out, v);
            out
        };
        assert_eq!(senc(0), [0]);
        assert_eq!(senc(-1), [0x7f]);
        assert_eq!(senc(63), [0x3f]);
        assert_eq!(senc(64), [0xc0, 0x00]);
        assert_eq!(senc(-123_456), [0xc0, 0xbb, 0x78]);
        assert_eq!(senc(i64::MIN).len(), 10);
    }
}
