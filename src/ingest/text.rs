//! Raw article text (`.txt`) as scraped from news sites or shipped in news datasets.
//!
//! Two layouts are read with the same general rules rather than per-site cases:
//! - scraped: headline; a byline (`AFP , AP , Tuesday 7 Mar 2023`: agencies and/or
//!   writers and a date); the lede; an optional photo block (a short title line, then a
//!   `File photo: ... AFP` caption ending in the credit); paragraphs; page furniture
//!   such as `Short link:`;
//! - plain: headline, blank line, paragraphs (BBC-style datasets).
//!
//! Every line is cleaned the same way: non-breaking and other odd spaces folded, HTML
//! entities decoded, whitespace-only lines dropped, trailers removed, quotes kept.

use std::borrow::Cow;

use super::body::{bullet, decode_entities, fold_spaces, paragraphs_body};
use super::dates::{
    is_missing_day, local_to_zone, missing_day_message, parse_date_with, wrong_weekday,
    wrong_weekday_message, DateError,
};
use super::record::{
    finish, is_outlet, is_role, names_in, role_agency, strip_by, strip_prefix_ci, Draft,
};
use super::settings::{Furniture, IngestConfig};
use super::{FileOutcome, SourceFile};
use crate::article::Image;
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::slug::without_bidi_controls;

/// Blocks after the headline searched for a byline or a date line.
const HEADER_BLOCKS: usize = 3;
/// Longest byline part read as a person's name, in words.
const NAME_WORDS: usize = 6;
/// Longest photo title or photo credit, in words.
const SHORT_WORDS: usize = 10;

/// A cleaned, non-blank line and its 1-based number in the file.
#[derive(Debug, Clone)]
struct Line {
    no: usize,
    text: String,
    /// A line of built-in clutter (`Advertisement`): dropped once its block shows it
    /// stands as a paragraph of its own ([`push_block`]).
    clutter: bool,
}

/// Consecutive non-blank lines.
type Block = Vec<Line>;

/// What a byline held.
#[derive(Debug, Default)]
struct Byline {
    authors: Vec<String>,
    sources: Vec<String>,
    date: Option<chrono::DateTime<chrono_tz::Tz>>,
    /// Parts that were neither a name, an agency nor a date.
    unplaced: Vec<String>,
    ambiguous: Option<String>,
    /// A date whose day its month does not have (`29 Feb 2023`).
    missing_day: Option<String>,
    /// The date as written and the weekday it really fell on, when it names another.
    wrong_weekday: Option<(String, &'static str)>,
    /// The place of a dash byline (`القاهرة - أ ش أ`), where the story was filed from.
    filed_from: bool,
    /// That place, when it could as well be a writer's name (`Jane Doe - Reuters`:
    /// words in mixed case, where a dateline writes its place in capitals), to say so.
    place_or_writer: Option<String>,
    /// The update time in parentheses after the date (`7 Mar 2023 (updated 8 Mar 2023)`).
    updated: Option<chrono::DateTime<chrono_tz::Tz>>,
}

impl Byline {
    /// True once a date was read (even one that cannot be used).
    fn dated(&self) -> bool {
        self.date.is_some() || self.ambiguous.is_some() || self.missing_day.is_some()
    }

    /// Takes `candidate` as the byline's date if it reads as one: a date, an ambiguous
    /// one or one whose day its month lacks. False when it is no date.
    fn read_date(&mut self, candidate: &str, config: &SiteConfig) -> bool {
        let order = config.ingest.date_order;
        match parse_date_with(candidate, config.tz, order) {
            Ok(d) => {
                self.wrong_weekday =
                    wrong_weekday(candidate, &d).map(|w| (candidate.to_string(), w));
                self.date = Some(d);
            }
            Err(DateError::Ambiguous) => self.ambiguous = Some(candidate.to_string()),
            Err(DateError::NotADate) if is_missing_day(candidate, config.tz, order) => {
                self.missing_day = Some(candidate.to_string())
            }
            Err(DateError::NotADate) => return false,
        }
        true
    }
}

/// Parses one text file into one article.
pub fn parse(file: &SourceFile, config: &SiteConfig) -> FileOutcome {
    let mut out = FileOutcome::default();
    let ingest = &config.ingest;
    let mut blocks = blocks(&file.text, config);
    if blocks.is_empty() {
        out.diagnostics
            .push(Diagnostic::warning(&file.shown, None, "holds no text").with_kind("empty"));
        return out;
    }

    // Headline: the first line. Lines right under it without a blank line between are
    // header lines in their own right.
    let mut first = blocks.remove(0);
    let mut headline = first.remove(0);
    // A headline wrapped onto a second line, above its byline in the same block: the lines
    // before the block's first header line join the headline while they are short and it
    // does not end a sentence. (One look for the header line, and one splice, keep a
    // long first block linear.)
    let header_at = first.iter().position(|l| is_header_line(&l.text, config));
    let mut joined = 0;
    for line in &first[..header_at.unwrap_or(0)] {
        if ends_sentence(&headline.text) || line.text.split_whitespace().count() > SHORT_WORDS {
            break;
        }
        headline.text.push(' ');
        headline.text.push_str(&line.text);
        joined += 1;
    }
    blocks.splice(0..0, first.drain(joined..).map(|line| vec![line]));
    // Header lines stacked without a blank line between them (a byline, then its date
    // or an `Updated:` line) are header lines each.
    let mut k = 0;
    while k < blocks.len().min(HEADER_BLOCKS) {
        let stacked = blocks[k].len() > 1
            && blocks[k].len() <= HEADER_BLOCKS
            && (0..blocks[k].len()).all(|j| is_stacked_header(&blocks[k], j, config));
        if stacked {
            let block = blocks.remove(k);
            for (j, line) in block.into_iter().enumerate() {
                blocks.insert(k + j, vec![line]);
            }
        }
        k += 1;
    }

    let mut draft = Draft::default();
    let mut header_end = 0;
    // A byline's date was refused with a warning of its own.
    let mut date_refused = false;
    for (i, block) in blocks.iter().enumerate().take(HEADER_BLOCKS) {
        if block.len() != 1 {
            break;
        }
        let line = &block[0];
        if let Some(date) = date_line(&line.text, config) {
            if let Some(actual) = wrong_weekday(&date_text(&line.text), &date) {
                out.diagnostics
                    .push(weekday_warning(&file.shown, line, &line.text, actual));
            }
            // After a refused byline date, the article stays undated (as its warning
            // says): a date line may still give the update time, not the date.
            if draft.date.is_none() && !date_refused {
                draft.date = Some(date);
            } else if is_updated_line(&line.text) && draft.updated.is_none() {
                draft.updated = Some(date);
            } else {
                break;
            }
            header_end = i + 1;
            continue;
        }
        if draft.date.is_some() || date_refused {
            break;
        }
        // A writer's name alone on its line, with the date on the next.
        let next_is_date = || {
            blocks
                .get(i + 1)
                .is_some_and(|b| b.len() == 1 && date_line(&b[0].text, config).is_some())
        };
        // The BBC's `By Jane Smith` / `BBC News, Cairo` / `7 March 2023`: between the
        // writer and the date, the outlet and the place the story was filed from, if any.
        if !draft.authors.is_empty() && draft.sources.is_empty() && next_is_date() {
            if let Some(outlet) = desk_line(&line.text, config) {
                draft.sources.push(outlet);
                header_end = i + 1;
                continue;
            }
        }
        let byline = match byline(&line.text, config) {
            Some(b) => b,
            None if draft.authors.is_empty() && is_name(&line.text) && next_is_date() => Byline {
                authors: vec![line.text.clone()],
                ..Byline::default()
            },
            None => break,
        };
        // A second byline line only adds what the first lacked: the agency under the
        // writer's name (`By Jane Doe` / `Reuters`), or the writers under the agency.
        let adds = (draft.authors.is_empty() || byline.authors.is_empty())
            && (draft.sources.is_empty() || byline.sources.is_empty());
        if (!draft.authors.is_empty() || !draft.sources.is_empty()) && !adds {
            break;
        }
        for part in &byline.unplaced {
            out.diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    Some(line.no),
                    format!("could not place '{part}' from the byline (not a name, a known agency or a date); add agencies under [ingest] in site.toml if it is one"),
                )
                .with_kind("unplaced-line"),
            );
        }
        if let Some(place) = &byline.place_or_writer {
            out.diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    Some(line.no),
                    format!("'{place}' beside the agency is read as the place the story was filed from, as in 'CAIRO - Reuters'; if it is the writer, write the byline as 'By {place}, {}'", byline.sources.join(", ")),
                )
                .with_kind("place-or-writer"),
            );
        }
        if let Some((text, actual)) = &byline.wrong_weekday {
            out.diagnostics
                .push(weekday_warning(&file.shown, line, text, actual));
        }
        if let Some(text) = &byline.missing_day {
            date_refused = true;
            out.diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    Some(line.no),
                    format!(
                        "date {}; the article is listed as undated until it is corrected",
                        missing_day_message(text)
                    ),
                )
                .with_kind("bad-date"),
            );
        }
        if let Some(text) = &byline.ambiguous {
            out.diagnostics.push(
                Diagnostic::warning(
                    &file.shown,
                    Some(line.no),
                    format!("date '{text}' could be day-first or month-first; set date_order = \"day-first\" or \"month-first\" under [ingest] in site.toml"),
                )
                .with_kind("ambiguous-date"),
            );
        }
        draft.authors.extend(byline.authors);
        draft.sources.extend(byline.sources);
        draft.date = byline.date;
        if draft.updated.is_none() {
            draft.updated = byline.updated;
        }
        header_end = i + 1;
    }
    let body_blocks = blocks.split_off(header_end);

    // The first caption line anywhere in the body, with the short title line above it.
    let mut paragraphs: Vec<String> = Vec::new();
    let mut photo_done = false;
    for block in body_blocks {
        let caption_at = block.iter().position(|l| is_caption(&l.text));
        let Some(c) = caption_at else {
            push_paragraphs(&block, &mut paragraphs);
            continue;
        };
        if photo_done {
            // A later photo's title and caption stay in the body (the article has one
            // image), each a paragraph of its own rather than run together.
            push_paragraphs(&block[..c], &mut paragraphs);
            paragraphs.push(block[c].text.clone());
            push_paragraphs(&block[c + 1..], &mut paragraphs);
            continue;
        }
        photo_done = true;
        let title_at = (c > 0 && is_short_title(&block[c - 1].text)).then(|| c - 1);
        let keep_before = title_at.unwrap_or(c);
        push_paragraphs(&block[..keep_before], &mut paragraphs);
        if ingest.photo_captions {
            let (caption, credit) = split_credit(&block[c].text, ingest);
            draft.image = Some(Image {
                src: None,
                title: title_at.map(|t| block[t].text.clone()),
                caption: Some(caption),
                credit,
                alt: None,
            });
        }
        push_paragraphs(&block[c + 1..], &mut paragraphs);
    }

    // A lede that opens with a wire dateline (`Madrid, 7 mar (EFE).- ...`, `CAIRO, March
    // 7 (Reuters) - ...`) names the agency, when the header named none, and the day, when
    // it gave no date; the paragraph stays as written, as news sites show it.
    let mut yearless = None;
    if let Some(dateline) = paragraphs.first().and_then(|p| lede_dateline(p, config)) {
        if draft.sources.is_empty() {
            draft.sources.push(dateline.agency.clone());
        }
        if draft.date.is_none() && !date_refused {
            draft.date = dateline.date(config);
            if dateline.day.is_some_and(|(_, _, year)| year.is_none()) {
                yearless = Some(dateline.written);
            }
        }
    }

    if draft.date.is_none() && !date_refused {
        // A file that starts with its byline has lost its headline: saying that a byline
        // is expected under the headline would point at the wrong line.
        let undated = match &yearless {
            Some(written) => format!("no date found (expected a byline such as 'AFP, Tuesday 7 Mar 2023' under the headline; the lede's dateline '{written}' gives the day but not the year); the article is listed as undated"),
            None => "no date found (expected a byline such as 'AFP, Tuesday 7 Mar 2023' under the headline); the article is listed as undated".to_string(),
        };
        // (`Iraq Talks - Reuters` is a page title's form too: without a date, a place
        // and an agency do not make the first line a byline.)
        let lost = date_line(&headline.text, config).is_some()
            || byline(&headline.text, config).is_some_and(|b| !b.filed_from || b.dated());
        let (message, kind) = if lost {
            ("the first line, where the headline goes, reads as a byline or a date: the headline seems to be missing; write it on the first line, above the byline (until then the article is listed as undated, under this line as its headline)".to_string(), "no-headline")
        } else {
            (undated, "undated")
        };
        out.diagnostics
            .push(Diagnostic::warning(&file.shown, Some(headline.no), message).with_kind(kind));
    }
    if paragraphs.is_empty() {
        out.diagnostics.push(
            Diagnostic::warning(
                &file.shown,
                Some(headline.no),
                "has a headline but no body text",
            )
            .with_kind("empty-body"),
        );
    }
    let body = paragraphs_body(&paragraphs);
    let article = finish(
        draft,
        headline.text,
        body,
        file,
        config.slugs,
        &mut out.diagnostics,
    );
    out.articles.push(article);
    out
}

