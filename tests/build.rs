//! End-to-end builds of fixture sites, inspected as parsed HTML.

mod common;

use std::fs;

use common::*;

const CONFIG: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org/\"\ntimezone = \"Africa/Cairo\"\nper_page = 3\n";

#[test]
fn demo_archive_is_browsable_from_home_to_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let r = common::build_demo(&out);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Built 17 articles"), "{}", r.stdout);
    assert!(assert_links_resolve(&out, "/") > 500);

    // Every page of the site is reachable from the home page by following links.
    let reached = reachable(&out, "/");
    let all_pages: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(all_pages.len() > 70);
    for page in &all_pages {
        assert!(
            reached.contains(page),
            "{} is not reachable from the home page",
            page.display()
        );
    }
    // The seed article is there, with its caption and credit, and the draft is not.
    let seed = fs::read_to_string(out.join(
        "2023/03/07/pentagon-chief-visits-iraq-nearly-20-years-after-us-led-invasion/index.html",
    ))
    .unwrap();
    assert!(seed.contains("<span class=\"credit\">AFP</span>"));
    assert!(!out.join("2024/03/01").exists(), "draft was published");
    // The colocated image is copied beside its article; the user's base template is used.
    assert!(out
        .join("2023/01/30/a-green-comet-returns-after-50-000-years/comet-map.svg")
        .is_file());
    assert!(fs::read_to_string(out.join("index.html"))
        .unwrap()
        .contains("a demo archive made with broadsheet"));
}

/// Home page count and article count on the last page for `n` articles with per_page = 3.
fn home_pages(n: usize) -> (usize, usize) {
    let site = Site::new(CONFIG);
    fs::create_dir_all(site.dir().join("content")).unwrap();
    for i in 0..n {
        site.article(
            &format!("news/a{i}.md"),
            &fm(&format!("Story {i}"), &format!("2023-01-{:02}", i + 1)),
            "Body.",
        );
    }
    site.build_ok();
    assert_links_resolve(&site.out(), "/");
    let mut pages = 1;
    while site
        .out()
        .join(format!("page/{}/index.html", pages + 1))
        .exists()
    {
        pages += 1;
    }
    let last = if pages == 1 {
        "index.html".to_string()
    } else {
        format!("page/{pages}/index.html")
    };
    let doc = site.html(&last);
    let items = select(&doc, "main article.card").len();
    // Follow "Older" links from page 1 to the last page.
    let mut file = "index.html".to_string();
    let mut walked = 1;
    loop {
        let doc = site.html(&file);
        let next = select(&doc, "a[rel=next]")
            .first()
            .map(|a| a.value().attr("href").unwrap().to_string());
        match next {
            Some(href) => {
                file = format!("{}index.html", href.trim_start_matches('/'));
                walked += 1;
            }
            None => break,
        }
    }
    assert_eq!(walked, pages);
    // Every page of the home listing has its own title, and headings say the page as
    // other listings do.
    for k in 1..=pages {
        let file = match k {
            1 => "index.html".to_string(),
            k => format!("page/{k}/index.html"),
        };
        let doc = site.html(&file);
        let (title, h1) = match k {
            1 => ("Test Archive".to_string(), "Latest news".to_string()),
            k => (
                format!("Test Archive (page {k} of {pages})"),
                format!("Latest news (page {k} of {pages})"),
            ),
        };
        assert_eq!(texts(&doc, "title"), [title], "{file}");
        assert_eq!(texts(&doc, "h1"), [h1], "{file}");
    }
    (pages, items)
}

#[test]
fn pagination_boundaries() {
    assert_eq!(home_pages(0), (1, 0));
    assert_eq!(home_pages(1), (1, 1));
    assert_eq!(home_pages(3), (1, 3));
    assert_eq!(home_pages(4), (2, 1));
}

/// `page_numbers = "oldest"`: page 1 is the oldest articles, the front page holds the
/// newest (`per_page` to twice that less one), and links run newest first.
#[test]
fn pages_numbered_from_the_oldest() {
    let site = Site::new(&format!("{CONFIG}page_numbers = \"oldest\"\n"));
    for i in 0..10 {
        site.article(
            &format!("world/s{i}.md"),
            &format!("title = \"Story {i}\"\ndate = 2023-03-{:02}", i + 1),
            "Body.",
        );
    }
    site.build_ok();
    assert_links_resolve(&site.out(), "/");
    let titles = |file: &str| texts(&site.html(file), "main article.card h2");
    let stories = |ns: &[usize]| ns.iter().map(|i| format!("Story {i}")).collect::<Vec<_>>();
    // 10 articles, 3 per page: pages 1 and 2 are full from the oldest, the front holds 4.
    assert_eq!(titles("page/1/index.html"), stories(&[2, 1, 0]));
    assert_eq!(titles("page/2/index.html"), stories(&[5, 4, 3]));
    assert_eq!(titles("index.html"), stories(&[9, 8, 7, 6]));
    assert!(!site.out().join("page/3").exists());
    // The page numbers say no count, which would change as the listing grows.
    let doc = site.html("page/1/index.html");
    assert_eq!(texts(&doc, "title"), ["Test Archive (page 1)"]);
    assert_eq!(texts(&doc, "h1"), ["Latest news (page 1)"]);
    assert_eq!(texts(&site.html("index.html"), "h1"), ["Latest news"]);
    let links = |file: &str| texts(&site.html(file), ".pagination li");
    assert_eq!(links("index.html"), ["Latest", "2", "1"]);
    assert_eq!(links("page/1/index.html"), ["Latest", "2", "1"]);
    let href = |file: &str, rel: &str| {
        select(&site.html(file), &format!(".pagination a[rel={rel}]"))
            .first()
            .map(|a| a.value().attr("href").unwrap().to_string())
    };
    // Newer and older, walked from the front.
    assert_eq!(href("index.html", "prev"), None);
    assert_eq!(href("index.html", "next").as_deref(), Some("/page/2/"));
    assert_eq!(href("page/2/index.html", "prev").as_deref(), Some("/"));
    assert_eq!(
        href("page/2/index.html", "next").as_deref(),
        Some("/page/1/")
    );
    assert_eq!(href("page/1/index.html", "next"), None);
    // Other listings number the same way.
    assert_eq!(
        texts(&site.html("sections/world/page/1/index.html"), "h1"),
        ["Section: World (page 1)"]
    );
    // The name is set apart from the page number, which reads in the site's direction.
    assert!(site
        .read("sections/world/page/1/index.html")
        .contains("Section: <bdi>World</bdi> (page 1)</h1>"));
}

#[test]
fn dates_near_midnight_land_on_the_site_zone_day() {
    let site = Site::new(CONFIG);
    // 22:30 UTC on 31 December is already 1 January in Cairo (UTC+2).
    site.article(
        "world/a.md",
        "title = \"New year\"\ndate = 2023-12-31T22:30:00Z",
        "x",
    );
    // A local time without offset is read in the site zone, unchanged.
    site.article(
        "world/b.md",
        "title = \"Late\"\ndate = \"2023-03-31 23:59\"",
        "x",
    );
    site.build_ok();
    let doc = site.html("2024/01/01/new-year/index.html");
    let time = select(&doc, "article.story time")[0]
        .value()
        .attr("datetime")
        .unwrap()
        .to_string();
    assert_eq!(time, "2024-01-01T00:30:00+02:00");
    assert!(site.out().join("2024/01/index.html").is_file());
    assert!(site.out().join("2023/03/31/late/index.html").is_file());
    let archive = site.html("archive/index.html");
    let years = texts(&archive, ".year h2 a");
    assert_eq!(years, vec!["2024", "2023"]);
}

#[test]
fn articles_wanting_one_url_are_both_published_but_a_static_file_in_the_way_fails() {
    let site = Site::new(CONFIG);
    site.article(
        "world/one.md",
        "title = \"Same story\"\ndate = 2023-03-07",
        "x",
    );
    site.article(
        "business/two.md",
        "title = \"Same Story!\"\ndate = 2023-03-07",
        "y",
    );
    // Same day: the first by file keeps the URL, the other gets the next free slug.
    let r = site.build_ok();
    assert!(
        // At the title's line: the slug is made from it.
        r.stderr.contains("warning: content/world/one.md:2: content/business/two.md already has the URL /2023/03/07/same-story/; this article is published at /2023/03/07/same-story-2/ instead"),
        "{}",
        r.stderr
    );
    assert_eq!(
        texts(&site.html("2023/03/07/same-story/index.html"), "h1"),
        ["Same Story!"]
    );
    assert_eq!(
        texts(&site.html("2023/03/07/same-story-2/index.html"), "h1"),
        ["Same story"]
    );

    // A file under static/ where an article's page goes is refused, naming both.
    site.write("static/2023/03/07/same-story/index.html", "mine");
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("content/business/two.md"), "{}", r.stderr);
    assert!(
        r.stderr.contains("static/2023/03/07/same-story/index.html"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_front_matter_fails_with_file_and_line() {
    let site = Site::new(CONFIG);
    site.article("world/x.md", "title = \"Fine\"\ndate = \"Tuesday\"", "x");
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("content/world/x.md:3: date 'Tuesday' is not a date; use RFC 3339 such as 2023-03-07T10:00:00+02:00"),
        "{}",
        r.stderr
    );
    site.article(
        "world/x.md",
        "title = \"Fine\"\ndate = 2023-03-07\ntags = [\"a\",",
        "x",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("content/world/x.md:"), "{}", r.stderr);
    site.write("content/world/x.md", "no front matter here\n");
    let r = site.build(&[]);
    assert!(
        r.stderr.contains("content/world/x.md:1: no front matter"),
        "{}",
        r.stderr
    );
}

/// Markup a front matter's title keeps as text is shown as written, and is no word of
/// the URL made from the title.
#[test]
fn markup_in_a_title_is_no_word_of_its_url() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        &fm("The <em>big</em> story", "2023-03-07"),
        "x",
    );
    site.build_ok();
    let page = site.html("2023/03/07/the-big-story/index.html");
    let h1 = select(&page, "h1");
    assert_eq!(h1[0].text().collect::<String>(), "The <em>big</em> story");
}

