//! Provider and surface names resolved without a linear scan.
//!
//! A name column repeats a handful of names millions of times. [`NameIndex`] is a small
//! open-addressing hash table over every provider and surface name of the tables, built once;
//! a lookup hashes the bytes once (the first and last eight bytes and the length) and compares
//! one or two slots. A dictionary-encoded name column is resolved once per dictionary value
//! instead (see `kernel`).

use psp_status::{Provider, Surface};
use std::sync::OnceLock;
use strum_iter::all;

/// Slots of the table (a power of two, at least 4 × the names).
const SLOTS: usize = 256;

struct Table<T: Copy + 'static> {
    slots: [Option<(&'static [u8], T)>; SLOTS],
    longest: usize,
}

#[inline(always)]
fn hash(name: &[u8]) -> usize {
    // Fixed-size reads only (no `memcpy` call for a variable length): two overlapping words
    // for 8 bytes or more, two overlapping half-words for 4 to 7, three bytes below 4.
    let n = name.len();
    let word = |i: usize| match name.get(i..i + 8) {
        Some(b) => u64::from_le_bytes(b.try_into().unwrap_or_default()),
        None => 0,
    };
    let half = |i: usize| match name.get(i..i + 4) {
        Some(b) => u64::from(u32::from_le_bytes(b.try_into().unwrap_or_default())),
        None => 0,
    };
    let (head, tail) = if n >= 8 {
        (word(0), word(n - 8))
    } else if n >= 4 {
        (half(0), half(n - 4))
    } else if n > 0 {
        let b = |i: usize| u64::from(name[i]);
        (b(0) | b(n / 2) << 8 | b(n - 1) << 16, 0)
    } else {
        (0, 0)
    };
    let h = (head ^ tail.rotate_left(23) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 56) as usize
}

/// `a == b` with fixed-size word compares (names are short: a `memcmp` call per lookup was
/// a tenth of the mixed kernel's time).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |x: &[u8], i: usize| match x.get(i..i + 8) {
        Some(w) => u64::from_le_bytes(w.try_into().unwrap_or_default()),
        None => 0,
    };
    let half = |x: &[u8], i: usize| match x.get(i..i + 4) {
        Some(w) => u32::from_le_bytes(w.try_into().unwrap_or_default()),
        None => 0,
    };
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

impl<T: Copy + 'static> Table<T> {
    fn build(names: impl Iterator<Item = (&'static str, T)>) -> Self {
        let mut t = Table {
            slots: [None; SLOTS],
            longest: 0,
        };
        for (name, value) in names {
            let mut i = hash(name.as_bytes());
            while t.slots[i].is_some() {
                i = (i + 1) % SLOTS;
            }
            t.slots[i] = Some((name.as_bytes(), value));
            t.longest = t.longest.max(name.len());
        }
        t
    }

    #[inline(always)]
    fn get(&self, name: &[u8]) -> Option<T> {
        if name.len() > self.longest {
            return None;
        }
        let mut i = hash(name);
        loop {
            match self.slots[i] {
                Some((k, v)) if same(k, name) => return Some(v),
                Some(_) => i = (i + 1) % SLOTS,
                None => return None,
            }
        }
    }
}

mod strum_iter {
    /// Every variant of a strum `EnumIter` enum with its wire name.
    pub(super) fn all<T>() -> impl Iterator<Item = (&'static str, T)>
    where
        T: strum::IntoEnumIterator + Into<&'static str> + Copy,
    {
        T::iter().map(|v| (v.into(), v))
    }
}

/// Every provider and surface name of the tables, hashed.
///
/// ```
/// use psp_status::{Provider, Surface};
/// use psp_status_arrow::NameIndex;
/// let n = NameIndex::get();
/// assert_eq!(n.provider(b"stripe"), Some(Provider::Stripe));
/// assert_eq!(n.provider(b"Stripe"), Some(Provider::Stripe)); // ASCII case-insensitive
/// assert_eq!(n.provider(b"acme"), None);
/// assert_eq!(n.surface(b"payment.state"), "payment.state".parse::<Surface>().ok());
/// ```
pub struct NameIndex {
    providers: Table<Provider>,
    surfaces: Table<Surface>,
}

impl NameIndex {
    /// The index (built on first use, a few microseconds).
    pub fn get() -> &'static NameIndex {
        static INDEX: OnceLock<NameIndex> = OnceLock::new();
        INDEX.get_or_init(|| NameIndex {
            // Ids and display names (`checkout`, `checkout.com`), lower-cased once.
            providers: Table::build(all::<Provider>().chain(
                <Provider as strum::IntoEnumIterator>::iter().flat_map(|p| {
                    p.spellings().skip(1).map(move |n| {
                        let lower: &'static str =
                            Box::leak(n.to_ascii_lowercase().into_boxed_str());
                        (lower, p)
                    })
                }),
            )),
            surfaces: Table::build(all::<Surface>()),
        })
    }

    /// The provider named `name`, ASCII case-insensitive as `Provider::from_str`.
    #[inline]
    pub fn provider(&self, name: &[u8]) -> Option<Provider> {
        if let Some(p) = self.providers.get(name) {
            return Some(p);
        }
        // Not the canonical spelling: fold ASCII case on the stack and try again.
        if name.len() > self.providers.longest {
            return None;
        }
        let mut buf = [0u8; 64];
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.providers.get(lower)
    }

    /// The surface named `name` (ASCII case-insensitive, as `Surface::from_str`), whichever
    /// provider has it.
    #[inline]
    pub fn surface(&self, name: &[u8]) -> Option<Surface> {
        if let Some(s) = self.surfaces.get(name) {
            return Some(s);
        }
        if name.len() > self.surfaces.longest {
            return None;
        }
        let mut buf = [0u8; 128];
        let lower = buf.get_mut(..name.len())?;
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        self.surfaces.get(lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_name_is_found_and_agrees_with_from_str() {
        let n = NameIndex::get();
        for p in Provider::iter() {
            let name: &str = p.into();
            assert_eq!(n.provider(name.as_bytes()), Some(p));
            assert_eq!(n.provider(name.to_uppercase().as_bytes()), Some(p));
        }
        for s in Surface::iter() {
            let name: &str = s.into();
            assert_eq!(n.surface(name.as_bytes()), Some(s));
            assert_eq!(n.surface(name.as_bytes()), name.parse().ok());
        }
    }

    #[test]
    fn same_is_slice_equality() {
        let words: Vec<Vec<u8>> = (0..40)
            .flat_map(|n| {
                let w: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
                let mut last = w.clone();
                if let Some(b) = last.last_mut() {
                    *b ^= 1;
                }
                let mut first = w.clone();
                if let Some(b) = first.first_mut() {
                    *b ^= 1;
                }
                [w, last, first]
            })
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(same(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn other_bytes_are_not_names() {
        let n = NameIndex::get();
        for junk in [
            &b""[..],
            b"x",
            b"alma ",
            b" alma",
            b"\xff\xfe",
            &[b'a'; 300],
        ] {
            assert_eq!(n.provider(junk), None);
            assert_eq!(n.surface(junk), None);
        }
    }
}
