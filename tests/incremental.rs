//! Incremental builds: after every kind of change, a rebuild that uses the cache must
//! produce exactly the site a clean build produces, and leave the files whose bytes did
//! not change untouched (same modification time).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use common::{snapshot, Site};

const CONFIG: &str =
    "title = \"Test Archive\"\nbase_url = \"https://example.org/\"\nper_page = 3\n";

/// A small archive: paginated home, sections, shared tags, sources, authors.
fn fixture() -> Site {
    let site = Site::new(CONFIG);
    for i in 0..14 {
        let section = ["world", "business"][i % 2];
        let tags = ["Iraq", "Oil", "Elections", "Trade"];
        site.article(
            &format!("{section}/story-{i:02}.md"),
            &format!(
                "title = \"Story {i}\"\ndate = 2023-0{}-{:02}T10:00:00Z\ntags = [{:?}, {:?}]\nsources = [{:?}]\nauthors = [\"Writer {}\"]",
                1 + i % 3,
                1 + i,
                tags[i % 4],
                tags[(i + 1) % 4],
                ["AFP", "AP"][i % 2],
                i % 3
            ),
            &format!("Paragraph one of story {i}.\n\nParagraph two, with *emphasis*."),
        );
    }
    site.article(
        "world/late.md",
        "title = \"Late\"\ndate = 2023-03-30",
        "Latest.",
    );
    site
}

/// Every output file's modification time.
fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    common::files_with(dir, |e| e.metadata().unwrap().modified().unwrap())
}

/// Gives story 3 a new title and the body `body`: a change to one article.
fn change_story_03(site: &Site, body: &str) {
    site.article(
        "world/story-03.md",
        "title = \"Changed\"\ndate = 2023-01-04",
        body,
    );
}

/// Builds `site` into a fresh folder with no cache and returns its files.
fn clean_build(site: &Site, name: &str) -> BTreeMap<String, Vec<u8>> {
    let out = site.dir().join(name);
    let _ = fs::remove_dir_all(&out);
    let _ = fs::remove_dir_all(site.dir().join(".broadsheet-cache").join(name));
    let r = site.build(&["--output-dir", name]);
    assert!(r.ok, "clean build failed:\n{}\n{}", r.stdout, r.stderr);
    let files = snapshot(&out);
    fs::remove_dir_all(&out).unwrap();
    fs::remove_dir_all(site.dir().join(".broadsheet-cache").join(name)).unwrap();
    files
}

/// Builds once, applies `change`, rebuilds incrementally, and checks the result against
/// a clean build and the previous site's modification times. Returns the second
/// build's stdout.
fn check_change(site: &Site, change: impl FnOnce(&Site)) -> String {
    site.build_ok();
    let before = snapshot(&site.out());
    let before_times = mtimes(&site.out());
    // Let any rewrite show up as a different modification time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    change(site);
    let r = site.build_ok();
    let after = snapshot(&site.out());
    let after_times = mtimes(&site.out());
    let clean = clean_build(site, "clean");
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>(),
        "incremental and clean builds hold different files"
    );
    for (rel, bytes) in &clean {
        assert!(after[rel] == *bytes, "{rel} differs from a clean build");
    }
    for (rel, bytes) in &after {
        if before.get(rel) == Some(bytes) {
            assert_eq!(
                before_times[rel], after_times[rel],
                "{rel} did not change but was rewritten"
            );
        }
    }
    r.stdout
}

#[test]
fn rebuild_without_changes_writes_nothing() {
    let site = fixture();
    let out = check_change(&site, |_| {});
    assert!(out.contains("(0 of "), "{out}");
}

#[test]
fn changing_an_article_matches_a_clean_build() {
    let site = fixture();
    check_change(&site, |s| {
        s.article(
            "world/story-04.md",
            "title = \"Story 4, revised\"\ndate = 2023-02-05T10:00:00Z\ntags = [\"Elections\", \"Oil\"]\nsources = [\"AFP\"]",
            "New text.",
        );
    });
}

/// Other article pages list the retitled article as related: their related lists (whose
/// recipes hold the related articles' cards) must show the new title.
#[test]
fn retitling_an_article_updates_the_pages_relating_to_it() {
    let site = fixture();
    let path = site.dir().join("content/world/story-06.md");
    let text = fs::read_to_string(&path).unwrap();
    check_change(&site, |_| {
        fs::write(&path, text.replace("\"Story 6\"", "\"Story six\"")).unwrap();
    });
    let shown = snapshot(&site.out())
        .into_iter()
        .filter(|(rel, bytes)| {
            rel.ends_with(".html")
                && !rel.contains("story-six")
                && String::from_utf8_lossy(bytes)
                    .contains("<li><a href=\"/2023/01/07/story-six/\">Story six</a>")
        })
        .count();
    assert!(
        shown > 0,
        "no other page lists the retitled article as related"
    );
}

/// A new title under a fixed slug leaves the URL as it was: the feeds listing the
/// article, kept when their input is unchanged, must still show the new title.
#[test]
fn a_title_changed_under_a_fixed_slug_reaches_the_feeds() {
    let site = fixture();
    site.article(
        "world/fixed.md",
        "title = \"Old headline\"\nslug = \"fixed\"\ndate = 2023-03-31T10:00:00Z\ntags = [\"Iraq\"]",
        "Text.",
    );
    check_change(&site, |s| {
        s.article(
            "world/fixed.md",
            "title = \"New headline\"\nslug = \"fixed\"\ndate = 2023-03-31T10:00:00Z\ntags = [\"Iraq\"]",
            "Text.",
        );
    });
    for feed in ["atom.xml", "tags/iraq/atom.xml"] {
        assert!(site.read(feed).contains("New headline"), "{feed}");
    }
}

