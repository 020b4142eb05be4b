//! Precompressed copies (`page.html.gz` beside `page.html`) for servers that can serve
//! them directly (nginx `gzip_static`, Caddy `precompressed`), written when `compress = true`.

use std::io::{self, Write};

use flate2::{Compression, GzBuilder};

/// Text files worth compressing, by extension.
const EXTENSIONS: [&str; 6] = ["html", "css", "js", "xml", "svg", "json"];

/// True when a site-relative path gets a `.gz` copy.
pub fn wanted(rel: &str) -> bool {
    rel.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Gzip bytes with an empty header (no name, modification time 0), so the same input
/// always gives the same output and unchanged files stay unchanged.
pub fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3 + 64),
        Compression::default(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn round_trips_and_is_deterministic() {
        let text = b"<p>Hello, archive</p>".repeat(50);
        let a = gzip(&text).unwrap();
        assert_eq!(a, gzip(&text).unwrap());
        assert_eq!(&a[4..8], &[0, 0, 0, 0], "mtime must be zero");
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&a[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text);
    }

    #[test]
    fn picks_text_files() {
        assert!(wanted("a/index.html") && wanted("atom.xml") && wanted("x.CSS"));
        assert!(!wanted("photo.jpg") && !wanted("README"));
    }
}
