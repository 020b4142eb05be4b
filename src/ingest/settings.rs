//! The `[ingest]` table of `site.toml`: how raw text, dumps and front matter are read.

use serde::Deserialize;

/// News agencies recognized in bylines and author fields out of the box; a byline name
/// that matches one (ignoring case and dots) becomes a source, any other name an author.
pub const DEFAULT_AGENCIES: [&str; 22] = [
    "AFP",
    "AP",
    "Reuters",
    "MENA",
    "DPA",
    "Xinhua",
    "EFE",
    "ANSA",
    "Bloomberg",
    "AA",
    "Ahram Online",
    "Anadolu",
    "UPI",
    "PA",
    "Kyodo",
    "Yonhap",
    "TASS",
    "RIA Novosti",
    "KUNA",
    "WAM",
    "SPA",
    "IRNA",
];

/// Other names of the agencies above, spelt out or as Arabic papers write them, each with
/// the name its source page takes (`Associated Press` and `أ ف ب` are AP and AFP): one
/// agency, one page.
pub const DEFAULT_AGENCY_ALIASES: [(&str, &str); 20] = [
    ("Associated Press", "AP"),
    ("The Associated Press", "AP"),
    ("Agence France-Presse", "AFP"),
    ("Agence France Presse", "AFP"),
    ("Deutsche Presse-Agentur", "DPA"),
    ("Anadolu Agency", "Anadolu"),
    ("أ ف ب", "AFP"),
    ("ا ف ب", "AFP"),
    ("فرانس برس", "AFP"),
    ("رويترز", "Reuters"),
    ("أ ب", "AP"),
    ("أسوشيتد برس", "AP"),
    ("أ ش أ", "MENA"),
    ("د ب أ", "DPA"),
    ("شينخوا", "Xinhua"),
    ("الأناضول", "Anadolu"),
    ("كونا", "KUNA"),
    ("وام", "WAM"),
    ("واس", "SPA"),
    ("إرنا", "IRNA"),
];

/// Lines that are page furniture rather than text, matched at the start of a line
/// (ignoring case); always removed from scraped text.
pub const DEFAULT_TRAILERS: [&str; 1] = ["Short link:"];

/// Page furniture matched only as a whole line (ignoring case and outer spaces): a
/// sentence that holds these words ("Share this article with a friend, he said.") is
/// text. Scrapers keep these labels of buttons and ad slots between paragraphs: a line
/// of them is dropped where it stands as a paragraph, not where it ends a wrapped one.
pub const DEFAULT_CLUTTER: [&str; 22] = [
    "Advertisement",
    "Skip advertisement",
    "Story continues below advertisement",
    "Share on Facebook",
    "Share on Twitter",
    "Share on X",
    "Share on WhatsApp",
    "Share on LinkedIn",
    "Share via Email",
    "Share this article",
    "Share this story",
    "Copy link",
    "Read more:",
    "Read more",
    "Read also:",
    "Continue reading",
    "Publicité",
    "Publicidad",
    "إعلان",
    "اقرأ أيضا:",
    "اقرأ أيضاً:",
    "شارك على فيسبوك",
];

/// Labels of a page's short link, dropped with the link after them or alone, never with
/// other words after them: Arabic sites' "Short link:".
const LINK_LABELS: [&str; 1] = ["رابط مختصر:"];

/// How an all-numeric date such as `07/03/2023` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `07/03/2023` is 7 March.
    DayFirst,
    /// `07/03/2023` is 3 July.
    MonthFirst,
}

/// Extra source names for each article field, tried before the built-in ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FieldNames {
    /// Names holding the headline.
    pub title: Vec<String>,
    /// Names holding the publication date.
    pub date: Vec<String>,
    /// Names holding the last-updated date.
    pub updated: Vec<String>,
    /// Names holding the writers (a string, a list, or objects with a `name`).
    pub authors: Vec<String>,
    /// Names holding the news agencies.
    pub sources: Vec<String>,
    /// Names holding the body (plain text or HTML in dumps).
    pub body: Vec<String>,
    /// Names holding the summary.
    pub summary: Vec<String>,
    /// Names holding the section.
    pub section: Vec<String>,
    /// Names holding the tags.
    pub tags: Vec<String>,
    /// Names holding the original URL (its last segment becomes the slug).
    pub url: Vec<String>,
    /// Names holding the slug.
    pub slug: Vec<String>,
    /// Names holding the image file or URL.
    pub image: Vec<String>,
    /// Names holding the image caption.
    pub caption: Vec<String>,
    /// Names holding the photo credit.
    pub credit: Vec<String>,
    /// Names holding the image's text alternative.
    pub alt: Vec<String>,
}

