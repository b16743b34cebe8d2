#!/usr/bin/env python3
"""Checks that the kyso library's layers depend only on the layers below them.

Each top-level module of crates/kyso/src is a layer; LAYERS lists them from the bottom up. A
file in layer L may name `crate::M` only when M is L itself or a layer listed before L. Files at
the root (lib.rs, the facades) may name anything. A lower layer may not go through the root's
re-exports (`crate::Certificate`), since that hides the dependency. A file's unit tests (from
its `#[cfg(test)]` line on) may use any layer. Exits 1 and lists every
violation, so CI fails on a new import cycle.
"""
import pathlib
import re
import sys

# Bottom up. The reasons for this order are in crates/kyso/src/lib.rs.
LAYERS = [
    "error",
    "encoding",
    "pdf",
    "crypto",
    "x509",
    "revocation",
    "path",
    "cms",
    "tsp",
    "keys",
    "pkcs11",
    "report",
    # ASiC containers: a format like pdf, but it names the report's AsicKind and the digest
    # algorithms of crypto, so it sits above both; the verifier and signer use it.
    "asic",
    "validation",
]
# The top: facades over the layers (each may use every layer, and one another).
FACADES = {"lib", "inspect", "signer", "verifier", "batch", "extend", "dossier", "extract", "trust", "receipt"}

src = pathlib.Path(__file__).resolve().parent.parent / "crates" / "kyso" / "src"
rank = {name: i for i, name in enumerate(LAYERS)}
ref = re.compile(r"\bcrate::([A-Za-z_][A-Za-z0-9_]*)")
problems = []
for path in sorted(src.rglob("*.rs")):
    rel = path.relative_to(src)
    top = rel.parts[0].removesuffix(".rs")
    if top in FACADES:
        continue
    if top not in rank:
        problems.append(f"{rel}: module '{top}' is in no layer; add it to scripts/check-layers.py")
        continue
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() == "#[cfg(test)]":
            break
        if line.lstrip().startswith("//"):
            continue
        for m in ref.finditer(line):
            target = m.group(1)
            if target[0].isupper():
                problems.append(f"{rel}:{lineno}: uses the root re-export crate::{target}; name its layer")
            elif target in FACADES:
                problems.append(f"{rel}:{lineno}: layer '{top}' uses the facade '{target}'")
            elif target not in rank:
                problems.append(f"{rel}:{lineno}: unknown module crate::{target}")
            elif rank[target] > rank[top]:
                problems.append(f"{rel}:{lineno}: layer '{top}' uses '{target}', a layer above it")
if problems:
    print("check-layers: the library's layers have upward dependencies:", file=sys.stderr)
    for p in problems:
        print("  " + p, file=sys.stderr)
    sys.exit(1)
print(f"check-layers: {len(LAYERS)} layers, no upward dependency")
