//! Which files a signing batch signs: `kyso sign DIR` and `kyso sign -r DIR` (issue 12). The
//! rules live here, in one place, so that a program linking the crate signs the same files
//! as the command line; [`select_files_to_sign`] states them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The part of the name of a temporary file kyso writes beside an output before renaming it
/// into place (`.X.p7s.kyso-tmp-PID`). A folder walk never signs such a file, even one left
/// behind by a crash.
pub const TEMP_FILE_MARKER: &str = ".kyso-tmp-";

/// Extensions of the signature files kyso writes or reads (with ASiC containers, EN 319
/// 162-1); never signed by a folder walk.
const SIGNATURE_EXTENSIONS: [&str; 7] = ["p7s", "p7m", "sig", "asice", "sce", "asics", "scs"];

/// Extensions that name a signature envelope when given as a file to sign.
const ENVELOPE_EXTENSIONS: [&str; 2] = ["p7s", "p7m"];

/// Folders nested deeper than this below a named folder are not walked: a real document tree
/// is far shallower (symbolic links to folders are not followed, so this is only a backstop).
const MAX_DEPTH: usize = 64;

/// How [`select_files_to_sign`] expands folders.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelectOptions {
    recursive: bool,
}

impl SelectOptions {
    /// Only the files directly inside a named folder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Walk subfolders too (`kyso sign -r DIR`).
    pub fn recursive(mut self, yes: bool) -> Self {
        self.recursive = yes;
        self
    }
}

/// Why a path found in a folder is not signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileSkip {
    /// An existing signature (`.p7s`, `.p7m`, `.sig`).
    Signature,
    /// A hidden file or folder (its name starts with `.`).
    Hidden,
    /// A temporary file kyso writes while replacing an output ([`TEMP_FILE_MARKER`]).
    TemporaryFile,
    /// A subfolder, and the walk is not recursive.
    Subfolder,
    /// A symbolic link to a folder (not followed).
    LinkToFolder,
    /// Not a regular file (a socket, a device, a named pipe).
    NotAFile,
    /// It could not be read (a dangling symbolic link, a folder without permission).
    Unreadable {
        /// What the system said.
        detail: String,
    },
}

impl FileSkip {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            FileSkip::Signature => "signature",
            FileSkip::Hidden => "hidden",
            FileSkip::TemporaryFile => "temporary_file",
            FileSkip::Subfolder => "subfolder",
            FileSkip::LinkToFolder => "link_to_folder",
            FileSkip::NotAFile => "not_a_file",
            FileSkip::Unreadable { .. } => "unreadable",
        }
    }
}

impl std::fmt::Display for FileSkip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileSkip::Signature => f.write_str("an existing signature"),
            FileSkip::Hidden => f.write_str("hidden"),
            FileSkip::TemporaryFile => f.write_str("a temporary file of kyso"),
            FileSkip::Subfolder => f.write_str("a subfolder (pass -r to sign inside it)"),
            FileSkip::LinkToFolder => f.write_str("a symbolic link to a folder (not followed)"),
            FileSkip::NotAFile => f.write_str("not a regular file"),
            FileSkip::Unreadable { detail } => write!(f, "cannot be read: {detail}"),
        }
    }
}

/// A path a folder walk left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedFile {
    /// The path, as found (the named folder joined with the names below it).
    pub path: PathBuf,
    /// Why it is not signed.
    pub why: FileSkip,
}

/// A path dropped because it is the same file as one selected before it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DuplicateFile {
    /// The path that was dropped.
    pub path: PathBuf,
    /// The path under which the file is signed.
    pub same_as: PathBuf,
}

/// What [`select_files_to_sign`] found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SignSelection {
    /// The files to sign, in order, each once (`-` for standard input).
    pub files: Vec<PathBuf>,
    /// Paths named by the caller that are signature envelopes (`.p7s`, `.p7m`): not in
    /// `files`; a caller should refuse the run and point to co-signing (`--add-to`).
    pub envelopes: Vec<PathBuf>,
    /// Paths dropped as the same file as an earlier one.
    pub duplicates: Vec<DuplicateFile>,
    /// Paths inside named folders that are not signed.
    pub skipped: Vec<SkippedFile>,
}

