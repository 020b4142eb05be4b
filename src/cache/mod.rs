//! Incremental builds: what the previous build learned, kept in a folder beside the
//! output (`.broadsheet-cache/NAME/` next to the output folder `NAME`), so that a
//! rebuild after a small edit re-parses only the changed files and re-renders only the
//! pages whose inputs changed.
//!
//! Three things are remembered:
//! - [`stamp::Stamp`]: how every input file looked to the last successful build, and
//!   what it reported; a rebuild that finds them all unchanged, and the output as that
//!   build left it, does nothing else.
//! - [`parsed::ParseMemo`]: every content file's parse outcome, keyed by the file's
//!   size, modification and change times and inode; valid only for the same binary and
//!   `site.toml` (the parse depends on both). The articles' bodies are kept in files of
//!   their own, read back only when needed (see [`crate::article::body`]).
//! - the output manifest ([`crate::output::Manifest`]): every output file's content hash
//!   and the hash of the inputs it was rendered from. Content hashes are facts about the
//!   files on disk (checked against their size and modification time before they are
//!   trusted); input hashes include the fingerprint of the binary, config and templates,
//!   so any change there re-renders everything.
//!
//! Every cache file starts with a header holding a format tag and the fingerprint it
//! was made under; a missing, foreign, stale or corrupt file is silently ignored, which
//! simply means a full build. Correctness never depends on the cache being there. The
//! bodies files and the memos' side files (the search postings, see [`Memo::put_side`])
//! are the exception: they are read a part at a time, each checked against its hash, so
//! damage shows only when a part is read; the build then starts again without the cache
//! (see [`BuildCache::damaged`]).

pub mod parsed;
pub mod stamp;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64, Xxh3};

use crate::config::SiteConfig;

/// A 128-bit content hash (xxh3): fast enough to hash every page of a 100,000-article
/// site in well under a second, and wide enough that a collision is not a concern.
pub type Hash = u128;

/// Bumped whenever the layout of a cache file changes.
const FORMAT: &[u8; 8] = b"BSCACHE8";

/// Hashes bytes.
pub fn hash_bytes(bytes: &[u8]) -> Hash {
    xxh3_128(bytes)
}

/// An `io::Write` that hashes what is written to it.
pub struct HashWriter(Xxh3);

impl HashWriter {
    /// An empty hash, seeded with `seed` (e.g. a fingerprint).
    pub fn new(seed: Hash) -> HashWriter {
        let mut h = Xxh3::new();
        h.update(&seed.to_le_bytes());
        HashWriter(h)
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Adds a string preceded by its length, so that consecutive strings cannot run
    /// into each other (`ab`,`c` and `a`,`bc` hash differently).
    pub fn update_prefixed(&mut self, text: &str) {
        self.update(&(text.len() as u64).to_le_bytes());
        self.update(text.as_bytes());
    }

    /// Adds a moment, or its absence: the instant and its offset, which together fix
    /// how it is shown in the site's zone.
    pub fn update_date<Tz: chrono::TimeZone>(&mut self, date: Option<&chrono::DateTime<Tz>>) {
        use chrono::Offset;
        match date {
            Some(d) => {
                self.update(&[1]);
                self.update(&d.timestamp().to_le_bytes());
                self.update(&d.timestamp_subsec_nanos().to_le_bytes());
                self.update(&d.offset().fix().local_minus_utc().to_le_bytes());
            }
            None => self.update(&[0]),
        }
    }

    /// The hash of everything written.
    pub fn finish(&self) -> Hash {
        self.0.digest128()
    }
}

/// Gathers what is to be hashed and hashes it at once ([`HashBuffer::hash`]): values
/// that derive [`std::hash::Hash`] are fed to a hasher a few bytes at a time, and a
/// streaming hash costs more per call than copying them.
#[derive(Default)]
pub struct HashBuffer(Vec<u8>);

impl HashBuffer {
    /// The hash of everything written since the last [`HashBuffer::clear`].
    pub fn hash(&self) -> Hash {
        hash_bytes(&self.0)
    }

