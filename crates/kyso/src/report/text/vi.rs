//! Vietnamese messages (tiếng Việt).

use super::About;
use crate::error::{
    Error, Expected, FileKind, KeyFileProblem, PinState, SigningRefusal, TokenError,
};
use crate::path::ChainError;
use crate::report::{DocumentProblem, Reason, SkipReason};
use crate::revocation::crl::CrlProblem;
use crate::revocation::crl::RevocationReason;

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
            format!("thuộc tính content-type ({attribute}) không khớp với kiểu nội dung ({econtent_type})")
        }
        DigestMismatch { algorithm, expected, computed } => format!(
            "tài liệu đã bị thay đổi sau khi ký, hoặc không phải tài liệu đã được ký: giá trị băm {algorithm} tính được là {computed}, giá trị trong chữ ký là {expected}"
        ),
        SignatureInvalid { algorithm } => {
            format!("giá trị chữ ký {algorithm} không khớp với khóa công khai trong chứng thư số của người ký")
        }
        UnsupportedAlgorithm { detail } => format!("kyso chưa hỗ trợ thuật toán: {detail}"),
        PolicyNotMet { policy, rule } => format!(
            "chữ ký không đáp ứng chính sách kiểm tra {policy}: {}",
            match rule.as_str() {
                "require_signed_attributes" => "chữ ký không có thuộc tính được ký (CMS thuần), trong khi chính sách yêu cầu phải có",
                "require_signing_certificate" => "chữ ký không có thuộc tính ESS signing-certificate(-v2) gắn với chứng thư số của người ký, trong khi chính sách yêu cầu phải có",
                other => other,
            }
        ),
        WeakAlgorithm { detail } => format!("thuật toán hoặc khóa không đủ an toàn: {detail}"),
        SignerRevokedNoPoe { subject, serial, reason, revoked_at } => format!("chứng thư số của người ký '{subject}' (số hiệu {serial}) đã bị thu hồi lúc {revoked_at}, lý do: {}, và không có bằng chứng chữ ký được tạo trước thời điểm đó (cần một dấu thời gian trước thời điểm thu hồi)", revocation_reason(*reason)),
        PdfByteRangeInvalid { detail } => format!("vùng dữ liệu được ký (ByteRange) của chữ ký trong PDF không hợp lệ: {detail}"),
        PdfModifiedAfterSigning { revision, changes } => format!("lần cập nhật thứ {revision} của tệp PDF đã thay đổi tài liệu sau chữ ký này theo cách chữ ký không cho phép: {}", changes.join("; ")),
        PdfSubFilterUnsupported { sub_filter } => format!("chưa hỗ trợ chữ ký PDF kiểu '{sub_filter}', nên chữ ký này chưa được kiểm tra"),
        PdfNotOneSignerInfo { count } => format!("chữ ký trong PDF phải có đúng một SignerInfo; chữ ký này có {count}"),
        PdfDocumentTimestampInvalid { detail, .. } => format!("dấu thời gian của tài liệu không hợp lệ: {detail}"),
        WeakAlgorithmNoPoe { detail, reliable_until } => format!("{detail}, và không có bằng chứng chữ ký đã tồn tại trước {reliable_until} (cần một dấu thời gian trước thời điểm đó)"),
        SignerCertificateNotFound { signer_id } => {
            format!("không tìm thấy chứng thư số của người ký ({signer_id}) trong chữ ký")
        }
        SigningCertificateMismatch { detail } => {
            format!("thuộc tính signing-certificate không khớp với chứng thư số của người ký: {detail}")
        }
        ContentMissing { looked_for: Some(p) } => {
            format!("chữ ký tách rời nhưng không tìm thấy tài liệu đã ký: không có tệp '{p}'")
        }
        ContentMissing { looked_for: None } => "chữ ký tách rời nhưng không có tài liệu đã ký".into(),
        AsicReferenceMismatch { file, algorithm, expected, computed } => format!(
            "tệp '{file}' trong gói không phải tệp mà bản kê (manifest) của chữ ký liệt kê: giá trị băm {algorithm} của tệp là {computed}, bản kê ghi {expected}"
        ),
        AsicReferenceMissing { file } => format!(
            "bản kê (manifest) của chữ ký liệt kê tệp '{file}' nhưng trong gói không có tệp này (bị xóa sau khi ký?)"
        ),
        AsicManifestInvalid { manifest, detail } => {
            format!("không dùng được bản kê (manifest) {manifest}: {detail}")
        }
        KeyUsageNotAllowed { key_usage } => format!(
            "chứng thư số không được phép ký tài liệu (keyUsage: {}; cần digitalSignature hoặc nonRepudiation)",
            key_usage.join(", ")
        ),
        ExtendedKeyUsageNotAllowed { ext_key_usage } => format!(
            "chứng thư số chỉ dùng cho mục đích khác (extendedKeyUsage: {}), không dùng để ký tài liệu",
            ext_key_usage.join(", ")
        ),
        Chain(e) => chain(e, About::Signature),
    }
}

/// `'A', 'B' và 3 chứng thư số khác`.
fn anchors(list: &[String], count: usize) -> String {
    let mut s = list
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if count > list.len() {
        s.push_str(&format!(" và {} chứng thư số khác", count - list.len()));
    }
    s
}