/// A setting allowed but most likely not meant is built with a warning at its line.
#[test]
fn a_fixed_offset_timezone_builds_with_a_warning() {
    let site = Site::new(&CONFIG.replace("Africa/Cairo", "EST"));
    site.article("world/a.md", &fm("First", "2023-07-07"), "x");
    let r = site.build(&[]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stderr.contains("site.toml:") && r.stderr.contains("America/New_York"),
        "{}",
        r.stderr
    );
    // A rebuild with nothing to do says it again.
    let again = site.build(&[]);
    assert!(
        again.stderr.contains("America/New_York"),
        "{}",
        again.stderr
    );
}

/// Two builds into one output folder: while one holds it, another stops at once with a
/// message saying why, touching nothing; once it is released, builds go on.
#[test]
fn a_build_refuses_an_output_folder_another_build_is_writing() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("First", "2023-03-07"), "x");
    site.build_ok();
    let before = snapshot(&site.out());
    site.article("world/b.md", &fm("Second", "2023-03-08"), "y");
    // Another build, as the lock file sees it.
    let lock = fs::File::open(site.dir().join(".broadsheet-cache/public.lock")).unwrap();
    lock.lock().unwrap();
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("another build is writing"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&site.out()), before);
    lock.unlock().unwrap();
    site.build_ok();
    assert!(snapshot(&site.out()).len() > before.len());
}

#[test]
fn failed_build_leaves_previous_site_byte_for_byte() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("First", "2023-03-07"), "x");
    site.build_ok();
    let before = snapshot(&site.out());
    assert!(before.len() > 5);

    // A content error, then a template error: neither may touch the site.
    site.article("world/b.md", &fm("Second", "2023-13-45"), "y");
    assert!(!site.build(&[]).ok);
    assert_eq!(snapshot(&site.out()), before);
    site.article("world/b.md", &fm("Second", "2023-03-08"), "y");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block main %}{{ nope.missing }}{% endblock main %}",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("article.html"), "{}", r.stderr);
    assert_eq!(snapshot(&site.out()), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(site.dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty());

    // Fixing it publishes the new site.
    fs::remove_file(site.dir().join("templates/article.html")).unwrap();
    site.build_ok();
    assert!(site.out().join("2023/03/08/second/index.html").is_file());
}

#[test]
fn rebuild_keeps_unchanged_files() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("First", "2023-03-07"), "x");
    site.article("world/b.md", &fm("Second", "2023-03-08"), "y");
    site.build_ok();
    let file = site.out().join("2023/03/07/first/index.html");
    let before = fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    site.article("world/b.md", &fm("Second", "2023-03-08"), "changed body");
    let r = site.build_ok();
    assert_eq!(fs::metadata(&file).unwrap().modified().unwrap(), before);
    assert!(site
        .read("2023/03/08/second/index.html")
        .contains("changed body"));
    // The article and the listings showing its summary changed; nothing else was rewritten.
    let counts = r.stdout.split('(').nth(1).unwrap();
    let changed: usize = counts.split(' ').next().unwrap().parse().unwrap();
    let total: usize = counts.split(' ').nth(2).unwrap().parse().unwrap();
    assert!(changed >= 1 && changed * 2 < total, "{}", r.stdout);
}

#[test]
fn metadata_is_escaped() {
    let site = Site::new(CONFIG);
    site.article(
        "world/x.md",
        "title = \"<script>alert(1)</script>\"\ndate = 2023-03-07\ntags = [\"<b>bold</b>\"]\nauthors = [\"\\\"Quote\\\" O'Neil\"]",
        "Body <script>alert(2)</script> and <img src=x onerror=alert(3)>.",
    );
    site.build_ok();
    for (path, bytes) in snapshot(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<script>alert"),
            "{path} holds a live script"
        );
        assert!(!text.contains("onerror"), "{path} holds an event handler");
        assert!(
            !text.contains("<b>bold"),
            "{path} holds unescaped tag markup"
        );
    }
    let doc = site.html("2023/03/07/script-alert-1-script/index.html");
    assert_eq!(
        texts(&doc, "article.story h1"),
        vec!["<script>alert(1)</script>"]
    );
    assert_eq!(texts(&doc, ".authors a"), vec!["\"Quote\" O'Neil"]);
}

#[test]
fn unicode_slugs_keep_the_script_and_stay_inside_the_output() {
    let site = Site::new(&format!("{CONFIG}slugs = \"unicode\"\nlanguage = \"ar\"\n"));
    site.article(
        "politics/austin.md",
        "title = \"زيارة أوستن إلى العراق\"\ndate = 2023-03-07\nsection = \"سياسة\"\ntags = [\"العراق\", \"Café Société\"]\nauthors = [\"أحمد\"]",
        "## الخلفية\n\nنص.\n\n[إلى القسم](#الخلفية)",
    );
    // The same hostile names as in the ASCII test: nothing climbs.
    site.article(
        "world/x.md",
        "title = \"Escape\"\ndate = 2023-03-08\nslug = \"../../etc\"\ntags = [\"../../tag\", \"a\u{202e}b\"]",
        "x",
    );
    let r = site.build_ok();
    let out = site.out();
    for page in [
        "2023/03/07/زيارة-أوستن-إلى-العراق/index.html",
        "sections/سياسة/index.html",
        "tags/العراق/index.html",
        "tags/café-société/index.html",
        "authors/أحمد/index.html",
        "2023/03/08/etc/index.html",
        "tags/tag/index.html",
        "tags/ab/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing:\n{}", r.stderr);
    }
    for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
        assert!(entry.path().starts_with(&out));
    }
    // Heading anchors are in the script too, and the body's link to one finds it.
    let doc = site.html("2023/03/07/زيارة-أوستن-إلى-العراق/index.html");
    assert_eq!(
        select(&doc, "h2[id]")[0].value().attr("id"),
        Some("الخلفية")
    );
    assert!(assert_links_resolve(&out, "/") > 10);
    // The sitemap speaks ASCII, as its protocol asks; pages keep the readable form.
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.is_ascii(), "{sitemap}");
    assert!(
        sitemap
            .contains("<loc>https://example.org/tags/%D8%A7%D9%84%D8%B9%D8%B1%D8%A7%D9%82/</loc>"),
        "{sitemap}"
    );
    let page = site.read("2023/03/07/زيارة-أوستن-إلى-العراق/index.html");
    assert!(page.contains("href=\"/tags/العراق/\""), "{page}");
    // `check` follows the same links.
    let c = run(&["check", "--root", site.dir().to_str().unwrap()]);
    assert!(c.ok, "{}\n{}", c.stdout, c.stderr);
}

