//! Writes the Rust code psp-status includes from OUT_DIR: the enums (State, Code, Operation,
//! Provider, Surface), the per-surface perfect-hash tables, the taxonomy data and the anchor map.
//!
//! The output refers to types defined in psp-status (`Entry`, `Matcher`, `SurfaceTable`, `Slot`,
//! `RuleMatcher`, `CodeInfo`, `ProviderInfo`, `Retry`), so the generated file is only meaningful there.

use crate::phash;
use crate::tables::{EntrySpec, MatcherSpec, Tables};
use std::fmt::Write;

/// The words of a surface name, segment by segment (`payment_intent.status` →
/// `[["payment", "intent"], ["status"]]`).
fn segments(name: &str) -> Vec<Vec<&str>> {
    name.split('.')
        .map(|seg| seg.split('_').filter(|w| !w.is_empty()).collect())
        .collect()
}

/// Joins the words of `name` with `word` (one word: `Fn(&str) -> String`) inside a segment and
/// `dot` between segments, prefixing `S` when the result would start with a digit.
fn join_words(name: &str, word: impl Fn(&str) -> String, inner: &str, dot: &str) -> String {
    let mut out = segments(name)
        .iter()
        .map(|seg| seg.iter().map(|w| word(w)).collect::<Vec<_>>().join(inner))
        .collect::<Vec<_>>()
        .join(dot);
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'S');
    }
    out
}

/// The `Surface` variant of every surface name: its words in UpperCamelCase
/// (`payment_intent.status` → `PaymentIntentStatus`, `payment.state` → `PaymentState`).
///
/// Where two names give the same words (Stripe's `error.code`, Alma's `error_code`), a dotted
/// name spells each of its dots as `Dot` (`ErrorDotCode`) and the other keeps the plain form
/// (`ErrorCode`). The rule depends on the whole set of names, so it is computed once for all of
/// them; names the validator lets through never collide after it.
///
/// ```
/// use psp_status_build::codegen::surface_idents;
/// let ids = surface_idents(["payment_intent.status", "error_code", "error.code", "3ds.status"]);
/// assert_eq!(ids["payment_intent.status"], "PaymentIntentStatus");
/// assert_eq!(ids["error_code"], "ErrorCode");
/// assert_eq!(ids["error.code"], "ErrorDotCode");
/// assert_eq!(ids["3ds.status"], "S3dsStatus");
/// ```
pub fn surface_idents<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<&'a str, String> {
    disambiguate(
        names,
        |name, dot| join_words(name, camel, "", dot),
        "",
        "Dot",
    )
}

/// The constant a surface becomes in its provider's module: its words in SCREAMING_SNAKE_CASE
/// (`payment_intent.status` → `PAYMENT_INTENT_STATUS`), with the same rule as
/// [`surface_idents`] for names whose words collide within one provider (`ERROR_DOT_CODE`).
///
/// ```
/// use psp_status_build::codegen::surface_consts;
/// let c = surface_consts(["decline_code", "payment_intent.status"]);
/// assert_eq!(c["payment_intent.status"], "PAYMENT_INTENT_STATUS");
/// ```
pub fn surface_consts<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<&'a str, String> {
    disambiguate(
        names,
        |name, dot| join_words(name, |w| w.to_ascii_uppercase(), "_", dot),
        "_",
        "_DOT_",
    )
}

/// Names every wire name with `form(name, plain)` (`plain` between segments), or
/// `form(name, clash)` for a dotted name whose plain form collides with another name's.
fn disambiguate<'a>(
    names: impl IntoIterator<Item = &'a str>,
    form: impl Fn(&str, &str) -> String,
    plain: &str,
    clash: &str,
) -> std::collections::BTreeMap<&'a str, String> {
    let names: std::collections::BTreeSet<&str> = names.into_iter().collect();
    let plain = |n: &str| form(n, plain);
    let mut count: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for n in &names {
        *count.entry(plain(n)).or_default() += 1;
    }
    names
        .iter()
        .map(|&n| {
            let p = plain(n);
            let ident = if count[&p] > 1 && n.contains('.') {
                form(n, clash)
            } else {
                p
            };
            (n, ident)
        })
        .collect()
}

