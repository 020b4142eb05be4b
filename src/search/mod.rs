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
//!   `[url, title, date shown, date ISO, section, [sources], excerpt]`.
//! - `f/{section,source,tag}/SLUG.bin`: the ids of the articles with that term, as
//!   varint deltas, for filters.
//! - `tags.json`: `[slug, name, count]` of every tag, fetched only when a tag filter is used.
//!
//! Article ids are positions in the archive's order (newest first), so sorting by date is
//! sorting by id, a year is an id range, and postings are already in date order.
//!
//! Why not Pagefind: its library API grows quadratically when fed records one by one (see
//! issue 4: 65 s and 3.4 GB for 100,000 records). Why not an `fst` dictionary: the
//! browser would need a decoder for it; sorted shards whose first terms sit in
//! `meta.json` give the same one-lookup dictionary with a few kilobytes of manifest.

pub mod plan;
pub mod tokenize;

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;

use crate::archive::Archive;
use crate::article::Article;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::render::views::month_name;

/// The folder of the index in the output.
pub const DIR: &str = "search/";
/// Bytes a term shard aims at: small enough that a rare word costs little, large enough
/// that the manifest listing every shard stays a few kilobytes at 100,000 articles.
pub const SHARD_TARGET: usize = 24 * 1024;
/// Articles per metadata chunk: a result page of 10 touches a few chunks of ~12 KB.
pub const CHUNK: usize = 40;
/// Results per page, shared with `search.js` through `meta.json`.
pub const PAGE: usize = 10;
/// Longest excerpt of a summary kept in the metadata, in characters.
pub const EXCERPT_CHARS: usize = 160;
/// Format version, in `meta.json`.
pub const VERSION: u32 = 1;
/// Posting weight of a word in the title.
pub const TITLE_WEIGHT: u32 = 3;

/// What the index holds, for reports and benchmarks.
#[derive(Debug, Clone, Copy, Default)]
pub struct IndexStats {
    /// Distinct words.
    pub terms: usize,
    /// (word, article) pairs.
    pub postings: usize,
    pub shards: usize,
    pub files: usize,
    pub bytes: usize,
}

/// Builds the index of `archive` and writes it through `staging`.
pub fn write_index(archive: &Archive, staging: &Staging) -> Result<IndexStats, Diagnostic> {
    let (files, stats) = build_files(archive);
    files.par_iter().try_for_each(|(rel, bytes)| {
        staging.write(rel, bytes).map_err(|e| {
            Diagnostic::error(
                format!("(output)/{rel}"),
                None,
                format!("cannot write the search index: {e}"),
            )
        })
    })?;
    Ok(stats)
}

/// Every file of the index (site-relative path, bytes), and what it holds.
pub fn build_files(archive: &Archive) -> (Vec<(String, Vec<u8>)>, IndexStats) {
    let articles = &archive.articles;
    let terms = postings(articles);
    let mut stats = IndexStats {
        terms: terms.len(),
        postings: terms.iter().map(|(_, p)| p.len()).sum(),
        ..IndexStats::default()
    };

    // Encode each term's entry in parallel, then cut sorted runs into shards.
    let entries: Vec<Vec<u8>> = terms
        .par_iter()
        .map(|(term, list)| encode_entry(term, list))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut first_terms: Vec<&str> = Vec::new();
    let mut shard: Vec<u8> = Vec::new();
    for ((term, _), entry) in terms.iter().zip(&entries) {
        if !shard.is_empty() && shard.len() + entry.len() > SHARD_TARGET {
            files.push((
                format!("{DIR}t/{}.bin", first_terms.len() - 1),
                std::mem::take(&mut shard),
            ));
        }
        if shard.is_empty() {
            first_terms.push(term);
        }
        shard.extend_from_slice(entry);
    }
    if !shard.is_empty() {
        files.push((format!("{DIR}t/{}.bin", first_terms.len() - 1), shard));
    }
    stats.shards = first_terms.len();

    // Article metadata in chunks.
    let chunks: Vec<(String, Vec<u8>)> = articles
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let start = k * CHUNK;
            let docs: Vec<DocMeta> = chunk
                .iter()
                .enumerate()
                .map(|(j, a)| doc_meta(archive, start + j, a))
                .collect();
            (format!("{DIR}d/{k}.json"), json(&docs))
        })
        .collect();
    files.extend(chunks);

    // Filters: one id list per section, source and tag.
    let mut manifest_terms: Vec<Vec<(String, String, usize)>> = Vec::new();
    for (k, kind) in [(0, "section"), (2, "source"), (1, "tag")] {
        let taxonomy = &archive.taxonomies[k];
        let mut listed = Vec::new();
        for term in &taxonomy.terms {
            let ids: Vec<u32> = term.articles.iter().map(|&i| i as u32).collect();
            files.push((format!("{DIR}f/{kind}/{}.bin", term.slug), encode_ids(&ids)));
            listed.push((term.slug.clone(), term.name.clone(), term.articles.len()));
        }
        manifest_terms.push(listed);
    }
    let tags = manifest_terms.pop().unwrap_or_default();
    let tag_count = tags.len();
    files.push((format!("{DIR}tags.json"), json(&tags)));

    let years: Vec<(i32, usize, usize)> = archive
        .years
        .iter()
        .filter_map(|y| Some((y.year, *y.articles.first()?, *y.articles.last()? + 1)))
        .collect();
    let meta = Meta {
        version: VERSION,
        articles: articles.len(),
        dated: archive.dated,
        chunk: CHUNK,
        page: PAGE,
        shards: first_terms,
        sections: &manifest_terms[0],
        sources: &manifest_terms[1],
        tags: tag_count,
        years,
    };
    files.push((format!("{DIR}meta.json"), json(&meta)));
    stats.files = files.len();
    stats.bytes = files.iter().map(|(_, b)| b.len()).sum();
    (files, stats)
}

