//! The files a command writes, as one set: every output path is checked against the input and
//! the other outputs before anything is read; each output is written under a temporary name in
//! its final folder and all are renamed into place together, only when the whole run succeeded.
//! SIGINT and SIGTERM remove the temporaries before the process ends.
//!
//! Temporaries are `.NAME.psp-status-XXXXXX.partial` beside `NAME`, created exclusively
//! (`O_CREAT | O_EXCL`: never through a planted file or symlink) with mode `0666` minus the
//! umask, so the final file gets the mode a plain `File::create` would give it. Only a SIGKILL
//! or a power cut can leave one behind; `find DIR -name '.*.psp-status-*.partial' -delete`
//! removes them.
//!
//! ```text
//! let out = Staged::create(Path::new("out.csv"))?;   // .out.csv.psp-status-Ab12Cd.partial
//! …write…
//! commit_all(vec![out, rejects, report])?;           // renamed together, or none
//! ```

use crate::CliError;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tempfile::NamedTempFile;

/// The marker in every temporary's name (`.NAME.psp-status-XXXXXX.partial`).
pub const TEMP_MARK: &str = "psp-status-";
/// The suffix of every temporary's name.
pub const TEMP_SUFFIX: &str = ".partial";

/// The temporaries that exist right now. Creating, committing and the signal cleanup all hold
/// this lock, so a signal never races a file being created or a set being renamed.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A file being written under a temporary name until [`commit_all`].
pub struct Staged {
    file: BufWriter<NamedTempFile>,
    dest: PathBuf,
}

impl Staged {
    /// Creates the temporary file in `dest`'s folder, exclusively.
    pub fn create(dest: &Path) -> Result<Staged, String> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", dest.display()))?
            .to_string_lossy();
        let mut live = live();
        let prefix = format!(".{name}.{TEMP_MARK}");
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // open(2) applies the umask: the mode of a plain File::create.
            b.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = b
            .tempfile_in(dir)
            .map_err(|e| format!("cannot create a file beside {}: {e}", dest.display()))?;
        live.push(tmp.path().to_path_buf());
        Ok(Staged {
            file: BufWriter::with_capacity(1 << 20, tmp),
            dest: dest.to_path_buf(),
        })
    }

    /// Flushes what was written so far and lends the file, with the length written, for
    /// positional writes after it (see `reclassify::positional`).
    pub fn positional(&mut self) -> io::Result<(&std::fs::File, u64)> {
        use std::io::Seek;
        self.file.flush()?;
        let end = self.file.get_mut().as_file_mut().stream_position()?;
        Ok((self.file.get_ref().as_file(), end))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // The NamedTempFile removes the file; forget its name.
        let path = self.file.get_ref().path().to_path_buf();
        live().retain(|p| *p != path);
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Flushes every file, then renames them all to their final names. Nothing is renamed unless
/// every file was written whole; should a rename still fail, the files already renamed are put
/// back as they were (the previous versions are kept as hard links until the set is in place).
/// A signal arriving meanwhile waits until the set is in place.
pub fn commit_all(files: Vec<Staged>) -> Result<(), String> {
    let mut ready = Vec::with_capacity(files.len());
    for mut f in files {
        f.file
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", f.dest.display()))?;
        ready.push(f);
    }
    let mut live = live();
    for f in &ready {
        std::fs::metadata(f.file.get_ref().path()).map_err(|e| {
            format!(
                "cannot write {}: its temporary is gone: {e}",
                f.dest.display()
            )
        })?;
    }
    // (final name, hard link to the previous file under it)
    let mut done: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    for f in &ready {
        let tmp = f.file.get_ref().path();
        let previous = keep_previous(&f.dest);
        if let Some(p) = &previous {
            live.push(p.clone());
        }
        if let Err(e) = std::fs::rename(tmp, &f.dest) {
            done.push((&f.dest, previous));
            for (dest, previous) in done.iter().rev() {
                match previous {
                    Some(p) => {
                        let _ = std::fs::rename(p, dest);
                    }
                    None => {
                        let _ = std::fs::remove_file(dest);
                    }
                }
            }
            return Err(format!("cannot rename into {}: {e}", f.dest.display()));
        }
        live.retain(|p| p != tmp);
        done.push((&f.dest, previous));
    }
    for (_, previous) in done {
        if let Some(p) = previous {
            let _ = std::fs::remove_file(&p);
            live.retain(|l| *l != p);
        }
    }
    drop(live);
    // Dropping them now finds nothing under the temporary names to remove.
    drop(ready);
    Ok(())
}

/// A hard link to the file now at `dest` (`.NAME.psp-status-PID.previous`), to restore it if
/// the set cannot be committed whole. `None` when there is none (or links are unsupported).
fn keep_previous(dest: &Path) -> Option<PathBuf> {
    std::fs::symlink_metadata(dest).ok()?;
    let name = dest.file_name()?.to_string_lossy();
    let link = dest.with_file_name(format!(
        ".{name}.{TEMP_MARK}{}.previous",
        std::process::id()
    ));
    std::fs::hard_link(dest, &link).ok()?;
    Some(link)
}

/// Removes every temporary when SIGINT or SIGTERM arrives, then ends the process as that
/// signal would (exit status 130 or 143 in a shell).
pub fn remove_temporaries_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".to_string())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    // Held until the process ends: no temporary is created or renamed after.
                    let live = live();
                    for p in live.iter() {
                        let _ = std::fs::remove_file(p);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            });
    }
}

