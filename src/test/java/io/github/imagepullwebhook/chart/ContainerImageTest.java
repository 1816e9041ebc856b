package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * arguments and ports, and both must run the shaded jar at the same path.
 */
class ContainerImageTest {

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
