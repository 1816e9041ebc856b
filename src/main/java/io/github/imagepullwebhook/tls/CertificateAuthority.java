package io.github.imagepullwebhook.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA that issues serving certificates (and client certificates, as the apiserver
 * presents to a webhook that requires one). Long-lived on purpose: the apiserver trusts
 * it through {@code caBundle}, so renewing only the serving certificate (signed by the same
 * CA) never leaves a moment where the apiserver and the server disagree.
 */
public final class CertificateAuthority {

    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA with a new EC P-256 key. */
    public static CertificateAuthority create() throws IOException {
        try {
            KeyPair keys = newKeyPair();
            X500Name subject = new X500Name("CN=image-pull-webhook CA");
            X509v3CertificateBuilder builder = builder(subject, subject, keys, Instant.now(), CA_VALIDITY);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new CertificateAuthority(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not create a CA: " + e.getMessage(), e);
        }
    }

    /** The CA stored earlier as PEM. */
    public static CertificateAuthority fromPem(String certificatePem, String keyPem) throws IOException {
        return new CertificateAuthority(parseCertificate(certificatePem), parseKey(keyPem));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() throws IOException {
        return pem(certificate);
    }

    public String keyPem() throws IOException {
        return pem(new JcaPKCS8Generator(key, null).generate());
    }

    /**
     * A serving certificate for {@code dnsNames}, {@code 127.0.0.1} and {@code ::1}.
     *
     * @return PEM certificate and PEM PKCS#8 key
     */
    public ServingCertificate issue(List<String> dnsNames, Duration validity) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        for (String ip : List.of("127.0.0.1", "::1")) {
            names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
        }
        return issue(dnsNames.get(0), names, KeyPurposeId.id_kp_serverAuth, Instant.now(), validity);
    }

    /**
     * A client certificate (extended key usage clientAuth) for {@code commonName} and
     * {@code dnsNames}, valid for {@code validity} from {@code from}: what the apiserver presents
     * to a webhook that requires one ({@code server.tls.clientCaFile}).
     *
     * @return PEM certificate and PEM PKCS#8 key
     */
    public ServingCertificate issueClient(String commonName, List<String> dnsNames, Instant from, Duration validity)
            throws IOException {
        List<GeneralName> names = dnsNames.stream().map(name -> new GeneralName(GeneralName.dNSName, name)).toList();
        return issue(commonName, names, KeyPurposeId.id_kp_clientAuth, from, validity);
    }

    private ServingCertificate issue(String commonName, List<GeneralName> names, KeyPurposeId usage, Instant from,
                                     Duration validity) throws IOException {
        try {
            KeyPair keys = newKeyPair();
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    new X500Name("CN=" + commonName), keys, from, validity);
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            X509Certificate issued = sign(builder, key);
            return new ServingCertificate(pem(issued), pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not issue a certificate: " + e.getMessage(), e);
        }
    }

    /** A PEM certificate and its PEM key. */
    public record ServingCertificate(String certificatePem, String keyPem) {
        public X509Certificate certificate() throws IOException {
            return parseCertificate(certificatePem);
        }
    }

    public static X509Certificate parseCertificate(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException("not a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new IOException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey parseKey(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (!(object instanceof PrivateKeyInfo info)) {
                throw new IOException("not a PEM PKCS#8 private key");
            }
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Instant from,
                                                    Duration validity) throws GeneralSecurityException, IOException {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(128, new SecureRandom()), Date.from(from.minus(Duration.ofMinutes(5))),
                Date.from(from.plus(validity)), subject, keys.getPublic());
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
        return builder;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
