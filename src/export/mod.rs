//! The tables as data for other engines: a CSV file ([`csv`]) and SQL scripts for DuckDB,
//! PostgreSQL and Spark SQL ([`sql`]) that create the mapping tables and a `psp_classify`
//! function applying them exactly as the engine does.
//!
//! Like [`crate::reference`], everything is read from the compiled tables
//! ([`crate::entries`], [`Provider`]), never from the YAML files, so an export is exactly what
//! the engine runs on. The output is deterministic: the same tables give the same bytes.
//!
//! ```
//! use psp_status::export::{sql, Dialect};
//! let script = sql(Dialect::Duckdb, "psp-status export --format sql --dialect duckdb");
//! assert!(script.contains("CREATE OR REPLACE MACRO psp_classify"));
//! assert!(script.contains(psp_status::TABLE_DIGEST));
//! ```

pub mod csv;
mod duckdb;
mod postgres;
mod spark;

use crate::{Classification, Field, Matcher, Provider};
use strum::IntoEnumIterator;

/// A SQL dialect the export can write.
///
/// ```
/// use psp_status::export::Dialect;
/// assert_eq!("postgres".parse::<Dialect>().unwrap(), Dialect::Postgres);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::EnumString, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum Dialect {
    /// DuckDB 1.1 or later: tables and macros.
    Duckdb,
    /// PostgreSQL 14 or later: tables, a composite type and SQL functions.
    Postgres,
    /// Spark SQL 4.x: temporary views and temporary SQL functions.
    Spark,
}

/// The SQL script for `dialect`; `command` is named in its header as what made it.
///
/// ```
/// use psp_status::export::{sql, Dialect};
/// let s = sql(Dialect::Postgres, "test");
/// assert!(s.starts_with("-- psp-status SQL export"));
/// ```
pub fn sql(dialect: Dialect, command: &str) -> String {
    let m = Model::current();
    match dialect {
        Dialect::Duckdb => duckdb::render(&m, command),
        Dialect::Postgres => postgres::render(&m, command),
        Dialect::Spark => spark::render(&m, command),
    }
}

/// The first line of every SQL export: how a later run recognises a file it may replace.
///
/// ```
/// assert!(psp_status::export::sql(psp_status::export::Dialect::Spark, "x")
///     .starts_with(psp_status::export::SQL_MARK));
/// ```
pub const SQL_MARK: &str = "-- psp-status SQL export";

/// One surface of one provider, as the export sees it.
#[derive(Debug, Clone)]
pub(crate) struct SurfaceRow {
    pub provider: &'static str,
    pub surface: &'static str,
    /// Position in the provider's precedence (0 = most specific).
    pub precedence: usize,
    pub case_insensitive: bool,
    /// The operation an unmapped value on this surface reports.
    pub operation: Option<&'static str>,
    pub description: &'static str,
}

/// One entry (exact value, rule or default).
#[derive(Debug, Clone)]
pub(crate) struct EntryRow {
    pub provider: &'static str,
    pub surface: &'static str,
    pub matcher: Matcher,
    /// The raw value (exact) or the prefix (prefix rule) as the engine compares it: ASCII
    /// lower-cased on case-insensitive surfaces.
    pub key: Option<String>,
    /// Position among the surface's rules (rules only, 0 first).
    pub position: usize,
    pub state: &'static str,
    pub code: &'static str,
    pub operation: &'static str,
    pub anchor: &'static str,
    pub description: &'static str,
    pub source: &'static str,
}

/// Everything an export writes, in table order.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub version: &'static str,
    pub digest: &'static str,
    pub providers: Vec<(&'static str, &'static str)>,
    /// (spelling folded to ASCII lower case, provider id), one per distinct folded spelling.
    pub provider_names: Vec<(String, &'static str)>,
    pub surfaces: Vec<SurfaceRow>,
    pub exact: Vec<EntryRow>,
    pub rules: Vec<EntryRow>,
    pub defaults: Vec<EntryRow>,
}

