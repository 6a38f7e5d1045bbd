//! What the translator emits for small functions: slot folding, immediates, fusion.

mod common;
use common::{ops, ops_of};
use wisp_exec::ir::{Imm32, InstrIdx, MemOffset, Op, Slot};
use wisp_exec::{compile, TranslateConfig};

#[test]
fn fib_folds_locals_and_constants() {
    let code = ops(include_str!("../../../examples/fib.wat"));
    // `if (n < 2)` reads the parameter in place, takes 2 as an immediate, and is one
    // compare-and-branch to the else arm, taken when `n >= 2`.
    assert_eq!(
        code[0],
        Op::BrI32GeUImm {
            lhs: Slot(0),
            imm: Imm32(2),
            target: InstrIdx(3)
        },
        "{code:#?}"
    );
    // Call arguments are computed straight into the callee's frame, by the call itself
    // when the one argument is a step (`n - 1`).
    let minus = |k: i32| wisp_exec::ir::SteppedSlot::new(Slot(0), Imm32(-k as u32)).unwrap();
    for (base, k) in [(Slot(1), 1), (Slot(2), 2)] {
        assert!(
            code.iter()
                .any(|op| matches!(op, Op::CallInternalStep { base: b, arg, .. }
                if *b == base && *arg == minus(k))),
            "{code:#?}"
        );
    }
    // The `then` arm returns `n` straight away: no copy into the result's slot, no jump
    // to the function's end; and the sum is returned by the add.
    assert_eq!(code[1], Op::ReturnCopy { src: Slot(0) }, "{code:#?}");
    assert!(
        code.iter().any(|op| matches!(
            op,
            Op::ReturnI32Add {
                lhs: Slot(1),
                rhs: Slot(2)
            }
        )),
        "{code:#?}"
    );
    assert_eq!(code.len(), 7, "{code:#?}");
}

#[test]
fn comparisons_fuse_with_branches_only_when_their_result_is_not_kept() {
    // `br_if` on a comparison: one instruction.
    let code = ops(r#"(module (func (param i32 i32)
            (loop (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))))"#);
    assert!(
        code.contains(&Op::BrI32LtS {
            lhs: Slot(0),
            rhs: Slot(1),
            target: InstrIdx(0)
        }),
        "{code:#?}"
    );
    // `br_if` on `eqz`: the branch tests the operand itself, the other way round.
    let code = ops(r#"(module (func (param i32)
            (block (br_if 0 (i32.eqz (local.get 0))))))"#);
    assert!(
        matches!(code[0], Op::BrIfEqz { cond: Slot(0), .. }),
        "{code:#?}"
    );
    // A comparison that is also stored stays a comparison.
    let code = ops(r#"(module (func (param i32 i32) (result i32) (local i32)
            (block (br_if 0 (local.tee 2 (i32.lt_s (local.get 0) (local.get 1)))))
            (local.get 2)))"#);
    assert!(
        code.iter().any(|op| matches!(op, Op::I32LtS { .. })),
        "{code:#?}"
    );
}

#[test]
fn local_set_takes_the_result_directly() {
    let code = ops(r#"(module (func (param i32 i32) (result i32) (local i32)
            (local.set 2 (i32.mul (local.get 0) (local.get 1)))
            (local.get 2)))"#);
    // Local 2 is set before anything reads it, so it is not zeroed first.
    assert_eq!(
        code[0],
        Op::I32Mul {
            dst: Slot(2),
            lhs: Slot(0),
            rhs: Slot(1)
        }
    );
    // The one result is copied into place by the return itself.
    assert_eq!(code[1..], [Op::ReturnCopy { src: Slot(2) }]);
}

