package io.github.imagepullwebhook.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which registries refused an anonymous request, and with what challenge, so that the next
 * cold resolution there can start authenticated: one manifest request instead of two.
 *
 * <p>Keyed by the exact registry as connected ({@code scheme://host:port}): what one registry
 * asked for is never used for another, not even for another port or scheme of the same host,
 * so credentials only ever go where a registry asked for them within {@link #LIFETIME}. Only a
 * 401 that came back through a connection the {@link ConnectionPolicy} allowed is learned, and
 * every request made from the memory passes the policy again. Only the scheme, realm and
 * service are kept: the scope names one repository, and each image asks for its own. Nothing
 * here is secret. Entries expire {@link #LIFETIME} after they were learned (a registry's
 * configuration changes rarely, and a wrong memory costs only a fallback to the full
 * handshake); at most {@link #MAX_REGISTRIES} are kept.
 */
final class ChallengeMemory {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final long MAX_REGISTRIES = 1_000;
    /** The parameters that belong to the registry rather than to one repository. */
    private static final String[] REGISTRY_PARAMS = {"realm", "service"};

    private final Cache<String, Challenge> byRegistry;

    ChallengeMemory(Ticker ticker) {
        this.byRegistry = Caffeine.newBuilder().ticker(ticker).maximumSize(MAX_REGISTRIES)
                .expireAfterWrite(LIFETIME).build();
    }

    /**
     * The challenge {@code registry} answered last, if it is remembered.
     *
     * @param registry {@code scheme://host:port} as connected, the port always written
     */
    Optional<Challenge> recall(String registry) {
        return Optional.ofNullable(byRegistry.getIfPresent(registry));
    }

    /** {@code registry} refused anonymous with {@code challenge}; only Basic and Bearer are worth remembering. */
    void learn(String registry, Challenge challenge) {
        if (!Challenge.BASIC.equals(challenge.scheme()) && !Challenge.BEARER.equals(challenge.scheme())) {
            forget(registry);
            return;
        }
        Map<String, String> params = new HashMap<>();
        for (String name : REGISTRY_PARAMS) {
            challenge.param(name).ifPresent(value -> params.put(name, value));
        }
        byRegistry.put(registry, new Challenge(challenge.scheme(), params));
    }

    /** {@code registry} did not refuse anonymous, or its challenge is no longer the one remembered. */
    void forget(String registry) {
        byRegistry.invalidate(registry);
    }
}
