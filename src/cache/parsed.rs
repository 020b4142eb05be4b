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

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{hash_bytes, header, put_bytes, read_file, Hash, Reader};
use crate::article::{Article, Image};
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

/// One shard: the file as read, an index into it, and what this build saw.
#[derive(Default)]
struct Shard {
    buf: Vec<u8>,
    old: HashMap<String, (FileKey, Range<usize>)>,
    /// Files of this shard whose remembered outcome was used by this build.
    reused: Mutex<Vec<(String, FileKey)>>,
    /// Fresh outcomes go straight to the shard's next file, so a first build of a
    /// 100,000-article site does not hold a second copy of every article in memory.
    fresh: Mutex<Option<FreshFile>>,
}

/// A shard file being written: a temporary file renamed over the shard on save.
struct FreshFile {
    tmp: PathBuf,
    out: BufWriter<File>,
    /// Of the body so far, for the checksum that ends every cache file.
    sum: xxhash_rust::xxh3::Xxh3,
    failed: bool,
}

impl FreshFile {
    fn create(dir: &Path, i: usize, fingerprint: Hash) -> Option<FreshFile> {
        std::fs::create_dir_all(dir).ok()?;
        let tmp = shard_path(dir, i).with_extension(format!("tmp{}", std::process::id()));
        let mut out = BufWriter::new(File::create(&tmp).ok()?);
        out.write_all(&header(fingerprint)).ok()?;
        Some(FreshFile {
            tmp,
            out,
            sum: xxhash_rust::xxh3::Xxh3::new(),
            failed: false,
        })
    }

    fn record(&mut self, rel: &str, key: FileKey, blob: &[u8]) {
        let mut rec = Vec::with_capacity(rel.len() + blob.len() + 56);
        put_bytes(&mut rec, rel.as_bytes());
        key.write(&mut rec);
        put_bytes(&mut rec, blob);
        self.sum.update(&rec);
        if self.out.write_all(&rec).is_err() {
            self.failed = true;
        }
    }

