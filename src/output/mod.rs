//! Write: pages are rendered into a staging folder beside the output, and only when
//! everything succeeded are they moved into the output, so a failed build leaves the
//! previous site untouched.
//!
//! A first build renames the staging folder into place. Later builds update the output
//! in place: only files whose bytes changed are written (each by an atomic rename from
//! the staging folder), files no longer produced are removed, and every other file is
//! left alone, keeping its modification time. Which files are unchanged is known from
//! the [`Manifest`] the previous build recorded (each file's content hash, checked
//! against its size and modification time), so unchanged files are neither read nor
//! rewritten; without a manifest the old files are read and compared. Files put in the
//! output by other means are found by reading the folders whose stamps changed since
//! ([`survey`]). This is what
//! makes a rebuild of a 100,000-article site after one edit take well under a second:
//! swapping in a whole new tree would mean creating some 250,000 files and folders.

pub mod compress;
pub mod extras;
pub mod feeds;
pub mod manifest;
pub mod sitemap;
pub mod survey;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::cache::{hash_bytes, Hash};
use crate::diagnostics::slash_path;
pub use manifest::{FolderStamp, Manifest, OutputEntry};
use survey::{Previous, Survey};

/// Marks a folder as broadsheet's output, so that it is never asked to replace a folder
/// it did not make.
pub const MARKER: &str = ".broadsheet-output";

/// Whether `target` may take the site: missing, an empty folder, or a folder a build made
/// (it holds [`MARKER`]). Why not, otherwise. A build checks this before anything else,
/// so a refused output folder leaves no trace (not even a cache beside it).
pub fn check_target(target: &Path) -> Result<(), String> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err("exists and is not a folder; remove it or choose another output_dir".into());
    }
    let empty = fs::read_dir(target)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !empty && !target.join(MARKER).exists() {
        return Err("exists and was not made by broadsheet; remove it or choose another output_dir (broadsheet replaces its output folder whole)".into());
    }
    Ok(())
}

/// A new site being written; dropped without [`Staging::commit`], it vanishes and the
/// output is untouched.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// No previous output: the staging folder becomes the output.
    fresh: bool,
    /// What the previous build recorded about the output, if anything.
    old: Option<Manifest>,
    /// Where the manifest is kept between builds.
    manifest_path: Option<PathBuf>,
    /// Every file of the new site: path, record, and whether it is new in the staging folder.
    files: Mutex<Vec<(String, OutputEntry, bool)>>,
    committed: bool,
    /// Hands new files to the writer thread (see [`Writer`]).
    writer: Option<Writer>,
    /// Also write a `.gz` copy of each text file (see [`compress`]).
    compress: bool,
    /// The files found in the output when the build began, with their sizes and times
    /// ([`Survey`]): a file is kept only while it is as the manifest says, and at commit
    /// those the new site does not hold are removed, whoever put them there (see
    /// [`Staging::set_keep_files`] for what stays). `None` on a first build.
    survey: Option<Survey>,
    /// Output paths (files or folders) that are never removed though no build made them.
    keep_files: Vec<String>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

/// Counts of what a build wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteStats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files identical to the previous site's, kept as they were.
    pub unchanged: usize,
}

/// The previous build's output: the record of its files (its manifest) and the files as
/// found, read on a thread of its own ahead of [`Staging::begin`] (see [`Survey`]): at
/// 100,000 articles this takes a few tenths of a second, which a build spends while the
/// content loads and is indexed.
pub struct PreviousOutput {
    /// Where the manifest is kept between builds.
    path: PathBuf,
    found: JoinHandle<Previous>,
}

impl PreviousOutput {
    /// Starts reading the manifest at `path` and surveying `target` against it.
    pub fn start(target: &Path, path: PathBuf) -> PreviousOutput {
        let found = Survey::start(target, &path);
        PreviousOutput { path, found }
    }
}

