//! The default theme, compiled into the binary so a site needs no templates of its own.

/// Template name and source, in dependency order (bases first).
pub const TEMPLATES: [(&str, &str); 10] = [
    ("macros.html", include_str!("theme/macros.html")),
    ("base.html", include_str!("theme/base.html")),
    ("index.html", include_str!("theme/index.html")),
    ("list.html", include_str!("theme/list.html")),
    ("card.html", include_str!("theme/card.html")),
    ("article.html", include_str!("theme/article.html")),
    ("terms.html", include_str!("theme/terms.html")),
    ("archive.html", include_str!("theme/archive.html")),
    ("404.html", include_str!("theme/404.html")),
    ("search.html", include_str!("theme/search.html")),
];

/// Files the theme adds to every site (site-relative path, bytes). A file of the same
/// path in the site's `static/` replaces it.
pub const FILES: [(&str, &[u8]); 2] = [
    ("broadsheet.css", include_bytes!("theme/broadsheet.css")),
    ("search.js", include_bytes!("theme/search.js")),
];

/// The theme files this site gets: [`FILES`] but those `replaced` (by the site's own
/// `static/` files), and without `search.js` when search is off.
pub fn files_for(
    search: bool,
    replaced: impl Fn(&str) -> bool,
) -> Vec<(&'static str, &'static [u8])> {
    FILES
        .iter()
        .filter(|(path, _)| search || *path != "search.js")
        .filter(|(path, _)| !replaced(path))
        .copied()
        .collect()
}
