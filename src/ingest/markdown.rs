//! Markdown files with front matter: TOML between `+++` lines, YAML between `---` lines
//! (Jekyll, Hugo), or a JSON object at the top of the file (Hugo). All three are read
//! through the same [`Fields`], so they accept the same fields with the same rules.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::body::{fold_spaces, is_element, render_markdown, HIDDEN_ELEMENTS};
use super::record::{clean_line, finish, Field, Fields, Mode};
use super::{FileOutcome, SourceFile};
use crate::config::SiteConfig;
use crate::diagnostics::{line_of, line_of_key, Diagnostic};

/// Which syntax the front matter is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Toml,
    Yaml,
    Json,
}

/// Front matter split from the body.
struct Split<'a> {
    syntax: Syntax,
    front: &'a str,
    /// Line of `front`'s first line in the file.
    first_line: usize,
    body: &'a str,
}

/// Splits front matter fenced by `fence` lines.
fn fenced<'a>(text: &'a str, fence: &str, syntax: Syntax) -> Result<Split<'a>, (usize, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let start = first.len();
    let mut offset = start;
    for line in lines {
        if line.trim_end() == fence {
            return Ok(Split {
                syntax,
                front: &text[start..offset],
                first_line: 2,
                body: &text[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err((
        1,
        format!(
            "front matter opened with '{fence}' is never closed; add a '{fence}' line after it"
        ),
    ))
}

/// The line of the first of `keys` set in the front matter of `text`, a Markdown file.
pub fn key_line(text: &str, keys: &[&str]) -> Option<usize> {
    let split = split_front_matter(text).ok()?;
    keys.iter()
        .find_map(|k| crate::diagnostics::line_of_key(split.front, k))
        .map(|l| l + split.first_line - 1)
}

/// Finds the front matter: `+++` TOML, `---` YAML or a leading `{` JSON object, after
/// any blank lines (an editor or an export may leave some).
fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let blank: Vec<&str> = text
        .split_inclusive('\n')
        .take_while(|line| line.trim().is_empty())
        .collect();
    let rest = &text[blank.iter().map(|l| l.len()).sum::<usize>()..];
    let mut split = split_at_start(rest).map_err(|(line, m)| (line + blank.len(), m))?;
    split.first_line += blank.len();
    Ok(split)
}

/// [`split_front_matter`] of a text that starts with its front matter.
fn split_at_start(text: &str) -> Result<Split<'_>, (usize, String)> {
    let first = text.lines().next().unwrap_or("").trim_end();
    match first {
        "+++" => fenced(text, "+++", Syntax::Toml),
        "---" => fenced(text, "---", Syntax::Yaml),
        _ if first.starts_with('{') => {
            // The object ends where the JSON parser stops; the body follows it.
            let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
            match stream.next() {
                Some(Ok(_)) => {
                    let end = stream.byte_offset();
                    Ok(Split {
                        syntax: Syntax::Json,
                        front: &text[..end],
                        first_line: 1,
                        body: &text[end..],
                    })
                }
                Some(Err(e)) => Err((e.line(), format!("front matter is not valid JSON: {e}"))),
                None => Err((1, "empty JSON front matter".into())),
            }
        }
        _ => Err((
            1,
            "no front matter: start the file with a '+++' line (TOML), a '---' line (YAML) or a JSON object, holding title and date".into(),
        )),
    }
}

/// TOML values as JSON values; dates become their RFC 3339 text.
pub(crate) fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// The start of the message a key set twice gets; the parsers' own locations point past
/// the table, so [`front_matter_map`] finds the second setting's line itself.
const DUPLICATE_KEY: &str = "duplicate key `";

/// What a front matter that is not a table is told.
const NOT_A_TABLE: &str = "a table of fields such as title: ...";

/// A YAML or JSON front matter table that refuses a key set twice. Both parsers keep
/// the last value silently, so the first would vanish without a word; TOML refuses it
/// itself. An empty YAML front matter is an empty table.
struct UniqueKeys(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Table;
        impl<'de> Visitor<'de> for Table {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(NOT_A_TABLE)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Map::new()))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Map::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut fields: A) -> Result<UniqueKeys, A::Error> {
                let mut map = Map::new();
                while let Some(key) = fields.next_key::<String>()? {
                    let value: Value = fields.next_value()?;
                    if map.contains_key(&key) {
                        return Err(A::Error::custom(format!(
                            "{DUPLICATE_KEY}{key}`: it is set twice; keep one"
                        )));
                    }
                    map.insert(key, value);
                }
                Ok(UniqueKeys(map))
            }
        }
        d.deserialize_any(Table)
    }
}

