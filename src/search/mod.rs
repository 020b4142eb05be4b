//! Search: a full-text index that works on static hosting. The index is cut into many
//! small files so a reader's browser fetches only what one query needs: for a 100,000
//! article archive, a one-word query costs a manifest, one or two term shards and one or
//! two chunks of result metadata, instead of one big index. `search.js` in the theme
//! reads it; [`plan`] mirrors what that script fetches, for benchmarks and tests.
//!
//! Layout under `search/` (all site-relative, independent of the base path):
//! - `meta.json`: counts, the first term of every shard, sections, sources and years
//!   (with the id range of each year), the number of tags.
//! - `t/N.bin`: term shards. Terms are sorted and cut into ranges of about
//!   [`SHARD_TARGET`] bytes (a very common term gets a shard of its own). Each entry:
//!   term length (1 byte), term (UTF-8), document frequency (varint), postings length in
//!   bytes (varint), postings: per article, varint of `(id - previous id) * 4 + weight`,
//!   where weight is 3 for a word in the title, else 0, 1, 2 for 1, 2, 3+ occurrences.
//! - `d/K.json`: metadata of articles `K * CHUNK .. (K+1) * CHUNK`:
//!   `[url, title, date shown, date ISO, section, [sources], excerpt]`, then `lang` and
//!   `dir` for an article in another language or direction than the site (see
//!   `DocMeta`).
//! - `f/{section,source,tag}/SLUG.bin`: the ids of the articles with that term, as
//!   varint deltas, for filters.
//! - `tags.json`: `[slug, name, count]` of every tag, fetched only when a tag filter is used.
//!
//! Article ids number the archive oldest first (undated articles first of all), so sorting
//! by date is sorting by id, a year is an id range, postings are in date order, and a new
//! article gets the next id: adding the day's news leaves every metadata chunk but the
//! last, and every shard without its words, byte for byte as it was, so deploys of an
//! archive that grows stay small.
//!
//! Why not Pagefind: its library API grows quadratically when fed records one by one (see
//! issue 4: 65 s and 3.4 GB for 100,000 records). Why not an `fst` dictionary: the
//! browser would need a decoder for it; sorted shards whose first terms sit in
//! `meta.json` give the same one-lookup dictionary with a few kilobytes of manifest.

pub mod plan;
pub mod tokenize;

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::archive::Archive;
use crate::article::Article;
use crate::cache::{cut_runs, put_bytes, put_u32s, put_u64s, Hash, HashWriter, Memo, Reader};
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::render::ui::Ui;

/// The folder of the index in the output.
pub const DIR: &str = "search/";
/// Bytes a term shard aims at: small enough that a rare word costs little, large enough
/// that the manifest listing every shard stays a few kilobytes at 100,000 articles.
pub const SHARD_TARGET: usize = 24 * 1024;
/// Articles per metadata chunk: a result page of 10 touches at most 10 chunks of ~6 KB.
pub const CHUNK: usize = 20;
/// Results per page, shared with `search.js` through `meta.json`.
pub const PAGE: usize = 10;
/// Longest excerpt of a summary kept in the metadata, in characters.
pub const EXCERPT_CHARS: usize = 160;
/// Format version, in `meta.json`.
pub const VERSION: u32 = 2;
/// Posting weight of a word in the title.
pub const TITLE_WEIGHT: u32 = 3;

/// What the index holds, for reports and benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct IndexStats {
    /// Distinct words.
    pub terms: usize,
    /// (word, article) pairs.
    pub postings: usize,
    /// Term shards (`t/N.bin`).
    pub shards: usize,
    /// Files of the index, kept or written.
    pub files: usize,
    /// Bytes of the files encoded by this build (files kept from the previous one aside).
    pub bytes: usize,
}

/// Builds the index of `archive` and writes it through `staging`, unless the site
/// turned search off (`search = false`): then it writes nothing and returns `None`.
/// Files whose input is what the previous build made them from are kept as they are,
/// not encoded again; `seed` fingerprints the binary and config (see
/// [`crate::cache::fingerprint`]).
pub fn write_index(
    archive: &Archive,
    config: &SiteConfig,
    ui: &Ui,
    staging: &Staging,
    memo: &Memo,
    seed: Hash,
) -> Result<Option<IndexStats>, Diagnostic> {
    if !config.search {
        return Ok(None);
    }
    let previous = Previous::of(staging, seed);
    let (files, stats) = index_files(archive, ui, memo, Some(&previous));
    files.into_par_iter().try_for_each(|file| {
        let Some(bytes) = file.bytes else {
            return Ok(());
        };
        staging
            .write_page(&file.rel, file.input, bytes)
            .map(drop)
            .map_err(|e| {
                Diagnostic::error(
                    format!("(output)/{}", file.rel),
                    None,
                    format!("cannot write the search index: {e}"),
                )
            })
    })?;
    Ok(Some(stats))
}

/// Every file of the index (site-relative path, bytes), and what it holds. The postings
/// of batches of articles already seen are taken from `memo`; if they read back wrong,
/// the memo says so ([`Memo::damaged`]) and the files are not to be trusted.
pub fn build_files(
    archive: &Archive,
    ui: &Ui,
    memo: &Memo,
) -> (Vec<(String, Vec<u8>)>, IndexStats) {
    let (files, stats) = index_files(archive, ui, memo, None);
    let files = files
        .into_iter()
        .filter_map(|f| Some((f.rel, f.bytes?)))
        .collect();
    (files, stats)
}

/// One file of the index.
struct IndexFile {
    /// Site-relative path.
    rel: String,
    /// Hash of everything the file is made from (0: not worth telling).
    input: Hash,
    /// `None` when the previous build's file was kept.
    bytes: Option<Vec<u8>>,
}

impl IndexFile {
    fn new(rel: String, bytes: Vec<u8>) -> IndexFile {
        IndexFile {
            rel,
            input: 0,
            bytes: Some(bytes),
        }
    }
}

/// The previous build's index, so that a rebuild keeps the term shards and metadata
/// chunks whose input did not change (most of them, after one article changed or the
/// day's articles were added) instead of encoding them again.
struct Previous<'a> {
    files: &'a dyn PreviousFiles,
    seed: Hash,
    /// The first term of each of its shards (from its `meta.json`): where shards that
    /// may be kept start. Only a hint: a shard is kept only when the hash of its input
    /// is the one its file was made from.
    first_terms: Vec<String>,
}

