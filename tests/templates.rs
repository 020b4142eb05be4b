//! Pages rendered wholly by the built-in theme get lean contexts (only `title` and `url`
//! of neighbours; no `meta`, `related`, `articles`, `site.nav` or breadcrumb lists, as
//! their ready `_html` forms are printed); the same templates given as the
//! site's own get every field. Both must make the same site, byte for byte.

mod common;

use std::fs;
use std::path::Path;

use common::{run, snapshot};

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The demo archive's content and settings, without its templates, plus an article
/// whose metadata needs escaping everywhere and a bare undated one, in a new folder.
fn demo_site() -> tempfile::TempDir {
    demo_site_with("")
}

/// [`demo_site`] with `settings` added to its `site.toml`.
fn demo_site_with(settings: &str) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("content"), &tmp.path().join("content"));
    let config = fs::read_to_string(repo.join("site.toml")).unwrap();
    // Top-level keys go before the first table.
    let config = match config.find("\n[") {
        Some(at) => format!("{}\n{settings}{}", &config[..at], &config[at..]),
        None => format!("{config}\n{settings}"),
    };
    fs::write(tmp.path().join("site.toml"), config).unwrap();
    fs::write(
        tmp.path().join("content/world/hostile.md"),
        "+++\ntitle = \"Talks <b>&</b> \\\"quotes\\\" 'n' </script>\"\ndate = 2023-03-07\n\
         tags = [\"Water & <Power>\", \"Iraq\"]\nauthors = [\"O'Neil <Ali>\"]\n\
         summary = \"A <summary> & \\\"more\\\".\"\n+++\n\nIraq water talks & more.\n",
    )
    .unwrap();
    // Undated, with no section, author or source: the other branches of a byline and card.
    fs::write(
        tmp.path().join("content/note.txt"),
        "A note & <more>\n\nJust a line of text about nothing in particular, long enough.\n",
    )
    .unwrap();
    tmp
}

fn build(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let r = run(&["build", "--root", site.to_str().unwrap()]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    snapshot(&site.join("public"))
}

fn assert_same_site(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) {
    assert!(a.len() > 100, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (rel, bytes) in a {
        assert!(
            bytes == &b[rel],
            "{rel} differs:\n--- a\n{}\n--- b\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[rel])
        );
    }
}

/// The built-in template `name` with each `(from, to)` replaced; every `from` must be
/// there.
fn theme_with(theme: &Path, name: &str, swaps: &[(&str, &str)]) -> String {
    let mut text = fs::read_to_string(theme.join(name)).unwrap();
    for (from, to) in swaps {
        assert!(
            text.contains(from),
            "{name} changed; update this test: {from}"
        );
        text = text.replace(from, to);
    }
    text
}

/// The built-in `base.html` with Tera loops over `meta`, `site.nav` and
/// `page.breadcrumbs` in place of the ready `_html` forms.
fn base_with_loops(theme: &Path) -> String {
    theme_with(
        theme,
        "base.html",
        &[
            (
                "{{ meta_html | safe }}",
                "{% for m in meta %}<meta {{ m.attr }}=\"{{ m.key }}\" content=\"{{ m.content }}\">\n{% endfor %}",
            ),
            (
                "{{ page.nav_html | safe }}",
                "{% for item in site.nav %}<li><a href=\"{{ item.url }}\"{% if item.url == page.url %} aria-current=\"page\"{% elif item.title == page.nav %} aria-current=\"true\"{% endif %}>{{ item.title }}</a></li>{% endfor %}",
            ),
            (
                "{% if page.breadcrumbs_html | safe %}",
                "{% if page.breadcrumbs | length > 0 %}",
            ),
            (
                "{{ page.breadcrumbs_html | safe }}",
                "{% for c in page.breadcrumbs %}<li><a href=\"{{ c.url }}\"{% if c.url == page.url %} aria-current=\"{% if page.current == \"breadcrumbs\" %}page{% else %}true{% endif %}\"{% endif %}>{{ c.title }}</a></li>{% endfor %}{% if page.kind == \"article\" %}<li aria-current=\"page\">{{ page.title }}</li>{% endif %}",
            ),
        ],
    )
}

/// The built-in `article.html` with a Tera loop over `related` in place of `related_html`.
fn article_with_loop(theme: &Path) -> String {
    theme_with(
        theme,
        "article.html",
        &[
            ("{% if related_html | safe %}", "{% if related | length > 0 %}"),
            (
                "{{ related_html | safe }}",
                "{% for r in related %}<li{% if r.dir %} dir=\"{{ r.dir }}\"{% endif %}><a href=\"{{ r.url }}\">{{ r.title }}</a>{% if r.date %} <time datetime=\"{{ r.date.iso }}\">{{ r.date.display }}</time>{% endif %}</li>{% endfor %}",
            ),
        ],
    )
}

/// A built-in listing template with a Tera loop over `articles` in place of `cards_html`.
fn listing_with_loop(theme: &Path, name: &str) -> String {
    theme_with(
        theme,
        name,
        &[
            ("{% if listed == 0 %}", "{% if articles | length == 0 %}"),
            (
                "{{ cards_html | safe }}",
                "{% for a in articles %}{{ a.card | safe }}{% endfor %}",
            ),
        ],
    )
}

/// Three ways to the same site: the built-in theme (lean contexts, ready HTML); every
/// built-in template as the site's own, with Tera loops over the full lists instead of
/// the ready HTML (full contexts: the HTML made in Rust must escape as Tera does); and
/// only that `base.html` as the site's own (overriding it must turn lean contexts off
/// for every page, or its loops would find nothing).
#[test]
fn lean_contexts_change_no_byte_of_the_built_in_theme() {
    lean_and_full_contexts_agree("");
    // Pages numbered from the oldest: lean contexts leave out the page count and the
    // front page's number.
    lean_and_full_contexts_agree("page_numbers = \"oldest\"\n");
}

fn lean_and_full_contexts_agree(settings: &str) {
    let demo_site = || demo_site_with(settings);
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/theme");
    let lean = demo_site();
    let full = demo_site();
    let templates = full.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    for entry in fs::read_dir(&theme).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            fs::copy(&path, templates.join(path.file_name().unwrap())).unwrap();
        }
    }
    fs::write(templates.join("base.html"), base_with_loops(&theme)).unwrap();
    fs::write(templates.join("article.html"), article_with_loop(&theme)).unwrap();
    for name in ["index.html", "list.html"] {
        fs::write(templates.join(name), listing_with_loop(&theme, name)).unwrap();
    }
    let base_only = demo_site();
    fs::create_dir_all(base_only.path().join("templates")).unwrap();
    fs::write(
        base_only.path().join("templates/base.html"),
        base_with_loops(&theme),
    )
    .unwrap();

    let lean = build(lean.path());
    let undated = String::from_utf8_lossy(&lean["undated/index.html"]);
    assert!(
        undated.contains("<span class=\"undated\">Undated</span>"),
        "{undated}"
    );
    let page = String::from_utf8_lossy(&lean["2023/03/07/talks-quotes-n/index.html"]);
    assert!(page.contains("og:title"), "{page}");
    assert!(page.contains("Talks &lt;b&gt;&amp;&lt;/b&gt;"), "{page}");
    assert_same_site(&lean, &build(full.path()));
    assert_same_site(&lean, &build(base_only.path()));
}

