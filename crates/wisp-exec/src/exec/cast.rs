//! `ref.test`, `ref.cast` and `br_on_cast`: the target type as the instruction names it
//! (a defined type by the running instance's index), checked by the store.

use crate::ir::CastTarget;
use crate::ExecStore;
use wisp_types::{HeapType, RefType};

/// Whether `cell` is a value of `target` in instance `instance`.
pub(crate) fn matches(store: &ExecStore, instance: u32, cell: u64, target: CastTarget) -> bool {
    let heap = match target.heap() {
        HeapType::Def(i, k) => {
            let id = store
                .instances
                .get(instance as usize)
                .and_then(|inst| inst.types.get(i as usize));
            match id {
                Some(&id) => HeapType::Id(id, k),
                None => return false,
            }
        }
        h => h,
    };
    store.ref_matches(cell, RefType::new(target.nullable(), heap))
}
