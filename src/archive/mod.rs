//! Index: order the articles, group them (dates, sections, tags, sources, authors),
//! give every article its URL, and plan every page of the site with its output path.
//! Two things that want the same output path are an error naming both.

pub mod links;
pub mod related;
pub mod taxonomy;
pub mod translations;
pub mod urls;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

use chrono::Datelike;
use rayon::prelude::*;

use crate::article::Article;
use crate::cache::Memo;
use crate::config::{PageNumbers, SiteConfig};
use crate::diagnostics::{Diagnostic, Skipped};
use crate::ingest::dedupe::Fold;
use crate::ingest::{Asset, Withheld};
pub use taxonomy::{Taxonomy, TaxonomyKind, Term};

/// Articles of one month, newest first.
#[derive(Debug, Clone)]
pub struct Month {
    pub month: u32,
    pub articles: Vec<usize>,
}

/// Articles of one year, newest first, and its months, newest first.
#[derive(Debug, Clone)]
pub struct Year {
    pub year: i32,
    pub articles: Vec<usize>,
    pub months: Vec<Month>,
}

/// A paginated list of articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Home,
    /// Index into `Archive::years`.
    Year(usize),
    /// Year index, month index.
    Month(usize, usize),
    /// Taxonomy index, term index.
    Term(usize, usize),
    Undated,
}

/// Which page of a listing, and which slice of its articles it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// 1-based, counted from the end the site's `page_numbers` says.
    pub number: usize,
    pub total: usize,
    /// The page's slice of the listing (newest first).
    pub range: Range<usize>,
    /// Which end of the listing page 1 is.
    pub numbering: PageNumbers,
}

impl Pagination {
    /// The number of the page at the listing's own address, which holds its newest
    /// articles: 1, or the last when pages are numbered from the oldest.
    pub fn front(&self) -> usize {
        match self.numbering {
            PageNumbers::Newest => 1,
            PageNumbers::Oldest => self.total,
        }
    }

    /// True on the page at the listing's own address.
    pub fn is_front(&self) -> bool {
        self.number == self.front()
    }
}

/// The pages of a listing of `len` articles (newest first), newest page first: each
/// page's number and slice. Numbered from the newest, page `n` holds the `n`th
/// `per_page` articles. Numbered from the oldest, page `n` holds the `n`th `per_page`
/// from the oldest, and the front page holds the rest, `per_page` to `2 * per_page - 1`
/// of the newest: so that a page, once full, never changes, and the front is never
/// nearly empty.
fn page_ranges(len: usize, per_page: usize, numbering: PageNumbers) -> Vec<(usize, Range<usize>)> {
    match numbering {
        PageNumbers::Newest => {
            let total = len.div_ceil(per_page).max(1);
            (1..=total)
                .map(|n| (n, (n - 1) * per_page..(n * per_page).min(len)))
                .collect()
        }
        PageNumbers::Oldest => {
            let numbered = (len / per_page).saturating_sub(1);
            let front = (numbered + 1, 0..len - numbered * per_page);
            std::iter::once(front)
                .chain(
                    (1..=numbered)
                        .rev()
                        .map(|n| (n, len - n * per_page..len - (n - 1) * per_page)),
                )
                .collect()
        }
    }
}

/// What a planned page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    Article(usize),
    Listing(Listing, Pagination),
    /// The list of terms of one taxonomy (index into `Archive::taxonomies`).
    TermIndex(usize),
    /// Every year and month with its count.
    DateIndex,
    /// The full-text search page (`search/`), filled in the browser by `search.js`.
    Search,
}

/// One page of the output site.
#[derive(Debug, Clone)]
pub struct Page {
    /// Site-relative URL, e.g. `tags/iraq/page/2/`; the file is `{url}index.html`.
    pub url: String,
    pub kind: PageKind,
}

/// A file under `content/` copied beside an article page.
#[derive(Debug, Clone)]
pub struct AssetCopy {
    pub from: PathBuf,
    /// Site-relative output file.
    pub to: String,
}

