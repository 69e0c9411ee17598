//! `validate [DIR]`: the build's checks at run time, so a data team can check an edited table
//! without a Rust toolchain. Every error goes to stderr as path:line:column: message.

use crate::{emit, escape, escape_lines, CliError};
use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

/// `psp-status validate [DIR] [--json]`: exit 0 with the counts, or 1 with every error.
///
/// `--json` prints `{version, digest, providers: {id: {total, surfaces: {name: count},
/// checked_against: {name: [url, …]}}}}`.
pub fn run(dir: &Path, json: bool) -> Result<ExitCode, CliError> {
    let tables = match psp_status_build::load_dir(dir) {
        Ok(t) => t,
        Err(diags) => {
            for d in &diags {
                eprintln!("{}", escape_lines(&d.to_string()));
            }
            eprintln!(
                "{} problem(s) in {}",
                diags.len(),
                escape(&dir.display().to_string())
            );
            return Ok(ExitCode::from(1));
        }
    };
    let mut text = String::new();
    if json {
        let mut providers = serde_json::Map::new();
        for p in &tables.providers {
            let counts = tables.counts(&p.id);
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let surfaces: serde_json::Map<String, serde_json::Value> =
                counts.into_iter().map(|(s, n)| (s, n.into())).collect();
            // What each surface's completeness was checked against (empty list: not stated).
            let checked: serde_json::Map<String, serde_json::Value> = p
                .surfaces
                .iter()
                .map(|s| (s.name.clone(), s.checked_against.clone().into()))
                .collect();
            providers.insert(
                p.id.clone(),
                serde_json::json!({
                    "total": total,
                    "surfaces": surfaces,
                    "checked_against": checked,
                }),
            );
        }
        let out = serde_json::json!({
            "version": tables.version,
            "digest": tables.digest,
            "providers": providers,
        });
        text = serde_json::to_string_pretty(&out).expect("JSON serializes");
        text.push('\n');
    } else {
        let _ = writeln!(
            text,
            "{}: tables version {} are valid",
            dir.display(),
            tables.version
        );
        for p in &tables.providers {
            let counts = tables.counts(&p.id);
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let _ = writeln!(text, "  {:<10} {total:>5} entries", p.id);
            for (s, n) in counts {
                let _ = writeln!(text, "    {s:<40} {n:>5}");
            }
        }
    }
    if !json {
        text = escape_lines(&text);
    }
    emit(&text);
    Ok(ExitCode::SUCCESS)
}
