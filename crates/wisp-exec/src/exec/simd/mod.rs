//! Vector (SIMD) instructions over 128-bit values, in portable Rust: the results are
//! exact and the same on every target, `no_std` included.
//! Spec: <https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>

mod float;
mod int;
mod lanes;
mod relaxed;

pub use float::*;
pub use int::*;
pub use lanes::*;
pub use relaxed::*;
