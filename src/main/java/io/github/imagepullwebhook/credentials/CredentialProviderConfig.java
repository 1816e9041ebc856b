package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kubelet's {@code CredentialProviderConfig} ({@code --image-credential-provider-config}),
 * read as the kubelet reads it: YAML or JSON, strictly (an unknown field is an error), from one
 * file or from every {@code *.json}, {@code *.yaml} and {@code *.yml} file of a directory in
 * name order. Every problem is collected into one line, so a broken file is fixed in one go.
 * Values of {@code env} are never quoted in messages: they may be secrets.
 *
 * @param providers in the order written; the order in which their answers are consulted
 */
public record CredentialProviderConfig(List<Provider> providers) {

    /** {@code kubelet.config.k8s.io} versions the kubelet reads this file in (the fields are the same). */
    static final Set<String> CONFIG_VERSIONS = Set.of("kubelet.config.k8s.io/v1", "kubelet.config.k8s.io/v1beta1",
            "kubelet.config.k8s.io/v1alpha1");
    /** {@code credentialprovider.kubelet.k8s.io} versions a plugin may speak (the request and answer are the same). */
    static final Set<String> PLUGIN_VERSIONS = Set.of("credentialprovider.kubelet.k8s.io/v1",
            "credentialprovider.kubelet.k8s.io/v1beta1", "credentialprovider.kubelet.k8s.io/v1alpha1");

    private static final Set<String> TOP_FIELDS = Set.of("apiVersion", "kind", "providers");
    private static final Set<String> PROVIDER_FIELDS = Set.of("name", "matchImages", "defaultCacheDuration",
            "apiVersion", "args", "env", "tokenAttributes");

