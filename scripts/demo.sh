#!/usr/bin/env bash
# Sign and verify the shipped sample document, as an official and then their organisation
# would, and let openssl check the result too. Works in a temporary directory; changes nothing
# in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p kyso-cli
kyso="$PWD/target/release/kyso"
pki="$PWD/testdata/pki"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp testdata/samples/cong-van.txt "$work/"
cd "$work"

echo "\$ kyso sign --key signer-rsa.key --cert signer-rsa.pem --chain chain-rsa.pem cong-van.txt"
"$kyso" sign --key "$pki/signer-rsa.key" --cert "$pki/signer-rsa.pem" --chain "$pki/chain-rsa.pem" cong-van.txt
echo
echo "\$ KYSO_PASS=... kyso sign --p12 org-rsa.p12 --pass env:KYSO_PASS --add-to cong-van.txt.p7s cong-van.txt"
KYSO_PASS=kyso-test "$kyso" sign --p12 "$pki/org-rsa.p12" --pass env:KYSO_PASS --add-to cong-van.txt.p7s cong-van.txt
echo
echo "\$ openssl cms -verify ... (the peer's opinion)"
openssl cms -verify -binary -inform DER -in cong-van.txt.p7s -content cong-van.txt \
  -CAfile "$pki/trust.pem" -purpose any -out /dev/null
echo
echo "\$ kyso verify --trust trust.pem --lang vi cong-van.txt.p7s"
"$kyso" verify --trust "$pki/trust.pem" --lang vi cong-van.txt.p7s
