//! The rows of loads and stores of memory 0: one call per Wasm operator gives its plain
//! row and its specialised forms (`Idx`, `Disp`, `Imm`, `Acc`, `AccValue`).

use crate::rows::{to_snake, ACC};
use crate::table::{row, wasm_name, Row, Translate, Ty::*};

/// A load of `width` bytes converted to a cell by `conv` (in `handlers::memory`), its
/// forms with the address the sum of two slots (`Idx`) or of a slot and a constant
/// (`Disp`), and their accumulator forms.
fn load(t: &mut Vec<Row>, name: &str, width: u32, conv: &str) {
    let (idx, acc, idx_acc) = (
        format!("{name}Idx"),
        format!("{name}Acc"),
        format!("{name}IdxAcc"),
    );
    let (disp, disp_acc) = (format!("{name}Disp"), format!("{name}DispAcc"));
    let w = wasm_name(&to_snake(name));
    let conv = format!("memory::{conv}");
    let _ = width; // the conversion's argument type gives it
    t.push(
        row(
            name,
            &[("dst", Slot), ("addr", Slot), ("offset", Offset)],
            "memory::load",
        )
        .args(&[&conv])
        .doc(format!("`{w}` from memory 0."))
        .acc_result()
        .retarget()
        .acc("addr", &acc)
        .translate(Translate::Load {
            idx: idx.clone(),
            disp: disp.clone(),
        }),
    );
    t.push(
        row(
            &idx,
            &[("dst", Slot), ("base", Slot), ("index", Slot)],
            "memory::load_idx",
        )
        .args(&[&conv])
        .doc(format!(
            "`{w}` at the sum of `base` and `index` (an `i32.add` just before it, offset 0)."
        ))
        .acc_result()
        .retarget()
        .acc("base", &idx_acc)
        .acc_renamed("index", &idx_acc, &[("index", "base")]),
    );
    t.push(
        row(
            &disp,
            &[("dst", Slot), ("base", Slot), ("disp", Imm32)],
            "memory::load_disp",
        )
        .args(&[&conv])
        .doc(format!(
            "`{w}` at the `i32` sum of `base` and `disp` (an `i32.add` of a constant just \
             before it, offset 0)."
        ))
        .acc_result()
        .retarget()
        .acc("base", &disp_acc),
    );
    t.push(
        row(
            &disp_acc,
            &[("dst", Slot), ("disp", Imm32)],
            "memory::load_disp_acc",
        )
        .args(&[&conv])
        .doc(format!(
            "`{w}` at the `i32` sum of the accumulator and `disp`."
        ))
        .feature(ACC)
        .acc_result(),
    );
    t.push(
        row(
            &acc,
            &[("dst", Slot), ("offset", Offset)],
            "memory::load_acc",
        )
        .args(&[&conv])
        .doc(format!("`{w}` with the address in the accumulator."))
        .feature(ACC)
        .acc_result(),
    );
    t.push(
        row(
            &idx_acc,
            &[("dst", Slot), ("index", Slot)],
            "memory::load_idx_acc",
        )
        .args(&[&conv])
        .doc(format!("`{w}` at the accumulator plus `index`."))
        .feature(ACC)
        .acc_result(),
    );
    // An `f64` loaded is often the operand of the arithmetic right after it.
    if name == "F64Load" {
        for r in t.iter_mut().rev().take(6) {
            r.writes_facc = true;
        }
    }
}

