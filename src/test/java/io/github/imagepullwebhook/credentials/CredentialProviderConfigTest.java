package io.github.imagepullwebhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.image.HostGlob;
import io.github.imagepullwebhook.testing.FakePlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The kubelet's CredentialProviderConfig as the webhook reads it, and every refusal as one clear line. */
class CredentialProviderConfigTest {

    /** The example of the Kubernetes documentation for kubelet image credential providers, trimmed. */
    static final String EXAMPLE = """
            apiVersion: kubelet.config.k8s.io/v1
            kind: CredentialProviderConfig
            providers:
              - name: ecr-credential-provider
                matchImages:
                  - "*.dkr.ecr.*.amazonaws.com"
                  - "*.dkr.ecr.*.amazonaws.com.cn"
                  - "public.ecr.aws"
                defaultCacheDuration: "12h"
                apiVersion: credentialprovider.kubelet.k8s.io/v1
                args:
                  - get-credentials
                env:
                  - name: AWS_PROFILE
                    value: temp
              - name: acr-credential-provider
                matchImages: ["*.azurecr.io"]
                defaultCacheDuration: "1h30m"
                apiVersion: credentialprovider.kubelet.k8s.io/v1beta1
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheKubeletsYaml() throws Exception {
        CredentialProviderConfig config = CredentialProviderConfig.parse(EXAMPLE, "config.yaml");
        assertThat(config.providers()).hasSize(2);
        CredentialProviderConfig.Provider ecr = config.providers().get(0);
        assertThat(ecr.name()).isEqualTo("ecr-credential-provider");
        assertThat(ecr.matchImages()).containsExactly("*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn",
                "public.ecr.aws");
        assertThat(ecr.defaultCacheDuration()).isEqualTo(Duration.ofHours(12));
        assertThat(ecr.apiVersion()).isEqualTo("credentialprovider.kubelet.k8s.io/v1");
        assertThat(ecr.args()).containsExactly("get-credentials");
        assertThat(ecr.env()).isEqualTo(Map.of("AWS_PROFILE", "temp"));
        CredentialProviderConfig.Provider acr = config.providers().get(1);
        assertThat(acr.defaultCacheDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(acr.args()).isEmpty();
        assertThat(acr.env()).isEmpty();
    }

    @Test
    void readsJsonWithTabs() throws Exception {
        String json = "{\n\t\"apiVersion\": \"kubelet.config.k8s.io/v1\",\n\t\"kind\": \"CredentialProviderConfig\",\n"
                + "\t\"providers\": [{\"name\": \"gcp\", \"matchImages\": [\"gcr.io\", \"*.pkg.dev\"],\n"
                + "\t\t\"defaultCacheDuration\": \"0\", \"apiVersion\": \"credentialprovider.kubelet.k8s.io/v1\"}]\n}";
        CredentialProviderConfig config = CredentialProviderConfig.parse(json, "config.json");
        assertThat(config.providers()).singleElement().satisfies(gcp -> {
            assertThat(gcp.matchImages()).containsExactly("gcr.io", "*.pkg.dev");
            assertThat(gcp.defaultCacheDuration()).isZero();
        });
    }

    @Test
    void aDirectoryIsReadInNameOrderAndANameMayNotRepeat() throws Exception {
        Files.writeString(dir.resolve("20-b.yaml"), FakePlugin.config("b", "[b.example.com]", "1m"));
        Files.writeString(dir.resolve("10-a.json"), "{\"apiVersion\":\"kubelet.config.k8s.io/v1\",\"kind\":"
                + "\"CredentialProviderConfig\",\"providers\":[{\"name\":\"a\",\"matchImages\":[\"a.example.com\"],"
                + "\"defaultCacheDuration\":\"1m\",\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\"}]}");
        Files.writeString(dir.resolve("README.md"), "not read");
        assertThat(CredentialProviderConfig.load(dir).providers()).extracting(CredentialProviderConfig.Provider::name)
                .containsExactly("a", "b");
        Files.writeString(dir.resolve("30-a-again.yml"), FakePlugin.config("a", "[c.example.com]", "1m"));
        assertThatThrownBy(() -> CredentialProviderConfig.load(dir))
                .hasMessage(dir + ": provider \"a\" is configured twice");
        assertThatThrownBy(() -> CredentialProviderConfig.load(Files.createDirectory(dir.resolve("empty"))))
                .hasMessage(dir.resolve("empty") + ": no *.json, *.yaml or *.yml file in the directory");
        assertThatThrownBy(() -> CredentialProviderConfig.load(dir.resolve("missing.yaml")))
                .hasMessage(dir.resolve("missing.yaml") + ": cannot be read (NoSuchFileException)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "apiVersion: kubelet.config.k8s.io/v1 | apiVersion: kubelet.config.k8s.io/v2 "
                    + "| apiVersion \"kubelet.config.k8s.io/v2\" is not supported (use kubelet.config.k8s.io/v1 or "
                    + "kubelet.config.k8s.io/v1alpha1 or kubelet.config.k8s.io/v1beta1)",
            "kind: CredentialProviderConfig | kind: KubeletConfiguration | kind must be CredentialProviderConfig",
            "- name: fake | '- name: ../fake' | providers[0].name \"../fake\" must not contain a path separator",
            "- name: fake | '- name: \"bin\\\\fake\"' | providers[0].name \"bin\\fake\" must not contain a path separator",
            "- name: fake | '- name: \"..\"' | providers[0].name \"..\" is not a file name (no spaces, not . or ..)",
            "- name: fake | '- name: \"my plugin\"' | providers[0].name \"my plugin\" is not a file name (no spaces, not . or ..)",
            "- name: fake | '- name: \"\"' | providers[0].name is required",
            "apiVersion: credentialprovider.kubelet.k8s.io/v1 | 'apiVersion: credentialprovider.kubelet.k8s.io/v2' "
                    + "| providers[0].apiVersion \"credentialprovider.kubelet.k8s.io/v2\" is not supported (use "
                    + "credentialprovider.kubelet.k8s.io/v1 or credentialprovider.kubelet.k8s.io/v1alpha1 or "
                    + "credentialprovider.kubelet.k8s.io/v1beta1)",
            "matchImages: [\"*.example.com\"] | 'matchImages: []' "
                    + "| providers[0].matchImages must list at least one image pattern",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"https://registry.example.com\"]' "
                    + "| providers[0].matchImages[0] \"https://registry.example.com\" must not have a scheme "
                    + "(the kubelet adds https:// itself)",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"*.example.com\", \"reg?.example.com\"]' "
                    + "| providers[0].matchImages[1] \"reg?.example.com\" contains '?', '#' or '%', which the kubelet "
                    + "reads as URL syntax, not as part of the pattern",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"registry-[z-a].example.com\"]' "
                    + "| providers[0].matchImages[0] \"registry-[z-a].example.com\" has a malformed glob in its host "
                    + "(Go's filepath.Match would refuse it)",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"registry.example.com:http\"]' "
                    + "| providers[0].matchImages[0] \"registry.example.com:http\" has a port that is not a number",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"/team/app\"]' "
                    + "| providers[0].matchImages[0] \"/team/app\" has no host",
            "matchImages: [\"*.example.com\"] | 'matchImages: [\"registry .example.com\"]' "
                    + "| providers[0].matchImages[0] \"registry .example.com\" contains a space or control character",
            "defaultCacheDuration: \"0\" | 'defaultCacheDuration: \"-1h\"' "
                    + "| providers[0].defaultCacheDuration must not be negative",
            "defaultCacheDuration: \"0\" | 'defaultCacheDuration: \"12 hours\"' "
                    + "| providers[0].defaultCacheDuration \"12 hours\" is not a duration such as 12h, 1h30m or 500ms",
            "defaultCacheDuration: \"0\" | 'cacheDuration: \"0\"' "
                    + "| unknown field providers[0].cacheDuration; providers[0].defaultCacheDuration is required "
                    + "(e.g. \"12h\"; \"0\" caches nothing)",
            "defaultCacheDuration: \"0\" | 'defaultCacheDuration: \"0\"\n    tokenAttributes: "
                    + "{serviceAccountTokenAudience: sts.amazonaws.com}' "
                    + "| providers[0].tokenAttributes: service account tokens for plugins are not supported by the webhook",
            "defaultCacheDuration: \"0\" | 'defaultCacheDuration: \"0\"\n    env: [{name: TOKEN}]' "
                    + "| providers[0].env[0] needs a name (without '=') and a string value",
            "providers: | 'providers: []\nunused:' | unknown field unused; providers must list at least one provider",
    })
    void aConfigTheKubeletWouldRefuseIsRefusedInOneLine(String written, String replaced, String problem) {
        String config = FakePlugin.config("fake", "[\"*.example.com\"]", "0");
        assertThat(config).contains(written);
        assertThatThrownBy(() -> CredentialProviderConfig.parse(config.replace(written, replaced), "/etc/cp.yaml"))
                .isInstanceOf(InvalidCredentialProviderConfigException.class)
                .hasMessage("/etc/cp.yaml: " + problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void twoProvidersMayNotShareAName() {
        String one = FakePlugin.config("fake", "[a.example.com]", "0");
        assertThatThrownBy(() -> CredentialProviderConfig.parse(one + one.substring(one.indexOf("  - name")), "cp.yaml"))
                .hasMessage("cp.yaml: providers[1].name \"fake\" is used twice");
    }

    @Test
    void envValuesAreNeverQuoted() {
        String config = FakePlugin.config("fake", "[a.example.com]", "0")
                + "    env: [{name: AWS_SECRET_ACCESS_KEY, value: hunter2}, {name: \"A=B\", value: hunter3}]\n";
        assertThatThrownBy(() -> CredentialProviderConfig.parse(config, "cp.yaml"))
                .hasMessage("cp.yaml: providers[0].env[1] needs a name (without '=') and a string value")
                .hasMessageNotContaining("hunter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"providers: [", "{\"apiVersion\": ", "- just\n- a list"})
    void notYamlOrNotAnObjectIsRefused(String content) {
        assertThatThrownBy(() -> CredentialProviderConfig.parse(content, "cp.yaml"))
                .isInstanceOf(InvalidCredentialProviderConfigException.class)
                .hasMessageStartingWith("cp.yaml: not ");
    }

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({"0, 0", "12h, 43200000000000", "1h30m, 5400000000000", "1.5h, 5400000000000", "300ms, 300000000",
            "2us, 2000", "2\u00b5s, 2000", "7ns, 7", "-1m, -60000000000", "+5s, 5000000000", ".5s, 500000000",
            "5.s, 5000000000", "1h0m0s, 3600000000000"})
    void goDurations(String written, long nanos) {
        assertThat(GoDuration.parse(written)).isEqualTo(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "12 h", "1d", "h", ".s", "1h 30m", "-", "9999999999h"})
    void notGoDurations(String written) {
        assertThatThrownBy(() -> GoDuration.parse(written)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"*, true", "a*b?c, true", "[a-z]x, true", "[^0-9], true", "\\[x, true", "[\\]], true",
            "[, false", "[], false", "[^], false", "[z-a], false", "[-a], false", "x\\, false", "[a-], false"})
    void hostGlobsWellFormedAsGoSees(String glob, boolean wellFormed) {
        assertThat(HostGlob.isWellFormed(glob)).isEqualTo(wellFormed);
    }
}
