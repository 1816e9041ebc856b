package io.github.imagepullwebhook.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from distribution's reference and normalize tests, and from semantics.md. */
class ImageReferenceTest {

    static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest(name = "{0} -> {1} / {2} : {3} @ {4}")
    @CsvSource(nullValues = "-", value = {
            // image,                                    domain,            path,                 tag,             digest
            "debian,                                      docker.io,         library/debian,       -,               -",
            "docker/docker,                               docker.io,         docker/docker,        -,               -",
            "library/debian,                              docker.io,         library/debian,       -,               -",
            "docker.io/debian,                            docker.io,         library/debian,       -,               -",
            "docker.io/library/debian:bookworm,           docker.io,         library/debian,       bookworm,        -",
            "index.docker.io/debian,                      docker.io,         library/debian,       -,               -",
            "index.docker.io/docker/docker,               docker.io,         docker/docker,        -,               -",
            "127.0.0.1:5000/docker/docker,                127.0.0.1:5000,    docker/docker,        -,               -",
            "127.0.0.1:5000/debian,                       127.0.0.1:5000,    debian,               -,               -",
            "192.168.0.1/foo,                             192.168.0.1,       foo,                  -,               -",
            "localhost/foo,                               localhost,         foo,                  -,               -",
            "localhost:5000/foo/bar:v2,                   localhost:5000,    foo/bar,              v2,              -",
            "Foo/bar,                                     Foo,               bar,                  -,               -",
            "[fe80::1]:5000/foo,                          [fe80::1]:5000,    foo,                  -,               -",
            "test:5000/repo,                              test:5000,         repo,                 -,               -",
            "test.com:5000,                               docker.io,         library/test.com,     5000,            -",
            "foo_bar.com:8080,                            docker.io,         library/foo_bar.com,  8080,            -",
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag, sub-dom1.foo.com,  bar/baz/quux,         some-long-tag,   -",
            "a/a/a/a/a/a,                                 docker.io,         a/a/a/a/a/a,          -,               -",
            "registry.k8s.io/pause:3.9,                   registry.k8s.io,   pause,                3.9,             -",
            "foo__bar/baz-qux---x.y_z,                    docker.io,         foo__bar/baz-qux---x.y_z, -,           -",
            "nginx:Latest_TAG,                            docker.io,         library/nginx,        Latest_TAG,      -",
    })
    void parsesAndNormalises(String image, String domain, String path, String tag, String digest) throws Exception {
        ImageReference reference = ImageReference.parse(image);
        assertThat(reference.original()).isEqualTo(image);
        assertThat(reference.domain()).isEqualTo(domain);
        assertThat(reference.path()).isEqualTo(path);
        assertThat(reference.tag()).isEqualTo(tag);
        assertThat(reference.digest()).isEqualTo(digest);
    }

    @Test
    void digestsKeepTheTagWhenBothAreWritten() throws Exception {
        ImageReference both = ImageReference.parse("nginx:1.25@sha256:" + HEX);
        assertThat(both.tag()).isEqualTo("1.25");
        assertThat(both.digest()).isEqualTo("sha256:" + HEX);
        assertThat(both.canonical()).isEqualTo("docker.io/library/nginx:1.25@sha256:" + HEX);
        ImageReference digestOnly = ImageReference.parse("quay.io/x/y@sha256:" + HEX);
        assertThat(digestOnly.tag()).isNull();
        assertThat(digestOnly.effectiveTag()).isEmpty();
        assertThat(digestOnly.canonical()).isEqualTo("quay.io/x/y@sha256:" + HEX);
    }

    @ParameterizedTest
    @CsvSource({
            "nginx,                       latest",
            "nginx:latest,                latest",
            "host:5000/name,              latest",
            "host:5000/name:v1,           v1",
            "nginx:Latest,                Latest",
    })
    void effectiveTagIsLatestOnlyWithoutTagAndDigest(String image, String tag) throws Exception {
        assertThat(ImageReference.parse(image).effectiveTag()).isEqualTo(tag);
    }

    @Test
    void keepsTheUsersStringAndCanonicalFormApart() throws Exception {
        ImageReference reference = ImageReference.parse("nginx:1.25");
        assertThat(reference.canonical()).isEqualTo("docker.io/library/nginx:1.25");
        assertThat(reference.withDigest("sha256:" + HEX)).isEqualTo("nginx:1.25@sha256:" + HEX);
        assertThat(reference.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("ghcr.io/o/r").apiHost()).isEqualTo("ghcr.io");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "https://github.com/docker/docker",
            "docker/Docker",
            "Uppercase:tag",
            "docker.io/docker/Docker",
            "-docker",
            "-docker/docker",
            "docker///docker",
            "docker.io/docker///docker",
            "docker/docker-",
            ":justtag",
            "@sha256:" + HEX,
            "foo:bar:baz",
            "repo@sha256:ffffffffffffffffffffffffffffffffff",
            "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "repo@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            HEX,
            "nginx: 1.25",
            "nginx:-tag",
            "host:port/foo",
            "[fe80::1/foo",
    })
    void refusesWhatDistributionRefuses(String image) {
        assertThatThrownBy(() -> ImageReference.parse(image)).isInstanceOf(InvalidImageReferenceException.class);
    }

    @Test
    void refusesNamesOver255AndTagsOver128Characters() throws Exception {
        String path = "a/".repeat(127) + "b"; // docker.io/ + 255 = 265 > 255
        assertThatThrownBy(() -> ImageReference.parse(path)).hasMessageContaining("255");
        String okPath = "a/".repeat(122) + "b"; // docker.io/ + 245 = 255
        assertThat(ImageReference.parse(okPath).path()).isEqualTo(okPath);
        assertThat(ImageReference.parse("nginx:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ImageReference.parse("nginx:" + "t".repeat(129)))
                .isInstanceOf(InvalidImageReferenceException.class);
    }

    @Test
    void aNameOf64HexDigitsIsRefusedButNotAsAPathComponent() throws Exception {
        assertThatThrownBy(() -> ImageReference.parse(HEX)).hasMessageContaining("64-byte");
        assertThat(ImageReference.parse("docker.io/" + HEX).path()).isEqualTo("library/" + HEX);
        assertThat(ImageReference.parse("example.com/" + HEX).path()).isEqualTo(HEX);
    }

    @Test
    void tenThousandCharactersFailFastWithoutEchoingTheInput() {
        String huge = "a".repeat(10_000);
        assertThatThrownBy(() -> ImageReference.parse(huge))
                .isInstanceOf(InvalidImageReferenceException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
}
