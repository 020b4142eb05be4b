//! The build driver: the pipeline's table of contents. Each step is one stage's public
//! function; this file only wires them together and collects the report.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::archive::{self, urls, Archive, IndexReport, Reserved};
use crate::article::Article;
use crate::cache::stamp::Stamp;
use crate::cache::{BuildCache, Memo};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Skipped};
use crate::ingest::dedupe::Fold;
use crate::ingest::{self, Asset, LoadOptions};
use crate::output::sitemap::{ROBOTS, SITEMAP};
use crate::output::{self, PreviousOutput, Staging};
use crate::render::seo::NOT_FOUND;
use crate::render::{self, theme, Renderer};
use crate::search;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.toml`, `content/`, `templates/`, `static/`).
    pub site_dir: PathBuf,
    /// Overrides `output_dir` from `site.toml`; may be absolute.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url` from `site.toml`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Keep articles whose `expiryDate` has passed.
    pub expired: bool,
    /// Warnings fail the build.
    pub strict: bool,
    /// Fill [`BuildReport::sources`] (for tools that point from a page back to its file).
    pub record_sources: bool,
    /// Fill [`BuildReport::ingest`]: what became of every content file.
    pub ingest_report: bool,
    /// URLs per sitemap file instead of the protocol's 50,000 (for tests of the split).
    pub sitemap_limit: Option<usize>,
}

/// What a build did, for the CLI to show.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// What the build produced and found: all a rebuild with nothing to do repeats.
    pub outcome: Outcome,
    /// Files written whose bytes changed (the rest were kept as they were); a rebuild
    /// with nothing to do changes none, so this is not part of [`Outcome`].
    pub files_changed: usize,
    pub elapsed: Duration,
    pub output_dir: PathBuf,
    /// True when the new site is in place.
    pub success: bool,
    /// What became of every content file, when [`BuildOptions::ingest_report`] was set
    /// (and the content could be read).
    pub ingest: Option<crate::report::IngestReport>,
    /// Article URL -> source file, when [`BuildOptions::record_sources`] was set.
    pub sources: Vec<(String, PathBuf)>,
    /// The articles left out (drafts, expired) and the URLs they would have had, when
    /// [`BuildOptions::record_sources`] was set: a link to one is broken for a reason
    /// the user can be told.
    pub withheld: Vec<WithheldPage>,
    /// The end of each stage, for profiling (`BROADSHEET_TIMINGS=1`).
    pub timings: Vec<StageMark>,
    /// The cache turned out to be damaged: it was removed and the site built from the
    /// sources alone.
    pub cache_damaged: bool,
    /// Pages whose context was built, to render them; the others were known unchanged
    /// from what they are made of (their recipes, see [`render::pages`]), for profiling
    /// (`BROADSHEET_TIMINGS=1`).
    pub contexts_built: usize,
}

/// An article left out of the build, where its page would have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithheldPage {
    /// The site-relative URL it would have had (`2023/03/07/slug/`).
    pub url: String,
    /// Where it comes from: `content/x.md`, or `content/x.jsonl:3` for a record.
    pub place: String,
    /// Its old addresses (`aliases`), whose redirect pages are left out with it.
    pub aliases: Vec<String>,
    /// Why it was left out.
    pub why: ingest::Withheld,
}

/// What a build produced and found, apart from what it wrote this time and how long it
/// took: the stamp saves it as is, so a rebuild with nothing to do repeats it.
///
/// The stamp stores it with postcard, which encodes fields in order without names:
/// reordering, adding or changing a field changes the stamp's layout (bump the cache
/// format).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Articles published, to say how big the site is.
    pub articles: usize,
    /// Pages rendered, to say how big the site is.
    pub pages: usize,
    /// Files copied from `static/` and beside articles, counted apart from pages.
    pub files_copied: usize,
    /// Files in the site; a rebuild compares it with the output's to trust the stamp.
    pub files_total: usize,
    /// Warnings and errors, to show and to decide whether the build may go on.
    pub diagnostics: Vec<Diagnostic>,
    /// Content files that produced no article, and why, so none vanishes silently.
    pub skipped: Vec<Skipped>,
    /// The first `expiryDate` still to come among the published articles (Unix seconds):
    /// from then on, a rebuild with no changed file has work to do.
    pub next_expiry: Option<i64>,
}

impl Outcome {
    /// Diagnostics that stop the build.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Diagnostics that stop the build only with `strict`.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// Stops here if anything is an error (or, with `strict`, a warning).
    fn blocked(&self, strict: bool) -> bool {
        self.errors() > 0 || (strict && self.warnings() > 0)
    }
}

