//! Reading an image back into a module whose functions are all translated.

use super::{code, ImageError, FLAG_FUEL, MAGIC, VERSION};
use crate::ir::{self, canonical, Operand, Slot, TABLE_FINGERPRINT};
use crate::{Catch, Code, CompiledFunc, CompiledModule, Rare, RefMap};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use wisp_parse::{
    ConstExpr, ConstOp, DataMode, DataSegment, ElemMode, ElementSegment, Export, ExportKind,
    GlobalDef, Import, ImportDesc, Module, TableDef,
};
use wisp_types::{
    CompositeType, DefKind, FuncType, GlobalType, HeapType, Limits, MemoryType, Mutability,
    RefType, SubType, TableType, ValType,
};
#[cfg(feature = "gc")]
use wisp_types::{FieldType, StorageType};

/// Where an image's bytes come from. A slice is one (RAM, or flash the CPU maps into
/// its address space); storage the CPU cannot address (an AVR's program memory, SPI
/// flash, an SD card) implements it with its own reads, so the image is never copied
/// into RAM whole: only the module's structures, data segments and code are.
pub trait ByteSource {
    /// The image's length in bytes.
    fn size(&self) -> usize;
    /// Fills `buf` from `offset`; `offset + buf.len()` is at most [`size`](Self::size).
    fn read(&self, offset: usize, buf: &mut [u8]);
}

impl ByteSource for &[u8] {
    fn size(&self) -> usize {
        self.len()
    }
    fn read(&self, offset: usize, buf: &mut [u8]) {
        buf.copy_from_slice(&self[offset..offset + buf.len()]);
    }
}

/// A module from an image that [`super::write_image`] wrote, and whether its code meters
/// fuel. Structure is checked (lengths, indices into the image's own tables, operand
/// widths); the code's own invariants are trusted, which is why the API that calls this
/// is `unsafe`.
pub fn read_image(bytes: &[u8]) -> Result<(CompiledModule, bool), ImageError> {
    read_image_from(&bytes)
}

/// [`read_image`] from any [`ByteSource`]; the code is copied into RAM.
pub fn read_image_from(src: &dyn ByteSource) -> Result<(CompiledModule, bool), ImageError> {
    read(src, None, |r, n| r.code_copied(n))
}

/// [`read_image`] of an image that stays where it is for the program's life (in
/// memory-mapped flash, or a leaked buffer), whose functions run their code where it lies
/// instead of a copy: code takes no RAM. The image must be 8-byte aligned in memory, and
/// this target must lay instructions out as an image does ([`canonical::IS_NATIVE`]);
/// otherwise it is refused with the reason.
pub fn read_image_in_place(image: &'static [u8]) -> Result<(CompiledModule, bool), ImageError> {
    if !canonical::IS_NATIVE {
        return Err(ImageError {
            message: crate::exec::NOT_NATIVE,
            offset: 0,
        });
    }
    read(&image, Some(image), |r, n| r.code_in_place(n))
}

// Out of line, so the module is built where the caller keeps it: inlined into the
// API's loader, its fields were scattered over registers and stack slots and then
// stored one by one into the shared allocation (and dropped one by one on an error).
#[inline(never)]
fn read(
    src: &dyn ByteSource,
    place: Option<&'static [u8]>,
    load: LoadCode,
) -> Result<(CompiledModule, bool), ImageError> {
    let err = |message: &'static str, offset| ImageError { message, offset };
    let size = src.size();
    let mut head = [0u8; 16];
    if size < 20 {
        return Err(err("not a Wisp image", 0));
    }
    src.read(0, &mut head);
    if head[..4] != MAGIC {
        return Err(err("not a Wisp image", 0));
    }
    let end = size - 4;
    let mut sum = [0u8; 4];
    src.read(end, &mut sum);
    if checksum(src, end) != u32::from_le_bytes(sum) {
        return Err(err("checksum mismatch: the image is damaged", end));
    }
    let word = |at: usize| u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    if word(4) != VERSION || word(8) != TABLE_FINGERPRINT {
        return Err(err(
            "written by another version of Wisp; compile it again with this one",
            4,
        ));
    }
    let fuel = word(12) & FLAG_FUEL != 0;
    let mut r = Reader {
        src,
        end,
        pos: 16,
        kinds: None,
        place,
        load,
        failure: Cell::new(("", 0)),
    };
    let read = r.module_and_code();
    let (module, code) = read.map_err(|Failed| {
        let (message, offset) = r.failure.get();
        ImageError { message, offset }
    })?;
    let module = CompiledModule {
        module,
        code,
        #[cfg(feature = "compile")]
        config: crate::TranslateConfig {
            fuel,
            ..Default::default()
        },
    };
    Ok((module, fuel))
}

