//! A compression round trip with `miniz_oxide`: deflate generated text, inflate it back
//! and compare with the input inside the module.

use crate::{fnv1a, Rng, FNV_START};
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec;

const WORDS: &[&str] = &[
    "the",
    "wasm",
    "module",
    "engine",
    "store",
    "value",
    "stack",
    "frame",
    "branch",
    "loop",
    "memory",
    "table",
    "import",
    "export",
    "global",
    "trap",
    "call",
    "return",
    "local",
    "function",
    "validate",
    "decode",
    "translate",
    "instance",
    "linker",
    "fuel",
];

/// Text-like input: words from a small vocabulary with punctuation and line breaks, so it
/// compresses the way prose does (to about a third) rather than not at all or to nothing.
fn text(len: usize) -> Vec<u8> {
    let mut rng = Rng::new(0xdef1_a7e5);
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        out.extend_from_slice(WORDS[rng.below(WORDS.len() as u32) as usize].as_bytes());
        out.push(match rng.below(16) {
            0 => b'\n',
            1 => b',',
            2 => b'.',
            _ => b' ',
        });
        if rng.below(8) == 0 {
            // A number breaks up the repetition a little.
            out.extend_from_slice(rng.below(100_000).to_string().as_bytes());
            out.push(b' ');
        }
    }
    out.truncate(len);
    out
}

/// Compressed length times 65 599 plus FNV-1a of the compressed bytes (wrapping).
pub fn round_trip(kib: u32) -> u32 {
    let input = text(kib as usize * 1024);
    let packed = compress_to_vec(&input, 6);
    let unpacked = decompress_to_vec(&packed).expect("inflate failed");
    assert!(unpacked == input, "round trip changed the data");
    (packed.len() as u32)
        .wrapping_mul(65_599)
        .wrapping_add(fnv1a(FNV_START, &packed))
}
