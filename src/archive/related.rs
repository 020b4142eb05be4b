//! Related articles: for each article, up to N others that share its tags, authors and
//! distinctive words, scored up for the same section and sources and for closeness in time.
//!
//! No pair of articles is compared unless they share something specific. Candidates come
//! from inverted lists (one per tag, author, and word kept as a keyword), and from each
//! list only the [`WINDOW`] articles nearest in date are read: articles are sorted by date,
//! so that is a binary search and a slice. A tag held by a third of the archive costs the
//! same as a rare one, and the whole pass is linear in the number of articles.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use crate::archive::{Taxonomy, TaxonomyKind};
use crate::article::Article;
use crate::cache::{cut_runs, put_u64s, Hash, HashWriter, Memo, Reader};
use crate::ingest::dates::{MONTHS, WEEKDAYS};

/// How many articles of each inverted list are read around the article, by date.
pub const WINDOW: usize = 32;
/// Words kept per article as its keywords: those rarest across the archive.
const KEYWORDS: usize = 12;
/// Body words read per article (after the title and summary); the lead carries the topic.
const BODY_WORDS: usize = 150;
/// Shorter words are too vague to relate articles.
const MIN_WORD_CHARS: usize = 4;

const W_TAG: f64 = 2.0;
const W_AUTHOR: f64 = 1.0;
const W_WORD: f64 = 1.0;
const W_SECTION: f64 = 0.5;
const W_SOURCE: f64 = 0.25;
/// At most this share added for an article published the same day, fading over months.
const W_TIME: f64 = 0.5;
const TIME_SCALE_DAYS: f64 = 30.0;

/// Common English words that pass the length filter; the document-frequency weighting
/// discounts the rest, but on a small site these would still look distinctive. Weekday
/// and month names are stop words too ([`WEEKDAYS`], [`MONTHS`]).
const STOPWORDS: &[&str] = &[
    "about",
    "after",
    "again",
    "also",
    "among",
    "back",
    "been",
    "before",
    "being",
    "between",
    "both",
    "could",
    "does",
    "down",
    "during",
    "each",
    "even",
    "first",
    "from",
    "have",
    "here",
    "into",
    "just",
    "last",
    "like",
    "made",
    "make",
    "many",
    "more",
    "most",
    "much",
    "must",
    "news",
    "only",
    "other",
    "over",
    "said",
    "same",
    "says",
    "should",
    "since",
    "some",
    "still",
    "such",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "time",
    "under",
    "until",
    "very",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "would",
    "year",
    "years",
    "your",
    "according",
    "officials",
    "people",
    "percent",
    "told",
    "week",
    "today",
];

/// For each article (in archive order), the indices of up to `n` related articles, best
/// first. The same articles always give the same lists.
///
/// `memo` keeps each run of articles' words, and the lists themselves under the hash of
/// everything they are computed from: an edit that leaves every article's words, dates,
/// tags, authors, sections and sources as they were reuses the lists of the last build.
pub fn compute(
    articles: &[Article],
    taxonomies: &[Taxonomy],
    n: usize,
    memo: &Memo,
) -> Vec<Vec<usize>> {
    let count = articles.len();
    if n == 0 || count < 2 {
        return vec![Vec::new(); count];
    }
    let tax = |kind: TaxonomyKind| taxonomies.iter().find(|t| t.kind == kind);
    let words = words_of(articles, memo);
    let facts = Facts::gather(
        articles,
        tax(TaxonomyKind::Section),
        tax(TaxonomyKind::Source),
    );
    let input = lists_input(
        n,
        &words,
        &facts,
        [tax(TaxonomyKind::Tag), tax(TaxonomyKind::Author)],
    );
    let decode = |bytes: &[u8]| {
        let lists = decode_lists(bytes, count, n, |j| (j as usize) < count)?;
        Some(
            lists
                .into_iter()
                .map(|l| l.into_iter().map(|j| j as usize).collect())
                .collect(),
        )
    };
    let encode = |lists: &Vec<Vec<usize>>| {
        encode_lists(
            lists
                .iter()
                .map(|l| l.iter().map(|&j| j as u64).collect::<Vec<_>>()),
        )
    };
    let score = || score_all(words, &facts, taxonomies, n);
    memo.recall_or(input, decode, score, encode)
}

