//! Named trust lists: the Vietnamese trust anchors shipped with kyso (`vn-gov`, `vn-public`,
//! `vn`), each certificate pinned by the SHA-256 of its DER, with the known intermediate CAs as
//! path-building helpers (never anchors); and lists an administrator installs later from a
//! file (`kyso trust update`), which replace a shipped list of the same name when newer.
//!
//! The report names the list (and so the PKI) whose anchor a signer's validated path ends at:
//! "chữ ký số chuyên dùng công vụ" (the Government Cipher Committee's hierarchy) or "chữ ký
//! số công cộng" (the licensed public CAs under the Vietnam National Root CA). It is decided by
//! the path, never by names.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cms::envelope::{SigSource, SourceError};
use crate::encoding::ber::ContentSink;
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::report::{Indication, TrustListMatch, TrustPki};
use crate::verifier::Verifier;
use crate::x509::cert::Certificate;

/// Where a list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TrustListSource {
    /// Shipped inside kyso.
    Builtin,
    /// Installed into the trust store (the file).
    Installed(PathBuf),
}

/// A named set of trust anchors and helper intermediates.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TrustList {
    /// Its name (`vn-gov`).
    pub name: String,
    /// Its version: a date, `YYYY-MM-DD`; a newer one replaces an older one.
    pub version: String,
    /// The PKI its anchors head.
    pub pki: TrustPki,
    /// One line saying what it is.
    pub description: String,
    /// The trust anchors.
    pub anchors: Vec<Certificate>,
    /// Intermediate CAs for building paths: never anchors.
    pub intermediates: Vec<Certificate>,
    /// SHA-256 fingerprints (hex) of the certificates that may sign this list's successor
    /// (`kyso trust update` of a signed bundle); empty: updates need a person's confirmation.
    pub publishers: Vec<String>,
    /// Shipped or installed.
    pub source: TrustListSource,
}

/// The shipped list whose anchor has this SHA-256, with its PKI.
pub(crate) fn list_of_builtin_anchor(sha256: &str) -> Option<(String, TrustPki)> {
    if sha256 == VGCA_ROOT_G2.sha256 {
        return Some(("vn-gov".into(), TrustPki::Government));
    }
    (sha256 == VN_NATIONAL_ROOT.sha256).then(|| ("vn-public".into(), TrustPki::Public))
}

/// A certificate shipped with its pin.
struct Pinned {
    der: &'static [u8],
    sha256: &'static str,
}

macro_rules! pinned {
    ($file:literal, $sha:literal) => {
        Pinned {
            der: include_bytes!(concat!("../trust/", $file)),
            sha256: $sha,
        }
    };
}

const VGCA_ROOT_G2: Pinned = pinned!(
    "vgca-rootca-g2.der",
    "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8"
);
const VGCA_STATE_AGENCIES_G2: Pinned = pinned!(
    "vgca-ca-co-quan-nha-nuoc-g2.der",
    "d8cab7a4aef92e6bb2509d7c61cee7b44f3731b2d21074963530277b366fae4b"
);
const VN_NATIONAL_ROOT: Pinned = pinned!(
    "vietnam-national-root-ca.der",
    "bac8bf609ab420a8ee1780d74f4de5c7f7184959d2a7375b0a75e4c29f0908e7"
);
const PUBLIC_CAS: [Pinned; 4] = [
    pinned!(
        "vnpt-ca-sha2-2024.der",
        "7d6ba5245317f9ed5d8bc765a4634d26ac6340d36b9f584df3b52d9c4a81a306"
    ),
    pinned!(
        "vnpt-smartca-rs-2021.der",
        "95cf8f36c986e0c0f7e03761b17d7804072cb644b235a8f1c62107f8804a4889"
    ),
    pinned!(
        "viettel-ca-rs-2022.der",
        "860bcbe22fdc6757fe03b4597f7c61ca7f36e13ceb74a78cbefc9c5b267b8662"
    ),
    pinned!(
        "fastca-sha256-2020.der",
        "bce53bfc017dc917ccac7f314bcddf257c53ec8ffc0165f33a80558deded01f1"
    ),
];
/// The shipped lists' version.
const BUILTIN_VERSION: &str = "2026-12-02";

/// The names of the shipped lists.
pub const BUILTIN_TRUST_LISTS: [&str; 3] = ["vn-gov", "vn-public", "vn"];

