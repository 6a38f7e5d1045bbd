//! Objects never cross stores: a handle or a reference from one store used with another
//! is refused (an error, or a panic where the method cannot fail), never resolved to the
//! other store's object at the same index. A linker serves any number of stores.

mod common;
use common::wat;
use std::panic::{catch_unwind, AssertUnwindSafe};
use wisp::{
    Caller, Engine, Error, Extern, ExternRef, Func, FuncType, Linker, Memory, MemoryType, Module,
    RefType, Store, Table, TableType, Val, ValType,
};

/// Imports `host.tenant` and re-exports a function that calls it.
const TENANT: &str = r#"(module
  (import "host" "tenant" (func $tenant (result i32)))
  (memory (export "mem") 1)
  (func (export "who") (result i32) (call $tenant))
  (func (export "id") (param funcref) (result funcref) (local.get 0)))"#;

fn tenant_linker(engine: &Engine) -> Linker<i32> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("host", "tenant", |c: Caller<'_, i32>| *c.data())
        .unwrap();
    linker
}

#[test]
fn one_linker_serves_many_stores_each_with_its_own_state() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let linker = tenant_linker(&engine);
    let mut a = Store::new(&engine, 1);
    let mut b = Store::new(&engine, 2);
    let ia = linker.instantiate(&mut a, &module).unwrap();
    let ib = linker.instantiate(&mut b, &module).unwrap();
    // Instantiating again in `a` reuses the host function made there the first time.
    let ia2 = linker.instantiate(&mut a, &module).unwrap();
    let who = |s: &mut Store<i32>, i: wisp::Instance| {
        let f = i.get_typed_func::<(), i32>(&mut *s, "who").unwrap();
        f.call(s, ()).unwrap()
    };
    assert_eq!(who(&mut a, ia), 1);
    assert_eq!(who(&mut b, ib), 2);
    assert_eq!(who(&mut a, ia2), 1);
}

#[test]
fn a_value_of_one_store_cannot_satisfy_an_import_in_another() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let mut a = Store::new(&engine, 1);
    let mut b = Store::new(&engine, 2);
    let from_a = Func::wrap(&mut a, || 7i32);
    let mut linker = Linker::new(&engine);
    linker.define(&a, "host", "tenant", from_a).unwrap();
    let err = linker.instantiate(&mut b, &module).unwrap_err();
    assert!(
        matches!(&err, Error::Link(m) if m.contains("another store")),
        "{err}"
    );
    // In its own store it links.
    linker.instantiate(&mut a, &module).unwrap();
}

#[test]
fn a_typed_func_called_with_another_store_is_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let linker = tenant_linker(&engine);
    let mut a = Store::new(&engine, 1);
    let mut b = Store::new(&engine, 2);
    let ia = linker.instantiate(&mut a, &module).unwrap();
    linker.instantiate(&mut b, &module).unwrap();
    let who_a = ia.get_typed_func::<(), i32>(&a, "who").unwrap();
    let err = who_a.call(&mut b, ()).unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    let err = who_a
        .func()
        .call(&mut b, &[], &mut [Val::I32(0)])
        .unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    // Typing it against the other store is refused too, not checked against the type of
    // whatever function `b` has at that index.
    let Err(err) = wisp::TypedFunc::<(), i32>::new(&b, who_a.func()) else {
        panic!("a function of store a typed against store b");
    };
    assert!(matches!(err, Error::Usage(_)), "{err}");
}

#[test]
fn a_memory_used_with_another_store_is_refused() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let mut a = Store::new(&engine, 1);
    let ia = tenant_linker(&engine).instantiate(&mut a, &module).unwrap();
    let mem = ia.get_memory(&a, "mem").unwrap();
    let mut empty = Store::new(&engine, 0);
    let mut buf = [0u8; 4];
    assert!(mem.read(&mut empty, 0, &mut buf).is_err());
    assert!(mem.write(&mut empty, 0, &buf).is_err());
    assert!(mem.grow(&mut empty, 1).is_err());
    // Methods that cannot fail panic, with a message that says why.
    let p = catch_unwind(AssertUnwindSafe(|| mem.data(&empty).len())).unwrap_err();
    let msg = p.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(msg.contains("store"), "{msg}");
    assert!(catch_unwind(AssertUnwindSafe(|| mem.size(&empty))).is_err());
    // In a store that has a memory at the same index, still refused.
    let mut other = Store::new(&engine, 0);
    Memory::new(&mut other, MemoryType::new(1, None)).unwrap();
    assert!(mem.read(&mut other, 0, &mut buf).is_err());
}

#[test]
fn references_do_not_cross_stores() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let linker = tenant_linker(&engine);
    let mut a = Store::new(&engine, 1);
    let mut b = Store::new(&engine, 2);
    let ia = linker.instantiate(&mut a, &module).unwrap();
    let ib = linker.instantiate(&mut b, &module).unwrap();
    let who_a = ia.get_func(&a, "who").unwrap();
    let id_b = ib.get_func(&b, "id").unwrap();
    // A funcref of store A as an argument in store B.
    let mut out = [Val::FuncRef(None)];
    let err = id_b
        .call(&mut b, &[Val::FuncRef(Some(who_a))], &mut out)
        .unwrap_err();
    assert!(matches!(err, Error::Usage(_)), "{err}");
    // Through a table and a global of store B.
    let ty = TableType::new(RefType::FUNCREF, 1, None);
    let table = Table::new(&mut b, ty, Val::FuncRef(None)).unwrap();
    assert!(table.set(&mut b, 0, Val::FuncRef(Some(who_a))).is_err());
    assert!(Table::new(&mut b, ty, Val::FuncRef(Some(who_a))).is_err());
    assert!(table.grow(&mut b, 1, Val::FuncRef(Some(who_a))).is_err());
    assert_eq!(table.get(&b, 0), Some(Val::FuncRef(None)));
    // A host function of store B returning store A's function.
    let leak = Func::new(
        &mut b,
        FuncType::new([], [ValType::Ref(RefType::FUNCREF)]),
        move |_, _, out| {
            out[0] = Val::FuncRef(Some(who_a));
            Ok(())
        },
    );
    let err = leak.call(&mut b, &[], &mut out).unwrap_err();
    assert!(err.to_string().contains("another store"), "{err}");
    // A funcref round trip within one store works.
    let who_b = ib.get_func(&b, "who").unwrap();
    id_b.call(&mut b, &[Val::FuncRef(Some(who_b))], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::FuncRef(Some(who_b)));
}

#[test]
fn an_extern_ref_shows_its_value_only_in_its_store() {
    let engine = Engine::default();
    let mut a = Store::new(&engine, ());
    let mut b = Store::new(&engine, ());
    let ra = ExternRef::new(&mut a, 41u32);
    ExternRef::new(&mut b, 99u32);
    assert_eq!(ra.data(&a).unwrap().downcast_ref::<u32>(), Some(&41));
    assert!(ra.data(&b).is_none());
}

#[test]
fn an_export_list_is_tagged_with_its_store() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(TENANT)).unwrap();
    let mut a = Store::new(&engine, 1);
    let ia = tenant_linker(&engine).instantiate(&mut a, &module).unwrap();
    let mut b = Store::new(&engine, 2);
    let mut linker = Linker::new(&engine);
    linker.instance(&a, "a", ia).unwrap();
    assert!(matches!(
        linker.get(&mut b, "a", "mem"),
        Some(Extern::Memory(_))
    ));
    let m = linker
        .get(&mut b, "a", "mem")
        .unwrap()
        .into_memory()
        .unwrap();
    assert!(m.read(&mut b, 0, &mut [0]).is_err());
}