/// A translation's new title moves its URL: its other languages' pages must follow.
#[test]
fn retitling_a_translation_updates_the_other_languages() {
    let site = fixture();
    site.article(
        "world/story-ar.md",
        "title = \"Qissa\"\ndate = 2023-03-02\nlang = \"ar\"\ntranslationKey = \"s1\"",
        "Nass.",
    );
    let path = site.dir().join("content/business/story-01.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("+++\n\n", "translationKey = \"s1\"\n+++\n\n"),
    )
    .unwrap();
    check_change(&site, |s| {
        s.article(
            "world/story-ar.md",
            "title = \"Qissa jadida\"\ndate = 2023-03-02\nlang = \"ar\"\ntranslationKey = \"s1\"",
            "Nass.",
        );
    });
    let english = fs::read_to_string(site.out().join("2023/02/02/story-1/index.html")).unwrap();
    assert!(
        english.contains("hreflang=\"ar\" href=\"https://example.org/2023/03/02/qissa-jadida/\""),
        "{english}"
    );
}

#[test]
fn an_edit_of_the_same_size_is_seen() {
    let site = fixture();
    let path = site.dir().join("content/world/story-06.md");
    let text = fs::read_to_string(&path).unwrap();
    let out = check_change(&site, |_| {
        fs::write(&path, text.replace("one of story", "ONE of story")).unwrap();
    });
    assert!(!out.contains("(0 of "), "{out}");
}

#[test]
fn adding_an_article_matches_a_clean_build() {
    let site = fixture();
    check_change(&site, |s| {
        s.article(
            "business/new.md",
            "title = \"Breaking\"\ndate = 2023-02-10T12:00:00Z\ntags = [\"Oil\", \"New Tag\"]\nsources = [\"Reuters\"]",
            "Just in.",
        );
    });
}

/// Numbered from the oldest, a new article leaves every full page as it was: the day's
/// articles rewrite the front pages of their listings, not the whole archive.
#[test]
fn adding_the_newest_article_keeps_full_pages_numbered_from_the_oldest() {
    let site = fixture();
    site.write("site.toml", &format!("{CONFIG}page_numbers = \"oldest\"\n"));
    site.build_ok();
    let before = snapshot(&site.out());
    check_change(&site, |s| {
        s.article(
            "world/newest.md",
            "title = \"Newest\"\ndate = 2023-04-01T10:00:00Z\ntags = [\"Iraq\"]",
            "Today.",
        );
    });
    let after = snapshot(&site.out());
    // `sections/world/page/2/index.html` -> (`sections/world/`, 2).
    let page_of = |rel: &str| {
        let (base, rest) = rel.split_once("page/")?;
        let n: usize = rest.strip_suffix("/index.html")?.parse().ok()?;
        Some((base.to_string(), n))
    };
    let mut newest: BTreeMap<String, usize> = BTreeMap::new();
    for (base, n) in after.keys().filter_map(|rel| page_of(rel)) {
        let top = newest.entry(base).or_default();
        *top = (*top).max(n);
    }
    let mut kept = 0;
    for rel in before.keys() {
        let Some((base, n)) = page_of(rel) else {
            continue;
        };
        // Only the pages next to the newest link to it, once a new page is full.
        if n + 2 < newest[&base] || after[rel] == before[rel] {
            assert!(after[rel] == before[rel], "{rel} changed");
            kept += 1;
        }
    }
    assert!(kept > 5, "{kept} numbered pages kept");
}

/// A body's link to another article's source file leads to that article's page: when
/// the linked article moves (a new date), is removed or comes back, the page linking it,
/// unchanged itself, must follow as a clean build does.
#[test]
fn a_linked_article_moving_updates_the_page_linking_it() {
    let site = fixture();
    site.article(
        "world/linking.md",
        "title = \"Linking\"\ndate = 2023-03-20",
        "See [story 2](story-02.md#more) and [story 3](../business/story-03.md).",
    );
    let linking = "2023/03/20/linking/index.html";
    let story_2 = fs::read_to_string(site.dir().join("content/world/story-02.md")).unwrap();
    check_change(&site, |s| {
        fs::write(
            s.dir().join("content/world/story-02.md"),
            story_2.replace("2023-03-03T10:00:00Z", "2023-03-04T10:00:00Z"),
        )
        .unwrap();
    });
    let page = fs::read_to_string(site.out().join(linking)).unwrap();
    assert!(page.contains("href=\"../../04/story-2/#more\""), "{page}");
    check_change(&site, |s| {
        fs::remove_file(s.dir().join("content/business/story-03.md")).unwrap();
    });
    let page = fs::read_to_string(site.out().join(linking)).unwrap();
    assert!(page.contains("href=\"../business/story-03.md\""), "{page}");
    check_change(&site, |s| {
        s.article(
            "business/story-03.md",
            "title = \"Story 3\"\ndate = 2023-01-04T10:00:00Z",
            "Back.",
        );
    });
}