/// Transliterated, two spellings of one term can read apart (Arabic with and without its
/// vowel signs): the page keeps the oldest spelling's URL however the others grow.
#[test]
fn ascii_slugs_stay_put_when_a_newer_spelling_grows() {
    let site = Site::new(CONFIG);
    site.article(
        "a.md",
        &format!("{}\ntags = [\"مَصر\"]", fm("A", "2023-03-01")),
        "x",
    );
    site.build_ok();
    let pages = |site: &Site| -> Vec<String> {
        fs::read_dir(site.out().join("tags"))
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let first = pages(&site);
    assert_eq!(first.len(), 1, "{first:?}");
    for n in 0..3 {
        site.article(
            &format!("b{n}.md"),
            &format!("{}\ntags = [\"مصر\"]", fm(&format!("B{n}"), "2023-03-02")),
            "x",
        );
    }
    site.build_ok();
    assert_eq!(pages(&site), first);
    // Named as most articles spell it.
    let page = site.read(&format!("tags/{}/index.html", first[0]));
    assert!(page.contains("<bdi>مصر</bdi></h1>"), "{page}");
}

#[test]
fn unicode_slugs_stay_put_and_fit_the_file_system() {
    let site = Site::new(&format!("{CONFIG}slugs = \"unicode\"\n"));
    // Four bytes a letter (styled letters of social-media headlines): the file name fits.
    let styled = "𝐁𝐫𝐞𝐚𝐤𝐢𝐧𝐠𝐍𝐞𝐰𝐬 ".repeat(8);
    site.article("a.md", &fm(styled.trim(), "2023-03-01"), "x");
    // The oldest article spells the tag "Égypte"; more articles spell it "Egypte" later.
    site.article(
        "b.md",
        &format!("{}\ntags = [\"Égypte\"]", fm("B", "2023-03-02")),
        "x",
    );
    site.build_ok();
    assert!(site.out().join("tags/égypte/index.html").is_file());
    for n in 0..3 {
        site.article(
            &format!("c{n}.md"),
            &format!(
                "{}\ntags = [\"Egypte\"]",
                fm(&format!("C{n}"), "2023-03-03")
            ),
            "x",
        );
    }
    site.build_ok();
    assert!(site.out().join("tags/égypte/index.html").is_file());
    assert!(!site.out().join("tags/egypte").exists());
    // Shown as most articles spell it.
    assert!(site
        .read("tags/égypte/index.html")
        .contains("Tag: <bdi>Egypte</bdi></h1>"));
    // One word in two cases and with or without its accent is one tag, as search takes
    // it for one word: its page keeps the oldest spelling's URL.
    site.article(
        "d.md",
        &format!("{}\ntags = [\"Οδός\"]", fm("D", "2023-03-04")),
        "x",
    );
    site.build_ok();
    assert!(site.out().join("tags/οδός/index.html").is_file());
    site.article(
        "e.md",
        &format!("{}\ntags = [\"ΟΔΟΣ\"]", fm("E", "2023-03-05")),
        "x",
    );
    site.article(
        "f.md",
        &format!("{}\ntags = [\"οδος\"]", fm("F", "2023-03-06")),
        "x",
    );
    let r = site.build_ok();
    assert!(!r.stderr.contains("url-clash"), "{}", r.stderr);
    assert_eq!(
        select(&site.html("tags/οδός/index.html"), "article.card").len(),
        3
    );
    assert!(!site.out().join("tags/οδος").exists());
    assert_links_resolve(&site.out(), "/");
}

/// Spellings search folds to one word are one term in the default ASCII slugs too:
/// Greek case (final sigma) and accents, fullwidth letters; Latin ones as before.
#[test]
fn spellings_search_takes_for_one_word_are_one_tag() {
    let site = Site::new(CONFIG);
    let tagged = |file: &str, date: &str, tags: &str| {
        site.article(file, &format!("{}\ntags = [{tags}]", fm(file, date)), "x");
    };
    tagged("a.md", "2023-03-01", "\"ΣΕΙΣΜΟΣ\", \"ＡＢＣ\", \"Iraq\"");
    tagged("b.md", "2023-03-02", "\"σεισμός\", \"abc\", \"iraq\"");
    tagged("c.md", "2023-03-03", "\"Σεισμος\", \"Abc\", \"C\", \"C++\"");
    let r = site.build_ok();
    let cards = |rel: &str| select(&site.html(rel), "article.card").len();
    assert_eq!(cards("tags/seismos/index.html"), 3);
    assert_eq!(cards("tags/abc/index.html"), 3);
    assert_eq!(cards("tags/iraq/index.html"), 2);
    for gone in ["tags/seismos-2", "tags/abc-2", "tags/iraq-2"] {
        assert!(!site.out().join(gone).exists(), "{gone}");
    }
    // One clash only: "C++" and "C" are two words.
    assert_eq!(r.stderr.matches("same URL name").count(), 1, "{}", r.stderr);
    assert_eq!(
        texts(&site.html("tags/index.html"), "ul.terms a"),
        ["Abc", "C", "C++", "Iraq", "Σεισμος"]
    );
}

#[test]
fn expired_articles_come_off_the_site_when_their_time_comes() {
    let site = Site::new(CONFIG);
    site.article(
        "world/old.md",
        "title = \"Wire story\"\ndate = 2023-03-07\nexpiryDate = 2024-01-01",
        "Licensed until 2024.",
    );
    let soon = expiring_articles(&site, 2);
    let r = site.build_ok();
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("content/world/old.md: expired: its expiryDate 2024-01-01 00:00 +02:00 has passed (build with --expired to include it)"),
        "{said}"
    );
    let out = site.out();
    assert!(!out.join("2023/03/07/wire-story").exists());
    assert!(out.join("2023/03/08/soon-gone/index.html").is_file());
    assert!(!site.read("index.html").contains("Wire story"));
    // Nothing changes on disk when its time comes, and the next build still takes it off.
    std::thread::sleep(
        (soon - chrono::Utc::now() + chrono::Duration::milliseconds(1100))
            .to_std()
            .unwrap_or_default(),
    );
    let r = site.build_ok();
    assert!(!r.stdout.contains("(0 of "), "{}", r.stdout);
    assert!(!out.join("2023/03/08/soon-gone").exists());
    assert!(!site.read("index.html").contains("Soon gone"));
    assert_links_resolve(&out, "/");
    // What exports write for "never" is never; a value that cannot be read stops the
    // build, in a dump too, rather than leave licensed copy up.
    site.write(
        "content/never.jsonl",
        "{\"title\":\"Zero\",\"date\":\"2023-01-01\",\"body\":\"x\",\"expires\":0}\n{\"title\":\"Never\",\"date\":\"2023-01-02\",\"body\":\"x\",\"expiryDate\":\"never\"}\n{\"title\":\"Far\",\"date\":\"2023-01-03\",\"body\":\"x\",\"expirationDate\":\"9999-12-31T23:59:59Z\"}\n",
    );
    // A file of one draft and one expired record names each, as its reason can give one.
    site.write(
        "content/mixed.json",
        "[{\"title\":\"D\",\"date\":\"2023-01-05\",\"body\":\"x\",\"draft\":true},{\"title\":\"E\",\"date\":\"2023-01-06\",\"body\":\"y\",\"expires\":\"2020-01-01\"}]",
    );
    let r = site.build_ok();
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("(record 1): draft record") && said.contains("(record 2): expired record"),
        "{said}"
    );
    for page in ["2023/01/01/zero", "2023/01/02/never", "2023/01/03/far"] {
        assert!(out.join(page).join("index.html").is_file(), "{page}");
    }
    site.write(
        "content/bad.jsonl",
        "{\"title\":\"Bad\",\"date\":\"2023-01-04\",\"body\":\"x\",\"expires\":\"next tuesday\"}\n",
    );
    let r = site.build(&[]);
    assert!(
        !r.ok && r.stderr.contains("content/bad.jsonl:1:") && r.stderr.contains("is not a date"),
        "{}",
        r.stderr
    );
    fs::remove_file(site.dir().join("content/bad.jsonl")).unwrap();
    // --expired puts them back, for a look at what was published.
    let r = site.build(&["--expired"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(out.join("2023/03/07/wire-story/index.html").is_file());
    assert!(out.join("2023/03/08/soon-gone/index.html").is_file());
}

#[test]
fn hostile_names_stay_inside_the_output() {
    let site = Site::new(CONFIG);
    site.article(
        "world/x.md",
        "title = \"Escape\"\ndate = 2023-03-07\nslug = \"../../etc\"\nsection = \"../../../sec\"\ntags = [\"../../tag\", \"/abs\", \"..\"]\nauthors = [\"..\\\\..\\\\win\"]",
        "x",
    );
    let r = site.build_ok();
    assert!(
        r.stderr.contains("slug '../../etc' is not URL-safe"),
        "{}",
        r.stderr
    );
    // Nothing but the site folder's own files (and the build cache) appear next to the output.
    let mut names: Vec<_> = fs::read_dir(site.dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![".broadsheet-cache", "content", "public", "site.toml"]
    );
    assert!(site.out().join("2023/03/07/etc/index.html").is_file());
    assert!(site.out().join("sections/sec/index.html").is_file());
    assert!(site.out().join("tags/tag/index.html").is_file());
    assert_links_resolve(&site.out(), "/");
    for entry in walkdir::WalkDir::new(site.out()).into_iter().flatten() {
        assert!(entry.path().starts_with(site.out()));
    }
}

#[test]
fn terms_differing_in_case_or_space_are_one() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\ntags = [\"Iraq\"]\nsources = [\"AFP\"]",
        "x",
    );
    site.article(
        "world/b.md",
        "title = \"B\"\ndate = 2023-03-08\ntags = [\"iraq \"]\nsources = [\"afp\"]",
        "x",
    );
    site.article(
        "world/c.md",
        "title = \"C\"\ndate = 2023-03-09\ntags = [\"C++\", \"C\"]",
        "x",
    );
    let r = site.build_ok();
    let doc = site.html("tags/iraq/index.html");
    assert_eq!(select(&doc, "article.card").len(), 2);
    let tags = site.html("tags/index.html");
    let names = texts(&tags, ".terms li a");
    assert_eq!(
        names
            .iter()
            .filter(|n| n.eq_ignore_ascii_case("iraq"))
            .count(),
        1,
        "{names:?}"
    );
    assert_eq!(
        select(&site.html("sources/afp/index.html"), "article.card").len(),
        2
    );
    // "C++" and "C" both slug to "c": each keeps its own page, with a warning.
    assert!(site.out().join("tags/c/index.html").is_file());
    assert!(site.out().join("tags/c-2/index.html").is_file());
    assert!(r.stderr.contains("same URL name"), "{}", r.stderr);
    // The first to enter the archive keeps the plain URL: a newer term that slugs alike
    // never moves a page readers link to.
    site.article(
        "world/d.md",
        "title = \"D\"\ndate = 2023-03-01\ntags = [\"U.S.\", \"Égypte\"]",
        "x",
    );
    site.build_ok();
    let heading = |rel: &str| texts(&site.html(rel), "h1");
    assert_eq!(heading("tags/u-s/index.html"), ["Tag: U.S."]);
    site.article(
        "world/e.md",
        "title = \"E\"\ndate = 2023-04-01\ntags = [\"U S\", \"egypte\", \"EGYPTE\"]",
        "x",
    );
    let r = site.build_ok();
    assert_eq!(heading("tags/u-s/index.html"), ["Tag: U.S."]);
    assert_eq!(heading("tags/u-s-2/index.html"), ["Tag: U S"]);
    assert!(
        r.stderr
            .contains("tag 'U S' has the same URL name as the tag 'U.S.', which had it first"),
        "{}",
        r.stderr
    );
    // Spellings search takes for one word (accents, Arabic vowel signs) are one tag.
    assert_eq!(heading("tags/egypte/index.html"), ["Tag: Égypte"]);
    assert_eq!(
        select(&site.html("tags/egypte/index.html"), "article.card").len(),
        2
    );
    assert!(!site.out().join("tags/egypte-2").exists());
}

