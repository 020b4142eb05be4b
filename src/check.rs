//! Checks a built site: every internal link and `#anchor` must point at something that
//! exists, and no id may be on two elements of a page (a link would reach only the first).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use scraper::{Html, Selector};
use walkdir::WalkDir;

use crate::build::{self, BuildOptions, BuildReport};
use crate::diagnostics::{slash_path, Diagnostic};

/// One link that points nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page holding the link, site-relative (`2023/03/07/x/index.html`).
    pub page: String,
    /// The link as written.
    pub url: String,
    /// Why it is broken.
    pub reason: String,
    /// The article file the page was made from, when it is an article page.
    pub source: Option<PathBuf>,
}

/// What `broadsheet check` found.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    /// The build into the scratch folder (its diagnostics are the input problems).
    pub report: BuildReport,
    /// Every broken internal link or anchor, by page.
    pub broken: Vec<BrokenLink>,
}

/// A scratch folder of `check` or `serve`, deleted when dropped. It holds a lock for as
/// long as its process runs, which is how a later run tells a folder left behind from
/// one in use (process ids alone cannot: a process in another PID namespace, such as a
/// container sharing /tmp, looks dead).
pub(crate) struct Scratch {
    dir: tempfile::TempDir,
    _lock: std::fs::File,
}

impl Scratch {
    pub(crate) fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// The lock file in a scratch folder.
const LOCK: &str = ".lock";

/// A scratch folder in the system's temporary folder, `broadsheet-KIND-PID-...`, deleted
/// when dropped, and on Ctrl+C, SIGTERM or SIGHUP too (which end the process without
/// running destructors; it then exits with `exit_code`). Folders of this user left by
/// runs killed outright (SIGKILL gives no chance to clean up) are removed first: a day of
/// interrupted checks and previews would otherwise fill /tmp with scratch sites.
pub(crate) fn scratch_folder(kind: &str, exit_code: i32) -> std::io::Result<Scratch> {
    let prefix = format!("broadsheet-{kind}-");
    if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
        for entry in entries.flatten() {
            let ours = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix));
            if ours && left_behind(&entry.path()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir()?;
    let lock = std::fs::File::create(dir.path().join(LOCK))?;
    lock.lock()?;
    let path = dir.path().to_path_buf();
    // One handler per process; a second scratch folder of the same run (tests) relies
    // on its drop.
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&path);
        std::process::exit(exit_code);
    });
    Ok(Scratch { dir, _lock: lock })
}

/// Whether a scratch folder was left by a run that is gone: a folder of this user whose
/// lock nobody holds. A folder without a lock file is another version's, or one being
/// made this instant: it is left alone unless it is a day old.
fn left_behind(path: &std::path::Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    if !meta.is_dir() || meta.uid() != unsafe { libc::geteuid() } {
        return false;
    }
    match std::fs::File::open(path.join(LOCK)) {
        Ok(lock) => lock.try_lock().is_ok(),
        Err(_) => meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 24 * 3600),
    }
}

/// Builds the site into a scratch folder that is deleted afterwards (nothing is
/// published) and checks every internal link and anchor in it. The build's report
/// holds the ingest report ([`BuildReport::ingest`]), so the content is read once.
pub fn check_site(opts: &BuildOptions) -> CheckOutcome {
    let scratch = match scratch_folder("check", 130) {
        Ok(dir) => dir,
        Err(e) => {
            let mut report = BuildReport::default();
            report.outcome.diagnostics.push(Diagnostic::error(
                &opts.site_dir,
                None,
                format!("cannot make a scratch folder: {e}"),
            ));
            return CheckOutcome {
                report,
                broken: Vec::new(),
            };
        }
    };
    let out = scratch.path().join("site");
    let opts = BuildOptions {
        output_dir: Some(out.clone()),
        record_sources: true,
        ingest_report: true,
        ..opts.clone()
    };
    let report = build::build(&opts);
    if !report.success {
        return CheckOutcome {
            report,
            broken: Vec::new(),
        };
    }
    let base_path = build::load_config(&opts)
        .map(|c| c.base_path)
        .unwrap_or_else(|_| "/".into());
    let sources: HashMap<String, &PathBuf> = report
        .sources
        .iter()
        .map(|(url, path)| (crate::archive::urls::page_file(url), path))
        .collect();
    // A link to an article left out of this build is broken for a reason worth giving:
    // it names the article and how to build with it.
    let note =
        |w: &crate::build::WithheldPage| format!("links to {}, which {}", w.place, w.why.explain());
    let withheld: HashMap<String, String> = report
        .withheld
        .iter()
        .flat_map(|w| {
            let note = note(w);
            // Its old addresses' redirect pages are left out with it.
            let redirects = w
                .aliases
                .iter()
                .map(|alias| crate::archive::urls::redirect_file(alias));
            std::iter::once(crate::archive::urls::page_file(&w.url))
                .chain(redirects)
                .map(move |file| (file, note.clone()))
        })
        .collect();
    let mut broken = find_broken(&out, &base_path, &withheld);
    // A link to a source file (`b.md`) whose article is left out stays as written: it
    // names the article and how to build with it too.
    let withheld_files: HashMap<&str, String> = report
        .withheld
        .iter()
        .map(|w| (w.place.as_str(), note(w)))
        .collect();
    for link in &mut broken {
        link.source = sources.get(&link.page).map(|p| p.to_path_buf());
        let note = link
            .source
            .as_deref()
            .and_then(|from| source_link_target(&link.url, from))
            .and_then(|file| withheld_files.get(file.as_str()));
        if let Some(note) = note {
            link.reason.clone_from(note);
        }
    }
    CheckOutcome { report, broken }
}

