//! A real SoftHSM2 token for the PKCS#11 tests (shared by `kyso/tests/token.rs` and
//! `kyso-cli/tests/token.rs`).
//!
//! Each fixture is a temporary directory with its own `softhsm2.conf` (`directories.tokendir`)
//! holding two tokens made with `softhsm2-util --init-token` and filled from `testdata/pki`:
//!
//! | token | objects (CKA_ID, label) |
//! |---|---|
//! | `Kyso Test Token` | keys and certificates `01` signer-rsa, `02` signer-ec, `03` org-rsa, `04` signer-p384 (private key object only, no public key object: kyso must prove the key/certificate match with a test signature); `05` "always-auth" (org-rsa's key with CKA_ALWAYS_AUTHENTICATE, no certificate); CA certificates `a1` sub-rsa, `a2` sub-ec |
//! | `Kyso Wrong PIN`  | key and certificate `01` signer-rsa (for wrong-PIN tests, so the main token's PIN state is never disturbed) |
//!
//! Keys are imported with `softhsm2-util --import` (PKCS#8; it also creates the public key
//! object), except signer-p384 (`pkcs11-tool --write-object --type privkey`, private key
//! only); certificates with `pkcs11-tool --write-object --type cert` (OpenSC). SoftHSM2 and
//! OpenSC are installed by `scripts/test.sh`; when they are missing these tests FAIL (never
//! skip), saying how to install them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const PIN: &str = "123456";
pub const SO_PIN: &str = "12345678";
pub const TOKEN: &str = "Kyso Test Token";
pub const WRONG_PIN_TOKEN: &str = "Kyso Wrong PIN";
/// Pinned validation time of the test PKI (testdata/README.md).
pub const AT: &str = "2026-06-01T00:00:00Z";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn pki(name: &str) -> PathBuf {
    root().join("testdata/pki").join(name)
}

const MODULES: [&str; 2] = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
];

/// The SoftHSM2 PKCS#11 module; panics (fails the test) when SoftHSM2 is not installed.
pub fn module() -> PathBuf {
    MODULES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "SoftHSM2 is not installed (no {}): run scripts/test.sh, which installs softhsm2 and opensc, or `apt-get install softhsm2 opensc`. The PKCS#11 tests never skip.",
                MODULES.join(" or ")
            )
        })
}