/// Emits `let key: &[u8] = …;` into a generated lookup function over `raw`: `raw` itself, or,
/// when `fold`, its first `longest` bytes ASCII-lowercased in a stack buffer.
pub(crate) fn key_prologue(o: &mut String, fold: bool, longest: usize) {
    if fold {
        writeln!(o, "    let mut buf = [0u8; {longest}];").unwrap();
        writeln!(o, "    let n = raw.len().min({longest});").unwrap();
        writeln!(
            o,
            "    for (d, s) in buf.iter_mut().zip(&raw[..n]) {{ *d = s.to_ascii_lowercase(); }}"
        )
        .unwrap();
        writeln!(o, "    let key: &[u8] = &buf[..n];").unwrap();
    } else {
        writeln!(o, "    let key: &[u8] = raw;").unwrap();
    }
}

/// `SCREAMING_SNAKE` or `snake.case` → `CamelCase`.
///
/// ```
/// assert_eq!(psp_status_build::codegen::camel("TECHNICAL_ISSUE"), "TechnicalIssue");
/// ```
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    for part in name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'S');
    }
    out
}

/// The anchor of an entry, its stable name in the reference and in support tickets:
/// `provider/surface/raw` for an exact value, `provider/surface/prefix:P`,
/// `provider/surface/range:A-B` for rules and `provider/surface/:default` for the default.
///
/// Raw values and prefixes are percent-encoded outside `A-Z a-z 0-9 - . _ ~`, so an anchor is a
/// valid HTML id and URL fragment as it is, and an exact value (`default`, `a:b`) can never
/// collide with a rule's anchor.
///
/// ```
/// use psp_status_build::{codegen::anchor, MatcherSpec};
/// assert_eq!(anchor("stripe", "decline_code", &MatcherSpec::Exact("do_not_honor".into())),
///            "stripe/decline_code/do_not_honor");
/// assert_eq!(anchor("checkout", "payment.status", &MatcherSpec::Exact("Card Verified".into())),
///            "checkout/payment.status/Card%20Verified");
/// assert_eq!(anchor("alma", "payment.state", &MatcherSpec::Default), "alma/payment.state/:default");
/// ```
pub fn anchor(provider: &str, surface: &str, m: &MatcherSpec) -> String {
    match m {
        MatcherSpec::Exact(r) => format!("{provider}/{surface}/{}", encode(r)),
        MatcherSpec::Prefix(p) => format!("{provider}/{surface}/prefix:{}", encode(p)),
        MatcherSpec::Range(a, b) => format!("{provider}/{surface}/range:{a}-{b}"),
        MatcherSpec::Default => format!("{provider}/{surface}/:default"),
    }
}

/// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~`.
fn encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn no_aliases(_: &str) -> Vec<String> {
    Vec::new()
}

