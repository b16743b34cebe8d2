# Audit experiment (issue 9), see docs/conformance.md Appendix A.
from common import *
from der import *
import hashlib
sig_spki = spki_of(sig_k.public_key()); sub_spki = spki_of(sub_k.public_key())
sub_n = simple_name('Audit Sub CA')
def tbs_raw(serial_der, subject, exts, validity=None):
    parts = [ctx(0, integer(2)), serial_der, SHA256_RSA, sub_n, validity or seq(utctime('250101000000Z'), utctime('351231235959Z')), subject, sig_spki, ctx(3, seq(*exts))]
    return seq(*parts)
base = [ski(keyid(sig_spki)), aki(keyid(sub_spki))]
# E20: non-minimal INTEGER serial
t = tbs_raw(tlv(2, b'\x00\x00\x64'), simple_name('Padded serial'), [ku([0,1])] + base)
c = cert(t, sub_k)
run('e20_nonminimal_serial', make_sig(signer_der=c, sid=seq(sub_n, tlv(2, b'\x00\x00\x64'))))
# E21: padded extnID for keyUsage (2.5.29.15 -> 55 80 1d 0f), keyUsage then says keyEncipherment only
padded_ku_oid = tlv(6, bytes.fromhex('55801d0f'))
bad_ku = seq(padded_ku_oid, boolean(True), octets(bitstring(bytes([0x20]), 5)))
t = tbs_raw(integer(101), simple_name('Padded extnID'), [bad_ku] + base); c = cert(t, sub_k)
run('e21_padded_extnid', make_sig(signer_der=c, sid=seq(sub_n, integer(101))))
# E22: EKU whose only OID is a padded emailProtection (1.3.6.1.5.5.7.3.4)
pad_email = tlv(6, bytes.fromhex('2b0601050507038004'))  # 3.4 -> 3, 0x80 0x04 padded
t = tbs_raw(integer(102), simple_name('Padded EKU'), [ku([0,1]), ext('2.5.29.37', seq(pad_email))] + base); c = cert(t, sub_k)
run('e22_padded_eku_oid', make_sig(signer_der=c, sid=seq(sub_n, integer(102))))
# E23: non-minimal length (0x81 0x..) for the subject Name SEQUENCE inside the TBS
subj = simple_name('Long length')
subj_nonmin = bytes([0x30, 0x81, len(subj)-2]) + subj[2:]
t = tbs_raw(integer(103), subj_nonmin, [ku([0,1])] + base); c = cert(t, sub_k)
run('e23_nonminimal_length_in_cert', make_sig(signer_der=c, sid=seq(sub_n, integer(103))))
# E24: BOOLEAN critical encoded 0x01 (BER, not DER)
ku_ber = seq(oid('2.5.29.15'), tlv(1, b'\x01'), octets(bitstring(bytes([0xc0]), 6)))
t = tbs_raw(integer(104), simple_name('BER boolean'), [ku_ber] + base); c = cert(t, sub_k)
run('e24_ber_boolean_critical', make_sig(signer_der=c, sid=seq(sub_n, integer(104))))
# E25: validity notBefore as GeneralizedTime in 2025 with fractional seconds; notAfter UTCTime without seconds
val = seq(gentime('20250101000000.5Z'), utctime('3512312359Z'))
t = tbs_raw(integer(105), simple_name('Lenient validity'), [ku([0,1])] + base, validity=val); c = cert(t, sub_k)
run('e25_lenient_validity_times', make_sig(signer_der=c, sid=seq(sub_n, integer(105))))
val = seq(utctime('250101000000+0700'), utctime('351231235959Z'))
t = tbs_raw(integer(106), simple_name('Offset validity'), [ku([0,1])] + base, validity=val); c = cert(t, sub_k)
run('e25b_utctime_offset', make_sig(signer_der=c, sid=seq(sub_n, integer(106))))
# E26: signed attributes with a non-minimal length inside (signer signed those exact bytes)
a_ct = attr(CT, oid(ID_DATA)); md = hashlib.sha256(CONTENT).digest()
a_md = seq(oid(MD), tlv(0x31, bytes([0x04, 0x81, 0x20]) + md))
attrs = b''.join(sorted([a_ct, a_md, ess_v2(signer)]))
run('e26_signed_attrs_nonminimal_length', make_sig(attrs=attrs))
# E27: signed attributes not DER-sorted (signer signed the unsorted bytes as sent)
attrs_uns = b''.join(sorted([a_ct, attr(MD, octets(md)), ess_v2(signer)], reverse=True))
run('e27_signed_attrs_unsorted_signed_as_sent', make_sig(attrs=attrs_uns))
