//! The batch kernel: classifies a batch of rows given as columns of byte strings.
//!
//! Every batch reader feeds this one function: the CLI's CSV and JSON Lines readers today, an
//! Arrow/Parquet reader or a Spark `mapInArrow` job later (an Arrow `StringArray` or
//! `BinaryArray` is a [`ByteColumn`]: offsets into one buffer, plus a null mask). The kernel
//! allocates nothing per row: provider and surface names are parsed once and cached in
//! [`Names`], values are looked up by the same code as [`resolve`](crate::resolve).
//!
//! ```
//! use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
//! use psp_status::{Provider, State, Surface};
//!
//! let raw: Vec<&[u8]> = vec![b"paid", b"scored_no", b"nobody_knows"];
//! let batch = Batch {
//!     provider: Given::Fixed(Provider::Alma),
//!     signals: vec![Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None }],
//!     empty_is_absent: false,
//! };
//! let mut out = Vec::new();
//! classify_columns(&batch, &mut Names::default(), &mut out);
//! let states: Vec<_> = out
//!     .iter()
//!     .map(|o| match o {
//!         Outcome::Classified(v) => v.state,
//!         Outcome::Rejected(_) => unreachable!(),
//!     })
//!     .collect();
//! assert_eq!(states, [State::Success, State::Error, State::Uncertain]);
//! ```

use crate::{Code, Matched, Operation, Provider, State, Surface};
use std::borrow::Cow;

/// A column of byte strings: `None` is a null (or, for row formats, an absent key).
///
/// ```
/// use psp_status::batch::ByteColumn;
/// let col: Vec<&[u8]> = vec![b"a", b"b"];
/// assert_eq!(col[..].len(), 2);
/// assert_eq!(col[..].value(1), Some(&b"b"[..]));
/// ```
pub trait ByteColumn {
    /// The number of rows.
    fn len(&self) -> usize;
    /// The value of `row`, `None` when null.
    fn value(&self, row: usize) -> Option<&[u8]>;
    /// Whether the column has no rows.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl ByteColumn for [&[u8]] {
    fn len(&self) -> usize {
        <[&[u8]]>::len(self)
    }
    fn value(&self, row: usize) -> Option<&[u8]> {
        self.get(row).copied()
    }
}

impl ByteColumn for [Option<&[u8]>] {
    fn len(&self) -> usize {
        <[Option<&[u8]>]>::len(self)
    }
    fn value(&self, row: usize) -> Option<&[u8]> {
        self.get(row).copied().flatten()
    }
}

/// A value that is the same for the whole batch, or read from a column row by row.
///
/// ```
/// use psp_status::batch::Given;
/// use psp_status::Provider;
/// let p: Given<'_, Provider, [&[u8]]> = Given::Fixed(Provider::Alma);
/// assert!(matches!(p, Given::Fixed(Provider::Alma)));
/// ```
pub enum Given<'c, T, C: ?Sized> {
    /// One value for every row (`--provider alma`).
    Fixed(T),
    /// A column holding the name, row by row.
    Column(&'c C),
}

/// One signal: the surface a value arrived in and the column holding the values.
///
/// ```
/// use psp_status::batch::{Given, Signal};
/// use psp_status::Surface;
/// let raw: Vec<&[u8]> = vec![b"paid"];
/// let s = Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None };
/// assert!(matches!(s.surface, Given::Fixed(Surface::PaymentState)));
/// ```
pub struct Signal<'c, C: ?Sized> {
    /// The surface (fixed, or a column of surface names such as `payment_intent.status`).
    pub surface: Given<'c, Surface, C>,
    /// The raw values.
    pub raw: &'c C,
    /// The provider whose rows the signal applies to (`--signal stripe:decline_code=…`); `None`:
    /// every provider that has the surface.
    pub only: Option<Provider>,
}

