package io.github.imagepullwebhook.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cheapest webhook there is, for bench/cluster-admission.sh: it answers every review on
 * {@code POST /<name>} with a canned AdmissionReview v1 response (the file {@code <name>.json}
 * in the answers directory: the response's fields without {@code uid}), copying only the
 * request's {@code uid}, found by a byte search instead of parsing. Same transport as the real
 * webhook (Vert.x, TLS, ALPN h2 + HTTP/1.1, 1 MiB HTTP/2 windows), so the apiserver's side of
 * the cost is what differs.
 *
 * <p>{@code java -cp image-pull-webhook.jar:canned.jar io.github.imagepullwebhook.bench.CannedWebhook PORT CERT KEY ANSWERS_DIR}
 */
public final class CannedWebhook {

    private static final byte[] UID = "\"uid\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\""
            .getBytes(StandardCharsets.US_ASCII);

    private CannedWebhook() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Map<String, byte[]> tails = new HashMap<>();
        try (Stream<Path> files = Files.list(Path.of(args[3]))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String fields = Files.readString(file).strip();
                // {"allowed":true,...} -> ","allowed":true,...}}: what follows the uid's value.
                String tail = "\"," + fields.substring(1) + "}";
                String name = file.getFileName().toString().replace(".json", "");
                tails.put("/" + name, tail.getBytes(StandardCharsets.UTF_8));
            }
        }
        Vertx vertx = Vertx.vertx();
        HttpServerOptions options = new HttpServerOptions().setPort(port).setSsl(true).setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(args[1]).setKeyPath(args[2]))
                .setInitialSettings(new Http2Settings().setInitialWindowSize(1 << 20))
                .setHttp2ConnectionWindowSize(1 << 20);
        int instances = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < instances; i++) {
            vertx.createHttpServer(options).requestHandler(request -> {
                byte[] tail = tails.get(request.path());
                if (tail == null) {
                    request.response().setStatusCode(request.path().equals("/readyz") ? 200 : 404).end();
                    return;
                }
                request.body().onSuccess(body -> {
                    byte[] bytes = body.getBytes();
                    int start = indexOf(bytes, UID) + UID.length;
                    int end = start;
                    while (end < bytes.length && bytes[end] != '"') {
                        end++;
                    }
                    Buffer answer = Buffer.buffer(HEAD.length + (end - start) + tail.length)
                            .appendBytes(HEAD).appendBytes(bytes, start, end - start).appendBytes(tail);
                    request.response().putHeader("Content-Type", "application/json").end(answer);
                });
            }).listen().toCompletionStage().toCompletableFuture().join();
        }
        System.out.println("canned webhook listening on " + port + " with " + tails.keySet());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
