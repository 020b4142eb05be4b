//! Field handling shared by every structured format: TOML, YAML and JSON front matter and
//! JSON/JSON Lines dumps all become a JSON object, read here through one alias table
//! into one [`Draft`], which becomes one [`Article`].
//!
//! Front matter is hand-written, so a wrong value is an error the author can fix; a dump
//! is machine-made and large, so a wrong value is a warning and the record still builds.

use std::path::Path;

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::body::{self, Body};
use super::dates::{
    basic_date, is_missing_day, missing_day_message, parse_date_with, wrong_weekday,
    wrong_weekday_message, DateError,
};
use super::settings::{FieldNames, IngestConfig};
use super::SourceFile;
use crate::article::{reading_minutes, Article, Image};
use crate::config::SiteConfig;
use crate::diagnostics::{line_of_key, Diagnostic};
use crate::slug::{fallback_slug, SlugStyle};

/// An article field, and the names it goes by in the wild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Date,
    Updated,
    Slug,
    Summary,
    Authors,
    Sources,
    Tags,
    Section,
    Image,
    Caption,
    Credit,
    Alt,
    Draft,
    Body,
    Url,
    Aliases,
    Lang,
    Translation,
    Expires,
}

impl Field {
    /// Built-in names, matched ignoring ASCII case; the first is the canonical one.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            // `name` last: schema.org's name of a thing, an article's headline when no
            // `headline` is given.
            Field::Title => &["title", "headline", "name"],
            Field::Date => &[
                "date",
                "published",
                "pubDate",
                "datePublished",
                "published_at",
                "publishedAt",
                "publish_date",
                "publishDate",
            ],
            Field::Updated => &[
                "updated",
                "lastmod",
                "modified",
                "dateModified",
                "updated_at",
            ],
            Field::Slug => &["slug"],
            Field::Summary => &[
                "summary",
                "description",
                "short_description",
                "excerpt",
                "abstract",
            ],
            Field::Authors => &["authors", "author", "byline", "creator"],
            Field::Sources => &["sources", "source", "agency"],
            Field::Tags => &["tags", "keywords", "categories"],
            Field::Section => &["section", "category", "articleSection"],
            Field::Image => &["image", "images"],
            Field::Caption => &["caption"],
            Field::Credit => &["credit"],
            Field::Alt => &["alt", "image_alt", "imageAlt"],
            Field::Draft => &["draft"],
            Field::Body => &["body", "content", "text", "articleBody"],
            Field::Url => &["url", "link", "permalink"],
            Field::Aliases => &["aliases", "redirect_from"],
            Field::Lang => &["lang", "language", "inLanguage", "locale"],
            Field::Translation => &["translationKey", "translation_key"],
            // Hugo's `expiryDate`; CMS exports' names for the end of a wire story's licence.
            Field::Expires => &[
                "expiryDate",
                "expiry_date",
                "expires",
                "expirationDate",
                "expiration_date",
            ],
        }
    }

    /// Every name of the field: those from `[ingest.fields]`, then the built-in ones.
    pub fn all_names(self, config: &SiteConfig) -> Vec<&str> {
        let configured = self.configured(&config.ingest.fields).iter();
        configured
            .map(String::as_str)
            .chain(self.names().iter().copied())
            .collect()
    }

    /// Names from `[ingest.fields]`, tried first.
    fn configured(self, names: &FieldNames) -> &[String] {
        match self {
            Field::Title => &names.title,
            Field::Date => &names.date,
            Field::Updated => &names.updated,
            Field::Slug => &names.slug,
            Field::Summary => &names.summary,
            Field::Authors => &names.authors,
            Field::Sources => &names.sources,
            Field::Tags => &names.tags,
            Field::Section => &names.section,
            Field::Image => &names.image,
            Field::Caption => &names.caption,
            Field::Credit => &names.credit,
            Field::Alt => &names.alt,
            Field::Body => &names.body,
            Field::Url => &names.url,
            Field::Draft | Field::Aliases | Field::Lang | Field::Translation | Field::Expires => {
                &[]
            }
        }
    }
}

/// Headlines longer than this are most likely a paragraph taken for one.
const LONG_TITLE_CHARS: usize = 200;
/// Longest summary taken from a body's first paragraph, in characters (ledes are far
/// shorter): a scraped page or an export whose text is all one line would otherwise be
/// its own summary, printed whole in every listing, feed and description that shows it.
const LONG_SUMMARY_CHARS: usize = 1500;

/// Site-generator housekeeping that an archive moving over from Hugo or Jekyll carries;
/// it has no meaning here and is ignored without a warning.
const HOUSEKEEPING: [&str; 9] = [
    // JSON-LD's own keys: what the record is, not what it says.
    "@type",
    "@context",
    "@id",
    "layout",
    "weight",
    "type",
    "comments",
    "published_in",
    "toc",
];

/// Where the values came from, which decides how strict reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Hand-written front matter: wrong values are errors; title and date are required.
    FrontMatter,
    /// A record of a dump: wrong values are warnings; a missing date leaves it undated.
    Dump,
}

/// Typed access to one object's fields, with messages naming file and line.
pub struct Fields<'a> {
    map: Map<String, Value>,
    mode: Mode,
    /// A value that cannot be read is an error even in a dump (while reading one field).
    strict: bool,
    /// Front matter text, for finding the line of a key (empty for dumps).
    text: &'a str,
    /// Line of `text`'s first line (front matter) or of the record (dump).
    first_line: usize,
    shown: &'a Path,
    config: &'a SiteConfig,
    /// What reading found.
    pub diagnostics: Vec<Diagnostic>,
    /// Other names of a field already given (dumps), reported with the leftovers.
    shadowed: Vec<String>,
    /// The file is in Jekyll's `_drafts/` folder: a draft, which may have no date.
    pub drafts_folder: bool,
    /// The file is a Jekyll post (in `_posts/`, or named `2005-02-07-slug.md`): its
    /// `tags` and `categories` given as one string are split at spaces, as Jekyll does.
    pub jekyll: bool,
}

/// The parts of an article before its body is attached.
#[derive(Debug, Default)]
pub struct Draft {
    pub title: Option<String>,
    pub date: Option<DateTime<Tz>>,
    pub updated: Option<DateTime<Tz>>,
    /// When it must come off the site (`expiryDate`).
    pub expires: Option<DateTime<Tz>>,
    pub slug: Option<String>,
    pub summary: Option<String>,
    pub authors: Vec<String>,
    pub sources: Vec<String>,
    pub tags: Vec<String>,
    pub section: Option<String>,
    pub image: Option<Image>,
    pub draft: bool,
    /// The body field (dumps only).
    pub body: Option<String>,
    /// The original URL; its last segment may give the slug.
    pub url: Option<String>,
    /// Line of the record in a multi-article file.
    pub line: Option<usize>,
    /// The record's 1-based number in a multi-article file.
    pub record: Option<usize>,
    /// An `image` refused because it climbs out of the article's folder, as written.
    pub refused_image: Option<String>,
    /// Old URLs that redirect to the article, site-relative and checked.
    pub aliases: Vec<String>,
    /// `extra` (Zola) or `params` (Hugo): data for templates.
    pub extra: Map<String, Value>,
    /// The article's language, when not the site's (a BCP 47 tag).
    pub lang: Option<String>,
    /// Shared by the translations of one story.
    pub translation_key: Option<String>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

impl<'a> Fields<'a> {
    /// Reads `map`; `text` and `first_line` place keys on lines for messages. Empty
    /// values (`draft:` with nothing after it, `image: ""`) are as if not given, as Hugo
    /// and Jekyll read them; a blank title stays, to be reported.
    pub fn new(
        mut map: Map<String, Value>,
        mode: Mode,
        text: &'a str,
        first_line: usize,
        shown: &'a Path,
        config: &'a SiteConfig,
    ) -> Self {
        for value in map.values_mut() {
            drop_control_characters(value);
        }
        map.retain(|key, value| match value {
            Value::Null => false,
            Value::String(s) if s.trim().is_empty() => Field::Title
                .names()
                .iter()
                .any(|n| n.eq_ignore_ascii_case(key)),
            _ => true,
        });
        Fields {
            map,
            mode,
            strict: false,
            text,
            first_line,
            shown,
            config,
            diagnostics: Vec::new(),
            shadowed: Vec::new(),
            drafts_folder: false,
            jekyll: false,
        }
    }

