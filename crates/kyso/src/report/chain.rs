//! The ETSI sub-indication and the text of each path validation error: the path layer's errors
//! are data only, and this is where they become part of the report.

use crate::path::ChainError;
use crate::report::{Lang, SubIndication};

impl ChainError {
    /// ETSI EN 319 102-1 sub-indication.
    pub fn sub_indication(&self) -> SubIndication {
        use ChainError::*;
        match self {
            NoTrustAnchors | UnknownIssuer { .. } => SubIndication::NoCertificateChainFound,
            BadCertificateSignature { .. } | BudgetExceeded | MalformedCertificate { .. } => {
                SubIndication::CertificateChainGeneralFailure
            }
            Expired { .. } => SubIndication::OutOfBoundsNoPoe,
            NotYetValid { .. } => SubIndication::NotYetValid,
            NotCa { .. }
            | KeyCertSignMissing { .. }
            | PathLenExceeded { .. }
            | UnknownCriticalExtension { .. }
            | UnsupportedNameConstraint { .. }
            | NameConstraintViolation { .. }
            | NoAcceptablePolicy { .. }
            | AnyPolicyMapped { .. }
            | PolicyTreeTooLarge { .. }
            | TooManyNameChecks { .. }
            | EkuNotAllowed { .. } => SubIndication::ChainConstraintsFailure,
            WeakAlgorithm { .. } => SubIndication::CryptoConstraintsFailure,
            // ETSI EN 319 102-1 §5.2.6: REVOKED is TOTAL-FAILED; unknown status is
            // INDETERMINATE (TRY_LATER: revocation information may become available).
            Revoked { .. } => SubIndication::Revoked,
            RevocationUnknown { .. } => SubIndication::TryLater,
        }
    }