/// When a stage ended, and the memory then.
#[derive(Debug, Clone, Copy)]
pub struct StageMark {
    pub stage: &'static str,
    /// Since the build started.
    pub at: Duration,
    /// Memory then (Linux only).
    pub memory: Option<Memory>,
    /// Minor page faults so far (Linux only): on a virtual machine that hands free
    /// memory back to its host, each costs several microseconds.
    pub faults: Option<u64>,
    /// CPU time (user and system, all threads) used so far, in seconds (Linux only):
    /// against `at`, how well a stage kept the cores busy.
    pub cpu: Option<f64>,
}

impl BuildReport {
    fn fail(mut self, d: Diagnostic, start: Instant) -> BuildReport {
        self.outcome.diagnostics.push(d);
        self.fail_all(start)
    }

    /// A failure whose errors are already in the outcome.
    fn fail_all(mut self, start: Instant) -> BuildReport {
        self.elapsed = start.elapsed();
        self
    }

    fn mark(&mut self, stage: &'static str, start: Instant) {
        self.timings.push(StageMark {
            stage,
            at: start.elapsed(),
            memory: resident_mib(),
            cpu: cpu_seconds(),
            faults: proc_stat_field(0).and_then(|f| f.parse().ok()),
        });
    }
}

/// The process's memory at a [`StageMark`], in MiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub resident: u64,
    /// The most resident so far.
    pub peak: u64,
    /// The part of `resident` that is the process's own (not files it maps): each page
    /// of it was faulted in and zeroed once.
    pub anonymous: u64,
}

/// Watches a build as it goes (progress bars, verbose listings). Every method has a
/// no-op default; methods are called from worker threads.
pub trait Observer: Sync {
    /// A stage starts (`reading content`, `indexing`...); for stages without a count.
    fn stage(&self, _name: &str) {}
    /// Rendering starts: `total` pages to go.
    fn pages(&self, _total: usize) {}
    /// One output file was written: new, or with new bytes (site-relative path).
    fn wrote(&self, _rel: &str) {}
    /// One output file was made and found as the previous build left it, so left alone.
    fn kept(&self, _rel: &str) {}
}

/// An observer that does nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// Reads `site.toml` and applies command-line overrides, refusing an output folder that
/// would overwrite the site's sources.
pub fn load_config(opts: &BuildOptions) -> Result<SiteConfig, Diagnostic> {
    let mut config = SiteConfig::load(&opts.site_dir)?;
    if let Some(url) = &opts.base_url {
        config
            .set_base_url(url)
            .map_err(|m| Diagnostic::error("--base-url", None, m))?;
    }
    if let Some(dir) = &opts.output_dir {
        crate::config::validate_output_override(&opts.site_dir, dir)
            .map_err(|m| Diagnostic::error("--output-dir", None, m))?;
    }
    Ok(config)
}

/// The output folder a build writes to.
pub fn output_dir(opts: &BuildOptions, config: &SiteConfig) -> PathBuf {
    match &opts.output_dir {
        Some(dir) if dir.is_absolute() => dir.clone(),
        Some(dir) => opts.site_dir.join(dir),
        None => opts.site_dir.join(&config.output_dir),
    }
}

/// Builds the site: load -> normalize -> index -> render -> write.
pub fn build(opts: &BuildOptions) -> BuildReport {
    build_observed(opts, &Quiet)
}

/// [`build`], telling `observer` how it goes.
pub fn build_observed(opts: &BuildOptions, observer: &dyn Observer) -> BuildReport {
    let mut cache = None;
    // Held across both passes, so that no other build starts between them.
    let mut lock = None;
    let report = build_pass(opts, observer, true, &mut cache, &mut lock);
    let Some(cache) = cache.filter(BuildCache::damaged) else {
        return report;
    };
    // An article body stored in the cache read back wrong: the pass put nothing in place,
    // but what it derived from that body may be in the cache's memos, so the cache goes.
    // This pass reads everything from the sources and keeps the bodies in memory (should
    // the cache's folder be unwritable, its bodies could not be read back either).
    cache.clear();
    let mut again = build_pass(opts, observer, false, &mut None, &mut lock);
    again.elapsed += report.elapsed;
    again.cache_damaged = true;
    again
}

