# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key()); root_spki = spki_of(root_k.public_key())
sub_n = simple_name('Audit Sub CA'); root_n = simple_name('Audit Root')
def rdn_unsorted(*atvs): return tlv(0x31, *[seq(oid(o), printable(v) if o == C else utf8(v)) for o, v in atvs])

flat_k = rsa_key(); flat_spki = spki_of(flat_k.public_key())
lk = rsa_key(); lspki = spki_of(lk.public_key())
# E10c: CA subject [C][CN][O] (legal order, DER set order of the multi-valued RDN is C,CN,O)
flat_subject = name([(C,'VN')], [(CN,'Flat CA')], [(O,'Audit Org')])
multi = name([(C,'VN'), (O,'Audit Org'), (CN,'Flat CA')])   # one RDN, DER sorted -> C, CN, O
flat_ca = cert(tbs(70, sub_n, flat_subject, flat_spki, [bc(True), ku([5,6]), ski(keyid(flat_spki)), aki(keyid(sub_spki))]), sub_k)
l = cert(tbs(71, multi, simple_name('Leaf multi-RDN issuer'), lspki, [ku([0,1]), ski(keyid(lspki)), aki(keyid(flat_spki))]), flat_k)
run('e10c_rdn_flattening_sorted', make_sig(signer_der=l, key=lk, certs=[l, flat_ca, sub]))
# E10d: standard CA subject [C][O][CN]; leaf issuer one RDN with the three ATVs in NON-DER order C,O,CN
flat_subject2 = name([(C,'VN')], [(O,'Audit Org')], [(CN,'Flat CA 2')])
flat_ca2 = cert(tbs(72, sub_n, flat_subject2, flat_spki, [bc(True), ku([5,6]), ski(keyid(flat_spki)), aki(keyid(sub_spki))]), sub_k)
multi2 = seq(rdn_unsorted((C,'VN'), (O,'Audit Org'), (CN,'Flat CA 2')))
l2 = cert(tbs(73, multi2, simple_name('Leaf unsorted multi-RDN issuer'), lspki, [ku([0,1]), ski(keyid(lspki)), aki(keyid(flat_spki))]), flat_k)
run('e10d_rdn_flattening_unsorted_set', make_sig(signer_der=l2, key=lk, certs=[l2, flat_ca2, sub], sid=seq(multi2, integer(73))))

# E16: an end-entity whose subject equals its CA's name vouches for itself with its own CRL
ee_k = rsa_key(); ee_spki = spki_of(ee_k.public_key())
ee = cert(tbs(80, sub_n, sub_n, ee_spki, [ski(keyid(ee_spki)), aki(keyid(sub_spki))]), sub_k)   # no keyUsage, no basicConstraints
self_crl = crl(sub_n, ee_k, ee_spki, 999, this_update='260501000000Z')
real = crl(sub_n, sub_k, sub_spki, 5, this_update='260301000000Z', revoked=[(80, '260215000000Z', 1)])
open(f'{D}/self.crl','wb').write(self_crl); open(f'{D}/real80.crl','wb').write(real)
rootcrl = crl(root_n, root_k, root_spki, 1); open(f'{D}/root.crl','wb').write(rootcrl)
sig = make_sig(signer_der=ee, key=ee_k, certs=[ee, sub])
run('e16a_ee_real_crl_only', sig, extra=['--crl', f'{D}/real80.crl', '--crl', f'{D}/root.crl'])
run('e16b_ee_self_crl_required', sig, extra=['--crl', f'{D}/self.crl', '--crl', f'{D}/root.crl', '--revocation', 'required'])
run('e16c_ee_self_then_real', sig, extra=['--crl', f'{D}/self.crl', '--crl', f'{D}/real80.crl', '--crl', f'{D}/root.crl'])

# E17: EC public key = point at infinity (0x00); forged ECDSA signature (s=1, r=x(eG))
from cryptography.hazmat.primitives.asymmetric import ec
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
spki_inf = seq(seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7')), bitstring(b'\x00'))
c17 = cert(tbs(90, sub_n, simple_name('Infinity key'), spki_inf, [ku([0,1]), ski(keyid(spki_inf)), aki(keyid(sub_spki))]), sub_k)
attrs = standard_attrs(CONTENT, c17)
e = int.from_bytes(hashlib.sha256(tlv(0x31, attrs)).digest(), 'big') % N
r = ec.derive_private_key(e, ec.SECP256R1()).public_key().public_numbers().x % N
ecsig = seq(integer(r), integer(1))
si = seq(integer(1), issuer_and_serial(c17), seq(oid(SHA256)), tlv(0xa0, attrs), seq(oid('1.2.840.10045.4.3.2')), octets(ecsig))
run('e17_ec_infinity_key', signed_data([si], [c17, sub]))
