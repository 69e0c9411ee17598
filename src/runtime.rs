//! A set of tables as a value: the compiled one ([`Tables::compiled`]) or one loaded from a
//! mappings directory at run time ([`Tables::load`], feature `runtime-tables`).
//!
//! Both are the same table types (`table::SurfaceTableOf`) behind one `TableSet`, so a loaded
//! set is looked up by the very `classify`/`resolve` code and perfect-hash probe the compiled
//! tables use, and allocates nothing per lookup.

use crate::classify::{classify_in, lookup_in, pick, AnswerOf, ClassificationOf};
use crate::entry::EntryOf;
use crate::field::FieldError;
use crate::table::TableSet;
use crate::{Field, Provider, ProviderField};

#[cfg(feature = "runtime-tables")]
mod load;

/// A whole set of tables: every provider's surfaces, entries, rules and defaults.
///
/// The compiled tables are one ([`Tables::compiled`]); [`Tables::load`] (feature
/// `runtime-tables`, on with `cli`) reads another from a mappings directory, with the build's
/// loader and validation, and builds the same perfect-hash tables. Lookups borrow the set:
/// an answer's entry and text live as long as the `Tables` does. Dropping a loaded set frees
/// it all (a service may reload as often as it likes).
///
/// ```
/// use psp_status::{alma, Tables, State};
/// let t = Tables::compiled();
/// assert_eq!(t.classify(alma::PAYMENT_STATE, "paid").state, State::Success);
/// assert_eq!(t.version(), psp_status::TABLE_VERSION);
/// ```
pub struct Tables {
    /// The tables as the lookups see them. For a loaded set its references point into `store`
    /// (their `'static` is never handed out: every accessor narrows it to a borrow of `self`).
    set: TableSet<'static>,
    version: &'static str,
    digest: &'static str,
    /// Where the set came from (`mappings/` for the compiled one).
    dir: &'static str,
    /// What a loaded set's references point into; empty for the compiled set. Held, not read.
    #[allow(dead_code)]
    store: Store,
}

/// The heap data of a loaded set. Every buffer is filled before anything points into it and
/// never changes afterwards; moving a `Vec` does not move its buffer. Only held (for the
/// references in `Tables::set`), never read.
#[derive(Default)]
#[allow(dead_code)]
pub(crate) struct Store {
    pub(crate) strings: Vec<String>,
    pub(crate) bytes: Vec<Vec<u8>>,
    pub(crate) entries: Vec<Vec<EntryOf<'static>>>,
    pub(crate) slots: Vec<Vec<crate::table::SlotOf<'static>>>,
    pub(crate) pilots: Vec<Vec<u32>>,
    pub(crate) urls: Vec<Vec<&'static str>>,
    pub(crate) fields: Vec<Vec<Field>>,
    pub(crate) tables: Vec<crate::table::SurfaceTableOf<'static>>,
    pub(crate) index: Vec<[&'static crate::table::SurfaceTableOf<'static>; SURFACES]>,
    pub(crate) providers: Vec<crate::table::ProviderInfoOf<'static>>,
}

pub(crate) const SURFACES: usize = <crate::Surface as strum::EnumCount>::COUNT;

impl Store {
    const EMPTY: Store = Store {
        strings: Vec::new(),
        bytes: Vec::new(),
        entries: Vec::new(),
        slots: Vec::new(),
        pilots: Vec::new(),
        urls: Vec::new(),
        fields: Vec::new(),
        tables: Vec::new(),
        index: Vec::new(),
        providers: Vec::new(),
    };
}

static COMPILED: Tables = Tables {
    set: TableSet::COMPILED,
    version: crate::TABLE_VERSION,
    digest: crate::TABLE_DIGEST,
    dir: "mappings",
    store: Store::EMPTY,
};

