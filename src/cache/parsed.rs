//! The parse memo: each content file's parse outcome, so an unchanged file is not read
//! or parsed again.
//!
//! A file is unchanged when its size, modification time, status-change time and inode
//! all match what was recorded (the status-change time cannot be set back by tools that
//! restore modification times). The file is stat'ed before it is read, so an edit made
//! while a build runs is seen by the next one.
//!
//! Outcomes live in [`SHARDS`] files chosen by a hash of the file's path; a build
//! rewrites only the shards in which something changed, so touching one article of
//! 100,000 rewrites about 1/64 of the memo. Fresh outcomes are streamed to the new shard
//! file as they are parsed (records in arrival order), not held in memory. Each outcome is stored as a postcard blob:
//! postcard (serde, stable documented wire format, well maintained) is compact and
//! decodes at memory speed, and a blob can be copied into a rewritten shard without
//! decoding it again.
//!
//! Article bodies are not in the blobs: each shard has a file of bodies beside it
//! (`texts-NN.bin`), and a record holds where each of its articles' bodies is, with its
//! length and hash. An outcome recalled from the memo gets bodies that say where they are
//! ([`Body::stored`]): a page that is not rendered again never reads its body. A fresh
//! outcome's bodies are buffered for that file as the outcome is recorded, and let go;
//! they can be read once [`ParseMemo::flush`] has written them. So no build holds the
//! archive's text in memory, and a rebuild reads only the bodies it needs: duplicate
//! folding finds what it works out from each body it has seen in
//! [`ParseMemo::body_facts`], under the body's hash, and reads a body again only to
//! compare it with another under one title. A shard and its bodies file start with the
//! same random tag, so a shard never trusts a bodies file written for another version of
//! it; each body is checked against its hash when read (see [`TextFile::unreadable`]).

use std::fs::{File, Metadata};
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{hash_bytes, header, put_bytes, read_file, Hash, Reader, Table};
use crate::article::body::{hash_text, write_at, TextFile};
use crate::article::{Article, Body, Image};
use crate::diagnostics::{Diagnostic, Severity};
use crate::ingest::FileOutcome;

/// Number of shard files.
pub const SHARDS: usize = 64;

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKey([u64; 4]);

impl FileKey {
    /// The key of a file from its metadata.
    pub fn of(meta: &Metadata) -> FileKey {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileKey([
                meta.size(),
                (meta.mtime() as u64).wrapping_mul(1_000_000_000) ^ meta.mtime_nsec() as u64,
                (meta.ctime() as u64).wrapping_mul(1_000_000_000) ^ meta.ctime_nsec() as u64,
                meta.ino(),
            ])
        }
        #[cfg(not(unix))]
        {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            FileKey([meta.len(), mtime, 0, 0])
        }
    }

    /// Appends the key's bytes.
    pub fn write(&self, out: &mut Vec<u8>) {
        for n in self.0 {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }

    fn read(r: &mut Reader<'_>) -> Option<FileKey> {
        Some(FileKey([r.u64()?, r.u64()?, r.u64()?, r.u64()?]))
    }
}

/// What a build needs of a content file's metadata: its [`FileKey`], and its times to
/// tell whether it changed moments ago ([`FileStat::recent`]). A listing holds one per
/// file, and `Metadata` is 176 bytes: at 100,000 files the listing's copies and sort
/// moved that many bytes each, and faulted them in.
#[derive(Debug, Clone, Copy)]
pub struct FileStat {
    pub key: FileKey,
    /// Its modification time, if the system tells it.
    pub modified: Option<std::time::SystemTime>,
    /// Its status-change time (its modification time outside Unix).
    pub changed: Option<std::time::SystemTime>,
}

