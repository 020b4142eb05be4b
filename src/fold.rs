//! Spelling variants folded together: case; Latin letters with accents, ligatures and
//! fullwidth forms to ASCII; Greek letters without their accents, final sigma as sigma;
//! combining marks and Arabic vowel signs dropped, Arabic letters written several ways to
//! one, and Arabic-Indic digits to ASCII. Search words ([`crate::search::tokenize`]) and
//! the identity of tags, sections, sources and authors ([`crate::slug::term_key`]) fold
//! each character with [`fold_char`], so that what search takes for one word is one tag
//! too.

use deunicode::deunicode_char;
use unicode_normalization::char::{decompose_canonical, decompose_compatible};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Combining marks that spell nothing of their own: Latin diacritics typed separately,
/// Arabic harakat (so a vowelled and an unvowelled spelling match) and tatweel, which
/// stretches a word.
pub fn is_ignored_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

/// Arabic letters written several ways, as search engines fold them (Lucene's Arabic
/// normalizer): alef with hamza or madda is alef, alef maksura is yeh, teh marbuta is
/// heh, so `اشخاص` finds `أشخاص`. Arabic-Indic and Persian digits are ASCII digits, so
/// `٢٥٠٠` finds `2500` and the other way round.
pub fn arabic_fold(c: char) -> Option<char> {
    match c {
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => ascii_digit(c),
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Some('\u{0627}'),
        '\u{0649}' => Some('\u{064A}'),
        '\u{0629}' => Some('\u{0647}'),
        _ => None,
    }
}

/// The ASCII digit an Arabic-Indic (`٢`) or Persian (`۲`) digit stands for.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x6F0, 10),
        _ => None,
    }
}

/// Latin letters with diacritics, which are folded to ASCII.
pub fn is_latin_extended(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// The ASCII a Latin letter with diacritics folds to (not yet lowercased), if any.
/// `search.js` carries this mapping as a table; a test keeps the two equal.
pub fn latin_fold(c: char) -> Option<&'static str> {
    if !is_latin_extended(c) || !c.is_alphabetic() {
        return None;
    }
    deunicode_char(c).filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Greek letters (with their accents, in the Greek and Greek Extended blocks), which are
/// decomposed and lose their accents; `search.js` does the same with `normalize('NFD')`.
fn is_greek_letter(c: char) -> bool {
    matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}')
        && c.general_category_group() == GeneralCategoryGroup::Letter
}

/// Latin ligatures (`ﬁ`, from typeset PDFs) and fullwidth ASCII (`ＡＢＣ１２３`, from CJK
/// input): folded to the plain letters, digits and punctuation they stand for (their
/// compatibility decomposition, all ASCII).
fn is_compatibility_ascii(c: char) -> bool {
    matches!(c, '\u{FB00}'..='\u{FB06}' | '\u{FF01}'..='\u{FF5E}')
}

/// Calls `push` with what `c` folds to, lowercased: nothing for a mark that spells
/// nothing ([`is_ignored_mark`]); ASCII for a Latin letter with diacritics, a ligature or
/// a fullwidth form (`Ｃ＋＋` is `c++`); a Greek letter without its accents, breathings
/// and iota subscript, and final sigma as sigma (`ΟΔΟΣ` and `οδός` are `οδοσ`); Arabic
/// letters and digits as [`arabic_fold`] gives them; anything else lowercased. Search
/// words and term identity both fold with this.
#[inline]
pub fn fold_char(c: char, mut push: impl FnMut(char)) {
    if c.is_ascii() {
        push(c.to_ascii_lowercase());
    } else if is_ignored_mark(c) {
    } else if is_compatibility_ascii(c) {
        decompose_compatible(c, |d| push(d.to_ascii_lowercase()));
    } else if is_greek_letter(c) {
        decompose_canonical(c, |d| {
            // The iota subscript (U+0345) is among the ignored marks.
            if !is_ignored_mark(d) {
                // Lowercased letter by letter, a word's last Σ is σ, not ς: one letter.
                for l in d.to_lowercase() {
                    push(if l == 'ς' { 'σ' } else { l });
                }
            }
        });
    } else if let Some(letter) = arabic_fold(c) {
        push(letter);
    } else if let Some(ascii) = latin_fold(c) {
        ascii.chars().for_each(|a| push(a.to_ascii_lowercase()));
    } else {
        c.to_lowercase().for_each(push);
    }
}

/// `text` folded character by character ([`fold_char`]), everything that is not a
/// variant kept as it is (punctuation too: `C++` and `C` stay apart).
pub fn fold_spelling(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |d| out.push(d));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_fold_and_punctuation_stays() {
        assert_eq!(fold_spelling("Égypte"), fold_spelling("egypte"));
        assert_eq!(fold_spelling("مَصر"), fold_spelling("مصر"));
        assert_eq!(fold_spelling("أدب"), fold_spelling("ادب"));
        assert_eq!(fold_spelling("٢٠٢٣"), "2023");
        assert_ne!(fold_spelling("C++"), fold_spelling("C"));
        assert_ne!(fold_spelling("علم"), fold_spelling("عالم"));
    }

    /// Term identity folds letters as search does: Greek case with final sigma and
    /// accents, fullwidth forms and ligatures.
    #[test]
    fn greek_and_compatibility_forms_fold() {
        assert_eq!(fold_spelling("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold_spelling("οδος"), "οδοσ");
        assert_eq!(fold_spelling("Οδός"), "οδοσ");
        // Decomposed accents and the iota subscript go too.
        assert_eq!(fold_spelling("ο\u{301}δῳ"), "οδω");
        assert_eq!(fold_spelling("ＡＢＣ"), "abc");
        assert_eq!(fold_spelling("ﬁnance"), "finance");
        // Fullwidth punctuation is ASCII punctuation, kept as punctuation is.
        assert_eq!(fold_spelling("Ｃ＋＋"), "c++");
        assert_ne!(fold_spelling("Ｃ＋＋"), fold_spelling("C"));
        // Latin, Cyrillic and the rest as before.
        assert_eq!(fold_spelling("Zürich Straße"), "zurich strasse");
        assert_eq!(fold_spelling("Москва"), "москва");
        assert_eq!(fold_spelling("C++ — U.S."), "c++ — u.s.");
    }

    /// A term of one word folds to the word search makes of it.
    #[test]
    fn terms_fold_as_search_words_do() {
        for word in [
            "ΣΕΙΣΜΟΣ",
            "σεισμός",
            "ᾯδῃ",
            "Ελλάδα",
            "ＢＢＣ",
            "ofﬁce",
            "Zürich",
            "Æsir",
            "CAFÉ",
            "Москва",
            "أشخاص",
            "٢٥٠٠",
            "हिन्दी",
        ] {
            assert_eq!(
                crate::search::tokenize::words(word),
                [fold_spelling(word)],
                "{word}"
            );
        }
    }
}
