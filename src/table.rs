//! The compiled table of one (provider, surface): a perfect hash over the exact values, then
//! the rules in order, then the default.

use crate::entry::Entry;
use crate::hash::{bucket, finish, long_words, middle_eq, short_words, slot, start};
use crate::{Field, Operation, Surface};

/// One slot of a perfect-hash table: the words `hash::hash_words` makes of its key, the key
/// (ASCII-folded on insensitive surfaces) and its entry.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) words: [u64; 4],
    /// The key's length; `usize::MAX` (no value is that long) for an empty slot.
    pub(crate) len: usize,
    pub(crate) key: &'static [u8],
    pub(crate) entry: &'static Entry,
}

/// The rules of one surface, compiled into a function: the first rule matching a value.
pub(crate) type RuleFn = fn(&[u8]) -> Option<&'static Entry>;

/// Per-provider data (generated).
#[derive(Debug)]
pub(crate) struct ProviderInfo {
    pub(crate) name: &'static str,
    pub(crate) file: &'static str,
    /// Most specific first (the validator guarantees at least one).
    pub(crate) precedence: &'static [Field],
    /// In file order.
    pub(crate) fields: &'static [Field],
}

/// The compiled table of one surface of one provider (generated).
#[derive(Debug)]
pub(crate) struct SurfaceTable {
    /// Whose table it is (read by the tests and `Debug`).
    #[allow(dead_code)]
    pub(crate) surface: Surface,
    pub(crate) description: &'static str,
    /// What the surface's completeness was checked against (URLs), in file order.
    pub(crate) checked_against: &'static [&'static str],
    pub(crate) operation: Option<Operation>,
    pub(crate) case_insensitive: bool,
    /// Position of the surface in its provider's precedence (0 = most specific).
    pub(crate) rank: u8,
    pub(crate) seed: u64,
    /// Number of buckets (`pilots.len()`, a power of two) minus one.
    pub(crate) bucket_mask: u32,
    /// Number of slots (`slots.len()`, a power of two) minus one.
    pub(crate) mask: u32,
    /// Pilot of each bucket, as `hash::pilot_mix` spreads it.
    pub(crate) pilots: &'static [u32],
    /// `mask + 1` slots; at least one, even for a table with no exact values.
    pub(crate) slots: &'static [Slot],
    pub(crate) exact: &'static [Entry],
    pub(crate) rules: &'static [Entry],
    /// The rules compiled into a function (generated from the same entries), if any.
    pub(crate) rule: Option<RuleFn>,
    pub(crate) default: Option<&'static Entry>,
}

impl SurfaceTable {
    /// The exact entry for `raw`: one hash, one pilot, one slot, one compare of four words.
    #[inline(always)]
    pub(crate) fn exact(&self, raw: &[u8]) -> Option<&'static Entry> {
        if self.case_insensitive {
            self.probe::<true>(raw)
        } else {
            self.probe::<false>(raw)
        }
    }

    #[inline(always)]
    fn probe<const FOLD: bool>(&self, raw: &[u8]) -> Option<&'static Entry> {
        let len = raw.len();
        let mut st = start(self.seed, len);
        // Same length and same words: the same value. Up to 16 bytes two words cover it, up
        // to 32 four; a longer one also compares the bytes in between.
        if len <= 16 {
            let (a, b) = short_words::<FOLD>(raw);
            let s = self.slot(finish(st, a, b));
            if s.words[0] == a && s.words[1] == b && s.len == len {
                return Some(s.entry);
            }
        } else {
            let [a, b, c, d] = long_words::<FOLD>(&mut st, raw);
            let s = self.slot(finish(st, a, b));
            if s.words[0] == a
                && s.words[1] == b
                && s.words[2] == c
                && s.words[3] == d
                && s.len == len
                && (len <= 32 || middle_eq::<FOLD>(s.key, raw))
            {
                return Some(s.entry);
            }
        }
        None
    }

    /// The one slot a key with hash `h` can be in.
    #[inline(always)]
    fn slot(&self, h: u64) -> &'static Slot {
        let b = bucket(h, self.bucket_mask);
        debug_assert!(b < self.pilots.len());
        // SAFETY: `bucket` is at most `bucket_mask`, and every generated table has
        // `pilots.len() == bucket_mask + 1` (codegen writes both from one vector; the test
        // `tables_are_well_formed` checks every table).
        let pilot = unsafe { *self.pilots.get_unchecked(b) };
        let i = slot(h, pilot, self.mask);
        debug_assert!(i < self.slots.len());
        // SAFETY: `slot` is at most `mask`, and every generated table has
        // `slots.len() == mask + 1` (same test).
        unsafe { self.slots.get_unchecked(i) }
    }

    /// The first rule matching `raw`.
    #[inline]
    pub(crate) fn rule(&self, raw: &[u8]) -> Option<&'static Entry> {
        self.rule.and_then(|rule| rule(raw))
    }

    /// Every entry of the table: exact values, rules, then the default.
    pub(crate) fn all(&self) -> impl Iterator<Item = &'static Entry> {
        self.exact
            .iter()
            .chain(self.rules.iter())
            .chain(self.default)
    }
}

#[cfg(test)]
mod tests {
    use crate::generated::{NO_TABLE, SURFACE_TABLES};

    /// The invariants the probe's unchecked indexing rests on, for every generated table.
    #[test]
    fn tables_are_well_formed() {
        for t in SURFACE_TABLES.iter().chain([&NO_TABLE]) {
            assert!((t.bucket_mask + 1).is_power_of_two(), "{:?}", t.surface);
            assert_eq!(
                t.pilots.len(),
                t.bucket_mask as usize + 1,
                "{:?}",
                t.surface
            );
            assert!((t.mask + 1).is_power_of_two(), "{:?}", t.surface);
            assert_eq!(t.slots.len(), t.mask as usize + 1, "{:?}", t.surface);
            for s in t.slots {
                assert!(
                    s.len == usize::MAX || s.len == s.key.len(),
                    "{:?}",
                    t.surface
                );
            }
        }
    }
}
