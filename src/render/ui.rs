//! The theme's own words in the site's language: built-in tables for English, French,
//! Spanish, German and Arabic (`theme/i18n/*.toml`), reworded or completed under
//! `[translations]` in `site.toml`, and month names from the language's locale.
//!
//! Templates write a word as `{{ ui.KEY }}`; it is put in when the templates are loaded,
//! so a translated site renders as fast as an English one. Markup made in Rust (cards,
//! bylines, navigation, page titles, dates) takes the same words from [`Ui`].

use std::collections::HashMap;

use chrono::{DateTime, Datelike, TimeZone};
use chrono_tz::Tz;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

/// The built-in tables, by primary language subtag; English holds every key.
const TABLES: [(&str, &str); 5] = [
    ("en", include_str!("theme/i18n/en.toml")),
    ("fr", include_str!("theme/i18n/fr.toml")),
    ("es", include_str!("theme/i18n/es.toml")),
    ("de", include_str!("theme/i18n/de.toml")),
    ("ar", include_str!("theme/i18n/ar.toml")),
];

/// The theme's words for one site.
#[derive(Debug, Clone)]
pub struct Ui {
    words: HashMap<String, String>,
    /// The same words escaped for HTML, as templates and Rust-made markup print them:
    /// made once, as cards print some of them 100,000 times.
    html: HashMap<String, String>,
    months: [String; 12],
    /// OpenGraph's `og:locale` (`fr_FR`); unset for plain English, its default.
    pub og_locale: Option<String>,
}

impl Ui {
    /// The words for `config.language`, with `[translations]` applied. A key no table
    /// has is an error naming it (a typo would otherwise change nothing, silently).
    pub fn new(config: &SiteConfig) -> Result<Ui, Diagnostic> {
        let mut words = table("en");
        let primary = config.language.split(['-', '_']).next().unwrap_or("en");
        let primary = primary.to_ascii_lowercase();
        if primary != "en" {
            words.extend(table(&primary));
        }
        let locale = locale_of(&config.language);
        let mut months = month_names(locale);
        for (key, text) in &config.translations {
            // `month_3 = "marzec"`: a month's name where the locale's is not the one
            // wanted (Polish and Russian locales give the form used inside a date).
            let month = key
                .strip_prefix("month_")
                .and_then(|m| m.parse::<usize>().ok())
                .filter(|m| (1..=12).contains(m));
            if let Some(m) = month {
                months[m - 1] = text.clone();
                continue;
            }
            if !words.contains_key(key) {
                let mut known: Vec<&str> = words.keys().map(String::as_str).collect();
                known.sort_unstable();
                let hint = crate::render::did_you_mean(key, known.iter().copied());
                return Err(Diagnostic::error(
                    "site.toml",
                    None,
                    format!(
                        "[translations] has no word '{key}'{hint}; the words are: {}",
                        known.join(", ")
                    ),
                ));
            }
            words.insert(key.clone(), text.clone());
        }
        let og_locale = locale
            .filter(|_| !config.language.eq_ignore_ascii_case("en"))
            .map(|l| format!("{l:?}"));
        // A `{` is written `&#123;`, so that a word is never read as template code.
        let html = words
            .iter()
            .map(|(key, word)| {
                let mut escaped = String::new();
                crate::render::escape_html_into(word, &mut escaped);
                (key.clone(), escaped.replace('{', "&#123;"))
            })
            .collect();
        Ok(Ui {
            words,
            html,
            months,
            og_locale,
        })
    }

    /// The word `key` (empty for a key no table has; templates are checked on loading).
    pub fn get(&self, key: &str) -> &str {
        self.words.get(key).map_or("", String::as_str)
    }

    /// The name of month `m` (1-12).
    pub fn month(&self, m: u32) -> &str {
        &self.months[(m as usize).clamp(1, 12) - 1]
    }

    /// The word `key` escaped for HTML, as [`Ui::put_words`] puts it in templates (empty
    /// for a key no table has).
    pub fn html(&self, key: &str) -> &str {
        self.html.get(key).map_or("", String::as_str)
    }

