//! `broadsheet serve`: build into a temporary folder, serve it on localhost, rebuild when
//! the sources change, and tell open pages to reload (server-sent events). A failed
//! rebuild keeps the last good site and shows the error as an overlay in the browser.
//! The site is served under its base URL's path (`/archive/`), as it will be deployed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::new_debouncer;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::archive::urls;
use crate::build::{self, BuildOptions, BuildReport};
use crate::config::SiteConfig;
use crate::output::feeds::{ATOM_TYPE, RSS_TYPE};

/// Path of the event stream under the site's path; starts with `__` so no article URL
/// can clash with it.
const EVENTS: &str = "/__broadsheet/events";
const SCRIPT: &str = "/__broadsheet/livereload.js";
const LIVERELOAD_JS: &str = include_str!("serve/livereload.js");

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub interface: String,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// Keep articles whose `expiryDate` has passed.
    pub expired: bool,
    /// The URL pages are written for, as given; `None`: the address listened on, with
    /// the path of `base_url` in site.toml.
    pub base_url: Option<String>,
}

/// Where the preview is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The address listened on (localhost when that is every interface) with the path
    /// the site is served under: the URL to open.
    pub url: String,
    /// The base URL written into pages: `url`, or [`ServeOptions::base_url`].
    pub base_url: String,
    /// The port of [`ServeOptions::base_url`] when it is not the port listened on.
    pub other_port: Option<u16>,
}