/// Scores every article's candidates and keeps the best `n` of each (see the module's
/// notes): the lists [`compute`] returns when they are not remembered.
fn score_all(
    words: Vec<Vec<u64>>,
    facts: &[Facts],
    taxonomies: &[Taxonomy],
    n: usize,
) -> Vec<Vec<usize>> {
    let count = words.len();
    let tax = |kind: TaxonomyKind| taxonomies.iter().find(|t| t.kind == kind);
    let keywords = Keywords::build(words);
    // Where each article sits in each of its terms' lists, found by one walk of the lists
    // rather than a search per article (long lists make searches cache-miss bound).
    let mut terms: Vec<Vec<(&[usize], usize, f64)>> = vec![Vec::new(); count];
    for (kind, weight) in [(TaxonomyKind::Tag, W_TAG), (TaxonomyKind::Author, W_AUTHOR)] {
        for term in tax(kind).iter().flat_map(|t| &t.terms) {
            let w = weight * idf(count, term.articles.len());
            if w > 0.0 {
                for (pos, &i) in term.articles.iter().enumerate() {
                    terms[i].push((&term.articles, pos, w));
                }
            }
        }
    }
    let ctx = Context {
        terms,
        keywords: &keywords,
        facts,
    };
    (0..count)
        .into_par_iter()
        .map(|i| {
            SCRATCH.with(|scratch| {
                let mut scratch = scratch.borrow_mut();
                if scratch.score.len() != count {
                    *scratch = Scratch::new(count);
                }
                ctx.related(i, n, &mut scratch)
            })
        })
        .collect()
}

/// Articles per run whose words are remembered together.
const WORDS_RUN: usize = 1024;

/// Every article's words ([`article_words`]), by runs of articles, each run recalled from
/// `memo` when its articles' text is unchanged.
fn words_of(articles: &[Article], memo: &Memo) -> Vec<Vec<u64>> {
    let calendar = WEEKDAYS.iter().chain(&MONTHS);
    let mut stop: Vec<u64> = STOPWORDS
        .iter()
        .chain(calendar)
        .map(|w| hash_word(w))
        .collect();
    stop.sort_unstable();
    let runs = cut_runs(articles.iter().map(|a| a.id.as_str()), WORDS_RUN);
    let per_run: Vec<Vec<Vec<u64>>> = runs
        .into_par_iter()
        .map(|run| {
            let chunk = &articles[run];
            let mut h = HashWriter::new(WORDS_SEED);
            for a in chunk {
                h.update_prefixed(&a.title);
                h.update_prefixed(&a.summary);
                h.update(&a.body_html.hash().to_le_bytes());
            }
            let input = h.finish();
            memo.recall_or(
                input,
                |bytes| decode_lists(bytes, chunk.len(), usize::MAX, |_| true),
                || chunk.iter().map(|a| article_words(a, &stop)).collect(),
                |words| encode_lists(words),
            )
        })
        .collect();
    per_run.into_iter().flatten().collect()
}

/// Seeds that keep the two kinds of memo entry apart (and change with their layout).
const WORDS_SEED: Hash = 0x7265_6c61_7465_645f_776f_7264_735f_3031;
const LISTS_SEED: Hash = 0x7265_6c61_7465_645f_6c69_7374_735f_3032;

/// Hash of everything the related lists are computed from besides the words' text.
fn lists_input(
    n: usize,
    words: &[Vec<u64>],
    facts: &[Facts],
    lists: [Option<&Taxonomy>; 2],
) -> Hash {
    let mut h = HashWriter::new(LISTS_SEED);
    h.update(&(n as u64).to_le_bytes());
    h.update(&(words.len() as u64).to_le_bytes());
    for (ws, f) in words.iter().zip(facts) {
        h.update(&(ws.len() as u64).to_le_bytes());
        for w in ws {
            h.update(&w.to_le_bytes());
        }
        h.update(&f.time.to_le_bytes());
        h.update(&f.sources.to_le_bytes());
        h.update(&f.section.to_le_bytes());
    }
    for taxonomy in lists {
        let terms = taxonomy.map_or(&[][..], |t| &t.terms[..]);
        h.update(&(terms.len() as u64).to_le_bytes());
        for term in terms {
            h.update(&(term.articles.len() as u64).to_le_bytes());
            for &i in &term.articles {
                h.update(&(i as u64).to_le_bytes());
            }
        }
    }
    h.finish()
}

