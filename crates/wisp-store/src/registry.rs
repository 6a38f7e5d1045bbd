//! The store's registry of defined types, where recursive groups are made canonical.
//!
//! Spec: <https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling>
//! and <https://webassembly.github.io/spec/core/valid/matching.html#defined-types>.
//!
//! Two defined types are equal (iso-recursive equivalence) when their recursive groups
//! are equal with the references inside a group taken as positions in it and the
//! references outside it as the canonical types they name. The registry keeps each
//! distinct group once, so that equality of defined types, whichever modules defined
//! them, is equality of [`TypeId`]s. Each type also keeps the chain of its declared
//! supertypes from the root down, so that subtyping is one comparison: `a <: b` when
//! `b` sits in `a`'s chain at `b`'s own depth.
//!
//! The registry is the store's, not the engine's: every value that could be compared
//! lives in one store, the store is the only place with `&mut` access on every target
//! (no lock, no atomics on a microcontroller), and its types go away with it.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::hash::{Hash, Hasher};
use wisp_types::{CompositeType, FuncType, HeapType, RefType, SubType, TypeId, ValType};

/// One registered type.
struct Entry {
    /// In the group's key form: references into its own group are
    /// [`HeapType::Def`] with the position in the group, others [`HeapType::Id`].
    key: SubType,
    /// The first type of its group and the group's length.
    group: (u32, u32),
    /// The hash of its group's key form.
    hash: u32,
    /// Its declared supertypes from the root down (empty for a type without one): a
    /// type is a subtype of `b` when `b` sits here at index `depth(b)`, its own length.
    supers: Box<[TypeId]>,
}

/// Canonical defined types of one store.
pub struct TypeRegistry {
    types: Vec<Entry>,
    /// The first type of every group, in an open-addressing table on the groups'
    /// hashes, at most half full ([`EMPTY`] where there is none): a few lines of code
    /// where a map would cost a device kilobytes of flash.
    index: Vec<u32>,
    groups: usize,
    /// What [`TypeRegistry::func_shape`] gives for an id it does not know.
    empty: FuncType,
}

const EMPTY: u32 = u32::MAX;

impl Default for TypeRegistry {
    fn default() -> Self {
        TypeRegistry {
            types: Vec::new(),
            index: Vec::new(),
            groups: 0,
            empty: FuncType::new([], []),
        }
    }
}

/// Why a group cannot be registered: the module's types are inconsistent (only a
/// module that skipped validation, such as a damaged image, can have them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadType;

