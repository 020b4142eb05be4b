//! Real-world inputs end to end: raw scraped text, JSON dumps, YAML/JSON front matter,
//! dates, encodings, duplicates and the `check` report, on fixture sites and on the
//! shared corpus.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use broadsheet::article::Article;
use broadsheet::config::SiteConfig;
use broadsheet::ingest::{self, LoadOptions};
use broadsheet::report;
use chrono::{Datelike, Timelike};
use common::*;

const CONFIG: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org/\"\ntimezone = \"Africa/Cairo\"\nper_page = 20\n";

/// A made-up story in the seed's scraped layout: NBSPs, a photo block, quotes, a trailer.
const SCRAPED: &str = "Nile ferry service resumes after repairs \n\nMENA , Amira Hassan , Sunday 12 Feb 2023\n\nThe Nile ferry between Giza and Maadi resumed service on Sunday after\u{a0}three weeks of repairs to its landing stages.\n\nBack on the water\nFile photo: A ferry crosses the Nile at dusk. Reuters\n\n\u{a0}\n\n\"We missed it every morning,\" said one commuter, who crosses the river daily.\n\nThe operator said fares are\u{a0}unchanged &amp; timetables will follow next week.\n\nShort link:\n";

/// The shared folder beside the repository, when present.
fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

fn load(site: &Site) -> ingest::Loaded {
    let config = SiteConfig::load(site.dir()).expect("config");
    ingest::load(
        &site.dir().join("content"),
        site.dir(),
        &config,
        LoadOptions::default(),
    )
}

fn only(loaded: &ingest::Loaded) -> &Article {
    assert_eq!(loaded.articles.len(), 1, "{:?}", loaded.diagnostics);
    &loaded.articles[0]
}

fn paragraphs(a: &Article) -> usize {
    a.body_html.text().matches("<p>").count()
}

#[test]
fn seed_file_gives_its_exact_record() {
    let Some(shared) = shared() else { return };
    let seed = fs::read_to_string(shared.join("seed/iraq-austin-visit.txt")).unwrap();
    let site = Site::new(CONFIG);
    site.write("content/world/iraq-austin-visit.txt", &seed);
    let loaded = load(&site);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let a = only(&loaded);
    assert_eq!(
        a.title,
        "Pentagon chief visits Iraq nearly 20 years after US-led invasion"
    );
    let d = a.date.expect("dated");
    assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2023, 3, 7, 0));
    assert_eq!(d.timezone().name(), "Africa/Cairo");
    assert_eq!(a.sources, vec!["AFP", "AP"]);
    assert!(a.authors.is_empty());
    assert_eq!(a.section.as_deref(), Some("World"));
    let img = a.image.as_ref().expect("photo block");
    assert_eq!(img.src, None);
    assert_eq!(img.title.as_deref(), Some("US in Iraq"));
    assert_eq!(
        img.caption.as_deref(),
        Some("File photo: US official said they have increased security and defensive measures at Iraqi bases which host coalition troops.")
    );
    assert_eq!(img.credit.as_deref(), Some("AFP"));
    assert_eq!(
        a.summary,
        "US Defense Secretary Lloyd Austin arrived in Iraq on Tuesday on an unannounced visit barely two weeks before the 20th anniversary of the US-led invasion that toppled Saddam Hussein."
    );
    // The lede plus twelve paragraphs; the photo block and the trailer are not text.
    assert_eq!(paragraphs(a), 13);
    assert!(!a.body_html.text().contains("Short link"));
    assert!(!a.body_html.text().contains('\u{a0}'));
    assert!(!a.body_html.text().contains("US in Iraq"));
    assert!(a
        .body_html
        .text()
        .contains("<p>\"We strive for that,\" he added. \"I don't see"));
    assert!(a.body_html.text().contains("Iraq has endured nearly two decades of turmoil since a US-led coalition invaded Iraq in 2003."));
    assert_eq!(a.word_count, 355);
    assert_eq!(a.reading_minutes, 2);

    // On the page: a figure with its caption and credit but no picture.
    site.build_ok();
    let doc = site.html(
        "2023/03/07/pentagon-chief-visits-iraq-nearly-20-years-after-us-led-invasion/index.html",
    );
    assert!(select(&doc, ".lead-image img").is_empty());
    assert_eq!(texts(&doc, ".lead-image .credit"), vec!["AFP"]);
    assert_eq!(texts(&doc, ".byline .sources a"), vec!["AFP", "AP"]);
    assert_eq!(select(&doc, ".body p").len(), 13);
}

#[test]
fn scraped_layout_rules() {
    let site = Site::new(CONFIG);
    site.write("content/egypt/ferry.txt", SCRAPED);
    let loaded = load(&site);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let a = only(&loaded);
    assert_eq!(a.title, "Nile ferry service resumes after repairs");
    assert_eq!(a.sources, vec!["MENA"]);
    assert_eq!(a.authors, vec!["Amira Hassan"]);
    assert_eq!(a.date.unwrap().day(), 12);
    assert_eq!(a.section.as_deref(), Some("Egypt"));
    let img = a.image.as_ref().unwrap();
    assert_eq!(img.title.as_deref(), Some("Back on the water"));
    assert_eq!(img.credit.as_deref(), Some("Reuters"));
    assert_eq!(paragraphs(a), 3);
    assert!(a.summary.contains("after three weeks"));
    assert!(a
        .body_html
        .text()
        .contains("\"We missed it every morning,\" said one commuter"));
    assert!(a.body_html.text().contains("unchanged &amp; timetables"));
    assert!(!a.body_html.text().contains('\u{a0}') && !a.body_html.text().contains("Short link"));
}

#[test]
fn photo_captions_switch_drops_the_figure() {
    let site = Site::new(&format!("{CONFIG}[ingest]\nphoto_captions = false\n"));
    site.write("content/egypt/ferry.txt", SCRAPED);
    let loaded = load(&site);
    let a = only(&loaded);
    assert!(a.image.is_none());
    assert!(
        !a.body_html.text().contains("File photo")
            && !a.body_html.text().contains("Back on the water")
    );
}

#[test]
fn configured_trailers_and_agencies() {
    let site = Site::new(&format!(
        "{CONFIG}[ingest]\ntrailers = [\"Follow us on Twitter\", \"Read more:\"]\nagencies = [\"Nile News\"]\n"
    ));
    site.write(
        "content/egypt/x.txt",
        "Headline here\n\nNile News, 3 Jan 2023\n\nFirst paragraph.\n\nRead more: another story\n\nLast paragraph.\n\nFollow us on Twitter @site\n",
    );
    let loaded = load(&site);
    let a = only(&loaded);
    assert_eq!(a.sources, vec!["Nile News"]);
    assert_eq!(paragraphs(a), 2);
    assert!(!a.body_html.text().contains("Read more") && !a.body_html.text().contains("Twitter"));
}

