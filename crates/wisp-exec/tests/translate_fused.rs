//! What the translator emits for the fused forms that take over a neighbour: a shift
//! into an `xor`, a counter's step or copy into its exit test, a loaded byte into a
//! `br_table` or a test, a product into a sum, a copy or a sum into a return, an
//! argument's step into a call. (The other fused forms: `translate.rs`.)

mod common;
use common::ops;
use wisp_exec::ir::{Imm32, InstrIdx, MemOffset, Op, Slot};

#[test]
fn a_shift_feeding_an_xor_is_part_of_it() {
    use wisp_exec::ir::ShiftedSlot;
    // Σ1: the first rotate stays, the other two fold into the xors that read them.
    let code = ops(r#"(module (func (param i32) (result i32)
            (i32.xor
              (i32.xor (i32.rotl (local.get 0) (i32.const 26))
                       (i32.rotl (local.get 0) (i32.const 21)))
              (i32.rotl (local.get 0) (i32.const 7)))))"#);
    let folded: Vec<_> = code
        .iter()
        .filter_map(|op| match *op {
            Op::I32XorRotlImm { src, .. } | Op::I32XorRotlImmAcc { src, .. } => Some(src),
            _ => None,
        })
        .collect();
    assert_eq!(
        folded,
        [
            ShiftedSlot::new(Slot(0), 21).unwrap(),
            ShiftedSlot::new(Slot(0), 7).unwrap()
        ],
        "{code:#?}"
    );
    assert_eq!(
        code.iter()
            .filter(|op| matches!(op, Op::I32RotlImm { .. }))
            .count(),
        1
    );
    // The shifted value below a local, and an amount taken modulo 64.
    let code = ops(r#"(module (func (param i64 i64) (result i64)
            (i64.xor (i64.shl (local.get 1) (i64.const 70)) (local.get 0))))"#);
    assert!(
        code.contains(&Op::I64XorShlImm {
            dst: Slot(2),
            lhs: Slot(0),
            src: ShiftedSlot::new(Slot(1), 6).unwrap()
        }),
        "{code:#?}"
    );
    // A shift whose result is also kept (teed) or that another instruction separates
    // from the xor stays a shift.
    for text in [
        r#"(module (func (param i32 i32) (result i32)
            (i32.xor (local.get 0) (local.tee 1 (i32.rotl (local.get 0) (i32.const 3))))))"#,
        r#"(module (func (param i32 i32) (result i32)
            (i32.xor (i32.rotl (local.get 0) (i32.const 3)) (i32.add (local.get 1) (i32.const 1)))))"#,
    ] {
        let code = ops(text);
        assert!(
            code.iter()
                .any(|op| matches!(op, Op::I32RotlImm { .. } | Op::I32RotlImmAcc { .. })),
            "{code:#?}"
        );
    }
}

#[test]
fn a_counter_stepped_before_the_exit_test_branches_in_the_same_instruction() {
    use wisp_exec::ir::SteppedSlot;
    let code = ops(r#"(module (func (param i32 i32)
            (loop
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (br_if 0 (local.get 0)))
            (loop
              (local.set 1 (i32.add (local.get 1) (i32.const 3)))
              (br_if 0 (i32.ne (local.get 1) (i32.const 300))))))"#);
    let down = SteppedSlot::new(Slot(0), Imm32(-1i32 as u32)).unwrap();
    let up = SteppedSlot::new(Slot(1), Imm32(3)).unwrap();
    assert!(
        matches!(code[..], [
            Op::BrIfNezStep { counter: c0, target: InstrIdx(0) },
            Op::BrIfNezAcc { target: InstrIdx(0) },
            Op::BrI32NeImmStep { counter: c1, imm: Imm32(300), target: InstrIdx(2) },
            Op::BrI32NeImmAcc { .. },
            ..
        ] if c0 == down && c1 == up),
        "{code:#?}"
    );
    let code = ops(r#"(module (func (param i32 i32 i32)
            (loop
              (local.set 0 (i32.add (local.get 1) (local.get 0)))
              (br_if 0 (i32.lt_u (local.get 0) (local.get 2))))))"#);
    assert!(
        code.contains(&Op::BrI32LtUAdd {
            counter: wisp_exec::ir::SlotPair::new(Slot(0), Slot(1)).unwrap(),
            rhs: Slot(2),
            target: InstrIdx(0)
        }),
        "{code:#?}"
    );
    // A step that is not in place, or too large, keeps its own instruction.
    for text in [
        r#"(module (func (param i32 i32)
            (loop (local.set 1 (i32.add (local.get 0) (i32.const 1)))
                  (br_if 0 (local.get 1)))))"#,
        r#"(module (func (param i32)
            (loop (local.set 0 (i32.add (local.get 0) (i32.const 40000)))
                  (br_if 0 (local.get 0)))))"#,
    ] {
        let code = ops(text);
        assert!(
            !code.iter().any(|op| matches!(op, Op::BrIfNezStep { .. })),
            "{code:#?}"
        );
    }
}

