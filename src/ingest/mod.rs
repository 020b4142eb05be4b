//! Load: walk `content/`, detect each file's format, and parse it into [`Article`] records.
//!
//! A format is one parser module with a `parse(&SourceFile, &SiteConfig) -> FileOutcome`
//! function, registered in [`format_of`]. Nothing downstream knows which format an
//! article came from.

pub mod body;
pub mod dates;
pub mod dedupe;
pub mod dump;
pub mod markdown;
pub mod record;
pub mod settings;
pub mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::article::{folder_of, Article};
use crate::cache::parsed::FileStat;
use crate::cache::parsed::ParseMemo;
use crate::config::SiteConfig;
use crate::diagnostics::{display_path, slash_path, Diagnostic, Skipped};
use record::Field;

/// What the load stage may include.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep articles marked `draft = true`.
    pub drafts: bool,
    /// Keep articles whose `expiryDate` is `now` or earlier.
    pub expired: bool,
    /// The time the build runs at, for `expiryDate`.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Keep the articles left out in [`Loaded::withheld`], so that `check` can tell a
    /// link to one of them from a link to nothing (a build has no use for them).
    pub keep_withheld: bool,
}

/// Why a parsed article is left out of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// `draft = true`, built without `--drafts`.
    Draft,
    /// Its `expiryDate` (in the site's zone, as dates are shown) has passed (built
    /// without `--expired`).
    Expired(chrono::DateTime<chrono_tz::Tz>),
}

impl Withheld {
    /// The skip reason, for a file or (`what` = `record`) one record of a file.
    fn reason(self, what: &str) -> String {
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(" {what}")
        };
        match self {
            Withheld::Draft => format!("draft{what} {}", self.remedy()),
            Withheld::Expired(on) => format!(
                "expired{what}: its expiryDate {} has passed {}",
                shown(on),
                self.remedy()
            ),
        }
    }

    /// What a link to the article is told (`check`): `is a draft (build with --drafts to
    /// include it)`, `expired on 2024-01-01 00:00 +00:00 (build with --expired ...)`.
    pub fn explain(self) -> String {
        match self {
            Withheld::Draft => format!("is a draft {}", self.remedy()),
            Withheld::Expired(on) => format!("expired on {} {}", shown(on), self.remedy()),
        }
    }

    /// How to build with it.
    fn remedy(self) -> &'static str {
        match self {
            Withheld::Draft => "(build with --drafts to include it)",
            Withheld::Expired(_) => "(build with --expired to include it)",
        }
    }
}

/// An expiry as messages give it: `2024-01-01 00:00 +00:00`, in the site's zone.
fn shown(on: chrono::DateTime<chrono_tz::Tz>) -> String {
    on.format("%Y-%m-%d %H:%M %:z").to_string()
}

fn withheld(a: &Article, opts: &LoadOptions) -> Option<Withheld> {
    if a.draft && !opts.drafts {
        return Some(Withheld::Draft);
    }
    a.expires
        .filter(|e| !opts.expired && *e <= opts.now)
        .map(Withheld::Expired)
}

/// One input file, decoded to text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in messages (relative to the site folder).
    pub shown: PathBuf,
    /// Path relative to `content/`, with `/` separators: the article's stable id.
    pub rel: String,
    /// The section when the file names none: its folder's default (`[[defaults]]`), else
    /// the first folder under `content/`, if any.
    pub default_section: Option<String>,
    /// What `[[defaults]]` gives the articles of its folder (its section is
    /// `default_section`).
    pub defaults: settings::FolderDefaults,
    pub text: String,
}

/// What a parser made of one file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub articles: Vec<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A non-article file under `content/` (an image beside its article).
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: PathBuf,
    /// Relative to `content/`, `/`-separated.
    pub rel: String,
    /// An article left out of this build that refers to it, and why it is left out, for
    /// the file's skip reason.
    pub draft_ref: Option<(PathBuf, Withheld)>,
    /// A content file in its folder or above that failed to be read, and so may refer to
    /// it unbeknown: its skip reason points there rather than at the file itself.
    pub failed_near: Option<PathBuf>,
}

/// Everything the load stage found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Article>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    /// Article files read.
    pub files_read: usize,
    /// One entry per article file, in path order, for reports.
    pub files: Vec<FileEntry>,
    /// Articles kept once because the same story came in twice.
    pub folds: Vec<dedupe::Fold>,
    /// The articles left out, and why, when [`LoadOptions::keep_withheld`] was set.
    pub withheld: Vec<(Article, Withheld)>,
}

