//! The theme's own words in the site's language: built-in tables for English, French,
//! Spanish, German and Arabic (`theme/i18n/*.toml`), reworded or completed under
//! `[translations]` in `site.toml`, and month names from the language's locale.
//!
//! Templates write a word as `{{ ui.KEY }}`; it is put in when the templates are loaded,
//! so a translated site renders as fast as an English one. Markup made in Rust (cards,
//! bylines, navigation, page titles, dates) takes the same words from [`Ui`].
//!
//! A month has two names: the one inside a date and the one on its own (a month's page
//! title, breadcrumbs, the archive index). Many languages decline the first (Polish
//! `31 marca 2015`, Russian `31 марта 2015`) but title a month's page `Marzec 2015`,
//! `Март 2015`; the locale data gives both (glibc's `mon` and `alt_mon`).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, TimeZone};

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

/// Words printed after a count, which may take another form for some counts: `KEY_zero`,
/// `KEY_one`, `KEY_two`, `KEY_few` or `KEY_many`, by the language's CLDR plural rules
/// (Arabic `3 دقائق` but `11 دقيقة`), else `KEY` itself.
const COUNTED: [&str; 2] = ["min_read", "words"];
/// The plural forms a counted word may give, besides its own (CLDR's `other`).
const PLURAL_FORMS: [&str; 5] = ["zero", "one", "two", "few", "many"];

/// Whether `key` is a plural form of a counted word (`words_one`).
fn is_plural_form(key: &str) -> bool {
    COUNTED.iter().any(|w| {
        key.strip_prefix(w)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|form| PLURAL_FORMS.contains(&form))
    })
}

/// The site language's plural rules, when CLDR knows the language (ICU4X's data, with
/// its fallback from `fr-CA` to `fr`).
#[derive(Clone, Default)]
struct Plurals(Option<std::sync::Arc<icu_plurals::PluralRules>>);

impl std::fmt::Debug for Plurals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Plurals(CLDR)"
        } else {
            "Plurals(none)"
        })
    }
}

impl Plurals {
    fn of(language: &str) -> Plurals {
        let rules = language
            .replace('_', "-")
            .parse::<icu_locale_core::LanguageIdentifier>()
            .ok()
            .and_then(|id| icu_plurals::PluralRules::try_new_cardinal((&id).into()).ok());
        Plurals(rules.map(std::sync::Arc::new))
    }

    /// The form `n` takes, as its place in [`PLURAL_FORMS`], or `None` for the word's
    /// own (`other`).
    fn form(&self, n: usize) -> Option<usize> {
        use icu_plurals::PluralCategory::*;
        Some(match self.0.as_ref()?.category_for(n) {
            Zero => 0,
            One => 1,
            Two => 2,
            Few => 3,
            Many => 4,
            Other => return None,
        })
    }
}

/// A counted word's plural rules and the forms the site gives it, in [`PLURAL_FORMS`]
/// order: looked up once, not per article.
#[derive(Debug, Clone)]
struct Counted {
    word: &'static str,
    rules: Plurals,
    forms: [Option<String>; PLURAL_FORMS.len()],
}

/// The theme's words for one site.
#[derive(Debug, Clone)]
pub struct Ui {
    words: HashMap<String, String>,
    /// Each counted word's plural rules and forms.
    counted: [Counted; COUNTED.len()],
    /// The same words escaped for HTML, as templates and Rust-made markup print them:
    /// made once, as cards print some of them 100,000 times.
    html: HashMap<String, String>,
    /// Month names as a date writes them (`marca` in `31 marca 2015`).
    months_in_date: [String; 12],
    /// Month names on their own, capitalized as a title begins (`Marzec`).
    months_standalone: [String; 12],
    /// OpenGraph's `og:locale` (`fr_FR`); unset for plain English, its default.
    pub og_locale: Option<String>,
    /// The site's text direction (`ltr`, `rtl`), for markup made outside the templates.
    pub dir: &'static str,
    /// The site's language tag (`language`), against which an article's own is told.
    pub language: String,
}

