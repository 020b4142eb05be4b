//! Borrowed, serializable views of the archive for templates: no article is cloned per page.

use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

use crate::cache::{hash_value, Hash};

use crate::archive::{urls, Archive, Listing, PageKind, Pagination};
use crate::article::{Article, Body};
use crate::config::{PageNumbers, SiteConfig};
use crate::render::ui::Ui;

/// Bytes a file name cannot keep in a URL (besides controls and non-ASCII, which are
/// always encoded); `%` stays, so a name written encoded is not encoded twice.
const URL_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// A feed, for `<link rel="alternate" type="...">`.
#[derive(Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    /// Its media type (`application/atom+xml`, `application/rss+xml`).
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

/// An icon of the site, for `<link rel="icon">`.
#[derive(Serialize, Clone)]
pub struct IconLink {
    /// Where the icon is, from the site's root (`/favicon.svg`, under the base path).
    pub url: String,
    /// Its media type (`image/svg+xml`, `image/x-icon`).
    #[serde(rename = "type")]
    pub media_type: &'static str,
}

/// An entry of the site's navigation; a page names the one it belongs to in
/// [`PageView::nav`].
#[derive(Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    /// The item as an `<li>`, escaped: plain, marked as the page's section
    /// (`aria-current="true"`) and marked as the page itself (`aria-current="page"`).
    #[serde(skip)]
    pub html: [String; 3],
}

pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    /// `ltr`, or `rtl` for a language written right to left (for `<html dir>`).
    pub dir: &'static str,
    pub nav: Vec<NavItem>,
    /// `nav` as the `<li>` items of a list, escaped (printed by the built-in `base.html`).
    pub nav_html: String,
    /// The search page, when `search` is on (for the header's search box).
    pub search_url: Option<String>,
    pub generator: &'static str,
    /// The site's icons: its own `favicon.ico` and `favicon.svg`, else the theme's.
    pub icons: Vec<IconLink>,
    /// `[extra]` of `site.toml`, as written.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// Hash of the fields above once [`Views::sites`] has taken it (0 before): what
    /// every page's recipe takes of the site (see [`super::pages`]).
    pub hash: Hash,
    /// Lean pages' templates read no `nav` (they print `page.nav_html`): it is shown to
    /// them empty, and kept only to make each page's `nav_html`.
    pub lean: bool,
}

/// Every field but `hash`.
impl Serialize for SiteView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Named one by one, so that a new field cannot be left out.
        let SiteView {
            title,
            description,
            base_url,
            base_path,
            language,
            dir,
            nav,
            nav_html,
            search_url,
            generator,
            icons,
            extra,
            hash: _,
            lean,
        } = self;
        let mut st = s.serialize_struct("SiteView", 12)?;
        st.serialize_field("title", title)?;
        st.serialize_field("description", description)?;
        st.serialize_field("base_url", base_url)?;
        st.serialize_field("base_path", base_path)?;
        st.serialize_field("language", language)?;
        st.serialize_field("dir", dir)?;
        st.serialize_field("nav", if *lean { &[][..] } else { &nav[..] })?;
        st.serialize_field("nav_html", nav_html)?;
        st.serialize_field("search_url", search_url)?;
        st.serialize_field("generator", generator)?;
        st.serialize_field("icons", icons)?;
        st.serialize_field("extra", extra)?;
        st.end()
    }
}

/// [`SiteView`] in full and for lean pages.
pub struct Sites<'a> {
    pub full: SiteView<'a>,
    pub lean: SiteView<'a>,
}

#[derive(Serialize)]
pub struct DateView {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// `7 March 2023`
    pub display: String,
    /// `7 March 2023, 10:15`
    pub display_time: String,
    pub year: i32,
    pub month: u32,
    /// The month's name as a date writes it (`marca`, Polish genitive).
    pub month_name: String,
    /// The month's name on its own, as its archive page's title begins (`Marzec`).
    pub month_title: String,
    pub day: u32,
    pub year_url: String,
    pub month_url: String,
}

#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct ImageView<'a> {
    /// Resolved URL, or `None` when only a caption exists.
    pub src: Option<String>,
    /// Text for the `<img alt>`: the source's own (`alt`), else empty. The caption and
    /// photo title are shown in the `<figcaption>` beside it, and the headline above it:
    /// as the alt they would be read twice. With no description given, the picture is
    /// presented as one whose text is already adjacent (WAI Images Tutorial, decorative
    /// images: "Image with adjacent text alternative"; the alt decision tree), rather than
    /// named by a description that does not describe it.
    pub alt: &'a str,
    pub title: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
}

/// An article as templates see it. `body` is always empty: the article page's article
/// ([`FullArticle`]) has its own.
#[derive(Serialize)]
pub struct ArticleView<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub summary: &'a str,
    pub body: Option<&'a str>,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// The theme's `min_read` and `words` in the forms `reading_minutes` and
    /// `word_count` take in the site's language (Arabic `دقيقتا قراءة` after 2).
    pub min_read: &'a str,
    pub words: &'a str,
    pub section: Option<TermLink<'a>>,
    pub tags: Vec<TermLink<'a>>,
    pub sources: Vec<TermLink<'a>>,
    pub authors: Vec<TermLink<'a>>,
    pub image: Option<ImageView<'a>>,
    /// The article's `extra` (or `params`) table, as written.
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
    /// Its language and text direction when not the site's (`lang`), else unset.
    pub lang: Option<&'a str>,
    pub dir: Option<&'static str>,
}

