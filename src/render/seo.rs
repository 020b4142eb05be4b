//! What a page tells machines: OpenGraph and Twitter card tags, schema.org `NewsArticle`
//! JSON-LD, its Atom feeds, its related articles, and the context of the 404 page.
//! Everything here is data; the theme prints it (escaped) in `<head>`.

use serde::Serialize;

use crate::archive::{translations, urls, Listing, PageKind, TaxonomyKind};
use crate::output::feeds::{ATOM_TYPE, RSS_TYPE};
use crate::render::views::{ArticleView, FeedLink, PageContext, SiteView, Views};

/// One `<meta>` tag: `<meta {attr}="{key}" content="{content}">`.
#[derive(Debug, Serialize)]
pub struct MetaTag {
    /// `property` (OpenGraph) or `name` (Twitter).
    pub attr: &'static str,
    /// `og:title`, `twitter:card`, ...
    pub key: &'static str,
    /// The value (escaped by the template).
    pub content: String,
}

/// One language's copy of a story, for `hreflang` links and the list of languages.
#[derive(Debug, Serialize)]
pub struct TranslationView<'a> {
    /// Its language tag (`ar`, `pt-BR`).
    pub lang: &'a str,
    /// The language in its own words (`العربية`).
    pub name: String,
    pub title: &'a str,
    /// Root-relative URL of its page.
    pub url: &'a str,
    /// Absolute URL of its page.
    pub permalink: String,
    /// Whether it is the page's own article.
    pub current: bool,
    /// Whether it is in the site's language: the one for readers of any other
    /// (`hreflang="x-default"`).
    pub default: bool,
}

/// A related article as the list under an article shows it: kept small because every
/// article page carries several, and borrowed from the article's card, which has
/// formatted its URL and date already.
#[derive(Debug, Serialize)]
pub struct RelatedView<'a> {
    /// Headline.
    pub title: &'a str,
    /// Root-relative URL of the article page.
    pub url: &'a str,
    /// Publication date; `None` when undated.
    pub date: Option<ShortDate<'a>>,
    /// Its text direction when not the site's.
    pub dir: Option<&'static str>,
}

/// A date for a `<time>` element.
#[derive(Debug, Serialize)]
pub struct ShortDate<'a> {
    /// RFC 3339.
    pub iso: &'a str,
    /// `7 March 2023`
    pub display: &'a str,
}

/// JSON for inside `<script>`: `<`, `>` and `&` become `\u003c` and friends, so no
/// string in it can close the script element or open a comment, and it stays valid JSON.
/// The search index files use it too, so none holds markup-looking text.
pub fn script_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    // Bytes, not chars: what is replaced is ASCII or U+2028/U+2029 whole, and runs of
    // other text (nearly all of it) are copied as they are.
    let mut out = String::with_capacity(text.len() + 16);
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let with = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9: replaced at their first byte.
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA8]) => "\\u2028",
            0xE2 if bytes[i + 1..].starts_with(&[0x80, 0xA9]) => "\\u2029",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(with);
        copied = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&text[copied..]);
    out
}

/// schema.org `NewsArticle`, as JSON-LD. Fields are in the order of their names, as the
/// `serde_json::Value` this replaced printed them (so pages did not change).
#[derive(Serialize)]
pub struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<Thing<'a>>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<&'a str>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image: Vec<String>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPage<'a>,
    publisher: Thing<'a>,
    #[serde(rename = "sourceOrganization", skip_serializing_if = "Vec::is_empty")]
    source_organization: Vec<Thing<'a>>,
    url: &'a str,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

/// A schema.org person or organization.
#[derive(Serialize)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct WebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

impl<'a> Views<'a> {
    /// `https://example.org/archive/` -> `https://example.org`.
    fn origin(&self) -> &str {
        let c = self.config;
        c.base_url
            .strip_suffix(c.base_path.as_str())
            .unwrap_or(&c.base_url)
    }

    /// An absolute URL for a URL as the theme writes it (root-relative or absolute).
    pub fn absolute(&self, url: &str) -> String {
        if url.contains("://") {
            url.to_string()
        } else if url.starts_with('/') {
            format!("{}{url}", self.origin())
        } else {
            self.config.absolute_url(url)
        }
    }