impl FileStat {
    /// The facts of a file from its metadata.
    pub fn of(meta: &Metadata) -> FileStat {
        let modified = meta.modified().ok();
        #[cfg(unix)]
        let changed = {
            use std::os::unix::fs::MetadataExt;
            std::time::SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::new(
                meta.ctime().max(0) as u64,
                meta.ctime_nsec().clamp(0, 999_999_999) as u32,
            ))
        };
        #[cfg(not(unix))]
        let changed = modified;
        FileStat {
            key: FileKey::of(meta),
            modified,
            changed,
        }
    }

    /// True when the file's content or metadata changed within
    /// [`RACY`](super::stamp::RACY) of `taken` (or its times cannot be told): its times
    /// cannot yet tell a later same-size edit from this version.
    pub fn recent(&self, taken: std::time::SystemTime) -> bool {
        let limit = taken
            .checked_sub(super::stamp::RACY)
            .unwrap_or(std::time::SystemTime::UNIX_EPOCH);
        [self.modified, self.changed]
            .iter()
            .any(|t| t.is_none_or(|t| t >= limit))
    }
}

/// One shard: the file as read, an index into it, its bodies file, and what this build saw.
#[derive(Default)]
struct Shard {
    buf: super::FileBody,
    /// The shard's records, where they are in `buf`.
    old: Vec<OldRecord>,
    /// Positions in `old`, by the file's path: the paths stay in `buf`, rather than a
    /// copy of each of 100,000 in a map of their own.
    by_path: super::ByPath,
    /// The bodies of `old`'s records.
    texts: Option<Arc<TextFile>>,
    /// Files of this shard (positions in `old`) whose remembered outcome was used by
    /// this build.
    reused: Mutex<Vec<u32>>,
    /// Fresh outcomes go straight to the shard's next file, so a first build of a
    /// 100,000-article site does not hold a second copy of every article in memory.
    fresh: Mutex<Option<FreshFile>>,
}

/// Where a remembered outcome is in its shard file.
struct OldRecord {
    /// The file's path under `content/`.
    rel: Range<usize>,
    key: FileKey,
    /// Its postcard blob.
    blob: Range<usize>,
    /// Where its articles' bodies are in the bodies file: [`TextRef`]s as written
    /// ([`TextRef::read_all`]).
    bodies: Range<usize>,
}

impl Shard {
    /// The record of `rel`, and its position in `old`.
    fn find(&self, rel: &str) -> Option<(u32, &OldRecord)> {
        let i = self.by_path.find(rel.as_bytes(), |i| {
            &self.buf[self.old[i as usize].rel.clone()]
        })?;
        Some((i, &self.old[i as usize]))
    }
}

/// [`Shard::by_path`] for the records `old` of the shard file `buf`: of two records of
/// one path, the later one counts (as it would have replaced the first in a map).
fn index_paths(buf: &[u8], old: &[OldRecord]) -> super::ByPath {
    let rel = |n: u32| &buf[old[n as usize].rel.clone()];
    let mut by_path = super::ByPath::with_capacity(old.len());
    for n in 0..old.len() as u32 {
        by_path.insert(rel(n), n, rel);
    }
    by_path
}

/// Where one body is in a bodies file, and its [`hash_text`].
#[derive(Clone, Copy)]
struct TextRef {
    offset: u64,
    len: u32,
    hash: Hash,
}

impl TextRef {
    /// Bytes of one as a shard file holds it (offset, length, hash).
    const STORED: usize = 32;

    /// The refs stored back to back in `bytes` (checked as the shard was indexed).
    fn read_all(bytes: &[u8]) -> Vec<TextRef> {
        bytes
            .chunks_exact(TextRef::STORED)
            .map(|b| {
                let u64_at =
                    |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
                TextRef {
                    offset: u64_at(0),
                    len: u64_at(8) as u32,
                    hash: u128::from_le_bytes(b[16..32].try_into().unwrap_or_default()),
                }
            })
            .collect()
    }
}

/// A shard file being written, and its bodies file: temporary files renamed over the
/// shard's on save.
struct FreshFile {
    tmp: PathBuf,
    out: BufWriter<File>,
    texts_tmp: PathBuf,
    texts: Arc<TextFile>,
    /// Bodies not yet written to `texts`: written a megabyte at a time, as one call
    /// per body cost a first build of 100,000 articles about a second of system time.
    texts_buf: Vec<u8>,
    /// Where `texts_buf` goes in `texts`.
    texts_buf_at: u64,
    /// Of the body so far, for the checksum that ends every cache file.
    sum: xxhash_rust::xxh3::Xxh3,
    failed: bool,
}

