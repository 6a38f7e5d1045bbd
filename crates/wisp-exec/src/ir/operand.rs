//! The types of instruction operands. Each is a newtype, so that the compiler keeps a
//! slot from being used as a function index, and an instruction index (during
//! translation) from being used as a byte offset (in finished code).

use core::fmt;

/// An operand as the image codec and the disassembler see it: raw bits of at most 64.
pub trait Operand: Copy + Default + PartialEq + fmt::Debug + fmt::Display {
    /// The operand of all-zero bits.
    const ZERO: Self;
    /// The bits an image stores.
    fn to_bits(self) -> u64;
    /// The operand of `bits`, if they fit.
    fn from_bits(bits: u64) -> Option<Self>;
}

impl Operand for u32 {
    const ZERO: Self = 0;
    fn to_bits(self) -> u64 {
        self as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok()
    }
}

/// Declares a `u32` newtype operand printed as `prefix` then the number.
macro_rules! index_operand {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[repr(transparent)]
        pub struct $name(pub u32);

        impl Operand for $name {
            const ZERO: Self = $name(0);
            fn to_bits(self) -> u64 {
                self.0 as u64
            }
            fn from_bits(bits: u64) -> Option<Self> {
                u32::try_from(bits).ok().map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

index_operand!(
    /// A frame-relative cell: parameters, then declared locals, then one cell per
    /// operand-stack height (two in a wide function).
    Slot,
    "s"
);
index_operand!(
    /// A branch target while the translator works: an instruction index in the function.
    InstrIdx,
    "@"
);
index_operand!(
    /// A function of the module, imports first (the spec's `funcidx`).
    FuncIdx,
    "func"
);
index_operand!(
    /// A function among the module's defined ones, imports not counted.
    DefinedFuncIdx,
    "defined"
);
index_operand!(
    /// A table of the module (`tableidx`).
    TableIdx,
    "table"
);
index_operand!(
    /// A linear memory of the module (`memidx`).
    MemIdx,
    "mem"
);
index_operand!(
    /// A global of the module (`globalidx`).
    GlobalIdx,
    "global"
);
index_operand!(
    /// A type of the module (`typeidx`).
    TypeIdx,
    "type"
);
index_operand!(
    /// An exception tag of the module (`tagidx`).
    TagIdx,
    "tag"
);
index_operand!(
    /// A data segment of the module (`dataidx`).
    DataIdx,
    "data"
);
index_operand!(
    /// An element segment of the module (`elemidx`).
    ElemIdx,
    "elem"
);
index_operand!(
    /// A lane of a `v128`.
    Lane,
    "lane"
);
index_operand!(
    /// The static offset of a memory access, added to its dynamic address.
    MemOffset,
    "+"
);

/// The type a `ref.test` or `ref.cast` checks against, packed in 32 bits: an abstract
/// heap type or a module's type index (below 2^24; wasmparser allows a million types),
/// and whether null passes.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct CastTarget(pub u32);

impl CastTarget {
    const NULLABLE: u32 = 1 << 4;
    const DEF: u32 = 12;

    /// The target `(ref null? heap)`, where a defined type is a module's type index; `None`
    /// if the index does not fit.
    pub fn new(nullable: bool, heap: wisp_types::HeapType) -> Option<Self> {
        use wisp_types::HeapType as H;
        let code = match heap {
            H::Func => 0,
            H::NoFunc => 1,
            H::Extern => 2,
            H::NoExtern => 3,
            H::Any => 4,
            H::Eq => 5,
            H::I31 => 6,
            H::Struct => 7,
            H::Array => 8,
            H::None => 9,
            H::Exn => 10,
            H::NoExn => 11,
            H::Def(i, k) if i < 1 << 24 => Self::DEF | (k as u32) << 5 | i << 8,
            H::Def(..) | H::Id(..) => return None,
        };
        Some(CastTarget(code | if nullable { Self::NULLABLE } else { 0 }))
    }

    /// Whether null passes.
    pub const fn nullable(self) -> bool {
        self.0 & Self::NULLABLE != 0
    }

    /// The heap type, a defined one as the module's type index.
    pub fn heap(self) -> wisp_types::HeapType {
        use wisp_types::{DefKind, HeapType as H};
        const ABSTRACT: [H; 12] = [
            H::Func,
            H::NoFunc,
            H::Extern,
            H::NoExtern,
            H::Any,
            H::Eq,
            H::I31,
            H::Struct,
            H::Array,
            H::None,
            H::Exn,
            H::NoExn,
        ];
        let code = self.0 & 0xf;
        match ABSTRACT.get(code as usize) {
            Some(&h) => h,
            None => {
                let kind = match self.0 >> 5 & 3 {
                    0 => DefKind::Func,
                    1 => DefKind::Struct,
                    _ => DefKind::Array,
                };
                H::Def(self.0 >> 8, kind)
            }
        }
    }
}

impl Operand for CastTarget {
    const ZERO: Self = CastTarget(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(CastTarget)
    }
}

impl fmt::Display for CastTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = wisp_types::RefType::new(self.nullable(), self.heap());
        write!(f, "{r}")
    }
}

impl Slot {
    /// The slot `n` cells above this one (the high half of a `v128`, the next value).
    #[inline(always)]
    pub const fn plus(self, n: u32) -> Slot {
        Slot(self.0 + n)
    }

    /// Its index from the frame's base.
    #[inline(always)]
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// A 32-bit immediate: the value of an `i32` operand, or an `i64` one that is the sign
/// extension of these bits.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct Imm32(pub u32);

impl Imm32 {
    /// The immediate as a cell: sign-extended to 64 bits (an `i32` operation reads the
    /// low half).
    #[inline(always)]
    pub const fn cell(self) -> u64 {
        self.0 as i32 as i64 as u64
    }
}

impl Operand for Imm32 {
    const ZERO: Self = Imm32(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(Imm32)
    }
}

impl fmt::Display for Imm32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0 as i32)
    }
}