impl Ui {
    /// The words for `config.language`, with `[translations]` applied. A key no table
    /// has is an error naming it (a typo would otherwise change nothing, silently).
    pub fn new(config: &SiteConfig) -> Result<Ui, Diagnostic> {
        let mut words = table("en");
        let primary = config.language.split(['-', '_']).next().unwrap_or("en");
        let primary = primary.to_ascii_lowercase();
        let own = if primary == "en" {
            HashMap::new()
        } else {
            table(&primary)
        };
        // A language's plural forms are its own: English `word` is no French form.
        let english = own.is_empty();
        if !english {
            words.retain(|key, _| !is_plural_form(key));
            words.extend(own);
        }
        // Each counted word takes the plural rules of the language it is in: English
        // words (a language without a table) English ones.
        let plurals = COUNTED.map(|word| {
            let language = match english && !config.translations.contains_key(word) {
                true => "en",
                false => config.language.as_str(),
            };
            (word, Plurals::of(language))
        });
        // A counted word reworded drops the forms of the word it replaces.
        for word in COUNTED {
            if config.translations.contains_key(word) {
                words.retain(|key, _| {
                    !(is_plural_form(key) && key.starts_with(word))
                        || config.translations.contains_key(key)
                });
            }
        }
        let locale = locale_of(&config.language);
        let (mut months_in_date, mut months_standalone) = month_names(locale);
        // `month_3_standalone` is put in after every `month_3`, which would overwrite it.
        let mut standalone_overrides: [Option<&String>; 12] = Default::default();
        for (key, text) in &config.translations {
            match month_key(key) {
                // `month_3 = "marzo"`: the month's name everywhere, for a language
                // without a locale or where the locale's is not the one wanted; on its
                // own it begins a title, so it is capitalized there.
                Some((m, false)) => {
                    months_in_date[m] = text.clone();
                    months_standalone[m] = capitalized(text);
                    continue;
                }
                // `month_3_standalone = "Marzec"`: the name on its own alone, as written.
                Some((m, true)) => {
                    standalone_overrides[m] = Some(text);
                    continue;
                }
                None => {}
            }
            if !words.contains_key(key) && !is_plural_form(key) {
                let mut known: Vec<&str> = words.keys().map(String::as_str).collect();
                known.sort_unstable();
                // A mistyped month key is told what it was most likely meant to be.
                let months: Vec<String> = (1..=12)
                    .flat_map(|m| [format!("month_{m}"), format!("month_{m}_standalone")])
                    .collect();
                let candidates = known
                    .iter()
                    .copied()
                    .chain(months.iter().map(String::as_str));
                let hint = crate::render::did_you_mean(key, candidates);
                return Err(Diagnostic::error(
                    "site.toml",
                    None,
                    format!(
                        "[translations] has no word '{key}'{hint}; the words are: {}, month_1 to month_12 and month_1_standalone to month_12_standalone",
                        known.join(", ")
                    ),
                ));
            }
            words.insert(key.clone(), text.clone());
        }
        for (name, text) in months_standalone.iter_mut().zip(standalone_overrides) {
            if let Some(text) = text {
                name.clone_from(text);
            }
        }
        let og_locale = Some(&config.language)
            .filter(|l| !l.eq_ignore_ascii_case("en"))
            .and_then(|l| og_locale_of(l));
        // A `{` is written `&#123;`, so that a word is never read as template code.
        let html = words
            .iter()
            .map(|(key, word)| {
                let mut escaped = String::new();
                crate::render::escape_html_into(word, &mut escaped);
                (key.clone(), escaped.replace('{', "&#123;"))
            })
            .collect();
        let counted = plurals.map(|(word, rules)| Counted {
            word,
            rules,
            forms: PLURAL_FORMS.map(|form| words.get(&format!("{word}_{form}")).cloned()),
        });
        Ok(Ui {
            words,
            counted,
            html,
            months_in_date,
            months_standalone,
            og_locale,
            dir: config.text_direction(),
            language: config.language.clone(),
        })
    }

    /// The word `key` (empty for a key no table has; templates are checked on loading).
    pub fn get(&self, key: &str) -> &str {
        self.words.get(key).map_or("", String::as_str)
    }

    /// The counted word `key` (`words`, `min_read`) in the form `n` takes in the site's
    /// language: `word` after 1 in English, `دقائق قراءة` after 3 in Arabic.
    pub fn counted(&self, key: &str, n: usize) -> &str {
        self.counted
            .iter()
            .find(|c| c.word == key)
            .and_then(|c| c.forms[c.rules.form(n)?].as_deref())
            .unwrap_or_else(|| self.get(key))
    }

    /// The name of month `m` (1-12) as a date writes it (`marca`, Polish genitive).
    pub fn month_in_date(&self, m: u32) -> &str {
        &self.months_in_date[(m as usize).clamp(1, 12) - 1]
    }

    /// The name of month `m` (1-12) on its own, as a month's page title, its breadcrumb
    /// and the archive index print it: nominative and capitalized (`Marzec`, `Март`).
    pub fn month_standalone(&self, m: u32) -> &str {
        &self.months_standalone[(m as usize).clamp(1, 12) - 1]
    }

    /// The word `key` escaped for HTML, as [`Ui::put_words`] puts it in templates (empty
    /// for a key no table has).
    pub fn html(&self, key: &str) -> &str {
        self.html.get(key).map_or("", String::as_str)
    }

