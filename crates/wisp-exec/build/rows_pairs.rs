//! Pairs: one handler for two instructions that run one after the other, so that the
//! second costs no dispatch of its own (a superinstruction). The pair row takes the
//! first instruction's place, fields and body; the second stays where it is, and the
//! pair's handler runs it too when it is the instruction control reaches next (after a
//! fall-through, a skip or a taken branch alike) and otherwise dispatches as usual, so
//! that a pair never changes what code means (`passes::pair_up` chooses them).
//!
//! The list is the most frequent transitions from one handler to the next in callgrind
//! profiles of the benchmark programs (`benches/README.md`): a loop body's last
//! instruction and the test after it, a load and the arithmetic on it, a step of a hash
//! and the next one.

use crate::rows::{ACC, FUSED};
use crate::table::Row;

/// `(first, second)`, in the order the translator tries them.
const PAIRS: &[(&str, &str)] = &[
    ("BrI32LtUAdd", "I32Store8Imm"),
    ("I32Store8Imm", "BrI32LtUAdd"),
    ("I32Store8Imm", "I32Add"),
    ("I32Add", "BrI32LtUAdd"),
    ("F64LoadDisp", "F64AccMulAdd"),
    ("BrI32GeSImm", "ReturnCopy"),
    ("BrI32GeSImm", "CallInternalStep"),
    ("F64AccMulAdd", "F64StoreAccValue"),
    ("I32Add", "I32AddImm"),
    ("I32Add", "I32AddImm2"),
    ("I32AddImm", "BrI32GtUImmAcc"),
    ("Const32", "BrI32LtUImm"),
    ("I32AddImm2", "BrI32NeStep"),
    ("I32Load8UIdx", "BrI32NeLoad8UIdx"),
    ("F64StoreAccValue", "I32AddImm"),
    ("I32Store8Imm", "BrI32LtUStep"),
    ("BrI32LtUStep", "I32Store8Imm"),
    ("BrI32LtUStep", "BrIfNezLoad8U"),
    ("I32XorShlImm", "I32XorShrUImmAcc"),
    ("I32XorShrUImmAcc", "I32XorShlImmAcc"),
    ("BrIfNezLoad8U", "BrI32LtUStep"),
    ("BrI32NeStep", "I32Load8UIdx"),
    ("BrI32NeLoad8UIdx", "BrI32NeStep"),
    ("I32AddAcc", "F64ConvertI32UAcc"),
    ("F64DivAccR", "F64LoadDisp"),
    ("F64ConvertI32UAcc", "F64DivAccR"),
    ("I32AddImm2", "BrI32NeAcc"),
    ("F64StoreAccValue", "I32AddImm2"),
    ("F64Load", "F64Load"),
    ("BrI32NeAcc", "BrIfNezLoad8UIdx"),
    ("BrI32GtUImmAcc", "ReturnI32Add"),
    ("BrI32LtUImm", "CallInternalStep"),
    ("BrIfNezLoad8UIdx", "I32Add"),
    ("GlobalSetOwnAddImm", "ReturnCopy"),
    ("I32AddImm", "F64LoadAcc"),
    ("F64LoadAcc", "F64LoadDisp"),
    ("F64Load", "F64AccMulAdd"),
    ("I32AddAcc", "I32AddAcc"),
    ("BrI32NeStep", "F64Load"),
    ("BrI32NeImmAcc", "I32Add"),
    ("GlobalOwnAddImm", "I32StoreAcc"),
    ("Copy", "GlobalGetOwn"),
    ("GlobalGetOwn", "BrI32NeImmAcc"),
    ("I32Add", "BrIfNezStep"),
    ("I32XorShlImmAcc", "GlobalSetOwnAddImm"),
    ("I32StoreAcc", "I32XorShlImm"),
    ("BrIfNezStep", "CallInternalCopy"),
    ("F64Load", "F64AddAcc"),
    ("F64MulAcc", "F64Load"),
    ("F64AddAcc", "F64StoreAccValue"),
    ("I32AddImm", "I32StoreAccValue"),
    ("I32RotlImm", "I32XorRotlImmAcc"),
    ("I32AddAcc", "I32RotlImm"),
    ("I32AddImm", "I32AddShl3"),
    ("I32Load16UAcc", "I32Load8U"),
    ("I32AddShl3", "I32Load16UAcc"),
    ("I32Load8U", "BrTableLoad8U"),
    ("F64StoreAccValue", "F64Load"),
    ("Select", "Copy"),
    ("I32ShrUImmAcc", "I32AddAcc"),
    ("BrI32LtUImm", "ReturnI32Add"),
    ("BrI32GtUImmAcc", "CallInternalStep"),
    ("I32AddImm", "I32MulAcc"),
    ("BrI32LtUCopy", "I32AddImm"),
    ("I32MulImmAdd", "I32Load16UAcc"),
    ("I32AndImm", "I32AddAcc"),
    ("I32ShlImm", "I32Load16UIdxAcc"),
    ("I32AddAcc", "I32Load16UDispAcc"),
    ("I32Load16UIdxAcc", "BrIfEqzAcc"),
    ("BrI32GtUAcc", "I32AndImm"),
    ("BrIfEqzAcc", "I32SubAndImm"),
    ("I32SubAndImm", "BrI32GtUAcc"),
    ("I32Load8UDisp", "I32AccXorMulImm"),
    ("I32AccXorMulImm", "I32Load8UDisp"),
    ("I32Load", "I32AddShl2Acc"),
    ("I32Load", "BrI32NeAcc"),
    ("I32Add", "I32Load8UAcc"),
    ("I32StoreAcc", "Br"),
    ("BrI32NeAcc", "I32Load"),
    ("I32AddImm", "BrIfEqzAcc"),
    ("I32Load", "I32AddAcc"),
    ("I32AddShl2Acc", "I32StoreAcc"),
    ("I32ShrUAndImm", "I32AddAcc"),
    ("BrI32EqAcc", "I32ShlImm"),
    ("I32AddShl2", "I32LoadAcc"),
    ("I32AddAcc", "I32ShrUAndImm"),
    ("BrIfEqz", "I32AddImm"),
    ("BrIfEqzAcc", "I32Load"),
    ("I32AddShl2Acc", "I32LoadAcc"),
    ("I32AddImm", "I32AddShl2Acc"),
    ("I32LoadAcc", "I32Load"),
    ("I32Store", "I32Store"),
    ("BrI32GeUImm", "I32AddImm"),
    ("I32Load16U", "BrI32NeImmAcc"),
    ("Const32", "Const32"),
    ("BrI32AndGtUMask", "I32MulImmAdd"),
    ("I32AndImm", "BrI32EqAcc"),
    ("BrI32NeImmAcc", "BrI32AndGtUMask"),
    ("I32ShlImm", "I32AddAcc"),
    ("I32AddImmAcc", "I32LoadAcc"),
    ("CopyPairBr", "BrI32GtSImm"),
    ("BrI32AndNeMask", "BrI32GtUImm"),
    ("CopyBr", "BrI32LtUCopy"),
    ("I32LoadAcc", "I32AddShl2"),
    ("I32MulImmAdd", "I32Store16Acc"),
    ("BrI32GtUImm", "I32MulImmAdd"),
    ("I32Store16Acc", "CopyPairBr"),
    ("I32Load", "I32ShlImm"),
    ("I32Load", "I32Load"),
];