/// One attempt at [`build_observed`], with or without the parse memo, leaving the cache
/// it used in `cache`, and the output's lock in `lock` (taken unless held already).
/// Stops before the new site is put in place if the cache turned out to be damaged
/// ([`BuildCache::damaged`]), which the caller checks whatever the outcome.
fn build_pass(
    opts: &BuildOptions,
    observer: &dyn Observer,
    memo: bool,
    cache: &mut Option<BuildCache>,
    lock: &mut Option<output::OutputLock>,
) -> BuildReport {
    let start = Instant::now();
    let mut report = BuildReport::default();
    let site = &opts.site_dir;

    let config = match load_config(opts) {
        Ok(c) => c,
        Err(d) => return report.fail(d, start),
    };
    let out_dir = output_dir(opts, &config);
    report.output_dir = out_dir.clone();
    if let Err(m) = output::check_target(&out_dir) {
        return report.fail(Diagnostic::error(&out_dir, None, m), start);
    }
    if lock.is_none() {
        match output::OutputLock::take(&out_dir) {
            Ok(taken) => *lock = Some(taken),
            Err(m) => return report.fail(Diagnostic::error(&out_dir, None, m), start),
        }
    }

    observer.stage("checking for changes");
    let cache = cache.insert(BuildCache::open(&out_dir, &config, opts.drafts));
    let content = ingest::list(&site.join("content"), site);
    // Builds asked for per-file details always do the work: no need to look.
    let stamp = if opts.ingest_report || opts.record_sources {
        cache.no_stamp()
    } else {
        cache.stamp(
            site,
            &content,
            format!("{:?} {}", opts.sitemap_limit, opts.expired).as_bytes(),
        )
    };
    if let Some(previous) = nothing_to_do(&stamp, cache, &out_dir) {
        // Nothing is written this time.
        report.outcome = previous;
        report.files_changed = 0;
        report.mark("unchanged", start);
        report.success = !report.outcome.blocked(opts.strict);
        report.elapsed = start.elapsed();
        return report;
    }
    report.mark("stamp", start);
    // The previous output's manifest is read and its files looked at while the content
    // loads and is indexed.
    let previous = PreviousOutput::start(&out_dir, cache.manifest_path());
    report
        .outcome
        .diagnostics
        .extend(config.warnings.iter().cloned());

    observer.stage("reading content");
    // Load and normalize, reusing what the cache remembers of unchanged files.
    if memo {
        cache.read_parsed();
    }
    let load = LoadOptions {
        drafts: opts.drafts,
        expired: opts.expired,
        now: chrono::Utc::now(),
        // Only `check` names them, and it records sources.
        keep_withheld: opts.record_sources,
    };
    let loaded = ingest::load_listed(content, &config, load, &cache.parsed);
    cache.save_parsed();
    report.mark("load", start);
    observer.stage("indexing");
    report.outcome.diagnostics.extend(loaded.diagnostics);
    // In whole seconds rounded up: a rebuild at that second or later has passed it.
    report.outcome.next_expiry = (!opts.expired)
        .then(|| {
            let expiries = loaded.articles.iter().filter_map(|a| a.expires);
            expiries
                .filter(|e| *e > load.now)
                .map(|e| e.timestamp() + i64::from(e.timestamp_subsec_nanos() > 0))
                .min()
        })
        .flatten();

    // Index and plan every output file. What load skipped goes in first: a link to one
    // of those files is told why it is broken.
    let mut index_report = IndexReport {
        skipped: loaded.skipped,
        ..IndexReport::default()
    };
    let related = cache.memo("related");
    let (archive, files) = index(
        site,
        &config,
        loaded.articles,
        &loaded.folds,
        &loaded.assets,
        &mut index_report,
        &related,
    );
    related.finish();
    let SiteFiles {
        static_files,
        theme_files,
    } = files;
    report.outcome.diagnostics.extend(index_report.diagnostics);
    report.outcome.skipped.extend(index_report.skipped);
    report.outcome.articles = archive.articles.len();
    if opts.ingest_report {
        report.ingest = Some(crate::report::assemble(crate::report::Inputs {
            files: &loaded.files,
            files_read: loaded.files_read,
            duplicates: loaded.folds.len(),
            assets: &loaded.assets,
            skipped: &report.outcome.skipped,
            diagnostics: report.outcome.diagnostics.clone(),
            archive: &archive,
            config: &config,
            seconds: start.elapsed().as_secs_f64(),
        }));
    }
    if opts.record_sources {
        report.sources = archive
            .articles
            .iter()
            .map(|a| (a.url.clone(), a.source_path.clone()))
            .collect();
        report.withheld = loaded
            .withheld
            .iter()
            .map(|(article, why)| WithheldPage {
                url: archive.withheld_url(article, &config),
                place: ingest::record_place(article),
                aliases: article.aliases.clone(),
                why: *why,
            })
            .collect();
    }
    if report.outcome.blocked(opts.strict) {
        report.elapsed = start.elapsed();
        return report;
    }

    // Render and write into a staging folder.
    report.mark("index", start);
    let renderer = match render::ui::Ui::new(&config)
        .and_then(|ui| Renderer::new(&site.join("templates"), site, ui))
    {
        Ok(r) => r,
        Err(d) => return report.fail(d, start),
    };
    report
        .outcome
        .diagnostics
        .extend(renderer.warnings.iter().cloned());
    if report.outcome.blocked(opts.strict) {
        return report.fail_all(start);
    }
    let mut staging = match Staging::begin(&out_dir, Some(previous)) {
        Ok(s) => s,
        Err(m) => return report.fail(Diagnostic::error(&out_dir, None, m), start),
    };
    staging.set_compress(config.compress);
    staging.set_keep_files(&config.keep_files);
    let icons = theme::icons(|p| static_files.replaces(p));
    let views = render::views(&archive, &config, &renderer.ui, &icons);
    let not_found = match renderer.render_not_found(&views, &views.site()) {
        Ok(html) => html,
        Err(d) => {
            // Render the pages too (writing nothing), to tell how many fail the same way.
            renderer.failures.add(0, d);
            let counted = render::pages::render_pages(
                &renderer,
                &views,
                &archive.pages,
                &staging,
                0,
                observer,
            );
            report.outcome.pages = archive.pages.len();
            report.outcome.diagnostics.extend(renderer.failures.take());
            return match counted {
                Ok(_) => report.fail_all(start),
                Err(d) => report.fail(d, start),
            };
        }
    };
    report.mark("views", start);
    observer.pages(archive.pages.len());
    report.outcome.pages = archive.pages.len();
    let postings = cache.memo("postings");
    let extras = output::extras::Extras {
        archive: &archive,
        config: &config,
        static_files: &static_files,
        not_found_html: &not_found,
        ui: &renderer.ui,
        sitemap_limit: opts.sitemap_limit,
        seed: cache.seed(),
    };
    let written = write_site(
        &renderer,
        &views,
        &staging,
        cache.seed(),
        &postings,
        &extras,
        observer,
    );
    // Every stored body this build reads has been read by now.
    if cache.damaged() {
        return report.fail_all(start);
    }
    match written {
        Ok(built) => report.contexts_built = built,
        Err(d) => return report.fail(d, start),
    }
    if renderer.failures.any() {
        report.outcome.diagnostics.extend(renderer.failures.take());
        return report.fail_all(start);
    }
    postings.finish();
    // The cards and their markup are done with: free them before copying and the commit.
    drop(views);
    report.mark("render+search+extras", start);
    observer.stage("copying files");

    let copies = archive
        .asset_copies
        .iter()
        .map(|c| (c.to.as_str(), c.from.as_path()))
        .chain(
            static_files
                .files
                .iter()
                .map(|(rel, path)| (rel.as_str(), path.as_path())),
        );
    for (rel, from) in copies {
        match staging.copy(rel, from) {
            Ok(true) => observer.wrote(rel),
            Ok(false) => observer.kept(rel),
            Err(e) => {
                return report.fail(
                    Diagnostic::error(from, None, format!("cannot copy to {rel}: {e}")),
                    start,
                )
            }
        }
        report.outcome.files_copied += 1;
    }
    for (rel, bytes) in theme_files {
        match staging.write(rel, bytes) {
            Ok(true) => observer.wrote(rel),
            Ok(false) => observer.kept(rel),
            Err(e) => {
                return report.fail(
                    Diagnostic::error(&out_dir, None, format!("cannot write {rel}: {e}")),
                    start,
                )
            }
        }
    }

    // Swap the new site in.
    let stats = staging.stats();
    report.files_changed = stats.written;
    report.outcome.files_total = stats.written + stats.unchanged;
    stamp.forget();
    if let Err(e) = staging.commit() {
        return report.fail(
            Diagnostic::error(
                &out_dir,
                None,
                format!("cannot put the new site in place: {e}"),
            ),
            start,
        );
    }
    report.mark("commit", start);
    if !renderer.volatile() {
        stamp.save(&report.outcome);
    }
    report.success = true;
    report.elapsed = start.elapsed();
    // Freeing a 100,000-article archive takes a good part of a second; let a thread
    // do it while the caller reports (a CLI process simply exits).
    std::thread::spawn(move || drop(archive));
    report
}

