//! The one loader: reads a mappings directory with serde-saphyr and hands it to the validator.

use crate::diag::Diagnostic;
use crate::model::{ProviderFile, TaxonomyFile};
use crate::tables::Tables;
use crate::validate;
use sha2::{Digest, Sha256};
use std::path::Path;

/// A parsed file with the path used in its diagnostics.
pub(crate) struct Parsed<T> {
    pub path: String,
    pub stem: String,
    pub doc: T,
}

/// Reads and validates every table in `dir` (`taxonomy.yaml` plus one `<provider>.yaml` each).
///
/// Returns every problem found, each as `path:line:column: message`, or the validated tables.
/// This is the only place YAML is read: build.rs, `psp-status validate`, the reference
/// generator and the tests all go through it.
///
/// ```
/// let tables = psp_status_build::load_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings").as_ref())
///     .expect("the shipped tables are valid");
/// assert!(tables.providers.iter().any(|p| p.id == "alma"));
/// ```
pub fn load_dir(dir: &Path) -> Result<Tables, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
            .collect(),
        Err(e) => {
            return Err(vec![Diagnostic::new(
                dir.display().to_string(),
                0,
                0,
                format!("cannot read the mappings directory: {e}"),
            )])
        }
    };
    names.sort();

    let mut hasher = Sha256::new();
    let mut taxonomy = None;
    let mut providers = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::new(shown, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(s, _)| s)
            .to_string();
        if stem == "taxonomy" {
            match parse::<TaxonomyFile>(&shown, &text) {
                Ok(doc) => {
                    taxonomy = Some(Parsed {
                        path: shown,
                        stem,
                        doc,
                    })
                }
                Err(d) => diags.push(d),
            }
        } else {
            match parse::<ProviderFile>(&shown, &text) {
                Ok(doc) => providers.push(Parsed {
                    path: shown,
                    stem,
                    doc,
                }),
                Err(d) => diags.push(d),
            }
        }
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let Some(taxonomy) = taxonomy else {
        if !names.iter().any(|n| n.starts_with("taxonomy.")) {
            diags.push(Diagnostic::new(
                dir.join("taxonomy.yaml").display().to_string(),
                0,
                0,
                "taxonomy.yaml is missing: every table needs the states, codes and operations it refers to",
            ));
        }
        return Err(diags);
    };
    match validate::validate(taxonomy, providers, digest) {
        Ok(tables) if diags.is_empty() => Ok(tables),
        Ok(_) => Err(diags),
        Err(mut more) => {
            diags.append(&mut more);
            diags.sort();
            Err(diags)
        }
    }
}

/// Parses one YAML document, turning a syntax or shape error into a located diagnostic.
fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        // serde-saphyr renders a source snippet after the first line; keep the sentence only.
        let full = e.to_string();
        let first = full.lines().next().unwrap_or("invalid YAML");
        let message = match first.split_once(": ") {
            Some((head, rest)) if head.starts_with("error: line") || head.starts_with("line ") => {
                rest.to_string()
            }
            _ => first.trim_start_matches("error: ").to_string(),
        };
        let message = strip_location_prefix(&message);
        Diagnostic::new(path, line, column, message)
    })
}

/// Drops a leading `line N column M: ` that serde-saphyr puts in its messages.
fn strip_location_prefix(msg: &str) -> String {
    let m = msg.trim_start_matches("error: ");
    if let Some(rest) = m.strip_prefix("line ") {
        if let Some((_, tail)) = rest.split_once(": ") {
            return tail.to_string();
        }
    }
    m.to_string()
}
