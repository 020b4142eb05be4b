//! What a page tells machines: OpenGraph and Twitter card tags, schema.org `NewsArticle`
//! JSON-LD, its Atom feeds, its related articles, and the context of the 404 page.
//! Everything here is data; the theme prints it (escaped) in `<head>`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::archive::{urls, Listing, PageKind};
use crate::render::views::{ArticleView, Link, PageContext, SiteView, Views};

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
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
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

    fn related_view(&self, j: usize) -> RelatedView<'_> {
        let v = &self.cards[j].view;
        RelatedView {
            title: v.title,
            url: &v.url,
            date: v.date.as_ref().map(|d| ShortDate {
                iso: &d.iso,
                display: &d.display,
            }),
        }
    }

    /// The site-wide feed, as a link for `<head>`.
    pub fn site_feed(&self) -> Link {
        Link {
            title: self.config.title.clone(),
            url: self.url(&urls::feed(&self.archive.listing_base(Listing::Home))),
        }
    }

    /// Fills the links of a page's context that come from elsewhere in the archive: feeds
    /// and related articles.
    pub fn add_links<'s>(&'s self, ctx: &mut PageContext<'s>, kind: &PageKind) {
        ctx.feeds = vec![self.site_feed()];
        if let PageKind::Listing(listing @ Listing::Term(..), _) = kind {
            ctx.feeds.insert(
                0,
                Link {
                    title: format!("{} · {}", self.config.title, ctx.page.title),
                    url: self.url(&urls::feed(&self.archive.listing_base(*listing))),
                },
            );
        }
        if let PageKind::Article(i) = kind {
            ctx.related = self.archive.related[*i]
                .iter()
                .map(|&j| self.related_view(j))
                .collect();
        }
    }

    /// Fills the meta tags and JSON-LD, which restate the rest of the context for
    /// machines. They are made from nothing but the context and the config, so a page's
    /// input hash is taken before this (it is the costliest part of a context to build)
    /// and it runs only for pages that are rendered (see [`Views::add_markup`]).
    pub(super) fn add_meta(&self, ctx: &mut PageContext<'a>) {
        let description = match &ctx.article {
            Some(a) if !a.summary.is_empty() => a.summary.to_string(),
            _ => self.config.description.clone(),
        };
        let mut meta = Vec::new();
        let mut tag = |attr: &'static str, key: &'static str, content: String| {
            if !content.is_empty() {
                meta.push(MetaTag { attr, key, content });
            }
        };
        let og = "property";
        tag(og, "og:site_name", self.config.title.clone());
        tag(og, "og:title", ctx.page.title.clone());
        tag(og, "og:url", ctx.page.permalink.clone());
        tag(og, "og:description", description.clone());
        let article = ctx.article.as_ref();
        tag(
            og,
            "og:type",
            if article.is_some() {
                "article"
            } else {
                "website"
            }
            .into(),
        );
        let image = article.and_then(|a| {
            let img = a.image.as_ref()?;
            Some((self.absolute(img.src.as_ref()?), img.alt))
        });
        if let Some((src, alt)) = &image {
            tag(og, "og:image", src.clone());
            tag(og, "og:image:alt", alt.to_string());
        }
        if let Some(a) = article {
            if let Some(d) = &a.date {
                tag(og, "article:published_time", d.iso.clone());
            }
            if let Some(d) = a.updated.as_ref().or(a.date.as_ref()) {
                tag(og, "article:modified_time", d.iso.clone());
            }
            if let Some(s) = &a.section {
                tag(og, "article:section", s.name.to_string());
            }
            for t in &a.tags {
                tag(og, "article:tag", t.name.to_string());
            }
            for t in &a.authors {
                tag(og, "article:author", self.absolute(&t.url));
            }
        }
        let tw = "name";
        let card = if image.is_some() {
            "summary_large_image"
        } else {
            "summary"
        };
        tag(tw, "twitter:card", card.into());
        tag(tw, "twitter:title", ctx.page.title.clone());
        tag(tw, "twitter:description", description);
        if let Some((src, alt)) = image {
            tag(tw, "twitter:image", src);
            tag(tw, "twitter:image:alt", alt.to_string());
        }
        ctx.meta_html = meta
            .iter()
            .map(|m| {
                format!(
                    "<meta {}=\"{}\" content=\"{}\">\n",
                    m.attr,
                    m.key,
                    super::escape_html(&m.content)
                )
            })
            .collect();
        if !ctx.lean {
            ctx.meta = meta;
        }
        ctx.json_ld = article.map(|a| script_json(&self.news_article(a)));
    }

    /// schema.org `NewsArticle` for an article, from the same view the page shows.
    pub fn news_article(&self, a: &ArticleView<'_>) -> Value {
        let mut v = json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "url": a.permalink,
            "mainEntityOfPage": { "@type": "WebPage", "@id": a.permalink },
            "inLanguage": self.config.language,
            "wordCount": a.word_count,
            "publisher": {
                "@type": "Organization",
                "name": self.config.title,
                "url": self.config.base_url,
            },
        });
        let obj = v.as_object_mut().expect("built as an object");
        if !a.summary.is_empty() {
            obj.insert("description".into(), json!(a.summary));
        }
        if let Some(d) = &a.date {
            obj.insert("datePublished".into(), json!(d.iso));
        }
        if let Some(d) = a.updated.as_ref().or(a.date.as_ref()) {
            obj.insert("dateModified".into(), json!(d.iso));
        }
        if !a.authors.is_empty() {
            let authors: Vec<Value> = a
                .authors
                .iter()
                .map(|t| json!({ "@type": "Person", "name": t.name, "url": self.absolute(&t.url) }))
                .collect();
            obj.insert("author".into(), Value::Array(authors));
        }
        if let Some(src) = a.image.as_ref().and_then(|i| i.src.as_ref()) {
            obj.insert("image".into(), json!([self.absolute(src)]));
        }
        if let Some(s) = &a.section {
            obj.insert("articleSection".into(), json!(s.name));
        }
        if !a.tags.is_empty() {
            let tags: Vec<&str> = a.tags.iter().map(|t| t.name).collect();
            obj.insert("keywords".into(), json!(tags));
        }
        if !a.sources.is_empty() {
            let sources: Vec<Value> = a
                .sources
                .iter()
                .map(|t| json!({ "@type": "Organization", "name": t.name }))
                .collect();
            obj.insert("sourceOrganization".into(), Value::Array(sources));
        }
        v
    }

    /// The context of `404.html`: served for any missing URL, so every link in it is
    /// root-relative (it works at any depth).
    pub fn not_found<'s>(&'s self, site: &'s SiteView<'s>) -> PageContext<'s> {
        let mut ctx = self.page(site, &PageKind::DateIndex, NOT_FOUND);
        ctx.years.clear();
        ctx.page.title = "Page not found".into();
        ctx.page.kind = "not-found";
        ctx.page.breadcrumbs.clear();
        ctx
    }
}

/// The 404 page's file, at the top of the site where static hosts look for it.
pub const NOT_FOUND: &str = "404.html";
