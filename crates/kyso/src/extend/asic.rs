//! ASiC containers (ETSI EN 319 162-1) extended: every CAdES signature of the container as a
//! `.p7s` is (B-T, B-LT; B-LTA for ASiC-S, whose archive-time-stamp-v3 goes inside the CMS),
//! and for ASiC-E at B-LTA the container's own archive form (§A.7): an ASiCArchiveManifest
//! over every entry and an RFC 3161 time-stamp token over the manifest.
//!
//! A.7 item 1 (first time): the signatures reach B-LT inside their `.p7s`, then
//! `META-INF/ASiCArchiveManifest.xml` (an ASiCManifest element whose SigReference is the new
//! token `META-INF/timestampN.tst`) references every entry but the mimetype, itself and its
//! token, each with its digest. A.7 item 2 (renewal, on every B-LTA run as for CAdES in kyso):
//! the current token gets its TSA's validation data in its own SignedData (as DSS does; the
//! token's signature covers its TSTInfo only), the existing ASiCArchiveManifest.xml is renamed
//! ASiCArchiveManifestK.xml with its bytes unchanged (its token still matches), and a new
//! manifest and token cover it all, the renamed manifest and every earlier token included. A
//! signature an earlier archive manifest covers is verified as part of the container (its
//! archive time-stamps may be all that proves it by then) but never rewritten (that would
//! break the earlier manifest's digest), and a container whose earlier archive manifest no
//! longer matches its entries is refused: renewing would only time-stamp a broken archive.

use super::{embed, ExtendOutcome, ExtendedSignature, Extender};
use crate::asic::container::{is_archive_manifest, is_signature, Container, Entry, ParsedManifest};
use crate::cms::builder::SignedDataParts;
use crate::cms::envelope::{self, SigSource};
use crate::error::{AsicProblem, Error, ExtendRefusal};
use crate::report::{AsicKind, SignatureLevel, SignatureReport};

/// The current archive manifest's name (EN 319 162-1 §A.7 item 1 b).
const ARCHIVE_MANIFEST: &str = "META-INF/ASiCArchiveManifest.xml";

fn asic_error(problem: AsicProblem) -> Error {
    Error::Asic {
        path: "<container>".into(),
        problem,
    }
}