#[test]
fn plain_text_layout_is_kept_undated_and_listed() {
    let site = Site::new(CONFIG);
    site.write(
        "content/sport/mutu.txt",
        "Chelsea sack Mutu  \n\nChelsea have sacked Adrian Mutu after he failed a drugs test.\n\nThe club said it had no choice.\n",
    );
    site.article("world/a.md", &fm("Dated", "2023-03-07"), "x");
    let r = site.build_ok();
    assert!(
        r.stderr
            .contains("warning: content/sport/mutu.txt:1: no date found"),
        "{}",
        r.stderr
    );
    let doc = site.html("undated/index.html");
    assert!(texts(&doc, ".card h2 a")
        .iter()
        .any(|t| t == "Chelsea sack Mutu"));
    let page = site.html("undated/chelsea-sack-mutu/index.html");
    assert_eq!(texts(&page, "h1"), vec!["Chelsea sack Mutu"]);
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn latin1_crlf_and_bom_are_read() {
    let site = Site::new(CONFIG);
    fs::create_dir_all(site.dir().join("content/business")).unwrap();
    // Windows-1252: 0xA3 is the pound sign, 0x92 a typographic apostrophe.
    fs::write(
        site.dir().join("content/business/pound.txt"),
        b"Pound hits \xa3 high\r\n\r\nReuters, 7 Mar 2023\r\n\r\nThe pound\x92s rise went on.\r\n",
    )
    .unwrap();
    fs::write(
        site.dir().join("content/business/bom.txt"),
        "\u{feff}Bom headline\r\n\r\nAP, 8 Mar 2023\r\n\r\nText.\r\n",
    )
    .unwrap();
    let loaded = load(&site);
    let enc: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.kind == "encoding")
        .collect();
    assert_eq!(enc.len(), 1, "{:?}", loaded.diagnostics);
    assert_eq!(enc[0].path, Path::new("content/business/pound.txt"));
    assert_eq!(enc[0].line, Some(1));
    let by_title = |t: &str| loaded.articles.iter().find(|a| a.title == t).unwrap();
    assert!(by_title("Pound hits \u{a3} high")
        .body_html
        .text()
        .contains("pound\u{2019}s rise"));
    assert_eq!(by_title("Bom headline").sources, vec!["AP"]);
    // The warning quotes the line as it was read, not as replacement characters.
    let r = site.build_ok();
    assert!(
        r.stderr.contains("| Pound hits \u{a3} high"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains('\u{fffd}'), "{}", r.stderr);
}

#[test]
fn json_lines_dump_with_a_bad_line_still_builds() {
    let site = Site::new(CONFIG);
    let mut dump = String::new();
    for i in 1..=5 {
        if i == 3 {
            dump.push_str("{\"headline\": \"broken\", \n");
            continue;
        }
        dump.push_str(&format!(
            "{{\"headline\": \"Story {i}\", \"datePublished\": \"March {i}, 2023\", \"author\": [\"Reuters\", \"Jane Doe\"], \"section\": \"business\", \"keywords\": [\"trade\"], \"articleBody\": \"<p>Paragraph one of story {i}.</p><p>Two.</p>\", \"url\": \"https://x.org/{i}\"}}\n"
        ));
    }
    site.write("content/dumps/export.jsonl", &dump);
    let r = site.build_ok();
    assert!(
        r.stderr
            .contains("content/dumps/export.jsonl:3: record is not valid JSON"),
        "{}",
        r.stderr
    );
    for i in [1, 2, 4, 5] {
        let doc = site.html(&format!("2023/03/{i:02}/story-{i}/index.html"));
        assert_eq!(texts(&doc, ".byline .sources a"), vec!["Reuters"]);
        assert_eq!(texts(&doc, ".kicker a"), vec!["Business"]);
        assert_eq!(select(&doc, ".body p").len(), 2);
    }
    assert!(site.out().join("authors/jane-doe/index.html").is_file());
    assert_links_resolve(&site.out(), "/");
}

/// Files named in Latin-1 (unpacked from an old Windows archive) are distinct articles
/// with distinct ids: both names once read as `caf\u{fffd}.md`, one id for two stories
/// (one feed entry id, and the report gave both files the first one's URL).
#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_keep_distinct_ids() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::new(CONFIG);
    site.article("n/keep.md", &fm("Keep", "2023-03-05"), "Kept.");
    for (byte, title) in [(0xe9u8, "Acute"), (0xe8, "Grave")] {
        let name = [b"caf".as_slice(), &[byte], b".md"].concat();
        let path = site
            .dir()
            .join("content/n")
            .join(std::ffi::OsStr::from_bytes(&name));
        fs::write(
            path,
            format!("+++\n{}\n+++\nStory {title}.\n", fm(title, "2023-03-07")),
        )
        .unwrap();
    }
    let loaded = load(&site);
    let mut ids: Vec<&str> = loaded.articles.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["n/caf%E8.md", "n/caf%E9.md", "n/keep.md"]);
    site.build_ok();
    let feed = site.read("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 3);
    let mut entry_ids: Vec<&str> = feed
        .split("<id>")
        .skip(2)
        .map(|e| e.split('<').next().unwrap())
        .collect();
    entry_ids.dedup();
    assert_eq!(entry_ids.len(), 3, "{feed}");
}

/// A soft hyphen or a bidi mark left in a scraped tag shows nothing: the tag is the one
/// spelled without it, not a look-alike that took its URL and pushed it to `iraq-2`.
#[test]
fn invisible_characters_do_not_make_a_term_of_their_own() {
    let site = Site::new(CONFIG);
    site.write(
        "content/d/z.jsonl",
        "{\"title\":\"A\",\"date\":\"2023-03-07\",\"tags\":[\"I\\u00adraq\"],\"body\":\"x\"}\n{\"title\":\"B\",\"date\":\"2023-03-08\",\"tags\":[\"Iraq\",\"\\u200f\"],\"body\":\"y\"}\n{\"title\":\"C\",\"date\":\"2023-03-09\",\"tags\":[\"Iraq\"],\"body\":\"z\"}\n",
    );
    let r = site.build_ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert!(!site.out().join("tags/iraq-2").exists());
    let page = site.html("tags/iraq/index.html");
    assert_eq!(select(&page, "article").len(), 3);
    assert_eq!(texts(&page, "h1"), ["Tag: Iraq"]);
}

/// A body that is all one line (a scraper's output, an export without paragraph breaks)
/// is not its own summary: that put the whole text in every listing, feed and
/// description. Its first sentences are, or its first words when it has no sentences.
#[test]
fn a_body_on_one_line_is_not_its_own_summary() {
    let site = Site::new(CONFIG);
    let sentences = "The talks in Cairo went on late into the night, officials said. ".repeat(2000);
    site.write(
        "content/w/one-line.txt",
        &format!("One line story\n\nAFP, Tuesday 7 Mar 2023\n\n{sentences}\n"),
    );
    site.write(
        "content/w/words.txt",
        &format!(
            "Words story\n\nAFP, Tuesday 7 Mar 2023\n\n{}\n",
            "word ".repeat(50_000)
        ),
    );
    site.write(
        "content/w/short.txt",
        "Short story\n\nAFP, Tuesday 7 Mar 2023\n\nA lede of one sentence. And a second one.\n\nMore.\n",
    );
    let loaded = load(&site);
    let summary = |title: &str| {
        let a = loaded
            .articles
            .iter()
            .find(|a| a.title == title)
            .expect(title);
        assert!(a.word_count >= 3, "{title}: the body is kept whole");
        a.summary.clone()
    };
    let s = summary("One line story");
    assert!(s.chars().count() <= 1500 && s.len() > 1000, "{}", s.len());
    assert!(
        s.ends_with("officials said.") && sentences.starts_with(&s),
        "{s}"
    );
    let s = summary("Words story");
    assert!(s.chars().count() <= 1501 && s.ends_with("word…"), "{s}");
    assert_eq!(
        summary("Short story"),
        "A lede of one sentence. And a second one."
    );
    site.build_ok();
    let home = site.read("index.html");
    assert!(home.len() < 60_000, "{}", home.len());
}