/// Settings for the ingest stage (`[ingest]` in `site.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// Agencies added to [`DEFAULT_AGENCIES`].
    pub agencies: Vec<String>,
    /// Other names of agencies, each with the name to publish it under
    /// (`"أ ف ب" = "AFP"`), added to [`DEFAULT_AGENCY_ALIASES`].
    pub agency_aliases: std::collections::BTreeMap<String, String>,
    /// Line beginnings added to [`DEFAULT_TRAILERS`] (e.g. `"Follow us on Twitter"`).
    pub trailers: Vec<String>,
    /// How all-numeric dates are read; unset, they are warned about and not used, but
    /// for dotted ones (`07.03.2023`), day-first wherever dates are written so.
    pub date_order: Option<DateOrder>,
    /// Keep a photo caption found in scraped text as a figure without a picture.
    pub photo_captions: bool,
    /// Keep one copy of a story ingested twice (same body, or same title and date).
    /// Off keeps every file as its own article (e.g. corrections republished on purpose).
    pub fold_duplicates: bool,
    /// Extra field names for dumps and front matter.
    pub fields: FieldNames,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            agencies: Vec::new(),
            agency_aliases: Default::default(),
            trailers: Vec::new(),
            date_order: None,
            photo_captions: true,
            fold_duplicates: true,
            fields: FieldNames::default(),
        }
    }
}

impl IngestConfig {
    /// Checks values serde cannot; the error names the key.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.agencies.iter().any(|a| a.trim().is_empty()) {
            return Err(("agencies", "must not hold an empty name".into()));
        }
        if self
            .agency_aliases
            .iter()
            .any(|(from, to)| agency_key(from).is_empty() || to.trim().is_empty())
        {
            return Err((
                "agency_aliases",
                "must not hold an empty name (write \"other name\" = \"AFP\")".into(),
            ));
        }
        if self.trailers.iter().any(|t| t.trim().is_empty()) {
            return Err((
                "trailers",
                "must not hold an empty pattern (it would remove every line)".into(),
            ));
        }
        Ok(())
    }

    /// The canonical agency name if `name` is one, or another name of one (ignoring case,
    /// dots and spaces).
    pub fn agency(&self, name: &str) -> Option<String> {
        let key = agency_key(name);
        if key.is_empty() {
            return None;
        }
        let alias = self
            .agency_aliases
            .iter()
            .map(|(from, to)| (from.as_str(), to.as_str()))
            .chain(DEFAULT_AGENCY_ALIASES)
            .find(|(from, _)| agency_key(from) == key);
        if let Some((_, to)) = alias {
            return Some(to.trim().to_string());
        }
        DEFAULT_AGENCIES
            .iter()
            .map(|s| s.to_string())
            .chain(self.agencies.iter().cloned())
            .find(|a| agency_key(a) == key)
            .map(|a| a.trim().to_string())
    }

    /// What page furniture `line` is, if any: a trailer when it starts with a trailer
    /// pattern; clutter when it is a whole line of [`DEFAULT_CLUTTER`], or a link label of
    /// [`LINK_LABELS`] alone or with its link.
    pub fn furniture(&self, line: &str) -> Option<Furniture> {
        // Called for every line of every text file: the line is folded once, into one
        // string, and each pattern compared with it as it is folded, not copied.
        let line: String = folded(line).collect();
        // The built-in lists are folded already but for case.
        let same =
            |text: &str, entry: &str| text.chars().eq(entry.chars().flat_map(char::to_lowercase));
        let labelled = || {
            LINK_LABELS.iter().any(|label| {
                let rest = line.get(label.len()..).map(str::trim);
                line.get(..label.len())
                    .is_some_and(|head| same(head, label))
                    && rest.is_some_and(|rest| rest.is_empty() || is_link(rest))
            })
        };
        let starts = |pattern: &str| {
            let mut chars = line.chars();
            folded(pattern).all(|c| chars.next() == Some(c))
        };
        if DEFAULT_TRAILERS
            .iter()
            .copied()
            .chain(self.trailers.iter().map(String::as_str))
            .any(starts)
        {
            Some(Furniture::Trailer)
        } else if DEFAULT_CLUTTER.iter().any(|c| same(&line, c)) || labelled() {
            Some(Furniture::Clutter)
        } else {
            None
        }
    }
}

