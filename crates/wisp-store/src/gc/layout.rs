//! How a struct's fields and an array's elements lie in a heap object, and which of
//! them the collector traces. Computed once per type, on its first allocation.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#aggregate-instances>
//!
//! A struct is one cell per field (two for a `v128`), packed fields included: a packed
//! field keeps the bits it was given and is cut to its width when read, so a write
//! needs no mask. An array is bytes, its elements at their own width (1, 2, 4, 8 or 16
//! bytes), so that an `(array i8)` of a megabyte takes a megabyte.

use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp_types::{cells, CompositeType, HeapType, StorageType, ValType};

/// How a reference field is traced: which cells of it name a heap object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trace {
    /// No heap object: a number, or a function or a host reference.
    No,
    /// The `any` or `exn` hierarchy: an object is a cell of kind 0.
    Internal,
    /// The `extern` hierarchy: an object made external (`extern.convert_any`).
    External,
}

impl Trace {
    /// How a value of type `t` is traced.
    pub fn of(t: ValType) -> Trace {
        match t {
            ValType::Ref(r) => match r.heap.top() {
                HeapType::Any | HeapType::Exn => Trace::Internal,
                HeapType::Extern => Trace::External,
                _ => Trace::No,
            },
            _ => Trace::No,
        }
    }

    /// The slot of the heap object `cell` names, if it names one.
    pub fn object(self, cell: u64) -> Option<u32> {
        let want = match self {
            Trace::No => return None,
            Trace::Internal => 0,
            Trace::External => cells::EXTERNAL_OBJECT,
        };
        let addr = cell & 0xffff_ffff;
        (cells::kind(cell) == want && addr != 0).then(|| addr as u32 - 1)
    }
}

/// The layout of one defined type's objects.
#[derive(Debug, Clone, Default)]
pub enum Layout {
    /// Not computed yet, or a function type (which has no objects).
    #[default]
    Unknown,
    /// A struct of `cells` cells; `refs` are the cells to trace, with how.
    Struct {
        cells: u32,
        refs: Box<[(u32, Trace)]>,
    },
    /// An array of elements of `size` bytes, traced as `trace` says.
    Array { size: u8, trace: Trace },
}

impl Layout {
    /// The layout of objects of type `c` (in any form: only the kinds of references
    /// matter).
    pub fn of(c: &CompositeType) -> Layout {
        match c {
            CompositeType::Func(_) => Layout::Unknown,
            CompositeType::Struct(fields) => {
                let mut cell = 0u32;
                let mut refs = Vec::new();
                for f in fields.iter() {
                    let t = f.storage.unpacked();
                    let trace = Trace::of(t);
                    if trace != Trace::No && matches!(f.storage, StorageType::Val(_)) {
                        refs.push((cell, trace));
                    }
                    cell += t.cells() as u32;
                }
                Layout::Struct {
                    cells: cell,
                    refs: refs.into_boxed_slice(),
                }
            }
            CompositeType::Array(f) => Layout::Array {
                size: element_size(f.storage),
                trace: match f.storage {
                    StorageType::Val(t) => Trace::of(t),
                    _ => Trace::No,
                },
            },
        }
    }
}

/// The bytes an element of type `s` takes in an array.
pub fn element_size(s: StorageType) -> u8 {
    match s {
        StorageType::I8 => 1,
        StorageType::I16 => 2,
        StorageType::Val(ValType::I32 | ValType::F32) => 4,
        StorageType::Val(ValType::V128) => 16,
        StorageType::Val(_) => 8,
    }
}

/// The cell at which field `index` of a struct with `fields` starts, and the field's
/// storage type.
pub fn field_cell(fields: &[wisp_types::FieldType], index: u32) -> Option<(u32, StorageType)> {
    let f = fields.get(index as usize)?;
    let cell = fields[..index as usize]
        .iter()
        .map(|f| f.storage.unpacked().cells() as u32)
        .sum();
    Some((cell, f.storage))
}