#[test]
fn deleting_an_article_matches_a_clean_build() {
    let site = fixture();
    check_change(&site, |s| {
        fs::remove_file(s.dir().join("content/business/story-07.md")).unwrap();
    });
}

#[test]
fn deleting_the_last_article_of_a_term_removes_its_pages() {
    let site = fixture();
    site.article(
        "world/lonely.md",
        "title = \"Lonely\"\ndate = 2023-01-20\ntags = [\"Rare\"]",
        "x",
    );
    check_change(&site, |s| {
        fs::remove_file(s.dir().join("content/world/lonely.md")).unwrap();
    });
    assert!(!site.out().join("tags/rare").exists());
}

/// Duplicate folding keeps what each body comes to in the cache: a copy edited into a
/// story of its own appears, and edited back it folds again.
#[test]
fn a_copy_edited_apart_and_back_matches_a_clean_build() {
    let site = fixture();
    let copy = "The council met on Tuesday and voted to close the old bridge to lorries from next month, citing cracks.";
    let other = "Fishermen say the season opened late this year, and the catch so far is half of last year's.";
    site.article(
        "world/copy-a.md",
        "title = \"Bridge closed\"\ndate = 2023-03-01",
        copy,
    );
    let copy_b = |s: &Site, body: &str| {
        s.article(
            "business/copy-b.md",
            "title = \"Lorries barred\"\ndate = 2023-03-02",
            body,
        );
    };
    copy_b(&site, copy);
    // The article pages of the two (at `.../bridge-closed/` and `.../lorries-barred/`).
    let stories = |s: &Site| {
        let files = snapshot(&s.out());
        ["bridge-closed/", "lorries-barred/"]
            .iter()
            .filter(|slug| files.keys().any(|k| k.contains(*slug)))
            .count()
    };
    site.build_ok();
    assert_eq!(stories(&site), 1, "the copy is folded");
    check_change(&site, |s| copy_b(s, other));
    assert_eq!(stories(&site), 2, "the edited copy is a story of its own");
    check_change(&site, |s| copy_b(s, copy));
    assert_eq!(stories(&site), 1, "the copy folds again");
}

#[test]
fn renaming_an_article_matches_a_clean_build() {
    let site = fixture();
    check_change(&site, |s| {
        fs::rename(
            s.dir().join("content/world/story-02.md"),
            s.dir().join("content/business/story-02-moved.md"),
        )
        .unwrap();
    });
}

#[test]
fn changing_a_template_matches_a_clean_build() {
    let site = fixture();
    site.write(
        "templates/base.html",
        "{% extends \"default/base.html\" %}{% block footer %}<p>One</p>{% endblock footer %}",
    );
    check_change(&site, |s| {
        s.write(
            "templates/base.html",
            "{% extends \"default/base.html\" %}{% block footer %}<p>Two</p>{% endblock footer %}",
        );
    });
    assert!(site.read("index.html").contains("<p>Two</p>"));
}

#[test]
fn changing_the_card_template_changes_every_listing() {
    let site = fixture();
    check_change(&site, |s| {
        s.write(
            "templates/card.html",
            "<p class=\"mine\">{{ article.title }}</p>",
        );
    });
    assert!(site.read("index.html").contains("<p class=\"mine\">"));
}

#[test]
fn changing_site_toml_matches_a_clean_build() {
    let site = fixture();
    check_change(&site, |s| {
        s.write("site.toml", &CONFIG.replace("per_page = 3", "per_page = 4"));
    });
    check_change(&site, |s| {
        s.write(
            "site.toml",
            &format!("{CONFIG}description = \"New line\"\n"),
        );
    });
}

#[test]
fn a_corrupt_or_missing_cache_means_a_full_build() {
    let site = fixture();
    let cache = site.dir().join(".broadsheet-cache/public");
    check_change(&site, |s| {
        let files = walkdir::WalkDir::new(&cache).into_iter().flatten();
        for entry in files.filter(|e| e.file_type().is_file()) {
            let bytes = fs::read(entry.path()).unwrap();
            // Keep the header, garble the rest.
            let cut = bytes.len().min(30);
            let mut garbled = bytes[..cut].to_vec();
            garbled.extend(std::iter::repeat_n(0xFF, 50));
            fs::write(entry.path(), garbled).unwrap();
        }
        change_story_03(s, "y");
    });
    check_change(&site, |s| {
        fs::remove_dir_all(&cache).unwrap();
        s.article(
            "world/story-05.md",
            "title = \"Changed too\"\ndate = 2023-01-06",
            "z",
        );
    });
}

/// The bodies files in the cache of `site`'s build into `public/`.
fn bodies_files(site: &Site) -> Vec<std::path::PathBuf> {
    let cache = site.dir().join(".broadsheet-cache/public");
    let entries = fs::read_dir(cache).into_iter().flatten().flatten();
    entries
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("texts-")
        })
        .collect()
}

/// Garbles every body in the cache's bodies files, keeping their length and tag.
fn damage_bodies(site: &Site) {
    let files = bodies_files(site);
    assert!(!files.is_empty(), "no bodies file");
    for path in files {
        let mut bytes = fs::read(&path).unwrap();
        bytes.iter_mut().skip(16).for_each(|b| *b = b'x');
        fs::write(&path, bytes).unwrap();
    }
}

