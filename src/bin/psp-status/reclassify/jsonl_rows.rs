//! Reading a chunk of JSON Lines into columns for the kernel, and writing the output rows.
//!
//! Only the wanted keys are looked at (as raw JSON, borrowed from the line); the object is
//! passed through byte for byte and the new members appended before its closing brace.
//! Strings are the values; numbers and booleans count by their JSON text (`20051`, `true`).

use super::chunk::{
    append_csv, append_csv_no_reject, append_csv_rejected, append_json, append_json_no_reject,
    append_json_rejected, reason_text, ChunkOut, Plan, Span, SpanColumn,
};
use super::rejects::{write_cell, write_plain, Rejects};
use super::tally::Tally;
use psp_status::batch::{classify_columns_in, ByteColumn, Names, Outcome, Reason};
use psp_status::readers::jsonl::for_each_line;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

/// The output a JSON Lines chunk is written as.
#[derive(Debug, Clone)]
pub enum JsonlOut {
    /// JSON Lines: the input object, then the appended members (JSON-encoded keys with colon).
    Jsonl { appended: [Vec<u8>; 5] },
    /// CSV with these columns (the keys of the first object), then the appended ones.
    /// `neutralize`: formula cells get a leading `'` (`--neutralize-formulas`).
    Csv {
        delimiter: u8,
        columns: Vec<String>,
        neutralize: bool,
    },
}

/// How to read the rows of a JSON Lines input.
#[derive(Debug, Clone)]
pub struct JsonlIn {
    pub plan: Plan,
    /// Per wanted slot: whether a row without that key is rejected (provider, surfaces, and the
    /// raw column of a single signal; several signal columns may be absent).
    pub required: Vec<bool>,
    /// The appended column names (with `reject` under `--keep-rejected`): an input key with
    /// one of these names is a reject.
    pub appended: Vec<String>,
    /// `--keep-rejected`: rows the kernel rejects are written with a reason; the JSON-encoded
    /// `reject` key (with its colon).
    pub keep_rejected: Option<Vec<u8>>,
    /// What each wanted key is looked up as: (slot, [whole name]) for a top-level key named in
    /// full, and (slots + slot, path) for its dotted path (see [`targets`]).
    pub targets: Vec<(usize, Vec<String>)>,
    pub out: JsonlOut,
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names::default());
}

struct Rec {
    start: usize,
    content_end: usize,
    row: u64,
    line: u64,
}

/// A wanted key as a path: `last_payment_error.decline_code` is `["last_payment_error",
/// "decline_code"]`; `\.` is a dot inside a key (`metadata.order\.id`), `\\` a backslash.
pub fn key_path(name: &str) -> Vec<String> {
    let mut path = vec![String::new()];
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) => path.last_mut().expect("not empty").push(n),
                None => path.last_mut().expect("not empty").push('\\'),
            },
            '.' => path.push(String::new()),
            c => path.last_mut().expect("not empty").push(c),
        }
    }
    path
}

/// What to pick in an object: (slot in `found`, the rest of its path).
type Targets<'a> = Vec<(usize, &'a [String])>;

/// Picks the wanted keys of one JSON object as raw values (descending into nested objects for
/// dotted paths), and, at the top level, notices appended-name clashes.
struct Picker<'a, 'de> {
    targets: &'a [(usize, &'a [String])],
    appended: Option<&'a [String]>,
    found: &'a mut [Option<&'de RawValue>],
    clash: &'a mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Picker<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Picker<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if !self.targets.iter().any(|(_, p)| p[0] == *key) {
                if let Some(appended) = self.appended {
                    if self.clash.is_none() && appended.iter().any(|a| *a == *key) {
                        *self.clash = Some(key.into_owned());
                    }
                }
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value = map.next_value::<&'de RawValue>()?;
            let mut deeper: Targets<'_> = Vec::new();
            for &(slot, path) in self.targets.iter().filter(|(_, p)| p[0] == *key) {
                if path.len() == 1 {
                    self.found[slot] = Some(value);
                } else {
                    deeper.push((slot, &path[1..]));
                }
            }
            // A path through a value that is not an object reaches nothing (a missing key).
            if !deeper.is_empty() && value.get().starts_with('{') {
                let mut de = serde_json::Deserializer::from_str(value.get());
                Picker {
                    targets: &deeper,
                    appended: None,
                    found: self.found,
                    clash: self.clash,
                }
                .deserialize(&mut de)
                .map_err(serde::de::Error::custom)?;
            }
        }
        Ok(())
    }
}

/// The lookups for the wanted keys: each name in full at the top level (slot `i`), and, when it
/// has a dot, as a path (slot `wanted.len() + i`).
pub fn targets(wanted: &[String]) -> Vec<(usize, Vec<String>)> {
    let n = wanted.len();
    let mut t = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        let path = key_path(w);
        t.push((i, vec![w.clone()]));
        if path.len() > 1 || path[0] != *w {
            t.push((n + i, path));
        }
    }
    t
}

