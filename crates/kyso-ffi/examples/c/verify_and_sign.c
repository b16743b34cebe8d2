/*
 * Sign a document with kyso's C ABI and verify the signature, from C.
 *
 *   verify_and_sign SIGNER_JSON VERIFIER_JSON DOCUMENT [TAMPERED_DOCUMENT]
 *
 * Signs DOCUMENT (detached .p7s, then attached .p7m), verifies each, and prints the
 * indication of each report; with TAMPERED_DOCUMENT, verifies the .p7s against it too.
 * Build (see README "C ABI (kyso-ffi)"):
 *   cargo build -p kyso-ffi --release
 *   cc verify_and_sign.c -I crates/kyso-ffi/include -L target/release -lkyso_ffi -o verify_and_sign
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso.h"

/* Read a whole file; NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) { free(buf); buf = NULL; }
            else buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Print kyso's last error on this thread and return 1. */
static int fail(const char *what) {
    fprintf(stderr, "%s failed: status %d (%s): %s\n", what, kyso_last_error_code(),
            kyso_last_error_library_code(), kyso_last_error_message());
    return 1;
}

/* The first "indication" of a report (a C program would use a JSON parser; the report's
 * document indication comes before any signature's). */
static void print_indication(const char *label, const char *report) {
    const char *key = "\"indication\": \"";
    const char *p = strstr(report, key);
    if (!p) { printf("%s: (no indication)\n", label); return; }
    p += strlen(key);
    const char *end = strchr(p, '"');
    printf("%s: %.*s\n", label, (int)(end - p), p);
}

static int verify(const KysoVerifier *v, const char *label, const uint8_t *sig, size_t sig_len,
                  const uint8_t *content, size_t content_len) {
    char *report = NULL;
    if (kyso_verify(v, sig, sig_len, content, content_len, &report) != KYSO_OK)
        return fail("kyso_verify");
    print_indication(label, report);
    kyso_string_free(report);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SIGNER_JSON VERIFIER_JSON DOCUMENT [TAMPERED]\n", argv[0]);
        return 2;
    }
    printf("kyso %s\n", kyso_version());
    size_t doc_len = 0, bad_len = 0;
    uint8_t *doc = read_file(argv[3], &doc_len);
    if (!doc) { perror(argv[3]); return 1; }

    KysoSigner *signer = NULL;
    KysoVerifier *verifier = NULL;
    if (kyso_signer_new(argv[1], &signer) != KYSO_OK) return fail("kyso_signer_new");
    if (kyso_verifier_new(argv[2], &verifier) != KYSO_OK) return fail("kyso_verifier_new");

    uint8_t *p7s = NULL, *p7m = NULL;
    size_t p7s_len = 0, p7m_len = 0;
    int rc = 0;
    if (kyso_sign_detached(signer, doc, doc_len, &p7s, &p7s_len) != KYSO_OK)
        return fail("kyso_sign_detached");
    rc |= verify(verifier, "detached", p7s, p7s_len, doc, doc_len);
    if (kyso_sign_attached(signer, doc, doc_len, &p7m, &p7m_len) != KYSO_OK)
        return fail("kyso_sign_attached");
    rc |= verify(verifier, "attached", p7m, p7m_len, NULL, 0);
    if (argc > 4) {
        uint8_t *bad = read_file(argv[4], &bad_len);
        if (!bad) { perror(argv[4]); return 1; }
        rc |= verify(verifier, "tampered", p7s, p7s_len, bad, bad_len);
        free(bad);
    }
    /* An error is a status and a message, never a crash. */
    KysoVerifier *none = NULL;
    if (kyso_verifier_new("{\"trust\": 1}", &none) == KYSO_ERR_BAD_CONFIG && none == NULL)
        printf("bad config: %s\n", kyso_last_error_message());

    kyso_bytes_free(p7s, p7s_len);
    kyso_bytes_free(p7m, p7m_len);
    kyso_signer_free(signer);
    kyso_verifier_free(verifier);
    free(doc);
    return rc;
}
