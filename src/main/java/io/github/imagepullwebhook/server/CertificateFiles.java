package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.config.TlsConfig;
import io.github.imagepullwebhook.tls.ServingPair;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the TLS files — the serving certificate and key, and the client CA file when one is
 * configured — and hands new contents to the servers. cert-manager (and the kubelet's Secret and
 * ConfigMap volumes) replace files atomically through a symlink swap, so the contents are
 * compared, not timestamps. Other tools write one file, then the other: a pair whose key does not
 * match its certificate is not served (TLS libraries would take it, and every handshake would
 * fail), nor a client CA file without a certificate in it; the next check tries again.
 *
 * <p>The client CA file reloads like the serving pair, so that rotating the apiserver's client CA
 * needs no restart, and so that removing a CA from the file stops its certificates at once, on
 * open connections too ({@link ReviewCallers}).
 */
final class CertificateFiles {

    /** The files' contents; {@code clientCa} is null when no client CA file is configured. */
    record Pem(Buffer cert, Buffer key, Buffer clientCa) {
        boolean sameAs(Pem other) {
            return other != null && cert.equals(other.cert) && key.equals(other.key)
                    && Objects.equals(clientCa, other.clientCa);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(CertificateFiles.class);

    private final Vertx vertx;
    private final TlsConfig files;
    private final Timers timers;
    private Pem current;
    private volatile long timer = -1;
    private volatile boolean stopped;

    CertificateFiles(Vertx vertx, TlsConfig files, Timers timers) {
        this.vertx = vertx;
        this.files = files;
        this.timers = timers;
    }

    Future<Pem> read() {
        Future<Buffer> clientCa = files.clientAuth() ? vertx.fileSystem().readFile(files.clientCaFile())
                : Future.succeededFuture();
        return vertx.fileSystem().readFile(files.certFile())
                .compose(cert -> vertx.fileSystem().readFile(files.keyFile())
                        .compose(key -> clientCa.map(ca -> new Pem(cert, key, ca))));
    }

    /**
     * Reads the files once and remembers them; fails start, naming the file, if one is unreadable,
     * the key does not belong to the certificate, or the client CA file holds no certificate.
     */
    Future<ServedTls> load() {
        return read().compose(pem -> served(pem).onSuccess(tls -> current = pem));
    }

    /**
     * Checks every {@code millis}; when the contents change, calls {@code apply}, which
     * completes once every server serves them.
     */
    void watch(long millis, Function<ServedTls, Future<?>> apply) {
        timer = timers.schedule(millis, () -> {
            if (stopped) {
                return; // stop() ran while this check was due
            }
            watch(millis, apply); // the next check is due a period after this one began, not after it ends
            check(apply);
        });
    }

    private void check(Function<ServedTls, Future<?>> apply) {
        read().onSuccess(pem -> {
            if (!pem.sameAs(current)) {
                reload(pem, apply);
            }
        }).onFailure(e -> LOG.warn("cannot read the TLS files ({}): {}", names(), e.getMessage()));
    }

    /** Serves changed contents once they are usable; until then the ones in use stay. */
    private void reload(Pem pem, Function<ServedTls, Future<?>> apply) {
        served(pem)
                .onFailure(e -> LOG.info("TLS files changed but are not usable (yet), keeping the ones in use: {}",
                        e.getMessage()))
                .onSuccess(tls -> apply.apply(tls)
                        .onSuccess(done -> {
                            current = pem;
                            LOG.info("TLS files reloaded ({})", names());
                        })
                        .onFailure(e -> LOG.warn("new TLS files not usable yet, keeping the ones in use: {}",
                                e.getMessage())));
    }

    /**
     * The pair, parsed, proven to belong together, and made into key managers, and the client
     * CAs, on a worker thread: signing is CPU work the event loop should not wait for.
     */
    private Future<ServedTls> served(Pem pem) {
        return vertx.executeBlocking(() -> new ServedTls(keyCert(pem), clientCas(pem)), false);
    }

    private KeyCertOptions keyCert(Pem pem) {
        try {
            ServingPair pair = ServingPair.parse(pem.cert().toString(), pem.key().toString());
            if (!pair.matches()) {
                throw new IOException("the key does not belong to the certificate");
            }
            return KeyCertOptions.wrap(pair.keyManagers());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("server.tls certFile " + files.certFile() + " / keyFile "
                    + files.keyFile() + ": " + e.getMessage(), e);
        }
    }

    private ClientCas clientCas(Pem pem) {
        if (pem.clientCa() == null) {
            return null;
        }
        try {
            return ClientCas.parse(pem.clientCa().toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("server.tls.clientCaFile " + files.clientCaFile() + ": "
                    + e.getMessage(), e);
        }
    }

    private String names() {
        return files.certFile() + ", " + files.keyFile() + (files.clientAuth() ? ", " + files.clientCaFile() : "");
    }

    void stop() {
        stopped = true;
        if (timer >= 0) {
            timers.cancel(timer);
        }
    }
}
