# Audit experiment (issue 9), see docs/conformance.md Appendix A.
import sys, os, pickle, subprocess, json, hashlib; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from der import *
from cryptography.hazmat.primitives.serialization import load_der_private_key
D=os.environ.get('OUT', '/tmp/kyso-audit')
P = pickle.load(open(f'{D}/pki.pkl','rb'))
root_k = load_der_private_key(P['root_k'], None); sub_k = load_der_private_key(P['sub_k'], None); sig_k = load_der_private_key(P['sig_k'], None)
root, sub, signer = P['root'], P['sub'], P['signer']
KYSO=os.environ.get('KYSO', os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../target/debug/kyso'))
CONTENT = b'Quyet dinh so 1/2026: audit test document\n'
def run(name, sig_der, content=CONTENT, attached=False, extra=(), show=True):
    p = f'{D}/{name}.p7s' if not attached else f'{D}/{name}.p7m'
    open(p,'wb').write(sig_der)
    args = [KYSO, 'verify', '--trust', f'{D}/root.pem', '--format', 'json', *extra]
    if not attached and content is not None:
        cp = f'{D}/{name}.bin'; open(cp,'wb').write(content); args += ['--content', cp]
    args.append(p)
    r = subprocess.run(args, capture_output=True, text=True)
    try:
        j = json.loads(r.stdout)
    except Exception:
        print(name, 'NO JSON', r.stdout[:500], r.stderr[:500]); return None
    doc = j['documents'][0]
    res = doc['indication']
    fails = []
    for s in doc.get('signatures', []):
        for c in s['checks']:
            st = c['result'] if isinstance(c['result'], str) else c['result']
            fails.append(f"{c['check']}={json.dumps(c['result'])[:160]}")
    if show:
        print(f'== {name}: {res} {doc.get("sub_indication")} msgs={doc.get("messages")}')
        for s in doc.get('signatures', []):
            print('   signing_time=', s.get('signing_time'))
            for c in s['checks']:
                r_ = c['result']
                if r_ != 'passed' and not (isinstance(r_, dict) and r_.get('result') == 'passed'):
                    print('   ', c['check'], json.dumps(r_)[:200])
    return doc
def make_sig(signer_der=None, key=None, content=CONTENT, attrs=None, attached=False, certs=None, econtent_type_der=None, unsigned=None, sign_over=None, sid=None):
    signer_der = signer_der or signer; key = key or sig_k
    if attrs is None: attrs = standard_attrs(content, signer_der)
    sig = sign_rsa(key, sign_over if sign_over is not None else tlv(0x31, attrs))
    si = signer_info(signer_der, sig, attrs, unsigned=unsigned, sid=sid)
    return signed_data([si], certs if certs is not None else [signer_der, sub], content if attached else None, econtent_type_der=econtent_type_der)
