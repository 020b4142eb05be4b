//! The query logic of `search.js`, in Rust, run against a built index: which files a
//! browser fetches for a query, and which results it shows. Benchmarks use it to count
//! the bytes a query costs; tests use it to check the index and the script agree.
//! Keep it in step with `src/render/theme/search.js`.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::Path;

use serde::Deserialize;

use super::{read_varint, tokenize, DIR};

/// Shortest last word that also matches longer words starting with it.
pub const PREFIX_MIN_CHARS: usize = 3;
/// Prefix matching reads at most this many shards per word.
pub const PREFIX_MAX_SHARDS: usize = 2;
/// Prefix matching considers at most this many words per query word.
pub const PREFIX_MAX_TERMS: usize = 200;

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

/// A query as the search page takes it from its URL.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub section: Option<String>,
    pub source: Option<String>,
    pub tag: Option<String>,
    pub year: Option<i32>,
    pub sort: Sort,
    /// 1-based result page.
    pub page: usize,
}

impl Query {
    /// A plain text query, first page, by relevance.
    pub fn text(text: &str) -> Query {
        Query {
            text: text.into(),
            page: 1,
            ..Query::default()
        }
    }
}

/// What answering a query costs and shows.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Site-relative files fetched, in order, each once.
    pub files: Vec<String>,
    /// Their total size.
    pub bytes: u64,
    /// Matching articles.
    pub total: usize,
    /// Ids shown on the requested page, in order.
    pub shown: Vec<u32>,
    /// URLs of the shown articles (site-relative).
    pub urls: Vec<String>,
}

#[derive(Deserialize)]
struct Meta {
    articles: usize,
    undated: usize,
    chunk: usize,
    page: usize,
    shards: Vec<String>,
    years: Vec<(i32, usize, usize)>,
}

struct Fetcher<'a> {
    root: &'a Path,
    answer: Answer,
}

impl Fetcher<'_> {
    fn get(&mut self, rel: String) -> io::Result<Option<Vec<u8>>> {
        let path = self.root.join(&rel);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            // A missing filter file is "no such term", as a 404 is for the script.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        if !self.answer.files.contains(&rel) {
            self.answer.bytes += bytes.len() as u64;
            self.answer.files.push(rel);
        }
        Ok(Some(bytes))
    }
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

/// One parsed term shard: term -> (document frequency, postings bytes).
fn parse_shard(bytes: &[u8]) -> io::Result<Vec<(String, u64, &[u8])>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let len = bytes[pos] as usize;
        pos += 1;
        let term = bytes
            .get(pos..pos + len)
            .ok_or_else(|| bad("truncated term"))?;
        pos += len;
        let df = read_varint(bytes, &mut pos).ok_or_else(|| bad("truncated df"))?;
        let plen = read_varint(bytes, &mut pos).ok_or_else(|| bad("truncated length"))? as usize;
        let postings = bytes
            .get(pos..pos + plen)
            .ok_or_else(|| bad("truncated postings"))?;
        pos += plen;
        out.push((String::from_utf8_lossy(term).into_owned(), df, postings));
    }
    Ok(out)
}

/// (id, weight) pairs of an entry's postings.
fn decode_postings(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut id = 0u64;
    while let Some(v) = read_varint(bytes, &mut pos) {
        id += v / 4;
        out.push((id as u32, (v % 4) as u32));
    }
    out
}

fn decode_ids(bytes: &[u8]) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let mut pos = 0;
    let mut id = 0u64;
    while let Some(v) = read_varint(bytes, &mut pos) {
        id += v;
        out.insert(id as u32);
    }
    out
}

/// The index of the shard that would hold `word`: the last whose first term is <= it.
fn shard_of(shards: &[String], word: &str) -> usize {
    shards
        .partition_point(|first| first.as_str() <= word)
        .saturating_sub(1)
}

