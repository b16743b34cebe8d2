//! Verifying a dossier (hồ sơ): a folder of documents and their signatures, judged together
//! (issue 15). Every signature file and signed PDF is verified as `kyso verify` would; then
//! each document gets its signers in order, with their roles, and the flags a receiving desk
//! must look at: unsigned files, a failed or indeterminate signature, the organisation's
//! signature missing or made before the official's (Decree 30/2020), a signature after the
//! deadline. Which documents need which signatures is the validation policy's `[dossier]`
//! section ([`DossierRules`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::batch::{select_files_to_sign, Batch, FileSkip, SelectOptions};
use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::report::{
    DocumentProblem, DocumentReport, DossierCounts, DossierDocument, DossierFlag, DossierReport,
    DossierSigner, Indication, OrderVerdict, PdfSignatureKind, SignatureReport, SigningOrder,
};
use crate::validation::policy::DossierRules;
use crate::verifier::{Verifier, VerifyContext};
use crate::x509::name::rendered_attributes;
use crate::x509::role::{RoleBasis, RoleDecision, SignerRole};

/// At most this many files in one dossier: a real dossier has tens; a folder with more is
/// most likely not one (verify it as a batch instead).
pub const MAX_DOSSIER_FILES: usize = 10_000;

/// A verified dossier: the report of every signature file and signed PDF (as `kyso verify`
/// makes them, in path order), and the verdict on the whole.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedDossier {
    /// One report per signature file or PDF.
    pub documents: Vec<DocumentReport>,
    /// The dossier's verdict.
    pub dossier: DossierReport,
}

/// What verifying one file of the dossier is about.
struct Job {
    /// The file to verify (a signature file or a PDF).
    file: PathBuf,
    /// The detached content, when it is in the dossier.
    content: Option<PathBuf>,
    /// The document it belongs to (relative, `/` separated).
    document: String,
    /// The signature file, relative.
    relative: String,
}

