//! The command line: argument parsing and the human-facing report. No build logic here:
//! every command calls one library function and prints what it returns.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use clap::{Args, CommandFactory, Parser, Subcommand};
use clap_complete::Shell;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::build::{self, BuildOptions, BuildReport, Observer};
use crate::check;
use crate::diagnostics::{Diagnostic, Severity};
use crate::scaffold;
use crate::serve::{self, ServeEvent, ServeOptions};

const AFTER_HELP: &str = "\
Start a new archive and preview it with live reload:
  broadsheet init myarchive
  cd myarchive
  broadsheet new \"Pentagon chief visits Iraq\" --section world
  broadsheet serve            # open http://127.0.0.1:1111/

Publish:
  broadsheet check            # broken links and input problems, nothing written
  broadsheet build            # writes the site into public/";

/// broadsheet turns a folder of news articles into a fast, browsable static archive site.
#[derive(Debug, Parser)]
#[command(name = "broadsheet", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    /// The site folder (holding site.toml and content/); default: the current folder.
    #[arg(short, long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only warnings, errors and the summary line; no progress bar.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// List every file written.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    #[command(after_help = "Examples:
  broadsheet build
  broadsheet build --root myarchive --output-dir /tmp/site --drafts
  broadsheet build --base-url https://preview.example.org/archive/ --strict")]
    Build(BuildArgs),
    /// Build, serve on localhost and rebuild + reload open pages when a file changes.
    #[command(after_help = "Examples:
  broadsheet serve                      # http://127.0.0.1:1111/
  broadsheet serve --port 8080 --drafts
  broadsheet serve --interface 0.0.0.0  # reachable from other machines on the network

Watched: content/, templates/, static/ and site.toml. A build error is shown here and over
the page in the browser, while the last good site stays served.")]
    Serve(ServeArgs),
    /// Create a new archive: site.toml, an example article, templates/ and static/.
    #[command(after_help = "Examples:
  broadsheet init myarchive
  broadsheet init --theme        # also copy the default theme in, to customize it
  broadsheet init . --force      # add a site to a folder that is not empty")]
    Init(InitArgs),
    /// Copy the built-in templates and CSS into templates/ and static/ to customize them.
    #[command(after_help = "Examples:
  broadsheet eject
  broadsheet eject --force       # replace files already there")]
    Eject(EjectArgs),
    /// Write a new article with today's date and a slug from the headline.
    #[command(after_help = "Examples:
  broadsheet new \"Pentagon chief visits Iraq\"
  broadsheet new \"Markets rally\" --section business")]
    New(NewArgs),
    /// Report what became of every content file, then build into a temporary folder and
    /// check every internal link and anchor; publishes nothing.
    #[command(after_help = "Examples:
  broadsheet check
  broadsheet check --report ingest-report.json   # one entry per input file
  broadsheet check --drafts

The report counts, per format, the files read, articles produced, undated articles and
duplicates folded, and the warnings and errors by kind. Exits with status 1 when an input
has an error or a link is broken.")]
    Check(CheckArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  broadsheet completions bash > ~/.local/share/bash-completion/completions/broadsheet
  broadsheet completions zsh > ~/.zfunc/_broadsheet
  broadsheet completions fish > ~/.config/fish/completions/broadsheet.fish")]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: Shell,
    },
}

/// Flags of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the site here instead of output_dir from site.toml.
    #[arg(short, long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Use this base URL instead of the one in site.toml (e.g. for a preview deploy).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include articles marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles whose expiryDate has passed.
    #[arg(long)]
    pub expired: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(short, long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub interface: String,
    /// The port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = 1111)]
    pub port: u16,
    /// Include articles marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles whose expiryDate has passed.
    #[arg(long)]
    pub expired: bool,
    /// The URL written into the pages, as given: the address other devices or a proxy
    /// reach this server at (such as http://192.168.1.20:1111/archive/); the site is
    /// served under its path. Default: the address listened on (localhost when that is
    /// 0.0.0.0 or ::) with the path of base_url in site.toml.
    #[arg(short = 'u', long, value_name = "URL")]
    pub base_url: Option<String>,
}

/// Flags of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create; default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty (files of the same name are replaced).
    #[arg(long)]
    pub force: bool,
    /// Also copy the default theme into templates/ and static/.
    #[arg(long)]
    pub theme: bool,
}

/// Flags of `eject`.
#[derive(Debug, Args)]
pub struct EjectArgs {
    /// Replace theme files already in templates/ or static/.
    #[arg(long)]
    pub force: bool,
}

