//! Atom feeds: one for the whole site (`atom.xml`) and one beside each section, tag,
//! source and author page (`tags/iraq/atom.xml`), each with the newest `feed_entries`
//! articles. Listings are already newest first, so a feed reads only the first N of its
//! list: the cost is N entries per feed, however many articles a tag holds.
//!
//! Nothing depends on the clock, so an unchanged archive gives byte-identical feeds.
//! Entry ids are tag URIs (RFC 4151) built from the host, the publication day and the
//! article's source file, so they survive a change of permalink pattern or slug.

use atom_syndication::{Category, Entry, Feed, Generator, Link, Person, Text};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rayon::prelude::*;

use crate::archive::{urls, Archive, Listing, TaxonomyKind};
use crate::article::Article;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::render::ui::Ui;

/// The media type feeds are announced with.
pub const ATOM_TYPE: &str = "application/atom+xml";

/// One feed to write: which listing, its file, its title.
struct FeedPlan {
    listing: Listing,
    /// Site-relative file, e.g. `tags/iraq/atom.xml`.
    file: String,
    title: String,
}

/// Every feed of the site: the home listing and every term of every taxonomy.
fn plan(archive: &Archive, config: &SiteConfig, ui: &Ui) -> Vec<FeedPlan> {
    let mut plans = vec![FeedPlan {
        listing: Listing::Home,
        file: urls::feed(&archive.listing_base(Listing::Home)),
        title: config.title.clone(),
    }];
    for (k, tax) in archive.taxonomies.iter().enumerate() {
        for (t, term) in tax.terms.iter().enumerate() {
            let listing = Listing::Term(k, t);
            plans.push(FeedPlan {
                listing,
                file: urls::feed(&archive.listing_base(listing)),
                title: TaxonomyKind::feed_title(
                    &config.title,
                    ui.get(tax.kind.singular()),
                    &term.name,
                ),
            });
        }
    }
    plans
}

/// Writes every feed whose file `skip` does not claim (a file in `static/` wins).
/// Returns how many were written.
pub fn write(
    staging: &Staging,
    archive: &Archive,
    config: &SiteConfig,
    ui: &Ui,
    skip: &(dyn Fn(&str) -> bool + Sync),
) -> Result<usize, Diagnostic> {
    let plans = plan(archive, config, ui);
    plans
        .par_iter()
        .filter(|p| !skip(&p.file))
        .map(|p| {
            let feed = build_feed(archive, config, p);
            let bytes = feed.write_to(Vec::new()).map_err(|e| {
                Diagnostic::error(&p.file, None, format!("cannot write the feed: {e}"))
            })?;
            staging.write_owned(&p.file, bytes).map_err(|e| {
                Diagnostic::error(&p.file, None, format!("cannot write the feed: {e}"))
            })?;
            Ok(1)
        })
        .sum()
}

