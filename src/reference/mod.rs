//! The support reference: every entry of the compiled tables and the whole taxonomy, as one
//! model ([`Reference`]) rendered to Markdown ([`markdown`]), a self-contained HTML page
//! ([`html`]) or JSON (`json`, with the `cli` feature), plus the answer for one value
//! ([`Explanation`]).
//!
//! Everything here is read from the library's compiled data ([`crate::entries`],
//! [`Provider`], [`Code`], [`State`]), never from the YAML files, so the reference is exactly
//! what the engine runs on. The output is deterministic: the only date in it is the table
//! version.
//!
//! ```
//! use psp_status::reference::{markdown, Reference};
//! use psp_status::Lang;
//!
//! let r = Reference::current();
//! assert_eq!(r.entry_count(), psp_status::entries().count());
//! let md = markdown::render(&r, Lang::En);
//! assert!(md.contains(r#"<a id="alma/payment.state/scored_maybe"></a>"#));
//! ```

pub mod explain;
pub mod html;
#[cfg(feature = "cli")]
pub mod json;
pub mod markdown;

pub use explain::Explanation;

use crate::{
    Code, Entry, Lang, Matcher, Operation, Provider, Retry, State, Surface, TABLE_DIGEST,
    TABLE_VERSION,
};
use serde::Serialize;
use strum::IntoEnumIterator;

/// The command that regenerates the committed Markdown reference.
///
/// ```
/// assert!(psp_status::reference::MARKDOWN_COMMAND.contains("docs/reference.md"));
/// ```
pub const MARKDOWN_COMMAND: &str = "cargo run -- reference --format markdown -o docs/reference.md";

/// The command that regenerates the committed HTML reference.
///
/// ```
/// assert!(psp_status::reference::HTML_COMMAND.contains("docs/reference.html"));
/// ```
pub const HTML_COMMAND: &str = "cargo run -- reference --format html -o docs/reference.html";

/// The whole reference: table version, providers with their surfaces and entries, taxonomy.
///
/// ```
/// let r = psp_status::reference::Reference::current();
/// assert_eq!(r.table_version, psp_status::TABLE_VERSION);
/// assert!(!r.providers.is_empty());
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    /// The tables' version (a date, `year.month.day[.n]`).
    pub table_version: &'static str,
    /// The SHA-256 digest of the tables' content.
    pub table_digest: &'static str,
    /// One section per provider, in the order of [`Provider`].
    pub providers: Vec<ProviderSection>,
    /// States, codes, operations and retry advice.
    pub taxonomy: Taxonomy,
}

/// One provider: its file, its precedence and its surfaces in file order.
///
/// ```
/// let r = psp_status::reference::Reference::current();
/// assert_eq!(r.providers[0].name, psp_status::Provider::Alma.name());
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct ProviderSection {
    /// The provider.
    pub provider: Provider,
    /// Its display name.
    pub name: &'static str,
    /// The file its table comes from.
    pub file: &'static str,
    /// Its surfaces, most specific first (the order `resolve` uses).
    pub precedence: Vec<Surface>,
    /// Its surfaces in file order.
    pub surfaces: Vec<SurfaceSection>,
}

/// One surface of one provider and its entries (exact values, rules, default).
///
/// ```
/// let r = psp_status::reference::Reference::current();
/// let s = &r.providers[0].surfaces[0];
/// assert_eq!(s.anchor, format!("{}/{}", <&str>::from(s.provider), <&str>::from(s.surface)));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct SurfaceSection {
    /// The provider it belongs to.
    pub provider: Provider,
    /// The field the values arrive in.
    pub surface: Surface,
    /// Its anchor in the reference (`provider/surface`).
    pub anchor: String,
    /// What the field is.
    pub description: &'static str,
    /// Whether values match ASCII case-insensitively.
    pub case_insensitive: bool,
    /// What the surface's completeness was checked against (URLs); empty when not stated.
    pub checked_against: &'static [&'static str],
    /// Its entries in file order.
    pub entries: Vec<EntryView>,
}

/// How an entry matches, for people and tools.
///
/// ```
/// use psp_status::reference::MatchKind;
/// assert_eq!(serde_json::to_string(&MatchKind::Prefix).unwrap(), r#""prefix""#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MatchKind {
    /// One exact value.
    Exact,
    /// Any value starting with a prefix.
    Prefix,
    /// Any all-digit value within a numeric range.
    Range,
    /// Anything else on the surface.
    Default,
}

