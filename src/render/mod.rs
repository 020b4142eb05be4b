//! Render: Tera set up with the default theme (embedded in the binary) and the site's
//! own templates over it, turning each planned page into HTML.

pub mod markup;
pub mod pages;
pub mod seo;
pub mod theme;
pub mod ui;
pub mod views;

use std::error::Error as _;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::archive::{Archive, Page, PageKind};
use crate::cache::{Hash, HashWriter};
use crate::config::SiteConfig;
use crate::diagnostics::{display_path, line_of, Diagnostic};
use views::{Card, PageContext, SiteView, Sites, Views};

/// Templates compiled once, shared by every render.
pub struct Renderer {
    tera: Tera,
    /// Hash of every template's name and source.
    templates: Hash,
    /// A template calls a function whose result is not fixed by the page's context
    /// (`now()`, `get_random()`, `get_env()`), so no page may be reused from a cache.
    volatile: bool,
    /// Page templates rendered wholly by the built-in theme, whose contexts can leave
    /// out what those templates do not read (see [`PageContext::make_lean`]).
    lean: Vec<&'static str>,
    /// The site has its own `card.html` or `macros.html` (whose `card` macro, called by
    /// the built-in `card.html`, sees the card's context too): cards are rendered by Tera,
    /// with `site`. Otherwise they are made in Rust ([`markup::card`]).
    own_cards: bool,
    /// The site has its own `macros.html`: the built-in `article.html` calls its `byline`
    /// rather than printing `byline_html` ([`markup::byline`]).
    own_macros: bool,
    /// The site's own templates by name, with their text and files
    /// (`templates/base.html`), to name the file a render error is in.
    user_files: Vec<(String, String, PathBuf)>,
    /// The pages of this build that failed to render.
    pub failures: pages::Failures,
    /// Templates of the site's own that nothing uses (see [`unused_templates`]).
    pub warnings: Vec<Diagnostic>,
    /// The theme's words in the site's language.
    pub ui: ui::Ui,
}

/// The built-in page templates: they read only `title` and `url` of neighbours, not the
/// article's own `card`, and print `meta_html`, `page.breadcrumbs_html`, `related_html`
/// and `cards_html` rather than `meta`, `page.breadcrumbs`, `related` and `articles`
/// (`tests/templates.rs` checks that lean contexts change no byte of them). They extend
/// or import only the built-in templates in [`LEAN_SHARED`].
const LEAN_TEMPLATES: [&str; 6] = [
    "index.html",
    "list.html",
    "article.html",
    "terms.html",
    "archive.html",
    "search.html",
];
const LEAN_SHARED: [&str; 2] = ["base.html", "macros.html"];

/// A page ready to render: its context and its template.
pub struct Prepared<'a> {
    pub template: &'static str,
    pub context: PageContext<'a>,
}

