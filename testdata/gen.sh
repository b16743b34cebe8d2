#!/usr/bin/env bash
# Regenerates the kyso test PKI (testdata/pki/) and sample documents
# (testdata/samples/). Uses only the system `openssl` CLI (tested with 3.0.x).
#
# - Idempotent: testdata/pki/ is wiped and recreated on every run (keys,
#   serials and signatures change each run; names/dates/extensions do not).
# - Runnable from any working directory.
# - All certificates have FIXED validity dates; tests pin the validation
#   time to 2026-06-01T00:00:00Z (epoch 1780272000).
# - All temporary files (CSRs, CA database, configs) live in a mktemp -d
#   directory outside testdata/ and are removed on exit.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKI="$SCRIPT_DIR/pki"
SAMPLES="$SCRIPT_DIR/samples"
PASS="kyso-test"

# Validity periods (YYYYMMDDHHMMSSZ).
CA_START=20250101000000Z
CA_END=20451231000000Z
EE_START=20250601000000Z
EE_END=20350601000000Z

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

rm -rf "$PKI"
mkdir -p "$PKI" "$SAMPLES"
mkdir -p "$TMP/newcerts"
: >"$TMP/index.txt"
echo "unique_subject = no" >"$TMP/index.txt.attr"

# ---------------------------------------------------------------------------
# Configs
# ---------------------------------------------------------------------------

# CSR config: UTF8String for every DN attribute that allows it.
cat >"$TMP/req.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
CN = placeholder
EOF

# CSR config producing BMPString (MASK:0x800) attributes. countryName keeps
# PrintableString because OpenSSL's string table pins it (STABLE_NO_MASK).
cat >"$TMP/req-bmp.cnf" <<'EOF'
[ req ]
distinguished_name = req_dn
string_mask        = MASK:0x800
utf8               = yes
prompt             = no

[ req_dn ]
CN = placeholder
EOF

cat >"$TMP/ca.cnf" <<EOF
[ ca ]
default_ca = kyso_ca

[ kyso_ca ]
dir              = $TMP
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
rand_serial      = yes
default_md       = sha256
policy           = policy_anything
unique_subject   = no
copy_extensions  = none
preserve         = yes
email_in_dn      = no
string_mask      = utf8only
utf8             = yes

[ policy_anything ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
UID                    = optional
emailAddress           = optional

# --- CA profiles -----------------------------------------------------------

[ v3_root ]
basicConstraints     = critical, CA:TRUE
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ v3_sub ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

# CA:TRUE but NO keyCertSign -> must not be accepted as an issuer.
[ v3_badca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

# Valid-looking CA, but issued by sub-rsa (pathlen:0) -> path length violation.
[ v3_subsub ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

# --- End-entity profiles ---------------------------------------------------

# Personal document-signing certificate.
[ ee_sign ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

# Organisation certificate: no EKU.
[ ee_org ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

# TLS server certificate: wrong usage for document signing.
[ ee_tls ]
basicConstraints       = CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:portal.example.gov.vn
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

# genkey NAME ALG  -> $PKI/NAME.key (PKCS#8 PEM, unencrypted)
genkey() {
    local name="$1" alg="$2" out="$PKI/$1.key"
    case "$alg" in
        rsa2048) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out" ;;
        rsa1024) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$out" ;;
        p256) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                  -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        p384) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
                  -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        p521) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 \
                  -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$out" ;;
        *) echo "unknown key algorithm: $alg" >&2; exit 1 ;;
    esac
}