/// What to classify: the provider and one or more signals per row.
///
/// With one signal, the row is `classify`d; with several, `resolve`d by the provider's
/// precedence, as the `resolve` command does.
///
/// ```
/// use psp_status::batch::{Batch, Given, Signal};
/// use psp_status::{Provider, Surface};
/// let raw: Vec<&[u8]> = vec![b"paid"];
/// let b = Batch {
///     provider: Given::Fixed(Provider::Alma),
///     signals: vec![Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None }],
///     empty_is_absent: false,
/// };
/// assert_eq!(b.rows(), 1);
/// ```
pub struct Batch<'c, C: ?Sized> {
    /// The provider of each row.
    pub provider: Given<'c, Provider, C>,
    /// The signals of each row, in the caller's order.
    pub signals: Vec<Signal<'c, C>>,
    /// Whether an empty value means "no signal" rather than the empty string as a value. The
    /// CLI always sets it: an empty cell says nothing, and a row with no signal left is
    /// rejected with [`Reason::NoSignal`].
    pub empty_is_absent: bool,
}

impl<C: ByteColumn + ?Sized> Batch<'_, C> {
    /// The number of rows: the length of the first column, or 0 with no signals.
    ///
    /// ```
    /// use psp_status::batch::{Batch, Given};
    /// use psp_status::Provider;
    /// let b: Batch<'_, [&[u8]]> = Batch { provider: Given::Fixed(Provider::Alma), signals: vec![], empty_is_absent: true };
    /// assert_eq!(b.rows(), 0);
    /// ```
    pub fn rows(&self) -> usize {
        match (&self.provider, self.signals.first()) {
            (Given::Column(c), _) => c.len(),
            (_, Some(s)) => s.raw.len(),
            _ => 0,
        }
    }

    /// A sentence for a rejected row, quoting the offending value (lossy UTF-8, at most 200
    /// bytes).
    ///
    /// ```
    /// use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
    /// use psp_status::Surface;
    /// let prov: Vec<&[u8]> = vec![b"acme"];
    /// let raw: Vec<&[u8]> = vec![b"paid"];
    /// let b = Batch {
    ///     provider: Given::Column(&prov[..]),
    ///     signals: vec![Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None }],
    ///     empty_is_absent: false,
    /// };
    /// let mut out = Vec::new();
    /// classify_columns(&b, &mut Names::default(), &mut out);
    /// let Outcome::Rejected(r) = out[0] else { panic!() };
    /// assert_eq!(b.explain(0, r), "unknown provider `acme`");
    /// ```
    pub fn explain(&self, row: usize, reason: Reason) -> String {
        self.explanation(row, reason).parts.concat()
    }

    /// The sentence of [`explain`](Self::explain) in pieces that borrow from the tables and the
    /// batch, so a writer can copy it out without building a `String` per rejected row (only a
    /// quoted value that is not UTF-8 is converted).
    ///
    /// ```
    /// use psp_status::batch::{Batch, Given, Reason, Signal};
    /// use psp_status::{Provider, Surface};
    /// let surf: Vec<&[u8]> = vec![b"payment.state"];
    /// let raw: Vec<&[u8]> = vec![b"paid"];
    /// let b = Batch {
    ///     provider: Given::Fixed(Provider::Stripe),
    ///     signals: vec![Signal { surface: Given::Column(&surf[..]), raw: &raw[..], only: None }],
    ///     empty_is_absent: true,
    /// };
    /// let e = b.explanation(0, Reason::UnknownSurface { provider: Provider::Stripe, signal: 0 });
    /// assert_eq!(e.parts.concat(), "unknown surface `payment.state` for provider stripe");
    /// ```
    pub fn explanation(&self, row: usize, reason: Reason) -> Explanation<'_> {
        fn show(v: &[u8]) -> Cow<'_, str> {
            let v = &v[..v.len().min(SHOWN)];
            // The validation alone is several times cheaper than the lossy walk on valid text.
            match std::str::from_utf8(v) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(v),
            }
        }
        let name = |p: Provider| Cow::Borrowed(<&'static str>::from(p));
        let text = |s: &'static str| Cow::Borrowed(s);
        let parts = match reason {
            Reason::MissingProvider => [text("missing provider"), text(""), text(""), text("")],
            Reason::UnknownProvider => [
                text("unknown provider `"),
                show(self.subject(row, reason)),
                text("`"),
                text(""),
            ],
            Reason::MissingSurface { .. } => {
                [text("missing surface"), text(""), text(""), text("")]
            }
            Reason::NoSignal => [
                text("no signal: every signal cell of the row is empty"),
                text(""),
                text(""),
                text(""),
            ],
            Reason::NoSignalFor(p) => [
                text("no signal applies to provider "),
                name(p),
                text(" (none of the signals is one of its surfaces)"),
                text(""),
            ],
            Reason::UnknownSurface { provider, .. } => [
                text("unknown surface `"),
                show(self.subject(row, reason)),
                text("` for provider "),
                name(provider),
            ],
        };
        Explanation { parts }
    }

    /// The value the sentence of [`explanation`](Self::explanation) quotes (the provider cell of
    /// an unknown provider, the surface cell of an unknown surface, or the fixed name), cut to
    /// the 200 bytes it shows; empty for the reasons that quote none.
    ///
    /// The sentence depends on nothing else than the reason and this value, so a writer may
    /// cache its text by the pair (a messy file repeats a few hundred reasons).
    ///
    /// ```
    /// use psp_status::batch::{Batch, Given, Reason, Signal};
    /// use psp_status::{Provider, Surface};
    /// let surf: Vec<&[u8]> = vec![b"payment.state"];
    /// let raw: Vec<&[u8]> = vec![b"paid"];
    /// let b = Batch {
    ///     provider: Given::Fixed(Provider::Stripe),
    ///     signals: vec![Signal { surface: Given::Column(&surf[..]), raw: &raw[..], only: None }],
    ///     empty_is_absent: true,
    /// };
    /// let why = Reason::UnknownSurface { provider: Provider::Stripe, signal: 0 };
    /// assert_eq!(b.subject(0, why), b"payment.state");
    /// assert_eq!(b.subject(0, Reason::MissingProvider), b"");
    /// ```
    pub fn subject(&self, row: usize, reason: Reason) -> &[u8] {
        let value = match reason {
            Reason::UnknownProvider => match &self.provider {
                Given::Column(c) => c.value(row).unwrap_or_default(),
                Given::Fixed(p) => <&'static str>::from(*p).as_bytes(),
            },
            Reason::UnknownSurface { signal, .. } => {
                match self.signals.get(usize::from(signal)).map(|s| &s.surface) {
                    Some(Given::Column(c)) => c.value(row).unwrap_or_default(),
                    Some(Given::Fixed(s)) => <&'static str>::from(*s).as_bytes(),
                    None => b"",
                }
            }
            _ => b"",
        };
        &value[..value.len().min(SHOWN)]
    }
}

