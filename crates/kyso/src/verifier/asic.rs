//! Signatures in ASiC containers (ETSI EN 319 162-1) with CAdES: each `META-INF/*.p7s`
//! verified by the same CMS, chain, revocation and time-stamp code as a `.p7s` file, over
//! the data object (ASiC-S, §4.3) or over the ASiCManifest that names it (ASiC-E, §4.4),
//! whose references are then checked one by one. The container is one [`DocumentReport`]:
//! its signatures in entry order, each saying which files it covers.
//!
//! Archive time-stamps (EN 319 162-1 Annex A.7): each `META-INF/*ASiCArchiveManifest*.xml`
//! with the token its SigReference names, the token over the manifest's bytes and every file
//! it lists with its digest; one that does not validate now is validated at the time of a
//! later one that covers it (a renewal). The valid ones prove that the signature files they
//! list existed at their genTime: each signature's report lists those that cover it, and they
//! count as its archive time-stamps (B-LTA, past signature validation).
//!
//! Not checked yet, and said so in the report (`asic_entry_not_verified`): XAdES
//! signatures, container time-stamps without a signature.

use super::timestamp::{failed, prove_down_the_chain};
use super::{Detached, Verifier, VerifyContext};
use crate::asic::container::{is_archive_manifest, is_signature, ParsedManifest};
use crate::asic::{self, Container, Limits};
use crate::cms::envelope::SigSource;
use crate::encoding::time::Timestamp;
use crate::report::{
    AsicKind, AsicSignatureInfo, AsicTimestampInfo, Check, CheckName, CheckResult, DocumentProblem,
    DocumentReport, Indication, Reason, SignatureReport, SubIndication, TimestampKind,
    TimestampProblem, TimestampReport,
};

/// Archive manifests validated per container: one per renewal, every few years for decades
/// (the bound of archive time-stamps in a CAdES signature).
const MAX_ARCHIVE_MANIFESTS: usize = 16;

/// Signatures (SignerInfos of all the `.p7s` entries) verified per container: a dossier
/// carries a few, the official's and the organisation's per document; one `.p7s` file may
/// hold as many. Every signature's report carries the archive time-stamps that cover it, so
/// this bounds the report's size too.
const MAX_CONTAINER_SIGNATURES: usize = 64;

/// Extensions of ASiC containers (EN 319 162-1 §4.3.1, §4.4.1: `.asics`/`.scs`,
/// `.asice`/`.sce`).
pub(crate) const ASIC_EXTENSIONS: [&str; 4] = ["asice", "sce", "asics", "scs"];

