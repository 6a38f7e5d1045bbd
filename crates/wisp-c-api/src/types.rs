//! Type descriptions: value, function, global, table, memory and extern types, and the
//! types of imports and exports.
//!
//! Spec: <https://github.com/WebAssembly/wasm-c-api/blob/main/include/wasm.h> ("Type
//! Representations"). An object hands out `const` pointers into itself (a function
//! type's parameter vector, an import's name), so each keeps those parts in C's shape
//! next to Wisp's own type.

use crate::vec::{vec_functions, WasmVec};
use alloc::boxed::Box;
use alloc::vec::Vec;
use wisp::{
    ExternType, FuncType, GlobalType, HeapType, Limits, MemoryType, Mutability, TableType, ValType,
};

/// `wasm_valkind_t`: a value's kind.
pub type wasm_valkind_t = u8;
/// `wasm_mutability_t`: `WASM_CONST` (0) or `WASM_VAR` (1).
pub type wasm_mutability_t = u8;
/// `wasm_externkind_t`: `WASM_EXTERN_FUNC` (0), `_GLOBAL`, `_TABLE`, `_MEMORY`.
pub type wasm_externkind_t = u8;

/// `WASM_I32`.
pub const WASM_I32: wasm_valkind_t = 0;
/// `WASM_I64`.
pub const WASM_I64: wasm_valkind_t = 1;
/// `WASM_F32`.
pub const WASM_F32: wasm_valkind_t = 2;
/// `WASM_F64`.
pub const WASM_F64: wasm_valkind_t = 3;
/// `WASM_V128` (an extension wasm.h leaves a place for; values of it cannot cross).
pub const WASM_V128: wasm_valkind_t = 4;
/// `WASM_EXTERNREF` (wasm.h's `WASM_ANYREF` of before reference types).
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
/// `WASM_FUNCREF`.
pub const WASM_FUNCREF: wasm_valkind_t = 129;
/// `WISP_ANYREF`: every other reference (exceptions, GC objects), passed as `wasm_ref_t`.
pub const WISP_ANYREF: wasm_valkind_t = 130;

/// `wasm_valtype_t`.
#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

/// The C kind of a Wisp value type.
pub(crate) fn kind_of(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WASM_V128,
        ValType::Ref(r) => match r.heap.top() {
            HeapType::Func => WASM_FUNCREF,
            HeapType::Extern => WASM_EXTERNREF,
            _ => WISP_ANYREF,
        },
        // Value types of later proposals: references of some other kind, for now.
        _ => WISP_ANYREF,
    }
}

/// The Wisp type of a C kind (references nullable, at the top of their hierarchy).
pub(crate) fn type_of(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::EXTERNREF,
        WASM_FUNCREF => ValType::FUNCREF,
        WISP_ANYREF => ValType::ANYREF,
        _ => return None,
    })
}

/// Writes `$delete` (frees) and `$copy` (deep copy) for an owned, cloneable C object.
macro_rules! own_functions {
    ($ty:ident, $delete:ident, $copy:ident) => {
        #[doc = concat!("Frees a `", stringify!($ty), "`.")]
        #[no_mangle]
        pub extern "C" fn $delete(_: Option<Box<$ty>>) {}

        #[doc = concat!("Copies a `", stringify!($ty), "`.")]
        #[no_mangle]
        pub extern "C" fn $copy(src: &$ty) -> Box<$ty> {
            Box::new(src.clone())
        }
    };
}
pub(crate) use own_functions;

own_functions!(wasm_valtype_t, wasm_valtype_delete, wasm_valtype_copy);
vec_functions!(
    wasm_valtype_vec_t,
    Option<Box<wasm_valtype_t>>,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);

/// A value type of kind `kind`; null for a kind wasm.h does not define.
#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> Option<Box<wasm_valtype_t>> {
    type_of(kind).map(|ty| Box::new(wasm_valtype_t { ty }))
}

/// The kind of a value type.
#[no_mangle]
pub extern "C" fn wasm_valtype_kind(t: &wasm_valtype_t) -> wasm_valkind_t {
    kind_of(t.ty)
}

