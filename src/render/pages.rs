//! Renders every planned page into the staging folder, skipping the pages whose
//! inputs are unchanged since the previous build (their files are kept as they are).
//!
//! A page's input is a hash of what its context is made from, its recipe ([`Recipes`]),
//! which is worked out without building the context: building the contexts of 140,000
//! pages to hash them was most of a rebuild after one article changed. A context
//! ([`Views::page`]) is made from:
//! - what any page may show: the site, the config, the templates, and the number of
//!   undated articles;
//! - for an article page: the article whole, and its neighbours, related articles and
//!   translations as cards;
//! - for a listing page: which listing it is, its place in the listing, and its articles
//!   as cards;
//! - for the index of a taxonomy, its terms and their counts; for the date index, the
//!   years and months and their counts;
//! - a card is made from its article's fields but its body, and the names and
//!   addresses of its terms.
//!
//! Articles enter a recipe by what they are, never by their place in the archive: an
//! article added or deleted moves every index after it, but changes only the recipes
//! of the pages that show it or its neighbourhood.

use std::hash::Hash as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use super::views::{Sites, Views};
use super::{while_rendering, Renderer};
use crate::archive::{urls, Listing, Page, PageKind};
use crate::build::Observer;
use crate::cache::{Hash, HashBuffer, HashWriter};
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

/// The hashes a page's recipe is made of (see the module's notes).
struct Recipes<'v, 'a> {
    views: &'v Views<'a>,
    renderer: &'v Renderer,
    /// What any page may show: the binary, config, templates, site, undated count.
    shared: Hash,
    /// Per article: what a card shows of it.
    card: Vec<Hash>,
    /// Per article: its body, which only its own page shows.
    body: Vec<Hash>,
    /// Per taxonomy, per term: its kind, name and slug.
    terms: Vec<Vec<Hash>>,
    /// Per taxonomy: its terms and their counts, as its index page shows them.
    term_index: Vec<Hash>,
    /// The years and months and their counts, as the date index shows them.
    date_index: Hash,
}

impl<'v, 'a> Recipes<'v, 'a> {
    /// `None` when no page may be reused: `seed` is 0, or a template is volatile.
    fn new(
        renderer: &'v Renderer,
        views: &'v Views<'a>,
        sites: &Sites<'_>,
        seed: Hash,
    ) -> Option<Self> {
        if renderer.volatile || seed == 0 {
            return None;
        }
        let archive = views.archive;
        let hash = |value: &dyn Fn(&mut HashBuffer)| {
            let mut h = HashBuffer::default();
            value(&mut h);
            h.hash()
        };
        let terms: Vec<Vec<Hash>> = archive
            .taxonomies
            .par_iter()
            .map(|tax| {
                let mut h = HashBuffer::default();
                let kind = tax.kind.plural();
                tax.terms
                    .iter()
                    .map(|t| {
                        h.clear();
                        (kind, &t.name, &t.slug).hash(&mut h);
                        h.hash()
                    })
                    .collect()
            })
            .collect();
        let term_index = archive
            .taxonomies
            .iter()
            .zip(&terms)
            .map(|(tax, hashes)| {
                hash(&|h| {
                    tax.terms.len().hash(h);
                    for (t, th) in tax.terms.iter().zip(hashes) {
                        (th, t.articles.len()).hash(h);
                    }
                })
            })
            .collect();
        let date_index = hash(&|h| {
            archive.years.len().hash(h);
            for y in &archive.years {
                (y.year, y.articles.len(), y.months.len()).hash(h);
                for m in &y.months {
                    (m.month, m.articles.len()).hash(h);
                }
            }
        });
        let (card, body) = archive
            .articles
            .par_iter()
            .enumerate()
            .map_init(HashBuffer::default, |h, (i, a)| {
                h.clear();
                a.hash_but_body(h);
                for (tax, hashes) in archive.taxonomies.iter().zip(&terms) {
                    let of = &tax.by_article[i];
                    of.len().hash(h);
                    for &t in of {
                        hashes[t].hash(h);
                    }
                }
                (h.hash(), a.body_html.hash())
            })
            .unzip();
        let mut h = HashWriter::new(seed ^ renderer.templates);
        for part in [sites.full.hash, sites.lean.hash] {
            h.update(&part.to_le_bytes());
        }
        h.update(&(archive.undated.len() as u64).to_le_bytes());
        Some(Recipes {
            views,
            renderer,
            shared: h.finish(),
            card,
            body,
            terms,
            term_index,
            date_index,
        })
    }