    fn line(&self, key: &str) -> Option<usize> {
        match self.mode {
            Mode::FrontMatter => line_of_key(self.text, key).map(|l| l + self.first_line - 1),
            Mode::Dump => Some(self.first_line),
        }
    }

    /// A `{"name": ...}` table (schema.org Person or Organization) stands for its name.
    fn object_name(&mut self, key: &str, mut o: Map<String, Value>, out: &mut Vec<String>) {
        match o.remove("name") {
            Some(Value::String(s)) => out.push(s),
            _ => self.problem(
                key,
                "bad-field",
                format!("{key} holds a table without a name"),
            ),
        }
    }

    /// A warning at `key`'s line, whatever the mode.
    fn warn(&mut self, key: &str, kind: &'static str, msg: String) {
        let line = self.line(key);
        let d = Diagnostic::warning(self.shown, line, msg).with_kind(kind);
        self.diagnostics.push(d);
    }

    /// An error in front matter, a warning in a dump.
    fn problem(&mut self, key: &str, kind: &'static str, msg: String) {
        let line = self.line(key);
        let d = match self.mode {
            Mode::FrontMatter => Diagnostic::error(self.shown, line, msg),
            Mode::Dump if self.strict => Diagnostic::error(self.shown, line, msg),
            Mode::Dump => Diagnostic::warning(self.shown, line, format!("{msg}; ignored")),
        };
        self.diagnostics.push(d.with_kind(kind));
    }

    /// Removes every key that names `field`, configured names first: (key, value) pairs.
    fn take_all(&mut self, field: Field) -> Vec<(String, Value)> {
        let configured: Vec<String> = field.configured(&self.config.ingest.fields).to_vec();
        let mut found = Vec::new();
        for name in configured
            .iter()
            .map(String::as_str)
            .chain(field.names().iter().copied())
        {
            // Every spelling of the name (`title`, `Title`), the exact one first: the
            // others are then other names of a field already given, and said so.
            let mut keys: Vec<String> = self
                .map
                .keys()
                .filter(|k| k.eq_ignore_ascii_case(name))
                .cloned()
                .collect();
            keys.sort_by_key(|k| k != name);
            for key in keys {
                if let Some(v) = self.map.remove(&key) {
                    found.push((key, v));
                }
            }
        }
        found
    }

    /// The first key naming `field`; any other name for it is warned about and ignored.
    fn take(&mut self, field: Field) -> Option<(String, Value)> {
        let mut all = self.take_all(field).into_iter();
        let first = all.next()?;
        for (other, value) in all {
            // The same value under two names (`"inLanguage": "fr", "lang": "fr"`) loses
            // nothing.
            if value == first.1 {
                continue;
            }
            if self.mode == Mode::Dump {
                // A dump repeats its shape on every record: report it once per file.
                self.shadowed.push(other);
                continue;
            }
            let msg = format!(
                "'{other}' is ignored: '{}' already gives the {}",
                first.0,
                field.names()[0]
            );
            self.warn(&other, "duplicate-field", msg);
        }
        Some(first)
    }

    fn string(&mut self, field: Field) -> Option<String> {
        let (key, mut value) = self.take(field)?;
        // WordPress's REST API: `"title": {"rendered": "..."}`, as for content and excerpt.
        if let Value::Object(o) = &mut value {
            if let Some(rendered) = o.remove("rendered") {
                value = rendered;
            }
        }
        // schema.org's `articleSection: ["World", "Middle East"]`: the first is the section.
        if let (Field::Section, Value::Array(items)) = (field, &mut value) {
            if items.iter().all(Value::is_string) && !items.is_empty() {
                value = items.swap_remove(0);
            }
        }
        match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => None,
            other => {
                self.problem(
                    &key,
                    "bad-field",
                    format!("{key} must be a string, not {}", type_name(&other)),
                );
                None
            }
        }
    }

    /// The image field: a URL, or a schema.org `ImageObject` (`{"url": ..., "caption":
    /// ...}`, `contentUrl` for the URL), or a list of either (the first is the lead image).
    /// Returns the URL and the object's caption.
    fn image(&mut self) -> (Option<String>, Option<String>) {
        let Some((key, mut value)) = self.take(Field::Image) else {
            return (None, None);
        };
        if let Value::Array(items) = value {
            value = items.into_iter().next().unwrap_or(Value::Null);
        }
        match value {
            Value::String(s) => (Some(s), None),
            Value::Null => (None, None),
            Value::Object(mut o) => {
                let mut text = |name: &str| match o.remove(name) {
                    Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
                    _ => None,
                };
                let url = text("url").or_else(|| text("contentUrl"));
                let caption = text("caption");
                if url.is_none() {
                    self.problem(
                        &key,
                        "bad-field",
                        format!("{key} is an object without a url"),
                    );
                }
                (url, caption)
            }
            other => {
                self.problem(
                    &key,
                    "bad-field",
                    format!(
                        "{key} must be a URL or an object with a url, not {}",
                        type_name(&other)
                    ),
                );
                (None, None)
            }
        }
    }

    /// A string, a list of strings, or objects with a `name` (schema.org people); in dumps a
    /// comma-separated string is split.
    fn list(&mut self, field: Field) -> Vec<String> {
        self.items(field)
            .into_iter()
            .map(|(item, _)| item)
            .collect()
    }

