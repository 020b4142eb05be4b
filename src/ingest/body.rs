//! Markdown bodies into safe HTML, with the facts the record needs (summary, words, refs).

use std::borrow::Cow;
use std::sync::Mutex;

use ammonia::{UrlRelative, UrlRelativeEvaluate};
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::diagnostics::line_of;
use crate::slug::SlugStyle;

/// A rendered body and what was learned while rendering it.
#[derive(Debug, Default)]
pub struct Body {
    pub html: String,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub word_count: usize,
    /// Relative link and image targets, normalised (candidates for files copied beside
    /// the page).
    pub refs: Vec<String>,
    /// Relative targets that climb out of the article's folder (`../x.jpg`), path only as
    /// written, with their line in the file when known: refused, never looked up.
    pub refused: Vec<(String, Option<usize>)>,
    /// Links to Markdown files (`other-story.md`, `../world/x.md`, `/world/x.md`): see
    /// [`crate::article::Article::content_links`].
    pub content_links: Vec<(String, Option<usize>)>,
}

/// Whether a relative link's path (without query and fragment) names a Markdown file,
/// which under `content/` is an article's source, never a file to copy.
fn is_markdown_file(path: &str) -> bool {
    matches!(
        super::format_of(std::path::Path::new(path)),
        Some(super::Format::Markdown)
    )
}

/// What a link or image target in a body (or an `image` field) means for the files beside
/// the article.
#[derive(Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// Not a file beside the article: a web or mail address, a site path (`/x`), an anchor,
    /// a folder (`sub/`, `../`).
    Elsewhere,
    /// A file in the article's folder or a folder under it: `path` normalised
    /// (`./a/../b.jpg` is `b.jpg`), `rest` its query and fragment as written.
    Beside { path: String, rest: &'a str },
    /// A relative path that climbs out of the article's folder (`../x.jpg`, `a/../../x`),
    /// as written, without its query and fragment.
    Outside { path: &'a str },
}

/// A `.` or `..` path segment, also percent-encoded (`%2e%2e`), as browsers read them.
fn dot_segment(segment: &str) -> Option<bool> {
    if segment.len() > 6 {
        return None;
    }
    match segment.to_ascii_lowercase().as_str() {
        "." | "%2e" => Some(false),
        ".." | ".%2e" | "%2e." | "%2e%2e" => Some(true),
        _ => None,
    }
}

/// Resolves `path` (segments split at `/` or `\`, which browsers read as `/`) below a
/// root: `.` and empty segments go, `..` takes one back. `None` when a `..` climbs above
/// the root: nothing outside the folder is ever named.
pub fn resolve_below(path: &str) -> Option<Vec<&str>> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match dot_segment(segment) {
            Some(true) => {
                segments.pop()?;
            }
            Some(false) => {}
            None if segment.is_empty() => {}
            None => segments.push(segment),
        }
    }
    Some(segments)
}

/// Classifies a link or image target written in an article.
pub fn target(dest: &str) -> Target<'_> {
    let dest = dest.trim();
    let (path, rest) = dest.split_at(dest.find(['?', '#']).unwrap_or(dest.len()));
    // A scheme as `safe_url` sees one: a colon before the first slash.
    let scheme = path
        .find(':')
        .is_some_and(|i| !path[..i].contains(['/', '\\']));
    if path.is_empty() || path.starts_with(['/', '\\']) || scheme {
        return Target::Elsewhere;
    }
    let last = path.rsplit(['/', '\\']).next().unwrap_or("");
    if last.is_empty() || dot_segment(last).is_some() {
        return Target::Elsewhere;
    }
    match resolve_below(path) {
        Some(segments) => Target::Beside {
            path: segments.join("/"),
            rest,
        },
        None => Target::Outside { path },
    }
}

/// A site-rooted path (`/world/x.md`) without its `/`; `None` for any other, and for
/// `//host/x` or `/\host/x`, which browsers read as another host.
pub fn site_rooted(path: &str) -> Option<&str> {
    path.strip_prefix('/')
        .filter(|rest| !rest.starts_with(['/', '\\']))
}

/// The path, without query and fragment, of a link to a Markdown file under `content/`,
/// another article's source: relative to the article (`x.md`, `../world/x.md`) or from
/// the content folder's root (`/world/x.md`, as Zola's `@/`). `None` for anything else,
/// `//host/x.md` and `https://e.org/x.md` included.
pub fn content_link(dest: &str) -> Option<&str> {
    let dest = dest.trim();
    let path = &dest[..dest.find(['?', '#']).unwrap_or(dest.len())];
    let in_content = match target(path) {
        Target::Elsewhere => site_rooted(path).is_some(),
        Target::Beside { .. } | Target::Outside { .. } => true,
    };
    (in_content && is_markdown_file(path)).then_some(path)
}

/// The link to write for a file beside the article, `path` normalised: with `./` before
/// it when its first segment holds a colon, which would otherwise read as a scheme
/// (`./javascript:x` must not become `javascript:x`).
pub fn beside_link(path: &str, rest: &str) -> String {
    let first = path.split('/').next().unwrap_or("");
    if first.contains(':') {
        format!("./{path}{rest}")
    } else {
        format!("{path}{rest}")
    }
}

