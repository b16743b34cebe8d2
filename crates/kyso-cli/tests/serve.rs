//! `kyso serve`: the real binary on 127.0.0.1:0, spoken to over loopback HTTP/1.1 (requests
//! written on a TcpStream, so a test can hold one half sent; curl where a client's view is
//! wanted): reports that conform to kyso.verify/v2 and agree with `kyso verify`, signatures
//! that `openssl cms -verify` accepts, the API token, the JSON errors and limits (413, 400,
//! 503 when the concurrency limit is full, 504), graceful shutdown on SIGTERM, and the router
//! against the checked-in OpenAPI description.

mod common;
mod report_schema;
#[path = "../../kyso/tests/softhsm/mod.rs"]
mod softhsm;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A running `kyso serve`; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
        c.arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("KYSO_TRUST")
            .env("LANG", "C")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("kyso serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(url) = line.trim().strip_prefix("kyso: listening on http://") else {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            panic!("no listening line: {line:?}; stderr: {err}");
        };
        let addr = url.parse().unwrap();
        Server { child, addr }
    }

    /// Send SIGTERM (the kill command: no unsafe code here).
    fn terminate(&self) {
        let s = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(s.success());
    }

    fn wait(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// A JSON error answer with this status and code.
    fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.header("content-type"), Some("application/json"));
        let v = self.json();
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_spec_shape("Error", &v);
    }
}

/// A multipart/form-data body (RFC 7578) of (name, file name, bytes) parts.
fn form(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "kyso-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, data) in parts {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .unwrap();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn head(method: &str, path: &str, headers: &[(&str, &str)], length: Option<usize>) -> Vec<u8> {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = length {
        h.push_str(&format!("Content-Length: {n}\r\n"));
    }
    h.push_str("\r\n");
    h.into_bytes()
}

fn read_answer(mut s: TcpStream) -> Answer {
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    let length = (method == "POST").then_some(body.len());
    s.write_all(&head(method, path, headers, length)).unwrap();
    s.write_all(body).unwrap();
    read_answer(s)
}

fn post_form(
    addr: SocketAddr,
    path: &str,
    extra: &[(&str, &str)],
    parts: &[(&str, &str, &[u8])],
) -> Answer {
    let (ct, body) = form(parts);
    let mut headers = vec![("Content-Type", ct.as_str())];
    headers.extend_from_slice(extra);
    request(addr, "POST", path, &headers, &body)
}