    /**
     * One plugin.
     *
     * @param name                 the binary's file name in the plugin directory
     * @param matchImages          patterns an image must match for the plugin to be asked
     * @param defaultCacheDuration how long an answer without {@code cacheDuration} is kept; zero: not kept
     * @param apiVersion           the {@code credentialprovider.kubelet.k8s.io} version spoken
     * @param args                 command-line arguments
     * @param env                  variables set for the plugin, by name; a later entry wins
     */
    public record Provider(String name, List<String> matchImages, Duration defaultCacheDuration, String apiVersion,
                           List<String> args, Map<String, String> env) {
        public Provider {
            matchImages = List.copyOf(matchImages);
            args = List.copyOf(args);
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    public CredentialProviderConfig {
        providers = List.copyOf(providers);
    }

    /** Reads a file, or each configuration file of a directory, and merges their providers. */
    public static CredentialProviderConfig load(Path path) throws InvalidCredentialProviderConfigException {
        List<Provider> providers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files(path)) {
            for (Provider provider : parse(read(file), file.toString()).providers) {
                if (!names.add(provider.name)) {
                    throw new InvalidCredentialProviderConfigException(path + ": provider \"" + provider.name
                            + "\" is configured twice");
                }
                providers.add(provider);
            }
        }
        return new CredentialProviderConfig(providers);
    }

    /** One file's content; {@code source} names it in messages. */
    public static CredentialProviderConfig parse(String content, String source) throws InvalidCredentialProviderConfigException {
        JsonNode root;
        try {
            root = mapper(content).readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidCredentialProviderConfigException(source + ": not valid YAML or JSON (line "
                    + e.getLocation().getLineNr() + ")");
        }
        List<String> problems = new ArrayList<>();
        List<Provider> providers = new Fields(problems).config(root);
        if (!problems.isEmpty()) {
            throw new InvalidCredentialProviderConfigException(source + ": " + String.join("; ", problems));
        }
        return new CredentialProviderConfig(providers);
    }

    private static List<Path> files(Path path) throws InvalidCredentialProviderConfigException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> entries = Files.list(path)) {
            List<Path> files = entries.filter(f -> !Files.isDirectory(f))
                    .filter(f -> f.getFileName().toString().matches(".*\\.(json|yaml|yml)")).sorted().toList();
            if (files.isEmpty()) {
                throw new InvalidCredentialProviderConfigException(path + ": no *.json, *.yaml or *.yml file in the directory");
            }
            return files;
        } catch (IOException e) {
            throw new InvalidCredentialProviderConfigException(path + ": cannot list the directory");
        }
    }

    private static String read(Path file) throws InvalidCredentialProviderConfigException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new InvalidCredentialProviderConfigException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** JSON for JSON: YAML parsers trip over tabs that JSON allows. Duplicate keys are errors, as for the kubelet. */
    private static ObjectMapper mapper(String content) {
        ObjectMapper mapper = content.stripLeading().startsWith("{") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        return mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** Walks the tree, adding one problem per wrong field with its path. */
    private record Fields(List<String> problems) {

        List<Provider> config(JsonNode root) {
            if (root == null || !root.isObject()) {
                problems.add("not a CredentialProviderConfig object");
                return List.of();
            }
            unknown(root, TOP_FIELDS, "");
            oneOf(root.path("apiVersion"), "apiVersion", CONFIG_VERSIONS);
            if (!"CredentialProviderConfig".equals(root.path("kind").asText(null))) {
                problems.add("kind must be CredentialProviderConfig");
            }
            JsonNode list = root.path("providers");
            if (!list.isArray() || list.isEmpty()) {
                problems.add("providers must list at least one provider");
                return List.of();
            }
            List<Provider> providers = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Provider provider = provider(list.get(i), "providers[" + i + "]");
                if (provider != null && !names.add(provider.name)) {
                    problems.add("providers[" + i + "].name \"" + provider.name + "\" is used twice");
                }
                providers.add(provider);
            }
            return providers;
        }

        private Provider provider(JsonNode node, String at) {
            if (!node.isObject()) {
                problems.add(at + " must be an object");
                return null;
            }
            unknown(node, PROVIDER_FIELDS, at + ".");
            if (node.has("tokenAttributes")) {
                problems.add(at + ".tokenAttributes: service account tokens for plugins are not supported by the webhook");
            }
            String name = name(node.path("name"), at + ".name");
            oneOf(node.path("apiVersion"), at + ".apiVersion", PLUGIN_VERSIONS);
            return new Provider(name, matchImages(node.path("matchImages"), at + ".matchImages"),
                    cacheDuration(node.path("defaultCacheDuration"), at + ".defaultCacheDuration"),
                    node.path("apiVersion").asText(""), strings(node.path("args"), at + ".args"),
                    env(node.path("env"), at + ".env"));
        }

        /** The kubelet's rules (not empty, no '/', no space, not . or ..), and no '\' either: a name is one file. */
        private String name(JsonNode node, String at) {
            String name = node.isTextual() ? node.textValue() : "";
            if (name.isEmpty()) {
                problems.add(at + " is required");
            } else if (name.contains("/") || name.contains("\\")) {
                problems.add(at + " \"" + printable(name) + "\" must not contain a path separator");
            } else if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                problems.add(at + " \"" + printable(name) + "\" is not a file name (no spaces, not . or ..)");
            }
            return name;
        }

        private List<String> matchImages(JsonNode node, String at) {
            List<String> patterns = strings(node, at);
            if (patterns.isEmpty()) {
                problems.add(at + " must list at least one image pattern");
            }
            for (int i = 0; i < patterns.size(); i++) {
                String problem = MatchImage.problem(patterns.get(i));
                if (problem != null) {
                    problems.add(at + "[" + i + "] \"" + printable(patterns.get(i)) + "\" " + problem);
                }
            }
            return patterns;
        }

        private Duration cacheDuration(JsonNode node, String at) {
            if (!node.isTextual()) {
                problems.add(at + " is required (e.g. \"12h\"; \"0\" caches nothing)");
                return Duration.ZERO;
            }
            try {
                Duration duration = GoDuration.parse(node.textValue());
                if (duration.isNegative()) {
                    problems.add(at + " must not be negative");
                }
                return duration;
            } catch (IllegalArgumentException e) {
                problems.add(at + " \"" + printable(node.textValue()) + "\" " + e.getMessage());
                return Duration.ZERO;
            }
        }

        private Map<String, String> env(JsonNode node, String at) {
            Map<String, String> env = new LinkedHashMap<>();
            if (node.isMissingNode() || node.isNull()) {
                return env;
            }
            if (!node.isArray()) {
                problems.add(at + " must be a list of {name, value}");
                return env;
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode variable = node.get(i);
                String where = at + "[" + i + "]";
                unknown(variable, Set.of("name", "value"), where + ".");
                String name = variable.path("name").asText("");
                if (name.isEmpty() || name.contains("=") || !variable.path("value").isTextual()) {
                    problems.add(where + " needs a name (without '=') and a string value");
                } else {
                    env.put(name, variable.path("value").textValue());
                }
            }
            return env;
        }

        private List<String> strings(JsonNode node, String at) {
            List<String> values = new ArrayList<>();
            if (node.isMissingNode() || node.isNull()) {
                return values;
            }
            if (!node.isArray()) {
                problems.add(at + " must be a list of strings");
                return values;
            }
            node.forEach(value -> {
                if (value.isTextual()) {
                    values.add(value.textValue());
                } else {
                    problems.add(at + " must be a list of strings");
                }
            });
            return values;
        }

        private void oneOf(JsonNode node, String at, Set<String> allowed) {
            if (!node.isTextual() || node.textValue().isEmpty()) {
                problems.add(at + " is required (" + String.join(" or ", allowed.stream().sorted().toList()) + ")");
            } else if (!allowed.contains(node.textValue())) {
                problems.add(at + " \"" + printable(node.textValue()) + "\" is not supported (use "
                        + String.join(" or ", allowed.stream().sorted().toList()) + ")");
            }
        }

        private void unknown(JsonNode node, Set<String> known, String prefix) {
            if (!node.isObject()) {
                return;
            }
            node.fieldNames().forEachRemaining(field -> {
                if (!known.contains(field)) {
                    problems.add("unknown field " + prefix + printable(field));
                }
            });
        }
    }

    /** At most 100 printable ASCII characters of a value the user wrote. */
    static String printable(String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