/// Lists of numbers as memo bytes.
fn encode_lists<L: AsRef<[u64]>>(lists: impl IntoIterator<Item = L>) -> Vec<u8> {
    let mut out = Vec::new();
    for list in lists {
        put_u64s(&mut out, list.as_ref());
    }
    out
}

/// `count` lists back from [`encode_lists`], each at most `max` long with items that
/// pass `ok`; `None` if the bytes say otherwise.
fn decode_lists(
    bytes: &[u8],
    count: usize,
    max: usize,
    ok: impl Fn(u64) -> bool,
) -> Option<Vec<Vec<u64>>> {
    let mut r = Reader::new(bytes);
    let lists: Option<Vec<Vec<u64>>> = (0..count)
        .map(|_| {
            r.u64s()
                .filter(|l| l.len() <= max && l.iter().all(|&x| ok(x)))
        })
        .collect();
    lists.filter(|_| r.done())
}

thread_local! {
    /// One scratch per thread, the size of the archive (a megabyte at 100,000 articles):
    /// one per rayon job instead made hundreds, and the memory stayed with the process.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::new(0));
}

struct Context<'a> {
    /// Per article, its tags' and authors' lists, its position in each, and the weight.
    terms: Vec<Vec<(&'a [usize], usize, f64)>>,

    keywords: &'a Keywords,
    facts: &'a [Facts],
}

/// Per-thread accumulators indexed by article, reset after each use by walking `touched`.
struct Scratch {
    score: Vec<f64>,
    /// Evidence count: a shared tag or author counts 2, a shared keyword 1.
    hits: Vec<u16>,
    touched: Vec<usize>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            score: vec![0.0; n],
            hits: vec![0; n],
            touched: Vec::new(),
        }
    }

    fn add(&mut self, j: usize, weight: f64, hits: u16) {
        if self.hits[j] == 0 {
            self.touched.push(j);
        }
        self.score[j] += weight;
        self.hits[j] = self.hits[j].saturating_add(hits);
    }
}

/// `ln(n / df)`: a feature every article has says nothing.
fn idf(n: usize, df: usize) -> f64 {
    if df == 0 {
        0.0
    } else {
        (n as f64 / df as f64).ln()
    }
}

/// The part of a list nearest to position `pos` (at most `WINDOW + 1` long).
fn window_at(list: &[usize], pos: usize) -> &[usize] {
    let want = WINDOW + 1;
    let lo = pos.saturating_sub(WINDOW / 2);
    let hi = (lo + want).min(list.len());
    &list[hi.saturating_sub(want)..hi]
}

