//! The everyday commands as a user runs them: init, new, eject, check, serve, completions,
//! and what the terminal output looks like.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{expiring_articles, fm, run, Site};

fn root(dir: &Path) -> &str {
    dir.to_str().unwrap()
}

#[test]
fn init_then_new_gives_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("myarchive");
    let r = run(&["init", root(&dir)]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("broadsheet serve"), "{}", r.stdout);
    for made in ["site.toml", "content", "templates", "static"] {
        assert!(dir.join(made).exists(), "{made} missing");
    }
    // The site.toml explains itself.
    let toml = std::fs::read_to_string(dir.join("site.toml")).unwrap();
    assert!(toml.lines().filter(|l| l.starts_with('#')).count() >= 5);

    let r = run(&[
        "new",
        "Zürich café reopens",
        "--section",
        "Culture",
        "--root",
        root(&dir),
    ]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    let article = dir.join("content/culture/zurich-cafe-reopens.md");
    let text = std::fs::read_to_string(&article).unwrap();
    assert!(text.contains("title = \"Zürich café reopens\""), "{text}");
    // Refuses to overwrite.
    let again = run(&[
        "new",
        "Zürich café reopens",
        "--section",
        "culture",
        "--root",
        root(&dir),
    ]);
    assert!(!again.ok);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    // A section's folder is named as the section is written, so that it reads back as
    // the same section, in any script; an existing folder of that section is found.
    for (headline, section, file) in [
        (
            "وزير الخارجية يزور القاهرة",
            "سياسة",
            "content/سياسة/wzyr-lkhrjy-yzwr-lqhr.md",
        ),
        (
            "Les taux montent",
            "Économie",
            "content/économie/les-taux-montent.md",
        ),
        (
            "Les taux baissent",
            "economie",
            "content/économie/les-taux-baissent.md",
        ),
        ("Escape", "../../x", "content/x/escape.md"),
        (
            "Talks resume",
            "Middle East/Iraq",
            "content/middle-east-iraq/talks-resume.md",
        ),
    ] {
        let r = run(&["new", headline, "--section", section, "--root", root(&dir)]);
        assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
        assert!(dir.join(file).is_file(), "{file}: {}", r.stdout);
        // A name its folder does not read back as is written in the front matter.
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let named = section == "Middle East/Iraq";
        assert_eq!(
            text.contains("section = \"Middle East/Iraq\""),
            named,
            "{text}"
        );
        assert_eq!(text.contains("section ="), named, "{text}");
        std::fs::remove_file(dir.join(file)).unwrap();
    }

    let r = run(&["build", "--root", root(&dir)]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Built 2 articles"), "{}", r.stdout);
    let out = dir.join("public");
    common::assert_links_resolve(&out, "/");
    let found = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .any(|e| e.path().ends_with("zurich-cafe-reopens/index.html"));
    assert!(found, "the new article's page is missing");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let r = run(&["init", root(tmp.path())]);
    assert!(!r.ok);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    assert!(!tmp.path().join("site.toml").exists());
    let r = run(&["init", root(tmp.path()), "--force"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("created"), "{}", r.stdout);
    assert!(!r.stdout.contains("replaced"), "{}", r.stdout);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
    // Again: the files it writes are there now, and it says it replaced them.
    let r = run(&["init", root(tmp.path()), "--force"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("replaced"), "{}", r.stdout);
    assert!(r.stdout.contains("site.toml"), "{}", r.stdout);
}

#[test]
fn init_theme_copies_templates_that_still_build() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["init", root(tmp.path()), "--theme"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(tmp.path().join("templates/base.html").is_file());
    assert!(tmp.path().join("templates/article.html").is_file());
    assert!(tmp.path().join("static/broadsheet.css").is_file());
    // An edit to the copied template shows in the site.
    let base = tmp.path().join("templates/base.html");
    let text = std::fs::read_to_string(&base)
        .unwrap()
        .replace("{{ ui.made_with }}", "Made by our newsroom");
    std::fs::write(&base, text).unwrap();
    let r = run(&["build", "--root", root(tmp.path())]);
    assert!(r.ok, "{}", r.stderr);
    let home = std::fs::read_to_string(tmp.path().join("public/index.html")).unwrap();
    assert!(home.contains("Made by our newsroom"));
    // eject again refuses to clobber the edited copy.
    let r = run(&["eject", "--root", root(tmp.path())]);
    assert!(!r.ok);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
}

#[test]
fn check_names_broken_links_and_their_article() {
    let site = Site::new("title = \"T\"\n");
    site.article(
        "world/good.md",
        &fm("Good", "2023-03-07"),
        "Fine [link](/archive/).",
    );
    site.article(
        "world/bad.md",
        &fm("Bad", "2023-03-08"),
        "See [the missing page](/2020/01/01/nothing/) and [a missing anchor](#nowhere).",
    );
    let report = site.dir().join("report.json");
    let r = run(&[
        "check",
        "--root",
        root(site.dir()),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(!r.ok, "check passed with a broken link:\n{}", r.stdout);
    // The JSON report agrees with the exit code.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["links_checked"], true);
    let links = json["broken_links"].as_array().unwrap();
    assert_eq!(links.len(), 2, "{json}");
    assert!(links
        .iter()
        .all(|l| l["article"] == "content/world/bad.md" && l["page"].is_string()));
    assert!(r.stderr.contains("content/world/bad.md"), "{}", r.stderr);
    assert!(r.stderr.contains("/2020/01/01/nothing/"), "{}", r.stderr);
    assert!(r.stderr.contains("#nowhere"), "{}", r.stderr);
    assert!(r.stderr.contains("2 broken links"), "{}", r.stderr);
    assert!(!r.stderr.contains("good.md"), "{}", r.stderr);
    // Nothing published.
    assert!(!site.out().exists());

    site.article("world/bad.md", &fm("Bad", "2023-03-08"), "All fixed.");
    site.write(
        "content/world/later.md",
        "+++\ntitle = \"Later\"\ndraft = true\n+++\nx\n",
    );
    let r = run(&["check", "--root", root(site.dir())]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("0 broken links"), "{}", r.stdout);
    // Files with no page are listed, as `build` lists them.
    assert!(
        r.stderr.contains("content/world/later.md: draft"),
        "{}",
        r.stderr
    );
    assert!(!site.out().exists());
    // With --strict a warning fails the check, as it fails a strict build; an empty
    // dump is one.
    site.write("content/world/empty.jsonl", "\n");
    let r = run(&["check", "--root", root(site.dir())]);
    assert!(
        r.ok && r.stderr.contains("empty.jsonl: holds no text"),
        "{}",
        r.stderr
    );
    let r = run(&["check", "--strict", "--root", root(site.dir())]);
    assert!(!r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1 warning with --strict"), "{}", r.stderr);
    // A template warning counts too, as in a strict build.
    site.write(
        "content/world/empty.jsonl",
        "{\"title\": \"T\", \"date\": \"2023-03-09\", \"body\": \"B.\"}\n",
    );
    site.write("templates/sidebar.html", "<p>unused</p>");
    let r = run(&["check", "--strict", "--root", root(site.dir())]);
    assert!(!r.ok && r.stderr.contains("sidebar.html"), "{}", r.stderr);
}

/// A link to an article left out of the build (expired, a draft) says which and how to
/// build with it, rather than only that the page is missing.
#[test]
fn check_says_why_a_linked_article_is_left_out() {
    let site =
        Site::new("title = \"T\"\npermalink = \"/{section}/{year}/{month}/{day}/{slug}/\"\n");
    site.article(
        "world/old.md",
        "title = \"Wire story\"\ndate = 2023-03-07\nexpiryDate = 2024-01-01\naliases = [\"/old/wire.html\"]",
        "Licensed until 2024.",
    );
    site.write(
        "content/world/later.md",
        "+++\ntitle = \"Later\"\ndate = 2023-03-10\ndraft = true\n+++\n## Top\n\nx\n",
    );
    // In a section no published article is in: its slug is the one it would get.
    site.article(
        "sport/gone.md",
        "title = \"Match report\"\ndate = 2023-03-04\nexpiryDate = 2024-01-01",
        "x",
    );
    site.write(
        "content/world/wires.jsonl",
        "{\"title\":\"Kept\",\"date\":\"2023-03-06\",\"body\":\"x\"}\n{\"title\":\"Dump story\",\"date\":\"2023-03-05\",\"body\":\"y\",\"expires\":\"2020-01-01\"}\n",
    );
    site.article(
        "world/links.md",
        &fm("Links", "2023-03-08"),
        "[a](/world/2023/03/07/wire-story/) [b](/world/2023/03/10/later/#top) \
         [c](/sport/2023/03/04/match-report/) [d](../../05/dump-story/) \
         [e](/world/2020/01/01/nothing/) [f](/old/wire.html) [g](old.md) \
         [h](../sport/gone.md)",
    );
    let r = run(&["check", "--root", root(site.dir())]);
    assert!(!r.ok, "{}", r.stdout);
    for said in [
        "'/world/2023/03/07/wire-story/': links to content/world/old.md, which expired on 2024-01-01 00:00 +00:00 (build with --expired to include it)",
        "'/world/2023/03/10/later/#top': links to content/world/later.md, which is a draft (build with --drafts to include it)",
        "'/sport/2023/03/04/match-report/': links to content/sport/gone.md, which expired on 2024-01-01",
        "'../../05/dump-story/': links to content/world/wires.jsonl:2, which expired on 2020-01-01",
        "'/world/2020/01/01/nothing/': no such file: world/2020/01/01/nothing/index.html",
        "'/old/wire.html': links to content/world/old.md, which expired on 2024-01-01",
        // Links to the source files, left as written: the build's warning and the
        // check's line both say why.
        "'old.md': links to content/world/old.md, which expired on 2024-01-01",
        "'../sport/gone.md': links to content/sport/gone.md, which expired on 2024-01-01",
        "link to 'old.md' is left as written and will be broken: content/world/old.md is not published: expired: its expiryDate",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.stderr);
    }
    // Each line still names the page and the article the link is in.
    assert!(
        r.stderr.contains(
            "broken link: world/2023/03/08/links/index.html (article content/world/links.md): '/world/2023/03/07/wire-story/'"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("8 broken links"), "{}", r.stderr);
    // Built with them, only the link to nothing is broken.
    let r = run(&["check", "--drafts", "--expired", "--root", root(site.dir())]);
    let counted = r.stderr.split_whitespace().collect::<Vec<_>>();
    let broken = counted
        .windows(2)
        .find(|w| w[1] == "broken" || w[1] == "broken:");
    assert!(
        broken.is_some_and(|w| w[0] == "1") && r.stderr.contains("1 broken link"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_finds_files_named_with_spaces_and_accents() {
    let site = Site::new("title = \"T\"\n");
    site.article(
        "news/a.md",
        &fm("A", "2023-04-01"),
        "![x](café.gif) ![y](<my photo.gif>) [again](caf%C3%A9.gif#top)",
    );
    site.write("content/news/café.gif", "GIF89a");
    site.write("content/news/my photo.gif", "GIF89a");
    let r = run(&["check", "--root", root(site.dir())]);
    assert!(r.ok, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("broken link"), "{}", r.stderr);
    assert!(r.stdout.contains("0 broken links"), "{}", r.stdout);
}

#[test]
fn plain_output_without_a_terminal_or_with_no_color() {
    let site = Site::new("title = \"T\"\n");
    site.write(
        "content/world/x.md",
        "+++\ntitle = \"X\"\ndate = \"Tuesday\"\n+++\nText\n",
    );
    for no_color in [true, false] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_broadsheet"));
        cmd.args(["build", "--root", root(site.dir())]);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains('\u{1b}'), "escape codes in: {stderr:?}");
        // The message names file and line, then shows the offending line.
        assert!(
            stderr.contains("content/world/x.md:3: date 'Tuesday' is not a date"),
            "{stderr}"
        );
        assert!(stderr.contains("3 | date = \"Tuesday\""), "{stderr}");
    }
}

#[test]
fn verbose_lists_files_and_quiet_hides_skips() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    site.write("content/world/.hidden.md", "x");
    let r = site.build(&["--verbose"]);
    assert!(r.ok, "{}", r.stderr);
    assert!(
        r.stdout.contains("wrote 2023/03/07/a/index.html"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("wrote index.html"), "{}", r.stdout);
    let r = site.build(&["--quiet"]);
    assert!(r.ok);
    assert!(!r.stdout.contains("wrote"), "{}", r.stdout);
    assert!(!r.stderr.contains("Skipped"), "{}", r.stderr);
    assert!(r.stdout.contains("Built 1 article"), "{}", r.stdout);
}

#[test]
fn quiet_still_shows_warnings_in_build_and_check() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    site.article(
        "world/b.md",
        &format!("{}\ncolour = \"red\"", fm("B", "2023-03-08")),
        "Text.",
    );
    for command in ["build", "check"] {
        let r = run(&[command, "--quiet", "--root", root(site.dir())]);
        assert!(r.ok, "{command}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("warning: content/world/b.md:4: unknown front-matter field 'colour'"),
            "{command} --quiet hid the warning:\n{}",
            r.stderr
        );
    }
}

#[test]
fn help_has_examples_and_completions_print() {
    let r = run(&["--help"]);
    assert!(r.ok);
    for word in [
        "build",
        "serve",
        "init",
        "eject",
        "new",
        "check",
        "completions",
        "broadsheet init myarchive",
    ] {
        assert!(
            r.stdout.contains(word),
            "--help lacks {word}:\n{}",
            r.stdout
        );
    }
    for sub in [
        "build",
        "serve",
        "init",
        "eject",
        "new",
        "check",
        "completions",
    ] {
        let r = run(&[sub, "--help"]);
        assert!(r.ok, "{sub}");
        assert!(
            r.stdout.contains("Examples:"),
            "{sub} --help has no examples"
        );
    }
    for shell in ["bash", "zsh", "fish"] {
        let r = run(&["completions", shell]);
        assert!(r.ok, "{shell}");
        assert!(r.stdout.contains("serve"), "{shell}");
    }
}

/// A running `broadsheet serve`, killed on drop.
struct Server {
    child: Child,
    url: String,
    /// What the server prints, line by line.
    lines: mpsc::Receiver<String>,
    /// The server's TMPDIR, where it makes its temporary folder (removed after `drop`
    /// has killed the server).
    tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(site: &Path) -> Server {
    start_server_with(site, &[])
}

fn start_server_with(site: &Path, args: &[&str]) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .args(["serve", "--port", "0", "--root", root(site)])
        .args(args)
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let url = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("serve did not print its address");
        if let Some(i) = line.find("http://") {
            break line[i..].split_whitespace().next().unwrap().to_string();
        }
    };
    Server {
        child,
        url,
        lines: rx,
        tmp,
    }
}

/// Listening on every interface, pages link to localhost (or to the URL given), never
/// to 0.0.0.0.
#[test]
fn serve_on_every_interface_writes_a_usable_address() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    let server = start_server_with(site.dir(), &["-i", "0.0.0.0"]);
    assert!(
        server.url.starts_with("http://localhost:"),
        "{}",
        server.url
    );
    let (status, html) = get(&format!("{}2023/03/07/a/", server.url));
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"{}2023/03/07/a/\"", server.url)),
        "{html}"
    );
    assert!(!html.contains("0.0.0.0"), "{html}");
    drop(server);
    let server = start_server_with(
        site.dir(),
        &["-i", "0.0.0.0", "--base-url", "http://192.0.2.7:1111/"],
    );
    // The address printed first is the one listened on; the pages' one follows.
    assert!(
        server.url.starts_with("http://localhost:"),
        "{}",
        server.url
    );
    let next = server.lines.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(next, "Pages link to http://192.0.2.7:1111/ (--base-url)");
    let (status, html) = get(&format!("{}2023/03/07/a/", server.url));
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"http://192.0.2.7:1111/2023/03/07/a/\""),
        "{html}"
    );
}

