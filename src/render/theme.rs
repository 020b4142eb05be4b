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
pub const FILES: [(&str, &[u8]); 3] = [
    ("broadsheet.css", include_bytes!("theme/broadsheet.css")),
    ("search.js", include_bytes!("theme/search.js")),
    ("favicon.svg", include_bytes!("theme/favicon.svg")),
];

/// The icon files a site may put in `static/`, with their media types, in the order
/// pages link them (the SVG last, so browsers that read it prefer it).
const ICONS: [(&str, &str); 2] = [("favicon.ico", "image/x-icon"), THEME_ICON];

/// The theme's own icon, one of [`FILES`], for a site without one of its own.
const THEME_ICON: (&str, &str) = ("favicon.svg", "image/svg+xml");

/// Whether the site has an icon of its own (`own` tells which files it has): then the
/// theme's is neither shipped nor linked.
fn has_own_icon(own: impl Fn(&str) -> bool) -> bool {
    ICONS.iter().any(|(path, _)| own(path))
}

/// The theme files this site gets: [`FILES`] but those `replaced` (by the site's own
/// `static/` files), without `search.js` when search is off, and without the theme's
/// icon when the site has one of its own (it would be linked from nowhere).
pub fn files_for(
    search: bool,
    replaced: impl Fn(&str) -> bool,
) -> Vec<(&'static str, &'static [u8])> {
    let own_icon = has_own_icon(&replaced);
    FILES
        .iter()
        .filter(|(path, _)| search || *path != "search.js")
        .filter(|(path, _)| !(own_icon && *path == THEME_ICON.0))
        .filter(|(path, _)| !replaced(path))
        .copied()
        .collect()
}

/// The site-relative icon files pages link, with their media types: the site's own
/// (`static/favicon.ico`, `static/favicon.svg`, given by `own`), else the theme's SVG.
/// Linked, browsers ask for no `/favicon.ico`, which a site without one (or one under a
/// sub-path) answers with its 404 page.
pub fn icons(own: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if !has_own_icon(&own) {
        return vec![THEME_ICON];
    }
    ICONS
        .iter()
        .filter(|(path, _)| own(path))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use palette::color_difference::Wcag21RelativeContrast;
    use palette::Srgb;

    const CSS: &str = include_str!("theme/broadsheet.css");

    /// The `--name: #hex` custom properties of the first `:root { ... }` block in `css`.
    fn root_colors(css: &str) -> Vec<(&str, &str)> {
        let block = css.split(":root {").nth(1).unwrap();
        let block = block.split('}').next().unwrap();
        block
            .split(';')
            .filter_map(|d| d.trim().split_once(':'))
            .filter(|(name, value)| name.starts_with("--") && value.trim().starts_with('#'))
            .map(|(name, value)| (name.trim(), value.trim()))
            .collect()
    }

    /// Contrast of two custom properties, later declarations winning.
    fn contrast(colors: &[(&str, &str)], a: &str, b: &str) -> f32 {
        let color = |name: &str| {
            let (_, hex) = colors.iter().rev().find(|(n, _)| *n == name).unwrap();
            hex.parse::<Srgb<u8>>().unwrap().into_format::<f32>()
        };
        color(a).relative_contrast(color(b))
    }

    /// WCAG 1.4.11: the focus ring and the borders of form fields keep 3:1 against the
    /// page, in the light scheme and in the dark one (which overrides some colours).
    #[test]
    fn focus_and_field_borders_contrast_with_the_page() {
        let light = root_colors(CSS);
        let dark_css = CSS
            .split("@media (prefers-color-scheme: dark)")
            .nth(1)
            .unwrap();
        let dark: Vec<_> = light.iter().copied().chain(root_colors(dark_css)).collect();
        for (scheme, colors) in [("light", &light), ("dark", &dark)] {
            for part in ["--focus-ring", "--field-border"] {
                let ratio = contrast(colors, part, "--paper");
                assert!(ratio >= 3.0, "{scheme} {part}: {ratio:.2}:1");
            }
            // The band inside the ring is seen against the ring.
            let ratio = contrast(colors, "--focus", "--focus-ring");
            assert!(ratio >= 3.0, "{scheme} --focus: {ratio:.2}:1");
        }
        // The rules use them: every outline is the ring, every field border the colour.
        assert!(CSS.contains("outline: 3px solid var(--focus-ring)"));
        assert!(!CSS.contains("outline: 3px solid var(--focus)"));
        for rule in CSS
            .lines()
            .filter(|l| l.contains("input") && l.contains("border:"))
        {
            assert!(rule.contains("var(--field-border)"), "{rule}");
        }
    }

    /// Sides are start and end, so a right-to-left site (`<html dir="rtl">`) is mirrored.
    #[test]
    fn the_stylesheet_has_no_left_or_right() {
        for side in ["left", "right"] {
            for physical in [
                format!("-{side}"),
                format!(" {side}:"),
                format!("{{{side}:"),
                format!("text-align: {side}"),
            ] {
                assert!(!CSS.contains(&physical), "{physical}");
            }
        }
    }
}
