//! Feeds, sitemaps, robots.txt, 404 page, search-engine metadata, related articles and
//! precompressed copies, checked on built fixture sites by parsing what was written.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use atom_syndication::Feed;
use common::*;
use quick_xml::events::Event;
use scraper::Html;

const CONFIG: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org/\"\ntimezone = \"Africa/Cairo\"\nper_page = 2\nfeed_entries = 3\n";

fn feed(site: &Site, rel: &str) -> Feed {
    let text = site.read(rel);
    Feed::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{rel} is not valid Atom: {e}"))
}

fn titles(feed: &Feed) -> Vec<&str> {
    feed.entries
        .iter()
        .map(|e| e.title.value.as_str())
        .collect()
}

/// Five dated World articles; Iraq on four of them.
fn news_site(config: &str) -> Site {
    let site = Site::new(config);
    for i in 1..=5 {
        let tags = if i == 3 { "[\"Sport\"]" } else { "[\"Iraq\"]" };
        site.article(
            &format!("world/s{i}.md"),
            &format!(
                "{}\ntags = {tags}\nsources = [\"AFP\"]\nauthors = [\"Jane Doe\"]\nsummary = \"Summary {i}: {}\"",
                fm(&format!("Story {i} <b>&</b>"), &format!("2023-03-0{i}T10:00:00")),
                "long words ".repeat(60).trim()
            ),
            &format!("Body of story {i}."),
        );
    }
    site
}