/// A base URL with a path (`/archive/`) is previewed under that path, as it will be
/// deployed: links that forget the path break in the preview too.
#[test]
fn serve_keeps_the_path_of_the_base_url() {
    let site = Site::new("title = \"T\"\nbase_url = \"https://example.org/archive/\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    let server = start_server(site.dir());
    assert!(
        server.url.starts_with("http://127.0.0.1:") && server.url.ends_with("/archive/"),
        "{}",
        server.url
    );
    let origin = server.url.trim_end_matches("archive/");
    let (status, html) = get(&format!("{}2023/03/07/a/", server.url));
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("href=\"{}2023/03/07/a/\"", server.url)),
        "{html}"
    );
    assert!(html.contains("href=\"/archive/broadsheet.css\""), "{html}");
    assert!(
        html.contains("<script src=\"/archive/__broadsheet/livereload.js\">"),
        "{html}"
    );
    for path in ["broadsheet.css", "__broadsheet/livereload.js"] {
        assert_eq!(get(&format!("{}{path}", server.url)).0, 200, "{path}");
        // Not at the host's root, where the deployed site will not have it either.
        assert_eq!(get(&format!("{origin}{path}")).0, 404, "/{path}");
    }
    let (status, html) = get(&format!("{origin}img/logo.png"));
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"), "{html}");
    let no_redirects = ureq::AgentBuilder::new().redirects(0).build();
    let location = |path: &str| {
        let url = format!("{origin}{path}");
        match no_redirects.get(&url).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => {
                (r.status(), r.header("Location").map(str::to_string))
            }
            Err(e) => panic!("{url}: {e}"),
        }
    };
    assert_eq!(location(""), (301, Some("/archive/".to_string())));
    assert_eq!(location("archive"), (301, Some("/archive/".to_string())));
    assert_eq!(
        location("archive/2023/03/07/a?x=1"),
        (301, Some("/archive/2023/03/07/a/?x=1".to_string()))
    );
    // Live reload works under the path.
    let events = subscribe(&server.url);
    site.article("world/a.md", &fm("A", "2023-03-07"), "Edited.");
    assert!(next_event(&events, "reload"), "no reload event");
    drop(server);

    // `--base-url` sets what pages link to; the address printed is the one listened on,
    // with the path the site is served under, and a port it does not listen on is named.
    let server = start_server_with(site.dir(), &["-u", "http://127.0.0.1:9/news/"]);
    assert!(
        server.url.starts_with("http://127.0.0.1:") && server.url.ends_with("/news/"),
        "{}",
        server.url
    );
    assert!(!server.url.contains(":9/"), "{}", server.url);
    let (status, html) = get(&format!("{}2023/03/07/a/", server.url));
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"http://127.0.0.1:9/news/2023/03/07/a/\""),
        "{html}"
    );
    assert!(html.contains("href=\"/news/broadsheet.css\""), "{html}");
    drop(server);

    // A base path that is not ASCII, as browsers send it: percent-encoded.
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/archív/\"\n",
    );
    let server = start_server(site.dir());
    let origin = server.url.split("/arch").next().unwrap().to_string();
    let (status, html) = get(&format!("{origin}/arch%C3%ADv/2023/03/07/a/"));
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Edited."), "{html}");
    let (status, html) = get(&format!("{origin}/"));
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("href=\"/archív/2023/03/07/a/\""), "{html}");
}

