package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

    @Test
    void bearerWithParametersInAnyOrder() {
        Challenge challenge = Challenge.parse("Bearer service=\"registry.docker.io\", "
                + "scope=\"repository:library/nginx:pull\",realm=\"https://auth.docker.io/token\"").orElseThrow();
        assertThat(challenge.scheme()).isEqualTo("bearer");
        assertThat(challenge.params()).isEqualTo(Map.of("realm", "https://auth.docker.io/token",
                "service", "registry.docker.io", "scope", "repository:library/nginx:pull"));
    }

    @Test
    void basicQuotedEscapesBareTokensAndCase() {
        assertThat(Challenge.parse("Basic realm=\"a \\\"quoted\\\" realm\"").orElseThrow().params())
                .containsEntry("realm", "a \"quoted\" realm");
        Challenge bare = Challenge.parse("BEARER Realm=https://r.example.com/token,Service=reg").orElseThrow();
        assertThat(bare.scheme()).isEqualTo("bearer");
        assertThat(bare.params()).containsEntry("realm", "https://r.example.com/token").containsEntry("service", "reg");
        assertThat(Challenge.parse("Bearer scope=\"repository:a:pull,push repository:b:pull\"").orElseThrow().params())
                .containsEntry("scope", "repository:a:pull,push repository:b:pull");
    }

    @Test
    void garbageIsNoChallenge() {
        assertThat(Challenge.parse(null)).isEmpty();
        assertThat(Challenge.parse("")).isEmpty();
        assertThat(Challenge.parse("\"quoted\" realm=x")).isEmpty();
        assertThat(Challenge.parse("Bearer realm=\"unterminated").orElseThrow().params()).containsEntry("realm", "unterminated");
    }
}