#[test]
fn a_table_on_a_loaded_byte_loads_it_itself() {
    let code = ops(r#"(module (memory 1) (func (param i32)
            (block (block (br_table 0 1 (i32.load8_u offset=3 (local.get 0)))))))"#);
    assert!(
        code.contains(&Op::BrTableLoad8U {
            addr: Slot(0),
            offset: MemOffset(3),
            len: 1
        }),
        "{code:#?}"
    );
    // A byte kept in a local, or a 16-bit load, goes through its slot.
    for text in [
        r#"(module (memory 1) (func (param i32) (local i32)
            (block (block (br_table 0 1 (local.tee 1 (i32.load8_u (local.get 0))))))))"#,
        r#"(module (memory 1) (func (param i32)
            (block (block (br_table 0 1 (i32.load16_u (local.get 0)))))))"#,
    ] {
        let code = ops(text);
        assert!(
            !code.iter().any(|op| matches!(op, Op::BrTableLoad8U { .. })),
            "{code:#?}"
        );
    }
}

#[test]
fn a_value_copied_only_to_be_returned_is_returned_from_where_it_is() {
    let code = ops(r#"(module (func (param i32) (result i32)
            (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (local.get 0) (i32.const 7))))))"#);
    assert_eq!(code[1], Op::ReturnCopy { src: Slot(0) }, "{code:#?}");
    assert!(
        !code.iter().any(|op| matches!(op, Op::Copy { .. })),
        "{code:#?}"
    );
}

#[test]
fn a_test_of_a_value_just_copied_copies_and_branches_in_one_instruction() {
    use wisp_exec::ir::SlotPair;
    let code = ops(r#"(module (func (param i32 i32 i32)
            (loop
              (local.set 1 (i32.add (local.get 1) (i32.const 3)))
              (local.set 0 (local.get 1))
              (br_if 0 (i32.lt_u (local.get 0) (local.get 2))))))"#);
    assert!(
        code.contains(&Op::BrI32LtUCopy {
            moved: SlotPair::new(Slot(0), Slot(1)).unwrap(),
            rhs: Slot(2),
            target: InstrIdx(0)
        }),
        "{code:#?}"
    );
}

#[test]
fn a_product_only_a_sum_reads_is_part_of_the_sum() {
    // sum + load(a) * b: the load leaves the factor in the accumulator, the product
    // goes to a temporary the add alone reads.
    let code = ops(r#"(module (memory 1) (func (param i32 f64 f64) (result f64)
            (f64.add (local.get 2) (f64.mul (f64.load (local.get 0)) (local.get 1)))))"#);
    assert!(
        code.iter().any(|op| matches!(
            op,
            Op::F64AccMulAdd {
                rhs: Slot(1),
                addend: Slot(2),
                ..
            }
        )),
        "{code:#?}"
    );
    // A product kept in a local is written, so it stays a multiplication.
    let code = ops(
        r#"(module (memory 1) (func (param i32 f64 f64) (result f64) (local f64)
            (f64.add (local.get 2) (local.tee 3 (f64.mul (f64.load (local.get 0)) (local.get 1))))))"#,
    );
    assert!(
        !code.iter().any(|op| matches!(op, Op::F64AccMulAdd { .. })),
        "{code:#?}"
    );
}

#[test]
fn a_byte_loaded_only_for_a_test_is_loaded_by_the_test() {
    use wisp_exec::ir::SlotPair;
    let code = ops(r#"(module (memory 1) (func (param i32 i32 i32) (result i32)
            (block (br_if 0 (i32.ne (i32.load8_u (i32.add (local.get 0) (local.get 1)))
                                    (local.get 2))))
            (block (br_if 0 (i32.load8_u offset=5 (local.get 0))))
            (i32.const 0)))"#);
    assert!(
        code.iter().any(
            |op| matches!(op, Op::BrI32NeLoad8UIdx { addr, rhs: Slot(2), .. }
            if *addr == SlotPair::new(Slot(0), Slot(1)).unwrap())
        ),
        "{code:#?}"
    );
    assert!(
        code.iter().any(|op| matches!(
            op,
            Op::BrIfNezLoad8U {
                addr: Slot(0),
                offset: MemOffset(5),
                ..
            }
        )),
        "{code:#?}"
    );
}