/// The pair rows, made from the rows of `t` they name.
pub fn pairs(t: &[Row]) -> Vec<Row> {
    let get = |n: &str| {
        t.iter()
            .find(|r| r.name == n)
            .unwrap_or_else(|| panic!("pair names {n}, which is not in the table"))
    };
    PAIRS
        .iter()
        .map(|&(first, second)| {
            let (a, b) = (get(first), get(second));
            for r in [a, b] {
                let known = |f: &str| f.split(',').all(|x| x == ACC || x == FUSED);
                assert!(
                    r.feature.is_none_or(known),
                    "{}: pairs take scalar forms",
                    r.name
                );
            }
            let acc = [a, b]
                .iter()
                .any(|r| r.feature.is_some_and(|f| f.split(',').any(|x| x == ACC)));
            let mut r = crate::table::row(&format!("{first}Then{second}"), &a.fields, &a.body)
                .doc(format!(
                    "`{first}`, then `{second}` when that is the instruction control reaches \
                     next (one dispatch for both)."
                ))
                .feature(if acc { "accumulator,fused" } else { FUSED });
            r.args = a.args.clone();
            // The handler moves the first one's `f64` result as the first one does.
            (r.writes_facc, r.reads_facc) = (a.writes_facc, a.reads_facc);
            r.pair = Some(second.to_string());
            r
        })
        .collect()
}