#[test]
fn locals_are_zeroed_unless_the_first_instructions_set_them() {
    // Locals 1 and 4 are set before any read; 2 is read first; 3 is set only after a
    // branch; the reference local 5 is always zeroed (the collector reads it). The
    // range is narrowed at its ends only: 1 goes, 4 stays inside it.
    let code = ops(r#"(module (func (param i32) (result i32)
            (local i32 i32 i32 i32 externref)
            (local.set 1 (i32.const 5))
            (local.set 4 (i32.add (local.get 1) (local.get 2)))
            (if (local.get 0) (then (local.set 3 (i32.const 1))))
            (i32.add (local.get 3) (local.get 4))))"#);
    assert_eq!(
        code[0],
        Op::ZeroLocals {
            start: Slot(2),
            end: Slot(6)
        },
        "{code:#?}"
    );
    // Every declared number set first: no zeroing at all.
    let code = ops(r#"(module (global $sp (mut i32) (i32.const 1024))
            (func (result i32) (local i32 i64)
            (local.set 0 (i32.sub (global.get $sp) (i32.const 16)))
            (local.set 1 (i64.const 3))
            (global.set $sp (local.get 0))
            (i32.wrap_i64 (local.get 1))))"#);
    assert!(
        !code.iter().any(|op| matches!(op, Op::ZeroLocals { .. })),
        "{code:#?}"
    );
    // A read before the set: zeroed.
    let code = ops(r#"(module (func (result i32) (local i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 1)))
            (local.get 0)))"#);
    assert!(matches!(code[0], Op::ZeroLocals { .. }), "{code:#?}");
    // Set on every path, past branches, calls and loops before the read: not zeroed.
    let code = ops(
        r#"(module (func $f (param i32) (result i32) (local i32 i64 f64)
            (call $f (i32.const 0)) (drop)
            (if (local.get 0)
              (then (local.set 1 (i32.const 1)))
              (else (local.set 1 (i32.const 2)) (local.set 2 (i64.const 1))))
            (block $b
              (local.set 3 (f64.const 1))
              (br_if $b (local.get 0))
              (local.set 2 (i64.const 2)))
            (loop $l (br_if $l (i32.eqz (local.get 1))))
            (drop (local.get 3))
            (local.get 1)))"#,
    );
    assert!(
        !code.iter().any(|op| matches!(op, Op::ZeroLocals { .. })),
        "{code:#?}"
    );
    // The same with the i64 read after the block that may skip its set: that one is.
    let code = ops(
        r#"(module (func $f (param i32) (result i64) (local i32 i64 f64)
            (local.set 1 (i32.const 1))
            (block $b
              (br_if $b (local.get 0))
              (local.set 2 (i64.const 2)))
            (local.set 3 (f64.const 1))
            (local.get 2)))"#,
    );
    assert_eq!(
        code[0],
        Op::ZeroLocals {
            start: Slot(2),
            end: Slot(3)
        },
        "{code:#?}"
    );
}

#[test]
fn overwritten_local_is_saved_first() {
    // The first `local.get 0` must see the old value although `local.set 0` comes
    // before the subtraction that reads it.
    let code = ops(r#"(module (func (param i32) (result i32)
            (local.get 0)
            (local.set 0 (i32.const 5))
            (local.get 0)
            (i32.sub)))"#);
    assert_eq!(
        code[0],
        Op::Copy {
            dst: Slot(1),
            src: Slot(0)
        }
    );
    assert_eq!(
        code[1],
        Op::Const32 {
            dst: Slot(0),
            value: Imm32(5)
        }
    );
    // The 5 just written is the right operand: it comes from the accumulator.
    assert_eq!(
        code[2],
        Op::I32SubAccR {
            dst: Slot(1),
            lhs: Slot(1),
        }
    );
}

#[test]
fn loop_branches_back_to_its_header() {
    let code = ops(r#"(module (func (param i32)
            (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#);
    // The test reads the difference just computed: from the accumulator.
    assert!(code.iter().any(|op| matches!(
        op,
        Op::BrIfNezAcc {
            target: InstrIdx(0)
        }
    )));
}

#[test]
fn a_loop_tests_its_exit_at_the_bottom() {
    // A `while` loop: the exit test at the top, the jump back at the bottom.
    let code = ops(r#"(module (func (param i32) (local i32)
            (block (loop
              (br_if 1 (i32.ge_u (local.get 1) (local.get 0)))
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br 0)))))"#);
    assert_eq!(
        code[0],
        Op::ZeroLocals {
            start: Slot(1),
            end: Slot(2)
        }
    );
    let code: Vec<Op<InstrIdx>> = code[1..].to_vec();
    // Targets count from the function's first instruction, the `ZeroLocals`.
    assert_eq!(
        code[0],
        Op::BrI32GeU {
            lhs: Slot(1),
            rhs: Slot(0),
            target: InstrIdx(4)
        },
        "{code:#?}"
    );
    // The jump back became the opposite test, jumping past the top test into the body.
    // It compares the sum just computed, from the accumulator.
    assert_eq!(
        code[2],
        Op::BrI32LtUAcc {
            rhs: Slot(0),
            target: InstrIdx(2)
        },
        "{code:#?}"
    );
    assert_eq!(code[3], Op::Return {});
}

