package io.github.imagepullwebhook.image;

/**
 * A bounded memo of {@link ReferenceParser} results, failures included. Parsing is a pure
 * function of the string, so a memo can never change an answer. Strings longer than any valid
 * reference are parsed every time (they fail fast) so hostile input cannot fill the memo with
 * large keys.
 *
 * <p>Direct-mapped: each image string has one slot, chosen by its hash, holding the last string
 * parsed there and its result; a collision just parses again. A lookup is one array read and
 * one string comparison. A general cache (Caffeine, here before) also keeps eviction statistics
 * on every read, and on the server, where every review looks up every image, that bookkeeping
 * cost more than the rules that asked. Slots are written without locks on purpose: an entry is
 * immutable (final fields), so a reader sees either a complete entry or an older one, and the
 * worst a race does is parse a string twice.
 */
final class ParsedReferences {

    /** Name (255) + tag (1 + 128) + digest (1 + sha512) stays well below this. */
    private static final int LONGEST_CACHED = 600;
    /** A power of two; at most this many entries of at most {@link #LONGEST_CACHED} characters. */
    private static final int SLOTS = 4_096;

    /** An image string and either its reference or the parser's message. */
    private record Entry(String image, ImageReference reference, String error) {
    }

    private static final Entry[] MEMO = new Entry[SLOTS];

    private ParsedReferences() {
    }

    static ImageReference parse(String image) throws InvalidImageReferenceException {
        if (image == null || image.length() > LONGEST_CACHED) {
            return ReferenceParser.parse(image);
        }
        int hash = image.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1); // the high bits too: similar names differ at the end
        Entry entry = MEMO[slot];
        if (entry == null || !entry.image.equals(image)) {
            entry = parseUncached(image);
            MEMO[slot] = entry;
        }
        if (entry.error != null) {
            throw new InvalidImageReferenceException(entry.error);
        }
        return entry.reference;
    }

    private static Entry parseUncached(String image) {
        try {
            return new Entry(image, ReferenceParser.parse(image), null);
        } catch (InvalidImageReferenceException e) {
            return new Entry(image, null, e.getMessage());
        }
    }
}
