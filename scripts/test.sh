#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, then runs every
# check CI runs (format, lints, unit, integration, interop with the openssl CLI, corpora, golden
# CLI tests). `.ci/run` calls this script.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v pkg-config >/dev/null || need_pkgs+=(pkg-config)
[ -f /usr/include/openssl/ssl.h ] || need_pkgs+=(libssl-dev)
command -v cc >/dev/null || need_pkgs+=(gcc)
# PKCS#11 tests sign on a real SoftHSM2 token (softhsm2-util, libsofthsm2.so) and import
# certificates / count C_Login calls with OpenSC (pkcs11-tool, pkcs11-spy.so).
command -v softhsm2-util >/dev/null || need_pkgs+=(softhsm2)
command -v pkcs11-tool >/dev/null || need_pkgs+=(opensc)
# JUnit reports are validated against the strict Ant/Jenkins schema (crates/kyso-cli/tests/
# junit.xsd) with xmllint; those tests fail, never skip, without it.
command -v xmllint >/dev/null || need_pkgs+=(libxml2-utils)
# The PDF reader's corpus test (crates/kyso/tests/pdf_reader.rs) compares its signature count
# with poppler's pdfsig; it fails, never skips, without it.
command -v pdfsig >/dev/null || need_pkgs+=(poppler-utils)
# The visible signature block's test (crates/kyso/tests/pdf_appearance.rs) renders and reads
# it with poppler's pdftoppm, pdftotext and pdffonts (poppler-utils above) and checks the file
# with qpdf --check, as crates/kyso-cli/tests/pdf_sign.rs checks the PDFs kyso signs; they
# fail, never skip, without them.
command -v qpdf >/dev/null || need_pkgs+=(qpdf)
# zip -T checks kyso's ASiC containers; zip -P builds the encrypted hostile one (asic tests).
command -v zip >/dev/null || need_pkgs+=(zip)
# The dossier receipt's test (crates/kyso-cli/tests/receipt.rs) prints the HTML receipt with
# headless Chromium and checks the page; it fails, never skips, without it. Debian's
# chromium-headless-shell, or chromium on a release whose package lists lack that one.
if ! command -v chromium-headless-shell >/dev/null && ! command -v chromium >/dev/null; then
  if apt-cache show chromium >/dev/null 2>&1 && ! apt-cache show chromium-headless-shell >/dev/null 2>&1; then
    need_pkgs+=(chromium)
  else
    need_pkgs+=(chromium-headless-shell)
  fi
fi
# CMS interop with a second implementation (crates/kyso-cli/tests/interop_bc.rs): Bouncy
# Castle's CMS (bcpkix, which needs bcutil and bcprov) run from a Java peer that javac
# compiles once per test run (crates/kyso-testkit/src/bc.rs, java/BcCms.java).
command -v javac >/dev/null || need_pkgs+=(default-jdk-headless)
[ -f /usr/share/java/bcprov.jar ] || need_pkgs+=(libbcprov-java)
[ -f /usr/share/java/bcutil.jar ] || need_pkgs+=(libbcutil-java)
[ -f /usr/share/java/bcpkix.jar ] || need_pkgs+=(libbcpkix-java)
# The C ABI's Java example (crates/kyso-ffi/tests/java_example.rs) calls libkyso_ffi.so
# through JNA; it fails, never skips, without it.
[ -f /usr/share/java/jna.jar ] || need_pkgs+=(libjna-java)
# The C example runs under valgrind too (no memory error, no leak); it fails without it.
command -v valgrind >/dev/null || need_pkgs+=(valgrind)
# kyso serve's tests (crates/kyso-cli/tests/serve.rs) post a file over the body limit with
# curl, a real HTTP client; they fail, never skip, without it.
command -v curl >/dev/null || need_pkgs+=(curl)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "test.sh: installing ${need_pkgs[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}"
fi

# pyHanko (PyPI) signs and edits the PDFs of the PDF tests, and its CLI (pyhanko-cli:
# `pyhanko sign validate`, `adesverify`) validates the PDFs kyso signs: a real peer, never
# skipped. Both pinned.
if ! python3 -c "import pyhanko.sign, pyhanko.cli" 2>/dev/null; then
  echo "test.sh: installing pyhanko and pyhanko-cli (pip)"
  python3 -m pip install -q "pyhanko==$(cat scripts/pyhanko-version)" "pyhanko-cli==$(cat scripts/pyhanko-cli-version)" \
    || { echo "test.sh: pyhanko could not be installed" >&2; exit 1; }
fi

# schemathesis (PyPI) fuzzes `kyso serve` from its OpenAPI description in
# crates/kyso-cli/tests/serve.rs (bounded to 40 s); never skipped. Pinned.
if ! python3 -c "import schemathesis" 2>/dev/null; then
  echo "test.sh: installing schemathesis (pip)"
  python3 -m pip install -q "schemathesis==4.32.5" \
    || { echo "test.sh: schemathesis could not be installed" >&2; exit 1; }
fi

# The token tests never skip: without SoftHSM2 they would fail anyway, so say why here.
if ! command -v softhsm2-util >/dev/null || ! command -v pkcs11-tool >/dev/null \
   || { [ ! -f /usr/lib/softhsm/libsofthsm2.so ] && [ ! -f /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so ]; }; then
  echo "test.sh: softhsm2 and opensc are required for the PKCS#11 token tests and could not be installed" >&2
  exit 1
fi

if [ ! -d ../shared/testdata-ext ]; then
  echo "test.sh: ../shared/testdata-ext is missing; the third-party corpus tests need it beside the repository" >&2
  exit 1
fi

echo "== layers"
python3 scripts/check-layers.py
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo check without the pkcs11 feature"
cargo check -p kyso --no-default-features --locked -q
echo "== cargo doc"
RUSTDOCFLAGS="-D rustdoc::broken_intra_doc_links" cargo doc --workspace --no-deps --locked -q
echo "== foreign types in the public API"
bash scripts/check-external-types.sh
echo "== cargo test"
cargo test --workspace --locked
