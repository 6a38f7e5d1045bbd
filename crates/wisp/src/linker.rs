//! The linker: names for external values, and instantiation with imports resolved.
//! Spec: <https://webassembly.github.io/spec/core/exec/modules.html#instantiation>
//!
//! A linker belongs to no store. Host functions are kept as definitions (a type and a
//! closure) and become functions of a store only when a module is instantiated in it,
//! so one linker serves any number of stores. Values defined with [`Linker::define`]
//! belong to one store, and instantiating in another store with them is an error.

use crate::context::{AsContext, AsContextMut};
use crate::engine::Engine;
use crate::error::Error;
use crate::externals::{Extern, Instance};
use crate::func::{Caller, Func, HostFunc, MakeHost};
use crate::handle::Stored;
use crate::module::Module;
use crate::sorted::SortedMap;
use crate::store::Store;
use crate::val::Val;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wisp_exec::InstantiateError;
use wisp_types::sync::{MaybeSendSync, Shared};
use wisp_types::{ExternType, FuncType};

/// What a name stands for.
enum Definition<T> {
    /// An object of one store.
    Extern(Extern),
    /// A host function, made in each store that needs it by the function it holds
    /// ([`Func::from_host`]).
    Host(FuncType, HostFunc<T>, MakeHost<T>),
}

impl<T> Clone for Definition<T> {
    fn clone(&self) -> Self {
        match self {
            Definition::Extern(e) => Definition::Extern(*e),
            Definition::Host(ty, f, make) => Definition::Host(ty.clone(), f.clone(), *make),
        }
    }
}

/// Resolves imports by module and field name.
///
/// Defining a name twice is an error unless [`Linker::allow_shadowing`] is on.
pub struct Linker<T> {
    engine: Engine,
    /// By module name, then name.
    defs: SortedMap<(String, String), Definition<T>>,
    shadowing: bool,
}

impl<T> Clone for Linker<T> {
    fn clone(&self) -> Self {
        Linker {
            engine: self.engine.clone(),
            defs: self.defs.clone(),
            shadowing: self.shadowing,
        }
    }
}

