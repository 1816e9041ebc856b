package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/} is the chart rendered with its default values: one source of truth. This
 * test fails when they differ; {@code ./mvnw test -Dtest=DeployManifestsTest -DupdateDeploy=true}
 * (or {@code scripts/generate-deploy.sh}) writes {@code deploy/} again.
 */
class DeployManifestsTest {

    static final Path DEPLOY = Path.of("deploy");
    /** Template file → manifest file; the prefix is the order {@code kubectl apply -f deploy/} uses. */
    static final Map<String, String> FILES = Map.of(
            "namespace.yaml", "00-namespace.yaml",
            "serviceaccount.yaml", "10-serviceaccount.yaml",
            "rbac.yaml", "20-rbac.yaml",
            "rbac-pinning.yaml", "21-rbac-pinning.yaml",
            "configmap.yaml", "30-configmap.yaml",
            "client-ca.yaml", "31-client-ca.yaml",
            "service.yaml", "40-service.yaml",
            "networkpolicy.yaml", "45-networkpolicy.yaml",
            "deployment.yaml", "50-deployment.yaml",
            "webhooks.yaml", "60-webhooks.yaml");
    static final String HEADER = "# Generated from charts/image-pull-webhook with its default values by\n"
            + "# scripts/generate-deploy.sh. Do not edit: change the chart and generate again.\n";
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: image-pull-webhook/templates/(\\S+)$");

    static Map<String, String> expectedFiles() {
        String yaml = RenderedChart.render(Map.of("createNamespace", true)).yaml
                .replace("app.kubernetes.io/managed-by: Helm", "app.kubernetes.io/managed-by: kubectl");
        Map<String, StringBuilder> byFile = new TreeMap<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            Matcher source = SOURCE.matcher(document);
            if (!source.find()) {
                continue;
            }
            String file = FILES.get(source.group(1));
            if (file == null) {
                throw new AssertionError("no deploy/ file for template " + source.group(1) + "; add it to FILES");
            }
            byFile.computeIfAbsent(file, f -> new StringBuilder(HEADER))
                    .append("---").append(document.stripTrailing()).append('\n');
        }
        Map<String, String> files = new LinkedHashMap<>();
        byFile.forEach((name, text) -> files.put(name, text.toString()));
        return files;
    }

    @Test
    void deployMatchesTheChartsDefaults() throws IOException {
        Map<String, String> expected = expectedFiles();
        if (Boolean.getBoolean("updateDeploy")) {
            write(expected);
        }
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.list(DEPLOY)) {
            for (Path file : files.toList()) {
                actual.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        assertThat(actual).as("deploy/ differs from the chart: run scripts/generate-deploy.sh").isEqualTo(expected);
    }

    @Test
    void deployStartsWithTheNamespaceAndParsesAsKubernetesObjects() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DEPLOY)) {
            files = list.sorted().toList();
        }
        List<HasMetadata> first = RenderedChart.parse(Files.readString(files.get(0)));
        assertThat(first).singleElement().isInstanceOf(Namespace.class)
                .extracting(o -> o.getMetadata().getName()).isEqualTo("image-pull-webhook");
        for (Path file : files) {
            assertThat(RenderedChart.parse(Files.readString(file))).as(file.toString()).isNotEmpty()
                    .allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                            .containsEntry("app.kubernetes.io/managed-by", "kubectl"));
        }
    }

    private static void write(Map<String, String> files) throws IOException {
        Files.createDirectories(DEPLOY);
        try (Stream<Path> old = Files.list(DEPLOY)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(DEPLOY.resolve(file.getKey()), file.getValue());
        }
    }
}
