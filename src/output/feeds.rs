//! Feeds: one for the whole site (`atom.xml`) and one beside each section, tag, source
//! and author page (`tags/iraq/atom.xml`), each with the newest `feed_entries` articles;
//! with `rss_feed` set, an RSS 2.0 twin beside each (`tags/iraq/rss.xml`). Listings are
//! already newest first, so a feed reads only the first N of its list: the cost is N
//! entries per feed, however many articles a tag holds.
//!
//! Nothing depends on the clock, so an unchanged archive gives byte-identical feeds.
//! Entry ids are tag URIs (RFC 4151) built from the host, the publication day and the
//! article's source file, so they survive a change of permalink pattern or slug; the RSS
//! twin gives them as its `guid`s.

use atom_syndication::{Category, Entry, Feed, Generator, Link, Person, Text};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rayon::prelude::*;

use crate::archive::{urls, Archive, Listing, TaxonomyKind};
use crate::article::Article;
use crate::cache::{Hash, HashWriter};
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::output::{uri, Staging};
use crate::render::ui::Ui;

/// The media type Atom feeds are announced with.
pub const ATOM_TYPE: &str = "application/atom+xml";
/// The media type RSS feeds are announced with.
pub const RSS_TYPE: &str = "application/rss+xml";

/// One listing's feeds: which listing, where, its title.
struct FeedPlan {
    listing: Listing,
    /// Site-relative folder of the listing (and its feeds), e.g. `tags/iraq/`.
    base: String,
    title: String,
}

impl FeedPlan {
    /// The Atom feed's site-relative file, e.g. `tags/iraq/atom.xml`.
    fn atom_file(&self) -> String {
        urls::feed(&self.base)
    }

    /// The RSS feed's site-relative file, e.g. `tags/iraq/rss.xml`.
    fn rss_file(&self, config: &SiteConfig) -> String {
        urls::rss_feed(&self.base, &config.rss_feed)
    }
}

