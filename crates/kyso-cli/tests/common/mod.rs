//! Shared set-up of the CLI tests: run `kyso` with a fixed locale and time zone (every JSON it
//! prints is checked against the report schema), scratch directories, golden files.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::report_schema;

pub const AT: &str = "2026-06-01T00:00:00Z";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn kyso(dir: &Path, args: &[&str]) -> Output {
    kyso_env(dir, args, &[])
}

pub fn kyso_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
    c.args(args)
        .current_dir(dir)
        .env_remove("KYSO_TRUST")
        .env("LANG", "C")
        // Text output shows local times; the goldens are read in Vietnam's zone (+07:00).
        .env("TZ", "Asia/Ho_Chi_Minh")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("kyso runs");
    report_schema::check_output(args, &out);
    out
}

pub fn samples() -> PathBuf {
    root().join("testdata/samples")
}

/// A scratch directory removed when the test ends (pass or fail).
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

pub fn tmpdir(name: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("kyso-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    TempDir(d)
}

pub fn pki(f: &str) -> String {
    root().join("testdata/pki").join(f).display().to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Compare stdout and the exit code with `testdata/golden/<name>.txt`.
pub fn golden(name: &str, out: &Output) {
    let got = format!(
        "exit: {}\n--- stdout\n{}",
        out.status.code().unwrap_or(-1),
        stdout(out)
    );
    let path = root().join("testdata/golden").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden file {}", path.display()));
    assert_eq!(
        got,
        want,
        "output differs from {}; stderr: {}",
        path.display(),
        stderr(out)
    );
}

/// Run a Python 3 script in `dir` (the real `zipfile`, `hashlib`, `xml` modules as peers); its
/// stdout, or a panic with its stderr.
pub fn python(dir: &Path, script: &str) -> String {
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Write the entry `entry` of the ZIP `container` (in `dir`) to `out`, read by Python's
/// `zipfile`.
pub fn unzip_entry(dir: &Path, container: &str, entry: &str, out: &str) {
    python(
        dir,
        &format!(
            "import zipfile;open({out:?},'wb').write(zipfile.ZipFile({container:?}).read({entry:?}))"
        ),
    );
}
