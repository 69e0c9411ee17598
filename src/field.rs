//! Fields: the (provider, surface) pairs that exist in the tables.
//!
//! Each provider has a module of its own (`psp_status::stripe`, generated from
//! `mappings/stripe.yaml`) with one constant per surface (`stripe::DECLINE_CODE`), all of a type
//! of its own (`stripe::StripeField`). A pair the tables do not have is not a constant, so it
//! does not compile:
//!
//! ```compile_fail
//! // Stripe has no `payment.state` surface (Alma has).
//! let c = psp_status::classify(psp_status::stripe::PAYMENT_STATE, "paid");
//! ```
//!
//! and one `resolve` cannot mix two providers' signals:
//!
//! ```compile_fail
//! use psp_status::{alma, resolve, stripe};
//! let c = resolve(&[(stripe::DECLINE_CODE, "do_not_honor"), (alma::PAYMENT_STATE, "paid")]);
//! ```
//!
//! Names known only at run time (a CLI argument, a column) are parsed into a [`Field`], which
//! checks that the pair exists:
//!
//! ```
//! use psp_status::{Field, FieldError, Provider};
//! let f: Field = "stripe/decline_code".parse().unwrap();
//! assert_eq!(f, psp_status::stripe::DECLINE_CODE);
//! assert_eq!(Provider::Stripe.field("decline_code"), Ok(f));
//! assert!(matches!(Provider::Stripe.field("payment.state"), Err(FieldError::UnknownSurface { .. })));
//! ```

use crate::classify::surface_table;
use crate::entry::Entry;
use crate::generated::PROVIDER_INFO;
use crate::{Provider, Surface};
use std::fmt;
use std::str::FromStr;

/// A surface of one provider: a (provider, surface) pair that exists in the tables.
///
/// Get one from a provider's module (`psp_status::alma::PAYMENT_STATE.into()`), or, for names
/// known only at run time, from [`Field::new`], [`Provider::field`] or `"alma/payment.state"`
/// parsed with [`str::parse`]. Both [`classify`](crate::classify) and
/// [`Provider::resolve`] accept it.
///
/// ```
/// use psp_status::{alma, Field, Provider, Surface};
/// let f: Field = alma::PAYMENT_STATE.into();
/// assert_eq!((f.provider(), f.surface()), (Provider::Alma, Surface::PaymentState));
/// assert_eq!(f.to_string(), "alma/payment.state");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Field {
    pub(crate) provider: Provider,
    pub(crate) surface: Surface,
}

/// Why a name does not give a [`Field`].
///
/// ```
/// use psp_status::{Field, FieldError};
/// let e = "acme/status".parse::<Field>().unwrap_err();
/// assert!(matches!(e, FieldError::UnknownProvider(_)));
/// assert!(e.to_string().contains("alma"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// No provider has this name.
    UnknownProvider(String),
    /// The provider has no surface of this name.
    UnknownSurface {
        /// The provider asked about.
        provider: Provider,
        /// The name given.
        name: String,
    },
    /// A signal given to [`Provider::resolve`] belongs to another provider.
    OtherProvider {
        /// The provider of the response.
        provider: Provider,
        /// The field of another provider.
        field: Field,
    },
    /// `provider/surface` expected.
    Malformed(String),
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::UnknownProvider(name) => {
                let valid: Vec<&str> = <Provider as strum::IntoEnumIterator>::iter()
                    .map(Into::into)
                    .collect();
                write!(f, "unknown provider `{name}` (valid: {})", valid.join(", "))
            }
            FieldError::UnknownSurface { provider, name } => {
                let valid: Vec<&str> = provider.fields().iter().map(|f| f.name()).collect();
                write!(
                    f,
                    "{} has no surface `{name}` (valid: {})",
                    provider.name(),
                    valid.join(", ")
                )
            }
            FieldError::OtherProvider { provider, field } => write!(
                f,
                "`{field}` is not a field of {}: one response comes from one provider",
                provider.name()
            ),
            FieldError::Malformed(s) => {
                write!(
                    f,
                    "`{s}` is not `provider/surface` (e.g. `stripe/decline_code`)"
                )
            }
        }
    }
}