impl<'a> Previous<'a> {
    fn of(staging: &'a Staging, seed: Hash) -> Previous<'a> {
        #[derive(serde::Deserialize)]
        struct Shards {
            shards: Vec<String>,
        }
        let first_terms = staging
            .previous_bytes(&format!("{DIR}meta.json"))
            .and_then(|bytes| serde_json::from_slice::<Shards>(&bytes).ok())
            .map(|m| m.shards)
            .unwrap_or_default();
        Previous {
            files: staging,
            seed,
            first_terms,
        }
    }
}

/// What the index asks of the previous build's files (the staging folder's record of
/// them; a stand-in in tests).
trait PreviousFiles: Sync {
    /// Whether the previous file at `rel` was made from `input`.
    fn made_from(&self, rel: &str, input: Hash) -> bool;
    /// Keeps the previous file at `rel` if it was made from `input` and is still there.
    fn keep(&self, rel: &str, input: Hash) -> bool;
}

impl PreviousFiles for Staging {
    fn made_from(&self, rel: &str, input: Hash) -> bool {
        self.previously_made_from(rel, input)
    }

    fn keep(&self, rel: &str, input: Hash) -> bool {
        Staging::keep(self, rel, input)
    }
}

fn index_files(
    archive: &Archive,
    ui: &Ui,
    memo: &Memo,
    previous: Option<&Previous<'_>>,
) -> (Vec<IndexFile>, IndexStats) {
    let articles = &archive.articles;
    let n = articles.len();
    // Id -> archive position, and back: the archive is newest first, ids oldest first.
    let flip = |i: usize| n - 1 - i;
    let by_id: Vec<&Article> = articles.iter().rev().collect();
    let (mut batches, terms) = postings(&by_id, memo);
    let mut stats = IndexStats {
        terms: terms.len(),
        postings: batches
            .iter()
            .map(|b| *b.starts.last().unwrap_or(&0) as usize)
            .sum(),
        ..IndexStats::default()
    };
    let (mut files, first_terms, unreadable) =
        term_shards(&terms, &mut batches, previous, SHARD_TARGET);
    if unreadable {
        memo.flag_damaged();
    }
    drop(batches);
    stats.shards = first_terms.len();

    // Article metadata in chunks.
    let chunks: Vec<IndexFile> = by_id
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let start = k * CHUNK;
            let rel = format!("{DIR}d/{k}.json");
            let input = previous.map_or(0, |p| chunk_input(p.seed, archive, flip(start), chunk));
            let kept = previous.is_some_and(|p| p.files.keep(&rel, input));
            let bytes = (!kept).then(|| {
                let docs: Vec<DocMeta> = chunk
                    .iter()
                    .enumerate()
                    .map(|(j, a)| doc_meta(archive, ui, flip(start + j), a))
                    .collect();
                json(&docs)
            });
            IndexFile { rel, input, bytes }
        })
        .collect();
    files.extend(chunks);

    // Filters: one id list per section, source and tag.
    let mut manifest_terms: Vec<Vec<(String, String, usize)>> = Vec::new();
    for (k, kind) in [(0, "section"), (2, "source"), (1, "tag")] {
        let taxonomy = &archive.taxonomies[k];
        let mut listed = Vec::new();
        for term in &taxonomy.terms {
            let ids: Vec<u32> = term
                .articles
                .iter()
                .rev()
                .map(|&i| flip(i) as u32)
                .collect();
            files.push(IndexFile::new(
                format!("{DIR}f/{kind}/{}.bin", term.slug),
                encode_ids(&ids),
            ));
            listed.push((term.slug.clone(), term.name.clone(), term.articles.len()));
        }
        manifest_terms.push(listed);
    }
    let tags = manifest_terms.pop().unwrap_or_default();
    let tag_count = tags.len();
    files.push(IndexFile::new(format!("{DIR}tags.json"), json(&tags)));

    let years: Vec<(i32, usize, usize)> = archive
        .years
        .iter()
        .filter_map(|y| {
            Some((
                y.year,
                flip(*y.articles.last()?),
                flip(*y.articles.first()?) + 1,
            ))
        })
        .collect();
    let meta = Meta {
        version: VERSION,
        articles: n,
        undated: n - archive.dated,
        chunk: CHUNK,
        page: PAGE,
        shards: first_terms,
        sections: &manifest_terms[0],
        sources: &manifest_terms[1],
        tags: tag_count,
        years,
    };
    files.push(IndexFile::new(format!("{DIR}meta.json"), json(&meta)));
    stats.files = files.len();
    stats.bytes = files
        .iter()
        .filter_map(|f| f.bytes.as_ref())
        .map(Vec::len)
        .sum();
    (files, stats)
}