#[test]
fn integer_pairs_are_fused_where_the_first_result_is_dead() {
    use wisp_exec::ir::{ImmPair, ShiftedSlot, SlotPair};
    // A product feeding a sum, its slot a temporary or the sum's own; then one of the
    // value just computed, in the accumulator.
    let code = ops(r#"(module (func (param i32 i32) (result i32)
            (local.set 1 (i32.add (i32.mul (local.get 0) (i32.const 10)) (local.get 1)))
            (local.set 0 (i32.add (i32.mul (local.get 1) (i32.const -100)) (local.get 0)))
            (i32.xor (local.get 0) (i32.const 1))))"#);
    let fused: Vec<_> = code
        .iter()
        .filter_map(|op| match *op {
            Op::I32MulImmAdd { dst, src, imm } => Some((dst, Some(src), imm)),
            Op::I32AccMulImmAdd { dst, addend, imm } => {
                Some((dst, SlotPair::new(Slot(9), addend), imm))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        fused,
        [
            (Slot(1), SlotPair::new(Slot(0), Slot(1)), Imm32(10)),
            (
                Slot(0),
                SlotPair::new(Slot(9), Slot(0)),
                Imm32(-100i32 as u32)
            )
        ],
        "{code:#?}"
    );
    // A product kept in a local that is read again is not taken over.
    let code = ops(r#"(module (func (param i32 i32) (result i32) (local i32)
            (i32.add (local.tee 2 (i32.mul (local.get 0) (i32.const 3))) (local.get 1))
            (local.get 2) (i32.add)))"#);
    assert!(
        !code.iter().any(|op| matches!(op, Op::I32MulImmAdd { .. })),
        "{code:#?}"
    );
    // A step of a hash, in both forms; a masked value added; a difference masked.
    let fn2 = |body: &str| {
        ops(&format!(
            "(module (func (param i32 i32) (result i32) {body}))"
        ))
    };
    let pair = |a, b| SlotPair::new(Slot(a), Slot(b)).unwrap();
    let code = fn2(
        "(local.set 0 (i32.mul (i32.xor (local.get 0) (local.get 1)) (i32.const 31)))
            (local.get 0)",
    );
    assert!(
        code.contains(&Op::I32XorMulImm {
            dst: Slot(0),
            src: pair(0, 1),
            imm: Imm32(31)
        }),
        "{code:#?}"
    );
    let code = fn2(
        "(i32.mul (i32.xor (i32.add (local.get 1) (i32.const 1)) (local.get 0))
            (i32.const 33))",
    );
    assert!(
        code.iter().any(
            |op| matches!(*op, Op::I32AccXorMulImm { rhs: Slot(0), imm, .. }
            if imm == Imm32(33))
        ),
        "{code:#?}"
    );
    let code = fn2(
        "(local.set 1 (i32.add (i32.and (local.get 0) (i32.const 255)) (local.get 1)))
            (i32.mul (local.get 1) (local.get 0))",
    );
    assert!(
        code.contains(&Op::I32AndImmAdd {
            dst: Slot(1),
            src: pair(0, 1),
            imm: Imm32(255)
        }),
        "{code:#?}"
    );
    let code = fn2("(i32.and (i32.sub (local.get 0) (local.get 1)) (i32.const 0xffff))");
    assert!(
        code.iter()
            .any(|op| matches!(*op, Op::I32SubAndImm { src, imm, .. }
            if src == pair(0, 1) && imm == Imm32(0xffff))),
        "{code:#?}"
    );
    // A bit field, the amount taken modulo 32; and a masked test.
    let code = ops(r#"(module (func (param i32) (result i32)
            (if (result i32) (i32.ne (i32.and (local.get 0) (i32.const 0xe0)) (i32.const 0xc0))
              (then (i32.and (i32.shr_u (local.get 0) (i32.const 35)) (i32.const 7)))
              (else (i32.const 0)))))"#);
    assert!(
        code.iter()
            .any(|op| matches!(*op, Op::I32ShrUAndImm { src, imm, .. }
            if src == ShiftedSlot::new(Slot(0), 3).unwrap() && imm == Imm32(7))),
        "{code:#?}"
    );
    assert!(
        code.iter().any(
            |op| matches!(*op, Op::BrI32AndEqImm { lhs: Slot(0), imms, .. }
            if imms == ImmPair::new(Imm32(0xe0), Imm32(0xc0)).unwrap())
        ),
        "{code:#?}"
    );
}

