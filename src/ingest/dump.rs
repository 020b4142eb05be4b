//! JSON (`.json`: a top-level array of objects, one object, or an object holding such an
//! array) and JSON Lines (`.jsonl`: one object per line) exports from a CMS or a news API.
//!
//! A dump is machine-made and may be huge, so one bad record is a warning naming its line
//! and the others still build. Each record keeps its line as the article's source line.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use super::body::{dump_html_body, looks_like_html, paragraphs_body, text_paragraphs};
use super::record::{finish, split_agencies, Fields, Mode};
use super::{FileOutcome, SourceFile};
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

/// Keys of an envelope object whose array holds the articles (`{"articles": [...]}`).
const ENVELOPES: [&str; 7] = [
    "articles", "items", "data", "results", "posts", "entries", "@graph",
];

/// A JSON-LD `@graph` item that is an article (`NewsArticle`, `BlogPosting`...), not the
/// page, site or publisher the graph also describes.
fn is_article_node(item: &RawValue) -> bool {
    let Ok(node) = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(item.get())
    else {
        return false;
    };
    node.get("@type").is_some_and(|t| {
        let t = t.get();
        t.contains("Article") || t.contains("Posting") || t.contains("Report")
    })
}

/// A record as read: its value, and the keys its top level (or its `_source`, as
/// `_source.KEY`) sets more than once (JSON parsers keep the last value silently; the
/// first would vanish without a word).
struct Record {
    value: Value,
    repeated: Vec<String>,
}

impl Record {
    /// Reads one record. Anything but an object is checked to be JSON and read as `null`,
    /// which is reported as no record.
    fn read(text: &str) -> serde_json::Result<Record> {
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text)
        } else {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map(|_| Record {
                value: Value::Null,
                repeated: Vec::new(),
            })
        }
    }
}

impl<'de> serde::Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        d.deserialize_map(Keys { top: true })
    }
}

/// A record's `_source` (a search engine's hit), read as a record is but one level only:
/// an `_source` inside it is a plain value, so nesting cannot recurse past the JSON
/// reader's depth limit.
struct Source(Record);

impl<'de> serde::Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Source, D::Error> {
        d.deserialize_map(Keys { top: false }).map(Source)
    }
}

/// Reads an object's fields, noting the keys set twice; at a record's `top`, also those
/// of its `_source`.
struct Keys {
    top: bool,
}

impl<'de> serde::de::Visitor<'de> for Keys {
    type Value = Record;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut fields: A) -> Result<Record, A::Error> {
        let mut map = serde_json::Map::new();
        let mut repeated = Vec::new();
        while let Some(key) = fields.next_key::<String>()? {
            let value: Value = if self.top && key == "_source" {
                // The record is in `_source`: its keys set twice are the record's.
                let raw: Box<RawValue> = fields.next_value()?;
                if raw.get().trim_start().starts_with('{') {
                    let Source(inner) =
                        serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
                    for k in inner.repeated {
                        let k = format!("_source.{k}");
                        if !repeated.contains(&k) {
                            repeated.push(k);
                        }
                    }
                    inner.value
                } else {
                    // Not an object: kept as it is (an `_source` that holds no record).
                    serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?
                }
            } else {
                fields.next_value()?
            };
            if map.insert(key.clone(), value).is_some() && !repeated.contains(&key) {
                repeated.push(key);
            }
        }
        Ok(Record {
            value: Value::Object(map),
            repeated,
        })
    }
}

