package io.github.imagepullwebhook.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookConfigTest {

    @Test
    void anEmptyFileIsTheDocumentedDefault() {
        WebhookConfig config = WebhookConfig.parse("");
        assertThat(config).isEqualTo(WebhookConfig.DEFAULT);
        assertThat(config.server().port()).isEqualTo(8443);
        assertThat(config.server().metricsPort()).isEqualTo(9090);
        assertThat(config.server().maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.server().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.server().metricsBindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.profile("default")).contains(new Profile(true, false));
        assertThat(config.ignoreNamespaces()).isEmpty();
        assertThat(WebhookConfig.parse("# only a comment\n")).isEqualTo(WebhookConfig.DEFAULT);
    }

    @Test
    void readsEveryDocumentedKey() {
        WebhookConfig config = WebhookConfig.parse("""
                server: {port: 9443, tls: {certFile: /c/tls.crt, keyFile: /c/tls.key}, metricsPort: 9091, maxBodyBytes: 4096}
                profiles:
                  default: {}
                  tenants: {defaultPullPolicy: false, alwaysPull: true}
                ignoreNamespaces: [kube-system]
                """);
        assertThat(config.server().port()).isEqualTo(9443);
        assertThat(config.server().tls()).isEqualTo(new TlsConfig("/c/tls.crt", "/c/tls.key"));
        assertThat(config.server().maxBodyBytes()).isEqualTo(4096);
        assertThat(config.profile("default")).contains(Profile.DEFAULT);
        assertThat(config.profile("tenants")).contains(new Profile(false, true));
        assertThat(config.ignoreNamespaces()).containsExactly("kube-system");
    }

    @Test
    void everyDurationIsWrittenAsKubernetesWritesThem() {
        ServerConfig server = WebhookConfig.parse("server: {certReload: 500ms, shutdownDelay: 2s, shutdownTimeout: 1m, "
                + "requestTimeout: 7s, idleTimeout: 1h}").server();
        assertThat(List.of(server.certReloadMillis(), server.shutdownDelayMillis(), server.shutdownTimeoutMillis(),
                server.requestTimeoutMillis(), server.idleTimeoutMillis())).containsExactly(500L, 2_000L, 60_000L, 7_000L,
                3_600_000L);
    }

    @Test
    void mistakesAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> WebhookConfig.parse("profiles: {tenants: {alwaysPul: true}}"))
                .hasMessage("unknown configuration key \"profiles.tenants.alwaysPul\"");
        assertThatThrownBy(() -> WebhookConfig.parse("serve: {port: 1}"))
                .hasMessage("unknown configuration key \"serve\"");
        assertThatThrownBy(() -> WebhookConfig.parse("profiles: {Tenants_1: {}}"))
                .hasMessageContaining("profile name \"Tenants_1\" must be a DNS label");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {tls: {certFile: /x}}"))
                .hasMessageContaining("needs both certFile and keyFile");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {port: 70000}"))
                .hasMessageContaining("server.port must be 0..65535");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {port: eighty}"))
                .hasMessageStartingWith("invalid configuration");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {shutdownDelayMillis: 300}"))
                .hasMessage("unknown configuration key \"server.shutdownDelayMillis\"");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {requestTimeout: 10}"))
                .hasMessageContaining("server.requestTimeout must look like 500ms, 2s, 1m or 1h, was \"10\"");
        assertThatThrownBy(() -> WebhookConfig.parse("profiles: {t: {alwaysPullScope: everything}}"))
                .hasMessageContaining("alwaysPullScope must be pods or workloads, was \"everything\"");
        assertThatThrownBy(() -> WebhookConfig.parse("profiles: {t: {alwaysPullExempt: [\"docker.io//x\"]}}"))
                .hasMessageContaining("alwaysPullExempt: image pattern \"docker.io//x\"");
    }

    @Test
    void clientCertificatesAreOffUnlessAClientCaFileIsNamed() {
        assertThat(WebhookConfig.DEFAULT.server().tls().clientAuth()).isFalse();
        TlsConfig tls = WebhookConfig.parse("server: {tls: {clientCaFile: /ca/ca.crt, clientNames: [kube-apiserver, "
                + "apiserver.example]}}").server().tls();
        assertThat(tls.clientAuth()).isTrue();
        assertThat(tls.generated()).as("the serving certificate is still the server's own").isTrue();
        assertThat(tls.clientCaFile()).isEqualTo("/ca/ca.crt");
        assertThat(tls.clientNames()).containsExactly("kube-apiserver", "apiserver.example");
        assertThat(tls.withServingFiles("/c/tls.crt", "/c/tls.key"))
                .isEqualTo(new TlsConfig("/c/tls.crt", "/c/tls.key", "/ca/ca.crt", tls.clientNames()));
    }

    @Test
    void clientNamesWithoutAClientCaAreRefused() {
        assertThatThrownBy(() -> WebhookConfig.parse("server: {tls: {clientNames: [kube-apiserver]}}"))
                .hasMessageContaining("server.tls.clientNames needs server.tls.clientCaFile");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {tls: {clientCaFile: /ca.crt, clientNames: ['']}}"))
                .hasMessageContaining("server.tls.clientNames must not contain an empty name");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {tls: {clientCaFile: ' '}}"))
                .hasMessageContaining("server.tls.clientCaFile must name a file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "10.1.2.3", "::", "::1",
            "fd00::1", "::ffff:127.0.0.1"})
    void bindAddressesAreIpLiterals(String address) {
        ServerConfig server = WebhookConfig.parse("server: {bindAddress: \"" + address + "\", metricsBindAddress: \""
                + address + "\"}").server();
        assertThat(server.bindAddress()).isEqualTo(address);
        assertThat(server.metricsBindAddress()).isEqualTo(address);
    }

    /** Host names are refused too: resolved at every start, they could name any address, or several. */
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "", "256.0.0.1", "10.1", "0x7f.0.0.1",
            "127.0.0.1:8443", "[::1]", "::1%lo0x", "zz:1", "webhook.example.com"})
    void otherBindAddressesAreRefusedByName(String address) {
        assertThatThrownBy(() -> WebhookConfig.parse("server: {bindAddress: \"" + address + "\"}"))
                .hasMessageContaining("server.bindAddress must be an IP address such as 0.0.0.0 (all interfaces), :: "
                        + "or 127.0.0.1, was \"" + address + "\"");
        assertThatThrownBy(() -> WebhookConfig.parse("server: {metricsBindAddress: \"" + address + "\"}"))
                .hasMessageContaining("server.metricsBindAddress must be an IP address");
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "2s, PT2S", "10m, PT10M", "1h, PT1H", "' 3s ', PT3S"})
    void registryDurationsTakeMillisecondsToHours(String written, Duration expected) {
        assertThat(WebhookConfig.parse("registry: {cacheTtl: \"" + written + "\"}").registry().cacheTtl()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "1d", "-1s", "1.5s", "9999999999s", "s"})
    void otherDurationsAreRefusedByName(String written) {
        assertThatThrownBy(() -> WebhookConfig.parse("registry: {timeout: \"" + written + "\"}"))
                .hasMessageContaining("registry.timeout must look like 500ms, 2s, 1m or 1h");
    }

    @Test
    void credentialProvidersAreConfiguredByBothPathsOrNeither() {
        RegistryConfig both = WebhookConfig.parse("registry: {credentialProviderConfig: /etc/cp.yaml, "
                + "credentialProviderBinDir: /plugins}").registry();
        assertThat(both.hasCredentialProviders()).isTrue();
        assertThat(both.credentialProviderConfig()).isEqualTo("/etc/cp.yaml");
        assertThat(both.credentialProviderBinDir()).isEqualTo("/plugins");
        assertThat(WebhookConfig.parse("registry: {credentialProviderConfig: \"\", credentialProviderBinDir: \" \"}")
                .registry().hasCredentialProviders()).as("empty chart values mean unset").isFalse();
        assertThat(WebhookConfig.DEFAULT.registry().hasCredentialProviders()).isFalse();
        assertThatThrownBy(() -> WebhookConfig.parse("registry: {credentialProviderBinDir: /plugins}"))
                .hasMessageContaining("registry.credentialProviderConfig and registry.credentialProviderBinDir are set together");
    }
}