/// `20230307` as a number (TOML, YAML or JSON) or a string is ISO 8601's basic form of
/// the day, as CMS exports write it; read as seconds it was a silent 23 August 1970.
#[test]
fn eight_digit_dates_are_days_not_seconds() {
    let site = Site::new(CONFIG);
    site.write(
        "content/n/yaml.md",
        "---\ntitle: Yaml number\ndate: 20230307\n---\nBody one.\n",
    );
    site.write(
        "content/n/toml.md",
        "+++\ntitle = \"Toml number\"\ndate = 20230308\n+++\nBody two.\n",
    );
    site.write(
        "content/n/dump.jsonl",
        "{\"title\": \"Dump number\", \"date\": 20230309, \"body\": \"Body three.\"}\n{\"title\": \"Dump string\", \"date\": \"20230310\", \"body\": \"Body four.\"}\n{\"title\": \"Dump seconds\", \"date\": 1678190400, \"body\": \"Body five.\"}\n",
    );
    let loaded = load(&site);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let mut days: Vec<(String, String)> = loaded
        .articles
        .iter()
        .map(|a| {
            let d = a.date.expect("dated");
            (a.title.clone(), d.format("%Y-%m-%d %H:%M").to_string())
        })
        .collect();
    days.sort();
    assert_eq!(
        days,
        [
            ("Dump number", "2023-03-09 00:00"),
            ("Dump seconds", "2023-03-07 14:00"),
            ("Dump string", "2023-03-10 00:00"),
            ("Toml number", "2023-03-08 00:00"),
            ("Yaml number", "2023-03-07 00:00"),
        ]
        .map(|(t, d)| (t.to_string(), d.to_string()))
    );
}

#[test]
fn json_dump_with_custom_field_names() {
    let site = Site::new(&format!(
        "{CONFIG}[ingest]\ndate_order = \"day-first\"\n[ingest.fields]\ntitle = [\"hed\"]\ndate = [\"when\"]\nbody = [\"story\"]\n"
    ));
    site.write(
        "content/api/feed.json",
        "{\"items\": [\n {\"hed\": \"Custom one\", \"when\": \"07/03/2023\", \"story\": \"Text one.\"},\n {\"hed\": \"Custom two\", \"when\": 1678190400, \"story\": \"Text two.\"}\n]}\n",
    );
    let loaded = load(&site);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let dates: Vec<_> = loaded
        .articles
        .iter()
        .map(|a| (a.title.as_str(), a.date.unwrap().month(), a.source_line))
        .collect();
    assert_eq!(
        dates,
        vec![("Custom one", 3, Some(2)), ("Custom two", 3, Some(3))]
    );
}

#[test]
fn ambiguous_numeric_dates_warn_and_are_not_guessed() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/d.jsonl",
        "{\"title\": \"Numeric\", \"date\": \"07/03/2023\", \"body\": \"b\"}\n",
    );
    let loaded = load(&site);
    let a = only(&loaded);
    assert!(a.date.is_none());
    let d = &loaded.diagnostics[0];
    assert_eq!((d.kind.as_ref(), d.line), ("ambiguous-date", Some(1)));
    assert!(d.message.contains("date_order"), "{d}");
}

#[test]
fn bad_ingest_config_names_the_key() {
    let site = Site::new(&format!("{CONFIG}[ingest]\ndate_order = \"sideways\"\n"));
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("site.toml:6"), "{}", r.stderr);
    assert!(r.stderr.contains("sideways"), "{}", r.stderr);
    let site = Site::new(&format!("{CONFIG}[ingest]\ntrailers = [\" \"]\n"));
    let r = site.build(&[]);
    assert!(r.stderr.contains("ingest.trailers"), "{}", r.stderr);
}

#[test]
fn yaml_front_matter_bad_date_stays_an_error() {
    let site = Site::new(CONFIG);
    site.write(
        "content/world/x.md",
        "---\ntitle: Fine\ndate: next Tuesday\n---\nBody.\n",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("error: content/world/x.md:3: date 'next Tuesday' is not a date"),
        "{}",
        r.stderr
    );
}

#[test]
fn duplicates_are_kept_once_and_named() {
    let site = Site::new(CONFIG);
    let body = "The central bank kept its main lending rate unchanged on Thursday, citing slowing inflation and steady growth in the second quarter.";
    site.article(
        "business/rates.md",
        &fm("Central bank holds rates", "2023-03-09"),
        body,
    );
    // The same story scraped, with other spacing and furniture; and again in a dump.
    site.write(
        "content/business/rates.txt",
        &format!(
            "Central bank holds rates\n\nAFP, 9 Mar 2023\n\n{}\n\nShort link:\n",
            body.replace(' ', "\u{a0} ")
        ),
    );
    site.write(
        "content/business/dump.jsonl",
        &format!(
            "{{\"title\": \"Central Bank Holds Rates\", \"date\": \"2023-03-09\", \"body\": \"To follow.\"}}\n{{\"title\": \"Other\", \"date\": \"2023-03-10\", \"body\": \"{body}\"}}\n{{\"title\": \"Kept\", \"date\": \"2023-03-10\", \"body\": \"Unique.\"}}\n{{\"title\": \"A year on\", \"date\": \"2024-03-09\", \"body\": \"{body}\"}}\n{{\"title\": \"Central bank holds rates\", \"date\": \"2023-06-01\", \"body\": \"{body}\"}}\n"
        ),
    );
    let r = site.build_ok();
    // The same text re-run a year later under another headline is another
    // publication, kept; under the same headline it is the same story.
    assert!(site.out().join("2024/03/09/a-year-on/index.html").is_file());
    assert!(!r.stderr.contains("dump.jsonl:4"), "{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("dump.jsonl:5") && l.contains("kept once")),
        "{}",
        r.stderr
    );
    for folded in [
        "content/business/rates.txt",
        "content/business/dump.jsonl:1",
        "content/business/dump.jsonl:2",
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(folded)
                    && l.contains("kept once, from content/business/rates.md")),
            "{folded}:\n{}",
            r.stderr
        );
    }
    let home = site.html("index.html");
    assert_eq!(
        texts(&home, ".card h2 a")
            .iter()
            .filter(|t| t.contains("Central"))
            .count(),
        1,
        "{}",
        site.read("index.html")
    );
    assert!(site.out().join("2023/03/10/kept/index.html").is_file());

    let rep = report::ingest_report(site.dir(), false).unwrap();
    assert_eq!(rep.duplicates, 4);
    let txt = rep
        .files
        .iter()
        .find(|f| f.path == "content/business/rates.txt")
        .unwrap();
    assert_eq!(txt.outcome, "skipped");
    assert!(txt.reason.as_deref().unwrap().contains("duplicate"));
    let dump = rep
        .files
        .iter()
        .find(|f| f.path == "content/business/dump.jsonl")
        .unwrap();
    assert_eq!(
        (dump.outcome, dump.duplicates, dump.urls.len()),
        ("published", 3, 2)
    );
}

