//! Values. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#values>

use crate::reftype::{HeapType, RefType};
use crate::types::ValType;
use core::fmt;

/// The address of a function instance in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);

/// An external reference as its cell (see [`crate::cells`]): a host reference
/// (`addr + 1`, upper half zero), or an internal reference made external
/// (`extern.convert_any`). Never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternAddr(pub u64);

impl ExternAddr {
    /// The reference to the host's value at `addr` in its store.
    pub const fn host(addr: u32) -> Self {
        ExternAddr(addr as u64 + 1)
    }
    /// The address of the host's value, if this is a host reference.
    pub const fn host_addr(self) -> Option<u32> {
        if crate::cells::kind(self.0) == 0 {
            Some((self.0 - 1) as u32)
        } else {
            None
        }
    }
}

/// The address of an exception instance in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExnAddr(pub u32);

/// An internal reference (the `any` hierarchy of the GC proposal) as its cell (see
/// [`crate::cells`]): an `i31`, a heap object, or a host reference made internal. Never
/// zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnyAddr(pub u64);

/// A 32-bit float kept as its bit pattern, so that NaN payloads survive every copy.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct F32(pub u32);

/// A 64-bit float kept as its bit pattern.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct F64(pub u64);

impl F32 {
    pub fn from_float(f: f32) -> Self {
        F32(f.to_bits())
    }
    pub fn to_float(self) -> f32 {
        f32::from_bits(self.0)
    }
}
impl F64 {
    pub fn from_float(f: f64) -> Self {
        F64(f.to_bits())
    }
    pub fn to_float(self) -> f64 {
        f64::from_bits(self.0)
    }
}
impl fmt::Debug for F32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_float())
    }
}
impl fmt::Debug for F64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_float())
    }
}

/// A typed WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(F32),
    F64(F64),
    V128(u128),
    FuncRef(Option<FuncAddr>),
    ExternRef(Option<ExternAddr>),
    ExnRef(Option<ExnAddr>),
    AnyRef(Option<AnyAddr>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FUNCREF,
            Val::ExternRef(_) => ValType::EXTERNREF,
            Val::ExnRef(_) => ValType::EXNREF,
            Val::AnyRef(_) => ValType::ANYREF,
        }
    }

    /// The default value of a type (zero or null). Spec: `default_t`.
    pub fn default_of(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(F32(0)),
            ValType::F64 => Val::F64(F64(0)),
            ValType::V128 => Val::V128(0),
            ValType::Ref(r) => Val::null_of(r),
        }
    }

    /// The null reference of `r`'s hierarchy.
    pub fn null_of(r: RefType) -> Val {
        match r.heap.top() {
            HeapType::Func => Val::FuncRef(None),
            HeapType::Extern => Val::ExternRef(None),
            HeapType::Exn => Val::ExnRef(None),
            _ => Val::AnyRef(None),
        }
    }

    /// Whether the value is a null reference.
    pub fn is_null(&self) -> bool {
        matches!(
            self,
            Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) | Val::AnyRef(None)
        )
    }

    /// Packs the value into an untyped cell. The null reference is `0` and address `a`
    /// is `a + 1`, so a zeroed cell is null.
    pub fn to_raw(self) -> RawVal {
        RawVal(match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v.0 as u64,
            Val::F64(v) => v.0,
            // v128 spans two cells; callers that handle vectors split it themselves.
            Val::V128(v) => v as u64,
            Val::FuncRef(r) => r.map_or(0, |a| a.0 as u64 + 1),
            Val::ExternRef(r) => r.map_or(0, |a| a.0),
            Val::ExnRef(r) => r.map_or(0, |a| a.0 as u64 + 1),
            Val::AnyRef(r) => r.map_or(0, |a| a.0),
        })
    }

    /// Writes the value into `ty.cells()` cells (a `v128` low half first).
    pub fn write_cells(self, cells: &mut [RawVal]) {
        match (self, cells) {
            (Val::V128(v), [lo, hi, ..]) => {
                *lo = RawVal(v as u64);
                *hi = RawVal((v >> 64) as u64);
            }
            (v, [c, ..]) => *c = v.to_raw(),
            _ => {}
        }
    }

    /// Reads a value of type `ty` from its cells.
    pub fn read_cells(cells: &[RawVal], ty: ValType) -> Val {
        match (ty, cells) {
            (ValType::V128, [lo, hi, ..]) => Val::V128(lo.0 as u128 | (hi.0 as u128) << 64),
            (ty, [c, ..]) => Val::from_raw(*c, ty),
            (ty, []) => Val::default_of(ty),
        }
    }

    /// Reads a cell back as a value of the given type.
    pub fn from_raw(raw: RawVal, ty: ValType) -> Val {
        let b = raw.0;
        match ty {
            ValType::I32 => Val::I32(b as u32 as i32),
            ValType::I64 => Val::I64(b as i64),
            ValType::F32 => Val::F32(F32(b as u32)),
            ValType::F64 => Val::F64(F64(b)),
            ValType::V128 => Val::V128(b as u128),
            ValType::Ref(r) => match r.heap.top() {
                HeapType::Func => Val::FuncRef(raw.as_ref_addr().map(FuncAddr)),
                HeapType::Extern => Val::ExternRef((b != 0).then_some(ExternAddr(b))),
                HeapType::Exn => Val::ExnRef(raw.as_ref_addr().map(ExnAddr)),
                _ => Val::AnyRef((b != 0).then_some(AnyAddr(b))),
            },
        }
    }
}

/// An untyped 64-bit cell: how the executor stores every scalar and reference value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(transparent)]
pub struct RawVal(pub u64);

impl RawVal {
    /// A reference cell holds `addr + 1`; zero is null.
    pub fn as_ref_addr(self) -> Option<u32> {
        if self.0 == 0 {
            None
        } else {
            Some((self.0 - 1) as u32)
        }
    }
    pub fn from_ref_addr(addr: Option<u32>) -> Self {
        RawVal(addr.map_or(0, |a| a as u64 + 1))
    }
}
