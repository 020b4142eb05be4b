//! Words for the search index. The browser script (`search.js` in the theme) folds a
//! query with the same rules, so keep the two in step: each character folded as
//! [`crate::fold::fold_char`] folds it (lowercase; Latin letters with accents, ligatures
//! and fullwidth forms to ASCII: `Zürich` -> `zurich`, `Straße` -> `strasse`; Greek
//! without accents, final sigma as sigma; combining marks and Arabic vowel signs dropped;
//! letters of other scripts kept as they are); anything that is not a letter, digit or
//! mark separates words.

use crate::fold::{fold_char, is_ignored_mark};

/// Longer words are not indexed (they are noise: URLs, hashes, runs of digits).
pub const MAX_WORD_CHARS: usize = 40;

/// Blocks of Han ideographs, hiragana and katakana: scripts written without spaces
/// between words. Their punctuation (`・`) and unassigned points are no letters: callers
/// also ask [`is_word_char`], as search.js's `ALNUM` does.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
            | '\u{31F0}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{2FA1F}')
}

/// Letters, digits and combining marks make words; anything else separates them. Marks
/// belong to words: Devanagari's vowel signs and virama sit inside a word (`हिन्दी`),
/// and `search.js` tests the same categories (`/[\p{L}\p{N}\p{M}]/u`).
fn is_word_char(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup as G, UnicodeGeneralCategory};
    matches!(c.general_category_group(), G::Letter | G::Number | G::Mark)
}

/// A word of folded Arabic letters only (hamza to yeh), the words the stemmer takes
/// endings off.
fn is_arabic_word(word: &str) -> bool {
    word.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c))
}

/// An Arabic word without its article (with a conjunction or preposition attached) and
/// its commonest endings, as Lucene's light stemmer takes them off (on folded letters):
/// `العراق`, `بالعراق` and `عراق` are one word. Unlike Lucene, a lone `و` (and) stays
/// on: it opens many words (`وزير`, minister), which would then miss `الوزير`. Other
/// words are left as they are. `search.js` does the same (`arabicStem`).
fn arabic_stem(word: &str) -> &str {
    const PREFIXES: [&str; 6] = ["ال", "وال", "بال", "كال", "فال", "لل"];
    const SUFFIXES: [&str; 8] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"];
    if !is_arabic_word(word) {
        return word;
    }
    let chars = |s: &str| s.chars().count();
    let mut w = word;
    for prefix in PREFIXES {
        if let Some(rest) = w.strip_prefix(prefix) {
            if chars(rest) >= 2 {
                w = rest;
                break;
            }
        }
    }
    for suffix in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suffix) {
            if chars(rest) >= 2 {
                w = rest;
            }
        }
    }
    w
}

/// Where the matches of a query's last word, still being typed, start: an Arabic word
/// ending in the first letter of a two-letter ending (`ا` of `ات` and `ان`, `و` of `ون`)
/// without it, as the whole word is stored without its ending (`انتخابا`, typed on the
/// way to `انتخابات`, is looked up as `انتخاب`). Other words are their own start.
/// `search.js` does the same (`partialStem`).
pub fn partial_stem(word: &str) -> &str {
    match word.strip_suffix(['ا', 'و']) {
        Some(rest) if is_arabic_word(word) && rest.chars().count() >= 3 => rest,
        _ => word,
    }
}

/// Calls `f` with each folded word of `text`, in order (with repeats), as a query is split
/// (and `search.js` splits it). With `html`, tags and entities break words (the sanitized
/// bodies carry literal UTF-8, so entities are only `&amp;` and its kin). `word` is
/// scratch space, reused between calls.
pub fn for_each_folded_word(text: &str, html: bool, word: &mut String, f: &mut impl FnMut(&str)) {
    fold_words(text, html, false, word, f);
}

/// [`for_each_folded_word`] for the index: each Chinese or Japanese letter is also a word
/// on its own, besides the pairs it is in, so a query of one letter (`港`, `中`, common
/// words of their own) finds it inside longer words (`香港`).
pub fn for_each_indexed_word(text: &str, html: bool, word: &mut String, f: &mut impl FnMut(&str)) {
    fold_words(text, html, true, word, f);
}

