//! Fixture sites in temporary folders, the built binary, and HTML inspection.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site folder in a temporary directory.
pub struct Site {
    pub tmp: tempfile::TempDir,
}

impl Site {
    /// A site with this `site.toml`.
    pub fn new(site_toml: &str) -> Site {
        let tmp = tempfile::tempdir().expect("tempdir");
        let site = Site { tmp };
        site.write("site.toml", site_toml);
        site
    }

    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn out(&self) -> PathBuf {
        self.dir().join("public")
    }

    /// Writes a file under the site folder, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.dir().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Writes `content/{rel}` as a Markdown article.
    pub fn article(&self, rel: &str, front_matter: &str, body: &str) -> &Self {
        self.write(
            &format!("content/{rel}"),
            &format!("+++\n{front_matter}\n+++\n\n{body}\n"),
        )
    }

    /// Runs `broadsheet build --root SITE` with extra args.
    pub fn build(&self, args: &[&str]) -> Run {
        run(&[&["build", "--root", self.dir().to_str().unwrap()], args].concat())
    }

    /// Builds and insists it worked.
    pub fn build_ok(&self) -> Run {
        let r = self.build(&[]);
        assert!(r.ok, "build failed:\n{}\n{}", r.stdout, r.stderr);
        r
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

/// The outcome of one run of the binary.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run broadsheet");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir` (relative path) with what `f` makes of it.
pub fn files_with<T>(dir: &Path, f: impl Fn(&walkdir::DirEntry) -> T) -> BTreeMap<String, T> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, f(&e))
        })
        .collect()
}

/// Every file under `dir`, relative, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_with(dir, |e| fs::read(e.path()).unwrap())
}

/// Builds the repository's demo archive into `out`.
pub fn build_demo(out: &Path) -> Run {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    run(&[
        "build",
        "--root",
        repo.to_str().unwrap(),
        "--output-dir",
        out.to_str().unwrap(),
    ])
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel).collect()
}

pub fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The file an internal URL points to, or `None` for external links.
pub fn target_file(out: &Path, base_path: &str, from_file: &Path, url: &str) -> Option<PathBuf> {
    if url.contains("://")
        || url.starts_with("//")
        || url.starts_with("mailto:")
        || url.starts_with('#')
        || url.starts_with("data:")
    {
        return None;
    }
    // Decoded, as a server finds the file (`my%20photo.jpg` is `my photo.jpg`).
    let path = url.split(['#', '?']).next().unwrap();
    let path = &*percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut target = if let Some(rest) = path.strip_prefix('/') {
        let under_base = format!("/{rest}");
        let rel = under_base
            .strip_prefix(base_path)
            .unwrap_or_else(|| panic!("{url} is outside base path {base_path}"));
        out.join(rel)
    } else {
        from_file.parent().unwrap().join(path)
    };
    if path.ends_with('/') || path.is_empty() {
        target = target.join("index.html");
    }
    Some(target)
}

/// Every `href`/`src` in every HTML file under `out`; panics listing the broken ones.
/// Returns the number of internal links checked.
pub fn assert_links_resolve(out: &Path, base_path: &str) -> usize {
    let sel = Selector::parse("[href], [src]").unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let doc = Html::parse_document(&fs::read_to_string(entry.path()).unwrap());
        for el in doc.select(&sel) {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if let Some(file) = target_file(out, base_path, entry.path(), url) {
                checked += 1;
                if !file.is_file() {
                    broken.push(format!("{} -> {url}", entry.path().display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    checked
}

/// Files reachable by following links from `out/index.html`.
pub fn reachable(out: &Path, base_path: &str) -> BTreeSet<PathBuf> {
    let sel = Selector::parse("a[href]").unwrap();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([out.join("index.html")]);
    while let Some(file) = queue.pop_front() {
        if !seen.insert(file.clone()) || file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let doc = Html::parse_document(&text);
        for el in doc.select(&sel) {
            if let Some(t) = target_file(out, base_path, &file, el.value().attr("href").unwrap()) {
                if !seen.contains(&t) {
                    queue.push_back(t);
                }
            }
        }
    }
    seen
}

/// Front matter for a dated article.
pub fn fm(title: &str, date: &str) -> String {
    format!("title = {title:?}\ndate = {date:?}")
}

/// Writes `world/soon.md` ("Soon gone", 2023-03-08), whose expiryDate comes `seconds`
/// from now, and `world/kept.md` ("Kept", 2023-03-09), which never expires; returns when
/// the first expires.
pub fn expiring_articles(site: &Site, seconds: i64) -> chrono::DateTime<chrono::Utc> {
    let soon = chrono::Utc::now() + chrono::Duration::seconds(seconds);
    site.article(
        "world/soon.md",
        &format!(
            "title = \"Soon gone\"\ndate = 2023-03-08\nexpiryDate = {}",
            soon.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        "Licensed a little longer.",
    );
    site.article("world/kept.md", &fm("Kept", "2023-03-09"), "For good.");
    soon
}