impl Staging {
    /// Prepares a staging folder beside `target`. `previous` is the record of the
    /// output's files kept between builds and the files as found (`None`: compare with
    /// old files).
    pub fn begin(target: &Path, previous: Option<PreviousOutput>) -> Result<Staging, String> {
        let name = target
            .file_name()
            .ok_or_else(|| "not a usable output folder".to_string())?
            .to_string_lossy()
            .into_owned();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        check_target(target)?;
        let fresh = !target.exists();
        // Leftovers of a build that was killed.
        let prefix = format!(".{name}.staging-");
        if let Ok(entries) = fs::read_dir(parent) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = parent.join(format!("{prefix}{}", std::process::id()));
        fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
        let (manifest_path, found) = match previous {
            Some(p) => (Some(p.path), p.found.join().ok()),
            None => (None, None),
        };
        let (old, survey) = match found.filter(|_| !fresh) {
            Some(Previous { manifest, survey }) => (manifest, survey),
            None => (None, None),
        };
        // The survey was made against `old`, whose record numbers it keeps.
        let survey = (!fresh).then(|| survey.unwrap_or_else(|| Survey::take(target, old.as_ref())));
        // Room for about as many files as last time: growing a list of 150,000 records
        // copied it over and over while both cores pushed to it.
        let files = Vec::with_capacity(old.as_ref().map_or(0, |m| m.len() * 17 / 16));
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            fresh,
            old,
            manifest_path,
            files: Mutex::new(files),
            committed: false,
            writer: Some(Writer::spawn()),
            compress: false,
            survey,
            keep_files: Vec::new(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// Paths in the output (`CNAME`, `verify/`) that the commit never removes though the
    /// new site does not hold them. Hidden files and folders (`.git/`) are always kept.
    pub fn set_keep_files(&mut self, paths: &[String]) {
        self.keep_files = paths.to_vec();
    }

    /// True when `rel`, a file in the output that the new site does not hold, stays.
    fn kept(&self, rel: &str) -> bool {
        self.keep_files.iter().any(|k| {
            rel.strip_prefix(k.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// From now on, every text file written also gets a `.gz` copy beside it.
    pub fn set_compress(&mut self, on: bool) {
        self.compress = on;
    }

    /// The `.gz` copy that goes with `rel`, when compressing.
    fn gz_of(&self, rel: &str) -> Option<String> {
        (self.compress && compress::wanted(rel)).then(|| format!("{rel}.gz"))
    }

    /// Keeps the previous build's file at `rel` (and its `.gz` copy) if it was made from
    /// the same `input` (a hash of everything it was rendered from) and is still as that
    /// build left it. Returns false when the caller must produce the file and
    /// [`Staging::write_page`] it.
    pub fn keep(&self, rel: &str, input: Hash) -> bool {
        let keepable = |rel: &str| {
            let (n, e) = self.made_from(rel, input)?;
            self.as_found(n, rel, &e).then_some(e)
        };
        let gz = self.gz_of(rel);
        let gz_entry = match &gz {
            Some(gz) => match keepable(gz) {
                Some(e) => Some(e),
                None => return false,
            },
            None => None,
        };
        let Some(entry) = keepable(rel) else {
            return false;
        };
        self.record(rel, entry, false);
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        if let (Some(gz), Some(e)) = (gz, gz_entry) {
            self.record(&gz, e, false);
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        true
    }

    /// True when the file at `rel` (record number `n` of the manifest) was, when the
    /// build began, as `e` records it.
    fn as_found(&self, n: usize, rel: &str, e: &OutputEntry) -> bool {
        match &self.survey {
            Some(survey) => survey.holds(n),
            None => on_disk(&self.target, rel, e),
        }
    }

    /// Whether the previous build made its file at `rel` from `input` (not 0): a caller
    /// can then decide whether to [`Staging::keep`] it, which also checks that the file
    /// is still as that build left it.
    pub fn previously_made_from(&self, rel: &str, input: Hash) -> bool {
        self.made_from(rel, input).is_some()
    }

    /// The previous build's record of `rel` and its number, if that build made it from
    /// `input` (not 0).
    fn made_from(&self, rel: &str, input: Hash) -> Option<(usize, OutputEntry)> {
        let (n, e) = self.old.as_ref()?.find(rel)?;
        (input != 0 && e.input == input).then_some((n, e))
    }

    /// The bytes of the previous build's file at `rel`, if they are still those it wrote.
    pub fn previous_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        let e = self.old.as_ref()?.get(rel)?;
        let bytes = fs::read(safe_join(&self.target, rel).ok()?).ok()?;
        (hash_bytes(&bytes) == e.content).then_some(bytes)
    }

    /// Writes `bytes` to the site-relative path `rel`. Ok(true) when the bytes differ
    /// from the previous build's (the file is new or changed), Ok(false) when they do
    /// not and the file is left as it was (so for the other writes and [`Staging::copy`]).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        self.write_with_gz(rel, 0, Cow::Borrowed(bytes))
    }

    /// [`Staging::write`] for bytes the caller no longer needs: they go to the writer
    /// threads as they are, not copied.
    pub fn write_owned(&self, rel: &str, bytes: Vec<u8>) -> io::Result<bool> {
        self.write_page(rel, 0, bytes)
    }

    /// Writes a rendered page's `bytes` to `rel` (and its `.gz` copy when compressing),
    /// recording that they were made from `input` (see [`Staging::keep`]; 0 for none).
    /// Bytes equal to the previous build's are not written; new ones go to the writer
    /// threads as they are, not copied.
    pub fn write_page(&self, rel: &str, input: Hash, bytes: Vec<u8>) -> io::Result<bool> {
        self.write_with_gz(rel, input, Cow::Owned(bytes))
    }

    fn write_with_gz(&self, rel: &str, input: Hash, bytes: Cow<'_, [u8]>) -> io::Result<bool> {
        let gz = match self.gz_of(rel) {
            Some(gz) => Some((gz, compress::gzip(&bytes)?)),
            None => None,
        };
        let changed = self.write_one(rel, input, bytes)?;
        if let Some((gz, packed)) = gz {
            self.write_one(&gz, input, Cow::Owned(packed))?;
        }
        Ok(changed)
    }

    fn write_one(&self, rel: &str, input: Hash, bytes: Cow<'_, [u8]>) -> io::Result<bool> {
        let old_path = safe_join(&self.target, rel)?;
        let content = hash_bytes(&bytes);
        if !self.fresh {
            // The old file, when its bytes are these: recorded as found when the build
            // began (what `as_found` checked), not as it is now, so that a file edited by
            // hand since is noticed next time.
            let same = match self.old.as_ref() {
                Some(old) => old
                    .find(rel)
                    .filter(|(n, e)| e.content == content && self.as_found(*n, rel, e))
                    .map(|(_, e)| e.stamp()),
                // No record: compare with the old file itself.
                None => fs::read(&old_path)
                    .is_ok_and(|b| b == *bytes)
                    .then(|| fs::metadata(&old_path).ok())
                    .flatten()
                    .as_ref()
                    .and_then(manifest::file_stamp),
            };
            if let Some((len, mtime)) = same {
                let entry = OutputEntry {
                    input,
                    content,
                    len,
                    mtime,
                };
                self.record(rel, entry, false);
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(false);
            }
        }
        let job = WriteJob {
            dest: safe_join(&self.dir, rel)?,
            rel: rel.to_string(),
            input,
            content,
            bytes: bytes.into_owned(),
        };
        if let Some(writer) = &self.writer {
            // Stop at the first failed write, with its message, rather than render on.
            if let Some(failure) = writer.failure() {
                return Err(io::Error::other(failure));
            }
            writer.push(job);
        }
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Waits for the writer thread; every new file is then in the staging folder.
    fn finish_writes(&mut self) -> io::Result<()> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let written = writer.finish()?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.extend(written.into_iter().map(|(rel, e)| (rel, e, true)));
        Ok(())
    }

    /// Copies the file at `from` to the site-relative path `rel`.
    pub fn copy(&self, rel: &str, from: &Path) -> io::Result<bool> {
        self.write_owned(rel, fs::read(from)?)
    }

    fn record(&self, rel: &str, entry: OutputEntry, staged: bool) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), entry, staged));
    }

    pub fn stats(&self) -> WriteStats {
        WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        }
    }

