//! The linker: names for external values, and instantiation with imports resolved.
//! Spec: <https://webassembly.github.io/spec/core/exec/modules.html#instantiation>

use crate::engine::Engine;
use crate::error::Error;
use crate::externals::{Extern, Instance};
use crate::func::{Caller, Func};
use crate::module::Module;
use crate::store::Store;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use wisp_exec::InstantiateError;
use wisp_types::{FuncType, Val};

/// Resolves imports by module and field name.
pub struct Linker<T> {
    engine: Engine,
    defs: BTreeMap<(String, String), Extern>,
    _marker: core::marker::PhantomData<fn(T)>,
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Linker {
            engine: engine.clone(),
            defs: BTreeMap::new(),
            _marker: core::marker::PhantomData,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Names an external value; a later definition of the same name replaces it.
    pub fn define(&mut self, module: &str, name: &str, value: Extern) -> &mut Self {
        self.defs
            .insert((module.to_string(), name.to_string()), value);
        self
    }

    /// Defines a host function.
    pub fn func_new(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        name: &str,
        ty: FuncType,
        f: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Error> + 'static,
    ) -> &mut Self {
        let func = Func::new(store, ty, f);
        self.define(module, name, Extern::Func(func))
    }

    /// Defines a host function from a closure, typed by its signature
    /// (see [`Func::wrap`]).
    pub fn func_wrap<Params, Results>(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        name: &str,
        f: impl crate::IntoFunc<T, Params, Results>,
    ) -> &mut Self {
        let func = Func::wrap(store, f);
        self.define(module, name, Extern::Func(func))
    }

    /// Names every export of `instance` under `module` (the spec script's `register`).
    pub fn instance(&mut self, store: &Store<T>, module: &str, instance: Instance) -> &mut Self {
        for (name, value) in instance.exports(store) {
            self.define(module, &name, value);
        }
        self
    }

    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.defs
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }

    /// Instantiates `module`, then runs its start function.
    pub fn instantiate(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        let mut externs = Vec::new();
        for imp in module.imports() {
            let value = self.get(&imp.module, &imp.name).ok_or_else(|| {
                Error::Link(format!("unknown import: `{}::{}`", imp.module, imp.name))
            })?;
            externs.push(value.to_val());
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
                InstantiateError::Resource(_) | InstantiateError::Memory { .. } => {
                    Error::Instantiate(format!("{e}"))
                }
                InstantiateError::Trap(code) => Error::Trap(crate::Trap {
                    code,
                    backtrace: Vec::new(),
                }),
            })?;
        if let (Some(needs), Some(mut budget)) = (needs, store.budget) {
            let m = &module.inner.module;
            let mems = &store.inner.instances[done.instance.0 as usize].mems;
            let defined: Vec<u32> = mems[m.num_imported_memories as usize..].to_vec();
            budget.charge(&needs, &mut store.inner, &defined);
            store.budget = Some(budget);
        }
        if let Some(start) = done.start {
            Func(start).call(store, &[], &mut [])?;
        }
        Ok(Instance(done.instance))
    }
}