impl std::fmt::Debug for Tables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tables")
            .field("dir", &self.dir)
            .field("version", &self.version)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl Tables {
    /// The tables compiled into the crate (what [`crate::classify`] uses).
    ///
    /// ```
    /// assert!(psp_status::Tables::compiled().is_compiled());
    /// ```
    pub fn compiled() -> &'static Tables {
        &COMPILED
    }

    /// Whether this is the compiled set.
    ///
    /// ```
    /// assert!(psp_status::Tables::compiled().is_compiled());
    /// ```
    pub fn is_compiled(&self) -> bool {
        std::ptr::eq(self, &COMPILED)
    }

    /// `version` of the set's taxonomy.yaml.
    ///
    /// ```
    /// assert_eq!(psp_status::Tables::compiled().version(), psp_status::TABLE_VERSION);
    /// ```
    pub fn version(&self) -> &str {
        self.version
    }

    /// SHA-256 (hex) of every file of the set's directory, as [`crate::TABLE_DIGEST`].
    ///
    /// ```
    /// assert_eq!(psp_status::Tables::compiled().digest().len(), 64);
    /// ```
    pub fn digest(&self) -> &str {
        self.digest
    }

    /// The directory the set was loaded from (`mappings` for the compiled set).
    ///
    /// ```
    /// assert_eq!(psp_status::Tables::compiled().dir(), "mappings");
    /// ```
    pub fn dir(&self) -> &str {
        self.dir
    }

    /// The set as the shared lookup code takes it, borrowed for as long as `self`.
    #[inline(always)]
    pub(crate) fn set(&self) -> TableSet<'_> {
        self.set
    }

    /// [`crate::classify`] in this set.
    ///
    /// ```
    /// use psp_status::{alma, Tables, Code};
    /// let c = Tables::compiled().classify(alma::PAYMENT_STATE, "scored_maybe");
    /// assert_eq!(c.code, Code::WaitingPartnerResponse);
    /// ```
    #[inline]
    pub fn classify<'a>(&self, field: impl Into<Field>, raw: &'a str) -> ClassificationOf<'a, '_> {
        classify_in(self.set(), field.into(), raw.as_bytes())
    }

    /// [`crate::classify_bytes`] in this set.
    ///
    /// ```
    /// use psp_status::{alma, Tables, Matched};
    /// let c = Tables::compiled().classify_bytes(alma::PAYMENT_STATE, b"\xff");
    /// assert_eq!(c.matched, Matched::Unmapped);
    /// ```
    #[inline]
    pub fn classify_bytes<'a>(
        &self,
        field: impl Into<Field>,
        raw: &'a [u8],
    ) -> ClassificationOf<'a, '_> {
        classify_in(self.set(), field.into(), raw)
    }

    /// [`crate::lookup`] in this set: the answer without the raw value, in two registers.
    ///
    /// ```
    /// use psp_status::{alma, Tables, State};
    /// let a = Tables::compiled().lookup(alma::PAYMENT_STATE, b"paid");
    /// assert_eq!(a.state(), State::Success);
    /// ```
    #[inline]
    pub fn lookup(&self, field: impl Into<Field>, raw: &[u8]) -> AnswerOf<'_> {
        lookup_in(self.set(), field.into(), raw)
    }

    /// [`crate::resolve`] in this set, by this set's precedence.
    ///
    /// ```
    /// use psp_status::{stripe, Tables, State};
    /// let c = Tables::compiled().resolve(&[
    ///     (stripe::PAYMENT_INTENT_STATUS, "requires_payment_method"),
    ///     (stripe::DECLINE_CODE, "insufficient_funds"),
    /// ]);
    /// assert_eq!(c.state, State::Error);
    /// ```
    #[inline]
    pub fn resolve<'a, F: ProviderField>(
        &self,
        signals: &[(F, &'a str)],
    ) -> ClassificationOf<'a, '_> {
        pick(self.set(), F::PROVIDER, signals.len(), |i| {
            (signals[i].0.into().surface, signals[i].1.as_bytes())
        })
    }

    /// [`crate::resolve_bytes`] in this set.
    ///
    /// ```
    /// use psp_status::{alma, Tables, State};
    /// let c = Tables::compiled().resolve_bytes(&[(alma::PAYMENT_STATE, b"paid".as_slice())]);
    /// assert_eq!(c.state, State::Success);
    /// ```
    #[inline]
    pub fn resolve_bytes<'a, F: ProviderField>(
        &self,
        signals: &[(F, &'a [u8])],
    ) -> ClassificationOf<'a, '_> {
        pick(self.set(), F::PROVIDER, signals.len(), |i| {
            (signals[i].0.into().surface, signals[i].1)
        })
    }

    /// [`Provider::resolve_bytes`] in this set: fields known at run time, all `provider`'s.
    ///
    /// ```
    /// use psp_status::{Provider, Tables, State};
    /// let f = Provider::Alma.field("payment.state").unwrap();
    /// let c = Tables::compiled().resolve_fields(Provider::Alma, &[(f, b"paid".as_slice())]);
    /// assert_eq!(c.unwrap().state, State::Success);
    /// ```
    pub fn resolve_fields<'a>(
        &self,
        provider: Provider,
        signals: &[(Field, &'a [u8])],
    ) -> Result<ClassificationOf<'a, '_>, FieldError> {
        if let Some((field, _)) = signals.iter().find(|(f, _)| f.provider != provider) {
            return Err(FieldError::OtherProvider {
                provider,
                field: *field,
            });
        }
        Ok(pick(self.set(), provider, signals.len(), |i| {
            (signals[i].0.surface, signals[i].1)
        }))
    }

    /// A provider's surfaces, most specific first, as this set orders them.
    ///
    /// ```
    /// use psp_status::{Provider, Tables};
    /// assert_eq!(Tables::compiled().precedence(Provider::Stripe), Provider::Stripe.precedence());
    /// ```
    pub fn precedence(&self, provider: Provider) -> &[Field] {
        self.set().providers[provider as usize].precedence
    }

    /// Every entry of the set (exact values, rules, defaults), provider by provider, surface
    /// by surface, in file order.
    ///
    /// ```
    /// assert_eq!(psp_status::Tables::compiled().entries().count(), psp_status::entries().count());
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = &EntryOf<'_>> {
        let set = self.set();
        set.providers
            .iter()
            .flat_map(move |p| p.fields.iter())
            .map(move |f| set.table(f.provider, f.surface))
            .flat_map(|t| t.all())
    }

    /// The entry of this set with this anchor (`stripe/decline_code/do_not_honor`).
    ///
    /// ```
    /// let t = psp_status::Tables::compiled();
    /// assert!(t.entry_by_anchor("alma/payment.state/scored_no").is_some());
    /// ```
    pub fn entry_by_anchor(&self, anchor: &str) -> Option<&EntryOf<'_>> {
        if self.is_compiled() {
            return crate::Entry::by_anchor(anchor);
        }
        self.entries().find(|e| e.anchor() == anchor)
    }
}