impl TypeRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many distinct types it holds.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// Registers a module's types (its recursive groups start at `groups`) and gives
    /// each type index its id.
    // Out of line: inlined into instantiation, its temporaries would take stack for as
    // long as the caller runs Wasm, which on a device is stack the calls lack.
    #[inline(never)]
    pub fn register_module(
        &mut self,
        types: &[SubType],
        groups: &[u32],
    ) -> Result<Vec<TypeId>, BadType> {
        if !wisp_types::TYPED_REFS {
            return self.register_plain(types, groups);
        }
        let mut ids: Vec<TypeId> = Vec::with_capacity(types.len());
        for (g, &start) in groups.iter().enumerate() {
            let end = groups.get(g + 1).copied().unwrap_or(types.len() as u32);
            if start as usize != ids.len() || end < start || end as usize > types.len() {
                return Err(BadType);
            }
            if start == end {
                continue;
            }
            let group = &types[start as usize..end as usize];
            let mut key = Vec::with_capacity(group.len());
            for t in group {
                key.push(key_form(t, start, end, &ids)?);
            }
            let first = self.intern(key)?;
            ids.extend((first..first + (end - start)).map(TypeId));
        }
        if ids.len() != types.len() {
            return Err(BadType);
        }
        Ok(ids)
    }

    /// [`register_module`](Self::register_module) without typed references: a group is
    /// one final function type without supertype, naming no defined type, and so is its
    /// own key. A module with any other type is refused.
    fn register_plain(
        &mut self,
        types: &[SubType],
        groups: &[u32],
    ) -> Result<Vec<TypeId>, BadType> {
        let plain = |t: &SubType| {
            let mut abstract_refs = true;
            t.composite.for_each_ref(|r| {
                abstract_refs &= !matches!(r.heap, HeapType::Def(..) | HeapType::Id(..))
            });
            t.is_final
                && t.supertype.is_none()
                && matches!(t.composite, CompositeType::Func(_))
                && abstract_refs
        };
        let singletons =
            groups.len() == types.len() && groups.iter().enumerate().all(|(i, &g)| g as usize == i);
        if !singletons || !types.iter().all(plain) {
            return Err(BadType);
        }
        // A loop, not a `collect` into a `Result`, whose adapter costs a device flash.
        let mut ids = Vec::with_capacity(types.len());
        for t in types {
            ids.push(TypeId(self.intern(vec![t.clone()])?));
        }
        Ok(ids)
    }

    /// Registers a function type whose references are in store form (a host function's
    /// type), as a final type in a group of its own. A module's type index
    /// ([`HeapType::Def`]) means nothing here: it becomes an id no type has, so the
    /// function matches no import or call that names a defined type.
    #[inline(never)]
    pub fn register_func(&mut self, ty: &FuncType) -> TypeId {
        self.register_composite(&CompositeType::Func(ty.clone()))
    }

    /// Registers a composite type whose references are in store form (made by the
    /// host), as [`register_func`](Self::register_func) does a function type.
    pub fn register_composite(&mut self, ty: &CompositeType) -> TypeId {
        let composite = ty.map_refs(|r| match r.heap {
            HeapType::Def(_, k) => RefType::new(r.nullable, HeapType::Id(TypeId(u32::MAX), k)),
            _ => r,
        });
        let key = SubType {
            is_final: true,
            supertype: None,
            composite,
        };
        // A group of one final type without supertype cannot be refused.
        TypeId(self.intern(vec![key]).unwrap_or(0))
    }

    /// The slots of the index to probe for `hash`, in order.
    fn probe(&self, hash: u32) -> impl Iterator<Item = usize> + '_ {
        let mask = self.index.len().wrapping_sub(1);
        (0..self.index.len()).map(move |i| (hash as usize).wrapping_add(i) & mask)
    }

    /// The first type of the registered group equal to `key`, if there is one.
    fn find(&self, key: &[SubType], hash: u32) -> Option<u32> {
        for slot in self.probe(hash) {
            let first = self.index[slot];
            if first == EMPTY {
                return None;
            }
            let e = &self.types[first as usize];
            let same = e.hash == hash
                && e.group.1 as usize == key.len()
                && key
                    .iter()
                    .zip(&self.types[first as usize..])
                    .all(|(k, t)| t.key == *k);
            if same {
                return Some(first);
            }
        }
        None
    }

    /// Adds group `first` to the index, doubling it first if it would be more than
    /// half full.
    fn index_group(&mut self, first: u32, hash: u32) {
        if (self.groups + 1) * 2 > self.index.len() {
            let len = (self.index.len() * 2).max(16);
            let old = core::mem::replace(&mut self.index, vec![EMPTY; len]);
            for f in old.into_iter().filter(|&f| f != EMPTY) {
                self.place(f, self.types[f as usize].hash);
            }
        }
        self.place(first, hash);
        self.groups += 1;
    }

    fn place(&mut self, first: u32, hash: u32) {
        let slot = self.probe(hash).find(|&s| self.index[s] == EMPTY);
        if let Some(slot) = slot {
            self.index[slot] = first;
        }
    }

    fn intern(&mut self, key: Vec<SubType>) -> Result<u32, BadType> {
        let hash = hash_group(&key);
        if let Some(first) = self.find(&key, hash) {
            return Ok(first);
        }
        let first = self.types.len() as u32;
        let len = key.len() as u32;
        // Growth by a quarter, not doubling: still amortized constant time, and on a
        // device far less spare capacity held for the store's life.
        let spare = self.types.capacity() - self.types.len();
        if spare < key.len() {
            let more = key.len().max(self.types.len() / 4).max(4);
            self.types.reserve_exact(more);
        }
        for (i, k) in key.into_iter().enumerate() {
            let parent = match k.supertype {
                None => None,
                Some(HeapType::Id(p, _)) if p.0 < first => Some(p),
                Some(HeapType::Def(rel, _)) if rel < i as u32 => Some(TypeId(first + rel)),
                Some(_) => {
                    self.types.truncate(first as usize);
                    return Err(BadType);
                }
            };
            // A type without supertype (most) allocates nothing.
            let mut supers = Vec::new();
            if let Some(p) = parent {
                supers.extend_from_slice(&self.types[p.0 as usize].supers);
                supers.push(p);
            }
            self.types.push(Entry {
                key: k,
                group: (first, len),
                hash,
                supers: supers.into_boxed_slice(),
            });
        }
        self.index_group(first, hash);
        Ok(first)
    }

    /// The function type `id` as registered: a reference to a type of its own group is
    /// a position in the group ([`HeapType::Def`]), not an id, but every reference keeps
    /// its kind and so its hierarchy. That is all that moving values in and out of
    /// cells needs, without building the type; [`func_type`](Self::func_type) gives
    /// the type itself. An id that is not a function type's gives `(func)`.
    pub fn func_shape(&self, id: TypeId) -> &FuncType {
        self.types
            .get(id.0 as usize)
            .and_then(|e| e.key.as_func())
            .unwrap_or(&self.empty)
    }

    /// The composite type `id` as registered (see [`func_shape`](Self::func_shape)):
    /// enough for the layout of its objects, whose references need only their kind.
    pub fn composite_shape(&self, id: TypeId) -> Option<&CompositeType> {
        self.types.get(id.0 as usize).map(|e| &e.key.composite)
    }

    /// Type `id` in store form: references to defined types as [`HeapType::Id`].
    pub fn get(&self, id: TypeId) -> Option<SubType> {
        let e = self.types.get(id.0 as usize)?;
        if !wisp_types::TYPED_REFS {
            // No type names another: the key is the store form.
            return Some(e.key.clone());
        }
        let first = e.group.0;
        let to_store = |h: HeapType| match h {
            HeapType::Def(rel, k) => HeapType::Id(TypeId(first + rel), k),
            h => h,
        };
        Some(SubType {
            is_final: e.key.is_final,
            supertype: e.key.supertype.map(to_store),
            composite: e
                .key
                .composite
                .map_refs(|r| RefType::new(r.nullable, to_store(r.heap))),
        })
    }

    /// The function type `id` stands for, in store form.
    pub fn func_type(&self, id: TypeId) -> Option<FuncType> {
        self.get(id)?.as_func().cloned()
    }

    /// Whether type `a` is `b` or one of its declared subtypes.
    pub fn is_subtype(&self, a: TypeId, b: TypeId) -> bool {
        if a == b {
            return true;
        }
        let (Some(ea), Some(eb)) = (self.types.get(a.0 as usize), self.types.get(b.0 as usize))
        else {
            return false;
        };
        ea.supers.get(eb.supers.len()) == Some(&b)
    }

    /// Heap type matching with store-form types.
    pub fn heap_matches(&self, a: HeapType, b: HeapType) -> bool {
        match a.abstract_matches(b) {
            Some(m) => m,
            None => match (a, b) {
                (HeapType::Id(x, _), HeapType::Id(y, _)) => self.is_subtype(x, y),
                _ => false,
            },
        }
    }

    /// Reference type matching. Spec: <https://webassembly.github.io/spec/core/valid/matching.html#reference-types>
    pub fn ref_matches(&self, a: RefType, b: RefType) -> bool {
        (!a.nullable || b.nullable) && self.heap_matches(a.heap, b.heap)
    }

    /// Value type matching. Spec: <https://webassembly.github.io/spec/core/valid/matching.html#value-types>
    pub fn val_matches(&self, a: ValType, b: ValType) -> bool {
        match (a, b) {
            (ValType::Ref(a), ValType::Ref(b)) => self.ref_matches(a, b),
            (a, b) => a == b,
        }
    }
}

