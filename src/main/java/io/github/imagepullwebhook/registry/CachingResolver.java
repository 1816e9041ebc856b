package io.github.imagepullwebhook.registry;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.imagepullwebhook.credentials.CredentialFingerprint;
import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Remembers digests for a while and shares one registry round trip among concurrent reviews of
 * the same image.
 *
 * <p>The key is the canonical reference <em>and</em> the identity of the credentials used: a
 * digest obtained with one tenant's credentials is never served to a review that would use
 * other credentials (or none). The identity is a {@link CredentialFingerprint}, so the memo
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
    /** Registered once: finding a meter by its tags costs more than the cache hit it counts. */
    private final Counter hits;
    private final Counter misses;
    private final Counter resolved;
    private final Counter failed;
    private final Timer resolvedRequests;
    private final Timer failedRequests;

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
        this(delegate, ttl, negativeTtl, maximumSize, meters, Ticker.systemTicker());
    }

    /** @param ticker what the TTLs and a 429's Retry-After are measured with */
    public CachingResolver(DigestResolver delegate, Duration ttl, Duration negativeTtl, long maximumSize,
                           MeterRegistry meters, Ticker ticker) {
        this.delegate = delegate;
        this.hits = meters.counter("webhook_digest_cache", "result", "hit");
        this.misses = meters.counter("webhook_digest_cache", "result", "miss");
        this.resolved = meters.counter("webhook_digest_resolutions", "outcome", "resolved");
        this.failed = meters.counter("webhook_digest_resolutions", "outcome", "failed");
        this.resolvedRequests = meters.timer("webhook_registry_request_duration", "outcome", "resolved");
        this.failedRequests = meters.timer("webhook_registry_request_duration", "outcome", "failed");
        // Maintenance (read-buffer drains, expiry, eviction) on the calling thread: a cache hit on
        // every pinned image would otherwise wake a pool thread every few reviews to drain its reads.
        this.cache = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(maximumSize)
                .expireAfter(new Expiry<Key, Outcome>() {
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
        Key key = new Key(image.canonical(), CredentialFingerprint.of(credentials));
        CompletableFuture<Outcome> known = cache.getIfPresent(key);
        if (known != null && known.isDone() && !known.isCompletedExceptionally()) {
            hits.increment(); // the warm path: the answer is known, nothing to wait for or chain
            return answer(known.join());
        }
        boolean[] miss = {false};
        CompletableFuture<Outcome> outcome = cache.get(key, (k, executor) -> {
            miss[0] = true;
            long started = System.nanoTime();
            return delegate.resolve(image, credentials).toCompletableFuture()
                    .handle((digest, failure) -> new Outcome(digest, failure == null ? null : registryFailure(failure)))
                    .whenComplete((done, ignored) -> (done.failure == null ? resolvedRequests : failedRequests)
                            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        });
        (miss[0] ? misses : hits).increment();
        return outcome.thenCompose(this::answer);
    }

    private CompletableFuture<String> answer(Outcome done) {
        (done.failure == null ? resolved : failed).increment();
        return done.failure == null ? CompletableFuture.completedFuture(done.digest)
                : CompletableFuture.failedFuture(done.failure);
    }

    private static RegistryException registryFailure(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        // Only a bug gets here (the client turns every failure into a RegistryException): name its type, nothing else.
        return cause instanceof RegistryException e ? e
                : new RegistryException(RegistryException.Kind.TRANSPORT, cause.getClass().getSimpleName());
    }
}
