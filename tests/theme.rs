//! Accessibility of the built-in theme, checked on built fixture sites: where pages say
//! which page is current, text direction, image alternatives, and what is published
//! from `static/`.

mod common;
#[path = "common/fixtures.rs"]
mod fixtures;

use std::fs;
use std::path::Path;

use common::*;
use scraper::Html;

/// The page number a listing file stands for (`page/3/index.html`, `page/3.html`), 1 for
/// any other page.
fn page_number(rel: &str) -> usize {
    let parts: Vec<&str> = rel.split('/').collect();
    parts
        .windows(2)
        .rev()
        .find(|w| w[0] == "page")
        .and_then(|w| w[1].trim_end_matches(".html").parse().ok())
        .unwrap_or(1)
}

/// Every page of a built site has exactly one `aria-current="page"` (the 404 page, served
/// at any address, none), and it stands for the page itself: a link to the page's own
/// file, an article's title in the breadcrumbs, or the page's number in the pagination.
/// A nav item for the section a page is in is `aria-current="true"` and never links to
/// the page itself; a crumb or page number that stands for a page the nav item already
/// marks is `true` too.
fn assert_one_current_page(out: &Path, base_path: &str) -> usize {
    let mut pages = 0;
    for (rel, _) in files_with(out, |_| ()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let file = out.join(&rel);
        let doc = Html::parse_document(&fs::read_to_string(&file).unwrap());
        let current = select(&doc, "[aria-current=page]");
        if rel == "404.html" {
            assert!(current.is_empty(), "{rel}: {current:?}");
            continue;
        }
        if select(&doc, "meta[http-equiv=refresh]").len() == 1 {
            continue; // an alias, which only sends readers on
        }
        pages += 1;
        assert_eq!(
            current.len(),
            1,
            "{rel}: {:?}",
            current.iter().map(|e| e.html()).collect::<Vec<_>>()
        );
        let el = current[0];
        let text = el.text().collect::<String>().trim().to_string();
        match el.value().attr("href") {
            Some(href) => assert_eq!(
                target_file(out, base_path, &file, href).as_deref(),
                Some(file.as_path()),
                "{rel}: {}",
                el.html()
            ),
            None if el.value().name() == "li" => {
                assert_eq!(texts(&doc, "h1"), [text.as_str()], "{rel}");
                assert_eq!(texts(&doc, "body.article"), texts(&doc, "body"), "{rel}");
            }
            None => {
                assert_eq!(el.value().name(), "span", "{rel}: {}", el.html());
                assert_eq!(text, page_number(&rel).to_string(), "{rel}");
            }
        }
        for other in select(&doc, "[aria-current]") {
            let value = other.value().attr("aria-current").unwrap();
            assert!(matches!(value, "page" | "true"), "{rel}: {}", other.html());
        }
        let nav = select(&doc, ".site-nav [aria-current]");
        assert!(nav.len() <= 1, "{rel}");
        for item in select(&doc, ".site-nav [aria-current=true]") {
            let href = item.value().attr("href").unwrap();
            assert_ne!(
                target_file(out, base_path, &file, href).as_deref(),
                Some(file.as_path()),
                "{rel}: {}",
                item.html()
            );
        }
    }
    pages
}

#[test]
fn every_page_marks_itself_current_once() {
    let site = fixtures::search_site("https://example.org/news/");
    site.build_ok();
    let pages = assert_one_current_page(&site.out(), "/news/");
    assert!(pages > 40, "{pages}");
    let marks = |rel: &str| -> Vec<(String, String)> {
        select(&site.html(rel), "[aria-current]")
            .iter()
            .map(|e| {
                let text = e.text().collect::<String>().trim().to_string();
                (text, e.value().attr("aria-current").unwrap().to_string())
            })
            .collect()
    };
    let pair = |t: &str, v: &str| (t.to_string(), v.to_string());
    // The review's pages: the nav item of the section is only "true".
    assert_eq!(
        marks("2023/03/index.html"),
        [pair("Archive", "true"), pair("March", "page")]
    );
    assert_eq!(
        marks("page/2/index.html"),
        [pair("Latest", "true"), pair("2", "page")]
    );
    assert_eq!(
        marks("tags/ports/index.html"),
        [pair("Tags", "true"), pair("Ports", "page")]
    );
    // A page the nav links to: the nav item is the page; its crumb and its pagination
    // stand for it as "true".
    assert_eq!(
        marks("index.html"),
        [pair("Latest", "page"), pair("1", "true")]
    );
    assert_eq!(
        marks("archive/index.html"),
        [pair("Archive", "page"), pair("Archive", "true")]
    );

    // Pages as files, and listings of several pages with crumbs.
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nper_page = 1\npretty_urls = false\n",
    );
    site.build_ok();
    let pages = assert_one_current_page(&site.out(), "/");
    assert!(pages > 40, "{pages}");
    assert_eq!(
        marks("sections/world/page/2.html"),
        [pair("Sections", "true"), pair("2", "page")]
    );
}