    /// An empty buffer with room for `bytes`: one that grows by doubling copies what it
    /// holds each time, and a fresh page of memory costs as much as the copy.
    pub fn with_capacity(bytes: usize) -> HashBuffer {
        HashBuffer(Vec::with_capacity(bytes))
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

impl std::hash::Hasher for HashBuffer {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    fn finish(&self) -> u64 {
        self.hash() as u64
    }
}

impl Write for HashBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hashes a value through its compact binary (postcard) serialization, seeded.
pub fn hash_value<T: Serialize + ?Sized>(seed: Hash, value: &T) -> Hash {
    let mut w = HashWriter::new(seed);
    // Writing to a HashWriter cannot fail; a value that cannot be serialized gets a
    // hash of this moment, which no other build's matches: what is made from it is
    // made again.
    match postcard::to_io(value, &mut w) {
        Ok(_) => w.finish(),
        Err(_) => {
            let now = std::time::SystemTime::now();
            hash_bytes(format!("{now:?} {}", std::process::id()).as_bytes()) ^ seed
        }
    }
}

/// Identifies everything a build's results depend on besides its inputs: the binary
/// itself (its version, size and modification time, so a rebuilt binary never trusts an
/// older one's cache) and the effective configuration.
pub fn fingerprint(config: &SiteConfig, drafts: bool) -> Hash {
    let mut h = HashWriter::new(0);
    h.update(concat!("broadsheet ", env!("CARGO_PKG_VERSION")).as_bytes());
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| fs::metadata(p).ok())
    {
        h.update(&meta.len().to_le_bytes());
        if let Some(t) = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        {
            h.update(&t.as_nanos().to_le_bytes());
        }
    } else {
        // Unknown binary: never reuse a cache.
        h.update(&std::process::id().to_le_bytes());
        h.update(&format!("{:?}", std::time::SystemTime::now()).into_bytes());
    }
    // Debug shows every field, including ones set from the command line.
    h.update(format!("{config:?}").as_bytes());
    h.update(&[drafts as u8]);
    h.finish()
}

/// The cache folder for the output folder `out_dir`: `.broadsheet-cache/NAME/` beside it.
pub fn dir_for(out_dir: &Path) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(".broadsheet-cache").join(name)
}

/// The file a build locks while it writes the output folder `out_dir` and its cache:
/// beside the cache's folder, which a build may remove and make again.
pub fn lock_path(out_dir: &Path) -> PathBuf {
    let mut name = dir_for(out_dir).into_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Reads a cache file made under `fingerprint`, returning its body; `None` if it is
/// missing, was made by another format or fingerprint, or its body does not match the
/// checksum that ends it (a damaged file is never decoded).
pub fn read_file(path: &Path, fingerprint: Hash) -> Option<FileBody> {
    let file = FileBody::whole(path)?;
    let header = header(fingerprint);
    let body_end = file.len().checked_sub(16)?;
    if !file.starts_with(&header) || body_end < header.len() {
        return None;
    }
    let sum = u128::from_le_bytes(file[body_end..].try_into().ok()?);
    if hash_bytes(&file[header.len()..body_end]) != sum {
        return None;
    }
    Some(FileBody {
        range: header.len()..body_end,
        ..file
    })
}

/// The body of a cache file ([`read_file`]), as bytes.
///
/// A large file is mapped rather than read, on Unix: its bytes are then the kernel's
/// cached copy, where reading them would first fault in and zero as much fresh memory
/// and copy them there. A rebuild of 100,000 articles reads some 120 MB of cache, and
/// fresh memory is the dearer part on a virtual machine. Cache files are replaced by
/// renaming a new file over them, never written in place, so a mapped file keeps its
/// bytes while the build runs (the build holds the output's lock). A file cut short by
/// hand meanwhile, or a read error on a network disk, would stop the build with SIGBUS
/// where reading would have meant a full build: a cost of the same kind as a damaged
/// disk, for up to a tenth of a rebuild's time. Elsewhere a mapped file cannot be renamed
/// over, so files are read.
#[derive(Default)]
pub struct FileBody {
    bytes: Bytes,
    range: std::ops::Range<usize>,
}

enum Bytes {
    Read(Vec<u8>),
    #[cfg(unix)]
    Mapped(memmap2::Mmap),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Read(Vec::new())
    }
}

impl Bytes {
    fn all(&self) -> &[u8] {
        match self {
            Bytes::Read(v) => v,
            #[cfg(unix)]
            Bytes::Mapped(m) => m,
        }
    }
}

impl FileBody {
    /// Files smaller than this are read: mapping one costs more than copying it.
    #[cfg(unix)]
    const MAP_FROM: u64 = 256 * 1024;