#[test]
fn constants_are_stored_from_the_instruction() {
    let code = ops(r#"(module (memory 1) (func (param i32)
            (i32.store8 offset=3 (local.get 0) (i32.const 1))
            (i64.store (local.get 0) (i64.const -5))
            (i64.store (local.get 0) (i64.const 0x100000000))))"#);
    assert_eq!(
        code[0],
        Op::I32Store8Imm {
            addr: Slot(0),
            value: Imm32(1),
            offset: MemOffset(3)
        }
    );
    assert_eq!(
        code[1],
        Op::I64StoreImm {
            addr: Slot(0),
            value: Imm32(-5i32 as u32),
            offset: MemOffset(0)
        }
    );
    // 2^32 is not the sign extension of any 32-bit value: it goes through a slot.
    assert!(matches!(code[2], Op::Const64 { .. }), "{code:#?}");
    assert!(
        matches!(code[3], Op::I64StoreAccValue { addr: Slot(0), .. }),
        "{code:#?}"
    );
}

#[test]
fn a_load_from_a_sum_adds_its_address_itself() {
    let code = ops(r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.add
              (i32.load8_u (i32.add (local.get 0) (local.get 1)))
              (i32.load8_u offset=4 (i32.add (local.get 0) (local.get 1))))))"#);
    assert_eq!(
        code[0],
        Op::I32Load8UIdx {
            dst: Slot(2),
            base: Slot(0),
            index: Slot(1)
        },
        "{code:#?}"
    );
    // With an offset the sum stays a separate instruction.
    assert!(matches!(code[1], Op::I32Add { .. }), "{code:#?}");
    assert!(
        matches!(
            code[2],
            Op::I32Load8UAcc {
                offset: MemOffset(4),
                ..
            }
        ),
        "{code:#?}"
    );
}

#[test]
fn array_addresses_are_one_instruction() {
    // `base + (i << 2)`: the shift feeds only the addition.
    let code = ops(r#"(module (func (param i32 i32) (result i32)
            (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))))"#);
    assert_eq!(
        code[0],
        Op::I32AddShl2 {
            dst: Slot(2),
            base: Slot(0),
            index: Slot(1)
        },
        "{code:#?}"
    );
    // Other shift amounts stay a shift and an addition.
    let code = ops(r#"(module (func (param i32 i32) (result i32)
            (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 4)))))"#);
    assert!(
        matches!(code[0], Op::I32ShlImm { imm: Imm32(4), .. }),
        "{code:#?}"
    );
}

#[test]
fn a_copy_before_a_jump_is_one_instruction() {
    let code = ops(r#"(module (func (param i32) (local i32)
            (loop (local.set 1 (local.get 0)) (br 0))))"#);
    // The `CopyBr` does both. The `Br` stays for branches that land on it, and as it
    // jumps to the `CopyBr`, it is a copy of it. (Local 1 is set before it is read:
    // nothing zeroes it first.)
    let copy_br = Op::CopyBr {
        dst: Slot(1),
        src: Slot(0),
        target: InstrIdx(0),
    };
    assert_eq!(code[0..2], [copy_br, copy_br], "{code:#?}");
}

