//! Signing PDFs: PAdES baseline B-B (ETSI EN 319 142-1 §6.3) as an incremental update
//! (ISO 32000-1 §7.5.6, §12.8), and the PAdES B-T signature-time-stamp inside its CMS.
//!
//! The original bytes are written unchanged, then the update: the signature dictionary
//! (/SubFilter /ETSI.CAdES.detached, the claimed signing time as /M, a /Contents placeholder),
//! its field and widget, and the form and page entries that list them. The CMS is a detached
//! SignedData over the /ByteRange, the whole new file but the placeholder: content-type id-data,
//! message-digest and ESS signing-certificate-v2, no signing-time attribute (§6.3: "the
//! signing-time attribute shall not be present"), no /Cert entry.

use std::io::Write;
use std::path::Path;

use super::Signer;
use crate::encoding::time::Timestamp;
use crate::error::{Error, SigningRefusal};
use crate::pdf::sign::{self, NewSignature, Placement, SigKind};
use crate::pdf::{Document, Limits};

/// Where a visible signature block goes (what it shows: [`PdfSignOptions::lines`] and
/// [`PdfSignOptions::image`]).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct VisibleSignature {
    /// The page, from 1.
    pub page: usize,
    /// The rectangle in PDF points from the page's lower-left corner: x, y, width, height.
    pub rect: [f64; 4],
}

impl VisibleSignature {
    /// A block on `page` (from 1) at `x, y` (points from the lower-left corner), `w` wide and
    /// `h` high: `rect` is `[x, y, w, h]`.
    pub fn new(page: usize, rect: [f64; 4]) -> Self {
        VisibleSignature { page, rect }
    }

    /// The default text, in Vietnamese: the signer's name, the organisation (the
    /// certificate's O, when it has one) and the signing time in Vietnam's time (UTC+7, the
    /// country has one zone and no daylight saving).
    pub fn default_lines(cert: &crate::Certificate, at: Timestamp) -> Vec<String> {
        let mut lines = vec![format!("Ký bởi: {}", cert.common_name())];
        if let Some((_, o)) = cert
            .subject_attributes()
            .into_iter()
            .find(|(k, _)| k == "O")
        {
            lines.push(format!("Cơ quan: {o}"));
        }
        let t = at.datetime().to_offset(time::macros::offset!(+7));
        lines.push(format!(
            "Thời gian ký: {:02}/{:02}/{} {:02}:{:02}:{:02} +07:00",
            t.day(),
            u8::from(t.month()),
            t.year(),
            t.hour(),
            t.minute(),
            t.second()
        ));
        lines
    }
}

/// A certification signature's permission: what later changes keep it valid (ISO 32000-1
/// §12.8.2.2 Table 254, the DocMDP transform's /P). The certifying author's (the issuing
/// organisation's) signature, first in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Certification {
    /// /P 1: no changes at all; not even a further signature (validation data and document
    /// time-stamps are still added, as PAdES B-LT and B-LTA need).
    NoChanges,
    /// /P 2: filling in the form, and further signatures.
    FormFilling,
    /// /P 3: also annotations (comments) and their deletion.
    Annotations,
}

impl Certification {
    /// The DocMDP /P value (1, 2 or 3).
    pub fn permission(self) -> u8 {
        match self {
            Certification::NoChanges => 1,
            Certification::FormFilling => 2,
            Certification::Annotations => 3,
        }
    }
}

/// How to sign a PDF: the field, the text entries of the signature dictionary, a visible block.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct PdfSignOptions {
    /// The signature field: an existing empty signature field of this name is signed into;
    /// else a new field of this name is made. Default: a new `Signature1`, `Signature2`...
    pub field: Option<String>,
    /// /Reason (ISO 32000-1 §12.8.1 Table 252).
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// /ContactInfo.
    pub contact_info: Option<String>,
    /// A visible block; `None`: an invisible signature, or the existing field's own
    /// rectangle when `field` names an empty signature field with one.
    pub visible: Option<VisibleSignature>,
    /// The block's text lines, top to bottom; empty: [`VisibleSignature::default_lines`].
    pub lines: Vec<String>,
    /// A PNG drawn at the block's left (the organisation's seal, a handwritten signature).
    pub image: Option<Vec<u8>>,
    /// A certification signature with this permission instead of an approval signature;
    /// refused when the PDF is already signed (it must be the first, ISO 32000-1 §12.8.2.2.1).
    pub certify: Option<Certification>,
}