/// Cleans every line and groups the non-blank ones into blocks. Trailer lines, clutter
/// lines that stand as paragraphs of their own ([`push_block`]), and a bare URL right
/// after either, are dropped.
fn blocks(text: &str, config: &SiteConfig) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Block = Vec::new();
    let mut after_trailer = false;
    for (i, raw) in text.lines().enumerate() {
        let folded = fold_spaces(raw);
        let decoded = decode_entities(&folded);
        let text = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            if !current.is_empty() {
                // A trailer ending the block, or clutter dropped with it: a link opening
                // the next block goes too.
                after_trailer |= push_block(std::mem::take(&mut current), &mut blocks, config);
            }
            continue;
        }
        let furniture = config.ingest.furniture(&text);
        if furniture == Some(Furniture::Trailer) {
            after_trailer = true;
            continue;
        }
        if after_trailer && is_bare_link(&text) {
            continue;
        }
        after_trailer = false;
        current.push(Line {
            no: i + 1,
            text,
            clutter: furniture.is_some(),
        });
    }
    if !current.is_empty() {
        push_block(current, &mut blocks, config);
    }
    blocks
}

/// Adds a finished block to `blocks` without its clutter lines (and a bare URL right
/// after one), but for a clutter line that ends a hard-wrapped paragraph: one in a
/// block read as one paragraph, under a line of it that ends no sentence and with no
/// text after it (`... spent on` / `Advertisement`), where the words are the
/// paragraph's. Under the headline, in the
/// first block, clutter is always dropped: no paragraph starts there. True when the
/// block's last line was dropped, so that a link opening the next block goes with it.
fn push_block(block: Block, blocks: &mut Vec<Block>, config: &SiteConfig) -> bool {
    if !block.iter().any(|l| l.clutter) {
        blocks.push(block);
        return false;
    }
    let headline = blocks.is_empty();
    // How the block reads without its clutter: as one paragraph, or a paragraph a line.
    let by_line = line_per_paragraph(block.iter().filter(|l| !l.clutter).map(|l| l.text.as_str()));
    let mut kept: Block = Vec::with_capacity(block.len());
    // The line above was dropped.
    let mut dropped = false;
    // A wrapped line of one word ends its paragraph: a clutter line with text after it
    // in the block is an ad slot inside the paragraph, not its last word.
    let last_text = block.iter().rposition(|l| !l.clutter);
    for (j, line) in block.into_iter().enumerate() {
        let continues = |above: &Line| {
            !ends_sentence(&above.text)
                && bullet(&above.text).is_none()
                && !is_header_line(&above.text, config)
        };
        let drop = if line.clutter {
            headline
                || by_line
                || dropped
                || last_text.is_some_and(|t| j < t)
                || !kept.last().is_some_and(continues)
        } else {
            dropped && is_bare_link(&line.text)
        };
        if !drop {
            kept.push(line);
        }
        dropped = drop;
    }
    if !kept.is_empty() {
        blocks.push(kept);
    }
    dropped
}

/// A web address alone on its line, as a link trailer's link is written under it.
fn is_bare_link(text: &str) -> bool {
    !text.contains(' ') && text.contains("://")
}

