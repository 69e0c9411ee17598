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
    if let Err(diags) = psp_status_build::generate_into(mappings, &out) {
        for d in &diags {
            eprintln!("{d}");
        }
        eprintln!(
            "error: {} problem(s) in mappings/; fix them (`cargo run -- validate mappings` lists them too)",
            diags.len()
        );
        std::process::exit(1);
    }
}