/// The text content of every `<tag>` element of an XML document (checks it is well formed).
fn xml_texts(xml: &str, tag: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.name().as_ref() == tag.as_bytes() => current = Some(String::new()),
            Event::End(e) if e.name().as_ref() == tag.as_bytes() => out.extend(current.take()),
            Event::Text(t) => {
                if let Some(c) = &mut current {
                    c.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = &mut current {
                    c.push_str(match r.decode().unwrap().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Absolute URL of every page (`index.html`) under `out`.
fn page_urls(out: &Path, base_url: &str) -> BTreeSet<String> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let rel = e.path().parent().unwrap().strip_prefix(out).unwrap();
            let rel = rel.to_string_lossy();
            if rel.is_empty() {
                base_url.to_string()
            } else {
                format!("{base_url}{rel}/")
            }
        })
        .collect()
}

#[test]
fn feeds_are_valid_atom_with_the_newest_entries() {
    let site = news_site(CONFIG);
    site.build_ok();

    let home = feed(&site, "atom.xml");
    assert_eq!(
        titles(&home),
        ["Story 5 <b>&</b>", "Story 4 <b>&</b>", "Story 3 <b>&</b>"],
        "newest first, feed_entries of them, text unharmed"
    );
    assert_eq!(home.updated.to_rfc3339(), "2023-03-05T10:00:00+02:00");
    assert!(home
        .links
        .iter()
        .any(|l| l.rel == "self" && l.href == "https://example.org/atom.xml"));
    let e = &home.entries[0];
    assert_eq!(e.updated.to_rfc3339(), "2023-03-05T10:00:00+02:00");
    assert_eq!(
        e.published.unwrap().to_rfc3339(),
        "2023-03-05T10:00:00+02:00"
    );
    assert_eq!(e.links[0].href, "https://example.org/2023/03/05/story-5/");
    assert_eq!(e.authors[0].name, "Jane Doe");
    let summary = &e.summary.as_ref().unwrap().value;
    assert!(
        summary.starts_with("Summary 5:") && summary.len() > 600,
        "{summary}"
    );
    assert!(e.categories.iter().any(|c| c.term == "Iraq"));
    // Escaped once, not twice: the raw XML holds the title's `&` as `&amp;`.
    assert!(site
        .read("atom.xml")
        .contains("Story 5 &lt;b&gt;&amp;&lt;/b&gt;"));

    let iraq = feed(&site, "tags/iraq/atom.xml");
    assert_eq!(
        titles(&iraq),
        ["Story 5 <b>&</b>", "Story 4 <b>&</b>", "Story 2 <b>&</b>"]
    );
    assert_eq!(titles(&feed(&site, "tags/sport/atom.xml")).len(), 1);
    for rel in [
        "sections/world/atom.xml",
        "sources/afp/atom.xml",
        "authors/jane-doe/atom.xml",
    ] {
        assert_eq!(feed(&site, rel).entries.len(), 3, "{rel}");
    }

    // Pages announce their feeds: a term page its own first, every page the site's.
    let alternates = |rel: &str| -> Vec<String> {
        select(
            &site.html(rel),
            "link[rel=alternate][type='application/atom+xml']",
        )
        .iter()
        .map(|l| l.value().attr("href").unwrap().to_string())
        .collect()
    };
    assert_eq!(alternates("index.html"), ["/atom.xml"]);
    assert_eq!(alternates("page/2/index.html"), ["/atom.xml"]);
    assert_eq!(
        alternates("tags/iraq/index.html"),
        ["/tags/iraq/atom.xml", "/atom.xml"]
    );
    assert_eq!(
        alternates("tags/iraq/page/2/index.html")[0],
        "/tags/iraq/atom.xml"
    );
    assert_eq!(
        alternates("authors/jane-doe/index.html")[0],
        "/authors/jane-doe/atom.xml"
    );
    assert_eq!(alternates("2023/03/index.html"), ["/atom.xml"]);
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn rss_feeds_mirror_the_atom_ones_when_asked() {
    // Off by default: no RSS file, no RSS link.
    let plain = news_site(CONFIG);
    plain.build_ok();
    assert!(!plain.out().join("index.xml").exists() && !plain.out().join("rss.xml").exists());
    assert!(!plain.read("index.html").contains("application/rss+xml"));

    // Hugo's file name, so that a moved site keeps its subscribers.
    let site = news_site(&format!("{CONFIG}rss_feed = \"index.xml\"\n"));
    site.build_ok();
    for (rss_file, atom_file) in [
        ("index.xml", "atom.xml"),
        ("tags/iraq/index.xml", "tags/iraq/atom.xml"),
        ("authors/jane-doe/index.xml", "authors/jane-doe/atom.xml"),
    ] {
        let text = site.read(rss_file);
        let channel = rss::Channel::read_from(text.as_bytes())
            .unwrap_or_else(|e| panic!("{rss_file} is not valid RSS: {e}"));
        let atom = feed(&site, atom_file);
        let rss_titles: Vec<&str> = channel.items.iter().filter_map(|i| i.title()).collect();
        assert_eq!(rss_titles, titles(&atom), "{rss_file}");
        for (item, entry) in channel.items.iter().zip(&atom.entries) {
            // The same ids, as guids that are not links; the same pages and dates.
            let guid = item.guid().unwrap();
            assert_eq!(guid.value(), entry.id);
            assert!(!guid.is_permalink());
            assert_eq!(item.link(), Some(entry.links[0].href.as_str()));
            let date = chrono::DateTime::parse_from_rfc2822(item.pub_date().unwrap()).unwrap();
            assert_eq!(Some(date), entry.published);
            let creators = item.dublin_core_ext().unwrap().creators();
            assert_eq!(creators, ["Jane Doe"]);
            assert_eq!(
                item.description(),
                entry.summary.as_ref().map(|s| s.value.as_str())
            );
        }
        let own = format!("https://example.org/{rss_file}");
        let links = channel.atom_ext().unwrap().links();
        assert!(
            links.iter().any(|l| l.rel() == "self" && l.href() == own),
            "{text}"
        );
        assert_eq!(channel.language(), Some("en"));
    }
    let first = &rss::Channel::read_from(site.read("index.xml").as_bytes())
        .unwrap()
        .items[0];
    assert!(first.categories().iter().any(|c| c.name() == "Iraq"));
    // A description is HTML to readers: a summary's text is escaped for it, never markup.
    // (Markup written in a summary is removed as it is read; written escaped, it is text.)
    let hostile = Site::new(&format!("{CONFIG}rss_feed = \"rss.xml\"\n"));
    hostile.article(
        "a.md",
        &format!(
            "{}\nsummary = \"a &lt;script&gt;x&lt;/script&gt; & ]]> b\"",
            fm("T", "2023-03-07")
        ),
        "Body.",
    );
    hostile.build_ok();
    let channel = rss::Channel::read_from(hostile.read("rss.xml").as_bytes()).unwrap();
    assert_eq!(
        channel.items[0].description(),
        Some("a &lt;script&gt;x&lt;/script&gt; &amp; ]]&gt; b")
    );
    // Pages announce both, each listing's Atom feed first.
    let rss_links = |rel: &str| -> Vec<String> {
        select(&site.html(rel), "link[rel=alternate]")
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.value().attr("type").unwrap(),
                    l.value().attr("href").unwrap()
                )
            })
            .collect()
    };
    assert_eq!(
        rss_links("tags/iraq/index.html"),
        [
            "application/atom+xml /tags/iraq/atom.xml",
            "application/rss+xml /tags/iraq/index.xml",
            "application/atom+xml /atom.xml",
            "application/rss+xml /index.xml",
        ]
    );
    assert_links_resolve(&site.out(), "/");

    // A name that is not a plain .xml file, or that is taken, is refused at its line.
    for (name, says) in [
        ("atom.xml", "taken"),
        ("../x.xml", "file name ending in .xml"),
        ("rss", "file name ending in .xml"),
        ("sitemap-1.xml", "taken"),
    ] {
        let bad = Site::new(&format!("{CONFIG}rss_feed = \"{name}\"\n"));
        let r = bad.build(&[]);
        assert!(!r.ok, "{name}");
        assert!(
            r.stderr.contains("site.toml:6") && r.stderr.contains(says),
            "{name}: {}",
            r.stderr
        );
    }
}

/// Site texts are escaped once, as XML, in both feeds: `Tom & Jerry` is `Tom &amp; Jerry`
/// in the file, never `&amp;amp;`.
#[test]
fn feed_texts_are_escaped_once() {
    let config =
        "title = \"News & Views\"\nbase_url = \"https://example.org/\"\nrss_feed = \"rss.xml\"\n";
    let site = Site::new(&format!("{config}description = \"Tom & Jerry <3\"\n"));
    site.article(
        "world/a.md",
        &format!(
            "{}\nsummary = \"Cats & dogs <3\"",
            fm("A & B", "2023-03-07")
        ),
        "Body.",
    );
    site.build_ok();
    let rss = site.read("rss.xml");
    let atom = site.read("atom.xml");
    for (name, text) in [("rss.xml", &rss), ("atom.xml", &atom)] {
        assert!(
            !text.contains("&amp;amp;") && !text.contains("&amp;lt;"),
            "{name}:\n{text}"
        );
    }
    assert!(
        rss.contains("<description>Tom &amp; Jerry &lt;3</description>"),
        "{rss}"
    );
    let channel = rss::Channel::read_from(rss.as_bytes()).unwrap();
    assert_eq!(channel.description(), "Tom & Jerry <3");
    assert_eq!(channel.title(), "News & Views");
    // An item's description is HTML (in CDATA): the summary's text escaped for it once.
    assert_eq!(
        channel.items[0].description(),
        Some("Cats &amp; dogs &lt;3")
    );
    assert_eq!(channel.items[0].title(), Some("A & B"));
    assert!(
        atom.contains("<subtitle>Tom &amp; Jerry &lt;3</subtitle>"),
        "{atom}"
    );
    let feed = Feed::read_from(atom.as_bytes()).unwrap();
    assert_eq!(feed.subtitle.unwrap().value, "Tom & Jerry <3");
    assert_eq!(
        feed.entries[0].summary.as_ref().unwrap().value,
        "Cats & dogs <3"
    );

    // Without a description the channel's is its title, escaped once too.
    let plain = Site::new(config);
    plain.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    plain.build_ok();
    let rss = plain.read("rss.xml");
    assert!(
        rss.contains("<description>News &amp; Views</description>"),
        "{rss}"
    );
}