#[test]
fn two_loads_from_one_address_are_one_instruction() {
    use wisp_exec::ir::{ImmPair, SlotPair};
    let code = ops(
        r#"(module (memory 1) (func (param i32) (result i32) (local i32 i32)
            (local.set 1 (i32.load offset=4 (local.get 0)))
            (local.set 2 (i32.load offset=8 (local.get 0)))
            (i32.add (local.get 1) (local.get 2))))"#,
    );
    assert!(
        code.contains(&Op::I32Load2 {
            dsts: SlotPair::new(Slot(1), Slot(2)).unwrap(),
            addr: Slot(0),
            offsets: ImmPair::new(Imm32(4), Imm32(8)).unwrap(),
        }),
        "{code:#?}"
    );
    // Not where the first load overwrites the address the second reads, nor past 16-bit
    // offsets.
    for text in [
        r#"(module (memory 1) (func (param i32) (result i32) (local i32)
            (local.set 0 (i32.load offset=4 (local.get 0)))
            (local.set 1 (i32.load offset=8 (local.get 0)))
            (i32.add (local.get 0) (local.get 1))))"#,
        r#"(module (memory 1) (func (param i32) (result i32) (local i32 i32)
            (local.set 1 (i32.load offset=40000 (local.get 0)))
            (local.set 2 (i32.load offset=8 (local.get 0)))
            (i32.add (local.get 1) (local.get 2))))"#,
    ] {
        let code = ops(text);
        assert!(
            !code.iter().any(|op| matches!(op, Op::I32Load2 { .. })),
            "{code:#?}"
        );
    }
}

#[test]
fn an_f64_is_read_from_the_float_accumulator_only_after_what_leaves_it_there() {
    // A product feeding a sum: the sum reads the product from the float register.
    let code = ops(r#"(module (func (param f64 f64) (result f64)
            (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 1))))"#);
    assert!(
        code.iter().any(|op| matches!(op, Op::F64AddAcc { .. })),
        "{code:#?}"
    );
    // An `i64` load reinterpreted: the integer accumulator has it, the float one does
    // not, so the sum reads its slot.
    let code = ops(r#"(module (memory 1) (func (param i32 f64) (result f64)
            (f64.add (f64.reinterpret_i64 (i64.load (local.get 0))) (local.get 1))))"#);
    assert!(
        code.iter().any(|op| matches!(op, Op::F64Add { .. }))
            && !code.iter().any(|op| op.reads_float_acc()),
        "{code:#?}"
    );
    // Nor the other way: an `f64` result is not in the integer accumulator.
    let code = ops(r#"(module (func (param f64 f64) (result i64)
            (i64.and (i64.reinterpret_f64 (f64.mul (local.get 0) (local.get 1)))
                     (i64.const 0xff))))"#);
    assert!(
        code.iter().any(|op| matches!(op, Op::I64AndImm { .. })),
        "{code:#?}"
    );
    // An `f64` stored right after it is computed is stored from the float register.
    let code = ops(r#"(module (memory 1) (func (param i32 f64)
            (f64.store (local.get 0) (f64.mul (local.get 1) (local.get 1)))))"#);
    assert!(
        code.iter()
            .any(|op| matches!(op, Op::F64StoreAccValue { .. })),
        "{code:#?}"
    );
}

#[test]
fn a_masked_test_that_keeps_the_masked_value_is_one_instruction() {
    // `cur as u16 != NIL` with `cur` kept: the mask needs 16 unsigned bits, and the
    // masked value goes to a local the loop reads after the test.
    let code = ops(r#"(module (func (param i32) (result i32) (local i32)
            (block $done (loop $l
              (br_if $done (i32.eq (local.tee 1 (i32.and (local.get 0) (i32.const 0xffff)))
                                   (i32.const 0xffff)))
              (local.set 0 (i32.add (local.get 1) (i32.const 3)))
              (br $l)))
            (local.get 1)))"#);
    assert!(
        code.iter().any(|op| matches!(
            op,
            Op::BrI32AndEqMask { slots, imms, .. }
                if slots.first() == Slot(1) && slots.second() == Slot(0)
                    && imms.mask() == 0xffff && imms.value() == 0xffff
        )),
        "{code:#?}"
    );
}

#[test]
fn a_loop_of_a_store_and_its_step_and_test_is_one_dispatch() {
    // The store is the first of a pair whose second is the step-and-test after it; the
    // step-and-test stays where it was, for the pair to find, unchanged.
    let text = r#"(module (memory 1) (func (param i32 i32) (local i32)
            (local.set 2 (local.get 1))
            (block $done (loop $l
              (br_if $done (i32.ge_u (local.get 2) (local.get 0)))
              (i32.store8 (local.get 2) (i32.const 1))
              (local.set 2 (i32.add (local.get 2) (local.get 1)))
              (br $l)))))"#;
    let paired = common::paired_ops_of(text, 0);
    let at = paired
        .iter()
        .position(|op| matches!(op, Op::I32Store8ImmThenBrI32LtUAdd { .. }))
        .unwrap_or_else(|| panic!("{paired:#?}"));
    assert!(
        matches!(paired[at + 1], Op::BrI32LtUAdd { target, .. } if target == InstrIdx(at as u32)),
        "{paired:#?}"
    );
    // Without its pairs the code is what it was.
    let plain = ops(text);
    assert!(matches!(plain[at], Op::I32Store8Imm { .. }), "{plain:#?}");
    assert_eq!(plain.len(), paired.len());
}