/// `wasm_limits_t`: a minimum and a maximum, `0xffffffff` for none.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_limits_t {
    /// The minimum.
    pub min: u32,
    /// The maximum, or `wasm_limits_max_default` (`0xffffffff`) for none.
    pub max: u32,
}

impl wasm_limits_t {
    fn from_wisp(l: Limits) -> Self {
        wasm_limits_t {
            min: l.min.min(u32::MAX as u64) as u32,
            max: l.max.map_or(u32::MAX, |m| m.min(u32::MAX as u64) as u32),
        }
    }
    fn to_wisp(self) -> Limits {
        Limits {
            min: self.min as u64,
            max: (self.max != u32::MAX).then_some(self.max as u64),
        }
    }
}

fn valtype_vec(tys: &[ValType]) -> wasm_valtype_vec_t {
    WasmVec::from_vec(
        tys.iter()
            .map(|&ty| Some(Box::new(wasm_valtype_t { ty })))
            .collect(),
    )
}

/// A function type with its parameters and results also in C's shape.
pub(crate) struct CFuncType {
    pub(crate) ty: FuncType,
    params: wasm_valtype_vec_t,
    results: wasm_valtype_vec_t,
}

impl CFuncType {
    pub(crate) fn new(ty: FuncType) -> Self {
        CFuncType {
            params: valtype_vec(ty.params()),
            results: valtype_vec(ty.results()),
            ty,
        }
    }
}

impl Clone for CFuncType {
    fn clone(&self) -> Self {
        CFuncType::new(self.ty.clone())
    }
}

impl Drop for CFuncType {
    fn drop(&mut self) {
        drop(self.params.take());
        drop(self.results.take());
    }
}

/// A global type, its content type in C's shape.
#[derive(Clone)]
pub(crate) struct CGlobalType {
    pub(crate) ty: GlobalType,
    content: wasm_valtype_t,
}

/// A table type, its element type and limits in C's shape.
#[derive(Clone)]
pub(crate) struct CTableType {
    pub(crate) ty: TableType,
    element: wasm_valtype_t,
    limits: wasm_limits_t,
}

/// A memory type, its limits in C's shape.
#[derive(Clone)]
pub(crate) struct CMemoryType {
    pub(crate) ty: MemoryType,
    limits: wasm_limits_t,
}

#[derive(Clone)]
pub(crate) enum CExternType {
    Func(CFuncType),
    Global(CGlobalType),
    Table(CTableType),
    Memory(CMemoryType),
}

/// `wasm_externtype_t`. The four specific types are this same object (wasm.h converts
/// between them by pointer), so each of them wraps one.
#[derive(Clone)]
pub struct wasm_externtype_t {
    pub(crate) which: CExternType,
}

impl wasm_externtype_t {
    /// The C shape of a Wisp extern type. A tag has no kind in wasm.h: it shows as the
    /// function type of its payload.
    pub(crate) fn new(ty: ExternType) -> Self {
        let which = match ty {
            ExternType::Func(f) | ExternType::Tag(f) => CExternType::Func(CFuncType::new(f)),
            ExternType::Global(ty) => CExternType::Global(CGlobalType {
                content: wasm_valtype_t { ty: ty.content },
                ty,
            }),
            ExternType::Table(ty) => CExternType::Table(CTableType {
                element: wasm_valtype_t {
                    ty: ValType::Ref(ty.element),
                },
                limits: wasm_limits_t::from_wisp(ty.limits),
                ty,
            }),
            ExternType::Memory(ty) => CExternType::Memory(CMemoryType {
                limits: wasm_limits_t::from_wisp(ty.limits),
                ty,
            }),
        };
        wasm_externtype_t { which }
    }

    pub(crate) fn kind(&self) -> wasm_externkind_t {
        match self.which {
            CExternType::Func(_) => 0,
            CExternType::Global(_) => 1,
            CExternType::Table(_) => 2,
            CExternType::Memory(_) => 3,
        }
    }
}

/// `wasm_functype_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_functype_t {
    pub(crate) ext: wasm_externtype_t,
}

/// `wasm_globaltype_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_globaltype_t {
    pub(crate) ext: wasm_externtype_t,
}