/// Two 16-bit immediates in one operand, each sign-extended where it is used: the
/// steps of two counters that one instruction moves (`I32AddImm2`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct ImmPair(pub u32);

impl ImmPair {
    /// The pair of `first` and `second`, if both fit in 16 signed bits.
    pub fn new(first: Imm32, second: Imm32) -> Option<ImmPair> {
        let a = i16::try_from(first.0 as i32).ok()?;
        let b = i16::try_from(second.0 as i32).ok()?;
        Some(ImmPair(a as u16 as u32 | (b as u16 as u32) << 16))
    }

    /// The first immediate, as a cell (sign-extended).
    #[inline(always)]
    pub const fn first(self) -> u64 {
        self.0 as u16 as i16 as i64 as u64
    }

    /// The second immediate, as a cell (sign-extended).
    #[inline(always)]
    pub const fn second(self) -> u64 {
        (self.0 >> 16) as u16 as i16 as i64 as u64
    }
}

impl Operand for ImmPair {
    const ZERO: Self = ImmPair(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(ImmPair)
    }
}

impl fmt::Display for ImmPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.first() as i64, self.second() as i64)
    }
}

/// A mask and a value to compare with, two 16-bit immediates zero-extended, in one
/// operand: a masked test that keeps the masked value (`x as u16 != u16::MAX`, where the
/// mask is `0xffff`), in `BrI32AndNeMask` and its kin.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct MaskPair(pub u32);

impl MaskPair {
    /// The pair of `mask` and `value`, if both fit in 16 unsigned bits.
    pub fn new(mask: Imm32, value: Imm32) -> Option<MaskPair> {
        let a = u16::try_from(mask.0).ok()?;
        let b = u16::try_from(value.0).ok()?;
        Some(MaskPair(a as u32 | (b as u32) << 16))
    }

    /// The mask, as a cell.
    #[inline(always)]
    pub const fn mask(self) -> u64 {
        (self.0 & 0xffff) as u64
    }

    /// The value compared with, as a cell.
    #[inline(always)]
    pub const fn value(self) -> u64 {
        (self.0 >> 16) as u64
    }
}

impl Operand for MaskPair {
    const ZERO: Self = MaskPair(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(MaskPair)
    }
}

impl fmt::Display for MaskPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x},{}", self.mask(), self.value())
    }
}

/// A slot and a shift amount (0 to 63) in one operand, the amount in the top 6 bits:
/// the shifted source of an instruction that already names two other slots
/// (`I32XorRotlImm`), within the three operands an instruction has.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct ShiftedSlot(pub u32);

impl ShiftedSlot {
    /// Bits of the slot.
    const SLOT_BITS: u32 = 26;

    /// `slot` with `amount`, if the slot fits in 26 bits and the amount in 6.
    pub fn new(slot: Slot, amount: u32) -> Option<ShiftedSlot> {
        (slot.0 >> Self::SLOT_BITS == 0 && amount < 64)
            .then_some(ShiftedSlot(slot.0 | amount << Self::SLOT_BITS))
    }

