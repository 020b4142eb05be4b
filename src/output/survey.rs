//! What the output folder holds when a rebuild begins, against what the previous build
//! recorded of it ([`Manifest`]): which of its files are still as that build left them
//! (only those are kept), and which files other means put there (strays, removed at
//! commit so that the folder is the site and nothing else).
//!
//! A rebuild must know that each of 150,000 files it keeps is still as it left it, so
//! each is looked at. Finding strays would take reading every folder too (a tenth of a
//! second for 12,000 folders, and 150,000 names to match), but a folder whose stamp is
//! as the previous build recorded it has the entries it had then ([`FolderStamp`]): only
//! the other folders are read.

use std::fs;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::SystemTime;

use hashbrown::{HashMap, HashSet};

use super::manifest::{file_stamp, FolderStamp, Manifest};
use super::{safe_join, PUBLISHED_HIDDEN};

/// The output's files as found, against a manifest.
#[derive(Debug, Default)]
pub struct Survey {
    /// By the manifest's record number: the file is as recorded.
    found: Vec<bool>,
    /// Files found that the manifest does not record, site-relative. Hidden files and
    /// folders (the build's marker, a `.git/` of the deployed site) and all under them
    /// are left out: a build makes none but those `static/` may publish
    /// ([`PUBLISHED_HIDDEN`]), so no other is ever taken for a stray.
    pub strays: Vec<String>,
    /// Every folder walked, with its stamp taken before its entries were read or
    /// trusted; `None` when it changed too recently to be trusted (see
    /// [`FolderStamp::racy`]). A trusted folder's subfolders are known from this list
    /// alone, so it holds every folder.
    pub folders: Vec<(String, Option<FolderStamp>)>,
    /// How many folders were read (the others were trusted).
    pub folders_read: usize,
}

/// The previous build's output: what it recorded, and what is found now.
pub struct Previous {
    pub manifest: Option<Manifest>,
    /// `None` when there is no output folder.
    pub survey: Option<Survey>,
}

impl Survey {
    /// Reads the manifest at `manifest_path` and surveys `target` against it, on a thread
    /// of its own: a build does this while the content loads.
    pub fn start(target: &Path, manifest_path: &Path) -> JoinHandle<Previous> {
        let (target, manifest_path) = (target.to_path_buf(), manifest_path.to_path_buf());
        std::thread::spawn(move || {
            let manifest = Manifest::load(&manifest_path);
            let survey = target
                .is_dir()
                .then(|| Survey::take(&target, manifest.as_ref()));
            Previous { manifest, survey }
        })
    }

    /// Surveys `root` now, against `manifest` when there is one.
    pub fn take(root: &Path, manifest: Option<&Manifest>) -> Survey {
        let taken = SystemTime::now();
        let mut survey = Survey {
            found: vec![false; manifest.map_or(0, Manifest::len)],
            ..Survey::default()
        };
        // Only folders inside the output (a damaged cache could name others).
        let recorded: HashMap<&str, Option<FolderStamp>> = manifest
            .into_iter()
            .flat_map(Manifest::folders)
            .filter(|(rel, _)| rel.is_empty() || crate::config::is_plain_path(rel))
            .collect();
        // The subfolders of each recorded folder: those of a trusted folder are still
        // there, and walked without reading it.
        let mut subfolders: HashMap<&str, Vec<&str>> = HashMap::new();
        for &rel in recorded.keys().filter(|r| !r.is_empty()) {
            let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
            subfolders.entry(parent).or_default().push(rel);
        }
        let mut trusted: HashSet<&str> = HashSet::new();
        let mut folders = vec![String::new()];
        while let Some(rel) = folders.pop() {
            let path = if rel.is_empty() {
                root.to_path_buf()
            } else {
                root.join(&rel)
            };
            // The output folder may be a link to the site's real place; no link below
            // it is followed, as a walk of the output never follows them.
            let meta = match rel.is_empty() {
                true => fs::metadata(&path),
                false => fs::symlink_metadata(&path),
            };
            let Some(meta) = meta.ok().filter(fs::Metadata::is_dir) else {
                continue;
            };
            // No stamp (outside Unix): the folder is read.
            let stamp = FolderStamp::of(&meta);
            let same = |(_, s): &(&&str, &Option<FolderStamp>)| s.is_some() && **s == stamp;
            if let Some((&name, _)) = recorded.get_key_value(rel.as_str()).filter(same) {
                folders.extend(
                    subfolders
                        .get(name)
                        .into_iter()
                        .flatten()
                        .map(|s| s.to_string()),
                );
                trusted.insert(name);
            } else {
                survey.read_folder(&path, &rel, manifest, &mut folders);
            }
            survey.folders.push((rel, stamp.filter(|s| !s.racy(taken))));
        }
        // The files of the trusted folders: recorded, so looked at by name.
        if let Some(manifest) = manifest {
            let mut parent = ("", false);
            for (n, (rel, entry)) in manifest.entries().enumerate() {
                let folder = rel.rsplit_once('/').map_or("", |(p, _)| p);
                if folder != parent.0 {
                    parent = (folder, trusted.contains(folder));
                }
                if parent.1 {
                    survey.found[n] = safe_join(root, rel)
                        .ok()
                        .and_then(|p| fs::symlink_metadata(p).ok())
                        .as_ref()
                        .and_then(file_stamp)
                        == Some(entry.stamp());
                }
            }
        }
        survey
    }

