//! Markdown files with TOML front matter between `+++` lines.

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;
use toml::Value;

use super::body::render_markdown;
use super::dates::parse_date;
use super::{FileOutcome, SourceFile};
use crate::article::{reading_minutes, Article, Image};
use crate::config::SiteConfig;
use crate::diagnostics::{line_of, line_of_key, Diagnostic};
use crate::slug::{fallback_slug, slugify};

/// The front-matter fields this format understands.
pub const FIELDS: [&str; 14] = [
    "title", "date", "updated", "slug", "summary", "authors", "sources", "tags", "section",
    "image", "caption", "credit", "draft", "author",
];

/// Splits `+++` front matter from the body: (front matter, its first line, body).
fn split_front_matter(text: &str) -> Result<(&str, usize, &str), (usize, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "+++" {
        return Err((
            1,
            "no front matter: start the file with a '+++' line, then title = \"...\" and date = ..., then '+++'".into(),
        ));
    }
    let start = first.len();
    let mut offset = start;
    for line in lines {
        if line.trim_end() == "+++" {
            return Ok((&text[start..offset], 2, &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err((
        1,
        "front matter opened with '+++' is never closed; add a '+++' line after it".into(),
    ))
}

/// Parses one Markdown file into one article.
pub fn parse(file: &SourceFile, config: &SiteConfig) -> FileOutcome {
    let mut out = FileOutcome::default();
    let (fm, fm_line, markdown) = match split_front_matter(&file.text) {
        Ok(parts) => parts,
        Err((line, msg)) => {
            out.diagnostics
                .push(Diagnostic::error(&file.shown, Some(line), msg));
            return out;
        }
    };
    let table: toml::Table = match toml::from_str(fm) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| fm_line - 1 + line_of(fm, s.start));
            out.diagnostics.push(Diagnostic::error(
                &file.shown,
                line,
                format!("front matter is not valid TOML: {}", e.message().trim()),
            ));
            return out;
        }
    };
    let mut fields = Fields {
        table,
        fm,
        fm_line,
        shown: &file.shown,
        diagnostics: &mut out.diagnostics,
    };
    if let Some(article) = fields.article(file, markdown, config) {
        out.articles.push(article);
    }
    out
}

/// Typed access to front-matter values, with messages naming file and line.
struct Fields<'a> {
    table: toml::Table,
    fm: &'a str,
    fm_line: usize,
    shown: &'a Path,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl Fields<'_> {
    fn line(&self, key: &str) -> Option<usize> {
        line_of_key(self.fm, key).map(|l| l + self.fm_line - 1)
    }

    fn error(&mut self, key: &str, msg: String) {
        let line = self.line(key);
        self.diagnostics
            .push(Diagnostic::error(self.shown, line, msg));
    }

    fn string(&mut self, key: &str) -> Option<String> {
        match self.table.remove(key)? {
            Value::String(s) => Some(s),
            other => {
                self.error(
                    key,
                    format!("{key} must be a string in quotes, not {}", other.type_str()),
                );
                None
            }
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        match self.table.remove(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if !s.trim().is_empty() => out.push(s),
                        Value::String(_) => {}
                        other => self.error(
                            key,
                            format!(
                                "{key} must be a list of strings; found {}",
                                other.type_str()
                            ),
                        ),
                    }
                }
                out
            }
            Some(other) => {
                self.error(
                    key,
                    format!(
                        "{key} must be a string or a list of strings, not {}",
                        other.type_str()
                    ),
                );
                Vec::new()
            }
        }
    }

    fn date(&mut self, key: &str, tz: Tz) -> Option<DateTime<Tz>> {
        let text = match self.table.remove(key)? {
            Value::String(s) => s,
            Value::Datetime(d) => d.to_string(),
            other => {
                self.error(
                    key,
                    format!("{key} must be a date, not {}", other.type_str()),
                );
                return None;
            }
        };
        let parsed = parse_date(&text, tz);
        if parsed.is_none() {
            self.error(
                key,
                format!(
                    "{key} '{text}' is not a date; use RFC 3339 such as 2023-03-07T10:00:00+02:00, or 2023-03-07, or 2023-03-07 10:00"
                ),
            );
        }
        parsed
    }

    fn article(
        &mut self,
        file: &SourceFile,
        markdown: &str,
        config: &SiteConfig,
    ) -> Option<Article> {
        let errors_before = self.diagnostics.len();
        let title = self.string("title").map(|t| t.trim().to_string());
        let title = match title {
            Some(t) if !t.is_empty() => Some(t),
            _ => {
                self.diagnostics.push(Diagnostic::error(
                    self.shown,
                    Some(self.fm_line.saturating_sub(1).max(1)),
                    "front matter has no title; add title = \"...\"",
                ));
                None
            }
        };
        let has_date = self.table.contains_key("date");
        let date = self.date("date", config.tz);
        if !has_date {
            self.diagnostics.push(Diagnostic::error(
                self.shown,
                Some(self.fm_line.saturating_sub(1).max(1)),
                "front matter has no date; add date = 2023-03-07 (or an RFC 3339 time)",
            ));
        }
        let updated = self.date("updated", config.tz);
        let slug_field = self.string("slug");
        let summary = self.string("summary");
        let mut authors = self.list("authors");
        authors.extend(self.list("author"));
        let sources = self.list("sources");
        let tags = self.list("tags");
        let section = self.string("section");
        let image_src = self.string("image");
        let caption = self.string("caption");
        let credit = self.string("credit");
        let draft = match self.table.remove("draft") {
            None => false,
            Some(Value::Boolean(b)) => b,
            Some(other) => {
                self.error(
                    "draft",
                    format!("draft must be true or false, not {}", other.type_str()),
                );
                false
            }
        };
        let unknown: Vec<String> = self.table.keys().cloned().collect();
        for key in unknown {
            let line = self.line(&key);
            self.diagnostics.push(Diagnostic::warning(
                self.shown,
                line,
                format!(
                    "unknown front-matter field '{key}' is ignored; known fields are {}",
                    FIELDS.join(", ")
                ),
            ));
        }
        if self.diagnostics[errors_before..]
            .iter()
            .any(Diagnostic::is_error)
        {
            return None;
        }
        let title = title?;

        let body = render_markdown(markdown);
        let slug = match slug_field {
            Some(s) => {
                let s2 = slugify(&s);
                if s2 != s {
                    let line = self.line("slug");
                    self.diagnostics.push(Diagnostic::warning(
                        self.shown,
                        line,
                        format!(
                            "slug '{s}' is not URL-safe; using '{}'",
                            if s2.is_empty() { "(from title)" } else { &s2 }
                        ),
                    ));
                }
                s2
            }
            None => slugify(&title),
        };
        let slug = if slug.is_empty() {
            slugify(&title)
        } else {
            slug
        };
        let slug = if slug.is_empty() {
            fallback_slug("article", &file.rel)
        } else {
            slug
        };
        let mut asset_refs = body.refs;
        if let Some(src) = &image_src {
            if !asset_refs.contains(src) {
                asset_refs.push(src.clone());
            }
        }
        let image =
            (image_src.is_some() || caption.is_some() || credit.is_some()).then_some(Image {
                src: image_src,
                title: None,
                caption,
                credit,
            });
        Some(Article {
            id: file.rel.clone(),
            title,
            slug,
            url: String::new(),
            date,
            updated,
            authors,
            sources,
            tags,
            section: section.or_else(|| file.default_section.clone()),
            summary: summary.unwrap_or(body.first_paragraph),
            word_count: body.word_count,
            reading_minutes: reading_minutes(body.word_count),
            body_html: body.html,
            image,
            draft,
            source_path: file.shown.clone(),
            source_line: None,
            asset_refs,
        })
    }
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
    fn missing_fence_is_an_error() {
        assert!(parse_text("title = x\n").diagnostics[0].is_error());
        assert!(parse_text("+++\ntitle = \"x\"\n").diagnostics[0]
            .message
            .contains("never closed"));
    }
}
