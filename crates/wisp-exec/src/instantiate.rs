//! Instantiation. Spec: <https://webassembly.github.io/spec/core/exec/modules.html#instantiation>

use crate::const_eval::{eval, eval128, eval_offset};
use crate::{CodeRef, CompiledModule, ExecStore};
use alloc::vec::Vec;
use core::fmt;
use wisp_parse::{DataMode, ElemMode, ExportKind, ImportDesc};
use wisp_store::{
    ref_in_store, val_in_store, AccessError, DataInst, ElemInst, ExportInst, ExternVal, FuncInst,
    FuncKind, GlobalInst, InstanceAddr, LimitError, ModuleInst,
};
use wisp_types::{
    FuncAddr, GlobalType, Limits as TypeLimits, Mutability, RawVal, TableType, TrapCode, TypeId,
};

/// The embedder's caps on what a module may allocate.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Pages any one memory may reach.
    pub max_memory_pages: u64,
    /// Elements any one table may reach.
    pub max_table_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_memory_pages: 65536,
            max_table_elements: 10_000_000,
        }
    }
}

/// Why instantiation failed. More reasons may come, so a `match` on it needs a wildcard
/// arm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstantiateError {
    /// Import `index` has the wrong kind or type. Spec: "incompatible import type".
    IncompatibleImport { index: usize, detail: &'static str },
    /// The number of external values does not match the imports.
    ImportCount { expected: usize, given: usize },
    /// Something could not be allocated.
    Resource(&'static str),
    /// The store's limits refused an instance, a table or a memory.
    Limit(LimitError),
    /// Defined table `index` could not be given its `elements` initial elements.
    Table {
        index: usize,
        elements: u64,
        error: LimitError,
    },
    /// Defined memory `index` could not be given its `bytes` initial bytes.
    Memory {
        index: usize,
        bytes: u64,
        error: LimitError,
    },
    /// A segment was out of bounds; effects before it remain, as the spec says.
    Trap(TrapCode),
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateError::IncompatibleImport { index, detail } => {
                write!(f, "incompatible import type for import {index}: {detail}")
            }
            InstantiateError::ImportCount { expected, given } => {
                write!(f, "expected {expected} imports, got {given}")
            }
            InstantiateError::Resource(what) => write!(f, "cannot allocate {what}"),
            InstantiateError::Limit(e) => write!(f, "{e}"),
            InstantiateError::Table {
                index,
                elements,
                error,
            } => write!(
                f,
                "cannot allocate table {index}, which needs {elements} elements: {error}"
            ),
            InstantiateError::Memory {
                index,
                bytes,
                error,
            } => write!(
                f,
                "cannot allocate memory {index}, which needs {bytes} bytes: {error}"
            ),
            InstantiateError::Trap(t) => write!(f, "{t}"),
        }
    }
}

impl InstantiateError {
    /// What went wrong, without the particulars: for a build that leaves `core::fmt` out.
    pub fn summary(&self) -> &'static str {
        match self {
            InstantiateError::IncompatibleImport { .. } => "incompatible import type",
            InstantiateError::ImportCount { .. } => "the number of imports does not match",
            InstantiateError::Resource(_) => "out of memory for the instance",
            InstantiateError::Limit(LimitError::Memory(_)) | InstantiateError::Memory { .. } => {
                "cannot allocate a memory"
            }
            InstantiateError::Limit(LimitError::Table) | InstantiateError::Table { .. } => {
                "cannot allocate a table"
            }
            InstantiateError::Limit(_) => "the store's limits are reached",
            InstantiateError::Trap(t) => t.message(),
        }
    }
}

/// A variant shown as the error it wraps (`Limit`, `Trap`) passes on that error's
/// source; one that adds context (`Table`, `Memory`) gives the wrapped error.
impl core::error::Error for InstantiateError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            InstantiateError::Limit(e) => e.source(),
            InstantiateError::Table { error, .. } | InstantiateError::Memory { error, .. } => {
                Some(error)
            }
            _ => None,
        }
    }
}

/// A new instance, and the start function that the caller must now invoke.
pub struct Instantiated {
    pub instance: InstanceAddr,
    pub start: Option<FuncAddr>,
}

fn incompatible(index: usize, detail: &'static str) -> InstantiateError {
    InstantiateError::IncompatibleImport { index, detail }
}

