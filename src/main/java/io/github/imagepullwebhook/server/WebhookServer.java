package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running webhook: one HTTPS verticle per core sharing the port, the plain-HTTP metrics
 * endpoint, the certificate watcher, and readiness. {@link #start} completes only once every
 * listener is bound; {@link #stop} drains in-flight reviews before closing.
 */
public final class WebhookServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

    private final Vertx vertx;
    private final WebhookConfig config;
    private final Readiness readiness = new Readiness();
    private final WebhookMetrics metrics;
    private final List<WebhookVerticle> verticles = new CopyOnWriteArrayList<>();
    private final CertificateFiles certificates;
    private final Clock clock;
    private final Timers timers;
    /** Null when any caller may send reviews (no {@code server.tls.clientCaFile}). */
    private ReviewCallers callers;
    private HttpServer metricsServer;
    private String deploymentId;

    private WebhookServer(Vertx vertx, WebhookConfig config, WebhookMetrics metrics, Clock clock, Timers timers) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.timers = timers;
        this.certificates = new CertificateFiles(vertx, config.server().tls(), timers);
    }

    /**
     * Starts listening. {@code config.server().tls()} must name certificate files (the CLI
     * generates them when the user configured none).
     */
    public static Future<WebhookServer> start(Vertx vertx, WebhookConfig config, AdmissionService service, int instances) {
        return start(vertx, config, service, instances, new WebhookMetrics());
    }

    /** @param metrics shared with components that record their own meters */
    public static Future<WebhookServer> start(Vertx vertx, WebhookConfig config, AdmissionService service, int instances,
                                              WebhookMetrics metrics) {
        return start(vertx, config, service, instances, metrics, Clock.systemUTC(), Timers.of(vertx));
    }

    /**
     * @param clock  what client certificates' validity is compared with on every review
     * @param timers what slow clients' deadlines, the certificate checks and the shutdown delay wait on
     */
    public static Future<WebhookServer> start(Vertx vertx, WebhookConfig config, AdmissionService service, int instances,
                                              WebhookMetrics metrics, Clock clock, Timers timers) {
        if (config.server().tls().generated()) {
            return Future.failedFuture(new IllegalArgumentException("server.tls.certFile and keyFile are required"));
        }
        WebhookServer server = new WebhookServer(vertx, config, metrics, clock, timers);
        return server.deploy(service, instances).map(server);
    }

    private Future<Void> deploy(AdmissionService service, int instances) {
        // Port 0 means "any free port". Vert.x shares one random port among servers that listen on
        // the same negative number, so each WebhookServer takes a number of its own.
        int port = config.server().port() == 0 ? RANDOM_PORT_KEYS.decrementAndGet() : config.server().port();
        Future<String> verticles = certificates.load()
                .compose(tls -> {
                    callers = tls.clientCas() == null ? null
                            : new ReviewCallers(tls.clientCas(), config.server().tls().clientNames(), clock);
                    return vertx.deployVerticle(() -> {
                        WebhookVerticle verticle = new WebhookVerticle(config, port, service, metrics, readiness, tls,
                                callers, timers);
                        this.verticles.add(verticle);
                        return verticle;
                    }, new DeploymentOptions().setInstances(instances));
                })
                .onSuccess(id -> deploymentId = id);
        return Future.all(verticles, startMetrics()).<Void>mapEmpty()
                .onSuccess(v -> {
                    certificates.watch(config.server().certReloadMillis(), this::updateTls);
                    readiness.set(true);
                    LOG.info("image-pull-webhook listening on https port {} at {} (metrics port {} at {}), profiles {}, "
                            + "review callers {}, ready", port(), config.server().bindAddress(), metricsPort(),
                            config.server().metricsBindAddress(), config.profiles().keySet(),
                            callers == null ? "not authenticated" : "need a client certificate");
                });
    }

    /**
     * Every server serves the new files, then review callers are checked against the new client
     * CAs: if a server cannot take the files, nothing has changed, and the next check tries again.
     */
    private Future<?> updateTls(ServedTls tls) {
        List<Future<Boolean>> updates = new ArrayList<>();
        verticles.forEach(v -> updates.add(v.updateTls(tls)));
        return Future.all(updates).onSuccess(done -> {
            if (callers != null) {
                callers.trust(tls.clientCas());
            }
        });
    }

    private Future<Void> startMetrics() {
        if (config.server().metricsPort() < 0) {
            return Future.succeededFuture();
        }
        metricsServer = vertx.createHttpServer().requestHandler(request -> {
            if ("/metrics".equals(request.path())) {
                request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape());
            } else {
                request.response().setStatusCode(404).end("metrics are at /metrics\n");
            }
        });
        return metricsServer.listen(config.server().metricsPort(), config.server().metricsBindAddress()).mapEmpty();
    }

    public int port() {
        return verticles.get(0).actualPort();
    }

    /** The metrics port, or -1 when metrics are disabled. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.actualPort();
    }

    public boolean ready() {
        return readiness.ready();
    }

    /**
     * Graceful stop: readyz turns 503, the server keeps serving for the shutdown delay (so
     * endpoints drop this pod first), then stops accepting and waits for in-flight reviews.
     */
    public Future<Void> stop() {
        readiness.set(false);
        certificates.stop();
        long timeout = config.server().shutdownTimeoutMillis();
        return shutdownDelay()
                .compose(v -> {
                    List<Future<Void>> drains = new ArrayList<>();
                    verticles.forEach(verticle -> drains.add(verticle.shutdown(timeout)));
                    LOG.info("shutdown delay over; no longer accepting connections, {} requests in flight",
                            metrics.requestsInFlight());
                    return Future.join(drains);
                })
                .compose(v -> metricsServer == null ? Future.succeededFuture() : metricsServer.close())
                .compose(v -> deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId))
                .onComplete(v -> LOG.info("image-pull-webhook stopped"))
                .mapEmpty();
    }

    /** Completes {@code server.shutdownDelayMillis} from now, or at once when there is none. */
    private Future<Void> shutdownDelay() {
        long delay = config.server().shutdownDelayMillis();
        if (delay <= 0) {
            return Future.succeededFuture();
        }
        Promise<Void> over = Promise.promise();
        timers.schedule(delay, () -> over.complete());
        return over.future();
    }
}
