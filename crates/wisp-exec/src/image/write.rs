//! Writing an image: every function translated, then the module and its code serialized.

use super::{checksum, code, FLAG_FUEL, MAGIC, VERSION};
use crate::ir::{canonical, TABLE_FINGERPRINT};
use crate::CompiledModule;
use alloc::vec::Vec;
use wisp_parse::{ConstExpr, ConstOp, DataMode, ElemMode, ExportKind, ImportDesc, ParseError};
use wisp_types::{
    CompositeType, FieldType, HeapType, Limits, RefType, StorageType, SubType, ValType,
};

/// The image of `module`, translating each function that has not been yet.
pub fn write_image(module: &CompiledModule) -> Result<Vec<u8>, ParseError> {
    let m = &module.module;
    let mut w = Writer(Vec::new());
    w.0.extend_from_slice(&MAGIC);
    w.0.extend_from_slice(&VERSION.to_le_bytes());
    w.0.extend_from_slice(&TABLE_FINGERPRINT.to_le_bytes());
    let flags = if module.config.fuel { FLAG_FUEL } else { 0 };
    w.0.extend_from_slice(&flags.to_le_bytes());

    w.types(&m.types, &m.rec_groups);
    w.len(m.imports.len());
    for i in &m.imports {
        w.str(&i.module);
        w.str(&i.name);
        match &i.desc {
            ImportDesc::Func(t) => {
                w.u8(0);
                w.u32(*t);
            }
            ImportDesc::Table(t) => {
                w.u8(1);
                w.table(t);
            }
            ImportDesc::Memory(t) => {
                w.u8(2);
                w.memory(t);
            }
            ImportDesc::Global(g) => {
                w.u8(3);
                w.global_type(g);
            }
            ImportDesc::Tag(t) => {
                w.u8(4);
                w.u32(*t);
            }
        }
    }
    w.len(m.funcs.len());
    w.u32(m.num_imported_funcs);
    for &f in &m.funcs {
        w.u32(f);
    }
    w.len(m.tables.len());
    w.u32(m.num_imported_tables);
    for t in &m.tables {
        w.table(&t.ty);
        match &t.init {
            Some(e) => {
                w.u8(1);
                w.const_expr(e);
            }
            None => w.u8(0),
        }
    }
    w.len(m.memories.len());
    w.u32(m.num_imported_memories);
    for t in &m.memories {
        w.memory(t);
    }
    w.len(m.globals.len());
    w.u32(m.num_imported_globals);
    for g in &m.globals {
        w.global_type(&g.ty);
        w.const_expr(&g.init);
    }
    w.len(m.tags.len());
    w.u32(m.num_imported_tags);
    for &t in &m.tags {
        w.u32(t);
    }
    w.len(m.exports.len());
    for e in &m.exports {
        w.str(&e.name);
        w.u8(match e.kind {
            ExportKind::Func => 0,
            ExportKind::Table => 1,
            ExportKind::Memory => 2,
            ExportKind::Global => 3,
            ExportKind::Tag => 4,
        });
        w.u32(e.index);
    }
    w.u64(m.start.map_or(0, |s| s as u64 + 1));
    w.len(m.elements.len());
    for e in &m.elements {
        w.ref_type(e.ty);
        match &e.mode {
            ElemMode::Passive => w.u8(0),
            ElemMode::Declarative => w.u8(1),
            ElemMode::Active { table, offset } => {
                w.u8(2);
                w.u32(*table);
                w.const_expr(offset);
            }
        }
        w.len(e.items.len());
        for item in &e.items {
            w.const_expr(item);
        }
    }
    // Segments, then their bytes in one run, so a loader can leave them in flash.
    w.len(m.datas.len());
    let mut blob = Vec::new();
    for d in &m.datas {
        match &d.mode {
            DataMode::Passive => w.u8(0),
            DataMode::Active { memory, offset } => {
                w.u8(1);
                w.u32(*memory);
                w.const_expr(offset);
            }
        }
        let bytes = m.bytes.get(d.bytes.clone()).unwrap_or(&[]);
        w.len(bytes.len());
        blob.extend_from_slice(bytes);
    }
    w.len(blob.len());
    w.0.extend_from_slice(&blob);
    w.len(m.func_names.len());
    for (idx, name) in &m.func_names {
        w.u32(*idx);
        w.str(name);
    }

    let defined = m.funcs.len() - m.num_imported_funcs as usize;
    w.len(defined);
    for i in 0..defined {
        let f = module.code(i)?;
        w.u32(f.n_params);
        w.u32(f.frame_size);
        w.len(f.ops.len());
        // Aligned, so that a device can run the code where it lies.
        while !w.0.len().is_multiple_of(canonical::OP_ALIGN) {
            w.u8(0);
        }
        for op in f.ops.iter() {
            w.0.extend_from_slice(&canonical::encode(op));
        }
        w.len(f.handlers().len());
        for c in f.handlers() {
            for x in [
                c.start,
                c.end,
                c.tag,
                c.kind as u32,
                c.depth,
                c.dst.0,
                c.target,
                c.keep,
            ] {
                w.u32(x);
            }
        }
        let none = crate::RefMap::default();
        let refs = f.refs().unwrap_or(&none);
        w.len(refs.locals.len());
        refs.locals.iter().for_each(|&x| w.u32(x));
        for list in [&refs.points, &refs.nodes] {
            w.len(list.len());
            for &(a, b) in list.iter() {
                w.u32(a);
                w.u32(b);
            }
        }
    }
    let sum = checksum(&w.0);
    w.0.extend_from_slice(&sum.to_le_bytes());
    Ok(w.0)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u64(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }
    /// A constant instruction's code and its index.
    fn op_u32(&mut self, code: u8, v: u32) {
        self.u8(code);
        self.u32(v);
    }

    fn u32(&mut self, v: u32) {
        self.u64(v as u64);
    }
    fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn val_types(&mut self, ts: &[ValType]) {
        self.len(ts.len());
        for &t in ts {
            self.val_type(t);
        }
    }
    fn val_type(&mut self, t: ValType) {
        match (code::val_type(t), t) {
            (Some(c), _) => self.u8(c),
            (None, ValType::Ref(r)) => {
                self.u8(code::REF);
                self.u8(r.nullable as u8);
                self.heap_type(r.heap);
            }
            // Every value type but a reference has a short code.
            (None, _) => self.u8(u8::MAX),
        }
    }
    fn heap_type(&mut self, h: HeapType) {
        match (code::heap(h), h) {
            (Some(c), _) => self.u8(c),
            (None, HeapType::Def(i, k)) => {
                self.u8(code::DEF);
                self.u32(i);
                self.u8(code::def_kind(k));
            }
            // A module's types name only module types; the reader refuses this.
            (None, _) => self.u8(u8::MAX),
        }
    }
    fn ref_type(&mut self, t: RefType) {
        self.val_type(ValType::Ref(t));
    }
    /// The type section: each recursive group's length, then its types.
    fn types(&mut self, types: &[SubType], groups: &[u32]) {
        self.len(groups.len());
        for (g, &start) in groups.iter().enumerate() {
            let end = groups.get(g + 1).map_or(types.len(), |&e| e as usize);
            let group = types.get(start as usize..end).unwrap_or(&[]);
            self.len(group.len());
            for t in group {
                self.u8(t.is_final as u8);
                match t.supertype {
                    Some(h) => {
                        self.u8(1);
                        self.heap_type(h);
                    }
                    None => self.u8(0),
                }
                self.u8(code::def_kind(t.composite.kind()));
                match &t.composite {
                    CompositeType::Func(f) => {
                        self.val_types(f.params());
                        self.val_types(f.results());
                    }
                    CompositeType::Struct(fields) => {
                        self.len(fields.len());
                        for f in fields.iter() {
                            self.field(f);
                        }
                    }
                    CompositeType::Array(f) => self.field(f),
                }
            }
        }
    }
    fn field(&mut self, f: &FieldType) {
        self.u8(f.mutable as u8);
        match f.storage {
            StorageType::I8 => self.u8(0),
            StorageType::I16 => self.u8(1),
            StorageType::Val(t) => {
                self.u8(2);
                self.val_type(t);
            }
        }
    }
    fn limits(&mut self, l: Limits) {
        self.u64(l.min);
        self.u64(l.max.map_or(0, |m| m.saturating_add(1)));
    }
    fn table(&mut self, t: &wisp_types::TableType) {
        self.ref_type(t.element);
        self.limits(t.limits);
        self.u8(t.table64 as u8);
    }
    fn memory(&mut self, t: &wisp_types::MemoryType) {
        self.limits(t.limits);
        self.u8(t.memory64 as u8 | (t.shared as u8) << 1);
        self.u8(t.page_size_log2);
    }
    fn global_type(&mut self, g: &wisp_types::GlobalType) {
        self.val_type(g.content);
        self.u8(matches!(g.mutability, wisp_types::Mutability::Var) as u8);
    }
    fn const_expr(&mut self, e: &ConstExpr) {
        self.len(e.0.len());
        for op in &e.0 {
            match *op {
                ConstOp::I32(v) => {
                    self.u8(0);
                    self.u32(v as u32);
                }
                ConstOp::I64(v) => {
                    self.u8(1);
                    self.u64(v as u64);
                }
                ConstOp::F32(v) => {
                    self.u8(2);
                    self.u32(v);
                }
                ConstOp::F64(v) => {
                    self.u8(3);
                    self.u64(v);
                }
                ConstOp::V128(v) => {
                    self.u8(4);
                    self.u64(v as u64);
                    self.u64((v >> 64) as u64);
                }
                ConstOp::RefNull(t) => {
                    self.u8(5);
                    self.ref_type(t);
                }
                ConstOp::RefFunc(f) => {
                    self.u8(6);
                    self.u32(f);
                }
                ConstOp::GlobalGet(g) => {
                    self.u8(7);
                    self.u32(g);
                }
                ConstOp::I32Add => self.u8(8),
                ConstOp::I32Sub => self.u8(9),
                ConstOp::I32Mul => self.u8(10),
                ConstOp::I64Add => self.u8(11),
                ConstOp::I64Sub => self.u8(12),
                ConstOp::I64Mul => self.u8(13),
                ConstOp::RefI31 => self.u8(14),
                ConstOp::AnyConvertExtern => self.u8(15),
                ConstOp::ExternConvertAny => self.u8(16),
                ConstOp::StructNew(t) => self.op_u32(17, t),
                ConstOp::StructNewDefault(t) => self.op_u32(18, t),
                ConstOp::ArrayNew(t) => self.op_u32(19, t),
                ConstOp::ArrayNewDefault(t) => self.op_u32(20, t),
                ConstOp::ArrayNewFixed(t, n) => {
                    self.op_u32(21, t);
                    self.u32(n);
                }
            }
        }
    }
}