/// One headline over different stories (a daily "Market report", "Corrections") keeps
/// each story; under the same headline, a copy of one of them still folds into it.
#[test]
fn a_recurring_headline_over_different_stories_keeps_each() {
    let site = Site::new(CONFIG);
    let morning = "Shares rose on the exchange this morning as traders weighed fresh data on inflation and jobs in the region, while oil prices fell.";
    let evening = "Stocks closed lower in the afternoon session after the central bank signalled that interest rates would stay high for longer than expected.";
    for (file, slug, body) in [
        ("m1.md", "market-report-morning", morning),
        ("m2.md", "market-report-evening", evening),
    ] {
        site.article(
            &format!("business/{file}"),
            &format!("{}\nslug = \"{slug}\"", fm("Market report", "2023-03-07")),
            body,
        );
    }
    // The evening report again, lightly edited, scraped under the same headline.
    site.write(
        "content/business/m2-scraped.txt",
        &format!(
            "Market report\n\nAFP, 7 Mar 2023\n\n{} Trading volumes were thin.\n",
            evening.replace("longer than expected", "longer than markets expected")
        ),
    );
    // Undated copies of an undated story, in one section.
    let undated = "The council approved the new bus routes after a long public consultation that drew hundreds of comments from residents and shops.";
    site.write(
        "content/local/a.txt",
        &format!("Bus routes approved\n\n{undated}\n"),
    );
    site.write(
        "content/local/b.txt",
        &format!("Bus routes approved\n\n{undated} The routes start in May.\n"),
    );
    let r = site.build_ok();
    for slug in ["market-report-morning", "market-report-evening"] {
        assert!(
            site.out()
                .join(format!("2023/03/07/{slug}/index.html"))
                .is_file(),
            "{slug}:\n{}",
            r.stderr
        );
    }
    let folded: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("kept once"))
        .collect();
    assert_eq!(folded.len(), 2, "{}", r.stderr);
    assert!(
        folded
            .iter()
            .any(|l| l.contains("content/business/m2-scraped.txt")
                && l.contains("(same title and date)")
                && l.contains("kept once, from content/business/m2.md")),
        "{}",
        r.stderr
    );
    assert!(
        // The longer copy is the one kept.
        folded.iter().any(|l| l.contains("content/local/a.txt")
            && l.contains("(same title and section, undated)")
            && l.contains("kept once, from content/local/b.txt")),
        "{}",
        r.stderr
    );
}

/// Stubs under a headline fold into the fullest story under it, and never take in a
/// full story: the story would be lost with it.
#[test]
fn a_stub_never_absorbs_a_full_story() {
    let site = Site::new(CONFIG);
    let record = |body: &str| {
        format!(
            "{{\"title\": \"Market report\", \"date\": \"2023-03-07\", \"body\": \"{body}\"}}\n"
        )
    };
    let morning = "Shares rose on the exchange this morning as traders weighed fresh data on inflation and jobs in the region.";
    let evening = "Stocks closed lower in the afternoon session after the central bank signalled that rates would stay high.";
    site.write(
        "content/markets/dump.jsonl",
        &[
            record("To follow."),
            record(morning),
            record("More soon."),
            record(evening),
        ]
        .concat(),
    );
    let r = site.build_ok();
    let folded: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("kept once"))
        .collect();
    assert_eq!(folded.len(), 2, "{}", r.stderr);
    for (stub, l) in ["dump.jsonl:1", "dump.jsonl:3"].iter().zip(&folded) {
        assert!(
            l.contains(stub) && l.contains("kept once, from content/markets/dump.jsonl:2"),
            "{}",
            r.stderr
        );
    }
    for url in ["market-report", "market-report-2"] {
        assert!(
            site.out()
                .join(format!("2023/03/07/{url}/index.html"))
                .is_file(),
            "{url}: {}",
            r.stderr
        );
    }
    assert!(!site.out().join("2023/03/07/market-report-3").exists());
}

/// Short stories under one headline on one day are stories of their own unless one
/// repeats another's words: two "Correction" notices both stay, a teaser of a story folds
/// into it.
#[test]
fn short_stories_under_one_headline_stay_apart() {
    let site = Site::new(CONFIG);
    let note = |file: &str, time: &str, body: &str| {
        site.write(
            &format!("content/notices/{file}"),
            &format!("+++\ntitle = \"Correction\"\ndate = 2023-03-07T{time}:00Z\n+++\n{body}\n"),
        );
    };
    note(
        "c1.md",
        "09:00",
        "An article on Monday misstated the year the bridge opened. It opened in 1932.",
    );
    note(
        "c2.md",
        "17:00",
        "A photo caption on Tuesday misidentified the mayor of Leeds.",
    );
    note("c3.md", "12:00", "Jones, not Johns.");
    let story = "Shares rose on the exchange this morning as traders weighed fresh data on inflation and jobs in the region.";
    site.write(
        "content/markets/dump.jsonl",
        &format!(
            "{{\"title\": \"Market report\", \"date\": \"2023-03-07\", \"body\": \"{story}\"}}\n{{\"title\": \"Market report\", \"date\": \"2023-03-07\", \"body\": \"Shares rose on the exchange this morning as traders weighed data.\"}}\n"
        ),
    );
    let r = site.build_ok();
    let folded: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("kept once"))
        .collect();
    assert_eq!(folded.len(), 1, "{}", r.stderr);
    assert!(folded[0].contains("dump.jsonl:2"), "{}", r.stderr);
    for url in ["correction", "correction-2", "correction-3"] {
        assert!(
            site.out()
                .join(format!("2023/03/07/{url}/index.html"))
                .is_file(),
            "{url}: {}",
            r.stderr
        );
    }
}

/// Of two copies of a story, the dated one is kept, then the longer one: a scraped copy
/// with its byline beats one without, a re-issue with more text beats the first cut.
#[test]
fn the_fullest_copy_of_a_story_is_kept() {
    let site = Site::new(CONFIG);
    let story = "Defence Secretary Lloyd Austin arrived in Baghdad on an unannounced visit, the first by a Pentagon chief in more than a decade, officials said.";
    site.write(
        "content/world/a-copy.txt",
        &format!("Pentagon chief visits Iraq\n\n{story}\n"),
    );
    site.write(
        "content/world/b-copy.txt",
        &format!("Pentagon chief visits Iraq\n\nAFP , AP , Tuesday 7 Mar 2023\n\n{story}\n"),
    );
    let first = "The minister said talks would resume next week after the two sides agreed on a timetable for the handover of the northern bases.";
    site.write(
        "content/world/talks-1.txt",
        &format!("Talks to resume\n\nAFP, 8 Mar 2023\n\n{first}\n"),
    );
    site.write(
        "content/world/talks-2.txt",
        &format!("Talks to resume\n\nAFP, 8 Mar 2023\n\n{first}\n\nThe handover is due to finish by the end of the year, a spokesman added.\n"),
    );
    let r = site.build_ok();
    for (folded, kept) in [("a-copy", "b-copy"), ("talks-1", "talks-2")] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(&format!("content/world/{folded}.txt"))
                    && l.contains(&format!("kept once, from content/world/{kept}.txt"))),
            "{folded}: {}",
            r.stderr
        );
    }
    let page = site.read("2023/03/07/pentagon-chief-visits-iraq/index.html");
    assert!(page.contains("AFP"), "{page}");
    assert!(site
        .read("2023/03/08/talks-to-resume/index.html")
        .contains("spokesman added"));
}

