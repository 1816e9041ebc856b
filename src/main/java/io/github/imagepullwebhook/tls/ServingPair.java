package io.github.imagepullwebhook.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A serving certificate chain and its private key, read from PEM, proven to belong together,
 * and turned into what the HTTPS server serves from.
 *
 * <p>Why prove it: certificate and key are two files, and whoever renews them may write one
 * before the other; TLS libraries accept a mismatched pair and every handshake then fails
 * ("Invalid CertificateVerify signature"). So the key signs, and the certificate's public key
 * must verify, before a pair is served — at start and at every reload.
 */
public final class ServingPair {

    /**
     * The in-memory key store's entry protection. The store never leaves this process's memory
     * and sits next to the password that opens it, so its password-based encryption protects
     * nothing; with the JDK's default of 10,000 PBKDF2 iterations, storing the key and reading
     * it back cost about 0.1 s per HTTPS server instance at every start (measured: Vert.x built
     * such a store from PEM for each of them). One iteration keeps the standard API.
     */
    private static final String ENTRY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private ServingPair(List<X509Certificate> chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /**
     * @param certificatesPem the serving certificate, then any intermediates
     * @param keyPem          its key: PKCS#8, or PKCS#1/SEC1 as cert-manager may write it
     * @throws IOException naming which of the two is unreadable (never quoting the key)
     */
    public static ServingPair parse(String certificatesPem, String keyPem) throws IOException {
        return new ServingPair(certificates(certificatesPem), parseKey(keyPem));
    }

    /** True when the key signs what the first certificate's public key verifies. */
    public boolean matches() {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(chain.get(0).getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Key managers that serve this pair (the JDK's own, over a key store held in memory). */
    public KeyManagerFactory keyManagers() throws GeneralSecurityException, IOException {
        char[] password = new char[16];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry("serving", new KeyStore.PrivateKeyEntry(key, chain.toArray(Certificate[]::new)),
                new KeyStore.PasswordProtection(password, ENTRY_PROTECTION, new PBEParameterSpec(salt, 1)));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory;
    }

    /** The certificates of a PEM file, in order; at least one. */
    public static List<X509Certificate> certificates(String pem) throws IOException {
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new IOException("the certificate file holds no PEM certificate");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException("the certificate file is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static PrivateKey parseKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            // fall through: a parser's message may quote what it read, and this is a key
        }
        throw new IOException("the key file is not a PEM private key (PKCS#8, PKCS#1 or SEC1)");
    }
}
