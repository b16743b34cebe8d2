//! Shared by the kyso-ffi tests: the built C library, and a test PKI written to a temporary
//! folder with the configuration strings the examples take.
#![allow(dead_code)] // each test binary uses a different subset

use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kyso_testkit::{CertSpec, Pki, TempDir};

/// The folder holding libkyso_ffi.so and libkyso_ffi.a of this build: cargo builds every
/// crate type of the library for the tests, into the deps folder beside the test binary
/// (target/<profile>/deps), and `cargo build` uplifts them one level up. CARGO_TARGET_DIR
/// moves target/ elsewhere; the test binary's own path follows it.
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the deps folder").to_path_buf();
    let mut candidates = vec![deps.clone()];
    if let Some(profile) = deps.parent() {
        candidates.push(profile.to_path_buf());
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(t).join("debug/deps"));
    }
    candidates
        .into_iter()
        .find(|d| d.join("libkyso_ffi.so").is_file())
        .unwrap_or_else(|| {
            panic!(
                "libkyso_ffi.so is not beside the test binary ({}); build with `cargo test -p kyso-ffi`",
                deps.display()
            )
        })
}

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn repo_root() -> PathBuf {
    crate_dir().join("../..")
}

/// A JSON string literal of a path.
fn js(p: &Path) -> String {
    serde_json::to_string(&p.display().to_string()).unwrap()
}

/// The test PKI in a temporary folder: root.pem (the anchor), signer.key and signer.pem
/// (with the sub CA after the leaf), a second signer for co-signing, a PKCS#12 of the
/// signer, a document and a tampered copy, and a PDF.
pub struct Fixture {
    pub dir: TempDir,
    pub pki: Pki,
}

pub const P12_PASSWORD: &str = "mật khẩu 1";

impl Fixture {
    pub fn new(tag: &str) -> Fixture {
        let dir = TempDir::new(&format!("ffi-{tag}"));
        let pki = Pki::new();
        pki.root.write(dir.path(), "root");
        for (name, cn) in [("signer", "Nguyễn Văn A"), ("second", "Trần Thị B")] {
            let leaf = pki.leaf(CertSpec::ee(cn));
            let mut pem = leaf.cert_pem();
            pem.extend(pki.sub.cert_pem());
            std::fs::write(dir.join(&format!("{name}.pem")), pem).unwrap();
            std::fs::write(dir.join(&format!("{name}.key")), leaf.key_pem()).unwrap();
            if name == "signer" {
                let mut chain = openssl::stack::Stack::new().unwrap();
                chain.push(pki.sub.cert.clone()).unwrap();
                let p12 = openssl::pkcs12::Pkcs12::builder()
                    .name("signer")
                    .pkey(&leaf.key)
                    .cert(&leaf.cert)
                    .ca(chain)
                    .build2(P12_PASSWORD)
                    .unwrap();
                std::fs::write(dir.join("signer.p12"), p12.to_der().unwrap()).unwrap();
            }
        }
        std::fs::write(
            dir.join("cv.txt"),
            "Công văn số 15/UBND-VP: kính gửi các sở, ban, ngành.\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("cv-tampered.txt"),
            "Công văn số 16/UBND-VP: kính gửi các sở, ban, ngành.\n",
        )
        .unwrap();
        std::fs::copy(
            repo_root().join("testdata/pdf/minimal.pdf"),
            dir.join("qd.pdf"),
        )
        .unwrap();
        Fixture { dir, pki }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The verifier configuration: the test root as the only anchor, offline.
    pub fn verifier_json(&self) -> String {
        format!(
            "{{\"trust\": [{}], \"offline\": true}}",
            js(&self.path("root.pem"))
        )
    }

    /// The signer configuration for key file `name`.key and certificate `name`.pem.
    pub fn signer_json(&self, name: &str) -> String {
        format!(
            "{{\"key\": {}, \"cert\": {}}}",
            js(&self.path(&format!("{name}.key"))),
            js(&self.path(&format!("{name}.pem")))
        )
    }

    /// The signer configuration for the PKCS#12 file.
    pub fn p12_json(&self, password: &str) -> String {
        format!(
            "{{\"p12\": {}, \"password\": {}}}",
            js(&self.path("signer.p12")),
            serde_json::to_string(password).unwrap()
        )
    }
}

/// Run a command; panics with its output unless it succeeds.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The C ABI called from Rust, through the rlib: the same extern "C" functions a C program
/// links to.
pub mod abi {
    use super::*;

    pub fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    /// (status, message, library code) of the last call on this thread.
    pub fn last_error() -> (i32, String, String) {
        // SAFETY: kyso returns NUL-terminated strings valid until the next call.
        unsafe {
            (
                kyso_ffi::kyso_last_error_code(),
                CStr::from_ptr(kyso_ffi::kyso_last_error_message())
                    .to_string_lossy()
                    .into_owned(),
                CStr::from_ptr(kyso_ffi::kyso_last_error_library_code())
                    .to_string_lossy()
                    .into_owned(),
            )
        }
    }

    pub struct Verifier(pub *mut kyso_ffi::KysoVerifier);
    // SAFETY: the handle is Send + Sync (asserted in the crate); the wrapper only carries it.
    unsafe impl Send for Verifier {}
    // SAFETY: as above.
    unsafe impl Sync for Verifier {}