#[derive(Serialize)]
pub struct PageLink {
    /// `None` marks a gap ("…") in the page list.
    pub number: Option<usize>,
    /// What the link shows: its number, or, when pages are numbered from the oldest, the
    /// theme's `latest` for the front page (whose number grows with the listing).
    pub label: String,
    pub url: String,
    pub current: bool,
    /// The front page's link when pages count from the oldest: its number grows with the
    /// listing, and lean contexts leave it out (see [`PageContext::make_lean`]).
    #[serde(skip)]
    grows: bool,
}

impl PageLink {
    fn gap() -> PageLink {
        PageLink {
            number: None,
            label: String::new(),
            url: String::new(),
            current: false,
            grows: false,
        }
    }
}

#[derive(Serialize)]
pub struct PaginationView {
    pub number: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub first_url: String,
    pub last_url: String,
    pub links: Vec<PageLink>,
    /// `page 2 of 5`, in the site's language; `page 2` when pages are numbered from the
    /// oldest, so that a page keeps its bytes as the listing grows.
    pub page_of: String,
    /// True on the page at the listing's own address, which holds its newest articles.
    pub front: bool,
    /// The `aria-current` value of the current page's number: `page` when the pagination
    /// holds the page's one `aria-current="page"` (see [`PageView::current`]), else `true`.
    pub aria_current: &'static str,
    /// Whether the page shows a dated article: a page of undated ones only (in file
    /// order) has no newer and older pages, just previous and next.
    pub dated: bool,
}

impl PaginationView {
    /// Leaves out what the built-in templates do not read. They read `total` only as
    /// "more than one page", and print each link's `label`: left out, the page count and
    /// the number of an oldest-numbered listing's front, which grow with it, no longer
    /// change the recipe of its full pages, which are then not rendered again each time
    /// it gains one.
    pub fn make_lean(&mut self) {
        self.total = self.total.min(2);
        for link in self.links.iter_mut().filter(|l| l.grows) {
            link.number = None;
        }
    }
}

#[derive(Serialize)]
pub struct PageView {
    /// The `<title>` and main heading.
    pub title: String,
    /// `title` without a listing's page number: `Iraq` on `Iraq (page 2 of 5)`.
    pub name: String,
    /// `article`, `home`, `year`, `month`, `section`, `tag`, `source`, `author`, `undated`,
    /// `terms`, `archive`.
    pub kind: &'static str,
    pub url: String,
    pub permalink: String,
    pub breadcrumbs: Vec<Link>,
    /// `breadcrumbs` as the `<li>` items of the trail, escaped, the current page marked
    /// (the built-in `base.html` prints this; see [`Views::add_markup`]).
    pub breadcrumbs_html: String,
    /// The title of the `site.nav` item the page belongs to (`Latest`, `Archive`, `Tags`,
    /// `Search`...); empty for articles and the 404 page.
    pub nav: String,
    /// `site.nav` as `<li>` items, escaped, the page's section marked
    /// `aria-current="true"`, or `"page"` when its URL is the page's own (the built-in
    /// `base.html` prints this). Made from `nav` and the site, so it is filled with the
    /// other `_html` forms, only for pages that are rendered (see [`Views::add_markup`]).
    pub nav_html: String,
    /// Where the page's one `aria-current="page"` is: `nav` (a nav item's URL is the
    /// page's), else `breadcrumbs` (the last crumb of a listing's first page, or an
    /// article's title), else `pagination` (the current number); empty on the 404 page.
    /// A page marked in two places would be announced as two current pages; the others
    /// that stand for the page get `aria-current="true"`.
    pub current: &'static str,
}

#[derive(Serialize)]
pub struct TermCount<'a> {
    pub name: &'a str,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct MonthCount {
    pub name: String,
    pub month: u32,
    pub url: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct YearCount {
    pub year: i32,
    pub url: String,
    pub count: usize,
    pub months: Vec<MonthCount>,
}

/// An article as listings show it, built once per article and shared by every page
/// that shows it (a 100,000-article site lists each article on about eight pages).
pub struct Card<'a> {
    pub view: ArticleView<'a>,
    /// The rendered `card.html` for this article, made by the renderer on first use and
    /// shown to templates as the view's `card` field.
    pub html: OnceLock<String>,
}

/// A card as part of a page context: to templates, the article's view plus `card`, or
/// only `title` and `url` when `lean`.
#[derive(Clone, Copy)]
pub struct CardRef<'a> {
    pub card: &'a Card<'a>,
    /// The page's templates read no other field (see [`PageContext::make_lean`]).
    pub lean: bool,
}