/// A store of the low `width` bytes of `value`, its form storing a constant (`Imm`, the
/// bytes of its 32-bit sign extension), their forms with the address in the
/// accumulator, and the form storing the accumulator (`AccValue`).
fn store(t: &mut Vec<Row>, name: &str, width: u32) {
    let w = wasm_name(&to_snake(name));
    let (imm, acc, imm_acc, acc_value) = (
        format!("{name}Imm"),
        format!("{name}Acc"),
        format!("{name}ImmAcc"),
        format!("{name}AccValue"),
    );
    let disp = format!("{name}Disp");
    let n = format!("{width}");
    t.push(
        row(
            name,
            &[("addr", Slot), ("value", Slot), ("offset", Offset)],
            &format!("memory::store::<{n}>"),
        )
        .doc(format!("`{w}` to memory 0."))
        .acc("addr", &acc)
        .acc("value", &acc_value)
        .translate(Translate::Store {
            imm: imm.clone(),
            disp: disp.clone(),
            width,
        }),
    );
    t.push(
        row(
            &disp,
            &[("base", Slot), ("value", Slot), ("disp", Imm32)],
            &format!("memory::store_disp::<{n}>"),
        )
        .doc(format!(
            "`{w}` at the `i32` sum of `base` and `disp` (an `i32.add` of a constant just \
             before a `local.get` of the value, offset 0)."
        )),
    );
    t.push(
        row(
            &imm,
            &[("addr", Slot), ("value", Imm32), ("offset", Offset)],
            &format!("memory::store_imm::<{n}>"),
        )
        .doc(format!("`{w}` of a constant."))
        .acc("addr", &imm_acc),
    );
    t.push(
        row(
            &acc,
            &[("value", Slot), ("offset", Offset)],
            &format!("memory::store_acc::<{n}>"),
        )
        .doc(format!("`{w}` with the address in the accumulator."))
        .feature(ACC),
    );
    t.push(
        row(
            &imm_acc,
            &[("value", Imm32), ("offset", Offset)],
            &format!("memory::store_imm_acc::<{n}>"),
        )
        .doc(format!(
            "`{w}` of a constant, the address in the accumulator."
        ))
        .feature(ACC),
    );
    t.push(
        row(
            &acc_value,
            &[("addr", Slot), ("offset", Offset)],
            &format!("memory::store_acc_value::<{n}>"),
        )
        .doc(format!("`{w}` of the accumulator."))
        .feature(ACC),
    );
    // An `f64` stored is often the result of the arithmetic right before it.
    if name == "F64Store" {
        if let Some(r) = t.last_mut() {
            r.reads_facc = true;
        }
    }
}

/// The scalar loads: name, width in bytes, conversion to a cell.
pub const LOADS: &[(&str, u32, &str)] = &[
    ("I32Load", 4, "u32_le"),
    ("I64Load", 8, "u64_le"),
    ("F32Load", 4, "u32_le"),
    ("F64Load", 8, "u64_le"),
    ("I32Load8S", 1, "i8_to_i32"),
    ("I32Load8U", 1, "u8_to_u64"),
    ("I32Load16S", 2, "i16_to_i32"),
    ("I32Load16U", 2, "u16_le"),
    ("I64Load8S", 1, "i8_to_i64"),
    ("I64Load8U", 1, "u8_to_u64"),
    ("I64Load16S", 2, "i16_to_i64"),
    ("I64Load16U", 2, "u16_le"),
    ("I64Load32S", 4, "i32_to_i64"),
    ("I64Load32U", 4, "u32_le"),
];

/// The scalar stores: name, width in bytes.
pub const STORES: &[(&str, u32)] = &[
    ("I32Store", 4),
    ("I64Store", 8),
    ("F32Store", 4),
    ("F64Store", 8),
    ("I32Store8", 1),
    ("I32Store16", 2),
    ("I64Store8", 1),
    ("I64Store16", 2),
    ("I64Store32", 4),
];

pub fn memory_access(t: &mut Vec<Row>) {
    for &(name, width, conv) in LOADS {
        load(t, name, width, conv);
    }
    for &(name, width) in STORES {
        store(t, name, width);
    }
    // Two fields of one struct read one after the other (`v.ptr`, `v.len`).
    t.push(
        row(
            "I32Load2",
            &[("dsts", SlotPair), ("addr", Slot), ("offsets", ImmPair)],
            "memory::load_pair",
        )
        .args(&["memory::u32_le"])
        .doc(
            "Two 32-bit loads from `addr`, at `offsets.0` into `dsts.0` and then at \
             `offsets.1` into `dsts.1`, which stays in the accumulator; skips the \
             instruction after it, the second load.",
        )
        .feature(ACC),
    );
}
