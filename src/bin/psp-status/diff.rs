//! `psp-status diff [--from DIR] --to DIR [HISTORY]`: what a table change does. The entries
//! added, removed and changed between two sets of tables and, given a history file, the rows
//! whose answer (state, code) changes, counted by transition with example row numbers.
//!
//! The history is read by `reclassify` itself, once with each set (same readers, formats and
//! column flags, the same rejects), into private temporaries that are compared row by row.

use crate::tables::{activate, load};
use crate::{emit, escape, reclassify, CliError};
use psp_status::{EntryOf, Tables};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `psp-status diff`.
#[derive(Debug, clap::Args)]
#[group(id = "diff")]
pub struct Args {
    /// The tables before the change (default: the compiled tables).
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// The tables after the change.
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// Print one JSON object: {"entries": {"added", "removed", "changed"}, "transitions"}.
    #[arg(long)]
    json: bool,
    /// Example row numbers kept per transition.
    #[arg(long, default_value_t = 5, value_name = "N")]
    examples: usize,
    /// HISTORY (a CSV or JSON Lines file, as `reclassify` reads it) and reclassify's column
    /// flags (--provider-column, --signal, --columns, --trim, ...). Output options do not apply.
    #[command(flatten, next_help_heading = "History (read as reclassify reads it)")]
    history: reclassify::Args,
}

/// Names of the columns `reclassify` appends in the private runs (unlikely in any export).
const PREFIX: &str = "__psp_status_diff_";

/// One row's answer in a private run.
#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "__psp_status_diff_state")]
    state: String,
    #[serde(rename = "__psp_status_diff_code")]
    code: String,
}

