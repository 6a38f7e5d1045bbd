//! How `StructGet` and `StructSet` name a struct field in one operand: the cell the
//! field starts at (see `wisp_store::gc::layout`) and how it is read.

/// One cell, read as it is.
pub const CELL: u32 = 0;
/// Two cells: a `v128`.
pub const V128: u32 = 1;
/// An `i8` read sign-extended (`struct.get_s`).
pub const S8: u32 = 2;
/// An `i8` read zero-extended (`struct.get_u`).
pub const U8: u32 = 3;
/// An `i16` read sign-extended.
pub const S16: u32 = 4;
/// An `i16` read zero-extended.
pub const U16: u32 = 5;

/// The operand for the field at `cell`, read as `mode` says.
pub const fn encode(cell: u32, mode: u32) -> u32 {
    cell << 3 | mode
}

/// The field's cell and mode.
pub const fn decode(field: u32) -> (usize, u32) {
    ((field >> 3) as usize, field & 7)
}

/// A packed field's bits as `mode` reads them: extended from 8 or 16 bits to 32.
pub const fn extend(v: u64, mode: u32) -> u64 {
    (match mode {
        S8 => v as i8 as i32 as u32,
        U8 => v as u8 as u32,
        S16 => v as i16 as i32 as u32,
        U16 => v as u16 as u32,
        _ => return v,
    }) as u64
}
