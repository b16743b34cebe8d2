# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key())
sub_n = simple_name('Audit Sub CA')
def leaf(exts, serial=10, subj='Nguyen Van Audit', spki=sig_spki, issuer_n=sub_n, key=sub_k, **kw):
    return cert(tbs(serial, issuer_n, simple_name(subj), spki, exts, **kw), key)

# E4: RSA public exponent 1: "signature" = PKCS#1 v1.5 encoded message itself, no private key used.
n = sig_k.public_key().public_numbers().n   # any 2048-bit modulus works; reuse one
rsa_pub = seq(integer(n), integer(1))
spki1 = seq(seq(oid('1.2.840.113549.1.1.1'), null()), bitstring(rsa_pub))
c4 = leaf([ku([0,1]), ski(keyid(spki1)), aki(keyid(sub_spki))], serial=40, spki=spki1)
attrs = standard_attrs(CONTENT, c4)
h = hashlib.sha256(tlv(0x31, attrs)).digest()
di = seq(seq(oid(SHA256), null()), octets(h))
k = 256
em = b'\x00\x01' + b'\xff' * (k - 3 - len(di)) + b'\x00' + di
si = signer_info(c4, em, attrs)
run('e4_rsa_e1_no_private_key', signed_data([si], [c4, sub]))

# E5: ESS v1 naming ANOTHER certificate + correct ESS v2
other = leaf([ku([0,1]), ski(keyid(sig_spki)), aki(keyid(sub_spki))], serial=41, subj='Someone Else')
attrs = standard_attrs(CONTENT, signer, extra=[ess_v1(other)])
run('e5_ess_v1_wrong_v2_right', make_sig(attrs=attrs))
# E5b: ESS v2 with MD5 hash algorithm
a = [attr(CT, oid(ID_DATA)), attr(MD, octets(hashlib.sha256(CONTENT).digest())), ess_v2(signer, 'md5')]
run('e5b_ess_v2_md5', make_sig(attrs=b''.join(sorted(a))))

# E6: signing-time UTCTime with trailing garbage after a fraction; GeneralizedTime 2026 with fraction
attrs = standard_attrs(CONTENT, signer, signing_time=utctime('260601000000.GARBAGE-Z'))
run('e6a_utctime_garbage', make_sig(attrs=attrs))
attrs = standard_attrs(CONTENT, signer, signing_time=gentime('20260601000000.999Z'))
run('e6b_gentime_2026_fraction', make_sig(attrs=attrs))

# E7: padded (non-minimal) OIDs. id-data with a 0x80 pad in the 840 arc.
padded_data = tlv(6, bytes.fromhex('2a8086488 6f70d010701'.replace(' ','')))
attrs = standard_attrs(CONTENT, signer, ct_der=padded_data)
run('e7a_padded_econtent_type', make_sig(attrs=attrs, econtent_type_der=padded_data))
# E7b: second message-digest under a padded OID with the digest of ANOTHER document
other_doc = b'Quyet dinh so 2/2026: a different decision\n'
padded_md = tlv(6, bytes.fromhex('2a80864886f70d010904'))
attrs = standard_attrs(CONTENT, signer, extra=[seq(padded_md, set_(octets(hashlib.sha256(other_doc).digest())))])
run('e7b_padded_second_md', make_sig(attrs=attrs))

# E8: CMS EUF-CMA confusion: take a genuine signature over signed attributes S and present
# S's DER as the *content* of a SignerInfo without signed attributes.
attrs = standard_attrs(CONTENT, signer)
genuine_sig = sign_rsa(sig_k, tlv(0x31, attrs))
fake_content = tlv(0x31, attrs)
si = signer_info(signer, genuine_sig, None)
run('e8a_eufcma_detached', signed_data([si], [signer, sub]), content=fake_content)
run('e8b_eufcma_attached', signed_data([si], [signer, sub], content=fake_content), attached=True)

# E9: attached signature + --content naming a different file
sig = make_sig(attached=True)
run('e9_attached_with_other_content', sig, attached=True, extra=['--content', f'{D}/other.bin'] if open(f'{D}/other.bin','wb').write(other_doc) else [])
