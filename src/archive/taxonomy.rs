//! Terms of a kind (sections, tags, sources, authors) grouped case- and space-insensitively.

use std::collections::HashMap;

use crate::article::Article;
use crate::diagnostics::Diagnostic;
use crate::slug::{fallback_slug, term_display, term_key, SlugStyle};

/// The four ways to browse besides dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxonomyKind {
    Section,
    Tag,
    Source,
    Author,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 4] = [
        TaxonomyKind::Section,
        TaxonomyKind::Tag,
        TaxonomyKind::Source,
        TaxonomyKind::Author,
    ];

    /// The URL folder and template-facing name: `sections`, `tags`, `sources`, `authors`.
    pub fn plural(self) -> &'static str {
        match self {
            TaxonomyKind::Section => "sections",
            TaxonomyKind::Tag => "tags",
            TaxonomyKind::Source => "sources",
            TaxonomyKind::Author => "authors",
        }
    }

    /// `section`, `tag`, `source`, `author`.
    pub fn singular(self) -> &'static str {
        match self {
            TaxonomyKind::Section => "section",
            TaxonomyKind::Tag => "tag",
            TaxonomyKind::Source => "source",
            TaxonomyKind::Author => "author",
        }
    }

    /// The title of a term's feed, `Site · Section: World` (`kind` is the kind's name in
    /// the site's language): the feed's own and the one pages announce it under.
    pub fn feed_title(site_title: &str, kind: &str, term: &str) -> String {
        format!("{site_title} · {kind}: {term}")
    }

    /// The article's raw values of this kind.
    pub fn values(self, article: &Article) -> &[String] {
        match self {
            TaxonomyKind::Section => article.section.as_slice(),
            TaxonomyKind::Tag => &article.tags,
            TaxonomyKind::Source => &article.sources,
            TaxonomyKind::Author => &article.authors,
        }
    }
}

/// One term and its articles, newest first (indices into the archive's articles).
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub articles: Vec<usize>,
}

/// All terms of one kind, sorted by name.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyKind,
    pub terms: Vec<Term>,
    /// For each article, the indices of its terms (in `terms`), in the article's order.
    pub by_article: Vec<Vec<usize>>,
}

impl Taxonomy {
    /// The URL name of the term spelled `name`: its slug here when an article of the
    /// build has it, else the one it would get (a link to a term of a left-out article
    /// points there). `None` when `name` names no term (no letter, digit or sign).
    pub fn slug_of(&self, name: &str, slugs: SlugStyle) -> Option<String> {
        let key = term_key(name);
        if key.is_empty() {
            return None;
        }
        Some(match self.terms.iter().find(|t| term_key(&t.name) == key) {
            Some(term) => term.slug.clone(),
            None => base_slug(self.kind, &term_display(name), &key, slugs),
        })
    }

    /// Groups `articles` (already in listing order) by their values of `kind`.
    pub fn build(
        kind: TaxonomyKind,
        articles: &[Article],
        slugs: SlugStyle,
        warnings: &mut Vec<Diagnostic>,
    ) -> Taxonomy {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut terms: Vec<Term> = Vec::new();
        let mut by_article = Vec::with_capacity(articles.len());
        // Each term's spellings ("Iraq", "iraq") and how many articles use each.
        let mut spellings: Vec<Vec<(String, usize)>> = Vec::new();
        // Each value as written -> its term and how it is shown (`None`: no term). The
        // same few values recur across 100,000 articles; folding one allocates, a lookup
        // does not.
        let mut seen: hashbrown::HashMap<&str, Option<(usize, String)>> = hashbrown::HashMap::new();
        for (i, article) in articles.iter().enumerate() {
            let mut mine: Vec<usize> = Vec::new();
            for value in kind.values(article) {
                let found = seen.entry(value.as_str()).or_insert_with(|| {
                    let key = term_key(value);
                    if key.is_empty() {
                        return None;
                    }
                    let t = *index.entry(key.clone()).or_insert_with(|| {
                        keys.push(key);
                        terms.push(Term {
                            name: String::new(),
                            slug: String::new(),
                            articles: Vec::new(),
                        });
                        spellings.push(Vec::new());
                        terms.len() - 1
                    });
                    Some((t, term_display(value)))
                });
                let Some((t, shown)) = found else {
                    continue;
                };
                let t = *t;
                if !mine.contains(&t) {
                    mine.push(t);
                    terms[t].articles.push(i);
                    match spellings[t].iter_mut().find(|(s, _)| s == shown) {
                        Some((_, n)) => *n += 1,
                        None => spellings[t].push((shown.clone(), 1)),
                    }
                }
            }
            by_article.push(mine);
        }
        // A term is shown as most of its articles spell it; on a tie, with capitals
        // ("Iraq" over "iraq"), then as the newest article does.
        for (term, spelled) in terms.iter_mut().zip(spellings) {
            let capitals = |s: &str| s.chars().any(char::is_uppercase);
            let best = spelled.iter().enumerate().max_by(|(i, a), (j, b)| {
                a.1.cmp(&b.1)
                    .then_with(|| capitals(&a.0).cmp(&capitals(&b.0)))
                    .then_with(|| j.cmp(i))
            });
            if let Some((_, (name, _))) = best {
                term.name = name.clone();
            }
        }
        assign_slugs(kind, &keys, &mut terms, articles, slugs, warnings);

        // Sort by name, then remap the per-article indices.
        let mut order: Vec<usize> = (0..terms.len()).collect();
        // In alphabetical order, accents aside ("économie" before "transport"): a term's
        // key is its name folded.
        order.sort_by(|&a, &b| {
            keys[a]
                .cmp(&keys[b])
                .then_with(|| terms[a].name.cmp(&terms[b].name))
                .then_with(|| terms[a].slug.cmp(&terms[b].slug))
        });
        let mut new_pos = vec![0; terms.len()];
        for (pos, &old) in order.iter().enumerate() {
            new_pos[old] = pos;
        }
        let mut slots: Vec<Option<Term>> = terms.into_iter().map(Some).collect();
        let terms = order
            .iter()
            .map(|&old| slots[old].take().expect("each term once"))
            .collect();
        for mine in &mut by_article {
            for t in mine.iter_mut() {
                *t = new_pos[*t];
            }
        }
        Taxonomy {
            kind,
            terms,
            by_article,
        }
    }
}