#[test]
fn serve_redirects_a_folder_without_its_slash() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "![x](pic.gif)");
    site.write("content/world/pic.gif", "GIF89a");
    let server = start_server(site.dir());
    let no_redirects = ureq::AgentBuilder::new().redirects(0).build();
    let head = |path: &str| {
        let url = format!("{}{path}", server.url);
        match no_redirects.get(&url).call() {
            Ok(r) | Err(ureq::Error::Status(_, r)) => {
                (r.status(), r.header("Location").map(str::to_string))
            }
            Err(e) => panic!("{url}: {e}"),
        }
    };
    // Without the slash, `pic.gif` on the page would be asked for as /2023/03/07/pic.gif.
    assert_eq!(
        head("2023/03/07/a"),
        (301, Some("/2023/03/07/a/".to_string()))
    );
    assert_eq!(
        head("2023/03/07/a?x=1"),
        (301, Some("/2023/03/07/a/?x=1".to_string()))
    );
    assert_eq!(head("2023/03/07/a/"), (200, None));
    assert_eq!(head("2023/03/07/a/pic.gif"), (200, None));
    assert_eq!(head("2023/03/07/nothing"), (404, None));
    // An encoded slash is part of a name, as on a static host: no such file, no redirect.
    assert_eq!(head("2023%2F03/07/a/"), (404, None));
    assert_eq!(head("2023/03/07%2Fa"), (404, None));
    // Followed, the redirect gives the page.
    let (status, html) = get(&format!("{}2023/03/07/a", server.url));
    assert_eq!(status, 200);
    assert!(html.contains("pic.gif"), "{html}");
}

