//! Every check on the tables, all errors collected before giving up.
//!
//! Checks: missing keys, unknown state/code/operation/retry names, a code not allowed with its
//! state, missing or non-URL source, missing description, duplicate names and raw values (with
//! the line of the first), rules shadowed by earlier rules, a precedence that does not list
//! every surface exactly once, and a provider id that differs from its file name.
//!
//! The providers are checked against whatever of the taxonomy could be read: a name is called
//! unknown only when the taxonomy's list of such names was read in full, so that a broken
//! taxonomy.yaml neither hides the providers' errors nor floods them with false ones. Values
//! whose problem the reader already reported ([`Sp::quiet`]) are not reported again.

use crate::diag::Diagnostic;
use crate::load::Parsed;
use crate::model::{
    List, NamedDef, OutcomeDef, Pairs, Pos, ProviderFile, Sp, SurfaceDef, TaxonomyFile,
};
use crate::tables::*;
use std::collections::HashMap;

/// Collects diagnostics for one file.
struct Ctx<'a> {
    path: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn pos(&mut self, at: Pos, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::new(self.path, at.line, at.column, msg));
    }

    fn at<T>(&mut self, sp: &Sp<T>, msg: impl Into<String>) {
        self.pos(sp.at, msg);
    }

    /// The text of a required key, or a "missing" diagnostic at its parent (unless the parent
    /// was cut short by a syntax error: the key may have come after it).
    fn required<'v, P>(
        &mut self,
        parent: &Sp<P>,
        value: &'v Option<Sp<String>>,
        key: &str,
    ) -> Option<&'v Sp<String>> {
        match value {
            Some(v) if v.quiet => None,
            Some(v) if !v.value.trim().is_empty() => Some(v),
            Some(v) => {
                self.at(v, format!("`{key}` is empty"));
                None
            }
            None if parent.quiet => None,
            None => {
                self.at(parent, format!("missing `{key}`"));
                None
            }
        }
    }
}

/// The items of a list (none when the key is absent).
fn items<T>(list: &List<T>) -> &[Sp<T>] {
    list.as_ref().map_or(&[], |l| &l.value)
}

/// Whether every item of a list was read (an absent list counts as read: it is empty).
fn complete<T>(list: &List<T>) -> bool {
    list.as_ref().is_none_or(|l| !l.quiet)
}

/// An optional text key, unless its problem was already reported.
fn given(value: &Option<Sp<String>>) -> Option<&Sp<String>> {
    value.as_ref().filter(|v| !v.quiet)
}

fn is_screaming_snake(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Names of the taxonomy, for lookups and "expected one of" messages, and how much of the
/// taxonomy was read: an unknown name is reported only against a list read in full.
#[derive(Default)]
struct Names {
    states: HashMap<String, usize>,
    codes: HashMap<String, usize>,
    operations: HashMap<String, usize>,
    state_list: String,
    operation_list: String,
    states_complete: bool,
    codes_complete: bool,
    operations_complete: bool,
    /// By code index: whether its allowed states were read in full.
    code_states_complete: Vec<bool>,
}

/// A surface's own `operation`: none, a known one, or one whose problem was reported.
#[derive(Clone, Copy)]
enum SurfaceOp {
    None,
    Known(usize),
    Broken,
}

/// Validates the parsed files, against what could be read of the taxonomy (nothing when it is
/// missing). `digest` is carried into the result.
pub(crate) fn validate(
    taxonomy: Option<Parsed<Sp<TaxonomyFile>>>,
    providers: Vec<Parsed<Sp<ProviderFile>>>,
    digest: String,
) -> Result<Tables, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let (mut tables, names) = match &taxonomy {
        Some(t) => validate_taxonomy(t, digest, &mut diags),
        None => (
            Tables {
                version: String::new(),
                taxonomy_path: String::new(),
                digest,
                states: Vec::new(),
                operations: Vec::new(),
                codes: Vec::new(),
                providers: Vec::new(),
            },
            Names::default(),
        ),
    };
    let mut seen_ids: HashMap<String, String> = HashMap::new();
    let mut surface_places: Vec<Vec<Pos>> = Vec::new();
    for file in &providers {
        let (p, id_at, places) = validate_provider(file, &tables, &names, &mut diags);
        if let Some(first) = seen_ids.insert(p.id.clone(), p.path.clone()) {
            diags.push(Diagnostic::new(
                &p.path,
                id_at.line,
                id_at.column,
                format!("provider `{}` is already defined in {first}", p.id),
            ));
        }
        tables.providers.push(p);
        surface_places.push(places);
    }
    check_surface_identifiers(&tables, &surface_places, &mut diags);
    if diags.is_empty() && taxonomy.is_some() {
        Ok(tables)
    } else {
        diags.sort();
        Err(diags)
    }
}