/// OpenSC's PKCS#11 spy module: logs every call to the real module (used to count C_Login).
pub fn spy_module() -> PathBuf {
    [
        "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so",
        "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
    .unwrap_or_else(|| {
        panic!("OpenSC's pkcs11-spy.so is not installed: run scripts/test.sh (it installs opensc)")
    })
}

fn run(conf: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .env("SOFTHSM2_CONF", conf)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {program} ({e}): run scripts/test.sh, which installs softhsm2 and opensc. The PKCS#11 tests never skip."
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A SoftHSM2 configuration and token directory of its own.
pub struct SoftHsm {
    pub dir: PathBuf,
    pub conf: PathBuf,
    pub module: PathBuf,
}

impl SoftHsm {
    /// Create the tokens described in the module documentation under a fresh temporary dir.
    pub fn create(name: &str) -> SoftHsm {
        let module = module();
        remove_stale_fixtures();
        let dir = std::env::temp_dir().join(format!("kyso-softhsm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tokens")).unwrap();
        let conf = dir.join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                dir.join("tokens").display()
            ),
        )
        .unwrap();
        let hsm = SoftHsm { dir, conf, module };
        hsm.init_token(TOKEN);
        for (name, id) in [("signer-rsa", "01"), ("signer-ec", "02"), ("org-rsa", "03")] {
            hsm.import_key(TOKEN, name, id);
            hsm.import_cert(TOKEN, name, id, name);
        }
        hsm.import_private_key_only(TOKEN, "signer-p384", "04", "signer-p384", false);
        hsm.import_cert(TOKEN, "signer-p384", "04", "signer-p384");
        hsm.import_private_key_only(TOKEN, "org-rsa", "05", "always-auth", true);
        hsm.import_cert(TOKEN, "sub-rsa", "a1", "Kyso Test Sub CA RSA");
        hsm.import_cert(TOKEN, "sub-ec", "a2", "Kyso Test Sub CA EC");
        hsm.init_token(WRONG_PIN_TOKEN);
        hsm.import_key(WRONG_PIN_TOKEN, "signer-rsa", "01");
        hsm.import_cert(WRONG_PIN_TOKEN, "signer-rsa", "01", "signer-rsa");
        hsm
    }

    fn init_token(&self, label: &str) {
        run(
            &self.conf,
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
        );
    }

    fn import_key(&self, token: &str, name: &str, id: &str) {
        self.import_key_file(token, &pki(&format!("{name}.key")), name, id);
    }

    /// Import a PKCS#8 PEM private key (and its public key object) as `label` with CKA_ID `id`.
    pub fn import_key_file(&self, token: &str, key: &Path, label: &str, id: &str) {
        run(
            &self.conf,
            "softhsm2-util",
            &[
                "--import",
                key.to_str().unwrap(),
                "--token",
                token,
                "--label",
                label,
                "--id",
                id,
                "--pin",
                PIN,
            ],
        );
    }

    fn import_private_key_only(
        &self,
        token: &str,
        name: &str,
        id: &str,
        label: &str,
        always_auth: bool,
    ) {
        let der = self.dir.join(format!("{name}.key.der"));
        let out = Command::new("openssl")
            .args(["pkey", "-in"])
            .arg(pki(&format!("{name}.key")))
            .args(["-outform", "DER", "-out"])
            .arg(&der)
            .output()
            .expect("openssl runs");
        assert!(out.status.success(), "openssl pkey failed for {name}");
        run(
            &self.conf,
            "pkcs11-tool",
            &[
                "--module",
                self.module.to_str().unwrap(),
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
                "--write-object",
                der.to_str().unwrap(),
                "--type",
                "privkey",
                "--id",
                id,
                "--label",
                label,
            ]
            .into_iter()
            .chain(always_auth.then_some("--always-auth"))
            .collect::<Vec<_>>(),
        );
    }

    fn import_cert(&self, token: &str, name: &str, id: &str, label: &str) {
        self.import_cert_file(token, &pki(&format!("{name}.pem")), id, label);
    }

    /// Import a PEM certificate as `label` with CKA_ID `id`.
    pub fn import_cert_file(&self, token: &str, pem: &Path, id: &str, label: &str) {
        let der = self.dir.join(format!("{label}-{id}.der"));
        let out = Command::new("openssl")
            .args(["x509", "-in"])
            .arg(pem)
            .args(["-outform", "DER", "-out"])
            .arg(&der)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl x509 failed for {}",
            pem.display()
        );
        run(
            &self.conf,
            "pkcs11-tool",
            &[
                "--module",
                self.module.to_str().unwrap(),
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
                "--write-object",
                der.to_str().unwrap(),
                "--type",
                "cert",
                "--id",
                id,
                "--label",
                label,
            ],
        );
    }

    /// A file holding the PIN (for `--pin file:`).
    pub fn pin_file(&self, pin: &str) -> PathBuf {
        let p = self.dir.join(format!("pin-{pin}"));
        std::fs::write(&p, format!("{pin}\n")).unwrap();
        p
    }
}

/// The library tests' fixture lives in a static and is never dropped: remove the fixtures of
/// test processes that have ended (their pid is the directory name's suffix).
fn remove_stale_fixtures() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("kyso-softhsm-") else {
            continue;
        };
        let Some(pid) = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for SoftHsm {
    /// Remove the token directory, except after a failure (kept for inspection).
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("SoftHSM2 fixture kept in {}", self.dir.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `openssl cms -verify` of a kyso signature against the test trust anchors; panics with
/// openssl's output when it does not verify.
pub fn openssl_verify(sig: &Path, content: Option<&Path>) {
    openssl_verify_with(sig, content, &pki("trust.pem"))
}

/// The same against the anchors in `ca_file`.
pub fn openssl_verify_with(sig: &Path, content: Option<&Path>, ca_file: &Path) {
    let mut c = Command::new("openssl");
    c.args([
        "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any", "-in",
    ])
    .arg(sig)
    .arg("-CAfile")
    .arg(ca_file)
    .args(["-out", "/dev/null"]);
    if let Some(content) = content {
        c.arg("-content").arg(content);
    }
    let out = c.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl cms -verify failed for {}:\n{}",
        sig.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
