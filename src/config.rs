//! `site.toml` read into a typed [`SiteConfig`], with defaults and validation.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{line_of, line_of_key, Diagnostic};
use crate::ingest::settings::{FolderDefaults, IngestConfig};

/// Placeholders a permalink pattern may use.
pub const PERMALINK_PLACEHOLDERS: [&str; 5] = ["{year}", "{month}", "{day}", "{slug}", "{section}"];

/// Most related articles an article page may list (keeps pages and the build bounded).
pub const MAX_RELATED: usize = 50;

/// The site's settings. Every field has a default, so an empty `site.toml` builds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// Shown in the header and the browser tab.
    pub title: String,
    /// One line under the title.
    pub description: String,
    /// Where the site is deployed, e.g. `https://example.org/archive/`.
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>`.
    pub language: String,
    /// IANA zone name; dates without an offset are read in it and all dates are shown in it.
    pub timezone: String,
    /// Article URL pattern, e.g. `/{year}/{month}/{day}/{slug}/`.
    pub permalink: String,
    /// Pages as folders holding `index.html` (`2023/03/07/slug/`, `tags/iraq/page/2/`);
    /// `false` makes each page one file (`2023/03/07/slug.html`, `tags/iraq/page/2.html`),
    /// which spares a large archive one folder per page (about 140,000 at 100,000 articles).
    pub pretty_urls: bool,
    /// How slugs (article, tag, section, source and author URLs, heading anchors) are
    /// written: `"ascii"` (transliterated, the default) or `"unicode"` (in their own script).
    pub slugs: crate::slug::SlugStyle,
    /// Articles per listing page.
    pub per_page: usize,
    /// Which end of a listing its page numbers count from (`page_numbers`).
    pub page_numbers: PageNumbers,
    /// Output folder, relative to the site folder.
    pub output_dir: PathBuf,
    /// Build the full-text search index, the search page and the header search box.
    pub search: bool,
    /// Entries in each feed (the newest ones).
    pub feed_entries: usize,
    /// File name of an RSS 2.0 feed written beside every Atom feed (`rss.xml`, or Hugo's
    /// `index.xml` so that a moved site keeps its subscribers); empty writes none.
    pub rss_feed: String,
    /// Related articles listed on each article page; 0 turns them off.
    pub related_articles: usize,
    /// Also write `.gz` copies of HTML, CSS, JS and XML files for servers that serve them.
    pub compress: bool,
    /// Paths in the output folder (files or folders, as `CNAME` or `verify/`) that a build
    /// never removes though it did not make them; every other such file is removed, but
    /// hidden ones (`.git/`) are always kept. Jekyll's name for it.
    pub keep_files: Vec<String>,
    /// How raw text, dumps and front matter are read (`[ingest]`).
    pub ingest: IngestConfig,
    /// Values for the articles of a folder that their files do not give (`[[defaults]]`).
    pub defaults: Vec<FolderDefaults>,
    /// The theme's words reworded or translated (`[translations]`): each key of the
    /// built-in tables (`render::ui`) with its text.
    pub translations: std::collections::BTreeMap<String, String>,
    /// The site's own data for templates (`[extra]`, as in Zola): `site.extra` in them.
    #[serde(deserialize_with = "extra_table")]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Parsed `timezone`.
    #[serde(skip)]
    pub tz: Tz,
    /// The path part of `base_url`, always starting and ending with `/`.
    #[serde(skip)]
    pub base_path: String,
    /// What is allowed but most likely not meant (`timezone = "EST"`): shown with the
    /// build's warnings.
    #[serde(skip)]
    pub warnings: ConfigWarnings,
}

/// A config's warnings. Their `Debug` form is empty: the cache's fingerprint is the
/// config's `Debug` form, and a warning's line moving (a comment added above it) must
/// not throw the cache away.
#[derive(Clone, Default)]
pub struct ConfigWarnings(pub Vec<Diagnostic>);

impl std::fmt::Debug for ConfigWarnings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl std::ops::Deref for ConfigWarnings {
    type Target = Vec<Diagnostic>;
    fn deref(&self) -> &Vec<Diagnostic> {
        &self.0
    }
}

/// Where each `[[defaults]]` table of `site.toml` stands (its header, or its inline
/// table) and where its keys do, as byte spans: a message names the line of its own
/// table and key, wherever else the same key or the header's text appears.
#[derive(Deserialize)]
struct DefaultsPlaces {
    #[serde(default)]
    defaults: Vec<Spanned<BTreeMap<Spanned<String>, serde::de::IgnoredAny>>>,
}

/// `[extra]` read as TOML, its dates as their text (as an article's `extra` is), not as
/// the TOML reader's inner form.
fn extra_table<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<serde_json::Map<String, serde_json::Value>, D::Error> {
    let table = <toml::Table as serde::Deserialize>::deserialize(d)?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, crate::ingest::markdown::toml_to_json(v)))
        .collect())
}

/// Which end of a listing its page numbers count from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageNumbers {
    /// Page 1 is the newest articles, as Hugo and Zola number them: every page takes
    /// new articles, so each one added moves every page of its listings.
    #[default]
    Newest,
    /// Page 1 is the oldest articles, and the listing's own address holds the newest:
    /// a page, once full, keeps its articles and its bytes as the archive grows, so
    /// links and caches to it stay good and a day's new articles rewrite a few pages.
    Oldest,
}

/// For the old zone names that are fixed offsets (`EST` is UTC-5 all year), what to
/// write instead: they are most often meant as the region's clock, which changes.
fn fixed_zone(name: &str) -> Option<&'static str> {
    match name {
        "EST" => Some("for US Eastern time write \"America/New_York\", or \"Etc/GMT+5\" if the fixed offset is meant"),
        "MST" => Some("for US Mountain time write \"America/Denver\" (\"America/Phoenix\" for Arizona), or \"Etc/GMT+7\" if the fixed offset is meant"),
        _ => None,
    }
}

/// `rtl` for a language tag written right to left (`ar`, `he`, `fa`...), else `ltr`.
pub fn text_direction(tag: &str) -> &'static str {
    use unic_langid::{CharacterDirection, LanguageIdentifier};
    match tag.parse::<LanguageIdentifier>() {
        Ok(id) if id.character_direction() == CharacterDirection::RTL => "rtl",
        _ => "ltr",
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "News archive".into(),
            description: String::new(),
            base_url: "http://localhost/".into(),
            language: "en".into(),
            timezone: "UTC".into(),
            permalink: "/{year}/{month}/{day}/{slug}/".into(),
            pretty_urls: true,
            slugs: Default::default(),
            per_page: 20,
            page_numbers: PageNumbers::default(),
            output_dir: PathBuf::from("public"),
            search: true,
            feed_entries: 20,
            rss_feed: String::new(),
            related_articles: 5,
            compress: false,
            keep_files: Vec::new(),
            ingest: IngestConfig::default(),
            defaults: Vec::new(),
            translations: Default::default(),
            extra: serde_json::Map::new(),
            tz: Tz::UTC,
            base_path: "/".into(),
            warnings: ConfigWarnings::default(),
        }
    }
}

impl SiteConfig {
    /// `dir` for `<html>`: `rtl` when the language is written right to left (`ar`, `he`,
    /// `fa`, `ur`, `ar-EG`, or any tag naming a right-to-left script, `az-Arab`), else `ltr`.
    pub fn text_direction(&self) -> &'static str {
        text_direction(&self.language)
    }

    /// Reads `site.toml` from `site_dir`; a missing file means all defaults.
    pub fn load(site_dir: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = site_dir.join("site.toml");
        let shown = PathBuf::from("site.toml");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            // A site may do without site.toml, but not without content/ as well: a
            // mistyped --root would otherwise build (and deploy) an empty site.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !site_dir.join("content").is_dir() {
                    let what = if site_dir.is_dir() {
                        "is not a broadsheet site: it has neither site.toml nor content/"
                    } else {
                        "does not exist"
                    };
                    return Err(Diagnostic::error(
                        site_dir,
                        None,
                        format!("{what}; give the site's folder with --root, or start a site there with `broadsheet init`"),
                    ));
                }
                String::new()
            }
            Err(e) => return Err(Diagnostic::error(shown, None, format!("cannot read: {e}"))),
        };
        Self::parse(&text, &shown)
    }

    /// Parses and validates config text; `shown` names the file in messages.
    pub fn parse(text: &str, shown: &Path) -> Result<SiteConfig, Diagnostic> {
        let mut config: SiteConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let key = line
                .and_then(|l| text.lines().nth(l - 1))
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"'))
                .filter(|k| !k.is_empty() && !k.starts_with('['));
            Diagnostic::error(shown, line, plain_toml_error(e.message().trim(), key))
        })?;
        let bad = |key: &str, msg: String| {
            Diagnostic::error(shown, line_of_key(text, key), format!("{key}: {msg}"))
        };

        config.tz = config.timezone.parse().map_err(|_| {
            bad(
                "timezone",
                format!(
                    "'{}' is not an IANA time zone name; use one such as \"Africa/Cairo\" or \"UTC\"",
                    config.timezone
                ),
            )
        })?;
        if let Some(instead) = fixed_zone(&config.timezone) {
            config.warnings.0.push(
                Diagnostic::warning(
                    shown,
                    line_of_key(text, "timezone"),
                    format!(
                        "timezone: '{}' is a fixed offset with no daylight saving time, so summer times are shown an hour off the local clock; {instead}",
                        config.timezone
                    ),
                )
                .with_kind("fixed-timezone"),
            );
        }
        let url = std::mem::take(&mut config.base_url);
        config.set_base_url(&url).map_err(|m| bad("base_url", m))?;
        validate_permalink(&config.permalink).map_err(|m| bad("permalink", m))?;
        if config.per_page == 0 {
            return Err(bad("per_page", "must be at least 1".into()));
        }
        if config.feed_entries == 0 {
            return Err(bad("feed_entries", "must be at least 1".into()));
        }
        if config.related_articles > MAX_RELATED {
            return Err(bad(
                "related_articles",
                format!("must be at most {MAX_RELATED}"),
            ));
        }
        validate_output_dir(&config.output_dir).map_err(|m| bad("output_dir", m))?;
        validate_rss_feed(&config.rss_feed).map_err(|m| bad("rss_feed", m))?;
        for path in &mut config.keep_files {
            *path = keep_file(path).map_err(|m| bad("keep_files", m))?;
        }
        // A BCP 47 tag: subtags of letters and digits joined by hyphens (`en`, `pt-BR`).
        let tag_ok = config.language.split('-').all(|sub| {
            (1..=8).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if !tag_ok {
            return Err(bad(
                "language",
                format!(
                    "'{}' is not a language tag; use one such as \"en\", \"ar\" or \"pt-BR\"",
                    config.language
                ),
            ));
        }
        // Well formed as RFC 5646 has it (the `language-tags` crate checks the grammar,
        // extlangs, extensions, private use and the grandfathered tags).
        if language_tags::LanguageTag::parse(&config.language).is_err() {
            config.warnings.0.push(
                Diagnostic::warning(
                    shown,
                    line_of_key(text, "language"),
                    format!(
                        "language: '{}' is not a well-formed language tag (a language, then a script, region or variant if any, as \"pt-BR\" or \"zh-Hant-TW\"): browsers, screen readers and search engines may not know it",
                        config.language
                    ),
                )
                .with_kind("language-tag"),
            );
        }
        if config.title.trim().is_empty() {
            return Err(bad(
                "title",
                "must not be empty: it names the site in every page's title and its feeds".into(),
            ));
        }
        // Read again for where each table and key stands (the first read succeeded, so
        // this one does too).
        let places = toml::from_str::<DefaultsPlaces>(text)
            .map(|p| p.defaults)
            .unwrap_or_default();
        let mut paths = std::collections::HashSet::new();
        for (i, d) in config.defaults.iter_mut().enumerate() {
            let table = places.get(i);
            let line = table.map(|t| line_of(text, t.span().start));
            let key_line = |key: &str| {
                table
                    .and_then(|t| t.get_ref().keys().find(|k| k.get_ref() == key))
                    .map(|k| line_of(text, k.span().start))
                    .or(line)
            };
            let bad = |line, m: String| Diagnostic::error(shown, line, format!("defaults: {m}"));
            d.normalize().map_err(|(key, m)| bad(key_line(key), m))?;
            d.line = line;
            if !paths.insert(d.path.clone()) {
                return Err(bad(
                    line,
                    format!(
                        "a second entry for the folder '{}'; give its values in one",
                        d.path
                    ),
                ));
            }
        }
        config.ingest.validate().map_err(|(key, m)| {
            Diagnostic::error(shown, line_of_key(text, key), format!("ingest.{key}: {m}"))
        })?;
        Ok(config)
    }

    /// The absolute URL of a site-relative path such as `2023/03/07/slug/`.
    pub fn absolute_url(&self, rel: &str) -> String {
        format!("{}{}", self.base_url, rel)
    }

    /// The root-relative URL of a site-relative path, honouring a base path such as `/archive/`.
    pub fn path_url(&self, rel: &str) -> String {
        format!("{}{}", self.base_path, rel)
    }

    /// Replaces `base_url` (e.g. from `--base-url`), keeping the derived fields in step.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_path = base_path(url)?;
        self.base_url = lowercase_host(url);
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        Ok(())
    }
}

/// `dest` with the base path `root` (`/archive/`) in front, when it is a site-rooted path
/// (`/2015/x.html`; not `//host/x`) that does not already start with it: a path of the
/// site as an author writes it, wherever the site is deployed. Links already under the
/// base path are kept, so the step can run twice (a body's Markdown links, then its
/// sanitizer) and links written with the base path stay right. `None`: keep `dest`.
pub fn under_base_path(dest: &str, root: &str) -> Option<String> {
    let t = dest.trim();
    let rest = t.strip_prefix('/')?;
    if rest.starts_with(['/', '\\']) {
        return None;
    }
    // Compared decoded: a base path outside ASCII (`/archív/`) reaches here as written
    // or percent-encoded (`/arch%C3%ADv/`, as Markdown links are written out before the
    // sanitizer sees them again), and both are already under it.
    let decoded = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let path = decoded(&t[..t.find(['?', '#']).unwrap_or(t.len())]);
    let root_decoded = decoded(root);
    if path.starts_with(&root_decoded) || path == root_decoded.trim_end_matches('/') {
        return None;
    }
    Some(format!("{root}{rest}"))
}

