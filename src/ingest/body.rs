//! Markdown bodies into safe HTML, with the facts the record needs (summary, words, refs).

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// A rendered body and what was learned while rendering it.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub word_count: usize,
    /// Relative link and image targets (candidates for files copied beside the page).
    pub refs: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown with tables, footnotes and strikethrough. Raw HTML in the source is
/// sanitized; links with script-capable schemes are neutralized.
pub fn render_markdown(markdown: &str) -> Body {
    let mut body = Body::default();
    let mut raw_html = false;
    let mut paragraph_depth = 0usize;
    let mut first_done = false;
    let mut first = String::new();
    // Words are counted across inline fragments ("*para*." is one word), so the
    // in-word state carries over between text events and resets at breaks.
    let mut in_word = false;

    let events = Parser::new_ext(markdown, options()).map(|event| {
        match &event {
            Event::Start(Tag::Paragraph) => paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                paragraph_depth = paragraph_depth.saturating_sub(1);
                if !first.trim().is_empty() {
                    first_done = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                for c in t.chars() {
                    if c.is_whitespace() {
                        in_word = false;
                    } else if !in_word {
                        in_word = true;
                        body.word_count += 1;
                    }
                }
                if paragraph_depth > 0 && !first_done {
                    first.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if paragraph_depth > 0 && !first_done => {
                first.push(' ');
            }
            Event::Html(_) | Event::InlineHtml(_) => raw_html = true,
            _ => {}
        }
        let inline_end = matches!(
            event,
            Event::End(
                TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
                    | TagEnd::Image
                    | TagEnd::Superscript
                    | TagEnd::Subscript
            )
        );
        if matches!(
            event,
            Event::End(_) | Event::SoftBreak | Event::HardBreak | Event::Rule
        ) && !inline_end
        {
            in_word = false;
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                note_ref(&dest_url, &mut body.refs);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                note_ref(&dest_url, &mut body.refs);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                })
            }
            other => other,
        }
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    body.html = if raw_html { sanitize_html(&out) } else { out };
    body.first_paragraph = first.split_whitespace().collect::<Vec<_>>().join(" ");
    body
}

/// Cleans untrusted HTML: scripts, event handlers and script URLs go, structure stays.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class"])
        .clean(html)
        .to_string()
}

/// A target is a local file reference when it has no scheme, no leading `/` or `#`, and no `..`.
fn note_ref(dest: &str, refs: &mut Vec<String>) {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let local = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains(':')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..");
    if local && !refs.iter().any(|r| r == path) {
        refs.push(path.to_string());
    }
}

/// Keeps web, mail and relative URLs; anything else (javascript:, data:...) becomes `#`.
fn safe_url(dest: CowStr<'_>) -> CowStr<'_> {
    let lower = dest.trim_start().to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']).unwrap_or(lower.len());
    match scheme_end {
        Some(i) if i < path_start => {
            let scheme = &lower[..i];
            if matches!(scheme, "http" | "https" | "mailto" | "tel") {
                dest
            } else {
                CowStr::Borrowed("#")
            }
        }
        _ => dest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_footnotes_strikethrough() {
        let b = render_markdown("a ~~b~~ c[^1]\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n[^1]: note\n");
        assert!(b.html.contains("<del>b</del>"), "{}", b.html);
        assert!(b.html.contains("<table>"));
        assert!(b.html.contains("footnote-definition"));
        assert_eq!(b.first_paragraph, "a b c");
    }

    #[test]
    fn scripts_are_removed() {
        let b = render_markdown("hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))");
        assert!(!b.html.contains("<script"), "{}", b.html);
        assert!(!b.html.contains("onerror"), "{}", b.html);
        assert!(!b.html.contains("javascript:"), "{}", b.html);
    }

    #[test]
    fn collects_local_refs_only() {
        let b = render_markdown(
            "![p](photo.jpg) [a](https://x.org) [b](/abs) [c](../up.pdf) [d](doc.pdf#p2)",
        );
        assert_eq!(b.refs, vec!["photo.jpg", "doc.pdf"]);
    }
}
