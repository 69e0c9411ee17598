//! The hot path: `classify` one value, `resolve` several signals of one response.
//!
//! No allocation, no I/O, no panic, whatever the bytes: an unknown provider/surface pair or an
//! unknown value comes back as the explicit unmapped result (UNCERTAIN / UNMAPPED) that keeps
//! the raw value.

use crate::entry::{EntryOf, Head};
use crate::field::FieldError;
use crate::generated::NO_TABLE;
use crate::table::{SlotOf, SurfaceTable, SurfaceTableOf, TableSet};
use crate::Lang;
use crate::{
    Code, Field, Operation, Provider, ProviderField, Retry, State, Surface, TABLE_VERSION,
};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::borrow::Cow;

/// How a value was matched.
///
/// ```
/// use psp_status::{alma, classify, Matched};
/// assert_eq!(classify(alma::PAYMENT_STATE, "paid").matched, Matched::Exact);
/// assert_eq!(classify(alma::PAYMENT_STATE, "??").matched, Matched::Unmapped);
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

/// The answer for one value from the compiled tables: state, code, operation, how it
/// matched, the raw value and the `'static` entry it came from.
///
/// ```
/// use psp_status::{alma, classify, Code, State};
/// let c = classify(alma::PAYMENT_STATE, "scored_maybe");
/// assert_eq!((c.state, c.code), (State::Waiting, Code::WaitingPartnerResponse));
/// assert_eq!(c.raw, b"scored_maybe");
/// ```
pub type Classification<'a> = ClassificationOf<'a, 'static>;

/// The answer for one value: the raw value borrowed for `'a`, the entry and its text from
/// tables that live for `'t` (`'static` for the compiled ones: [`Classification`]; a loaded
/// [`Tables`](crate::Tables) for as long as it is borrowed).
///
/// ```
/// use psp_status::{alma, classify, ClassificationOf, State};
/// let c: ClassificationOf<'_, 'static> = classify(alma::PAYMENT_STATE, "paid");
/// assert_eq!(c.state, State::Success);
/// ```
// repr(C), the six kinds in the order of `entry::Head`: building one from an entry copies them
// as one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct ClassificationOf<'a, 't> {
    /// The value as received, byte for byte.
    pub raw: &'a [u8],
    entry: Option<&'t EntryOf<'t>>,
    /// The provider asked about.
    pub provider: Provider,
    /// The surface the value arrived in.
    pub surface: Surface,
    /// What to do next.
    pub state: State,
    /// Why.
    pub code: Code,
    /// The operation it reports on, when the tables know it.
    pub operation: Option<Operation>,
    /// How it matched.
    pub matched: Matched,
}

/// The answer for one value without the value itself: two pointers, returned in two registers
/// (the entry, and the six kinds next to it in the table). What [`lookup`] gives, for a call
/// site that already holds the raw value; [`AnswerOf::with_raw`] makes it a
/// [`ClassificationOf`].
///
/// ```
/// use psp_status::{alma, lookup, Code, State};
/// let a = lookup(alma::PAYMENT_STATE, b"scored_maybe");
/// assert_eq!((a.state(), a.code()), (State::Waiting, Code::WaitingPartnerResponse));
/// assert_eq!(std::mem::size_of_val(&a), 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerOf<'t> {
    entry: Option<&'t EntryOf<'t>>,
    /// The kinds: the slot's copy on an exact hit (the cache line the probe just read), the
    /// entry's for a rule or default, the table's `unmapped` when nothing matched.
    head: &'t Head,
}

/// The answer from the compiled tables (see [`AnswerOf`]).
///
/// ```
/// use psp_status::{alma, lookup, Answer, Matched};
/// let a: Answer = lookup(alma::PAYMENT_STATE, b"paid");
/// assert_eq!(a.matched(), Matched::Exact);
/// ```
pub type Answer = AnswerOf<'static>;

impl<'t> AnswerOf<'t> {
    /// The answer of an exact value's slot (the same as its entry's, from one cache line).
    #[inline(always)]
    fn from_slot(slot: &'t SlotOf<'t>) -> Self {
        AnswerOf {
            entry: Some(slot.entry),
            head: &slot.head,
        }
    }