/// What became of one article file.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// Relative to the site folder.
    pub path: PathBuf,
    pub format: Format,
    /// Ids of the articles it produced that were kept (drafts and duplicates left out).
    pub articles: Vec<String>,
    /// Articles produced, before drafts and duplicates were taken out.
    pub produced: usize,
    pub drafts: usize,
    /// Articles folded into another file's copy of the same story.
    pub duplicates: usize,
    /// Why it produced no article, when it did not.
    pub reason: Option<String>,
}

/// The input formats broadsheet reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Markdown with TOML, YAML or JSON front matter.
    Markdown,
    /// JSON Lines dump.
    JsonLines,
    /// JSON dump.
    Json,
    /// Raw article text.
    Text,
}

type Parser = fn(&SourceFile, &SiteConfig) -> FileOutcome;

impl Format {
    /// Every format, in report order.
    pub const ALL: [Format; 4] = [
        Format::Markdown,
        Format::Text,
        Format::Json,
        Format::JsonLines,
    ];

    fn parser(self) -> Parser {
        match self {
            Format::Markdown => markdown::parse,
            Format::Text => text::parse,
            Format::Json => dump::parse_json,
            Format::JsonLines => dump::parse_lines,
        }
    }

    /// Short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
        }
    }

    /// Which copy of a duplicated story is kept: hand-written before exported before scraped.
    fn rank(self) -> u8 {
        match self {
            Format::Markdown => 0,
            Format::Json | Format::JsonLines => 1,
            Format::Text => 2,
        }
    }
}

/// Puts the warnings the index stage gives about an article's date (`future-date`) or
/// URL (`url-taken`) at the line of the field they are about, where the file has one
/// (front matter, a JSON object; a text file's headline): the index stage knows the
/// article, not its file's layout. Such warnings are few, so each reads its file again.
pub fn place_at_fields(site: &Path, config: &SiteConfig, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut().filter(|d| d.line.is_none()) {
        let fields: &[Field] = match d.kind.as_ref() {
            "future-date" => &[Field::Date],
            // The URL is made from the slug, and that from the title when not given.
            "url-taken" => &[Field::Slug, Field::Title],
            _ => continue,
        };
        let Ok(text) = std::fs::read_to_string(site.join(&d.path)) else {
            continue;
        };
        let names = |f: &Field| f.all_names(config);
        d.line = match format_of(&d.path) {
            Some(Format::Markdown) => fields
                .iter()
                .find_map(|f| markdown::key_line(&text, &names(f))),
            Some(Format::Json) => fields.iter().find_map(|f| {
                names(f)
                    .iter()
                    .find_map(|k| crate::diagnostics::line_of_key(&text, k))
            }),
            Some(Format::Text) if fields.contains(&Field::Title) => text
                .lines()
                .position(|l| !l.trim().is_empty())
                .map(|i| i + 1),
            _ => None,
        };
    }
}

/// The format of a file, from its extension; `None` for assets.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Some(Format::Markdown),
        "txt" => Some(Format::Text),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::JsonLines),
        _ => None,
    }
}

/// Walks `content_dir` and parses every article file in parallel.
/// `site_dir` is only used to show paths relative to the site.
pub fn load(content_dir: &Path, site_dir: &Path, config: &SiteConfig, opts: LoadOptions) -> Loaded {
    load_listed(
        list(content_dir, site_dir),
        config,
        opts,
        &ParseMemo::disabled(),
    )
}

/// One walk of `content/`: every file that may become an article or an asset, with its
/// metadata, and what the walk itself has to report. A build stamps it (see
/// [`crate::cache::stamp`]) and then loads from it, so the folder is walked and every
/// file stat'ed once.
#[derive(Debug, Default)]
pub struct ContentListing {
    /// Article and asset files, in path order.
    pub files: Vec<Listed>,
    /// Folders that could not be read, or no content folder at all.
    pub diagnostics: Vec<Diagnostic>,
    /// Hidden files and folders, links to folders: left out, with the reason.
    pub skipped: Vec<Skipped>,
}

/// One file found under `content/`.
#[derive(Debug)]
pub struct Listed {
    /// Where it is (under the content folder as given).
    pub path: PathBuf,
    /// Relative to the site folder, for messages.
    pub shown: PathBuf,
    /// Relative to `content/`, `/`-separated.
    pub rel: String,
    /// `None` for an asset (an image beside its article...).
    pub format: Option<Format>,
    /// Its metadata (through links) when it was listed; `None` if it could not be read.
    pub meta: Option<FileStat>,
}