/// The most bytes of an offending value a reason quotes.
const SHOWN: usize = 200;

/// Why a row was rejected, as a sentence in pieces (their concatenation is the sentence):
/// fixed text, provider and surface names, and the offending value (lossy UTF-8, at most 200
/// bytes), borrowed where they can be.
///
/// ```
/// use psp_status::batch::Explanation;
/// use std::borrow::Cow;
/// let e = Explanation { parts: [Cow::Borrowed("missing provider"), "".into(), "".into(), "".into()] };
/// assert_eq!(e.parts.concat(), "missing provider");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation<'a> {
    /// The sentence's pieces, in order.
    pub parts: [Cow<'a, str>; 4],
}

/// Why a row could not be classified. An unknown *value* is never a reason: it is classified
/// as unmapped.
///
/// ```
/// use psp_status::batch::Reason;
/// assert_ne!(Reason::MissingProvider, Reason::UnknownProvider);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The provider cell is null or empty.
    MissingProvider,
    /// The provider cell names no provider of the tables.
    UnknownProvider,
    /// The surface cell of `signal` is null or empty.
    MissingSurface {
        /// The signal's index.
        signal: u8,
    },
    /// Every signal that applies to the row's provider is null or empty (with
    /// `empty_is_absent`): the row says nothing to classify.
    NoSignal,
    /// No signal applies to the row's provider: each is another provider's (`only`) or a fixed
    /// surface the provider does not have.
    NoSignalFor(Provider),
    /// The surface of `signal` (a surface column) is not one of the provider's surfaces.
    UnknownSurface {
        /// The row's provider.
        provider: Provider,
        /// The signal's index.
        signal: u8,
    },
}