/// Every HTML page's ids, so anchors can be checked without parsing a page twice.
struct Page {
    rel: String,
    links: Vec<String>,
    ids: HashSet<String>,
    /// Ids on more than one element, and on how many.
    repeated: Vec<(String, usize)>,
}

/// Checks every `href` and `src` inside `out` (a built site whose URLs start with
/// `base_path`). External links are not fetched.
pub fn check_links(out: &Path, base_path: &str) -> Vec<BrokenLink> {
    find_broken(out, base_path, &HashMap::new())
}

/// [`check_links`], where a link to a file of `withheld` (site-relative file -> what
/// to say: the pages of articles left out of the build) gives that as its reason.
fn find_broken(out: &Path, base_path: &str, withheld: &HashMap<String, String>) -> Vec<BrokenLink> {
    let files: Vec<PathBuf> = WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let html: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "htm"))
        .collect();
    let link_sel = Selector::parse("[href], [src]").expect("valid selector");
    let id_sel = Selector::parse("[id], a[name]").expect("valid selector");
    let pages: Vec<Page> = html
        .par_iter()
        .filter_map(|path| {
            let text = fs::read_to_string(path).ok()?;
            let doc = Html::parse_document(&text);
            let links = doc
                .select(&link_sel)
                .filter(|el| {
                    el.value().name() != "link" || el.value().attr("rel") != Some("canonical")
                })
                .filter_map(|el| el.value().attr("href").or(el.value().attr("src")))
                .map(str::to_string)
                .collect();
            let mut ids = HashSet::new();
            let mut repeated: HashMap<String, usize> = HashMap::new();
            for el in doc.select(&id_sel) {
                if let Some(id) = el.value().attr("id") {
                    if !ids.insert(id.to_string()) {
                        *repeated.entry(id.to_string()).or_insert(1) += 1;
                    }
                } else if let Some(name) = el.value().attr("name") {
                    ids.insert(name.to_string());
                }
            }
            let mut repeated: Vec<(String, usize)> = repeated.into_iter().collect();
            repeated.sort();
            Some(Page {
                rel: slash_path(path, out),
                links,
                ids,
                repeated,
            })
        })
        .collect();
    let ids_of: HashMap<&str, &HashSet<String>> =
        pages.iter().map(|p| (p.rel.as_str(), &p.ids)).collect();
    let existing: HashSet<String> = files.iter().map(|p| slash_path(p, out)).collect();

    let mut broken: Vec<BrokenLink> = pages
        .par_iter()
        .flat_map_iter(|page| {
            let links = page.links.iter().filter_map(|url| {
                let reason = problem(url, &page.rel, base_path, &existing, &ids_of, withheld)?;
                Some(BrokenLink {
                    page: page.rel.clone(),
                    url: url.clone(),
                    reason,
                    source: None,
                })
            });
            let repeated = page.repeated.iter().map(|(id, n)| BrokenLink {
                page: page.rel.clone(),
                url: format!("#{id}"),
                reason: format!("id '{id}' is on {n} elements of the page, so a link to it reaches only the first; give each its own"),
                source: None,
            });
            links.chain(repeated)
        })
        .collect();
    broken.sort_by(|a, b| (&a.page, &a.url).cmp(&(&b.page, &b.url)));
    broken.dedup();
    broken
}