    /// Puts the file in place of the shard; on any failure the shard is removed
    /// (a missing shard only means its files are parsed again).
    fn finish(mut self, path: &Path) {
        let sum = self.sum.digest128().to_le_bytes();
        let ok = !self.failed && self.out.write_all(&sum).is_ok() && self.out.into_inner().is_ok();
        if !ok || std::fs::rename(&self.tmp, path).is_err() {
            let _ = std::fs::remove_file(&self.tmp);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Remembered parse outcomes, shared by the parallel parse.
pub struct ParseMemo {
    dir: PathBuf,
    fingerprint: Hash,
    shards: Vec<Shard>,
}

impl ParseMemo {
    /// Opens the memo in `dir`, made under `fingerprint`; unusable shards count as empty.
    pub fn open(dir: &Path, fingerprint: Hash) -> ParseMemo {
        let shards = (0..SHARDS)
            .into_par_iter()
            .map(|i| {
                read_file(&shard_path(dir, i), fingerprint)
                    .and_then(|buf| {
                        let old = index_shard(&buf)?;
                        Some(Shard {
                            buf,
                            old,
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
        }
    }

    /// A memo that remembers nothing and is never saved (for builds without a cache).
    pub fn disabled() -> ParseMemo {
        ParseMemo {
            dir: PathBuf::new(),
            fingerprint: 0,
            shards: Vec::new(),
        }
    }

    fn shard(&self, rel: &str) -> Option<&Shard> {
        self.shards.get(self.shard_index(rel))
    }

    /// The outcome remembered for `rel` if the file, whose metadata (as listed) is
    /// `meta`, is unchanged. Returns the file's key too (to pass to
    /// [`ParseMemo::remember`] after a fresh parse), or `None` when the memo is disabled
    /// or the file could not be stat'ed.
    pub fn recall(
        &self,
        rel: &str,
        meta: Option<&Metadata>,
        tz: Tz,
    ) -> (Option<FileOutcome>, Option<FileKey>) {
        let (Some(shard), Some(meta)) = (self.shard(rel), meta) else {
            return (None, None);
        };
        let key = FileKey::of(meta);
        if let Some((old_key, range)) = shard.old.get(rel) {
            if *old_key == key {
                let outcome = postcard::from_bytes::<CachedOutcome>(&shard.buf[range.clone()])
                    .ok()
                    .and_then(|c| c.restore(tz));
                if let Some(outcome) = outcome {
                    lock(&shard.reused).push((rel.to_string(), key));
                    return (Some(outcome), Some(key));
                }
            }
        }
        (None, Some(key))
    }

    /// Records a fresh parse outcome of `rel`, whose file had `key` before it was read.
    pub fn remember(&self, rel: &str, key: FileKey, outcome: &FileOutcome) {
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
        if let Some(f) = fresh.as_mut() {
            f.record(rel, key, &blob);
        }
    }

    fn shard_index(&self, rel: &str) -> usize {
        (hash_bytes(rel.as_bytes()) % SHARDS as u128) as usize
    }

    /// Finishes the shards in which something changed (a file parsed afresh, or a file
    /// gone): the reused outcomes are copied after the fresh ones. Unchanged shards are
    /// left as they are.
    pub fn save(self) {
        let dir = self.dir;
        let fingerprint = self.fingerprint;
        self.shards
            .into_par_iter()
            .enumerate()
            .for_each(|(i, shard)| {
                let reused = shard.reused.into_inner().unwrap_or_else(|e| e.into_inner());
                let fresh = shard.fresh.into_inner().unwrap_or_else(|e| e.into_inner());
                if fresh.is_none() && reused.len() == shard.old.len() {
                    return;
                }
                let Some(mut file) = fresh.or_else(|| FreshFile::create(&dir, i, fingerprint))
                else {
                    return;
                };
                for (rel, key) in &reused {
                    if let Some((_, range)) = shard.old.get(rel) {
                        file.record(rel, *key, &shard.buf[range.clone()]);
                    }
                }
                file.finish(&shard_path(&dir, i));
            });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn shard_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("parsed-{i:02}.bin"))
}

fn index_shard(buf: &[u8]) -> Option<HashMap<String, (FileKey, Range<usize>)>> {
    let mut r = Reader::new(buf);
    let mut map = HashMap::new();
    while !r.done() {
        let rel = r.str()?.to_string();
        let key = FileKey::read(&mut r)?;
        let len = usize::try_from(r.u64()?).ok()?;
        let start = r.pos;
        r.take(len)?;
        map.insert(rel, (key, start..start + len));
    }
    Some(map)
}

/// A date as stored: seconds, nanoseconds and the zone's name.
#[derive(Deserialize)]
struct CachedDate(i64, u32, String);

impl CachedDate {
    fn restore(&self, fallback: Tz) -> Option<DateTime<Tz>> {
        let tz: Tz = self.2.parse().unwrap_or(fallback);
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
    body_html: &'a str,
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
struct CachedArticle {
    id: String,
    title: String,
    slug: String,
    url: String,
    date: Option<CachedDate>,
    updated: Option<CachedDate>,
    authors: Vec<String>,
    sources: Vec<String>,
    tags: Vec<String>,
    section: Option<String>,
    summary: String,
    body_html: String,
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
    expires: Option<CachedDate>,
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
struct CachedOutcome {
    articles: Vec<CachedArticle>,
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
                        body_html,
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
                        body_html,
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

impl CachedOutcome {
    /// Back to an outcome; `None` if a stored date no longer exists.
    fn restore(self, tz: Tz) -> Option<FileOutcome> {
        let mut articles = Vec::with_capacity(self.articles.len());
        for a in self.articles {
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
                body_html: a.body_html,
                word_count: a.word_count,
                reading_minutes: a.reading_minutes,
                image: a.image.map(|[src, title, caption, credit, alt]| Image {
                    src,
                    title,
                    caption,
                    credit,
                    alt,
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