/// Article bodies live in the cache's bodies files and are read back only by the pages
/// that are rendered: one damaged there must not end up on a page. The build notices,
/// drops the cache and builds again from the sources.
#[test]
fn bodies_damaged_in_the_cache_are_read_from_the_sources_again() {
    let site = fixture();
    // Files changed in the last two seconds are not remembered (they may change again
    // unseen).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.build_ok();
    let clean = clean_build(&site, "clean");
    damage_bodies(&site);
    // Without the old pages every article page is rendered, so every body is read.
    fs::remove_dir_all(site.out()).unwrap();
    let r = site.build_ok();
    assert!(r.stderr.contains("cache was damaged"), "{}", r.stderr);
    let page = fs::read_to_string(site.out().join("2023/01/07/story-6/index.html")).unwrap();
    assert!(
        page.contains("Paragraph two, with <em>emphasis</em>."),
        "{page}"
    );
    assert!(snapshot(&site.out()) == clean);

    // That build kept no bodies in the cache; the next one does (duplicate folding reads
    // them as soon as every file is parsed), and the one after reads them all back.
    for _ in 0..2 {
        fs::remove_dir_all(site.out()).unwrap();
        let r = site.build_ok();
        assert!(!r.stderr.contains("damaged"), "{}", r.stderr);
        assert!(snapshot(&site.out()) == clean);
    }

    // A build that stops early (on a broken template) may have read bodies all the same:
    // a new file changes its run of the related lists' words, which are worked out again
    // from every body of the run, and duplicate folding compares the bodies of two
    // articles of one title and day. It drops the cache too, with whatever it derived
    // from them.
    damage_bodies(&site);
    site.article(
        "world/story-06-again.md",
        "title = \"Story 6\"\ndate = 2023-01-07T10:00:00Z",
        "Another story under the same headline.",
    );
    site.write("templates/card.html", "{% if %}");
    let r = site.build(&[]);
    assert!(!r.ok);
    assert!(r.stderr.contains("cache was damaged"), "{}", r.stderr);
    assert!(bodies_files(&site).is_empty());
}

/// An archive whose search index has many term shards: made-up words, so that each
/// article brings terms of its own.
fn wordy_fixture() -> Site {
    // Few listing pages: the index is what is tested.
    let site =
        Site::new("title = \"Words\"\nbase_url = \"https://example.org/\"\nper_page = 500\n");
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut word = move || {
        const SYLLABLES: [&str; 12] = [
            "ka", "lo", "mi", "nu", "pe", "ra", "si", "to", "va", "ze", "bri", "dou",
        ];
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = 2 + (seed % 4) as usize;
        (0..n)
            .map(|k| SYLLABLES[((seed >> (8 * k)) % 12) as usize])
            .collect::<String>()
    };
    for i in 0..400 {
        let body: Vec<String> = (0..100).map(|_| word()).collect();
        site.article(
            &format!("world/w-{i:03}.md"),
            &format!(
                "title = \"{} {}\"\ndate = 2023-01-01T00:00:00Z\ntags = [\"T{}\"]\nslug = \"w{i}\"",
                word(),
                i,
                i % 5
            ),
            // A lead of its own, so that words added at the end stay out of the summary.
            &format!("Lead of story {i}.\n\n{}", body.join(" ")),
        );
    }
    site
}

