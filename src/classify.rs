//! The hot path: `classify` one value, `resolve` several signals of one response.
//!
//! No allocation, no I/O, no panic, whatever the bytes: an unknown provider/surface pair or an
//! unknown value comes back as the explicit unmapped result (UNCERTAIN / UNMAPPED) that keeps
//! the raw value.

use crate::entry::Entry;
use crate::generated::{PROVIDER_INFO, SURFACE_INDEX, SURFACE_TABLES};
use crate::table::SurfaceTable;
use crate::{Code, Operation, Provider, Retry, State, Surface, TABLE_VERSION};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::borrow::Cow;

/// How a value was matched.
///
/// ```
/// use psp_status::{classify, Matched, Provider, Surface};
/// assert_eq!(classify(Provider::Alma, Surface::Payment_State, "paid").matched, Matched::Exact);
/// assert_eq!(classify(Provider::Alma, Surface::Payment_State, "??").matched, Matched::Unmapped);
/// ```
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    serde::Serialize,
    serde::Deserialize,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// An exact entry.
    Exact,
    /// A prefix or range rule.
    Rule,
    /// The surface's declared default.
    Default,
    /// Nothing matched: UNCERTAIN / UNMAPPED, raw value kept.
    Unmapped,
}

/// The answer for one value: state, code, operation, how it matched, the raw value and the
/// entry it came from.
///
/// ```
/// use psp_status::{classify, Code, Provider, State, Surface};
/// let c = classify(Provider::Alma, Surface::Payment_State, "scored_maybe");
/// assert_eq!((c.state, c.code), (State::Waiting, Code::WaitingPartnerResponse));
/// assert_eq!(c.raw, b"scored_maybe");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification<'a> {
    /// The provider asked about.
    pub provider: Provider,
    /// The surface the value arrived in.
    pub surface: Surface,
    /// The value as received, byte for byte.
    pub raw: &'a [u8],
    /// What to do next.
    pub state: State,
    /// Why.
    pub code: Code,
    /// The operation it reports on, when the tables know it.
    pub operation: Option<Operation>,
    /// How it matched.
    pub matched: Matched,
    entry: Option<&'static Entry>,
}

impl<'a> Classification<'a> {
    fn from_entry(raw: &'a [u8], entry: &'static Entry, matched: Matched) -> Self {
        Classification {
            provider: entry.provider,
            surface: entry.surface,
            raw,
            state: entry.state,
            code: entry.code,
            operation: Some(entry.operation),
            matched,
            entry: Some(entry),
        }
    }

    /// The explicit fallback: UNCERTAIN / UNMAPPED, keeping the raw value.
    ///
    /// ```
    /// use psp_status::{Classification, Code, Provider, State, Surface};
    /// let c = Classification::unmapped(Provider::Alma, Surface::Payment_State, b"x");
    /// assert_eq!((c.state, c.code), (State::Uncertain, Code::Unmapped));
    /// ```
    pub fn unmapped(provider: Provider, surface: Surface, raw: &'a [u8]) -> Self {
        Classification {
            provider,
            surface,
            raw,
            state: State::Uncertain,
            code: Code::Unmapped,
            operation: surface_table(provider, surface).and_then(|t| t.operation),
            matched: Matched::Unmapped,
            entry: None,
        }
    }

    /// The table entry behind the answer (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{classify, Provider, Surface};
    /// let c = classify(Provider::Alma, Surface::Payment_State, "paid");
    /// assert!(c.entry().unwrap().source.starts_with("https://"));
    /// ```
    pub fn entry(&self) -> Option<&'static Entry> {
        self.entry
    }

    /// What the value means: the entry's description, or the UNMAPPED code's.
    ///
    /// ```
    /// use psp_status::{classify, Provider, Surface};
    /// assert!(!classify(Provider::Alma, Surface::Payment_State, "zzz").description().is_empty());
    /// ```
    pub fn description(&self) -> &'static str {
        self.entry
            .map_or(self.code.description(), |e| e.description)
    }

    /// The public source the entry rests on (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{classify, Provider, Surface};
    /// assert!(classify(Provider::Alma, Surface::Payment_State, "zzz").source().is_none());
    /// ```
    pub fn source(&self) -> Option<&'static str> {
        self.entry.map(|e| e.source)
    }

    /// Retry advice for this state and code.
    ///
    /// ```
    /// use psp_status::{classify, Provider, Retry, Surface};
    /// assert_eq!(classify(Provider::Alma, Surface::Payment_State, "zzz").retry(), Retry::AfterVerifying);
    /// ```
    pub fn retry(&self) -> Retry {
        self.code.retry(self.state)
    }

    /// The raw value as text, when it is UTF-8.
    ///
    /// ```
    /// use psp_status::{classify_bytes, Provider, Surface};
    /// assert_eq!(classify_bytes(Provider::Alma, Surface::Payment_State, b"\xff").raw_str(), None);
    /// ```
    pub fn raw_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.raw).ok()
    }

    /// The raw value as text, invalid UTF-8 replaced by U+FFFD (allocates only then).
    ///
    /// ```
    /// use psp_status::{classify_bytes, Provider, Surface};
    /// assert_eq!(classify_bytes(Provider::Alma, Surface::Payment_State, b"a\xff").raw_lossy(), "a\u{fffd}");
    /// ```
    pub fn raw_lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.raw)
    }
}