/// The checksum of the first `end` bytes, read a piece at a time.
fn checksum(src: &dyn ByteSource, end: usize) -> u32 {
    // Small enough to be zeroed in place: a larger buffer calls `memclr4`, which a
    // device's firmware links for nothing else.
    let mut buf = [0u8; 16];
    let mut h = super::checksum(&[]);
    let mut at = 0;
    while at < end {
        let n = buf.len().min(end - at);
        src.read(at, &mut buf[..n]);
        h = super::checksum_more(h, &buf[..n]);
        at += n;
    }
    h
}

struct Reader<'a> {
    src: &'a dyn ByteSource,
    /// Where the checksum starts: the end of what is parsed.
    end: usize,
    pos: usize,
    /// The kind of each defined type, once the type section is read: every reference
    /// to a defined type after it is checked against them.
    kinds: Option<Vec<DefKind>>,
    /// The whole image, when its code runs in place.
    place: Option<&'static [u8]>,
    /// How a function's code is loaded: in place or copied. Chosen by the entry point,
    /// so that a device that runs images in place does not link the copying decoder.
    load: LoadCode,
    /// Why and where reading failed, once it has: a failure is only [`Failed`], so that a
    /// result is a value and a flag (two registers on a 32-bit device) and each `?` a
    /// branch.
    failure: Cell<(&'static str, usize)>,
}

