//! Pages rendered wholly by the built-in theme get lean contexts (only `title`, `url`
//! and `card` of listed articles and neighbours; no `meta` list, as `meta_html` holds the
//! tags); the same templates given as the site's own get every field. Both must make the
//! same site, byte for byte.

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

/// The demo archive's content and settings, without its templates, in a new folder.
fn demo_site() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo.join("content"), &tmp.path().join("content"));
    fs::copy(repo.join("site.toml"), tmp.path().join("site.toml")).unwrap();
    tmp
}

fn build(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let r = run(&["build", "--root", site.to_str().unwrap()]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    snapshot(&site.join("public"))
}

#[test]
fn lean_cards_change_no_byte_of_the_built_in_theme() {
    let lean = demo_site();
    let full = demo_site();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/theme");
    let templates = full.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    // Every built-in template, as the site's own: no page gets a lean context.
    for entry in fs::read_dir(&theme).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            fs::copy(&path, templates.join(path.file_name().unwrap())).unwrap();
        }
    }
    let (lean, full) = (build(lean.path()), build(full.path()));
    assert!(lean.len() > 100, "{} files", lean.len());
    assert_eq!(
        lean.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    for (rel, bytes) in &lean {
        assert!(
            bytes == &full[rel],
            "{rel} differs:\n--- lean\n{}\n--- full\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&full[rel])
        );
    }
}

/// A site's own listing template still sees every field of a listed article.
#[test]
fn own_listing_template_sees_every_field() {
    let site = demo_site();
    let templates = site.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("list.html"),
        "{% for a in articles %}<p class=\"x\">{{ a.title }}|{{ a.date.display }}|{{ a.summary }}|{{ a.word_count }}</p>{% endfor %}",
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
