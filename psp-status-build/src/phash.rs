//! Builds the perfect-hash table of one surface at build time (hash-and-displace, as in
//! PTHash): keys are split into buckets by hash, and each bucket gets the first "pilot" that
//! sends all its keys to free slots. A lookup is then one hash, one pilot read, one slot read
//! and one key compare.

use crate::hash::{bucket, hash_bytes, slot};

/// The table of one surface: `slots[i]` is the index of the key stored in slot `i`, or `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerfectHash {
    /// Seed of [`hash_bytes`].
    pub seed: u64,
    /// Number of buckets (the length of `pilots`).
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
/// use psp_status_build::hash::{bucket, hash_bytes, slot};
/// let keys: Vec<&[u8]> = vec![b"paid", b"scored_no", b"scored_yes"];
/// let t = build(&keys, false);
/// for (i, k) in keys.iter().enumerate() {
///     let h = hash_bytes::<false>(t.seed, k);
///     let s = slot(h, t.pilots[bucket(h, t.buckets)], t.mask);
///     assert_eq!(t.slots[s], Some(i as u32));
/// }
/// ```
pub fn build(keys: &[&[u8]], fold: bool) -> PerfectHash {
    let n = keys.len();
    // Load factor at most 0.8; at least 8 slots so that tiny tables stay trivial.
    let size = ((n * 5).div_ceil(4)).max(8).next_power_of_two();
    let mask = (size - 1) as u32;
    // About four keys per bucket on average.
    let buckets = n.div_ceil(4).max(1) as u32;
    let mut seed: u64 = 0x5eed_0000_0000_0001;
    loop {
        if let Some(t) = try_seed(keys, fold, seed, buckets, mask) {
            return t;
        }
        seed = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
    }
}

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
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); buckets as usize];
    for (i, &h) in hashes.iter().enumerate() {
        members[bucket(h, buckets)].push(i);
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
                let s = slot(hashes[k], pilot, mask);
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