impl PdfSignOptions {
    /// No field name, no text entries, invisible.
    pub fn new() -> Self {
        Self::default()
    }
    /// See [`PdfSignOptions::field`].
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = Some(name.into());
        self
    }
    /// See [`PdfSignOptions::reason`].
    pub fn reason(mut self, s: impl Into<String>) -> Self {
        self.reason = Some(s.into());
        self
    }
    /// See [`PdfSignOptions::location`].
    pub fn location(mut self, s: impl Into<String>) -> Self {
        self.location = Some(s.into());
        self
    }
    /// See [`PdfSignOptions::contact_info`].
    pub fn contact_info(mut self, s: impl Into<String>) -> Self {
        self.contact_info = Some(s.into());
        self
    }
    /// See [`PdfSignOptions::visible`].
    pub fn visible(mut self, v: VisibleSignature) -> Self {
        self.visible = Some(v);
        self
    }
    /// See [`PdfSignOptions::lines`].
    pub fn lines(mut self, lines: Vec<String>) -> Self {
        self.lines = lines;
        self
    }
    /// See [`PdfSignOptions::image`].
    pub fn image(mut self, png: Vec<u8>) -> Self {
        self.image = Some(png);
        self
    }
    /// See [`PdfSignOptions::certify`].
    pub fn certify(mut self, c: Certification) -> Self {
        self.certify = Some(c);
        self
    }
}

/// What signing a PDF did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PdfSigned {
    /// The signature field's full name.
    pub field: String,
    /// Signatures (and document time-stamps) the PDF already had; the new one is added after
    /// them and they stay valid.
    pub earlier_signatures: usize,
    /// Bytes the update appended to the original file.
    pub appended: usize,
    /// The permission of the certification signature made, `None` for an approval signature.
    pub certification: Option<Certification>,
}

/// Bytes reserved in /Contents beyond the CMS estimate, and for a signature-time-stamp
/// token with its TSA's certificates.
const CONTENTS_MARGIN: usize = 2048;
const TIMESTAMP_ALLOWANCE: usize = 16 * 1024;