/// The fields of a lean card: a neighbour's link is all the built-in `article.html`
/// reads of it.
#[derive(Serialize)]
struct LeanCard<'a> {
    title: &'a str,
    url: &'a str,
}

/// The fields templates see for a card, or for an article page's article (with `body`).
#[derive(Serialize)]
struct CardFields<'a> {
    #[serde(flatten)]
    view: &'a ArticleView<'a>,
    card: &'a str,
    /// After the view's own (empty) `body`, so that it wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
}

impl Serialize for CardRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.lean {
            return LeanCard {
                title: self.card.view.title,
                url: &self.card.view.url,
            }
            .serialize(s);
        }
        CardFields {
            view: &self.card.view,
            card: self.card.html.get().map(String::as_str).unwrap_or(""),
            body: None,
        }
        .serialize(s)
    }
}

/// The article of an article page: its card's fields plus `body`.
pub struct FullArticle<'a> {
    pub card: CardRef<'a>,
    /// Read (from the build cache, if stored there) only when the page is rendered.
    pub body: &'a Body,
}

/// Code (metadata, JSON-LD) reads the article's fields straight through.
impl<'a> std::ops::Deref for FullArticle<'a> {
    type Target = ArticleView<'a>;
    fn deref(&self) -> &ArticleView<'a> {
        &self.card.card.view
    }
}

/// The fields of a lean article page's article: those the built-in `article.html`
/// reads (its byline is printed as `byline_html`, and the rest of the page is made from
/// the view in Rust).
#[derive(Serialize)]
struct LeanArticle<'a> {
    title: &'a str,
    summary: &'a str,
    section: &'a Option<TermLink<'a>>,
    updated: &'a Option<DateView>,
    reading_minutes: usize,
    word_count: usize,
    min_read: &'a str,
    words: &'a str,
    image: &'a Option<ImageView<'a>>,
    tags: &'a [TermLink<'a>],
    body: &'a str,
    lang: Option<&'a str>,
    dir: Option<&'static str>,
}

impl Serialize for FullArticle<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let body = self.body.text();
        let card = self.card.card;
        if self.card.lean {
            let v = &card.view;
            return LeanArticle {
                title: v.title,
                summary: v.summary,
                section: &v.section,
                updated: &v.updated,
                reading_minutes: v.reading_minutes,
                word_count: v.word_count,
                min_read: v.min_read,
                words: v.words,
                image: &v.image,
                tags: &v.tags,
                body: &body,
                lang: v.lang,
                dir: v.dir,
            }
            .serialize(s);
        }
        let html = card.html.get().map(String::as_str).unwrap_or("");
        CardFields {
            view: &card.view,
            card: html,
            body: Some(&body),
        }
        .serialize(s)
    }
}

/// The whole context of one page.
#[derive(Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteView<'a>,
    pub page: PageView,
    /// The article page's article.
    pub article: Option<FullArticle<'a>>,
    /// Older and newer neighbours in date order (article pages).
    pub previous: Option<CardRef<'a>>,
    pub next: Option<CardRef<'a>>,
    /// Listing pages' articles.
    pub articles: Vec<CardRef<'a>>,
    /// The `card` of each of `articles`, one after another (printed by the built-in
    /// `index.html` and `list.html`).
    pub cards_html: String,
    /// How many articles the page lists: `articles` is left empty on lean pages, and
    /// `cards_html` is empty when `card.html` prints nothing.
    pub listed: usize,
    pub pagination: Option<PaginationView>,
    /// Term index pages.
    pub terms: Vec<TermCount<'a>>,
    pub taxonomy: Option<&'static str>,
    /// Date index page.
    pub years: Vec<YearCount>,
    pub undated_count: usize,
    pub undated_url: String,
    /// Related articles, best first (article pages).
    pub related: Vec<super::seo::RelatedView<'a>>,
    /// `related` as `<li>` items, escaped (printed by the built-in `article.html`).
    pub related_html: String,
    /// The article in every language it is published in, itself included (`current`),
    /// by language tag; empty when it has no translation (article pages).
    pub translations: Vec<super::seo::TranslationView<'a>>,
    /// Feeds for `<link rel="alternate">`: the page's own first (Atom, then RSS when
    /// `rss_feed` is set), then the site's.
    pub feeds: Vec<FeedLink>,
    /// OpenGraph and Twitter card tags.
    pub meta: Vec<super::seo::MetaTag>,
    /// `meta` as `<meta>` elements, one per line, escaped (the built-in `base.html`
    /// prints this: a loop over `meta` was a tenth of rendering an article page).
    pub meta_html: String,
    /// schema.org JSON-LD, already escaped for a `<script>` element (article pages).
    pub json_ld: Option<String>,
    /// The article's byline as the built-in `byline` macro makes it (printed by the
    /// built-in `article.html`); empty when the site has its own `macros.html`.
    pub byline_html: String,
    /// Set by [`PageContext::make_lean`].
    #[serde(skip)]
    pub lean: bool,
}