/// A module's heap type in store form, given the ids of the module's types.
pub fn heap_in_store(ids: &[TypeId], h: HeapType) -> HeapType {
    match h {
        HeapType::Def(i, k) => ids.get(i as usize).map_or(h, |&id| HeapType::Id(id, k)),
        h => h,
    }
}

/// A module's reference type in store form.
pub fn ref_in_store(ids: &[TypeId], r: RefType) -> RefType {
    RefType::new(r.nullable, heap_in_store(ids, r.heap))
}

/// A module's value type in store form.
pub fn val_in_store(ids: &[TypeId], t: ValType) -> ValType {
    match t {
        ValType::Ref(r) => ValType::Ref(ref_in_store(ids, r)),
        t => t,
    }
}

/// A module type in key form: references to the group `start..end` become positions in
/// it, earlier ones their ids.
fn key_form(t: &SubType, start: u32, end: u32, ids: &[TypeId]) -> Result<SubType, BadType> {
    let mut bad = false;
    let mut map = |h: HeapType| match h {
        HeapType::Def(i, k) if (start..end).contains(&i) => HeapType::Def(i - start, k),
        HeapType::Def(i, k) => match ids.get(i as usize) {
            Some(&id) => HeapType::Id(id, k),
            None => {
                bad = true;
                h
            }
        },
        // A module's types name only module types.
        HeapType::Id(..) => {
            bad = true;
            h
        }
        h => h,
    };
    let supertype = t.supertype.map(&mut map);
    let composite = t
        .composite
        .map_refs(|r| RefType::new(r.nullable, map(r.heap)));
    if bad {
        return Err(BadType);
    }
    Ok(SubType {
        is_final: t.is_final,
        supertype,
        composite,
    })
}