/// Walks `content_dir` and stats every file found; the listing is in path order (a
/// depth-first walk with each folder's entries by name). The folders of each depth are
/// read in parallel and their files stat'ed in parallel: at 100,000 files a one-thread
/// walk was a tenth of a rebuild that changes one article. Depth by depth, not by
/// recursion, so that no nesting depth can exhaust a thread's stack.
pub fn list(content_dir: &Path, site_dir: &Path) -> ContentListing {
    let mut listing = ContentListing::default();
    if !content_dir.is_dir() {
        listing.diagnostics.push(Diagnostic::warning(
            display_path(content_dir, site_dir),
            None,
            "no content folder; the site will have no articles",
        ));
        return listing;
    }
    let mut folders = vec![content_dir.to_path_buf()];
    while !folders.is_empty() {
        let read: Vec<Folder> = folders
            .par_iter()
            .map(|dir| list_folder(dir, content_dir, site_dir))
            .collect();
        folders = Vec::new();
        // Room for this depth's files at once: appended folder by folder, 100,000 of
        // them were copied each time the listing outgrew its room.
        listing
            .files
            .reserve(read.iter().map(|f| f.files.len()).sum());
        for folder in read {
            listing.files.extend(folder.files);
            folders.extend(folder.subfolders);
            listing.diagnostics.extend(folder.diagnostics);
            listing.skipped.extend(folder.skipped);
        }
    }
    // Path order is component by component, which is the order of a depth-first walk
    // that visits each folder's entries by name. The paths shown in reports all sit
    // under the content folder as shown, so they sort the same way.
    // No two files share a path, so the order is total and an unstable sort gives the
    // same listing, in place: a stable one takes a buffer as large as the listing.
    listing.files.par_sort_unstable_by(|a, b| {
        by_components(&a.rel, &b.rel).then_with(|| a.path.cmp(&b.path))
    });
    listing.diagnostics.sort_by(|a, b| a.path.cmp(&b.path));
    listing.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    listing
}

/// Orders two `/`-separated paths as [`Path`]'s order does, component by component: as
/// bytes, with the separator below every other byte. Comparing `Path`s splits both into
/// components on every comparison, which was most of sorting 100,000 files.
fn by_components(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { u16::from(c) + 1 };
    match a.bytes().zip(b.bytes()).find(|(x, y)| x != y) {
        Some((x, y)) => key(x).cmp(&key(y)),
        None => a.len().cmp(&b.len()),
    }
}

/// What one folder under `content/` holds.
#[derive(Default)]
struct Folder {
    files: Vec<Listed>,
    subfolders: Vec<PathBuf>,
    diagnostics: Vec<Diagnostic>,
    skipped: Vec<Skipped>,
}

/// Reads one folder: its files (with their metadata, through links, stat'ed in
/// parallel), its subfolders to read next, and what it leaves out with the reason
/// (hidden entries, links to folders, entries that cannot be read).
fn list_folder(dir: &Path, content_dir: &Path, site_dir: &Path) -> Folder {
    let mut folder = Folder::default();
    let unreadable = |what: &str, e: std::io::Error| {
        Diagnostic::error(
            display_path(dir, site_dir),
            None,
            format!("cannot read {what}: {e}"),
        )
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            folder.diagnostics.push(unreadable("this folder", e));
            return folder;
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let kind = entry.file_type().ok();
                let is_dir = kind.is_some_and(|t| t.is_dir());
                let is_link = kind.is_some_and(|t| t.is_symlink());
                paths.push((entry.path(), is_dir, is_link));
            }
            Err(e) => folder
                .diagnostics
                .push(unreadable("an entry of this folder", e)),
        }
    }
    let entries: Vec<Entry> = paths
        .into_par_iter()
        .map(|(path, is_dir, is_link)| entry_of(path, is_dir, is_link, content_dir, site_dir))
        .collect();
    folder.files.reserve_exact(entries.len());
    for entry in entries {
        match entry {
            Entry::File(f) => folder.files.push(f),
            Entry::Folder(p) => folder.subfolders.push(p),
            Entry::Skipped(s) => folder.skipped.push(s),
        }
    }
    folder
}

// Nearly every entry is a file, and entries live only until their folder is sorted
// out: boxing the large variant would only add an allocation per file.
#[allow(clippy::large_enum_variant)]
enum Entry {
    File(Listed),
    Folder(PathBuf),
    Skipped(Skipped),
}

