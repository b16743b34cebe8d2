//! The loopback HTTP fixture: GET, POST hook, 404, request counting, delay, drop, shutdown.

use std::time::{Duration, Instant};

use kyso_testkit::http::{request, Fault, HttpServer};

const T: Duration = Duration::from_secs(5);

#[test]
fn get_fixed_response_and_404() {
    let s = HttpServer::start();
    s.serve_crl("/sub.crl", vec![0x30, 0x03, 1, 2, 3]);
    let (status, body) = request(&s.url("/sub.crl"), "GET", b"", T).unwrap();
    assert_eq!((status, body), (200, vec![0x30, 0x03, 1, 2, 3]));
    let (status, _) = request(&s.url("/nothing"), "GET", b"", T).unwrap();
    assert_eq!(status, 404);
    s.respond("/down", 503, "text/plain", b"busy".to_vec());
    assert_eq!(request(&s.url("/down"), "GET", b"", T).unwrap().0, 503);
    assert_eq!(s.requests(), 3);
    assert_eq!(s.requests_for("/sub.crl"), 1);
    assert_eq!(s.requests_for("/nothing"), 1);
}

#[test]
fn post_hook_sees_the_body() {
    let s = HttpServer::start();
    s.post("/ocsp", |body| {
        let mut out = b"echo:".to_vec();
        out.extend_from_slice(body);
        (200, "application/ocsp-response".into(), out)
    });
    let (status, body) = request(&s.url("/ocsp"), "POST", b"\x30\x00req", T).unwrap();
    assert_eq!(status, 200);
    assert_eq!(body, b"echo:\x30\x00req");
    let log = s.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].body, b"\x30\x00req");
}

#[test]
fn counts_concurrent_requests() {
    let s = HttpServer::start();
    s.serve("/c", "text/plain", b"x".to_vec());
    let url = s.url("/c");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let u = url.clone();
            std::thread::spawn(move || request(&u, "GET", b"", T).unwrap().0)
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
    assert_eq!(s.requests_for("/c"), 8);
}

#[test]
fn delay_makes_a_client_time_out_and_drop_closes() {
    let s = HttpServer::start();
    s.serve("/slow", "text/plain", b"late".to_vec())
        .fault("/slow", Fault::Delay(Duration::from_secs(3)));
    let start = Instant::now();
    let r = request(&s.url("/slow"), "GET", b"", Duration::from_millis(300));
    assert!(r.is_err(), "{r:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
    // A patient client gets the answer.
    s.fault("/slow", Fault::Delay(Duration::from_millis(200)));
    let start = Instant::now();
    assert_eq!(request(&s.url("/slow"), "GET", b"", T).unwrap().1, b"late");
    assert!(start.elapsed() >= Duration::from_millis(200));

    s.serve("/gone", "text/plain", b"x".to_vec())
        .fault("/gone", Fault::Drop);
    assert!(request(&s.url("/gone"), "GET", b"", T).is_err());
    assert_eq!(s.requests_for("/gone"), 1);
}

#[test]
fn drop_stops_the_server_even_during_a_delay() {
    let s = HttpServer::start();
    s.serve("/slow", "text/plain", b"x".to_vec())
        .fault("/slow", Fault::Delay(Duration::from_secs(20)));
    let url = s.url("/slow");
    let addr = s.addr();
    let client = std::thread::spawn(move || request(&url, "GET", b"", Duration::from_secs(10)));
    while s.requests() == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let start = Instant::now();
    drop(s);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(client.join().unwrap().is_err());
    // Nobody listens any more.
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}