impl PageContext<'_> {
    /// For a page rendered wholly by the built-in theme, leaves out what its templates do
    /// not read: neighbours carry only `title` and `url`, the article not its own card,
    /// URLs, date, authors or sources (see `LeanArticle`), and `meta`, `related`,
    /// `articles` and `page.breadcrumbs` (and `site.nav`, see [`Views::sites`]) are left
    /// empty once their `_html` forms are made (see [`Views::add_markup`]). At 100,000
    /// articles, copying the rest into every page was a tenth of a clean build.
    pub fn make_lean(&mut self) {
        self.lean = true;
        let neighbours = self.previous.iter_mut().chain(self.next.iter_mut());
        let own = self.article.iter_mut().map(|a| &mut a.card);
        for card in self.articles.iter_mut().chain(neighbours).chain(own) {
            card.lean = true;
        }
        if let Some(p) = self.pagination.as_mut() {
            p.make_lean();
        }
    }
}

/// `site.nav` as `<li>` items: the one whose URL is `url` marked as the page, else the
/// one titled `section` marked as the page's section.
pub fn nav_html(site: &SiteView<'_>, section: &str, url: &str) -> String {
    site.nav
        .iter()
        .map(|n| {
            let mark = if n.url == url {
                2
            } else {
                usize::from(n.title == section)
            };
            n.html[mark].as_str()
        })
        .collect()
}

/// Builds views against one archive and config.
pub struct Views<'a> {
    pub archive: &'a Archive,
    pub config: &'a SiteConfig,
    /// One card per article, in archive order, built the first time a page shows it: a
    /// rebuild that keeps most pages as they were needs few (see [`Views::card`]).
    /// Boxed: a rebuild after one edit builds a few dozen of 100,000 cards, and a slot
    /// the size of a card for each was 80 MB to allocate and fill.
    cards: Vec<OnceLock<Box<Card<'a>>>>,
    /// The site's text direction, `ltr` or `rtl`.
    site_dir: &'static str,
    /// The theme's words in the site's language.
    pub ui: &'a Ui,
    /// See [`SiteView::icons`].
    icons: Vec<IconLink>,
}

impl<'a> Views<'a> {
    /// Views of `archive`; `icons` are the site-relative icon files and their media
    /// types (see [`super::theme::icons`]).
    pub fn new(
        archive: &'a Archive,
        config: &'a SiteConfig,
        ui: &'a Ui,
        icons: &[(&str, &'static str)],
    ) -> Views<'a> {
        let mut views = Views {
            archive,
            config,
            cards: Vec::new(),
            site_dir: config.text_direction(),
            ui,
            icons: icons
                .iter()
                .map(|&(path, media_type)| IconLink {
                    url: config.path_url(path),
                    media_type,
                })
                .collect(),
        };
        views.cards = (0..archive.articles.len())
            .map(|_| OnceLock::new())
            .collect();
        views
    }

    /// Article `i`'s card, built on first use.
    pub fn card_of(&self, i: usize) -> &Card<'a> {
        self.cards[i].get_or_init(|| {
            Box::new(Card {
                view: self.article(i),
                html: OnceLock::new(),
            })
        })
    }

