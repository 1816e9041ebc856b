package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.tls.ServingPair;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
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

    /**
     * Reads the files once and remembers them; fails start, naming the files, if they are
     * unreadable or the key does not belong to the certificate.
     */
    Future<KeyCertOptions> load() {
        return read().compose(pem -> keyCert(pem)
                .onSuccess(options -> current = pem)
                .recover(e -> Future.failedFuture(new IllegalArgumentException("server.tls certFile " + certFile
                        + " / keyFile " + keyFile + ": " + e.getMessage(), e))));
    }

    /** Checks every {@code millis}; when the contents change, calls {@code apply} on every server. */
    void watch(long millis, Function<KeyCertOptions, List<Future<Boolean>>> apply) {
        timer = vertx.setPeriodic(millis, id -> read()
                .onSuccess(pem -> {
                    if (!pem.sameAs(current)) {
                        reload(pem, apply);
                    }
                })
                .onFailure(e -> LOG.warn("cannot read certificate files {} / {}: {}", certFile, keyFile, e.getMessage())));
    }

    /** Serves changed contents once they are a proven pair; until then the pair in use stays. */
    private void reload(Pem pem, Function<KeyCertOptions, List<Future<Boolean>>> apply) {
        keyCert(pem)
                .onFailure(e -> LOG.info("certificate and key in {} / {} not usable (yet): keeping the ones in use: {}",
                        certFile, keyFile, e.getMessage()))
                .onSuccess(options -> Future.all(apply.apply(options))
                        .onSuccess(done -> {
                            current = pem;
                            LOG.info("serving certificate reloaded from {}", certFile);
                        })
                        .onFailure(e -> LOG.warn("new certificate in {} not usable yet, keeping the old one: {}",
                                certFile, e.getMessage())));
    }

    /**
     * The pair, parsed, proven to belong together, and made into key managers, on a worker
     * thread: signing is CPU work the event loop should not wait for.
     */
    private Future<KeyCertOptions> keyCert(Pem pem) {
        return vertx.executeBlocking(() -> {
            ServingPair pair = ServingPair.parse(pem.cert().toString(), pem.key().toString());
            if (!pair.matches()) {
                throw new IOException("the key does not belong to the certificate");
            }
            return KeyCertOptions.wrap(pair.keyManagers());
        }, false);
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
