//! The same story ingested twice is kept once: same body after normalization, or same
//! title (ignoring case and spacing) on the same day (undated: in the same section) with
//! bodies that are mostly the same or too short to tell. One hash lookup per article, so
//! 100,000 articles cost one pass, never a comparison of every pair; bodies are compared
//! only between articles whose titles match.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use chrono::Datelike;
// Keyed by hashes of titles and bodies, looked up 100,000 times a build: hashbrown's
// hasher rather than std's SipHash.
use hashbrown::HashMap;
use rayon::prelude::*;

use super::body::html_to_text;
use crate::article::Article;
use crate::cache::{hash_bytes, Table};

/// Bodies shorter than this many words are stubs: never folded by body alone ("TBA" is
/// not a story), and under a shared title compared with care (see
/// [`TitleGroup::repeated_by`]).
const MIN_BODY_WORDS: usize = 12;
/// A stub of fewer words than this is a placeholder ("To follow.", "More soon."): it
/// folds into the fullest story under its title, whatever that story says.
const PLACEHOLDER_WORDS: usize = 3;
/// Two copies of one body under different headlines are one story when published at
/// most this many days apart (an export's date may be the first publication, a scrape's
/// the last update); under one headline they are one story whatever their dates.
const SAME_BODY_DAYS: i64 = 7;
/// Runs of this many words are what two bodies are compared by.
const SHINGLE_WORDS: usize = 3;
/// Two bodies under one title tell the same story when at least this share of the
/// shorter one's word runs are in the other: a re-issue keeps most of its sentences,
/// while "Market report" or "Corrections" of another edition shares few.
const SAME_STORY_SHARE: f64 = 0.5;

/// One article folded into another.
#[derive(Debug, Clone)]
pub struct Fold {
    /// The folded article's file and record line.
    pub path: PathBuf,
    pub line: Option<usize>,
    /// The article that was kept.
    pub kept_path: PathBuf,
    pub kept_line: Option<usize>,
    pub kept_id: String,
    /// The folded article's id (`world/x.json#12` for a dump's 12th record).
    pub id: String,
    /// `same body`, `same title and date` or `same title and section, undated`.
    pub reason: &'static str,
}

/// A 128-bit key from two differently seeded SipHashes: collisions are out of reach at
/// any archive size, so no text needs to be kept for comparison.
fn key128(feed: impl Fn(&mut std::collections::hash_map::DefaultHasher)) -> u128 {
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0xb5u8.hash(&mut b);
    feed(&mut a);
    feed(&mut b);
    ((a.finish() as u128) << 64) | b.finish() as u128
}

/// The body as lowercase alphanumeric words, one space apart, and how many: markup,
/// punctuation and quotes do not matter.
fn normal_body(article: &Article) -> (String, usize) {
    let text = html_to_text(&article.body_html.text());
    let mut normal = String::with_capacity(text.len());
    let mut words = 0;
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if words > 0 {
            normal.push(' ');
        }
        words += 1;
        normal.extend(word.chars().flat_map(char::to_lowercase));
    }
    (normal, words)
}

/// What folding needs of a body besides its word runs: the key of its normal text (none
/// for a stub) and its length in words. A pure function of the body, so the build cache
/// keeps it under the body's hash and a rebuild reads only the bodies it has not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BodyFacts {
    key: Option<u128>,
    words: usize,
}