    /// Article `i` as a card, for page contexts that show other articles (listings,
    /// neighbours, related articles): built and rendered once.
    pub fn card(&self, i: usize) -> CardRef<'_> {
        CardRef {
            card: self.card_of(i),
            lean: false,
        }
    }

    pub fn url(&self, rel: &str) -> String {
        self.config.path_url(rel)
    }

    /// The site for page contexts: in full, and for lean pages (see
    /// [`PageContext::make_lean`]) without `nav`, which the built-in `base.html` prints
    /// as `nav_html`.
    pub fn sites(&self) -> Sites<'a> {
        let mut lean = self.site();
        lean.lean = true;
        let mut full = self.site();
        for site in [&mut full, &mut lean] {
            site.hash = hash_value(0, site);
        }
        Sites { full, lean }
    }

    pub fn site(&self) -> SiteView<'a> {
        let c = self.config;
        let item = |title: &str, url: String| {
            let li = |attrs: &str| {
                let mut html = String::from("<li>");
                super::markup::link_into(&url, attrs, title, &mut html);
                html.push_str("</li>");
                html
            };
            let html = [
                li(""),
                li(" aria-current=\"true\""),
                li(" aria-current=\"page\""),
            ];
            NavItem {
                title: title.to_string(),
                url,
                html,
            }
        };
        let mut nav = vec![
            item(self.ui.get("latest"), self.url("")),
            item(self.ui.get("archive"), self.url(urls::DATE_INDEX)),
        ];
        for t in &self.archive.taxonomies {
            nav.push(item(
                self.ui.get(t.kind.plural()),
                self.url(&format!("{}/", t.kind.plural())),
            ));
        }
        let search_url = c.search.then(|| self.url(urls::SEARCH));
        if let Some(url) = &search_url {
            nav.push(item(self.ui.get("search"), url.clone()));
        }
        let nav_html = nav.iter().map(|n| n.html[0].as_str()).collect();
        SiteView {
            nav_html,
            title: &c.title,
            description: &c.description,
            base_url: &c.base_url,
            base_path: &c.base_path,
            language: &c.language,
            dir: c.text_direction(),
            nav,
            search_url,
            generator: concat!("broadsheet ", env!("CARGO_PKG_VERSION")),
            icons: self.icons.clone(),
            extra: &c.extra,
            hash: 0,
            lean: false,
        }
    }

    pub fn date(&self, d: &DateTime<Tz>) -> DateView {
        let (y, m) = (d.year(), d.month());
        let display = self.ui.date(d);
        // A date given without a time is midnight: shown as the date it is, not "00:00".
        let display_time = if d.num_seconds_from_midnight() == 0 {
            display.clone()
        } else {
            format!("{display}, {}", d.format("%H:%M"))
        };
        DateView {
            iso: d.to_rfc3339(),
            display,
            display_time,
            year: y,
            month: m,
            month_name: self.ui.month_in_date(m).to_string(),
            month_title: self.ui.month_standalone(m).to_string(),
            day: d.day(),
            year_url: self.url(&urls::year_url(y)),
            month_url: self.url(&urls::month_url(y, m)),
        }
    }

    fn terms_of(&self, i: usize, taxonomy: usize) -> Vec<TermLink<'a>> {
        let t = &self.archive.taxonomies[taxonomy];
        t.by_article[i]
            .iter()
            .map(|&ti| TermLink {
                name: &t.terms[ti].name,
                url: self.url(&format!("{}/{}/", t.kind.plural(), t.terms[ti].slug)),
            })
            .collect()
    }

    /// The text direction of `a` when it is not the site's ([`article_direction`]).
    fn direction_of(&self, a: &Article) -> Option<&'static str> {
        article_direction(a, self.site_dir)
    }

    /// Article `i`, as a card shows it (without its body).
    pub fn article(&self, i: usize) -> ArticleView<'a> {
        let a: &'a Article = &self.archive.articles[i];
        let image = a.image.as_ref().map(|img| ImageView {
            src: img.src.as_ref().map(|s| {
                if s.contains("://") || s.starts_with("//") {
                    s.clone()
                } else if s.starts_with('/') {
                    // A path of the site's (`/img/a.png`, from `static/`): under the base
                    // path, as aliases and body links are, so a site served from a folder
                    // finds it.
                    crate::config::under_base_path(s, &self.config.base_path)
                        .unwrap_or_else(|| s.clone())
                } else {
                    // A file beside the article, named as written (`my photo.jpg`): its
                    // URL is encoded as the body's links are.
                    let name = percent_encoding::utf8_percent_encode(s, URL_UNSAFE);
                    self.url(&format!("{}{name}", urls::asset_dir(&a.url)))
                }
            }),
            alt: img.alt.as_deref().unwrap_or(""),
            title: img.title.as_deref(),
            caption: img.caption.as_deref(),
            credit: img.credit.as_deref(),
        });
        ArticleView {
            title: &a.title,
            url: self.url(&a.url),
            permalink: self.config.absolute_url(&a.url),
            date: a.date.as_ref().map(|d| self.date(d)),
            updated: a.updated.as_ref().map(|d| self.date(d)),
            summary: &a.summary,
            body: None,
            word_count: a.word_count,
            reading_minutes: a.reading_minutes,
            min_read: self.ui.counted("min_read", a.reading_minutes),
            words: self.ui.counted("words", a.word_count),
            extra: &a.extra,
            lang: article_lang(a, &self.config.language),
            dir: self.direction_of(a),
            section: self.terms_of(i, 0).into_iter().next(),
            tags: self.terms_of(i, 1),
            sources: self.terms_of(i, 2),
            authors: self.terms_of(i, 3),
            image,
        }
    }

    /// The links of page `p` of `listing` to its other pages. Page recipes
    /// ([`crate::render::pages`]) hash what this reads rather than its result: whatever
    /// it comes to read must be added there.
    pub(super) fn pagination(&self, listing: Listing, p: &Pagination) -> PaginationView {
        let base = self.archive.listing_base(listing);
        let front = p.front();
        let at = |n: usize| self.url(&urls::paginated(&base, n, front, self.config.pretty_urls));
        // Pages are shown newest first whichever end numbers them: `number_at(0)` is
        // the front page.
        let oldest_first = p.numbering == PageNumbers::Oldest;
        let number_at = |pos: usize| if oldest_first { p.total - pos } else { pos + 1 };
        let here = if oldest_first {
            p.total - p.number
        } else {
            p.number - 1
        };
        let last = p.total - 1;
        let link = |pos: usize| {
            let n = number_at(pos);
            // The front's number grows with the listing: printed on every page, it would
            // change them all.
            let grows = oldest_first && pos == 0;
            PageLink {
                number: Some(n),
                label: if grows {
                    self.ui.get("latest").to_string()
                } else {
                    n.to_string()
                },
                url: at(n),
                current: pos == here,
                grows,
            }
        };
        // A window around the current page plus both ends: constant size per page, so
        // 5,000 home pages do not each list 5,000 links.
        let mut links = Vec::new();
        let mut shown = None;
        for pos in 0..=last {
            if pos == 0 || pos == last || pos.abs_diff(here) <= 2 {
                if shown.is_some_and(|s| pos > s + 1) {
                    links.push(PageLink::gap());
                }
                links.push(link(pos));
                shown = Some(pos);
            } else if pos > here + 2 {
                // Jump straight to the last page instead of walking every number.
                links.push(PageLink::gap());
                links.push(link(last));
                break;
            }
        }
        PaginationView {
            number: p.number,
            total: p.total,
            prev_url: (here > 0).then(|| at(number_at(here - 1))),
            next_url: (here < last).then(|| at(number_at(here + 1))),
            first_url: at(number_at(0)),
            last_url: at(number_at(last)),
            links,
            page_of: self.page_of(p),
            front: p.is_front(),
            aria_current: "true",
            dated: self.archive.listing_items(listing)[p.range.clone()]
                .iter()
                .any(|&i| self.archive.articles[i].date.is_some()),
        }
    }

    /// `page 2 of 5`, in the site's language; `page 2` when pages are numbered from the
    /// oldest (the count would change every page as the listing grows).
    fn page_of(&self, p: &Pagination) -> String {
        let word = match p.numbering {
            PageNumbers::Newest => "page_of",
            PageNumbers::Oldest => "page_n",
        };
        self.ui
            .get(word)
            .replace("{page}", &p.number.to_string())
            .replace("{pages}", &p.total.to_string())
    }

    fn home_crumb(&self) -> Link {
        Link {
            title: self.ui.get("home").into(),
            url: self.url(""),
        }
    }

    fn year_crumbs(&self, year: i32, month: Option<u32>) -> Vec<Link> {
        let mut crumbs = vec![
            self.home_crumb(),
            Link {
                title: year.to_string(),
                url: self.url(&urls::year_url(year)),
            },
        ];
        if let Some(m) = month {
            crumbs.push(Link {
                title: self.ui.month_standalone(m).into(),
                url: self.url(&urls::month_url(year, m)),
            });
        }
        crumbs
    }

    /// Fills what a page's context restates as ready HTML for the built-in templates
    /// (meta tags, breadcrumbs, related articles, listed cards and, with `byline`, the
    /// article's byline) and its JSON-LD. All of it is made from the rest of the context,
    /// so it is added only for pages that are rendered. Tera looks up every `{{ c.url }}`
    /// in a loop afresh (splitting and copying the path); these loops were a fifth of
    /// rendering an article page.
    pub fn add_markup<'s>(&'s self, ctx: &mut PageContext<'s>, byline: bool) {
        use super::markup::{link_into, time_into};
        self.add_meta(ctx);
        if let Some(a) = ctx.article.as_ref().filter(|_| byline) {
            ctx.byline_html = super::markup::byline(a, self.ui);
        }
        ctx.page.nav_html = nav_html(ctx.site, &ctx.page.nav, &ctx.page.url);
        let page = &mut ctx.page;
        let article = page.kind == "article";
        let mark = if page.current == "breadcrumbs" {
            " aria-current=\"page\""
        } else {
            " aria-current=\"true\""
        };
        let mut html = String::new();
        for c in &page.breadcrumbs {
            // The last crumb of a listing's first page is the page itself (an article's
            // is its month; page 2 of a listing links back to page 1).
            let current = if c.url == page.url { mark } else { "" };
            html.push_str("<li>");
            link_into(&c.url, current, &c.title, &mut html);
            html.push_str("</li>");
        }
        if article && !page.breadcrumbs.is_empty() {
            html.push_str("<li aria-current=\"page\">");
            // A headline in another direction than the site's is isolated, as in the
            // story navigation: in an Arabic page, "Could X win?" would read "?Could X win".
            let own = ctx
                .article
                .as_ref()
                .and_then(|a| a.dir.map(|d| (d, a.lang)));
            if let Some((dir, lang)) = own {
                html.push_str("<bdi dir=\"");
                html.push_str(dir);
                if let Some(lang) = lang {
                    html.push_str("\" lang=\"");
                    super::escape_html_into(lang, &mut html);
                }
                html.push_str("\">");
            }
            super::escape_html_into(&page.title, &mut html);
            if own.is_some() {
                html.push_str("</bdi>");
            }
            html.push_str("</li>");
        }
        page.breadcrumbs_html = html;
        let mut html = String::new();
        for r in &ctx.related {
            match r.dir {
                Some(dir) => {
                    html.push_str("<li dir=\"");
                    html.push_str(dir);
                    html.push_str("\">");
                }
                None => html.push_str("<li>"),
            }
            link_into(r.url, "", r.title, &mut html);
            if let Some(d) = &r.date {
                html.push(' ');
                time_into(d.iso, d.display, &mut html);
            }
            html.push_str("</li>");
        }
        ctx.related_html = html;
        // The cards were rendered before (see `Renderer::render_prepared`); one string
        // saves copying each card, with its title and URL, into the page's context.
        let cards = || ctx.articles.iter().filter_map(|c| c.card.html.get());
        let mut html = String::with_capacity(cards().map(String::len).sum());
        cards().for_each(|card| html.push_str(card));
        ctx.cards_html = html;
        if ctx.lean {
            ctx.related.clear();
            ctx.page.breadcrumbs.clear();
            ctx.articles.clear();
        }
    }

    /// The context of one planned page, all but what [`Views::add_markup`] adds.
    pub fn page<'s>(
        &'s self,
        site: &'s SiteView<'s>,
        kind: &PageKind,
        url: &str,
    ) -> PageContext<'s> {
        let mut ctx = PageContext {
            site,
            page: PageView {
                title: String::new(),
                name: String::new(),
                kind: "",
                url: self.url(url),
                permalink: self.config.absolute_url(url),
                breadcrumbs: Vec::new(),
                breadcrumbs_html: String::new(),
                nav: String::new(),
                nav_html: String::new(),
                current: "",
            },
            article: None,
            previous: None,
            next: None,
            articles: Vec::new(),
            cards_html: String::new(),
            listed: 0,
            pagination: None,
            terms: Vec::new(),
            taxonomy: None,
            years: Vec::new(),
            undated_count: self.archive.undated.len(),
            undated_url: self.url(urls::UNDATED),
            related: Vec::new(),
            related_html: String::new(),
            translations: Vec::new(),
            feeds: Vec::new(),
            meta: Vec::new(),
            meta_html: String::new(),
            json_ld: None,
            byline_html: String::new(),
            lean: false,
        };
        match kind {
            PageKind::Article(i) => {
                let i = *i;
                let a = &self.archive.articles[i];
                ctx.page.title = a.title.clone();
                ctx.page.kind = "article";
                ctx.page.breadcrumbs = match a.date {
                    Some(d) => self.year_crumbs(d.year(), Some(d.month())),
                    None => vec![
                        self.home_crumb(),
                        Link {
                            title: self.ui.get("undated").into(),
                            url: self.url(urls::UNDATED),
                        },
                    ],
                };
                ctx.article = Some(FullArticle {
                    card: self.card(i),
                    body: &a.body_html,
                });
                // Articles are newest first: the previous (older) one follows. Dated and
                // undated articles are two runs: the oldest dated article's previous is not
                // an undated one, whose place in time is unknown.
                let run = if i < self.archive.dated {
                    0..self.archive.dated
                } else {
                    self.archive.dated..self.archive.articles.len()
                };
                ctx.previous = run.contains(&(i + 1)).then(|| self.card(i + 1));
                ctx.next = i
                    .checked_sub(1)
                    .filter(|j| run.contains(j))
                    .map(|j| self.card(j));
            }
            PageKind::Listing(listing, p) => {
                let items = &self.archive.listing_items(*listing)[p.range.clone()];
                ctx.articles = items.iter().map(|&i| self.card(i)).collect();
                ctx.listed = items.len();
                ctx.pagination = Some(self.pagination(*listing, p));
                let (title, kind, crumbs) = match *listing {
                    Listing::Home => (self.config.title.clone(), "home", Vec::new()),
                    Listing::Year(y) => {
                        let year = self.archive.years[y].year;
                        (year.to_string(), "year", self.year_crumbs(year, None))
                    }
                    Listing::Month(y, m) => {
                        let year = &self.archive.years[y];
                        let month = year.months[m].month;
                        let mut crumbs = self.year_crumbs(year.year, None);
                        crumbs.push(Link {
                            title: self.ui.month_standalone(month).into(),
                            url: self.url(&urls::month_url(year.year, month)),
                        });
                        (self.ui.month_year(month, year.year), "month", crumbs)
                    }
                    Listing::Term(k, t) => {
                        let tax = &self.archive.taxonomies[k];
                        let crumbs = vec![
                            self.home_crumb(),
                            Link {
                                title: self.ui.get(tax.kind.plural()).into(),
                                url: self.url(&format!("{}/", tax.kind.plural())),
                            },
                            Link {
                                title: tax.terms[t].name.clone(),
                                url: self.url(&self.archive.listing_base(*listing)),
                            },
                        ];
                        (tax.terms[t].name.clone(), tax.kind.singular(), crumbs)
                    }
                    Listing::Undated => (
                        self.ui.get("undated_articles").into(),
                        "undated",
                        vec![
                            self.home_crumb(),
                            Link {
                                title: self.ui.get("undated").into(),
                                url: self.url(urls::UNDATED),
                            },
                        ],
                    ),
                };
                ctx.page.title = if !p.is_front() {
                    format!("{title} ({})", self.page_of(p))
                } else {
                    title.clone()
                };
                ctx.page.name = title;
                ctx.page.kind = kind;
                ctx.page.breadcrumbs = crumbs;
            }
            PageKind::TermIndex(k) => {
                let tax = &self.archive.taxonomies[*k];
                ctx.page.title = self.ui.get(tax.kind.plural()).into();
                ctx.page.kind = "terms";
                ctx.taxonomy = Some(tax.kind.plural());
                ctx.page.breadcrumbs = vec![
                    self.home_crumb(),
                    Link {
                        title: self.ui.get(tax.kind.plural()).into(),
                        url: self.url(&format!("{}/", tax.kind.plural())),
                    },
                ];
                ctx.terms = tax
                    .terms
                    .iter()
                    .map(|t| TermCount {
                        name: &t.name,
                        url: self.url(&format!("{}/{}/", tax.kind.plural(), t.slug)),
                        count: t.articles.len(),
                    })
                    .collect();
            }
            PageKind::Search => {
                ctx.page.title = self.ui.get("search").into();
                ctx.page.kind = "search";
                ctx.page.breadcrumbs = vec![
                    self.home_crumb(),
                    Link {
                        title: self.ui.get("search").into(),
                        url: self.url(urls::SEARCH),
                    },
                ];
            }
            PageKind::DateIndex => {
                ctx.page.title = self.ui.get("archive").into();
                ctx.page.kind = "archive";
                ctx.page.breadcrumbs = vec![
                    self.home_crumb(),
                    Link {
                        title: self.ui.get("archive").into(),
                        url: self.url(urls::DATE_INDEX),
                    },
                ];
                ctx.years = self
                    .archive
                    .years
                    .iter()
                    .map(|y| YearCount {
                        year: y.year,
                        url: self.url(&urls::year_url(y.year)),
                        count: y.articles.len(),
                        months: y
                            .months
                            .iter()
                            .map(|m| MonthCount {
                                name: self.ui.month_standalone(m.month).to_string(),
                                month: m.month,
                                url: self.url(&urls::month_url(y.year, m.month)),
                                count: m.articles.len(),
                            })
                            .collect(),
                    })
                    .collect();
            }
        }
        let nav = match ctx.page.kind {
            "home" => "latest",
            "archive" | "year" | "month" | "undated" => "archive",
            "search" => "search",
            "terms" | "section" | "tag" | "source" | "author" => match kind {
                PageKind::TermIndex(k) | PageKind::Listing(Listing::Term(k, _), _) => {
                    self.archive.taxonomies[*k].kind.plural()
                }
                _ => "",
            },
            _ => "",
        };
        ctx.page.nav = self.ui.get(nav).to_string();
        if ctx.page.name.is_empty() {
            ctx.page.name.clone_from(&ctx.page.title);
        }
        // The first element in the page that stands for the page itself, in reading
        // order: header nav, breadcrumbs, pagination.
        let page = &ctx.page;
        ctx.page.current = if site.nav.iter().any(|n| n.url == page.url) {
            "nav"
        } else if page.kind == "article" || page.breadcrumbs.iter().any(|c| c.url == page.url) {
            "breadcrumbs"
        } else if ctx.pagination.is_some() {
            "pagination"
        } else {
            ""
        };
        if let Some(p) = ctx.pagination.as_mut() {
            if ctx.page.current == "pagination" {
                p.aria_current = "page";
            }
        }
        self.add_links(&mut ctx, kind);
        ctx
    }
}

