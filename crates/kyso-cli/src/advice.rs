//! The CLI's wording of the library's hints: the library says what would help as data
//! ([`kyso::Hint`]); here that becomes advice naming this program's flags.

use kyso::{Hint, Lang};

/// `; hint: ...` to append to a message, or nothing when there is no hint.
pub fn suffix(hint: Option<&Hint>, lang: Lang) -> String {
    hint.and_then(|h| advice(h, lang))
        .map(|a| format!("; {} {a}", lang.pick("hint:", "gợi ý:")))
        .unwrap_or_default()
}

/// `message` followed by the hint's advice, if any.
pub fn with_hint(message: String, hint: Option<Hint>, lang: Lang) -> String {
    let s = suffix(hint.as_ref(), lang);
    if s.is_empty() {
        message
    } else {
        message + &s
    }
}

/// What to do, with the flags of `kyso`.
pub fn advice(hint: &Hint, lang: Lang) -> Option<String> {
    let fixed = match hint {
        Hint::MissingContent { .. } => lang.pick(
            "pass the signed file with --content",
            "chỉ định tài liệu đã ký bằng --content",
        ),
        Hint::WrongContent => lang.pick(
            "check you passed the right file with --content",
            "kiểm tra xem tệp chỉ định bằng --content có đúng là tài liệu đã ký không",
        ),
        Hint::MissingTrustAnchor => lang.pick(
            "pass the root certificate with --trust (or set KYSO_TRUST)",
            "chỉ định chứng thư số gốc tin cậy bằng --trust (hoặc biến môi trường KYSO_TRUST)",
        ),
        Hint::MissingRoot { .. } => {
            return Some(crate::msg::render(lang, "advice_missing_root", &[]))
        }
        Hint::MissingIntermediate {
            issuer, ca_issuers, ..
        } => {
            let mut s =
                crate::msg::render(lang, "advice_missing_issuer", &[("issuer", issuer.clone())]);
            if let Some(url) = ca_issuers.first() {
                s.push_str("; ");
                s.push_str(&crate::msg::render(
                    lang,
                    "advice_download_issuer",
                    &[("url", url.clone())],
                ));
            }
            return Some(s);
        }
        Hint::MissingSignerCertificate { .. } => lang.pick(
            "pass it with --intermediates",
            "chỉ định chứng thư số của người ký bằng --intermediates",
        ),
        Hint::MissingCrl => lang.pick(
            "pass the CAs' CRLs with --crl or OCSP responses with --ocsp (and --revocation required to insist)",
            "chỉ định CRL của các CA bằng --crl hoặc phản hồi OCSP bằng --ocsp (thêm --revocation required để bắt buộc kiểm tra thu hồi)",
        ),
        Hint::StaleCrl => lang.pick("fetch a current CRL", "tải CRL mới nhất của CA về"),
        Hint::CheckPolicy => lang.pick(
            "check --policy and the CAs' certificatePolicies",
            "kiểm tra --policy và certificatePolicies của các CA",
        ),
        _ => return None,
    };
    Some(fixed.to_string())
}

/// Flag advice for the library error behind `e`, by its code and evidence.
pub fn for_anyhow(e: &anyhow::Error, lang: Lang) -> Option<String> {
    let kyso_error = e.chain().find_map(|c| c.downcast_ref::<kyso::Error>());
    if let Some(kyso::Error::WrongFileType { expected, found }) = kyso_error {
        return wrong_file(*expected, found).map(|code| crate::msg::render(lang, code, &[]));
    }
    crate::error_code(e)
        .and_then(for_error)
        .map(|code| crate::msg::render(lang, code, &[]))
}

/// What to give instead of a file of the wrong kind (the message code).
fn wrong_file(expected: kyso::Expected, found: &kyso::FileKind) -> Option<&'static str> {
    use kyso::Expected as E;
    let cert = found.may_hold_certificates();
    let key = found.is_private_key();
    let p12 = *found == kyso::FileKind::Pkcs12;
    Some(match expected {
        E::Pkcs12 if cert => "advice_cert_for_p12",
        E::Pkcs12 if key => "advice_key_for_p12",
        E::PrivateKey if p12 => "advice_p12_for_key",
        E::PrivateKey if cert => "advice_cert_for_key",
        E::Certificate if p12 => "advice_p12_for_cert",
        E::Certificate if key => "advice_key_for_cert",
        _ => return None,
    })
}

/// The message code of the flag advice for a library error, by its stable code
/// ([`kyso::Error::code`]).
pub fn for_error(code: &str) -> Option<&'static str> {
    Some(match code {
        "password_required" => "advice_password_required",
        "wrong_password" => "advice_wrong_password",
        "file_not_found" => "advice_file_not_found",
        "pkcs12_legacy_encryption" => "advice_legacy_p12",
        "signing_refused_digest_not_allowed" => "advice_digest",
        "signing_refused_pss_needs_rsa" => "advice_pss",
        "token_no_module" | "token_module_not_found" => "advice_module",
        "token_final_try_not_confirmed" => "advice_final_try",
        "token_certificate_not_found" | "token_bad_certificate" => "advice_token_cert",
        "token_key_certificate_mismatch" => "advice_token_mismatch",
        "token_mechanism_not_supported" => "advice_mechanism",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hint_has_advice_in_both_languages() {
        let all = [
            Hint::MissingContent { looked_for: None },
            Hint::WrongContent,
            Hint::MissingTrustAnchor,
            Hint::MissingIntermediate {
                subject: "CN=a".into(),
                issuer: "CN=b".into(),
                ca_issuers: vec!["http://ca.vn/b.crt".into()],
            },
            Hint::MissingRoot {
                subject: "CN=r".into(),
            },
            Hint::MissingSignerCertificate {
                signer_id: "x".into(),
            },
            Hint::MissingCrl,
            Hint::StaleCrl,
            Hint::CheckPolicy,
        ];
        for h in &all {
            let (en, vi) = (advice(h, Lang::En), advice(h, Lang::Vi));
            assert!(
                en.as_ref()
                    .is_some_and(|s| s.contains("--") || s.contains("CRL")),
                "{h:?}"
            );
            assert!(vi.is_some() && vi != en, "{h:?}");
        }
    }
}
