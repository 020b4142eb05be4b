//! The search index, queried the way the browser script queries it (through
//! `broadsheet::search::plan`, the Rust mirror of `search.js`).

mod common;
#[path = "common/fixtures.rs"]
mod fixtures;

use broadsheet::search::plan::{answer, Query, Sort};
use common::*;
use fixtures::*;
use serde_json::json;

const CRANES: &str = "2023/03/01/harbour-cranes-return-to-alexandria/";
const FEES: &str = "2023/02/10/harbour-fees-rise-for-cargo-ships/";
const FISHERMEN: &str = "2022/11/05/fishermen-leave-the-old-port/";
const CORAL: &str = "2022/06/01/coral-survey-finds-signs-of-recovery/";

fn built() -> Site {
    let site = search_site("https://example.org/");
    site.build_ok();
    site
}

fn urls(site: &Site, q: &Query) -> Vec<String> {
    answer(&site.out(), q).unwrap().urls
}

#[test]
fn one_word_finds_the_one_article_holding_it() {
    let site = built();
    let a = answer(&site.out(), &Query::text("Zanzibar")).unwrap();
    assert_eq!(a.urls, [CORAL]);
    assert_eq!(a.total, 1);
    // Manifest, one shard, one metadata chunk.
    assert_eq!(a.files.len(), 3, "{:?}", a.files);
    assert!(a.files[0].ends_with("meta.json"));
    // Folding: case and accents do not matter, either way round.
    for q in ["ZÜRICH", "zurich", "strasse", "Straße"] {
        assert_eq!(urls(&site, &Query::text(q)), [CORAL], "{q}");
    }
    assert!(urls(&site, &Query::text("nowhere")).is_empty());
    assert!(urls(&site, &Query::text("")).is_empty());
}

#[test]
fn words_all_match_and_titles_rank_first() {
    let site = built();
    // Title matches (cranes, fees) before a body-only match (fishermen), newest first.
    assert_eq!(
        urls(&site, &Query::text("harbour ")),
        [CRANES, FEES, FISHERMEN]
    );
    assert_eq!(urls(&site, &Query::text("harbour fees")), [FEES]);
    // The last word also matches as a prefix, unless followed by a space.
    assert_eq!(urls(&site, &Query::text("harb")).len(), 3);
    assert!(urls(&site, &Query::text("harb ")).is_empty());
}

#[test]
fn filters_and_sorting() {
    let site = built();
    let q = |f: &dyn Fn(&mut Query)| {
        let mut q = Query::text("harbour");
        f(&mut q);
        urls(&site, &q)
    };
    assert_eq!(q(&|q| q.source = Some("afp".into())), [CRANES, FISHERMEN]);
    assert_eq!(q(&|q| q.section = Some("business".into())), [FEES]);
    assert_eq!(q(&|q| q.tag = Some("ports".into())), [CRANES, FEES]);
    assert_eq!(q(&|q| q.year = Some(2022)), [FISHERMEN]);
    assert!(q(&|q| q.source = Some("no-such-source".into())).is_empty());
    assert_eq!(q(&|q| q.sort = Sort::Oldest), [FISHERMEN, FEES, CRANES]);
    assert_eq!(q(&|q| q.sort = Sort::Newest), [CRANES, FEES, FISHERMEN]);
    // Filters alone list their articles newest first.
    let mut only = Query::text("");
    only.source = Some("ap".into());
    only.sort = Sort::Newest;
    assert_eq!(urls(&site, &only), [FISHERMEN, CORAL]);
}

#[test]
fn results_are_paged() {
    let site = built();
    let mut q = Query::text("");
    q.year = Some(2023);
    let all = answer(&site.out(), &q).unwrap();
    assert_eq!(all.total, 3);
    let mut q = Query::text("the");
    let first = answer(&site.out(), &q).unwrap();
    assert!(first.total >= 5, "{}", first.total);
    q.page = 2;
    let second = answer(&site.out(), &q).unwrap();
    assert!(second.shown.is_empty(), "ten results fit on page 1");
}

