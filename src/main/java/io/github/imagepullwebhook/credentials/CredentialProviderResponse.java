package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A plugin's {@code CredentialProviderResponse}, decoded as strictly as the kubelet decodes it:
 * the apiVersion the plugin was asked in, kind {@code CredentialProviderResponse}, no unknown
 * field, a valid {@code cacheKeyType}. The plugin's output holds credentials, so no message
 * quotes it, except an apiVersion, kind or cacheKeyType that looks like one.
 *
 * @param cacheKeyType  what the answer is cached under
 * @param cacheDuration how long to cache it; null when the plugin left it to {@code defaultCacheDuration}
 * @param auth          credentials by {@code config.json}-style key, as written by the plugin
 */
record CredentialProviderResponse(CacheKeyType cacheKeyType, Duration cacheDuration, Map<String, RegistryCredential> auth) {

    /** The kubelet's cache key types; anything else makes it ignore the answer. */
    enum CacheKeyType { IMAGE, REGISTRY, GLOBAL }

    static final String KIND = "CredentialProviderResponse";

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "cacheKeyType", "cacheDuration", "auth",
            "serviceAccountTokenCacheType");
    private static final Set<String> AUTH_FIELDS = Set.of("username", "password");
    /** Shapes an apiVersion, kind or cacheKeyType has; anything else is not repeated in a message. */
    private static final Pattern NAME_LIKE = Pattern.compile("[A-Za-z0-9./-]{1,64}");

    CredentialProviderResponse {
        auth = Collections.unmodifiableMap(new LinkedHashMap<>(auth));
    }

    /** @param apiVersion the version the plugin was asked in, which it must answer in */
    static CredentialProviderResponse parse(byte[] stdout, String apiVersion, String provider)
            throws CredentialProviderException {
        JsonNode root = tree(stdout, provider);
        expect(root, "apiVersion", apiVersion, provider);
        expect(root, "kind", KIND, provider);
        if (!FIELDS.containsAll(fieldNames(root))) {
            throw new CredentialProviderException(provider, "answered with a field a " + KIND + " does not have");
        }
        return new CredentialProviderResponse(cacheKeyType(root.path("cacheKeyType"), provider),
                cacheDuration(root.path("cacheDuration"), provider), auth(root.path("auth"), provider));
    }

    private static JsonNode tree(byte[] stdout, String provider) throws CredentialProviderException {
        try {
            JsonNode root = JSON.readTree(stdout);
            if (root != null && root.isObject()) {
                return root;
            }
        } catch (IOException notJson) {
            // the same answer as for valid JSON that is not an object
        }
        throw new CredentialProviderException(provider, "did not answer with a JSON object on stdout");
    }

    private static void expect(JsonNode root, String field, String expected, String provider) throws CredentialProviderException {
        String actual = root.path(field).asText("");
        if (!actual.equals(expected)) {
            throw new CredentialProviderException(provider, "answered with " + field + " " + shown(actual)
                    + ", expected \"" + expected + "\"");
        }
    }

    private static CacheKeyType cacheKeyType(JsonNode node, String provider) throws CredentialProviderException {
        String written = node.asText("");
        for (CacheKeyType type : CacheKeyType.values()) {
            if (written.equals(capitalised(type))) {
                return type;
            }
        }
        throw new CredentialProviderException(provider, "answered with cacheKeyType " + shown(written)
                + " (must be Image, Registry or Global)");
    }

    private static Duration cacheDuration(JsonNode node, String provider) throws CredentialProviderException {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            if (node.isTextual()) {
                return GoDuration.parse(node.textValue());
            }
        } catch (IllegalArgumentException e) {
            // the same answer as for a number
        }
        throw new CredentialProviderException(provider, "answered with a cacheDuration that is not a duration such as \"12h\"");
    }

    private static Map<String, RegistryCredential> auth(JsonNode node, String provider) throws CredentialProviderException {
        Map<String, RegistryCredential> auth = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return auth;
        }
        if (!node.isObject()) {
            throw new CredentialProviderException(provider, "answered with an auth that is not an object");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode config = entry.getValue();
            if (!config.isObject() || !AUTH_FIELDS.containsAll(fieldNames(config))
                    || !isText(config.path("username")) || !isText(config.path("password"))) {
                throw new CredentialProviderException(provider, "answered with an auth entry that is not "
                        + "{username, password}");
            }
            auth.put(entry.getKey(), new RegistryCredential(config.path("username").asText(""),
                    config.path("password").asText(""), "", "credential provider \"" + provider + "\", key "
                    + CredentialProviderConfig.printable(entry.getKey())));
        }
        return auth;
    }

    private static boolean isText(JsonNode node) {
        return node.isMissingNode() || node.isNull() || node.isTextual();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Image, Registry, Global: as the API writes them. */
    static String capitalised(CacheKeyType type) {
        String name = type.name();
        return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String shown(String value) {
        if (value.isEmpty()) {
            return "missing";
        }
        return NAME_LIKE.matcher(value).matches() ? "\"" + value + "\"" : "(a value not shown)";
    }
}
