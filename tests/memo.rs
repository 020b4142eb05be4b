//! The memos of derived data (each run of articles' search postings and related-article
//! words, and the related lists): whatever they hold, a build that uses them must give
//! exactly what a build without them gives, and after a small change most runs must be
//! recalled rather than computed again.

use broadsheet::archive::{self, Archive, IndexReport};
use broadsheet::article::Article;
use broadsheet::cache::Memo;
use broadsheet::config::SiteConfig;
use broadsheet::search;
use chrono::TimeZone;

/// Enough articles for several memo runs (1,024 articles each on average).
const N: usize = 3000;

/// A deterministic pseudo-random stream (xorshift), so the articles are the same each time.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

fn words(rng: &mut Rng, count: usize) -> String {
    (0..count)
        .map(|_| format!("word{}", rng.next(400)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn article(i: usize, rng: &mut Rng) -> Article {
    let title = format!("Story {i} {}", words(rng, 4));
    let body = words(rng, 60);
    Article {
        id: format!("news/story-{i}.md"),
        slug: format!("story-{i}"),
        url: String::new(),
        date: Some(
            chrono_tz::UTC
                .with_ymd_and_hms(
                    2020 + (i % 4) as i32,
                    1 + (i % 12) as u32,
                    1 + (i % 28) as u32,
                    9,
                    0,
                    0,
                )
                .unwrap(),
        ),
        authors: vec![format!("Writer {}", rng.next(20))],
        sources: vec![["AFP", "AP", "Reuters"][rng.next(3)].to_string()],
        tags: vec![
            format!("Tag {}", rng.next(40)),
            format!("Tag {}", rng.next(40)),
        ],
        section: Some(["news", "world", "business"][i % 3].to_string()),
        summary: body.chars().take(80).collect(),
        body_html: format!("<p>{body}</p>").into(),
        word_count: 60,
        reading_minutes: 1,
        source_path: format!("content/news/story-{i}.md").into(),
        title,
        ..Article::default()
    }
}

fn site(n: usize) -> Vec<Article> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n).map(|i| article(i, &mut rng)).collect()
}

/// What the memos feed: each article's related articles (by id) and the search files.
type Derived = (Vec<Vec<String>>, Vec<(String, Vec<u8>)>);

fn derive(articles: Vec<Article>, memo: &Memo) -> Derived {
    let mut config = SiteConfig::default();
    config.set_base_url("https://example.org/").unwrap();
    let archive: Archive = archive::index(
        articles,
        &[],
        &[],
        &[],
        &config,
        &mut IndexReport::default(),
        memo,
    );
    let related = archive
        .related
        .iter()
        .map(|l| l.iter().map(|&j| archive.articles[j].id.clone()).collect())
        .collect();
    let ui = broadsheet::render::ui::Ui::new(&config).unwrap();
    let (files, _) = search::build_files(&archive, &ui, memo);
    (related, files)
}

/// Derives `articles` with the memo in `dir` and without one; they must agree. Returns
/// how many results the memo gave.
fn check(dir: &std::path::Path, articles: Vec<Article>) -> usize {
    let memo = Memo::open(dir.to_path_buf(), 42);
    let with = derive(articles.clone(), &memo);
    assert!(!memo.damaged(), "the memo read back wrong");
    let recalled = memo.recalled();
    memo.finish();
    let without = derive(articles, &Memo::disabled());
    assert!(with.0 == without.0, "related lists differ with the memo");
    assert!(with.1 == without.1, "search files differ with the memo");
    assert!(with.0.iter().filter(|l| !l.is_empty()).count() > N / 2);
    recalled
}

#[test]
fn memos_give_what_a_fresh_computation_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("memo");
    let base = site(N);
    assert_eq!(
        check(&dir, base.clone()),
        0,
        "an empty memo recalls nothing"
    );
    // Memo files, without the search postings' side files (read in part, not recalled).
    let runs = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().ends_with(".raw"))
        .count();
    assert!(runs >= 4, "{runs} memo files");

    // Unchanged: everything is recalled, the related lists in one piece.
    let all = check(&dir, base.clone());
    assert_eq!(all, runs);

    // An edit that changes an article's words: the other runs are recalled.
    let mut edited = base.clone();
    edited[1500].body_html = "<p>entirely different vocabulary here</p>".into();
    let recalled = check(&dir, edited);
    assert!(recalled >= 4 && recalled < all, "{recalled} of {all}");

    // A deleted and an added article change only their own runs.
    let mut fewer = base.clone();
    fewer.remove(700);
    let recalled = check(&dir, fewer);
    assert!(recalled >= 4, "{recalled}");
    let mut more = base.clone();
    let mut rng = Rng(7);
    more.push(article(N, &mut rng));
    let recalled = check(&dir, more);
    assert!(recalled >= 4, "{recalled}");

    // Garbled memo files are refused and recomputed.
    check(&dir, base.clone());
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let mut bytes = std::fs::read(entry.path()).unwrap();
        let cut = bytes.len() / 2;
        bytes.truncate(cut);
        bytes.extend([0xFF; 40]);
        std::fs::write(entry.path(), bytes).unwrap();
    }
    check(&dir, base);
}
