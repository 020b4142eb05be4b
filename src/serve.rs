//! `broadsheet serve`: build into a temporary folder, serve it on localhost, rebuild when
//! the sources change, and tell open pages to reload (server-sent events). A failed
//! rebuild keeps the last good site and shows the error as an overlay in the browser.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::new_debouncer;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::build::{self, BuildOptions, BuildReport};

/// Path of the event stream; starts with `__` so no article URL can clash with it.
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
    /// The URL pages are written for; `None`: the address listened on.
    pub base_url: Option<String>,
}

/// What the server reports to its caller (the CLI prints these).
pub enum ServeEvent<'a> {
    Listening(&'a str),
    Built(&'a BuildReport),
    Changed(&'a [PathBuf]),
}

/// The last build's outcome, shared with event-stream clients.
#[derive(Default)]
struct State {
    error: Option<String>,
    clients: Vec<Sender<String>>,
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
    let url = match &opts.base_url {
        Some(url) => url.clone(),
        None if addr.ip().is_unspecified() => format!("http://localhost:{}/", addr.port()),
        None => format!("http://{addr}/"),
    };
    let tmp = tempfile::Builder::new()
        .prefix("broadsheet-serve-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let out = tmp.path().join("site");
    // Ctrl+C, SIGTERM (kill, systemd, an IDE's stop button) and SIGHUP (a closed
    // terminal) end the process without running destructors: remove the preview site
    // (and its build cache) ourselves, so a day of previews leaves nothing in /tmp.
    let scratch = tmp.path().to_path_buf();
    ctrlc::set_handler(move || {
        let _ = fs::remove_dir_all(&scratch);
        std::process::exit(0);
    })
    .map_err(|e| format!("cannot handle Ctrl+C and stop signals: {e}"))?;
    let build_opts = BuildOptions {
        site_dir: opts.site_dir.clone(),
        output_dir: Some(out.clone()),
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        ..Default::default()
    };
    let state = Arc::new(Mutex::new(State::default()));
    rebuild(&build_opts, &state, on_event);
    on_event(ServeEvent::Listening(&url));

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
        let build_opts = &build_opts;
        scope.spawn(move || {
            for result in rx {
                let Ok(events) = result else { continue };
                // Reads (the build itself opening files) are not changes.
                let mut changed: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.event.paths)
                    .filter(|p| is_source(p, &build_opts.site_dir))
                    .map(|p| relative_to(&p, &build_opts.site_dir))
                    .collect();
                changed.sort();
                changed.dedup();
                if !changed.is_empty() {
                    on_event(ServeEvent::Changed(&changed));
                    rebuild(build_opts, &watched, on_event);
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

fn rebuild(opts: &BuildOptions, state: &Mutex<State>, on_event: &(dyn Fn(ServeEvent) + Sync)) {
    let report = build::build(opts);
    on_event(ServeEvent::Built(&report));
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
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if request.method() != &Method::Get && request.method() != &Method::Head {
        let _ = request.respond(Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    match path.as_str() {
        EVENTS => stream_events(request, state),
        SCRIPT => {
            let _ = request.respond(
                Response::from_string(LIVERELOAD_JS)
                    .with_header(content_type("application/javascript")),
            );
        }
        _ => serve_file(request, out, &path),
    }
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

fn serve_file(request: Request, out: &Path, url_path: &str) {
    // A folder asked for without its slash (`/2023/04/01/pictures`): relative links on its
    // page resolve against the folder only with the slash, so send the browser there, as
    // static hosts do. The path is rebuilt with one leading `/`, so `//host` cannot
    // become a redirect to another site; the root itself (an empty path) is served as
    // is, as rebuilt it would read `//`.
    if !url_path.ends_with('/')
        && !url_path.trim_start_matches('/').is_empty()
        && local_path(out, url_path).is_some_and(|p| p.join("index.html").is_file())
    {
        let query = request
            .url()
            .split_once('?')
            .map(|(_, q)| format!("?{q}"))
            .unwrap_or_default();
        let target = format!("/{}/{query}", url_path.trim_start_matches('/'));
        if let Ok(location) = Header::from_bytes("Location", target.as_bytes()) {
            let _ = request.respond(
                Response::from_string(format!("moved to {target}"))
                    .with_status_code(301)
                    .with_header(location),
            );
            return;
        }
    }
    let Some(file) = resolve(out, url_path) else {
        let body =
            fs::read(out.join("404.html")).unwrap_or_else(|_| b"<h1>Not found</h1>".to_vec());
        let body = inject_script(&body);
        let _ = request.respond(
            Response::from_data(body)
                .with_status_code(404)
                .with_header(content_type("text/html; charset=utf-8")),
        );
        return;
    };
    let Ok(bytes) = fs::read(&file) else {
        let _ = request.respond(Response::from_string("cannot read file").with_status_code(500));
        return;
    };
    let mime = mime_of(&file);
    let body = if mime.starts_with("text/html") {
        inject_script(&bytes)
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

/// The path under `out` that a URL path names, decoded; `None` if it would leave `out`.
fn local_path(out: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    let mut path = out.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => path.push(s),
        }
    }
    Some(path)
}

/// Adds the live-reload script before `</body>` (only ever in served responses).
fn inject_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT}\"></script>");
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
fn mime_of(path: &Path) -> String {
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
    fn script_goes_before_body_end() {
        let html = inject_script(b"<html><body><p>x</p></body></html>");
        assert!(String::from_utf8(html)
            .unwrap()
            .ends_with("livereload.js\"></script></body></html>"));
    }
}