/// Feeds are served as feeds, the site's and each term's, Atom and RSS; the sitemap is
/// XML.
#[test]
fn serve_gives_feeds_their_media_types() {
    let site = Site::new("title = \"T\"\nrss_feed = \"rss.xml\"\n");
    site.article(
        "world/a.md",
        &format!("{}\ntags = [\"Iraq\"]", fm("A", "2023-03-07")),
        "Body.",
    );
    let server = start_server(site.dir());
    let content_type = |path: &str| {
        let url = format!("{}{path}", server.url);
        let resp = ureq::get(&url)
            .call()
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        resp.header("Content-Type").unwrap_or_default().to_string()
    };
    for path in ["atom.xml", "tags/iraq/atom.xml", "sections/world/atom.xml"] {
        assert_eq!(
            content_type(path),
            "application/atom+xml; charset=utf-8",
            "{path}"
        );
    }
    for path in ["rss.xml", "tags/iraq/rss.xml"] {
        assert_eq!(
            content_type(path),
            "application/rss+xml; charset=utf-8",
            "{path}"
        );
    }
    assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
}

/// The folders in the server's TMPDIR.
fn temp_folders(server: &Server) -> Vec<String> {
    std::fs::read_dir(server.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn serve_removes_its_temporary_folder_when_stopped() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Text.");
    for signal in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        let mut server = start_server(site.dir());
        let made = temp_folders(&server);
        assert!(
            made.len() == 1 && made[0].starts_with("broadsheet-serve-"),
            "{made:?}"
        );
        let pid = libc::pid_t::try_from(server.child.id()).unwrap();
        // SAFETY: a plain kill(2) of the child this test started and still owns.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        assert!(
            eventually(10, || server.child.try_wait().unwrap().is_some()),
            "signal {signal} did not stop the server"
        );
        assert_eq!(
            temp_folders(&server),
            Vec::<String>::new(),
            "signal {signal} left the temporary folder"
        );
    }
}

