//! Date and time strings as archives write them, read in the site's time zone.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::settings::DateOrder;

/// Why a string is not a usable date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any known form.
    NotADate,
    /// All-numeric with slashes or dashes (`07/03/2023`) and no `date_order` is set:
    /// never guessed.
    Ambiguous,
}

/// Dates with a month name, after any weekday is removed; the time is in the site's zone.
const NAMED_FORMATS: [&str; 34] = [
    "%d %b %Y %I:%M %p",
    "%d %B %Y %I:%M %p",
    "%d %b %Y %I:%M:%S %p",
    "%d %B %Y %I:%M:%S %p",
    "%d %b %Y %H:%M",
    "%d %b %Y, %H:%M",
    "%d %b %Y",
    "%d %b, %Y",
    "%b %d, %Y %H:%M",
    "%b %d, %Y, %H:%M",
    "%b %d, %Y",
    "%b %d %Y",
    "%d-%b-%Y",
    "%Y %b %d",
    "%d %b %Y %H:%M:%S",
    "%b %d, %Y %I:%M %p",
    // The same with full month names (chrono's %b takes only the abbreviation).
    "%d %B %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%d %B %Y",
    "%d %B, %Y",
    "%B %d, %Y %H:%M",
    "%B %d, %Y, %H:%M",
    "%B %d, %Y",
    "%B %d %Y",
    "%d-%B-%Y",
    "%Y %B %d",
    "%d %B %Y %H:%M:%S",
    "%B %d, %Y %I:%M %p",
    // Twelve-hour times after a comma or a day-first date.
    "%B %d, %Y, %I:%M %p",
    "%d %B %Y %I:%M %p",
    "%d %B %Y, %I:%M %p",
    "%b %d, %Y, %I:%M %p",
    "%d %b %Y %I:%M %p",
    "%d %b %Y, %I:%M %p",
];

/// English month names, as pages show them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Weekday names (and their common abbreviations) that may start a date.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// [`parse_date`], plus the forms news sites write: RFC 2822 (`Tue, 07 Mar 2023 10:00:00
/// +0000`), `7 Mar 2023`, `Tuesday 7 Mar 2023`, `March 7, 2023`, Jekyll's
/// `2023-03-07 10:15:00 +0200`, and all-numeric `07/03/2023` only with `order`
/// (`07.03.2023`, dotted, is day-first without one).
pub fn parse_date_with(
    text: &str,
    tz: Tz,
    order: Option<DateOrder>,
) -> Result<DateTime<Tz>, DateError> {
    let text = western_digits(text.trim());
    let text = text.as_ref();
    let d = parse_any(text, tz, order)?;
    match d.year() {
        // A two-digit year (`7 Mar 23`): chrono reads it as the year 23. Read it as
        // POSIX's `%y` does: 69 and below in this century, the rest in the last.
        // Written with four digits (`0023-03-07`), it is a typo, not a short year.
        0..=99 if has_number(text, &format!("{:04}", d.year())) => Err(DateError::NotADate),
        0..=99 => {
            let year = d.year() + if d.year() <= 68 { 2000 } else { 1900 };
            let naive = d.naive_local();
            let moved = naive.with_year(year).ok_or(DateError::NotADate)?;
            Ok(local_to_zone(moved, tz))
        }
        // No news archive holds these: a typo, or a number that was not a year.
        100..=999 | 10_000.. | ..0 => Err(DateError::NotADate),
        _ => Ok(d),
    }
}

/// Arabic-Indic and Persian digits (`٢٠٢٣`, `۲۰۲۳`) as ASCII ones, and the Arabic
/// comma as a comma, as Arabic news sites write dates with them.
pub(crate) fn western_digits(text: &str) -> std::borrow::Cow<'_, str> {
    use crate::fold::ascii_digit;
    let eastern = |c: char| c == '\u{60c}' || ascii_digit(c).is_some();
    if !text.contains(eastern) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{60c}' => ',',
            c => ascii_digit(c).unwrap_or(c),
        })
        .collect::<String>()
        .into()
}