/// Cuts the sorted `terms` into shards, greedily: a shard takes entries while it stays
/// within `target` bytes ([`SHARD_TARGET`]) (its first entry however large). With `previous`, a
/// shard whose terms and postings, and the entry after it, are those the previous
/// build's shard of the same number was made from is the same shard byte for byte (its
/// next entry still does not fit after it): its file is kept and its entries are neither
/// read nor encoded. Returns the shard files, each shard's first term, and whether
/// postings read from the memo came back wrong (the shards are then not to be trusted).
fn term_shards<'t>(
    terms: &'t Vocabulary,
    batches: &mut [Batch],
    previous: Option<&Previous<'_>>,
    target: usize,
) -> (Vec<IndexFile>, Vec<&'t str>, bool) {
    let rel = |n: usize| format!("{DIR}t/{n}.bin");
    // The previous build's shards that may be kept, by number: (terms, input).
    let position = |term: &str| terms.binary_search_by(|(t, _)| t.as_str().cmp(term)).ok();
    let candidates: Vec<Option<(std::ops::Range<usize>, Hash)>> = match previous {
        None => Vec::new(),
        Some(p) => {
            let old = &p.first_terms;
            let batches = &*batches;
            (0..old.len())
                .into_par_iter()
                .map(|n| {
                    let start = position(&old[n])?;
                    let end = match old.get(n + 1) {
                        Some(next) => position(next)?,
                        None => terms.len(),
                    };
                    // A list the terms do not follow (made with another order)
                    // names no shard to keep, and would make no range.
                    if start >= end {
                        return None;
                    }
                    let range = start..end;
                    let input = shard_input(p.seed, terms, batches, range.clone());
                    p.files.made_from(&rel(n), input).then_some((range, input))
                })
                .collect()
        }
    };
    // Entries are encoded in parallel up front, but for those inside a shard that may
    // be kept.
    let mut inside = vec![false; terms.len()];
    for (range, _) in candidates.iter().flatten() {
        inside[range.start..range.end].fill(true);
    }
    // A filed batch many of whose terms are wanted is read whole: one read, not
    // hundreds (a batch of 1,000 articles is about a megabyte).
    let mut wanted = vec![0usize; batches.len()];
    for (i, (_, parts)) in terms.iter().enumerate() {
        if !inside[i] {
            for &(b, _) in parts {
                wanted[b as usize] += 1;
            }
        }
    }
    let mut failed = !batches
        .par_iter_mut()
        .zip(&wanted)
        .filter(|(batch, &wanted)| wanted > 256 || wanted * 4 > batch.len())
        .all(|(batch, _)| batch.hold());
    drop(wanted);
    let batches = &*batches;
    let unreadable = std::sync::atomic::AtomicBool::new(false);
    let encode = |i: usize| {
        let (term, parts) = &terms[i];
        let (mut list, mut part) = (Vec::new(), Vec::new());
        for &(b, t) in parts {
            let batch = &batches[b as usize];
            let offset = batch.first * 4;
            // Ids rise across batches too, unless a remembered batch listed a word
            // twice (a record no build writes): told like postings that read back wrong.
            let rising = |p: &u32| list.last().is_none_or(|last| last / 4 < (p + offset) / 4);
            if !batch.postings_into(t as usize, &mut part) || !part.first().is_none_or(rising) {
                unreadable.store(true, std::sync::atomic::Ordering::Relaxed);
                continue;
            }
            list.extend(part.iter().map(|p| p + offset));
        }
        encode_entry(term, list.into_iter())
    };
    let mut entries: Vec<Option<Vec<u8>>> = (0..terms.len())
        .into_par_iter()
        .map(|i| (!inside[i]).then(|| encode(i)))
        .collect();
    drop(inside);
    let entry = |i: usize, entries: &mut Vec<Option<Vec<u8>>>| -> Vec<u8> {
        entries[i].take().unwrap_or_else(|| encode(i))
    };

    let mut kept: Vec<IndexFile> = Vec::new();
    // Shards to write: (number, terms, bytes).
    let mut made: Vec<(usize, std::ops::Range<usize>, Vec<u8>)> = Vec::new();
    let mut first_terms: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < terms.len() {
        let n = first_terms.len();
        first_terms.push(&terms[i].0);
        if let (Some(Some((range, input))), Some(p)) = (candidates.get(n), previous) {
            if range.start == i && p.files.keep(&rel(n), *input) {
                kept.push(IndexFile {
                    rel: rel(n),
                    input: *input,
                    bytes: None,
                });
                i = range.end;
                continue;
            }
        }
        let start = i;
        let mut shard = entry(i, &mut entries);
        i += 1;
        while i < terms.len() {
            let next = entries[i].get_or_insert_with(|| encode(i));
            if shard.len() + next.len() > target {
                break;
            }
            shard.extend_from_slice(next);
            entries[i] = None;
            i += 1;
        }
        made.push((n, start..i, shard));
    }
    drop(entries);
    failed |= unreadable.into_inner();
    let made = made.into_par_iter().map(|(n, range, bytes)| IndexFile {
        rel: rel(n),
        input: previous.map_or(0, |p| shard_input(p.seed, terms, batches, range)),
        bytes: Some(bytes),
    });
    let mut files: Vec<IndexFile> = made.collect();
    files.extend(kept);
    (files, first_terms, failed)
}

/// Seeds the hash of a shard's input; changed whenever the shard format or what
/// [`encode_entry`] makes of postings changes.
const SHARD_INPUT: Hash = 0x7465_726d_5f73_6861_7264_5f69_6e70_7502;

/// Hash of everything the shard holding `range` of `terms` is encoded from, and of the
/// entry after it (which decides where it ends): each term, and for each batch holding
/// it, the batch's first id and the sum and count of its postings there.
fn shard_input(
    seed: Hash,
    terms: &Vocabulary,
    batches: &[Batch],
    range: std::ops::Range<usize>,
) -> Hash {
    let end = (range.end + 1).min(terms.len());
    let entries = &terms[range.start..end];
    // Gathered and hashed at once: many small updates of a streaming hash cost more.
    let parts: usize = entries.iter().map(|(_, parts)| parts.len()).sum();
    let mut raw: Vec<u8> = Vec::with_capacity(entries.len() * 24 + parts * 16 + 1);
    for (term, parts) in entries {
        raw.extend_from_slice(&(term.len() as u32).to_le_bytes());
        raw.extend_from_slice(term.as_bytes());
        raw.extend_from_slice(&(parts.len() as u32).to_le_bytes());
        for &(b, t) in parts {
            let (batch, t) = (&batches[b as usize], t as usize);
            let count = batch.span(t).len() as u32;
            raw.extend_from_slice(&batch.first.to_le_bytes());
            raw.extend_from_slice(&count.to_le_bytes());
            raw.extend_from_slice(&batch.sums[t].to_le_bytes());
        }
    }
    // The last shard: no entry after it.
    raw.push(u8::from(range.end == terms.len()));
    let mut h = HashWriter::new(seed ^ SHARD_INPUT);
    h.update(&raw);
    h.finish()
}

/// Seeds the hash of a metadata chunk's input (see [`chunk_input`]).
const CHUNK_INPUT: Hash = 0x6d65_7461_5f63_6875_6e6b_5f69_6e70_7501;

/// Hash of everything [`doc_meta`] reads of the articles of a metadata chunk, `at`
/// being the archive position of its first (the language's words and the date format
/// are the config's, in `seed`). An article's shown language and direction come from
/// its `lang`, title and summary and the config: those are hashed, not worked out again.
fn chunk_input(seed: Hash, archive: &Archive, at: usize, chunk: &[&Article]) -> Hash {
    let mut h = HashWriter::new(seed ^ CHUNK_INPUT);
    for (j, a) in chunk.iter().enumerate() {
        // Ids rise as positions fall.
        let position = at - j;
        h.update_prefixed(&a.url);
        h.update_prefixed(&a.title);
        h.update_date(a.date.as_ref());
        for k in [0, 2] {
            let t = &archive.taxonomies[k];
            let names = &t.by_article[position];
            h.update(&(names.len() as u64).to_le_bytes());
            for &i in names {
                h.update_prefixed(&t.terms[i].name);
            }
        }
        h.update_prefixed(&a.summary);
        h.update(&[u8::from(a.lang.is_some())]);
        h.update_prefixed(a.lang.as_deref().unwrap_or(""));
    }
    h.finish()
}

/// JSON with `<`, `>` and `&` written as `\u003c`-style escapes: the same data, but no
/// markup-looking text even if a file is ever inlined into a page.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    crate::render::seo::script_json(value).into_bytes()
}

/// The manifest every query reads first.
#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    articles: usize,
    /// Ids below this have no date.
    undated: usize,
    chunk: usize,
    page: usize,
    /// First term of each shard, in shard order.
    shards: Vec<&'a str>,
    /// `[slug, name, count]`.
    sections: &'a [(String, String, usize)],
    sources: &'a [(String, String, usize)],
    tags: usize,
    /// `[year, first id, end id]`.
    years: Vec<(i32, usize, usize)>,
}

/// `[url, title, date shown, date ISO, section, [sources], excerpt]`, and then `lang`
/// and `dir` (each possibly empty) for an article in another language or direction than
/// the site, which its result is marked with as its card is: an array, not an object,
/// because keys repeated 100,000 times would be a third of the bytes.
struct DocMeta<'a> {
    url: &'a str,
    title: &'a str,
    shown: String,
    iso: String,
    section: &'a str,
    sources: Vec<&'a str>,
    excerpt: String,
    lang: &'a str,
    dir: &'a str,
}