/// The file a normalised `path` names, as a browser asks the server for it: each segment
/// percent-decoded (`my%20photo.gif` is `my photo.gif`). A segment whose decoded form
/// would be a separator, a dot segment or not UTF-8 is kept as written, so decoding can
/// never lead out of the article's folder.
pub fn beside_file(path: &str) -> String {
    path.split('/')
        .map(
            |segment| match percent_encoding::percent_decode_str(segment).decode_utf8() {
                Ok(decoded)
                    if !decoded.contains(['/', '\\', '\0']) && !matches!(&*decoded, "." | "..") =>
                {
                    decoded.into_owned()
                }
                _ => segment.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// The relative targets of one body, gathered from Markdown links and from the URL
/// attributes of its (sanitized) HTML.
#[derive(Debug, Default)]
struct Refs {
    refs: Vec<String>,
    refused: Vec<(String, Option<usize>)>,
    content_links: Vec<(String, Option<usize>)>,
    /// The site's base path when it is not `/` (`/archive/`), for a body written for this
    /// site: its site-rooted links (`/2015/03/x.html`) name the archive's own pages and
    /// files, so they get the base path in front, as the `image` field does.
    root: Option<String>,
}

impl Refs {
    /// Refs of a body written for the site whose base path is `base_path`.
    fn rooted_at(base_path: &str) -> Refs {
        Refs {
            root: (base_path != "/").then(|| base_path.to_string()),
            ..Refs::default()
        }
    }

    /// Notes `dest`; returns it normalised when that changes it, so the page links the
    /// same file that is copied. `line` is asked only for a refused target.
    fn note(&mut self, dest: &str, line: impl FnOnce() -> Option<usize>) -> Option<String> {
        // Another article's source: no file to copy, and one in another folder is no
        // file leaking out. Kept as written (a site-rooted one without the base path)
        // for the archive stage, which knows the URL of the article it became.
        if let Some(path) = content_link(dest) {
            if !self.content_links.iter().any(|(p, _)| p == path) {
                self.content_links.push((path.to_string(), line()));
            }
            return None;
        }
        match target(dest) {
            Target::Beside { path, rest } => {
                let written = beside_link(&path, rest);
                let file = beside_file(&path);
                if !self.refs.contains(&file) {
                    self.refs.push(file);
                }
                (written != dest).then_some(written)
            }
            Target::Outside { path } => {
                if !self.refused.iter().any(|(r, _)| r == path) {
                    self.refused.push((path.to_string(), line()));
                }
                None
            }
            Target::Elsewhere => self
                .root
                .as_deref()
                .and_then(|root| crate::config::under_base_path(dest, root)),
        }
    }

    /// [`Refs::note`] for a Markdown link's target.
    fn note_url<'m>(
        &mut self,
        dest: CowStr<'m>,
        line: impl FnOnce() -> Option<usize>,
    ) -> CowStr<'m> {
        match self.note(&dest, line) {
            Some(normalised) => CowStr::from(normalised),
            None => dest,
        }
    }
}

/// The sanitizer's hook for relative URLs (`href`, `src`...): raw HTML in a body refers
/// to files as much as Markdown links do.
struct NoteRelative<'a> {
    refs: &'a Mutex<Refs>,
    /// The source text and its first line, to find the line of a refused target.
    source: Option<(&'a str, usize)>,
    /// The page a dump's record was scraped from, when its `url` says: its site-rooted
    /// (`/world/x`) and climbing (`../img/a.png`) links point into that site.
    origin: Option<&'a url::Url>,
}

impl<'a> UrlRelativeEvaluate<'a> for NoteRelative<'a> {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        if let Some(origin) = self.origin {
            let t = url.trim();
            if (t.starts_with('/') && !t.starts_with("//")) || t.starts_with("../") {
                if let Ok(resolved) = origin.join(t) {
                    return Some(Cow::Owned(resolved.to_string()));
                }
            }
        }
        let line = || {
            let (text, first) = self.source?;
            let at = text.find(url.trim())?;
            Some(first - 1 + line_of(text, at))
        };
        let mut refs = self.refs.lock().unwrap_or_else(|e| e.into_inner());
        Some(match refs.note(url, line) {
            Some(normalised) => Cow::Owned(normalised),
            None => Cow::Borrowed(url),
        })
    }
}

fn options() -> Options {
    // Heading attributes: Hugo's `## Background {#bg}` sets the heading's id.
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Counts the starts of runs of non-whitespace in `text` (Unicode whitespace, as
/// `char::is_whitespace`), `in_word` carrying over from the text before. Bytes, not chars:
/// ASCII needs no decoding.
fn count_word_starts(text: &str, in_word: &mut bool, count: &mut usize) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let space = if b < 0x80 {
            i += 1;
            matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            i += c.len_utf8();
            c.is_whitespace()
        };
        if space {
            *in_word = false;
        } else if !*in_word {
            *in_word = true;
            *count += 1;
        }
    }
}

