//! `classify` and `resolve`: one answer, as text for people or JSON for tools.

use crate::tables::tables;
use crate::{emit, escape, escape_lines, names, CliError};
use psp_status::{ClassificationOf, Matched};
use std::fmt::Write;
use std::process::ExitCode;

/// `psp-status classify PROVIDER SURFACE RAW [--json]`.
pub fn classify(
    provider: &str,
    surface: &str,
    raw: &str,
    json: bool,
) -> Result<ExitCode, CliError> {
    let provider = names::provider(provider)?;
    let field = names::field(provider, surface)?;
    let c = tables().classify(field, raw);
    if json {
        emit(&to_json(&json_of(&c)));
    } else {
        emit(&escape_lines(&render_text(&c)));
    }
    Ok(ExitCode::SUCCESS)
}

/// `psp-status resolve PROVIDER SURFACE=RAW... [--json]`.
pub fn resolve(provider: &str, signals: &[String], json: bool) -> Result<ExitCode, CliError> {
    let provider = names::provider(provider)?;
    let mut parsed = Vec::with_capacity(signals.len());
    for s in signals {
        let Some((surface, raw)) = s.split_once('=') else {
            return Err(CliError::Usage(format!(
                "signal `{s}` is not SURFACE=RAW (e.g. payment_intent.status=requires_payment_method)"
            )));
        };
        parsed.push((names::field(provider, surface)?, raw));
    }
    let bytes: Vec<(psp_status::Field, &[u8])> =
        parsed.iter().map(|(f, r)| (*f, r.as_bytes())).collect();
    let winner = tables()
        .resolve_fields(provider, &bytes)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let each: Vec<ClassificationOf<'_, '_>> = parsed
        .iter()
        .map(|(f, r)| tables().classify(*f, r))
        .collect();
    if json {
        let mut v = json_of(&winner);
        v["signals"] = each.iter().map(json_of).collect();
        emit(&to_json(&v));
    } else {
        let mut text = render_text(&winner);
        let _ = writeln!(
            text,
            "  decided by  {}={}",
            <&str>::from(winner.surface),
            escape(&winner.raw_lossy())
        );
        for c in &each {
            let _ = writeln!(
                text,
                "  signal      {}={} -> {}/{} ({})",
                <&str>::from(c.surface),
                escape(&c.raw_lossy()),
                c.state,
                c.code,
                c.matched
            );
        }
        emit(&escape_lines(&text));
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON of one answer, naming the version of the tables it came from.
fn json_of(c: &ClassificationOf<'_, '_>) -> serde_json::Value {
    let mut v = serde_json::to_value(c).expect("a classification serializes");
    v["table_version"] = tables().version().into();
    v
}

fn to_json(v: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(v).expect("JSON values serialize");
    text.push('\n');
    text
}

/// The human form of one answer.
fn render_text(c: &ClassificationOf<'_, '_>) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} \"{}\"",
        <&str>::from(c.provider),
        <&str>::from(c.surface),
        escape(&c.raw_lossy())
    );
    let _ = writeln!(s, "  state       {}", c.state);
    let _ = writeln!(s, "  code        {}", c.code);
    match c.operation {
        Some(op) => {
            let _ = writeln!(s, "  operation   {op}");
        }
        None => {
            let _ = writeln!(s, "  operation   (unknown)");
        }
    }
    let how = match (c.matched, c.entry()) {
        (Matched::Rule, Some(e)) => format!("rule {}", e.pattern()),
        (m, _) => m.to_string(),
    };
    let _ = writeln!(s, "  matched     {how}");
    let _ = writeln!(s, "  retry       {} ({})", c.retry(), c.retry().explain());
    let _ = writeln!(s, "  meaning     {}", c.description());
    if let Some(src) = c.source() {
        let _ = writeln!(s, "  source      {src}");
    }
    let _ = writeln!(s, "  tables      {}", tables().version());
    s
}
