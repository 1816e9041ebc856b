package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The ceiling the webhook is measured against: a bare Vert.x HTTPS server with the webhook's TLS
 * and HTTP/2 settings (ALPN, TLS 1.2 and 1.3, 1 MiB HTTP/2 windows, one event loop per core)
 * that parses each POSTed AdmissionReview into a Jackson tree, as the webhook does, and answers a
 * constant allow for the review's uid. No router, no body handler, no policy, no metrics.
 * {@code GET /readyz} answers ok. Run by {@code REF=bare bench/ratio.sh}:
 * {@code java -cp ... io.github.imagepullwebhook.bench.BareServer PORT CERT.pem KEY.pem}.
 */
public final class BareServer extends VerticleBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HTTP2_WINDOW = 1024 * 1024;
    private static final byte[] MIDDLE = ",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = ",\"allowed\":true}}".getBytes(StandardCharsets.UTF_8);

    private final int port;
    private final String cert;
    private final String key;

    private BareServer(int port, String cert, String key) {
        this.port = port;
        this.cert = cert;
        this.key = key;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: BareServer PORT CERT.pem KEY.pem");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx();
        int instances = Runtime.getRuntime().availableProcessors();
        vertx.deployVerticle(() -> new BareServer(port, args[1], args[2]), new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> System.out.println("bare server on https port " + port + ", " + instances + " event loop(s)"))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
                .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_WINDOW))
                .setHttp2ConnectionWindowSize(HTTP2_WINDOW);
        HttpServer server = vertx.createHttpServer(options).requestHandler(this::handle);
        return server.listen(port);
    }

    private void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET) {
            request.response().end("ok");
            return;
        }
        request.body().onSuccess(body -> {
            Buffer answer = answer(body.getBytes());
            request.response().setStatusCode(answer == null ? 400 : 200).putHeader("content-type", "application/json")
                    .end(answer == null ? Buffer.buffer("{\"error\":\"not an AdmissionReview\"}") : answer);
        });
    }

    /** {"apiVersion":V,"kind":"AdmissionReview","response":{"uid":U,"allowed":true}}, or null for a bad body. */
    private static Buffer answer(byte[] body) {
        try {
            JsonNode review = JSON.readTree(body);
            JsonNode uid = review.path("request").path("uid");
            JsonNode version = review.path("apiVersion");
            if (!uid.isTextual() || !version.isTextual()) {
                return null;
            }
            return Buffer.buffer(256).appendString("{\"apiVersion\":").appendBytes(JSON.writeValueAsBytes(version.textValue()))
                    .appendBytes(MIDDLE).appendBytes(JSON.writeValueAsBytes(uid.textValue())).appendBytes(END);
        } catch (IOException e) {
            return null;
        }
    }
}
