//! `explain` (one value for a support agent) and `reference` (the whole support reference as
//! Markdown, HTML or JSON). The content is built by the library's `reference` module.

use crate::tables::tables;
use crate::{emit, names, outputs, CliError};
use psp_status::reference::explain::{did_you_mean_in, knowing_in, ExplanationOf};
use psp_status::reference::{html, json, markdown, Reference};
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

/// `explain [PROVIDER [SURFACE]] RAW [--lang en|fr] [--json]`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// `[PROVIDER [SURFACE]] RAW`: the value, exactly as received, optionally with its
    /// provider (alma, checkout, purse, stripe) and the field it arrived in (e.g.
    /// payment.state). Without a surface, every surface that knows the value is explained;
    /// without a provider, every provider's.
    #[arg(required = true, num_args = 1..=3, value_names = ["PROVIDER", "SURFACE", "RAW"])]
    args: Vec<String>,
    /// Language of the message for the customer.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    lang: LangArg,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Use the tables in DIR instead of the compiled ones (see docs/tables.md).
    #[arg(long, value_name = "DIR")]
    pub mappings: Option<PathBuf>,
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
    let lang: Lang = a.lang.into();
    let (provider, field, raw) = match a.args.as_slice() {
        [raw] => (None, None, raw),
        [p, raw] => (Some(names::provider(p)?), None, raw),
        [p, s, raw] => {
            let p = names::provider(p)?;
            (Some(p), Some(names::field(p, s)?), raw)
        }
        _ => {
            return Err(CliError::Usage(
                "explain takes [PROVIDER [SURFACE]] RAW".into(),
            ))
        }
    };
    let t = tables();
    let found: Vec<ExplanationOf<'_, '_>> = match field {
        Some(f) => vec![ExplanationOf::in_tables_of(t, t.classify(f, raw), lang)],
        None => knowing_in(t, provider, raw)
            .into_iter()
            .map(|c| ExplanationOf::in_tables_of(t, c, lang))
            .collect(),
    };
    // A near miss is worth naming unless an exact entry already answers: a rule or a default
    // catching "do_not_honor " hides the entry that was meant.
    let exact = found
        .iter()
        .any(|x| x.classification().matched == psp_status::Matched::Exact);
    let near = if exact {
        Vec::new()
    } else {
        did_you_mean_in(t, provider, field, raw)
    };
    if a.json {
        let v = if field.is_some() {
            let mut v = serde_json::to_value(found[0]).expect("an explanation serializes");
            v["did_you_mean"] = anchors(&near);
            v
        } else {
            serde_json::json!({
                "raw": raw,
                "provider": provider,
                "explanations": found,
                "did_you_mean": anchors(&near),
            })
        };
        let mut text = serde_json::to_string_pretty(&v).expect("JSON values serialize");
        text.push('\n');
        emit(&text);
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for (i, x) in found.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&x.to_string());
    }
    if found.is_empty() {
        let scope = provider.map_or("any provider".to_string(), |p| p.name().to_string());
        text.push_str(&format!(
            "{raw:?} is not a value any surface of {scope} lists (table version {}).\n\
             An unknown value is UNCERTAIN / UNMAPPED: {}\n",
            t.version(),
            psp_status::Retry::AfterVerifying.explain()
        ));
    }
    if !near.is_empty() {
        text.push_str("\nDid you mean\n");
        for e in &near {
            text.push_str(&format!(
                "  {:?} on {} {}: docs/reference.html#{}\n",
                e.pattern(),
                e.provider.name(),
                e.surface,
                e.anchor()
            ));
        }
    }
    emit(&text);
    Ok(ExitCode::SUCCESS)
}

/// The anchors of `entries`, as JSON.
fn anchors(entries: &[&psp_status::EntryOf<'_>]) -> serde_json::Value {
    entries.iter().map(|e| e.anchor()).collect()
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