/// The classification of one row, in a compact copyable form.
///
/// ```
/// use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
/// use psp_status::{Matched, Provider, Surface};
/// let raw: Vec<&[u8]> = vec![b"paid"];
/// let b = Batch {
///     provider: Given::Fixed(Provider::Alma),
///     signals: vec![Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None }],
///     empty_is_absent: false,
/// };
/// let mut out = Vec::new();
/// classify_columns(&b, &mut Names::default(), &mut out);
/// let Outcome::Classified(v) = out[0] else { panic!() };
/// assert_eq!((v.matched, v.signal), (Matched::Exact, Some(0)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The row's provider.
    pub provider: Provider,
    /// The surface of the deciding signal.
    pub surface: Surface,
    /// What to do next.
    pub state: State,
    /// Why.
    pub code: Code,
    /// The operation, when the tables know it.
    pub operation: Option<Operation>,
    /// How the deciding signal matched.
    pub matched: Matched,
    /// The index of the deciding signal (`None` when every signal was absent).
    pub signal: Option<u8>,
}

/// The result of one row.
///
/// ```
/// use psp_status::batch::{Outcome, Reason};
/// assert!(matches!(Outcome::Rejected(Reason::MissingProvider), Outcome::Rejected(_)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Classified (possibly as unmapped).
    Classified(Verdict),
    /// Not readable as a (provider, surface) row.
    Rejected(Reason),
}

/// How many distinct names [`Names`] remembers; later names are parsed every time, so junk in a
/// name column cannot grow memory.
const NAME_CACHE: usize = 64;

/// A per-worker cache of provider and surface names seen as bytes, so the hot loop does not
/// parse names per row.
///
/// ```
/// use psp_status::batch::Names;
/// use psp_status::{Provider, Surface};
/// let mut n = Names::default();
/// assert_eq!(n.provider(b"alma"), Some(Provider::Alma));
/// assert_eq!(n.provider(b"acme"), None);
/// assert_eq!(n.surface(Provider::Alma, b"payment.state"), Some(Surface::PaymentState));
/// assert_eq!(n.surface(Provider::Alma, b"no.such.surface"), None);
/// ```
#[derive(Debug)]
pub struct Names {
    providers: Vec<(Box<[u8]>, Option<Provider>)>,
    /// Each surface name seen: what it parses to, and the providers having that surface (bit
    /// `provider as usize`).
    surfaces: Vec<(Box<[u8]>, Option<Surface>, u64)>,
    /// `surfaces` by a hash of the name: the index + 1 of the name first seen in each slot.
    surface_slots: [u8; SLOTS],
    last_provider: usize,
}

// Providers are bits of a `u64` in the surface cache.
const _: () = assert!(<Provider as strum::EnumCount>::COUNT <= 64);

/// Slots of the surface names' hash table (a power of two, several per cached name).
const SLOTS: usize = 256;

impl Default for Names {
    fn default() -> Self {
        Names {
            providers: Vec::new(),
            surfaces: Vec::new(),
            surface_slots: [0; SLOTS],
            last_provider: 0,
        }
    }
}

/// The slot of a name: its first and last eight bytes and its length, multiplied.
#[inline]
fn slot_of(name: &[u8]) -> usize {
    let n = name.len().min(8);
    let (mut head, mut tail) = ([0u8; 8], [0u8; 8]);
    head[..n].copy_from_slice(&name[..n]);
    tail[..n].copy_from_slice(&name[name.len() - n..]);
    let h = u64::from_le_bytes(head) ^ u64::from_le_bytes(tail).rotate_left(29) ^ name.len() as u64;
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize & (SLOTS - 1)
}

