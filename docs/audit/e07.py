# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
from cryptography.hazmat.primitives import hashes
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key()); root_spki = spki_of(root_k.public_key())
sub_n = simple_name('Audit Sub CA'); root_n = simple_name('Audit Root')
# E33: signer certificate signed with SHA-1 under the OIW OID sha1WithRSASignature (1.3.14.3.2.29)
for label, alg_oid in [('sha1WithRSAEncryption_1.2.840.113549.1.1.5', '1.2.840.113549.1.1.5'), ('oiw_sha1WithRSASignature_1.3.14.3.2.29', '1.3.14.3.2.29')]:
    alg = seq(oid(alg_oid), null())
    t = tbs(110, sub_n, simple_name('SHA1 cert'), sig_spki, [ku([0,1]), ski(keyid(sig_spki)), aki(keyid(sub_spki))], sigalg=alg)
    c = seq(t, alg, bitstring(sign_rsa(sub_k, t, hashes.SHA1())))
    run('e33_' + label, make_sig(signer_der=c))
# E34: CRL signed with MD5 (md5WithRSAEncryption) reporting the signer as good, revocation required
alg = seq(oid('1.2.840.113549.1.1.4'), null())
parts = [integer(1), alg, sub_n, utctime('260101000000Z'), utctime('361231235959Z'), ctx(0, seq(ext('2.5.29.20', integer(7)), aki(keyid(sub_spki))))]
t = seq(*parts); md5crl = seq(t, alg, bitstring(sign_rsa(sub_k, t, hashes.MD5())))
open(f'{D}/md5.crl','wb').write(md5crl)
run('e34_md5_signed_crl', make_sig(), extra=['--crl', f'{D}/md5.crl', '--crl', f'{D}/root.crl', '--revocation', 'required'])