/// Term shards and metadata chunks whose input did not change are kept from the previous
/// build rather than encoded again: after each kind of change the index must still be
/// the one a clean build makes, whatever shards moved, grew, shrank or were tampered with.
#[test]
fn the_search_index_matches_a_clean_build_after_each_change() {
    let site = wordy_fixture();
    site.build_ok();
    let shards = fs::read_dir(site.out().join("search/t")).unwrap().count();
    assert!(
        shards >= 4,
        "{shards} shards: the fixture should make several"
    );
    let mtime = |rel: &str| {
        fs::metadata(site.out().join(rel))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before: Vec<SystemTime> = (0..shards)
        .map(|n| mtime(&format!("search/t/{n}.bin")))
        .collect();
    // A new word in one article: the shard it falls in changes, the others stay.
    check_change(&site, |s| {
        let path = s.dir().join("content/world/w-007.md");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{text} quokka\n")).unwrap();
    });
    let kept = (0..shards)
        .filter(|n| mtime(&format!("search/t/{n}.bin")) == before[*n])
        .count();
    assert!(kept * 2 >= shards, "only {kept} of {shards} shards kept");
    // New words in one article, some of its old ones gone.
    check_change(&site, |s| {
        s.article(
            "world/w-009.md",
            "title = \"Revised\"\ndate = 2023-01-01T00:00:00Z",
            "zzyzx quokka kalomi",
        );
    });
    // The newest article, then one deleted: ids shift.
    check_change(&site, |s| {
        s.article(
            "world/zz-newest.md",
            "title = \"Newest\"\ndate = 2024-01-01T00:00:00Z",
            "aardvark kalomi zebu",
        );
    });
    check_change(&site, |s| {
        fs::remove_file(s.dir().join("content/world/w-100.md")).unwrap();
    });
    // The shard list a rebuild takes its hints from, and a shard, edited by hand.
    check_change(&site, |s| {
        let meta = s.out().join("search/meta.json");
        let text = fs::read_to_string(&meta).unwrap();
        fs::write(&meta, text.replacen("\"shards\":[\"", "\"shards\":[\"b", 1)).unwrap();
        fs::write(s.out().join("search/t/1.bin"), b"tampered").unwrap();
        s.article(
            "world/w-008.md",
            "title = \"Again\"\ndate = 2023-01-01T00:00:00Z",
            "quokka",
        );
    });
}

#[test]
fn files_edited_in_the_output_are_put_right() {
    let site = fixture();
    site.build_ok();
    fs::write(site.out().join("index.html"), "tampered").unwrap();
    fs::remove_file(site.out().join("tags/oil/index.html")).unwrap();
    site.build_ok();
    assert!(snapshot(&site.out()) == clean_build(&site, "clean"));
}

/// The output folder is the site: a file put there by other means goes at the next build
/// that has work to do, with or without the cache, but a deployed site's `.git/` and the
/// paths of `keep_files` stay (a build that lost its cache once emptied `.git/`).
#[test]
fn stray_files_go_but_hidden_and_kept_ones_stay() {
    let site = fixture();
    let mut toml = fs::read_to_string(site.dir().join("site.toml")).unwrap();
    toml.push_str("keep_files = [\"CNAME\", \"/verify/\"]\n");
    fs::write(site.dir().join("site.toml"), toml).unwrap();
    site.build_ok();
    let put = |rel: &str| {
        let path = site.out().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, rel).unwrap();
    };
    let (strays, kept) = (
        ["stray.html", "tags/oil/old.html", "gone/deep/x.txt"],
        [
            ".git/HEAD",
            ".git/objects/ab/cd",
            "CNAME",
            "verify/google.html",
        ],
    );
    let cache = site.dir().join(".broadsheet-cache/public");
    // A hidden file the site published itself goes when `static/` drops it, cache or not.
    site.write("static/.well-known/security.txt", "Contact: x");
    site.build_ok();
    fs::remove_dir_all(site.dir().join("static")).unwrap();
    fs::remove_dir_all(&cache).unwrap();
    site.build_ok();
    assert!(!site.out().join(".well-known").exists());
    for without_cache in [false, true] {
        strays.iter().chain(&kept).for_each(|rel| put(rel));
        if without_cache {
            fs::remove_dir_all(&cache).unwrap();
        }
        change_story_03(&site, "y");
        site.build_ok();
        for rel in strays {
            assert!(!site.out().join(rel).exists(), "{rel} stayed");
        }
        assert!(!site.out().join("gone").exists());
        for rel in kept {
            assert_eq!(site.read(rel), rel, "{rel}");
        }
    }
    let mut site_files = snapshot(&site.out());
    for rel in kept {
        site_files.remove(rel);
    }
    assert!(site_files == clean_build(&site, "clean"));
}

