#!/usr/bin/env bash
# Re-runs every hostile-input experiment of the issue-9 conformance audit (docs/conformance.md,
# Appendix A) against a debug build of the CLI. Needs python3 with the `cryptography` package.
#   CARGO_TARGET_DIR=target cargo build -p kyso-cli && docs/audit/run_all.sh
# Fresh keys each run; outputs go to $OUT (default /tmp/kyso-audit). Prints one line per case:
# "== <case>: <indication> <sub-indication>" followed by the checks that did not pass.
set -euo pipefail
cd "$(dirname "$0")"
export OUT="${OUT:-/tmp/kyso-audit}"
python3 pki.py
for e in e00_control e01 e02 e03 e04 e05 e06 e07 e08 e09; do
  python3 "$e.py" 2>&1 | grep -v 'timestamp "skipped"\|signing_time= None'
done
