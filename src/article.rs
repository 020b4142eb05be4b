//! The one normalized record every input format is turned into: the contract between
//! ingest and everything after it.

use std::hash::Hash;
use std::path::PathBuf;

use chrono::{DateTime, Offset};
use chrono_tz::Tz;

use crate::cache::HashBuffer;

pub mod body;
pub use body::Body;

/// One news article, whatever file it came from.
#[derive(Debug, Clone, Default)]
pub struct Article {
    /// Stable identity: the source path relative to `content/` (plus `#N` for the N-th
    /// record of a multi-article file).
    pub id: String,
    pub title: String,
    /// URL-safe name: letters, digits, marks and `-` (only `a-z0-9-` with the default
    /// `slugs = "ascii"`).
    pub slug: String,
    /// Site-relative URL of the article page, e.g. `2023/03/07/slug/`; set by the archive stage.
    pub url: String,
    /// Publication time in the site's zone; `None` for an undated article.
    pub date: Option<DateTime<Tz>>,
    pub updated: Option<DateTime<Tz>>,
    pub authors: Vec<String>,
    /// News agencies (AFP, AP, Reuters...).
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    /// The first folder under `content/` unless set; `None` for top-level files.
    pub section: Option<String>,
    /// Plain text.
    pub summary: String,
    /// Sanitized HTML, in memory or stored in the build cache (see [`body`]).
    pub body_html: Body,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// Boxed: most articles have none, and an article is moved whole several times a
    /// build (120 bytes inline, at 100,000 articles).
    pub image: Option<Box<Image>>,
    pub draft: bool,
    /// The file it came from, relative to the site folder.
    pub source_path: PathBuf,
    /// Line in `source_path` where the record starts (for multi-article files).
    pub source_line: Option<usize>,
    /// Relative files the article refers to (its image, links in its body), to be copied
    /// beside its page when they sit beside its source file.
    pub asset_refs: Vec<String>,
    /// Relative paths it refers to that climb out of its folder (`../x.jpg`), as written:
    /// never copied, kept to tell why a file they might name is skipped.
    pub refused_refs: Vec<String>,
    /// Relative links in its body to Markdown files, other articles' sources
    /// (`other-story.md`, `../world/x.md`): the path as written, without query and
    /// fragment, and its line in the file when known. Once every article has its URL,
    /// each is pointed at its article's page (see [`crate::archive::links`]).
    pub content_links: Vec<(String, Option<usize>)>,
    /// Old site-relative URLs of the article (`old/path/`, `story.html`) that redirect to
    /// its page, from `aliases` (Hugo) or `redirect_from` (Jekyll): an archive that moves
    /// keeps its links working.
    pub aliases: Vec<String>,
    /// The front matter's own data for templates (`[extra]` as in Zola, `params` as in
    /// Hugo): shown to templates as `article.extra`, read by nothing else.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Its language when not the site's (`lang`), a BCP 47 tag: an Arabic story in an
    /// English archive is marked so for screen readers, search engines and direction.
    pub lang: Option<String>,
    /// The story it is a translation of, shared by every language's copy
    /// (`translationKey`, as in Hugo): their pages link each other, with `hreflang`.
    pub translation_key: Option<String>,
    /// When it comes off the site (`expiryDate`, as in Hugo; a wire story's licence
    /// ending): a build from then on leaves it out, unless run with `--expired`.
    pub expires: Option<DateTime<Tz>>,
}

impl Article {
    /// Feeds every field but the body to `h`: all that pages other than the article's
    /// own can show of it (see [`crate::render::pages`]). Each field is named, so that a
    /// new one cannot be left out.
    pub fn hash_but_body(&self, h: &mut HashBuffer) {
        let Article {
            id,
            title,
            slug,
            url,
            date,
            updated,
            authors,
            sources,
            tags,
            section,
            summary,
            body_html: _,
            word_count,
            reading_minutes,
            image,
            draft,
            source_path,
            source_line,
            asset_refs,
            refused_refs,
            content_links,
            aliases,
            extra,
            lang,
            translation_key,
            expires,
        } = self;
        (id, title, slug, url).hash(h);
        for d in [date, updated, expires] {
            // chrono hashes the instant alone; the offset and zone decide how it is shown.
            d.map(|d| {
                let offset = d.offset().fix().local_minus_utc();
                (
                    d.timestamp(),
                    d.timestamp_subsec_nanos(),
                    offset,
                    d.timezone().name(),
                )
            })
            .hash(h);
        }
        (authors, sources, tags, section, summary).hash(h);
        (word_count, reading_minutes, image, draft).hash(h);
        (source_path, source_line, asset_refs, refused_refs).hash(h);
        (content_links, aliases, lang, translation_key).hash(h);
        // Written out as JSON: a map in its own order, and JSON values have no `Hash`.
        let _ = serde_json::to_writer(&mut *h, extra);
    }

    /// The folder of its source file under `content/` (`world`; empty at the top).
    pub fn folder(&self) -> &str {
        folder_of(&self.id)
    }

    /// Each file the article refers to ([`Article::asset_refs`]), as its path under
    /// `content/` (the article's folder joined to the reference) and as referred to.
    pub fn asset_paths(&self) -> impl Iterator<Item = (String, &str)> + '_ {
        let dir = self.folder();
        self.asset_refs.iter().map(move |r| {
            let rel = if dir.is_empty() {
                r.clone()
            } else {
                format!("{dir}/{r}")
            };
            (rel, r.as_str())
        })
    }
}

/// The folder of a path under `content/` (`world` for `world/x.md`; empty at the top).
pub fn folder_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// A photo and its caption; `src` is `None` when only the caption survived (scraped text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Image {
    pub src: Option<String>,
    pub title: Option<String>,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// The image's text alternative, when the source gives one (`alt`).
    pub alt: Option<String>,
}

/// Words a reader reads per minute, for the reading time.
pub const WORDS_PER_MINUTE: usize = 200;

/// Whole minutes, at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}