/// The names a provider is also known by, besides its id: its display name (`Checkout.com`),
/// when it differs from the id in more than ASCII case. `FromStr` compares ASCII
/// case-insensitively, so `CHECKOUT.COM` and `checkout.com` are read too.
///
/// ```
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings");
/// let tables = psp_status_build::load_dir(dir.as_ref()).unwrap();
/// assert_eq!(psp_status_build::codegen::provider_aliases(&tables, "checkout"), ["Checkout.com"]);
/// assert!(psp_status_build::codegen::provider_aliases(&tables, "stripe").is_empty());
/// ```
pub fn provider_aliases(t: &Tables, id: &str) -> Vec<String> {
    t.providers
        .iter()
        .filter(|p| p.id == id && !p.name.eq_ignore_ascii_case(&p.id))
        .map(|p| p.name.clone())
        .collect()
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn doc(out: &mut String, indent: &str, text: &str) {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    writeln!(out, "{indent}#[doc = {}]", lit(&one_line)).unwrap();
}

const DERIVES: &str = "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, \
strum::Display, strum::EnumString, strum::EnumIter, strum::IntoStaticStr, strum::EnumCount, \
serde::Serialize, serde::Deserialize)]";

/// One generated enum: `(identifier, wire name, description)` per variant, in order.
/// `aliases(wire)` lists other names `FromStr` accepts for a variant (`Display` stays the
/// wire name).
fn write_enum(
    out: &mut String,
    name: &str,
    about: &str,
    extra: &str,
    variants: &[(String, String, String)],
    aliases: &dyn Fn(&str) -> Vec<String>,
) {
    doc(out, "", about);
    writeln!(out, "{DERIVES}").unwrap();
    if !extra.is_empty() {
        writeln!(out, "{extra}").unwrap();
    }
    writeln!(out, "pub enum {name} {{").unwrap();
    for (ident, wire, description) in variants {
        doc(out, "    ", description);
        let also: String = aliases(wire)
            .iter()
            .map(|a| format!(", serialize = {}", lit(a)))
            .collect();
        writeln!(
            out,
            "    #[strum(to_string = {w}{also})]\n    #[serde(rename = {w})]\n    {ident},",
            w = lit(wire)
        )
        .unwrap();
    }
    writeln!(out, "}}\n").unwrap();
}

/// Generates the tables file. `command` names what produced it, for the header.
///
/// ```
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings");
/// let tables = psp_status_build::load_dir(dir.as_ref()).unwrap();
/// let code = psp_status_build::codegen::generate(&tables, "doc test");
/// assert!(code.contains("pub enum State"));
/// ```
pub fn generate(t: &Tables, command: &str) -> String {
    let mut o = String::with_capacity(1 << 20);
    writeln!(
        o,
        "// @generated by psp-status-build ({command}) from mappings/, table version {}, \
         digest {}.\n// Do not edit: change mappings/*.yaml and rebuild.\n",
        t.version, t.digest
    )
    .unwrap();
    writeln!(
        o,
        "/// Version of the tables this build was compiled from (`version` in mappings/taxonomy.yaml).\n\
         ///\n/// ```\n/// assert!(!psp_status::TABLE_VERSION.is_empty());\n/// ```\n\
         pub const TABLE_VERSION: &str = {};\n",
        lit(&t.version)
    )
    .unwrap();
    writeln!(
        o,
        "/// SHA-256 (hex) of every file in mappings/, names and contents in name order.\n\
         ///\n/// ```\n/// assert_eq!(psp_status::TABLE_DIGEST.len(), 64);\n/// ```\n\
         pub const TABLE_DIGEST: &str = {};\n",
        lit(&t.digest)
    )
    .unwrap();

    let states: Vec<_> = t
        .states
        .iter()
        .map(|s| (camel(&s.name), s.name.clone(), s.description.clone()))
        .collect();
    write_enum(
        &mut o,
        "State",
        "What a payment service should do next: the first axis of the taxonomy.",
        "",
        &states,
        &no_aliases,
    );
    let codes: Vec<_> = t
        .codes
        .iter()
        .map(|c| (camel(&c.name), c.name.clone(), c.description.clone()))
        .collect();
    write_enum(
        &mut o,
        "Code",
        "Why: the second axis of the taxonomy. Each code allows some states only.",
        "",
        &codes,
        &no_aliases,
    );
    let ops: Vec<_> = t
        .operations
        .iter()
        .map(|s| (camel(&s.name), s.name.clone(), s.description.clone()))
        .collect();
    write_enum(
        &mut o,
        "Operation",
        "The operation a value reports on.",
        "",
        &ops,
        &no_aliases,
    );
    let providers: Vec<_> = t
        .providers
        .iter()
        .map(|p| {
            (
                camel(&p.id),
                p.id.clone(),
                format!("{} (mappings/{}.yaml).", p.name, p.id),
            )
        })
        .collect();
    write_enum(
        &mut o,
        "Provider",
        "A payment service provider with a table in mappings/.",
        "#[strum(ascii_case_insensitive)]",
        &providers,
        &|id: &str| provider_aliases(t, id),
    );
    let idents = surface_idents(
        t.providers
            .iter()
            .flat_map(|p| p.surfaces.iter().map(|s| s.name.as_str())),
    );
    let surface_ident = |name: &str| idents[name].clone();
    let mut surfaces: Vec<(String, String, String)> = Vec::new();
    for p in &t.providers {
        for s in &p.surfaces {
            if !surfaces.iter().any(|(_, w, _)| *w == s.name) {
                surfaces.push((surface_ident(&s.name), s.name.clone(), String::new()));
            }
            let d = &mut surfaces
                .iter_mut()
                .find(|(_, w, _)| *w == s.name)
                .unwrap()
                .2;
            if !d.is_empty() {
                d.push(' ');
            }
            write!(d, "{}: {}", p.name, s.description).unwrap();
        }
    }
    write_enum(
        &mut o,
        "Surface",
        "The field a value arrives in, named as the provider's API names it, whatever the \
         provider. Variants are the words of the wire name in UpperCamelCase (`payment.state` is \
         `PaymentState`); where two wire names have the same words, the dotted one spells its dots \
         `Dot` (Stripe's `error.code` is `ErrorDotCode`, Alma's `error_code` is `ErrorCode`). \
         To classify, use a provider's field (`psp_status::stripe::DECLINE_CODE`) or \
         `Field::new`: a `Surface` alone does not say whose it is.",
        "#[strum(ascii_case_insensitive)]",
        &surfaces,
        &no_aliases,
    );

    // Taxonomy data.
    writeln!(
        o,
        "pub(crate) static STATE_DESCRIPTIONS: [&str; {}] = [",
        t.states.len()
    )
    .unwrap();
    for s in &t.states {
        writeln!(o, "    {},", lit(&s.description)).unwrap();
    }
    writeln!(o, "];\n").unwrap();
    writeln!(
        o,
        "pub(crate) static OPERATION_DESCRIPTIONS: [&str; {}] = [",
        t.operations.len()
    )
    .unwrap();
    for s in &t.operations {
        writeln!(o, "    {},", lit(&s.description)).unwrap();
    }
    writeln!(o, "];\n").unwrap();
    writeln!(
        o,
        "pub(crate) static CODE_INFO: [CodeInfo; {}] = [",
        t.codes.len()
    )
    .unwrap();
    for c in &t.codes {
        let states: Vec<String> = c
            .states
            .iter()
            .map(|(s, r)| {
                format!(
                    "(State::{}, Retry::{})",
                    camel(&t.states[*s].name),
                    r.variant()
                )
            })
            .collect();
        writeln!(
            o,
            "    CodeInfo {{ description: {}, states: &[{}], shopper_en: {}, shopper_fr: {}, agent: {} }},",
            lit(&c.description),
            states.join(", "),
            lit(&c.shopper_en),
            lit(&c.shopper_fr),
            lit(&c.agent)
        )
        .unwrap();
    }
    writeln!(o, "];\n").unwrap();

    // Surface tables.
    let mut index = vec![vec![u16::MAX; surfaces.len()]; t.providers.len()];
    let mut anchor_keys = Vec::new();
    let mut table_no = 0usize;
    let mut tables_src = String::new();
    let mut statics_src = String::new();
    let mut provider_src = String::new();
    for (pi, p) in t.providers.iter().enumerate() {
        for s in &p.surfaces {
            let si = surfaces.iter().position(|(_, w, _)| *w == s.name).unwrap();
            index[pi][si] = table_no as u16;
            // What a classification copies from an entry (`entry::Head`).
            let head = |e: &EntrySpec| -> String {
                let matched = match &e.matcher {
                    MatcherSpec::Exact(_) => "Exact",
                    MatcherSpec::Prefix(_) | MatcherSpec::Range(..) => "Rule",
                    MatcherSpec::Default => "Default",
                };
                format!(
                    "Head {{ provider: Provider::{}, surface: Surface::{}, state: State::{}, code: Code::{}, operation: Some(Operation::{}), matched: Matched::{matched} }}",
                    camel(&p.id),
                    surface_ident(&s.name),
                    camel(&t.states[e.state].name),
                    camel(&t.codes[e.code].name),
                    camel(&t.operations[e.operation].name),
                )
            };
            let entry = |e: &EntrySpec| -> String {
                let anchor = anchor(&p.id, &s.name, &e.matcher);
                let matcher = match &e.matcher {
                    MatcherSpec::Exact(r) => format!("Matcher::Exact({})", lit(r)),
                    MatcherSpec::Prefix(r) => format!("Matcher::Prefix({})", lit(r)),
                    MatcherSpec::Range(a, b) => format!("Matcher::Range({a}, {b})"),
                    MatcherSpec::Default => "Matcher::Default".to_string(),
                };
                let (shopper_en, shopper_fr, agent) = t.support_of(e);
                format!(
                    "Entry {{ provider: Provider::{}, surface: Surface::{}, matcher: {matcher}, state: State::{}, code: Code::{}, operation: Operation::{}, description: {}, source: {}, line: {}, anchor: {}, shopper: [{}, {}], agent: {}, head: {} }}",
                    camel(&p.id),
                    surface_ident(&s.name),
                    camel(&t.states[e.state].name),
                    camel(&t.codes[e.code].name),
                    camel(&t.operations[e.operation].name),
                    lit(&e.description),
                    lit(&e.source),
                    e.line,
                    lit(&anchor),
                    lit(shopper_en),
                    lit(shopper_fr),
                    lit(agent),
                    head(e)
                )
            };
            let keys: Vec<&[u8]> = s
                .entries
                .iter()
                .map(|e| match &e.matcher {
                    MatcherSpec::Exact(r) => r.as_bytes(),
                    _ => unreachable!("entries are exact"),
                })
                .collect();
            // The slots as the probe reads them, laid out by the function `Tables::load` uses.
            let layout = phash::layout(&keys, s.case_insensitive);
            let n = table_no;
            writeln!(
                statics_src,
                "static T{n}_EXACT: [Entry; {}] = [",
                s.entries.len()
            )
            .unwrap();
            for e in &s.entries {
                writeln!(statics_src, "    {},", entry(e)).unwrap();
            }
            writeln!(statics_src, "];").unwrap();
            writeln!(
                statics_src,
                "static T{n}_RULES: [Entry; {}] = [",
                s.rules.len()
            )
            .unwrap();
            for e in &s.rules {
                writeln!(statics_src, "    {},", entry(e)).unwrap();
            }
            writeln!(statics_src, "];").unwrap();
            let (seed, bucket_mask, mask) = (layout.seed, layout.bucket_mask, layout.mask);
            let pilots = format!("{:?}", layout.pilots);
            writeln!(
                statics_src,
                "static T{n}_SLOTS: [Slot; {}] = [",
                layout.slots.len()
            )
            .unwrap();
            for slot in &layout.slots {
                match slot {
                    Some(sl) => {
                        let [a, b, c, d] = sl.words;
                        writeln!(
                            statics_src,
                            "    Slot {{ words: [{a:#x}, {b:#x}, {c:#x}, {d:#x}], key: {}.as_bytes(), entry: &T{n}_EXACT[{}], head: {} }},",
                            lit(std::str::from_utf8(&sl.key).unwrap()),
                            sl.entry,
                            head(&s.entries[sl.entry])
                        )
                        .unwrap();
                    }
                    // An empty slot (`phash::EMPTY_WORDS`, empty key): nothing matches it.
                    None => writeln!(statics_src, "    EMPTY_SLOT,").unwrap(),
                }
            }
            writeln!(statics_src, "];\n").unwrap();

            let rank = p
                .precedence
                .iter()
                .position(|&i| p.surfaces[i].name == s.name)
                .map_or(u8::MAX, |r| r.min(254) as u8);
            if !s.rules.is_empty() {
                rules_fn(&mut statics_src, n, s);
            }
            writeln!(tables_src, "    // {} {}", p.id, s.name).unwrap();
            writeln!(tables_src, "    SurfaceTable {{").unwrap();
            writeln!(
                tables_src,
                "        surface: Surface::{},",
                surface_ident(&s.name)
            )
            .unwrap();
            writeln!(tables_src, "        description: {},", lit(&s.description)).unwrap();
            let checked: Vec<String> = s.checked_against.iter().map(|u| lit(u)).collect();
            writeln!(
                tables_src,
                "        checked_against: &[{}],",
                checked.join(", ")
            )
            .unwrap();
            let operation = match s.operation {
                Some(op) => format!("Some(Operation::{})", camel(&t.operations[op].name)),
                None => "None".to_string(),
            };
            writeln!(
                tables_src,
                "        operation: {operation},\n        unmapped: Head {{ provider: Provider::{}, \
                 surface: Surface::{}, state: State::Uncertain, code: Code::Unmapped, \
                 operation: {operation}, matched: Matched::Unmapped }},",
                camel(&p.id),
                surface_ident(&s.name)
            )
            .unwrap();
            writeln!(
                tables_src,
                "        case_insensitive: {},\n        fast_end: {},\n        rank: {rank},\n        seed: {seed:#x},\n        \
                 bucket_mask: {},\n        mask: {mask},\n        pilots: &{pilots},\n        \
                 slots: &T{n}_SLOTS,\n        exact: &T{n}_EXACT,\n        rules: &T{n}_RULES,\n        \
                 rule: {},\n        rest: {},\n        rest_answer: {},",
                s.case_insensitive,
                crate::hash::fast_end(s.case_insensitive),
                bucket_mask,
                if s.rules.is_empty() { "None".to_string() } else { format!("Some(t{n}_rule)") },
                if s.rules.is_empty() { "None".to_string() } else { format!("Some(t{n}_rest)") },
                if s.rules.is_empty() { "None".to_string() } else { format!("Some(t{n}_rest_answer)") }
            )
            .unwrap();
            match &s.default {
                Some(e) => writeln!(tables_src, "        default: Some(&{}),", entry(e)),
                None => writeln!(tables_src, "        default: None,"),
            }
            .unwrap();
            writeln!(tables_src, "    }},").unwrap();

            let all = s.entries.iter().chain(&s.rules).chain(&s.default);
            for (pos, e) in all.enumerate() {
                anchor_keys.push((
                    anchor(&p.id, &s.name, &e.matcher),
                    ((table_no as u32) << 16) | pos as u32,
                ));
            }
            table_no += 1;
        }
        let field = |name: &str| {
            format!(
                "Field {{ provider: Provider::{}, surface: Surface::{} }}",
                camel(&p.id),
                surface_ident(name)
            )
        };
        let precedence: Vec<String> = p
            .precedence
            .iter()
            .map(|&i| field(&p.surfaces[i].name))
            .collect();
        let fields: Vec<String> = p.surfaces.iter().map(|s| field(&s.name)).collect();
        writeln!(
            provider_src,
            "    ProviderInfo {{ name: {}, file: {}, precedence: &[{}], fields: &[{}] }},",
            lit(&p.name),
            lit(&format!("mappings/{}.yaml", p.id)),
            precedence.join(", "),
            fields.join(", "),
        )
        .unwrap();
    }
    // What empty slots and absent (provider, surface) pairs point to; never returned.
    writeln!(
        o,
        "static NO_ENTRY: Entry = Entry {{ provider: Provider::{p}, surface: Surface::{s}, matcher: Matcher::Default, \
         state: State::Uncertain, code: Code::Unmapped, operation: Operation::{op}, description: \"\", source: \"\", line: 0, anchor: \"\", shopper: [\"\", \"\"], agent: \"\", \
         head: Head {{ provider: Provider::{p}, surface: Surface::{s}, state: State::Uncertain, code: Code::Unmapped, operation: None, matched: Matched::Unmapped }} }};\n\
         const EMPTY_SLOT: Slot = Slot {{ words: {empty:?}, key: b\"\", entry: &NO_ENTRY, head: NO_ENTRY.head }};\n\
         pub(crate) static NO_TABLE: SurfaceTable = SurfaceTable {{ surface: Surface::{s}, description: \"\", checked_against: &[], operation: None, \
         case_insensitive: false, fast_end: {fast_end}, rank: u8::MAX, seed: 0, bucket_mask: 0, mask: 0, pilots: &[0], slots: &[EMPTY_SLOT], \
         exact: &[], rules: &[], rule: None, rest: None, rest_answer: None, default: None, unmapped: NO_ENTRY.head }};\n",
        p = camel(&t.providers[0].id),
        s = surfaces[0].0,
        op = camel(&t.operations[0].name),
        empty = phash::EMPTY_WORDS,
        fast_end = crate::hash::fast_end(false),
    )
    .unwrap();
    writeln!(o, "{statics_src}").unwrap();
    writeln!(
        o,
        "pub(crate) static SURFACE_TABLES: [SurfaceTable; {table_no}] = [\n{tables_src}];\n"
    )
    .unwrap();
    writeln!(
        o,
        "pub(crate) static PROVIDER_INFO: [ProviderInfo; {}] = [\n{provider_src}];\n",
        t.providers.len()
    )
    .unwrap();
    // The table of each (provider, surface), or NO_TABLE: one load on the hot path.
    let index: Vec<String> = index
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|&i| match i {
                    u16::MAX => "&NO_TABLE".to_string(),
                    i => format!("&SURFACE_TABLES[{i}]"),
                })
                .collect();
            format!("    [{}],", cells.join(", "))
        })
        .collect();
    writeln!(
        o,
        "pub(crate) static SURFACE_INDEX: [[&SurfaceTable; {}]; {}] = [\n{}\n];\n",
        surfaces.len(),
        t.providers.len(),
        index.join("\n")
    )
    .unwrap();
    let mut anchors = phf_codegen::Map::new();
    // Encoding keeps anchors unique (exact values never contain ':'), so phf_codegen's
    // duplicate-key check cannot fire.
    for (k, v) in &anchor_keys {
        anchors.entry(k.as_str(), v.to_string());
    }
    writeln!(
        o,
        "/// Entry position by anchor (`provider/surface/raw`): table index << 16 | position.\n\
         pub(crate) static ANCHORS: phf::Map<&'static str, u32> = {};",
        anchors.build()
    )
    .unwrap();
    o
}