impl BodyFacts {
    fn of(normal: &str, words: usize) -> BodyFacts {
        BodyFacts {
            key: (words >= MIN_BODY_WORDS).then(|| hash_bytes(normal.as_bytes())),
            words,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.words as u64).to_le_bytes());
        if let Some(key) = self.key {
            out.extend_from_slice(&key.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Option<BodyFacts> {
        let words = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
        let key = match bytes.len() {
            8 => None,
            24 => Some(u128::from_le_bytes(bytes[8..].try_into().ok()?)),
            _ => return None,
        };
        // A key goes with a long body only: anything else was not written by `encode`.
        (key.is_some() == (words >= MIN_BODY_WORDS)).then_some(BodyFacts { key, words })
    }
}

/// The body's distinct runs of [`SHINGLE_WORDS`] words (of its [`normal_body`]), hashed
/// and sorted.
fn shingles(normal: &str) -> Vec<u64> {
    let words: Vec<&str> = normal.split(' ').collect();
    let mut runs: Vec<u64> = words
        .windows(SHINGLE_WORDS)
        .map(|run| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            run.hash(&mut h);
            h.finish()
        })
        .collect();
    runs.sort_unstable();
    runs.dedup();
    runs
}

/// The stories kept so far under one title key, to tell whether another article under
/// that title repeats one of them.
#[derive(Default)]
struct TitleGroup {
    /// Kept articles with a body long enough to compare, and their shingle counts.
    long: Vec<(usize, usize)>,
    /// Shingle -> positions in `long` of the kept bodies holding it.
    holders: HashMap<u64, Vec<u32>>,
    /// Kept stubs and their shingles: an identical stub folds into one.
    stubs: Vec<(usize, Vec<u64>)>,
}

impl TitleGroup {
    /// The kept article that an article repeats, from its shingles (`runs`) and word
    /// count: half of the shorter body's runs or more in common with a kept full story,
    /// found by counting through `holders`, so each article costs its own length rather
    /// than a comparison with every kept body.
    ///
    /// A stub is a teaser or a placeholder when it folds: a placeholder ("To follow.")
    /// folds into the fullest story, a teaser shares its words with it. A stub that says
    /// something else (two short "Correction" notices of one day) is a story of its own.
    /// A long body never folds into a stub (the stub would take its story with it).
    fn repeated_by(&self, runs: &[u64], words: usize) -> Option<usize> {
        let identical = || {
            self.stubs
                .iter()
                .find_map(|(j, kept)| (kept.as_slice() == runs).then_some(*j))
        };
        if words < PLACEHOLDER_WORDS {
            // Into the story; with none, only into the same words ("Jones, not
            // Johns." is a correction of its own).
            return self.long.first().map(|&(j, _)| j).or_else(identical);
        }
        let mut shared = vec![0u32; self.long.len()];
        for run in runs {
            for &k in self.holders.get(run).into_iter().flatten() {
                shared[k as usize] += 1;
            }
        }
        let story = self.long.iter().zip(shared).find_map(|(&(j, len), n)| {
            let shorter = len.min(runs.len());
            (f64::from(n) >= SAME_STORY_SHARE * shorter as f64).then_some(j)
        });
        if words >= MIN_BODY_WORDS {
            return story;
        }
        story.or_else(identical)
    }