fn validate_taxonomy(
    file: &Parsed<Sp<TaxonomyFile>>,
    digest: String,
    diags: &mut Vec<Diagnostic>,
) -> (Tables, Names) {
    let mut cx = Ctx {
        path: &file.path,
        diags,
    };
    let root = &file.doc;
    let doc = &root.value;
    let version = match &doc.version {
        Some(v) if v.quiet => String::new(),
        // Written as is into every batch output's `table_version` cell (CSV and JSON).
        Some(v)
            if !v
                .value
                .trim()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b)) =>
        {
            cx.at(
                v,
                "`version` may hold only ASCII letters, digits, `.`, `_`, `+` and `-` (year.month.day of the last change to mappings/)",
            );
            String::new()
        }
        Some(v) if !v.value.trim().is_empty() => v.value.trim().to_string(),
        Some(v) => {
            cx.at(
                v,
                "`version` is empty (year.month.day of the last change to mappings/)",
            );
            String::new()
        }
        None if root.quiet => String::new(),
        None => {
            cx.at(
                root,
                "missing `version` (year.month.day of the last change to mappings/)",
            );
            String::new()
        }
    };
    let states = named_list(&mut cx, root, &doc.states, "state", "states");
    let operations = named_list(&mut cx, root, &doc.operations, "operation", "operations");
    // A list read to its end is complete even when a syntax error cut the file short later.
    let states_complete = doc.states.is_some() && complete(&doc.states);
    let state_idx: HashMap<String, usize> = states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), i))
        .collect();
    let state_list = states
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");

    let mut codes = Vec::new();
    let mut code_states_complete = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    if doc.codes.is_none() && !root.quiet {
        cx.at(root, "missing `codes`: no code defined");
    }
    for c in items(&doc.codes) {
        let name = cx.required(c, &c.value.name, "name");
        let description = cx.required(c, &c.value.description, "description");
        let agent = cx.required(c, &c.value.agent, "agent");
        let Some(name) = name else { continue };
        if !is_screaming_snake(&name.value) {
            cx.at(
                name,
                format!("code name `{}` is not SCREAMING_SNAKE_CASE", name.value),
            );
        }
        if let Some(line) = first_line.insert(name.value.clone(), name.at.line) {
            cx.at(
                name,
                format!("duplicate code `{}` (first at line {line})", name.value),
            );
            continue;
        }
        let mut allowed = Vec::new();
        let mut allowed_complete = states_complete;
        match &c.value.states {
            None if c.quiet => allowed_complete = false,
            None => cx.at(
                c,
                "missing `states` (a map of allowed state to retry advice)",
            ),
            Some(m) if m.quiet => allowed_complete = false,
            Some(m) if m.value.is_empty() => {
                cx.at(m, "`states` is empty: a code needs at least one state")
            }
            Some(m) => {
                for (state, retry) in &m.value {
                    let Some(&si) = state_idx.get(&state.value) else {
                        allowed_complete = false;
                        if states_complete {
                            cx.at(
                                state,
                                format!(
                                    "unknown state `{}` (expected one of {state_list})",
                                    state.value
                                ),
                            );
                        }
                        continue;
                    };
                    if retry.quiet {
                        allowed_complete = false;
                        continue;
                    }
                    match Retry::from_name(&retry.value) {
                        Some(r) => allowed.push((si, r)),
                        None => {
                            allowed_complete = false;
                            cx.at(
                                retry,
                                format!(
                                    "unknown retry advice `{}` (expected one of {})",
                                    retry.value,
                                    Retry::NAMES.join(", ")
                                ),
                            )
                        }
                    }
                }
                allowed.sort_by_key(|(s, _)| *s);
            }
        }
        let shopper_en = shopper_message(&mut cx, c, "en");
        let shopper_fr = shopper_message(&mut cx, c, "fr");
        if let Some(m) = &c.value.shopper {
            for (lang, v) in &m.value {
                if lang.value != "en" && lang.value != "fr" {
                    cx.at(
                        lang,
                        format!("unknown language `{}` (expected en, fr)", lang.value),
                    );
                } else if v.value.trim().is_empty() && !v.quiet {
                    cx.at(v, format!("shopper message in `{}` is empty", lang.value));
                }
            }
        }
        code_states_complete.push(allowed_complete);
        let mut by_state = Vec::new();
        if let Some(m) = &c.value.support {
            for (state, def) in &m.value {
                match state_idx.get(&state.value) {
                    Some(&si) if allowed.iter().any(|(s, _)| *s == si) => {
                        let text =
                            support_text(&mut cx, &def.value.shopper, def.value.agent.as_ref());
                        if text == SupportText::default() {
                            cx.at(
                                def,
                                "empty `support`: give `shopper` (en, fr) and/or `agent`",
                            );
                        }
                        by_state.push((si, text));
                    }
                    _ => cx.at(
                        state,
                        format!(
                            "`support` for state `{}`, which this code does not list in `states`",
                            state.value
                        ),
                    ),
                }
            }
        }
        codes.push(CodeSpec {
            name: name.value.clone(),
            at: (name.at.line, name.at.column),
            description: description.map(|d| d.value.clone()).unwrap_or_default(),
            states: allowed,
            shopper_en,
            shopper_fr,
            agent: agent.map(|a| a.value.clone()).unwrap_or_default(),
            by_state,
        });
    }
    let names = Names {
        codes: codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect(),
        operations: operations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.name.clone(), i))
            .collect(),
        operation_list: operations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        states: state_idx,
        state_list,
        states_complete,
        codes_complete: doc.codes.is_some() && complete(&doc.codes),
        operations_complete: doc.operations.is_some() && complete(&doc.operations),
        code_states_complete,
    };
    let tables = Tables {
        version,
        taxonomy_path: file.path.clone(),
        digest,
        states,
        operations,
        codes,
        providers: Vec::new(),
    };
    (tables, names)
}

