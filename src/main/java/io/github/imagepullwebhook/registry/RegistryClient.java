package io.github.imagepullwebhook.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.registry.RegistryException.Kind;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The OCI distribution API, as far as a digest needs it.
 *
 * <ol>
 *   <li>{@code HEAD /v2/<repository>/manifests/<tag>} with every manifest type in
 *       {@code Accept}, anonymously. 200: the digest is {@code Docker-Content-Digest}; without
 *       that header, {@code GET} the manifest and hash the exact bytes (at most 4 MiB).</li>
 *   <li>401 with {@code WWW-Authenticate: Basic}: repeat step 1 with each matching credential
 *       in turn.</li>
 *   <li>401 with {@code WWW-Authenticate: Bearer realm=…,service=…,scope=…}: for each
 *       credential (then anonymously) get a token from the realm ({@code GET} with Basic auth, or
 *       the OAuth2 refresh-token grant for an {@code identitytoken}), and repeat step 1 with
 *       {@code Authorization: Bearer}; tokens are reused until shortly before {@code expires_in}
 *       ends. Credentials go to a realm only over HTTPS, or to the
 *       registry's own host when that registry is configured as insecure (Docker's rule, which
 *       lets Docker Hub's separate auth host work).</li>
 *   <li>A redirect to another host drops the Authorization header. 404 is "tag not found",
 *       429 is "rate limited" (with Retry-After), anything else fails with its status.</li>
 * </ol>
 * Failures carry a {@link Kind}; the credential loop decides by kind, never by message. Every
 * request has the caller's timeout; nothing here blocks an event loop.
 */