pub(super) fn chain(e: &ChainError, about: About) -> String {
    use ChainError::*;
    let certificate_only = about == About::Certificate;
    match e {
        NoTrustAnchors => "chưa có chứng thư số gốc tin cậy nào nên không kiểm tra được chuỗi chứng thư số".into(),
        UnknownIssuer { subject, self_signed: true, trust_anchors, trust_anchor_count, .. } => {
            let mut s = format!("'{subject}' là chứng thư số gốc tự ký nhưng không nằm trong danh sách chứng thư số gốc tin cậy");
            if *trust_anchor_count > 0 {
                s.push_str(&format!(
                    " (đã nạp {trust_anchor_count}: {})",
                    anchors(trust_anchors, *trust_anchor_count)
                ));
            }
            s
        }
        UnknownIssuer { subject, issuer, ca_issuers, trust_anchors, trust_anchor_count, .. } => {
            let mut s = format!(
                "thiếu chứng thư số của tổ chức cấp cho '{subject}': không có chứng thư số nào của '{issuer}' trong các chứng thư số trung gian"
            );
            if *trust_anchor_count > 0 {
                s.push_str(&format!(
                    " và {trust_anchor_count} chứng thư số gốc tin cậy đã nạp ({})",
                    anchors(trust_anchors, *trust_anchor_count)
                ));
            } else {
                s.push_str(" và các chứng thư số gốc tin cậy");
            }
            if !ca_issuers.is_empty() {
                s.push_str(&format!(
                    "; theo thông tin trong chứng thư số, có thể tải chứng thư số của tổ chức cấp tại {}",
                    ca_issuers.join(", ")
                ));
            }
            s
        }
        BadCertificateSignature { subject } if certificate_only => format!(
            "chứng thư số '{subject}' không khớp với khóa công khai của tổ chức cấp (không do CA đó cấp, hoặc đã bị sửa đổi)"
        ),
        BadCertificateSignature { subject } => {
            format!("chữ ký của tổ chức cấp trên chứng thư số '{subject}' không hợp lệ")
        }
        Expired { subject, not_after, at, end_entity: true } if certificate_only => format!(
            "chứng thư số '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}"
        ),
        Expired { subject, not_after, at, end_entity: true } => format!(
            "chứng thư số của người ký '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}, và không có dấu thời gian chứng minh chữ ký được tạo trước thời điểm đó"
        ),
        Expired { subject, not_after, at, end_entity: false } => format!(
            "chứng thư số '{subject}' đã hết hạn lúc {not_after}, trước thời điểm kiểm tra {at}"
        ),
        NotYetValid { subject, not_before, at } => format!(
            "chứng thư số '{subject}' chưa có hiệu lực tại thời điểm kiểm tra {at} (có hiệu lực từ {not_before})"
        ),
        NotCa { subject } => format!(
            "'{subject}' không phải chứng thư số của CA (basicConstraints) nhưng lại được dùng để cấp chứng thư số khác"
        ),
        KeyCertSignMissing { subject } => {
            format!("CA '{subject}' không có quyền cấp chứng thư số (keyCertSign trong keyUsage)")
        }
        PathLenExceeded { subject } => {
            format!("vượt quá giới hạn độ dài chuỗi chứng thư số (pathLenConstraint) của CA '{subject}'")
        }
        UnknownCriticalExtension { subject, oid } => format!(
            "chứng thư số '{subject}' có trường mở rộng bắt buộc (critical) {oid} mà kyso chưa xử lý được"
        ),
        WeakAlgorithm { subject, detail } => {
            format!("chứng thư số '{subject}' dùng thuật toán hoặc khóa không đủ an toàn: {detail}")
        }
        BudgetExceeded => "có quá nhiều khả năng cần thử khi dựng chuỗi chứng thư số (quá nhiều chứng thư số có thể là tổ chức cấp, hoặc có vòng lặp); kyso đã dừng tìm kiếm".into(),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: Some(ex) } => format!(
            "tên {name} của chứng thư số '{subject}' thuộc vùng bị loại trừ ({ex}) trong ràng buộc tên (nameConstraints) của CA '{constrained_by}'"
        ),
        NameConstraintViolation { subject, name, constrained_by, excluded_subtree: None } => format!(
            "tên {name} của chứng thư số '{subject}' nằm ngoài vùng được phép trong ràng buộc tên (nameConstraints) của CA '{constrained_by}'"
        ),
        UnsupportedNameConstraint { subject, form } => format!(
            "CA '{subject}' có ràng buộc tên bắt buộc với dạng {form} mà kyso chưa kiểm tra được, nên chuỗi chứng thư số bị từ chối"
        ),
        NoAcceptablePolicy { subject, initial_policies } => format!(
            "tại '{subject}', chuỗi chứng thư số không còn chính sách chứng thư số hợp lệ nào (có yêu cầu chính sách tường minh); các chính sách yêu cầu ban đầu: {}",
            initial_policies.join(", ")
        ),
        AnyPolicyMapped { subject } => {
            format!("CA '{subject}' ánh xạ chính sách từ hoặc tới anyPolicy (RFC 5280 không cho phép)")
        }
        PolicyTreeTooLarge { subject } => {
            format!("việc xử lý chính sách chứng thư số tại '{subject}' vượt quá giới hạn của kyso")
        }
        EkuNotAllowed { subject, required } => format!(
            "chứng thư số '{subject}' không cho phép mục đích sử dụng {required} (extendedKeyUsage)"
        ),
        TooManyNameChecks { subject, checks } => format!(
            "kiểm tra ràng buộc tên cho '{subject}' cần {checks} phép so sánh, vượt giới hạn của kyso"
        ),
        MalformedCertificate { subject, rule } => {
            format!("chứng thư số '{subject}' không tuân thủ RFC 5280 nên không được chấp nhận: {rule}")
        }
        Revoked { subject, serial, reason, revoked_at, stale_crl_next_update: None } => format!(
            "chứng thư số '{subject}' (số hiệu {serial}) đã bị thu hồi lúc {revoked_at}, lý do: {}",
            revocation_reason(*reason)
        ),
        Revoked { subject, serial, reason, revoked_at, stale_crl_next_update: Some(next) } => format!(
            "chứng thư số '{subject}' (số hiệu {serial}) đã bị thu hồi lúc {revoked_at}, lý do: {} (theo một CRL đã quá hạn cập nhật, nextUpdate {next}); chứng thư số đã bị thu hồi thì không có hiệu lực trở lại, nên CRL mới hơn cũng không thay đổi kết quả này",
            revocation_reason(*reason)
        ),
        RevocationUnknown { subject, problem } => format!(
            "không xác định được trạng thái thu hồi của chứng thư số '{subject}': {}",
            crl_problem(problem)
        ),
    }
}

