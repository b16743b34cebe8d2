# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key())
sub_n = simple_name('Audit Sub CA')
subj = simple_name('Long length')
subj_nonmin = bytes([0x30, 0x81, len(subj)-2]) + subj[2:]
t = seq(ctx(0, integer(2)), integer(103), SHA256_RSA, sub_n, seq(utctime('250101000000Z'), utctime('351231235959Z')), subj_nonmin, sig_spki, ctx(3, seq(ku([0,1]), ski(keyid(sig_spki)), aki(keyid(sub_spki)))))
c = cert(t, sub_k)
open(f'{D}/nonmin-signer.der','wb').write(c)
open(f'{D}/sub.der','wb').write(sub)
attrs = standard_attrs(CONTENT, c)
s = sign_rsa(sig_k, tlv(0x31, attrs))
si = signer_info(c, s, attrs, sid=seq(sub_n, integer(103)))
run('e23b_nonminimal_length_cert_via_intermediates', signed_data([si], [sub]), extra=['--intermediates', f'{D}/nonmin-signer.der'])