/// Support text that replaces a code's (a `support:` state of a code, or an entry's own
/// `shopper` / `agent`): a shopper override needs both languages and nothing else.
fn support_text(cx: &mut Ctx<'_>, shopper: &Pairs, agent: Option<&Sp<String>>) -> SupportText {
    let shopper = shopper.as_ref().map(|m| {
        for (lang, v) in &m.value {
            if lang.value != "en" && lang.value != "fr" {
                cx.at(
                    v,
                    format!("unknown language `{}` (expected en, fr)", lang.value),
                );
            }
        }
        let mut get = |lang: &str| match m.value.iter().find(|(l, _)| l.value == lang) {
            Some((_, v)) if !v.value.trim().is_empty() => v.value.clone(),
            _ => {
                if !m.quiet {
                    cx.at(m, format!("missing shopper message in `{lang}`"));
                }
                String::new()
            }
        };
        (get("en"), get("fr"))
    });
    let agent = agent.map(|a| {
        if a.value.trim().is_empty() && !a.quiet {
            cx.at(a, "empty `agent`");
        }
        a.value.clone()
    });
    SupportText { shopper, agent }
}

/// A code's shopper message in `lang`, reported when missing.
fn shopper_message(cx: &mut Ctx<'_>, code: &Sp<crate::model::CodeDef>, lang: &str) -> String {
    let m: &Pairs = &code.value.shopper;
    let Some(m) = m else {
        if lang == "en" && !code.quiet {
            cx.at(code, "missing `shopper` (messages `en` and `fr`)");
        }
        return String::new();
    };
    match m.value.iter().find(|(l, _)| l.value == lang) {
        Some((_, v)) => v.value.clone(),
        None if m.quiet => String::new(),
        None => {
            cx.at(m, format!("missing shopper message in `{lang}`"));
            String::new()
        }
    }
}

