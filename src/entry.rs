//! One row of the tables: how it matches, what it means and where it comes from.

use crate::generated::{ANCHORS, SURFACE_TABLES};
use crate::{Code, Matched, Operation, Provider, State, Surface};

/// The kinds a [`crate::Classification`] takes from an entry, in the order of its fields
/// (both `repr(C)`), so that the hot path copies them as one word instead of six bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub(crate) struct Head {
    pub(crate) provider: Provider,
    pub(crate) surface: Surface,
    pub(crate) state: State,
    pub(crate) code: Code,
    pub(crate) operation: Option<Operation>,
    /// `Exact` for an exact entry, `Rule` for a rule, `Default` for a default.
    pub(crate) matched: Matched,
}

/// How an [`Entry`] matches a raw value.
///
/// ```
/// use psp_status::{alma, classify, Matcher};
/// let c = classify(alma::PAYMENT_STATE, "scored_maybe");
/// assert_eq!(c.entry().unwrap().matcher, Matcher::Exact("scored_maybe"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatcherOf<'t> {
    /// This exact value (ASCII case folded on `ascii_insensitive` surfaces).
    Exact(&'t str),
    /// Any value starting with this prefix.
    Prefix(&'t str),
    /// Any value made only of ASCII digits whose number is in `from..=to`.
    Range(u64, u64),
    /// Anything else on the surface.
    Default,
}

/// How an [`Entry`] of the compiled tables matches (see [`MatcherOf`]).
pub type Matcher = MatcherOf<'static>;

/// An entry of the compiled tables: `'static` data compiled into the crate;
/// [`crate::entries`] walks them all. Tables loaded at run time ([`crate::Tables`], feature
/// `runtime-tables`) hand out [`EntryOf`] borrowed from the loaded tables.
///
/// ```
/// let e: &'static psp_status::Entry = psp_status::entries().next().unwrap();
/// assert!(!e.description.is_empty());
/// ```
pub type Entry = EntryOf<'static>;

/// A row of mappings/: an exact value, a rule or a surface default, with its outcome; its
/// text lives as long as `'t` (`'static` for the compiled tables, see [`Entry`]).
///
/// ```
/// let e = psp_status::entries().next().unwrap();
/// assert!(e.source.starts_with("http"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EntryOf<'t> {
    /// The provider whose file holds it.
    pub provider: Provider,
    /// The surface the value arrives in (see [`Entry::field`]).
    pub surface: Surface,
    /// How it matches.
    pub matcher: MatcherOf<'t>,
    /// The state it puts the payment in.
    pub state: State,
    /// Why.
    pub code: Code,
    /// The operation it reports on.
    pub operation: Operation,
    /// What it means, in our own words.
    pub description: &'t str,
    /// The public page it rests on.
    pub source: &'t str,
    /// Its line in `mappings/<provider>.yaml`.
    pub line: u32,
    /// See [`Entry::anchor`].
    pub(crate) anchor: &'t str,
    /// Shopper messages (en, fr): the entry's own, else its code's in its state, else its
    /// code's (resolved at build time).
    pub(crate) shopper: [&'t str; 2],
    /// What a support agent should do, resolved like `shopper`.
    pub(crate) agent: &'t str,
    /// The same kinds as above, as a classification holds them (generated with them).
    pub(crate) head: Head,
}

impl<'t> EntryOf<'t> {
    /// The stable anchor of the entry in the reference: `provider/surface/raw`, with the raw
    /// value percent-encoded outside `A-Z a-z 0-9 - . _ ~` (`provider/surface/prefix:P`,
    /// `range:A-B` or `:default` for rules), so it is a valid HTML id and URL fragment as is.
    ///
    /// ```
    /// use psp_status::{alma, checkout, classify};
    /// let e = classify(alma::PAYMENT_STATE, "paid").entry().unwrap();
    /// assert_eq!(e.anchor(), "alma/payment.state/paid");
    /// let e = classify(checkout::PAYMENT_STATUS, "Card Verified").entry().unwrap();
    /// assert_eq!(e.anchor(), "checkout/payment.status/Card%20Verified");
    /// ```
    pub fn anchor(&self) -> &'t str {
        self.anchor
    }

    /// The field the value arrives in.
    ///
    /// ```
    /// let e = psp_status::Entry::by_anchor("alma/payment.state/scored_no").unwrap();
    /// assert_eq!(e.field(), psp_status::alma::PAYMENT_STATE);
    /// ```
    pub fn field(&self) -> crate::Field {
        crate::Field {
            provider: self.provider,
            surface: self.surface,
        }
    }

    /// The message safe to show the shopper for this entry: the entry's own where it knows
    /// better than its code, else what the taxonomy says for its code in its state.
    ///
    /// ```
    /// use psp_status::{Entry, Lang};
    /// let e = Entry::by_anchor("alma/payment.state/scored_no").unwrap();
    /// assert!(!e.shopper_message(Lang::Fr).is_empty());
    /// ```
    pub fn shopper_message(&self, lang: crate::Lang) -> &'t str {
        match lang {
            crate::Lang::En => self.shopper[0],
            crate::Lang::Fr => self.shopper[1],
        }
    }

    /// What a support agent should do for this entry (resolved like
    /// [`Entry::shopper_message`]).
    ///
    /// ```
    /// let e = psp_status::Entry::by_anchor("alma/payment.state/scored_no").unwrap();
    /// assert!(!e.agent_action().is_empty());
    /// ```
    pub fn agent_action(&self) -> &'t str {
        self.agent
    }

    /// The retry advice for this entry's code in its state.
    ///
    /// ```
    /// use psp_status::{Entry, Retry};
    /// let e = Entry::by_anchor("alma/payment.state/scored_no").unwrap();
    /// assert_eq!(e.retry(), Retry::Never);
    /// ```
    pub fn retry(&self) -> crate::Retry {
        self.code.retry(self.state)
    }

    /// The raw value for exact entries, a readable pattern for rules.
    ///
    /// ```
    /// use psp_status::{alma, classify};
    /// let e = classify(alma::PAYMENT_STATE, "paid").entry().unwrap();
    /// assert_eq!(e.pattern(), "paid");
    /// ```
    pub fn pattern(&self) -> String {
        match self.matcher {
            MatcherOf::Exact(r) => r.to_string(),
            MatcherOf::Prefix(p) => format!("{p}*"),
            MatcherOf::Range(a, b) => format!("{a}..={b}"),
            MatcherOf::Default => "(any other non-empty value)".to_string(),
        }
    }
}

impl Entry {
    /// Finds an entry by its anchor (a phf map built at compile time).
    ///
    /// ```
    /// let e = psp_status::Entry::by_anchor("alma/payment.state/scored_no").unwrap();
    /// assert_eq!(e.state, psp_status::State::Error);
    /// assert!(psp_status::Entry::by_anchor("alma/payment.state/nope").is_none());
    /// ```
    pub fn by_anchor(anchor: &str) -> Option<&'static Entry> {
        let packed = *ANCHORS.get(anchor)?;
        let table = SURFACE_TABLES.get((packed >> 16) as usize)?;
        table.all().nth((packed & 0xffff) as usize)
    }
}
