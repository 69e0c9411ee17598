//! `Tables::load`: a mappings directory read with the build's loader and validator, checked
//! against the compiled taxonomy, and built into the same perfect-hash tables.

use super::{Store, Tables, SURFACES};
use crate::entry::{EntryOf, Head, MatcherOf};
use crate::generated::NO_TABLE;
use crate::table::{ProviderInfoOf, SlotOf, SurfaceTableOf, TableSet};
use crate::{Code, Field, Matched, Operation, Provider, State, Surface};
use psp_status_build::{codegen, phash, Diagnostic, MatcherSpec};
use std::path::Path;
use strum::IntoEnumIterator;

/// What the build needs to know and run-time tables cannot change.
const NEEDS_BUILD: &str =
    "tables loaded at run time may change the entries, rules and defaults of existing providers and surfaces only; this needs a build (edit mappings/, then cargo build)";

/// A `&'static` view of data owned by the [`Store`] being built.
///
/// # Safety
/// The referent must live in a heap buffer of the store that is neither mutated nor freed
/// before the `Tables` holding the store is dropped, and the `'static` must never reach the
/// caller (`Tables` narrows every reference to a borrow of itself).
unsafe fn pin<T: ?Sized>(r: &T) -> &'static T {
    unsafe { &*(r as *const T) }
}

/// The compiled enum value whose wire name is `name`, exactly.
fn by_name<E: IntoEnumIterator + Into<&'static str> + Copy>(name: &str) -> Option<E> {
    E::iter().find(|v| (*v).into() == name)
}

impl Tables {
    /// Loads the tables of a mappings directory (`taxonomy.yaml` and one file per provider)
    /// with the loader and validator the build uses, and builds the same perfect-hash tables.
    ///
    /// Every problem comes back at once as `path:line:column: message`: the build's data
    /// errors, and whatever needs a build rather than a reload: a provider, surface, state,
    /// code or operation the compiled tables do not have (or lack one they have), a change to
    /// the taxonomy's codes (states, retry advice, text) or to a provider's display name.
    ///
    /// ```
    /// use psp_status::{alma, Tables};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/mappings");
    /// let t = Tables::load(dir.as_ref()).unwrap();
    /// let c = t.classify(alma::PAYMENT_STATE, "scored_maybe");
    /// assert_eq!(c, psp_status::classify(alma::PAYMENT_STATE, "scored_maybe"));
    /// assert!(Tables::load("/nonexistent".as_ref()).is_err());
    /// ```
    pub fn load(dir: &Path) -> Result<Tables, Vec<Diagnostic>> {
        let spec = psp_status_build::load_dir(dir)?;
        let mut diags = Vec::new();
        check_taxonomy(&spec, &mut diags);
        let providers = check_providers(&spec, dir, &mut diags);
        if !diags.is_empty() {
            diags.sort();
            return Err(diags);
        }
        Ok(build(&spec, &providers, dir))
    }
}