#[test]
fn mixed_formats_make_one_archive_and_check_accounts_for_every_file() {
    let site = Site::new(CONFIG);
    site.write("content/egypt/ferry.txt", SCRAPED);
    site.write(
        "content/business/export.jsonl",
        "{\"headline\": \"Cotton exports rebound\", \"datePublished\": \"Tue, 14 Feb 2023 09:00:00 +0200\", \"author\": \"Reuters\", \"articleBody\": \"Egypt's cotton exports rose.\\n\\nTraders expect more.\"}\n",
    );
    site.write(
        "content/culture/festival.md",
        "---\ntitle: Film festival opens\ndate: 2023-02-15 18:00:00 +0200\nauthor: Jane Doe\ntags: [Film, Cairo]\n---\nThe festival opened.\n\nIt runs a week.\n",
    );
    site.article(
        "world/talks.md",
        "title = \"Water talks resume\"\ndate = 2023-02-16\nsources = [\"AP\"]",
        "Talks resumed.\n\nNo deal yet.",
    );
    site.write("content/world/notes.pdf", "pdf");
    site.write("content/world/.draft.txt", "x");
    site.build_ok();
    for (url, title) in [
        (
            "2023/02/12/nile-ferry-service-resumes-after-repairs/",
            "Nile ferry service resumes after repairs",
        ),
        (
            "2023/02/14/cotton-exports-rebound/",
            "Cotton exports rebound",
        ),
        ("2023/02/15/film-festival-opens/", "Film festival opens"),
        ("2023/02/16/water-talks-resume/", "Water talks resume"),
    ] {
        let doc = site.html(&format!("{url}index.html"));
        // The same page structure whatever the input format.
        assert_eq!(texts(&doc, "article.story h1"), vec![title], "{url}");
        assert_eq!(select(&doc, "article.story .byline time").len(), 1, "{url}");
        assert!(select(&doc, "article.story .body p").len() >= 2, "{url}");
        assert_eq!(select(&doc, "article.story .kicker a").len(), 1, "{url}");
    }
    assert_eq!(
        texts(&site.html("index.html"), ".card h2 a")
            .iter()
            .filter(|t| !t.is_empty())
            .count(),
        4
    );
    assert_links_resolve(&site.out(), "/");

    let json = site.dir().join("report.json");
    let r = run(&[
        "check",
        "--root",
        site.dir().to_str().unwrap(),
        "--report",
        json.to_str().unwrap(),
    ]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Checked 6 files: 4 articles"),
        "{}",
        r.stdout
    );
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let files = v["files"].as_array().unwrap();
    let row = |p: &str| {
        files
            .iter()
            .find(|f| f["path"] == p)
            .unwrap_or_else(|| panic!("{p} missing from {files:?}"))
    };
    assert_eq!(files.len(), 6);
    assert_eq!(row("content/egypt/ferry.txt")["format"], "text");
    assert_eq!(
        row("content/business/export.jsonl")["urls"][0],
        "/2023/02/14/cotton-exports-rebound/"
    );
    assert_eq!(row("content/culture/festival.md")["outcome"], "published");
    assert_eq!(row("content/world/notes.pdf")["outcome"], "skipped");
    assert!(row("content/world/.draft.txt")["reason"]
        .as_str()
        .unwrap()
        .contains("hidden"));
    let formats: Vec<&str> = v["formats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, vec!["markdown", "jsonl", "text"]);
}

/// Every file of `../shared/corpus` ingests without a panic and is accounted for; the
/// figures measured when this was written are the floors.
#[test]
fn shared_corpus_is_accounted_for() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus");
    let site = Site::new(CONFIG);
    let mut count = 0;
    for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() || entry.file_name() == "README.md" {
            continue;
        }
        let rel = entry.path().strip_prefix(&corpus).unwrap();
        let to = site.dir().join("content").join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::copy(entry.path(), to).unwrap();
        count += 1;
    }
    let config = SiteConfig::load(site.dir()).unwrap();
    let rep = report::report_with(site.dir(), &config, false);
    assert_eq!(rep.files.len(), count, "every corpus file is in the report");
    assert!(rep
        .files
        .iter()
        .all(|f| f.outcome == "published" || f.reason.is_some()));
    assert_eq!(
        rep.errors,
        0,
        "{:?}",
        rep.diagnostics.iter().find(|d| d.is_error())
    );
    // Measured: 2,003 files -> 1,872 articles, 492 dated (26.3%), 629 duplicates folded.
    assert!(
        rep.dated_share() > 0.25,
        "dated share {}",
        rep.dated_share()
    );
    assert!(rep.articles > 1800, "{}", rep.articles);
    let jsonl = rep.formats.iter().find(|f| f.format == "jsonl").unwrap();
    assert_eq!(jsonl.undated, 0, "every dump record has a readable date");

    let loaded = ingest::load(
        &site.dir().join("content"),
        site.dir(),
        &config,
        LoadOptions::default(),
    );
    for a in &loaded.articles {
        assert!(!a.title.trim().is_empty(), "{}", a.id);
        assert!(!a.body_html.text().contains("Short link"), "{}", a.id);
        assert!(!a.body_html.text().contains('\u{a0}'), "{}", a.id);
        assert!(a.word_count > 0, "{}", a.id);
    }
}

#[test]
fn records_wanting_one_url_are_both_published_and_named() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/dump.jsonl",
        "{\"title\": \"Same story\", \"date\": \"2023-03-07\", \"body\": \"One.\"}\n{\"title\": \"Same Story!\", \"date\": \"2023-03-07\", \"body\": \"Two.\"}\n",
    );
    site.write("content/x/empty.jsonl", "{oops\n[]\n");
    let r = site.build(&[]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: content/x/dump.jsonl:2: content/x/dump.jsonl:1 already has the URL /2023/03/07/same-story/; this article is published at /2023/03/07/same-story-2/ instead"),
        "{}",
        r.stderr
    );
    let first = site.html("2023/03/07/same-story/index.html");
    let second = site.html("2023/03/07/same-story-2/index.html");
    assert_eq!(texts(&first, "h1"), ["Same story"]);
    assert_eq!(texts(&second, "h1"), ["Same Story!"]);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("content/x/empty.jsonl: holds no article")),
        "{}",
        r.stderr
    );
    // Strict builds refuse the warning, as any other.
    assert!(!site.build(&["--strict"]).ok);
}

/// Jekyll reads front matter as YAML 1.1, where `published: no` is false: such a post
/// stays unpublished here too (it was read as a string, taken for a date beside the real
/// one, and the post was published). `draft: yes` and a quoted `"false"` are booleans.
#[test]
fn yes_and_no_are_booleans_in_front_matter() {
    let site = Site::new(CONFIG);
    site.write(
        "content/_posts/2005-02-09-hidden.md",
        "---\ntitle: Hidden\ndate: 2005-02-09\npublished: no\n---\nSecret.\n",
    );
    site.write(
        "content/_posts/2005-02-10-hidden-too.md",
        "---\ntitle: Hidden too\npublished: Off\n---\nSecret.\n",
    );
    site.write(
        "content/n/draft.md",
        "---\ntitle: Draft yes\ndate: 2005-02-11\ndraft: yes\n---\nSecret.\n",
    );
    site.write(
        "content/n/shown.md",
        "---\ntitle: Shown\ndate: 2005-02-12\ndraft: \"false\"\npublished: yes\n---\nPublic.\n",
    );
    site.write(
        "content/_posts/2005-02-13-dated-by-name.md",
        "---\ntitle: Dated by name\npublished: yes\n---\nPublic.\n",
    );
    let loaded = load(&site);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let titles: Vec<(&str, String)> = loaded
        .articles
        .iter()
        .map(|a| (a.title.as_str(), a.date.unwrap().date_naive().to_string()))
        .collect();
    assert_eq!(
        titles,
        [
            ("Dated by name", "2005-02-13".to_string()),
            ("Shown", "2005-02-12".to_string())
        ]
    );
    let r = site.build_ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert!(!site.out().join("2005/02/09").exists());
}