/// One entry of a folder. Links to folders are not followed; links to files are, when
/// the file is inside `content/`.
fn entry_of(
    path: PathBuf,
    is_dir: bool,
    is_link: bool,
    content_dir: &Path,
    site_dir: &Path,
) -> Entry {
    let shown = display_path(&path, site_dir);
    if path.file_name().is_some_and(is_hidden) {
        // Hidden files are left out on purpose; say so, so nothing vanishes silently.
        let what = if is_dir {
            "hidden folder"
        } else {
            "hidden file"
        };
        let reason = format!("{what} (names starting with '.' are not published)");
        return Entry::Skipped(Skipped {
            path: shown,
            reason,
        });
    }
    if is_dir {
        return Entry::Folder(path);
    }
    if let Some(reason) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(not_an_article)
    {
        return Entry::Skipped(Skipped {
            path: shown,
            reason: reason.to_string(),
        });
    }
    let meta = std::fs::metadata(&path).ok();
    let skip = |reason: String| {
        Entry::Skipped(Skipped {
            path: shown.clone(),
            reason,
        })
    };
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return skip("symbolic link to a folder is not followed".into());
    }
    if is_link {
        // An export unpacked from elsewhere may hold links to any file of the machine
        // (`photo.jpg -> /etc/shadow`): only files of the archive itself are published.
        let inside = |target: &Path| {
            std::fs::canonicalize(content_dir).is_ok_and(|root| target.starts_with(root))
        };
        if let Ok(target) = std::fs::canonicalize(&path) {
            if !inside(&target) {
                return skip(format!(
                    "symbolic link to {}, outside content/: not followed (copy the file in if it belongs to the archive)",
                    target.display()
                ));
            }
        }
    }
    if meta.as_ref().is_some_and(|m| !m.is_file()) {
        // Reading a named pipe would wait for a writer forever.
        return skip(
            "not a regular file (a named pipe, socket or device): nothing to publish".into(),
        );
    }
    Entry::File(Listed {
        rel: content_rel(&path, content_dir),
        format: format_of(&path),
        path,
        shown,
        meta: meta.as_ref().map(FileStat::of),
    })
}

/// `path` under `content_dir` as [`slash_path`] gives it, but with each byte of a name that
/// is not UTF-8 written `%XX`: the path is the article's id, and replacing such bytes with
/// U+FFFD gave `café.md` and `cafè.md` saved as Latin-1 one id (one feed entry id, one
/// report entry).
fn content_rel(path: &Path, content_dir: &Path) -> String {
    #[cfg(unix)]
    if path.to_str().is_none() {
        use std::os::unix::ffi::OsStrExt;
        let within = path.strip_prefix(content_dir).unwrap_or(path);
        return within
            .components()
            .map(|c| {
                let mut name = String::new();
                for chunk in c.as_os_str().as_bytes().utf8_chunks() {
                    name.push_str(chunk.valid());
                    for b in chunk.invalid() {
                        name.push_str(&format!("%{b:02X}"));
                    }
                }
                name
            })
            .collect::<Vec<_>>()
            .join("/");
    }
    slash_path(path, content_dir)
}