/// Each file is named on a line of the report with its reason.
fn assert_reported(stderr: &str, files: &[(&str, &str)]) {
    for (file, reason) in files {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(reason)),
            "{file}:\n{stderr}"
        );
    }
}

/// A picture named with a space or accents gets a URL that finds it.
#[test]
fn an_image_named_with_spaces_is_linked_encoded() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\nimage = \"my photo é.jpg\"",
        "Body.",
    );
    site.write("content/world/my photo é.jpg", "jpg");
    site.build_ok();
    let page = site.read("2023/03/07/a/index.html");
    assert!(page.contains("my%20photo%20%C3%A9.jpg"), "{page}");
    assert!(!page.contains("my photo"), "{page}");
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn every_content_file_is_published_or_reported() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\nimage = \"photo.jpg\"",
        "![chart](chart.png)",
    );
    site.write("content/world/photo.jpg", "jpg");
    site.write("content/world/chart.png", "png");
    site.write("content/world/orphan.pdf", "pdf");
    site.write("content/world/.hidden.md", "x");
    site.write("content/world/_index.md", "+++\ntitle = \"World\"\n+++\n");
    site.write("content/README.md", "Notes for the newsroom.\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("gone.txt", site.dir().join("content/world/dangling.txt")).unwrap();
    site.article(
        "world/draft.md",
        "title = \"D\"\ndate = 2023-03-07\ndraft = true",
        "![d](./d.gif)",
    );
    site.write("content/world/d.gif", "gif");
    let r = site.build_ok();
    assert_eq!(site.read("2023/03/07/a/photo.jpg"), "jpg");
    assert_eq!(site.read("2023/03/07/a/chart.png"), "png");
    assert_reported(
        &r.stderr,
        &[
            (
                "content/world/orphan.pdf",
                "no article beside it refers to it",
            ),
            ("content/world/.hidden.md", "hidden file"),
            ("content/world/_index.md", "a Hugo section page"),
            ("content/README.md", "a folder's notes"),
            #[cfg(unix)]
            (
                "content/world/dangling.txt",
                "a symbolic link to a file that does not exist",
            ),
            ("content/world/draft.md", "draft (build with --drafts"),
            (
                "content/world/d.gif",
                "only content/world/draft.md, a draft, refers to it (build with --drafts",
            ),
        ],
    );
    assert_links_resolve(&site.out(), "/");
    let doc = site.html("2023/03/07/a/index.html");
    assert_eq!(
        select(&doc, ".lead-image img")[0].value().attr("src"),
        Some("/2023/03/07/a/photo.jpg")
    );

    let r = site.build(&["--drafts"]);
    assert!(r.ok);
    assert!(site.out().join("2023/03/07/d/index.html").is_file());
    assert_eq!(site.read("2023/03/07/d/d.gif"), "gif");

    // An article that fails may refer to the files beside it: their reasons say to fix
    // it, not to link them (they are linked). A file elsewhere keeps its own reason.
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\nimage = \"photo.jpg\"\naliases = [\"a.php?id=5\"]",
        "![chart](chart.png)",
    );
    site.write("content/elsewhere/lone.pdf", "pdf");
    let r = site.build(&[]);
    assert!(!r.ok);
    let failed = "no article refers to it, but content/world/a.md, which failed (see its error), may: fix that first";
    assert_reported(
        &r.stderr,
        &[
            ("content/world/photo.jpg", failed),
            ("content/world/chart.png", failed),
            (
                "content/elsewhere/lone.pdf",
                "no article beside it refers to it",
            ),
        ],
    );
}

