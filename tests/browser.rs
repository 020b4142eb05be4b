//! The built archive in a real browser: headless Chromium driven through chromedriver,
//! the site served from localhost under a sub-path. Skipped, with a notice, when
//! Chromium is not installed (CI installs it: see .ci/run).

mod common;
#[path = "common/fixtures.rs"]
mod fixtures;
#[path = "common/webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use broadsheet::search::plan::{answer, Query};
use fixtures::*;
use serde_json::json;
use webdriver::*;

const PREFIX: &str = "/archive/";

fn screenshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots")
}

/// The search page's status line once the query has been answered.
fn wait_status(b: &Browser) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = b
            .js(
                "var s = document.getElementById('search-status'); return s ? s.textContent : '';",
                json!([]),
            )
            .as_str()
            .unwrap_or("")
            .to_string();
        let done = !status.is_empty() && !status.starts_with("Searching");
        if done || Instant::now() > deadline {
            return status;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Every URL the current page loaded (itself and its resources).
fn loaded_urls(b: &Browser) -> Vec<String> {
    let v = b.js(
        "return [location.href].concat(performance.getEntriesByType('resource').map(function (e) { return e.name; }));",
        json!([]),
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect()
}

fn assert_local(b: &Browser, origin: &str) {
    for url in loaded_urls(b) {
        assert!(
            url.starts_with(origin),
            "{url} left localhost (page {})",
            b.url()
        );
    }
}

/// Structure a reader with assistive technology relies on, checked on the live page.
fn assert_accessible_structure(b: &Browser) {
    let report = b.js(
        r#"
        var problems = [];
        ['header', 'nav', 'main', 'footer'].forEach(function (t) {
          if (!document.querySelector(t)) problems.push('no <' + t + '>');
        });
        var hs = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'));
        if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
        var level = 0;
        hs.forEach(function (h) {
          var l = +h.tagName[1];
          if (l > level + 1) problems.push('heading ' + h.tagName + ' "' + h.textContent.trim() + '" skips a level');
          level = l;
        });
        document.querySelectorAll('img').forEach(function (i) {
          if (!i.hasAttribute('alt')) problems.push('img without alt: ' + i.src);
        });
        document.querySelectorAll('time').forEach(function (t) {
          if (!t.getAttribute('datetime')) problems.push('time without datetime');
        });
        if (document.documentElement.scrollWidth > window.innerWidth + 1)
          problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
        return problems;
        "#,
        json!([]),
    );
    let problems = v_strings(&report);
    assert!(problems.is_empty(), "{}: {problems:?}", b.url());
}

fn v_strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_reader_searches_filters_pages_and_reads_in_chromium() {
    let Some((chromium, chromedriver)) = find_browser() else {
        eprintln!(
            "SKIPPED browser tests: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let started = Instant::now();
    let site = search_site("https://example.org/archive/");
    site.build_ok();
    let out = site.out();
    let server = Server::start(&out, PREFIX);
    let origin = server.origin();
    let base = format!("{origin}{PREFIX}");
    let b = Browser::start(&chromium, &chromedriver);

    // Search from the header box for a word that only one article holds.
    b.goto(&base);
    let input = b.find("#site-search-q");
    server.clear();
    b.type_text(&input, "Zanzibar");
    b.click(&b.find(".site-search button"));
    let status = wait_status(&b);
    assert!(status.starts_with("1 article"), "{status}");
    assert_eq!(
        b.texts("#search-results h2"),
        ["Coral survey finds signs of recovery"]
    );
    assert!(
        b.url().contains("/archive/search/?q=Zanzibar"),
        "{}",
        b.url()
    );
    // The script fetched exactly the index files the Rust mirror says it needs.
    let mut fetched: Vec<String> = server
        .seen()
        .into_iter()
        .filter(|u| u.starts_with("/archive/search/") && !u.contains("?"))
        .map(|u| u.trim_start_matches(PREFIX).to_string())
        .collect();
    fetched.sort();
    let mut planned = answer(&out, &Query::text("Zanzibar")).unwrap().files;
    planned.sort();
    assert_eq!(fetched, planned);
    // The result links to the article, under the base path.
    let link = b.find("#search-results h2 a");
    b.click(&link);
    assert_eq!(
        b.url(),
        format!("{base}2022/06/01/coral-survey-finds-signs-of-recovery/")
    );

    // Filter by source with the search page's own form.
    b.goto(&format!("{base}search/?q=harbour"));
    assert!(wait_status(&b).starts_with("3 articles"));
    // The title names the query, so that tabs and history tell searches apart.
    assert_eq!(b.title(), "\u{201c}harbour\u{201d} · Search · Search Test");
    b.click(&b.find("#search-source"));
    b.click(&b.find("#search-source option[value=afp]"));
    b.click(&b.find("#search-form button"));
    // The form reloads the page: wait for the new one before reading its status.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !b.url().contains("source=afp") && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
    }
    let status = wait_status(&b);
    assert!(b.url().contains("source=afp"), "{}", b.url());
    assert!(
        !b.url().contains("section="),
        "empty fields stay out of the URL"
    );
    assert!(status.starts_with("2 articles"), "{status}");
    assert_eq!(
        b.texts("#search-results h2"),
        [
            "Harbour cranes return to Alexandria",
            "Fishermen leave the old port"
        ]
    );
    assert_eq!(
        b.js(
            "return document.getElementById('search-source').value",
            json!([])
        ),
        "afp"
    );
    // The same filter by its name, as a reader may type it in the address.
    b.goto(&format!("{base}search/?q=harbour&source=AFP"));
    let status = wait_status(&b);
    assert!(status.starts_with("2 articles"), "{status}");
    assert_eq!(
        b.js(
            "return document.getElementById('search-source').value",
            json!([])
        ),
        "afp"
    );
    assert_local(&b, &origin);
    // Only words are named in the title; a query is put in as it is, once.
    b.goto(&format!("{base}search/?source=AFP"));
    wait_status(&b);
    assert_eq!(b.title(), "Search · Search Test");
    b.goto(&format!("{base}search/?q=%7Btitle%7D+%3Cb%3E+"));
    wait_status(&b);
    assert_eq!(
        b.title(),
        "\u{201c}{title} <b>\u{201d} · Search · Search Test"
    );

    // An Arabic word still being typed, short of its ending, finds the stored stem.
    b.goto(&format!(
        "{base}search/?q=%D8%A7%D9%84%D8%A7%D9%86%D8%AA%D8%AE%D8%A7%D8%A8%D8%A7"
    ));
    let status = wait_status(&b);
    assert!(status.starts_with("1 article"), "{status}");
    assert_eq!(b.texts("#search-results h2"), ["Central bank holds rates"]);

    // Folding in the browser matches the index's folding, letter by letter.
    let mut sample: String = ('\u{00C0}'..='\u{024F}')
        .chain('\u{1E00}'..='\u{1EFF}')
        .chain('\u{0370}'..='\u{03FF}')
        .chain('\u{0600}'..='\u{06FF}')
        .chain('\u{1F00}'..='\u{1FFF}')
        .chain('\u{FB00}'..='\u{FB06}')
        .chain('\u{3040}'..='\u{30FF}')
        .chain('\u{F900}'..='\u{FAFF}')
        .chain('\u{FF01}'..='\u{FF5E}')
        .flat_map(|c| [c, ' '])
        .collect();
    sample
        .push_str("Zürich's CAFÉ, Straße—مِصر Ελλάδα ×÷ x 42 हिन्दी समाचार ภาษาไทย ①² ᾯδῃ Άλφα; ΐ ; ﬁnal ofﬁce ＢＢＣ，ｎｅｗｓ２０２３ ΣΕΙΣΜΟΣ σεισμός أشخاص إلى مدرسة آخر ٱ ـبـ ٢٥٠٠ ۲۰۲۳ العراق بالعراق والعراق للعراق الوزيرة وزير مدرستها إلى 北العراق العراق北 北京举行会议 北 東京タワー abc北京def 中 々 日・米首脳会談 ゛゜゠");
    let js_words = v_strings(&b.js(
        "return window.broadsheetSearch.words(arguments[0])",
        json!([sample]),
    ));
    let rust_words = broadsheet::search::tokenize::words(&sample);
    let differ: Vec<_> = sample
        .split(' ')
        .filter(|c| {
            broadsheet::search::tokenize::words(c)
                != v_strings(&b.js(
                    "return window.broadsheetSearch.words(arguments[0])",
                    json!([c]),
                ))
        })
        .take(20)
        .collect();
    assert!(differ.is_empty(), "JS folds these differently: {differ:?}");
    assert_eq!(js_words, rust_words);
    // A word still being typed starts where tokenize.rs says it does.
    for w in rust_words
        .iter()
        .map(String::as_str)
        .chain(["انتخابا", "مهندسو", "نحو"])
    {
        let js = b.js(
            "return window.broadsheetSearch.partialStem(arguments[0])",
            json!([w]),
        );
        assert_eq!(
            js.as_str(),
            Some(broadsheet::search::tokenize::partial_stem(w)),
            "{w}"
        );
    }

    // Follow the home page's pagination from page 1 to the last page.
    b.goto(&base);
    let mut pages = 1;
    loop {
        let next = b.find_all(".pagination a[rel=next]");
        let Some(next) = next.first() else { break };
        b.click(next);
        pages += 1;
        assert!(pages <= 10, "pagination does not end");
    }
    assert_eq!(pages, ARTICLES.len().div_ceil(PER_PAGE));
    assert_eq!(b.url(), format!("{base}page/{pages}/"));
    assert_eq!(
        b.texts(".pagination [aria-current=page]"),
        [pages.to_string()]
    );

    // Open the newest article and follow "previous article" to the one before it.
    b.goto(&base);
    b.click(&b.find(".cards article h2 a"));
    assert_eq!(b.texts("article.story h1"), [ARTICLES[0].1]);
    b.click(&b.find(".story-nav a.previous"));
    assert_eq!(b.texts("article.story h1"), [ARTICLES[1].1]);
    assert_local(&b, &origin);

    // Screenshots at phone and desktop widths, for people to look at; the structure
    // holds at both widths.
    let article = format!("{base}2023/03/01/harbour-cranes-return-to-alexandria/");
    let search = format!("{base}search/?q=harb");
    for (width, height, name) in [(390, 844, "phone"), (1280, 900, "desktop")] {
        b.set_size(width, height);
        for (page, url) in [("home", &base), ("article", &article), ("search", &search)] {
            b.goto(url);
            if page == "search" {
                wait_status(&b);
            }
            assert_accessible_structure(&b);
            b.screenshot(&screenshots().join(format!("{page}-{name}.png")));
        }
    }

    // Keyboard: the first Tab lands on the skip link, which shows and has a focus ring.
    b.goto(&base);
    b.press_tab();
    let focus = b.js(
        "var a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
         return [a.className, r.left >= 0 && r.top >= 0, s.outlineStyle];",
        json!([]),
    );
    assert_eq!(focus[0], "skip-link", "{focus}");
    assert_eq!(focus[1], true, "skip link stays off screen when focused");
    assert_ne!(focus[2], "none", "no visible focus");

    // Dark mode follows the system setting.
    let background = |b: &Browser| {
        b.js(
            "return getComputedStyle(document.body).backgroundColor",
            json!([]),
        )
    };
    let light = background(&b);
    b.cdp(
        "Emulation.setEmulatedMedia",
        json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
    );
    let dark = background(&b);
    assert_ne!(light, dark);
    assert_eq!(dark, "rgb(22, 22, 22)");

    eprintln!(
        "browser test took {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        screenshots().display()
    );
}

/// An empty Arabic archive served under a sub-path.
fn arabic_archive() -> common::Site {
    common::Site::new(
        "title = \"أرشيف\"\nbase_url = \"https://example.org/archive/\"\nlanguage = \"ar\"\n",
    )
}

#[test]
fn a_result_in_another_language_is_marked_as_its_card_is() {
    let Some((chromium, chromedriver)) = find_browser() else {
        eprintln!("SKIPPED browser tests: chromium and chromedriver are not installed");
        return;
    };
    // An Arabic archive holding one English story and one Arabic one.
    let site = arabic_archive();
    site.article(
        "world/water.md",
        &format!(
            "{}\nlang = \"en\"",
            common::fm("Iraq water talks resume", "2023-03-09")
        ),
        "Talks on the Tigris resumed in Baghdad.",
    );
    site.article(
        "world/visit.md",
        &common::fm("وزير الدفاع يزور العراق", "2023-03-07"),
        "وصل وزير الدفاع إلى بغداد. Baghdad.",
    );
    site.build_ok();
    let server = Server::start(&site.out(), PREFIX);
    let b = Browser::start(&chromium, &chromedriver);
    b.goto(&format!("{}{PREFIX}search/?q=baghdad", server.origin()));
    b.wait_for("#search-results li", 2);
    // The title's words are the site's language's.
    assert_eq!(b.title(), "«baghdad» · بحث · أرشيف");
    let marks = b.js(
        "return Array.from(document.querySelectorAll('#search-results li')).map(function (li) {
           return [li.querySelector('h2').textContent, li.lang, li.dir, getComputedStyle(li).direction];
         });",
        json!([]),
    );
    assert_eq!(
        marks,
        json!([
            ["Iraq water talks resume", "en", "ltr", "ltr"],
            ["وزير الدفاع يزور العراق", "", "", "rtl"]
        ])
    );
}

/// Where each character of the first text inside `css` is drawn, left to right on screen.
fn drawn_order(b: &Browser, css: &str) -> String {
    b.js(
        "var el = document.querySelector(arguments[0]);
         var walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), chars = [], n;
         while ((n = walk.nextNode())) {
           for (var i = 0; i < n.data.length; i++) {
             var r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
             var box = r.getBoundingClientRect();
             if (box.width > 0) chars.push([box.left, n.data[i]]);
           }
         }
         chars.sort(function (a, b) { return a[0] - b[0]; });
         return chars.map(function (c) { return c[1]; }).join('');",
        json!([css]),
    )
    .as_str()
    .unwrap_or("")
    .to_string()
}