/// Why `url` on page `from` is broken, or `None` when it is fine or external.
fn problem(
    url: &str,
    from: &str,
    base_path: &str,
    existing: &HashSet<String>,
    ids_of: &HashMap<&str, &HashSet<String>>,
    withheld: &HashMap<String, String>,
) -> Option<String> {
    let url = url.trim();
    let external = url.contains("://") || url.starts_with("//");
    let scheme = url
        .split_once(':')
        .is_some_and(|(s, _)| !s.contains('/') && !s.contains('#'));
    if external || scheme || url.is_empty() {
        return None;
    }
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    // Pages write file names percent-encoded (`caf%C3%A9.gif`, `my%20photo.gif`) and
    // browsers decode them before asking for the file, so the files are looked up decoded.
    let Ok(path) = percent_decode_str(path).decode_utf8() else {
        return Some("its %-escapes do not decode to UTF-8 text".into());
    };
    let target = if path.is_empty() {
        from.to_string()
    } else if let Some(abs) = path.strip_prefix('/') {
        let abs = format!("/{abs}");
        // Compared decoded, like the path (a base URL may be written `/caf%C3%A9/`).
        let base = percent_decode_str(base_path).decode_utf8_lossy();
        match abs.strip_prefix(base.as_ref()) {
            Some(rel) => normalize(rel)?,
            None => return Some(format!("points outside the site's base path {base_path}")),
        }
    } else {
        let dir = from
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default();
        match normalize(&format!("{dir}{path}")) {
            Some(t) => t,
            None => return Some("climbs above the site root".into()),
        }
    };
    let target = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else {
        target
    };
    let target = if existing.contains(&target) {
        target
    } else if existing.contains(&format!("{target}/index.html")) {
        format!("{target}/index.html")
    } else {
        let note = withheld
            .get(&target)
            .or_else(|| withheld.get(&format!("{target}/index.html")));
        return Some(
            note.cloned()
                .unwrap_or_else(|| format!("no such file: {target}")),
        );
    };
    match fragment {
        Some(f) if !f.is_empty() => {
            let ids = ids_of.get(target.as_str())?;
            // Browsers try the fragment as written, then decoded (`#caf%C3%A9` finds `café`).
            let decoded = percent_decode_str(f).decode_utf8_lossy();
            (!ids.contains(f) && !ids.contains(decoded.as_ref()))
                .then(|| format!("no element with id '{decoded}' in {target}"))
        }
        _ => None,
    }
}

/// The content file a link to a Markdown source file (`b.md#part`, `../world/b.md`,
/// `/world/b.md`) names, from the article file `from` (`content/world/a.md`), as its
/// place is shown (`content/world/b.md`): read as the build reads such links.
fn source_link_target(url: &str, from: &Path) -> Option<String> {
    let path = crate::ingest::body::content_link(url)?;
    let rel = slash_path(from, Path::new("content"));
    let file = crate::archive::links::content_file(crate::article::folder_of(&rel), path)?;
    Some(format!("content/{file}"))
}

/// Resolves `.` and `..` in a site-relative path; `None` if it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_on_two_elements() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(
            out.join("index.html"),
            r#"<h2 id="a">A</h2><p id="a">again</p><a name="b"></a><a name="b"></a><p id="c"></p>"#,
        )
        .unwrap();
        let broken = check_links(out, "/");
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].url, "#a");
        assert!(broken[0].reason.contains("on 2 elements"), "{broken:?}");
    }

    #[test]
    fn finds_missing_files_and_anchors() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(
            out.join("index.html"),
            r##"<a href="/a/">ok</a><a href="/a/#top">ok</a><a href="/missing/">bad</a>
               <a href="a/#nope">bad anchor</a><a href="https://x.org/">ext</a><a href="#here" id="here">self</a>
               <img src="a/pic.png"><a href="mailto:x@y.z">m</a><a href="../../etc">up</a>"##,
        )
        .unwrap();
        fs::write(out.join("a/index.html"), r#"<h1 id="top">A</h1>"#).unwrap();
        let broken = check_links(out, "/");
        let urls: Vec<&str> = broken.iter().map(|b| b.url.as_str()).collect();
        assert_eq!(
            urls,
            vec!["../../etc", "/missing/", "a/#nope", "a/pic.png"],
            "{broken:?}"
        );
    }

    #[test]
    fn percent_encoded_names_are_looked_up_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(out.join("a/café.gif"), "GIF89a").unwrap();
        fs::write(out.join("a/my photo.gif"), "GIF89a").unwrap();
        fs::write(
            out.join("a/index.html"),
            r##"<h2 id="café">C</h2><img src="caf%C3%A9.gif"><img src="my%20photo.gif?v=1#x">
               <a href="/a/caf%C3%A9.gif">abs</a><a href="#caf%C3%A9">anchor</a>
               <img src="caf%C3%A9-not.gif"><img src="%FF.gif">"##,
        )
        .unwrap();
        let broken = check_links(out, "/");
        let found: Vec<(&str, &str)> = broken
            .iter()
            .map(|b| (b.url.as_str(), b.reason.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("%FF.gif", "its %-escapes do not decode to UTF-8 text"),
                ("caf%C3%A9-not.gif", "no such file: a/café-not.gif"),
            ],
        );
    }
}