    /// What happened and what to do.
    pub fn message(&self, lang: Lang) -> String {
        use ChainError::*;
        let vi = lang == Lang::Vi;
        match self {
            NoTrustAnchors => if vi {
                "chưa có chứng thư gốc tin cậy nào; gợi ý: chỉ định bằng --trust hoặc biến KYSO_TRUST".into()
            } else {
                "no trust anchor was given, so the chain cannot be validated; hint: pass the root certificate with --trust (or set KYSO_TRUST)".into()
            },
            UnknownIssuer { subject, issuer } => if vi {
                format!("không tìm thấy chứng thư cấp cho '{subject}' (bên cấp '{issuer}'); gợi ý: thêm chứng thư trung gian bằng --intermediates hoặc gốc bằng --trust")
            } else {
                format!("no certificate issued '{subject}' (issuer '{issuer}') among the intermediates and trust anchors; hint: intermediate missing? pass it with --intermediates, or the root with --trust")
            },
            BadCertificateSignature { subject } => if vi {
                format!("chữ ký trên chứng thư '{subject}' không hợp lệ")
            } else {
                format!("the signature on certificate '{subject}' does not verify with its issuer's key")
            },
            Expired { subject, not_after, at, end_entity } => match (vi, end_entity) {
                (false, true) => format!("the signer certificate '{subject}' expired at {not_after}, before the validation time {at}, and no time-stamp proves the signature existed earlier"),
                (false, false) => format!("certificate '{subject}' expired at {not_after}, before the validation time {at}"),
                (true, _) => format!("chứng thư '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}"),
            },
            NotYetValid { subject, not_before, at } => if vi {
                format!("chứng thư '{subject}' chưa có hiệu lực (từ {not_before}) tại thời điểm kiểm tra {at}")
            } else {
                format!("certificate '{subject}' is not valid until {not_before}, after the validation time {at}")
            },
            NotCa { subject } => if vi {
                format!("'{subject}' không phải chứng thư CA (basicConstraints) nhưng đã cấp chứng thư khác")
            } else {
                format!("'{subject}' issued a certificate but is not a CA (basicConstraints cA is not set)")
            },
            KeyCertSignMissing { subject } => if vi {
                format!("CA '{subject}' không có quyền keyCertSign trong keyUsage")
            } else {
                format!("CA '{subject}' issued a certificate but its keyUsage does not include keyCertSign")
            },
            PathLenExceeded { subject } => if vi {
                format!("vượt quá giới hạn độ dài chuỗi (pathLenConstraint) của CA '{subject}'")
            } else {
                format!("the path is longer than CA '{subject}' allows (pathLenConstraint)")
            },
            UnknownCriticalExtension { subject, oid } => if vi {
                format!("chứng thư '{subject}' có phần mở rộng bắt buộc {oid} mà kyso không xử lý được")
            } else {
                format!("certificate '{subject}' has a critical extension {oid} that kyso does not process")
            },
            WeakAlgorithm { subject, detail } => if vi {
                format!("chứng thư '{subject}' dùng thuật toán hoặc khóa yếu: {detail}")
            } else {
                format!("certificate '{subject}' uses a weak algorithm or key: {detail}")
            },
            BudgetExceeded => if vi {
                "quá nhiều ứng viên khi dựng chuỗi chứng thư; dừng tìm kiếm".into()
            } else {
                "the certificate pool made path building exceed its work limit (too many candidate issuers or loops)".into()
            },
            NameConstraintViolation { subject, name, constrained_by, excluded_subtree } => match (vi, excluded_subtree) {
                (false, Some(ex)) => format!("certificate '{subject}' has the name {name}, which CA '{constrained_by}' excludes ({ex}) in its name constraints"),
                (false, None) => format!("certificate '{subject}' has the name {name}, which is outside what CA '{constrained_by}' permits in its name constraints"),
                (true, _) => format!("tên {name} của chứng thư '{subject}' vi phạm ràng buộc tên (name constraints) của CA '{constrained_by}'"),
            },
            UnsupportedNameConstraint { subject, form } => if vi {
                format!("CA '{subject}' có ràng buộc tên bắt buộc với dạng {form} mà kyso không kiểm tra được")
            } else {
                format!("CA '{subject}' has a critical name constraint on the {form} form, which kyso cannot check, so the path is rejected")
            },
            NoAcceptablePolicy { subject, initial_policies } => if vi {
                format!("không có chính sách chứng thư hợp lệ nào cho chuỗi (yêu cầu chính sách tường minh), tại '{subject}'; tập chính sách ban đầu: {}", initial_policies.join(", "))
            } else {
                format!("no certificate policy acceptable to the user ({}) is valid along the path, and an explicit policy is required (failed at '{subject}'); hint: check --policy and the CAs' certificatePolicies", initial_policies.join(", "))
            },
            AnyPolicyMapped { subject } => if vi {
                format!("CA '{subject}' ánh xạ chính sách từ hoặc tới anyPolicy")
            } else {
                format!("CA '{subject}' has a policy mapping to or from anyPolicy, which RFC 5280 forbids")
            },
            PolicyTreeTooLarge { subject } => if vi {
                format!("xử lý chính sách chứng thư vượt giới hạn tại '{subject}'")
            } else {
                format!("certificate policy processing exceeded its bound at '{subject}' (hostile policy mappings?)")
            },
            EkuNotAllowed { subject, required } => if vi {
                format!("chứng thư '{subject}' không cho phép mục đích sử dụng {required} (extendedKeyUsage)")
            } else {
                format!("certificate '{subject}' does not allow the required extended key usage {required}")
            },
            TooManyNameChecks { subject, checks } => if vi {
                format!("kiểm tra ràng buộc tên cho '{subject}' cần {checks} phép so sánh, vượt giới hạn")
            } else {
                format!("checking the names of '{subject}' against name constraints would take {checks} comparisons, over kyso's bound (hostile certificate?)")
            },
            MalformedCertificate { subject, rule } => if vi {
                format!("chứng thư '{subject}' không đúng hồ sơ RFC 5280: {rule}")
            } else {
                format!("certificate '{subject}' does not conform to RFC 5280 and is not used: {rule}")
            },
            Revoked { subject, serial, reason, revoked_at } => if vi {
                format!("chứng thư '{subject}' (số hiệu {serial}) đã bị thu hồi lúc {revoked_at}, lý do {reason}")
            } else {
                format!("certificate '{subject}' (serial {serial}) was revoked at {revoked_at}, reason {reason}")
            },
            RevocationUnknown { subject, problem } => if vi {
                format!("không xác định được trạng thái thu hồi của '{subject}': {}", problem.describe())
            } else {
                format!("the revocation status of '{subject}' is unknown: {}", problem.describe())
            },
        }
    }
}
