package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The image has two recipes: the Dockerfile (with a container engine) and Jib in pom.xml
 * (without one). Both must state the same runtime base, user, entrypoint with its JVM flags,
 * arguments and ports, and both must run the shaded jar at the same path. The JVM's memory flags
 * and the container's memory limit (the chart's default, and {@code deploy/}) are sized together.
 */
class ContainerImageTest {

    /**
     * What the fully grown process holds besides the Java heap (class-data archive, metaspace,
     * code cache, threads, direct buffers, the JVM's own code and malloc), measured by
     * bench/memory.sh in a cgroup of the chart's limit (peak RSS minus the heap: 132 MiB), rounded up.
     */
    static final long NON_HEAP_MIB = 140;

    @Test
    void dockerfileAndJibDescribeTheSameImage() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
        List<String> from = instructions(dockerfile, "FROM");
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element jib = jibConfiguration(pom);

        assertThat(resolve(pom, text(child(child(jib, "from"), "image")))).as("runtime base")
                .isEqualTo(from.get(from.size() - 1));
        assertThat(text(child(child(jib, "container"), "user"))).isEqualTo(instructions(dockerfile, "USER").get(0));
        assertThat(args(child(child(jib, "container"), "entrypoint"))).as("entrypoint and JVM flags")
                .isEqualTo(json(instructions(dockerfile, "ENTRYPOINT").get(0)));
        assertThat(args(child(child(jib, "container"), "args"))).isEqualTo(json(instructions(dockerfile, "CMD").get(0)));
        assertThat(args(child(child(jib, "container"), "ports")))
                .isEqualTo(Arrays.asList(instructions(dockerfile, "EXPOSE").get(0).split("\\s+")));
        // Jib copies the shaded jar to the path both entrypoints run.
        Element path = child(child(child(jib, "extraDirectories"), "paths"), "path");
        assertThat(text(child(path, "into")) + "/" + text(child(path, "includes")))
                .isEqualTo("/app/image-pull-webhook.jar").isIn(json(instructions(dockerfile, "ENTRYPOINT").get(0)));
        assertThat(dockerfile).contains("COPY --from=build /src/target/image-pull-webhook.jar /app/image-pull-webhook.jar");
    }

    @Test
    void heapAndTheContainerLimitAreSizedTogether() throws Exception {
        String dockerfile = Files.readString(Path.of("Dockerfile")).replace("\\\n", " ");
        List<String> entrypoint = json(instructions(dockerfile, "ENTRYPOINT").get(0));
        Map<String, String> flags = new TreeMap<>();
        for (String arg : entrypoint.subList(1, entrypoint.indexOf("-jar"))) {
            Matcher m = Pattern.compile("(-X(?:m[sxn]|ss)|-Xshare|-XX:[+-]?\\w+)[=:]?(.*)").matcher(arg);
            assertThat(m.matches()).as(arg).isTrue();
            flags.put(m.group(1), m.group(2));
        }
        // Explicit sizes, not a share of whatever limit the pod has: they were measured together.
        assertThat(flags).as("JVM flags").doesNotContainKeys("-XX:MaxRAMPercentage", "-XX:InitialRAMPercentage",
                        "-XX:+AlwaysPreTouch")
                .containsKeys("-Xms", "-Xmx", "-Xmn", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize",
                        "-XX:ReservedCodeCacheSize", "-XX:MaxDirectMemorySize", "-XX:+ExitOnOutOfMemoryError");
        assertThat(flags.get("-Xms")).as("-Xms = -Xmx: no resizing").isEqualTo(flags.get("-Xmx"));
        long heap = mebibytes(flags.get("-Xmx"));
        assertThat(mebibytes(flags.get("-Xmn"))).as("young generation").isLessThanOrEqualTo(heap / 2);

        JsonNode values = new YAMLMapper().readTree(Path.of("charts/image-pull-webhook/values.yaml").toFile());
        String limit = values.at("/resources/limits/memory").asText();
        assertThat(limit).as("chart's default memory limit").isNotEmpty();
        JsonNode deployment = null;
        for (JsonNode document : new YAMLMapper().readerFor(JsonNode.class)
                .<JsonNode>readValues(Path.of("deploy/50-deployment.yaml").toFile()).readAll()) {
            if ("Deployment".equals(document.path("kind").asText())) {
                deployment = document;
            }
        }
        assertThat(deployment).as("deploy/50-deployment.yaml's Deployment").isNotNull();
        JsonNode resources = deployment.at("/spec/template/spec/containers/0/resources");
        assertThat(resources.at("/limits/memory").asText()).as("deploy/'s memory limit").isEqualTo(limit);
        assertThat(resources.at("/requests/memory").asText()).as("deploy/'s memory request")
                .isEqualTo(values.at("/resources/requests/memory").asText());
        // The fully grown process (heap at -Xmx) within 90 % of the limit, so the kernel never
        // kills the pod before ExitOnOutOfMemoryError can act.
        assertThat(heap + NON_HEAP_MIB).as("-Xmx + measured non-heap, MiB, against 90 %% of %s", limit)
                .isLessThanOrEqualTo(mebibytes(limit) * 9 / 10);
        // Requested what it will hold, so the scheduler places it where that memory is.
        assertThat(mebibytes(values.at("/resources/requests/memory").asText())).as("memory request")
                .isGreaterThanOrEqualTo(heap + NON_HEAP_MIB);
    }

    /** {@code 96m}, {@code 96M}, {@code 256Mi}, {@code 1Gi}, {@code 1g} in MiB. */
    private static long mebibytes(String size) {
        Matcher m = Pattern.compile("(\\d+)(m|M|Mi|g|G|Gi)").matcher(size);
        assertThat(m.matches()).as("size %s", size).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).toLowerCase().startsWith("g") ? n * 1024 : n;
    }

    /** The arguments of every instruction of that name, in order (stage aliases dropped from FROM). */
    private static List<String> instructions(String dockerfile, String name) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^" + name + "\\s+(.+)$").matcher(dockerfile);
        while (m.find()) {
            found.add(m.group(1).replaceAll("\\s+AS\\s+\\S+$", "").trim());
        }
        return found;
    }

    private static List<String> json(String array) throws Exception {
        return Arrays.asList(new ObjectMapper().readValue(array, String[].class));
    }

    private static Element jibConfiguration(Document pom) {
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            Element configuration = child(plugin, "configuration");
            if ("jib-maven-plugin".equals(text(child(plugin, "artifactId"))) && configuration != null
                    && child(configuration, "container") != null) {
                return configuration;
            }
        }
        throw new AssertionError("no jib-maven-plugin configuration in pom.xml");
    }

    private static String resolve(Document pom, String value) {
        Matcher m = Pattern.compile("\\$\\{(.+)}").matcher(value);
        if (!m.matches()) {
            return value;
        }
        Element properties = child(pom.getDocumentElement(), "properties");
        return text(child(properties, m.group(1)));
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element e) {
        return e.getTextContent().trim();
    }

    private static List<String> args(Element list) {
        List<String> values = new ArrayList<>();
        for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                values.add(text(e));
            }
        }
        return values;
    }
}
