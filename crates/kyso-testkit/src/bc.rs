//! A real Bouncy Castle CMS peer: `java/BcCms.java` (Debian's libbcpkix-java,
//! libbcprov-java, libbcutil-java, and `javac` from default-jdk-headless), compiled once
//! per test process and run once per call.
//!
//! It signs CAdES B-B (SHA-256 with RSA or ECDSA, BC's default signed attributes plus ESS
//! signing-certificate-v2, certificates embedded, DER) and verifies every SignerInfo of a
//! SignedData against its embedded certificate. It makes no trust decision.
//!
//! Nothing is skipped: when java, javac or a jar is missing the first use panics naming the
//! Debian package (scripts/test.sh installs them).

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::TempDir;

/// The Java source, next to this crate's sources.
const SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/java/BcCms.java");

/// Where Debian's packages put the jars, with the package that installs each.
const JARS: [(&str, &str); 3] = [
    ("/usr/share/java/bcprov.jar", "libbcprov-java"),
    ("/usr/share/java/bcutil.jar", "libbcutil-java"),
    ("/usr/share/java/bcpkix.jar", "libbcpkix-java"),
];

/// The compiled peer; see the module documentation.
pub struct BcPeer {
    /// Holds `BcCms.class`; lives as long as the process (a `static`, never dropped).
    classes: TempDir,
    classpath: String,
}

impl BcPeer {
    /// The peer, compiling `BcCms.java` on first use. Panics, naming the package to
    /// install, when java, javac or a Bouncy Castle jar is missing, or when javac fails.
    pub fn get() -> &'static BcPeer {
        static PEER: OnceLock<BcPeer> = OnceLock::new();
        PEER.get_or_init(BcPeer::compile)
    }

    fn compile() -> BcPeer {
        for (tool, pkg) in [
            ("java", "default-jre-headless"),
            ("javac", "default-jdk-headless"),
        ] {
            if Command::new(tool).arg("-version").output().is_err() {
                panic!("bc peer: `{tool}` not found; install {pkg} (scripts/test.sh does)");
            }
        }
        for (jar, pkg) in JARS {
            assert!(
                Path::new(jar).is_file(),
                "bc peer: {jar} missing; install {pkg} (scripts/test.sh does)"
            );
        }
        let classpath = JARS.map(|(j, _)| j).join(":");
        let classes = TempDir::new("bc-classes");
        let out = Command::new("javac")
            .args(["-nowarn", "-encoding", "UTF-8", "-cp", &classpath, "-d"])
            .arg(classes.path())
            .arg(SOURCE)
            .output()
            .expect("javac runs");
        assert!(
            out.status.success(),
            "bc peer: javac {SOURCE} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let classpath = format!("{classpath}:{}", classes.path().display());
        BcPeer { classes, classpath }
    }

    /// The directory with the compiled class.
    pub fn classes(&self) -> &Path {
        self.classes.path()
    }

    fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Output {
        // One short run each: the C1 compiler only and the serial collector start the JVM
        // faster than the defaults (measured ~1.0 s a call on the 2-core test machine).
        Command::new("java")
            .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"])
            .args(["-cp", &self.classpath, "BcCms"])
            .args(args)
            .output()
            .expect("java runs")
    }

    fn sign(
        &self,
        key_pem: &[u8],
        cert_pem: &[u8],
        chain_pem: &[u8],
        content: &[u8],
        attached: bool,
    ) -> Vec<u8> {
        let d = TempDir::new("bc-sign");
        let write = |name: &str, bytes: &[u8]| -> OsString {
            let p = d.join(name);
            std::fs::write(&p, bytes).expect("write BcCms input");
            p.into_os_string()
        };
        let out_path = d.join("sig.p7s");
        let mut args: Vec<OsString> = vec![
            "sign".into(),
            "--key".into(),
            write("key.pem", key_pem),
            "--cert".into(),
            write("cert.pem", cert_pem),
            "--in".into(),
            write("content", content),
            "--out".into(),
            out_path.clone().into_os_string(),
        ];
        if !chain_pem.is_empty() {
            args.extend(["--chain".into(), write("chain.pem", chain_pem)]);
        }
        if attached {
            args.push("--attached".into());
        }
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "BcCms sign failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(&out_path).expect("BcCms wrote the signature")
    }

    /// A detached CAdES B-B signature over `content` (`chain_pem` may be empty: then only
    /// the signer's certificate is embedded).
    pub fn sign_detached(
        &self,
        key_pem: &[u8],
        cert_pem: &[u8],
        chain_pem: &[u8],
        content: &[u8],
    ) -> Vec<u8> {
        self.sign(key_pem, cert_pem, chain_pem, content, false)
    }

    /// An attached (content inside) CAdES B-B signature.
    pub fn sign_attached(
        &self,
        key_pem: &[u8],
        cert_pem: &[u8],
        chain_pem: &[u8],
        content: &[u8],
    ) -> Vec<u8> {
        self.sign(key_pem, cert_pem, chain_pem, content, true)
    }

    /// Verify every SignerInfo of `sig` (detached over `content` when given). `Ok(stdout)`
    /// when there is a signer and all verify; else `Err(stdout + stderr)`.
    pub fn verify(&self, sig: &[u8], content: Option<&[u8]>) -> Result<String, String> {
        let d = TempDir::new("bc-verify");
        let sig_path = d.join("sig.p7s");
        std::fs::write(&sig_path, sig).expect("write signature");
        let content_path = d.join("content");
        let out = match content {
            Some(c) => {
                std::fs::write(&content_path, c).expect("write content");
                self.run(&[
                    OsStr::new("verify"),
                    OsStr::new("--in"),
                    sig_path.as_os_str(),
                    OsStr::new("--content"),
                    content_path.as_os_str(),
                ])
            }
            None => self.run(&[
                OsStr::new("verify"),
                OsStr::new("--in"),
                sig_path.as_os_str(),
            ]),
        };
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(stdout)
        } else {
            Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)))
        }
    }
}
