//! Renders every planned page into the staging folder, skipping the pages whose
//! inputs are unchanged since the previous build (their files are kept as they are).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::views::Views;
use super::{while_rendering, Renderer};
use crate::archive::{urls, Page, PageKind};
use crate::build::Observer;
use crate::cache::Hash;
use crate::diagnostics::{place, Diagnostic};
use crate::output::Staging;

/// Pages that failed to render. A mistake every page trips over (in `base.html`, say)
/// fails all 10,000 of them: each template file's first failure is reported, with how
/// many more pages failed in it, rather than 10,000 errors.
#[derive(Default)]
pub struct Failures {
    /// (the page's place in the plan, its error).
    all: Mutex<Vec<(usize, Diagnostic)>>,
    any: AtomicBool,
}

impl Failures {
    /// Records that the page at `order` in the plan failed (the 404 page comes first).
    pub fn add(&self, order: usize, d: Diagnostic) {
        self.any.store(true, Ordering::Relaxed);
        self.all
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((order, d));
    }

    pub fn any(&self) -> bool {
        self.any.load(Ordering::Relaxed)
    }

    /// The first failure of each file (by plan order, so the same on every build), each
    /// followed by how many more pages failed in that file.
    pub fn take(&self) -> Vec<Diagnostic> {
        let mut all = std::mem::take(&mut *self.all.lock().unwrap_or_else(|p| p.into_inner()));
        all.sort_by_key(|(order, _)| *order);
        let mut first: Vec<(Diagnostic, usize)> = Vec::new();
        for (_, d) in all {
            match first.iter_mut().find(|(f, _)| f.path == d.path) {
                Some((_, more)) => *more += 1,
                None => first.push((d, 0)),
            }
        }
        first
            .into_iter()
            .map(|(mut d, more)| {
                if more > 0 {
                    let pages = if more == 1 { "page" } else { "pages" };
                    d.message
                        .push_str(&format!(" (and {more} more {pages} failed in this file)"));
                }
                d
            })
            .collect()
    }
}

/// What a page is, for an error: its URL and, for an article, the file it came from.
pub fn describe(views: &Views<'_>, page: &Page) -> String {
    let url = views.config.path_url(&page.url);
    match &page.kind {
        PageKind::Article(i) => {
            let a = &views.archive.articles[*i];
            format!("{url} (from {})", place(&a.source_path, a.source_line))
        }
        _ => url,
    }
}

/// Renders and writes `pages` in parallel. `seed` fingerprints the binary and config
/// (0: never reuse a previous build's page). Returns how many pages were rendered.
/// Pages that fail go to the renderer's `failures`; once one has, the others are still rendered (to
/// count them) but nothing more is written.
pub fn render_pages(
    renderer: &Renderer,
    views: &Views<'_>,
    pages: &[Page],
    staging: &Staging,
    seed: Hash,
    observer: &dyn Observer,
) -> Result<usize, Diagnostic> {
    let failures = &renderer.failures;
    let sites = views.sites();
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    pages.par_iter().enumerate().try_for_each(|(i, page)| {
        let prepared = renderer.prepare(views, &sites, page, seed);
        let rel = urls::page_file(&page.url);
        if staging.keep(&rel, prepared.input) {
            observer.kept(&rel);
            return Ok(());
        }
        let input = prepared.input;
        let html = match renderer.render_prepared(views, &sites, prepared) {
            Ok(html) => html,
            Err(d) => {
                // After the 404 page, which is rendered first.
                failures.add(i + 1, while_rendering(d, &describe(views, page)));
                return Ok(());
            }
        };
        rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if failures.any() {
            return Ok(());
        }
        let changed = staging.write_page(&rel, input, html).map_err(|e| {
            Diagnostic::error(
                &views.config.output_dir,
                None,
                format!("cannot write {}: {e}", page.url),
            )
        })?;
        if changed {
            observer.wrote(&rel);
        } else {
            observer.kept(&rel);
        }
        Ok(())
    })?;
    Ok(rendered.into_inner())
}
