//! Typed function references, recursive type groups and subtyping through the public
//! API: `call_ref`, `return_call_ref`, the branches on null, values of defined types
//! passed by the host, and type identity across modules; and of GC, `i31`, casts and
//! the conversions between `any` and `extern`.

mod common;
use common::wat;
use wisp::{
    AnyRef, Config, Engine, Error, ExternRef, Features, Func, FuncType, HeapType, Linker, Module,
    RefType, Store, TrapCode, Val, ValType,
};

const APPLY: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (func $inc (export "inc") (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func (export "wide") (param i64) (result i64) (local.get 0))
  (func (export "apply") (param $f (ref $t)) (param i32) (result i32)
    (call_ref $t (local.get 1) (local.get $f)))
  (func (export "apply_or") (param $f (ref null $t)) (param i32) (result i32)
    (block $null
      (return (call_ref $t (local.get 1) (br_on_null $null (local.get $f)))))
    (i32.const -1))
  (func (export "non_null") (param $f (ref null $t)) (result i32)
    (block $l (result (ref $t))
      (br_on_non_null $l (local.get $f))
      (return (i32.const 0)))
    (drop)
    (i32.const 1))
  (func (export "force") (param $f (ref null $t)) (result i32)
    (call_ref $t (i32.const 5) (ref.as_non_null (local.get $f))))
  (func (export "call_null") (result i32)
    (call_ref $t (i32.const 5) (ref.null $t)))
  ;; Counts down by tail calls through a reference: constant stack space.
  (type $loop (func (param i64) (result i64)))
  (func $down (type $loop)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 42))
      (else (return_call_ref $loop (i64.sub (local.get 0) (i64.const 1)) (ref.func $down)))))
  (func (export "down") (param i64) (result i64) (call $down (local.get 0)))
  (elem declare func $down))"#;

fn setup(engine: &Engine, text: &str) -> (Store<()>, wisp::Instance) {
    let module = Module::new(engine, wat(text)).expect("compiles");
    let mut store = Store::new(engine, ());
    let inst = Linker::new(engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (store, inst)
}

fn call(store: &mut Store<()>, f: Func, args: &[Val]) -> Result<i32, Error> {
    let mut out = [Val::I32(0)];
    f.call(store, args, &mut out)?;
    Ok(out[0].i32().unwrap())
}

fn trap_code(e: Error) -> TrapCode {
    match e {
        Error::Trap(t) => t.code,
        other => panic!("expected a trap, got {other}"),
    }
}

#[test]
fn call_ref_and_the_branches_on_null() {
    let (mut store, inst) = setup(&Engine::default(), APPLY);
    let get = |store: &Store<()>, name| inst.get_func(store, name).unwrap();
    let (inc, apply, apply_or) = (
        get(&store, "inc"),
        get(&store, "apply"),
        get(&store, "apply_or"),
    );
    let (non_null, force, call_null) = (
        get(&store, "non_null"),
        get(&store, "force"),
        get(&store, "call_null"),
    );
    let inc_ref = Val::FuncRef(Some(inc));
    assert_eq!(
        call(&mut store, apply, &[inc_ref, Val::I32(41)]).unwrap(),
        42
    );
    assert_eq!(
        call(&mut store, apply_or, &[inc_ref, Val::I32(1)]).unwrap(),
        2
    );
    let null = Val::FuncRef(None);
    assert_eq!(
        call(&mut store, apply_or, &[null, Val::I32(1)]).unwrap(),
        -1
    );
    assert_eq!(call(&mut store, non_null, &[inc_ref]).unwrap(), 1);
    assert_eq!(call(&mut store, non_null, &[null]).unwrap(), 0);
    assert_eq!(call(&mut store, force, &[inc_ref]).unwrap(), 6);
    let err = call(&mut store, force, &[null]).unwrap_err();
    assert_eq!(trap_code(err), TrapCode::NullReference);
    let err = call(&mut store, call_null, &[]).unwrap_err();
    assert_eq!(trap_code(err), TrapCode::NullFuncRef);
    assert_eq!(TrapCode::NullFuncRef.to_string(), "null function reference");
}

#[test]
fn the_host_passes_only_values_of_the_parameter_type() {
    let (mut store, inst) = setup(&Engine::default(), APPLY);
    let apply = inst.get_func(&store, "apply").unwrap();
    // The parameter is `(ref $t)`, in the store's terms a registered id.
    let param = apply.ty(&store).params()[0];
    let ValType::Ref(RefType {
        nullable: false,
        heap: HeapType::Id(..),
    }) = param
    else {
        panic!("expected a non-null reference to a defined type, got {param}")
    };
    // A function of another type, null, or a reference of another hierarchy: refused
    // before anything runs.
    let wide = inst.get_func(&store, "wide").unwrap();
    for bad in [
        Val::FuncRef(Some(wide)),
        Val::FuncRef(None),
        Val::ExternRef(None),
    ] {
        let err = call(&mut store, apply, &[bad, Val::I32(1)]).unwrap_err();
        assert!(
            matches!(err, Error::Usage(ref m) if m.contains("do not match")),
            "{bad:?}: {err}"
        );
    }
    // A host function of the same structure is of the same type: a final function type
    // in a group of its own is one canonical type, whoever defines it.
    let double = Func::new(
        &mut store,
        FuncType::new([ValType::I32], [ValType::I32]),
        |_, args, out| {
            out[0] = Val::I32(args[0].i32().unwrap() * 2);
            Ok(())
        },
    );
    assert!(Val::FuncRef(Some(double)).matches_ty(&store, param));
    let args = [Val::FuncRef(Some(double)), Val::I32(21)];
    let got = call(&mut store, apply, &args).unwrap();
    assert_eq!(got, 42);
}

#[test]
fn return_call_ref_runs_in_constant_stack_space() {
    let mut config = Config::new();
    config.max_call_depth(1000);
    let (mut store, inst) = setup(&Engine::new(&config), APPLY);
    let down = inst.get_typed_func::<i64, i64>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 1_000_000).unwrap(), 42);
}