fn get(url: &str) -> (u16, String) {
    match ureq::get(url).call() {
        Ok(resp) => (resp.status(), resp.into_string().unwrap()),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().unwrap()),
        Err(e) => panic!("{url}: {e}"),
    }
}

/// Polls `f` until it returns true or `secs` pass.
fn eventually(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Reads server-sent event names from the live-reload stream in the background.
fn subscribe(base: &str) -> mpsc::Receiver<String> {
    let resp = ureq::get(&format!("{base}__broadsheet/events"))
        .call()
        .unwrap();
    assert_eq!(resp.header("Content-Type"), Some("text/event-stream"));
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(resp.into_reader());
        let mut line = String::new();
        while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if let Some(event) = line.trim_end().strip_prefix("event: ") {
                if tx.send(event.to_string()).is_err() {
                    return;
                }
            }
            line.clear();
        }
    });
    rx
}

fn next_event(rx: &mpsc::Receiver<String>, want: &str) -> bool {
    let end = Instant::now() + Duration::from_secs(15);
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(event) if event == want => return true,
            Ok(_) => continue,
            Err(_) => return false,
        }
    }
    false
}

#[test]
fn serve_rebuilds_reloads_and_survives_errors() {
    let site = Site::new("title = \"Live\"\nbase_url = \"https://example.org/archive/\"\n");
    site.article(
        "world/a.md",
        &fm("First story", "2023-03-07"),
        "Original text.",
    );
    let server = start_server(site.dir());
    let page = format!("{}2023/03/07/first-story/", server.url);

    let (status, html) = get(&page);
    assert_eq!(status, 200);
    assert!(html.contains("Original text."));
    // Served pages use the local address, and get the live-reload script.
    assert!(html.contains(&server.url), "base URL not rewritten");
    assert!(!html.contains("https://example.org/archive/"), "{html}");
    assert!(html.contains("__broadsheet/livereload.js"));
    let (status, js) = get(&format!("{}__broadsheet/livereload.js", server.url));
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    let (status, _) = get(&format!("{}no/such/page/", server.url));
    assert_eq!(status, 404);
    let (status, _) = get(&format!("{}../../etc/passwd", server.url));
    assert_ne!(status, 200);

    // An edit is served within seconds, and open pages are told to reload.
    let events = subscribe(&server.url);
    site.article(
        "world/a.md",
        &fm("First story", "2023-03-07"),
        "Edited text.",
    );
    assert!(next_event(&events, "reload"), "no reload event");
    assert!(eventually(10, || get(&page).1.contains("Edited text.")));

    // Broken front matter: an error event, and the last good page still served.
    site.write(
        "content/world/a.md",
        "+++\ntitle = \"First story\"\ndate = \"not a date\"\n+++\nBroken.\n",
    );
    assert!(next_event(&events, "build-error"), "no build-error event");
    let (status, html) = get(&page);
    assert_eq!(status, 200);
    assert!(html.contains("Edited text."));
    // A page opened while the build is broken hears about the error at once.
    let late = subscribe(&server.url);
    assert!(next_event(&late, "build-error"));

    // Fixing the file recovers without a restart.
    site.article(
        "world/a.md",
        &fm("First story", "2023-03-07"),
        "Fixed text.",
    );
    assert!(next_event(&events, "reload"), "no reload after the fix");
    assert!(eventually(10, || get(&page).1.contains("Fixed text.")));

    // A new article appears too.
    site.article("world/b.md", &fm("Second story", "2023-03-09"), "More.");
    assert!(eventually(10, || get(&server.url)
        .1
        .contains("Second story")));

    // Left alone, it stays idle: its own reads of the files are not changes.
    thread::sleep(Duration::from_secs(1));
    while server.lines.try_recv().is_ok() {}
    thread::sleep(Duration::from_secs(2));
    let idle: Vec<String> = server.lines.try_iter().collect();
    assert!(idle.is_empty(), "rebuilt with no change: {idle:?}");
}