/// `https://Example.ORG/News/` -> `https://example.org/News/`: a host name is read
/// whatever its case, so canonical URLs, feeds and the sitemap give its one usual
/// spelling; a path may tell case apart, so it is kept (a user name before `@` too).
fn lowercase_host(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let host_at = authority.rfind('@').map_or(0, |at| at + 1);
    let (user, host) = authority.split_at(host_at);
    format!("{scheme}://{user}{}{path}", host.to_lowercase())
}

/// `https://example.org/archive` -> `/archive/`.
pub fn base_path(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("'{url}' must start with http:// or https://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() {
        return Err(format!("'{url}' has no host name"));
    }
    // After the host too: `https://example.org?x` has no path, but a query all the same.
    if rest.contains(['?', '#', '\\', ' ']) {
        return Err(format!("'{url}' must not hold a query, fragment or space"));
    }
    let path = path.trim_matches('/');
    Ok(if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    })
}

fn validate_permalink(pattern: &str) -> Result<(), String> {
    if !pattern.starts_with('/') || !pattern.ends_with('/') {
        return Err(format!(
            "'{pattern}' must start and end with '/', e.g. \"/{{year}}/{{month}}/{{slug}}/\""
        ));
    }
    if !pattern.contains("{slug}") {
        return Err(format!(
            "'{pattern}' must contain {{slug}} so that every article gets its own URL"
        ));
    }
    for segment in pattern.trim_matches('/').split('/') {
        let mut literal = segment.to_string();
        for p in PERMALINK_PLACEHOLDERS {
            literal = literal.replace(p, "");
        }
        if literal.contains(['{', '}']) {
            return Err(format!(
                "'{pattern}' has an unknown placeholder; known ones are {}",
                PERMALINK_PLACEHOLDERS.join(", ")
            ));
        }
        if segment.is_empty()
            || segment == "."
            || segment == ".."
            || !literal
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(format!(
                "'{pattern}' has the segment '{segment}'; use letters, digits, '-', '_' and placeholders"
            ));
        }
    }
    Ok(())
}

