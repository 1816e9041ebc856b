package io.github.imagepullwebhook.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A bounded memo of {@link ReferenceParser} results, failures included. Parsing is a pure
 * function of the string, so a memo can never change an answer. Strings longer than any valid
 * reference are parsed every time (they fail fast) so hostile input cannot fill the memo with
 * large keys.
 */
final class ParsedReferences {

    /** Name (255) + tag (1 + 128) + digest (1 + sha512) stays well below this. */
    private static final int LONGEST_CACHED = 600;
    private static final int ENTRIES = 8_192;

    /** Either a reference or the parser's message. */
    private record Parsed(ImageReference reference, String error) {
    }

    private static final Cache<String, Parsed> MEMO = Caffeine.newBuilder().maximumSize(ENTRIES).build();

    private ParsedReferences() {
    }

    static ImageReference parse(String image) throws InvalidImageReferenceException {
        if (image == null || image.length() > LONGEST_CACHED) {
            return ReferenceParser.parse(image);
        }
        Parsed parsed = MEMO.get(image, ParsedReferences::parseUncached);
        if (parsed.error != null) {
            throw new InvalidImageReferenceException(parsed.error);
        }
        return parsed.reference;
    }

    private static Parsed parseUncached(String image) {
        try {
            return new Parsed(ReferenceParser.parse(image), null);
        } catch (InvalidImageReferenceException e) {
            return new Parsed(null, e.getMessage());
        }
    }
}