fn fold_words(
    text: &str,
    html: bool,
    cjk_letters: bool,
    word: &mut String,
    f: &mut impl FnMut(&str),
) {
    let mut end = |word: &mut String| {
        if !word.is_empty() {
            f(arabic_stem(word));
            word.clear();
        }
    };
    word.clear();
    // The last letter of a run of Chinese or Japanese, and whether it began a pair.
    let mut cjk_prev: Option<char> = None;
    let mut cjk_paired = false;
    // A run of one letter is a word of its own; a longer run was given as its pairs.
    macro_rules! end_cjk_run {
        () => {
            if let Some(last) = cjk_prev.take() {
                if !cjk_paired {
                    word.push(last);
                    end(word);
                }
                cjk_paired = false;
            }
        };
    }
    // One pass over the bytes: ASCII, nearly all of an English archive, never decodes a char.
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            if cjk_prev.is_some() {
                end_cjk_run!();
            }
            word.push(b.to_ascii_lowercase() as char);
            i += 1;
        } else if b < 0x80 {
            end(word);
            end_cjk_run!();
            i += 1;
            if html && b == b'<' {
                if let Some(skip) = memchr::memchr(b'>', &bytes[i..]) {
                    i += skip + 1;
                }
            } else if html && b == b'&' {
                // `&name;` or `&#123;`; a lone '&' is just a separator.
                let name = bytes[i..]
                    .iter()
                    .take_while(|x| x.is_ascii_alphanumeric() || **x == b'#')
                    .count();
                if bytes.get(i + name) == Some(&b';') {
                    i += name + 1;
                }
            }
        } else {
            let c = text[i..].chars().next().expect("char boundary");
            i += c.len_utf8();
            if is_ignored_mark(c) {
                continue;
            } else if is_cjk(c) && is_word_char(c) {
                // Chinese and Japanese leave no spaces between words: each pair of
                // neighbouring letters is a term, so `北京` is found inside `北京周二`.
                end(word);
                if let Some(last) = cjk_prev {
                    word.push(last);
                    word.push(c);
                    end(word);
                    cjk_paired = true;
                }
                if cjk_letters {
                    word.push(c);
                    end(word);
                    // Given already: the run's end adds no lone letter.
                    cjk_paired = true;
                }
                cjk_prev = Some(c);
                continue;
            }
            end_cjk_run!();
            // What a letter folds to goes on the word; what folds to punctuation or a
            // symbol (fullwidth `，`, `×`) ends it, as ASCII punctuation does.
            fold_char(c, |d| {
                if d.is_ascii_alphanumeric() || (!d.is_ascii() && is_word_char(d)) {
                    word.push(d);
                } else {
                    end(word);
                }
            });
        }
    }
    end(word);
    if let (Some(last), false) = (cjk_prev, cjk_paired) {
        word.push(last);
        end(word);
    }
}

/// Whether a folded word goes in the index: not a lone ASCII letter or digit, not too long.
pub fn keep(word: &str) -> bool {
    // Bytes bound characters from above, so most words need no counting.
    word.len() > 1 && (word.len() <= MAX_WORD_CHARS || word.chars().nth(MAX_WORD_CHARS).is_none())
}

