//! Vietnamese text for [`OcspProblem`] (the English is [`OcspProblem::describe`]).

use crate::revocation::ocsp::{OcspProblem, ResponderRule};

pub(super) fn ocsp_problem(p: &OcspProblem) -> String {
    use OcspProblem::*;
    match p {
        ResponderError { status } => format!("máy chủ OCSP trả lời lỗi ({status})"),
        NoMatchingResponse { serial } => format!(
            "phản hồi OCSP không phải về chứng thư số này (số hiệu {serial}) và tổ chức cấp của nó"
        ),
        UnsupportedCertIdHash { oid } => format!(
            "phản hồi OCSP nhận diện chứng thư số bằng thuật toán băm {oid} mà kyso không hỗ trợ"
        ),
        WeakSignatureAlgorithm { algorithm } => format!(
            "phản hồi OCSP được ký bằng {algorithm}, thuật toán mà chính sách không chấp nhận"
        ),
        ResponderUnknown { responder } => format!(
            "phản hồi OCSP do {responder} ký, không phải tổ chức cấp cũng không phải chứng thư số nào kèm trong phản hồi"
        ),
        SignatureInvalid => "chữ ký số của phản hồi OCSP không hợp lệ".into(),
        ResponderNotAuthorized { subject, rule } => format!(
            "máy chủ OCSP '{subject}' không được phép trả lời thay tổ chức cấp này: {} (RFC 6960 §4.2.2.2)",
            responder_rule(*rule)
        ),
        NonceMismatch { sent, received } => match received {
            Some(r) => format!("nonce trong phản hồi OCSP ({r}) khác nonce đã gửi ({sent})"),
            None => format!("phản hồi OCSP không chứa nonce đã gửi ({sent})"),
        },
        NotYetValid { this_update, at } => format!(
            "phản hồi OCSP được tạo lúc {this_update}, sau thời điểm kiểm tra {at}"
        ),
        Expired { next_update, at } => format!(
            "phản hồi OCSP đã cũ: nextUpdate {next_update} trước thời điểm kiểm tra {at}"
        ),
        TooOld {
            this_update,
            at,
            max_age_seconds,
        } => format!(
            "phản hồi OCSP không có nextUpdate và thisUpdate {this_update} sớm hơn thời điểm kiểm tra {at} quá {max_age_seconds} giây"
        ),
        CertificateUnknown => "máy chủ OCSP không biết chứng thư số này".into(),
        UnsupportedCriticalExtension { oid } => format!(
            "phản hồi OCSP có trường mở rộng bắt buộc (critical) {oid} mà kyso chưa xử lý được"
        ),
    }
}

fn responder_rule(r: ResponderRule) -> &'static str {
    match r {
        ResponderRule::NotIssuedByCa => {
            "chứng thư số của máy chủ không do tổ chức cấp của chứng thư số cần kiểm tra cấp"
        }
        ResponderRule::NoOcspSigning => {
            "chứng thư số của máy chủ không có mục đích sử dụng mở rộng id-kp-OCSPSigning"
        }
        ResponderRule::NoDigitalSignature => {
            "keyUsage của chứng thư số máy chủ không có digitalSignature (RFC 5280 §4.2.1.3)"
        }
        ResponderRule::NotValidAtTime => "chứng thư số của máy chủ không có hiệu lực tại thời điểm kiểm tra",
        ResponderRule::UnknownCriticalExtension => {
            "chứng thư số của máy chủ có trường mở rộng bắt buộc (critical) mà kyso không xử lý (RFC 5280 §4.2)"
        }
        ResponderRule::WeakCertificateSignature => {
            "chứng thư số của máy chủ được ký bằng hàm băm không đủ an toàn theo chính sách thuật toán (MD5 hoặc SHA-1)"
        }
        ResponderRule::Revoked => {
            "chứng thư số của máy chủ không có id-pkix-ocsp-nocheck và chính nó đã bị thu hồi"
        }
        ResponderRule::StatusUnknown => {
            "chứng thư số của máy chủ không có id-pkix-ocsp-nocheck và chưa xác định được trạng thái thu hồi của chính nó"
        }
    }
}
