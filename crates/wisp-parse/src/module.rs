//! Modules. Spec: <https://webassembly.github.io/spec/core/syntax/modules.html>

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;
use wisp_types::{FuncType, GlobalType, MemoryType, RefType, SubType, TableType};

/// A decoded module. Indices are the spec's: imports come first in each index space.
#[derive(Debug, Default)]
pub struct Module {
    /// The module's bytes; function bodies are ranges into them.
    pub bytes: Box<[u8]>,
    /// The defined types, every recursive group's in order.
    pub types: Vec<SubType>,
    /// The index of each recursive group's first type.
    pub rec_groups: Vec<u32>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub funcs: Vec<u32>,
    pub num_imported_funcs: u32,
    /// Byte range of each defined function's body (locals and code).
    pub bodies: Vec<Range<usize>>,
    pub tables: Vec<TableDef>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalDef>,
    pub num_imported_globals: u32,
    /// Type index of every exception tag, imported ones first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub datas: Vec<DataSegment>,
    /// Function names from the `name` custom section, for backtraces: sorted by
    /// function index, each index once ([`Module::set_func_names`]).
    pub func_names: Vec<(u32, String)>,
    /// `bytes` holds only the data segments, and `bodies` are ranges into the bytes the
    /// module was built from ([`crate::ModuleBuilder::finish_without_code`]).
    pub code_dropped: bool,
}

impl Module {
    /// The name the `name` section gives function `idx`.
    pub fn func_name(&self, idx: u32) -> Option<&str> {
        let i = self
            .func_names
            .binary_search_by_key(&idx, |(i, _)| *i)
            .ok()?;
        Some(self.func_names[i].1.as_str())
    }

    /// Sets the function names from `(index, name)` pairs in any order; where an index
    /// comes more than once, the last name counts (as a map's insert would). Sorting
    /// keeps it linear-logarithmic whatever order a hostile section uses.
    pub fn set_func_names(&mut self, mut names: Vec<(u32, String)>) {
        names.reverse();
        names.sort_by_key(|(i, _)| *i);
        names.dedup_by_key(|(i, _)| *i);
        self.func_names = names;
    }

    pub fn func_type(&self, func_idx: u32) -> Option<&FuncType> {
        self.func_type_at(*self.funcs.get(func_idx as usize)?)
    }
    /// Type `type_idx`, if it is a function type.
    pub fn func_type_at(&self, type_idx: u32) -> Option<&FuncType> {
        self.types.get(type_idx as usize)?.as_func()
    }
    /// Gives back the spare capacity of every list, once the module is complete: on a
    /// device the slack of vectors grown by doubling is RAM the instances then lack.
    pub fn shrink_to_fit(&mut self) {
        self.types.shrink_to_fit();
        self.rec_groups.shrink_to_fit();
        self.imports.shrink_to_fit();
        self.funcs.shrink_to_fit();
        self.bodies.shrink_to_fit();
        self.tables.shrink_to_fit();
        self.memories.shrink_to_fit();
        self.globals.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.exports.shrink_to_fit();
        self.elements.shrink_to_fit();
        self.datas.shrink_to_fit();
    }

    /// The recursive group `type_idx` belongs to: its types' index range.
    pub fn rec_group_of(&self, type_idx: u32) -> Range<u32> {
        let g = self.rec_groups.partition_point(|&s| s <= type_idx);
        let start = self.rec_groups.get(g.wrapping_sub(1)).copied().unwrap_or(0);
        let end = self
            .rec_groups
            .get(g)
            .copied()
            .unwrap_or(self.types.len() as u32);
        start..end
    }
    /// The type of tag `tag_idx`: the values its exceptions carry.
    pub fn tag_type(&self, tag_idx: u32) -> Option<&FuncType> {
        self.func_type_at(*self.tags.get(tag_idx as usize)?)
    }
    pub fn body(&self, defined_idx: usize) -> Option<&[u8]> {
        if self.code_dropped {
            return None;
        }
        self.bytes.get(self.bodies.get(defined_idx)?.clone())
    }
    /// The offset of a defined function's body within the module bytes.
    pub fn body_offset(&self, defined_idx: usize) -> usize {
        self.bodies.get(defined_idx).map_or(0, |r| r.start)
    }
}

#[derive(Debug, Clone)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub desc: ImportDesc,
}

#[derive(Debug, Clone)]
pub enum ImportDesc {
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// An exception tag of the given type index.
    Tag(u32),
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub ty: TableType,
    /// The initial element (typed function references); `None` means null.
    pub init: Option<ConstExpr>,
}

#[derive(Debug, Clone)]
pub struct GlobalDef {
    pub ty: GlobalType,
    pub init: ConstExpr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Table,
    Memory,
    Global,
    Tag,
}

#[derive(Debug, Clone)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

/// A constant expression, kept as the sequence of its instructions.
/// Spec: <https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions>
#[derive(Debug, Clone, PartialEq)]
pub struct ConstExpr(pub Vec<ConstOp>);

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull(RefType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    /// `ref.i31` (GC).
    RefI31,
    /// `any.convert_extern` (GC).
    AnyConvertExtern,
    /// `extern.convert_any` (GC).
    ExternConvertAny,
    /// `struct.new` of the module's type index (GC): allocates.
    StructNew(u32),
    /// `struct.new_default` (GC).
    StructNewDefault(u32),
    /// `array.new` (GC).
    ArrayNew(u32),
    /// `array.new_default` (GC).
    ArrayNewDefault(u32),
    /// `array.new_fixed` of a type and a length (GC).
    ArrayNewFixed(u32, u32),
}

#[derive(Debug, Clone)]
pub enum ElemMode {
    Passive,
    Declarative,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub struct ElementSegment {
    pub ty: RefType,
    pub mode: ElemMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub struct DataSegment {
    pub mode: DataMode,
    /// Range of the segment's bytes within the module bytes.
    pub bytes: Range<usize>,
}

#[cfg(test)]
mod tests {
    use super::Module;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn function_names_sort_and_the_last_of_an_index_counts() {
        let mut m = Module::default();
        let names = [(7, "g"), (2, "a"), (7, "h"), (0, "z")];
        m.set_func_names(names.iter().map(|&(i, n)| (i, n.to_string())).collect());
        let got: alloc::vec::Vec<(u32, &str)> =
            m.func_names.iter().map(|(i, n)| (*i, n.as_str())).collect();
        assert_eq!(got, vec![(0, "z"), (2, "a"), (7, "h")]);
        assert_eq!(m.func_name(7), Some("h"));
        assert_eq!(m.func_name(3), None);
    }
}
