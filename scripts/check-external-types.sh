#!/usr/bin/env bash
# Foreign types stay inside (style point 4): no public item of the kyso crate may mention a type
# of openssl, der, x509-parser or cryptoki (in a signature, a field, a trait impl such as
# `From<openssl::error::ErrorStack>`, or a re-export). cargo-check-external-types needs a
# nightly toolchain, so this reads what rustdoc renders for the public API instead: rustdoc
# links every foreign type it shows with a title naming its full path ("struct
# openssl::error::ErrorStack"), whether or not the dependency's own docs are built.
# Run after `cargo doc -p kyso --no-deps` (scripts/test.sh does); exits 1 listing each hit.
set -euo pipefail
cd "$(dirname "$0")/.."
doc="${CARGO_TARGET_DIR:-target}/doc/kyso"
if [ ! -d "$doc" ]; then
  echo "check-external-types: $doc is missing; run cargo doc -p kyso --no-deps first" >&2
  exit 2
fi
foreign='(openssl|openssl_sys|der|x509_parser|cryptoki|cryptoki_sys|asn1_rs|der_parser)::'
# Source pages (doc/src) show private code too; only the API pages count.
hits=$(grep -rEo "title=\"[a-z ]*${foreign}[^\"]*\"" "$doc" --include='*.html' | sort -u || true)
if [ -n "$hits" ]; then
  echo "check-external-types: foreign types in kyso's public API:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "check-external-types: no openssl/der/x509-parser/cryptoki type in kyso's public API"
