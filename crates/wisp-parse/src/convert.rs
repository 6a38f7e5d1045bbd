//! Conversions from wasmparser's types to Wisp's.

use crate::{ParseError, ParseErrorKind};
use alloc::format;
use wisp_types::{FuncType, RefType, ValType};

pub fn val_type(t: wasmparser::ValType, offset: usize) -> Result<ValType, ParseError> {
    Ok(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, offset)?),
    })
}

pub fn ref_type(r: wasmparser::RefType, offset: usize) -> Result<RefType, ParseError> {
    if r.is_func_ref() {
        Ok(RefType::Func)
    } else if r.is_extern_ref() {
        Ok(RefType::Extern)
    } else if r.heap_type()
        == (wasmparser::HeapType::Abstract {
            shared: false,
            ty: wasmparser::AbstractHeapType::Exn,
        })
    {
        // `(ref exn)` too: until typed references land every reference is nullable here,
        // which loses nothing, as validation has checked the program.
        Ok(RefType::Exn)
    } else {
        Err(ParseError::with_kind(
            ParseErrorKind::Unsupported,
            format!("unsupported reference type {r}"),
            offset,
        ))
    }
}

/// The parameter and result types of a block.
pub fn block_type(
    bt: wasmparser::BlockType,
    types: &[FuncType],
    offset: usize,
) -> Result<FuncType, ParseError> {
    Ok(match bt {
        wasmparser::BlockType::Empty => FuncType::new([], []),
        wasmparser::BlockType::Type(t) => FuncType::new([], [val_type(t, offset)?]),
        wasmparser::BlockType::FuncType(i) => types
            .get(i as usize)
            .cloned()
            .ok_or_else(|| ParseError::new("unknown type", offset))?,
    })
}