/// A file beside an article is found however the article spells its path (`./x`,
/// `a/./b`, `a/../b`), in raw HTML as in Markdown, and in the `image` field; the page
/// links the file that was copied, so nothing is broken.
#[test]
fn files_beside_an_article_are_found_however_they_are_spelled() {
    let site = Site::new(CONFIG);
    site.article(
        "world/pictures.md",
        "title = \"Pictures\"\ndate = 2023-04-01\nimage = \"./lead.gif\"",
        "![d](./photo.gif) ![c](charts/./bar.gif)\n\n<img src=\"raw.gif\"> <a href=\"docs/../report.pdf#p2\">report</a>",
    );
    let files = [
        "lead.gif",
        "photo.gif",
        "charts/bar.gif",
        "raw.gif",
        "report.pdf",
    ];
    for f in files {
        site.write(&format!("content/world/{f}"), f);
    }
    let r = site.build_ok();
    assert!(!r.stderr.contains("refers to it"), "{}", r.stderr);
    for f in files {
        assert_eq!(site.read(&format!("2023/04/01/pictures/{f}")), f);
    }
    let doc = site.html("2023/04/01/pictures/index.html");
    let attrs = |css: &str, attr: &str| -> Vec<String> {
        select(&doc, css)
            .iter()
            .map(|e| e.value().attr(attr).unwrap().to_string())
            .collect()
    };
    assert_eq!(
        attrs(".lead-image img", "src"),
        ["/2023/04/01/pictures/lead.gif"]
    );
    assert_eq!(
        attrs("meta[property='og:image']", "content"),
        ["https://example.org/2023/04/01/pictures/lead.gif"]
    );
    assert_eq!(
        attrs(".body img", "src"),
        ["photo.gif", "charts/bar.gif", "raw.gif"]
    );
    assert_eq!(attrs(".body a", "href"), ["report.pdf#p2"]);
    assert_links_resolve(&site.out(), "/");

    // A dump's image field and HTML body are read the same way.
    site.write(
        "content/business/wire.jsonl",
        "{\"title\": \"Wire story\", \"date\": \"2023-04-02\", \"image\": \"./w-lead.gif\", \"body\": \"<p>Text <img src=\\\"./w-raw.gif\\\"></p>\"}\n",
    );
    site.write("content/business/w-lead.gif", "w-lead");
    site.write("content/business/w-raw.gif", "w-raw");
    let r = site.build_ok();
    assert!(!r.stderr.contains("refers to it"), "{}", r.stderr);
    assert_eq!(site.read("2023/04/02/wire-story/w-lead.gif"), "w-lead");
    assert_eq!(site.read("2023/04/02/wire-story/w-raw.gif"), "w-raw");
    let doc = site.html("2023/04/02/wire-story/index.html");
    assert_eq!(
        select(&doc, ".lead-image img")[0].value().attr("src"),
        Some("/2023/04/02/wire-story/w-lead.gif")
    );
    assert_eq!(
        select(&doc, ".body img")[0].value().attr("src"),
        Some("w-raw.gif")
    );

    let r = run(&["check", "--root", site.dir().to_str().unwrap()]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 broken links"), "{}", r.stdout);
}

/// A path that climbs out of the article's folder is refused: a warning at its line
/// says what to do, nothing outside is copied, and the file it names is skipped with a
/// reason naming the article.
#[test]
fn paths_out_of_an_article_folder_are_refused_and_explained() {
    let site = Site::new(CONFIG);
    site.article(
        "world/sub/a.md",
        "title = \"A\"\ndate = 2023-04-01\nimage = \"../lead.gif\"",
        "Text.\n\n![up](../up.gif)\n\n<img src=\"./../../../secret.gif\">",
    );
    site.write("content/world/lead.gif", "lead");
    site.write("content/world/up.gif", "up");
    site.write("secret.gif", "secret");
    let r = site.build_ok();
    for (line, what) in [
        (4, "image '../lead.gif' leads out of the article's folder"),
        (9, "path '../up.gif' leads out of the article's folder"),
        (
            11,
            "path './../../../secret.gif' leads out of the article's folder",
        ),
    ] {
        let shown = format!("content/world/sub/a.md:{line}: {what}");
        assert!(r.stderr.contains(&shown), "{shown}\n{}", r.stderr);
    }
    assert!(r.stderr.contains("image = \"lead.gif\""), "{}", r.stderr);
    assert_reported(
        &r.stderr,
        &[
            (
                "content/world/lead.gif",
                "content/world/sub/a.md refers to it as '../lead.gif'",
            ),
            (
                "content/world/up.gif",
                "content/world/sub/a.md refers to it as '../up.gif'",
            ),
        ],
    );
    let copied: Vec<String> = files_with(&site.out().join("2023/04/01"), |_| ())
        .into_keys()
        .collect();
    assert_eq!(copied, ["a/index.html"]);
    let doc = site.html("2023/04/01/a/index.html");
    assert!(select(&doc, ".lead-image img").is_empty());
    assert!(select(&doc, "meta[property='og:image']").is_empty());

    // A dump's scraped HTML links its old site's pages with ../: no warning per link,
    // but a file under content/ that such a link names is still explained.
    site.write(
        "content/world/sub/dump.jsonl",
        "{\"title\": \"D\", \"date\": \"2023-04-02\", \"body\": \"<p><a href=\\\"../../old/page.html\\\">old</a> <img src=\\\"../up.gif\\\"></p>\"}\n",
    );
    let r = site.build_ok();
    assert!(!r.stderr.contains("dump.jsonl:1: path"), "{}", r.stderr);
    assert_reported(
        &r.stderr,
        &[(
            "content/world/up.gif",
            "content/world/sub/dump.jsonl refers to it as '../up.gif'",
        )],
    );
}

/// A body's link to another article's source file (`other.md`, `../world/x.md`) leads to
/// that article's page, relative to the linking page, its fragment kept; a link to a
/// file that is no article is left as written, with a warning at its line.
#[test]
fn links_to_content_files_lead_to_their_articles() {
    let write = |site: &Site| {
        site.article(
            "world/a.md",
            &fm("A", "2023-03-07"),
            "See [the next day](b.md) and [prices](../business/c.md#figures).\n\n\
             <a href=\"./b.md?x=1#top\">raw</a> [here](a.md#end) [web](https://e.org/x.md)",
        );
        site.article("world/b.md", &fm("B", "2023-03-08"), "[back](a.md)");
        site.article(
            "business/c.md",
            &fm("C", "2022-12-31"),
            "## Figures\n\nUp [again](<../world/b.md>).",
        );
    };
    let hrefs = |site: &Site, rel: &str| -> Vec<String> {
        select(&site.html(rel), "article .body a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let site = Site::new(CONFIG);
    write(&site);
    let r = site.build_ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(
        hrefs(&site, "2023/03/07/a/index.html"),
        [
            "../../08/b/",
            "../../../../2022/12/31/c/#figures",
            "../../08/b/?x=1#top",
            "./#end",
            "https://e.org/x.md"
        ]
    );
    assert_eq!(hrefs(&site, "2023/03/08/b/index.html"), ["../../07/a/"]);
    assert_eq!(
        hrefs(&site, "2022/12/31/c/index.html"),
        ["../../../../2023/03/08/b/"]
    );
    assert_links_resolve(&site.out(), "/");

    // Pages as files sit one folder higher: the links say so.
    let files = Site::new(&format!("{CONFIG}pretty_urls = false\n"));
    write(&files);
    files.build_ok();
    assert_eq!(
        hrefs(&files, "2023/03/07/a.html")[..2],
        ["../08/b.html", "../../../2022/12/31/c.html#figures"]
    );
    assert_links_resolve(&files.out(), "/");

    // A file that became no article: left as written, and said at its line.
    site.article(
        "world/a.md",
        &fm("A", "2023-03-07"),
        "[gone](missing.md)\n\n[draft](d.md) [out](../../x.md) [gone again](./missing.md)",
    );
    site.article(
        "world/d.md",
        &format!("{}\ndraft = true", fm("D", "2023-03-09")),
        "Soon.",
    );
    let r = site.build_ok();
    for (line, link, why) in [
        (
            6,
            "missing.md",
            "no article of this build comes from content/world/missing.md",
        ),
        // A draft: its reason says so, and how to build with it.
        (
            8,
            "d.md",
            "content/world/d.md is not published: draft (build with --drafts",
        ),
        (8, "../../x.md", "it leads out of content/"),
    ] {
        let shown = format!("content/world/a.md:{line}: link to '{link}' is left as written and will be broken: {why}");
        assert!(r.stderr.contains(&shown), "{shown}\n{}", r.stderr);
    }
    assert_eq!(
        r.stderr.matches("is left as written").count(),
        3,
        "one warning per file: {}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("leads out of the article's folder"),
        "{}",
        r.stderr
    );
    assert_eq!(
        hrefs(&site, "2023/03/07/a/index.html"),
        ["missing.md", "d.md", "../../x.md", "./missing.md"]
    );
    // Built with the draft, it is an article like any other.
    let r = site.build(&["--drafts"]);
    assert!(r.ok && !r.stderr.contains("'d.md'"), "{}", r.stderr);
    assert_eq!(hrefs(&site, "2023/03/07/a/index.html")[1], "../../09/d/");
}

/// A site-rooted link to a Markdown file (`/world/x.md`) names it from `content/`, as
/// Zola's `@/` does: it leads to that article's page, relative to the linking page, so
/// it works under a base path; one naming no article is warned about at its line. Links
/// to another host (`//host/x.md`, `https://...`) are left alone.
#[test]
fn site_rooted_links_to_content_files_lead_to_their_articles() {
    let config = CONFIG.replace("example.org/", "example.org/archive/");
    let hrefs = |site: &Site, rel: &str| -> Vec<String> {
        select(&site.html(rel), "article .body a")
            .iter()
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let site = Site::new(&config);
    site.article(
        "world/a.md",
        &fm("A", "2023-03-07"),
        "See [prices](/business/c.md#figures), <a href=\"/world/b.md?x=1\">raw</a> and \
         [here](/world/./a.md).\n\n[host](//e.org/x.md) [web](https://e.org/world/b.md)",
    );
    site.article("world/b.md", &fm("B", "2023-03-08"), "[back](/world/a.md)");
    site.article("business/c.md", &fm("C", "2022-12-31"), "## Figures");
    let r = site.build_ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(
        hrefs(&site, "2023/03/07/a/index.html"),
        [
            "../../../../2022/12/31/c/#figures",
            "../../08/b/?x=1",
            "./",
            "//e.org/x.md",
            "https://e.org/world/b.md"
        ]
    );
    assert_eq!(hrefs(&site, "2023/03/08/b/index.html"), ["../../07/a/"]);
    assert_links_resolve(&site.out(), "/archive/");

    // One that names no article is left as written, and said at its line.
    site.article(
        "world/b.md",
        &fm("B", "2023-03-08"),
        "[gone](/world/missing.md)\n\n[out](/../x.md)",
    );
    let r = site.build_ok();
    for (line, link, why) in [
        (
            6,
            "/world/missing.md",
            "no article of this build comes from content/world/missing.md",
        ),
        (8, "/../x.md", "it leads out of content/"),
    ] {
        let shown = format!("content/world/b.md:{line}: link to '{link}' is left as written and will be broken: {why}");
        assert!(r.stderr.contains(&shown), "{shown}\n{}", r.stderr);
    }
    assert_eq!(
        hrefs(&site, "2023/03/08/b/index.html"),
        ["/world/missing.md", "/../x.md"]
    );
}

/// A link to the file of a copy that duplicate folding left out leads to the copy that
/// was kept: the story is on the site, under the kept file's page.
#[test]
fn a_link_to_a_folded_duplicate_leads_to_the_kept_copy() {
    let site = Site::new(CONFIG);
    let body = "The central bank kept its main lending rate unchanged on Thursday, citing slowing inflation and steady growth in the second quarter.";
    site.article(
        "business/rates.md",
        &fm("Central bank holds rates", "2023-03-09"),
        &format!("{body} Markets rose."),
    );
    site.article(
        "world/copy.md",
        &fm("Central bank holds rates", "2023-03-09"),
        body,
    );
    site.article(
        "world/a.md",
        &fm("A", "2023-03-10"),
        "See [the copy](copy.md#part) and [the story](/business/rates.md).",
    );
    let r = site.build_ok();
    assert!(
        r.stderr
            .contains("kept once, from content/business/rates.md"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("is left as written"), "{}", r.stderr);
    let hrefs: Vec<String> = select(&site.html("2023/03/10/a/index.html"), "article .body a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        hrefs,
        [
            "../../09/central-bank-holds-rates/#part",
            "../../09/central-bank-holds-rates/"
        ]
    );
    assert_links_resolve(&site.out(), "/");
}

/// The content walk: hidden folders and links to folders are reported, not entered;
/// a link to an article file is published; nested folders are all read.
#[cfg(unix)]
#[test]
fn content_walk_reports_what_it_leaves_out() {
    let site = Site::new(CONFIG);
    site.article(
        "world/deep/er/b.md",
        "title = \"B\"\ndate = 2023-03-08",
        "x",
    );
    site.article("world/a.md", "title = \"A\"\ndate = 2023-03-07", "x");
    site.article("elsewhere/c.md", "title = \"C\"\ndate = 2023-03-09", "x");
    site.write("content/.drafts/secret.md", "x");
    let content = site.dir().join("content");
    std::os::unix::fs::symlink(content.join("world/deep"), content.join("linked-folder")).unwrap();
    std::os::unix::fs::symlink(
        content.join("elsewhere/c.md"),
        content.join("world/c-link.md"),
    )
    .unwrap();
    // Links out of content/ publish nothing, as an article or as a file beside one
    // (both come from the same listing).
    site.write("outside/secret.txt", "Secret\n\nroot:x:0:0");
    std::os::unix::fs::symlink(
        site.dir().join("outside/secret.txt"),
        content.join("world/passwd.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        site.dir().join("outside/secret.txt"),
        content.join("world/photo.jpg"),
    )
    .unwrap();
    // A named pipe would hang a build that reads it.
    let fifo = std::ffi::CString::new(content.join("world/pipe.md").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let r = site.build_ok();
    assert_reported(
        &r.stderr,
        &[
            ("content/world/passwd.txt", "outside content/: not followed"),
            ("content/world/photo.jpg", "outside content/: not followed"),
            ("content/world/pipe.md", "not a regular file"),
        ],
    );
    let published: Vec<_> = walkdir::WalkDir::new(site.out())
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("root:x")))
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(published.is_empty(), "{published:?}");
    assert_reported(
        &r.stderr,
        &[
            ("content/.drafts", "hidden folder"),
            (
                "content/linked-folder",
                "symbolic link to a folder is not followed",
            ),
        ],
    );
    assert!(!r.stderr.contains("secret.md"), "{}", r.stderr);
    for page in ["2023/03/07/a/index.html", "2023/03/08/b/index.html"] {
        assert!(site.out().join(page).is_file(), "{page}");
    }
    // c.md is published once from its own file; its link is the same story under
    // another path, which the report names rather than dropping silently.
    assert_reported(
        &r.stderr,
        &[(
            "content/world/c-link.md",
            "the same story as content/elsewhere/c.md",
        )],
    );
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\ncolour = \"red\"",
        "x",
    );
    let r = site.build_ok();
    assert!(
        r.stderr
            .contains("content/world/a.md:4: unknown front-matter field 'colour'"),
        "{}",
        r.stderr
    );
    let r = site.build(&["--strict"]);
    assert!(!r.ok);
    // The summary says why "1 warning, 0 errors" failed.
    assert!(
        r.stderr.contains("1 warning, 0 errors in")
            && r.stderr
                .contains("; --strict turns warnings into errors. Nothing was written"),
        "{}",
        r.stderr
    );
}

#[test]
fn config_errors_name_the_key() {
    let site = Site::new("title = \"x\"\ntimezone = \"Mars/Base\"\n");
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("site.toml:2: timezone: 'Mars/Base' is not an IANA time zone"),
        "{}",
        r.stderr
    );
    let site = Site::new("titel = \"x\"\n");
    let r = site.build(&[]);
    assert!(
        r.stderr.contains("site.toml:1") && r.stderr.contains("titel"),
        "{}",
        r.stderr
    );
    // An unreadable site.toml names no output folder (it is not known).
    assert!(
        r.stderr.contains("Nothing was written.") && !r.stderr.contains("site in "),
        "{}",
        r.stderr
    );
}

#[test]
fn output_dir_flag_may_not_overwrite_the_sites_sources() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    for dir in ["static", "./templates", "content/out", ".", ".."] {
        let r = site.build(&["--output-dir", dir]);
        assert!(!r.ok, "built into {dir}");
        assert!(
            r.stderr.contains(&format!("error: --output-dir: '{dir}'")),
            "{dir}: {}",
            r.stderr
        );
    }
    assert!(!site.dir().join("static").exists());
    assert!(!site.dir().join("templates").exists());
    assert!(!site.dir().join("content/out").exists());
    // The refused attempts left nothing behind: the next build is clean.
    site.build_ok();
    let outside = tempfile::tempdir().unwrap();
    let r = site.build(&[
        "--output-dir",
        outside.path().join("site").to_str().unwrap(),
    ]);
    assert!(r.ok, "{}", r.stderr);
}

#[test]
fn template_render_errors_name_the_file_to_fix() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    // Every page extends base.html; 404.html, rendered first, is not the site's.
    site.write(
        "templates/base.html",
        "<html><body><h1>{{ site.title | nosuchfilter }}</h1>{% block main %}{% endblock main %}</body></html>",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("error: templates/base.html:1: template error while rendering /404.html:")
            && r.stderr.contains("nosuchfilter"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("error: 404.html"), "{}", r.stderr);

    // An error in a block of the site's own page template names that template.
    site.write(
        "templates/base.html",
        "<html><body>{% block main %}{% endblock main %}</body></html>",
    );
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ article.title | nosuchfilter }}{% endblock main %}",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains(
            "error: templates/article.html:1: template error while rendering /2023/03/07/a/ (from content/world/a.md):"
        ),
        "{}",
        r.stderr
    );
}