/// The states or the operations of the taxonomy.
fn named_list(
    cx: &mut Ctx<'_>,
    root: &Sp<TaxonomyFile>,
    list: &List<NamedDef>,
    what: &str,
    key: &str,
) -> Vec<Named> {
    let mut out = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for item in items(list) {
        let name = cx.required(item, &item.value.name, "name");
        let description = cx.required(item, &item.value.description, "description");
        let Some(name) = name else { continue };
        if !is_screaming_snake(&name.value) {
            cx.at(
                name,
                format!("{what} name `{}` is not SCREAMING_SNAKE_CASE", name.value),
            );
        }
        if let Some(line) = first_line.insert(name.value.clone(), name.at.line) {
            cx.at(
                name,
                format!("duplicate {what} `{}` (first at line {line})", name.value),
            );
            continue;
        }
        out.push(Named {
            name: name.value.clone(),
            at: (name.at.line, name.at.column),
            description: description.map(|d| d.value.clone()).unwrap_or_default(),
        });
    }
    match list {
        None if !root.quiet => cx.at(root, format!("missing `{key}`: no {what} defined")),
        Some(l) if out.is_empty() && !l.quiet => cx.at(l, format!("no {what} defined")),
        _ => {}
    }
    out
}

/// One provider file: its spec, the place of its id and the place of each surface's name.
fn validate_provider(
    file: &Parsed<Sp<ProviderFile>>,
    tables: &Tables,
    names: &Names,
    diags: &mut Vec<Diagnostic>,
) -> (ProviderSpec, Pos, Vec<Pos>) {
    let mut cx = Ctx {
        path: &file.path,
        diags,
    };
    let root = &file.doc;
    let doc = &root.value;
    let id_at = doc.provider.as_ref().map_or(root.at, |p| p.at);
    let id = match &doc.provider {
        Some(p) if p.quiet => file.stem.clone(),
        Some(p) if p.value == file.stem => p.value.clone(),
        Some(p) => {
            cx.at(
                p,
                format!(
                    "provider `{}` must equal the file name `{}`",
                    p.value, file.stem
                ),
            );
            p.value.clone()
        }
        None => {
            if !root.quiet {
                cx.at(root, "missing `provider`");
            }
            file.stem.clone()
        }
    };
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        || id.is_empty()
    {
        cx.pos(
            id_at,
            format!("provider id `{id}` must be lowercase ASCII letters, digits or `_`"),
        );
    }
    let name = match &doc.name {
        Some(n) if n.quiet => id.clone(),
        Some(n) if !n.value.trim().is_empty() => n.value.clone(),
        Some(n) => {
            cx.at(n, "`name` is empty (display name)");
            id.clone()
        }
        None => {
            if !root.quiet {
                cx.at(root, "missing `name` (display name)");
            }
            id.clone()
        }
    };

    let mut surfaces = Vec::new();
    let mut places = Vec::new();
    let mut surface_line: HashMap<String, u64> = HashMap::new();
    for s in items(&doc.surfaces) {
        let Some(sname) = cx.required(s, &s.value.name, "name") else {
            continue;
        };
        if let Some(line) = surface_line.insert(sname.value.clone(), sname.at.line) {
            cx.at(
                sname,
                format!("duplicate surface `{}` (first at line {line})", sname.value),
            );
            continue;
        }
        if !sname
            .value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            cx.at(
                sname,
                format!(
                    "surface name `{}` may hold only ASCII letters, digits, `_` and `.`",
                    sname.value
                ),
            );
        }
        surfaces.push(validate_surface(&mut cx, s, sname, tables, names));
        places.push(sname.at);
    }
    match &doc.surfaces {
        None if !root.quiet => cx.at(
            root,
            "missing `surfaces`: a provider file needs at least one",
        ),
        Some(l) if l.value.is_empty() && !l.quiet => {
            cx.at(l, "no surfaces: a provider file needs at least one")
        }
        _ => {}
    }
    // Every surface read has a name; a name missing from `surfaces` is unknown only when the
    // list was read in full and every surface in it has a name.
    let surfaces_known = complete(&doc.surfaces)
        && items(&doc.surfaces)
            .iter()
            .all(|s| given(&s.value.name).is_some());
    let mut precedence = Vec::new();
    let mut prec_line: HashMap<&str, u64> = HashMap::new();
    for p in items(&doc.precedence) {
        if p.quiet {
            continue;
        }
        match surfaces
            .iter()
            .position(|s: &SurfaceSpec| s.name == p.value)
        {
            None if surfaces_known => {
                cx.at(p, format!("precedence names unknown surface `{}`", p.value))
            }
            None => {}
            Some(i) => {
                if let Some(line) = prec_line.insert(&p.value, p.at.line) {
                    cx.at(
                        p,
                        format!(
                            "surface `{}` is listed twice in precedence (first at line {line})",
                            p.value
                        ),
                    );
                } else {
                    precedence.push(i);
                }
            }
        }
    }
    match &doc.precedence {
        None if !root.quiet && !surfaces.is_empty() => cx.at(
            root,
            "missing `precedence` (every surface once, most specific first)",
        ),
        Some(l) if !l.quiet => {
            for s in items(&doc.surfaces) {
                if let Some(n) = given(&s.value.name) {
                    if !prec_line.contains_key(n.value.as_str()) {
                        cx.at(
                            n,
                            format!("surface `{}` is missing from precedence", n.value),
                        );
                    }
                }
            }
        }
        _ => {}
    }
    let spec = ProviderSpec {
        id,
        name,
        path: file.path.clone(),
        at: (id_at.line, id_at.column),
        surfaces,
        precedence,
    };
    (spec, id_at, places)
}

