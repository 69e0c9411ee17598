//! The compiled table of one (provider, surface): a perfect hash over the exact values, then
//! the rules in order, then the default.

use crate::entry::{Entry, Head};
use crate::hash::{bucket, finish, finish32, long_words, middle_eq, slot, start, words32};
use crate::{Field, Operation, Surface};

/// One slot of a perfect-hash table: the words `hash::hash_words` makes of its key, the key
/// (ASCII-folded on insensitive surfaces) and its entry, with what a classification copies
/// from the entry. One cache line, so that a hit reads one line of the table.
///
/// An empty slot has an empty key and the words `[1, 0, 0, 0]`, which no value of length 0
/// makes (its words are all zero): nothing matches it.
#[derive(Debug)]
#[repr(C, align(64))]
pub(crate) struct Slot {
    pub(crate) words: [u64; 4],
    /// The key; its length is the key's length the probe compares.
    pub(crate) key: &'static [u8],
    pub(crate) entry: &'static Entry,
    /// `entry.head`.
    pub(crate) head: Head,
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
    ///
    /// Inlined where it is called, for values of up to 32 bytes on case-sensitive surfaces
    /// (nearly every lookup); longer values and case-insensitive surfaces take a call, which
    /// keeps the inlined part small enough to save no registers.
    #[inline(always)]
    pub(crate) fn exact(&self, raw: &[u8]) -> Option<&'static Slot> {
        if self.case_insensitive {
            return self.exact_folded(raw);
        }
        if raw.len() > 32 {
            return self.probe_long::<false>(raw);
        }
        self.probe::<false>(raw)
    }

    /// [`SurfaceTable::exact`] for a value of at most 32 bytes on a case-sensitive surface
    /// (nearly every lookup), `None` for any other: the caller then calls the out-of-line
    /// [`SurfaceTable::exact`] (in tail position, so that the inlined path saves no registers).
    #[inline(always)]
    pub(crate) fn exact_fast(&self, raw: &[u8]) -> Option<Option<&'static Slot>> {
        if self.case_insensitive || raw.len() > 32 {
            return None;
        }
        Some(self.probe::<false>(raw))
    }

    /// [`SurfaceTable::exact`] on a case-insensitive surface.
    #[inline(never)]
    fn exact_folded(&self, raw: &[u8]) -> Option<&'static Slot> {
        if raw.len() > 32 {
            return self.probe_long::<true>(raw);
        }
        self.probe::<true>(raw)
    }

    /// The probe for a value of at most 32 bytes: four words read without a branch on the
    /// length (a shuffled stream of values of every length would mispredict such a branch
    /// about every other lookup), two multiplies, one pilot, one slot, one compare.
    #[inline(always)]
    fn probe<const FOLD: bool>(&self, raw: &[u8]) -> Option<&'static Slot> {
        let len = raw.len();
        debug_assert!(len <= 32);
        let w = words32::<FOLD>(raw);
        let s = self.slot(finish32(start(self.seed, len), w));
        // Same length and same words: the same value.
        let differ = (s.words[0] ^ w[0])
            | (s.words[1] ^ w[1])
            | (s.words[2] ^ w[2])
            | (s.words[3] ^ w[3])
            | (s.key.len() ^ len) as u64;
        (differ == 0).then_some(s)
    }

    /// The probe for a value longer than 32 bytes: the four words, then the bytes between.
    #[inline(never)]
    fn probe_long<const FOLD: bool>(&self, raw: &[u8]) -> Option<&'static Slot> {
        let len = raw.len();
        let mut st = start(self.seed, len);
        let [a, b, c, d] = long_words::<FOLD>(&mut st, raw);
        let s = self.slot(finish(st, a, b));
        if s.words[0] == a
            && s.words[1] == b
            && s.words[2] == c
            && s.words[3] == d
            && s.key.len() == len
            && middle_eq::<FOLD>(s.key, raw)
        {
            return Some(s);
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
    use crate::{Matched, Matcher};

    /// The invariants the probe's unchecked indexing rests on, for every generated table, and
    /// every entry's `head` (what the hot path copies into a classification) agreeing with
    /// the entry.
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
            for e in t.all() {
                let h = e.head;
                let matched = match e.matcher {
                    Matcher::Exact(_) => Matched::Exact,
                    Matcher::Prefix(_) | Matcher::Range(..) => Matched::Rule,
                    Matcher::Default => Matched::Default,
                };
                assert_eq!(
                    (
                        h.provider,
                        h.surface,
                        h.state,
                        h.code,
                        h.operation,
                        h.matched
                    ),
                    (
                        e.provider,
                        e.surface,
                        e.state,
                        e.code,
                        Some(e.operation),
                        matched
                    ),
                    "{}",
                    e.anchor
                );
            }
            for s in t.slots {
                if s.key.is_empty() && s.words == [1, 0, 0, 0] {
                    continue; // empty
                }
                assert_eq!(s.head, s.entry.head, "{}", s.entry.anchor);
                let Matcher::Exact(k) = s.entry.matcher else {
                    panic!("{}: a slot holds an exact entry", s.entry.anchor)
                };
                let key = if t.case_insensitive {
                    k.to_ascii_lowercase()
                } else {
                    k.to_string()
                };
                assert_eq!(s.key, key.as_bytes(), "{}", s.entry.anchor);
            }
        }
    }
}