/// The URL name a term spelled `spelling` (`key`, its identity) starts from, before a
/// clash gives it a `-2`: its slug, or one made from its key when the spelling has no
/// letter or digit to make one of.
pub(crate) fn base_slug(kind: TaxonomyKind, spelling: &str, key: &str, slugs: SlugStyle) -> String {
    match slugs.slugify(spelling) {
        s if s.is_empty() => fallback_slug(kind.singular(), key),
        s => s,
    }
}

/// Gives each term a unique slug; terms whose names fold to the same slug ("C++", "C")
/// get numbered ones, with a warning, rather than sharing a page.
fn assign_slugs(
    kind: TaxonomyKind,
    keys: &[String],
    terms: &mut [Term],
    articles: &[Article],
    slugs: SlugStyle,
    warnings: &mut Vec<Diagnostic>,
) {
    // Terms sharing a URL name are served by age: the term of the oldest article keeps
    // the plain name, so a newer spelling ("egypte" beside "Égypte") never moves a page
    // readers already link to. Dated articles come first, newest first, and a term's
    // list follows them, so its oldest dated article is its last one with a date; a
    // term of undated articles only counts as the newest.
    let oldest = |t: usize| {
        terms[t]
            .articles
            .iter()
            .rev()
            .find(|&&i| articles[i].date.is_some())
            .copied()
    };
    let mut by_age: Vec<usize> = (0..terms.len()).collect();
    by_age.sort_by(|&a, &b| {
        oldest(b)
            .cmp(&oldest(a))
            .then_with(|| keys[a].cmp(&keys[b]))
    });
    // A slug is taken from the spelling of the term's oldest article, not from its name
    // (the commonest spelling): a newer spelling that becomes the commoner must not move
    // the page. In the term's own script the slug keeps accents and marks ("Egypte" over
    // "Égypte"); transliterated, spellings one term folds together can still read apart
    // ("U.S." and "US", Arabic with and without vowel signs: "masr" and "msr").
    let first_spelling = |t: usize| -> Option<String> {
        let i = oldest(t).or_else(|| terms[t].articles.last().copied())?;
        kind.values(&articles[i])
            .iter()
            .find(|v| term_key(v) == keys[t])
            .map(|v| term_display(v))
    };
    let spelled: Vec<Option<String>> = (0..terms.len()).map(first_spelling).collect();
    let mut taken: HashMap<String, usize> = HashMap::new();
    for t in by_age {
        let spelling = spelled[t].as_deref().unwrap_or(&terms[t].name);
        let base = base_slug(kind, spelling, &keys[t], slugs);
        let mut slug = base.clone();
        let mut n = 2;
        while taken.contains_key(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        if slug != base {
            let holder = &terms[taken[&base]].name;
            let first = &articles[terms[t].articles[0]];
            warnings.push(
                Diagnostic::warning(
                    &first.source_path,
                    first.source_line,
                    format!(
                        "{} '{}' has the same URL name as the {} '{holder}', which had it first; its page is {}/{slug}/ (if they are one, spell them alike)",
                        kind.singular(),
                        terms[t].name,
                        kind.singular(),
                        kind.plural()
                    ),
                )
                .with_kind("url-clash"),
            );
        }
        taken.insert(slug.clone(), t);
        terms[t].slug = slug;
    }
}
