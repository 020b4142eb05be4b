//! The build stamp: what the inputs of the last successful build looked like (the
//! size, times and inode of every file under `content/`, `static/` and `templates/`)
//! and what that build reported. A rebuild that finds the inputs looking the same,
//! under the same binary and config, with the output still as that build left it, has
//! nothing to do: it repeats the report without reading or parsing anything. `make`
//! decides the same way from timestamps.
//!
//! Like Git's index, the stamp distrusts files modified within [`RACY`] of the moment
//! it was taken: a second edit of the same size in the same clock tick (or within a
//! coarse file system's timestamp resolution) would leave the file's times unchanged.
//! Such a stamp is not saved, so the next build does the full work.

use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::parsed::FileKey;
use super::{read_file, remove_file, write_file, Hash, HashWriter};
use crate::diagnostics::{Diagnostic, Skipped};

/// Files modified this close to the stamp (or later) make it unusable. Two seconds
/// covers the coarsest common timestamp resolution (FAT).
pub const RACY: Duration = Duration::from_secs(2);

/// What a successful build reported, for a rebuild with nothing to do to repeat.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PreviousReport {
    pub articles: usize,
    pub pages: usize,
    pub files_copied: usize,
    pub files_total: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    inputs: Hash,
    report: PreviousReport,
}

/// The inputs of this build, as the file system describes them.
pub struct Stamp {
    path: PathBuf,
    fingerprint: Hash,
    /// `None` when an input could not be read or was modified too recently to trust.
    inputs: Option<Hash>,
}

impl Stamp {
    /// Takes the stamp of the site folder `site` for a build whose cache lives in `dir`
    /// under `fingerprint`. `options` are build options that change the output but are
    /// not part of the configuration.
    pub fn take(site: &Path, dir: &Path, fingerprint: Hash, options: &[u8]) -> Stamp {
        let taken = SystemTime::now();
        let mut h = HashWriter::new(fingerprint);
        h.update(options);
        let ok = ["content", "static", "templates"]
            .iter()
            .all(|folder| hash_folder(&site.join(folder), folder, taken, &mut h));
        Stamp {
            path: dir.join("stamp.bin"),
            fingerprint,
            inputs: ok.then(|| h.finish()),
        }
    }

    /// What the previous build reported, if its inputs looked exactly like these.
    pub fn previous(&self) -> Option<PreviousReport> {
        let inputs = self.inputs?;
        let bytes = read_file(&self.path, self.fingerprint)?;
        let saved: Saved = postcard::from_bytes(&bytes).ok()?;
        (saved.inputs == inputs).then_some(saved.report)
    }

    /// Records these inputs as built, with the build's report; forgets any previous
    /// stamp when these inputs cannot be trusted.
    pub fn save(&self, report: PreviousReport) {
        match self.inputs {
            Some(inputs) => match postcard::to_stdvec(&Saved { inputs, report }) {
                Ok(bytes) => write_file(&self.path, self.fingerprint, &bytes),
                Err(_) => remove_file(&self.path),
            },
            None => remove_file(&self.path),
        }
    }

    /// Forgets the stamp (before a build that changes the output).
    pub fn forget(&self) {
        remove_file(&self.path);
    }
}

/// Adds every entry under `root` (named `label`) to `h`: folders by name, files by name
/// and [`FileKey`]. Hidden folders of `content/` are not entered, as ingest skips them
/// by name. False when something cannot be read or a file is too recent to trust.
fn hash_folder(root: &Path, label: &str, taken: SystemTime, h: &mut HashWriter) -> bool {
    h.update(label.as_bytes());
    if !root.exists() {
        h.update(b"\0absent");
        return true;
    }
    let mut entries: Vec<(PathBuf, bool)> = Vec::new();
    let mut walker = WalkDir::new(root).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let Ok(entry) = entry else {
            return false;
        };
        let dir = entry.file_type().is_dir();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if dir && hidden && entry.depth() > 0 && label == "content" {
            walker.skip_current_dir();
        }
        entries.push((entry.into_path(), dir));
    }
    // Statting is most of the cost at 100,000 files; the walk above only reads folders.
    let keys: Vec<Option<Option<FileKey>>> = entries
        .par_iter()
        .map(|(path, dir)| {
            if *dir {
                return Some(None);
            }
            // Followed, as ingest and the static copy read through links.
            let meta = fs::metadata(path).ok()?;
            (!recent(&meta, taken)).then(|| Some(FileKey::of(&meta)))
        })
        .collect();
    for ((path, _), key) in entries.iter().zip(keys) {
        let Some(key) = key else {
            return false;
        };
        h.update(
            path.strip_prefix(root)
                .unwrap_or(path)
                .as_os_str()
                .as_encoded_bytes(),
        );
        h.update(&[0]);
        match key {
            Some(key) => key.hash_into(h),
            None => h.update(b"/"),
        }
    }
    true
}

/// True when the file's content or metadata changed within [`RACY`] of `taken`.
fn recent(meta: &Metadata, taken: SystemTime) -> bool {
    let limit = taken.checked_sub(RACY).unwrap_or(SystemTime::UNIX_EPOCH);
    let modified = meta.modified().unwrap_or(taken);
    #[cfg(unix)]
    let changed = {
        use std::os::unix::fs::MetadataExt;
        SystemTime::UNIX_EPOCH
            .checked_add(Duration::new(
                meta.ctime().max(0) as u64,
                meta.ctime_nsec().clamp(0, 999_999_999) as u32,
            ))
            .unwrap_or(taken)
    };
    #[cfg(not(unix))]
    let changed = modified;
    modified >= limit || changed >= limit
}
