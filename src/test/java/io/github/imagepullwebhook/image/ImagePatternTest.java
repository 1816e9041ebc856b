package io.github.imagepullwebhook.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Exemption patterns: hosts as the kubelet matches them, paths by whole segments, ports exactly. */
class ImagePatternTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "docker.io/library,              nginx,                                   true",
        "docker.io/library,              nginx:1.27@sha256:abababababababababababababababababababababababababababababababab,  true",
        "docker.io/library/nginx,        docker.io/library/nginx-private:1,       false",
        "docker.io/library/ngin*,        docker.io/library/nginx-private:1,       true",
        "docker.io,                      team/app,                                true",
        "registry.example.com/public,    registry.example.com/public/app:1,       true",
        "registry.example.com/public,    registry.example.com/public-secret/app:1, false",
        "registry.example.com/public,    registry.example.com/publ:1,             false",
        "registry.example.com/public,    registry.example.com:443/public/app:1,   false",
        "registry.example.com:5000,      registry.example.com:5000/any/thing,     true",
        "registry.example.com:5000,      registry.example.com/any/thing,          false",
        "*.gcr.io/distroless,            eu.gcr.io/distroless/static:nonroot,     true",
        "*.gcr.io/distroless,            gcr.io/distroless/static:nonroot,        false",
        "*.gcr.io/distroless,            a.b.gcr.io/distroless/static,            false",
        "registry.k8s.io,                REGISTRY.K8S.IO/pause:3.9,               true",
        "registry.k8s.io,                registry.k8s.io.evil.example/pause:3.9,  false",
        "10.0.0.*:5000,                  10.0.0.1.evil.example:5000/app,          false",
        "10.0.0.*:5000,                  10.0.0.7:5000/app,                       true",
    })
    void matchesTheCanonicalRepository(String pattern, String image, boolean expected) throws Exception {
        assertThat(ImagePattern.parse(pattern).matches(ImageReference.parse(image))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/library", "docker.io/", "docker.io//x", "host:port/x", "host:123456", "[bad/x", "h:"})
    void refusesWhatIsNoPattern(String pattern) {
        assertThatThrownBy(() -> ImagePattern.parse(pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image pattern");
    }
}