/// The reasonCode in words (RFC 5280 §5.3.1), with the standard's name.
pub(super) fn revocation_reason(r: RevocationReason) -> String {
    use RevocationReason::*;
    let words = match r {
        Unspecified => "không nêu lý do",
        KeyCompromise => "lộ khóa bí mật",
        CaCompromise => "khóa bí mật của CA bị lộ",
        AffiliationChanged => "thay đổi thông tin đơn vị công tác",
        Superseded => "đã được thay thế",
        CessationOfOperation => "ngừng sử dụng",
        CertificateHold => "tạm dừng hiệu lực",
        RemoveFromCrl => "gỡ khỏi CRL",
        PrivilegeWithdrawn => "bị rút quyền",
        AaCompromise => "khóa bí mật của AA bị lộ",
    };
    format!("{words} ({r})")
}

/// A failed download, in Vietnamese.
pub(super) fn fetch_error(e: &crate::revocation::fetch::FetchError) -> String {
    use crate::revocation::fetch::FetchError::*;
    match e {
        UnsupportedScheme { url } => format!("{url}: kyso chỉ tải qua http và https"),
        Timeout { url, seconds } => format!("{url}: không có trả lời sau {seconds} giây"),
        Unreachable { url, detail } => format!("{url}: không kết nối được ({detail})"),
        HttpStatus { url, status } => format!("{url}: máy chủ trả mã lỗi HTTP {status}"),
        TooLarge { url, limit } => format!("{url}: dữ liệu trả về lớn hơn {limit} byte"),
        NotParsable { url, detail } => {
            format!("{url}: dữ liệu trả về không dùng được ({detail})")
        }
        HostFailedEarlier { url, host } => {
            format!("{url}: máy chủ {host} đã không trả lời trước đó trong lần chạy này")
        }
        TooManyFetches { url } => format!("{url}: không tải vì lần chạy đã tải quá nhiều"),
        NotBuiltIn { url } => format!("{url}: bản kyso này không có tính năng tải qua mạng"),
    }
}

