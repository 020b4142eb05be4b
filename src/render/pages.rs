//! Renders every planned page into the staging folder, skipping the pages whose
//! inputs are unchanged since the previous build (their files are kept as they are).
//!
//! A page's input is the hash of its context. Building the contexts of 140,000 pages
//! to hash them was most of a rebuild after one article changed, so a rebuild first
//! tells which pages cannot have changed from what they are made of, without their
//! contexts ([`Unchanged`]). A page's context ([`Views::page`]) is made from:
//! - what any page may show: the archive's layout (its order, collections, pages and
//!   translations), the site, the config and the templates;
//! - for an article page: the article whole (its fields, body and related list), and
//!   its neighbours, related articles and translations as cards;
//! - for a listing page: its articles as cards;
//! - a card is made from its article's fields but its body, and the layout.
//!
//! [`crate::output::PagesBasis`] keeps a hash of each part. When the first is as the
//! previous build's, a page none of whose articles' parts changed is as that build
//! made it: it is kept without a context being built.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::views::Views;
use super::{while_rendering, Renderer};
use crate::archive::{urls, Archive, Page, PageKind};
use crate::build::Observer;
use crate::cache::Hash;
use crate::diagnostics::{place, Diagnostic};
use crate::output::{PagesBasis, Staging};

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

/// The articles whose parts changed since the previous build, when what any page may
/// show did not (see the module's notes).
struct Unchanged {
    /// Per article: what other pages show of it changed.
    card: Vec<bool>,
    /// Per article: what only its own page shows changed.
    own: Vec<bool>,
}

impl Unchanged {
    /// `None` when what any page may show changed, or the number of articles did.
    fn since(before: &PagesBasis, now: &PagesBasis) -> Option<Unchanged> {
        if before.shared != now.shared || before.articles.len() != now.articles.len() {
            return None;
        }
        let (card, own) = before
            .articles
            .iter()
            .zip(&now.articles)
            .map(|(b, n)| (b.0 != n.0, b.1 != n.1))
            .unzip();
        Some(Unchanged { card, own })
    }

    /// True when nothing the page of `kind` is made of changed.
    fn page(&self, archive: &Archive, kind: &PageKind) -> bool {
        let shown = |i: &usize| !self.card[*i];
        match kind {
            PageKind::Article(i) => {
                let i = *i;
                // Both neighbours, whether or not the page shows them (it does not across
                // the end of the dated run).
                let around = i.saturating_sub(1)..(i + 2).min(self.card.len());
                !self.own[i]
                    && around.into_iter().all(|j| shown(&j))
                    && archive.related[i].iter().all(shown)
                    && archive.translations.of(i).iter().all(shown)
            }
            PageKind::Listing(listing, p) => archive.listing_items(*listing)[p.range.clone()]
                .iter()
                .all(shown),
            PageKind::TermIndex(_) | PageKind::DateIndex | PageKind::Search => true,
        }
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
/// (0: never reuse a previous build's page). Returns how many pages had their context
/// built (to be rendered, or hashed and found unchanged).
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
    let basis = renderer.pages_basis(views, &sites, seed);
    let unchanged = basis
        .as_ref()
        .and_then(|now| Unchanged::since(staging.previous_basis()?, now));
    let built = std::sync::atomic::AtomicUsize::new(0);
    pages.par_iter().enumerate().try_for_each(|(i, page)| {
        let rel = urls::page_file(&page.url);
        let same = unchanged
            .as_ref()
            .is_some_and(|u| u.page(views.archive, &page.kind));
        if same && staging.keep_as_before(&rel) {
            observer.kept(&rel);
            return Ok(());
        }
        let prepared = renderer.prepare(views, &sites, page, seed);
        built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    if let Some(basis) = basis {
        staging.set_basis(basis);
    }
    Ok(built.into_inner())
}
