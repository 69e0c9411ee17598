//! The compiled table of one (provider, surface): a perfect hash over the exact values, then
//! the rules in order, then the default.

use crate::entry::{Entry, Matcher};
use crate::hash::{bucket, hash_bytes, slot};
use crate::{Operation, Surface};

/// One slot of a perfect-hash table: the key it holds and the index of its entry.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) key: &'static [u8],
    pub(crate) entry: u16,
}

/// Per-provider data (generated).
#[derive(Debug)]
pub(crate) struct ProviderInfo {
    pub(crate) name: &'static str,
    pub(crate) file: &'static str,
    pub(crate) precedence: &'static [Surface],
    /// The most specific surface (the validator guarantees one).
    pub(crate) first: Surface,
    pub(crate) tables: &'static [u16],
}

/// The compiled table of one surface of one provider (generated).
#[derive(Debug)]
pub(crate) struct SurfaceTable {
    pub(crate) surface: Surface,
    pub(crate) description: &'static str,
    pub(crate) operation: Option<Operation>,
    pub(crate) case_insensitive: bool,
    pub(crate) seed: u64,
    pub(crate) buckets: u32,
    pub(crate) mask: u32,
    pub(crate) pilots: &'static [u16],
    pub(crate) slots: &'static [Slot],
    pub(crate) exact: &'static [Entry],
    pub(crate) rules: &'static [Entry],
    pub(crate) default: Option<&'static Entry>,
}

impl SurfaceTable {
    /// The exact entry for `raw`: one hash, one pilot, one slot, one compare.
    #[inline]
    pub(crate) fn exact(&self, raw: &[u8]) -> Option<&'static Entry> {
        if self.slots.is_empty() {
            return None;
        }
        let (h, fold) = if self.case_insensitive {
            (hash_bytes::<true>(self.seed, raw), true)
        } else {
            (hash_bytes::<false>(self.seed, raw), false)
        };
        let pilot = self.pilots[bucket(h, self.buckets)];
        let s = &self.slots[slot(h, pilot, self.mask)];
        let hit = if fold {
            s.key.eq_ignore_ascii_case(raw)
        } else {
            s.key == raw
        };
        if hit {
            self.exact.get(s.entry as usize)
        } else {
            None
        }
    }

    /// The first rule matching `raw`.
    #[inline]
    pub(crate) fn rule(&self, raw: &[u8]) -> Option<&'static Entry> {
        if self.rules.is_empty() {
            return None;
        }
        let number = parse_digits(raw);
        self.rules.iter().find(|r| match r.matcher {
            Matcher::Prefix(p) => {
                let p = p.as_bytes();
                raw.len() >= p.len()
                    && if self.case_insensitive {
                        raw[..p.len()].eq_ignore_ascii_case(p)
                    } else {
                        &raw[..p.len()] == p
                    }
            }
            Matcher::Range(from, to) => number.is_some_and(|n| from <= n && n <= to),
            Matcher::Exact(_) | Matcher::Default => false,
        })
    }

    /// Every entry of the table: exact values, rules, then the default.
    pub(crate) fn all(&self) -> impl Iterator<Item = &'static Entry> {
        self.exact
            .iter()
            .chain(self.rules.iter())
            .chain(self.default)
    }
}

/// The number written by `raw` when it is 1 to 19 ASCII digits, nothing else.
#[inline]
fn parse_digits(raw: &[u8]) -> Option<u64> {
    if raw.is_empty() || raw.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in raw {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::parse_digits;

    #[test]
    fn digits_only() {
        assert_eq!(parse_digits(b"20051"), Some(20051));
        assert_eq!(parse_digits(b"200N0"), None);
        assert_eq!(parse_digits(b""), None);
        assert_eq!(parse_digits(b"-1"), None);
        assert_eq!(
            parse_digits(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_digits(b"99999999999999999999"), None);
    }
}
