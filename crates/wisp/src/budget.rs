//! A store's RAM budget. On a device whose heap is all the RAM there is, running out in
//! the middle of a call cannot be recovered from; so an instance's needs are added up
//! when it is instantiated, and an instance that does not fit is refused then, with the
//! sizes. Memories may grow only within what is left.

use crate::error::Error;
use crate::store::Store;
use alloc::vec::Vec;
use wisp_exec::{Instantiated, StackLimits};
use wisp_parse::Module;
use wisp_store::ExternVal;
use wisp_store::Store as ExecStoreOf;

/// Instantiation in a store with a budget.
pub(crate) type Instantiate<T> =
    fn(&mut Store<T>, &crate::Module, &[ExternVal]) -> Result<Instantiated, Error>;

pub(crate) struct RamBudget<T> {
    pub limit: u64,
    pub used: u64,
    /// The stacks are charged with the first instance.
    pub stacks_charged: bool,
    /// [`instantiate`], installed with the budget: only a program that sets a budget
    /// links the accounting.
    pub instantiate: Instantiate<T>,
}

// Not derived: that would ask `T: Copy`.
impl<T> Clone for RamBudget<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for RamBudget<T> {}

impl<T> RamBudget<T> {
    /// A budget of `limit` bytes of which `used` are taken.
    pub fn new(limit: u64, used: u64, stacks_charged: bool) -> Self {
        RamBudget {
            limit,
            used,
            stacks_charged,
            instantiate: instantiate::<T>,
        }
    }
}

/// Instantiates `module` if what its instance needs fits what is left of the store's
/// budget, and charges it.
fn instantiate<T>(
    store: &mut Store<T>,
    module: &crate::Module,
    externs: &[ExternVal],
) -> Result<Instantiated, Error> {
    let Some(mut budget) = store.budget else {
        return crate::linker::exec_instantiate(store, module, externs);
    };
    let m = &module.inner.module;
    // The memory provider is asked first, so that what its backends keep in RAM is what
    // is checked and charged.
    let premade = store.inner.memory_provider.as_mut().map(|provide| {
        m.memories[m.num_imported_memories as usize..]
            .iter()
            .map(provide)
            .collect::<Vec<_>>()
    });
    let fixed: Vec<Option<usize>> = premade
        .iter()
        .flatten()
        .map(|b| b.as_ref().and_then(|b| b.fixed_ram()))
        .collect();
    let stacks =
        (!budget.stacks_charged && !store.stacks_lent).then_some(store.engine.config.stack);
    let needs = Needs::of(m, stacks, &fixed);
    budget.check(&needs)?;
    // The backends made above go to the memories in order; then the provider is back.
    let provider = premade.map(|made| {
        let mut made = made.into_iter();
        let one_shot: wisp_store::MemoryProvider =
            alloc::boxed::Box::new(move |_| made.next().flatten());
        store.inner.memory_provider.replace(one_shot)
    });
    let done = crate::linker::exec_instantiate(store, module, externs);
    if let Some(provider) = provider {
        store.inner.memory_provider = provider;
    }
    let done = done?;
    let mems = &store.inner.instances[done.instance.0 as usize].mems;
    // Memories whose RAM is fixed grow on their device, not into the budget.
    let on_heap: Vec<u32> = mems[m.num_imported_memories as usize..]
        .iter()
        .zip(fixed.iter().chain(core::iter::repeat(&None)))
        .filter(|(_, f)| f.is_none())
        .map(|(&a, _)| a)
        .collect();
    budget.charge(&needs, &mut store.inner, &on_heap);
    store.budget = Some(budget);
    Ok(done)
}

/// What an instance of `m` takes: its defined memories at their initial size (or, for
/// one whose backend the store's memory provider made, what that backend keeps in RAM
/// whatever its size: nothing for a lent buffer, the cache of paged storage), its tables
/// (8 bytes an element), globals and segments kept for `table.init` and `memory.init`,
/// and, the first time, the stacks at their limits.
pub(crate) struct Needs {
    memories: u64,
    tables: u64,
    other: u64,
    stacks: u64,
}

impl Needs {
    /// `fixed` has, for each defined memory, the RAM its backend takes if that does not
    /// grow with the memory (empty: every memory is on the heap).
    pub fn of(m: &Module, stacks: Option<StackLimits>, fixed: &[Option<usize>]) -> Needs {
        let defined_mems = m.memories.iter().skip(m.num_imported_memories as usize);
        let memories = defined_mems
            .enumerate()
            .map(|(i, t)| match fixed.get(i).copied().flatten() {
                Some(bytes) => bytes as u64,
                None => t.limits.min.saturating_mul(t.page_size()),
            })
            .fold(0u64, u64::saturating_add);
        let tables = m
            .tables
            .iter()
            .skip(m.num_imported_tables as usize)
            .map(|t| t.ty.limits.min.saturating_mul(8))
            .fold(0u64, u64::saturating_add);
        let globals = m.globals.len() as u64 * 32;
        let segments = m
            .elements
            .iter()
            .map(|e| e.items.len() as u64 * 8)
            .sum::<u64>()
            + m.datas.iter().map(|d| d.bytes.len() as u64).sum::<u64>();
        Needs {
            memories,
            tables,
            other: globals + segments,
            stacks: stacks.map_or(0, |s| s.max_bytes()),
        }
    }

    pub fn total(&self) -> u64 {
        [self.memories, self.tables, self.other, self.stacks]
            .into_iter()
            .fold(0, u64::saturating_add)
    }
}

impl<T> RamBudget<T> {
    /// Refuses `needs` if they do not fit what is left.
    pub fn check(&self, needs: &Needs) -> Result<(), Error> {
        let left = self.limit.saturating_sub(self.used);
        if needs.total() <= left {
            return Ok(());
        }
        Err(Error::Instantiate(message!(
            "the instance needs {total} bytes of RAM ({memories} for memories, {tables} for \
             tables, {other} for globals and segments, {stacks} for the stacks) and the \
             store's budget has {left} bytes left",
            total = needs.total(),
            memories = needs.memories,
            tables = needs.tables,
            other = needs.other,
            stacks = needs.stacks
        )))
    }

    /// Charges `needs`, and lets the new instance's memories on the heap grow only into
    /// what is left (`mems`: the store addresses of those).
    pub fn charge<C>(&mut self, needs: &Needs, store: &mut ExecStoreOf<C>, mems: &[u32]) {
        self.used = self.used.saturating_add(needs.total());
        self.stacks_charged = true;
        let left = self.limit.saturating_sub(self.used);
        for &a in mems {
            if let Some(m) = store.mems.get_mut(a as usize) {
                let extra = left / m.ty.page_size();
                m.cap_pages(m.pages().saturating_add(extra));
            }
        }
    }
}
