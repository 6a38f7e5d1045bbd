//! Function, global, element, data and module instances.
//! Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#module-instances>

use alloc::string::String;
use alloc::vec::Vec;
use wisp_types::{FuncAddr, GlobalType, RawVal, RefType, TypeId};

/// The address of a module instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceAddr(pub u32);

/// A function instance. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#function-instances>
pub struct FuncInst<C> {
    /// Its type's id in the store's registry (which holds the type, once for all the
    /// functions of that type): what `call_indirect` compares.
    pub type_id: TypeId,
    pub kind: FuncKind<C>,
}

pub enum FuncKind<C> {
    /// A function defined in a module, closed over its module instance.
    Wasm { instance: InstanceAddr, code: C },
    /// A host function; the index names it in the embedder's own table, so that the
    /// store does not need to know the embedder's closure types. A call makes room for
    /// `cells` cells at its frame: its parameters' or its results', whichever take more.
    Host { index: u32, cells: u32 },
}

/// A global instance. A `v128` keeps its upper half in `hi`.
#[derive(Debug, Clone, Copy)]
pub struct GlobalInst {
    pub ty: GlobalType,
    pub value: RawVal,
    pub hi: RawVal,
}

/// A tag instance: an exception tag's identity is its address, so two instances of a
/// module have distinct tags even with equal types.
/// Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#tag-instances>
#[derive(Debug, Clone)]
pub struct TagInst {
    /// Its type's id in the store's registry: a function type without results, whose
    /// parameters are the values its exceptions carry.
    pub type_id: TypeId,
}

/// An element instance: a segment's references, emptied by `elem.drop`.
#[derive(Debug, Clone)]
pub struct ElemInst {
    pub ty: RefType,
    pub elements: Vec<RawVal>,
}

/// A data instance: a segment's bytes, emptied by `data.drop`.
#[derive(Debug, Clone)]
pub struct DataInst {
    pub bytes: Vec<u8>,
}

/// An external value. Spec: <https://webassembly.github.io/spec/core/exec/runtime.html#external-values>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternVal {
    Func(FuncAddr),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

#[derive(Debug, Clone)]
pub struct ExportInst {
    pub name: String,
    pub value: ExternVal,
}

/// A module instance: the module's index spaces mapped to store addresses.
#[derive(Debug, Default)]
pub struct ModuleInst {
    /// The module's types, by their ids in the store's registry.
    pub types: Vec<TypeId>,
    pub funcs: Vec<FuncAddr>,
    pub tables: Vec<u32>,
    pub mems: Vec<u32>,
    pub globals: Vec<u32>,
    pub tags: Vec<u32>,
    pub elems: Vec<u32>,
    pub datas: Vec<u32>,
    pub exports: Vec<ExportInst>,
}

impl ModuleInst {
    pub fn export(&self, name: &str) -> Option<ExternVal> {
        self.exports
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value)
    }
}