impl Signer {
    /// Sign the PDF `pdf` (its bytes): write the original bytes then an incremental update
    /// with the new signature to `out`. A PDF that is already signed gets a further signature
    /// (co-signing: the official's, then the organisation's); the earlier ones stay valid.
    /// Refused when this certificate already signed the PDF, when a certification signature
    /// allows no changes (DocMDP /P 1), and for encrypted or unreadable PDFs.
    ///
    /// ```no_run
    /// use kyso::{PdfSignOptions, Signer, SigningKey, Timestamp, Verifier, VisibleSignature};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let key = SigningKey::from_pkcs12(&std::fs::read("org.p12")?, b"password")?;
    /// let now = Timestamp::now();
    /// let signer = Signer::new(key).signing_time(now).now(now).build()?;
    /// let options = PdfSignOptions::new()
    ///     .visible(VisibleSignature::new(1, [330.0, 40.0, 230.0, 80.0])) // page 1, x, y, w, h
    ///     .image(std::fs::read("seal.png")?)
    ///     .location("Hà Nam");
    /// let pdf = std::fs::read("qd-15.pdf")?;
    /// let mut signed = Vec::new(); // the original bytes, then the incremental update
    /// let done = signer.sign_pdf(&pdf, &options, &mut signed)?;
    /// println!("field {}, {} earlier signature(s) kept", done.field, done.earlier_signatures);
    /// let report = Verifier::new().verify_pdf_bytes("qd-15.pdf", &signed, now);
    /// # let _ = report; Ok(()) }
    /// ```
    pub fn sign_pdf(
        &self,
        pdf: &[u8],
        options: &PdfSignOptions,
        out: &mut dyn Write,
    ) -> Result<PdfSigned, Error> {
        let doc = Document::parse(pdf, &Limits::default()).map_err(pdf_error)?;
        let earlier = self.check_pdf_signable(&doc)?;
        if options.certify.is_some() && earlier > 0 {
            return Err(Error::SigningRefused(SigningRefusal::PdfCertifyNotFirst {
                signatures: earlier,
            }));
        }
        let m = pdf_date(self.signing_time);
        let name = self.key.cert.common_name();
        let mut contents_len = self.cms_estimate();
        let placement = match &options.visible {
            Some(v) => Some(placement(v)?),
            None => None,
        };
        // Drawn in a visible block, or in an existing field's rectangle.
        let drawn = placement.is_some() || options.field.is_some();
        let lines = if options.lines.is_empty() {
            VisibleSignature::default_lines(&self.key.cert, self.signing_time)
        } else {
            options.lines.clone()
        };
        // At most two layouts: the estimate, then (rarely: a TSA with a long chain) the size
        // the first CMS needed. Each signs once.
        for _ in 0..2 {
            let mut draw = |w: f64, h: f64, next: &mut u32| {
                let spec = crate::pdf::AppearanceSpec {
                    width: w,
                    height: h,
                    lines: &lines,
                    image: options.image.as_deref(),
                };
                let a = crate::pdf::build_appearance(&spec, next)?;
                Ok((a.form, a.objects))
            };
            let mut prepared = sign::prepare(
                &doc,
                NewSignature {
                    kind: SigKind::Signature {
                        m: &m,
                        name: Some(&name),
                        reason: options.reason.as_deref(),
                        location: options.location.as_deref(),
                        contact_info: options.contact_info.as_deref(),
                        certify: options.certify.map(Certification::permission),
                    },
                    field: options.field.as_deref(),
                    placement,
                    appearance: if drawn { Some(&mut draw) } else { None },
                    contents_len,
                    new_id: update_id(pdf, &self.seed()),
                },
            )
            .map_err(pdf_error)?;
            let digest = {
                let (a, b) = prepared.signed_update_parts();
                let mut h = self.digest.hasher().map_err(crate::crypto::openssl_error)?;
                for part in [pdf, a, b] {
                    h.update(part).map_err(crate::crypto::openssl_error)?;
                }
                h.finish().map_err(crate::crypto::openssl_error)?
            };
            let cms = self.pades_cms(&digest)?;
            match prepared.fill(&cms) {
                Ok(()) => {
                    out.write_all(pdf)
                        .and_then(|()| out.write_all(&prepared.update))
                        .map_err(|e| Error::io(Path::new("<output>"), e))?;
                    return Ok(PdfSigned {
                        field: prepared.field,
                        earlier_signatures: earlier,
                        appended: prepared.update.len(),
                        certification: options.certify,
                    });
                }
                Err(needed) => contents_len = needed + CONTENTS_MARGIN,
            }
        }
        Err(Error::Crypto(
            "the signature did not fit the space reserved for it in the PDF".into(),
        ))
    }

    /// [`Signer::sign_pdf`] on a file (read whole: the reader needs random access, bounded
    /// by its 1 GiB limit).
    pub fn sign_pdf_file(
        &self,
        path: &Path,
        options: &PdfSignOptions,
        out: &mut dyn Write,
    ) -> Result<PdfSigned, Error> {
        let pdf = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.sign_pdf(&pdf, options, out).map_err(|e| match e {
            Error::Pdf(detail) => Error::Pdf(format!("{}: {detail}", path.display())),
            e => e,
        })
    }

