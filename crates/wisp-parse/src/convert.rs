//! Conversions from wasmparser's types to Wisp's.

use crate::{ParseError, ParseErrorKind};
use alloc::format;
use alloc::vec::Vec;
use wasmparser::{AbstractHeapType as A, CompositeInnerType, UnpackedIndex};
use wisp_types::{
    CompositeType, DefKind, FieldType, FuncType, HeapType, RefType, StorageType, SubType, ValType,
};

/// `types` are the module's types so far (a defined type's kind is looked up there).
pub fn val_type(
    t: wasmparser::ValType,
    types: &[SubType],
    offset: usize,
) -> Result<ValType, ParseError> {
    Ok(match t {
        wasmparser::ValType::I32 => ValType::I32,
        wasmparser::ValType::I64 => ValType::I64,
        wasmparser::ValType::F32 => ValType::F32,
        wasmparser::ValType::F64 => ValType::F64,
        wasmparser::ValType::V128 => ValType::V128,
        wasmparser::ValType::Ref(r) => ValType::Ref(ref_type(r, types, offset)?),
    })
}

pub fn ref_type(
    r: wasmparser::RefType,
    types: &[SubType],
    offset: usize,
) -> Result<RefType, ParseError> {
    Ok(RefType::new(
        r.is_nullable(),
        heap_type(r.heap_type(), types, offset)?,
    ))
}

pub fn heap_type(
    h: wasmparser::HeapType,
    types: &[SubType],
    offset: usize,
) -> Result<HeapType, ParseError> {
    let unsupported = |what: &str| {
        Err(ParseError::with_kind(
            ParseErrorKind::Unsupported,
            format!("{what} are not supported"),
            offset,
        ))
    };
    Ok(match h {
        wasmparser::HeapType::Abstract { shared: true, .. } => {
            return unsupported("shared references")
        }
        wasmparser::HeapType::Abstract { ty, .. } => match ty {
            A::Func => HeapType::Func,
            A::NoFunc => HeapType::NoFunc,
            A::Extern => HeapType::Extern,
            A::NoExtern => HeapType::NoExtern,
            A::Any => HeapType::Any,
            A::Eq => HeapType::Eq,
            A::I31 => HeapType::I31,
            A::Struct => HeapType::Struct,
            A::Array => HeapType::Array,
            A::None => HeapType::None,
            A::Exn => HeapType::Exn,
            A::NoExn => HeapType::NoExn,
            A::Cont | A::NoCont => return unsupported("continuations"),
        },
        wasmparser::HeapType::Concrete(UnpackedIndex::Module(i)) => {
            let kind = types
                .get(i as usize)
                .map(|t| t.composite.kind())
                .ok_or_else(|| ParseError::new("unknown type", offset))?;
            HeapType::Def(i, kind)
        }
        wasmparser::HeapType::Exact(_) => return unsupported("exact references"),
        wasmparser::HeapType::Concrete(_) => {
            return Err(ParseError::new("unexpected type index form", offset))
        }
    })
}

/// The kind of a composite type, before its fields are converted.
pub fn def_kind(c: &wasmparser::CompositeType, offset: usize) -> Result<DefKind, ParseError> {
    if c.shared || c.descriptor_idx.is_some() || c.describes_idx.is_some() {
        return Err(ParseError::with_kind(
            ParseErrorKind::Unsupported,
            "shared types and type descriptors are not supported",
            offset,
        ));
    }
    match &c.inner {
        CompositeInnerType::Func(_) => Ok(DefKind::Func),
        CompositeInnerType::Struct(_) => Ok(DefKind::Struct),
        CompositeInnerType::Array(_) => Ok(DefKind::Array),
        CompositeInnerType::Cont(_) => Err(ParseError::with_kind(
            ParseErrorKind::Unsupported,
            "continuation types are not supported",
            offset,
        )),
    }
}

/// A placeholder of the given kind, standing for a type of a recursive group until its
/// fields (which may name the group's later types) are converted.
pub fn placeholder(kind: DefKind) -> SubType {
    let composite = match kind {
        DefKind::Func => CompositeType::Func(FuncType::new([], [])),
        DefKind::Struct => CompositeType::Struct(Default::default()),
        DefKind::Array => CompositeType::Array(FieldType {
            storage: StorageType::I8,
            mutable: false,
        }),
    };
    SubType {
        is_final: true,
        supertype: None,
        composite,
    }
}

pub fn sub_type(
    s: &wasmparser::SubType,
    types: &[SubType],
    offset: usize,
) -> Result<SubType, ParseError> {
    let field = |f: &wasmparser::FieldType| -> Result<FieldType, ParseError> {
        Ok(FieldType {
            storage: match f.element_type {
                wasmparser::StorageType::I8 => StorageType::I8,
                wasmparser::StorageType::I16 => StorageType::I16,
                wasmparser::StorageType::Val(t) => StorageType::Val(val_type(t, types, offset)?),
            },
            mutable: f.mutable,
        })
    };
    let composite = match &s.composite_type.inner {
        CompositeInnerType::Func(f) => {
            let params = f
                .params()
                .iter()
                .map(|t| val_type(*t, types, offset))
                .collect::<Result<Vec<_>, _>>()?;
            let results = f
                .results()
                .iter()
                .map(|t| val_type(*t, types, offset))
                .collect::<Result<Vec<_>, _>>()?;
            CompositeType::Func(FuncType::new(params, results))
        }
        CompositeInnerType::Struct(st) => CompositeType::Struct(
            st.fields
                .iter()
                .map(field)
                .collect::<Result<Vec<_>, _>>()?
                .into_boxed_slice(),
        ),
        CompositeInnerType::Array(a) => CompositeType::Array(field(&a.0)?),
        CompositeInnerType::Cont(_) => {
            return Err(ParseError::with_kind(
                ParseErrorKind::Unsupported,
                "continuation types are not supported",
                offset,
            ))
        }
    };
    let supertype = match s.supertype_idxs.first() {
        None => None,
        Some(p) => Some(match p.unpack() {
            UnpackedIndex::Module(i) => heap_type(
                wasmparser::HeapType::Concrete(UnpackedIndex::Module(i)),
                types,
                offset,
            )?,
            _ => return Err(ParseError::new("unexpected type index form", offset)),
        }),
    };
    Ok(SubType {
        is_final: s.is_final,
        supertype,
        composite,
    })
}

/// The parameter and result types of a block.
pub fn block_type(
    bt: wasmparser::BlockType,
    types: &[SubType],
    offset: usize,
) -> Result<FuncType, ParseError> {
    Ok(match bt {
        wasmparser::BlockType::Empty => FuncType::new([], []),
        wasmparser::BlockType::Type(t) => FuncType::new([], [val_type(t, types, offset)?]),
        wasmparser::BlockType::FuncType(i) => types
            .get(i as usize)
            .and_then(SubType::as_func)
            .cloned()
            .ok_or_else(|| ParseError::new("unknown type", offset))?,
    })
}
