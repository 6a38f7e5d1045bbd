//! The operator table: every instruction of Wisp's IR, one [`Row`] each, with its typed
//! operands, the function that runs it and the facts the translator uses about it.
//! `build.rs` generates from it the `Op` enum, the image operand codec, the dispatch glue
//! of both backends, the translator's mapping of Wasm operators and the disassembler's
//! names (see `gen_ir.rs`, `gen_exec.rs`, `gen_translate.rs`). The grammar of a row and
//! the naming of specialised forms are in `docs/ARCHITECTURE.md` ("The operator table").
//!
//! Rows are written with the builder below, mostly through the family helpers of
//! `rows.rs`, `rows_simd.rs` and `rows_wide.rs`: one call per Wasm operator gives its plain row and the
//! rows of its specialised forms (`Imm`, `Acc`, `Idx`, …), linked by attributes.

/// The type of an operand. Each is a newtype in `ir::operand`, so that a slot cannot be
/// passed where a function index is expected, nor an instruction index where a byte
/// offset is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    /// A frame-relative cell (`Slot`).
    Slot,
    /// A branch target: the enum's type parameter, an instruction index while the
    /// translator works (`InstrIdx`) and a byte offset in finished code (`Offset`).
    Target,
    /// A 32-bit immediate (`Imm32`); sign-extended where the instruction is 64-bit.
    Imm32,
    /// A 64-bit constant (`Imm64`).
    Imm64,
    /// Two 16-bit immediates (`ImmPair`).
    ImmPair,
    /// A 16-bit mask and a 16-bit value, zero-extended (`MaskPair`).
    MaskPair,
    /// A slot and a shift amount (`ShiftedSlot`).
    ShiftedSlot,
    /// A slot and a 16-bit step (`SteppedSlot`).
    SteppedSlot,
    /// Two 16-bit slots (`SlotPair`).
    SlotPair,
    /// An index into the module's functions, imports included (`FuncIdx`).
    Func,
    /// An index into the module's defined functions (`DefinedFuncIdx`).
    DefinedFunc,
    Table,
    /// A memory of the module (`MemIdx`).
    Mem,
    Global,
    Type,
    /// An exception tag of the module (`TagIdx`).
    Tag,
    Data,
    Elem,
    /// A SIMD lane (`Lane`).
    Lane,
    /// What a cast checks against (`CastTarget`).
    Cast,
    /// A memory access's static offset (`MemOffset`).
    Offset,
    /// A count or length (`u32`): cells to copy, fuel to charge, branch table entries.
    Count,
    /// Raw bits whose meaning the preceding instruction gives (`u32`, in `Arg`).
    Raw,
}

impl Ty {
    /// The Rust type of an operand field.
    pub fn rust(self) -> &'static str {
        match self {
            Ty::Slot => "Slot",
            Ty::Target => "T",
            Ty::Imm32 => "Imm32",
            Ty::Imm64 => "Imm64",
            Ty::ImmPair => "ImmPair",
            Ty::MaskPair => "MaskPair",
            Ty::ShiftedSlot => "ShiftedSlot",
            Ty::SteppedSlot => "SteppedSlot",
            Ty::SlotPair => "SlotPair",
            Ty::Func => "FuncIdx",
            Ty::DefinedFunc => "DefinedFuncIdx",
            Ty::Table => "TableIdx",
            Ty::Mem => "MemIdx",
            Ty::Global => "GlobalIdx",
            Ty::Type => "TypeIdx",
            Ty::Tag => "TagIdx",
            Ty::Data => "DataIdx",
            Ty::Elem => "ElemIdx",
            Ty::Lane => "Lane",
            Ty::Cast => "CastTarget",
            Ty::Offset => "MemOffset",
            Ty::Count | Ty::Raw => "u32",
        }
    }
}

/// How the translator turns the Wasm operator of the same name into this instruction;
/// the generated code calls the translator method of the same name (`translate/visit.rs`).
#[derive(Clone, Debug)]
pub enum Translate {
    /// One operand to one result: `unary`.
    Unary,
    /// Two operands to one result: `binary`.
    Binary,
    /// `binary`, or the form `imm` when the right operand is a constant that fits
    /// (any 32 bits; for `i64`, a sign-extended 32-bit value).
    BinaryImm { imm: String, is64: bool },
    /// A load from `memarg`; the form `idx` when the address is an `i32.add` of two slots,
    /// `disp` when it is one of a slot and a constant.
    Load { idx: String, disp: String },
    /// A store of `width` bytes; the form `imm` for a constant value, `disp` when the
    /// address is an `i32.add` of a slot and a constant.
    Store {
        imm: String,
        disp: String,
        width: u32,
    },
    /// A SIMD lane extraction, the lane in the operator.
    Extract,
    /// A SIMD lane replacement; the lane follows in an `Arg`.
    Replace,
    /// A SIMD load.
    VLoad,
    /// A SIMD load of one lane; vector and lane follow in an `Arg`.
    VLoadLane,
    /// A SIMD store of one lane; the lane follows in an `Arg`.
    VStoreLane,
    /// Four operands to two results (`four_to_two`): the left pair in the instruction,
    /// the right pair in an `Arg` after it, the results in `dst` and the cell after it.
    FourToTwo,
    /// Two operands to two results (`two_to_two`), in `dst` and the cell after it.
    TwoToTwo,
}