/// The language of `a` when it is not the site's `language` (an article may name the
/// site's own, which needs no mark).
pub fn article_lang<'a>(a: &'a Article, language: &str) -> Option<&'a str> {
    a.lang
        .as_deref()
        .filter(|lang| !lang.eq_ignore_ascii_case(language))
}

/// The text direction of `a` in a site written in direction `site`, when it is not the
/// site's: its `lang`'s, or else the direction most letters of its headline and summary
/// are written in (a French story scraped into an Arabic archive has no `lang`, and would
/// be laid out right to left, its full stop first).
pub fn article_direction(a: &Article, site: &str) -> Option<&'static str> {
    if let Some(lang) = &a.lang {
        let dir = crate::config::text_direction(lang);
        return (dir != site).then_some(dir);
    }
    // Most sites and stories have no right-to-left letter at all (Hebrew, Arabic and
    // their neighbours start at U+0590, UTF-8 lead bytes 0xD6 to 0xDF; more at U+0800 on
    // (0xE0), presentation forms at U+FB1D on (0xEF), and outside the basic plane
    // (0xF0)): nothing to count.
    // A run of ASCII (checked a word at a time) is skipped whole.
    let might_be_rtl = |t: &str| {
        t.as_bytes().chunks(32).any(|run| {
            !run.is_ascii() && run.iter().any(|b| matches!(b, 0xD6..=0xE0 | 0xEF | 0xF0))
        })
    };
    if site == "ltr" && !might_be_rtl(&a.title) && !might_be_rtl(&a.summary) {
        return None;
    }
    let written = written_direction(&a.title, &a.summary);
    (written != site).then_some(written)
}

/// `rtl` when more of the strong letters of `texts` are written right to left than left
/// to right (Unicode's bidirectional classes R and AL against L), else `ltr`.
pub fn written_direction(title: &str, summary: &str) -> &'static str {
    use unicode_bidi::{bidi_class, BidiClass};
    let mut balance: i64 = 0;
    for c in title.chars().chain(summary.chars().take(400)) {
        match bidi_class(c) {
            BidiClass::L => balance -= 1,
            BidiClass::R | BidiClass::AL => balance += 1,
            _ => {}
        }
    }
    if balance > 0 {
        "rtl"
    } else {
        "ltr"
    }
}