pub(super) fn crl_problem(p: &CrlProblem) -> String {
    use CrlProblem::*;
    match p {
        NoCrl => "chưa có danh sách thu hồi chứng thư số (CRL) cho chứng thư số này".into(),
        NotLookedUp { urls } => format!(
            "chứng thư số chỉ đến dịch vụ kiểm tra thu hồi ({}) nhưng chữ ký không kèm và người dùng không cung cấp CRL hay phản hồi OCSP nào cho nó, và lần kiểm tra này không tải về qua mạng (chế độ ngoại tuyến)",
            urls.join(", ")
        ),
        LookupFailed { failures } => format!(
            "không tra cứu được tình trạng thu hồi qua mạng: {}",
            failures
                .iter()
                .map(fetch_error)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        CrlExpired { next_update, at } => {
            format!(
                "CRL đã quá hạn cập nhật (nextUpdate {next_update}) trước thời điểm kiểm tra {at}"
            )
        }
        CrlNotYetValid { this_update, at } => {
            format!("CRL được công bố lúc {this_update}, sau thời điểm kiểm tra {at}")
        }
        CrlSignatureInvalid => {
            "chữ ký của CRL không khớp với chứng thư số nào của tổ chức phát hành CRL".into()
        }
        CrlSignerNotAllowed => {
            "chứng thư số dùng để ký CRL không có quyền ký CRL (cRLSign trong keyUsage)".into()
        }
        CrlSignerPathInvalid { error } => {
            format!("chuỗi chứng thư số của tổ chức phát hành CRL không hợp lệ ({error})")
        }
        ReasonsNotCovered => {
            "các CRL được cung cấp chỉ bao gồm một số lý do thu hồi (onlySomeReasons)".into()
        }
        UnsupportedCriticalExtension { oid } => {
            format!("CRL có trường mở rộng bắt buộc (critical) {oid} mà kyso chưa xử lý được")
        }
        NonConforming { detail } => format!("CRL không tuân thủ RFC 5280: {detail}"),
        DeltaCrlExpired => "delta CRL áp dụng đã quá hạn cập nhật (nextUpdate)".into(),
        BudgetExceeded => "có quá nhiều CRL hoặc tổ chức phát hành CRL cần kiểm tra".into(),
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
            "không có thuộc tính được ký: chữ ký được tạo trực tiếp trên nội dung (RFC 5652 §5.4)"
        }
        SignerCertificateNotFound => "không tìm thấy chứng thư số của người ký",
        AlgorithmsUnusable => "thuật toán không dùng được (xem mục kiểm tra cấu trúc chữ ký)",
        ContentUnavailable => "không có tài liệu đã ký",
        MessageDigestUnusable => {
            "thuộc tính message-digest không dùng được (xem mục kiểm tra các thuộc tính được ký)"
        }
        UnsupportedDigest => "kyso chưa hỗ trợ thuật toán băm này",
        NoSigningCertificateAttribute => "không có thuộc tính ESS signing-certificate: chữ ký không gắn với chứng thư số của người ký (chưa đạt mức CAdES baseline)",
        LegacyCryptoAllowed => "thuật toán cũ đã được cho phép bằng một tùy chọn không an toàn",
        RevocationNotSupported => "phiên bản kyso này chưa kiểm tra thu hồi (CRL/OCSP); chưa xác định được chứng thư số có bị thu hồi hay không",
        NoRevocationData => "chưa có danh sách thu hồi chứng thư số (CRL) cho tất cả chứng thư số trong chuỗi nên chưa xác định được trạng thái thu hồi",
        RevocationOff => "đã tắt kiểm tra thu hồi",
        PathNotValid => "chuỗi chứng thư số không hợp lệ nên chưa kiểm tra trạng thái thu hồi",
        TimestampNotValid => "chữ ký có dấu thời gian nhưng không dấu thời gian nào hợp lệ (xem phần dấu thời gian), nên không chứng minh được thời điểm ký",
        TimestampNotValidated => "chữ ký có dấu thời gian nhưng phiên bản kyso này chưa kiểm tra dấu thời gian nên không dựa vào dấu thời gian đó",
        NoTimestamp => "chữ ký không có dấu thời gian (mức CAdES B-B)",
    }
}

