#!/usr/bin/env bash
# Seed corpora for the `ocsp` and `crl` fuzz targets: $OUT/{ocsp,crl}/ (default fuzz/corpus/).
#
#   bash fuzz/seed-revocation.sh [OUT]
#
# * Made here with the `openssl` CLI from testdata/pki: CRLs signed by sub-rsa (empty, listing
#   signer-rsa with and without a reason, valid at the targets' pinned time 2026-06-01 or
#   current now, PEM too) and OCSP responses from sub-rsa as its own responder about
#   signer-rsa (good, revoked, unknown; nonce or not; by key hash; without certs; SHA-256), so
#   the fuzzer starts from inputs whose signatures verify under the targets' issuer.
# * From $EXT (../shared/testdata-ext, or TESTDATA_EXT): PKITS, RFC 4134 and pyca CRLs, the
#   BoringSSL crl_unittest / ocsp_unittest PEM blocks, pyca's and asn1crypto's OCSP responses.
# The OCSP responses are stamped with the real clock and expire after a day, so none validates
# at the target's times (the target asserts that nothing does).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ext="${TESTDATA_EXT:-$root/../shared/testdata-ext}"
pki="$root/testdata/pki"
out="${1:-$here/corpus}"
crl="$out/crl"
ocsp="$out/ocsp"
mkdir -p "$crl" "$ocsp"
t="$(mktemp -d)"
trap 'rm -rf "$t"' EXIT

# PEM blocks labelled LABEL in FILE -> DIR/PREFIX-N.der
pem_blocks() {
    python3 - "$1" "$2" "$3" "$4" <<'PY'
import base64, re, sys
src, label, out, prefix = sys.argv[1:]
text = open(src, encoding="latin-1").read()
pat = r"-----BEGIN %s-----(.*?)-----END %s-----" % (label, label)
for i, b in enumerate(re.findall(pat, text, re.S)):
    try:
        der = base64.b64decode("".join(b.split()))
    except Exception:
        continue
    open("%s/%s-%d.der" % (out, prefix, i), "wb").write(der)
PY
}

# --- CRLs made here -----------------------------------------------------------------------
cat >"$t/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
database = $t/index.txt
crlnumber = $t/crlnumber
default_md = sha256
default_crl_days = 30
crl_extensions = ext
[ext]
authorityKeyIdentifier = keyid:always
CNF
: >"$t/index.txt"
echo 01 >"$t/crlnumber"
gencrl() { # NAME [openssl ca options]
    local name="$1"
    shift
    openssl ca -batch -config "$t/ca.cnf" -keyfile "$pki/sub-rsa.key" -cert "$pki/sub-rsa.pem" \
        -gencrl -out "$crl/made-$name.der" "$@" 2>/dev/null
    openssl crl -in "$crl/made-$name.der" -inform PEM -outform DER -out "$crl/made-$name.der"
}
pinned=(-crl_lastupdate 20260501000000Z -crl_nextupdate 20260701000000Z)
gencrl empty-pinned "${pinned[@]}"
gencrl empty-now
openssl ca -batch -config "$t/ca.cnf" -keyfile "$pki/sub-rsa.key" -cert "$pki/sub-rsa.pem" \
    -revoke "$pki/signer-rsa.pem" -crl_reason keyCompromise 2>/dev/null
gencrl revoked-pinned "${pinned[@]}"
gencrl revoked-now -crldays 400
openssl crl -in "$crl/made-revoked-pinned.der" -inform DER -out "$crl/made-revoked-pinned.pem"

# --- OCSP responses made here ----------------------------------------------------------------
good="$t/good.idx"
serial="$(openssl x509 -in "$pki/signer-rsa.pem" -noout -serial | cut -d= -f2)"
subject="$(openssl x509 -in "$pki/signer-rsa.pem" -noout -subject -nameopt compat | sed 's/^subject=//')"
printf 'V\t301231235959Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" >"$good"
: >"$t/empty.idx"
respond() { # NAME INDEX [request options] -- [response options]
    local name="$1" index="$2"
    shift 2
    local req=()
    while [[ $# -gt 0 && "$1" != -- ]]; do req+=("$1"); shift; done
    if [[ $# -gt 0 ]]; then shift; fi
    openssl ocsp -issuer "$pki/sub-rsa.pem" "${req[@]}" -cert "$pki/signer-rsa.pem" \
        -reqout "$t/req.der" 2>/dev/null
    openssl ocsp -index "$index" -CA "$pki/sub-rsa.pem" -rsigner "$pki/sub-rsa.pem" \
        -rkey "$pki/sub-rsa.key" -reqin "$t/req.der" -respout "$ocsp/made-$name.der" -ndays 1 "$@" \
        >/dev/null 2>&1
}
respond good "$good" -no_nonce
respond good-nonce "$good" -nonce
respond revoked "$t/index.txt" -no_nonce
respond unknown "$t/empty.idx" -no_nonce
respond good-keyid "$good" -no_nonce -- -resp_key_id
respond good-nocerts "$good" -nonce -- -resp_no_certs
respond good-sha256 "$good" -no_nonce -sha256 -- -rmd sha256

# --- From the shared test data -----------------------------------------------------------------
if [[ -d "$ext" ]]; then
    for f in "$ext"/pkits/crls/*.crl "$ext"/rfc4134/*.crl "$ext"/asn1crypto-fixtures/*.crl \
        "$ext"/pyca-cryptography-vectors/x509/custom/crl_*.der; do
        if [[ -f "$f" ]]; then install -m 0644 "$f" "$crl/ext-$(basename "$f")"; fi
    done
    for f in "$ext"/pyca-cryptography-vectors/x509/custom/crl_*.pem; do
        pem_blocks "$f" "X509 CRL" "$crl" "pyca-$(basename "$f" .pem)"
    done
    for f in "$ext"/boringssl-pki/crl_unittest/*.pem; do
        pem_blocks "$f" CRL "$crl" "bssl-$(basename "$f" .pem)"
    done
    for f in "$ext"/boringssl-pki/ocsp_unittest/*.pem; do
        pem_blocks "$f" "OCSP RESPONSE" "$ocsp" "bssl-$(basename "$f" .pem)"
    done
    for f in "$ext"/pyca-cryptography-vectors/x509/ocsp/resp-*.der \
        "$ext"/pyca-cryptography-vectors/x509/ocsp/*-resp.der "$ext"/asn1crypto-fixtures/ocsp_response*; do
        if [[ -f "$f" ]]; then install -m 0644 "$f" "$ocsp/ext-$(basename "$f")"; fi
    done
else
    echo "seed-revocation.sh: no $ext, only the made seeds" >&2
fi
echo "seed-revocation.sh: $(ls "$crl" | wc -l) CRLs in $crl, $(ls "$ocsp" | wc -l) OCSP responses in $ocsp"