    /// The whole of the file at `path`.
    fn whole(path: &Path) -> Option<FileBody> {
        let bytes = FileBody::bytes(path)?;
        let range = 0..bytes.all().len();
        Some(FileBody { bytes, range })
    }

    fn bytes(path: &Path) -> Option<Bytes> {
        let mut file = fs::File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        #[cfg(unix)]
        if len >= FileBody::MAP_FROM {
            // Some file systems cannot map files: those are read.
            // SAFETY: the map is read only and the file is never written in place (see
            // above). The mapping is as long as the file was when mapped.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Some(Bytes::Mapped(map));
            }
        }
        let mut bytes = Vec::with_capacity(len as usize);
        io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        Some(Bytes::Read(bytes))
    }
}

impl std::ops::Deref for FileBody {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes.all()[self.range.clone()]
    }
}

/// Records of a cache file found by their paths, where the paths stay in the file's
/// bytes: a table of record numbers (or offsets) by the hash of each path, `path_of`
/// giving a record's path back. The parse memo's shards and the output manifest hold
/// 100,000 and 150,000 records; copying each path into a map of its own was most of
/// reading them.
#[derive(Default)]
pub struct ByPath(hashbrown::HashTable<u32>);

impl ByPath {
    /// Room for `n` records.
    pub fn with_capacity(n: usize) -> ByPath {
        ByPath(hashbrown::HashTable::with_capacity(n))
    }

    /// Files `record` under `path`; returns the record filed under that path before,
    /// which `record` replaces.
    pub fn insert<'b>(
        &mut self,
        path: &[u8],
        record: u32,
        path_of: impl Fn(u32) -> &'b [u8],
    ) -> Option<u32> {
        let hash = |&r: &u32| path_hash(path_of(r));
        match self.0.entry(path_hash(path), |&r| path_of(r) == path, hash) {
            hashbrown::hash_table::Entry::Occupied(mut e) => {
                Some(std::mem::replace(e.get_mut(), record))
            }
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(record);
                None
            }
        }
    }

    /// The record filed under `path`.
    pub fn find<'b>(&self, path: &[u8], path_of: impl Fn(u32) -> &'b [u8]) -> Option<u32> {
        self.0
            .find(path_hash(path), |&r| path_of(r) == path)
            .copied()
    }

    /// How many records are filed.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no record is filed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The hash [`ByPath`] files paths under.
fn path_hash(path: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(path)
}

/// Writes a cache file atomically (temporary file, then rename), so a killed build
/// never leaves half a file behind. Errors are ignored: the cache is an optimization.
pub fn write_file(path: &Path, fingerprint: Hash, body: &[u8]) {
    let sum = hash_bytes(body).to_le_bytes();
    write_atomically(path, &[&header(fingerprint), body, &sum]);
}

/// Writes `parts` one after another to `path` through a temporary file renamed over it,
/// ignoring errors (see [`write_file`]).
fn write_atomically(path: &Path, parts: &[&[u8]]) {
    let _ = (|| -> io::Result<()> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut f = io::BufWriter::new(fs::File::create(&tmp)?);
        for part in parts {
            f.write_all(part)?;
        }
        f.into_inner().map_err(|e| e.into_error())?;
        fs::rename(&tmp, path)
    })();
}

