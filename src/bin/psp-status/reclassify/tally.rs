//! Counting what a run classified: rows by provider, state, code and matched kind, and the
//! unmapped values by frequency, in bounded memory.

use super::near::{near_miss, Near};
use psp_status::batch::Verdict;
use psp_status::{Code, Entry, Field, Matched, Provider, State, Surface};
use std::collections::HashMap;
use strum::{EnumCount, IntoEnumIterator};

/// The most distinct unmapped values kept exactly; past it the rarest half is dropped (and the
/// report says the list is no longer exact), so memory stays bounded on any input.
const UNMAPPED_CAP: usize = 100_000;
/// Longest unmapped value kept, in bytes (longer ones are cut and marked).
const UNMAPPED_VALUE_MAX: usize = 256;
/// The most near misses listed.
const TOP_NEAR: usize = 100;

/// Counts of one chunk or of a whole run.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Rows per (provider, state, code, matched), flattened.
    counts: Vec<u64>,
    /// Unmapped rows per (provider, surface, raw value).
    unmapped: HashMap<(Provider, Surface, Box<[u8]>), u64>,
    /// Whether the unmapped list lost rare values to the memory bound.
    pub unmapped_exact: bool,
    /// Rows rejected because they carry no signal (every signal cell empty, or no signal for
    /// the row's provider).
    pub no_signal: u64,
    /// Rows kept in the output with a reject reason (`--keep-rejected`), not classified.
    pub kept_rejected: u64,
    /// JSON Lines: objects read, and per wanted key (slot) how many of them had it.
    pub objects: u64,
    pub keys_present: Vec<u64>,
}

const M: usize = 4;

fn matched_index(m: Matched) -> usize {
    match m {
        Matched::Exact => 0,
        Matched::Rule => 1,
        Matched::Default => 2,
        Matched::Unmapped => 3,
    }
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            counts: vec![0; Provider::COUNT * State::COUNT * Code::COUNT * M],
            unmapped: HashMap::new(),
            unmapped_exact: true,
            no_signal: 0,
            kept_rejected: 0,
            objects: 0,
            keys_present: Vec::new(),
        }
    }
}

/// One unmapped value and how many rows carried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub provider: Provider,
    pub surface: Surface,
    pub raw: Vec<u8>,
    pub rows: u64,
}

impl Tally {
    /// Counts one classified row; `raw` is the deciding value (for the unmapped list).
    #[inline]
    pub fn add(&mut self, v: &Verdict, raw: &[u8]) {
        let i = ((v.provider as usize * State::COUNT + v.state as usize) * Code::COUNT
            + v.code as usize)
            * M
            + matched_index(v.matched);
        self.counts[i] += 1;
        if v.matched == Matched::Unmapped {
            let raw = &raw[..raw.len().min(UNMAPPED_VALUE_MAX)];
            if let Some(n) = self.unmapped.get_mut(&(v.provider, v.surface, raw.into())) {
                *n += 1;
            } else {
                self.unmapped.insert((v.provider, v.surface, raw.into()), 1);
                self.bound();
            }
        }
    }