impl std::error::Error for FieldError {}

impl Field {
    /// The field of `provider` named `surface`, if the provider has that surface.
    ///
    /// ```
    /// use psp_status::{Field, Provider, Surface};
    /// assert!(Field::new(Provider::Alma, Surface::PaymentState).is_ok());
    /// assert!(Field::new(Provider::Stripe, Surface::PaymentState).is_err());
    /// ```
    pub fn new(provider: Provider, surface: Surface) -> Result<Field, FieldError> {
        let field = Field { provider, surface };
        match surface_table(field) {
            Some(_) => Ok(field),
            None => Err(FieldError::UnknownSurface {
                provider,
                name: surface.to_string(),
            }),
        }
    }

    /// The provider.
    ///
    /// ```
    /// assert_eq!(psp_status::Field::from(psp_status::alma::PAYMENT_STATE).provider(), psp_status::Provider::Alma);
    /// ```
    pub const fn provider(self) -> Provider {
        self.provider
    }

    /// The surface.
    ///
    /// ```
    /// use psp_status::{alma, Field, Surface};
    /// assert_eq!(Field::from(alma::PAYMENT_STATE).surface(), Surface::PaymentState);
    /// ```
    pub const fn surface(self) -> Surface {
        self.surface
    }

    /// The surface's wire name, as the provider's API spells it (`payment_intent.status`).
    ///
    /// ```
    /// use psp_status::{stripe, Field};
    /// assert_eq!(Field::from(stripe::PAYMENT_INTENT_STATUS).name(), "payment_intent.status");
    /// ```
    pub fn name(self) -> &'static str {
        self.surface.into()
    }

    /// What the provider's surface is.
    ///
    /// ```
    /// use psp_status::{alma, Field};
    /// assert!(!Field::from(alma::PAYMENT_STATE).description().is_empty());
    /// ```
    pub fn description(self) -> &'static str {
        surface_table(self).map_or("", |t| t.description)
    }

    /// Every entry of the surface, in file order (exact values, rules, default).
    ///
    /// ```
    /// use psp_status::{alma, Field};
    /// assert!(Field::from(alma::PAYMENT_STATE).entries().count() >= 6);
    /// ```
    pub fn entries(self) -> impl Iterator<Item = &'static Entry> {
        surface_table(self).into_iter().flat_map(|t| t.all())
    }

    /// Whether the surface matches ASCII case-insensitively.
    ///
    /// ```
    /// use psp_status::{alma, Field};
    /// assert!(!Field::from(alma::PAYMENT_STATE).is_case_insensitive());
    /// ```
    pub fn is_case_insensitive(self) -> bool {
        surface_table(self).is_some_and(|t| t.case_insensitive)
    }

    /// What the completeness of the field's table was checked against: the URLs (SDK files at
    /// a commit, documentation pages) listed under `checked_against:` in its table, in file
    /// order. Empty when the table does not say.
    ///
    /// ```
    /// use psp_status::{stripe, Field};
    /// for url in Field::from(stripe::DECLINE_CODE).checked_against() {
    ///     assert!(url.starts_with("https://") || url.starts_with("http://"));
    /// }
    /// ```
    pub fn checked_against(self) -> &'static [&'static str] {
        surface_table(self).map_or(&[], |t| t.checked_against)
    }

    /// The surface's position in its provider's precedence (0 = most specific).
    ///
    /// ```
    /// use psp_status::{stripe, Field};
    /// assert!(Field::from(stripe::DECLINE_CODE).rank() < Field::from(stripe::PAYMENT_INTENT_STATUS).rank());
    /// ```
    pub fn rank(self) -> usize {
        self.provider
            .precedence()
            .iter()
            .position(|f| *f == self)
            .unwrap_or(usize::MAX)
    }
}

