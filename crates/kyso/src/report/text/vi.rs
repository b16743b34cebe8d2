//! Vietnamese messages (tiếng Việt).

use crate::path::ChainError;
use crate::report::{DocumentProblem, Reason, SkipReason};
use crate::revocation::crl::CrlProblem;

pub(super) fn reason(r: &Reason) -> String {
    use Reason::*;
    match r {
        Malformed { detail } => format!("cấu trúc chữ ký không hợp lệ: {detail}"),
        MissingAttribute { attribute } => {
            format!("thiếu thuộc tính được ký bắt buộc {attribute} (RFC 5652 §5.3)")
        }
        DuplicateAttribute { attribute } => {
            format!("thuộc tính {attribute} xuất hiện nhiều lần hoặc có nhiều giá trị")
        }
        ContentTypeMismatch { attribute, econtent_type } => {
            format!("thuộc tính content-type ({attribute}) khác kiểu nội dung ({econtent_type})")
        }
        DigestMismatch { algorithm, expected, computed } => format!(
            "tài liệu đã bị thay đổi sau khi ký hoặc không phải tài liệu đã ký: mã băm {algorithm} tính được {computed}, giá trị đã ký {expected}"
        ),
        SignatureInvalid { algorithm } => {
            format!("giá trị chữ ký {algorithm} không khớp với khóa công khai của người ký")
        }
        UnsupportedAlgorithm { detail } => format!("thuật toán không được hỗ trợ: {detail}"),
        PolicyNotMet { policy, rule } => format!(
            "chữ ký không đáp ứng chính sách xác thực {policy}: {}",
            match rule.as_str() {
                "require_signed_attributes" => "không có thuộc tính được ký (CMS thuần), chính sách yêu cầu phải có",
                "require_signing_certificate" => "không có thuộc tính ESS signing-certificate(-v2) gắn chứng thư ký, chính sách yêu cầu phải có",
                other => other,
            }
        ),
        WeakAlgorithm { detail } => format!("thuật toán hoặc khóa quá yếu: {detail}"),
        SignerCertificateNotFound { signer_id } => {
            format!("không tìm thấy chứng thư số của người ký ({signer_id}) trong chữ ký")
        }
        SigningCertificateMismatch { detail } => {
            format!("thuộc tính signing-certificate không khớp chứng thư số của người ký: {detail}")
        }
        ContentMissing { looked_for: Some(p) } => {
            format!("chữ ký tách rời nhưng không có tài liệu: không có tệp '{p}'")
        }
        ContentMissing { looked_for: None } => "chữ ký tách rời nhưng không có tài liệu".into(),
        KeyUsageNotAllowed { key_usage } => format!(
            "chứng thư số không được phép ký tài liệu (keyUsage: {}; cần digitalSignature hoặc nonRepudiation)",
            key_usage.join(", ")
        ),
        ExtendedKeyUsageNotAllowed { ext_key_usage } => format!(
            "chứng thư số chỉ dùng cho mục đích khác (extendedKeyUsage: {}), không dùng để ký tài liệu",
            ext_key_usage.join(", ")
        ),
        Chain(e) => chain(e),
    }
}