/// The kinds of page furniture a text file's line may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// Starts with a trailer pattern (`Short link:`, `[ingest] trailers`): always removed.
    Trailer,
    /// A whole line of [`DEFAULT_CLUTTER`] or [`LINK_LABELS`]: removed where it stands as
    /// a paragraph of its own, since such words may also end a hard-wrapped paragraph.
    Clutter,
}

/// `text` as trailer patterns are compared: lowercase, its words one space apart, and
/// none before a colon (`Short link :` is `short link:`).
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut words = text.split_whitespace().peekable();
    std::iter::from_fn(move || {
        let word = words.next()?;
        let space = words.peek().is_some_and(|next| !next.starts_with(':'));
        Some(word.chars().chain(space.then_some(' ')))
    })
    .flatten()
    .flat_map(char::to_lowercase)
}

/// One web address and nothing else (`https://x.org/1`, `www.x.org/1`).
fn is_link(text: &str) -> bool {
    !text.contains(char::is_whitespace)
        && (text.contains("://") || text.to_ascii_lowercase().starts_with("www."))
}

fn agency_key(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| *c != '.' && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Values for the articles of one folder of `content/` that their files do not give
/// (`[[defaults]]` in `site.toml`, as Jekyll's `defaults` and Hugo's `cascade`): a folder
/// of scraped text without bylines can name its source, a folder its section or language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FolderDefaults {
    /// The folder under `content/` (`bbc/business`); empty for all of it.
    pub path: String,
    /// The section, in place of the first folder's name.
    pub section: Option<String>,
    /// News agencies, taken as written (as a front matter's `sources` are).
    pub sources: Vec<String>,
    /// Writers, taken as written.
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    /// A BCP 47 tag (`ar`, `pt-BR`).
    pub lang: Option<String>,
    /// The line of its `[[defaults]]` in `site.toml`, for messages.
    #[serde(skip)]
    pub line: Option<usize>,
}

impl FolderDefaults {
    /// Puts the entry in the form it is used in (the path without outer slashes, the
    /// language tag canonical, names trimmed), or says what is wrong with it and names
    /// the key at fault.
    pub fn normalize(&mut self) -> Result<(), (&'static str, String)> {
        let path = self.path.trim().trim_matches('/');
        if !path.is_empty() && !crate::config::is_plain_path(path) {
            return Err((
                "path",
                format!(
                    "path '{}' is not a folder under content/; write one such as \"bbc\" or \"bbc/business\"",
                    self.path
                ),
            ));
        }
        // Composed, as file names are compared (a folder copied from macOS is decomposed).
        self.path = unicode_normalization::UnicodeNormalization::nfc(path).collect();
        if let Some(lang) = &self.lang {
            let tag = lang.trim().replace('_', "-");
            self.lang = Some(
                tag.parse::<unic_langid::LanguageIdentifier>()
                    .map_err(|_| {
                        ("lang", format!("lang '{lang}' is not a language tag; use one such as \"en\", \"ar\" or \"pt-BR\""))
                    })?
                    .to_string(),
            );
        }
        self.section = self.section.as_deref().map(str::trim).map(str::to_string);
        if self.section.as_deref() == Some("") {
            return Err(("section", "section must not be empty".into()));
        }
        for (key, list) in [
            ("sources", &mut self.sources),
            ("authors", &mut self.authors),
            ("tags", &mut self.tags),
        ] {
            if list.iter().any(|v| v.trim().is_empty()) {
                return Err((key, format!("{key} must not hold an empty name")));
            }
            list.iter_mut().for_each(|v| *v = v.trim().to_string());
        }
        Ok(())
    }

