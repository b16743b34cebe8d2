//! A loopback HTTP/1.1 server for tests: fixed GET responses per path (CRLs, issuer
//! certificates), POST handlers as closures (the OCSP and TSA responders of the revocation and
//! time-stamp work plug in here), request counting, delayed or dropped responses. It listens on
//! `127.0.0.1:0`, serves one request per connection (`Connection: close`) and stops when
//! dropped. Every wait is bounded: the accept loop polls a stop flag, reads and writes have
//! timeouts, and a delay is capped at [`MAX_DELAY`].

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest delay a route may ask for.
pub const MAX_DELAY: Duration = Duration::from_secs(30);
/// Largest request body read.
const MAX_BODY: usize = 1 << 20;
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A response: status, content type, body.
pub type Response = (u16, String, Vec<u8>);
/// A POST handler: request body in, response out.
pub type PostHandler = Arc<dyn Fn(&[u8]) -> (u16, String, Vec<u8>) + Send + Sync>;

/// How a route misbehaves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    #[default]
    None,
    /// Wait this long before answering (capped at [`MAX_DELAY`]; ends early on shutdown).
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
}

#[derive(Clone)]
enum Handler {
    Fixed(Response),
    Post(PostHandler),
}

#[derive(Clone)]
struct Route {
    handler: Handler,
    fault: Fault,
}

/// One request as seen by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target (path and query).
    pub path: String,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The Authorization header, when sent.
    pub authorization: Option<String>,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Vec<Request>>,
    count: AtomicUsize,
    stop: AtomicBool,
}

/// The running server. Dropping it stops the thread and waits for it.
pub struct HttpServer {
    addr: SocketAddr,
    state: Arc<State>,
    thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Start on 127.0.0.1 with an ephemeral port.
    pub fn start() -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(State::default());
        let st = Arc::clone(&state);
        let thread = std::thread::spawn(move || serve(listener, st));
        HttpServer {
            addr,
            state,
            thread: Some(thread),
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Serve `body` with status 200 and `content_type` to any method on `path`.
    pub fn serve(&self, path: &str, content_type: &str, body: Vec<u8>) -> &Self {
        self.route(path, Handler::Fixed((200, content_type.into(), body)))
    }

    /// Serve a fixed response with any status on `path`.
    pub fn respond(&self, path: &str, status: u16, content_type: &str, body: Vec<u8>) -> &Self {
        self.route(path, Handler::Fixed((status, content_type.into(), body)))
    }

    /// Serve a CRL (`application/pkix-crl`).
    pub fn serve_crl(&self, path: &str, der: Vec<u8>) -> &Self {
        self.serve(path, "application/pkix-crl", der)
    }

    /// Serve a certificate (`application/pkix-cert`), for AIA caIssuers.
    pub fn serve_cert(&self, path: &str, der: Vec<u8>) -> &Self {
        self.serve(path, "application/pkix-cert", der)
    }

    /// Handle POST (and GET, with an empty body) on `path` with a closure: an OCSP responder
    /// (`application/ocsp-request` in, `application/ocsp-response` out) or a TSA.
    pub fn post<F>(&self, path: &str, handler: F) -> &Self
    where
        F: Fn(&[u8]) -> (u16, String, Vec<u8>) + Send + Sync + 'static,
    {
        self.route(path, Handler::Post(Arc::new(handler)))
    }

    /// Make `path` misbehave (delay or drop); the route must exist.
    pub fn fault(&self, path: &str, fault: Fault) -> &Self {
        let mut routes = self.state.routes.lock().expect("routes");
        routes
            .get_mut(path)
            .unwrap_or_else(|| panic!("no route {path}"))
            .fault = fault;
        self
    }

    fn route(&self, path: &str, handler: Handler) -> &Self {
        self.state.routes.lock().expect("routes").insert(
            path.into(),
            Route {
                handler,
                fault: Fault::None,
            },
        );
        self
    }

    /// Requests received so far (all paths, including 404s and dropped ones).
    pub fn requests(&self) -> usize {
        self.state.count.load(Ordering::SeqCst)
    }

    /// Requests received so far for `path`.
    pub fn requests_for(&self, path: &str) -> usize {
        self.log().iter().filter(|r| r.path == path).count()
    }

    /// Every request received so far, in order.
    pub fn log(&self) -> Vec<Request> {
        self.state.log.lock().expect("log").clone()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(listener: TcpListener, state: Arc<State>) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    while !state.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let st = Arc::clone(&state);
                workers.push(std::thread::spawn(move || {
                    let _ = handle(stream, &st);
                }));
                workers.retain(|w| !w.is_finished());
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    for w in workers {
        let _ = w.join();
    }
}

fn handle(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut length = 0usize;
    let mut authorization = None;
    for _ in 0..100 {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            } else if k.trim().eq_ignore_ascii_case("authorization") {
                authorization = Some(v.trim().to_string());
            }
        }
    }
    let mut body = vec![0; length.min(MAX_BODY)];
    reader.read_exact(&mut body)?;
    state.count.fetch_add(1, Ordering::SeqCst);
    state.log.lock().expect("log").push(Request {
        method: method.clone(),
        path: path.clone(),
        body: body.clone(),
        authorization,
    });
    let route = state.routes.lock().expect("routes").get(&path).cloned();
    let (status, ctype, out) = match route {
        None => (404, "text/plain".to_string(), b"not found".to_vec()),
        Some(r) => {
            match r.fault {
                Fault::None => {}
                Fault::Drop => return Ok(()),
                Fault::Delay(d) => {
                    let end = std::time::Instant::now() + d.min(MAX_DELAY);
                    while std::time::Instant::now() < end {
                        if state.stop.load(Ordering::SeqCst) {
                            return Ok(());
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
            }
            match r.handler {
                Handler::Fixed(resp) => resp,
                Handler::Post(f) => f(&body),
            }
        }
    };
    let mut w = stream;
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reason(status),
        out.len()
    );
    w.write_all(head.as_bytes())?;
    if method != "HEAD" {
        w.write_all(&out)?;
    }
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A minimal blocking HTTP/1.1 client for the fixture's own tests and for tests that need to
/// poke a URL: returns (status, body). `timeout` bounds connect, read and write.
pub fn request(
    url: &str,
    method: &str,
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<(u16, Vec<u8>)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other("only http:// URLs"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let addr: SocketAddr = host
        .parse()
        .map_err(|_| std::io::Error::other("host must be IP:port"))?;
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response"))?;
    let status_line = String::from_utf8_lossy(&resp[..split]).to_string();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad status line"))?;
    Ok((status, resp[split + 4..].to_vec()))
}
