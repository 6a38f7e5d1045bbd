//! Defined types: function, struct and array types in recursive groups, with their
//! declared supertypes. Spec: <https://webassembly.github.io/spec/core/syntax/types.html#composite-types>

use crate::reftype::{DefKind, HeapType, RefType};
use crate::types::{FuncType, ValType};
use alloc::boxed::Box;

/// How a struct field or array element is stored: a value type, or a packed integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StorageType {
    /// An 8-bit integer, read back extended to `i32`.
    I8,
    /// A 16-bit integer, read back extended to `i32`.
    I16,
    /// A value of a value type.
    Val(ValType),
}

impl StorageType {
    /// The type of the value a read gives: `i32` for the packed types.
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(t) => t,
        }
    }
}

/// A struct field or array element type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

/// A composite type. Spec: <https://webassembly.github.io/spec/core/syntax/types.html#composite-types>
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Func(FuncType),
    Struct(Box<[FieldType]>),
    Array(FieldType),
}

impl CompositeType {
    pub fn kind(&self) -> DefKind {
        match self {
            CompositeType::Func(_) => DefKind::Func,
            CompositeType::Struct(_) => DefKind::Struct,
            CompositeType::Array(_) => DefKind::Array,
        }
    }

    /// Calls `f` with every reference type the composite type mentions.
    pub fn for_each_ref(&self, mut f: impl FnMut(RefType)) {
        let mut val = |t: ValType| {
            if let ValType::Ref(r) = t {
                f(r)
            }
        };
        let mut field = |ft: &FieldType| {
            if let StorageType::Val(t) = ft.storage {
                val(t)
            }
        };
        match self {
            CompositeType::Func(t) => t.params().iter().chain(t.results()).for_each(|&t| val(t)),
            CompositeType::Struct(fields) => fields.iter().for_each(field),
            CompositeType::Array(ft) => field(ft),
        }
    }

    /// The same type with every reference type mapped by `f`.
    pub fn map_refs(&self, mut f: impl FnMut(RefType) -> RefType) -> CompositeType {
        let mut val = |t: ValType| match t {
            ValType::Ref(r) => ValType::Ref(f(r)),
            t => t,
        };
        let mut field = |ft: FieldType| FieldType {
            storage: match ft.storage {
                StorageType::Val(t) => StorageType::Val(val(t)),
                s => s,
            },
            mutable: ft.mutable,
        };
        match self {
            CompositeType::Func(t) => CompositeType::Func(FuncType::new(
                t.params()
                    .iter()
                    .map(|&p| val(p))
                    .collect::<alloc::vec::Vec<_>>(),
                t.results()
                    .iter()
                    .map(|&r| val(r))
                    .collect::<alloc::vec::Vec<_>>(),
            )),
            CompositeType::Struct(fields) => {
                CompositeType::Struct(fields.iter().map(|&ft| field(ft)).collect())
            }
            CompositeType::Array(ft) => CompositeType::Array(field(*ft)),
        }
    }
}

/// A defined type: a composite type with its finality and declared supertype.
/// Spec: <https://webassembly.github.io/spec/core/syntax/types.html#recursive-types>
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubType {
    /// A final type has no subtypes.
    pub is_final: bool,
    /// The declared supertype, a heap type naming a defined type
    /// ([`HeapType::Def`] in a module, [`HeapType::Id`] in a store).
    pub supertype: Option<HeapType>,
    pub composite: CompositeType,
}

impl SubType {
    /// A final function type without supertype: what `(type (func ...))` declares.
    pub fn func(ty: FuncType) -> Self {
        SubType {
            is_final: true,
            supertype: None,
            composite: CompositeType::Func(ty),
        }
    }

    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match &self.composite {
            CompositeType::Func(f) => Some(f),
            _ => None,
        }
    }
}