impl FreshFile {
    fn create(dir: &Path, i: usize, fingerprint: Hash) -> Option<FreshFile> {
        std::fs::create_dir_all(dir).ok()?;
        let suffix = format!("tmp{}", std::process::id());
        let tmp = shard_path(dir, i).with_extension(&suffix);
        let texts_tmp = texts_path(dir, i).with_extension(&suffix);
        let tag = hash_bytes(format!("{suffix} {i} {:?}", std::time::SystemTime::now()).as_bytes())
            .to_le_bytes();
        let texts = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&texts_tmp)
            .ok()?;
        write_at(&texts, &tag, 0).ok()?;
        let mut out = BufWriter::new(File::create(&tmp).ok()?);
        out.write_all(&header(fingerprint)).ok()?;
        out.write_all(&tag).ok()?;
        let mut sum = xxhash_rust::xxh3::Xxh3::new();
        sum.update(&tag);
        Some(FreshFile {
            tmp,
            out,
            texts_tmp,
            texts: TextFile::new(texts),
            texts_buf: Vec::new(),
            texts_buf_at: tag.len() as u64,
            sum,
            failed: false,
        })
    }

    /// Appends a body to the bodies file (readable once [`FreshFile::flush_texts`] has
    /// run); `None` if the file could not be written.
    fn store(&mut self, text: &[u8]) -> Option<TextRef> {
        let len = u32::try_from(text.len()).ok()?;
        if self.failed {
            return None;
        }
        let at = TextRef {
            offset: self.texts_buf_at + self.texts_buf.len() as u64,
            len,
            hash: hash_text(text),
        };
        self.texts_buf.extend_from_slice(text);
        if self.texts_buf.len() >= 1 << 20 {
            self.flush_texts();
        }
        Some(at)
    }

    /// Writes the buffered bodies.
    fn flush_texts(&mut self) {
        if write_at(self.texts.file(), &self.texts_buf, self.texts_buf_at).is_err() {
            self.failed = true;
        }
        self.texts_buf_at += self.texts_buf.len() as u64;
        self.texts_buf.clear();
    }

    fn record(&mut self, rel: &str, key: FileKey, blob: &[u8], bodies: &[TextRef]) {
        let mut rec = Vec::with_capacity(rel.len() + blob.len() + 64 + 32 * bodies.len());
        put_bytes(&mut rec, rel.as_bytes());
        key.write(&mut rec);
        put_bytes(&mut rec, blob);
        rec.extend_from_slice(&(bodies.len() as u64).to_le_bytes());
        for b in bodies {
            rec.extend_from_slice(&b.offset.to_le_bytes());
            rec.extend_from_slice(&u64::from(b.len).to_le_bytes());
            rec.extend_from_slice(&b.hash.to_le_bytes());
        }
        self.sum.update(&rec);
        if self.out.write_all(&rec).is_err() {
            self.failed = true;
        }
    }

    /// Puts the files in place of the shard's (the bodies first: a shard is never read
    /// with a bodies file of another tag); on any failure the shard is removed (a missing
    /// shard only means its files are parsed again).
    fn finish(mut self, dir: &Path, i: usize) {
        self.flush_texts();
        let (path, texts_path) = (shard_path(dir, i), texts_path(dir, i));
        let sum = self.sum.digest128().to_le_bytes();
        let ok = !self.failed && self.out.write_all(&sum).is_ok() && self.out.into_inner().is_ok();
        if !ok
            || std::fs::rename(&self.texts_tmp, &texts_path).is_err()
            || std::fs::rename(&self.tmp, &path).is_err()
        {
            for p in [&self.tmp, &self.texts_tmp, &path, &texts_path] {
                let _ = std::fs::remove_file(p);
            }
        }
    }
}

/// Remembered parse outcomes, shared by the parallel parse.
pub struct ParseMemo {
    dir: PathBuf,
    fingerprint: Hash,
    shards: Vec<Shard>,
    /// What duplicate folding works out from each body, filed under the body's hash, so
    /// that a rebuild does not read every body again (see [`crate::ingest::dedupe`]).
    pub body_facts: Table,
}