fn validate_surface(
    cx: &mut Ctx<'_>,
    s: &Sp<SurfaceDef>,
    sname: &Sp<String>,
    tables: &Tables,
    names: &Names,
) -> SurfaceSpec {
    let def = &s.value;
    let description = cx
        .required(s, &def.description, "description")
        .map(|d| d.value.clone());
    let operation = match given(&def.operation) {
        None if def.operation.is_some() => SurfaceOp::Broken,
        None => SurfaceOp::None,
        Some(o) => lookup_operation(cx, o, names).map_or(SurfaceOp::Broken, SurfaceOp::Known),
    };
    let case_insensitive = match given(&def.case) {
        None => false,
        Some(c) if c.value == "exact" => false,
        Some(c) if c.value == "ascii_insensitive" => true,
        Some(c) => {
            cx.at(
                c,
                format!(
                    "unknown case policy `{}` (expected exact, ascii_insensitive)",
                    c.value
                ),
            );
            false
        }
    };
    let checked_against = checked_against(cx, def.checked_against.as_ref());
    let fold = |raw: &str| -> String {
        if case_insensitive {
            raw.to_ascii_lowercase()
        } else {
            raw.to_string()
        }
    };

    let mut entries = Vec::new();
    let mut raw_line: HashMap<String, u64> = HashMap::new();
    for e in items(&def.entries) {
        if let Some(p) = &e.value.prefix {
            cx.at(p, "`prefix` belongs in `rules`, not in `entries`");
        }
        if let Some(r) = &e.value.range {
            cx.at(r, "`range` belongs in `rules`, not in `entries`");
        }
        let raw = match &e.value.raw {
            Some(r) if r.quiet => None,
            Some(r) if r.value.is_empty() => {
                cx.at(r, "`raw` is empty");
                None
            }
            Some(r) => Some(r),
            None => {
                if !e.quiet {
                    cx.at(e, "missing `raw`");
                }
                None
            }
        };
        let outcome = validate_outcome(cx, e, operation, tables, names);
        let Some(raw) = raw else { continue };
        if let Some(line) = raw_line.insert(fold(&raw.value), raw.at.line) {
            let how = if case_insensitive {
                " (ignoring ASCII case)"
            } else {
                ""
            };
            cx.at(
                raw,
                format!(
                    "duplicate raw value \"{}\" in surface {}{how} (first at line {line})",
                    raw.value, sname.value
                ),
            );
            continue;
        }
        if let Some(mut o) = outcome {
            o.matcher = MatcherSpec::Exact(raw.value.clone());
            entries.push(o);
        }
    }

    let mut rules: Vec<EntrySpec> = Vec::new();
    for r in items(&def.rules) {
        if let Some(raw) = &r.value.raw {
            cx.at(
                raw,
                "`raw` belongs in `entries`; a rule has `prefix` or `range`",
            );
        }
        let matcher = match (&r.value.prefix, &r.value.range) {
            (Some(p), None) if p.quiet => None,
            (Some(p), None) if p.value.is_empty() => {
                cx.at(
                    p,
                    "empty `prefix` would match everything: declare a `default` instead",
                );
                None
            }
            (Some(p), None) => Some(MatcherSpec::Prefix(p.value.clone())),
            (None, Some(rg)) => range(cx, rg),
            (Some(p), Some(_)) => {
                cx.at(p, "a rule has either `prefix` or `range`, not both");
                None
            }
            (None, None) => {
                if !r.quiet {
                    cx.at(r, "a rule needs `prefix` or `range`");
                }
                None
            }
        };
        let outcome = validate_outcome(cx, r, operation, tables, names);
        let (Some(matcher), Some(mut o)) = (matcher, outcome) else {
            continue;
        };
        o.matcher = matcher;
        for earlier in &rules {
            if let Some(why) = shadows(&earlier.matcher, &o.matcher, case_insensitive) {
                cx.at(
                    r,
                    format!(
                        "rule {} is {why} the rule at line {} ({})",
                        describe(&o.matcher),
                        earlier.line,
                        describe(&earlier.matcher)
                    ),
                );
            }
        }
        rules.push(o);
    }
    let default = def.default.as_ref().and_then(|d| {
        if let Some(raw) = &d.value.raw {
            cx.at(
                raw,
                "a `default` has no `raw`: it applies to every value nothing else matched",
            );
        }
        if let Some(p) = &d.value.prefix {
            cx.at(p, "a `default` has no `prefix`");
        }
        if let Some(p) = &d.value.range {
            cx.at(p, "a `default` has no `range`");
        }
        validate_outcome(cx, d, operation, tables, names)
    });
    let all_read = !s.quiet && complete(&def.entries) && complete(&def.rules);
    if all_read
        && items(&def.entries).is_empty()
        && items(&def.rules).is_empty()
        && def.default.is_none()
    {
        cx.at(
            sname,
            format!("surface `{}` has no entries, rules or default", sname.value),
        );
    }
    SurfaceSpec {
        name: sname.value.clone(),
        at: (sname.at.line, sname.at.column),
        description: description.unwrap_or_default(),
        operation: match operation {
            SurfaceOp::Known(o) => Some(o),
            _ => None,
        },
        case_insensitive,
        checked_against,
        entries,
        rules,
        default,
    }
}

