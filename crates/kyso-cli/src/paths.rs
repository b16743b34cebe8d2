//! File names as people type them: a Vietnamese name can be stored precomposed (NFC, what
//! keyboards type) or decomposed (NFD, what macOS and some archivers and mail clients write).
//! When the exact name does not exist, each missing component is looked up in its directory
//! by comparing names in NFC, so `Hồ sơ.pdf` opens whichever form is on disk.

use std::path::{Component, Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

/// `p` when it exists (or is `-`); else the existing path whose components equal `p`'s in
/// NFC; else `p` unchanged (so that the error names what the user typed).
pub fn resolve(p: &Path) -> PathBuf {
    if p.as_os_str() == "-" || p.symlink_metadata().is_ok() {
        return p.to_path_buf();
    }
    let mut out = PathBuf::new();
    for comp in p.components() {
        let next = out.join(comp);
        let Component::Normal(name) = comp else {
            out = next;
            continue;
        };
        if next.symlink_metadata().is_ok() {
            out = next;
            continue;
        }
        let Some(want) = name.to_str().map(|n| n.nfc().collect::<String>()) else {
            return p.to_path_buf();
        };
        let dir = if out.as_os_str().is_empty() {
            Path::new(".")
        } else {
            out.as_path()
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return p.to_path_buf();
        };
        let found = entries.filter_map(Result::ok).find(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.nfc().eq(want.chars()))
        });
        match found {
            Some(e) => out.push(e.file_name()),
            None => return p.to_path_buf(),
        }
    }
    out
}

/// `p` ends in `.ext`, in any letter case.
pub fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension().is_some_and(|x| x.eq_ignore_ascii_case(ext))
}

/// clap value parser for input paths: see [`resolve`].
pub fn input(s: &str) -> Result<PathBuf, String> {
    Ok(resolve(Path::new(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_and_nfd_names_find_the_same_file() {
        let dir = std::env::temp_dir().join(format!("kyso-nfc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let nfd: String = "Hồ sơ".nfd().collect();
        let nfc: String = "Hồ sơ".nfc().collect();
        assert_ne!(nfd, nfc);
        std::fs::create_dir_all(dir.join(&nfd)).unwrap();
        std::fs::write(dir.join(&nfd).join(format!("{nfd}.pdf")), b"x").unwrap();
        std::fs::write(dir.join(format!("{nfc}.txt")), b"y").unwrap();
        // NFC typed, NFD stored (directory and file).
        let typed = dir.join(&nfc).join(format!("{nfc}.pdf"));
        let got = resolve(&typed);
        assert_eq!(std::fs::read(&got).unwrap(), b"x");
        assert_eq!(got, dir.join(&nfd).join(format!("{nfd}.pdf")));
        // NFD typed, NFC stored.
        let got = resolve(&dir.join(format!("{nfd}.txt")));
        assert_eq!(std::fs::read(got).unwrap(), b"y");
        // The exact name wins; a name that exists in no form is left as typed.
        let exact = dir.join(format!("{nfc}.txt"));
        assert_eq!(resolve(&exact), exact);
        let missing = dir.join("khong-co.pdf");
        assert_eq!(resolve(&missing), missing);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
