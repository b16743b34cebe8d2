#!/usr/bin/env bash
# Build the seed corpora for the fuzz targets in fuzz/corpus/<target>/ (gitignored).
#
#   bash fuzz/seed.sh            # from any directory; safe to re-run (adds/overwrites files)
#
# Sources:
#   * testdata/pki: a few small certificates (PEM and DER) and the certs-only PKCS#7 chain;
#   * $EXT/openssl-cms/80-test_cms_data: OpenSSL's CMS regression inputs (*.cms, *.der, *.pem);
#   * $EXT/rfc4134/*.bin: the RFC 4134 "Examples of S/MIME Messages" CMS objects;
#   * a few fresh signatures made with the `openssl` CLI from the testdata/pki keys over the
#     7-byte content "content" that the verify target uses (detached and attached, RSA and
#     P-256; DER and PEM), so the fuzzer starts from inputs that reach the deep checks;
#   * $EXT/dss-pades and $EXT/pyhanko-pdf: signed PDFs for the `pdf` target;
#   * small PNGs and Vietnamese text written here for the `pdf_appearance` target.
# EXT defaults to ../shared/testdata-ext next to the repository; override with TESTDATA_EXT.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
ext="${TESTDATA_EXT:-$root/../shared/testdata-ext}"
pki="$root/testdata/pki"
verify="$here/corpus/verify"
inspect="$here/corpus/inspect"
mkdir -p "$verify" "$inspect"

copy() { # copy SRC NAME -> both corpora (missing sources are skipped with a note)
    if [[ -f "$1" ]]; then
        install -m 0644 "$1" "$verify/$2"
        install -m 0644 "$1" "$inspect/$2"
    else
        echo "seed.sh: skipping missing $1" >&2
    fi
}

# Certificates and certs-only PKCS#7 (mostly useful for inspect / Certificate::load_all).
for f in signer-rsa.pem signer-rsa.der root-rsa.der signer-ec.pem chain-rsa.p7b signer-ed25519.pem; do
    copy "$pki/$f" "pki-$f"
done

