package io.github.imagepullwebhook.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.github.imagepullwebhook.credentials.CredentialFingerprint;
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
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The OCI distribution API, as far as a digest needs it.
 *
 * <ol>
 *   <li>{@code HEAD /v2/<repository>/manifests/<tag>} with every manifest type in
 *       {@code Accept}, anonymously. 200: the digest is {@code Docker-Content-Digest}; without
 *       that header, {@code GET} the manifest and hash the exact bytes (at most 4 MiB). A 401's
 *       challenge is remembered for that registry, as connected (scheme, host, port:
 *       {@link ChallengeMemory}); for ten minutes a cold resolution there skips this anonymous
 *       request and starts at step 2 (when a credential matches) or 3 (with a token for the
 *       image's own repository): one manifest request instead of two. Refused there, the
 *       registry is forgotten and the resolution starts again here; an anonymous request that
 *       is not refused forgets it too. No credential goes to a registry that has not asked
 *       for one.</li>
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
 * Every connection — to the registry, to each redirect target, to a token realm for its GET or
 * its refresh-token POST — is first put to the {@link ConnectionPolicy} and then made to the
 * address the policy checked, never to the name again: a name that resolves elsewhere a moment
 * later (DNS rebinding) changes nothing, while the name still goes in {@code Host}, SNI and
 * certificate verification. A refused host ends the resolution, naming the host, before a byte
 * is sent there. Failures carry a {@link Kind}; the credential loop decides by kind, never by
 * message. Every request has the caller's timeout; nothing here blocks an event loop.
 */
public final class RegistryClient implements DigestResolver {

    static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    private static final int MAX_TOKEN_BYTES = 1024 * 1024;
    private static final int MAX_REDIRECTS = 3;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    /** How refusals name what was being contacted. */
    private static final String REGISTRY = "registry";
    private static final String TOKEN_REALM = "token realm";
    private static final ObjectReader MANIFEST_READER = new ObjectMapper().reader();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final HttpClient http;
    private final Set<String> insecureHosts;
    private final long timeoutMillis;
    private final ConnectionPolicy policy;
    /** Bearer tokens by realm, service, scope and credential, kept until shortly before they expire. */
    private final Cache<String, Token> tokens;
    /** Which registries refused anonymous requests, and how (step 0). */
    private final ChallengeMemory challenges;

    private record Token(String value, Duration lifetime) {
    }

    /** One request as it is sent to each hop; Authorization stays with the origin it was meant for. */
    private record Outgoing(HttpMethod method, String authorization, Buffer body, int maxBody) {
        Outgoing withoutAuthorization() {
            return new Outgoing(method, null, body, maxBody);
        }
    }

    /**
     * @param insecureHosts registries (host or host:port) spoken to over plain HTTP
     * @param timeoutMillis limit for each request (name check, connect and idle)
     * @param policy        asked before every connection, which then goes to the address it checked
     */
    public RegistryClient(Vertx vertx, HttpClientOptions options, Set<String> insecureHosts, long timeoutMillis,
                          ConnectionPolicy policy) {
        this(vertx, options, insecureHosts, timeoutMillis, policy, Ticker.systemTicker());
    }

    /** @param ticker what the lifetimes of tokens and remembered challenges are measured with */
    public RegistryClient(Vertx vertx, HttpClientOptions options, Set<String> insecureHosts, long timeoutMillis,
                          ConnectionPolicy policy, Ticker ticker) {
        this.vertx = vertx;
        this.http = vertx.createHttpClient(options.setConnectTimeout((int) timeoutMillis));
        this.insecureHosts = Set.copyOf(insecureHosts);
        this.timeoutMillis = timeoutMillis;
        this.policy = policy;
        this.tokens = tokenCache(ticker);
        this.challenges = new ChallengeMemory(ticker);
    }

    private static Cache<String, Token> tokenCache(Ticker ticker) {
        return Caffeine.newBuilder().ticker(ticker).maximumSize(10_000).expireAfter(new Expiry<String, Token>() {
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
    }

    @Override
    public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
        if (image.effectiveTag().isEmpty()) { // a digest and no tag: nothing to resolve
            return Future.<String>failedFuture(new RegistryException(Kind.NOT_FOUND, "no tag to resolve in "
                    + image.canonical())).toCompletionStage();
        }
        // Each response is read by handlers set in the callback that receives it. Started from
        // another thread (a Secret read's, a test's), that callback could run after the response
        // had ended ("Response already ended"); on an event loop it runs as the response arrives.
        Promise<String> digest = Promise.promise();
        vertx.getOrCreateContext().runOnContext(started -> start(image, credentials).onComplete(digest));
        return digest.future().toCompletionStage();
    }

    private Future<String> start(ImageReference image, List<RegistryCredential> credentials) {
        String host = image.apiHost();
        String url = (insecureHosts.contains(host) ? "http://" : "https://") + host + "/v2/" + image.path()
                + "/manifests/" + image.effectiveTag(); // an untagged reference names latest
        String registry = origin(URI.create(url));
        return challenges.recall(registry)
                .filter(challenge -> !credentials.isEmpty() || Challenge.BEARER.equals(challenge.scheme()))
                .map(challenge -> remembered(image, url, registry, challenge, credentials))
                .orElseGet(() -> handshake(image, url, registry, credentials));
    }

    /**
     * Step 0: the registry refused anonymous requests a moment ago, so start where the
     * handshake would go next (Basic needs a credential to try; Bearer can also get an
     * anonymous token). Refused: the registry may have changed its challenge or now allow
     * anonymous requests, so forget it and start over with the full handshake.
     */
    private Future<String> remembered(ImageReference image, String url, String registry, Challenge challenge,
                                      List<RegistryCredential> credentials) {
        return withCredentials(image, url, challenge, credentials, 0, new ArrayList<>()).recover(failure -> {
            if (!(failure instanceof RegistryException e) || e.kind() != Kind.UNAUTHORIZED) {
                return Future.failedFuture(failure);
            }
            challenges.forget(registry);
            return handshake(image, url, registry, credentials);
        });
    }

    /**
     * Steps 1 to 3, from an anonymous request; remembers what {@code registry} (its {@link
     * #origin}) answered it.
     */
    private Future<String> handshake(ImageReference image, String url, String registry,
                                     List<RegistryCredential> credentials) {
        return manifest(url, null).compose(first -> {
            if (first.status != 401) {
                challenges.forget(registry);
                return digest(image, url, null, first);
            }
            Optional<Challenge> challenge = Challenge.parse(first.headers.get("WWW-Authenticate"));
            challenge.ifPresentOrElse(c -> challenges.learn(registry, c), () -> challenges.forget(registry));
            return challenge
                    .map(c -> withCredentials(image, url, c, credentials, 0, new ArrayList<>()))
                    .orElseGet(() -> Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, 401,
                            image.apiHost() + " answered 401 without a usable WWW-Authenticate challenge")));
        });
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
        URI realmUri = httpUri(realm);
        if (realmUri == null) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, "malformed token realm from "
                    + image.apiHost()));
        }
        if (credential != null && !mayReceiveCredentials(realmUri, URI.create(registryUrl))) {
            return Future.failedFuture(new RegistryException(Kind.UNAUTHORIZED, "token refused: realm "
                    + realmUri.getScheme() + "://" + realmUri.getHost() + " is not HTTPS; credentials are not sent there"));
        }
        String scope = challenge.param("scope").orElse("repository:" + image.path() + ":pull");
        String service = challenge.param("service").orElse("");
        String cacheKey = realm + " " + service + " " + scope + " " + CredentialFingerprint.of(credential);
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
            return send(new Outgoing(HttpMethod.POST, null, Buffer.buffer(form), MAX_TOKEN_BYTES), realm, TOKEN_REALM)
                    .compose(this::tokenOf);
        }
        String url = realm + (realm.contains("?") ? "&" : "?") + "service=" + encode(service) + "&scope=" + encode(scope);
        Outgoing get = new Outgoing(HttpMethod.GET, credential == null ? null : basic(credential), null, MAX_TOKEN_BYTES);
        return send(get, url, TOKEN_REALM).compose(this::tokenOf);
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
                    : Future.succeededFuture(new Token(token, Duration.ofSeconds(expiresIn)));
        } catch (IOException e) {
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
            return Future.failedFuture(new RegistryException(Kind.NOT_FOUND, 404, "tag " + image.effectiveTag()
                    + " not found in " + image.repository()));
        }
        if (head.status == 429) {
            Duration retry = retryAfter(head.headers.get("Retry-After"));
            return Future.failedFuture(RegistryException.rateLimited("rate limited by " + image.apiHost()
                    + (retry == null ? "" : "; retry after " + retry.toSeconds() + " s"), retry));
        }
        if (head.status != 200) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, head.status, image.apiHost()
                    + " answered " + head.status + " for " + image.repository() + ":" + image.effectiveTag()));
        }
        String header = head.headers.get("Docker-Content-Digest");
        if (header != null && DIGEST.matcher(header.trim()).matches()) {
            return Future.succeededFuture(header.trim());
        }
        Outgoing get = new Outgoing(HttpMethod.GET, authorization, null, MAX_MANIFEST_BYTES);
        return send(get, url, REGISTRY).compose(response -> response.status != 200
                ? Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, response.status, image.apiHost()
                        + " answered " + response.status + " to GET"))
                : isManifest(response) ? Future.succeededFuture(sha256(response.body))
                : Future.failedFuture(new RegistryException(Kind.BAD_MANIFEST, image.apiHost() + " answered a body that is "
                        + "not an image manifest for " + image.repository() + ":" + image.effectiveTag())));
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
        } catch (IOException e) {
            return false;
        }
        String contentType = String.valueOf(get.headers.get("Content-Type")).split(";", 2)[0].trim();
        return manifest != null && manifest.isObject() && manifest.path("schemaVersion").asInt() == 2
                && (ManifestTypes.ALL.contains(manifest.path("mediaType").asText()) || ManifestTypes.ALL.contains(contentType));
    }

    /** Retry-After in seconds (the HTTP-date form is rare for registries and read as absent). */
    static Duration retryAfter(String header) {
        if (header == null || !header.trim().matches("[0-9]{1,6}")) {
            return null;
        }
        return Duration.ofSeconds(Long.parseLong(header.trim()));
    }

    private Future<Response> manifest(String url, String authorization) {
        return send(new Outgoing(HttpMethod.HEAD, authorization, null, 0), url, REGISTRY);
    }

    /** One request to {@code target} (how refusals name it), following up to three redirects. */
    private Future<Response> send(Outgoing outgoing, String url, String target) {
        return send(outgoing, URI.create(url), target, 0);
    }

    private Future<Response> send(Outgoing outgoing, URI uri, String target, int hops) {
        return connectTo(uri, target)
                .compose(server -> http.request(options(outgoing, uri).setServer(server)))
                .compose(request -> outgoing.body == null ? request.send() : request.send(outgoing.body))
                .compose(response -> redirectOrRead(outgoing, uri, response, hops))
                .recover(failure -> Future.failedFuture(failure instanceof RegistryException e ? e
                        : new RegistryException(Kind.TRANSPORT, authority(uri) + ": " + describe(failure))));
    }

    /**
     * The address the policy checked for the URI's host, within the timeout (a name lookup can
     * hang); a refusal says what was being contacted: the registry, a token realm, a redirect.
     */
    private Future<SocketAddress> connectTo(URI uri, String target) {
        if (uri.getHost() == null) { // only an image name could get here without one; redirects and realms are checked
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, target + " has no host name"));
        }
        return policy.check(uri.getHost(), port(uri)).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .recover(failure -> Future.failedFuture(failure instanceof RegistryException e
                        && e.kind() == Kind.REFUSED_BY_POLICY
                        ? new RegistryException(Kind.REFUSED_BY_POLICY, target + " " + e.getMessage() + "; not contacted")
                        : failure));
    }

    private RequestOptions options(Outgoing outgoing, URI uri) {
        RequestOptions options = new RequestOptions().setMethod(outgoing.method).setAbsoluteURI(uri.toString())
                .setIdleTimeout(timeoutMillis).setFollowRedirects(false)
                .putHeader("Accept", outgoing.method == HttpMethod.POST ? "application/json" : ManifestTypes.ACCEPT)
                .putHeader("User-Agent", "image-pull-webhook");
        if (outgoing.authorization != null) {
            options.putHeader("Authorization", outgoing.authorization);
        }
        if (outgoing.body != null) {
            options.putHeader("Content-Type", "application/x-www-form-urlencoded");
        }
        return options;
    }

    /**
     * Follows a redirect, as a new connection the policy checks like any other. Authorization
     * goes along only to the same host and port: anywhere else it would be a leak.
     */
    private Future<Response> redirectOrRead(Outgoing outgoing, URI uri, HttpClientResponse response, int hops) {
        String location = response.getHeader("Location");
        if (response.statusCode() / 100 != 3 || location == null || hops >= MAX_REDIRECTS) {
            return read(response, outgoing.maxBody);
        }
        response.request().reset();
        URI next = httpUri(uri, location);
        if (next == null) {
            return Future.failedFuture(new RegistryException(Kind.UNEXPECTED_ANSWER, response.statusCode(),
                    authority(uri) + " redirected to a location that is not an http(s) URL with a host"));
        }
        boolean sameHost = authority(next).equals(authority(uri));
        return send(sameHost ? outgoing : outgoing.withoutAuthorization(), next,
                "redirect from " + authority(uri) + " to", hops + 1);
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

    /** {@code reference} as an http(s) URL with a host, resolved against {@code base}; null when it is not one. */
    private static URI httpUri(URI base, String reference) {
        try {
            return httpUri(base.resolve(reference));
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static URI httpUri(String url) {
        try {
            return httpUri(URI.create(url));
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    private static URI httpUri(URI uri) {
        boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
        return http && uri.getHost() != null ? uri : null;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** host:port as connected to; never the user-info part a hostile URL may carry. */
    private static String authority(URI uri) {
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port(uri);
    }

    /** scheme://host:port as connected to: what {@link ChallengeMemory} tells registries apart by. */
    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + authority(uri);
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
