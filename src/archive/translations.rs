//! Translations: articles that share a `translationKey` are one story in several
//! languages, and their pages link each other (`hreflang`), as Hugo links translations.

use std::collections::HashMap;

use crate::article::Article;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

/// The stories told in more than one language.
#[derive(Debug, Default)]
pub struct Translations {
    /// Each story's articles (indices into the archive), by language tag; at least two.
    pub groups: Vec<Vec<usize>>,
    /// Article -> its group in `groups`.
    pub group_of: HashMap<usize, usize>,
    /// The site's language tag, in the form articles' `lang` takes (`en-us` is
    /// `en-US`), so that the two compare.
    site: String,
}

impl Translations {
    /// The article's story in every language it is published in (itself included), by
    /// language tag; empty when it has no translation.
    pub fn of(&self, article: usize) -> &[usize] {
        self.group_of
            .get(&article)
            .map_or(&[], |&g| self.groups[g].as_slice())
    }

    /// The language `a` is written in: its own `lang`, else the site's.
    pub fn language<'a>(&'a self, a: &'a Article) -> &'a str {
        language(a, &self.site)
    }

    /// Whether `tag` is the site's language.
    pub fn is_site_language(&self, tag: &str) -> bool {
        tag == self.site
    }
}

fn language<'a>(a: &'a Article, site: &'a str) -> &'a str {
    a.lang.as_deref().unwrap_or(site)
}

/// Groups `articles` (in archive order) by translation key. Of two articles of one key
/// in one language, the first in archive order (the newest) is the translation; the
/// other is still published, unlinked, with a warning.
pub fn group(
    articles: &[Article],
    config: &SiteConfig,
    warnings: &mut Vec<Diagnostic>,
) -> Translations {
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        if let Some(key) = a.translation_key.as_deref() {
            by_key.entry(key).or_default().push(i);
        }
    }
    let site = config
        .language
        .parse::<unic_langid::LanguageIdentifier>()
        .map_or_else(|_| config.language.clone(), |id| id.to_string());
    let language = |i: usize| language(&articles[i], &site);
    let mut keys: Vec<&str> = by_key.keys().copied().collect();
    keys.sort_unstable();
    let mut groups = Vec::new();
    let mut group_of = HashMap::new();
    for key in keys {
        let mut members = by_key.remove(key).unwrap_or_default();
        // Stable: the same language keeps archive order, so the first is the newest.
        members.sort_by(|&x, &y| language(x).cmp(language(y)));
        let mut kept: Vec<usize> = Vec::with_capacity(members.len());
        for i in members {
            let lang = language(i);
            match kept.iter().find(|&&k| language(k) == lang) {
                Some(&first) => {
                    let a = &articles[i];
                    warnings.push(
                        Diagnostic::warning(
                            &a.source_path,
                            a.source_line,
                            format!(
                                "translationKey '{key}' already has a '{lang}' article, {}; this one is published but not linked as its translation (give one of them another lang or translationKey)",
                                crate::diagnostics::place(
                                    &articles[first].source_path,
                                    articles[first].source_line
                                )
                            ),
                        )
                        .with_kind("translation-clash"),
                    );
                }
                None => kept.push(i),
            }
        }
        if kept.len() > 1 {
            for &i in &kept {
                group_of.insert(i, groups.len());
            }
            groups.push(kept);
        }
    }
    Translations {
        groups,
        group_of,
        site,
    }
}

/// A language's name in that language (`العربية` for `ar`), with the region of a tag
/// that has one (`Português (BR)`), else the tag itself.
pub fn language_name(tag: &str) -> String {
    let Ok(id) = tag.parse::<unic_langid::LanguageIdentifier>() else {
        return tag.to_string();
    };
    // Chinese is named by its script: the two are read by different readers.
    let name = match (id.language.as_str(), id.script.as_ref().map(|s| s.as_str())) {
        ("zh", Some("Hant")) => Some("繁體中文"),
        ("zh", Some("Hans")) => Some("简体中文"),
        (primary, _) => ENDONYMS
            .iter()
            .find(|(code, _)| *code == primary)
            .map(|&(_, name)| name),
    };
    match (name, id.region) {
        (None, _) => tag.to_string(),
        (Some(name), Some(region)) => format!("{name} ({})", region.as_str()),
        (Some(name), None) => name.to_string(),
    }
}

/// Languages by their own names, for links to translations.
const ENDONYMS: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fi", "Suomi"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("ku", "Kurdî"),
    ("ms", "Bahasa Melayu"),
    ("nb", "Norsk bokmål"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("sw", "Kiswahili"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_languages_in_their_own_words() {
        assert_eq!(language_name("ar"), "العربية");
        assert_eq!(language_name("pt-BR"), "Português (BR)");
        assert_eq!(language_name("zh-Hant-TW"), "繁體中文 (TW)");
        assert_eq!(language_name("zh-Hans"), "简体中文");
        assert_eq!(language_name("zh"), "中文");
        assert_eq!(language_name("xx"), "xx");
    }

    #[test]
    fn endonyms_are_sorted_and_unique() {
        assert!(ENDONYMS.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