#[test]
fn typed_references_run_from_an_image() {
    let engine = Engine::default();
    let module = Module::new(&engine, wat(APPLY)).unwrap();
    let image = module.to_image().unwrap();
    // SAFETY: the image was just written by this build from a validated module.
    #[allow(unsafe_code)]
    let module = unsafe { Module::from_image(&engine, &image) }.unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let apply = inst.get_func(&store, "apply_or").unwrap();
    let inc = inst.get_func(&store, "inc").unwrap();
    let got = call(&mut store, apply, &[Val::FuncRef(Some(inc)), Val::I32(9)]).unwrap();
    assert_eq!(got, 10);
    let down = inst.get_typed_func::<i64, i64>(&store, "down").unwrap();
    assert_eq!(down.call(&mut store, 10_000).unwrap(), 42);
}

/// Two modules with equal recursive groups share their types; an import naming the
/// other type of the group, or an equal type outside a group, does not link.
#[test]
fn recursive_groups_are_one_type_across_modules() {
    let mut config = Config::new();
    config.features(Features::default().with_gc(true));
    let engine = Engine::new(&config);
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    let exporter = Module::new(
        &engine,
        wat(r#"(module
          (rec (type $a (func (result i32))) (type $b (func (result i32))))
          (func (export "f") (type $a) (i32.const 7)))"#),
    )
    .unwrap();
    let inst = linker.instantiate(&mut store, &exporter).unwrap();
    linker.instance(&store, "m", inst).unwrap();
    let import = |ty: &str| {
        let text = format!(
            r#"(module
              (rec (type $a (func (result i32))) (type $b (func (result i32))))
              (type $c (func (result i32)))
              (import "m" "f" (func $f (type {ty})))
              (table funcref (elem $f))
              (func (export "g") (result i32) (call_indirect (type $a) (i32.const 0))))"#
        );
        Module::new(&engine, wat(&text)).unwrap()
    };
    let ok = linker.instantiate(&mut store, &import("$a")).unwrap();
    let g = ok.get_typed_func::<(), i32>(&store, "g").unwrap();
    assert_eq!(g.call(&mut store, ()).unwrap(), 7);
    for other in ["$b", "$c"] {
        let err = linker.instantiate(&mut store, &import(other)).unwrap_err();
        assert!(
            err.to_string().contains("incompatible import"),
            "{other}: {err}"
        );
    }
}