/// Parses the article files of `listing` in parallel, taking the outcome of unchanged
/// files from `memo` instead of parsing them again, and recording fresh outcomes in it.
pub fn load_listed(
    listing: ContentListing,
    config: &SiteConfig,
    opts: LoadOptions,
    memo: &ParseMemo,
) -> Loaded {
    let mut loaded = Loaded {
        diagnostics: listing.diagnostics,
        skipped: listing.skipped,
        ..Loaded::default()
    };
    // A `[[defaults]]` entry that holds no file is most likely a mistyped path.
    for d in &config.defaults {
        if !listing.files.iter().any(|f| d.holds(&f.rel)) {
            loaded.diagnostics.push(
                Diagnostic::warning(
                    "site.toml",
                    d.line,
                    format!(
                        "[[defaults]] for the folder '{}' applies to no file: its path is a folder under content/, written as on disk",
                        d.path
                    ),
                )
                .with_kind("unused-defaults"),
            );
        }
    }
    let mut inputs = Vec::with_capacity(listing.files.len());
    for f in listing.files {
        match f.format {
            Some(format) => inputs.push((format, f.path, f.shown, f.rel, f.meta)),
            None => loaded.assets.push(Asset {
                path: f.path,
                rel: f.rel,
                draft_ref: None,
                failed_near: None,
            }),
        }
    }
    loaded.files_read = inputs.len();
    let started = std::time::SystemTime::now();

    // Each file's path under `content/` comes along: a file that failed names itself in
    // its neighbours' skip reasons.
    let outcomes: Vec<(Format, PathBuf, String, FileOutcome)> = inputs
        .into_par_iter()
        .map(|(format, path, shown, rel, meta)| {
            let (remembered, key) = memo.recall(&rel, meta.as_ref(), config.tz);
            if let Some(outcome) = remembered {
                return (format, shown, rel, outcome);
            }
            // A file changed moments ago may change again within its timestamps'
            // resolution, keeping its key: its parse is not remembered until it settles.
            let settled = meta.as_ref().is_some_and(|m| !m.recent(started));
            let memo_rel = key.filter(|_| settled).map(|k| (rel.clone(), k));
            let mut diagnostics = Vec::new();
            let (outcome, rel) = match read_text(&path, &shown, &mut diagnostics) {
                Ok(text) => {
                    let mut defaults = settings::FolderDefaults::resolve(&config.defaults, &rel);
                    // Jekyll's `_posts` and `_drafts` are folders of the tool, not sections.
                    let default_section = defaults.section.take().or_else(|| {
                        rel.split_once('/')
                            .filter(|(first, _)| !first.starts_with('_'))
                            .map(|(first, _)| section_name(first))
                    });
                    let file = SourceFile {
                        shown: shown.clone(),
                        rel,
                        default_section,
                        defaults,
                        text,
                    };
                    ((format.parser())(&file, config), file.rel)
                }
                Err(d) => {
                    let outcome = FileOutcome {
                        articles: Vec::new(),
                        diagnostics: vec![d],
                    };
                    (outcome, rel)
                }
            };
            diagnostics.extend(outcome.diagnostics);
            let mut articles = outcome.articles;
            // A vector's first push makes room for four articles (2.5 KB): held for every
            // file until all are read, that is 190 MB of room at 100,000 articles.
            articles.shrink_to_fit();
            let mut outcome = FileOutcome {
                articles,
                diagnostics,
            };
            if let Some((rel, key)) = memo_rel {
                memo.remember(&rel, key, &mut outcome);
            }
            (format, shown, rel, outcome)
        })
        .collect();
    // Bodies are read from here on (to fold duplicates, to relink).
    memo.flush();

    let asset_of: hashbrown::HashMap<&str, usize> = loaded
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.rel.as_str(), i))
        .collect();
    // (asset, left-out article) pairs: a file only a draft or an expired article refers
    // to is not "referred to by no article".
    let mut draft_refs: Vec<(usize, (PathBuf, Withheld))> = Vec::new();
    let mut failed_files: Vec<(String, PathBuf)> = Vec::new();
    // Most files hold one article: room for all at once, rather than copying 100,000
    // articles each time the vector outgrows its room.
    loaded.articles.reserve(outcomes.len());
    loaded.files.reserve(outcomes.len());
    for (format, shown, rel, outcome) in outcomes {
        let produced = outcome.articles.len();
        let held: Vec<Option<Withheld>> = outcome
            .articles
            .iter()
            .map(|a| withheld(a, &opts))
            .collect();
        let all_withheld = held.iter().all(Option::is_some);
        // Drafts and expired records in one file: the file's reason can give only one.
        let is_draft = |w: &Option<Withheld>| w.map(|w| matches!(w, Withheld::Draft));
        let mixed = held.iter().any(|w| is_draft(w) == Some(true))
            && held.iter().any(|w| is_draft(w) == Some(false));
        let mut drafts = 0;
        let mut expired = None;
        for (article, held) in outcome.articles.into_iter().zip(held) {
            if let Some(why) = held {
                match why {
                    Withheld::Draft => drafts += 1,
                    Withheld::Expired(on) => expired = Some(on),
                }
                // A record held back among published ones is named on its own: the
                // file's entry lists only what it published.
                if !all_withheld || mixed {
                    loaded.skipped.push(Skipped {
                        path: PathBuf::from(record_place(&article)),
                        reason: why.reason("record"),
                    });
                }
                for (rel, _) in article.asset_paths() {
                    if let Some(&i) = asset_of.get(rel.as_str()) {
                        draft_refs.push((i, (article.source_path.clone(), why)));
                    }
                }
                if opts.keep_withheld {
                    loaded.withheld.push((article, why));
                }
            } else {
                loaded.articles.push(article);
            }
        }
        let failed = outcome
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone());
        if failed.is_some() {
            failed_files.push((folder_of(&rel).to_string(), shown.clone()));
        }
        let refused = outcome
            .diagnostics
            .iter()
            .find(|d| d.kind == "binary" || d.kind == "broken-link")
            .map(|d| d.message.to_string());
        loaded.diagnostics.extend(outcome.diagnostics);
        let reason = if produced == 0 || all_withheld {
            Some(if let Some(msg) = failed {
                format!("error: {msg}")
            } else if let Some(on) = expired.filter(|_| drafts == 0) {
                Withheld::Expired(on).reason("")
            } else if drafts > 0 {
                Withheld::Draft.reason("")
            } else if let Some(msg) = refused {
                msg
            } else {
                "holds no article".to_string()
            })
        } else {
            None
        };
        loaded.files.push(FileEntry {
            path: shown,
            format,
            articles: Vec::new(),
            produced,
            drafts,
            duplicates: 0,
            reason,
        });
    }

    drop(asset_of);
    for (i, draft) in draft_refs {
        loaded.assets[i].draft_ref.get_or_insert(draft);
    }
    for asset in &mut loaded.assets {
        asset.failed_near = failed_files
            .iter()
            .find(|(folder, _)| {
                folder.is_empty()
                    || asset
                        .rel
                        .strip_prefix(folder.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, shown)| shown.clone());
    }
    let articles = std::mem::take(&mut loaded.articles);
    let (kept, folds) = if config.ingest.fold_duplicates {
        dedupe::fold(
            articles,
            |a| format_of(&a.source_path).map_or(u8::MAX, Format::rank),
            &memo.body_facts,
        )
    } else {
        (articles, Vec::new())
    };
    // One entry per content file, looked up once per article (in parallel): by the
    // path's bytes, as a `Path` hashes each of its components apart, with hashbrown's
    // default hasher (foldhash) rather than std's SipHash.
    fn key(path: &Path) -> &[u8] {
        path.as_os_str().as_encoded_bytes()
    }
    let entry_of: hashbrown::HashMap<&[u8], usize> = loaded
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (key(&f.path), i))
        .collect();
    let lookup = |path: &Path| entry_of.get(key(path)).copied();
    let listed: Vec<Option<usize>> = kept.par_iter().map(|a| lookup(&a.source_path)).collect();
    let folded: Vec<Option<usize>> = folds.iter().map(|f| lookup(&f.path)).collect();
    drop(entry_of);
    // Where each folded file's story was kept, for its skip reason (first fold wins).
    let mut kept_for: HashMap<PathBuf, PathBuf> = HashMap::new();
    for (fold, entry) in folds.iter().zip(folded) {
        kept_for
            .entry(fold.path.clone())
            .or_insert_with(|| fold.kept_path.clone());
        let kept_at = crate::diagnostics::place(&fold.kept_path, fold.kept_line)
            + &array_record(&fold.kept_id);
        loaded.diagnostics.push(
            Diagnostic::warning(
                &fold.path,
                fold.line,
                format!(
                    "{}the same story as {kept_at} ({}); kept once, from {kept_at}",
                    array_record(&fold.id)
                        .strip_prefix(" (")
                        .and_then(|r| r.strip_suffix(')'))
                        .map_or(String::new(), |r| format!("{r}: ")),
                    fold.reason
                ),
            )
            .with_kind("duplicate"),
        );
        if let Some(e) = entry {
            loaded.files[e].duplicates += 1;
        }
    }
    for (article, entry) in kept.iter().zip(listed) {
        if let Some(e) = entry {
            loaded.files[e].articles.push(article.id.clone());
        }
    }
    loaded.articles = kept;
    for entry in &mut loaded.files {
        if entry.reason.is_none() && entry.articles.is_empty() {
            entry.reason = Some(if entry.duplicates > 0 {
                let first = kept_for
                    .get(&entry.path)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                format!("duplicate: the same story as {first} is kept instead")
            } else {
                "draft (build with --drafts to include it)".to_string()
            });
        }
        if let Some(reason) = &entry.reason {
            loaded.skipped.push(Skipped {
                path: entry.path.clone(),
                reason: reason.clone(),
            });
        }
    }
    loaded.folds = folds;
    move_text_to_fresh_memory(&mut loaded.articles);
    loaded
}

