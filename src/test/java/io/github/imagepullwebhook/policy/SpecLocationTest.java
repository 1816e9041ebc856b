package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every site is named as Kubernetes names fields and as a JSON patch points at them. */
class SpecLocationTest {

    @ParameterizedTest(name = "{1}[{2}] under \"{0}\"")
    @CsvSource({
        "spec.template.spec, CONTAINER, 0, spec.template.spec.containers[0], /spec/template/spec/containers/0",
        "spec.template.spec, INIT_CONTAINER, 15, spec.template.spec.initContainers[15], /spec/template/spec/initContainers/15",
        "spec, EPHEMERAL_CONTAINER, 16, spec.ephemeralContainers[16], /spec/ephemeralContainers/16",
        "spec.template.spec, IMAGE_VOLUME, 2, spec.template.spec.volumes[2].image, /spec/template/spec/volumes/2/image",
        "'', EPHEMERAL_CONTAINER, 1, ephemeralContainers[1], /ephemeralContainers/1",
    })
    void namesEverySiteAsKubernetesAndJsonPointerDo(String spec, SiteKind kind, int index, String fieldPath,
            String pointer) {
        SpecLocation location = SpecLocation.of(spec);

        assertThat(location.sitePath(kind, index)).isEqualTo(fieldPath);
        assertThat(location.sitePointer(kind, index)).isEqualTo(pointer);
    }
}