# OpenSSL's CMS test data.
if [[ -d "$ext/openssl-cms/80-test_cms_data" ]]; then
    for f in "$ext"/openssl-cms/80-test_cms_data/*.{cms,der,pem}; do
        [[ -f "$f" ]] && copy "$f" "openssl-$(basename "$f")"
    done
else
    echo "seed.sh: $ext/openssl-cms/80-test_cms_data not found, skipped" >&2
fi

# RFC 4134 sample CMS objects (signed, enveloped, digested, ... : all are parser food).
if [[ -d "$ext/rfc4134" ]]; then
    for f in "$ext"/rfc4134/*.bin; do
        copy "$f" "rfc4134-$(basename "$f")"
    done
else
    echo "seed.sh: $ext/rfc4134 not found, skipped" >&2
fi

# Fresh, valid signatures over the verify target's content.
if command -v openssl >/dev/null; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    printf 'content' >"$tmp/content"
    for k in rsa ec; do
        chain="$pki/chain-$k.pem"
        openssl cms -sign -binary -in "$tmp/content" -signer "$pki/signer-$k.pem" -inkey "$pki/signer-$k.key" \
            -certfile "$chain" -md sha256 -outform DER -out "$verify/gen-$k-detached.p7s"
        openssl cms -sign -binary -nodetach -in "$tmp/content" -signer "$pki/signer-$k.pem" -inkey "$pki/signer-$k.key" \
            -md sha256 -outform DER -out "$verify/gen-$k-attached.p7m"
        openssl cms -sign -binary -in "$tmp/content" -signer "$pki/signer-$k.pem" -inkey "$pki/signer-$k.key" \
            -md sha256 -outform PEM -out "$verify/gen-$k-detached.pem"
    done
    # No signed attributes (signature directly over the content).
    openssl cms -sign -binary -noattr -in "$tmp/content" -signer "$pki/signer-rsa.pem" -inkey "$pki/signer-rsa.key" \
        -md sha256 -outform DER -out "$verify/gen-rsa-noattr.p7s"
    cp -f "$verify"/gen-* "$inspect/"
else
    echo "seed.sh: openssl not found, no generated signatures" >&2
fi

# Structure-aware targets (issue 9): their mutators need valid structures to start from, and
# their properties compare against these exact originals (compiled into the targets).
cert="$here/corpus/cert"
sattrs="$here/corpus/signed_attrs"
mkdir -p "$cert" "$sattrs"
for f in signer-rsa signer-ec sub-rsa sub-ec root-rsa root-ec org-rsa subsub-rsa under-subsub \
    signer-p384 signer-ed25519 tls-rsa bmp-rsa expired-rsa; do
    openssl x509 -in "$pki/$f.pem" -outform DER -out "$cert/$f.der"
done
install -m 0644 "$root/testdata/samples/cong-van.txt.p7s" "$root/testdata/samples/to-trinh.txt.p7m" "$sattrs/"

# The PDF reader (target `pdf`): the staged signed PDFs up to 128 KiB (39 files; larger ones
# would be cut at -max_len=131072, losing the startxref at their end).
pdfc="$here/corpus/pdf"
mkdir -p "$pdfc"
for d in dss-pades pyhanko-pdf; do
    if [[ -d "$ext/$d" ]]; then
        find "$ext/$d" -name '*.pdf' -size -128k -print0 | while IFS= read -r -d '' f; do
            install -m 0644 "$f" "$pdfc/$d-$(basename "$f")"
        done
    else
        echo "seed.sh: $ext/$d not found, skipped" >&2
    fi
done

# Small structural variants for short runs (-max_len=16384): pyHanko's minimal.pdf rewritten
# by qpdf with a cross-reference stream and object streams, linearized, and both.
min="$ext/pyhanko-pdf/minimal.pdf"
if command -v qpdf >/dev/null && [[ -f "$min" ]]; then
    install -m 0644 "$min" "$pdfc/minimal.pdf"
    qpdf --object-streams=generate "$min" "$pdfc/minimal-objstm.pdf" || true
    qpdf --linearize "$min" "$pdfc/minimal-linearized.pdf" || true
    qpdf --linearize --object-streams=generate "$min" "$pdfc/minimal-linearized-objstm.pdf" || true
else
    echo "seed.sh: qpdf or $min missing, no small PDF variants" >&2
fi

# The signature block's builder (target `pdf_appearance`): small PNGs of every colour type the
# decoder expands (RGBA, RGB, 16-bit gray, gray + alpha, a 2-bit palette with tRNS, 1-bit
# gray), written here byte by byte, and Vietnamese text, composed and decomposed.
apc="$here/corpus/pdf_appearance"
mkdir -p "$apc"
python3 - "$apc" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def chunk(t, b):
    return struct.pack('>I', len(b)) + t + b + struct.pack('>I', zlib.crc32(t + b) & 0xffffffff)
def png(w, h, depth, ctype, rows, extra=b''):
    ihdr = struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, 0)
    raw = b''.join(b'\0' + r for r in rows)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
seeds = {
    'rgba8.png': png(8, 8, 8, 6, [b''.join(bytes([200, 20, 30, 255 if (x + y) % 3 else 0])
                                           for x in range(8)) for y in range(8)]),
    'rgb8.png': png(4, 4, 8, 2, [b''.join(bytes([x * 60, y * 60, 9]) for x in range(4))
                                 for y in range(4)]),
    'gray16.png': png(3, 2, 16, 0, [b'\x12\x34\x56\x78\x9a\xbc'] * 2),
    'ga8.png': png(2, 2, 8, 4, [b'\x10\x80\x20\xff'] * 2),
    'pal2-trns.png': png(4, 1, 2, 3, [bytes([0b00011001])],
                         chunk(b'PLTE', bytes([255, 255, 255, 200, 0, 0, 0, 0, 200]))
                         + chunk(b'tRNS', b'\x00')),
    'gray1.png': png(8, 2, 1, 0, [b'\xaa', b'\x55']),
    'text-vi.txt': 'Ký bởi: NGUYỄN VĂN AN\nCơ quan: SỞ TƯ PHÁP TỈNH BẮC NINH\n'
                   'Thời gian ký: 02/12/2026 19:20:05 +07:00'.encode(),
    'text-decomposed.txt': 'Ky\u0301 bo\u031b\u0309i: NGUYÊ\u0303N\n\nLý do: phê duyệt'.encode(),
}
for name, data in seeds.items():
    with open(f'{d}/{name}', 'wb') as f:
        f.write(data)
PY

echo "corpus/verify: $(ls "$verify" | wc -l) files; corpus/inspect: $(ls "$inspect" | wc -l) files"
echo "corpus/cert: $(ls "$cert" | wc -l) files; corpus/signed_attrs: $(ls "$sattrs" | wc -l) files"
# The PDF writer (target `pdf_update`) starts from the reader's seeds.
mkdir -p "$here/corpus/pdf_update"
cp -n "$pdfc"/* "$here/corpus/pdf_update/" 2>/dev/null || true
echo "corpus/pdf: $(ls "$pdfc" | wc -l) files; corpus/pdf_appearance: $(ls "$apc" | wc -l) files"
