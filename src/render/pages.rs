//! Renders every planned page into the staging folder, skipping the pages whose
//! inputs are unchanged since the previous build (their files are kept as they are).

use rayon::prelude::*;

use super::views::Views;
use super::Renderer;
use crate::archive::{urls, Page};
use crate::build::Observer;
use crate::cache::Hash;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;

/// Renders and writes `pages` in parallel. `seed` fingerprints the binary and config
/// (0: never reuse a previous build's page). Returns how many pages were rendered.
pub fn render_pages(
    renderer: &Renderer,
    views: &Views<'_>,
    pages: &[Page],
    staging: &Staging,
    seed: Hash,
    observer: &dyn Observer,
) -> Result<usize, Diagnostic> {
    let sites = views.sites();
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    pages.par_iter().try_for_each(|page| {
        let prepared = renderer.prepare(views, &sites, page, seed);
        let rel = urls::page_file(&page.url);
        if staging.keep(&rel, prepared.input) {
            observer.kept(&rel);
            return Ok(());
        }
        let input = prepared.input;
        let html = renderer.render_prepared(views, &sites, prepared)?;
        rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let changed = staging.write_page(&rel, input, html).map_err(|e| {
            Diagnostic::error(
                &views.config.output_dir,
                None,
                format!("cannot write {}: {e}", page.url),
            )
        })?;
        if changed {
            observer.wrote(&rel);
        } else {
            observer.kept(&rel);
        }
        Ok(())
    })?;
    Ok(rendered.into_inner())
}