    /// The answer an entry gives (how it matched is the entry's role: exact, rule, default).
    #[inline(always)]
    fn from_entry(entry: &'t EntryOf<'t>) -> Self {
        AnswerOf {
            entry: Some(entry),
            head: &entry.head,
        }
    }

    /// The explicit fallback on a table: UNCERTAIN / UNMAPPED with the surface's operation.
    #[inline(always)]
    fn unmapped_in(table: &'t SurfaceTableOf<'t>) -> Self {
        AnswerOf {
            entry: None,
            head: &table.unmapped,
        }
    }

    /// The whole [`ClassificationOf`], with the raw value the answer was looked up for.
    ///
    /// ```
    /// use psp_status::{alma, classify_bytes, lookup};
    /// let raw = b"scored_no";
    /// assert_eq!(lookup(alma::PAYMENT_STATE, raw).with_raw(raw), classify_bytes(alma::PAYMENT_STATE, raw));
    /// ```
    #[inline(always)]
    pub fn with_raw<'a>(self, raw: &'a [u8]) -> ClassificationOf<'a, 't> {
        let h = *self.head;
        ClassificationOf {
            raw,
            entry: self.entry,
            provider: h.provider,
            surface: h.surface,
            state: h.state,
            code: h.code,
            operation: h.operation,
            matched: h.matched,
        }
    }

    /// What to do next.
    ///
    /// ```
    /// use psp_status::{alma, lookup, State};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"paid").state(), State::Success);
    /// ```
    #[inline(always)]
    pub fn state(&self) -> State {
        self.head.state
    }

    /// Why.
    ///
    /// ```
    /// use psp_status::{alma, lookup, Code};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"??").code(), Code::Unmapped);
    /// ```
    #[inline(always)]
    pub fn code(&self) -> Code {
        self.head.code
    }

    /// The operation it reports on, when the tables know it.
    ///
    /// ```
    /// use psp_status::{alma, lookup};
    /// let a = lookup(alma::PAYMENT_STATE, b"paid");
    /// assert_eq!(a.operation(), psp_status::classify(alma::PAYMENT_STATE, "paid").operation);
    /// ```
    #[inline(always)]
    pub fn operation(&self) -> Option<Operation> {
        self.head.operation
    }

    /// How it matched.
    ///
    /// ```
    /// use psp_status::{alma, lookup, Matched};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"??").matched(), Matched::Unmapped);
    /// ```
    #[inline(always)]
    pub fn matched(&self) -> Matched {
        self.head.matched
    }

    /// The field the value arrived in.
    ///
    /// ```
    /// use psp_status::{alma, lookup};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"paid").field(), alma::PAYMENT_STATE);
    /// ```
    #[inline(always)]
    pub fn field(&self) -> Field {
        Field {
            provider: self.head.provider,
            surface: self.head.surface,
        }
    }

    /// The table entry behind the answer (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{alma, lookup};
    /// assert!(lookup(alma::PAYMENT_STATE, b"paid").entry().is_some());
    /// ```
    #[inline(always)]
    pub fn entry(&self) -> Option<&'t EntryOf<'t>> {
        self.entry
    }

    /// What the value means: the entry's description, or the UNMAPPED code's.
    ///
    /// ```
    /// use psp_status::{alma, lookup};
    /// assert!(!lookup(alma::PAYMENT_STATE, b"zzz").description().is_empty());
    /// ```
    pub fn description(&self) -> &'t str {
        self.entry
            .map_or(self.head.code.description(), |e| e.description)
    }

    /// The public source the entry rests on (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{alma, lookup};
    /// assert!(lookup(alma::PAYMENT_STATE, b"zzz").source().is_none());
    /// ```
    pub fn source(&self) -> Option<&'t str> {
        self.entry.map(|e| e.source)
    }

    /// Retry advice for this state and code.
    ///
    /// ```
    /// use psp_status::{alma, lookup, Retry};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"zzz").retry(), Retry::AfterVerifying);
    /// ```
    pub fn retry(&self) -> Retry {
        self.head.code.retry(self.head.state)
    }

    /// The message that is safe to show the shopper, in `lang`: the entry's own where it knows
    /// better than its code, else the taxonomy's for this code and state (UNMAPPED's when
    /// unmapped). It never says why a bank or a risk engine refused.
    ///
    /// ```
    /// use psp_status::{alma, lookup, Code, Lang};
    /// let a = lookup(alma::PAYMENT_STATE, b"nobody_knows");
    /// assert_eq!(a.shopper_message(Lang::En), Code::Unmapped.shopper_message(Lang::En));
    /// ```
    pub fn shopper_message(&self, lang: Lang) -> &'t str {
        match self.entry {
            Some(e) => e.shopper_message(lang),
            None => self.head.code.shopper_message(lang),
        }
    }

    /// What a support agent should do (may name the real reason), resolved like
    /// [`AnswerOf::shopper_message`].
    ///
    /// ```
    /// use psp_status::{alma, lookup, Code};
    /// assert_eq!(lookup(alma::PAYMENT_STATE, b"nobody_knows").agent_action(), Code::Unmapped.agent_action());
    /// ```
    pub fn agent_action(&self) -> &'t str {
        match self.entry {
            Some(e) => e.agent_action(),
            None => self.head.code.agent_action(),
        }
    }
}

