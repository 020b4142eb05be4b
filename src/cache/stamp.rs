//! The build stamp: what the inputs of the last successful build looked like (the
//! size, times and inode of every file under `content/`, `static/` and `templates/`)
//! and what that build reported. A rebuild that finds the inputs looking the same,
//! under the same binary and config, with the output still as that build left it, has
//! nothing to do: it repeats the report without reading or parsing anything. `make`
//! decides the same way from timestamps.
//!
//! Like Git's index, the stamp does not trust the times of a file modified within
//! [`RACY`] of the moment it was taken: a second edit of the same size in the same
//! clock tick (or within a coarse file system's timestamp resolution) would leave them
//! unchanged. Such "racy" files are stamped by their content as well, and the stamp
//! lists them, so the next build hashes the content of those same files to compare.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use walkdir::WalkDir;

use super::parsed::FileStat;
use super::{read_file, remove_file, write_file, Hash, HashBuffer};
use crate::build::Outcome;
use crate::diagnostics::Diagnostic;
use crate::ingest::ContentListing;

/// Files modified this close to the stamp (or later) are stamped by content too, as their
/// times cannot yet be trusted. Two seconds covers the coarsest common timestamp
/// resolution (FAT).
pub const RACY: Duration = Duration::from_secs(2);

/// The stamp file's content. The outcome is borrowed to save it and owned when read.
#[derive(Serialize, Deserialize)]
struct Saved<'a> {
    inputs: Hash,
    /// Files whose content is part of `inputs` (see the module's notes on racy files).
    racy: Vec<String>,
    /// What the build reported, for a rebuild with nothing to do to repeat.
    report: Cow<'a, Outcome>,
}

/// The inputs of this build, as the file system describes them.
pub struct Stamp {
    path: PathBuf,
    fingerprint: Hash,
    /// The previous stamp, when there is one.
    saved: Option<Saved<'static>>,
    /// These inputs hashed as the previous stamp hashed its own (content of its racy
    /// files included), to compare; `None` when an input could not be read.
    check: Option<Hash>,
    /// These inputs hashed with this build's racy files' content included, to save.
    inputs: Option<(Hash, Vec<String>)>,
}

impl Stamp {
    /// Takes the stamp of the site folder `site`, whose `content/` was listed as
    /// `content`, for a build whose cache lives in `dir` under `fingerprint`. `options`
    /// are build options that change the output but are not part of the configuration.
    pub fn take(
        site: &Path,
        content: &ContentListing,
        dir: &Path,
        fingerprint: Hash,
        options: &[u8],
    ) -> Stamp {
        let path = dir.join("stamp.bin");
        if !TRUSTED_KEYS {
            return Stamp::none(path, fingerprint);
        }
        let saved: Option<Saved<'static>> =
            read_file(&path, fingerprint).and_then(|bytes| postcard::from_bytes(&bytes).ok());
        let was_racy: HashSet<&str> = saved
            .iter()
            .flat_map(|s| s.racy.iter().map(String::as_str))
            .collect();
        let taken = SystemTime::now();
        let mut files = Vec::with_capacity(content.files.len() + 64);
        let listed = content_entries(content, &mut files)
            && ["static", "templates"]
                .iter()
                .all(|folder| list_folder(&site.join(folder), folder, &mut files));
        // Statting is most of the cost at 100,000 files; the walk only reads folders.
        let seen: Option<Vec<Seen>> = files
            .par_iter()
            .map(|(name, entry)| seen(name, entry, taken, &was_racy))
            .collect();
        let (check, inputs) = match seen.filter(|_| listed) {
            Some(seen) => {
                // Gathered, then hashed at once: 100,000 names and keys are 400,000
                // small updates of a streaming hash.
                let size = files.iter().map(|(name, _)| name.len()).sum::<usize>()
                    + files.len() * 48
                    + options.len()
                    + 16;
                let mut check = HashBuffer::with_capacity(size);
                let mut now = HashBuffer::with_capacity(size);
                for h in [&mut check, &mut now] {
                    h.update(&fingerprint.to_le_bytes());
                }
                check.update(options);
                now.update(options);
                let mut racy = Vec::new();
                for ((name, _), s) in files.iter().zip(&seen) {
                    check.update(name.as_bytes());
                    now.update(name.as_bytes());
                    check.update(&s.key);
                    now.update(&s.key);
                    if let Some(content) = s.content {
                        if was_racy.contains(name.as_str()) {
                            check.update(&content.to_le_bytes());
                        }
                        if s.racy {
                            now.update(&content.to_le_bytes());
                            racy.push(name.clone());
                        }
                    }
                }
                (Some(check.hash()), Some((now.hash(), racy)))
            }
            None => (None, None),
        };
        Stamp {
            path,
            fingerprint,
            saved,
            check,
            inputs,
        }
    }

