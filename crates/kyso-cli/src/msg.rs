//! The CLI's own messages (what the library does not say: flags, prompts, files it reads and
//! writes) in English and Vietnamese, keyed by a code. The library's errors and report texts
//! come from its own catalogue (`kyso::Error::message`, `Reason::message`, ...); this table
//! only words what the command line adds. `tr!("code", name = value, ...)` renders one in the
//! run's language; a test checks that every code used exists and has both texts.

use std::sync::OnceLock;

use kyso::Lang;

/// The language of this run, set once by `main` from `--lang` or the locale.
static LANG: OnceLock<Lang> = OnceLock::new();

/// Fix the run's language (first call wins).
pub fn set_lang(l: Lang) {
    let _ = LANG.set(l);
}

/// The run's language: as set by `main`, else from the command line and the locale (for
/// messages printed while the arguments are still being parsed).
pub fn lang() -> Lang {
    *LANG.get_or_init(|| from_args(std::env::args()).unwrap_or_else(from_locale))
}

/// `--lang vi` / `--lang=vi` among the arguments.
pub fn from_args(args: impl IntoIterator<Item = String>) -> Option<Lang> {
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        let v = match a.strip_prefix("--lang") {
            Some("") => args.next(),
            Some(v) if v.starts_with('=') => Some(v[1..].to_string()),
            _ => continue,
        };
        match v.as_deref() {
            Some("vi") => return Some(Lang::Vi),
            Some("en") => return Some(Lang::En),
            _ => {}
        }
    }
    None
}

/// The language from the locale, as gettext reads it: LANGUAGE (a list, `vi:en`) first, then
/// LC_ALL, LC_MESSAGES, LANG. An explicit `C`/`POSIX` locale turns LANGUAGE off, as in
/// gettext (scripts set LC_ALL=C for English); an unset locale does not.
pub fn from_locale() -> Lang {
    locale_lang(|k| std::env::var(k).ok())
}

fn locale_lang(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| var(v).filter(|s| !s.is_empty()));
    let c_locale = locale
        .as_deref()
        .is_some_and(|l| l == "C" || l == "POSIX" || l.starts_with("C."));
    if !c_locale {
        if let Some(list) = var("LANGUAGE").filter(|s| !s.is_empty()) {
            for item in list.split(':') {
                if item.starts_with("vi") {
                    return Lang::Vi;
                }
                if item.starts_with("en") {
                    return Lang::En;
                }
            }
        }
    }
    if locale.is_some_and(|l| l.starts_with("vi")) {
        Lang::Vi
    } else {
        Lang::En
    }
}