impl<'a> Classification<'a> {
    /// The explicit fallback: UNCERTAIN / UNMAPPED, keeping the raw value.
    ///
    /// ```
    /// use psp_status::{alma, Classification, Code, State};
    /// let c = Classification::unmapped(alma::PAYMENT_STATE, b"x");
    /// assert_eq!((c.state, c.code), (State::Uncertain, Code::Unmapped));
    /// ```
    pub fn unmapped(field: impl Into<Field>, raw: &'a [u8]) -> Self {
        let field = field.into();
        Classification {
            raw,
            entry: None,
            provider: field.provider,
            surface: field.surface,
            state: State::Uncertain,
            code: Code::Unmapped,
            operation: surface_table(field).and_then(|t| t.operation),
            matched: Matched::Unmapped,
        }
    }
}

impl<'a, 't> ClassificationOf<'a, 't> {
    /// The field the deciding value arrived in.
    ///
    /// ```
    /// use psp_status::{alma, classify};
    /// assert_eq!(classify(alma::PAYMENT_STATE, "paid").field(), alma::PAYMENT_STATE);
    /// ```
    pub fn field(&self) -> Field {
        Field {
            provider: self.provider,
            surface: self.surface,
        }
    }

    /// The table entry behind the answer (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{alma, classify};
    /// let c = classify(alma::PAYMENT_STATE, "paid");
    /// assert!(c.entry().unwrap().source.starts_with("https://"));
    /// ```
    pub fn entry(&self) -> Option<&'t EntryOf<'t>> {
        self.entry
    }