/// Checks the external values against the imports, then allocates the instance and runs
/// the segment initializers. The start function is returned, not run.
// Always inlined, its body never: out of line, the imports and limits would pass 18 bytes
// of arguments after the result's address, which an AVR's compiler then reads off its
// stack a byte off (`cargo xtask avr` checks). Behind one pointer, to four values that
// LLVM's argument promotion leaves alone, they pass 2.
#[inline(always)]
pub fn instantiate(
    store: &mut ExecStore,
    module: &wisp_types::sync::Shared<CompiledModule>,
    externs: &[ExternVal],
    limits: Limits,
) -> Result<Instantiated, InstantiateError> {
    instantiate_with(store, module, &Given { externs, limits })
}

/// What [`instantiate`] is given besides the store and the module.
struct Given<'a> {
    externs: &'a [ExternVal],
    limits: Limits,
}

#[inline(never)]
fn instantiate_with(
    store: &mut ExecStore,
    module: &wisp_types::sync::Shared<CompiledModule>,
    given: &Given<'_>,
) -> Result<Instantiated, InstantiateError> {
    let Given { externs, limits } = *given;
    let m = &module.module;
    if externs.len() != m.imports.len() {
        return Err(InstantiateError::ImportCount {
            expected: m.imports.len(),
            given: externs.len(),
        });
    }
    store
        .check_new_instance()
        .map_err(InstantiateError::Limit)?;
    // The module's types, made canonical in the store's registry.
    let ids = store
        .types
        .register_module(&m.types, &m.rec_groups)
        .map_err(|_| {
            InstantiateError::Resource(if wisp_types::TYPED_REFS {
                "the module's types: they are inconsistent"
            } else {
                "the module's types: typed references, subtypes and recursive groups need \
                 the `gc` feature"
            })
        })?;
    let mut inst = ModuleInst {
        types: ids,
        ..ModuleInst::default()
    };
    // The instance's own list, read while its other lists fill.
    let ids = &inst.types;
    // Spec: <https://webassembly.github.io/spec/core/valid/types.html#import-subtyping>
    for (i, (imp, ext)) in m.imports.iter().zip(externs).enumerate() {
        match (&imp.desc, *ext) {
            // Spec: <https://webassembly.github.io/spec/core/valid/matching.html#functions>
            (ImportDesc::Func(t), ExternVal::Func(a)) => {
                let want = ids.get(*t as usize);
                let have = store.funcs.get(a.0 as usize).map(|f| f.type_id);
                match (have, want) {
                    (Some(have), Some(&want)) if store.types.is_subtype(have, want) => {}
                    _ => return Err(incompatible(i, "function type mismatch")),
                }
                inst.funcs.push(a);
            }
            (ImportDesc::Table(t), ExternVal::Table(a)) => {
                let have = store
                    .tables
                    .get(a as usize)
                    .ok_or(incompatible(i, "no table"))?;
                let have_limits = TypeLimits {
                    min: have.elements.len() as u64,
                    max: have.ty.limits.max,
                };
                if have.ty.element != ref_in_store(ids, t.element)
                    || have.ty.table64 != t.table64
                    || !have_limits.matches(&t.limits)
                {
                    return Err(incompatible(i, "table type mismatch"));
                }
                inst.tables.push(a);
            }
            (ImportDesc::Memory(t), ExternVal::Memory(a)) => {
                let have = store
                    .mems
                    .get(a as usize)
                    .ok_or(incompatible(i, "no memory"))?;
                let have_limits = TypeLimits {
                    min: have.pages(),
                    max: have.ty.limits.max,
                };
                if have.ty.memory64 != t.memory64
                    || have.ty.page_size_log2 != t.page_size_log2
                    || !have_limits.matches(&t.limits)
                {
                    return Err(incompatible(i, "memory type mismatch"));
                }
                check_paged(inst.mems.is_empty(), have)?;
                inst.mems.push(a);
            }
            (ImportDesc::Global(t), ExternVal::Global(a)) => {
                let have = store
                    .globals
                    .get(a as usize)
                    .ok_or(incompatible(i, "no global"))?;
                // Spec: <https://webassembly.github.io/spec/core/valid/matching.html#globals>
                let want = val_in_store(ids, t.content);
                let matches = match t.mutability {
                    Mutability::Const => store.types.val_matches(have.ty.content, want),
                    Mutability::Var => have.ty.content == want,
                };
                if have.ty.mutability != t.mutability || !matches {
                    return Err(incompatible(i, "global type mismatch"));
                }
                inst.globals.push(a);
            }
            // Tags match when their types are equal.
            // Spec: <https://webassembly.github.io/spec/core/valid/matching.html#tags>
            (ImportDesc::Tag(t), ExternVal::Tag(a)) => {
                let want = ids.get(*t as usize);
                let have = store.tags.get(a as usize).map(|g| &g.type_id);
                if want.is_none() || want != have {
                    return Err(incompatible(i, "tag type mismatch"));
                }
                inst.tags.push(a);
            }
            _ => return Err(incompatible(i, "wrong kind of external value")),
        }
    }

    let inst_addr = InstanceAddr(store.instances.len() as u32);
    for (i, &ty_idx) in m
        .funcs
        .iter()
        .enumerate()
        .skip(m.num_imported_funcs as usize)
    {
        let type_id = ids
            .get(ty_idx as usize)
            .copied()
            .unwrap_or(TypeId(u32::MAX));
        let code = CodeRef {
            module: module.clone(),
            index: (i - m.num_imported_funcs as usize) as u32,
        };
        let a = store.alloc_func(FuncInst {
            type_id,
            kind: FuncKind::Wasm {
                instance: inst_addr,
                code,
            },
        });
        inst.funcs.push(a);
    }
    for &t in m.tags.iter().skip(m.num_imported_tags as usize) {
        let type_id = ids.get(t as usize).copied().unwrap_or(TypeId(u32::MAX));
        store.tags.push(wisp_store::TagInst { type_id });
        inst.tags.push(store.tags.len() as u32 - 1);
    }
    for g in m.globals.iter().skip(m.num_imported_globals as usize) {
        let v = eval128(&g.init, store, &inst).map_err(InstantiateError::Trap)?;
        let a = store.alloc_global(GlobalInst {
            ty: GlobalType {
                content: val_in_store(ids, g.ty.content),
                mutability: g.ty.mutability,
            },
            value: RawVal(v as u64),
            hi: RawVal((v >> 64) as u64),
        });
        inst.globals.push(a);
    }
    for (index, t) in m.tables.iter().enumerate() {
        if index < m.num_imported_tables as usize {
            continue;
        }
        let init = match &t.init {
            Some(e) => eval(e, store, &inst).map_err(InstantiateError::Trap)?,
            None => RawVal(0),
        };
        let ty = TableType {
            element: ref_in_store(ids, t.ty.element),
            ..t.ty
        };
        let table = store
            .new_table(ty, init, limits.max_table_elements)
            .map_err(|error| InstantiateError::Table {
                index,
                elements: t.ty.limits.min,
                error,
            })?;
        inst.tables.push(store.alloc_table(table));
    }
    for (index, ty) in m.memories.iter().enumerate() {
        if index < m.num_imported_memories as usize {
            continue;
        }
        let mem = store
            .new_memory(*ty, limits.max_memory_pages, None)
            .map_err(|error| InstantiateError::Memory {
                index,
                bytes: ty.limits.min.saturating_mul(ty.page_size()),
                error,
            })?;
        check_paged(inst.mems.is_empty(), &mem)?;
        inst.mems.push(store.alloc_mem(mem));
    }
    for e in &m.elements {
        let mut elements = Vec::new();
        for x in &e.items {
            elements.push(eval(x, store, &inst).map_err(InstantiateError::Trap)?);
        }
        let ty = ref_in_store(ids, e.ty);
        store.elems.push(ElemInst { ty, elements });
        inst.elems.push(store.elems.len() as u32 - 1);
    }
    for d in &m.datas {
        // An active segment is written below and dropped: only a passive one keeps its
        // bytes, for `memory.init`.
        let bytes = match d.mode {
            DataMode::Passive => m.bytes.get(d.bytes.clone()).unwrap_or(&[]).to_vec(),
            DataMode::Active { .. } => Vec::new(),
        };
        store.datas.push(DataInst { bytes });
        inst.datas.push(store.datas.len() as u32 - 1);
    }
    for e in &m.exports {
        let value = match e.kind {
            ExportKind::Func => inst
                .funcs
                .get(e.index as usize)
                .map(|a| ExternVal::Func(*a)),
            ExportKind::Table => inst
                .tables
                .get(e.index as usize)
                .map(|a| ExternVal::Table(*a)),
            ExportKind::Memory => inst
                .mems
                .get(e.index as usize)
                .map(|a| ExternVal::Memory(*a)),
            ExportKind::Global => inst
                .globals
                .get(e.index as usize)
                .map(|a| ExternVal::Global(*a)),
            ExportKind::Tag => inst.tags.get(e.index as usize).map(|a| ExternVal::Tag(*a)),
        };
        if let Some(value) = value {
            inst.exports.push(ExportInst {
                name: e.name.clone(),
                value,
            });
        }
    }
    let start = m.start.and_then(|s| inst.funcs.get(s as usize).copied());
    let initialized = init_segments(store, m, &inst);
    // The instance is allocated even when a segment traps: its functions may already
    // be in an imported table.
    store.instances.push(inst);
    initialized?;
    Ok(Instantiated {
        instance: inst_addr,
        start,
    })
}