/// Copies each article's large strings into new allocations, made by this (non-worker)
/// thread one after another, and frees the old ones; each copy is also exactly as long
/// as its text (a body built by appending can hold up to twice its length). The parse workers allocate each
/// article's text among the much larger temporaries of its parse (file text, Markdown
/// events, the sanitizer's tree); once those are freed, the text kept for the rest of the
/// build pins their allocator pages, which cannot be reused or returned. At 100,000
/// articles that was about 450 MiB, and the build's peak fell from 1,234 to 914 MiB with
/// this pass, which costs 0.07 s.
fn move_text_to_fresh_memory(articles: &mut [Article]) {
    for a in articles {
        let body = a.body_html.in_memory();
        for text in [&mut a.summary, &mut a.title].into_iter().chain(body) {
            *text = text.as_str().to_owned();
        }
    }
}

/// Where an article comes from, for messages: `content/x.md`, `content/x.jsonl:3`, or
/// `content/x.json (record 12)` for a record of a JSON array.
pub fn record_place(article: &Article) -> String {
    crate::diagnostics::place(&article.source_path, article.source_line)
        + &array_record(&article.id)
}

/// ` (record 12)` for the 12th record of a JSON array file (`world/x.json#12`), whose
/// records may all be on one line; empty for anything else.
fn array_record(id: &str) -> String {
    match id.rsplit_once('#') {
        Some((file, n)) if file.ends_with(".json") => format!(" (record {n})"),
        _ => String::new(),
    }
}

