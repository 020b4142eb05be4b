//! The manifest: what the previous build wrote, one record per output file. It lets a
//! build tell that a file is unchanged without reading it, and skip rendering a page
//! whose inputs are unchanged. Kept in the build cache; any output feature that writes
//! through [`super::Staging`] is covered without knowing about it.

use std::fs::Metadata;
use std::path::Path;

use crate::cache::{put_bytes, read_file, write_file, ByPath, FileBody, Hash, Reader};

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

/// The path of the record at `at` in a manifest's bytes (checked as they were read).
fn path_in(bytes: &[u8], at: u32) -> &[u8] {
    Reader::new(&bytes[at as usize..])
        .bytes()
        .unwrap_or_default()
}

/// Modification time, nanoseconds since the epoch (0 when it cannot be told).
fn mtime_nanos(meta: &Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Output files by site-relative path. The records stay in the manifest file's bytes as
/// read (mapped, when large): a table of where each record starts, by path, finds them.
/// A rebuild looks up 150,000 records and keeps most; copying each path into a map of
/// its own was most of reading the manifest, and freeing it a part of the commit.
#[derive(Default)]
pub struct Manifest {
    bytes: FileBody,
    /// Offsets of the records in `bytes`, by their paths.
    records: ByPath,
}

/// Bytes of a record after its path: input, content, length, time.
const ENTRY_BYTES: usize = 16 + 16 + 8 + 16;

impl std::fmt::Debug for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Manifest of {} files", self.records.len())
    }
}

impl Manifest {
    /// The record of one file.
    pub fn get(&self, rel: &str) -> Option<OutputEntry> {
        let at = self.records.find(rel.as_bytes(), |at| self.path_at(at))?;
        Some(self.entry_at(at))
    }

    /// Every record, in the order they were saved (path order).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, OutputEntry)> {
        let mut offsets: Vec<u32> = self.records.records().collect();
        offsets.sort_unstable();
        offsets.into_iter().map(|at| {
            // Checked to be UTF-8 when the manifest was read.
            let rel = std::str::from_utf8(self.path_at(at)).unwrap_or_default();
            (rel, self.entry_at(at))
        })
    }

    /// How many files it records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when it records no file.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The path of the record at `at`.
    fn path_at(&self, at: u32) -> &[u8] {
        path_in(&self.bytes, at)
    }

    /// The entry of the record at `at` (checked when the manifest was read).
    fn entry_at(&self, at: u32) -> OutputEntry {
        let mut r = Reader::new(&self.bytes[at as usize..]);
        let entry = r.bytes().and_then(|_| {
            Some(OutputEntry {
                input: r.u128()?,
                content: r.u128()?,
                len: r.u64()?,
                mtime: r.u128()?,
            })
        });
        entry.unwrap_or(OutputEntry {
            input: 0,
            content: 0,
            len: 0,
            mtime: 0,
        })
    }

    /// Reads a saved manifest; `None` if missing or unreadable.
    pub fn load(path: &Path) -> Option<Manifest> {
        let bytes = read_file(path, 0)?;
        // Offsets are 32-bit: a manifest of 4 GiB would be 40 million files.
        u32::try_from(bytes.len()).ok()?;
        let mut records = ByPath::default();
        let mut r = Reader::new(&bytes);
        while !r.done() {
            let at = r.pos() as u32;
            let rel = r.str()?.as_bytes();
            r.take(ENTRY_BYTES)?;
            if records.insert(rel, at, |o| path_in(&bytes, o)).is_some() {
                // Two records of one path: not a manifest a build saved.
                return None;
            }
        }
        Some(Manifest { bytes, records })
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
        let other = OutputEntry {
            input: 5,
            ..entry.clone()
        };
        let files = [("a.html", &entry), ("b/index.html", &other)];
        Manifest::save_sorted(&path, files.into_iter());
        let m = Manifest::load(&path).unwrap();
        assert_eq!(m.get("a.html"), Some(entry.clone()));
        assert_eq!(m.get("b/index.html"), Some(other.clone()));
        assert_eq!(m.get("b"), None);
        let read: Vec<(&str, OutputEntry)> = m.entries().collect();
        assert_eq!(read, [("a.html", entry.clone()), ("b/index.html", other)]);
        // Two records of one path: no build saves that, so it is no manifest.
        Manifest::save_sorted(&path, [("a.html", &entry), ("a.html", &entry)].into_iter());
        assert!(Manifest::load(&path).is_none());
        // A record cut short: no manifest, not a short one.
        let mut body = Vec::new();
        crate::cache::put_bytes(&mut body, b"a.html");
        body.extend_from_slice(&9u128.to_le_bytes());
        crate::cache::write_file(&path, 0, &body);
        assert!(Manifest::load(&path).is_none());
    }
}