    /// What the value means: the entry's description, or the UNMAPPED code's.
    ///
    /// ```
    /// use psp_status::{alma, classify};
    /// assert!(!classify(alma::PAYMENT_STATE, "zzz").description().is_empty());
    /// ```
    pub fn description(&self) -> &'t str {
        self.entry
            .map_or(self.code.description(), |e| e.description)
    }

    /// The public source the entry rests on (`None` when unmapped).
    ///
    /// ```
    /// use psp_status::{alma, classify};
    /// assert!(classify(alma::PAYMENT_STATE, "zzz").source().is_none());
    /// ```
    pub fn source(&self) -> Option<&'t str> {
        self.entry.map(|e| e.source)
    }

    /// Retry advice for this state and code.
    ///
    /// ```
    /// use psp_status::{alma, classify, Retry};
    /// assert_eq!(classify(alma::PAYMENT_STATE, "zzz").retry(), Retry::AfterVerifying);
    /// ```
    pub fn retry(&self) -> Retry {
        self.code.retry(self.state)
    }

    /// The message that is safe to show the shopper, in `lang`: the entry's own where it knows
    /// better than its code, else the taxonomy's for this code and state (UNMAPPED's when
    /// unmapped). It never says why a bank or a risk engine refused.
    ///
    /// ```
    /// use psp_status::{alma, classify, Code, Lang};
    /// let c = classify(alma::PAYMENT_STATE, "nobody_knows");
    /// assert_eq!(c.shopper_message(Lang::En), Code::Unmapped.shopper_message(Lang::En));
    /// assert!(!classify(alma::PAYMENT_STATE, "paid").shopper_message(Lang::Fr).is_empty());
    /// ```
    pub fn shopper_message(&self, lang: Lang) -> &'t str {
        match self.entry {
            Some(e) => e.shopper_message(lang),
            None => self.code.shopper_message(lang),
        }
    }

    /// What a support agent should do (may name the real reason), resolved like
    /// [`Classification::shopper_message`].
    ///
    /// ```
    /// use psp_status::{alma, classify, Code};
    /// let c = classify(alma::PAYMENT_STATE, "nobody_knows");
    /// assert_eq!(c.agent_action(), Code::Unmapped.agent_action());
    /// ```
    pub fn agent_action(&self) -> &'t str {
        match self.entry {
            Some(e) => e.agent_action(),
            None => self.code.agent_action(),
        }
    }

    /// The raw value as text, when it is UTF-8.
    ///
    /// ```
    /// use psp_status::{alma, classify_bytes};
    /// assert_eq!(classify_bytes(alma::PAYMENT_STATE, b"\xff").raw_str(), None);
    /// ```
    pub fn raw_str(&self) -> Option<&'a str> {
        std::str::from_utf8(self.raw).ok()
    }

    /// The raw value as text, invalid UTF-8 replaced by U+FFFD (allocates only then).
    ///
    /// ```
    /// use psp_status::{alma, classify_bytes};
    /// assert_eq!(classify_bytes(alma::PAYMENT_STATE, b"a\xff").raw_lossy(), "a\u{fffd}");
    /// ```
    pub fn raw_lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.raw)
    }
}

impl Serialize for ClassificationOf<'_, '_> {
    /// The JSON shape of the CLI and the batch outputs. `table_version` names the compiled
    /// tables ([`TABLE_VERSION`]); the CLI writes a loaded set's own version instead.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Classification", 14)?;
        st.serialize_field("provider", &self.provider)?;
        st.serialize_field("surface", &self.surface)?;
        st.serialize_field("raw", &self.raw_lossy())?;
        st.serialize_field("state", &self.state)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("operation", &self.operation)?;
        st.serialize_field("matched", &self.matched)?;
        st.serialize_field("retry", &self.retry())?;
        st.serialize_field("description", self.description())?;
        st.serialize_field(
            "shopper_messages",
            &[
                ("en", self.shopper_message(Lang::En)),
                ("fr", self.shopper_message(Lang::Fr)),
            ]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
        )?;
        st.serialize_field("agent_action", self.agent_action())?;
        st.serialize_field("source", &self.source())?;
        st.serialize_field("anchor", &self.entry.map(|e| e.anchor()))?;
        st.serialize_field("table_version", TABLE_VERSION)?;
        st.end()
    }
}

/// The compiled table of (provider, surface), `NO_TABLE` (empty, no rules, no default) when
/// the provider has no such surface: one load, no branch.
#[inline(always)]
fn table_of(provider: Provider, surface: Surface) -> &'static SurfaceTable {
    TableSet::COMPILED.table(provider, surface)
}

/// The table of a field (`None` only for a pair the tables lack, which no `Field` holds once
/// built by [`Field::new`]).
#[inline]
pub(crate) fn surface_table(field: Field) -> Option<&'static SurfaceTable> {
    let t = table_of(field.provider, field.surface);
    (!std::ptr::eq(t, &NO_TABLE)).then_some(t)
}

/// What a table gives for a value: the entry (whose `head` says how it matched), `None` when
/// unmapped.
type Found<'t> = Option<&'t EntryOf<'t>>;

/// The entry of `raw` in `table`: exact, then rules (one call to the table's compiled rules,
/// if it has any), then the default. An empty value says nothing, so it never takes the
/// default: it is unmapped.
#[inline(always)]
fn find<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> Found<'t> {
    if let Some(s) = table.exact(raw) {
        return Some(s.entry);
    }
    find_rest(table, raw)
}

/// [`find`] after the exact values missed.
#[inline(always)]
fn find_rule<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> Found<'t> {
    if let Some(e) = table.rule(raw) {
        return Some(e);
    }
    if raw.is_empty() {
        return None;
    }
    table.default
}