/// The files to sign for `inputs` (files, folders, `-`):
///
/// * A named path is signed as given (its order kept), except that a name ending in `.p7s` or
///   `.p7m` is an existing signature envelope: it goes to [`SignSelection::envelopes`] so the
///   caller can refuse it (co-signing is another operation, `--add-to`) rather than wrap a
///   signature in a signature by mistake.
/// * A folder gives its files in sorted order, and with [`SelectOptions::recursive`] those of
///   its subfolders too. Left out, each with its [`FileSkip`] in [`SignSelection::skipped`]:
///   existing signatures (`.p7s`, `.p7m`, `.sig`), hidden files and folders (a name starting
///   with `.`), kyso's temporary files ([`TEMP_FILE_MARKER`]), symbolic links to folders
///   (never followed, so a link loop cannot make the walk endless), anything that is not a
///   regular file.
/// * The same file reached twice (named twice, `./a.txt` and `a.txt`, a symbolic link, or
///   named and inside a named folder) is selected once, at its first place; the later paths
///   are in [`SignSelection::duplicates`].
/// * `-` (standard input) is passed through.
///
/// `Err` when a named input cannot be read at all (it does not exist, or permission is
/// denied), or when `-` is named twice: nothing should be signed then.
pub fn select_files_to_sign(
    inputs: &[PathBuf],
    options: SelectOptions,
) -> Result<SignSelection, Error> {
    let mut sel = SignSelection::default();
    // Identity of each selected file: its canonical path (symbolic links and `.` resolved).
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut first_of: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut stdin = false;
    let mut add = |sel: &mut SignSelection, path: PathBuf| {
        let id = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.insert(id.clone()) {
            first_of.push((id, path.clone()));
            sel.files.push(path);
        } else {
            let same_as = first_of
                .iter()
                .find(|(k, _)| *k == id)
                .map_or_else(|| path.clone(), |(_, p)| p.clone());
            sel.duplicates.push(DuplicateFile { path, same_as });
        }
    };
    for input in inputs {
        if input.as_os_str() == "-" {
            if stdin {
                return Err(Error::Format(
                    "standard input (-) can be signed only once per run".into(),
                ));
            }
            stdin = true;
            sel.files.push(input.clone());
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if !meta.is_dir() {
            if has_extension(input, &ENVELOPE_EXTENSIONS) {
                sel.envelopes.push(input.clone());
            } else {
                add(&mut sel, input.clone());
            }
            continue;
        }
        let mut found = Vec::new();
        walk(input, options, 0, &mut found, &mut sel.skipped);
        found.sort();
        for f in found {
            add(&mut sel, f);
        }
    }
    Ok(sel)
}

fn has_extension(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Collect the files to sign under `dir` into `out` (unsorted), and what is left out.
fn walk(
    dir: &Path,
    options: SelectOptions,
    depth: usize,
    out: &mut Vec<PathBuf>,
    skipped: &mut Vec<SkippedFile>,
) {
    let skip = |skipped: &mut Vec<SkippedFile>, path: PathBuf, why: FileSkip| {
        skipped.push(SkippedFile { path, why });
    };
    if depth > MAX_DEPTH {
        let detail = format!("nested more than {MAX_DEPTH} folders deep");
        return skip(skipped, dir.to_path_buf(), FileSkip::Unreadable { detail });
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let detail = e.to_string();
            return skip(skipped, dir.to_path_buf(), FileSkip::Unreadable { detail });
        }
    };
    let mut subfolders = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let detail = e.to_string();
                skip(skipped, dir.to_path_buf(), FileSkip::Unreadable { detail });
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.contains(TEMP_FILE_MARKER) {
            skip(skipped, path, FileSkip::TemporaryFile);
            continue;
        }
        if name.starts_with('.') {
            skip(skipped, path, FileSkip::Hidden);
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            skip(skipped, path, FileSkip::NotAFile);
            continue;
        };
        if kind.is_dir() {
            subfolders.push(path);
            continue;
        }
        // A symbolic link is judged by its target, except that folders behind links are
        // never walked.
        let target = if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    skip(skipped, path, FileSkip::LinkToFolder);
                    continue;
                }
                Ok(m) => m.file_type(),
                Err(e) => {
                    let detail = format!("a dangling symbolic link ({e})");
                    skip(skipped, path, FileSkip::Unreadable { detail });
                    continue;
                }
            }
        } else {
            kind
        };
        if !target.is_file() {
            skip(skipped, path, FileSkip::NotAFile);
        } else if has_extension(&path, &SIGNATURE_EXTENSIONS) {
            skip(skipped, path, FileSkip::Signature);
        } else {
            out.push(path);
        }
    }
    for sub in subfolders {
        if options.recursive {
            walk(&sub, options, depth + 1, out, skipped);
        } else {
            skip(skipped, sub, FileSkip::Subfolder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn tree(name: &str, files: &[&str]) -> Tmp {
        let d = std::env::temp_dir().join(format!("kyso-select-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for f in files {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, f).unwrap();
        }
        Tmp(d)
    }

    fn names(base: &Path, v: &[PathBuf]) -> Vec<String> {
        v.iter()
            .map(|p| p.strip_prefix(base).unwrap().display().to_string())
            .collect()
    }

    const FILES: &[&str] = &[
        "b.txt",
        "a.pdf",
        "a.pdf.p7s",
        "c.doc.P7M",
        "old.sig",
        ".hidden.txt",
        ".git/config",
        ".a.pdf.p7s.kyso-tmp-123",
        "sub/z.txt",
        "sub/y.txt.p7s",
        "sub/deeper/x.txt",
    ];

    #[test]
    fn a_folder_gives_its_own_files_sorted_without_signatures_or_hidden_files() {
        let t = tree("flat", FILES);
        let sel = select_files_to_sign(std::slice::from_ref(&t.0), SelectOptions::new()).unwrap();
        assert_eq!(names(&t.0, &sel.files), ["a.pdf", "b.txt"]);
        let why = |n: &str| {
            sel.skipped
                .iter()
                .find(|s| s.path == t.0.join(n))
                .map(|s| s.why.clone())
        };
        assert_eq!(why("a.pdf.p7s"), Some(FileSkip::Signature));
        assert_eq!(why("c.doc.P7M"), Some(FileSkip::Signature));
        assert_eq!(why("old.sig"), Some(FileSkip::Signature));
        assert_eq!(why(".hidden.txt"), Some(FileSkip::Hidden));
        assert_eq!(why(".git"), Some(FileSkip::Hidden));
        assert_eq!(
            why(".a.pdf.p7s.kyso-tmp-123"),
            Some(FileSkip::TemporaryFile)
        );
        assert_eq!(why("sub"), Some(FileSkip::Subfolder));
        assert!(sel.envelopes.is_empty() && sel.duplicates.is_empty());
    }

    #[test]
    fn recursive_walks_subfolders_but_not_dot_folders() {
        let t = tree("rec", FILES);
        let opts = SelectOptions::new().recursive(true);
        let sel = select_files_to_sign(std::slice::from_ref(&t.0), opts).unwrap();
        assert_eq!(
            names(&t.0, &sel.files),
            ["a.pdf", "b.txt", "sub/deeper/x.txt", "sub/z.txt"]
        );
        assert!(!sel.files.iter().any(|f| f.ends_with("config")));
    }

    #[test]
    fn the_same_file_through_several_paths_is_selected_once() {
        let t = tree("dup", &["a.txt", "b.txt"]);
        let a = t.0.join("a.txt");
        let dotted = t.0.join(".").join("a.txt");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&a, t.0.join("link.txt")).unwrap();
        let inputs = [a.clone(), dotted.clone(), t.0.clone()];
        let sel = select_files_to_sign(&inputs, SelectOptions::new()).unwrap();
        assert_eq!(sel.files, [a.clone(), t.0.join("b.txt")]);
        let dropped: Vec<&PathBuf> = sel.duplicates.iter().map(|d| &d.path).collect();
        assert!(dropped.contains(&&dotted), "{dropped:?}");
        assert!(dropped.contains(&&t.0.join("a.txt")), "{dropped:?}");
        #[cfg(unix)]
        assert!(dropped.contains(&&t.0.join("link.txt")), "{dropped:?}");
        assert!(sel.duplicates.iter().all(|d| d.same_as == a));
    }

    #[test]
    fn named_envelopes_are_set_apart_and_missing_inputs_are_errors() {
        let t = tree("env", &["a.txt", "a.txt.p7s", "b.txt.p7m"]);
        let inputs = [
            t.0.join("a.txt.p7s"),
            t.0.join("a.txt"),
            t.0.join("b.txt.p7m"),
        ];
        let sel = select_files_to_sign(&inputs, SelectOptions::new()).unwrap();
        assert_eq!(sel.files, [t.0.join("a.txt")]);
        assert_eq!(
            sel.envelopes,
            [t.0.join("a.txt.p7s"), t.0.join("b.txt.p7m")]
        );
        let missing = [t.0.join("nope.txt")];
        let e = select_files_to_sign(&missing, SelectOptions::new()).unwrap_err();
        assert_eq!(e.code(), "file_not_found");
        let twice = [PathBuf::from("-"), PathBuf::from("-")];
        assert!(select_files_to_sign(&twice, SelectOptions::new()).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_to_folders_are_not_followed_and_dangling_links_are_reported() {
        let t = tree("links", &["d/a.txt"]);
        std::os::unix::fs::symlink(&t.0, t.0.join("d/loop")).unwrap();
        std::os::unix::fs::symlink(t.0.join("gone"), t.0.join("d/dangling.txt")).unwrap();
        let opts = SelectOptions::new().recursive(true);
        let sel = select_files_to_sign(&[t.0.join("d")], opts).unwrap();
        assert_eq!(sel.files, [t.0.join("d/a.txt")]);
        let why = |n: &str| {
            sel.skipped
                .iter()
                .find(|s| s.path == t.0.join(n))
                .map(|s| s.why.code())
        };
        assert_eq!(why("d/loop"), Some("link_to_folder"));
        assert_eq!(why("d/dangling.txt"), Some("unreadable"));
    }
}