/// Bounds on a list file: a list holds a few certificates.
const MAX_LIST_FILE: usize = 1 << 20;
const MAX_LIST_CERTIFICATES: usize = 256;

fn load_pinned(p: &Pinned) -> Result<Certificate, Error> {
    let got = hex::encode(Sha256::digest(p.der));
    if got != p.sha256 {
        return Err(Error::Format(format!(
            "a shipped trust anchor does not match its pin (SHA-256 {got}, pinned {}); the installation is damaged",
            p.sha256
        )));
    }
    Certificate::from_der(p.der)
}

fn load_all(list: &[&Pinned]) -> Result<Vec<Certificate>, Error> {
    list.iter().map(|p| load_pinned(p)).collect()
}

impl crate::report::ChainReport {
    /// Name the trust list of a valid path ([`crate::ChainReport::trust_list`]): the first
    /// of `lists` that holds the path's anchor ([`TrustList::naming`]).
    pub fn with_trust_lists(
        mut self,
        outcome: &crate::path::ChainOutcome,
        lists: &[TrustList],
    ) -> Self {
        self.trust_list = match (&outcome.error, outcome.path.last()) {
            (None, Some(anchor)) => lists.iter().find_map(|l| l.naming(anchor)),
            _ => None,
        };
        self
    }
}

impl TrustList {
    /// How the report names a path that ends at `anchor`, when `anchor` is one of this
    /// list's anchors: `vn` names each anchor by the shipped list it comes from (vn-gov or
    /// vn-public). Decided by the certificate, never by names.
    pub fn naming(&self, anchor: &Certificate) -> Option<TrustListMatch> {
        if !self.anchors.contains(anchor) {
            return None;
        }
        let (list, pki) = list_of_builtin_anchor(&anchor.sha256_fingerprint())
            .unwrap_or((self.name.clone(), self.pki));
        Some(TrustListMatch { list, pki })
    }

    /// A shipped list: `vn-gov`, `vn-public` or `vn` (both). `None` for another name.
    pub fn builtin(name: &str) -> Option<Result<TrustList, Error>> {
        let (pki, description, anchors, intermediates): (_, _, Vec<&Pinned>, Vec<&Pinned>) =
            match name {
                "vn-gov" => (
                    TrustPki::Government,
                    "RootCA chuyên dùng Chính phủ G2 (Ban Cơ yếu Chính phủ): chữ ký số chuyên dùng công vụ",
                    vec![&VGCA_ROOT_G2],
                    vec![&VGCA_STATE_AGENCIES_G2],
                ),
                "vn-public" => (
                    TrustPki::Public,
                    "Vietnam National Root CA (Bộ Thông tin và Truyền thông): chữ ký số công cộng",
                    vec![&VN_NATIONAL_ROOT],
                    PUBLIC_CAS.iter().collect(),
                ),
                "vn" => {
                    let parts = [Self::builtin("vn-gov")?, Self::builtin("vn-public")?];
                    return Some(Self::union("vn", parts));
                }
                _ => return None,
            };
        Some((|| {
            Ok(TrustList {
                name: name.to_string(),
                version: BUILTIN_VERSION.to_string(),
                pki,
                description: description.to_string(),
                anchors: load_all(&anchors)?,
                intermediates: load_all(&intermediates)?,
                publishers: Vec::new(),
                source: TrustListSource::Builtin,
            })
        })())
    }

    fn union(name: &str, parts: [Result<TrustList, Error>; 2]) -> Result<TrustList, Error> {
        let mut out = TrustList {
            name: name.to_string(),
            version: BUILTIN_VERSION.to_string(),
            pki: TrustPki::Other,
            description: "vn-gov and vn-public".to_string(),
            anchors: Vec::new(),
            intermediates: Vec::new(),
            publishers: Vec::new(),
            source: TrustListSource::Builtin,
        };
        for p in parts {
            let p = p?;
            out.anchors.extend(p.anchors);
            out.intermediates.extend(p.intermediates);
        }
        Ok(out)
    }

