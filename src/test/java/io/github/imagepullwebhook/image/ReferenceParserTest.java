package io.github.imagepullwebhook.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written grammar against distribution's regular expressions ({@link
 * RegexReferenceParser}): on generated strings, both refuse with the same message or both
 * return the same reference.
 */
class ReferenceParserTest {

    static final String[] DOMAINS = {"", "docker.io/", "index.docker.io/", "localhost/", "localhost:5000/",
        "registry.example.com/", "Registry.Example.COM:443/", "[::1]:5000/", "[fe80::1]/", "[]/", "[::1/", "a-b.c/",
        "-a.b/", "a-.b/", "a..b/", "a_b.c/", "host:port/", "host:/", "1.2.3.4:80/", "x:5000/", "UPPER/"};
    static final String[] COMPONENTS = {"a", "nginx", "a.b", "a__b", "a---b", "a_b", "a___b", "a-b", "a_.b", "a..b",
        ".a", "a.", "_a", "a_", "-a", "a-", "A", "aB", "0", "library", "team-x", "", "a b", "a\u00e9", "a/b"};
    static final String[] TAGS = {"", ":v1", ":1.27-alpine", ":_x", ":", ":v1", ":1.27-alpine", ":_x", ":-x", ":.x", ":V_1.0", ":latest",
        ":" + "x".repeat(128), ":" + "x".repeat(129), ":a/b", ":a:b", ":a@b"};
    static final String[] DIGESTS = {"", "@", "@sha256:" + "ab".repeat(32), "@sha256:" + "AB".repeat(32),
        "@sha256:" + "ab".repeat(31), "@sha512:" + "ab".repeat(64), "@sha384:" + "ab".repeat(48),
        "@md5:" + "ab".repeat(16), "@sha256+b64u.x:" + "ab".repeat(16), "@1sha:" + "ab".repeat(16), "@:" + "ab".repeat(16),
        "@sha256:" + "ab".repeat(32) + "@x", "@sha256:" + "gh".repeat(32)};

    @Test
    void agreesWithDistributionsExpressions() {
        Random random = new Random(42);
        List<String> images = new ArrayList<>(List.of("", "a".repeat(64), "0123456789abcdef".repeat(4),
                "a".repeat(250) + "/b", "docker.io/" + "a/".repeat(130) + "b", "nginx\n"));
        for (int i = 0; i < 60_000; i++) {
            StringBuilder image = new StringBuilder(pick(random, DOMAINS));
            int components = 1 + random.nextInt(3);
            for (int c = 0; c < components; c++) {
                image.append(c == 0 ? "" : "/").append(pick(random, COMPONENTS));
            }
            image.append(pick(random, TAGS)).append(pick(random, DIGESTS));
            if (random.nextInt(10) == 0) { // a stray character anywhere
                int at = random.nextInt(image.length() + 1);
                image.insert(at, "/:@._-Aa0[]#".charAt(random.nextInt(12)));
            }
            images.add(image.toString());
        }
        int accepted = 0;
        for (String image : images) {
            Object expected = parse(true, image);
            assertThat(parse(false, image)).as(image).isEqualTo(expected);
            accepted += expected instanceof ImageReference ? 1 : 0;
        }
        assertThat(accepted).as("the generated strings include valid references").isGreaterThan(5_000);
        assertThat(images.size() - accepted).as("and invalid ones").isGreaterThan(5_000);
    }

    /** The reference, or the refusal's message. */
    private static Object parse(boolean regex, String image) {
        try {
            return regex ? RegexReferenceParser.parse(image) : ReferenceParser.parse(image);
        } catch (InvalidImageReferenceException e) {
            return e.getMessage();
        }
    }

    /** Mostly one of the first (valid) few choices, so that both outcomes are common. */
    private static String pick(Random random, String[] choices) {
        int valid = Math.min(choices.length, 5);
        return choices[random.nextInt(10) < 7 ? random.nextInt(valid) : random.nextInt(choices.length)];
    }
}