    /// Puts the new site in place: renames the staging folder into place on a first
    /// build, else moves each new or changed file into the output and removes the files
    /// that are no longer part of the site. Saves the new manifest.
    pub fn commit(mut self) -> io::Result<()> {
        self.finish_writes()?;
        let mut files = std::mem::take(&mut *self.files.lock().unwrap_or_else(|e| e.into_inner()));
        // Sorted, so the manifest (and so the cache) is the same for the same site.
        files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Two outputs wanting one path (a file under static/ and a generated one) would
        // silently replace each other: refuse before anything moves.
        if let Some(pair) = files.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(io::Error::other(format!(
                "two files of the site want the same path {}: a file under static/ and a generated file, most likely; rename or remove the one in static/",
                pair[0].0
            )));
        }
        // It is deployed with the site: it says what the folder is, not which version made
        // it (a version is a fact about the server an attacker would like to know).
        let marker = "Made by broadsheet: a build replaces this folder's contents.\n";
        let folders = if self.fresh {
            fs::write(self.dir.join(MARKER), marker)?;
            fs::rename(&self.dir, &self.target)?;
            // No other program knew the staging folder: the folders are as this build
            // made them, unless changed since the rename (then their stamps are racy).
            let all = ancestors(files.iter().map(|(rel, _, _)| rel.as_str()));
            stamp_folders(&self.target, all)
        } else {
            // The manifest is about to go stale: remove it first, so that a build
            // killed halfway through leaves none and the next build compares files.
            if let Some(path) = &self.manifest_path {
                crate::cache::remove_file(path);
            }
            // Removals first, so that a folder can take the place of a file and back.
            // Everything in the output goes unless the new site holds it: files of
            // older builds and files put there by other means alike, so the folder is the
            // site and nothing else (a host would serve a stray page).
            let keep: hashbrown::HashSet<&str> =
                files.iter().map(|(rel, _, _)| rel.as_str()).collect();
            let survey = self
                .survey
                .take()
                .unwrap_or_else(|| Survey::take(&self.target, self.old.as_ref()));
            let recorded = self
                .old
                .iter()
                .flat_map(|m| m.entries().map(|(rel, _)| rel));
            let gone: Vec<&str> = survey
                .strays
                .iter()
                .map(String::as_str)
                .chain(recorded)
                .filter(|p| !keep.contains(p) && !self.kept(p))
                .collect();
            for rel in &gone {
                if let Ok(path) = safe_join(&self.target, rel) {
                    let _ = fs::remove_file(&path);
                    remove_empty_parents(&path, &self.target);
                }
            }
            for (rel, _, staged) in &files {
                if *staged {
                    let to = safe_join(&self.target, rel)?;
                    if let Some(parent) = to.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    move_into_place(&safe_join(&self.dir, rel)?, &to)?;
                }
            }
            if fs::read_to_string(self.target.join(MARKER)).ok().as_deref() != Some(marker) {
                fs::write(self.target.join(MARKER), marker)?;
            }
            fs::remove_dir_all(&self.dir)?;
            // The folders this commit changed are read by the next build; the others are
            // as the survey found them, before their entries were read or trusted (a
            // stamp taken now would take in a file put there while this build ran).
            // Every folder is listed (those it made too), as a trusted folder's subfolders
            // are known from the list alone.
            let staged = files
                .iter()
                .filter(|(_, _, s)| *s)
                .map(|(rel, _, _)| rel.as_str());
            // Strays kept (`keep_files`) keep their folders read, so that they go once
            // no longer kept.
            let kept = survey
                .strays
                .iter()
                .map(String::as_str)
                .filter(|p| !keep.contains(p) && self.kept(p));
            let mut changed = ancestors(staged.chain(gone.iter().copied()).chain(kept));
            let mut folders = survey.folders;
            for (rel, stamp) in &mut folders {
                if changed.remove(rel.as_str()) {
                    *stamp = None;
                }
            }
            folders.extend(changed.into_iter().map(|rel| (rel.to_string(), None)));
            folders.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            folders
        };
        self.committed = true;
        if let Some(path) = &self.manifest_path {
            let records = files.iter().map(|(rel, e, _)| (rel.as_str(), e));
            Manifest::save_sorted(path, records, &folders);
        }
        // Freeing 150,000 records twice over (the new ones, the old manifest) takes a few
        // hundredths of a second: a thread does it while the caller reports (a CLI
        // process simply exits). The survey went with the removal of strays.
        let old = self.old.take();
        std::thread::spawn(move || drop((files, old)));
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // The writer must stop before its folder is removed.
        if let Some(writer) = self.writer.take() {
            let _ = writer.finish();
        }
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A file for the writer thread to create.
struct WriteJob {
    dest: PathBuf,
    rel: String,
    input: Hash,
    content: Hash,
    bytes: Vec<u8>,
}

/// Writer threads (one per core, at most four) create the new files while the render threads go on.
/// Creating a file is kernel work whose cost swings with the file system's state: on
/// this project's ext4 after a large output was deleted, 50 to 400 µs a file, more than
/// rendering the page. Files are handed over in batches: waking a writer for every
/// file cost the render threads 6 % of their time.
struct Writer {
    /// The batch being filled, and its size in bytes.
    batch: Mutex<(Vec<WriteJob>, usize)>,
    jobs: SyncSender<Vec<WriteJob>>,
    threads: Vec<JoinHandle<io::Result<Written>>>,
    /// The first write that failed, so that producers stop early.
    failed: Arc<Mutex<Option<String>>>,
}

/// The files one writer thread created, with their records.
type Written = Vec<(String, OutputEntry)>;

/// Files per batch handed to a writer thread.
const BATCH: usize = 32;
/// Bytes at which a batch goes early: queued batches of large files (photos, PDFs
/// under static/) would otherwise hold hundreds of megabytes.
const BATCH_BYTES: usize = 4 << 20;

impl Writer {
    fn spawn() -> Writer {
        // A few batches queued ride out a slow file without holding many pages in memory.
        let (jobs, queue) = sync_channel::<Vec<WriteJob>>(4);
        let queue = Arc::new(Mutex::new(queue));
        let failed: Arc<Mutex<Option<String>>> = Arc::default();
        // More writers than this only contend in the file system.
        let count = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let threads = (0..count)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let failed = Arc::clone(&failed);
                let note = move |e: io::Error| {
                    let mut first = failed.lock().unwrap_or_else(|e| e.into_inner());
                    first.get_or_insert_with(|| e.to_string());
                    e
                };
                std::thread::spawn(move || {
                    let mut written = Vec::new();
                    let mut made_dir: Option<PathBuf> = None;
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(batch) = next else {
                            return Ok(written);
                        };
                        for job in batch {
                            let parent = job.dest.parent().map(Path::to_path_buf);
                            if parent.is_some() && parent != made_dir {
                                if let Some(dir) = &parent {
                                    fs::create_dir_all(dir)
                                        .map_err(|e| note(in_file(&job.rel, e)))?;
                                }
                                made_dir = parent;
                            }
                            let meta = write_file(&job.dest, &job.bytes)
                                .map_err(|e| note(in_file(&job.rel, e)))?;
                            written.push((job.rel, OutputEntry::of(job.input, job.content, &meta)));
                        }
                    }
                })
            })
            .collect();
        Writer {
            batch: Mutex::new((Vec::with_capacity(BATCH), 0)),
            jobs,
            threads,
            failed,
        }
    }

    /// The message of the first write that failed, if one did.
    fn failure(&self) -> Option<String> {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn push(&self, job: WriteJob) {
        let full = {
            let mut batch = self.batch.lock().unwrap_or_else(|e| e.into_inner());
            batch.1 += job.bytes.len();
            batch.0.push(job);
            (batch.0.len() >= BATCH || batch.1 >= BATCH_BYTES)
                .then(|| std::mem::replace(&mut *batch, (Vec::with_capacity(BATCH), 0)).0)
        };
        if let Some(jobs) = full {
            // A writer that stopped has an error to report; `finish` returns it.
            let _ = self.jobs.send(jobs);
        }
    }

    /// Lets the threads write what is queued; returns the files written, or the first error.
    fn finish(self) -> io::Result<Written> {
        let rest = std::mem::take(&mut self.batch.lock().unwrap_or_else(|e| e.into_inner()).0);
        let _ = self.jobs.send(rest);
        drop(self.jobs);
        let mut written = Vec::new();
        let mut failed = None;
        for thread in self.threads {
            let outcome = thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a file writer thread panicked")));
            match outcome {
                Ok(files) => written.extend(files),
                Err(e) => failed = failed.or(Some(e)),
            }
        }
        failed.map_or(Ok(written), Err)
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<fs::Metadata> {
    use std::io::Write;
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

fn in_file(rel: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{rel}: {e}"))
}

/// Renames `from` over `to`; a folder in the way (a page where a file was) is removed.
fn move_into_place(from: &Path, to: &Path) -> io::Result<()> {
    if to.is_dir() {
        fs::remove_dir_all(to)?;
    }
    fs::rename(from, to)
}

/// Every folder holding one of `files` (site-relative), at any depth, and the output
/// folder itself (`""`).
fn ancestors<'a>(files: impl Iterator<Item = &'a str>) -> hashbrown::HashSet<&'a str> {
    let mut folders = hashbrown::HashSet::new();
    folders.insert("");
    for rel in files {
        let mut rest = rel;
        while let Some((folder, _)) = rest.rsplit_once('/') {
            if !folders.insert(folder) {
                // Its own folders are in already.
                break;
            }
            rest = folder;
        }
    }
    folders
}

/// The stamps of `folders` under `root` as they are now, in path order (`None` for those
/// too recent to trust, see [`FolderStamp::racy`]).
fn stamp_folders(
    root: &Path,
    folders: hashbrown::HashSet<&str>,
) -> Vec<(String, Option<FolderStamp>)> {
    let taken = std::time::SystemTime::now();
    let mut stamps: Vec<(String, Option<FolderStamp>)> = folders
        .into_iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&rel| {
            let path = match rel {
                "" => Ok(root.to_path_buf()),
                _ => safe_join(root, rel),
            };
            let meta = path.and_then(fs::symlink_metadata).ok();
            let stamp = meta.as_ref().and_then(FolderStamp::of);
            (rel.to_string(), stamp.filter(|s| !s.racy(taken)))
        })
        .collect();
    stamps.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    stamps
}

