package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's HTTPS server. Several instances share the port (one per core); each only
 * routes, checks the request, and hands the body to the admission service.
 */
final class WebhookVerticle extends VerticleBase {

    /** Bodies above this are reviewed on a worker thread so a large parse never stalls the event loop. */
    private static final int OFFLOAD_BYTES = 256 * 1024;
    /** The apiserver multiplexes many reviews per HTTP/2 connection; 64 KiB windows queue them up. */
    private static final int HTTP2_WINDOW = 1024 * 1024;
    private static final String JSON = "application/json";
    private static final String DEADLINE = "image-pull-webhook.deadline";

    private final WebhookConfig config;
    private final int port;
    private final AdmissionService service;
    private final WebhookMetrics metrics;
    private final Readiness readiness;
    private final ServedTls tls;
    /** Null when any caller may send reviews. */
    private final ReviewCallers callers;
    private final Timers timers;
    private HttpServer server;
    private SlowClients slowClients;

    WebhookVerticle(WebhookConfig config, int port, AdmissionService service, WebhookMetrics metrics,
                    Readiness readiness, ServedTls tls, ReviewCallers callers, Timers timers) {
        this.config = config;
        this.port = port;
        this.service = service;
        this.metrics = metrics;
        this.readiness = readiness;
        this.tls = tls;
        this.callers = callers;
        this.timers = timers;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_WINDOW))
                .setHttp2ConnectionWindowSize(HTTP2_WINDOW)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.server().idleTimeoutMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        tls.applyTo(options.getSslOptions());
        slowClients = new SlowClients(timers, config.server().requestTimeoutMillis(), config.server().idleTimeoutMillis());
        server = vertx.createHttpServer(options).connectionHandler(slowClients::opened).requestHandler(router());
        return server.listen(port, config.server().bindAddress());
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    int actualPort() {
        return server.actualPort();
    }

    /** Stops accepting and waits up to {@code millis} for in-flight reviews. */
    Future<Void> shutdown(long millis) {
        return server.shutdown(millis, TimeUnit.MILLISECONDS);
    }

    Future<Boolean> updateTls(ServedTls newTls) {
        return server.updateSSLOptions(newTls.applyTo(new ServerSSLOptions()), true);
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::deadline);
        router.get("/healthz").handler(ctx -> ctx.response().end("ok"));
        router.get("/readyz").handler(ctx -> ctx.response().setStatusCode(readiness.ready() ? 200 : 503)
                .end(readiness.ready() ? "ok" : "not ready"));
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.server().maxBodyBytes());
        for (String path : new String[] {"/mutate", "/mutate/:profile", "/validate/:profile"}) {
            Route route = router.post(path);
            if (callers != null) {
                route.handler(new ApiServerOnly());
            }
            route.handler(new JsonOnly()).handler(body).handler(this::review);
        }
        router.errorHandler(404, ctx -> fail(ctx, 404, "not_found", "no such endpoint: " + ctx.request().method()
                + " " + ctx.request().path() + "; POST AdmissionReviews to /mutate[/{profile}] or /validate/{profile}"));
        router.errorHandler(405, ctx -> fail(ctx, 405, "method_not_allowed",
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
        router.errorHandler(413, ctx -> fail(ctx, 413, "too_large", "request body exceeds "
                + config.server().maxBodyBytes() + " bytes (server.maxBodyBytes)"));
        router.errorHandler(500, ctx -> fail(ctx, 500, "internal", "internal error in image-pull-webhook"));
        return router;
    }

    /**
     * Refuses callers without an accepted client certificate before their bodies are buffered
     * (see {@link ReviewCallers}).
     */
    private final class ApiServerOnly implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            String endpoint = ctx.request().path().startsWith("/validate") ? "/validate" : "/mutate";
            Optional<ReviewCallers.Refusal> refusal = callers.refusal(ctx.request().connection().sslSession(), endpoint);
            if (refusal.isPresent()) {
                fail(ctx, refusal.get().status(), refusal.get().type(), refusal.get().message());
                return;
            }
            ctx.next();
        }
    }

    /**
     * Refuses non-JSON bodies before they are buffered. A platform handler, because Vert.x Web
     * runs those before the body handler.
     */
    private final class JsonOnly implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!JSON.equals(mediaType)) {
                fail(ctx, 415, "unsupported_media_type", "Content-Type must be " + JSON + ", was "
                        + (type == null ? "missing" : "\"" + printable(mediaType) + "\""));
                return;
            }
            ctx.next();
        }
    }

    /**
     * Every request must be complete within {@code server.requestTimeoutMillis} of its headers,
     * and is counted in flight until it is answered.
     */
    private void deadline(RoutingContext ctx) {
        metrics.requestStarted();
        long timer = slowClients.started(ctx.request(), () -> fail(ctx, 408, "request_timeout", "request body not "
                + "received within " + config.server().requestTimeoutMillis() + " ms (server.requestTimeoutMillis)"));
        ctx.put(DEADLINE, timer);
        ctx.addEndHandler(v -> {
            slowClients.finished(ctx.request(), timer);
            metrics.requestFinished(); // last: when none is in flight, the connection's idle deadline runs
        });
        ctx.next();
    }

    private void review(RoutingContext ctx) {
        Long deadline = ctx.get(DEADLINE);
        if (deadline != null) {
            slowClients.bodyReceived(deadline); // the body is here: what remains is ours to answer
        }
        if (ctx.response().ended()) {
            return; // answered 408 while the body was still arriving
        }
        long started = System.nanoTime();
        boolean validate = ctx.request().path().startsWith("/validate");
        String profileName = Optional.ofNullable(ctx.pathParam("profile")).orElse(WebhookConfig.DEFAULT_PROFILE);
        Optional<Profile> profile = config.profile(profileName);
        if (profile.isEmpty()) {
            fail(ctx, 404, "unknown_profile", "unknown profile \"" + printable(profileName) + "\"; configured profiles: "
                    + String.join(", ", new TreeSet<>(config.profiles().keySet())));
            return;
        }
        Mode mode = validate ? Mode.VALIDATE : Mode.MUTATE;
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        Context here = vertx.getOrCreateContext();
        Future<Answer> answer = bytes.length > OFFLOAD_BYTES
                ? vertx.executeBlocking(() -> service.reviewAsync(bytes, profile.get().rules(), mode), false)
                        .compose(stage -> Future.fromCompletionStage(stage, here))
                : Future.fromCompletionStage(service.reviewAsync(bytes, profile.get().rules(), mode), here);
        answer.onComplete(done -> {
            Answer result = done.succeeded() ? done.result()
                    : service.badRequest(500, "internal error in image-pull-webhook");
            metrics.record(profileName, validate ? "validate" : "mutate", result, System.nanoTime() - started);
            write(ctx, result.httpStatus(), result.encoded());
        });
    }

    private void fail(RoutingContext ctx, int status, String type, String message) {
        metrics.error(type);
        write(ctx, status, service.badRequest(status, message).encoded());
    }

    private static void write(RoutingContext ctx, int status, byte[] bytes) {
        if (ctx.response().ended()) {
            return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        if (ctx.request().version() == HttpVersion.HTTP_2) {
            // HTTP/2 ends a body with its stream, so no content-length is needed, and sending one
            // costs: Netty's HPACK encoder indexes every new length, and hashes all four-digit
            // values into 5 of its 64 buckets, so answers of 1,000-9,999 bytes (pinned pods) walk
            // long chains on every answer (docs/performance.md). Writing the head first keeps
            // Vert.x from adding the header; an answer ready at once still leaves in one flush.
            response.writeHead();
        }
        response.end(Buffer.buffer(bytes));
    }

    private static String printable(String value) {
        String shown = value.length() > 63 ? value.substring(0, 63) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
