//! # psp-status
//!
//! Translates what payment service providers say (Alma `scored_maybe`, Stripe
//! `requires_payment_method` or `do_not_honor`, Checkout.com `Pending` or `20051`, …) into one
//! taxonomy: a [`State`] (what to do next), a [`Code`] (why) and an [`Operation`].
//!
//! The tables live in `mappings/*.yaml`; `build.rs` validates them and compiles them into
//! perfect-hash tables, so a lookup is a few nanoseconds, allocates nothing, does no I/O and
//! never panics, whatever the bytes.
//!
//! ```
//! use psp_status::{classify, resolve, Code, Provider, State, Surface};
//!
//! let c = classify(Provider::Alma, Surface::Payment_State, "scored_maybe");
//! assert_eq!(c.state, State::Waiting);
//! assert_eq!(c.code, Code::WaitingPartnerResponse);
//!
//! // A value nobody has seen is not an error: it is UNCERTAIN, and the raw value is kept.
//! let u = classify(Provider::Alma, Surface::Payment_State, "brand_new_state");
//! assert_eq!((u.state, u.code), (State::Uncertain, Code::Unmapped));
//! assert_eq!(u.raw, b"brand_new_state");
//! ```
//!
//! Data flows one way: `mappings/` → loader/validator (`psp-status-build`) → `build.rs` codegen
//! → this crate's lookup → the `psp-status` command line and the generated reference.

#![warn(missing_docs)]

pub mod batch;
mod classify;
mod entry;
mod generated;
mod hash;
pub mod reference;
mod table;
mod taxonomy;

pub use classify::{classify, classify_bytes, resolve, resolve_bytes, Classification, Matched};
pub use entry::{Entry, Matcher};
pub use generated::{Code, Operation, Provider, State, Surface, TABLE_DIGEST, TABLE_VERSION};
pub use taxonomy::{Lang, Retry};

use generated::{PROVIDER_INFO, SURFACE_TABLES};

/// Every entry of every table (exact values, rules, defaults), provider by provider, surface by
/// surface, in file order.
///
/// ```
/// let n = psp_status::entries().count();
/// assert!(n > 40);
/// ```
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    SURFACE_TABLES.iter().flat_map(|t| t.all())
}

impl Provider {
    /// Display name (`Checkout.com`).
    ///
    /// ```
    /// assert_eq!(psp_status::Provider::Alma.name(), "Alma");
    /// ```
    pub fn name(self) -> &'static str {
        PROVIDER_INFO[self as usize].name
    }

    /// The file the provider's table comes from (`mappings/alma.yaml`).
    ///
    /// ```
    /// assert_eq!(psp_status::Provider::Alma.file(), "mappings/alma.yaml");
    /// ```
    pub fn file(self) -> &'static str {
        PROVIDER_INFO[self as usize].file
    }

    /// The provider's surfaces, most specific first (the order `resolve` uses).
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// assert!(Provider::Alma.precedence().contains(&Surface::Payment_State));
    /// ```
    pub fn precedence(self) -> &'static [Surface] {
        PROVIDER_INFO[self as usize].precedence
    }

    /// The provider's surfaces in file order.
    ///
    /// ```
    /// assert!(!psp_status::Provider::Alma.surfaces().is_empty());
    /// ```
    pub fn surfaces(self) -> Vec<Surface> {
        PROVIDER_INFO[self as usize]
            .tables
            .iter()
            .map(|&i| SURFACE_TABLES[i as usize].surface)
            .collect()
    }

    /// Whether `surface` is one of the provider's.
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// assert!(Provider::Alma.has_surface(Surface::Payment_State));
    /// ```
    pub fn has_surface(self, surface: Surface) -> bool {
        classify::surface_table(self, surface).is_some()
    }

    /// What the provider's `surface` is (`None` when it is not one of the provider's).
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// assert!(Provider::Alma.surface_description(Surface::Payment_State).is_some());
    /// ```
    pub fn surface_description(self, surface: Surface) -> Option<&'static str> {
        classify::surface_table(self, surface).map(|t| t.description)
    }

    /// What the completeness of the provider's `surface` was checked against: the URLs (SDK
    /// files at a commit, documentation pages) listed under `checked_against:` in its table, in
    /// file order. Empty when the table does not say, or when `surface` is not the provider's.
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// for url in Provider::Stripe.checked_against(Surface::DeclineCode) {
    ///     assert!(url.starts_with("https://") || url.starts_with("http://"));
    /// }
    /// assert!(Provider::Alma.checked_against(Surface::DeclineCode).is_empty());
    /// ```
    pub fn checked_against(self, surface: Surface) -> &'static [&'static str] {
        classify::surface_table(self, surface).map_or(&[], |t| t.checked_against)
    }

    /// Every entry of the provider's `surface`, in file order (exact, rules, default).
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// assert!(Provider::Alma.entries(Surface::Payment_State).count() >= 6);
    /// ```
    pub fn entries(self, surface: Surface) -> impl Iterator<Item = &'static Entry> {
        classify::surface_table(self, surface)
            .into_iter()
            .flat_map(|t| t.all())
    }

    /// Whether the provider's `surface` matches ASCII case-insensitively.
    ///
    /// ```
    /// use psp_status::{Provider, Surface};
    /// assert!(!Provider::Alma.is_case_insensitive(Surface::Payment_State));
    /// ```
    pub fn is_case_insensitive(self, surface: Surface) -> bool {
        classify::surface_table(self, surface).is_some_and(|t| t.case_insensitive)
    }
}

/// The README's Rust example, compiled and run as a doctest so it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
