//! The YAML files as written, every value with its place, as [`crate::read`] builds them from
//! the node tree.
//!
//! These types mirror mappings/README.md. Required keys are `Option` here so that the validator
//! can report every missing key at once, with its place, instead of stopping at the first.

pub use crate::yaml::Pos;

/// A value with the place it was written.
#[derive(Debug, Clone, Default)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where it was written (a mapping: its first key; a list: its first item).
    pub at: Pos,
    /// A problem here was already reported (a wrong type, or a syntax error that cut a mapping
    /// or list short): the validator reports nothing more about it, not even missing keys.
    pub quiet: bool,
}

impl<T> Sp<T> {
    /// A value at `at`.
    pub fn new(value: T, at: Pos) -> Self {
        Sp {
            value,
            at,
            quiet: false,
        }
    }
}

impl Default for Pos {
    fn default() -> Self {
        Pos::START
    }
}

/// A list of values under a key.
pub type List<T> = Option<Sp<Vec<Sp<T>>>>;

/// `name: value` pairs of a mapping, in file order (`states:` and `shopper:` of a code).
pub type Pairs = Option<Sp<Vec<(Sp<String>, Sp<String>)>>>;

/// `mappings/taxonomy.yaml`.
#[derive(Debug, Default)]
pub struct TaxonomyFile {
    /// The table version (year.month.day[.n]).
    pub version: Option<Sp<String>>,
    /// The states, in display order.
    pub states: List<NamedDef>,
    /// The operations, in display order.
    pub operations: List<NamedDef>,
    /// The codes, in display order.
    pub codes: List<CodeDef>,
}

/// A state or an operation.
#[derive(Debug, Default)]
pub struct NamedDef {
    /// SCREAMING_SNAKE_CASE name.
    pub name: Option<Sp<String>>,
    /// What it means.
    pub description: Option<Sp<String>>,
}

/// A code of the taxonomy.
#[derive(Debug, Default)]
pub struct CodeDef {
    /// SCREAMING_SNAKE_CASE name.
    pub name: Option<Sp<String>>,
    /// What it means.
    pub description: Option<Sp<String>>,
    /// Allowed states, each with its retry advice.
    pub states: Pairs,
    /// Shopper-safe messages by language (`en`, `fr`).
    pub shopper: Pairs,
    /// What a support agent should do.
    pub agent: Option<Sp<String>>,
    /// Support text for one state of the code, where it differs from the code's (keyed by
    /// state name).
    pub support: Support,
}

/// A code's `support:` (state name → its text), in file order.
pub type Support = Option<Sp<Vec<(Sp<String>, Sp<SupportDef>)>>>;

/// Support text that replaces the code's: `shopper` (both `en` and `fr`) and/or `agent`.
#[derive(Debug, Default)]
pub struct SupportDef {
    /// Shopper-safe messages by language (`en`, `fr`).
    pub shopper: Pairs,
    /// What a support agent should do.
    pub agent: Option<Sp<String>>,
}

/// `mappings/<provider>.yaml`.
#[derive(Debug, Default)]
pub struct ProviderFile {
    /// Identifier; must equal the file stem.
    pub provider: Option<Sp<String>>,
    /// Display name.
    pub name: Option<Sp<String>>,
    /// Every surface once, most specific first.
    pub precedence: List<String>,
    /// The surfaces.
    pub surfaces: List<SurfaceDef>,
}

/// One surface: the field a value arrives in.
#[derive(Debug, Default)]
pub struct SurfaceDef {
    /// As the provider's API names the field.
    pub name: Option<Sp<String>>,
    /// What the field is.
    pub description: Option<Sp<String>>,
    /// Default operation of the entries.
    pub operation: Option<Sp<String>>,
    /// `exact` (default) or `ascii_insensitive`.
    pub case: Option<Sp<String>>,
    /// What the surface's completeness was checked against (URLs of SDK files or pages).
    pub checked_against: List<String>,
    /// Exact values.
    pub entries: List<OutcomeDef>,
    /// Prefix and range rules, tried in order after the exact values.
    pub rules: List<OutcomeDef>,
    /// What a value matching nothing else means, if the surface implies it.
    pub default: Option<Sp<OutcomeDef>>,
}

/// An exact entry, a rule or a default: a matcher plus an outcome.
#[derive(Debug, Default)]
pub struct OutcomeDef {
    /// Exact raw value (entries only).
    pub raw: Option<Sp<String>>,
    /// Prefix (rules only).
    pub prefix: Option<Sp<String>>,
    /// Inclusive numeric range (rules only).
    pub range: Option<Sp<RangeDef>>,
    /// State name.
    pub state: Option<Sp<String>>,
    /// Code name.
    pub code: Option<Sp<String>>,
    /// Operation name (required when the surface declares none).
    pub operation: Option<Sp<String>>,
    /// Meaning, in our own words.
    pub description: Option<Sp<String>>,
    /// Public URL the entry rests on.
    pub source: Option<Sp<String>>,
    /// Shopper messages for this entry, where it knows better than its code (`en`, `fr`).
    pub shopper: Pairs,
    /// What a support agent should do for this entry, where it knows better than its code.
    pub agent: Option<Sp<String>>,
}

/// `range: { from: 20000, to: 29999 }`.
#[derive(Debug, Default)]
pub struct RangeDef {
    /// Lowest value, inclusive.
    pub from: Option<Sp<u64>>,
    /// Highest value, inclusive.
    pub to: Option<Sp<u64>>,
}
