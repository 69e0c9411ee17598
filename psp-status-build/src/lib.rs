//! The build-time half of psp-status: loads `mappings/*.yaml` (serde-saphyr), validates
//! everything, builds the perfect-hash tables and writes the Rust code the library includes.
//!
//! Split from the library as chrono-tz-build is split from chrono-tz: library users never
//! compile a YAML parser into their binary. The data flows one way:
//! `mappings/` → [`load_dir`] (loader + validator) → [`codegen::generate`] → `OUT_DIR`.
//!
//! ```
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../mappings");
//! let tables = psp_status_build::load_dir(dir.as_ref()).expect("valid tables");
//! assert!(!tables.version.is_empty());
//! ```

pub mod codegen;
mod diag;
pub mod hash;
mod load;
pub mod model;
pub mod phash;
mod tables;
mod validate;

pub use diag::Diagnostic;
pub use load::load_dir;
pub use tables::*;

use std::path::Path;

/// The source of [`hash`], copied into the generated code so that build and run time hash alike.
pub const HASH_SOURCE: &str = include_str!("hash.rs");

/// Loads and validates `mappings_dir`, then writes `tables.rs` and `hash.rs` into `out_dir`.
///
/// On data errors nothing is written and every diagnostic is returned.
///
/// ```no_run
/// let out = std::env::temp_dir();
/// psp_status_build::generate_into("mappings".as_ref(), &out).unwrap();
/// ```
pub fn generate_into(mappings_dir: &Path, out_dir: &Path) -> Result<Tables, Vec<Diagnostic>> {
    let tables = load_dir(mappings_dir)?;
    let code = codegen::generate(&tables, "build.rs");
    let write = |name: &str, text: &str| {
        std::fs::write(out_dir.join(name), text).map_err(|e| {
            vec![Diagnostic::new(
                out_dir.join(name).display().to_string(),
                0,
                0,
                format!("cannot write generated code: {e}"),
            )]
        })
    };
    write("tables.rs", &code)?;
    write("hash.rs", HASH_SOURCE)?;
    Ok(tables)
}