    /// The number of signatures already in the PDF; refused when this certificate made one
    /// of them, or when a certification signature allows no changes.
    fn check_pdf_signable(&self, doc: &Document<'_>) -> Result<usize, Error> {
        let fields = doc.signature_fields().map_err(pdf_error)?;
        for f in &fields {
            let Ok(sig) = &f.signature else { continue };
            if sig.references.iter().any(|r| {
                r.transform_method.as_ref().is_some_and(|m| m.is("DocMDP")) && r.p == Some(1)
            }) {
                return Err(Error::SigningRefused(SigningRefusal::PdfNoChangesAllowed {
                    field: f.name.clone(),
                }));
            }
            let Some(contents) = &sig.contents else {
                continue;
            };
            let der = crate::verifier::der_prefix(&contents.bytes);
            if let Ok(sd) = crate::cms::signed_data::parse(der) {
                self.refuse_if_signed_by_me(&sd)?;
            }
        }
        Ok(fields.len())
    }

    /// Bytes the CMS will take: the certificates, the signature value, the attributes, and a
    /// time-stamp token when B-T.
    fn cms_estimate(&self) -> usize {
        let certs: usize = self.certificates().iter().map(Vec::len).sum();
        let sig = (self.key.cert.key_info().bits as usize / 8).max(128) * 2;
        let ts = if self.timestamper.is_some() {
            TIMESTAMP_ALLOWANCE
        } else {
            0
        };
        certs + sig + ts + CONTENTS_MARGIN
    }

    /// What makes this signer's update unique: the certificate and the signing time.
    fn seed(&self) -> Vec<u8> {
        let mut seed = self.key.cert.der().to_vec();
        seed.extend_from_slice(&self.signing_time.unix().to_be_bytes());
        seed
    }

    /// The detached SignedData over the byte range's `digest`.
    fn pades_cms(&self, digest: &[u8]) -> Result<Vec<u8>, Error> {
        let parts = self.new_envelope(digest, false)?;
        let mut out = Vec::new();
        parts
            .write(&mut out, None)
            .map_err(|e| Error::io(Path::new("<memory>"), e))?;
        Ok(out)
    }
}

/// A second /ID string for an update of `file` (ISO 32000-1 §14.4: the first stays, the
/// second changes with each update): SHA-256 over the file's length, its first and last
/// kilobyte and `seed`, cut to 16 bytes. Not the whole file: a 100 MiB PDF is hashed once,
/// for its signature.
pub(crate) fn update_id(file: &[u8], seed: &[u8]) -> [u8; 16] {
    let mut input = (file.len() as u64).to_be_bytes().to_vec();
    input.extend_from_slice(&file[..file.len().min(1024)]);
    input.extend_from_slice(&file[file.len().saturating_sub(1024)..]);
    input.extend_from_slice(seed);
    let d = crate::crypto::DigestAlgorithm::Sha256.digest(&input);
    let mut id = [0u8; 16];
    id.copy_from_slice(&d[..16]);
    id
}

/// The block's page and `[x1 y1 x2 y2]`; a rectangle that is not positive is refused.
fn placement(v: &VisibleSignature) -> Result<Placement, Error> {
    let [x, y, w, h] = v.rect;
    if !(v.page != 0 && w > 0.0 && h > 0.0 && x.is_finite() && y.is_finite()) {
        return Err(Error::Pdf(format!(
            "the visible signature needs a page from 1 and a width and height above 0 (got \
             page {}, {w} x {h})",
            v.page
        )));
    }
    Ok(Placement {
        page: v.page - 1,
        rect: [x, y, x + w, y + h],
    })
}

/// A PDF date (ISO 32000-1 §7.9.4) in UTC: `D:YYYYMMDDHHmmSS+00'00'`.
pub(crate) fn pdf_date(t: Timestamp) -> String {
    let d = t.datetime();
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

pub(crate) fn pdf_error(e: crate::pdf::PdfError) -> Error {
    Error::Pdf(e.to_string())
}