/// Renders the pages and writes the search index and the extras (feeds, sitemap,
/// robots.txt, the 404 page) into `staging`; returns how many pages had their context
/// built. The three are independent, so they run side by side: each fills the cores
/// while another waits (on the writer threads, or in a sequential step).
fn write_site(
    renderer: &Renderer,
    views: &render::views::Views<'_>,
    staging: &Staging,
    seed: crate::cache::Hash,
    postings: &Memo,
    extras: &output::extras::Extras<'_>,
    observer: &dyn Observer,
) -> Result<usize, Diagnostic> {
    let (archive, config) = (views.archive, views.config);
    let (pages, (search, extras)) = rayon::join(
        || {
            let pages = render::pages::render_pages(
                renderer,
                views,
                &archive.pages,
                staging,
                seed,
                observer,
            );
            // Shown while the other two finish, if they have not.
            observer.stage("building the search index, feeds and sitemap");
            pages
        },
        || {
            rayon::join(
                || search::write_index(archive, config, views.ui, staging, postings, seed),
                || extras.write(staging),
            )
        },
    );
    let built = pages?;
    search?;
    extras?;
    Ok(built)
}

/// The previous build's outcome, when the inputs look exactly as they did for it (same
/// binary and config) and its output is still as it left it: the build has nothing to do.
fn nothing_to_do(stamp: &Stamp, cache: &BuildCache, out_dir: &Path) -> Option<Outcome> {
    let previous = stamp.previous()?;
    if previous
        .next_expiry
        .is_some_and(|t| chrono::Utc::now().timestamp() >= t)
    {
        return None;
    }
    let files = output::intact(out_dir, &cache.manifest_path())?;
    (files == previous.files_total).then_some(previous)
}