/// The answer on `surface`, given what [`find`] found.
#[inline(always)]
fn answer_of<'t>(table: &'t SurfaceTableOf<'t>, found: Found<'t>) -> AnswerOf<'t> {
    match found {
        Some(e) => AnswerOf::from_entry(e),
        None => AnswerOf::unmapped_in(table),
    }
}

/// [`lookup`] for what [`SurfaceTableOf::exact_fast`] leaves out (longer values,
/// case-insensitive surfaces): the whole lookup, out of line.
#[inline(never)]
fn answer_slow<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> AnswerOf<'t> {
    match table.exact(raw) {
        Some(s) => AnswerOf::from_slot(s),
        None => answer_rest(table, raw),
    }
}

/// [`lookup`] after the exact values missed: rules, default or unmapped. Out of line, so that
/// the hit path (inlined wherever `lookup` is) calls nothing and saves no registers. A
/// compiled table with rules answers in its generated `rest_answer` function (its rules
/// inlined there); a table without rules needs no call.
#[inline(never)]
fn answer_rest<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> AnswerOf<'t> {
    if let Some(rest_answer) = table.rest_answer {
        return rest_answer(raw);
    }
    if !table.rules.is_empty() {
        return answer_rules(table, raw);
    }
    answer_of(table, default_of(table, raw))
}

/// [`answer_rest`] on a loaded table with rules: the rules tried in order, then the default.
#[inline(never)]
fn answer_rules<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> AnswerOf<'t> {
    answer_of(table, find_rule(table, raw))
}

/// The default of `table` for a value no entry or rule matched: never for an empty value.
#[inline(always)]
fn default_of<'t>(table: &SurfaceTableOf<'t>, raw: &[u8]) -> Found<'t> {
    if raw.is_empty() {
        None
    } else {
        table.default
    }
}

/// What `table` gives for `raw` after its exact values missed: a rule's entry, else the
/// default, else `None` (unmapped). Out of line, returning one pointer in a register; a
/// compiled table with rules answers in its generated `rest` function (a tail jump).
#[inline(never)]
fn find_rest<'t>(table: &'t SurfaceTableOf<'t>, raw: &[u8]) -> Found<'t> {
    match table.rest {
        Some(rest) => rest(raw),
        None => find_rule(table, raw),
    }
}

/// What a compiled table gives after its exact values missed, given what its rules found (the
/// body of the generated `rest` functions, `RestFn`, with the table's own rules inlined).
#[inline(always)]
pub(crate) fn rest_compiled(
    table: &'static SurfaceTable,
    rule: Option<&'static crate::entry::Entry>,
    raw: &[u8],
) -> Found<'static> {
    match rule {
        Some(e) => Some(e),
        None => default_of(table, raw),
    }
}

/// The answer of a compiled table after its exact values missed (the body of the generated
/// `rest_answer` functions, `RestAnswerFn`): [`rest_compiled`]'s entry, or unmapped.
#[inline(always)]
pub(crate) fn rest_answer_compiled(table: &'static SurfaceTable, found: Found<'static>) -> Answer {
    answer_of(table, found)
}

/// Classifies one value that arrived in `field`: a provider's constant
/// (`psp_status::alma::PAYMENT_STATE`) or a [`Field`] parsed at run time.
///
/// ```
/// use psp_status::{alma, classify, Field, State};
/// let c = classify(alma::PAYMENT_STATE, "scored_no");
/// assert_eq!(c.state, State::Error);
/// let dynamic: Field = "alma/payment.state".parse().unwrap();
/// assert_eq!(classify(dynamic, "scored_no"), c);
/// ```
#[inline]
pub fn classify(field: impl Into<Field>, raw: &str) -> Classification<'_> {
    classify_bytes(field, raw.as_bytes())
}

/// Classifies one value given as bytes (no UTF-8 validation: any bytes are fine).
///
/// ```
/// use psp_status::{alma, classify_bytes, Matched};
/// assert_eq!(classify_bytes(alma::PAYMENT_STATE, b"\xc3\x28").matched, Matched::Unmapped);
/// ```
#[inline]
pub fn classify_bytes(field: impl Into<Field>, raw: &[u8]) -> Classification<'_> {
    classify_in(TableSet::COMPILED, field.into(), raw)
}