    /// Reads the folder at `path` (`rel` in the output): each file in it is as recorded
    /// or not, or a stray; each subfolder is walked next (pushed on `folders`).
    fn read_folder(
        &mut self,
        path: &Path,
        rel: &str,
        manifest: Option<&Manifest>,
        folders: &mut Vec<String>,
    ) {
        let Ok(entries) = fs::read_dir(path) else {
            return;
        };
        self.folders_read += 1;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && !PUBLISHED_HIDDEN.contains(&&*name) {
                continue;
            }
            let child = if rel.is_empty() {
                name.into_owned()
            } else {
                format!("{rel}/{name}")
            };
            // Links are not followed, as a walk of the output never follows them.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(child);
                continue;
            }
            // By its name in the folder being read, not by its whole path.
            let stamp = entry.metadata().ok().as_ref().and_then(file_stamp);
            match manifest.and_then(|m| m.find(&child)) {
                Some((n, e)) => self.found[n] = stamp == Some(e.stamp()),
                None => self.strays.push(child),
            }
        }
    }

    /// True when record number `n` of the manifest surveyed against is as found.
    pub fn holds(&self, n: usize) -> bool {
        self.found.get(n).copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutputEntry;

    /// Only folders whose stamps changed are read; files in trusted folders are still
    /// each looked at. (Folder stamps are Unix's.)
    #[cfg(unix)]
    #[test]
    fn only_folders_whose_stamps_changed_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("out");
        let files = ["a/b/y.html", "a/x.html", "c/z.html"];
        for rel in files {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, rel).unwrap();
        }
        let entries: Vec<OutputEntry> = files
            .iter()
            .map(|rel| OutputEntry::of(0, 0, &fs::metadata(root.join(rel)).unwrap()))
            .collect();
        let stamp = |rel: &str| FolderStamp::of(&fs::symlink_metadata(root.join(rel)).unwrap());
        // "a/b" has no stamp to trust: it is read.
        let folders: Vec<(String, Option<FolderStamp>)> = ["", "a", "a/b", "c"]
            .iter()
            .map(|rel| (rel.to_string(), stamp(rel).filter(|_| *rel != "a/b")))
            .collect();
        let manifest_path = dir.path().join("outputs.bin");
        let records = files.iter().copied().zip(&entries);
        Manifest::save_sorted(&manifest_path, records, &folders);
        let manifest = Manifest::load(&manifest_path).unwrap();
        let survey = Survey::take(&root, Some(&manifest));
        assert_eq!(survey.folders_read, 1);
        assert!((0..3).all(|n| survey.holds(n)));
        assert!(survey.strays.is_empty());
        assert_eq!(survey.folders.len(), 4);

        // Edited in place: its folder is as it was, the file is not.
        fs::write(root.join("a/x.html"), "edited").unwrap();
        let survey = Survey::take(&root, Some(&manifest));
        assert_eq!(survey.folders_read, 1);
        assert!(!survey.holds(1) && survey.holds(0) && survey.holds(2));

        // A file put in a trusted folder changes its stamp, even with the folder's times
        // set back: it is read, and the stray found.
        let times = fs::metadata(root.join("c")).unwrap();
        fs::write(root.join("c/stray.html"), "stray").unwrap();
        let folder = fs::File::open(root.join("c")).unwrap();
        folder
            .set_times(
                fs::FileTimes::new()
                    .set_modified(times.modified().unwrap())
                    .set_accessed(times.accessed().unwrap()),
            )
            .unwrap();
        assert_eq!(
            fs::metadata(root.join("c")).unwrap().modified().unwrap(),
            times.modified().unwrap()
        );
        let survey = Survey::take(&root, Some(&manifest));
        assert_eq!(survey.folders_read, 2);
        assert_eq!(survey.strays, ["c/stray.html"]);
        assert!(survey.holds(2));
    }
}
