#!/usr/bin/env bash
# Regenerate the signed samples in testdata/samples/ with kyso itself (run after gen.sh, then
# refresh the golden outputs with `UPDATE_GOLDEN=1 cargo test -p kyso-cli --test cli`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p kyso-cli
kyso=target/debug/kyso
pki=testdata/pki
s=testdata/samples
"$kyso" sign --force --key $pki/signer-rsa.key --cert $pki/signer-rsa.pem --chain $pki/chain-rsa.pem $s/cong-van.txt
KYSO_PASS=kyso-test "$kyso" sign --p12 $pki/org-rsa.p12 --pass env:KYSO_PASS --add-to $s/cong-van.txt.p7s $s/cong-van.txt
"$kyso" sign --force --attached --key $pki/signer-ec.key --cert $pki/signer-ec.pem --chain $pki/chain-ec.pem $s/to-trinh.txt