/// Removes a cache file (e.g. before a step that would make it stale).
pub fn remove_file(path: &Path) {
    let _ = fs::remove_file(path);
}

/// The header every cache file starts with; the xxh3-128 of the body follows the body.
pub(crate) fn header(fingerprint: Hash) -> Vec<u8> {
    let mut h = FORMAT.to_vec();
    h.extend_from_slice(&fingerprint.to_le_bytes());
    h
}

/// A little-endian record reader over a cache file body; every read is bounds-checked,
/// so a corrupt file yields `None`, never a panic.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Reads from the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    /// True when everything was read.
    pub fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }

    /// How many bytes are left to read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A little-endian u128.
    pub fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    /// A length-prefixed byte string.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.take(n)
    }

    /// How many bytes were read so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// A length-prefixed list of little-endian u32s (see [`put_u32s`]).
    pub fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = usize::try_from(self.u64()?).ok()?;
        // Bounds-checked before anything is allocated for a garbled length.
        let raw = self.take(n.checked_mul(4)?)?;
        // Copied whole (a batch of postings holds hundreds of thousands), then put in
        // native order.
        let mut list = vec![0u32; n];
        bytemuck::cast_slice_mut(&mut list).copy_from_slice(raw);
        list.iter_mut().for_each(|x| *x = u32::from_le(*x));
        Some(list)
    }

    /// A length-prefixed list of little-endian u64s (see [`put_u64s`]).
    pub fn u64s(&mut self) -> Option<Vec<u64>> {
        let n = usize::try_from(self.u64()?).ok()?;
        let raw = self.take(n.checked_mul(8)?)?;
        let mut list = vec![0u64; n];
        bytemuck::cast_slice_mut(&mut list).copy_from_slice(raw);
        list.iter_mut().for_each(|x| *x = u64::from_le(*x));
        Some(list)
    }
}

/// Appends a length-prefixed list of u32s (the counterpart of [`Reader::u32s`]).
pub fn put_u32s(out: &mut Vec<u8>, list: &[u32]) {
    out.extend_from_slice(&(list.len() as u64).to_le_bytes());
    for n in list {
        out.extend_from_slice(&n.to_le_bytes());
    }
}

/// Appends a length-prefixed list of u64s (the counterpart of [`Reader::u64s`]).
pub fn put_u64s(out: &mut Vec<u8>, list: &[u64]) {
    out.extend_from_slice(&(list.len() as u64).to_le_bytes());
    for n in list {
        out.extend_from_slice(&n.to_le_bytes());
    }
}

/// Appends a length-prefixed byte string (the counterpart of [`Reader::bytes`]).
pub fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Results of a pure computation, each filed under the hash of its input: a build asks
/// for the result of an input it has seen before and computes only the rest. Results
/// not asked for by a build are removed when it [`Memo::finish`]es, so the folder holds
/// one build's worth.
pub struct Memo {
    /// `None`: remembers nothing.
    dir: Option<PathBuf>,
    fingerprint: Hash,
    used: std::sync::Mutex<Vec<String>>,
    recalled: std::sync::atomic::AtomicUsize,
    /// Set when a side file read back wrong (see [`Memo::flag_damaged`]); shared with
    /// the [`BuildCache`] the memo belongs to.
    damage: Arc<AtomicBool>,
}

impl Memo {
    /// The memo in folder `dir`, valid under `fingerprint`.
    pub fn open(dir: PathBuf, fingerprint: Hash) -> Memo {
        Memo {
            dir: Some(dir),
            fingerprint,
            used: std::sync::Mutex::new(Vec::new()),
            recalled: Default::default(),
            damage: Arc::default(),
        }
    }

    /// A memo that remembers nothing (builds without a cache, tests).
    pub fn disabled() -> Memo {
        Memo {
            dir: None,
            ..Memo::open(PathBuf::new(), 0)
        }
    }

