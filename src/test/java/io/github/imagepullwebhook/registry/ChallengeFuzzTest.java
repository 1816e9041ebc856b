package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Any {@code WWW-Authenticate} value, as a hostile registry may send: the parser answers with a
 * challenge or with none, never with an exception, and what it answers is usable as is.
 */
class ChallengeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyHeaderParsesOrIsIgnored(String header) {
        Optional<Challenge> challenge = Challenge.parse(header);
        challenge.ifPresent(parsed -> {
            assertThat(parsed.scheme()).isNotEmpty().isLowerCase();
            assertThat(parsed.param("realm")).isNotNull();
        });
    }
}
