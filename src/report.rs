//! The ingest report behind `broadsheet check`: load, normalize and index a site without
//! writing anything, and account for every file under `content/` (the article it became,
//! or why it became none), per format and per kind of problem.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use crate::archive::{Archive, IndexReport};
use crate::build;
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Skipped};
use crate::ingest::{self, format_of, Asset, FileEntry, Format, LoadOptions};

/// Counts for one input format.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FormatSummary {
    /// `markdown`, `text`, `json` or `jsonl`.
    pub format: &'static str,
    /// Files of this format read.
    pub files: usize,
    /// Articles kept (drafts and duplicates left out).
    pub articles: usize,
    /// Kept articles without a date (on the undated page).
    pub undated: usize,
    /// Articles folded into another copy of the same story.
    pub duplicates: usize,
    pub warnings: usize,
    pub errors: usize,
}

/// How often one kind of problem came up.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KindCount {
    /// e.g. `undated`, `duplicate`, `bad-date`, `encoding`; `other` when unclassified.
    pub kind: String,
    pub warnings: usize,
    pub errors: usize,
}

/// What became of one input file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileReport {
    /// Relative to the site folder.
    pub path: String,
    /// An article format's name, `asset` (a file copied beside articles) or `other`.
    pub format: &'static str,
    /// `published`, `skipped`, `error` or `copied`.
    pub outcome: &'static str,
    /// The URLs of the articles it became, in record order, as paths on the site's
    /// host (`/2023/03/07/slug/`, under the base URL's path if it has one).
    pub urls: Vec<String>,
    /// Articles folded into another file's copy of the same story.
    pub duplicates: usize,
    /// Why it became no article (or was not copied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its warnings and errors, as `line: message`.
    pub messages: Vec<String>,
}

/// A broken internal link or anchor, for the JSON report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkReport {
    /// The page holding the link (site-relative file).
    pub page: String,
    /// The link as written.
    pub url: String,
    /// Why it is broken.
    pub reason: String,
    /// The article file the page was made from, when it is an article page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

/// Everything `broadsheet check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IngestReport {
    /// Article files read.
    pub files_read: usize,
    /// Articles in the site.
    pub articles: usize,
    pub dated: usize,
    pub undated: usize,
    pub duplicates: usize,
    pub warnings: usize,
    pub errors: usize,
    pub seconds: f64,
    pub formats: Vec<FormatSummary>,
    pub kinds: Vec<KindCount>,
    /// One entry per file under `content/`, in path order.
    pub files: Vec<FileReport>,
    /// Whether `check` went on to check the site's links (it does not when an input
    /// error stops the build).
    pub links_checked: bool,
    /// Every broken internal link or anchor `check` found, by page.
    pub broken_links: Vec<LinkReport>,
    /// Every diagnostic, for printing.
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

impl IngestReport {
    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// Writes [`IngestReport::to_json`] to `path`.
    pub fn write_json(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_json() + "\n")
    }

    /// Share of articles with a date, 0.0 to 1.0.
    pub fn dated_share(&self) -> f64 {
        if self.articles == 0 {
            0.0
        } else {
            self.dated as f64 / self.articles as f64
        }
    }

    /// The human summary: one line per format, one per kind of problem, then totals.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        out.push_str("format     files  articles  undated  duplicates  warnings  errors\n");
        for f in &self.formats {
            out.push_str(&format!(
                "{:<9} {:>6} {:>9} {:>8} {:>11} {:>9} {:>7}\n",
                f.format, f.files, f.articles, f.undated, f.duplicates, f.warnings, f.errors
            ));
        }
        if !self.kinds.is_empty() {
            out.push_str("problems by kind:\n");
            for k in &self.kinds {
                out.push_str(&format!(
                    "  {:<16} {} warnings, {} errors\n",
                    k.kind, k.warnings, k.errors
                ));
            }
        }
        out.push_str(&format!(
            "Checked {} files: {} articles ({} dated, {:.1}%; {} undated), {} duplicates folded, {} warnings, {} errors in {:.2} s",
            self.files.len(),
            self.articles,
            self.dated,
            self.dated_share() * 100.0,
            self.undated,
            self.duplicates,
            self.warnings,
            self.errors,
            self.seconds
        ));
        out
    }
}

