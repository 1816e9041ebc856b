package io.github.imagepullwebhook.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Where a connection to an address ends up, as far as the guard cares: on the internet, or
 * inside the node, the cluster's private networks or a cloud's metadata service.
 *
 * <p>IPv6 forms that carry an IPv4 address are judged by that IPv4 address, because that is
 * where the connection goes:
 * <ul>
 *   <li>IPv4-mapped {@code ::ffff:a.b.c.d} and IPv4-compatible {@code ::a.b.c.d}: the socket
 *       connects to a.b.c.d itself. The JDK turns a mapped <em>literal</em> into an IPv4
 *       address, but not what a resolver answers, so a name resolving to
 *       {@code ::ffff:127.0.0.1} passed as an ordinary IPv6 address.</li>
 *   <li>NAT64, RFC 6052's well-known prefix {@code 64:ff9b::/96}: the translator connects to
 *       the embedded address. IPv6-only clusters reach public registries this way, so a public
 *       embedded address stays public and a private one is private.</li>
 *   <li>6to4 {@code 2002:AABB:CCDD::/48}: relays deliver to AABB:CCDD.</li>
 * </ul>
 * The local-use NAT64 prefix {@code 64:ff9b:1::/48} (RFC 8215) embeds addresses in a layout
 * of the operator's choosing, so all of it counts as private. Teredo ({@code 2001::/32}) is not
 * interpreted: it names a client behind a NAT, obfuscated, not a host inside the cluster.
 */
enum AddressScope {
    PUBLIC("a public"),
    LOOPBACK("a loopback"),
    PRIVATE("a private"),
    LINK_LOCAL("a link-local (metadata)");

    private static final byte[] AWS_METADATA_V6 = bytes("fd00:ec2::254");
    private static final byte[] ALIBABA_METADATA = {100, 100, 100, (byte) 200};

    private final String description;

    AddressScope(String description) {
        this.description = description;
    }

    /** "a loopback", "a private", … as in "resolves to a loopback address". */
    String description() {
        return description;
    }

    /**
     * Link-local and metadata addresses never; loopback and private ones only for a host an
     * {@code allow} pattern names; public ones always.
     */
    boolean mayConnect(boolean explicitlyAllowed) {
        return this == PUBLIC || (this != LINK_LOCAL && explicitlyAllowed);
    }

    static AddressScope of(InetAddress address) {
        byte[] bytes = unmapped(address).getAddress();
        if (bytes.length == 4) {
            return ofIpv4(bytes);
        }
        byte[] embedded = translatedIpv4(bytes);
        return embedded != null ? ofIpv4(embedded) : ofIpv6(bytes);
    }

    /**
     * The IPv4 address itself for an IPv4-mapped or IPv4-compatible IPv6 address (a socket
     * connects to exactly that), otherwise {@code address}. {@code ::} and {@code ::1} are not
     * IPv4-compatible (RFC 4291): they stay the IPv6 unspecified and loopback addresses.
     */
    static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        boolean mapped = b.length == 16 && isZero(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        boolean compatible = b.length == 16 && isZero(b, 0, 12) && !isUnspecifiedOrLoopback(b);
        if (!mapped && !compatible) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException impossible) { // four bytes are always an address
            throw new IllegalStateException(impossible);
        }
    }

    /** The IPv4 address behind a NAT64 (well-known prefix) or 6to4 address, or null. */
    private static byte[] translatedIpv4(byte[] b) {
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && isZero(b, 4, 12)) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    private static AddressScope ofIpv4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if ((first == 169 && second == 254) || Arrays.equals(b, ALIBABA_METADATA)) {
            return LINK_LOCAL;
        }
        if (first == 127 || first == 0) { // 0.0.0.0/8: Linux connects 0.0.0.0 to the local host
            return LOOPBACK;
        }
        boolean shared = first == 100 && (second & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT and some clusters
        if (first == 10 || (first == 172 && (second & 0xf0) == 16) || (first == 192 && second == 168) || shared) {
            return PRIVATE;
        }
        return PUBLIC;
    }

    private static AddressScope ofIpv6(byte[] b) {
        if (isUnspecifiedOrLoopback(b)) { // :: connects to the local host, as 0.0.0.0 does
            return LOOPBACK;
        }
        if ((b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0x80) || Arrays.equals(b, AWS_METADATA_V6)) {
            return LINK_LOCAL;
        }
        boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;
        boolean siteLocal = b[0] == (byte) 0xfe && (b[1] & 0xc0) == 0xc0;
        boolean localNat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && b[4] == 0
                && b[5] == 1;
        return uniqueLocal || siteLocal || localNat64 ? PRIVATE : PUBLIC;
    }

    private static boolean isUnspecifiedOrLoopback(byte[] ipv6) {
        return isZero(ipv6, 0, 15) && (ipv6[15] == 0 || ipv6[15] == 1);
    }

    private static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String literal) {
        try {
            return InetAddress.getByName("[" + literal + "]").getAddress();
        } catch (UnknownHostException impossible) { // a literal is parsed, never looked up
            throw new IllegalStateException(impossible);
        }
    }
}
