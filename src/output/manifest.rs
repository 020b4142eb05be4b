//! The manifest: what the previous build wrote, one record per output file. It lets a
//! build tell that a file is unchanged without reading it, and skip rendering a page
//! whose inputs are unchanged. Kept in the build cache; any output feature that writes
//! through [`super::Staging`] is covered without knowing about it.

use std::fs::Metadata;
use std::path::Path;

use crate::cache::{put_bytes, read_file, write_file, Hash, Reader};

/// One output file as the previous build left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputEntry {
    /// Hash of what the file was rendered from (0: not a rendered page).
    pub input: Hash,
    /// Hash of the file's bytes.
    pub content: Hash,
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: u128,
}

impl OutputEntry {
    /// The record of a file with these hashes and metadata.
    pub fn of(input: Hash, content: Hash, meta: &Metadata) -> OutputEntry {
        OutputEntry {
            input,
            content,
            len: meta.len(),
            mtime: mtime_nanos(meta),
        }
    }

    /// The size and modification time recorded (see [`file_stamp`]).
    pub fn stamp(&self) -> (u64, u128) {
        (self.len, self.mtime)
    }

    /// True when a file with this metadata is still the one recorded.
    pub fn matches(&self, meta: &Metadata) -> bool {
        file_stamp(meta) == Some(self.stamp())
    }
}

/// What tells one version of an output file from another without reading it: its size
/// and modification time; `None` for what is no regular file.
pub(super) fn file_stamp(meta: &Metadata) -> Option<(u64, u128)> {
    meta.is_file().then(|| (meta.len(), mtime_nanos(meta)))
}

/// Modification time, nanoseconds since the epoch (0 when it cannot be told).
fn mtime_nanos(meta: &Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Output files by site-relative path (hashbrown's default hasher: a rebuild looks up
/// every page's record, and std's SipHash was most of that).
#[derive(Debug, Default)]
pub struct Manifest {
    files: hashbrown::HashMap<String, OutputEntry>,
}

impl Manifest {
    /// The record of one file.
    pub fn get(&self, rel: &str) -> Option<&OutputEntry> {
        self.files.get(rel)
    }

    /// Every record.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, &OutputEntry)> {
        self.files.iter().map(|(rel, e)| (rel.as_str(), e))
    }

    /// Reads a saved manifest; `None` if missing or unreadable.
    pub fn load(path: &Path) -> Option<Manifest> {
        let bytes = read_file(path, 0)?;
        let mut r = Reader::new(&bytes);
        let mut files = hashbrown::HashMap::new();
        while !r.done() {
            let rel = r.str()?.to_string();
            let entry = OutputEntry {
                input: r.u128()?,
                content: r.u128()?,
                len: r.u64()?,
                mtime: r.u128()?,
            };
            files.insert(rel, entry);
        }
        Some(Manifest { files })
    }

    /// Saves the records of `files`, given in path order (the same site gives the same
    /// bytes); written from the caller's sorted list rather than gathered into a manifest
    /// first, which at 150,000 files cost a hash map and a second sort.
    pub fn save_sorted<'e>(
        path: &Path,
        files: impl ExactSizeIterator<Item = (&'e str, &'e OutputEntry)>,
    ) {
        let mut out = Vec::with_capacity(files.len() * 96);
        for (rel, e) in files {
            put_bytes(&mut out, rel.as_bytes());
            out.extend_from_slice(&e.input.to_le_bytes());
            out.extend_from_slice(&e.content.to_le_bytes());
            out.extend_from_slice(&e.len.to_le_bytes());
            out.extend_from_slice(&e.mtime.to_le_bytes());
        }
        write_file(path, 0, &out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The manifest reads back its files, or nothing at all from a file of another
    /// layout (the cache's format is in every file's header).
    #[test]
    fn the_manifest_reads_back_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outputs.bin");
        let entry = OutputEntry {
            input: 1,
            content: 2,
            len: 3,
            mtime: 4,
        };
        Manifest::save_sorted(&path, [("a.html", &entry)].into_iter());
        let m = Manifest::load(&path).unwrap();
        assert_eq!(m.get("a.html"), Some(&entry));
        assert_eq!(m.entries().count(), 1);
        // A record cut short: no manifest, not a short one.
        let mut body = Vec::new();
        crate::cache::put_bytes(&mut body, b"a.html");
        body.extend_from_slice(&9u128.to_le_bytes());
        crate::cache::write_file(&path, 0, &body);
        assert!(Manifest::load(&path).is_none());
    }
}
