package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.FakePlugin;
import io.github.imagepullwebhook.tls.CertificateAuthority;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code serve} command: generated certificates, real TLS, one review, clean stop. */
class ServeCommandTest {

    @TempDir
    Path dir;
    final CliRun cli = new CliRun();

    @Test
    void checkStartsServesOneReviewOverTlsAndStops() {
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "--cert-dir=" + dir);
        assertThat(status).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString())
                .contains("CA bundle: " + dir.resolve("ca.crt").toAbsolutePath())
                .contains("self-check passed over HTTP_2")
                .contains("{\"op\":\"add\",\"path\":\"/spec/containers/0/imagePullPolicy\",\"value\":\"Always\"}");
        assertThat(Files.exists(dir.resolve("tls.key"))).isTrue();
    }

    @Test
    void bindAddressFlagsOverrideTheConfiguration() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "server: {bindAddress: 10.255.255.1}\n");
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=0", "--cert-dir=" + dir, "-c",
                config.toString(), "--bind-address=127.0.0.1", "--metrics-bind-address=127.0.0.1");
        assertThat(status).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("self-check passed over HTTP_2");
    }

    @Test
    void aBindAddressThatIsNoIpAddressIsOneLine() {
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "--cert-dir=" + dir,
                "--metrics-bind-address=localhost");
        assertThat(status).isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("image-pull-webhook serve: server.metricsBindAddress must be an "
                + "IP address such as 0.0.0.0 (all interfaces), :: or 127.0.0.1, was \"localhost\"");
    }

    /** The generated serving certificate keeps the configured client CA: reviews without one are refused. */
    @Test
    void checkWithAClientCaExpectsReviewsWithoutACertificateToBeRefused() throws Exception {
        Path ca = Files.writeString(dir.resolve("client-ca.crt"),
                CertificateAuthority.create().certificatePem());
        Path config = Files.writeString(dir.resolve("config.yaml"), "server: {tls: {clientCaFile: " + ca + "}}\n");
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "--cert-dir=" + dir.resolve("generated"),
                "-c", config.toString());
        assertThat(status).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains("self-check passed over HTTP_2: reviews without a client certificate are "
                + "refused (server.tls.clientCaFile)");
    }

    @Test
    void aPortInUseIsAClearStartFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int status = cli.run("serve", "--check", "--port=" + taken.getLocalPort(), "--metrics-port=-1", "--cert-dir=" + dir);
            assertThat(status).isEqualTo(1);
            assertThat(cli.err.toString()).startsWith("image-pull-webhook: cannot start:");
        }
    }

    @Test
    void anInvalidConfigurationIsOneLineNamingTheKey() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yaml"), "registry: {timeout: forever}\n");
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "-c", config.toString());
        assertThat(status).isEqualTo(2);
        assertThat(cli.err.toString().strip())
                .isEqualTo("image-pull-webhook serve: invalid configuration: registry.timeout must look like 500ms, 2s, "
                        + "1m or 1h, was \"forever\"")
                .doesNotContain("Exception");
    }

    @Test
    void aCredentialProviderConfigWithoutItsPluginDirectoryIsRefused() throws Exception {
        Path config = Files.writeString(dir.resolve("half.yaml"), "registry: {credentialProviderConfig: /etc/cp.yaml}\n");
        assertThat(cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "-c", config.toString())).isEqualTo(2);
        assertThat(cli.err.toString().strip()).isEqualTo("image-pull-webhook serve: invalid configuration: "
                + "registry.credentialProviderConfig and registry.credentialProviderBinDir are set together "
                + "(the kubelet's --image-credential-provider-config and -bin-dir)");
    }

    @Test
    void aBrokenCredentialProviderSetupStopsTheStartInOneLine() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path providers = Files.writeString(dir.resolve("cp.yaml"), FakePlugin.config("ecr", "[\"*.example.com\"]", "12h"));
        Path config = Files.writeString(dir.resolve("pin.yaml"), "profiles: {default: {pinDigests: true}}\n"
                + "registry: {credentialProviderConfig: " + providers + ", credentialProviderBinDir: " + bin + "}\n");
        int status = cli.run("serve", "--check", "--port=0", "--metrics-port=-1", "--cert-dir=" + dir, "-c", config.toString());
        assertThat(status).isEqualTo(1);
        assertThat(cli.err.toString().strip()).isEqualTo("image-pull-webhook: cannot start: registry.credentialProviderConfig: "
                + "plugin " + bin.resolve("ecr") + " of provider \"ecr\" is not an executable file");

        Files.writeString(providers, FakePlugin.config("bin/ecr", "[\"https://*.example.com\"]", "12h"));
        CliRun again = new CliRun();
        assertThat(again.run("serve", "--check", "--port=0", "--metrics-port=-1", "--cert-dir=" + dir, "-c", config.toString()))
                .isEqualTo(1);
        assertThat(again.err.toString().strip()).isEqualTo("image-pull-webhook: cannot start: registry.credentialProviderConfig: "
                + providers + ": providers[0].name \"bin/ecr\" must not contain a path separator; "
                + "providers[0].matchImages[0] \"https://*.example.com\" must not have a scheme (the kubelet adds https:// itself)");
    }
}