#[test]
fn search_page_and_header_box_respect_the_base_path() {
    let site = search_site("https://example.org/archive/");
    site.build_ok();
    let doc = site.html("search/index.html");
    let script = select(&doc, "script[src]");
    assert_eq!(script[0].value().attr("src"), Some("/archive/search.js"));
    assert_eq!(script[0].value().attr("data-base"), Some("/archive/"));
    let home = site.html("index.html");
    let form = select(&home, "header form[role=search]");
    assert_eq!(form[0].value().attr("action"), Some("/archive/search/"));
    assert_eq!(select(&home, "header form input[name=q]").len(), 1);
    assert!(site.out().join("search/meta.json").is_file());
    assert!(site.out().join("search.js").is_file());
    assert_links_resolve(&site.out(), "/archive/");
    // The index holds no markup-looking text, even for hostile titles.
    assert!(!site.read("search/d/0.json").contains('<'));
}

#[test]
fn hostile_metadata_stays_data() {
    let site = Site::new("title = \"x\"\n");
    site.article(
        "world/x.md",
        "title = \"<script>alert(1)</script> & co\"\ndate = 2023-03-07\ntags = [\"<b>bold</b>\"]",
        "Body.",
    );
    site.build_ok();
    let chunk = site.read("search/d/0.json");
    assert!(chunk.contains("\\u003cscript\\u003e"), "{chunk}");
    let parsed: serde_json::Value = serde_json::from_str(&chunk).unwrap();
    assert_eq!(
        parsed[0][1].as_str(),
        Some("<script>alert(1)</script> & co")
    );
}

#[test]
fn search_can_be_turned_off() {
    let site = search_site("https://example.org/");
    site.write(
        "site.toml",
        "title = \"x\"\nbase_url = \"https://example.org/\"\nsearch = false\n",
    );
    site.build_ok();
    assert!(!site.out().join("search").exists());
    let home = site.html("index.html");
    assert!(select(&home, "form[role=search]").is_empty());
    assert!(!texts(&home, "nav a").iter().any(|t| t == "Search"));
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn date_order_and_new_articles_keep_old_chunks() {
    let site = Site::new("title = \"x\"\n");
    site.article(
        "world/old.md",
        &fm("Old river story", "2020-01-01"),
        "River.",
    );
    site.article(
        "world/new.md",
        &fm("New river story", "2022-01-01"),
        "River.",
    );
    site.build_ok();
    let shown = |sort: Sort| {
        let mut q = Query::text("river");
        q.sort = sort;
        urls(&site, &q)
    };
    let (old, new) = ("2020/01/01/old-river-story/", "2022/01/01/new-river-story/");
    assert_eq!(shown(Sort::Newest), [new, old]);
    assert_eq!(shown(Sort::Oldest), [old, new]);
    let mut q = Query::text("");
    q.year = Some(2020);
    assert_eq!(urls(&site, &q), [old]);

    // Today's article gets the next id: the full chunks of older ones are untouched.
    for i in 0..broadsheet::search::CHUNK {
        site.article(
            &format!("world/filler{i}.md"),
            &fm(&format!("Filler {i}"), &format!("2021-01-{:02}", i + 1)),
            "Filler.",
        );
    }
    site.build_ok();
    let before = site.read("search/d/0.json");
    site.article("world/today.md", &fm("Today", "2024-01-01"), "Sun.");
    site.build_ok();
    assert_eq!(site.read("search/d/0.json"), before);
    assert!(site.read("search/d/1.json").contains("Today"));
}

/// While a reader types, the last word also matches the longer words it begins, but
/// those never rank above the word itself: a rare "Courtney" in a title came before
/// "court" in a body, since its rarity outweighed the discount of a partial match.
#[test]
fn a_word_itself_ranks_above_longer_words_it_begins() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org/\"\n");
    for i in 0..6 {
        site.article(
            &format!("news/court-{i}.md"),
            &fm(
                &format!("Ruling number {i}"),
                &format!("2023-03-0{}", i + 1),
            ),
            "The court heard the case on Monday.",
        );
    }
    site.article(
        "news/singer.md",
        &fm("No jail for singer Courtney Love", "2023-03-09"),
        "The singer was fined.",
    );
    site.build_ok();
    let got = urls(&site, &Query::text("court"));
    assert_eq!(got.len(), 7, "{got:?}");
    assert_eq!(
        got.last().map(String::as_str),
        Some("2023/03/09/no-jail-for-singer-courtney-love/"),
        "{got:?}"
    );
    // Typed in part, the longer words compete on their own.
    assert_eq!(
        urls(&site, &Query::text("courtn")),
        ["2023/03/09/no-jail-for-singer-courtney-love/"]
    );
}