pub(super) fn document(p: &DocumentProblem) -> String {
    use DocumentProblem::*;
    match p {
        NotSignedData { detail, found } => match found {
            None | Some(FileKind::SignedData) => {
                format!("không phải CMS/PKCS#7 SignedData hợp lệ: {detail}")
            }
            Some(FileKind::Empty) => "tệp rỗng, không chứa chữ ký nào".into(),
            Some(FileKind::Truncated { length, declared }) => format!(
                "tệp không đầy đủ: chỉ có {length} trên {declared} byte như phần đầu tệp khai báo (tải về hoặc sao chép chưa xong?)"
            ),
            Some(k @ (FileKind::Asn1 | FileKind::Unknown)) => format!(
                "không phải chữ ký CMS/PKCS#7: đây là {} ({detail})",
                file_kind(k)
            ),
            Some(k) => format!("đây là {}, không phải chữ ký CMS/PKCS#7", file_kind(k)),
        },
        PdfUnreadable { pdf_code, detail } => format!("không đọc được tệp PDF ({pdf_code}): {detail}"),
        PdfUnsigned => "tệp PDF không có chữ ký số nào (không có trường chữ ký đã ký)".into(),
        AsicContainerInvalid { asic_code, detail } => {
            format!("gói ASiC không hợp lệ ({asic_code}): {detail}")
        }
        AsicFileNotSigned { file } => {
            format!("tệp '{file}' có trong gói nhưng không được chữ ký nào bao phủ")
        }
        AsicArchiveReferenceMismatch { manifest, file } => format!(
            "bản kê lưu trữ {manifest} bảo vệ tệp '{file}', nhưng tệp này đã bị thay đổi hoặc bị xóa sau khi lưu trữ"
        ),
        AsicEntryNotVerified { file } => {
            format!("kyso không kiểm tra {file} (chữ ký XAdES, dấu thời gian của gói và dấu thời gian lưu trữ không bao trùm chữ ký nào chưa được kiểm tra)")
        }
        NoSignerInfo => "SignedData không có SignerInfo nào: tệp chỉ chứa chứng thư số (tệp .p7b?), không phải chữ ký".into(),
        TooManySigners { count, limit } => {
            format!("tệp có {count} chữ ký (SignerInfo), vượt quá mức {limit} chữ ký mà kyso kiểm tra trong một tệp")
        }
        TooManyCertificates { count, limit } => format!(
            "chữ ký kèm theo {count} chứng thư số, vượt quá mức {limit} mà kyso chấp nhận"
        ),
        GivenContentIdentical { given } => format!(
            "chữ ký đã chứa tài liệu; tệp {given} được chỉ định riêng giống hệt tài liệu đó"
        ),
        SignedAttributesNotDer { signature } => format!(
            "chữ ký thứ {}: các thuộc tính được ký trong tệp không theo thứ tự DER; chữ ký được kiểm tra trên bản mã hóa DER của chúng (RFC 5652 §5.4) nên nội dung hiển thị đúng là nội dung đã ký, nhưng tệp đã bị mã hóa lại sau khi ký, hoặc được tạo bởi phần mềm ký không tuân thủ chuẩn",
            signature + 1
        ),
        GivenContentDiffers { given } => format!(
            "chữ ký đã chứa tài liệu, nhưng tệp {given} được chỉ định riêng khác với tài liệu đó: {given} không phải tài liệu đã ký"
        ),
        Unreadable { detail } => format!("không đọc được chữ ký: {detail}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Errors ("could not evaluate"): kyso::Error, SigningRefusal, TokenError, PinState, FileKind.

/// What a file looks like, in words.
pub(super) fn file_kind(k: &FileKind) -> String {
    use FileKind::*;
    match k {
        Empty => "tệp rỗng".into(),
        Pem { label } => match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                "chứng thư số dạng PEM".into()
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => "khóa bí mật dạng PEM".into(),
            "ENCRYPTED PRIVATE KEY" => "khóa bí mật đã mã hóa dạng PEM".into(),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => "khóa công khai dạng PEM".into(),
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                "yêu cầu cấp chứng thư số (CSR) dạng PEM".into()
            }
            "X509 CRL" => "CRL dạng PEM".into(),
            "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA" => "tệp CMS/PKCS#7 dạng PEM".into(),
            "PKCS12" => "tệp PKCS#12 bọc trong PEM".into(),
            other => format!("tệp PEM ({other})"),
        },
        Certificate => "chứng thư số dạng DER".into(),
        Crl => "CRL dạng DER".into(),
        Pkcs12 => "tệp PKCS#12 (.p12/.pfx)".into(),
        SignedData => "dữ liệu CMS/PKCS#7 SignedData (chữ ký hoặc tệp .p7b)".into(),
        OtherCms { content_type } => format!("dữ liệu CMS loại khác ({content_type})"),
        PrivateKey => "khóa bí mật dạng DER".into(),
        EncryptedPrivateKey => "khóa bí mật đã mã hóa dạng DER".into(),
        Truncated { length, declared } => {
            format!(
                "tệp không đầy đủ (chỉ có {length} trên {declared} byte như phần đầu tệp khai báo)"
            )
        }
        Asn1 => "dữ liệu ASN.1 không rõ cấu trúc".into(),
        Pdf => "tài liệu PDF".into(),
        Zip => "tệp nén ZIP (hoặc tệp .docx/.xlsx/.odt)".into(),
        Text => "tệp văn bản".into(),
        Unknown => "tệp không rõ định dạng".into(),
    }
}

fn expected(e: Expected) -> &'static str {
    match e {
        Expected::Certificate => "tệp chứng thư số (PEM, DER hoặc .p7b)",
        Expected::PrivateKey => "tệp khóa bí mật (PKCS#8, PKCS#1 hoặc SEC1, dạng PEM hoặc DER)",
        Expected::Pkcs12 => "tệp PKCS#12 (.p12/.pfx)",
        Expected::Signature => "chữ ký CMS/PKCS#7 (.p7s/.p7m)",
        Expected::Crl => "tệp CRL (PEM hoặc DER)",
        Expected::Inspectable => "chứng thư số (PEM/DER), chữ ký CMS/PKCS#7 hoặc tệp PKCS#12",
    }
}

/// The reason of an I/O error, by its kind.
pub(super) fn io(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "không tìm thấy tệp".into(),
        PermissionDenied => "không có quyền truy cập tệp".into(),
        AlreadyExists => "tệp đã tồn tại".into(),
        IsADirectory => "đây là thư mục, không phải tệp".into(),
        NotADirectory => "một phần của đường dẫn không phải thư mục".into(),
        UnexpectedEof => "tệp kết thúc đột ngột (không đầy đủ)".into(),
        StorageFull => "ổ đĩa đã đầy".into(),
        ReadOnlyFilesystem => "ổ đĩa chỉ cho phép đọc, không ghi được".into(),
        InvalidData => "dữ liệu không hợp lệ".into(),
        _ => format!("lỗi đọc/ghi tệp ({e})"),
    }
}

/// `the private key`, `the PKCS#12 file` (what the library names) in Vietnamese.
fn what(w: &str) -> String {
    match w {
        "the private key" => "khóa bí mật".into(),
        "the PKCS#12 file" => "tệp PKCS#12".into(),
        other => other.into(),
    }
}