/// An archive moving over from Hugo or Jekyll keeps its posts, their addresses and their
/// summaries, without hand editing.
#[test]
fn posts_from_hugo_and_jekyll_keep_their_meaning() {
    let site = Site::new("title = \"M\"\nbase_url = \"https://example.org/archive/\"\n");
    // Jekyll: the date and slug are in the file name; `published: false` is a draft;
    // `_drafts/` holds undated drafts; `_posts` is no section; `permalink` redirects.
    site.write(
        "content/_posts/2005-02-09-unpublished.md",
        "---\ntitle: Hidden\ndate: 2005-02-09\npublished: false\n---\nSecret.\n",
    );
    site.write(
        "content/_posts/2005-02-07-ad-sales-boost.md",
        "---\ntitle: Ad sales boost Time Warner profit\npermalink: /business/ad-sales-boost.html\nexcerpt_separator: <!--cut-->\ncategories: business media\n---\nFirst para.\n\nSecond **para**.\n<!--cut-->\nThird.\n",
    );
    site.write("content/_drafts/u.md", "---\ntitle: Draft\n---\nx\n");
    // Hugo: `publishDate`, `images`, `url`, Markdown in `summary`, `{#id}`, an empty
    // value, a list of authors taken as written, `<!--more-->`.
    site.write(
        "content/posts/p.md",
        "---\ntitle: P\npublishDate: 2005-03-01T08:00:00Z\nimages: [\"/img/a.png\"]\nurl: /2004/03/old-story.html\nsummary: \"**Bold** claim with [a link](https://x.org)\"\ndraft:\nauthors: [\"Procter & Gamble Staff\"]\n---\n## Background {#bg}\n\n## fn-1\n\n## Given {#fn-1}\n\nText[^1] <span id=\"main\">x</span><noscript><p>Enable scripts</p></noscript> [in](../../04/same/)\n\n[^1]: A note.\n",
    );
    site.write("static/img/a.png", "not really a picture");
    site.write(
        "content/posts/s.md",
        "---\ntitle: Same\ndate: 2005-03-04\nurl: /2005/03/04/same/\nimage: \"\"\n---\nFirst.\n\nSecond.\n<!--more-->\nThird.\n",
    );
    let r = site.build_ok();
    assert_eq!(r.stderr.matches("warning").count(), 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("_posts/2005-02-09-unpublished.md: draft"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("_drafts/u.md: draft"), "{}", r.stderr);
    let out = site.out();
    assert!(!out.join("sections/posts-1").exists() && !out.join("sections/drafts").exists());
    let jekyll = site.html("2005/02/07/ad-sales-boost/index.html");
    let description = |doc: &scraper::Html| {
        select(doc, "meta[name=description]")[0]
            .value()
            .attr("content")
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(description(&jekyll), "First para. Second para.");
    assert!(
        out.join("tags/business/index.html").is_file()
            && out.join("tags/media/index.html").is_file()
    );
    assert!(site
        .read("business/ad-sales-boost.html")
        .contains("2005/02/07/ad-sales-boost/"));
    let hugo = site.html("2005/03/01/old-story/index.html");
    assert_eq!(description(&hugo), "Bold claim with a link");
    assert!(site
        .read("2004/03/old-story.html")
        .contains("https://example.org/archive/2005/03/01/old-story/"));
    let ids: Vec<&str> = select(&hugo, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for id in ["bg", "section-fn-1", "section-fn-1-1", "fn-1", "body-main"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert_eq!(ids.iter().filter(|i| **i == "main").count(), 1, "{ids:?}");
    let page = site.read("2005/03/01/old-story/index.html");
    assert!(!page.contains("Enable scripts") && !page.contains("noopener"));
    assert!(
        page.contains("<img src=\"/archive/img/a.png\""),
        "a site path is under the base path"
    );
    assert!(texts(&hugo, ".byline")
        .concat()
        .contains("Procter & Gamble Staff"));
    // Its old address is its address: no redirect over the page; no image from "".
    let same = site.read("2005/03/04/same/index.html");
    assert!(!same.contains("http-equiv=\"refresh\"") && !same.contains("og:image"));
    assert_eq!(
        description(&site.html("2005/03/04/same/index.html")),
        "First. Second."
    );
    assert_links_resolve(&out, "/archive/");
}

/// An update is shown as given: a date without a time has none, and an update at or
/// before publication is none.
#[test]
fn updates_show_as_given() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-12\nupdated = 2023-03-14",
        "x",
    );
    site.article(
        "world/b.md",
        "title = \"B\"\ndate = 2023-03-12T10:00:00+02:00\nupdated = 2023-03-14T09:30:00+02:00",
        "x",
    );
    site.article(
        "world/c.md",
        "title = \"C\"\ndate = 2023-03-12\nupdated = 2023-03-12",
        "x",
    );
    site.build_ok();
    let updated = |url: &str| {
        texts(
            &site.html(&format!("2023/03/12/{url}/index.html")),
            ".updated",
        )
    };
    assert_eq!(updated("a"), ["Updated 14 March 2023"]);
    assert_eq!(updated("b"), ["Updated 14 March 2023, 09:30"]);
    assert!(updated("c").is_empty());
}

#[test]
fn draft_records_of_a_dump_are_named_and_unpublished_states_are_drafts() {
    let site = Site::new(CONFIG);
    let record = |title: &str, extra: &str| {
        format!("{{\"headline\":\"{title}\",\"datePublished\":\"2023-08-09\",\"articleBody\":\"Text of {title}.\"{extra}}}\n")
    };
    let dump = [
        record("Flagged", ",\"draft\":true"),
        record("Pending", ",\"status\":\"pending\""),
        record("Live", ",\"status\":\"publish\""),
        record("Withheld", ",\"published\":false"),
        record("Plain", ""),
    ]
    .concat();
    site.write("content/x/d.jsonl", &dump);
    let r = site.build_ok();
    for line in [1, 2, 4] {
        let want =
            format!("content/x/d.jsonl:{line}: draft record (build with --drafts to include it)");
        assert!(r.stderr.contains(&want), "{want}: {}", r.stderr);
    }
    assert!(
        r.stderr.contains("Skipped 3 files or records:"),
        "{}",
        r.stderr
    );
    // `status` was understood, so it is not reported as an ignored field.
    assert!(!r.stderr.contains("status"), "{}", r.stderr);
    let pages: Vec<String> = files_with(&site.out(), |_| ())
        .into_keys()
        .filter(|p| p.starts_with("2023/08/09/"))
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages.iter().any(|p| p.contains("live")) && pages.iter().any(|p| p.contains("plain")));
    let r = site.build(&["--drafts"]);
    assert!(
        r.ok && r.stdout.contains("Built 5 articles"),
        "{}",
        r.stdout
    );
}

#[test]
fn control_characters_escaped_in_strings_never_reach_pages() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/d.jsonl",
        "{\"headline\":\"Bell\\u0007 and \\u001bescape\\u0000\",\"datePublished\":\"2023-08-09\",\"articleBody\":\"Body\\u0000 text\\u0007.\",\"keywords\":[\"ta\\u0008g\"]}\n",
    );
    site.article(
        "x/a.md",
        "title = \"Front\\u0007 matter\"\ndate = 2023-08-10",
        "x",
    );
    site.build_ok();
    for (rel, bytes) in snapshot(&site.out()) {
        let control = bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')) || b == 0x7f);
        assert!(
            !control || rel.ends_with(".bin") || rel.ends_with(".gz"),
            "{rel}"
        );
    }
    let page = site.read("2023/08/09/bell-and-escape/index.html");
    assert!(
        page.contains("Bell and escape") && page.contains("Body text."),
        "{page}"
    );
}

