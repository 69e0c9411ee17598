// The hash function of the hot path. This file is compiled into psp-status-build (which builds
// the perfect-hash tables) and copied verbatim into the generated code of psp-status (which
// probes them), so both sides hash with the very same function.
//
// One folded 64x64->128 multiply (as in wyhash/rapidhash) over two 8-byte words for keys of up
// to 16 bytes; one more for up to 32 bytes (together nearly every value PSPs send), and one
// per 16 bytes beyond. The words also serve as the key compare: for up to 32 bytes, equal
// length and equal words mean equal bytes, so a probe never reads the stored key. `FOLD` lowercases ASCII
// letters on the fly, for ascii_insensitive surfaces.

/// Odd 64-bit constants (from wyhash's secrets).
const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;

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

/// `w`, lowercased when `FOLD`.
///
/// ```
/// use psp_status_build::hash::word;
/// assert_eq!(word::<true>(u64::from_le_bytes(*b"ABCDEFGH")), u64::from_le_bytes(*b"abcdefgh"));
/// assert_eq!(word::<false>(7), 7);
/// ```
#[inline(always)]
pub fn word<const FOLD: bool>(w: u64) -> u64 {
    if FOLD {
        fold_ascii_word(w)
    } else {
        w
    }
}

/// The eight bytes at `at`, little-endian.
///
/// ```
/// assert_eq!(psp_status_build::hash::read8(b"xabcdefgh", 1), u64::from_le_bytes(*b"abcdefgh"));
/// ```
#[inline(always)]
pub fn read8(b: &[u8], at: usize) -> u64 {
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

/// The hash of `bytes` with `seed`, and the four words that, with the length, stand for its
/// first and last 16 bytes: `[last 8 of the last 16, last 8, first 8, second 8]`, the last two
/// zero for 16 bytes or fewer (then the first two alone cover every byte).
///
/// Every byte and the length take part, so two different keys hash apart for almost every
/// seed; the table builder checks that they do for the seed it keeps. The probe calls the
/// parts ([`short_words`] or [`long_words`], then [`finish`]) to keep the two paths apart.
///
/// ```
/// use psp_status_build::hash::hash_words;
/// let (h, w) = hash_words::<true>(7, b"Pending");
/// assert_eq!((h, w), hash_words::<false>(7, b"pending"));
/// assert_eq!(w[2..], [0, 0]);
/// assert_ne!(h, hash_words::<false>(7, b"Pending").0);
/// ```
#[inline(always)]
pub fn hash_words<const FOLD: bool>(seed: u64, bytes: &[u8]) -> (u64, [u64; 4]) {
    let mut s = start(seed, bytes.len());
    if bytes.len() <= 16 {
        let (a, b) = short_words::<FOLD>(bytes);
        (finish(s, a, b), [a, b, 0, 0])
    } else {
        let w = long_words::<FOLD>(&mut s, bytes);
        (finish(s, w[0], w[1]), w)
    }
}

/// The hash state before the words: the seed and the length.
///
/// ```
/// use psp_status_build::hash::start;
/// assert_ne!(start(1, 3), start(1, 4));
/// ```
#[inline(always)]
pub fn start(seed: u64, len: usize) -> u64 {
    seed ^ (len as u64).wrapping_mul(P0)
}

/// The two words of a value of at most 16 bytes: with the length, they determine its bytes.
///
/// ```
/// use psp_status_build::hash::short_words;
/// assert_eq!(short_words::<false>(b"abcdefghij").0, u64::from_le_bytes(*b"abcdefgh"));
/// assert_eq!(short_words::<false>(b""), (0, 0));
/// ```
#[inline(always)]
pub fn short_words<const FOLD: bool>(bytes: &[u8]) -> (u64, u64) {
    let len = bytes.len();
    let (a, b) = if len >= 8 {
        (read8(bytes, 0), read8(bytes, len - 8))
    } else if len >= 4 {
        (read4(bytes, 0), read4(bytes, len - 4))
    } else if len > 0 {
        let packed =
            (bytes[0] as u64) | ((bytes[len / 2] as u64) << 8) | ((bytes[len - 1] as u64) << 16);
        (packed, 0)
    } else {
        (0, 0)
    };
    (word::<FOLD>(a), word::<FOLD>(b))
}

/// The four words of a value longer than 16 bytes (last 16, first 16), mixing the first 16
/// and any bytes in between into `s`.
///
/// ```
/// use psp_status_build::hash::{long_words, start};
/// let key = b"payment_intent.payment_failed";
/// let (mut s1, mut s2) = (start(7, key.len()), start(7, key.len()));
/// let w = long_words::<false>(&mut s1, key);
/// assert_eq!(w[2], u64::from_le_bytes(*b"payment_"));
/// assert_eq!(long_words::<true>(&mut s2, b"PAYMENT_INTENT.PAYMENT_FAILED"), w);
/// assert_eq!(s1, s2);
/// ```
#[inline(always)]
pub fn long_words<const FOLD: bool>(s: &mut u64, bytes: &[u8]) -> [u64; 4] {
    let len = bytes.len();
    let (c, d) = (word::<FOLD>(read8(bytes, 0)), word::<FOLD>(read8(bytes, 8)));
    *s = folded_multiply(c ^ P1, d ^ *s);
    // Beyond 32 bytes, the middle, 16 bytes at a time (the last chunk may overlap the last 16).
    let mut i = 16;
    while i + 16 < len {
        let x = word::<FOLD>(read8(bytes, i));
        let y = word::<FOLD>(read8(bytes, i + 8));
        *s = folded_multiply(x ^ P1, y ^ *s);
        i += 16;
    }
    let (a, b) = (read8(bytes, len - 16), read8(bytes, len - 8));
    [word::<FOLD>(a), word::<FOLD>(b), c, d]
}

/// The hash from the state and the last two words.
///
/// ```
/// use psp_status_build::hash::finish;
/// assert_ne!(finish(1, 2, 3), finish(1, 3, 2));
/// ```
#[inline(always)]
pub fn finish(s: u64, a: u64, b: u64) -> u64 {
    folded_multiply(a ^ P1, b ^ s)
}

/// The hash of `bytes` with `seed` (the first part of [`hash_words`]).
///
/// ```
/// use psp_status_build::hash::hash_bytes;
/// assert_eq!(hash_bytes::<true>(7, b"Pending"), hash_bytes::<true>(7, b"pending"));
/// assert_ne!(hash_bytes::<false>(7, b"Pending"), hash_bytes::<false>(7, b"pending"));
/// ```
#[inline(always)]
pub fn hash_bytes<const FOLD: bool>(seed: u64, bytes: &[u8]) -> u64 {
    hash_words::<FOLD>(seed, bytes).0
}

/// Whether the bytes of `raw` between its first 16 and its last 16 equal `key`'s (`key`
/// already folded when `FOLD`; same length). Only values longer than 32 bytes have any: the
/// words of [`hash_words`] cover the rest.
///
/// ```
/// use psp_status_build::hash::middle_eq;
/// let key = b"customer.subscription.pending_update_applied";
/// let mut other = *key;
/// other[20] = b'X';
/// assert!(middle_eq::<false>(key, key));
/// assert!(!middle_eq::<false>(key, &other));
/// assert!(middle_eq::<true>(key, b"CUSTOMER.SUBSCRIPTION.PENDING_UPDATE_APPLIED"));
/// ```
#[inline(always)]
pub fn middle_eq<const FOLD: bool>(key: &[u8], raw: &[u8]) -> bool {
    let len = raw.len();
    if key.len() != len {
        return false;
    }
    let mut i = 16;
    while i + 16 < len {
        if word::<FOLD>(read8(raw, i)) != read8(key, i) {
            return false;
        }
        i += 8;
    }
    true
}

/// A pilot as the tables store it: spread over 32 bits.
///
/// ```
/// assert_eq!(psp_status_build::hash::pilot_mix(0), 0);
/// ```
#[inline(always)]
pub fn pilot_mix(pilot: u16) -> u32 {
    (pilot as u32).wrapping_mul(0x9e37_79b9)
}

/// The slot of a key in a table of `mask + 1` slots, given its hash and its bucket's pilot
/// (as [`pilot_mix`] stores it). Always `<= mask`.
///
/// ```
/// assert!(psp_status_build::hash::slot(0xdead_beef, 3, 15) < 16);
/// ```
#[inline(always)]
pub fn slot(hash: u64, mixed_pilot: u32, mask: u32) -> usize {
    ((hash as u32 ^ mixed_pilot) & mask) as usize
}

/// The bucket of a key among `bucket_mask + 1` buckets (a power of two): the high half of the
/// hash, masked (the slot takes the low half). Always `<= bucket_mask`.
///
/// ```
/// assert!(psp_status_build::hash::bucket(u64::MAX, 7) <= 7);
/// ```
#[inline(always)]
pub fn bucket(hash: u64, bucket_mask: u32) -> usize {
    ((hash >> 32) as u32 & bucket_mask) as usize
}