/// Answers `query` against the site built in `out_dir`, as `search.js` would.
pub fn answer(out_dir: &Path, query: &Query) -> io::Result<Answer> {
    let mut f = Fetcher {
        root: out_dir,
        answer: Answer::default(),
    };
    let meta: Meta = serde_json::from_slice(
        &f.get(format!("{DIR}meta.json"))?
            .ok_or_else(|| bad("no search/meta.json"))?,
    )
    .map_err(|e| bad(&e.to_string()))?;
    let n = meta.articles as f64;

    let words = tokenize::words(&query.text);
    let prefix_last = !query.text.ends_with(char::is_whitespace)
        && words
            .last()
            .is_some_and(|w| w.chars().count() >= PREFIX_MIN_CHARS);

    // Score per id for each word; a query's words must all match.
    let mut scored: Option<HashMap<u32, f64>> = None;
    for (wi, word) in words.iter().enumerate() {
        let prefix = prefix_last && wi + 1 == words.len();
        // As search.js: a word still being typed matches from its stem's start.
        let start = if prefix {
            tokenize::partial_stem(word)
        } else {
            word.as_str()
        };
        let first = shard_of(&meta.shards, start);
        let mut shard_ids = vec![first];
        if prefix {
            while shard_ids.len() < PREFIX_MAX_SHARDS
                && meta
                    .shards
                    .get(first + shard_ids.len())
                    .is_some_and(|s| s.starts_with(start))
            {
                shard_ids.push(first + shard_ids.len());
            }
        }
        let mut mine: HashMap<u32, f64> = HashMap::new();
        let mut expanded = 0;
        let mut exact_idf: Option<f64> = None;
        let mut shards = Vec::new();
        for s in shard_ids {
            if meta.shards.is_empty() {
                break;
            }
            shards.push(
                f.get(format!("{DIR}t/{s}.bin"))?
                    .ok_or_else(|| bad("missing shard"))?,
            );
        }
        let mut entries = Vec::new();
        for bytes in &shards {
            entries.extend(parse_shard(bytes)?);
        }
        // As search.js: the stem of a word still being typed counts as the word itself
        // only when the word is not in the index (a whole `امريكا` ranks its own matches
        // first); the word goes first either way (a stem sorts before it).
        let word_indexed = entries.iter().any(|(term, _, _)| term == word);
        if word_indexed {
            entries.sort_by_key(|(term, _, _)| term != word);
        }
        for (term, df, postings) in entries {
            let exact = term == *word || (term == start && !word_indexed);
            if !exact {
                if !prefix || !term.starts_with(start) || expanded >= PREFIX_MAX_TERMS {
                    continue;
                }
                expanded += 1;
            }
            let mut idf = (1.0 + n / df.max(1) as f64).ln();
            // As search.js: with the word itself in the index (it comes first), a longer
            // word it begins scores below any match of it: at most a fifth of its idf,
            // times the weight (at most 4), against its idf at least.
            let factor = match exact_idf {
                _ if exact => {
                    exact_idf = Some(idf);
                    1.0
                }
                Some(cap) => {
                    idf = idf.min(cap);
                    0.2
                }
                None => 0.5,
            };
            for (id, w) in decode_postings(postings) {
                let s = idf * (1.0 + w as f64) * factor;
                let e = mine.entry(id).or_insert(0.0);
                if s > *e {
                    *e = s;
                }
            }
        }
        scored = Some(match scored {
            None => mine,
            Some(prev) => prev
                .into_iter()
                .filter_map(|(id, s)| mine.get(&id).map(|t| (id, s + t)))
                .collect(),
        });
    }

    // Filters.
    let mut allowed: Option<BTreeSet<u32>> = None;
    for (kind, value) in [
        ("section", &query.section),
        ("source", &query.source),
        ("tag", &query.tag),
    ] {
        if let Some(slug) = value {
            let ids = f
                .get(format!("{DIR}f/{kind}/{slug}.bin"))?
                .map(|b| decode_ids(&b))
                .unwrap_or_default();
            allowed = Some(match allowed {
                None => ids,
                Some(a) => a.intersection(&ids).copied().collect(),
            });
        }
    }
    let year_range = query.year.map(|y| {
        meta.years
            .iter()
            .find(|(year, _, _)| *year == y)
            .map(|&(_, a, b)| a as u32..b as u32)
            .unwrap_or(0..0)
    });
    let keep = |id: u32| {
        allowed.as_ref().is_none_or(|a| a.contains(&id))
            && year_range.as_ref().is_none_or(|r| r.contains(&id))
    };

    let mut hits: Vec<(u32, f64)> = match scored {
        Some(map) => map.into_iter().filter(|&(id, _)| keep(id)).collect(),
        None if allowed.is_some() || year_range.is_some() => (0..meta.articles as u32)
            .filter(|&id| keep(id))
            .map(|id| (id, 0.0))
            .collect(),
        None => Vec::new(),
    };
    // Ids count from the oldest; undated articles (the lowest ids) always come last.
    let undated = meta.undated as u32;
    match query.sort {
        Sort::Relevance => {
            hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        }
        Sort::Newest => hits.sort_by_key(|h| std::cmp::Reverse(h.0)),
        Sort::Oldest => hits.sort_by_key(|h| (h.0 < undated, h.0)),
    }
    f.answer.total = hits.len();
    let page = query.page.max(1);
    let shown: Vec<u32> = hits
        .iter()
        .skip((page - 1) * meta.page)
        .take(meta.page)
        .map(|h| h.0)
        .collect();
    let mut chunks: HashMap<usize, Vec<Vec<serde_json::Value>>> = HashMap::new();
    for &id in &shown {
        let k = id as usize / meta.chunk;
        if let std::collections::hash_map::Entry::Vacant(e) = chunks.entry(k) {
            let bytes = f
                .get(format!("{DIR}d/{k}.json"))?
                .ok_or_else(|| bad("missing chunk"))?;
            e.insert(serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?);
        }
        let url = chunks[&k]
            .get(id as usize % meta.chunk)
            .and_then(|d| d.first())
            .and_then(|u| u.as_str())
            .unwrap_or("")
            .to_string();
        f.answer.urls.push(url);
    }
    f.answer.shown = shown;
    Ok(f.answer)
}

/// Every word of the index built in `out_dir` with its document frequency, in order
/// (for benchmarks picking common and rare words).
pub fn vocabulary(out_dir: &Path) -> io::Result<Vec<(String, u64)>> {
    let meta: Meta = serde_json::from_slice(&fs::read(out_dir.join(format!("{DIR}meta.json")))?)
        .map_err(|e| bad(&e.to_string()))?;
    let mut out = Vec::new();
    for s in 0..meta.shards.len() {
        let bytes = fs::read(out_dir.join(format!("{DIR}t/{s}.bin")))?;
        out.extend(
            parse_shard(&bytes)?
                .into_iter()
                .map(|(term, df, _)| (term, df)),
        );
    }
    Ok(out)
}