/// The indexable words of `text`, folded, in order (with repeats).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_folded_word(text, false, &mut String::new(), &mut |w| {
        if keep(w) {
            out.push(w.to_string());
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::latin_fold;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            words("Zürich's CAFÉ, Straße—Æsir; x 42"),
            ["zurich", "cafe", "strasse", "aesir", "42"]
        );
        // Other scripts stay as they are, without vowel marks.
        assert_eq!(words("مِصر Ελλάδα"), ["مصر", "ελλαδα"]);
        assert_eq!(words("ᾯδῃ Άλφα; ΐ"), ["ωδη", "αλφα", "ι"]);
        assert_eq!(
            words("北京举行会议 北 東京タワー"),
            [
                "北京", "京举", "举行", "行会", "会议", "北", "東京", "京タ", "タワ", "ワー"
            ]
        );
        assert_eq!(words("abc北京def 中"), ["abc", "北京", "def", "中"]);
        assert_eq!(words("日・米首脳"), ["日", "米首", "首脳"]);
        assert_eq!(words("ΣΕΙΣΜΟΣ σεισμός"), ["σεισμοσ", "σεισμοσ"]);
        assert_eq!(
            words("أشخاص إلى مدرسة آخر ـبـ"),
            ["اشخاص", "ال", "مدرس", "اخر", "ب"]
        );
        // The article, attached words and endings come off Arabic words.
        assert_eq!(
            words("العراق بالعراق عراق والعراق للعراق الوزيرة وزير"),
            ["عراق", "عراق", "عراق", "عراق", "عراق", "وزير", "وزير"]
        );
        assert_eq!(words("٢٥٠٠ ۲۰۲۳ 2500"), ["2500", "2023", "2500"]);
        // Marks are part of words, as in search.js.
        assert_eq!(words("हिन्दी समाचार."), ["हिन्दी", "समाचार"]);
        assert_eq!(words("ภาษาไทย"), ["ภาษาไทย"]);
        assert_eq!(
            words("ﬁnal ofﬁce ＢＢＣ，ｎｅｗｓ２０２３"),
            ["final", "office", "bbc", "news2023"]
        );
        let script = include_str!("../render/theme/search.js");
        assert!(script.contains(r"var ALNUM = /[\p{L}\p{N}\p{M}]/u;"));
        // The script refuses an index of another format (an ejected copy goes stale).
        let version = format!("var INDEX_VERSION = {};", super::super::VERSION);
        assert!(script.contains(&version), "search.js must hold {version}");
        assert_eq!(words("×÷"), Vec::<String>::new());
    }

    #[test]
    fn a_partly_typed_arabic_word_starts_at_its_stem() {
        assert_eq!(partial_stem("انتخابا"), "انتخاب");
        assert_eq!(partial_stem("مهندسو"), "مهندس");
        // Too short a start, another ending, another script: as typed.
        for word in ["نحو", "كتاب", "court", "παιδια"] {
            assert_eq!(partial_stem(word), word);
        }
    }

    /// The index holds each Chinese or Japanese letter besides its pairs; a query of
    /// several letters is split into pairs only (as `search.js` splits it).
    #[test]
    fn the_index_also_holds_single_chinese_and_japanese_letters() {
        let mut indexed = Vec::new();
        for_each_indexed_word(
            "香港 中 abc東京",
            false,
            &mut String::new(),
            &mut |w| indexed.push(w.to_string()),
        );
        assert_eq!(
            indexed,
            ["香", "香港", "港", "中", "abc", "東", "東京", "京"]
        );
        assert_eq!(words("香港 中 abc東京"), ["香港", "中", "abc", "東京"]);
    }

    #[test]
    fn html_tags_and_entities_break_words() {
        let mut out = Vec::new();
        for_each_folded_word(
            "<p>Tom &amp; Jerry<br>went<a href=\"x\">home</a> &nbsp;now & then; &#39;ok</p>",
            true,
            &mut String::new(),
            &mut |w| out.push(w.to_string()),
        );
        assert_eq!(out, ["tom", "jerry", "went", "home", "now", "then", "ok"]);
    }

    /// `search.js` folds Latin letters with tables generated from [`latin_fold`].
    #[test]
    fn browser_script_folds_like_the_index() {
        let script = include_str!("../render/theme/search.js");
        for (name, range) in [
            ("FOLD_00C0", '\u{00C0}'..='\u{024F}'),
            ("FOLD_1E00", '\u{1E00}'..='\u{1EFF}'),
        ] {
            let table: Vec<String> = range
                .map(|c| latin_fold(c).unwrap_or("").to_ascii_lowercase())
                .collect();
            let line = format!("var {name} = '{}'.split('|');", table.join("|"));
            assert!(
                script.contains(&line),
                "search.js must hold this line (regenerate it):\n{line}"
            );
        }
    }

    #[test]
    fn long_words_are_dropped() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        assert!(words(&long).is_empty());
        assert_eq!(words(&"b".repeat(MAX_WORD_CHARS)).len(), 1);
    }
}