/// Whether `digits` stands in `text` as a number of its own, not inside a longer one.
fn has_number(text: &str, digits: &str) -> bool {
    text.match_indices(digits).any(|(at, _)| {
        let before = text[..at].bytes().next_back();
        let after = text[at + digits.len()..].bytes().next();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

fn parse_any(text: &str, tz: Tz, order: Option<DateOrder>) -> Result<DateTime<Tz>, DateError> {
    if let Some(d) = parse_date(text, tz) {
        return Ok(d);
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Ok(dt.with_timezone(&tz));
    }
    // With the offset apart or joined without a colon (`2023-03-07T10:00:00+0200`, as
    // many feeds and dumps write it).
    for format in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Ok(dt.with_timezone(&tz));
        }
    }
    let english = in_english(text);
    let named = strip_weekday(&english);
    let named = named.trim_end_matches(['.', ' ']);
    let named = ap_style(named);
    // Spaces folded, no-break ones and a ` - ` among them; dots too for the named forms
    // (`Mar. 7`), not for the numeric ones (`07.03.2023`).
    let folded = |dots: bool| {
        let marks: &[char] = if dots { &['\u{a0}', '.'] } else { &['\u{a0}'] };
        named
            .replace(marks, " ")
            .replace(" - ", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let collapsed = folded(true);
    // "7th March 2023", "March 7th, 2023".
    let collapsed = strip_ordinals(&collapsed);
    // A time with its zone named: `7 Mar 2023 10:30 UTC`, `March 8, 2023 3:45 PM EST`.
    let zoned = collapsed
        .rsplit_once(' ')
        .and_then(|(rest, zone)| Some((rest.trim_end_matches(','), zone_named(zone)?)));
    let (named_date, zone) = match zoned {
        Some((rest, zone)) => (rest, Some(zone)),
        None => (collapsed.as_str(), None),
    };
    // An ISO date and time with its zone named (`2023-03-07 10:00 EST`, as a front matter
    // may write it): without the zone, `parse_date` above read those.
    if zone.is_some() {
        for format in [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(named_date, format) {
                return Ok(in_zone(naive, zone, tz));
            }
        }
    }
    for format in NAMED_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(named_date, format) {
            return Ok(in_zone(naive, zone, tz));
        }
        if let Ok(date) = NaiveDate::parse_from_str(named_date, format) {
            return Ok(local_to_zone(date.and_time(NaiveTime::MIN), tz));
        }
    }
    // With the weekday gone, RFC 2822 whose weekday is wrong (chrono refuses those):
    // `Sun, 07 Mar 2023 10:00:00 +0000` (a Tuesday) is read, and the caller says so.
    for format in ["%d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M %z"] {
        if let Ok(dt) = DateTime::parse_from_str(named.trim_start_matches([',', ' ']), format) {
            return Ok(dt.with_timezone(&tz));
        }
    }
    numeric(&folded(false), tz, order)
}

/// The Associated Press's way of writing dates, as US sites print them, in the form the
/// formats read: `Sept. 7, 2023 at 10:15 a.m.` -> `Sep. 7, 2023 10:15 AM`.
fn ap_style(text: &str) -> std::borrow::Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    if !["a.m", "p.m", "sept", " at "]
        .iter()
        .any(|w| lower.contains(w))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let comma = if w.ends_with(',') { "," } else { "" };
        let bare = w.trim_end_matches(',').to_ascii_lowercase();
        let next_is_number = words
            .get(i + 1)
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
        match bare.as_str() {
            "a.m." | "a.m" => out.push(format!("AM{comma}")),
            "p.m." | "p.m" => out.push(format!("PM{comma}")),
            "sept." | "sept" => out.push(format!("Sep{comma}")),
            // `March 7, 2023 at 10:15`: the time follows.
            "at" if i > 0 && next_is_number => {}
            _ => out.push(w.to_string()),
        }
    }
    std::borrow::Cow::Owned(out.join(" "))
}

/// A zone named after a time: a fixed offset (`EST`), or a US zone whose offset follows
/// daylight saving time (`ET`, as US sites print it: EST in March's first week, EDT later).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Zone {
    Hours(i32),
    Region(Tz),
}

/// The zone abbreviation `word` as the date reader knows it (`GMT`, `EST`; the German
/// `MEZ` and `MESZ` as `CET` and `CEST`), if it is one. Only a word in capitals is
/// taken: French `et` ("and") is no US Eastern time.
pub(crate) fn zone_abbreviation(word: &str) -> Option<String> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let known = match word {
        "MEZ" => "CET",
        "MESZ" => "CEST",
        other => other,
    };
    zone_named(known).map(|_| known.to_string())
}