impl Serialize for Classification<'_> {
    /// The JSON shape of the CLI and the batch outputs.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Classification", 12)?;
        st.serialize_field("provider", &self.provider)?;
        st.serialize_field("surface", &self.surface)?;
        st.serialize_field("raw", &self.raw_lossy())?;
        st.serialize_field("state", &self.state)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("operation", &self.operation)?;
        st.serialize_field("matched", &self.matched)?;
        st.serialize_field("retry", &self.retry())?;
        st.serialize_field("description", self.description())?;
        st.serialize_field("source", &self.source())?;
        st.serialize_field("anchor", &self.entry.map(|e| e.anchor()))?;
        st.serialize_field("table_version", TABLE_VERSION)?;
        st.end()
    }
}

#[inline]
pub(crate) fn surface_table(provider: Provider, surface: Surface) -> Option<&'static SurfaceTable> {
    let i = SURFACE_INDEX[provider as usize][surface as usize];
    SURFACE_TABLES.get(i as usize)
}

/// Classifies one value.
///
/// ```
/// use psp_status::{classify, Code, Provider, State, Surface};
/// let c = classify(Provider::Alma, Surface::Payment_State, "scored_no");
/// assert_eq!(c.state, State::Error);
/// ```
#[inline]
pub fn classify(provider: Provider, surface: Surface, raw: &str) -> Classification<'_> {
    classify_bytes(provider, surface, raw.as_bytes())
}

/// Classifies one value given as bytes (no UTF-8 validation: any bytes are fine).
///
/// ```
/// use psp_status::{classify_bytes, Matched, Provider, Surface};
/// assert_eq!(classify_bytes(Provider::Alma, Surface::Payment_State, b"\xc3\x28").matched, Matched::Unmapped);
/// ```
#[inline]
pub fn classify_bytes(provider: Provider, surface: Surface, raw: &[u8]) -> Classification<'_> {
    let Some(table) = surface_table(provider, surface) else {
        return Classification::unmapped(provider, surface, raw);
    };
    if let Some(e) = table.exact(raw) {
        return Classification::from_entry(raw, e, Matched::Exact);
    }
    if let Some(e) = table.rule(raw) {
        return Classification::from_entry(raw, e, Matched::Rule);
    }
    match table.default {
        Some(e) => Classification::from_entry(raw, e, Matched::Default),
        None => Classification::unmapped(provider, surface, raw),
    }
}

/// Resolves several signals of one response (e.g. a status and a decline code) into one answer.
///
/// The provider's precedence (most specific surface first) picks the first signal that matched
/// an exact entry or a rule; failing that, the first that fell to a surface default; failing
/// that, the most specific unmapped one. With no signals at all the answer is unmapped on the
/// provider's most specific surface with an empty raw value.
///
/// ```
/// use psp_status::{resolve, Code, Provider, State, Surface};
/// let c = resolve(Provider::Alma, &[(Surface::Payment_State, "paid")]);
/// assert_eq!(c.state, State::Success);
/// ```
pub fn resolve<'a>(provider: Provider, signals: &[(Surface, &'a str)]) -> Classification<'a> {
    let mut best: Option<(u32, Classification<'a>)> = None;
    for &(surface, raw) in signals {
        consider(&mut best, provider, classify(provider, surface, raw));
    }
    finish(provider, best)
}

/// [`resolve`] over byte values.
///
/// ```
/// use psp_status::{resolve_bytes, Provider, State, Surface};
/// let c = resolve_bytes(Provider::Alma, &[(Surface::Payment_State, b"paid".as_slice())]);
/// assert_eq!(c.state, State::Success);
/// ```
pub fn resolve_bytes<'a>(
    provider: Provider,
    signals: &[(Surface, &'a [u8])],
) -> Classification<'a> {
    let mut best: Option<(u32, Classification<'a>)> = None;
    for &(surface, raw) in signals {
        consider(&mut best, provider, classify_bytes(provider, surface, raw));
    }
    finish(provider, best)
}

/// Keeps the better of `best` and `c`: lower (match class, precedence rank) wins; ties keep
/// the earlier signal.
#[inline]
fn consider<'a>(
    best: &mut Option<(u32, Classification<'a>)>,
    provider: Provider,
    c: Classification<'a>,
) {
    let class = match c.matched {
        Matched::Exact | Matched::Rule => 0,
        Matched::Default => 1,
        Matched::Unmapped => 2,
    };
    let precedence = PROVIDER_INFO[provider as usize].precedence;
    let rank = precedence
        .iter()
        .position(|s| *s == c.surface)
        .unwrap_or(precedence.len()) as u32;
    let key = (class << 16) | rank;
    if best.as_ref().is_none_or(|(k, _)| key < *k) {
        *best = Some((key, c));
    }
}

fn finish(provider: Provider, best: Option<(u32, Classification<'_>)>) -> Classification<'_> {
    match best {
        Some((_, c)) => c,
        None => {
            let surface = PROVIDER_INFO[provider as usize].first;
            Classification::unmapped(provider, surface, b"")
        }
    }
}
