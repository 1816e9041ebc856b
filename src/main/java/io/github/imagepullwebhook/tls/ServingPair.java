package io.github.imagepullwebhook.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Whether a PEM key belongs to a PEM certificate. Certificate and key are two files, and
 * whoever renews them may write one before the other; TLS libraries accept a mismatched pair
 * and every handshake then fails ("Invalid CertificateVerify signature"). So a pair is proven
 * before it is served: the key signs, the certificate's public key verifies.
 */
public final class ServingPair {

    private ServingPair() {
    }

    /**
     * @param certificatePem the serving certificate (first of the chain)
     * @param keyPem         its key: PKCS#8, or PKCS#1/SEC1 as cert-manager may write it
     * @return true when the key signs what the certificate's public key verifies
     */
    public static boolean matches(String certificatePem, String keyPem) {
        try {
            X509Certificate certificate = CertificateAuthority.parseCertificate(certificatePem);
            PrivateKey key = parseAnyKey(keyPem);
            String algorithm = switch (key.getAlgorithm()) {
                case "EC", "ECDSA" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (algorithm == null) {
                return false;
            }
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static PrivateKey parseAnyKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException("not a PEM private key");
        }
    }
}
