//! broadsheet: a static site generator for news archives.
//!
//! Data flows one way through five stages, one module each:
//! [`ingest`] loads and normalizes content files into [`article::Article`] records,
//! [`archive`] indexes them into collections and plans every page,
//! [`render`] turns each planned page into HTML through Tera,
//! [`search`] cuts a full-text index into small files for the browser,
//! and [`output`] writes the site atomically. [`config`] reads `site.toml`,
//! [`build`] calls the stages in order, and [`cache`] remembers parsed files and
//! rendered pages between builds so a rebuild redoes only what changed.
//!
//! Around the pipeline: [`report`] runs ingest and index alone and [`check`] checks the
//! links of a scratch build (`broadsheet check`), [`serve`] previews with live reload,
//! [`scaffold`] makes new sites and articles, and [`cli`] is the human-facing shell.

pub mod archive;
pub mod article;
pub mod build;
pub mod cache;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod fold;
pub mod ingest;
pub mod output;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod slug;