/// A folder name as a section name: `middle-east` -> `Middle East`.
pub(crate) fn section_name(folder: &str) -> String {
    folder
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a file as text, dropping a byte-order mark and normalizing CRLF. UTF-8 is
/// expected; UTF-16 is decoded; other bytes are read as Windows-1252 (a superset of
/// Latin-1's printable range) with a warning naming the first odd line. A binary file (an
/// image or a program saved under an article's name) is refused with a warning.
fn read_text(
    path: &Path,
    shown: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        let broken_link = e.kind() == std::io::ErrorKind::NotFound && path.is_symlink();
        if broken_link {
            // Nothing to publish and nothing lost: said, and skipped.
            Diagnostic::warning(
                shown,
                None,
                "is a symbolic link to a file that does not exist; skipped (remove the link or restore its target)",
            )
            .with_kind("broken-link")
        } else {
            Diagnostic::error(shown, None, format!("cannot read: {e}"))
        }
    })?;
    let decoded = decode_text(bytes);
    if decoded.binary {
        return Err(Diagnostic::warning(
            shown,
            None,
            "is not text (NUL bytes near its start, as images and programs have); skipped. Give it another extension if it is not an article",
        )
        .with_kind("binary"));
    }
    if let Some(line) = decoded.stray_nul {
        warnings.push(
            Diagnostic::warning(
                shown,
                Some(line),
                "holds a NUL byte (a file damaged in copying or export?); NUL bytes were dropped, check the text around them",
            )
            .with_kind("encoding"),
        );
    }
    if let Some((line, count)) = decoded.not_utf8 {
        let lines = match count {
            1 => "this line is".to_string(),
            n => format!("this line and {} more are", n - 1),
        };
        warnings.push(
            Diagnostic::warning(
                shown,
                Some(line),
                format!("{lines} not valid UTF-8, so read as Windows-1252 (Latin-1); the other lines as UTF-8. Save the file as UTF-8 to be sure of its characters"),
            )
            .with_kind("encoding"),
        );
    }
    Ok(decoded.text)
}

/// A content file's text, as [`decode_text`] reads it.
pub struct Decoded {
    /// Line ends made `\n`, control characters (but tabs) dropped.
    pub text: String,
    /// The first line that is not UTF-8 and how many such lines there are: each was
    /// read as Windows-1252, the other lines as UTF-8.
    pub not_utf8: Option<(usize, usize)>,
    /// The file holds NUL bytes outside UTF-16 near its start: it is not text.
    pub binary: bool,
    /// The line of the first NUL byte of a text file (dropped, with any others).
    pub stray_nul: Option<usize>,
}

/// A content file's text as ingest reads it: in the encoding its byte order mark names,
/// else as UTF-16 when every other byte of its start is NUL, else as UTF-8, else as
/// Windows-1252 (Latin-1). Messages quote lines of files through this too, so they show
/// what was read.
pub fn decode_text(bytes: Vec<u8>) -> Decoded {
    let mut not_utf8 = None;
    let declared = encoding_rs::Encoding::for_bom(&bytes).or_else(|| utf16_by_its_nuls(&bytes));
    let text = match declared {
        Some((encoding, bom)) => encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned(),
        // Taken over as it is when valid, not copied.
        None => match String::from_utf8(bytes) {
            Ok(t) => t,
            // Line by line: a dump of UTF-8 records with one Latin-1 record keeps its
            // other records' Arabic or accents (one Windows-1252 reading of the whole file
            // would garble them).
            Err(e) => {
                let bytes = e.into_bytes();
                let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
                for (n, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
                    match std::str::from_utf8(line) {
                        Ok(line) => text.push_str(line),
                        Err(_) => {
                            not_utf8.get_or_insert((n + 1, 0)).1 += 1;
                            text.push_str(
                                &encoding_rs::WINDOWS_1252
                                    .decode_without_bom_handling(line)
                                    .0,
                            );
                        }
                    }
                }
                text
            }
        },
    };
    // Git's rule: a NUL among the first 8,000 bytes makes a file binary. One further on
    // is damage in a text file (a dump whose record 250 holds a NUL), dropped with the
    // other control characters, not a reason to lose the whole file.
    let nul = memchr::memchr(0, text.as_bytes());
    let binary = nul.is_some_and(|at| at < 8000);
    let stray_nul = nul
        .filter(|_| !binary)
        .map(|at| crate::diagnostics::line_of(&text, at));
    // Control characters (a stray ESC or BEL from a terminal) would reach titles and
    // pages as they are; carriage returns become line ends.
    let text = if text
        .bytes()
        .any(|b| b < 0x20 && b != b'\n' && b != b'\t' || b == 0x7f)
    {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        text.chars()
            .filter(|&c| c == '\n' || c == '\t' || !c.is_control() || !c.is_ascii())
            .collect()
    } else {
        text
    };
    // A byte order mark after the start: files concatenated with theirs (`cat *.jsonl`
    // of exports that each began with one), where it would make a record invalid JSON,
    // hide a front matter fence, or sit unseen in a headline. As a character (a
    // zero-width no-break space) it has been deprecated since Unicode 3.2.
    let text = if text.contains('\u{feff}') {
        text.replace('\u{feff}', "")
    } else {
        text
    };
    Decoded {
        text,
        not_utf8,
        binary,
        stray_nul,
    }
}

