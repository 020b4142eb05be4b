//! Spelling variants folded together: Latin letters with accents to ASCII, combining
//! marks and Arabic vowel signs dropped, Arabic letters written several ways to one, and
//! Arabic-Indic digits to ASCII. Search words ([`crate::search::tokenize`]) and the
//! identity of tags, sections, sources and authors ([`crate::slug::term_key`]) share
//! these rules, so that what search takes for one word is one tag too.

use deunicode::deunicode_char;

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

/// `text` lowercased with the variants above folded, everything else kept as it is
/// (punctuation too: `C++` and `C` stay apart).
pub fn fold_spelling(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if is_ignored_mark(c) {
        } else if let Some(letter) = arabic_fold(c) {
            out.push(letter);
        } else if let Some(ascii) = latin_fold(c) {
            out.extend(ascii.chars().map(|a| a.to_ascii_lowercase()));
        } else {
            out.extend(c.to_lowercase());
        }
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
}
