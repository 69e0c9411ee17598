//! Which tables a command uses: the compiled ones, or a mappings directory loaded at run time
//! (`--mappings DIR`), with every problem of DIR printed as `path:line:column: message`.

use crate::CliError;
use psp_status::Tables;
use std::path::Path;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

/// The set commands look values up in; null for the compiled tables.
static ACTIVE: AtomicPtr<Tables> = AtomicPtr::new(std::ptr::null_mut());

/// The sets loaded by this process (at most two: `diff --from DIR --to DIR`), kept for its
/// whole run.
static LOADED: [OnceLock<Tables>; 2] = [OnceLock::new(), OnceLock::new()];

/// The tables the running command uses.
pub fn tables() -> &'static Tables {
    let p = ACTIVE.load(Ordering::Acquire);
    if p.is_null() {
        Tables::compiled()
    } else {
        // SAFETY: ACTIVE only ever holds null or a pointer to a set in LOADED, which lives
        // until the process ends and is never changed.
        unsafe { &*p }
    }
}

/// Makes `t` the set [`tables`] returns.
pub fn activate(t: &'static Tables) {
    let p = if t.is_compiled() {
        std::ptr::null_mut()
    } else {
        t as *const Tables as *mut Tables
    };
    ACTIVE.store(p, Ordering::Release);
}

/// Loads `dir` into slot `slot` (0 or 1) of the process, or prints every problem of it to
/// stderr and fails (exit 1).
pub fn load(slot: usize, dir: &Path) -> Result<&'static Tables, CliError> {
    let t = Tables::load(dir).map_err(|diags| {
        for d in &diags {
            eprintln!("{d}");
        }
        CliError::Failed(format!(
            "{} problem(s) in {}: tables not loaded (`psp-status validate {}` checks a directory)",
            diags.len(),
            dir.display(),
            dir.display()
        ))
    })?;
    let _ = LOADED[slot].set(t);
    Ok(LOADED[slot].get().expect("just set"))
}

/// `--mappings DIR`: loads DIR and makes it the set commands use; none keeps the compiled one.
pub fn use_mappings(dir: Option<&Path>) -> Result<(), CliError> {
    if let Some(dir) = dir {
        activate(load(0, dir)?);
    }
    Ok(())
}
