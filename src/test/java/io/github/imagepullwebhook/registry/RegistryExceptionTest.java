package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.registry.RegistryException.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryExceptionTest {

    /** Messages reach kubectl warnings: what a registry sent must not add lines or turn text around. */
    @Test
    void controlFormatAndLineSeparatorCharactersAreReplaced() {
        RegistryException e = new RegistryException(Kind.UNEXPECTED_ANSWER, 500, "bad\r\nX-Injected: 1\u202eevil\u2028\u0000");
        assertThat(e).hasMessage("bad??X-Injected: 1?evil??");
        assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_ANSWER);
        assertThat(e.status()).isEqualTo(500);
    }

    @Test
    void aRateLimitCarriesItsRetryAfter() {
        RegistryException e = RegistryException.rateLimited("rate limited by r.example", Duration.ofSeconds(30));
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(new RegistryException(Kind.TRANSPORT, "x").retryAfter()).isEmpty();
    }
}