/// A rule's `range`, both bounds present and in order.
fn range(cx: &mut Ctx<'_>, rg: &Sp<crate::model::RangeDef>) -> Option<MatcherSpec> {
    let bound = |cx: &mut Ctx<'_>, v: &Option<Sp<u64>>, key: &str| match v {
        Some(b) if b.quiet => None,
        Some(b) => Some(b.value),
        None => {
            if !rg.quiet {
                cx.at(rg, format!("missing `{key}` in the range"));
            }
            None
        }
    };
    let from = bound(cx, &rg.value.from, "from");
    let to = bound(cx, &rg.value.to, "to");
    let (from, to) = (from?, to?);
    if from > to {
        cx.at(rg, format!("range from {from} is above to {to}"));
        return None;
    }
    Some(MatcherSpec::Range(from, to))
}

fn describe(m: &MatcherSpec) -> String {
    match m {
        MatcherSpec::Exact(r) => format!("\"{r}\""),
        MatcherSpec::Prefix(p) => format!("prefix \"{p}\""),
        MatcherSpec::Range(a, b) => format!("range {a}..={b}"),
        MatcherSpec::Default => "default".into(),
    }
}

/// Whether `earlier` takes values from `later`: "shadowed by" (always wins) or "overlapping".
fn shadows(earlier: &MatcherSpec, later: &MatcherSpec, fold: bool) -> Option<&'static str> {
    match (earlier, later) {
        (MatcherSpec::Prefix(a), MatcherSpec::Prefix(b)) => {
            let (a, b) = if fold {
                (a.to_ascii_lowercase(), b.to_ascii_lowercase())
            } else {
                (a.clone(), b.clone())
            };
            b.starts_with(&a).then_some("shadowed by")
        }
        (MatcherSpec::Range(a1, a2), MatcherSpec::Range(b1, b2)) => {
            if a1 <= b1 && b2 <= a2 {
                Some("shadowed by")
            } else if b1 <= a2 && a1 <= b2 {
                Some("overlapping")
            } else {
                None
            }
        }
        // A digit prefix before a range: shadowed when every number of the range starts with
        // the prefix (same number of digits, same leading digits).
        (MatcherSpec::Prefix(p), MatcherSpec::Range(b1, b2)) => {
            let (s1, s2) = (b1.to_string(), b2.to_string());
            (s1.len() == s2.len() && s1.starts_with(p.as_str()) && s2.starts_with(p.as_str()))
                .then_some("shadowed by")
        }
        _ => None,
    }
}

