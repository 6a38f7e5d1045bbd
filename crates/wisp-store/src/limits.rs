//! Store-wide resource limits: what all the instances of one store may take together.
//!
//! Per-object caps (a table's or a memory's maximum) do not bound a store: a 2.5 KB module
//! can declare a hundred tables of ten million elements each. A [`ResourceLimiter`] is
//! asked before every memory or table is created or grown, and before every instance,
//! table and memory is counted, so a refusal comes before any allocation.

/// Decides whether the store may take more memory, table elements or instances.
///
/// A creation counts as growing from zero to the initial size. Refusing a creation fails
/// the instantiation; refusing a growth makes `memory.grow` or `table.grow` return -1.
///
/// Where the target has threads it must be `Send`, as the store holding it may move.
pub trait ResourceLimiter: wisp_types::sync::MaybeSend {
    /// A memory wants to grow from `current` to `desired` bytes; `maximum` is its type's
    /// limit in bytes, if it has one.
    fn memory_growing(&mut self, current: u64, desired: u64, maximum: Option<u64>) -> bool;
    /// A table wants to grow from `current` to `desired` elements.
    fn table_growing(&mut self, current: u64, desired: u64, maximum: Option<u64>) -> bool;
    /// A growth that [`memory_growing`](Self::memory_growing) allowed failed after all
    /// (the allocator refused): what was counted for it can be given back.
    fn memory_grow_failed(&mut self, current: u64, desired: u64) {
        let _ = (current, desired);
    }
    /// As [`memory_grow_failed`](Self::memory_grow_failed), for a table.
    fn table_grow_failed(&mut self, current: u64, desired: u64) {
        let _ = (current, desired);
    }
    /// The most module instances the store may hold.
    fn instances(&self) -> usize {
        DEFAULT_INSTANCES
    }
    /// The most tables the store may hold.
    fn tables(&self) -> usize {
        DEFAULT_TABLES
    }
    /// The most memories the store may hold.
    fn memories(&self) -> usize {
        DEFAULT_MEMORIES
    }
}

/// Instances a store may hold unless its limiter says otherwise, as wasmtime allows.
pub const DEFAULT_INSTANCES: usize = 10_000;
/// Tables a store may hold unless its limiter says otherwise.
pub const DEFAULT_TABLES: usize = 10_000;
/// Memories a store may hold unless its limiter says otherwise.
pub const DEFAULT_MEMORIES: usize = 10_000;

/// Totals for a whole store: the bytes of all its memories, the elements of all its
/// tables, and counts of instances, tables and memories. Build one with
/// [`StoreLimitsBuilder`].
#[derive(Debug, Clone)]
pub struct StoreLimits {
    memory_size: Option<u64>,
    table_elements: Option<u64>,
    instances: usize,
    tables: usize,
    memories: usize,
    memory_used: u64,
    elements_used: u64,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimitsBuilder::new().build()
    }
}

impl StoreLimits {
    /// Bytes that the store's memories take together now.
    pub fn memory_used(&self) -> u64 {
        self.memory_used
    }
    /// Elements that the store's tables hold together now.
    pub fn table_elements_used(&self) -> u64 {
        self.elements_used
    }
}

/// Sets the fields of a [`StoreLimits`]; unset totals are unlimited, unset counts take
/// the defaults ([`DEFAULT_INSTANCES`], …).
#[derive(Debug, Clone)]
pub struct StoreLimitsBuilder(StoreLimits);

impl Default for StoreLimitsBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl StoreLimitsBuilder {
    /// Unlimited totals, default counts.
    pub fn new() -> Self {
        StoreLimitsBuilder(StoreLimits {
            memory_size: None,
            table_elements: None,
            instances: DEFAULT_INSTANCES,
            tables: DEFAULT_TABLES,
            memories: DEFAULT_MEMORIES,
            memory_used: 0,
            elements_used: 0,
        })
    }
    /// The most bytes all memories of the store may take together.
    pub fn memory_size(mut self, bytes: u64) -> Self {
        self.0.memory_size = Some(bytes);
        self
    }
    /// The most elements all tables of the store may hold together.
    pub fn table_elements(mut self, elements: u64) -> Self {
        self.0.table_elements = Some(elements);
        self
    }
    /// The most module instances.
    pub fn instances(mut self, n: usize) -> Self {
        self.0.instances = n;
        self
    }
    /// The most tables.
    pub fn tables(mut self, n: usize) -> Self {
        self.0.tables = n;
        self
    }
    /// The most memories.
    pub fn memories(mut self, n: usize) -> Self {
        self.0.memories = n;
        self
    }
    /// The limits.
    pub fn build(self) -> StoreLimits {
        self.0
    }
}

/// Adds `desired - current` to `used` if the total stays within `limit`.
fn take(used: &mut u64, limit: Option<u64>, current: u64, desired: u64) -> bool {
    let more = desired.saturating_sub(current);
    match used.checked_add(more) {
        Some(total) if limit.is_none_or(|l| total <= l) => {
            *used = total;
            true
        }
        _ => false,
    }
}

impl ResourceLimiter for StoreLimits {
    fn memory_growing(&mut self, current: u64, desired: u64, _maximum: Option<u64>) -> bool {
        take(&mut self.memory_used, self.memory_size, current, desired)
    }
    fn table_growing(&mut self, current: u64, desired: u64, _maximum: Option<u64>) -> bool {
        take(
            &mut self.elements_used,
            self.table_elements,
            current,
            desired,
        )
    }
    fn memory_grow_failed(&mut self, current: u64, desired: u64) {
        self.memory_used -= desired.saturating_sub(current).min(self.memory_used);
    }
    fn table_grow_failed(&mut self, current: u64, desired: u64) {
        self.elements_used -= desired.saturating_sub(current).min(self.elements_used);
    }
    fn instances(&self) -> usize {
        self.instances
    }
    fn tables(&self) -> usize {
        self.tables
    }
    fn memories(&self) -> usize {
        self.memories
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_across_objects() {
        let mut l = StoreLimitsBuilder::new().memory_size(100).build();
        assert!(l.memory_growing(0, 60, None));
        assert!(
            !l.memory_growing(0, 60, None),
            "two memories of 60 exceed 100"
        );
        assert!(l.memory_growing(60, 100, None));
        assert!(!l.memory_growing(100, 101, None));
        assert_eq!(l.memory_used(), 100);
    }

    #[test]
    fn unlimited_by_default_but_counted() {
        let mut l = StoreLimits::default();
        assert!(l.table_growing(0, u64::MAX, None));
        assert!(!l.table_growing(0, 1, None), "the total would overflow");
        assert_eq!(l.instances(), DEFAULT_INSTANCES);
    }
}
