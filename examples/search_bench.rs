//! Measures the search index alone on a site folder: time and memory to build it, its
//! size, and the bytes a browser fetches for a few queries. Run by `bench/search.sh`:
//!
//!     cargo run --release --example search_bench -- SITE_DIR [WORD...]
//!
//! Without words it picks the most common word, a word of middling frequency, and a
//! word held by one article.

use std::path::PathBuf;
use std::time::Instant;

use broadsheet::archive::{self, IndexReport};
use broadsheet::cache::Memo;
use broadsheet::config::SiteConfig;
use broadsheet::ingest::{self, LoadOptions};
use broadsheet::search::{self, plan};

/// Peak and current resident memory of this process, in MiB (Linux; 0 elsewhere).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU seconds (user + system) this process has used so far: unlike wall time, not
/// inflated when other work shares the machine.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes into the zeroed struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next().map(PathBuf::from) else {
        eprintln!("usage: search_bench SITE_DIR [WORD...]");
        std::process::exit(2);
    };
    let words: Vec<String> = args.collect();
    let config = SiteConfig::load(&site).unwrap_or_else(|d| panic!("{d}"));
    let t = Instant::now();
    let loaded = ingest::load(
        &site.join("content"),
        &site,
        &config,
        LoadOptions::default(),
    );
    let archive = archive::index(
        loaded.articles,
        &loaded.folds,
        &loaded.assets,
        &[],
        &config,
        &mut IndexReport::default(),
        &Memo::disabled(),
    );
    println!(
        "loaded and indexed {} articles in {:.2} s",
        archive.articles.len(),
        t.elapsed().as_secs_f64()
    );

    let (_, rss_before) = memory();
    let t = Instant::now();
    let cpu = cpu_seconds();
    let ui = broadsheet::render::ui::Ui::new(&config).expect("the built-in words");
    let (files, stats) = search::build_files(&archive, &ui, &Memo::disabled());
    let build_s = t.elapsed().as_secs_f64();
    let build_cpu = cpu_seconds() - cpu;
    let (peak_after, _) = memory();
    println!(
        "search index: {:.2} s wall, {:.2} s CPU on {} threads, peak memory +{:.0} MiB over the {:.0} MiB before it",
        build_s,
        build_cpu,
        rayon::current_num_threads(),
        (peak_after - rss_before).max(0.0),
        rss_before
    );
    println!(
        "  {} words, {} postings, {} shards, {} files, {:.1} MB",
        stats.terms,
        stats.postings,
        stats.shards,
        stats.files,
        stats.bytes as f64 / 1e6
    );

    let out = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    for (rel, bytes) in &files {
        let path = out.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    println!("  written in {:.2} s", t.elapsed().as_secs_f64());
    drop(files);

    let words = if words.is_empty() {
        let mut vocab = plan::vocabulary(out.path()).expect("read the index");
        vocab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let common = vocab.first().map(|v| v.0.clone()).unwrap_or_default();
        let middle = vocab
            .iter()
            .find(|v| v.1 as usize <= archive.articles.len() / 20 && v.0.len() >= 5)
            .map(|v| v.0.clone())
            .unwrap_or_default();
        let rare = vocab
            .iter()
            .rev()
            .find(|v| v.0.len() >= 6 && v.0.bytes().all(|b| b.is_ascii_lowercase()))
            .map(|v| v.0.clone())
            .unwrap_or_default();
        vec![common, middle, rare]
    } else {
        words
    };
    for word in words {
        let t = Instant::now();
        let a = plan::answer(out.path(), &plan::Query::text(&word)).expect("query");
        println!(
            "query {word:?}: {} matches, fetches {} files, {:.1} KB ({:.1} ms here)",
            a.total,
            a.files.len(),
            a.bytes as f64 / 1000.0,
            t.elapsed().as_secs_f64() * 1000.0
        );
        for f in &a.files {
            let size = std::fs::metadata(out.path().join(f))
                .map(|m| m.len())
                .unwrap_or(0);
            println!("    {f} {:.1} KB", size as f64 / 1000.0);
        }
    }
}
