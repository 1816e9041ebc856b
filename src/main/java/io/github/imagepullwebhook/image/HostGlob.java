package io.github.imagepullwebhook.image;

/**
 * Go's {@code filepath.Match}, applied to one host label: {@code *} any run of characters,
 * {@code ?} one character, {@code [...]} a class with ranges and {@code ^} negation,
 * {@code \} escapes. A malformed pattern matches nothing, as Kubernetes ignores the error.
 *
 * <p>Hosts are compared label by label ({@link #matchesHost}), as the kubelet compares
 * {@code config.json} keys. The registry's {@code allow}/{@code deny} patterns use the same
 * comparison, so that one rule decides everywhere where a {@code *} may reach: never across a
 * dot, so {@code 10.0.0.*} does not match {@code 10.0.0.1.evil.example}.
 */
public final class HostGlob {

    private HostGlob() {
    }

    /**
     * Kubernetes' host comparison ({@code URLsMatch} without ports and paths): the same number
     * of dot-separated labels, each matched as a glob. {@code *.example.com} matches
     * {@code a.example.com}, but neither {@code example.com} nor {@code a.b.example.com}.
     */
    public static boolean matchesHost(String pattern, String host) {
        if (isLiteral(pattern)) {
            // Label by label, a pattern without glob characters matches exactly the equal host.
            return pattern.equals(host);
        }
        String[] globs = pattern.split("\\.", -1);
        String[] labels = host.split("\\.", -1);
        if (globs.length != labels.length) {
            return false;
        }
        for (int i = 0; i < globs.length; i++) {
            if (!matches(globs[i], labels[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiteral(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    static boolean matches(String pattern, String text) {
        try {
            return match(pattern, 0, text, 0);
        } catch (IllegalArgumentException badPattern) {
            return false;
        }
    }

    /**
     * False where Go's {@code filepath.Match} reports {@code ErrBadPattern}: a trailing
     * {@code \}, an unclosed or empty class, a class element that starts with an unescaped
     * {@code -} or {@code ]}, a range whose ends are reversed. Used to refuse such patterns in
     * configuration, where the kubelet would silently never match them, and a deny list that
     * matched nothing would be worse than none.
     */
    public static boolean isWellFormed(String pattern) {
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[') {
                i = afterClass(pattern, i + 1);
                if (i < 0) {
                    return false;
                }
            } else {
                i++;
            }
        }
        return i == pattern.length();
    }

    /** Index after the class whose body starts at {@code i}, or -1 when Go would refuse it. */
    private static int afterClass(String p, int i) {
        int at = i < p.length() && p.charAt(i) == '^' ? i + 1 : i;
        int elements = 0;
        while (at < p.length()) {
            if (p.charAt(at) == ']' && elements > 0) {
                return at + 1;
            }
            int lo = classChar(p, at);
            if (lo < 0) {
                return -1;
            }
            at = next(p, at);
            if (at < p.length() && p.charAt(at) == '-') {
                int hi = classChar(p, at + 1);
                if (hi < 0 || hi < lo) {
                    return -1;
                }
                at = next(p, at + 1);
            }
            elements++;
        }
        return -1;
    }

    /** The class character at {@code i} (after an escape), or -1 where Go's {@code getEsc} fails. */
    private static int classChar(String p, int i) {
        if (i >= p.length() || p.charAt(i) == '-' || p.charAt(i) == ']') {
            return -1;
        }
        if (p.charAt(i) == '\\') {
            return i + 1 < p.length() ? p.charAt(i + 1) : -1;
        }
        return p.charAt(i);
    }

    private static int next(String p, int i) {
        return p.charAt(i) == '\\' ? i + 2 : i + 1;
    }

    private static boolean match(String p, int pi, String t, int ti) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = t.length(); k >= ti; k--) {
                    if (match(p, pi + 1, t, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length()) {
                return false;
            }
            if (c == '?') {
                pi++;
            } else if (c == '[') {
                int end = classEnd(p, pi);
                if (!inClass(p, pi + 1, end, t.charAt(ti))) {
                    return false;
                }
                pi = end + 1;
            } else {
                if (c == '\\') {
                    if (++pi >= p.length()) {
                        throw new IllegalArgumentException("trailing escape");
                    }
                    c = p.charAt(pi);
                }
                if (c != t.charAt(ti)) {
                    return false;
                }
                pi++;
            }
            ti++;
        }
        return ti == t.length();
    }

    /** Index of the closing {@code ]} of the class opened at {@code open}. */
    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        boolean first = true;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == ']' && !first) {
                return i;
            }
            if (c == '\\') {
                i++;
            }
            first = false;
            i++;
        }
        throw new IllegalArgumentException("unterminated class");
    }

    private static boolean inClass(String p, int from, int end, char ch) {
        boolean negated = p.charAt(from) == '^';
        int i = negated ? from + 1 : from;
        boolean matched = false;
        while (i < end) {
            char lo = p.charAt(i) == '\\' ? p.charAt(++i) : p.charAt(i);
            char hi = lo;
            if (i + 2 < end && p.charAt(i + 1) == '-') {
                hi = p.charAt(i + 2) == '\\' ? p.charAt(i + 3) : p.charAt(i + 2);
                i += p.charAt(i + 2) == '\\' ? 3 : 2;
                if (lo > hi) {
                    throw new IllegalArgumentException("bad range");
                }
            }
            matched |= lo <= ch && ch <= hi;
            i++;
        }
        return matched != negated;
    }
}