impl Context<'_> {
    fn related(&self, i: usize, n: usize, s: &mut Scratch) -> Vec<usize> {
        for &(list, pos, w) in &self.terms[i] {
            for &j in window_at(list, pos) {
                if j != i {
                    s.add(j, w, 2);
                }
            }
        }
        for &(lo, hi, pos, w) in &self.keywords.by_article[i] {
            for &j in window_at(&self.keywords.articles[lo..hi], pos) {
                if j != i {
                    s.add(j, W_WORD * w, 1);
                }
            }
        }

        let mut scored: Vec<(f64, usize)> = Vec::with_capacity(s.touched.len());
        for &j in &s.touched {
            if s.hits[j] >= 2 {
                scored.push((self.finish(i, j, s.score[j]), j));
            }
        }
        // One shared keyword alone is a weak link, used only to fill a list the stronger
        // ones leave short (an archive without tags has few of those), and only within
        // the article's section (or among articles without one), where one shared rare
        // word most likely means the same subject.
        let mut weak: Vec<(f64, usize)> = Vec::new();
        if scored.len() < n {
            for &j in &s.touched {
                if s.hits[j] < 2 && self.facts[i].section == self.facts[j].section {
                    weak.push((self.finish(i, j, s.score[j]), j));
                }
            }
        }
        for &j in &s.touched {
            s.score[j] = 0.0;
            s.hits[j] = 0;
        }
        s.touched.clear();
        // Best score first; ties go to the nearer in date, then to archive order. A total
        // order, so picking the top n first and sorting only those gives the same list.
        let order = |a: &(f64, usize), b: &(f64, usize)| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.abs_diff(i).cmp(&b.1.abs_diff(i)))
                .then_with(|| a.1.cmp(&b.1))
        };
        if scored.len() > n {
            scored.select_nth_unstable_by(n - 1, order);
            scored.truncate(n);
        }
        scored.sort_unstable_by(order);
        let short = n - scored.len();
        if short > 0 && !weak.is_empty() {
            if weak.len() > short {
                weak.select_nth_unstable_by(short - 1, order);
                weak.truncate(short);
            }
            weak.sort_unstable_by(order);
            scored.extend(weak);
        }
        // From a borrowed iterator: collecting `scored` by value would keep its buffer,
        // sized for every candidate, for the whole build.
        scored.iter().map(|&(_, j)| j).collect()
    }

    /// Adds the weak signals (section, sources) and the time bonus to a candidate's score.
    fn finish(&self, i: usize, j: usize, mut score: f64) -> f64 {
        let (a, b) = (&self.facts[i], &self.facts[j]);
        if a.section != NONE && a.section == b.section {
            score += W_SECTION;
        }
        score += W_SOURCE * f64::from((a.sources & b.sources).count_ones());
        if a.time != i64::MIN && b.time != i64::MIN {
            let days = a.time.abs_diff(b.time) as f64 / 86_400.0;
            score *= 1.0 + W_TIME / (1.0 + days / TIME_SCALE_DAYS);
        }
        score
    }
}

const NONE: u32 = u32::MAX;

/// What the weak signals need of an article, packed so that scoring a candidate reads one
/// small record instead of chasing three heap pointers (which dominated the scoring time).
#[derive(Clone, Copy)]
struct Facts {
    /// Seconds since the epoch; `i64::MIN` when undated.
    time: i64,
    /// One bit per source (exact up to 64 sources; beyond, sources share bits).
    sources: u64,
    /// First section's index, or [`NONE`].
    section: u32,
}

impl Facts {
    fn gather(
        articles: &[Article],
        sections: Option<&Taxonomy>,
        sources: Option<&Taxonomy>,
    ) -> Vec<Facts> {
        (0..articles.len())
            .map(|i| Facts {
                time: articles[i].date.map_or(i64::MIN, |d| d.timestamp()),
                sources: sources.map_or(0, |t| {
                    t.by_article[i].iter().fold(0, |m, &s| m | 1u64 << (s % 64))
                }),
                section: sections
                    .and_then(|t| t.by_article[i].first())
                    .map_or(NONE, |&s| s as u32),
            })
            .collect()
    }
}

/// Hash keys that are already hashes: mix the bits once instead of hashing again.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap64<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

/// Each article's keywords and the inverted lists.
struct Keywords {
    /// Per article, each keyword as the bounds of its list in `articles`, the article's
    /// position in that list, and the keyword's weight.
    by_article: Vec<Vec<(usize, usize, usize, f64)>>,
    /// Every keyword's inverted list, one after another; each list is in archive (date)
    /// order.
    articles: Vec<usize>,
}

