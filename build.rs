//! Compiles mappings/*.yaml into the perfect-hash tables of the library.
//!
//! Every data error is printed as `path:line:column: message`, all at once, and fails the build.
//! The work is done by psp-status-build (loader, validator, code generator), which the
//! `psp-status validate` command shares.

use std::path::{Path, PathBuf};

fn main() {
    let mappings = Path::new("mappings");
    println!("cargo::rerun-if-changed=mappings");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let tables = match psp_status_build::generate_into(mappings, &out) {
        Ok(tables) => tables,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            eprintln!(
                "error: {} problem(s) in mappings/; fix them (`cargo run -- validate mappings` lists them too)",
                diags.len()
            );
            std::process::exit(1);
        }
    };
    // The `match` baseline of the hot-path benchmarks, generated from the same tables; only
    // the benches (feature `bench-baselines`) include it.
    if std::env::var_os("CARGO_FEATURE_BENCH_BASELINES").is_some() {
        let code = psp_status_build::baseline::generate_match(&tables);
        if let Err(e) = std::fs::write(out.join("baseline_match.rs"), code) {
            eprintln!(
                "error: cannot write {}: {e}",
                out.join("baseline_match.rs").display()
            );
            std::process::exit(1);
        }
    }
}