impl fmt::Display for Field {
    /// `provider/surface`, the form [`str::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.surface)
    }
}

impl FromStr for Field {
    type Err = FieldError;

    /// Reads `provider/surface` (`stripe/decline_code`); the provider name is ASCII
    /// case-insensitive, the surface name exact.
    fn from_str(s: &str) -> Result<Field, FieldError> {
        let (provider, surface) = s
            .split_once('/')
            .ok_or_else(|| FieldError::Malformed(s.to_string()))?;
        let provider: Provider = provider
            .parse()
            .map_err(|_| FieldError::UnknownProvider(provider.to_string()))?;
        provider.field(surface)
    }
}

impl Provider {
    /// The provider's field named `name` (the wire name, `payment_intent.status`).
    ///
    /// ```
    /// use psp_status::{stripe, Field, Provider};
    /// assert_eq!(Provider::Stripe.field("decline_code"), Ok(Field::from(stripe::DECLINE_CODE)));
    /// assert!(Provider::Stripe.field("payment.state").is_err());
    /// ```
    pub fn field(self, name: &str) -> Result<Field, FieldError> {
        self.fields()
            .iter()
            .find(|f| f.name() == name)
            .copied()
            .ok_or_else(|| FieldError::UnknownSurface {
                provider: self,
                name: name.to_string(),
            })
    }

    /// The provider's fields in file order.
    ///
    /// ```
    /// assert!(!psp_status::Provider::Alma.fields().is_empty());
    /// ```
    pub fn fields(self) -> &'static [Field] {
        PROVIDER_INFO[self as usize].fields
    }

    /// The provider's fields, most specific first: the order [`resolve`](crate::resolve) uses.
    ///
    /// ```
    /// use psp_status::{stripe, Field, Provider};
    /// assert_eq!(Provider::Stripe.precedence()[0], Field::from(stripe::DECLINE_CODE));
    /// ```
    pub fn precedence(self) -> &'static [Field] {
        PROVIDER_INFO[self as usize].precedence
    }
}

/// A provider's own field type (`stripe::StripeField`, `alma::AlmaField`, …): a surface of one
/// provider known at compile time. Only the generated modules implement it.
///
/// ```
/// use psp_status::{stripe, Provider, ProviderField};
/// fn provider_of<F: ProviderField>(_: F) -> Provider { F::PROVIDER }
/// assert_eq!(provider_of(stripe::DECLINE_CODE), Provider::Stripe);
/// ```
pub trait ProviderField: Copy + Into<Field> + sealed::Sealed {
    /// The provider all values of the type belong to.
    const PROVIDER: Provider;
}

pub(crate) mod sealed {
    /// Keeps [`ProviderField`](super::ProviderField) to the generated types.
    pub trait Sealed {}
}

/// Implements the plumbing of a generated provider field type.
macro_rules! provider_field {
    ($ty:ident, $provider:expr) => {
        impl crate::field::sealed::Sealed for $ty {}

        impl crate::ProviderField for $ty {
            const PROVIDER: Provider = $provider;
        }

        impl From<$ty> for crate::Field {
            #[inline(always)]
            fn from(f: $ty) -> crate::Field {
                crate::Field {
                    provider: $provider,
                    surface: f.0,
                }
            }
        }

        impl PartialEq<crate::Field> for $ty {
            fn eq(&self, other: &crate::Field) -> bool {
                crate::Field::from(*self) == *other
            }
        }

        impl PartialEq<$ty> for crate::Field {
            fn eq(&self, other: &$ty) -> bool {
                *self == crate::Field::from(*other)
            }
        }

        impl std::fmt::Display for $ty {
            /// `provider/surface`, as [`Field`](crate::Field) shows it.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::Field::from(*self).fmt(f)
            }
        }
    };
}
pub(crate) use provider_field;
