# Minimal DER builder for hostile-input experiments (audit of kyso, issue 9).
import hashlib, datetime
from cryptography.hazmat.primitives.asymmetric import rsa, ec, padding
from cryptography.hazmat.primitives import hashes, serialization

def length(n):
    if n < 0x80: return bytes([n])
    b = n.to_bytes((n.bit_length()+7)//8, 'big'); return bytes([0x80|len(b)]) + b
def tlv(tag, *parts):
    v = b''.join(parts); return bytes([tag]) + length(len(v)) + v
def seq(*p): return tlv(0x30, *p)
def set_(*p): return tlv(0x31, *p)
def set_sorted(*p): return tlv(0x31, *sorted(p))
def integer(i):
    if i == 0: return tlv(2, b'\x00')
    b = i.to_bytes((i.bit_length()+8)//8, 'big', signed=True) if i>0 else i.to_bytes((i.bit_length()+8)//8,'big',signed=True)
    return tlv(2, b)
def oid_bytes(dotted):
    parts = [int(x) for x in dotted.split('.')]
    out = bytes([40*parts[0]+parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7f]; p >>= 7
        while p: enc.insert(0, 0x80 | (p & 0x7f)); p >>= 7
        out += bytes(enc)
    return out
def oid(dotted): return tlv(6, oid_bytes(dotted))
def octets(b): return tlv(4, b)
def bitstring(b, unused=0): return tlv(3, bytes([unused]) + b)
def null(): return b'\x05\x00'
def utf8(s): return tlv(0x0c, s.encode())
def printable(s): return tlv(0x13, s.encode())
def utctime(s): return tlv(0x17, s.encode())
def gentime(s): return tlv(0x18, s.encode())
def ctx(n, *p, cons=True): return tlv((0xa0 if cons else 0x80) | n, *p)
def boolean(v): return tlv(1, b'\xff' if v else b'\x00')

CN='2.5.4.3'; O='2.5.4.10'; C='2.5.4.6'
def name(*rdns):
    """rdns: list of lists of (oid, value) -> Name"""
    out = []
    for rdn in rdns:
        out.append(set_sorted(*[seq(oid(o), utf8(v) if o != C else printable(v)) for o, v in rdn]))
    return seq(*out)
def simple_name(cn, o='Audit Org', c='VN'):
    return name([(C, c)], [(O, o)], [(CN, cn)])

SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), null())
def ext(o, value_der, critical=False):
    return seq(oid(o), *( [boolean(True)] if critical else []), octets(value_der))
def bc(ca, pathlen=None):
    inner = []
    if ca: inner.append(boolean(True))
    if pathlen is not None: inner.append(integer(pathlen))
    return ext('2.5.29.19', seq(*inner), critical=True)
def ku(bits, critical=True):
    # bits: list of bit numbers
    v = 0
    for b in bits: v |= 1 << (15 - b)
    by = v.to_bytes(2, 'big')
    if by[1] == 0: by = by[:1]
    # unused bits
    last = by[-1]; unused = 0
    while unused < 8 and not (last >> unused) & 1: unused += 1
    return ext('2.5.29.15', bitstring(by, unused), critical=critical)
def eku(*oids): return ext('2.5.29.37', seq(*[oid(o) for o in oids]))
def ski(keyid): return ext('2.5.29.14', octets(keyid))
def aki(keyid): return ext('2.5.29.35', seq(ctx(0, keyid, cons=False)))

def spki_of(pub):
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
def keyid(spki_der):
    # SHA-1 of subjectPublicKey bits (RFC 5280 method 1), parse crude: last BIT STRING
    return hashlib.sha1(spki_der).digest()

def tbs(serial, issuer, subject, spki, exts=None, version=2, nb='250101000000Z', na='351231235959Z', sigalg=SHA256_RSA, nb_raw=None, na_raw=None):
    parts = []
    if version is not None and version != 0:
        parts.append(ctx(0, integer(version)))
    parts += [integer(serial), sigalg, issuer,
              seq(nb_raw or utctime(nb), na_raw or utctime(na)), subject, spki]
    if exts: parts.append(ctx(3, seq(*exts)))
    return seq(*parts)

def sign_rsa(key, data, h=hashes.SHA256()):
    return key.sign(data, padding.PKCS1v15(), h)
def cert(tbs_der, issuer_key, sigalg=SHA256_RSA):
    return seq(tbs_der, sigalg, bitstring(sign_rsa(issuer_key, tbs_der)))

def pem(der, label='CERTIFICATE'):
    import base64
    b = base64.encodebytes(der).decode().replace('\n','')
    return f'-----BEGIN {label}-----\n' + '\n'.join(b[i:i+64] for i in range(0,len(b),64)) + f'\n-----END {label}-----\n'

def rsa_key(bits=2048): return rsa.generate_private_key(public_exponent=65537, key_size=bits)

# ---- CMS ----
ID_DATA='1.2.840.113549.1.7.1'; ID_SIGNED='1.2.840.113549.1.7.2'
CT='1.2.840.113549.1.9.3'; MD='1.2.840.113549.1.9.4'; ST='1.2.840.113549.1.9.5'
ESS1='1.2.840.113549.1.9.16.2.12'; ESS2='1.2.840.113549.1.9.16.2.47'
SHA256='2.16.840.1.101.3.4.2.1'
def attr(o, *values, oid_der=None): return seq(oid_der or oid(o), set_sorted(*values))
def issuer_and_serial(cert_der):
    from cryptography import x509
    c = x509.load_der_x509_certificate(cert_der)
    return seq(c.issuer.public_bytes(), integer(c.serial_number))
def ess_v2(cert_der, halg=None):
    h = hashlib.new(halg or 'sha256', cert_der).digest()
    idv2 = seq(*( [seq(oid({'md5':'1.2.840.113549.2.5','sha1':'1.3.14.3.2.26','sha256':SHA256}[halg]))] if halg else []), octets(h))
    return attr(ESS2, seq(seq(idv2)))
def ess_v1(cert_der):
    return attr(ESS1, seq(seq(seq(octets(hashlib.sha1(cert_der).digest())))))
def signer_info(cert_der, signature, signed_attrs_contents=None, unsigned=None, sid=None):
    parts = [integer(1), sid or issuer_and_serial(cert_der), seq(oid(SHA256))]
    if signed_attrs_contents is not None: parts.append(tlv(0xa0, signed_attrs_contents))
    parts += [seq(oid('1.2.840.113549.1.1.1'), null()), octets(signature)]
    if unsigned is not None: parts.append(tlv(0xa1, unsigned))
    return seq(*parts)
def signed_data(sis, certs, content=None, econtent_type_der=None, digest_algs=None):
    enc = [econtent_type_der or oid(ID_DATA)]
    if content is not None: enc.append(ctx(0, octets(content)))
    sd = seq(integer(1), set_(*(digest_algs if digest_algs is not None else [seq(oid(SHA256))])), seq(*enc),
             ctx(0, *certs), set_(*sis))
    return seq(oid(ID_SIGNED), ctx(0, sd))
def standard_attrs(content, cert_der, extra=(), ct_der=None, signing_time=None, ess=True):
    a = [attr(CT, ct_der or oid(ID_DATA)), attr(MD, octets(hashlib.sha256(content).digest()))]
    if signing_time is not None: a.append(attr(ST, signing_time))
    if ess: a.append(ess_v2(cert_der))
    a += list(extra)
    return b''.join(sorted(a))
def sign_attrs(key, contents):
    return sign_rsa(key, set_(contents) if False else tlv(0x31, contents))

def crl(issuer_name, issuer_key, issuer_spki, number, this_update='260101000000Z', next_update='361231235959Z', revoked=(), extra_exts=(), delta_base=None, tu_raw=None):
    """revoked: list of (serial, date, reason_code or None)"""
    parts = [integer(1), SHA256_RSA, issuer_name, tu_raw or utctime(this_update)]
    if next_update: parts.append(utctime(next_update))
    if revoked:
        ents = []
        for s, d, r in revoked:
            e = [integer(s), utctime(d)]
            if r is not None: e.append(seq(ext('2.5.29.21', tlv(0x0a, bytes([r])))))
            ents.append(seq(*e))
        parts.append(seq(*ents))
    exts = [ext('2.5.29.20', integer(number)), aki(keyid(issuer_spki))]
    if delta_base is not None: exts.append(ext('2.5.29.27', integer(delta_base), critical=True))
    exts += list(extra_exts)
    parts.append(ctx(0, seq(*exts)))
    t = seq(*parts)
    return seq(t, SHA256_RSA, bitstring(sign_rsa(issuer_key, t)))