/// UTF-16 without a byte order mark, told by its NUL bytes: mostly-ASCII text in UTF-16
/// has a NUL in every other byte (the high byte, after the low one in little-endian).
fn utf16_by_its_nuls(bytes: &[u8]) -> Option<(&'static encoding_rs::Encoding, usize)> {
    let start = &bytes[..bytes.len().min(4096) & !1];
    let pairs = start.len() / 2;
    if pairs < 2 {
        return None;
    }
    let nuls_at = |odd: usize| {
        start
            .iter()
            .skip(odd)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nuls_at(0), nuls_at(1));
    // Most high bytes NUL, and no low byte: text, not a binary that happens to hold NULs.
    if odd * 10 >= pairs * 6 && even == 0 {
        Some((encoding_rs::UTF_16LE, 0))
    } else if even * 10 >= pairs * 6 && odd == 0 {
        Some((encoding_rs::UTF_16BE, 0))
    } else {
        None
    }
}

/// Files other tools keep among articles that are not articles: Hugo's section pages and
/// a folder's notes. Why each is left out, for the report.
fn not_an_article(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    if lower == "_index.md" {
        Some("a Hugo section page (_index.md), not an article; sections are made from folders")
    } else if matches!(
        lower.as_str(),
        "readme.md" | "readme.txt" | "license.md" | "license.txt"
    ) {
        Some("a folder's notes (README or LICENSE), not an article; rename it to publish it")
    } else {
        None
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::{by_components, decode_text};
    use std::path::Path;

    #[test]
    fn utf16_without_a_mark_binaries_and_control_characters() {
        let utf16: Vec<u8> = "Headline\r\n\r\nBody text.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode_text(utf16.clone());
        assert_eq!(d.text, "Headline\n\nBody text.\n");
        assert!(!d.binary);
        let be: Vec<u8> = utf16.chunks(2).flat_map(|p| [p[1], p[0]]).collect();
        assert_eq!(decode_text(be).text, "Headline\n\nBody text.\n");
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
        assert!(decode_text(elf).binary);
        let d = decode_text(b"Title\x1b[1m bell\x07\ttab\nnext".to_vec());
        assert_eq!(d.text, "Title[1m bell\ttab\nnext");
        assert!(!d.binary && d.not_utf8.is_none());
        // A NUL far into a text file is damage, dropped and placed; near the start it
        // makes a binary.
        let mut long = "{\"title\": \"x\"}\n".repeat(1000).into_bytes();
        long.extend_from_slice(b"{\"title\": \"y\0z\"}\n");
        let d = decode_text(long);
        assert!(!d.binary && !d.text.contains('\0') && d.text.contains("yz"));
        assert_eq!(d.stray_nul, Some(1001));
        // One Latin-1 line among UTF-8 ones: only it is read as Windows-1252.
        let mixed = [
            "{\"title\": \"انفجار\"}\n".as_bytes(),
            b"{\"title\": \"It cost \xa3600m\"}\n",
            "{\"title\": \"Café\"}\n".as_bytes(),
        ]
        .concat();
        let d = decode_text(mixed);
        assert_eq!(
            d.text,
            "{\"title\": \"انفجار\"}\n{\"title\": \"It cost £600m\"}\n{\"title\": \"Café\"}\n"
        );
        assert_eq!(d.not_utf8, Some((2, 1)));
        // Byte order marks of concatenated files, and a doubled one, are dropped.
        let d = decode_text(
            "\u{feff}\u{feff}{\"a\": 1}\n\u{feff}{\"b\": 2}\nx\u{feff}y\n"
                .as_bytes()
                .to_vec(),
        );
        assert_eq!(d.text, "{\"a\": 1}\n{\"b\": 2}\nxy\n");
    }

    #[test]
    fn paths_sort_component_by_component() {
        let mut names = vec![
            "a-b/c.md",
            "a/b.md",
            "a/b/c.md",
            "a.md",
            "a/b-c.md",
            "ab.md",
            "a/b.txt",
            "A.md",
            "a/b/c/d.md",
            "é.md",
            "e.md",
            "a/ b.md",
        ];
        names.sort_by(|x, y| by_components(x, y));
        let mut by_path = names.clone();
        by_path.sort_by(|x, y| Path::new(x).cmp(Path::new(y)));
        assert_eq!(names, by_path);
    }
}