/// Removes the folders above `path` that became empty, up to `root`.
fn remove_empty_parents(path: &Path, root: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Joins a site-relative, `/`-separated path under `root`, refusing anything that could
/// leave it (`..`, absolute paths, backslashes, empty segments).
pub fn safe_join(root: &Path, rel: &str) -> io::Result<PathBuf> {
    if !crate::config::is_plain_path(rel) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write '{rel}': it is not a plain path inside the output folder"),
        ));
    }
    let mut path = root.to_path_buf();
    path.extend(rel.split('/'));
    Ok(path)
}

/// Held for the whole of a build, so that one build at a time writes an output folder
/// and its cache: a second would remove the first's staging folder and interleave their
/// records of what the folder holds. The system releases it when the process ends,
/// however it ends, so a killed build leaves no stale lock.
#[derive(Debug)]
pub struct OutputLock {
    _file: Option<fs::File>,
}

impl OutputLock {
    /// Locks the output folder `target`, or says which build holds it. Where the file
    /// system cannot lock files, or the lock file can be neither made nor read, the
    /// build goes on unlocked.
    pub fn take(target: &Path) -> Result<OutputLock, String> {
        let path = crate::cache::lock_path(target);
        let opened = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| {
                fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .read(true)
                    .write(true)
                    .open(&path)
            })
            // Another user's lock file, which this one may read but not write: a lock
            // needs only reading.
            .or_else(|_| fs::File::open(&path));
        let Ok(file) = opened else {
            return Ok(OutputLock { _file: None });
        };
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: Some(file) }),
            Err(fs::TryLockError::WouldBlock) => Err(format!(
                "another build is writing this output folder (it holds {}): wait for it to finish, or stop it",
                path.display()
            )),
            Err(fs::TryLockError::Error(_)) => Ok(OutputLock { _file: None }),
        }
    }
}