/// What a path names, to tell whether two paths are the same file.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file (symlinks followed): device and inode.
    File(u64, u64),
    /// A file to be created: its folder, canonical, and its name.
    New(PathBuf, std::ffi::OsString),
}

fn identity(path: &Path) -> Identity {
    if let Ok(m) = std::fs::metadata(path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            return Identity::File(m.dev(), m.ino());
        }
        #[cfg(not(unix))]
        {
            let _ = m;
            if let Ok(c) = std::fs::canonicalize(path) {
                return Identity::New(c, Default::default());
            }
        }
    }
    // A dangling symlink names the file it would create.
    if let Ok(target) = std::fs::read_link(path) {
        let base = path.parent().unwrap_or(Path::new("."));
        let resolved = base.join(target);
        if resolved != path {
            return identity(&resolved);
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|c| c.join(dir))
            .unwrap_or_else(|_| dir.to_path_buf())
    });
    Identity::New(dir, path.file_name().unwrap_or_default().to_os_string())
}

/// Checks, before anything is read or written, that no output (`(label, path)`) is the input,
/// another output, or a directory. A clash is a usage error: nothing has been touched.
pub fn check_distinct(input: Option<&Path>, outputs: &[(&str, &Path)]) -> Result<(), CliError> {
    let input_id = input.map(identity);
    let mut seen: Vec<(&str, &Path, Identity)> = Vec::new();
    for &(label, path) in outputs {
        if let Ok(m) = std::fs::metadata(path) {
            if !m.is_file() {
                return Err(CliError::Usage(format!(
                    "{label} {} is {}: name a regular file (or `-o -` for stdout)",
                    crate::escape(&path.display().to_string()),
                    if m.is_dir() {
                        "a directory"
                    } else {
                        "not a regular file"
                    }
                )));
            }
        }
        let id = identity(path);
        if input_id.as_ref() == Some(&id) {
            return Err(CliError::Usage(format!(
                "{label} {} is the input file: write to another file",
                crate::escape(&path.display().to_string())
            )));
        }
        if let Some((other, other_path, _)) = seen.iter().find(|(_, _, i)| *i == id) {
            return Err(CliError::Usage(format!(
                "{label} {} and {other} {} are the same file: give each its own",
                crate::escape(&path.display().to_string()),
                crate::escape(&other_path.display().to_string())
            )));
        }
        seen.push((label, path, id));
    }
    Ok(())
}

/// Whether stdout was closed when the process started (`>&-`): writing output there is then an
/// error, never a silent success.
pub fn guard_stdio() -> bool {
    #[cfg(unix)]
    {
        // Rust's runtime reopens a closed 0, 1 or 2 on /dev/null, read-write, before main:
        // a stdout that is /dev/null opened read-write was closed (a shell's `>/dev/null`
        // opens it write-only).
        // SAFETY: fcntl(F_GETFL) and fstat only query descriptor 1; stat reads a C path.
        unsafe {
            let mut out: libc::stat = std::mem::zeroed();
            let mut null: libc::stat = std::mem::zeroed();
            let rdwr = libc::fcntl(1, libc::F_GETFL) & libc::O_ACCMODE == libc::O_RDWR;
            rdwr && libc::fstat(1, &mut out) == 0
                && libc::stat(c"/dev/null".as_ptr(), &mut null) == 0
                && (out.st_mode & libc::S_IFMT) == libc::S_IFCHR
                && out.st_rdev == null.st_rdev
        }
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_by_inode_symlink_or_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "x").unwrap();
        let link = dir.path().join("link.csv");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&a, &link).unwrap();
        #[cfg(unix)]
        assert_eq!(identity(&a), identity(&link));
        let new = dir.path().join("sub/../new.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(identity(&new), identity(&dir.path().join("new.csv")));
        assert!(check_distinct(Some(&a), &[("-o", &new), ("--report", &a)]).is_err());
        assert!(check_distinct(
            None,
            &[("-o", &new), ("--report", &dir.path().join("new.csv"))]
        )
        .is_err());
        assert!(check_distinct(
            Some(&a),
            &[("-o", &new), ("--report", &dir.path().join("r.json"))]
        )
        .is_ok());
    }

    #[test]
    fn a_set_commits_whole_or_puts_back_what_it_renamed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "old a").unwrap();
        // b's final name is a non-empty folder: its rename fails after a's succeeded.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("x"), "x").unwrap();
        let mut fa = Staged::create(&a).unwrap();
        fa.write_all(b"new a").unwrap();
        let mut fb = Staged::create(&b).unwrap();
        fb.write_all(b"new b").unwrap();
        assert!(commit_all(vec![fa, fb]).is_err());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "b.txt"], "no temporary or backup left");
        // And a set that can be committed is, whole.
        let mut fa = Staged::create(&a).unwrap();
        fa.write_all(b"new a").unwrap();
        let c = dir.path().join("c.txt");
        let mut fc = Staged::create(&c).unwrap();
        fc.write_all(b"c").unwrap();
        commit_all(vec![fa, fc]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "c");
        assert!(live().is_empty());
    }
}