    fn name(input: Hash) -> String {
        format!("{input:032x}.bin")
    }

    /// Named under the fingerprint too: a side file has no header to tell which binary
    /// and config it was made under.
    fn side_name(&self, input: Hash) -> String {
        format!("{:032x}.raw", input ^ self.fingerprint)
    }

    /// Files `bytes` beside the result of `input` (call it from the result's `encode`):
    /// a side file is for a large part of a result that a build mostly reads a little
    /// of, at the offsets the result gives. It has no checksum, as it is not read whole:
    /// its reader checks what it reads, and calls [`Memo::flag_damaged`] on a mismatch.
    pub fn put_side(&self, input: Hash, bytes: &[u8]) {
        let Some(dir) = &self.dir else {
            return;
        };
        let name = self.side_name(input);
        write_atomically(&dir.join(&name), &[bytes]);
        self.touch(name);
    }

    /// The side file beside the result of `input` (see [`Memo::put_side`]) and its
    /// length, if it is there. Its reader opens it when it reads: a build may recall
    /// thousands of results, more than it may hold files open.
    pub fn side(&self, input: Hash) -> Option<(PathBuf, u64)> {
        let dir = self.dir.as_ref()?;
        let name = self.side_name(input);
        let path = dir.join(&name);
        let len = fs::metadata(&path).ok()?.len();
        self.touch(name);
        Some((path, len))
    }

    /// Records that something read from this memo's side files was not what was filed:
    /// the build that read it cannot be trusted, and starts again without the cache
    /// (see [`BuildCache::damaged`]).
    pub fn flag_damaged(&self) {
        self.damage.store(true, Ordering::Relaxed);
    }

    /// Whether [`Memo::flag_damaged`] was called (on this memo, or on another of its
    /// [`BuildCache`]).
    pub fn damaged(&self) -> bool {
        self.damage.load(Ordering::Relaxed)
    }