/// Loads the code of `n` instructions at the reader's position, without moving it.
type LoadCode = fn(&Reader<'_>, usize) -> R<Code>;

/// Reading failed; the reader has the reason.
struct Failed;

type R<T> = Result<T, Failed>;

const OUT_OF_MEMORY: &str = "out of memory for the module's structures";

type Funcs = Box<[crate::CodeCell]>;

impl<'a> Reader<'a> {
    /// Fails at the reader's position. Out of line: one call where each of the reader's
    /// many failures would store the reason inline.
    #[cold]
    #[inline(never)]
    fn error(&self, message: &'static str) -> Failed {
        self.fail_at(message, self.pos)
    }
    #[cold]
    #[inline(never)]
    fn fail_at(&self, message: &'static str, offset: usize) -> Failed {
        self.failure.set((message, offset));
        Failed
    }
    /// The module's structures, then its functions' code.
    fn module_and_code(&mut self) -> R<(Module, Funcs)> {
        let module = self.module()?;
        let defined = module.funcs.len() - module.num_imported_funcs as usize;
        if self.len()? != defined {
            return Err(self.error("function count does not match the code"));
        }
        let mut code = Vec::new();
        code.try_reserve_exact(defined)
            .map_err(|_| self.fail_at("out of memory for the functions", 16))?;
        for _ in 0..defined {
            code.push(crate::code_cell(self.func()?));
        }
        if self.pos != self.end {
            return Err(self.error("bytes after the code"));
        }
        Ok((module, code.into_boxed_slice()))
    }
    fn u8(&mut self) -> R<u8> {
        if self.pos >= self.end {
            return Err(self.error("image ends early"));
        }
        let mut b = [0];
        self.src.read(self.pos, &mut b);
        self.pos += 1;
        Ok(b[0])
    }
    fn u64(&mut self) -> R<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.error("integer too long"))
    }
    fn u32(&mut self) -> R<u32> {
        u32::try_from(self.u64()?).map_err(|_| self.error("integer too large"))
    }
    /// A count; more than the bytes left is refused before anything is allocated.
    fn len(&mut self) -> R<usize> {
        let n = usize::try_from(self.u64()?).map_err(|_| self.error("count too large"))?;
        if n > self.end - self.pos {
            return Err(self.error("count larger than the image"));
        }
        Ok(n)
    }
    /// The next `n` bytes (a count already checked by `len`), in a fallibly allocated
    /// buffer: data segments may be more than a device's heap has.
    fn take(&mut self, n: usize) -> R<Vec<u8>> {
        if n > self.end - self.pos {
            return Err(self.error("image ends early"));
        }
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| self.error("out of memory for the image's bytes"))?;
        v.resize(n, 0);
        self.src.read(self.pos, &mut v);
        self.pos += n;
        Ok(v)
    }
    fn str(&mut self) -> R<String> {
        let n = self.len()?;
        if n > self.end - self.pos {
            return Err(self.error("image ends early"));
        }
        let mut s = String::new();
        s.try_reserve_exact(n)
            .map_err(|_| self.error("out of memory for the image's names"))?;
        // Decoded as it is read, with no copy of the bytes first.
        let bytes = (0..n).map_while(|_| self.u8().ok());
        super::utf8::decode(bytes, &mut s).ok_or_else(|| self.error("name is not UTF-8"))?;
        Ok(s)
    }
    fn val_type(&mut self) -> R<ValType> {
        let c = self.u8()?;
        if c == code::REF {
            let nullable = self.u8()? != 0;
            return Ok(ValType::Ref(RefType::new(nullable, self.heap_type()?)));
        }
        code::to_val_type(c).ok_or_else(|| self.error("unknown value type"))
    }
    /// A heap type; a defined one is checked against the kinds of the types read, so
    /// within the type section (before `kinds` is set) it is checked afterwards.
    fn heap_type(&mut self) -> R<HeapType> {
        let c = self.u8()?;
        if c != code::DEF {
            return code::to_heap(c).ok_or_else(|| self.error("unknown heap type"));
        }
        if !wisp_types::TYPED_REFS {
            return Err(self.error("typed references need the `gc` feature"));
        }
        let i = self.u32()?;
        let k = code::to_def_kind(self.u8()?).ok_or_else(|| self.error("unknown type kind"))?;
        if self
            .kinds
            .as_ref()
            .is_some_and(|ks| ks.get(i as usize) != Some(&k))
        {
            return Err(self.error("type index out of range"));
        }
        Ok(HeapType::Def(i, k))
    }
    #[cfg(feature = "gc")]
    fn field(&mut self) -> R<FieldType> {
        let mutable = self.u8()? != 0;
        let storage = match self.u8()? {
            0 => StorageType::I8,
            1 => StorageType::I16,
            2 => StorageType::Val(self.val_type()?),
            _ => return Err(self.error("unknown storage type")),
        };
        Ok(FieldType { storage, mutable })
    }
    fn sub_type(&mut self) -> R<SubType> {
        let is_final = self.u8()? != 0;
        let supertype = match self.u8()? {
            0 => None,
            _ => Some(self.heap_type()?),
        };
        let composite = match code::to_def_kind(self.u8()?) {
            Some(DefKind::Func) => {
                // Parameters and results in one list, as the type keeps them.
                let mut all = Vec::new();
                self.val_types(&mut all)?;
                let n_params = all.len();
                self.val_types(&mut all)?;
                let ty = FuncType::from_parts(all, n_params);
                CompositeType::Func(ty.ok_or_else(|| self.error("bad function type"))?)
            }
            #[cfg(feature = "gc")]
            Some(DefKind::Struct) => {
                let n = self.len()?;
                let fields = self.list(n, Self::field)?;
                CompositeType::Struct(fields.into_boxed_slice())
            }
            #[cfg(feature = "gc")]
            Some(DefKind::Array) => CompositeType::Array(self.field()?),
            #[cfg(not(feature = "gc"))]
            Some(_) => return Err(self.error("struct and array types need the `gc` feature")),
            None => return Err(self.error("unknown type kind")),
        };
        Ok(SubType {
            is_final,
            supertype,
            composite,
        })
    }
    /// The type section: recursive groups of types. Their references to each other
    /// are checked once all are read.
    fn types(&mut self, m: &mut Module) -> R<()> {
        let groups = self.count(&mut m.rec_groups)?;
        for _ in 0..groups {
            let n = self.len()?;
            if n == 0 {
                return Err(self.error("empty recursive group"));
            }
            m.rec_groups.push(m.types.len() as u32);
            // Amortised, not exact: the groups come one at a time.
            m.types
                .try_reserve(n)
                .map_err(|_| self.error(OUT_OF_MEMORY))?;
            for _ in 0..n {
                m.types.push(self.sub_type()?);
            }
        }
        m.types.shrink_to_fit();
        if !wisp_types::TYPED_REFS {
            // `heap_type` took no reference to a defined type: nothing to check.
            return Ok(());
        }
        let kinds: Vec<DefKind> = m.types.iter().map(|t| t.composite.kind()).collect();
        let names_a_type = |h: HeapType| match h {
            HeapType::Def(i, k) => kinds.get(i as usize) == Some(&k),
            HeapType::Id(..) => false,
            _ => true,
        };
        let mut ok = true;
        for t in &m.types {
            ok &= t
                .supertype
                .is_none_or(|h| matches!(h, HeapType::Def(..)) && names_a_type(h));
            t.composite.for_each_ref(|r| ok &= names_a_type(r.heap));
        }
        if !ok {
            return Err(self.error("type index out of range"));
        }
        self.kinds = Some(kinds);
        Ok(())
    }
    fn ref_type(&mut self) -> R<RefType> {
        match self.val_type()? {
            ValType::Ref(t) => Ok(t),
            _ => Err(self.error("not a reference type")),
        }
    }
    /// A count, then that many value types, appended to `types`.
    fn val_types(&mut self, types: &mut Vec<ValType>) -> R<()> {
        let n = self.len()?;
        types
            .try_reserve_exact(n)
            .map_err(|_| self.error("out of memory for the types"))?;
        for _ in 0..n {
            types.push(self.val_type()?);
        }
        Ok(())
    }
    fn limits(&mut self) -> R<Limits> {
        let min = self.u64()?;
        let max = self.u64()?.checked_sub(1);
        Ok(Limits { min, max })
    }
    fn table(&mut self) -> R<TableType> {
        let element = self.ref_type()?;
        let limits = self.limits()?;
        let table64 = match self.u8()? {
            0 => false,
            1 => true,
            _ => return Err(self.error("bad table flags")),
        };
        Ok(TableType {
            element,
            limits,
            table64,
        })
    }
    fn memory(&mut self) -> R<MemoryType> {
        let limits = self.limits()?;
        let flags = self.u8()?;
        let page_size_log2 = self.u8()?;
        if page_size_log2 > 16 {
            return Err(self.error("bad page size"));
        }
        Ok(MemoryType {
            limits,
            memory64: flags & 1 != 0,
            shared: flags & 2 != 0,
            page_size_log2,
        })
    }
    fn global_type(&mut self) -> R<GlobalType> {
        let content = self.val_type()?;
        let mutability = if self.u8()? != 0 {
            Mutability::Var
        } else {
            Mutability::Const
        };
        Ok(GlobalType {
            content,
            mutability,
        })
    }
    fn const_expr(&mut self) -> R<ConstExpr> {
        let n = self.len()?;
        Ok(ConstExpr(self.list(n, Self::const_op)?))
    }
    fn const_op(&mut self) -> R<ConstOp> {
        Ok(match self.u8()? {
            0 => ConstOp::I32(self.u32()? as i32),
            1 => ConstOp::I64(self.u64()? as i64),
            2 => ConstOp::F32(self.u32()?),
            3 => ConstOp::F64(self.u64()?),
            // `v128.const`; a build without SIMD refuses it as unknown.
            #[cfg(feature = "simd")]
            4 => ConstOp::V128(self.u64()? as u128 | (self.u64()? as u128) << 64),
            5 => ConstOp::RefNull(self.ref_type()?),
            6 => ConstOp::RefFunc(self.u32()?),
            7 => ConstOp::GlobalGet(self.u32()?),
            8 => ConstOp::I32Add,
            9 => ConstOp::I32Sub,
            10 => ConstOp::I32Mul,
            11 => ConstOp::I64Add,
            12 => ConstOp::I64Sub,
            13 => ConstOp::I64Mul,
            // The GC proposal's; a build without it refuses them as unknown.
            #[cfg(feature = "gc")]
            14 => ConstOp::RefI31,
            #[cfg(feature = "gc")]
            15 => ConstOp::AnyConvertExtern,
            #[cfg(feature = "gc")]
            16 => ConstOp::ExternConvertAny,
            #[cfg(feature = "gc")]
            17 => ConstOp::StructNew(self.u32()?),
            #[cfg(feature = "gc")]
            18 => ConstOp::StructNewDefault(self.u32()?),
            #[cfg(feature = "gc")]
            19 => ConstOp::ArrayNew(self.u32()?),
            #[cfg(feature = "gc")]
            20 => ConstOp::ArrayNewDefault(self.u32()?),
            #[cfg(feature = "gc")]
            21 => ConstOp::ArrayNewFixed(self.u32()?, self.u32()?),
            _ => return Err(self.error("unknown constant instruction")),
        })
    }

    // Out of line, like `func`: inlined, their temporaries would share one frame with
    // the caller's, which on a device is stack that the calls into Wasm then lack.
    #[inline(never)]
    fn module(&mut self) -> R<Module> {
        let mut m = Module::default();
        self.types(&mut m)?;
        for _ in 0..self.count(&mut m.imports)? {
            m.imports.push(self.import()?);
        }
        let n = self.count(&mut m.funcs)?;
        m.num_imported_funcs = self.u32()?;
        for _ in 0..n {
            let t = self.u32()?;
            if m.func_type_at(t).is_none() {
                return Err(self.error("function type out of range"));
            }
            m.funcs.push(t);
        }
        if m.num_imported_funcs as usize > m.funcs.len() {
            return Err(self.error("more imported functions than functions"));
        }
        let n = self.count(&mut m.tables)?;
        m.num_imported_tables = self.u32()?;
        for _ in 0..n {
            m.tables.push(self.table_def()?);
        }
        let n = self.count(&mut m.memories)?;
        m.num_imported_memories = self.u32()?;
        for _ in 0..n {
            m.memories.push(self.memory()?);
        }
        let n = self.count(&mut m.globals)?;
        m.num_imported_globals = self.u32()?;
        for _ in 0..n {
            m.globals.push(self.global_def()?);
        }
        let n = self.count(&mut m.tags)?;
        m.num_imported_tags = self.u32()?;
        for _ in 0..n {
            let t = self.u32()?;
            if m.func_type_at(t).is_none() {
                return Err(self.error("tag type out of range"));
            }
            m.tags.push(t);
        }
        if m.num_imported_tags as usize > m.tags.len() {
            return Err(self.error("more imported tags than tags"));
        }
        for _ in 0..self.count(&mut m.exports)? {
            m.exports.push(self.export()?);
        }
        m.start = self.u32()?.checked_sub(1);
        for _ in 0..self.count(&mut m.elements)? {
            m.elements.push(self.element()?);
        }
        let mut at = 0usize;
        for _ in 0..self.count(&mut m.datas)? {
            let mode = match self.u8()? {
                0 => DataMode::Passive,
                _ => DataMode::Active {
                    memory: self.u32()?,
                    offset: self.const_expr()?,
                },
            };
            let n = self.len()?;
            let start = at;
            at = at
                .checked_add(n)
                .ok_or_else(|| self.error("data bytes too large"))?;
            m.datas.push(DataSegment {
                mode,
                bytes: start..at,
            });
        }
        let n = self.len()?;
        if n != at {
            return Err(self.error("data bytes do not match the segments"));
        }
        m.bytes = self.take(n)?.into_boxed_slice();
        let n = self.len()?;
        let mut names = Vec::new();
        names
            .try_reserve_exact(n)
            .map_err(|_| self.error("out of memory for the function names"))?;
        for _ in 0..n {
            let idx = self.u32()?;
            // The writer sorts them; checking is cheaper on a device than sorting.
            if names.last().is_some_and(|&(last, _)| last >= idx) {
                return Err(self.error("function names out of order"));
            }
            names.push((idx, self.str()?));
        }
        m.func_names = names;
        // Every function's code is in the image: no body to point at (nor 8 bytes of RAM
        // a function for an empty range saying so).
        m.code_dropped = true;
        Ok(m)
    }

    fn import(&mut self) -> R<Import> {
        let module = self.str()?;
        let name = self.str()?;
        let desc = match self.u8()? {
            0 => ImportDesc::Func(self.u32()?),
            1 => ImportDesc::Table(self.table()?),
            2 => ImportDesc::Memory(self.memory()?),
            3 => ImportDesc::Global(self.global_type()?),
            4 => ImportDesc::Tag(self.u32()?),
            _ => return Err(self.error("unknown import kind")),
        };
        Ok(Import { module, name, desc })
    }
    fn table_def(&mut self) -> R<TableDef> {
        let ty = self.table()?;
        let init = match self.u8()? {
            0 => None,
            _ => Some(self.const_expr()?),
        };
        Ok(TableDef { ty, init })
    }
    fn global_def(&mut self) -> R<GlobalDef> {
        let ty = self.global_type()?;
        let init = self.const_expr()?;
        Ok(GlobalDef { ty, init })
    }
    fn export(&mut self) -> R<Export> {
        let name = self.str()?;
        let kind = match self.u8()? {
            0 => ExportKind::Func,
            1 => ExportKind::Table,
            2 => ExportKind::Memory,
            3 => ExportKind::Global,
            4 => ExportKind::Tag,
            _ => return Err(self.error("unknown export kind")),
        };
        let index = self.u32()?;
        Ok(Export { name, kind, index })
    }
    fn element(&mut self) -> R<ElementSegment> {
        let ty = self.ref_type()?;
        let mode = match self.u8()? {
            0 => ElemMode::Passive,
            1 => ElemMode::Declarative,
            2 => ElemMode::Active {
                table: self.u32()?,
                offset: self.const_expr()?,
            },
            _ => return Err(self.error("unknown element mode")),
        };
        let n = self.len()?;
        let items = self.list(n, Self::const_expr)?;
        Ok(ElementSegment { ty, mode, items })
    }

    #[inline(never)]
    fn func(&mut self) -> R<CompiledFunc> {
        let n_params = self.u32()?;
        let frame_size = self.u32()?;
        let n = self.len()?;
        while !self.pos.is_multiple_of(canonical::OP_ALIGN) {
            if self.u8()? != 0 {
                return Err(self.error("bad padding before the code"));
            }
        }
        let bytes = n
            .checked_mul(canonical::OP_BYTES)
            .filter(|&b| b <= self.end - self.pos)
            .ok_or_else(|| self.error("image ends early"))?;
        let ops = (self.load)(self, n)?;
        self.pos += bytes;
        let handlers = self.handlers(n, frame_size)?;
        let refs = self.ref_map(n, frame_size)?;
        let rare = (!handlers.is_empty() || refs.is_some()).then(|| {
            Box::new(Rare {
                handlers,
                refs: refs.map(Box::new),
                offsets: None,
            })
        });
        Ok(CompiledFunc {
            ops,
            n_params,
            frame_size,
            rare,
        })
    }

    /// The `n` instructions at the reader's position, decoded from the canonical layout
    /// into a block of RAM: for storage the CPU cannot address, and targets whose
    /// layout is another (an AVR's). Does not move the reader.
    fn code_copied(&self, n: usize) -> R<Code> {
        // Fallible: on a device the code may be more than the heap holds.
        let mut ops = Vec::new();
        ops.try_reserve_exact(n)
            .map_err(|_| self.error("out of memory for the function's code"))?;
        let mut raw = [0u8; canonical::OP_BYTES];
        for i in 0..n {
            let at = self.pos + i * canonical::OP_BYTES;
            self.src.read(at, &mut raw);
            let error = |message: &'static str| self.fail_at(message, at);
            let (tag, mut operands, k) =
                canonical::decode(&raw).ok_or_else(|| error("unknown instruction"))?;
            if !crate::exec::op_supported(tag) {
                return Err(error(canonical::UNSUPPORTED));
            }
            // The image's offsets count 16-byte instructions; this target's may differ.
            if let Some(t) = ir::target_operand(tag).and_then(|at| operands[..k].get_mut(at)) {
                let to = canonical::target_index(i, *t as u32, n)
                    .ok_or_else(|| error("branch target out of range"))?;
                *t = ir::Offset::between(i, ir::InstrIdx(to as u32)).to_bits();
            }
            let op = crate::exec::op_with_operands::<ir::Offset>(tag, &operands[..k])
                .ok_or_else(|| error("operand out of range"))?;
            ops.push(op);
        }
        ir::cache_table_targets(&mut ops);
        Ok(Code::from(ops.into_boxed_slice()))
    }

    /// The instructions `bytes`, where they lie, with every branch target checked.
    fn code_in_place(&self, n: usize) -> R<Code> {
        // `IS_NATIVE` is a constant: where it is false the code for running in place, and
        // its messages, drop out of the build (an AVR keeps its strings in its 8 KiB of RAM).
        let image = self
            .place
            .filter(|_| canonical::IS_NATIVE)
            .ok_or_else(|| self.error(crate::exec::NOT_NATIVE))?;
        let bytes = &image[self.pos..self.pos + n * canonical::OP_BYTES];
        let code = Code::in_place(bytes).map_err(|m| self.error(m))?;
        for (i, op) in code.iter().enumerate() {
            if let Some(t) = op.target() {
                if canonical::target_index(i, t.0 as u32, code.len()).is_none() {
                    return Err(self.fail_at(
                        "branch target out of range",
                        self.pos + i * canonical::OP_BYTES,
                    ));
                }
            }
        }
        // Checked after the targets, which it follows.
        if !ir::table_targets_cached(&code) {
            return Err(self.error("a br_table entry names another instruction than its target's"));
        }
        Ok(code)
    }

    /// A count, then that many of what `each` reads: a list of a reference map.
    fn ref_list<T>(&mut self, each: impl Fn(&mut Self) -> R<T>) -> R<Box<[T]>> {
        let n = self.len()?;
        Ok(self.list(n, each)?.into_boxed_slice())
    }

    /// A count, with room for that many more in `v`: exact and fallible, as a device's
    /// heap may not have it (and no list needs shrinking after).
    fn count<T>(&mut self, v: &mut Vec<T>) -> R<usize> {
        let n = self.len()?;
        v.try_reserve_exact(n)
            .map_err(|_| self.error(OUT_OF_MEMORY))?;
        Ok(n)
    }

    /// `n` (a count already checked by `len`) of what `each` reads, in a fallibly
    /// allocated list.
    fn list<T>(&mut self, n: usize, mut each: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        let mut v = Vec::new();
        v.try_reserve_exact(n)
            .map_err(|_| self.error(OUT_OF_MEMORY))?;
        for _ in 0..n {
            v.push(each(self)?);
        }
        Ok(v)
    }

    /// A function's reference map, checked against its code and frame: the collector
    /// reads the cells it names.
    fn ref_map(&mut self, n: usize, frame_size: u32) -> R<Option<RefMap>> {
        let pair = |r: &mut Self| Ok((r.u32()?, r.u32()?));
        let map = RefMap {
            locals: self.ref_list(|r| r.u32())?,
            points: self.ref_list(pair)?,
            nodes: self.ref_list(pair)?,
        };
        if map.locals.is_empty() && map.nodes.is_empty() {
            return Ok(None);
        }
        if !map.is_valid(n, frame_size) {
            return Err(self.error("reference map out of range"));
        }
        Ok(Some(map))
    }

    /// A function's exception handlers, checked to stay inside its `n` instructions and
    /// its frame: the unwinder trusts them as the dispatch loop trusts branch targets.
    fn handlers(&mut self, n: usize, frame_size: u32) -> R<Box<[Catch]>> {
        let count = self.len()?;
        if count == 0 {
            return Ok(Box::default());
        }
        if !cfg!(feature = "exceptions") {
            return Err(self.error(
                "the image handles exceptions, which this build of Wisp leaves out (feature \
                 `exceptions`)",
            ));
        }
        let mut handlers = Vec::new();
        handlers
            .try_reserve_exact(count)
            .map_err(|_| self.error("out of memory for the function's handlers"))?;
        for _ in 0..count {
            let mut v = [0u32; 8];
            for x in &mut v {
                *x = self.u32()?;
            }
            let [start, end, tag, kind, depth, dst, target, keep] = v;
            let c = Catch {
                start,
                end,
                tag,
                kind: u8::try_from(kind).map_err(|_| self.error("unknown handler kind"))?,
                depth,
                dst: Slot(dst),
                target,
                keep,
            };
            let delegate = c.kind & Catch::DELEGATE != 0;
            let in_code = start <= end && end as usize <= n && (delegate || (target as usize) < n);
            // The payload, an `exnref` and the kept one fit the frame (at most a tag's
            // values; the unwinder checks the tag's type against what is left).
            let in_frame = dst <= frame_size && (keep == u32::MAX || keep < frame_size);
            if !in_code || !in_frame {
                return Err(self.error("exception handler out of range"));
            }
            handlers.push(c);
        }
        Ok(handlers.into_boxed_slice())
    }
}
