//! Site-relative URLs: article permalinks and pagination. Every URL segment is either a
//! literal validated by the config, a number, or a slug, so none can leave the site.

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;

use crate::article::Article;
use crate::config::SiteConfig;

/// Folder for articles without a date.
pub const UNDATED: &str = "undated/";
/// Folder of the year/month archive index.
pub const DATE_INDEX: &str = "archive/";
/// The search page (its index files are under `search/` too).
pub const SEARCH: &str = "search/";

/// The article's URL, e.g. `2023/03/07/slug/`, from the site's permalink pattern
/// (`2023/03/07/slug.html` without `pretty_urls`). `section_slug` is used for `{section}`.
pub fn permalink(article: &Article, section_slug: &str, config: &SiteConfig) -> String {
    let folder = match article.date {
        Some(date) => dated(&config.permalink, date, section_slug, &article.slug),
        None => format!("{UNDATED}{}/", article.slug),
    };
    page_url(folder, config.pretty_urls)
}

/// A page whose folder URL is `folder` (ending in `/`): that URL, or `folder` as a file.
fn page_url(folder: String, pretty: bool) -> String {
    if pretty {
        folder
    } else {
        format!("{}.html", folder.trim_end_matches('/'))
    }
}

fn dated(pattern: &str, date: DateTime<Tz>, section: &str, slug: &str) -> String {
    pattern
        .trim_start_matches('/')
        .replace("{year}", &format!("{:04}", date.year()))
        .replace("{month}", &format!("{:02}", date.month()))
        .replace("{day}", &format!("{:02}", date.day()))
        .replace("{section}", section)
        .replace("{slug}", slug)
}

/// Page `number` of a listing whose front page (number `front`) is at `base` (a
/// folder, so that the listing's feed and other pages sit under it).
pub fn paginated(base: &str, number: usize, front: usize, pretty: bool) -> String {
    if number == front {
        base.to_string()
    } else {
        page_url(format!("{base}page/{number}/"), pretty)
    }
}

/// The folder an article's own files (photos beside its source) are copied to, so that
/// relative links in its body keep working: the folder its page is, or is in.
pub fn asset_dir(url: &str) -> &str {
    match url.rfind('/') {
        Some(i) => &url[..=i],
        None => "",
    }
}

/// The Atom feed of a listing whose first page is at `base`: `tags/iraq/atom.xml`.
pub fn feed(base: &str) -> String {
    format!("{base}atom.xml")
}

/// The RSS feed of a listing whose first page is at `base`, with the site's `rss_feed`
/// file name: `tags/iraq/rss.xml`.
pub fn rss_feed(base: &str, name: &str) -> String {
    format!("{base}{name}")
}

/// `2023/`
pub fn year_url(year: i32) -> String {
    format!("{year:04}/")
}

/// `2023/03/`
pub fn month_url(year: i32, month: u32) -> String {
    format!("{year:04}/{month:02}/")
}

/// The file a page URL is written to: `a/b/` -> `a/b/index.html`, `` -> `index.html`,
/// `a/b.html` -> `a/b.html`.
pub fn page_file(url: &str) -> String {
    if url.ends_with(".html") {
        url.to_string()
    } else {
        format!("{url}index.html")
    }
}

/// The file an alias's redirect page is written to: `old/path/` -> `old/path/index.html`,
/// `story.html` as written.
pub fn redirect_file(alias: &str) -> String {
    if alias.ends_with('/') {
        format!("{alias}index.html")
    } else {
        alias.to_string()
    }
}
