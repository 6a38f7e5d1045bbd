//! Builds a [`Module`] from wasmparser payloads, one section at a time.
//! Spec: <https://webassembly.github.io/spec/core/binary/modules.html#sections>

use crate::convert::{def_kind, heap_type, placeholder, ref_type, sub_type, val_type};
use crate::module::*;
use crate::ParseError;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wasmparser::{Payload, TypeRef};
use wisp_types::{GlobalType, Limits, MemoryType, Mutability, RefType, SubType, TableType};

/// Accumulates the sections of one module.
pub struct ModuleBuilder<'a> {
    bytes: &'a [u8],
    module: Module,
}

impl<'a> ModuleBuilder<'a> {
    /// `bytes` must be the buffer the payloads are parsed from (offset 0).
    pub fn new(bytes: &'a [u8]) -> Self {
        ModuleBuilder {
            bytes,
            module: Module::default(),
        }
    }

    pub fn finish(mut self) -> Module {
        self.module.bytes = self.bytes.into();
        self.module.shrink_to_fit();
        self.module
    }

    /// Like [`finish`](Self::finish), but the module keeps only its data segments'
    /// bytes, not its function bodies: for a caller that translates every body from its
    /// own buffer now (eager translation), so that a large module's code is never held
    /// twice. [`Module::body`] then returns `None`; `bodies` still gives each body's
    /// place in the original bytes.
    pub fn finish_without_code(mut self) -> Module {
        let mut kept = Vec::with_capacity(self.module.datas.iter().map(|d| d.bytes.len()).sum());
        for d in &mut self.module.datas {
            let start = kept.len();
            kept.extend_from_slice(&self.bytes[d.bytes.clone()]);
            d.bytes = start..kept.len();
        }
        self.module.bytes = kept.into();
        self.module.code_dropped = true;
        self.module.shrink_to_fit();
        self.module
    }

    /// Takes in one payload. Payloads that do not concern a module's structure are ignored.
    pub fn payload(&mut self, payload: &Payload<'a>) -> Result<(), ParseError> {
        let m = &mut self.module;
        match payload {
            Payload::TypeSection(r) => {
                for group in r.clone().into_iter_with_offsets() {
                    let (off, group) = group?;
                    let off = off as usize;
                    let start = m.types.len();
                    let subs: Vec<_> = group.into_types().collect();
                    if subs.is_empty() {
                        continue;
                    }
                    // A group's types may name each other: placeholders of the right
                    // kind first, then the types themselves.
                    for sub in &subs {
                        m.types
                            .push(placeholder(def_kind(&sub.composite_type, off)?));
                    }
                    for (i, sub) in subs.iter().enumerate() {
                        m.types[start + i] = sub_type(sub, &m.types, off)?;
                    }
                    m.rec_groups.push(start as u32);
                }
            }
            Payload::ImportSection(r) => {
                let off = r.range().start as usize;
                for imp in r.clone().into_imports() {
                    let imp = imp?;
                    let desc = match imp.ty {
                        TypeRef::Func(t) | TypeRef::FuncExact(t) => {
                            m.funcs.push(t);
                            m.num_imported_funcs += 1;
                            ImportDesc::Func(t)
                        }
                        TypeRef::Table(t) => {
                            let ty = table_type(&t, &m.types, off)?;
                            m.tables.push(TableDef { ty, init: None });
                            m.num_imported_tables += 1;
                            ImportDesc::Table(ty)
                        }
                        TypeRef::Memory(t) => {
                            let ty = memory_type(&t);
                            m.memories.push(ty);
                            m.num_imported_memories += 1;
                            ImportDesc::Memory(ty)
                        }
                        TypeRef::Global(g) => {
                            let ty = global_type(&g, &m.types, off)?;
                            // Imported globals have no initializer; a placeholder keeps indices aligned.
                            m.globals.push(GlobalDef {
                                ty,
                                init: ConstExpr(Vec::new()),
                            });
                            m.num_imported_globals += 1;
                            ImportDesc::Global(ty)
                        }
                        TypeRef::Tag(t) => {
                            m.tags.push(t.func_type_idx);
                            m.num_imported_tags += 1;
                            ImportDesc::Tag(t.func_type_idx)
                        }
                    };
                    m.imports.push(Import {
                        module: imp.module.to_string(),
                        name: imp.name.to_string(),
                        desc,
                    });
                }
            }
            Payload::FunctionSection(r) => {
                for t in r.clone() {
                    m.funcs.push(t?);
                }
            }
            Payload::TableSection(r) => {
                let off = r.range().start as usize;
                for t in r.clone() {
                    let t = t?;
                    let init = match t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(&e, &m.types)?),
                    };
                    m.tables.push(TableDef {
                        ty: table_type(&t.ty, &m.types, off)?,
                        init,
                    });
                }
            }
            Payload::MemorySection(r) => {
                for t in r.clone() {
                    m.memories.push(memory_type(&t?));
                }
            }
            Payload::GlobalSection(r) => {
                let off = r.range().start as usize;
                for g in r.clone() {
                    let g = g?;
                    m.globals.push(GlobalDef {
                        ty: global_type(&g.ty, &m.types, off)?,
                        init: const_expr(&g.init_expr, &m.types)?,
                    });
                }
            }
            Payload::ExportSection(r) => {
                for e in r.clone() {
                    let e = e?;
                    let kind = match e.kind {
                        wasmparser::ExternalKind::Func | wasmparser::ExternalKind::FuncExact => {
                            ExportKind::Func
                        }
                        wasmparser::ExternalKind::Table => ExportKind::Table,
                        wasmparser::ExternalKind::Memory => ExportKind::Memory,
                        wasmparser::ExternalKind::Global => ExportKind::Global,
                        wasmparser::ExternalKind::Tag => ExportKind::Tag,
                    };
                    m.exports.push(Export {
                        name: e.name.to_string(),
                        kind,
                        index: e.index,
                    });
                }
            }
            Payload::TagSection(r) => {
                for t in r.clone() {
                    m.tags.push(t?.func_type_idx);
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(*func),
            Payload::ElementSection(r) => {
                for e in r.clone() {
                    let e = e?;
                    let off = e.range.start as usize;
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElemMode::Passive,
                        wasmparser::ElementKind::Declared => ElemMode::Declarative,
                        wasmparser::ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => ElemMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr, &m.types)?,
                        },
                    };
                    let (ty, items) = match e.items {
                        wasmparser::ElementItems::Functions(fs) => {
                            let mut items = Vec::new();
                            for f in fs {
                                items.push(ConstExpr(alloc::vec![ConstOp::RefFunc(f?)]));
                            }
                            (RefType::FUNCREF, items)
                        }
                        wasmparser::ElementItems::Expressions(rt, es) => {
                            let mut items = Vec::new();
                            for ex in es {
                                items.push(const_expr(&ex?, &m.types)?);
                            }
                            (ref_type(rt, &m.types, off)?, items)
                        }
                    };
                    m.elements.push(ElementSegment { ty, mode, items });
                }
            }
            Payload::DataSection(r) => {
                for d in r.clone() {
                    let d = d?;
                    // The segment's bytes end its encoding.
                    let end = d.range.end as usize;
                    let bytes = end - d.data.len()..end;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataMode::Active {
                            memory: memory_index,
                            offset: const_expr(&offset_expr, &m.types)?,
                        },
                    };
                    m.datas.push(DataSegment { mode, bytes });
                }
            }
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                m.bodies.push(r.start as usize..r.end as usize);
            }
            Payload::CustomSection(c) => {
                // A malformed name section is ignored, as the spec's appendix asks.
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    let mut found = Vec::new();
                    let _ = read_func_names(names, &mut found);
                    m.set_func_names(found);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn read_func_names(
    names: wasmparser::NameSectionReader<'_>,
    out: &mut Vec<(u32, String)>,
) -> Result<(), ParseError> {
    for n in names {
        if let wasmparser::Name::Function(map) = n? {
            for naming in map {
                let naming = naming?;
                out.push((naming.index, naming.name.to_string()));
            }
        }
    }
    Ok(())
}

fn table_type(
    t: &wasmparser::TableType,
    types: &[SubType],
    off: usize,
) -> Result<TableType, ParseError> {
    Ok(TableType {
        element: ref_type(t.element_type, types, off)?,
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
        table64: t.table64,
    })
}

fn memory_type(t: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        limits: Limits {
            min: t.initial,
            max: t.maximum,
        },
        memory64: t.memory64,
        shared: t.shared,
        page_size_log2: t.page_size_log2.unwrap_or(16) as u8,
    }
}