/// `wasm_tabletype_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_tabletype_t {
    pub(crate) ext: wasm_externtype_t,
}

/// `wasm_memorytype_t`.
#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_memorytype_t {
    pub(crate) ext: wasm_externtype_t,
}

impl wasm_functype_t {
    pub(crate) fn new(ty: FuncType) -> Self {
        wasm_functype_t {
            ext: wasm_externtype_t {
                which: CExternType::Func(CFuncType::new(ty)),
            },
        }
    }
    pub(crate) fn c(&self) -> &CFuncType {
        match &self.ext.which {
            CExternType::Func(f) => f,
            // A wasm_functype_t is only ever made holding a function type.
            _ => unreachable_type(),
        }
    }
}

impl wasm_globaltype_t {
    pub(crate) fn c(&self) -> &CGlobalType {
        match &self.ext.which {
            CExternType::Global(g) => g,
            _ => unreachable_type(),
        }
    }
}

impl wasm_tabletype_t {
    pub(crate) fn c(&self) -> &CTableType {
        match &self.ext.which {
            CExternType::Table(t) => t,
            _ => unreachable_type(),
        }
    }
}

impl wasm_memorytype_t {
    pub(crate) fn c(&self) -> &CMemoryType {
        match &self.ext.which {
            CExternType::Memory(m) => m,
            _ => unreachable_type(),
        }
    }
}

/// The specific types are made only by their constructors and `wasm_externtype_as_*`,
/// which check the kind; C casting a pointer to the wrong type is its own undefined
/// behaviour. Aborting beats reading a wrong variant.
fn unreachable_type() -> ! {
    crate::abort("a wasm.h type object of the wrong kind")
}

own_functions!(wasm_functype_t, wasm_functype_delete, wasm_functype_copy);
own_functions!(
    wasm_globaltype_t,
    wasm_globaltype_delete,
    wasm_globaltype_copy
);
own_functions!(wasm_tabletype_t, wasm_tabletype_delete, wasm_tabletype_copy);
own_functions!(
    wasm_memorytype_t,
    wasm_memorytype_delete,
    wasm_memorytype_copy
);
own_functions!(
    wasm_externtype_t,
    wasm_externtype_delete,
    wasm_externtype_copy
);

vec_functions!(
    wasm_functype_vec_t,
    Option<Box<wasm_functype_t>>,
    wasm_functype_vec_new_empty,
    wasm_functype_vec_new_uninitialized,
    wasm_functype_vec_new,
    wasm_functype_vec_copy,
    wasm_functype_vec_delete
);
vec_functions!(
    wasm_externtype_vec_t,
    Option<Box<wasm_externtype_t>>,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);

fn types_of(v: &mut wasm_valtype_vec_t) -> Vec<ValType> {
    v.take().into_iter().flatten().map(|t| t.ty).collect()
}

/// A function type, taking over both vectors.
#[no_mangle]
pub extern "C" fn wasm_functype_new(
    params: &mut wasm_valtype_vec_t,
    results: &mut wasm_valtype_vec_t,
) -> Box<wasm_functype_t> {
    let ty = FuncType::new(types_of(params), types_of(results));
    Box::new(wasm_functype_t::new(ty))
}

/// The parameter types.
#[no_mangle]
pub extern "C" fn wasm_functype_params(t: &wasm_functype_t) -> &wasm_valtype_vec_t {
    &t.c().params
}

/// The result types.
#[no_mangle]
pub extern "C" fn wasm_functype_results(t: &wasm_functype_t) -> &wasm_valtype_vec_t {
    &t.c().results
}

/// A global type, taking over `content`.
#[no_mangle]
pub extern "C" fn wasm_globaltype_new(
    content: Box<wasm_valtype_t>,
    mutability: wasm_mutability_t,
) -> Option<Box<wasm_globaltype_t>> {
    let mutability = match mutability {
        0 => Mutability::Const,
        1 => Mutability::Var,
        _ => return None,
    };
    let ty = GlobalType {
        content: content.ty,
        mutability,
    };
    Some(Box::new(wasm_globaltype_t {
        ext: wasm_externtype_t::new(ExternType::Global(ty)),
    }))
}