pub fn run(a: &Args) -> Result<ExitCode, CliError> {
    let h = &a.history;
    let not_here = [
        (h.output != "-", "-o/--output"),
        (h.output_format.is_some(), "--output-format"),
        (h.rejects.is_some(), "--rejects"),
        (h.report.is_some(), "--report"),
        (!h.column_prefix.is_empty(), "--column-prefix"),
        (h.neutralize_formulas, "--neutralize-formulas"),
        (h.keep_rejected, "--keep-rejected"),
        (h.mappings.is_some(), "--mappings (use --from and --to)"),
    ];
    if let Some((_, flag)) = not_here.iter().find(|(given, _)| *given) {
        return Err(CliError::Usage(format!(
            "diff writes no output file: {flag} does not apply"
        )));
    }
    let from = match &a.from {
        Some(dir) => load(0, dir)?,
        None => Tables::compiled(),
    };
    let to = load(1, &a.to)?;
    let entries = entries(from, to);
    let history = if h.input == "-" {
        None
    } else {
        Some(transitions(a, from, to)?)
    };
    if a.json {
        let transitions: Vec<Value> = history
            .as_ref()
            .map(|h| h.transitions.iter().map(transition_json).collect())
            .unwrap_or_default();
        let v = json!({ "entries": entries, "transitions": transitions });
        let mut text = serde_json::to_string_pretty(&v).expect("JSON values serialize");
        text.push('\n');
        emit(&text);
    } else {
        emit(&render(a, from, to, &entries, history.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}

/// An entry as `diff` shows it.
fn entry_json(e: &EntryOf<'_>) -> Value {
    json!({
        "anchor": e.anchor(),
        "provider": e.provider,
        "surface": e.surface,
        "match": e.pattern(),
        "state": e.state,
        "code": e.code,
        "operation": e.operation,
    })
}

/// What an entry says, for comparing two versions of it.
fn outcome_json(e: &EntryOf<'_>) -> Value {
    json!({
        "state": e.state,
        "code": e.code,
        "operation": e.operation,
        "description": e.description,
        "source": e.source,
        "shopper_messages": {
            "en": e.shopper_message(psp_status::Lang::En),
            "fr": e.shopper_message(psp_status::Lang::Fr),
        },
        "agent_action": e.agent_action(),
    })
}

/// Added, removed and changed entries, by anchor (`provider/surface/value`, `…/prefix:P`,
/// `…/range:A-B`, `…/:default`), each list in the order of the tables.
fn entries(from: &Tables, to: &Tables) -> Value {
    let old: BTreeMap<&str, &EntryOf<'_>> = from.entries().map(|e| (e.anchor(), e)).collect();
    let new: BTreeMap<&str, &EntryOf<'_>> = to.entries().map(|e| (e.anchor(), e)).collect();
    let added: Vec<Value> = to
        .entries()
        .filter(|e| !old.contains_key(e.anchor()))
        .map(entry_json)
        .collect();
    let removed: Vec<Value> = from
        .entries()
        .filter(|e| !new.contains_key(e.anchor()))
        .map(entry_json)
        .collect();
    let mut changed = Vec::new();
    for e in to.entries() {
        let Some(o) = old.get(e.anchor()) else {
            continue;
        };
        let (was, is) = (outcome_json(o), outcome_json(e));
        if was == is {
            continue;
        }
        let fields: Vec<&String> = is
            .as_object()
            .expect("an object")
            .iter()
            .filter(|(k, v)| was.get(k.as_str()) != Some(v))
            .map(|(k, _)| k)
            .collect();
        let mut v = entry_json(e);
        let obj = v.as_object_mut().expect("an object");
        for k in ["state", "code", "operation"] {
            obj.remove(k);
        }
        obj.insert("fields".into(), json!(fields));
        obj.insert("from".into(), was);
        obj.insert("to".into(), is);
        changed.push(v);
    }
    json!({ "added": added, "removed": removed, "changed": changed })
}

/// A (state, code) pair as reclassify writes it.
type Pair = (String, String);

/// One transition: rows whose answer went from one pair to another.
struct Transition {
    from: Pair,
    to: Pair,
    rows: u64,
    examples: Vec<u64>,
}

/// What the history says about the change.
struct History {
    /// Rows read (classified + rejected).
    rows: u64,
    /// Rows rejected (unreadable, or nothing to classify); the same under both sets.
    rejected: u64,
    /// By rows, most first; ties by pairs.
    transitions: Vec<Transition>,
}

fn transition_json(t: &Transition) -> Value {
    json!({
        "from": { "state": t.from.0, "code": t.from.1 },
        "to": { "state": t.to.0, "code": t.to.1 },
        "rows": t.rows,
        "examples": t.examples,
    })
}

/// Reclassifies the history with each set into private temporaries and compares them row by
/// row.
fn transitions(a: &Args, from: &'static Tables, to: &'static Tables) -> Result<History, CliError> {
    let dir = tempfile::Builder::new()
        .prefix(".psp-status-diff-")
        .tempdir()
        .map_err(|e| CliError::Failed(format!("cannot create a temporary directory: {e}")))?;
    let mut runs = Vec::new();
    for (k, t) in [from, to].into_iter().enumerate() {
        let out = dir.path().join(format!("{k}.jsonl"));
        let rejects = dir.path().join(format!("{k}.rejects.csv"));
        let mut r = a.history.clone();
        r.output = out.display().to_string();
        r.output_format = Some(reclassify::Format::Jsonl);
        r.rejects = Some(rejects.clone());
        r.column_prefix = PREFIX.to_string();
        r.quiet = true;
        activate(t);
        let code = reclassify::run(&r);
        activate(Tables::compiled());
        let code = code?;
        if code != ExitCode::SUCCESS {
            return Err(CliError::Failed(format!(
                "reading {} failed; nothing compared",
                escape(&a.history.input)
            )));
        }
        runs.push((out, rejects));
    }
    let rejected = rejected_rows(&runs[0].1)?;
    if rejected != rejected_rows(&runs[1].1)? {
        return Err(CliError::Failed(
            "the two runs rejected different rows; nothing compared".into(),
        ));
    }
    let open = |p: &Path| {
        std::fs::File::open(p)
            .map(std::io::BufReader::new)
            .map_err(|e| CliError::Failed(format!("cannot read {}: {e}", p.display())))
    };
    let (mut old, mut new) = (open(&runs[0].0)?.lines(), open(&runs[1].0)?.lines());
    let mut counts: BTreeMap<(Pair, Pair), (u64, Vec<u64>)> = BTreeMap::new();
    let mut row = 0u64;
    let mut skip = rejected.iter().peekable();
    let parse = |line: Option<std::io::Result<String>>| -> Result<Option<Answer>, CliError> {
        match line {
            None => Ok(None),
            Some(Ok(l)) => serde_json::from_str(&l)
                .map(Some)
                .map_err(|e| CliError::Failed(format!("cannot read a private run's row: {e}"))),
            Some(Err(e)) => Err(CliError::Failed(format!("cannot read a private run: {e}"))),
        }
    };
    loop {
        let (o, n) = match (parse(old.next())?, parse(new.next())?) {
            (None, None) => break,
            (Some(o), Some(n)) => (o, n),
            _ => {
                return Err(CliError::Failed(
                    "the two runs wrote different numbers of rows; nothing compared".into(),
                ))
            }
        };
        // The row number of this output row: the next one that was not rejected.
        row += 1;
        while skip.next_if(|&&r| r == row).is_some() {
            row += 1;
        }
        if (o.state.as_str(), o.code.as_str()) == (n.state.as_str(), n.code.as_str()) {
            continue;
        }
        let c = counts
            .entry(((o.state, o.code), (n.state, n.code)))
            .or_default();
        c.0 += 1;
        if c.1.len() < a.examples {
            c.1.push(row);
        }
    }
    let rows = row.max(rejected.last().copied().unwrap_or(0));
    let mut transitions: Vec<Transition> = counts
        .into_iter()
        .map(|((from, to), (rows, examples))| Transition {
            from,
            to,
            rows,
            examples,
        })
        .collect();
    transitions.sort_by_key(|t| std::cmp::Reverse(t.rows));
    Ok(History {
        rows,
        rejected: rejected.len() as u64,
        transitions,
    })
}

/// The row numbers of a rejects file (`row,line,reason,record`), in order.
fn rejected_rows(path: &Path) -> Result<BTreeSet<u64>, CliError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => {
            return Err(CliError::Failed(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let mut rows = BTreeSet::new();
    let mut first = true;
    psp_status::readers::csv::for_each_record(&bytes, b',', |r| {
        let header = std::mem::take(&mut first);
        let cell = psp_status::readers::csv::fields_of(&bytes, &r)
            .and_then(|f| f.into_iter().next())
            .and_then(|c| String::from_utf8(c).ok())
            .and_then(|c| c.parse::<u64>().ok());
        if let (false, Some(n)) = (header, cell) {
            rows.insert(n);
        }
    });
    Ok(rows)
}

/// The text form.
fn render(
    a: &Args,
    from: &Tables,
    to: &Tables,
    entries: &Value,
    history: Option<&History>,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let name = |t: &Tables| {
        if t.is_compiled() {
            format!("compiled tables {}", t.version())
        } else {
            format!("{} ({})", t.dir(), t.version())
        }
    };
    let _ = writeln!(s, "from  {}", escape(&name(from)));
    let _ = writeln!(s, "to    {}", escape(&name(to)));
    let list = |k: &str| entries[k].as_array().cloned().unwrap_or_default();
    let (added, removed, changed) = (list("added"), list("removed"), list("changed"));
    let _ = writeln!(
        s,
        "\nentries: {} added, {} removed, {} changed",
        added.len(),
        removed.len(),
        changed.len()
    );
    let str_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    for e in &added {
        let _ = writeln!(
            s,
            "  + {}  {} / {}",
            escape(&str_of(&e["anchor"])),
            str_of(&e["state"]),
            str_of(&e["code"])
        );
    }
    for e in &removed {
        let _ = writeln!(
            s,
            "  - {}  {} / {}",
            escape(&str_of(&e["anchor"])),
            str_of(&e["state"]),
            str_of(&e["code"])
        );
    }
    for e in &changed {
        let fields: Vec<String> = e["fields"]
            .as_array()
            .map(|f| f.iter().map(str_of).collect())
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  ~ {}  {} / {} -> {} / {}  ({})",
            escape(&str_of(&e["anchor"])),
            str_of(&e["from"]["state"]),
            str_of(&e["from"]["code"]),
            str_of(&e["to"]["state"]),
            str_of(&e["to"]["code"]),
            fields.join(", ")
        );
    }
    match history {
        None => {
            let _ = writeln!(
                s,
                "\nno history given: `psp-status diff --to DIR HISTORY` counts the rows whose answer changes"
            );
        }
        Some(h) => {
            let changed: u64 = h.transitions.iter().map(|t| t.rows).sum();
            let _ = writeln!(
                s,
                "\nhistory {}: {} rows, {} rejected (as reclassify rejects them), {} change answer",
                escape(&a.history.input),
                h.rows,
                h.rejected,
                changed
            );
            for t in &h.transitions {
                let ex: Vec<String> = t.examples.iter().map(u64::to_string).collect();
                let _ = writeln!(
                    s,
                    "  {:>8}  {} / {} -> {} / {}  (rows {})",
                    t.rows,
                    t.from.0,
                    t.from.1,
                    t.to.0,
                    t.to.1,
                    ex.join(", ")
                );
            }
        }
    }
    s
}
