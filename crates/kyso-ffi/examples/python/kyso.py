"""kyso from Python through its C ABI (ctypes), no compiler needed.

    python3 kyso.py LIBKYSO SIGNER_JSON VERIFIER_JSON DOCUMENT PDF [TAMPERED]

Signs DOCUMENT (detached) and PDF (inside, PAdES), verifies both and prints their
indications; with TAMPERED, verifies the detached signature against it too. The Kyso,
Verifier and Signer classes are a small binding an agency application can copy.
"""

import ctypes
import json
import sys

KYSO_OK = 0


class KysoError(Exception):
    """A kyso call failed: status (KYSO_ERR_*), the library's code and its message."""

    def __init__(self, status, code, message):
        super().__init__(f"{message} (status {status}, {code})")
        self.status, self.code, self.message = status, code, message


class Kyso:
    def __init__(self, path):
        lib = ctypes.CDLL(path)
        u8p, size = ctypes.POINTER(ctypes.c_uint8), ctypes.c_size_t
        vp = ctypes.c_void_p
        sigs = {
            "kyso_version": ([], ctypes.c_char_p),
            "kyso_last_error_code": ([], ctypes.c_int32),
            "kyso_last_error_message": ([], ctypes.c_char_p),
            "kyso_last_error_library_code": ([], ctypes.c_char_p),
            "kyso_verifier_new": ([ctypes.c_char_p, ctypes.POINTER(vp)], ctypes.c_int32),
            "kyso_verifier_free": ([vp], None),
            "kyso_signer_new": ([ctypes.c_char_p, ctypes.POINTER(vp)], ctypes.c_int32),
            "kyso_signer_free": ([vp], None),
            "kyso_verify": (
                [vp, ctypes.c_char_p, size, ctypes.c_char_p, size, ctypes.POINTER(vp)],
                ctypes.c_int32,
            ),
            "kyso_sign_detached": (
                [vp, ctypes.c_char_p, size, ctypes.POINTER(u8p), ctypes.POINTER(size)],
                ctypes.c_int32,
            ),
            "kyso_sign_attached": (
                [vp, ctypes.c_char_p, size, ctypes.POINTER(u8p), ctypes.POINTER(size)],
                ctypes.c_int32,
            ),
            "kyso_sign_pdf": (
                [vp, ctypes.c_char_p, size, ctypes.c_char_p, ctypes.POINTER(u8p),
                 ctypes.POINTER(size)],
                ctypes.c_int32,
            ),
            "kyso_cosign": (
                [vp, ctypes.c_char_p, size, ctypes.c_char_p, size, ctypes.POINTER(u8p),
                 ctypes.POINTER(size)],
                ctypes.c_int32,
            ),
            "kyso_string_free": ([vp], None),
            "kyso_bytes_free": ([u8p, size], None),
        }
        for name, (args, res) in sigs.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = args, res
        self.lib = lib

    def version(self):
        return self.lib.kyso_version().decode()

    def check(self, status):
        """Raise the thread's last error unless status is KYSO_OK."""
        if status != KYSO_OK:
            lib = self.lib
            raise KysoError(
                lib.kyso_last_error_code(),
                lib.kyso_last_error_library_code().decode(),
                lib.kyso_last_error_message().decode(),
            )

    def take_bytes(self, ptr, n):
        """Copy bytes kyso returned into Python, then free them."""
        try:
            return ctypes.string_at(ptr, n.value)
        finally:
            self.lib.kyso_bytes_free(ptr, n)


class Verifier:
    """A verifier configured once; one may be shared by many threads."""

    def __init__(self, kyso, config):
        self.k, h = kyso, ctypes.c_void_p()
        kyso.check(kyso.lib.kyso_verifier_new(json.dumps(config).encode(), ctypes.byref(h)))
        self.h = h

    def verify(self, signature, content=None):
        """The kyso.verify/v2 report as a dict (a bad signature is a report, not an error)."""
        out = ctypes.c_void_p()
        n = 0 if content is None else len(content)
        self.k.check(self.k.lib.kyso_verify(
            self.h, signature, len(signature), content, n, ctypes.byref(out)))
        try:
            return json.loads(ctypes.string_at(out.value).decode())
        finally:
            self.k.lib.kyso_string_free(out)

    def close(self):
        self.k.lib.kyso_verifier_free(self.h)
        self.h = None


class Signer:
    """A loaded key (file, PKCS#12 or token); one may be shared by many threads."""

    def __init__(self, kyso, config):
        self.k, h = kyso, ctypes.c_void_p()
        kyso.check(kyso.lib.kyso_signer_new(json.dumps(config).encode(), ctypes.byref(h)))
        self.h = h

    def _call(self, fn, *args):
        ptr, n = ctypes.POINTER(ctypes.c_uint8)(), ctypes.c_size_t()
        self.k.check(fn(self.h, *args, ctypes.byref(ptr), ctypes.byref(n)))
        return self.k.take_bytes(ptr, n)

    def sign_detached(self, content):
        return self._call(self.k.lib.kyso_sign_detached, content, len(content))

    def sign_attached(self, content):
        return self._call(self.k.lib.kyso_sign_attached, content, len(content))

    def sign_pdf(self, pdf, options=None):
        opts = None if options is None else json.dumps(options).encode()
        return self._call(self.k.lib.kyso_sign_pdf, pdf, len(pdf), opts)

    def cosign(self, existing, content=None):
        n = 0 if content is None else len(content)
        return self._call(self.k.lib.kyso_cosign, existing, len(existing), content, n)

    def close(self):
        self.k.lib.kyso_signer_free(self.h)
        self.h = None


def indication(report):
    return report["documents"][0]["indication"]


def main(argv):
    lib, signer_json, verifier_json, document, pdf = argv[1:6]
    kyso = Kyso(lib)
    print(f"kyso {kyso.version()}")
    signer = Signer(kyso, json.loads(signer_json))
    verifier = Verifier(kyso, json.loads(verifier_json))
    content = open(document, "rb").read()
    p7s = signer.sign_detached(content)
    print("detached:", indication(verifier.verify(p7s, content)))
    signed_pdf = signer.sign_pdf(open(pdf, "rb").read(), {"reason": "Phê duyệt"})
    print("pdf:", indication(verifier.verify(signed_pdf)))
    if len(argv) > 6:
        print("tampered:", indication(verifier.verify(p7s, open(argv[6], "rb").read())))
    try:
        Verifier(kyso, {"trust": ["/nonexistent/root.pem"]})
    except KysoError as e:
        print(f"error {e.status} {e.code}: {e.message}")
    signer.close()
    verifier.close()


if __name__ == "__main__":
    main(sys.argv)