pub(super) fn chain(e: &ChainError) -> String {
    use ChainError::*;
    match e {
        NoTrustAnchors => "chưa có chứng thư số gốc tin cậy nào nên không kiểm tra được chuỗi chứng thư số".into(),
        UnknownIssuer { subject, issuer } => format!(
            "không tìm thấy chứng thư số đã cấp cho '{subject}' (bên cấp '{issuer}') trong các chứng thư số trung gian và gốc tin cậy"
        ),
        BadCertificateSignature { subject } => {
            format!("chữ ký trên chứng thư số '{subject}' không hợp lệ với khóa của bên cấp")
        }
        Expired { subject, not_after, at, end_entity: true } => format!(
            "chứng thư số của người ký '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}, và không có dấu thời gian chứng minh chữ ký có trước đó"
        ),
        Expired { subject, not_after, at, end_entity: false } => format!(
            "chứng thư số '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}"
        ),
        NotYetValid { subject, not_before, at } => format!(
            "chứng thư số '{subject}' chưa có hiệu lực (từ {not_before}) tại thời điểm kiểm tra {at}"
        ),
        NotCa { subject } => format!(
            "'{subject}' không phải chứng thư số CA (basicConstraints) nhưng đã cấp chứng thư số khác"
        ),
        KeyCertSignMissing { subject } => {
            format!("CA '{subject}' không có quyền keyCertSign trong keyUsage")
        }
        PathLenExceeded { subject } => {
            format!("vượt quá giới hạn độ dài chuỗi (pathLenConstraint) của CA '{subject}'")
        }
        UnknownCriticalExtension { subject, oid } => format!(
            "chứng thư số '{subject}' có phần mở rộng bắt buộc {oid} mà kyso không xử lý được"
        ),
        WeakAlgorithm { subject, detail } => {
            format!("chứng thư số '{subject}' dùng thuật toán hoặc khóa yếu: {detail}")
        }
        BudgetExceeded => "quá nhiều ứng viên khi dựng chuỗi chứng thư số; đã dừng tìm kiếm".into(),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: Some(ex) } => format!(
            "tên {name} của chứng thư số '{subject}' thuộc vùng bị loại trừ ({ex}) trong ràng buộc tên (name constraints) của CA '{constrained_by}'"
        ),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: None } => format!(
            "tên {name} của chứng thư số '{subject}' nằm ngoài vùng được phép trong ràng buộc tên (name constraints) của CA '{constrained_by}'"
        ),
        UnsupportedNameConstraint { subject, form } => format!(
            "CA '{subject}' có ràng buộc tên bắt buộc với dạng {form} mà kyso không kiểm tra được, nên chuỗi bị từ chối"
        ),
        NoAcceptablePolicy { subject, initial_policies } => format!(
            "không có chính sách chứng thư số hợp lệ nào cho chuỗi (yêu cầu chính sách tường minh), tại '{subject}'; tập chính sách ban đầu: {}",
            initial_policies.join(", ")
        ),
        AnyPolicyMapped { subject } => {
            format!("CA '{subject}' ánh xạ chính sách từ hoặc tới anyPolicy (RFC 5280 cấm)")
        }
        PolicyTreeTooLarge { subject } => {
            format!("xử lý chính sách chứng thư số vượt giới hạn tại '{subject}'")
        }
        EkuNotAllowed { subject, required } => format!(
            "chứng thư số '{subject}' không cho phép mục đích sử dụng {required} (extendedKeyUsage)"
        ),
        TooManyNameChecks { subject, checks } => format!(
            "kiểm tra ràng buộc tên cho '{subject}' cần {checks} phép so sánh, vượt giới hạn của kyso"
        ),
        MalformedCertificate { subject, rule } => {
            format!("chứng thư số '{subject}' không đúng hồ sơ RFC 5280 nên không được dùng: {rule}")
        }
        Revoked { subject, serial, reason, revoked_at } => format!(
            "chứng thư số '{subject}' (số hiệu {serial}) đã bị thu hồi lúc {revoked_at}, lý do {reason}"
        ),
        RevocationUnknown { subject, problem } => format!(
            "không xác định được trạng thái thu hồi của '{subject}': {}",
            crl_problem(problem)
        ),
    }
}

pub(super) fn crl_problem(p: &CrlProblem) -> String {
    use CrlProblem::*;
    match p {
        NoCrl => "không có CRL nào được cung cấp cho chứng thư số này".into(),
        CrlExpired { next_update, at } => {
            format!(
                "CRL đã quá hạn cập nhật (nextUpdate {next_update}) trước thời điểm kiểm tra {at}"
            )
        }
        CrlNotYetValid { this_update, at } => {
            format!("CRL được phát hành lúc {this_update}, sau thời điểm kiểm tra {at}")
        }
        CrlSignatureInvalid => {
            "chữ ký của CRL không khớp với chứng thư số nào của bên phát hành".into()
        }
        CrlSignerNotAllowed => "chứng thư số ký CRL không có quyền cRLSign trong keyUsage".into(),
        CrlSignerPathInvalid { error } => {
            format!("chuỗi chứng thư số của bên ký CRL không hợp lệ ({error})")
        }
        ReasonsNotCovered => {
            "các CRL được cung cấp chỉ bao gồm một số lý do thu hồi (onlySomeReasons)".into()
        }
        UnsupportedCriticalExtension { oid } => {
            format!("CRL có phần mở rộng bắt buộc {oid} mà kyso không xử lý được")
        }
        NonConforming { detail } => format!("CRL không đúng RFC 5280: {detail}"),
        DeltaCrlExpired => "delta CRL áp dụng đã quá hạn cập nhật (nextUpdate)".into(),
        BudgetExceeded => "quá nhiều CRL hoặc bên ký CRL cần kiểm tra".into(),
        Ocsp { problem } => format!(
            "không có CRL nào cho chứng thư số này và {}",
            super::ocsp_vi::ocsp_problem(problem)
        ),
    }
}