/// Parses a JSON Lines file: one record per non-blank line. Records are read in
/// parallel (a dump may hold the whole archive) and kept in line order.
pub fn parse_lines(file: &SourceFile, config: &SiteConfig) -> FileOutcome {
    // A JSON array or a pretty-printed object saved as `.jsonl` is read as the JSON it
    // is, and an empty file is said to be, as a `.json` one is.
    if file.text.trim().is_empty() {
        return parse_json(file, config);
    }
    let first = file
        .text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let whole_json = first.trim_start().starts_with('[')
        || (serde_json::from_str::<&RawValue>(first).is_err()
            && serde_json::from_str::<&RawValue>(&file.text).is_ok());
    if whole_json {
        return parse_json(file, config);
    }
    let lines: Vec<(usize, &str)> = file
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect();
    let parts: Vec<(FileOutcome, BTreeSet<String>)> = lines
        .par_iter()
        .enumerate()
        .map(|(n, &(no, line))| {
            let mut out = FileOutcome::default();
            let mut unknown = BTreeSet::new();
            match Record::read(line) {
                Ok(record) => one(record, no, n + 1, file, config, &mut out, &mut unknown),
                Err(e) => out.diagnostics.push(
                    Diagnostic::warning(
                        &file.shown,
                        Some(no),
                        format!("record is not valid JSON ({e}); skipped"),
                    )
                    .with_kind("bad-record"),
                ),
            }
            (out, unknown)
        })
        .collect();
    let mut out = FileOutcome::default();
    let mut unknown = BTreeSet::new();
    for (part, keys) in parts {
        out.articles.extend(part.articles);
        out.diagnostics.extend(part.diagnostics);
        unknown.extend(keys);
    }
    warn_unknown(file, &unknown, &mut out);
    out
}

/// Parses a JSON file: an array of records, one record, or an envelope holding an array.
pub fn parse_json(file: &SourceFile, config: &SiteConfig) -> FileOutcome {
    let mut out = FileOutcome::default();
    let mut unknown = BTreeSet::new();
    let text = file.text.as_str();
    if text.trim().is_empty() {
        out.diagnostics
            .push(Diagnostic::warning(&file.shown, None, "holds no text").with_kind("empty"));
        return out;
    }
    // Records stay raw until read, so each one's line is known from its place in the text.
    let top: &RawValue = match serde_json::from_str(text) {
        Ok(v) => v,
        // JSON Lines saved as `.json`: one object per line, each of them valid.
        Err(_) if is_json_lines(text) => return parse_lines(file, config),
        Err(e) => {
            out.diagnostics.push(
                Diagnostic::error(
                    &file.shown,
                    Some(e.line()),
                    format!("is not valid JSON: {e}; fix the file or export it as JSON Lines so one bad record cannot hide the others"),
                )
                .with_kind("bad-json"),
            );
            return out;
        }
    };
    let items: Vec<&RawValue> = match records(top) {
        Some(items) => items,
        None => {
            out.diagnostics.push(
                Diagnostic::error(
                    &file.shown,
                    Some(1),
                    "holds neither an article object nor a list of them",
                )
                .with_kind("bad-json"),
            );
            return out;
        }
    };
    // Lines counted from the record before, not from the top: a 100 MB array costs one
    // pass, not one per record.
    let mut lines = Vec::with_capacity(items.len());
    let (mut counted_to, mut line) = (0, 1);
    for raw in &items {
        let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..offset]).count();
        counted_to = offset;
        lines.push(line);
    }
    // A minified export holds every record on one line: messages then name the record.
    let shared = lines.windows(2).any(|w| w[0] == w[1]);
    for (n, (raw, line)) in items.into_iter().zip(lines).enumerate() {
        let before = out.diagnostics.len();
        match Record::read(raw.get()) {
            Ok(record) => one(record, line, n + 1, file, config, &mut out, &mut unknown),
            Err(e) => out.diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    Some(line),
                    format!("record is unreadable ({e}); skipped"),
                )
                .with_kind("bad-record"),
            ),
        }
        if shared {
            for d in &mut out.diagnostics[before..] {
                d.message = format!("record {}: {}", n + 1, d.message);
            }
        }
    }
    warn_unknown(file, &unknown, &mut out);
    out
}