/// One story in English, Arabic and French (`translationKey`, as in Hugo), and a second
/// French copy that clashes.
fn translated_site() -> Site {
    let site = Site::new(CONFIG);
    site.article(
        "en.md",
        "title = \"Austin visits Iraq\"\ndate = 2023-03-07\ntranslationKey = \"austin-iraq\"",
        "Body.",
    );
    site.article(
        "ar.md",
        "title = \"زيارة أوستن\"\ndate = 2023-03-07\nlang = \"ar\"\ntranslation_key = \"austin-iraq\"",
        "نص.",
    );
    site.write(
        "content/fr.md",
        "---\ntitle: Austin en Irak\ndate: 2023-03-08\nlang: fr\ntranslationKey: austin-iraq\n---\n\nTexte.\n",
    );
    site.article(
        "fr-copy.md",
        "title = \"Austin en Irak (copie)\"\ndate = 2023-03-06\nlang = \"fr\"\ntranslationKey = \"austin-iraq\"",
        "Texte.",
    );
    site.article("other.md", &fm("Other", "2023-03-09"), "Alone.");
    site
}

#[test]
fn translations_link_each_other_with_hreflang() {
    let site = translated_site();
    let r = site.build_ok();
    assert!(
        r.stderr.contains("content/fr-copy.md: translationKey 'austin-iraq' already has a 'fr' article, content/fr.md"),
        "{}",
        r.stderr
    );
    // By language tag.
    let pages = [
        ("ar", "2023/03/07/zyr-wstn/index.html"),
        ("en", "2023/03/07/austin-visits-iraq/index.html"),
        ("fr", "2023/03/08/austin-en-irak/index.html"),
    ];
    let mut expected: Vec<String> = pages
        .iter()
        .map(|(lang, rel)| {
            format!(
                "{lang} https://example.org/{}",
                rel.trim_end_matches("index.html")
            )
        })
        .collect();
    // The site's language is the default for readers of any other.
    expected.insert(
        2,
        "x-default https://example.org/2023/03/07/austin-visits-iraq/".into(),
    );
    for (lang, rel) in pages {
        let doc = site.html(rel);
        // Every language's page, itself included, in the head: the same set everywhere.
        let alternates: Vec<String> = select(&doc, "link[rel=alternate][hreflang]")
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.value().attr("hreflang").unwrap(),
                    l.value().attr("href").unwrap()
                )
            })
            .collect();
        assert_eq!(alternates, expected, "{rel}");
        // Readers see the other languages by their own names.
        let shown: Vec<String> = select(&doc, ".translations a")
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a.value().attr("hreflang").unwrap(),
                    a.text().collect::<String>()
                )
            })
            .collect();
        let others: Vec<&str> = [
            ("ar", "ar العربية"),
            ("en", "en English"),
            ("fr", "fr Français"),
        ]
        .iter()
        .filter(|(l, _)| *l != lang)
        .map(|(_, s)| *s)
        .collect();
        assert_eq!(shown, others, "{rel}");
    }
    // Neither the clashing copy nor a story told once has any.
    for rel in [
        "2023/03/06/austin-en-irak-copie/index.html",
        "2023/03/09/other/index.html",
    ] {
        let page = site.read(rel);
        assert!(
            !page.contains("hreflang") && !page.contains("class=\"translations\""),
            "{rel}"
        );
    }
    assert_links_resolve(&site.out(), "/");

    // The site's language as written (`en-us`) is the language of an article written
    // `en-US`: one of them is the English copy, not both.
    let cased = Site::new(&CONFIG.replace("timezone", "language = \"en-us\"\ntimezone"));
    cased.article(
        "a.md",
        &format!("{}\ntranslationKey = \"k\"", fm("A", "2023-03-01")),
        "x",
    );
    cased.article(
        "b.md",
        &format!(
            "{}\nlang = \"en-US\"\ntranslationKey = \"k\"",
            fm("B", "2023-03-02")
        ),
        "x",
    );
    let r = cased.build_ok();
    assert!(
        r.stderr.contains("translation-clash")
            || r.stderr.contains("already has a 'en-US' article"),
        "{}",
        r.stderr
    );
}