/// What the server reports to its caller (the CLI prints these).
pub enum ServeEvent<'a> {
    /// Serving starts, or the site's path changed (site.toml's `base_url` was edited).
    Listening(&'a Address),
    /// A build finished (or failed).
    Built(&'a BuildReport),
    /// Source files changed; a rebuild follows.
    Changed(&'a [PathBuf]),
    /// An article's `expiryDate` came with no file changed; a rebuild follows, to take
    /// it off.
    Expiry,
}

/// The last build's outcome, shared with event-stream clients, and where the site is
/// mounted.
struct State {
    error: Option<String>,
    clients: Vec<Sender<String>>,
    /// The path the site is served under, `/` or `/archive/`, as browsers send it: a
    /// path that is not ASCII percent-encoded (`/arch%C3%ADv/` for `/archív/`), which is
    /// also what a `Location` header may hold.
    prefix: String,
    address: Option<Address>,
    /// The file name of the site's RSS feeds (`rss_feed`; empty when there are none),
    /// to serve them as RSS.
    rss_feed: String,
}

impl State {
    fn broadcast(&mut self, event: &str, data: &str) {
        let msg = format!(
            "event: {event}\ndata: {}\n\n",
            serde_json::to_string(data).unwrap_or_default()
        );
        self.clients.retain(|c| c.send(msg.clone()).is_ok());
    }
}

/// Serves until the process is stopped. Errors only when it cannot start.
pub fn serve(opts: &ServeOptions, on_event: &(dyn Fn(ServeEvent) + Sync)) -> Result<(), String> {
    let server = Server::http(format!("{}:{}", opts.interface, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.interface, opts.port))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    // An address that means "every interface" is no address to link to: pages name
    // localhost then, or the URL given for other devices.
    let origin = if addr.ip().is_unspecified() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    };
    // Ctrl+C, SIGTERM (kill, systemd, an IDE's stop button) and SIGHUP (a closed
    // terminal) remove the preview site (and its build cache) and end the server.
    let tmp = crate::check::scratch_folder("serve", 0)
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let out = tmp.path().join("site");
    let preview = Preview {
        site_dir: opts.site_dir.clone(),
        out: out.clone(),
        drafts: opts.drafts,
        expired: opts.expired,
        origin,
        port: addr.port(),
        base_url: opts.base_url.clone(),
    };
    let state = Arc::new(Mutex::new(State {
        error: None,
        clients: Vec::new(),
        prefix: "/".into(),
        address: None,
        rss_feed: String::new(),
    }));
    let first_expiry = preview.rebuild(&state, on_event);

    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(Duration::from_millis(150), None, tx)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    // Absolute, so that event paths compare with it.
    let site = &opts
        .site_dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", opts.site_dir.display()))?;
    for folder in ["content", "templates", "static"] {
        let path = site.join(folder);
        if path.is_dir() {
            debouncer
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    // The site folder itself, not recursively: for site.toml (editors replace the file,
    // so watching the file alone would lose it).
    debouncer
        .watch(site, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", site.display()))?;

    thread::scope(|scope| {
        let watched = state.clone();
        let preview = &preview;
        scope.spawn(move || {
            let mut next_expiry = first_expiry;
            loop {
                // Woken by a change, or when the next expiryDate comes: an article
                // leaves the preview when it would leave the site, not at the next edit.
                // The wait is cut into short ones, each checking the clock: a wait
                // counts time the machine is awake, so after a laptop sleeps through the
                // expiry, one long wait would end that much too late.
                let received = match next_expiry {
                    Some(at) => rx.recv_timeout(until(at).min(CLOCK_CHECK)),
                    None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                };
                let events = match received {
                    Ok(Ok(events)) => events,
                    Ok(Err(_)) => continue,
                    Err(RecvTimeoutError::Timeout) => {
                        if next_expiry.is_some_and(|at| !until(at).is_zero()) {
                            continue;
                        }
                        on_event(ServeEvent::Expiry);
                        next_expiry = preview.rebuild(&watched, on_event);
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return,
                };
                // Reads (the build itself opening files) are not changes.
                let mut changed: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .filter(|p| is_source(p, &preview.site_dir))
                    .map(|p| relative_to(&p, &preview.site_dir))
                    .collect();
                changed.sort();
                changed.dedup();
                if !changed.is_empty() {
                    on_event(ServeEvent::Changed(&changed));
                    next_expiry = preview.rebuild(&watched, on_event);
                }
            }
        });
        for request in server.incoming_requests() {
            let state = state.clone();
            let out = out.clone();
            scope.spawn(move || handle(request, &out, &state));
        }
    });
    drop(debouncer);
    Ok(())
}

/// The longest the preview waits for an `expiryDate` before it looks at the clock again.
const CLOCK_CHECK: Duration = Duration::from_secs(30);

/// How long until Unix second `at` has passed, by the wall clock, plus a tenth of a
/// second so that the build, which compares whole seconds, finds it passed; zero once
/// that moment is behind.
fn until(at: i64) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let at = Duration::from_secs(u64::try_from(at).unwrap_or(0)) + Duration::from_millis(100);
    at.saturating_sub(now)
}

/// Changes that matter: `site.toml`, or anything under content/, templates/, static/.
fn is_source(path: &Path, site: &Path) -> bool {
    let site = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match path.strip_prefix(&site) {
        Ok(rel) => {
            let first = rel
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned());
            rel == Path::new("site.toml")
                || matches!(first.as_deref(), Some("content" | "templates" | "static"))
        }
        // Deleted files cannot be canonicalized; anything under a watched folder counts.
        Err(_) => true,
    }
}

/// `path` relative to the site folder, for messages.
fn relative_to(path: &Path, site: &Path) -> PathBuf {
    let site = site.canonicalize().unwrap_or_else(|_| site.to_path_buf());
    path.strip_prefix(&site).unwrap_or(path).to_path_buf()
}

/// What every rebuild needs.
struct Preview {
    site_dir: PathBuf,
    out: PathBuf,
    drafts: bool,
    expired: bool,
    /// `http://127.0.0.1:1111`: the address listened on, without a path.
    origin: String,
    port: u16,
    /// `--base-url`, as given.
    base_url: Option<String>,
}

impl Preview {
    /// Where pages are served and what they link to: `--base-url` as given, or the
    /// local address with the path of site.toml's `base_url` (`config`, read again for
    /// every build so that editing it moves the preview too).
    fn address(&self, config: Option<&SiteConfig>) -> Address {
        let path = |url: &str| crate::config::base_path(url).unwrap_or_else(|_| "/".into());
        match &self.base_url {
            Some(given) => {
                let other_port = url::Url::parse(given)
                    .ok()
                    .and_then(|u| u.port_or_known_default())
                    .filter(|&p| p != self.port);
                Address {
                    url: format!("{}{}", self.origin, path(given)),
                    base_url: given.clone(),
                    other_port,
                }
            }
            None => {
                // A site.toml that does not load fails the build, which says why.
                let path = config.map_or("/", |c| c.base_path.as_str());
                let url = format!("{}{path}", self.origin);
                Address {
                    base_url: url.clone(),
                    url,
                    other_port: None,
                }
            }
        }
    }

    /// Builds the preview and tells open pages; returns when the next `expiryDate` comes
    /// (Unix seconds), when one does.
    fn rebuild(&self, state: &Mutex<State>, on_event: &(dyn Fn(ServeEvent) + Sync)) -> Option<i64> {
        let probe = BuildOptions {
            site_dir: self.site_dir.clone(),
            ..Default::default()
        };
        let config = build::load_config(&probe).ok();
        let address = self.address(config.as_ref());
        let prefix = crate::config::base_path(&address.url).unwrap_or_else(|_| "/".into());
        let prefix =
            percent_encoding::utf8_percent_encode(&prefix, percent_encoding::CONTROLS).to_string();
        {
            let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
            state.prefix = prefix;
            // A site.toml that does not load keeps the last good site, and its feeds.
            if let Some(config) = &config {
                state.rss_feed.clone_from(&config.rss_feed);
            }
        }
        let opts = BuildOptions {
            site_dir: self.site_dir.clone(),
            output_dir: Some(self.out.clone()),
            base_url: Some(address.base_url.clone()),
            drafts: self.drafts,
            expired: self.expired,
            ..Default::default()
        };
        let report = build::build(&opts);
        on_event(ServeEvent::Built(&report));
        let moved = {
            let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
            let moved = state.address.as_ref() != Some(&address);
            state.address = Some(address.clone());
            moved
        };
        if moved {
            on_event(ServeEvent::Listening(&address));
        }
        report_to_pages(&report, state);
        report.outcome.next_expiry
    }
}

/// Tells open pages to reload, or shows them the build's errors.
fn report_to_pages(report: &BuildReport, state: &Mutex<State>) {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    if report.success {
        state.error = None;
        state.broadcast("reload", "");
    } else {
        let text = report
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        state.error = Some(text.clone());
        state.broadcast("build-error", &text);
    }
}

fn handle(request: Request, out: &Path, state: &Mutex<State>) {
    let full = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if request.method() != &Method::Get && request.method() != &Method::Head {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    let (prefix, rss_feed) = {
        let state = state.lock().unwrap_or_else(|p| p.into_inner());
        (state.prefix.clone(), state.rss_feed.clone())
    };
    let Some(path) = full
        .strip_prefix(&prefix[..prefix.len() - 1])
        .filter(|p| p.starts_with('/'))
    else {
        // Outside the site's path: the root and the path without its slash lead into
        // it (as a host with only this site would), anything else is not found.
        if full == "/" || full == prefix.trim_end_matches('/') {
            redirect(request, &prefix);
        } else {
            not_found(request, out, &prefix);
        }
        return;
    };
    match path {
        EVENTS => stream_events(request, state),
        SCRIPT => {
            let _ = request.respond(
                Response::from_string(LIVERELOAD_JS)
                    .with_header(content_type("application/javascript")),
            );
        }
        _ => serve_file(request, out, &prefix, &rss_feed, path),
    }
}

/// A redirect to `target`, a path on this server, keeping the request's query.
fn redirect(request: Request, target: &str) {
    let query = request
        .url()
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    let target = format!("{target}{query}");
    match Header::from_bytes("Location", target.as_bytes()) {
        Ok(location) => {
            let _ = request.respond(
                Response::from_string(format!("moved to {target}"))
                    .with_status_code(301)
                    .with_header(location),
            );
        }
        Err(()) => {
            let _ = request.respond(Response::from_string("bad request").with_status_code(400));
        }
    }
}

/// The site's 404 page, as a static host serves it.
fn not_found(request: Request, out: &Path, prefix: &str) {
    let body = fs::read(out.join("404.html")).unwrap_or_else(|_| b"<h1>Not found</h1>".to_vec());
    let body = inject_script(&body, prefix);
    let _ = request.respond(
        Response::from_data(body)
            .with_status_code(404)
            .with_header(content_type("text/html; charset=utf-8")),
    );
}

/// Server-sent events, written straight to the socket so each one is flushed at once.
fn stream_events(request: Request, state: &Mutex<State>) {
    let (tx, rx): (Sender<String>, Receiver<String>) = mpsc::channel();
    {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(error) = &state.error {
            let msg = format!(
                "event: build-error\ndata: {}\n\n",
                serde_json::to_string(error).unwrap_or_default()
            );
            let _ = tx.send(msg);
        }
        state.clients.push(tx);
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n: connected\n\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|_| writer.flush())
        .is_err()
    {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(msg.as_bytes())
            .and_then(|_| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Serves `url_path`, a path within the site (the prefix it is served under, such as
/// `/archive/`, taken off); `rss_feed` is the file name of the site's RSS feeds.
fn serve_file(request: Request, out: &Path, prefix: &str, rss_feed: &str, url_path: &str) {
    // A folder asked for without its slash (`/2023/04/01/pictures`): relative links on its
    // page resolve against the folder only with the slash, so send the browser there, as
    // static hosts do. The path is rebuilt after the prefix with no leading `/`, so
    // `//host` cannot become a redirect to another site; the root itself (an empty path)
    // is served as is.
    if !url_path.ends_with('/')
        && !url_path.trim_start_matches('/').is_empty()
        && local_path(out, url_path).is_some_and(|p| p.join("index.html").is_file())
    {
        redirect(
            request,
            &format!("{prefix}{}/", url_path.trim_start_matches('/')),
        );
        return;
    }
    let Some(file) = resolve(out, url_path) else {
        not_found(request, out, prefix);
        return;
    };
    let Ok(bytes) = fs::read(&file) else {
        let _ = request.respond(Response::from_string("cannot read file").with_status_code(500));
        return;
    };
    let mime = mime_of(&file, rss_feed);
    let body = if mime.starts_with("text/html") {
        inject_script(&bytes, prefix)
    } else {
        bytes
    };
    let _ = request.respond(
        Response::from_data(body)
            .with_header(content_type(&mime))
            .with_header(Header::from_bytes("Cache-Control", "no-store").expect("static header")),
    );
}

/// The file for a URL path; directories serve their `index.html`. Never leaves `out`.
fn resolve(out: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = local_path(out, url_path)?;
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

/// The path under `out` that a URL path names, each segment decoded; `None` if it would
/// leave `out` or names no file a static host would serve. Segments are split before
/// they are decoded: `%2F` is a character of a segment, not a separator, so
/// `/a%2Fb.html` is not `a/b.html` (as on a static host), and a segment whose decoded
/// text holds `/`, `\` or NUL names no file.
fn local_path(out: &Path, url_path: &str) -> Option<PathBuf> {
    let mut path = out.to_path_buf();
    for seg in url_path.split('/') {
        let seg = percent_encoding::percent_decode_str(seg)
            .decode_utf8()
            .ok()?;
        match seg.as_ref() {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['/', '\\', '\0']) => return None,
            s => path.push(s),
        }
    }
    Some(path)
}

/// Adds the live-reload script, under the site's path `prefix`, before `</body>` (only
/// ever in served responses).
fn inject_script(html: &[u8], prefix: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{prefix}{}\"></script>",
        SCRIPT.trim_start_matches('/')
    );
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn content_type(value: &str) -> Header {
    Header::from_bytes("Content-Type", value).expect("valid header")
}

/// The Content-Type for a file, from its extension; text types say they are UTF-8.
/// A file named as the site's feeds are (`atom.xml`, and `rss_feed` when set) is served
/// as a feed, wherever it is (a term's feeds are in its folder): by extension it would
/// be `text/xml`, which browsers show as a document rather than offer to a feed reader.
fn mime_of(path: &Path, rss_feed: &str) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name == urls::feed("") {
        return format!("{ATOM_TYPE}; charset=utf-8");
    }
    if !rss_feed.is_empty() && name == rss_feed {
        return format!("{RSS_TYPE}; charset=utf-8");
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == mime_guess::mime::JAVASCRIPT => format!("{mime}; charset=utf-8"),
        _ => mime.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_is_waited_for_by_the_wall_clock() {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!(until(now - 1).is_zero());
        let wait = until(now + 100);
        assert!(wait > Duration::from_secs(99) && wait <= Duration::from_millis(100_100));
        // A long wait is cut, so that time asleep is noticed.
        assert_eq!(wait.min(CLOCK_CHECK), CLOCK_CHECK);
    }

    #[test]
    fn resolve_stays_inside() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/index.html"), "x").unwrap();
        assert!(resolve(dir.path(), "/a/").is_some());
        assert!(resolve(dir.path(), "/a").is_some());
        assert!(resolve(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve(dir.path(), "/%2e%2e/etc/passwd").is_none());
        assert!(resolve(dir.path(), "/nope/").is_none());
    }

    #[test]
    fn encoded_separators_name_no_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a")).unwrap();
        fs::write(dir.path().join("a/b.html"), "x").unwrap();
        fs::create_dir_all(dir.path().join("tags/ا")).unwrap();
        fs::write(dir.path().join("tags/ا/index.html"), "x").unwrap();
        assert!(resolve(dir.path(), "/a/b.html").is_some());
        // A static host takes `%2F` as part of the name, and has no `a%2Fb.html`.
        for path in ["/a%2Fb.html", "/a%2fb.html", "/a%5Cb.html", "/a/b.html%00"] {
            assert!(resolve(dir.path(), path).is_none(), "{path}");
        }
        // Encoded letters of a slug are still decoded.
        assert!(resolve(dir.path(), "/tags/%D8%A7/").is_some());
    }

    #[test]
    fn feeds_are_served_as_feeds() {
        let atom = "application/atom+xml; charset=utf-8";
        let rss = "application/rss+xml; charset=utf-8";
        assert_eq!(mime_of(Path::new("/o/atom.xml"), ""), atom);
        assert_eq!(mime_of(Path::new("/o/tags/iraq/atom.xml"), "rss.xml"), atom);
        assert_eq!(mime_of(Path::new("/o/tags/iraq/rss.xml"), "rss.xml"), rss);
        assert_eq!(mime_of(Path::new("/o/index.xml"), "index.xml"), rss);
        // Without `rss_feed`, an `rss.xml` is only XML; the sitemap always is.
        assert_eq!(
            mime_of(Path::new("/o/rss.xml"), ""),
            "text/xml; charset=utf-8"
        );
        assert_eq!(
            mime_of(Path::new("/o/sitemap.xml"), "rss.xml"),
            "text/xml; charset=utf-8"
        );
    }

    #[test]
    fn script_goes_before_body_end() {
        let html = inject_script(b"<html><body><p>x</p></body></html>", "/archive/");
        assert!(String::from_utf8(html).unwrap().ends_with(
            "<script src=\"/archive/__broadsheet/livereload.js\"></script></body></html>"
        ));
    }
}
