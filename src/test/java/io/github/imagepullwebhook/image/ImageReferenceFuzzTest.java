package io.github.imagepullwebhook.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any string: the parser either refuses it with its own exception or returns a reference whose
 * canonical form parses back to the same canonical form, repository and digest (parse → print →
 * parse is stable), and to which a digest can be appended. Runs its seeds in every build; fuzzes
 * with {@code JAZZER_FUZZ=1} (see {@code bench/fuzz.sh} and the {@code fuzz-*} executions).
 */
class ImageReferenceFuzzTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @FuzzTest(maxDuration = "10s")
    void parsePrintParseIsStable(String image) throws Exception {
        ImageReference first;
        try {
            first = ImageReference.parse(image);
        } catch (InvalidImageReferenceException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(first.original()).isEqualTo(image); // the user's string is kept untouched
        ImageReference again = ImageReference.parse(first.canonical());
        assertThat(again.canonical()).isEqualTo(first.canonical());
        assertThat(again.repository()).isEqualTo(first.repository());
        assertThat(again.digest()).isEqualTo(first.digest());
        assertThat(again.effectiveTag()).isEqualTo(first.effectiveTag().isEmpty() ? again.effectiveTag() : first.effectiveTag());
        if (!first.hasDigest()) {
            assertThat(ImageReference.parse(first.withDigest(DIGEST)).digest()).isEqualTo(DIGEST);
        }
    }
}
