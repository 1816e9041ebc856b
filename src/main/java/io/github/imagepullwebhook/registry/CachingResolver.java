package io.github.imagepullwebhook.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers digests for a while and shares one registry round trip among concurrent reviews of
 * the same image.
 *
 * <p>The key is the canonical reference <em>and</em> the identity of the credentials used: a
 * digest obtained with one tenant's credentials is never served to a review that would use
 * other credentials (or none). The identity is an HMAC with a key made at start, so the memo
 * never holds anything from which a password could be recovered. Failures are remembered
 * briefly too ({@code negativeTtl}) so a broken tag does not hammer its registry, and a 429
 * for as long as its {@code Retry-After} asks (at most five minutes): meanwhile that image
 * fails fast.
 */
public final class CachingResolver implements DigestResolver {

    private record Key(String reference, String credentials) {
    }

    /** A digest or the failure, so that failures can expire sooner than successes. */
    private record Outcome(String digest, RegistryException failure) {
    }

    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final DigestResolver delegate;
    private final AsyncCache<Key, Outcome> cache;
    private final MeterRegistry meters;
    private final byte[] hmacKey = new byte[32];
    /** One initialised Mac per thread: looking one up per review costs more than the HMAC. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    });

    public CachingResolver(DigestResolver delegate, Duration ttl, Duration negativeTtl, long maximumSize) {
        this(delegate, ttl, negativeTtl, maximumSize, new SimpleMeterRegistry());
    }

    /**
     * @param meters where {@code webhook_digest_resolutions_total{outcome}},
     *               {@code webhook_digest_cache_total{result=hit|miss}} and
     *               {@code webhook_registry_request_duration_seconds{outcome}} are recorded
     */
    public CachingResolver(DigestResolver delegate, Duration ttl, Duration negativeTtl, long maximumSize,
                           MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
        new SecureRandom().nextBytes(hmacKey);
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).expireAfter(new Expiry<Key, Outcome>() {
            @Override
            public long expireAfterCreate(Key key, Outcome outcome, long now) {
                if (outcome.failure == null) {
                    return ttl.toNanos();
                }
                // A rate-limited registry is left alone for as long as it asked (at most 5 minutes).
                Duration retry = outcome.failure.retryAfter().filter(r -> r.compareTo(negativeTtl) > 0).orElse(negativeTtl);
                return (retry.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retry).toNanos();
            }

            @Override
            public long expireAfterUpdate(Key key, Outcome outcome, long now, long current) {
                return expireAfterCreate(key, outcome, now);
            }

            @Override
            public long expireAfterRead(Key key, Outcome outcome, long now, long current) {
                return current;
            }
        }).buildAsync();
    }

    @Override
    public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
        Key key = new Key(image.canonical(), identity(credentials));
        boolean[] miss = {false};
        CompletableFuture<Outcome> outcome = cache.get(key, (k, executor) -> {
            miss[0] = true;
            long started = System.nanoTime();
            return delegate.resolve(image, credentials).toCompletableFuture()
                    .handle((digest, failure) -> new Outcome(digest, failure == null ? null : registryFailure(failure)))
                    .whenComplete((done, ignored) -> meters.timer("webhook_registry_request_duration",
                            "outcome", done.failure == null ? "resolved" : "failed")
                            .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS));
        });
        meters.counter("webhook_digest_cache", "result", miss[0] ? "miss" : "hit").increment();
        return outcome.thenCompose(done -> {
            meters.counter("webhook_digest_resolutions", "outcome", done.failure == null ? "resolved" : "failed").increment();
            return done.failure == null ? CompletableFuture.completedFuture(done.digest)
                    : CompletableFuture.failedFuture(done.failure);
        });
    }

    private static RegistryException registryFailure(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof RegistryException e ? e : new RegistryException(cause.getClass().getSimpleName());
    }

    /** Who is asking: an HMAC over every credential, in order; empty for anonymous. */
    private String identity(List<RegistryCredential> credentials) {
        if (credentials.isEmpty()) {
            return "";
        }
        Mac mac = macs.get();
        mac.reset();
        for (RegistryCredential credential : credentials) {
            for (String part : new String[] {credential.username(), credential.password(), credential.identityToken()}) {
                mac.update(part.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            mac.update((byte) 1);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }
}
