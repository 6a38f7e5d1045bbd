//! Whether a reference is a value of a type, at run time: `ref.test`, `ref.cast`,
//! `br_on_cast` and the host's values.
//! Spec: <https://webassembly.github.io/spec/core/valid/matching.html#reference-types>
//! and <https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-ref-mathsf-ref-test-xref-syntax-types-syntax-reftype-mathit-rt>

use crate::gc::Object;
use crate::Store;
use wisp_types::{cells, HeapType, RefType};

impl<C> Store<C> {
    /// Whether the reference `cell`, a value of `ty`'s hierarchy, is a value of `ty`
    /// (in store form: a defined type by its id).
    pub fn ref_matches(&self, cell: u64, ty: RefType) -> bool {
        if cell == 0 {
            return ty.nullable;
        }
        let heap = ty.heap;
        match heap.top() {
            HeapType::Func => match heap {
                HeapType::Func => true,
                HeapType::Id(want, _) => self
                    .funcs
                    .get((cell - 1) as usize)
                    .is_some_and(|f| self.types.is_subtype(f.type_id, want)),
                _ => false,
            },
            HeapType::Extern => heap == HeapType::Extern,
            HeapType::Exn => heap == HeapType::Exn,
            _ => match cells::kind(cell) {
                cells::I31 => matches!(heap, HeapType::Any | HeapType::Eq | HeapType::I31),
                0 => self.object_matches((cell - 1) as u32, heap),
                // A host reference made internal is only an `anyref`.
                _ => heap == HeapType::Any,
            },
        }
    }
}

impl<C> Store<C> {
    /// Whether the struct or array in heap slot `addr` is of heap type `heap`, of the
    /// `any` hierarchy.
    fn object_matches(&self, addr: u32, heap: HeapType) -> bool {
        let (id, is_struct) = match self.heap.object(addr) {
            Some(Object::Struct { ty, .. } | Object::SmallStruct { ty, .. }) => (*ty, true),
            Some(Object::Array { ty, .. }) => (*ty, false),
            _ => return heap == HeapType::Any,
        };
        match heap {
            HeapType::Any | HeapType::Eq => true,
            HeapType::Struct => is_struct,
            HeapType::Array => !is_struct,
            HeapType::Id(want, _) => self.types.is_subtype(id, want),
            _ => false,
        }
    }

    /// Makes sure the heap knows the layout of type `ty`'s objects (see
    /// [`gc::Layout`](crate::gc::Layout)).
    pub fn ensure_layout(&mut self, ty: wisp_types::TypeId) -> Result<(), crate::gc::HeapFull> {
        if self.heap.layout(ty).is_some() {
            return Ok(());
        }
        let layout = match self.types.composite_shape(ty) {
            Some(c) => crate::gc::Layout::of(c),
            None => return Err(crate::gc::HeapFull),
        };
        self.heap.set_layout(ty, layout)
    }
}