    /// True when the file at `rel` (under `content/`) is in this entry's folder, their
    /// names compared composed (NFC).
    pub fn holds(&self, rel: &str) -> bool {
        let under = |rel: &str| {
            rel.strip_prefix(self.path.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        };
        self.path.is_empty()
            || if rel.is_ascii() {
                under(rel)
            } else {
                under(&unicode_normalization::UnicodeNormalization::nfc(rel).collect::<String>())
            }
    }

    /// What `entries` give the file at `rel`: each value from the deepest folder that
    /// gives it (`bbc/business` before `bbc`, which comes before the whole of `content/`).
    pub fn resolve(entries: &[FolderDefaults], rel: &str) -> FolderDefaults {
        let mut holding: Vec<&FolderDefaults> = entries.iter().filter(|d| d.holds(rel)).collect();
        let mut out = FolderDefaults::default();
        if holding.is_empty() {
            return out;
        }
        // Stable: two entries of one depth keep their order in site.toml.
        holding.sort_by_key(|d| {
            std::cmp::Reverse(d.path.split('/').filter(|s| !s.is_empty()).count())
        });
        for d in holding {
            out.section = out.section.or_else(|| d.section.clone());
            out.lang = out.lang.or_else(|| d.lang.clone());
            for (mine, theirs) in [
                (&mut out.sources, &d.sources),
                (&mut out.authors, &d.authors),
                (&mut out.tags, &d.tags),
            ] {
                if mine.is_empty() {
                    mine.clone_from(theirs);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailer_with_a_space_before_its_colon() {
        let ingest = IngestConfig::default();
        assert!(ingest.furniture("Short link : https://e.org/x").is_some());
        assert!(ingest.furniture("short link: x").is_some());
        assert!(ingest.furniture("Short links are fine.").is_none());
    }

    /// Lines and patterns are folded alike: case, runs of spaces, a space before a colon.
    #[test]
    fn trailer_patterns_are_folded_as_lines() {
        let ingest = IngestConfig {
            trailers: vec!["  Follow   US :".into(), "Ünterstützen Sie".into()],
            ..IngestConfig::default()
        };
        for line in [
            "Follow us: @paper",
            "FOLLOW  US :",
            "ÜNTERSTÜTZEN SIE uns",
            "short LINK :  https://x.org/1",
        ] {
            assert!(ingest.furniture(line).is_some(), "{line}");
        }
        for line in ["Follow", "Follow usa", "Unterstützen Sie"] {
            assert!(ingest.furniture(line).is_none(), "{line}");
        }
        assert_eq!(folded(" A  b : C ").collect::<String>(), "a b: c");
    }

    /// The built-in clutter is a whole line, never a sentence that holds its words.
    #[test]
    fn clutter_lines_only_when_whole() {
        let ingest = IngestConfig::default();
        for line in [
            "Advertisement",
            "ADVERTISEMENT",
            "  advertisement ",
            "Share on Facebook",
            "Share on  Twitter",
            "Share on X",
            "Share this article",
            "Read more:",
            "Read more :",
            "رابط مختصر:",
            "رابط مختصر: https://gate.ahram.org.eg/News/1.aspx",
            "رابط مختصر : www.x.org/1",
        ] {
            assert!(ingest.furniture(line).is_some(), "{line}");
        }
        for line in [
            "Advertisement revenue fell by a third, the company said.",
            "The advertisement ran for a week.",
            "Share on Facebook rose 3% on Tuesday.",
            "Share this article with a friend, he urged readers.",
            "Read more: the minister's full statement is below.",
            "Read more books, the campaign says.",
            "رابط مختصر: هذا ما قاله الوزير",
            "Shares",
        ] {
            assert!(ingest.furniture(line).is_none(), "{line}");
        }
    }

    #[test]
    fn agencies_and_trailers() {
        let mut c = IngestConfig::default();
        assert_eq!(c.agency(" a.f.p. ").as_deref(), Some("AFP"));
        assert_eq!(c.agency("Jane Doe"), None);
        assert_eq!(c.agency("أ ف ب").as_deref(), Some("AFP"));
        assert_eq!(c.agency("أ.ش.أ").as_deref(), Some("MENA"));
        c.agency_aliases.insert("Agence AFP".into(), "AFP".into());
        assert_eq!(c.agency("agence afp").as_deref(), Some("AFP"));
        c.agencies.push("Al Ahram Weekly".into());
        assert_eq!(
            c.agency("al ahram weekly").as_deref(),
            Some("Al Ahram Weekly")
        );
        assert!(c.furniture("  short LINK: http://x").is_some());
        assert!(c.furniture("Follow us on Twitter").is_none());
        c.trailers.push("Follow us on Twitter".into());
        assert!(c.furniture("Follow us on twitter @x").is_some());
    }
}
