package io.github.imagepullwebhook.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A token server for the distribution registry's {@code auth.token} mode: HTTPS, Basic auth
 * for one user, and RS256 JWTs whose {@code x5c} names a certificate the registry trusts
 * ({@code rootcertbundle}). It grants pull on every repository to that user and nothing to
 * anonymous callers, and records every Authorization header it receives.
 */
public final class TestTokenServer implements AutoCloseable {

    public static final String SERVICE = "test-registry";
    public static final String ISSUER = "test-issuer";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpServer server;
    private final KeyPair signingKey;
    private final X509Certificate signingCertificate;
    private final GeneratedCertificates tls;
    private final Path rootBundle;
    private final String expectedBasic;
    public final List<String> authorizations = new CopyOnWriteArrayList<>();

    private TestTokenServer(Vertx vertx, Path dir, String user, String password) throws Exception {
        this.vertx = vertx;
        this.expectedBasic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        this.signingKey = generator.generateKeyPair();
        Instant now = Instant.now();
        this.signingCertificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=token signer"), BigInteger.ONE, Date.from(now.minusSeconds(300)),
                Date.from(now.plusSeconds(86_400)), new X500Name("CN=token signer"), signingKey.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signingKey.getPrivate())));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(signingCertificate);
        }
        this.rootBundle = Files.writeString(dir.resolve("token-root.pem"), pem.toString());
        this.tls = GeneratedCertificates.create(dir.resolve("token-tls"), List.of("localhost"));
        this.server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(
                new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString())))
                .requestHandler(request -> {
                    if (request.method() == io.vertx.core.http.HttpMethod.POST) {
                        refreshGrant(request, user);
                        return;
                    }
                    String authorization = request.getHeader("Authorization");
                    authorizations.add(authorization == null ? "" : authorization);
                    boolean authenticated = expectedBasic.equals(authorization);
                    if (authorization != null && !authenticated) {
                        request.response().setStatusCode(401).end("{\"details\":\"bad credentials\"}");
                        return;
                    }
                    String scope = request.getParam("scope", "");
                    request.response().putHeader("Content-Type", "application/json")
                            .end(json(Map.of("token", jwt(authenticated ? user : "", scope, authenticated), "expires_in", 300)));
                });
        server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** The identity token {@link #refreshGrant} accepts (what {@code docker login} stores as identitytoken). */
    public static final String REFRESH_TOKEN = "refresh-token-for-tests";
    public final List<String> refreshTokens = new CopyOnWriteArrayList<>();

    /** The OAuth2 refresh-token grant, as registries implement it for {@code identitytoken}. */
    private void refreshGrant(io.vertx.core.http.HttpServerRequest request, String user) {
        request.setExpectMultipart(true);
        request.endHandler(v -> {
            String token = request.getFormAttribute("refresh_token");
            refreshTokens.add(token == null ? "" : token);
            boolean valid = "refresh_token".equals(request.getFormAttribute("grant_type")) && REFRESH_TOKEN.equals(token);
            if (!valid) {
                request.response().setStatusCode(401).end("{\"error\":\"invalid_grant\"}");
                return;
            }
            request.response().putHeader("Content-Type", "application/json")
                    .end(json(Map.of("access_token", jwt(user, request.getFormAttribute("scope"), true), "expires_in", 300)));
        });
    }

    public static TestTokenServer start(Vertx vertx, Path dir, String user, String password) throws Exception {
        return new TestTokenServer(vertx, dir, user, password);
    }

    public String realm() {
        return "https://127.0.0.1:" + server.actualPort() + "/token";
    }

    /** The CA the token server's HTTPS certificate chains to. */
    public Path caFile() {
        return tls.caFile();
    }

    /** The registry's {@code auth:} section. */
    public String registryAuthConfig() {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + rootBundle + "\n";
    }

    private String jwt(String subject, String scope, boolean grant) {
        try {
            long now = Instant.now().getEpochSecond();
            String[] parts = scope.split(":");
            List<Object> access = grant && parts.length == 3
                    ? List.of(Map.of("type", parts[0], "name", parts[1], "actions", List.of("pull"))) : List.of();
            String header = b64(json(Map.of("typ", "JWT", "alg", "RS256",
                    "x5c", List.of(Base64.getEncoder().encodeToString(signingCertificate.getEncoded())))));
            String claims = b64(json(Map.of("iss", ISSUER, "sub", subject, "aud", SERVICE, "exp", now + 300,
                    "nbf", now - 10, "iat", now, "jti", UUID.randomUUID().toString(), "access", access)));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signingKey.getPrivate());
            rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
