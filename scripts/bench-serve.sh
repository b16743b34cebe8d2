#!/usr/bin/env bash
# Load test of `kyso serve` on loopback (not in CI): POST /verify of a detached signature with
# its document (testdata/samples/cong-van.txt.p7s, the test PKI's RSA chain, offline), driven
# by wrk (Debian's package; a Lua script builds the multipart body), bounded in time:
#
#   bash scripts/bench-serve.sh
#   BENCH_SERVE_SECS=5 bash scripts/bench-serve.sh   # quick run
#
# 1. Throughput: BENCH_SERVE_CONNS (default 8) connections for BENCH_SERVE_SECS (default 10)
#    seconds with a concurrency limit above them: requests per second, p50 and p99 latency.
# 2. Burst: 64 connections against --concurrency 2 for 5 s: how many were answered 503 (the
#    limit answers at once, no queue), then /health and one verify must still answer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SECS="${BENCH_SERVE_SECS:-10}"
CONNS="${BENCH_SERVE_CONNS:-8}"
command -v wrk >/dev/null || { echo "bench-serve: wrk missing (apt-get install wrk)" >&2; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench-serve.XXXXXX")"
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cargo build --release -q -p kyso-cli
KYSO="$ROOT/target/release/kyso"

cat > "$WORK/verify.lua" <<LUA
local function slurp(p)
  local f = assert(io.open(p, "rb")); local d = f:read("*a"); f:close(); return d
end
local b = "kyso-bench-7MA4YWxkTrZu0gW"
local function part(name, file, data)
  return "--" .. b .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"; filename=\""
    .. file .. "\"\r\nContent-Type: application/octet-stream\r\n\r\n" .. data .. "\r\n"
end
wrk.method = "POST"
wrk.path = "/verify?at=2026-06-01T00:00:00Z"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. b
wrk.body = part("signature", "cong-van.txt.p7s", slurp("$ROOT/testdata/samples/cong-van.txt.p7s"))
  .. part("content", "cong-van.txt", slurp("$ROOT/testdata/samples/cong-van.txt")) .. "--" .. b .. "--\r\n"
LUA

start() { # start kyso serve with extra flags; sets PID and URL
  "$KYSO" serve --listen 127.0.0.1:0 --trust "$ROOT/testdata/pki/trust.pem" --offline "$@" \
    > "$WORK/out" 2> "$WORK/err" &
  PID=$!
  for _ in $(seq 100); do grep -q listening "$WORK/out" 2>/dev/null && break; sleep 0.05; done
  URL="$(sed -n 's/^kyso: listening on //p' "$WORK/out")"
  [ -n "$URL" ] || { cat "$WORK/err" >&2; exit 1; }
}
stop() { kill -TERM "$PID"; wait "$PID" || { echo "bench-serve: kyso serve exited $?" >&2; exit 1; }; PID=""; }
check_alive() {
  curl -fsS "$URL/health" > "$WORK/health"
  curl -fsS -F "signature=@$ROOT/testdata/samples/cong-van.txt.p7s" -F "content=@$ROOT/testdata/samples/cong-van.txt" \
    "$URL/verify?at=2026-06-01T00:00:00Z" | grep -q '"indication":"TOTAL-PASSED"' \
    || { echo "bench-serve: the verify after the load did not pass" >&2; exit 1; }
}

echo "== kyso serve $("$KYSO" --version | cut -d' ' -f2), $(nproc) cores; POST /verify (detached RSA-2048 .p7s, chain of 3, offline)"
start --concurrency 256
check_alive
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/verify.lua" "$URL" > "$WORK/wrk1"
rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk1")
p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk1")
p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk1")
total=$(awk '/requests in/ {print $1}' "$WORK/wrk1")
bad=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk1"); bad=${bad:-0}
echo "throughput: $total requests in ${SECS} s over $CONNS connections: $rps requests/s, p50 $p50, p99 $p99, non-2xx $bad"
check_alive
stop

start --concurrency 2
wrk -t2 -c64 -d5s -s "$WORK/verify.lua" "$URL" > "$WORK/wrk2"
total=$(awk '/requests in/ {print $1}' "$WORK/wrk2")
bad=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk2"); bad=${bad:-0}
errs=$(awk '/Socket errors/ {print}' "$WORK/wrk2")
echo "burst: 64 connections against --concurrency 2 for 5 s: $total answers, $bad of them 503 (busy), $((total - bad)) reports${errs:+; $errs}"
check_alive
echo "after the burst: /health $(cat "$WORK/health"), a verify TOTAL-PASSED"
stop
echo "kyso serve exited 0 on SIGTERM"