/// Runs load, normalize and index on the site in `site_dir` without writing anything.
/// Fails only when `site.toml` cannot be read.
pub fn ingest_report(site_dir: &Path, drafts: bool) -> Result<IngestReport, Diagnostic> {
    let config = SiteConfig::load(site_dir)?;
    Ok(report_with(site_dir, &config, drafts))
}

/// [`ingest_report`] with a config already read.
pub fn report_with(site_dir: &Path, config: &SiteConfig, drafts: bool) -> IngestReport {
    let start = Instant::now();
    let loaded = ingest::load(
        &site_dir.join("content"),
        site_dir,
        config,
        LoadOptions {
            drafts,
            expired: false,
            now: chrono::Utc::now(),
            keep_withheld: false,
        },
    );
    let mut diagnostics = loaded.diagnostics;
    // Index exactly as a build does, so URLs and collisions are the build's.
    let mut index_report = IndexReport {
        skipped: loaded.skipped,
        ..IndexReport::default()
    };
    let (archive, _) = build::index(
        site_dir,
        config,
        loaded.articles,
        &loaded.folds,
        &loaded.assets,
        &mut index_report,
        &crate::cache::Memo::disabled(),
    );
    diagnostics.extend(index_report.diagnostics);
    let skipped = index_report.skipped;
    assemble(Inputs {
        files: &loaded.files,
        files_read: loaded.files_read,
        duplicates: loaded.folds.len(),
        assets: &loaded.assets,
        skipped: &skipped,
        diagnostics,
        archive: &archive,
        config,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// What a report is made from: the load and index stages' results (a build hands in
/// its own, so `broadsheet check` reads the content once).
pub struct Inputs<'a> {
    pub files: &'a [FileEntry],
    pub files_read: usize,
    /// Articles folded into another copy of the same story.
    pub duplicates: usize,
    pub assets: &'a [Asset],
    /// Files skipped by load and by index.
    pub skipped: &'a [Skipped],
    /// Load's and index's diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    pub archive: &'a Archive,
    /// The site's config, whose base URL's path (`/`, `/archive/`) the URLs are shown
    /// under.
    pub config: &'a SiteConfig,
    /// Time the load and index took.
    pub seconds: f64,
}

/// Accounts for every file from a load and index's results.
pub fn assemble(inputs: Inputs<'_>) -> IngestReport {
    let Inputs {
        files,
        files_read,
        duplicates,
        assets,
        skipped,
        diagnostics,
        archive,
        config,
        seconds,
    } = inputs;
    let url_of: HashMap<&str, &str> = archive
        .articles
        .iter()
        .map(|a| (a.id.as_str(), a.url.as_str()))
        .collect();
    let mut by_path: HashMap<&Path, Vec<&Diagnostic>> = HashMap::new();
    for d in &diagnostics {
        by_path.entry(d.path.as_path()).or_default().push(d);
    }
    let messages = |path: &Path| -> (Vec<String>, usize, usize) {
        let list = by_path.get(path).map(Vec::as_slice).unwrap_or(&[]);
        let errors = list.iter().filter(|d| d.is_error()).count();
        let text = list
            .iter()
            .map(|d| match d.line {
                Some(l) => format!("{l}: {}", d.message),
                None => d.message.clone(),
            })
            .collect();
        (text, list.len() - errors, errors)
    };

    let mut formats: BTreeMap<Format, FormatSummary> = Format::ALL
        .iter()
        .map(|&f| {
            (
                f,
                FormatSummary {
                    format: f.name(),
                    ..Default::default()
                },
            )
        })
        .collect();
    let mut reports = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for entry in files {
        let (msgs, warnings, errors) = messages(&entry.path);
        let summary = formats.get_mut(&entry.format).expect("every format listed");
        summary.files += 1;
        summary.articles += entry.articles.len();
        summary.duplicates += entry.duplicates;
        summary.warnings += warnings;
        summary.errors += errors;
        let urls: Vec<String> = entry
            .articles
            .iter()
            .filter_map(|id| url_of.get(id.as_str()).map(|u| config.path_url(u)))
            .collect();
        let outcome = if errors > 0 && urls.is_empty() {
            "error"
        } else if urls.is_empty() {
            "skipped"
        } else {
            "published"
        };
        seen.insert(entry.path.clone());
        reports.push(FileReport {
            path: entry.path.display().to_string(),
            format: entry.format.name(),
            outcome,
            urls,
            duplicates: entry.duplicates,
            reason: entry.reason.clone(),
            messages: msgs,
        });
    }
    for a in &archive.articles {
        if a.date.is_none() {
            if let Some(f) = format_of(&a.source_path).and_then(|f| formats.get_mut(&f)) {
                f.undated += 1;
            }
        }
    }

    // Assets and hidden files: copied beside an article, or skipped with the reason.
    let copied: HashSet<&Path> = archive
        .asset_copies
        .iter()
        .map(|c| c.from.as_path())
        .collect();
    let skip_reason: HashMap<&Path, &str> = skipped
        .iter()
        .map(|s| (s.path.as_path(), s.reason.as_str()))
        .collect();
    for asset in assets {
        let shown = PathBuf::from("content").join(&asset.rel);
        let (msgs, _, _) = messages(&shown);
        let is_copied = copied.contains(asset.path.as_path());
        seen.insert(shown.clone());
        reports.push(FileReport {
            path: shown.display().to_string(),
            format: "asset",
            outcome: if is_copied { "copied" } else { "skipped" },
            urls: Vec::new(),
            duplicates: 0,
            reason: (!is_copied)
                .then(|| skip_reason.get(shown.as_path()).map(|r| r.to_string()))
                .flatten(),
            messages: msgs,
        });
    }
    for s in skipped.iter().filter(|s| !seen.contains(&s.path)) {
        reports.push(FileReport {
            path: s.path.display().to_string(),
            format: "other",
            outcome: "skipped",
            urls: Vec::new(),
            duplicates: 0,
            reason: Some(s.reason.clone()),
            messages: Vec::new(),
        });
    }
    // What could not even be listed (a folder that cannot be read) is named too.
    let mut listed: HashSet<String> = reports.iter().map(|r| r.path.clone()).collect();
    for d in diagnostics
        .iter()
        .filter(|d| d.is_error() && d.path.starts_with("content"))
    {
        let path = d.path.display().to_string();
        if listed.insert(path.clone()) {
            reports.push(FileReport {
                path,
                format: "other",
                outcome: "error",
                urls: Vec::new(),
                duplicates: 0,
                reason: Some(d.message.clone()),
                messages: Vec::new(),
            });
        }
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));

    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in &diagnostics {
        let k = kinds
            .entry(if d.kind.is_empty() { "other" } else { &d.kind })
            .or_default();
        if d.is_error() {
            k.1 += 1;
        } else {
            k.0 += 1;
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    IngestReport {
        files_read,
        articles: archive.articles.len(),
        dated: archive.dated,
        undated: archive.articles.len() - archive.dated,
        duplicates,
        warnings: diagnostics.len() - errors,
        errors,
        seconds,
        formats: formats.into_values().filter(|f| f.files > 0).collect(),
        kinds: kinds
            .into_iter()
            .map(|(kind, (warnings, errors))| KindCount {
                kind: kind.to_string(),
                warnings,
                errors,
            })
            .collect(),
        files: reports,
        links_checked: false,
        broken_links: Vec::new(),
        diagnostics,
    }
}