public final class RegistryClient implements DigestResolver {

    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int MAX_TOKEN_BYTES = 1024 * 1024;
    private static final int MAX_REDIRECTS = 3;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final com.fasterxml.jackson.databind.ObjectReader MANIFEST_READER =
            new ObjectMapper().reader();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpClient http;
    private final Set<String> insecureHosts;
    private final long timeoutMillis;
    /** Bearer tokens by realm, service, scope and credential, kept until shortly before they expire. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Token> tokens = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().maximumSize(10_000).expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Token>() {
                @Override
                public long expireAfterCreate(String key, Token token, long now) {
                    return token.lifetime.toNanos();
                }

                @Override
                public long expireAfterUpdate(String key, Token token, long now, long current) {
                    return token.lifetime.toNanos();
                }

                @Override
                public long expireAfterRead(String key, Token token, long now, long current) {
                    return current;
                }
            }).build();
    private final io.github.imagepullwebhook.credentials.CredentialFingerprint fingerprint =
            new io.github.imagepullwebhook.credentials.CredentialFingerprint();

    private record Token(String value, java.time.Duration lifetime) {
    }

    /**
     * @param insecureHosts registries (host or host:port) spoken to over plain HTTP
     * @param timeoutMillis limit for each request (connect and idle)
     */
    public RegistryClient(Vertx vertx, HttpClientOptions options, Set<String> insecureHosts, long timeoutMillis) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(options.setConnectTimeout((int) timeoutMillis));
        this.insecureHosts = Set.copyOf(insecureHosts);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
        if (!image.hasTag()) {
            return Future.<String>failedFuture(new RegistryException(Kind.NOT_FOUND, "no tag to resolve in "
                    + image.canonical())).toCompletionStage();
        }
        String host = image.apiHost();
        String url = (insecureHosts.contains(host) ? "http://" : "https://") + host + "/v2/" + image.path()
                + "/manifests/" + image.tag();
        return manifest(url, null).compose(first -> {
            if (first.status != 401) {
                return digest(image, url, null, first);
            }
            return Challenge.parse(first.headers.get("WWW-Authenticate"))
                    .map(challenge -> withCredentials(image, url, challenge, credentials, 0, new ArrayList<>()))
                    .orElseGet(() -> Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, 401, host
                            + " answered 401 without a usable WWW-Authenticate challenge")));
        }).toCompletionStage();
    }

    /** Tries credential {@code index} (then the next, then anonymous for Bearer) until one is accepted. */
    private Future<String> withCredentials(ImageReference image, String url, Challenge challenge,
                                           List<RegistryCredential> credentials, int index, List<String> refused) {
        boolean anonymous = index >= credentials.size();
        if (anonymous && (!Challenge.BEARER.equals(challenge.scheme()) || index > credentials.size())) {
            String tried = refused.isEmpty() ? "no credential matches this registry" : "refused: " + String.join(", ", refused);
            return Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, "unauthorized at " + image.apiHost()
                    + " (" + tried + ")"));
        }
        RegistryCredential credential = anonymous ? null : credentials.get(index);
        Future<String> authorization = switch (challenge.scheme()) {
            case Challenge.BASIC -> credential == null
                    ? Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, "anonymous"))
                    : Future.succeededFuture(basic(credential));
            case Challenge.BEARER -> token(image, url, challenge, credential).map(token -> "Bearer " + token);
            default -> Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, "unsupported authentication scheme "
                    + challenge.scheme() + " at " + image.apiHost()));
        };
        return authorization
                .compose(header -> manifest(url, header).compose(response -> response.status == 401 || response.status == 403
                        ? Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, response.status, "refused"))
                        : digest(image, url, header, response)))
                .recover(failure -> {
                    if (!(failure instanceof RegistryException e) || e.kind() != Kind.UNAUTHORIZED) {
                        return Future.failedFuture(failure);
                    }
                    refused.add(credential == null ? "anonymous" : credential.source());
                    return withCredentials(image, url, challenge, credentials, index + 1, refused);
                });
    }

    /** A bearer token from the challenge's realm, with the credential (if any) as the realm expects it. */
    private Future<String> token(ImageReference image, String registryUrl, Challenge challenge, RegistryCredential credential) {
        String realm = challenge.param("realm").orElse("");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, "malformed token realm from "
                    + image.apiHost()));
        }
        if (realmUri.getScheme() == null || realmUri.getHost() == null) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, "malformed token realm from "
                    + image.apiHost()));
        }
        if (credential != null && !mayReceiveCredentials(realmUri, URI.create(registryUrl))) {
            return Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, "token refused: realm "
                    + realmUri.getScheme() + "://" + realmUri.getHost() + " is not HTTPS; credentials are not sent there"));
        }
        String scope = challenge.param("scope").orElse("repository:" + image.path() + ":pull");
        String service = challenge.param("service").orElse("");
        String cacheKey = realm + " " + service + " " + scope + " " + fingerprint.of(credential);
        Token cached = tokens.getIfPresent(cacheKey);
        if (cached != null) {
            return Future.succeededFuture(cached.value);
        }
        return fetchToken(realm, service, scope, credential)
                .onSuccess(token -> tokens.put(cacheKey, token))
                .map(Token::value);
    }

    private Future<Token> fetchToken(String realm, String service, String scope, RegistryCredential credential) {
        if (credential != null && credential.hasIdentityToken()) {
            String form = "grant_type=refresh_token&client_id=image-pull-webhook&refresh_token="
                    + encode(credential.identityToken()) + "&service=" + encode(service) + "&scope=" + encode(scope);
            return send(HttpMethod.POST, realm, null, Buffer.buffer(form), MAX_TOKEN_BYTES).compose(this::tokenOf);
        }
        String url = realm + (realm.contains("?") ? "&" : "?") + "service=" + encode(service) + "&scope=" + encode(scope);
        return send(HttpMethod.GET, url, credential == null ? null : basic(credential), null, MAX_TOKEN_BYTES)
                .compose(this::tokenOf);
    }

    private Future<Token> tokenOf(Response response) {
        if (response.status != 200 || response.body == null) {
            return Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, response.status,
                    "token refused (" + response.status + ")"));
        }
        try {
            JsonNode json = JSON.readTree(response.body.getBytes());
            String token = json.path("token").asText(json.path("access_token").asText(""));
            // expires_in defaults to 60 s (token-auth spec); keep 10 s of margin, and at least 1 s.
            long expiresIn = Math.max(1, json.path("expires_in").asLong(60) - 10);
            return token.isEmpty()
                    ? Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, "token refused (no token in answer)"))
                    : Future.succeededFuture(new Token(token, java.time.Duration.ofSeconds(expiresIn)));
        } catch (java.io.IOException e) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER,
                    "token endpoint answered something other than JSON"));
        }
    }

    /** HTTPS realms may receive credentials; a plain-HTTP realm only on an insecure registry's own host. */
    private boolean mayReceiveCredentials(URI realm, URI registry) {
        if ("https".equalsIgnoreCase(realm.getScheme())) {
            return true;
        }
        return realm.getHost().equalsIgnoreCase(registry.getHost()) && realm.getPort() == registry.getPort()
                && insecureHosts.contains(registry.getAuthority());
    }

    private Future<String> digest(ImageReference image, String url, String authorization, Response head) {
        if (head.status == 404) {
            return Future.failedFuture(new RegistryException(Kind.NOT_FOUND, 404, "tag " + image.tag() + " not found in "
                    + image.repository()));
        }
        if (head.status == 429) {
            java.time.Duration retry = retryAfter(head.headers.get("Retry-After"));
            return Future.failedFuture(RegistryException.rateLimited("rate limited by " + image.apiHost()
                    + (retry == null ? "" : "; retry after " + retry.toSeconds() + " s"), retry));
        }
        if (head.status != 200) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, head.status, image.apiHost()
                    + " answered " + head.status + " for " + image.repository() + ":" + image.tag()));
        }
        String header = head.headers.get("Docker-Content-Digest");
        if (header != null && DIGEST.matcher(header.trim()).matches()) {
            return Future.succeededFuture(header.trim());
        }
        return send(HttpMethod.GET, url, authorization, null, MAX_MANIFEST_BYTES).compose(get -> get.status != 200
                ? Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, get.status, image.apiHost()
                        + " answered " + get.status + " to GET"))
                : isManifest(get) ? Future.succeededFuture(sha256(get.body))
                : Future.failedFuture(new RegistryException(Kind.BAD_MANIFEST, image.apiHost() + " answered a body that is "
                        + "not an image manifest for " + image.repository() + ":" + image.tag())));
    }

    /**
     * Hashing whatever came back would pin a digest nothing can pull, so the body must be a
     * manifest: a JSON object with {@code schemaVersion} 2 and a manifest media type, in the
     * body or in {@code Content-Type}.
     */
    static boolean isManifest(Response get) {
        JsonNode manifest;
        try {
            manifest = MANIFEST_READER.readTree(get.body.getBytes());
        } catch (java.io.IOException e) {
            return false;
        }
        String contentType = String.valueOf(get.headers.get("Content-Type")).split(";", 2)[0].trim();
        return manifest != null && manifest.isObject() && manifest.path("schemaVersion").asInt() == 2
                && (ManifestTypes.ALL.contains(manifest.path("mediaType").asText()) || ManifestTypes.ALL.contains(contentType));
    }

    /** Retry-After in seconds (the HTTP-date form is rare for registries and read as absent). */
    static java.time.Duration retryAfter(String header) {
        if (header == null || !header.trim().matches("[0-9]{1,6}")) {
            return null;
        }
        return java.time.Duration.ofSeconds(Long.parseLong(header.trim()));
    }

    private Future<Response> manifest(String url, String authorization) {
        return send(HttpMethod.HEAD, url, authorization, null, 0);
    }

    /** One request, following up to three redirects; Authorization is dropped when the host changes. */
    private Future<Response> send(HttpMethod method, String url, String authorization, Buffer body, int maxBody) {
        return send(method, URI.create(url), authorization, body, maxBody, 0);
    }

    private Future<Response> send(HttpMethod method, URI uri, String authorization, Buffer body, int maxBody, int hops) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(uri.toString())
                .setIdleTimeout(timeoutMillis).setFollowRedirects(false)
                .putHeader("Accept", method == HttpMethod.POST ? "application/json" : ManifestTypes.ACCEPT)
                .putHeader("User-Agent", "image-pull-webhook");
        if (authorization != null) {
            options.putHeader("Authorization", authorization);
        }
        if (body != null) {
            options.putHeader("Content-Type", "application/x-www-form-urlencoded");
        }
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> {
                    String location = response.getHeader("Location");
                    if (response.statusCode() / 100 == 3 && location != null && hops < MAX_REDIRECTS) {
                        response.request().reset();
                        URI next = uri.resolve(location);
                        boolean sameHost = next.getAuthority() != null && next.getAuthority().equalsIgnoreCase(uri.getAuthority());
                        return send(method, next, sameHost ? authorization : null, body, maxBody, hops + 1);
                    }
                    return read(response, maxBody);
                })
                .recover(failure -> Future.failedFuture(failure instanceof RegistryException e ? e
                        : new RegistryException(Kind.TRANSPORT, uri.getAuthority() + ": " + describe(failure))));
    }

    /**
     * The response, with a body of at most {@code maxBody} bytes (a registry may send anything),
     * complete within the timeout. A registry that stops sending mid-body gets its connection
     * closed: left in place, it would stay open for as long as the registry cared to keep it.
     */
    private Future<Response> read(HttpClientResponse response, int maxBody) {
        MultiMap headers = response.headers();
        Promise<Response> done = Promise.promise();
        long deadline = vertx.setTimer(timeoutMillis, id -> failAndClose(done, response,
                new RegistryException(Kind.TRANSPORT, "no complete answer within " + timeoutMillis + " ms")));
        done.future().onComplete(result -> vertx.cancelTimer(deadline));
        if (maxBody == 0) { // HEAD: no body, and the response may have ended already
            response.end().onComplete(ended -> {
                if (ended.succeeded()) {
                    done.tryComplete(new Response(response.statusCode(), headers, null));
                } else {
                    failAndClose(done, response, ended.cause());
                }
            });
            return done.future();
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBody) {
                // Fail first: the reset below reports "stream reset" through the exception handler.
                done.tryFail(new RegistryException(Kind.TRANSPORT, "response larger than " + maxBody + " bytes"));
                response.request().reset();
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(failure -> failAndClose(done, response, failure));
        response.endHandler(v -> done.tryComplete(new Response(response.statusCode(), headers, body)));
        return done.future();
    }

    /** The first failure of a response ends it and closes its connection: nothing else will be read there. */
    private static void failAndClose(Promise<Response> done, HttpClientResponse response, Throwable failure) {
        if (done.tryFail(failure)) {
            response.request().connection().close();
        }
    }

    private static String describe(Throwable failure) {
        String name = failure.getClass().getSimpleName();
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (name.contains("Timeout") || message.toLowerCase(Locale.ROOT).contains("timeout")) {
            return "no answer within the timeout";
        }
        return message.isEmpty() ? name : message.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String basic(RegistryCredential credential) {
        return "Basic " + Base64.getEncoder().encodeToString((credential.username() + ":" + credential.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String sha256(Buffer bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Response(int status, MultiMap headers, Buffer body) {
    }

    public void close() {
        http.close();
    }
}