/// Everything downstream needs: the ordered articles, their collections, and the page plan.
#[derive(Debug)]
pub struct Archive {
    /// Dated articles newest first, then undated ones by id.
    pub articles: Vec<Article>,
    /// `articles[..dated]` have a date.
    pub dated: usize,
    pub years: Vec<Year>,
    /// Sections, tags, sources, authors, in [`TaxonomyKind::ALL`] order.
    pub taxonomies: Vec<Taxonomy>,
    pub pages: Vec<Page>,
    pub asset_copies: Vec<AssetCopy>,
    /// Old URLs of articles (their `aliases`), each written as a page that sends readers
    /// on to the article.
    pub redirects: Vec<Redirect>,
    pub home: Vec<usize>,
    pub undated: Vec<usize>,
    /// For each article, its related articles, best first (see [`related`]).
    pub related: Vec<Vec<usize>>,
    /// Stories published in several languages (see [`translations`]).
    pub translations: translations::Translations,
}

/// An old URL of an article, written as a small page that sends readers on to it.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// Site-relative file (`old/story/index.html`).
    pub file: String,
    /// The article it leads to (index into [`Archive::articles`]).
    pub to: usize,
}

/// What indexing found wrong (errors stop the build) or worth saying.
#[derive(Debug, Default)]
pub struct IndexReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Content files that became no article: those load skipped, given by the caller
    /// (a link to one is told why it is broken), then those indexing skips.
    pub skipped: Vec<Skipped>,
}

/// Indexes articles and plans the site. `static_files` (site-relative output paths of
/// `static/`) take part in the collision check. `folds` are the copies ingest folded into
/// the articles kept: links to their files lead to the kept ones.
pub fn index(
    mut articles: Vec<Article>,
    folds: &[Fold],
    assets: &[Asset],
    reserved: &[Reserved],
    config: &SiteConfig,
    report: &mut IndexReport,
    memo: &Memo,
) -> Archive {
    // One sort gives every listing its order: each collection below is filled by a
    // single pass in this order, so it comes out newest first without sorting again.
    newest_first(&mut articles);
    let dated = articles.iter().take_while(|a| a.date.is_some()).count();
    // A date past tomorrow is most often a typo for its year (2203): the article is
    // published as dated, and said. Newest first, so only those are looked at.
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    for a in articles
        .iter()
        .take_while(|a| a.date.is_some_and(|d| d > tomorrow))
    {
        let date = a.date.map(|d| d.format("%Y-%m-%d").to_string());
        report.diagnostics.push(
            Diagnostic::warning(
                &a.source_path,
                a.source_line,
                format!(
                    "dated {}, in the future; it is published now under that date (check the year, or set draft = true until then)",
                    date.unwrap_or_default()
                ),
            )
            .with_kind("future-date"),
        );
    }

    // The four taxonomies are independent: build them side by side.
    let built: Vec<(Taxonomy, Vec<Diagnostic>)> = TaxonomyKind::ALL
        .par_iter()
        .map(|&kind| {
            let mut warnings = Vec::new();
            let taxonomy = Taxonomy::build(kind, &articles, config.slugs, &mut warnings);
            (taxonomy, warnings)
        })
        .collect();
    let mut taxonomies = Vec::with_capacity(built.len());
    for (taxonomy, warnings) in built {
        taxonomies.push(taxonomy);
        report.diagnostics.extend(warnings);
    }
    let sections = &taxonomies[0];
    articles
        .par_iter_mut()
        .enumerate()
        .for_each(|(i, article)| {
            article.url = urls::permalink(article, section_slug(sections, i), config);
        });
    give_each_its_own_url(&mut articles, sections, config, &mut report.diagnostics);
    links::resolve(
        &mut articles,
        folds,
        &report.skipped,
        &mut report.diagnostics,
    );

    let years = group_by_date(&articles[..dated]);
    let translations = translations::group(&articles, config, &mut report.diagnostics);
    let mut archive = Archive {
        home: (0..articles.len()).collect(),
        undated: (dated..articles.len()).collect(),
        articles,
        dated,
        years,
        taxonomies,
        pages: Vec::new(),
        asset_copies: Vec::new(),
        redirects: Vec::new(),
        related: Vec::new(),
        translations,
    };
    // Related lists are most of the index's time and nothing planned here reads them:
    // the plan is made beside them, on whatever core they leave free.
    let n = config.related_articles;
    let (related, (asset_copies, redirects, pages)) = rayon::join(
        || related::compute(&archive.articles, &archive.taxonomies, n, memo),
        || {
            let asset_copies = plan_assets(&archive.articles, assets, report);
            let redirects = plan_redirects(&archive.articles);
            let pages = plan_pages(&archive, config);
            (asset_copies, redirects, pages)
        },
    );
    archive.related = related;
    archive.asset_copies = asset_copies;
    archive.redirects = redirects;
    archive.pages = pages;
    check_claims(&archive, reserved, &mut report.diagnostics);
    archive
}

