# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key()); root_spki = spki_of(root_k.public_key())
base = lambda spki=sig_spki: [ski(keyid(spki)), aki(keyid(sub_spki))]
sub_n = simple_name('Audit Sub CA')
def leaf(exts, serial=10, subj='Nguyen Van Audit', version=2, spki=sig_spki, issuer_n=sub_n, key=sub_k, **kw):
    return cert(tbs(serial, issuer_n, simple_name(subj), spki, exts, version=version, **kw), key)

# E1a: EKU serverAuth only -> must fail (control for E1b)
c = leaf([ku([0,1])] + base() + [eku('1.3.6.1.5.5.7.3.1')], serial=11)
run('e1a_eku_server_only', make_sig(signer_der=c))
# E1b: duplicate EKU: serverAuth then emailProtection (last wins?)
c = leaf([ku([0,1])] + base() + [eku('1.3.6.1.5.5.7.3.1'), eku('1.3.6.1.5.5.7.3.4')], serial=12)
run('e1b_dup_eku', make_sig(signer_der=c))
# E1c: duplicate keyUsage: keyEncipherment only, then digitalSignature
c = leaf([ku([2]), ku([0])] + base(), serial=13)
run('e1c_dup_ku', make_sig(signer_der=c))
# E1d: trailing bytes inside an extension value (keyUsage BIT STRING + garbage)
kuv = bitstring(bytes([0xc0]), 6) + b'\x05\x00'
c = leaf([ext('2.5.29.15', kuv, critical=True)] + base(), serial=14)
run('e1d_ext_trailing', make_sig(signer_der=c))

# E2: EE certificate (signer of nothing) acting as CA via duplicate basicConstraints:
#  mid = EE-looking cert with BC cA=FALSE then BC cA=TRUE, issued by sub; leaf issued by mid.
mid_k = rsa_key(); mid_spki = spki_of(mid_k.public_key()); mid_n = simple_name('Fake Mid')
mid = cert(tbs(20, sub_n, mid_n, mid_spki, [ext('2.5.29.19', seq(), critical=True), bc(True), ski(keyid(mid_spki)), aki(keyid(sub_spki))]), sub_k)
leaf_k = rsa_key(); leaf_spki = spki_of(leaf_k.public_key())
l2 = cert(tbs(21, mid_n, simple_name('Leaf under fake mid'), leaf_spki, [ku([0,1]), ski(keyid(leaf_spki)), aki(keyid(mid_spki))]), mid_k)
run('e2_dup_bc_mid', make_sig(signer_der=l2, key=leaf_k, certs=[l2, mid, sub]))

# E3: version 1 intermediate carrying basicConstraints cA (v1 certs cannot carry extensions)
v1_k = rsa_key(); v1_spki = spki_of(v1_k.public_key()); v1_n = simple_name('V1 Mid')
v1mid = cert(tbs(30, sub_n, v1_n, v1_spki, [bc(True), ku([5,6]), ski(keyid(v1_spki)), aki(keyid(sub_spki))], version=0), sub_k)
l3k = rsa_key(); l3spki = spki_of(l3k.public_key())
l3 = cert(tbs(31, v1_n, simple_name('Leaf under v1'), l3spki, [ku([0,1]), ski(keyid(l3spki)), aki(keyid(v1_spki))]), v1_k)
run('e3_v1_mid', make_sig(signer_der=l3, key=l3k, certs=[l3, v1mid, sub]))
# E3b: version 2 (value 1)
v2mid = cert(tbs(32, sub_n, simple_name('V2 Mid'), v1_spki, [bc(True), ku([5,6]), ski(keyid(v1_spki)), aki(keyid(sub_spki))], version=1), sub_k)
l3b = cert(tbs(33, simple_name('V2 Mid'), simple_name('Leaf under v2'), l3spki, [ku([0,1]), ski(keyid(l3spki)), aki(keyid(v1_spki))]), v1_k)
run('e3b_v2_mid', make_sig(signer_der=l3b, key=l3k, certs=[l3b, v2mid, sub]))