#[test]
fn a_name_in_the_other_direction_reads_as_written() {
    let Some((chromium, chromedriver)) = find_browser() else {
        eprintln!("SKIPPED browser tests: chromium and chromedriver are not installed");
        return;
    };
    // A Latin tag ending in neutral characters, in an Arabic archive: laid out right to
    // left, "C++" is drawn "++C".
    let site = arabic_archive();
    site.article(
        "world/visit.md",
        &format!(
            "{}\ntags = [\"C++\"]",
            common::fm("وزير الدفاع يزور العراق", "2023-03-07")
        ),
        "وصل وزير الدفاع إلى بغداد.",
    );
    site.build_ok();
    let server = Server::start(&site.out(), PREFIX);
    let b = Browser::start(&chromium, &chromedriver);
    let origin = server.origin();
    b.goto(&format!("{origin}{PREFIX}tags/c/"));
    assert_eq!(drawn_order(&b, ".breadcrumb li:last-child a"), "C++");
    assert!(drawn_order(&b, "h1").starts_with("C++"));
    b.goto(&format!("{origin}{PREFIX}tags/"));
    assert_eq!(drawn_order(&b, "ul.terms a"), "C++");
    b.goto(&format!("{origin}{PREFIX}2023/03/07/wzyr-ldf-yzwr-l-rq/"));
    assert_eq!(drawn_order(&b, "footer.tags a"), "C++");
}
