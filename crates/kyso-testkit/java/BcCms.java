// A Bouncy Castle CMS peer for kyso's interop tests (crates/kyso-testkit/src/bc.rs compiles and
// runs it; Debian's libbcprov-java, libbcutil-java, libbcpkix-java). One file, no build tool.
//
//   sign --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] --in CONTENT --out SIG.p7s [--attached]
//     CMS SignedData, SHA-256 with RSA (PKCS#1 v1.5) or ECDSA by key type; BC's default signed
//     attributes (content-type, message-digest, signing-time, CMS algorithm protection) plus
//     ESS signing-certificate-v2 (CAdES B-B); signer and chain certificates embedded; DER.
//   verify --in SIG [--content CONTENT]
//     Every SignerInfo is verified with its embedded certificate. Prints per signer
//     "signer N: OK <subject>" (or "signer N: FAILED <reason>") and
//     "signer N unsigned attributes: <oids>", then "certificates: N", "crls: N",
//     "ocsp responses: N". Exit 0 only when there is a signer and every one verifies.
//
// No trust decision is made here: that is kyso's job; this only checks the cryptography and
// the CMS structure as Bouncy Castle reads them.

import java.io.FileReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Security;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.CollectionStore;
import org.bouncycastle.util.Store;

public class BcCms {
    static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    static final PrintStream ERR = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    public static void main(String[] args) {
        Security.addProvider(new BouncyCastleProvider());
        if (args.length == 0) {
            usage();
        }
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--attached")) {
                opt.put(a, "");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                opt.put(a, args[++i]);
            } else {
                usage();
            }
        }
        try {
            switch (args[0]) {
                case "sign":
                    sign(opt);
                    break;
                case "verify":
                    System.exit(verify(opt) ? 0 : 1);
                    break;
                default:
                    usage();
            }
        } catch (Exception e) {
            ERR.println("BcCms " + args[0] + ": " + e);
            System.exit(1);
        }
    }

    static void usage() {
        ERR.println("usage: BcCms sign --key K --cert C [--chain CH] --in F --out S [--attached]");
        ERR.println("       BcCms verify --in S [--content F]");
        System.exit(2);
    }

    static String need(Map<String, String> opt, String name) {
        String v = opt.get(name);
        if (v == null) {
            ERR.println("missing " + name);
            usage();
        }
        return v;
    }

    /** Every certificate in a PEM file. */
    static List<X509CertificateHolder> certs(String path) throws Exception {
        List<X509CertificateHolder> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new FileReader(path, StandardCharsets.US_ASCII))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder) {
                    out.add((X509CertificateHolder) o);
                } else {
                    throw new IllegalArgumentException(path + ": not a certificate: " + o.getClass());
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(path + ": no certificate");
        }
        return out;
    }

    /** A PKCS#8 (what kyso_testkit::pki writes) or traditional PEM private key. */
    static PrivateKey key(String path) throws Exception {
        try (PEMParser p = new PEMParser(new FileReader(path, StandardCharsets.US_ASCII))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider("BC");
            if (o instanceof PrivateKeyInfo) {
                return conv.getPrivateKey((PrivateKeyInfo) o);
            }
            if (o instanceof PEMKeyPair) {
                return conv.getKeyPair((PEMKeyPair) o).getPrivate();
            }
            throw new IllegalArgumentException(path + ": not an unencrypted private key: " + o);
        }
    }

    static void sign(Map<String, String> opt) throws Exception {
        PrivateKey key = key(need(opt, "--key"));
        X509CertificateHolder cert = certs(need(opt, "--cert")).get(0);
        List<X509CertificateHolder> all = new ArrayList<>();
        all.add(cert);
        if (opt.containsKey("--chain")) {
            all.addAll(certs(opt.get("--chain")));
        }
        byte[] content = Files.readAllBytes(Paths.get(need(opt, "--in")));
        String alg;
        switch (key.getAlgorithm()) {
            case "RSA":
                alg = "SHA256withRSA";
                break;
            case "EC":
            case "ECDSA":
                alg = "SHA256withECDSA";
                break;
            default:
                throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        }
        ContentSigner signer = new JcaContentSignerBuilder(alg).setProvider("BC").build(key);

        // ESS signing-certificate-v2 (RFC 5035): SHA-256 of the certificate (the default
        // hashAlgorithm, so it is omitted) and the issuer/serial.
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        IssuerSerial is = new IssuerSerial(new GeneralNames(new GeneralName(cert.getIssuer())),
                cert.getSerialNumber());
        SigningCertificateV2 scv2 = new SigningCertificateV2(new ESSCertIDv2(hash, is));
        ASN1EncodableVector attrs = new ASN1EncodableVector();
        attrs.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(scv2)));

        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(
                new JcaSignerInfoGeneratorBuilder(
                        new JcaDigestCalculatorProviderBuilder().setProvider("BC").build())
                        .setSignedAttributeGenerator(
                                new DefaultSignedAttributeTableGenerator(new AttributeTable(attrs)))
                        .build(signer, cert));
        gen.addCertificates(new CollectionStore<>(all));
        CMSSignedData sd = gen.generate(new CMSProcessableByteArray(content), opt.containsKey("--attached"));
        Files.write(Paths.get(need(opt, "--out")), sd.toASN1Structure().getEncoded(ASN1Encoding.DER));
    }

    static boolean verify(Map<String, String> opt) throws Exception {
        byte[] sig = Files.readAllBytes(Paths.get(need(opt, "--in")));
        CMSSignedData sd;
        if (opt.containsKey("--content")) {
            byte[] content = Files.readAllBytes(Paths.get(opt.get("--content")));
            sd = new CMSSignedData(new CMSProcessableByteArray(content), sig);
        } else {
            sd = new CMSSignedData(sig);
            if (sd.getSignedContent() == null) {
                OUT.println("detached signature and no --content");
                return false;
            }
        }
        Store<X509CertificateHolder> store = sd.getCertificates();
        Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
        boolean ok = !signers.isEmpty();
        if (signers.isEmpty()) {
            OUT.println("no signer");
        }
        int n = 0;
        for (SignerInformation si : signers) {
            n++;
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> match = store.getMatches(si.getSID());
            if (match.isEmpty()) {
                OUT.println("signer " + n + ": FAILED no embedded certificate matches " + si.getSID().getSerialNumber());
                ok = false;
            } else {
                X509CertificateHolder cert = match.iterator().next();
                SignerInformationVerifier v = new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(cert);
                String why;
                try {
                    why = si.verify(v) ? null : "signature does not verify";
                } catch (Exception e) {
                    why = e.toString();
                }
                if (why == null) {
                    OUT.println("signer " + n + ": OK " + cert.getSubject());
                } else {
                    OUT.println("signer " + n + ": FAILED " + why + " (" + cert.getSubject() + ")");
                    ok = false;
                }
            }
            List<String> oids = new ArrayList<>();
            AttributeTable ua = si.getUnsignedAttributes();
            if (ua != null) {
                ASN1EncodableVector vec = ua.toASN1EncodableVector();
                for (int i = 0; i < vec.size(); i++) {
                    oids.add(Attribute.getInstance(vec.get(i)).getAttrType().getId());
                }
            }
            OUT.println("signer " + n + " unsigned attributes: " + String.join(",", oids));
        }
        OUT.println("certificates: " + store.getMatches(null).size());
        OUT.println("crls: " + sd.getCRLs().getMatches(null).size());
        OUT.println("ocsp responses: "
                + sd.getOtherRevocationInfo(CMSObjectIdentifiers.id_ri_ocsp_response).getMatches(null).size());
        return ok;
    }
}
