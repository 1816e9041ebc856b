package io.github.imagepullwebhook.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A CA bundle, serving certificate and key as PEM files, where the server and clients read them.
 *
 * @param caFile   the CA bundle ({@code ca.crt}) for clients and {@code caBundle}
 * @param certFile the serving certificate ({@code tls.crt})
 * @param keyFile  the serving key, PKCS#8 ({@code tls.key}), readable by the owner only
 */
public record GeneratedCertificates(Path caFile, Path certFile, Path keyFile) {

    /** DNS names a webhook Service is reached by: name, name.ns, name.ns.svc, name.ns.svc.cluster.local. */
    public static List<String> serviceNames(String service, String namespace) {
        String svc = service + "." + namespace + ".svc";
        return List.of("localhost", service, service + "." + namespace, svc, svc + ".cluster.local");
    }

    /** Makes a new CA and serving certificate for {@code dnsNames} and writes them to {@code dir}. */
    public static GeneratedCertificates create(Path dir, List<String> dnsNames) throws IOException {
        CertificateAuthority ca = CertificateAuthority.create();
        CertificateAuthority.ServingCertificate serving = ca.issue(dnsNames, CertificateAuthority.SERVING_VALIDITY);
        return write(dir, ca.certificatePem(), serving);
    }

    /**
     * Writes the files, each replaced atomically (write to a temporary file, then move), so the
     * server's reload never reads a half-written certificate.
     */
    public static GeneratedCertificates write(Path dir, String caPem, CertificateAuthority.ServingCertificate serving)
            throws IOException {
        Files.createDirectories(dir);
        GeneratedCertificates files = new GeneratedCertificates(dir.resolve("ca.crt"), dir.resolve("tls.crt"),
                dir.resolve("tls.key"));
        replace(files.caFile, caPem, false);
        replace(files.keyFile, serving.keyPem(), true);
        replace(files.certFile, serving.certificatePem(), false);
        return files;
    }

    private static void replace(Path file, String content, boolean secret) throws IOException {
        Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        if (secret) {
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temporary);
            }
        }
        Files.writeString(temporary, content);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
