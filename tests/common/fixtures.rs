//! A small archive with known words, shared by the search and browser tests.
#![allow(dead_code)]

use crate::common::{fm, Site};

/// Articles per listing page in [`search_site`].
pub const PER_PAGE: usize = 3;

/// (path, title, date, sources, tags, body), newest first.
pub const ARTICLES: [(&str, &str, &str, &str, &str, &str); 8] = [
    (
        "world/cranes.md",
        "Harbour cranes return to Alexandria",
        "2023-03-01T09:00:00+02:00",
        "[\"AFP\"]",
        "[\"Ports\"]",
        "The harbour reopened after a year of works. Dock workers said the new cranes were faster.",
    ),
    (
        "business/fees.md",
        "Harbour fees rise for cargo ships",
        "2023-02-10T09:00:00+02:00",
        "[\"Reuters\"]",
        "[\"Ports\", \"Trade\"]",
        "Shipping lines will pay more to dock in the harbour from April, the port authority said.",
    ),
    (
        "culture/museum.md",
        "Museum reopens its Roman gallery",
        "2023-01-15T09:00:00+02:00",
        "[\"MENA\"]",
        "[\"Museums\"]",
        "Visitors queued for hours to see the restored mosaics.",
    ),
    (
        "world/fishermen.md",
        "Fishermen leave the old port",
        "2022-11-05T09:00:00+02:00",
        "[\"AFP\", \"AP\"]",
        "[\"Fishing\"]",
        "Boats moved out of the old harbour as the sea wall was rebuilt.",
    ),
    (
        "science/coral.md",
        "Coral survey finds signs of recovery",
        "2022-06-01T09:00:00+02:00",
        "[\"AP\"]",
        "[\"Oceans\"]",
        "Divers counted young coral off Zanzibar, working with researchers from Zürich and the Straße lab.",
    ),
    (
        "science/rain.md",
        "Rainfall below average for third year",
        "2022-03-20T09:00:00+02:00",
        "[\"Reuters\"]",
        "[\"Climate\"]",
        "Farmers reported thin harvests across the delta.",
    ),
    (
        "business/bank.md",
        "Central bank holds rates",
        "2021-12-02T09:00:00+02:00",
        "[\"MENA\"]",
        "[\"Economy\"]",
        "The decision surprised few analysts ahead of the vote (قبل الانتخابات).",
    ),
    (
        "culture/film.md",
        "Film festival opens with a comedy",
        "2021-10-09T09:00:00+02:00",
        "[\"AFP\"]",
        "[\"Film\"]",
        "Critics praised the opening night.",
    ),
];

/// The site with [`ARTICLES`], deployed under `base_url`; not yet built.
pub fn search_site(base_url: &str) -> Site {
    let site = Site::new(&format!(
        "title = \"Search Test\"\nbase_url = \"{base_url}\"\ntimezone = \"Africa/Cairo\"\nper_page = {PER_PAGE}\n"
    ));
    for (path, title, date, sources, tags, body) in ARTICLES {
        site.article(
            path,
            &format!("{}\nsources = {sources}\ntags = {tags}", fm(title, date)),
            body,
        );
    }
    site
}
