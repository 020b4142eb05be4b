//! Load: walk `content/`, detect each file's format, and parse it into [`Article`] records.
//!
//! A format is one parser module with a `parse(&SourceFile, &SiteConfig) -> FileOutcome`
//! function, registered in [`format_of`]. Nothing downstream knows which format an
//! article came from.

pub mod body;
pub mod dates;
pub mod markdown;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::article::Article;
use crate::cache::parsed::ParseMemo;
use crate::config::SiteConfig;
use crate::diagnostics::{display_path, Diagnostic, Skipped};

/// What the load stage may include.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep articles marked `draft = true`.
    pub drafts: bool,
}

/// One input file, decoded to text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path shown in messages (relative to the site folder).
    pub shown: PathBuf,
    /// Path relative to `content/`, with `/` separators: the article's stable id.
    pub rel: String,
    /// The first folder under `content/`, if any.
    pub default_section: Option<String>,
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
}

/// Everything the load stage found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Article>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
    pub skipped: Vec<Skipped>,
    /// Article files read, by format name.
    pub files_read: usize,
}

/// The input formats broadsheet reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
}

type Parser = fn(&SourceFile, &SiteConfig) -> FileOutcome;

impl Format {
    fn parser(self) -> Parser {
        match self {
            Format::Markdown => markdown::parse,
        }
    }
}

/// The format of a file, from its extension; `None` for assets.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => Some(Format::Markdown),
        _ => None,
    }
}

/// Walks `content_dir` and parses every article file in parallel.
/// `site_dir` is only used to show paths relative to the site.
pub fn load(content_dir: &Path, site_dir: &Path, config: &SiteConfig, opts: LoadOptions) -> Loaded {
    load_memo(content_dir, site_dir, config, opts, &ParseMemo::disabled())
}

/// [`load`], taking the outcome of unchanged files from `memo` instead of parsing them
/// again, and recording fresh outcomes in it.
pub fn load_memo(
    content_dir: &Path,
    site_dir: &Path,
    config: &SiteConfig,
    opts: LoadOptions,
    memo: &ParseMemo,
) -> Loaded {
    let mut loaded = Loaded::default();
    let mut inputs = Vec::new();
    if !content_dir.is_dir() {
        loaded.diagnostics.push(Diagnostic::warning(
            display_path(content_dir, site_dir),
            None,
            "no content folder; the site will have no articles",
        ));
        return loaded;
    }
    let mut walker = WalkDir::new(content_dir).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(p, site_dir))
                    .unwrap_or_default();
                loaded
                    .diagnostics
                    .push(Diagnostic::error(path, None, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let shown = display_path(path, site_dir);
        if entry.depth() > 0 && is_hidden(entry.file_name()) {
            // Hidden files are left out on purpose; say so, so nothing vanishes silently.
            let what = if entry.file_type().is_dir() {
                walker.skip_current_dir();
                "hidden folder"
            } else {
                "hidden file"
            };
            loaded.skipped.push(Skipped {
                path: shown,
                reason: format!("{what} (names starting with '.' are not published)"),
            });
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.path_is_symlink() && path.is_dir() {
            loaded.skipped.push(Skipped {
                path: shown,
                reason: "symbolic link to a folder is not followed".into(),
            });
            continue;
        }
        let rel = relative_slash_path(path, content_dir);
        match format_of(path) {
            Some(format) => inputs.push((format, path.to_path_buf(), shown, rel)),
            None => loaded.assets.push(Asset {
                path: path.to_path_buf(),
                rel,
            }),
        }
    }
    loaded.files_read = inputs.len();

    let outcomes: Vec<(PathBuf, FileOutcome)> = inputs
        .into_par_iter()
        .map(|(format, path, shown, rel)| {
            let (remembered, key) = memo.recall(&rel, &path, config.tz);
            if let Some(outcome) = remembered {
                return (shown, outcome);
            }
            let memo_rel = key.map(|k| (rel.clone(), k));
            let outcome = match read_text(&path, &shown) {
                Ok(text) => {
                    let default_section = rel.split_once('/').map(|(first, _)| section_name(first));
                    let file = SourceFile {
                        shown: shown.clone(),
                        rel,
                        default_section,
                        text,
                    };
                    (format.parser())(&file, config)
                }
                Err(d) => FileOutcome {
                    articles: Vec::new(),
                    diagnostics: vec![d],
                },
            };
            if let Some((rel, key)) = memo_rel {
                memo.remember(&rel, key, &outcome);
            }
            (shown, outcome)
        })
        .collect();

    for (shown, outcome) in outcomes {
        let produced = outcome.articles.len();
        let mut drafts = 0;
        for article in outcome.articles {
            if article.draft && !opts.drafts {
                drafts += 1;
            } else {
                loaded.articles.push(article);
            }
        }
        let failed = outcome
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone());
        loaded.diagnostics.extend(outcome.diagnostics);
        if produced == 0 || drafts == produced {
            let reason = if let Some(msg) = failed {
                format!("error: {msg}")
            } else if drafts > 0 {
                "draft (build with --drafts to include it)".to_string()
            } else {
                "holds no article".to_string()
            };
            loaded.skipped.push(Skipped {
                path: shown,
                reason,
            });
        }
    }
    loaded
}

/// A folder name as a section name: `middle-east` -> `Middle East`.
fn section_name(folder: &str) -> String {
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

/// Reads a file as UTF-8 text, dropping a byte-order mark and normalizing CRLF.
fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(shown, None, format!("cannot read: {e}")))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Diagnostic::error(shown, Some(line), "is not valid UTF-8; save it as UTF-8")
    })?;
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    })
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// `content/world/x.md` under `content` -> `world/x.md`.
fn relative_slash_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
