//! `kyso inspect`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use kyso::{CertificateDetails, Inspection, Lang};

use crate::exit;
use crate::output::{self, Format, LangArg};
use crate::secret::{self, SecretSource};

/// Arguments of `kyso inspect`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Language of the text output (default from the locale).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Password to open PKCS#12 files: env:VAR, file:PATH, fd:N or stdin.
    #[arg(long, value_name = "SOURCE", value_parser = crate::secret::SecretSourceParser)]
    pass: Option<SecretSource>,
    /// Files: certificates (PEM/DER/bundle), .p7b, PKCS#12, CMS signatures.
    #[arg(value_name = "FILE", required = true, value_parser = crate::paths::input)]
    files: Vec<PathBuf>,
}

pub fn run(a: Args) -> Result<u8> {
    let lang = output::lang(a.lang);
    let now = kyso::Timestamp::now();
    let mut results = Vec::new();
    let mut failed = false;
    for f in &a.files {
        let data =
            std::fs::read(f).with_context(|| crate::tr!("cannot_read", path = f.display()))?;
        let mut inspection = kyso::inspect(&data, now);
        if let (Ok(Inspection::Pkcs12 { .. }), Some(_)) = (&inspection, &a.pass) {
            let pass = secret::read(a.pass.as_ref(), &crate::tr!("prompt_p12_password"))?;
            inspection = kyso::inspect_pkcs12(&data, &pass, now);
        }
        match inspection {
            Ok(i) => results.push((f.display().to_string(), i)),
            Err(e) => {
                failed = true;
                eprintln!(
                    "kyso: {} {}",
                    crate::tr!("error"),
                    crate::tr!("file_error", path = f.display(), error = e.message(lang))
                );
            }
        }
    }
    match a.format {
        Format::Json => {
            let v: Vec<serde_json::Value> = results
                .iter()
                .map(|(f, i)| serde_json::json!({"file": f, "content": i}))
                .collect();
            output::print(
                &(serde_json::to_string_pretty(
                    &serde_json::json!({"schema": "kyso.inspect/v1", "files": v}),
                )? + "\n"),
            );
        }
        Format::Text => {
            let mut s = String::new();
            for (f, i) in &results {
                let _ = writeln!(s, "{f}:");
                render(&mut s, i, lang);
            }
            output::print(&s);
        }
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}

fn render(s: &mut String, i: &Inspection, lang: Lang) {
    match i {
        Inspection::Certificates { certificates } => {
            for (n, c) in certificates.iter().enumerate() {
                // Numbered from 1 in text, as verify numbers signatures (JSON keeps indexes).
                let _ = writeln!(
                    s,
                    "  {} #{}",
                    lang.pick("certificate", "chứng thư số"),
                    n + 1
                );
                cert(s, c, lang, "    ");
            }
        }
        Inspection::SignedData {
            attached,
            content_length,
            content_type,
            signers,
            certificates,
            crls,
        } => {
            let _ = writeln!(
                s,
                "  CMS SignedData, {} ({}), {} CRL",
                if *attached {
                    lang.pick("attached content", "nội dung đính kèm")
                } else {
                    lang.pick("detached", "tách rời")
                },
                content_length.map_or_else(
                    || content_type.clone(),
                    |l| format!("{l} {}, {content_type}", lang.pick("bytes", "byte"))
                ),
                crls,
            );
            for sgn in signers {
                let _ = writeln!(
                    s,
                    "  {} #{}: {}",
                    lang.pick("signer", "người ký"),
                    sgn.index + 1,
                    sgn.signer
                );
                if let Some(t) = sgn.signing_time {
                    let _ = writeln!(s, "    {} {t}", lang.pick("signing time:", "thời điểm ký:"));
                }
                let _ = writeln!(
                    s,
                    "    {} {} / {}",
                    lang.pick("algorithms:", "thuật toán:"),
                    sgn.digest_algorithm,
                    with_oid(&sgn.signature_algorithm, &sgn.signature_algorithm_oid)
                );
                let _ = writeln!(
                    s,
                    "    {} {}",
                    lang.pick("signed attributes:", "thuộc tính được ký:"),
                    sgn.signed_attributes.join(", ")
                );
                if !sgn.unsigned_attributes.is_empty() {
                    let _ = writeln!(
                        s,
                        "    {} {}",
                        lang.pick("unsigned attributes:", "thuộc tính không được ký:"),
                        sgn.unsigned_attributes.join(", ")
                    );
                }
            }
            for (n, c) in certificates.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  {} #{}",
                    lang.pick("embedded certificate", "chứng thư số kèm theo"),
                    n + 1
                );
                cert(s, c, lang, "    ");
            }
        }
        Inspection::Pkcs12 { note } => {
            let note = match lang {
                Lang::En => note.clone(),
                Lang::Vi => "khóa bí mật và chứng thư số trong tệp đã được mã hóa (cung cấp mật khẩu qua --pass để mở)".into(),
            };
            let _ = writeln!(s, "  PKCS#12: {note}");
        }
        _ => {}
    }
}