impl Serialize for DocMeta<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        // Most articles are in the site's language: their entries stay seven long.
        let marked = !self.lang.is_empty() || !self.dir.is_empty();
        let mut seq = s.serialize_seq(Some(if marked { 9 } else { 7 }))?;
        seq.serialize_element(self.url)?;
        seq.serialize_element(self.title)?;
        seq.serialize_element(&self.shown)?;
        seq.serialize_element(&self.iso)?;
        seq.serialize_element(self.section)?;
        seq.serialize_element(&self.sources)?;
        seq.serialize_element(&self.excerpt)?;
        if marked {
            seq.serialize_element(self.lang)?;
            seq.serialize_element(self.dir)?;
        }
        seq.end()
    }
}

/// `at` is the article's position in the archive.
fn doc_meta<'a>(archive: &'a Archive, ui: &Ui, at: usize, a: &'a Article) -> DocMeta<'a> {
    let (shown, iso) = match &a.date {
        Some(d) => (ui.date(d), d.to_rfc3339()),
        None => (String::new(), String::new()),
    };
    let names = |k: usize| -> Vec<&'a str> {
        let t = &archive.taxonomies[k];
        t.by_article[at]
            .iter()
            .map(|&i| t.terms[i].name.as_str())
            .collect()
    };
    let section = names(0).first().copied().unwrap_or("");
    DocMeta {
        url: &a.url,
        title: &a.title,
        shown,
        iso,
        section,
        sources: names(2),
        excerpt: excerpt(&a.summary),
        lang: crate::render::views::article_lang(a, &ui.language).unwrap_or(""),
        dir: crate::render::views::article_direction(a, ui.dir).unwrap_or(""),
    }
}

/// The summary cut at a word boundary near [`EXCERPT_CHARS`], with an ellipsis if cut.
fn excerpt(summary: &str) -> String {
    let text = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => text,
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rfind(' ').map(|i| &head[..i]).unwrap_or(head);
            format!("{head}…")
        }
    }
}

/// Articles per batch of postings, on average. Batches are collected in parallel and
/// remembered between builds; their cuts follow the articles (see
/// [`crate::cache::cut_runs`]), so an added or deleted article changes only its own batch.
/// A remembered batch is read back but for its postings, which stay in the memo's side
/// file until a shard that must be encoded again asks for them ([`Postings::Filed`]).
const BATCH: usize = 1024;

/// Seeds the hash of a batch's input; changed whenever the memo layout of a batch or what
/// [`collect_batch`] makes of its articles changes.
const BATCH_MEMO: u128 = 0x7365_6172_6368_5f70_6f73_7469_6e67_7303;

/// Hash of everything [`collect_batch`] reads of these articles.
fn batch_input(chunk: &[&Article]) -> crate::cache::Hash {
    let mut h = HashWriter::new(BATCH_MEMO);
    for a in chunk {
        h.update_prefixed(&a.title);
        h.update_prefixed(&a.summary);
        h.update(&a.body_html.hash().to_le_bytes());
        for list in [&a.tags, &a.authors, &a.sources] {
            h.update(&(list.len() as u64).to_le_bytes());
            for t in list {
                h.update_prefixed(t);
            }
        }
    }
    h.finish()
}

/// FxHash-style (as in rustc): a multiply-rotate hash, several times faster than SipHash
/// on short words. Hash flooding is no concern: the keys are the site's own words.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits (which pick the bucket) poorly mixed; fold
        // high bits down so that probe sequences stay short.
        let h = self.0 ^ (self.0 >> 33);
        h.wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (h >> 29)
    }
}

/// The postings of one batch of articles.
struct Batch {
    /// Id of the batch's first article: postings hold ids within the batch, so a batch
    /// is the same wherever it sits in the archive.
    first: u32,
    /// Articles in the batch: every id within it is below.
    len: u32,
    /// The terms, one after another; term `t` ends at `ends[t]`.
    text: String,
    ends: Vec<u32>,
    /// The terms of group `g` ([`term_group`]) are `groups[g]..groups[g + 1]`.
    groups: Vec<u32>,
    /// Term `t`'s postings are `starts[t]..starts[t + 1]` of the batch's:
    /// `id * 4 + weight`, ids ascending.
    starts: Vec<u32>,
    /// Per term: the xxh3-64 of its postings' bytes. A shard's input is made of these, so
    /// whether a shard changed is known without reading its postings; and postings read
    /// from a side file are checked against them. 64 bits: one list is compared with
    /// its own previous version, never searched for among others.
    sums: Vec<u64>,
    postings: Postings,
}

/// Where a batch's postings are.
enum Postings {
    /// In memory: collected by this build, or read whole.
    Held(Vec<u32>),
    /// In the memo's side file, read a term at a time: after one article changed, a
    /// rebuild encodes a shard or two, and needs a few hundred bytes of each batch, not
    /// the hundred megabytes of them all.
    Filed(std::path::PathBuf),
}

impl Batch {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn term(&self, t: usize) -> &str {
        nth_term(&self.text, &self.ends, t)
    }

    /// The terms of group `g`.
    fn group(&self, g: usize) -> std::ops::Range<usize> {
        self.groups[g] as usize..self.groups[g + 1] as usize
    }

    /// Where term `t`'s postings are among the batch's.
    fn span(&self, t: usize) -> std::ops::Range<usize> {
        self.starts[t] as usize..self.starts[t + 1] as usize
    }

    /// Puts term `t`'s postings as stored (ids within the batch) in `out`; `false` if
    /// they did not read back as filed (`out` is then empty).
    fn postings_into(&self, t: usize, out: &mut Vec<u32>) -> bool {
        out.clear();
        let span = self.span(t);
        match &self.postings {
            Postings::Held(all) => {
                out.extend_from_slice(&all[span]);
                true
            }
            Postings::Filed(path) => {
                out.resize(span.len(), 0);
                let ok = read_at(path, bytemuck::cast_slice_mut(out), span.start as u64 * 4)
                    && self.sound(t, out);
                if !ok {
                    out.clear();
                }
                ok
            }
        }
    }

    /// Whether `postings` are term `t`'s as filed: their sum, ids rising within the batch.
    fn sound(&self, t: usize, postings: &[u32]) -> bool {
        xxh3_64(bytemuck::cast_slice(postings)) == self.sums[t]
            && postings.windows(2).all(|w| w[0] / 4 < w[1] / 4)
            && postings.last().is_none_or(|&p| p / 4 < self.len)
    }