impl Keywords {
    /// From every article's words.
    fn build(words: Vec<Vec<u64>>) -> Keywords {
        let n = words.len();
        let df: HashMap64<u32> = words
            .par_iter()
            .fold(HashMap64::default, |mut m, ws| {
                for &w in ws {
                    *m.entry(w).or_insert(0) += 1;
                }
                m
            })
            .reduce(HashMap64::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (w, c) in small {
                    *big.entry(w).or_insert(0) += c;
                }
                big
            });
        // Words in more than this many articles are too common to pick out a story.
        let cap = (n / 20).max(10);
        let chosen: Vec<Vec<(u64, f64)>> = words
            .par_iter()
            .map(|ws| {
                let mut kept: Vec<(u32, u64)> = ws
                    .iter()
                    .filter_map(|w| {
                        let d = df.get(w).copied().unwrap_or(0);
                        (d >= 2 && (d as usize) <= cap && (d as usize) < n).then_some((d, *w))
                    })
                    .collect();
                kept.sort_unstable();
                kept.truncate(KEYWORDS);
                // Not `into_iter().collect()`: that reuses the long buffer of all the
                // article's words, kept for every article (a hundred MB at 100,000).
                kept.iter().map(|&(d, w)| (w, idf(n, d as usize))).collect()
            })
            .collect();
        // Free the words before the lists are built, so their memory is reused.
        drop(words);
        drop(df);
        let mut pairs: Vec<(u64, usize, f64)> = chosen
            .iter()
            .enumerate()
            .flat_map(|(i, ws)| ws.iter().map(move |&(w, weight)| (w, i, weight)))
            .collect();
        pairs.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        // Hand each article the bounds of its words' lists, so scoring never searches.
        let mut by_article: Vec<Vec<(usize, usize, usize, f64)>> = chosen
            .iter()
            .map(|ws| Vec::with_capacity(ws.len()))
            .collect();
        drop(chosen);
        let mut lo = 0;
        while lo < pairs.len() {
            let word = pairs[lo].0;
            let hi = lo + pairs[lo..].partition_point(|p| p.0 == word);
            for (pos, &(_, i, weight)) in pairs[lo..hi].iter().enumerate() {
                by_article[i].push((lo, hi, pos, weight));
            }
            lo = hi;
        }
        Keywords {
            by_article,
            articles: pairs.iter().map(|p| p.1).collect(),
        }
    }
}

/// FNV-1a over the lowercased word: deterministic across runs and platforms.
fn hash_word(word: &str) -> u64 {
    let mut h = PreHashed(0xcbf2_9ce4_8422_2325);
    if word.is_ascii() {
        for b in word.bytes() {
            h.0 = (h.0 ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3);
        }
        return h.0;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        h.write(c.encode_utf8(&mut buf).as_bytes());
    }
    h.0
}

/// Distinct hashed words of the title, summary and start of the body, sorted.
fn article_words(a: &Article, stop: &[u64]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut push = |w: &str| {
        if w.len() >= MIN_WORD_CHARS && (w.is_ascii() || w.chars().count() >= MIN_WORD_CHARS) {
            let h = hash_word(w);
            if stop.binary_search(&h).is_err() {
                out.push(h);
            }
        }
    };
    for_each_word(&a.title, usize::MAX, &mut push);
    let body = strip_tags(&a.body_html.text(), BODY_WORDS * 12);
    // The summary is usually the body's first paragraph: read it only when it is not.
    let lead: String = a.summary.chars().take(40).collect();
    let lead = lead.trim();
    // Where it is, it opens the body: test that before searching the whole text.
    if !(body.trim_start().starts_with(lead) || body.contains(lead)) {
        for_each_word(&a.summary, usize::MAX, &mut push);
    }
    for_each_word(&body, BODY_WORDS, &mut push);
    out.sort_unstable();
    out.dedup();
    out
}

/// Calls `f` with each run of letters and digits, at most `limit` times. Walks bytes and
/// decodes only non-ASCII characters: most news text is ASCII, and this runs over every
/// article's lead.
fn for_each_word(text: &str, limit: usize, f: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let (is_word, len) = if bytes[i] < 0x80 {
            (bytes[i].is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        };
        if is_word {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            if seen >= limit {
                return;
            }
            seen += 1;
            f(&text[s..i]);
        }
        i += len;
    }
    if let Some(s) = start {
        if seen < limit {
            f(&text[s..]);
        }
    }
}