fn cert(s: &mut String, c: &CertificateDetails, lang: Lang, ind: &str) {
    let _ = writeln!(
        s,
        "{ind}{} {}",
        lang.pick("subject:", "chủ thể:"),
        c.subject
    );
    for f in &c.subject_attributes {
        let label = match lang {
            Lang::Vi => f.label_vi.as_deref(),
            Lang::En => f.label_en.as_deref(),
        };
        match label {
            Some(l) => {
                let _ = writeln!(s, "{ind}  {}={} ({l})", f.key, f.value);
            }
            None => {
                let _ = writeln!(s, "{ind}  {}={}", f.key, f.value);
            }
        }
    }
    let _ = writeln!(
        s,
        "{ind}{} {}",
        lang.pick("issuer:", "tổ chức cấp:"),
        c.issuer
    );
    let _ = writeln!(s, "{ind}{} {}", lang.pick("serial:", "số hiệu:"), c.serial);
    let days = if c.days_left >= 0 {
        match lang {
            Lang::Vi => format!("còn {} ngày", c.days_left),
            _ => format!("{} days left", c.days_left),
        }
    } else {
        lang.pick("EXPIRED", "ĐÃ HẾT HẠN").to_string()
    };
    let _ = writeln!(
        s,
        "{ind}{} {} .. {} ({days})",
        lang.pick("validity:", "hiệu lực:"),
        c.not_before,
        c.not_after
    );
    // The key's description says "bits"; Vietnamese has no plural ("2048 bit").
    let key = match lang {
        Lang::Vi => c.key.to_string().replace(" bits", " bit"),
        Lang::En => c.key.to_string(),
    };
    let _ = writeln!(s, "{ind}{} {key}", lang.pick("key:", "khóa công khai:"));
    let _ = writeln!(
        s,
        "{ind}{} {}",
        lang.pick("signature algorithm:", "thuật toán ký:"),
        with_oid(&c.signature_algorithm, &c.signature_algorithm_oid)
    );
    if let Some(k) = &c.key_usage {
        let _ = writeln!(s, "{ind}keyUsage: {}", k.join(", "));
    }
    if let Some(k) = &c.extended_key_usage {
        let _ = writeln!(s, "{ind}extendedKeyUsage: {}", k.join(", "));
    }
    if c.is_ca {
        let _ = writeln!(s, "{ind}CA: {}", lang.pick("yes", "có"));
    }
    if !c.subject_alt_names.is_empty() {
        let _ = writeln!(s, "{ind}subjectAltName: {}", c.subject_alt_names.join(", "));
    }
    if let Some(k) = &c.subject_key_identifier {
        let _ = writeln!(s, "{ind}subjectKeyIdentifier: {k}");
    }
    if let Some(k) = &c.authority_key_identifier {
        let _ = writeln!(s, "{ind}authorityKeyIdentifier: {k}");
    }
    if !c.crl_distribution_points.is_empty() {
        let _ = writeln!(s, "{ind}cRLDistributionPoints:");
        for dp in &c.crl_distribution_points {
            let mut line = dp.names.join(", ");
            if let Some(r) = &dp.reasons {
                let _ = write!(
                    line,
                    " ({} {})",
                    lang.pick("reasons:", "lý do:"),
                    r.join(", ")
                );
            }
            if !dp.crl_issuer.is_empty() {
                let _ = write!(
                    line,
                    " ({} {})",
                    lang.pick("CRL issuer:", "tổ chức phát hành CRL:"),
                    dp.crl_issuer.join(", ")
                );
            }
            let _ = writeln!(s, "{ind}  {}", line.trim_start());
        }
    }
    for u in &c.ocsp_urls {
        let _ = writeln!(s, "{ind}OCSP: {u}");
    }
    for u in &c.ca_issuers_urls {
        let _ = writeln!(s, "{ind}caIssuers: {u}");
    }
    if !c.certificate_policies.is_empty() {
        let _ = writeln!(s, "{ind}certificatePolicies:");
        for p in &c.certificate_policies {
            match &p.name {
                Some(n) => {
                    let _ = writeln!(s, "{ind}  {} — {n}", p.oid);
                }
                None => {
                    let _ = writeln!(s, "{ind}  {}", p.oid);
                }
            }
            for u in &p.cps {
                let _ = writeln!(s, "{ind}    CPS: {u}");
            }
            for n in &p.user_notices {
                let _ = writeln!(s, "{ind}    {} {n}", lang.pick("notice:", "thông báo:"));
            }
        }
    }
    let _ = writeln!(s, "{ind}SHA-256: {}", c.sha256_fingerprint);
    let _ = writeln!(s, "{ind}SHA-1:   {}", c.sha1_fingerprint);
}

/// `name (dotted)` when the OID has a name, else just the dotted OID.
fn with_oid(name: &str, oid: &str) -> String {
    if name == oid {
        oid.to_string()
    } else {
        format!("{name} ({oid})")
    }
}