    /// Reads a filed batch's postings whole (for a rebuild that encodes many of its
    /// terms: one read, not one per term); `false` if they did not read back as filed.
    fn hold(&mut self) -> bool {
        let Postings::Filed(path) = &self.postings else {
            return true;
        };
        let mut all = vec![0u32; *self.starts.last().unwrap_or(&0) as usize];
        if !read_at(path, bytemuck::cast_slice_mut(&mut all), 0)
            || !(0..self.len()).all(|t| self.sound(t, &all[self.span(t)]))
        {
            return false;
        }
        self.postings = Postings::Held(all);
        true
    }

    /// The batch as memo bytes: all but its postings, which go to the side file
    /// ([`Batch::side`]).
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 16 * self.ends.len() + 32);
        put_bytes(&mut out, self.text.as_bytes());
        put_u32s(&mut out, &self.ends);
        put_u32s(&mut out, &self.groups);
        put_u32s(&mut out, &self.starts);
        put_u64s(&mut out, &self.sums);
        out
    }

    /// The postings as the side file holds them: in native byte order (a cache is read
    /// only by the binary that made it, see [`crate::cache::fingerprint`]), so that a
    /// term's are read straight into place.
    fn side(&self) -> &[u8] {
        match &self.postings {
            Postings::Held(all) => bytemuck::cast_slice(all),
            Postings::Filed(_) => &[],
        }
    }

    /// A batch of `len` articles from memo bytes, its postings in `side`; `None` unless
    /// every part is consistent (the memo's checksum already refuses damaged files; this
    /// refuses what would make the encoder misbehave, whatever the bytes). Postings are
    /// checked as they are read ([`Batch::sound`]).
    fn decode(bytes: &[u8], len: usize, side: Option<(PathBuf, u64)>) -> Option<Batch> {
        let mut r = Reader::new(bytes);
        let text = r.str()?.to_string();
        let (ends, groups, starts, sums) = (r.u32s()?, r.u32s()?, r.u32s()?, r.u64s()?);
        let (side, filed) = side?;
        let sorted = |v: &[u32]| v.windows(2).all(|w| w[0] <= w[1]);
        let shaped = r.done()
            && sorted(&ends)
            && ends
                .last()
                .map_or(text.is_empty(), |&e| e as usize == text.len())
            && ends.iter().all(|&e| text.is_char_boundary(e as usize))
            && starts.len() == ends.len() + 1
            && sums.len() == ends.len()
            && groups.len() == GROUPS + 1
            && groups[0] == 0
            && sorted(&groups)
            && groups[GROUPS] as usize == ends.len()
            && starts[0] == 0
            && sorted(&starts)
            && starts.last().is_some_and(|&e| u64::from(e) * 4 == filed);
        if !shaped {
            return None;
        }
        let batch = Batch {
            first: 0,
            len: u32::try_from(len).ok()?,
            text,
            ends,
            groups,
            starts,
            sums,
            postings: Postings::Filed(side),
        };
        // Each term 1 to 160 bytes (40 characters), in its group.
        let sound = (0..GROUPS).all(|g| {
            batch.group(g).all(|t| {
                let term = batch.term(t);
                (1..=160).contains(&term.len()) && term_group(hash_term(term)) == g
            })
        });
        sound.then_some(batch)
    }
}

/// Term `t` of terms stored one after another in `text`, term `t` ending at `ends[t]`.
fn nth_term<'t>(text: &'t str, ends: &[u32], t: usize) -> &'t str {
    let from = if t == 0 { 0 } else { ends[t - 1] as usize };
    &text[from..ends[t] as usize]
}

/// Fills `buf` from the file at `path`, from `offset`; `false` if the file ends first or
/// cannot be read. The file is opened for each read (each its own handle and cursor).
fn read_at(path: &Path, buf: &mut [u8], offset: u64) -> bool {
    std::fs::File::open(path)
        .and_then(|f| crate::article::body::read_at(&f, buf, offset))
        .is_ok()
}

/// Where a word's postings sit: (batch, index in batch), in batch order, which is id
/// order.
type Parts = Vec<(u32, u32)>;

/// Every word, sorted, with where its postings sit.
type Vocabulary = Vec<(String, Parts)>;

/// Collects postings in parallel batches (or recalls them from `memo`), then joins the
/// batches' vocabularies.
fn postings(articles: &[&Article], memo: &Memo) -> (Vec<Batch>, Vocabulary) {
    postings_in(articles, memo, BATCH)
}

/// [`postings`] in batches of `batch` articles on average.
fn postings_in(articles: &[&Article], memo: &Memo, batch: usize) -> (Vec<Batch>, Vocabulary) {
    let batches: Vec<Batch> = cut_runs(articles.iter().map(|a| a.id.as_str()), batch)
        .into_par_iter()
        .map(|range| {
            let chunk = &articles[range.clone()];
            let input = batch_input(chunk);
            let mut batch = memo.recall_or(
                input,
                |bytes| Batch::decode(bytes, chunk.len(), memo.side(input)),
                || collect_batch(chunk),
                |batch| {
                    memo.put_side(input, batch.side());
                    batch.encode()
                },
            );
            batch.first = range.start as u32;
            batch
        })
        .collect();
    let vocab = vocabulary(&batches);
    (batches, vocab)
}

/// Groups of terms, by their hash ([`term_group`]): each batch numbers its terms group
/// by group, and the batches' vocabularies are joined a group at a time, in parallel
/// (one table for all the terms of 100 batches would be filled on one core).
const GROUPS: usize = 64;

/// The group of a term of hash `hash` ([`hash_term`]).
fn term_group(hash: u64) -> usize {
    (hash >> (64 - GROUPS.trailing_zeros())) as usize
}

/// Joins the batches' vocabularies, a group of terms at a time.
fn vocabulary(batches: &[Batch]) -> Vocabulary {
    let groups: Vec<Vocabulary> = (0..GROUPS)
        .into_par_iter()
        .map(|g| {
            // (hash, term, where it is) of the group's terms, in order of first sight.
            let mut seen: Vec<(u64, &str, Parts)> = Vec::new();
            let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::new();
            for (b, batch) in batches.iter().enumerate() {
                for t in batch.group(g) {
                    let term = batch.term(t);
                    let hash = hash_term(term);
                    let part = (b as u32, t as u32);
                    match table.find(hash, |&i| seen[i as usize].1 == term) {
                        Some(&i) => seen[i as usize].2.push(part),
                        None => {
                            table.insert_unique(hash, seen.len() as u32, |&i| seen[i as usize].0);
                            seen.push((hash, term, vec![part]));
                        }
                    }
                }
            }
            seen.into_iter()
                .map(|(_, term, parts)| (term.to_string(), parts))
                .collect()
        })
        .collect();
    let mut vocab: Vocabulary = groups.into_iter().flatten().collect();
    vocab.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    vocab
}