pub(super) fn error(e: &Error) -> String {
    match e {
        Error::Io { path, source } => format!("{path}: {}", io(source)),
        Error::Certificate(d) => format!("chứng thư số không hợp lệ: {d}"),
        Error::Key(d) => format!("không dùng được khóa bí mật: {d}"),
        Error::PasswordRequired { what: w } => {
            format!("{} đã được mã hóa; cần mật khẩu để mở", what(w))
        }
        Error::WrongPassword { what: w } => {
            format!("sai mật khẩu của {} (hoặc tệp bị hỏng)", what(w))
        }
        Error::NotCms { path, detail } => {
            format!("{path}: không phải chữ ký CMS/PKCS#7 SignedData hợp lệ: {detail}")
        }
        Error::Format(d) => format!("dữ liệu không đúng định dạng: {d}"),
        Error::Pdf(d) => format!("tệp PDF không xử lý được: {d}"),
        Error::WrongFileType { expected: x, found } => {
            format!("đây là {}, không phải {}", file_kind(found), expected(*x))
        }
        Error::LegacyPkcs12 { algorithm } => format!(
            "tệp PKCS#12 được mã hóa bằng {algorithm}, một thuật toán cũ mà OpenSSL 3 không còn mở được; hãy chuyển đổi tệp sang AES một lần bằng `openssl pkcs12 -legacy` (xem hướng dẫn trong README)"
        ),
        Error::KeyFile(p) => key_file(*p).into(),
        Error::SigningRefused(r) => format!("từ chối ký: {}", refusal(r)),
        Error::Timestamp(t) => timestamp_failure(t),
        Error::ExtendRefused(r) => format!("từ chối nâng cấp chữ ký: {}", extend_refusal(r)),
        Error::Crypto(d) => format!("thao tác mật mã không thành công: {d}"),
        Error::Token(t) => token(t),
        Error::Asic { path, problem } => format!("{path}: {}", asic(problem)),
    }
}

/// Why a container cannot be opened or built, in Vietnamese.
pub(super) fn asic(p: &crate::error::AsicProblem) -> String {
    use crate::error::AsicProblem::*;
    match p {
        ZipUnreadable { detail } => format!("không đọc được gói ZIP: {detail}"),
        ContainerTooLarge { size, limit } => {
            format!("gói có {size} byte, vượt giới hạn {limit} byte kyso đọc")
        }
        TooManyEntries { count, limit } => {
            format!("gói có {count} mục, vượt giới hạn {limit} mục kyso chấp nhận")
        }
        EntryTooLarge { name, limit } => format!(
            "'{name}' khi giải nén lớn hơn {limit} byte (nghi là bom nén zip)"
        ),
        CompressionRatio { name, compressed, uncompressed, ratio, limit } => format!(
            "'{name}' giãn {ratio} lần ({compressed} thành hơn {uncompressed} byte), vượt tỷ lệ {limit} kyso chấp nhận (nghi là bom nén zip)"
        ),
        BadEntryName { name, why } => format!("tên mục {name:?} bị từ chối: {why}"),
        DuplicateEntry { name } => format!(
            "có hai mục cùng tên {name:?}; mỗi tệp chỉ được có một lần trong gói"
        ),
        EncryptedEntry { name } => {
            format!("mục '{name}' được mã hóa; kyso không mở gói được mã hóa")
        }
        MimetypeNotConforming { why } => format!(
            "mục mimetype không theo EN 319 162-1 §A.1: {why}"
        ),
        UnknownType { why } => format!("không xác định được loại gói: {why}"),
        NoSignature => "gói không chứa chữ ký CAdES nào (META-INF/*signature*.p7s)".into(),
        NotOneDataObject { count } => format!(
            "gói ASiC-S phải chứa đúng một tệp dữ liệu, gói này có {count}"
        ),
        CannotStore { name, why } => format!("không đưa được {name:?} vào gói: {why}"),
        TooManySignatures { limit } => format!(
            "gói chứa hơn {limit} chữ ký, số chữ ký nhiều nhất kyso kiểm tra trong một gói"
        ),
    }
}

pub(super) fn timestamp_failure(t: &crate::error::TimestampFailure) -> String {
    use crate::error::TimestampFailure::*;
    match t {
        Unreachable { url, detail } => {
            format!("không kết nối được tổ chức cấp dấu thời gian {url}: {detail}")
        }
        NotGranted { url, status, text } => format!(
            "tổ chức cấp dấu thời gian {url} từ chối yêu cầu: {status}{}",
            if text.is_empty() { String::new() } else { format!(" ({text})") }
        ),
        Malformed { url, detail } => format!(
            "tổ chức cấp dấu thời gian {url} trả về dữ liệu không phải phản hồi dấu thời gian: {detail}"
        ),
        NotForRequest { url, what } => format!(
            "dấu thời gian từ {url} không khớp với yêu cầu của kyso ({what} khác)"
        ),
        NotValid { url, detail } => {
            format!("không tin cậy được dấu thời gian từ {url}: {detail}")
        }
    }
}

fn extend_refusal(r: &crate::error::ExtendRefusal) -> String {
    use crate::error::ExtendRefusal::*;
    match r {
        SignatureNotValid {
            index,
            indication,
            sub_indication,
            detail,
        } => format!(
            "chữ ký {index} không hợp lệ ({indication}{}): {detail}; không gắn dấu thời gian hay dữ liệu lưu trữ cho một chữ ký hỏng",
            if sub_indication.is_empty() { String::new() } else { format!(", {sub_indication}") }
        ),
        NeedsTimestamper { level } => format!(
            "mức {level} cần dấu thời gian cho chữ ký: hãy chỉ định tổ chức cấp dấu thời gian (--tsa URL)"
        ),
        ValidationDataIncomplete { subject, detail } => format!(
            "không thu thập đủ dữ liệu kiểm tra (chứng thư số, CRL, OCSP) cho '{subject}': {detail}"
        ),
        UnsupportedLevel { level } => {
            format!("kyso chỉ nâng cấp chữ ký lên B-T, B-LT hoặc B-LTA, không lên {level}")
        }
        ArchiveBroken { manifest, detail } => format!(
            "{manifest}: {detail}; bản lưu trữ trước đã hỏng nên không gia hạn dấu thời gian lưu trữ (EN 319 162-1 §A.7)"
        ),
    }
}

