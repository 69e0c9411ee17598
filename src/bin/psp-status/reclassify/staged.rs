//! Files written under a temporary name in their final folder and renamed at the end, so an
//! interrupted or failed run never leaves a partial file under the final name.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A file being written: `.NAME.XXXXXX.partial` next to `dest` until [`Staged::commit`].
pub struct Staged {
    file: BufWriter<NamedTempFile>,
    dest: PathBuf,
}

impl Staged {
    /// Creates the temporary file in `dest`'s folder.
    pub fn create(dest: &Path) -> Result<Staged, String> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = dest
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", dest.display()))?
            .to_string_lossy();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
        Ok(Staged {
            file: BufWriter::with_capacity(1 << 20, tmp),
            dest: dest.to_path_buf(),
        })
    }

    /// Flushes what was written so far and lends the file, with the length written, for
    /// positional writes after it (see `positional::PositionalWriter`).
    pub fn positional(&mut self) -> io::Result<(&std::fs::File, u64)> {
        use std::io::Seek;
        self.file.flush()?;
        let end = self.file.get_mut().as_file_mut().stream_position()?;
        Ok((self.file.get_ref().as_file(), end))
    }

    /// Flushes and renames the file to its final name (readable by others, as a plain
    /// `File::create` would leave it under the usual umask).
    pub fn commit(self) -> Result<(), String> {
        let dest = self.dest;
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| format!("cannot write {}: {}", dest.display(), e.error()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        tmp.persist(&dest)
            .map_err(|e| format!("cannot rename into {}: {}", dest.display(), e.error))?;
        Ok(())
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
