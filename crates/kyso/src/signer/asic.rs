//! Signing into ASiC containers (ETSI EN 319 162-1) with detached CAdES signatures: ASiC-S
//! (§4.3: one data object, `META-INF/signature.p7s` over it), ASiC-E (§4.4: the data objects
//! listed with their digests in `META-INF/ASiCManifest.xml`, which `META-INF/signature.p7s`
//! signs), and a later signature added to an ASiC-E container as a new manifest and
//! signature pair (§4.4.3), the existing entries copied raw.

use super::Signer;
use crate::asic;
use crate::error::{AsicProblem, Error};
use crate::report::AsicKind;

fn asic_error(problem: AsicProblem) -> Error {
    Error::Asic {
        path: "<container>".into(),
        problem,
    }
}

impl Signer {
    /// An ASiC-E container of `files` (name at the container's root, bytes), signed: the
    /// manifest lists each with its digest (this signer's digest algorithm), and the CAdES
    /// signature (B-B, or B-T with a time-stamper) is over the manifest. Returns the ZIP.
    pub fn sign_asic_e(&self, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Error> {
        self.refuse_attached()?;
        no_duplicates(files.iter().map(|(n, _)| n.as_str()))?;
        let signature = "META-INF/signature.p7s".to_string();
        let digests: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(n, d)| (n.clone(), self.digest.digest(d)))
            .collect();
        let manifest = asic::write_manifest(&signature, &digests, self.digest);
        let p7s = self.sign_bytes(&manifest)?;
        let data: Vec<(String, &[u8])> = files.iter().map(|(n, d)| (n.clone(), &d[..])).collect();
        asic::build(
            AsicKind::Extended,
            &data,
            &[
                ("META-INF/ASiCManifest.xml".into(), manifest),
                (signature, p7s),
            ],
        )
        .map_err(asic_error)
    }

    /// An ASiC-S container of one data object, signed: `META-INF/signature.p7s` is a detached
    /// CAdES signature over it. Returns the ZIP.
    pub fn sign_asic_s(&self, name: &str, data: &[u8]) -> Result<Vec<u8>, Error> {
        self.refuse_attached()?;
        let p7s = self.sign_bytes(data)?;
        asic::build(
            AsicKind::Simple,
            &[(name.to_string(), data)],
            &[("META-INF/signature.p7s".into(), p7s)],
        )
        .map_err(asic_error)
    }

    /// Add this signer's signature to a container (the organisation's after the
    /// official's). ASiC-E: `META-INF/ASiCManifestN.xml` over every data object and
    /// `META-INF/signatureN.p7s` over it, N the first free number from 2 (EN 319 162-1
    /// §4.4.3); the existing entries are copied raw. ASiC-S, whose one `signature.p7s` holds
    /// every signature (§4.3.2): a parallel SignerInfo added to it as
    /// [`Signer::add_to_bytes`] does (the existing SignerInfos byte for byte), the other
    /// entries copied raw. Every earlier signature still verifies. Refused when this
    /// certificate signed the container already ([`crate::SigningRefusal::AlreadySigned`]).
    pub fn add_to_asic(&self, container: &[u8]) -> Result<Vec<u8>, Error> {
        self.refuse_attached()?;
        let c = asic::read(container, &asic::Limits::default()).map_err(asic_error)?;
        if c.kind == AsicKind::Simple {
            let data: Vec<&asic::container::Entry> = c.data_objects().collect();
            let [object] = data.as_slice() else {
                return Err(asic_error(AsicProblem::NotOneDataObject {
                    count: data.len(),
                }));
            };
            let sig = c
                .get("META-INF/signature.p7s")
                .ok_or_else(|| asic_error(AsicProblem::NoSignature))?;
            let p7s = self.add_to_bytes(&sig.data, Some(&object.data))?;
            return asic::replace_entries(container, &[(sig.name.clone(), p7s)])
                .map_err(asic_error);
        }
        for e in c.entries.iter().filter(|e| {
            e.name.starts_with("META-INF/") && e.name.to_ascii_lowercase().ends_with(".p7s")
        }) {
            if let Ok(sd) = crate::cms::signed_data::parse(&e.data) {
                self.refuse_if_signed_by_me(&sd)?;
            }
        }
        let n = (2..)
            .find(|n| {
                c.get(&format!("META-INF/ASiCManifest{n}.xml")).is_none()
                    && c.get(&format!("META-INF/signature{n}.p7s")).is_none()
            })
            .unwrap_or(2);
        let signature = format!("META-INF/signature{n}.p7s");
        let digests: Vec<(String, Vec<u8>)> = c
            .data_objects()
            .map(|e| (e.name.clone(), self.digest.digest(&e.data)))
            .collect();
        let manifest = asic::write_manifest(&signature, &digests, self.digest);
        let p7s = self.sign_bytes(&manifest)?;
        asic::add_entries(
            container,
            &[
                (format!("META-INF/ASiCManifest{n}.xml"), manifest),
                (signature, p7s),
            ],
        )
        .map_err(asic_error)
    }

    fn refuse_attached(&self) -> Result<(), Error> {
        if self.attached {
            return Err(Error::Format(
                "signatures in an ASiC container are detached (EN 319 162-1 §4.3.2, §4.4.2): build the signer without attached(true)".into(),
            ));
        }
        Ok(())
    }
}

fn no_duplicates<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), Error> {
    let mut seen: Vec<String> = Vec::new();
    for n in names {
        let fold = n.to_lowercase();
        if seen.contains(&fold) {
            return Err(asic_error(AsicProblem::DuplicateEntry { name: n.into() }));
        }
        seen.push(fold);
    }
    Ok(())
}
