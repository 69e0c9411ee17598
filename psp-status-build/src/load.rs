//! The one loader: reads a mappings directory, parses each file into a node tree
//! ([`crate::yaml`]), checks its shape ([`crate::read`]) and hands the result to the validator.
//! Every file is read and checked whatever the others hold.

use crate::diag::Diagnostic;
use crate::model::{Pos, Sp, TaxonomyFile};
use crate::read::Reader;
use crate::tables::Tables;
use crate::{validate, yaml};
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
                1,
                1,
                format!("cannot read the mappings directory: {e}"),
            )])
        }
    };
    names.sort();

    let mut hasher = Sha256::new();
    let mut taxonomy: Option<Parsed<Sp<TaxonomyFile>>> = None;
    let mut taxonomy_seen = false;
    let mut providers = Vec::new();
    for name in &names {
        let path = dir.join(name);
        let shown = path.display().to_string();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic::new(shown, 1, 1, format!("cannot read: {e}")));
                continue;
            }
        };
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
        hasher.update([0]);
        let text = utf8(&shown, &bytes, &mut diags);
        let doc = yaml::parse(&text);
        for (at, message) in &doc.errors {
            diags.push(Diagnostic::new(
                &shown,
                at.line,
                at.column,
                message.as_str(),
            ));
        }
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(s, _)| s)
            .to_string();
        let mut reader = Reader {
            path: &shown,
            diags: &mut diags,
        };
        if stem == "taxonomy" {
            let read = reader.taxonomy(doc.root.as_ref());
            if taxonomy_seen {
                diags.push(Diagnostic::new(
                    &shown,
                    1,
                    1,
                    "a second taxonomy file: keep one of taxonomy.yaml and taxonomy.yml",
                ));
                continue;
            }
            taxonomy_seen = true;
            // A file that is not a mapping still counts as read: its problem is reported.
            taxonomy = Some(Parsed {
                path: shown,
                stem,
                doc: read.unwrap_or_else(quiet_default),
            });
        } else if let Some(doc) = reader.provider(doc.root.as_ref()) {
            providers.push(Parsed {
                path: shown,
                stem,
                doc,
            });
        }
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    if !taxonomy_seen {
        diags.push(Diagnostic::new(
            dir.join("taxonomy.yaml").display().to_string(),
            1,
            1,
            "taxonomy.yaml is missing: every table needs the states, codes and operations it refers to",
        ));
    }
    // The providers are checked even when the taxonomy is broken or missing, against whatever
    // of it could be read.
    let result = validate::validate(taxonomy, providers, digest);
    match result {
        Ok(tables) if diags.is_empty() => Ok(tables),
        Ok(_) => {
            diags.sort();
            diags.dedup();
            Err(diags)
        }
        Err(mut more) => {
            diags.append(&mut more);
            diags.sort();
            diags.dedup();
            Err(diags)
        }
    }
}

/// A document that could not be read at all: empty and quiet (its problem is reported).
fn quiet_default<T: Default>() -> Sp<T> {
    Sp {
        value: T::default(),
        at: Pos::START,
        quiet: true,
    }
}

/// The file's text. Each invalid UTF-8 sequence is reported at its line and column and read
/// as U+FFFD, so that the rest of the file is still checked.
fn utf8(path: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let (mut line, mut column) = (1u64, 1u64);
    // Runs of invalid bytes with nothing valid between them: (line, column, bytes).
    let mut runs: Vec<(u64, u64, Vec<u8>)> = Vec::new();
    let mut joined = false;
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            joined = false;
            if ch == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        if chunk.invalid().is_empty() {
            continue;
        }
        match runs.last_mut() {
            Some(run) if joined => run.2.extend_from_slice(chunk.invalid()),
            _ => runs.push((line, column, chunk.invalid().to_vec())),
        }
        joined = true;
        // Each invalid sequence reads as one U+FFFD.
        column += 1;
    }
    for (line, column, bad) in runs.iter().take(20) {
        let hex: Vec<String> = bad.iter().map(|b| format!("{b:02x}")).collect();
        diags.push(Diagnostic::new(
            path,
            *line,
            *column,
            format!("not UTF-8: bytes {} (tables are UTF-8 text)", hex.join(" ")),
        ));
    }
    String::from_utf8_lossy(bytes).into_owned()
}
