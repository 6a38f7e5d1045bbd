//! The `spectest` host module that the spec scripts import.
//! Spec: <https://github.com/WebAssembly/spec/tree/main/interpreter#spectest-host-module>

use wisp::{
    Extern, FuncType, Global, GlobalType, Linker, Memory, MemoryType, Mutability, RefType, Store,
    Table, TableType, Val, ValType, F32, F64,
};

/// Defines `spectest` in `linker`: print functions that print nothing, globals of value
/// 666, a table of 10..20 funcrefs and a memory of 1..2 pages.
pub fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<(), wisp::Error> {
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[ValType::I32]),
        ("print_i64", &[ValType::I64]),
        ("print_f32", &[ValType::F32]),
        ("print_f64", &[ValType::F64]),
        ("print_i32_f32", &[ValType::I32, ValType::F32]),
        ("print_f64_f64", &[ValType::F64, ValType::F64]),
    ];
    for (name, params) in prints {
        let ty = FuncType::new(params.iter().copied(), []);
        linker.func_new("spectest", name, ty, |_, _, _| Ok(()))?;
    }
    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::F32(F32::from_float(666.6))),
        ("global_f64", Val::F64(F64::from_float(666.6))),
    ];
    for (name, v) in globals {
        let ty = GlobalType {
            content: v.ty(),
            mutability: Mutability::Const,
        };
        let g = Global::new(&mut *store, ty, v)?;
        linker.define(&*store, "spectest", name, Extern::Global(g))?;
    }
    let table = Table::new(
        &mut *store,
        TableType::new(RefType::FUNCREF, 10, Some(20)),
        Val::FuncRef(None),
    )?;
    linker.define(&*store, "spectest", "table", Extern::Table(table))?;
    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, "spectest", "memory", Extern::Memory(memory))?;
    Ok(())
}
