// The hash function of the hot path. This file is compiled into psp-status-build (which builds
// the perfect-hash tables) and copied verbatim into the generated code of psp-status (which
// probes them), so both sides hash with the very same function.
//
// One folded 64x64->128 multiply (as in wyhash/rapidhash) over one 8-byte word for keys below
// 8 bytes, two over four words from 8 to 32 bytes (nearly every value PSPs send), and one more
// per 16 bytes beyond; within each class the words are read without a branch on the length.
// The words also serve as the key compare: for up to 32 bytes, equal length and equal words
// mean equal bytes, so a probe never reads the stored key. `FOLD` lowercases ASCII
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

/// The hash of `bytes` with `seed`, and the four words that, with the length, stand for its
/// bytes: below 8 bytes one word ([`short_word`], the others zero), up to 32 bytes
/// [`words32`] (every byte), beyond that its first and last 16 bytes ([`long_words`]; the
/// probe compares the bytes between separately).
///
/// Every byte and the length take part, so two different keys hash apart for almost every
/// seed; the table builder checks that they do for the seed it keeps. The probe calls the
/// parts ([`short_word`] and [`finish8`], [`words32`] and [`finish32`], or [`long_words`] and
/// [`finish`]).
///
/// ```
/// use psp_status_build::hash::hash_words;
/// let (h, w) = hash_words::<true>(7, b"Pending");
/// assert_eq!((h, w), hash_words::<false>(7, b"pending"));
/// assert_eq!(w[1..], [0, 0, 0]);
/// assert_ne!(h, hash_words::<false>(7, b"Pending").0);
/// ```
#[inline(always)]
pub fn hash_words<const FOLD: bool>(seed: u64, bytes: &[u8]) -> (u64, [u64; 4]) {
    let mut s = start(seed, bytes.len());
    if bytes.len() < 8 {
        let w = short_word::<FOLD>(bytes);
        (finish8(s, w), [w, 0, 0, 0])
    } else if bytes.len() <= 32 {
        let w = words32::<FOLD>(bytes);
        (finish32(s, w), w)
    } else {
        let w = long_words::<FOLD>(&mut s, bytes);
        (finish(s, w[0], w[1]), w)
    }
}

/// Zeros, read in place of a value too short for a read.
static ZEROS: [u8; 8] = [0; 8];

/// The `N` bytes of `b` at `at`, little-endian, without a bounds check.
///
/// # Safety
///
/// `at + N <= b.len()`.
#[inline(always)]
unsafe fn read_unchecked<const N: usize>(b: &[u8], at: usize) -> u64 {
    debug_assert!(at + N <= b.len());
    let mut buf = [0u8; 8];
    // SAFETY: the caller guarantees that the N bytes at `at` are inside `b`.
    unsafe { std::ptr::copy_nonoverlapping(b.as_ptr().add(at), buf.as_mut_ptr(), N) };
    u64::from_le_bytes(buf)
}

/// The four words of a value of at most 32 bytes: with the length, they determine its bytes.
///
/// From 8 bytes: `[last 16's first 8, last 8, first 8, first 16's last 8]`, four overlapping
/// reads, every read inside the value (from 8 to 15 bytes the last two repeat the first two),
/// their places selected with conditional moves. Below 8 bytes: `[short_word, 0, 0, 0]`. The
/// one branch, on 8 bytes, is the one the probe takes anyway: below 8 it hashes one word
/// ([`finish8`]) and compares one.
///
/// ```
/// use psp_status_build::hash::words32;
/// let w = words32::<false>(b"abcdefghij");
/// assert_eq!(w[1], u64::from_le_bytes(*b"cdefghij"));
/// assert_eq!(w[2], u64::from_le_bytes(*b"abcdefgh"));
/// assert_eq!(words32::<false>(b""), [0; 4]);
/// assert_ne!(words32::<false>(b"ab"), words32::<false>(b"ba"));
/// ```
#[inline(always)]
pub fn words32<const FOLD: bool>(bytes: &[u8]) -> [u64; 4] {
    use std::hint::select_unpredictable as select;
    let len = bytes.len();
    debug_assert!(len <= 32); // memory-safe for any length, but covers every byte up to 32
    if len >= 8 {
        // 8 bytes or more: first 8, the next 8 up to the last 8, their mirror, the last 8.
        let second = select(len >= 16, 8, len - 8);
        // SAFETY: len >= 8, second <= len - 8, and len - 8 - second is 0 (len < 16) or
        // len - 16.
        let (first, first16, last16, last) = unsafe {
            (
                read_unchecked::<8>(bytes, 0),
                read_unchecked::<8>(bytes, second),
                read_unchecked::<8>(bytes, len - 8 - second),
                read_unchecked::<8>(bytes, len - 8),
            )
        };
        return [
            word::<FOLD>(last16),
            word::<FOLD>(last),
            word::<FOLD>(first),
            word::<FOLD>(first16),
        ];
    }
    [short_word::<FOLD>(bytes), 0, 0, 0]
}