/// Postings of a batch of articles, with ids counted from the batch's first.
fn collect_batch(chunk: &[&Article]) -> Batch {
    // Terms by first appearance: each is stored once, in `terms.text`, and found again
    // through a table of term numbers hashed by their text (no String per term).
    let mut terms = Terms::default();
    let mut word = String::new();
    // (term, posting) in article order: one flat, append-only list keeps the scan
    // cache-friendly; it is grouped by term once at the end.
    let mut flat: Vec<(u32, u32)> = Vec::new();
    for (j, a) in chunk.iter().enumerate() {
        let id = j as u32;
        let mut add = |w: &str, in_title: bool| {
            if tokenize::keep(w) {
                terms.post(w, id, in_title, &mut flat);
            }
        };
        tokenize::for_each_indexed_word(&a.title, false, &mut word, &mut |w| add(w, true));
        let mut rest = |w: &str| add(w, false);
        let body = a.body_html.text();
        // A summary taken from the first paragraph is in the body already.
        if !contains_summary(&body, &a.summary) {
            tokenize::for_each_indexed_word(&a.summary, false, &mut word, &mut rest);
        }
        for t in a.tags.iter().chain(&a.authors).chain(&a.sources) {
            tokenize::for_each_indexed_word(t, false, &mut word, &mut rest);
        }
        tokenize::for_each_indexed_word(&body, true, &mut word, &mut rest);
    }
    // Terms numbered by their group (see `vocabulary`), then by first appearance.
    let Terms {
        text: seen_text,
        ends: seen_ends,
        ..
    } = terms;
    let seen = |t: usize| nth_term(&seen_text, &seen_ends, t);
    let group_of: Vec<usize> = (0..seen_ends.len())
        .map(|t| term_group(hash_term(seen(t))))
        .collect();
    let mut order: Vec<u32> = (0..seen_ends.len() as u32).collect();
    order.sort_by_key(|&t| group_of[t as usize]);
    let mut groups = vec![0u32; GROUPS + 1];
    for &g in &group_of {
        groups[g + 1] += 1;
    }
    for g in 1..groups.len() {
        groups[g] += groups[g - 1];
    }
    let mut rank = vec![0u32; order.len()];
    let mut text = String::with_capacity(seen_text.len());
    let mut ends = Vec::with_capacity(order.len());
    for (new, &old) in order.iter().enumerate() {
        rank[old as usize] = new as u32;
        text.push_str(seen(old as usize));
        ends.push(text.len() as u32);
    }
    // Group by term, keeping article order (a counting sort).
    let mut starts = vec![0u32; ends.len() + 1];
    for &(t, _) in &flat {
        starts[rank[t as usize] as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut fill = starts.clone();
    let mut postings = vec![0u32; flat.len()];
    for &(t, p) in &flat {
        let slot = &mut fill[rank[t as usize] as usize];
        postings[*slot as usize] = p;
        *slot += 1;
    }
    let sums = starts
        .windows(2)
        .map(|w| {
            xxh3_64(bytemuck::cast_slice(
                &postings[w[0] as usize..w[1] as usize],
            ))
        })
        .collect();
    Batch {
        first: 0,
        len: chunk.len() as u32,
        text,
        ends,
        groups,
        starts,
        sums,
        postings: Postings::Held(postings),
    }
}

/// Whether `summary` occurs in `body`. It mostly opens the first paragraph, which is
/// checked before the whole body is searched (building a searcher for each article's
/// summary was a twentieth of the index's CPU).
fn contains_summary(body: &str, summary: &str) -> bool {
    body.strip_prefix("<p>")
        .is_some_and(|text| text.starts_with(summary))
        || memchr::memmem::find(body.as_bytes(), summary.as_bytes()).is_some()
}

/// A batch's distinct terms, numbered in order of first appearance.
#[derive(Default)]
struct Terms {
    /// The terms, one after another; term `t` ends at `ends[t]` (as in [`Batch`]).
    text: String,
    ends: Vec<u32>,
    /// The terms, hashed by their text.
    table: hashbrown::HashTable<Slot>,
}

/// A term in [`Terms::table`]: all a word's lookup touches is here (its text aside).
struct Slot {
    /// Where the term is in [`Terms::text`].
    from: u32,
    to: u32,
    /// Its number.
    term: u32,
    /// The last article it was seen in, and where its posting for that article sits in
    /// the batch's flat list, so that later occurrences raise the weight in place.
    seen: u32,
    at: u32,
}

impl Terms {
    /// Records `word` in article `id` (in its title when `in_title`): a new posting in
    /// `flat`, or a higher weight for the article's posting there.
    fn post(&mut self, word: &str, id: u32, in_title: bool, flat: &mut Vec<(u32, u32)>) {
        let hash = hash_term(word);
        let Terms { text, ends, table } = self;
        let posting = id * 4 + if in_title { TITLE_WEIGHT } else { 0 };
        let same = |s: &Slot| s.text(text) == word;
        if let Some(slot) = table.find_mut(hash, same) {
            if slot.seen != id {
                slot.seen = id;
                slot.at = flat.len() as u32;
                flat.push((slot.term, posting));
            } else {
                // Title words come first, so a title posting is never lowered.
                let p = &mut flat[slot.at as usize].1;
                if *p % 4 < 2 {
                    *p += 1;
                }
            }
            return;
        }
        let from = text.len() as u32;
        text.push_str(word);
        let to = text.len() as u32;
        let term = ends.len() as u32;
        ends.push(to);
        let at = flat.len() as u32;
        flat.push((term, posting));
        let slot = Slot {
            from,
            to,
            term,
            seen: id,
            at,
        };
        table.insert_unique(hash, slot, |s| hash_term(s.text(text)));
    }
}

impl Slot {
    /// The term, from the batch's text.
    fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.from as usize..self.to as usize]
    }
}

fn hash_term(word: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(word.as_bytes());
    h.finish()
}

/// LEB128: 7 bits a byte, low bits first.
pub fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it; `None` if the bytes end first.
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

fn encode_entry(term: &str, list: impl Iterator<Item = u32>) -> Vec<u8> {
    let mut postings = Vec::new();
    let mut prev = 0u64;
    let mut df = 0u64;
    for p in list {
        df += 1;
        let id = u64::from(p / 4);
        push_varint(&mut postings, (id - prev) * 4 + u64::from(p % 4));
        prev = id;
    }
    let mut out = Vec::with_capacity(postings.len() + term.len() + 8);
    // Words are at most 40 characters, so at most 160 bytes.
    out.push(term.len() as u8);
    out.extend_from_slice(term.as_bytes());
    push_varint(&mut out, df);
    push_varint(&mut out, postings.len() as u64);
    out.extend_from_slice(&postings);
    out
}