fn key_file(p: KeyFileProblem) -> &'static str {
    match p {
        KeyFileProblem::KeyUnreadable => {
            "không đọc được tệp khóa bí mật (tệp bị hỏng, hoặc loại khóa kyso chưa hỗ trợ)"
        }
        KeyFileProblem::Pkcs12Unreadable => {
            "không đọc được tệp PKCS#12 (tệp bị hỏng hoặc không đầy đủ)"
        }
        KeyFileProblem::Pkcs12PasswordNotUtf8 => "mật khẩu của tệp PKCS#12 phải là văn bản UTF-8",
        KeyFileProblem::Pkcs12NoKey => {
            "tệp PKCS#12 không chứa khóa bí mật (có thể khi xuất tệp chỉ chọn chứng thư số?)"
        }
        KeyFileProblem::Pkcs12NoCertificate => "tệp PKCS#12 không chứa chứng thư số",
    }
}

pub(super) fn refusal(r: &SigningRefusal) -> String {
    use SigningRefusal::*;
    match r {
        NoSigningTime => "chưa xác định thời điểm ký".into(),
        CertificateExpired { subject, not_after, .. } => format!(
            "chứng thư số '{subject}' đã hết hạn lúc {not_after}; hãy ký bằng chứng thư số còn hiệu lực"
        ),
        CertificateNotYetValid { subject, not_before, .. } => {
            format!("chứng thư số '{subject}' chưa có hiệu lực (có hiệu lực từ {not_before})")
        }
        KeyMismatch { subject } => {
            format!("khóa bí mật không thuộc về chứng thư số '{subject}'")
        }
        WeakKey { key, .. } => format!(
            "khóa {} không đủ an toàn theo chính sách thuật toán (RSA tối thiểu 2048 bit, EC tối thiểu 256 bit trên đường cong được phép); người nhận sẽ từ chối chữ ký như vậy",
            bits(key)
        ),
        KeyUsageNotAllowed { key_usage } => format!(
            "chứng thư số không được phép ký tài liệu (keyUsage: {}; cần digitalSignature hoặc nonRepudiation)",
            key_usage.join(", ")
        ),
        ExtendedKeyUsageNotAllowed { ext_key_usage } => format!(
            "chứng thư số chỉ dùng cho mục đích khác (extendedKeyUsage: {}), không dùng để ký tài liệu",
            ext_key_usage.join(", ")
        ),
        PssNeedsRsa { key } => format!("RSA-PSS cần khóa RSA; khóa này là {}", bits(key)),
        DigestNotAllowed { digest, why } => format!(
            "không dùng được {digest}: {}",
            if why.contains("Ed25519") {
                "chữ ký Ed25519 trong CMS dùng SHA-512 (RFC 8419 §3)"
            } else {
                "chỉ được ký bằng sha256, sha384 hoặc sha512"
            }
        ),
        UnsupportedKey { kind } => format!("chưa hỗ trợ ký bằng khóa {kind}"),
        ContentChanged { path } => format!(
            "{path} đã bị thay đổi trong lúc đang ký; tệp chữ ký không hợp lệ, hãy ký lại"
        ),
        PdfNoChangesAllowed { field } => format!(
            "tệp PDF đã được chứng thực bằng chữ ký trong trường '{field}' và không cho phép thay đổi (DocMDP /P 1); ký thêm sẽ làm chữ ký đó mất hiệu lực"
        ),
        PdfCertifyNotFirst { signatures } => format!(
            "tệp PDF đã có {signatures} chữ ký; chữ ký chứng thực (--certify) phải là chữ ký đầu tiên, vì vậy hãy ký không có --certify để thêm chữ ký phê duyệt"
        ),
        DifferentDocument => {
            "tài liệu này khác với tài liệu mà các chữ ký hiện có đã ký; hãy ký thêm đúng tài liệu đó".into()
        }
        AlreadySigned { subject } => {
            format!("'{subject}' đã ký trong tệp chữ ký hoặc tệp PDF này; không ký lần thứ hai")
        }
    }
}

/// `RSA 2048 bits` (the key's English description) as `RSA 2048 bit`.
fn bits(key: &str) -> String {
    key.replace(" bits", " bit")
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "không có".into()
    } else {
        v.join(", ")
    }
}

pub(super) fn pin_state(p: &PinState) -> String {
    let mut s = if p.locked {
        "mã PIN đã bị khóa (CKF_USER_PIN_LOCKED): không thể đăng nhập".to_string()
    } else if p.final_try {
        "còn một lần thử cuối (CKF_USER_PIN_FINAL_TRY): nhập sai mã PIN thêm một lần nữa sẽ khóa token"
            .to_string()
    } else if p.count_low {
        "đã có lần nhập sai mã PIN kể từ lần đăng nhập thành công gần nhất (CKF_USER_PIN_COUNT_LOW)"
            .to_string()
    } else {
        "chưa có lần nhập sai mã PIN nào được ghi nhận".to_string()
    };
    if p.to_be_changed {
        s.push_str("; cần đổi mã PIN (CKF_USER_PIN_TO_BE_CHANGED)");
    }
    s
}