/// A block's paragraphs: lines that each end a sentence are paragraphs of their own;
/// otherwise the block is one hard-wrapped paragraph.
fn push_paragraphs(block: &[Line], out: &mut Vec<String>) {
    if block.is_empty() {
        return;
    }
    // A subheading right above its text (`Background` / `The talks began...`) is a
    // paragraph of its own, not the start of a wrapped one.
    if let [first, next, ..] = block {
        if is_subheading(&first.text, &next.text) {
            out.push(first.text.clone());
            return push_paragraphs(&block[1..], out);
        }
    }
    // Bullet points are paragraphs of their own (a list, once rendered); the lines
    // between them are read as any block is.
    if block.len() > 1 && block.iter().any(|l| bullet(&l.text).is_some()) {
        let mut from = 0;
        for (i, line) in block.iter().enumerate() {
            if bullet(&line.text).is_some() {
                push_paragraphs(&block[from..i], out);
                out.push(line.text.clone());
                from = i + 1;
            }
        }
        push_paragraphs(&block[from..], out);
        return;
    }
    if line_per_paragraph(block.iter().map(|l| l.text.as_str())) {
        out.extend(block.iter().map(|l| l.text.clone()));
    } else {
        out.push(
            block
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
}

/// Whether `line` reads as a subheading over `next`: a few words that end no sentence,
/// shorter than half the next line, both starting with a capital. A wrapped line is
/// about as long as the next (`The minister met with` / `President Biden on Tuesday.`).
fn is_subheading(line: &str, next: &str) -> bool {
    let capital = |t: &str| t.chars().next().is_some_and(char::is_uppercase);
    line.split_whitespace().count() <= 5
        && !ends_sentence(line)
        && line.chars().count() * 2 < next.chars().count()
        && capital(line)
        && capital(next)
}

/// Whether a block of these lines holds a paragraph a line rather than one hard-wrapped
/// paragraph: at least half of the lines above the last end a sentence. The last is
/// left out, as it ends one either way: counted, it made every wrapped paragraph of two
/// lines a paragraph a line.
fn line_per_paragraph<'a>(lines: impl Iterator<Item = &'a str>) -> bool {
    let lines: Vec<&str> = lines.collect();
    let Some((_, above)) = lines.split_last() else {
        return false;
    };
    let ending = above.iter().filter(|t| ends_sentence(t)).count();
    !above.is_empty() && ending * 2 >= above.len()
}

fn ends_sentence(text: &str) -> bool {
    text.ends_with(['.', '!', '?', '"', '\'', '\u{201d}', '\u{2019}', ':', ')'])
}

/// A date that names a weekday it did not fall on: kept, and said.
fn weekday_warning(shown: &std::path::Path, line: &Line, text: &str, actual: &str) -> Diagnostic {
    Diagnostic::warning(shown, Some(line.no), wrong_weekday_message(text, actual))
        .with_kind("bad-date")
}

/// A line a header is made of: a date line or a byline.
fn is_header_line(text: &str, config: &SiteConfig) -> bool {
    date_line(text, config).is_some() || byline(text, config).is_some()
}

/// Whether line `j` of a block under the headline is a header line of its own: a
/// byline or a date line, or one that is a header line only above a date line (a desk
/// line under a writer's byline, `BBC News, Cairo`; a dash byline without a date,
/// `القاهرة - أ ش أ`).
fn is_stacked_header(block: &[Line], j: usize, config: &SiteConfig) -> bool {
    let text = &block[j].text;
    if is_header_line(text, config) {
        return true;
    }
    let date_under = block
        .get(j + 1)
        .is_some_and(|l| date_line(&l.text, config).is_some());
    let under_writer = j > 0
        && byline(&block[j - 1].text, config)
            .is_some_and(|b| !b.authors.is_empty() && b.sources.is_empty());
    date_under && under_writer && desk_line(text, config).is_some()
}

/// Words that make a name an outlet's (`BBC News`, `Sky News`, `BBC World Service`)
/// rather than a place's (`Paris`) or a writer's.
/// `BBC News, Cairo`: an outlet and the place a story was filed from, as the line
/// between a writer's byline and the date (only there: elsewhere two names after a comma
/// may be two writers, and an outlet's name alone may be a paragraph's). The place may
/// be left out (`BBC News`). The outlet is a known agency or a name with a newsroom's
/// word ([`is_outlet`]): `Paris, France` and `Jane Doe, John Roe` are no desk.
/// Returns the outlet, as an agency's name when it is one.
fn desk_line(text: &str, config: &SiteConfig) -> Option<String> {
    let parts: Vec<&str> = text.split([',', '\u{60c}']).map(str::trim).collect();
    let (outlet, place) = match parts.as_slice() {
        [outlet] => (*outlet, None),
        [outlet, place] => (*outlet, Some(*place)),
        _ => return None,
    };
    let short = |p: &str| p.split_whitespace().count() <= 4;
    let fits = |p: &str| short(p) && is_name(p) && !is_role(p);
    if !(fits(outlet) && place.is_none_or(fits)) {
        return None;
    }
    config
        .ingest
        .agency(outlet)
        .or_else(|| is_outlet(outlet).then(|| outlet.to_string()))
}

/// A wire story's dateline at the start of its lede: `Madrid, 7 mar (EFE).-`.
#[derive(Debug)]
struct LedeDateline {
    agency: String,
    /// Month, day and the year when written.
    day: Option<(u32, u32, Option<i32>)>,
    /// The dateline as written, up to the agency's parenthesis, for messages.
    written: String,
}

impl LedeDateline {
    /// The day, when the dateline gives its year too: a year is never guessed (the
    /// header's date, when there is one, is used before this).
    fn date(&self, config: &SiteConfig) -> Option<chrono::DateTime<chrono_tz::Tz>> {
        let (month, day, year) = self.day?;
        let date = chrono::NaiveDate::from_ymd_opt(year?, month, day)?;
        Some(local_to_zone(
            date.and_time(chrono::NaiveTime::MIN),
            config.tz,
        ))
    }
}

/// Spanish month abbreviations as EFE writes them (`7 mar`, `12 dic`); full names and
/// the other languages' are read by the date parser.
const SPANISH_MONTHS: [(&str, u32); 5] =
    [("ene", 1), ("abr", 4), ("ago", 8), ("set", 9), ("dic", 12)];

/// The dateline a wire story's lede opens with: a place (a short name), optionally a
/// comma and a day and month (a year too), then a known agency in parentheses and a
/// dash: `Madrid, 7 mar (EFE).-`, `CAIRO, March 7 (Reuters) -`, `GAZA (AP) —`. Anything
/// else before the parenthesis, or no dash after it, and the lede is only text.
fn lede_dateline(text: &str, config: &SiteConfig) -> Option<LedeDateline> {
    let open = text.find('(')?;
    let head = text[..open].trim();
    if head.is_empty() || head.chars().count() > 60 {
        return None;
    }
    let close = open + text[open..].find(')')?;
    let agency = config.ingest.agency(&text[open + 1..close])?;
    let after = text[close + 1..].trim_start_matches(['.', ' ']);
    if !after.starts_with(['-', '\u{2013}', '\u{2014}']) {
        return None;
    }
    let (place, when) = match head.split_once(',') {
        Some((place, when)) => (place.trim(), Some(when.trim())),
        None => (head, None),
    };
    if place.split_whitespace().count() > 4 || !is_name(place) {
        return None;
    }
    let day = match when {
        Some(when) => Some(day_and_month(when, config)?),
        None => None,
    };
    Some(LedeDateline {
        agency,
        day,
        written: head.to_string(),
    })
}

/// `7 mar`, `March 7`, `7 mars 2023`: (month, day, year when given); nothing else.
fn day_and_month(text: &str, config: &SiteConfig) -> Option<(u32, u32, Option<i32>)> {
    use chrono::Datelike;
    let (mut month, mut day, mut year) = (None, None, None);
    for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
        let word = word.trim_end_matches('.');
        if word.bytes().all(|b| b.is_ascii_digit()) {
            match word.len() {
                1 | 2 if day.is_none() => day = word.parse::<u32>().ok(),
                4 if year.is_none() => year = word.parse::<i32>().ok(),
                _ => return None,
            }
            continue;
        }
        if month.is_some() {
            return None;
        }
        let lower = word.to_lowercase();
        month = SPANISH_MONTHS
            .iter()
            .find(|(name, _)| *name == lower)
            .map(|(_, n)| *n)
            .or_else(|| {
                parse_date_with(&format!("1 {word} 2000"), config.tz, None)
                    .ok()
                    .map(|d| d.month())
            });
        month?;
    }
    Some((month?, day.filter(|d| (1..=31).contains(d))?, year))
}

/// `Updated: Wednesday 8 Mar 2023`, `Last updated 8 March 2023`.
fn is_updated_line(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with("updated") || lower.starts_with("last updated")
}

/// A line that is only a date, possibly after `Published`, `Posted` or `Updated`.
fn date_line(text: &str, config: &SiteConfig) -> Option<chrono::DateTime<chrono_tz::Tz>> {
    let text = without_bidi_controls(text);
    parse_date_with(&date_text(&text), config.tz, config.ingest.date_order).ok()
}

/// `text` without a leading `Published`, `Posted`, `Updated`... (or their French,
/// Spanish, German and Arabic counterparts) and its colon; a time given in words after
/// the date (`1er mars 2023 à 14h30`, `7. März 2023 um 14:30 Uhr`) is written as a
/// clock time after it (`1er mars 2023 14:30`), with the zone named after it if any
/// (`à 10h30 GMT`, `um 14:30 Uhr MEZ`), anything else after such a word dropped.
fn date_text(text: &str) -> Cow<'_, str> {
    let mut text = text;
    for prefix in [
        "published on",
        "published",
        "posted on",
        "posted",
        "last updated",
        "updated",
        "date",
        "publié le",
        "mis à jour le",
        "publicado el",
        "actualizado el",
        "veröffentlicht am",
        "aktualisiert am",
        "نشر في",
        "نُشر في",
        "آخر تحديث",
    ] {
        if let Some(rest) = strip_prefix_ci(text, prefix) {
            text = rest.trim_start_matches([':', ' ']);
            break;
        }
    }
    for at in [" à ", " a las ", " um ", " الساعة "] {
        if let Some((date, after)) = text.split_once(at) {
            let date = date.trim_end_matches([',', ' ']);
            return match clock_time(after) {
                Some(((h, m), rest)) => {
                    // The first word after the time (past `Uhr`, in brackets or not).
                    let zone = rest
                        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ','))
                        .find(|w| !w.is_empty() && !w.eq_ignore_ascii_case("uhr"))
                        .and_then(super::dates::zone_abbreviation);
                    match zone {
                        Some(zone) => Cow::Owned(format!("{date} {h:02}:{m:02} {zone}")),
                        None => Cow::Owned(format!("{date} {h:02}:{m:02}")),
                    }
                }
                None => Cow::Borrowed(date),
            };
        }
    }
    Cow::Borrowed(text)
}

/// The hour and minute a time in words starts with (`14h30`, `14h`, `14:30`, `10.30`),
/// and the text after it.
fn clock_time(text: &str) -> Option<((u32, u32), String)> {
    let text = super::dates::western_digits(text.trim_start());
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let h_len = digits(&text);
    let hour: u32 = text.get(..h_len)?.parse().ok()?;
    let rest = &text[h_len..];
    let sep = rest.chars().next()?;
    if !matches!(sep, 'h' | 'H' | ':' | '.') {
        return None;
    }
    let rest = &rest[sep.len_utf8()..];
    let m_len = digits(rest);
    let minute: u32 = match m_len {
        0 if matches!(sep, 'h' | 'H') => 0,
        2 => rest[..2].parse().ok()?,
        _ => return None,
    };
    (h_len <= 2 && hour < 24 && minute < 60).then(|| ((hour, minute), rest[m_len..].to_string()))
}