pub(super) fn skip(s: SkipReason) -> &'static str {
    use SkipReason::*;
    match s {
        NoSignedAttributes => {
            "không có thuộc tính được ký: chữ ký phủ trực tiếp lên nội dung (RFC 5652 §5.4)"
        }
        SignerCertificateNotFound => "không tìm thấy chứng thư số của người ký",
        AlgorithmsUnusable => "thuật toán không dùng được (xem kiểm tra cấu trúc)",
        ContentUnavailable => "không có nội dung đã ký",
        MessageDigestUnusable => {
            "thuộc tính message-digest không dùng được (xem kiểm tra thuộc tính được ký)"
        }
        UnsupportedDigest => "thuật toán băm không được hỗ trợ",
        NoSigningCertificateAttribute => "không có thuộc tính ESS signing-certificate: chữ ký không gắn với chứng thư số của người ký (không đạt CAdES baseline)",
        LegacyCryptoAllowed => "thuật toán cũ được cho phép bằng tùy chọn không an toàn",
        RevocationNotSupported => "phiên bản kyso này chưa kiểm tra thu hồi (CRL/OCSP); chưa rõ chứng thư số có bị thu hồi hay không",
        NoRevocationData => "không có CRL nào được cung cấp cho mọi chứng thư số trong chuỗi nên chưa rõ trạng thái thu hồi",
        RevocationOff => "đã tắt kiểm tra thu hồi",
        PathNotValid => "chuỗi chứng thư số không hợp lệ nên chưa kiểm tra thu hồi",
        TimestampNotValidated => "có dấu thời gian nhưng phiên bản kyso này chưa kiểm tra dấu thời gian; không dựa vào nó",
        NoTimestamp => "không có dấu thời gian (mức CAdES B-B)",
    }
}

pub(super) fn document(p: &DocumentProblem) -> String {
    use DocumentProblem::*;
    match p {
        NotSignedData { detail } => format!("không phải CMS/PKCS#7 SignedData hợp lệ: {detail}"),
        NoSignerInfo => "SignedData không có SignerInfo nào: tệp chỉ chứa chứng thư số (tệp .p7b?), không phải chữ ký".into(),
        TooManySigners { count, limit } => {
            format!("{count} SignerInfo: nhiều hơn mức {limit} mà kyso kiểm tra trong một tài liệu")
        }
        TooManyCertificates { count, limit } => format!(
            "{count} chứng thư số kèm theo: nhiều hơn mức {limit} mà kyso chấp nhận trong một chữ ký"
        ),
        GivenContentIdentical { given } => format!(
            "chữ ký đã chứa nội dung; tệp nội dung được chỉ định riêng {given} giống hệt nội dung đó"
        ),
        SignedAttributesNotDer { signature } => format!(
            "chữ ký thứ {}: các thuộc tính được ký không theo thứ tự DER như khi gửi; chữ ký hợp lệ trên bản mã hóa DER của chúng (RFC 5652 §5.4), nên nội dung hiển thị đúng là nội dung đã ký, nhưng tệp đã bị mã hóa lại sau khi ký hoặc do phần mềm ký không tuân thủ tạo ra",
            signature + 1
        ),
        GivenContentDiffers { given } => format!(
            "chữ ký đã chứa nội dung, nhưng tệp được chỉ định riêng {given} khác nội dung đó: {given} không phải tài liệu đã ký"
        ),
        Unreadable { detail } => format!("không đọc được chữ ký: {detail}"),
    }
}