/// A right-to-left language sets `dir` on every page the site writes, the built-in
/// theme's, the 404 page and an alias's; `site.dir` is there for templates of one's own.
#[test]
fn a_right_to_left_language_sets_dir() {
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"ar\"\n";
    let site = Site::new(config);
    site.article(
        "world/a.md",
        &format!(
            "{}\nslug = \"a\"\naliases = [\"/old/a.html\"]",
            fm("خبر", "2023-03-07")
        ),
        "نص.",
    );
    site.build_ok();
    let dir = |rel: &str| {
        let doc = site.html(rel);
        let html = select(&doc, "html")[0].value().clone();
        (
            html.attr("lang").map(str::to_string),
            html.attr("dir").map(str::to_string),
        )
    };
    let rtl = (Some("ar".to_string()), Some("rtl".to_string()));
    for rel in [
        "index.html",
        "2023/03/07/a/index.html",
        "tags/index.html",
        "search/index.html",
        "404.html",
        "old/a.html",
    ] {
        assert_eq!(dir(rel), rtl, "{rel}");
    }
    site.write("templates/404.html", "<p dir=\"{{ site.dir }}\">x</p>");
    site.write("site.toml", &config.replace("\"ar\"", "\"en-GB\""));
    site.build_ok();
    assert_eq!(dir("index.html").1.as_deref(), Some("ltr"));
    assert_eq!(site.read("404.html"), "<p dir=\"ltr\">x</p>");
}

/// A story without a `lang` written in the other direction than the site's (a French
/// scrape in an Arabic archive, an Arabic record in an English one) is laid out in its
/// own: its page, its card and the related lists that name it carry `dir`.
#[test]
fn a_story_in_the_other_direction_gets_its_own_dir() {
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"ar\"\n";
    let site = Site::new(config);
    // No `lang` anywhere. One tag relates the French story to an Arabic one (a tag
    // every story had would relate none).
    let tagged = |title: &str, date: &str| format!("{}\ntags = [\"banque\"]", fm(title, date));
    site.article(
        "world/fr.md",
        &tagged("La Banque centrale relève ses taux", "2023-03-06"),
        "La Banque centrale a relevé ses taux directeurs de deux points, a-t-elle annoncé jeudi.",
    );
    site.article(
        "world/ar.md",
        &tagged("البنك المركزي يرفع الفائدة مرة أخرى", "2023-03-07"),
        "رفع البنك المركزي أسعار الفائدة. البنك المركزي.",
    );
    site.article(
        "world/ar2.md",
        &fm("AFP: البنك المركزي المصري يرفع الفائدة", "2023-03-08"),
        "رفع البنك المركزي أسعار الفائدة. البنك المركزي.",
    );
    site.article(
        "world/other.md",
        &fm("مباراة كرة القدم", "2023-03-09"),
        "فاز الفريق في المباراة.",
    );
    site.build_ok();
    let dirs = |rel: &str, css: &str| -> Vec<Option<String>> {
        let doc = site.html(rel);
        select(&doc, css)
            .iter()
            .map(|e| e.value().attr("dir").map(str::to_string))
            .collect()
    };
    let fr = files_with(&site.out(), |_| ())
        .into_keys()
        .find(|p| p.contains("la-banque") && p.ends_with("index.html"))
        .expect("the French story's page");
    assert_eq!(dirs(&fr, "article.story"), [Some("ltr".to_string())]);
    // Arabic stories follow the site, even one whose headline opens with Latin letters.
    assert_eq!(
        dirs(
            "2023/03/08/afp-lbnk-lmrkzy-lmsry-yrf-lfyd/index.html",
            "article.story"
        ),
        [None]
    );
    let mut cards = dirs("sections/world/index.html", "article.card");
    cards.sort();
    assert_eq!(cards, [None, None, None, Some("ltr".to_string())]);
    // The French story, related to an Arabic one, is marked in its list.
    let related = dirs(
        "2023/03/07/lbnk-lmrkzy-yrf-lfyd-mr-khr/index.html",
        ".related li",
    );
    assert!(related.contains(&Some("ltr".to_string())), "{related:?}");
    // Its headline in the breadcrumb is isolated too ("?Could X win" otherwise); an
    // Arabic one's is not.
    assert_eq!(
        dirs(&fr, ".breadcrumb li[aria-current] bdi"),
        [Some("ltr".to_string())]
    );
    assert_eq!(
        dirs(
            "2023/03/08/afp-lbnk-lmrkzy-lmsry-yrf-lfyd/index.html",
            ".breadcrumb li[aria-current] bdi"
        ),
        []
    );

    // And the other way round: Arabic in an English archive.
    site.write("site.toml", &config.replace("\"ar\"", "\"en\""));
    site.build_ok();
    assert_eq!(dirs(&fr, "article.story"), [None]);
    assert_eq!(
        dirs(
            "2023/03/07/lbnk-lmrkzy-yrf-lfyd-mr-khr/index.html",
            "article.story"
        ),
        [Some("rtl".to_string())]
    );
    assert_eq!(
        dirs(
            "2023/03/07/lbnk-lmrkzy-yrf-lfyd-mr-khr/index.html",
            ".breadcrumb li[aria-current] bdi"
        ),
        [Some("rtl".to_string())]
    );
}

