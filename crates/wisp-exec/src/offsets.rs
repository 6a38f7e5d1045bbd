//! Where each instruction of translated code came from: the byte offset, in the module,
//! of the Wasm instruction it was translated from. Backtraces and coredumps read it, and
//! nothing else, so it is kept small rather than fast: pairs (instruction index, module
//! offset) where the offset changes, as deltas (both only grow, as the translator emits
//! in the body's order). Most pairs are a few instructions and a few bytes on from the
//! last, and take one byte: `1ddooooo`, instruction delta `dd` (0 to 3), offset delta
//! `ooooo` (0 to 31); any other is a zero byte and both deltas in LEB128. About one byte
//! per Wasm instruction that emits code (three with LEB128 pairs throughout: 3.5 MB for
//! the 6 MB synthetic module of the start-up benchmarks, 1.2 MB now).

use alloc::boxed::Box;
use alloc::vec::Vec;

/// The mark of a pair in one byte.
const SHORT: u8 = 0x80;

/// A translated function's map from instruction index to module offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap(Box<[u8]>);

impl OffsetMap {
    /// The module offset of the Wasm instruction that instruction `index` came from.
    /// Instructions before the first recorded one (the function's entry: its fuel
    /// charge, say) belong to the first Wasm instruction.
    pub fn lookup(&self, index: u32) -> Option<u32> {
        let mut found = None;
        let (mut at, mut offset) = (0u32, 0u32);
        let mut bytes = &self.0[..];
        while let Some((&b, rest)) = bytes.split_first() {
            bytes = rest;
            let (di, doff) = if b & SHORT != 0 {
                (u32::from(b >> 5 & 3), u32::from(b & 31))
            } else {
                (read_leb(&mut bytes)?, read_leb(&mut bytes)?)
            };
            at = at.checked_add(di)?;
            offset = offset.checked_add(doff)?;
            if at > index {
                return found.or(Some(offset));
            }
            found = Some(offset);
        }
        found
    }
}

/// Builds an [`OffsetMap`] as instructions are emitted.
#[derive(Debug, Default)]
pub struct OffsetMapBuilder {
    bytes: Vec<u8>,
    last: Option<(u32, u32)>,
}

impl OffsetMapBuilder {
    /// Instruction `index` comes from the Wasm instruction at module offset `offset`.
    /// Indices and offsets never go back; an index given again (an instruction taken
    /// back and replaced) takes the new offset.
    pub fn record(&mut self, index: u32, offset: u32) {
        let (li, lo) = self.last.unwrap_or((0, 0));
        if self.last.is_some() && lo == offset {
            return;
        }
        if index < li || offset < lo {
            // Out of order: cannot be delta-coded. Never happens in the translator's
            // order; the map then stays as it was, which only blurs a backtrace.
            return;
        }
        let (di, doff) = (index - li, offset - lo);
        if di < 4 && doff < 32 {
            self.bytes.push(SHORT | (di as u8) << 5 | doff as u8);
        } else {
            self.bytes.push(0);
            write_leb(&mut self.bytes, di);
            write_leb(&mut self.bytes, doff);
        }
        self.last = Some((index, offset));
    }

    /// Moves every recorded instruction one index down, for code whose first
    /// instruction is removed once translated. Only the first pair's instruction delta
    /// is counted from zero; an instruction recorded at index 0 stays there.
    pub fn drop_first_instruction(&mut self) {
        let mut rest = &self.bytes[..];
        let Some((&b, tail)) = rest.split_first() else {
            return;
        };
        rest = tail;
        let (di, doff) = if b & SHORT != 0 {
            (u32::from(b >> 5 & 3), u32::from(b & 31))
        } else {
            match (read_leb(&mut rest), read_leb(&mut rest)) {
                (Some(di), Some(doff)) => (di, doff),
                _ => return,
            }
        };
        let mut bytes = Vec::with_capacity(self.bytes.len());
        let di = di.saturating_sub(1);
        if di < 4 && doff < 32 {
            bytes.push(SHORT | (di as u8) << 5 | doff as u8);
        } else {
            bytes.push(0);
            write_leb(&mut bytes, di);
            write_leb(&mut bytes, doff);
        }
        bytes.extend_from_slice(rest);
        self.bytes = bytes;
        if let Some((i, _)) = &mut self.last {
            *i = i.saturating_sub(1);
        }
    }

    /// The map, if anything was recorded.
    pub fn finish(self) -> Option<OffsetMap> {
        (!self.bytes.is_empty()).then(|| OffsetMap(self.bytes.into_boxed_slice()))
    }
}

fn write_leb(out: &mut Vec<u8>, v: u32) {
    wisp_types::leb128::write_unsigned(out, v.into());
}

fn read_leb(bytes: &mut &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for shift in (0..35).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        v |= u32::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_the_last_change_at_or_before() {
        let mut b = OffsetMapBuilder::default();
        b.record(0, 40);
        b.record(1, 40);
        b.record(3, 44);
        b.record(3, 300); // taken back and replaced
        b.record(9, 100_000);
        b.record(10, 100_001);
        b.record(14, 100_002);
        let m = b.finish().unwrap();
        assert_eq!(m.lookup(0), Some(40));
        let mut late = OffsetMapBuilder::default();
        late.record(2, 50);
        assert_eq!(late.finish().unwrap().lookup(0), Some(50));
        assert_eq!(m.lookup(2), Some(40));
        assert_eq!(m.lookup(3), Some(300));
        assert_eq!(m.lookup(8), Some(300));
        assert_eq!(m.lookup(9), Some(100_000));
        assert_eq!(m.lookup(10), Some(100_001));
        assert_eq!(m.lookup(13), Some(100_001));
        assert_eq!(m.lookup(14), Some(100_002));
        assert_eq!(m.lookup(u32::MAX), Some(100_002));
        assert!(OffsetMapBuilder::default().finish().is_none());
    }

    #[test]
    fn dropping_the_first_instruction_moves_every_index_down() {
        // A short first pair, and a long one (an offset delta past 31).
        for first in [20, 5000] {
            let mut b = OffsetMapBuilder::default();
            b.record(1, first);
            b.record(3, first + 4);
            b.record(9, first + 100);
            b.drop_first_instruction();
            b.record(10, first + 101);
            let m = b.finish().unwrap();
            assert_eq!(m.lookup(0), Some(first));
            assert_eq!(m.lookup(1), Some(first));
            assert_eq!(m.lookup(2), Some(first + 4));
            assert_eq!(m.lookup(7), Some(first + 4));
            assert_eq!(m.lookup(8), Some(first + 100));
            assert_eq!(m.lookup(10), Some(first + 101));
        }
        let mut empty = OffsetMapBuilder::default();
        empty.drop_first_instruction();
        assert!(empty.finish().is_none());
    }
}