/// `code` in `lang`, with `{name}` replaced by the arguments.
pub fn render(lang: Lang, code: &str, args: &[(&str, String)]) -> String {
    let Some((_, en, vi)) = MESSAGES.iter().find(|(c, _, _)| *c == code) else {
        // A code missing from the table is a bug the tests catch; never panic on a user.
        return code.to_string();
    };
    let mut s = lang.pick(en, vi).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// Render a message of the table in the run's language: `tr!("cannot_read", path = p.display())`.
#[macro_export]
macro_rules! tr {
    ($code:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::msg::render($crate::msg::lang(), $code, &[$((stringify!($k), ($v).to_string())),*])
    };
}

/// (code, English, Vietnamese).
pub const MESSAGES: &[(&str, &str, &str)] = &[
    // Prefixes of diagnostic lines.
    ("error", "error:", "lỗi:"),
    ("hint", "hint:", "gợi ý:"),
    ("warning", "warning:", "cảnh báo:"),
    ("note", "note:", "ghi chú:"),
    // Secrets.
    (
        "pass_not_a_source",
        "--pass/--pin names where the password or PIN comes from, not the secret itself (the value given is not shown): use env:VAR, file:PATH, fd:N, stdin or prompt; if you typed a real password, remove it from your shell history",
        "--pass/--pin chỉ nhận nguồn lấy mật khẩu hoặc mã PIN, không nhận trực tiếp mật khẩu (giá trị vừa nhập không được hiển thị): hãy dùng env:TÊN_BIẾN, file:ĐƯỜNG_DẪN, fd:N, stdin hoặc prompt; nếu đã lỡ gõ mật khẩu thật, hãy xóa lệnh đó khỏi lịch sử dòng lệnh",
    ),
    (
        "secret_env_not_set",
        "the environment variable {var} is not set",
        "chưa đặt biến môi trường {var}",
    ),
    (
        "secret_file_unreadable",
        "cannot read the password file {path}",
        "không đọc được tệp mật khẩu {path}",
    ),
    (
        "secret_fd_unreadable",
        "cannot read the password from file descriptor {fd}",
        "không đọc được mật khẩu từ bộ mô tả tệp số {fd}",
    ),
    (
        "secret_stdin_unreadable",
        "cannot read the password from standard input",
        "không đọc được mật khẩu từ đầu vào chuẩn (stdin)",
    ),
    (
        "secret_terminal_unreadable",
        "cannot read the password from the terminal",
        "không đọc được mật khẩu từ cửa sổ dòng lệnh",
    ),
    (
        "secret_needed",
        "{what} is needed and no terminal is attached to ask for it; give it with --pass (or --pin) env:VAR, file:PATH, fd:N or stdin",
        "{what}: cần nhập nhưng không có cửa sổ dòng lệnh để hỏi; hãy cung cấp qua --pass (hoặc --pin) env:TÊN_BIẾN, file:ĐƯỜNG_DẪN, fd:N hoặc stdin",
    ),
    ("prompt_password_for", "Password for {path}", "Mật khẩu của {path}"),
    ("prompt_p12_password", "PKCS#12 password", "Mật khẩu tệp PKCS#12"),
    ("prompt_pin", "PIN for token '{token}'", "Mã PIN của token '{token}'"),
    ("what_password", "the password", "mật khẩu"),
    // Files.
    ("cannot_read", "cannot read {path}", "không đọc được {path}"),
    ("cannot_read_dir", "cannot read the directory {path}", "không đọc được thư mục {path}"),
    ("flag_file", "{flag} {path}", "{flag} {path}"),
    (
        "cache_dir",
        "--cache-dir {path}: cannot create the cache directory",
        "--cache-dir {path}: không tạo được thư mục lưu đệm",
    ),
    // Where a revocation status came from (verify and chain text).
    (
        "rev_good",
        "revocation: good, {per}",
        "trạng thái thu hồi: chưa bị thu hồi, {per}",
    ),
    (
        "rev_revoked",
        "revocation: REVOKED at {time}, reason: {reason}, {per}",
        "trạng thái thu hồi: ĐÃ BỊ THU HỒI lúc {time}, lý do: {reason}, {per}",
    ),
    (
        "rev_ocsp_embedded",
        "per OCSP (response embedded in the signature) from {by}",
        "theo OCSP (phản hồi kèm trong chữ ký) của {by}",
    ),
    (
        "rev_ocsp_file",
        "per OCSP (file {path}) from {by}",
        "theo OCSP (tệp {path}) của {by}",
    ),
    (
        "rev_ocsp_given",
        "per OCSP (response given) from {by}",
        "theo OCSP (phản hồi được cung cấp) của {by}",
    ),
    (
        "rev_crl_embedded",
        "per CRL (embedded in the signature) from {by}",
        "theo CRL (kèm trong chữ ký) của {by}",
    ),
    ("rev_crl_file", "per CRL (file {path}) from {by}", "theo CRL (tệp {path}) của {by}"),
    (
        "rev_crl_given",
        "per CRL (given) from {by}",
        "theo CRL (được cung cấp) của {by}",
    ),
    (
        "rev_ocsp_fetched",
        "per OCSP {url} from {by}",
        "theo OCSP {url} của {by}",
    ),
    (
        "rev_ocsp_cache",
        "per OCSP {url} (kept in {path}) from {by}",
        "theo OCSP {url} (lưu tại {path}) của {by}",
    ),
    (
        "rev_crl_fetched",
        "per CRL {url} from {by}",
        "theo CRL {url} của {by}",
    ),
    (
        "rev_crl_cache",
        "per CRL {url} (kept in {path}) from {by}",
        "theo CRL {url} (lưu tại {path}) của {by}",
    ),
    (
        "timestamp_valid",
        "time-stamp: the signature existed at {time}, per {tsa}",
        "dấu thời gian: chữ ký đã tồn tại lúc {time}, theo {tsa}",
    ),
    (
        "timestamp_invalid",
        "time-stamp ({time}) proves nothing: {why}",
        "dấu thời gian ({time}) không chứng minh được thời điểm: {why}",
    ),
    (
        "container_archive_valid",
        "archive time-stamp {token} over {manifest}: the {count} file(s) it lists existed at {time}, per {tsa}",
        "dấu thời gian lưu trữ {token} trên {manifest}: {count} tệp được kê đã tồn tại lúc {time}, theo {tsa}",
    ),
    (
        "container_archive_invalid",
        "archive time-stamp {token} over {manifest} ({time}) proves nothing: {why}",
        "dấu thời gian lưu trữ {token} trên {manifest} ({time}) không chứng minh được thời điểm: {why}",
    ),
    (
        "chain_validated_at",
        "chain validated at {time}, the signature-time-stamp's time (a certificate has expired or been revoked since)",
        "chuỗi chứng thư số được kiểm tra tại thời điểm {time} của dấu thời gian (sau đó một chứng thư số đã hết hạn hoặc bị thu hồi)",
    ),
    (
        "algorithms_validated_at",
        "algorithms judged at {time}, the time-stamp's time (an algorithm the policy allows only until a date has passed since)",
        "thuật toán được đánh giá tại thời điểm {time} của dấu thời gian (thuật toán chỉ được chính sách chấp nhận đến một thời điểm đã qua)",
    ),
    (
        "level_needs_tsa",
        "--level {level} needs --tsa URL: the time-stamping authority that vouches for the time",
        "--level {level} cần --tsa URL: địa chỉ của tổ chức cấp dấu thời gian",
    ),
    (
        "extend_done",
        "extended {file}: {from} -> {to} ({stamps} time-stamp(s), {certs} certificate(s), {values} CRL/OCSP value(s) added)",
        "đã nâng cấp {file}: {from} -> {to} (thêm {stamps} dấu thời gian, {certs} chứng thư số, {values} CRL/OCSP)",
    ),
    (
        "extend_unchanged",
        "{file} is already {level}: unchanged",
        "{file} đã ở mức {level}: giữ nguyên",
    ),
    (
        "extend_failed",
        "{file} not extended (left as it was): {why}",
        "không nâng cấp {file} (tệp giữ nguyên): {why}",
    ),
    (
        "extend_summary",
        "{total} file(s): {extended} extended, {unchanged} already at the level, {failed} not extended",
        "{total} tệp: {extended} đã nâng cấp, {unchanged} đã ở mức yêu cầu, {failed} không nâng cấp được",
    ),
    (
        "lt_needs_trust",
        "--level B-LT validates the signer's path before embedding its validation data: give --trust FILE (or set KYSO_TRUST)",
        "--level B-LT cần kiểm tra chuỗi chứng thư số của người ký trước khi gắn dữ liệu kiểm tra: hãy cung cấp --trust TỆP (hoặc đặt KYSO_TRUST)",
    ),
    (
        "lt_not_to_stdout",
        "--level B-LT writes a file (its validation data is added after signing): give -o FILE, not -o -",
        "--level B-LT cần ghi ra tệp (dữ liệu kiểm tra được gắn sau khi ký): hãy dùng -o TỆP, không dùng -o -",
    ),
    (
        "lt_left_at_bt",
        "{path} is signed at B-T, but its validation data could not be added; run `kyso extend --level B-LT {path}` when the services answer",
        "{path} đã được ký ở mức B-T nhưng chưa gắn được dữ liệu kiểm tra; hãy chạy `kyso extend --level B-LT {path}` khi các dịch vụ hoạt động trở lại",
    ),
    (
        "tsa_needs_trust",
        "--tsa needs the TSA's trust anchor to check its time-stamps before they are embedded: give --tsa-trust FILE (or set KYSO_TRUST)",
        "--tsa cần chứng thư số gốc tin cậy của tổ chức cấp dấu thời gian để kiểm tra dấu thời gian trước khi gắn vào chữ ký: hãy cung cấp --tsa-trust TỆP (hoặc đặt KYSO_TRUST)",
    ),
    (
        "cert_fetched",
        "downloaded from {url} (the signature did not carry it; not a trust anchor)",
        "tải về từ {url} (chữ ký không kèm chứng thư số này; không được coi là chứng thư số gốc tin cậy)",
    ),
    ("rev_produced", ", produced {time}", ", phản hồi lúc {time}"),
    ("rev_updated", ", updated {time}", ", cập nhật {time}"),
    ("rev_next_update", ", next update {time}", ", lần cập nhật sau {time}"),
    (
        "rev_stale",
        " (that CRL's next update, {time}, has passed, but a revoked certificate stays revoked)",
        " (CRL này đã quá hạn cập nhật từ {time}, nhưng chứng thư số đã bị thu hồi thì không có hiệu lực trở lại)",
    ),
    (
        "not_ocsp_response",
        "--ocsp {path} is not a DER OCSP response; save one with `openssl ocsp ... -respout FILE`",
        "--ocsp {path} không phải phản hồi OCSP dạng DER; hãy lưu phản hồi bằng `openssl ocsp ... -respout TỆP`",
    ),
    (
        "already_exists",
        "{path} already exists; pass --force to replace it",
        "{path} đã tồn tại; thêm --force để ghi đè",
    ),
    (
        "cannot_create_temp",
        "cannot create a temporary file in {dir}",
        "không tạo được tệp tạm trong {dir}",
    ),
    ("writing_output", "writing the output", "không ghi được tệp kết quả"),
    ("writing_stdout", "writing to standard output", "không ghi được ra đầu ra chuẩn (stdout)"),
    ("flushing_output", "flushing the output to disk", "không ghi được tệp kết quả xuống đĩa"),
    (
        "cannot_move_output",
        "cannot move the output into place at {path}",
        "không chuyển được tệp kết quả vào {path}",
    ),
    ("reading_stdin", "reading standard input", "không đọc được đầu vào chuẩn (stdin)"),
    (
        "trust_skipped",
        "{flag} {dir}: skipped {files}: not certificate files",
        "{flag} {dir}: bỏ qua {files}: không phải tệp chứng thư số",
    ),
    ("file_is", "{path} ({kind})", "{path} ({kind})"),
    ("no_certificate_in", "no certificate in {path}", "không có chứng thư số nào trong {path}"),
    // Advice on the library's errors.
    (
        "advice_password_required",
        "give the password with --pass env:VAR, file:PATH, fd:N or stdin (or run on a terminal to be asked)",
        "cung cấp mật khẩu qua --pass env:TÊN_BIẾN, file:ĐƯỜNG_DẪN, fd:N hoặc stdin (hoặc chạy trong cửa sổ dòng lệnh để được hỏi mật khẩu)",
    ),
    (
        "advice_wrong_password",
        "check the password (kyso does not retry it); the source was --pass or the prompt",
        "kiểm tra lại mật khẩu (kyso không tự thử lại); mật khẩu được lấy từ --pass hoặc do bạn nhập khi được hỏi",
    ),
    (
        "advice_file_not_found",
        "check the file name and the current directory",
        "kiểm tra tên tệp và thư mục hiện tại",
    ),
    (
        "advice_digest",
        "choose another --digest, or drop it",
        "chọn --digest khác, hoặc bỏ tùy chọn này",
    ),
    ("advice_pss", "drop --pss for this key", "bỏ --pss với khóa này"),
    (
        "advice_module",
        "pass --module PATH or set KYSO_PKCS11_MODULE",
        "chỉ định --module ĐƯỜNG_DẪN hoặc đặt biến môi trường KYSO_PKCS11_MODULE",
    ),
    (
        "advice_final_try",
        "answer yes at the prompt or pass --confirm-final-pin-try",
        "trả lời yes (hoặc có) khi được hỏi, hoặc thêm --confirm-final-pin-try",
    ),
    (
        "advice_token_cert",
        "give the certificate with --cert FILE",
        "cung cấp chứng thư số bằng --cert TỆP",
    ),
    (
        "advice_token_mismatch",
        "give the right --cert, or select the key by its id",
        "chỉ định đúng --cert, hoặc chọn khóa theo id",
    ),
    (
        "advice_mechanism",
        "choose another --digest, or drop --pss",
        "chọn --digest khác, hoặc bỏ --pss",
    ),
    (
        "advice_legacy_p12",
        "convert it once (bash; the key stays in memory), then sign with new.p12: PEM=$(openssl pkcs12 -legacy -in OLD.p12 -nodes -passin env:P12_PASS) && openssl pkcs12 -export -in <(echo \"$PEM\") -inkey <(echo \"$PEM\") -out new.p12 -passout env:P12_PASS",
        "chuyển đổi tệp một lần (bash; khóa bí mật chỉ nằm trong bộ nhớ) rồi ký bằng new.p12: PEM=$(openssl pkcs12 -legacy -in CU.p12 -nodes -passin env:P12_PASS) && openssl pkcs12 -export -in <(echo \"$PEM\") -inkey <(echo \"$PEM\") -out new.p12 -passout env:P12_PASS",
    ),
    (
        "advice_cert_for_p12",
        "a certificate alone cannot sign: give it with --cert and its private key with --key, or give the .p12/.pfx file with --p12",
        "chỉ có chứng thư số thì không ký được: hãy chỉ định chứng thư số bằng --cert và khóa bí mật bằng --key, hoặc chỉ định tệp .p12/.pfx bằng --p12",
    ),
    (
        "advice_key_for_p12",
        "give the key with --key and its certificate with --cert",
        "chỉ định khóa bí mật bằng --key và chứng thư số bằng --cert",
    ),
    (
        "advice_p12_for_key",
        "give a PKCS#12 file with --p12 instead (it holds the key and the certificate)",
        "hãy chỉ định tệp PKCS#12 bằng --p12 (tệp này chứa cả khóa bí mật và chứng thư số)",
    ),
    (
        "advice_cert_for_key",
        "--key takes the private key; the certificate goes with --cert",
        "--key nhận khóa bí mật; chứng thư số được chỉ định bằng --cert",
    ),
    (
        "advice_p12_for_cert",
        "take the certificates out of it first: openssl pkcs12 -in FILE.p12 -nokeys -out certs.pem",
        "hãy lấy các chứng thư số ra trước: openssl pkcs12 -in TỆP.p12 -nokeys -out certs.pem",
    ),
    (
        "advice_key_for_cert",
        "a private key is not a certificate (and is never shared): give the certificate file (.pem, .cer, .crt)",
        "khóa bí mật không phải chứng thư số (và không bao giờ được gửi cho người khác): hãy chỉ định tệp chứng thư số (.pem, .cer, .crt)",
    ),
    (
        "advice_missing_root",
        "if it is the root you mean to trust, compare its fingerprint with its owner's, then pass it with --trust (or set KYSO_TRUST)",
        "nếu đây đúng là chứng thư số gốc cần tin cậy, hãy đối chiếu dấu vân tay SHA-256 của nó với dấu vân tay do tổ chức sở hữu công bố, rồi chỉ định bằng --trust (hoặc biến môi trường KYSO_TRUST)",
    ),
    (
        "advice_missing_issuer",
        "pass the certificate of '{issuer}' with --intermediates (or with --trust if it is a root you trust)",
        "chỉ định chứng thư số của '{issuer}' bằng --intermediates (hoặc bằng --trust nếu đó là chứng thư số gốc tin cậy)",
    ),
    (
        "advice_download_issuer",
        "download it from {url}",
        "tải về tại {url}",
    ),
    // sign.
    (
        "output_one_of_many",
        "-o names one output but {n} files were given; drop -o to write FILE.p7s beside each",
        "-o chỉ đặt tên cho một tệp kết quả nhưng có {n} tệp cần ký; bỏ -o để ghi TỆP.p7s cùng thư mục với từng tệp",
    ),
    (
        "output_one_of_many_add_to",
        "-o names one output but --add-to was given {n} times; drop -o to co-sign each envelope in place",
        "-o chỉ đặt tên cho một tệp kết quả nhưng --add-to được dùng {n} lần; bỏ -o để ký thêm trực tiếp vào từng tệp chữ ký",
    ),
    (
        "add_to_count",
        "--add-to was given {n} times but {m} FILEs: give one signed document per --add-to, in order, or none (X for X.p7s; a .p7m holds its content)",
        "--add-to được dùng {n} lần nhưng có {m} TỆP: hãy chỉ định cho mỗi --add-to một tài liệu đã ký, theo đúng thứ tự, hoặc không chỉ định tài liệu nào (X cho X.p7s; tệp .p7m đã chứa tài liệu)",
    ),
    (
        "no_key_source",
        "give --key FILE --cert FILE, --p12 FILE or --pkcs11 URI",
        "hãy chỉ định --key TỆP --cert TỆP, --p12 TỆP hoặc --pkcs11 URI",
    ),
    ("unknown_digest", "unknown digest", "không rõ thuật toán băm"),
    ("not_signed", "{file} was not signed", "{file} chưa được ký"),
    (
        "nothing_changed_resume",
        "nothing was changed; pass --resume to skip files you already signed",
        "không có gì thay đổi; thêm --resume để bỏ qua các tệp bạn đã ký",
    ),
    (
        "exists_own_signature",
        "{path} already exists and holds your own signature ('{me}'); nothing was changed\nhint: --resume skips files you already signed; --force signs again",
        "{path} đã tồn tại và chứa chữ ký của chính bạn ('{me}'); không có gì thay đổi\ngợi ý: --resume bỏ qua các tệp bạn đã ký; --force ký lại",
    ),
    (
        "exists_other_signatures",
        "{path} already exists and holds {n} signature(s), by {others}; nothing was changed\nhint: to add your signature beside them, run kyso sign with --add-to {path}",
        "{path} đã tồn tại và chứa {n} chữ ký của {others}; không có gì thay đổi\ngợi ý: để ký thêm bên cạnh các chữ ký đó, chạy kyso sign với --add-to {path}",
    ),
    (
        "force_would_discard",
        "--force would discard the signature(s) of {others} in {path}; nothing was changed\nhint: use --add-to {path} to keep them, or add --discard-signatures to really replace them",
        "--force sẽ xóa chữ ký của {others} trong {path}; không có gì thay đổi\ngợi ý: dùng --add-to {path} để giữ các chữ ký đó, hoặc thêm --discard-signatures nếu thật sự muốn thay thế",
    ),
    // Tokens.
    (
        "token_found",
        "token '{label}' ({manufacturer} {model}, serial {serial}) in slot {slot} of {module}",
        "token '{label}' ({manufacturer} {model}, số sê-ri {serial}) ở khe {slot} của {module}",
    ),
    (
        "token_pin_state",
        "the token reports its PIN state as: {state}",
        "token báo trạng thái mã PIN: {state}",
    ),
    (
        "final_try_warning",
        "WARNING: token '{token}' reports that the next wrong PIN LOCKS it (CKF_USER_PIN_FINAL_TRY).",
        "CẢNH BÁO: token '{token}' báo rằng nhập sai mã PIN thêm một lần nữa sẽ KHÓA token (CKF_USER_PIN_FINAL_TRY).",
    ),
    (
        "final_try_flag",
        "--confirm-final-pin-try given: trying the PIN once",
        "đã có --confirm-final-pin-try: thử mã PIN lần cuối",
    ),
    (
        "final_try_ask",
        "type yes to try the PIN once more: ",
        "gõ yes (hoặc có) để thử mã PIN lần cuối: ",
    ),
    (
        "final_try_refused",
        "not logging in: the final PIN try was not confirmed (answer 'yes' to go on)",
        "không đăng nhập: lần thử mã PIN cuối cùng chưa được xác nhận (trả lời 'yes' hoặc 'có' để tiếp tục)",
    ),
    (
        "cannot_read_confirmation",
        "cannot read the confirmation",
        "không đọc được câu trả lời xác nhận",
    ),
    (
        "pin_given_twice",
        "the PIN is given twice (--pin/--pass and the URI's pin-source); keep one",
        "mã PIN được chỉ định hai lần (--pin/--pass và pin-source trong URI); chỉ giữ một",
    ),
    (
        "pin_pad",
        "enter the PIN on the reader's PIN pad",
        "nhập mã PIN trên bàn phím của đầu đọc",
    ),
    ("logged_in", "logged in to token '{token}'", "đã đăng nhập token '{token}'"),
    (
        "list_module",
        "Module {path}\n  {description} ({manufacturer}), library version {version}, Cryptoki {cryptoki}",
        "Mô-đun {path}\n  {description} ({manufacturer}), phiên bản thư viện {version}, Cryptoki {cryptoki}",
    ),
    ("list_slot", "Slot {id}: {description} ({manufacturer})", "Khe {id}: {description} ({manufacturer})"),
    ("list_no_token", "no token present", "không có token nào được cắm"),
    ("list_not_initialised", "token not initialised", "token chưa được khởi tạo"),
    (
        "list_token",
        "Token '{label}'\n    manufacturer {manufacturer}, model {model}, serial {serial}",
        "Token '{label}'\n    hãng {manufacturer}, mẫu {model}, số sê-ri {serial}",
    ),
    ("list_pin", "PIN: {state}", "Mã PIN: {state}"),
    (
        "list_pin_pad",
        "the PIN is entered on the reader's PIN pad",
        "mã PIN được nhập trên bàn phím của đầu đọc",
    ),
    (
        "list_objects_unreadable",
        "objects could not be read: {error}",
        "không đọc được các đối tượng: {error}",
    ),
    ("list_certificates", "Certificates ({n}):", "Chứng thư số ({n}):"),
    ("days_left", "{n} days left", "còn {n} ngày"),
    ("expired_days_ago", "expired {n} days ago", "đã hết hạn {n} ngày trước"),
    ("list_issuer", "issuer {issuer}", "tổ chức cấp {issuer}"),
    ("list_sign_with", "sign with: --pkcs11 '{uri}'", "ký bằng: --pkcs11 '{uri}'"),
    (
        "list_bad_certificate",
        "not a valid certificate: {error}",
        "không phải chứng thư số hợp lệ: {error}",
    ),
    (
        "list_keys",
        "Keys visible without login ({n}; private keys show after login):",
        "Khóa xem được khi chưa đăng nhập ({n}; khóa bí mật chỉ hiện ra sau khi đăng nhập):",
    ),
    ("list_key", "{class} key id {id} '{label}': {kind}{bits}", "khóa {class} id {id} '{label}': {kind}{bits}"),
    ("bits", " {n} bits", " {n} bit"),
    // verify.
    (
        "content_one_signature",
        "--content names the content of one signature, but {n} signature files were given",
        "--content chỉ định tài liệu của một chữ ký, nhưng có {n} tệp chữ ký",
    ),
    (
        "stdin_once",
        "standard input (-) can be given only once",
        "đầu vào chuẩn (-) chỉ được dùng một lần",
    ),
    (
        "no_signature_files_under",
        "no .p7s, .p7m or .sig files under {path}",
        "không có tệp .p7s, .p7m hoặc .sig nào trong {path}",
    ),
    (
        "nested_too_deep",
        "{path} is nested more than 32 directories deep",
        "{path} lồng sâu quá 32 cấp thư mục",
    ),
    (
        "dangling_link",
        "cannot read {path}: dangling symbolic link (its target does not exist)",
        "không đọc được {path}: liên kết tượng trưng trỏ tới tệp không tồn tại",
    ),
    (
        "cannot_read_because",
        "cannot read {path}: {reason}",
        "không đọc được {path}: {reason}",
    ),
    (
        "signature_beside",
        "{file} is not a signature; its signature is {sig} beside it: kyso verify {sig}",
        "{file} không phải tệp chữ ký; chữ ký của tài liệu này là tệp {sig} cùng thư mục: kyso verify {sig}",
    ),
    ("verified_progress", "verified {done}/{total}", "đã kiểm tra {done}/{total}"),
    // chain.
    (
        "policy_not_oid",
        "--policy {policy}: not a dotted OID such as 2.16.704.1.1.1",
        "--policy {policy}: không phải OID dạng số (ví dụ 2.16.704.1.1.1)",
    ),
    ("no_certificate_found", "no certificate found", "không tìm thấy chứng thư số nào"),
    // inspect.
    ("file_error", "{path}: {error}", "{path}: {error}"),
    // Other commands.
    (
        "cannot_handle_ctrl_c",
        "cannot handle Ctrl-C: {error}",
        "không xử lý được Ctrl-C: {error}",
    ),
    (
        "cannot_create_dir",
        "cannot create the directory {path}",
        "không tạo được thư mục {path}",
    ),
    ("rendering_man", "rendering the man pages", "không tạo được các trang man"),
    (
        "chain_missing_hint",
        "embed the CA certificate with --chain FILE (PEM, DER or .p7b; a PKCS#12 file or a token that holds it embeds it by itself)",
        "kèm chứng thư số của CA bằng --chain TỆP (PEM, DER hoặc .p7b; tệp PKCS#12 hoặc token có sẵn chứng thư số đó sẽ tự kèm)",
    ),
    (
        "man_pages_exist",
        "{dir} already holds {files}; pass --force to replace them",
        "{dir} đã có {files}; thêm --force để ghi đè",
    ),
    (
        "man_pages_written",
        "kyso: wrote {count} man pages to {dir}: {files}",
        "kyso: đã ghi {count} trang man vào {dir}: {files}",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(k, _)| k))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every CLI message has English and Vietnamese text, they differ (a few are format
    /// strings only, such as "{flag} {path}"), and both use the same placeholders.
    #[test]
    fn every_message_code_has_both_languages() {
        let same_by_design = ["flag_file", "file_is", "file_error"];
        let mut seen = std::collections::HashSet::new();
        for (code, en, vi) in MESSAGES {
            assert!(seen.insert(code), "{code} twice");
            assert!(!en.trim().is_empty() && !vi.trim().is_empty(), "{code}");
            if !same_by_design.contains(code) {
                assert_ne!(en, vi, "{code}: the Vietnamese text is the English one");
            }
            assert_eq!(placeholders(en), placeholders(vi), "{code}");
        }
    }

    /// Every `tr!("code", ...)` in the sources names a code of the table.
    #[test]
    fn every_code_used_is_in_the_table() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![];
        for d in [src.clone(), src.join("cmd")] {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                // msg.rs is the table itself (its docs show the macro with a made-up code).
                if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("msg.rs") {
                    files.push(p);
                }
            }
        }
        let mut used = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for part in text.split("tr!(").skip(1) {
                let part = part.trim_start();
                let Some(rest) = part.strip_prefix('"') else {
                    continue; // the macro's own definition
                };
                let code = rest.split('"').next().unwrap();
                assert!(
                    MESSAGES.iter().any(|(c, _, _)| *c == code),
                    "{}: tr!(\"{code}\") is not in the table",
                    f.display()
                );
                used += 1;
            }
        }
        assert!(used > 60, "only {used} uses found");
    }

    #[test]
    fn language_from_flag_and_locale() {
        let args = |a: &[&str]| from_args(a.iter().map(|s| s.to_string()));
        assert_eq!(
            args(&["kyso", "verify", "--lang", "vi", "x"]),
            Some(Lang::Vi)
        );
        assert_eq!(args(&["kyso", "--lang=en"]), Some(Lang::En));
        assert_eq!(args(&["kyso", "verify", "x"]), None);
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            locale_lang(move |k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
        };
        assert_eq!(env(&[("LANG", "vi_VN.UTF-8")]), Lang::Vi);
        assert_eq!(
            env(&[("LANG", "vi_VN.UTF-8"), ("LC_ALL", "en_US.UTF-8")]),
            Lang::En
        );
        assert_eq!(env(&[("LC_MESSAGES", "vi_VN")]), Lang::Vi);
        assert_eq!(
            env(&[("LANGUAGE", "vi:en"), ("LANG", "en_US.UTF-8")]),
            Lang::Vi
        );
        assert_eq!(env(&[("LANGUAGE", "vi")]), Lang::Vi);
        // LC_ALL=C turns LANGUAGE off, as in gettext.
        assert_eq!(env(&[("LANGUAGE", "vi"), ("LC_ALL", "C")]), Lang::En);
        assert_eq!(env(&[("LANGUAGE", "fr:en"), ("LANG", "vi_VN")]), Lang::En);
        assert_eq!(env(&[]), Lang::En);
    }

    #[test]
    fn placeholders_are_replaced() {
        assert_eq!(
            render(Lang::Vi, "cannot_read", &[("path", "Hồ sơ.pdf".into())]),
            "không đọc được Hồ sơ.pdf"
        );
    }
}