impl Model {
    pub(crate) fn current() -> Model {
        let mut m = Model {
            version: crate::TABLE_VERSION,
            digest: crate::TABLE_DIGEST,
            providers: Vec::new(),
            provider_names: Vec::new(),
            surfaces: Vec::new(),
            exact: Vec::new(),
            rules: Vec::new(),
            defaults: Vec::new(),
        };
        for p in Provider::iter() {
            let pid: &'static str = p.into();
            m.providers.push((pid, p.name()));
            for spelling in p.spellings() {
                let key = spelling.to_ascii_lowercase();
                if !m.provider_names.iter().any(|(k, _)| *k == key) {
                    m.provider_names.push((key, pid));
                }
            }
            for &f in p.fields() {
                let sid: &'static str = f.name();
                let ci = f.is_case_insensitive();
                m.surfaces.push(SurfaceRow {
                    provider: pid,
                    surface: sid,
                    precedence: f.rank(),
                    case_insensitive: ci,
                    operation: unmapped_operation(f),
                    description: f.description(),
                });
                let mut position = 0;
                for e in f.entries() {
                    let fold = |k: &str| {
                        if ci {
                            k.to_ascii_lowercase()
                        } else {
                            k.to_string()
                        }
                    };
                    let key = match e.matcher {
                        Matcher::Exact(r) | Matcher::Prefix(r) => Some(fold(r)),
                        _ => None,
                    };
                    let row = EntryRow {
                        provider: pid,
                        surface: sid,
                        matcher: e.matcher,
                        key,
                        position,
                        state: e.state.into(),
                        code: e.code.into(),
                        operation: e.operation.into(),
                        anchor: e.anchor(),
                        description: e.description,
                        source: e.source,
                    };
                    match e.matcher {
                        Matcher::Exact(_) => m.exact.push(row),
                        Matcher::Prefix(_) | Matcher::Range(..) => {
                            m.rules.push(row);
                            position += 1;
                        }
                        Matcher::Default => m.defaults.push(row),
                    }
                }
            }
        }
        m
    }
}

fn unmapped_operation(f: Field) -> Option<&'static str> {
    Classification::unmapped(f, b"")
        .operation
        .map(<&'static str>::from)
}

/// The header lines every SQL script starts with (after [`SQL_MARK`]), as `--` comments.
pub(crate) fn header(m: &Model, dialect: Dialect, command: &str) -> String {
    let command = command.replace(['\n', '\r'], " ");
    format!(
        "{SQL_MARK} for {dialect}.\n\
         -- Table version {}, digest {}.\n\
         -- Made by: {command}\n\
         -- Generated from the compiled tables: do not edit, run the command again.\n\
         -- psp_classify(provider, surface, raw) applies exact entries, then rules (prefix; range on\n\
         -- all-digit values), then the surface default (never for an empty value), with each\n\
         -- surface's case policy; anything else is UNCERTAIN / UNMAPPED. NULL when the provider or\n\
         -- the surface is unknown. Docs: docs/sql.md.\n\n",
        m.version, m.digest
    )
}

/// Upper-case ASCII letters and their lower-case forms, for `translate` (ASCII-only folding,
/// as the engine folds: `lower` would also fold non-ASCII letters such as the Kelvin sign).
pub(crate) const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// See [`UPPER`].
pub(crate) const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";

/// Renders `rows` as a multi-row `VALUES` list, one row per line, with `lit` quoting strings.
pub(crate) fn values(rows: &[Vec<Cell>], lit: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "  (" } else { ",\n  (" });
        for (j, c) in row.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            match c {
                Cell::Text(s) => out.push_str(&lit(s)),
                Cell::OptText(Some(s)) => out.push_str(&lit(s)),
                Cell::OptText(None) => out.push_str("NULL"),
                Cell::Int(n) => out.push_str(&n.to_string()),
                Cell::OptNum(Some(n)) => out.push_str(&n.to_string()),
                Cell::OptNum(None) => out.push_str("NULL"),
                Cell::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
            }
        }
        out.push(')');
    }
    out
}

/// One value of a row of a `VALUES` list.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptNum(Option<u64>),
    Bool(bool),
}

