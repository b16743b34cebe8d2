"""pyHanko as a peer for kyso's PDF tests (installed by scripts/test.sh).

  sign SRC OUT KEY CERT CHAIN FIELD   add a PAdES B-B signature (ETSI.CAdES.detached) in a new field
  sign-past-lock SRC OUT KEY CERT CHAIN FIELD
                                      the same, with pyHanko's refusal to sign a PDF certified with
                                      no changes allowed (DocMDP /P 1) switched off: a signer that
                                      ignores the lock, as a hostile or careless tool would
  docmdp SRC                          print the DocMDP /P pyHanko reads from the certification
                                      signature (/Perms /DocMDP), or "none"
  rotate SRC OUT                      incremental update that rotates page 1 (a change no signature allows)
  annotate SRC OUT                    incremental update that adds a text annotation to page 1
  append-page SRC OUT                 incremental update that appends a blank page
"""
import sys

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers


def sign(src, out, key, cert, chain, field):
    signer = signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,), key_passphrase=None)
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        meta = signers.PdfSignatureMetadata(
            field_name=field, subfilter=fields.SigSeedSubFilter.PADES, reason="Ký duyệt"
        )
        with open(out, "wb") as o:
            signers.sign_pdf(w, meta, signer=signer, output=o)


def sign_past_lock(src, out, key, cert, chain, field):
    signers.PdfSigner._enforce_certification_constraints = lambda self, reader: None
    sign(src, out, key, cert, chain, field)


def docmdp(src):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import read_certification_data

    with open(src, "rb") as f:
        info = read_certification_data(PdfFileReader(f))
        print("none" if info is None else info.permission.value)


def first_page(w):
    ref = w.root["/Pages"].raw_get("/Kids")
    ref = w.root["/Pages"]["/Kids"].raw_get(0)
    return ref, ref.get_object()


def rotate(src, out):
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        ref, page = first_page(w)
        page["/Rotate"] = generic.NumberObject(90)
        w.mark_update(ref)
        with open(out, "wb") as o:
            w.write(o)


def annotate(src, out):
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        ref, page = first_page(w)
        annot = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Text"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (10, 10, 30, 30)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Đã xem"),
            }
        )
        annot_ref = w.add_object(annot)
        annots = page.get("/Annots")
        if annots is None:
            page["/Annots"] = generic.ArrayObject([annot_ref])
            w.mark_update(ref)
        else:
            annots = page.raw_get("/Annots")
            if isinstance(annots, generic.IndirectObject):
                annots.get_object().append(annot_ref)
                w.mark_update(annots)
            else:
                page["/Annots"].append(annot_ref)
                w.mark_update(ref)
        with open(out, "wb") as o:
            w.write(o)


def append_page(src, out):
    with open(src, "rb") as f:
        w = IncrementalPdfFileWriter(f)
        pages_ref = w.root.raw_get("/Pages")
        pages = pages_ref.get_object()
        page = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/Parent"): pages_ref,
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 300, 144)]
                ),
            }
        )
        page_ref = w.add_object(page)
        pages["/Kids"].append(page_ref)
        pages["/Count"] = generic.NumberObject(int(pages["/Count"]) + 1)
        w.mark_update(pages_ref)
        with open(out, "wb") as o:
            w.write(o)


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {"sign": sign, "sign-past-lock": sign_past_lock, "docmdp": docmdp, "rotate": rotate, "annotate": annotate, "append-page": append_page}[cmd](*args)