impl Renderer {
    /// The default theme, with templates from `templates_dir` (if it exists) overriding
    /// it by name. Each default is also registered as `default/NAME`, so an override can
    /// `{% extends "default/base.html" %}`.
    pub fn new(templates_dir: &Path, site_dir: &Path, ui: ui::Ui) -> Result<Renderer, Diagnostic> {
        let mut tera = Tera::default();
        tera.set_escape_fn(escape_html);
        let mut defaults: Vec<(String, String)> = Vec::new();
        for (name, source) in theme::TEMPLATES {
            let source = ui
                .put_words(source)
                .map_err(|(_, e)| Diagnostic::error("(built-in theme)", None, e))?;
            defaults.push((format!("default/{name}"), source.clone()));
            defaults.push((name.to_string(), source));
        }
        tera.add_raw_templates(defaults)
            .map_err(|e| template_error(Path::new("(built-in theme)"), &e))?;

        let mut user = read_user_templates(templates_dir, site_dir)?;
        for (_, source, file) in &mut user {
            *source = ui.put_words(source).map_err(|(at, e)| {
                let line = line_of(source, at);
                Diagnostic::error(&*file, Some(line), format!("template error: {e}"))
            })?;
        }
        let mut h = HashWriter::new(0);
        for (name, source) in theme::TEMPLATES {
            h.update(name.as_bytes());
            h.update(source.as_bytes());
        }
        for (name, source, _) in &user {
            h.update(name.as_bytes());
            h.update(&[0]);
            h.update(source.as_bytes());
        }
        let volatile = user.iter().any(|(_, source, _)| {
            ["now(", "get_random(", "get_env("]
                .iter()
                .any(|f| source.contains(f))
        });
        if !user.is_empty() {
            tera.add_raw_templates(user.iter().map(|(n, s, _)| (n.as_str(), s.as_str())))
                .map_err(|e| {
                    // Name the file that failed when Tera tells which template it was.
                    let text = chain(&e);
                    let failed = user
                        .iter()
                        .find(|(n, _, _)| text.contains(&format!("'{n}'")));
                    let file = failed
                        .map(|(_, _, p)| p.clone())
                        .unwrap_or_else(|| display_path(templates_dir, site_dir));
                    // Tera points at the end of the file for a tag left open; the tag's
                    // own line is where to look.
                    match failed.and_then(|(_, source, _)| unclosed_tag(source)) {
                        Some((line, message)) => Diagnostic::error(
                            &file,
                            Some(line),
                            format!("template error: {message}"),
                        ),
                        None => template_error(&file, &e),
                    }
                })?;
        }
        let overridden = |name: &str| user.iter().any(|(n, _, _)| n == name);
        let lean = if LEAN_SHARED.iter().any(|n| overridden(n)) {
            Vec::new()
        } else {
            LEAN_TEMPLATES
                .into_iter()
                .filter(|n| !overridden(n))
                .collect()
        };
        let own_macros = overridden("macros.html");
        let mut warnings = unused_templates(&user);
        warnings.extend(unknown_blocks(&tera, &user));
        Ok(Renderer {
            tera,
            templates: h.finish(),
            volatile,
            lean,
            own_cards: own_macros || overridden("card.html"),
            own_macros,
            warnings,
            user_files: user,
            failures: pages::Failures::default(),
            ui,
        })
    }

    /// True when a template calls a function whose result is not fixed by the page's
    /// context (`now()`...): then no output may be reused from an earlier build.
    pub fn volatile(&self) -> bool {
        self.volatile
    }

    /// True when `page`'s template is a built-in one that reads only the lean parts of
    /// its context (see [`PageContext::make_lean`]).
    fn is_lean(&self, page: &Page) -> bool {
        self.lean.contains(&template_of(page))
    }

