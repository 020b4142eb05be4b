//! The command line: argument parsing and the human-facing report. No build logic here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build::{self, BuildOptions, BuildReport};

/// broadsheet turns a folder of news articles into a fast, browsable static archive site.
#[derive(Debug, Parser)]
#[command(name = "broadsheet", version, about, long_about = None)]
pub struct Cli {
    /// The site folder (holding site.toml and content/).
    #[arg(short, long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    #[command(
        after_help = "Examples:\n  broadsheet build\n  broadsheet build --root myarchive --output-dir /tmp/site --drafts\n  broadsheet build --base-url https://preview.example.org/archive/ --strict"
    )]
    Build(BuildArgs),
}

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
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// Print only warnings, errors and the summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => {
            let opts = BuildOptions {
                site_dir: build::site_dir_or_current(cli.root.as_deref()),
                output_dir: args.output_dir,
                base_url: args.base_url,
                drafts: args.drafts,
                strict: args.strict,
                ..Default::default()
            };
            let report = build::build(&opts);
            print_report(&report, args.quiet);
            if report.success {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Diagnostics to stderr, skipped files, then one summary line.
pub fn print_report(report: &BuildReport, quiet: bool) {
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    if !quiet && !report.skipped.is_empty() {
        eprintln!("Skipped {}:", plural(report.skipped.len(), "file", "files"));
        for s in &report.skipped {
            eprintln!("  {}: {}", s.path.display(), s.reason);
        }
    }
    let summary = format!(
        "{}: {}, {} copied ({} of {} files changed), {}, {} in {:.2} s",
        plural(report.articles, "article", "articles"),
        plural(report.pages, "page", "pages"),
        plural(report.files_copied, "file", "files"),
        report.files_changed,
        report.files_total,
        plural(report.warnings(), "warning", "warnings"),
        plural(report.errors(), "error", "errors"),
        report.elapsed.as_secs_f64()
    );
    if std::env::var_os("BROADSHEET_TIMINGS").is_some() {
        let t: Vec<String> = report
            .timings
            .iter()
            .map(|(stage, at)| format!("{stage} {:.3}", at.as_secs_f64()))
            .collect();
        eprintln!("timings (s since start): {}", t.join(", "));
    }
    if report.success {
        println!("Built {summary} -> {}", report.output_dir.display());
    } else {
        eprintln!(
            "Build failed: {summary}. Nothing was written; the previous site in {} is untouched.",
            report.output_dir.display()
        );
    }
}