/// The records of a JSON document, borrowed from its text.
fn records(top: &RawValue) -> Option<Vec<&RawValue>> {
    let trimmed = top.get().trim_start();
    if trimmed.starts_with('[') {
        return serde_json::from_str(top.get()).ok();
    }
    if !trimmed.starts_with('{') {
        return None;
    }
    let object: std::collections::BTreeMap<String, &RawValue> =
        serde_json::from_str(top.get()).ok()?;
    let envelope = ENVELOPES.iter().find_map(|k| {
        object
            .get(*k)
            .filter(|v| v.get().trim_start().starts_with('['))
            .map(|v| (*k, v))
    });
    // One level deeper: `{"data": {"articles": [...]}}`, `{"hits": {"hits": [...]}}`.
    let nested = || {
        object.values().find_map(|inner| {
            let inner: std::collections::BTreeMap<String, &RawValue> =
                serde_json::from_str(inner.get()).ok()?;
            ENVELOPES.iter().chain(&["hits"]).find_map(|k| {
                inner
                    .get(*k)
                    .filter(|v| v.get().trim_start().starts_with('['))
                    .map(|v| serde_json::from_str::<Vec<&RawValue>>(v.get()))
            })
        })
    };
    match envelope {
        // An envelope's few keys hold no headline: a record's do.
        None if object.len() <= 3
            && !["title", "headline", "name"]
                .iter()
                .any(|k| object.contains_key(*k)) =>
        {
            match nested() {
                Some(list) => list.ok(),
                None => Some(vec![top]),
            }
        }
        Some(("@graph", list)) => {
            let nodes: Vec<&RawValue> = serde_json::from_str(list.get()).ok()?;
            Some(nodes.into_iter().filter(|n| is_article_node(n)).collect())
        }
        Some((_, list)) => serde_json::from_str(list.get()).ok(),
        None => Some(vec![top]),
    }
}

/// Reads one record into an article (or a warning naming its line).
fn one(
    read: Record,
    line: usize,
    record: usize,
    file: &SourceFile,
    config: &SiteConfig,
    out: &mut FileOutcome,
    unknown: &mut BTreeSet<String>,
) {
    let Value::Object(mut map) = read.value else {
        out.diagnostics.push(
            Diagnostic::warning(&file.shown, Some(line), "record is not an object; skipped")
                .with_kind("bad-record"),
        );
        return;
    };
    for key in &read.repeated {
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(line),
                format!("'{key}' is set twice in this record; the last value is kept"),
            )
            .with_kind("duplicate-field"),
        );
    }
    // A search engine's hit (Elasticsearch, OpenSearch) holds the record in `_source`.
    if let Some(Value::Object(source)) = map.get_mut("_source").map(std::mem::take) {
        map = source;
    }
    let mut fields = Fields::new(map, Mode::Dump, "", line, &file.shown, config);
    let mut draft = fields.draft();
    unknown.extend(fields.leftover());
    out.diagnostics.append(&mut fields.diagnostics);
    draft.line = Some(line);
    draft.record = Some(record);
    split_agencies(&mut draft, &config.ingest);
    // A lowercase slug-like section ("middle-east") reads like a folder name; show it as one.
    if let Some(s) = &draft.section {
        if *s == s.to_lowercase() {
            draft.section = Some(super::section_name(s));
        }
    }
    let Some(title) = draft.title.clone().filter(|t| !t.is_empty()) else {
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(line),
                "record has no title (title, headline or name); skipped",
            )
            .with_kind("no-title"),
        );
        return;
    };
    if draft.date.is_none() {
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(line),
                "record has no usable date; the article is listed as undated",
            )
            .with_kind("undated"),
        );
    }
    let text = draft.body.take().unwrap_or_default();
    let origin = draft
        .url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let body = if looks_like_html(&text) {
        dump_html_body(&text, origin.as_ref())
    } else {
        paragraphs_body(&text_paragraphs(&text))
    };
    if body.word_count == 0 {
        out.diagnostics.push(
            Diagnostic::warning(&file.shown, Some(line), "record has no body text")
                .with_kind("empty-body"),
        );
    }
    let article = finish(draft, title, body, file, config.slugs, &mut out.diagnostics);
    out.articles.push(article);
}

/// Whether `text` is JSON Lines: more than one non-blank line, each a JSON object.
fn is_json_lines(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    let first_two = lines.clone().take(2).count() == 2;
    first_two
        && lines.all(|l| {
            l.trim_start().starts_with('{') && serde_json::from_str::<&RawValue>(l).is_ok()
        })
}