/// Generates the per-provider modules the library includes at its root: `pub mod stripe`
/// with a type of its own (`StripeField`) and one constant per surface
/// (`stripe::DECLINE_CODE`), so that a pair that does not exist does not compile.
///
/// ```
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings");
/// let tables = psp_status_build::load_dir(dir.as_ref()).unwrap();
/// let code = psp_status_build::codegen::generate_fields(&tables, "doc test");
/// assert!(code.contains("pub mod stripe"));
/// assert!(code.contains("pub const DECLINE_CODE: StripeField"));
/// ```
pub fn generate_fields(t: &Tables, command: &str) -> String {
    let idents = surface_idents(
        t.providers
            .iter()
            .flat_map(|p| p.surfaces.iter().map(|s| s.name.as_str())),
    );
    let mut o = String::new();
    writeln!(
        o,
        "// @generated by psp-status-build ({command}) from mappings/, table version {}.\n\
         // Do not edit: change mappings/*.yaml and rebuild.\n",
        t.version
    )
    .unwrap();
    for p in &t.providers {
        let ty = format!("{}Field", camel(&p.id));
        let consts = surface_consts(p.surfaces.iter().map(|s| s.name.as_str()));
        let example = p
            .precedence
            .first()
            .map_or(&p.surfaces[0], |&i| &p.surfaces[i]);
        doc(
            &mut o,
            "",
            &format!(
                "{name}'s fields (`mappings/{id}.yaml`): one constant per surface, all of type \
                 [`{id}::{ty}`]({id}::{ty}), so a surface {name} does not have does not compile.",
                name = p.name,
                id = p.id
            ),
        );
        writeln!(o, "pub mod {} {{", p.id).unwrap();
        writeln!(o, "    use crate::{{Provider, Surface}};\n").unwrap();
        doc(
            &mut o,
            "    ",
            &format!(
                "A surface of {name}: only the constants of this module are values of this type, \
                 so `classify` and `resolve` never see a pair {name} does not have, and `resolve` \
                 never mixes two providers' signals.",
                name = p.name
            ),
        );
        writeln!(o, "    ///\n    /// ```").unwrap();
        writeln!(
            o,
            "    /// use psp_status::{{{id}, Field, Provider}};\n    /// let f: Field = {id}::{c}.into();\n    /// assert_eq!(f.provider(), Provider::{pv});\n    /// assert_eq!(f.name(), {wire:?});",
            id = p.id,
            c = consts[example.name.as_str()],
            pv = camel(&p.id),
            wire = example.name,
        )
        .unwrap();
        writeln!(o, "    /// ```").unwrap();
        writeln!(
            o,
            "    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n    pub struct {ty}(Surface);\n"
        )
        .unwrap();
        writeln!(
            o,
            "    crate::field::provider_field!({ty}, Provider::{});\n",
            camel(&p.id)
        )
        .unwrap();
        for s in &p.surfaces {
            doc(&mut o, "    ", &format!("`{}`: {}", s.name, s.description));
            writeln!(
                o,
                "    pub const {}: {ty} = {ty}(Surface::{});",
                consts[s.name.as_str()],
                idents[s.name.as_str()]
            )
            .unwrap();
        }
        writeln!(o, "}}\n").unwrap();
    }
    o
}