#[test]
fn two_copies_are_one_instruction_and_a_jump_to_copies_copies() {
    use wisp_exec::ir::SlotPair;
    let pair = |a, b| SlotPair::new(Slot(a), Slot(b)).unwrap();
    // Two values a loop carries, moved at its latch; an `if` arm jumps to the latch.
    let code = ops(r#"(module (func (param i32 i32 i32) (result i32)
            (loop $l
              (if (local.get 0) (then (local.set 0 (i32.const 0)) (br $l)))
              (local.set 1 (local.get 2))
              (local.set 2 (local.get 0))
              (br $l))
            (local.get 1)))"#);
    let latch = Op::CopyPairBr {
        dsts: pair(1, 2),
        srcs: pair(2, 0),
        target: InstrIdx(0),
    };
    assert_eq!(
        code.iter().filter(|op| **op == latch).count(),
        1,
        "{code:#?}"
    );
    // Two copies in a row: the second reads what the first wrote.
    let code = ops(
        r#"(module (func (param i32 i32 i32) (result i32) (local i32)
            (local.set 3 (local.get 1))
            (local.set 0 (local.get 3))
            (i32.add (local.get 0) (i32.mul (local.get 3) (local.get 2)))))"#,
    );
    assert!(
        code.contains(&Op::CopyPair {
            dsts: pair(3, 0),
            srcs: pair(1, 3)
        }),
        "{code:#?}"
    );
}

#[test]
fn the_accumulator_carries_a_result_to_the_next_instruction_only() {
    let m = ops_of(
        r#"(module
            (func $f (result i32) (i32.const 7))
            (func (param i32 i32) (result i32)
              local.get 1
              local.get 0
              local.get 1
              i32.mul
              i32.xor
              call $f
              i32.add
              local.set 1
              local.get 0
              local.get 1
              i32.lt_u
              if (result i32) i32.const 1 else i32.const 2 end
              i32.const 9
              i32.sub))"#,
        1,
    );
    // The product feeds the xor as its second operand; xor is commutative, so the
    // operands swap and the product comes from the accumulator.
    assert!(matches!(m[0], Op::I32Mul { .. }), "{m:#?}");
    assert!(matches!(m[1], Op::I32XorAcc { rhs: Slot(1), .. }), "{m:#?}");
    // A call leaves nothing in the accumulator: the sum reads both slots.
    let call = m
        .iter()
        .position(|op| matches!(op, Op::CallInternal { .. }))
        .unwrap();
    assert!(
        matches!(m[call + 1], Op::I32Add { dst: Slot(1), .. }),
        "{m:#?}"
    );
    // The `if` goes to `else` when `local 0 >= sum`, that is `sum <= local 0`: the
    // mirrored test, on the accumulator.
    assert_eq!(
        m[call + 2],
        Op::BrI32LeUAcc {
            rhs: Slot(0),
            target: InstrIdx(call as u32 + 5)
        },
        "{m:#?}"
    );
    // Both arms reach the subtraction, so it reads the `if`'s result from its slot.
    assert!(
        m.iter().any(|op| matches!(op, Op::I32SubImm { .. })),
        "{m:#?}"
    );
}

#[test]
fn eager_compilation_keeps_no_copy_of_the_code() {
    let text = r#"(module (memory 1) (data (i32.const 0) "abc")
        (func (export "f") (result i32) (i32.load8_u (i32.const 1))))"#;
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let m =
        wisp_exec::compile_eager(&bytes, Default::default(), TranslateConfig::default()).unwrap();
    assert_eq!(&*m.module.bytes, b"abc");
    assert_eq!(m.module.datas[0].bytes, 0..3);
    assert!(m.module.body(0).is_none());
    // Translated already: the code is there without the body.
    assert!(matches!(
        m.translated(0).unwrap().ops[0],
        Op::I32Load8U { .. } | Op::Const32 { .. }
    ));
}

#[test]
fn eager_compilation_keeps_each_body_s_offset_for_errors() {
    // Errors found while translating name the body's offset in the module's bytes,
    // which eager compilation no longer holds: the offsets must still be those.
    let text = r#"(module (func (local i32 i32)))"#;
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let lazy = wisp_exec::compile(&bytes, Default::default(), TranslateConfig::default()).unwrap();
    let offset = lazy.module.body_offset(0);
    assert!(offset > 0 && offset < bytes.len());
    let eager =
        wisp_exec::compile_eager(&bytes, Default::default(), TranslateConfig::default()).unwrap();
    assert_eq!(eager.module.body_offset(0), offset);
}