/// A specialised form that reads one operand from the accumulator.
#[derive(Clone, Debug)]
pub struct AccForm {
    /// The operand read from the accumulator instead of its slot.
    pub reads: &'static str,
    /// The form's name.
    pub form: String,
    /// `(form field, own field)` pairs where names differ; other fields keep their name.
    pub renames: Vec<(&'static str, &'static str)>,
}

/// One instruction.
#[derive(Clone, Debug)]
pub struct Row {
    pub name: String,
    pub doc: String,
    pub fields: Vec<(&'static str, Ty)>,
    /// The handler body, a path under `exec::handlers`, called with the hot registers,
    /// the machine, the operands in order and then `args`.
    pub body: String,
    pub args: Vec<String>,
    /// The Cargo features without which the build has no handler for it, separated by
    /// commas.
    pub feature: Option<&'static str>,
    /// Leaves its result (`dst`) in the accumulator as well as in its slot.
    pub acc_result: bool,
    /// Its result is an `f64`, which it leaves in the float accumulator (a float register,
    /// where the tail backend has one) instead of the integer one, for a form that reads
    /// it there: an `acc_result`, or a fused form that skips one.
    pub writes_facc: bool,
    /// An accumulator form whose accumulator operand is an `f64`, which it reads from the
    /// float accumulator. Forms that read it follow only instructions that write it, and
    /// the other forms only other instructions.
    pub reads_facc: bool,
    /// Computes one value into `dst` from its operands alone, so the translator may
    /// point `dst` elsewhere (`x = a + b; local.set l` becomes `l = a + b`).
    pub retarget: bool,
    /// `lhs` and `rhs` may be swapped.
    pub commutative: bool,
    /// The instruction computing the same with `lhs` and `rhs` swapped (`a < b` is `b > a`).
    pub mirror: Option<String>,
    /// The branch taken exactly when this one is not, with the same operands.
    pub negation: Option<String>,
    /// A comparison: the branch that replaces it when its only use is a `br_if`, and the
    /// renamed operands (`(branch field, own field)`).
    pub fuses: Option<(String, Vec<(&'static str, &'static str)>)>,
    /// Its accumulator forms, in the order the translator tries them.
    pub acc_forms: Vec<AccForm>,
    /// How the Wasm operator of the same name becomes this instruction, if it does
    /// through generated code.
    pub translate: Option<Translate>,
    /// It reads or writes a `v128`, so its function is translated wide.
    pub vector: bool,
    /// A pair (`rows_pairs.rs`): this row is the first instruction's fields and body, and
    /// its handler also runs the named second instruction when that is the one control
    /// reaches next.
    pub pair: Option<String>,
}

impl Row {
    pub fn has_target(&self) -> bool {
        self.fields.iter().any(|&(_, t)| t == Ty::Target)
    }

    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|&(n, _)| n).collect()
    }
}