/// A request whose head and first half of body are sent; the rest waits for `finish`.
struct Held {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl Held {
    fn open(addr: SocketAddr, path: &str, parts: &[(&str, &str, &[u8])]) -> Held {
        let (ct, body) = form(parts);
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(&head(
                "POST",
                path,
                &[("Content-Type", &ct)],
                Some(body.len()),
            ))
            .unwrap();
        let half = body.len() / 2;
        stream.write_all(&body[..half]).unwrap();
        stream.flush().unwrap();
        Held {
            stream,
            rest: body[half..].to_vec(),
        }
    }
    /// Whether the server has answered (or closed) already: the request was refused.
    fn answered(&self) -> bool {
        self.stream.set_nonblocking(true).unwrap();
        let got = match self.stream.peek(&mut [0u8; 1]) {
            Ok(_) => true,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        };
        self.stream.set_nonblocking(false).unwrap();
        got
    }
    fn finish(mut self) -> Answer {
        self.stream.write_all(&self.rest).unwrap();
        read_answer(self.stream)
    }
}

fn sample(f: &str) -> Vec<u8> {
    std::fs::read(samples().join(f)).unwrap()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

fn spec() -> serde_json::Value {
    serde_json::from_str(kyso_server::OPENAPI).expect("the OpenAPI description is JSON")
}

/// `v` has the shape of the OpenAPI description's schema `name` (components/schemas).
fn assert_spec_shape(name: &str, v: &serde_json::Value) {
    let mut root = spec();
    root["$ref"] = format!("#/components/schemas/{name}").into();
    let validator = jsonschema::validator_for(&root).expect("the spec's schemas compile");
    let errors: Vec<String> = validator.iter_errors(v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{v:#}");
}

/// A verification report from the service: kyso.verify/v2 and the spec's VerifyReport.
fn report(a: &Answer) -> serde_json::Value {
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    let v = a.json();
    report_schema::assert_conforms(&v);
    assert_spec_shape("VerifyReport", &v);
    v
}

fn trust() -> String {
    pki("trust.pem")
}

const VERIFY_AT: &str = "/verify?at=2026-06-01T00:00:00Z";

#[test]
fn verify_answers_the_report_kyso_verify_gives_for_valid_tampered_and_pdf_signatures() {
    let d = tmpdir("serve-verify");
    let srv = Server::start(&["--trust", &trust()], &[]);
    // Detached: the same verdict and checks as `kyso verify --format json`.
    let a = post_form(
        srv.addr,
        VERIFY_AT,
        &[],
        &[
            ("signature", "cong-van.txt.p7s", &sample("cong-van.txt.p7s")),
            ("content", "cong-van.txt", &sample("cong-van.txt")),
        ],
    );
    let served = report(&a);
    let cli = kyso(
        &samples(),
        &[
            "verify",
            "--trust",
            &trust(),
            "--at",
            AT,
            "--format",
            "json",
            "cong-van.txt.p7s",
        ],
    );
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(
        served["documents"][0]["indication"], "TOTAL-PASSED",
        "{served:#}"
    );
    assert_eq!(served["documents"][0]["signature_file"], "cong-van.txt.p7s");
    assert_eq!(served["documents"][0]["content_file"], "cong-van.txt");
    for key in ["indication", "sub_indication", "signatures"] {
        assert_eq!(
            served["documents"][0][key], cli["documents"][0][key],
            "{key}"
        );
    }
    assert_eq!(served["policy"], cli["policy"]);
    assert_eq!(served["summary"], cli["summary"]);
    // One byte of the document changed: TOTAL-FAILED, still a 200 with the report.
    let mut tampered = sample("cong-van.txt");
    tampered[0] ^= 1;
    let a = post_form(
        srv.addr,
        VERIFY_AT,
        &[],
        &[
            ("signature", "cong-van.txt.p7s", &sample("cong-van.txt.p7s")),
            ("content", "cong-van.txt", &tampered),
        ],
    );
    let v = report(&a);
    assert_eq!(v["documents"][0]["indication"], "TOTAL-FAILED", "{v:#}");
    assert_eq!(v["summary"]["failed"], 1);
    // Attached .p7m: no content part.
    let a = post_form(
        srv.addr,
        VERIFY_AT,
        &[],
        &[("signature", "to-trinh.txt.p7m", &sample("to-trinh.txt.p7m"))],
    );
    assert_eq!(report(&a)["documents"][0]["indication"], "TOTAL-PASSED");
    // A PDF signed inside by `kyso sign` (PAdES), as the signature part alone.
    std::fs::copy(root().join("testdata/pdf/minimal.pdf"), d.join("qd.pdf")).unwrap();
    let o = kyso_env(
        &d,
        &[
            "sign",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:P",
            "qd.pdf",
        ],
        &[("P", "kyso-test")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a = post_form(
        srv.addr,
        "/verify",
        &[],
        &[("signature", "qd.pdf", &read(&d.join("qd.pdf")))],
    );
    let v = report(&a);
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED", "{v:#}");
    assert!(
        v["documents"][0]["signatures"][0]["pdf"].is_object(),
        "{v:#}"
    );
    // Not a signature at all: a report with FORMAT_FAILURE, not an HTTP error.
    let a = post_form(
        srv.addr,
        "/verify",
        &[],
        &[("signature", "x.p7s", b"hello")],
    );
    let v = report(&a);
    assert_eq!(
        v["documents"][0]["sub_indication"], "FORMAT_FAILURE",
        "{v:#}"
    );
}

#[test]
fn sign_needs_the_token_and_makes_signatures_openssl_and_verify_accept() {
    let d = tmpdir("serve-sign");
    let token_file = d.join("token");
    std::fs::write(&token_file, "s3cret-token-0123456789\n").unwrap();
    let token_src = format!("file:{}", token_file.display());
    let srv = Server::start(
        &[
            "--trust",
            &trust(),
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:P",
            "--api-token",
            &token_src,
        ],
        &[("P", "kyso-test")],
    );
    let health = request(srv.addr, "GET", "/health", &[], b"");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["signing"], true);
    let doc = "Công văn số 15/UBND: ký qua dịch vụ".as_bytes();
    let part = [("content", "cv.txt", doc)];
    // No token, a wrong one, one of another length, another scheme: 401, nothing signed.
    let a = post_form(srv.addr, "/sign", &[], &part);
    a.assert_error(401, "unauthorized");
    assert_eq!(a.header("www-authenticate"), Some("Bearer realm=\"kyso\""));
    for auth in [
        "Bearer s3cret-token-0123456788",
        "Bearer s3cret",
        "Basic s3cret-token-0123456789",
    ] {
        post_form(srv.addr, "/sign", &[("Authorization", auth)], &part)
            .assert_error(401, "unauthorized");
    }
    let auth = [("Authorization", "Bearer s3cret-token-0123456789")];
    // Detached: a .p7s that openssl cms -verify accepts over the document.
    let a = post_form(srv.addr, "/sign", &auth, &part);
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(
        a.header("content-type"),
        Some("application/pkcs7-signature")
    );
    std::fs::write(d.join("cv.txt"), doc).unwrap();
    std::fs::write(d.join("cv.txt.p7s"), &a.body).unwrap();
    let o = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-in")
        .arg(d.join("cv.txt.p7s"))
        .arg("-content")
        .arg(d.join("cv.txt"))
        .args(["-CAfile", &trust(), "-out", "/dev/null"])
        .output()
        .expect("openssl runs");
    assert!(o.status.success(), "openssl: {}", stderr(&o));
    // ...and the service's own /verify passes it.
    let a = post_form(
        srv.addr,
        "/verify",
        &[],
        &[
            ("signature", "cv.txt.p7s", &a.body),
            ("content", "cv.txt", doc),
        ],
    );
    assert_eq!(report(&a)["documents"][0]["indication"], "TOTAL-PASSED");
    // Attached: a .p7m that carries the document.
    let a = post_form(srv.addr, "/sign?envelope=attached", &auth, &part);
    assert_eq!(a.status, 200);
    assert_eq!(
        a.header("content-type"),
        Some("application/pkcs7-mime; smime-type=signed-data")
    );
    std::fs::write(d.join("cv.txt.p7m"), &a.body).unwrap();
    let o = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-in")
        .arg(d.join("cv.txt.p7m"))
        .args(["-CAfile", &trust()])
        .output()
        .unwrap();
    assert!(o.status.success(), "openssl: {}", stderr(&o));
    assert_eq!(o.stdout, doc);
    // A PDF is signed inside and comes back whole; `kyso verify` passes it.
    let pdf = read(&root().join("testdata/pdf/minimal.pdf"));
    let a = post_form(srv.addr, "/sign", &auth, &[("content", "qd.pdf", &pdf)]);
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.header("content-type"), Some("application/pdf"));
    assert!(
        a.body.starts_with(&pdf),
        "an incremental update keeps the original bytes"
    );
    std::fs::write(d.join("qd.pdf"), &a.body).unwrap();
    let o = kyso(
        &d,
        &["verify", "--trust", &trust(), "--format", "json", "qd.pdf"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // envelope=detached: a PDF gets a .p7s beside it; an unknown envelope is refused.
    let a = post_form(
        srv.addr,
        "/sign?envelope=detached",
        &auth,
        &[("content", "qd.pdf", &pdf)],
    );
    assert_eq!(a.status, 200);
    assert_eq!(
        a.header("content-type"),
        Some("application/pkcs7-signature")
    );
    post_form(srv.addr, "/sign?envelope=inside", &auth, &part).assert_error(400, "bad_parameter");
    // A damaged PDF: the library's refusal as a JSON error with its code.
    let a = post_form(
        srv.addr,
        "/sign",
        &auth,
        &[("content", "bad.pdf", b"%PDF-1.7\ngarbage")],
    );
    a.assert_error(422, "signing_failed");
    assert!(a.json()["error"]["kyso_code"].is_string());
    // Without a key, /sign says so.
    let plain = Server::start(&["--trust", &trust()], &[]);
    post_form(plain.addr, "/sign", &[], &part).assert_error(501, "signing_not_configured");
}

#[test]
fn signs_with_a_pkcs11_token_opened_once_at_start() {
    // A real SoftHSM2 token: the PIN is given once, when the service starts; each request
    // signs on the token, one at a time, and the signatures verify with openssl and kyso.
    let hsm = softhsm::SoftHsm::create("serve-token");
    let pin = format!("file:{}", hsm.pin_file(softhsm::PIN).display());
    let srv = Server::start(
        &[
            "--trust",
            &trust(),
            "--pkcs11",
            "pkcs11:token=Kyso%20Test%20Token;object=signer-rsa",
            "--module",
            hsm.module.to_str().unwrap(),
            "--pin",
            &pin,
        ],
        &[("SOFTHSM2_CONF", hsm.conf.to_str().unwrap())],
    );
    let d = tmpdir("serve-token");
    let docs: Vec<Vec<u8>> = (0..4)
        .map(|i| format!("Tờ trình số {i}/TTr-STP").into_bytes())
        .collect();
    // Four requests at once: the token signs them in turn.
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let threads: Vec<_> = docs
            .iter()
            .map(|doc| {
                s.spawn(move || post_form(srv.addr, "/sign", &[], &[("content", "t.txt", doc)]))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for (i, (a, doc)) in answers.iter().zip(&docs).enumerate() {
        assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
        let (c, sig) = (d.join(format!("t{i}.txt")), d.join(format!("t{i}.txt.p7s")));
        std::fs::write(&c, doc).unwrap();
        std::fs::write(&sig, &a.body).unwrap();
        softhsm::openssl_verify(&sig, Some(&c));
        let v = post_form(
            srv.addr,
            "/verify",
            &[],
            &[
                ("signature", "t.txt.p7s", &a.body),
                ("content", "t.txt", doc),
            ],
        );
        assert_eq!(report(&v)["documents"][0]["indication"], "TOTAL-PASSED");
    }
}

#[test]
fn signing_is_refused_on_a_public_address_without_a_token_and_tokens_never_come_as_values() {
    let o = kyso_env(
        &root(),
        &[
            "serve",
            "--listen",
            "0.0.0.0:0",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:P",
        ],
        &[("P", "kyso-test")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs an API token"), "{}", stderr(&o));
    let o = kyso(&root(), &["serve", "--api-token", "s3cret-token"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("s3cret-token"), "{}", stderr(&o));
}

#[test]
fn bad_requests_and_bodies_over_the_limit_get_json_errors() {
    let srv = Server::start(&["--trust", &trust(), "--max-body", "1"], &[]);
    let sig = sample("cong-van.txt.p7s");
    // A missing part, an unknown one, one given twice, a bad time, not multipart.
    post_form(srv.addr, "/verify", &[], &[("content", "x", b"x")])
        .assert_error(400, "missing_part");
    post_form(
        srv.addr,
        "/verify",
        &[],
        &[("signature", "a.p7s", &sig), ("key", "k", b"k")],
    )
    .assert_error(400, "unexpected_part");
    post_form(
        srv.addr,
        "/verify",
        &[],
        &[("signature", "a", &sig), ("signature", "b", &sig)],
    )
    .assert_error(400, "unexpected_part");
    post_form(
        srv.addr,
        "/verify?at=yesterday",
        &[],
        &[("signature", "a", &sig)],
    )
    .assert_error(400, "bad_parameter");
    post_form(
        srv.addr,
        "/verify?lang=vi",
        &[],
        &[("signature", "a", &sig)],
    )
    .assert_error(400, "bad_parameter");
    request(
        srv.addr,
        "POST",
        "/verify",
        &[("Content-Type", "text/plain")],
        b"hi",
    )
    .assert_error(400, "bad_multipart");
    request(srv.addr, "GET", "/nowhere", &[], b"").assert_error(404, "not_found");
    request(srv.addr, "GET", "/verify", &[], b"").assert_error(405, "method_not_allowed");
    // Over --max-body 1 (MiB) by Content-Length: 413 before the body is read.
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.write_all(&head(
        "POST",
        "/verify",
        &[("Content-Type", "multipart/form-data; boundary=x")],
        Some(2 << 20),
    ))
    .unwrap();
    read_answer(s).assert_error(413, "payload_too_large");
    // Through curl, a real client, with a 2 MiB file.
    let d = tmpdir("serve-413");
    std::fs::write(d.join("big.p7s"), vec![b'A'; 2 << 20]).unwrap();
    let o = Command::new("curl")
        .args(["-sS", "-o", "-", "-w", "\n%{http_code}", "-F"])
        .arg(format!("signature=@{}", d.join("big.p7s").display()))
        .arg(format!("http://{}/verify", srv.addr))
        .output()
        .expect("curl runs");
    let out = stdout(&o);
    assert!(out.ends_with("\n413"), "{out}{}", stderr(&o));
    assert!(out.contains("\"payload_too_large\""), "{out}");
    // Chunked, without a Content-Length: the body is cut at the limit as it is read.
    let o = Command::new("curl")
        .args([
            "-sS",
            "-o",
            "-",
            "-w",
            "\n%{http_code}",
            "-H",
            "Transfer-Encoding: chunked",
            "-F",
        ])
        .arg(format!("signature=@{}", d.join("big.p7s").display()))
        .arg(format!("http://{}/verify", srv.addr))
        .output()
        .expect("curl runs");
    let out = stdout(&o);
    assert!(out.ends_with("\n413"), "chunked: {out}{}", stderr(&o));
    assert!(out.contains("\"payload_too_large\""), "{out}");
    // The service still answers.
    assert_eq!(request(srv.addr, "GET", "/health", &[], b"").status, 200);
}

/// Open a held request on `path` and send small requests until one is answered 503: the
/// held request has taken the one slot. On a loaded machine a probe can take the slot before
/// the server has read the held request's head; the held request is then refused itself
/// (answered at once), and is opened again.
fn hold_the_slot(addr: SocketAddr, path: &str, parts: &[(&str, &str, &[u8])]) -> (Held, Answer) {
    let start = Instant::now();
    let mut held = Held::open(addr, path, parts);
    loop {
        let a = post_form(addr, "/verify", &[], &[("content", "x", b"x")]);
        if a.status == 503 {
            return (held, a);
        }
        assert_eq!(a.status, 400, "{a:?}");
        if held.answered() {
            held = Held::open(addr, path, parts);
        }
        assert!(start.elapsed() < Duration::from_secs(20), "never busy");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_burst_over_the_concurrency_limit_gets_503_at_once_and_the_held_request_completes() {
    let srv = Server::start(&["--trust", &trust(), "--concurrency", "1"], &[]);
    let sig = sample("cong-van.txt.p7s");
    let content = sample("cong-van.txt");
    let parts = [
        ("signature", "cong-van.txt.p7s", sig.as_slice()),
        ("content", "cong-van.txt", content.as_slice()),
    ];
    let (held, a) = hold_the_slot(srv.addr, VERIFY_AT, &parts);
    a.assert_error(503, "busy");
    assert_eq!(a.header("retry-after"), Some("1"));
    // A burst of 16 at once while the slot is held: every one is refused, none waits.
    let started = Instant::now();
    let burst: Vec<_> = (0..16)
        .map(|_| {
            let addr = srv.addr;
            let parts: Vec<(String, Vec<u8>)> = vec![("signature".into(), sig.clone())];
            std::thread::spawn(move || {
                let p: Vec<(&str, &str, &[u8])> = parts
                    .iter()
                    .map(|(n, d)| (n.as_str(), "s.p7s", d.as_slice()))
                    .collect();
                post_form(addr, VERIFY_AT, &[], &p).status
            })
        })
        .collect();
    let statuses: Vec<u16> = burst.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|&s| s == 503), "{statuses:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the burst was queued"
    );
    // /health is outside the limit.
    assert_eq!(request(srv.addr, "GET", "/health", &[], b"").status, 200);
    // The held request completes with its report, and the slot is free again.
    let v = report(&held.finish());
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED");
    let a = post_form(srv.addr, VERIFY_AT, &[], &parts);
    assert_eq!(report(&a)["documents"][0]["indication"], "TOTAL-PASSED");
}

#[test]
fn a_request_slower_than_the_timeout_gets_504() {
    let srv = Server::start(&["--trust", &trust(), "--timeout", "1"], &[]);
    let sig = sample("cong-van.txt.p7s");
    let started = Instant::now();
    let held = Held::open(srv.addr, "/verify", &[("signature", "a.p7s", &sig)]);
    // The rest of the body never comes: the answer comes at the timeout.
    read_answer(held.stream).assert_error(504, "timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(request(srv.addr, "GET", "/health", &[], b"").status, 200);
}

#[test]
fn a_client_that_never_finishes_its_request_head_is_cut_off() {
    // The head timeout is the request timeout when shorter (10 s otherwise).
    let srv = Server::start(&["--trust", &trust(), "--timeout", "1"], &[]);
    let started = Instant::now();
    let mut s = TcpStream::connect(srv.addr).unwrap();
    s.write_all(b"POST /verify HTTP/1.1\r\nHost: localhost\r\nContent-Ty")
        .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut rest = Vec::new();
    // The server closes the connection (an EOF, or a reset): not the client's read timeout.
    let r = s.read_to_end(&mut rest);
    if let Err(e) = &r {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "still open: {e}"
        );
    }
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "closed at once ({took:?})"
    );
    assert!(took < Duration::from_secs(8), "closed after {took:?}");
    assert_eq!(request(srv.addr, "GET", "/health", &[], b"").status, 200);
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let mut srv = Server::start(&["--trust", &trust(), "--concurrency", "1"], &[]);
    let parts_sig = sample("cong-van.txt.p7s");
    let parts_content = sample("cong-van.txt");
    let parts = [
        ("signature", "cong-van.txt.p7s", parts_sig.as_slice()),
        ("content", "cong-van.txt", parts_content.as_slice()),
    ];
    // The held request is in the server (it holds the one slot).
    let (held, busy) = hold_the_slot(srv.addr, VERIFY_AT, &parts);
    busy.assert_error(503, "busy");
    srv.terminate();
    // New connections are refused once the listener is closed.
    let start = Instant::now();
    while TcpStream::connect(srv.addr).is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still accepting after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        srv.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    let v = report(&held.finish());
    assert_eq!(v["documents"][0]["indication"], "TOTAL-PASSED");
    let status = srv
        .wait(Duration::from_secs(10))
        .expect("exits after the request");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_router_and_the_openapi_description_name_the_same_routes_and_codes() {
    let spec = spec();
    // The served description is the checked-in file.
    let file = std::fs::read_to_string(root().join("docs/openapi/kyso-serve.json")).unwrap();
    assert_eq!(kyso_server::OPENAPI, file);
    assert_eq!(spec["openapi"], "3.1.0");
    let mut in_spec: Vec<(String, String)> = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            in_spec.push((method.to_uppercase(), path.clone()));
        }
    }
    in_spec.sort();
    let mut routed: Vec<(String, String)> = kyso_server::ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    routed.sort();
    assert_eq!(in_spec, routed);
    // Every error code, and nothing else, in the ErrorCode schema.
    let mut codes: Vec<&str> = spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    codes.sort();
    let mut ours: Vec<&str> = kyso_server::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    ours.sort();
    assert_eq!(codes, ours);
    // Each error's status is a documented answer of the routes that can give it.
    for c in kyso_server::ErrorCode::ALL {
        let status = c.status().as_u16().to_string();
        let documented = spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|ops| ops.as_object().unwrap().values())
            .any(|op| op["responses"].get(&status).is_some());
        let generic = matches!(c.as_str(), "not_found" | "method_not_allowed");
        assert!(
            documented || generic,
            "{} ({status}) is in no route's responses",
            c.as_str()
        );
    }
    // The live router: each route of the description answers (not 404), as its shape says.
    let srv = Server::start(&["--trust", &trust()], &[]);
    for (method, path) in &routed {
        let a = request(srv.addr, method, path, &[], b"");
        assert_ne!(a.status, 404, "{method} {path}");
        assert_ne!(a.status, 405, "{method} {path}");
        let documented = &spec["paths"][path][method.to_lowercase()]["responses"];
        assert!(
            documented.get(a.status.to_string()).is_some(),
            "{method} {path} answered {}, not documented",
            a.status
        );
    }
    let h = request(srv.addr, "GET", "/health", &[], b"");
    let v = h.json();
    assert_spec_shape("Health", &v);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(v["signing"], false);
    let o = request(srv.addr, "GET", "/openapi.json", &[], b"");
    assert_eq!(o.header("content-type"), Some("application/json"));
    assert_eq!(o.body, kyso_server::OPENAPI.as_bytes());
}

/// schemathesis (PyPI, installed by scripts/test.sh) fuzzes the live service from the
/// OpenAPI description, bounded in time: every answer must be one the description allows
/// (status, media type, body shape), valid requests accepted, no 500.
#[test]
fn schemathesis_finds_no_departure_from_the_openapi_description() {
    let d = tmpdir("serve-schemathesis");
    let srv = Server::start(
        &[
            "--trust",
            &trust(),
            "--offline",
            "--p12",
            &pki("signer-rsa.p12"),
            "--pass",
            "env:P",
            "--api-token",
            "env:TOKEN",
        ],
        &[("P", "kyso-test"), ("TOKEN", "schemathesis-token-0123")],
    );
    let o = Command::new("schemathesis")
        .args(["run", &format!("http://{}/openapi.json", srv.addr)])
        .args([
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--max-time",
            "40",
        ])
        // Its "schema-violating" multipart bodies can reach the wire as valid forms (seen: a
        // violation of `required` sent as a signature and a content part), a false failure;
        // the invalid forms are tested by hand in bad_requests_and_bodies_over_the_limit_...
        .args(["--exclude-checks", "negative_data_rejection"])
        .args(["-H", "Authorization: Bearer schemathesis-token-0123"])
        .current_dir(&d)
        .env("NO_COLOR", "1")
        .output()
        .expect("schemathesis runs (scripts/test.sh installs it)");
    assert!(
        o.status.success(),
        "schemathesis found departures from the description:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    // It did test the operations (schemathesis 4.32 counts three of the four: /health,
    // /verify and /sign; it leaves out the description it loaded from /openapi.json).
    assert!(stdout(&o).contains("Tested: 3"), "{}", stdout(&o));
    assert!(stdout(&o).contains("No issues found"), "{}", stdout(&o));
}
