//! `validate [DIR]`: the build's checks at run time, so a data team can check an edited table
//! without a Rust toolchain. Every error goes to stderr as path:line:column: message.

use crate::CliError;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, json: bool) -> Result<ExitCode, CliError> {
    match psp_status_build::load_dir(dir) {
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!("{} problem(s) in {}", diags.len(), dir.display());
            Ok(ExitCode::from(1))
        }
        Ok(tables) => {
            if json {
                let providers: serde_json::Map<String, serde_json::Value> = tables
                    .providers
                    .iter()
                    .map(|p| {
                        let surfaces: serde_json::Map<String, serde_json::Value> = tables
                            .counts(&p.id)
                            .into_iter()
                            .map(|(s, n)| (s, n.into()))
                            .collect();
                        let total: usize = tables.counts(&p.id).iter().map(|(_, n)| n).sum();
                        (
                            p.id.clone(),
                            serde_json::json!({ "total": total, "surfaces": surfaces }),
                        )
                    })
                    .collect();
                let out = serde_json::json!({
                    "version": tables.version,
                    "digest": tables.digest,
                    "providers": providers,
                });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out).expect("JSON serializes")
                );
            } else {
                println!(
                    "{}: tables version {} are valid",
                    dir.display(),
                    tables.version
                );
                for p in &tables.providers {
                    let counts = tables.counts(&p.id);
                    let total: usize = counts.iter().map(|(_, n)| n).sum();
                    println!("  {:<10} {total:>5} entries", p.id);
                    for (s, n) in counts {
                        println!("    {s:<40} {n:>5}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
