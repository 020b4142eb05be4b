//! The built-in `card` and `byline` macros (`theme/macros.html`) made in Rust, byte for
//! byte. Every article's card is rendered once and its byline twice (card and page); as
//! Tera macro calls they were a tenth of a clean build. A site with its own
//! `macros.html` or `card.html` gets Tera's rendering instead (see `Renderer`), and
//! `tests/templates.rs` holds these to the templates they replace.

use super::escape_html_into as esc;
use super::views::{ArticleView, TermLink};

/// The built-in `card` macro's output for `a`.
pub fn card(a: &ArticleView<'_>) -> String {
    let mut out = String::with_capacity(256 + a.title.len() + a.summary.len());
    out.push_str("\n<article class=\"card\">\n  ");
    if let Some(s) = &a.section {
        out.push_str("<p class=\"kicker\"><a href=\"");
        esc(&s.url, &mut out);
        out.push_str("\">");
        esc(s.name, &mut out);
        out.push_str("</a></p>");
    }
    out.push_str("\n  <h2><a href=\"");
    esc(&a.url, &mut out);
    out.push_str("\">");
    esc(a.title, &mut out);
    out.push_str("</a></h2>\n  ");
    byline_into(a, &mut out);
    out.push_str("\n  ");
    if !a.summary.is_empty() {
        out.push_str("<p class=\"summary\">");
        esc(a.summary, &mut out);
        out.push_str("</p>");
    }
    out.push_str("\n</article>\n");
    out
}

/// The built-in `byline` macro's output for `a`.
pub fn byline(a: &ArticleView<'_>) -> String {
    let mut out = String::with_capacity(256);
    byline_into(a, &mut out);
    out
}

fn byline_into(a: &ArticleView<'_>, out: &mut String) {
    out.push_str("\n<p class=\"byline\">");
    match &a.date {
        Some(d) => {
            out.push_str("<time datetime=\"");
            esc(&d.iso, out);
            out.push_str("\">");
            esc(&d.display, out);
            out.push_str("</time>");
        }
        None => out.push_str("<span class=\"undated\">Undated</span>"),
    }
    if !a.authors.is_empty() {
        out.push_str(" · <span class=\"authors\">By ");
        links(&a.authors, " rel=\"author\"", out);
        out.push_str("</span>");
    }
    if !a.sources.is_empty() {
        out.push_str(" · <span class=\"sources\">");
        links(&a.sources, "", out);
        out.push_str("</span>");
    }
    out.push_str("\n</p>\n");
}

/// `<a href="URL"REL>NAME</a>` for each term, comma-separated.
fn links(terms: &[TermLink<'_>], rel: &str, out: &mut String) {
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("<a href=\"");
        esc(&t.url, out);
        out.push('"');
        out.push_str(rel);
        out.push('>');
        esc(t.name, out);
        out.push_str("</a>");
    }
}
