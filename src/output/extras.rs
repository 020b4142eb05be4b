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
    /// URLs per sitemap file; `None` for the protocol's [`sitemap::MAX_URLS`].
    pub sitemap_limit: Option<usize>,
}

impl Extras<'_> {
    /// Writes every extra file; returns how many.
    pub fn write(&self, staging: &Staging) -> Result<usize, Diagnostic> {
        let replaced = |rel: &str| self.static_files.replaces(rel);
        let mut count = feeds::write(staging, self.archive, self.config, &replaced)?;

        let entries = sitemap::entries(self.archive, self.config);
        let limit = self.sitemap_limit.unwrap_or(sitemap::MAX_URLS);
        let mut files = sitemap::files(&entries, self.config, limit);
        files.push((sitemap::ROBOTS.into(), sitemap::robots(self.config)));
        files.push((NOT_FOUND.into(), self.not_found_html.to_string()));
        for (rel, text) in files.into_iter().filter(|(rel, _)| !replaced(rel)) {
            staging.write_owned(&rel, text.into_bytes()).map_err(|e| {
                Diagnostic::error(PathBuf::from(&rel), None, format!("cannot write: {e}"))
            })?;
            count += 1;
        }
        Ok(count)
    }
}