/// True when `path` (`/`-separated) is made of plain names only (`bbc/business`,
/// `verify/google.html`): no empty, `.` or `..` segment, no backslash or NUL. Joined to a
/// folder, it names a place inside it.
pub fn is_plain_path(path: &str) -> bool {
    path.split('/')
        .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(['\\', '\0']))
}

/// A `keep_files` entry as the output's paths are written (`verify/` and `./verify` are
/// `verify`), or why it cannot be one: it must name a place inside the output folder,
/// literally (no patterns).
fn keep_file(path: &str) -> Result<String, String> {
    let trimmed = path.trim().trim_start_matches("./").trim_matches('/');
    if trimmed.contains(['*', '?', '[']) {
        return Err(format!(
            "'{path}' is a pattern; entries are paths taken as written (\"CNAME\", \"verify/\" for a folder and all in it)"
        ));
    }
    if is_plain_path(trimmed) {
        Ok(trimmed.to_string())
    } else {
        Err(format!(
            "'{path}' is not a path inside the output folder; write one such as \"CNAME\" or \"verify/\""
        ))
    }
}

/// A plain `.xml` file name that no other file of a listing's folder (or of the site's
/// root, for the site's feed) has.
fn validate_rss_feed(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Ok(());
    }
    let stem = name.strip_suffix(".xml").unwrap_or("");
    let plain = !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !stem.starts_with('.');
    if !plain {
        return Err(format!(
            "'{name}' must be a file name ending in .xml, such as \"rss.xml\" or \"index.xml\""
        ));
    }
    if name == "atom.xml" || stem.starts_with("sitemap") {
        return Err(format!(
            "'{name}' is taken by the site's own files (atom.xml, sitemap.xml); use \"rss.xml\" or \"index.xml\""
        ));
    }
    Ok(())
}