#[test]
fn feed_ids_are_stable_across_builds() {
    let site = news_site(CONFIG);
    site.build_ok();
    let first = site.read("atom.xml");
    let ids = |f: &Feed| -> Vec<(String, String)> {
        f.entries
            .iter()
            .map(|e| (e.title.value.clone(), e.id.clone()))
            .collect()
    };
    let before = ids(&feed(&site, "atom.xml"));
    assert!(
        before[0].1.starts_with("tag:example.org,2023-03-05:/"),
        "{before:?}"
    );

    // The same input gives the same bytes (no clock in the feed).
    site.build_ok();
    assert_eq!(site.read("atom.xml"), first);

    // A new article and a new permalink pattern: old entries keep their ids.
    site.write(
        "site.toml",
        &format!("{CONFIG}permalink = \"/{{section}}/{{slug}}/\"\n"),
    );
    site.article("world/s6.md", &fm("Story 6", "2023-03-06T10:00:00"), "New.");
    site.build_ok();
    let after = ids(&feed(&site, "atom.xml"));
    assert_eq!(after[0].0, "Story 6");
    assert_eq!(&after[1..], &before[..2]);
}

#[test]
fn empty_site_feed_is_still_valid() {
    let empty = Site::new("");
    empty.build_ok();
    assert_eq!(feed(&empty, "atom.xml").entries.len(), 0);
}

#[test]
fn sitemap_lists_every_page_and_robots_points_at_it() {
    let site = news_site(CONFIG);
    site.build_ok();
    let xml = site.read("sitemap.xml");
    let locs: Vec<String> = xml_texts(&xml, "loc");
    let listed: BTreeSet<String> = locs.iter().cloned().collect();
    assert_eq!(listed.len(), locs.len(), "no URL twice");
    assert_eq!(listed, page_urls(&site.out(), "https://example.org/"));
    // Every page here has dated articles, so every URL has a lastmod.
    let lastmods = xml_texts(&xml, "lastmod");
    assert_eq!(lastmods.len(), locs.len());
    let article = locs
        .iter()
        .position(|l| l.ends_with("/2023/03/02/story-2/"))
        .unwrap();
    assert_eq!(lastmods[article], "2023-03-02T10:00:00+02:00");
    let home = locs
        .iter()
        .position(|l| l == "https://example.org/")
        .unwrap();
    assert_eq!(lastmods[home], "2023-03-05T10:00:00+02:00");

    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\n"
    );

    // The site's own robots.txt wins.
    site.write("static/robots.txt", "User-agent: *\nDisallow: /private/\n");
    site.build_ok();
    assert_eq!(
        site.read("robots.txt"),
        "User-agent: *\nDisallow: /private/\n"
    );
}

#[test]
fn sitemap_splits_into_an_index_past_the_limit() {
    // The limit is lowered through the library's build options (not a CLI flag) so that a
    // small fixture crosses it; the 50,000-URL split itself is checked below on a generated
    // list of 120,001 URLs.
    let site = news_site(CONFIG);
    let report = broadsheet::build::build(&broadsheet::build::BuildOptions {
        site_dir: site.dir().to_path_buf(),
        sitemap_limit: Some(10),
        ..Default::default()
    });
    assert!(report.success, "{:?}", report.outcome.diagnostics);
    let index = site.read("sitemap.xml");
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts = xml_texts(&index, "loc");
    let all = page_urls(&site.out(), "https://example.org/");
    assert_eq!(parts.len(), all.len().div_ceil(10));
    let mut listed = BTreeSet::new();
    for (n, part) in parts.iter().enumerate() {
        assert_eq!(part, &format!("https://example.org/sitemap-{}.xml", n + 1));
        let locs = xml_texts(&site.read(&format!("sitemap-{}.xml", n + 1)), "loc");
        assert!(!locs.is_empty() && locs.len() <= 10);
        listed.extend(locs);
    }
    assert_eq!(listed, all);
    assert_eq!(xml_texts(&index, "lastmod").len(), parts.len());
}

#[test]
fn sitemap_of_a_generated_large_archive_splits_at_50000() {
    use broadsheet::output::sitemap::{files, UrlEntry, MAX_URLS};
    let config = broadsheet::config::SiteConfig::default();
    let entries: Vec<UrlEntry> = (0..120_001)
        .map(|i| UrlEntry {
            loc: format!("http://localhost/2023/01/01/article-{i}/"),
            lastmod: None,
        })
        .collect();
    let out = files(&entries, &config, MAX_URLS);
    let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sitemap.xml",
            "sitemap-1.xml",
            "sitemap-2.xml",
            "sitemap-3.xml"
        ]
    );
    let counts: Vec<usize> = out[1..]
        .iter()
        .map(|(_, xml)| xml_texts(xml, "loc").len())
        .collect();
    assert_eq!(counts, [50_000, 50_000, 20_001]);
    assert_eq!(xml_texts(&out[0].1, "loc").len(), 3);
    // Exactly at the limit it stays one file.
    assert_eq!(files(&entries[..MAX_URLS], &config, MAX_URLS).len(), 1);
}

#[test]
fn not_found_page_is_themed_and_works_at_any_depth() {
    let site = Site::new("base_url = \"https://example.org/archive/\"\n");
    site.article("world/a.md", &fm("A", "2023-03-01"), "x");
    site.build_ok();
    let doc = site.html("404.html");
    assert_eq!(texts(&doc, "h1"), ["Page not found"]);
    assert_eq!(texts(&doc, ".site-title"), ["News archive"]);
    for a in select(&doc, "a[href]") {
        let href = a.value().attr("href").unwrap();
        assert!(
            href.starts_with("/archive/") || href.starts_with('#'),
            "{href}"
        );
    }
    assert_links_resolve(&site.out(), "/archive/");
    // Sub-path deploys: feeds and sitemap use the full base URL.
    assert!(site
        .read("sitemap.xml")
        .contains("<loc>https://example.org/archive/2023/03/01/a/</loc>"));
    assert_eq!(
        feed(&site, "atom.xml").id,
        "https://example.org/archive/atom.xml"
    );
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://example.org/archive/sitemap.xml"));
}

