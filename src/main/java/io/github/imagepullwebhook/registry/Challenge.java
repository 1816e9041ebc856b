package io.github.imagepullwebhook.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge, e.g.
 * {@code Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a/b:pull"}.
 * Parameters come in any order; values may be quoted (with backslash escapes) or bare tokens.
 *
 * @param scheme lower-case scheme: {@code basic} or {@code bearer}
 * @param params parameter names in lower case
 */
public record Challenge(String scheme, Map<String, String> params) {

    public static final String BASIC = "basic";
    public static final String BEARER = "bearer";

    public Challenge {
        params = Map.copyOf(params);
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The first challenge of a header value; empty when there is none that parses. */
    public static Optional<Challenge> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String value = header.trim();
        int space = value.indexOf(' ');
        String scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
        if (scheme.isEmpty() || !scheme.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? value.length() : space + 1;
        while (i < value.length()) {
            i = skip(value, i, " ,");
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder parameter = new StringBuilder();
            i = eq + 1;
            if (i < value.length() && value.charAt(i) == '"') {
                i++;
                while (i < value.length() && value.charAt(i) != '"') {
                    char c = value.charAt(i);
                    if (c == '\\' && i + 1 < value.length()) {
                        c = value.charAt(++i);
                    }
                    parameter.append(c);
                    i++;
                }
                i++; // closing quote
            } else {
                while (i < value.length() && value.charAt(i) != ',') {
                    parameter.append(value.charAt(i++));
                }
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, parameter.toString().trim());
            }
        }
        return Optional.of(new Challenge(scheme, params));
    }

    private static int skip(String value, int from, String characters) {
        int i = from;
        while (i < value.length() && characters.indexOf(value.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }
}