/// [`classify_bytes`] in any set of tables: [`lookup_in`] and the raw value.
#[inline(always)]
pub(crate) fn classify_in<'a, 't>(
    set: TableSet<'t>,
    field: Field,
    raw: &'a [u8],
) -> ClassificationOf<'a, 't> {
    lookup_in(set, field, raw).with_raw(raw)
}

/// [`lookup`] in any set of tables: the one implementation the compiled and the loaded tables
/// share. The exact probe is inlined; a miss tail-calls [`answer_rest`], a value the inlined
/// probe leaves out [`answer_slow`].
#[inline(always)]
pub(crate) fn lookup_in<'t>(set: TableSet<'t>, field: Field, raw: &[u8]) -> AnswerOf<'t> {
    let Field { provider, surface } = field;
    let table = set.table(provider, surface);
    match table.exact_fast(raw) {
        Some(Some(s)) => AnswerOf::from_slot(s),
        Some(None) => answer_rest(table, raw),
        None => answer_slow(table, raw),
    }
}

/// Looks one value up and returns the [`Answer`] without the raw value: 16 bytes in two
/// registers, the fastest call (what [`classify_bytes`] does, less building the 32-byte
/// [`Classification`] in memory). [`AnswerOf::with_raw`] turns it into the classification.
///
/// ```
/// use psp_status::{checkout, lookup, Code, Matched, State};
/// let a = lookup(checkout::RESPONSE_CODE, b"20051");
/// assert_eq!((a.state(), a.code()), (State::Error, Code::InsufficientFunds));
/// assert_eq!(lookup(checkout::RESPONSE_CODE, b"20999").matched(), Matched::Rule);
/// ```
#[inline]
pub fn lookup(field: impl Into<Field>, raw: &[u8]) -> Answer {
    lookup_in(TableSet::COMPILED, field.into(), raw)
}

/// Resolves several signals of one response (e.g. a status and a decline code) into one answer.
///
/// **Precedence.** A signal whose surface is more specific (earlier in the provider's
/// [`precedence`](Provider::precedence)) and that matched anything (an exact entry, a rule or
/// the surface's default) outranks every signal on a less specific surface, however those
/// matched. Unmapped signals rank after all matched ones, most specific first. Between two
/// signals on the same surface, the one that matched, then the earlier one, wins. With no
/// signals at all the answer is unmapped on the provider's most specific surface with an empty
/// raw value.
///
/// So a Stripe decline code the tables do not list (it takes the `decline_code` default, a
/// bank decline) still outranks `payment_intent.status=requires_payment_method`, which alone
/// would say the customer has to act.
///
/// The signals are one provider's fields (`stripe::DECLINE_CODE`, …), so two providers cannot
/// be mixed; for names known only at run time use [`Provider::resolve`].
///
/// ```
/// use psp_status::{resolve, stripe, Code, State};
/// let c = resolve(&[
///     (stripe::PAYMENT_INTENT_STATUS, "requires_payment_method"),
///     (stripe::DECLINE_CODE, "insufficient_funds"),
/// ]);
/// assert_eq!((c.state, c.code), (State::Error, Code::InsufficientFunds));
///
/// let unknown = resolve(&[
///     (stripe::PAYMENT_INTENT_STATUS, "requires_payment_method"),
///     (stripe::DECLINE_CODE, "a_code_stripe_adds_later"),
/// ]);
/// assert_eq!((unknown.state, unknown.code), (State::Error, Code::RejectedBank));
/// ```
#[inline]
pub fn resolve<'a, F: ProviderField>(signals: &[(F, &'a str)]) -> Classification<'a> {
    pick(TableSet::COMPILED, F::PROVIDER, signals.len(), |i| {
        (signals[i].0.into().surface, signals[i].1.as_bytes())
    })
}

/// [`resolve`] over byte values.
///
/// ```
/// use psp_status::{alma, resolve_bytes, State};
/// let c = resolve_bytes(&[(alma::PAYMENT_STATE, b"paid".as_slice())]);
/// assert_eq!(c.state, State::Success);
/// ```
#[inline]
pub fn resolve_bytes<'a, F: ProviderField>(signals: &[(F, &'a [u8])]) -> Classification<'a> {
    pick(TableSet::COMPILED, F::PROVIDER, signals.len(), |i| {
        (signals[i].0.into().surface, signals[i].1)
    })
}

