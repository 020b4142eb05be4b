//! The files around the pages: Atom feeds, the sitemap, `robots.txt` and `404.html`,
//! each unless `static/` provides it (see [`StaticFiles`]).

use std::path::PathBuf;

use crate::archive::Archive;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::output::{feeds, sitemap, Staging, StaticFiles};
use crate::render::seo::NOT_FOUND;

/// What the extras are made from.
pub struct Extras<'a> {
    /// The indexed site.
    pub archive: &'a Archive,
    /// Its settings (base URL, feed length).
    pub config: &'a SiteConfig,
    /// The site's `static/` files, which are never overwritten.
    pub static_files: &'a StaticFiles,
    /// The rendered 404 page.
    pub not_found_html: &'a str,
    /// The theme's words (feed titles).
    pub ui: &'a crate::render::ui::Ui,
    /// URLs per sitemap file; `None` for the protocol's [`sitemap::MAX_URLS`].
    pub sitemap_limit: Option<usize>,
    /// Fingerprints the binary and config, for keeping unchanged feeds (see
    /// [`crate::cache::fingerprint`]).
    pub seed: crate::cache::Hash,
}

impl Extras<'_> {
    /// Writes every extra file; returns how many.
    pub fn write(&self, staging: &Staging) -> Result<usize, Diagnostic> {
        let replaced = |rel: &str| self.static_files.replaces(rel);
        // The feeds and the sitemap, side by side: each is a few steps on one core.
        let (feeds, mut files) = rayon::join(
            || {
                feeds::write(
                    staging,
                    self.archive,
                    self.config,
                    self.ui,
                    &replaced,
                    self.seed,
                )
            },
            || {
                let entries = sitemap::entries(self.archive, self.config);
                let limit = self.sitemap_limit.unwrap_or(sitemap::MAX_URLS);
                sitemap::files(&entries, self.config, limit)
            },
        );
        let mut count = feeds?;
        files.push((sitemap::ROBOTS.into(), sitemap::robots(self.config)));
        files.push((NOT_FOUND.into(), self.not_found_html.to_string()));
        for redirect in &self.archive.redirects {
            let article = &self.archive.articles[redirect.to];
            let to = self.config.absolute_url(&article.url);
            files.push((
                redirect.file.clone(),
                redirect_page(&to, &article.title, self.config, self.ui),
            ));
        }
        for (rel, text) in files.into_iter().filter(|(rel, _)| !replaced(rel)) {
            staging.write_owned(&rel, text.into_bytes()).map_err(|e| {
                Diagnostic::error(PathBuf::from(&rel), None, format!("cannot write: {e}"))
            })?;
            count += 1;
        }
        Ok(count)
    }
}

/// The page at an article's old URL: it sends browsers on at once (and says where, for
/// those that do not follow), names the article's URL as canonical for search engines,
/// and asks them not to index the old address.
fn redirect_page(to: &str, title: &str, config: &SiteConfig, ui: &crate::render::ui::Ui) -> String {
    let moved = ui.html("moved_to");
    let to = crate::render::escape_html(to);
    let title = crate::render::escape_html(title);
    let lang = crate::render::escape_html(&config.language);
    let dir = config.text_direction();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p>{moved} <a href=\"{to}\">{to}</a>.</p>\n</body>\n</html>\n"
    )
}