/// Reads `text` as a byline: comma- or bar-separated agencies, names and one date. A line
/// is a byline when it holds a date or a known agency, or starts with "By"; otherwise `None`.
fn byline(text: &str, config: &SiteConfig) -> Option<Byline> {
    // Bidi controls around a name or date (as RTL pages wrap them) are no part of it.
    let text = without_bidi_controls(text);
    let mut line = text.trim();
    let by = strip_by(line).is_some();
    if let Some(rest) = strip_by(line) {
        line = rest;
    }
    // `Tuesday 7 Mar 2023 (updated Wednesday 8 Mar 2023)`, as Ahram Online writes it.
    let mut updated = None;
    if let Some((before, inside)) = line
        .strip_suffix(')')
        .and_then(|l| l.rsplit_once('('))
        .filter(|(_, inside)| is_updated_line(inside.trim()))
    {
        updated = date_line(inside, config);
        if updated.is_some() {
            line = before.trim_end();
        }
    }
    let parts: Vec<&str> = line
        .split([',', '|', '\u{2022}', '\u{b7}', ';', '\u{60c}'])
        .map(str::trim)
        .filter(|p| !p.is_empty() && !is_reading_time(p))
        .collect();
    if parts.is_empty() || line.len() > 200 {
        return None;
    }
    let mut b = Byline::default();
    // The date is the longest run of trailing parts that reads as one ("March 7, 2023"
    // spans two parts); a date may also lead the line.
    let mut names_end = parts.len();
    let mut names_start = 0;
    for k in 0..parts.len() {
        let joined = parts[k..].join(", ");
        // `Reuters | Updated: 8 March 2023`.
        if b.read_date(&date_text(&joined), config) {
            names_end = k;
            break;
        }
    }
    if b.date.is_none() && b.ambiguous.is_none() {
        for k in (1..parts.len()).rev() {
            let candidate = parts[..k].join(", ");
            if let Ok(d) = parse_date_with(&candidate, config.tz, config.ingest.date_order) {
                b.date = Some(d);
                names_start = k;
                break;
            }
        }
    }
    let mut agencies = 0;
    let mut names = 0;
    // Job titles (`Staff Writer`, `Middle East correspondent`) are not people.
    let mut roles = 0;
    for part in &parts[names_start..names_end] {
        if config.ingest.agency(part).is_none()
            && is_role(part)
            && part.split_whitespace().count() <= NAME_WORDS
        {
            match role_agency(part, &config.ingest) {
                Some(agency) => {
                    agencies += 1;
                    if !b.sources.contains(&agency) {
                        b.sources.push(agency);
                    }
                }
                None => roles += 1,
            }
            continue;
        }
        for name in names_in(part) {
            // `JANE DOE Associated Press`, as AP's own bylines run the two together.
            let (name, agency) = match config.ingest.agency(name) {
                Some(agency) => ("", Some(agency)),
                None => match trailing_agency(name, config) {
                    Some((writer, agency)) => (writer, Some(agency)),
                    None => (name, None),
                },
            };
            if let Some(agency) = agency {
                agencies += 1;
                if !b.sources.contains(&agency) {
                    b.sources.push(agency);
                }
            }
            if name.is_empty() {
                continue;
            }
            if is_name(name) {
                names += 1;
                b.authors.push(name.to_string());
            } else {
                b.unplaced.push(name.to_string());
            }
        }
    }
    let dated = b.dated();
    // A date with only names/agencies, or names led by "By", or agencies: a byline. A
    // sentence that merely starts with a date or holds a comma is not.
    let is_byline = (dated && (b.unplaced.is_empty() || agencies > 0 || by))
        || (by && names + agencies > 0 && b.unplaced.len() <= names)
        || (agencies > 0 && b.unplaced.len() < agencies + names)
        || (names > 0 && roles > 0 && b.unplaced.is_empty());
    if !is_byline && !by {
        return dash_byline(line, config);
    }
    b.updated = updated;
    is_byline.then_some(b)
}

/// A name followed by an agency's name in one byline part (`JANE DOE Associated Press`):
/// the name, and the agency.
fn trailing_agency<'a>(part: &'a str, config: &SiteConfig) -> Option<(&'a str, String)> {
    let starts: Vec<usize> = part.match_indices(' ').map(|(at, _)| at + 1).collect();
    // The agency's name is at most three words; the writer's at least two.
    starts.iter().rev().take(3).find_map(|&at| {
        let writer = part[..at].trim();
        let named = &part[at..];
        let agency = config.ingest.agency(named)?;
        // Words, not a dash (`Iraq Talks - Reuters` is a page title).
        let words = writer.split_whitespace();
        let wordy = words.clone().count() >= 2
            && words
                .into_iter()
                .all(|w| w.chars().any(char::is_alphabetic));
        // An agency's name of one word may end a writer's own (`Michael R. Bloomberg`):
        // split only from a writer in capitals, as AP writes them.
        let apart = named.contains(' ') || !writer.chars().any(char::is_lowercase);
        (wordy && apart && is_name(writer)).then_some((writer, agency))
    })
}

/// A byline whose parts a dash separates: `AFP - 07.03.2023` (agency, date), `القاهرة -
/// أ ش أ` (place, agency: Arabic papers' dateline). It needs an agency, and holds
/// nothing else but at most one date and one place, a short name that is no writer (in
/// this form a name beside the agency is where the story was filed from: `Hong Kong -
/// AFP` is as common as a writer's name would be); so a sentence with a dash (`AFP - the
/// minister said...`) is none.
fn dash_byline(line: &str, config: &SiteConfig) -> Option<Byline> {
    const DASHES: [&str; 3] = [" - ", " \u{2013} ", " \u{2014} "];
    if !DASHES.iter().any(|d| line.contains(d)) {
        return None;
    }
    let mut parts = vec![line];
    for dash in DASHES {
        parts = parts.iter().flat_map(|p| p.split(dash)).collect();
    }
    let mut b = Byline::default();
    for part in parts.iter().map(|p| p.trim()) {
        if let Some(agency) = config.ingest.agency(part) {
            if !b.sources.contains(&agency) {
                b.sources.push(agency);
            }
            continue;
        }
        let candidate = date_text(part);
        if !b.dated() {
            if b.read_date(&candidate, config) {
                continue;
            }
        } else if !matches!(
            parse_date_with(&candidate, config.tz, config.ingest.date_order),
            Err(DateError::NotADate)
        ) {
            // A second date.
            return None;
        }
        // Otherwise the one place it was filed from.
        if b.filed_from || part.split_whitespace().count() > 3 || !is_name(part) || is_role(part) {
            return None;
        }
        b.filed_from = true;
        if part.split_whitespace().count() >= 2 && part.chars().any(char::is_lowercase) {
            b.place_or_writer = Some(part.to_string());
        }
    }
    (!b.sources.is_empty()).then_some(b)
}

/// `3 min read`, `5 minutes`: a page's reading time, printed in its byline.
fn is_reading_time(part: &str) -> bool {
    let lower = part.to_lowercase();
    let mut words = lower.split_whitespace();
    let number = words
        .next()
        .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
    let unit = words
        .next()
        .is_some_and(|w| matches!(w, "min" | "mins" | "minute" | "minutes"));
    let rest: Vec<&str> = words.collect();
    number && unit && matches!(rest.as_slice(), [] | ["read"])
}

/// A person's name: a few words, most of them capitalized (or in a script without
/// capitals), without digits or sentence punctuation. Initials (`J.K. Rowling`) and
/// particles (`Amr el-Kady`, `Ludwig van Beethoven`) are part of names.
fn is_name(text: &str) -> bool {
    const PARTICLES: [&str; 19] = [
        "al", "el", "bin", "bint", "ibn", "abu", "van", "von", "der", "den", "de", "da", "di",
        "du", "la", "le", "dos", "das", "del",
    ];
    let capital = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase()))
    };
    let particle = |w: &str| {
        let lower = w.to_lowercase();
        PARTICLES.contains(&lower.as_str())
            || lower
                .split_once('-')
                .is_some_and(|(p, _)| PARTICLES.contains(&p))
                && w.split_once('-').is_some_and(|(_, rest)| capital(rest))
    };
    // `J.`, `J.K.`: letters each followed by a dot.
    let initials = |w: &str| {
        let b = w.as_bytes();
        b.len() <= 6
            && b.chunks(2)
                .all(|c| c[0].is_ascii_uppercase() && c.get(1).is_none_or(|&d| d == b'.'))
    };
    let text = without_bidi_controls(text);
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= NAME_WORDS
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '!' | '?' | ':' | '"'))
        && words.iter().all(|w| !w.contains('.') || initials(w))
        && capital(words[0])
        && words.iter().filter(|w| capital(w) || particle(w)).count() * 2 > words.len()
}

/// A caption line: `File photo: ...`, `AFP photo: ...`, `Picture: ...`, `Image: ...`,
/// `Caption: ...`: a label naming a picture, then a colon. The label ends with the
/// picture word, after at most two words that say whose or which picture (an agency in
/// capitals, `File`, `Archive`...), so that a sentence such as `Photo finish: Bolt won`
/// or `Brand image: the company said` stays in the body.
fn is_caption(text: &str) -> bool {
    const PICTURE: [&str; 14] = [
        "photo",
        "picture",
        "image",
        "caption",
        "pictured",
        "photograph",
        "foto",
        "bild",
        "légende",
        "leyenda",
        "archivfoto",
        "archivbild",
        "صورة",
        "الصورة",
    ];
    const WHICH: [&str; 16] = [
        "file",
        "archive",
        "main",
        "top",
        "handout",
        "stock",
        "feature",
        "lead",
        "cover",
        "d'archive",
        "d’archive",
        "de",
        "archivo",
        "أرشيفية",
        "ارشيفية",
        "أرشيف",
    ];
    let Some((label, rest)) = text.split_once(':') else {
        return false;
    };
    let words: Vec<&str> = label.split_whitespace().collect();
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    let agency = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
    let which = |w: &&str| WHICH.contains(&w.to_lowercase().as_str());
    let picture = |w: &str| PICTURE.contains(&w.to_lowercase().as_str());
    // `File photo`, `AFP picture`; or the picture word first, as French, Spanish and
    // Arabic put it (`Photo d'archive`, `Foto de archivo`, `صورة أرشيفية`), then only
    // such words (`Photo ID: voters must...` is a sentence).
    let (first, after) = words.split_first().expect("a last word, so a first");
    !rest.trim().is_empty()
        && ((before.len() <= 2 && picture(last) && before.iter().all(|w| agency(w) || which(w)))
            || (!after.is_empty() && after.len() <= 2 && picture(first) && after.iter().all(which)))
}

/// A photo title: a short line that is not a sentence.
fn is_short_title(text: &str) -> bool {
    text.split_whitespace().count() <= SHORT_WORDS && !text.ends_with(['.', '!', '?', ':'])
}