/// One warning per file for fields no mapping claims (a dump repeats them on every line).
fn warn_unknown(file: &SourceFile, unknown: &BTreeSet<String>, out: &mut FileOutcome) {
    if unknown.is_empty() {
        return;
    }
    let list: Vec<&str> = unknown.iter().map(String::as_str).collect();
    out.diagnostics.push(
        Diagnostic::warning(
            &file.shown,
            None,
            format!(
                "fields ignored in every record: {}; map them under [ingest.fields] in site.toml if they hold article data",
                list.join(", ")
            ),
        )
        .with_kind("unknown-field"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            shown: PathBuf::from(format!("content/{name}")),
            rel: name.into(),
            default_section: None,
            defaults: Default::default(),
            text: text.into(),
        }
    }

    #[test]
    fn exports_of_wordpress_schema_org_and_search_engines() {
        let config = SiteConfig::default();
        let wordpress = r#"[{"id": 101, "date": "2023-04-01T12:00:00", "slug": "minister-resigns", "title": {"rendered": "Minister resigns &#8211; <b>statement</b>"}, "content": {"rendered": "<p>The minister resigned.</p>"}, "excerpt": {"rendered": "<p>He went.</p>"}, "tags": [12]}]"#;
        let out = parse_json(&file("wp.json", wordpress), &config);
        let a = &out.articles[0];
        assert_eq!(a.title, "Minister resigns – statement");
        assert_eq!(a.summary, "He went.");
        assert!(a.body_html.text().contains("The minister resigned."));
        assert!(a.tags.is_empty());
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.message.contains("the number 12")),
            "{:?}",
            out.diagnostics
        );
        // The times in UTC (`date_gmt`) are the instants; `date` is in WordPress's zone.
        let utc = r#"[{"date": "2023-03-07T01:00:00", "date_gmt": "2023-03-06T23:00:00", "modified": "2023-03-08T01:00:00", "modified_gmt": "2023-03-07T23:00:00", "title": {"rendered": "Late"}, "content": {"rendered": "<p>x</p>"}}, {"date": "2023-03-07T01:00:00", "date_gmt": "0000-00-00T00:00:00", "title": {"rendered": "Never published"}, "content": {"rendered": "<p>x</p>"}}]"#;
        let out = parse_json(&file("wp.json", utc), &config);
        let at = |i: usize, d: Option<chrono::DateTime<chrono_tz::Tz>>| {
            d.map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|| format!("{i}: none"))
        };
        assert_eq!(at(0, out.articles[0].date), "2023-03-06 23:00");
        assert_eq!(at(0, out.articles[0].updated), "2023-03-07 23:00");
        assert_eq!(at(1, out.articles[1].date), "2023-03-07 01:00");
        let graph = r#"{"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "Page"}, {"@type": "NewsArticle", "name": "Named", "datePublished": "1678185000", "articleSection": ["Politics", "Europe"], "articleBody": "Body."}]}"#;
        let out = parse_json(&file("ld.json", graph), &config);
        assert_eq!(out.articles.len(), 1, "{:?}", out.diagnostics);
        let a = &out.articles[0];
        assert_eq!(
            (a.title.as_str(), a.section.as_deref()),
            ("Named", Some("Politics"))
        );
        assert_eq!(a.date.map(|d| d.timestamp()), Some(1_678_185_000));
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let nested = r#"{"hits": {"total": 1, "hits": [{"_id": "x", "_source": {"headline": "Hit", "date": "2023-03-07", "body": "B."}}]}}"#;
        let out = parse_json(&file("es.json", nested), &config);
        assert_eq!(out.articles[0].title, "Hit", "{:?}", out.diagnostics);
        // A key set twice inside `_source` is named as it is outside.
        let twice = r#"{"_id": "x", "_source": {"headline": "First", "headline": "Hit", "date": "2023-03-07", "body": "B."}}"#;
        let out = parse_lines(&file("es.jsonl", twice), &config);
        assert_eq!(out.articles[0].title, "Hit");
        let said: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            said,
            ["'_source.headline' is set twice in this record; the last value is kept"]
        );
        // Deeply nested `_source`s are plain values below the first: no deep recursion.
        let deep = format!(
            "{}{{\"headline\": \"Deep\", \"date\": \"2023-03-07\", \"body\": \"x\"}}{}",
            "{\"_source\": ".repeat(20_000),
            "}".repeat(20_000)
        );
        let out = parse_lines(&file("deep.jsonl", &deep), &config);
        assert!(out.articles.is_empty() && !out.diagnostics.is_empty());
        // An `_source` that is no object leaves the record as it was.
        let odd =
            r#"{"headline": "Plain", "date": "2023-03-07", "body": "B.", "_source": "crawler"}"#;
        let out = parse_lines(&file("odd.jsonl", odd), &config);
        assert_eq!(out.articles[0].title, "Plain", "{:?}", out.diagnostics);
    }

    #[test]
    fn a_records_site_rooted_links_point_into_its_original_site() {
        let text = r#"{"title": "Relative links", "date": "2023-02-01", "url": "https://news.example.org/world/2023/02/01/relative-links", "body": "<p><a href=\"/world/other-story\">x</a> <img src=\"../img/chart.png\"> <a href=\"https://e.org/\">e</a> <img src=\"beside.png\"></p>"}"#;
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        let a = &out.articles[0];
        assert!(
            a.body_html
                .text()
                .contains("href=\"https://news.example.org/world/other-story\""),
            "{}",
            a.body_html
        );
        assert!(
            a.body_html
                .text()
                .contains("src=\"https://news.example.org/world/2023/02/img/chart.png\""),
            "{}",
            a.body_html
        );
        assert!(
            a.body_html.text().contains("src=\"beside.png\""),
            "{}",
            a.body_html
        );
        assert!(
            a.refused_refs.is_empty() && a.asset_refs == ["beside.png"],
            "{a:?}"
        );
    }

    #[test]
    fn json_lines_with_a_bad_line() {
        let text = "{\"headline\": \"One\", \"datePublished\": \"Sun, 03 Oct 2004 19:33:00 +0000\", \"author\": \"AP\", \"articleBody\": \"P1.\\n\\nP2.\", \"keywords\": \"a, b\", \"guid\": 1}\n{not json\n\n{\"title\": \"Three\", \"date\": \"July 25, 2004\", \"author\": {\"name\": \"Jane Doe\"}, \"body\": \"<p>Hi <script>x</script></p>\"}\n[1]\n{\"date\": \"2004-01-01\"}\n";
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        assert_eq!(out.articles.len(), 2);
        let a = &out.articles[0];
        assert_eq!((a.id.as_str(), a.source_line), ("d.jsonl#1", Some(1)));
        assert_eq!(a.sources, vec!["AP"]);
        assert!(a.authors.is_empty());
        assert_eq!(a.tags, vec!["a", "b"]);
        assert_eq!(a.body_html, "<p>P1.</p>\n<p>P2.</p>\n");
        let b = &out.articles[1];
        assert_eq!((b.id.as_str(), b.source_line), ("d.jsonl#3", Some(4)));
        assert_eq!(b.authors, vec!["Jane Doe"]);
        assert!(!b.body_html.text().contains("script"));
        let lines: Vec<(Option<usize>, &str)> = out
            .diagnostics
            .iter()
            .map(|d| (d.line, d.kind.as_ref()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (Some(2), "bad-record"),
                (Some(5), "bad-record"),
                (Some(6), "no-title"),
                (None, "unknown-field")
            ]
        );
    }

    #[test]
    fn plain_text_bodies_and_millisecond_dates() {
        let text = "{\"title\": \"A\", \"date\": 1678183200000, \"body\": \"5 < 6 and x > y and a <not a tag.\\n\\nTwo.\"}\n{\"title\": \"B\", \"date\": 1678183200, \"body\": \"x\"}\n{\"title\": \"C\", \"date\": 99999999999999999, \"body\": \"x\"}\n{\"title\": \"D\", \"date\": 1678183200.75, \"body\": \"x\"}\n{\"title\": \"E\", \"date\": 1e300, \"body\": \"x\"}\n";
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        let a = &out.articles[0];
        assert_eq!(
            a.body_html,
            "<p>5 &lt; 6 and x &gt; y and a &lt;not a tag.</p>\n<p>Two.</p>\n"
        );
        let day = |i: usize| out.articles[i].date.map(|d| d.date_naive().to_string());
        assert_eq!(day(0).as_deref(), Some("2023-03-07"));
        assert_eq!(day(1).as_deref(), Some("2023-03-07"));
        assert_eq!(day(2), None);
        // Fractional seconds, as Python's time.time() exports them.
        let d = out.articles[3].date.expect("a date");
        assert_eq!(d.timestamp_millis(), 1_678_183_200_750);
        assert_eq!(day(4), None);
        for line in [3, 5] {
            assert!(
                out.diagnostics
                    .iter()
                    .any(|d| d.message.contains("out of range") && d.line == Some(line)),
                "{line}: {:?}",
                out.diagnostics
            );
        }
    }

    /// A caption, credit or alt holding the page's HTML is shown as its text.
    #[test]
    fn markup_in_a_caption_is_removed() {
        let text = "{\"title\": \"A\", \"date\": \"2023-03-07\", \"caption\": \"<p>Photo: <b>AFP</b> &amp; Reuters</p>\", \"credit\": \"<i>AFP</i>\", \"body\": \"x\"}\n{\"title\": \"B\", \"date\": \"2023-03-07\", \"image\": {\"url\": \"a.jpg\", \"caption\": \"The <em>port</em> at dawn\"}, \"alt\": \"<span>Cranes</span>\", \"body\": \"x\"}\n{\"title\": \"C\", \"date\": \"2023-03-07\", \"caption\": \"Rates < 5% > forecast &lt;b&gt;\", \"body\": \"x\"}\n";
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        let image = |i: usize| out.articles[i].image.clone().unwrap();
        assert_eq!(image(0).caption.as_deref(), Some("Photo: AFP & Reuters"));
        assert_eq!(image(0).credit.as_deref(), Some("AFP"));
        assert_eq!(image(1).caption.as_deref(), Some("The port at dawn"));
        assert_eq!(image(1).alt.as_deref(), Some("Cranes"));
        assert_eq!(
            image(2).caption.as_deref(),
            Some("Rates < 5% > forecast <b>")
        );
    }

    /// A count of seconds at or before 1970 is what exports write for none: the record is
    /// undated, with a warning at its line, not filed under 1969.
    #[test]
    fn negative_and_zero_timestamps_are_no_date() {
        let text = "{\"title\": \"A\", \"date\": -5, \"body\": \"x\"}\n{\"title\": \"B\", \"date\": -1678183200000, \"body\": \"x\"}\n{\"title\": \"C\", \"date\": 0, \"body\": \"x\"}\n{\"title\": \"D\", \"date\": -0.5, \"body\": \"x\"}\n{\"title\": \"E\", \"date\": \"-5\", \"body\": \"x\"}\n{\"title\": \"F\", \"date\": 1678183200, \"updated\": -60, \"body\": \"x\"}\n";
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        assert_eq!(out.articles.len(), 6);
        for a in &out.articles[..5] {
            assert!(a.date.is_none(), "{}: {:?}", a.title, a.date);
        }
        assert!(out.articles[5].date.is_some() && out.articles[5].updated.is_none());
        for line in 1..=6 {
            assert!(
                out.diagnostics
                    .iter()
                    .any(|d| d.kind == "bad-date" && d.line == Some(line) && !d.is_error()),
                "{line}: {:?}",
                out.diagnostics
            );
        }
        let negative = out.diagnostics.iter().find(|d| d.line == Some(1)).unwrap();
        assert!(
            negative.message.contains("date -5 is no date")
                && negative.message.contains("listed as undated"),
            "{negative}"
        );
        // An expiry that cannot be read stops the build, as any: licensed copy must not
        // go up for a mistyped end.
        let text =
            "{\"title\": \"A\", \"date\": \"2023-03-07\", \"expires\": -1, \"body\": \"x\"}\n";
        let out = parse_lines(&file("d.jsonl", text), &SiteConfig::default());
        let e = &out.diagnostics[0];
        assert!(e.is_error() && e.message.contains("or 0 for none"), "{e}");
    }

    /// A JSON array saved as `.jsonl`, JSON Lines saved as `.json`, an empty `.json`.
    #[test]
    fn the_other_json_flavour_is_read_as_what_it_is() {
        let array = "[\n  {\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"},\n  {\"title\": \"B\",\n   \"date\": \"2023-03-08\", \"body\": \"y\"}\n]\n";
        let out = parse_lines(&file("d.jsonl", array), &SiteConfig::default());
        assert_eq!(out.diagnostics, vec![]);
        assert_eq!(out.articles.len(), 2);
        let lines = "{\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"}\n{\"title\": \"B\", \"date\": \"2023-03-08\", \"body\": \"y\"}\n";
        let out = parse_json(&file("d.json", lines), &SiteConfig::default());
        assert_eq!(out.diagnostics, vec![]);
        assert_eq!(out.articles.len(), 2);
        let out = parse_json(&file("e.json", "\n"), &SiteConfig::default());
        assert!(out.articles.is_empty());
        assert!(
            out.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            out.diagnostics
        );
    }

    #[test]
    fn json_array_records_know_their_lines() {
        let text = "[\n  {\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"},\n  {\"title\": \"B\",\n   \"date\": \"7 Mar 2023\", \"body\": \"y\"}\n]\n";
        let out = parse_json(&file("d.json", text), &SiteConfig::default());
        assert_eq!(out.diagnostics, vec![]);
        let lines: Vec<_> = out.articles.iter().map(|a| a.source_line).collect();
        assert_eq!(lines, vec![Some(2), Some(3)]);
        let env = "{\"articles\": [{\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"}]}";
        assert_eq!(
            parse_json(&file("e.json", env), &SiteConfig::default())
                .articles
                .len(),
            1
        );
        let single = "{\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"}";
        assert_eq!(
            parse_json(&file("s.json", single), &SiteConfig::default())
                .articles
                .len(),
            1
        );
        let bad = parse_json(
            &file("b.json", "[{\"title\": \"A\"},\n oops]"),
            &SiteConfig::default(),
        );
        assert!(bad.diagnostics[0].is_error() && bad.diagnostics[0].line == Some(2));
        // Many records on one line (a minified export): messages name the record.
        let minified = "[{\"title\": \"A\", \"date\": \"2023-03-07\", \"body\": \"x\"}, {\"date\": \"2023-03-07\", \"body\": \"y\"}, 3]";
        let out = parse_json(&file("m.json", minified), &SiteConfig::default());
        let messages: Vec<_> = out
            .diagnostics
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert!(
            messages[0].0 == Some(1) && messages[0].1.starts_with("record 2: record has no title"),
            "{messages:?}"
        );
        assert!(
            messages[1]
                .1
                .starts_with("record 3: record is not an object"),
            "{messages:?}"
        );
    }

    #[test]
    fn other_names_of_a_given_field_are_reported_once_per_file() {
        let line =
            "{\"title\": \"T\", \"headline\": \"H\", \"date\": \"2023-03-07\", \"body\": \"b\"}\n";
        let out = parse_lines(&file("d.jsonl", &line.repeat(3)), &SiteConfig::default());
        assert_eq!(out.articles.len(), 3);
        assert_eq!(out.articles[0].title, "T");
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        assert!(out.diagnostics[0].message.contains("headline"));
    }

    #[test]
    fn configured_field_names() {
        let mut c = SiteConfig::default();
        c.ingest.fields.title.push("hed".into());
        c.ingest.fields.body.push("story".into());
        let out = parse_lines(
            &file(
                "d.jsonl",
                "{\"hed\": \"Mapped\", \"story\": \"Text.\", \"date\": \"2023-03-07\"}\n",
            ),
            &c,
        );
        assert_eq!(out.articles[0].title, "Mapped");
        assert_eq!(out.articles[0].summary, "Text.");
    }
}