/// Flags of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The headline; the file name and URL come from it.
    pub headline: String,
    /// Put the article in this section (the folder under content/).
    #[arg(short, long, value_name = "SECTION")]
    pub section: Option<String>,
}

/// Flags of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Include articles marked draft = true.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles whose expiryDate has passed.
    #[arg(long)]
    pub expired: bool,
    /// Also write the ingest report as JSON, with one entry per input file.
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
    /// Fail (exit 1) on warnings too, as `build --strict` does.
    #[arg(long)]
    pub strict: bool,
}

/// How much to print.
#[derive(Debug, Clone, Copy, Default)]
struct Verbosity {
    quiet: bool,
    verbose: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // Die quietly on a closed pipe (`broadsheet completions bash | head`), as Unix tools do,
    // instead of panicking inside println!.
    // SAFETY: called first thing, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let site_dir = build::site_dir_or_current(cli.root.as_deref());
    let say = Verbosity {
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    match cli.command {
        Command::Build(args) => {
            let opts = BuildOptions {
                site_dir,
                output_dir: args.output_dir,
                base_url: args.base_url,
                drafts: args.drafts,
                expired: args.expired,
                strict: args.strict,
                ..Default::default()
            };
            let progress = Progress::new(say);
            let report = build::build_observed(&opts, &progress);
            progress.finish();
            print_report(&report, &opts, say);
            exit(report.success)
        }
        Command::Serve(args) => {
            let opts = ServeOptions {
                site_dir,
                interface: args.interface,
                port: args.port,
                drafts: args.drafts,
                expired: args.expired,
                base_url: args.base_url,
            };
            let site = opts.site_dir.clone();
            let shown = std::sync::Mutex::new(std::collections::HashSet::new());
            let result = serve::serve(&opts, &|event| print_serve_event(event, &site, say, &shown));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => fail(&message),
            }
        }
        Command::Init(args) => {
            let dir = args.dir.unwrap_or_else(|| site_dir.clone());
            let made = scaffold::init(&dir, args.force).and_then(|mut made| {
                if args.theme {
                    made.extend(scaffold::eject_theme(&dir, true)?);
                }
                Ok(made)
            });
            match made {
                Ok(made) => {
                    list_made(&made, say);
                    let cd = if dir == Path::new(".") {
                        String::new()
                    } else {
                        format!("cd {} && ", dir.display())
                    };
                    // "in ." says little: the folder by its full path.
                    let shown = dir.canonicalize().unwrap_or_else(|_| dir.clone());
                    println!(
                        "Created a new archive in {}. Next: {cd}broadsheet serve",
                        shown.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => fail(&message),
            }
        }
        Command::Eject(args) => match scaffold::eject_theme(&site_dir, args.force) {
            Ok(made) => {
                list_made(&made, say);
                println!(
                    "Copied the default theme ({} files) into templates/ and static/; edit them there.",
                    made.len()
                );
                ExitCode::SUCCESS
            }
            Err(message) => fail(&message),
        },
        Command::New(args) => {
            let opts = BuildOptions {
                site_dir: site_dir.clone(),
                ..Default::default()
            };
            let config = match build::load_config(&opts) {
                Ok(config) => config,
                Err(d) => {
                    print_diagnostics(std::slice::from_ref(&d), &site_dir);
                    return ExitCode::FAILURE;
                }
            };
            match scaffold::new_article(&site_dir, &config, &args.headline, args.section.as_deref())
            {
                Ok(path) => {
                    println!("Created {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(message) => fail(&message),
            }
        }
        Command::Check(args) => check(site_dir, &args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "broadsheet", &mut io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `broadsheet check`: the ingest report (problems, per-format counts, optional JSON),
/// then the link check of a scratch build. `--quiet` changes nothing here: it keeps
/// warnings, errors and the summary, which is all `check` prints besides its tables.
fn check(site_dir: PathBuf, args: &CheckArgs) -> ExitCode {
    // One scratch build gives both the ingest report and the pages to check.
    let opts = BuildOptions {
        site_dir,
        drafts: args.drafts,
        expired: args.expired,
        ..Default::default()
    };
    let mut checked = check::check_site(&opts);
    let Some(mut ingest) = checked.report.ingest.take() else {
        // site.toml or the scratch folder failed before any content was read.
        print_diagnostics(&checked.report.outcome.diagnostics, &opts.site_dir);
        return ExitCode::FAILURE;
    };
    print_diagnostics(&ingest.diagnostics, &opts.site_dir);
    // As `build` lists them: drafts, unused images and the other files with no page.
    print_skipped(&checked.report, Verbosity::default());
    println!("{}", ingest.summary());
    ingest.links_checked = checked.report.success;
    ingest.broken_links = checked
        .broken
        .iter()
        .map(|link| crate::report::LinkReport {
            page: link.page.clone(),
            url: link.url.clone(),
            reason: link.reason.clone(),
            article: link.source.as_ref().map(|p| p.display().to_string()),
        })
        .collect();
    if let Some(path) = &args.report {
        if let Err(e) = ingest.write_json(path) {
            return fail(&format!("{}: cannot write the report: {e}", path.display()));
        }
        println!("Report written to {}", path.display());
    }
    if ingest.errors > 0 {
        eprintln!("Links not checked: fix the errors above first.");
        return ExitCode::FAILURE;
    }
    // Problems the ingest report cannot see (templates, output), which come after.
    let later = checked
        .report
        .outcome
        .diagnostics
        .get(ingest.diagnostics.len()..)
        .unwrap_or_default();
    print_diagnostics(later, &opts.site_dir);
    for link in &checked.broken {
        let from = link
            .source
            .as_ref()
            .map(|s| format!(" (article {})", s.display()))
            .unwrap_or_default();
        eprintln!(
            "broken link: {}{from}: '{}': {}",
            link.page, link.url, link.reason
        );
    }
    let warnings = checked.report.outcome.warnings();
    let strict_fails = args.strict && warnings > 0;
    if strict_fails {
        eprintln!(
            "{} with --strict: each counts as an error.",
            plural(warnings, "warning", "warnings")
        );
    }
    let ok = checked.report.success && checked.broken.is_empty() && !strict_fails;
    let line = format!(
        "Checked links in {}: {}",
        plural(checked.report.outcome.pages, "page", "pages"),
        plural(checked.broken.len(), "broken link", "broken links"),
    );
    if ok {
        println!("{line}. Nothing was written.");
    } else {
        eprintln!("{line}.");
    }
    exit(ok)
}

fn exit(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn fail(message: &str) -> ExitCode {
    let report = [Group::with_title(Level::ERROR.primary_title(message))];
    anstream::eprintln!("{}", Renderer::styled().render(&report));
    ExitCode::FAILURE
}

fn list_made(made: &[scaffold::Made], say: Verbosity) {
    if !say.quiet {
        for m in made {
            let what = if m.replaced { "replaced" } else { "created" };
            println!("  {what} {}", m.path.display());
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Progress for builds that take longer than a second: a spinner naming the stage, and a
/// bar while pages render. Shown only on a terminal, never with `--quiet`; short builds
/// stay silent. `--verbose` lists every file written.
struct Progress {
    bar: ProgressBar,
    /// Set when the build is over, so the timer below never shows a finished bar.
    done: Arc<AtomicBool>,
    verbose: bool,
}

impl Progress {
    fn new(say: Verbosity) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(Self::spinner());
        let done = Arc::new(AtomicBool::new(false));
        if !say.quiet && io::stderr().is_terminal() {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !done.load(Ordering::Relaxed) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress {
            bar,
            done,
            verbose: say.verbose,
        }
    }

    fn spinner() -> ProgressStyle {
        ProgressStyle::with_template("{spinner} {msg}…")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
    }

    fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn stage(&self, name: &str) {
        self.bar.set_style(Self::spinner());
        self.bar.set_message(name.to_string());
    }

    fn pages(&self, total: usize) {
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} rendering {pos}/{len} pages {wide_bar} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar.set_position(0);
        self.bar.set_length(total as u64);
    }

    fn wrote(&self, rel: &str) {
        self.bar.inc(1);
        if self.verbose {
            self.bar.suspend(|| println!("  wrote {rel}"));
        }
    }

    fn kept(&self, _rel: &str) {
        self.bar.inc(1);
    }
}

/// Diagnostics to stderr, skipped files, then one summary line.
fn print_report(report: &BuildReport, opts: &BuildOptions, say: Verbosity) {
    print_diagnostics(&report.outcome.diagnostics, &opts.site_dir);
    if report.cache_damaged && !say.quiet {
        eprintln!("note: the build cache was damaged; it was removed and everything was read from the sources");
    }
    print_skipped(report, say);
    let summary = format!(
        "{}: {}, {} copied ({} of {} files changed), {}, {} in {:.2} s",
        plural(report.outcome.articles, "article", "articles"),
        plural(report.outcome.pages, "page", "pages"),
        plural(report.outcome.files_copied, "file", "files"),
        report.files_changed,
        report.outcome.files_total,
        plural(report.outcome.warnings(), "warning", "warnings"),
        plural(report.outcome.errors(), "error", "errors"),
        report.elapsed.as_secs_f64()
    );
    if std::env::var_os("BROADSHEET_TIMINGS").is_some() {
        let t: Vec<String> = report
            .timings
            .iter()
            .map(|m| {
                let at = m.at.as_secs_f64();
                let cpu = m.cpu.map(|c| format!(", cpu {c:.2}")).unwrap_or_default();
                let faults = m
                    .faults
                    .map(|f| format!(", {f} faults"))
                    .unwrap_or_default();
                match m.memory {
                    Some(mem) => format!(
                        "{} {at:.3} ({} MiB, {} anonymous, peak {}{cpu}{faults})",
                        m.stage, mem.resident, mem.anonymous, mem.peak
                    ),
                    None => format!("{} {at:.3}", m.stage),
                }
            })
            .collect();
        eprintln!(
            "timings (s since start; resident memory, CPU s): {}; {} page contexts built",
            t.join(", "),
            report.contexts_built
        );
    }
    if report.success {
        println!("Built {summary} -> {}", report.output_dir.display());
    } else {
        // Without a readable site.toml the output folder is not known; a folder no build
        // made holds no previous site (and was refused).
        let made_by_a_build = report.output_dir.join(crate::output::MARKER).is_file();
        let kept = if report.output_dir.as_os_str().is_empty() || !made_by_a_build {
            String::new()
        } else {
            format!(
                "; the previous site in {} is untouched",
                report.output_dir.display()
            )
        };
        // Else "2 warnings, 0 errors" reads as no reason to fail.
        let strict = if opts.strict && report.outcome.warnings() > 0 {
            "; --strict turns warnings into errors"
        } else {
            ""
        };
        eprintln!("Build failed: {summary}{strict}. Nothing was written{kept}.");
    }
}

fn print_skipped(report: &BuildReport, say: Verbosity) {
    if !say.quiet && !report.outcome.skipped.is_empty() {
        let mut err = buffered_stderr();
        // A record of a dump is named `file:line`.
        let records = report
            .outcome
            .skipped
            .iter()
            .any(|s| s.path.to_string_lossy().contains(".json"));
        let (one, many) = match records {
            true => ("file or record", "files or records"),
            false => ("file", "files"),
        };
        let _ = writeln!(
            err,
            "Skipped {}:",
            plural(report.outcome.skipped.len(), one, many)
        );
        for s in &report.outcome.skipped {
            let _ = writeln!(err, "  {}: {}", s.path.display(), s.reason);
        }
        let _ = err.flush();
    }
}

/// Standard error for a long report, written a buffer at a time: unbuffered, each
/// message was three system calls (colour codes cut it in pieces), and 9,000 warnings of
/// a large archive took a tenth of a second to print. Colour is kept or stripped as
/// `anstream::eprintln!` decides, before the buffer.
fn buffered_stderr() -> anstream::AutoStream<Box<dyn Write>> {
    let choice = anstream::AutoStream::choice(&io::stderr());
    let buffer: Box<dyn Write> =
        Box::new(io::BufWriter::with_capacity(64 * 1024, io::stderr().lock()));
    anstream::AutoStream::new(buffer, choice)
}

/// How many diagnostics get the offending line shown; the rest are one line each, so
/// a 100,000-file import with a systematic problem stays readable and fast.
const SNIPPETS: usize = 50;

/// Each diagnostic as `error: path:line: message`, followed (for the first ones) by the
/// offending source line, rustc-style. Colour only on a terminal without `NO_COLOR`
/// (anstream strips it otherwise).
fn print_diagnostics(diagnostics: &[Diagnostic], site_dir: &Path) {
    let renderer = Renderer::styled();
    let mut err = buffered_stderr();
    // Each file read once: fifty messages about one 100 MB dump must not read it fifty times.
    let mut files: std::collections::HashMap<&Path, Option<String>> = Default::default();
    for (i, d) in diagnostics.iter().enumerate() {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = d.to_string();
        let title = title
            .split_once(": ")
            .map_or(title.as_str(), |(_, rest)| rest);
        let source = (i < SNIPPETS)
            .then(|| {
                let text = files
                    .entry(d.path.as_path())
                    .or_insert_with(|| read_source(site_dir, &d.path));
                source_line(text.as_deref()?, d.line?)
            })
            .flatten();
        let group = level.primary_title(title);
        let text = match &source {
            Some((line_no, text)) => renderer.render(&[group.element(
                Snippet::source(text.as_str())
                    .line_start(*line_no)
                    .path(d.path.to_string_lossy())
                    .annotation(AnnotationKind::Primary.span(0..text.len())),
            )]),
            None => renderer.render(&[Group::with_title(group)]),
        };
        let _ = writeln!(err, "{text}");
    }
    let _ = err.flush();
}

/// The text of the file at `path` (relative to the site folder), decoded as ingest
/// decodes it, so a Windows-1252 or UTF-16 file's line reads as its text, not as
/// replacement characters.
fn read_source(site_dir: &Path, path: &Path) -> Option<String> {
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        site_dir.join(path)
    };
    Some(crate::ingest::decode_text(std::fs::read(full).ok()?).text)
}

/// Characters of a line shown under a message: a minified dump is one line of megabytes.
const SNIPPET_CHARS: usize = 160;

/// Line `line` of `text`, cut short after [`SNIPPET_CHARS`] characters.
fn source_line(text: &str, line: usize) -> Option<(usize, String)> {
    let full = text.lines().nth(line.checked_sub(1)?)?.trim_end();
    let mut shown: String = full.chars().take(SNIPPET_CHARS).collect();
    if shown.len() < full.len() {
        shown.push('…');
    }
    (!shown.trim().is_empty()).then_some((line, shown))
}

/// What `serve` prints. `shown` holds the warnings the last build printed: a rebuild
/// prints only new ones and counts the rest, so one new error is not buried under
/// hundreds of warnings seen before.
fn print_serve_event(
    event: ServeEvent,
    site_dir: &Path,
    say: Verbosity,
    shown: &std::sync::Mutex<std::collections::HashSet<String>>,
) {
    match event {
        ServeEvent::Listening(address) => {
            // The folder by its full path: "Serving ." says little.
            let folder = site_dir
                .canonicalize()
                .unwrap_or_else(|_| site_dir.to_path_buf());
            println!(
                "Serving the site in {} at {} (Ctrl+C to stop); watching for changes",
                folder.display(),
                address.url
            );
            if address.base_url != address.url {
                println!("Pages link to {} (--base-url)", address.base_url);
            }
            if let Some(port) = address.other_port {
                // Right behind a proxy or a port forward; a mistake otherwise.
                eprintln!(
                    "note: --base-url names port {port}, not the port this server listens on; its links work only through something that forwards that port here"
                );
            }
        }
        ServeEvent::Changed(paths) => {
            if !say.quiet {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                println!("Changed: {}", names.join(", "));
            }
        }
        ServeEvent::Expiry => {
            if !say.quiet {
                println!("An article's expiryDate has come: rebuilding to take it off");
            }
        }
        ServeEvent::Built(report) => {
            let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
            let all = &report.outcome.diagnostics;
            let fresh: Vec<Diagnostic> = all
                .iter()
                .filter(|d| d.is_error() || !shown.contains(&d.to_string()))
                .cloned()
                .collect();
            let repeated = all.len() - fresh.len();
            *shown = all
                .iter()
                .filter(|d| !d.is_error())
                .map(|d| d.to_string())
                .collect();
            drop(shown);
            print_diagnostics(&fresh, site_dir);
            if repeated > 0 {
                eprintln!(
                    "(and {} shown before)",
                    plural(repeated, "warning", "warnings")
                );
            }
            if report.success {
                println!(
                    "Built {} and {} in {:.2} s",
                    plural(report.outcome.articles, "article", "articles"),
                    plural(report.outcome.pages, "page", "pages"),
                    report.elapsed.as_secs_f64()
                );
            } else {
                eprintln!("Build failed; still serving the last good site. Fix the file and save to retry.");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_cut_short() {
        let line = "x".repeat(10_000);
        let (n, shown) = source_line(&format!("first\n{line}\n"), 2).expect("line 2");
        assert_eq!(n, 2);
        assert_eq!(shown.chars().count(), SNIPPET_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(
            source_line("short\n", 1).map(|(_, s)| s).as_deref(),
            Some("short")
        );
        assert!(source_line("a\n   \n", 2).is_none());
    }
}
