//! New sites, new articles, and a copy of the built-in theme to customize.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::config::SiteConfig;
use crate::render::theme;
use crate::slug::SlugStyle;

const SITE_TOML: &str = r#"# broadsheet site settings. Every key is optional; the values shown are examples.

# Shown in the header and the browser tab.
title = "My News Archive"
# One line under the title.
description = "Every story we published, by date, section, tag, source and author"
# Where the site will be deployed. A sub-path such as https://example.org/archive/ works.
base_url = "https://example.org/"
# <html lang="...">, and the theme's words and dates: en, fr, es, de and ar are built in;
# any other language takes English words, reworded under [translations] (see the README).
language = "en"
# IANA time zone: dates without an offset are read in it, and all dates are shown in it.
timezone = "UTC"
# Article URLs. Placeholders: {year} {month} {day} {slug} {section}
permalink = "/{year}/{month}/{day}/{slug}/"
# Slugs in URLs: "ascii" transliterates ("العراق" -> l-rq); "unicode" keeps each script.
slugs = "ascii"
# Articles per listing page.
per_page = 20
# "oldest" numbers listing pages from the oldest article, so that a full page never
# changes as the archive grows (the default, "newest", makes page 1 the newest).
# page_numbers = "oldest"
# RSS 2.0 feeds beside the Atom ones ("index.xml" keeps a Hugo site's subscribers).
# rss_feed = "rss.xml"
# Where `broadsheet build` writes the site. A build removes any other file found there,
# except hidden ones (a deployed checkout's .git/) and those named here.
output_dir = "public"
# keep_files = ["CNAME"]

# The theme's words, reworded or translated, by key (the README lists them all).
# [translations]
# latest_news = "Top stories"

# What the files of a folder under content/ do not say for themselves, such as a folder
# of scraped text without bylines (section, sources, authors, tags, lang).
# [[defaults]]
# path = "wires"
# sources = ["AFP"]
"#;

/// A file or folder a command made, and whether it replaced a file that was there.
#[derive(Debug)]
pub struct Made {
    pub path: PathBuf,
    pub replaced: bool,
}

/// Creates a new site in `dir`: a commented `site.toml`, one example article, and empty
/// `templates/` and `static/`. Refuses a non-empty folder unless `force`.
pub fn init(dir: &Path, force: bool) -> Result<Vec<Made>, String> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if entries.next().is_some() && !force {
            return Err(format!(
                "{} is not empty; choose a new folder, or pass --force to add a site to it (existing files with the same names are replaced)",
                dir.display()
            ));
        }
    }
    let today = Utc::now().format("%Y-%m-%d");
    let article = format!(
        "+++\ntitle = \"Welcome to your news archive\"\ndate = {today}\nauthors = [\"The Editors\"]\ntags = [\"Announcements\"]\n+++\n\nThis is the first article of your archive. Edit it, or add Markdown files under `content/`: the first folder is the section.\n\nRun `broadsheet serve` to see changes live, and `broadsheet build` to write the site into `public/`.\n"
    );
    let files = [
        (dir.join("site.toml"), SITE_TOML.to_string()),
        (dir.join("content/news/welcome.md"), article),
    ];
    let mut made = Vec::new();
    for (path, text) in files {
        let replaced = path.exists();
        write_new(&path, &text, true)?;
        made.push(Made { path, replaced });
    }
    for folder in ["templates", "static"] {
        let path = dir.join(folder);
        if !path.is_dir() {
            fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            made.push(Made {
                path,
                replaced: false,
            });
        }
    }
    Ok(made)
}

/// Copies the built-in templates into `dir/templates/` and the theme's files into
/// `dir/static/`, so they can be customized. Existing files are kept unless `force`.
pub fn eject_theme(dir: &Path, force: bool) -> Result<Vec<Made>, String> {
    let mut made = Vec::new();
    let templates = theme::TEMPLATES
        .iter()
        .map(|(name, text)| (dir.join("templates").join(name), text.as_bytes()));
    let files = theme::FILES
        .iter()
        .map(|(name, bytes)| (dir.join("static").join(name), *bytes));
    let all: Vec<(PathBuf, &[u8])> = templates.chain(files).collect();
    if !force {
        if let Some((path, _)) = all.iter().find(|(p, _)| p.exists()) {
            return Err(format!(
                "{} already exists; pass --force to replace it",
                path.display()
            ));
        }
    }
    for (path, bytes) in all {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let replaced = path.exists();
        fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        made.push(Made { path, replaced });
    }
    Ok(made)
}