impl<T: 'static> Linker<T> {
    /// An empty linker for `engine`'s modules.
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: SortedMap::new(),
            shadowing: false,
        }
    }

    /// The engine the linker was made for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether a later definition of a name replaces the earlier one (on) or is an
    /// error (off, the default).
    pub fn allow_shadowing(&mut self, allow: bool) -> &mut Self {
        self.shadowing = allow;
        self
    }

    fn insert(&mut self, module: &str, name: &str, def: Definition<T>) -> Result<&mut Self, Error> {
        if !self.shadowing && self.contains(module, name) {
            return Err(Error::Link(message!(
                "`{module}::{name}` is defined twice (see Linker::allow_shadowing)"
            )));
        }
        self.defs
            .insert((module.to_string(), name.to_string()), def);
        Ok(self)
    }

    /// Names an external value of `store`.
    pub fn define(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        name: &str,
        value: impl Into<Extern>,
    ) -> Result<&mut Self, Error> {
        let value = value.into();
        value.to_val(store.as_context().0.id)?;
        self.insert(module, name, Definition::Extern(value))
    }

    /// Defines a host function of type `ty`, for every store the linker instantiates in.
    pub fn func_new(
        &mut self,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + MaybeSendSync + 'static,
    ) -> Result<&mut Self, Error> {
        self.insert(
            module,
            name,
            Definition::Host(ty, HostFunc::Vals(Shared::new(f)), Func::from_host),
        )
    }

    /// Defines a host function from a closure, typed by its signature (see
    /// [`Func::wrap`]), for every store the linker instantiates in.
    pub fn func_wrap<Params, Results>(
        &mut self,
        module: &str,
        name: &str,
        f: impl crate::IntoFunc<T, Params, Results>,
    ) -> Result<&mut Self, Error> {
        let (ty, f) = f.into_host();
        self.insert(module, name, Definition::Host(ty, f, Func::from_host))
    }

    /// Names every export of `instance` under `module` (the spec script's `register`).
    pub fn instance(
        &mut self,
        store: impl AsContext<Data = T>,
        module: &str,
        instance: Instance,
    ) -> Result<&mut Self, Error> {
        let store = store.as_context().0;
        instance.0.check(store.id)?;
        for (name, value) in instance.exports(store) {
            self.define(store, module, &name, value)?;
        }
        Ok(self)
    }

    /// Defines every function that `module` imports and the linker does not define yet as
    /// one that fails when called, naming the import: for running a program whose few
    /// non-WASI imports are never called (wasmtime's `define_unknown_imports_as_traps`).
    /// Other kinds of imports are left undefined, so instantiation still reports them.
    pub fn define_unknown_imports_as_traps(&mut self, module: &Module) -> Result<(), Error> {
        for imp in module.imports() {
            let ExternType::Func(ty) = imp.ty else {
                continue;
            };
            if self.contains(&imp.module, &imp.name) {
                continue;
            }
            let message = message!(
                "unknown import `{module}::{name}` was called: the program needs a host function Wisp does not have",
                module = imp.module,
                name = imp.name
            );
            self.func_new(&imp.module, &imp.name, ty, move |_, _, _| {
                Err(Error::msg(message.clone()))
            })?;
        }
        Ok(())
    }

    /// Resolves `module`'s imports now, so that instantiating it in many stores does
    /// not look them up each time: an unknown import is an error here.
    pub fn instantiate_pre(&self, module: &Module) -> Result<InstancePre<T>, Error> {
        let defs = module
            .imports()
            .iter()
            .map(|imp| {
                let def = self.lookup(&imp.module, &imp.name)?;
                let kind = |t: &ExternType| core::mem::discriminant(t);
                if let Definition::Host(ty, ..) = def {
                    if kind(&imp.ty) != kind(&ExternType::Func(ty.clone())) {
                        return Err(Error::Link(message!(
                            "incompatible import type for `{module}::{name}`: a function is defined",
                            module = imp.module,
                            name = imp.name
                        )));
                    }
                }
                Ok(def.clone())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(InstancePre {
            module: module.clone(),
            defs,
        })
    }

    /// The value defined as `module::name`, made in `store` if it is a host function.
    pub fn get(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &str,
        name: &str,
    ) -> Option<Extern> {
        let store = store.as_context_mut().0;
        let def = self.find(module, name)?;
        Some(Self::resolve(store, def))
    }

    /// Whether `module::name` is defined.
    pub fn contains(&self, module: &str, name: &str) -> bool {
        self.find(module, name).is_some()
    }

    /// The definition of `module::name`, found without building a key.
    fn find(&self, module: &str, name: &str) -> Option<&Definition<T>> {
        self.defs
            .get_by(|(m, n)| (m.as_str(), n.as_str()).cmp(&(module, name)))
    }

    /// The definition's value in `store`. A host function is made there once per
    /// definition; later instantiations reuse it.
    fn resolve(store: &mut Store<T>, def: &Definition<T>) -> Extern {
        match def {
            Definition::Extern(e) => *e,
            Definition::Host(ty, f, make) => {
                let key = f.key();
                if let Some(&addr) = store.linked_hosts.get(&key) {
                    return Extern::Func(Func(Stored::new(store.id, addr)));
                }
                let func = make(store, ty.clone(), f.clone());
                store.linked_hosts.insert(key, func.0.index);
                Extern::Func(func)
            }
        }
    }

    /// Instantiates `module`, then runs its start function.
    pub fn instantiate(
        &self,
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
    ) -> Result<Instance, Error> {
        // The module's own imports: `Module::imports` would copy every name and type.
        // A loop, not a `collect` into a `Result`: the adapter that would take is
        // several hundred bytes of a device's flash.
        let imports = &module.inner.module.imports;
        let mut defs = Vec::with_capacity(imports.len());
        for imp in imports {
            defs.push(self.lookup(&imp.module, &imp.name)?);
        }
        instantiate(store.as_context_mut().0, module, defs)
    }

    /// The definition of an import, or the error for an unknown one.
    fn lookup(&self, module: &str, name: &str) -> Result<&Definition<T>, Error> {
        self.find(module, name)
            .ok_or_else(|| Error::Link(message!("unknown import: `{module}::{name}`")))
    }
}

/// A module whose imports a linker has resolved ([`Linker::instantiate_pre`]): it
/// instantiates in any store without looking names up again.
pub struct InstancePre<T> {
    module: Module,
    defs: Vec<Definition<T>>,
}

impl<T> Clone for InstancePre<T> {
    fn clone(&self) -> Self {
        InstancePre {
            module: self.module.clone(),
            defs: self.defs.clone(),
        }
    }
}

impl<T: 'static> InstancePre<T> {
    /// The module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// Instantiates the module in `store`, then runs its start function.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>) -> Result<Instance, Error> {
        instantiate(store.as_context_mut().0, &self.module, self.defs.iter())
    }
}

