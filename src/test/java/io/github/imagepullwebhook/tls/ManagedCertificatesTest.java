package io.github.imagepullwebhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against fabric8's mock API server in CRUD mode: the Secret and webhook configurations behave as stored objects. */
@EnableKubernetesMockClient(crud = true)
class ManagedCertificatesTest {

    static final String NS = "image-pull-webhook";
    static KubernetesClient client;
    @TempDir
    Path dir;

    @BeforeEach
    void objectsTheChartCreates() {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("ipw-tls")
                .withNamespace(NS).endMetadata().withType("Opaque").build()).createOr(c -> c.update());
        client.secrets().inNamespace(NS).withName("ipw-tls").edit(s -> {
            s.setData(null);
            return s;
        });
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("ipw").endMetadata()
                .addNewWebhook().withName("default.mutate.image-pull-webhook.io").withNewClientConfig().withNewService()
                .withName("ipw").withNamespace(NS).withPath("/mutate/default").endService().endClientConfig().endWebhook()
                .addNewWebhook().withName("tenants.mutate.image-pull-webhook.io").withNewClientConfig().withNewService()
                .withName("ipw").withNamespace(NS).withPath("/mutate/tenants").endService().endClientConfig().endWebhook()
                .build()).createOr(c -> c.update());
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName("ipw").endMetadata()
                .addNewWebhook().withName("tenants.validate.image-pull-webhook.io").withNewClientConfig().withNewService()
                .withName("ipw").withNamespace(NS).withPath("/validate/tenants").endService().endClientConfig().endWebhook()
                .build()).createOr(c -> c.update());
    }

    ManagedCertificates managed(Path into, Clock clock) {
        return new ManagedCertificates(client, NS, "ipw-tls", "ipw", GeneratedCertificates.serviceNames("ipw", NS), into, clock);
    }

    @Test
    void fillsTheEmptySecretWritesTheFilesAndInjectsTheCa() throws Exception {
        GeneratedCertificates files = managed(dir, Clock.systemUTC()).ensure();

        Secret secret = client.secrets().inNamespace(NS).withName("ipw-tls").get();
        assertThat(secret.getData()).containsOnlyKeys("ca.crt", "ca.key", "tls.crt", "tls.key");
        assertThat(decode(secret.getData().get("tls.crt"))).isEqualTo(Files.readString(files.certFile()));
        String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(files.caFile()));
        assertThat(client.admissionRegistration().v1().mutatingWebhookConfigurations().withName("ipw").get().getWebhooks())
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle)).hasSize(2);
        assertThat(client.admissionRegistration().v1().validatingWebhookConfigurations().withName("ipw").get().getWebhooks())
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo(caBundle));

        X509Certificate served = CertificateAuthority.parseCertificate(Files.readString(files.certFile()));
        served.verify(CertificateAuthority.parseCertificate(Files.readString(files.caFile())).getPublicKey());
        assertThat(served.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .contains("ipw.image-pull-webhook.svc", "ipw.image-pull-webhook.svc.cluster.local", "127.0.0.1");
        assertThat(Files.getPosixFilePermissions(files.keyFile())).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aSecondReplicaServesTheSameCertificate(@TempDir Path other) throws Exception {
        GeneratedCertificates first = managed(dir, Clock.systemUTC()).ensure();
        GeneratedCertificates second = managed(other, Clock.systemUTC()).ensure();
        assertThat(Files.readString(second.certFile())).isEqualTo(Files.readString(first.certFile()));
        assertThat(Files.readString(second.keyFile())).isEqualTo(Files.readString(first.keyFile()));
    }

    @Test
    void renewsTheServingCertificateBeforeExpiryUnderTheSameCa(@TempDir Path later) throws Exception {
        GeneratedCertificates first = managed(dir, Clock.systemUTC()).ensure();
        String caBefore = Files.readString(first.caFile());

        Clock elevenMonthsOn = Clock.fixed(Instant.now().plus(Duration.ofDays(340)), ZoneOffset.UTC);
        GeneratedCertificates renewed = managed(later, elevenMonthsOn).ensure();

        assertThat(Files.readString(renewed.certFile())).isNotEqualTo(Files.readString(first.certFile()));
        assertThat(Files.readString(renewed.caFile())).as("the CA, and so caBundle, stays").isEqualTo(caBefore);
        assertThat(decode(client.secrets().inNamespace(NS).withName("ipw-tls").get().getData().get("tls.crt")))
                .isEqualTo(Files.readString(renewed.certFile()));
    }

    @Test
    void replacesAnUnusableStoredCertificate() throws Exception {
        client.secrets().inNamespace(NS).withName("ipw-tls").edit(s -> {
            s.setData(java.util.Map.of("ca.crt", enc("junk"), "ca.key", enc("junk"), "tls.crt", enc("junk"), "tls.key", enc("junk")));
            return s;
        });
        GeneratedCertificates files = managed(dir, Clock.systemUTC()).ensure();
        assertThat(Files.readString(files.certFile())).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void aMissingSecretIsAClearError() {
        client.secrets().inNamespace(NS).withName("ipw-tls").delete();
        assertThatThrownBy(() -> managed(dir, Clock.systemUTC()).ensure())
                .hasMessage("Secret image-pull-webhook/ipw-tls does not exist; the chart creates it (empty) for the webhook to fill");
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    static String enc(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
