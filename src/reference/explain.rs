//! The answer for one value, for a support agent: meaning, normalized state and code, retry
//! advice, what to tell the customer, what to do, and the source.

use crate::{
    classify, Classification, ClassificationOf, EntryOf, Field, Lang, Matched, MatcherOf, Provider,
    Tables,
};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;

/// One value explained: a [`Classification`] and the language of the shopper message.
///
/// Its `Display` is the text `psp-status explain` prints; it serializes to the JSON of
/// `psp-status explain --json`.
///
/// ```
/// use psp_status::{alma, reference::Explanation, Lang, State};
///
/// let x = Explanation::of(alma::PAYMENT_STATE, "scored_maybe", Lang::En);
/// assert!(x.in_tables());
/// assert_eq!(x.classification().state, State::Waiting);
/// assert!(x.to_string().contains("WAITING_PARTNER_RESPONSE"));
///
/// let u = Explanation::of(alma::PAYMENT_STATE, "brand_new", Lang::Fr);
/// assert!(!u.in_tables());
/// assert!(u.to_string().contains("not in the tables"));
/// ```
pub type Explanation<'a> = ExplanationOf<'a, 'static>;

/// One value explained from a set of [`Tables`] that lives for `'t` (see [`Explanation`] for
/// the compiled tables).
///
/// ```
/// use psp_status::{alma, reference::explain::ExplanationOf, Lang, Tables};
/// let t = Tables::compiled();
/// let x = ExplanationOf::in_tables_of(t, t.classify(alma::PAYMENT_STATE, "paid"), Lang::En);
/// assert!(x.to_string().contains(t.version()));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ExplanationOf<'a, 't> {
    classification: ClassificationOf<'a, 't>,
    lang: Lang,
    version: &'t str,
}

impl<'a, 't> ExplanationOf<'a, 't> {
    /// Explains a classification made in `tables` (their version is named).
    ///
    /// ```
    /// use psp_status::{alma, reference::explain::ExplanationOf, Lang, Tables};
    /// let t = Tables::compiled();
    /// assert!(ExplanationOf::in_tables_of(t, t.classify(alma::PAYMENT_STATE, "paid"), Lang::Fr).in_tables());
    /// ```
    pub fn in_tables_of(
        tables: &'t Tables,
        classification: ClassificationOf<'a, 't>,
        lang: Lang,
    ) -> Self {
        ExplanationOf {
            classification,
            lang,
            version: tables.version(),
        }
    }
}

impl<'a> Explanation<'a> {
    /// Explains `raw` as received in `field`.
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, Lang};
    /// let x = Explanation::of(alma::PAYMENT_STATE, "paid", Lang::En);
    /// assert_eq!(x.shopper_message(), psp_status::Code::Succeeded.shopper_message(Lang::En));
    /// ```
    pub fn of(field: impl Into<Field>, raw: &'a str, lang: Lang) -> Self {
        Self::new(classify(field, raw), lang)
    }

    /// Explains an existing classification (e.g. the winner of `resolve`).
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, resolve, Lang};
    /// let c = resolve(&[(alma::PAYMENT_STATE, "paid")]);
    /// assert!(Explanation::new(c, Lang::En).in_tables());
    /// ```
    pub fn new(classification: Classification<'a>, lang: Lang) -> Self {
        ExplanationOf::in_tables_of(Tables::compiled(), classification, lang)
    }
}

