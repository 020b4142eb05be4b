//! Links in article bodies to other articles' source files (`[see](other-story.md)`,
//! `[see](../world/x.md)`, or from the content folder's root, `[see](/world/x.md)`), as
//! mdBook's links and Zola's `@/` links: once every article has its URL, each such link
//! is pointed at the page of the article its file became, relative to the linking page,
//! its `#fragment` kept; a link to a copy of a story that ingest folded into another
//! leads to the copy kept. A link to a file that became no article (missing, a draft,
//! skipped) is left as written, with a warning.
//!
//! Ingest notes these links ([`Article::content_links`]); bodies without them, nearly
//! all of a large archive, are not read.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::urls;
use crate::article::Article;
use crate::diagnostics::{Diagnostic, Skipped};
use crate::ingest::body::{beside_file, content_link, resolve_below, site_rooted};
use crate::ingest::dedupe::Fold;

/// Points the body links of `articles` (URLs given) at the articles their files became,
/// or, for the files of `folds`, at the articles they were folded into. A link to a file
/// of `skipped` is told why that file is not published.
pub fn resolve(
    articles: &mut [Article],
    folds: &[Fold],
    skipped: &[Skipped],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let linking: Vec<usize> = (0..articles.len())
        .filter(|&i| !articles[i].content_links.is_empty())
        .collect();
    if linking.is_empty() {
        return;
    }
    // A Markdown file is one article, whose id is its path under content/.
    let mut by_file: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    // A copy is folded into one that is kept, never into another folded copy.
    for fold in folds {
        if let Some(&kept) = by_file.get(fold.kept_id.as_str()) {
            by_file.insert(&fold.id, kept);
        }
    }
    let relinked: Vec<(usize, Option<String>, Vec<Diagnostic>)> = linking
        .par_iter()
        .map(|&i| {
            let (html, warnings) = relink(&articles[i], articles, &by_file, skipped);
            (i, html, warnings)
        })
        .collect();
    for (i, html, warnings) in relinked {
        if let Some(html) = html {
            articles[i].body_html = html.into();
        }
        diagnostics.extend(warnings);
    }
}

/// The file under `content/` a link from an article in `folder` names (`../world/x.md`
/// from `business` is `world/x.md`, and so is `/world/x.md` from anywhere), decoded as a
/// browser asks for it; `None` when it climbs out of `content/`.
pub(crate) fn content_file(folder: &str, path: &str) -> Option<String> {
    let joined = match site_rooted(path) {
        Some(from_root) => from_root.to_string(),
        None => format!("{folder}/{path}"),
    };
    let segments = resolve_below(&joined)?;
    Some(beside_file(&segments.join("/")))
}

/// `a`'s body with its links to Markdown files that became articles pointed at their
/// pages (`None` when none changed), and a warning for each file that became none.
fn relink(
    a: &Article,
    articles: &[Article],
    by_file: &HashMap<&str, usize>,
    skipped: &[Skipped],
) -> (Option<String>, Vec<Diagnostic>) {
    let html = a.body_html.text();
    let html = html.as_ref();
    let mut out = String::new();
    let mut copied = 0;
    let mut warned: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    // Bodies are written by pulldown-cmark or the sanitizer: every attribute value is
    // in double quotes, which it never holds raw, and follows a space.
    const HREF: &str = " href=\"";
    for at in memchr::memmem::find_iter(html.as_bytes(), HREF) {
        let start = at + HREF.len();
        let Some(len) = html[start..].find('"') else {
            break;
        };
        let value = html_escape::decode_html_entities(&html[start..start + len]);
        let (path, rest) = value.split_at(value.find(['?', '#']).unwrap_or(value.len()));
        if content_link(path).is_none() {
            continue;
        }
        let file = content_file(a.folder(), path);
        match file.as_deref().and_then(|f| by_file.get(f)) {
            Some(&t) => {
                out.push_str(&html[copied..start]);
                let link = format!("{}{rest}", relative_url(&a.url, &articles[t].url));
                out.push_str(&html_escape::encode_double_quoted_attribute(&link));
                copied = start + len;
            }
            None => {
                let shown = file.clone().unwrap_or_else(|| path.to_string());
                // A dump's record was scraped from a site whose links were its own, as
                // ingest says of its `../` links: a warning per link would bury the rest.
                if warned.contains(&shown) || a.id.contains('#') {
                    continue;
                }
                let line = line_of_link(a, &file, path).or(a.source_line);
                let remedy = "link the source file of a published article (its path from this file, or from content/ after a '/'), or its page's URL";
                let why = match &file {
                    Some(f) => {
                        let source = Path::new("content").join(f);
                        match skipped.iter().find(|s| s.path == source) {
                            // The reason says what to do.
                            Some(s) => format!("content/{f} is not published: {}", s.reason),
                            None => format!("no article of this build comes from content/{f} (it does not exist, or it is a draft, expired or skipped); {remedy}"),
                        }
                    }
                    None => format!("it leads out of content/; {remedy}"),
                };
                warnings.push(
                    Diagnostic::warning(
                        &a.source_path,
                        line,
                        format!("link to '{path}' is left as written and will be broken: {why}"),
                    )
                    .with_kind("broken-content-link"),
                );
                warned.push(shown);
            }
        }
    }
    if copied == 0 {
        return (None, warnings);
    }
    out.push_str(&html[copied..]);
    (Some(out), warnings)
}