/// Writes a new article with today's date (in the site's zone) and a slug from the
/// headline, under `content/SECTION/` when a section is given. Never overwrites.
pub fn new_article(
    site_dir: &Path,
    config: &SiteConfig,
    headline: &str,
    section: Option<&str>,
) -> Result<PathBuf, String> {
    let headline = headline.trim();
    if headline.is_empty() {
        return Err("the headline is empty; use: broadsheet new \"Headline\"".into());
    }
    let slug = config.slugs.slugify(headline);
    if slug.is_empty() {
        return Err(format!(
            "'{headline}' gives no URL-safe name; use a headline with letters or digits"
        ));
    }
    let mut path = site_dir.join("content");
    // The section's name, when its folder does not read back as it (`Middle East/Iraq`
    // gets the folder `middle-east-iraq`, which reads `Middle East Iraq`).
    let mut named = None;
    if let Some(section) = section {
        let (folder, existing) = section_folder(&path, section, config.slugs)?;
        let section = section.trim();
        // An existing folder is the section as it is named already.
        let reads_back =
            crate::ingest::section_name(&folder).to_lowercase() == section.to_lowercase();
        if !existing && !reads_back && !section.contains("..") {
            named = Some(toml::Value::String(section.to_string()).to_string());
        }
        path.push(folder);
    }
    path.push(format!("{slug}.md"));
    let now = Utc::now().with_timezone(&config.tz);
    let title = toml::Value::String(headline.to_string()).to_string();
    let mut text = format!(
        "+++\ntitle = {title}\ndate = {}\n",
        now.format("%Y-%m-%dT%H:%M:%S%:z")
    );
    if let Some(section) = named {
        text.push_str(&format!("section = {section}\n"));
    }
    text.push_str("authors = []\nsources = []\ntags = []\n+++\n\nWrite the story here.\n");
    write_new(&path, &text, false)?;
    Ok(path)
}

/// The folder under `content` for `section`: the existing one whose section has the same
/// URL name (`--section Économie` finds `economie/`), else one named as the section is
/// written (in lower case, words joined by hyphens), so that it reads back as that
/// section's name (`سياسة/`, `économie/` -> "Économie"), as the folder is the section.
/// True with an existing folder.
fn section_folder(
    content: &Path,
    section: &str,
    slugs: SlugStyle,
) -> Result<(String, bool), String> {
    let url_name = slugs.slugify(section);
    if url_name.is_empty() {
        return Err(format!(
            "section '{section}' gives no folder name; use letters or digits"
        ));
    }
    let existing = fs::read_dir(content)
        .into_iter()
        .flatten()
        .flatten()
        .find_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let folder = e.file_type().ok()?.is_dir() && !name.starts_with('.');
            (folder && slugs.slugify(&crate::ingest::section_name(&name)) == url_name)
                .then_some(name)
        });
    if let Some(name) = existing {
        return Ok((name, true));
    }
    let written = section
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase();
    let safe = !written.starts_with('.')
        && !written.contains(['/', '\\', ':'])
        && !written.chars().any(char::is_control);
    Ok((if safe { written } else { url_name }, false))
}

fn write_new(path: &Path, text: &str, replace: bool) -> Result<(), String> {
    if !replace && path.exists() {
        return Err(format!(
            "{} already exists; broadsheet never overwrites an article",
            path.display()
        ));
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings `init` writes commented out are right as written: uncommented, the
    /// file still loads (`keep_files`, `[translations]`, `[[defaults]]`...).
    #[test]
    fn commented_examples_in_site_toml_are_valid() {
        let uncommented: String = SITE_TOML
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") || rest.starts_with('[') => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(uncommented.contains("\n[[defaults]]\npath = \"wires\""));
        let config = SiteConfig::parse(&uncommented, Path::new("site.toml")).unwrap();
        assert_eq!(config.keep_files, ["CNAME"]);
        assert_eq!(config.defaults[0].sources, ["AFP"]);
        assert_eq!(config.rss_feed, "rss.xml");
    }
}
