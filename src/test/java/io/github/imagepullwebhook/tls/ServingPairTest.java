package io.github.imagepullwebhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key is served only with its own certificate. */
class ServingPairTest {

    @Test
    void aKeyMatchesItsOwnCertificateOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        CertificateAuthority.ServingCertificate one = ca.issue(List.of("localhost"), Duration.ofDays(1));
        CertificateAuthority.ServingCertificate other = ca.issue(List.of("localhost"), Duration.ofDays(1));

        assertThat(ServingPair.matches(one.certificatePem(), one.keyPem())).isTrue();
        assertThat(ServingPair.matches(one.certificatePem(), other.keyPem())).isFalse();
        assertThat(ServingPair.matches(ca.certificatePem(), ca.keyPem())).isTrue();
        assertThat(ServingPair.matches(one.certificatePem(), one.keyPem().substring(0, 40))).isFalse();
        assertThat(ServingPair.matches("not a certificate", one.keyPem())).isFalse();
    }
}