#[cfg(test)]
mod tests {
    /// The interpreted rules of a loaded table match as the compiled rule functions do.
    #[test]
    fn interpreted_rules_match_the_compiled_ones() {
        let values: &[&[u8]] = &[
            b"",
            b"0",
            b"20051",
            b"00020051",
            b"99999999999999999999",
            b"validation_error_x",
            b"VALIDATION_ERROR_X",
            b"abc",
            b"1",
            b"300",
            b"4000",
            b"10000",
            b"50000",
        ];
        let mut checked = 0;
        for t in crate::generated::SURFACE_TABLES.iter() {
            let Some(compiled) = t.rule else { continue };
            let mut probes: Vec<Vec<u8>> = values.iter().map(|v| v.to_vec()).collect();
            for e in t.rules {
                if let crate::MatcherOf::Prefix(p) = e.matcher {
                    probes.push(p.as_bytes().to_vec());
                    probes.push(format!("{p}x").into_bytes());
                    probes.push(p.to_ascii_uppercase().into_bytes());
                    probes.push(p.as_bytes()[..p.len() - 1].to_vec());
                }
                if let crate::MatcherOf::Range(a, b) = e.matcher {
                    for n in [a, b, a.saturating_sub(1), b.saturating_add(1)] {
                        probes.push(n.to_string().into_bytes());
                        probes.push(format!("00{n}").into_bytes());
                    }
                }
            }
            let (Some(rest), Some(rest_answer)) = (t.rest, t.rest_answer) else {
                panic!("{:?}: a table with rules has its rest functions", t.surface)
            };
            for p in &probes {
                let a = compiled(p).map(|e| e.anchor);
                let b = crate::table::first_rule(t.rules, t.case_insensitive, p).map(|e| e.anchor);
                assert_eq!(a, b, "{:?} {:?}", t.surface, String::from_utf8_lossy(p));
                // What the hot path's miss jumps to: the rule, else the default (never for an
                // empty value), else unmapped with the table's operation.
                let found = b.or(if p.is_empty() {
                    None
                } else {
                    t.default.map(|e| e.anchor)
                });
                assert_eq!(rest(p).map(|e| e.anchor), found, "{:?}", t.surface);
                let c = rest_answer(p).with_raw(p);
                assert_eq!(c.entry().map(|e| e.anchor), found, "{:?}", t.surface);
                assert_eq!(c.raw, p.as_slice());
                assert_eq!(c.surface, t.surface);
                if found.is_none() {
                    assert_eq!(
                        (c.state, c.code),
                        (crate::State::Uncertain, crate::Code::Unmapped)
                    );
                    assert_eq!(c.operation, t.operation);
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