/// The lead image's `alt` is the article's own `alt`; without one it is empty, as the
/// caption is in the `<figcaption>` beside it and the headline above it (read twice
/// otherwise). Shared alone (OpenGraph), the picture keeps a description.
#[test]
fn lead_image_alt_does_not_repeat_the_caption_or_headline() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org/\"\n");
    let image = |name: &str, extra: &str| {
        site.write(&format!("content/world/{name}.jpg"), "jpeg");
        site.article(
            &format!("world/{name}.md"),
            &format!(
                "{}\nimage = \"{name}.jpg\"\n{extra}",
                fm(name, "2023-03-07")
            ),
            "Body.",
        );
    };
    image("captioned", "caption = \"Leaders at the summit\"");
    image(
        "described",
        "caption = \"Leaders at the summit\"\nalt = \"Five leaders on a stage\"",
    );
    image("bare", "");
    site.build_ok();
    let alt = |name: &str| {
        let doc = site.html(&format!("2023/03/07/{name}/index.html"));
        let img = select(&doc, ".lead-image img")[0].value().clone();
        let og = select(&doc, "meta[property='og:image:alt']")[0]
            .value()
            .clone();
        (
            img.attr("alt").unwrap().to_string(),
            og.attr("content").unwrap().to_string(),
        )
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(alt("captioned"), pair("", "Leaders at the summit"));
    assert_eq!(
        alt("described"),
        pair("Five leaders on a stage", "Five leaders on a stage")
    );
    assert_eq!(alt("bare"), pair("", "bare"));
}

/// Hidden files and folders in `static/` are not published, but for those hosts read.
#[test]
fn hidden_static_files_are_not_published() {
    let site = Site::new("title = \"T\"\n");
    for rel in [
        "static/.DS_Store",
        "static/.hidden",
        "static/.git/config",
        "static/img/.DS_Store",
        "static/img/logo.svg",
        "static/.well-known/security.txt",
        "static/.nojekyll",
    ] {
        site.write(rel, "x");
    }
    site.build_ok();
    let published: Vec<String> = files_with(&site.out(), |_| ())
        .into_keys()
        .filter(|rel| rel.starts_with('.') || rel.starts_with("img"))
        .filter(|rel| rel != ".broadsheet-output")
        .collect();
    assert_eq!(
        published,
        [".nojekyll", ".well-known/security.txt", "img/logo.svg"]
    );
}

