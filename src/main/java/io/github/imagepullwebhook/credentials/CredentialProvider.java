package io.github.imagepullwebhook.credentials;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured plugin as the kubelet uses it: asked only for images its {@code matchImages}
 * match; its answer cached under the image, its registry or globally, as the answer's
 * {@code cacheKeyType} says, for the answer's {@code cacheDuration} or else the provider's
 * {@code defaultCacheDuration} (zero: not cached); a cached answer is looked up under the image,
 * then the registry, then the global key. Lookups for the same image while a run is under way
 * share that run (the kubelet's single flight: before the answer, its cache key type is not
 * known, so the run is shared per image).
 */
final class CredentialProvider {

    /** Answers kept per provider: registries and repositories in use, far fewer than this. */
    static final long MAX_CACHED = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger(CredentialProvider.class);
    private static final String GLOBAL = "global";

    private final CredentialProviderPlugin plugin;
    private final List<ConfigKey> matchImages;
    private final Duration defaultCacheDuration;
    private final Cache<String, Cached> cache;
    private final ConcurrentMap<String, CompletableFuture<Map<String, RegistryCredential>>> running = new ConcurrentHashMap<>();

    private record Cached(Map<String, RegistryCredential> auth, Duration lifetime) {
    }

    /** @param ticker the cache's clock, so tests can move time */
    CredentialProvider(CredentialProviderConfig.Provider config, CredentialProviderPlugin plugin, Ticker ticker) {
        this.plugin = plugin;
        this.matchImages = config.matchImages().stream().map(ConfigKey::ofName).toList();
        this.defaultCacheDuration = config.defaultCacheDuration();
        // Maintenance on the calling thread: cheap here, and deterministic under a test's ticker.
        this.cache = Caffeine.newBuilder().ticker(ticker).executor(Runnable::run).maximumSize(MAX_CACHED)
                .expireAfter(new Lifetime()).build();
    }

    String name() {
        return plugin.name();
    }

    /** Does {@code matchImages} match the repository (e.g. {@code 123.dkr.ecr.eu-west-1.amazonaws.com/app})? */
    boolean matches(String repository) {
        ConfigKey image = ConfigKey.ofName(repository);
        return matchImages.stream().anyMatch(pattern -> pattern.matches(image));
    }

    /**
     * The plugin's credentials for the repository, by key as the plugin wrote them. Completes by
     * {@code deadline} ({@link System#nanoTime}) on its own: a run still under way then is left to
     * finish or be killed at its own limit, and this lookup fails naming the provider.
     */
    CompletableFuture<Map<String, RegistryCredential>> credentials(String repository, long deadline) {
        Map<String, RegistryCredential> cached = cached(repository);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        long remaining = Math.max(1, deadline - System.nanoTime());
        // A copy: the timeout of one review must not end the run other reviews share.
        return shared(repository).copy().orTimeout(remaining, TimeUnit.NANOSECONDS).exceptionallyCompose(failure ->
                CompletableFuture.failedFuture(cause(failure) instanceof TimeoutException
                        ? new CredentialProviderException(name(), "gave no answer within the review's deadline")
                        : cause(failure)));
    }

    private Map<String, RegistryCredential> cached(String repository) {
        for (String key : List.of(imageKey(repository), registryKey(repository), GLOBAL)) {
            Cached hit = cache.getIfPresent(key);
            if (hit != null) {
                return hit.auth;
            }
        }
        return null;
    }

    private CompletableFuture<Map<String, RegistryCredential>> shared(String repository) {
        CompletableFuture<Map<String, RegistryCredential>> created = new CompletableFuture<>();
        CompletableFuture<Map<String, RegistryCredential>> underWay = running.putIfAbsent(repository, created);
        if (underWay != null) {
            return underWay;
        }
        // Cached first, then forgotten as under way, then answered: a lookup at any point in
        // between finds the run, the cached answer, or (when it is not to be cached) runs anew.
        plugin.request(repository).whenComplete((response, failure) -> {
            if (failure == null) {
                keep(repository, response);
                running.remove(repository, created);
                created.complete(response.auth());
            } else {
                Throwable cause = cause(failure);
                LOG.warn("{} (for {}; its stderr is discarded: run it by hand to see its errors)", cause.getMessage(),
                        repository);
                running.remove(repository, created);
                created.completeExceptionally(cause);
            }
        });
        return created;
    }

    private void keep(String repository, CredentialProviderResponse response) {
        Duration lifetime = response.cacheDuration() != null ? response.cacheDuration() : defaultCacheDuration;
        if (lifetime.isZero() || lifetime.isNegative()) {
            return;
        }
        String key = switch (response.cacheKeyType()) {
            case IMAGE -> imageKey(repository);
            case REGISTRY -> registryKey(repository);
            case GLOBAL -> GLOBAL;
        };
        cache.put(key, new Cached(response.auth(), lifetime));
    }

    private static String imageKey(String repository) {
        return "image " + repository;
    }

    /** The kubelet's registry: everything before the first '/', port included. */
    private static String registryKey(String repository) {
        int slash = repository.indexOf('/');
        return "registry " + (slash < 0 ? repository : repository.substring(0, slash));
    }

    /** Our failures as they are; anything unexpected by type only, in case its message holds output. */
    private Throwable cause(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CredentialProviderException || cause instanceof TimeoutException) {
            return cause;
        }
        return new CredentialProviderException(name(), "failed (" + cause.getClass().getSimpleName() + ")");
    }

    /** Each answer lives as long as it said (or the default); reading does not extend it. */
    private static final class Lifetime implements Expiry<String, Cached> {
        @Override
        public long expireAfterCreate(String key, Cached value, long currentTime) {
            return saturatedNanos(value.lifetime);
        }

        @Override
        public long expireAfterUpdate(String key, Cached value, long currentTime, long currentDuration) {
            return saturatedNanos(value.lifetime);
        }

        @Override
        public long expireAfterRead(String key, Cached value, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private static long saturatedNanos(Duration lifetime) {
            try {
                return lifetime.toNanos();
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
    }
}