/// Bidi overrides and isolates reorder what follows them: in a headline or a name they
/// can make it read otherwise than it is written. They go from every piece of metadata
/// (whatever the format) and stay only in the body, which is sanitized HTML.
#[test]
fn bidi_overrides_never_reach_metadata() {
    let site = Site::new(CONFIG);
    let rlo = '\u{202e}';
    let pdf = '\u{202c}';
    let (rli, pdi) = ('\u{2067}', '\u{2069}');
    site.write(
        "content/x/a.txt",
        &format!("Minister {rlo}signs{pdf} deal\n\nBy Jane {rlo}Doe{pdf}, AFP, 7 Mar 2023\n\nThe {rlo}lede{pdf}.\n"),
    );
    site.write(
        "content/x/d.jsonl",
        "{\"headline\":\"\\u2067Cairo\\u2069 talks\",\"datePublished\":\"2023-03-08\",\"author\":\"\\u202eJohn Smith\",\"keywords\":[\"I\\u202draq\",\"\\u2066\"],\"section\":\"\\u202aWorld\",\"description\":\"A \\u202bsummary\\u202c.\",\"caption\":\"A \\u2068caption\\u2069\",\"credit\":\"\\u202eAP\",\"articleBody\":\"Body.\"}\n",
    );
    site.article(
        "x/b.md",
        &format!(
            "title = \"Front {rli}matter{pdi}\"\ndate = 2023-03-09\nsummary = \"{rlo}Short{pdf}\""
        ),
        "Text.",
    );
    let loaded = load(&site);
    assert_eq!(loaded.articles.len(), 3, "{:?}", loaded.diagnostics);
    let bidi = |s: &str| s.contains(broadsheet::slug::bidi_control);
    for a in &loaded.articles {
        let image = a.image.as_ref();
        let meta = [a.title.as_str(), a.summary.as_str()]
            .into_iter()
            .chain(a.authors.iter().map(String::as_str))
            .chain(a.sources.iter().map(String::as_str))
            .chain(a.tags.iter().map(String::as_str))
            .chain(a.section.as_deref())
            .chain(image.and_then(|i| i.caption.as_deref()))
            .chain(image.and_then(|i| i.credit.as_deref()));
        for text in meta {
            assert!(!bidi(text), "{}: {text:?}", a.id);
        }
    }
    let by_id = |id: &str| loaded.articles.iter().find(|a| a.id == id).unwrap();
    let text = by_id("x/a.txt");
    assert_eq!(text.title, "Minister signs deal");
    assert_eq!(text.authors, ["Jane Doe"]);
    assert_eq!(text.summary, "The lede.");
    assert!(
        bidi(&text.body_html.text()),
        "the body keeps what it was written with"
    );
    let dump = by_id("x/d.jsonl#1");
    assert_eq!(dump.title, "Cairo talks");
    assert_eq!(dump.authors, ["John Smith"]);
    assert_eq!(dump.tags, ["Iraq"]);
    assert_eq!(dump.section.as_deref(), Some("World"));
    assert_eq!(dump.summary, "A summary.");
    let image = dump.image.as_ref().unwrap();
    assert_eq!(
        (image.caption.as_deref(), image.credit.as_deref()),
        (Some("A caption"), Some("AP"))
    );
    let front = by_id("x/b.md");
    assert_eq!(
        (front.title.as_str(), front.summary.as_str()),
        ("Front matter", "Short")
    );
}

/// A `javascript:` url (a scraped link's href) gives no slug, in a dump or front matter:
/// the article is named by its title, and the warning names the line.
#[test]
fn a_script_url_gives_no_slug() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/d.jsonl",
        "{\"headline\":\"Port reopens\",\"datePublished\":\"2023-03-07\",\"url\":\"javascript:alert(1)//owned-page\",\"articleBody\":\"Body.\"}\n",
    );
    site.article(
        "x/b.md",
        "title = \"Ferry resumes\"\ndate = 2023-03-08\nurl = \"JAVASCRIPT:alert(1)//other-owned\"",
        "Text.",
    );
    let loaded = load(&site);
    let mut slugs: Vec<&str> = loaded.articles.iter().map(|a| a.slug.as_str()).collect();
    slugs.sort();
    assert_eq!(slugs, ["ferry-resumes", "port-reopens"]);
    let mut lines: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("not the address of a page"))
        .map(|d| format!("{}:{}", d.path.display(), d.line.unwrap_or(0)))
        .collect();
    lines.sort();
    assert_eq!(lines, ["content/x/b.md:4", "content/x/d.jsonl:1"]);
    assert!(loaded.articles.iter().all(|a| a.aliases.is_empty()));
}

#[test]
fn a_section_written_as_a_climbing_path_is_said() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/d.jsonl",
        "{\"headline\":\"Evil\",\"datePublished\":\"2023-08-09\",\"articleBody\":\"Para.\",\"section\":\"../../../tmp/evil\"}\n{\"headline\":\"Fine\",\"datePublished\":\"2023-08-09\",\"articleBody\":\"Para.\",\"section\":\"News/World\"}\n",
    );
    let r = site.build_ok();
    assert!(
        r.stderr.contains(
            "d.jsonl:1: section '../../../tmp/evil' is written as a path that climbs folders"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("News/World"), "{}", r.stderr);
    assert!(site.out().join("sections/tmp-evil/index.html").is_file());
    assert!(site.out().join("sections/news-world/index.html").is_file());
    // A section with no letter to make a name of: the message names the page it gets.
    site.write(
        "content/x/e.jsonl",
        "{\"headline\":\"Dots\",\"datePublished\":\"2023-08-10\",\"articleBody\":\"Dots.\",\"section\":\"..\"}\n",
    );
    let r = site.build_ok();
    let page = site.read("2023/08/10/dots/index.html");
    let doc = scraper::Html::parse_document(&page);
    let href = select(&doc, ".kicker a")[0]
        .attr("href")
        .unwrap()
        .to_string();
    let said = format!("its page is {})", href.trim_start_matches('/'));
    assert!(href.len() > "/sections//".len(), "{href}");
    assert!(r.stderr.contains(&said), "{said}\n{}", r.stderr);
}

/// A key set twice in a dump's record is said (JSON parsers keep the last value
/// silently); a record that is not an object is skipped with the reason.
#[test]
fn a_key_set_twice_in_a_record_is_said() {
    let site = Site::new(CONFIG);
    site.write(
        "content/x/d.jsonl",
        "{\"headline\":\"First\",\"headline\":\"Second\",\"datePublished\":\"2023-08-09\",\"articleBody\":\"Text.\"}\n[1, {\"a\": 2}]\n\"just a string\"\n",
    );
    site.write(
        "content/x/e.json",
        "[{\"title\":\"Array one\",\"date\":\"2023-08-10\",\"body\":\"B.\",\"date\":\"2023-08-11\"}]",
    );
    let r = site.build_ok();
    for want in [
        "content/x/d.jsonl:1: 'headline' is set twice in this record; the last value is kept",
        "content/x/d.jsonl:2: record is not an object; skipped",
        "content/x/d.jsonl:3: record is not an object; skipped",
        "content/x/e.json:1: 'date' is set twice in this record",
    ] {
        assert!(r.stderr.contains(want), "{want}: {}", r.stderr);
    }
    assert!(site.out().join("2023/08/09/second/index.html").is_file());
    assert!(site.out().join("2023/08/11/array-one/index.html").is_file());
}

