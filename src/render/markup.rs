//! Markup the built-in theme prints, made in Rust byte for byte: the `card` and `byline`
//! macros (`theme/macros.html`), and the links and times that the lists made in
//! [`super::views::Views::add_markup`] share with them. Every article's card is rendered
//! once and its byline twice (card and page); as Tera macro calls they were a tenth of a
//! clean build. A site with its own `macros.html` or `card.html` gets Tera's rendering
//! instead (see `Renderer`), and `tests/templates.rs` holds all of it to the templates
//! it replaces.

use super::escape_html_into as esc;
use super::ui::Ui;
use super::views::{ArticleView, TermLink};

/// The built-in `card` macro's output for `a`.
pub fn card(a: &ArticleView<'_>, ui: &Ui) -> String {
    let mut out = String::with_capacity(256 + a.title.len() + a.summary.len());
    out.push_str("\n<article class=\"card\"");
    if let Some(lang) = a.lang {
        out.push_str(" lang=\"");
        esc(lang, &mut out);
        out.push('"');
    }
    if let Some(dir) = a.dir {
        out.push_str(" dir=\"");
        out.push_str(dir);
        out.push('"');
    }
    out.push_str(">\n  ");
    if let Some(s) = &a.section {
        out.push_str("<p class=\"kicker\">");
        link_into(&s.url, "", s.name, &mut out);
        out.push_str("</p>");
    }
    out.push_str("\n  <h2>");
    link_into(&a.url, "", a.title, &mut out);
    out.push_str("</h2>\n  ");
    byline_into(a, ui, &mut out);
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
pub fn byline(a: &ArticleView<'_>, ui: &Ui) -> String {
    let mut out = String::with_capacity(256);
    byline_into(a, ui, &mut out);
    out
}

fn byline_into(a: &ArticleView<'_>, ui: &Ui, out: &mut String) {
    out.push_str("\n<p class=\"byline\">");
    match &a.date {
        Some(d) => time_into(&d.iso, &d.display, out),
        None => {
            out.push_str("<span class=\"undated\">");
            out.push_str(ui.html("undated"));
            out.push_str("</span>");
        }
    }
    if !a.authors.is_empty() {
        out.push_str(" · <span class=\"authors\">");
        out.push_str(ui.html("by"));
        out.push(' ');
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

/// A link to each term, comma-separated.
fn links(terms: &[TermLink<'_>], attrs: &str, out: &mut String) {
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        link_into(&t.url, attrs, t.name, out);
    }
}

/// `<a href="URL"ATTRS>TEXT</a>`: the URL and the text escaped, `attrs` (such as
/// ` rel="author"`) written as given.
pub fn link_into(url: &str, attrs: &str, text: &str, out: &mut String) {
    out.push_str("<a href=\"");
    esc(url, out);
    out.push('"');
    out.push_str(attrs);
    out.push('>');
    esc(text, out);
    out.push_str("</a>");
}

/// `<time datetime="ISO">SHOWN</time>`, both escaped.
pub fn time_into(iso: &str, shown: &str, out: &mut String) {
    out.push_str("<time datetime=\"");
    esc(iso, out);
    out.push_str("\">");
    esc(shown, out);
    out.push_str("</time>");
}