#[test]
fn base_url_flag_reaches_feeds_sitemap_and_metadata() {
    let site = news_site(CONFIG);
    let r = site.build(&["--base-url", "https://preview.example.net/pr-7/"]);
    assert!(r.ok, "{}", r.stderr);
    assert_links_resolve(&site.out(), "/pr-7/");
    assert!(site
        .read("sitemap.xml")
        .contains("<loc>https://preview.example.net/pr-7/</loc>"));
    let f = feed(&site, "atom.xml");
    assert_eq!(f.id, "https://preview.example.net/pr-7/atom.xml");
    assert!(f.entries[0]
        .id
        .starts_with("tag:preview.example.net,2023-03-05:/pr-7/"));
    let doc = site.html("index.html");
    assert_eq!(
        select(&doc, "meta[property='og:url']")[0]
            .value()
            .attr("content"),
        Some("https://preview.example.net/pr-7/")
    );
}

/// The JSON-LD of an article page, parsed.
fn json_ld(doc: &Html) -> serde_json::Value {
    let scripts = select(doc, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1);
    let text: String = scripts[0].text().collect();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
}

#[test]
fn article_metadata_matches_the_visible_page() {
    let site = Site::new(CONFIG);
    site.article(
        "world/hostile.md",
        "title = \"Talks </script><script>alert(1)</script> & \\\"more\\\"\"\ndate = 2023-03-07T10:30:00+02:00\nupdated = 2023-03-08T09:00:00+02:00\nauthors = [\"Jane Doe\", \"Omar <Ali>\"]\ntags = [\"Iraq\", \"Water & Power\"]\nsources = [\"AFP\"]\nimage = \"photo.jpg\"\ncaption = \"The dam at dawn\"\nsummary = \"A <summary> & more.\"",
        "Body.",
    );
    site.write("content/world/photo.jpg", "not really a jpeg");
    site.build_ok();
    let rel = "2023/03/07/talks-more/index.html";
    let raw = site.read(rel);
    assert!(
        !raw.contains("<script>alert"),
        "unescaped title in the page"
    );
    let doc = site.html(rel);
    let ld = json_ld(&doc);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    // Headline, dates and authors as the reader sees them.
    assert_eq!(ld["headline"].as_str().unwrap(), texts(&doc, "h1")[0]);
    let published = select(&doc, ".story .byline time")[0]
        .value()
        .attr("datetime")
        .unwrap();
    assert_eq!(ld["datePublished"], published);
    assert_eq!(ld["datePublished"], "2023-03-07T10:30:00+02:00");
    let updated = select(&doc, ".story .updated time")[0]
        .value()
        .attr("datetime")
        .unwrap();
    assert_eq!(ld["dateModified"], updated);
    let authors: Vec<&str> = ld["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(authors, texts(&doc, ".story .byline .authors a"));
    assert_eq!(
        ld["author"][0]["url"],
        "https://example.org/authors/jane-doe/"
    );
    assert_eq!(ld["publisher"]["name"], "Test Archive");
    assert_eq!(
        ld["image"][0],
        "https://example.org/2023/03/07/talks-more/photo.jpg"
    );
    assert_eq!(ld["articleSection"], "World");
    assert_eq!(ld["keywords"], serde_json::json!(["Iraq", "Water & Power"]));
    assert_eq!(ld["description"], "A <summary> & more.");
    assert_eq!(
        ld["mainEntityOfPage"]["@id"],
        select(&doc, "link[rel=canonical]")[0]
            .value()
            .attr("href")
            .unwrap()
    );
    // Nothing in the script can end it early.
    let script_start = raw.find("application/ld+json").unwrap();
    let script = &raw[script_start..script_start + raw[script_start..].find("</script>").unwrap()];
    assert!(script.contains("\\u003c/script\\u003e") && script.contains("\\u0026"));

    // OpenGraph and Twitter card tags.
    let meta = |sel: &str| -> Vec<String> {
        select(&doc, sel)
            .iter()
            .map(|m| m.value().attr("content").unwrap().to_string())
            .collect()
    };
    assert_eq!(
        meta("meta[property='og:title']"),
        [texts(&doc, "h1")[0].clone()]
    );
    assert_eq!(meta("meta[property='og:type']"), ["article"]);
    assert_eq!(
        meta("meta[property='og:url']"),
        ["https://example.org/2023/03/07/talks-more/"]
    );
    assert_eq!(
        meta("meta[property='og:image']"),
        [ld["image"][0].as_str().unwrap()]
    );
    assert_eq!(meta("meta[property='og:image:alt']"), ["The dam at dawn"]);
    assert_eq!(
        meta("meta[property='article:tag']"),
        ["Iraq", "Water & Power"]
    );
    assert_eq!(meta("meta[property='article:published_time']"), [published]);
    assert_eq!(meta("meta[name='twitter:card']"), ["summary_large_image"]);
    assert_eq!(
        meta("meta[name='twitter:description']"),
        ["A <summary> & more."]
    );
    // Listing pages describe themselves as websites and carry no article JSON-LD.
    let home = site.html("index.html");
    assert!(select(&home, "script[type='application/ld+json']").is_empty());
    assert_eq!(
        select(&home, "meta[property='og:type']")[0]
            .value()
            .attr("content"),
        Some("website")
    );
    assert_links_resolve(&site.out(), "/");
}

/// Titles of the related articles listed on an article page.
fn related(site: &Site, rel: &str) -> Vec<String> {
    texts(&site.html(rel), ".related li a")
}

fn related_site(config: &str) -> Site {
    let site = Site::new(config);
    let body = "Engineers described the reservoir, turbines and spillway in detail.";
    for (file, title, date, tags, section) in [
        (
            "a",
            "Nile dam talks resume",
            "2023-03-10",
            "[\"Nile\", \"Dams\", \"Ethiopia\"]",
            "world",
        ),
        (
            "b",
            "Dam filling begins",
            "2023-03-12",
            "[\"Nile\", \"Dams\", \"Ethiopia\"]",
            "world",
        ),
        (
            "c",
            "Nile cruise season opens",
            "2023-03-11",
            "[\"Nile\"]",
            "culture",
        ),
        (
            "d",
            "Dams across Africa",
            "2021-01-01",
            "[\"Dams\", \"Nile\"]",
            "business",
        ),
        (
            "e",
            "Cup final tonight",
            "2023-03-10",
            "[\"Football\"]",
            "world",
        ),
        (
            "f",
            "League table shifts",
            "2023-03-09",
            "[\"Football\"]",
            "sport",
        ),
    ] {
        let text = match file {
            "a" | "b" | "d" => body,
            "c" => "Boats sail at dawn.",
            _ => "Fans sang all night.",
        };
        site.article(
            &format!("{section}/{file}.md"),
            &format!("{}\ntags = {tags}", fm(title, date)),
            text,
        );
    }
    site
}

#[test]
fn related_articles_are_sensible_and_deterministic() {
    let site = related_site(CONFIG);
    site.build_ok();
    let a = "2023/03/10/nile-dam-talks-resume/index.html";
    let first = related(&site, a);
    // Same three tags and words first; then shared tags, nearer in time first;
    // a story that only shares the section and day is not related.
    assert_eq!(first[0], "Dam filling begins");
    assert!(first.contains(&"Dams across Africa".to_string()));
    assert!(first.contains(&"Nile cruise season opens".to_string()));
    assert!(
        !first.contains(&"Cup final tonight".to_string()),
        "{first:?}"
    );
    assert!(
        !first.contains(&"Nile dam talks resume".to_string()),
        "lists itself"
    );
    assert_eq!(
        related(&site, "2023/03/10/cup-final-tonight/index.html"),
        ["League table shifts"]
    );

    // The same input gives the same lists, in a fresh folder too.
    site.build_ok();
    assert_eq!(related(&site, a), first);
    let again = related_site(CONFIG);
    again.build_ok();
    assert_eq!(related(&again, a), first);
    assert_links_resolve(&site.out(), "/");

    // related_articles caps the list; 0 turns it off.
    let one = related_site(&format!("{CONFIG}related_articles = 1\n"));
    one.build_ok();
    assert_eq!(related(&one, a), ["Dam filling begins"]);
    let none = related_site(&format!("{CONFIG}related_articles = 0\n"));
    none.build_ok();
    assert!(select(&none.html(a), ".related").is_empty());
}

/// Without tags, an article that shares one rare word with another of its section is
/// listed when nothing stronger is found (a quarter of a tagless corpus had no related
/// articles at all); across sections one shared word is not enough.
#[test]
fn one_rare_shared_word_fills_an_empty_related_list_within_the_section() {
    let site = Site::new(CONFIG);
    for (file, title, date, body) in [
        (
            "entertainment/jail.md",
            "No jail for singer Courtney Love",
            "2023-03-10",
            "The singer was fined after the hearing.",
        ),
        (
            "entertainment/nirvana.md",
            "Disputed Nirvana box set on sale",
            "2023-03-09",
            "The widow Courtney had fought the release for years.",
        ),
        (
            "entertainment/oscars.md",
            "Oscar nominations announced",
            "2023-03-08",
            "Voters picked ten films this year.",
        ),
        (
            "local/bridge.md",
            "Courtney Street bridge reopens",
            "2023-03-10",
            "Traffic returned on Monday.",
        ),
    ] {
        site.article(file, &fm(title, date), body);
    }
    site.build_ok();
    assert_eq!(
        related(
            &site,
            "2023/03/10/no-jail-for-singer-courtney-love/index.html"
        ),
        ["Disputed Nirvana box set on sale"]
    );
    assert!(select(
        &site.html("2023/03/10/courtney-street-bridge-reopens/index.html"),
        ".related"
    )
    .is_empty());
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

#[test]
fn compress_writes_gz_copies_that_decompress_to_the_same_bytes() {
    let site = news_site(&format!("{CONFIG}compress = true\n"));
    site.write("static/app.js", "console.log('hi');\n");
    site.write("static/photo.png", "not text");
    site.build_ok();
    let files = snapshot(&site.out());
    let mut checked = 0;
    for (rel, bytes) in &files {
        let ext = rel.rsplit('.').next().unwrap();
        if ["html", "css", "js", "xml"].contains(&ext) {
            let gz = files
                .get(&format!("{rel}.gz"))
                .unwrap_or_else(|| panic!("no {rel}.gz"));
            assert_eq!(&gunzip(gz), bytes, "{rel}.gz");
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked}");
    assert!(files.contains_key("sitemap.xml.gz") && files.contains_key("app.js.gz"));
    assert!(!files.contains_key("photo.png.gz") && !files.contains_key("robots.txt.gz"));

    // Deterministic: a rebuild leaves every .gz byte-for-byte as it was.
    site.build_ok();
    assert_eq!(snapshot(&site.out()), files);
    // Without compress, no .gz files.
    let plain = news_site(CONFIG);
    plain.build_ok();
    assert!(snapshot(&plain.out()).keys().all(|k| !k.ends_with(".gz")));
}

#[test]
fn demo_archive_has_feeds_sitemap_and_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let r = common::build_demo(&out);
    assert!(r.ok, "{}", r.stderr);
    let home = Feed::read_from(fs::read(out.join("atom.xml")).unwrap().as_slice()).unwrap();
    assert_eq!(home.entries.len(), 17);
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert_eq!(
        xml_texts(&sitemap, "loc")
            .into_iter()
            .collect::<BTreeSet<_>>(),
        page_urls(&out, "https://example.org/")
    );
    // The demo keeps its own robots.txt, which names the sitemap.
    assert!(fs::read_to_string(out.join("robots.txt"))
        .unwrap()
        .contains("Sitemap: https://example.org/sitemap.xml"));
    let mut with_related = 0;
    for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "index.html") {
            let doc = Html::parse_document(&fs::read_to_string(path).unwrap());
            if doc
                .root_element()
                .html()
                .contains("<body class=\"article\"")
            {
                let ld = json_ld(&doc);
                assert_eq!(ld["headline"].as_str().unwrap(), texts(&doc, "h1")[0]);
                with_related += usize::from(!select(&doc, ".related li").is_empty());
            }
        }
    }
    assert!(with_related >= 10, "{with_related}");
}