    impl Verifier {
        pub fn new(config: &str) -> Result<Verifier, (i32, String, String)> {
            let mut h = std::ptr::null_mut();
            let cfg = c(config);
            // SAFETY: a valid C string and a writable out pointer.
            let rc = unsafe { kyso_ffi::kyso_verifier_new(cfg.as_ptr(), &mut h) };
            if rc != 0 {
                assert!(h.is_null(), "a failed kyso_verifier_new leaves *out NULL");
                return Err(last_error());
            }
            Ok(Verifier(h))
        }

        /// The report as JSON.
        pub fn verify(&self, sig: &[u8], content: Option<&[u8]>) -> serde_json::Value {
            let mut out = std::ptr::null_mut();
            let (p, n) = content.map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
            // SAFETY: live handle, slices valid for their lengths, writable out pointer.
            let rc =
                unsafe { kyso_ffi::kyso_verify(self.0, sig.as_ptr(), sig.len(), p, n, &mut out) };
            assert_eq!(rc, 0, "kyso_verify: {:?}", last_error());
            // SAFETY: kyso returned a NUL-terminated string; freed once below.
            let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
            // SAFETY: the string kyso returned, freed once.
            unsafe { kyso_ffi::kyso_string_free(out) };
            serde_json::from_str(&text).expect("the report is JSON")
        }
    }

    impl Drop for Verifier {
        fn drop(&mut self) {
            // SAFETY: the handle from kyso_verifier_new, freed once.
            unsafe { kyso_ffi::kyso_verifier_free(self.0) }
        }
    }

    pub struct Signer(pub *mut kyso_ffi::KysoSigner);
    // SAFETY: the handle is Send + Sync (asserted in the crate); the wrapper only carries it.
    unsafe impl Send for Signer {}
    // SAFETY: as above.
    unsafe impl Sync for Signer {}

    pub type Bytes = Result<Vec<u8>, (i32, String, String)>;

    /// Take bytes kyso returned, freeing them.
    fn take(rc: i32, p: *mut u8, n: usize) -> Bytes {
        if rc != 0 {
            assert!(p.is_null() && n == 0, "a failed call returns no bytes");
            return Err(last_error());
        }
        // SAFETY: kyso returned n bytes at p.
        let v = unsafe { std::slice::from_raw_parts(p, n) }.to_vec();
        // SAFETY: the pointer and length kyso returned, freed once.
        unsafe { kyso_ffi::kyso_bytes_free(p, n) };
        Ok(v)
    }

    impl Signer {
        pub fn new(config: &str) -> Result<Signer, (i32, String, String)> {
            let mut h = std::ptr::null_mut();
            let cfg = c(config);
            // SAFETY: a valid C string and a writable out pointer.
            let rc = unsafe { kyso_ffi::kyso_signer_new(cfg.as_ptr(), &mut h) };
            if rc != 0 {
                assert!(h.is_null(), "a failed kyso_signer_new leaves *out NULL");
                return Err(last_error());
            }
            Ok(Signer(h))
        }

        pub fn detached(&self, content: &[u8]) -> Bytes {
            let (mut p, mut n) = (std::ptr::null_mut(), 0);
            // SAFETY: live handle, slice valid for its length, writable outs.
            let rc = unsafe {
                kyso_ffi::kyso_sign_detached(
                    self.0,
                    content.as_ptr(),
                    content.len(),
                    &mut p,
                    &mut n,
                )
            };
            take(rc, p, n)
        }

        pub fn attached(&self, content: &[u8]) -> Bytes {
            let (mut p, mut n) = (std::ptr::null_mut(), 0);
            // SAFETY: as above.
            let rc = unsafe {
                kyso_ffi::kyso_sign_attached(
                    self.0,
                    content.as_ptr(),
                    content.len(),
                    &mut p,
                    &mut n,
                )
            };
            take(rc, p, n)
        }

        pub fn pdf(&self, pdf: &[u8], options: Option<&str>) -> Bytes {
            let (mut p, mut n) = (std::ptr::null_mut(), 0);
            let o = options.map(c);
            let op = o.as_ref().map_or(std::ptr::null(), |o| o.as_ptr());
            // SAFETY: as above; options NULL or a C string.
            let rc = unsafe {
                kyso_ffi::kyso_sign_pdf(self.0, pdf.as_ptr(), pdf.len(), op, &mut p, &mut n)
            };
            take(rc, p, n)
        }

        pub fn cosign(&self, existing: &[u8], content: Option<&[u8]>) -> Bytes {
            let (mut p, mut n) = (std::ptr::null_mut(), 0);
            let (cp, cn) = content.map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
            // SAFETY: as above.
            let rc = unsafe {
                kyso_ffi::kyso_cosign(
                    self.0,
                    existing.as_ptr(),
                    existing.len(),
                    cp,
                    cn,
                    &mut p,
                    &mut n,
                )
            };
            take(rc, p, n)
        }
    }

    impl Drop for Signer {
        fn drop(&mut self) {
            // SAFETY: the handle from kyso_signer_new, freed once.
            unsafe { kyso_ffi::kyso_signer_free(self.0) }
        }
    }

    /// documents[0].indication of a report.
    pub fn indication(report: &serde_json::Value) -> &str {
        report["documents"][0]["indication"]
            .as_str()
            .unwrap_or_else(|| panic!("no indication in {report:#}"))
    }
}