impl<'a, 't> ExplanationOf<'a, 't> {
    /// The classification explained.
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, Lang};
    /// let x = Explanation::of(alma::PAYMENT_STATE, "paid", Lang::En);
    /// assert_eq!(x.classification().raw, b"paid");
    /// ```
    pub fn classification(&self) -> &ClassificationOf<'a, 't> {
        &self.classification
    }

    /// Whether the tables hold an entry, a rule or a default for the value.
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, Lang};
    /// assert!(!Explanation::of(alma::PAYMENT_STATE, "??", Lang::En).in_tables());
    /// ```
    pub fn in_tables(&self) -> bool {
        self.classification.matched != Matched::Unmapped
    }

    /// The message safe to show the shopper, in the chosen language.
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, Code, Lang};
    /// let x = Explanation::of(alma::PAYMENT_STATE, "??", Lang::Fr);
    /// assert_eq!(x.shopper_message(), Code::Unmapped.shopper_message(Lang::Fr));
    /// ```
    pub fn shopper_message(&self) -> &'t str {
        self.classification.shopper_message(self.lang)
    }

    /// What the support agent should do.
    ///
    /// ```
    /// use psp_status::{alma, reference::Explanation, Code, Lang};
    /// let x = Explanation::of(alma::PAYMENT_STATE, "??", Lang::En);
    /// assert_eq!(x.agent_action(), Code::Unmapped.agent_action());
    /// ```
    pub fn agent_action(&self) -> &'t str {
        self.classification.agent_action()
    }

    /// How the value matched, in words (`exact entry`, `rule validation_error_*`, ...).
    fn how(&self) -> String {
        let c = &self.classification;
        match (c.matched, c.entry()) {
            (Matched::Exact, _) => "exact entry".to_string(),
            (Matched::Rule, Some(e)) => format!("rule {}", e.pattern()),
            (Matched::Default, _) => "the surface's default (no exact entry or rule)".to_string(),
            _ => "nothing (unmapped)".to_string(),
        }
    }
}

impl fmt::Display for ExplanationOf<'_, '_> {
    /// The text of `psp-status explain`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.classification;
        let version = self.version;
        let (p, s): (&str, &str) = (c.provider.into(), c.surface.into());
        let raw = c.raw_lossy();
        writeln!(f, "{} {s} {raw:?}   (tables {version})", c.provider.name())?;
        writeln!(f)?;
        if self.in_tables() {
            writeln!(f, "What it means")?;
            writeln!(f, "  {}", c.description())?;
            writeln!(f, "Normalized")?;
            let op = c
                .operation
                .map_or("(unknown)".to_string(), |o| o.to_string());
            writeln!(
                f,
                "  {} / {}, operation {op}, matched by {}",
                c.state,
                c.code,
                self.how()
            )?;
            writeln!(f, "  {}: {}", c.state, c.state.description())?;
            writeln!(f, "  {}: {}", c.code, c.code.description())?;
            writeln!(f, "What the payment service will do")?;
            writeln!(f, "  {}", c.retry().explain())?;
        } else {
            writeln!(f, "Not in the tables")?;
            writeln!(
                f,
                "  {raw:?} is not in the tables for {p} {s} (table version {version}): no entry, rule or default matches it."
            )?;
            writeln!(f, "What the engine does")?;
            writeln!(
                f,
                "  It answers {} / {}. {}",
                c.state,
                c.code,
                c.retry().explain()
            )?;
        }
        writeln!(f, "Tell the customer ({})", self.lang)?;
        writeln!(f, "  {}", self.shopper_message())?;
        writeln!(f, "What you should do")?;
        writeln!(f, "  {}", self.agent_action())?;
        match c.entry() {
            Some(e) => {
                writeln!(f, "Source")?;
                writeln!(f, "  {}", e.source)?;
                writeln!(f, "Reference")?;
                writeln!(f, "  docs/reference.html#{}", e.anchor())?;
            }
            None => {
                writeln!(f, "Reference")?;
                writeln!(f, "  docs/reference.html#{p}/{s}")?;
            }
        }
        Ok(())
    }
}