impl Provider {
    /// [`resolve`] for fields known only at run time: every field must be one of this
    /// provider's.
    ///
    /// ```
    /// use psp_status::{Field, FieldError, Provider, State};
    /// let status = Provider::Stripe.field("payment_intent.status").unwrap();
    /// let decline = Provider::Stripe.field("decline_code").unwrap();
    /// let c = Provider::Stripe.resolve(&[(status, "requires_payment_method"), (decline, "do_not_honor")]);
    /// assert_eq!(c.unwrap().state, State::Error);
    /// let alma: Field = "alma/payment.state".parse().unwrap();
    /// assert!(matches!(Provider::Stripe.resolve(&[(alma, "paid")]), Err(FieldError::OtherProvider { .. })));
    /// ```
    pub fn resolve<'a>(
        self,
        signals: &[(Field, &'a str)],
    ) -> Result<Classification<'a>, FieldError> {
        if let Some((field, _)) = signals.iter().find(|(f, _)| f.provider != self) {
            return Err(FieldError::OtherProvider {
                provider: self,
                field: *field,
            });
        }
        Ok(pick(TableSet::COMPILED, self, signals.len(), |i| {
            (signals[i].0.surface, signals[i].1.as_bytes())
        }))
    }

    /// [`Provider::resolve`] over byte values.
    ///
    /// ```
    /// use psp_status::{Provider, State};
    /// let f = Provider::Alma.field("payment.state").unwrap();
    /// assert_eq!(Provider::Alma.resolve_bytes(&[(f, b"paid".as_slice())]).unwrap().state, State::Success);
    /// ```
    pub fn resolve_bytes<'a>(
        self,
        signals: &[(Field, &'a [u8])],
    ) -> Result<Classification<'a>, FieldError> {
        if let Some((field, _)) = signals.iter().find(|(f, _)| f.provider != self) {
            return Err(FieldError::OtherProvider {
                provider: self,
                field: *field,
            });
        }
        Ok(pick(TableSet::COMPILED, self, signals.len(), |i| {
            (signals[i].0.surface, signals[i].1)
        }))
    }
}

/// [`resolve`] over surfaces already checked to be `provider`'s (the batch kernel's path; a
/// surface the provider lacks would rank last, unmapped).
#[inline]
pub(crate) fn resolve_surfaces<'a, 't>(
    set: TableSet<'t>,
    provider: Provider,
    signals: &[(Surface, &'a [u8])],
) -> ClassificationOf<'a, 't> {
    pick(set, provider, signals.len(), |i| signals[i])
}

/// The best of `n` signals under [`resolve`]'s rule: lower (unmapped, precedence rank) wins,
/// ties keep the earlier signal. Only the winner becomes a [`Classification`].
#[inline(always)]
pub(crate) fn pick<'a, 't>(
    set: TableSet<'t>,
    provider: Provider,
    n: usize,
    signal: impl Fn(usize) -> (Surface, &'a [u8]),
) -> ClassificationOf<'a, 't> {
    // (key, signal index, what it found); key = unmapped << 8 | rank: any match (exact, rule
    // or default) on a more specific surface beats everything on a less specific one.
    let mut best: Option<(u32, usize, Found<'t>)> = None;
    for i in 0..n {
        let (surface, raw) = signal(i);
        let table = set.table(provider, surface);
        let found = find(table, raw);
        let class = u32::from(found.is_none());
        let rank = u32::from(table.rank);
        let key = (class << 8) | rank;
        if best.as_ref().is_none_or(|(k, _, _)| key < *k) {
            best = Some((key, i, found));
        }
    }
    match best {
        Some((_, i, found)) => {
            let (surface, raw) = signal(i);
            answer_of(set.table(provider, surface), found).with_raw(raw)
        }
        None => {
            let first = set.providers[provider as usize].precedence[0];
            let table = set.table(first.provider, first.surface);
            answer_of(table, None).with_raw(b"")
        }
    }
}