fn global_type(
    g: &wasmparser::GlobalType,
    types: &[SubType],
    off: usize,
) -> Result<GlobalType, ParseError> {
    Ok(GlobalType {
        content: val_type(g.content_type, types, off)?,
        mutability: if g.mutable {
            Mutability::Var
        } else {
            Mutability::Const
        },
    })
}

/// Decodes a constant expression. Validation has already restricted which operators occur.
pub fn const_expr(
    e: &wasmparser::ConstExpr<'_>,
    types: &[SubType],
) -> Result<ConstExpr, ParseError> {
    use wasmparser::Operator as O;
    let mut ops = Vec::new();
    let mut reader = e.get_operators_reader();
    loop {
        let offset = reader.original_position();
        let op = match reader.read()? {
            O::End => break,
            O::I32Const { value } => ConstOp::I32(value),
            O::I64Const { value } => ConstOp::I64(value),
            O::F32Const { value } => ConstOp::F32(value.bits()),
            O::F64Const { value } => ConstOp::F64(value.bits()),
            O::V128Const { value } => ConstOp::V128(value.i128() as u128),
            O::RefNull { hty } => {
                ConstOp::RefNull(RefType::new(true, heap_type(hty, types, offset as usize)?))
            }
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::RefI31 => ConstOp::RefI31,
            O::AnyConvertExtern => ConstOp::AnyConvertExtern,
            O::ExternConvertAny => ConstOp::ExternConvertAny,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => {
                ConstOp::StructNewDefault(struct_type_index)
            }
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed {
                array_type_index,
                array_size,
            } => ConstOp::ArrayNewFixed(array_type_index, array_size),
            // The offset names the instruction. Formatting it would pull wasmparser's
            // `Debug` of every operator (30 KiB) into a device's flash.
            _ => {
                return Err(ParseError::new(
                    "constant expression required",
                    offset as usize,
                ))
            }
        };
        ops.push(op);
    }
    Ok(ConstExpr(ops))
}