/// Where `inner` (a sub-slice of `outer`) starts in `outer`.
fn offset(outer: &[u8], inner: &[u8]) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// Reads, classifies and writes one chunk of whole JSON lines.
pub fn process(chunk: &[u8], cfg: &JsonlIn) -> ChunkOut {
    let slots = cfg.plan.wanted.len();
    let mut spans: Vec<Vec<Span>> = (0..slots).map(|_| Vec::new()).collect();
    let mut arena: Vec<u8> = Vec::new();
    let mut recs: Vec<Rec> = Vec::new();
    let mut rejects = Rejects::default();
    let mut found: Vec<Option<&RawValue>> = Vec::with_capacity(2 * slots);
    let mut keys = Tally::default();
    let targets: Vec<(usize, &[String])> = cfg
        .targets
        .iter()
        .map(|(i, p)| (*i, p.as_slice()))
        .collect();
    let mut row = 0u64;
    let mut lines = Vec::new();
    let line = for_each_line(chunk, |l| lines.push(l));
    for l in lines {
        let (start, content_end) = (l.start, l.content_end);
        let content = &chunk[start..content_end];
        let rec = Rec {
            start,
            content_end,
            row,
            line: l.line,
        };
        row += 1;
        let (r, l) = (rec.row, rec.line);
        found.clear();
        found.resize(2 * slots, None);
        let mut clash = None;
        let mut de = serde_json::Deserializer::from_slice(content);
        let parsed = Picker {
            targets: &targets,
            appended: Some(cfg.appended.as_slice()),
            found: &mut found,
            clash: &mut clash,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end());
        if let Err(e) = parsed {
            if e.is_data() && !content.trim_ascii_start().starts_with(b"{") {
                rejects.push(r, l, "not a JSON object", content);
            } else {
                rejects.push(r, l, &format!("invalid JSON: {e}"), content);
            }
            continue;
        }
        // A key named in full at the top level wins over the same name read as a path.
        for slot in 0..slots {
            if found[slot].is_none() {
                found[slot] = found[slots + slot];
            }
        }
        found.truncate(slots);
        keys.count_keys(&found);
        if let Some(key) = clash {
            rejects.push_parts(
                r,
                l,
                &[
                    "the row already has a `",
                    &key,
                    "` key, which the output adds (use --column-prefix)",
                ],
                content,
            );
            continue;
        }
        if let Some(missing) = (0..slots).find(|&i| cfg.required[i] && found[i].is_none()) {
            rejects.push_parts(
                r,
                l,
                &["missing column `", &cfg.plan.wanted[missing], "`"],
                content,
            );
            continue;
        }
        for (slot, value) in found.iter().enumerate() {
            let span = match value {
                None => Span::NULL,
                Some(v) => {
                    let raw = v.get();
                    if raw == "null" {
                        Span::NULL
                    } else if raw.starts_with('"') {
                        match serde_json::from_str::<Cow<'_, str>>(raw) {
                            Ok(Cow::Borrowed(s)) => {
                                Span::chunk(offset(chunk, s.as_bytes()), s.len())
                            }
                            Ok(Cow::Owned(s)) => {
                                let sp = Span::arena(arena.len(), s.len());
                                arena.extend_from_slice(s.as_bytes());
                                sp
                            }
                            Err(_) => Span::NULL,
                        }
                    } else {
                        Span::chunk(offset(chunk, raw.as_bytes()), raw.len())
                    }
                }
            };
            spans[slot].push(span);
        }
        recs.push(rec);
    }

    let columns = SpanColumn::all(chunk, &arena, &spans, cfg.plan.trim);
    let batch = cfg.plan.batch(&columns);
    let mut outcomes = Vec::new();
    let tables = crate::tables::tables();
    NAMES.with(|n| classify_columns_in(tables, &batch, &mut n.borrow_mut(), &mut outcomes));

    let mut result = ChunkOut::for_chunk(chunk, row, line);
    result.tally = keys;
    for (i, (rec, outcome)) in recs.iter().zip(&outcomes).enumerate() {
        let content = &chunk[rec.start..rec.content_end];
        match outcome {
            Outcome::Classified(v) => {
                let o = &mut result.out;
                match &cfg.out {
                    JsonlOut::Jsonl { appended } => {
                        // The object ends with `}`: keep everything before it.
                        let body = &content[..content.len() - 1];
                        o.extend_from_slice(body);
                        if !body.trim_ascii_end().ends_with(b"{") {
                            o.push(b',');
                        }
                        append_json(o, appended, v);
                        if let Some(key) = &cfg.keep_rejected {
                            append_json_no_reject(o, key);
                        }
                        o.extend_from_slice(b"}\n");
                    }
                    JsonlOut::Csv {
                        delimiter,
                        columns,
                        neutralize,
                    } => {
                        let cell = if *neutralize { write_cell } else { write_plain };
                        let map: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_slice(content).expect("the line parsed above");
                        if let Some(extra) = map.keys().find(|k| !columns.contains(k)) {
                            rejects.push_parts(
                                rec.row,
                                rec.line,
                                &[
                                    "key `",
                                    extra,
                                    "` is not a column of the CSV output (its columns are the \
                                     keys of the first row)",
                                ],
                                content,
                            );
                            continue;
                        }
                        for (k, col) in columns.iter().enumerate() {
                            if k > 0 {
                                o.push(*delimiter);
                            }
                            match map.get(col) {
                                None | Some(serde_json::Value::Null) => {}
                                Some(serde_json::Value::String(s)) => {
                                    cell(o, s.as_bytes(), *delimiter)
                                }
                                Some(other) => cell(o, other.to_string().as_bytes(), *delimiter),
                            }
                        }
                        append_csv(o, *delimiter, v);
                        if cfg.keep_rejected.is_some() {
                            append_csv_no_reject(o, *delimiter);
                        }
                        o.push(b'\n');
                    }
                }
                let raw = v.signal.map_or(&b""[..], |s| {
                    columns[cfg.plan.raw_slot(s)].value(i).unwrap_or_default()
                });
                result.tally.add(v, raw);
            }
            Outcome::Rejected(reason) => {
                if matches!(reason, Reason::NoSignal | Reason::NoSignalFor(_)) {
                    result.tally.no_signal += 1;
                }
                if let Some(key) = &cfg.keep_rejected {
                    if keep(
                        &mut result.out,
                        &mut rejects,
                        cfg,
                        rec,
                        content,
                        key,
                        || reason_text(&batch, i, *reason),
                    ) {
                        result.tally.kept_rejected += 1;
                    }
                    continue;
                }
                rejects.push_explained(rec.row, rec.line, &batch.explanation(i, *reason), content)
            }
        }
    }
    rejects.sort();
    result.rejects = rejects;
    result
}

