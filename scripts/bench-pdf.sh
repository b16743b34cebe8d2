#!/usr/bin/env bash
# kyso vs its peers on one big PDF, timed in the same run: verifying (against poppler's pdfsig)
# and signing (against pyHanko).
#
#   bash scripts/bench-pdf.sh                  # 100 MiB
#   BENCH_PDF_MB=16 bash scripts/bench-pdf.sh  # quick run
#
# The PDF: testdata/pdf/minimal.pdf with a BENCH_PDF_MB MiB stream of random bytes added by an
# incremental update (pyHanko), then signed by pyHanko with the test PKI (PAdES B-B), so the
# signature's byte range covers the whole file. Untimed. Then, three runs each (the best is
# shown): `kyso verify --trust root FILE` and `pdfsig FILE` (which also hashes the byte range
# and checks the signature), wall-clock seconds and peak RSS from /usr/bin/time. Then signing
# the unsigned big PDF (PAdES B-B, an incremental update to a new file), kyso against
# pyHanko's signer (crates/kyso-cli/tests/peers/pyhanko_peer.py), same key, three runs each.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PKI="$ROOT/testdata/pki"
MB="${BENCH_PDF_MB:-100}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kyso-bench-pdf.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cargo build --release -q -p kyso-cli
KYSO="$ROOT/target/release/kyso"
command -v pdfsig >/dev/null || { echo "bench-pdf: pdfsig missing (apt-get install poppler-utils)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-pdf: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

python3 - "$ROOT/testdata/pdf/minimal.pdf" "$WORK/big.pdf" "$MB" <<'PY'
import os, sys
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
src, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, "rb") as f:
    w = IncrementalPdfFileWriter(f)
    blob = generic.StreamObject(stream_data=os.urandom(mb << 20))
    ref = w.add_object(blob)
    w.root["/KysoBenchData"] = ref
    w.update_root()
    with open(out, "wb") as o:
        w.write(o)
PY
python3 "$ROOT/crates/kyso-cli/tests/peers/pyhanko_peer.py" sign "$WORK/big.pdf" "$WORK/signed.pdf" \
  "$PKI/signer-rsa.key" "$PKI/signer-rsa.pem" "$PKI/sub-rsa.pem" Official
ls -l "$WORK/signed.pdf" | awk '{printf "signed PDF: %.1f MiB\n", $5/1048576}'

. "$ROOT/scripts/bench-lib.sh"
read -r ks km < <(best "$KYSO" verify --trust "$PKI/root-rsa.pem" --at 2026-06-01T00:00:00Z "$WORK/signed.pdf")
read -r ps pm < <(best pdfsig "$WORK/signed.pdf")
"$KYSO" verify --trust "$PKI/root-rsa.pem" --at 2026-06-01T00:00:00Z "$WORK/signed.pdf" | head -1
pdfsig "$WORK/signed.pdf" | grep -E "Signature Validation" | head -1
printf "%-8s %8s %10s\n" tool seconds peak_MiB
printf "%-8s %8s %10.1f\n" kyso "$ks" "$(awk "BEGIN{print $km/1024}")"
printf "%-8s %8s %10.1f\n" pdfsig "$ps" "$(awk "BEGIN{print $pm/1024}")"
awk "BEGIN{printf \"kyso/pdfsig: time %.2f, memory %.2f\n\", $ks/$ps, $km/$pm}"

read -r ss sm < <(best sh -c "rm -f '$WORK/k.pdf'; '$KYSO' sign --key '$PKI/signer-rsa.key' --cert '$PKI/signer-rsa.pem' --chain '$PKI/sub-rsa.pem' -o '$WORK/k.pdf' '$WORK/big.pdf'")
read -r hs hm < <(best python3 "$ROOT/crates/kyso-cli/tests/peers/pyhanko_peer.py" sign "$WORK/big.pdf" "$WORK/h.pdf" \
  "$PKI/signer-rsa.key" "$PKI/signer-rsa.pem" "$PKI/sub-rsa.pem" Official)
"$KYSO" verify --trust "$PKI/root-rsa.pem" "$WORK/k.pdf" | head -1
printf "%-8s %8s %10s   (signing)\n" tool seconds peak_MiB
printf "%-8s %8s %10.1f\n" kyso "$ss" "$(awk "BEGIN{print $sm/1024}")"
printf "%-8s %8s %10.1f\n" pyhanko "$hs" "$(awk "BEGIN{print $hm/1024}")"
awk "BEGIN{printf \"kyso/pyhanko signing: time %.2f, memory %.2f\n\", $ss/$hs, $sm/$hm}"