fn zone_named(zone: &str) -> Option<Zone> {
    if let Some(hours) = zone_offset(zone) {
        return Some(Zone::Hours(hours));
    }
    Some(Zone::Region(match zone.to_ascii_uppercase().as_str() {
        "ET" => chrono_tz::America::New_York,
        "CT" => chrono_tz::America::Chicago,
        "MT" => chrono_tz::America::Denver,
        "PT" => chrono_tz::America::Los_Angeles,
        _ => return None,
    }))
}

/// A wall-clock time in `zone`, or without one in the site's zone `tz`, as a time in `tz`.
fn in_zone(naive: NaiveDateTime, zone: Option<Zone>, tz: Tz) -> DateTime<Tz> {
    let fixed = |hours: i32| {
        chrono::FixedOffset::east_opt(hours * 3600)
            .and_then(|o| o.from_local_datetime(&naive).single())
            .map(|d| d.with_timezone(&tz))
    };
    match zone {
        Some(Zone::Hours(hours)) => fixed(hours).unwrap_or_else(|| local_to_zone(naive, tz)),
        Some(Zone::Region(region)) => local_to_zone(naive, region).with_timezone(&tz),
        None => local_to_zone(naive, tz),
    }
}

/// Hours from UTC of the zone abbreviations news sites print after a time; ambiguous
/// ones (IST, AST...) are not guessed.
fn zone_offset(zone: &str) -> Option<i32> {
    Some(match zone.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "UT" | "Z" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "BST" | "CET" | "WAT" => 1,
        "CEST" | "EET" | "CAT" | "SAST" => 2,
        "EEST" | "MSK" | "EAT" => 3,
        _ => return None,
    })
}

