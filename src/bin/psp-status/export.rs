//! `export --format csv|sql [--dialect duckdb|postgres|spark] [-o FILE]`: the tables as a CSV
//! file or a SQL script (built by the library's `export` module from the compiled tables).
//!
//! A file is written under a temporary name and renamed at the end. An existing file is
//! replaced only when it is itself an export of the same format (its first line says so):
//! anything else the user owns is never overwritten.

use crate::outputs::{commit_all, Staged};
use crate::{emit, CliError};
use psp_status::export::{self, Dialect};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Every entry as one CSV row (exact values, rules, defaults).
    Csv,
    /// A script that creates the tables and psp_classify.
    Sql,
}

/// A SQL dialect, as a command-line value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DialectArg {
    /// DuckDB (macros).
    Duckdb,
    /// PostgreSQL 14+ (SQL functions).
    Postgres,
    /// Spark SQL 4.x (temporary views and SQL functions).
    Spark,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Duckdb => Dialect::Duckdb,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Spark => Dialect::Spark,
        }
    }
}

/// Options of `psp-status export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// csv or sql.
    #[arg(long, value_enum)]
    format: Format,
    /// The SQL dialect (with --format sql).
    #[arg(long, value_enum)]
    dialect: Option<DialectArg>,
    /// Write to this file instead of standard output (replaces only an earlier export).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// The command line that makes this export, for the script's header.
fn command(a: &Args, dialect: Option<Dialect>) -> String {
    let mut c = match a.format {
        Format::Csv => "psp-status export --format csv".to_string(),
        Format::Sql => "psp-status export --format sql".to_string(),
    };
    if let Some(d) = dialect {
        c.push_str(&format!(" --dialect {d}"));
    }
    if let Some(o) = &a.output {
        c.push_str(&format!(" -o {}", o.display()));
    }
    c
}

pub fn run(a: &Args) -> Result<ExitCode, CliError> {
    let (text, mark) = match (a.format, a.dialect) {
        (Format::Sql, None) => {
            return Err(CliError::Usage(
                "--format sql needs --dialect duckdb, postgres or spark".into(),
            ))
        }
        (Format::Csv, Some(_)) => {
            return Err(CliError::Usage(
                "--dialect goes with --format sql only".into(),
            ))
        }
        (Format::Sql, Some(d)) => {
            let d = Dialect::from(d);
            (export::sql(d, &command(a, Some(d))), export::SQL_MARK)
        }
        (Format::Csv, None) => (export::csv::render(), export::csv::HEADER),
    };
    match &a.output {
        None => emit(&text),
        Some(path) => write(path, &text, mark)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to `path` through a temporary file, refusing to replace a file that does not
/// start with `mark` (i.e. is not an earlier export of the same kind).
fn write(path: &Path, text: &str, mark: &str) -> Result<(), CliError> {
    if path.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is a directory",
            path.display()
        )));
    }
    if let Ok(f) = std::fs::File::open(path) {
        let mut first = String::new();
        let _ = std::io::BufReader::new(f.take(4096)).read_line(&mut first);
        if !first.starts_with(mark) {
            return Err(CliError::Failed(format!(
                "{} exists and is not a psp-status export: not replacing it (remove it or choose another -o)",
                path.display()
            )));
        }
    }
    let mut out = Staged::create(path).map_err(CliError::Failed)?;
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    commit_all(vec![out]).map_err(CliError::Failed)
}
