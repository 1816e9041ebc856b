package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two formats credentials come in: {@code config.json} / {@code .dockerconfigjson}
 * ({@code {"auths": {key: entry}}}) and the legacy {@code .dockercfg} (the map itself). An entry
 * has {@code auth} (base64 {@code user:password}, which wins when present, as in Kubernetes) or
 * {@code username}/{@code password}, and may have an {@code identitytoken}.
 */
public final class DockerConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfig() {
    }

    /** Entries of a {@code config.json} or {@code .dockerconfigjson}, by key as written. */
    public static Map<String, RegistryCredential> parseConfigJson(byte[] content, String source)
            throws InvalidDockerConfigException {
        JsonNode root = read(content, source);
        JsonNode auths = root.get("auths");
        if (auths == null || auths.isNull()) {
            return Map.of();
        }
        return entries(auths, source);
    }

    /** Entries of a legacy {@code .dockercfg}. */
    public static Map<String, RegistryCredential> parseDockercfg(byte[] content, String source)
            throws InvalidDockerConfigException {
        return entries(read(content, source), source);
    }

    private static JsonNode read(byte[] content, String source) throws InvalidDockerConfigException {
        try {
            JsonNode root = JSON.readTree(content);
            if (root == null || !root.isObject()) {
                throw new InvalidDockerConfigException(source + ": not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new InvalidDockerConfigException(source + ": not valid JSON");
        }
    }

    private static Map<String, RegistryCredential> entries(JsonNode map, String source) throws InvalidDockerConfigException {
        if (!map.isObject()) {
            throw new InvalidDockerConfigException(source + ": auths must be an object");
        }
        Map<String, RegistryCredential> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : map.properties()) {
            entries.put(field.getKey(), entry(field.getKey(), field.getValue(), source));
        }
        return entries;
    }

    private static RegistryCredential entry(String key, JsonNode entry, String source) throws InvalidDockerConfigException {
        String where = source + ", key " + printable(key);
        if (!entry.isObject()) {
            throw new InvalidDockerConfigException(where + ": entry must be an object");
        }
        String username = text(entry, "username");
        String password = text(entry, "password");
        String auth = text(entry, "auth");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidDockerConfigException(where + ": auth is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new InvalidDockerConfigException(where + ": auth must decode to user:password");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        return new RegistryCredential(username, password, text(entry, "identitytoken"), where);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : "";
    }

    private static String printable(String key) {
        String shown = key.length() > 100 ? key.substring(0, 100) + "..." : key;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