/// The line (in the file) where `message`'s duplicate key is set the second time.
fn duplicate_line(split: &Split<'_>, message: &str) -> Option<usize> {
    let key = message.split(DUPLICATE_KEY).nth(1)?.split('`').next()?;
    let second = split
        .front
        .lines()
        .enumerate()
        .filter(|(_, l)| line_of_key(l, key).is_some())
        .nth(1)?
        .0;
    Some(split.first_line + second)
}

/// Parses the front matter into an object, or an error (line in the file, message).
fn front_matter_map(split: &Split<'_>) -> Result<Map<String, Value>, (Option<usize>, String)> {
    // A YAML top level that is a scalar or a list: at the front matter's first line.
    let at = |line: Option<usize>, message: &str| {
        if message.contains(DUPLICATE_KEY) {
            duplicate_line(split, message).or(line)
        } else if message.contains(NOT_A_TABLE) {
            Some(split.first_line)
        } else {
            line
        }
    };
    match split.syntax {
        Syntax::Toml => {
            let table: toml::Table = toml::from_str(split.front).map_err(|e| {
                (
                    e.span()
                        .map(|s| split.first_line - 1 + line_of(split.front, s.start)),
                    format!("front matter is not valid TOML: {}", e.message().trim()),
                )
            })?;
            Ok(table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect())
        }
        Syntax::Yaml => {
            let table: UniqueKeys = serde_yaml_ng::from_str(split.front).map_err(|e| {
                let shift = split.first_line - 1;
                let message = e.to_string();
                (
                    at(e.location().map(|l| shift + l.line()), &message),
                    format!(
                        "front matter is not valid YAML: {}",
                        file_lines(&message, shift)
                    ),
                )
            })?;
            Ok(table.0)
        }
        Syntax::Json => {
            let table: UniqueKeys = serde_json::from_str(split.front).map_err(|e| {
                let mut message = e.to_string();
                // Its `at line` is past the value, not at the second key.
                if message.contains(DUPLICATE_KEY) {
                    message.truncate(message.find(" at line ").unwrap_or(message.len()));
                }
                (
                    at(Some(e.line()), &message),
                    format!("front matter is not valid JSON: {message}"),
                )
            })?;
            Ok(table.0)
        }
    }
}