#[test]
fn keep_files_must_stay_inside_the_output() {
    for (entry, said) in [
        ("../elsewhere", "is not a path inside the output folder"),
        ("*.txt", "is a pattern"),
    ] {
        let site = Site::new(&format!(
            "title = \"T\"\nkeep_files = [\"./CNAME\", \"{entry}\"]\n"
        ));
        let r = site.build(&[]);
        assert!(!r.ok);
        assert!(
            r.stderr.contains("site.toml:2")
                && r.stderr.contains(&format!("keep_files: '{entry}' {said}")),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn two_clean_builds_are_identical() {
    let site = fixture();
    let a = clean_build(&site, "first");
    let b = clean_build(&site, "second");
    assert!(a.len() > 20);
    assert!(a == b, "two clean builds differ");
}

/// Builds `site` through the library, as the CLI does.
fn lib_build(site: &Site, strict: bool) -> broadsheet::build::BuildReport {
    broadsheet::build::build(&broadsheet::build::BuildOptions {
        site_dir: site.dir().to_path_buf(),
        strict,
        ..Default::default()
    })
}

/// True when the build found nothing to do (its only stage).
fn did_nothing(r: &broadsheet::build::BuildReport) -> bool {
    r.timings.len() == 1 && r.timings[0].stage == "unchanged"
}

#[test]
fn a_rebuild_with_nothing_changed_repeats_the_report_without_reading_anything() {
    let site = fixture();
    // A warning and a skipped file, which the quick path must report again.
    site.write("content/world/empty.txt", "");
    site.write("content/.notes.md", "private");
    site.write("static/robots-extra.txt", "x");
    // Every file was just written: the stamp also holds their content, since their
    // times alone cannot be trusted so soon after an edit.
    let full = lib_build(&site, false);
    assert!(
        full.success && !did_nothing(&full),
        "{:?}",
        full.outcome.diagnostics
    );
    assert!(full.outcome.warnings() > 0 && !full.outcome.skipped.is_empty());
    let times = mtimes(&site.out());

    let quick = lib_build(&site, false);
    assert!(did_nothing(&quick), "{:?}", quick.timings);
    assert!(quick.success);
    assert_eq!(quick.outcome, full.outcome);
    assert_eq!(quick.files_changed, 0);
    assert_eq!(mtimes(&site.out()), times);
    // Strict builds fail on the repeated warnings, as on the first ones.
    let strict = lib_build(&site, true);
    assert!(did_nothing(&strict) && !strict.success);

    // A tampered or deleted output file is put right by a full build.
    fs::write(site.out().join("index.html"), "tampered").unwrap();
    let repair = lib_build(&site, false);
    assert!(repair.success && !did_nothing(&repair));
    assert!(snapshot(&site.out()) == clean_build(&site, "clean"));
    fs::remove_file(site.out().join("robots-extra.txt")).unwrap();
    assert!(!did_nothing(&lib_build(&site, false)));
    assert_eq!(site.read("robots-extra.txt"), "x");
    // A changed static file is copied again.
    site.write("static/robots-extra.txt", "y");
    assert!(!did_nothing(&lib_build(&site, false)));
    assert_eq!(site.read("robots-extra.txt"), "y");
    assert!(did_nothing(&lib_build(&site, false)));

    // An edit is seen, even one that keeps the size.
    let path = site.dir().join("content/world/story-06.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("one of story", "ONE of story")).unwrap();
    let edited = lib_build(&site, false);
    assert!(edited.success && !did_nothing(&edited));
    assert!(site
        .read("2023/01/07/story-6/index.html")
        .contains("ONE of story"));
    assert!(did_nothing(&lib_build(&site, false)));
    // A template change too.
    site.write("templates/article.html", "{{ article.title }}");
    let themed = lib_build(&site, false);
    assert!(themed.success && !did_nothing(&themed));
    assert_eq!(site.read("2023/01/07/story-6/index.html"), "Story 6");
    // Later, the files stamped by content are still compared by content.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(did_nothing(&lib_build(&site, false)));
    // A template that asks for the time is never taken as unchanged.
    site.write("templates/article.html", "{{ now() | date }}");
    assert!(!did_nothing(&lib_build(&site, false)));
    assert!(!did_nothing(&lib_build(&site, false)));
}

/// Replaces the first `from` in the site's file at `rel` with `to`.
fn replace_in(site: &Site, rel: &str, from: &str, to: &str) {
    let path = site.dir().join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} does not hold {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// A rebuild tells most pages unchanged from what they are made of, without building
/// their contexts (see `render::pages`): after an edit of one article, only the pages
/// that show it build theirs, and the site is still a clean build's.
#[test]
fn an_edit_builds_only_the_contexts_of_the_pages_showing_the_article() {
    let site = fixture();
    let full = lib_build(&site, false);
    assert!(full.success);
    let pages = full.outcome.pages;
    assert_eq!(full.contexts_built, pages);
    // Words past the summary, as many as before: only the article's own page shows them.
    let rel = "content/world/story-04.md";
    replace_in(&site, rel, "with *emphasis*", "with *stress*");
    let r = lib_build(&site, false);
    assert!(r.success);
    assert_eq!(r.contexts_built, 1);
    assert!(snapshot(&site.out()) == clean_build(&site, "clean"));
    // A word more changes its card (the word count): the pages showing it build theirs.
    replace_in(&site, rel, "with *stress*", "with *some stress*");
    let r = lib_build(&site, false);
    assert!(r.success);
    assert!(
        r.contexts_built > 1 && r.contexts_built * 2 < pages,
        "{} of {pages}",
        r.contexts_built
    );
    assert!(snapshot(&site.out()) == clean_build(&site, "clean"));
}

/// An article added between others, then deleted: every index after it moves, but only
/// the pages that show it or its neighbours, and the listing pages it shifts, build
/// their contexts. Each rebuild gives a clean build's site.
#[test]
fn an_added_or_deleted_article_builds_only_the_contexts_of_the_pages_it_changes() {
    let site = fixture();
    site.write("site.toml", &format!("{CONFIG}page_numbers = \"oldest\"\n"));
    let full = lib_build(&site, false);
    assert!(full.success);
    let added = "content/business/added.md";
    site.article(
        "business/added.md",
        "title = \"Added\"\ndate = 2023-02-20T10:00:00Z\ntags = [\"Oil\"]\nsources = [\"AP\"]",
        "Added text.",
    );
    for step in ["added", "deleted"] {
        let r = lib_build(&site, false);
        assert!(r.success);
        assert!(
            r.contexts_built > 0 && r.contexts_built * 2 < r.outcome.pages,
            "{step}: {} of {}",
            r.contexts_built,
            r.outcome.pages
        );
        assert!(
            snapshot(&site.out()) == clean_build(&site, "clean"),
            "after the article was {step}"
        );
        if step == "added" {
            fs::remove_file(site.dir().join(added)).unwrap();
        }
    }
}

/// Each article's card changed in turn, its URL kept (a new title under its slug): each
/// rebuild builds the contexts of the pages showing that article only, and must give a
/// clean build's site (its neighbours, listings and related lists show the new title).
#[test]
fn each_article_retitled_under_its_slug_matches_a_clean_build() {
    let site = fixture();
    assert!(lib_build(&site, false).success);
    for i in 0..14 {
        let section = ["world", "business"][i % 2];
        let rel = format!("content/{section}/story-{i:02}.md");
        let title = format!("title = \"Story {i}\"");
        let retitled = format!("title = \"Story {i}, revised\"\nslug = \"story-{i}\"");
        replace_in(&site, &rel, &title, &retitled);
        let r = lib_build(&site, false);
        assert!(r.success);
        assert!(
            r.contexts_built * 2 < r.outcome.pages,
            "story {i}: {} of {}",
            r.contexts_built,
            r.outcome.pages
        );
        assert!(
            snapshot(&site.out()) == clean_build(&site, "clean"),
            "after retitling story {i}"
        );
    }
}

/// The fixture with Story 1 in Arabic too (`world/story-ar.md`, under its own slug).
fn translated_fixture() -> Site {
    let site = fixture();
    site.article(
        "world/story-ar.md",
        "title = \"Qissa\"\nslug = \"qissa\"\ndate = 2023-03-02\nlang = \"ar\"\ntranslationKey = \"s1\"",
        "Nass.",
    );
    replace_in(
        &site,
        "content/business/story-01.md",
        "+++\n\n",
        "translationKey = \"s1\"\n+++\n\n",
    );
    site
}

/// A translation's language changed, its URL kept: the page of its other language
/// names the language (`hreflang`), and must build its context again.
#[test]
fn a_translation_changing_language_updates_the_other_language() {
    let site = translated_fixture();
    check_change(&site, |s| {
        replace_in(s, "content/world/story-ar.md", "\"ar\"", "\"de\"");
    });
    let english = site.read("2023/02/02/story-1/index.html");
    assert!(english.contains("hreflang=\"de\""), "{english}");
}

/// What any page may show changes without any article's card changing: a translation
/// leaving its group (the other language's page loses its link), and a site icon added
/// under `static/` (every page links it). Each rebuild must still give a clean build's
/// site.
#[test]
fn changes_every_page_may_show_match_a_clean_build() {
    let site = translated_fixture();
    check_change(&site, |s| {
        replace_in(
            s,
            "content/world/story-ar.md",
            "\ntranslationKey = \"s1\"",
            "",
        );
    });
    assert!(!site
        .read("2023/02/02/story-1/index.html")
        .contains("hreflang=\"ar\""));
    check_change(&site, |s| {
        s.write("static/favicon.ico", "icon");
    });
    assert!(site.read("index.html").contains("/favicon.ico"));
}

/// Every page template replaced by a dump of its whole context (`{{ __tera_context }}`):
/// a page kept by its recipe (see `render::pages`) while anything in its context changed
/// would differ from a clean build. Templates of the site's own get full contexts, so
/// this checks all a template may read, not only what the built-in ones print.
fn dump_templates(site: &Site) {
    for t in [
        "article.html",
        "list.html",
        "index.html",
        "terms.html",
        "archive.html",
        "search.html",
    ] {
        site.write(&format!("templates/{t}"), "{{ __tera_context }}");
    }
}

/// A slug taken twice, a term's spelling outvoted, undated articles added and removed, an
/// article made undated, a date moved across months, the oldest article deleted: each
/// rebuilt incrementally must give a clean build's site.
fn changes_of_every_kind(site: &Site) {
    // a slug collision with an existing article on the same day
    check_change(site, |s| {
        s.article(
            "business/dup.md",
            "title = \"Story 4\"\ndate = 2023-02-05T12:00:00Z\ntags = [\"Oil\"]",
            "Dup.",
        );
    });
    // display-name choice: "oil" spelled lower case by more articles
    check_change(site, |s| {
        for n in 0..4 {
            s.article(
                &format!("world/lower-{n}.md"),
                &format!("title = \"Lower {n}\"\ndate = 2023-01-2{n}T10:00:00Z\ntags = [\"oil\"]"),
                "x",
            );
        }
    });
    // undated added, then removed
    check_change(site, |s| {
        s.write(
            "content/world/undated-a.txt",
            "Undated A\n\nIt has no date.\n",
        );
    });
    check_change(site, |s| {
        s.write(
            "content/world/undated-b.txt",
            "Undated B\n\nNo date either.\n",
        );
    });
    check_change(site, |s| {
        fs::remove_file(s.dir().join("content/world/undated-a.txt")).unwrap();
    });
    // an article made undated
    check_change(site, |s| {
        fs::remove_file(s.dir().join("content/world/story-10.md")).unwrap();
        s.write("content/world/story-10.txt", "Story 10\n\nNow undated.\n");
    });
    // a date moved across months
    check_change(site, |s| {
        replace_in(s, "content/world/story-08.md", "2023-03-09", "2023-01-30");
    });
    // deleting the oldest dated
    check_change(site, |s| {
        fs::remove_file(s.dir().join("content/world/story-00.md")).unwrap();
    });
}

#[test]
fn whole_contexts_match_a_clean_build_after_changes_of_every_kind() {
    for numbering in ["", "page_numbers = \"oldest\"\n"] {
        for dumped in [false, true] {
            let site = fixture();
            site.write("site.toml", &format!("{CONFIG}{numbering}"));
            if dumped {
                dump_templates(&site);
            }
            changes_of_every_kind(&site);
        }
    }
}

/// A language joining a translation group, a newer copy taking a language's place and
/// leaving, a translation's URL moving.
fn translation_changes(site: &Site) {
    // a third language joins
    check_change(site, |s| {
        s.article("world/story-fr.md", "title = \"Histoire\"\nslug = \"histoire\"\ndate = 2023-03-05\nlang = \"fr\"\ntranslationKey = \"s1\"", "Texte.");
    });
    // a newer Arabic copy takes the group's Arabic place
    check_change(site, |s| {
        s.article("world/story-ar2.md", "title = \"Qissa 2\"\nslug = \"qissa-2\"\ndate = 2023-03-06\nlang = \"ar\"\ntranslationKey = \"s1\"", "Nass 2.");
    });
    // and goes
    check_change(site, |s| {
        fs::remove_file(s.dir().join("content/world/story-ar2.md")).unwrap();
    });
    // the English one leaves its date (a new URL); a site-language copy made undated
    check_change(site, |s| {
        replace_in(
            s,
            "content/business/story-01.md",
            "2023-02-02",
            "2023-02-03",
        );
    });
}

#[test]
fn whole_contexts_match_a_clean_build_after_translation_changes() {
    for dumped in [false, true] {
        let site = translated_fixture();
        if dumped {
            dump_templates(&site);
        }
        translation_changes(&site);
    }
}

/// Once the output's folders have settled (changed longer ago than a clock tick could
/// hide), a rebuild reads only the folders whose stamps changed and trusts the others to
/// hold what they held: a stray put in any folder (one with its times set back too), a
/// file edited in place or removed by hand, are all still noticed.
#[test]
fn hand_changes_are_noticed_in_folders_trusted_by_their_stamps() {
    let site = fixture();
    site.build_ok();
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    settle();
    // This rebuild reads every folder and records their stamps.
    change_story_03(&site, "y");
    site.build_ok();
    settle();
    let out = site.out();
    fs::write(out.join("2023/01/10/story-9/stray.html"), "stray").unwrap();
    fs::write(out.join("2023/01/07/story-6/index.html"), "edited in place").unwrap();
    fs::remove_file(out.join("2023/03/06/story-5/index.html")).unwrap();
    let day = out.join("2023/01/10");
    let times = fs::metadata(&day).unwrap();
    fs::write(day.join("old.html"), "stray").unwrap();
    fs::File::open(&day)
        .unwrap()
        .set_times(fs::FileTimes::new().set_modified(times.modified().unwrap()))
        .unwrap();
    change_story_03(&site, "z");
    site.build_ok();
    for stray in ["2023/01/10/story-9/stray.html", "2023/01/10/old.html"] {
        assert!(!out.join(stray).exists(), "{stray} stayed");
    }
    assert!(snapshot(&out) == clean_build(&site, "clean"));
}

/// An output folder that is a link to the site's real place is surveyed through the
/// link: strays go, and unchanged files are kept, not rewritten.
#[cfg(unix)]
#[test]
fn an_output_folder_reached_through_a_link_is_surveyed() {
    let site = fixture();
    let real = site.dir().join("real");
    fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, site.out()).unwrap();
    site.build_ok();
    for stray in ["stray.html", "2023/stray.html"] {
        fs::write(real.join(stray), "stray").unwrap();
    }
    check_change(&site, |s| {
        change_story_03(s, "y");
    });
    for stray in ["stray.html", "2023/stray.html"] {
        assert!(!real.join(stray).exists(), "{stray} stayed");
    }
}

/// A file kept by `keep_files` in a folder of its own goes once `keep_files` no longer
/// names it, however long its folder stayed as it was.
#[test]
fn a_kept_file_goes_once_no_longer_kept_though_its_folder_settled() {
    let site = fixture();
    let config = fs::read_to_string(site.dir().join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!("{config}keep_files = [\"verify/\"]\n"),
    );
    site.build_ok();
    let kept = site.out().join("verify/sub/v.html");
    fs::create_dir_all(kept.parent().unwrap()).unwrap();
    fs::write(&kept, "kept").unwrap();
    let settle = || std::thread::sleep(std::time::Duration::from_millis(2100));
    for body in ["y", "z"] {
        settle();
        change_story_03(&site, body);
        site.build_ok();
        assert!(kept.exists());
    }
    site.write("site.toml", &config);
    site.build_ok();
    assert!(!site.out().join("verify").exists());
    assert!(snapshot(&site.out()) == clean_build(&site, "clean"));
}

/// Edits an output file by hand once the build has looked at the output (as rendering
/// starts).
struct HandEdit<'a>(&'a Path);

impl broadsheet::build::Observer for HandEdit<'_> {
    fn pages(&self, _total: usize) {
        fs::write(self.0, "defaced by hand, longer than before\n").unwrap();
    }
}

/// A file edited by hand while a build runs (after the build looked at the output,
/// before it found the file's bytes unchanged) is still noticed by the next build: it
/// is recorded as the build found it, not as it is after the edit.
#[test]
fn a_file_edited_by_hand_during_a_build_is_restored_by_a_later_one() {
    let site = fixture();
    site.write("static/extra.txt", "original\n");
    site.build_ok();
    site.article("world/b.md", "title = \"B\"\ndate = 2023-03-08", "y");
    let target = site.out().join("extra.txt");
    let r = broadsheet::build::build_observed(
        &broadsheet::build::BuildOptions {
            site_dir: site.dir().to_path_buf(),
            ..Default::default()
        },
        &HandEdit(&target),
    );
    assert!(r.success);
    site.article("world/c.md", "title = \"C\"\ndate = 2023-03-09", "z");
    assert!(lib_build(&site, false).success);
    assert_eq!(fs::read_to_string(&target).unwrap(), "original\n");
}

/// A config warning (`timezone = "EST"`) moving to another line, as a comment is added
/// above it, keeps the cache: warnings are no part of its fingerprint.
#[test]
fn a_config_warning_moving_line_keeps_the_cache() {
    let site = fixture();
    site.write("site.toml", &format!("{CONFIG}timezone = \"EST\"\n"));
    assert!(lib_build(&site, false).success);
    site.write(
        "site.toml",
        &format!("# a comment\n{CONFIG}timezone = \"EST\"\n"),
    );
    replace_in(
        &site,
        "content/world/story-04.md",
        "with *emphasis*",
        "with *stress*",
    );
    let r = lib_build(&site, false);
    assert!(r.success);
    assert_eq!(r.contexts_built, 1, "of {}", r.outcome.pages);
}
