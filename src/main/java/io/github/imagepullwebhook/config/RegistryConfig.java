package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How registries are asked for digests (profiles with {@code pinDigests}).
 *
 * @param insecure         registries (host or host:port) spoken to over plain HTTP
 * @param caFile           extra CA certificates (PEM) for registries and token realms
 * @param dockerConfigFile a node-level {@code config.json} whose credentials apply to every pod
 * @param timeout          deadline for all of one review's registry calls
 * @param cacheTtl         how long a resolved digest is reused
 * @param negativeCacheTtl how long a failure is remembered
 * @param cacheSize        most digests remembered
 * @param onError          {@code allow}: leave the image and warn; {@code deny}: reject the review
 * @param allow            host patterns the webhook may connect to for pinning (registries, redirect
 *                         targets, token realms); empty: any public address
 * @param deny             host patterns never connected to
 * @param credentialProviderConfig the kubelet's {@code CredentialProviderConfig} (a file or a
 *                         directory of them), as {@code --image-credential-provider-config}; or null
 * @param credentialProviderBinDir where its plugin binaries are, as
 *                         {@code --image-credential-provider-bin-dir}; set together with the config
 */
public record RegistryConfig(List<String> insecure, String caFile, String dockerConfigFile, Duration timeout,
                             Duration cacheTtl, Duration negativeCacheTtl, long cacheSize, OnError onError,
                             List<String> allow, List<String> deny, String credentialProviderConfig,
                             String credentialProviderBinDir) {

    /** What a failed resolution does to the review. */
    public enum OnError { ALLOW, DENY }

    public static final RegistryConfig DEFAULT = new RegistryConfig(List.of(), null, null, Duration.ofSeconds(2),
            Duration.ofSeconds(60), Duration.ofSeconds(10), 10_000, OnError.ALLOW, List.of(), List.of(), null, null);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @JsonCreator
    static RegistryConfig of(@JsonProperty("insecure") List<String> insecure, @JsonProperty("caFile") String caFile,
                             @JsonProperty("dockerConfigFile") String dockerConfigFile,
                             @JsonProperty("timeout") String timeout, @JsonProperty("cacheTtl") String cacheTtl,
                             @JsonProperty("negativeCacheTtl") String negativeCacheTtl,
                             @JsonProperty("cacheSize") Long cacheSize, @JsonProperty("onError") String onError,
                             @JsonProperty("allow") List<String> allow, @JsonProperty("deny") List<String> deny,
                             @JsonProperty("credentialProviderConfig") String credentialProviderConfig,
                             @JsonProperty("credentialProviderBinDir") String credentialProviderBinDir) {
        return new RegistryConfig(insecure == null ? DEFAULT.insecure : insecure, caFile, dockerConfigFile,
                duration("registry.timeout", timeout, DEFAULT.timeout),
                duration("registry.cacheTtl", cacheTtl, DEFAULT.cacheTtl),
                duration("registry.negativeCacheTtl", negativeCacheTtl, DEFAULT.negativeCacheTtl),
                cacheSize == null ? DEFAULT.cacheSize : cacheSize, onError(onError),
                allow == null ? List.of() : allow, deny == null ? List.of() : deny, unlessBlank(credentialProviderConfig),
                unlessBlank(credentialProviderBinDir));
    }

    /** A chart value left empty means "not set". */
    private static String unlessBlank(String path) {
        return path == null || path.isBlank() ? null : path;
    }

    public RegistryConfig {
        insecure = List.copyOf(insecure);
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        if (cacheSize < 0) {
            throw new IllegalArgumentException("registry.cacheSize must not be negative");
        }
        if ((credentialProviderConfig == null) != (credentialProviderBinDir == null)) {
            throw new IllegalArgumentException("registry.credentialProviderConfig and registry.credentialProviderBinDir "
                    + "are set together (the kubelet's --image-credential-provider-config and -bin-dir)");
        }
    }

    /** True when credential provider plugins are configured. */
    public boolean hasCredentialProviders() {
        return credentialProviderConfig != null;
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}: at most nine digits, so the number always fits. */
    static Duration duration(String key, String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " must look like 500ms, 2s, 1m or 1h, was \"" + value + "\"");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    private static OnError onError(String value) {
        if (value == null) {
            return DEFAULT.onError;
        }
        try {
            return OnError.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registry.onError must be allow or deny, was \"" + value + "\"");
        }
    }
}