/// Renders Markdown with tables, footnotes and strikethrough. Raw HTML in the source is
/// sanitized; links with script-capable schemes are neutralized. `first_line` is the
/// line of the file the Markdown starts on; `slugs` writes headings' ids; `base_path`
/// (`/archive/`) goes before the body's site-rooted links (see [`crate::config::under_base_path`]).
pub fn render_markdown(
    markdown: &str,
    first_line: usize,
    slugs: SlugStyle,
    base_path: &str,
) -> Body {
    let mut body = Body::default();
    let mut refs = Refs::rooted_at(base_path);
    let mut raw_html = false;
    let mut paragraph_depth = 0usize;
    let mut first_done = false;
    let mut first = String::new();
    // Inside an image, text is its alt text: not the lede's.
    let mut image_depth = 0usize;
    // Words are counted across inline fragments ("*para*." is one word), so the
    // in-word state carries over between text events and resets at breaks.
    let mut in_word = false;
    // Inside an inline `<script>` or `<style>` ([`HIDDEN_ELEMENTS`]): its text is no
    // words and no lede, as the sanitizer removes it from the page, up to its end tag or
    // the body's end (an HTML parser reads the rest as the script's).
    let mut hidden: Option<&'static str> = None;

    // Offsets give the line of a refused link for its warning.
    let parser = Parser::new_ext(markdown, options()).into_offset_iter();
    let events = parser.map(|(event, range)| {
        match &event {
            Event::Start(Tag::Paragraph) => paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                paragraph_depth = paragraph_depth.saturating_sub(1);
                if !first.trim().is_empty() {
                    first_done = true;
                }
            }
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if hidden.is_none() => {
                count_word_starts(t, &mut in_word, &mut body.word_count);
                if paragraph_depth > 0 && !first_done && image_depth == 0 {
                    first.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if paragraph_depth > 0 && !first_done => {
                first.push(' ');
            }
            Event::InlineHtml(tag) => {
                raw_html = true;
                hidden = hidden_after(hidden, tag);
            }
            Event::Html(_) => raw_html = true,
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
        let line = || Some(first_line - 1 + line_of(markdown, range.start));
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(refs.note_url(dest_url, line)),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe_url(refs.note_url(dest_url, line)),
                title,
                id,
            }),
            other => other,
        }
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    let mut headings = HeadingIds::new(Footnotes::new(events), slugs);
    html::push_html(&mut out, &mut headings);
    // A link to `#main` in a body with a `## Main` means that heading, not the page's
    // main area (whose id the heading could not take). Only links: text and code hold
    // no raw `<`, so `<a href="#main"` there is written `&lt;a href="#main"`.
    for (theme, id) in std::mem::take(&mut headings.moved) {
        out = out.replace(
            &format!("<a href=\"#{theme}\""),
            &format!("<a href=\"#{id}\""),
        );
    }
    drop(headings);
    body.html = if raw_html {
        let refs = Mutex::new(std::mem::take(&mut refs));
        let html = sanitize(&out, &refs, Some((markdown, first_line)), None);
        (body.refs, body.refused, body.content_links) = {
            let r = refs.into_inner().unwrap_or_else(|e| e.into_inner());
            (r.refs, r.refused, r.content_links)
        };
        html
    } else {
        (body.refs, body.refused, body.content_links) =
            (refs.refs, refs.refused, refs.content_links);
        finish_html(out)
    };
    body.first_paragraph = first.split_whitespace().collect::<Vec<_>>().join(" ");
    body
}

/// Whether `id` has the form of a footnote's or a reference's ([`Footnotes`]).
fn is_footnote_id(id: &str) -> bool {
    id.starts_with("fn-") || id.starts_with("fnref-")
}

/// Ids the built-in theme gives elements of an article page: a heading of the same name
/// (`## Main`) takes the next free id instead.
const THEME_IDS: [&str; 3] = ["main", "related-heading", "site-search-q"];

/// Gives each heading without an id one made from its text (`## Background` ->
/// `id="background"`, a second one `background-1`), so `#background` links work as
/// they do with Hugo, Zola and Jekyll; a heading never takes a footnote's id. Events pass
/// straight through but for a heading's, which are held until its text is known.
struct HeadingIds<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    /// A heading's events, its start first, given out once its id is set.
    held: std::collections::VecDeque<Event<'a>>,
    taken: std::collections::HashSet<String>,
    slugs: SlugStyle,
    /// Each theme's id the body's headings wanted, with the id its first such heading got
    /// instead (`main`, `main-1`): the body's links to it mean that heading.
    moved: Vec<(&'static str, String)>,
}

impl<'a, I: Iterator<Item = Event<'a>>> HeadingIds<'a, I> {
    fn new(events: I, slugs: SlugStyle) -> Self {
        HeadingIds {
            events,
            held: std::collections::VecDeque::new(),
            taken: std::collections::HashSet::new(),
            slugs,
            moved: Vec::new(),
        }
    }

    /// Holds the heading that `start` opens, up to its end, and gives it its id.
    fn hold_heading(&mut self, start: Event<'a>) {
        let mut text = String::new();
        self.held.push_back(start);
        for event in self.events.by_ref() {
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            if let Event::Text(t) | Event::Code(t) = &event {
                text.push_str(t);
            }
            self.held.push_back(event);
            if end {
                break;
            }
        }
        let base = match self.slugs.slugify(&text) {
            slug if slug.is_empty() => "section".to_string(),
            // Footnotes' ids are theirs (`## fn-1` is no footnote).
            slug if is_footnote_id(&slug) => format!("section-{slug}"),
            slug => slug,
        };
        let id = self.free_id(base);
        if let Some(Event::Start(Tag::Heading { id: slot, .. })) = self.held.front_mut() {
            *slot = Some(id.into());
        }
    }

    /// `base`, or `base-1`, `base-2`... if the page already has it; marked as taken.
    fn free_id(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 0;
        while THEME_IDS.contains(&id.as_str()) || !self.taken.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        if let Some(theme) = THEME_IDS.iter().find(|&&t| t == base) {
            if !self.moved.iter().any(|(t, _)| t == theme) {
                self.moved.push((theme, id.clone()));
            }
        }
        id
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for HeadingIds<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.held.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            start @ Event::Start(Tag::Heading { id: None, .. }) => {
                self.hold_heading(start);
                self.held.pop_front()
            }
            // An id given in the text (`{#bg}`) is kept unless the page has it already.
            Event::Start(Tag::Heading {
                level,
                id: Some(given),
                classes,
                attrs,
            }) => {
                let id = match is_footnote_id(&given) {
                    true => self.free_id(format!("section-{given}")),
                    false => self.free_id(given.to_string()),
                };
                Some(Event::Start(Tag::Heading {
                    level,
                    id: Some(id.into()),
                    classes,
                    attrs,
                }))
            }
            event => Some(event),
        }
    }
}

/// Footnotes as GitHub, Pandoc and Hugo write them: a reference carries an id
/// (`fnref-LABEL`, then `fnref-LABEL-2`... when a note is cited again) and its note ends
/// with a link back to the first one, so a reader who followed a note can return to the
/// text. Notes keep their ids under `fn-` (`[^main]` -> `id="fn-main"`), clear of the
/// theme's, and their numbers in order of first appearance, as pulldown-cmark gives them.
struct Footnotes<'a, I: Iterator<Item = Event<'a>>> {
    events: I,
    numbers: std::collections::HashMap<CowStr<'a>, usize>,
    /// References given out so far, by label: how many, and the first one's id.
    cited: std::collections::HashMap<CowStr<'a>, (usize, String)>,
    /// Every reference id given out: `[^a]` cited twice and a note called `a-2` would
    /// otherwise both take `fnref-a-2`.
    ids: std::collections::HashSet<String>,
    /// A note's events, held until its end is known, then given out.
    held: std::collections::VecDeque<Event<'a>>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Footnotes<'a, I> {
    fn new(events: I) -> Self {
        Footnotes {
            events,
            numbers: Default::default(),
            cited: Default::default(),
            ids: Default::default(),
            held: Default::default(),
        }
    }

    fn number(&mut self, label: &CowStr<'a>) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.clone()).or_insert(next)
    }

    /// A reference to note `label`, as markup.
    fn reference(&mut self, label: CowStr<'a>) -> Event<'a> {
        let n = self.number(&label);
        let label_html = html_escape::encode_double_quoted_attribute(&label).into_owned();
        let times = self.cited.get(&label).map_or(0, |(k, _)| *k) + 1;
        let mut id = match times {
            1 => format!("fnref-{label_html}"),
            k => format!("fnref-{label_html}-{k}"),
        };
        while !self.ids.insert(id.clone()) {
            id.push_str("-x");
        }
        let entry = self.cited.entry(label).or_insert((0, id.clone()));
        entry.0 = times;
        Event::InlineHtml(
            format!(
                "<sup class=\"footnote-reference\" id=\"{id}\"><a href=\"#fn-{label_html}\">{n}</a></sup>"
            )
            .into(),
        )
    }

    /// Holds note `label` up to its end, with a link back to its first reference (if the
    /// text cited it before) at the end of its last paragraph.
    fn hold_note(&mut self, label: CowStr<'a>) {
        let n = self.number(&label);
        let id = html_escape::encode_double_quoted_attribute(&label).into_owned();
        let mut inner = Vec::new();
        while let Some(event) = self.events.next() {
            match event {
                Event::End(TagEnd::FootnoteDefinition) => break,
                Event::FootnoteReference(cited) => inner.push(self.reference(cited)),
                event => inner.push(event),
            }
        }
        if let Some((_, first)) = self.cited.get(&label) {
            // No words: the page's language is not known here; the arrow says it.
            let back = Event::InlineHtml(
                format!(" <a href=\"#{first}\" class=\"footnote-backref\">\u{21a9}\u{fe0e}</a>")
                    .into(),
            );
            match inner.last() {
                Some(Event::End(TagEnd::Paragraph)) => inner.insert(inner.len() - 1, back),
                _ => inner.push(back),
            }
        }
        self.held.push_back(Event::Html(
            format!(
                "<div class=\"footnote-definition\" id=\"fn-{id}\"><sup class=\"footnote-definition-label\">{n}</sup>"
            )
            .into(),
        ));
        self.held.extend(inner);
        self.held.push_back(Event::Html("</div>\n".into()));
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Footnotes<'a, I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.held.pop_front() {
            return Some(event);
        }
        match self.events.next()? {
            Event::FootnoteReference(label) => Some(self.reference(label)),
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.hold_note(label);
                self.held.pop_front()
            }
            event => Some(event),
        }
    }
}