/// Every listing with feeds: the home listing and every term of every taxonomy.
fn plan(archive: &Archive, config: &SiteConfig, ui: &Ui) -> Vec<FeedPlan> {
    let mut plans = vec![FeedPlan {
        listing: Listing::Home,
        base: archive.listing_base(Listing::Home),
        title: config.title.clone(),
    }];
    for (k, tax) in archive.taxonomies.iter().enumerate() {
        for (t, term) in tax.terms.iter().enumerate() {
            let listing = Listing::Term(k, t);
            plans.push(FeedPlan {
                listing,
                base: archive.listing_base(listing),
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
/// Returns how many were written. A feed whose input is the one the previous build
/// made it from is kept as it is; `seed` fingerprints the binary and config (see
/// [`crate::cache::fingerprint`]).
pub fn write(
    staging: &Staging,
    archive: &Archive,
    config: &SiteConfig,
    ui: &Ui,
    skip: &(dyn Fn(&str) -> bool + Sync),
    seed: Hash,
) -> Result<usize, Diagnostic> {
    let plans = plan(archive, config, ui);
    let put = |file: &str, input: Hash, bytes: Result<Vec<u8>, String>| {
        let failed =
            |e: String| Diagnostic::error(file, None, format!("cannot write the feed: {e}"));
        let bytes = bytes.map_err(failed)?;
        staging
            .write_page(file, input, bytes)
            .map_err(|e| failed(e.to_string()))?;
        Ok::<usize, Diagnostic>(1)
    };
    plans
        .par_iter()
        .map(|p| {
            let input = feed_input(seed, archive, config, p);
            let atom = p.atom_file();
            let rss = (!config.rss_feed.is_empty()).then(|| p.rss_file(config));
            let atom = (!skip(&atom)).then_some(atom);
            let rss = rss.filter(|rss| !skip(rss));
            let mut written = 0;
            // Only what the previous build did not leave as it is made now.
            let mut to_make = |file: String| {
                let kept = staging.keep(&file, input);
                written += usize::from(kept);
                (!kept).then_some(file)
            };
            let atom = atom.and_then(&mut to_make);
            let rss = rss.and_then(&mut to_make);
            if atom.is_none() && rss.is_none() {
                return Ok(written);
            }
            let items = items(archive, config, p);
            if let Some(atom) = atom {
                let feed = atom_feed(config, p, &items);
                let bytes = feed.write_to(Vec::new()).map_err(|e| e.to_string());
                written += put(&atom, input, bytes)?;
            }
            if let Some(rss) = rss {
                let channel = rss_channel(config, p, &items);
                let bytes = channel.write_to(Vec::new()).map_err(|e| e.to_string());
                written += put(&rss, input, bytes)?;
            }
            Ok(written)
        })
        .sum()
}

/// Seeds the hash of a feed's input (see [`feed_input`]).
const FEED_INPUT: Hash = 0x6665_6564_5f69_6e70_7574_5f76_6572_7301;

/// Hash of everything a feed is made from besides the config (in `seed`): its plan and,
/// for each of its entries, all [`item`] reads of the article.
fn feed_input(seed: Hash, archive: &Archive, config: &SiteConfig, plan: &FeedPlan) -> Hash {
    let mut h = HashWriter::new(seed ^ FEED_INPUT);
    h.update_prefixed(&plan.base);
    h.update_prefixed(&plan.title);
    for &i in entries(archive, config, plan) {
        let a = &archive.articles[i];
        for text in [&a.id, &a.url, &a.title, &a.summary] {
            h.update_prefixed(text);
        }
        h.update_prefixed(a.lang.as_deref().unwrap_or(""));
        h.update_date(a.date.as_ref());
        h.update_date(a.updated.as_ref());
        for tax in &archive.taxonomies {
            h.update(&(tax.by_article[i].len() as u64).to_le_bytes());
            for &t in &tax.by_article[i] {
                h.update_prefixed(&tax.terms[t].name);
                h.update_prefixed(&tax.terms[t].slug);
            }
        }
    }
    h.finish()
}

/// What both feed formats say of an article.
struct Item {
    title: String,
    /// Absolute URL of its page.
    url: String,
    /// See [`entry_id`].
    id: String,
    published: Option<DateTime<FixedOffset>>,
    /// The later of its publication and update; `None` when undated.
    updated: Option<DateTime<FixedOffset>>,
    summary: String,
    /// Name and absolute URL of each author's page.
    authors: Vec<(String, String)>,
    /// Name and the absolute URL of its kind's index (`.../tags/`) for sections and tags.
    categories: Vec<(String, String)>,
    /// Its language when not the feed's (the site's), for Atom's `xml:lang`.
    lang: Option<String>,
}

/// The newest `feed_entries` articles of the plan's listing.
fn items(archive: &Archive, config: &SiteConfig, plan: &FeedPlan) -> Vec<Item> {
    entries(archive, config, plan)
        .iter()
        .map(|&i| item(archive, config, i))
        .collect()
}

/// The archive positions of the newest `feed_entries` articles of the plan's listing.
fn entries<'a>(archive: &'a Archive, config: &SiteConfig, plan: &FeedPlan) -> &'a [usize] {
    let listed = archive.listing_items(plan.listing);
    &listed[..listed.len().min(config.feed_entries)]
}

fn item(archive: &Archive, config: &SiteConfig, i: usize) -> Item {
    let a = &archive.articles[i];
    let published = a.date.map(|d| d.fixed_offset());
    let updated = match (published, a.updated.map(|d| d.fixed_offset())) {
        (Some(p), Some(u)) => Some(p.max(u)),
        (p, u) => p.or(u),
    };
    let mut authors = Vec::new();
    let mut categories = Vec::new();
    for tax in &archive.taxonomies {
        for &t in &tax.by_article[i] {
            let term = &tax.terms[t];
            let name = xml_safe(&term.name);
            match tax.kind {
                TaxonomyKind::Author => authors.push((
                    name,
                    uri(config.absolute_url(&format!("{}/{}/", tax.kind.plural(), term.slug))),
                )),
                TaxonomyKind::Section | TaxonomyKind::Tag => categories.push((
                    name,
                    uri(config.absolute_url(&format!("{}/", tax.kind.plural()))),
                )),
                TaxonomyKind::Source => {}
            }
        }
    }
    Item {
        title: xml_safe(&a.title),
        url: uri(config.absolute_url(&a.url)),
        id: entry_id(a, config),
        published,
        updated,
        summary: xml_safe(&a.summary),
        authors,
        categories,
        lang: crate::render::views::article_lang(a, &config.language).map(str::to_string),
    }
}

/// The newest change among `items`; an all-undated feed has no date of its own, and a
/// fixed day (the one undated entry ids carry) keeps the output independent of the
/// build's clock.
fn feed_updated(items: &[Item]) -> DateTime<FixedOffset> {
    items
        .iter()
        .filter_map(|i| i.updated)
        .max()
        .unwrap_or_else(undated_time)
}

fn atom_feed(config: &SiteConfig, plan: &FeedPlan, items: &[Item]) -> Feed {
    let updated = feed_updated(items);
    let self_url = uri(config.absolute_url(&plan.atom_file()));
    let entries = items
        .iter()
        .map(|i| Entry {
            // The crate writes `xml:lang` on texts, not on entries: an entry in another
            // language than the feed's says so on its title and summary.
            title: Text {
                lang: i.lang.clone(),
                ..Text::plain(i.title.clone())
            },
            id: i.id.clone(),
            // An undated entry changed when its feed did.
            updated: i.updated.unwrap_or(updated),
            published: i.published,
            authors: i
                .authors
                .iter()
                .map(|(name, url)| Person {
                    name: name.clone(),
                    uri: Some(url.clone()),
                    ..Default::default()
                })
                .collect(),
            categories: i
                .categories
                .iter()
                .map(|(name, scheme)| Category {
                    term: name.clone(),
                    scheme: Some(scheme.clone()),
                    label: Some(name.clone()),
                })
                .collect(),
            links: vec![Link {
                href: i.url.clone(),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            }],
            summary: (!i.summary.is_empty()).then(|| Text {
                lang: i.lang.clone(),
                ..Text::plain(i.summary.clone())
            }),
            ..Default::default()
        })
        .collect();
    Feed {
        title: Text::plain(xml_safe(&plan.title)),
        id: self_url.clone(),
        updated,
        authors: vec![Person {
            name: xml_safe(&config.title),
            uri: Some(uri(config.base_url.clone())),
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
                href: uri(config.absolute_url(&plan.base)),
                rel: "alternate".into(),
                mime_type: Some("text/html".into()),
                ..Default::default()
            },
        ],
        subtitle: (!config.description.is_empty())
            .then(|| Text::plain(xml_safe(&config.description))),
        lang: Some(config.language.clone()),
        entries,
        ..Default::default()
    }
}

/// The RSS 2.0 twin of [`atom_feed`]: authors as Dublin Core creators (RSS's own
/// `author` wants an e-mail address), the entry id as a `guid` that is not a link.
fn rss_channel(config: &SiteConfig, plan: &FeedPlan, items: &[Item]) -> rss::Channel {
    use rss::extension::atom::{AtomExtension, Link as AtomLink};
    use rss::extension::dublincore::DublinCoreExtension;
    let dated = items.iter().any(|i| i.updated.is_some());
    let self_url = uri(config.absolute_url(&plan.rss_file(config)));
    let rss_items = items
        .iter()
        .map(|i| rss::Item {
            title: Some(i.title.clone()),
            link: Some(i.url.clone()),
            // Readers take an RSS description as HTML: the plain summary is escaped for it.
            description: (!i.summary.is_empty()).then(|| crate::render::escape_html(&i.summary)),
            guid: Some(rss::Guid {
                value: i.id.clone(),
                permalink: false,
            }),
            pub_date: i.published.map(|d| d.to_rfc2822()),
            categories: i
                .categories
                .iter()
                .map(|(name, scheme)| rss::Category {
                    name: name.clone(),
                    domain: Some(scheme.clone()),
                })
                .collect(),
            dublin_core_ext: (!i.authors.is_empty()).then(|| DublinCoreExtension {
                creators: i.authors.iter().map(|(name, _)| name.clone()).collect(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let description = if config.description.is_empty() {
        &plan.title
    } else {
        &config.description
    };
    rss::Channel {
        title: xml_safe(&plan.title),
        link: uri(config.absolute_url(&plan.base)),
        // Plain text, as the channel's title: the writer escapes it for XML, and
        // escaping it for HTML as well gave readers `Tom &amp; Jerry`.
        description: xml_safe(description),
        language: Some(config.language.clone()),
        generator: Some(format!("broadsheet {}", env!("CARGO_PKG_VERSION"))),
        last_build_date: dated.then(|| feed_updated(items).to_rfc2822()),
        atom_ext: Some(AtomExtension {
            links: vec![AtomLink {
                href: self_url,
                rel: "self".into(),
                mime_type: Some(RSS_TYPE.into()),
                ..Default::default()
            }],
        }),
        items: rss_items,
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
            reading_minutes: 1,
            ..Article::default()
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