/// The files a site gets besides its pages: `static/` and the theme's own files (those
/// `static/` does not replace).
pub struct SiteFiles {
    /// Everything under `static/`.
    pub static_files: output::StaticFiles,
    /// The theme files that go into this site.
    pub theme_files: Vec<(&'static str, &'static [u8])>,
}

/// Indexes loaded articles into an archive, with `static/` and theme files claiming their
/// paths first; the ingest report calls it too, so its URLs and collisions are the build's.
/// `memo` keeps what the related lists are computed from (see [`archive::related`]);
/// `folds` are the copies ingest folded into others, whose files links may still name.
pub fn index(
    site: &Path,
    config: &SiteConfig,
    articles: Vec<Article>,
    folds: &[Fold],
    assets: &[Asset],
    report: &mut IndexReport,
    memo: &Memo,
) -> (Archive, SiteFiles) {
    let static_files = output::StaticFiles::list(&site.join("static"));
    let theme_files = theme::files_for(config.search, |p| static_files.replaces(p));
    let mut reserved: Vec<Reserved> = static_files
        .files
        .iter()
        .map(|(rel, path)| Reserved {
            path: rel.clone(),
            by: format!("static/{rel}"),
            file: Some(path.strip_prefix(site).unwrap_or(path).to_path_buf()),
        })
        .collect();
    let theme = theme_files
        .iter()
        .map(|(p, _)| (p.to_string(), format!("the theme's {p}")));
    let generated = [
        (NOT_FOUND, "the 404 page"),
        (SITEMAP, "the sitemap"),
        (ROBOTS, "robots.txt"),
        (urls::feed("").as_str(), "the site's feed"),
        (config.rss_feed.as_str(), "the site's RSS feed"),
    ]
    .map(|(p, by)| (p.to_string(), by.to_string()))
    .into_iter()
    .filter(|(p, _)| !p.is_empty() && !static_files.replaces(p));
    reserved.extend(theme.chain(generated).map(|(path, by)| Reserved {
        path,
        by,
        file: None,
    }));
    let archive = archive::index(articles, folds, assets, &reserved, config, report, memo);
    ingest::place_at_fields(site, config, &mut report.diagnostics);
    (
        archive,
        SiteFiles {
            static_files,
            theme_files,
        },
    )
}

/// The site folder's path as given, or `.`.
pub fn site_dir_or_current(dir: Option<&Path>) -> PathBuf {
    dir.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The CPU time the process has used so far (user and system, all threads), in seconds.
fn cpu_seconds() -> Option<f64> {
    let utime: u64 = proc_stat_field(4)?.parse().ok()?;
    let stime: u64 = proc_stat_field(5)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (ticks > 0).then(|| (utime + stime) as f64 / ticks as f64)
}

/// Field `minflt + n` of `/proc/self/stat` (`n` = 0: minor faults; 4, 5: user and
/// system CPU ticks).
fn proc_stat_field(n: usize) -> Option<String> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(7 + n).map(str::to_string)
}

/// The process's memory, where `/proc` tells it.
fn resident_mib() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let mib = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024)
    };
    Some(Memory {
        resident: mib("VmRSS:")?,
        peak: mib("VmHWM:")?,
        anonymous: mib("RssAnon:")?,
    })
}