/// Parses one Markdown file into one article.
pub fn parse(file: &SourceFile, config: &SiteConfig) -> FileOutcome {
    let mut out = FileOutcome::default();
    let split = match split_front_matter(&file.text) {
        Ok(parts) => parts,
        Err((line, msg)) => {
            out.diagnostics
                .push(Diagnostic::error(&file.shown, Some(line), msg).with_kind("front-matter"));
            return out;
        }
    };
    let map = match front_matter_map(&split) {
        Ok(m) => m,
        Err((line, msg)) => {
            out.diagnostics
                .push(Diagnostic::error(&file.shown, line, msg).with_kind("front-matter"));
            return out;
        }
    };
    let mut map = map;
    // Jekyll's excerpt divider; Hugo's is `<!--more-->`.
    let divider = match map.remove("excerpt_separator") {
        Some(Value::String(d)) if !d.trim().is_empty() => d,
        _ => MORE.to_string(),
    };
    let mut fields = Fields::new(
        map,
        Mode::FrontMatter,
        split.front,
        split.first_line,
        &file.shown,
        config,
    );
    let dated_name = jekyll_name(&file.rel);
    fields.jekyll = dated_name.is_some() || in_folder(&file.rel, "_posts");
    if let Some((date, slug)) = dated_name {
        fields.default_to(Field::Date, date);
        fields.default_to(Field::Slug, &config.slugs.slugify(slug));
    }
    // Jekyll keeps unfinished posts in `_drafts/`.
    fields.drafts_folder = in_folder(&file.rel, "_drafts");
    let mut draft = fields.draft();
    // A summary is plain text: Hugo renders a front-matter summary's Markdown, so
    // `**Bold** claim` is written without its asterisks, and `<b>` without its tag.
    draft.summary = draft.summary.map(|s| summary_text(&s));
    if draft.summary.is_none() {
        if let Some(at) = split.body.find(divider.as_str()) {
            draft.summary = Some(plain_text(&split.body[..at])).filter(|s| !s.is_empty());
        }
    }
    fields.warn_unknown();
    out.diagnostics.append(&mut fields.diagnostics);
    let title = match &draft.title {
        Some(t) if !t.is_empty() => t.clone(),
        // Blank: at its own line.
        Some(_) => {
            let line = line_of_key(split.front, "title")
                .map(|l| l + split.first_line - 1)
                .unwrap_or(split.first_line);
            out.diagnostics.push(
                Diagnostic::error(
                    &file.shown,
                    Some(line),
                    "the title is blank; write the headline there",
                )
                .with_kind("no-title"),
            );
            return out;
        }
        None => {
            out.diagnostics.push(
                Diagnostic::error(
                    &file.shown,
                    Some(split.first_line.saturating_sub(1).max(1)),
                    "front matter has no title; add title = \"...\"",
                )
                .with_kind("no-title"),
            );
            return out;
        }
    };
    if out.diagnostics.iter().any(Diagnostic::is_error) {
        return out;
    }
    // The body is the end of the file: its first line is one past the lines before it.
    let before = &file.text[..file.text.len() - split.body.len()];
    let first_body_line = 1 + before.matches('\n').count();
    if let Some((at, count, tag)) = template_tags(split.body) {
        let more = and_more(count, "");
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(first_body_line + at),
                format!(
                    "`{tag}`{more} is a Hugo shortcode or Liquid tag, which is not run here and shows as written; write it as Markdown or HTML (a figure as ![caption](photo.jpg))"
                ),
            )
            .with_kind("template-tag"),
        );
    }
    if let Some((at, name, count)) = removed_elements(split.body) {
        let more = and_more(count, " such elements");
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(first_body_line + at),
                format!(
                    "<{name}>{more} is removed from the page with what it holds: the archive runs no scripts and loads no players or posts from other sites; link to it instead"
                ),
            )
            .with_kind("removed-html"),
        );
    }
    let body = render_markdown(split.body, first_body_line, config.slugs, &config.base_path);
    let article = finish(draft, title, body, file, config.slugs, &mut out.diagnostics);
    out.articles.push(article);
    out
}

/// The first Hugo shortcode (`{{< figure ... >}}`, `{{% ... %}}`) or Liquid tag (`{% ...
/// %}`, `{{ site.baseurl }}`) outside code in a body: its line (0-based in `body`), how
/// many there are, and the tag as written (cut short).
fn template_tags(body: &str) -> Option<(usize, usize, String)> {
    // Most bodies hold no brace: one scan, not five searches a line.
    memchr::memchr(b'{', body.as_bytes())?;
    let mut first = None;
    let mut count = 0;
    for (n, line) in prose_lines(body) {
        if !line.contains('{') {
            continue;
        }
        // Each opening once, by position: `{{%` is not also a `{%`.
        let mut starts: Vec<usize> = ["{{<", "{{%", "{%", "{{ site.", "{{ page."]
            .iter()
            .flat_map(|opener| line.match_indices(opener).map(|(at, _)| at))
            .collect();
        starts.sort_unstable();
        let mut covered = 0;
        for at in starts {
            // Inside `{{%`, or in inline code (`{{< x >}}` between backticks, shown on
            // purpose).
            if at < covered || line[..at].matches('`').count() % 2 == 1 {
                continue;
            }
            covered = at + 3;
            count += 1;
            if first.is_none() {
                let tag: String = line[at..].chars().take(60).collect();
                let end = tag.find(['}', '>']).map_or(tag.len(), |e| {
                    tag[e..]
                        .find(|c| c != '}' && c != '>' && c != '%')
                        .map_or(tag.len(), |x| e + x)
                });
                first = Some((n, tag[..end].trim_end().to_string()));
            }
        }
    }
    first.map(|(n, tag)| (n, count, tag))
}