#[test]
fn wide_arithmetic_results_take_two_heights() {
    // Narrow: the product's halves go to the slots of heights 0 and 1 (cells 2 and 3),
    // straight from the parameters; `add128`'s right pair is in the `Arg` after it.
    let code = ops(r#"(module (func (param i64 i64) (result i64 i64)
            (i64.mul_wide_u (local.get 0) (local.get 1))
            (i64.add128 (local.get 0) (local.get 1))))"#);
    assert_eq!(
        code[..3],
        [
            Op::I64MulWideU {
                dst: Slot(2),
                lhs: Slot(0),
                rhs: Slot(1)
            },
            Op::I64Add128 {
                dst: Slot(2),
                lhs_lo: Slot(2),
                lhs_hi: Slot(3)
            },
            Op::Arg { a: 0, b: 1 },
        ],
        "{code:#?}"
    );
    // Wide (a `v128` local, cells 2 and 3; heights start at cell 4, two cells each): the
    // high half lands in the upper cell of the low half's height and is copied up.
    let code = ops(r#"(module (func (param i64 i64) (result i64) (local v128)
            (i64.mul_wide_s (local.get 0) (local.get 1))
            (i64.sub)))"#);
    assert_eq!(
        code[1..3],
        [
            Op::I64MulWideS {
                dst: Slot(4),
                lhs: Slot(0),
                rhs: Slot(1)
            },
            Op::Copy {
                dst: Slot(6),
                src: Slot(5)
            },
        ],
        "{code:#?}"
    );
}

/// The code of the module's first defined function, translated plain: without the
/// accumulator and fused forms.
fn plain_ops(text: &str) -> Vec<Op<InstrIdx>> {
    let buf = wast::parser::ParseBuffer::new(text).unwrap();
    let bytes = wast::parser::parse::<wast::Wat>(&buf)
        .unwrap()
        .encode()
        .unwrap();
    let config = TranslateConfig {
        accumulator: false,
        fused: false,
        ..TranslateConfig::default()
    };
    let m = compile(&bytes, Default::default(), config).unwrap();
    wisp_exec::ir::unfinish(&m.code(0).unwrap().ops)
}

#[test]
fn plain_code_has_no_fused_forms() {
    // Every pattern the fused forms are made from: a constant operand, a comparison
    // feeding a branch, an address sum feeding a load, a shift feeding an add, a store
    // of a constant, a copy before a jump.
    let text = r#"(module (memory 1)
        (func (param i32 i32) (result i32)
          (block $out
            (loop $top
              (br_if $out (i32.lt_s (local.get 0) (i32.const 10)))
              (br_if $top (i32.ge_u (local.get 0) (local.get 1)))
              (i32.store (local.get 0) (i32.const 7))
              (local.set 1 (i32.load (i32.add (local.get 0) (local.get 1))))
              (local.set 1 (i32.load (i32.add (local.get 0) (i32.const 8))))
              (local.set 0 (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2))))
              (local.set 0 (i32.add (local.get 0) (i32.const 1)))))
          (local.get 0)))"#;
    let fused = ops(text);
    let plain = plain_ops(text);
    let is_fused = |op: &Op<InstrIdx>| {
        let name = format!("{op:?}");
        let name = name.split([' ', '{', '(']).next().unwrap_or("");
        name.ends_with("Imm")
            || name.ends_with("Idx")
            || name.ends_with("Disp")
            || name.starts_with("BrI32")
            || name.starts_with("BrI64")
            || name.starts_with("I32AddShl")
            || name.starts_with("CopyBr")
            || name.ends_with("Acc")
    };
    // The default translation uses them (so the test sees the patterns)...
    assert!(
        fused.iter().filter(|op| is_fused(op)).count() >= 5,
        "{fused:#?}"
    );
    // ...and the plain one none.
    assert!(!plain.iter().any(is_fused), "{plain:#?}");
}

