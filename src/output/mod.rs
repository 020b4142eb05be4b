//! Write: the site is built in a staging folder beside the output and swapped in whole
//! only when everything succeeded, so a failed build leaves the previous site untouched.
//! Files whose bytes did not change are hard-linked from the previous site, keeping their
//! modification time, which makes deploys and incremental rebuilds cheap.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use walkdir::WalkDir;

pub mod compress;
pub mod extras;
pub mod feeds;
pub mod sitemap;

/// Marks a folder as broadsheet's output, so that it is never asked to replace a folder
/// it did not make.
pub const MARKER: &str = ".broadsheet-output";

/// A new site being written; dropped without [`Staging::commit`], it vanishes.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    previous: Option<PathBuf>,
    committed: bool,
    /// Also write a `.gz` copy of each text file (see [`compress`]).
    compress: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

/// Counts of what a build wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteStats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files identical to the previous site's, kept as they were.
    pub unchanged: usize,
}

impl Staging {
    /// Prepares a staging folder beside `target`.
    pub fn begin(target: &Path) -> Result<Staging, String> {
        let name = target
            .file_name()
            .ok_or_else(|| format!("{}: not a usable output folder", target.display()))?
            .to_string_lossy()
            .into_owned();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
        let previous = if target.exists() {
            if !target.is_dir() {
                return Err(format!(
                    "{}: exists and is not a folder; remove it or choose another output_dir",
                    target.display()
                ));
            }
            let empty = fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if !empty && !target.join(MARKER).exists() {
                return Err(format!(
                    "{}: exists and was not made by broadsheet; remove it or choose another output_dir (broadsheet replaces its output folder whole)",
                    target.display()
                ));
            }
            Some(target.to_path_buf())
        } else {
            None
        };
        // Leftovers of a build that was killed.
        let prefix = format!(".{name}.staging-");
        if let Ok(entries) = fs::read_dir(parent) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            previous,
            committed: false,
            compress: false,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// From now on, every text file written also gets a `.gz` copy.
    pub fn set_compress(&mut self, on: bool) {
        self.compress = on;
    }

    /// Writes `bytes` to the site-relative path `rel` (and its `.gz` copy when compressing).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let unchanged = self.write_one(rel, bytes)?;
        if self.compress && compress::wanted(rel) {
            let gz = format!("{rel}.gz");
            // Same bytes, same gzip: reuse the previous copy without compressing again.
            if !(unchanged && self.keep_previous(&gz)?) {
                self.write_one(&gz, &compress::gzip(bytes)?)?;
            }
        }
        Ok(())
    }

    /// Writes one file; true when it was identical to the previous site's and kept.
    fn write_one(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let dest = safe_join(&self.dir, rel)?;
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        if let Some(old) = self.previous_file(rel) {
            if fs::read(&old).is_ok_and(|b| b == bytes) && fs::hard_link(&old, &dest).is_ok() {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(true);
            }
        }
        fs::write(&dest, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(false)
    }

    /// Links the previous site's `rel` into the new one; false when there is none.
    fn keep_previous(&self, rel: &str) -> io::Result<bool> {
        let Some(old) = self.previous_file(rel) else {
            return Ok(false);
        };
        let dest = safe_join(&self.dir, rel)?;
        if fs::hard_link(&old, &dest).is_ok() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(true);
        }
        Ok(false)
    }

    /// Copies the file at `from` to the site-relative path `rel`.
    pub fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let bytes = fs::read(from)?;
        self.write(rel, &bytes)
    }

    fn previous_file(&self, rel: &str) -> Option<PathBuf> {
        let old = safe_join(self.previous.as_ref()?, rel).ok()?;
        old.is_file().then_some(old)
    }

    pub fn stats(&self) -> WriteStats {
        WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        }
    }

    /// Puts the new site in place of the old one in one step.
    pub fn commit(mut self) -> io::Result<()> {
        fs::write(
            self.dir.join(MARKER),
            concat!("broadsheet ", env!("CARGO_PKG_VERSION"), "\n"),
        )?;
        if self.target.exists() {
            swap(&self.dir, &self.target)?;
            // The staging path now holds the old site.
            fs::remove_dir_all(&self.dir)?;
        } else {
            fs::rename(&self.dir, &self.target)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Exchanges two folders atomically where the system can (Linux `renameat2`), else with
/// two renames.
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both are valid NUL-terminated paths that outlive the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
    }
    let aside = a.with_extension("old");
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// Joins a site-relative, `/`-separated path under `root`, refusing anything that could
/// leave it (`..`, absolute paths, backslashes, empty segments).
pub fn safe_join(root: &Path, rel: &str) -> io::Result<PathBuf> {
    let mut path = root.to_path_buf();
    for segment in rel.split('/') {
        let bad = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['\\', '\0']);
        if bad {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "refusing to write '{rel}': it is not a plain path inside the output folder"
                ),
            ));
        }
        path.push(segment);
    }
    Ok(path)
}

/// Files under `static/`, as (site-relative path, file), sorted.
pub fn list_static(static_dir: &Path) -> Vec<(String, PathBuf)> {
    if !static_dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(static_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file()))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(static_dir)
                .unwrap_or(e.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_escapes() {
        let root = Path::new("/out");
        assert!(safe_join(root, "a/b/index.html").is_ok());
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\..\\b"] {
            assert!(safe_join(root, bad).is_err(), "{bad}");
        }
    }
}