    /// A date as the site's language writes it (`7 March 2023`, `7. März 2023`).
    pub fn date<T: TimeZone>(&self, d: &DateTime<T>) -> String {
        self.get("date")
            .replace("{day}", &d.day().to_string())
            .replace("{month}", self.month(d.month()))
            .replace("{year}", &d.year().to_string())
    }

    /// `{{ ui.KEY }}` in a template's source replaced by the word, escaped for HTML.
    /// An unknown key is an error naming it, with its byte offset in `source`.
    pub fn put_words(&self, source: &str) -> Result<String, (usize, String)> {
        if !source.contains("ui.") {
            return Ok(source.to_string());
        }
        let mut out = String::with_capacity(source.len());
        let mut rest = source;
        while let Some(at) = rest.find("{{") {
            let Some(end) = rest[at..].find("}}").map(|e| at + e + 2) else {
                break;
            };
            // `{{- ui.by -}}` too (the word is put in as it is, spaces around kept).
            let inner = rest[at + 2..end - 2]
                .trim_start_matches('-')
                .trim_end_matches('-')
                .trim();
            match inner.strip_prefix("ui.").filter(|k| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }) {
                Some(key) => {
                    let word = self.html.get(key).ok_or_else(|| {
                        let offset = source.len() - rest.len() + at;
                        (offset, format!("{{{{ ui.{key} }}}} names no word of the theme (see [translations] in the README)"))
                    })?;
                    out.push_str(&rest[..at]);
                    out.push_str(word);
                }
                None => out.push_str(&rest[..end]),
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The built-in table of `language`, or nothing.
fn table(language: &str) -> HashMap<String, String> {
    TABLES
        .iter()
        .find(|(l, _)| *l == language)
        .and_then(|(_, text)| toml::from_str(text).ok())
        .unwrap_or_default()
}

/// Month names from `locale` (English without one).
fn month_names(locale: Option<chrono::Locale>) -> [String; 12] {
    std::array::from_fn(|i| {
        let d = Tz::UTC
            .with_ymd_and_hms(2023, i as u32 + 1, 1, 0, 0, 0)
            .single()
            .expect("a valid date");
        match locale {
            Some(l) => d.format_localized("%B", l).to_string(),
            None => d.format("%B").to_string(),
        }
    })
}

/// The locale of a language whose own code, doubled, names none (`ar_AR` does not
/// exist) or names another country's (`en_EN`).
const REGIONS: [(&str, &str); 31] = [
    ("en", "en_GB"),
    ("ar", "ar_EG"),
    ("he", "he_IL"),
    ("fa", "fa_IR"),
    ("ur", "ur_PK"),
    ("ja", "ja_JP"),
    ("zh", "zh_CN"),
    ("sv", "sv_SE"),
    ("da", "da_DK"),
    ("el", "el_GR"),
    ("uk", "uk_UA"),
    ("cs", "cs_CZ"),
    ("ko", "ko_KR"),
    ("hi", "hi_IN"),
    ("vi", "vi_VN"),
    ("ca", "ca_ES"),
    ("nb", "nb_NO"),
    ("no", "nb_NO"),
    ("nn", "nn_NO"),
    ("sl", "sl_SI"),
    ("et", "et_EE"),
    ("sr", "sr_RS"),
    ("bn", "bn_BD"),
    ("ms", "ms_MY"),
    ("sq", "sq_AL"),
    ("ka", "ka_GE"),
    ("hy", "hy_AM"),
    ("sw", "sw_KE"),
    ("ga", "ga_IE"),
    ("eu", "eu_ES"),
    ("gl", "gl_ES"),
];

/// The locale for a language tag: `pt-BR` is `pt_BR`; `fr` alone is `fr_FR`, `ar` is
/// `ar_EG` (the month names most Arabic papers print).
fn locale_of(language: &str) -> Option<chrono::Locale> {
    let mut parts = language.split(['-', '_']);
    let lang = parts.next()?.to_ascii_lowercase();
    let region = parts.find(|p| p.len() == 2).map(str::to_ascii_uppercase);
    let mut tries = Vec::new();
    if let Some(r) = &region {
        tries.push(format!("{lang}_{r}"));
    }
    if let Some((_, locale)) = REGIONS.iter().find(|(l, _)| *l == lang) {
        tries.push(locale.to_string());
    }
    tries.push(format!("{lang}_{}", lang.to_ascii_uppercase()));
    tries
        .iter()
        .find_map(|t| chrono::Locale::try_from(t.as_str()).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ui(language: &str) -> Ui {
        let config = SiteConfig {
            language: language.into(),
            ..SiteConfig::default()
        };
        Ui::new(&config).unwrap()
    }

    #[test]
    fn every_table_has_every_word() {
        let en = table("en");
        for (language, _) in TABLES {
            let words = table(language);
            let mut missing: Vec<&String> = en.keys().filter(|k| !words.contains_key(*k)).collect();
            missing.sort();
            assert!(missing.is_empty(), "{language} lacks {missing:?}");
            assert_eq!(
                words.len(),
                en.len(),
                "{language} has words English has not"
            );
        }
    }

    #[test]
    fn dates_and_words_in_the_site_language() {
        let d = Tz::UTC.with_ymd_and_hms(2023, 3, 7, 10, 0, 0).unwrap();
        assert_eq!(ui("en").date(&d), "7 March 2023");
        assert_eq!(ui("fr").date(&d), "7 mars 2023");
        assert_eq!(ui("de-AT").date(&d), "7. März 2023");
        assert_eq!(ui("es").date(&d), "7 de marzo de 2023");
        assert_eq!(ui("ar").date(&d), "7 مارس 2023");
        assert_eq!(ui("pt-BR").month(3), "março");
        assert_eq!(ui("xx").date(&d), "7 March 2023");
        for language in [
            "cs", "ko", "hi", "vi", "ca", "nb", "pl", "ru", "tr", "nl", "it",
        ] {
            assert_ne!(ui(language).month(3), "March", "{language}");
        }
        assert_eq!(ui("fr").get("search"), "Rechercher");
        assert_eq!(ui("fr").og_locale.as_deref(), Some("fr_FR"));
        assert_eq!(ui("en-US").og_locale.as_deref(), Some("en_US"));
        assert_eq!(ui("en").og_locale, None);
        assert_eq!(
            ui("fr").put_words("<a>{{ ui.search }}</a>{{ui.by}} {{ site.title }} {{ t.url }}"),
            Ok("<a>Rechercher</a>Par {{ site.title }} {{ t.url }}".to_string())
        );
        let (at, message) = ui("en").put_words("a\n{{ ui.serch }}").unwrap_err();
        assert!(at == 2 && message.contains("ui.serch"), "{at} {message}");
    }

    #[test]
    fn translations_reword_and_typos_are_named() {
        let mut config = SiteConfig::default();
        config
            .translations
            .insert("latest_news".into(), "Top stories & more".into());
        let ui = Ui::new(&config).unwrap();
        assert_eq!(
            ui.put_words("{{ ui.latest_news }}").unwrap(),
            "Top stories &amp; more"
        );
        // A word is never template code.
        config
            .translations
            .insert("made_with".into(), "Built {{ config }} {#x#}".into());
        let words = Ui::new(&config).unwrap();
        assert_eq!(
            words.put_words("{{- ui.made_with -}}").unwrap(),
            "Built &#123;&#123; config }} &#123;#x#}"
        );
        config
            .translations
            .insert("month_3".into(), "marzec".into());
        assert_eq!(Ui::new(&config).unwrap().month(3), "marzec");
        config.translations.insert("latest_newz".into(), "x".into());
        let e = Ui::new(&config).unwrap_err();
        assert!(
            e.message
                .contains("'latest_newz'; did you mean `latest_news`?"),
            "{e}"
        );
    }
}