impl ParseMemo {
    /// Opens the memo in `dir`, made under `fingerprint`; unusable shards count as empty.
    /// Removes the temporary files of a build that was killed before it saved them
    /// (together as large as the archive's text).
    pub fn open(dir: &Path, fingerprint: Hash) -> ParseMemo {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let ours = ["parsed-", "texts-", "body-facts"]
                .iter()
                .any(|p| name.starts_with(p));
            if ours && name.contains(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|i| {
                read_file(&shard_path(dir, i), fingerprint)
                    .and_then(|buf| {
                        let (texts, old) = index_shard(&buf, &texts_path(dir, i))?;
                        let by_path = index_paths(&buf, &old);
                        Some(Shard {
                            buf,
                            old,
                            by_path,
                            texts: Some(texts),
                            ..Shard::default()
                        })
                    })
                    .unwrap_or_default()
            })
            .collect();
        ParseMemo {
            dir: dir.to_path_buf(),
            fingerprint,
            shards,
            body_facts: Table::open(dir.join("body-facts.bin"), fingerprint),
        }
    }

    /// A memo that remembers nothing and is never saved (for builds without a cache).
    pub fn disabled() -> ParseMemo {
        ParseMemo {
            dir: PathBuf::new(),
            fingerprint: 0,
            shards: Vec::new(),
            body_facts: Table::disabled(),
        }
    }

    fn shard(&self, rel: &str) -> Option<&Shard> {
        self.shards.get(self.shard_index(rel))
    }

    /// The outcome remembered for `rel` if the file, whose metadata (as listed) is
    /// `stat`, is unchanged. Returns the file's key too (to pass to
    /// [`ParseMemo::remember`] after a fresh parse), or `None` when the memo is disabled
    /// or the file could not be stat'ed.
    pub fn recall(
        &self,
        rel: &str,
        stat: Option<&FileStat>,
        tz: Tz,
    ) -> (Option<FileOutcome>, Option<FileKey>) {
        let (Some(shard), Some(stat)) = (self.shard(rel), stat) else {
            return (None, None);
        };
        let key = stat.key;
        if let (Some((at, old)), Some(texts)) = (shard.find(rel), &shard.texts) {
            if old.key == key {
                let bodies = TextRef::read_all(&shard.buf[old.bodies.clone()]);
                let outcome = postcard::from_bytes::<CachedOutcome>(&shard.buf[old.blob.clone()])
                    .ok()
                    .and_then(|c| c.restore(tz, texts, &bodies));
                if let Some(outcome) = outcome {
                    lock(&shard.reused).push(at);
                    return (Some(outcome), Some(key));
                }
            }
        }
        (None, Some(key))
    }

    /// Records a fresh parse outcome of `rel`, whose file had `key` before it was read.
    /// Its articles' bodies are stored in the memo's bodies file, and from then on read
    /// from there ([`Body::stored`]), once [`ParseMemo::flush`] has run.
    pub fn remember(&self, rel: &str, key: FileKey, outcome: &mut FileOutcome) {
        let Some(shard) = self.shard(rel) else {
            return;
        };
        let Ok(blob) = postcard::to_allocvec(&OutcomeOut::of(outcome)) else {
            return;
        };
        let i = self.shard_index(rel);
        let mut fresh = lock(&shard.fresh);
        if fresh.is_none() {
            *fresh = FreshFile::create(&self.dir, i, self.fingerprint);
        }
        let Some(f) = fresh.as_mut() else {
            return;
        };
        let mut bodies = Vec::with_capacity(outcome.articles.len());
        for a in &outcome.articles {
            match f.store(a.body_html.text().as_bytes()) {
                Some(at) => bodies.push(at),
                None => return,
            }
        }
        f.record(rel, key, &blob, &bodies);
        for (a, at) in outcome.articles.iter_mut().zip(bodies) {
            a.body_html = Body::stored(f.texts.clone(), at.offset, at.len, at.hash);
        }
    }

    /// Writes the bodies [`ParseMemo::remember`] buffered, so that they can be read:
    /// call it once every file is parsed, before anything reads an article's body.
    pub fn flush(&self) {
        self.shards.par_iter().for_each(|shard| {
            if let Some(f) = lock(&shard.fresh).as_mut() {
                f.flush_texts();
            }
        });
    }

    fn shard_index(&self, rel: &str) -> usize {
        (hash_bytes(rel.as_bytes()) % SHARDS as u128) as usize
    }