    /// Counts `n` classified rows of the same answer and deciding value: what `n` calls of
    /// [`Tally::add`] count.
    ///
    /// ```ignore
    /// tally.add_n(&verdict, b"do_not_honor", 3);
    /// ```
    pub fn add_n(&mut self, v: &Verdict, raw: &[u8], n: u64) {
        let i = ((v.provider as usize * State::COUNT + v.state as usize) * Code::COUNT
            + v.code as usize)
            * M
            + matched_index(v.matched);
        self.counts[i] += n;
        if v.matched == Matched::Unmapped {
            let raw = &raw[..raw.len().min(UNMAPPED_VALUE_MAX)];
            if let Some(c) = self.unmapped.get_mut(&(v.provider, v.surface, raw.into())) {
                *c += n;
            } else {
                self.unmapped.insert((v.provider, v.surface, raw.into()), n);
                self.bound();
            }
        }
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, other: Tally) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        self.unmapped_exact &= other.unmapped_exact;
        self.no_signal += other.no_signal;
        self.kept_rejected += other.kept_rejected;
        self.objects += other.objects;
        if self.keys_present.len() < other.keys_present.len() {
            self.keys_present.resize(other.keys_present.len(), 0);
        }
        for (a, b) in self.keys_present.iter_mut().zip(&other.keys_present) {
            *a += b;
        }
        for (k, n) in other.unmapped {
            *self.unmapped.entry(k).or_insert(0) += n;
        }
        self.bound();
    }

    fn bound(&mut self) {
        if self.unmapped.len() <= UNMAPPED_CAP {
            return;
        }
        let mut counts: Vec<u64> = self.unmapped.values().copied().collect();
        let keep = UNMAPPED_CAP / 2;
        counts.select_nth_unstable_by(keep, |a, b| b.cmp(a));
        let threshold = counts[keep];
        self.unmapped.retain(|_, n| *n > threshold);
        self.unmapped_exact = false;
    }

    /// Counts one JSON object and which wanted keys (slots) it has (`null` counts as had).
    pub fn count_keys<T>(&mut self, found: &[Option<T>]) {
        self.objects += 1;
        if self.keys_present.len() < found.len() {
            self.keys_present.resize(found.len(), 0);
        }
        for (n, f) in self.keys_present.iter_mut().zip(found) {
            *n += u64::from(f.is_some());
        }
    }

    /// Rows written: classified, and kept with a reject reason.
    pub fn rows_out(&self) -> u64 {
        self.rows() + self.kept_rejected
    }

    /// Classified rows in total.
    pub fn rows(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Rows per (provider, state, code, matched), non-zero only, in enum order.
    pub fn cells(&self) -> impl Iterator<Item = (Provider, State, Code, Matched, u64)> + '_ {
        Provider::iter().flat_map(move |p| {
            State::iter().flat_map(move |s| {
                Code::iter().flat_map(move |c| {
                    Matched::iter().filter_map(move |m| {
                        let i = ((p as usize * State::COUNT + s as usize) * Code::COUNT
                            + c as usize)
                            * M
                            + matched_index(m);
                        let n = self.counts[i];
                        (n > 0).then_some((p, s, c, m, n))
                    })
                })
            })
        })
    }

    /// Rows classified as unmapped.
    pub fn unmapped_rows(&self) -> u64 {
        self.cells()
            .filter(|c| c.3 == Matched::Unmapped)
            .map(|c| c.4)
            .sum()
    }

    /// The `n` most frequent unmapped values, most frequent first (ties by provider, surface,
    /// value, so the list is deterministic).
    pub fn top_unmapped(&self, n: usize) -> Vec<Unmapped> {
        let mut all: Vec<Unmapped> = self
            .unmapped
            .iter()
            .map(|((p, s, r), n)| Unmapped {
                provider: *p,
                surface: *s,
                raw: r.to_vec(),
                rows: *n,
            })
            .collect();
        all.sort_by(|a, b| {
            b.rows
                .cmp(&a.rows)
                .then(a.provider.cmp(&b.provider))
                .then(a.surface.cmp(&b.surface))
                .then(a.raw.cmp(&b.raw))
        });
        all.truncate(n);
        all
    }

    /// The unmapped values an entry would match after trimming or case folding, with that
    /// entry, most frequent first.
    pub fn near_misses(&self) -> Vec<(Unmapped, Near, &'static Entry)> {
        let mut all: Vec<_> = self
            .top_unmapped(usize::MAX)
            .into_iter()
            .filter_map(|u| {
                let field = Field::new(u.provider, u.surface).ok()?;
                let (how, e) = near_miss(field, &u.raw)?;
                Some((u, how, e))
            })
            .collect();
        all.truncate(TOP_NEAR);
        all
    }

    /// Distinct unmapped values tracked.
    pub fn unmapped_distinct(&self) -> usize {
        self.unmapped.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(matched: Matched) -> Verdict {
        Verdict {
            provider: Provider::Alma,
            surface: Surface::PaymentState,
            state: State::Uncertain,
            code: Code::Unmapped,
            operation: None,
            matched,
            signal: Some(0),
        }
    }

    #[test]
    fn counts_merge_and_rank_unmapped_values() {
        let mut a = Tally::default();
        let mut b = Tally::default();
        a.add(&verdict(Matched::Unmapped), b"x");
        b.add(&verdict(Matched::Unmapped), b"x");
        b.add(&verdict(Matched::Unmapped), b"y");
        b.add(&verdict(Matched::Exact), b"paid");
        a.merge(b);
        assert_eq!(a.rows(), 4);
        assert_eq!(a.unmapped_rows(), 3);
        let top = a.top_unmapped(1);
        assert_eq!((top[0].raw.as_slice(), top[0].rows), (&b"x"[..], 2));
        assert!(a.unmapped_exact);
    }

    #[test]
    fn unmapped_values_stay_bounded() {
        let mut t = Tally::default();
        for _ in 0..5 {
            t.add(&verdict(Matched::Unmapped), b"frequent");
        }
        for i in 0..(UNMAPPED_CAP + 10) {
            t.add(&verdict(Matched::Unmapped), i.to_string().as_bytes());
        }
        assert!(t.unmapped_distinct() <= UNMAPPED_CAP);
        assert!(!t.unmapped_exact);
        assert_eq!(t.top_unmapped(1)[0].raw, b"frequent");
        assert_eq!(t.unmapped_rows(), 5 + UNMAPPED_CAP as u64 + 10);
    }
}
