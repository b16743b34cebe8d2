/*
 * kyso from Java through its C ABI, with JNA (Debian: libjna-java, /usr/share/java/jna.jar).
 *
 *   javac -cp /usr/share/java/jna.jar VerifyAndSign.java
 *   java -cp /usr/share/java/jna.jar:. -Djna.library.path=target/release VerifyAndSign \
 *       SIGNER_JSON VERIFIER_JSON DOCUMENT [TAMPERED]
 *
 * Signs DOCUMENT (detached), verifies it and prints the indication; with TAMPERED, verifies
 * the signature against it too. The Kyso interface is the binding an application can copy.
 */
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class VerifyAndSign {
    /** The C ABI of include/kyso.h (size_t as long: 64-bit platforms). */
    public interface Kyso extends Library {
        Kyso INSTANCE = Native.load("kyso_ffi", Kyso.class);

        String kyso_version();
        int kyso_last_error_code();
        Pointer kyso_last_error_message();
        Pointer kyso_last_error_library_code();
        int kyso_verifier_new(byte[] configJson, PointerByReference out);
        void kyso_verifier_free(Pointer verifier);
        int kyso_signer_new(byte[] configJson, PointerByReference out);
        void kyso_signer_free(Pointer signer);
        int kyso_verify(Pointer verifier, byte[] signature, long signatureLen, byte[] content,
                        long contentLen, PointerByReference reportJson);
        int kyso_sign_detached(Pointer signer, byte[] content, long contentLen,
                               PointerByReference out, NativeLongByReference outLen);
        void kyso_string_free(Pointer s);
        void kyso_bytes_free(Pointer p, long len);
    }

    static final Kyso K = Kyso.INSTANCE;

    /** A NUL-terminated UTF-8 string for a `const char *` argument. */
    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    static void check(int status) {
        if (status != 0) {
            throw new IllegalStateException("kyso status " + K.kyso_last_error_code() + " ("
                + K.kyso_last_error_library_code().getString(0, "UTF-8") + "): "
                + K.kyso_last_error_message().getString(0, "UTF-8"));
        }
    }

    static String verify(Pointer verifier, byte[] sig, byte[] content) {
        PointerByReference report = new PointerByReference();
        check(K.kyso_verify(verifier, sig, sig.length, content, content == null ? 0 : content.length, report));
        try {
            return report.getValue().getString(0, "UTF-8");
        } finally {
            K.kyso_string_free(report.getValue());
        }
    }

    static String indication(String reportJson) {
        // An application would use its JSON library; the document's indication comes first.
        Matcher m = Pattern.compile("\"indication\": \"([A-Z-]+)\"").matcher(reportJson);
        return m.find() ? m.group(1) : "(none)";
    }

    public static void main(String[] args) throws Exception {
        System.out.println("kyso " + K.kyso_version());
        PointerByReference s = new PointerByReference();
        PointerByReference v = new PointerByReference();
        check(K.kyso_signer_new(cString(args[0]), s));
        check(K.kyso_verifier_new(cString(args[1]), v));
        byte[] doc = Files.readAllBytes(Path.of(args[2]));

        PointerByReference out = new PointerByReference();
        NativeLongByReference outLen = new NativeLongByReference();
        check(K.kyso_sign_detached(s.getValue(), doc, doc.length, out, outLen));
        long n = outLen.getValue().longValue();
        byte[] p7s = out.getValue().getByteArray(0, (int) n);
        K.kyso_bytes_free(out.getValue(), n);

        System.out.println("detached: " + indication(verify(v.getValue(), p7s, doc)));
        if (args.length > 3) {
            byte[] bad = Files.readAllBytes(Path.of(args[3]));
            System.out.println("tampered: " + indication(verify(v.getValue(), p7s, bad)));
        }
        int rc = K.kyso_verifier_new(cString("{\"offline\": \"yes\"}"), new PointerByReference());
        System.out.println("bad config: " + rc + " " + K.kyso_last_error_library_code().getString(0, "UTF-8"));
        K.kyso_signer_free(s.getValue());
        K.kyso_verifier_free(v.getValue());
    }
}
