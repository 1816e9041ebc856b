package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole configuration.
 *
 * @param server           the HTTPS server
 * @param profiles         policy profiles by name; {@code default} is also served at {@code /mutate}
 * @param ignoreNamespaces namespaces never mutated (the webhook's own is always added when known)
 */
public record WebhookConfig(ServerConfig server, Map<String, Profile> profiles, List<String> ignoreNamespaces,
                            RegistryConfig registry) {

    /** Profile names become URL path segments and metric labels. */
    private static final Pattern PROFILE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static final String DEFAULT_PROFILE = "default";
    public static final WebhookConfig DEFAULT =
            new WebhookConfig(ServerConfig.DEFAULT, Map.of(DEFAULT_PROFILE, Profile.DEFAULT), List.of(),
                    RegistryConfig.DEFAULT);

    @JsonCreator
    static WebhookConfig of(@JsonProperty("server") ServerConfig server,
                            @JsonProperty("profiles") Map<String, Profile> profiles,
                            @JsonProperty("ignoreNamespaces") List<String> ignoreNamespaces,
                            @JsonProperty("registry") RegistryConfig registry) {
        return new WebhookConfig(server == null ? ServerConfig.DEFAULT : server,
                profiles == null ? DEFAULT.profiles : profiles,
                ignoreNamespaces == null ? List.of() : ignoreNamespaces,
                registry == null ? RegistryConfig.DEFAULT : registry);
    }

    /** Without a registry section, as most tests build it. */
    public WebhookConfig(ServerConfig server, Map<String, Profile> profiles, List<String> ignoreNamespaces) {
        this(server, profiles, ignoreNamespaces, RegistryConfig.DEFAULT);
    }

    /** True when some profile pins digests, so the registry client is needed. */
    public boolean pinsDigests() {
        return profiles.values().stream().anyMatch(Profile::pinDigests);
    }

    /** True when some profile reads pods' pull Secrets (to pin, or to check them), so the keychain is needed. */
    public boolean readsPullSecrets() {
        return profiles.values().stream().anyMatch(p -> p.pinDigests() || p.checkPullSecrets());
    }

    public WebhookConfig {
        Map<String, Profile> copy = new LinkedHashMap<>();
        profiles.forEach((name, profile) -> {
            if (!PROFILE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("profile name \"" + name
                        + "\" must be a DNS label (lower-case letters, digits, '-')");
            }
            copy.put(name, profile == null ? Profile.DEFAULT : profile);
        });
        profiles = Collections.unmodifiableMap(copy);
        ignoreNamespaces = List.copyOf(ignoreNamespaces);
    }

    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    public WebhookConfig withServer(ServerConfig newServer) {
        return new WebhookConfig(newServer, profiles, ignoreNamespaces, registry);
    }

    /** Reads a YAML (or JSON) configuration; every problem becomes one readable message. */
    public static WebhookConfig parse(String yaml) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            JsonNode tree = mapper.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return DEFAULT; // an empty (or comment-only) file means "all defaults"
            }
            return mapper.treeToValue(tree, WebhookConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown configuration key \"" + dotted(e) + "\"", e);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IllegalArgumentException("invalid configuration: " + firstLine(cause.getMessage()), e);
        }
    }

    public static WebhookConfig load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    private static String dotted(UnrecognizedPropertyException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