/// Cleans untrusted HTML: scripts, event handlers and script URLs go, structure stays.
/// Relative URLs left in it are noted in `refs` and normalised; `source` is the text
/// the HTML came from and its first line, to find a refused target's line.
fn sanitize(
    html: &str,
    refs: &Mutex<Refs>,
    source: Option<(&str, usize)>,
    origin: Option<&url::Url>,
) -> String {
    // A quotation's source (`cite`), which the sanitizer does not hand to the URL hook
    // below, is a site path as a link is.
    let root = refs.lock().unwrap_or_else(|e| e.into_inner()).root.clone();
    let clean = ammonia::Builder::default()
        .add_generic_attributes(["id", "class"])
        .attribute_filter(move |_, attribute, value| {
            // An id of the theme's (`main`, the skip link's target) would be on the page
            // twice. (Headings made from Markdown never take one.)
            if attribute == "id" && THEME_IDS.contains(&value) {
                return Some(format!("body-{value}").into());
            }
            let rooted = (attribute == "cite")
                .then(|| crate::config::under_base_path(value, root.as_deref()?))
                .flatten();
            Some(rooted.map_or(value.into(), Into::into))
        })
        // Links go where they went; `rel` marks no trust here (there is no `target`).
        .link_rel(None)
        // Text meant for browsers without scripts is the markup of a missing widget.
        .add_clean_content_tags(["noscript"])
        .url_relative(UrlRelative::Custom(Box::new(NoteRelative {
            refs,
            source,
            origin,
        })))
        .clean(html)
        .to_string();
    finish_html(clean)
}

/// The tags of HTML as pulldown-cmark or the sanitizer write it: text never holds a raw
/// `<` (it is `&lt;`), and attribute values are always in double quotes, which they never
/// hold raw (`&quot;`). Each item is a tag's byte range, `<` to `>`. A `<` inside a
/// value (`title="<img>"`) is part of that tag, never a tag of its own.
fn tags(html: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = html.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + memchr::memchr(b'<', &bytes[at..])?;
        let mut quoted = false;
        let end = bytes[start..]
            .iter()
            .position(|&b| {
                quoted ^= b == b'"';
                b == b'>' && !quoted
            })
            .map_or(bytes.len(), |i| start + i + 1);
        at = end;
        Some(start..end)
    })
}

/// A tag's element name and whether it closes the element: `<td class="x">` is
/// `("td", false)`, `</td>` is `("td", true)`.
fn element(tag: &str) -> (&str, bool) {
    let inner = &tag[1..];
    let (inner, closing) = match inner.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (inner, false),
    };
    let len = inner
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    (&inner[..len], closing)
}

