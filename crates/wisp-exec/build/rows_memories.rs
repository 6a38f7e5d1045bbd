//! The general family of memory instructions: any memory of the instance, 32- or 64-bit
//! addresses (multi-memory, memory64). Spec:
//! <https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions>
//!
//! Memory 0 with 32-bit addresses keeps its own instructions, which find it in the
//! dispatch loop's registers; these find their memory through the instance at every
//! access and check bounds in 64 bits, out of line (`exec/memories.rs`). Every access's
//! static offset follows in an `Arg { a: low half, b: high half }`; the lane forms put
//! their own `Arg` after that one. The general form of a Wasm load or store `X` is
//! `XMem`, which the translator finds by that name.
//!
//! Appended after every other family, so that adding them renumbered nothing.

use crate::rows::to_snake;
use crate::rows_memory::{LOADS, STORES};
use crate::rows_simd::{LOAD, LOAD_LANE, STORE_LANE};
use crate::table::{row, wasm_name, Row, Ty::*};

const MEMS: &str = "multi-memory";
const VECTOR_MEMS: &str = "simd,multi-memory";

pub fn rows() -> Vec<Row> {
    let mut t = Vec::new();
    for &(name, _, conv) in LOADS {
        let w = wasm_name(&to_snake(name));
        t.push(
            row(
                &format!("{name}Mem"),
                &[("dst", Slot), ("addr", Slot), ("memory", Mem)],
                "memories::load",
            )
            .args(&[&format!("memory::{conv}")])
            .doc(format!(
                "`{w}` from any memory; the offset follows in an `Arg`."
            ))
            .feature(MEMS),
        );
    }
    for &(name, width) in STORES {
        let w = wasm_name(&to_snake(name));
        t.push(
            row(
                &format!("{name}Mem"),
                &[("addr", Slot), ("value", Slot), ("memory", Mem)],
                &format!("memories::store::<{width}>"),
            )
            .doc(format!(
                "`{w}` to any memory; the offset follows in an `Arg`."
            ))
            .feature(MEMS),
        );
    }
    for &(name, _, f) in LOAD {
        t.push(
            row(
                &format!("{name}Mem"),
                &[("dst", Slot), ("addr", Slot), ("memory", Mem)],
                "memories::v_load",
            )
            .args(&[&format!("simd::{f}")])
            .doc(format!(
                "`v128.{}` from any memory; the offset follows in an `Arg`.",
                f.trim_start_matches("load_").replace('_', "x")
            ))
            .vector()
            .feature(VECTOR_MEMS),
        );
    }
    for &(name, width) in LOAD_LANE {
        t.push(
            row(
                &format!("{name}Mem"),
                &[("dst", Slot), ("addr", Slot), ("memory", Mem)],
                &format!("memories::v_load_lane::<{width}>"),
            )
            .doc(format!(
                "Loads {width} bytes into one lane from any memory: followed by the offset's \
                 `Arg`, then `Arg {{ a: vector, b: lane }}`."
            ))
            .vector()
            .feature(VECTOR_MEMS),
        );
    }
    for &(name, width) in STORE_LANE {
        t.push(
            row(
                &format!("{name}Mem"),
                &[("addr", Slot), ("value", Slot), ("memory", Mem)],
                &format!("memories::v_store_lane::<{width}>"),
            )
            .doc(format!(
                "Stores one {width}-byte lane to any memory: followed by the offset's `Arg`, \
                 then `Arg {{ a: lane, .. }}`."
            ))
            .vector()
            .feature(VECTOR_MEMS),
        );
    }
    t.push(
        row(
            "V128StoreMem",
            &[("addr", Slot), ("value", Slot), ("memory", Mem)],
            "memories::v128_store",
        )
        .doc("`v128.store` to any memory; the offset follows in an `Arg`.")
        .vector()
        .feature(VECTOR_MEMS),
    );
    t.extend(bulk());
    t
}

/// `memory.size`, `memory.grow` and the bulk operations on any memory, with `i64`
/// operands where the memory is 64-bit; and the index conversion of 64-bit tables.
fn bulk() -> Vec<Row> {
    vec![
        row(
            "MemorySizeMem",
            &[("dst", Slot), ("memory", Mem)],
            "memories::memory_size",
        )
        .doc("`memory.size` of any memory.")
        .feature(MEMS),
        row(
            "MemoryGrowMem",
            &[("dst", Slot), ("delta", Slot), ("memory", Mem)],
            "memories::memory_grow",
        )
        .doc("`memory.grow` of any memory.")
        .feature(MEMS),
        row(
            "MemoryFillMem",
            &[("dst", Slot), ("value", Slot), ("len", Slot)],
            "memories::memory_fill",
        )
        .doc("`memory.fill` of any memory: followed by `Arg { a: memory, .. }`.")
        .feature(MEMS),
        row(
            "MemoryCopyMem",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "memories::memory_copy",
        )
        .doc(
            "`memory.copy` between any two memories: followed by `Arg { a: dst_mem, b: src_mem }`.",
        )
        .feature(MEMS),
        row(
            "MemoryInitMem",
            &[("dst", Slot), ("src", Slot), ("len", Slot)],
            "memories::memory_init",
        )
        .doc("`memory.init` of any memory: followed by `Arg { a: data, b: memory }`.")
        .feature(MEMS),
        row(
            "TableIndex64",
            &[("dst", Slot), ("src", Slot)],
            "arith::unary",
        )
        .args(&["numeric::table_index64"])
        .doc(
            "An index or length of a 64-bit table, cut to `u32::MAX` when it is larger: no \
             table is that long, so it stays out of bounds, and the table instructions read \
             32 bits.",
        )
        .feature("memory64"),
    ]
}
