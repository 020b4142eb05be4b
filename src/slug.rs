//! URL-safe names: slugs for articles, terms and heading anchors. A slug holds only
//! letters, digits, combining marks and `-` (`a-z`, `0-9` and `-` in the default ASCII
//! style), never `/`, `\`, `.` or a control or format character, so it can never name a
//! parent folder or escape the output folder.

use deunicode::deunicode;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Longest slug kept, in characters; long headlines are cut at a word boundary.
const MAX_SLUG: usize = 80;
/// Longest slug kept, in bytes: a file name holds 255, and a slug gets a `-2` and a
/// `.html.gz` or `.bin` after it (80 letters of a four-byte script would not fit).
const MAX_SLUG_BYTES: usize = 200;

/// How slugs are written (`slugs` in `site.toml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStyle {
    /// Transliterated to ASCII: "Zürich café" -> `zurich-cafe`, "العراق" -> `l-rq`.
    #[default]
    Ascii,
    /// Kept in their own script, lowercased: "Zürich café" -> `zürich-café`, "العراق" ->
    /// `العراق`, as Hugo writes them (browsers show them as written and send them
    /// percent-encoded).
    Unicode,
}

impl SlugStyle {
    /// Lowercase, dash-separated. Returns an empty string when nothing URL-safe is left
    /// (e.g. "!!!").
    pub fn slugify(self, text: &str) -> String {
        match self {
            SlugStyle::Ascii => slug_of(&deunicode(text), |c| c.is_ascii_alphanumeric()),
            SlugStyle::Unicode => {
                // Compatibility forms folded (full-width ＡＢＣ, ligatures) and the whole
                // lowercased at once (a word's last Σ is ς, as in the word written
                // small), so that one word is one slug; the dot Turkish İ leaves on its
                // i is dropped, and invisible characters with it.
                let folded = text.nfkc().collect::<String>().to_lowercase();
                let visible: String = folded
                    .replace("i\u{307}", "i")
                    .chars()
                    .filter(|&c| !invisible(c))
                    .collect();
                slug_of(&visible, |c| {
                    matches!(
                        c.general_category_group(),
                        GeneralCategoryGroup::Letter
                            | GeneralCategoryGroup::Number
                            | GeneralCategoryGroup::Mark
                    )
                })
            }
        }
    }
}

/// Characters that show nothing (Unicode's default-ignorable ones: joiners, variation
/// selectors, bidi controls...) and the Arabic tatweel, which only stretches a word: in a
/// slug they would make two URLs that look alike.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{640}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    ) || bidi_control(c)
}