/// Month and weekday names of French, Spanish, German and Arabic dates in English
/// (`mercredi 8 mars 2023` -> `wednesday 8 March 2023`, `الثلاثاء 7 مارس 2023` -> `tuesday
/// 7 March 2023`), for the English formats.
fn in_english(text: &str) -> std::borrow::Cow<'_, str> {
    // The Levant's month names of two words, made one before words are looked up.
    const PAIRS: [(&str, &str); 4] = [
        ("كانون الثاني", "January"),
        ("تشرين الأول", "October"),
        ("تشرين الثاني", "November"),
        ("كانون الأول", "December"),
    ];
    if PAIRS.iter().any(|(pair, _)| text.contains(pair)) {
        let joined = PAIRS
            .iter()
            .fold(text.to_string(), |t, (pair, en)| t.replace(pair, en));
        return std::borrow::Cow::Owned(in_english(&joined).into_owned());
    }
    const NAMES: &[(&str, &str)] = &[
        ("يناير", "January"),
        ("فبراير", "February"),
        ("مارس", "March"),
        ("أبريل", "April"),
        ("ابريل", "April"),
        ("إبريل", "April"),
        ("مايو", "May"),
        ("يونيو", "June"),
        ("يونيه", "June"),
        ("يوليو", "July"),
        ("يوليه", "July"),
        ("أغسطس", "August"),
        ("اغسطس", "August"),
        ("سبتمبر", "September"),
        ("أكتوبر", "October"),
        ("اكتوبر", "October"),
        ("نوفمبر", "November"),
        ("ديسمبر", "December"),
        ("شباط", "February"),
        ("آذار", "March"),
        ("نيسان", "April"),
        ("أيار", "May"),
        ("حزيران", "June"),
        ("تموز", "July"),
        ("آب", "August"),
        ("أيلول", "September"),
        ("الأحد", "sunday"),
        ("الاحد", "sunday"),
        ("الاثنين", "monday"),
        ("الإثنين", "monday"),
        ("الثلاثاء", "tuesday"),
        ("الأربعاء", "wednesday"),
        ("الاربعاء", "wednesday"),
        ("الخميس", "thursday"),
        ("الجمعة", "friday"),
        ("السبت", "saturday"),
        ("janvier", "January"),
        ("février", "February"),
        ("fevrier", "February"),
        ("mars", "March"),
        ("avril", "April"),
        ("mai", "May"),
        ("juin", "June"),
        ("juillet", "July"),
        ("août", "August"),
        ("aout", "August"),
        ("septembre", "September"),
        ("octobre", "October"),
        ("novembre", "November"),
        ("décembre", "December"),
        ("decembre", "December"),
        ("enero", "January"),
        ("febrero", "February"),
        ("marzo", "March"),
        ("abril", "April"),
        ("mayo", "May"),
        ("junio", "June"),
        ("julio", "July"),
        ("agosto", "August"),
        ("septiembre", "September"),
        ("setiembre", "September"),
        ("octubre", "October"),
        ("noviembre", "November"),
        ("diciembre", "December"),
        ("januar", "January"),
        ("februar", "February"),
        ("märz", "March"),
        ("juni", "June"),
        ("juli", "July"),
        ("oktober", "October"),
        ("dezember", "December"),
        ("lundi", "monday"),
        ("mardi", "tuesday"),
        ("mercredi", "wednesday"),
        ("jeudi", "thursday"),
        ("vendredi", "friday"),
        ("samedi", "saturday"),
        ("dimanche", "sunday"),
        ("lunes", "monday"),
        ("martes", "tuesday"),
        ("miércoles", "wednesday"),
        ("jueves", "thursday"),
        ("viernes", "friday"),
        ("sábado", "saturday"),
        ("domingo", "sunday"),
        ("montag", "monday"),
        ("dienstag", "tuesday"),
        ("mittwoch", "wednesday"),
        ("donnerstag", "thursday"),
        ("freitag", "friday"),
        ("samstag", "saturday"),
        ("sonntag", "sunday"),
    ];
    let mut changed = false;
    let mut after_time: Option<u32> = None;
    let words: Vec<String> = text
        .split(' ')
        .filter_map(|w| {
            let lower = w.trim_end_matches(',').to_lowercase();
            // The hour of a time (`10:30`, `22:30:15`), when this word is one.
            let hour = w.split_once(':').and_then(|(h, _)| h.parse::<u32>().ok());
            let time_before = std::mem::replace(&mut after_time, hour);
            // Arabic `10:30 م` and `10:30 ص`: after a time, PM and AM (after a 24-hour
            // time such as `22:30 م`, only a reminder, dropped).
            if let (Some(h), "م" | "ص") = (time_before, lower.as_str()) {
                changed = true;
                if (1..=12).contains(&h) {
                    return Some(if lower == "م" { "PM" } else { "AM" }.into());
                }
                return None;
            }
            // Spanish `8 de marzo de 2023`.
            if lower == "de" {
                changed = true;
                return None;
            }
            // French `1er mars 2023`.
            if lower == "1er" {
                changed = true;
                return Some("1".into());
            }
            // Arabic `7 مارس 2023 م` (after the year: of the common era).
            if lower == "م" {
                changed = true;
                return None;
            }
            match NAMES.iter().find(|(name, _)| *name == lower) {
                Some((_, english)) => {
                    changed = true;
                    Some(format!(
                        "{english}{}",
                        if w.ends_with(',') { "," } else { "" }
                    ))
                }
                None => Some(w.to_string()),
            }
        })
        .collect();
    if changed {
        std::borrow::Cow::Owned(words.join(" "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// What to say of a date `text` whose weekday was `actual` (see [`wrong_weekday`]); the
/// caller puts the field's name in front when there is one.
pub fn wrong_weekday_message(text: &str, actual: &str) -> String {
    format!("'{text}': that day was a {actual}; the date is kept, check it")
}

/// What to say of a date `text` whose month lacks its day (see [`is_missing_day`]).
pub fn missing_day_message(text: &str) -> String {
    format!("'{text}' names a day its month does not have")
}

/// The weekday `date` fell on, when `text` (a date) opens with another (`Sunday 7 Mar
/// 2023` was a Tuesday): a typo in one of the two. A date with a time may have been moved to another
/// day by its offset, so there a neighbouring weekday is taken as right.
pub fn wrong_weekday(text: &str, date: &DateTime<Tz>) -> Option<&'static str> {
    // The weekday leads a date (`Tuesday 7 Mar 2023`, `Tue, 07 Mar 2023 ...`).
    let english = in_english(text);
    let word = english
        .split(|c: char| !c.is_alphabetic())
        .find(|w| !w.is_empty())?
        .to_lowercase();
    let named = (0..7).find(|&d| {
        let day = WEEKDAYS[d];
        day == word || ((3..=4).contains(&word.len()) && day.starts_with(&word))
    })?;
    let actual = date.weekday().num_days_from_monday() as usize;
    let off_by = (named + 7 - actual) % 7;
    let near = off_by == 1 || off_by == 6;
    (off_by != 0 && !(near && text.contains(':'))).then(|| {
        const NAMES: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        NAMES[actual]
    })
}

/// Whether `text`, which is not a date, would be one with another day of the month: a
/// day the month does not have (`2023-02-30`, `31 April 2023`), not a wrong format.
pub fn is_missing_day(text: &str, tz: Tz, order: Option<DateOrder>) -> bool {
    // The first number of one or two digits from 29 to 31 is the day, if any is.
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                start = None;
                if matches!(&text[s..i], "29" | "30" | "31") {
                    let moved = format!("{}28{}", &text[..s], &text[i..]);
                    return parse_date_with(&moved, tz, order).is_ok();
                }
            }
            _ => {}
        }
    }
    false
}