/// Starts a row: its name, its operands in order, and its handler body.
pub fn row(name: &str, fields: &[(&'static str, Ty)], body: &str) -> Row {
    Row {
        name: name.into(),
        doc: String::new(),
        fields: fields.to_vec(),
        body: body.into(),
        args: Vec::new(),
        feature: None,
        acc_result: false,
        writes_facc: false,
        reads_facc: false,
        retarget: false,
        commutative: false,
        mirror: None,
        negation: None,
        fuses: None,
        acc_forms: Vec::new(),
        translate: None,
        vector: false,
        pair: None,
    }
}

impl Row {
    pub fn doc(mut self, doc: impl Into<String>) -> Row {
        self.doc = doc.into();
        self
    }
    pub fn args(mut self, args: &[&str]) -> Row {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }
    pub fn feature(mut self, f: &'static str) -> Row {
        self.feature = Some(f);
        self
    }
    pub fn acc_result(mut self) -> Row {
        self.acc_result = true;
        self
    }
    /// See [`Row::writes_facc`].
    pub fn writes_facc(mut self) -> Row {
        self.writes_facc = true;
        self
    }
    /// See [`Row::reads_facc`].
    pub fn reads_facc(mut self) -> Row {
        self.reads_facc = true;
        self
    }
    pub fn retarget(mut self) -> Row {
        self.retarget = true;
        self
    }
    pub fn acc(mut self, reads: &'static str, form: impl Into<String>) -> Row {
        self.acc_forms.push(AccForm {
            reads,
            form: form.into(),
            renames: Vec::new(),
        });
        self
    }
    /// An accumulator form whose field `to` takes this row's field `from`.
    pub fn acc_renamed(
        mut self,
        reads: &'static str,
        form: impl Into<String>,
        renames: &[(&'static str, &'static str)],
    ) -> Row {
        self.acc_forms.push(AccForm {
            reads,
            form: form.into(),
            renames: renames.to_vec(),
        });
        self
    }
    pub fn negation(mut self, n: impl Into<String>) -> Row {
        self.negation = Some(n.into());
        self
    }
    pub fn translate(mut self, t: Translate) -> Row {
        self.translate = Some(t);
        self
    }
    pub fn vector(mut self) -> Row {
        self.vector = true;
        self.feature = Some("simd");
        self
    }
}

/// The Wasm text name of a semantics function's name: `i32_trunc_sat_f32_s` is
/// `i32.trunc_sat_f32_s`.
pub fn wasm_name(f: &str) -> String {
    f.replacen('_', ".", 1)
}

/// Whether a semantics function returns an `f64` and whether its (last) operand is
/// one, from its Wasm name: the result type comes first (`f64_convert_i32_s`), and the
/// operand type, where it differs, is the last type named (`i32_trunc_sat_f64_s`).
pub fn f64_result_and_operand(f: &str) -> (bool, bool) {
    let types: Vec<&str> = f
        .split('_')
        .filter(|w| matches!(*w, "i32" | "i64" | "f32" | "f64"))
        .collect();
    (types.first() == Some(&"f64"), types.last() == Some(&"f64"))
}

/// Checks what the generators rely on: unique names, every referenced form present with
/// the fields it is given, accumulator forms behind the `accumulator` feature.
pub fn check(rows: &[Row]) {
    use std::collections::HashMap;
    let by_name: HashMap<&str, &Row> = rows.iter().map(|r| (r.name.as_str(), r)).collect();
    assert_eq!(by_name.len(), rows.len(), "duplicate instruction names");
    let get = |n: &str, from: &str| -> &Row {
        by_name
            .get(n)
            .unwrap_or_else(|| panic!("{from} names {n}, which is not in the table"))
    };
    for r in rows {
        assert!(r.fields.len() <= 3, "{}: at most three operands", r.name);

        assert!(!r.doc.is_empty(), "{}: every row is documented", r.name);
        // The generated code finds a branch's target by this name.
        for &(name, ty) in &r.fields {
            assert_eq!(
                name == "target",
                ty == Ty::Target,
                "{}: a field is named `target` exactly when it is a branch target",
                r.name
            );
        }
        for a in &r.acc_forms {
            let f = get(&a.form, &r.name);
            assert!(
                r.field_names().contains(&a.reads),
                "{}: no {}",
                r.name,
                a.reads
            );
            assert!(
                f.feature
                    .is_some_and(|x| x.split(',').any(|p| p == "accumulator")),
                "{}: an accumulator form has the `accumulator` feature",
                f.name
            );
            for (name, _) in &f.fields {
                let from = a
                    .renames
                    .iter()
                    .find(|p| p.0 == *name)
                    .map_or(*name, |p| p.1);
                assert!(
                    from != a.reads && r.field_names().contains(&from),
                    "{} -> {}: field {name}",
                    r.name,
                    f.name
                );
            }
        }
        for n in r.mirror.iter().chain(&r.negation) {
            assert_eq!(get(n, &r.name).field_names(), r.field_names(), "{n}");
        }
        if let Some((b, renames)) = &r.fuses {
            let b = get(b, &r.name);
            assert!(b.has_target() && b.negation.is_some(), "{}", b.name);
            for (name, _) in b.fields.iter().filter(|f| f.1 != Ty::Target) {
                let from = renames.iter().find(|p| p.0 == *name).map_or(*name, |p| p.1);
                assert!(r.field_names().contains(&from), "{}: {name}", b.name);
            }
        }
        match &r.translate {
            Some(Translate::BinaryImm { imm, .. }) => {
                get(imm, &r.name);
            }
            Some(Translate::Store { imm, disp, .. }) => {
                get(imm, &r.name);
                get(disp, &r.name);
            }
            Some(Translate::Load { idx, disp }) => {
                get(idx, &r.name);
                get(disp, &r.name);
            }
            _ => {}
        }
        // The general form of a memory access, which the translator names by suffix.
        if matches!(
            r.translate,
            Some(
                Translate::Load { .. }
                    | Translate::Store { .. }
                    | Translate::VLoad
                    | Translate::VLoadLane
                    | Translate::VStoreLane
            )
        ) {
            let g = get(&format!("{}Mem", r.name), &r.name);
            assert_eq!(g.fields[2], ("memory", Ty::Mem), "{}", g.name);
        }
        if r.retarget || r.acc_result {
            assert_eq!(r.fields.first().map(|f| f.0), Some("dst"), "{}", r.name);
        }
        if let Some(second) = &r.pair {
            let second = get(second, &r.name);
            assert!(
                second.pair.is_none() && !second.vector && !r.vector,
                "{}: a pair of two plain scalar instructions",
                r.name
            );
        }
    }
}