    /// [`Fields::list`]'s items, each with whether it was one item of a list (or a
    /// named object) rather than a plain string, which may still hold several names.
    fn items(&mut self, field: Field) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut listed = Vec::new();
        for (key, value) in self.take_all(field) {
            match value {
                Value::Null => {}
                Value::String(s) => {
                    // `tags = "iraq, defense"` is two tags, in front matter as in dumps
                    // (Arabic commas too); `categories: business media` is two in a
                    // Jekyll post.
                    if matches!(field, Field::Tags) && self.jekyll && !s.contains([',', ';']) {
                        out.extend(s.split_whitespace().map(|t| (t.to_string(), false)));
                    } else if matches!(field, Field::Tags) {
                        out.extend(
                            s.split([',', ';', '\u{60c}', '\u{61b}'])
                                .map(|t| (t.trim().to_string(), false)),
                        );
                    } else {
                        out.push((s, false));
                    }
                }
                Value::Array(items) => {
                    for item in items {
                        match item {
                            Value::String(s) => out.push((s, true)),
                            // A CMS's category ids (`"categories": [4, 7]`) are no names.
                            Value::Number(n) if matches!(field, Field::Tags) => self.problem(
                                &key,
                                "bad-field",
                                format!("{key} holds the number {n}, an id rather than a name"),
                            ),
                            Value::Number(n) => out.push((n.to_string(), true)),
                            Value::Object(o) => {
                                self.object_name(&key, o, &mut listed);
                                out.extend(listed.drain(..).map(|n| (n, true)));
                            }
                            other => self.problem(
                                &key,
                                "bad-field",
                                format!(
                                    "{key} must be a list of strings; found {}",
                                    type_name(&other)
                                ),
                            ),
                        }
                    }
                }
                Value::Object(o) => {
                    self.object_name(&key, o, &mut listed);
                    out.extend(listed.drain(..).map(|n| (n, true)));
                }
                other => self.problem(
                    &key,
                    "bad-field",
                    format!(
                        "{key} must be a string or a list of strings, not {}",
                        type_name(&other)
                    ),
                ),
            }
        }
        out.retain(|(s, _)| !s.trim().is_empty());
        out.iter_mut().for_each(|(s, _)| *s = clean_line(s));
        out
    }

    /// `expiryDate`. What exports write for "none" (`0`, `"never"`, `""`,
    /// `0000-00-00`, a year 9999) is none. A value that cannot be read is an error in a
    /// dump too (where a bad date is otherwise a warning): licensed copy must not stay up
    /// because its end date was mistyped.
    fn expiry(&mut self) -> Option<DateTime<Tz>> {
        let (key, value) = self.take(Field::Expires)?;
        let never = match &value {
            Value::Null | Value::Bool(false) => true,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => {
                let s = s.trim().to_ascii_lowercase();
                matches!(s.as_str(), "" | "0" | "never" | "none" | "false")
                    || s.starts_with("0000-00-00")
                    || s.starts_with("9999")
            }
            _ => false,
        };
        if never {
            return None;
        }
        self.strict = true;
        let date = self.date_of(key, value);
        self.strict = false;
        date
    }

    /// A date; a value that is no date is an error (front matter) or a warning (dump).
    fn date(&mut self, field: Field) -> Option<DateTime<Tz>> {
        let (key, value) = self.take(field)?;
        self.date_of(key, value)
    }

    /// [`Fields::date`] of a value already taken.
    fn date_of(&mut self, key: String, mut value: Value) -> Option<DateTime<Tz>> {
        // A timestamp exported as a string (`"1678185000"`) is the number it spells.
        if let Value::String(s) = &value {
            let digits = s.trim();
            if (9..=13).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = digits.parse::<i64>() {
                    value = Value::from(n);
                }
            }
        }
        let text = match value {
            Value::String(s) => s,
            // Seconds since 1970, as some APIs export, or milliseconds (JavaScript's
            // `Date.now()`): a count of seconds that large would be after the year 5000.
            // Eight digits that spell a day (`20230307`, ISO 8601's basic form, as a
            // TOML or JSON number) are that day: as seconds they would be a day of
            // 1970, which no archive means.
            Value::Number(n)
                if n.as_u64()
                    .and_then(|n| basic_date(&n.to_string()))
                    .is_some() =>
            {
                n.to_string()
            }
            // A fractional count (`1678190400.25`, as Python's `time.time()` writes it)
            // too, to the millisecond.
            Value::Number(n) if n.as_f64().is_some_and(f64::is_finite) => {
                let count = n.to_string();
                // A count at or before 1970 (`-5`, `0`) is what exports write for "no
                // date", or a bug: as a date it would file the story under 1969 or 1970
                // without a word.
                if n.as_f64().is_some_and(|f| f <= 0.0) {
                    // An expiry that cannot be read stops the build (see `expiry`).
                    let then = if self.strict {
                        "write the date itself, such as 2023-03-07, or 0 for none"
                    } else {
                        "the article is listed as undated: write the date itself, such as 2023-03-07, if it has one"
                    };
                    self.problem(
                        &key,
                        "bad-date",
                        format!("{key} {count} is no date (a count of seconds since 1970 that is not after it, as exports write for none); {then}"),
                    );
                    return None;
                }
                let date = match n.as_i64() {
                    Some(count) if count.abs() >= 100_000_000_000 => {
                        DateTime::from_timestamp_millis(count)
                    }
                    Some(count) => DateTime::from_timestamp(count, 0),
                    None => {
                        let f = n.as_f64().unwrap_or_default();
                        let millis = if f.abs() >= 1e11 { f } else { f * 1000.0 };
                        // Out of i64's range (`1e300`) is out of range of dates too.
                        (millis.abs() < 1e17)
                            .then(|| DateTime::from_timestamp_millis(millis.round() as i64))
                            .flatten()
                    }
                };
                return match date.filter(|d| (1000..=9999).contains(&d.year())) {
                    Some(d) => Some(d.with_timezone(&self.config.tz)),
                    None => {
                        self.problem(
                            &key,
                            "bad-date",
                            format!("{key} {count} is out of range (expected seconds or milliseconds since 1970)"),
                        );
                        None
                    }
                };
            }
            Value::Null => return None,
            other => {
                self.problem(
                    &key,
                    "bad-date",
                    format!("{key} must be a date, not {}", type_name(&other)),
                );
                return None;
            }
        };
        super::dates::take_moved();
        match parse_date_with(&text, self.config.tz, self.config.ingest.date_order) {
            Ok(d) => {
                if super::dates::take_moved() {
                    let msg = format!(
                        "{key} '{text}' is a time the clocks skip in {} (they go forward that night); it is read as {}",
                        self.config.tz.name(),
                        d.format("%Y-%m-%d %H:%M %:z")
                    );
                    self.warn(&key, "bad-date", msg);
                }
                if let Some(actual) = wrong_weekday(&text, &d) {
                    let msg = format!("{key} {}", wrong_weekday_message(&text, actual));
                    self.warn(&key, "bad-date", msg);
                }
                Some(d)
            }
            Err(DateError::Ambiguous) => {
                self.problem(
                    &key,
                    "ambiguous-date",
                    format!(
                        "{key} '{text}' could be day-first or month-first; set date_order = \"day-first\" or \"month-first\" under [ingest] in site.toml"
                    ),
                );
                None
            }
            Err(DateError::NotADate)
                if is_missing_day(&text, self.config.tz, self.config.ingest.date_order) =>
            {
                self.problem(
                    &key,
                    "bad-date",
                    format!("{key} {}", missing_day_message(&text)),
                );
                None
            }
            Err(DateError::NotADate) => {
                self.problem(
                    &key,
                    "bad-date",
                    format!(
                        "{key} '{text}' is not a date; use RFC 3339 such as 2023-03-07T10:00:00+02:00, or 2023-03-07, or 2023-03-07 10:00, or 7 Mar 2023"
                    ),
                );
                None
            }
        }
    }

    fn bool(&mut self, field: Field) -> bool {
        let Some((key, value)) = self.take(field) else {
            return false;
        };
        flag(&value).unwrap_or_else(|| {
            self.problem(
                &key,
                "bad-field",
                format!("{key} must be true or false, not {}", type_name(&value)),
            );
            false
        })
    }

    /// Sets `field` to `value` when no name of it is given (a date or slug that the
    /// file's name gives). A `published: true/false` is no date.
    pub fn default_to(&mut self, field: Field, value: &str) {
        let given = self
            .map
            .iter()
            .any(|(k, v)| flag(v).is_none() && self.is_name_of(field, k));
        if !given {
            self.map
                .insert(field.names()[0].to_string(), Value::String(value.into()));
        }
    }

    /// True when `key` is a name of `field`: a built-in one or one from `[ingest.fields]`,
    /// in any case.
    fn is_name_of(&self, field: Field, key: &str) -> bool {
        field
            .names()
            .iter()
            .copied()
            .chain(
                field
                    .configured(&self.config.ingest.fields)
                    .iter()
                    .map(String::as_str),
            )
            .any(|n| key.eq_ignore_ascii_case(n))
    }

    /// A line of metadata as [`clean_line`]; a dump's markup (`<b>Breaking</b>`, an
    /// excerpt's `<p>`) goes too, leaving its text. Front matter is written by hand, so
    /// `<b>` in its title is text, as Hugo shows it.
    fn clean(&self, text: &str) -> String {
        if self.mode == Mode::Dump {
            plain_line(text)
        } else {
            clean_line(text)
        }
    }

    /// WordPress writes `date` and `modified` in its own site's zone without an offset, and
    /// the same times in UTC as `date_gmt` and `modified_gmt`: those are the instants (read
    /// in this site's zone, the local ones were hours off, a day at night). A post never
    /// published has `0000-00-00T00:00:00` there, which is left alone.
    fn wordpress_utc(&mut self) {
        for (local, utc) in [("date", "date_gmt"), ("modified", "modified_gmt")] {
            let Some(Value::String(gmt)) = self.map.get(utc) else {
                continue;
            };
            let gmt = gmt.trim();
            let naive = chrono::NaiveDateTime::parse_from_str(gmt, "%Y-%m-%dT%H:%M:%S")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(gmt, "%Y-%m-%d %H:%M:%S"));
            if let Ok(naive) = naive {
                let instant = naive.and_utc().to_rfc3339();
                self.map.remove(utc);
                self.map.insert(local.to_string(), Value::String(instant));
            }
        }
    }

    /// Jekyll's `published: false`, or a `status` of `draft`, `pending`, `private` or
    /// `trash` (a CMS export's): a post not to publish, a draft here. `published` holding
    /// a date is the publication date, read with the other date names.
    fn unpublished(&mut self) -> bool {
        // `published: no`, as Jekyll's YAML 1.1 reads it, is `false` too (YAML 1.2 reads
        // a string, which was then taken for a date and the post published).
        let published = self
            .map
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("published") && flag(v).is_some())
            .map(|(k, v)| (k.clone(), flag(v) == Some(false)));
        let flagged = published.is_some_and(|(key, unpublished)| {
            self.map.remove(&key);
            unpublished
        });
        // A CMS export's workflow state (WordPress: `publish`, `future`, `draft`,
        // `pending`, `private`, `trash`): only published posts are public.
        let status = self.map.iter().find_map(|(k, v)| {
            let state = v.as_str()?.trim().to_ascii_lowercase();
            let unpublished = match state.as_str() {
                "draft" | "auto-draft" | "pending" | "private" | "trash" | "unpublished" => true,
                "publish" | "published" | "future" | "scheduled" | "live" => false,
                _ => return None,
            };
            k.eq_ignore_ascii_case("status")
                .then(|| (k.clone(), unpublished))
        });
        let by_status = status.is_some_and(|(key, unpublished)| {
            self.map.remove(&key);
            unpublished
        });
        flagged || by_status
    }

    /// Reads every known field; what is left is unknown (see [`Fields::leftover`]).
    pub fn draft(&mut self) -> Draft {
        let unpublished = self.unpublished();
        self.wordpress_utc();
        let title = self.string(Field::Title).map(|t| self.clean(&t));
        let has_date = self.map.keys().any(|k| self.is_name_of(Field::Date, k));
        let date = self.date(Field::Date);
        let updated = self.date(Field::Updated);
        let expires = self.expiry();
        let slug = self.string(Field::Slug);
        // Plain text in every format. A dump's markup goes here; a front matter's summary
        // is Markdown, raw HTML in it too (as Hugo renders it), which only a Markdown
        // reader tells from a code span's text: the Markdown reader makes it plain.
        let summary = self.string(Field::Summary).map(|s| match self.mode {
            Mode::Dump => plain_line(&s),
            Mode::FrontMatter => s,
        });
        let items = self.items(Field::Authors);
        let authors = if self.mode == Mode::Dump {
            // Split with the agencies taken out, in `split_agencies`.
            items.into_iter().map(|(name, _)| name).collect()
        } else {
            // `author: Jane Doe, John Smith` is two writers, as a dump's byline is; a
            // list's items are names as written (`Procter & Gamble Staff`).
            let mut names: Vec<String> = Vec::with_capacity(items.len());
            for (item, listed) in &items {
                let split = if *listed {
                    vec![item.clone()]
                } else {
                    byline_names(item, &self.config.ingest)
                };
                for name in split {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            names
        };
        let sources = self.list(Field::Sources);
        let tags = self.list(Field::Tags);
        let section = self.string(Field::Section).map(|s| clean_line(&s));
        // A section is a name, not a path: `../../tmp/evil` is published as the section
        // "tmp-evil", under sections/, which is said rather than done silently. (A CMS's
        // `News/World` is a name of its own, and common.)
        let climbs = |s: &&str| s.split(['/', '\\']).any(|p| matches!(p.trim(), "." | ".."));
        if let Some(s) = section.as_deref().filter(climbs) {
            let line = Field::Section.names().iter().find_map(|k| self.line(k));
            // The page's name as the section pages make it (`..` has no letter to
            // make one of, so it gets a made-up one, not `sections//`).
            let page = crate::archive::taxonomy::base_slug(
                crate::archive::taxonomy::TaxonomyKind::Section,
                s,
                &crate::slug::term_key(s),
                self.config.slugs,
            );
            let msg = format!(
                "section '{s}' is written as a path that climbs folders; a section is one name (its page is sections/{page}/)"
            );
            self.diagnostics
                .push(Diagnostic::warning(self.shown, line, msg).with_kind("bad-field"));
        }
        let mut refused_image = None;
        let mut aliases = self.aliases();
        let extra = self.extra();
        let lang = self.lang();
        let translation_key = self.string(Field::Translation).map(|s| clean_line(&s));
        let (image_field, image_caption) = self.image();
        let image_src = image_field.and_then(|src| {
            // A file beside the article is named as the body names it (`./a.jpg` is
            // `a.jpg`), so the page shows the file that is copied.
            match body::target(&src) {
                body::Target::Beside { path, rest } => return Some(body::beside_link(&path, rest)),
                body::Target::Outside { .. } => {
                    let name = src.rsplit(['/', '\\']).next().unwrap_or_default();
                    let msg = format!(
                        "image '{src}' leads out of the article's folder, and files are copied only from that folder and the folders under it; ignored: move the file beside the article and write image = \"{name}\""
                    );
                    self.warn("image", "outside-folder", msg);
                    refused_image = Some(src);
                    return None;
                }
                body::Target::Elsewhere => {}
            }
            // Only web URLs and site paths: a `javascript:` or `data:` source is dropped.
            let scheme = src.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
            let local = scheme
                .as_deref()
                .is_none_or(|s| s.contains(['/', '.', '?', '#']));
            if local || matches!(scheme.as_deref(), Some("http" | "https")) {
                Some(src)
            } else {
                let msg = format!("image '{src}' is neither a web address nor a file; ignored");
                self.warn("image", "bad-field", msg);
                None
            }
        });
        // A dump's caption, credit and alt are often the page's HTML (`<p>Photo:
        // <b>AFP</b></p>`); they are shown as plain text.
        let caption = self
            .string(Field::Caption)
            .or(image_caption)
            .map(|s| self.clean(&s));
        let credit = self.string(Field::Credit).map(|s| self.clean(&s));
        let alt = self.string(Field::Alt).map(|s| self.clean(&s));
        let draft = self.bool(Field::Draft) || unpublished || self.drafts_folder;
        // A draft may wait for its date (Jekyll's `_drafts/` hold undated posts): built
        // with `--drafts`, it is undated.
        if self.mode == Mode::FrontMatter && !has_date && !draft {
            self.diagnostics.push(
                Diagnostic::error(
                    self.shown,
                    Some(self.first_line.saturating_sub(1).max(1)),
                    "front matter has no date; add date = 2023-03-07 (or an RFC 3339 time)",
                )
                .with_kind("no-date"),
            );
        }
        let body = match self.mode {
            Mode::Dump => self.string(Field::Body),
            Mode::FrontMatter => None,
        };
        let url_key = self
            .map
            .keys()
            .find(|k| self.is_name_of(Field::Url, k))
            .cloned();
        let mut url = self.string(Field::Url);
        // A script or inline data is no page: its text must not become the slug (nor
        // anything else), and the field most likely holds a scraped link's href.
        if let Some(u) = url.as_deref().filter(|u| script_scheme(u)) {
            let key = url_key.unwrap_or_else(|| "url".into());
            let shown: String = u.chars().take(60).collect();
            let msg = format!(
                "{key} '{shown}' is a script or inline data, not the address of a page; ignored (the slug comes from the title): give the page's address (https://...) or leave {key} out"
            );
            self.warn(&key, "bad-field", msg);
            url = None;
        }
        // Hugo's `url` and Jekyll's `permalink` give the page's address on the old site:
        // it redirects to the article's address here, so old links keep working. A
        // pattern (`/:year/:title/`) or a full URL (a dump's original page) is not one.
        if let Some(old) = url.as_deref().filter(|u| {
            self.mode == Mode::FrontMatter
                && u.starts_with('/')
                && !u.starts_with("//")
                && !u.contains(':')
        }) {
            if let Ok(path) = alias_path(old) {
                if !aliases.contains(&path) {
                    aliases.push(path);
                }
            }
        }
        for key in HOUSEKEEPING {
            self.map.remove(key);
        }
        let image =
            (image_src.is_some() || caption.is_some() || credit.is_some()).then_some(Image {
                src: image_src,
                title: None,
                caption,
                credit,
                alt,
            });
        Draft {
            title,
            date,
            updated,
            slug,
            summary,
            authors,
            sources,
            tags,
            section,
            image,
            draft,
            body,
            url,
            line: None,
            record: None,
            refused_image,
            aliases,
            extra,
            lang,
            translation_key: translation_key.filter(|k| !k.is_empty()),
            expires,
        }
    }

    /// The article's language tag (`ar`, `pt-BR`; `en_US` as written by some exports is
    /// `en-US`), for its `lang` and text direction.
    fn lang(&mut self) -> Option<String> {
        let (key, tag) = match self.take(Field::Lang)? {
            (key, Value::String(s)) => (key, s.trim().replace('_', "-")),
            (key, other) => {
                self.problem(
                    &key,
                    "bad-field",
                    format!(
                        "{key} must be a language tag such as \"ar\", not {}",
                        type_name(&other)
                    ),
                );
                return None;
            }
        };
        match tag.parse::<unic_langid::LanguageIdentifier>() {
            Ok(id) => Some(id.to_string()),
            Err(_) => {
                self.problem(
                    &key,
                    "bad-field",
                    format!("{key} '{tag}' is not a language tag; use one such as \"en\", \"ar\" or \"pt-BR\""),
                );
                None
            }
        }
    }

    /// The `extra` (Zola) or `params` (Hugo) table: the site's own data, handed to
    /// templates as it is.
    fn extra(&mut self) -> Map<String, Value> {
        let Some(key) = self
            .map
            .keys()
            .find(|k| k.eq_ignore_ascii_case("extra") || k.eq_ignore_ascii_case("params"))
            .cloned()
        else {
            return Map::new();
        };
        match self.map.remove(&key) {
            Some(Value::Object(table)) => table,
            Some(other) => {
                self.problem(
                    &key,
                    "bad-field",
                    format!(
                        "{key} must be a table of your own fields (extra.featured = true), not {}",
                        type_name(&other)
                    ),
                );
                Map::new()
            }
            None => Map::new(),
        }
    }

    /// The article's old URLs, each as a site-relative path (`old/story/`,
    /// `2004/story.html`): a full URL gives its path; one that would climb out of the
    /// site (`../x`) or hide (`.x`) is refused with a message.
    fn aliases(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        let key = self
            .map
            .keys()
            .find(|k| self.is_name_of(Field::Aliases, k))
            .cloned()
            .unwrap_or_else(|| "aliases".into());
        for raw in self.list(Field::Aliases) {
            match alias_path(&raw) {
                Ok(path) if !out.contains(&path) => out.push(path),
                Ok(_) => {}
                Err(why) => self.problem(&key, "bad-field", format!("{key}: '{raw}' {why}")),
            }
        }
        out
    }

    /// Keys no field claimed, and other names of fields already given.
    pub fn leftover(&self) -> Vec<String> {
        self.map
            .keys()
            .chain(self.shadowed.iter())
            .cloned()
            .collect()
    }

    /// Warns about each leftover key on its own line (front matter).
    pub fn warn_unknown(&mut self) {
        for key in self.leftover() {
            let msg = format!(
                "unknown front-matter field '{key}' is ignored; known fields are {}",
                KNOWN_FIELDS.join(", ")
            );
            self.warn(&key, "unknown-field", msg);
        }
    }
}

/// Canonical field names, for messages.
pub const KNOWN_FIELDS: [&str; 20] = [
    "title",
    "date",
    "updated",
    "slug",
    "summary",
    "authors",
    "sources",
    "tags",
    "section",
    "image",
    "caption",
    "credit",
    "alt",
    "draft",
    "url",
    "aliases",
    "extra",
    "lang",
    "translationKey",
    "expiryDate",
];

/// A plain-text field (a summary, a caption) as [`clean_line`], its markup removed
/// (`<p>Photo: <b>AFP</b></p>` is `Photo: AFP`): templates escape these fields, so a tag
/// left in showed as written. Escaped markup (`&lt;b&gt;`) is text and stays.
pub fn plain_line(text: &str) -> String {
    if body::looks_like_html(text) {
        clean_line(&body::html_to_text(text))
    } else {
        clean_line(text)
    }
}

/// One line of metadata: spaces folded, entities decoded, whitespace collapsed.
pub fn clean_line(text: &str) -> String {
    let folded = body::fold_spaces(text);
    let decoded = body::decode_entities(&folded);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words that make a name an outlet's (`BBC News`, `CNN`, `Voice of America Radio`),
/// not a writer's.
const NEWSROOM_WORDS: [&str; 7] = ["news", "bbc", "cnn", "radio", "tv", "television", "service"];

/// Whether `name` is a newsroom's: one of its words is a newsroom word ([`NEWSROOM_WORDS`]).
pub(crate) fn is_outlet(name: &str) -> bool {
    name.split_whitespace()
        .any(|w| NEWSROOM_WORDS.iter().any(|n| w.eq_ignore_ascii_case(n)))
}

/// Reads a dump's author fields as bylines: `By Jane Doe, Reuters` or `Jane Doe and John
/// Smith` in one string are split into names, and names that are known agencies or
/// outlets (`BBC News`, as a text file's desk line names it) move from `authors` to
/// `sources` (dumps often hold both in one field).
pub fn split_agencies(draft: &mut Draft, ingest: &IngestConfig) {
    let mut authors = Vec::new();
    for field in std::mem::take(&mut draft.authors) {
        for name in byline_names(&field, ingest) {
            let outlet = || is_outlet(&name).then(|| name.clone());
            match ingest.agency(&name).or_else(outlet) {
                Some(agency) => {
                    if !draft.sources.contains(&agency) {
                        draft.sources.push(agency)
                    }
                }
                None => {
                    if !authors.contains(&name) {
                        authors.push(name)
                    }
                }
            }
        }
    }
    draft.authors = authors;
}

/// Words that make a byline part a job title ("Staff Writer", "Associated Press
/// Writer", "Middle East correspondent"), not a name.
const ROLE_WORDS: &[&str] = &[
    "writer",
    "writers",
    "correspondent",
    "correspondents",
    "editor",
    "editors",
    "reporter",
    "reporters",
    "staff",
    "contributor",
    "columnist",
    "bureau",
    "desk",
    "chief",
    "photographer",
];

/// A true/false: a boolean, or one written as a word: YAML 1.1's (`yes`, `no`, `on`,
/// `off`, which Jekyll and older Hugo read as booleans) or a quoted `"true"` / `"false"`,
/// as exports write them.
fn flag(value: &Value) -> Option<bool> {
    if let Some(b) = value.as_bool() {
        return Some(b);
    }
    match value.as_str()?.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Some(true),
        "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A byline part naming a role: one of its words is a role word.
pub(crate) fn is_role(part: &str) -> bool {
    part.split_whitespace()
        .any(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// The agency a role part names, its role words aside: `Reuters Staff` and `AFP
/// correspondent` are the agency's, not nobody's.
pub(crate) fn role_agency(part: &str, ingest: &IngestConfig) -> Option<String> {
    let rest = part
        .split_whitespace()
        .filter(|w| !ROLE_WORDS.contains(&w.to_lowercase().as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    ingest.agency(&rest)
}

/// The names in one byline string. A leading `By` goes; `;`, `|` and middle dots always
/// separate names, `and` and `&` too; a comma does when every part it makes is a known
/// agency or has more than one word, so `Doe, Jane` stays one name. Parts holding digits
/// (a date or time in the byline) and job titles (`Staff Writer`) are not names.
fn byline_names(field: &str, ingest: &IngestConfig) -> Vec<String> {
    let mut names = Vec::new();
    for part in field.split([';', '|', '\u{2022}', '\u{b7}', '\u{61b}']) {
        let part = without_by(part);
        let commas: Vec<std::borrow::Cow<str>> = part
            .split([',', '\u{60c}'])
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.chars().any(|c| c.is_ascii_digit()))
            .filter_map(|p| match is_role(p) {
                false => Some(p.into()),
                true => role_agency(p, ingest).map(Into::into),
            })
            .collect();
        let split_commas = commas
            .iter()
            .all(|p| ingest.agency(p).is_some() || p.split_whitespace().count() > 1);
        let joined = commas.join(", ");
        let pieces: Vec<&str> = if split_commas {
            commas.iter().map(|p| p.as_ref()).collect()
        } else {
            vec![joined.as_str()]
        };
        for piece in pieces {
            names.extend(names_in(piece).map(str::to_string));
        }
    }
    names
}

/// The names in one part of a byline (scraped or a dump's): split at `and` (or French
/// `et`, Spanish `y`, German `und`, Arabic `و` written apart), `&` and `with` (`avec`,
/// `con`, `mit`: `Par Jean Dupont avec AFP`), each trimmed and without a leading `By`,
/// empty ones left out.
pub(crate) fn names_in(part: &str) -> impl Iterator<Item = &str> {
    // `AND` too (`JANE DOE AND JOHN SMITH`): lowercasing ASCII keeps byte offsets.
    let lower = part.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize)> = [
        " and ",
        " et ",
        " y ",
        " und ",
        " \u{648} ",
        " with ",
        " avec ",
        " con ",
        " mit ",
    ]
    .iter()
    .flat_map(|and| lower.match_indices(and).map(|(at, m)| (at, at + m.len())))
    .collect();
    // `Jane Smith et al.` is one name and others, not a person called "al.".
    cuts.retain(|&(_, end)| {
        let rest = &lower[end..];
        !(rest == "al" || rest.starts_with("al."))
    });
    // Spanish `y` also joins a compound surname (`José Ortega y Gasset`): it parts two
    // names only when each side has two words or more.
    let words = |text: &str| text.split_whitespace().count();
    cuts.retain(|&(at, end)| {
        &lower[at..end] != " y " || (words(&lower[..at]) >= 2 && words(&lower[end..]) >= 2)
    });
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut from = 0;
    for (at, end) in cuts {
        if at >= from {
            pieces.push(&part[from..at]);
            from = end;
        }
    }
    pieces.push(&part[from..]);
    pieces
        .into_iter()
        .flat_map(|n| n.split(" & "))
        .map(without_by)
        .filter(|n| !n.is_empty())
}

/// An old URL as a site-relative path: a folder (`old/story/`) unless it names an HTML
/// file (`story.html`); why not, for one that leaves the site, names a hidden file or
/// needs its query string (`article.php?id=1`: a static host serves one file for every
/// query, so it cannot send each to its own article).
fn alias_path(raw: &str) -> Result<String, &'static str> {
    const NOT_INSIDE: &str =
        "is not a path inside the site (such as /2004/03/old-story/ or old/story.html)";
    let raw = raw.trim();
    let path = match raw.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => raw,
    };
    let (path, query) = match path
        .split_once('#')
        .map_or(path, |(p, _)| p)
        .split_once('?')
    {
        Some((p, q)) => (p, !q.is_empty()),
        None => (path.split('#').next().unwrap_or_default(), false),
    };
    if query {
        return Err("needs its query string, which a static site cannot redirect by (each query would reach the same page); give the alias without it only if one article had that address");
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| NOT_INSIDE)?;
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(NOT_INSIDE),
            s if s.starts_with('.') || s.contains(['\\', '\0']) => return Err(NOT_INSIDE),
            s => segments.push(s),
        }
    }
    let mut out = segments.join("/");
    if out.is_empty() {
        return Err(NOT_INSIDE);
    }
    if !(out.ends_with(".html") || out.ends_with(".htm")) {
        out.push('/');
    }
    Ok(out)
}

/// `text` trimmed, without a leading `By ` (any case, or its French, Spanish, German or
/// Arabic counterpart).
fn without_by(text: &str) -> &str {
    let text = text.trim();
    strip_by(text).map_or(text, str::trim)
}

/// `text` after a leading `By ` (any case), or `Par ` or `Por ` followed by a capital
/// (`Par ailleurs, ...` is French prose, not a byline), or Arabic `بقلم`. (Not German
/// `Von`, which opens names: `Von Miller`.)
pub(crate) fn strip_by(text: &str) -> Option<&str> {
    if let Some(rest) =
        strip_prefix_ci(text, "by ").or_else(|| strip_prefix_ci(text, "written by "))
    {
        return Some(rest);
    }
    if let Some(rest) = text.strip_prefix("بقلم") {
        let rest = rest.trim_start_matches([':', ' ']);
        return (rest.len() < text.len() - "بقلم".len()).then_some(rest);
    }
    ["par ", "por "].iter().find_map(|by| {
        strip_prefix_ci(text, by).filter(|rest| rest.starts_with(char::is_uppercase))
    })
}

/// `text` without `prefix`, compared ignoring ASCII case.
pub(crate) fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    (text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &text[prefix.len()..])
}