/// JSON with `<`, `>` and `&` written as `\u003c`-style escapes: the same data, but no
/// markup-looking text even if a file is ever inlined into a page.
fn json<T: Serialize>(value: &T) -> Vec<u8> {
    let text = serde_json::to_string(value).expect("plain data serializes");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out.into_bytes()
}

/// The manifest every query reads first.
#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    articles: usize,
    /// Ids below this have a date.
    dated: usize,
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

/// `[url, title, date shown, date ISO, section, [sources], excerpt]`: an array, not an
/// object, because keys repeated 100,000 times would be a third of the bytes.
type DocMeta<'a> = (
    &'a str,
    &'a str,
    String,
    String,
    &'a str,
    Vec<&'a str>,
    String,
);

fn doc_meta<'a>(archive: &'a Archive, id: usize, a: &'a Article) -> DocMeta<'a> {
    let (shown, iso) = match &a.date {
        Some(d) => (
            format!("{} {} {}", d.day(), month_name(d.month()), d.year()),
            d.to_rfc3339(),
        ),
        None => (String::new(), String::new()),
    };
    let names = |k: usize| -> Vec<&'a str> {
        let t = &archive.taxonomies[k];
        t.by_article[id]
            .iter()
            .map(|&i| t.terms[i].name.as_str())
            .collect()
    };
    let section = names(0).first().copied().unwrap_or("");
    (
        &a.url,
        &a.title,
        shown,
        iso,
        section,
        names(2),
        excerpt(&a.summary),
    )
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

/// Articles per parallel task when collecting postings.
const BATCH: usize = 256;

/// Every indexed word with its postings (`id * 4 + weight`, ids ascending), sorted by word.
fn postings(articles: &[Article]) -> Vec<(String, Vec<u32>)> {
    let merged = articles
        .par_chunks(BATCH)
        .enumerate()
        .map(|(c, batch)| {
            let mut map: HashMap<String, Vec<u32>> = HashMap::new();
            let mut text = String::new();
            for (j, a) in batch.iter().enumerate() {
                let id = (c * BATCH + j) as u32;
                text.clear();
                tokenize::fold_into(&a.title, &mut text);
                let title_end = text.len();
                tokenize::fold_into(&a.summary, &mut text);
                for t in a.tags.iter().chain(&a.authors).chain(&a.sources) {
                    tokenize::fold_into(t, &mut text);
                }
                tokenize::html_text_into(&a.body_html, &mut text);
                // Word and whether it came from the title; sorted, runs are one word.
                let mut words: Vec<(&str, bool)> = Vec::with_capacity(1024);
                let mut at = 0;
                for w in text.split(' ') {
                    let in_title = at < title_end;
                    at += w.len() + 1;
                    if !w.is_empty() && tokenize::keep(w) {
                        words.push((w, in_title));
                    }
                }
                words.sort_unstable();
                let mut i = 0;
                while i < words.len() {
                    let w = words[i].0;
                    let mut n = 0;
                    let mut title = false;
                    while i < words.len() && words[i].0 == w {
                        title |= words[i].1;
                        n += 1;
                        i += 1;
                    }
                    let weight = if title {
                        TITLE_WEIGHT
                    } else {
                        (n as u32 - 1).min(2)
                    };
                    let posting = id * 4 + weight;
                    match map.get_mut(w) {
                        Some(list) => list.push(posting),
                        None => {
                            map.insert(w.to_string(), vec![posting]);
                        }
                    }
                }
            }
            map
        })
        .reduce(HashMap::new, merge);
    let mut terms: Vec<(String, Vec<u32>)> = merged.into_iter().collect();
    terms.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // `reduce` joins neighbours in order, so lists are already ascending; this is a
    // cheap linear check-and-fix rather than a trust in that.
    terms.par_iter_mut().for_each(|(_, l)| l.sort_unstable());
    terms
}

/// Joins two maps whose ids in `b` all follow those in `a`, keeping lists ascending.
fn merge(
    mut a: HashMap<String, Vec<u32>>,
    mut b: HashMap<String, Vec<u32>>,
) -> HashMap<String, Vec<u32>> {
    if a.len() >= b.len() {
        for (term, list) in b {
            a.entry(term).or_default().extend(list);
        }
        a
    } else {
        for (term, mut list) in a {
            match b.entry(term) {
                Entry::Occupied(mut e) => {
                    list.extend_from_slice(e.get());
                    *e.get_mut() = list;
                }
                Entry::Vacant(e) => {
                    e.insert(list);
                }
            }
        }
        b
    }
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

fn encode_entry(term: &str, list: &[u32]) -> Vec<u8> {
    let mut postings = Vec::with_capacity(list.len() + 4);
    let mut prev = 0u64;
    for &p in list {
        let id = u64::from(p / 4);
        push_varint(&mut postings, (id - prev) * 4 + u64::from(p % 4));
        prev = id;
    }
    let mut out = Vec::with_capacity(postings.len() + term.len() + 8);
    // Words are at most 40 characters, so at most 160 bytes.
    out.push(term.len() as u8);
    out.extend_from_slice(term.as_bytes());
    push_varint(&mut out, list.len() as u64);
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
    fn excerpt_cuts_at_a_word() {
        assert_eq!(excerpt("short  text"), "short text");
        let long = "word ".repeat(100);
        let e = excerpt(&long);
        assert!(e.ends_with("word…") && e.chars().count() <= EXCERPT_CHARS + 1);
    }
}
