//! A worker's cache of the reason cells of the rejects file, so a rejected row copies its
//! reason instead of building and quoting the sentence again.
//!
//! A messy export repeats a few hundred reasons (an unknown surface is named by a few dozen
//! names under a dozen providers), and a sentence depends on nothing but its [`Reason`] and the
//! value it quotes ([`Batch::subject`]): the pair is the key, the cell as
//! [`write_cell`](super::rejects::write_cell) writes it is the value.

use super::rejects::write_cell;
use psp_status::batch::{Batch, ByteColumn, Reason};

/// How many reasons a worker remembers; later ones are written every time, so junk in a name
/// column cannot grow memory (at most 512 values of 200 bytes and their sentences).
const MAX_REASONS: usize = 512;

/// Slots of the hash table: a power of two, twice the reasons.
const SLOTS: usize = 2 * MAX_REASONS;

/// Reason cells by (reason, quoted value).
///
/// ```ignore
/// let mut cells = ReasonCells::default();
/// let mut out = Vec::new();
/// cells.write(&mut out, &batch, row, reason); // the cell, quoted as the rejects file needs
/// ```
pub struct ReasonCells {
    /// The cached reasons.
    entries: Vec<Cached>,
    /// The cells, back to back.
    cells: Vec<u8>,
    /// `entries` by hash, open addressing: the index + 1 of an entry, 0 for an empty slot.
    slots: Box<[u16]>,
    /// The sentence of a reason not cached, being put together.
    sentence: Vec<u8>,
}

/// A cached reason: the reason, the value its sentence quotes, that value's [`ends`], and
/// where its cell lies in `ReasonCells::cells`.
struct Cached {
    reason: Reason,
    value: Box<[u8]>,
    ends: (u64, u64),
    start: u32,
    end: u32,
}

impl Default for ReasonCells {
    fn default() -> Self {
        ReasonCells {
            entries: Vec::new(),
            cells: Vec::new(),
            slots: vec![0; SLOTS].into_boxed_slice(),
            sentence: Vec::new(),
        }
    }
}

/// The reason as a number: what it is and the provider and signal it names.
#[inline]
fn code(r: Reason) -> u64 {
    let (kind, provider, signal) = match r {
        Reason::MissingProvider => (1, 0, 0),
        Reason::UnknownProvider => (2, 0, 0),
        Reason::MissingSurface { signal } => (3, 0, signal),
        Reason::NoSignal => (4, 0, 0),
        Reason::NoSignalFor(p) => (5, p as u64, 0),
        Reason::UnknownSurface { provider, signal } => (6, provider as u64, signal),
    };
    kind | provider << 8 | u64::from(signal) << 16
}

