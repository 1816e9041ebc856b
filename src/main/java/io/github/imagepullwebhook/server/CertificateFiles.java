package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.tls.ServingPair;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the serving certificate and key files and hands new contents to the servers.
 * cert-manager (and the kubelet's Secret volume) replace both files atomically through a
 * symlink swap, so the contents are compared, not timestamps. Other tools write one file, then
 * the other: a pair whose key does not match its certificate is not served (TLS libraries would
 * take it, and every handshake would fail), and the next check tries again.
 */
final class CertificateFiles {

    /** A certificate chain and its key, PEM-encoded. */
    record Pem(Buffer cert, Buffer key) {
        boolean sameAs(Pem other) {
            return other != null && cert.equals(other.cert) && key.equals(other.key);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CertificateFiles.class);

    private final Vertx vertx;
    private final String certFile;
    private final String keyFile;
    private Pem current;
    private long timer = -1;

    CertificateFiles(Vertx vertx, String certFile, String keyFile) {
        this.vertx = vertx;
        this.certFile = certFile;
        this.keyFile = keyFile;
    }

    Future<Pem> read() {
        return vertx.fileSystem().readFile(certFile)
                .compose(cert -> vertx.fileSystem().readFile(keyFile).map(key -> new Pem(cert, key)));
    }

    /** Reads the files once (failing start if they are unreadable) and remembers them. */
    Future<Pem> load() {
        return read().onSuccess(pem -> current = pem);
    }

    /** Checks every {@code millis}; when the contents change, calls {@code apply} on every server. */
    void watch(long millis, Function<Pem, List<Future<Boolean>>> apply) {
        timer = vertx.setPeriodic(millis, id -> read().onSuccess(pem -> {
            if (pem.sameAs(current)) {
                return;
            }
            if (!ServingPair.matches(pem.cert().toString(), pem.key().toString())) {
                LOG.info("certificate and key in {} / {} do not match (yet): keeping the ones in use", certFile, keyFile);
                return;
            }
            Future.all(apply.apply(pem)).onSuccess(done -> {
                current = pem;
                LOG.info("serving certificate reloaded from {}", certFile);
            }).onFailure(e -> LOG.warn("new certificate in {} not usable yet, keeping the old one: {}", certFile,
                    e.getMessage()));
        }).onFailure(e -> LOG.warn("cannot read certificate files {} / {}: {}", certFile, keyFile, e.getMessage())));
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
