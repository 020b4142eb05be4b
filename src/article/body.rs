//! An article's body: in memory, or stored in a file of the build cache and read back
//! when something needs the text.
//!
//! Bodies are most of an archive's bytes (over 200 MB at 100,000 articles) and most of
//! the build never looks at them: listings, feeds, the sitemap and every page's "is it
//! unchanged?" test need only their hash. So the parse memo keeps each body in a file
//! beside its records and hands out a [`Body`] that says where; a body is read when
//! something needs its text (its page is rendered, its run of the search index or of the
//! related lists' words changed, duplicate folding has not seen it or compares it with
//! another under one title) and dropped after, and a fresh one is let go as soon as its
//! parse is recorded: no build holds the archive's text.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use xxhash_rust::xxh3::xxh3_128;

/// Sanitized HTML of an article.
#[derive(Clone, Default)]
pub struct Body(Repr);

#[derive(Clone)]
enum Repr {
    Text(String),
    Stored(Stored),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::Text(String::new())
    }
}

/// Where a stored body is.
#[derive(Clone)]
struct Stored {
    file: Arc<TextFile>,
    offset: u64,
    len: u32,
    hash: u128,
}

/// The hash a body is known by ([`Body::hash`]), and checked against when a stored one
/// is read back: whoever stores a body hashes it with this.
pub fn hash_text(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

impl Body {
    /// A body kept in `file` at `offset`, `len` bytes long, whose [`hash_text`] is `hash`.
    pub fn stored(file: Arc<TextFile>, offset: u64, len: u32, hash: u128) -> Body {
        Body(Repr::Stored(Stored {
            file,
            offset,
            len,
            hash,
        }))
    }

    /// The text. A stored body that cannot be read back as it was written reads as
    /// empty, and its file remembers the failure ([`TextFile::unreadable`]): the build
    /// checks that before it puts anything in place, and starts again without the cache.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Text(s) => Cow::Borrowed(s),
            Repr::Stored(s) => Cow::Owned(s.file.read(s.offset, s.len, s.hash)),
        }
    }

    /// The xxh3-128 of the text: what a page or a memo that shows the body is keyed by,
    /// known without reading a stored body.
    pub fn hash(&self) -> u128 {
        match &self.0 {
            Repr::Text(s) => hash_text(s.as_bytes()),
            Repr::Stored(s) => s.hash,
        }
    }

    /// The text in memory, to change it in place; `None` for a stored body.
    pub fn in_memory(&mut self) -> Option<&mut String> {
        match &mut self.0 {
            Repr::Text(s) => Some(s),
            Repr::Stored(_) => None,
        }
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body(Repr::Text(text))
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Body {
        Body(Repr::Text(text.to_string()))
    }
}

/// The text (read back, if stored).
impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl PartialEq<str> for Body {
    fn eq(&self, other: &str) -> bool {
        self.text() == other
    }
}

impl PartialEq<&str> for Body {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

impl PartialEq<String> for Body {
    fn eq(&self, other: &String) -> bool {
        self.text() == other.as_str()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Text(s) => s.fmt(f),
            Repr::Stored(s) => write!(f, "<stored: {} bytes at {}>", s.len, s.offset),
        }
    }
}

/// A file of stored bodies, open for reading at any offset from any thread.
pub struct TextFile {
    file: File,
    unreadable: AtomicBool,
}

impl TextFile {
    pub fn new(file: File) -> Arc<TextFile> {
        Arc::new(TextFile {
            file,
            unreadable: AtomicBool::new(false),
        })
    }

    /// The file, to write bodies into.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// True once a body could not be read back as it was written (an I/O error, or the
    /// file changed under the build).
    pub fn unreadable(&self) -> bool {
        self.unreadable.load(Ordering::Relaxed)
    }

    fn read(&self, offset: u64, len: u32, hash: u128) -> String {
        let text = self
            .read_raw(offset, len, hash)
            .and_then(|bytes| String::from_utf8(bytes).ok());
        text.unwrap_or_else(|| {
            self.unreadable.store(true, Ordering::Relaxed);
            String::new()
        })
    }

    /// The `len` bytes at `offset`, if their [`hash_text`] is `hash`.
    pub fn read_raw(&self, offset: u64, len: u32, hash: u128) -> Option<Vec<u8>> {
        self.read_raw_unchecked(offset, len as usize)
            .filter(|bytes| hash_text(bytes) == hash)
    }

    /// The `len` bytes at `offset`, as they are.
    pub fn read_raw_unchecked(&self, offset: u64, len: usize) -> Option<Vec<u8>> {
        let mut buf = vec![0; len];
        read_at(&self.file, &mut buf, offset).ok()?;
        Some(buf)
    }
}

/// Fills `buf` from `offset` of `file`, without moving a cursor (so threads may share
/// the file).
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Writes `bytes` at `offset` of `file`.
pub fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_stored_body_reads_back_and_a_damaged_one_reads_empty_and_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("texts");
        let mut f = File::options()
            .create(true)
            .truncate(true)
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        f.write_all(b"xx<p>caf\xc3\xa9</p>").unwrap();
        let file = TextFile::new(f);
        let text = "<p>café</p>";
        let body = Body::stored(
            file.clone(),
            2,
            text.len() as u32,
            hash_text(text.as_bytes()),
        );
        assert_eq!(body.text(), text);
        assert_eq!(body.hash(), Body::from(text).hash());
        assert!(!file.unreadable());

        write_at(file.file(), b"P", 3).unwrap();
        assert_eq!(body.text(), "");
        assert!(file.unreadable());
        let past_end = Body::stored(file.clone(), 100, 4, 0);
        assert_eq!(past_end.text(), "");
    }
}