/// `File photo: ... troops. AFP` -> (`File photo: ... troops.`, `AFP`); also
/// `... (Photo: Reuters)` and `... (AP)`.
fn split_credit(caption: &str, ingest: &IngestConfig) -> (String, Option<String>) {
    let caption = caption.trim();
    if let Some(open) = caption.rfind('(') {
        if caption.ends_with(')') {
            let inner = caption[open + 1..caption.len() - 1].trim();
            let inner = inner
                .split_once(':')
                .map(|(_, c)| c.trim())
                .unwrap_or(inner);
            if !inner.is_empty() && inner.split_whitespace().count() <= 4 {
                return (
                    caption[..open].trim_end().to_string(),
                    Some(inner.to_string()),
                );
            }
        }
    }
    // The words after the last sentence end, when a known agency, or short and all
    // capitalized ("AFP", "Khaled Desouki"), and the dot does not end an abbreviation
    // such as "Mr.".
    if let Some(dot) = caption.rfind(['.', '!', '?']) {
        let tail = caption[dot + 1..].trim();
        // `... in Cairo. Photo by Khaled Desouki/AFP`, `... Credit: Reuters`.
        let credited = [
            "photo by ",
            "photograph by ",
            "picture by ",
            "photo: ",
            "credit: ",
        ]
        .iter()
        .find_map(|lead| strip_prefix_ci(tail, lead))
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.split_whitespace().count() <= 6);
        if let Some(credit) = credited {
            return (caption[..=dot].to_string(), Some(credit.to_string()));
        }
        // In a script without case (`... في القاهرة. أ ف ب`), only a known agency.
        if ingest.agency(tail).is_some() && caption[dot + 1..].starts_with(' ') {
            return (caption[..=dot].to_string(), Some(tail.to_string()));
        }
        let words: Vec<&str> = tail.split_whitespace().collect();
        let before = caption[..dot]
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let abbreviation =
            before.len() <= 3 && before.chars().next().is_some_and(char::is_uppercase);
        if (1..=4).contains(&words.len())
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && caption[dot + 1..].starts_with(' ')
            && !abbreviation
        {
            return (caption[..=dot].to_string(), Some(tail.to_string()));
        }
    }
    (caption.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            shown: PathBuf::from("content/world/x.txt"),
            rel: "world/x.txt".into(),
            default_section: Some("World".into()),
            defaults: Default::default(),
            text: text.into(),
        }
    }

    fn parse_text(text: &str) -> FileOutcome {
        parse(&file(text), &SiteConfig::default())
    }

    #[test]
    fn byline_rules() {
        let c = SiteConfig::default();
        let b = byline("AFP , AP , Tuesday 7 Mar 2023", &c).unwrap();
        assert_eq!(b.sources, vec!["AFP", "AP"]);
        assert_eq!(b.date.unwrap().day(), 7);
        let b = byline("By Jane Doe and John Smith, Reuters, March 7, 2023", &c).unwrap();
        assert_eq!(b.authors, vec!["Jane Doe", "John Smith"]);
        assert_eq!(b.sources, vec!["Reuters"]);
        assert_eq!(b.date.unwrap().month(), 3);
        let b = byline("7 March 2023 | Ahmed Eleiba", &c).unwrap();
        assert_eq!(b.authors, vec!["Ahmed Eleiba"]);
        assert!(byline(
            "Quarterly profits at US media giant TimeWarner jumped 76%.",
            &c
        )
        .is_none());
        assert!(byline("Chelsea sack Mutu", &c).is_none());
        assert!(byline(
            "In February, Iran's top diplomat held talks, officials said.",
            &c
        )
        .is_none());
        let b = byline("AFP, AP, Someday", &c).unwrap();
        assert_eq!(b.unplaced, Vec::<String>::new(), "Someday reads as a name");
        let b = byline("AFP, AP, 12 sources said", &c).unwrap();
        assert_eq!(b.unplaced, vec!["12 sources said"]);
        // A page's reading time is not part of the byline; "Written by" is "By".
        let b = byline("By Jane Doe \u{2022} March 7, 2023 \u{2022} 3 min read", &c).unwrap();
        assert_eq!(b.authors, vec!["Jane Doe"]);
        assert_eq!(b.date.unwrap().day(), 7);
        assert!(b.unplaced.is_empty());
        let b = byline("Written by Jane Doe", &c).unwrap();
        assert_eq!(b.authors, vec!["Jane Doe"]);
    }

    #[test]
    fn captions_and_credits() {
        assert!(is_caption("File photo: US official said. AFP"));
        assert!(is_caption("Photo: the square at dawn (Reuters)"));
        assert!(!is_caption("He said: nothing"));
        assert!(is_caption("AFP photo: troops in Baghdad"));
        assert!(is_caption("Pictured: the minister"));
        assert!(!is_caption(
            "Photo finish: Bolt won the race by a hair, officials said."
        ));
        assert!(!is_caption(
            "Brand image: the company said it would recover."
        ));
        // Other languages put the picture word first.
        assert!(is_caption("Photo d'archive : le ministre à Bagdad. AFP"));
        assert!(is_caption("Foto de archivo: el ministro en Bagdad"));
        assert!(is_caption("صورة أرشيفية: وزير الدفاع في بغداد. أ ف ب"));
        assert!(is_caption("Archivfoto: Der Minister in Bagdad"));
        assert!(!is_caption("Photo op: the minister smiled"));
        assert!(!is_caption(
            "Photo ID: voters must now show a state-issued card"
        ));
        assert_eq!(
            split_credit(
                "صورة أرشيفية: مقر البنك المركزي في القاهرة. أ ف ب",
                &IngestConfig::default()
            ),
            (
                "صورة أرشيفية: مقر البنك المركزي في القاهرة.".into(),
                Some("أ ف ب".into())
            )
        );
        let last_sentence = "صورة: في القاهرة. جانب من المؤتمر الصحفي";
        assert_eq!(
            split_credit(last_sentence, &IngestConfig::default()),
            (last_sentence.into(), None)
        );
        assert_eq!(
            date_text("Publié le 1er mars 2023 à 14h30"),
            "1er mars 2023 14:30"
        );
        assert_eq!(
            date_text("Publié le 1er mars 2023 à 9h"),
            "1er mars 2023 09:00"
        );
        assert_eq!(
            date_text("Veröffentlicht am 7. März 2023 um 14:30 Uhr"),
            "7. März 2023 14:30"
        );
        assert_eq!(date_text("1er mars 2023 à Paris"), "1er mars 2023");
        // A zone after the time is kept for the date reader; other words are not.
        assert_eq!(
            date_text("Publié le 1er mars 2023 à 10h30 GMT"),
            "1er mars 2023 10:30 GMT"
        );
        assert_eq!(
            date_text("Veröffentlicht am 7. März 2023 um 14:30 Uhr (MEZ)"),
            "7. März 2023 14:30 CET"
        );
        assert_eq!(
            date_text("Publié le 1er mars 2023 à 10h30 à Paris"),
            "1er mars 2023 10:30"
        );
        assert_eq!(
            split_credit(
                "File photo: bases which host coalition troops. AFP",
                &IngestConfig::default()
            ),
            (
                "File photo: bases which host coalition troops.".into(),
                Some("AFP".into())
            )
        );
        assert_eq!(
            split_credit(
                "Photo: the square (Photo: Khaled Desouki)",
                &IngestConfig::default()
            ),
            ("Photo: the square".into(), Some("Khaled Desouki".into()))
        );
        assert_eq!(
            split_credit("Photo: Mr. Smith arrives", &IngestConfig::default()),
            ("Photo: Mr. Smith arrives".into(), None)
        );
    }

    #[test]
    fn plain_layout_is_undated_with_a_warning() {
        let out = parse_text(
            "Chelsea sack Mutu \n\nChelsea have sacked Adrian Mutu.\n\nHe failed a test.\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.title, "Chelsea sack Mutu");
        assert!(a.date.is_none());
        assert_eq!(a.summary, "Chelsea have sacked Adrian Mutu.");
        assert_eq!(a.body_html.text().matches("<p>").count(), 2);
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].kind, "undated");
        assert_eq!(out.diagnostics[0].line, Some(1));
    }

    #[test]
    fn byline_dates_with_two_digit_years_or_missing_days() {
        let out = parse_text("Headline\n\nAFP, 7 Mar 23\n\nBody.\n");
        let a = &out.articles[0];
        assert_eq!(a.date.map(|d| d.year()), Some(2023));
        assert_eq!(a.sources, ["AFP"]);
        assert!(!a.body_html.text().contains("Mar"), "{}", a.body_html);

        // An update line after it gives the update, not the date.
        let out = parse_text("Headline\n\nAFP, 29 Feb 2023\nUpdated: 1 Mar 2023\n\nBody.\n");
        let a = &out.articles[0];
        assert!(a.date.is_none());
        assert_eq!(a.updated.map(|d| d.day()), Some(1));
        assert_eq!(a.summary, "Body.");
        let out = parse_text("Headline\n\nAFP, 29 Feb 2023\n\nBody.\n");
        let a = &out.articles[0];
        assert!(a.date.is_none());
        assert_eq!(a.sources, ["AFP"]);
        let kinds: Vec<(&str, Option<usize>)> =
            out.diagnostics.iter().map(|d| (&*d.kind, d.line)).collect();
        assert_eq!(kinds, [("bad-date", Some(3))], "{:?}", out.diagnostics);
    }

    /// Headers as scraped pages lay them out besides one line between blank lines.
    #[test]
    fn stacked_wrapped_and_split_headers() {
        let day = |a: &crate::article::Article| a.date.map(|d| d.date_naive().to_string());
        // A byline with its date, then an update, without a blank line between.
        let out = parse_text("Headline\n\nAhram Online , Tuesday 7 Mar 2023\nUpdated: Wednesday 8 Mar 2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(
            a.updated.map(|d| d.date_naive().to_string()).as_deref(),
            Some("2023-03-08")
        );
        assert_eq!(a.summary, "Body text here.");
        // A byline in capitals, then the date.
        let out = parse_text("Headline\n\nBY JANE DOE, REUTERS\n7 MAR 2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(
            (a.authors.len(), a.sources.as_slice()),
            (1, &["Reuters".to_string()][..])
        );
        assert_eq!(a.summary, "Body text here.");
        // A headline wrapped onto two lines, above its byline.
        let out = parse_text(
            "Pentagon chief visits Iraq\nafter twenty years\nAFP, 7 Mar 2023\n\nBody text here.\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.title, "Pentagon chief visits Iraq after twenty years");
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        // A writer alone on a line, then a blank line, then the date.
        let out = parse_text("Headline\n\nAhmed Eleiba\n\nTuesday 7 Mar 2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(a.authors, ["Ahmed Eleiba"]);
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(a.summary, "Body text here.");
        // A file that starts with its byline is said to lack its headline.
        let out = parse_text("AFP, Tuesday 7 Mar 2023\n\nThe lede.\n");
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(out.diagnostics[0].kind, "no-headline");
        assert!(out.diagnostics[0]
            .message
            .contains("headline seems to be missing"));
        // A short first paragraph is not a writer without a date under it.
        let out = parse_text("Headline\n\nAFP, 7 Mar 2023\n\nCairo Calling\n\nBody text here.\n");
        assert!(out.articles[0].authors.is_empty());
        // The writer, the agency under the name, then the date: one byline.
        let out =
            parse_text("Headline\n\nBy Jane Doe\nReuters\nMarch 7, 2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(
            (a.authors.as_slice(), a.sources.as_slice()),
            (&["Jane Doe".to_string()][..], &["Reuters".to_string()][..])
        );
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(a.summary, "Body text here.");
        // Two lines of writers are not merged: the second is body text.
        let out = parse_text("Headline\n\nBy Jane Doe\n\nBy John Smith\n\nBody text here.\n");
        assert_eq!(out.articles[0].authors, ["Jane Doe"]);
        // A job title after the name is no writer, and makes the line a byline.
        let out = parse_text(
            "Headline\n\nBy Jane Doe, Staff Writer\nPublished March 7, 2023\n\nBody text here.\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.authors, ["Jane Doe"]);
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        let out = parse_text(
            "Headline\n\nJane Doe, Middle East correspondent\n7 March 2023\n\nBody text here.\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.authors, ["Jane Doe"]);
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(a.summary, "Body text here.");
        // An agency's staff is the agency.
        let out = parse_text("Headline\n\nBy Reuters Staff, March 7, 2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(a.sources, ["Reuters"]);
        assert!(a.authors.is_empty(), "{:?}", a.authors);
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        // A compound Spanish surname is one writer; two full names are two.
        let out =
            parse_text("Titular\n\nPor José Ortega y Gasset, 7 de marzo de 2023\n\nEl texto.\n");
        assert_eq!(out.articles[0].authors, ["José Ortega y Gasset"]);
        let out = parse_text(
            "Titular\n\nPor Juan Pérez y María López, 7 de marzo de 2023\n\nEl texto.\n",
        );
        assert_eq!(out.articles[0].authors, ["Juan Pérez", "María López"]);
    }

    /// The BBC's byline over its outlet and place; an agency and a date apart by a dash;
    /// an Arabic paper's place and agency over the date.
    #[test]
    fn bbc_dash_and_arabic_datelines() {
        let day = |a: &crate::article::Article| a.date.map(|d| d.date_naive().to_string());
        for text in [
            "Headline\n\nBy Jane Smith\nBBC News, Cairo\n7 March 2023\n\nBody text here.\n",
            "Headline\n\nBy Jane Smith\n\nBBC News, Cairo\n\n7 March 2023\n\nBody text here.\n",
        ] {
            let out = parse_text(text);
            let a = &out.articles[0];
            assert_eq!(a.authors, ["Jane Smith"], "{text}");
            assert_eq!(a.sources, ["BBC News"], "{text}");
            assert_eq!(day(a).as_deref(), Some("2023-03-07"), "{text}");
            assert_eq!(a.body_html, "<p>Body text here.</p>\n", "{text}");
            assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        }
        // An agency's desk is the agency.
        let out = parse_text("Headline\n\nBy Jane Smith\nREUTERS, Cairo\n7 March 2023\n\nBody.\n");
        assert_eq!(out.articles[0].sources, ["Reuters"]);
        assert!(out.articles[0].authors == ["Jane Smith"]);
        // Elsewhere, two names after a comma are text: not under a writer, or over no date.
        let out =
            parse_text("Headline\n\nAFP, 7 Mar 2023\n\nCairo Calling, Giza Nights\n\nBody text.\n");
        assert!(out.articles[0]
            .body_html
            .text()
            .contains("Cairo Calling, Giza Nights"));
        assert_eq!(out.articles[0].sources, ["AFP"]);
        // A place and its country, or two writers, between a writer and a date: no
        // outlet, no source.
        for desk in ["Paris, France", "Jane Doe, John Roe"] {
            for sep in ["\n", "\n\n"] {
                let text =
                    format!("Headline\n\nBy Jane Smith{sep}{desk}{sep}7 March 2023\n\nBody.\n");
                let a = &parse_text(&text).articles[0];
                assert!(a.sources.is_empty(), "{text}: {:?}", a.sources);
            }
        }
        let out = parse_text("Headline\n\nBy Jane Smith\n\nBBC News, Cairo\n\nBody text.\n");
        let a = &out.articles[0];
        assert!(a.sources.is_empty() && a.body_html.text().contains("BBC News, Cairo"));

        // `AFP - 07.03.2023`: a dotted date is day-first, unless date_order says otherwise;
        // with slashes it is read only with date_order.
        let out = parse_text("Headline\n\nAFP - 07.03.2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(a.sources, ["AFP"]);
        assert_eq!(day(a).as_deref(), Some("2023-03-07"));
        assert_eq!(a.body_html, "<p>Body text here.</p>\n");
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let out = parse_text("Headline\n\nAFP - 07/03/2023\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(a.sources, ["AFP"]);
        assert!(a.date.is_none());
        assert_eq!(a.body_html, "<p>Body text here.</p>\n");
        let kinds: Vec<(&str, Option<usize>)> =
            out.diagnostics.iter().map(|d| (&*d.kind, d.line)).collect();
        assert_eq!(kinds, [("ambiguous-date", Some(3)), ("undated", Some(1))]);
        let mut c = SiteConfig::default();
        c.ingest.date_order = Some(super::super::settings::DateOrder::MonthFirst);
        for (text, want) in [
            ("AFP - 07.03.2023", "2023-07-03"),
            ("AFP - 07/03/2023", "2023-07-03"),
        ] {
            let out = parse(
                &file(&format!("Headline\n\n{text}\n\nBody text here.\n")),
                &c,
            );
            assert_eq!(day(&out.articles[0]).as_deref(), Some(want), "{text}");
            assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        }
        let out = parse_text("Headline\n\nReuters \u{2013} Tuesday 7 March 2023\n\nBody.\n");
        assert_eq!(day(&out.articles[0]).as_deref(), Some("2023-03-07"));

        // `القاهرة - أ ش أ` over the date: MENA's, filed from Cairo (no writer).
        for text in [
            "عنوان الخبر\n\nالقاهرة - أ ش أ\nالثلاثاء ٧ مارس ٢٠٢٣\n\nنص الخبر.\n",
            "عنوان الخبر\n\nالقاهرة - أ ش أ\n\nالثلاثاء ٧ مارس ٢٠٢٣\n\nنص الخبر.\n",
        ] {
            let out = parse_text(text);
            let a = &out.articles[0];
            assert_eq!(a.sources, ["MENA"], "{text}");
            assert!(a.authors.is_empty(), "{:?}", a.authors);
            assert_eq!(day(a).as_deref(), Some("2023-03-07"), "{text}");
            assert_eq!(a.body_html, "<p>نص الخبر.</p>\n", "{text}");
            assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        }

        // Sentences with a dash are no bylines.
        let c = SiteConfig::default();
        for text in [
            "AFP - the minister said on Tuesday it would act.",
            "Reuters - Oil Prices Rise Again Today",
            "Cairo - Giza",
            "AFP - 7 Mar 2023 - 8 Mar 2023",
            "Cairo - Giza - AFP",
        ] {
            assert!(byline(text, &c).is_none(), "{text}");
        }
        let out = parse_text("Headline\n\nAFP, 7 Mar 2023\n\nCairo - the talks resumed.\n");
        assert_eq!(out.articles[0].summary, "Cairo - the talks resumed.");
        // A page title's `Headline - Agency` is the headline, though undated.
        let out = parse_text("Iraq Talks - Reuters\n\nBody text here.\n");
        assert_eq!(out.diagnostics[0].kind, "undated");
        assert_eq!(out.articles[0].title, "Iraq Talks - Reuters");
    }

    /// A byline's date keeps its time in words (`à 10h30`) and its update in parentheses
    /// (`(updated Wednesday 8 Mar 2023)`).
    #[test]
    fn times_in_words_and_updates_in_parentheses() {
        let iso =
            |d: Option<chrono::DateTime<chrono_tz::Tz>>| d.map(|d| d.naive_local().to_string());
        let out = parse_text("Titre\n\nPar Jean Dupont avec AFP\nPublié le mercredi 1er mars 2023 à 10h30\n\nTexte.\n");
        let a = &out.articles[0];
        assert_eq!(iso(a.date).as_deref(), Some("2023-03-01 10:30:00"));
        assert_eq!(
            (a.authors.as_slice(), a.sources.as_slice()),
            (&["Jean Dupont".to_string()][..], &["AFP".to_string()][..])
        );
        // With its zone, the time is that zone's (the site's is UTC here).
        let out =
            parse_text("Titre\n\nPar Jean Dupont\nPublié le 1er mars 2023 à 10h30 EST\n\nTexte.\n");
        assert_eq!(
            iso(out.articles[0].date).as_deref(),
            Some("2023-03-01 15:30:00")
        );
        let out = parse_text("Headline\n\nAhram Online, Tuesday 7 Mar 2023 (updated Wednesday 8 Mar 2023)\n\nBody text here.\n");
        let a = &out.articles[0];
        assert_eq!(iso(a.date).as_deref(), Some("2023-03-07 00:00:00"));
        assert_eq!(iso(a.updated).as_deref(), Some("2023-03-08 00:00:00"));
        assert_eq!(a.sources, ["Ahram Online"]);
        assert_eq!(a.body_html, "<p>Body text here.</p>\n");
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    }

    /// A place in a dash byline is no writer; an agency spelt out is the agency's one
    /// source; AP's `JANE DOE Associated Press` is a writer and an agency, but a writer
    /// whose name ends as an agency's does (`Michael R. Bloomberg`) is one writer.
    #[test]
    fn writers_beside_agencies() {
        for (text, authors, sources) in [
            ("CAIRO - Reuters - 7 March 2023", vec![], vec!["Reuters"]),
            ("Hong Kong - AFP - 7 March 2023", vec![], vec!["AFP"]),
            ("Jane Doe - Reuters - 7 March 2023", vec![], vec!["Reuters"]),
            (
                "By Michael R. Bloomberg\n7 March 2023",
                vec!["Michael R. Bloomberg"],
                vec![],
            ),
            (
                "By JANE DOE, Associated Press\n7 March 2023",
                vec!["JANE DOE"],
                vec!["AP"],
            ),
            (
                "By JANE DOE Associated Press\nSept. 7, 2023 at 3:45 p.m. EDT",
                vec!["JANE DOE"],
                vec!["AP"],
            ),
            (
                "By Jean Dupont, Agence France-Presse, 7 March 2023",
                vec!["Jean Dupont"],
                vec!["AFP"],
            ),
        ] {
            let out = parse_text(&format!("Headline\n\n{text}\n\nBody text here.\n"));
            let a = &out.articles[0];
            assert_eq!(a.authors, authors, "{text}");
            assert_eq!(a.sources, sources, "{text}");
            assert!(a.date.is_some(), "{text}");
            assert_eq!(a.body_html, "<p>Body text here.</p>\n", "{text}");
            // A place that could be a writer's name is read as the place, and said.
            let said = out.diagnostics.iter().find(|d| d.kind == "place-or-writer");
            let mixed = text.starts_with("Hong Kong") || text.starts_with("Jane");
            assert_eq!(said.is_some(), mixed, "{text}");
            if let Some(d) = said.filter(|_| text.starts_with("Jane")) {
                assert!(
                    d.message.contains("'By Jane Doe, Reuters'"),
                    "{}",
                    d.message
                );
            }
        }
    }

    /// The BBC's desk line without a place (`BBC News` alone, between the writer and the
    /// date) is the desk line too; elsewhere `BBC News` is text.
    #[test]
    fn a_bbc_desk_line_without_a_place() {
        for text in [
            "Headline\n\nBy Jane Smith\nBBC News\n7 March 2023\n\nBody text here.\n",
            "Headline\n\nBy Jane Smith\n\nBBC News\n\n7 March 2023\n\nBody text here.\n",
        ] {
            let out = parse_text(text);
            let a = &out.articles[0];
            assert_eq!(a.authors, ["Jane Smith"], "{text}");
            assert_eq!(a.sources, ["BBC News"], "{text}");
            assert_eq!(
                a.date.map(|d| d.date_naive().to_string()).as_deref(),
                Some("2023-03-07"),
                "{text}"
            );
            assert_eq!(a.body_html, "<p>Body text here.</p>\n", "{text}");
            assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        }
        // Not over a date, not under a writer, or not in the header: body text.
        for text in [
            "Headline\n\nBy Jane Smith\n\nBBC News\n\nBody text here.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nBBC News\n\n7 March 2023\n\nBody text here.\n",
            "Headline\n\nBy Jane Smith\n7 March 2023\n\nBBC News\n\nBody text here.\n",
            "Headline\n\nBy Jane Smith\n7 March 2023\n\nBBC News said the talks had ended.\n",
        ] {
            let a = &parse_text(text).articles[0];
            assert!(
                a.body_html.text().contains("BBC News"),
                "{text}: {}",
                a.body_html
            );
            assert!(!a.sources.contains(&"BBC News".to_string()), "{text}");
        }
    }

    /// EFE's lede dateline gives the agency, and the day when its year is known; the
    /// paragraph stays whole.
    #[test]
    fn a_wire_dateline_opening_the_lede() {
        let lede = "Madrid, 7 mar (EFE).- El Gobierno aprobó hoy el plan.";
        let out = parse_text(&format!("Titular\n\n{lede}\n\nOtro párrafo.\n"));
        let a = &out.articles[0];
        assert_eq!(a.sources, ["EFE"]);
        assert!(a.date.is_none(), "no year is invented");
        assert_eq!(a.summary, lede);
        assert_eq!(
            a.body_html,
            format!("<p>{lede}</p>\n<p>Otro párrafo.</p>\n")
        );
        let d = &out.diagnostics[0];
        assert_eq!((&*d.kind, d.line), ("undated", Some(1)));
        assert!(
            d.message
                .contains("dateline 'Madrid, 7 mar' gives the day but not the year"),
            "{d}"
        );
        // The header's date and writer come first; the agency fills in what it lacks.
        let out = parse_text(&format!(
            "Titular\n\nPor Juan Pérez\n8 de marzo de 2023\n\n{lede}\n"
        ));
        let a = &out.articles[0];
        assert_eq!(
            (a.authors.as_slice(), a.sources.as_slice()),
            (&["Juan Pérez".to_string()][..], &["EFE".to_string()][..])
        );
        assert_eq!(a.date.map(|d| d.day()), Some(8));
        let out = parse_text(&format!("Titular\n\nAFP, 8 Mar 2023\n\n{lede}\n"));
        assert_eq!(out.articles[0].sources, ["AFP"]);
        // With its year, the dateline dates the story; other agencies write it alike.
        for (text, day) in [
            ("Madrid, 7 mar 2023 (EFE).- El texto.", "2023-03-07"),
            ("Bogotá, 12 dic 2022 (EFE).- El texto.", "2022-12-12"),
            ("CAIRO, March 7, 2023 (Reuters) - Egypt said.", "2023-03-07"),
        ] {
            let a = &parse_text(&format!("Titular\n\n{text}\n")).articles[0];
            assert_eq!(
                a.date.map(|d| d.date_naive().to_string()).as_deref(),
                Some(day),
                "{text}"
            );
            assert_eq!(a.summary, text);
        }
        let a = &parse_text("Headline\n\nGAZA CITY (AP) \u{2014} Talks resumed.\n").articles[0];
        assert_eq!(a.sources, ["AP"]);
        // Parentheses in an ordinary lede are no dateline.
        for text in [
            "The minister (AFP) - said nothing.",
            "Madrid, the capital (EFE).- Text.",
            "Madrid, 7 mar (Europa Press).- Text.",
            "Madrid, 7 mar (EFE) said the minister.",
            "Prices rose (AFP reported) - again.",
            "Madrid, 7 mar 2023, in the morning (EFE).- Text.",
        ] {
            let a = &parse_text(&format!("Headline\n\n{text}\n")).articles[0];
            assert!(a.sources.is_empty() && a.date.is_none(), "{text}");
            assert_eq!(a.summary, text);
        }
    }

    #[test]
    fn credits_after_photo_by_and_a_second_photo() {
        assert_eq!(
            split_credit(
                "File photo: protesters in Cairo. Photo by Khaled Desouki/AFP",
                &IngestConfig::default()
            ),
            (
                "File photo: protesters in Cairo.".to_string(),
                Some("Khaled Desouki/AFP".to_string())
            )
        );
        let out = parse_text("Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\nTitle One\nPhoto: first caption. AFP\n\nMiddle.\n\nTitle Two\nPhoto: second caption. Reuters\n\nEnd.\n");
        let a = &out.articles[0];
        assert_eq!(
            a.image.as_ref().and_then(|i| i.credit.as_deref()),
            Some("AFP")
        );
        assert!(
            a.body_html
                .text()
                .contains("<p>Title Two</p>\n<p>Photo: second caption. Reuters</p>"),
            "{}",
            a.body_html
        );
    }

    #[test]
    fn a_wrong_weekday_is_a_warning_and_the_date_kept() {
        let out = parse_text("Headline\n\nAFP, Sunday 7 Mar 2023\n\nBody.\n");
        let a = &out.articles[0];
        assert_eq!(a.date.map(|d| d.day()), Some(7));
        let d = &out.diagnostics[0];
        assert_eq!((&*d.kind, d.line), ("bad-date", Some(3)));
        assert!(d.message.contains("that day was a Tuesday"), "{d}");
        let out = parse_text("Headline\n\nUpdated: Sunday 7 Mar 2023\n\nBody.\n");
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
        let out = parse_text("Headline\n\nAFP, Tuesday 7 Mar 2023\n\nBody.\n");
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        // RFC 2822 with a wrong weekday: the weekday is no author.
        let out = parse_text("Headline\n\nAFP, Sun, 07 Mar 2023 10:00:00 +0000\n\nBody.\n");
        let a = &out.articles[0];
        assert!(a.authors.is_empty(), "{:?}", a.authors);
        assert_eq!(a.date.map(|d| d.day()), Some(7));
        assert_eq!(out.diagnostics.len(), 1, "{:?}", out.diagnostics);
    }

    #[test]
    fn bullet_points_are_a_list() {
        let out = parse_text("Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\nKey facts:\n- 2,000 troops\n- 900 in Syria\n\nAfter the list.\n");
        let a = &out.articles[0];
        assert_eq!(
            a.body_html,
            "<p>The lede.</p>\n<p>Key facts:</p>\n<ul>\n<li>2,000 troops</li>\n<li>900 in Syria</li>\n</ul>\n<p>After the list.</p>\n"
        );
        assert_eq!(a.summary, "The lede.");
    }

    /// Bylines as news sites print them, besides `AFP , AP , Tuesday 7 Mar 2023`.
    #[test]
    fn bylines_of_many_shapes() {
        let c = SiteConfig::default();
        let read = |text: &str| {
            let b = byline(text, &c).unwrap_or_else(|| panic!("not a byline: {text}"));
            assert!(b.unplaced.is_empty(), "{text}: {:?}", b.unplaced);
            (
                b.authors,
                b.sources,
                b.date.map(|d| d.format("%Y-%m-%d %H:%M").to_string()),
            )
        };
        let day = |d: &str| Some(d.to_string());
        assert_eq!(read("Amr el-Kady , Tuesday 7 Mar 2023").0, ["Amr el-Kady"]);
        assert_eq!(
            read("J.K. Rowling , Tuesday 7 Mar 2023").0,
            ["J.K. Rowling"]
        );
        assert_eq!(
            read("By Hossam al-Din , AFP, 7 Mar 2023").0,
            ["Hossam al-Din"]
        );
        assert_eq!(
            read("By Jane Doe | March 8, 2023 | 3:45 PM EST"),
            (
                vec!["Jane Doe".to_string()],
                vec![],
                day("2023-03-08 20:45")
            )
        );
        assert_eq!(
            read("Reuters | 7 March 2023 - 10:30 AM").2,
            day("2023-03-07 10:30")
        );
        assert_eq!(
            read("Reuters | Updated: 8 March 2023").2,
            day("2023-03-08 00:00")
        );
        assert_eq!(read("AFP, mercredi 8 mars 2023").2, day("2023-03-08 00:00"));
        assert_eq!(read("By محمد علي، AFP، 7 Mar 2023").0, ["محمد علي"]);
        // Sentences are still not bylines.
        assert!(byline("The U.S. said on Tuesday it would act.", &c).is_none());
    }

    #[test]
    fn unplaced_byline_part_warns_with_line() {
        let out = parse_text("Headline\n\nAFP, 12 sources said, 7 Mar 2023\n\nBody.\n");
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.kind == "unplaced-line" && d.line == Some(3)),
            "{:?}",
            out.diagnostics
        );
    }

    #[test]
    fn ambiguous_byline_date_is_not_guessed() {
        let out = parse_text("Headline\n\nReuters, 07/03/2023\n\nBody.\n");
        let a = &out.articles[0];
        assert!(a.date.is_none());
        assert_eq!(a.sources, vec!["Reuters"]);
        assert!(out
            .diagnostics
            .iter()
            .any(|d| d.kind == "ambiguous-date" && d.line == Some(3)));
        let mut c = SiteConfig::default();
        c.ingest.date_order = Some(super::super::settings::DateOrder::DayFirst);
        let out = parse(&file("Headline\n\nReuters, 07/03/2023\n\nBody.\n"), &c);
        assert_eq!(out.articles[0].date.unwrap().month(), 3);
    }

    #[test]
    fn trailers_entities_and_photo_switch() {
        let mut c = SiteConfig::default();
        c.ingest.trailers.push("Follow us on Twitter".into());
        let text = "Head &amp; shoulders\nPublished: 7 March 2023\n\nLede &ldquo;quoted&rdquo;.\n\nPhoto: a caption. AP\n\nMore.\nFollow us on Twitter @x\nShort link:\nhttps://x.org/1\n";
        let out = parse(&file(text), &c);
        let a = &out.articles[0];
        assert_eq!(a.title, "Head & shoulders");
        assert_eq!(a.summary, "Lede \u{201c}quoted\u{201d}.");
        assert!(!a.body_html.text().contains("Twitter") && !a.body_html.text().contains("https"));
        assert_eq!(a.image.as_ref().unwrap().credit.as_deref(), Some("AP"));
        c.ingest.photo_captions = false;
        let a = &parse(&file(text), &c).articles[0];
        assert!(a.image.is_none());
        assert!(!a.body_html.text().contains("caption"));
    }

    /// Buttons and ad slots a scraper kept are dropped; paragraphs using their words stay.
    #[test]
    fn built_in_clutter_lines_are_dropped() {
        let text = "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\nADVERTISEMENT\n\nShare on Facebook\nShare on X\nShare this article\n\nAdvertisement revenue fell, the company said.\n\nRead more:\n\nShare this article with a friend, he urged.\n\nرابط مختصر:\nhttps://gate.ahram.org.eg/News/1.aspx\n";
        let a = &parse_text(text).articles[0];
        assert_eq!(
            a.body_html,
            "<p>The lede.</p>\n<p>Advertisement revenue fell, the company said.</p>\n<p>Share this article with a friend, he urged.</p>\n"
        );
    }

    /// A clutter line is dropped where it stands as a paragraph of its own, never where it
    /// is the last line of a hard-wrapped paragraph: there it is the paragraph's word.
    #[test]
    fn clutter_continuing_a_wrapped_paragraph_stays() {
        let body = |text: &str| parse_text(text).articles[0].body_html.clone();
        let head = "Headline\n\nAFP, 7 Mar 2023\n\n";
        for (last, kept) in [
            (
                "Advertisement",
                "<p>Most of the budget went on Advertisement</p>\n",
            ),
            (
                "Read more",
                "<p>The campaign urged children to Read more</p>\n",
            ),
        ] {
            let wrapped = kept.trim_start_matches("<p>").trim_end_matches("</p>\n");
            let first = wrapped.trim_end_matches(last).trim_end();
            let text = format!("{head}{first}\n{last}\n\nThe end.\n");
            assert_eq!(body(&text), format!("{kept}<p>The end.</p>\n"), "{text}");
        }
        // Its own block, its own line in a file of one line per paragraph, after a
        // sentence's end, or above the text: clutter.
        for text in [
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\nAdvertisement\n\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\nAdvertisement\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\nKey facts\nAdvertisement\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede was\nwrapped.\nAdvertisement\n\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nAdvertisement\nShare on X\nThe lede was\nwrapped.\n\nThe end.\n",
            "Headline\nAdvertisement\nAFP, 7 Mar 2023\n\nThe lede.\n\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\nAdvertisement\n\nThe lede.\n\nThe end.\n",
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\n- one\n- two\nAdvertisement\n\nThe end.\n",
            // Inside a wrapped paragraph, text after it: an ad slot.
            "Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\nThe firm had spent\nAdvertisement\nmost of its budget.\n\nThe end.\n",
        ] {
            let out = parse_text(text);
            let a = &out.articles[0];
            assert!(!a.body_html.text().contains("Advertisement"), "{text}: {}", a.body_html);
            assert!(!a.body_html.text().contains("Share"), "{text}: {}", a.body_html);
            assert_eq!(a.title, "Headline", "{text}");
            assert_eq!(a.sources, ["AFP"], "{text}");
            assert!(a.body_html.text().ends_with("<p>The end.</p>\n"), "{text}: {}", a.body_html);
        }
        // A link after a link label or a trailer goes with it, in its block or the next.
        for tail in [
            "رابط مختصر:\n\nhttps://x.org/1\n",
            "رابط مختصر:\nhttps://x.org/1\n",
            "Advertisement\nhttps://x.org/1\n",
            "Short link:\n\nhttps://x.org/1\n",
        ] {
            for text in [
                format!("Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n\n{tail}"),
                format!("Headline\n\nAFP, 7 Mar 2023\n\nThe lede.\n{tail}"),
            ] {
                let a = &parse_text(&text).articles[0];
                assert_eq!(a.body_html, "<p>The lede.</p>\n", "{text}");
            }
        }
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let out = parse_text(
            "Head\n\nThis paragraph was\nwrapped at forty\ncolumns.\n\nSecond one.\nThird one.\n",
        );
        let a = &out.articles[0];
        assert_eq!(a.summary, "This paragraph was wrapped at forty columns.");
        assert_eq!(a.body_html.text().matches("<p>").count(), 3);
        // Wrapped over two lines, the paragraph's last ending a sentence as always.
        let body = |text: &str| parse_text(text).articles[0].body_html.text().into_owned();
        let head = "Wrap test\n\nAFP, 7 Mar 2023\n\nThe lede of this story.\n\n";
        assert_eq!(
            body(&format!("{head}Short start of a\nparagraph.\n")),
            "<p>The lede of this story.</p>\n<p>Short start of a paragraph.</p>\n"
        );
        assert_eq!(
            body(&format!("{head}A longer start of a paragraph that goes on and\non (to the end).\n")),
            "<p>The lede of this story.</p>\n<p>A longer start of a paragraph that goes on and on (to the end).</p>\n"
        );
        // Two lines that each end a sentence are two paragraphs, as before.
        assert_eq!(
            body(&format!("{head}First one.\nSecond one.\n")),
            "<p>The lede of this story.</p>\n<p>First one.</p>\n<p>Second one.</p>\n"
        );
        // A subheading over its text stays apart; a wrapped line as long as the next,
        // over a capital, is joined.
        assert_eq!(
            body(&format!("{head}Background\nThe talks began in 2019 and\nwent on for years.\n")),
            "<p>The lede of this story.</p>\n<p>Background</p>\n<p>The talks began in 2019 and went on for years.</p>\n"
        );
        assert_eq!(
            body(&format!("{head}The minister met with\nPresident Biden on Tuesday.\n")),
            "<p>The lede of this story.</p>\n<p>The minister met with President Biden on Tuesday.</p>\n"
        );
    }
}