/// An article whose expiryDate comes while serving leaves the preview then, with no
/// file changed, and open pages reload.
#[test]
fn serve_takes_an_article_off_when_it_expires() {
    let site = Site::new("title = \"T\"\n");
    let soon = expiring_articles(&site, 8);
    let server = start_server(site.dir());
    let page = format!("{}2023/03/08/soon-gone/", server.url);
    let events = subscribe(&server.url);
    // Served until then: a server that took that long to start would test nothing.
    assert!(
        chrono::Utc::now() < soon - chrono::Duration::milliseconds(500),
        "the server took over 7 s to start"
    );
    assert_eq!(get(&page).0, 200);
    assert!(next_event(&events, "reload"), "no reload when it expired");
    let explained = std::iter::from_fn(|| server.lines.recv_timeout(Duration::from_secs(5)).ok())
        .any(|l| l.contains("expiryDate has come"));
    assert!(explained, "the rebuild was not explained");
    assert!(eventually(5, || get(&page).0 == 404), "still served");
    assert!(!get(&server.url).1.contains("Soon gone"));
    assert!(get(&server.url).1.contains("Kept"));
}

/// `--verbose` lists the files a build wrote, not those it left as they were.
#[test]
fn verbose_lists_only_files_written() {
    let site = Site::new("title = \"T\"\n");
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    site.write("static/logo.txt", "logo");
    let r = run(&["build", "-v", "--root", root(site.dir())]);
    assert!(r.ok, "{}", r.stderr);
    assert!(r.stdout.contains("wrote logo.txt"), "{}", r.stdout);
    assert!(
        r.stdout.contains("wrote 2023/03/07/a/index.html"),
        "{}",
        r.stdout
    );
    // The same article again, with a new modification time: nothing changes.
    site.article("world/a.md", &fm("A", "2023-03-07"), "Body.");
    let r = run(&["build", "-v", "--root", root(site.dir())]);
    assert!(r.ok, "{}", r.stderr);
    assert!(!r.stdout.contains("wrote"), "{}", r.stdout);
    assert!(r.stdout.contains("(0 of "), "{}", r.stdout);
}

/// A check or preview killed outright leaves its scratch folder; the next one removes
/// the folders whose lock nobody holds, and no folder in use (whatever its process id
/// says: a container sharing /tmp has its own).
#[test]
fn scratch_folders_of_killed_runs_are_removed() {
    let tmp = std::env::temp_dir();
    let stale = tmp.join("broadsheet-check-4194999-left");
    let in_use = tmp.join("broadsheet-check-4194998-in-use");
    for dir in [&stale, &in_use] {
        std::fs::create_dir_all(dir.join("site")).unwrap();
        std::fs::write(dir.join(".lock"), "").unwrap();
    }
    let lock = std::fs::File::open(in_use.join(".lock")).unwrap();
    lock.lock().unwrap();
    let site = Site::new("title = \"T\"\n");
    site.article("news/a.md", &fm("A", "2023-04-01"), "x");
    let r = run(&["check", "--root", root(site.dir())]);
    assert!(r.ok, "{}", r.stderr);
    assert!(!stale.exists());
    assert!(in_use.exists());
    drop(lock);
    std::fs::remove_dir_all(in_use).unwrap();
}