    /// Finishes the shards in which something changed (a file parsed afresh, or a file
    /// gone): the reused outcomes are copied after the fresh ones, with their bodies.
    /// Unchanged shards are left as they are. Returns every bodies file this build's
    /// articles may read from, to ask before the site is put in place whether all read
    /// back as written ([`TextFile::unreadable`]).
    pub fn save(self) -> Vec<Arc<TextFile>> {
        let dir = self.dir;
        let fingerprint = self.fingerprint;
        let texts = Mutex::new(Vec::new());
        self.shards
            .into_par_iter()
            .enumerate()
            .for_each(|(i, shard)| {
                let reused = shard.reused.into_inner().unwrap_or_else(|e| e.into_inner());
                let fresh = shard.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
                lock(&texts).extend(shard.texts.clone());
                if fresh.is_none() && reused.len() == shard.old.len() {
                    return;
                }
                let Some(mut file) = fresh.or_else(|| FreshFile::create(&dir, i, fingerprint))
                else {
                    return;
                };
                lock(&texts).push(file.texts.clone());
                let old_texts = shard.texts.as_deref();
                for &at in &reused {
                    let old = &shard.old[at as usize];
                    // A body that no longer reads back leaves its file out: parsed again.
                    let bodies: Option<Vec<TextRef>> =
                        TextRef::read_all(&shard.buf[old.bodies.clone()])
                            .iter()
                            .map(|b| {
                                let text = old_texts?.read_raw(b.offset, b.len, b.hash)?;
                                file.store(&text)
                            })
                            .collect();
                    if let (Some(bodies), Ok(rel)) =
                        (bodies, std::str::from_utf8(&shard.buf[old.rel.clone()]))
                    {
                        file.record(rel, old.key, &shard.buf[old.blob.clone()], &bodies);
                    }
                }
                file.finish(&dir, i);
            });
        texts.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn shard_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("parsed-{i:02}.bin"))
}

fn texts_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("texts-{i:02}.bin"))
}

/// The records of a shard file's body `buf`, and its bodies file at `texts` (`None` if
/// that is missing or tagged for another version of the shard).
fn index_shard(buf: &[u8], texts: &Path) -> Option<(Arc<TextFile>, Vec<OldRecord>)> {
    let mut r = Reader::new(buf);
    let tag = r.take(16)?;
    let texts = TextFile::new(File::open(texts).ok()?);
    if texts.read_raw_unchecked(0, 16)? != tag {
        return None;
    }
    let mut records = Vec::new();
    while !r.done() {
        let rel_len = r.str()?.len();
        let rel = r.pos - rel_len..r.pos;
        let key = FileKey::read(&mut r)?;
        let len = usize::try_from(r.u64()?).ok()?;
        let start = r.pos;
        r.take(len)?;
        let n = usize::try_from(r.u64()?).ok()?;
        let bodies_at = r.pos;
        for _ in 0..n {
            r.u64()?;
            u32::try_from(r.u64()?).ok()?;
            r.u128()?;
        }
        records.push(OldRecord {
            rel,
            key,
            blob: start..start + len,
            bodies: bodies_at..r.pos,
        });
    }
    Some((texts, records))
}

/// A date as stored: seconds, nanoseconds and the zone's name (borrowed from the shard:
/// a rebuild reads 100,000 of them).
#[derive(Deserialize)]
struct CachedDate<'a>(i64, u32, &'a str);

impl CachedDate<'_> {
    fn restore(&self, fallback: Tz) -> Option<DateTime<Tz>> {
        // Most dates are in the site's zone: no need to look the name up.
        let tz: Tz = if self.2 == fallback.name() {
            fallback
        } else {
            self.2.parse().unwrap_or(fallback)
        };
        tz.timestamp_opt(self.0, self.1).single()
    }
}

fn date_out(d: &DateTime<Tz>) -> (i64, u32, &'static str) {
    (
        d.timestamp(),
        d.timestamp_subsec_nanos(),
        d.timezone().name(),
    )
}