    /// The recipe of `page`, hashed in `h`; 0 when it cannot be told.
    fn page(&self, h: &mut HashBuffer, page: &Page) -> Hash {
        let archive = self.views.archive;
        let cards = |h: &mut HashBuffer, articles: &[usize]| {
            articles.len().hash(h);
            for &j in articles {
                self.card[j].hash(h);
            }
        };
        h.clear();
        (self.shared, &page.url).hash(h);
        match &page.kind {
            PageKind::Article(i) => {
                let i = *i;
                (0u8, self.card[i], self.body[i]).hash(h);
                // Its neighbours as the page shows them: none across the end of the
                // dated run (see `Views::page`).
                let run = if i < archive.dated {
                    0..archive.dated
                } else {
                    archive.dated..archive.articles.len()
                };
                let card = |j: usize| run.contains(&j).then(|| self.card[j]);
                (card(i + 1), i.checked_sub(1).and_then(card)).hash(h);
                cards(h, &archive.related[i]);
                let translations = archive.translations.of(i);
                translations.len().hash(h);
                for &j in translations {
                    (self.card[j], j == i).hash(h);
                }
            }
            PageKind::Listing(listing, p) => {
                1u8.hash(h);
                // Its links to the listing's other pages ([`Views::pagination`]) are
                // made from these, the listing's address (hashed below), whether its
                // articles are dated (their cards, hashed below) and the config
                // (`shared`): hashed as such, rather than made for each of 40,000
                // listing pages. Not its slice's place in the listing, which an added
                // article shifts on pages that do not change.
                let oldest = p.numbering == crate::config::PageNumbers::Oldest;
                let lean = self.renderer.is_lean(page);
                (p.number, p.total, oldest, lean).hash(h);
                match *listing {
                    Listing::Home => 0u8.hash(h),
                    Listing::Year(y) => (1u8, archive.years[y].year).hash(h),
                    Listing::Month(y, m) => {
                        let year = &archive.years[y];
                        (2u8, year.year, year.months[m].month).hash(h)
                    }
                    Listing::Term(k, t) => (3u8, self.terms[k][t]).hash(h),
                    Listing::Undated => 4u8.hash(h),
                }
                cards(h, &archive.listing_items(*listing)[p.range.clone()]);
            }
            PageKind::TermIndex(k) => (2u8, self.term_index[*k]).hash(h),
            PageKind::DateIndex => (3u8, self.date_index).hash(h),
            PageKind::Search => 4u8.hash(h),
        }
        h.hash()
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
/// built, to be rendered (the others were kept by their recipes). Pages that fail go
/// to the renderer's `failures`; once one has, the others are still rendered (to count
/// them) but nothing more is written.
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
    let recipes = Recipes::new(renderer, views, &sites, seed);
    let built = std::sync::atomic::AtomicUsize::new(0);
    pages
        .par_iter()
        .enumerate()
        .try_for_each_init(HashBuffer::default, |h, (i, page)| {
            let rel = urls::page_file(&page.url);
            let input = recipes.as_ref().map_or(0, |r| r.page(h, page));
            if staging.keep(&rel, input) {
                observer.kept(&rel);
                return Ok(());
            }
            let prepared = renderer.prepare(views, &sites, page);
            built.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
    Ok(built.into_inner())
}