/// A site's own listing template still sees every field of a listed article.
#[test]
fn own_listing_template_sees_every_field() {
    let site = demo_site();
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("list.html"),
        "{% for a in articles %}<p class=\"x\">{{ a.title }}|{{ a.date.display | default(value=\"undated\") }}|{{ a.summary }}|{{ a.word_count }}</p>{% endfor %}",
    )
    .unwrap();
    let out = build(site.path());
    let page = String::from_utf8_lossy(&out["sections/world/index.html"]).into_owned();
    let first = page
        .split("<p class=\"x\">")
        .nth(1)
        .expect("a listed article");
    let fields: Vec<&str> = first.split("</p>").next().unwrap().split('|').collect();
    assert_eq!(fields.len(), 4, "{first}");
    assert!(fields.iter().all(|f| !f.trim().is_empty()), "{fields:?}");
}

/// A site's own `card.html` keeps the built-in listings lean; it still gets the whole
/// site (its nav too), and cards that print nothing do not make a listing "empty". A
/// site's own `card` macro gets the site as well.
#[test]
fn own_card_template_sees_the_whole_site() {
    let with_card = |card: &str| {
        let site = demo_site();
        let templates = site.path().join("templates");
        fs::create_dir_all(&templates).unwrap();
        fs::write(templates.join("card.html"), card).unwrap();
        build(site.path())
    };
    let out = with_card("<p class=\"c\">nav={{ site.nav | length }}</p>");
    let home = String::from_utf8_lossy(&out["index.html"]).into_owned();
    assert!(home.contains("<p class=\"c\">nav="), "{home}");
    assert!(!home.contains("nav=0"), "{home}");
    let out = with_card("");
    for page in ["index.html", "sections/world/index.html", "2023/index.html"] {
        let html = String::from_utf8_lossy(&out[page]);
        assert!(!html.contains("class=\"empty\""), "{page}: {html}");
    }
    // Tera's macros see the context of the template calling them: the site's own `card`
    // macro, called by the built-in card.html, reads `site` too.
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/theme");
    let macros = theme_with(
        &theme,
        "macros.html",
        &[(
            "<article class=\"card\"",
            "<article class=\"card\" data-site=\"{{ site.title }}\"",
        )],
    );
    let site = demo_site();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(site.path().join("templates/macros.html"), macros).unwrap();
    let out = build(site.path());
    let home = String::from_utf8_lossy(&out["index.html"]).into_owned();
    assert!(
        home.contains("data-site=\"The Broadsheet Archive\""),
        "{home}"
    );
}