/// The number of files in the output folder `target` when it still holds exactly what
/// the manifest at `manifest_path` records (each file's size and modification time) and
/// is marked as broadsheet's; `None` when anything differs or cannot be told.
pub fn intact(target: &Path, manifest_path: &Path) -> Option<usize> {
    if !target.join(MARKER).is_file() {
        return None;
    }
    let manifest = Manifest::load(manifest_path)?;
    let files: Vec<(&str, OutputEntry)> = manifest.entries().collect();
    let all = files
        .par_iter()
        .all(|(rel, entry)| on_disk(target, rel, entry));
    all.then_some(files.len())
}

/// True when the file at `rel` under `target` still has the size and modification time
/// recorded in `e` (nobody changed it since).
fn on_disk(target: &Path, rel: &str, e: &OutputEntry) -> bool {
    safe_join(target, rel)
        .ok()
        .and_then(|p| fs::metadata(p).ok())
        .is_some_and(|m| e.matches(&m))
}

/// The files under `static/`. Each is copied to the same path in the site, and takes the
/// place of any file the build would otherwise generate there (a theme file, the site's
/// feed, the sitemap, `robots.txt`, `404.html`): a site overrides those by providing them.
#[derive(Debug, Default)]
pub struct StaticFiles {
    /// Site-relative path and source file, sorted by path.
    pub files: Vec<(String, PathBuf)>,
    paths: HashSet<String>,
}

