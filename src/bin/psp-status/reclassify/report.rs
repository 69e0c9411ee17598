//! The JSON report (`--report`) and the short human summary on stderr.

use super::tally::Tally;
use crate::tables::tables;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// How many unmapped values the report lists.
pub const TOP_UNMAPPED: usize = 100;

/// The totals of a run.
pub struct Totals {
    pub input: String,
    pub output: String,
    pub rejects: String,
    pub format: &'static str,
    pub output_format: &'static str,
    pub rows_in: u64,
    pub rows_out: u64,
    pub rows_rejected: u64,
    pub input_bytes: u64,
    pub elapsed: Duration,
    pub threads: usize,
    /// JSON Lines: wanted keys some rows lack, with how many rows lack them.
    pub missing_keys: Vec<(String, u64)>,
}

impl Totals {
    fn secs(&self) -> f64 {
        self.elapsed.as_secs_f64().max(1e-9)
    }
}

fn counts<K: Ord + ToString>(m: BTreeMap<K, u64>) -> Value {
    Value::Object(
        m.into_iter()
            .map(|(k, n)| (k.to_string(), Value::from(n)))
            .collect::<Map<_, _>>(),
    )
}

/// The report as JSON.
pub fn json(t: &Totals, tally: &Tally) -> Value {
    let mut by_provider = BTreeMap::new();
    let mut by_state = BTreeMap::new();
    let mut by_code = BTreeMap::new();
    let mut by_matched = BTreeMap::new();
    let mut by_psc: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for (p, s, c, m, n) in tally.cells() {
        *by_provider.entry(p.to_string()).or_insert(0) += n;
        *by_state.entry(s.to_string()).or_insert(0) += n;
        *by_code.entry(c.to_string()).or_insert(0) += n;
        *by_matched.entry(m.to_string()).or_insert(0) += n;
        *by_psc
            .entry((p.to_string(), s.to_string(), c.to_string()))
            .or_insert(0) += n;
    }
    let top: Vec<Value> = tally
        .top_unmapped(TOP_UNMAPPED)
        .into_iter()
        .map(|u| {
            json!({
                "provider": u.provider.to_string(),
                "surface": u.surface.to_string(),
                "raw": String::from_utf8_lossy(&u.raw),
                "rows": u.rows,
            })
        })
        .collect();
    json!({
        "input": t.input,
        "output": t.output,
        "rejects": t.rejects,
        "format": t.format,
        "output_format": t.output_format,
        "table_version": tables().version(),
        "table_digest": tables().digest(),
        "rows_in": t.rows_in,
        "rows_out": t.rows_out,
        "rows_rejected": t.rows_rejected,
        "by_provider": counts(by_provider),
        "by_state": counts(by_state),
        "by_code": counts(by_code),
        "by_matched": counts(by_matched),
        "by_provider_state_code": by_psc
            .into_iter()
            .map(|((p, s, c), n)| json!({"provider": p, "state": s, "code": c, "rows": n}))
            .collect::<Vec<_>>(),
        "rows_no_signal": tally.no_signal,
        "rows_kept_rejected": tally.kept_rejected,
        "missing_keys": t
            .missing_keys
            .iter()
            .map(|(k, n)| (k.clone(), Value::from(*n)))
            .collect::<Map<_, _>>(),
        "near_misses": tally
            .near_misses()
            .into_iter()
            .map(|(u, how, e)| {
                json!({
                    "provider": u.provider.to_string(),
                    "surface": u.surface.to_string(),
                    "raw": String::from_utf8_lossy(&u.raw),
                    "rows": u.rows,
                    "after": how.name(),
                    "would_match": e.anchor(),
                })
            })
            .collect::<Vec<_>>(),
        "unmapped": {
            "rows": tally.unmapped_rows(),
            "distinct": tally.unmapped_distinct(),
            "exact": tally.unmapped_exact,
            "top": top,
        },
        "input_bytes": t.input_bytes,
        "elapsed_seconds": t.elapsed.as_secs_f64(),
        "rows_per_second": (t.rows_in as f64 / t.secs()).round(),
        "megabytes_per_second": (t.input_bytes as f64 / 1e6 / t.secs() * 10.0).round() / 10.0,
        "threads": t.threads,
    })
}

/// A few lines for people, on stderr.
pub fn summary(t: &Totals, tally: &Tally, report: Option<&Path>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "reclassified {} in {:.2} s ({:.0} rows/s, {:.1} MB/s, {} thread{})",
        t.input,
        t.secs(),
        t.rows_in as f64 / t.secs(),
        t.input_bytes as f64 / 1e6 / t.secs(),
        t.threads,
        if t.threads == 1 { "" } else { "s" }
    );
    let _ = write!(
        s,
        "  rows      {} in = {} out + {} rejected",
        t.rows_in, t.rows_out, t.rows_rejected
    );
    if tally.no_signal > 0 {
        let _ = write!(s, " ({} with no signal)", tally.no_signal);
    }
    if tally.kept_rejected > 0 {
        let _ = write!(
            s,
            "; {} of the rows out kept with a reject reason",
            tally.kept_rejected
        );
    }
    s.push('\n');
    let _ = writeln!(
        s,
        "  tables    {} (digest {})",
        tables().version(),
        &tables().digest()[..12]
    );
    let mut states = BTreeMap::new();
    let mut matched = BTreeMap::new();
    let mut providers = BTreeMap::new();
    for (p, st, _, m, n) in tally.cells() {
        *providers.entry(p).or_insert(0u64) += n;
        *states.entry(st).or_insert(0u64) += n;
        *matched.entry(m).or_insert(0u64) += n;
    }
    let line = |s: &mut String, label: &str, items: Vec<String>| {
        let _ = writeln!(s, "  {label:<9} {}", items.join("  "));
    };
    line(
        &mut s,
        "provider",
        providers.iter().map(|(k, n)| format!("{k} {n}")).collect(),
    );
    line(
        &mut s,
        "state",
        states.iter().map(|(k, n)| format!("{k} {n}")).collect(),
    );
    line(
        &mut s,
        "matched",
        matched.iter().map(|(k, n)| format!("{k} {n}")).collect(),
    );
    let top = tally.top_unmapped(5);
    if !top.is_empty() {
        line(
            &mut s,
            "unmapped",
            top.iter()
                .map(|u| {
                    format!(
                        "{} {} {:?} ×{}",
                        u.provider,
                        u.surface,
                        String::from_utf8_lossy(&u.raw),
                        u.rows
                    )
                })
                .collect(),
        );
    }
    if !t.missing_keys.is_empty() {
        line(
            &mut s,
            "missing",
            t.missing_keys
                .iter()
                .map(|(k, n)| format!("key `{k}` in {n} rows"))
                .collect(),
        );
    }
    let near = tally.near_misses();
    if !near.is_empty() {
        let shown: Vec<String> = near
            .iter()
            .take(5)
            .map(|(u, how, e)| {
                format!(
                    "{:?} ×{} → {} ({})",
                    String::from_utf8_lossy(&u.raw),
                    u.rows,
                    e.anchor(),
                    match how {
                        super::near::Near::Trim => "--trim",
                        super::near::Near::Case => "case",
                    }
                )
            })
            .collect();
        let more = near.len().saturating_sub(5);
        let mut items = shown;
        if more > 0 {
            items.push(format!("and {more} more in the report"));
        }
        line(&mut s, "near miss", items);
    }
    let _ = writeln!(s, "  output    {}", t.output);
    let _ = writeln!(s, "  rejects   {}", t.rejects);
    if let Some(r) = report {
        let _ = writeln!(s, "  report    {}", r.display());
    }
    s
}