/// `07/03/2023`, `7-3-2023`: read only with a configured order; `07.03.2023` day-first
/// without one (see below). A time may follow, with a zone named as [`zone_named`] knows
/// it (`07/03/2023 10:15 GMT`); a zone it does not know refuses the date rather than
/// being ignored.
fn numeric(text: &str, tz: Tz, order: Option<DateOrder>) -> Result<DateTime<Tz>, DateError> {
    let (date_part, time_part) = match text.split_once(' ') {
        Some((d, t)) => (d.trim_end_matches(','), Some(t)),
        None => (text, None),
    };
    let (time_part, zone) = match time_part.and_then(|t| t.rsplit_once(' ')) {
        Some((time, zone)) => (Some(time), Some(zone_named(zone))),
        None => (time_part, None),
    };
    let parts: Vec<&str> = date_part.split(['/', '-', '.']).collect();
    let looks_numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[2].len() == 4
        && parts[0].len() <= 2
        && parts[1].len() <= 2;
    if !looks_numeric {
        return Err(DateError::NotADate);
    }
    // Dots are written day-first wherever dates are written with them (German, French,
    // Russian, Arabic wires...); the US never writes them. Slashes and dashes go both ways.
    let dotted = date_part.bytes().filter(|&b| b == b'.').count() == 2;
    let Some(order) = order.or(dotted.then_some(DateOrder::DayFirst)) else {
        return Err(DateError::Ambiguous);
    };
    // A zone it does not know (`IST` is three zones): refused, not ignored.
    if zone == Some(None) {
        return Err(DateError::NotADate);
    }
    let zone = zone.flatten();
    let a: u32 = parts[0].parse().map_err(|_| DateError::NotADate)?;
    let b: u32 = parts[1].parse().map_err(|_| DateError::NotADate)?;
    let year: i32 = parts[2].parse().map_err(|_| DateError::NotADate)?;
    let (day, month) = match order {
        DateOrder::DayFirst => (a, b),
        DateOrder::MonthFirst => (b, a),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NotADate)?;
    let time = match time_part {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
            .map_err(|_| DateError::NotADate)?,
    };
    Ok(in_zone(date.and_time(time), zone, tz))
}

/// `Tuesday 7 Mar 2023` / `Tue, 7 Mar 2023` -> `7 Mar 2023`.
fn strip_weekday(text: &str) -> &str {
    let word_end = text
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(text.len());
    let word = text[..word_end].to_lowercase();
    // Full names, and abbreviations of three or four letters ("Tue", "Tues", "Thur").
    let is_weekday = WEEKDAYS
        .iter()
        .any(|d| *d == word || ((3..=4).contains(&word.len()) && d.starts_with(&word)));
    if is_weekday {
        text[word_end..].trim_start_matches(['.', ',', ' '])
    } else {
        text
    }
}

/// `7th` -> `7`, `1st,` -> `1,` (only right after digits).
fn strip_ordinals(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let digits = w.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits <= 2 {
                let rest = &w[digits..];
                for suffix in ["st", "nd", "rd", "th"] {
                    if let Some(tail) = rest.strip_prefix(suffix) {
                        if tail.is_empty() || tail == "," {
                            return format!("{}{tail}", &w[..digits]);
                        }
                    }
                }
            }
            w.to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Formats without an offset, tried in order; the time is then in the site's zone.
const LOCAL_FORMATS: [&str; 6] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
];

/// Reads RFC 3339 (`2023-03-07T10:00:00+02:00`), `2023-03-07`, `2023-03-07 10:15` and
/// their `T`/seconds variants. A time without an offset is in `tz`.
pub fn parse_date(text: &str, tz: Tz) -> Option<DateTime<Tz>> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.with_timezone(&tz));
    }
    // RFC 3339 without seconds, e.g. 2023-03-07T10:00+02:00.
    if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z") {
        return Some(dt.with_timezone(&tz));
    }
    for format in LOCAL_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(local_to_zone(naive, tz));
        }
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .ok()
        .or_else(|| basic_date(text))?;
    Some(local_to_zone(date.and_time(NaiveTime::MIN), tz))
}