    /// A list from its file (the TOML `kyso trust export` writes; README "Vietnamese trust
    /// lists"): every certificate's SHA-256 must equal its `sha256` pin, an anchor must be a
    /// CA certificate, the version a date.
    pub fn from_toml(text: &str) -> Result<TrustList, Error> {
        let bad = |what: String| Error::Format(format!("not a kyso trust list: {what}"));
        if text.len() > MAX_LIST_FILE {
            return Err(bad(format!("more than {MAX_LIST_FILE} bytes")));
        }
        let doc: ListDoc = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if doc.name.is_empty()
            || doc.name.len() > 64
            || !doc
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(bad(format!(
                "the name '{}' must be 1 to 64 lower-case letters, digits and '-'",
                doc.name
            )));
        }
        if Timestamp::parse_rfc3339(&format!("{}T00:00:00Z", doc.version)).is_err() {
            return Err(bad(format!(
                "the version '{}' is not a date (YYYY-MM-DD)",
                doc.version
            )));
        }
        if doc.anchors.is_empty() {
            return Err(bad("it has no anchor".into()));
        }
        if doc.anchors.len() + doc.intermediates.len() > MAX_LIST_CERTIFICATES {
            return Err(bad(format!(
                "more than {MAX_LIST_CERTIFICATES} certificates"
            )));
        }
        let load = |e: &CertDoc| -> Result<Certificate, Error> {
            let der = crate::encoding::pem::blocks(e.pem.as_bytes())
                .ok_or_else(|| bad("a certificate is not PEM".into()))??
                .into_iter()
                .find(|(label, _)| label == "CERTIFICATE")
                .map(|(_, d)| d)
                .ok_or_else(|| bad("a pem entry holds no CERTIFICATE block".into()))?;
            let got = hex::encode(Sha256::digest(&der));
            if !got.eq_ignore_ascii_case(e.sha256.trim()) {
                return Err(bad(format!(
                    "a certificate's SHA-256 is {got}, but the list pins {}",
                    e.sha256
                )));
            }
            Certificate::from_der(&der)
        };
        let anchors = doc
            .anchors
            .iter()
            .map(load)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(a) = anchors.iter().find(|a| !a.is_ca()) {
            return Err(bad(format!(
                "the anchor {} is not a CA certificate",
                a.subject()
            )));
        }
        let intermediates = doc
            .intermediates
            .iter()
            .map(load)
            .collect::<Result<Vec<_>, _>>()?;
        for p in &doc.publishers {
            if p.len() != 64 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad(format!("publisher '{p}' is not a SHA-256 fingerprint")));
            }
        }
        Ok(TrustList {
            name: doc.name,
            version: doc.version,
            pki: doc.pki,
            description: doc.description,
            anchors,
            intermediates,
            publishers: doc.publishers.iter().map(|p| p.to_lowercase()).collect(),
            source: TrustListSource::Builtin,
        })
    }

    /// The list as a file [`TrustList::from_toml`] reads back.
    pub fn to_toml(&self) -> String {
        let mut doc = ListDoc {
            name: self.name.clone(),
            version: self.version.clone(),
            pki: self.pki,
            description: self.description.clone(),
            publishers: self.publishers.clone(),
            anchors: Vec::new(),
            intermediates: Vec::new(),
        };
        let entry = |c: &Certificate| CertDoc {
            sha256: c.sha256_fingerprint(),
            subject: c.subject(),
            pem: crate::encoding::pem::encode("CERTIFICATE", c.der()),
        };
        doc.anchors = self.anchors.iter().map(entry).collect();
        doc.intermediates = self.intermediates.iter().map(entry).collect();
        toml::to_string(&doc).unwrap_or_default()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListDoc {
    name: String,
    version: String,
    pki: TrustPki,
    #[serde(default)]
    description: String,
    #[serde(default)]
    publishers: Vec<String>,
    anchors: Vec<CertDoc>,
    #[serde(default)]
    intermediates: Vec<CertDoc>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CertDoc {
    sha256: String,
    /// For people reading the file; not checked.
    #[serde(default)]
    subject: String,
    pem: String,
}

/// The installed lists: one `NAME.toml` per list in a folder (`$KYSO_TRUST_DIR`, else
/// `$XDG_DATA_HOME/kyso/trust`, else `~/.local/share/kyso/trust`).
#[derive(Debug, Clone)]
pub struct TrustStore {
    dir: PathBuf,
}

/// How a file offered to [`TrustStore::check_update`] is to be accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateCheck {
    /// A signed bundle (CMS with the list file inside) whose signature is TOTAL-PASSED under
    /// the current list's anchors, by one of the current list's publishers.
    Signed {
        /// The signer's SHA-256.
        signer: String,
    },
    /// A plain list file: a person compared the fingerprints and confirmed.
    Confirmed,
}

impl TrustStore {
    /// The store in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> TrustStore {
        TrustStore { dir: dir.into() }
    }

    /// The store the environment names (see [`TrustStore`]); `None` when no folder can be
    /// named (no HOME).
    pub fn from_env() -> Option<TrustStore> {
        let env = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        env("KYSO_TRUST_DIR")
            .or_else(|| env("XDG_DATA_HOME").map(|d| d.join("kyso/trust")))
            .or_else(|| env("HOME").map(|h| h.join(".local/share/kyso/trust")))
            .map(TrustStore::new)
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The installed lists, by name.
    pub fn installed(&self) -> Result<Vec<TrustList>, Error> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(Error::io(&self.dir, e)),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
            let mut list = TrustList::from_toml(&text)
                .map_err(|e| Error::Format(format!("{}: {}", p.display(), e)))?;
            list.source = TrustListSource::Installed(p);
            out.push(list);
        }
        Ok(out)
    }

    /// The list named `name` that is in force: the installed one when it is at least as
    /// new as the shipped one, else the shipped one; `vn` is `vn-gov` and `vn-public`
    /// together, each resolved so. `None` when no list has that name.
    pub fn resolve(&self, name: &str) -> Option<Result<TrustList, Error>> {
        if name == "vn" {
            let parts = [self.resolve("vn-gov")?, self.resolve("vn-public")?];
            return Some(TrustList::union("vn", parts));
        }
        let installed = match self.installed() {
            Ok(l) => l.into_iter().find(|l| l.name == name),
            Err(e) => return Some(Err(e)),
        };
        match (installed, TrustList::builtin(name)) {
            (Some(i), Some(Ok(b))) if i.version < b.version => Some(Ok(b)),
            (Some(i), _) => Some(Ok(i)),
            (None, b) => b,
        }
    }

    /// Check a file offered as a newer list: a signed bundle (CMS SignedData, attached, the
    /// list file inside) or a plain list file. Returns the list and how it may be accepted:
    /// a signed bundle must be TOTAL-PASSED at `at` under the current list's anchors and
    /// signed by one of its publishers; a plain file is returned for a person to confirm
    /// (its fingerprints shown). Refused: a version not newer than the list in force, a
    /// signed bundle from anyone else.
    pub fn check_update(
        &self,
        file: &Path,
        at: Timestamp,
    ) -> Result<(TrustList, UpdateCheck), Error> {
        let data = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        if data.len() > MAX_LIST_FILE * 2 {
            return Err(Error::Format(format!(
                "{} is too large for a trust list",
                file.display()
            )));
        }
        let text_start = data.iter().position(|b| !b.is_ascii_whitespace());
        let plain =
            text_start.is_some_and(|i| data[i] != 0x30 && !data[i..].starts_with(b"-----BEGIN"));
        let (text, signed) = if plain {
            (
                String::from_utf8(data.clone())
                    .map_err(|_| Error::Format("the list is not UTF-8".into()))?,
                None,
            )
        } else {
            let mut content = Vec::new();
            SigSource::Bytes(&data)
                .normalize(&mut Collect(&mut content))
                .map_err(|e| match e {
                    SourceError::Io(e) => e,
                    SourceError::Format(detail) => Error::NotCms {
                        path: file.display().to_string(),
                        detail,
                    },
                })?;
            let text = String::from_utf8(content)
                .map_err(|_| Error::Format("the signed list is not UTF-8".into()))?;
            (text, Some(()))
        };
        let list = TrustList::from_toml(&text)?;
        let current = self.resolve(&list.name).transpose()?;
        if let Some(c) = &current {
            if list.version <= c.version {
                return Err(Error::Format(format!(
                    "the list {} in force is version {}; the file's version {} is not newer, so nothing was installed",
                    c.name, c.version, list.version
                )));
            }
        }
        if signed.is_none() {
            return Ok((list, UpdateCheck::Confirmed));
        }
        let Some(current) = current else {
            return Err(Error::Format(format!(
                "no list named {} is in force, so no publisher can vouch for a signed one; install it as a plain file, confirming its fingerprints",
                list.name
            )));
        };
        let report = Verifier::new()
            .with_trust_anchors(current.anchors.iter().cloned())
            .with_intermediates(current.intermediates.iter().cloned())
            .verify_bytes(&data, None, at);
        let sig = report.signatures.first();
        if report.indication != Indication::TotalPassed || report.signatures.len() != 1 {
            return Err(Error::Format(format!(
                "the signed list does not verify under the anchors of the list {} in force ({}{}); nothing was installed",
                current.name,
                report.indication.as_str(),
                report.sub_indication.map_or_else(String::new, |s| format!("/{}", s.as_str()))
            )));
        }
        let signer = sig
            .and_then(|s| s.signer.as_ref())
            .map(|c| c.sha256_fingerprint.clone())
            .unwrap_or_default();
        if !current.publishers.contains(&signer) {
            return Err(Error::Format(format!(
                "the list is signed by {} (SHA-256 {signer}), who is not a publisher of the list {} in force; nothing was installed",
                sig.and_then(|s| s.signer.as_ref()).map_or("?", |c| c.subject.as_str()),
                current.name
            )));
        }
        Ok((list, UpdateCheck::Signed { signer }))
    }

    /// Install a list [`TrustStore::check_update`] returned (written atomically as
    /// `NAME.toml`; the folder is created).
    pub fn install(&self, list: &TrustList) -> Result<PathBuf, Error> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let path = self.dir.join(format!("{}.toml", list.name));
        let tmp = self.dir.join(format!(
            ".{}.toml{}{}",
            list.name,
            crate::batch::TEMP_FILE_MARKER,
            std::process::id()
        ));
        std::fs::write(&tmp, list.to_toml()).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(&path, e)
        })?;
        Ok(path)
    }
}