/// Chinese and Japanese are found by words inside sentences written without spaces,
/// Greek in capitals and Arabic without its hamza.
#[test]
fn scripts_without_spaces_or_with_variant_letters_are_found() {
    let site = built();
    site.article(
        "world/beijing.md",
        &fm("北京举行国际会议", "2023-03-08"),
        "北京周二举行了一次国际会议。東京タワーも話題に。",
    );
    site.article(
        "world/quake.md",
        &fm("Σεισμός στην Κρήτη", "2023-03-09"),
        "أشخاص في المدرسة بعد الانتخابات.",
    );
    site.build_ok();
    let beijing = "2023/03/08/bei-jing-ju-xing-guo-ji-hui-yi/";
    let quake = "2023/03/09/seismos-sten-krete/";
    // One letter, a word of its own in Chinese, is found inside longer words too.
    for q in ["北京", "会议", "国际会议", "タワー", "京", "议", "タ"] {
        assert_eq!(urls(&site, &Query::text(q)), [beijing], "{q}");
    }
    for q in ["ΣΕΙΣΜΟΣ", "σεισμος", "اشخاص", "المدرسه"] {
        assert_eq!(urls(&site, &Query::text(q)), [quake], "{q}");
    }
    // `الانتخابا`, typed on the way to `الانتخابات` (stored as `انتخاب`), finds it, here
    // and in the fixture's bank story.
    for q in ["الانتخابا", "انتخابا", "الانتخابات"] {
        let mut found = urls(&site, &Query::text(q));
        found.sort();
        assert_eq!(
            found,
            ["2021/12/02/central-bank-holds-rates/", quake],
            "{q}"
        );
    }
    // A whole word that ends so (`أمريكا`, America) ranks its own matches above those of
    // the stem it shares (`الأمريكية`, American).
    site.article(
        "world/visit.md",
        &fm("Visit", "2023-03-01"),
        "زار الوزير أمريكا.",
    );
    site.article(
        "world/gov.md",
        &fm("Government", "2023-03-10"),
        "قالت الحكومة الأمريكية.",
    );
    site.build_ok();
    let found = urls(&site, &Query::text("أمريكا"));
    assert_eq!(
        found.first().map(String::as_str),
        Some("2023/03/01/visit/"),
        "{found:?}"
    );
    assert_eq!(urls(&site, &Query::text("أمريكا ")), ["2023/03/01/visit/"]);
}

#[test]
fn results_carry_the_language_and_direction_their_cards_do() {
    let site = Site::new("title = \"x\"\nlanguage = \"ar\"\n");
    site.article(
        "world/en.md",
        &format!("{}\nlang = \"en\"", fm("Iraq water talks", "2023-03-09")),
        "Talks resumed.",
    );
    site.article(
        "world/fr.md",
        &fm("Les pourparlers reprennent", "2023-03-08"),
        "Les pourparlers sur l'eau ont repris.",
    );
    site.article(
        "world/ar.md",
        &fm("محادثات المياه", "2023-03-07"),
        "استؤنفت.",
    );
    site.build_ok();
    let chunk: serde_json::Value = serde_json::from_str(&site.read("search/d/0.json")).unwrap();
    // Oldest first: the Arabic story, in the site's language and direction, stays seven
    // long; the French one, without a lang, is marked by the direction of its letters.
    assert_eq!(chunk[0].as_array().unwrap().len(), 7, "{chunk}");
    assert_eq!(
        chunk[1].as_array().unwrap()[7..],
        [json!(""), json!("ltr")],
        "{chunk}"
    );
    assert_eq!(
        chunk[2].as_array().unwrap()[7..],
        [json!("en"), json!("ltr")],
        "{chunk}"
    );
    // The cards say the same.
    let home = site.html("index.html");
    let cards = select(&home, "article.card");
    assert_eq!(cards[0].value().attr("lang"), Some("en"));
    assert_eq!(cards[1].value().attr("dir"), Some("ltr"));
}