#[test]
fn an_address_plus_a_constant_is_part_of_its_load_or_store() {
    // `p + 16` feeding a load of offset 0, and one feeding a store of a local: the sum
    // goes into the access. With an offset, or a computed value, it stays apart.
    let code = ops(r#"(module (memory 1) (func (param i32 i32) (result i32)
            (i32.store (i32.add (local.get 0) (i32.const 16)) (local.get 1))
            (i32.store offset=8 (i32.add (local.get 0) (i32.const 16)) (local.get 1))
            (f64.load (i32.add (local.get 0) (i32.const -8)))
            (drop)
            (i32.load (i32.add (local.get 0) (i32.const 16)))))"#);
    let name = |op: &Op<InstrIdx>| format!("{op:?}");
    assert!(name(&code[0]).starts_with("I32StoreDisp"), "{code:#?}");
    assert!(name(&code[1]).starts_with("I32AddImm"), "{code:#?}");
    assert!(name(&code[2]).starts_with("I32StoreAcc"), "{code:#?}");
    assert_eq!(
        code[3],
        Op::F64LoadDisp {
            dst: Slot(2),
            base: Slot(0),
            disp: Imm32(-8i32 as u32)
        },
        "{code:#?}"
    );
    assert!(name(&code[4]).contains("LoadDisp"), "{code:#?}");
}

#[test]
fn a_call_takes_its_first_argument_s_copy_with_it() {
    // `f(x)` with `x` a local: the copy into the callee's frame is part of the call; a
    // loop back to the call runs both.
    let code = ops_of(
        r#"(module
          (func $f (param i32) (result i32) (local.get 0))
          (func (param i32) (result i32)
            (loop $l
              (local.set 0 (call $f (local.get 0)))
              (br_if $l (local.get 0)))
            (local.get 0)))"#,
        1,
    );
    assert!(
        matches!(
            code[0],
            Op::CallInternalCopy {
                base: Slot(1),
                src: Slot(0),
                ..
            }
        ),
        "{code:#?}"
    );
    assert!(
        !code
            .iter()
            .any(|op| matches!(op, Op::Copy { dst: Slot(1), .. })),
        "{code:#?}"
    );
}

/// How many instructions write constant `value` (raw bits) anywhere.
fn const_writes(code: &[Op<InstrIdx>], value: u64) -> usize {
    code.iter()
        .filter(|op| match op {
            Op::Const32 { value: v, .. } => v.0 as u64 == value,
            Op::Const64 { value: v, .. } => v.0 == value,
            _ => false,
        })
        .count()
}

#[test]
fn a_loop_reads_its_float_constants_from_cells_written_before_it() {
    let half = 0.5f64.to_bits();
    let code = ops(r#"(module (func (param f64 i32) (result f64) (local f64)
            (loop
              (local.set 2 (f64.add (local.get 2) (f64.div (f64.const 0.5) (local.get 0))))
              (local.set 2 (f64.mul (local.get 2) (f64.const 0.5)))
              (br_if 0 (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
            (local.get 2)))"#);
    // Written once, before the loop (whose first instruction is the division).
    assert_eq!(const_writes(&code, half), 1, "{code:#?}");
    let at = code
        .iter()
        .position(|op| matches!(op, Op::Const64 { .. }))
        .unwrap();
    let back = code.iter().filter_map(|op| op.target()).min().unwrap();
    assert!(at < back.0 as usize, "{code:#?}");
    // Its cell is past the locals and below the operand stack, which starts one later.
    let Op::Const64 { dst, .. } = code[at] else {
        unreachable!()
    };
    assert_eq!(dst, Slot(3), "{code:#?}");
    let writes_cell = |op: &Op<InstrIdx>| op.clone().dst_mut().is_some_and(|d| *d == Slot(3));
    assert!(!code.iter().any(writes_cell), "{code:#?}");
}

#[test]
fn a_loop_that_control_may_skip_to_keeps_its_constants_inline() {
    // The loop sits in an `if`: writing the cell there would not cover later loops, so
    // the constant is written where it is read, on every iteration.
    let half = 0.5f64.to_bits();
    let code = ops(r#"(module (func (param f64 i32) (result f64) (local f64)
            (if (local.get 1) (then
              (loop
                (local.set 2 (f64.div (f64.const 0.5) (local.get 0)))
                (br_if 0 (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))))
            (local.get 2)))"#);
    let at = code
        .iter()
        .position(|op| matches!(op, Op::Const64 { .. }))
        .unwrap();
    let back = code.iter().filter_map(|op| op.target()).min().unwrap();
    assert_eq!(const_writes(&code, half), 1, "{code:#?}");
    assert!(at >= back.0 as usize, "{code:#?}");
}

#[test]
fn a_local_known_to_hold_zero_is_not_set_to_zero_again() {
    // The second `local.set 1 (i32.const 0)` repeats what the first did on the only
    // path that reaches it.
    let code = ops(r#"(module (func (param i32) (result i32) (local i32)
            (local.set 1 (i32.const 0))
            (block
              (br_if 0 (i32.lt_u (local.get 0) (i32.const 2)))
              (local.set 1 (i32.const 0))
              (loop
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
            (i32.add (local.get 0) (local.get 1))))"#);
    assert_eq!(const_writes(&code, 0), 1, "{code:#?}");
    // After a merge, or a set to something else, the zero is written again.
    for text in [
        r#"(module (func (param i32) (result i32) (local i32)
            (local.set 1 (i32.const 0))
            (if (local.get 0) (then (local.set 1 (i32.const 5))))
            (local.set 1 (i32.const 0))
            (local.get 1)))"#,
        r#"(module (func (param i32) (result i32) (local i32)
            (local.set 1 (local.get 0))
            (local.set 1 (i32.const 0))
            (local.get 1)))"#,
    ] {
        let code = ops(text);
        assert!(const_writes(&code, 0) >= 1, "{code:#?}");
    }
}

