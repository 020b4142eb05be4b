//! The manifest: what the previous build wrote, one record per output file. It lets a
//! build tell that a file is unchanged without reading it, and skip rendering a page
//! whose inputs are unchanged. Kept in the build cache; any output feature that writes
//! through [`super::Staging`] is covered without knowing about it.

use std::fs::Metadata;
use std::path::Path;
use std::time::SystemTime;

use crate::cache::stamp::RACY;
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

/// Output files by site-relative path, and the output's folders as last seen. The
/// records stay in the manifest file's bytes as read (mapped, when large): a table of
/// where each record starts, by path, finds them. A rebuild looks up 150,000 records and
/// keeps most; copying each path into a map of its own was most of reading the manifest,
/// and freeing it a part of the commit.
#[derive(Default)]
pub struct Manifest {
    bytes: FileBody,
    /// Where each file's record starts in `bytes`, in path order: a record's number is
    /// its place here.
    offsets: Vec<u32>,
    /// Record numbers, by their paths.
    records: ByPath,
    /// Where each folder's record starts in `bytes` (see [`FolderStamp`]).
    folders: Vec<u32>,
}

/// What tells whether a folder's entries changed, without reading them: any name added,
/// removed or renamed in it changes its modification and status-change times, and no
/// program can set a status-change time (a restored backup gets a new one). A build
/// records the stamps of the output's folders, so that the next reads only the folders
/// whose stamp changed, to find files put there by other means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStamp {
    pub inode: u64,
    /// Nanoseconds since the epoch.
    pub modified: u128,
    pub changed: u128,
}

impl FolderStamp {
    /// The stamp of a folder from its metadata (not following links); `None` for what is
    /// no folder, and everywhere but Unix, where no status-change time is told.
    pub fn of(meta: &Metadata) -> Option<FolderStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let nanos = |s: i64, ns: i64| -> Option<u128> {
                Some(u128::try_from(s).ok()? * 1_000_000_000 + u128::try_from(ns).ok()?)
            };
            meta.is_dir().then_some(())?;
            Some(FolderStamp {
                inode: meta.ino(),
                modified: nanos(meta.mtime(), meta.mtime_nsec())?,
                changed: nanos(meta.ctime(), meta.ctime_nsec())?,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// True when the folder changed within [`RACY`] of `taken` (when the stamp was
    /// taken), or later: a change in the same clock tick after the stamp could leave its
    /// times as they are, so such a stamp is not trusted (as the build stamp does with
    /// files, see [`crate::cache::stamp`]).
    pub fn racy(&self, taken: SystemTime) -> bool {
        let since = taken
            .checked_sub(RACY)
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(u128::MAX, |d| d.as_nanos());
        self.modified >= since || self.changed >= since
    }
}

/// Bytes of a record after its path: input, content, length, time.
const ENTRY_BYTES: usize = 16 + 16 + 8 + 16;
/// Bytes of a folder's record after its path: whether it has a stamp, its inode and
/// two times.
const FOLDER_BYTES: usize = 1 + 8 + 16 + 16;

impl std::fmt::Debug for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Manifest of {} files and {} folders",
            self.offsets.len(),
            self.folders.len()
        )
    }
}

impl Manifest {
    /// The record of one file.
    pub fn get(&self, rel: &str) -> Option<OutputEntry> {
        self.find(rel).map(|(_, e)| e)
    }

    /// The number and record of one file.
    pub fn find(&self, rel: &str) -> Option<(usize, OutputEntry)> {
        let n = self.records.find(rel.as_bytes(), |n| self.path_of(n))?;
        Some((n as usize, self.entry_at(self.offsets[n as usize])))
    }

