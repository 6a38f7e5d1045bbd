//! The linker: names for external values, and instantiation with imports resolved.
//! Spec: <https://webassembly.github.io/spec/core/exec/modules.html#instantiation>
//!
//! A linker belongs to no store. Host functions are kept as definitions (a type and a
//! closure) and become functions of a store only when a module is instantiated in it,
//! so one linker serves any number of stores. Values defined with [`Linker::define`]
//! belong to one store, and instantiating in another store with them is an error.

use crate::engine::Engine;
use crate::error::Error;
use crate::externals::{Extern, Instance};
use crate::func::{Caller, Func, HostFunc};
use crate::handle::Stored;
use crate::module::Module;
use crate::store::Store;
use crate::val::Val;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wisp_exec::InstantiateError;
use wisp_types::{ExternType, FuncType};

/// What a name stands for.
enum Definition<T> {
    /// An object of one store.
    Extern(Extern),
    /// A host function, made in each store that needs it.
    Host(FuncType, HostFunc<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(ty, f) => Definition::Host(ty.clone(), f.clone()),
        }
    }
}

/// Resolves imports by module and field name.
pub struct Linker<T> {
    engine: Engine,
    defs: BTreeMap<(String, String), Definition<T>>,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for `engine`'s modules.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: BTreeMap::new(),
        }
    }

    /// The engine the linker was made for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> &mut Self {
        self.defs
            .insert((module.to_string(), name.to_string()), def);
        self
    }

    /// Names an external value of one store; a later definition of the same name replaces
    /// it.
    pub fn define(&mut self, module: &str, name: &str, value: impl Into<Extern>) -> &mut Self {
        self.insert(module, name, Definition::Extern(value.into()))
    }

    /// Defines a host function of type `ty`, for every store the linker instantiates in.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + 'static,
    ) -> &mut Self {
        self.insert(module, name, Definition::Host(ty, Rc::new(f)))
    }

    /// Defines a host function from a closure, typed by its signature (see
    /// [`Func::wrap`]), for every store the linker instantiates in.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl crate::IntoFunc<T, Params, Results>,
    ) -> &mut Self {
        let (ty, f) = f.into_host();
        self.insert(module, name, Definition::Host(ty, f))
    }

    /// Names every export of `instance` under `module` (the spec script's `register`).
    pub fn instance(&mut self, store: &Store<T>, module: &str, instance: Instance) -> &mut Self {
        for (name, value) in instance.exports(store) {
            self.define(module, &name, value);
        }
        self
    }

    /// Defines every function that `module` imports and the linker does not define yet as
    /// one that fails when called, naming the import: for running a program whose few
    /// non-WASI imports are never called (wasmtime's `define_unknown_imports_as_traps`).
    /// Other kinds of imports are left undefined, so instantiation still reports them.
    pub fn define_unknown_imports_as_traps(&mut self, module: &Module) -> &mut Self {
        for imp in module.imports() {
            let ExternType::Func(ty) = imp.ty else {
                continue;
            };
            if self.contains(&imp.module, &imp.name) {
                continue;
            }
            let message = format!(
                "unknown import `{}::{}` was called: the program needs a host function Wisp does not have",
                imp.module, imp.name
            );
            self.func_new(&imp.module, &imp.name, ty, move |_, _, _| {
                Err(Error::Host(message.clone()))
            });
        }
        self
    }

    /// The value defined as `module::name`, made in `store` if it is a host function.
    pub fn get(&self, store: &mut Store<T>, module: &str, name: &str) -> Option<Extern> {
        let def = self.defs.get(&(module.to_string(), name.to_string()))?;
        Some(Self::resolve(store, def))
    }

    /// Whether `module::name` is defined.
    pub fn contains(&self, module: &str, name: &str) -> bool {
        self.defs
            .contains_key(&(module.to_string(), name.to_string()))
    }

    /// The definition's value in `store`. A host function is made there once per
    /// definition; later instantiations reuse it.
    fn resolve(store: &mut Store<T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => *e,
            Definition::Host(ty, f) => {
                let key = Rc::as_ptr(f) as *const () as usize;
                if let Some(&addr) = store.linked_hosts.get(&key) {
                    return Extern::Func(Func(Stored::new(store.id, addr)));
                }
                let func = Func::from_host(store, ty.clone(), f.clone());
                store.linked_hosts.insert(key, func.0.index);
                Extern::Func(func)
            }
        }
    }

    /// Instantiates `module`, then runs its start function.
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        let mut externs = Vec::new();
        for imp in module.imports() {
            let def = self
                .defs
                .get(&(imp.module.clone(), imp.name.clone()))
                .ok_or_else(|| {
                    Error::Link(format!("unknown import: `{}::{}`", imp.module, imp.name))
                })?;
            let value = Self::resolve(store, def).to_val(store.id).map_err(|_| {
                Error::Link(format!(
                    "import `{}::{}` is defined by an object of another store",
                    imp.module, imp.name
                ))
            })?;
            externs.push(value);
        }
        let needs = store.budget.map(|b| {
            let stacks = (!b.stacks_charged).then_some(store.engine.config.stack);
            let needs = crate::budget::Needs::of(&module.inner.module, stacks);
            b.check(&needs).map(|()| needs)
        });
        let needs = needs.transpose()?;
        let limits = store.engine.config.limits;
        let done = wisp_exec::instantiate(&mut store.inner, &module.inner, &externs, limits)
            .map_err(|e| match e {
                InstantiateError::IncompatibleImport { .. }
                | InstantiateError::ImportCount { .. } => Error::Link(format!("{e}")),
                InstantiateError::Trap(code) => Error::Trap(crate::Trap {
                    code,
                    backtrace: Vec::new(),
                }),
                _ => Error::Instantiate(format!("{e}")),
            })?;
        if let (Some(needs), Some(mut budget)) = (needs, store.budget) {
            let m = &module.inner.module;
            let mems = &store.inner.instances[done.instance.0 as usize].mems;
            let defined: Vec<u32> = mems[m.num_imported_memories as usize..].to_vec();
            budget.charge(&needs, &mut store.inner, &defined);
            store.budget = Some(budget);
        }
        if let Some(start) = done.start {
            Func(Stored::new(store.id, start)).call(store, &[], &mut [])?;
        }
        Ok(Instance(Stored::new(store.id, done.instance)))
    }
}