#[test]
fn two_counters_stepped_in_place_are_one_instruction() {
    use wisp_exec::ir::ImmPair;
    let code = ops(r#"(module (func (param i32 i32 i32)
            (loop
              (local.set 0 (i32.add (local.get 0) (i32.const 8)))
              (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
              (br_if 0 (i32.ne (local.get 1) (local.get 2))))))"#);
    let pair = ImmPair::new(Imm32(8), Imm32(-1i32 as u32)).unwrap();
    assert!(
        code.contains(&Op::I32AddImm2 {
            dst: Slot(1),
            also: Slot(0),
            imms: pair
        }),
        "{code:#?}"
    );
    assert_eq!((pair.first() as i64, pair.second() as i64), (8, -1));
    // A step that does not fit in 16 bits, or a block boundary between, keeps two.
    for text in [
        r#"(module (func (param i32 i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 40000)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))))"#,
        r#"(module (func (param i32 i32)
            (local.set 0 (i32.add (local.get 0) (i32.const 4)))
            (loop (local.set 1 (i32.add (local.get 1) (i32.const 1))))))"#,
    ] {
        let code = ops(text);
        assert!(
            !code.iter().any(|op| matches!(op, Op::I32AddImm2 { .. })),
            "{code:#?}"
        );
    }
}

#[test]
fn the_shadow_stack_pointer_moves_in_one_instruction_on_entry_and_exit() {
    use wisp_exec::ir::GlobalIdx;
    let code = ops(
        r#"(module (memory 1) (global $sp (mut i32) (i32.const 1024))
            (func (param i32) (local i32)
              (global.set $sp (local.tee 1 (i32.sub (global.get $sp) (i32.const 16))))
              (i32.store (local.get 1) (local.get 0))
              (global.set $sp (i32.add (local.get 1) (i32.const 16)))))"#,
    );
    assert_eq!(
        code.first(),
        Some(&Op::GlobalOwnAddImm {
            dst: Slot(1),
            index: GlobalIdx(0),
            imm: Imm32(-16i32 as u32)
        }),
        "{code:#?}"
    );
    assert!(
        code.contains(&Op::GlobalSetOwnAddImm {
            src: Slot(1),
            index: GlobalIdx(0),
            imm: Imm32(16)
        }),
        "{code:#?}"
    );
    // An imported global, or another global's value, is not fused.
    for text in [
        r#"(module (import "env" "sp" (global $sp (mut i32))) (func (local i32)
              (global.set $sp (local.tee 0 (i32.sub (global.get $sp) (i32.const 16))))))"#,
        r#"(module (global $a (mut i32) (i32.const 0)) (global $b (mut i32) (i32.const 0))
            (func (local i32)
              (global.set $b (local.tee 0 (i32.sub (global.get $a) (i32.const 16))))))"#,
    ] {
        let code = ops(text);
        assert!(
            !code
                .iter()
                .any(|op| matches!(op, Op::GlobalOwnAddImm { .. })),
            "{code:#?}"
        );
    }
}
