//! A map kept as a vector sorted by key: for the linker's names and the store's linked
//! host functions, which are few, read far more often than written, and on a device
//! cost less flash this way than a `BTreeMap`'s node code (one copy per key and value
//! type).

use alloc::vec::Vec;
use core::cmp::Ordering;

/// Entries sorted by key, each key once.
#[derive(Clone, Debug)]
pub(crate) struct SortedMap<K, V>(Vec<(K, V)>);

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub(crate) const fn new() -> Self {
        SortedMap(Vec::new())
    }

    /// Where the entry that `order` finds equal is, or where it would go. `order`
    /// compares an entry's key with the one looked for.
    fn find(&self, order: impl Fn(&K) -> Ordering) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| order(k))
    }

    /// The value under the key that `order` finds equal.
    pub(crate) fn get_by(&self, order: impl Fn(&K) -> Ordering) -> Option<&V> {
        self.find(order).ok().map(|i| &self.0[i].1)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// The value under `key`.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.get_by(|k| k.cmp(key))
    }

    /// Puts `value` under `key`, replacing what was there.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        match self.find(|k| k.cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => {
                // Pushed and swapped down rather than `Vec::insert`, whose overlapping
                // copy links `memmove` (1.5 KB) into a firmware that needs it nowhere
                // else; a linker's map is small and filled once.
                self.0.push((key, value));
                let mut j = self.0.len() - 1;
                while j > i {
                    self.0.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;

    #[test]
    fn keys_stay_sorted_and_unique() {
        let mut m = SortedMap::new();
        for k in [5, 1, 9, 3, 1, 7] {
            m.insert(k, k * 10);
        }
        m.insert(9, 0);
        let keys: alloc::vec::Vec<i32> = m.0.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [1, 3, 5, 7, 9]);
        assert_eq!(m.get(&9), Some(&0));
        assert_eq!(m.get(&3), Some(&30));
        assert_eq!(m.get(&4), None);
    }
}
