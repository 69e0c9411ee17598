// The hash function of the hot path. This file is compiled into psp-status-build (which builds
// the perfect-hash tables) and copied verbatim into the generated code of psp-status (which
// probes them), so both sides hash with the very same function.
//
// A multiplicative hash over 8-byte little-endian words with a folded 64x64->128 multiply
// (as in wyhash/foldhash): a handful of instructions for the short ASCII keys PSPs send.
// `FOLD` lowercases ASCII letters on the fly, for ascii_insensitive surfaces.

/// Odd 64-bit constants (from wyhash's secrets).
const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;

/// Multiplies and folds the 128-bit product into 64 bits.
///
/// ```
/// assert_eq!(psp_status_build::hash::folded_multiply(1, 2), 2);
/// ```
#[inline(always)]
pub fn folded_multiply(a: u64, b: u64) -> u64 {
    let full = (a as u128).wrapping_mul(b as u128);
    (full as u64) ^ ((full >> 64) as u64)
}

/// Lowercases the ASCII capitals of eight bytes at once, leaving every other byte alone.
///
/// ```
/// use psp_status_build::hash::fold_ascii_word;
/// let w = u64::from_le_bytes(*b"PenDing@");
/// assert_eq!(fold_ascii_word(w).to_le_bytes(), *b"pending@");
/// ```
#[inline(always)]
pub fn fold_ascii_word(w: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = w & LOW7;
    // High bit of each byte set when the byte's low 7 bits are >= 'A' (0x41) ...
    let ge_a = low.wrapping_add(0x3f3f_3f3f_3f3f_3f3f);
    // ... and when they are > 'Z' (0x5a).
    let gt_z = low.wrapping_add(0x2525_2525_2525_2525);
    // Capitals: >= 'A', not > 'Z', and a plain ASCII byte (high bit clear).
    let upper = ge_a & !gt_z & !w & HIGH;
    w | (upper >> 2)
}

#[inline(always)]
fn word<const FOLD: bool>(w: u64) -> u64 {
    if FOLD {
        fold_ascii_word(w)
    } else {
        w
    }
}

#[inline(always)]
fn read8(b: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(buf)
}

#[inline(always)]
fn read4(b: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(buf) as u64
}

/// Hashes `bytes` with `seed`. Every byte takes part, and the length too, so two different
/// keys never hash alike for every seed.
///
/// ```
/// use psp_status_build::hash::hash_bytes;
/// assert_eq!(hash_bytes::<true>(7, b"Pending"), hash_bytes::<true>(7, b"pending"));
/// assert_ne!(hash_bytes::<false>(7, b"Pending"), hash_bytes::<false>(7, b"pending"));
/// ```
#[inline(always)]
pub fn hash_bytes<const FOLD: bool>(seed: u64, bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let mut h = seed ^ (len as u64).wrapping_mul(P0);
    if len > 8 {
        let mut i = 0;
        while i + 8 < len {
            h = folded_multiply(h ^ word::<FOLD>(read8(bytes, i)), P1);
            i += 8;
        }
        // The last eight bytes, overlapping the previous word when len is not a multiple of 8.
        h = folded_multiply(h ^ word::<FOLD>(read8(bytes, len - 8)), P2);
    } else if len >= 4 {
        let w = read4(bytes, 0) | (read4(bytes, len - 4) << 32);
        h = folded_multiply(h ^ word::<FOLD>(w), P1);
    } else if len > 0 {
        let w =
            (bytes[0] as u64) | ((bytes[len / 2] as u64) << 8) | ((bytes[len - 1] as u64) << 16);
        h = folded_multiply(h ^ word::<FOLD>(w), P1);
    }
    folded_multiply(h, P0 ^ seed)
}

/// The slot of a key in a table of `mask + 1` slots, given its hash and its bucket's pilot.
///
/// ```
/// assert!(psp_status_build::hash::slot(0xdead_beef, 3, 15) < 16);
/// ```
#[inline(always)]
pub fn slot(hash: u64, pilot: u16, mask: u32) -> usize {
    ((hash as u32 ^ (pilot as u32).wrapping_mul(0x9e37_79b9)) & mask) as usize
}

/// The bucket of a key among `buckets` buckets (multiply-shift range reduction).
///
/// ```
/// assert!(psp_status_build::hash::bucket(u64::MAX, 10) < 10);
/// ```
#[inline(always)]
pub fn bucket(hash: u64, buckets: u32) -> usize {
    (((hash >> 32) * buckets as u64) >> 32) as usize
}
