//! URL-safe names: slugs for articles and terms. A slug holds only `a-z`, `0-9` and `-`,
//! so it can never name a parent folder or escape the output folder.

use deunicode::deunicode;

/// Longest slug kept, in bytes; long headlines are cut at a word boundary.
const MAX_SLUG: usize = 80;

/// ASCII-folded, lowercase, dash-separated: "Zürich café" -> "zurich-cafe".
/// Returns an empty string when nothing URL-safe is left (e.g. "!!!").
pub fn slugify(text: &str) -> String {
    let folded = deunicode(text);
    let mut out = String::with_capacity(folded.len());
    let mut dash = false;
    for c in folded.chars() {
        // "Cairo's" -> "cairos", not "cairo-s".
        if c == '\'' {
            continue;
        }
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.len() > MAX_SLUG {
        let cut = out[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
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
/// and "IRAQ" are one term, as are "Égypte" and "Egypte", or "مَصر" and "مصر".
pub fn term_key(name: &str) -> String {
    crate::fold::fold_spelling(&name.split_whitespace().collect::<Vec<_>>().join(" "))
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
        assert_eq!(slugify("Zürich café"), "zurich-cafe");
        assert_eq!(
            slugify("  Pentagon chief visits Iraq! "),
            "pentagon-chief-visits-iraq"
        );
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("Cairo’s metro"), "cairos-metro");
    }

    #[test]
    fn long_titles_are_cut_at_a_dash() {
        let s = slugify(&"word ".repeat(40));
        assert!(s.len() <= MAX_SLUG && !s.ends_with('-'));
    }

    #[test]
    fn terms_fold_case_and_space() {
        assert_eq!(term_key("Iraq"), term_key("iraq "));
        assert_eq!(term_key(" Middle   East"), "middle east");
        assert_eq!(term_display(" Middle   East"), "Middle East");
    }

    #[test]
    fn fallback_is_stable() {
        assert_eq!(fallback_slug("tag", "!!!"), fallback_slug("tag", "!!!"));
        assert_ne!(fallback_slug("tag", "!!!"), fallback_slug("tag", "???"));
    }
}