impl Serialize for ExplanationOf<'_, '_> {
    /// The JSON of `psp-status explain --json`.
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let c = &self.classification;
        let mut st = ser.serialize_struct("Explanation", 20)?;
        st.serialize_field("provider", &c.provider)?;
        st.serialize_field("surface", &c.surface)?;
        st.serialize_field("raw", &c.raw_lossy())?;
        st.serialize_field("in_tables", &self.in_tables())?;
        st.serialize_field("matched", &c.matched)?;
        let rule = c
            .entry()
            .filter(|_| matches!(c.matched, Matched::Rule | Matched::Default));
        st.serialize_field("rule", &rule.map(|e| e.pattern()))?;
        st.serialize_field("meaning", c.description())?;
        st.serialize_field("state", &c.state)?;
        st.serialize_field("state_description", c.state.description())?;
        st.serialize_field("code", &c.code)?;
        st.serialize_field("code_description", c.code.description())?;
        st.serialize_field("operation", &c.operation)?;
        st.serialize_field("retry", &c.retry())?;
        st.serialize_field("retry_advice", c.retry().explain())?;
        st.serialize_field("lang", &self.lang)?;
        st.serialize_field("shopper_message", self.shopper_message())?;
        st.serialize_field("agent_action", self.agent_action())?;
        st.serialize_field("source", &c.source())?;
        st.serialize_field("anchor", &c.entry().map(|e| e.anchor()))?;
        st.serialize_field("table_version", self.version)?;
        st.end()
    }
}

/// Every surface that knows `raw` (an exact entry or a rule matches it; a surface default does
/// not count, it matches anything), for one provider or all of them, in file order.
///
/// ```
/// use psp_status::{reference::explain::knowing, Provider, State};
/// let found = knowing(Some(Provider::Alma), "scored_no");
/// assert!(found.iter().all(|c| c.provider == Provider::Alma && c.state == State::Error));
/// assert!(!knowing(None, "do_not_honor").is_empty());
/// assert!(knowing(None, "no such value anywhere").is_empty());
/// ```
pub fn knowing(provider: Option<Provider>, raw: &str) -> Vec<Classification<'_>> {
    knowing_in(Tables::compiled(), provider, raw)
}

/// [`knowing`] in a given set of tables.
///
/// ```
/// use psp_status::{reference::explain::knowing_in, Tables};
/// assert!(!knowing_in(Tables::compiled(), None, "do_not_honor").is_empty());
/// ```
pub fn knowing_in<'a, 't>(
    tables: &'t Tables,
    provider: Option<Provider>,
    raw: &'a str,
) -> Vec<ClassificationOf<'a, 't>> {
    use strum::IntoEnumIterator;
    Provider::iter()
        .filter(|p| provider.is_none_or(|q| q == *p))
        .flat_map(|p| p.fields().iter().copied())
        .map(|f| tables.classify(f, raw))
        .filter(|c| matches!(c.matched, Matched::Exact | Matched::Rule))
        .collect()
}

/// Entries a value that is not in the tables was probably meant to be: the same value once
/// surrounding whitespace is dropped, or in another ASCII case. Restricted to `field`, else to
/// `provider`, else everywhere; exact entries only.
///
/// ```
/// use psp_status::reference::explain::did_you_mean;
/// let near = did_you_mean(None, None, "do_not_honor ");
/// assert!(near.iter().any(|e| e.anchor() == "stripe/decline_code/do_not_honor"));
/// assert!(did_you_mean(None, None, "do_not_honor").is_empty(), "an exact value is no near miss");
/// ```
pub fn did_you_mean(
    provider: Option<Provider>,
    field: Option<Field>,
    raw: &str,
) -> Vec<&'static crate::Entry> {
    did_you_mean_in(Tables::compiled(), provider, field, raw)
}

/// [`did_you_mean`] in a given set of tables.
///
/// ```
/// use psp_status::{reference::explain::did_you_mean_in, Tables};
/// assert!(!did_you_mean_in(Tables::compiled(), None, None, "DO_NOT_HONOR").is_empty());
/// ```
pub fn did_you_mean_in<'t>(
    tables: &'t Tables,
    provider: Option<Provider>,
    field: Option<Field>,
    raw: &str,
) -> Vec<&'t EntryOf<'t>> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    tables
        .entries()
        .filter(|e| field.is_none_or(|f| e.field() == f))
        .filter(|e| provider.is_none_or(|p| e.provider == p))
        .filter(|e| match e.matcher {
            MatcherOf::Exact(k) => k != raw && k.eq_ignore_ascii_case(trimmed),
            _ => false,
        })
        // A value the surface itself already matches (case-insensitive surfaces) is no miss.
        .filter(|e| tables.classify(e.field(), raw).entry() != Some(*e))
        .collect()
}