impl Extender {
    /// Extend every CAdES signature of an ASiC container (ETSI EN 319 162-1) held in memory:
    /// each `META-INF/*signature*.p7s` over its manifest (ASiC-E) or its data object
    /// (ASiC-S), with the same rules as [`Extender::extend_bytes`]. Returns the new container
    /// (empty when nothing changed: the caller keeps the old one) and what was done, the
    /// signatures numbered across the container. Only the extended `.p7s` entries are
    /// rewritten; every other entry is copied raw.
    ///
    /// B-LTA for ASiC-E (§A.7): the signatures are extended to B-LT, then a new
    /// `META-INF/ASiCArchiveManifest.xml` references every entry (but the mimetype) with its
    /// digest and a new `META-INF/timestampN.tst` from the [`crate::Timestamper`] time-stamps
    /// it; an existing ASiCArchiveManifest.xml is first renamed `ASiCArchiveManifestK.xml`
    /// (a renewal). Every B-LTA run adds a new archive time-stamp.
    pub fn extend_container(&self, container: &[u8]) -> Result<(Vec<u8>, ExtendOutcome), Error> {
        let c =
            crate::asic::read(container, &crate::asic::Limits::default()).map_err(asic_error)?;
        let archive = c.kind == AsicKind::Extended && self.level == SignatureLevel::BLTA;
        // A.7 item 1 a: the signatures reach B-LT first, inside their own .p7s.
        let lt = Extender {
            verifier: self.verifier.clone(),
            timestamper: self.timestamper.clone(),
            level: SignatureLevel::BLT,
            now: self.now,
        };
        let per_signature = if archive { &lt } else { self };
        let archived = if archive {
            check_archive_manifests(&c)?
        } else {
            Archived::default()
        };
        if archive {
            self.required_timestamper()?;
        }
        // A signature an earlier archive covers is judged as the container's verifier judges
        // it: by then its certificate and its time-stamp's TSA may have expired, and only the
        // container archive time-stamps prove it (EN 319 102-1 §5.6.3).
        let container_report = (!archived.covered.is_empty()).then(|| {
            self.verifier
                .verify_asic_bytes("<container>", container, self.now)
        });
        let mut replaced = Vec::new();
        let mut total = ExtendOutcome {
            signatures: Vec::new(),
            certificates_added: 0,
            revocation_values_added: 0,
        };
        let manifests = c.manifests();
        for sig in c.entries.iter().filter(|e| is_signature(&e.name)) {
            let base = total.signatures.len();
            let content = signed_content(&c, &manifests, sig, base)?;
            if let Some(report) = container_report
                .as_ref()
                .filter(|_| archived.covered.contains(&sig.name))
            {
                // Covered by an earlier archive manifest: checked, never rewritten.
                let mine: Vec<&SignatureReport> = report
                    .signatures
                    .iter()
                    .filter(|r| {
                        r.asic
                            .as_ref()
                            .is_some_and(|a| a.signature_entry == sig.name)
                    })
                    .collect();
                if mine.is_empty() {
                    return Err(Error::NotCms {
                        path: sig.name.clone(),
                        detail: report.messages.join("; "),
                    });
                }
                for (i, r) in mine.into_iter().enumerate() {
                    lt.refuse_signature(r)?;
                    total.signatures.push(ExtendedSignature {
                        index: base + i,
                        level_before: r.level,
                        level_after: r.level,
                        timestamp_added: false,
                        archive_timestamp_added: false,
                    });
                }
                continue;
            }
            let (bytes, outcome) = per_signature.extend_bytes(&sig.data, Some(content))?;
            total.certificates_added += outcome.certificates_added;
            total.revocation_values_added += outcome.revocation_values_added;
            let changed = outcome.changed();
            total
                .signatures
                .extend(outcome.signatures.into_iter().map(|mut s| {
                    s.index += base;
                    s
                }));
            if changed {
                replaced.push((sig.name.clone(), bytes));
            }
        }
        if archive {
            if !c.entries.iter().any(|e| is_signature(&e.name)) {
                return Err(asic_error(AsicProblem::NoSignature));
            }
            // The current token gets its TSA's data unless an archive manifest lists it
            // already (rewriting it would break that one).
            let token = archived
                .current_token
                .as_deref()
                .filter(|t| !archived.covered.iter().any(|c| c == t));
            if let Some(token) = token {
                let (bytes, certificates, values) = self.token_with_validation_data(&c, token)?;
                total.certificates_added += certificates;
                total.revocation_values_added += values;
                if let Some(bytes) = bytes {
                    replaced.push((token.to_string(), bytes));
                }
            }
            let out = self.archive_container(container, &c, &replaced)?;
            // The archive time-stamp makes B-LT signatures B-LTA (what was archived before
            // below B-LT, as DSS may have done, stays at its level).
            for s in &mut total.signatures {
                if s.level_after >= SignatureLevel::BLT {
                    s.level_after = SignatureLevel::BLTA;
                }
                s.archive_timestamp_added = true;
            }
            return Ok((out, total));
        }
        if replaced.is_empty() {
            return Ok((Vec::new(), total));
        }
        let out = crate::asic::replace_entries(container, &replaced).map_err(asic_error)?;
        Ok((out, total))
    }