    fn touch(&self, name: String) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(name);
    }

    /// The result for `input`: the one filed under it when `decode` accepts its bytes,
    /// else `compute`d and filed (as `encode` writes it).
    pub fn recall_or<T>(
        &self,
        input: Hash,
        decode: impl FnOnce(&[u8]) -> Option<T>,
        compute: impl FnOnce() -> T,
        encode: impl FnOnce(&T) -> Vec<u8>,
    ) -> T {
        if let Some(value) = self.get(input).and_then(|bytes| decode(&bytes)) {
            return value;
        }
        let value = compute();
        if self.dir.is_some() {
            self.put(input, &encode(&value));
        }
        value
    }

    /// The result filed under `input`, if any.
    fn get(&self, input: Hash) -> Option<FileBody> {
        let dir = self.dir.as_ref()?;
        let name = Memo::name(input);
        let bytes = read_file(&dir.join(&name), self.fingerprint)?;
        self.touch(name);
        self.recalled
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(bytes)
    }

    /// How many results were found so far (for tests and reports). A result found but
    /// then refused by its reader as corrupt still counts.
    pub fn recalled(&self) -> usize {
        self.recalled.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Files `bytes` as the result of `input`.
    fn put(&self, input: Hash, bytes: &[u8]) {
        let Some(dir) = &self.dir else {
            return;
        };
        let name = Memo::name(input);
        write_file(&dir.join(&name), self.fingerprint, bytes);
        self.touch(name);
    }

    /// Removes every result this build neither read nor filed.
    pub fn finish(self) {
        let Memo { dir, used, .. } = self;
        let Some(dir) = dir else {
            return;
        };
        let used: std::collections::HashSet<String> = used
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .collect();
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if !used.contains(entry.file_name().to_string_lossy().as_ref()) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// Per-item results of a pure computation, all in one file, each filed under the hash
/// of its item's input: for results too small and too many to take a [`Memo`] file
/// each (a fact about every article's body). A build asks for every item at once
/// ([`Table::recall_each`]); the file then holds exactly that build's results.
pub struct Table {
    /// `None`: remembers nothing.
    path: Option<PathBuf>,
    fingerprint: Hash,
}

impl Table {
    /// The table kept in the file `path`, valid under `fingerprint`.
    pub fn open(path: PathBuf, fingerprint: Hash) -> Table {
        Table {
            path: Some(path),
            fingerprint,
        }
    }

    /// A table that remembers nothing (builds without a cache).
    pub fn disabled() -> Table {
        Table {
            path: None,
            fingerprint: 0,
        }
    }

    /// The results for items `0..n`, in parallel: item `i`'s is the one filed under
    /// `input(i)` when `decode` accepts its bytes, else `compute(i)`. Then the file is
    /// rewritten to hold these results (as `encode` appends them), unless it already
    /// holds exactly them. `input` is not called when the table is disabled.
    pub fn recall_each<T: Send>(
        &self,
        n: usize,
        input: impl Fn(usize) -> Hash + Sync,
        decode: impl Fn(&[u8]) -> Option<T> + Sync,
        compute: impl Fn(usize) -> T + Sync,
        encode: impl Fn(&T, &mut Vec<u8>),
    ) -> Vec<T> {
        use rayon::prelude::*;
        let Some(path) = &self.path else {
            return (0..n).into_par_iter().map(&compute).collect();
        };
        let bytes = read_file(path, self.fingerprint).unwrap_or_default();
        let old = Table::index(&bytes).unwrap_or_default();
        // Each result with its input, and whether it was computed afresh.
        let results: Vec<(Hash, T, bool)> = (0..n)
            .into_par_iter()
            .map(|i| {
                let key = input(i);
                match old.get(&key).and_then(|r| decode(&bytes[r.clone()])) {
                    Some(value) => (key, value, false),
                    None => (key, compute(i), true),
                }
            })
            .collect();
        let mut seen = hashbrown::HashSet::with_capacity(results.len());
        let mut body = Vec::new();
        let mut value = Vec::new();
        for (key, result, _) in &results {
            if seen.insert(*key) {
                value.clear();
                encode(result, &mut value);
                body.extend_from_slice(&key.to_le_bytes());
                put_bytes(&mut body, &value);
            }
        }
        if results.iter().any(|(_, _, fresh)| *fresh) || seen.len() != old.len() {
            write_file(path, self.fingerprint, &body);
        }
        results.into_iter().map(|(_, r, _)| r).collect()
    }

    /// Where each input's result is in a table file's body; `None` if it is malformed.
    fn index(body: &[u8]) -> Option<hashbrown::HashMap<Hash, std::ops::Range<usize>>> {
        let mut index = hashbrown::HashMap::new();
        let mut r = Reader::new(body);
        while !r.done() {
            let key = r.u128()?;
            let len = usize::try_from(r.u64()?).ok()?;
            let start = r.pos;
            r.take(len)?;
            index.insert(key, start..start + len);
        }
        Some(index)
    }
}

/// Cuts a list of items into runs of `average` items on average (at most `4 * average`)
/// for memoizing per run: a cut falls before each item whose identity hashes to a
/// multiple of `average`, so cuts follow the items, not their positions, and adding or
/// removing one item changes only its own run (and, in the rare stretch where runs hit
/// the length limit, the runs up to the next cut that follows an item).
pub fn cut_runs<'a>(
    ids: impl Iterator<Item = &'a str>,
    average: usize,
) -> Vec<std::ops::Range<usize>> {
    let average = average.max(1);
    let mut runs = Vec::new();
    let (mut start, mut end) = (0, 0);
    for (i, id) in ids.enumerate() {
        let len = i - start;
        if len > 0 && (len >= 4 * average || xxh3_64(id.as_bytes()).is_multiple_of(average as u64))
        {
            runs.push(start..i);
            start = i;
        }
        end = i + 1;
    }
    if start < end {
        runs.push(start..end);
    }
    runs
}

/// The cache of one build: where it lives, what it was made under, and the parse memo.
pub struct BuildCache {
    dir: PathBuf,
    fingerprint: Hash,
    /// Parse outcomes of unchanged content files (empty until [`BuildCache::read_parsed`]).
    pub parsed: parsed::ParseMemo,
    /// The files the articles' stored bodies are read from (once the memo is saved).
    texts: Vec<Arc<crate::article::body::TextFile>>,
    /// Set by a memo whose side file read back wrong ([`Memo::flag_damaged`]).
    damage: Arc<AtomicBool>,
}

impl BuildCache {
    /// The cache of the output folder `out_dir` for a build under `config`; reads nothing yet.
    pub fn open(out_dir: &Path, config: &SiteConfig, drafts: bool) -> BuildCache {
        BuildCache {
            dir: dir_for(out_dir),
            fingerprint: fingerprint(config, drafts),
            parsed: parsed::ParseMemo::disabled(),
            texts: Vec::new(),
            damage: Arc::default(),
        }
    }

    /// The stamp of the site's inputs (see [`stamp`]), `content/` as listed; `options`
    /// are build options that change the output without being part of the config.
    pub fn stamp(
        &self,
        site: &Path,
        content: &crate::ingest::ContentListing,
        options: &[u8],
    ) -> stamp::Stamp {
        stamp::Stamp::take(site, content, &self.dir, self.fingerprint, options)
    }

    /// A stamp that matches nothing, for builds that do the work whatever the inputs.
    pub fn no_stamp(&self) -> stamp::Stamp {
        stamp::Stamp::none(self.dir.join("stamp.bin"), self.fingerprint)
    }

    /// The memo named `name` (a folder of the cache).
    pub fn memo(&self, name: &str) -> Memo {
        Memo {
            damage: self.damage.clone(),
            ..Memo::open(self.dir.join(name), self.fingerprint)
        }
    }

    /// Reads the parse memo.
    pub fn read_parsed(&mut self) {
        self.parsed = parsed::ParseMemo::open(&self.dir, self.fingerprint);
    }

    /// Where the output manifest is kept.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join("outputs.bin")
    }

    /// The fingerprint of the binary and config, to seed page-input hashes.
    pub fn seed(&self) -> Hash {
        self.fingerprint
    }

    /// Saves what changed in the parse memo.
    pub fn save_parsed(&mut self) {
        self.texts = std::mem::replace(&mut self.parsed, parsed::ParseMemo::disabled()).save();
    }

    /// True when an article body or a memo's side file stored in the cache did not read
    /// back as it was written (the cache was damaged under the build): what was made
    /// from it cannot be trusted.
    pub fn damaged(&self) -> bool {
        self.damage.load(Ordering::Relaxed) || self.texts.iter().any(|t| t.unreadable())
    }

    /// Removes the whole cache, so that the next build starts from nothing (articles
    /// still read their stored bodies through the files they hold open).
    pub fn clear(&self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_files_read_back_small_and_large_and_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        // Either side of the size from which files are mapped rather than read (a file
        // holds a 24-byte header and a 16-byte checksum around its body).
        #[cfg(unix)]
        let edge = FileBody::MAP_FROM as usize - 40;
        #[cfg(not(unix))]
        let edge = 300_000;
        for len in [0, 1000, edge - 1, edge, 600_000] {
            let path = dir.path().join(format!("f{len}.bin"));
            let body: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            write_file(&path, 9, &body);
            let read = read_file(&path, 9).expect("reads back");
            assert_eq!(&*read, &body[..], "{len} bytes");
            #[cfg(unix)]
            assert_eq!(
                matches!(read.bytes, Bytes::Mapped(_)),
                len >= edge,
                "{len} bytes: mapped from {edge}"
            );
            assert!(read_file(&path, 8).is_none(), "another fingerprint");
            if len > 0 {
                // A file replaced while read keeps what was read: cache files are
                // renamed over, never written in place.
                write_file(&path, 9, b"new");
                assert_eq!(&*read, &body[..], "{len} bytes, replaced");
                write_file(&path, 9, &body);
                let mut bytes = fs::read(&path).unwrap();
                let middle = bytes.len() / 2;
                bytes[middle] ^= 1;
                fs::write(&path, &bytes).unwrap();
                assert!(read_file(&path, 9).is_none(), "{len} bytes, damaged");
            }
        }
        assert!(read_file(&dir.path().join("missing.bin"), 9).is_none());
    }

    #[test]
    fn a_table_computes_only_what_it_has_not_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.bin");
        let table = Table::open(path.clone(), 7);
        let computed = std::sync::atomic::AtomicUsize::new(0);
        let square = |inputs: &[u128]| {
            computed.store(0, std::sync::atomic::Ordering::Relaxed);
            table.recall_each(
                inputs.len(),
                |i| inputs[i],
                |b| Some(u64::from_le_bytes(b.try_into().ok()?)),
                |i| {
                    computed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    (inputs[i] * inputs[i]) as u64
                },
                |v, out| out.extend_from_slice(&v.to_le_bytes()),
            )
        };
        let seen = || computed.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(square(&[2, 3, 3]), vec![4, 9, 9]);
        assert_eq!(seen(), 3);
        // All remembered: nothing computed, and the file is left as it is (a rewrite
        // renames a new file over it: another inode).
        let identity = || {
            let meta = fs::metadata(&path).unwrap();
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&meta);
            #[cfg(not(unix))]
            let inode = 0;
            (inode, meta.modified().unwrap())
        };
        let written = identity();
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(square(&[3, 2]), vec![9, 4]);
        assert_eq!(seen(), 0);
        assert_eq!(identity(), written);
        // A new input is computed; the file then holds this build's inputs only.
        assert_eq!(square(&[5, 3]), vec![25, 9]);
        assert_eq!(seen(), 1);
        assert_eq!(square(&[2]), vec![4]);
        assert_eq!(seen(), 1);
        // Everything in a damaged file, or one of another fingerprint, is computed again.
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(square(&[2]), vec![4]);
        assert_eq!(seen(), 1);
        let other = Table::open(path.clone(), 8);
        assert_eq!(
            other.recall_each(1, |_| 2, |_| Some(0u64), |_| 1u64, |_, _| {}),
            vec![1]
        );
        assert_eq!(
            Table::disabled().recall_each(2, |_| unreachable!(), |_| None, |i| i, |_, _| {}),
            vec![0, 1]
        );
    }

    #[test]
    fn runs_cover_everything_and_follow_the_items() {
        let ids: Vec<String> = (0..5000).map(|i| format!("a/{i}.md")).collect();
        let runs = cut_runs(ids.iter().map(String::as_str), 100);
        assert_eq!(runs.first().map(|r| r.start), Some(0));
        assert_eq!(runs.last().map(|r| r.end), Some(ids.len()));
        assert!(runs.windows(2).all(|w| w[0].end == w[1].start));
        assert!(runs.iter().all(|r| !r.is_empty() && r.len() <= 400));
        assert!(runs.len() > 20 && runs.len() < 100, "{} runs", runs.len());
        // Removing one item changes only the run that held it.
        let at = runs[10].start + 1;
        let mut fewer = ids.clone();
        fewer.remove(at);
        let after = cut_runs(fewer.iter().map(String::as_str), 100);
        let names = |ids: &[String], runs: &[std::ops::Range<usize>]| -> Vec<Vec<String>> {
            runs.iter().map(|r| ids[r.clone()].to_vec()).collect()
        };
        let (old, new) = (names(&ids, &runs), names(&fewer, &after));
        let kept = old.iter().filter(|run| new.contains(run)).count();
        assert_eq!(kept, old.len() - 1);
        assert!(cut_runs(std::iter::empty(), 100).is_empty());
    }
}
