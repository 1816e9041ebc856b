package io.github.imagepullwebhook.registry;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.registry.RegistryException.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Which registries the webhook may contact. An image name is user input: without this guard a
 * pod could make the webhook probe the cluster's network or a cloud metadata endpoint.
 *
 * <ul>
 *   <li>{@code deny} patterns are never contacted; with {@code allow} patterns, only those are.</li>
 *   <li>Link-local addresses (cloud metadata lives at 169.254.169.254 and fd00:ec2::254) are
 *       never contacted, whatever the patterns say.</li>
 *   <li>Loopback, private and unique-local addresses only when an {@code allow} pattern names
 *       the host explicitly.</li>
 * </ul>
 * Patterns match {@code host} or {@code host:port}; {@code *} stands for any run of characters
 * (so {@code *.example.com}, {@code 10.0.0.*:5000}). Host names are resolved before the check,
 * on a worker thread, never on an event loop. A name that resolves differently between this
 * check and the connection (DNS rebinding) is not caught; keep {@code allow} tight where that
 * matters.
 */
public final class HostGuard implements DigestResolver {

    private final DigestResolver delegate;
    private final Vertx vertx;
    private final List<Pattern> allow;
    private final List<Pattern> deny;

    public HostGuard(DigestResolver delegate, Vertx vertx, List<String> allow, List<String> deny) {
        this.delegate = delegate;
        this.vertx = vertx;
        this.allow = allow.stream().map(HostGuard::glob).toList();
        this.deny = deny.stream().map(HostGuard::glob).toList();
    }

    @Override
    public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
        String authority = image.apiHost().toLowerCase(Locale.ROOT);
        String host = hostOf(authority);
        boolean allowed = matches(allow, authority, host);
        if (matches(deny, authority, host) || (!allow.isEmpty() && !allowed)) {
            return Future.<String>failedFuture(new RegistryException(Kind.REFUSED_BY_POLICY, "registry " + authority
                    + " is not pinned here (registry.allow / registry.deny)")).toCompletionStage();
        }
        return addresses(host).compose(addresses -> {
            for (InetAddress address : addresses) {
                String refusal = refusal(address, allowed);
                if (refusal != null) {
                    return Future.<String>failedFuture(new RegistryException(Kind.REFUSED_BY_POLICY, "registry " + authority
                            + " resolves to "
                            + refusal + " address " + address.getHostAddress() + "; not contacted"));
                }
            }
            return Future.fromCompletionStage(delegate.resolve(image, credentials));
        }).toCompletionStage();
    }

    /** Why an address may not be contacted, or null. */
    static String refusal(InetAddress address, boolean explicitlyAllowed) {
        if (address.isLinkLocalAddress() || isMetadata(address)) {
            return "a link-local (metadata)";
        }
        if (explicitlyAllowed) {
            return null;
        }
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return "a loopback";
        }
        if (address.isSiteLocalAddress() || isUniqueLocal(address)) {
            return "a private";
        }
        return null;
    }

    private static boolean isMetadata(InetAddress address) {
        byte[] bytes = address.getAddress();
        // fd00:ec2::254 (AWS IMDS over IPv6)
        return bytes.length == 16 && (bytes[0] & 0xff) == 0xfd && bytes[1] == 0 && (bytes[2] & 0xff) == 0x0e
                && (bytes[3] & 0xff) == 0xc2 && (bytes[15] & 0xff) == 0x54 && (bytes[14] & 0xff) == 0x02;
    }

    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /** Every address of the host, looked up on a worker thread (the JDK resolver reads /etc/hosts too). */
    private Future<List<InetAddress>> addresses(String host) {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(literal)), false)
                .recover(failure -> Future.failedFuture(new RegistryException(Kind.TRANSPORT,
                        "cannot resolve registry host " + literal)));
    }

    private static boolean matches(List<Pattern> patterns, String authority, String host) {
        return patterns.stream().anyMatch(p -> p.matcher(authority).matches() || p.matcher(host).matches());
    }

    private static String hostOf(String authority) {
        if (authority.startsWith("[")) {
            return authority.substring(0, authority.indexOf(']') + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            regex.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString());
    }
}