/// Page 2 of a listing: its last breadcrumb links to page 1 and is not marked as the
/// current page; the feed it announces has the feed's own title.
#[test]
fn later_pages_of_a_listing_point_back_to_page_one() {
    let site = Site::new(CONFIG);
    for day in 1..=5 {
        site.article(
            &format!("world/a{day}.md"),
            &fm(&format!("Story {day}"), &format!("2023-03-0{day}")),
            "Body.",
        );
    }
    site.build_ok();
    let page = site.html("sections/world/page/2/index.html");
    let crumbs = select(&page, ".breadcrumb li");
    let last = crumbs.last().expect("breadcrumbs").html();
    assert!(!last.contains("aria-current"), "{last}");
    let first = site.html("sections/world/index.html");
    let last = select(&first, ".breadcrumb li").last().unwrap().html();
    assert!(last.contains("aria-current=\"page\""), "{last}");
    let feed_link = select(&page, "link[rel=alternate][type='application/atom+xml']")[0]
        .value()
        .attr("title")
        .unwrap()
        .to_string();
    assert_eq!(feed_link, "Test Archive · Section: World");
    assert_eq!(
        feed(&site, "sections/world/atom.xml").title().as_str(),
        feed_link
    );
}

/// An archive of undated articles (the BBC dataset has no dates) gets feeds dated as
/// their entry ids are, not 1970.
#[test]
fn undated_feeds_carry_the_day_of_their_entry_ids() {
    let site = Site::new(CONFIG);
    site.write(
        "content/tech/a.txt",
        "A headline\n\nA body long enough to be an article about nothing much.\n",
    );
    site.build_ok();
    let feed = feed(&site, "atom.xml");
    assert_eq!(feed.updated().to_rfc3339(), "2000-01-01T00:00:00+00:00");
    let entry = &feed.entries()[0];
    assert_eq!(entry.updated().to_rfc3339(), "2000-01-01T00:00:00+00:00");
    assert!(entry.id().contains(",2000-01-01:"), "{}", entry.id());
}