impl Names {
    /// The provider named by `name` (ASCII case-insensitive, as `Provider::from_str`).
    pub fn provider(&mut self, name: &[u8]) -> Option<Provider> {
        if let Some((k, v)) = self.providers.get(self.last_provider) {
            if **k == *name {
                return *v;
            }
        }
        if let Some(i) = self.providers.iter().position(|(k, _)| **k == *name) {
            self.last_provider = i;
            return self.providers[i].1;
        }
        let parsed = std::str::from_utf8(name)
            .ok()
            .and_then(|s| s.parse::<Provider>().ok());
        if self.providers.len() < NAME_CACHE {
            self.providers.push((name.into(), parsed));
            self.last_provider = self.providers.len() - 1;
        }
        parsed
    }

    /// The surface named by `name`, when it is one of `provider`'s.
    ///
    /// Names are cached by themselves, not per provider (a messy export names the same few
    /// dozen surfaces under every provider), and found through a small hash table: a linear
    /// scan of the cache cost more than the lookup of the value.
    pub fn surface(&mut self, provider: Provider, name: &[u8]) -> Option<Surface> {
        let slot = slot_of(name);
        let at = usize::from(self.surface_slots[slot]);
        let found = match self.surfaces.get(at.wrapping_sub(1)) {
            Some((k, v, m)) if **k == *name => Some((*v, *m)),
            _ => self
                .surfaces
                .iter()
                .find(|(k, _, _)| **k == *name)
                .map(|(_, v, m)| (*v, *m)),
        };
        let (parsed, having) = found.unwrap_or_else(|| {
            let parsed = std::str::from_utf8(name)
                .ok()
                .and_then(|s| s.parse::<Surface>().ok());
            let having = parsed.map_or(0, |s| {
                <Provider as strum::IntoEnumIterator>::iter()
                    .filter(|p| crate::Field::new(*p, s).is_ok())
                    .fold(0u64, |m, p| m | 1 << (p as usize))
            });
            if self.surfaces.len() < NAME_CACHE {
                self.surfaces.push((name.into(), parsed, having));
                if at == 0 {
                    self.surface_slots[slot] = self.surfaces.len() as u8;
                }
            }
            (parsed, having)
        });
        parsed.filter(|_| having & (1 << (provider as usize)) != 0)
    }
}

/// The most signals a batch may carry (the signal index is a `u8`).
pub const MAX_SIGNALS: usize = 32;

/// Classifies every row of `batch`, appending one [`Outcome`] per row to `out` (cleared first).
///
/// ```
/// use psp_status::batch::{classify_columns, Batch, Given, Names, Outcome, Signal};
/// use psp_status::{Provider, State, Surface};
/// let prov: Vec<&[u8]> = vec![b"alma"];
/// let surf: Vec<&[u8]> = vec![b"payment.state"];
/// let raw: Vec<&[u8]> = vec![b"paid"];
/// let b = Batch {
///     provider: Given::Column(&prov[..]),
///     signals: vec![Signal { surface: Given::Column(&surf[..]), raw: &raw[..], only: None }],
///     empty_is_absent: false,
/// };
/// let mut out = Vec::new();
/// classify_columns(&b, &mut Names::default(), &mut out);
/// assert!(matches!(out[0], Outcome::Classified(v) if v.state == State::Success));
/// ```
pub fn classify_columns<C: ByteColumn + ?Sized>(
    batch: &Batch<'_, C>,
    names: &mut Names,
    out: &mut Vec<Outcome>,
) {
    classify_columns_in(crate::Tables::compiled(), batch, names, out)
}