    /// Every record, in path order (numbered from 0).
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, OutputEntry)> {
        self.offsets.iter().map(|&at| {
            // Checked to be UTF-8 when the manifest was read.
            let rel = std::str::from_utf8(path_in(&self.bytes, at)).unwrap_or_default();
            (rel, self.entry_at(at))
        })
    }

    /// Every folder of the output as the build that saved it left it (`""` for the
    /// output folder itself), with its stamp when that can be trusted.
    pub fn folders(&self) -> impl Iterator<Item = (&str, Option<FolderStamp>)> {
        self.folders.iter().map(|&at| {
            let mut r = Reader::new(&self.bytes[at as usize..]);
            // Checked when the manifest was read.
            let rel = r.str().unwrap_or_default();
            let stamped = r.take(1) == Some(&[1]);
            let stamp = FolderStamp {
                inode: r.u64().unwrap_or_default(),
                modified: r.u128().unwrap_or_default(),
                changed: r.u128().unwrap_or_default(),
            };
            (rel, stamped.then_some(stamp))
        })
    }

    /// How many files it records.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// True when it records no file.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// The path of record number `n`.
    fn path_of(&self, n: u32) -> &[u8] {
        path_in(&self.bytes, self.offsets[n as usize])
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
        let mut r = Reader::new(&bytes);
        let files = usize::try_from(r.u64()?).ok()?;
        // Bounded by what the bytes can hold, against a garbled count.
        let mut offsets = Vec::with_capacity(files.min(bytes.len() / (8 + ENTRY_BYTES)));
        let mut records = ByPath::with_capacity(offsets.capacity());
        for n in 0..files as u32 {
            let at = r.pos() as u32;
            let rel = r.str()?.as_bytes();
            r.take(ENTRY_BYTES)?;
            offsets.push(at);
            let path_of = |n: u32| path_in(&bytes, offsets[n as usize]);
            if records.insert(rel, n, path_of).is_some() {
                // Two records of one path: not a manifest a build saved.
                return None;
            }
        }
        let mut folders = Vec::new();
        while !r.done() {
            folders.push(r.pos() as u32);
            r.str()?;
            r.take(FOLDER_BYTES)?;
        }
        Some(Manifest {
            bytes,
            offsets,
            records,
            folders,
        })
    }

    /// Saves the records of `files`, given in path order (the same site gives the same
    /// bytes), and the stamps of `folders`; written from the caller's sorted list rather
    /// than gathered into a manifest first, which at 150,000 files cost a hash map and a
    /// second sort.
    pub fn save_sorted<'e>(
        path: &Path,
        files: impl ExactSizeIterator<Item = (&'e str, &'e OutputEntry)>,
        folders: &[(String, Option<FolderStamp>)],
    ) {
        let mut out = Vec::with_capacity(files.len() * 96 + folders.len() * 64);
        out.extend_from_slice(&(files.len() as u64).to_le_bytes());
        for (rel, e) in files {
            put_bytes(&mut out, rel.as_bytes());
            out.extend_from_slice(&e.input.to_le_bytes());
            out.extend_from_slice(&e.content.to_le_bytes());
            out.extend_from_slice(&e.len.to_le_bytes());
            out.extend_from_slice(&e.mtime.to_le_bytes());
        }
        for (rel, stamp) in folders {
            put_bytes(&mut out, rel.as_bytes());
            out.push(u8::from(stamp.is_some()));
            let f = stamp.unwrap_or(FolderStamp {
                inode: 0,
                modified: 0,
                changed: 0,
            });
            out.extend_from_slice(&f.inode.to_le_bytes());
            out.extend_from_slice(&f.modified.to_le_bytes());
            out.extend_from_slice(&f.changed.to_le_bytes());
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
        let folder = |inode| FolderStamp {
            inode,
            modified: 7,
            changed: 8,
        };
        let folders = [(String::new(), None), ("b".to_string(), Some(folder(2)))];
        Manifest::save_sorted(&path, files.into_iter(), &folders);
        let m = Manifest::load(&path).unwrap();
        assert_eq!(m.get("a.html"), Some(entry.clone()));
        assert_eq!(m.find("b/index.html"), Some((1, other.clone())));
        assert_eq!(m.get("b"), None);
        let read: Vec<(&str, OutputEntry)> = m.entries().collect();
        assert_eq!(read, [("a.html", entry.clone()), ("b/index.html", other)]);
        let read: Vec<(&str, Option<FolderStamp>)> = m.folders().collect();
        assert_eq!(read, [("", None), ("b", Some(folder(2)))]);
        // Two records of one path: no build saves that, so it is no manifest.
        let twice = [("a.html", &entry), ("a.html", &entry)];
        Manifest::save_sorted(&path, twice.into_iter(), &[]);
        assert!(Manifest::load(&path).is_none());
        // A record cut short: no manifest, not a short one.
        let mut body = 1u64.to_le_bytes().to_vec();
        crate::cache::put_bytes(&mut body, b"a.html");
        body.extend_from_slice(&9u128.to_le_bytes());
        crate::cache::write_file(&path, 0, &body);
        assert!(Manifest::load(&path).is_none());
    }
}