fn validate_output_dir(dir: &Path) -> Result<(), String> {
    let ok =
        !dir.as_os_str().is_empty() && dir.components().all(|c| matches!(c, Component::Normal(_)));
    if !ok {
        return Err(format!(
            "'{}' must be a folder inside the site folder, such as \"public\"",
            dir.display()
        ));
    }
    if holds_sources(dir) {
        return Err(overwrites_sources(dir));
    }
    Ok(())
}

/// A folder inside the site (relative to it) that is or lies in one of its sources.
fn holds_sources(rel: &Path) -> bool {
    let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
    matches!(
        first,
        Some("content" | "static" | "templates" | "src" | "tests" | ".git")
    )
}

fn overwrites_sources(dir: &Path) -> String {
    format!(
        "'{}' would overwrite the site's own sources; choose another folder such as \"public\"",
        dir.display()
    )
}

/// Checks an output folder given on the command line (`build -o DIR`, relative to the
/// site folder or absolute) against the rule for `output_dir`, applied to where it lands:
/// the output folder is replaced whole, so it must not be the site folder, hold it, or
/// lie in its sources. A folder outside the site is fine.
pub fn validate_output_override(site_dir: &Path, dir: &Path) -> Result<(), String> {
    let site = resolve(&std::path::absolute(site_dir).map_err(|e| e.to_string())?);
    let out = resolve(&site.join(dir));
    match out.strip_prefix(&site) {
        Ok(rel) if rel.as_os_str().is_empty() => Err(format!(
            "'{}' is the site folder itself; choose a folder inside it such as \"public\", or one outside it",
            dir.display()
        )),
        Ok(rel) if holds_sources(rel) => Err(overwrites_sources(dir)),
        Ok(_) => Ok(()),
        Err(_) if site.starts_with(&out) => Err(format!(
            "'{}' holds the site folder and would overwrite its sources; choose a folder such as \"public\"",
            dir.display()
        )),
        Err(_) => Ok(()),
    }
}

