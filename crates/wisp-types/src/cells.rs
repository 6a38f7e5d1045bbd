//! How references of the `any` and `extern` hierarchies are kept in a 64-bit cell, so
//! that `any.convert_extern` and `extern.convert_any` need no allocation.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values>
//!
//! The upper half of a non-null cell says what it holds; the lower half is the
//! payload. Zero is null in every hierarchy.
//!
//! | upper half | lower half | what |
//! |---|---|---|
//! | 0 | address + 1 | a host reference (`externref`), a heap object (struct, array, exception), a function |
//! | [`I31`] | 31 bits | an `i31` |
//! | [`INTERNAL_HOST`] | address + 1 | a host reference made internal (`any.convert_extern`) |
//! | [`EXTERNAL_OBJECT`] | address + 1 | a heap object made external (`extern.convert_any`) |
//!
//! An `i31` is the same cell in both hierarchies.

/// The upper half of an `i31`.
pub const I31: u64 = 1 << 32;
/// The upper half of a host reference in the `any` hierarchy.
pub const INTERNAL_HOST: u64 = 2 << 32;
/// The upper half of a heap object in the `extern` hierarchy.
pub const EXTERNAL_OBJECT: u64 = 3 << 32;
const PAYLOAD: u64 = 0xffff_ffff;

/// What the cell holds: its upper half.
pub const fn kind(cell: u64) -> u64 {
    cell & !PAYLOAD
}

/// `ref.i31`: the low 31 bits of `v`.
pub const fn ref_i31(v: u32) -> u64 {
    I31 | (v & 0x7fff_ffff) as u64
}

/// `i31.get_s` of a non-null `i31` cell.
pub const fn i31_get_s(cell: u64) -> i32 {
    ((cell as u32) << 1) as i32 >> 1
}

/// `i31.get_u` of a non-null `i31` cell.
pub const fn i31_get_u(cell: u64) -> u32 {
    cell as u32 & 0x7fff_ffff
}

/// `any.convert_extern`: a host reference becomes internal; a heap object that was made
/// external is itself again.
pub const fn any_convert_extern(cell: u64) -> u64 {
    match kind(cell) {
        0 if cell != 0 => cell | INTERNAL_HOST,
        EXTERNAL_OBJECT => cell & PAYLOAD,
        _ => cell,
    }
}

/// `extern.convert_any`: a heap object becomes external; a host reference that was made
/// internal is itself again.
pub const fn extern_convert_any(cell: u64) -> u64 {
    match kind(cell) {
        0 if cell != 0 => cell | EXTERNAL_OBJECT,
        INTERNAL_HOST => cell & PAYLOAD,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i31_round_trips_and_truncates() {
        for v in [0i32, 1, -1, 0x3fff_ffff, -0x4000_0000] {
            let c = ref_i31(v as u32);
            assert_ne!(c, 0);
            assert_eq!(i31_get_s(c), v);
        }
        assert_eq!(i31_get_u(ref_i31(-1i32 as u32)), 0x7fff_ffff);
        assert_eq!(i31_get_s(ref_i31(0x4000_0000)), -0x4000_0000);
    }

    #[test]
    fn conversions_are_inverse() {
        for c in [0, 5, ref_i31(7), ref_i31(0)] {
            assert_eq!(extern_convert_any(any_convert_extern(c)), c);
            assert_eq!(any_convert_extern(extern_convert_any(c)), c);
        }
        assert_eq!(any_convert_extern(5), 5 | INTERNAL_HOST);
        assert_eq!(extern_convert_any(5), 5 | EXTERNAL_OBJECT);
        assert_eq!(any_convert_extern(ref_i31(7)), ref_i31(7));
    }
}
