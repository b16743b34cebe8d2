# A small PKI for the experiments: root -> sub -> signer (RSA 2048, fresh keys).
import sys, os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from der import *
import pickle
D=os.environ.get('OUT', '/tmp/kyso-audit'); os.makedirs(D, exist_ok=True)
root_k, sub_k, sig_k = rsa_key(), rsa_key(), rsa_key()
root_spki, sub_spki, sig_spki = spki_of(root_k.public_key()), spki_of(sub_k.public_key()), spki_of(sig_k.public_key())
root_n, sub_n = simple_name('Audit Root'), simple_name('Audit Sub CA')
root = cert(tbs(1, root_n, root_n, root_spki, [bc(True), ku([5,6]), ski(keyid(root_spki))]), root_k)
sub = cert(tbs(2, root_n, sub_n, sub_spki, [bc(True), ku([5,6]), ski(keyid(sub_spki)), aki(keyid(root_spki))]), root_k)
def signer_cert(exts_extra=None, serial=3, subj='Nguyen Van Audit', spki=None, issuer_key=None, issuer_n=None, issuer_spki=None, exts=None, version=2):
    spki = spki or sig_spki
    base = [ku([0,1]), ski(keyid(spki)), aki(keyid(issuer_spki or sub_spki))]
    return cert(tbs(serial, issuer_n or sub_n, simple_name(subj), spki, exts if exts is not None else base + (exts_extra or []), version=version), issuer_key or sub_k)
signer = signer_cert()
open(f'{D}/root.pem','w').write(pem(root))
open(f'{D}/sub.pem','w').write(pem(sub))
pickle.dump(dict(root_k=root_k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
  sub_k=sub_k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
  sig_k=sig_k.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
  root=root, sub=sub, signer=signer), open(f'{D}/pki.pkl','wb'))