    /// A stamp that matches nothing and saves nothing, for builds that must do the work
    /// anyway (the stamp file is removed when they succeed).
    pub fn none(path: PathBuf, fingerprint: Hash) -> Stamp {
        Stamp {
            path,
            fingerprint,
            saved: None,
            check: None,
            inputs: None,
        }
    }

    /// What the previous build reported, if its inputs looked exactly like these.
    pub fn previous(&self) -> Option<Outcome> {
        let saved = self.saved.as_ref()?;
        (Some(saved.inputs) == self.check).then(|| Outcome::clone(&saved.report))
    }

    /// Records these inputs as built, with the build's outcome; forgets any previous
    /// stamp when these inputs could not be read.
    pub fn save(&self, report: &Outcome) {
        let Some((inputs, racy)) = &self.inputs else {
            return remove_file(&self.path);
        };
        let saved = Saved {
            inputs: *inputs,
            racy: racy.clone(),
            report: Cow::Borrowed(report),
        };
        match postcard::to_stdvec(&saved) {
            Ok(bytes) => write_file(&self.path, self.fingerprint, &bytes),
            Err(_) => remove_file(&self.path),
        }
    }

    /// Forgets the stamp (before a build that changes the output).
    pub fn forget(&self) {
        remove_file(&self.path);
    }
}

/// Outside Unix a [`FileKey`] holds only size and modification time, which copies that
/// keep the time (`cp -p`, `robocopy`) leave unchanged: no stamp is trusted there.
const TRUSTED_KEYS: bool = cfg!(unix);

/// One entry as the stamp sees it.
struct Seen {
    /// The [`FileKey`]'s bytes; empty for a folder.
    key: Vec<u8>,
    /// Modified within [`RACY`] of the stamp.
    racy: bool,
    /// Hash of the file's bytes, for racy files and those racy in the previous stamp.
    content: Option<Hash>,
}

/// One entry of the inputs, as listed.
enum Entry<'a> {
    /// A folder, or a name that counts by itself (a skipped file, a message).
    Mark,
    /// A file yet to be stat'ed.
    File(PathBuf),
    /// A file of the content listing, with its metadata (`None`: could not be read).
    Listed(&'a Path, Option<&'a FileStat>),
}

/// How an entry looks; `None` if it cannot be read.
fn seen(
    name: &str,
    entry: &Entry<'_>,
    taken: SystemTime,
    was_racy: &HashSet<&str>,
) -> Option<Seen> {
    let stat;
    let (path, meta) = match entry {
        Entry::Mark => {
            return Some(Seen {
                key: Vec::new(),
                racy: false,
                content: None,
            })
        }
        Entry::File(path) => {
            // Followed, as ingest and the static copy read through links.
            stat = FileStat::of(&fs::metadata(path).ok()?);
            (path.as_path(), &stat)
        }
        Entry::Listed(path, meta) => (*path, (*meta)?),
    };
    let racy = meta.recent(taken);
    let content = if racy || was_racy.contains(name) {
        Some(super::hash_bytes(&fs::read(path).ok()?))
    } else {
        None
    };
    let mut key = Vec::with_capacity(32);
    meta.key.write(&mut key);
    Some(Seen { key, racy, content })
}

/// The content listing's files and what its walk reported, as stamp entries; false when
/// a folder could not be read.
fn content_entries<'a>(content: &'a ContentListing, out: &mut Vec<(String, Entry<'a>)>) -> bool {
    if content.diagnostics.iter().any(Diagnostic::is_error) {
        return false;
    }
    for d in &content.diagnostics {
        let name = format!("content\0{}\0{}", d.path.display(), d.message);
        out.push((name, Entry::Mark));
    }
    for s in &content.skipped {
        let name = format!("content\0{}\0{}", s.path.display(), s.reason);
        out.push((name, Entry::Mark));
    }
    for f in &content.files {
        out.push((
            format!("content/{}", f.rel),
            Entry::Listed(&f.path, f.meta.as_ref()),
        ));
    }
    true
}

/// Lists every entry under `root` (named `label`) in name order. False when something
/// cannot be read.
fn list_folder(root: &Path, label: &str, out: &mut Vec<(String, Entry<'_>)>) -> bool {
    if !root.exists() {
        out.push((format!("{label}\0absent"), Entry::Mark));
        return true;
    }
    for entry in WalkDir::new(root).sort_by_file_name() {
        let Ok(entry) = entry else {
            return false;
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = format!("{label}/{}", rel.to_string_lossy());
        let entry = match entry.file_type().is_dir() {
            true => Entry::Mark,
            false => Entry::File(entry.into_path()),
        };
        out.push((name, entry));
    }
    true
}
