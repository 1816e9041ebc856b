package io.github.imagepullwebhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Any bytes as a pull Secret's {@code .dockerconfigjson} or {@code .dockercfg}: either entries
 * or the parser's own {@link InvalidDockerConfigException}, whose message never repeats the
 * content it was given (it may hold a password).
 */
class DockerConfigFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyBytesAreEntriesOrAClearRefusal(byte[] content) {
        for (boolean configJson : new boolean[] {true, false}) {
            try {
                Map<String, RegistryCredential> entries = configJson ? DockerConfig.parseConfigJson(content, "secret ns/x")
                        : DockerConfig.parseDockercfg(content, "secret ns/x");
                entries.forEach((key, credential) -> assertThat(key).isNotNull());
            } catch (InvalidDockerConfigException refused) {
                assertThat(refused.getMessage()).startsWith("secret ns/x");
                String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
                if (text.length() >= 8) {
                    assertThat(refused.getMessage()).doesNotContain(text);
                }
            }
        }
    }
}