/// The rules of one surface as a function: a slice pattern per prefix, a range pattern per
/// range, in file order, so that rustc compiles them (one length check and a few word compares
/// per prefix, the number parsed once).
fn rules_fn(o: &mut String, n: usize, s: &crate::tables::SurfaceSpec) {
    let fold = |k: &str| {
        if s.case_insensitive {
            k.to_ascii_lowercase()
        } else {
            k.to_string()
        }
    };
    writeln!(
        o,
        "#[allow(clippy::all)]\n#[inline]\nfn t{n}_rule(raw: &[u8]) -> Option<&'static Entry> {{"
    )
    .unwrap();
    let longest = s
        .rules
        .iter()
        .map(|e| match &e.matcher {
            MatcherSpec::Prefix(p) => p.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    // The first bytes folded on the stack: as many as the longest prefix.
    key_prologue(o, s.case_insensitive && longest > 0, longest);
    if s.rules
        .iter()
        .any(|r| matches!(r.matcher, MatcherSpec::Range(..)))
    {
        writeln!(o, "    let number = crate::digits::parse_digits(raw);").unwrap();
    }
    for (i, r) in s.rules.iter().enumerate() {
        match &r.matcher {
            MatcherSpec::Prefix(p) => {
                let pattern: Vec<String> = fold(p).bytes().map(|b| format!("{b}u8")).collect();
                writeln!(
                    o,
                    "    if let [{}, ..] = key {{ return Some(&T{n}_RULES[{i}]); }}",
                    pattern.join(", ")
                )
            }
            MatcherSpec::Range(a, b) => writeln!(
                o,
                "    if let Some({a}..={b}) = number {{ return Some(&T{n}_RULES[{i}]); }}"
            ),
            _ => Ok(()),
        }
        .unwrap();
    }
    writeln!(o, "    let _ = key;\n    None\n}}").unwrap();
    // What a miss on the exact values gives (rules, default, unmapped), as one function the
    // hot path jumps to: the rules inlined, the answer built here.
    writeln!(
        o,
        "#[allow(clippy::all)]\n#[inline]\nfn t{n}_rest(raw: &[u8]) -> Option<&'static Entry> {{\n    \
         crate::classify::rest_compiled(&SURFACE_TABLES[{n}], t{n}_rule(raw), raw)\n}}"
    )
    .unwrap();
    writeln!(
        o,
        "#[allow(clippy::all)]\nfn t{n}_rest_answer(raw: &[u8]) -> crate::Answer {{\n    \
         crate::classify::rest_answer_compiled(&SURFACE_TABLES[{n}], t{n}_rest(raw))\n}}"
    )
    .unwrap();
}
