package io.github.imagepullwebhook.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The chart rendered by helm (helm-java, no helm process) and parsed by fabric8 into typed objects. */
final class RenderedChart {

    static final Path CHART = Path.of("charts/image-pull-webhook");
    static final String RELEASE = "image-pull-webhook";
    static final String NAMESPACE = "image-pull-webhook";
    static final String KUBE_VERSION = "1.31.0";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    final String yaml;
    final List<HasMetadata> objects;

    private RenderedChart(String yaml) {
        this.yaml = yaml;
        this.objects = parse(yaml);
    }

    static RenderedChart render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        return new RenderedChart(values.apply(command).call());
    }

    static RenderedChart render(Map<String, Object> sets) {
        return render(command -> {
            sets.forEach(command::set);
            return command;
        });
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> parsed = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#"))) {
                parsed.add(SERIALIZATION.unmarshal(document));
            }
        }
        return parsed;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    List<String> kinds() {
        return objects.stream().map(HasMetadata::getKind).toList();
    }
}
