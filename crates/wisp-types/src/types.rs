//! Types. Spec: <https://webassembly.github.io/spec/core/syntax/types.html>

use crate::reftype::RefType;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// Value types: numbers, vectors and references.
///
/// WebAssembly 3.0 extends the set, so a `match` on it needs a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// 128-bit vector.
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);
    pub const ANYREF: ValType = ValType::Ref(RefType::ANYREF);

    /// The top of a reference type's hierarchy (`func`, `extern`, `any` or `exn`);
    /// `None` for a number or vector.
    pub const fn ref_top(self) -> Option<crate::HeapType> {
        match self {
            ValType::Ref(r) => Some(r.heap.top()),
            _ => None,
        }
    }

    /// How many 64-bit cells a value of this type occupies: two for `v128`.
    pub const fn cells(self) -> usize {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => return write!(f, "{r}"),
        })
    }
}

/// A function type: parameters to results.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params_results: Box<[ValType]>,
    n_params: usize,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let mut all: Vec<ValType> = params.into_iter().collect();
        let n_params = all.len();
        all.extend(results);
        FuncType {
            params_results: all.into_boxed_slice(),
            n_params,
        }
    }
    /// The type whose parameters are the first `n_params` of `params_results` and whose
    /// results are the rest; `None` if there are fewer.
    pub fn from_parts(params_results: Vec<ValType>, n_params: usize) -> Option<Self> {
        (n_params <= params_results.len()).then(|| FuncType {
            params_results: params_results.into_boxed_slice(),
            n_params,
        })
    }
    pub fn params(&self) -> &[ValType] {
        &self.params_results[..self.n_params]
    }
    pub fn results(&self) -> &[ValType] {
        &self.params_results[self.n_params..]
    }
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (kw, list) in [("param", self.params()), ("result", self.results())] {
            if !list.is_empty() {
                write!(f, " ({kw}")?;
                for t in list {
                    write!(f, " {t}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// Size bounds of a memory or table. Spec: <https://webassembly.github.io/spec/core/syntax/types.html#limits>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// Import matching: <https://webassembly.github.io/spec/core/valid/types.html#limits>
    pub fn matches(&self, wanted: &Limits) -> bool {
        self.min >= wanted.min
            && match (self.max, wanted.max) {
                (_, None) => true,
                (Some(have), Some(want)) => have <= want,
                (None, Some(_)) => false,
            }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub limits: Limits,
    pub memory64: bool,
    pub shared: bool,
    /// log2 of the page size; 16 unless custom-page-sizes says otherwise.
    pub page_size_log2: u8,
}

impl MemoryType {
    pub fn new(min: u64, max: Option<u64>) -> Self {
        MemoryType {
            limits: Limits { min, max },
            memory64: false,
            shared: false,
            page_size_log2: 16,
        }
    }
    pub fn page_size(&self) -> u64 {
        1u64 << self.page_size_log2
    }
    /// The largest page count addressable with this index type and page size.
    pub fn max_pages(&self) -> u64 {
        let bits = if self.memory64 { 64 } else { 32 };
        let shift = bits - self.page_size_log2 as u32;
        if shift >= 64 {
            u64::MAX
        } else {
            1u64 << shift
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: RefType,
    pub limits: Limits,
    /// Indexed by `i64` (table64, part of memory64) rather than `i32`.
    pub table64: bool,
}

impl TableType {
    /// A table of `element`s indexed by `i32`, `min` long at first.
    pub fn new(element: RefType, min: u64, max: Option<u64>) -> Self {
        TableType {
            element,
            limits: Limits { min, max },
            table64: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    Const,
    Var,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutability: Mutability,
}

/// The type of an external value (import or export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// An exception tag, typed by the values its exceptions carry (a function type
    /// without results).
    Tag(FuncType),
}

impl ExternType {
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
            ExternType::Tag(_) => "tag",
        }
    }
}