/// Copies the active segments into their tables and memories, in order, and drops them
/// and the declarative ones.
fn init_segments(
    store: &mut ExecStore,
    m: &wisp_parse::Module,
    inst: &ModuleInst,
) -> Result<(), InstantiateError> {
    for (seg, &ea) in m.elements.iter().zip(&inst.elems) {
        match &seg.mode {
            ElemMode::Passive => continue,
            ElemMode::Declarative => {}
            ElemMode::Active { table, offset } => {
                let ta = *inst
                    .tables
                    .get(*table as usize)
                    .ok_or(InstantiateError::Trap(TrapCode::TableOutOfBounds))?;
                let is64 = store.tables[ta as usize].ty.table64;
                let off = eval_offset(offset, store, inst, is64);
                let off = usize::try_from(off)
                    .map_err(|_| InstantiateError::Trap(TrapCode::TableOutOfBounds))?;
                let items = &store.elems[ea as usize].elements;
                let t = &mut store.tables[ta as usize].elements;
                // A segment that does not fit is not dropped: the spec's `table.init`
                // traps before its `elem.drop`.
                let dst = t
                    .get_mut(off..)
                    .and_then(|s| s.get_mut(..items.len()))
                    .ok_or(InstantiateError::Trap(TrapCode::TableOutOfBounds))?;
                dst.copy_from_slice(items);
            }
        }
        store.elems[ea as usize].elements = Vec::new();
    }
    for (i, seg) in m.datas.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &seg.mode {
            let written = match inst.mems.get(*memory as usize) {
                Some(&ma) => {
                    let is64 = store.mems[ma as usize].ty.memory64;
                    let off = eval_offset(offset, store, inst, is64);
                    let bytes = m.bytes.get(seg.bytes.clone()).unwrap_or(&[]);
                    store.mems[ma as usize]
                        .write(off, bytes)
                        .map_err(access_trap)
                }
                None => Err(TrapCode::MemoryOutOfBounds),
            };
            if let Err(trap) = written {
                keep_active_data(store, m, inst, i);
                return Err(InstantiateError::Trap(trap));
            }
        }
    }
    Ok(())
}