/// What is wrong with `url` as a source or a `checked_against` item, if anything: it must be
/// an http(s) URL with a host and no white space.
fn url_problem(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        None => Some(format!("`{url}` is not an http(s) URL")),
        Some(_) if url.contains(char::is_whitespace) => Some("URL contains white space".into()),
        Some(r) if r.is_empty() || r.starts_with('/') => Some(format!("`{url}` has no host")),
        Some(_) => None,
    }
}

/// `checked_against:`: a non-empty list of http(s) URLs, each once.
fn checked_against(cx: &mut Ctx<'_>, list: Option<&Sp<Vec<Sp<String>>>>) -> Vec<String> {
    let Some(list) = list else {
        return Vec::new();
    };
    if list.value.is_empty() && !list.quiet {
        cx.at(
            list,
            "`checked_against` is empty: list what the surface was checked against, or omit the key",
        );
    }
    let mut out = Vec::new();
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    for item in &list.value {
        if item.quiet {
            continue;
        }
        if item.value.trim().is_empty() {
            cx.at(item, "`checked_against` item is empty");
        } else if let Some(why) = url_problem(&item.value) {
            cx.at(item, format!("checked_against {why}"));
        } else if let Some(line) = first_line.insert(&item.value, item.at.line) {
            cx.at(
                item,
                format!(
                    "`{}` is listed twice in checked_against (first at line {line})",
                    item.value
                ),
            );
        } else {
            out.push(item.value.clone());
        }
    }
    out
}

fn lookup_operation(cx: &mut Ctx<'_>, o: &Sp<String>, names: &Names) -> Option<usize> {
    let found = names.operations.get(&o.value).copied();
    if found.is_none() && names.operations_complete {
        cx.at(
            o,
            format!(
                "unknown operation `{}` (expected one of {})",
                o.value, names.operation_list
            ),
        );
    }
    found
}

