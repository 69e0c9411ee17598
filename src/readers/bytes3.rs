//! Every position of any of three bytes in a buffer, in order: what `memchr::memchr3_iter`
//! yields, for buffers where those bytes are dense (a CSV record has a delimiter every few
//! bytes).
//!
//! `memchr3_iter` is fastest when matches are rare: it restarts its vector search after each
//! one, which on CSV costs about 450 instructions per 83-byte row. Here each 64-byte block is
//! compared once (SSE2, which every x86_64 CPU has) into a bit mask, and the positions are
//! read off the mask: about 30 instructions per block and 3 per match. Other architectures,
//! and a NUL among the three bytes, use `memchr3_iter`.
//!
//! ```
//! use psp_status::readers::bytes3::positions3;
//! let hay = b"a,b\n\"c\",d\n";
//! let found: Vec<usize> = positions3(b',', b'\n', b'"', hay).collect();
//! assert_eq!(found, [1, 3, 4, 6, 7, 9]);
//! ```

/// The positions of `a`, `b` or `c` in `hay`, ascending. See the module documentation.
///
/// ```
/// use psp_status::readers::bytes3::positions3;
/// assert_eq!(positions3(b';', b'\n', b'"', b"x;y").collect::<Vec<_>>(), [1]);
/// ```
pub fn positions3(a: u8, b: u8, c: u8, hay: &[u8]) -> Positions3<'_> {
    Positions3 {
        inner: Inner::new(a, b, c, hay),
    }
}

/// The iterator [`positions3`] returns.
///
/// ```
/// let mut p = psp_status::readers::bytes3::positions3(b',', b'\n', b'"', b",,");
/// assert_eq!((p.next(), p.next(), p.next()), (Some(0), Some(1), None));
/// ```
pub struct Positions3<'a> {
    inner: Inner<'a>,
}

impl Iterator for Positions3<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        self.inner.next()
    }
}

#[cfg(target_arch = "x86_64")]
enum Inner<'a> {
    Blocks(Blocks<'a>),
    Memchr(memchr::Memchr3<'a>),
}

#[cfg(not(target_arch = "x86_64"))]
enum Inner<'a> {
    Memchr(memchr::Memchr3<'a>),
}

impl<'a> Inner<'a> {
    fn new(a: u8, b: u8, c: u8, hay: &'a [u8]) -> Inner<'a> {
        #[cfg(target_arch = "x86_64")]
        if a != 0 && b != 0 && c != 0 {
            return Inner::Blocks(Blocks::new(a, b, c, hay));
        }
        Inner::Memchr(memchr::memchr3_iter(a, b, c, hay))
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            #[cfg(target_arch = "x86_64")]
            Inner::Blocks(x) => x.next(),
            Inner::Memchr(x) => x.next(),
        }
    }
}

/// 64 bytes at a time: the block's matches as bits of `mask`, lowest first. The last partial
/// block is copied into a zeroed buffer first (zero matches none of the three bytes).
#[cfg(target_arch = "x86_64")]
struct Blocks<'a> {
    hay: &'a [u8],
    /// Where the current block starts.
    base: usize,
    /// The matches of the current block not yet returned.
    mask: u64,
    needles: [u8; 3],
}

#[cfg(target_arch = "x86_64")]
impl<'a> Blocks<'a> {
    fn new(a: u8, b: u8, c: u8, hay: &'a [u8]) -> Blocks<'a> {
        let mut s = Blocks {
            hay,
            base: 0,
            mask: 0,
            needles: [a, b, c],
        };
        s.mask = s.block_mask(0);
        s
    }

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 64;
            if self.base >= self.hay.len() {
                return None;
            }
            self.mask = self.block_mask(self.base);
        }
        let i = self.base + self.mask.trailing_zeros() as usize;
        self.mask &= self.mask - 1;
        Some(i)
    }

    /// The matches among the 64 bytes from `at` (fewer at the end of `hay`).
    #[inline]
    fn block_mask(&self, at: usize) -> u64 {
        let rest = &self.hay[at.min(self.hay.len())..];
        if rest.len() >= 64 {
            mask64(rest[..64].try_into().expect("64 bytes"), self.needles)
        } else {
            let mut last = [0u8; 64];
            last[..rest.len()].copy_from_slice(rest);
            mask64(&last, self.needles)
        }
    }
}

/// Bit i set when `block[i]` is one of `needles`.
#[cfg(target_arch = "x86_64")]
#[inline]
fn mask64(block: &[u8; 64], needles: [u8; 3]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are always available;
    // each load reads 16 bytes inside `block` (offsets 0, 16, 32 and 48 of 64).
    unsafe {
        let [a, b, c] = needles.map(|n| _mm_set1_epi8(n as i8));
        let mut mask = 0u64;
        for k in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
            let hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, a), _mm_cmpeq_epi8(v, b)),
                _mm_cmpeq_epi8(v, c),
            );
            mask |= (_mm_movemask_epi8(hit) as u32 as u64) << (16 * k);
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::positions3;

    fn both(a: u8, b: u8, c: u8, hay: &[u8]) {
        let want: Vec<usize> = memchr::memchr3_iter(a, b, c, hay).collect();
        let got: Vec<usize> = positions3(a, b, c, hay).collect();
        assert_eq!(got, want, "needles {a} {b} {c}, {} bytes", hay.len());
    }

    #[test]
    fn agrees_with_memchr3_at_every_length_and_offset() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // Dense, sparse and absent matches; every length around the 64-byte blocks; needles
        // that include 0 (memchr's path) and 0xff.
        for len in (0..200).chain([255, 256, 257, 1000, 4096 + 3]) {
            for density in [2u64, 8, 64, 1_000_000] {
                let hay: Vec<u8> = (0..len)
                    .map(|_| {
                        let r = next();
                        if r % density == 0 {
                            [b',', b'\n', b'"'][(r >> 8) as usize % 3]
                        } else {
                            b'a' + (r >> 16) as u8 % 26
                        }
                    })
                    .collect();
                both(b',', b'\n', b'"', &hay);
                both(b';', b'\n', b'"', &hay);
                for off in [1, 7, 63] {
                    if off <= hay.len() {
                        both(b',', b'\n', b'"', &hay[off..]);
                    }
                }
                both(0, b'\n', b'"', &hay);
                both(0xff, b',', b'a', &hay);
            }
        }
    }
}