/// The word of a value of fewer than 8 bytes: two overlapping 4-byte reads from 4 bytes, the
/// first, middle and last byte below, 0 for the empty value. With the length, it determines the
/// bytes.
///
/// ```
/// use psp_status_build::hash::short_word;
/// assert_eq!(short_word::<false>(b"abcde"), u64::from_le_bytes(*b"abcdbcde"));
/// assert_eq!(short_word::<false>(b""), 0);
/// assert_ne!(short_word::<false>(b"ab"), short_word::<false>(b"ba"));
/// assert_eq!(short_word::<true>(b"PAID"), short_word::<false>(b"paid"));
/// ```
#[inline(always)]
pub fn short_word<const FOLD: bool>(bytes: &[u8]) -> u64 {
    use std::hint::select_unpredictable as select;
    let len = bytes.len();
    debug_assert!(len < 8);
    // From 4 bytes: two overlapping 4-byte reads; below: the first, middle and last byte.
    let mid = select(len >= 4, bytes, &ZEROS[..4]);
    let m = mid.len();
    // SAFETY: m >= 4.
    let four = unsafe { read_unchecked::<4>(mid, 0) | (read_unchecked::<4>(mid, m - 4) << 32) };
    let tiny = select(len >= 1, bytes, &ZEROS[..1]);
    let t = tiny.len();
    // SAFETY: t >= 1, so 0, t / 2 and t - 1 are inside `tiny`.
    let three = unsafe {
        read_unchecked::<1>(tiny, 0)
            | (read_unchecked::<1>(tiny, t / 2) << 8)
            | (read_unchecked::<1>(tiny, t - 1) << 16)
    };
    word::<FOLD>(select(len >= 4, four, three))
}

/// The hash of a value of at most 32 bytes from the state and its [`words32`]: two folded
/// multiplies.
///
/// ```
/// use psp_status_build::hash::finish32;
/// assert_ne!(finish32(1, [1, 2, 3, 4]), finish32(1, [1, 2, 4, 3]));
/// ```
#[inline(always)]
pub fn finish32(s: u64, w: [u64; 4]) -> u64 {
    finish(folded_multiply(w[2] ^ P1, w[3] ^ s), w[0], w[1])
}

/// The hash of a value of fewer than 8 bytes from the state and its [`short_word`]: one folded
/// multiply.
///
/// ```
/// use psp_status_build::hash::finish8;
/// assert_ne!(finish8(1, 2), finish8(1, 3));
/// ```
#[inline(always)]
pub fn finish8(s: u64, w: u64) -> u64 {
    finish(s, w, 0)
}

/// The length from which a value leaves the probe inlined at every call site (a table's
/// `fast_end`): 33 on case-sensitive surfaces (values of up to 32 bytes take it), 0 on
/// case-insensitive ones (none does), so that one compare decides.
///
/// ```
/// use psp_status_build::hash::fast_end;
/// assert_eq!((fast_end(false), fast_end(true)), (33, 0));
/// ```
pub const fn fast_end(case_insensitive: bool) -> usize {
    if case_insensitive {
        0
    } else {
        33
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

/// The four words of a value longer than 16 bytes (last 16, first 16), mixing the first 16
/// and any bytes in between into `s`. For 17 to 32 bytes, the same as [`words32`] and
/// [`finish32`]; the probe calls it beyond 32.
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
