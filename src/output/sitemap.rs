//! `sitemap.xml` (the sitemaps.org protocol) listing every page with its last change, and
//! `robots.txt` pointing at it. Past [`MAX_URLS`] URLs the sitemap is split into
//! `sitemap-1.xml`, `sitemap-2.xml`, ... and `sitemap.xml` becomes their index, so the
//! address given to search engines never changes.

use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;
use rayon::prelude::*;

use crate::archive::{Archive, PageKind};
use crate::config::SiteConfig;
// The five XML special characters are escaped, as the protocol requires even in URLs, as
// pages escape them: the apostrophe as `&#x27;`, XML's numeric form of `&apos;`.
use crate::render::escape_html_into;

/// URLs one sitemap file may list, by the protocol.
pub const MAX_URLS: usize = 50_000;
/// The file search engines are told about.
pub const SITEMAP: &str = "sitemap.xml";
/// The robots file, written unless `static/robots.txt` exists.
pub const ROBOTS: &str = "robots.txt";

const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// One page: absolute URL and last change.
pub struct UrlEntry {
    /// Absolute URL.
    pub loc: String,
    /// Last change of what the page shows; `None` leaves `<lastmod>` out.
    pub lastmod: Option<DateTime<Tz>>,
}

/// When an article last changed: its update time, else its date.
fn changed(archive: &Archive, i: usize) -> Option<DateTime<Tz>> {
    let a = &archive.articles[i];
    match (a.date, a.updated) {
        (Some(d), Some(u)) => Some(d.max(u)),
        (d, u) => d.or(u),
    }
}

/// Every page of the site in plan order: an article changed when it did; a listing page
/// when the newest change among the articles it shows; an index page when the site did.
pub fn entries(archive: &Archive, config: &SiteConfig) -> Vec<UrlEntry> {
    // Of equal instants in different zones, the last article's, as a sequential `max`
    // gives: the order of a parallel reduction decides nothing.
    let newest = (0..archive.articles.len())
        .into_par_iter()
        .filter_map(|i| Some((changed(archive, i)?, i)))
        .max()
        .map(|(d, _)| d);
    archive
        .pages
        .par_iter()
        .map(|page| UrlEntry {
            loc: super::uri(config.absolute_url(&page.url)),
            lastmod: match &page.kind {
                PageKind::Article(i) => changed(archive, *i),
                PageKind::Listing(listing, p) => archive.listing_items(*listing)[p.range.clone()]
                    .iter()
                    .filter_map(|&i| changed(archive, i))
                    .max(),
                PageKind::TermIndex(_) | PageKind::DateIndex | PageKind::Search => newest,
            },
        })
        .collect()
}

/// The sitemap files (site-relative name, bytes) for `entries`, split every `limit` URLs.
pub fn files(entries: &[UrlEntry], config: &SiteConfig, limit: usize) -> Vec<(String, String)> {
    let limit = limit.max(1);
    if entries.len() <= limit {
        return vec![(SITEMAP.into(), urlset(entries))];
    }
    // Each file's text is made on a core of its own.
    let mut files: Vec<(String, String)> = entries
        .par_chunks(limit)
        .enumerate()
        .map(|(n, chunk)| (format!("sitemap-{}.xml", n + 1), urlset(chunk)))
        .collect();
    let mut index =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{XMLNS}\">\n");
    for ((name, _), chunk) in files.iter().zip(entries.chunks(limit)) {
        index.push_str("<sitemap><loc>");
        escape_html_into(&super::uri(config.absolute_url(name)), &mut index);
        index.push_str("</loc>");
        if let Some(d) = chunk.iter().filter_map(|e| e.lastmod).max() {
            push_lastmod(&mut index, &d);
        }
        index.push_str("</sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, (SITEMAP.into(), index));
    files
}

fn urlset(entries: &[UrlEntry]) -> String {
    let mut out = String::with_capacity(64 + entries.len() * 120);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"");
    out.push_str(XMLNS);
    out.push_str("\">\n");
    for e in entries {
        out.push_str("<url><loc>");
        escape_html_into(&e.loc, &mut out);
        out.push_str("</loc>");
        if let Some(d) = &e.lastmod {
            push_lastmod(&mut out, d);
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// W3C datetime, as the protocol asks.
fn push_lastmod(out: &mut String, d: &DateTime<Tz>) {
    out.push_str("<lastmod>");
    out.push_str(&d.to_rfc3339_opts(SecondsFormat::Secs, false));
    out.push_str("</lastmod>");
}

/// `robots.txt` allowing everything and naming the sitemap.
pub fn robots(config: &SiteConfig) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        super::uri(config.absolute_url(SITEMAP))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> UrlEntry {
        UrlEntry {
            loc: format!("https://example.org/a?b&c/{n}/"),
            lastmod: None,
        }
    }

    #[test]
    fn small_sitemap_is_one_file_and_escaped() {
        let config = SiteConfig::default();
        let f = files(&[entry(1)], &config, MAX_URLS);
        assert_eq!(f.len(), 1);
        assert!(f[0]
            .1
            .contains("<loc>https://example.org/a?b&amp;c/1/</loc>"));
    }

    #[test]
    fn splits_past_the_limit() {
        let config = SiteConfig::default();
        let all: Vec<UrlEntry> = (0..5).map(entry).collect();
        let f = files(&all, &config, 2);
        let names: Vec<&str> = f.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert!(f[0].1.contains("<sitemapindex"));
        assert_eq!(f[3].1.matches("<url>").count(), 1);
    }
}