    /// EN 319 162-1 §A.7 item 2, done as DSS does it: before a renewal, the current archive
    /// token (the entry `name`) gets the validation data of its TSA's path (the certificates,
    /// and the CRLs or OCSP responses that give their status now) in its own SignedData's
    /// `certificates` and `crls`, so the renewal's manifest covers that data with the token
    /// and a verifier can validate the token at the renewal's time offline, years after its
    /// TSA expired. The token's signature covers its TSTInfo only, so the token stays valid.
    /// Returns the new token (`None`: it carries all of it already) and what was added;
    /// refused when the TSA's path does not validate now: the renewal would prove nothing.
    fn token_with_validation_data(
        &self,
        c: &Container,
        name: &str,
    ) -> Result<(Option<Vec<u8>>, usize, usize), Error> {
        let token = &c
            .get(name)
            .ok_or_else(|| ExtendRefusal::ArchiveBroken {
                manifest: ARCHIVE_MANIFEST.into(),
                detail: format!("it names the time-stamp token {name}, which the container lacks"),
            })?
            .data;
        let source = SigSource::Bytes(token);
        let env = envelope::open_envelope(&source, name, &[])?;
        let sd = crate::cms::signed_data::parse(&env.der)
            .map_err(|m| Error::Format(format!("{name}: {m}")))?;
        let data =
            self.verifier
                .validation_data(&sd, &[], std::slice::from_ref(token), self.now, &[])?;
        let mut parts = SignedDataParts::of(&sd);
        let (certificates_added, values_added) = embed(&data, &mut parts);
        if certificates_added + values_added == 0 {
            return Ok((None, 0, 0));
        }
        parts.settle_version();
        let len = env
            .content_len
            .ok_or_else(|| Error::Format(format!("{name}: the token has no TSTInfo")))?;
        let mut out = Vec::new();
        let mut stream = |w: &mut dyn std::io::Write| envelope::copy_embedded_content(&source, w);
        parts
            .write(&mut out, Some((len, &mut stream)))
            .map_err(|e| Error::io(std::path::Path::new(name), e))?;
        Ok((Some(out), certificates_added, values_added))
    }

    /// EN 319 162-1 §A.7: the container with its signatures `replaced` (already at B-LT), the
    /// current archive manifest renamed (item 2), and a new ASiCArchiveManifest.xml and its
    /// time-stamp token added (item 1 b, c).
    fn archive_container(
        &self,
        container: &[u8],
        c: &Container,
        replaced: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, Error> {
        let t = self.required_timestamper()?;
        let alg = t.hash_algorithm();
        let mut rename = Vec::new();
        if c.get(ARCHIVE_MANIFEST).is_some() {
            // A.7 item 2: "renamed ... ASiCArchiveManifestN.xml" with N not yet used.
            let k = first_free(c, "META-INF/ASiCArchiveManifest", ".xml");
            rename.push((
                ARCHIVE_MANIFEST.to_string(),
                format!("META-INF/ASiCArchiveManifest{k}.xml"),
            ));
        }
        // A.7 item 1 c: the token's name must not collide with an existing one.
        let n = first_free(c, "META-INF/timestamp", ".tst");
        let tst = format!("META-INF/timestamp{n}.tst");
        let entries: Vec<(String, &str, Vec<u8>)> = c
            .entries
            .iter()
            .filter(|e| e.name != "mimetype")
            .map(|e| {
                let name = rename
                    .iter()
                    .find(|(from, _)| *from == e.name)
                    .map_or(e.name.as_str(), |(_, to)| to.as_str())
                    .to_string();
                let data = replaced
                    .iter()
                    .find(|(n, _)| *n == e.name)
                    .map_or(e.data.as_slice(), |(_, b)| b.as_slice());
                let mime = crate::asic::media_type(&name);
                (name, mime, alg.digest(data))
            })
            .collect();
        let manifest = crate::asic::write_archive(&tst, &entries, alg);
        // RFC 3161 §2.4.1: the token's messageImprint is the hash of the manifest's bytes.
        let token = t.stamp(&manifest, self.now)?;
        let add = [(ARCHIVE_MANIFEST.to_string(), manifest), (tst, token)];
        crate::asic::edit(
            container,
            &crate::asic::Edits {
                rename: &rename,
                replace: replaced,
                add: &add,
            },
        )
        .map_err(asic_error)
    }
}

/// What the signature `sig` signs: the data object (ASiC-S) or the ASiCManifest whose
/// SigReference names it (ASiC-E, §A.4). For ASiC-E the manifest's digests are checked too:
/// the CAdES signature covers the manifest only, and a data object changed since signing makes
/// the signature fail for the container (the verifier's HASH_FAILURE), so it is not extended.
/// `manifests`: the container's, parsed once.
fn signed_content<'c>(
    c: &'c Container,
    manifests: &[ParsedManifest<'c>],
    sig: &Entry,
    index: usize,
) -> Result<&'c [u8], Error> {
    match c.kind {
        AsicKind::Simple => {
            let data: Vec<&Entry> = c.data_objects().collect();
            match data.as_slice() {
                [one] => Ok(&one.data),
                _ => Err(asic_error(AsicProblem::NotOneDataObject {
                    count: data.len(),
                })),
            }
        }
        AsicKind::Extended => {
            let (entry, manifest) = manifests
                .iter()
                .find_map(|(e, m)| {
                    m.as_ref()
                        .ok()
                        .filter(|m| m.sig_reference.as_deref() == Some(sig.name.as_str()))
                        .map(|m| (*e, m))
                })
                .ok_or_else(|| ExtendRefusal::SignatureNotValid {
                    index,
                    indication: "TOTAL-FAILED".into(),
                    sub_indication: "FORMAT_FAILURE".into(),
                    detail: format!(
                        "{}: no META-INF/ASiCManifest*.xml names it in its SigReference (EN 319 162-1 §4.4.2)",
                        sig.name
                    ),
                })?;
            check_references(c, manifest).map_err(|why| ExtendRefusal::SignatureNotValid {
                index,
                indication: "TOTAL-FAILED".into(),
                sub_indication: "HASH_FAILURE".into(),
                detail: format!("{} ({}): {why}", sig.name, entry.name),
            })?;
            Ok(&entry.data)
        }
    }
}