/// A body's lines outside fenced and indented code, with their 0-based numbers: where
/// markup left in the text means something.
fn prose_lines(body: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut fence: Option<&str> = None;
    body.lines().enumerate().filter(move |(_, line)| {
        let trimmed = line.trim_start();
        let mut marker_line = false;
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                marker_line = true;
                fence = match fence {
                    None => Some(marker),
                    Some(open) if open == marker => None,
                    other => other,
                };
            }
        }
        fence.is_none() && !marker_line && !line.starts_with("    ")
    })
}

/// Raw HTML elements the sanitizer removes with what they hold: embedded players and
/// posts, scripts, forms. An archive loads nothing from other sites.
const REMOVED_ELEMENTS: [&str; 8] = [
    "iframe", "script", "embed", "object", "video", "audio", "form", "style",
];

/// The first raw HTML element of [`REMOVED_ELEMENTS`] in a body: its line (0-based),
/// its name and how many there are.
fn removed_elements(body: &str) -> Option<(usize, &'static str, usize)> {
    memchr::memchr(b'<', body.as_bytes())?;
    let mut first = None;
    let mut count = 0;
    for (n, line) in prose_lines(body) {
        if !line.contains('<') {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        for name in REMOVED_ELEMENTS {
            for (at, _) in lower.match_indices(&format!("<{name}")) {
                let after = lower[at + 1 + name.len()..].chars().next();
                if after.is_none_or(|c| c == '>' || c == '/' || c.is_whitespace()) {
                    count += 1;
                    first.get_or_insert((n, name));
                }
            }
        }
    }
    first.map(|(n, name)| (n, name, count))
}

/// ` (and 2 more{what})` after the first of `count` things a message names; nothing for one.
fn and_more(count: usize, what: &str) -> String {
    match count {
        1 => String::new(),
        n => format!(" (and {} more{what})", n - 1),
    }
}

/// True when the file at `rel` (under `content/`) is in a folder named `folder`, at any
/// depth (`_posts/x.md`, `news/_posts/x.md`).
fn in_folder(rel: &str, folder: &str) -> bool {
    rel.split('/').rev().skip(1).any(|f| f == folder)
}

/// Hugo's summary divider: the text above it is the summary.
const MORE: &str = "<!--more-->";

/// A Jekyll post's name, `2005-02-07-ad-sales-boost.md`: its date and the rest, which is
/// the post's slug.
fn jekyll_name(rel: &str) -> Option<(&str, &str)> {
    let name = rel.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let (date, rest) = (stem.get(..10)?, stem.get(10..)?.strip_prefix('-')?);
    let dated = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    (dated && !rest.is_empty()).then_some((date, rest))
}

/// Markdown as the plain text it shows: markup gone, blocks one space apart, raw HTML
/// dropped (a body's `<span>`), with the text of a `<script>` or `<style>`.
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = String::new();
    let mut hidden = None;
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            Event::InlineHtml(tag) => hidden = super::body::hidden_after(hidden, &tag),
            Event::Text(t) | Event::Code(t) if hidden.is_none() => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A front matter's summary (`**Bold** claim with [a link](...)`, `<p>The <b>port</b></p>`)
/// as the text it shows, on one line: Markdown and raw HTML gone, a `<script>`'s or
/// `<style>`'s text with it; a code span's text (`` `<br>` ``) and escaped markup
/// (`&lt;b&gt;`) stay, as text. Only inline markup is read: `2023. A year...` is no list,
/// `# 1` no heading; a line with none of `*`, `_`, `[`, a backtick, `<` or `&` is only
/// folded.
fn summary_text(summary: &str) -> String {
    use pulldown_cmark::Event;
    if !summary.contains(['*', '_', '[', '`', '<', '&']) {
        return clean_line(summary);
    }
    // One line, behind a word: a list's or heading's marker is text, and no line opens
    // an HTML block.
    let line = clean_spaces(summary);
    let source = format!("a {line}");
    let mut text = String::new();
    // The hidden element (`script`) whose content is being skipped.
    let mut hidden: Option<String> = None;
    for event in pulldown_cmark::Parser::new(&source) {
        match event {
            Event::Text(t) | Event::Code(t) if hidden.is_none() => text.push_str(&t),
            Event::InlineHtml(tag) | Event::Html(tag) => {
                let (name, closing) = super::body::tag_name(&tag);
                let hides = HIDDEN_ELEMENTS.contains(&name.as_str());
                match &hidden {
                    Some(h) if closing && *h == name => hidden = None,
                    None if !closing && hides => hidden = Some(name),
                    // As a dump's text is read: a tag of no HTML element (`<summary>`,
                    // `<Name>`) is text.
                    None if !hides && !tag.starts_with("<!--") && !is_element(&name) => {
                        text.push_str(&tag)
                    }
                    _ => {}
                }
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let text = clean_spaces(&text);
    text.strip_prefix("a ").unwrap_or(&text).to_string()
}

/// `text` on one line: odd spaces plain, runs of whitespace one space, none at the ends.
fn clean_spaces(text: &str) -> String {
    fold_spaces(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A YAML message's `at line N` counted in the file, not in the front matter: `shift`
/// lines come before the front matter's first.
fn file_lines(message: &str, shift: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("line ") {
        let (before, after) = rest.split_at(at + "line ".len());
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + shift).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            shown: PathBuf::from("content/world/x.md"),
            rel: "world/x.md".into(),
            default_section: Some("world".into()),
            defaults: Default::default(),
            text: text.into(),
        }
    }

    fn parse_text(text: &str) -> FileOutcome {
        parse(&file(text), &SiteConfig::default())
    }

    #[test]
    fn reads_all_fields() {
        let out = parse_text(
            "+++\ntitle = \"Zürich café\"\ndate = 2023-03-07T10:00:00+02:00\ntags = [\"Iraq\", \"US\"]\nauthors = \"Jane Doe\"\nsources = [\"AFP\"]\ndraft = false\n+++\nFirst *para*.\n\nSecond.\n",
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let a = &out.articles[0];
        assert_eq!(a.slug, "zurich-cafe");
        assert_eq!(a.summary, "First para.");
        assert_eq!(a.section.as_deref(), Some("world"));
        assert_eq!(a.authors, vec!["Jane Doe"]);
        assert_eq!(a.word_count, 3);
    }

    #[test]
    fn comma_lists_in_front_matter() {
        let out = parse_text(
            "---\ntitle: x\ndate: 2023-03-07\ntags: iraq, defense\nauthor: Jane Doe, John Smith\n---\nbody\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.tags, ["iraq", "defense"]);
        assert_eq!(a.authors, ["Jane Doe", "John Smith"]);
        let out = parse_text(
            "+++\ntitle = \"x\"\ndate = 2023-03-07\nauthor = \"Doe, Jane\"\n+++\nbody\n",
        );
        assert_eq!(out.articles[0].authors, ["Doe, Jane"]);
    }

    #[test]
    fn a_field_spelled_twice_keeps_the_usual_spelling() {
        let out = parse_text("---\ntitle: Lower\nTitle: Upper\ndate: 2023-03-07\n---\nbody\n");
        assert_eq!(out.articles[0].title, "Lower");
        let messages: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["'Title' is ignored: 'title' already gives the title"],
            "{:?}",
            out.diagnostics
        );
        // The same value under two names loses nothing, so it is not reported.
        let out = parse_text(
            "---
title: Same
headline: Same
lang: fr
inLanguage: fr
date: 2023-03-07
---
body
",
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    #[test]
    fn blank_lines_before_the_front_matter() {
        let out = parse_text("\n\n+++\ntitle = \"x\"\ndate = \"Tuesday\"\n+++\nbody\n");
        assert_eq!(out.diagnostics[0].line, Some(5), "{:?}", out.diagnostics);
        let out = parse_text("\n---\ntitle: x\ndate: 2023-03-07\n---\nbody\n");
        assert_eq!(out.articles.len(), 1, "{:?}", out.diagnostics);
    }

    #[test]
    fn likely_mistakes_are_warnings() {
        let long = "word ".repeat(60);
        let out = parse_text(&format!(
            "+++\ntitle = \"{long}\"\ndate = 2023-03-07\nupdated = 2023-03-01\n+++\nbody\n"
        ));
        assert_eq!(out.articles.len(), 1);
        let kinds: Vec<(&str, Option<usize>)> =
            out.diagnostics.iter().map(|d| (&*d.kind, d.line)).collect();
        assert_eq!(kinds, [("bad-date", Some(4)), ("long-title", Some(2))]);
    }

    #[test]
    fn a_slug_without_letters_names_the_one_used() {
        let out = parse_text(
            "+++\ntitle = \"Talks resume\"\ndate = 2023-03-07\nslug = \"..\"\n+++\nbody\n",
        );
        assert_eq!(out.articles[0].slug, "talks-resume");
        let d = &out.diagnostics[0];
        assert_eq!(d.line, Some(4));
        assert_eq!(
            d.message,
            "slug '..' is not URL-safe; using 'talks-resume' (made from the title, as it has no letters or digits)"
        );
    }

    #[test]
    fn a_blank_title_is_placed_at_its_line() {
        let out = parse_text("+++\ndate = 2023-03-07\ntitle = \"   \"\n+++\nbody\n");
        let d = &out.diagnostics[0];
        assert_eq!(
            (d.line, d.message.as_str()),
            (Some(3), "the title is blank; write the headline there")
        );
    }

    #[test]
    fn a_wrong_weekday_in_front_matter_is_a_warning() {
        let out = parse_text("+++\ntitle = \"x\"\ndate = \"Sunday 7 Mar 2023\"\n+++\nbody\n");
        assert_eq!(out.articles.len(), 1);
        let d = &out.diagnostics[0];
        assert_eq!((&*d.kind, d.line), ("bad-date", Some(3)));
    }

    #[test]
    fn bad_date_names_line() {
        let out = parse_text("+++\ntitle = \"x\"\ndate = \"Tuesday\"\n+++\nbody\n");
        let d = &out.diagnostics[0];
        assert!(out.articles.is_empty());
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("'Tuesday' is not a date"), "{d}");
        assert_eq!(
            d.to_string().split(": ").nth(1),
            Some("content/world/x.md:3")
        );
    }

    /// In front matter, as any date that cannot be used, it is an error at its line.
    #[test]
    fn a_negative_timestamp_is_an_error_at_its_line() {
        let out = parse_text("+++\ntitle = \"x\"\ndate = -5\n+++\nbody\n");
        assert!(out.articles.is_empty());
        let e = &out.diagnostics[0];
        assert!(e.is_error() && e.line == Some(3), "{e}");
        assert!(e.message.contains("-5 is no date"), "{e}");
    }

    #[test]
    fn toml_syntax_error_names_line() {
        let out =
            parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\ntags = [\"a\" \"b\"]\n+++\nbody\n");
        assert_eq!(out.diagnostics[0].line, Some(4), "{:?}", out.diagnostics);
    }

    #[test]
    fn unknown_field_warns() {
        let out =
            parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\ncolour = \"red\"\n+++\nbody\n");
        assert_eq!(out.articles.len(), 1);
        assert_eq!(out.diagnostics[0].line, Some(4));
        assert!(!out.diagnostics[0].is_error());
    }

    #[test]
    fn yaml_front_matter_like_jekyll() {
        let out = parse_text(
            "---\nlayout: post\ntitle: \"Cairo metro: line 3 opens\"\ndate: 2023-03-07 10:15:00 +0200\ntags:\n  - Egypt\n  - Transport\nauthor: Jane Doe\ndescription: Short.\n---\nBody *here*.\n",
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let a = &out.articles[0];
        assert_eq!(a.title, "Cairo metro: line 3 opens");
        assert_eq!(a.tags, vec!["Egypt", "Transport"]);
        assert_eq!(a.authors, vec!["Jane Doe"]);
        assert_eq!(a.summary, "Short.");
        assert_eq!(a.date.unwrap().to_rfc3339(), "2023-03-07T08:15:00+00:00");
    }

    #[test]
    fn yaml_errors_name_the_line() {
        let out = parse_text("---\ntitle: x\ndate: Tuesday\n---\nbody\n");
        assert_eq!(out.diagnostics[0].line, Some(3), "{:?}", out.diagnostics);
        assert!(out.diagnostics[0].is_error());
        let out = parse_text("---\ntitle: x\ndate: 2023-03-07\ntags: [a\n---\nbody\n");
        assert!(
            out.diagnostics[0].message.contains("not valid YAML"),
            "{:?}",
            out.diagnostics
        );
        assert!(out.diagnostics[0].line.is_some_and(|l| l >= 4));
        // The lines the message names are the file's, as the diagnostic's is.
        let out = parse_text("---\ntitle: \"x\ndate: [2023\n---\nbody\n");
        let d = &out.diagnostics[0];
        assert_eq!(d.line, Some(4), "{d:?}");
        assert!(d.message.contains("at line 4 column 1"), "{d:?}");
        assert!(d.message.contains("at line 2 column 8"), "{d:?}");
        let out = parse_text("---\ntitle: x\ndate: 2023-03-07\nnothing: 1\n---\nbody\n");
        assert_eq!(out.diagnostics[0].line, Some(4));
        assert!(!out.diagnostics[0].is_error());
    }

    #[test]
    fn a_key_set_twice_is_an_error_at_its_second_line() {
        // YAML and JSON parsers keep the last silently; TOML refuses it itself.
        for text in [
            "---\ntitle: One\ndate: 2023-03-07\ntitle: Two\n---\nbody\n",
            "{\n\"title\": \"One\",\n\"date\": \"2023-03-07\",\n\"title\": \"Two\"\n}\nbody\n",
            "+++\ntitle = \"One\"\ndate = 2023-03-07\ntitle = \"Two\"\n+++\nbody\n",
        ] {
            let out = parse_text(text);
            assert!(out.articles.is_empty(), "{text}");
            let d = &out.diagnostics[0];
            assert!(d.is_error() && d.message.contains("duplicate key"), "{d:?}");
            assert_eq!(d.line, Some(4), "{text}: {d:?}");
        }
        // An empty YAML front matter is an empty table: only the missing fields are named.
        let out = parse_text("---\n---\nbody\n");
        assert!(
            out.diagnostics[0].message.contains("no date"),
            "{:?}",
            out.diagnostics
        );
        let out = parse_text("---\n- a\n---\nbody\n");
        assert!(out.diagnostics[0].message.contains("a table of fields"));
        assert_eq!(out.diagnostics[0].line, Some(2));
    }

    #[test]
    fn shortcodes_left_in_a_body_are_named_once_at_the_first() {
        let out = parse_text("---\ntitle: x\ndate: 2023-03-07\n---\nIntro.\n\n{{< figure src=\"a.png\" >}} and {{< youtube x >}}\n\n`{{< shown >}}`\n\n```\n{% raw %}\n```\n");
        let d = &out.diagnostics[0];
        assert_eq!(d.line, Some(7), "{d:?}");
        assert!(
            d.message
                .starts_with("`{{< figure src=\"a.png\" >}}` (and 1 more)"),
            "{d:?}"
        );
        assert_eq!(out.diagnostics.len(), 1);
        let out =
            parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\n+++\n{% a %} {{< b >}} {{% c %}}\n");
        assert!(
            out.diagnostics[0]
                .message
                .starts_with("`{% a %}` (and 2 more)"),
            "{:?}",
            out.diagnostics
        );
        assert!(
            parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\n+++\nCode: `{% x %}`\n")
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn embeds_removed_from_a_body_are_named_once() {
        let out = parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\n+++\nIntro.\n\n<iframe src=\"https://www.youtube.com/embed/x\"></iframe>\n\n<SCRIPT async src=\"x.js\"></SCRIPT>\n\n```\n<script>in code</script>\n```\n\n<iframes>\n");
        let d = &out.diagnostics[0];
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(d.line, Some(7), "{d:?}");
        assert!(
            d.message
                .starts_with("<iframe> (and 1 more such elements) is removed"),
            "{d:?}"
        );
        assert!(!out.articles[0].body_html.text().contains("<iframe"));
    }

    #[test]
    fn a_summary_loses_its_markdown_but_not_its_text() {
        let summary = |s: &str| {
            let out = parse_text(&format!(
                "+++\ntitle = \"x\"\ndate = 2023-03-07\nsummary = \"{s}\"\n+++\nbody\n"
            ));
            out.articles[0].summary.clone()
        };
        // HTML is markup too, as Hugo renders it; escaped, it is text.
        assert_eq!(
            summary("A *bold* [claim](http://x) <b>x</b> & more"),
            "A bold claim x & more"
        );
        assert_eq!(summary("<p><b>x</b> &amp; more</p>"), "x & more");
        assert_eq!(summary("&lt;b&gt; is bold"), "<b> is bold");
        assert_eq!(summary("5 < 6 and 7 > 6"), "5 < 6 and 7 > 6");
        assert_eq!(summary("2023. A *year*"), "2023. A year");
        // A code span's tag is its text; a script's or style's text is no text shown.
        assert_eq!(
            summary("Use `<br>` or `a & b`, not <b>bold</b>"),
            "Use <br> or a & b, not bold"
        );
        assert_eq!(
            summary("Port <script>track(1 < 2)</script>reopens<style>p{}</style>"),
            "Port reopens"
        );
        assert_eq!(summary("A <summary> of *it*"), "A <summary> of it");
        assert_eq!(summary("AT&T  *rises*\\u00a0again"), "AT&T rises again");
        assert_eq!(summary("# 1 _best_"), "# 1 best");
        // A Jekyll `description` in YAML, the same.
        let out = parse_text("---\ntitle: x\ndate: 2023-03-07\ndescription: \"<p>The <b>port</b> **reopens**</p>\"\n---\nbody\n");
        assert_eq!(out.articles[0].summary, "The port reopens");
        // Above `<!--more-->`, raw HTML is markup.
        let out = parse_text("+++\ntitle = \"x\"\ndate = 2023-03-07\n+++\nA <span>b</span> **c**.\n\n<!--more-->\nRest.\n");
        assert_eq!(out.articles[0].summary, "A b c.");
    }

    #[test]
    fn json_front_matter_like_hugo() {
        let out = parse_text(
            "{\n  \"title\": \"Hugo post\",\n  \"date\": \"2023-03-07\",\n  \"categories\": [\"World\"]\n}\n\nThe body.\n",
        );
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let a = &out.articles[0];
        assert_eq!(a.title, "Hugo post");
        assert_eq!(a.tags, vec!["World"]);
        assert_eq!(a.summary, "The body.");
        let out = parse_text("{\n  \"title\": \"x\",\n  \"date\": \"soon\"\n}\nbody\n");
        assert_eq!(out.diagnostics[0].line, Some(3), "{:?}", out.diagnostics);
    }

    #[test]
    fn missing_fence_is_an_error() {
        assert!(parse_text("title = x\n").diagnostics[0].is_error());
        assert!(parse_text("+++\ntitle = \"x\"\n").diagnostics[0]
            .message
            .contains("never closed"));
    }
}