/// Sorts `articles` in [`archive_order`]; articles equal in it keep their order. Positions are sorted, and the articles then moved once each:
/// a merge sort of the articles themselves (768 bytes each) copied all of them at each
/// of its 17 levels at 100,000 articles.
fn newest_first(articles: &mut [Article]) {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.par_sort_unstable_by(|&i, &j| archive_order(&articles[i], &articles[j]).then(i.cmp(&j)));
    // Position `k` takes the article at `order[k]`: each cycle of the permutation is
    // followed once, swapping along it.
    for start in 0..order.len() {
        let mut k = start;
        while order[k] != k {
            let next = order[k];
            order[k] = k;
            if next == start {
                break;
            }
            articles.swap(k, next);
            k = next;
        }
    }
}

/// The archive's order: newest first, then by id; undated articles last, by id.
fn archive_order(a: &Article, b: &Article) -> std::cmp::Ordering {
    match (a.date, b.date) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    }
}

/// Two articles that want one URL (the same slug on the same day: a recurring headline,
/// records that set no slug) are both published: the earlier one, by date and then by
/// source, keeps the URL and each later one gets the first free `-2`, `-3`... slug, with
/// a warning naming both files. Collisions with anything else are left to the claims
/// check, which refuses them.
fn give_each_its_own_url(
    articles: &mut [Article],
    sections: &Taxonomy,
    config: &SiteConfig,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_url: HashMap<&str, Vec<usize>> = HashMap::with_capacity(articles.len());
    for (i, a) in articles.iter().enumerate() {
        by_url.entry(a.url.as_str()).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_url.into_values().filter(|g| g.len() > 1).collect();
    if groups.is_empty() {
        return;
    }
    let mut taken: std::collections::HashSet<String> =
        articles.iter().map(|a| a.url.clone()).collect();
    let first_come = |a: &Article| (a.date, a.source_path.clone(), a.source_line);
    groups.sort_by_key(|g| g.iter().map(|&i| first_come(&articles[i])).min());
    // Every URL holds the slug (the config requires `{slug}`), so each number tried gives
    // a new URL: at most one per taken URL is passed over, and the search ends.
    let limit = taken.len() + articles.len() + 2;
    for mut group in groups {
        group.sort_by_key(|&i| first_come(&articles[i]));
        let keeper = group[0];
        // Numbers go up across the group, so a group of k costs k tries, not k² / 2.
        let mut n = 2;
        for &i in &group[1..] {
            let section_slug = section_slug(sections, i);
            let base = articles[i].slug.clone();
            let wanted = articles[i].url.clone();
            let free = (n..limit).find_map(|k| {
                articles[i].slug = format!("{base}-{k}");
                let url = urls::permalink(&articles[i], section_slug, config);
                (!taken.contains(&url)).then_some((k, url))
            });
            let Some((k, url)) = free else {
                // Left to the claims check, which names both files.
                articles[i].slug = base;
                continue;
            };
            n = k + 1;
            taken.insert(url.clone());
            let (a, kept) = (&articles[i], &articles[keeper]);
            diagnostics.push(
                Diagnostic::warning(
                    &a.source_path,
                    a.source_line,
                    format!(
                        "{} already has the URL /{wanted}; this article is published at /{url} instead (give one of the two another slug to choose its URL)",
                        place_of(kept)
                    ),
                )
                .with_kind("url-taken"),
            );
            articles[i].url = url;
        }
    }
}

/// The slug `{section}` stands for in article `i`'s permalink: its first section's, else
/// `news`.
fn section_slug(sections: &Taxonomy, i: usize) -> &str {
    sections.by_article[i]
        .first()
        .map_or("news", |&t| sections.terms[t].slug.as_str())
}

/// Where an article comes from: `content/x.jsonl:3`, or the file alone when the article
/// is the whole file.
fn place_of(a: &Article) -> String {
    crate::diagnostics::place(&a.source_path, a.source_line)
}

fn group_by_date(dated: &[Article]) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for (i, article) in dated.iter().enumerate() {
        let date = article.date.expect("dated slice");
        if years.last().is_none_or(|y| y.year != date.year()) {
            years.push(Year {
                year: date.year(),
                articles: Vec::new(),
                months: Vec::new(),
            });
        }
        let year = years.last_mut().expect("just pushed");
        year.articles.push(i);
        if year.months.last().is_none_or(|m| m.month != date.month()) {
            year.months.push(Month {
                month: date.month(),
                articles: Vec::new(),
            });
        }
        year.months
            .last_mut()
            .expect("just pushed")
            .articles
            .push(i);
    }
    years
}