    fn keep(&mut self, i: usize, runs: Vec<u64>, words: usize) {
        if words < MIN_BODY_WORDS {
            self.stubs.push((i, runs));
            return;
        }
        let k = self.long.len() as u32;
        self.long.push((i, runs.len()));
        for run in runs {
            self.holders.entry(run).or_default().push(k);
        }
    }
}

/// The article's two title keys, from its title with case and spacing folded: its
/// headline alone, and its headline with the day in the site's zone. An undated article
/// matches an undated one of the same title in the same section (datasets that carry no
/// dates hold lightly edited re-issues of a story under one headline).
fn title_keys(article: &Article) -> (u128, u128) {
    let title = lowercase_words(&article.title);
    let headline = key128(|h| title.hash(h));
    let dated = key128(|h| {
        title.hash(h);
        match article.date {
            Some(date) => (date.year(), date.ordinal()).hash(h),
            None => article.section.as_deref().map(str::to_lowercase).hash(h),
        }
    });
    (headline, dated)
}

/// The words of `text` lowercased (as `str::to_lowercase` does), one space apart: a
/// title's words to compare, in one string rather than one per word, made once for both
/// title keys: at 100,000 titles those allocations were much of what folding cost a
/// rebuild.
fn lowercase_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// Keeps one of each group of duplicates: the one of lowest `rank` (hand-written formats
/// before machine-made ones), then dated before undated, then the longest body, then
/// the earlier position. `memo` keeps what each body's text comes to (see
/// [`BodyFacts`]).
/// Returns the kept articles in their original order and what was folded.
pub fn fold(
    articles: Vec<Article>,
    rank: impl Fn(&Article) -> u8 + Sync,
    memo: &Table,
) -> (Vec<Article>, Vec<Fold>) {
    // Headlines decide whether copies of one body far apart in time are one story.
    let (headlines, titles): (Vec<u128>, Vec<u128>) = articles.par_iter().map(title_keys).unzip();
    // Bodies are compared only under a title that more than one article has.
    let mut per_title: HashMap<u128, usize> = HashMap::with_capacity(articles.len());
    for &t in &titles {
        *per_title.entry(t).or_insert(0) += 1;
    }
    let facts = memo.recall_each(
        articles.len(),
        |i| articles[i].body_html.hash(),
        BodyFacts::decode,
        |i| {
            let (normal, words) = normal_body(&articles[i]);
            BodyFacts::of(&normal, words)
        },
        BodyFacts::encode,
    );
    // Word runs only under a shared title whose bodies differ (their bodies are read
    // again for them): copies of one long body under one title and day fold by its key
    // (they are near each other) before any runs are looked at.
    let mut one_body: HashMap<u128, Option<u128>> = HashMap::new();
    for (t, f) in titles.iter().zip(&facts) {
        if per_title[t] > 1 {
            one_body
                .entry(*t)
                .and_modify(|k| {
                    if *k != f.key {
                        *k = None;
                    }
                })
                .or_insert(f.key);
        }
    }
    let mut runs: Vec<Option<Vec<u64>>> = articles
        .par_iter()
        .zip(&titles)
        .map(|(a, t)| {
            let compared = per_title[t] > 1 && one_body[t].is_none();
            compared.then(|| shingles(&normal_body(a).0))
        })
        .collect();
    let words: Vec<usize> = facts.iter().map(|f| f.words).collect();
    let keys: Vec<(Option<u128>, u128, u8)> = articles
        .iter()
        .zip(&facts)
        .zip(titles)
        .map(|((a, f), title)| (f.key, title, rank(a)))
        .collect();
    // The copy kept is the most complete: a dated one before an undated one, then the
    // longest body (a re-issue often adds to the story), then the first.
    // Only an article sharing its title or its body with another can fold or take
    // another in; the rest (most of an archive) are left out of the pass below.
    let mut per_body: HashMap<u128, usize> = HashMap::with_capacity(articles.len());
    for k in facts.iter().filter_map(|f| f.key) {
        *per_body.entry(k).or_insert(0) += 1;
    }
    let shared = |i: &usize| {
        let (body, title, _) = keys[*i];
        per_title[&title] > 1 || body.is_some_and(|k| per_body[&k] > 1)
    };
    let mut order: Vec<usize> = (0..articles.len()).filter(shared).collect();
    order.sort_by_key(|&i| {
        let undated = articles[i].date.is_none();
        (keys[i].2, undated, std::cmp::Reverse(words[i]), i)
    });
    // Each body's kept copies: the same text under another headline months away is
    // another publication (a story re-run a year on), not a copy.
    // Most bodies have one: the first is kept beside the list, which then allocates
    // nothing (100,000 small lists were a good part of folding's time).
    let mut by_body: HashMap<u128, (usize, Vec<usize>)> = HashMap::with_capacity(articles.len());
    let near = |i: usize, j: usize| match (&articles[i].date, &articles[j].date) {
        (Some(a), Some(b)) => {
            (*a - *b).num_days().abs() <= SAME_BODY_DAYS || headlines[i] == headlines[j]
        }
        _ => true,
    };
    // The stories kept under each title: a title shared by stories that differ (a daily
    // "Market report") keeps each, and a later copy folds into the one it repeats.
    let mut by_title: HashMap<u128, TitleGroup> = HashMap::new();
    let mut folded_into: Vec<Option<(usize, &'static str)>> = vec![None; articles.len()];
    for i in order {
        let (body, title, _) = keys[i];
        let title_reason = if articles[i].date.is_some() {
            "same title and date"
        } else {
            "same title and section, undated"
        };
        let hit = body
            .and_then(|k| {
                let (first, more) = by_body.get(&k)?;
                std::iter::once(first).chain(more).find(|&&j| near(i, j))
            })
            .map(|&j| (j, "same body"))
            .or_else(|| {
                let runs = runs[i].as_deref().unwrap_or_default();
                let j = by_title.get(&title)?.repeated_by(runs, words[i])?;
                Some((j, title_reason))
            });
        match hit {
            Some(h) => folded_into[i] = Some(h),
            None => {
                if let Some(k) = body {
                    by_body
                        .entry(k)
                        .and_modify(|(_, more)| more.push(i))
                        .or_insert((i, Vec::new()));
                }
                if per_title[&title] > 1 {
                    let runs = runs[i].take().unwrap_or_default();
                    by_title.entry(title).or_default().keep(i, runs, words[i]);
                }
            }
        }
    }
    let folds: Vec<Fold> = folded_into
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let (j, reason) = (*f)?;
            Some(Fold {
                path: articles[i].source_path.clone(),
                line: articles[i].source_line,
                kept_path: articles[j].source_path.clone(),
                kept_line: articles[j].source_line,
                kept_id: articles[j].id.clone(),
                id: articles[i].id.clone(),
                reason,
            })
        })
        .collect();
    let kept = articles
        .into_iter()
        .zip(folded_into)
        .filter_map(|(a, f)| f.is_none().then_some(a))
        .collect();
    (kept, folds)
}