/// Errors Tera places only "in a parent template", or in a macro the built-in templates
/// call, name the site's file to fix.
#[test]
fn template_errors_in_parents_and_macros_name_the_site_file() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    site.write(
        "templates/base.html",
        "{% extends \"default/base.html\" %}{% block footer %}{{ site.owner }}{% endblock footer %}",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("error: templates/base.html:1: template error")
            && r.stderr.contains("site.owner"),
        "{}",
        r.stderr
    );
    fs::remove_file(site.dir().join("templates/base.html")).unwrap();
    site.write(
        "templates/macros.html",
        "{% macro byline(a) %}by{% endmacro byline %}",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("error: templates/macros.html: template error")
            && r.stderr.contains("must define every macro"),
        "{}",
        r.stderr
    );
}

/// A misspelt override would be ignored silently: a top-level template nothing uses is
/// a warning, with the template name it is closest to.
#[test]
fn unused_templates_are_warned_about() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    site.write("templates/artcle.html", "{% extends \"base.html\" %}");
    // Used by name: extended, included or imported by another template.
    site.write(
        "templates/layout.html",
        "{% extends \"default/base.html\" %}",
    );
    site.write("templates/list.html", "{% extends \"layout.html\" %}");
    site.write("templates/partials/bits.html", "<p>unused partial</p>");
    site.write("templates/notes.txt", "not a page template");
    let r = site.build(&[]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: templates/artcle.html: template `artcle.html` is not used")
            && r.stderr.contains("did you mean `article.html`?"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("warning: ").count(), 1, "{}", r.stderr);
    assert!(!site.build(&["--strict"]).ok);
}

/// Tera does not always place an error where it is: the file named is the one that
/// holds what failed, the innermost of the site's own, with the page being rendered;
/// a mistake every page makes is reported once, with a count.
#[test]
fn template_errors_name_the_file_the_mistake_is_in_and_the_page() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    let ejected = run(&["eject", "--root", site.dir().to_str().unwrap()]);
    assert!(ejected.ok, "{}", ejected.stderr);
    let base = fs::read_to_string(site.dir().join("templates/base.html")).unwrap();
    let theme = |name: &str| fs::read_to_string(site.dir().join("templates").join(name)).unwrap();
    let article = theme("article.html");

    // In base.html's text after a block, which Tera files under the page's template.
    site.write(
        "templates/base.html",
        &base.replace(
            "<footer class=\"site-footer\">",
            "<footer class=\"site-footer\">{{ site.logo }}",
        ),
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("error: templates/base.html:")
            && r.stderr
                .contains("template error while rendering /404.html:")
            && r.stderr.contains("site.logo"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("error: templates/404.html"),
        "{}",
        r.stderr
    );
    // Every page fails the same way: one error, and a count.
    assert_eq!(r.stderr.matches("error: ").count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("more pages failed in this file)"),
        "{}",
        r.stderr
    );

    // In a partial included by a parent template.
    site.write(
        "templates/base.html",
        "{% extends \"default/base.html\" %}{% block footer %}{% include \"partials/foot.html\" %}{% endblock footer %}",
    );
    site.write(
        "templates/partials/foot.html",
        "<p>\n{{ page.missing }}</p>",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("error: templates/partials/foot.html:2: template error"),
        "{}",
        r.stderr
    );
    site.write("templates/base.html", &base);

    // A mistyped macro call, in the page template that makes it.
    site.write(
        "templates/article.html",
        &article.replace("m::byline", "m::bylin"),
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("error: templates/article.html:")
            && r.stderr.contains("m::bylin")
            && !r.stderr.contains("must define every macro"),
        "{}",
        r.stderr
    );

    // A mistake only some articles' data trip over names the first of them (in the
    // order pages are planned, newest article first).
    site.article(
        "world/b.md",
        &format!("{}\nupdated = \"2023-03-09\"", fm("B", "2023-03-08")),
        "y",
    );
    site.article("world/c.md", &fm("C", "2023-03-10"), "z");
    site.write(
        "templates/article.html",
        &article.replace(
            "<h1>{{ article.title }}</h1>",
            "<h1>{{ article.title }}</h1>{{ article.updated.iso }}",
        ),
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains(
            "error: templates/article.html: template error while rendering /2023/03/10/c/ (from content/world/c.md):"
        ) && r.stderr.contains("(and 1 more page failed in this file)"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("error: ").count(), 1, "{}", r.stderr);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    site.write("public/precious.txt", "keep me");
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("was not made by broadsheet"),
        "{}",
        r.stderr
    );
    // Named once, and refused before anything was read or written beside it; it held
    // no previous site, so none is said to be kept.
    assert_eq!(r.stderr.matches("public:").count(), 1, "{}", r.stderr);
    assert!(!r.stderr.contains("previous site"), "{}", r.stderr);
    assert!(!site.dir().join(".broadsheet-cache").exists());
    assert_eq!(site.read("precious.txt"), "keep me");
}