struct Collect<'a>(&'a mut Vec<u8>);

impl ContentSink for Collect<'_> {
    fn begin(&mut self, _: Option<&[u8]>) -> std::io::Result<()> {
        Ok(())
    }
    fn data(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.0.len() + chunk.len() > MAX_LIST_FILE {
            return Err(std::io::Error::other("the signed list is too large"));
        }
        self.0.extend_from_slice(chunk);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_certificate_matches_its_pin() {
        for name in BUILTIN_TRUST_LISTS {
            let l = TrustList::builtin(name).unwrap().unwrap();
            assert!(!l.anchors.is_empty(), "{name}");
            for a in &l.anchors {
                assert!(a.is_ca() && a.is_self_issued(), "{name}: {}", a.subject());
            }
        }
        let vn = TrustList::builtin("vn").unwrap().unwrap();
        assert_eq!((vn.anchors.len(), vn.intermediates.len()), (2, 5));
        assert!(TrustList::builtin("vn-other").is_none());
        // A changed byte is refused by the pin.
        let mut der = VGCA_ROOT_G2.der.to_vec();
        der[100] ^= 1;
        let leaked: &'static [u8] = Box::leak(der.into_boxed_slice());
        let err = load_pinned(&Pinned {
            der: leaked,
            sha256: VGCA_ROOT_G2.sha256,
        })
        .unwrap_err();
        assert!(err.to_string().contains("does not match its pin"), "{err}");
    }

    #[test]
    fn a_list_file_round_trips_and_bad_ones_are_refused() {
        let l = TrustList::builtin("vn-gov").unwrap().unwrap();
        let text = l.to_toml();
        let back = TrustList::from_toml(&text).unwrap();
        assert_eq!(back.name, "vn-gov");
        assert_eq!(back.anchors, l.anchors);
        assert_eq!(back.intermediates, l.intermediates);
        let wrong_pin = text.replacen(
            "f04ba4b459a7c9a1b971ad9b1cb833e695a80c79aea63b174b66a70edfe2fdb8",
            "0000000000000000000000000000000000000000000000000000000000000000",
            1,
        );
        let e = TrustList::from_toml(&wrong_pin).unwrap_err().to_string();
        assert!(e.contains("but the list pins 0000"), "{e}");
        let e = TrustList::from_toml(&text.replacen("name = \"vn-gov\"", "name = \"../x\"", 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("lower-case letters"), "{e}");
        let e = TrustList::from_toml(&text.replacen(BUILTIN_VERSION, "soon", 1))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not a date"), "{e}");
    }
}