/// ISO 8601's basic form, `20230307`: eight digits and nothing else (chrono's `%Y%m%d`
/// would also take a signed or longer year).
pub fn basic_date(text: &str) -> Option<NaiveDate> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)
}

/// A wall-clock time in `tz`; in a DST gap the clock is moved forward an hour,
/// in a DST overlap the earlier instant wins.
pub fn local_to_zone(naive: NaiveDateTime, tz: Tz) -> DateTime<Tz> {
    tz.from_local_datetime(&naive)
        .earliest()
        .unwrap_or_else(|| {
            MOVED.with(|m| m.set(true));
            tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
                .unwrap_or_else(|| tz.from_utc_datetime(&naive))
        })
}

thread_local! {
    /// Set when [`local_to_zone`] met a time its zone skips (see [`take_moved`]).
    static MOVED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a local time read on this thread since the last call did not exist in its
/// zone (the hour the clocks skip when they go forward) and was moved an hour on; a
/// caller clears it before reading a date and asks after, to say so.
pub fn take_moved() -> bool {
    MOVED.with(|m| m.replace(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn reads_the_documented_forms() {
        let cairo: Tz = "Africa/Cairo".parse().unwrap();
        let d = parse_date("2023-03-07", cairo).unwrap();
        assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2023, 3, 7, 0));
        let d = parse_date("2023-03-07 10:15", cairo).unwrap();
        assert_eq!((d.hour(), d.minute()), (10, 15));
        let d = parse_date("2023-03-07T23:30:00Z", cairo).unwrap();
        // 23:30 UTC is already the 8th in Cairo (UTC+2).
        assert_eq!((d.day(), d.hour()), (8, 1));
        assert!(parse_date("Tuesday", cairo).is_none());
        assert!(parse_date("2023-02-30", cairo).is_none());
        // ISO 8601's basic form, as CMS exports and GDELT write dates.
        let d = parse_date("20230307", cairo).unwrap();
        assert_eq!((d.year(), d.month(), d.day(), d.hour()), (2023, 3, 7, 0));
        assert!(parse_date("20230230", cairo).is_none());
        assert!(parse_date("+2023037", cairo).is_none());
    }

    #[test]
    fn reads_news_site_forms() {
        let utc = Tz::UTC;
        let ymd = |d: DateTime<Tz>| (d.year(), d.month(), d.day());
        for text in [
            "7 Mar 2023",
            "Tuesday 7 Mar 2023",
            "Tue, 7 Mar 2023",
            "March 7, 2023",
            "Mar. 7, 2023",
            "7th March 2023",
            "March 7th, 2023",
            "07 March 2023 10:15",
            "Tue, 07 Mar 2023 10:00:00 +0000",
            "2023-03-07 10:15:00 +0200",
            "2023-03-07T10:00:00+0200",
            "2023-03-07T10:00:00.250+0200",
            "2023-03-07T10:00-0500",
        ] {
            let d = parse_date_with(text, utc, None).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(ymd(d), (2023, 3, 7), "{text}");
        }
        // The offset is applied: 23:30 at -0100 is already the 8th in UTC.
        assert_eq!(
            parse_date_with("2023-03-07T23:30:00-0100", utc, None).map(|d| d.day()),
            Ok(8)
        );
        assert_eq!(
            parse_date_with(
                "Tue, 07 Mar 2023 23:30:00 +0000",
                "Africa/Cairo".parse().unwrap(),
                None
            )
            .map(|d| d.day()),
            Ok(8)
        );
    }

    #[test]
    fn zones_twelve_hour_times_and_other_languages() {
        let utc = Tz::UTC;
        let at = |text: &str| {
            parse_date_with(text, utc, None)
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|e| format!("{e:?}"))
        };
        assert_eq!(at("7 Mar 2023 10:30 UTC"), "2023-03-07 10:30");
        assert_eq!(at("March 8, 2023, 3:45 PM EST"), "2023-03-08 20:45");
        assert_eq!(at("2023-03-07 10:00 EST"), "2023-03-07 15:00");
        assert_eq!(at("2023-03-07T10:00:30 GMT"), "2023-03-07 10:00");
        assert_eq!(at("7 March 2023 - 10:30 AM"), "2023-03-07 10:30");
        assert_eq!(at("mercredi 8 mars 2023"), "2023-03-08 00:00");
        assert_eq!(at("8 de marzo de 2023"), "2023-03-08 00:00");
        assert_eq!(at("8. März 2023"), "2023-03-08 00:00");
        assert_eq!(at("7 Mar 2023 10:30 XYZ"), "NotADate");
        // AP style, as US sites write dates.
        assert_eq!(at("March 7, 2023 10:15 a.m."), "2023-03-07 10:15");
        assert_eq!(at("Sept. 7, 2023, 3:45 p.m. EDT"), "2023-09-07 19:45");
        assert_eq!(at("Sept 7, 2023"), "2023-09-07 00:00");
        assert_eq!(at("March 7, 2023 at 10:15 AM"), "2023-03-07 10:15");
        assert_eq!(at("March 7, 2023 at noon"), "NotADate");
        // US zones as sites print them, with daylight saving time (from 12 March 2023).
        assert_eq!(at("March 7, 2023 at 10:15 a.m. ET"), "2023-03-07 15:15");
        assert_eq!(at("March 14, 2023 10:15 AM ET"), "2023-03-14 14:15");
        assert_eq!(at("Mar 07, 2023 10:15 PM PT"), "2023-03-08 06:15");
        assert_eq!(at("Freitag, 10. März 2023"), "2023-03-10 00:00");
        assert_eq!(at("Sonntag, 12. März 2023"), "2023-03-12 00:00");
        // A zone after a numeric date is applied; one not known is refused, not ignored.
        let day_first = |text: &str| {
            parse_date_with(text, utc, Some(DateOrder::DayFirst))
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|e| format!("{e:?}"))
        };
        assert_eq!(day_first("07/03/2023 10:30 EST"), "2023-03-07 15:30");
        assert_eq!(day_first("07/03/2023, 10:30 GMT"), "2023-03-07 10:30");
        assert_eq!(day_first("07/03/2023 10:30 IST"), "NotADate");
        assert_eq!(
            parse_date_with("07/03/2023 10:30 GMT", utc, None),
            Err(DateError::Ambiguous)
        );
    }

    #[test]
    fn numeric_dates_need_an_order() {
        let utc = Tz::UTC;
        assert_eq!(
            parse_date_with("07/03/2023", utc, None),
            Err(DateError::Ambiguous)
        );
        let d = parse_date_with("07/03/2023", utc, Some(DateOrder::DayFirst)).unwrap();
        assert_eq!((d.month(), d.day()), (3, 7));
        let d = parse_date_with("07/03/2023 10:15", utc, Some(DateOrder::MonthFirst)).unwrap();
        assert_eq!((d.month(), d.day(), d.hour()), (7, 3, 10));
        // Dotted, as German, Russian or Turkish sites write dates.
        let d = parse_date_with("07.03.2023", utc, Some(DateOrder::DayFirst)).unwrap();
        assert_eq!((d.month(), d.day()), (3, 7));
        let d = parse_date_with("07.03.2023 10:15", utc, Some(DateOrder::DayFirst)).unwrap();
        assert_eq!((d.month(), d.day(), d.hour()), (3, 7, 10));
        assert_eq!(
            parse_date_with("25/03/2023", utc, Some(DateOrder::MonthFirst)),
            Err(DateError::NotADate)
        );
        assert_eq!(parse_date_with("AFP", utc, None), Err(DateError::NotADate));
        assert_eq!(
            parse_date_with("Tuesday", utc, None),
            Err(DateError::NotADate)
        );
    }

    /// Dotted numeric dates are day-first wherever they are written (the US never writes
    /// dates with dots); a site's `date_order` still wins, and slashes and dashes stay
    /// ambiguous.
    #[test]
    fn dotted_dates_are_day_first() {
        let utc = Tz::UTC;
        let read = |text: &str, order| {
            parse_date_with(text, utc, order).map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        };
        assert_eq!(read("07.03.2023", None).as_deref(), Ok("2023-03-07 00:00"));
        assert_eq!(
            read("7.3.2023 10:15", None).as_deref(),
            Ok("2023-03-07 10:15")
        );
        assert_eq!(read("13.03.2023", None).as_deref(), Ok("2023-03-13 00:00"));
        assert_eq!(read("03.13.2023", None), Err(DateError::NotADate));
        assert!(is_missing_day("31.04.2023", utc, None));
        assert_eq!(
            read("07.03.2023", Some(DateOrder::MonthFirst)).as_deref(),
            Ok("2023-07-03 00:00")
        );
        for text in ["07/03/2023", "07-03-2023", "07.03/2023", "07/03.2023"] {
            assert_eq!(read(text, None), Err(DateError::Ambiguous), "{text}");
        }
    }

    #[test]
    fn two_digit_years_are_read_as_such_and_odd_years_refused() {
        let utc = Tz::UTC;
        let year = |text: &str| parse_date_with(text, utc, None).map(|d| d.year());
        assert_eq!(year("7 Mar 23"), Ok(2023));
        assert_eq!(year("March 7, 99"), Ok(1999));
        assert_eq!(year("Tuesday 7 Mar 23"), Ok(2023));
        assert_eq!(year("7 Mar 2023"), Ok(2023));
        assert_eq!(year("7 Mar 203"), Err(DateError::NotADate));
        assert_eq!(year("0203-03-07"), Err(DateError::NotADate));
        // A four-digit year below 100 is a typo, never a short year.
        for typo in [
            "0001-06-15",
            "0099-06-15",
            "0070-06-15T00:00:00Z",
            "15 June 0050",
        ] {
            assert_eq!(year(typo), Err(DateError::NotADate), "{typo}");
        }
        assert_eq!(year("15 June 50"), Ok(2050));
        let hour = |text: &str| parse_date_with(text, utc, None).map(|d| d.hour());
        assert_eq!(hour("الثلاثاء، 07 مارس 2023 10:30 م"), Ok(22));
        assert_eq!(hour("الثلاثاء، 07 مارس 2023 10:30 ص"), Ok(10));
        assert_eq!(hour("07 مارس 2023 10:30:15 م"), Ok(22));
        assert_eq!(hour("07 مارس 2023 22:30 م"), Ok(22));
        let ymd =
            |text: &str| parse_date_with(text, utc, None).map(|d| (d.year(), d.month(), d.day()));
        for (text, want) in [
            ("٢٠٢٣-٠٥-٠٦", (2023, 5, 6)),
            ("۲۰۲۳-۰۵-۰۶", (2023, 5, 6)),
            ("21 أكتوبر 2023", (2023, 10, 21)),
            ("الثلاثاء ٧ مارس ٢٠٢٣", (2023, 3, 7)),
            ("الأربعاء، 8 مارس 2023", (2023, 3, 8)),
            ("7 آذار 2023", (2023, 3, 7)),
            ("3 تشرين الثاني 2023", (2023, 11, 3)),
            ("1er février 2023", (2023, 2, 1)),
            ("mercredi 1er mars 2023", (2023, 3, 1)),
            ("7 مارس 2023 م", (2023, 3, 7)),
        ] {
            assert_eq!(ymd(text), Ok(want), "{text}");
        }
        assert_eq!(year("2023/03/07"), Ok(2023));
    }

    #[test]
    fn days_a_month_lacks_are_told_apart_from_bad_formats() {
        let utc = Tz::UTC;
        assert!(is_missing_day("2023-02-30", utc, None));
        assert!(is_missing_day("31 April 2023", utc, None));
        assert!(is_missing_day("Wednesday, 29 Feb 2023", utc, None));
        assert!(!is_missing_day("2023-02-40", utc, None));
        assert!(!is_missing_day("30 Mar 20233", utc, None));
        assert!(!is_missing_day("yesterday", utc, None));
    }

    #[test]
    fn a_weekday_that_does_not_match_its_date() {
        let utc = Tz::UTC;
        let check = |text: &str| {
            let d = parse_date_with(text, utc, None).unwrap();
            wrong_weekday(text, &d)
        };
        assert_eq!(check("Sunday 7 Mar 2023"), Some("Tuesday"));
        // RFC 2822 with a wrong weekday: chrono refuses it; read, and said.
        assert_eq!(check("Sun, 07 Mar 2023 10:00:00 +0000"), Some("Tuesday"));
        assert_eq!(check("Tuesday 7 Mar 2023"), None);
        assert_eq!(check("Tue, 7 Mar 2023"), None);
        assert_eq!(check("7 Mar 2023"), None);
        assert_eq!(check("dimanche 7 mars 2023"), Some("Tuesday"));
        // An offset can move the day: a neighbouring weekday passes with a time.
        assert_eq!(check("Mon, 06 Mar 2023 23:30:00 -0100"), None);
    }

    #[test]
    fn dst_gap_moves_forward() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = parse_date("2023-03-12 02:30", ny).unwrap();
        assert_eq!(d.hour(), 3);
    }
}
