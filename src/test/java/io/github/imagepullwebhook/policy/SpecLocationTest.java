package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Site paths come from a table built once for the first entries of each list, and are built the same way past it. */
class SpecLocationTest {

    private static final SpecLocation TEMPLATE = SpecLocation.of("spec.template.spec");

    @ParameterizedTest(name = "{0}[{1}]")
    @CsvSource({
        "CONTAINER, 0, spec.template.spec.containers[0], /spec/template/spec/containers/0, imagePullPolicy, image",
        "INIT_CONTAINER, 15, spec.template.spec.initContainers[15], /spec/template/spec/initContainers/15, imagePullPolicy, image",
        "EPHEMERAL_CONTAINER, 16, spec.template.spec.ephemeralContainers[16], /spec/template/spec/ephemeralContainers/16, imagePullPolicy, image",
        "IMAGE_VOLUME, 2, spec.template.spec.volumes[2].image, /spec/template/spec/volumes/2/image, pullPolicy, reference",
        "IMAGE_VOLUME, 40, spec.template.spec.volumes[40].image, /spec/template/spec/volumes/40/image, pullPolicy, reference",
    })
    void namesEverySiteAsKubernetesAndJsonPointerDo(SiteKind kind, int index, String fieldPath, String pointer,
            String policyField, String imageField) {
        SpecLocation.SitePaths paths = TEMPLATE.site(kind, index);

        assertThat(paths.fieldPath()).isEqualTo(fieldPath);
        assertThat(paths.pointer()).isEqualTo(pointer);
        assertThat(paths.policyPath()).isEqualTo(fieldPath + "." + policyField);
        assertThat(paths.imagePath()).isEqualTo(fieldPath + "." + imageField);
        assertThat(paths.policyPointer()).isEqualTo(pointer + "/" + policyField);
        assertThat(paths.imagePointer()).isEqualTo(pointer + "/" + imageField);
        boolean cached = index < SpecLocation.CACHED_INDEXES;
        assertThat(TEMPLATE.site(kind, index) == paths).as("same instance on every review").isEqualTo(cached);
    }
}