#[test]
fn user_templates_override_and_extend_the_theme() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    site.write(
        "templates/article.html",
        "{% extends \"default/article.html\" %}\n{% block main %}<p class=\"mine\">{{ article.title }}</p>{{ super() }}{% endblock main %}",
    );
    site.build_ok();
    let doc = site.html("2023/03/07/a/index.html");
    assert_eq!(texts(&doc, "p.mine"), vec!["A"]);
    assert_eq!(select(&doc, "article.story").len(), 1);

    site.write(
        "templates/list.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("templates/list.html:3"), "{}", r.stderr);
}

/// A site's own data reaches its templates: `[extra]` of site.toml as `site.extra`, and an
/// article's `extra` (Zola) or `params` (Hugo) table as `article.extra`; an incremental
/// rebuild sees a change to either.
#[test]
fn extra_data_reaches_templates() {
    let site = Site::new(&format!(
        "{CONFIG}\n[extra]\nmotto = \"All the news\"\nlaunched = 2020-01-01\n"
    ));
    site.article(
        "world/a.md",
        "title = \"A\"\ndate = 2023-03-07\n[extra]\nfeatured = true\nkicker = \"Exclusive\"",
        "x",
    );
    site.write(
        "content/world/b.md",
        "---\ntitle: B\ndate: 2023-03-08\nparams:\n  kicker: Analysis\n---\ny\n",
    );
    site.write(
        "templates/article.html",
        "{% extends \"default/article.html\" %}\n{% block main %}<p class=\"my-kicker\">{{ article.extra.kicker }}{% if article.extra.featured %} *{% endif %}</p><p class=\"motto\">{{ site.extra.motto }} {{ site.extra.launched }}</p>{{ super() }}{% endblock main %}",
    );
    let r = site.build_ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let doc = site.html("2023/03/07/a/index.html");
    assert_eq!(texts(&doc, "p.my-kicker"), vec!["Exclusive *"]);
    assert_eq!(texts(&doc, "p.motto"), vec!["All the news 2020-01-01"]);
    assert_eq!(
        texts(&site.html("2023/03/08/b/index.html"), "p.my-kicker"),
        vec!["Analysis"]
    );
    // Changed and built again, from the parse memo for the other file.
    site.write(
        "content/world/b.md",
        "---\ntitle: B\ndate: 2023-03-08\nparams:\n  kicker: Opinion\n---\ny\n",
    );
    site.build_ok();
    assert_eq!(
        texts(&site.html("2023/03/08/b/index.html"), "p.my-kicker"),
        vec!["Opinion"]
    );
    assert_eq!(
        texts(&site.html("2023/03/07/a/index.html"), "p.my-kicker"),
        vec!["Exclusive *"]
    );
}

/// An article in another language than the site's is marked so, with its direction.
#[test]
fn an_article_in_another_language_is_marked() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        "title = \"انفجار في بغداد\"\ndate = 2023-03-07\nlang = \"ar\"",
        "نص",
    );
    site.article(
        "world/b.md",
        "title = \"B\"\ndate = 2023-03-08\nlanguage = \"pt_BR\"",
        "x",
    );
    site.build_ok();
    let doc = site.html("2023/03/07/nfjr-fy-bgdd/index.html");
    let story = select(&doc, "article.story")[0].value();
    assert_eq!(
        (story.attr("lang"), story.attr("dir")),
        (Some("ar"), Some("rtl"))
    );
    assert!(site
        .read("2023/03/07/nfjr-fy-bgdd/index.html")
        .contains("\"inLanguage\":\"ar\""));
    let doc = site.html("2023/03/08/b/index.html");
    let story = select(&doc, "article.story")[0].value();
    // Written in the site's direction, it needs no `dir` of its own.
    assert_eq!(
        (story.attr("lang"), story.attr("dir")),
        (Some("pt-BR"), None)
    );
    assert_eq!(select(&doc, "html")[0].value().attr("lang"), Some("en"));
    site.article(
        "world/c.md",
        "title = \"C\"\ndate = 2023-03-09\nlang = \"not a tag\"",
        "x",
    );
    let r = site.build(&[]);
    assert!(
        r.stderr
            .contains("content/world/c.md:4: lang 'not a tag' is not a language tag"),
        "{}",
        r.stderr
    );
}

/// A block no parent has is shown nowhere: a warning at its line, with the name meant.
#[test]
fn a_block_the_parent_lacks_is_a_warning() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "x");
    site.write(
        "templates/article.html",
        "{% extends \"default/article.html\" %}\n{% block main %}{% block inner %}in{% endblock inner %}{% endblock main %}\n{% block descripton %}Mine{% endblock descripton %}",
    );
    let r = site.build_ok();
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    assert!(
        warnings[0].contains("templates/article.html:3: block `descripton` is in no template")
            && warnings[0].contains("did you mean `description`?"),
        "{}",
        r.stderr
    );
}

/// A date in the future is most often a mistyped year: published, and said.
#[test]
fn a_future_date_is_a_warning() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("Typo", "2203-03-07"), "x");
    site.article("world/b.md", &fm("Fine", "2023-03-07"), "x");
    site.write(
        "content/world/c.md",
        "---\ntitle: Also\nslug: also\npublishDate: 2204-01-01\n---\nx\n",
    );
    let r = site.build_ok();
    assert_eq!(r.stderr.matches("in the future").count(), 2, "{}", r.stderr);
    // At the date's line, whatever the date is called.
    for place in [
        "content/world/a.md:3: dated 2203-03-07, in the future",
        "content/world/c.md:4: dated 2204-01-01, in the future",
    ] {
        assert!(r.stderr.contains(place), "{}", r.stderr);
    }
    assert!(site.out().join("2203/03/07/typo/index.html").is_file());
}

/// A base path outside ASCII: Markdown links are written out percent-encoded before the
/// sanitizer (run for raw HTML) reads them again, and are not given the path twice.
#[test]
fn a_base_path_outside_ascii_is_given_once() {
    let site = Site::new("base_url = \"https://example.org/archív/\"\n");
    site.article("world/a.md", &fm("A", "2023-03-01"), "x");
    site.article(
        "world/b.md",
        &fm("B", "2023-03-02"),
        "[a](/2023/03/01/a/) <span>raw</span> [again](/archív/2023/03/01/a/)",
    );
    site.build_ok();
    let page = site.html("2023/03/02/b/index.html");
    let links: Vec<&str> = select(&page, "main p a")
        .iter()
        .filter_map(|e| e.value().attr("href"))
        .filter(|h| h.contains("2023/03/01/a/"))
        .collect();
    assert_eq!(links, ["/arch%C3%ADv/2023/03/01/a/"; 2]);
    assert!(assert_links_resolve(&site.out(), "/archív/") > 20);
}

#[test]
fn sub_path_base_url_links_resolve() {
    let site = Site::new("base_url = \"https://example.org/archive/\"\nper_page = 2\n");
    for i in 0..5 {
        site.article(
            &format!("world/a{i}.md"),
            &fm(&format!("S{i}"), &format!("2023-03-0{}", i + 1)),
            "x",
        );
    }
    // Site-rooted links written in a body name the archive's own pages and files, in
    // Markdown and in raw HTML, wherever the site is deployed; one already under the base
    // path is left as written.
    site.write("static/img/map.png", "png");
    site.article(
        "world/links.md",
        &format!("{}\nimage = \"/img/map.png\"", fm("Links", "2023-03-09")),
        "See [the first](/2023/03/01/s0/?from=links#top), ![a map](/img/map.png), \
         [the tag](/archive/sections/world/) and [elsewhere](//example.com/x).\n\n\
         <p><a href=\"/sections/world/\">World</a> <img src=\"/img/map.png\" alt=\"m\"></p>\n\n\
         <blockquote cite=\"/2023/03/01/s0/\">Quoted.</blockquote>\n",
    );
    site.build_ok();
    assert!(assert_links_resolve(&site.out(), "/archive/") > 50);
    let doc = site.html("index.html");
    assert_eq!(
        select(&doc, "link[rel=canonical]")[0].value().attr("href"),
        Some("https://example.org/archive/")
    );
    let page = site.html("2023/03/09/links/index.html");
    let body: Vec<&str> = select(&page, "main [href], main [src]")
        .iter()
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .collect();
    for url in [
        "/archive/2023/03/01/s0/?from=links#top",
        "/archive/img/map.png",
        "/archive/sections/world/",
        "//example.com/x",
    ] {
        assert!(body.contains(&url), "{url} not in {body:?}");
    }
    assert!(
        !body.iter().any(|u| u.contains("/archive/archive/")),
        "{body:?}"
    );
    assert_eq!(
        select(&page, "main blockquote")[0].value().attr("cite"),
        Some("/archive/2023/03/01/s0/")
    );
    assert_eq!(
        select(&page, "meta[property='og:image']")[0]
            .value()
            .attr("content"),
        Some("https://example.org/archive/img/map.png")
    );
}

#[test]
fn empty_site_builds() {
    let site = Site::new("");
    let r = site.build_ok();
    assert!(r.stdout.contains("Built 0 articles"), "{}", r.stdout);
    assert!(site.read("index.html").contains("No articles yet"));
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn a_static_file_never_silently_replaces_a_generated_one() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    site.build_ok();
    let before = snapshot(&site.out());
    site.write("static/search/meta.json", "{\"mine\": true}");
    let r = site.build(&[]);
    assert!(
        !r.ok,
        "a static file replaced the search index:\n{}",
        r.stdout
    );
    assert!(r.stderr.contains("search/meta.json"), "{}", r.stderr);
    assert_eq!(
        snapshot(&site.out()),
        before,
        "the failed build touched the site"
    );
}

