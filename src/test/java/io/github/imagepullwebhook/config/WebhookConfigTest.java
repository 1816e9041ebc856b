package io.github.imagepullwebhook.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    @Test
    void anEmptyFileIsTheDocumentedDefault() {
        WebhookConfig config = WebhookConfig.parse("");
        assertThat(config).isEqualTo(WebhookConfig.DEFAULT);
        assertThat(config.server().port()).isEqualTo(8443);
        assertThat(config.server().metricsPort()).isEqualTo(9090);
        assertThat(config.server().maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
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
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"500ms, PT0.5S", "2s, PT2S", "10m, PT10M", "1h, PT1H", "' 3s ', PT3S"})
    void registryDurationsTakeMillisecondsToHours(String written, java.time.Duration expected) {
        assertThat(WebhookConfig.parse("registry: {cacheTtl: \"" + written + "\"}").registry().cacheTtl()).isEqualTo(expected);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"2", "1d", "-1s", "1.5s", "9999999999s", "s"})
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