/// The text of (sanitized) HTML, tags and entities dropped, cut near `max_bytes` (the
/// character that reaches it is kept whole).
fn strip_tags(html: &str, max_bytes: usize) -> String {
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(max_bytes.min(html.len()) + 4);
    let mut in_tag = false;
    let mut in_entity = false;
    let mut i = 0;
    while i < bytes.len() && out.len() < max_bytes {
        if !in_tag && !in_entity {
            // Text up to the next tag or entity, copied whole.
            let run = memchr::memchr2(b'<', b'&', &bytes[i..]).unwrap_or(bytes.len() - i);
            let mut take = run.min(max_bytes - out.len());
            while !html.is_char_boundary(i + take) {
                take += 1;
            }
            out.push_str(&html[i..i + take]);
            i += take;
            if take < run {
                break;
            }
            if run > 0 {
                continue;
            }
        }
        if in_tag && !in_entity {
            // Nothing in a tag is kept until it ends.
            i += memchr::memchr(b'>', &bytes[i..]).unwrap_or(bytes.len() - i);
            if i == bytes.len() {
                break;
            }
        }
        let c = html[i..].chars().next().expect("char boundary");
        i += c.len_utf8();
        strip_step(c, &mut in_tag, &mut in_entity, &mut out);
    }
    out
}

/// One character of [`strip_tags`]: tags become a space, entities a space (or end at
/// the first character that cannot be part of one), anything else is kept.
fn strip_step(c: char, in_tag: &mut bool, in_entity: &mut bool, out: &mut String) {
    match c {
        '<' => *in_tag = true,
        '>' if *in_tag => {
            *in_tag = false;
            out.push(' ');
        }
        '&' if !*in_tag => *in_entity = true,
        ';' if *in_entity => {
            *in_entity = false;
            out.push(' ');
        }
        c if *in_entity && !(c.is_ascii_alphanumeric() || c == '#') => {
            *in_entity = false;
            out.push(c);
        }
        c if !*in_tag && !*in_entity => out.push(c),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_centred_and_bounded() {
        let window = |list: &[usize], i: usize| -> Vec<usize> {
            window_at(list, list.partition_point(|&x| x < i)).to_vec()
        };
        let list: Vec<usize> = (0..1000).collect();
        let w = window(&list, 500);
        assert_eq!(w.len(), WINDOW + 1);
        assert!(w.contains(&500));
        assert_eq!(window(&list, 0)[0], 0);
        assert_eq!(window(&list, 0).len(), WINDOW + 1);
        assert_eq!(*window(&list, 999).last().unwrap(), 999);
        assert_eq!(window(&list[..3], 1).len(), 3);
    }

    /// The character-by-character reading `strip_tags` must match, cut included.
    fn strip_tags_by_chars(html: &str, max_bytes: usize) -> String {
        let mut out = String::new();
        let (mut in_tag, mut in_entity) = (false, false);
        for c in html.chars() {
            if out.len() >= max_bytes {
                break;
            }
            strip_step(c, &mut in_tag, &mut in_entity, &mut out);
        }
        out
    }

    #[test]
    fn strip_tags_reads_as_char_by_char() {
        let samples = [
            "<p>Cairo&amp;Giza <a href=\"x\">floods</a></p>",
            "Zürich — café<br>é&nbsp;x&amp<b>y</b>;z &#39;q&unterminated",
            "<unclosed tag é and text",
            "plain é text with ünïcode all along, no tags at all",
            "&amp<i>é</i>; a>b < c & d;",
        ];
        for html in samples {
            for max in 0..html.len() + 3 {
                assert_eq!(
                    strip_tags(html, max),
                    strip_tags_by_chars(html, max),
                    "{html:?} cut at {max}"
                );
            }
        }
    }

    #[test]
    fn strips_tags_and_entities() {
        assert_eq!(
            strip_tags("<p>Cairo&amp;Giza <a href=\"x\">floods</a></p>", 100)
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Cairo", "Giza", "floods"]
        );
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let mut words = Vec::new();
        for_each_word("Zürich's café—2023 (AFP)", usize::MAX, &mut |w| {
            words.push(w.to_string())
        });
        assert_eq!(words, ["Zürich", "s", "café", "2023", "AFP"]);
        let mut two = Vec::new();
        for_each_word("one two three", 2, &mut |w| two.push(w.to_string()));
        assert_eq!(two, ["one", "two"]);
    }

    #[test]
    fn words_fold_case() {
        assert_eq!(hash_word("Cairo"), hash_word("cairo"));
        assert_ne!(hash_word("cairo"), hash_word("giza"));
    }
}