    /// Builds a page's context. The meta tags and JSON-LD, made from the rest of the
    /// context, are added by [`Renderer::render_prepared`].
    pub fn prepare<'s>(
        &self,
        views: &'s Views<'_>,
        sites: &'s Sites<'s>,
        page: &Page,
    ) -> Prepared<'s> {
        let template = template_of(page);
        let lean = self.is_lean(page);
        let site = if lean { &sites.lean } else { &sites.full };
        let mut context = views.page(site, &page.kind, &page.url);
        if lean {
            context.make_lean();
        }
        Prepared { template, context }
    }

    /// Renders a prepared page; `sites` as given to [`Renderer::prepare`].
    pub fn render_prepared<'s>(
        &self,
        views: &'s Views<'_>,
        sites: &Sites<'_>,
        prepared: Prepared<'s>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut context = prepared.context;
        self.render_cards(&context, &sites.full)?;
        // The byline is made in Rust only while the built-in macro is the one it restates.
        views.add_markup(&mut context, !self.own_macros);
        self.render_context(prepared.template, &context)
    }

    /// The 404 page (`404.html` template).
    pub fn render_not_found(
        &self,
        views: &Views<'_>,
        site: &SiteView<'_>,
    ) -> Result<String, Diagnostic> {
        let html = self
            .render_context("404.html", &views.not_found(site))
            .map_err(|d| while_rendering(d, &views.config.path_url("404.html")))?;
        // Tera writes only UTF-8 (its templates and values are strings).
        Ok(String::from_utf8_lossy(&html).into_owned())
    }

    /// Renders the cards a page prints that no page rendered before it. Each gets the
    /// whole site (`site`), whichever page renders it first: a card is rendered once for
    /// every page that shows it.
    fn render_cards(&self, ctx: &PageContext<'_>, site: &SiteView<'_>) -> Result<(), Diagnostic> {
        // A lean page prints only its listed cards (see `PageContext::make_lean`).
        let others = (!ctx.lean).then(|| {
            let own = ctx.article.as_ref().map(|a| &a.card);
            ctx.previous.iter().chain(&ctx.next).chain(own)
        });
        for card in ctx.articles.iter().chain(others.into_iter().flatten()) {
            self.card_value(card.card, site)?;
        }
        Ok(())
    }

    /// Bytes, not a String: they go straight to a file, and a String would check that
    /// every page is valid UTF-8 again.
    fn render_context(&self, template: &str, ctx: &PageContext<'_>) -> Result<Vec<u8>, Diagnostic> {
        let context = Context::from_serialize(ctx)
            .map_err(|e| Diagnostic::error(template, None, format!("cannot build context: {e}")))?;
        let mut html = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &context, &mut html)
            .map_err(|e| self.render_error(template, &e))?;
        Ok(html)
    }

    /// Renders a card once: `card.html` for the article, which listings include
    /// instead of rendering the same markup again on every page that lists it.
    fn card_value(&self, card: &Card<'_>, site: &SiteView<'_>) -> Result<(), Diagnostic> {
        if card.html.get().is_some() {
            return Ok(());
        }
        if !self.own_cards {
            let _ = card.html.set(markup::card(&card.view, &self.ui));
            return Ok(());
        }
        let template = "card.html";
        let mut context = Context::new();
        context.insert("site", site);
        context.insert("article", &card.view);
        let html = self.tera.render(template, &context).map_err(|e| {
            let d = self.render_error(template, &e);
            while_rendering(d, &format!("the card of {}", card.view.url))
        })?;
        let _ = card.html.set(html);
        Ok(())
    }

    /// A failed render of `template`, filed under the template file the error is in.
    /// That is often not the page's template: `404.html` is rendered first, so a mistake
    /// in `templates/base.html`, which every page extends, fails there.
    fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let messages = causes(e);
        let flat = messages
            .join(": ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let user = |name: &str| self.user_files.iter().find(|(n, _, _)| n == name);
        let leaf = messages.last().map_or("", String::as_str);
        let subject = subject(leaf);
        // Tera names templates from the outside in, but not always the right one: an
        // error in a parent's text after a block is placed in the page's own template.
        // So every template named, innermost first, each followed by its parents; the
        // file is the first of the site's own that holds what failed (a variable,
        // filter, macro...), else the innermost of the site's own Tera named.
        let named = self.named_templates(&messages, template);
        let mut candidates: Vec<&str> = Vec::new();
        for name in named.iter().rev() {
            candidates.push(name);
            if let Ok(t) = self.tera.get_template(name) {
                candidates.extend(t.parents.iter().map(String::as_str));
            }
        }
        let holds = |text: &str| subject.as_deref().is_some_and(|s| text.contains(s));
        let own = candidates
            .iter()
            .filter_map(|n| user(n))
            .find(|(_, text, _)| holds(text))
            .or_else(|| named.iter().rev().find_map(|n| user(n)));
        // A macro the built-in templates call, missing from the site's own macros.html.
        let missing_macro = leaf.starts_with("Macro `") && leaf.contains("not found in template");
        if let Some((_, text, file)) = own.filter(|(_, text, _)| !missing_macro || holds(text)) {
            // The line, when what failed is written once in the file.
            let line = subject.as_deref().and_then(|s| {
                let mut at = text.match_indices(s).map(|(i, _)| i);
                match (at.next(), at.next()) {
                    (Some(i), None) => Some(line_of(text, i)),
                    _ => None,
                }
            });
            return Diagnostic::error(file, line, format!("template error: {flat}"));
        }
        if missing_macro {
            if let Some((_, _, file)) = user("macros.html") {
                return Diagnostic::error(
                    file,
                    None,
                    format!("template error: {flat}; a macros.html of the site's own replaces the built-in one, so it must define every macro the built-in templates call (copy them from `broadsheet eject`)"),
                );
            }
        }
        // Tera named only built-in templates, or none: point at the site's templates only
        // when the failing one may be among them.
        let folder = if !named.is_empty() || self.user_files.is_empty() {
            "(built-in theme)"
        } else {
            "templates"
        };
        Diagnostic::error(folder, None, format!("template error: {flat}"))
    }

    /// The templates Tera's error messages name, outermost first: "Failed to render
    /// 'page.html'", "(error happened in 'base.html')", "while rendering macro
    /// `m::byline`" (the file imported as `m`), "while rendering 'partials/foot.html'",
    /// "not found in template `article.html`".
    fn named_templates(&self, messages: &[String], template: &str) -> Vec<String> {
        const MARKS: [(&str, char); 5] = [
            ("Failed to render '", '\''),
            ("(error happened in '", '\''),
            ("while rendering macro `", '`'),
            ("while rendering '", '\''),
            ("not found in template `", '`'),
        ];
        let mut found: Vec<(usize, usize, String)> = Vec::new();
        for (m, text) in messages.iter().enumerate() {
            for (mark, end) in MARKS {
                for (at, _) in text.match_indices(mark) {
                    let rest = &text[at + mark.len()..];
                    if let Some((name, _)) = rest.split_once(end) {
                        found.push((m, at, format!("{mark}{name}")));
                    }
                }
            }
        }
        found.sort();
        let mut names: Vec<String> = Vec::new();
        for (_, _, hit) in found {
            let name = match hit.split_once("while rendering macro `") {
                // `ns::name`: the file the template named last imports as `ns`.
                Some((_, call)) => {
                    let ns = call.split("::").next().unwrap_or_default();
                    let last = names.last().map_or(template, String::as_str);
                    let Some(file) = self.macro_file(last, ns) else {
                        continue;
                    };
                    file
                }
                None => hit
                    .split_once(['\'', '`'])
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default(),
            };
            if self.tera.get_template(&name).is_ok() && names.last() != Some(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The file `template` (or a template it extends) imports macros from as `ns`.
    fn macro_file(&self, template: &str, ns: &str) -> Option<String> {
        let t = self.tera.get_template(template).ok()?;
        std::iter::once(t)
            .chain(
                t.parents
                    .iter()
                    .filter_map(|p| self.tera.get_template(p).ok()),
            )
            .flat_map(|t| &t.imported_macro_files)
            .find(|(_, n)| n == ns)
            .map(|(file, _)| file.clone())
    }
}

/// The site's top-level templates that are no template broadsheet renders or imports
/// and that no other template names (to include, import or extend): most likely a
/// misspelt override (`artcle.html`), which would otherwise be ignored without a word.
/// Templates in subfolders (`partials/`) are taken to be the site's own building blocks.
fn unused_templates(user: &[(String, String, PathBuf)]) -> Vec<Diagnostic> {
    let known: Vec<&str> = theme::TEMPLATES.iter().map(|(n, _)| *n).collect();
    user.iter()
        .filter(|(name, _, _)| {
            name.ends_with(".html") && !name.contains('/') && !known.contains(&name.as_str())
        })
        .filter(|(name, _, _)| {
            // Named in Tera's syntax by another template: "name" or 'name'.
            !user.iter().any(|(other, text, _)| {
                other != name
                    && (text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'")))
            })
        })
        .map(|(name, _, file)| {
            let guess = did_you_mean(name, known.iter().copied());
            Diagnostic::warning(
                file,
                None,
                format!("template `{name}` is not used: it is not one of the theme's templates ({}) and no template includes, imports or extends it{guess}", known.join(", ")),
            )
            .with_kind("unused-template")
        })
        .collect()
}

/// Blocks a site's template defines that no template it extends has (`{% block
/// descripton %}`): Tera renders such a block nowhere, so the text would vanish without
/// a word. The nearest block name is suggested.
fn unknown_blocks(tera: &Tera, user: &[(String, String, PathBuf)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (name, text, file) in user {
        let Ok(template) = tera.get_template(name) else {
            continue;
        };
        if template.parents.is_empty() {
            continue;
        }
        let parents: Vec<&tera::Template> = template
            .parents
            .iter()
            .filter_map(|p| tera.get_template(p).ok())
            .collect();
        let mut own: Vec<&String> = template.blocks.keys().collect();
        own.sort();
        for block in own {
            // A block inside another of its own blocks is placed by that one.
            let nested = template
                .blocks
                .values()
                .any(|b| b.name != *block && contains_block(&b.body, block));
            if nested || parents.iter().any(|p| p.blocks.contains_key(block)) {
                continue;
            }
            let mut known: Vec<&String> = parents.iter().flat_map(|p| p.blocks.keys()).collect();
            known.sort();
            known.dedup();
            let guess = did_you_mean(block, known.iter().map(|k| k.as_str()));
            let line = text
                .lines()
                .position(|l| l.contains("block") && l.contains(block.as_str()))
                .map(|i| i + 1);
            out.push(
                Diagnostic::warning(
                    file,
                    line,
                    format!(
                        "block `{block}` is in no template `{name}` extends, so it is shown nowhere; the blocks there are {}{guess}",
                        known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .with_kind("unknown-block"),
            );
        }
    }
    out
}

/// `; did you mean `x`?` for the name of `known` nearest to a misspelt `name` (three
/// edits at most), else nothing.
pub(crate) fn did_you_mean<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .map(|k| (strsim::levenshtein(name, k), k))
        .min()
        .filter(|(distance, _)| *distance <= 3)
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// True when `nodes` hold a block named `name`, however deep.
fn contains_block(nodes: &[tera::ast::Node], name: &str) -> bool {
    use tera::ast::Node;
    nodes.iter().any(|node| match node {
        Node::Block(_, block, _) => block.name == name || contains_block(&block.body, name),
        Node::If(i, _) => {
            i.conditions
                .iter()
                .any(|(_, _, body)| contains_block(body, name))
                || i.otherwise
                    .as_ref()
                    .is_some_and(|(_, body)| contains_block(body, name))
        }
        Node::Forloop(_, f, _) => {
            contains_block(&f.body, name)
                || f.empty_body
                    .as_ref()
                    .is_some_and(|b| contains_block(b, name))
        }
        _ => false,
    })
}

/// `d`, a render error, saying what was being rendered (a page's URL and source file).
pub fn while_rendering(mut d: Diagnostic, what: &str) -> Diagnostic {
    if let Some(rest) = d.message.strip_prefix("template error") {
        if !rest.starts_with(" while rendering") {
            d.message = format!("template error while rendering {what}{rest}");
        }
    }
    d
}

/// What failed, from Tera's innermost message: the variable, filter, function, test or
/// macro it names, as written in a template (`site.logo`, `m::bylin`).
fn subject(leaf: &str) -> Option<String> {
    const MARKS: [(&str, char); 10] = [
        ("Variable `", '`'),
        ("Filter '", '\''),
        ("Filter `", '`'),
        ("Function '", '\''),
        ("Function `", '`'),
        ("Test '", '\''),
        ("Test `", '`'),
        ("Macro `", '`'),
        ("Macro namespace `", '`'),
        ("Template '", '\''),
    ];
    MARKS.iter().find_map(|(mark, end)| {
        let rest = &leaf[leaf.find(mark)? + mark.len()..];
        let name = rest.split_once(*end)?.0;
        // An include names its templates as `[a.html, b.html]`.
        let name = name
            .trim_start_matches('[')
            .split([',', ']'])
            .next()?
            .trim();
        (!name.is_empty()).then(|| name.to_string())
    })
}

fn template_of(page: &Page) -> &'static str {
    {
        match &page.kind {
            PageKind::Article(_) => "article.html",
            PageKind::Listing(crate::archive::Listing::Home, _) => "index.html",
            PageKind::Listing(..) => "list.html",
            PageKind::TermIndex(_) => "terms.html",
            PageKind::DateIndex => "archive.html",
            PageKind::Search => "search.html",
        }
    }
}

/// Convenience for the build driver: views over an archive, whose pages link `icons`
/// (see [`theme::icons`]).
pub fn views<'a>(
    archive: &'a Archive,
    config: &'a SiteConfig,
    ui: &'a ui::Ui,
    icons: &[(&str, &'static str)],
) -> Views<'a> {
    Views::new(archive, config, ui, icons)
}

fn read_user_templates(
    dir: &Path,
    site_dir: &Path,
) -> Result<Vec<(String, String, PathBuf)>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry
            .map_err(|e| Diagnostic::error(display_path(dir, site_dir), None, e.to_string()))?;
        if !entry.file_type().is_file() || !is_template(entry.path()) {
            continue;
        }
        let shown = display_path(entry.path(), site_dir);
        let name = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| Diagnostic::error(&shown, None, format!("cannot read template: {e}")))?;
        out.push((name, text, shown));
    }
    Ok(out)
}

/// Escapes text for HTML text and quoted attributes. Tera's default also escapes `/`,
/// which is safe but bloats every URL in every page.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html_into(text, &mut out);
    out
}

/// [`escape_html`], appending to `out` (for markup made in Rust).
///
/// The same five entities as `html_escape::encode_quoted_attribute`, but most text has
/// none of the five characters: it is scanned 16 bytes at a time (a loop the compiler
/// turns into vector compares) and copied whole. Every title, summary and URL of every
/// page goes through here; the byte-at-a-time loop was 3.7% of a build's CPU.
pub fn escape_html_into(text: &str, out: &mut String) {
    const CHUNK: usize = 16;
    let bytes = text.as_bytes();
    out.reserve(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + CHUNK) {
            if !chunk.iter().fold(false, |any, &b| any | is_special(b)) {
                i += CHUNK;
                continue;
            }
        }
        let end = (i + CHUNK).min(bytes.len());
        for j in i..end {
            let entity = match bytes[j] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                _ => continue,
            };
            // The five are ASCII, so `j` is always a character boundary.
            out.push_str(&text[copied..j]);
            out.push_str(entity);
            copied = j + 1;
        }
        i = end;
    }
    out.push_str(&text[copied..]);
}

