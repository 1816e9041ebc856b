package io.github.imagepullwebhook.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IP literals in hosts and patterns, parsed without any lookup: {@code InetAddress.getByName}
 * asks DNS for anything it cannot parse, which must never happen on an event loop, nor for a
 * string that was meant as an address.
 */
final class IpLiteral {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private IpLiteral() {
    }

    /**
     * The address {@code host} spells, if it is an IP literal (IPv6 with or without brackets).
     *
     * @throws UnknownHostException for something with a colon that is not an IPv6 address
     */
    static Optional<InetAddress> parse(String host) throws UnknownHostException {
        String bare = bare(host);
        if (bare.indexOf(':') >= 0) {
            return Optional.of(InetAddress.getByName("[" + bare + "]")); // brackets: parsed or refused, never looked up
        }
        Matcher ipv4 = IPV4.matcher(bare);
        if (!ipv4.matches()) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = Integer.parseInt(ipv4.group(i + 1));
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(InetAddress.getByAddress(bytes));
    }

    /**
     * One spelling per host, so that a pattern and a URL agree however either wrote it: lower
     * case, without brackets, and an IP literal in the JDK's form, IPv4-mapped and
     * IPv4-compatible forms as the IPv4 address ({@code [::ffff:10.0.0.1]} is {@code 10.0.0.1}).
     * A name (or glob) is lower-cased and loses the final dot of an absolute name, which would
     * otherwise slip past a deny pattern ({@code metadata.internal.} is {@code metadata.internal}).
     */
    static String canonical(String host) {
        String bare = bare(host).toLowerCase(Locale.ROOT);
        try {
            return parse(bare).map(address -> AddressScope.unmapped(address).getHostAddress())
                    .orElse(withoutFinalDot(bare));
        } catch (UnknownHostException notALiteral) {
            return bare;
        }
    }

    private static String withoutFinalDot(String name) {
        return name.length() > 1 && name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** {@code [v6]:port}-ready: brackets around an IPv6 literal. */
    static String bracketed(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    /** Without the brackets of an IPv6 literal. */
    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
