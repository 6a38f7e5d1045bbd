//! Reference types and heap types (WebAssembly 3.0's typed references and GC).
//! Spec: <https://webassembly.github.io/spec/core/syntax/types.html#heap-types>

use core::fmt;

/// The id of a defined type in a store's type registry. Two defined types are the same
/// type (iso-recursive equivalence) exactly when their ids are equal, whichever module
/// defined them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// What a defined type is: it decides the hierarchy its references belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefKind {
    /// A function type: its references are under `func`.
    Func,
    /// A struct type: under `any`.
    Struct,
    /// An array type: under `any`.
    Array,
}

/// A heap type: what a reference points to.
///
/// A defined type is named two ways. In a module (types, validation, translation) it is
/// [`HeapType::Def`], an index into the module's type section. In a store (the types of
/// function, global, table and tag instances, and of the host's values) it is
/// [`HeapType::Id`], its id in the store's type registry, so that types from different
/// modules compare by id. Instantiation maps one to the other. Both carry the kind of
/// the defined type, so that the hierarchy of a reference is known without a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeapType {
    /// Any function.
    Func,
    /// No function: the bottom of the `func` hierarchy (only null).
    NoFunc,
    /// Any host (external) reference.
    Extern,
    /// The bottom of the `extern` hierarchy.
    NoExtern,
    /// Any internal (GC) reference: the top of structs, arrays and `i31`.
    Any,
    /// References that `ref.eq` can compare.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Any struct.
    Struct,
    /// Any array.
    Array,
    /// The bottom of the `any` hierarchy.
    None,
    /// Any exception.
    Exn,
    /// The bottom of the `exn` hierarchy.
    NoExn,
    /// A type of the module's type section, by index.
    Def(u32, DefKind),
    /// A type of the store's type registry, by id.
    Id(TypeId, DefKind),
}

impl HeapType {
    /// The top of this type's hierarchy: `func`, `extern`, `any` or `exn`.
    pub const fn top(self) -> HeapType {
        match self {
            HeapType::Func | HeapType::NoFunc => HeapType::Func,
            HeapType::Extern | HeapType::NoExtern => HeapType::Extern,
            HeapType::Exn | HeapType::NoExn => HeapType::Exn,
            HeapType::Def(_, DefKind::Func) | HeapType::Id(_, DefKind::Func) => HeapType::Func,
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None
            | HeapType::Def(..)
            | HeapType::Id(..) => HeapType::Any,
        }
    }

    /// The bottom of this type's hierarchy: `nofunc`, `noextern`, `none` or `noexn`.
    pub const fn bottom(self) -> HeapType {
        match self.top() {
            HeapType::Func => HeapType::NoFunc,
            HeapType::Extern => HeapType::NoExtern,
            HeapType::Exn => HeapType::NoExn,
            _ => HeapType::None,
        }
    }

    /// Whether `self` is a subtype of `other`, as far as abstract types decide it:
    /// `Some(answer)`, or `None` when both are defined types, which only the type
    /// registry (or the module's types) can relate.
    /// Spec: <https://webassembly.github.io/spec/core/valid/matching.html#heap-types>
    pub fn abstract_matches(self, other: HeapType) -> Option<bool> {
        use HeapType as H;
        if self == other {
            return Some(true);
        }
        let defined = |h: HeapType| matches!(h, H::Def(..) | H::Id(..));
        if self.top() != other.top() {
            return Some(false);
        }
        if self == self.bottom() {
            return Some(true);
        }
        Some(match (self, other) {
            (a, b) if defined(a) && defined(b) => return None,
            (_, H::Any) | (_, H::Func) | (_, H::Extern) | (_, H::Exn) => true,
            (H::I31 | H::Struct | H::Array, H::Eq) => true,
            (H::Def(_, k) | H::Id(_, k), H::Eq) => k != DefKind::Func,
            (H::Def(_, DefKind::Struct) | H::Id(_, DefKind::Struct), H::Struct) => true,
            (H::Def(_, DefKind::Array) | H::Id(_, DefKind::Array), H::Array) => true,
            _ => false,
        })
    }

    fn name(self) -> Option<&'static str> {
        Some(match self {
            HeapType::Func => "func",
            HeapType::NoFunc => "nofunc",
            HeapType::Extern => "extern",
            HeapType::NoExtern => "noextern",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Exn => "exn",
            HeapType::NoExn => "noexn",
            HeapType::Def(..) | HeapType::Id(..) => return None,
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self) {
            (Some(n), _) => f.write_str(n),
            (None, HeapType::Def(i, _)) => write!(f, "{i}"),
            (None, HeapType::Id(id, _)) => write!(f, "#{}", id.0),
            (None, _) => Ok(()),
        }
    }
}

/// A reference type: a heap type and whether null is a value of it.
/// Spec: <https://webassembly.github.io/spec/core/syntax/types.html#reference-types>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RefType {
    /// Whether the type includes null.
    pub nullable: bool,
    /// What a non-null reference points to.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType::new(true, HeapType::Func);
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType::new(true, HeapType::Extern);
    /// `exnref`: `(ref null exn)`, a caught exception.
    pub const EXNREF: RefType = RefType::new(true, HeapType::Exn);
    /// `anyref`: `(ref null any)`.
    pub const ANYREF: RefType = RefType::new(true, HeapType::Any);

    /// The reference type `(ref null? heap)`.
    pub const fn new(nullable: bool, heap: HeapType) -> Self {
        RefType { nullable, heap }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap.name()) {
            (true, Some(n)) => write!(f, "{n}ref"),
            (true, None) => write!(f, "(ref null {})", self.heap),
            (false, _) => write!(f, "(ref {})", self.heap),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn abstract_subtyping() {
        use HeapType as H;
        let s = H::Def(3, DefKind::Struct);
        assert_eq!(H::I31.abstract_matches(H::Eq), Some(true));
        assert_eq!(s.abstract_matches(H::Eq), Some(true));
        assert_eq!(s.abstract_matches(H::Array), Some(false));
        assert_eq!(H::None.abstract_matches(s), Some(true));
        assert_eq!(H::NoFunc.abstract_matches(s), Some(false));
        assert_eq!(s.abstract_matches(H::Def(4, DefKind::Struct)), None);
        assert_eq!(
            H::Def(1, DefKind::Func).abstract_matches(H::Func),
            Some(true)
        );
        assert_eq!(
            H::Def(1, DefKind::Func).abstract_matches(H::Any),
            Some(false)
        );
        assert_eq!(H::Eq.abstract_matches(H::I31), Some(false));
    }

    #[test]
    fn display() {
        assert_eq!(RefType::FUNCREF.to_string(), "funcref");
        assert_eq!(
            RefType::new(false, HeapType::Func).to_string(),
            "(ref func)"
        );
        assert_eq!(
            RefType::new(true, HeapType::Def(2, DefKind::Func)).to_string(),
            "(ref null 2)"
        );
    }
}
