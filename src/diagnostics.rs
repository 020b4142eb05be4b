//! Warnings and errors that point at a file and line, and the list of skipped files.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How bad a diagnostic is: warnings let the build go on, errors stop it before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Warning,
    Error,
}

/// One message about one input, e.g. `content/world/x.md:3: date 'Tuesday' is not a date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site folder where possible.
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
    /// A short machine-readable class (`undated`, `bad-date`, `duplicate`...) for reports
    /// that count problems by kind; empty when unclassified.
    pub kind: Cow<'static, str>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            message: message.into(),
            kind: Cow::Borrowed(""),
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            path: path.into(),
            line,
            message: message.into(),
            kind: Cow::Borrowed(""),
        }
    }

    /// The same diagnostic, classed as `kind` for reports.
    pub fn with_kind(mut self, kind: &'static str) -> Self {
        self.kind = Cow::Borrowed(kind);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{kind}: {}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// An input file that produced no article, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count() + 1
}

/// Where a message points: `content/x.jsonl:3`, or the file alone without a line.
pub fn place(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

/// 1-based line (within `text`) where `key = ...` is set, for TOML-like `key = value` text.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| {
        let l = l.trim_start();
        let l = l
            .strip_prefix(key)
            .or_else(|| l.strip_prefix(&format!("\"{key}\"")));
        matches!(l, Some(rest) if rest.trim_start().starts_with('=') || rest.trim_start().starts_with(':'))
    })
    .map(|i| i + 1)
}

/// A path shown relative to `base` when it lies under it.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// `path` under `base` as a `/`-separated relative string (`content/world/x.md` under
/// `content` -> `world/x.md`), the same on every platform.
pub fn slash_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    // Already `/`-separated on Unix: taken as is when no component would be dropped or
    // merged (`.`, an empty one), rather than split and joined again (a rebuild does
    // this for each of its 150,000 output files).
    #[cfg(unix)]
    if let Some(text) = rel.to_str() {
        let clean = !text.is_empty()
            && !text.starts_with('/')
            && !text.starts_with("./")
            && !text.ends_with('/')
            && text != "."
            && !text.contains("//")
            && !text.contains("/./")
            && !text.ends_with("/.");
        if clean {
            return text.to_string();
        }
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path gives what splitting and joining the components gives.
    #[test]
    fn slash_paths_are_their_components_joined() {
        let slow = |path: &Path, base: &Path| {
            path.strip_prefix(base)
                .unwrap_or(path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        };
        let base = Path::new("out");
        for path in [
            "out/a/b.html",
            "out/a//b.html",
            "out/./a/b",
            "out/a/./b",
            "out/a/",
            "out/a/.",
            "out",
            "/elsewhere/x",
            "other/x",
            "./x/y",
            "out/ä/ü.html",
        ] {
            let path = Path::new(path);
            assert_eq!(
                slash_path(path, base),
                slow(path, base),
                "{}",
                path.display()
            );
        }
    }
}