/// Every page links an icon, so browsers do not ask for `/favicon.ico` and get the 404
/// page: the theme's SVG, or the site's own `static/favicon.ico` and `favicon.svg`.
#[test]
fn pages_link_the_theme_icon_or_the_site_own() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org/news/\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    let icons = |rel: &str| -> Vec<String> {
        select(&site.html(rel), "link[rel=icon]")
            .iter()
            .map(|l| {
                let v = l.value();
                format!("{} {}", v.attr("href").unwrap(), v.attr("type").unwrap())
            })
            .collect()
    };
    let pages = [
        "index.html",
        "2023/03/07/a/index.html",
        "search/index.html",
        "tags/index.html",
        "404.html",
    ];
    site.build_ok();
    for rel in pages {
        assert_eq!(icons(rel), ["/news/favicon.svg image/svg+xml"], "{rel}");
    }
    let svg = site.read("favicon.svg");
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert_links_resolve(&site.out(), "/news/");

    // The site's own icon is linked instead, and the theme's is not published; pages
    // built before are rebuilt for it.
    site.write("static/favicon.ico", "ico");
    site.build_ok();
    for rel in pages {
        assert_eq!(icons(rel), ["/news/favicon.ico image/x-icon"], "{rel}");
    }
    assert!(!site.out().join("favicon.svg").exists());
    assert_eq!(site.read("favicon.ico"), "ico");
    assert_links_resolve(&site.out(), "/news/");

    // Both: both, the SVG last, as browsers that read it should prefer it.
    site.write(
        "static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.build_ok();
    assert_eq!(
        icons("index.html"),
        [
            "/news/favicon.ico image/x-icon",
            "/news/favicon.svg image/svg+xml"
        ]
    );
    assert_eq!(
        site.read("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    fs::remove_file(site.dir().join("static/favicon.ico")).unwrap();
    site.build_ok();
    assert_eq!(icons("index.html"), ["/news/favicon.svg image/svg+xml"]);
    assert!(!site.out().join("favicon.ico").exists());
    assert_links_resolve(&site.out(), "/news/");
}

/// An article that names the site's own language is marked as nothing special: no
/// `lang` or `dir` on its card, its breadcrumb or its search entry.
#[test]
fn an_article_in_the_site_language_is_not_marked() {
    let site = Site::new("title = \"T\"\nlanguage = \"en\"\n");
    site.article(
        "a.md",
        &format!("{}\nlang = \"EN\"", fm("A", "2023-03-07")),
        "Text.",
    );
    site.build_ok();
    let home = site.read("index.html");
    assert!(home.contains("<article class=\"card\">"), "{home}");
    let page = site.read("2023/03/07/a/index.html");
    assert!(!page.contains("<bdi dir="), "{page}");
    let chunk = site.read("search/d/0.json");
    assert!(!chunk.contains("\"ltr\""), "{chunk}");
}

/// The words after the reading time and the word count take the form their count asks
/// for in the site's language (CLDR plural rules).
#[test]
fn counted_words_agree_with_their_count() {
    let reading = |language: &str, body: &str| {
        let site = Site::new(&format!("title = \"T\"\nlanguage = \"{language}\"\n"));
        site.article("a.md", &fm("A", "2023-03-07"), body);
        site.build_ok();
        texts(&site.html("2023/03/07/a/index.html"), ".reading-time")
            .join("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(reading("en", "Alone."), "1 min read · 1 word");
    assert_eq!(reading("en", "Two words."), "1 min read · 2 words");
    assert_eq!(
        reading("ar", "خمس كلمات في هذا النص"),
        "1 دقيقة قراءة · 5 كلمات"
    );
    assert_eq!(reading("ar", "كلمتان فقط"), "1 دقيقة قراءة · 2 كلمتان");
}

/// The theme speaks the site's language: its words, month names and dates, in pages,
/// cards, the archive, the 404 page and the search page (whose script reads its words
/// from the page); `[translations]` rewords any of them, and a misspelt one is named.
#[test]
fn the_theme_speaks_the_site_language() {
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"fr\"\n";
    let site = Site::new(config);
    site.article(
        "monde/a.md",
        &format!(
            "{}\nauthors = [\"Jean Dupont\"]\ntags = [\"Économie\", \"transport\", \"Asie\"]",
            fm("Les taux montent", "2023-03-07")
        ),
        "La banque centrale a relevé ses taux.",
    );
    site.write(
        "content/monde/b.txt",
        "Sans date\n\nUn texte sans date aucune.\n",
    );
    site.build_ok();
    let home = site.read("index.html");
    for words in [
        ">À la une<",
        ">Archives<",
        ">Rubriques<",
        ">Rechercher<",
        "Aller au contenu",
        "7 mars 2023",
        "Par <a",
        ">Sans date<",
        "Dernières nouvelles",
    ] {
        assert!(home.contains(words), "{words}: {home}");
    }
    let page = site.read("2023/03/07/les-taux-montent/index.html");
    assert!(
        page.contains("min de lecture") && page.contains(" mots<"),
        "{page}"
    );
    assert!(site
        .read("tags/economie/index.html")
        .contains("Mot-clé: Économie"));
    // A month on its own begins its line, capitalized; inside a date it is not.
    assert!(site.read("archive/index.html").contains(">Mars<"));
    // Terms are listed in alphabetical order, accents aside.
    assert_eq!(
        texts(&site.html("tags/index.html"), "ul.terms a"),
        ["Asie", "Économie", "transport"]
    );
    assert!(site.read("2023/03/index.html").contains("<title>Mars 2023"));
    assert!(site.read("404.html").contains("Page introuvable"));
    assert!(
        home.contains("<meta property=\"og:locale\" content=\"fr_FR\">"),
        "{home}"
    );
    let search = site.read("search/index.html");
    assert!(search.contains("data-searching=\"Recherche…\""), "{search}");
    assert!(search.contains("<legend>Affiner</legend>"), "{search}");
    // The search index shows dates as the pages do.
    let chunk = site.read("search/d/0.json");
    assert!(chunk.contains("7 mars 2023"), "{chunk}");

    site.write(
        "site.toml",
        &format!("{config}[translations]\nlatest_news = \"À la une & en bref\"\n"),
    );
    site.build_ok();
    assert!(site.read("index.html").contains("À la une &amp; en bref"));
    site.write(
        "site.toml",
        &format!("{config}[translations]\nlatest_newz = \"x\"\n"),
    );
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(
        r.stderr
            .contains("[translations] has no word 'latest_newz'; did you mean `latest_news`?"),
        "{}",
        r.stderr
    );
    // A template of the site's own uses the words as the built-in ones do.
    site.write("site.toml", config);
    site.write("templates/404.html", "<p>{{ ui.page_not_found }}</p>");
    site.build_ok();
    assert_eq!(site.read("404.html"), "<p>Page introuvable</p>");
    site.write("templates/404.html", "<p>\n{{ ui.page_not_fund }}</p>");
    let r = site.build(&[]);
    assert!(
        r.stderr
            .contains("templates/404.html:2: template error: {{ ui.page_not_fund }} names no word"),
        "{}",
        r.stderr
    );
}

/// A month inside a date is declined where the language does so (Polish and Russian:
/// genitive, `31 marca 2015`), but a month's page, its breadcrumb and the archive index
/// name it on its own: nominative, capitalized as a title begins (`Marzec 2015`).
#[test]
fn month_pages_name_the_month_on_its_own() {
    for (language, in_date, on_its_own) in [
        ("pl", "31 marca 2015", "Marzec"),
        ("ru", "31 марта 2015", "Март"),
        ("en", "31 March 2015", "March"),
    ] {
        let site = Site::new(&format!(
            "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"{language}\"\n"
        ));
        site.article("news/a.md", &fm("A", "2015-03-31"), "Body.");
        site.build_ok();
        let month = site.html("2015/03/index.html");
        assert_eq!(
            texts(&month, "title"),
            [format!("{on_its_own} 2015 · T")],
            "{language}"
        );
        assert_eq!(
            texts(&month, "h1.page-title"),
            [format!("{on_its_own} 2015")]
        );
        assert_eq!(
            texts(&month, ".breadcrumb li").last(),
            Some(&on_its_own.to_string())
        );
        assert!(texts(&month, "main time").contains(&in_date.to_string()));
        let article = site.html("2015/03/31/a/index.html");
        assert!(
            texts(&article, "time").contains(&in_date.to_string()),
            "{language}"
        );
        assert!(texts(&article, ".breadcrumb li").contains(&on_its_own.to_string()));
        assert_eq!(
            texts(&site.html("archive/index.html"), "ul.months a"),
            [on_its_own]
        );
    }
}

/// Pages of undated articles (in file order) have no newer and older pages.
#[test]
fn pages_of_undated_articles_are_previous_and_next() {
    let site = Site::new("title = \"T\"\nper_page = 2\n");
    for i in 1..=4 {
        site.article(
            &format!("world/d{i}.md"),
            &fm(&format!("Dated {i}"), &format!("2023-03-0{i}")),
            "Body.",
        );
        site.write(
            &format!("content/world/u{i}.txt"),
            &format!("Undated {i}\n\nBody of undated story {i}.\n"),
        );
    }
    site.build_ok();
    let labels = |rel: &str| texts(&site.html(rel), ".pagination > a");
    // The home page's second page shows dated stories; its fourth, undated ones only.
    assert_eq!(labels("page/2/index.html"), ["← Newer", "Older →"]);
    assert_eq!(labels("page/4/index.html"), ["← Previous"]);
    assert_eq!(labels("page/3/index.html"), ["← Previous", "Next →"]);
    assert_eq!(labels("undated/index.html"), ["Next →"]);
    assert_eq!(labels("undated/page/2/index.html"), ["← Previous"]);
    assert_eq!(
        labels("sections/world/page/2/index.html"),
        ["← Newer", "Older →"]
    );

    site.write(
        "site.toml",
        "title = \"T\"\nper_page = 2\nlanguage = \"fr\"\n",
    );
    site.build_ok();
    assert_eq!(labels("undated/index.html"), ["Suivants →"]);
    assert_eq!(
        labels("page/2/index.html"),
        ["← Plus récents", "Plus anciens →"]
    );
}
