//! The YAML files as written, every value with its position (serde-saphyr spans).
//!
//! These types mirror mappings/README.md. Required keys are `Option` here so that the validator
//! can report every missing key at once, with its place, instead of stopping at the first.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A value with the place it was written.
pub type Sp<T> = Spanned<T>;

/// `mappings/taxonomy.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyFile {
    /// The table version (year.month.day[.n]).
    pub version: Option<Sp<String>>,
    /// The states, in display order.
    #[serde(default)]
    pub states: Vec<Sp<NamedDef>>,
    /// The operations, in display order.
    #[serde(default)]
    pub operations: Vec<Sp<NamedDef>>,
    /// The codes, in display order.
    #[serde(default)]
    pub codes: Vec<Sp<CodeDef>>,
}

/// A state or an operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedDef {
    /// SCREAMING_SNAKE_CASE name.
    pub name: Option<Sp<String>>,
    /// What it means.
    pub description: Option<Sp<String>>,
}

/// A code of the taxonomy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDef {
    /// SCREAMING_SNAKE_CASE name.
    pub name: Option<Sp<String>>,
    /// What it means.
    pub description: Option<Sp<String>>,
    /// Allowed states, each with its retry advice.
    pub states: Option<Sp<BTreeMap<String, Sp<String>>>>,
    /// Shopper-safe messages by language (`en`, `fr`).
    pub shopper: Option<Sp<BTreeMap<String, Sp<String>>>>,
    /// What a support agent should do.
    pub agent: Option<Sp<String>>,
    /// Support text for one state of the code, where it differs from the code's (keyed by
    /// state name).
    pub support: Option<Sp<BTreeMap<String, Sp<SupportDef>>>>,
}

/// Support text that replaces the code's: `shopper` (both `en` and `fr`) and/or `agent`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportDef {
    /// Shopper-safe messages by language (`en`, `fr`).
    pub shopper: Option<Sp<BTreeMap<String, Sp<String>>>>,
    /// What a support agent should do.
    pub agent: Option<Sp<String>>,
}

/// `mappings/<provider>.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    /// Identifier; must equal the file stem.
    pub provider: Option<Sp<String>>,
    /// Display name.
    pub name: Option<Sp<String>>,
    /// Every surface once, most specific first.
    #[serde(default)]
    pub precedence: Vec<Sp<String>>,
    /// The surfaces.
    #[serde(default)]
    pub surfaces: Vec<Sp<SurfaceDef>>,
}

/// One surface: the field a value arrives in.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub checked_against: Option<Sp<Vec<Sp<String>>>>,
    /// Exact values.
    #[serde(default)]
    pub entries: Vec<Sp<OutcomeDef>>,
    /// Prefix and range rules, tried in order after the exact values.
    #[serde(default)]
    pub rules: Vec<Sp<OutcomeDef>>,
    /// What a value matching nothing else means, if the surface implies it.
    pub default: Option<Sp<OutcomeDef>>,
}

/// An exact entry, a rule or a default: a matcher plus an outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
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
    pub shopper: Option<Sp<BTreeMap<String, Sp<String>>>>,
    /// What a support agent should do for this entry, where it knows better than its code.
    pub agent: Option<Sp<String>>,
}

/// `range: { from: 20000, to: 29999 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeDef {
    /// Lowest value, inclusive.
    pub from: u64,
    /// Highest value, inclusive.
    pub to: u64,
}