/// State, code, operation, description and source of an entry, rule or default.
fn validate_outcome(
    cx: &mut Ctx<'_>,
    e: &Sp<OutcomeDef>,
    surface_operation: SurfaceOp,
    tables: &Tables,
    names: &Names,
) -> Option<EntrySpec> {
    let v = &e.value;
    let state = cx.required(e, &v.state, "state").and_then(|s| {
        let found = names.states.get(&s.value).copied();
        if found.is_none() && names.states_complete {
            cx.at(
                s,
                format!(
                    "unknown state `{}` (expected one of {})",
                    s.value, names.state_list
                ),
            );
        }
        found
    });
    let code_sp = cx.required(e, &v.code, "code");
    let code = code_sp.and_then(|c| {
        let found = names.codes.get(&c.value).copied();
        if found.is_none() && names.codes_complete {
            cx.at(
                c,
                format!("unknown code `{}` (see mappings/taxonomy.yaml)", c.value),
            );
        }
        found
    });
    if let (Some(s), Some(c), Some(csp)) = (state, code, code_sp) {
        let spec = &tables.codes[c];
        if names.code_states_complete[c] && !spec.states.iter().any(|(st, _)| *st == s) {
            let allowed: Vec<&str> = spec
                .states
                .iter()
                .map(|(st, _)| tables.states[*st].name.as_str())
                .collect();
            cx.at(
                csp,
                format!(
                    "code {} is not allowed with state {} (allowed: {})",
                    spec.name,
                    tables.states[s].name,
                    allowed.join(", ")
                ),
            );
        }
    }
    let operation = match (&v.operation, surface_operation) {
        (Some(o), _) if o.quiet => None,
        (Some(o), _) => lookup_operation(cx, o, names),
        (None, SurfaceOp::Known(o)) => Some(o),
        (None, SurfaceOp::Broken) => None,
        (None, SurfaceOp::None) => {
            if !e.quiet {
                cx.at(e, "missing `operation` (the surface declares none)");
            }
            None
        }
    };
    let description = cx.required(e, &v.description, "description");
    let source = match &v.source {
        None => {
            if !e.quiet {
                cx.at(
                    e,
                    "missing source: every entry needs the public URL it rests on",
                );
            }
            None
        }
        Some(s) if s.quiet => None,
        Some(s) => match url_problem(&s.value) {
            Some(why) => {
                cx.at(s, format!("source {why}"));
                None
            }
            None => Some(s.value.clone()),
        },
    };
    let support = support_text(cx, &v.shopper, v.agent.as_ref());
    Some(EntrySpec {
        matcher: MatcherSpec::Default,
        state: state?,
        code: code?,
        operation: operation?,
        description: description?.value.clone(),
        source: source?,
        line: e.at.line,
        support,
    })
}

/// Surface names become Rust identifiers (a `Surface` variant, a constant in the provider's
/// module): two names must not collide. Reported at the name's place in its provider file.
fn check_surface_identifiers(tables: &Tables, places: &[Vec<Pos>], diags: &mut Vec<Diagnostic>) {
    let all = tables
        .providers
        .iter()
        .flat_map(|p| p.surfaces.iter().map(|s| s.name.as_str()));
    // (provider index or None for any provider, name, other name, identifier)
    let mut problems: Vec<(Option<usize>, String, String, String)> =
        collisions(&crate::codegen::surface_idents(all))
            .into_iter()
            .map(|(a, b, ident)| (None, a, b, ident))
            .collect();
    for (i, p) in tables.providers.iter().enumerate() {
        let own = p.surfaces.iter().map(|s| s.name.as_str());
        problems.extend(
            collisions(&crate::codegen::surface_consts(own))
                .into_iter()
                .map(|(a, b, ident)| (Some(i), a, b, ident)),
        );
    }
    // Where a name first appears, in file order (restricted to one provider for constants).
    let first = |only: Option<usize>, name: &str| {
        tables
            .providers
            .iter()
            .enumerate()
            .filter(|(i, _)| only.is_none_or(|o| o == *i))
            .find_map(|(i, p)| Some((i, p.surfaces.iter().position(|s| s.name == name)?)))
    };
    for (only, a, b, ident) in problems {
        // Reported at the later of the two names: the one that made the clash.
        let (name, other, at) = match (first(only, &a), first(only, &b)) {
            (Some(x), Some(y)) if y > x => (&b, &a, y),
            (Some(x), _) => (&a, &b, x),
            (None, _) => continue,
        };
        let (pi, si) = at;
        let place = places[pi].get(si).copied().unwrap_or(Pos::START);
        diags.push(Diagnostic::new(
            &tables.providers[pi].path,
            place.line,
            place.column,
            format!(
                "surface `{name}` and surface `{other}` both become the identifier {ident}: \
                 rename one"
            ),
        ));
    }
}

/// Pairs of names given the same identifier.
fn collisions(idents: &std::collections::BTreeMap<&str, String>) -> Vec<(String, String, String)> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut out = Vec::new();
    for (name, ident) in idents {
        match seen.get(ident.as_str()) {
            Some(other) => out.push((name.to_string(), other.to_string(), ident.clone())),
            None => {
                seen.insert(ident, name);
            }
        }
    }
    out
}
