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
//! use psp_status::{alma, classify, Code, State};
//!
//! let c = classify(alma::PAYMENT_STATE, "scored_maybe");
//! assert_eq!(c.state, State::Waiting);
//! assert_eq!(c.code, Code::WaitingPartnerResponse);
//!
//! // A value nobody has seen is not an error: it is UNCERTAIN, and the raw value is kept.
//! let u = classify(alma::PAYMENT_STATE, "brand_new_state");
//! assert_eq!((u.state, u.code), (State::Uncertain, Code::Unmapped));
//! assert_eq!(u.raw, b"brand_new_state");
//! ```
//!
//! Data flows one way: `mappings/` → loader/validator (`psp-status-build`) → `build.rs` codegen
//! → this crate's lookup → the `psp-status` command line and the generated reference.

#![warn(missing_docs)]

pub mod batch;
mod classify;
mod digits;
mod entry;
pub mod export;
mod field;
mod generated;
mod hash;
#[cfg(feature = "cli")]
pub mod readers;
pub mod reference;
mod runtime;
mod table;
mod taxonomy;

pub(crate) use classify::resolve_surfaces;
pub use classify::{
    classify, classify_bytes, lookup, resolve, resolve_bytes, Answer, AnswerOf, Classification,
    ClassificationOf, Matched,
};
pub use entry::{Entry, EntryOf, Matcher, MatcherOf};
pub use field::{Field, FieldError, ProviderField};
pub use generated::{Code, Operation, Provider, State, Surface, TABLE_DIGEST, TABLE_VERSION};
#[cfg(feature = "runtime-tables")]
pub use psp_status_build::Diagnostic;
pub use runtime::Tables;
pub use taxonomy::{Lang, Retry};

use generated::{PROVIDER_INFO, SURFACE_TABLES};

// The per-provider modules (`alma`, `checkout`, `purse`, `stripe`): one typed constant per
// surface, generated from mappings/ by build.rs.
include!(concat!(env!("OUT_DIR"), "/fields.rs"));

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

    /// The names `str::parse` reads as this provider, in any ASCII case: the id, then the
    /// display name when it is not the id in another case. Parsing allocates nothing.
    ///
    /// ```
    /// use psp_status::Provider;
    /// assert_eq!(Provider::Checkout.spellings().collect::<Vec<_>>(), ["checkout", "Checkout.com"]);
    /// for name in ["checkout", "Checkout.com", "checkout.com", "CHECKOUT"] {
    ///     assert_eq!(name.parse::<Provider>(), Ok(Provider::Checkout));
    /// }
    /// assert_eq!(Provider::Stripe.spellings().count(), 1);
    /// ```
    pub fn spellings(self) -> impl Iterator<Item = &'static str> {
        let id: &'static str = self.into();
        let name = self.name();
        std::iter::once(id).chain((!name.eq_ignore_ascii_case(id)).then_some(name))
    }

    /// The file the provider's table comes from (`mappings/alma.yaml`).
    ///
    /// ```
    /// assert_eq!(psp_status::Provider::Alma.file(), "mappings/alma.yaml");
    /// ```
    pub fn file(self) -> &'static str {
        PROVIDER_INFO[self as usize].file
    }
}

/// The README's Rust example, compiled and run as a doctest so it cannot rot.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// docs/tables.md's Rust example (a service loading tables at run time), run as a doctest.
#[doc = include_str!("../docs/tables.md")]
#[cfg(all(doctest, feature = "runtime-tables"))]
pub struct TablesDocDoctests;