/// One of the characters [`escape_html_into`] replaces.
#[inline(always)]
fn is_special(b: u8) -> bool {
    (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == b'\'')
}

/// Template files by extension; notes (`README.md`) and hidden files beside them are ignored.
fn is_template(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    !hidden && matches!(ext, "html" | "htm" | "xml" | "txt" | "json" | "tera")
}

/// Tera's error and each of its causes, outermost first.
fn causes(e: &tera::Error) -> Vec<String> {
    let mut all = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        all.push(s.to_string());
        source = s.source();
    }
    all
}

/// Tera's error and all its causes on one line (they hold the template name and line).
fn chain(e: &tera::Error) -> String {
    causes(e).join(": ")
}

fn template_error(file: &Path, e: &tera::Error) -> Diagnostic {
    let text = chain(e);
    // Tera's parse errors carry "--> LINE:COL".
    let line = text
        .split("--> ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse().ok());
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Diagnostic::error(file, line, format!("template error: {flat}"))
}

/// The first tag of `source` that is never closed, or closed by the wrong end tag: its
/// line and what to do. Tera only says the file ended early (or names the wrong end).
fn unclosed_tag(source: &str) -> Option<(usize, String)> {
    const PAIRED: [&str; 5] = ["block", "for", "if", "macro", "filter"];
    let mut open: Vec<(&str, &str, usize)> = Vec::new();
    let mut rest = source;
    let line_at = |rest: &str| line_of(source, source.len() - rest.len());
    while let Some(at) = rest.find(['{']) {
        rest = &rest[at..];
        let close = match rest.as_bytes().get(1) {
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                rest = &rest[1..];
                continue;
            }
        };
        // After the opening two characters: `{#}` is no comment.
        let Some(end) = rest[2..].find(close).map(|e| e + 2) else {
            break;
        };
        let inner = rest[2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let line = line_at(rest);
        rest = &rest[end + 2..];
        if close == "#}" {
            continue;
        }
        let mut words = inner.split_whitespace();
        let keyword = words.next().unwrap_or("");
        if keyword == "raw" {
            // Nothing in a raw block is a tag.
            match rest.find("endraw") {
                Some(i) => rest = &rest[i..],
                None => {
                    return Some((
                        line,
                        "`{% raw %}` is never closed: add `{% endraw %}` where it should end"
                            .into(),
                    ))
                }
            }
            continue;
        }
        if PAIRED.contains(&keyword) {
            open.push((keyword, inner, line));
        } else if let Some(kind) = keyword.strip_prefix("end").filter(|k| PAIRED.contains(k)) {
            match open.pop() {
                Some((opened, _, _)) if opened == kind => {}
                Some((opened, text, at)) => {
                    return Some((
                        at,
                        format!("`{{% {text} %}}` is closed by `{{% end{kind} %}}` on line {line}: it needs `{{% end{opened} %}}` first"),
                    ))
                }
                None => {
                    return Some((
                        line,
                        format!("`{{% end{kind} %}}` closes nothing: remove it, or open the {kind} it ends"),
                    ))
                }
            }
        }
    }
    open.pop().map(|(kind, text, line)| {
        (
            line,
            format!(
                "`{{% {text} %}}` is never closed: add `{{% end{kind} %}}` where it should end"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_html_escape_on_every_length_and_position() {
        // Each special character, and a multibyte one, at every place around the
        // 16-byte chunks' edges, in texts of every length up to three chunks.
        let fill = ["a", "é", "&", "<", ">", "\"", "'", "€"];
        for len in 0..48 {
            for (k, special) in fill.iter().enumerate() {
                for at in 0..len {
                    let text: String = (0..len)
                        .map(|i| {
                            if i == at {
                                *special
                            } else {
                                fill[(i * 7 + k) % 2]
                            }
                        })
                        .collect();
                    let want = html_escape::encode_quoted_attribute(&text);
                    assert_eq!(escape_html(&text), want, "{text:?}");
                }
            }
        }
        let all = "Tom & Jerry's <b>\"best\"</b> — 100% café & bar";
        assert_eq!(escape_html(all), html_escape::encode_quoted_attribute(all));
    }

    #[test]
    fn a_tag_left_open_is_named_at_its_line() {
        let cases = [
            ("{% block content %}\n<p>x</p>\n", Some((1, "`{% block content %}` is never closed: add `{% endblock %}` where it should end"))),
            ("{% block a %}\n{% for x in y %}\n{% endblock %}\n", Some((2, "`{% for x in y %}` is closed by `{% endblock %}` on line 3: it needs `{% endfor %}` first"))),
            ("{%- if a -%}x{%- endif -%}\n{% endfor %}", Some((2, "`{% endfor %}` closes nothing: remove it, or open the for it ends"))),
            ("{# {% if %} #}{% raw %}{% if %}{% endraw %}{% if a %}{% elif b %}{% else %}{% endif %}", None),
            ("{{ a }} { not a tag } {% set x = 1 %}", None),
            ("<p>Use {#} or {%} here</p>", None),
        ];
        for (source, want) in cases {
            let got = unclosed_tag(source);
            assert_eq!(
                got.as_ref().map(|(l, m)| (*l, m.as_str())),
                want,
                "{source}"
            );
        }
    }

    #[test]
    fn what_failed_is_read_from_teras_message() {
        let cases = [
            (
                "Variable `site.logo` not found in context while rendering '404.html'",
                Some("site.logo"),
            ),
            ("Filter 'nosuchfilter' not found", Some("nosuchfilter")),
            (
                "Macro `m::bylin` not found in template `article.html`",
                Some("m::bylin"),
            ),
            (
                "Template '[partials/fot.html]' not found",
                Some("partials/fot.html"),
            ),
            ("something else", None),
        ];
        for (leaf, want) in cases {
            assert_eq!(subject(leaf).as_deref(), want, "{leaf}");
        }
    }
}