/// One entry with everything a support agent needs: what it means, the normalized state and
/// code, the retry advice, the shopper messages and the agent action.
///
/// ```
/// use psp_status::reference::EntryView;
/// let e = psp_status::Entry::by_anchor("alma/payment.state/paid").unwrap();
/// let v = EntryView::new(e);
/// assert_eq!(v.anchor, "alma/payment.state/paid");
/// assert_eq!(v.raw, Some("paid"));
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    /// The stable anchor ([`Entry::anchor`]).
    pub anchor: String,
    /// The provider.
    pub provider: Provider,
    /// The surface.
    pub surface: Surface,
    /// How it matches.
    pub kind: MatchKind,
    /// The exact raw value (`None` for rules and defaults).
    pub raw: Option<&'static str>,
    /// The raw value, or a readable pattern for rules ([`Entry::pattern`]).
    pub pattern: String,
    /// The state.
    pub state: State,
    /// The code.
    pub code: Code,
    /// The operation.
    pub operation: Operation,
    /// The retry advice for this state and code.
    pub retry: Retry,
    /// What the value means.
    pub description: &'static str,
    /// The message safe to show the shopper, in English and French.
    pub shopper: Messages,
    /// What a support agent should do.
    pub agent_action: &'static str,
    /// The public page the entry rests on.
    pub source: &'static str,
    /// Its line in the provider's file.
    pub line: u32,
    #[serde(skip)]
    entry: &'static Entry,
}

impl EntryView {
    /// The view of one compiled entry.
    ///
    /// ```
    /// use psp_status::reference::{EntryView, MatchKind};
    /// let e = psp_status::entries().next().unwrap();
    /// assert_eq!(EntryView::new(e).state, e.state);
    /// ```
    pub fn new(entry: &'static Entry) -> Self {
        let (kind, raw) = match entry.matcher {
            Matcher::Exact(r) => (MatchKind::Exact, Some(r)),
            Matcher::Prefix(_) => (MatchKind::Prefix, None),
            Matcher::Range(..) => (MatchKind::Range, None),
            Matcher::Default => (MatchKind::Default, None),
        };
        EntryView {
            anchor: entry.anchor().to_string(),
            provider: entry.provider,
            surface: entry.surface,
            kind,
            raw,
            pattern: entry.pattern(),
            state: entry.state,
            code: entry.code,
            operation: entry.operation,
            retry: entry.code.retry(entry.state),
            description: entry.description,
            shopper: Messages {
                en: entry.shopper_message(Lang::En),
                fr: entry.shopper_message(Lang::Fr),
            },
            agent_action: entry.agent_action(),
            source: entry.source,
            line: entry.line,
            entry,
        }
    }

    /// The compiled entry behind the view.
    ///
    /// ```
    /// use psp_status::reference::EntryView;
    /// let e = psp_status::entries().next().unwrap();
    /// assert_eq!(EntryView::new(e).entry(), e);
    /// ```
    pub fn entry(&self) -> &'static Entry {
        self.entry
    }

    /// The text the reference's search box matches, lowercased: the raw value (or pattern), the
    /// code, the description, the customer messages in English and French, the agent action,
    /// the provider and the surface. (The page also ignores accents: `refuse` finds `refusé`.)
    ///
    /// ```
    /// let e = psp_status::Entry::by_anchor("alma/payment.state/paid").unwrap();
    /// let q = psp_status::reference::EntryView::new(e).search_text();
    /// assert!(q.starts_with("paid succeeded "));
    /// ```
    pub fn search_text(&self) -> String {
        format!(
            "{} {} {} {} {} {} {} {}",
            self.pattern,
            self.code,
            self.description,
            self.shopper.en,
            self.shopper.fr,
            self.agent_action,
            self.provider.name(),
            <&str>::from(self.surface),
        )
        .to_lowercase()
    }
}

/// A shopper message in both languages.
///
/// ```
/// use psp_status::{reference::Messages, Code, Lang};
/// let m = Messages::of(Code::CardExpired);
/// assert_eq!(m.get(Lang::Fr), Code::CardExpired.shopper_message(Lang::Fr));
/// ```
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Messages {
    /// English.
    pub en: &'static str,
    /// French.
    pub fr: &'static str,
}

impl Messages {
    /// The shopper messages of `code`.
    ///
    /// ```
    /// let m = psp_status::reference::Messages::of(psp_status::Code::Succeeded);
    /// assert!(!m.en.is_empty() && !m.fr.is_empty());
    /// ```
    pub fn of(code: Code) -> Self {
        Messages {
            en: code.shopper_message(Lang::En),
            fr: code.shopper_message(Lang::Fr),
        }
    }

    /// The message in `lang`.
    ///
    /// ```
    /// use psp_status::{reference::Messages, Code, Lang};
    /// assert_eq!(Messages::of(Code::Failed).get(Lang::En), Code::Failed.shopper_message(Lang::En));
    /// ```
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Fr => self.fr,
        }
    }
}

/// The taxonomy: every state, code, operation and retry advice, with their texts.
///
/// ```
/// let t = psp_status::reference::Taxonomy::current();
/// assert_eq!(t.codes.len(), <psp_status::Code as strum::IntoEnumIterator>::iter().count());
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    /// Every state.
    pub states: Vec<StateView>,
    /// Every code.
    pub codes: Vec<CodeView>,
    /// Every operation.
    pub operations: Vec<OperationView>,
    /// Every retry advice.
    pub retries: Vec<RetryView>,
}