/// True when the path names a container by its extension.
pub(crate) fn is_asic_path(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ASIC_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

impl Verifier {
    /// Verify every CAdES signature of an ASiC container held in memory (see the module
    /// documentation). Never `Err`: a container kyso refuses is a report with
    /// `asic_container_invalid` (FORMAT_FAILURE).
    pub fn verify_asic_bytes(&self, name: &str, bytes: &[u8], at: Timestamp) -> DocumentReport {
        self.verify_asic_with(name, bytes, at, &Limits::default())
    }

    pub(crate) fn verify_asic_with(
        &self,
        name: &str,
        bytes: &[u8],
        at: Timestamp,
        limits: &Limits,
    ) -> DocumentReport {
        let invalid = |p: crate::error::AsicProblem| {
            DocumentReport::format_failure(
                name.to_string(),
                DocumentProblem::AsicContainerInvalid {
                    asic_code: p.code().into(),
                    detail: p.to_string(),
                },
            )
        };
        let c = match asic::read(bytes, limits) {
            Ok(c) => c,
            Err(p) => return invalid(p),
        };
        let signature_entries: Vec<&asic::container::Entry> =
            c.entries.iter().filter(|e| is_signature(&e.name)).collect();
        if signature_entries.is_empty() {
            return invalid(crate::error::AsicProblem::NoSignature);
        }
        let too_many = crate::error::AsicProblem::TooManySignatures {
            limit: MAX_CONTAINER_SIGNATURES,
        };
        if signature_entries.len() > MAX_CONTAINER_SIGNATURES {
            return invalid(too_many);
        }
        let data: Vec<&asic::container::Entry> = c.data_objects().collect();
        if c.kind == AsicKind::Simple && data.len() != 1 {
            return invalid(crate::error::AsicProblem::NotOneDataObject { count: data.len() });
        }
        let archives = self.container_archives(&c, at);
        let manifests = c.manifests();
        let mut ctx = VerifyContext::new();
        let mut signatures: Vec<SignatureReport> = Vec::new();
        let mut covered: Vec<String> = Vec::new();
        let mut problems: Vec<DocumentProblem> = Vec::new();
        // What each archive lists, for the look-ups below.
        let listed: Vec<std::collections::HashSet<&str>> = archives
            .iter()
            .map(|r| {
                r.asic
                    .iter()
                    .flat_map(|a| a.covers.iter().map(String::as_str))
                    .collect()
            })
            .collect();
        // Which archive time-stamps some signature's report carries.
        let mut reported = vec![false; archives.len()];
        for sig in &signature_entries {
            // The signature's own files: what its report says the archive proves.
            let mut own: Vec<&str> = vec![sig.name.as_str()];
            match c.kind {
                AsicKind::Simple => own.push(&data[0].name),
                AsicKind::Extended => {
                    if let Some((e, Ok(m))) = manifests.iter().find(|(_, m)| {
                        matches!(m, Ok(m) if m.sig_reference.as_deref() == Some(sig.name.as_str()))
                    }) {
                        own.push(&e.name);
                        own.extend(m.references.iter().map(|r| r.uri.as_str()));
                    }
                }
            }
            // An archive time-stamp counts for a signature when it lists all of the signature's
            // files (§A.7: every entry): the signature alone proven would leave its manifest and
            // documents open to a later swap once their digest algorithm weakens.
            ctx.covering = archives
                .iter()
                .zip(&listed)
                .zip(&mut reported)
                .filter(|((_, l), _)| own.iter().all(|f| l.contains(f)))
                .map(|((r, _), reported)| {
                    *reported = true;
                    let mut r = r.clone();
                    if let Some(a) = &mut r.asic {
                        a.covers.retain(|f| own.contains(&f.as_str()));
                    }
                    r
                })
                .collect();
            let reports = match c.kind {
                AsicKind::Simple => {
                    let object = data[0];
                    covered.push(object.name.clone());
                    let info = AsicSignatureInfo {
                        container: AsicKind::Simple,
                        signature_entry: sig.name.clone(),
                        manifest: None,
                        covers: vec![object.name.clone()],
                    };
                    self.container_cms(&mut ctx, name, &sig.data, &object.data, at, info)
                }
                AsicKind::Extended => {
                    let (reports, covers) =
                        self.extended_signature(&mut ctx, name, &c, sig, &manifests, at);
                    covered.extend(covers);
                    reports
                }
            };
            for mut r in reports {
                r.index = signatures.len();
                signatures.push(r);
            }
            if signatures.len() > MAX_CONTAINER_SIGNATURES {
                return invalid(too_many);
            }
        }
        for object in &data {
            if !covered.contains(&object.name) {
                problems.push(DocumentProblem::AsicFileNotSigned {
                    file: object.name.clone(),
                });
            }
        }
        let mut archive_broken = false;
        for e in c
            .entries
            .iter()
            .filter(|e| asic::container::is_meta_inf(&e.name))
        {
            // An archive manifest and its token are verified, and reported with each
            // signature all of whose files they list; one reported with no signature is
            // listed as not verified.
            let verified_archive = archives.iter().zip(&reported).any(|(r, reported)| {
                *reported
                    && r.asic
                        .as_ref()
                        .is_some_and(|a| a.manifest == e.name || a.token_entry == e.name)
            });
            if is_signature(&e.name) || asic::container::is_manifest(&e.name) {
                continue;
            }
            // The archive manifests validated (the first MAX_ARCHIVE_MANIFESTS); any others
            // are only reported as not verified.
            let validated = archives
                .iter()
                .any(|r| r.asic.as_ref().is_some_and(|a| a.manifest == e.name));
            if validated {
                for file in archive_mismatches(&c, &manifests, &e.data) {
                    // A file changed and then archived again by a later valid archive
                    // time-stamp (a signature extended before a renewal, as DSS does) leaves
                    // the earlier time-stamp failed, in the signature's report, and the
                    // container alone. A change nothing valid archived since fails it.
                    if !renewed(&archives, &e.name, &file) {
                        archive_broken = true;
                        problems.push(DocumentProblem::AsicArchiveReferenceMismatch {
                            manifest: e.name.clone(),
                            file,
                        });
                    }
                }
            }
            if !verified_archive {
                problems.push(DocumentProblem::AsicEntryNotVerified {
                    file: e.name.clone(),
                });
            }
        }
        let layout: Vec<DocumentProblem> = c
            .layout
            .iter()
            .map(|p| DocumentProblem::AsicContainerInvalid {
                asic_code: p.code().into(),
                detail: p.to_string(),
            })
            .collect();
        let layout_broken = !layout.is_empty();
        let unsigned = problems
            .iter()
            .any(|p| matches!(p, DocumentProblem::AsicFileNotSigned { .. }));
        problems.splice(0..0, layout);
        let mut report = DocumentReport::new(name.to_string(), None, signatures, problems);
        // The container's own rules decide after its signatures': a structure EN 319 162-1
        // forbids fails it (§A.1), a changed archived file fails it, a file nobody signed
        // leaves it at best INDETERMINATE.
        if layout_broken {
            worsen(
                &mut report,
                Indication::TotalFailed,
                SubIndication::FormatFailure,
            );
        }
        if archive_broken {
            worsen(
                &mut report,
                Indication::TotalFailed,
                SubIndication::HashFailure,
            );
        }
        if unsigned {
            worsen(
                &mut report,
                Indication::Indeterminate,
                SubIndication::SigConstraintsFailure,
            );
        }
        report
    }

    /// Every archive manifest of `c` (at most [`MAX_ARCHIVE_MANIFESTS`], in entry order) with
    /// its time-stamp, validated at `at`; one that does not validate now is validated again
    /// at the genTime of a valid one whose manifest lists its token and its manifest (EN 319
    /// 162-1 Annex A.7 item 2: the renewal covers the earlier archive time-stamps).
    fn container_archives(&self, c: &Container, at: Timestamp) -> Vec<TimestampReport> {
        let manifests: Vec<&asic::container::Entry> = c
            .entries
            .iter()
            .filter(|e| is_archive_manifest(&e.name))
            .take(MAX_ARCHIVE_MANIFESTS)
            .collect();
        let mut reports: Vec<TimestampReport> = manifests
            .iter()
            .map(|e| self.container_archive(c, e, at))
            .collect();
        let infos: Vec<Option<AsicTimestampInfo>> =
            reports.iter().map(|r| r.asic.clone()).collect();
        prove_down_the_chain(
            &mut reports,
            |j, i| match (&infos[j], &infos[i]) {
                (Some(later), Some(earlier)) => {
                    later.covers.contains(&earlier.token_entry)
                        && later.covers.contains(&earlier.manifest)
                }
                _ => false,
            },
            |i, t| self.container_archive(c, manifests[i], t),
        );
        reports
    }

    /// One archive manifest and its token (EN 319 162-1 Annex A.7): the token, named by the
    /// manifest's SigReference, must be a valid time-stamp over the manifest's bytes, and
    /// every file the manifest lists must be present once with the digest it gives.
    fn container_archive(
        &self,
        c: &Container,
        manifest: &asic::container::Entry,
        at: Timestamp,
    ) -> TimestampReport {
        let kind = TimestampKind::ContainerArchiveTimeStamp;
        let parsed = asic::parse_manifest(&manifest.data);
        let (token_name, covers) = match &parsed {
            Ok(m) => (
                m.sig_reference.clone(),
                m.references.iter().map(|r| r.uri.clone()).collect(),
            ),
            Err(_) => (None, Vec::new()),
        };
        let token = token_name.as_deref().and_then(|n| c.get(n));
        let mut out = self.timestamp_report(
            kind,
            token.map_or(&[][..], |e| &e.data),
            &manifest.data,
            at,
            None,
        );
        out.asic = Some(AsicTimestampInfo {
            token_entry: token_name.clone().unwrap_or_default(),
            manifest: manifest.name.clone(),
            covers,
        });
        let invalid = |detail: String| TimestampProblem::ArchiveManifestInvalid {
            manifest: manifest.name.clone(),
            detail,
        };
        let problem = match (&parsed, &token_name, token) {
            (Err(detail), _, _) => Some(invalid(detail.clone())),
            (Ok(_), None, _) => Some(invalid(
                "it has no SigReference naming its time-stamp token (EN 319 162-1 Annex A.7)"
                    .into(),
            )),
            (Ok(_), Some(name), None) => Some(invalid(format!(
                "its time-stamp token {name} is not in the container"
            ))),
            (Ok(m), Some(_), Some(_)) => reference_failures(c, &manifest.name, m)
                .into_iter()
                .next()
                .map(|r| match r {
                    Reason::AsicReferenceMissing { file } => {
                        TimestampProblem::ArchiveReferenceMissing {
                            manifest: manifest.name.clone(),
                            file,
                        }
                    }
                    Reason::AsicReferenceMismatch {
                        file,
                        algorithm,
                        expected,
                        computed,
                    } => TimestampProblem::ArchiveReferenceFailed {
                        manifest: manifest.name.clone(),
                        file,
                        detail: format!(
                            "changed since: its {algorithm} digest is {computed}, the manifest gives {expected}"
                        ),
                    },
                    Reason::AsicManifestInvalid { detail, .. } => invalid(detail),
                    other => invalid(other.message(crate::report::Lang::En)),
                }),
        };
        match problem {
            Some(p) => failed(out, p),
            None => out,
        }
    }

    /// An ASiC-E signature: the manifest whose SigReference names it is its detached content
    /// (§4.4.2), then each DataObjectReference is checked.
    fn extended_signature(
        &self,
        ctx: &mut VerifyContext,
        name: &str,
        c: &Container,
        sig: &asic::container::Entry,
        manifests: &[ParsedManifest<'_>],
        at: Timestamp,
    ) -> (Vec<SignatureReport>, Vec<String>) {
        let mine = manifests.iter().find(
            |(_, m)| matches!(m, Ok(m) if m.sig_reference.as_deref() == Some(sig.name.as_str())),
        );
        // A manifest that cannot be parsed may still be this signature's (DSS links the
        // only one): its bytes are verified, its references cannot be.
        let (entry, parsed) = match mine {
            Some((e, m)) => (*e, m.clone()),
            None => match manifests.iter().find(|(_, m)| m.is_err()) {
                Some((e, m)) if manifests.len() == 1 => (*e, m.clone()),
                _ => {
                    let info = AsicSignatureInfo {
                        container: AsicKind::Extended,
                        signature_entry: sig.name.clone(),
                        manifest: None,
                        covers: Vec::new(),
                    };
                    let mut reports = self.container_cms(ctx, name, &sig.data, &[], at, info);
                    for r in &mut reports {
                        push_check(
                            r,
                            CheckResult::Failed(Reason::AsicManifestInvalid {
                                manifest: sig.name.clone(),
                                detail: "no META-INF/ASiCManifest*.xml names this signature in its SigReference (EN 319 162-1 §4.4.2)".into(),
                            }),
                        );
                    }
                    return (reports, Vec::new());
                }
            },
        };
        let covers: Vec<String> = parsed
            .as_ref()
            .map(|m| m.references.iter().map(|r| r.uri.clone()).collect())
            .unwrap_or_default();
        let info = AsicSignatureInfo {
            container: AsicKind::Extended,
            signature_entry: sig.name.clone(),
            manifest: Some(entry.name.clone()),
            covers: covers.clone(),
        };
        let mut reports = self.container_cms(ctx, name, &sig.data, &entry.data, at, info);
        let failures = match &parsed {
            Err(detail) => vec![Reason::AsicManifestInvalid {
                manifest: entry.name.clone(),
                detail: detail.clone(),
            }],
            Ok(m) => reference_failures(c, &entry.name, m),
        };
        for r in &mut reports {
            let mut failures = failures.clone();
            if let Ok(m) = &parsed {
                failures.extend(self.weak_reference_digests(&entry.name, m, r, at));
            }
            if failures.is_empty() {
                push_check(r, CheckResult::Passed);
            }
            for f in failures {
                push_check(r, CheckResult::Failed(f));
            }
        }
        (reports, covers)
    }

    /// The documents of an ASiC-E signature are protected by its manifest's digests, so those
    /// digest algorithms are judged by the policy as the signature's own are, at the time its
    /// algorithms were judged (a time-stamp's, for an algorithm that weakened since): a SHA-1
    /// DataObjectReference under a policy without SHA-1 fails the signature as a SHA-1
    /// message digest would (EN 319 102-1 §5.2.8). One failure per algorithm.
    fn weak_reference_digests(
        &self,
        manifest: &str,
        m: &asic::Manifest,
        r: &SignatureReport,
        at: Timestamp,
    ) -> Vec<Reason> {
        let judged = r.algorithms_validated_at.unwrap_or(at);
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for reference in &m.references {
            let Ok(alg) = reference.algorithm else {
                continue;
            };
            if seen.contains(&alg) {
                continue;
            }
            seen.push(alg);
            if let Some(p) = self.validation.digest_problem(alg, judged) {
                out.push(Reason::WeakAlgorithm {
                    detail: format!(
                        "{manifest} protects '{}' with a {alg} digest: {}",
                        reference.uri, p.detail
                    ),
                });
            }
        }
        out
    }

    /// One `.p7s` of the container over `content`: every SignerInfo's report, each with the
    /// container's information.
    fn container_cms(
        &self,
        ctx: &mut VerifyContext,
        name: &str,
        p7s: &[u8],
        content: &[u8],
        at: Timestamp,
        info: AsicSignatureInfo,
    ) -> Vec<SignatureReport> {
        let shown = format!("{name}!{}", info.signature_entry);
        let doc = self
            .verify_source(
                ctx,
                shown.clone(),
                SigSource::Bytes(p7s),
                Detached::Bytes(content),
                at,
                None,
            )
            .unwrap_or_else(|e| {
                DocumentReport::format_failure(
                    shown,
                    DocumentProblem::Unreadable {
                        detail: e.to_string(),
                    },
                )
            });
        if doc.signatures.is_empty() {
            // Not a SignedData, or one without SignerInfo: a failed signature entry, so the
            // container's report says which entry is broken.
            let mut s = SignatureReport::empty(0);
            s.checks.push(Check {
                check: CheckName::Format,
                result: CheckResult::Failed(Reason::Malformed {
                    detail: format!(
                        "{} is not a CMS signature: {}",
                        info.signature_entry,
                        doc.messages.join("; ")
                    ),
                }),
            });
            s.asic = Some(info);
            s.conclude();
            return vec![s];
        }
        doc.signatures
            .into_iter()
            .map(|mut s| {
                s.asic = Some(info.clone());
                s
            })
            .collect()
    }
}

/// The reference problems of a signature's manifest: a file listed twice, an unknown digest
/// method, an absent file, a digest that differs (EN 319 162-1 §A.4).
fn reference_failures(c: &Container, manifest: &str, m: &asic::Manifest) -> Vec<Reason> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for r in &m.references {
        if seen.contains(&r.uri.as_str()) {
            out.push(Reason::AsicManifestInvalid {
                manifest: manifest.to_string(),
                detail: format!("it lists '{}' twice", r.uri),
            });
            continue;
        }
        seen.push(&r.uri);
        let alg = match &r.algorithm {
            Ok(a) => *a,
            Err(uri) => {
                out.push(Reason::AsicManifestInvalid {
                    manifest: manifest.to_string(),
                    detail: format!("the digest method {uri} of '{}' is unknown", r.uri),
                });
                continue;
            }
        };
        match c.digest(&r.uri, alg) {
            None => out.push(Reason::AsicReferenceMissing {
                file: r.uri.clone(),
            }),
            Some(computed) => {
                if computed != r.digest {
                    out.push(Reason::AsicReferenceMismatch {
                        file: r.uri.clone(),
                        algorithm: alg.name().into(),
                        expected: hex::encode(&r.digest),
                        computed: hex::encode(computed),
                    });
                }
            }
        }
    }
    out
}

/// True when a valid archive time-stamp later than the one over `manifest` covers `file`.
fn renewed(archives: &[TimestampReport], manifest: &str, file: &str) -> bool {
    fn info(r: &TimestampReport) -> Option<&AsicTimestampInfo> {
        r.asic.as_ref()
    }
    let stamped = archives
        .iter()
        .find(|r| info(r).is_some_and(|a| a.manifest == manifest))
        .and_then(|r| r.gen_time);
    archives.iter().any(|r| {
        r.is_valid()
            && info(r).is_some_and(|a| a.manifest != manifest && a.covers.iter().any(|f| f == file))
            && match (stamped, r.gen_time) {
                (Some(earlier), Some(later)) => later > earlier,
                (None, Some(_)) => true,
                (_, None) => false,
            }
    })
}

/// Files an archive manifest lists whose digest differs, or that are gone. A file gone that
/// a signature manifest lists too is that signature's finding (asic_reference_missing,
/// INDETERMINATE as DSS says); one only the archive knows of (a co-signature removed with
/// its manifest, say) would otherwise vanish without a trace.
fn archive_mismatches(c: &Container, signed: &[ParsedManifest<'_>], xml: &[u8]) -> Vec<String> {
    let Ok(m) = asic::parse_manifest(xml) else {
        return Vec::new();
    };
    let signature_lists = |uri: &str| {
        signed.iter().any(|(_, m)| {
            m.as_ref()
                .is_ok_and(|m| m.references.iter().any(|r| r.uri == uri))
        })
    };
    m.references
        .iter()
        .filter(|r| match &r.algorithm {
            Ok(alg) => match c.digest(&r.uri, *alg) {
                Some(d) => d != r.digest,
                None => !signature_lists(&r.uri),
            },
            Err(_) => false,
        })
        .map(|r| r.uri.clone())
        .collect()
}

fn push_check(s: &mut SignatureReport, result: CheckResult) {
    s.checks.push(Check {
        check: CheckName::AsicManifest,
        result,
    });
    s.conclude();
}

/// Lower the document's verdict to `indication` (with `sub`) unless it is worse already.
fn worsen(r: &mut DocumentReport, indication: Indication, sub: SubIndication) {
    if indication > r.indication {
        r.indication = indication;
        r.sub_indication = Some(sub);
    } else if indication == r.indication && r.sub_indication.is_none() {
        r.sub_indication = Some(sub);
    }
}
