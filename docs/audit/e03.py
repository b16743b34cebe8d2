# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key()); root_spki = spki_of(root_k.public_key())
sub_n = simple_name('Audit Sub CA'); root_n = simple_name('Audit Root')

# E10: RDN-by-RDN: CA subject has three single-valued RDNs; the leaf's issuer is ONE multi-valued RDN
flat_k = rsa_key(); flat_spki = spki_of(flat_k.public_key())
flat_subject = name([(C,'VN')], [(O,'Audit Org')], [(CN,'Flat CA')])
multi = name([(C,'VN'), (O,'Audit Org'), (CN,'Flat CA')])
flat_ca = cert(tbs(50, sub_n, flat_subject, flat_spki, [bc(True), ku([5,6]), ski(keyid(flat_spki)), aki(keyid(sub_spki))]), sub_k)
lk = rsa_key(); lspki = spki_of(lk.public_key())
# multi-valued set must be DER-sorted; name() sorts. Check flattened order equals CA's order:
l10 = cert(tbs(51, multi, simple_name('Leaf multi-RDN issuer'), lspki, [ku([0,1]), ski(keyid(lspki)), aki(keyid(flat_spki))]), flat_k)
print('multi RDN bytes:', multi.hex())
run('e10_rdn_flattening', make_sig(signer_der=l10, key=lk, certs=[l10, flat_ca, sub]))

# E10b: directoryName permitted subtree as one multi-valued RDN {C,O} vs a name [C][O][CN]
nc_k = rsa_key(); nc_spki = spki_of(nc_k.public_key()); nc_n = simple_name('NC CA')
permitted = name([(C,'VN'), (O,'Good Org')])
nc_ext = ext('2.5.29.30', seq(ctx(0, seq(ctx(4, permitted)))), critical=True)
nc_ca = cert(tbs(52, sub_n, nc_n, nc_spki, [bc(True), ku([5,6]), ski(keyid(nc_spki)), aki(keyid(sub_spki)), nc_ext]), sub_k)
l10b = cert(tbs(53, nc_n, name([(C,'VN')],[(O,'Good Org')],[(CN,'Leaf')]), lspki, [ku([0,1]), ski(keyid(lspki)), aki(keyid(nc_spki))]), nc_k)
print('permitted:', permitted.hex())
run('e10b_nc_dirname_multirdn', make_sig(signer_der=l10b, key=lk, certs=[l10b, nc_ca, sub]))

# E11: critical subjectKeyIdentifier in the signer certificate
l11 = cert(tbs(54, sub_n, simple_name('Crit SKI'), sig_spki, [ku([0,1]), ext('2.5.29.14', octets(keyid(sig_spki)), critical=True), aki(keyid(sub_spki))]), sub_k)
run('e11_critical_ski', make_sig(signer_der=l11))

# CRLs. signer serial is 3.
old = crl(sub_n, sub_k, sub_spki, 1, this_update='260101000000Z', next_update='361231235959Z')
new = crl(sub_n, sub_k, sub_spki, 2, this_update='260301000000Z', next_update='361231235959Z', revoked=[(3, '260215000000Z', 1)])
open(f'{D}/old.crl','wb').write(old); open(f'{D}/new.crl','wb').write(new)
run('e12a_new_crl_only', make_sig(), extra=['--crl', f'{D}/new.crl'])
run('e12b_old_then_new', make_sig(), extra=['--crl', f'{D}/old.crl', '--crl', f'{D}/new.crl'])
# E13: CRL without nextUpdate (MUST be present, §5.1.2.5) - stale forever?
nonext = crl(sub_n, sub_k, sub_spki, 3, this_update='200101000000Z', next_update=None)
open(f'{D}/nonext.crl','wb').write(nonext)
run('e13_crl_without_nextupdate', make_sig(), extra=['--crl', f'{D}/nonext.crl', '--revocation', 'required'])
# root CRL for sub so 'required' can pass
rootcrl = crl(root_n, root_k, root_spki, 1)
open(f'{D}/root.crl','wb').write(rootcrl)
run('e13b_crl_without_nextupdate_required', make_sig(), extra=['--crl', f'{D}/nonext.crl', '--crl', f'{D}/root.crl', '--revocation', 'required'])
# E14: delta CRL whose number is not above the complete CRL's (§5.2.4 (d)) carrying removeFromCRL
delta = crl(sub_n, sub_k, sub_spki, 2, this_update='260201000000Z', next_update='361231235959Z', revoked=[(3, '260201000000Z', 8)], delta_base=1)
open(f'{D}/delta.crl','wb').write(delta)
run('e14_stale_delta_removefromcrl', make_sig(), extra=['--crl', f'{D}/new.crl', '--crl', f'{D}/delta.crl'])

# E15: CRL signed by a same-named CA under ANOTHER trust anchor
o_k = rsa_key(); o_spki = spki_of(o_k.public_key()); o_n = simple_name('Other Root', o='Other Org')
oroot = cert(tbs(60, o_n, o_n, o_spki, [bc(True), ku([5,6]), ski(keyid(o_spki))]), o_k)
open(f'{D}/other-root.pem','w').write(pem(oroot))
ev_k = rsa_key(); ev_spki = spki_of(ev_k.public_key())
evil_sub = cert(tbs(61, o_n, sub_n, ev_spki, [bc(True), ku([1,6]), ski(keyid(ev_spki)), aki(keyid(o_spki))]), o_k)
evil_crl = crl(sub_n, ev_k, ev_spki, 100, this_update='260401000000Z')
open(f'{D}/evil.crl','wb').write(evil_crl)
run('e15_crl_signer_other_anchor', make_sig(certs=[signer, sub, evil_sub]), extra=['--trust', f'{D}/other-root.pem', '--crl', f'{D}/evil.crl', '--crl', f'{D}/new.crl'])
run('e15b_same_but_new_first', make_sig(certs=[signer, sub, evil_sub]), extra=['--trust', f'{D}/other-root.pem', '--crl', f'{D}/new.crl', '--crl', f'{D}/evil.crl'])