# issue NAME ISSUER ALG SUBJECT EXTSECTION START END [REQCONF]
#   ISSUER is "self" for a self-signed root, otherwise the name of a CA
#   already present in $PKI (NAME.pem / NAME.key).
issue() {
    local name="$1" issuer="$2" alg="$3" subj="$4" ext="$5" start="$6" end="$7"
    local reqcnf="${8:-$TMP/req.cnf}"
    genkey "$name" "$alg"
    openssl req -new -utf8 -config "$reqcnf" -key "$PKI/$name.key" \
        -subj "$subj" -out "$TMP/$name.csr"
    local -a signer
    if [[ "$issuer" == self ]]; then
        signer=(-selfsign -keyfile "$PKI/$name.key")
    else
        signer=(-cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key")
    fi
    openssl ca -batch -notext -utf8 -config "$TMP/ca.cnf" -md sha256 \
        "${signer[@]}" -extensions "$ext" \
        -startdate "$start" -enddate "$end" \
        -in "$TMP/$name.csr" -out "$PKI/$name.pem" 2>"$TMP/ca.log" \
        || { cat "$TMP/ca.log" >&2; exit 1; }
}

# ---------------------------------------------------------------------------
# RSA chain
# ---------------------------------------------------------------------------
issue root-rsa self rsa2048 \
    "/C=VN/O=Kyso Test/CN=Kyso Test Root CA RSA" \
    v3_root "$CA_START" "$CA_END"
issue sub-rsa root-rsa rsa2048 \
    "/C=VN/O=Kyso Test/CN=Kyso Test Sub CA RSA" \
    v3_sub "$CA_START" "$CA_END"

issue signer-rsa sub-rsa rsa2048 \
    "/C=VN/ST=Hà Nội/O=Sở Tư pháp Hà Nội/CN=Nguyễn Văn An/UID=CCCD:001085012345" \
    ee_sign "$EE_START" "$EE_END"

# Alternative encodings of the signer-rsa key and certificate.
openssl pkey -in "$PKI/signer-rsa.key" -traditional -out "$PKI/signer-rsa.pkcs1.pem"
openssl pkcs8 -topk8 -nocrypt -in "$PKI/signer-rsa.key" -outform DER \
    -out "$PKI/signer-rsa.key.der"
openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$PKI/signer-rsa.key" \
    -passout "pass:$PASS" -out "$PKI/signer-rsa.enc.key"
openssl x509 -in "$PKI/signer-rsa.pem" -outform DER -out "$PKI/signer-rsa.der"
openssl pkcs12 -export -inkey "$PKI/signer-rsa.key" -in "$PKI/signer-rsa.pem" \
    -certfile "$PKI/sub-rsa.pem" -name "signer-rsa" \
    -passout "pass:$PASS" -out "$PKI/signer-rsa.p12"

issue org-rsa sub-rsa rsa2048 \
    "/C=VN/L=Phủ Lý/O=Sở Nội vụ tỉnh Hà Nam/CN=Sở Nội vụ tỉnh Hà Nam/UID=MST:0700123456/UID=MNS:1234567" \
    ee_org "$EE_START" "$EE_END"
openssl pkcs12 -export -inkey "$PKI/org-rsa.key" -in "$PKI/org-rsa.pem" \
    -certfile "$PKI/sub-rsa.pem" -name "org-rsa" \
    -passout "pass:$PASS" -out "$PKI/org-rsa.p12"

issue expired-rsa sub-rsa rsa2048 \
    "/C=VN/ST=Hà Nội/CN=Trần Thị Bình/UID=CMND:012345678" \
    ee_sign 20200101000000Z 20210101000000Z

issue notyet-rsa sub-rsa rsa2048 \
    "/C=VN/ST=Hà Nội/CN=Lê Văn Cường/UID=CCCD:001090054321" \
    ee_sign 20400101000000Z 20450101000000Z

issue tls-rsa sub-rsa rsa2048 \
    "/C=VN/O=Cổng Dịch vụ công tỉnh Hà Nam/CN=portal.example.gov.vn" \
    ee_tls "$EE_START" "$EE_END"

issue weak-rsa1024 sub-rsa rsa1024 \
    "/C=VN/ST=Hà Nam/CN=Phạm Văn Dũng/UID=CCCD:035088007777" \
    ee_sign "$EE_START" "$EE_END"

# CA without keyCertSign, and a signer under it.
issue badca-rsa root-rsa rsa2048 \
    "/C=VN/O=Kyso Test/CN=Kyso Test Bad CA RSA (no keyCertSign)" \
    v3_badca "$CA_START" "$CA_END"
issue under-badca badca-rsa rsa2048 \
    "/C=VN/ST=Hà Nam/CN=Hoàng Văn Em/UID=CCCD:035091002468" \
    ee_sign "$EE_START" "$EE_END"

# CA issued under sub-rsa (pathlen:0 violation), and a signer under it.
issue subsub-rsa sub-rsa rsa2048 \
    "/C=VN/O=Kyso Test/CN=Kyso Test SubSub CA RSA (pathlen violation)" \
    v3_subsub "$CA_START" "$CA_END"
issue under-subsub subsub-rsa rsa2048 \
    "/C=VN/ST=Hà Nam/CN=Đỗ Thị Lan/UID=CCCD:035192003579" \
    ee_sign "$EE_START" "$EE_END"

# Subject attributes encoded as BMPString (C stays PrintableString).
issue bmp-rsa sub-rsa rsa2048 \
    "/C=VN/O=Ủy ban nhân dân tỉnh Hà Nam/CN=Đặng Thị Giang/UID=HC:B1234567/UID=BHXH:0123456789" \
    ee_sign "$EE_START" "$EE_END" "$TMP/req-bmp.cnf"

# ---------------------------------------------------------------------------
# EC chain (P-256 CAs)
# ---------------------------------------------------------------------------
issue root-ec self p256 \
    "/C=VN/O=Kyso Test/CN=Kyso Test Root CA EC" \
    v3_root "$CA_START" "$CA_END"
issue sub-ec root-ec p256 \
    "/C=VN/O=Kyso Test/CN=Kyso Test Sub CA EC" \
    v3_sub "$CA_START" "$CA_END"

issue signer-ec sub-ec p256 \
    "/C=VN/ST=Hà Nam/O=Văn phòng UBND tỉnh Hà Nam/CN=Võ Thị Hạnh/UID=CCCD:035190001234" \
    ee_sign "$EE_START" "$EE_END"
openssl pkey -in "$PKI/signer-ec.key" -traditional -out "$PKI/signer-ec.sec1.pem"

issue signer-p384 sub-ec p384 \
    "/C=VN/ST=Hà Nam/O=Văn phòng UBND tỉnh Hà Nam/CN=Ngô Văn Minh/UID=CCCD:035087004321" \
    ee_sign "$EE_START" "$EE_END"
issue signer-p521 sub-ec p521 \
    "/C=VN/ST=Hà Nam/O=Văn phòng UBND tỉnh Hà Nam/CN=Lý Thị Ngọc/UID=CCCD:035193005678" \
    ee_sign "$EE_START" "$EE_END"
issue signer-ed25519 sub-ec ed25519 \
    "/C=VN/ST=Hà Nam/O=Văn phòng UBND tỉnh Hà Nam/CN=Bùi Văn Khoa/UID=CCCD:035086006789" \
    ee_sign "$EE_START" "$EE_END"

# ---------------------------------------------------------------------------
# Unrelated root (for "untrusted" tests)
# ---------------------------------------------------------------------------
issue other-root self rsa2048 \
    "/C=VN/O=Tổ chức Không liên quan/CN=Unrelated Root" \
    v3_root "$CA_START" "$CA_END"

# ---------------------------------------------------------------------------
# Bundles
# ---------------------------------------------------------------------------
cp "$PKI/sub-rsa.pem" "$PKI/chain-rsa.pem"
cp "$PKI/sub-ec.pem" "$PKI/chain-ec.pem"
cat "$PKI/root-rsa.pem" "$PKI/root-ec.pem" >"$PKI/trust.pem"
openssl x509 -in "$PKI/root-rsa.pem" -outform DER -out "$PKI/root-rsa.der"
openssl crl2pkcs7 -nocrl -certfile "$PKI/sub-rsa.pem" -certfile "$PKI/root-rsa.pem" \
    -outform DER -out "$PKI/chain-rsa.p7b"

chmod 0644 "$PKI"/*

# ---------------------------------------------------------------------------
# Sample documents
# ---------------------------------------------------------------------------
cat >"$SAMPLES/cong-van.txt" <<'EOF'
ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI
SỞ TƯ PHÁP
Số: 1234/STP-HCTP
V/v: đề nghị phối hợp xác minh hồ sơ công dân

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nội, ngày 15 tháng 5 năm 2026

Kính gửi: Ủy ban nhân dân tỉnh Hà Nam

Sở Tư pháp thành phố Hà Nội nhận được hồ sơ số HS-2026-000123 đề nghị cấp
Phiếu lý lịch tư pháp số 2 của công dân Nguyễn Văn A (hồ sơ giả lập dùng cho
mục đích kiểm thử), có thời gian cư trú tại tỉnh Hà Nam từ năm 2010 đến năm 2018.

Để có đủ căn cứ giải quyết hồ sơ theo đúng quy định của Luật Lý lịch tư pháp,
Sở Tư pháp kính đề nghị Ủy ban nhân dân tỉnh Hà Nam chỉ đạo các cơ quan chuyên
môn phối hợp xác minh thông tin về tình trạng án tích của công dân nêu trên
và gửi kết quả về Sở Tư pháp trước ngày 30 tháng 5 năm 2026.

Sở Tư pháp trân trọng cảm ơn sự phối hợp của Quý Ủy ban./.

Nơi nhận:
- Như trên;
- Giám đốc Sở (để b/c);
- Lưu: VT, HCTP.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Nguyễn Văn An
EOF

cat >"$SAMPLES/to-trinh.txt" <<'EOF'
ỦY BAN NHÂN DÂN TỈNH HÀ NAM
SỞ NỘI VỤ
Số: 56/TTr-SNV

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Nam, ngày 20 tháng 5 năm 2026

TỜ TRÌNH
Về việc phê duyệt Đề án vị trí việc làm năm 2026
của các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh

Kính gửi: Ủy ban nhân dân tỉnh Hà Nam

Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ các văn bản hướng dẫn về
vị trí việc làm và cơ cấu ngạch công chức, Sở Nội vụ đã tổng hợp, thẩm định
hồ sơ đề nghị của 18 cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh.

Kết quả thẩm định: tổng số 412 vị trí việc làm, trong đó 35 vị trí lãnh đạo,
quản lý; 298 vị trí chuyên môn, nghiệp vụ; 79 vị trí hỗ trợ, phục vụ.

Sở Nội vụ kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt Đề án vị trí
việc làm năm 2026 theo dự thảo Quyết định kèm theo./.

Nơi nhận:
- Như trên;
- Lưu: VT, TCBC.

GIÁM ĐỐC

Sở Nội vụ tỉnh Hà Nam
EOF

echo "Generated $(ls "$PKI" | wc -l) files in $PKI and samples in $SAMPLES"