/// The line of the link to `file` (or, outside `content/`, to `path`) that ingest
/// noted, when it knew it.
fn line_of_link(a: &Article, file: &Option<String>, path: &str) -> Option<usize> {
    a.content_links.iter().find_map(|(written, line)| {
        let same = match file {
            Some(f) => content_file(a.folder(), written).as_deref() == Some(f.as_str()),
            None => beside_file(written) == beside_file(path),
        };
        if same {
            *line
        } else {
            None
        }
    })
}

/// The site-relative URL `to` as a link from the page at `from`: from the folder that
/// page is in (`2023/03/07/a/` with pretty URLs, `2023/03/07/` for `2023/03/07/a.html`),
/// so it works wherever the site is deployed. `./` for the page itself.
fn relative_url(from: &str, to: &str) -> String {
    let here: Vec<&str> = urls::asset_dir(from).split_terminator('/').collect();
    let dir = urls::asset_dir(to);
    let there: Vec<&str> = dir.split_terminator('/').collect();
    let common = here.iter().zip(&there).take_while(|(a, b)| a == b).count();
    let mut link = "../".repeat(here.len() - common);
    for segment in &there[common..] {
        link.push_str(segment);
        link.push('/');
    }
    link.push_str(&to[dir.len()..]);
    if link.is_empty() {
        link.push_str("./");
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_folder_the_page_is_in() {
        for (from, to, link) in [
            ("2023/03/07/a/", "2023/03/08/b/", "../../08/b/"),
            ("2023/03/07/a/", "2023/03/07/b/", "../b/"),
            ("2023/03/07/a/", "2023/03/07/a/", "./"),
            ("2023/03/07/a/", "undated/c/", "../../../../undated/c/"),
            ("2023/03/07/a.html", "2023/03/08/b.html", "../08/b.html"),
            ("2023/03/07/a.html", "2023/03/07/b.html", "b.html"),
            ("2023/03/07/a.html", "2023/03/07/a.html", "a.html"),
            ("a/", "b/", "../b/"),
            ("a.html", "x/b.html", "x/b.html"),
        ] {
            assert_eq!(relative_url(from, to), link, "{from} -> {to}");
        }
    }

    #[test]
    fn content_files_resolve_from_the_article_folder() {
        assert_eq!(content_file("world", "x.md").as_deref(), Some("world/x.md"));
        assert_eq!(
            content_file("business", "../world/my%20x.md").as_deref(),
            Some("world/my x.md")
        );
        assert_eq!(content_file("", "./a/../b.md").as_deref(), Some("b.md"));
        assert_eq!(content_file("world", "../../x.md"), None);
        assert_eq!(
            content_file("business", "/world/./x.md").as_deref(),
            Some("world/x.md")
        );
        assert_eq!(content_file("world", "/../x.md"), None);
    }
}
