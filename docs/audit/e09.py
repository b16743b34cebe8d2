# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
from cryptography.hazmat.primitives import hashes
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key())
sub_n = simple_name('Audit Sub CA')
inner = seq(oid('1.2.840.113549.1.1.11'))          # no NULL
t = tbs(120, sub_n, simple_name('Alg mismatch'), sig_spki, [ku([0,1]), ski(keyid(sig_spki)), aki(keyid(sub_spki))], sigalg=inner)
c = seq(t, SHA256_RSA, bitstring(sign_rsa(sub_k, t)))
run('e35_sigalg_mismatch_tbs_vs_outer', make_sig(signer_der=c))
# E36: ESS signing-certificate-v2 absent (plain CMS) -> report level
attrs = standard_attrs(CONTENT, signer, ess=False)
run('e36_no_ess', make_sig(attrs=attrs))
# E37: signer cert with an EC key on secp256k1 (not an ETSI TS 119 312 curve) - policy check only
from cryptography.hazmat.primitives.asymmetric import ec
k1 = ec.generate_private_key(ec.SECP256K1()); k1spki = spki_of(k1.public_key())
c37 = cert(tbs(121, sub_n, simple_name('secp256k1 signer'), k1spki, [ku([0,1]), ski(keyid(k1spki)), aki(keyid(sub_spki))]), sub_k)
attrs = standard_attrs(CONTENT, c37)
s = k1.sign(tlv(0x31, attrs), ec.ECDSA(hashes.SHA256()))
si = seq(integer(1), issuer_and_serial(c37), seq(oid(SHA256)), tlv(0xa0, attrs), seq(oid('1.2.840.10045.4.3.2')), octets(s))
run('e37_secp256k1_signer', signed_data([si], [c37, sub]))
