package io.github.imagepullwebhook.testing;

import io.github.imagepullwebhook.tls.GeneratedCertificates;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Debian's {@code docker-registry} (the distribution registry) on a free loopback port, with a
 * configuration of the test's own, and images pushed through the registry API itself.
 */
public final class TestRegistry implements AutoCloseable {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private final Process process;
    private final int port;
    private final String authorization;
    private final String scheme;
    private final HttpClient http;

    private final Path storage;
    private Path log;

    private TestRegistry(Process process, int port, String authorization, Path storage, SSLContext tls) {
        this.process = process;
        this.port = port;
        this.authorization = authorization;
        this.storage = storage;
        this.scheme = tls == null ? "http" : "https";
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    /** An open registry over HTTPS with a certificate from {@code certificates}. */
    public static TestRegistry https(Path dir, GeneratedCertificates certificates)
            throws Exception {
        String tls = "  tls: {certificate: " + certificates.certFile() + ", key: " + certificates.keyFile() + "}\n";
        return start(dir, "", null, dir.resolve("data"), tls, TestTls.trusting(certificates.caFile()));
    }

    /** An open registry. */
    public static TestRegistry anonymous(Path dir) throws Exception {
        return start(dir, "", null);
    }

    /** A registry with htpasswd Basic auth and one user. */
    public static TestRegistry basic(Path dir, String user, String password) throws Exception {
        Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
        byte[] line = htpasswd.getInputStream().readAllBytes();
        if (!htpasswd.waitFor(30, TimeUnit.SECONDS) || htpasswd.exitValue() != 0) {
            throw new IOException("htpasswd failed");
        }
        Path file = Files.write(dir.resolve("htpasswd"), line);
        String auth = "auth:\n  htpasswd: {realm: test-realm, path: " + file + "}\n";
        return start(dir, auth, "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A registry with token auth: it sends clients to {@code tokens}' realm and checks the
     * tokens itself. Pushes go through a token of their own, issued with push rights.
     */
    public static TestRegistry token(Path dir, TestTokenServer tokens) throws Exception {
        return start(dir, tokens.registryAuthConfig(), null);
    }

    /** An open registry, for pushing, over the same storage as a guarded one. */
    public static TestRegistry sharing(Path dir, TestRegistry guarded) throws Exception {
        return start(dir.resolve("open-view"), "", null, guarded.storage);
    }

    private static TestRegistry start(Path dir, String auth, String authorization) throws Exception {
        return start(dir, auth, authorization, dir.resolve("data"));
    }

    private static TestRegistry start(Path dir, String auth, String authorization, Path storage) throws Exception {
        return start(dir, auth, authorization, storage, "", null);
    }

    private static TestRegistry start(Path dir, String auth, String authorization, Path storage, String tls,
                                      SSLContext trust) throws Exception {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("registry.yml"), "version: 0.1\n"
                + "log: {level: error, accesslog: {disabled: false}}\n"
                + "storage:\n  filesystem: {rootdirectory: " + storage + "}\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: test-secret\n" + tls + auth);
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        TestRegistry registry = new TestRegistry(process, port, authorization, storage, trust);
        registry.log = dir.resolve("registry.log");
        registry.awaitReady(dir);
        return registry;
    }

    private void awaitReady(Path dir) {
        try {
            Await.until(Duration.ofSeconds(30), () -> {
                int status = http.send(HttpRequest.newBuilder(uri("/v2/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                return status == 200 || status == 401;
            }, () -> "docker-registry to answer /v2/; its log: " + readLog(dir));
        } catch (AssertionError notStarted) {
            close();
            throw notStarted;
        }
    }

    private static String readLog(Path dir) {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Manifest requests (HEAD or GET) for {@code repository} that reached the registry, from its access log. */
    public long manifestRequests(String repository) throws IOException {
        String marker = "/v2/" + repository + "/manifests/";
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> (l.contains("\"HEAD " + marker) || l.contains("\"GET " + marker))).count();
        }
    }

    /** {@code 127.0.0.1:<port>}, as an image reference's domain. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes a single-architecture OCI image; returns the manifest's digest. */
    public String push(String repository, String tag, String architecture) throws Exception {
        byte[] manifest = imageManifest(repository, architecture);
        putManifest(repository, tag, manifest, OCI_MANIFEST);
        return sha256(manifest);
    }

    /** Pushes one image per architecture and an OCI index over them; returns the index's digest. */
    public String pushIndex(String repository, String tag, List<String> architectures) throws Exception {
        List<String> entries = new ArrayList<>();
        for (String architecture : architectures) {
            byte[] manifest = imageManifest(repository, architecture);
            String digest = sha256(manifest);
            putManifest(repository, digest, manifest, OCI_MANIFEST);
            entries.add("{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + manifest.length
                    + ",\"platform\":{\"architecture\":\"" + architecture + "\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        putManifest(repository, tag, index, OCI_INDEX);
        return sha256(index);
    }

    private byte[] imageManifest(String repository, String architecture) throws Exception {
        byte[] layer = ("layer of " + repository + " for " + architecture + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        byte[] config = ("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\"" + sha256(layer) + "\"]}}").getBytes(StandardCharsets.UTF_8);
        uploadBlob(repository, layer);
        uploadBlob(repository, config);
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + sha256(config)
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + sha256(layer)
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    private void uploadBlob(String repository, byte[] blob) throws Exception {
        HttpResponse<Void> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "start upload");
        String location = started.headers().firstValue("Location").orElseThrow();
        URI put = uri("/").resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + sha256(blob));
        expect(send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))), 201, "finish upload");
    }

    private void putManifest(String repository, String reference, byte[] manifest, String mediaType) throws Exception {
        expect(send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))), 201, "put manifest");
    }

    private HttpResponse<Void> send(HttpRequest.Builder request) throws Exception {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static void expect(HttpResponse<?> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + ": HTTP " + response.statusCode());
        }
    }

    private URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** An independent client's view: the sha256 of the exact manifest bytes skopeo receives. */
    public static String skopeoDigest(String image, String creds) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--tls-verify=false"));
        if (creds != null) {
            command.add("--creds=" + creds);
        }
        command.add("docker://" + image);
        Process skopeo = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] raw = skopeo.getInputStream().readAllBytes();
        if (!skopeo.waitFor(60, TimeUnit.SECONDS) || skopeo.exitValue() != 0) {
            throw new IOException("skopeo inspect " + image + " failed");
        }
        return sha256(raw);
    }

    public static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