/// An undated article is given no date of its own in feeds: no `pubDate` in RSS (it is
/// optional) and no `published` in Atom, whose required `updated` is the feed's own,
/// taken from its dated entries; a feed with none has the fixed fallback day.
#[test]
fn undated_entries_are_given_no_date_of_their_own() {
    let site = Site::new(&format!("{CONFIG}rss_feed = \"rss.xml\"\n"));
    site.article(
        "world/a.md",
        &fm("Dated", "2023-03-07T10:00:00"),
        "A dated story.",
    );
    site.write(
        "content/world/u.txt",
        "Undated headline\n\nA body long enough to be an article about nothing much.\n",
    );
    site.build_ok();
    let atom = feed(&site, "atom.xml");
    assert_eq!(atom.updated().to_rfc3339(), "2023-03-07T10:00:00+02:00");
    let undated = atom
        .entries()
        .iter()
        .find(|e| e.title.value == "Undated headline");
    let undated = undated.expect("the undated entry");
    assert_eq!(undated.published(), None);
    assert_eq!(undated.updated(), atom.updated());
    let rss = rss::Channel::read_from(site.read("rss.xml").as_bytes()).unwrap();
    assert_eq!(
        rss.last_build_date(),
        Some("Tue, 7 Mar 2023 10:00:00 +0200")
    );
    let dates: Vec<(Option<&str>, Option<&str>)> = rss
        .items()
        .iter()
        .map(|i| (i.title(), i.pub_date()))
        .collect();
    assert_eq!(
        dates,
        [
            (Some("Dated"), Some("Tue, 7 Mar 2023 10:00:00 +0200")),
            (Some("Undated headline"), None)
        ]
    );

    // A feed of undated entries only: no date at all in RSS, the fallback in Atom.
    site.write(
        "content/tech/b.txt",
        "Another headline\n\nAnother body long enough to be an article about little.\n",
    );
    site.build_ok();
    let rss = rss::Channel::read_from(site.read("sections/tech/rss.xml").as_bytes()).unwrap();
    assert_eq!(rss.last_build_date(), None);
    assert_eq!(rss.items()[0].pub_date(), None);
    let atom = feed(&site, "sections/tech/atom.xml");
    assert_eq!(atom.updated().to_rfc3339(), "2000-01-01T00:00:00+00:00");
    assert_eq!(atom.entries()[0].updated(), atom.updated());
}