/// Two words that, with the length, stand for every byte of a value of up to 16 bytes: its
/// first and last eight bytes (overlapping below 16), below 8 bytes two overlapping 4-byte
/// reads or the first, middle and last byte. Read in place: no copy, no `memcpy` call.
///
/// ```ignore
/// assert_eq!(ends(b"abcdefghij"), (u64::from_le_bytes(*b"abcdefgh"), u64::from_le_bytes(*b"cdefghij")));
/// ```
#[inline]
fn ends(v: &[u8]) -> (u64, u64) {
    let n = v.len();
    let word = |at: usize| u64::from_le_bytes(v[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u64::from(u32::from_le_bytes(v[at..at + 4].try_into().expect("4")));
    match n {
        8.. => (word(0), word(n - 8)),
        4..=7 => (half(0), half(n - 4)),
        1..=3 => (
            u64::from(v[0]) | u64::from(v[n / 2]) << 8 | u64::from(v[n - 1]) << 16,
            0,
        ),
        0 => (0, 0),
    }
}

/// Whether `a` (with its [`ends`] `ea`) and `b` (with `eb`) are the same bytes.
#[inline]
fn same(a: &[u8], ea: (u64, u64), b: &[u8], eb: (u64, u64)) -> bool {
    a.len() == b.len() && ea == eb && (a.len() <= 16 || a[8..a.len() - 8] == b[8..b.len() - 8])
}

/// The first slot to probe for `(reason, value)` (with `e`, the value's [`ends`]): the
/// value's length, first and last bytes and the reason, multiplied.
#[inline]
fn slot_of(reason: Reason, value: &[u8], e: (u64, u64)) -> usize {
    let h = e.0 ^ e.1.rotate_left(29) ^ (value.len() as u64) << 40 ^ code(reason).rotate_left(48);
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & (SLOTS - 1)
}

impl ReasonCells {
    /// Appends to `out` the reason cell of row `row` of `batch`, rejected for `reason`: the
    /// bytes `write_cell(out, batch.explain(row, reason), b',')` would append.
    #[inline]
    pub fn write<C: ByteColumn + ?Sized>(
        &mut self,
        out: &mut Vec<u8>,
        batch: &Batch<'_, C>,
        row: usize,
        reason: Reason,
    ) {
        let value = batch.subject(row, reason);
        let ev = ends(value);
        let mut slot = slot_of(reason, value, ev);
        loop {
            let at = usize::from(self.slots[slot]);
            let Some(c) = self.entries.get(at.wrapping_sub(1)) else {
                break;
            };
            if c.reason == reason && same(&c.value, c.ends, value, ev) {
                out.extend_from_slice(&self.cells[c.start as usize..c.end as usize]);
                return;
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
        // Not cached: the sentence, written as a cell, then kept while there is room.
        let start = out.len();
        self.sentence.clear();
        for p in &batch.explanation(row, reason).parts {
            self.sentence.extend_from_slice(p.as_bytes());
        }
        write_cell(out, &self.sentence, b',');
        if self.entries.len() < MAX_REASONS {
            let s = self.cells.len() as u32;
            self.cells.extend_from_slice(&out[start..]);
            self.entries.push(Cached {
                reason,
                value: value.into(),
                ends: ev,
                start: s,
                end: self.cells.len() as u32,
            });
            self.slots[slot] = self.entries.len() as u16;
        }
    }

    /// The number of reasons cached.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psp_status::batch::{Given, Signal};
    use psp_status::{Provider, Surface};

    /// The cell written the long way: the whole sentence, quoted.
    fn uncached<C: ByteColumn + ?Sized>(b: &Batch<'_, C>, row: usize, r: Reason) -> Vec<u8> {
        let mut w = Vec::new();
        write_cell(&mut w, b.explain(row, r).as_bytes(), b',');
        w
    }

    /// `same` over `ends` is byte equality: for every length up to 40, a value equals itself
    /// and differs from itself with any one byte changed, and from itself one byte shorter.
    #[test]
    fn same_is_byte_equality() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..=40usize {
            let v: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            assert!(same(&v, ends(&v), &v.clone(), ends(&v)));
            for at in 0..len {
                let mut w = v.clone();
                w[at] ^= 0x20;
                assert!(!same(&v, ends(&v), &w, ends(&w)), "{len} bytes, byte {at}");
            }
            if len > 0 {
                let w = &v[..len - 1];
                assert!(!same(&v, ends(&v), w, ends(w)));
            }
        }
    }

    #[test]
    fn a_cached_cell_is_the_cell_written_the_long_way() {
        let long = format!("x,\"{}\u{e9}", "y".repeat(300));
        let surfaces: Vec<&[u8]> = vec![
            b"payment.state",
            b"error.code",
            b"payment.state",
            b"a,\"b\"",
            long.as_bytes(),
            b"=cmd",
            b"\xff\xfe",
            b"",
        ];
        let providers: Vec<&[u8]> = vec![
            b"stripe", b"alma", b"adyen", b"stripe", b"acme", b"-x", b"alma", b"",
        ];
        let raw: Vec<&[u8]> = vec![b"paid"; surfaces.len()];
        let b = Batch {
            provider: Given::Column(&providers[..]),
            signals: vec![Signal {
                surface: Given::Column(&surfaces[..]),
                raw: &raw[..],
                only: None,
            }],
            empty_is_absent: true,
        };
        let mut reasons = vec![
            Reason::MissingProvider,
            Reason::UnknownProvider,
            Reason::MissingSurface { signal: 0 },
            Reason::NoSignal,
            Reason::NoSignalFor(Provider::Alma),
            Reason::NoSignalFor(Provider::Stripe),
        ];
        for p in [Provider::Stripe, Provider::Alma] {
            reasons.push(Reason::UnknownSurface {
                provider: p,
                signal: 0,
            });
        }
        let mut cells = ReasonCells::default();
        // Twice over: the first pass fills the cache, the second reads it.
        for pass in 0..2 {
            for row in 0..surfaces.len() {
                for &r in &reasons {
                    let mut out = b"before".to_vec();
                    cells.write(&mut out, &b, row, r);
                    let mut want = b"before".to_vec();
                    want.extend_from_slice(&uncached(&b, row, r));
                    assert_eq!(out, want, "pass {pass}, row {row}, {r:?}");
                }
            }
        }
        // Row 2 repeats row 0's surface: one entry for both.
        assert!(cells.len() < surfaces.len() * reasons.len());
    }

    #[test]
    fn the_cache_is_bounded_and_still_right_when_full() {
        let names: Vec<String> = (0..MAX_REASONS + 100).map(|i| format!("s{i}")).collect();
        let surfaces: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        let raw: Vec<&[u8]> = vec![b"paid"; surfaces.len()];
        let b = Batch {
            provider: Given::Fixed(Provider::Stripe),
            signals: vec![Signal {
                surface: Given::Column(&surfaces[..]),
                raw: &raw[..],
                only: None,
            }],
            empty_is_absent: true,
        };
        let r = Reason::UnknownSurface {
            provider: Provider::Stripe,
            signal: 0,
        };
        let mut cells = ReasonCells::default();
        for _ in 0..2 {
            for row in 0..surfaces.len() {
                let mut out = Vec::new();
                cells.write(&mut out, &b, row, r);
                assert_eq!(out, uncached(&b, row, r), "row {row}");
            }
        }
        assert_eq!(cells.len(), MAX_REASONS);
        // A fixed surface is quoted by its name.
        let fixed = Batch {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![Signal {
                surface: Given::Fixed(Surface::PaymentState),
                raw: &raw[..],
                only: None,
            }],
            empty_is_absent: true,
        };
        let r = Reason::UnknownSurface {
            provider: Provider::Alma,
            signal: 0,
        };
        let mut out = Vec::new();
        ReasonCells::default().write(&mut out, &fixed, 0, r);
        assert_eq!(out, uncached(&fixed, 0, r));
    }
}