/// `[[defaults]]` fills in, for a folder's articles, what their files do not say: a folder
/// of scraped text without bylines names its source, a subfolder its section and language.
/// A file's own values win, and the deepest folder's value wins over its parents'.
#[test]
fn folder_defaults_fill_in_what_files_leave_out() {
    let site = Site::new(&format!(
        "{CONFIG}\n[[defaults]]\npath = \"/bbc/\"\nsources = [\"BBC\"]\nlang = \"en_GB\"\ntags = [\"Britain\"]\n\n[[defaults]]\npath = \"bbc/business\"\nsection = \"Business\"\ntags = [\"Economy\"]\n\n[[defaults]]\npath = \"économie\"\nlang = \"fr\"\n\n[[defaults]]\npath = \"content/bbc\"\nlang = \"en\"\n"
    ));
    // A folder named in decomposed letters (as copied from macOS) is the composed one.
    site.write(
        "content/e\u{301}conomie/marche.md",
        &format!("+++\n{}\n+++\nLe marché.\n", fm("Marché", "2023-03-09")),
    );
    site.write(
        "content/bbc/business/plain.txt",
        "Shares rise in London\n\nMarkets rose on Monday as investors returned.\n",
    );
    site.write(
        "content/bbc/tech/own.md",
        "+++\ntitle = \"Own values\"\ndate = 2023-03-07\nsources = [\"Reuters\"]\ntags = [\"Own\"]\nsection = \"Science\"\nlang = \"fr\"\n+++\nTexte.\n",
    );
    site.write(
        "content/other/x.md",
        &format!("+++\n{}\n+++\nx\n", fm("Elsewhere", "2023-03-08")),
    );
    site.build_ok();
    let plain = site.html("undated/shares-rise-in-london/index.html");
    assert_eq!(texts(&plain, ".byline .sources a"), ["BBC"]);
    assert_eq!(
        select(&plain, "main article")[0].value().attr("lang"),
        Some("en-GB")
    );
    assert!(site.out().join("sections/business/index.html").is_file());
    assert!(site
        .read("tags/economy/index.html")
        .contains("Shares rise in London"));
    assert!(
        !site.out().join("tags/britain").exists(),
        "the deeper folder's tags win"
    );
    let own = site.html("2023/03/07/own-values/index.html");
    assert_eq!(texts(&own, ".byline .sources a"), ["Reuters"]);
    assert_eq!(
        select(&own, "main article")[0].value().attr("lang"),
        Some("fr")
    );
    assert!(site
        .read("sections/science/index.html")
        .contains("Own values"));
    let other = site.read("2023/03/08/elsewhere/index.html");
    assert!(!other.contains("/sources/bbc/"), "{other}");
    let marche = site.html("2023/03/09/marche/index.html");
    assert_eq!(
        select(&marche, "main article")[0].value().attr("lang"),
        Some("fr")
    );
    // An entry that holds no file is named, at its line: a path from the site's folder.
    let r = site.build_ok();
    assert!(
        r.stderr
            .contains("site.toml:21: [[defaults]] for the folder 'content/bbc' applies to no file"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("'économie'"), "{}", r.stderr);
}

#[test]
fn folder_defaults_are_checked_at_their_line() {
    // Each at the line of its key.
    for (entry, said, line) in [
        (
            "path = \"../up\"",
            "defaults: path '../up' is not a folder under content/",
            7,
        ),
        (
            "path = \"x\"\nlang = \"not a tag\"",
            "defaults: lang 'not a tag' is not a language tag",
            8,
        ),
        (
            "path = \"x\"\ncolour = \"red\"",
            "unknown setting `colour`",
            8,
        ),
    ] {
        let site = Site::new(&format!(
            "title = \"T\"\n\n[[defaults]] # all of a/\npath = \"a\"\n\n [[ defaults ]]\n{entry}\n"
        ));
        let r = site.build(&[]);
        assert!(!r.ok);
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("site.toml:{line}")),
            "{}",
            r.stderr
        );
    }
    let site =
        Site::new("title = \"T\"\n[[defaults]]\npath = \"a/\"\n[[defaults]]\npath = \"/a\"\n");
    let r = site.build(&[]);
    assert!(
        r.stderr.contains("site.toml:4") && r.stderr.contains("a second entry for the folder 'a'"),
        "{}",
        r.stderr
    );
}

/// The headline is the page's one `h1`: a body with its own first-level headings has
/// every heading moved down a level, in Markdown and in a dump's HTML alike; a body
/// without one keeps its levels.
#[test]
fn body_headings_fall_under_the_headline() {
    let site = Site::new(CONFIG);
    site.article(
        "x/md.md",
        &fm("Markdown", "2023-03-07"),
        "# Background\n\nText.\n\n## Detail\n\nText.\n\n###### Deepest\n\nText.",
    );
    site.article(
        "x/plain.md",
        &fm("Plain", "2023-03-08"),
        "## Background\n\nText.\n\n### Detail\n\nText.",
    );
    site.write(
        "content/x/d.jsonl",
        "{\"title\": \"Dump\", \"date\": \"2023-03-09\", \"body\": \"<H1 title='<h1>'>Intro</H1><p>x</p><h2 class=\\\"k\\\">More</h2><p>y</p>\"}\n",
    );
    site.build_ok();
    let headings = |rel: &str| -> Vec<String> {
        select(
            &site.html(rel),
            "article.story h1, article.story .body :is(h1, h2, h3, h4, h5, h6)",
        )
        .iter()
        .map(|h| format!("{} {}", h.value().name(), h.text().collect::<String>()))
        .collect()
    };
    assert_eq!(
        headings("2023/03/07/markdown/index.html"),
        ["h1 Markdown", "h2 Background", "h3 Detail", "h6 Deepest"]
    );
    assert_eq!(
        headings("2023/03/08/plain/index.html"),
        ["h1 Plain", "h2 Background", "h3 Detail"]
    );
    assert_eq!(
        headings("2023/03/09/dump/index.html"),
        ["h1 Dump", "h2 Intro", "h3 More"]
    );
    // Ids and attributes stay as they were.
    let page = site.read("2023/03/07/markdown/index.html");
    assert!(
        page.contains("<h2 id=\"background\">Background</h2>"),
        "{page}"
    );
}

/// The ingest report gives each article's URL as the path a browser asks the host for,
/// under the base URL's path: what a user pastes after the host name.
#[test]
fn report_urls_are_paths_on_the_host() {
    let site = Site::new("title = \"M\"\nbase_url = \"https://example.org/archive/\"\n");
    site.article(
        "world/story.md",
        "title = \"A story\"\ndate = 2023-03-07",
        "Text.",
    );
    let r = report::ingest_report(site.dir(), false).unwrap();
    assert_eq!(r.files[0].urls, ["/archive/2023/03/07/a-story/"]);
}
