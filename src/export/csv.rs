//! The CSV export: one row per entry (exact values, then rules, then defaults, table order).
//!
//! Columns: `provider, surface, raw, state, code, operation, anchor, description, source`
//! (what a mapping-table join needs), then `match` (`exact`, `prefix`, `range`, `default`),
//! `prefix`, `range_from`, `range_to`, `rule_position`, `case_insensitive`,
//! `surface_operation` (the operation an unmapped value on the surface reports),
//! `precedence` and `table_version`. `raw` is empty on rule and default rows: filter on
//! `match = 'exact'` before joining on it.
//!
//! ```
//! let csv = psp_status::export::csv::render();
//! assert!(csv.starts_with(psp_status::export::csv::HEADER));
//! assert!(csv.contains(",exact,"));
//! ```

use super::Model;
use crate::Matcher;

/// The header row (the file's first line).
pub const HEADER: &str = "provider,surface,raw,state,code,operation,anchor,description,source,match,prefix,range_from,range_to,rule_position,case_insensitive,surface_operation,precedence,table_version";

/// One CSV field: quoted when it holds a comma, a quote, a line break or starts with a
/// space; quotes doubled (RFC 4180). Values are kept byte for byte otherwise.
fn field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// The whole CSV file.
///
/// ```
/// let csv = psp_status::export::csv::render();
/// assert_eq!(csv.lines().count(), psp_status::entries().count() + 1);
/// ```
pub fn render() -> String {
    let m = Model::current();
    let mut out = String::with_capacity(1 << 20);
    out.push_str(HEADER);
    out.push('\n');
    for e in m.exact.iter().chain(&m.rules).chain(&m.defaults) {
        let s = m
            .surfaces
            .iter()
            .find(|s| s.provider == e.provider && s.surface == e.surface)
            .expect("every entry's surface is in the model");
        let (kind, raw, prefix, from, to) = match e.matcher {
            Matcher::Exact(r) => (
                "exact",
                r.to_string(),
                String::new(),
                String::new(),
                String::new(),
            ),
            Matcher::Prefix(p) => (
                "prefix",
                String::new(),
                p.to_string(),
                String::new(),
                String::new(),
            ),
            Matcher::Range(a, b) => (
                "range",
                String::new(),
                String::new(),
                a.to_string(),
                b.to_string(),
            ),
            Matcher::Default => (
                "default",
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        let position = match e.matcher {
            Matcher::Prefix(_) | Matcher::Range(..) => e.position.to_string(),
            _ => String::new(),
        };
        let cells: [&str; 18] = [
            e.provider,
            e.surface,
            &raw,
            e.state,
            e.code,
            e.operation,
            e.anchor,
            e.description,
            e.source,
            kind,
            &prefix,
            &from,
            &to,
            &position,
            if s.case_insensitive { "true" } else { "false" },
            s.operation.unwrap_or(""),
            &s.precedence.to_string(),
            m.version,
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, c);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_every_column() {
        let text = render();
        let mut r = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let n = HEADER.split(',').count();
        let mut rows = 0;
        for rec in r.records() {
            assert_eq!(rec.unwrap().len(), n);
            rows += 1;
        }
        assert_eq!(rows, crate::entries().count());
    }
}
