//! Builds the perfect-hash table of one surface at build time (hash-and-displace, as in
//! PTHash): keys are split into buckets by hash, and each bucket gets the first "pilot" that
//! sends all its keys to free slots. A lookup is then one hash, one pilot read, one slot read
//! and one key compare.

use crate::hash::{bucket, hash_bytes, pilot_mix, slot};

/// The table of one surface: `slots[i]` is the index of the key stored in slot `i`, or `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerfectHash {
    /// Seed of [`hash_bytes`].
    pub seed: u64,
    /// Number of buckets (the length of `pilots`), a power of two.
    pub buckets: u32,
    /// Slot count minus one (the slot count is a power of two).
    pub mask: u32,
    /// Pilot of each bucket.
    pub pilots: Vec<u16>,
    /// Key index held by each slot.
    pub slots: Vec<Option<u32>>,
}

/// Builds a perfect hash over `keys` (which must be distinct after folding when `fold`).
///
/// ```
/// use psp_status_build::phash::build;
/// use psp_status_build::hash::{bucket, hash_bytes, pilot_mix, slot};
/// let keys: Vec<&[u8]> = vec![b"paid", b"scored_no", b"scored_yes"];
/// let t = build(&keys, false);
/// for (i, k) in keys.iter().enumerate() {
///     let h = hash_bytes::<false>(t.seed, k);
///     let s = slot(h, pilot_mix(t.pilots[bucket(h, t.buckets - 1)]), t.mask);
///     assert_eq!(t.slots[s], Some(i as u32));
/// }
/// ```
pub fn build(keys: &[&[u8]], fold: bool) -> PerfectHash {
    let n = keys.len();
    // Load factor at most 0.8; at least 8 slots so that tiny tables stay trivial.
    let size = ((n * 5).div_ceil(4)).max(8).next_power_of_two();
    let mask = (size - 1) as u32;
    // Three to six keys per bucket on average; a power of two, so that the probe finds the
    // bucket with a mask.
    let buckets = n.div_ceil(6).max(1).next_power_of_two() as u32;
    let mut seed: u64 = 0x5eed_0000_0000_0001;
    for _ in 0..SEEDS {
        if let Some(t) = try_seed(keys, fold, seed, buckets, mask) {
            return t;
        }
        seed = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
    }
    // Unreachable with distinct keys short of a 64-bit coincidence in the hash's input words.
    panic!(
        "no perfect hash over {n} keys after {SEEDS} seeds: two keys hash alike for every seed \
         (are they distinct{}?)",
        if fold {
            " after ASCII case folding"
        } else {
            ""
        }
    );
}

/// Seeds tried before giving up (one or two suffice in practice).
const SEEDS: usize = 1000;

fn try_seed(keys: &[&[u8]], fold: bool, seed: u64, buckets: u32, mask: u32) -> Option<PerfectHash> {
    let hashes: Vec<u64> = keys
        .iter()
        .map(|k| {
            if fold {
                hash_bytes::<true>(seed, k)
            } else {
                hash_bytes::<false>(seed, k)
            }
        })
        .collect();
    // Two keys with the same hash share a bucket and a slot whatever the pilot: next seed.
    let mut sorted = hashes.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, &h) in hashes.iter().enumerate() {
        members[bucket(h, buckets - 1)].push(i);
    }
    // Largest buckets first: they are the hardest to place.
    let mut order: Vec<usize> = (0..buckets as usize).collect();
    order.sort_by_key(|&b| std::cmp::Reverse(members[b].len()));

    let mut slots: Vec<Option<u32>> = vec![None; mask as usize + 1];
    let mut pilots = vec![0u16; buckets as usize];
    let mut taken = Vec::new();
    for b in order {
        if members[b].is_empty() {
            continue;
        }
        let mut placed = false;
        'pilot: for pilot in 0..=u16::MAX {
            taken.clear();
            for &k in &members[b] {
                let s = slot(hashes[k], pilot_mix(pilot), mask);
                if slots[s].is_some() || taken.contains(&s) {
                    continue 'pilot;
                }
                taken.push(s);
            }
            for (&k, &s) in members[b].iter().zip(&taken) {
                slots[s] = Some(k as u32);
            }
            pilots[b] = pilot;
            placed = true;
            break;
        }
        if !placed {
            return None;
        }
    }
    Some(PerfectHash {
        seed,
        buckets,
        mask,
        pilots,
        slots,
    })
}

/// The words an empty slot holds: no value of its key's length (0) makes them (an empty
/// value's words are all zero), so nothing matches an empty slot.
pub const EMPTY_WORDS: [u64; 4] = [1, 0, 0, 0];

/// One occupied slot as the probe reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotLayout {
    /// The words [`crate::hash::hash_words`] makes of `key` (the probe compares them).
    pub words: [u64; 4],
    /// The key as the probe sees it: ASCII-folded on case-insensitive surfaces.
    pub key: Vec<u8>,
    /// Index of the key (and of its exact entry) in the surface's exact entries.
    pub entry: usize,
}

/// A surface's table as the probe reads it: what codegen writes into the compiled tables and
/// what `Tables::load` builds at run time, from this one function so the two cannot differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Seed of the hash.
    pub seed: u64,
    /// Number of buckets (`pilots.len()`, a power of two) minus one.
    pub bucket_mask: u32,
    /// Number of slots (`slots.len()`, a power of two) minus one.
    pub mask: u32,
    /// Pilot of each bucket, as [`pilot_mix`] spreads it (what `hash::slot` takes).
    pub pilots: Vec<u32>,
    /// Each slot: `None` for an empty one (words [`EMPTY_WORDS`], empty key).
    pub slots: Vec<Option<SlotLayout>>,
}

/// Lays out the table of a surface whose exact values are `keys` (distinct after folding
/// when `case_insensitive`). A surface with no exact values gets one empty slot and one pilot.
///
/// ```
/// use psp_status_build::phash::layout;
/// let keys: Vec<&[u8]> = vec![b"Paid", b"scored_no"];
/// let l = layout(&keys, true);
/// assert_eq!(l.slots.len(), l.mask as usize + 1);
/// assert_eq!(l.pilots.len(), l.bucket_mask as usize + 1);
/// let paid = l.slots.iter().flatten().find(|s| s.entry == 0).unwrap();
/// assert_eq!(paid.key, b"paid");
/// assert_eq!(layout(&[], false).slots, vec![None]);
/// ```
pub fn layout(keys: &[&[u8]], case_insensitive: bool) -> Layout {
    if keys.is_empty() {
        return Layout {
            seed: 0,
            bucket_mask: 0,
            mask: 0,
            pilots: vec![0],
            slots: vec![None],
        };
    }
    let ph = build(keys, case_insensitive);
    let slots = ph
        .slots
        .iter()
        .map(|slot| {
            let i = (*slot)? as usize;
            let key = if case_insensitive {
                keys[i].to_ascii_lowercase()
            } else {
                keys[i].to_vec()
            };
            let (_, words) = crate::hash::hash_words::<false>(ph.seed, &key);
            Some(SlotLayout {
                words,
                key,
                entry: i,
            })
        })
        .collect();
    Layout {
        seed: ph.seed,
        bucket_mask: ph.buckets - 1,
        mask: ph.mask,
        pilots: ph.pilots.iter().map(|&p| pilot_mix(p)).collect(),
        slots,
    }
}