/// `--keep-rejected`: writes a row the kernel rejected, with its reason (`why`) in the `reject`
/// column; false when it cannot be written as a CSV row after all (a key that is not a column:
/// then it goes to the rejects file, as a classified row would).
fn keep(
    o: &mut Vec<u8>,
    rejects: &mut Rejects,
    cfg: &JsonlIn,
    rec: &Rec,
    content: &[u8],
    key: &[u8],
    why: impl FnOnce() -> String,
) -> bool {
    let why = why();
    match &cfg.out {
        JsonlOut::Jsonl { appended } => {
            let body = &content[..content.len() - 1];
            o.extend_from_slice(body);
            if !body.trim_ascii_end().ends_with(b"{") {
                o.push(b',');
            }
            append_json_rejected(o, appended, key, &why);
            o.extend_from_slice(b"}\n");
        }
        JsonlOut::Csv {
            delimiter,
            columns,
            neutralize,
        } => {
            let cell = if *neutralize { write_cell } else { write_plain };
            let map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(content).expect("the line parsed above");
            if let Some(extra) = map.keys().find(|k| !columns.contains(k)) {
                rejects.push_parts(
                    rec.row,
                    rec.line,
                    &[
                        "key `",
                        extra,
                        "` is not a column of the CSV output (its columns are the keys of the \
                         first row)",
                    ],
                    content,
                );
                return false;
            }
            for (k, col) in columns.iter().enumerate() {
                if k > 0 {
                    o.push(*delimiter);
                }
                match map.get(col) {
                    None | Some(serde_json::Value::Null) => {}
                    Some(serde_json::Value::String(s)) => cell(o, s.as_bytes(), *delimiter),
                    Some(other) => cell(o, other.to_string().as_bytes(), *delimiter),
                }
            }
            append_csv_rejected(o, *delimiter, why.as_bytes(), *neutralize);
            o.push(b'\n');
        }
    }
    true
}

/// The keys of the first JSON object in `input` (for CSV output), in order.
pub fn first_keys(input: &[u8]) -> Option<Vec<String>> {
    let mut keys = None;
    for_each_line(input, |l| {
        if keys.is_none() {
            keys = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(
                &input[l.start..l.content_end],
            )
            .ok()
            .map(|m| m.keys().cloned().collect());
        }
    });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_split_at_unescaped_dots() {
        assert_eq!(key_path("status"), ["status"]);
        assert_eq!(
            key_path("last_payment_error.decline_code"),
            ["last_payment_error", "decline_code"]
        );
        assert_eq!(key_path("metadata.order\\.id"), ["metadata", "order.id"]);
        assert_eq!(key_path("a\\\\.b"), ["a\\", "b"]);
        assert_eq!(key_path("trailing\\"), ["trailing\\"]);
        let t = targets(&["a.b".to_string(), "c".to_string()]);
        assert_eq!(
            t,
            [
                (0, vec!["a.b".to_string()]),
                (2, vec!["a".to_string(), "b".to_string()]),
                (1, vec!["c".to_string()])
            ]
        );
    }
}