/// A state and what it means.
#[derive(Debug, Clone, Serialize)]
pub struct StateView {
    /// The state.
    pub state: State,
    /// Its anchor in the reference (`state/NAME`).
    pub anchor: String,
    /// What it means.
    pub description: &'static str,
    /// The retry advice it implies on its own.
    pub default_retry: Retry,
}

/// A code with its states, retry advice, shopper messages and agent action.
#[derive(Debug, Clone, Serialize)]
pub struct CodeView {
    /// The code.
    pub code: Code,
    /// Its anchor in the reference (`code/NAME`).
    pub anchor: String,
    /// What it means.
    pub description: &'static str,
    /// The states it may appear with and the retry advice in each.
    pub states: Vec<StateRetry>,
    /// The message safe to show the shopper.
    pub shopper: Messages,
    /// What a support agent should do.
    pub agent_action: &'static str,
}

/// A state a code may appear with, and the retry advice then.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StateRetry {
    /// The state.
    pub state: State,
    /// The retry advice.
    pub retry: Retry,
}

/// An operation and what it is.
#[derive(Debug, Clone, Serialize)]
pub struct OperationView {
    /// The operation.
    pub operation: Operation,
    /// What it is.
    pub description: &'static str,
}

/// A retry advice and what it tells a payment service.
#[derive(Debug, Clone, Serialize)]
pub struct RetryView {
    /// The advice.
    pub retry: Retry,
    /// One sentence for people.
    pub explain: &'static str,
}

impl Taxonomy {
    /// The taxonomy compiled into the crate.
    ///
    /// ```
    /// let t = psp_status::reference::Taxonomy::current();
    /// assert!(t.states.iter().any(|s| s.anchor == "state/UNCERTAIN"));
    /// ```
    pub fn current() -> Self {
        Taxonomy {
            states: State::iter()
                .map(|state| StateView {
                    state,
                    anchor: format!("state/{state}"),
                    description: state.description(),
                    default_retry: state.default_retry(),
                })
                .collect(),
            codes: Code::iter()
                .map(|code| CodeView {
                    code,
                    anchor: code_anchor(code),
                    description: code.description(),
                    states: code
                        .states()
                        .iter()
                        .map(|&(state, retry)| StateRetry { state, retry })
                        .collect(),
                    shopper: Messages::of(code),
                    agent_action: code.agent_action(),
                })
                .collect(),
            operations: Operation::iter()
                .map(|operation| OperationView {
                    operation,
                    description: operation.description(),
                })
                .collect(),
            retries: Retry::iter()
                .map(|retry| RetryView {
                    retry,
                    explain: retry.explain(),
                })
                .collect(),
        }
    }
}

/// The anchor of a code's entry in the taxonomy section (`code/NAME`).
///
/// ```
/// use psp_status::{reference::code_anchor, Code};
/// assert_eq!(code_anchor(Code::InsufficientFunds), "code/INSUFFICIENT_FUNDS");
/// ```
pub fn code_anchor(code: Code) -> String {
    format!("code/{code}")
}

impl Reference {
    /// The reference of the tables compiled into the crate.
    ///
    /// ```
    /// let r = psp_status::reference::Reference::current();
    /// assert_eq!(r.entries().count(), psp_status::entries().count());
    /// ```
    pub fn current() -> Self {
        let providers = Provider::iter()
            .map(|provider| ProviderSection {
                provider,
                name: provider.name(),
                file: provider.file(),
                precedence: provider.precedence().iter().map(|f| f.surface()).collect(),
                surfaces: provider
                    .fields()
                    .iter()
                    .map(|&field| SurfaceSection {
                        provider,
                        surface: field.surface(),
                        anchor: field.to_string(),
                        description: field.description(),
                        case_insensitive: field.is_case_insensitive(),
                        checked_against: field.checked_against(),
                        entries: field.entries().map(EntryView::new).collect(),
                    })
                    .collect(),
            })
            .collect();
        Reference {
            table_version: TABLE_VERSION,
            table_digest: TABLE_DIGEST,
            providers,
            taxonomy: Taxonomy::current(),
        }
    }

    /// Every entry, provider by provider, surface by surface, in file order.
    ///
    /// ```
    /// let r = psp_status::reference::Reference::current();
    /// assert!(r.entries().all(|e| e.source.starts_with("http")));
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = &EntryView> {
        self.providers
            .iter()
            .flat_map(|p| p.surfaces.iter())
            .flat_map(|s| s.entries.iter())
    }

    /// How many entries the reference holds.
    ///
    /// ```
    /// let r = psp_status::reference::Reference::current();
    /// assert!(r.entry_count() > 0);
    /// ```
    pub fn entry_count(&self) -> usize {
        self.entries().count()
    }
}

/// What a surface's matching does, in words.
fn case_words(case_insensitive: bool) -> &'static str {
    if case_insensitive {
        "ASCII case-insensitive"
    } else {
        "exact (case-sensitive)"
    }
}

/// The heading label of a language.
fn lang_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Fr => "French",
    }
}

/// `s` with the five HTML special characters escaped (text and attribute values).
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}