    /// A month's page title (`March 2023`, `Marzo de 2023`; `2023年3月` with
    /// `month_year = "{year}年{month}"`), its name on its own.
    pub fn month_year(&self, m: u32, year: i32) -> String {
        self.get("month_year")
            .replace("{month}", self.month_standalone(m))
            .replace("{year}", &year.to_string())
    }

    /// A date as the site's language writes it (`7 March 2023`, `7. März 2023`).
    pub fn date<T: TimeZone>(&self, d: &DateTime<T>) -> String {
        self.get("date")
            .replace("{day}", &d.day().to_string())
            .replace("{month}", self.month_in_date(d.month()))
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

/// Month names from `locale` (English without one): as a date writes them (`mon`, which
/// chrono's `%B` prints), and on their own (`alt_mon` where the locale has it, else
/// `mon`), capitalized.
fn month_names(locale: Option<chrono::Locale>) -> ([String; 12], [String; 12]) {
    use pure_rust_locales::{locale_match, POSIX};
    let (in_date, standalone): (&[&str], Option<&[&str]>) = match locale {
        // chrono's `Locale` is this crate's, so its data is at hand by the same name.
        Some(l) => (
            locale_match!(l => LC_TIME::MON),
            locale_match!(l => LC_TIME::ALT_MON),
        ),
        None => (POSIX::LC_TIME::MON, None),
    };
    // glibc gives twelve of each; English stands in should a list ever be short.
    let english = POSIX::LC_TIME::MON;
    let in_date: [String; 12] =
        std::array::from_fn(|i| in_date.get(i).unwrap_or(&english[i]).to_string());
    let standalone = std::array::from_fn(|i| {
        capitalized(
            standalone
                .and_then(|s| s.get(i))
                .unwrap_or(&in_date[i].as_str()),
        )
    });
    (in_date, standalone)
}

/// `name` with its first letter capitalized, as a title or a list's item begins (`marzec`
/// -> `Marzec`); a script without case is left as it is.
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The month (0-11) a `[translations]` key names, and whether it is the name on its own:
/// `month_3` is `(2, false)`, `month_3_standalone` is `(2, true)`.
fn month_key(key: &str) -> Option<(usize, bool)> {
    let rest = key.strip_prefix("month_")?;
    let (number, standalone) = match rest.strip_suffix("_standalone") {
        Some(number) => (number, true),
        None => (rest, false),
    };
    // Digits only: `month_+3` is no key.
    let m = Some(number)
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))?
        .parse::<usize>()
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    Some((m - 1, standalone))
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

/// OpenGraph's `og:locale` for a language tag (`fr` is `fr_FR`), when a locale is known.
pub fn og_locale_of(language: &str) -> Option<String> {
    locale_of(language).map(|l| format!("{l:?}"))
}

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
    use chrono_tz::Tz;

    fn ui(language: &str) -> Ui {
        let config = SiteConfig {
            language: language.into(),
            ..SiteConfig::default()
        };
        Ui::new(&config).unwrap()
    }

    #[test]
    fn counted_words_take_the_form_of_their_count() {
        let en = ui("en");
        assert_eq!(en.counted("words", 1), "word");
        assert_eq!(en.counted("words", 2), "words");
        assert_eq!(en.counted("min_read", 1), "min read");
        // French counts 0 as one; English forms never reach another language.
        let fr = ui("fr-CA");
        assert_eq!(fr.counted("words", 0), "mot");
        assert_eq!(fr.counted("words", 3), "mots");
        let ar = ui("ar");
        for (n, form) in [
            (1, "دقيقة قراءة"),
            (2, "دقيقتا قراءة"),
            (5, "دقائق قراءة"),
            (11, "دقيقة قراءة"),
            (100, "دقيقة قراءة"),
            (105, "دقائق قراءة"),
        ] {
            assert_eq!(ar.counted("min_read", n), form, "{n}");
        }
        assert_eq!(ar.counted("words", 7), "كلمات");
        // A language without a table takes English words; its own forms come with
        // its own words.
        let ru = |translations: &[(&str, &str)]| {
            Ui::new(&SiteConfig {
                language: "ru".into(),
                translations: translations
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..SiteConfig::default()
            })
            .unwrap()
        };
        assert_eq!(ru(&[]).counted("words", 1), "word");
        assert_eq!(ru(&[]).counted("words", 21), "words");
        let own = ru(&[
            ("words", "слов"),
            ("words_one", "слово"),
            ("words_few", "слова"),
        ]);
        assert_eq!(own.counted("words", 1), "слово");
        assert_eq!(own.counted("words", 3), "слова");
        assert_eq!(own.counted("words", 5), "слов");
        // Reworded without forms, the word stands for them all.
        assert_eq!(ru(&[("words", "слов")]).counted("words", 1), "слов");
    }