fn plan_assets(articles: &[Article], assets: &[Asset], report: &mut IndexReport) -> Vec<AssetCopy> {
    let by_rel: HashMap<&str, usize> = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.rel.as_str(), i))
        .collect();
    let mut used = vec![false; assets.len()];
    let mut copies: Vec<AssetCopy> = Vec::new();
    // Without pretty URLs, articles whose pages sit in one folder share their files.
    let mut taken: HashMap<String, (usize, &Article)> = HashMap::new();
    for article in articles {
        for (rel, r) in article.asset_paths() {
            if let Some(&i) = by_rel.get(rel.as_str()) {
                let to = format!("{}{}", urls::asset_dir(&article.url), r);
                match taken.get(&to) {
                    Some(&(other, owner)) if other != i => {
                        // The page would show the other article's file: an error, not a skip.
                        report.diagnostics.push(Diagnostic::error(
                            &article.source_path,
                            article.source_line,
                            format!(
                                "refers to {r}, which would be published as {to}, where content/{} of \"{}\" ({}) already goes: pages are files (pretty_urls = false), so articles whose pages share a folder share their files; rename one of the two files",
                                assets[other].rel, owner.title, owner.source_path.display()
                            ),
                        ));
                        report.skipped.push(Skipped {
                            path: PathBuf::from("content").join(&rel),
                            reason: format!(
                                "its place {to} is taken by content/{}",
                                assets[other].rel
                            ),
                        });
                        used[i] = true;
                    }
                    Some(_) => {}
                    None => {
                        used[i] = true;
                        taken.insert(to.clone(), (i, article));
                        copies.push(AssetCopy {
                            from: assets[i].path.clone(),
                            to,
                        });
                    }
                }
            }
        }
    }
    // A file a `../` refers to is never copied, but the skip reason says who meant it.
    let mut refused_by: HashMap<usize, (&Article, &str)> = HashMap::new();
    for article in articles {
        for r in &article.refused_refs {
            // Lexical only, and only names files already listed under content/.
            let joined = format!("{}/{r}", article.folder());
            let Some(segments) = crate::ingest::body::resolve_below(&joined) else {
                continue;
            };
            if let Some(&i) = by_rel.get(segments.join("/").as_str()) {
                refused_by.entry(i).or_insert((article, r));
            }
        }
    }
    for (i, (asset, used)) in assets.iter().zip(used).enumerate() {
        if used {
            continue;
        }
        let reason = match refused_by.get(&i) {
            Some((article, r)) => {
                let name = asset.rel.rsplit('/').next().unwrap_or(&asset.rel);
                format!(
                    "{} refers to it as '{r}', which leads out of that article's folder: files are copied only from an article's folder and the folders under it; move it beside the article and link it as '{name}'",
                    article.source_path.display()
                )
            }
            None => match &asset.draft_ref {
                Some((draft, Withheld::Draft)) => format!(
                    "only {}, a draft, refers to it (build with --drafts to include both)",
                    draft.display()
                ),
                Some((expired, Withheld::Expired(_))) => format!(
                    "only {}, expired, refers to it (build with --expired to include both)",
                    expired.display()
                ),
                None => match &asset.failed_near {
                    Some(failed) => format!(
                        "no article refers to it, but {}, which failed (see its error), may: fix that first",
                        failed.display()
                    ),
                    None => "not an article, and no article beside it refers to it (link it from an article's body or its image field)".into(),
                },
            },
        };
        report.skipped.push(Skipped {
            path: PathBuf::from("content").join(&asset.rel),
            reason,
        });
    }
    copies
}