/// A slug from the last segment of an original URL, when it reads like one
/// (`.../pentagon-chief-visits-iraq.html`, `.../%D8%A7%D9%84...`), not an id (`.../395`).
fn slug_from_url(url: &str, slugs: SlugStyle) -> Option<String> {
    let path = url.split(['?', '#']).next()?.trim_end_matches('/');
    let last = path.rsplit('/').next()?;
    let last = last
        .strip_suffix(".html")
        .or_else(|| last.strip_suffix(".htm"))
        .unwrap_or(last);
    // Sites write other scripts percent-encoded: `%D8%A7` read as is gives `d8-a7`. The
    // ASCII style keeps reading it so, as it always has: decoding would move published
    // pages on upgrade.
    let last = match slugs {
        SlugStyle::Unicode => percent_encoding::percent_decode_str(last).decode_utf8_lossy(),
        SlugStyle::Ascii => last.into(),
    };
    let slug = slugs.slugify(&last);
    (slug.contains('-') && slug.chars().any(char::is_alphabetic)).then_some(slug)
}

/// A `javascript:`, `vbscript:` or `data:` address, read as browsers read a scheme
/// (case ignored, tabs, line ends and leading spaces dropped: `Java\tScript:`).
fn script_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let scheme: String = scheme
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

/// Removes control characters (but tabs and line ends) from every string in `value`:
/// escapes such as `\u0000` or `\u001b` in a JSON or TOML string would otherwise reach
/// pages and feeds, where they are invalid (the files' own bytes are cleaned as they are
/// read, see [`crate::ingest::decode_text`]).
fn drop_control_characters(value: &mut Value) {
    match value {
        Value::String(s) => {
            let control = |c: char| c.is_control() && c.is_ascii() && c != '\n' && c != '\t';
            if s.bytes().any(|b| b < 0x20 || b == 0x7f) && s.contains(control) {
                s.retain(|c| !control(c) || c == '\r');
                if s.contains('\r') {
                    *s = s.replace("\r\n", "\n").replace('\r', "\n");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(drop_control_characters),
        Value::Object(map) => map.values_mut().for_each(drop_control_characters),
        _ => {}
    }
}

/// `given`, or the folder's `default` when the file gives none.
fn or_default(given: Vec<String>, default: &[String]) -> Vec<String> {
    if given.is_empty() {
        default.to_vec()
    } else {
        given
    }
}

/// Assembles the article. `diagnostics` gets a warning when a given slug had to change.
pub fn finish(
    draft: Draft,
    title: String,
    body: Body,
    file: &SourceFile,
    slugs: SlugStyle,
    diagnostics: &mut Vec<Diagnostic>,
) -> Article {
    let line = draft.line;
    let given = draft.slug.as_deref().map(|s| slugs.slugify(s));
    let slug = match &given {
        Some(s) if !s.is_empty() => s.clone(),
        Some(_) => String::new(),
        None => draft
            .url
            .as_deref()
            .and_then(|url| slug_from_url(url, slugs))
            .unwrap_or_default(),
    };
    // Markup a front-matter title keeps as text (`The <em>big</em> story`) is no word
    // of its URL, unless the title is nothing else.
    let slug = if slug.is_empty() {
        Some(slugs.slugify(&plain_line(&title)))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| slugs.slugify(&title))
    } else {
        slug
    };
    let slug = if slug.is_empty() {
        fallback_slug("article", &file.rel)
    } else {
        slug
    };
    if let Some(s) = draft.slug.as_ref().filter(|s| **s != slug) {
        let from = if given.as_deref().is_some_and(str::is_empty) {
            " (made from the title, as it has no letters or digits)"
        } else {
            ""
        };
        diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                line.or_else(|| line_of_key(&file.text, "slug")),
                format!("slug '{s}' is not URL-safe; using '{slug}'{from}"),
            )
            .with_kind("slug-changed"),
        );
    }
    // Likely mistakes that still make an article: say so, and go on.
    if let (Some(date), Some(updated)) = (draft.date, draft.updated) {
        if updated < date {
            diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    line.or_else(|| line_of_key(&file.text, "updated")),
                    format!(
                        "updated ({}) is before the publication date ({}); check both",
                        updated.format("%Y-%m-%d %H:%M"),
                        date.format("%Y-%m-%d %H:%M")
                    ),
                )
                .with_kind("bad-date"),
            );
        }
    }
    let title_chars = title.chars().count();
    if title_chars > LONG_TITLE_CHARS {
        diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                line.or_else(|| line_of_key(&file.text, "title")),
                format!("the headline is {title_chars} characters long; check that it is the headline and not a paragraph"),
            )
            .with_kind("long-title"),
        );
    }
    let mut asset_refs = body.refs;
    if let Some(src) = draft.image.as_ref().and_then(|i| i.src.as_ref()) {
        if let body::Target::Beside { path, .. } = body::target(src) {
            let file = body::beside_file(&path);
            if !asset_refs.contains(&file) {
                asset_refs.push(file);
            }
        }
    }
    let mut refused_refs: Vec<String> = draft.refused_image.into_iter().collect();
    // A dump's HTML was scraped from pages whose `../` links pointed at their own site:
    // a warning per link would bury the others (at 100,000 records), so only a file under
    // content/ that such a link names is reported, as a skipped file (see `plan_assets`).
    let per_link = draft.record.is_none();
    for (target, at) in body.refused {
        if per_link {
            let name = target.rsplit(['/', '\\']).next().unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    at.or(line),
                    format!(
                        "path '{target}' leads out of the article's folder, and files are copied only from that folder and the folders under it, so it is left as written and will likely be broken: move the file beside the article and link it as '{name}'"
                    ),
                )
                .with_kind("outside-folder"),
            );
        }
        if !refused_refs.contains(&target) {
            refused_refs.push(target);
        }
    }
    let id = match draft.record {
        Some(n) => format!("{}#{n}", file.rel),
        None => file.rel.clone(),
    };
    let summary = draft
        .summary
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| lede(body.first_paragraph));
    // Bidi overrides and isolates in a title or a name can show it reversed (a spoof);
    // metadata is plain text, so they go from all of it, whatever format it came from.
    let plain = |text: String| match crate::slug::without_bidi_controls(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cleaned) => cleaned,
    };
    let names = |list: Vec<String>| -> Vec<String> {
        list.into_iter()
            .map(plain)
            .filter(|n| !n.trim().is_empty())
            .collect()
    };
    let image = draft.image.map(|i| Image {
        src: i.src,
        title: i.title.map(plain),
        caption: i.caption.map(plain),
        credit: i.credit.map(plain),
        alt: i.alt.map(plain),
    });
    Article {
        id,
        title: plain(title),
        slug,
        url: String::new(),
        date: draft.date,
        // An update at or before publication (a warning above, or a CMS's modified time
        // copied from the published one) is no update to show.
        updated: draft.updated.filter(|u| draft.date.is_none_or(|d| *u > d)),
        // A folder's defaults fill in what the file does not say.
        authors: names(or_default(draft.authors, &file.defaults.authors)),
        sources: names(or_default(draft.sources, &file.defaults.sources)),
        tags: names(or_default(draft.tags, &file.defaults.tags)),
        section: draft
            .section
            .or_else(|| file.default_section.clone())
            .map(plain),
        summary: plain(summary),
        word_count: body.word_count,
        reading_minutes: reading_minutes(body.word_count),
        body_html: body.html.into(),
        image: image.map(Box::new),
        draft: draft.draft,
        source_path: file.shown.clone(),
        source_line: line,
        asset_refs,
        refused_refs,
        content_links: body.content_links,
        aliases: draft.aliases,
        extra: draft.extra,
        lang: draft.lang.or_else(|| file.defaults.lang.clone()),
        translation_key: draft.translation_key,
        expires: draft.expires,
    }
}

