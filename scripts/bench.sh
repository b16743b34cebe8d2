#!/usr/bin/env bash
# kyso vs the openssl CLI, timed in the same run on the same inputs.
#
#   bash scripts/bench.sh                                  # full run: 10000 small files, 1 GiB file
#   BENCH_SMALL=300 BENCH_BIG_MB=64 bash scripts/bench.sh  # quick smoke run
#
# Environment (all optional):
#   BENCH_SMALL          number of 1 KiB files for the verify benchmark (a)       default 10000
#   BENCH_BIG_MB         size of the big file in MiB for benchmark (b)            default 1024
#   BENCH_SIGN           number of 1 KiB files for the signing benchmark (c)      default 1000
#   BENCH_VERIFY_SUBSET  files openssl verifies in (a), extrapolated to files/s   default 500
#   BENCH_SIGN_SUBSET    files openssl signs in (c), extrapolated to signs/s      default 200
#   TMPDIR               where the work directory is made (needs BENCH_BIG_MB * 2 + a bit)
#
# What is measured:
#   (a) verify N detached RSA-2048 signatures made by `openssl cms -sign -cades` (CAdES B-B, as the default validation policy requires; made once, untimed):
#       openssl runs one `openssl cms -verify` process per file (a shell loop, as a user would
#       script it; only a subset is timed and extrapolated), kyso runs one `kyso verify DIR`.
#   (b) one big file: `openssl dgst -sha256` (the hashing floor), `kyso sign`, `kyso verify`,
#       `openssl cms -sign`, `openssl cms -verify` (detached, -binary); seconds and peak RSS.
#   (c) sign M small files: openssl one process per file (subset timed, extrapolated) vs one
#       `kyso sign FILE...` process; compared with `openssl speed rsa2048` sign/s x nproc.
# Times are wall-clock seconds; the inputs are in the page cache (just written).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PKI="$ROOT/testdata/pki"
AT="2026-06-01T00:00:00Z"
SMALL="${BENCH_SMALL:-10000}"
BIG_MB="${BENCH_BIG_MB:-1024}"
SIGN_N="${BENCH_SIGN:-1000}"
VERIFY_SUBSET="${BENCH_VERIFY_SUBSET:-500}"
SIGN_SUBSET="${BENCH_SIGN_SUBSET:-200}"
NPROC="$(nproc)"
KYSO="$ROOT/target/release/kyso"

(( VERIFY_SUBSET > SMALL )) && VERIFY_SUBSET="$SMALL"
(( SIGN_SUBSET > SIGN_N )) && SIGN_SUBSET="$SIGN_N"

log() { printf 'bench.sh: %s\n' "$*" >&2; }

# ---- tools ------------------------------------------------------------------------------------
command -v openssl >/dev/null || { log "openssl is required"; exit 2; }
TIME=/usr/bin/time
if [[ ! -x "$TIME" ]]; then
    log "installing GNU time (/usr/bin/time) for peak-memory figures"
    if [[ "$(id -u)" == 0 ]]; then SUDO=; else SUDO=sudo; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq time >/dev/null
fi

log "building kyso (cargo build --release -p kyso-cli)"
cargo build --release -p kyso-cli >&2
[[ -x "$KYSO" ]] || { log "$KYSO was not built"; exit 2; }

W="$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench.XXXXXX")"
trap 'rm -rf "$W"' EXIT

# ---- timing helpers ---------------------------------------------------------------------------
declare -A T=() M=() RC=()

# timed NAME CMD...: one command under GNU time; wall seconds -> T[NAME], peak RSS KiB -> M[NAME],
# exit status -> RC[NAME]. Redirect the command's output at the call site.
timed() {
    local name="$1" t0 t1 rc=0
    shift
    t0="$(date +%s.%N)"
    "$TIME" -f '%e %M' -o "$W/time.$name" "$@" || rc=$?
    t1="$(date +%s.%N)"
    T[$name]="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
    M[$name]="$(tail -n 1 "$W/time.$name" | awk '{ print $2 }')"
    RC[$name]="$rc"
}