/// The type of the global's value.
#[no_mangle]
pub extern "C" fn wasm_globaltype_content(t: &wasm_globaltype_t) -> &wasm_valtype_t {
    &t.c().content
}

/// `WASM_CONST` or `WASM_VAR`.
#[no_mangle]
pub extern "C" fn wasm_globaltype_mutability(t: &wasm_globaltype_t) -> wasm_mutability_t {
    match t.c().ty.mutability {
        Mutability::Const => 0,
        Mutability::Var => 1,
    }
}

/// A table type, taking over `element`; null unless it is a reference type.
#[no_mangle]
pub extern "C" fn wasm_tabletype_new(
    element: Box<wasm_valtype_t>,
    limits: &wasm_limits_t,
) -> Option<Box<wasm_tabletype_t>> {
    let ValType::Ref(element) = element.ty else {
        return None;
    };
    let l = limits.to_wisp();
    let ty = TableType::new(element, l.min, l.max);
    Some(Box::new(wasm_tabletype_t {
        ext: wasm_externtype_t::new(ExternType::Table(ty)),
    }))
}

/// The table's element type.
#[no_mangle]
pub extern "C" fn wasm_tabletype_element(t: &wasm_tabletype_t) -> &wasm_valtype_t {
    &t.c().element
}

/// The table's limits.
#[no_mangle]
pub extern "C" fn wasm_tabletype_limits(t: &wasm_tabletype_t) -> &wasm_limits_t {
    &t.c().limits
}

/// A memory type of 64 KiB pages.
#[no_mangle]
pub extern "C" fn wasm_memorytype_new(limits: &wasm_limits_t) -> Box<wasm_memorytype_t> {
    let l = limits.to_wisp();
    Box::new(wasm_memorytype_t {
        ext: wasm_externtype_t::new(ExternType::Memory(MemoryType::new(l.min, l.max))),
    })
}

/// The memory's limits, in pages.
#[no_mangle]
pub extern "C" fn wasm_memorytype_limits(t: &wasm_memorytype_t) -> &wasm_limits_t {
    &t.c().limits
}

/// `WASM_EXTERN_FUNC`, `_GLOBAL`, `_TABLE` or `_MEMORY`.
#[no_mangle]
pub extern "C" fn wasm_externtype_kind(t: &wasm_externtype_t) -> wasm_externkind_t {
    t.kind()
}

/// Writes the conversions between `wasm_externtype_t` and one specific type: the
/// specific type wraps the extern type, so both ways are pointer casts, checked on the
/// way down.
macro_rules! externtype_casts {
    ($ty:ident, $variant:ident, $up:ident, $up_const:ident, $down:ident, $down_const:ident) => {
        #[doc = concat!("The `", stringify!($ty), "` as an extern type (the same object).")]
        #[no_mangle]
        pub extern "C" fn $up(t: &mut $ty) -> &mut wasm_externtype_t {
            &mut t.ext
        }
        #[doc = concat!("The `", stringify!($ty), "` as an extern type (the same object).")]
        #[no_mangle]
        pub extern "C" fn $up_const(t: &$ty) -> &wasm_externtype_t {
            &t.ext
        }
        #[doc = concat!("The extern type as a `", stringify!($ty), "`, or null if it is another kind.")]
        #[no_mangle]
        pub extern "C" fn $down(t: &mut wasm_externtype_t) -> Option<&mut $ty> {
            match t.which {
                CExternType::$variant(_) => {
                    // SAFETY: `$ty` is `repr(transparent)` over `wasm_externtype_t`.
                    Some(unsafe { &mut *(t as *mut wasm_externtype_t as *mut $ty) })
                }
                _ => None,
            }
        }
        #[doc = concat!("The extern type as a `", stringify!($ty), "`, or null if it is another kind.")]
        #[no_mangle]
        pub extern "C" fn $down_const(t: &wasm_externtype_t) -> Option<&$ty> {
            match t.which {
                CExternType::$variant(_) => {
                    // SAFETY: `$ty` is `repr(transparent)` over `wasm_externtype_t`.
                    Some(unsafe { &*(t as *const wasm_externtype_t as *const $ty) })
                }
                _ => None,
            }
        }
    };
}