/// After the active data segment `from` trapped: it and the active segments after it
/// were never dropped (the spec's `memory.init` traps before its `data.drop`), so they
/// get the bytes that instantiation left out, for a function of the instance that an
/// imported table already holds.
#[cold]
fn keep_active_data(store: &mut ExecStore, m: &wisp_parse::Module, inst: &ModuleInst, from: usize) {
    for (seg, &da) in m.datas.iter().zip(&inst.datas).skip(from) {
        if let DataMode::Active { .. } = seg.mode {
            let bytes = m.bytes.get(seg.bytes.clone()).unwrap_or(&[]);
            store.datas[da as usize].bytes = bytes.to_vec();
        }
    }
}

/// Refuses a paged memory that the fast family of loads and stores would use (memory 0
/// with 32-bit addresses, `first`) when they were built without their paged path: every
/// access would trap. The general family goes through the backend in every build.
fn check_paged(first: bool, mem: &wisp_store::MemInst) -> Result<(), InstantiateError> {
    let fast = first && !mem.ty.memory64;
    if fast && mem.is_paged() && !cfg!(feature = "paged-memory") {
        return Err(InstantiateError::Resource(
            "a paged memory 0 with 32-bit addresses: wisp-exec was built without its \
             `paged-memory` feature",
        ));
    }
    Ok(())
}

/// The trap an access to memory ends in.
pub(crate) fn access_trap(e: AccessError) -> TrapCode {
    match e {
        AccessError::OutOfBounds => TrapCode::MemoryOutOfBounds,
        // The executor always has the store exclusively; a device that says otherwise
        // failed.
        AccessError::Device | AccessError::Exclusive => TrapCode::MemoryDevice,
    }
}