impl Model {
    /// Rows of `psp_surfaces`: provider, surface, precedence, case_insensitive, operation,
    /// description.
    pub(crate) fn surface_rows(&self) -> Vec<Vec<Cell>> {
        self.surfaces
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.provider.into()),
                    Cell::Text(s.surface.into()),
                    Cell::Int(s.precedence as i64),
                    Cell::Bool(s.case_insensitive),
                    Cell::OptText(s.operation.map(Into::into)),
                    Cell::Text(s.description.into()),
                ]
            })
            .collect()
    }

    /// Rows of `psp_entries`: provider, surface, raw, match_key, state, code, operation,
    /// anchor, description, source.
    pub(crate) fn exact_rows(&self) -> Vec<Vec<Cell>> {
        self.exact
            .iter()
            .map(|e| {
                let raw = match e.matcher {
                    Matcher::Exact(r) => r,
                    _ => "",
                };
                vec![
                    Cell::Text(e.provider.into()),
                    Cell::Text(e.surface.into()),
                    Cell::Text(raw.into()),
                    Cell::Text(e.key.clone().unwrap_or_default()),
                    Cell::Text(e.state.into()),
                    Cell::Text(e.code.into()),
                    Cell::Text(e.operation.into()),
                    Cell::Text(e.anchor.into()),
                    Cell::Text(e.description.into()),
                    Cell::Text(e.source.into()),
                ]
            })
            .collect()
    }

    /// Rows of `psp_rules`: provider, surface, position, kind, prefix, match_prefix,
    /// range_from, range_to, state, code, operation, anchor, description, source.
    pub(crate) fn rule_rows(&self) -> Vec<Vec<Cell>> {
        self.rules
            .iter()
            .map(|e| {
                let (kind, prefix, from, to) = match e.matcher {
                    Matcher::Prefix(p) => ("prefix", Some(p.to_string()), None, None),
                    Matcher::Range(a, b) => ("range", None, Some(a), Some(b)),
                    _ => ("", None, None, None),
                };
                vec![
                    Cell::Text(e.provider.into()),
                    Cell::Text(e.surface.into()),
                    Cell::Int(e.position as i64),
                    Cell::Text(kind.into()),
                    Cell::OptText(prefix),
                    Cell::OptText(if kind == "prefix" {
                        e.key.clone()
                    } else {
                        None
                    }),
                    Cell::OptNum(from),
                    Cell::OptNum(to),
                    Cell::Text(e.state.into()),
                    Cell::Text(e.code.into()),
                    Cell::Text(e.operation.into()),
                    Cell::Text(e.anchor.into()),
                    Cell::Text(e.description.into()),
                    Cell::Text(e.source.into()),
                ]
            })
            .collect()
    }

    /// Rows of `psp_defaults`: provider, surface, state, code, operation, anchor,
    /// description, source.
    pub(crate) fn default_rows(&self) -> Vec<Vec<Cell>> {
        self.defaults
            .iter()
            .map(|e| {
                vec![
                    Cell::Text(e.provider.into()),
                    Cell::Text(e.surface.into()),
                    Cell::Text(e.state.into()),
                    Cell::Text(e.code.into()),
                    Cell::Text(e.operation.into()),
                    Cell::Text(e.anchor.into()),
                    Cell::Text(e.description.into()),
                    Cell::Text(e.source.into()),
                ]
            })
            .collect()
    }

    /// Rows of `psp_providers`: provider, name.
    pub(crate) fn provider_rows(&self) -> Vec<Vec<Cell>> {
        self.providers
            .iter()
            .map(|(id, name)| vec![Cell::Text((*id).into()), Cell::Text((*name).into())])
            .collect()
    }

    /// Rows of `psp_provider_names`: name_key, provider — every spelling the engine reads as
    /// a provider ([`Provider::spellings`]: the id and the display name), ASCII lower-cased as
    /// the functions fold a provider name before looking it up.
    pub(crate) fn provider_name_rows(&self) -> Vec<Vec<Cell>> {
        self.provider_names
            .iter()
            .map(|(key, id)| vec![Cell::Text(key.clone()), Cell::Text((*id).into())])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_holds_every_entry_once() {
        let m = Model::current();
        assert_eq!(
            m.exact.len() + m.rules.len() + m.defaults.len(),
            crate::entries().count()
        );
        assert!(m
            .rules
            .iter()
            .any(|r| matches!(r.matcher, Matcher::Range(..))));
        assert!(m
            .rules
            .iter()
            .any(|r| matches!(r.matcher, Matcher::Prefix(_))));
        assert!(m.surfaces.iter().any(|s| s.case_insensitive));
    }

    #[test]
    fn provider_names_are_every_spelling_the_engine_reads() {
        let m = Model::current();
        for p in Provider::iter() {
            for spelling in p.spellings() {
                let key = spelling.to_ascii_lowercase();
                let id: &'static str = p.into();
                assert!(m.provider_names.contains(&(key.clone(), id)), "{key}");
                assert_eq!(key.parse::<Provider>(), Ok(p));
            }
        }
        assert!(m
            .provider_names
            .iter()
            .any(|(k, p)| k == "checkout.com" && *p == "checkout"));
        // One key per spelling: a name never points at two providers.
        let mut keys: Vec<_> = m.provider_names.iter().map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), m.provider_names.len());
    }

    #[test]
    fn every_script_names_version_digest_and_command() {
        for d in Dialect::iter() {
            let s = sql(d, "psp-status export --format sql --dialect x");
            let head: String = s.lines().take(4).collect::<Vec<_>>().join("\n");
            assert!(head.starts_with(SQL_MARK), "{d}");
            assert!(head.contains(crate::TABLE_VERSION), "{d}");
            assert!(head.contains(crate::TABLE_DIGEST), "{d}");
            assert!(
                head.contains("psp-status export --format sql --dialect x"),
                "{d}"
            );
        }
    }

    #[test]
    fn a_command_with_a_newline_stays_in_its_comment() {
        let m = Model::current();
        let h = header(&m, Dialect::Duckdb, "x\nDROP TABLE t;");
        assert!(h.lines().all(|l| l.is_empty() || l.starts_with("--")));
    }
}