# timed_loop NAME FUNC ARGS...: wall time of a shell function (a loop of many processes).
timed_loop() {
    local name="$1" t0 t1
    shift
    t0="$(date +%s.%N)"
    "$@"
    t1="$(date +%s.%N)"
    T[$name]="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b == 0) print "n/a"; else printf f, a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
check_rc() { # check_rc NAME WHAT: warn when a timed command failed (its time may be meaningless)
    if [[ "${RC[$1]}" != 0 ]]; then
        log "WARNING: $2 exited with status ${RC[$1]}; its timing may not measure a full verification"
        WARNINGS+=("$2 exited with status ${RC[$1]}")
    fi
}
WARNINGS=()

# make_files DIR COUNT: COUNT files of 1 KiB random bytes, DIR/f000000 ...
make_files() {
    mkdir -p "$1"
    head -c "$(( $2 * 1024 ))" /dev/urandom | split -b 1024 -a 6 -d - "$1/f"
}

ossl_sign_one() { # content -> content.p7s (detached, DER, with the intermediate)
    openssl cms -sign -cades -binary -outform DER -in "$1" -out "$1.p7s" \
        -signer "$PKI/signer-rsa.pem" -inkey "$PKI/signer-rsa.key" -certfile "$PKI/sub-rsa.pem"
}
export -f ossl_sign_one
export PKI

# ---- (a) verify many small files ------------------------------------------------------------
log "(a) creating $SMALL files of 1 KiB and signing them with openssl (-P$NPROC, not timed)"
make_files "$W/small" "$SMALL"
find "$W/small" -type f -name 'f*' -print0 | xargs -0 -P "$NPROC" -n 64 bash -c 'for f; do ossl_sign_one "$f"; done' _
n_sigs="$(find "$W/small" -name '*.p7s' | wc -l)"
(( n_sigs == SMALL )) || { log "expected $SMALL signatures, found $n_sigs"; exit 2; }

mapfile -t verify_subset < <(find "$W/small" -type f -name '*.p7s' | sort | head -n "$VERIFY_SUBSET")
ossl_verify_loop() {
    local f bad=0
    for f in "${verify_subset[@]}"; do
        openssl cms -verify -binary -inform DER -in "$f" -content "${f%.p7s}" \
            -CAfile "$PKI/trust.pem" -purpose any -out /dev/null 2>/dev/null || bad=$((bad + 1))
    done
    if (( bad > 0 )); then
        log "WARNING: openssl cms -verify failed on $bad of ${#verify_subset[@]} files"
        WARNINGS+=("openssl cms -verify failed on $bad files")
    fi
}
log "(a) openssl cms -verify, one process per file, $VERIFY_SUBSET of $SMALL files"
timed_loop a_ossl ossl_verify_loop
log "(a) kyso verify over all $SMALL files in one process"
timed a_kyso "$KYSO" verify --trust "$PKI/trust.pem" --at "$AT" --format json "$W/small" >/dev/null
check_rc a_kyso "kyso verify (a)"

a_ossl_rate="$(div "$VERIFY_SUBSET" "${T[a_ossl]}" %.1f)"
a_kyso_rate="$(div "$SMALL" "${T[a_kyso]}" %.1f)"
a_ossl_total="$(div "${T[a_ossl]}" "$(div "$VERIFY_SUBSET" "$SMALL" %.6f)" %.1f)"

# ---- (b) one big file -------------------------------------------------------------------------
log "(b) creating a ${BIG_MB} MiB file"
head -c "$(( BIG_MB * 1024 * 1024 ))" /dev/urandom >"$W/big"
cat "$W/big" >/dev/null # in the page cache for everyone
log "(b) openssl dgst -sha256"
timed b_dgst openssl dgst -sha256 "$W/big" >/dev/null
log "(b) kyso sign"
timed b_ksign "$KYSO" sign --key "$PKI/signer-rsa.key" --cert "$PKI/signer-rsa.pem" \
    --chain "$PKI/chain-rsa.pem" -o "$W/big.p7s" "$W/big" >/dev/null 2>"$W/b_ksign.err"
check_rc b_ksign "kyso sign (b)"
[[ "${RC[b_ksign]}" == 0 ]] || cat "$W/b_ksign.err" >&2
log "(b) kyso verify"
timed b_kverify "$KYSO" verify --trust "$PKI/trust.pem" --at "$AT" "$W/big.p7s" >/dev/null
check_rc b_kverify "kyso verify (b)"
log "(b) openssl cms -sign"
timed b_osign openssl cms -sign -cades -binary -outform DER -in "$W/big" -out "$W/big.ossl.p7s" \
    -signer "$PKI/signer-rsa.pem" -inkey "$PKI/signer-rsa.key" -certfile "$PKI/sub-rsa.pem"
check_rc b_osign "openssl cms -sign (b)"
log "(b) openssl cms -verify"
timed b_overify openssl cms -verify -binary -inform DER -in "$W/big.ossl.p7s" -content "$W/big" \
    -CAfile "$PKI/trust.pem" -purpose any -out /dev/null 2>/dev/null
check_rc b_overify "openssl cms -verify (b)"
rm -f "$W/big" "$W/big.p7s" "$W/big.ossl.p7s"

# ---- (c) sign many small files ----------------------------------------------------------------
log "(c) creating $SIGN_N files of 1 KiB"
make_files "$W/sign-ossl" "$SIGN_SUBSET"
make_files "$W/sign-kyso" "$SIGN_N"
mapfile -t sign_subset < <(find "$W/sign-ossl" -type f -name 'f*' | sort)
mapfile -t sign_all < <(find "$W/sign-kyso" -type f -name 'f*' | sort)
ossl_sign_loop() {
    local f
    for f in "${sign_subset[@]}"; do ossl_sign_one "$f"; done
}
log "(c) openssl cms -sign, one process per file, $SIGN_SUBSET of $SIGN_N files"
timed_loop c_ossl ossl_sign_loop
log "(c) kyso sign of all $SIGN_N files in one process"
timed c_kyso "$KYSO" sign --key "$PKI/signer-rsa.key" --cert "$PKI/signer-rsa.pem" \
    --chain "$PKI/chain-rsa.pem" "${sign_all[@]}" >/dev/null 2>"$W/c_kyso.err"
check_rc c_kyso "kyso sign (c)"
[[ "${RC[c_kyso]}" == 0 ]] || tail -n 5 "$W/c_kyso.err" >&2
n_kyso_sigs="$(find "$W/sign-kyso" -name '*.p7s' | wc -l)"
(( n_kyso_sigs == SIGN_N )) || WARNINGS+=("kyso sign wrote $n_kyso_sigs of $SIGN_N signatures")
log "(c) openssl speed -seconds 3 rsa2048"
speed_sign="$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa +2048 bits/ { print $(NF-1) }' | tail -n 1)"
[[ -n "$speed_sign" ]] || speed_sign=0
limit="$(awk -v s="$speed_sign" -v n="$NPROC" 'BEGIN { printf "%.1f", s * n }')"
c_ossl_rate="$(div "$SIGN_SUBSET" "${T[c_ossl]}" %.1f)"
c_kyso_rate="$(div "$SIGN_N" "${T[c_kyso]}" %.1f)"

# ---- report -----------------------------------------------------------------------------------
echo
echo "kyso vs openssl  ($(openssl version | cut -d' ' -f1-2); $NPROC CPUs; $(uname -m); $(date -u +%Y-%m-%dT%H:%M:%SZ))"
echo
echo "(a) verify $SMALL detached RSA-2048 signatures over 1 KiB files"
printf '  %-46s %10s %12s %12s\n' "" "seconds" "files/s" "max RSS MiB"
printf '  %-46s %10s %12s %12s\n' "openssl cms -verify, 1 process/file" "${T[a_ossl]}" "$a_ossl_rate" "-"
printf '  %-46s %10s %12s %12s\n' "kyso verify DIR, 1 process" "${T[a_kyso]}" "$a_kyso_rate" "$(mib "${M[a_kyso]}")"
extrapolated() { # extrapolated SUBSET TOTAL
    if (( $1 < $2 )); then echo "openssl timed on $1 of $2 files and extrapolated"; else echo "openssl timed on all $2 files"; fi
}
echo "  $(extrapolated "$VERIFY_SUBSET" "$SMALL") (~${a_ossl_total} s for all)"
echo "  ratio kyso/openssl files/s: $(div "$a_kyso_rate" "$a_ossl_rate" %.1f)x (kyso exit status ${RC[a_kyso]}: 0 = all TOTAL-PASSED)"
echo
echo "(b) one ${BIG_MB} MiB file (detached, SHA-256, RSA-2048)"
printf '  %-46s %10s %12s %12s\n' "" "seconds" "MiB/s" "max RSS MiB"
for k in b_dgst:"openssl dgst -sha256" b_osign:"openssl cms -sign" b_overify:"openssl cms -verify" \
    b_ksign:"kyso sign" b_kverify:"kyso verify"; do
    n="${k%%:*}"
    printf '  %-46s %10s %12s %12s\n' "${k#*:}" "${T[$n]}" "$(div "$BIG_MB" "${T[$n]}" %.0f)" "$(mib "${M[$n]}")"
done
echo "  time ratios (lower is better for kyso):"
echo "    kyso sign / openssl dgst:          $(div "${T[b_ksign]}" "${T[b_dgst]}")"
echo "    kyso verify / openssl dgst:        $(div "${T[b_kverify]}" "${T[b_dgst]}")"
echo "    kyso sign / openssl cms -sign:     $(div "${T[b_ksign]}" "${T[b_osign]}")"
echo "    kyso verify / openssl cms -verify: $(div "${T[b_kverify]}" "${T[b_overify]}")"
echo
echo "(c) sign $SIGN_N files of 1 KiB (detached, RSA-2048)"
printf '  %-46s %10s %12s %12s\n' "" "seconds" "signs/s" "max RSS MiB"
printf '  %-46s %10s %12s %12s\n' "openssl cms -sign, 1 process/file" "${T[c_ossl]}" "$c_ossl_rate" "-"
printf '  %-46s %10s %12s %12s\n' "kyso sign FILE..., 1 process" "${T[c_kyso]}" "$c_kyso_rate" "$(mib "${M[c_kyso]}")"
echo "  $(extrapolated "$SIGN_SUBSET" "$SIGN_N")"
echo "  ratio kyso/openssl signs/s: $(div "$c_kyso_rate" "$c_ossl_rate" %.1f)x"
echo "  machine limit: openssl speed rsa2048 $speed_sign sign/s x $NPROC CPUs = $limit sign/s;" \
    "kyso reaches $(awk -v k="$c_kyso_rate" -v l="$limit" 'BEGIN { if (l == 0) print "n/a"; else printf "%.0f%%", 100 * k / l }') of it"
if (( ${#WARNINGS[@]} > 0 )); then
    echo
    echo "WARNINGS:"
    printf '  %s\n' "${WARNINGS[@]}"
fi