    /// Article `j` as a translation of the page's article (`current` when it is it).
    fn translation_view(&self, j: usize, current: bool) -> TranslationView<'_> {
        let v = &self.card_of(j).view;
        let translations = &self.archive.translations;
        let lang = translations.language(&self.archive.articles[j]);
        TranslationView {
            name: translations::language_name(lang),
            default: translations.is_site_language(lang),
            lang,
            title: v.title,
            url: &v.url,
            permalink: self.absolute(&v.url),
            current,
        }
    }

    fn related_view(&self, j: usize) -> RelatedView<'_> {
        let v = &self.card_of(j).view;
        RelatedView {
            title: v.title,
            url: &v.url,
            dir: v.dir,
            date: v.date.as_ref().map(|d| ShortDate {
                iso: &d.iso,
                display: &d.display,
            }),
        }
    }

    /// A listing's feeds, as links for `<head>`: Atom, and RSS when `rss_feed` is set.
    fn feed_links(&self, listing: Listing, title: String, into: &mut Vec<FeedLink>) {
        let base = self.archive.listing_base(listing);
        into.push(FeedLink {
            title: title.clone(),
            url: self.url(&urls::feed(&base)),
            media_type: ATOM_TYPE,
        });
        if !self.config.rss_feed.is_empty() {
            into.push(FeedLink {
                title,
                url: self.url(&urls::rss_feed(&base, &self.config.rss_feed)),
                media_type: RSS_TYPE,
            });
        }
    }

    /// Fills the links of a page's context that come from elsewhere in the archive: feeds
    /// and related articles.
    pub fn add_links<'s>(&'s self, ctx: &mut PageContext<'s>, kind: &PageKind) {
        let mut feeds = Vec::with_capacity(4);
        if let PageKind::Listing(listing @ Listing::Term(k, t), _) = kind {
            let tax = &self.archive.taxonomies[*k];
            let title = TaxonomyKind::feed_title(
                &self.config.title,
                self.ui.get(tax.kind.singular()),
                &tax.terms[*t].name,
            );
            self.feed_links(*listing, title, &mut feeds);
        }
        self.feed_links(Listing::Home, self.config.title.clone(), &mut feeds);
        ctx.feeds = feeds;
        if let PageKind::Article(i) = kind {
            ctx.translations = self
                .archive
                .translations
                .of(*i)
                .iter()
                .map(|&j| self.translation_view(j, j == *i))
                .collect();
            ctx.related = self.archive.related[*i]
                .iter()
                .map(|&j| self.related_view(j))
                .collect();
        }
    }

    /// Fills the meta tags and JSON-LD, which restate the rest of the context for
    /// machines. They are made from nothing but the context and the config, so this (the
    /// costliest part of a context to build) runs only for pages that are rendered (see
    /// [`Views::add_markup`]).
    pub(super) fn add_meta<'s>(&'s self, ctx: &mut PageContext<'s>) {
        let description = match &ctx.article {
            Some(a) if !a.summary.is_empty() => a.summary,
            _ => self.config.description.as_str(),
        };
        // Each tag is written straight into `meta_html`; the list of tags is kept only
        // for templates that read it (not lean pages).
        let keep = !ctx.lean;
        let mut meta = Vec::new();
        let mut html = String::new();
        let mut tag = |attr: &'static str, key: &'static str, content: &str| {
            if content.is_empty() {
                return;
            }
            for part in ["<meta ", attr, "=\"", key, "\" content=\""] {
                html.push_str(part);
            }
            super::escape_html_into(content, &mut html);
            html.push_str("\">\n");
            if keep {
                let content = content.to_string();
                meta.push(MetaTag { attr, key, content });
            }
        };
        let og = "property";
        let article = ctx.article.as_ref();
        tag(og, "og:site_name", &self.config.title);
        // An article in another language than the site's (its view's `lang` is set only
        // then) is shared in its own.
        let own;
        let locale = match article.and_then(|a| a.lang) {
            Some(lang) => {
                own = super::ui::og_locale_of(lang);
                own.as_deref()
            }
            None => self.ui.og_locale.as_deref(),
        };
        if let Some(locale) = locale {
            tag(og, "og:locale", locale);
        }
        tag(og, "og:title", &ctx.page.title);
        tag(og, "og:url", &ctx.page.permalink);
        tag(og, "og:description", description);
        let kind = if article.is_some() {
            "article"
        } else {
            "website"
        };
        tag(og, "og:type", kind);
        let image = article.and_then(|a| {
            let img = a.image.as_ref()?;
            // Shared alone, the picture has no caption beside it: the alt, else the
            // caption, the photo title or the headline describes it.
            let alt = Some(img.alt)
                .filter(|alt| !alt.is_empty())
                .or(img.caption)
                .or(img.title)
                .unwrap_or(a.title);
            Some((self.absolute(img.src.as_ref()?), alt))
        });
        if let Some((src, alt)) = &image {
            tag(og, "og:image", src);
            tag(og, "og:image:alt", alt);
        }
        if let Some(a) = article {
            if let Some(d) = &a.date {
                tag(og, "article:published_time", &d.iso);
            }
            if let Some(d) = a.updated.as_ref().or(a.date.as_ref()) {
                tag(og, "article:modified_time", &d.iso);
            }
            if let Some(s) = &a.section {
                tag(og, "article:section", s.name);
            }
            for t in &a.tags {
                tag(og, "article:tag", t.name);
            }
            for t in &a.authors {
                tag(og, "article:author", &self.absolute(&t.url));
            }
        }
        let tw = "name";
        let card = if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        };
        tag(tw, "twitter:card", card);
        tag(tw, "twitter:title", &ctx.page.title);
        tag(tw, "twitter:description", description);
        if let Some((src, alt)) = &image {
            tag(tw, "twitter:image", src);
            tag(tw, "twitter:image:alt", alt);
        }
        ctx.meta_html = html;
        ctx.meta = meta;
        ctx.json_ld = article.map(|a| script_json(&self.news_article(a)));
    }

    /// schema.org `NewsArticle` for an article, from the same view the page shows.
    pub fn news_article<'v>(&'v self, a: &'v ArticleView<'_>) -> NewsArticle<'v> {
        let c = self.config;
        NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            article_section: a.section.as_ref().map(|s| s.name),
            author: a
                .authors
                .iter()
                .map(|t| Thing {
                    kind: "Person",
                    name: t.name,
                    url: Some(self.absolute(&t.url)),
                })
                .collect(),
            date_modified: a
                .updated
                .as_ref()
                .or(a.date.as_ref())
                .map(|d| d.iso.as_str()),
            date_published: a.date.as_ref().map(|d| d.iso.as_str()),
            description: a.summary,
            headline: a.title,
            image: a
                .image
                .as_ref()
                .and_then(|i| i.src.as_ref())
                .map(|src| self.absolute(src))
                .into_iter()
                .collect(),
            in_language: a.lang.unwrap_or(&c.language),
            keywords: a.tags.iter().map(|t| t.name).collect(),
            main_entity_of_page: WebPage {
                id: &a.permalink,
                kind: "WebPage",
            },
            publisher: Thing {
                kind: "Organization",
                name: &c.title,
                url: Some(c.base_url.clone()),
            },
            source_organization: a
                .sources
                .iter()
                .map(|t| Thing {
                    kind: "Organization",
                    name: t.name,
                    url: None,
                })
                .collect(),
            url: &a.permalink,
            word_count: a.word_count,
        }
    }

    /// The context of `404.html`: served for any missing URL, so every link in it is
    /// root-relative (it works at any depth).
    pub fn not_found<'s>(&'s self, site: &'s SiteView<'s>) -> PageContext<'s> {
        let mut ctx = self.page(site, &PageKind::DateIndex, NOT_FOUND);
        ctx.years.clear();
        ctx.page.title = self.ui.get("page_not_found").into();
        ctx.page.name.clone_from(&ctx.page.title);
        ctx.page.kind = "not-found";
        ctx.page.nav = String::new();
        ctx.page.nav_html = super::views::nav_html(site, "", "");
        ctx.page.breadcrumbs.clear();
        ctx.page.current = "";
        ctx
    }
}

/// The 404 page's file, at the top of the site where static hosts look for it.
pub const NOT_FOUND: &str = "404.html";

#[cfg(test)]
mod tests {
    use super::script_json;

    #[test]
    fn script_json_escapes_what_could_end_a_script() {
        // `—` (E2 80 94) shares its first two bytes with U+2028 and stays as it is.
        assert_eq!(
            script_json("a</script>&\u{2028}b\u{2029}é—"),
            "\"a\\u003c/script\\u003e\\u0026\\u2028b\\u2029é—\""
        );
    }
}
