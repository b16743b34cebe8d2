# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
# E28: RSA PKCS#1 v1.5 DigestInfo without the NULL parameters (raw RSA with the real private key)
attrs = standard_attrs(CONTENT, signer)
h = hashlib.sha256(tlv(0x31, attrs)).digest()
pn = sig_k.private_numbers(); n = pn.public_numbers.n; d = pn.d
for label, di in [('with_null', seq(seq(oid(SHA256), null()), octets(h))), ('without_null', seq(seq(oid(SHA256)), octets(h)))]:
    em = b'\x00\x01' + b'\xff' * (256 - 3 - len(di)) + b'\x00' + di
    s = pow(int.from_bytes(em, 'big'), d, n).to_bytes(256, 'big')
    run(f'e28_digestinfo_{label}', signed_data([signer_info(signer, s, attrs)], [signer, sub]))
# E29: content-type in signed attrs and a SECOND content-type in unsigned attrs (misplaced) -> must fail
unsigned = attr(CT, oid(ID_DATA))
run('e29_ct_unsigned', make_sig(unsigned=unsigned))
# E30: signer sid version 3 with issuerAndSerialNumber (version/sid mismatch)
attrs = standard_attrs(CONTENT, signer); s = sign_rsa(sig_k, tlv(0x31, attrs))
si = seq(integer(3), issuer_and_serial(signer), seq(oid(SHA256)), tlv(0xa0, attrs), seq(oid('1.2.840.113549.1.1.1'), null()), octets(s))
run('e30_sid_version_mismatch', signed_data([si], [signer, sub]))
# E31: digestAlgorithms empty (signer digest not listed) + SignedData version 7
sd = seq(integer(7), set_(), seq(oid(ID_DATA)), ctx(0, signer, sub), set_(si))
run('e31_sd_version7_no_digestalgs', seq(oid(ID_SIGNED), ctx(0, sd)))
# E32: ESS attribute with trailing garbage after the ESSCertIDv2 and after SigningCertificateV2
h2 = hashlib.sha256(signer).digest()
ess_bad = attr(ESS2, seq(seq(seq(octets(h2), b'\x05\x00')), b'\x05\x00'))
a = [attr(CT, oid(ID_DATA)), attr(MD, octets(hashlib.sha256(CONTENT).digest())), ess_bad]
run('e32_ess_trailing_garbage', make_sig(attrs=b''.join(sorted(a))))