fn encode_ids(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len());
    let mut prev = 0u32;
    for &id in ids {
        push_varint(&mut out, u64::from(id - prev));
        prev = id;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stands in for the staging folder: one run's files, by path.
    #[derive(Default)]
    struct Files(std::collections::HashMap<String, (Hash, Vec<u8>)>);

    impl PreviousFiles for Files {
        fn made_from(&self, rel: &str, input: Hash) -> bool {
            self.0
                .get(rel)
                .is_some_and(|(made_from, _)| input != 0 && *made_from == input)
        }

        fn keep(&self, rel: &str, input: Hash) -> bool {
            self.made_from(rel, input)
        }
    }

    impl Files {
        /// What a run wrote: every file of `files`, all made (none kept).
        fn written(files: Vec<IndexFile>) -> Files {
            let made = |f: IndexFile| (f.rel, (f.input, f.bytes.expect("nothing to keep")));
            Files(files.into_iter().map(made).collect())
        }

        /// Each of `files` by path with its bytes, a kept one's from this run's, sorted.
        fn bytes_of(&self, files: Vec<IndexFile>) -> Vec<(String, Vec<u8>)> {
            let mut all: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .map(|f| {
                    let bytes = f.bytes.unwrap_or_else(|| self.0[&f.rel].1.clone());
                    (f.rel, bytes)
                })
                .collect();
            all.sort();
            all
        }
    }

    /// A later run's view of the run that wrote `files`, whose shards began with
    /// `first_terms`.
    fn after(files: &Files, first_terms: Vec<String>) -> Previous<'_> {
        Previous {
            files,
            seed: 7,
            first_terms,
        }
    }

    /// Term shards of `articles` (ids in order) and their first terms.
    fn shards_of(
        articles: &[Article],
        previous: Option<&Previous<'_>>,
    ) -> (Vec<IndexFile>, Vec<String>) {
        shards_with(articles, previous, &Memo::disabled())
    }

    /// [`shards_of`], with the postings of batches of four articles filed in `memo`.
    fn shards_with(
        articles: &[Article],
        previous: Option<&Previous<'_>>,
        memo: &Memo,
    ) -> (Vec<IndexFile>, Vec<String>) {
        let by_id: Vec<&Article> = articles.iter().collect();
        let (mut batches, terms) = postings_in(&by_id, memo, 4);
        // Small shards, so that edits move, grow and shrink them.
        let (files, first, unreadable) = term_shards(&terms, &mut batches, previous, 40);
        assert!(!unreadable);
        (files, first.into_iter().map(String::from).collect())
    }

    /// A deterministic stream of numbers below `n`, from `seed`.
    fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        }
    }

    /// Articles with a body of made-up words each.
    fn wordy(n: usize, words: u64, next: &mut dyn FnMut(u64) -> u64) -> Vec<Article> {
        (0..n)
            .map(|i| Article {
                id: format!("a{i:03}"),
                title: format!("t{i}"),
                body_html: format!(
                    "<p>{}</p>",
                    (0..8)
                        .map(|_| format!("w{}", next(words)))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
                .into(),
                ..Article::default()
            })
            .collect()
    }

    /// Postings recalled from the memo are read from its side files, a term at a time or
    /// a batch at a time: the shards made from them are the shards made from postings
    /// collected afresh, after an edit, and with no previous shards at all.
    #[test]
    fn postings_read_back_from_the_memo_make_the_same_shards() {
        let dir = tempfile::tempdir().unwrap();
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
        let old = wordy(120, 80, &mut next);
        let memo = Memo::open(dir.path().to_path_buf(), 1);
        let none = Files::default();
        let (files, first_terms) = shards_with(&old, Some(&after(&none, Vec::new())), &memo);
        memo.finish();
        let raw = fs_names(dir.path(), ".raw");
        assert!(raw > 10, "{raw} side files");
        let recorded = Files::written(files);
        let mut new = old.clone();
        new[50].body_html = "<p>w3 w3 w90 w91</p>".into();
        let previous = after(&recorded, first_terms);
        let memo = Memo::open(dir.path().to_path_buf(), 1);
        let (rebuilt, _) = shards_with(&new, Some(&previous), &memo);
        assert!(memo.recalled() > 10);
        let kept = rebuilt.iter().filter(|f| f.bytes.is_none()).count();
        assert!(
            kept > 0 && kept < rebuilt.len(),
            "{kept} of {}",
            rebuilt.len()
        );
        let rebuilt = recorded.bytes_of(rebuilt);
        let (fresh, _) = shards_of(&new, None);
        let fresh = Files::default().bytes_of(fresh);
        assert!(rebuilt == fresh, "shards from filed postings differ");
        // Every shard made again from filed postings (most batches read whole).
        let (again, _) = shards_with(&new, None, &memo);
        assert!(
            Files::default().bytes_of(again) == fresh,
            "shards from filed postings differ"
        );
    }

    fn fs_names(dir: &std::path::Path, ending: &str) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(ending))
            .count()
    }

    /// A side file damaged in the memo is noticed when the postings are read, a term at a
    /// time or a batch at a time: the shards are flagged as not to be trusted (the build
    /// then starts again without the cache). One cut short is refused when its batch is
    /// recalled, and the batch collected again.
    #[test]
    fn damaged_side_files_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let articles = wordy(400, 4000, &mut next);
        let mut edited = articles.clone();
        edited[20].body_html = "<p>w3 w90</p>".into();
        // Batches of some 400 terms, an edit remaking a few dozen.
        let batch = 48;
        // Shards of `articles` (after a build of `before`, when given), whether postings
        // read back wrong, how many batches were recalled, and the side files of those
        // read a term at a time (if at all), not whole.
        let shards = |articles: &[Article], before: Option<&[Article]>| {
            let none = Files::default();
            let recorded;
            let previous = match before {
                None => None,
                Some(before) => {
                    // Its postings collected afresh: the memo is read by the rebuild alone.
                    let by_id: Vec<&Article> = before.iter().collect();
                    let (mut batches, terms) = postings_in(&by_id, &Memo::disabled(), batch);
                    let first_run = after(&none, Vec::new());
                    let (files, first, _) = term_shards(&terms, &mut batches, Some(&first_run), 40);
                    recorded = Files::written(files);
                    let first_terms = first.into_iter().map(String::from).collect();
                    Some(after(&recorded, first_terms))
                }
            };
            let by_id: Vec<&Article> = articles.iter().collect();
            let memo = Memo::open(dir.path().to_path_buf(), 1);
            let (mut batches, terms) = postings_in(&by_id, &memo, batch);
            let filed = |batches: &[Batch]| -> Vec<PathBuf> {
                batches
                    .iter()
                    .filter_map(|b| match &b.postings {
                        Postings::Filed(path) => Some(path.clone()),
                        Postings::Held(_) => None,
                    })
                    .collect()
            };
            let recalled = filed(&batches).len();
            let (files, _, unreadable) = term_shards(&terms, &mut batches, previous.as_ref(), 40);
            let by_term = filed(&batches);
            let files: Vec<Option<Vec<u8>>> = files.into_iter().map(|f| f.bytes).collect();
            (files, unreadable, recalled, by_term)
        };
        let (fresh, ..) = shards(&articles, None);
        // Every weight changed, every id as it was (ids stay rising): only the sums tell.
        let garble = |path: &Path| {
            let mut bytes = std::fs::read(path).unwrap();
            let low = if cfg!(target_endian = "little") { 0 } else { 3 };
            bytes.iter_mut().skip(low).step_by(4).for_each(|b| *b ^= 1);
            std::fs::write(path, bytes).unwrap();
        };
        // A term at a time: one edit, a few shards made again. Only the side files of
        // batches not read whole are damaged.
        let (_, unreadable, recalled, by_term) = shards(&edited, Some(&articles));
        assert!(!unreadable && recalled > 1, "{recalled} batches recalled");
        assert!(!by_term.is_empty(), "every batch read whole");
        by_term.iter().for_each(|p| garble(p));
        let (made, unreadable, ..) = shards(&edited, Some(&articles));
        assert!(made.iter().any(Option::is_some) && made.iter().any(Option::is_none));
        assert!(
            unreadable,
            "a side file read a term at a time went unnoticed"
        );
        // A batch at a time: every shard made again.
        let sides: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "raw"))
            .collect();
        sides.iter().for_each(|p| garble(p));
        let (_, unreadable, ..) = shards(&edited, None);
        assert!(unreadable, "a side file read whole went unnoticed");
        // Cut short: the batches are collected again, and all is well.
        sides
            .iter()
            .for_each(|p| std::fs::write(p, b"short").unwrap());
        let (files, unreadable, recalled, _) = shards(&articles, None);
        assert!(!unreadable && recalled == 0);
        assert!(files == fresh);
    }

    /// A remembered batch that lists a word twice (no build writes one, but a record
    /// passing its checksum could) makes ids that do not rise: told as damage, no panic.
    #[test]
    fn a_word_listed_twice_in_a_batch_is_damage() {
        let g = term_group(hash_term("a"));
        let groups = (0..=GROUPS).map(|k| if k > g { 2 } else { 0 }).collect();
        // Each copy of the word in article 0.
        let postings = vec![0u32, 0];
        let sums = vec![xxh3_64(bytemuck::cast_slice(&postings[..1])); 2];
        let mut batches = vec![Batch {
            first: 0,
            len: 2,
            text: "aa".into(),
            ends: vec![1, 2],
            groups,
            starts: vec![0, 1, 2],
            sums,
            postings: Postings::Held(postings),
        }];
        let terms = vocabulary(&batches);
        assert_eq!(terms.len(), 1);
        let (_, _, unreadable) = term_shards(&terms, &mut batches, None, 40);
        assert!(unreadable);
    }

    /// A rebuild keeps a previous shard only where a fresh cut makes the same bytes: after
    /// random edits (words added and removed, articles added and deleted), the shards
    /// made with the previous files at hand, the kept ones read from those files, are the
    /// shards made afresh.
    #[test]
    fn kept_shards_are_those_a_fresh_cut_makes() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let word = |next: &mut dyn FnMut(u64) -> u64| format!("w{}", next(80));
        let article = |i: usize, words: Vec<String>| Article {
            id: format!("a{i:03}"),
            title: format!("t{i}"),
            body_html: format!("<p>{}</p>", words.join(" ")).into(),
            ..Article::default()
        };
        let (mut kept, mut made) = (0, 0);
        for _ in 0..60 {
            let old: Vec<Article> = (0..30)
                .map(|i| article(i, (0..8).map(|_| word(&mut next)).collect()))
                .collect();
            let mut new = old.clone();
            match next(4) {
                0 => {
                    new.remove(next(30) as usize);
                }
                1 => new.push(article(99, vec!["w1".into(), "zz".into()])),
                2 => {
                    let a = &mut new[next(30) as usize];
                    a.body_html = "<p>w3 w3 w40</p>".into();
                }
                _ => {
                    let at = next(30) as usize;
                    let extra = word(&mut next);
                    new[at].body_html = format!("{}<p>{extra}</p>", new[at].body_html).into();
                }
            }
            let none = Files::default();
            let (files, first_terms) = shards_of(&old, Some(&after(&none, Vec::new())));
            let recorded = Files::written(files);
            let previous = after(&recorded, first_terms);
            let (rebuilt, rebuilt_first) = shards_of(&new, Some(&previous));
            let (fresh, fresh_first) = shards_of(&new, None);
            assert_eq!(rebuilt_first, fresh_first);
            let kept_now = rebuilt.iter().filter(|f| f.bytes.is_none()).count();
            kept += kept_now;
            made += rebuilt.len() - kept_now;
            let rebuilt = recorded.bytes_of(rebuilt);
            let fresh = none.bytes_of(fresh);
            assert!(
                rebuilt == fresh,
                "a kept shard is not the one a fresh cut makes"
            );
        }
        // Deleting an article moves the ids after it, so many shards are made again.
        assert!(kept * 2 > made, "{kept} shards kept, {made} made");
    }

    /// A previous shard list out of the terms' order (another binary's, say) is no
    /// hint to follow: the shards are cut afresh, without a panic.
    #[test]
    fn shard_hints_out_of_order_are_ignored() {
        let article = |i: usize, body: &str| Article {
            id: format!("a{i}"),
            title: format!("t{i}"),
            body_html: format!("<p>{body}</p>").into(),
            ..Article::default()
        };
        let articles = [
            article(0, "alpha beta gamma"),
            article(1, "delta beta zeta"),
        ];
        let none = Files::default();
        for first_terms in [vec!["zeta", "beta"], vec!["beta", "beta"]] {
            let previous = after(&none, first_terms.into_iter().map(String::from).collect());
            let (files, first) = shards_of(&articles, Some(&previous));
            let (fresh, fresh_first) = shards_of(&articles, None);
            assert_eq!(first, fresh_first);
            assert_eq!(files.len(), fresh.len());
        }
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64] {
            push_varint(&mut out, v);
        }
        let mut pos = 0;
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64] {
            assert_eq!(read_varint(&out, &mut pos), Some(v));
        }
        assert_eq!(read_varint(&out, &mut pos), None);
    }

    #[test]
    fn summary_is_found_where_it_is_in_the_body() {
        assert!(contains_summary("<p>Talks end today.</p>", "Talks end"));
        assert!(contains_summary(
            "<h2>Lead</h2><p>Talks end.</p>",
            "Talks end."
        ));
        assert!(contains_summary("<p>x</p>", ""));
        // The body is HTML: an escaped `&` is not the summary's.
        assert!(!contains_summary("<p>Tom &amp; Jerry</p>", "Tom & Jerry"));
        assert!(!contains_summary("<p>Talks</p>", "Talks end"));
    }

    #[test]
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("short  text"), "short text");
        let long = "word ".repeat(100);
        let e = excerpt(&long);
        assert!(e.ends_with("word…") && e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
