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
pub fn advice(hint: &Hint, lang: Lang) -> Option<&'static str> {
    Some(match hint {
        Hint::MissingContent { .. } => lang.pick(
            "pass the signed file with --content",
            "chỉ định tệp đã ký bằng --content",
        ),
        Hint::WrongContent => lang.pick(
            "check you passed the right file with --content",
            "kiểm tra đúng tệp với --content",
        ),
        Hint::MissingTrustAnchor => lang.pick(
            "pass the root certificate with --trust (or set KYSO_TRUST)",
            "chỉ định bằng --trust hoặc biến KYSO_TRUST",
        ),
        Hint::MissingIntermediate { .. } => lang.pick(
            "intermediate missing? pass it with --intermediates, or the root with --trust",
            "thêm chứng thư số trung gian bằng --intermediates hoặc gốc bằng --trust",
        ),
        Hint::MissingSignerCertificate { .. } => lang.pick(
            "pass it with --intermediates",
            "cung cấp chứng thư số bằng --intermediates",
        ),
        Hint::MissingCrl => lang.pick(
            "pass the CAs' CRLs with --crl (and --revocation required to insist)",
            "cung cấp CRL của CA bằng --crl",
        ),
        Hint::StaleCrl => lang.pick("fetch a current CRL", "tải CRL mới nhất của CA"),
        Hint::CheckPolicy => lang.pick(
            "check --policy and the CAs' certificatePolicies",
            "kiểm tra --policy và certificatePolicies của các CA",
        ),
        _ => return None,
    })
}

/// Flag advice for a library error, by its stable code ([`kyso::Error::code`]).
pub fn for_error(code: &str) -> Option<&'static str> {
    Some(match code {
        "password_required" => {
            "give the password with --pass env:VAR, file:PATH, fd:N or stdin (or run on a terminal to be asked)"
        }
        "signing_refused_digest_not_allowed" => "choose another --digest, or drop it",
        "signing_refused_pss_needs_rsa" => "drop --pss for this key",
        "token_no_module" | "token_module_not_found" => {
            "pass --module PATH or set KYSO_PKCS11_MODULE"
        }
        "token_final_try_not_confirmed" => {
            "answer yes at the prompt or pass --confirm-final-pin-try"
        }
        "token_certificate_not_found" | "token_bad_certificate" => {
            "give the certificate with --cert FILE"
        }
        "token_key_certificate_mismatch" => "give the right --cert, or select the key by its id",
        "token_mechanism_not_supported" => "choose another --digest, or drop --pss",
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
                en.is_some_and(|s| s.contains("--") || s.contains("CRL")),
                "{h:?}"
            );
            assert!(vi.is_some() && vi != en, "{h:?}");
        }
    }
}