/// The 404 page names no canonical URL (it is served at every missing address), and a
/// site of one article prints no empty "more articles" navigation.
#[test]
fn not_found_has_no_canonical_and_a_lone_article_no_empty_nav() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("Alone", "2023-03-07"), "Body.");
    site.build_ok();
    let not_found = site.html("404.html");
    assert!(select(&not_found, "link[rel=canonical]").is_empty());
    let page = site.html("2023/03/07/alone/index.html");
    assert!(select(&page, ".story-nav").is_empty());
    assert_eq!(select(&page, "link[rel=canonical]").len(), 1);
}

/// Previous and next stay among dated articles, and among undated ones: an undated
/// article has no place in time next to the oldest dated one.
#[test]
fn story_navigation_does_not_cross_from_dated_to_undated() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("Dated one", "2023-03-07"), "Body.");
    site.article("world/b.md", &fm("Dated two", "2023-03-08"), "Body.");
    site.write(
        "content/world/u.txt",
        "Undated story\n\nA body long enough to be an article about nothing much.\n",
    );
    site.build_ok();
    let oldest = site.html("2023/03/07/dated-one/index.html");
    assert!(select(&oldest, ".story-nav a[rel=prev]").is_empty());
    assert_eq!(select(&oldest, ".story-nav a[rel=next]").len(), 1);
    let undated = site.html("undated/undated-story/index.html");
    assert!(select(&undated, ".story-nav").is_empty());
}

/// The site navigation marks the section a page belongs to: as the page itself when the
/// item links to it, else as the current item of the nav (`true`), never as a second
/// current page.
#[test]
fn navigation_marks_the_current_section() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        &format!("{}\ntags = [\"Iraq\"]", fm("A", "2023-03-07")),
        "Body.",
    );
    site.build_ok();
    let current = |rel: &str| texts(&site.html(rel), ".site-nav [aria-current]");
    let page = |rel: &str| texts(&site.html(rel), ".site-nav [aria-current=page]");
    assert_eq!(page("index.html"), ["Latest"]);
    assert_eq!(page("tags/index.html"), ["Tags"]);
    assert_eq!(current("tags/iraq/index.html"), ["Tags"]);
    assert!(page("tags/iraq/index.html").is_empty());
    assert_eq!(current("2023/index.html"), ["Archive"]);
    assert!(page("2023/index.html").is_empty());
    assert_eq!(page("search/index.html"), ["Search"]);
    assert!(current("2023/03/07/a/index.html").is_empty());
    assert!(current("404.html").is_empty());
}

#[test]
fn an_article_in_another_language_is_shared_in_its_own_locale() {
    let site = Site::new("title = \"أرشيف\"\nlanguage = \"ar\"\n");
    site.article(
        "en.md",
        &format!(
            "{}\nlang = \"en-GB\"",
            fm("Cotton exports rebound", "2023-03-07")
        ),
        "Body.",
    );
    site.article(
        "fr.md",
        &format!("{}\nlang = \"fr\"", fm("Le coton repart", "2023-03-08")),
        "Texte.",
    );
    site.article("ar.md", &fm("صادرات القطن", "2023-03-09"), "نص.");
    site.build_ok();
    let locale = |rel: &str| -> Vec<String> {
        select(&site.html(rel), "meta[property='og:locale']")
            .iter()
            .filter_map(|m| m.value().attr("content").map(str::to_string))
            .collect()
    };
    assert_eq!(
        locale("2023/03/07/cotton-exports-rebound/index.html"),
        ["en_GB"]
    );
    assert_eq!(locale("2023/03/08/le-coton-repart/index.html"), ["fr_FR"]);
    // The site's own, on its articles and listings.
    assert_eq!(locale("2023/03/09/sdrt-lqtn/index.html"), ["ar_EG"]);
    assert_eq!(locale("index.html"), ["ar_EG"]);
}

#[test]
fn feed_entries_in_another_language_say_so() {
    let site = translated_site();
    site.build_ok();
    let feed = feed(&site, "atom.xml");
    assert_eq!(feed.lang.as_deref(), Some("en"));
    let langs: Vec<(&str, Option<&str>, Option<&str>)> = feed
        .entries
        .iter()
        .map(|e| {
            (
                e.title.value.as_str(),
                e.title.lang.as_deref(),
                e.summary.as_ref().and_then(|s| s.lang.as_deref()),
            )
        })
        .collect();
    // Newest first, feed_entries = 3; the site's own language is not repeated.
    assert_eq!(
        langs,
        [
            ("Other", None, None),
            ("Austin en Irak", Some("fr"), Some("fr")),
            ("زيارة أوستن", Some("ar"), Some("ar")),
        ]
    );
}