fn check_taxonomy(t: &psp_status_build::Tables, diags: &mut Vec<Diagnostic>) {
    let path = &t.taxonomy_path;
    let at = |(line, column): (u64, u64), msg: String| Diagnostic::new(path, line, column, msg);
    for s in &t.states {
        match by_name::<State>(&s.name) {
            None => diags.push(at(s.at, format!("new state `{}`: {NEEDS_BUILD}", s.name))),
            Some(c) if c.description() != s.description => diags.push(at(
                s.at,
                format!(
                    "state `{}`: its description differs from the compiled one; {NEEDS_BUILD}",
                    s.name
                ),
            )),
            _ => {}
        }
    }
    for s in &t.operations {
        match by_name::<Operation>(&s.name) {
            None => diags.push(at(
                s.at,
                format!("new operation `{}`: {NEEDS_BUILD}", s.name),
            )),
            Some(o) if o.description() != s.description => diags.push(at(
                s.at,
                format!(
                    "operation `{}`: its description differs from the compiled one; {NEEDS_BUILD}",
                    s.name
                ),
            )),
            _ => {}
        }
    }
    for c in &t.codes {
        let Some(code) = by_name::<Code>(&c.name) else {
            diags.push(at(c.at, format!("new code `{}`: {NEEDS_BUILD}", c.name)));
            continue;
        };
        let states: Vec<(Option<State>, Option<crate::Retry>)> =
            c.states
                .iter()
                .map(|(s, r)| {
                    (
                        by_name::<State>(&t.states[*s].name),
                        r.variant().parse::<crate::Retry>().ok().or_else(|| {
                            crate::Retry::iter().find(|x| format!("{x:?}") == r.variant())
                        }),
                    )
                })
                .collect();
        let compiled: Vec<(Option<State>, Option<crate::Retry>)> = code
            .states()
            .iter()
            .map(|&(s, r)| (Some(s), Some(r)))
            .collect();
        let mut what = Vec::new();
        if states != compiled {
            what.push("states or retry advice");
        }
        if code.description() != c.description {
            what.push("description");
        }
        if code.shopper_message(crate::Lang::En) != c.shopper_en
            || code.shopper_message(crate::Lang::Fr) != c.shopper_fr
        {
            what.push("shopper messages");
        }
        if code.agent_action() != c.agent {
            what.push("agent action");
        }
        if !what.is_empty() {
            diags.push(at(
                c.at,
                format!(
                    "code `{}`: its {} differ from the compiled taxonomy; {NEEDS_BUILD}",
                    c.name,
                    what.join(", ")
                ),
            ));
        }
    }
    let missing = |kind: &str, name: &str| {
        Diagnostic::new(
            path,
            1,
            1,
            format!(
                "{kind} `{name}` of the compiled taxonomy is missing; removing it {NEEDS_BUILD}"
            ),
        )
    };
    for s in State::iter() {
        if !t.states.iter().any(|x| x.name == <&str>::from(s)) {
            diags.push(missing("state", s.into()));
        }
    }
    for o in Operation::iter() {
        if !t.operations.iter().any(|x| x.name == <&str>::from(o)) {
            diags.push(missing("operation", o.into()));
        }
    }
    for c in Code::iter() {
        if !t.codes.iter().any(|x| x.name == <&str>::from(c)) {
            diags.push(missing("code", c.into()));
        }
    }
}

/// The compiled provider of each provider file, when the file may be loaded at run time.
fn check_providers(
    t: &psp_status_build::Tables,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<Provider>> {
    let mut out = Vec::new();
    for p in &t.providers {
        let at =
            |(line, column): (u64, u64), msg: String| Diagnostic::new(&p.path, line, column, msg);
        let Some(provider) = by_name::<Provider>(&p.id) else {
            diags.push(at(p.at, format!("new provider `{}`: {NEEDS_BUILD}", p.id)));
            out.push(None);
            continue;
        };
        if provider.name() != p.name {
            diags.push(at(
                p.at,
                format!(
                    "provider `{}`: display name `{}` differs from the compiled `{}` (exports are read by it); {NEEDS_BUILD}",
                    p.id,
                    p.name,
                    provider.name()
                ),
            ));
        }
        for s in &p.surfaces {
            if !provider.fields().iter().any(|f| f.name() == s.name) {
                diags.push(at(
                    s.at,
                    format!(
                        "new surface `{}` of provider `{}`: {NEEDS_BUILD}",
                        s.name, p.id
                    ),
                ));
            }
        }
        for f in provider.fields() {
            if !p.surfaces.iter().any(|s| s.name == f.name()) {
                diags.push(at(
                    p.at,
                    format!(
                        "surface `{}` of provider `{}` is missing; removing a surface {NEEDS_BUILD}",
                        f.name(),
                        p.id
                    ),
                ));
            }
        }
        out.push(Some(provider));
    }
    for provider in Provider::iter() {
        let id: &str = provider.into();
        if !t.providers.iter().any(|p| p.id == id) {
            diags.push(Diagnostic::new(
                dir.join(format!("{id}.yaml")).display().to_string(),
                1,
                1,
                format!("provider `{id}` of the compiled tables is missing; removing a provider {NEEDS_BUILD}"),
            ));
        }
    }
    out
}

/// `s` kept in the store, as a `&'static str` (see [`pin`]).
fn text(strings: &mut Vec<String>, s: &str) -> &'static str {
    strings.push(s.to_string());
    // SAFETY: the `String`'s buffer belongs to the store, never changes, and stays put when
    // the outer vector grows.
    unsafe { pin(strings.last().expect("just pushed").as_str()) }
}