fn build_feed(archive: &Archive, config: &SiteConfig, plan: &FeedPlan) -> Feed {
    let items = archive.listing_items(plan.listing);
    let newest = &items[..items.len().min(config.feed_entries)];
    let mut entries: Vec<(Entry, Option<DateTime<FixedOffset>>)> =
        newest.iter().map(|&i| entry(archive, config, i)).collect();
    // The feed changed when its newest entry did; an all-undated feed has no date of its
    // own, and a fixed day (the one undated entry ids carry) keeps the output independent
    // of the build's clock.
    let updated = entries
        .iter()
        .filter_map(|(_, u)| *u)
        .max()
        .unwrap_or_else(undated_time);
    for (entry, u) in &mut entries {
        if u.is_none() {
            entry.updated = updated;
        }
    }
    let page = config.absolute_url(&archive.listing_base(plan.listing));
    let self_url = config.absolute_url(&plan.file);
    Feed {
        title: Text::plain(xml_safe(&plan.title)),
        id: self_url.clone(),
        updated,
        authors: vec![Person {
            name: xml_safe(&config.title),
            uri: Some(config.base_url.clone()),
            ..Default::default()
        }],
        generator: Some(Generator {
            value: "broadsheet".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        links: vec![
            Link {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(ATOM_TYPE.into()),
                ..Default::default()
            },
            Link {
                href: page,
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: (!config.description.is_empty())
            .then(|| Text::plain(xml_safe(&config.description))),
        lang: Some(config.language.clone()),
        entries: entries.into_iter().map(|(e, _)| e).collect(),
        ..Default::default()
    }
}

/// The time given to what has none (undated entries, a feed of them): the day their
/// entry ids carry too (see [`entry_id`]), fixed so that the output does not depend on
/// the build's clock.
fn undated_time() -> DateTime<FixedOffset> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .expect("2000-01-01 exists")
        .fixed_offset()
}

/// The article's feed entry and its own `updated` time (`None` when undated).
fn entry(
    archive: &Archive,
    config: &SiteConfig,
    i: usize,
) -> (Entry, Option<DateTime<FixedOffset>>) {
    let a = &archive.articles[i];
    let published = a.date.map(|d| d.fixed_offset());
    let updated = match (published, a.updated.map(|d| d.fixed_offset())) {
        (Some(p), Some(u)) => Some(p.max(u)),
        (p, u) => p.or(u),
    };
    let term_url = |k: usize, t: usize| {
        let tax = &archive.taxonomies[k];
        config.absolute_url(&format!("{}/{}/", tax.kind.plural(), tax.terms[t].slug))
    };
    let mut authors = Vec::new();
    let mut categories = Vec::new();
    for (k, tax) in archive.taxonomies.iter().enumerate() {
        for &t in &tax.by_article[i] {
            let name = xml_safe(&tax.terms[t].name);
            match tax.kind {
                TaxonomyKind::Author => authors.push(Person {
                    name,
                    uri: Some(term_url(k, t)),
                    ..Default::default()
                }),
                TaxonomyKind::Section | TaxonomyKind::Tag => categories.push(Category {
                    term: name.clone(),
                    scheme: Some(config.absolute_url(&format!("{}/", tax.kind.plural()))),
                    label: Some(name),
                }),
                TaxonomyKind::Source => {}
            }
        }
    }
    let entry = Entry {
        title: Text::plain(xml_safe(&a.title)),
        id: entry_id(a, config),
        updated: updated.unwrap_or_else(undated_time),
        published,
        authors,
        categories,
        links: vec![Link {
            href: config.absolute_url(&a.url),
            rel: "alternate".into(),
            mime_type: Some("text/html".into()),
            ..Default::default()
        }],
        summary: (!a.summary.is_empty()).then(|| Text::plain(xml_safe(&a.summary))),
        ..Default::default()
    };
    (entry, updated)
}

/// `tag:example.org,2023-03-07:/world/pentagon-visit.md`: host, publication day (undated
/// articles use 2000-01-01), base path and the article's id (its source file), so two
/// archives on one host never share ids.
pub fn entry_id(a: &Article, config: &SiteConfig) -> String {
    let rest = config
        .base_url
        .split_once("://")
        .map(|(_, r)| r)
        .unwrap_or(&config.base_url);
    let host = rest.split('/').next().unwrap_or("");
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    let day = a
        .date
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "2000-01-01".into());
    format!(
        "tag:{},{day}:{}{}",
        host.to_ascii_lowercase(),
        config.base_path,
        percent_encode(&a.id)
    )
}

/// Percent-encodes everything but unreserved characters and `/`, so an id made from a
/// file name is a valid URI.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Drops characters XML 1.0 cannot hold (control characters from scraped text), which
/// would make the whole feed unreadable.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_valid_uris() {
        assert_eq!(percent_encode("world/a b#2.csv"), "world/a%20b%232.csv");
        assert_eq!(percent_encode("é"), "%C3%A9");
    }

    #[test]
    fn entry_ids_name_host_day_base_and_file() {
        let mut config = SiteConfig::default();
        config
            .set_base_url("https://Example.org:8080/arch/")
            .unwrap();
        let mut a = Article {
            id: "world/a b.md".into(),
            title: String::new(),
            slug: String::new(),
            url: String::new(),
            date: None,
            updated: None,
            authors: Vec::new(),
            sources: Vec::new(),
            tags: Vec::new(),
            section: None,
            summary: String::new(),
            body_html: String::new(),
            word_count: 0,
            reading_minutes: 1,
            image: None,
            draft: false,
            source_path: Default::default(),
            source_line: None,
            asset_refs: Vec::new(),
            refused_refs: Vec::new(),
            aliases: Vec::new(),
            extra: Default::default(),
            lang: None,
        };
        assert_eq!(
            entry_id(&a, &config),
            "tag:example.org,2000-01-01:/arch/world/a%20b.md"
        );
        a.date = Some(
            chrono_tz::UTC
                .with_ymd_and_hms(2023, 3, 7, 23, 0, 0)
                .unwrap(),
        );
        assert_eq!(
            entry_id(&a, &config),
            "tag:example.org,2023-03-07:/arch/world/a%20b.md"
        );
    }

    #[test]
    fn xml_safe_drops_control_characters() {
        assert_eq!(xml_safe("a\u{0C}b\tc\u{FFFE}"), "ab\tc");
    }
}
