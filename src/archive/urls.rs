//! Site-relative URLs: article permalinks and pagination. Every URL segment is either a
//! literal validated by the config, a number, or a slug, so none can leave the site.

use chrono::Datelike;

use crate::article::Article;
use crate::config::SiteConfig;

/// Folder for articles without a date.
pub const UNDATED: &str = "undated/";
/// Folder of the year/month archive index.
pub const DATE_INDEX: &str = "archive/";
/// The search page (its index files are under `search/` too).
pub const SEARCH: &str = "search/";

/// The article's URL, e.g. `2023/03/07/slug/`, from the site's permalink pattern.
/// `section_slug` is used for `{section}`.
pub fn permalink(article: &Article, section_slug: &str, config: &SiteConfig) -> String {
    let Some(date) = article.date else {
        return format!("{UNDATED}{}/", article.slug);
    };
    let pattern = config.permalink.trim_start_matches('/');
    pattern
        .replace("{year}", &format!("{:04}", date.year()))
        .replace("{month}", &format!("{:02}", date.month()))
        .replace("{day}", &format!("{:02}", date.day()))
        .replace("{section}", section_slug)
        .replace("{slug}", &article.slug)
}

/// Page `number` (1-based) of a listing whose first page is at `base`.
pub fn paginated(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// The Atom feed of a listing whose first page is at `base`: `tags/iraq/atom.xml`.
pub fn feed(base: &str) -> String {
    format!("{base}atom.xml")
}

/// `2023/`
pub fn year_url(year: i32) -> String {
    format!("{year:04}/")
}

/// `2023/03/`
pub fn month_url(year: i32, month: u32) -> String {
    format!("{year:04}/{month:02}/")
}

/// The file a page URL is written to: `a/b/` -> `a/b/index.html`, `` -> `index.html`.
pub fn page_file(url: &str) -> String {
    format!("{url}index.html")
}