externtype_casts!(
    wasm_functype_t,
    Func,
    wasm_functype_as_externtype,
    wasm_functype_as_externtype_const,
    wasm_externtype_as_functype,
    wasm_externtype_as_functype_const
);
externtype_casts!(
    wasm_globaltype_t,
    Global,
    wasm_globaltype_as_externtype,
    wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype,
    wasm_externtype_as_globaltype_const
);
externtype_casts!(
    wasm_tabletype_t,
    Table,
    wasm_tabletype_as_externtype,
    wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype,
    wasm_externtype_as_tabletype_const
);
externtype_casts!(
    wasm_memorytype_t,
    Memory,
    wasm_memorytype_as_externtype,
    wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype,
    wasm_externtype_as_memorytype_const
);

/// `wasm_importtype_t`: where an import comes from and what it must be.
#[derive(Clone)]
pub struct wasm_importtype_t {
    module: WasmVec<u8>,
    name: WasmVec<u8>,
    ty: wasm_externtype_t,
}

/// `wasm_exporttype_t`: an export's name and type.
#[derive(Clone)]
pub struct wasm_exporttype_t {
    name: WasmVec<u8>,
    ty: wasm_externtype_t,
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        drop(self.module.take());
        drop(self.name.take());
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        drop(self.name.take());
    }
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: ExternType) -> Self {
        wasm_importtype_t {
            module: WasmVec::from_vec(module.as_bytes().to_vec()),
            name: WasmVec::from_vec(name.as_bytes().to_vec()),
            ty: wasm_externtype_t::new(ty),
        }
    }
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: ExternType) -> Self {
        wasm_exporttype_t {
            name: WasmVec::from_vec(name.as_bytes().to_vec()),
            ty: wasm_externtype_t::new(ty),
        }
    }
}

own_functions!(
    wasm_importtype_t,
    wasm_importtype_delete,
    wasm_importtype_copy
);
own_functions!(
    wasm_exporttype_t,
    wasm_exporttype_delete,
    wasm_exporttype_copy
);
vec_functions!(
    wasm_importtype_vec_t,
    Option<Box<wasm_importtype_t>>,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
vec_functions!(
    wasm_exporttype_vec_t,
    Option<Box<wasm_exporttype_t>>,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);

/// An import type, taking over the names and the type.
#[no_mangle]
pub extern "C" fn wasm_importtype_new(
    module: &mut WasmVec<u8>,
    name: &mut WasmVec<u8>,
    ty: Box<wasm_externtype_t>,
) -> Box<wasm_importtype_t> {
    Box::new(wasm_importtype_t {
        module: WasmVec::from_vec(module.take()),
        name: WasmVec::from_vec(name.take()),
        ty: *ty,
    })
}

/// The module name the import comes from.
#[no_mangle]
pub extern "C" fn wasm_importtype_module(t: &wasm_importtype_t) -> &WasmVec<u8> {
    &t.module
}

/// The import's name.
#[no_mangle]
pub extern "C" fn wasm_importtype_name(t: &wasm_importtype_t) -> &WasmVec<u8> {
    &t.name
}

/// What the import must be.
#[no_mangle]
pub extern "C" fn wasm_importtype_type(t: &wasm_importtype_t) -> &wasm_externtype_t {
    &t.ty
}

/// An export type, taking over the name and the type.
#[no_mangle]
pub extern "C" fn wasm_exporttype_new(
    name: &mut WasmVec<u8>,
    ty: Box<wasm_externtype_t>,
) -> Box<wasm_exporttype_t> {
    Box::new(wasm_exporttype_t {
        name: WasmVec::from_vec(name.take()),
        ty: *ty,
    })
}

/// The export's name.
#[no_mangle]
pub extern "C" fn wasm_exporttype_name(t: &wasm_exporttype_t) -> &WasmVec<u8> {
    &t.name
}

/// What the export is.
#[no_mangle]
pub extern "C" fn wasm_exporttype_type(t: &wasm_exporttype_t) -> &wasm_externtype_t {
    &t.ty
}