/// A first paragraph as a summary: whole, or when longer than [`LONG_SUMMARY_CHARS`],
/// up to its last sentence end within them (else its last word, and an ellipsis).
fn lede(first: String) -> String {
    let Some((limit, _)) = first.char_indices().nth(LONG_SUMMARY_CHARS) else {
        return first;
    };
    let head = &first[..limit];
    let sentence_end = head
        .rmatch_indices(['.', '!', '?'])
        .map(|(at, m)| at + m.len())
        .find(|&end| head[end..].starts_with(' ') && end >= limit / 4);
    match sentence_end {
        Some(end) => head[..end].to_string(),
        None => {
            let cut = head.rfind(' ').unwrap_or(limit);
            format!("{}…", &head[..cut])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A summary's or caption's markup goes, but a script's or style's text goes with its
    /// tags (it is no text the page showed), and a `<` opening no tag is text.
    #[test]
    fn plain_lines_drop_scripts_styles_and_comments() {
        for (html, text) in [
            (
                "<p>Port reopens<script>var ad = 1 < 2;</script> today</p>",
                "Port reopens today",
            ),
            (
                "<style type=\"text/css\">p { color: red }</style><b>Cranes</b> at dawn",
                "Cranes at dawn",
            ),
            ("<p>Up</p><SCRIPT>track()</SCRIPT ><p>down</p>", "Up down"),
            ("<b>Cut</b> <script>never closed", "Cut"),
            ("<p>A<!-- x > y --> b</p>", "A b"),
            ("<p>Rates 5 < 6 and 7 > 6</p>", "Rates 5 < 6 and 7 > 6"),
            (
                "<noscript>Enable JavaScript</noscript><em>Text</em>",
                "Text",
            ),
        ] {
            assert_eq!(plain_line(html), text, "{html}");
        }
    }

    #[test]
    fn dump_bylines_are_split_into_names_and_agencies() {
        let ingest = SiteConfig::default().ingest;
        for (field, names) in [
            ("By Jane Doe, Reuters", vec!["Jane Doe", "Reuters"]),
            ("Jane Doe and John Smith", vec!["Jane Doe", "John Smith"]),
            (
                "by Jane Doe & John Smith; AFP",
                vec!["Jane Doe", "John Smith", "AFP"],
            ),
            ("Doe, Jane", vec!["Doe, Jane"]),
            (
                "By Jane Doe, Reuters, March 7, 2023",
                vec!["Jane Doe", "Reuters"],
            ),
            ("AP, Reuters", vec!["AP", "Reuters"]),
            ("By Jane Doe, Staff Writer", vec!["Jane Doe"]),
            // A job title is no writer, but the agency it names is the story's.
            ("Jane Doe, Associated Press Writer", vec!["Jane Doe", "AP"]),
            ("Reuters Staff", vec!["Reuters"]),
            ("José Ortega y Gasset", vec!["José Ortega y Gasset"]),
            (
                "John Smith, Middle East correspondent, Reuters",
                vec!["John Smith", "Reuters"],
            ),
            // Other languages' bylines.
            (
                "Par Jean-François Lefèvre, AFP",
                vec!["Jean-François Lefèvre", "AFP"],
            ),
            (
                "Jean Dupont et Marie Curie",
                vec!["Jean Dupont", "Marie Curie"],
            ),
            ("بقلم خالد منصور، أ ف ب", vec!["خالد منصور", "أ ف ب"]),
            ("سارة حسن و أحمد علي", vec!["سارة حسن", "أحمد علي"]),
            ("Par ailleurs", vec!["Par ailleurs"]),
            ("Von Miller", vec!["Von Miller"]),
            ("Jane Smith et al.", vec!["Jane Smith et al."]),
            ("Jean et Alain Dupont", vec!["Jean", "Alain Dupont"]),
            // A writer with an agency's copy, and Spanish co-authors.
            ("Par Jean Dupont avec AFP", vec!["Jean Dupont", "AFP"]),
            ("By Jane Doe with Reuters", vec!["Jane Doe", "Reuters"]),
            (
                "Por Ana García y Luis Pérez, EFE",
                vec!["Ana García", "Luis Pérez", "EFE"],
            ),
            ("Anna Schmidt mit dpa", vec!["Anna Schmidt", "dpa"]),
        ] {
            assert_eq!(byline_names(field, &ingest), names, "{field}");
        }
        let mut draft = Draft {
            authors: vec![
                "By Jane Doe, Reuters".into(),
                "Jane Doe and John Smith".into(),
                "BBC News".into(),
                "Associated Press".into(),
            ],
            ..Draft::default()
        };
        split_agencies(&mut draft, &ingest);
        assert_eq!(draft.authors, ["Jane Doe", "John Smith"]);
        // An outlet is a source, as a text file's desk line makes it; an agency spelt out
        // is its one source.
        assert_eq!(draft.sources, ["Reuters", "BBC News", "AP"]);
    }

    /// A local time the clocks skip (02:30 on the night they go forward) is read an hour
    /// on, and said; other times, and an hour that occurs twice, are read as written.
    #[test]
    fn a_time_the_clocks_skip_is_said() {
        let config = SiteConfig {
            tz: "America/New_York".parse().unwrap(),
            ..SiteConfig::default()
        };
        let shown = Path::new("content/d.jsonl");
        for (date, read, said) in [
            ("2023-03-12 02:30", "2023-03-12 03:30", true),
            ("2023-03-12 01:30", "2023-03-12 01:30", false),
            ("2023-11-05 01:30", "2023-11-05 01:30", false),
        ] {
            let mut map = Map::new();
            map.insert("date".into(), Value::String(date.into()));
            let mut f = Fields::new(map, Mode::Dump, "", 1, shown, &config);
            let draft = f.draft();
            let local = draft.date.map(|d| d.format("%Y-%m-%d %H:%M").to_string());
            assert_eq!(local.as_deref(), Some(read), "{date}");
            let warned = f
                .diagnostics
                .iter()
                .any(|d| d.message.contains("clocks skip"));
            assert_eq!(warned, said, "{date}: {:?}", f.diagnostics);
        }
    }

    #[test]
    fn schema_org_image_objects_give_the_url_and_caption() {
        let config = SiteConfig::default();
        let shown = Path::new("content/d.jsonl");
        let draft = |image: Value| {
            let mut map = Map::new();
            map.insert("image".into(), image);
            let mut f = Fields::new(map, Mode::Dump, "", 1, shown, &config);
            (f.draft(), f.diagnostics)
        };
        let object = serde_json::json!({"@type": "ImageObject", "url": "https://x.org/a.jpg", "caption": "Dawn over the port"});
        let (d, problems) = draft(object.clone());
        let image = d.image.unwrap();
        assert_eq!(image.src.as_deref(), Some("https://x.org/a.jpg"));
        assert_eq!(image.caption.as_deref(), Some("Dawn over the port"));
        assert!(problems.is_empty(), "{problems:?}");
        let (d, _) = draft(serde_json::json!([{"contentUrl": "b.jpg"}, "c.jpg"]));
        assert_eq!(d.image.unwrap().src.as_deref(), Some("b.jpg"));
        let (d, problems) = draft(serde_json::json!({"caption": "no url"}));
        assert!(d.image.and_then(|i| i.src).is_none());
        assert!(
            problems[0].message.contains("without a url"),
            "{problems:?}"
        );
    }

    #[test]
    fn script_image_sources_are_dropped() {
        let config = SiteConfig::default();
        let shown = Path::new("content/d.jsonl");
        for (src, kept) in [
            ("photo.jpg", true),
            ("https://x.org/a.jpg", true),
            ("img/a:b.jpg", true),
            ("javascript://%0aalert(1)", false),
            ("data:image/png;base64,xx", false),
        ] {
            let mut map = Map::new();
            map.insert("image".into(), Value::String(src.into()));
            let mut f = Fields::new(map, Mode::Dump, "", 1, shown, &config);
            let d = f.draft();
            assert_eq!(d.image.and_then(|i| i.src).is_some(), kept, "{src}");
        }
    }

    /// A script in `url` gives no slug; the warning names the line and what to do.
    #[test]
    fn script_urls_are_no_url() {
        let config = SiteConfig::default();
        let shown = Path::new("content/d.jsonl");
        for (url, kept) in [
            ("javascript:alert(document.cookie)//evil-slug", false),
            (" JavaScript:void(0)/evil-slug", false),
            ("java\tscript:x/evil-slug", false),
            ("vbscript:msgbox/evil-slug", false),
            ("data:text/html,evil-slug", false),
            ("https://x.org/news/good-slug", true),
            ("/news/good-slug", true),
        ] {
            let mut map = Map::new();
            map.insert("link".into(), Value::String(url.into()));
            let mut f = Fields::new(map, Mode::Dump, "", 4, shown, &config);
            let d = f.draft();
            assert_eq!(d.url.is_some(), kept, "{url}");
            if !kept {
                let w = &f.diagnostics[0];
                assert_eq!((w.line, &*w.kind), (Some(4), "bad-field"), "{url}");
                assert!(
                    w.message.contains("link '") && w.message.contains("leave link out"),
                    "{w}"
                );
            } else {
                assert!(f.diagnostics.is_empty(), "{url}: {:?}", f.diagnostics);
            }
        }
    }

    #[test]
    fn slug_from_url_only_when_it_reads_like_one() {
        let ascii = |url| slug_from_url(url, SlugStyle::Ascii);
        assert_eq!(
            ascii("https://x.org/news/pentagon-chief-visits.html?a=1").as_deref(),
            Some("pentagon-chief-visits")
        );
        assert_eq!(ascii("https://news.example.org/tech/395"), None);
        // Another script, percent-encoded as sites write it: its words, not `d8-a7-...`.
        let arabic = "https://x.org/news/2023/3/7/%D8%B2%D9%8A%D8%A7%D8%B1%D8%A9-%D8%A3%D9%88%D8%B3%D8%AA%D9%86";
        assert!(ascii(arabic).is_some_and(|s| s.starts_with("d8-b2-d9-8a")));
        assert_eq!(
            slug_from_url(arabic, SlugStyle::Unicode).as_deref(),
            Some("زيارة-أوستن")
        );
    }
}