pub(super) fn token(t: &TokenError) -> String {
    use TokenError::*;
    match t {
        InvalidUri { uri, reason } => format!("URI PKCS#11 '{uri}' không hợp lệ: {reason}"),
        NoModule => "chưa chỉ định mô-đun PKCS#11; gợi ý: chỉ định mô-đun PKCS#11 của hãng sản xuất token (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so, OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so)".into(),
        ModuleNotFound { path } => format!("không có mô-đun PKCS#11 {path}; gợi ý: cài trình điều khiển của token, hoặc chỉ định đường dẫn tới mô-đun PKCS#11 (.so) của token"),
        ModuleNotLoadable { path, reason } => format!("không nạp được mô-đun PKCS#11 {path}: {reason}; gợi ý: dùng mô-đun PKCS#11 của hãng dành cho máy này (không phải chương trình quản lý token hay bản 32-bit)"),
        ModuleInit { path, rv } => format!("mô-đun PKCS#11 {path} không khởi động được (C_Initialize: {rv}); gợi ý: kiểm tra cấu hình trình điều khiển (với SoftHSM2: SOFTHSM2_CONF và tokendir)"),
        NoTokenPresent { module } => format!("không có token nào trong các khe của {module}; gợi ý: cắm thiết bị lưu khóa bí mật (token) vào máy, rồi kiểm tra bằng `kyso token list`"),
        NoTokenMatches { uri, available } => format!("không có token nào khớp {uri}; các token hiện có: {}; gợi ý: chép nhãn hoặc số sê-ri của token từ kết quả `kyso token list`", list(available)),
        SeveralTokensMatch { uri, candidates } => format!("nhiều token cùng khớp {uri}: {}; gợi ý: thêm token=, serial= hoặc slot-id= vào URI", list(candidates)),
        PinLocked { token } => format!("mã PIN người dùng của token '{token}' đã bị khóa: không thể đăng nhập; gợi ý: mở khóa bằng mã PIN quản trị (SO PIN) hoặc PUK trong công cụ của hãng sản xuất token; kyso không bao giờ thử mã PIN trên token đã bị khóa"),
        FinalTryNotConfirmed { token } => format!("token '{token}' báo rằng nhập sai mã PIN thêm một lần nữa sẽ khóa token (CKF_USER_PIN_FINAL_TRY); kyso không đăng nhập khi chưa được xác nhận rõ ràng; gợi ý: kiểm tra kỹ mã PIN rồi xác nhận lần thử cuối cùng"),
        PinIncorrect { token, after } => format!("token '{token}' báo sai mã PIN (CKR_PIN_INCORRECT); trạng thái mã PIN hiện tại: {}; kyso không tự thử lại mã PIN: hãy kiểm tra mã PIN trước khi chạy lại", after.as_ref().map_or_else(|| "(không đọc được trạng thái mã PIN)".to_string(), pin_state)),
        PinExpired { token } => format!("mã PIN của token '{token}' đã hết hạn (CKR_PIN_EXPIRED); gợi ý: đổi mã PIN bằng công cụ của hãng sản xuất token rồi ký lại"),
        PinLength { token, len, min, max } => format!("mã PIN có {len} ký tự nhưng token '{token}' chỉ nhận từ {min} đến {max} ký tự; mã PIN chưa được gửi tới token (không mất lượt thử)"),
        KeyNotFound { token, uri, available } => format!("không có khóa bí mật nào trên token '{token}' khớp {uri}; các khóa bí mật trên token: {}; gợi ý: chọn bằng object=NHÃN hoặc id=%HEX (xem `kyso token list`)", list(available)),
        SeveralKeysMatch { token, uri, candidates } => format!("nhiều khóa bí mật trên token '{token}' cùng khớp {uri}: {}; gợi ý: thêm object=NHÃN hoặc id=%HEX vào URI", list(candidates)),
        CertificateNotFound { token, key } => format!("không tìm thấy chứng thư số của khóa {key} trên token '{token}' (không có chứng thư số cùng CKA_ID hoặc cùng nhãn); gợi ý: cung cấp chứng thư số dưới dạng tệp"),
        BadCertificate { token, object, reason } => format!("chứng thư số {object} trên token '{token}' không phải chứng thư số X.509 hợp lệ: {reason}; gợi ý: cung cấp chứng thư số dưới dạng tệp"),
        KeyCertificateMismatch { token, key, subject } => format!("khóa {key} trên token '{token}' không thuộc về chứng thư số '{subject}'; gợi ý: chọn khóa theo id của chứng thư số (xem `kyso token list`) hoặc chỉ định đúng tệp chứng thư số"),
        KeyCannotSign { token, key, reason } => format!("khóa {key} trên token '{token}' không ký được tài liệu: {reason}"),
        MechanismNotSupported { token, needed, scheme, hint } => format!("token '{token}' không hỗ trợ {needed} cho chữ ký {scheme}; gợi ý: {hint}"),
        TokenRemoved { token, rv } => format!("token '{token}' đã bị rút ra hoặc phiên làm việc đã đóng ({rv}); gợi ý: cắm lại token rồi chạy lại lệnh (không có tệp nào được ký thêm)"),
        Pkcs11 { token, function, rv } => format!("lệnh PKCS#11 {function} không thành công trên token '{token}': {rv}"),
    }
}
