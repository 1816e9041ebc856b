package io.github.imagepullwebhook.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A plain-HTTP front for a {@link TestRegistry} that records every request with the
 * {@code Authorization} header it carried (the registry's own access log does not say), and can
 * be pointed at another registry while clients keep the same address: a registry that changes
 * its authentication behind the same scheme, host and port.
 */
public final class RecordingProxy implements AutoCloseable {

    /** One request as it arrived; {@code authorization} is empty when there was none. */
    public record Seen(String method, String path, String authorization) {
    }

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding");

    private final HttpServer server;
    private final HttpClient client;
    private volatile int backendPort;
    public final List<Seen> seen = new CopyOnWriteArrayList<>();

    private RecordingProxy(Vertx vertx, TestRegistry backend) throws Exception {
        this.client = vertx.createHttpClient();
        routeTo(backend);
        this.server = vertx.createHttpServer().requestHandler(this::forward);
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    public static RecordingProxy to(Vertx vertx, TestRegistry backend) throws Exception {
        return new RecordingProxy(vertx, backend);
    }

    /** From now on, requests go to {@code backend}. */
    public void routeTo(TestRegistry backend) {
        backendPort = Integer.parseInt(backend.host().substring(backend.host().lastIndexOf(':') + 1));
    }

    /** {@code 127.0.0.1:<port>}, as an image reference's domain. */
    public String host() {
        return "127.0.0.1:" + server.actualPort();
    }

    /** Requests that carried an Authorization header. */
    public List<Seen> authorized() {
        return seen.stream().filter(s -> !s.authorization().isEmpty()).toList();
    }

    private void forward(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        seen.add(new Seen(request.method().name(), request.path(), authorization == null ? "" : authorization));
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
                .setPort(backendPort).setURI(request.uri());
        request.headers().forEach(header -> {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT)) && !header.getKey().equalsIgnoreCase("Host")) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        request.body().compose(body -> client.request(options).compose(outgoing -> outgoing.send(body)))
                .compose(answer -> answer.body().map(body -> {
                    request.response().setStatusCode(answer.statusCode());
                    answer.headers().forEach(header -> {
                        if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                            request.response().headers().add(header.getKey(), header.getValue());
                        }
                    });
                    return body;
                }))
                .onSuccess(body -> request.response().end(body))
                .onFailure(failure -> request.response().setStatusCode(502).end());
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