/// [`Article`] as written: borrowed, so recording an outcome copies nothing.
/// postcard is positional: [`CachedArticle`] must list the same fields in the same
/// order, with owned types of the same shape.
#[derive(Serialize)]
struct ArticleOut<'a> {
    id: &'a str,
    title: &'a str,
    slug: &'a str,
    url: &'a str,
    date: Option<(i64, u32, &'static str)>,
    updated: Option<(i64, u32, &'static str)>,
    authors: &'a [String],
    sources: &'a [String],
    tags: &'a [String],
    section: Option<&'a str>,
    summary: &'a str,
    word_count: usize,
    reading_minutes: usize,
    image: Option<[Option<&'a str>; 5]>,
    draft: bool,
    source_path: &'a Path,
    source_line: Option<usize>,
    asset_refs: &'a [String],
    refused_refs: &'a [String],
    content_links: &'a [(String, Option<usize>)],
    aliases: &'a [String],
    /// `extra` as JSON text (postcard cannot read a JSON value back).
    extra: String,
    lang: Option<&'a str>,
    translation_key: Option<&'a str>,
    expires: Option<(i64, u32, &'static str)>,
}

/// [`Article`] as read back. A field added to `Article` must be added here and to
/// [`ArticleOut`] (the conversions name every field, so forgetting it does not compile).
#[derive(Deserialize)]
struct CachedArticle<'a> {
    id: String,
    title: String,
    slug: String,
    url: String,
    #[serde(borrow)]
    date: Option<CachedDate<'a>>,
    #[serde(borrow)]
    updated: Option<CachedDate<'a>>,
    authors: Vec<String>,
    sources: Vec<String>,
    tags: Vec<String>,
    section: Option<String>,
    summary: String,
    word_count: usize,
    reading_minutes: usize,
    /// src, title, caption, credit, alt.
    image: Option<[Option<String>; 5]>,
    draft: bool,
    source_path: PathBuf,
    source_line: Option<usize>,
    asset_refs: Vec<String>,
    refused_refs: Vec<String>,
    content_links: Vec<(String, Option<usize>)>,
    aliases: Vec<String>,
    extra: String,
    lang: Option<String>,
    translation_key: Option<String>,
    #[serde(borrow)]
    expires: Option<CachedDate<'a>>,
}

#[derive(Serialize, Deserialize)]
struct CachedDiagnostic<S> {
    error: bool,
    path: PathBuf,
    line: Option<usize>,
    message: S,
    kind: S,
}

#[derive(Serialize)]
struct OutcomeOut<'a> {
    articles: Vec<ArticleOut<'a>>,
    diagnostics: Vec<CachedDiagnostic<&'a str>>,
}

#[derive(Deserialize)]
struct CachedOutcome<'a> {
    #[serde(borrow)]
    articles: Vec<CachedArticle<'a>>,
    diagnostics: Vec<CachedDiagnostic<String>>,
}