/// The bidi embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI,
/// PDI): they reorder the text after them, so a title holding one can show its words
/// reversed or in another order than they are written, a way to spoof a headline or a
/// name. (The marks LRM, RLM and ALM only place neutral characters, and stay.)
pub fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` without [`bidi_control`] characters, for metadata (titles, names, summaries),
/// which pages, feeds and the search index show as plain text; only a body, which is
/// sanitized HTML, keeps them.
pub fn without_bidi_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(bidi_control) {
        text.chars().filter(|&c| !bidi_control(c)).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The words of `text` (runs of characters that `keep`), lowercased and joined by dashes.
fn slug_of(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = 0;
    let mut dash = false;
    for c in text.chars() {
        // "Cairo's" -> "cairos", not "cairo-s".
        if matches!(c, '\'' | '\u{2019}') {
            continue;
        }
        // A mark opening a word has nothing to sit on.
        let mark = c.general_category_group() == GeneralCategoryGroup::Mark;
        if keep(c) && !(mark && (dash || out.is_empty())) {
            if dash && !out.is_empty() {
                out.push('-');
                chars += 1;
            }
            dash = false;
            for l in c.to_lowercase() {
                out.push(l);
                chars += 1;
            }
        } else if !mark {
            dash = true;
        }
    }
    if chars > MAX_SLUG || out.len() > MAX_SLUG_BYTES {
        let by_chars = out
            .char_indices()
            .nth(MAX_SLUG)
            .map_or(out.len(), |(i, _)| i);
        let mut end = by_chars.min(MAX_SLUG_BYTES);
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        let cut = out[..end].rfind('-').unwrap_or(end);
        out.truncate(cut);
    }
    out
}

/// A stable, short, URL-safe name for text that has no slug of its own.
pub fn fallback_slug(prefix: &str, text: &str) -> String {
    // FNV-1a: tiny, deterministic across runs and platforms.
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    format!("{prefix}-{:08x}", hash as u32)
}

/// The identity of a term: trimmed, inner whitespace collapsed, lowercased and its
/// spelling variants folded as search folds them ([`crate::fold`]), so "Iraq", "iraq "
/// and "IRAQ" are one term, as are "Égypte" and "Egypte", "مَصر" and "مصر", "ΟΔΟΣ" and
/// "οδός", or "ＡＢＣ" and "abc". Characters that show nothing are left out, as slugs leave
/// them out: a soft hyphen or a bidi mark from a scraped page made "I\u{ad}raq" a term of
/// its own that looked like "Iraq" and took its URL.
pub fn term_key(name: &str) -> String {
    let visible: String = name.chars().filter(|&c| !invisible(c)).collect();
    crate::fold::fold_spelling(&visible.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A term's display form: trimmed, inner whitespace collapsed.
pub fn term_display(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_to_ascii() {
        assert_eq!(SlugStyle::Ascii.slugify("Zürich café"), "zurich-cafe");
        assert_eq!(
            SlugStyle::Ascii.slugify("  Pentagon chief visits Iraq! "),
            "pentagon-chief-visits-iraq"
        );
        assert_eq!(SlugStyle::Ascii.slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(SlugStyle::Ascii.slugify("!!!"), "");
        assert_eq!(SlugStyle::Ascii.slugify("Cairo’s metro"), "cairos-metro");
    }

    #[test]
    fn unicode_keeps_the_script() {
        let u = |t: &str| SlugStyle::Unicode.slugify(t);
        assert_eq!(u("Zürich Café"), "zürich-café");
        assert_eq!(u("العراق: زيارة أوستن"), "العراق-زيارة-أوستن");
        // Composed, so one spelling is one URL.
        assert_eq!(u("Cafe\u{301}"), "café");
        // Marks stay on their letter (Devanagari vowel signs), not alone.
        assert_eq!(u("हिन्दी समाचार"), "हिन्दी-समाचार");
        assert_eq!(u("\u{301}abc"), "abc");
        assert_eq!(u("北京 2008"), "北京-2008");
        assert_eq!(u("Cairo’s metro"), "cairos-metro");
        // Nothing that could climb, hide or reorder: dots, slashes, bidi controls, spaces.
        assert_eq!(u("../../etc/passwd"), "etc-passwd");
        assert_eq!(u("a\u{202e}b\u{200b}c\\d"), "abc-d");
        assert_eq!(u("!!!"), "");
        let long = u(&"كلمة ".repeat(40));
        assert!(long.chars().count() <= MAX_SLUG && !long.ends_with('-'));
        // Four bytes a letter: cut by bytes too, within a file name's 255.
        let wide = u(&"𝐁𝐫𝐞𝐚𝐤𝐢𝐧𝐠𝐍𝐞𝐰𝐬 ".repeat(8));
        assert!(
            wide.len() <= MAX_SLUG_BYTES && !wide.ends_with('-'),
            "{wide}"
        );
        assert!(u(&"𠮶".repeat(70)).len() <= MAX_SLUG_BYTES);
        // One word, one slug: case as a whole word, compatibility forms, Turkish İ.
        assert_eq!(u("ΟΔΟΣ"), u("οδος"));
        assert_eq!(u("ＡＢＣ"), "abc");
        assert_eq!(u("İstanbul"), "istanbul");
        // Nothing invisible: variation selectors, joiners, tatweel.
        assert_eq!(u("a\u{34f}\u{34f}b"), "ab");
        assert_eq!(u("a\u{fe0f}"), "a");
        assert_eq!(u("عـــراق"), "عراق");
        assert_eq!(u("می\u{200c}خواهم"), "میخواهم");
        assert_eq!(u("ـــ"), "");
    }

    #[test]
    fn long_titles_are_cut_at_a_dash() {
        let s = SlugStyle::Ascii.slugify(&"word ".repeat(40));
        assert!(s.len() <= MAX_SLUG && !s.ends_with('-'));
    }

    #[test]
    fn terms_fold_case_and_space() {
        assert_eq!(term_key("Iraq"), term_key("iraq "));
        assert_eq!(term_key(" Middle   East"), "middle east");
        assert_eq!(term_key("ΟΔΟΣ"), term_key("οδός"));
        assert_eq!(term_key("ＡＢＣ"), term_key("abc"));
        assert_eq!(term_key("I\u{ad}raq"), term_key("Iraq"));
        assert_eq!(term_key("\u{200f}مصر\u{200f}"), term_key("مصر"));
        assert_eq!(term_display(" Middle   East"), "Middle East");
        assert_eq!(term_key("\u{202e}Iraq\u{202c}"), term_key("Iraq"));
        assert_eq!(
            without_bidi_controls("\u{2067}مصر\u{2069} \u{202e}txt.exe\u{202c}"),
            "مصر txt.exe"
        );
        assert_eq!(without_bidi_controls("\u{200f}مصر"), "\u{200f}مصر");
    }

    #[test]
    fn fallback_is_stable() {
        assert_eq!(fallback_slug("tag", "!!!"), fallback_slug("tag", "!!!"));
        assert_ne!(fallback_slug("tag", "!!!"), fallback_slug("tag", "???"));
    }
}