/// Builds the store and the set from validated, checked tables.
fn build(t: &psp_status_build::Tables, providers: &[Option<Provider>], dir: &Path) -> Tables {
    let mut store = Store::default();
    let strings = &mut store.strings;
    let version = text(strings, &t.version);
    let digest = text(strings, &t.digest);
    let dir_name = text(strings, &dir.display().to_string());
    let state = |i: usize| by_name::<State>(&t.states[i].name).expect("checked");
    let code = |i: usize| by_name::<Code>(&t.codes[i].name).expect("checked");
    let op = |i: usize| by_name::<Operation>(&t.operations[i].name).expect("checked");

    // 1. The entries of each (provider, surface) in file order: exact values, rules, default.
    struct Meta {
        provider: Provider,
        surface: Surface,
        spec: (usize, usize),
        description: &'static str,
    }
    let mut meta: Vec<Meta> = Vec::new();
    for (pi, p) in t.providers.iter().enumerate() {
        let provider = providers[pi].expect("checked");
        for (si, s) in p.surfaces.iter().enumerate() {
            let surface = provider
                .fields()
                .iter()
                .find(|f| f.name() == s.name)
                .expect("checked")
                .surface;
            let mut all = Vec::new();
            for e in s.entries.iter().chain(&s.rules).chain(&s.default) {
                let (en, fr, agent) = t.support_of(e);
                let strings = &mut store.strings;
                let matcher = match &e.matcher {
                    MatcherSpec::Exact(r) => MatcherOf::Exact(text(strings, r)),
                    MatcherSpec::Prefix(r) => MatcherOf::Prefix(text(strings, r)),
                    MatcherSpec::Range(a, b) => MatcherOf::Range(*a, *b),
                    MatcherSpec::Default => MatcherOf::Default,
                };
                all.push(EntryOf {
                    provider,
                    surface,
                    matcher,
                    state: state(e.state),
                    code: code(e.code),
                    operation: op(e.operation),
                    description: text(strings, &e.description),
                    source: text(strings, &e.source),
                    line: e.line as u32,
                    anchor: text(strings, &codegen::anchor(&p.id, &s.name, &e.matcher)),
                    shopper: [text(strings, en), text(strings, fr)],
                    agent: text(strings, agent),
                    head: Head {
                        provider,
                        surface,
                        state: state(e.state),
                        code: code(e.code),
                        operation: Some(op(e.operation)),
                        matched: match e.matcher {
                            MatcherSpec::Exact(_) => Matched::Exact,
                            MatcherSpec::Prefix(_) | MatcherSpec::Range(..) => Matched::Rule,
                            MatcherSpec::Default => Matched::Default,
                        },
                    },
                });
            }
            store.entries.push(all);
            let urls = s
                .checked_against
                .iter()
                .map(|u| text(&mut store.strings, u))
                .collect();
            store.urls.push(urls);
            let description = text(&mut store.strings, &s.description);
            meta.push(Meta {
                provider,
                surface,
                spec: (pi, si),
                description,
            });
        }
    }

    // 2. The perfect hash of each table, built by the builder codegen uses and laid out as
    // codegen lays it out (the equivalence tests compare every lookup with the compiled one).
    let mut shape = Vec::new();
    for (n, m) in meta.iter().enumerate() {
        let s = &t.providers[m.spec.0].surfaces[m.spec.1];
        // SAFETY: a store buffer, never changed.
        let exact = unsafe { pin(&store.entries[n][..s.entries.len()]) };
        let keys: Vec<&[u8]> = exact
            .iter()
            .map(|e| match e.matcher {
                MatcherOf::Exact(r) => r.as_bytes(),
                _ => unreachable!("entries are exact"),
            })
            .collect();
        // The function codegen writes the compiled slots from.
        let layout = phash::layout(&keys, s.case_insensitive);
        store.pilots.push(layout.pilots);
        let mut slots = Vec::with_capacity(layout.slots.len());
        for slot in layout.slots {
            let Some(sl) = slot else {
                slots.push(empty_slot());
                continue;
            };
            store.bytes.push(sl.key);
            // SAFETY: a store buffer, never changed.
            let key = unsafe { pin(store.bytes.last().expect("just pushed").as_slice()) };
            let entry = &exact[sl.entry];
            slots.push(SlotOf {
                words: sl.words,
                key,
                entry,
                head: entry.head,
            });
        }
        shape.push((layout.seed, layout.bucket_mask, layout.mask));
        store.slots.push(slots);
    }

    // 3. The tables (no push after this: the index points into this vector).
    for (n, m) in meta.iter().enumerate() {
        let p = &t.providers[m.spec.0];
        let s = &p.surfaces[m.spec.1];
        // SAFETY: store buffers, never changed.
        let (all, checked_against, pilots, slots) = unsafe {
            (
                pin(store.entries[n].as_slice()),
                pin(store.urls[n].as_slice()),
                pin(store.pilots[n].as_slice()),
                pin(store.slots[n].as_slice()),
            )
        };
        let (exact, rest) = all.split_at(s.entries.len());
        let (rules, default) = rest.split_at(s.rules.len());
        let rank = p
            .precedence
            .iter()
            .position(|&i| p.surfaces[i].name == s.name)
            .map_or(u8::MAX, |r| r.min(254) as u8);
        let (seed, bucket_mask, mask) = shape[n];
        store.tables.push(SurfaceTableOf {
            surface: m.surface,
            description: m.description,
            checked_against,
            operation: s.operation.map(op),
            case_insensitive: s.case_insensitive,
            fast_end: crate::hash::fast_end(s.case_insensitive),
            rank,
            seed,
            bucket_mask,
            mask,
            pilots,
            slots,
            exact,
            rules,
            rule: None,
            rest: None,
            rest_answer: None,
            default: default.first(),
            unmapped: Head {
                provider: m.provider,
                surface: m.surface,
                state: State::Uncertain,
                code: Code::Unmapped,
                operation: s.operation.map(op),
                matched: Matched::Unmapped,
            },
        });
    }

    // 4. The index: one row per provider, `NO_TABLE` where it has no such surface.
    let no_table: &'static SurfaceTableOf<'static> = &NO_TABLE;
    store.index = vec![[no_table; SURFACES]; <Provider as strum::EnumCount>::COUNT];
    for (n, m) in meta.iter().enumerate() {
        // SAFETY: a store buffer, complete and never changed.
        store.index[m.provider as usize][m.surface as usize] = unsafe { pin(&store.tables[n]) };
    }

    // 5. Every provider's data, in `Provider` order.
    for provider in Provider::iter() {
        let id: &str = provider.into();
        let p = t.providers.iter().find(|p| p.id == id).expect("checked");
        let field = |name: &str| {
            *provider
                .fields()
                .iter()
                .find(|f| f.name() == name)
                .expect("checked")
        };
        let fields: Vec<Field> = p.surfaces.iter().map(|s| field(&s.name)).collect();
        let precedence: Vec<Field> = p
            .precedence
            .iter()
            .map(|&i| field(&p.surfaces[i].name))
            .collect();
        store.fields.push(fields);
        store.fields.push(precedence);
        let k = store.fields.len();
        let name = text(&mut store.strings, &p.name);
        let file = text(&mut store.strings, &p.path);
        // SAFETY: store buffers, never changed.
        let (fields, precedence) = unsafe {
            (
                pin(store.fields[k - 2].as_slice()),
                pin(store.fields[k - 1].as_slice()),
            )
        };
        store.providers.push(ProviderInfoOf {
            name,
            file,
            precedence,
            fields,
        });
    }

    // SAFETY: store buffers, complete and never changed.
    let set = unsafe {
        TableSet {
            index: pin(store.index.as_slice()),
            providers: pin(store.providers.as_slice()),
        }
    };
    Tables {
        set,
        version,
        digest,
        dir: dir_name,
        store,
    }
}

fn empty_slot() -> SlotOf<'static> {
    let empty = &NO_TABLE.slots[0];
    SlotOf {
        words: phash::EMPTY_WORDS,
        key: b"",
        entry: empty.entry,
        head: empty.head,
    }
}