/// Every reference of `manifest` names an entry of `c` whose digest still matches (an
/// algorithm kyso does not know is left to the verifier). `Err`: why not.
fn check_references(c: &Container, manifest: &crate::asic::Manifest) -> Result<(), String> {
    for r in &manifest.references {
        if c.get(&r.uri).is_none() {
            return Err(format!(
                "it references '{}', which the container lacks",
                r.uri
            ));
        }
        if let Ok(alg) = r.algorithm {
            if c.digest(&r.uri, alg).is_some_and(|d| d != r.digest) {
                return Err(format!("the {alg} digest of '{}' no longer matches", r.uri));
            }
        }
    }
    Ok(())
}

/// What the earlier archive manifests of a container say.
#[derive(Default)]
struct Archived {
    /// The entries they cover.
    covered: Vec<String>,
    /// The token the current `ASiCArchiveManifest.xml` names (its SigReference).
    current_token: Option<String>,
}

/// The earlier archive manifests checked before a renewal (their references all match).
fn check_archive_manifests(c: &Container) -> Result<Archived, Error> {
    let mut out = Archived::default();
    for m in c.entries.iter().filter(|e| is_archive_manifest(&e.name)) {
        let broken = |detail: String| ExtendRefusal::ArchiveBroken {
            manifest: m.name.clone(),
            detail,
        };
        let parsed = crate::asic::parse_manifest(&m.data).map_err(broken)?;
        check_references(c, &parsed).map_err(broken)?;
        if m.name == ARCHIVE_MANIFEST {
            out.current_token = parsed.sig_reference;
        }
        for r in parsed.references {
            if !out.covered.contains(&r.uri) {
                out.covered.push(r.uri);
            }
        }
    }
    Ok(out)
}

/// The first N from 1 such that no entry is named `{prefix}N{suffix}` (compared without case,
/// as the reader compares names, and with leading zeros: DSS writes `timestamp001.tst`).
fn first_free(c: &Container, prefix: &str, suffix: &str) -> u64 {
    let (prefix, suffix) = (prefix.to_lowercase(), suffix.to_lowercase());
    // Every entry, whatever its case: the reader refuses two names equal but for case, so a
    // `meta-inf/...` entry must not be met by a new `META-INF/...` one.
    let taken: Vec<u64> = c
        .entries
        .iter()
        .filter_map(|e| {
            let lower = e.name.to_lowercase();
            let digits = lower.strip_prefix(&prefix)?.strip_suffix(&suffix)?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()
        })
        .collect();
    (1..).find(|n| !taken.contains(n)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_free_number_skips_taken_ones_with_leading_zeros_and_case() {
        let c = Container::new(
            AsicKind::Extended,
            [
                "META-INF/timestamp001.tst",
                "META-INF/TimeStamp2.tst",
                "a.tst",
            ]
            .iter()
            .map(|n| Entry {
                name: n.to_string(),
                data: Vec::new(),
            })
            .collect(),
            Vec::new(),
        );
        assert_eq!(first_free(&c, "META-INF/timestamp", ".tst"), 3);
        assert_eq!(first_free(&c, "META-INF/ASiCArchiveManifest", ".xml"), 1);
    }
}
