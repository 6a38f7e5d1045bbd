//! Whether a reference is a value of a type, at run time: `ref.test`, `ref.cast`,
//! `br_on_cast` and the host's values.
//! Spec: <https://webassembly.github.io/spec/core/valid/matching.html#reference-types>
//! and <https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-ref-mathsf-ref-test-xref-syntax-types-syntax-reftype-mathit-rt>

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
                // A host reference made internal is only an `anyref`; and no struct or
                // array exists yet (nothing allocates one), so nothing else is either.
                _ => heap == HeapType::Any,
            },
        }
    }
}