/// FNV-1a: enough to spread groups over the index; equal hashes are compared in full.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn hash_group(key: &[SubType]) -> u32 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    key.hash(&mut h);
    let h = h.finish();
    (h ^ h >> 32) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use wisp_types::DefKind;

    fn func(params: &[ValType]) -> SubType {
        SubType::func(FuncType::new(params.iter().copied(), []))
    }

    #[test]
    fn the_plain_path_interns_function_types_and_refuses_the_rest() {
        let mut r = TypeRegistry::new();
        let a = r
            .register_plain(&[func(&[]), func(&[ValType::I32]), func(&[])], &[0, 1, 2])
            .unwrap();
        assert_eq!(a[0], a[2]);
        assert_ne!(a[0], a[1]);
        assert_eq!(r.len(), 2);
        assert_eq!(r.func_shape(a[1]).params(), [ValType::I32]);
        // A recursive group of two, a type naming a defined one, a subtype: refused.
        assert!(r.register_plain(&[func(&[]), func(&[])], &[0]).is_err());
        let typed = ValType::Ref(RefType::new(true, HeapType::Def(0, DefKind::Func)));
        assert!(r.register_plain(&[func(&[typed])], &[0]).is_err());
        let mut open = func(&[]);
        open.is_final = false;
        assert!(r.register_plain(&[open], &[0]).is_err());
    }

    #[test]
    fn equal_groups_share_ids_across_modules() {
        let mut r = TypeRegistry::new();
        let a = r
            .register_module(&[func(&[]), func(&[ValType::I32])], &[0, 1])
            .unwrap();
        let b = r
            .register_module(&[func(&[ValType::I32]), func(&[])], &[0, 1])
            .unwrap();
        assert_eq!(a, [b[1], b[0]]);
        // The same two types in one recursive group are other types.
        let c = r
            .register_module(&[func(&[]), func(&[ValType::I32])], &[0])
            .unwrap();
        assert_ne!(c[0], a[0]);
        assert_eq!(r.len(), 4);
    }

    #[test]
    fn recursive_references_and_subtypes() {
        let mut r = TypeRegistry::new();
        let self_ref = |i: u32| ValType::Ref(RefType::new(true, HeapType::Def(i, DefKind::Func)));
        let base = SubType {
            is_final: false,
            supertype: None,
            composite: CompositeType::Func(FuncType::new([], [])),
        };
        let sub = SubType {
            is_final: true,
            supertype: Some(HeapType::Def(1, DefKind::Func)),
            composite: CompositeType::Func(FuncType::new([self_ref(2)], [])),
        };
        let ids = r
            .register_module(&[func(&[]), base.clone(), sub.clone()], &[0, 1, 2])
            .unwrap();
        assert!(r.is_subtype(ids[2], ids[1]));
        assert!(!r.is_subtype(ids[1], ids[2]));
        assert!(!r.is_subtype(ids[0], ids[1]));
        let store_form = r.func_type(ids[2]).unwrap();
        assert_eq!(
            store_form.params()[0],
            ValType::Ref(RefType::new(true, HeapType::Id(ids[2], DefKind::Func)))
        );
        // A second module with the same types, at other indices, gets the same ids.
        let again = r.register_module(&[base, sub], &[0, 1]).map(|v| v[1]);
        // `sub` names type 2 and 1 there, which no longer exist at those indices.
        assert!(again.is_err() || again != Ok(ids[2]));
        assert!(r.ref_matches(
            RefType::new(false, HeapType::Id(ids[2], DefKind::Func)),
            RefType::FUNCREF
        ));
        assert!(!r.ref_matches(RefType::FUNCREF, RefType::new(false, HeapType::Func)));
    }

    #[test]
    fn inconsistent_types_are_refused() {
        let mut r = TypeRegistry::new();
        let forward = SubType::func(FuncType::new(
            [ValType::Ref(RefType::new(
                true,
                HeapType::Def(5, DefKind::Func),
            ))],
            [],
        ));
        assert_eq!(r.register_module(&[forward], &[0]), Err(BadType));
        assert_eq!(r.register_module(&[func(&[])], &[1]), Err(BadType));
        assert!(r.is_empty());
    }
}