/// [`classify_columns`] in a given set of tables (loaded at run time, or the compiled one).
///
/// ```
/// use psp_status::batch::{classify_columns_in, Batch, Given, Names, Outcome, Signal};
/// use psp_status::{Provider, State, Surface, Tables};
/// let raw: Vec<&[u8]> = vec![b"paid"];
/// let b = Batch {
///     provider: Given::Fixed(Provider::Alma),
///     signals: vec![Signal { surface: Given::Fixed(Surface::PaymentState), raw: &raw[..], only: None }],
///     empty_is_absent: false,
/// };
/// let mut out = Vec::new();
/// classify_columns_in(Tables::compiled(), &b, &mut Names::default(), &mut out);
/// assert!(matches!(out[0], Outcome::Classified(v) if v.state == State::Success));
/// ```
pub fn classify_columns_in<C: ByteColumn + ?Sized>(
    tables: &crate::Tables,
    batch: &Batch<'_, C>,
    names: &mut Names,
    out: &mut Vec<Outcome>,
) {
    out.clear();
    let rows = batch.rows();
    out.reserve(rows);
    let mut signals: Vec<(Surface, &[u8])> = Vec::with_capacity(batch.signals.len());
    let mut index: Vec<u8> = Vec::with_capacity(batch.signals.len());
    for row in 0..rows {
        let provider = match &batch.provider {
            Given::Fixed(p) => *p,
            Given::Column(c) => match c.value(row) {
                None | Some(b"") => {
                    out.push(Outcome::Rejected(Reason::MissingProvider));
                    continue;
                }
                Some(name) => match names.provider(name) {
                    Some(p) => p,
                    None => {
                        out.push(Outcome::Rejected(Reason::UnknownProvider));
                        continue;
                    }
                },
            },
        };
        signals.clear();
        index.clear();
        let mut rejected = None;
        let mut applies = false;
        for (i, s) in batch.signals.iter().enumerate() {
            let i = i as u8;
            if s.only.is_some_and(|p| p != provider) {
                continue;
            }
            if let Given::Fixed(surface) = s.surface {
                if crate::Field::new(provider, surface).is_err() {
                    continue;
                }
            }
            applies = true;
            let raw = s.raw.value(row);
            if batch.empty_is_absent && raw.is_none_or(<[u8]>::is_empty) {
                continue;
            }
            let surface = match &s.surface {
                Given::Fixed(s) => *s,
                Given::Column(c) => match c.value(row) {
                    None | Some(b"") => {
                        rejected = Some(Reason::MissingSurface { signal: i });
                        break;
                    }
                    Some(name) => match names.surface(provider, name) {
                        Some(s) => s,
                        None => {
                            rejected = Some(Reason::UnknownSurface {
                                provider,
                                signal: i,
                            });
                            break;
                        }
                    },
                },
            };
            signals.push((surface, raw.unwrap_or_default()));
            index.push(i);
        }
        if let Some(r) = rejected {
            out.push(Outcome::Rejected(r));
            continue;
        }
        if !applies {
            out.push(Outcome::Rejected(Reason::NoSignalFor(provider)));
            continue;
        }
        if signals.is_empty() && batch.empty_is_absent {
            out.push(Outcome::Rejected(Reason::NoSignal));
            continue;
        }
        let c = crate::resolve_surfaces(tables.set(), provider, &signals);
        let signal = signals
            .iter()
            .position(|(s, r)| *s == c.surface && std::ptr::eq(*r, c.raw))
            .map(|k| index[k]);
        out.push(Outcome::Classified(Verdict {
            provider,
            surface: c.surface,
            state: c.state,
            code: c.code,
            operation: c.operation,
            matched: c.matched,
            signal,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col<'a>(v: &'a [&'a str]) -> Vec<&'a [u8]> {
        v.iter().map(|s| s.as_bytes()).collect()
    }

    #[test]
    fn every_reason_reads_as_a_sentence_naming_the_value() {
        let prov = col(&["acme, \"inc\""]);
        let surf = col(&["payment.state"]);
        let raw = col(&["paid"]);
        let bad_utf8: Vec<&[u8]> = vec![b"caf\xe9"];
        let b = Batch {
            provider: Given::Column(&prov[..]),
            signals: vec![
                Signal {
                    surface: Given::Column(&surf[..]),
                    raw: &raw[..],
                    only: None,
                },
                Signal {
                    surface: Given::Fixed(Surface::DeclineCode),
                    raw: &raw[..],
                    only: None,
                },
                Signal {
                    surface: Given::Column(&bad_utf8[..]),
                    raw: &raw[..],
                    only: None,
                },
            ],
            empty_is_absent: true,
        };
        let long = "x".repeat(300);
        let long_ref = [long.as_str()];
        let long_col = col(&long_ref);
        let long_batch = Batch {
            provider: Given::Column(&long_col[..]),
            signals: vec![],
            empty_is_absent: true,
        };
        for (batch, reason, text) in [
            (&b, Reason::MissingProvider, "missing provider".to_string()),
            (
                &b,
                Reason::UnknownProvider,
                "unknown provider `acme, \"inc\"`".to_string(),
            ),
            (
                &long_batch,
                Reason::UnknownProvider,
                format!("unknown provider `{}`", &long[..200]),
            ),
            (
                &b,
                Reason::MissingSurface { signal: 0 },
                "missing surface".to_string(),
            ),
            (
                &b,
                Reason::NoSignal,
                "no signal: every signal cell of the row is empty".to_string(),
            ),
            (
                &b,
                Reason::NoSignalFor(Provider::Alma),
                "no signal applies to provider alma (none of the signals is one of its surfaces)"
                    .to_string(),
            ),
            (
                &b,
                Reason::UnknownSurface {
                    provider: Provider::Stripe,
                    signal: 0,
                },
                "unknown surface `payment.state` for provider stripe".to_string(),
            ),
            (
                &b,
                Reason::UnknownSurface {
                    provider: Provider::Alma,
                    signal: 1,
                },
                "unknown surface `decline_code` for provider alma".to_string(),
            ),
            (
                &b,
                Reason::UnknownSurface {
                    provider: Provider::Alma,
                    signal: 2,
                },
                "unknown surface `caf\u{fffd}` for provider alma".to_string(),
            ),
        ] {
            assert_eq!(batch.explain(0, reason), text, "{reason:?}");
        }
        // Nothing is copied but a value that is not UTF-8.
        let e = b.explanation(
            0,
            Reason::UnknownSurface {
                provider: Provider::Stripe,
                signal: 0,
            },
        );
        assert!(e.parts.iter().all(|p| matches!(p, Cow::Borrowed(_))));
    }

    #[test]
    fn rejects_unknown_provider_and_surface_but_not_unknown_values() {
        let prov = col(&["alma", "acme", "", "ALMA", "alma"]);
        let surf = col(&[
            "payment.state",
            "payment.state",
            "payment.state",
            "payment.state",
            "alma.psp_status",
        ]);
        let raw = col(&["zzz", "paid", "paid", "paid", "paid"]);
        let b = Batch {
            provider: Given::Column(&prov[..]),
            signals: vec![Signal {
                surface: Given::Column(&surf[..]),
                raw: &raw[..],
                only: None,
            }],
            empty_is_absent: false,
        };
        let mut out = Vec::new();
        classify_columns(&b, &mut Names::default(), &mut out);
        assert!(
            matches!(out[0], Outcome::Classified(v) if v.matched == Matched::Unmapped && v.code == Code::Unmapped)
        );
        assert_eq!(out[1], Outcome::Rejected(Reason::UnknownProvider));
        assert_eq!(out[2], Outcome::Rejected(Reason::MissingProvider));
        assert!(matches!(out[3], Outcome::Classified(v) if v.state == State::Success));
        assert_eq!(
            out[4],
            Outcome::Rejected(Reason::UnknownSurface {
                provider: Provider::Alma,
                signal: 0
            })
        );
        assert_eq!(
            b.explain(
                4,
                Reason::UnknownSurface {
                    provider: Provider::Alma,
                    signal: 0
                }
            ),
            "unknown surface `alma.psp_status` for provider alma"
        );
    }

    #[test]
    fn several_signals_follow_the_providers_precedence() {
        // Both signals on the same row: the kernel must agree with `resolve`.
        let a = col(&["paid", "", "zzz"]);
        let b = col(&["", "", ""]);
        let batch = Batch {
            provider: Given::Fixed(Provider::Alma),
            signals: vec![
                Signal {
                    surface: Given::Fixed(Surface::PaymentState),
                    raw: &a[..],
                    only: None,
                },
                Signal {
                    surface: Given::Fixed(Surface::ErrorCode),
                    raw: &b[..],
                    only: None,
                },
            ],
            empty_is_absent: true,
        };
        let mut out = Vec::new();
        classify_columns(&batch, &mut Names::default(), &mut out);
        let Outcome::Classified(v) = out[0] else {
            panic!("{:?}", out[0])
        };
        assert_eq!((v.state, v.signal), (State::Success, Some(0)));
        assert_eq!(out[1], Outcome::Rejected(Reason::NoSignal));
    }

    #[test]
    fn a_signal_applies_to_its_provider_and_to_providers_having_its_surface() {
        let prov = col(&["stripe", "alma", "checkout", "purse"]);
        let status = col(&["succeeded", "paid", "", "x"]);
        let decline = col(&["do_not_honor", "", "", ""]);
        let b = Batch {
            provider: Given::Column(&prov[..]),
            signals: vec![
                Signal {
                    surface: Given::Fixed(Surface::PaymentIntentStatus),
                    raw: &status[..],
                    only: Some(Provider::Stripe),
                },
                Signal {
                    surface: Given::Fixed(Surface::PaymentState),
                    raw: &status[..],
                    only: None,
                },
                Signal {
                    surface: Given::Fixed(Surface::DeclineCode),
                    raw: &decline[..],
                    only: None,
                },
                Signal {
                    surface: Given::Fixed(Surface::PaymentStatus),
                    raw: &status[..],
                    only: Some(Provider::Checkout),
                },
            ],
            empty_is_absent: true,
        };
        let mut out = Vec::new();
        classify_columns(&b, &mut Names::default(), &mut out);
        let stripe = crate::resolve(&[
            (crate::stripe::PAYMENT_INTENT_STATUS, "succeeded"),
            (crate::stripe::DECLINE_CODE, "do_not_honor"),
        ]);
        assert!(
            matches!(out[0], Outcome::Classified(v) if (v.state, v.code) == (stripe.state, stripe.code))
        );
        assert!(
            matches!(out[1], Outcome::Classified(v) if v.state == State::Success && v.signal == Some(1))
        );
        assert_eq!(out[2], Outcome::Rejected(Reason::NoSignal));
        assert_eq!(
            out[3],
            Outcome::Rejected(Reason::NoSignalFor(Provider::Purse))
        );
    }

    #[test]
    fn names_cache_is_bounded() {
        let mut n = Names::default();
        for i in 0..1000 {
            assert_eq!(n.provider(format!("p{i}").as_bytes()), None);
        }
        assert!(n.providers.len() <= NAME_CACHE);
        assert_eq!(n.provider(b"purse"), Some(Provider::Purse));
        for i in 0..1000 {
            assert_eq!(n.surface(Provider::Alma, format!("s{i}").as_bytes()), None);
        }
        assert!(n.surfaces.len() <= NAME_CACHE);
    }

    /// The cached answer is the parsed one, for every provider and surface name, whether the
    /// name was cached (first pass) or the cache was full of junk (second pass).
    #[test]
    fn a_cached_surface_is_the_parsed_surface_for_every_provider() {
        use strum::IntoEnumIterator;
        let mut names: Vec<String> = Provider::iter()
            .flat_map(|p| p.fields().iter().map(|f| f.name().to_string()))
            .collect();
        names.extend(["no.such.surface".to_string(), "PAYMENT.STATE".to_string()]);
        let mut n = Names::default();
        for pass in 0..3 {
            if pass == 2 {
                n = Names::default();
                for i in 0..NAME_CACHE {
                    n.surface(Provider::Alma, format!("junk{i}").as_bytes());
                }
            }
            for name in &names {
                for p in Provider::iter() {
                    let want = name
                        .parse::<Surface>()
                        .ok()
                        .filter(|s| crate::Field::new(p, *s).is_ok());
                    assert_eq!(
                        n.surface(p, name.as_bytes()),
                        want,
                        "{p} {name} pass {pass}"
                    );
                }
            }
        }
    }
}