impl StaticFiles {
    /// Lists `static_dir` (nothing if it does not exist).
    pub fn list(static_dir: &Path) -> StaticFiles {
        let files = list_static(static_dir);
        let paths = files.iter().map(|(rel, _)| rel.clone()).collect();
        StaticFiles { files, paths }
    }

    /// True when a static file takes the place of the generated file at `rel`.
    pub fn replaces(&self, rel: &str) -> bool {
        self.paths.contains(rel)
    }
}

/// Hidden names that hosts read, published from `static/` all the same: the RFC 8615
/// folder (`security.txt`, certificate challenges), Apache's settings, and GitHub Pages'
/// switch for serving files as they are.
const PUBLISHED_HIDDEN: [&str; 3] = [".well-known", ".htaccess", ".nojekyll"];

/// Whether a walk of `static/` takes `e` (and what is under it): the walk's root, and
/// any name not hidden or hidden but read by hosts ([`PUBLISHED_HIDDEN`]); [`Survey`]
/// leaves the same names out of the output.
fn published(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy();
    e.depth() == 0 || !name.starts_with('.') || PUBLISHED_HIDDEN.contains(&&*name)
}

/// Files under `static/`, as (site-relative path, file), sorted. Other hidden files and
/// folders (`.DS_Store`, `.git/`, an editor's swap file) are left out, as they are in
/// `content/` and `templates/`.
fn list_static(static_dir: &Path) -> Vec<(String, PathBuf)> {
    if !static_dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(static_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(published)
        .flatten()
        .filter(|e| e.file_type().is_file() || (e.path_is_symlink() && e.path().is_file()))
        .map(|e| (slash_path(e.path(), static_dir), e.path().to_path_buf()))
        .collect()
}

/// An absolute URL escaped to ASCII, as sitemaps and feeds want it: pages with slugs in
/// another script (`slugs = "unicode"`) get percent-encoded paths, a host in another
/// script its punycode form. Pages keep the readable form, which browsers take as is.
pub fn uri(url: String) -> String {
    if url.is_ascii() {
        return url;
    }
    url::Url::parse(&url).map_or(url, String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_escapes() {
        let root = Path::new("/out");
        assert!(safe_join(root, "a/b/index.html").is_ok());
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\..\\b"] {
            assert!(safe_join(root, bad).is_err(), "{bad}");
        }
    }
}