    #[test]
    fn every_table_has_every_word() {
        let en = table("en");
        for (language, _) in TABLES {
            let words = table(language);
            // Plural forms are each language's own.
            let en: HashMap<&String, &String> =
                en.iter().filter(|(k, _)| !is_plural_form(k)).collect();
            let words: HashMap<&String, &String> =
                words.iter().filter(|(k, _)| !is_plural_form(k)).collect();
            let mut missing: Vec<&&String> =
                en.keys().filter(|k| !words.contains_key(*k)).collect();
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
        assert_eq!(ui("pt-BR").month_in_date(3), "março");
        assert_eq!(ui("xx").date(&d), "7 March 2023");
        for language in [
            "cs", "ko", "hi", "vi", "ca", "nb", "pl", "ru", "tr", "nl", "it",
        ] {
            assert_ne!(ui(language).month_in_date(3), "March", "{language}");
            assert_ne!(ui(language).month_standalone(3), "March", "{language}");
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

    /// Inside a date a month is declined where the language does so (Polish, Russian:
    /// genitive); on its own, as a month's page title begins, it is nominative and
    /// capitalized. English, French and German print one name, capitalized on its own.
    #[test]
    fn months_in_a_date_and_on_their_own() {
        let d = Tz::UTC.with_ymd_and_hms(2015, 3, 31, 10, 0, 0).unwrap();
        let pl = ui("pl");
        assert_eq!(pl.date(&d), "31 marca 2015");
        assert_eq!(pl.month_standalone(3), "Marzec");
        assert_eq!(pl.month_standalone(12), "Grudzień");
        let ru = ui("ru");
        assert_eq!(ru.date(&d), "31 марта 2015");
        assert_eq!(ru.month_standalone(3), "Март");
        assert_eq!(ui("uk").month_in_date(3), "березня");
        assert_eq!(ui("uk").month_standalone(3), "Березень");
        assert_eq!(ui("cs").month_standalone(3), "Březen");
        assert_eq!(ui("el").month_in_date(3), "Μαρτίου");
        assert_eq!(ui("el").month_standalone(3), "Μάρτιος");
        assert_eq!(ui("ca").month_standalone(4), "Abril");
        for m in 1..=12 {
            let en = ui("en");
            assert_eq!(en.month_in_date(m), en.month_standalone(m));
        }
        assert_eq!(ui("en").month_standalone(3), "March");
        assert_eq!(ui("xx").month_standalone(3), "March");
        assert_eq!(ui("fr").month_in_date(3), "mars");
        assert_eq!(ui("fr").month_standalone(3), "Mars");
        assert_eq!(ui("de").month_standalone(3), "März");
        // A script without case is left as it is.
        assert_eq!(ui("ar").month_standalone(3), ui("ar").month_in_date(3));
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
        config.translations.insert("month_3".into(), "marzo".into());
        let words = Ui::new(&config).unwrap();
        assert_eq!(words.month_in_date(3), "marzo");
        assert_eq!(words.month_standalone(3), "Marzo");
        // The name on its own is set apart, and wins whatever the keys' order.
        config
            .translations
            .insert("month_3_standalone".into(), "marzo".into());
        let words = Ui::new(&config).unwrap();
        assert_eq!(
            (words.month_in_date(3), words.month_standalone(3)),
            ("marzo", "marzo")
        );
        config.translations.insert("month_13".into(), "x".into());
        assert!(Ui::new(&config).is_err());
        config.translations.remove("month_13");
        config.translations.insert("latest_newz".into(), "x".into());
        let e = Ui::new(&config).unwrap_err();
        assert!(
            e.message
                .contains("'latest_newz'; did you mean `latest_news`?"),
            "{e}"
        );
        config.translations.remove("latest_newz");
        for (typo, meant) in [
            ("month_3_standlone", "month_3_standalone"),
            ("month_+3", "month_3"),
        ] {
            config.translations.insert(typo.into(), "x".into());
            let e = Ui::new(&config).unwrap_err();
            assert!(
                e.message.contains(&format!("did you mean `{meant}`?")),
                "{e}"
            );
            assert!(
                e.message
                    .contains("month_1_standalone to month_12_standalone"),
                "{e}"
            );
            config.translations.remove(typo);
        }
    }

    /// A month's page title in the language's order, which `month_year` rewords.
    #[test]
    fn month_titles_follow_the_language() {
        assert_eq!(ui("en").month_year(3, 2015), "March 2015");
        assert_eq!(ui("es").month_year(3, 2015), "Marzo de 2015");
        assert_eq!(ui("pl").month_year(3, 2015), "Marzec 2015");
        let mut config = SiteConfig {
            language: "ja".into(),
            ..SiteConfig::default()
        };
        config
            .translations
            .insert("month_year".into(), "{year}年{month}".into());
        assert_eq!(Ui::new(&config).unwrap().month_year(3, 2015), "2015年3月");
    }
}