/// An absolute path with its longest existing ancestor canonicalized (so that paths
/// through symlinks compare equal: `/tmp` on macOS, a link inside the site) and `.` and
/// `..` then removed from the rest, which does not exist yet. Canonicalizing first
/// matters: `link/../x` is where the system puts it, beside the link's target, not `x`.
fn resolve(path: &Path) -> PathBuf {
    let lexical = |start: PathBuf, rest: &mut dyn Iterator<Item = Component<'_>>| {
        let mut out = start;
        for c in rest {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                c => out.push(c),
            }
        }
        out
    };
    let mut missing: Vec<Component<'_>> = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(real) = existing.canonicalize() {
            return lexical(real, &mut missing.iter().rev().copied());
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                missing.push(last);
                existing = parent;
            }
            _ => return lexical(PathBuf::new(), &mut path.components()),
        }
    }
}

/// A TOML or serde message in the words of the settings: the key it is about, a
/// suggestion for a misspelt key, and no Rust type names.
fn plain_toml_error(message: &str, key: Option<&str>) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((unknown, expected)) = rest.split_once("`, expected one of ") {
            let known: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
            let closest = known
                .iter()
                .map(|k| (strsim::jaro_winkler(unknown, k), *k))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score > 0.85);
            return match closest {
                Some((_, k)) => format!("unknown setting `{unknown}`; did you mean `{k}`?"),
                None => format!("unknown setting `{unknown}`; the settings are {expected}"),
            };
        }
    }
    let message = message
        .replace("expected usize", "expected a whole number of 0 or more")
        .replace("expected u32", "expected a whole number of 0 or more")
        .replace("expected u64", "expected a whole number of 0 or more");
    match key {
        Some(key) if !message.starts_with(key) => format!("{key}: {message}"),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        SiteConfig::parse(text, Path::new("site.toml"))
    }

    #[test]
    fn language_tags_and_titles_are_checked() {
        let message = |text: &str| parse(text).map(|_| ()).unwrap_err().message.to_string();
        assert!(message("language = \"en US\"\n").starts_with("language: 'en US' is not"));
        assert!(message("title = \"  \"\n").starts_with("title: must not be empty"));
        assert!(parse("language = \"pt-BR\"\n").is_ok());
        // Well-formed in its letters, not in its parts: built, with a warning.
        let warned = |text: &str| {
            let c = parse(text).unwrap();
            c.warnings
                .iter()
                .map(|w| w.message.to_string())
                .collect::<Vec<_>>()
        };
        let w = warned("language = \"xx-yy-zz\"\n");
        assert!(
            w.len() == 1 && w[0].contains("not a well-formed language tag"),
            "{w:?}"
        );
        for fine in [
            "pt-BR",
            "zh-Hant-TW",
            "en-x-house",
            "sr-Latn",
            "de-CH-1996",
            "de-DE-u-co-phonebk",
            "es-419",
            "zh-yue-HK",
            "i-klingon",
            "en-GB-oed",
            "sgn-BE-FR",
            "x-private",
        ] {
            assert!(
                warned(&format!("language = {fine:?}\n")).is_empty(),
                "{fine}"
            );
        }
    }

    /// `EST` is a zone of its own, UTC-5 all year: meant as New York's clock, summer
    /// dates would be an hour off, so it is built with a warning naming the zone to use.
    #[test]
    fn a_fixed_offset_zone_is_warned_of() {
        let c = parse("title = \"T\"\ntimezone = \"EST\"\n").unwrap();
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.warnings[0].line, Some(2));
        assert!(c.warnings[0].message.contains("America/New_York"));
        for fine in ["America/New_York", "Etc/GMT+5", "UTC", "HST"] {
            let c = parse(&format!("timezone = {fine:?}\n")).unwrap();
            assert!(c.warnings.is_empty(), "{fine}");
        }
    }

    #[test]
    fn right_to_left_languages_are_known() {
        let dir = |language: &str| {
            parse(&format!("language = {language:?}\n"))
                .unwrap()
                .text_direction()
        };
        for rtl in ["ar", "he", "fa", "ur", "ar-EG", "az-Arab"] {
            assert_eq!(dir(rtl), "rtl", "{rtl}");
        }
        for ltr in ["en", "pt-BR", "tr", "az-Latn", "en-x-private"] {
            assert_eq!(dir(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn setting_errors_name_the_key_and_suggest_the_spelling() {
        let message = |text: &str| parse(text).map(|_| ()).unwrap_err().message.to_string();
        assert_eq!(
            message("title = \"T\"\npretty_url = true\n"),
            "unknown setting `pretty_url`; did you mean `pretty_urls`?"
        );
        assert_eq!(
            message("per_page = -1\n"),
            "per_page: invalid value: integer `-1`, expected a whole number of 0 or more"
        );
    }

    /// A mistyped --root must not build an empty site there.
    #[test]
    fn a_folder_without_site_toml_or_content_is_not_a_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        let message = |d: Diagnostic| d.message.to_string();
        let missing = SiteConfig::load(&dir.path().join("nope")).map_err(message);
        assert!(missing.is_err_and(|m| m.contains("does not exist")));
        let empty = SiteConfig::load(dir.path()).map_err(message);
        assert!(empty.is_err_and(|m| m.contains("neither site.toml nor content/")));
        std::fs::create_dir(dir.path().join("content")).expect("content/");
        assert!(SiteConfig::load(dir.path()).is_ok());
    }

    #[test]
    fn empty_config_takes_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.per_page, 20);
        assert_eq!(c.base_path, "/");
        assert_eq!(c.tz, Tz::UTC);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("title = \"x\"\ncolour = \"red\"\n").unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn bad_values_name_the_key() {
        for (text, key, line) in [
            ("timezone = \"Mars/Olympus\"", "timezone", 1),
            ("\nper_page = 0", "per_page", 2),
            ("permalink = \"/{year}/\"", "permalink", 1),
            ("permalink = \"/../{slug}/\"", "permalink", 1),
            ("output_dir = \"../elsewhere\"", "output_dir", 1),
            ("output_dir = \"content\"", "output_dir", 1),
            ("base_url = \"example.org\"", "base_url", 1),
            ("feed_entries = 0", "feed_entries", 1),
            ("related_articles = 500", "related_articles", 1),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.starts_with(key), "{text}: {e}");
            assert_eq!(e.line, Some(line), "{text}");
        }
        let e = parse("per_page = \"many\"").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    /// A `[[defaults]]` message names the line of its own table's key, though an earlier
    /// table sets the same key and a string holds the table's header text.
    #[test]
    fn defaults_messages_name_the_line_of_their_table_and_key() {
        let text = "title = \"T\"\ndescription = \"\"\"\n[[defaults]]\n\"\"\"\n\n[[defaults]]\npath = \"a\"\nlang = \"en\"\nsources = [\"AFP\"]\n\n[[defaults]]\n";
        let c = parse(&format!("{text}path = \"b\"\n")).unwrap();
        let lines: Vec<Option<usize>> = c.defaults.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(6), Some(11)]);
        for (bad, said) in [
            ("path = \"b\"\nlang = \"not a tag\"", "lang 'not a tag'"),
            (
                "path = \"b\"\nsources = [\"AFP\", \" \"]",
                "sources must not",
            ),
            ("lang = \"en\"\npath = \"../up\"", "path '../up'"),
            ("path = \"b\"\nsection = \"\"", "section must not"),
        ] {
            let e = parse(&format!("{text}{bad}\n")).unwrap_err();
            assert!(e.message.contains(said), "{bad}: {e}");
            assert_eq!(e.line, Some(13), "{bad}: {e}");
        }
        // A fault of the whole table is at its header.
        let e = parse(&format!(
            "{text}path = \"b\"\n\n[[defaults]]\npath = \"/b/\"\n"
        ))
        .unwrap_err();
        assert!(
            e.message.contains("a second entry for the folder 'b'"),
            "{e}"
        );
        assert_eq!(e.line, Some(14));
    }

    #[test]
    fn output_override_may_not_overwrite_sources() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        std::fs::create_dir_all(s.join("static")).unwrap();
        for bad in [
            "static",
            "./static",
            "content/x",
            "templates",
            ".",
            "..",
            "public/..",
        ] {
            let e = validate_output_override(s, Path::new(bad)).unwrap_err();
            assert!(e.contains(&format!("'{bad}'")), "{bad}: {e}");
        }
        for bad in [s.join("static/x"), s.to_path_buf()] {
            assert!(validate_output_override(s, &bad).is_err(), "{bad:?}");
        }
        let elsewhere = tempfile::tempdir().unwrap();
        for good in [
            Path::new("public"),
            Path::new("out/site"),
            Path::new("../elsewhere"),
            elsewhere.path(),
        ] {
            assert_eq!(validate_output_override(s, good), Ok(()), "{good:?}");
        }
        // Through a link inside the site, `..` is the target's parent, as the system
        // reads it: `link/../x` with `link` -> `content/deep` is `content/x`.
        #[cfg(unix)]
        {
            std::fs::create_dir_all(s.join("content/deep")).unwrap();
            std::os::unix::fs::symlink(s.join("content/deep"), s.join("link")).unwrap();
            let e = validate_output_override(s, Path::new("link/../x")).unwrap_err();
            assert!(e.contains("would overwrite"), "{e}");
        }
    }

    #[test]
    fn base_path_from_sub_path_url() {
        let c = parse("base_url = \"https://example.org/archive\"").unwrap();
        assert_eq!(c.base_path, "/archive/");
        assert_eq!(c.base_url, "https://example.org/archive/");
        assert_eq!(c.path_url("2023/"), "/archive/2023/");
    }

    #[test]
    fn base_url_host_is_lowercased_and_its_path_kept() {
        let c = parse("base_url = \"https://Example.ORG/News/\"").unwrap();
        assert_eq!(c.base_url, "https://example.org/News/");
        assert_eq!(c.base_path, "/News/");
        assert_eq!(c.absolute_url("2023/"), "https://example.org/News/2023/");
        let c = parse("base_url = \"http://LOCALHOST:8080\"").unwrap();
        assert_eq!(c.base_url, "http://localhost:8080/");
        // `--base-url` goes the same way.
        let mut c = SiteConfig::default();
        c.set_base_url("https://Me@WWW.Example.org/Arch").unwrap();
        assert_eq!(c.base_url, "https://Me@www.example.org/Arch/");
        assert_eq!(c.base_path, "/Arch/");
        let c = parse("base_url = \"http://[FE80::1]:8080/Arch\"").unwrap();
        assert_eq!(c.base_url, "http://[fe80::1]:8080/Arch/");
    }

    /// A query or fragment right after the host is refused as one after a path: it would
    /// be lowercased as the host and end up in front of every absolute URL's path.
    #[test]
    fn base_url_with_a_query_after_its_host_is_refused() {
        for url in [
            "https://Example.ORG?utm=1",
            "https://example.org#Top",
            "https://example.org/a?b",
        ] {
            let e = parse(&format!("base_url = \"{url}\"")).unwrap_err();
            assert!(e.message.contains("must not hold a query"), "{url}: {e}");
        }
    }

    #[test]
    fn site_paths_go_under_the_base_path_once() {
        let under = |dest| under_base_path(dest, "/archive/");
        assert_eq!(
            under("/2023/x.html#a"),
            Some("/archive/2023/x.html#a".into())
        );
        assert_eq!(under(" /tags/?q=1"), Some("/archive/tags/?q=1".into()));
        assert_eq!(under("/"), Some("/archive/".into()));
        for kept in [
            "/archive/2023/",
            "/archive",
            "/archive?x",
            "//host/x",
            "/\\host",
            "x/y",
            "https://e.org/",
        ] {
            assert_eq!(under(kept), None, "{kept}");
        }
        // An archive at the root keeps every path as written.
        assert_eq!(under_base_path("/2023/x.html", "/"), None);
        // A base path outside ASCII, written either way, is recognized either way.
        for root in ["/archív/", "/arch%C3%ADv/"] {
            assert_eq!(under_base_path("/arch%C3%ADv/x", root), None, "{root}");
            assert_eq!(under_base_path("/archív/x", root), None, "{root}");
            assert_eq!(under_base_path("/x", root), Some(format!("{root}x")));
        }
    }
}
