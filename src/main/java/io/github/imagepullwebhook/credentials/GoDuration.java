package io.github.imagepullwebhook.credentials;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Go writes them ({@code time.ParseDuration}), because the kubelet's files
 * and plugins write them that way: {@code 12h}, {@code 1h30m}, {@code 0.5s}, {@code 300ms},
 * {@code 0}. A sign is allowed; a number without a unit is not, except {@code 0}.
 */
final class GoDuration {

    private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private GoDuration() {
    }

    /** @throws IllegalArgumentException naming what is wrong, without quoting more than the value */
    static Duration parse(String text) {
        String rest = text;
        boolean negative = rest.startsWith("-");
        if (negative || rest.startsWith("+")) {
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("is not a duration such as 12h, 1h30m or 500ms");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = PART.matcher(rest);
        int at = 0;
        while (at < rest.length()) {
            if (!part.find(at) || part.start() != at || !hasDigit(part.group(1))) {
                throw new IllegalArgumentException("is not a duration such as 12h, 1h30m or 500ms");
            }
            nanos = nanos.add(new BigDecimal(number(part.group(1))).multiply(BigDecimal.valueOf(NANOS.get(part.group(2)))));
            at = part.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("is longer than Go's durations can be");
        }
        Duration parsed = Duration.ofNanos(nanos.longValue());
        return negative ? parsed.negated() : parsed;
    }

    private static boolean hasDigit(String number) {
        return number.chars().anyMatch(Character::isDigit);
    }

    /** {@code 5.} and {@code .5} are numbers to Go; BigDecimal wants a digit on the dot's left. */
    private static String number(String written) {
        String withLeading = written.startsWith(".") ? "0" + written : written;
        return withLeading.endsWith(".") ? withLeading.substring(0, withLeading.length() - 1) : withLeading;
    }
}