impl Verifier {
    /// Verify the dossier in folder `dir` (its subfolders too) at `at`, holding signatures to
    /// `deadline` when given. The documents are the folder's files except signature files
    /// (`.p7s`, `.sig`: their content is the file of the same name without the extension;
    /// `.p7m`: the content is inside), hidden files and kyso's temporary files; a PDF is its
    /// own signature file. `Err` when the folder cannot be read or holds more than
    /// [`MAX_DOSSIER_FILES`] files.
    pub fn verify_dossier(
        &self,
        dir: &Path,
        deadline: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<VerifiedDossier, Error> {
        #[cfg(feature = "asic")]
        if is_container(dir) && std::fs::metadata(dir).is_ok_and(|m| m.is_file()) {
            return self.verify_container_dossier(dir, deadline, at);
        }
        #[cfg(feature = "asic")]
        if has_extension(dir, "zip") && std::fs::metadata(dir).is_ok_and(|m| m.is_file()) {
            return self.verify_zip_dossier(dir, deadline, at);
        }
        if !std::fs::metadata(dir)
            .map_err(|e| Error::io(dir, e))?
            .is_dir()
        {
            return Err(Error::Format(format!(
                "{} is not a folder; a dossier is a folder of documents and their signatures",
                dir.display()
            )));
        }
        let sel = select_files_to_sign(&[dir.to_path_buf()], SelectOptions::new().recursive(true))?;
        let signature_files: Vec<PathBuf> = sel
            .skipped
            .iter()
            .filter(|s| s.why == FileSkip::Signature)
            .map(|s| s.path.clone())
            .collect();
        if sel.files.len() + signature_files.len() > MAX_DOSSIER_FILES {
            return Err(Error::Format(format!(
                "{} holds more than {MAX_DOSSIER_FILES} files, more than a dossier; verify it as a batch (kyso verify FOLDER)",
                dir.display()
            )));
        }
        let rel = |p: &Path| relative(dir, p);
        let mut documents: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for f in &sel.files {
            documents.entry(rel(f)).or_default();
        }
        let mut jobs: Vec<Job> = Vec::new();
        for f in sel.files.iter().filter(|f| has_extension(f, "pdf")) {
            jobs.push(Job {
                file: f.clone(),
                content: None,
                document: rel(f),
                relative: rel(f),
            });
        }
        for s in &signature_files {
            let stem = s.with_extension("");
            // An ASiC container (EN 319 162-1) is a document of its own, its files inside.
            let container = is_container(s);
            let attached = has_extension(s, "p7m") || container;
            let content = (!attached && sel.files.contains(&stem)).then(|| stem.clone());
            jobs.push(Job {
                file: s.clone(),
                content,
                document: if container { rel(s) } else { rel(&stem) },
                relative: rel(s),
            });
        }
        jobs.sort_by(|a, b| a.relative.cmp(&b.relative));
        let mut reports: Vec<Option<DocumentReport>> = vec![None; jobs.len()];
        Batch::new().run(
            &jobs,
            VerifyContext::new,
            |ctx, _, job| {
                let name = job.relative.clone();
                match self.verify_file_in(ctx, &job.file, job.content.as_deref(), at) {
                    Ok(mut r) => {
                        r.signature_file = name;
                        r.content_file = job.content.as_ref().map(|c| rel(c));
                        r
                    }
                    Err(e) => DocumentReport::format_failure(
                        name,
                        DocumentProblem::NotSignedData {
                            detail: e.to_string(),
                            found: None,
                        },
                    ),
                }
            },
            |done| reports[done.index] = Some(done.output),
        );
        let reports: Vec<DocumentReport> = reports.into_iter().flatten().collect();
        if reports.len() != jobs.len() {
            return Err(Error::Format(
                "the dossier's verification was interrupted".into(),
            ));
        }
        for (i, job) in jobs.iter().enumerate() {
            // An unsigned PDF carries no signature: it stays a document without one.
            if reports[i].problems.contains(&DocumentProblem::PdfUnsigned) {
                continue;
            }
            documents.entry(job.document.clone()).or_default().push(i);
        }
        let rules = Rules::new(&self.policy().dossier)?;
        let docs: Vec<DossierDocument> = documents
            .into_iter()
            .map(|(file, idx)| {
                let content_missing = idx.iter().any(|&i| {
                    !jobs[i].relative.ends_with(".pdf")
                        && jobs[i].content.is_none()
                        && !has_extension(&jobs[i].file, "p7m")
                        && !is_container(&jobs[i].file)
                });
                document(&file, &idx, &reports, &rules, deadline, content_missing)
            })
            .collect();
        Ok(conclude(dir, deadline, reports, docs))
    }

    /// A dossier sent as a plain ZIP file: read with the container's bounds and name rules
    /// (no `..`, no absolute names, sizes counted while inflating), written to a private
    /// temporary folder, judged as a folder, the folder removed. The report names the ZIP.
    #[cfg(feature = "asic")]
    fn verify_zip_dossier(
        &self,
        zip: &Path,
        deadline: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<VerifiedDossier, Error> {
        let limits = crate::asic::Limits::default();
        let size = std::fs::metadata(zip).map_err(|e| Error::io(zip, e))?.len();
        let asic = |problem| Error::Asic {
            path: zip.display().to_string(),
            problem,
        };
        if size > limits.max_container_size {
            return Err(asic(crate::error::AsicProblem::ContainerTooLarge {
                size,
                limit: limits.max_container_size,
            }));
        }
        let bytes = std::fs::read(zip).map_err(|e| Error::io(zip, e))?;
        let entries = crate::asic::read_zip(&bytes, &limits).map_err(asic)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let tmp = std::env::temp_dir().join(format!("kyso-dossier-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let result = (|| {
            for e in &entries {
                // The reader refused '..', absolute names and backslashes: inside `tmp`.
                let out = tmp.join(&e.name);
                if let Some(parent) = out.parent() {
                    std::fs::create_dir_all(parent).map_err(|err| Error::io(parent, err))?;
                }
                std::fs::write(&out, &e.data).map_err(|err| Error::io(&out, err))?;
            }
            self.verify_dossier(&tmp, deadline, at)
        })();
        let _ = std::fs::remove_dir_all(&tmp);
        let mut verified = result?;
        verified.dossier.path = zip.display().to_string();
        Ok(verified)
    }

    /// An ASiC container given as the dossier (EN 319 162-1): each data object is a document,
    /// its signers the container's signatures that cover it (their manifest lists it, or the
    /// one data object of an ASiC-S). A document's report is the container's, cut to those
    /// signatures, failed with the container when the container itself is broken (its layout
    /// or an archived file).
    #[cfg(feature = "asic")]
    fn verify_container_dossier(
        &self,
        path: &Path,
        deadline: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<VerifiedDossier, Error> {
        let objects = crate::extract::extract_container(path)?;
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let name = path.display().to_string();
        let whole = self.verify_asic_bytes(&name, &bytes, at);
        let broken: Vec<DocumentProblem> = whole
            .problems
            .iter()
            .filter(|p| {
                matches!(
                    p,
                    DocumentProblem::AsicContainerInvalid { .. }
                        | DocumentProblem::AsicArchiveReferenceMismatch { .. }
                )
            })
            .cloned()
            .collect();
        let rules = Rules::new(&self.policy().dossier)?;
        let mut reports = Vec::new();
        let mut docs = Vec::new();
        for (file, _) in &objects {
            let sigs: Vec<SignatureReport> = whole
                .signatures
                .iter()
                .filter(|s| s.asic.as_ref().is_some_and(|a| a.covers.contains(file)))
                .cloned()
                .enumerate()
                .map(|(i, mut s)| {
                    s.index = i;
                    s
                })
                .collect();
            if sigs.is_empty() {
                docs.push(document(file, &[], &reports, &rules, deadline, false));
                continue;
            }
            let mut r = DocumentReport::new(
                format!("{name}!{file}"),
                Some(file.clone()),
                sigs,
                broken.clone(),
            );
            if !broken.is_empty() {
                r.indication = Indication::TotalFailed;
                r.sub_indication = Some(crate::report::SubIndication::FormatFailure);
            }
            reports.push(r);
            let i = reports.len() - 1;
            docs.push(document(file, &[i], &reports, &rules, deadline, false));
        }
        Ok(conclude(path, deadline, reports, docs))
    }
}

/// The dossier's verdict from its documents' entries.
fn conclude(
    dir: &Path,
    deadline: Option<Timestamp>,
    reports: Vec<DocumentReport>,
    docs: Vec<DossierDocument>,
) -> VerifiedDossier {
    let counts = DossierCounts {
        documents: docs.len(),
        signed: docs
            .iter()
            .filter(|d| !d.signature_files.is_empty())
            .count(),
        unsigned: docs.iter().filter(|d| d.signature_files.is_empty()).count(),
        flagged: docs.iter().filter(|d| !d.flags.is_empty()).count(),
    };
    let indication = docs
        .iter()
        .flat_map(|d| d.flags.iter().map(|f| f.indication()))
        .max()
        .unwrap_or(Indication::TotalPassed);
    VerifiedDossier {
        documents: reports,
        dossier: DossierReport {
            path: dir.display().to_string(),
            indication,
            deadline,
            counts,
            documents: docs,
        },
    }
}

/// An ASiC container by its extension (`.asice`, `.sce`, `.asics`, `.scs`).
fn is_container(p: &Path) -> bool {
    ["asice", "sce", "asics", "scs"]
        .iter()
        .any(|x| has_extension(p, x))
}

/// `p` relative to `dir`, with `/` between the parts.
fn relative(dir: &Path, p: &Path) -> String {
    let r = p.strip_prefix(dir).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn has_extension(p: &Path, ext: &str) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case(ext))
}

/// The policy's patterns, compiled.
struct Rules {
    unsigned_allowed: Patterns,
    organisation_required: Patterns,
    official_required: Patterns,
}

/// Patterns matched against a file's name, or its path when they have a `/`.
struct Patterns {
    names: GlobSet,
    paths: GlobSet,
}

impl Patterns {
    fn new(list: &[String]) -> Result<Patterns, Error> {
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for p in list {
            let glob = GlobBuilder::new(p)
                .case_insensitive(true)
                .literal_separator(true)
                .build()
                .map_err(|e| Error::Format(format!("dossier pattern '{p}': {e}")))?;
            if p.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| Error::Format(e.to_string()));
        Ok(Patterns {
            names: build(names)?,
            paths: build(paths)?,
        })
    }

    fn matches(&self, file: &str) -> bool {
        let name = file.rsplit('/').next().unwrap_or(file);
        self.names.is_match(name) || self.paths.is_match(file)
    }
}

impl Rules {
    fn new(r: &DossierRules) -> Result<Rules, Error> {
        Ok(Rules {
            unsigned_allowed: Patterns::new(&r.unsigned_allowed)?,
            organisation_required: Patterns::new(&r.organisation_required)?,
            official_required: Patterns::new(&r.official_required)?,
        })
    }
}

/// A signer's line for the desk, from its signature's report.
fn signer(s: &SignatureReport, document_index: usize, signature_index: usize) -> DossierSigner {
    let attrs = s
        .signer
        .as_ref()
        .map(|c| rendered_attributes(&c.subject))
        .unwrap_or_default();
    let get = |k: &str| {
        attrs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let proven = s
        .timestamps
        .iter()
        .find(|t| t.is_valid())
        .and_then(|t| t.gen_time);
    let claimed = s.signing_time.or_else(|| {
        s.pdf
            .as_ref()
            .and_then(|p| p.claimed_signing_time.as_deref())
            .and_then(pdf_date)
    });
    DossierSigner {
        name: get("CN").unwrap_or_else(|| {
            s.signer
                .as_ref()
                .map_or_else(String::new, |c| c.subject.clone())
        }),
        organisation: get("O"),
        identifiers: attrs
            .iter()
            .filter(|(k, _)| k == "UID")
            .map(|(_, v)| v.clone())
            .collect(),
        role: s.signer_role.clone().unwrap_or(RoleDecision {
            role: SignerRole::Unknown,
            basis: RoleBasis::NoEvidence,
            evidence: String::new(),
        }),
        time: proven.or(claimed),
        time_proven: proven.is_some(),
        indication: s.indication,
        sub_indication: s.sub_indication,
        document_index,
        signature_index,
    }
}

/// A PDF date (`D:20261203021540Z`, `D:20261203091540+07'00'`; ISO 32000-1 §7.9.4) as a
/// time, when it has at least the seconds.
fn pdf_date(s: &str) -> Option<Timestamp> {
    let d = s.strip_prefix("D:").unwrap_or(s);
    let digits =
        |r: std::ops::Range<usize>| d.get(r).filter(|x| x.bytes().all(|b| b.is_ascii_digit()));
    let (y, mo, da, h, mi, se) = (
        digits(0..4)?,
        digits(4..6)?,
        digits(6..8)?,
        digits(8..10)?,
        digits(10..12)?,
        digits(12..14)?,
    );
    let zone = match d.get(14..) {
        None | Some("") | Some("Z") => "Z".to_string(),
        Some(z) => {
            let z = z.replace('\'', "");
            let (sign, rest) = z.split_at(1);
            if !matches!(sign, "+" | "-") || rest.len() < 4 {
                return None;
            }
            format!("{sign}{}:{}", &rest[..2], &rest[2..4])
        }
    };
    Timestamp::parse_rfc3339(&format!("{y}-{mo}-{da}T{h}:{mi}:{se}{zone}")).ok()
}

/// One document's entry: its signers in order and its flags.
fn document(
    file: &str,
    reports_of: &[usize],
    reports: &[DocumentReport],
    rules: &Rules,
    deadline: Option<Timestamp>,
    content_missing: bool,
) -> DossierDocument {
    let mut flags: Vec<DossierFlag> = Vec::new();
    let signature_files: Vec<String> = reports_of
        .iter()
        .map(|&i| reports[i].signature_file.clone())
        .collect();
    // Its signatures (never document time-stamps), each with where it is.
    let mut sigs: Vec<(usize, usize, &SignatureReport)> = reports_of
        .iter()
        .flat_map(|&d| {
            reports[d]
                .signatures
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.pdf
                        .as_ref()
                        .is_none_or(|p| p.kind == PdfSignatureKind::Signature)
                })
                .map(move |(i, s)| (d, i, s))
        })
        .collect();
    // A PDF's are in revision order already (proven by the byte ranges). CMS SignerInfos are
    // a SET (DER sorts them by their bytes): ordered by their time (proven, else claimed);
    // for equal times (one-second resolution) the official is taken to have signed first.
    let is_pdf = sigs.iter().all(|(_, _, s)| s.pdf.is_some());
    let mut signers: Vec<DossierSigner> = sigs.iter().map(|(d, i, s)| signer(s, *d, *i)).collect();
    if !is_pdf {
        let mut order: Vec<usize> = (0..signers.len()).collect();
        order.sort_by_key(|&k| {
            let g = &signers[k];
            (g.time.map(|t| t.unix()), g.role.role != SignerRole::Person)
        });
        signers = order.iter().map(|&k| signers[k].clone()).collect();
        sigs = order.iter().map(|&k| sigs[k]).collect();
    }
    let indication = reports_of.iter().map(|&i| reports[i].indication).max();
    if reports_of.is_empty() {
        if !rules.unsigned_allowed.matches(file) {
            flags.push(DossierFlag::Unsigned);
        }
    } else {
        if reports_of
            .iter()
            .any(|&i| reports[i].indication == Indication::TotalFailed)
        {
            flags.push(DossierFlag::FailedSignature);
        }
        if reports_of
            .iter()
            .any(|&i| reports[i].indication == Indication::Indeterminate)
        {
            flags.push(DossierFlag::IndeterminateSignature);
        }
        if content_missing {
            flags.push(DossierFlag::ContentMissing);
        }
    }
    let signing_order = (!sigs.is_empty())
        .then(|| SigningOrder::of(sigs.iter().enumerate().map(|(k, (_, _, s))| (k, *s))));
    if let Some(o) = &signing_order {
        let org = rules.organisation_required.matches(file);
        let official = rules.official_required.matches(file);
        match o.verdict {
            OrderVerdict::OfficialOnly if org => {
                flags.push(DossierFlag::MissingOrganisationSignature)
            }
            OrderVerdict::OrganisationOnly if official => {
                flags.push(DossierFlag::MissingOfficialSignature)
            }
            OrderVerdict::OrganisationBeforeOfficial => {
                flags.push(DossierFlag::OrganisationBeforeOfficial)
            }
            OrderVerdict::RoleUnknown if org || official => flags.push(DossierFlag::RoleUnknown),
            _ => {}
        }
    }
    if let Some(deadline) = deadline {
        if signers
            .iter()
            .any(|s| s.time.is_some_and(|t| t.unix() > deadline.unix()))
        {
            flags.push(DossierFlag::SignedAfterDeadline);
        }
    }
    flags.sort();
    flags.dedup();
    DossierDocument {
        file: file.to_string(),
        signature_files,
        indication,
        signers,
        signing_order,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let t = |s: &str| pdf_date(s).map(|t| t.unix());
        assert_eq!(t("D:20261203021540Z"), t("D:20261203091540+07'00'"));
        assert_eq!(t("D:20261203021540Z"), Some(1_796_264_140));
        assert_eq!(t("D:202612"), None);
        assert_eq!(t("D:20261203021540+7"), None);
    }

    #[test]
    fn patterns_match_names_or_paths() {
        let p = Patterns::new(&["*.jpg".into(), "scan/*".into(), "Quyết định*".into()]).unwrap();
        assert!(p.matches("a/b/photo.JPG"));
        assert!(p.matches("scan/cccd.png"));
        assert!(!p.matches("x/scan/cccd.png"));
        assert!(p.matches("đến/quyết định 15.pdf"));
        assert!(!p.matches("to-trinh.pdf"));
    }
}
