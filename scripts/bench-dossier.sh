#!/usr/bin/env bash
# A dossier of BENCH_DOSSIER_FILES files (default 200) verified by kyso in one run, against
# what an agency script does today with the peers, timed in the same run:
#
#   bash scripts/bench-dossier.sh
#   BENCH_DOSSIER_FILES=40 bash scripts/bench-dossier.sh   # quick run
#
# The dossier (untimed): half PDFs signed by the official and then the organisation (two
# incremental updates each), half documents of 4 KiB with a detached .p7s that the official
# signed and the organisation co-signed, all with the test PKI. Timed, best of 3, wall-clock
# seconds and peak RSS from /usr/bin/time:
#   kyso:  `kyso verify --trust root --dossier DIR --format json` (every signature, chain and
#          the dossier verdict);
#   peers: poppler's `pdfsig` on each PDF plus `openssl cms -verify -binary` on each .p7s
#          (one process per file: signatures and chains only, no dossier verdict).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PKI="$ROOT/testdata/pki"
N="${BENCH_DOSSIER_FILES:-200}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench-dossier.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p kyso-cli
KYSO="$ROOT/target/release/kyso"
command -v pdfsig >/dev/null || { echo "bench-dossier: pdfsig missing (apt-get install poppler-utils)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-dossier: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

D="$WORK/ho-so"
mkdir -p "$D"
half=$((N / 2))
for i in $(seq 1 "$half"); do
  cp "$ROOT/testdata/pdf/minimal.pdf" "$D/qd-$i.pdf"
  head -c 4096 /dev/urandom > "$D/cv-$i.docx"
done
OFFICIAL=(--key "$PKI/signer-rsa.key" --cert "$PKI/signer-rsa.pem" --chain "$PKI/sub-rsa.pem")
ORG=(--key "$PKI/org-rsa.key" --cert "$PKI/org-rsa.pem" --chain "$PKI/sub-rsa.pem")
"$KYSO" sign "${OFFICIAL[@]}" "$D"/*.pdf "$D"/*.docx >/dev/null 2>&1
"$KYSO" sign "${ORG[@]}" "$D"/*.pdf >/dev/null 2>&1
for i in $(seq 1 "$half"); do
  "$KYSO" sign "${ORG[@]}" --add-to "$D/cv-$i.docx.p7s" "$D/cv-$i.docx" >/dev/null 2>&1
done
echo "dossier: $N files ($half PDFs with two signatures, $half documents with a co-signed .p7s)"

cat > "$WORK/peers.sh" <<SH
set -e
for f in "$D"/*.pdf; do pdfsig "\$f" >/dev/null; done
for f in "$D"/*.docx; do
  openssl cms -verify -binary -inform DER -in "\$f.p7s" -content "\$f" -CAfile "$PKI/root-rsa.pem" \
    -certfile "$PKI/sub-rsa.pem" -purpose any -out /dev/null 2>/dev/null
done
SH

. "$ROOT/scripts/bench-lib.sh"
"$KYSO" verify --trust "$PKI/root-rsa.pem" --dossier "$D" | tail -1
read -r ks km < <(best "$KYSO" verify --trust "$PKI/root-rsa.pem" --dossier "$D" --format json)
read -r ps pm < <(best bash "$WORK/peers.sh")
printf "%-22s %8s %10s\n" tool seconds peak_MiB
printf "%-22s %8s %10.1f\n" "kyso --dossier" "$ks" "$(awk "BEGIN{print $km/1024}")"
printf "%-22s %8s %10.1f\n" "pdfsig + openssl cms" "$ps" "$(awk "BEGIN{print $pm/1024}")"
awk "BEGIN{printf \"kyso/peers: time %.2f, memory %.2f\n\", $ks/$ps, $km/$pm}"
