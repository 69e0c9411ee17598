//! The baselines of the hot-path benchmarks, built from the same tables in the same run (a
//! `HashMap` with std's SipHash and with foldhash, and a generated `match`), the key mixes
//! they are measured on and the shuffled query streams drawn from them. Shared by `benches/hot_path.rs` and
//! `examples/callgrind_lookup.rs` (through `#[path]`; a subfolder so cargo does not take it for
//! a bench of its own).
//!
//! Every baseline answers `Option<(&'static Entry, Matched)>` (`None` = unmapped), doing the
//! same work as `classify_bytes`: exact value, then rules in file order, then the default, with
//! ASCII case folding on `ascii_insensitive` surfaces.
#![allow(dead_code)]

use psp_status::{Entry, Field, Matched, Matcher, Provider, Surface};
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use strum::{EnumCount, IntoEnumIterator};

/// The answer of a baseline: the entry and how it matched, `None` when unmapped.
pub type Answer = Option<(&'static Entry, Matched)>;

/// The longest value the HashMap baseline folds on the stack; longer values cannot be keys.
const FOLD_BUF: usize = 128;

/// Rules, default and case of one (provider, surface), for the HashMap baseline.
struct Fallback {
    case_insensitive: bool,
    rules: Vec<(Rule, &'static Entry)>,
    default: Option<&'static Entry>,
}

/// Baseline 1: `HashMap<(Provider, Surface, &[u8]), &Entry>`, then the rules; `S` is the
/// hasher: std's SipHash ([`HashBaseline`]) or foldhash ([`FoldBaseline`]).
pub struct HashBaselineWith<S> {
    exact: HashMap<(Provider, Surface, &'static [u8]), &'static Entry, S>,
    /// Indexed by `provider * Surface::COUNT + surface` (no hashing for the table's rules).
    fallback: Vec<Option<Fallback>>,
}

/// std's `HashMap` (SipHash-1-3, randomly keyed).
pub type HashBaseline = HashBaselineWith<RandomState>;

/// A `HashMap` with foldhash (`foldhash::fast`, randomly seeded): the fast-hash baseline.
pub type FoldBaseline = HashBaselineWith<foldhash::fast::RandomState>;

impl<S: BuildHasher + Default> HashBaselineWith<S> {
    /// Builds the map from `psp_status::entries()` (keys folded on insensitive surfaces).
    pub fn build() -> Self {
        let mut exact = HashMap::with_hasher(S::default());
        let mut fallback: Vec<Option<Fallback>> = (0..Provider::COUNT * Surface::COUNT)
            .map(|_| None)
            .collect();
        for p in Provider::iter() {
            for &f in p.fields() {
                let s = f.surface();
                let ci = f.is_case_insensitive();
                let mut fb = Fallback {
                    case_insensitive: ci,
                    rules: Vec::new(),
                    default: None,
                };
                for e in f.entries() {
                    match e.matcher {
                        Matcher::Exact(k) => {
                            assert!(k.len() < FOLD_BUF, "key longer than the fold buffer");
                            let key: &'static [u8] = if ci {
                                Box::leak(k.to_ascii_lowercase().into_bytes().into_boxed_slice())
                            } else {
                                k.as_bytes()
                            };
                            exact.insert((p, s, key), e);
                        }
                        Matcher::Prefix(pre) => {
                            let pre = if ci {
                                pre.to_ascii_lowercase()
                            } else {
                                pre.into()
                            };
                            fb.rules.push((Rule::Prefix(pre.into_bytes()), e));
                        }
                        Matcher::Range(a, b) => fb.rules.push((Rule::Range(a, b), e)),
                        Matcher::Default => fb.default = Some(e),
                    }
                }
                fallback[p as usize * Surface::COUNT + s as usize] = Some(fb);
            }
        }
        HashBaselineWith { exact, fallback }
    }

    /// Classifies one value.
    #[inline]
    pub fn classify(&self, p: Provider, s: Surface, raw: &[u8]) -> Answer {
        let fb = self.fallback[p as usize * Surface::COUNT + s as usize].as_ref()?;
        let mut buf = [0u8; FOLD_BUF];
        let key: &[u8] = if fb.case_insensitive {
            let n = raw.len().min(FOLD_BUF);
            for (d, b) in buf.iter_mut().zip(&raw[..n]) {
                *d = b.to_ascii_lowercase();
            }
            &buf[..n]
        } else {
            raw
        };
        // The map's key type is covariant: look up with a borrowed slice, no allocation.
        let exact: &HashMap<(Provider, Surface, &[u8]), &'static Entry, S> = &self.exact;
        if let Some(&e) = exact.get(&(p, s, key)) {
            return Some((e, Matched::Exact));
        }
        if let Some(e) = first_rule(&fb.rules, key, raw) {
            return Some((e, Matched::Rule));
        }
        fb.default.map(|e| (e, Matched::Default))
    }
}

/// A rule of the HashMap baseline: a prefix (folded on insensitive surfaces) or a range.
enum Rule {
    Prefix(Vec<u8>),
    Range(u64, u64),
}

/// The first rule matching: prefixes on the (folded) key, ranges on the raw digits.
#[inline]
fn first_rule(rules: &[(Rule, &'static Entry)], key: &[u8], raw: &[u8]) -> Option<&'static Entry> {
    if rules.is_empty() {
        return None;
    }
    // The engine's own reading of a number (any length, leading zeros included).
    let number = psp_status_build::digits::parse_digits(raw);
    rules
        .iter()
        .find(|(r, _)| match r {
            Rule::Prefix(pre) => key.starts_with(pre),
            Rule::Range(a, b) => number.is_some_and(|n| *a <= n && n <= *b),
        })
        .map(|&(_, e)| e)
}

mod generated_match {
    use psp_status::{Matched, Provider, Surface};
    include!(concat!(env!("OUT_DIR"), "/baseline_match.rs"));
}

/// Baseline 2: one rustc `match` per surface, generated from the same YAML by build.rs.
pub struct MatchBaseline {
    all: Vec<&'static Entry>,
}

impl MatchBaseline {
    /// Collects `psp_status::entries()`, which the generated code indexes.
    pub fn build() -> Self {
        MatchBaseline {
            all: psp_status::entries().collect(),
        }
    }

    /// Classifies one value.
    #[inline]
    pub fn classify(&self, p: Provider, s: Surface, raw: &[u8]) -> Answer {
        let (i, m) = generated_match::lookup(p, s, raw)?;
        Some((self.all[i as usize], m))
    }
}

/// One value to look up.
pub type Key = (Provider, Surface, &'static [u8]);

/// A small deterministic generator (splitmix64), so every run measures the same mixes.
pub struct Mix(u64);

impl Mix {
    pub fn new(seed: u64) -> Self {
        Mix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

fn leak(v: Vec<u8>) -> &'static [u8] {
    Box::leak(v.into_boxed_slice())
}

/// The field of a pair the tables have.
pub fn field(p: Provider, s: Surface) -> Field {
    Field::new(p, s).expect("keys come from the tables")
}

fn is_exact_key(p: Provider, s: Surface, raw: &[u8]) -> bool {
    let ci = field(p, s).is_case_insensitive();
    field(p, s).entries().any(|e| match e.matcher {
        Matcher::Exact(k) => {
            if ci {
                k.as_bytes().eq_ignore_ascii_case(raw)
            } else {
                k.as_bytes() == raw
            }
        }
        _ => false,
    })
}

/// Every exact value of every table, as written in the YAML, shuffled.
pub fn hits() -> Vec<Key> {
    let mut keys: Vec<Key> = psp_status::entries()
        .filter_map(|e| match e.matcher {
            Matcher::Exact(k) => Some((e.provider, e.surface, k.as_bytes())),
            _ => None,
        })
        .collect();
    Mix::new(1).shuffle(&mut keys);
    keys
}

/// Values no table lists exactly, one per exact value: the value with one byte changed (same
/// length and prefix, the hardest miss to reject), the value with a suffix (`_v2`), and a new
/// word; on every surface, rules and defaults then decide. Shuffled.
pub fn misses() -> Vec<Key> {
    let mut mix = Mix::new(2);
    let mut keys = Vec::new();
    for (i, (p, s, k)) in hits().into_iter().enumerate() {
        let v = match i % 3 {
            0 => {
                let mut v = k.to_vec();
                let at = mix.below(v.len().max(1)).min(v.len().saturating_sub(1));
                if let Some(b) = v.get_mut(at) {
                    *b = if b.is_ascii_digit() {
                        b'0' + (*b - b'0' + 1) % 10
                    } else if *b == b'x' {
                        b'y'
                    } else {
                        b'x'
                    };
                }
                v
            }
            1 => [k, b"_v2".as_slice()].concat(),
            _ => format!(
                "unknown_{}_{}",
                ["status", "reason", "code"][mix.below(3)],
                mix.below(1000)
            )
            .into_bytes(),
        };
        if !is_exact_key(p, s, &v) {
            keys.push((p, s, leak(v)));
        }
    }
    mix.shuffle(&mut keys);
    keys
}

/// Values only a prefix rule catches (`validation_error_` + a new word), or only a range rule
/// (a number inside the range that no exact entry lists). `want_prefix` picks which. Shuffled.
pub fn rule_hits(want_prefix: bool) -> Vec<Key> {
    let mut mix = Mix::new(3);
    let mut keys = Vec::new();
    let words = [
        "new",
        "limit_reached",
        "x",
        "currency_mismatch",
        "2",
        "blocked",
    ];
    for e in psp_status::entries() {
        for i in 0..16 {
            let v = match (e.matcher, want_prefix) {
                (Matcher::Prefix(pre), true) => {
                    format!("{pre}{}", words[(i + mix.below(6)) % words.len()]).into_bytes()
                }
                (Matcher::Range(a, b), false) => {
                    (a + mix.next_u64() % (b - a + 1)).to_string().into_bytes()
                }
                _ => continue,
            };
            if !is_exact_key(e.provider, e.surface, &v) {
                keys.push((e.provider, e.surface, leak(v)));
            }
        }
    }
    mix.shuffle(&mut keys);
    keys
}

/// The exact values of case-insensitive surfaces, written as received: as listed, UPPER and
/// Title case. Empty when no surface is case-insensitive. Shuffled.
pub fn case_variants() -> Vec<Key> {
    let mut keys = Vec::new();
    for (p, s, k) in hits() {
        if !field(p, s).is_case_insensitive() {
            continue;
        }
        keys.push((p, s, k));
        keys.push((p, s, leak(k.to_ascii_uppercase())));
        let mut t = k.to_ascii_lowercase();
        if let Some(b) = t.first_mut() {
            b.make_ascii_uppercase();
        }
        keys.push((p, s, leak(t)));
    }
    Mix::new(4).shuffle(&mut keys);
    keys
}

/// A provider and three signals of one response.
pub type Triple = (Provider, [(Surface, &'static [u8]); 3]);

/// The keys as psp-status takes them: fields checked once, outside the timed loops.
pub fn as_fields(keys: &[Key]) -> Vec<(Field, &'static [u8])> {
    keys.iter().map(|&(p, s, raw)| (field(p, s), raw)).collect()
}

/// A triple as psp-status takes it.
pub type FieldTriple = (Provider, [(Field, &'static [u8]); 3]);

/// The triples as psp-status takes them (fields checked once, outside the timed loops).
pub fn triples_as_fields(triples: &[Triple]) -> Vec<FieldTriple> {
    triples
        .iter()
        .map(|(p, sig)| (*p, sig.map(|(s, raw)| (field(*p, s), raw))))
        .collect()
}

/// Three signals of one response: for each provider with three surfaces or more, a value from
/// each of three different surfaces (known values mostly, one unknown in six). Shuffled.
pub fn triples(n: usize) -> Vec<Triple> {
    let mut mix = Mix::new(5);
    let hits = hits();
    let misses = misses();
    let providers: Vec<Provider> = Provider::iter().filter(|p| p.fields().len() >= 3).collect();
    let mut out = Vec::new();
    while out.len() < n && !providers.is_empty() {
        let p = providers[mix.below(providers.len())];
        let mut surfaces: Vec<Surface> = p.fields().iter().map(|f| f.surface()).collect();
        mix.shuffle(&mut surfaces);
        let mut signals = [(surfaces[0], b"".as_slice()); 3];
        for (slot, &s) in signals.iter_mut().zip(&surfaces) {
            let pool = if mix.below(6) == 0 { &misses } else { &hits };
            let of_surface: Vec<&Key> = pool.iter().filter(|k| k.0 == p && k.1 == s).collect();
            let raw = if of_surface.is_empty() {
                b"unknown".as_slice()
            } else {
                of_surface[mix.below(of_surface.len())].2
            };
            *slot = (s, raw);
        }
        out.push((p, signals));
    }
    out
}

/// The precedence rank of every (provider, surface), for the baselines' `resolve`, indexed
/// by `provider * Surface::COUNT + surface`.
pub struct Ranks(Vec<u32>);

impl Ranks {
    pub fn build() -> Self {
        let mut m = vec![u16::MAX as u32; Provider::COUNT * Surface::COUNT];
        for p in Provider::iter() {
            for (i, f) in p.precedence().iter().enumerate() {
                m[p as usize * Surface::COUNT + f.surface() as usize] = i as u32;
            }
        }
        Ranks(m)
    }

    /// `resolve` over a baseline: any match beats unmapped, then precedence.
    #[inline]
    pub fn resolve(
        &self,
        p: Provider,
        signals: &[(Surface, &[u8])],
        classify: impl Fn(Provider, Surface, &[u8]) -> Answer,
    ) -> Answer {
        let mut best: Option<(u32, Answer)> = None;
        for &(s, raw) in signals {
            let a = classify(p, s, raw);
            let class = u32::from(a.is_none());
            let rank = self.0[p as usize * Surface::COUNT + s as usize];
            let key = (class << 16) | rank;
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, a));
            }
        }
        best.and_then(|(_, a)| a)
    }
}

/// The length of the query streams the benchmarks run: 64 Ki queries, far more than the
/// branch predictor can learn (a short list replayed in the same order is learned).
pub const STREAM_LEN: usize = 1 << 16;

/// `n` queries drawn from `items`: each item the same number of times (±1), in a shuffled
/// order (seeded, so every run measures the same stream).
///
/// ```ignore
/// let s = stream(&[1, 2, 3], 7, 9);
/// assert_eq!(s.len(), 7);
/// ```
pub fn stream<T: Clone>(items: &[T], n: usize, seed: u64) -> Vec<T> {
    let mut out: Vec<T> = items.iter().cycle().take(n).cloned().collect();
    Mix::new(seed).shuffle(&mut out);
    out
}