/// Safe HTML made ready for the page: tracking pixels (images one pixel or none wide or
/// high, which show nothing and tell a third party who reads the archive) are dropped,
/// and each table is put in a region that scrolls sideways and takes the keyboard focus,
/// so a wide table neither widens the page nor hides its columns from keyboard users.
/// A body with a first-level heading has each heading moved down a level (`h1` to `h2`,
/// down to `h6`): the headline is the page's one `h1`, and the body's sections fall
/// under it rather than beside it.
fn finish_html(html: String) -> String {
    let h1 =
        html.contains("<h1") && tags(&html).any(|r| element(&html[r]).0.eq_ignore_ascii_case("h1"));
    if !html.contains("<img") && !html.contains("<table") && !h1 {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied = 0;
    for range in tags(&html) {
        let tag = &html[range.clone()];
        out.push_str(&html[copied..range.start]);
        copied = range.end;
        let (name, closing) = element(tag);
        let level = match name.as_bytes() {
            [b'h' | b'H', d @ b'1'..=b'5'] if h1 => Some(d - b'0'),
            _ => None,
        };
        if let Some(level) = level {
            // The digit follows `<h` or `</h`.
            let digit = if closing { 3 } else { 2 };
            out.push_str(&tag[..digit]);
            out.push(char::from(b'0' + level + 1));
            out.push_str(&tag[digit + 1..]);
        } else if name.eq_ignore_ascii_case("img") {
            let tiny = |attribute: &str| {
                tag.split(&format!(" {attribute}=\""))
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .is_some_and(|v| matches!(v.trim(), "0" | "1" | "0px" | "1px"))
            };
            if !(tiny("width") || tiny("height")) {
                out.push_str(tag);
            }
        } else if name.eq_ignore_ascii_case("table") && !closing {
            out.push_str(TABLE_REGION);
            out.push_str(tag);
        } else if name.eq_ignore_ascii_case("table") {
            out.push_str(tag);
            out.push_str("</div>");
        } else {
            out.push_str(tag);
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Opens the region around a table (see [`finish_html`]); the theme styles the class.
/// (No `role` or label: the page's language is not known here, and a screen reader
/// announces the table inside.)
const TABLE_REGION: &str = "<div class=\"table-scroll\" tabindex=\"0\">";

/// Folds the odd spaces scraped pages are full of (no-break, narrow, figure, ideographic)
/// to plain spaces and drops zero-width characters, so text compares and wraps normally.
pub fn fold_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    let odd = |c: char| {
        matches!(
            c,
            '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{3000}' | '\u{2000}'..='\u{200a}'
        ) || matches!(c, '\u{200b}' | '\u{feff}')
    };
    if !text.contains(odd) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .filter(|c| !matches!(c, '\u{200b}' | '\u{feff}'))
            .map(|c| if odd(c) { ' ' } else { c })
            .collect(),
    )
}

/// Decodes HTML entities (`&amp;`, `&rsquo;`, `&#8217;`) left in scraped or exported text.
pub fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('&') {
        html_escape::decode_html_entities(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Escapes text for an HTML element's content; quotes are kept as written.
pub fn escape_text(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// Counts words as the Markdown renderer does: runs of non-space characters.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Plain-text paragraphs (already cleaned) as a body of `<p>` elements.
pub fn paragraphs_body(paragraphs: &[String]) -> Body {
    let mut html = String::new();
    let mut words = 0;
    let mut in_list = false;
    for p in paragraphs {
        words += count_words(p);
        // Consecutive bullet points (`- 2,000 troops`) make a list.
        match (bullet(p), in_list) {
            (Some(item), _) => {
                if !in_list {
                    html.push_str("<ul>\n");
                    in_list = true;
                }
                html.push_str("<li>");
                html.push_str(&escape_text(item));
                html.push_str("</li>\n");
                continue;
            }
            (None, true) => {
                html.push_str("</ul>\n");
                in_list = false;
            }
            (None, false) => {}
        }
        html.push_str("<p>");
        html.push_str(&escape_text(p));
        html.push_str("</p>\n");
    }
    if in_list {
        html.push_str("</ul>\n");
    }
    Body {
        html,
        first_paragraph: paragraphs.first().cloned().unwrap_or_default(),
        word_count: words,
        refs: Vec::new(),
        refused: Vec::new(),
        content_links: Vec::new(),
    }
}

/// A bullet point's text: the line without its `- `, `* ` or `• ` marker. (Not a dash:
/// `— ` opens dialogue in many languages.)
pub fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "\u{2022} ", "\u{b7} "]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Plain text as paragraphs: blank lines separate them; when there is no blank line at
/// all, each line is one. A bullet point is a paragraph of its own (a list, once
/// rendered). Spaces are folded, entities decoded, empty lines dropped.
pub fn text_paragraphs(text: &str) -> Vec<String> {
    let has_blank = text.lines().any(|l| fold_spaces(l).trim().is_empty());
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let flush = |current: &mut Vec<String>, out: &mut Vec<String>| {
        if !current.is_empty() {
            out.push(current.join(" "));
            current.clear();
        }
    };
    for line in text.lines() {
        let line = fold_spaces(line);
        let line = decode_entities(&line);
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            flush(&mut current, &mut out);
        } else if bullet(&line).is_some() {
            flush(&mut current, &mut out);
            out.push(line);
        } else {
            current.push(line);
            if !has_blank {
                flush(&mut current, &mut out);
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Elements that make paragraphs (or blocks) of their own: in a dump's markup, their
/// presence says the markup has its paragraphs; in text made from HTML, they break words.
const BLOCK_ELEMENTS: [&str; 27] = [
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "hr",
];

/// Inline elements: with the block ones, the tags that make a dump's text markup rather
/// than plain text.
const INLINE_ELEMENTS: [&str; 28] = [
    "a", "abbr", "audio", "b", "caption", "center", "cite", "code", "dd", "dt", "em", "font", "i",
    "iframe", "img", "mark", "picture", "q", "s", "script", "small", "span", "strong", "style",
    "sub", "sup", "u", "video",
];

/// Whether `name` (lowercase) is one of the elements whose tags make text markup
/// ([`BLOCK_ELEMENTS`], [`INLINE_ELEMENTS`]).
pub fn is_element(name: &str) -> bool {
    BLOCK_ELEMENTS.contains(&name) || INLINE_ELEMENTS.contains(&name)
}

/// The element names of the tags in `text` (`<p class=x>` and `</p>` give `p`), lowercased;
/// a `<` that does not open a tag (`5 < 6`, `a <not a tag.`) gives nothing.
fn tag_names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.match_indices('<').filter_map(move |(at, _)| {
        let rest = text[at + 1..].strip_prefix('/').unwrap_or(&text[at + 1..]);
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let after = rest[name_len..].chars().next()?;
        (name_len > 0 && (after == '>' || after == '/' || after.is_whitespace()))
            .then(|| rest[..name_len].to_ascii_lowercase())
    })
}

/// True when `text` holds markup (`<p>`, `<br/>`, `</div>`, `<!-- -->`) rather than plain
/// text: tags of known HTML elements, closed somewhere by a `>`.
pub fn looks_like_html(text: &str) -> bool {
    text.contains('>') && (text.contains("<!--") || tag_names(text).any(|name| is_element(&name)))
}

/// A dump's body that is markup: sanitized as is when it has paragraphs of its own, else
/// (inline markup such as `<b>` in plain text) its blank lines separate paragraphs.
///
/// `origin` is the page the record was scraped from (its `url`), against which its
/// site-rooted and climbing links are resolved: they pointed into that site.
pub fn dump_html_body(text: &str, origin: Option<&url::Url>) -> Body {
    if tag_names(text).any(|name| BLOCK_ELEMENTS.contains(&name.as_str())) {
        return html_body(text, origin);
    }
    let mut html = String::with_capacity(text.len() + 64);
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        html.push_str("<p>");
        html.push_str(paragraph);
        html.push_str("</p>\n");
    }
    html_body(&html, origin)
}

/// An HTML body (from a dump) sanitized, with its plain text facts and the files it
/// refers to, as a Markdown body's.
pub fn html_body(html: &str, origin: Option<&url::Url>) -> Body {
    let refs = Mutex::new(Refs::default());
    let clean = sanitize(html, &refs, None, origin);
    let (first, words) = html_text_facts(&clean);
    let refs = refs.into_inner().unwrap_or_else(|e| e.into_inner());
    Body {
        html: clean,
        first_paragraph: first,
        word_count: words,
        refs: refs.refs,
        refused: refs.refused,
        content_links: refs.content_links,
    }
}

/// Elements whose content is no text to show: a scraped caption's `<script>` or
/// `<style>` goes whole, as the sanitizer drops them from bodies.
pub const HIDDEN_ELEMENTS: [&str; 3] = ["script", "style", "noscript"];

/// The element name of a raw HTML tag (`<Script src=x>` is `script`), lowercased, and
/// whether the tag closes it (`</script>`).
pub fn tag_name(tag: &str) -> (String, bool) {
    let name = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (name, tag.starts_with("</"))
}

/// Whether text after the raw HTML `tag` is inside a hidden element ([`HIDDEN_ELEMENTS`]),
/// given whether the text before it was: `<script>` opens one, `</script>` closes it.
pub fn hidden_after(hidden: Option<&'static str>, tag: &str) -> Option<&'static str> {
    let (name, closing) = tag_name(tag);
    let element = HIDDEN_ELEMENTS.into_iter().find(|h| *h == name);
    match (hidden, element) {
        (Some(open), Some(e)) if closing && open == e => None,
        // HTML has no self-closed `<script />`: it opens one too.
        (None, Some(e)) if !closing => Some(e),
        _ => hidden,
    }
}

/// Plain text of an HTML fragment: block tags become spaces, inline tags vanish
/// (`<em>one</em>.` stays `one.`), comments and the content of [`HIDDEN_ELEMENTS`] go;
/// entities decoded. A `<` that opens no tag (`5 < 6`, in a dump's metadata) is text.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        let tag = &rest[start + 1..];
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            text.push('<');
            rest = tag;
            continue;
        }
        if let Some(comment) = tag.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(end) = tag.find('>') else {
            // A lone '<' is text.
            text.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name: String = tag[..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect();
        if BLOCK_ELEMENTS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = &tag[end + 1..];
        if !tag.starts_with('/') && HIDDEN_ELEMENTS.contains(&name.as_str()) {
            // To the end of its closing tag (`</script >`), or of the text.
            let close = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&close) {
                Some(at) => rest[at..].find('>').map_or("", |e| &rest[at + e + 1..]),
                None => "",
            };
        }
    }
    text.push_str(rest);
    decode_entities(&text).into_owned()
}

/// (first non-empty paragraph's text, word count) of sanitized HTML.
fn html_text_facts(html: &str) -> (String, usize) {
    let text = html_to_text(html);
    let words = count_words(&text);
    let mut first = String::new();
    // A heading is no lede (`<h1>Big</h1><p>...`), as in a Markdown body: each ends a
    // block and is left out.
    let without_headings = without_headings(html);
    for block in without_headings
        .split("</p>")
        .flat_map(|b| b.split("<br><br>"))
    {
        let t = html_to_text(block);
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            first = t;
            break;
        }
    }
    (first, words)
}

/// Sanitized HTML (lowercase tags) with each heading element replaced by `</p>`.
fn without_headings(html: &str) -> std::borrow::Cow<'_, str> {
    let opening = |s: &str| {
        s.match_indices("<h")
            .find(|(at, _)| {
                s.as_bytes()
                    .get(at + 2)
                    .is_some_and(|b| (b'1'..=b'6').contains(b))
            })
            .map(|(at, _)| (at, s.as_bytes()[at + 2]))
    };
    if opening(html).is_none() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((at, level)) = opening(rest) {
        out.push_str(&rest[..at]);
        let close = format!("</h{}>", level as char);
        match rest[at..].find(&close) {
            Some(end) => {
                out.push_str("</p>");
                rest = &rest[at + end + close.len()..];
            }
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
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

    fn render_markdown(markdown: &str, first_line: usize) -> Body {
        super::render_markdown(markdown, first_line, SlugStyle::Ascii, "/")
    }

    #[test]
    fn tracking_pixels_are_dropped_and_pictures_kept() {
        let body = html_body("<p>z <img src=\"//tracker.example/p.gif\" width=1 height=1></p><img src=\"https://t.example/x.gif?u=1\" height=\"0\" alt=\"a>b\"><p><img src=\"https://e.org/photo.jpg\" width=\"10\" alt=\"1\"> <img alt='w=\"1\"' src=\"https://e.org/b.jpg\"></p>", None);
        assert!(
            !body.html.contains("tracker") && !body.html.contains("t.example"),
            "{}",
            body.html
        );
        assert!(
            body.html.contains("photo.jpg") && body.html.contains("b.jpg"),
            "{}",
            body.html
        );
        assert!(!body.html.contains("b\""), "{}", body.html);
    }

    #[test]
    fn counts_words_as_char_is_whitespace_splits_them() {
        let text = "one\u{0B}two\u{A0}three\u{3000}four—five  é\tsix\n";
        let mut in_word = false;
        let mut count = 0;
        count_word_starts(text, &mut in_word, &mut count);
        assert_eq!(
            count,
            text.split(char::is_whitespace)
                .filter(|w| !w.is_empty())
                .count()
        );
        assert_eq!(count, 6);
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let b = render_markdown(
            "a ~~b~~ c[^1]\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n[^1]: note\n",
            1,
        );
        assert!(b.html.contains("<del>b</del>"), "{}", b.html);
        assert!(b.html.contains("<table>"));
        assert!(b.html.contains("footnote-definition"));
        assert_eq!(b.first_paragraph, "a b c");
    }

    #[test]
    fn footnotes_link_back_to_their_references() {
        let markdown = "One[^a], two[^b], one again[^a].\n\n[^a]: First.\n\n    More of it.\n\n[^b]: Cites [^a].\n\n[^unused]: Never cited.\n";
        for html in [
            render_markdown(markdown, 1).html,
            render_markdown(&format!("<b>raw</b>\n\n{markdown}"), 1).html,
        ] {
            for part in [
                "<sup class=\"footnote-reference\" id=\"fnref-a\"><a href=\"#fn-a\">1</a></sup>",
                "id=\"fnref-b\"><a href=\"#fn-b\">2</a>",
                "id=\"fnref-a-2\"><a href=\"#fn-a\">1</a>",
                "id=\"fnref-a-3\"",
                // The link back closes the note's last paragraph.
                "<p>More of it. <a href=\"#fnref-a\" class=\"footnote-backref\">",
                "id=\"fn-b\"><sup class=\"footnote-definition-label\">2</sup>",
            ] {
                assert!(html.contains(part), "{part}: {html}");
            }
            // Ids never clash: the second citation of `a` and the first of `a-2`.
            let clash = render_markdown("x[^a] y[^a] z[^a-2]\n\n[^a]: A.\n\n[^a-2]: B.\n", 1).html;
            assert_eq!(clash.matches("id=\"fnref-a-2\"").count(), 1, "{clash}");
            assert!(clash.contains("href=\"#fnref-a-2-x\""), "{clash}");
            // A note no text cites has nothing to go back to.
            let unused = &html[html.find("id=\"fn-unused\"").expect(&html)..];
            assert!(!unused.contains("footnote-backref"), "{html}");
        }
    }

    #[test]
    fn tables_scroll_in_a_region_the_keyboard_reaches() {
        let region = "<div class=\"table-scroll\" tabindex=\"0\"><table>";
        let b = render_markdown("| x |\n|---|\n| 1 |\n", 1);
        assert!(b.html.starts_with(region), "{}", b.html);
        assert!(b.html.trim_end().ends_with("</table></div>"), "{}", b.html);
        // Raw tables too, and a `<table` inside an attribute is no table.
        let b = html_body(
            "<p title=\"<table>\">x</p><TABLE><tr><td><table><tr><td>in</td></tr></table></td></tr></TABLE>",
            None,
        );
        assert_eq!(b.html.matches(region).count(), 2, "{}", b.html);
        assert_eq!(b.html.matches("</table></div>").count(), 2, "{}", b.html);
        assert!(
            b.html.starts_with("<p title=\"&lt;table&gt;\">x</p>"),
            "{}",
            b.html
        );
    }

    #[test]
    fn an_image_alt_text_is_not_the_lede() {
        let b = render_markdown(
            "![img](pic.png)\n\nThe real lede, with ![a chart](c.png) inside.\n",
            1,
        );
        assert_eq!(b.first_paragraph, "The real lede, with inside.");
    }

    /// A heading that could not take a theme's id keeps the body's links to it.
    #[test]
    fn links_follow_a_heading_that_gave_way_to_the_theme() {
        let markdown = "See [below](#main) and [more](#related-heading), not `<a href=\"#main\">` as code.\n\n```html\n<a href=\"#main\">Skip</a>\n```\n\n## Main\n\n## Related heading\n\n## Main\n";
        for html in [
            render_markdown(markdown, 1).html,
            render_markdown(&format!("<b>raw</b>\n\n{markdown}"), 1).html,
        ] {
            assert!(html.contains("href=\"#main-1\""), "{html}");
            assert!(html.contains("<h2 id=\"main-1\">"), "{html}");
            assert!(html.contains("href=\"#related-heading-1\""), "{html}");
            assert!(html.contains("<h2 id=\"related-heading-1\">"), "{html}");
            assert!(!html.contains("<a href=\"#main\""), "{html}");
            // Code that shows such a link is left as written.
            assert_eq!(
                html.matches("&lt;a href=\"#main\"&gt;").count(),
                2,
                "{html}"
            );
        }
    }

    #[test]
    fn headings_get_ids_and_footnotes_keep_clear_of_the_theme() {
        let markdown = "## Background\n\nText[^main].\n\n## Background\n\n### The `main` point\n\n## Main\n\n## !!\n\n[^main]: A note.\n";
        for html in [
            render_markdown(markdown, 1).html,
            // Raw HTML sends the body through the sanitizer, which must keep the ids.
            render_markdown(&format!("<b>raw</b>\n\n{markdown}"), 1).html,
        ] {
            for id in [
                "<h2 id=\"background\">",
                "<h2 id=\"background-1\">",
                "<h3 id=\"the-main-point\">",
                "<h2 id=\"main-1\">",
                "<h2 id=\"section\">",
                "id=\"fn-main\"",
                "href=\"#fn-main\"",
            ] {
                assert!(html.contains(id), "{id}: {html}");
            }
            assert!(!html.contains("id=\"main\""), "{html}");
        }
    }

    #[test]
    fn scripts_are_removed() {
        let b = render_markdown("hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))", 1);
        assert!(!b.html.contains("<script"), "{}", b.html);
        assert!(!b.html.contains("onerror"), "{}", b.html);
        assert!(!b.html.contains("javascript:"), "{}", b.html);
    }

    /// The sanitizer removes a `<script>` or `<style>` with its text: the summary and the
    /// word count leave that text out too (it showed in every listing and feed).
    #[test]
    fn hidden_elements_are_no_lede_and_no_words() {
        let b = render_markdown(
            "Body with <script>alert('x')</script> and more.\n\nPara <STYLE>body{display:none}</STYLE> after.\n",
            1,
        );
        assert_eq!(b.first_paragraph, "Body with and more.");
        assert_eq!(b.word_count, 6);
        assert!(
            !b.html.contains("alert") && !b.html.contains("display"),
            "{}",
            b.html
        );
        // Left open, or written as if self-closed, it runs to the body's end, as the
        // sanitizer reads it.
        for text in [
            "One <script>two\n\nThree four five.\n",
            "One <script src=\"x.js\" /> two\n\nThree four five.\n",
        ] {
            let b = render_markdown(text, 1);
            assert_eq!(b.first_paragraph, "One", "{text}");
            assert_eq!(b.word_count, 1, "{text}");
            assert!(!b.html.contains("Three"), "{}", b.html);
        }
    }

    /// A heading opening a dump's body is no lede, as in a Markdown body.
    #[test]
    fn a_heading_is_no_lede() {
        for (html, first) in [
            ("<h1>Big</h1><p>p</p>", "p"),
            ("<h2>A</h2>intro<h3>B</h3><p>p</p>", "intro"),
            ("<p>One</p><h2>Two</h2>", "One"),
        ] {
            assert_eq!(html_body(html, None).first_paragraph, first, "{html}");
        }
    }

    #[test]
    fn plain_text_and_html_helpers() {
        assert_eq!(fold_spaces("a\u{a0}b\u{200b}c"), "a bc");
        assert_eq!(
            decode_entities("Tom &amp; Jerry&rsquo;s"),
            "Tom & Jerry\u{2019}s"
        );
        assert_eq!(
            text_paragraphs("One\ntwo\n\n\u{a0}\n\nThree &quot;x&quot;\n"),
            vec!["One two", "Three \"x\""]
        );
        assert_eq!(text_paragraphs("a.\nb.\n"), vec!["a.", "b."]);
        let b = paragraphs_body(&["\"Hi\" <b> & co".to_string()]);
        assert_eq!(b.html, "<p>\"Hi\" &lt;b&gt; &amp; co</p>\n");
        assert!(looks_like_html("<p>x</p>") && !looks_like_html("a < b > c"));
        assert!(!looks_like_html("5 < 6 and x > y and a <not a tag."));
        assert!(looks_like_html("He wrote <b>bold</b> words.") && looks_like_html("<br/>"));
        let inline = dump_html_body("He wrote <b>bold</b> words.\n\nSecond para.", None);
        assert_eq!(
            inline.html,
            "<p>He wrote <b>bold</b> words.</p>\n<p>Second para.</p>\n"
        );
        let h = html_body(
            "<p>First <em>one</em>.</p><script>x()</script><p>Second</p>",
            None,
        );
        assert_eq!(h.first_paragraph, "First one.");
        assert_eq!(h.word_count, 3);
        assert!(!h.html.contains("script"));
    }

    #[test]
    fn collects_local_refs_only() {
        let b = render_markdown(
            "![p](photo.jpg) [a](https://x.org) [b](/abs) [c](../up.pdf) [d](doc.pdf#p2)",
            1,
        );
        assert_eq!(b.refs, vec!["photo.jpg", "doc.pdf"]);
        assert_eq!(b.refused, vec![("../up.pdf".to_string(), Some(1))]);
    }

    /// Another article's source is no file to copy, nor one that climbs out: its link
    /// is noted, with its line, for the archive stage.
    #[test]
    fn links_to_markdown_files_are_noted_for_their_articles() {
        let b = render_markdown(
            "[a](other.md#x) [b](../world/x.MD)\n\n<a href=\"sub/y.markdown\">y</a> [a](other.md)\n",
            3,
        );
        assert!(b.refs.is_empty() && b.refused.is_empty(), "{b:?}");
        let noted = |path: &str, line| (path.to_string(), Some(line));
        assert_eq!(
            b.content_links,
            [
                noted("other.md", 3),
                noted("../world/x.MD", 3),
                noted("sub/y.markdown", 5)
            ]
        );
        assert!(b.html.contains("href=\"../world/x.MD\""), "{}", b.html);
    }

    #[test]
    fn targets_are_normalised_below_the_article_folder() {
        let beside = |path: &str, rest| Target::Beside {
            path: path.into(),
            rest,
        };
        assert_eq!(target("./x.gif"), beside("x.gif", ""));
        assert_eq!(target("a/./b.gif?v=2#top"), beside("a/b.gif", "?v=2#top"));
        assert_eq!(target("a/../b.gif"), beside("b.gif", ""));
        assert_eq!(target("a//b.gif"), beside("a/b.gif", ""));
        assert_eq!(target("img/a:b.jpg"), beside("img/a:b.jpg", ""));
        for outside in [
            "../x.gif",
            "a/../../x.gif",
            "..\\x.gif",
            "%2e%2e/x.gif",
            "./../x",
        ] {
            assert_eq!(
                target(outside),
                Target::Outside { path: outside },
                "{outside}"
            );
        }
        for elsewhere in [
            "",
            "#top",
            "/abs.gif",
            "//host/x.gif",
            "https://x.org/a.gif",
            "mailto:a@b",
            "sub/",
            "../",
            "..",
            "C:\\x.gif",
        ] {
            assert_eq!(target(elsewhere), Target::Elsewhere, "{elsewhere}");
        }
    }

    #[test]
    fn content_links_are_relative_or_from_the_content_root() {
        for (dest, path) in [
            ("x.md#part", "x.md"),
            ("../world/x.md?v=1", "../world/x.md"),
            (" /world/x.md#part", "/world/x.md"),
        ] {
            assert_eq!(content_link(dest), Some(path), "{dest}");
        }
        for other in [
            "//host/x.md",
            "/\\host/x.md",
            "https://e.org/x.md",
            "/world/x.html",
            "#x.md",
        ] {
            assert_eq!(content_link(other), None, "{other}");
        }
    }

    #[test]
    fn raw_html_refers_to_files_too() {
        let b = render_markdown(
            "![d](./photo.gif)\n\n<img src=\"raw.gif\"> <a href=\"./docs/../report.pdf#p2\">r</a>\n\n<img src=\"../up.gif\">\n",
            5,
        );
        assert_eq!(b.refs, vec!["photo.gif", "raw.gif", "report.pdf"]);
        assert_eq!(b.refused, vec![("../up.gif".to_string(), Some(9))]);
        assert!(b.html.contains("src=\"photo.gif\""), "{}", b.html);
        assert!(b.html.contains("href=\"report.pdf#p2\""), "{}", b.html);
        assert!(!b.html.contains("\"./"), "{}", b.html);
        let h = html_body("<p><img src=\"./a/b.gif\"><img src=\"../c.gif\"></p>", None);
        assert_eq!(h.refs, vec!["a/b.gif"]);
        assert_eq!(h.refused, vec![("../c.gif".to_string(), None)]);
        assert!(h.html.contains("src=\"a/b.gif\""), "{}", h.html);
    }

    /// A relative path that normalises to something reading as a scheme keeps a `./`
    /// before it: raw HTML passes the hook's output through unchecked.
    #[test]
    fn normalising_never_makes_a_scheme() {
        for (html, bad) in [
            ("<a href=\"./javascript:alert(1)\">x</a>", "\"javascript:"),
            (
                "<a href=\"a/../javascript:alert(1)\">x</a>",
                "\"javascript:",
            ),
            ("<img src=\"./data:image/svg+xml,x\">", "\"data:"),
            (
                "<a href=\"x/..//javascript:alert(1)\">x</a>",
                "\"javascript:",
            ),
        ] {
            let md = render_markdown(&format!("{html}\n"), 1);
            let dump = html_body(html, None);
            for out in [&md.html, &dump.html] {
                assert!(!out.to_lowercase().contains(bad), "{html} -> {out}");
            }
        }
        assert_eq!(beside_link("javascript:x", ""), "./javascript:x");
        assert_eq!(beside_link("a/b:c.gif", "#t"), "a/b:c.gif#t");
    }

    /// Files are named as a browser asks for them: decoded, but never into a separator.
    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(beside_file("my%20photo.gif"), "my photo.gif");
        assert_eq!(beside_file("caf%C3%A9/a%2Eb.gif"), "café/a.b.gif");
        assert_eq!(beside_file("a%2Fb.gif"), "a%2Fb.gif");
        assert_eq!(beside_file("x/%2E%2E/y.gif"), "x/%2E%2E/y.gif");
        assert_eq!(beside_file("bad%FF.gif"), "bad%FF.gif");
        let b = render_markdown("![p](my%20photo.gif)\n", 1);
        assert_eq!(b.refs, vec!["my photo.gif"]);
        assert!(b.html.contains("src=\"my%20photo.gif\""), "{}", b.html);
    }
}
