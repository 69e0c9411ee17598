//! `explain` (one value for a support agent) and `reference` (the whole support reference as
//! Markdown, HTML or JSON). The content is built by the library's `reference` module.

use crate::{emit, names, outputs, CliError};
use psp_status::reference::{html, json, markdown, Explanation, Reference};
use psp_status::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The output formats of `reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// GitHub-flavoured Markdown (docs/reference.md).
    Markdown,
    /// One self-contained, searchable HTML page (docs/reference.html).
    Html,
    /// Every entry and the taxonomy, for other tools.
    Json,
}

/// A shopper-message language, as a command-line value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
enum LangArg {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Fr => Lang::Fr,
        }
    }
}

/// `explain PROVIDER SURFACE RAW [--lang en|fr] [--json]`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// alma, checkout, purse, stripe.
    provider: String,
    /// The field the value arrived in, as the provider names it (e.g. payment.state).
    surface: String,
    /// The value, exactly as received.
    raw: String,
    /// Language of the message for the customer.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `reference [--format markdown|html|json] [-o FILE] [--lang en|fr]`.
#[derive(Debug, clap::Args)]
pub struct ReferenceArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Language of the shopper messages (HTML: the language shown first).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
}

pub fn explain(a: &ExplainArgs) -> Result<ExitCode, CliError> {
    let provider = names::provider(&a.provider)?;
    let field = names::field(provider, &a.surface)?;
    let x = Explanation::of(field, &a.raw, a.lang.into());
    if a.json {
        let mut text = serde_json::to_string_pretty(&x).expect("an explanation serializes");
        text.push('\n');
        emit(&text);
    } else {
        emit(&x.to_string());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reference(a: &ReferenceArgs) -> Result<ExitCode, CliError> {
    let (lang, out) = (a.lang.into(), a.output.as_deref());
    let r = Reference::current();
    let text = match a.format {
        Format::Markdown => markdown::render(&r, lang),
        Format::Html => html::render(&r, lang),
        Format::Json => json::render(&r),
    };
    match out {
        None => emit(&text),
        Some(path) => write_atomically(path, &text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to an exclusive temporary beside `path` (see `outputs`), then renames it: a
/// failed or interrupted run leaves the old file whole and no temporary behind.
fn write_atomically(path: &Path, text: &str) -> Result<(), CliError> {
    use std::io::Write;
    outputs::check_distinct(None, &[("-o", path)])?;
    outputs::remove_temporaries_on_signals();
    let mut f = outputs::Staged::create(path).map_err(CliError::Failed)?;
    f.write_all(text.as_bytes())
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
    outputs::commit_all(vec![f]).map_err(CliError::Failed)
}