/// Pages of a listing of `len` articles: always at least one, so an empty home still exists.
fn paginate(base: &str, len: usize, config: &SiteConfig, listing: Listing, pages: &mut Vec<Page>) {
    let ranges = page_ranges(len, config.per_page, config.page_numbers);
    let total = ranges.len();
    for (number, range) in ranges {
        let p = Pagination {
            number,
            total,
            range,
            numbering: config.page_numbers,
        };
        pages.push(Page {
            url: urls::paginated(base, number, p.front(), config.pretty_urls),
            kind: PageKind::Listing(listing, p),
        });
    }
}

fn plan_pages(archive: &Archive, config: &SiteConfig) -> Vec<Page> {
    let mut pages: Vec<Page> = archive
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| Page {
            url: a.url.clone(),
            kind: PageKind::Article(i),
        })
        .collect();
    paginate("", archive.home.len(), config, Listing::Home, &mut pages);
    pages.push(Page {
        url: urls::DATE_INDEX.into(),
        kind: PageKind::DateIndex,
    });
    if config.search {
        pages.push(Page {
            url: urls::SEARCH.into(),
            kind: PageKind::Search,
        });
    }
    for (y, year) in archive.years.iter().enumerate() {
        paginate(
            &urls::year_url(year.year),
            year.articles.len(),
            config,
            Listing::Year(y),
            &mut pages,
        );
        for (m, month) in year.months.iter().enumerate() {
            let base = urls::month_url(year.year, month.month);
            paginate(
                &base,
                month.articles.len(),
                config,
                Listing::Month(y, m),
                &mut pages,
            );
        }
    }
    if !archive.undated.is_empty() {
        paginate(
            urls::UNDATED,
            archive.undated.len(),
            config,
            Listing::Undated,
            &mut pages,
        );
    }
    for (k, taxonomy) in archive.taxonomies.iter().enumerate() {
        pages.push(Page {
            url: format!("{}/", taxonomy.kind.plural()),
            kind: PageKind::TermIndex(k),
        });
        for (t, term) in taxonomy.terms.iter().enumerate() {
            let base = format!("{}/{}/", taxonomy.kind.plural(), term.slug);
            paginate(
                &base,
                term.articles.len(),
                config,
                Listing::Term(k, t),
                &mut pages,
            );
        }
    }
    pages
}

impl Archive {
    /// The article indices a listing shows, in order.
    pub fn listing_items(&self, listing: Listing) -> &[usize] {
        match listing {
            Listing::Home => &self.home,
            Listing::Year(y) => &self.years[y].articles,
            Listing::Month(y, m) => &self.years[y].months[m].articles,
            Listing::Term(k, t) => &self.taxonomies[k].terms[t].articles,
            Listing::Undated => &self.undated,
        }
    }

    /// The URL of the listing's first page.
    pub fn listing_base(&self, listing: Listing) -> String {
        match listing {
            Listing::Home => String::new(),
            Listing::Year(y) => urls::year_url(self.years[y].year),
            Listing::Month(y, m) => {
                urls::month_url(self.years[y].year, self.years[y].months[m].month)
            }
            Listing::Term(k, t) => {
                format!(
                    "{}/{}/",
                    self.taxonomies[k].kind.plural(),
                    self.taxonomies[k].terms[t].slug
                )
            }
            Listing::Undated => urls::UNDATED.into(),
        }
    }

    /// The URL `article`, left out of the build (a draft, or expired), would have had:
    /// its permalink, `{section}` being its section's slug on this site (or, when no
    /// published article is in that section, the slug its name would get). It is what
    /// a link to the article points at; the `-2` slug a clash with another article would
    /// have given it is not worked out.
    pub fn withheld_url(&self, article: &Article, config: &SiteConfig) -> String {
        let section = article
            .section
            .as_deref()
            .and_then(|name| self.taxonomies[0].slug_of(name, config.slugs));
        urls::permalink(article, section.as_deref().unwrap_or("news"), config)
    }

    /// Where `page` came from, for collision messages.
    fn origin(&self, page: &Page) -> String {
        match &page.kind {
            PageKind::Article(i) => place_of(&self.articles[*i]),
            PageKind::Listing(listing, p) => {
                let what = match listing {
                    Listing::Home => "the home page".to_string(),
                    Listing::Year(y) => format!("the {} archive page", self.years[*y].year),
                    Listing::Month(y, m) => format!(
                        "the {}-{:02} archive page",
                        self.years[*y].year, self.years[*y].months[*m].month
                    ),
                    Listing::Term(k, t) => format!(
                        "the {} page for '{}'",
                        self.taxonomies[*k].kind.singular(),
                        self.taxonomies[*k].terms[*t].name
                    ),
                    Listing::Undated => "the undated articles page".to_string(),
                };
                if !p.is_front() {
                    format!("{what} (page {})", p.number)
                } else {
                    what
                }
            }
            PageKind::TermIndex(k) => format!("the {} index", self.taxonomies[*k].kind.singular()),
            PageKind::DateIndex => "the date archive index".into(),
            PageKind::Search => "the search page".into(),
        }
    }
}