/// `call_indirect` accepts a function whose type is a declared subtype of the one
/// named, and refuses a supertype.
#[test]
fn call_indirect_follows_declared_subtypes() {
    let mut config = Config::new();
    config.features(Features::default().with_gc(true));
    let engine = Engine::new(&config);
    let (mut store, inst) = setup(
        &engine,
        r#"(module
          (type $base (sub (func (result i32))))
          (type $derived (sub $base (func (result i32))))
          (func $d (type $derived) (i32.const 2))
          (func $b (type $base) (i32.const 1))
          (table funcref (elem $d $b))
          (func (export "as_base") (param i32) (result i32)
            (call_indirect (type $base) (local.get 0)))
          (func (export "as_derived") (param i32) (result i32)
            (call_indirect (type $derived) (local.get 0))))"#,
    );
    let as_base = inst.get_typed_func::<i32, i32>(&store, "as_base").unwrap();
    let as_derived = inst
        .get_typed_func::<i32, i32>(&store, "as_derived")
        .unwrap();
    assert_eq!(as_base.call(&mut store, 0).unwrap(), 2);
    assert_eq!(as_base.call(&mut store, 1).unwrap(), 1);
    assert_eq!(as_derived.call(&mut store, 0).unwrap(), 2);
    let err = as_derived.call(&mut store, 1).unwrap_err();
    assert_eq!(trap_code(err), TrapCode::BadSignature);
}

