package io.github.imagepullwebhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

        assertThat(ServingPair.parse(one.certificatePem(), one.keyPem()).matches()).isTrue();
        assertThat(ServingPair.parse(one.certificatePem(), other.keyPem()).matches()).isFalse();
        assertThat(ServingPair.parse(ca.certificatePem(), ca.keyPem()).matches()).isTrue();
        assertThatThrownBy(() -> ServingPair.parse(one.certificatePem(), one.keyPem().substring(0, 40)))
                .isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> ServingPair.parse("not a certificate", one.keyPem()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void keyManagersServeThePairsChainAndKey() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        CertificateAuthority.ServingCertificate one = ca.issue(List.of("localhost"), Duration.ofDays(1));
        String chain = one.certificatePem() + ca.certificatePem();

        javax.net.ssl.X509KeyManager keys = (javax.net.ssl.X509KeyManager) ServingPair.parse(chain, one.keyPem())
                .keyManagers().getKeyManagers()[0];

        String alias = keys.chooseServerAlias("EC", null, null);
        assertThat(alias).isNotNull();
        assertThat(keys.getCertificateChain(alias)).containsExactly(one.certificate(),
                CertificateAuthority.parseCertificate(ca.certificatePem()));
        assertThat(keys.getPrivateKey(alias).getEncoded()).isEqualTo(pkcs8(one.keyPem()));
        assertThat(keys.chooseServerAlias("RSA", null, null)).isNull();
    }

    @Test
    void unreadableFilesAreNamedWithoutQuotingThem() {
        assertThatThrownBy(() -> ServingPair.parse("-----BEGIN CERTIFICATE-----\nc2VjcmV0\n-----END CERTIFICATE-----\n", ""))
                .isInstanceOf(java.io.IOException.class).hasMessageStartingWith("the certificate file")
                .hasMessageNotContaining("c2VjcmV0");
    }

    private static byte[] pkcs8(String pem) {
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return java.util.Base64.getDecoder().decode(base64);
    }
}