#[test]
fn search_off_writes_no_search_files() {
    let site = Site::new("title = \"T\"\nsearch = false\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    site.build_ok();
    let files = snapshot(&site.out());
    assert!(
        files.keys().all(|k| !k.contains("search")),
        "{:?}",
        files
            .keys()
            .filter(|k| k.contains("search"))
            .collect::<Vec<_>>()
    );
    assert_links_resolve(&site.out(), "/");
}

#[test]
fn without_pretty_urls_every_page_is_one_file() {
    let site = Site::new(&format!("{CONFIG}pretty_urls = false\n"));
    for i in 0..4 {
        site.article(
            &format!("world/a{i}.md"),
            &fm(&format!("Story {i}"), "2023-03-07"),
            "Body.",
        );
    }
    // Articles of one day share a folder, and so the files beside them.
    site.article(
        "world/pic.md",
        "title = \"Pic\"\ndate = 2023-03-07\nimage = \"photo.jpg\"",
        "![chart](chart.png)",
    );
    site.write("content/world/photo.jpg", "jpg");
    site.write("content/world/chart.png", "png");
    site.article(
        "sport/same.md",
        "title = \"Same\"\ndate = 2023-03-07",
        "![c](chart.png)",
    );
    site.write("content/sport/chart.png", "other png");
    site.write(
        "content/world/undated.txt",
        "Undated story\n\nIt has no date.\n",
    );
    // Two different chart.png would be one file: the build stops and says which.
    let r = site.build(&[]);
    assert!(!r.ok, "{}", r.stdout);
    assert!(
        r.stderr.contains("chart.png") && r.stderr.contains("share their files"),
        "{}",
        r.stderr
    );
    assert!(!site.out().exists(), "a failed first build wrote the site");
    fs::rename(
        site.dir().join("content/sport/chart.png"),
        site.dir().join("content/sport/chart-2.png"),
    )
    .unwrap();
    site.article(
        "sport/same.md",
        "title = \"Same\"\ndate = 2023-03-07",
        "![c](chart-2.png)",
    );
    site.build_ok();

    let out = site.out();
    assert!(out.join("2023/03/07/story-0.html").is_file());
    assert!(out.join("undated/undated-story.html").is_file());
    assert!(!out.join("2023/03/07/story-0").exists());
    assert!(out.join("page/2.html").is_file(), "home page 2");
    assert!(out.join("sections/world/page/2.html").is_file());
    assert_eq!(site.read("2023/03/07/photo.jpg"), "jpg");
    assert_eq!(site.read("2023/03/07/chart.png"), "png");
    assert_eq!(site.read("2023/03/07/chart-2.png"), "other png");
    let doc = site.html("2023/03/07/pic.html");
    assert_eq!(
        select(&doc, ".lead-image img")[0].value().attr("src"),
        Some("/2023/03/07/photo.jpg")
    );

    assert!(assert_links_resolve(&out, "/") > 50);
    let reached = reachable(&out, "/");
    let pages: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| e.file_name() != "404.html")
        .map(|e| e.path().to_path_buf())
        .collect();
    for page in &pages {
        assert!(
            reached.contains(page),
            "{} is not reachable",
            page.display()
        );
    }
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/2023/03/07/story-0.html</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/page/2.html</loc>"));
}

#[test]
fn a_page_cannot_take_the_place_of_a_generated_file() {
    let site = Site::new(&format!(
        "{CONFIG}pretty_urls = false\npermalink = \"/{{slug}}/\"\n"
    ));
    site.article("world/a.md", &fm("404", "2023-03-07"), "Body.");
    let r = site.build(&[]);
    assert!(!r.ok, "{}", r.stdout);
    assert!(
        r.stderr.contains("content/world/a.md") && r.stderr.contains("the 404 page"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_file_where_pages_need_a_folder_fails_the_build_and_keeps_the_previous_site() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    site.build_ok();
    let before = snapshot(&site.out());
    // A file under static/ where the 2023 pages need a folder: refused when indexing,
    // naming the file (it used to fail one of the two writes at the end).
    site.article("world/b.md", &fm("B", "2023-03-08"), "Body.");
    site.write("static/2023", "not a folder");
    let r = site.build(&[]);
    assert!(!r.ok, "{}", r.stdout);
    assert!(
        r.stderr.contains("static/2023 writes /2023 as a file"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&site.out()), before, "the previous site changed");
}

#[test]
fn a_write_that_fails_fails_the_build_and_keeps_the_previous_site() {
    let site = Site::new(CONFIG);
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    site.build_ok();
    let before = snapshot(&site.out());
    // A static file whose path is short enough under static/ but too long for the
    // system under the staging folder (a longer name): its write fails (ENAMETOOLONG).
    let static_dir = site.dir().join("static");
    let room = 4090 - static_dir.as_os_str().len() - 1;
    let mut rel = String::new();
    while rel.len() + 201 < room {
        rel.push_str(&"d".repeat(200));
        rel.push('/');
    }
    rel.push_str(&"f".repeat(room - rel.len()));
    let path = static_dir.join(&rel);
    assert_eq!(path.as_os_str().len(), 4090);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "x").unwrap();
    site.article("world/b.md", &fm("B", "2023-03-08"), "Body.");
    let r = site.build(&[]);
    assert!(!r.ok, "{}", r.stdout);
    assert!(
        r.stderr.contains("File name too long") || r.stderr.contains("name too long"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&site.out()), before, "the previous site changed");
}

/// A tag spelled two ways is shown as most articles spell it, and on a tie with capitals,
/// wherever it appears: its page, the tag list, and the articles' tag links.
#[test]
fn a_term_is_shown_as_most_articles_spell_it() {
    let site = Site::new(CONFIG);
    let tags = |t: &str| format!("\ntags = [{t:?}]");
    site.article("world/a.md", &(fm("A", "2023-03-09") + &tags("iraq ")), "x");
    site.article("world/b.md", &(fm("B", "2023-03-08") + &tags("Iraq")), "x");
    site.article("world/c.md", &(fm("C", "2023-03-07") + &tags("Iraq")), "x");
    // A tie between a lowercase and a capitalized spelling, the lowercase one newest.
    site.article("world/d.md", &(fm("D", "2023-03-06") + &tags("basra")), "x");
    site.article("world/e.md", &(fm("E", "2023-03-05") + &tags("Basra")), "x");
    site.build_ok();
    assert_eq!(
        texts(&site.html("tags/iraq/index.html"), "h1"),
        ["Tag: Iraq"]
    );
    assert_eq!(
        texts(&site.html("tags/basra/index.html"), "h1"),
        ["Tag: Basra"]
    );
    assert_eq!(
        texts(&site.html("2023/03/09/a/index.html"), ".tags a"),
        ["Iraq"]
    );
}

/// `aliases` (Hugo) and `redirect_from` (Jekyll): each old URL gets a page sending readers
/// on to the article; one that leaves the site, or takes another page's URL, is refused.
#[test]
fn aliases_redirect_old_urls_to_the_article() {
    let site = Site::new(CONFIG);
    site.article(
        "world/a.md",
        &format!(
            "{}\naliases = [\"/old/story/\", \"2004/x.html\", \"https://old.example.com/a/b#top\"]",
            fm("Moved story", "2023-03-07")
        ),
        "Body.",
    );
    site.write(
        "content/world/b.md",
        "---\ntitle: Jekyll story\ndate: 2023-03-08\nredirect_from: /old/jekyll\n---\nBody.\n",
    );
    site.build_ok();
    for (file, slug) in [
        ("old/story/index.html", "moved-story"),
        ("2004/x.html", "moved-story"),
        ("a/b/index.html", "moved-story"),
        ("old/jekyll/index.html", "jekyll-story"),
    ] {
        let page = site.read(file);
        let day = if slug == "moved-story" { "07" } else { "08" };
        let to = format!("https://example.org/2023/03/{day}/{slug}/");
        assert!(
            page.contains(&format!("content=\"0; url={to}\""))
                && page.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")),
            "{file}: {page}"
        );
    }
    assert_links_resolve(&site.out(), "/");
    // Not in the sitemap: the old URLs are not pages of the site.
    assert!(!site.read("sitemap.xml").contains("old/story"));

    // A query string cannot be redirected by a static site: refused, not cut off.
    site.article(
        "world/a.md",
        &format!(
            "{}\naliases = [\"/article.php?id=1\"]",
            fm("Moved story", "2023-03-07")
        ),
        "Body.",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("needs its query string"), "{}", r.stderr);
    site.article(
        "world/a.md",
        &format!(
            "{}\naliases = [\"../../etc/x/\"]",
            fm("Moved story", "2023-03-07")
        ),
        "Body.",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("content/world/a.md:4")
            && r.stderr.contains("not a path inside the site"),
        "{}",
        r.stderr
    );
    site.article(
        "world/a.md",
        &format!(
            "{}\naliases = [\"/2023/03/08/jekyll-story/\"]",
            fm("Moved story", "2023-03-07")
        ),
        "Body.",
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr.contains("an alias of content/world/a.md")
            && r.stderr.contains("/2023/03/08/jekyll-story/index.html"),
        "{}",
        r.stderr
    );
}