/// A site-relative path some other part of the site writes (a file under `static/`, the
/// theme's files, the 404 page, the sitemap...), and what writes it.
#[derive(Debug, Clone)]
pub struct Reserved {
    pub path: String,
    /// Shown in messages: `static/logo.png`, `the 404 page`.
    pub by: String,
    /// The file to point messages at, when the claim comes from one.
    pub file: Option<PathBuf>,
}

/// The redirect page of each alias of each article.
fn plan_redirects(articles: &[Article]) -> Vec<Redirect> {
    articles
        .iter()
        .enumerate()
        .flat_map(|(to, a)| {
            // An old address that is the new one (a Hugo `url` kept as it was) needs none.
            a.aliases
                .iter()
                .filter(|alias| **alias != a.url)
                .map(move |alias| Redirect {
                    file: urls::redirect_file(alias),
                    to,
                })
        })
        .collect()
}

/// Every output file has exactly one origin; a second claimant is an error naming both.
/// Origins are only spelled out on a collision: 100,000 articles make 140,000 claims.
fn check_claims(archive: &Archive, reserved: &[Reserved], diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy)]
    enum Claimant {
        Page(usize),
        Asset(usize),
        Reserved(usize),
        Redirect(usize),
    }
    let origin = |c: Claimant| match c {
        Claimant::Page(p) => archive.origin(&archive.pages[p]),
        Claimant::Asset(a) => archive.asset_copies[a].from.display().to_string(),
        Claimant::Reserved(r) => reserved[r].by.clone(),
        Claimant::Redirect(r) => {
            let a = &archive.articles[archive.redirects[r].to];
            format!("an alias of {}", a.source_path.display())
        }
    };
    let article_place = |i: usize| {
        Some((
            archive.articles[i].source_path.clone(),
            archive.articles[i].source_line,
        ))
    };
    let place = |c: Claimant| match c {
        Claimant::Page(p) => match archive.pages[p].kind {
            PageKind::Article(i) => article_place(i),
            _ => None,
        },
        Claimant::Asset(a) => Some((archive.asset_copies[a].from.clone(), None)),
        Claimant::Reserved(r) => reserved[r].file.clone().map(|f| (f, None)),
        Claimant::Redirect(r) => article_place(archive.redirects[r].to),
    };
    // Where to point a clash between two claimants: at a file the user can change,
    // `preferred`'s if it has one, else `other`'s.
    let at = |preferred: Claimant, other: Claimant| {
        place(preferred)
            .or_else(|| place(other))
            .unwrap_or((PathBuf::from("content"), None))
    };
    // Every claim, in the order that decides which of two came first: pages, files
    // beside articles, reserved paths, redirects.
    let mut files: Vec<(String, Claimant)> = archive
        .pages
        .par_iter()
        .enumerate()
        .map(|(p, page)| (urls::page_file(&page.url), Claimant::Page(p)))
        .collect();
    files.extend(
        archive
            .asset_copies
            .iter()
            .enumerate()
            .map(|(a, copy)| (copy.to.clone(), Claimant::Asset(a))),
    );
    files.extend(
        reserved
            .iter()
            .enumerate()
            .map(|(r, res)| (res.path.clone(), Claimant::Reserved(r))),
    );
    files.extend(
        archive
            .redirects
            .iter()
            .enumerate()
            .map(|(r, redirect)| (redirect.file.clone(), Claimant::Redirect(r))),
    );
    // Sorted by path, claims of one path stay in that order (a stable sort): each run's
    // first claim holds the path, and every later one clashes with it. Sorting in
    // parallel beats looking 140,000 claims up one after another on every build.
    files.par_sort_by(|a, b| a.0.cmp(&b.0));
    let mut claims: Vec<(&str, Claimant)> = Vec::with_capacity(files.len());
    for (file, claimant) in &files {
        match claims.last() {
            Some(&(held, first)) if held == file.as_str() => {
                let (shown, line) = at(*claimant, first);
                let fix = if matches!(claimant, Claimant::Redirect(_))
                    || matches!(first, Claimant::Redirect(_))
                {
                    "change or remove the alias (aliases, redirect_from, url or permalink), or change the other's slug, date or file name"
                } else {
                    "change a slug, date or file name so that each has its own URL"
                };
                diagnostics.push(Diagnostic::error(
                    shown,
                    line,
                    format!(
                        "{} and {} both want to write /{file}; {fix}",
                        origin(*claimant),
                        origin(first)
                    ),
                ));
            }
            _ => claims.push((file.as_str(), *claimant)),
        }
    }
    // A file where other files need a folder (`static/2023` and the 2023 pages): one
    // look-up per folder of each path, in parallel, each folder reported once (for the
    // first path, in path order, that needs it).
    let held: hashbrown::HashMap<&str, Claimant> = claims.iter().copied().collect();
    let clashes: Vec<(&str, &str, Claimant, Claimant)> = claims
        .par_iter()
        .flat_map_iter(|&(file, needs)| {
            file.match_indices('/')
                .filter_map(|(i, _)| {
                    let folder = &file[..i];
                    held.get(folder)
                        .map(|&holder| (folder, file, holder, needs))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut reported: hashbrown::HashSet<&str> = hashbrown::HashSet::new();
    for (folder, file, holder, needs) in clashes {
        if !reported.insert(folder) {
            continue;
        }
        let (shown, line) = at(holder, needs);
        diagnostics.push(Diagnostic::error(
            shown,
            line,
            format!(
                "{} writes /{folder} as a file, but {} needs /{folder}/ as a folder (for /{file}); rename one of them",
                origin(holder),
                origin(needs)
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The permutation applied in place gives what a stable sort gives.
    #[test]
    fn newest_first_is_a_stable_sort() {
        use chrono::TimeZone;
        let mut articles = Vec::new();
        for n in 0..200u32 {
            let date = (n % 5 != 0).then(|| {
                chrono_tz::UTC
                    .timestamp_opt(i64::from(n % 11) * 86_400, 0)
                    .unwrap()
            });
            articles.push(Article {
                id: format!("id-{}", n % 7),
                title: n.to_string(),
                date,
                ..Article::default()
            });
        }
        let mut expected = articles.clone();
        expected.sort_by(archive_order);
        newest_first(&mut articles);
        let titles = |v: &[Article]| v.iter().map(|a| a.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&articles), titles(&expected));
    }

    /// Every article is on exactly one page, in order, newest page first.
    fn check_cover(pages: &[(usize, Range<usize>)], len: usize) {
        let mut next = 0;
        for (_, range) in pages {
            assert_eq!(range.start, next, "{pages:?}");
            next = range.end;
        }
        assert_eq!(next, len, "{pages:?}");
    }

    #[test]
    fn pages_numbered_from_the_newest_are_full_but_the_last() {
        for len in 0..50 {
            let pages = page_ranges(len, 10, PageNumbers::Newest);
            check_cover(&pages, len);
            let numbers: Vec<usize> = pages.iter().map(|(n, _)| *n).collect();
            assert_eq!(numbers, (1..=pages.len()).collect::<Vec<_>>());
            for (_, range) in &pages[..pages.len() - 1] {
                assert_eq!(range.len(), 10);
            }
        }
    }

    #[test]
    fn pages_numbered_from_the_oldest_keep_their_articles_as_the_listing_grows() {
        let per = 10;
        for len in 0..120 {
            let pages = page_ranges(len, per, PageNumbers::Oldest);
            check_cover(&pages, len);
            let total = pages.len();
            // The front is the newest page, numbered last, and never nearly empty.
            assert_eq!(pages[0].0, total);
            let front = pages[0].1.len();
            if len >= per {
                assert!((per..2 * per).contains(&front), "{len}: {front}");
            } else {
                assert_eq!(front, len);
            }
            for (k, (n, range)) in pages[1..].iter().enumerate() {
                assert_eq!(*n, total - 1 - k);
                // Page n holds the nth ten from the oldest (positions counted from
                // the end of the newest-first listing): the same articles whatever
                // is added after them.
                assert_eq!(range.len(), per);
                assert_eq!(len - range.end, (n - 1) * per);
            }
        }
    }
}