/// Makes each definition a value of `store`, in import order, and instantiates.
impl Instance {
    /// Instantiates `module` with `imports` given in the order of [`Module::imports`]
    /// (wasmtime's `Instance::new`, and the C API's `wasm_instance_new`), then runs its
    /// start function. Each import must belong to `store`.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        let wanted = module.inner.module.imports.len();
        if imports.len() != wanted {
            let given = imports.len();
            return Err(Error::Link(message!(
                "the module has {wanted} imports; {given} were given"
            )));
        }
        let defs: Vec<Definition<T>> = imports.iter().map(|e| Definition::Extern(*e)).collect();
        instantiate(store.as_context_mut().0, module, &defs)
    }
}

/// Instantiates `module` in the store's executor, its errors made the API's.
pub(crate) fn exec_instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    externs: &[wisp_store::ExternVal],
) -> Result<wisp_exec::Instantiated, Error> {
    let limits = store.engine.config.limits;
    wisp_exec::instantiate(&mut store.inner, &module.inner, externs, limits).map_err(|e| match e {
        InstantiateError::IncompatibleImport { .. } | InstantiateError::ImportCount { .. } => {
            Error::Link(instantiate_message(&e))
        }
        InstantiateError::Trap(code) => Error::Trap(crate::Trap::new(code)),
        _ => Error::Instantiate(instantiate_message(&e)),
    })
}

/// An instantiation error in words (see the `messages` feature).
fn instantiate_message(e: &InstantiateError) -> String {
    #[cfg(feature = "messages")]
    let text = alloc::format!("{e}");
    #[cfg(not(feature = "messages"))]
    let text = String::from(e.summary());
    text
}

fn instantiate<'d, T: 'static>(
    store: &mut Store<T>,
    module: &Module,
    defs: impl IntoIterator<Item = &'d Definition<T>>,
) -> Result<Instance, Error> {
    let mut externs = Vec::new();
    for (imp, def) in module.inner.module.imports.iter().zip(defs) {
        let value = Linker::<T>::resolve(store, def)
            .to_val(store.id)
            .map_err(|_| {
                Error::Link(message!(
                    "import `{module}::{name}` is defined by an object of another store",
                    module = imp.module,
                    name = imp.name
                ))
            })?;
        externs.push(value);
    }
    // Under a budget, through the function that setting it installed: a program that
    // never sets one does not carry the accounting.
    let done = match store.budget {
        Some(budget) => (budget.instantiate)(store, module, &externs)?,
        None => exec_instantiate(store, module, &externs)?,
    };
    if let Some(start) = done.start {
        // Validation gave the start function the type [] -> [].
        Func(Stored::new(store.id, start)).call_typed::<_, wisp_types::RawVal>(
            store,
            &[],
            &mut [],
        )?;
    }
    Ok(Instance(Stored::new(store.id, done.instance)))
}