    /// The slot.
    #[inline(always)]
    pub const fn slot(self) -> Slot {
        Slot(self.0 & ((1 << Self::SLOT_BITS) - 1))
    }

    /// The shift amount, as a cell.
    #[inline(always)]
    pub const fn amount(self) -> u64 {
        (self.0 >> Self::SLOT_BITS) as u64
    }
}

impl Operand for ShiftedSlot {
    const ZERO: Self = ShiftedSlot(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(ShiftedSlot)
    }
}

impl fmt::Display for ShiftedSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.slot(), self.amount())
    }
}

/// A slot of the first 65 536 and a signed 16-bit step in one operand: the counter a
/// loop steps in place just before its exit test, in the instruction that does both
/// (`BrI32NeStep`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct SteppedSlot(pub u32);

impl SteppedSlot {
    /// `slot` stepped by `step`, if the slot fits in 16 bits and the step in 16 signed.
    pub fn new(slot: Slot, step: Imm32) -> Option<SteppedSlot> {
        let slot = u16::try_from(slot.0).ok()?;
        let step = i16::try_from(step.0 as i32).ok()?;
        Some(SteppedSlot(slot as u32 | (step as u16 as u32) << 16))
    }

    /// The slot.
    #[inline(always)]
    pub const fn slot(self) -> Slot {
        Slot(self.0 & 0xffff)
    }

    /// The step, as a cell (sign-extended).
    #[inline(always)]
    pub const fn step(self) -> u64 {
        (self.0 >> 16) as u16 as i16 as i64 as u64
    }
}

impl Operand for SteppedSlot {
    const ZERO: Self = SteppedSlot(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(SteppedSlot)
    }
}

impl fmt::Display for SteppedSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:+}", self.slot(), self.step() as i64)
    }
}

/// Two slots of the first 65 536 in one operand: a loop's counter and the slot it is
/// stepped by, in the instruction that steps it and tests it (`BrI32LtUAdd`).
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct SlotPair(pub u32);

impl SlotPair {
    /// `first` and `second`, if both fit in 16 bits.
    pub fn new(first: Slot, second: Slot) -> Option<SlotPair> {
        let a = u16::try_from(first.0).ok()?;
        let b = u16::try_from(second.0).ok()?;
        Some(SlotPair(a as u32 | (b as u32) << 16))
    }

    /// The first slot.
    #[inline(always)]
    pub const fn first(self) -> Slot {
        Slot(self.0 & 0xffff)
    }

    /// The second slot.
    #[inline(always)]
    pub const fn second(self) -> Slot {
        Slot(self.0 >> 16)
    }
}

impl Operand for SlotPair {
    const ZERO: Self = SlotPair(0);
    fn to_bits(self) -> u64 {
        self.0 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(SlotPair)
    }
}

impl fmt::Display for SlotPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.first(), self.second())
    }
}

/// A 64-bit constant.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct Imm64(pub u64);

impl Operand for Imm64 {
    const ZERO: Self = Imm64(0);
    fn to_bits(self) -> u64 {
        self.0
    }
    fn from_bits(bits: u64) -> Option<Self> {
        Some(Imm64(bits))
    }
}

impl fmt::Display for Imm64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

/// A branch target in finished code: a byte offset from the branch instruction itself.
/// A taken branch is then one load and one addition to the branch's address: that
/// chain is the critical path of a tight loop, and scaling an index by the size of an
/// `Op` would lengthen it by a shift.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
#[repr(transparent)]
pub struct Offset(pub i32);

impl Offset {
    /// The offset of instruction `to` from a branch that is instruction `from`.
    pub fn between(from: usize, to: InstrIdx) -> Offset {
        Offset(((to.0 as i64 - from as i64) * super::OP_BYTES) as i32)
    }

    /// The instruction this offset reaches from a branch that is instruction `from`.
    pub fn from_instr(self, from: usize) -> InstrIdx {
        InstrIdx((from as i64 + self.0 as i64 / super::OP_BYTES) as u32)
    }
}

impl Operand for Offset {
    const ZERO: Self = Offset(0);
    fn to_bits(self) -> u64 {
        self.0 as u32 as u64
    }
    fn from_bits(bits: u64) -> Option<Self> {
        u32::try_from(bits).ok().map(|b| Offset(b as i32))
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+}b", self.0)
    }
}

/// The two kinds of branch target, which have the same size, so that an instruction is
/// laid out alike with either (the image reader builds one in place).
pub trait Target: Operand {}
impl Target for InstrIdx {}
impl Target for Offset {}