impl<'a> OutcomeOut<'a> {
    fn of(o: &'a FileOutcome) -> OutcomeOut<'a> {
        OutcomeOut {
            articles: o
                .articles
                .iter()
                .map(|a| {
                    let Article {
                        id,
                        title,
                        slug,
                        url,
                        date,
                        updated,
                        authors,
                        sources,
                        tags,
                        section,
                        summary,
                        body_html: _,
                        word_count,
                        reading_minutes,
                        image,
                        draft,
                        source_path,
                        source_line,
                        asset_refs,
                        refused_refs,
                        content_links,
                        aliases,
                        extra,
                        lang,
                        translation_key,
                        expires,
                    } = a;
                    ArticleOut {
                        id,
                        title,
                        slug,
                        url,
                        date: date.as_ref().map(date_out),
                        updated: updated.as_ref().map(date_out),
                        authors,
                        sources,
                        tags,
                        section: section.as_deref(),
                        summary,
                        word_count: *word_count,
                        reading_minutes: *reading_minutes,
                        image: image.as_ref().map(|i| {
                            [
                                i.src.as_deref(),
                                i.title.as_deref(),
                                i.caption.as_deref(),
                                i.credit.as_deref(),
                                i.alt.as_deref(),
                            ]
                        }),
                        draft: *draft,
                        source_path,
                        source_line: *source_line,
                        asset_refs,
                        refused_refs,
                        content_links,
                        aliases,
                        extra: if extra.is_empty() {
                            String::new()
                        } else {
                            serde_json::to_string(extra).unwrap_or_default()
                        },
                        lang: lang.as_deref(),
                        translation_key: translation_key.as_deref(),
                        expires: expires.as_ref().map(date_out),
                    }
                })
                .collect(),
            diagnostics: o
                .diagnostics
                .iter()
                .map(|d| CachedDiagnostic {
                    error: d.is_error(),
                    path: d.path.clone(),
                    line: d.line,
                    message: d.message.as_str(),
                    kind: &d.kind,
                })
                .collect(),
        }
    }
}

impl CachedOutcome<'_> {
    /// Back to an outcome, its articles' bodies in `texts` at `bodies`; `None` if a
    /// stored date no longer exists.
    fn restore(self, tz: Tz, texts: &Arc<TextFile>, bodies: &[TextRef]) -> Option<FileOutcome> {
        if bodies.len() != self.articles.len() {
            return None;
        }
        let mut articles = Vec::with_capacity(self.articles.len());
        for (a, at) in self.articles.into_iter().zip(bodies) {
            let date = match &a.date {
                Some(d) => Some(d.restore(tz)?),
                None => None,
            };
            let updated = match &a.updated {
                Some(d) => Some(d.restore(tz)?),
                None => None,
            };
            let expires = match &a.expires {
                Some(d) => Some(d.restore(tz)?),
                None => None,
            };
            articles.push(Article {
                id: a.id,
                title: a.title,
                slug: a.slug,
                url: a.url,
                date,
                updated,
                authors: a.authors,
                sources: a.sources,
                tags: a.tags,
                section: a.section,
                summary: a.summary,
                body_html: Body::stored(texts.clone(), at.offset, at.len, at.hash),
                word_count: a.word_count,
                reading_minutes: a.reading_minutes,
                image: a.image.map(|[src, title, caption, credit, alt]| {
                    Box::new(Image {
                        src,
                        title,
                        caption,
                        credit,
                        alt,
                    })
                }),
                draft: a.draft,
                source_path: a.source_path,
                source_line: a.source_line,
                asset_refs: a.asset_refs,
                refused_refs: a.refused_refs,
                content_links: a.content_links,
                aliases: a.aliases,
                extra: serde_json::from_str(&a.extra).unwrap_or_default(),
                lang: a.lang,
                translation_key: a.translation_key,
                expires,
            });
        }
        let diagnostics = self
            .diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                severity: if d.error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                path: d.path,
                line: d.line,
                message: d.message,
                kind: d.kind.into(),
            })
            .collect();
        Some(FileOutcome {
            articles,
            diagnostics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_body_reads_back_once_flushed_and_after_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("story.md");
        std::fs::write(&source, "x").unwrap();
        let meta = std::fs::metadata(&source).unwrap();
        let memo = ParseMemo::open(dir.path(), 7);
        let body = "<p>Body of the story.</p>\n";
        let mut outcome = FileOutcome {
            articles: vec![Article {
                id: "story.md".into(),
                title: "Story".into(),
                body_html: body.into(),
                ..Article::default()
            }],
            diagnostics: Vec::new(),
        };
        memo.remember("story.md", FileKey::of(&meta), &mut outcome);
        memo.flush();
        let fresh = &mut outcome.articles[0].body_html;
        assert!(fresh.in_memory().is_none(), "the body was not let go");
        assert_eq!(fresh.text(), body);
        let texts = memo.save();
        assert!(texts.iter().all(|t| !t.unreadable()));

        let memo = ParseMemo::open(dir.path(), 7);
        let (recalled, _) = memo.recall("story.md", Some(&FileStat::of(&meta)), chrono_tz::UTC);
        let recalled = recalled.expect("remembered");
        assert_eq!(recalled.articles[0].title, "Story");
        assert_eq!(recalled.articles[0].body_html.text(), body);
        assert_eq!(
            recalled.articles[0].body_html.hash(),
            Body::from(body).hash()
        );
        // Another fingerprint's memo is not read.
        let other = ParseMemo::open(dir.path(), 8);
        assert!(other
            .recall("story.md", Some(&FileStat::of(&meta)), chrono_tz::UTC)
            .0
            .is_none());
    }
}