/// Registering many types costs time linear in their number: 50,000 distinct groups
/// (each names the one before), then the same module again, which finds them all.
#[test]
fn many_types_register_in_linear_time() {
    let mut config = Config::new();
    config.features(Features::default().with_gc(true));
    let engine = Engine::new(&config);
    let mut text = String::from("(module (type $t0 (func))\n");
    for i in 1..50_000 {
        text.push_str(&format!(
            "(rec (type $t{i} (func (param (ref null $t{})))) (type (func)))\n",
            i - 1
        ));
    }
    text.push(')');
    let module = Module::new(&engine, wat(&text)).unwrap();
    let mut store = Store::new(&engine, ());
    let linker = Linker::new(&engine);
    let start = std::time::Instant::now();
    linker.instantiate(&mut store, &module).unwrap();
    linker.instantiate(&mut store, &module).unwrap();
    // Quadratic work (50,000² comparisons) would take minutes; linear takes well under
    // a second even in a debug build.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

const I31: &str = r#"(module
  (func (export "box") (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func (export "unbox") (param anyref) (result i32)
    (i31.get_s (ref.cast (ref i31) (local.get 0))))
  (func (export "unbox_u") (param i31ref) (result i32) (i31.get_u (local.get 0)))
  (func (export "internalize") (param externref) (result anyref)
    (any.convert_extern (local.get 0)))
  (func (export "externalize") (param anyref) (result externref)
    (extern.convert_any (local.get 0)))
  (func (export "kind") (param anyref) (result i32)
    (block $i31 (result i31ref)
      (block $null
        (br_on_null $null (local.get 0))
        (br_on_cast $i31 anyref (ref i31))
        (drop)
        (return (i32.const 2)))
      (return (i32.const 0)))
    (drop)
    (i32.const 1))
  (func (export "same") (param eqref eqref) (result i32)
    (ref.eq (local.get 0) (local.get 1)))
  (global (export "seven") anyref (ref.i31 (i32.const 7))))"#;

fn gc_engine() -> Engine {
    let mut config = Config::new();
    config.features(Features::default().with_gc(true));
    Engine::new(&config)
}

/// `i31` values, casts and the conversions between `any` and `extern`, with the host
/// making and reading the same values.
#[test]
fn i31_casts_and_conversions_through_the_host() {
    let (mut store, inst) = setup(&gc_engine(), I31);
    let f = |store: &Store<()>, name| inst.get_func(store, name).unwrap();
    let (boxer, unbox, unbox_u, kind, same) = (
        f(&store, "box"),
        f(&store, "unbox"),
        f(&store, "unbox_u"),
        f(&store, "kind"),
        f(&store, "same"),
    );
    let (internalize, externalize) = (f(&store, "internalize"), f(&store, "externalize"));
    let one = |store: &mut Store<()>, func: Func, arg: Val| {
        let mut out = [Val::I32(0)];
        func.call(store, &[arg], &mut out).map(|()| out[0])
    };
    // An i31 made in Wasm, read by the host; 31 bits, sign-extended.
    let boxed = one(&mut store, boxer, Val::I32(-3)).unwrap();
    let Val::AnyRef(Some(a)) = boxed else {
        panic!("expected an anyref, got {boxed:?}")
    };
    assert_eq!(a.as_i31(), Some(-3));
    let big = one(&mut store, boxer, Val::I32(0x4000_0001)).unwrap();
    assert!(matches!(big, Val::AnyRef(Some(b)) if b.as_i31() == Some(-0x3fff_ffff)));
    // One made by the host, read in Wasm.
    let host_i31 = AnyRef::from_i31(&store, 12345).to_val();
    assert_eq!(one(&mut store, unbox, host_i31).unwrap(), Val::I32(12345));
    let minus = AnyRef::from_i31(&store, -1).to_val();
    assert_eq!(
        one(&mut store, unbox_u, minus).unwrap(),
        Val::I32(0x7fff_ffff)
    );
    assert_eq!(one(&mut store, kind, host_i31).unwrap(), Val::I32(1));
    assert_eq!(
        one(&mut store, kind, Val::AnyRef(None)).unwrap(),
        Val::I32(0)
    );
    // A host value through `any` and back keeps its identity and data.
    let ext = ExternRef::new(&mut store, 99u32);
    let inside = one(&mut store, internalize, ext.to_val()).unwrap();
    assert_eq!(one(&mut store, kind, inside).unwrap(), Val::I32(2));
    let back = one(&mut store, externalize, inside).unwrap();
    let Val::ExternRef(Some(back)) = back else {
        panic!("expected an externref, got {back:?}")
    };
    assert_eq!(back, ext);
    assert_eq!(back.data(&store).unwrap().downcast_ref::<u32>(), Some(&99));
    // An i31 made external is no host value, and comes back as the same i31.
    let out = one(&mut store, externalize, host_i31).unwrap();
    let Val::ExternRef(Some(out)) = out else {
        panic!("expected an externref, got {out:?}")
    };
    assert!(out.data(&store).is_none());
    assert_eq!(AnyRef::convert_extern(out).as_i31(), Some(12345));
    // The cast fails on a host value; a host value is no `eqref` or `i31ref`.
    let err = one(&mut store, unbox, inside).unwrap_err();
    assert_eq!(trap_code(err), TrapCode::CastFailure);
    let err = one(&mut store, unbox_u, Val::AnyRef(None)).unwrap_err();
    assert_eq!(trap_code(err), TrapCode::NullI31Ref);
    let eqref = ValType::Ref(RefType::new(true, HeapType::Eq));
    assert!(host_i31.matches_ty(&store, eqref));
    assert!(!inside.matches_ty(&store, eqref));
    let err = same.call(&mut store, &[inside, host_i31], &mut [Val::I32(0)]);
    assert!(matches!(err, Err(Error::Usage(_))), "{err:?}");
    let mut out = [Val::I32(0)];
    let seven = AnyRef::from_i31(&store, 7).to_val();
    same.call(&mut store, &[seven, seven], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(1));
    // A global initialized with `ref.i31` in a constant expression.
    let g = inst.get_global(&store, "seven").unwrap().get(&store);
    assert!(matches!(g, Val::AnyRef(Some(a)) if a.as_i31() == Some(7)));
}

#[test]
fn i31_and_casts_run_from_an_image() {
    let engine = gc_engine();
    let module = Module::new(&engine, wat(I31)).unwrap();
    let image = module.to_image().unwrap();
    // SAFETY: the image was just written by this build from a validated module.
    #[allow(unsafe_code)]
    let module = unsafe { Module::from_image(&engine, &image) }.unwrap();
    let mut store = Store::new(&engine, ());
    let inst = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap();
    let kind = inst.get_func(&store, "kind").unwrap();
    let mut out = [Val::I32(0)];
    let v = AnyRef::from_i31(&store, 1).to_val();
    kind.call(&mut store, &[v], &mut out).unwrap();
    assert_eq!(out[0], Val::I32(1));
    let g = inst.get_global(&store, "seven").unwrap().get(&store);
    assert!(matches!(g, Val::AnyRef(Some(a)) if a.as_i31() == Some(7)));
}
